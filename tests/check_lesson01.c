/* check_lesson01.c - lesson 01 (a single filter) runs, tells its whole story,
 * holds every claim it checks, writes every picture it shows, and refuses
 * bad input with a message that names the problem. Runs the real binary
 * (tests/lesson_run.h) with its outputs in a temporary folder. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <stb_image_write.h>

#include "tests/lesson_checks.h"
#include "tests/lesson_run.h"

#define L01 "01_single_filter"

/* "**P of T checks passed.**" at the end of a notebook: P == T, and T >= min. */
static void assert_all_passed(const char *md, int min)
{
    const char *p = strstr(md, "checks passed");
    ck_assert_msg(p != NULL, "notebook.md has no tally of checks");
    const char *q = p;
    while (q > md && q[-1] != '*') q--;
    int passed = -1, total = -1;
    ck_assert_msg(sscanf(q, "%d of %d", &passed, &total) == 2, "cannot read the tally near \"%.30s\"", q);
    ck_assert_msg(passed == total, "%d of %d checks passed", passed, total);
    ck_assert_msg(total >= min, "only %d checks ran, expected at least %d", total, min);
    ck_assert_msg(strstr(md, "✘") == NULL, "a check failed: %s", strstr(md, "✘"));
}

static int file_exists(const LessonRun *r, const char *file)
{
    char path[1024];
    struct stat sb;
    snprintf(path, sizeof path, "%s/%s", r->outdir, file);
    return stat(path, &sb) == 0;
}

START_TEST(quick_run)
{
    LessonRun r;
    const char *args[] = { "--quick", NULL };
    lesson_run(&r, L01, args);
    ck_assert_msg(r.status == 0, "exit status %d; stderr: %s", r.status, r.err);
    char *md = lesson_read_file(r.md, NULL);
    ck_assert_msg(md != NULL, "%s was not written", r.md);

    const char *sections[] = { "## The photograph", "## One output pixel, by hand",
                               "## What a kernel's sum does to brightness", "## Kernel 1 of 8: identity",
                               "## Kernel 6 of 8: box blur (normalized)", "## Kernel 8 of 8: Sobel y",
                               "## All the outputs side by side", "## Borders: valid, same and full",
                               "## Try it yourself" };
    for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++)
        ck_assert_msg(strstr(md, sections[i]) != NULL, "notebook.md lacks the section \"%s\"", sections[i]);
    const char *claims[] = { "- ✔ adding the 9 products gives", "- ✔ on the flat picture every output pixel equals 0.5",
                             "- ✔ the output is the photo, pixel for pixel (largest difference 0)",
                             "- ✔ sum 1 keeps the mean brightness", "- ✔ sum 0 takes the mean brightness",
                             "- ✔ valid: the output is 3x3", "- ✔ same: the output is 5x5",
                             "- ✔ full: the output is 7x7", "- ✔ the outer ring's mean brightness drops" };
    for (size_t i = 0; i < sizeof claims / sizeof claims[0]; i++)
        ck_assert_msg(strstr(md, claims[i]) != NULL, "notebook.md lacks the check \"%s\"", claims[i]);
    ck_assert_int_eq(lesson_count(md, "- ✔ sum 1 keeps the mean brightness"), 3);
    ck_assert_int_eq(lesson_count(md, "- ✔ sum 0 takes the mean brightness"), 5);
    assert_all_passed(md, 25);

    int images = lesson_check_images(&r, md);
    ck_assert_msg(images >= 12, "notebook.md shows %d images, expected at least 12", images);
    const char *files[] = { "photo.png", "kernel_identity.png", "kernel_edge1.png", "kernel_edge2.png",
                            "kernel_edge3.png", "kernel_sharpen.png", "kernel_box_blur.png", "kernel_sobel_x.png",
                            "kernel_sobel_y.png", "contact_sheet.png", "borders.png", "border_corner.png" };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        ck_assert_msg(strstr(md, files[i]) != NULL, "notebook.md does not show %s", files[i]);
    /* the terminal told the same story */
    ck_assert_msg(strstr(r.out, "checks passed") && strstr(r.out, "Borders: valid, same and full"),
                  "stdout lacks the story: %.200s", r.out);
    free(md);
    lesson_run_free(&r);
}
END_TEST

