/* check_lesson09.c - lesson 09 (a scaled-down AlexNet) in --quick mode: it
 * runs, holds its claims, writes every picture and plot it shows, beats
 * chance clearly, saves its models and checkpoints and reuses them on the
 * next run with the same results; bad flags are refused. Runs the real
 * binary (tests/lesson_run.h) with outputs and models in temporary folders
 * ($CONVNET_OUT, $CONVNET_MODELS), never in the learner's plots/out/ and
 * models/, on one thread (OMP_NUM_THREADS=1: the results do not depend on
 * the number of threads, tests/check_alexnet.c checks that, and on a busy
 * machine two threads waiting for each other at every layer are slower). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/lesson_checks.h"
#include "tests/lesson_run.h"

#define L09 "09_alexnet"

static const char *const sections[] = {
    "## From LeNet to AlexNet", "## The network", "## Training", "## What conv1 learned",
    "## One garment through every layer", "## Which clothes it confuses", "## LeNet-5 beside AlexNet-mini",
    "## The paper's ideas, one at a time", "## Try it yourself",
};

static const char *const claims[] = {
    "- ✔ 342,458 parameters and 9,907,584 multiply-adds per image (342,458 and 9,907,584 by hand",
    "- ✔ the same counts for the reference script's network: 221,146 parameters and 5,657,600 multiply-adds, the "
    "numbers PyTorch counts",
    ("- ✔ receptive fields by the recurrence r ← r + (k − 1)·j: conv1 5, pool1 7, conv2 11, pool2 15, conv3 23, "
     "conv4 31, conv5 39, pool5 47"),
    "- ✔ test accuracy",
    "- ✔ all 18 ablation runs (6 networks × 3 seeds) finished 2 epochs with finite results",
    "- ✔ groups 2 has fewer parameters (169,882) than groups 1 (221,146)",
    "| conv2 | conv 64@3x3, pad 1 | 64x13x13 | 13,888 | 2,336,256 | 11x11 |",
    "| total | 22 layers | 10 classes | 342,458 | 9,907,584 |",
    /* the input statistics, measured over all 60,000 training pictures also in
     * quick mode: Fashion-MNIST's published mean 0.2860 and deviation 0.3530 */
    "| input | 28x28 picture, x = (p/255 − 0.286) / 0.353 | 1x28x28 |",
    "x = (p/255 − 0.2860) / 0.3530, the mean and standard deviation of all 47,040,000 training pixels",
    "the ten-view test accuracy is 0.",
    /* label smoothing 0.1 over 10 classes: targets 0.91 and 0.01, and the
     * smoothed loss's floor H(q) = -(0.91 ln 0.91 + 9 x 0.01 ln 0.01) = 0.50 */
    "label smoothing 0.1. The loss does not ask for probability 1 on the right class but for 0.91, with 0.01 on "
    "each of the other 9",
    "which cannot go below about 0.50; the test loss is the plain cross-entropy",
    /* where the parameters and the work sit, counted from the network: 624 + 13,888 + 55,392 + 83,040 + 55,360
     * in the convolutions, 65,792 + 65,792 + 2,570 in the fully connected layers; conv4's 2,985,984 of the
     * 9,907,584 multiply-adds */
    "The convolutions do 99% of the multiply-adds (conv4 alone 30%) and hold 61% of the parameters, the fully "
    "connected layers 39%: at this size most parameters sit in the convolutions",
    "- ✔ the convolutions' 208,304 and the fully connected layers' 134,154 parameters make the 342,458 of the table",
    /* the 2012 network from its shapes: conv1 96x3x11x11 + 96 = 34,944, ..., fc6 9216x4096 + 4096 = 37,752,832 */
    "| conv1 | conv 96@11x11, stride 4, pad 0, reads all maps below | 96x55x55 | 34,944 | 105,415,200 |",
    "| fc6 | fully connected 4096 | 4096x1x1 | 37,752,832 | 37,748,736 |",
    "- ✔ the original AlexNet has 60,965,224 parameters (the paper: 60 million), 96.2% of them in its fully "
    "connected layers, and conv1 (96@11x11, stride 4) turns the 227x227 picture into 55x55 maps",
    "In the original, the fully connected layers hold 58,631,144 of the 60,965,224 parameters",
    /* the maps of the network itself */
    "shrink (28 → 13 → 6 → 2 pixels) and multiply (24 → 64 → 96 → 96 → 64 maps in conv1 to conv5)",
    "The paper writes s = k + α·Σ a², without the 1/n",
    "here conv3 is split too, while in the paper conv3 read both halves",
};

