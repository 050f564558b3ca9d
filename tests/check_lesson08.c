/* check_lesson08.c - lesson 08 (LeNet-5, twice) in --quick mode: it runs,
 * holds its claims, writes every picture it shows, its four networks beat
 * chance clearly, it saves the models and reuses them on the next run; on
 * the reference loops (--naive) it holds the same claims and says so; and
 * build/lessons/classify, given a test digit saved as a PNG (dark or light
 * background), names its label, and refuses a damaged model or picture with
 * a clear message. Runs the real binaries (tests/lesson_run.h) with outputs
 * and models in temporary folders ($CONVNET_OUT, $CONVNET_MODELS), never in
 * the learner's plots/out/ and models/. The lesson runs on one thread
 * (OMP_NUM_THREADS=1): its results do not depend on the number of threads
 * (tests/check_lenet.c checks that), and on a busy machine two threads
 * waiting for each other at every layer can make it many times slower. */
#define _DEFAULT_SOURCE /* flock(2): the test holds a models folder as a running lesson does */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "core/image.h"
#include "core/lenet.h"
#include "core/loss.h"
#include "core/model_io.h"
#include "core/net.h"
#include "datasets/dataset.h"
#include "tests/lesson_checks.h"
#include "tests/lesson_run.h"
#include "tests/support.h"

#define L08 "08_lenet"

static const char *const runs[4][2] = {
    { "modern", "mnist-sample" }, { "classic", "mnist-sample" }, { "modern", "fashion-mnist" }, { "classic", "fashion-mnist" }
};

typedef struct {
    double acc[4];
    char how[4][16];
} Results;

/* results.dat: "network dataset test_acc test_loss train_acc epochs seconds how" */
static void read_results(const LessonRun *r, Results *res)
{
    char path[700];
    snprintf(path, sizeof path, "%s/results.dat", r->outdir);
    char *text = lesson_read_file(path, NULL);
    ck_assert_msg(text != NULL, "%s was not written", path);
    int rows = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '#') continue;
        char net[16], ds[32], how[16];
        double acc, loss, tacc, secs;
        int epochs;
        ck_assert_msg(sscanf(line, "%15s %31s %lf %lf %lf %d %lf %15s", net, ds, &acc, &loss, &tacc, &epochs, &secs,
                             how) == 8, "results.dat: cannot read \"%s\"", line);
        ck_assert_msg(rows < 4, "results.dat has more than 4 rows");
        ck_assert_msg(!strcmp(net, runs[rows][0]) && !strcmp(ds, runs[rows][1]), "row %d is %s %s", rows, net, ds);
        res->acc[rows] = acc;
        snprintf(res->how[rows], sizeof res->how[rows], "%s", how);
        rows++;
    }
    ck_assert_int_eq(rows, 4);
    free(text);
}

static void models_dir(char *dir, size_t n)
{
    snprintf(dir, n, "/tmp/cn_l08_models_XXXXXX");
    ck_assert_msg(mkdtemp(dir) != NULL, "mkdtemp: %s", strerror(errno));
}

/* The lesson's runs: models in a fresh folder, one thread (see the top);
 * --quick runs keep theirs in its quick/ folder. */
static void lesson_env_begin(char *mdir, size_t n)
{
    models_dir(mdir, n);
    ck_assert_int_eq(setenv("CONVNET_MODELS", mdir, 1), 0);
    ck_assert_int_eq(setenv("OMP_NUM_THREADS", "1", 1), 0);
}

static void lesson_env_end(const char *mdir)
{
    remove_tree(mdir, 2);
    unsetenv("CONVNET_MODELS");
    unsetenv("OMP_NUM_THREADS");
}

/* Write test image i of ds as a 28x28 gray PNG (inverted: dark strokes on white). */
static void write_digit(const char *path, const Dataset *ds, int i, int inverted)
{
    float px[28 * 28];
    for (int k = 0; k < 28 * 28; k++) {
        const float v = dataset_image(ds, i)[k] / 255.0f;
        px[k] = inverted ? 1.0f - v : v;
    }
    ck_assert_msg(image_write_png(path, px, 1, 28, 28) == 0, "%s", cn_last_error());
}