START_TEST(one_kernel)
{
    LessonRun r;
    const char *args[] = { "--quick", "--kernel", "gaussian5", NULL };
    lesson_run(&r, L01, args);
    ck_assert_msg(r.status == 0, "exit status %d; stderr: %s", r.status, r.err);
    char *md = lesson_read_file(r.md, NULL);
    ck_assert_ptr_nonnull(md);
    ck_assert_msg(strstr(md, "## Kernel 1 of 1: Gaussian blur 5x5") != NULL, "no section for the chosen kernel");
    ck_assert_int_eq(lesson_count(md, "## Kernel "), 1);
    ck_assert_msg(strstr(md, "adding the 25 products gives") != NULL, "the worked example does not use the 5x5 kernel");
    ck_assert(file_exists(&r, "kernel_gaussian5.png"));
    ck_assert(!file_exists(&r, "kernel_identity.png"));
    assert_all_passed(md, 10);
    lesson_check_images(&r, md);
    free(md);
    lesson_run_free(&r);
}
END_TEST

START_TEST(own_picture)
{
    /* a 70x50 colour picture: a red-to-blue ramp with a white square */
    LessonRun r;
    char dir[256];
    lesson_temp_dir(dir, sizeof dir, "cn_l01_img");
    char png[300];
    snprintf(png, sizeof png, "%s/mine.png", dir);
    enum { W = 70, H = 50 };
    static unsigned char px[W * H * 3];
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            int sq = x >= 20 && x < 40 && y >= 15 && y < 35;
            px[(y * W + x) * 3 + 0] = (unsigned char)(sq ? 255 : 255 * x / W);
            px[(y * W + x) * 3 + 1] = (unsigned char)(sq ? 255 : 40);
            px[(y * W + x) * 3 + 2] = (unsigned char)(sq ? 255 : 255 - 255 * x / W);
        }
    ck_assert(stbi_write_png(png, W, H, 3, px, W * 3));
    const char *args[] = { "--quick", "--image", png, NULL };
    lesson_run(&r, L01, args);
    ck_assert_msg(r.status == 0, "exit status %d; stderr: %s", r.status, r.err);
    char *md = lesson_read_file(r.md, NULL);
    ck_assert_ptr_nonnull(md);
    ck_assert_msg(strstr(md, "your picture mine.png, 70x50 pixels, read as gray") != NULL, "the notebook does not describe the picture");
    ck_assert_msg(strstr(md, "What to look at") == NULL, "camera-specific hints shown for another picture");
    lesson_check_images(&r, md);
    free(md);
    lesson_run_free(&r);
    lesson_temp_free(dir);
}
END_TEST