static const char *const files[] = {
    "augmentation.png", "loss.png",    "error.png",   "conv1_filters.png", "feature_maps.png", "confusion.png",
    "mistakes.png",     "relu_vs_tanh.png", "lrn.png", "pooling.png",      "dropout.png",      "groups.png",
};

/* Every row of the table of the paper's claims ("| idea | measured ... |
 * verdict |") gives the verdict its interval gives: for a difference "m
 * points [lo, hi]", reproduced when lo > 0, not reproduced when hi < 0, not
 * measurable otherwise; for a ratio "r× [lo×, hi×]" the same against 1; no
 * ratio: not measurable; a count: reproduced. Returns how many rows. */
static int claims_follow_intervals(const char *md)
{
    const char *p = strstr(md, "| idea | measured (with the paper's direction positive) |");
    ck_assert_msg(p != NULL, "the notebook has no table of the paper's claims");
    p = strchr(strchr(p, '\n') + 1, '\n') + 1; /* past the header and its rule */
    int rows = 0;
    while (!strncmp(p, "| ", 2)) {
        char line[1024], cell[8][256];
        const char *end = strchr(p, '\n');
        ck_assert(end != NULL && (size_t)(end - p) < sizeof line);
        /* the row without markdown's backslashes, split at " | " */
        size_t n = 0;
        for (const char *q = p; q < end; q++)
            if (*q != '\\') line[n++] = *q;
        line[n] = '\0';
        int nc = 0;
        for (char *q = line + 2, *bar; nc < 8 && (bar = strstr(q, " |")) != NULL; q = bar + 3) {
            snprintf(cell[nc++], sizeof cell[0], "%.*s", (int)(bar - q), q);
            if (!bar[2]) break;
        }
        ck_assert_msg(nc == 6, "a row of the claims table has %d cells, not 6: %s", nc, line);
        const char *res = cell[3], *verdict = cell[5], *want;
        double m, lo, hi;
        if (strstr(res, "no ratio"))
            want = "not measurable at this size";
        else if (sscanf(res, "%lf points [%lf, %lf]", &m, &lo, &hi) == 3)
            want = lo > 0 ? "reproduced" : hi < 0 ? "not reproduced" : "not measurable at this size";
        else if (sscanf(res, "%lf× [%lf×, %lf×]", &m, &lo, &hi) == 3)
            want = lo > 1 ? "reproduced" : hi < 1 ? "not reproduced" : "not measurable at this size";
        else
            want = strstr(cell[2], "counted") ? "reproduced" : "(unreadable)";
        ck_assert_msg(!strcmp(verdict, want), "claim \"%s: %s\" reads %s but says \"%s\"", cell[0], cell[1], res,
                      verdict);
        rows++;
        p = end + 1;
    }
    return rows;
}

/* The test accuracy the notebook states: "After N epochs: test accuracy 0.xxxx". */
static double stated_accuracy(const char *md)
{
    const char *p = strstr(md, "epochs: test accuracy ");
    ck_assert_msg(p != NULL, "the notebook states no test accuracy");
    double acc = -1.0;
    ck_assert(sscanf(p + strlen("epochs: test accuracy "), "%lf", &acc) == 1);
    return acc;
}

/* What the folder holds, file by file (name, inode, size, time of last
 * change), sorted, into buf: equal before and after a run that wrote
 * nothing there (a file written again, even atomically, changes). */
static void folder_state(const char *dir, char *buf, size_t size)
{
    DIR *d = opendir(dir);
    ck_assert_msg(d != NULL, "cannot open %s", dir);
    char line[64][320];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 64) {
        char p[512];
        struct stat st;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        ck_assert_int_eq(lstat(p, &st), 0);
        snprintf(line[n++], sizeof line[0], "%s %lu %lld %lld.%09ld\n", e->d_name, (unsigned long)st.st_ino,
                 (long long)st.st_size, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    }
    closedir(d);
    qsort(line, (size_t)n, sizeof line[0], (int (*)(const void *, const void *))strcmp);
    buf[0] = '\0';
    for (int i = 0; i < n; i++) strncat(buf, line[i], size - strlen(buf) - 1);
}

