/* check_lesson10.c - lesson 10 (hand-designed vs learned filters) runs in
 * --quick mode without any saved model (it trains tiny ones into its output
 * folder, never into models/), matches every first-layer filter (shifted),
 * writes every picture and plot it shows, holds every claim (the frozen
 * first layer bit-identical after training among them); each network has
 * its own chance level, lower for a layer's mean than for one filter; the
 * comparison runs every arm with 3 seeds, and each difference's verdict
 * agrees with its interval; a second run finds the models again, loads a
 * file under a lesson's own name, and names a damaged one; bad flags are
 * refused. Runs the real binary (tests/lesson_run.h) with its outputs in a
 * temporary folder. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/lesson_checks.h"
#include "tests/lesson_run.h"

#define L10 "10_hand_vs_learned"

static const char *const sections[] = {
    "## The question",
    "## The hand-designed bank",
    "## How alike are two filters?",
    "## The trained networks",
    "## Learned filters beside their best hand-designed match",
    "## What the filters do to a picture",
    "## A network with a hand-designed first layer",
    "## Fixed, fine-tuned or learned: the differences, and how sure they are",
    "## Over training: do learned filters drift toward the hand bank?",
    "## What was rediscovered, and what nobody would design",
    "## Try it yourself",
};

static const char *const claims[] = {
    "- ✔ every kernel of the bank turned by 180° is itself (8 kernels) or its negative (2: sobel\\_x and sobel\\_y)",
    "- ✔ a kernel scores 1 against itself (cos +1.000), and 1 with the sign -1 noted against its negative (Sobel x "
    "turned: -1.000; minus the blur: -1.000)",
    "- ✔ by hand: identity vs edge3 = 8 / (1 · √72) = 0.943; box vs Gaussian",
    "- ✔ matched against the whole bank, each of its 30 entries finds its own kernel with score 1",
    "- ✔ a Sobel x one pixel right of centre scores 0.000 with the plain match and 1.000 with the shifted one",
    "- ✔ every network works:",
    "- ✔ the 48 filters are counted once each:",
    "- ✔ the fixed weights of (a) and (a') are bit for bit what they were before training, in all 12 runs (150 "
    "weights each, compared byte by byte), and so are the biases of (a'); the biases of (a) learned in every run",
    "- ✔ matched against the bank after training, each fixed filter of (a) still finds its own kernel",
    "- ✔ unlike (a), every fine-tuned filter of (b) did change, in every run",
    "| Sobel x turned by 180° vs Sobel x | -1.000 |",
    "| identity vs edge detection (3) | +0.943 |",
    "edge2, padded and minus sharpen, padded (0.997)",
    "lesson 08 has not saved",
    "lesson 09 has not saved",
    "So each network is trained 3 times, from seeds 2024 to 2026",
};

static const char *const files[] = {
    "bank.png",
    "match_lenet5_modern_mnist.png",
    "match_lenet5_classic_mnist.png",
    "match_lenet5_modern_fashion.png",
    "match_lenet5_classic_fashion.png",
    "match_alexnet_mini_fashion.png",
    "maps_lenet5_modern_mnist.png",
    "maps_alexnet_mini_fashion_1.png",
    "maps_alexnet_mini_fashion_2.png",
    "hand_layer.png",
    "comparison.png",
    "fine_tuned.png",
    "similarity.png",
    "learned_from_random.png",
    "closest_and_farthest.png",
};

static const char *const tags[5] = { "| LeNet-5 modern, MNIST |", "| LeNet-5 classic, MNIST |",
                                     "| LeNet-5 modern, Fashion |", "| LeNet-5 classic, Fashion |",
                                     "| AlexNet-mini, Fashion |" };

static void expect_mean(const double *d, double mean)
{
    const double m = (d[0] + d[1] + d[2]) / 3.0;
    ck_assert_msg(fabs(m - mean) < 0.006, "mean of %g, %g, %g is %g, printed %g", d[0], d[1], d[2], m, mean);
}

static const char *const stems[5] = { "lenet5_modern_mnist", "lenet5_classic_mnist", "lenet5_modern_fashion",
                                      "lenet5_classic_fashion", "alexnet_mini_fashion" };

/* Rows of a data file that are not comments or the header; *cols gets the
 * number of fields of the last one. */
static int data_rows(const char *path, int *cols)
{
    char *dat = lesson_read_file(path, NULL);
    ck_assert_msg(dat != NULL, "%s was not written", path);
    int rows = 0;
    for (char *line = strtok(dat, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '#' || line[0] == '"' || (line[0] >= 'a' && line[0] <= 'z')) continue;
        rows++;
        int n = 0;
        for (char *p = line; *p;) {
            while (*p == ' ' || *p == '\t') p++;
            if (!*p) break;
            n++;
            while (*p && *p != ' ' && *p != '\t') p++;
        }
        *cols = n;
    }
    free(dat);
    return rows;
}

