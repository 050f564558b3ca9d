/* check_classify.c - build/lessons/classify on several pictures and
 * folders: one line each, a clear message for each bad file while the
 * others are still classified (exit 1 at the end), the preparation said
 * and saved for one picture. The model is an untrained LeNet-5: these
 * tests are about the program, not the network's answers. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "core/image.h"
#include "core/lenet.h"
#include "core/model_io.h"
#include "tests/lesson_run.h"
#include "tests/support.h"

static char dir[64], model[128];

static void setup(void)
{
    lesson_temp_dir(dir, sizeof dir, "classify");
    snprintf(model, sizeof model, "%s/model.cnn", dir);
    Net *net = lenet5_modern();
    ck_assert_ptr_nonnull(net);
    lenet5_init(net, 3);
    ck_assert_msg(net_save(net, model) == 0, "%s", cn_last_error());
    net_free(net);
}

/* A dark bar (w x h at x, y) on a light W x H page, written as a PNG. */
static void bar_png(const char *name, int W, int H, int x, int y, int w, int h)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    float *px = malloc((size_t)W * H * sizeof *px);
    ck_assert_ptr_nonnull(px);
    for (int i = 0; i < W * H; i++) px[i] = 0.9f;
    for (int yy = y; yy < y + h; yy++)
        for (int xx = x; xx < x + w; xx++) px[yy * W + xx] = 0.1f;
    ck_assert_msg(image_write_png(path, px, 1, H, W) == 0, "%s", cn_last_error());
    free(px);
}

static void text_file(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    ck_assert(f && fputs(text, f) >= 0 && fclose(f) == 0);
}

/* Number of stdout lines that start with dir/name and end in a class and a
 * probability. */
static int result_lines(const char *out, const char *name)
{
    char start[256];
    snprintf(start, sizeof start, "%s/%s  ", dir, name);
    int n = 0;
    for (const char *l = out; (l = strstr(l, start)); l++) {
        int cls;
        double p;
        char pct;
        if (sscanf(l + strlen(start), "%d %lf%c", &cls, &p, &pct) == 3 && cls >= 0 && cls <= 9 && p >= 0 &&
            p <= 100 && pct == '%')
            n++;
    }
    return n;
}

START_TEST(several_files_and_a_folder)
{
    char sub[128], a[128], b[128], missing[128], notpic[128], blank[128];
    bar_png("a.png", 60, 50, 5, 5, 8, 30);
    bar_png("b.png", 40, 40, 20, 10, 6, 25);
    snprintf(sub, sizeof sub, "%s/folder", dir);
    ck_assert_int_eq(mkdir(sub, 0755), 0);
    bar_png("folder/2.png", 30, 30, 10, 3, 5, 20);
    bar_png("folder/1.png", 30, 30, 3, 3, 5, 20);
    text_file("folder/README.txt", "not a picture\n");
    text_file("notes.png", "not a picture either\n");
    bar_png("blank.png", 20, 20, 0, 0, 0, 0);
    snprintf(a, sizeof a, "%s/a.png", dir);
    snprintf(b, sizeof b, "%s/b.png", dir);
    snprintf(missing, sizeof missing, "%s/missing.png", dir);
    snprintf(notpic, sizeof notpic, "%s/notes.png", dir);
    snprintf(blank, sizeof blank, "%s/blank.png", dir);

    /* good ones only: one line each, the folder's in name order, exit 0 */
    LessonRun r;
    const char *good[] = { "--model", model, a, sub, b, NULL };
    lesson_run(&r, "classify", good);
    ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
    ck_assert_int_eq(result_lines(r.out, "a.png"), 1);
    ck_assert_int_eq(result_lines(r.out, "b.png"), 1);
    ck_assert_int_eq(result_lines(r.out, "folder/1.png"), 1);
    ck_assert_int_eq(result_lines(r.out, "folder/2.png"), 1);
    ck_assert_ptr_nonnull(strstr(r.out, "folder/1.png"));
    ck_assert(strstr(r.out, "folder/1.png") < strstr(r.out, "folder/2.png"));
    ck_assert(strstr(r.out, "/a.png") < strstr(r.out, "folder/1.png"));
    ck_assert(strstr(r.out, "folder/2.png") < strstr(r.out, "/b.png"));
    ck_assert_ptr_null(strstr(r.out, "\n1. "));   /* no top-3 for several */
    assert_has(r.out, "prepared as MNIST's digits");
    assert_has(r.err, "1 entry skipped");
    lesson_run_free(&r);

    /* bad ones among them: each named with its reason, the rest classified */
    const char *mixed[] = { "--model", model, missing, a, notpic, blank, b, NULL };
    lesson_run(&r, "classify", mixed);
    ck_assert_msg(r.status == 1, "status %d: %s", r.status, r.err);
    ck_assert_int_eq(result_lines(r.out, "a.png"), 1);
    ck_assert_int_eq(result_lines(r.out, "b.png"), 1);
    assert_has(r.err, "missing.png: cannot open it");
    assert_has(r.err, "notes.png is not a PNG or JPEG file");
    assert_has(r.err, "blank.png: no digit found: the picture is blank");
    assert_has(r.err, "3 of 5 pictures could not be classified");
    ck_assert_int_eq(lesson_count(r.err, "cannot read the picture"), 2);
    ck_assert_int_eq(lesson_count(r.err, "cannot use the picture"), 1);
    lesson_run_free(&r);

    /* an empty folder is an error too, the other pictures still run */
    char empty[128];
    snprintf(empty, sizeof empty, "%s/empty", dir);
    ck_assert_int_eq(mkdir(empty, 0755), 0);
    const char *with_empty[] = { "--model", model, empty, a, NULL };
    lesson_run(&r, "classify", with_empty);
    ck_assert_int_eq(r.status, 1);
    ck_assert_int_eq(result_lines(r.out, "a.png"), 1);
    assert_has(r.err, "holds no .png, .jpg or .jpeg file");
    lesson_run_free(&r);
}
END_TEST

