/* check_lesson05.c - lesson 05 (learning a filter) runs in --quick mode,
 * recovers every kernel, shows the 180-degree rotation with Sobel, holds
 * every claim and writes every picture and plot it shows; its loss data end
 * near zero and the kernel it prints for convolved examples is -Sobel x;
 * with --naive it holds the same claims on the reference loops and says so;
 * it computes the loss's curvatures (the 9x9 Hessian) on raw and centred
 * pixels; every flag its "Try it yourself" names runs to exit 0 without a
 * ✘; bad flags are refused with exit status 2. Runs the real binary (tests/lesson_run.h) with its
 * outputs in a temporary folder. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/explore.h"
#include "tests/lesson_checks.h"
#include "tests/lesson_run.h"

#define L05 "05_learn_filter"

static const char *const sections[] = {
    "## The examples",
    "## The model, the loss and its gradient",
    "## Learning the seed's six kernels and Sobel",
    "## Why centre the pixels?",
    "## Convolution or correlation: which kernel did it learn?",
    "## Try it yourself",
};

static const char *const claims[] = {
    "dL/dy_i = (y_i − t_i) / n",
    "- ✔ at a random start, learning edge detection (3), the sum above for w\\[0\\]\\[2\\] gives",
    "- ✔ identity recovered:", "- ✔ edge detection (1) recovered:", "- ✔ edge detection (2) recovered:",
    "- ✔ edge detection (3) recovered:", "- ✔ sharpen recovered:", "- ✔ box blur (normalized) recovered:",
    "- ✔ Sobel x recovered:", "- ✔ every loss fell by a factor of at least",
    "- ✔ after 600 steps the raw-pixel layer is still",
    "| condition number λ1/λ9 |",
    "- ✔ on raw pixels the steepest direction is all nine weights moving together (cosine",
    "- ✔ centring lowers the steepest curvature from",
    "- ✔ but centring does not make every direction equally curved: the condition number is still",
    "So subtracting the mean does not remove the steep direction",
    "- ✔ all six seed kernels equal their own 180° rotation, and rot180(Sobel x) = −Sobel x exactly",
    "| cross-correlation | correlate | Sobel x |",
    "| cross-correlation | convolve | rot180(Sobel x) = −Sobel x |",
    "| true convolution | correlate | rot180(Sobel x) = −Sobel x |",
    "| true convolution | convolve | Sobel x |",
    "- ✔ examples by cross-correlation, correlate layer: it learns Sobel x itself",
    "- ✔ examples by cross-correlation, convolve layer: it learns rot180(Sobel x) = −Sobel x",
    "- ✔ examples by true convolution, correlate layer: it learns rot180(Sobel x) = −Sobel x",
    "- ✔ examples by true convolution, convolve layer: it learns Sobel x itself",
};

static const char *const files[] = { "examples.png", "loss_curves.png", "kernels.png", "centring.png" };

START_TEST(quick_run)
{
    LessonRun r;
    const char *args[] = { "--quick", NULL };
    LessonExpect e = { sections, sizeof sections / sizeof *sections, claims, sizeof claims / sizeof *claims,
                       files, sizeof files / sizeof *files, 18, 4 };
    char *md = lesson_expect_run(&r, L05, args, &e);
    ck_assert_msg(strstr(md, "every direction is then about equally curved") == NULL,
                  "the notebook still says centring makes every direction equally curved");
    /* the condition numbers in the table: raw above centred, centred still far above 1 */
    const char *cn = strstr(md, "| condition number λ1/λ9 |");
    double kr = 0.0, kc = 0.0;
    ck_assert_msg(cn && sscanf(cn + strlen("| condition number λ1/λ9 |"), " %lf | %lf", &kr, &kc) == 2,
                  "cannot read the condition numbers");
    ck_assert_msg(kr > kc && kc > 50.0, "condition numbers %g (raw) and %g (centred)", kr, kc);

    /* the kernel printed for convolved examples learned by a correlating
     * layer: its rows are the first bracket of the three lines after the header */
    const char *p = strstr(md, "learned (correlate layer)");
    ck_assert_msg(p != NULL, "the notebook does not print the kernel learned from convolved examples");
    static const float want[9] = { 1, 0, -1, 2, 0, -2, 1, 0, -1 }; /* rot180(Sobel x) = -Sobel x */
    for (int row = 0; row < 3; row++) {
        p = strchr(p, '\n');
        ck_assert_ptr_nonnull(p);
        p++;
        float a, b, c;
        ck_assert_msg(sscanf(p, "[ %f %f %f ]", &a, &b, &c) == 3, "cannot read row %d near \"%.40s\"", row, p);
        const float got[3] = { a, b, c };
        for (int col = 0; col < 3; col++)
            ck_assert_msg(fabsf(got[col] - want[row * 3 + col]) < 1e-3f, "learned[%d][%d] = %g, expected %g", row, col,
                          (double)got[col], (double)want[row * 3 + col]);
    }

    /* the loss curves: a log-scale plot, seven kernels, every loss far below its start at the end */
    char path[1024];
    snprintf(path, sizeof path, "%s/loss_curves.dat", r.outdir);
    char *dat = lesson_read_file(path, NULL);
    ck_assert_msg(dat != NULL, "%s was not written", path);
    ck_assert_msg(strncmp(dat, "# draw: gnuplot -e", 18) == 0 && strstr(dat, "logy=1") != NULL,
                  "the data file does not start with the command that draws it on a log scale");
    const char *last = dat + strlen(dat);
    while (last > dat && last[-1] == '\n') last--;
    while (last > dat && last[-1] != '\n') last--;
    const char *hdr = strstr(dat, "\n\"gradient step\"");
    ck_assert_msg(hdr != NULL, "the data file has no header row");
    const char *first = strchr(hdr + 1, '\n');
    ck_assert_ptr_nonnull(first);
    first++;
    char *q = (char *)first, *s = (char *)last;
    double step0 = strtod(q, &q), stepn = strtod(s, &s);
    ck_assert_msg(step0 == 0.0 && stepn == 600.0, "the curves run from step %g to %g, expected 0 to 600", step0, stepn);
    for (int k = 0; k < 7; k++) {
        double l0 = strtod(q, &q), ln = strtod(s, &s);
        ck_assert_msg(l0 > 1e-4 && ln < 1e-9 && ln < 1e-6 * l0, "kernel %d: loss %g at the start, %g at the end", k,
                      l0, ln);
    }
    free(dat);
    free(md);
    lesson_run_free(&r);
}
END_TEST

