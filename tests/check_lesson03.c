/* check_lesson03.c - lesson 03 (the receptive field) runs, its formula
 * tables agree with its impulse measurements, it writes every picture it
 * shows, and it refuses a bad --depth. Runs the real binary
 * (tests/lesson_run.h) with its outputs in a temporary folder. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/lesson_run.h"

#define L03 "03_receptive_field"

static void assert_all_passed(const char *md, int min)
{
    ck_assert_msg(strstr(md, "✘") == NULL, "a check failed: %s", strstr(md, "✘"));
    int passed = -1, total = -1;
    const char *tally = strstr(md, "**");
    while (tally && sscanf(tally, "**%d of %d checks passed", &passed, &total) != 2) tally = strstr(tally + 2, "**");
    ck_assert_msg(tally && passed == total && total >= min, "tally: %d of %d (at least %d expected)", passed, total,
                  min);
}

START_TEST(quick_run)
{
    LessonRun r;
    const char *args[] = { "--quick", NULL };
    lesson_run(&r, L03, args);
    ck_assert_msg(r.status == 0, "exit status %d; stderr: %s", r.status, r.err);
    char *md = lesson_read_file(r.md, NULL);
    ck_assert_msg(md != NULL, "%s was not written", r.md);

    const char *sections[] = { "## Stacking 3x3 filters: 3, 5, 7, …", "## An impulse makes the field visible",
                               "## Stride and pooling: growing faster", "## LeNet-5, layer by layer",
                               "## The scaled-down AlexNet, layer by layer" };
    for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++)
        ck_assert_msg(strstr(md, sections[i]) != NULL, "notebook.md lacks the section \"%s\"", sections[i]);
    const char *claims[] = {
        "- ✔ stacked 3x3 filters with stride 1 see 3 → 5 → 7 → 9 → 11 pixels",
        "- ✔ each lit-up region, centred on the impulse, is exactly as wide and tall as the formula says",
        "three 3x3: 7x7 (formula 7)", "one 7x7: 7x7 (formula 7)",
        "- ✔ the 7x7 average gives every pixel of its field the same weight",
        "- ✔ after 4 convolutions each: 9 pixels with stride 1, 26 with a 2x2 pooling after the first two, 31 with "
        "stride 2 everywhere",
        "- ✔ in all 8 layers the brightest pixel of the measured field lies within a pixel of the middle of the "
        "unit's field", "pool3 8.0/7",
        "- ✔ each field contains the one before: rows and columns 61..63, 57..63, 49..63, 33..63",
        "pool3's output is 2x2, so its unit 0 is a corner unit",
        "- ✔ for all 4 layers, the pixels that can change the centre unit span exactly",
        "- ✔ for all 5 layers the measured field of the centre unit equals the formula's",
        "- ✔ a C5 unit's field is 32 pixels",
        "- ✔ for all 8 layers the measured field of the centre unit equals the formula's",
        "- ✔ the last pooling's field is 47 pixels" };
    for (size_t i = 0; i < sizeof claims / sizeof claims[0]; i++)
        ck_assert_msg(strstr(md, claims[i]) != NULL, "notebook.md lacks \"%s\"", claims[i]);
    /* the LeNet-5 table: C1 5, S2 6, C3 14, S4 16, C5 32, and the last row measured over the whole image */
    const char *rows[] = { "| C1 | 28x28 | 5 | 1 | 0 | 5 | 1 | 2 |", "| S2 | 14x14 | 2 | 2 | 0 | 6 | 2 | 2.5 |",
                           "| C3 | 10x10 | 5 | 1 | 0 | 14 | 2 | 6.5 |", "| S4 | 5x5 | 2 | 2 | 0 | 16 | 4 | 7.5 |",
                           "| C5 | 1x1 | 5 | 1 | 0 | 32 | 4 | 15.5 | 0 | 0..31 | 0..31 |",
                           "| pool3 | 2x2 | 3 | 2 | 0 | 47 | 8 | 7 | 0 | -16..30 → 0..27 | 0..27 |" };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        ck_assert_msg(strstr(md, rows[i]) != NULL, "notebook.md lacks the table row \"%s\"", rows[i]);
    ck_assert_msg(strstr(md, "(differs)") == NULL, "a measured field differs from the formula");
    assert_all_passed(md, 11);
    ck_assert_msg(strstr(md, "## Try it yourself") && strstr(md, "--depth 8"), "Try it yourself lacks --depth");

    int images = lesson_check_images(&r, md);
    const char *files[] = { "impulse_footprints.png", "impulse_profile.png", "stride2_fields.png", "lenet_fields.png",
                            "alexnet_fields.png", "photo_fields.png" };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        ck_assert_msg(strstr(md, files[i]) != NULL, "notebook.md does not show %s", files[i]);
    ck_assert_msg(images >= 5, "notebook.md shows %d images, expected at least 5", images);
    free(md);
    lesson_run_free(&r);
}
END_TEST