START_TEST(one_picture_says_and_saves)
{
    char a[128], saved[128];
    bar_png("a.png", 60, 50, 5, 5, 8, 30);
    snprintf(a, sizeof a, "%s/a.png", dir);
    snprintf(saved, sizeof saved, "%s/seen/a28.png", dir);
    LessonRun r;
    const char *args[] = { "--model", model, "--save", saved, a, NULL };
    lesson_run(&r, "classify", args);
    ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
    assert_has(r.out, "light background");
    assert_has(r.out, "inverted");
    assert_has(r.out, "ink 8x30 at (5,5) in the 60x50 picture");
    assert_has(r.out, "scaled to 5x20");
    assert_has(r.out, "centred by mass");
    ck_assert_ptr_nonnull(strstr(r.out, "\n1. "));
    ck_assert_ptr_nonnull(strstr(r.out, "\n3. "));
    lesson_run_free(&r);
    /* the saved picture: 28x28, white bar on black, centred */
    CnImage *im = image_load(saved, 1);
    ck_assert_msg(im != NULL, "%s", cn_last_error());
    ck_assert_int_eq(im->w, 28);
    ck_assert_int_eq(im->h, 28);
    double s = 0, sx = 0, sy = 0;
    for (int y = 0; y < 28; y++)
        for (int x = 0; x < 28; x++) s += im->data[y * 28 + x], sx += x * im->data[y * 28 + x], sy += y * im->data[y * 28 + x];
    ck_assert(s > 0 && im->data[0] == 0.0f);
    ck_assert_msg(fabs(sx / s - 13.5) <= 0.5 && fabs(sy / s - 13.5) <= 0.5, "centre (%.2f, %.2f)", sx / s,
                  sy / s);
    image_free(im);

    /* the old way on request; several pictures save into a folder */
    char b[128], folder[128], one[160];
    bar_png("b.png", 40, 40, 20, 10, 6, 25);
    snprintf(b, sizeof b, "%s/b.png", dir);
    snprintf(folder, sizeof folder, "%s/prepared", dir);
    const char *two[] = { "--model", model, "--prep", "squeeze", "--save", folder, a, b, NULL };
    lesson_run(&r, "classify", two);
    ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
    assert_has(r.out, "resized whole to 28x28");
    snprintf(one, sizeof one, "%s/b.png", folder);
    ck_assert(lesson_png_valid(one));
    snprintf(one, sizeof one, "%s/a.png", folder);
    ck_assert(lesson_png_valid(one));
    lesson_run_free(&r);
    const char *bad[] = { "--model", model, "--prep", "stretch", a, NULL };
    lesson_run(&r, "classify", bad);
    ck_assert_int_eq(r.status, 2);
    assert_has(r.err, "--prep stretch: use mnist or squeeze");
    lesson_run_free(&r);
}
END_TEST

Suite *classify_suite(void)
{
    Suite *s = suite_create("classify");
    TCase *tc = tcase_create("pictures");
    tcase_set_timeout(tc, lesson_timeout(60));
    tcase_add_unchecked_fixture(tc, lesson_fixture_setup, lesson_fixture_teardown);
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, several_files_and_a_folder);
    tcase_add_test(tc, one_picture_says_and_saves);
    suite_add_tcase(s, tc);
    return s;
}