/* --naive: the same lesson on the reference loops of core/conv_layer.c
 * holds every claim (the sums agree up to rounding) and its notebook names
 * the loops it ran on. */
START_TEST(naive_run)
{
    LessonRun r;
    const char *args[] = { "--quick", "--naive", NULL };
    LessonExpect e = { sections, sizeof sections / sizeof *sections, claims, sizeof claims / sizeof *claims,
                       files, sizeof files / sizeof *files, 18, 4 };
    char *md = lesson_expect_run(&r, L05, args, &e);
    ck_assert_msg(strstr(md, "ran on the naive (reference) loops of core/conv\\_layer.c") != NULL,
                  "the notebook of a --naive run does not say it ran on the naive loops");
    free(md);
    lesson_run_free(&r);
}
END_TEST

/* Every flag "Try it yourself" names, as it names them: exit 0, no ✘; the
 * claims the settings do not reach are said to be not reached. */
START_TEST(try_it_yourself)
{
    const char *few[] = { "--steps", "100", NULL };
    char *md = lesson_assert_explores(L05, few);
    ck_assert_msg(strstr(md, "◦ not reached with these settings: identity recovered") != NULL,
                  "100 steps: the unreached recovery is not said to be unreached");
    ck_assert_msg(strstr(md, "not reached with these settings (marked ◦)") != NULL, "no count of unreached claims");
    free(md);
    const char *plain[] = { "--quick", "--momentum", "0", NULL };
    free(lesson_assert_explores(L05, plain));
    const char *plain_long[] = { "--momentum", "0", "--steps", "5000", NULL };
    free(lesson_assert_explores(L05, plain_long));
    /* the limit the notebook names, and a step just above it: the loss blows up, still exit 0 */
    const char *q[] = { "--quick", NULL };
    md = lesson_assert_explores(L05, q);
    const char *at = strstr(md, "just above it");
    ck_assert_ptr_nonnull(at);
    const char *t = strstr(md, "try --lr ");
    ck_assert_msg(t != NULL && t < at, "Try it yourself names no --lr to try");
    char lr[16];
    ck_assert(sscanf(t + strlen("try --lr "), "%15[0-9.]", lr) == 1);
    free(md);
    const char *big[] = { "--quick", "--lr", lr, NULL };
    md = lesson_assert_explores(L05, big);
    ck_assert_msg(strstr(md, "At least one loss blew up") != NULL, "--lr %s did not blow up", lr);
    free(md);
    const char *small[] = { "--quick", "--lr", "3", NULL };
    md = lesson_assert_explores(L05, small);
    ck_assert_msg(strstr(md, "◦ not reached") == NULL, "--lr 3 missed a claim");
    free(md);
    /* your own picture */
    md = lesson_assert_explores_picture(L05, 120, 90);
    ck_assert_msg(strstr(md, "| condition number λ1/λ9 |") != NULL, "no curvatures for the own picture");
    free(md);
}
END_TEST