START_TEST(bad_image)
{
    LessonRun r;
    const char *args[] = { "--quick", "--image", "/nonexistent.png", NULL };
    lesson_run(&r, L01, args);
    ck_assert_msg(r.status != 0, "a missing --image file exited 0");
    ck_assert_msg(strstr(r.err, "/nonexistent.png") != NULL, "the message does not name the file: %s", r.err);
    ck_assert_msg(strstr(r.err, "No such file") != NULL, "the message does not say why: %s", r.err);
    struct stat sb;
    ck_assert_msg(stat(r.md, &sb) != 0, "a notebook was written before the input was checked");
    lesson_run_free(&r);

    /* a file that is not a picture */
    char dir[256];
    lesson_temp_dir(dir, sizeof dir, "cn_l01_bad");
    char path[300];
    snprintf(path, sizeof path, "%s/notes.png", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("this is text, not a PNG\n", f);
    ck_assert_int_eq(fclose(f), 0);
    const char *args2[] = { "--quick", "--image", path, NULL };
    lesson_run(&r, L01, args2);
    ck_assert_msg(r.status != 0, "a text file given as --image exited 0");
    ck_assert_msg(strstr(r.err, "notes.png") && strstr(r.err, "cannot decode"), "unclear message: %s", r.err);
    lesson_run_free(&r);
    lesson_temp_free(dir);
}
END_TEST

/* A picture too elongated for the lesson: the message says what shrinking
 * made of it, not "2000x40 needs at least 32x32"; and one so elongated that
 * it would shrink to nothing stops with a clear message, not an internal one. */
START_TEST(elongated_image)
{
    char dir[256], path[400];
    lesson_temp_dir(dir, sizeof dir, "cn_l01_long");
    lesson_write_png(path, sizeof path, dir, "wide.png", 2000, 40);
    LessonRun r;
    const char *args[] = { "--quick", "--image", path, NULL };
    lesson_run(&r, L01, args);
    const char *const say[] = { "2000x40 pixels", "shrunk so that it fits 128x128 it is 125x2", "closer in length" };
    ck_assert_msg(r.status == 1, "status %d: %s", r.status, r.err);
    lesson_assert_contains(r.err, say, 3, "the message");
    lesson_run_free(&r);

    lesson_write_png(path, sizeof path, dir, "line.png", 10000, 1);
    lesson_run(&r, L01, args);
    const char *const say2[] = { "10000x1 pixels", "less than one pixel across", "closer in length" };
    ck_assert_msg(r.status == 1 && !strstr(r.err, "image_create"), "status %d: %s", r.status, r.err);
    lesson_assert_contains(r.err, say2, 3, "the message");
    lesson_run_free(&r);
    lesson_temp_free(dir);
}
END_TEST

START_TEST(bad_kernel)
{
    LessonRun r;
    const char *args[] = { "--kernel", "nope", NULL };
    lesson_run(&r, L01, args);
    ck_assert_msg(r.status == 2, "an unknown --kernel exited %d, not 2", r.status);
    const char *names[] = { "nope", "identity", "edge1", "edge2", "edge3", "sharpen", "box_blur", "sobel_x",
                            "sobel_y", "gaussian5" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        ck_assert_msg(strstr(r.err, names[i]) != NULL, "the message lacks \"%s\": %s", names[i], r.err);
    lesson_run_free(&r);
}
END_TEST

START_TEST(bad_flag_and_help)
{
    LessonRun r;
    const char *args[] = { "--bogus", NULL };
    lesson_run(&r, L01, args);
    ck_assert_int_eq(r.status, 2);
    ck_assert_msg(strstr(r.err, "unknown flag \"--bogus\"") != NULL, "unclear message: %s", r.err);
    lesson_run_free(&r);

    const char *help[] = { "--help", NULL };
    lesson_run(&r, L01, help);
    ck_assert_int_eq(r.status, 0);
    ck_assert_msg(strstr(r.out, "--kernel") && strstr(r.out, "--image") && strstr(r.out, "--quick") &&
                      strstr(r.out, "sobel_x") && strstr(r.out, "box_blur"),
                  "--help does not list the flags and kernel names: %s", r.out);
    lesson_run_free(&r);
}
END_TEST

Suite *lesson01_suite(void)
{
    Suite *s = suite_create("lesson01");
    TCase *run = tcase_create("run");
    tcase_set_timeout(run, lesson_timeout(30));
    tcase_add_unchecked_fixture(run, lesson_fixture_setup, lesson_fixture_teardown);
    tcase_add_test(run, quick_run);
    tcase_add_test(run, one_kernel);
    tcase_add_test(run, own_picture);
    suite_add_tcase(s, run);
    TCase *bad = tcase_create("bad_input");
    tcase_set_timeout(bad, lesson_timeout(30));
    tcase_add_unchecked_fixture(bad, lesson_fixture_setup, lesson_fixture_teardown);
    tcase_add_test(bad, bad_image);
    tcase_add_test(bad, bad_kernel);
    tcase_add_test(bad, elongated_image);
    tcase_add_test(bad, bad_flag_and_help);
    suite_add_tcase(s, bad);
    return s;
}
