/* check_lesson04.c - lesson 04 (pooling) runs in --quick mode, tells its
 * whole story, holds every claim, writes every picture and plot it shows,
 * and its invariance data say what the lesson says they say; what a
 * change near 1 means is said from the cosine of the maps; the notebook
 * shows max pooling's loops from core/pool.c and where its backward sends
 * the gradient; every flag its
 * "Try it yourself" names runs to exit 0 without a ✘; bad flags are
 * refused with exit status 2. Runs the real binary (tests/lesson_run.h) with its outputs in a
 * temporary folder. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/explore.h"
#include "tests/lesson_checks.h"
#include "tests/lesson_run.h"
#include "tests/support.h"

#define L04 "04_pooling"

static const char *const sections[] = {
    "## Pooling by hand",
    "## Pooling the edge map of a photograph",
    "## Pooled digits still look like digits",
    "## Invariance: move the digit, measure how much the features change",
    "## \"The information is preserved\": a classifier on pooled pixels",
    "## Try it yourself",
};

static const char *const claims[] = {
    "- ✔ the sizes follow the one output-size formula floor((in − k) / s) + 1: 2x2/2 gives (6 − 2) / 2 + 1 = 3, "
    "3x3/2 gives floor((6 − 3) / 2) + 1 = 2",
    "- ✔ by hand, the window of rows 0–1, columns 2–3 holds 3, 9, 8, 9: its max is 9 and its mean "
    "(3 + 9 + 8 + 9) / 4 = 7.25, as the library gives (9 and 7.25)",
    "**core/pool.c, lines ",
    "```c\n/* The argmax of x (H,W) over rows [y0,y1) and columns [x0,x1): the first",
    "static inline int32_t window_argmax(const float *x, int W, int y0, int y1, int x0, int x1)",
    "void maxpool2d_backward(float *dinp, const float *dout, const int32_t *argmax",
    "- ✔ with every output gradient 1, 2x2/2 sends 1 to 9 of the 36 pixels",
    "- ✔ a 126x126 map becomes 63x63 with 2x2/2 and 62x62 with 3x3/2",
    "- ✔ max pooling keeps the strongest edge exactly",
    "- ✔ average pooling with 2x2/2 keeps the mean exactly",
    "- ✔ no shift, no change (0 and 0)",
    "- ✔ without pooling a 1-pixel move already changes the edge map by",
    "- ✔ but a change near 1 is not \"no overlap\": the cosine between the edge map and the moved one is",
    "For two maps of the same size, change² = 2 − 2 · cosine",
    "- ✔ every pooling changes less than the edge map itself, at every shift from 1 to 3",
    "- ✔ after a 1-pixel move, max 2x2/2 changes by",
    "- ✔ larger windows steady the features more",
    "- ✔ the classifier learns:",
    "- ✔ pooled to 14x14 (4× fewer numbers) it loses less than 2 points",
    "- ✔ pooled to 7x7 (16× fewer numbers) it still keeps",
    "- ✔ on raw pixels a 3-pixel move costs",
    "- ✔ but one pooling layer does not rescue it",
    "| shift (pixels) | edge map | max 2x2/2 | avg 2x2/2 | max 3x3/2 | avg 3x3/2 | max 4x4/4 |",
    "| pixels 28x28 | 784 |",
    "| max 2x2/2 14x14 | 196 |",
    "| avg 4x4/4 7x7 | 49 |",
};

static const char *const files[] = { "photo_pooled.png",    "photo_pooled_zoom.png", "digits_pooled.png",
                                     "invariance.png",      "pooled_accuracy.png",   "shifted_accuracy.png" };

/* Rows of a plot data file: the lines that start with a number. Fills
 * v[row][col] (at most rows x cols) and returns the number of rows. */
static int read_rows(const char *path, double v[][8], int rows, int cols)
{
    char *text = lesson_read_file(path, NULL);
    ck_assert_msg(text != NULL, "%s was not written", path);
    int n = 0;
    for (char *line = strtok(text, "\n"); line && n < rows; line = strtok(NULL, "\n")) {
        if (line[0] == '#' || line[0] == '"') continue;
        char *p = line;
        for (int c = 0; c < cols; c++) v[n][c] = strtod(p, &p);
        n++;
    }
    free(text);
    return n;
}

START_TEST(quick_run)
{
    LessonRun r;
    const char *args[] = { "--quick", NULL };
    LessonExpect e = { sections, sizeof sections / sizeof *sections, claims, sizeof claims / sizeof *claims,
                       files, sizeof files / sizeof *files, 18, 6 };
    char *md = lesson_expect_run(&r, L04, args, &e);
    ck_assert_msg(strstr(md, "barely overlap their old place") == NULL, "the overlap is said to be gone at a cosine "
                  "near 0.5");

    /* the invariance data: shift 0..3, then the edge map and five poolings */
    char path[1024];
    double v[8][8];
    snprintf(path, sizeof path, "%s/invariance.dat", r.outdir);
    ck_assert_int_eq(read_rows(path, v, 8, 7), 4);
    for (int s = 0; s < 4; s++) {
        ck_assert_msg(v[s][0] == s, "row %d is for shift %g", s, v[s][0]);
        for (int c = 2; c < 7; c++)
            ck_assert_msg(s == 0 ? v[s][c] == 0.0 : v[s][c] < v[s][1],
                          "shift %d: pooling %d changes by %g, the edge map by %g", s, c - 1, v[s][c], v[s][1]);
        if (s > 0) ck_assert_msg(v[s][1] > v[s - 1][1], "the edge map's change does not grow with the shift");
    }
    /* the accuracies are percentages, the raw-pixel classifier well above chance */
    snprintf(path, sizeof path, "%s/shifted_accuracy.dat", r.outdir);
    ck_assert_int_eq(read_rows(path, v, 8, 6), 4);
    ck_assert_msg(v[0][1] > 80.0 && v[0][1] <= 100.0, "raw-pixel test accuracy %g%%", v[0][1]);
    ck_assert_msg(v[3][1] < v[0][1] - 20.0, "a 3-pixel move cost only %g points", v[0][1] - v[3][1]);
    free(md);
    lesson_run_free(&r);
}
END_TEST

