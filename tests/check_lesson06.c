/* check_lesson06.c - lesson 06 (from one filter to a layer) runs in --quick
 * mode, holds every claim (weight sharing, locality, the parameter counts
 * of a conv and a dense layer, translation equivariance, the sum over
 * channels, the 1x1 convolution, the output-size formula) and writes every
 * picture it shows; each flag its "Try it yourself" names runs with every
 * claim held; a gray picture of the learner's own gives equal channels and
 * says so; bad flags and pictures are refused. Runs the real binary
 * (tests/lesson_run.h) with its outputs in a temporary folder. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <stb_image_write.h>

#include "tests/lesson_checks.h"
#include "tests/lesson_run.h"

#define L06 "06_conv_layer"

static const char *const sections[] = {
    "## One kernel at every position",
    "## What sharing saves: a conv layer against a dense layer",
    "## Shift the input, the map shifts",
    "## Three input channels",
    "## A 1x1 convolution mixes channels, pixel by pixel",
    "## One filter over three channels",
    "## How many parameters a conv layer has",
    "## Stride and padding: the size of the output",
    "## Try it yourself",
};

static const char *const claims[] = {
    "- ✔ the layer's map is the same 9 weights applied at all 4,096 positions",
    "- ✔ 6 output pixels change, all inside the 3x3 window around (32, 32)",
    "- ✔ the change around the pixel is the kernel turned by 180°",
    "| dense | all 784 inputs | 3,692,640 | 3,687,936 | the library's Dense |",
    "| convolution | its 5x5 window, the weights of its map | 156 | 117,600 | the library's Conv2d |",
    "- ✔ the library counts 156 parameters for the conv layer (6 maps x 5x5 weights + 6 biases) and 3,692,640 for "
    "the dense one (4,704 x 784 weights + 4,704 biases)",
    "- ✔ away from the borders (rows and columns 5 to 62) the map of the shifted picture equals the shifted map",
    "- ✔ the layer's maps equal the mixes computed pixel by pixel",
    "- ✔ a 1x1 convolution is a dense layer (3 → 2)",
    "- ✔ its first map is the gray picture the sections above used",
    "- ✔ the image reader the library uses (stb\\_image) makes gray the same way",
    "- ✔ the layer's output equals the sum of the three one-channel correlations",
    "| AlexNet conv1 | 3 | 96 | 11x11 | 34,944 | 34,944 |",
    "- ✔ the formula gives the library's count for all 7 layers",
    "out = floor((in + 2p − k) / s) + 1",
    "| 224 | 11 | 4 | 0 | 54 | 54x54 |",
    "| 224 | 11 | 4 | 2 | 55 | 55x55 |",
    "- ✔ the formula gives the output size of the library's conv layer in all 10 cases",
    "- ✔ the layer's backward pass sends no gradient to the pixels no window reads: none of the 25 on the left; on "
    "the right 15 of the 64, exactly the last row and column",
    "- ✔ shifting the picture by 2 pixels shifts the map by exactly 1",
};

static const char *const files[] = { "one_kernel.png", "equivariance.png", "channels.png", "one_by_one.png",
                                     "three_channel_filter.png", "stride_padding.png" };

static LessonExpect expect(void)
{
    return (LessonExpect){ sections, sizeof sections / sizeof *sections, claims, sizeof claims / sizeof *claims,
                           files, sizeof files / sizeof *files, 14, 6 };
}

START_TEST(quick_run)
{
    LessonRun r;
    const char *args[] = { "--quick", NULL };
    const LessonExpect e = expect();
    char *md = lesson_expect_run(&r, L06, args, &e);
    /* the colour photograph: red and green edges cancel in part, and a shift by 1 at stride 2 shows */
    ck_assert_msg(strstr(md, "the two responses cancel. What is left are the edges where red changes against green"),
                  "the colour filter's paragraph does not match the astronaut's measured cancellation");
    ck_assert_msg(strstr(md, "Shifting it by 1 pixel matches neither"), "the stride-2 shift by 1 is not described");
    free(md);
    lesson_run_free(&r);
}
END_TEST

/* Every flag "Try it yourself" names, run as a learner would (with --quick):
 * exit 0, every claim held. The names are read from the notebook itself. */
START_TEST(try_it_yourself)
{
    static const char *const runs[][3] = {
        { "--kernel", "sobel_y", "--kernel sobel\\_y" },   /* as the notebook escapes it */
        { "--kernel", "gaussian5", "--kernel gaussian5" },
        { "--shift", "12", "--shift 12" },
    };
    LessonRun r;
    const char *q[] = { "--quick", NULL };
    lesson_run(&r, L06, q);
    char *md = lesson_read_file(r.md, NULL);
    ck_assert_ptr_nonnull(md);
    const char *tiy = strstr(md, "## Try it yourself");
    ck_assert_ptr_nonnull(tiy);
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++)
        ck_assert_msg(strstr(tiy, runs[i][2]) != NULL, "\"Try it yourself\" does not name %s", runs[i][2]);
    ck_assert_msg(strstr(tiy, "--image") != NULL, "\"Try it yourself\" does not name --image");
    free(md);
    lesson_run_free(&r);
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        const char *args[] = { "--quick", runs[i][0], runs[i][1], NULL };
        lesson_run(&r, L06, args);
        ck_assert_msg(r.status == 0, "%s exited %d: %.500s", runs[i][2], r.status, r.err);
        md = lesson_read_file(r.md, NULL);
        ck_assert_ptr_nonnull(md);
        lesson_assert_all_passed(md, 14);
        lesson_check_images(&r, md);
        if (strcmp(runs[i][1], "gaussian5") == 0)
            ck_assert_msg(strstr(md, "25 output pixels change, all inside the 5x5 window"),
                          "a 5x5 kernel does not move a 5x5 block");
        if (strcmp(runs[i][1], "12") == 0)
            ck_assert_msg(strstr(md, "(rows and columns 12 to 62)"), "--shift 12 does not move the compared region");
        free(md);
        lesson_run_free(&r);
    }
}
END_TEST

