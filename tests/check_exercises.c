/* check_exercises.c - the exercises' checker can pass and can fail: the
 * solutions (tests/fixtures/exercises/, linked in as ex_*) pass every
 * exercise; blanks say "not written yet"; each deliberately wrong version
 * (tests/exercise_fixtures.c) is caught with its hint; a crash and an
 * endless loop end their exercise only, reported with the shape. Also the
 * learner's convolution layer in a network (lessons/kit/mine.h, and 07a's
 * check through the kit's gradient check) and the
 * "Your turn" of the lessons. */
#define _DEFAULT_SOURCE /* open_memstream */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/conv_layer.h"
#include "core/error.h"
#include "core/rng.h"
#include "lessons/kit/exercise_check.h"
#include "lessons/kit/mine.h"
#include "lessons/kit/your_turn.h"
#include "tests/exercise_fixtures.h"
#include "tests/lesson_run.h"

static ExResult res[EXERCISE_COUNT];
static char *text;

/* Run the checker on set (the exercises `which` names), the report into text. */
static int run(const ExerciseSet *set, const char *which, double timeout_s)
{
    size_t len = 0;
    free(text);
    text = NULL;
    FILE *out = open_memstream(&text, &len);
    ck_assert_ptr_nonnull(out);
    const ExCheckOpts o = { .which = which, .timeout_s = timeout_s };
    const int bad = exercise_check(set, &o, res, out);
    fclose(out);
    return bad;
}

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle)) n++;
    return n;
}

START_TEST(solutions_pass)
{
    const ExerciseSet set = EXERCISE_SET_OF_EX;
    ck_assert_int_eq(run(&set, NULL, 10), 0);
    for (int i = 0; i < EXERCISE_COUNT; i++) {
        ck_assert_msg(res[i].outcome == EX_PASSED, "%s: %s", exercise_info[i].id, text);
        ck_assert_int_ge(res[i].shapes, 3);
        ck_assert(res[i].worst <= 1e-3);
    }
    /* every backward was held to central differences too */
    const char *backward[] = { "04b", "04d", "07a", "07c", "07d", "07e", "08a" };
    for (int k = 0; k < 7; k++) ck_assert_int_gt(res[exercise_find(backward[k])].fd_checked, 0);
    ck_assert_int_eq(count(text, " passed "), EXERCISE_COUNT);
    ck_assert_ptr_nonnull(strstr(text, "20 passed, 0 not written yet, 0 wrong, 0 crashed (of 20)"));
}
END_TEST

START_TEST(blanks_not_written)
{
    const ExerciseSet set = blank_set();
    ck_assert_int_eq(run(&set, NULL, 10), 0); /* not started is not wrong */
    for (int i = 0; i < EXERCISE_COUNT; i++) ck_assert_int_eq(res[i].outcome, EX_NOT_WRITTEN);
    ck_assert_int_eq(count(text, "not written yet  lessons/exercises/"), EXERCISE_COUNT);
}
END_TEST

/* One wrong version in place of the solution of exercise `id`: caught, with
 * the hint expected. */
static void caught(const char *id, ExerciseSet set, ExHint h, const char *words)
{
    const int i = exercise_find(id);
    ck_assert_int_ge(i, 0);
    ck_assert_int_eq(run(&set, id, 10), 1);
    ck_assert_msg(res[i].outcome == EX_WRONG, "%s: %s", id, text);
    ck_assert_msg(res[i].hint == h, "%s: hint %d, expected %d: %s", id, res[i].hint, h, text);
    ck_assert_msg(strstr(res[i].hint_text, words) != NULL, "%s: no \"%s\" in %s", id, words, res[i].hint_text);
    ck_assert_ptr_nonnull(strstr(text, "hint: "));
    ck_assert_ptr_nonnull(strstr(text, "WRONG"));
    ck_assert_ptr_nonnull(strstr(text, "largest relative error"));
    ck_assert_ptr_nonnull(strstr(text, "on shape "));
}

/* The solutions with exercise `id`'s function `field` replaced by fn. */
#define CAUGHT(id, field, fn, h, words)                                                                          \
    do {                                                                                                         \
        ExerciseSet s = EXERCISE_SET_OF_EX;                                                                      \
        s.field = fn;                                                                                            \
        caught(id, s, h, words);                                                                                 \
    } while (0)