/* The first test digit the model classifies right with probability > 0.8. */
static int confident_digit(const char *model, const Dataset *ds)
{
    Net *net = lenet5_load(model);
    ck_assert_msg(net != NULL, "%s", cn_last_error());
    Dataset *fit = lenet5_fit_dataset(ds, net);
    ck_assert_ptr_nonnull(fit);
    const size_t in = shape_size(net->in);
    float *x = malloc(in * sizeof *x);
    ck_assert_ptr_nonnull(x);
    int found = -1;
    for (int i = 0; i < fit->count && found < 0; i += 7) {
        net_input_from_u8(net, x, dataset_image(fit, i), in);
        const float *z = net_forward(net, x, 1);
        ck_assert_ptr_nonnull(z);
        float p[10];
        softmax_ce_forward(p, z, &fit->labels[i], 1, 10);
        if (cn_argmax(p, 10) == fit->labels[i] && p[fit->labels[i]] > 0.8f) found = i;
    }
    ck_assert_msg(found >= 0, "%s classifies no test digit right with confidence", model);
    free(x);
    dataset_free(fit);
    net_free(net);
    return found;
}

/* Run classify on picture with model; its first ranked class. */
static void classify_top(const char *model, const char *picture, char *top, size_t n)
{
    LessonRun r;
    const char *args[] = { "--model", model, picture, NULL };
    lesson_run(&r, "classify", args);
    ck_assert_msg(r.status == 0, "classify exited with %d: %s", r.status, r.err);
    const char *line = strstr(r.out, "\n1. ");
    ck_assert_msg(line != NULL, "classify printed no ranking: %s", r.out);
    ck_assert_msg(strstr(r.out, "\n2. ") && strstr(r.out, "\n3. "), "classify printed fewer than 3 classes: %s", r.out);
    char name[32];
    ck_assert(sscanf(line + 4, "%31s", name) == 1);
    snprintf(top, n, "%s", name);
    lesson_run_free(&r);
}

/* What every --quick run of the lesson shows, on either loops. */
static const char *const sections[] = {
    "## Two networks, two datasets", "## The classic LeNet-5 (1998)", "## The modern LeNet-5",
    "## Before training: how big are the signals?", "## How they are trained", "## Training on the MNIST sample",
    "## Training on Fashion-MNIST", "## What C1 learned", "## One picture through every layer",
    "## Where they go wrong", "## The scores", "## The saved models", "## Reading the curves", "## Try it yourself"
};
static const char *const claims[] = {
    "- ✔ C3 has 60 connections (map, input) between its 16 maps and S2's 6, as in the paper: 6 maps on 3 "
    "contiguous inputs, 6 on 4 contiguous, 3 on 4 non-contiguous, 1 on all 6",
    "- ✔ so C3 has 60 x 25 weights + 16 biases = 1516 parameters",
    "- ✔ every layer has the paper's numbers of trainable parameters and connections (C1 156/122,304, S2 "
    "12/5,880, C3 1,516/151,600, S4 32/2,000, C5 48,120/48,120, F6 10,164/10,164)",
    "- ✔ in all, 60,850 trainable parameters: the paper's 60,000 up to F6",
    "- ✔ a C5 unit sees 32x32 input pixels",
    "- ✔ 61,706 parameters and 416,520 multiply-adds per image",
    "- ✔ at initialization the classic OUTPUT varies",
    /* measured in the 32x32 field: the paper's scaling centres the digits, but their variance is far from 1 */
    "- ✔ on the MNIST sample the mean input in the 32x32 field is 0.0",
    "| layer | saturated units, MNIST sample | saturated units, Fashion-MNIST |",
    "On the MNIST sample the final scores do not compare the networks alone: the modern one reaches",
    "- ✔ modern, MNIST sample after 3 epochs on 600 images", "- ✔ classic, Fashion-MNIST after 20 epochs on 600 images",
    "- ✔ each of the 4 model files, read back by lenet5\\_load, gives the same predictions",
};
static const char *const files[] = {
    "loss_mnist.png", "error_mnist.png", "loss_fashion.png", "error_fashion.png", "c1_filters.png",
    "layers_modern_mnist.png", "layers_classic_mnist.png", "layers_modern_fashion.png",
    "layers_classic_fashion.png", "confusion_modern_mnist.png", "confusion_classic_fashion.png",
    "mistakes_modern_mnist.png", "mistakes_classic_fashion.png"
};
static const LessonExpect expect = { sections, sizeof sections / sizeof *sections, claims,
                                     sizeof claims / sizeof *claims,
                                     files, sizeof files / sizeof *files, 12, 17 };