/* A gray picture of one's own: its three channels are equal, so the colour
 * filter's output is 0 and the notebook says so; every claim still holds. */
START_TEST(own_gray_picture)
{
    LessonRun r;
    char dir[256];
    lesson_temp_dir(dir, sizeof dir, "cn_l06_img");
    char png[300];
    snprintf(png, sizeof png, "%s/mine.png", dir);
    enum { W = 90, H = 60 };
    static unsigned char px[W * H];
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            px[y * W + x] = (unsigned char)((x / 10 + y / 10) % 2 ? 220 : 30 + 2 * x);
    ck_assert(stbi_write_png(png, W, H, 1, px, W));
    const char *args[] = { "--quick", "--image", png, NULL };
    lesson_run(&r, L06, args);
    ck_assert_msg(r.status == 0, "exit status %d; stderr: %s", r.status, r.err);
    char *md = lesson_read_file(r.md, NULL);
    ck_assert_ptr_nonnull(md);
    lesson_assert_all_passed(md, 14);
    ck_assert_msg(strstr(md, "In this picture red and green are equal everywhere"),
                  "a gray picture's colour filter output is not said to vanish");
    ck_assert_msg(strstr(md, "This picture has three"), "the notebook still describes the astronaut");
    ck_assert_msg(strstr(md, "This picture is gray: its three channels are equal"), "a gray picture is not said to be gray");
    ck_assert_msg(strstr(md, "the 3,600 pixels"), "the 60x60 central square was not used at full size");
    lesson_check_images(&r, md);
    free(md);
    lesson_run_free(&r);
    lesson_temp_free(dir);
}
END_TEST

START_TEST(command_line)
{
    const char *flags[] = { "--quick", "--image", "--kernel", "--shift" };
    lesson_assert_cli(L06, flags, 4);
    lesson_assert_refused(L06, "--shift", "0");
    lesson_assert_refused(L06, "--shift", "17");
    LessonRun r;
    const char *big_shift[] = { "--shift", "17", NULL };
    lesson_run(&r, L06, big_shift);
    ck_assert_msg(r.status == 2, "--shift 17 exited %d, expected 2 (a bad command line)", r.status);
    lesson_run_free(&r);

    const char *bad_kernel[] = { "--kernel", "nope", NULL };
    lesson_run(&r, L06, bad_kernel);
    ck_assert_int_eq(r.status, 2);
    ck_assert_msg(strstr(r.err, "--kernel nope") && strstr(r.err, "sobel_x") && strstr(r.err, "gaussian5"),
                  "the message does not name the kernel and the valid ones: %s", r.err);
    struct stat sb;
    ck_assert_msg(stat(r.md, &sb) != 0, "a notebook was written before the flags were checked");
    lesson_run_free(&r);

    const char *missing[] = { "--image", "/nonexistent.png", NULL };
    lesson_run(&r, L06, missing);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "/nonexistent.png") && strstr(r.err, "No such file"), "unclear message: %s", r.err);
    lesson_run_free(&r);

    /* a picture too small for the lesson */
    char dir[256], png[300];
    lesson_temp_dir(dir, sizeof dir, "cn_l06_small");
    snprintf(png, sizeof png, "%s/tiny.png", dir);
    static unsigned char px[40 * 30 * 3];
    ck_assert(stbi_write_png(png, 40, 30, 3, px, 40 * 3));
    const char *tiny[] = { "--image", png, NULL };
    lesson_run(&r, L06, tiny);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "tiny.png is 40x30 pixels") && strstr(r.err, "at least 48x48"), "unclear message: %s",
                  r.err);
    lesson_run_free(&r);
    lesson_temp_free(dir);
}
END_TEST

Suite *lesson06_suite(void)
{
    Suite *s = suite_create("lesson06");
    TCase *run = tcase_create("run");
    tcase_set_timeout(run, lesson_timeout(60));
    tcase_add_unchecked_fixture(run, lesson_fixture_setup, lesson_fixture_teardown);
    tcase_add_test(run, quick_run);
    tcase_add_test(run, try_it_yourself);
    tcase_add_test(run, own_gray_picture);
    suite_add_tcase(s, run);
    TCase *cli = tcase_create("command_line");
    tcase_set_timeout(cli, lesson_timeout(30));
    tcase_add_unchecked_fixture(cli, lesson_fixture_setup, lesson_fixture_teardown);
    tcase_add_test(cli, command_line);
    suite_add_tcase(s, cli);
    return s;
}
