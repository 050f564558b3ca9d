/* check_lesson11.c - lesson 11 (what the trained networks look at) runs in
 * --quick mode without any saved model (it trains tiny ones into its output
 * folder), writes every picture and plot it shows, and holds every claim:
 * the saliency maps' gradients agree with central differences; hiding the
 * most salient square lowers the true class's probability more than a
 * random square, over many pictures; the fast gradient sign at the largest
 * size lowers every network's accuracy; every class picture's score rises
 * during its ascent; the effective field lies inside the theoretical one.
 * The accuracy curve's data is read back and held to the claims; a second
 * run reuses the models with the flag "Try it yourself" names; bad flags
 * are refused. Runs the real binary (tests/lesson_run.h) with its outputs
 * in a temporary folder. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/lesson_checks.h"
#include "tests/lesson_run.h"

#define L11 "11_what_they_see"

static const char *const sections[] = {
    "## The question",
    "## The trained networks",
    "## Saliency: which pixels the score depends on",
    "## Occlusion: hide a part, watch the answer",
    "## Hiding the most salient square",
    "## What a map answers to, layer by layer",
    "## A picture of each class",
    "## Pictures that fool the network",
    "## The effective receptive field",
    "## What the networks look at",
    "## Try it yourself",
};

static const char *const claims[] = {
    "- ✔ every network works:",
    "- ✔ modern, Fashion, dS/dpixel: ",
    "- ✔ classic, MNIST, dS/dpixel: ",
    "- ✔ modern LeNet-5, MNIST sample: hiding the most salient square lowers the true class's probability",
    "- ✔ modern LeNet-5, Fashion-MNIST: hiding the most salient square lowers the true class's probability",
    "- ✔ modern LeNet-5, MNIST sample: the score of every class rose during its ascent (10 of 10)",
    "- ✔ modern LeNet-5, Fashion-MNIST: the score of every class rose during its ascent (10 of 10)",
    "- ✔ AlexNet-mini, Fashion-MNIST: the score of every class rose during its ascent (10 of 10)",
    "- ✔ modern LeNet-5, MNIST sample: the fast gradient sign at ε = 0.25 lowers the accuracy",
    "- ✔ classic LeNet-5, MNIST sample: the fast gradient sign at ε = 0.25 lowers the accuracy",
    "- ✔ modern LeNet-5, Fashion-MNIST: the fast gradient sign at ε = 0.25 lowers the accuracy",
    "- ✔ classic LeNet-5, Fashion-MNIST: the fast gradient sign at ε = 0.25 lowers the accuracy",
    "- ✔ AlexNet-mini, Fashion-MNIST: the fast gradient sign at ε = 0.25 lowers the accuracy",
    "- ✔ for every layer, all of the gradient falls inside the theoretical field",
    "lesson 08 has not saved",
    "lesson 09 has not saved",
    "core/net.c, lines",
};

static const char *const files[] = {
    "saliency.png",       "patches_C1.png", "patches_C3.png", "patches_conv2.png", "patches_conv5.png",
    "class_pictures.png", "ascent.png",     "fgsm.png",       "fooled.png",        "effective_field.png",
};

/* The data rows of fgsm.dat: ε, then the accuracy of the five networks. */
static int read_fgsm(const char *path, double v[][6], int most)
{
    char *dat = lesson_read_file(path, NULL);
    ck_assert_msg(dat != NULL, "%s was not written", path);
    int rows = 0;
    for (char *line = strtok(dat, "\n"); line && rows < most; line = strtok(NULL, "\n")) {
        double *r = v[rows];
        if (sscanf(line, "%lf %lf %lf %lf %lf %lf", &r[0], &r[1], &r[2], &r[3], &r[4], &r[5]) == 6) rows++;
    }
    free(dat);
    return rows;
}