START_TEST(quick_run_and_reuse)
{
    char mdir[128], qdir[160];
    lesson_temp_dir(mdir, sizeof mdir, "models08");
    ck_assert_int_eq(setenv("CONVNET_MODELS", mdir, 1), 0);
    snprintf(qdir, sizeof qdir, "%s/quick", mdir); /* where --quick runs keep their models */
    ck_assert_int_eq(setenv("OMP_NUM_THREADS", "1", 1), 0);
    const LessonExpect e = { sections, sizeof sections / sizeof *sections, claims, sizeof claims / sizeof *claims,
                             files, sizeof files / sizeof *files, 5, 12 };
    LessonRun r;
    const char *quick[] = { "--quick", NULL };
    char *md = lesson_expect_run(&r, L09, quick, &e);
    ck_assert_msg(strstr(r.err, "live view of the training: file://") != NULL, "no live view announced: %.500s", r.err);
    ck_assert_int_eq(lesson_check_page(&r, "live.html"), 4);
    const double acc = stated_accuracy(md);
    ck_assert_msg(acc > 0.25, "quick-mode test accuracy %.4f is not clearly above chance (0.10)", acc);
    ck_assert_msg(strstr(md, "No saved model yet: training now."), "the first run did not train");
    /* the model, its checkpoint and the ablations' checkpoints were saved */
    const char *saved[] = { "alexnet_mini_fashion.cnn", "alexnet_mini_fashion.ckpt",
                            "alexnet_mini_abl_base_s2012.ckpt", "alexnet_mini_abl_tanh_s2013.ckpt",
                            "alexnet_mini_abl_groups2_s2014.ckpt" };
    for (size_t i = 0; i < sizeof saved / sizeof *saved; i++) {
        char p[256];
        struct stat st;
        snprintf(p, sizeof p, "%s/%s", qdir, saved[i]);
        ck_assert_msg(stat(p, &st) == 0 && st.st_size > 100000, "%s is missing or too small", p);
    }
    /* the table of the arms over the seeds, and every claim's verdict is its interval's */
    ck_assert_msg(strstr(md, "| AlexNet-mini | ") && strstr(md, "| groups 2 | ") &&
                      strstr(md, "| two groups | parameters, 2 groups vs 1 | counted (the same in every seed) | "
                                 "169,882 vs 221,146 |"),
                  "the ablation tables are incomplete");
    ck_assert_int_eq(claims_follow_intervals(md), 10);
    ck_assert_msg(strstr(md, "This is a --quick run: 6 runs of 128 pictures for 2 epochs per seed are far too small "
                             "to decide anything"), "the quick run does not say it is too small to decide");
    free(md);
    lesson_run_free(&r);

    /* The second run finds every run and trains nothing: same numbers; and
     * it needs no writable models folder, it writes nothing there. */
    static char before[64 * 320], after[64 * 320];
    folder_state(qdir, before, sizeof before);
    ck_assert_int_eq(chmod(qdir, 0555), 0);
    LessonRun r2;
    md = lesson_expect_run(&r2, L09, quick, &e);
    ck_assert_int_eq(chmod(qdir, 0755), 0);
    folder_state(qdir, after, sizeof after);
    ck_assert_msg(!strcmp(before, after), "reusing the models changed the folder:\nbefore\n%safter\n%s", before, after);
    ck_assert_msg(strstr(md, "Reusing "), "the second run did not reuse the model");
    ck_assert_msg(strstr(md, "All 18 runs were reused"), "the second run did not reuse the ablations");
    const double again = stated_accuracy(md);
    ck_assert_msg(again == acc, "test accuracy %.4f after reuse, %.4f when trained", again, acc);
    char *claims1 = strdup(strstr(md, "| idea | measured"));
    free(md);
    lesson_run_free(&r2);

    /* More seeds: the first three are reused, a fourth trained, its checkpoints kept beside them. */
    LessonRun r3;
    const char *four[] = { "--quick", "--seeds", "4", NULL };
    const LessonExpect e4 = { sections, sizeof sections / sizeof *sections, NULL, 0, files,
                              sizeof files / sizeof *files, 5, 12 };
    md = lesson_expect_run(&r3, L09, four, &e4);
    ck_assert_msg(strstr(md, "Of these, 18 runs were reused"), "--seeds 4 did not reuse the 3 seeds trained before");
    ck_assert_msg(strstr(md, "all 24 ablation runs (6 networks × 4 seeds) finished 2 epochs"), "not 24 runs");
    ck_assert_int_eq(claims_follow_intervals(md), 10);
    ck_assert_msg(strcmp(claims1, strstr(md, "| idea | measured")) != 0, "a fourth seed changed no number");
    char p4[256];
    struct stat st4;
    snprintf(p4, sizeof p4, "%s/alexnet_mini_abl_nodrop_s2015.ckpt", qdir);
    ck_assert_msg(stat(p4, &st4) == 0, "%s is missing", p4);
    free(claims1);
    free(md);
    lesson_run_free(&r3);
    lesson_temp_free(mdir);
    unsetenv("CONVNET_MODELS");
    unsetenv("OMP_NUM_THREADS");
}
END_TEST

