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

/* "Why not exactly 0?" explains a mean that is not 0: every such paragraph
 * ends on a mean that does not print as 0.0000. */
static void assert_why_not_zero_honest(const char *md)
{
    for (const char *p = md; (p = strstr(p, "Why not exactly 0?")); p++) {
        const char *m = strstr(p, "the mean is ");
        ck_assert_msg(m != NULL, "\"Why not exactly 0?\" without its mean");
        ck_assert_msg(strncmp(m + 12, "0.0000", 6) != 0, "\"Why not exactly 0?\" under a mean of 0.0000");
    }
}

/* The worked example's sentences follow its numbers: the claim "the calm
 * place's output is no further from ... than the busy place's" is a check at the
 * defaults, a measurement otherwise, and the paragraph that explains an
 * exception appears exactly when the numbers go the other way. */
static void assert_calm_busy_consistent(const char *md, int at_defaults)
{
    const char *c = strstr(md, "the calm place's output is no further from ");
    ck_assert_msg(c != NULL, "no claim about the calm and busy places");
    double a = -1, b = -1;
    const char *nums = strstr(c, "off by ");
    if (nums) ck_assert_int_eq(sscanf(nums, "off by %lf against %lf", &a, &b), 2);
    else {
        nums = strstr(c, "busy place's: ");
        ck_assert_msg(nums && sscanf(nums, "busy place's: %lf against %lf", &a, &b) == 2, "%.200s", c);
    }
    double sd = -1;
    const char *calm = strstr(md, "In the calm patch ");
    ck_assert_ptr_nonnull(calm);
    const char *sdp = strstr(calm, "(standard deviation ");
    ck_assert_msg(sdp && sscanf(sdp, "(standard deviation %lf", &sd) == 1, "%.200s", calm);
    if (strstr(md, "are nearly equal (standard deviation")) ck_assert_msg(sd < 0.02, "%.4f called nearly equal", sd);
    if (strstr(md, "though not nearly equal (standard")) ck_assert_msg(sd >= 0.02, "%.4f called not equal", sd);
    int holds = a <= b, told = strstr(md, "Here the calm place strays further") != NULL;
    ck_assert_msg(holds != told, "calm %.4f, busy %.4f, but the exception is %s", a, b, told ? "told" : "not told");
    const char *line = c;
    while (line > md && line[-1] != '\n') line--;
    if (at_defaults) ck_assert_msg(!strncmp(line, "- ✔ ", 6), "not a passed check: %.120s", line);
    else {
        const char *want = holds ? "- ✔ " : "- ◦ not reached with these settings: ";
        ck_assert_msg(!strncmp(line, want, strlen(want)), "not a goal: %.120s", line);
    }
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
    /* the loops shown are the library's own, with their line ranges */
    ck_assert_msg(strstr(md, "**core/conv.c, lines ") && strstr(md, "```c\n") &&
                      strstr(md, "\nfloat conv2d_window(float acc") && strstr(md, "\nstatic int run2d("),
                  "the notebook does not show run2d and conv2d_window from core/conv.c");
    assert_calm_busy_consistent(md, 1);
    assert_why_not_zero_honest(md);
    ck_assert_msg(strstr(md, "--weights \"0 -1 0; -1 5 -1; 0 -1 0\"") && strstr(md, "--kernel gaussian5") &&
                      strstr(md, "--image my\\_photo.jpg"),
                  "Try it yourself does not name --weights, --kernel and --image");
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
    ck_assert_msg(strstr(md, "✘") == NULL, "a learner's picture failed a check: %s", strstr(md, "✘"));
    assert_calm_busy_consistent(md, 0);
    assert_why_not_zero_honest(md);
    lesson_check_images(&r, md);
    free(md);
    lesson_run_free(&r);
    lesson_temp_free(dir);
}
END_TEST

/* A picture whose numbers go against the worked example's rule: a steep
 * ramp (busy, but flat for a sum-0 kernel at its centre) beside a faint
 * checkerboard (calm, but every pixel a bump). */
static void write_ramp_and_checks(const char *png)
{
    enum { W = 96, H = 48 };
    static unsigned char px[W * H];
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            px[y * W + x] = (unsigned char)(x < 64 ? 255 - 2 * x : 128 + ((x + y) % 2 ? 5 : -5));
    ck_assert(stbi_write_png(png, W, H, 1, px, W));
}

START_TEST(sentences_follow_the_numbers)
{
    LessonRun r;
    char dir[256], png[300];
    lesson_temp_dir(dir, sizeof dir, "cn_l01_rc");
    snprintf(png, sizeof png, "%s/ramp.png", dir);
    write_ramp_and_checks(png);
    const char *args[] = { "--quick", "--image", png, NULL };
    lesson_run(&r, L01, args);
    ck_assert_msg(r.status == 0, "exit status %d; stderr: %s", r.status, r.err);
    char *md = lesson_read_file(r.md, NULL);
    ck_assert_ptr_nonnull(md);
    ck_assert_msg(strstr(md, "Here the calm place strays further") != NULL,
                  "the checkerboard's calm place should stray further than the ramp's busy one");
    assert_calm_busy_consistent(md, 0);
    assert_why_not_zero_honest(md);
    ck_assert_msg(strstr(md, "✘") == NULL, "a learner's picture failed a check: %s", strstr(md, "✘"));
    free(md);
    lesson_run_free(&r);

    /* all texture: even the calmest patch is far from flat */
    enum { W = 64, H = 48 };
    static unsigned char px[W * H];
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) px[y * W + x] = (unsigned char)(120 + x + ((x + y) % 2 ? 60 : -60));
    ck_assert(stbi_write_png(png, W, H, 1, px, W));
    lesson_run(&r, L01, args);
    ck_assert_msg(r.status == 0, "exit status %d; stderr: %s", r.status, r.err);
    md = lesson_read_file(r.md, NULL);
    ck_assert_ptr_nonnull(md);
    ck_assert_msg(strstr(md, "the least spread in this picture, though not nearly equal") != NULL,
                  "a textured calm patch is called nearly equal");
    assert_calm_busy_consistent(md, 0);
    ck_assert_msg(strstr(md, "✘") == NULL, "a learner's picture failed a check: %s", strstr(md, "✘"));
    free(md);
    lesson_run_free(&r);
    lesson_temp_free(dir);
}
END_TEST

