/* check_first_layer.c - the lesson kit's first-layer machinery
 * (lessons/kit/first_layer.h) and chance levels (lessons/kit/matches.h):
 * the binomial tail, a score above a level at 3 decimals, the
 * hand-designed layers, Sobel at other angles, the ranking, and the chance
 * levels of a set of filters. */
#include <check.h>
#include <math.h>
#include <string.h>

#include "core/kernels.h"
#include "core/match.h"
#include "lessons/kit/first_layer.h"
#include "lessons/kit/matches.h"

static void expect_near(double got, double want, double tol, const char *what)
{
    ck_assert_msg(fabs(got - want) <= tol, "%s: got %.12g, want %.12g", what, got, want);
}

START_TEST(binomial_and_levels)
{
    /* P(X >= 0) = 1; P(X >= 1) = 1 - (1 - p)^n; P(X >= n) = p^n */
    expect_near(binomial_tail(0, 48, 0.01), 1.0, 1e-12, "tail from 0");
    expect_near(binomial_tail(1, 48, 0.01), 1.0 - pow(0.99, 48), 1e-12, "tail from 1");
    expect_near(binomial_tail(3, 3, 0.5), 0.125, 1e-12, "tail at n");
    expect_near(binomial_tail(2, 4, 0.5), 11.0 / 16.0, 1e-12, "tail of 4 coins");
    /* a score counts above a level only when the printed values differ */
    ck_assert(!score_above(0.6061, 0.6058));
    ck_assert(score_above(0.6066, 0.6058));
    ck_assert(!score_above(0.5, 0.6));
}
END_TEST

START_TEST(hand_layers)
{
    float w[FL_NF * FL_K * FL_K];
    hand_layer(w, hand_both);
    MatchBank *b = match_bank_registry(FL_K);
    ck_assert_ptr_nonnull(b);
    for (int f = 0; f < FL_NF; f++) {
        double n = 0.0;
        for (int i = 0; i < FL_K * FL_K; i++) n += (double)w[f * 25 + i] * w[f * 25 + i];
        expect_near(sqrt(n), sqrt(2.0), 1e-6, "length of a hand filter");
        const Match m = match_best_shifted(b, w + f * 25);
        expect_near(m.score, 1.0, 1e-6, hand_labels(hand_both)[f]);
        ck_assert_str_eq(b->e[m.entry].kernel->name, hand_both[f].kernel);
        ck_assert_int_eq(m.sign, hand_both[f].sign);
    }
    /* both polarities: filters 1 and 2 are each other's negative, as are 3 and 4 */
    expect_near(match_cosine(w + 25, w + 50, 25), -1.0, 1e-6, "sobel_x and -sobel_x");
    expect_near(match_cosine(w + 75, w + 100, 25), -1.0, 1e-6, "sobel_y and -sobel_y");
    ck_assert_str_eq(hand_labels(hand_both)[2], "-sobel_x");
    ck_assert_str_eq(hand_labels(hand_one)[3], "edge1");
    ck_assert_str_eq(hand_labels(hand_both)[2], "-sobel_x"); /* still, after the other layer's labels */
    match_bank_free(b);
}
END_TEST

START_TEST(turned_and_ranked)
{
    TurnedSobels t;
    MatchBank *xb = turned_sobel_bank(&t, FL_K);
    ck_assert_ptr_nonnull(xb);
    ck_assert_int_eq(t.n, 10); /* 15, 30, 45, 60, 75, 105, ..., 165 */
    ck_assert_int_eq(t.deg[0], 15);
    ck_assert_int_eq(t.deg[4], 75);
    ck_assert_int_eq(t.deg[5], 105);
    /* Sobel turned by 45 degrees, one pixel off centre, finds itself */
    float f[25] = { 0 };
    for (int y = 0; y < 3; y++)
        for (int x = 0; x < 3; x++) f[y * 5 + x] = t.v[2][y * 3 + x];
    const Match m = match_best_shifted(xb, f);
    expect_near(m.score, 1.0, 1e-6, "turned Sobel");
    ck_assert_int_eq(turned_angle(&t, xb->e[m.entry].kernel), 45);
    ck_assert_int_eq(turned_angle(&t, kernel_find("sobel_x")), -1);
    match_bank_free(xb);
    Rank r[4] = { { 0, 0, 0.5 }, { 0, 1, 0.9 }, { 1, 0, 0.5 }, { 1, 1, 0.7 } };
    rank_by_score(r, 4);
    ck_assert(r[0].s == 0.9 && r[1].s == 0.7 && r[2].mi == 0 && r[3].mi == 1); /* ties keep their order */
}
END_TEST

START_TEST(chance_of_a_layer)
{
    MatchBank *b = match_bank_registry(FL_K);
    ck_assert_ptr_nonnull(b);
    Chance white, smooth;
    chance_measure(&white, b, NULL, 0, 3000, 1);
    const float *g5 = kernel_find("gaussian5")->v;
    chance_measure(&smooth, b, g5, 1, 3000, 1);
    ck_assert(white.white && !smooth.white);
    ck_assert_msg(white.q50 < white.q99 && smooth.q50 > white.q50, "white %g %g, smooth %g", white.q50, white.q99,
                  smooth.q50);
    /* a layer's mean: a lower level than one filter, lower still for more filters */
    const double l6 = chance_mean_q99(&white, 6), l24 = chance_mean_q99(&white, 24);
    ck_assert_msg(white.q99 > l6 && l6 > l24 && l24 > white.q50, "%g %g %g %g", white.q99, l6, l24, white.q50);
    double p50, p99;
    chance_plain(&p50, &p99, b, 3000, 1);
    ck_assert(p50 <= white.q50 && p99 <= white.q99); /* sliding never lowers a score */
    chance_free(&white);
    chance_free(&smooth);
    match_bank_free(b);
}
END_TEST

Suite *first_layer_suite(void)
{
    Suite *s = suite_create("first_layer");
    TCase *st = tcase_create("statistics");
    tcase_add_test(st, binomial_and_levels);
    suite_add_tcase(s, st);
    TCase *la = tcase_create("layers");
    tcase_set_timeout(la, 30);
    tcase_add_test(la, hand_layers);
    tcase_add_test(la, turned_and_ranked);
    tcase_add_test(la, chance_of_a_layer);
    suite_add_tcase(s, la);
    return s;
}