/* The flags "Try it yourself" names, together in one --quick run: it exits 0
 * and holds every claim (those that hold only at the lesson's own settings
 * say "not reached with these settings" instead), and the section names no
 * other flag (--ablations contradicts --quick; it runs the same code on
 * more pictures, and command_line checks that it is refused with --quick;
 * --retrain and --epochs are run here too). */
START_TEST(try_it_yourself_flags)
{
    char mdir[128];
    lesson_temp_dir(mdir, sizeof mdir, "models09try");
    ck_assert_int_eq(setenv("CONVNET_MODELS", mdir, 1), 0);
    ck_assert_int_eq(setenv("OMP_NUM_THREADS", "1", 1), 0);
    static const char *const tsections[] = { "## The network", "## Try it yourself" };
    static const char *const tclaims[] = { "Test picture 42, of class", "conv 64@3x3, pad 1, 2 groups",
                                           "all 12 ablation runs (6 networks × 2 seeds) finished 2 epochs",
                                           "Student's t over the 2 seeds' differences (t = 12.71 for 2 seeds)" };
    const LessonExpect e = { tsections, 2, tclaims, 4, files, sizeof files / sizeof *files, 3, 12 };
    LessonRun r;
    const char *args[] = { "--quick", "--index", "42", "--groups", "2", "--epochs", "2", "--retrain",
                           "--seeds", "2", NULL };
    char *md = lesson_expect_run(&r, L09, args, &e);
    ck_assert_msg(strstr(md, "After 2 epochs: test accuracy "), "the main run did not train for 2 epochs");
    static const char *const tested[] = { "index", "groups", "epochs", "retrain", "ablations", "seeds" };
    lesson_assert_try_it(md, tested, 6);
    free(md);
    lesson_run_free(&r);
    lesson_temp_free(mdir);
    unsetenv("CONVNET_MODELS");
    unsetenv("OMP_NUM_THREADS");
}
END_TEST

START_TEST(command_line)
{
    const char *flags[] = { "--quick", "--retrain", "--resume", "--ablations", "--epochs", "--groups", "--index",
                            "--seeds" };
    lesson_assert_cli(L09, flags, sizeof flags / sizeof *flags);
    const char *const bad[][4] = {
        { "--epochs", "0", NULL, "--epochs 0" },
        { "--index", "-1", NULL, "--index -1" },
        { "--index", "999999", NULL, "--index 999999" },
        { "--groups", "3", NULL, "--groups 3" },
        { "--retrain", "--resume", NULL, "contradict" },
        { "--quick", "--ablations", NULL, "contradict" },
        { "--seeds", "1", NULL, "--seeds 1: give a number of seeds (one seed has no spread, so no interval) from 2" },
        { "--seeds", "0", NULL, "--seeds 0" },
        { "--seeds", "21", NULL, "--seeds 21" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        LessonRun r;
        const char *args[] = { bad[i][0], bad[i][1], NULL };
        lesson_run(&r, L09, args);
        ck_assert_msg(r.status == 2, "%s %s exited %d, not 2", bad[i][0], bad[i][1], r.status);
        ck_assert_msg(strstr(r.err, bad[i][3]) != NULL, "%s %s: the message does not say \"%s\": %s", bad[i][0],
                      bad[i][1], bad[i][3], r.err);
        lesson_run_free(&r);
    }
}
END_TEST

START_TEST(wrong_image_shape)
{
    const char *const args[] = { "--quick", NULL };
    lesson_assert_wrong_shape(L09, "fashion-mnist", args);
}
END_TEST

Suite *lesson09_suite(void)
{
    Suite *s = suite_create("lesson09");
    TCase *tc = tcase_create("lesson09");
    tcase_add_unchecked_fixture(tc, lesson_fixture_setup, lesson_fixture_teardown);
    tcase_set_timeout(tc, lesson_timeout(300));
    tcase_add_test(tc, quick_run_and_reuse);
    tcase_add_test(tc, try_it_yourself_flags);
    tcase_add_test(tc, command_line);
    tcase_add_test(tc, wrong_image_shape);
    suite_add_tcase(s, tc);
    return s;
}