/* A file of the learner's full run in the models folder: `text`. */
static void put_file(const char *dir, const char *name, const char *text)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "wb");
    ck_assert_msg(f && fputs(text, f) >= 0 && fclose(f) == 0, "cannot write %s", p);
}

static void assert_file_is(const char *dir, const char *name, const char *text)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    char *got = lesson_read_file(p, NULL);
    ck_assert_msg(got && !strcmp(got, text), "%s was replaced (a --quick run must never touch it)", p);
    free(got);
}

/* A --quick run that reuses all four networks: each gives the accuracy it
 * had when trained (first), after `what`. Returns the notebook. */
static char *run_reusing(LessonRun *r, const Results *first, const char *what)
{
    const char *quick[] = { "--quick", NULL };
    char *md = lesson_expect_run(r, L08, quick, &expect);
    Results now;
    read_results(r, &now);
    for (int i = 0; i < 4; i++) {
        ck_assert_str_eq(now.how[i], "reused");
        ck_assert_msg(now.acc[i] == first->acc[i], "%s on %s: %.6f after %s, %.6f when trained", runs[i][0],
                      runs[i][1], now.acc[i], what, first->acc[i]);
    }
    return md;
}

START_TEST(quick_run_reuse_and_classify)
{
    char mdir[64], qdir[96];
    lesson_env_begin(mdir, sizeof mdir);
    snprintf(qdir, sizeof qdir, "%s/quick", mdir);
    /* the learner's full-run files in $CONVNET_MODELS: --quick must not touch them */
    put_file(mdir, "lenet5_modern_mnist.cnn", "the learner's model\n");
    put_file(mdir, "lenet5_classic_fashion.ckpt", "the learner's interrupted training\n");

    LessonRun r;
    const char *quick[] = { "--quick", NULL };
    char *md = lesson_expect_run(&r, L08, quick, &expect);
    /* the live view: announced at the start, its last page complete */
    ck_assert_msg(strstr(r.err, "live view of the training: file://") != NULL, "no live view announced: %.500s", r.err);
    ck_assert_int_eq(lesson_check_page(&r, "live.html"), 4);
    Results first;
    read_results(&r, &first);
    for (int i = 0; i < 4; i++) {
        ck_assert_msg(first.acc[i] > 0.4, "%s on %s: test accuracy %.3f, not clearly above chance (0.1)", runs[i][0],
                      runs[i][1], first.acc[i]);
        ck_assert_str_eq(first.how[i], "trained");
    }
    ck_assert_int_eq(lesson_count(md, "no saved model yet, training now"), 4);
    /* the training time: all images over the wall time, and the median epoch */
    ck_assert_int_eq(lesson_count(md, "epochs over 600 images, "), 4);
    ck_assert_int_eq(lesson_count(md, "per second of wall time (the test after each epoch included); the median "
                                      "epoch took "), 4);
    static const char *const names[4] = { "modern_mnist", "classic_mnist", "modern_fashion", "classic_fashion" };
    for (int i = 0; i < 4; i++) {
        char p[256];
        struct stat st;
        snprintf(p, sizeof p, "%s/lenet5_%s.cnn", qdir, names[i]);
        ck_assert_msg(stat(p, &st) == 0 && st.st_size > 200000, "%s is missing or too small", p);
        snprintf(p, sizeof p, "%s/lenet5_%s.ckpt", qdir, names[i]);
        ck_assert_msg(stat(p, &st) == 0, "%s is missing", p);
    }
    assert_file_is(mdir, "lenet5_modern_mnist.cnn", "the learner's model\n");
    assert_file_is(mdir, "lenet5_classic_fashion.ckpt", "the learner's interrupted training\n");
    free(md);
    lesson_run_free(&r);

    /* The second run finds the models and does not train. */
    LessonRun r2;
    md = run_reusing(&r2, &first, "reuse");
    ck_assert_int_eq(lesson_count(md, "reusing "), 4);
    ck_assert_int_eq(lesson_count(md, "was not the checkpoint's network"), 0);
    free(md);
    lesson_run_free(&r2);

    /* A Fashion-MNIST model copied over the MNIST one, and a damaged model
     * file: both are the checkpoint's network again, recovered from it. */
    char from[256], to[256];
    snprintf(from, sizeof from, "%s/lenet5_modern_fashion.cnn", qdir);
    snprintf(to, sizeof to, "%s/lenet5_modern_mnist.cnn", qdir);
    size_t len = 0;
    char *bytes = lesson_read_file(from, &len);
    ck_assert_ptr_nonnull(bytes);
    FILE *f = fopen(to, "wb");
    ck_assert(f && fwrite(bytes, 1, len, f) == len && fclose(f) == 0);
    free(bytes);
    put_file(qdir, "lenet5_classic_mnist.cnn", "not a model any more");
    LessonRun r3;
    md = run_reusing(&r3, &first, "a swapped or damaged model file");
    ck_assert_int_eq(lesson_count(md, "was not the checkpoint's network"), 2);
    ck_assert_msg(strstr(md, "lenet5\\_modern\\_mnist.cnn held other weights than its checkpoint") != NULL,
                  "the swapped model is not named");
    ck_assert_msg(strstr(md, "lenet5\\_classic\\_mnist.cnn could not be used") != NULL,
                  "the damaged model is not named");
    free(md);
    lesson_run_free(&r3);

    /* classify: a test digit the model knows, as a PNG, dark and light background */
    Dataset *test = dataset_load("mnist-sample", 0);
    ck_assert_msg(test != NULL, "%s", cn_last_error());
    for (int k = 0; k < 2; k++) {
        char model[256], png[256], inv[256], top[32];
        snprintf(model, sizeof model, "%s/lenet5_%s.cnn", qdir, names[k]);
        const int i = confident_digit(model, test);
        snprintf(png, sizeof png, "%s/digit.png", mdir);
        snprintf(inv, sizeof inv, "%s/digit_light.png", mdir);
        write_digit(png, test, i, 0);
        write_digit(inv, test, i, 1);
        char label[4];
        snprintf(label, sizeof label, "%d", test->labels[i]);
        classify_top(model, png, top, sizeof top);
        ck_assert_msg(!strcmp(top, label), "%s: test digit %d (a %s) classified as %s", names[k], i, label, top);
        classify_top(model, inv, top, sizeof top);
        ck_assert_msg(!strcmp(top, label), "%s: test digit %d (a %s) on white classified as %s", names[k], i, label,
                      top);
        unlink(png);
        unlink(inv);
    }
    dataset_free(test);
    lesson_env_end(mdir);
}
END_TEST

