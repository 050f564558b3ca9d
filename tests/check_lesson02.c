/* check_lesson02.c - lesson 02 (convolution vs cross-correlation) runs,
 * derives the seed's symbolic sums, holds every claim it checks, writes its
 * pictures and plots, and refuses a bad --image. Runs the real binary
 * (tests/lesson_run.h) with its outputs in a temporary folder. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <stb_image_write.h>

#include "tests/lesson_run.h"

#define L02 "02_conv_vs_corr"

START_TEST(quick_run)
{
    LessonRun r;
    const char *args[] = { "--quick", NULL };
    lesson_run(&r, L02, args);
    ck_assert_msg(r.status == 0, "exit status %d; stderr: %s", r.status, r.err);
    char *md = lesson_read_file(r.md, NULL);
    ck_assert_msg(md != NULL, "%s was not written", r.md);

    const char *sections[] = { "## The seed's example, in letters", "## The same with numbers", "## The definitions",
                               "## Why deep-learning libraries compute cross-correlation",
                               "## Symmetric kernels: both operations agree", "## Sobel: the two operations disagree",
                               "## What only true convolution can do: commute and associate",
                               "## The 1-D definition on a signal" };
    for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++)
        ck_assert_msg(strstr(md, sections[i]) != NULL, "notebook.md lacks the section \"%s\"", sections[i]);
    /* the deck's two sums, as the lesson derived them (code blocks are verbatim) */
    ck_assert_msg(strstr(md, "y[1][1] = 1·A + 2·B + 3·C + 4·D + 5·E + 6·F + 7·G + 8·H + 9·I") != NULL,
                  "the cross-correlation sum is missing or wrong");
    ck_assert_msg(strstr(md, "y[1][1] = 1·I + 2·H + 3·G + 4·F + 5·E + 6·D + 7·C + 8·B + 9·A") != NULL,
                  "the convolution sum is missing or wrong");
    const char *claims[] = {
        "- ✔ as in the deck: correlation pairs pixel p with the p-th letter",
        "- ✔ putting the numbers into the letter sums gives 8 and -8",
        "- ✔ the literal sums equal the library's full-mode convolve1d and correlate1d",
        "- ✔ all 6 of the deck's kernels are symmetric under a 180-degree rotation, and on the photo convolution "
        "and cross-correlation agree exactly (largest difference 0)",
        "- ✔ rot180(Sobel x) = −(Sobel x)",
        "- ✔ on the photo, convolve(photo, Sobel x) = −correlate(photo, Sobel x) at every pixel (largest \\|conv + "
        "corr\\| = 0,",
        "- ✔ convolution commutes", "- ✔ correlation does not",
        "- ✔ convolving twice is convolving once with the convolved kernels: (photo ∗ a) ∗ b = photo ∗ (a ∗ b)",
        "- ✔ correlating twice is also correlating once, with the kernel a ∗ b",
        "- ✔ but not with the two kernels correlated", "- ✔ box ∗ box is 1/81 times whole numbers",
        "- ✔ smoothing shrinks the noise", "- ✔ convolution stamps a copy of the kernel after every spike",
        "- ✔ cross-correlation stamps it backwards" };
    for (size_t i = 0; i < sizeof claims / sizeof claims[0]; i++)
        ck_assert_msg(strstr(md, claims[i]) != NULL, "notebook.md lacks the check \"%s\"", claims[i]);
    ck_assert_msg(strstr(md, "✘") == NULL, "a check failed: %s", strstr(md, "✘"));
    int passed = -1, total = -1;
    const char *tally = strstr(md, "**");
    while (tally && sscanf(tally, "**%d of %d checks passed", &passed, &total) != 2) tally = strstr(tally + 2, "**");
    ck_assert_msg(tally && passed == total && total >= 22, "tally: %d of %d", passed, total);
    /* the 1-D loops, from the library's source */
    ck_assert_msg(strstr(md, "\nint correlate1d(float *out") && strstr(md, "\nint convolve1d(float *out") &&
                      strstr(md, "**core/conv.c, lines "),
                  "the notebook does not show correlate1d and convolve1d from core/conv.c");
    ck_assert_msg(strstr(md, "The sum is mid-gray at every pixel") != NULL, "the Sobel figure's point is not told");
    ck_assert_msg(strstr(md, "This is why stacking small filters works") == NULL, "the old associativity claim");
    ck_assert_msg(strstr(md, "## Try it yourself") && strstr(md, "--image my\\_photo.jpg"), "no Try it yourself");

    int images = lesson_check_images(&r, md);
    ck_assert_msg(images >= 4, "notebook.md shows %d images and plots, expected 4", images);
    const char *files[] = { "pairing.png", "sobel_corr_vs_conv.png", "step.png", "spikes.png" };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        ck_assert_msg(strstr(md, files[i]) != NULL, "notebook.md does not show %s", files[i]);
    /* the plots' data files, whose first line is the command that redraws them */
    char path[1024];
    snprintf(path, sizeof path, "%s/step.dat", r.outdir);
    char *dat = lesson_read_file(path, NULL);
    ck_assert_msg(dat && strncmp(dat, "# draw: gnuplot", 15) == 0, "step.dat is missing or lacks its gnuplot line");
    free(dat);
    snprintf(path, sizeof path, "%s/spikes.dat", r.outdir);
    dat = lesson_read_file(path, NULL);
    ck_assert_msg(dat && strstr(dat, "stems=1"), "spikes.dat is not drawn as stems");
    free(dat);
    /* the ASCII preview went to the terminal */
    ck_assert_msg(strstr(r.out, "+----") != NULL, "no text plot in the terminal output");
    free(md);
    lesson_run_free(&r);
}
END_TEST