static void copy_file(const char *from, const char *to)
{
    size_t n = 0;
    char *b = lesson_read_file(from, &n);
    ck_assert_msg(b != NULL, "cannot read %s", from);
    FILE *f = fopen(to, "wb");
    ck_assert_msg(f != NULL, "cannot write %s", to);
    ck_assert(fwrite(b, 1, n, f) == n);
    ck_assert(fclose(f) == 0);
    free(b);
}

START_TEST(quick_run)
{
    /* no saved models anywhere: the quick run keeps its own in its output folder */
    unsetenv("CONVNET_MODELS");
    LessonRun r;
    const char *args[] = { "--quick", NULL };
    LessonExpect e = { sections, sizeof sections / sizeof *sections, claims, sizeof claims / sizeof *claims,
                       files, sizeof files / sizeof *files, 9, 18 };
    char *md = lesson_expect_run(&r, L10, args, &e);

    /* the accuracy table: four rows, two datasets, mean ± spread over the seeds */
    const char *rows[] = { "| (a) fixed hand kernels |", "| (b) hand start, fine-tuned |", "| (c) learned from random |",
                           "| (a') fixed, one polarity, zero biases |" };
    for (size_t i = 0; i < 4; i++) {
        const char *p = strstr(md, rows[i]);
        ck_assert_msg(p != NULL, "the accuracy table lacks the row %s", rows[i]);
        double a, sa, b, sb;
        ck_assert_msg(sscanf(p + strlen(rows[i]), " %lf%% ± %lf | %lf%% ± %lf |", &a, &sa, &b, &sb) == 4,
                      "cannot read \"%.80s\"", p);
        ck_assert_msg(a > 10.0 && a <= 100.0 && b > 10.0 && b <= 100.0 && sa >= 0.0 && sb >= 0.0, "%s %g%% %g%%",
                      rows[i], a, b);
    }
    /* each difference: 3 seeds, its mean the mean of the three, and its
     * verdict what its interval says (no conclusion the interval does not carry) */
    int ndiff = 0;
    for (const char *p = strstr(md, "| (c) random − (a) fixed |"); p; p = strstr(p + 1, " − ")) {
        const char *row = p;
        while (row > md && row[-1] != '\n') row--;
        double d[3], mean, lo, hi;
        char verdict[64];
        const char *cells = strchr(row + 1, '|');
        cells = cells ? strchr(cells + 1, '|') : NULL; /* after "| difference | data " */
        if (!cells || sscanf(cells, "| %lf, %lf, %lf | %lf points \\[%lf, %lf\\] | %63[^|]", &d[0], &d[1], &d[2], &mean,
                             &lo, &hi, verdict) != 7)
            continue;
        ndiff++;
        expect_mean(d, mean);
        const int supported = lo > 0.0 || hi < 0.0;
        ck_assert_msg(lo <= mean && mean <= hi, "interval [%g, %g] around %g", lo, hi, mean);
        ck_assert_msg(supported == (strncmp(verdict, "supported", 9) == 0),
                      "verdict \"%s\" for the interval [%g, %g]", verdict, lo, hi);
        const char *eol = strchr(p, '\n');
        if (!eol) break;
        p = eol;
    }
    ck_assert_msg(ndiff == 10, "read %d rows of the differences table, want 10", ndiff);
    /* each network's chance levels: a layer's mean is held to a lower level than one filter */
    for (int i = 0; i < 5; i++) {
        const char *p = strstr(md, tags[i]);
        ck_assert_msg(p != NULL, "the count table lacks %s", tags[i]);
        int nf, c[4];
        double one, mean, lvl;
        ck_assert_msg(sscanf(p + strlen(tags[i]), " %d | %lf | %d | %d | %d | %d | %lf | %lf:", &nf, &one, &c[0],
                             &c[1], &c[2], &c[3], &mean, &lvl) == 8,
                      "cannot read \"%.120s\"", p);
        ck_assert_msg(lvl < one && lvl > 0.2 && one < 1.0, "%s: level %g for one filter, %g for the mean", tags[i], one,
                      lvl);
        ck_assert_int_eq(c[0] + c[1] + c[2] + c[3], nf);
    }
    /* the count table ends with the total over the five networks */
    ck_assert_msg(strstr(md, "| all | 48 |") != NULL, "the count table lacks its total row");

    /* the plots' data: 2 epochs of 6 curves; epochs 0..2 of 8 curves */
    char path[1200];
    int cols = 0;
    snprintf(path, sizeof path, "%s/comparison.dat", r.outdir);
    ck_assert_int_eq(data_rows(path, &cols), 2);
    ck_assert_int_eq(cols, 7);
    snprintf(path, sizeof path, "%s/similarity.dat", r.outdir);
    ck_assert_int_eq(data_rows(path, &cols), 3);
    ck_assert_int_eq(cols, 9);

    /* the models it trained are in the output folder, under this lesson's names */
    for (int i = 0; i < 5; i++) {
        snprintf(path, sizeof path, "%s/models/lesson10_%s.cnn", r.outdir, stems[i]);
        ck_assert_msg(access(path, R_OK) == 0, "%s was not saved", path);
    }
    /* and the comparison's checkpoint was cleaned up */
    snprintf(path, sizeof path, "%s/comparison.ckpt", r.outdir);
    ck_assert_msg(access(path, F_OK) != 0, "%s was left behind", path);
    free(md);

    /* A second run with that folder as the quick runs' folder of
     * CONVNET_MODELS (DIR/quick): a model under its lesson's name is
     * loaded, a damaged one is named and replaced by the lesson's own, the
     * others come from the first run. */
    char models[1200], from[1300], to[1300], env[1100];
    snprintf(env, sizeof env, "%s/m", r.outdir);
    ck_assert_int_eq(mkdir(env, 0755), 0);
    snprintf(from, sizeof from, "%s/models", r.outdir);
    snprintf(models, sizeof models, "%s/quick", env);
    ck_assert_int_eq(rename(from, models), 0);
    snprintf(from, sizeof from, "%s/lesson10_lenet5_modern_mnist.cnn", models);
    snprintf(to, sizeof to, "%s/lenet5_modern_mnist.cnn", models);
    copy_file(from, to);
    snprintf(to, sizeof to, "%s/lenet5_classic_mnist.cnn", models);
    FILE *f = fopen(to, "wb");
    ck_assert_ptr_nonnull(f);
    fputs("not a model", f);
    ck_assert(fclose(f) == 0);
    setenv("CONVNET_MODELS", env, 1);
    LessonRun r2;
    lesson_run(&r2, L10, args);
    unsetenv("CONVNET_MODELS");
    ck_assert_msg(r2.status == 0, "second run exited with %d: %.2000s", r2.status, r2.err);
    char *md2 = lesson_read_file(r2.md, NULL);
    ck_assert_ptr_nonnull(md2);
    lesson_assert_all_passed(md2, 9);
    ck_assert_msg(strstr(md2, "modern LeNet-5, MNIST sample: loaded") != NULL, "the saved model was not loaded");
    ck_assert_msg(strstr(md2, "saved by lesson 08") != NULL, "the notebook does not say who saved it");
    ck_assert_msg(strstr(md2, "lenet5\\_classic\\_mnist.cnn could not be used") != NULL,
                  "the damaged model is not named");
    ck_assert_msg(lesson_count(md2, "which an earlier run of this lesson trained in its place") == 4,
                  "the other four models were not reused");
    ck_assert_msg(strstr(md2, "so this lesson trains one now") == NULL, "the second run trained a model again");
    free(md2);
    lesson_run_free(&r2);

    /* The flags "Try it yourself" names, in a quick run that reuses those
     * models: --epochs is honoured with --quick (3 rows of the comparison),
     * every claim holds, and the section names no flag that is not run here. */
    setenv("CONVNET_MODELS", models, 1);
    LessonRun r3;
    const char *try_args[] = { "--quick", "--seeds", "3", "--epochs", "3", "--fashion-train", "500", NULL };
    char *md3 = lesson_expect_run(&r3, L10, try_args, &e);
    unsetenv("CONVNET_MODELS");
    snprintf(path, sizeof path, "%s/comparison.dat", r3.outdir);
    ck_assert_int_eq(data_rows(path, &cols), 3);
    static const char *const tested[] = { "epochs", "fashion-train", "seeds" };
    lesson_assert_try_it(md3, tested, 3);
    free(md3);
    lesson_run_free(&r3);
    lesson_run_free(&r);
}
END_TEST