/* --naive: the same lesson on the reference loops of core/conv_layer.c holds
 * the same claims, says which loops it ran on, and its models are reused by
 * a run on the fast loops (the checkpoint's settings do not name the loops:
 * both compute the same sums up to rounding). */
START_TEST(quick_run_on_naive_loops)
{
    char mdir[64];
    lesson_env_begin(mdir, sizeof mdir);
    LessonRun r;
    const char *naive[] = { "--quick", "--naive", NULL };
    char *md = lesson_expect_run(&r, L08, naive, &expect);
    Results res;
    read_results(&r, &res);
    for (int i = 0; i < 4; i++) {
        ck_assert_msg(res.acc[i] > 0.4, "%s on %s: test accuracy %.3f on the naive loops, not clearly above chance",
                      runs[i][0], runs[i][1], res.acc[i]);
        ck_assert_str_eq(res.how[i], "trained");
    }
    static const char *const says[] = { "ran on the naive (reference) loops of core/conv\\_layer.c" };
    lesson_assert_contains(md, says, 1, "notebook.md");
    free(md);
    lesson_run_free(&r);

    const char *quick[] = { "--quick", NULL };
    md = lesson_expect_run(&r, L08, quick, &expect);
    read_results(&r, &res);
    for (int i = 0; i < 4; i++) ck_assert_str_eq(res.how[i], "reused");
    static const char *const fast[] = { "ran on the fast (blocked, vectorized) loops of core/conv\\_fast.c" };
    lesson_assert_contains(md, fast, 1, "notebook.md");
    free(md);
    lesson_run_free(&r);
    lesson_env_end(mdir);
}
END_TEST