START_TEST(deeper_stack)
{
    LessonRun r;
    const char *args[] = { "--quick", "--depth", "8", NULL };
    lesson_run(&r, L03, args);
    ck_assert_msg(r.status == 0, "exit status %d; stderr: %s", r.status, r.err);
    char *md = lesson_read_file(r.md, NULL);
    ck_assert_ptr_nonnull(md);
    ck_assert_msg(strstr(md, "see 3 → 5 → 7 → 9 → 11 → 13 → 15 → 17 pixels") != NULL, "--depth 8 not used");
    ck_assert_msg(strstr(md, "8 × 3x3: 17x17 (formula 17)") != NULL, "the deep impulse is missing");
    assert_all_passed(md, 9);
    lesson_check_images(&r, md);
    free(md);
    lesson_run_free(&r);
}
END_TEST

/* Every flag "Try it yourself" names runs, exits 0 and fails no check,
 * across --depth's whole range. */
START_TEST(try_it_yourself_flags)
{
    const char *depths[] = { "1", "8", "10" };
    for (size_t i = 0; i < sizeof depths / sizeof depths[0]; i++) {
        LessonRun r;
        const char *args[] = { "--quick", "--depth", depths[i], NULL };
        lesson_run(&r, L03, args);
        ck_assert_msg(r.status == 0, "--depth %s: exit status %d; stderr: %s", depths[i], r.status, r.err);
        char *md = lesson_read_file(r.md, NULL);
        ck_assert_ptr_nonnull(md);
        assert_all_passed(md, 11);
        char want[64];
        snprintf(want, sizeof want, "this run used %s)", depths[i]);
        ck_assert_msg(strstr(md, want) != NULL, "--depth %s: Try it yourself does not say the depth used", depths[i]);
        free(md);
        lesson_run_free(&r);
    }
}
END_TEST

START_TEST(bad_input)
{
    LessonRun r;
    const char *args[] = { "--depth", "0", NULL };
    lesson_run(&r, L03, args);
    ck_assert_msg(r.status == 2, "--depth 0 exited %d, not 2", r.status);
    ck_assert_msg(strstr(r.err, "--depth 0") && strstr(r.err, "1 to 10"), "unclear message: %s", r.err);
    struct stat sb;
    ck_assert_msg(stat(r.md, &sb) != 0, "a notebook was written before the input was checked");
    lesson_run_free(&r);

    const char *nan[] = { "--depth", "deep", NULL };
    lesson_run(&r, L03, nan);
    ck_assert_int_eq(r.status, 2);
    ck_assert_msg(strstr(r.err, "--depth expects a whole number") != NULL, "unclear message: %s", r.err);
    lesson_run_free(&r);
}
END_TEST

Suite *lesson03_suite(void)
{
    Suite *s = suite_create("lesson03");
    TCase *tc = tcase_create("run");
    tcase_set_timeout(tc, lesson_timeout(30));
    tcase_add_unchecked_fixture(tc, lesson_fixture_setup, lesson_fixture_teardown);
    tcase_add_test(tc, quick_run);
    tcase_add_test(tc, deeper_stack);
    tcase_add_test(tc, bad_input);
    suite_add_tcase(s, tc);
    tc = tcase_create("try_it_yourself");
    tcase_set_timeout(tc, lesson_timeout(90));
    tcase_add_unchecked_fixture(tc, lesson_fixture_setup, lesson_fixture_teardown);
    tcase_add_test(tc, try_it_yourself_flags);
    suite_add_tcase(s, tc);
    return s;
}