/* Every flag "Try it yourself" names: exit 0, no ✘. */
START_TEST(try_it_yourself)
{
    const char *longer[] = { "--quick", "--epochs", "20", NULL };
    free(lesson_assert_explores(L04, longer));
    const char *few[] = { "--quick", "--digits", "50", NULL };
    char *md = lesson_assert_explores(L04, few);
    ck_assert_msg(strstr(md, "averaged over 50 test digits") != NULL, "--digits 50 is not what was averaged");
    free(md);
    /* your own picture, not square: its central square is used */
    md = lesson_assert_explores_picture(L04, 150, 100);
    ck_assert_msg(strstr(md, "your picture's central square (100x100)") != NULL, "the own picture's central square is not used");
    free(md);
    char dir[256], png[320];
    lesson_temp_dir(dir, sizeof dir, "cn_l04_img");
    lesson_write_picture(png, sizeof png, dir, "tiny.png", 40, 30);
    LessonRun r;
    const char *tiny[] = { "--quick", "--image", png, NULL };
    lesson_run(&r, L04, tiny);
    ck_assert_msg(r.status == 1 && strstr(r.err, "at least 48x48") != NULL, "a 40x30 picture: status %d, %s",
                  r.status, r.err);
    lesson_run_free(&r);
    lesson_temp_free(dir);
}
END_TEST

START_TEST(command_line)
{
    const char *flags[] = { "--quick", "--epochs", "--digits", "--image" };
    lesson_assert_cli(L04, flags, 4);

    lesson_assert_refused(L04, "--epochs", "1000");
    lesson_assert_refused(L04, "--epochs", "0"); /* refused, not replaced by the default */

    lesson_assert_refused(L04, "--digits", "-5");
    lesson_assert_refused(L04, "--digits", "0");
    lesson_assert_refused(L04, "--digits", "99999"); /* more than the test set holds */
}
END_TEST

/* Valid IDX files of 56x14 or 14x56 digits (the byte count of 28x28) are
 * refused with the shape named: once a crash (28x28 buffers) or garbage. */
/* The lesson's photograph there but damaged: called damaged, not missing. */
START_TEST(damaged_photograph)
{
    char root[256], path[400];
    lesson_fake_root(root, sizeof root, "mnist-sample", 28, 28);
    snprintf(path, sizeof path, "%s/datasets/photos", root);
    ck_assert_int_eq(unlink(path), 0); /* the link to the real photographs */
    ck_assert_int_eq(mkdir(path, 0755), 0);
    snprintf(path, sizeof path, "%s/datasets/photos/camera.png", root);
    FILE *f = fopen(path, "wb");
    ck_assert(f && fputs("\x89PNG\r\n\x1a\n and then nothing", f) >= 0 && fclose(f) == 0);
    char *saved = save_env("CONVNET_ROOT");
    ck_assert_int_eq(setenv("CONVNET_ROOT", root, 1), 0);
    LessonRun r;
    const char *const args[] = { "--quick", NULL };
    lesson_run(&r, L04, args);
    restore_env("CONVNET_ROOT", &saved);
    const char *const say[] = { "the lesson's photograph is damaged", "camera.png", "make datasets" };
    ck_assert_msg(r.status == 1, "status %d: %s", r.status, r.err);
    lesson_assert_contains(r.err, say, 3, "the message");
    ck_assert_msg(!strstr(r.err, "missing"), "a damaged photograph called missing: %s", r.err);
    lesson_run_free(&r);
    lesson_temp_free(root);
}
END_TEST

START_TEST(wrong_image_shape)
{
    const char *const args[] = { "--quick", NULL };
    lesson_assert_wrong_shape(L04, "mnist-sample", args);
}
END_TEST

Suite *lesson04_suite(void)
{
    Suite *s = suite_create("lesson04");
    TCase *run = tcase_create("run");
    tcase_set_timeout(run, lesson_timeout(60));
    tcase_add_test(run, quick_run);
    suite_add_tcase(s, run);
    TCase *explore = tcase_create("try_it_yourself");
    tcase_set_timeout(explore, lesson_timeout(120));
    tcase_add_unchecked_fixture(explore, lesson_fixture_setup, lesson_fixture_teardown);
    tcase_add_test(explore, try_it_yourself);
    suite_add_tcase(s, explore);
    TCase *cli = tcase_create("command_line");
    tcase_set_timeout(cli, lesson_timeout(30));
    tcase_add_test(cli, command_line);
    tcase_add_test(cli, wrong_image_shape);
    tcase_add_test(cli, damaged_photograph);
    suite_add_tcase(s, cli);
    return s;
}