/* classify exits 1 and says `needle` */
static void classify_refuses(const char *model, const char *picture, const char *needle)
{
    LessonRun r;
    const char *args[] = { "--model", model, picture, NULL };
    lesson_run(&r, "classify", args);
    ck_assert_msg(r.status == 1, "classify %s %s exited with %d, expected 1", model, picture, r.status);
    ck_assert_msg(strstr(r.err, needle) != NULL, "classify's message lacks \"%s\": %s", needle, r.err);
    lesson_run_free(&r);
}

START_TEST(classify_refuses_bad_input)
{
    char dir[64];
    models_dir(dir, sizeof dir);
    char good[256], corrupt[256], trunc[256], png[256], badpng[256], text[256];
    snprintf(good, sizeof good, "%s/lenet5_modern_mnist.cnn", dir);
    snprintf(corrupt, sizeof corrupt, "%s/corrupt.cnn", dir);
    snprintf(trunc, sizeof trunc, "%s/short.cnn", dir);
    snprintf(png, sizeof png, "%s/digit.png", dir);
    snprintf(badpng, sizeof badpng, "%s/broken.png", dir);
    snprintf(text, sizeof text, "%s/notes.txt", dir);
    Net *net = lenet5_modern();
    ck_assert_ptr_nonnull(net);
    lenet5_init(net, 1);
    ck_assert_int_eq(net_save(net, good), 0);
    net_free(net);
    float px[28 * 28] = { 0 };
    for (int y = 4; y < 24; y++) px[y * 28 + 14] = 1.0f; /* a "1" */
    ck_assert_int_eq(image_write_png(png, px, 1, 28, 28), 0);

    /* damaged copies */
    char *bytes;
    size_t n;
    ck_assert_ptr_nonnull(bytes = lesson_read_file(good, &n));
    bytes[n / 2] ^= 0x10;
    FILE *f = fopen(corrupt, "wb");
    ck_assert(f && fwrite(bytes, 1, n, f) == n && fclose(f) == 0);
    f = fopen(trunc, "wb");
    ck_assert(f && fwrite(bytes, 1, n / 4, f) == n / 4 && fclose(f) == 0);
    free(bytes);
    ck_assert_ptr_nonnull(bytes = lesson_read_file(png, &n));
    f = fopen(badpng, "wb");
    ck_assert(f && fwrite(bytes, 1, n / 2, f) == n / 2 && fclose(f) == 0);
    free(bytes);
    f = fopen(text, "w");
    ck_assert(f && fputs("not a picture\n", f) >= 0 && fclose(f) == 0);

    classify_refuses(corrupt, png, "is corrupt");
    classify_refuses(trunc, png, "is truncated");
    classify_refuses(png, png, "is not a convnet-c model file");
    classify_refuses("/nonexistent/model.cnn", png, "/nonexistent/model.cnn");
    classify_refuses(good, badpng, "cannot read the picture");
    classify_refuses(good, text, "cannot read the picture");
    classify_refuses(good, "/nonexistent/picture.png", "cannot read the picture");

    /* and the good pair works */
    LessonRun r;
    const char *args[] = { "--model", good, png, NULL };
    lesson_run(&r, "classify", args);
    ck_assert_msg(r.status == 0 && strstr(r.out, "\n1. ") && strstr(r.out, "\n3. "), "status %d: %s %s", r.status,
                  r.out, r.err);
    lesson_run_free(&r);
    /* no picture: a usage error */
    const char *none[] = { "--model", good, NULL };
    lesson_run(&r, "classify", none);
    ck_assert_int_eq(r.status, 2);
    lesson_run_free(&r);

    unlink(good), unlink(corrupt), unlink(trunc), unlink(png), unlink(badpng), unlink(text);
    rmdir(dir);
}
END_TEST

/* The flags "Try it yourself" names, in one --quick run: it exits 0 and holds
 * every claim, and the section names no flag that no test runs (--naive runs
 * in quick_run_on_naive_loops, classify's --model in the classify tests). */