START_TEST(wrong_versions_caught_with_their_hint)
{
    CAUGHT("02b", convolve1d, wrong_convolve1d_not_flipped, EX_HINT_NOT_FLIPPED, "the kernel is not flipped");
    CAUGHT("01a", correlate2d, wrong_correlate2d_flipped, EX_HINT_FLIPPED, "the kernel is flipped");
    CAUGHT("02a", correlate1d, wrong_correlate1d_short, EX_HINT_SIZE, "output size is off by one");
    CAUGHT("06a", correlate2d_strided, wrong_correlate2d_strided_wide, EX_HINT_SIZE, "output size is off by one");
    CAUGHT("07d", relu_backward, wrong_relu_backward_overwrites, EX_HINT_OVERWRITTEN,
           "overwritten instead of accumulated");
    CAUGHT("07a", conv_backward, wrong_conv_backward_overwrites, EX_HINT_OVERWRITTEN, "dw held numbers before the call");
    CAUGHT("04b", maxpool_backward, wrong_maxpool_backward_all_ties, EX_HINT_TIES, "went to every tied input");
    CAUGHT("04b", maxpool_backward, wrong_maxpool_backward_last_tie, EX_HINT_TIES,
           "went to the last of the tied maxima");
    CAUGHT("07e", softmax_ce_grad, wrong_softmax_ce_grad_no_batch, EX_HINT_BATCH, "not divided by the batch");
    CAUGHT("08a", scaled_tanh_backward, wrong_scaled_tanh_backward_plain, EX_HINT_TANH_SCALE, "f'(a) = A S");
}
END_TEST

START_TEST(crash_and_endless_loop_end_their_exercise_only)
{
    ExerciseSet s = EXERCISE_SET_OF_EX;
    s.maxpool_forward = crash_maxpool_forward;
    s.correlate1d = endless_correlate1d;
    ck_assert_int_eq(run(&s, NULL, 1), 2);
    const int a = exercise_find("04a"), b = exercise_find("02a");
    ck_assert_int_eq(res[a].outcome, EX_CRASHED);
    ck_assert_msg(strstr(res[a].shape, "K 3") != NULL, "%s", res[a].shape);
    ck_assert_msg(strstr(res[a].detail, "signal") != NULL || strstr(res[a].detail, "exit") != NULL, "%s",
                  res[a].detail);
    ck_assert_int_eq(res[b].outcome, EX_CRASHED);
    ck_assert_msg(strstr(res[b].detail, "did not finish within 1 s") != NULL, "%s", res[b].detail);
    ck_assert_msg(strstr(res[b].shape, "x (7)") != NULL, "%s", res[b].shape);
    for (int i = 0; i < EXERCISE_COUNT; i++)
        if (i != a && i != b) ck_assert_msg(res[i].outcome == EX_PASSED, "%s: %s", exercise_info[i].id, text);
    ck_assert_int_eq(count(text, "CRASHED"), 2);
    ck_assert_ptr_nonnull(strstr(text, "18 passed, 0 not written yet, 0 wrong, 2 crashed (of 20)"));
}
END_TEST

/* 07a's network check on its own: the solution passes, a wrong db fails. */
START_TEST(conv_layer_in_a_network)
{
    ExerciseSet s = EXERCISE_SET_OF_EX;
    ExResult r = { .outcome = EX_PASSED };
    exercise_conv_in_network(&s, &r);
    ck_assert_msg(r.outcome == EX_PASSED, "%s", r.detail);
    ck_assert_int_gt(r.fd_checked, 20);
    ck_assert(r.fd_worst < 1e-2);
    s.conv_backward = wrong_conv_backward_db_halved;
    exercise_conv_in_network(&s, &r);
    ck_assert_int_eq(r.outcome, EX_WRONG);
    ck_assert_msg(strstr(r.detail, "in a network") && strstr(r.detail, "dL/db"), "%s", r.detail);
    ck_assert_int_eq(conv_loops(), CONV_LOOPS_FAST); /* the network's loops are given back */
}
END_TEST

START_TEST(names_select_exercises)
{
    ck_assert_int_eq(exercise_count_matching(NULL), EXERCISE_COUNT);
    ck_assert_int_eq(exercise_count_matching("04"), 4);
    ck_assert_int_eq(exercise_count_matching("4b"), 1);
    ck_assert(exercise_matches(exercise_find("04b"), "4b"));
    ck_assert_int_eq(exercise_count_matching("maxpool"), 2);
    ck_assert_int_eq(exercise_count_matching("07a_conv"), 1);
    ck_assert_int_eq(exercise_count_matching("zzz"), 0);
    ck_assert_int_eq(exercise_find("zzz"), -1);
    const ExerciseSet set = EXERCISE_SET_OF_EX;
    ck_assert_int_eq(run(&set, "zzz", 10), -1);
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "no exercise is called zzz"));
    ck_assert_int_eq(run(&set, "04", 10), 0);
    ck_assert_int_eq(count(text, " passed "), 4);
}
END_TEST

