/* check_lesson07.c - lesson 07 (backprop by hand) runs in --quick mode,
 * walks through the forward and backward pass, checks every gradient of
 * every layer against differences, trains, and finds edge-detecting
 * filters; every claim holds and every picture and plot it shows is
 * written; the gradient table and the accuracy data say what the lesson
 * says; the convolution layer's backward loops are shown from
 * core/conv_layer.c; the central difference's error is explained and checked; every
 * flag its "Try it yourself" names runs to exit 0 without a ✘; bad flags
 * are refused with exit status 2. Runs the real binary (tests/lesson_run.h)
 * with its outputs in a temporary folder. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/explore.h"
#include "tests/lesson_checks.h"
#include "tests/lesson_run.h"

#define L07 "07_backprop"

static const char *const sections[] = {
    "## The network",
    "## The task: horizontal or vertical?",
    "## One forward pass, layer by layer",
    "## One backward pass, layer by layer",
    "## Every gradient checked against central differences",
    "## Training: horizontal or vertical?",
    "## What the filters learned",
    "## Try it yourself",
};

static const char *const claims[] = {
    "total: 394 parameters",
    "dL/dz_k = (p_k − [k = y]) / B",
    "- ✔ first picture, score 0:",
    "- ✔ by hand for input",
    "- ✔ in all 288 of 288 windows the whole gradient sits at the window's maximum",
    "- ✔ all 1152 entries follow the rule;",
    "- ✔ by hand: dL/dw\\[2\\]\\[1\\]\\[3\\] =",
    "- ✔ softmax + cross-entropy, dL/dz (scores): 4 of 4 entries agree",
    "- ✔ fc, dL/dx (pooled maps):",
    "- ✔ fc, dL/dW (weights): 288 of 288 entries agree",
    "- ✔ fc, dL/db (biases): 2 of 2 entries agree",
    "- ✔ pool1, dL/dx (ReLU output):",
    "- ✔ relu1, dL/dx (conv output):",
    "- ✔ conv1, dL/dx (the pictures):",
    "- ✔ conv1, dL/dW (weights):",
    "- ✔ conv1, dL/db (biases):",
    "entries cross a kink on one side; at all",
    "**core/conv\\_layer.c, lines ",
    "```c\n/* dout (B,OC,OH,OW), inp (B,C,H,W), weight (OC,C/G,KH,KW) -> dinp, dweight, dbias (+=)",
    "void conv2d_backward_naive(float *dinp, float *dweight, float *dbias, const float *dout,",
    "Read it with this layer's sizes",
    "The difference formula itself is exact for any quadratic",
    "- ✔ in double at v = 0.7, ε = 0.001: for f = v² the central difference is off by",
    "with learning rate 0.02 and momentum 0.9 (the momentum of lesson 05)",
    "The learning rate is not lesson 05's.",
    "whose middle lies within 2 pixels of the picture's centre",
    "- ✔ test accuracy",
    "- ✔ the mean training loss fell from",
    "- ✔ training made the filters like the hand-designed edge kernels",
    "trained filters match Sobel x or Sobel y best",
    "filters answer one orientation at least twice as strongly as the other",
};

static const char *const files[] = { "bars.png",     "forward_maps.png", "loss.png",
                                     "accuracy.png", "filters.png",      "trained_maps_horizontal.png",
                                     "trained_maps_vertical.png" };

START_TEST(quick_run)
{
    LessonRun r;
    const char *args[] = { "--quick", NULL };
    LessonExpect e = { sections, sizeof sections / sizeof *sections, claims, sizeof claims / sizeof *claims,
                       files, sizeof files / sizeof *files, 21, 7 };
    char *md = lesson_expect_run(&r, L07, args, &e);
    ck_assert_msg(strstr(md, "only exact for a straight line") == NULL && strstr(md, "0.9, as in lesson") == NULL,
                  "a corrected sentence is back");

    /* the gradient table: nine rows, none with an entry outside tolerance,
     * every kink matched ("k (k)") */
    const char *rows[] = { "| softmax + cross-entropy | dL/dz (scores) | 4 |", "| fc | dL/dx (pooled maps) | 288 |",
                           "| fc | dL/dW (weights) | 288 |",    "| fc | dL/db (biases) | 2 |",
                           "| pool1 | dL/dx (ReLU output) | 1152 |", "| relu1 | dL/dx (conv output) | 1152 |",
                           "| conv1 | dL/dx (the pictures) | 512 |", "| conv1 | dL/dW (weights) | 100 |",
                           "| conv1 | dL/db (biases) | 4 |" };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        const char *p = strstr(md, rows[i]);
        ck_assert_msg(p != NULL, "the gradient table lacks the row \"%s\"", rows[i]);
        const char *end = strchr(p, '\n');
        ck_assert_ptr_nonnull(end);
        /* the last two cells: "| bad | kinks (matched) |" */
        const char *c = end;
        int cells = 0;
        while (c > p && cells < 3) cells += *--c == '|';
        int bad = -1, kinks = -1, matched = -2;
        ck_assert_msg(sscanf(c, "| %d | %d (%d) |", &bad, &kinks, &matched) == 3, "cannot read \"%.*s\"",
                      (int)(end - p), p);
        ck_assert_msg(bad == 0 && kinks == matched, "row \"%.*s\": %d outside tolerance, %d of %d kinks matched",
                      (int)(end - p), p, bad, matched, kinks);
    }

    /* the accuracy data: epoch 0 near chance, the last epoch above 95% */
    char path[1024];
    snprintf(path, sizeof path, "%s/accuracy.dat", r.outdir);
    char *dat = lesson_read_file(path, NULL);
    ck_assert_msg(dat != NULL, "%s was not written", path);
    double first = -1.0, last = -1.0;
    int rowsn = 0;
    for (char *line = strtok(dat, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '#' || line[0] == '"') continue;
        double ep, acc;
        ck_assert_msg(sscanf(line, "%lf %lf", &ep, &acc) == 2, "bad row \"%s\"", line);
        if (rowsn++ == 0) first = acc;
        last = acc;
    }
    ck_assert_int_eq(rowsn, 7); /* epoch 0 and six epochs */
    ck_assert_msg(first > 30.0 && first < 70.0 && last > 95.0, "accuracy %g%% before, %g%% after", first, last);
    free(dat);
    free(md);
    lesson_run_free(&r);
}
END_TEST