START_TEST(try_it_yourself_flags)
{
    char mdir[64];
    lesson_env_begin(mdir, sizeof mdir);
    LessonRun r;
    const char *args[] = { "--quick", "--index", "42", "--retrain", NULL };
    char *md = lesson_expect_run(&r, L08, args, &expect);
    static const char *const says[] = { "test image 42 of the MNIST sample", "training from scratch (--retrain)" };
    lesson_assert_contains(md, says, 2, "notebook.md");
    static const char *const tested[] = { "index", "retrain", "naive", "model" };
    lesson_assert_try_it(md, tested, 4);
    free(md);
    lesson_run_free(&r);
    lesson_env_end(mdir);
}
END_TEST

START_TEST(command_lines)
{
    const char *const flags[] = { "--quick", "--retrain", "--resume", "--index", "--naive" };
    lesson_assert_cli(L08, flags, 5);
    const char *const cflags[] = { "--model", "--classes", "--invert", "--save" };
    lesson_assert_cli("classify", cflags, 4);
    /* bad values: status 2, as a bad flag */
    const char *const bad[2][3] = { { "--invert", "5", "--invert 5" }, { "--classes", "cars", "--classes cars" } };
    for (int i = 0; i < 2; i++) {
        LessonRun rb;
        const char *args[] = { bad[i][0], bad[i][1], "picture.png", NULL };
        lesson_run(&rb, "classify", args);
        ck_assert_msg(rb.status == 2 && strstr(rb.err, bad[i][2]), "classify %s: status %d: %s", bad[i][2], rb.status,
                      rb.err);
        lesson_run_free(&rb);
    }
    LessonRun r;
    const char *both[] = { "--quick", "--retrain", "--resume", NULL };
    lesson_run(&r, L08, both);
    ck_assert_msg(r.status == 2 && strstr(r.err, "contradict"), "status %d: %s", r.status, r.err);
    lesson_run_free(&r);

    /* --index: a negative one, or one past the smaller test set, refused
     * before any training (status 2: a bad command line) */
    lesson_assert_refused(L08, "--index", "-1");
    lesson_assert_refused(L08, "--index", "2004"); /* the MNIST sample has 2,004 test digits */
}
END_TEST

/* A second run on a models folder that another run holds stops at once,
 * saying so, and writes nothing there. */
START_TEST(models_folder_held)
{
    char mdir[64], qdir[96];
    lesson_env_begin(mdir, sizeof mdir);
    snprintf(qdir, sizeof qdir, "%s/quick", mdir);
    ck_assert_int_eq(mkdir(qdir, 0755), 0);
    const int fd = open(qdir, O_RDONLY | O_DIRECTORY);
    ck_assert_msg(fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0, "cannot lock %s: %s", qdir, strerror(errno));
    LessonRun r;
    const char *quick[] = { "--quick", NULL };
    lesson_run(&r, L08, quick);
    ck_assert_msg(r.status == 1 && strstr(r.err, "another run holds the models folder") && strstr(r.err, qdir),
                  "status %d: %s", r.status, r.err);
    lesson_run_free(&r);
    close(fd);
    char p[160];
    snprintf(p, sizeof p, "%s/lenet5_modern_mnist.ckpt", qdir);
    ck_assert_msg(access(p, F_OK) != 0, "%s was written by the run that was refused", p);
    lesson_env_end(mdir);
}
END_TEST

/* Digits of 56x14 or 14x56 pixels are refused, with the shape named. */
START_TEST(wrong_image_shape)
{
    const char *const args[] = { "--quick", NULL };
    lesson_assert_wrong_shape(L08, "mnist-sample", args);
    lesson_assert_wrong_shape(L08, "fashion-mnist", args);
}
END_TEST

Suite *lesson08_suite(void)
{
    Suite *s = suite_create("lesson08");
    TCase *tc = tcase_create("lesson08");
    tcase_set_timeout(tc, lesson_timeout(300));
    tcase_add_test(tc, quick_run_reuse_and_classify);
    tcase_add_test(tc, quick_run_on_naive_loops);
    tcase_add_test(tc, classify_refuses_bad_input);
    tcase_add_test(tc, try_it_yourself_flags);
    tcase_add_test(tc, command_lines);
    tcase_add_test(tc, models_folder_held);
    tcase_add_test(tc, wrong_image_shape);
    suite_add_tcase(s, tc);
    return s;
}