/* Every flag "Try it yourself" names runs, exits 0 and fails no check. */
START_TEST(try_it_yourself_flags)
{
    char dir[256], png[300];
    lesson_temp_dir(dir, sizeof dir, "cn_l01_try");
    snprintf(png, sizeof png, "%s/my_photo.png", dir);
    write_ramp_and_checks(png);
    const char *runs[][6] = {
        { "--quick", "--weights", "0 -1 0; -1 5 -1; 0 -1 0", NULL },
        { "--quick", "--weights", "1 1 1; 1 1 1; 1 1 1", NULL },
        { "--quick", "--weights", "1/9 1/9 1/9; 1/9 1/9 1/9; 1/9 1/9 1/9", NULL },
        { "--quick", "--kernel", "gaussian5", NULL },
        { "--quick", "--kernel", "identity", NULL },   /* both places off by exactly 0 */
        { "--quick", "--kernel", "box_blur", NULL },
        { "--quick", "--kernel", "sobel_y", NULL },
        { "--quick", "--image", png, NULL },
        { "--quick", "--image", png, "--weights", "-1 1" },
    };
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        LessonRun r;
        lesson_run(&r, L01, runs[i]);
        ck_assert_msg(r.status == 0, "%s %s: exit status %d; stderr: %s", runs[i][1], runs[i][2], r.status, r.err);
        char *md = lesson_read_file(r.md, NULL);
        ck_assert_ptr_nonnull(md);
        ck_assert_msg(strstr(md, "✘") == NULL, "%s %s: %s", runs[i][1], runs[i][2], strstr(md, "✘"));
        assert_why_not_zero_honest(md);
        assert_calm_busy_consistent(md, !strcmp(runs[i][1], "--kernel"));
        if (!strcmp(runs[i][1], "--weights")) {
            ck_assert_msg(strstr(md, "## Kernel 1 of 1: your kernel") && strstr(md, "(given with --weights)"),
                          "--weights %s: the kernel is not shown as the learner's", runs[i][2]);
            ck_assert_msg(strstr(md, "- ✔ the calm place") || strstr(md, "- ◦ not reached with these settings: the calm"),
                          "--weights: the calm/busy claim is not measured as a goal");
        }
        lesson_check_images(&r, md);
        free(md);
        lesson_run_free(&r);
    }
    lesson_temp_free(dir);
}
END_TEST

START_TEST(bad_weights)
{
    struct { const char *flag2, *value, *why; } bad[] = {
        { NULL, "0 -1 0; -1 5; 0 -1 0", "row 2 has 2 numbers and row 1 has 3" },
        { NULL, "0 -1 O; -1 5 -1; 0 -1 0", "\"O\" in row 1 is not a number" },
        { NULL, "", "row 1 is empty" },
        { NULL, "1 1 1 1 1 1 1 1 1 1", "row 1 has more than 9 numbers" },
        { "--kernel", "1", "give one kernel or the other" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        LessonRun r;
        const char *args[] = { "--quick", "--weights", bad[i].value, bad[i].flag2, "edge1", NULL };
        lesson_run(&r, L01, args);
        ck_assert_msg(r.status == 2, "--weights \"%s\": exit status %d, expected 2", bad[i].value, r.status);
        ck_assert_msg(strstr(r.err, bad[i].why) != NULL, "--weights \"%s\": unclear message: %s", bad[i].value, r.err);
        struct stat sb;
        ck_assert_msg(stat(r.md, &sb) != 0, "a notebook was written before --weights was checked");
        lesson_run_free(&r);
    }
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
    tcase_add_test(run, sentences_follow_the_numbers);
    suite_add_tcase(s, run);
    TCase *try = tcase_create("try_it_yourself");
    tcase_set_timeout(try, lesson_timeout(120));
    tcase_add_unchecked_fixture(try, lesson_fixture_setup, lesson_fixture_teardown);
    tcase_add_test(try, try_it_yourself_flags);
    suite_add_tcase(s, try);
    TCase *bad = tcase_create("bad_input");
    tcase_set_timeout(bad, lesson_timeout(30));
    tcase_add_unchecked_fixture(bad, lesson_fixture_setup, lesson_fixture_teardown);
    tcase_add_test(bad, bad_image);
    tcase_add_test(bad, bad_kernel);
    tcase_add_test(bad, bad_weights);
    tcase_add_test(bad, elongated_image);
    tcase_add_test(bad, bad_flag_and_help);
    suite_add_tcase(s, bad);
    return s;
}
