/* check_lesson12.c - lesson 12 (speed) runs in --quick mode, holds every
 * claim and writes every plot it shows; each step of its layer (the
 * functions of lessons/kit/speed_steps.h) computes the reference loops'
 * outputs on shapes of every kind; bad flags are refused. Runs the real
 * binary (tests/lesson_run.h) with its outputs in a temporary folder. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/conv_layer.h"
#include "core/rng.h"
#include "core/threads.h"
#include "lessons/kit/speed_steps.h"
#include "tests/lesson_checks.h"
#include "tests/lesson_run.h"

#define L12 "12_speed"

static const char *const sections[] = {
    "## What the machine can do at most",
    "## The roofline: where each convolution sits",
    "## One layer, step by step",
    "## Threads, and layers too small to share",
    "## The whole network: reference loops against fast ones",
    "## A busy machine",
    "## Try it yourself",
};

static const char *const claims[] = {
    "times as fast, from the same instructions",
    "- ✔ every convolution of AlexNet-mini after conv1 does more flops per byte",
    "- ✔ all 8 versions compute the reference loops' outputs",
    "register blocking with the machine's vectors (step 5) runs", /* speed: a goal under sanitizers */
    "- ✔ step 6 gives the reference outputs at",
    "the fast loops train LeNet-5",
    "the layers' times add up to",
    "- ✔ the weights after training beside the busy process equal those after training alone, all 61706 bit for bit",
    "lessons/kit/speed\\_steps.c, lines", "lessons/kit/speed\\_block.h, lines", "core/train.c, lines",
    "static void wait_passively_unless_chosen", "void step_textbook", "void step_rows",
};

static const char *const files[] = { "chains.png", "roofline.png", "steps.png", "step_time.png" };

START_TEST(quick_run)
{
    const LessonExpect e = { sections, sizeof sections / sizeof *sections, claims, sizeof claims / sizeof *claims,
                             files, sizeof files / sizeof *files, 4, 4 }; /* 4 checks hold in any build */
    LessonRun r;
    const char *args[] = { "--quick", NULL };
    char *md = lesson_expect_run(&r, L12, args, &e);
    const char *tested[] = { "--quick" };
    lesson_assert_try_it(md, tested, 1);
    /* the roofline's data: 8 layers, each a label, an intensity, a rate and a series */
    char dat[600];
    snprintf(dat, sizeof dat, "%s/roofline.dat", r.outdir);
    char *d = lesson_read_file(dat, NULL);
    ck_assert_msg(d != NULL, "%s was not written", dat);
    ck_assert_int_eq(lesson_count(d, "\n\""), 8);
    /* ... and where its label goes: x, y and an alignment 0, 1 or 2 */
    for (const char *row = strstr(d, "\n\""); row; row = strstr(row + 1, "\n\"")) {
        const char *q = strchr(row + 2, '"');
        ck_assert_ptr_nonnull(q);
        double ai, gf, lx, ly;
        int series, align;
        ck_assert_int_eq(sscanf(q + 1, "%lf %lf %d %lf %lf %d", &ai, &gf, &series, &lx, &ly, &align), 6);
        ck_assert(lx > 0 && ly > 0 && align >= 0 && align <= 2);
    }
    free(d);
    free(md);
    lesson_run_free(&r);
}
END_TEST

/* Every step on shapes the lesson does not use: one sample and three,
 * no padding and more padding than the kernel's half, rows narrower and
 * wider than one block, 4 and 8 maps. Steps 1 to 5 add the terms in the
 * reference's order (bit-identical); the library's and the threaded ones
 * within rounding. */
START_TEST(steps_equal_reference)
{
    const StepGeom shapes[] = { step_geom(1, 3, 7, 5, 4, 3, 1), step_geom(3, 2, 11, 19, 8, 5, 0),
                                step_geom(2, 5, 6, 6, 4, 3, 2), step_geom(1, 1, 9, 37, 8, 5, 2),
                                step_geom(2, 4, 5, 5, 4, 1, 0) };
    const StepFn fns[] = { step_textbook, step_clipped, step_rows, step_blocked, step_wide, step_threads };
    const char *names[] = { "textbook", "clipped", "rows", "blocked", "wide", "threads" };
    for (size_t s = 0; s < sizeof shapes / sizeof *shapes; s++) {
        const StepGeom g = shapes[s];
        const size_t nx = (size_t)g.B * g.C * g.H * g.W, nw = (size_t)g.OC * g.C * g.K * g.K;
        const size_t ny = (size_t)g.B * g.OC * g.OH * g.OW;
        float *x = malloc(nx * sizeof *x), *w = malloc(nw * sizeof *w), *b = malloc((size_t)g.OC * sizeof *b);
        float *ref = malloc(ny * sizeof *ref), *y = malloc(ny * sizeof *y);
        ck_assert(x && w && b && ref && y);
        Rng r;
        rng_seed(&r, 40 + s, 1);
        for (size_t i = 0; i < nx; i++) x[i] = rng_range(&r, -1.0f, 1.0f);
        for (size_t i = 0; i < nw; i++) w[i] = rng_range(&r, -1.0f, 1.0f);
        for (int i = 0; i < g.OC; i++) b[i] = rng_range(&r, -1.0f, 1.0f);
        const Conv2dGeom cg = { .B = g.B, .C = g.C, .H = g.H, .W = g.W, .OC = g.OC, .OH = g.OH, .OW = g.OW,
                                .KH = g.K, .KW = g.K, .sh = 1, .sw = 1, .pt = g.pad, .pl = g.pad, .groups = 1,
                                .op = CONV_OP_CORRELATE };
        conv2d_forward_naive(ref, x, w, b, NULL, &cg);
        for (size_t f = 0; f < sizeof fns / sizeof *fns; f++) {
            for (size_t i = 0; i < ny; i++) y[i] = NAN;
            fns[f](y, x, w, b, &g);
            for (size_t i = 0; i < ny; i++)
                ck_assert_msg(y[i] == ref[i], "step %s, shape %zu: output %zu is %.9g, the reference %.9g", names[f],
                              s, i, (double)y[i], (double)ref[i]);
        }
        free(x), free(w), free(b), free(ref), free(y);
    }
}
END_TEST

START_TEST(command_line)
{
    const char *flags[] = { "--quick" };
    lesson_assert_cli(L12, flags, 1);
}
END_TEST

Suite *lesson12_suite(void)
{
    Suite *s = suite_create("lesson12");
    TCase *run = tcase_create("run");
    tcase_set_timeout(run, lesson_timeout(120));
    tcase_add_unchecked_fixture(run, lesson_fixture_setup, lesson_fixture_teardown);
    tcase_add_test(run, quick_run);
    suite_add_tcase(s, run);
    TCase *steps = tcase_create("steps");
    tcase_add_test(steps, steps_equal_reference);
    suite_add_tcase(s, steps);
    TCase *cli = tcase_create("command_line");
    tcase_set_timeout(cli, lesson_timeout(30));
    tcase_add_unchecked_fixture(cli, lesson_fixture_setup, lesson_fixture_teardown);
    tcase_add_test(cli, command_line);
    suite_add_tcase(s, cli);
    return s;
}