/* Every flag "Try it yourself" names (with --quick and few epochs, to stay
 * short): exit 0 and no ✘; what a setting does not reach is said so. */
START_TEST(try_it_yourself)
{
    static const char *const runs[][5] = {
        { "--quick", "--epochs", "3", NULL },       { "--quick", "--seed", "7", "--epochs", "2" },
        { "--quick", "--momentum", "0", "--epochs", "2" }, { "--quick", "--lr", "0.2", "--epochs", "2" },
        { "--quick", "--lr", "0.002", "--epochs", "2" },
    };
    int unreached = 0;
    for (size_t i = 0; i < sizeof runs / sizeof *runs; i++) {
        const char *args[6] = { runs[i][0], runs[i][1], runs[i][2], runs[i][3], runs[i][4], NULL };
        char *md = lesson_assert_explores(L07, args);
        unreached += strstr(md, "◦ not reached with these settings") != NULL;
        free(md);
    }
    ck_assert_msg(unreached > 0, "no exploratory run left a claim unreached: are the claims goals?");
}
END_TEST

START_TEST(command_line)
{
    const char *flags[] = { "--quick", "--epochs", "--seed", "--lr", "--momentum", "--naive" };
    lesson_assert_cli(L07, flags, 6);

    LessonRun r;
    static const char *const bad[][2] = { { "--epochs", "-3" }, { "--epochs", "0" }, { "--seed", "-1" }, { "--lr", "0" },
                                          { "--lr", "11" },     { "--momentum", "1" }, { "--momentum", "-1" },
                                          { "--lr", "fast" } };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        const char *args[] = { bad[i][0], bad[i][1], NULL };
        lesson_run(&r, L07, args);
        ck_assert_msg(r.status == 2, "%s %s exited %d, expected 2", bad[i][0], bad[i][1], r.status);
        ck_assert_msg(strstr(r.err, bad[i][0]) != NULL, "the message does not name %s: %s", bad[i][0], r.err);
        lesson_run_free(&r);
    }
}
END_TEST

Suite *lesson07_suite(void)
{
    Suite *s = suite_create("lesson07");
    TCase *run = tcase_create("run");
    tcase_set_timeout(run, lesson_timeout(90));
    tcase_add_test(run, quick_run);
    suite_add_tcase(s, run);
    TCase *explore = tcase_create("try_it_yourself");
    tcase_set_timeout(explore, lesson_timeout(150));
    tcase_add_test(explore, try_it_yourself);
    suite_add_tcase(s, explore);
    TCase *cli = tcase_create("command_line");
    tcase_set_timeout(cli, lesson_timeout(30));
    tcase_add_test(cli, command_line);
    suite_add_tcase(s, cli);
    return s;
}