START_TEST(command_line)
{
    const char *flags[] = { "--quick", "--steps", "--lr", "--momentum", "--image", "--naive" };
    lesson_assert_cli(L05, flags, 6);

    LessonRun r;
    static const char *const bad[][2] = { { "--steps", "5" }, { "--steps", "0" }, { "--steps", "many" }, { "--lr", "0" },
                                          { "--lr", "-1" }, { "--lr", "inf" }, { "--momentum", "1" },
                                          { "--momentum", "-0.1" } };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        const char *args[] = { bad[i][0], bad[i][1], NULL };
        lesson_run(&r, L05, args);
        ck_assert_msg(r.status == 2, "%s %s exited %d, expected 2", bad[i][0], bad[i][1], r.status);
        ck_assert_msg(strstr(r.err, bad[i][0]) != NULL, "the message does not name %s: %s", bad[i][0], r.err);
        lesson_run_free(&r);
    }
    const char *small[] = { "--quick", "--image", "/nonexistent.png", NULL };
    lesson_run(&r, L05, small);
    ck_assert_msg(r.status != 0 && strstr(r.err, "/nonexistent.png") != NULL, "a missing --image: status %d, %s",
                  r.status, r.err);
    lesson_run_free(&r);
}
END_TEST

Suite *lesson05_suite(void)
{
    Suite *s = suite_create("lesson05");
    TCase *run = tcase_create("run");
    tcase_set_timeout(run, lesson_timeout(60));
    tcase_add_test(run, quick_run);
    tcase_add_test(run, naive_run);
    suite_add_tcase(s, run);
    TCase *explore = tcase_create("try_it_yourself");
    tcase_set_timeout(explore, lesson_timeout(120));
    tcase_add_unchecked_fixture(explore, lesson_fixture_setup, lesson_fixture_teardown);
    tcase_add_test(explore, try_it_yourself);
    suite_add_tcase(s, explore);
    TCase *cli = tcase_create("command_line");
    tcase_set_timeout(cli, lesson_timeout(30));
    tcase_add_test(cli, command_line);
    suite_add_tcase(s, cli);
    return s;
}