START_TEST(your_turn_names_exercises_and_command)
{
    char list[2048], cmd[1024];
    ck_assert(your_turn_text(list, sizeof list, cmd, sizeof cmd, "04_pooling"));
    for (const char *w = "abcd"; *w; w++) {
        char f[32];
        snprintf(f, sizeof f, "- 04%c_", *w);
        ck_assert_msg(strstr(list, f) != NULL, "%s", list);
    }
    ck_assert_ptr_nonnull(strstr(cmd, "Check them with one command: make exercise N=04."));
    ck_assert(your_turn_text(list, sizeof list, cmd, sizeof cmd, "08_lenet"));
    ck_assert_ptr_nonnull(strstr(list, "08a_scaled_tanh_backward.c"));
    ck_assert_ptr_nonnull(strstr(cmd, "Check it with one command: make exercise N=08."));
    ck_assert_ptr_nonnull(strstr(cmd, "build/exercises/08_lenet --quick --mine"));
    ck_assert(your_turn_text(list, sizeof list, cmd, sizeof cmd, "10_hand_vs_learned"));
    ck_assert_ptr_nonnull(strstr(cmd, "make exercises."));
    ck_assert(!your_turn_text(list, sizeof list, cmd, sizeof cmd, "99_none"));
}
END_TEST

/* The learner's layer (the solutions) through the adapter equals the
 * reference loops, groups and a connection table included. */
START_TEST(mine_loops_run_the_layer)
{
    const MineConv m = { ex_conv_forward, ex_conv_backward, "the solutions" };
    mine_register(&m);
    conv_set_loops(CONV_LOOPS_MINE);
    ck_assert_int_eq(conv_loops(), CONV_LOOPS_MINE);
    ck_assert_ptr_nonnull(strstr(conv_loops_name(), "the solutions"));
    const Conv2dGeom one = { .B = 1, .C = 1, .H = 3, .W = 3, .OC = 1, .OH = 1, .OW = 1, .KH = 3, .KW = 3, .sh = 1,
                             .sw = 1, .groups = 1, .op = CONV_OP_CORRELATE };
    const ConvPaths paths = conv2d_paths(&one, NULL);
    ck_assert(paths.fwd == CONV_PATH_MINE && paths.dx == CONV_PATH_MINE && paths.dw == CONV_PATH_MINE);
    ck_assert_str_eq(conv_path_name(CONV_PATH_MINE), "mine");
    Rng r;
    rng_seed(&r, 7, 1);
    for (int v = 0; v < 3; v++) {
        /* plain; two groups; LeNet-5's C3 table */
        const Conv2dGeom g = { .B = 2, .C = 6, .H = 9, .W = 8, .OC = v == 2 ? 16 : 4, .OH = 5, .OW = 4, .KH = 5,
                               .KW = 5, .sh = 1, .sw = 1, .pt = v == 0 ? 0 : 0, .pl = 0, .groups = v == 1 ? 2 : 1,
                               .op = CONV_OP_CORRELATE };
        const unsigned char *table = v == 2 ? conv2d_lenet5_c3_table() : NULL;
        const size_t nx = 2 * 6 * 9 * 8, nw = (size_t)g.OC * (6 / g.groups) * 25, ny = (size_t)2 * g.OC * 20;
        float *x = calloc(nx, 4), *w = calloc(nw, 4), *b = calloc((size_t)g.OC, 4), *dy = calloc(ny, 4);
        float *y[2], *dx[2], *dw[2], *db[2];
        for (size_t i = 0; i < nx; i++) x[i] = rng_range(&r, -1, 1);
        for (size_t i = 0; i < nw; i++) w[i] = rng_range(&r, -1, 1);
        if (table)
            for (int o = 0; o < g.OC; o++)
                for (int j = 0; j < 6; j++)
                    if (!table[o * 6 + j]) memset(w + (o * 6 + j) * 25, 0, 25 * sizeof(float));
        for (int i = 0; i < g.OC; i++) b[i] = rng_range(&r, -1, 1);
        for (size_t i = 0; i < ny; i++) dy[i] = rng_range(&r, -1, 1);
        for (int k = 0; k < 2; k++) {
            y[k] = calloc(ny, 4), dx[k] = calloc(nx, 4), dw[k] = calloc(nw, 4), db[k] = calloc((size_t)g.OC, 4);
            if (k == 0) {
                conv2d_forward(y[k], x, w, b, table, &g);
                conv2d_backward(dx[k], dw[k], db[k], dy, x, w, table, &g);
            } else {
                conv2d_forward_naive(y[k], x, w, b, table, &g);
                conv2d_backward_naive(dx[k], dw[k], db[k], dy, x, w, table, &g);
            }
        }
        for (size_t i = 0; i < ny; i++) ck_assert_float_eq_tol(y[0][i], y[1][i], 1e-4f);
        for (size_t i = 0; i < nx; i++) ck_assert_float_eq_tol(dx[0][i], dx[1][i], 1e-4f);
        for (size_t i = 0; i < nw; i++) ck_assert_float_eq_tol(dw[0][i], dw[1][i], 1e-4f);
        for (int i = 0; i < g.OC; i++) ck_assert_float_eq_tol(db[0][i], db[1][i], 1e-4f);
        /* the first layer asks for no dx: the learner's backward still runs */
        memset(dw[0], 0, nw * sizeof(float));
        conv2d_backward(NULL, dw[0], NULL, dy, x, w, table, &g);
        for (size_t i = 0; i < nw; i++) ck_assert_float_eq_tol(dw[0][i], dw[1][i], 1e-4f);
        for (int k = 0; k < 2; k++) free(y[k]), free(dx[k]), free(dw[k]), free(db[k]);
        free(x), free(w), free(b), free(dy);
    }
    long mine = 0, ref = 0;
    mine_calls(&mine, &ref);
    ck_assert_int_eq(mine, 9);
    ck_assert_int_eq(ref, 0);
    /* a true convolution is not theirs: the reference loops run it */
    const Conv2dGeom g = { .B = 1, .C = 1, .H = 3, .W = 3, .OC = 1, .OH = 1, .OW = 1, .KH = 3, .KW = 3, .sh = 1,
                           .sw = 1, .groups = 1, .op = CONV_OP_CONVOLVE };
    float x[9] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, k[9] = { 1, 0, 0, 0, 0, 0, 0, 0, 0 }, b0 = 0, y = 0;
    conv2d_forward(&y, x, k, &b0, NULL, &g);
    ck_assert_float_eq(y, 9.0f);
    mine_calls(&mine, &ref);
    ck_assert_int_eq(ref, 1);
    mine_register(NULL);
    ck_assert_int_eq(conv_loops(), CONV_LOOPS_FAST);
}
END_TEST