START_TEST(quick_run)
{
    unsetenv("CONVNET_MODELS");
    LessonRun r;
    const char *args[] = { "--quick", NULL };
    LessonExpect e = { sections, sizeof sections / sizeof *sections, claims, sizeof claims / sizeof *claims,
                       files, sizeof files / sizeof *files, 14, 10 };
    char *md = lesson_expect_run(&r, L11, args, &e);

    /* the accuracy curve: 9 sizes from 0 to 0.25, each network lower at the largest than at 0 */
    char path[1200];
    double v[16][6];
    snprintf(path, sizeof path, "%s/fgsm.dat", r.outdir);
    ck_assert_int_eq(read_fgsm(path, v, 16), 9);
    ck_assert(v[0][0] == 0.0 && v[8][0] > 0.249 && v[8][0] < 0.251);
    for (int k = 1; k <= 5; k++) {
        ck_assert_msg(v[0][k] > 0.1 && v[0][k] <= 1.0, "network %d: accuracy %g at ε = 0", k, v[0][k]);
        ck_assert_msg(v[8][k] < v[0][k], "network %d: %g at ε = 0.25, %g at 0", k, v[8][k], v[0][k]);
    }
    /* the ascent's data: steps 0..60 of three curves starting at 0 */
    snprintf(path, sizeof path, "%s/ascent.dat", r.outdir);
    char *asc = lesson_read_file(path, NULL);
    ck_assert_ptr_nonnull(asc);
    ck_assert_msg(strstr(asc, "\n 0 0 0 0\n") != NULL,
                  "the ascent's curves do not start at 0");
    free(asc);
    /* the models it trained are in the output folder, under this lesson's names */
    static const char *const stems[5] = { "lenet5_modern_mnist", "lenet5_classic_mnist", "lenet5_modern_fashion",
                                          "lenet5_classic_fashion", "alexnet_mini_fashion" };
    for (int i = 0; i < 5; i++) {
        snprintf(path, sizeof path, "%s/models/lesson11_%s.cnn", r.outdir, stems[i]);
        ck_assert_msg(access(path, R_OK) == 0, "%s was not saved", path);
    }
    free(md);

    /* A second run with those models as CONVNET_MODELS's quick folder and
     * the flag "Try it yourself" names: nothing is trained again, every
     * claim holds, and the section names no flag that is not run here. */
    char env[1100], models[1200], from[1300];
    snprintf(env, sizeof env, "%s/m", r.outdir);
    ck_assert_int_eq(mkdir(env, 0755), 0);
    snprintf(from, sizeof from, "%s/models", r.outdir);
    snprintf(models, sizeof models, "%s/quick", env);
    ck_assert_int_eq(rename(from, models), 0);
    setenv("CONVNET_MODELS", env, 1);
    LessonRun r2;
    const char *try_args[] = { "--quick", "--pictures", "150", NULL };
    char *md2 = lesson_expect_run(&r2, L11, try_args, &e);
    unsetenv("CONVNET_MODELS");
    ck_assert_msg(strstr(md2, "so this lesson trains one now") == NULL, "the second run trained a model again");
    ck_assert_int_eq(lesson_count(md2, "which an earlier run of this lesson trained in its place"), 5);
    ck_assert_msg(strstr(md2, "over 150 pictures") != NULL, "--pictures 150 was not used");
    static const char *const tested[] = { "pictures" };
    lesson_assert_try_it(md2, tested, 1);
    free(md2);
    lesson_run_free(&r2);
    lesson_run_free(&r);
}
END_TEST

START_TEST(command_line)
{
    const char *flags[] = { "--quick", "--pictures", "--naive" };
    lesson_assert_cli(L11, flags, 3);
    lesson_assert_refused(L11, "--pictures", "50");
    lesson_assert_refused(L11, "--pictures", "20000");
}
END_TEST

START_TEST(wrong_image_shape)
{
    const char *const args[] = { "--quick", NULL };
    lesson_assert_wrong_shape(L11, "fashion-mnist", args);
}
END_TEST

Suite *lesson11_suite(void)
{
    Suite *s = suite_create("lesson11");
    TCase *run = tcase_create("run");
    tcase_add_unchecked_fixture(run, lesson_fixture_setup, lesson_fixture_teardown);
    tcase_set_timeout(run, lesson_timeout(600)); /* two quick runs: under a minute on a quiet machine */
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