START_TEST(command_line)
{
    const char *flags[] = { "--quick", "--seeds", "--epochs", "--fashion-train" };
    lesson_assert_cli(L10, flags, 4);

    lesson_assert_refused(L10, "--seeds", "2");

    lesson_assert_refused(L10, "--epochs", "0");

    lesson_assert_refused(L10, "--fashion-train", "50");
}
END_TEST

START_TEST(wrong_image_shape)
{
    const char *const args[] = { "--quick", NULL };
    lesson_assert_wrong_shape(L10, "mnist-sample", args);
}
END_TEST

Suite *lesson10_suite(void)
{
    Suite *s = suite_create("lesson10");
    TCase *run = tcase_create("run");
    tcase_add_unchecked_fixture(run, lesson_fixture_setup, lesson_fixture_teardown);
    tcase_set_timeout(run, lesson_timeout(900)); /* two quick runs: about a minute on a quiet machine */
    tcase_add_test(run, quick_run);
    suite_add_tcase(s, run);
    TCase *cli = tcase_create("command_line");
    tcase_add_unchecked_fixture(cli, lesson_fixture_setup, lesson_fixture_teardown);
    tcase_set_timeout(cli, lesson_timeout(30));
    tcase_add_test(cli, command_line);
    tcase_add_test(cli, wrong_image_shape);
    suite_add_tcase(s, cli);
    return s;
}