/* Every flag "Try it yourself" names runs, exits 0 and fails no check. */
START_TEST(try_it_yourself_flags)
{
    char dir[256], png[300];
    lesson_temp_dir(dir, sizeof dir, "cn_l02_try");
    snprintf(png, sizeof png, "%s/my_photo.png", dir);
    enum { W = 40, H = 30 };
    static unsigned char px[W * H];
    for (int i = 0; i < W * H; i++) px[i] = (unsigned char)((i % W) * 6 + (i / W > 15 ? 40 : 0));
    ck_assert(stbi_write_png(png, W, H, 1, px, W));
    const char *runs[][4] = { { "--quick", NULL }, { "--quick", "--image", png, NULL } };
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        LessonRun r;
        lesson_run(&r, L02, runs[i]);
        ck_assert_msg(r.status == 0, "run %zu: exit status %d; stderr: %s", i, r.status, r.err);
        char *md = lesson_read_file(r.md, NULL);
        ck_assert_ptr_nonnull(md);
        ck_assert_msg(strstr(md, "✘") == NULL, "run %zu: %s", i, strstr(md, "✘"));
        lesson_check_images(&r, md);
        free(md);
        lesson_run_free(&r);
    }
    lesson_temp_free(dir);
}
END_TEST

START_TEST(bad_input)
{
    LessonRun r;
    const char *args[] = { "--quick", "--image", "/nonexistent.png", NULL };
    lesson_run(&r, L02, args);
    ck_assert_msg(r.status != 0, "a missing --image file exited 0");
    ck_assert_msg(strstr(r.err, "/nonexistent.png") != NULL, "the message does not name the file: %s", r.err);
    struct stat sb;
    ck_assert_msg(stat(r.md, &sb) != 0, "a notebook was written before the input was checked");
    lesson_run_free(&r);

    const char *bad[] = { "--quick=yes", NULL };
    lesson_run(&r, L02, bad);
    ck_assert_int_eq(r.status, 2);
    ck_assert_msg(strstr(r.err, "--quick takes no value") != NULL, "unclear message: %s", r.err);
    lesson_run_free(&r);

    const char *help[] = { "--help", NULL };
    lesson_run(&r, L02, help);
    ck_assert_int_eq(r.status, 0);
    ck_assert_msg(strstr(r.out, "--quick") && strstr(r.out, "--image"), "--help lacks the flags: %s", r.out);
    lesson_run_free(&r);
}
END_TEST

Suite *lesson02_suite(void)
{
    Suite *s = suite_create("lesson02");
    TCase *tc = tcase_create("run");
    tcase_set_timeout(tc, lesson_timeout(30));
    tcase_add_unchecked_fixture(tc, lesson_fixture_setup, lesson_fixture_teardown);
    tcase_add_test(tc, quick_run);
    tcase_add_test(tc, bad_input);
    tcase_add_test(tc, try_it_yourself_flags);
    suite_add_tcase(s, tc);
    return s;
}