START_TEST(mine_in_env_needs_loops)
{
    mine_register(NULL);
    setenv("CONVNET_LOOPS", "mine", 1);
    ck_assert_int_eq(conv_loops_from_env(), -1);
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "CONVNET_LOOPS=mine"));
    ck_assert_int_eq(conv_loops(), CONV_LOOPS_FAST);
    const MineConv m = { ex_conv_forward, ex_conv_backward, "the solutions" };
    mine_register(&m);
    ck_assert_int_eq(conv_loops_from_env(), 0);
    ck_assert_int_eq(conv_loops(), CONV_LOOPS_MINE);
    mine_register(NULL);
    unsetenv("CONVNET_LOOPS");
}
END_TEST

/* The lessons built by make build have no loops of the learner's: --mine
 * says where to find a program that has. */
START_TEST(mine_refused_without_loops)
{
    LessonRun r;
    const char *mine[] = { "--mine", NULL };
    lesson_run(&r, "08_lenet", mine);
    ck_assert_int_eq(r.status, 2);
    ck_assert_msg(strstr(r.err, "make exercises") && strstr(r.err, "build/exercises/08_lenet --quick --mine"), "%s",
                  r.err);
    lesson_run_free(&r);
    const char *both[] = { "--naive", "--mine", NULL };
    lesson_run(&r, "08_lenet", both);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "--naive and --mine contradict each other"));
    lesson_run_free(&r);
}
END_TEST

Suite *exercises_suite(void)
{
    Suite *s = suite_create("exercises");
    TCase *tc = tcase_create("checker");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, solutions_pass);
    tcase_add_test(tc, blanks_not_written);
    tcase_add_test(tc, wrong_versions_caught_with_their_hint);
    tcase_add_test(tc, crash_and_endless_loop_end_their_exercise_only);
    tcase_add_test(tc, conv_layer_in_a_network);
    tcase_add_test(tc, names_select_exercises);
    tcase_add_test(tc, your_turn_names_exercises_and_command);
    tcase_add_test(tc, mine_loops_run_the_layer);
    tcase_add_test(tc, mine_in_env_needs_loops);
    tcase_add_test(tc, mine_refused_without_loops);
    suite_add_tcase(s, tc);
    return s;
}
