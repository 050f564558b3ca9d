/* check_loss.c - softmax cross-entropy: values by hand, stability at
 * extreme logits, the gradient by central differences; argmax. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/loss.h"
#include "core/rng.h"
#include "core/tensor.h"

START_TEST(forward_by_hand)
{
    /* sample 0: logits [0, 0, ln 2] -> e^z = [1, 1, 2], p = [1/4, 1/4, 1/2];
     *           label 2: L0 = -ln(1/2) = ln 2
     * sample 1: logits [1, 1, 1] -> p = [1/3, 1/3, 1/3]; label 0: L1 = ln 3
     * mean = (ln 2 + ln 3) / 2 = ln(6) / 2 */
    const float logits[6] = { 0.0f, 0.0f, (float)log(2.0), 1.0f, 1.0f, 1.0f };
    const unsigned char labels[2] = { 2, 0 };
    float p[6];
    float L = softmax_ce_forward(p, logits, labels, 2, 3);
    ck_assert_double_lt(fabs(L - log(6.0) / 2.0), 1e-6);
    const float want[6] = { 0.25f, 0.25f, 0.5f, 1.0f / 3, 1.0f / 3, 1.0f / 3 };
    size_t at;
    float d = cn_max_abs_diff(p, want, 6, &at);
    ck_assert_msg(d < 1e-7f, "probs: max |diff| %g at %zu", (double)d, at);
}
END_TEST

START_TEST(equal_logits_give_log_k)
{
    /* all logits equal -> p = 1/K whatever the label, L = ln K */
    float logits[3 * 10], p[3 * 10];
    for (int i = 0; i < 30; i++) logits[i] = 7.25f;
    const unsigned char labels[3] = { 0, 4, 9 };
    float L = softmax_ce_forward(p, logits, labels, 3, 10);
    ck_assert_double_lt(fabs(L - log(10.0)), 1e-6);
    for (int i = 0; i < 30; i++) ck_assert_float_eq_tol(p[i], 0.1f, 1e-7f);
}
END_TEST

START_TEST(extreme_logits_are_stable)
{
    /* Without subtracting the max, e^1000 overflows to inf and the loss is NaN.
     * sample 0: [1000, -1000, 0], label 0: p = [1, 0, 0] (e^-1000 underflows), L = 0
     * sample 1: same logits, label 1: L = 1000 - (-1000) = 2000
     * sample 2: [1000, 1000, -1000], label 1: p = [1/2, 1/2, 0], L = ln 2 */
    const float logits[9] = { 1000, -1000, 0, 1000, -1000, 0, 1000, 1000, -1000 };
    const unsigned char labels[3] = { 0, 1, 1 };
    float p[9];
    float L = softmax_ce_forward(p, logits, labels, 3, 3);
    ck_assert(isfinite(L));
    ck_assert_double_lt(fabs(L - (0.0 + 2000.0 + log(2.0)) / 3.0), 1e-3);
    const float want[9] = { 1, 0, 0, 1, 0, 0, 0.5f, 0.5f, 0 };
    for (int i = 0; i < 9; i++) ck_assert(isfinite(p[i]));
    size_t at;
    float d = cn_max_abs_diff(p, want, 9, &at);
    ck_assert_msg(d < 1e-7f, "probs: max |diff| %g at %zu", (double)d, at);
    /* the loss of one sample alone */
    L = softmax_ce_forward(p, logits + 3, labels + 1, 1, 3);
    ck_assert_double_eq_tol(L, 2000.0, 1e-3);
    const float neg[3] = { -1000, -1000, -1000 };
    L = softmax_ce_forward(p, neg, labels, 1, 3);
    ck_assert_double_lt(fabs(L - log(3.0)), 1e-6);
}
END_TEST

START_TEST(backward_by_hand_accumulates)
{
    /* dL/dz = (p - onehot) / B with the probs of forward_by_hand, B = 2:
     * sample 0: ([1/4, 1/4, 1/2] - [0, 0, 1]) / 2 = [1/8, 1/8, -1/4]
     * sample 1: ([1/3, 1/3, 1/3] - [1, 0, 0]) / 2 = [-1/3, 1/6, 1/6]
     * added to dlogits = 1 */
    const float p[6] = { 0.25f, 0.25f, 0.5f, 1.0f / 3, 1.0f / 3, 1.0f / 3 };
    const unsigned char labels[2] = { 2, 0 };
    float d[6];
    for (int i = 0; i < 6; i++) d[i] = 1.0f;
    softmax_ce_backward(d, p, labels, 2, 3);
    const float want[6] = { 1.125f, 1.125f, 0.75f, 1.0f - 1.0f / 3, 1.0f + 1.0f / 6, 1.0f + 1.0f / 6 };
    size_t at;
    float diff = cn_max_abs_diff(d, want, 6, &at);
    ck_assert_msg(diff < 1e-7f, "dlogits: max |diff| %g at %zu", (double)diff, at);
}
END_TEST

/* dL/dz[n,k] from backward vs (L(z + eps e_nk) - L(z - eps e_nk)) / 2eps,
 * over every logit of a batch of 4 with 7 classes, logits of order 3, with
 * label smoothing ls. */
static void gradcheck_smooth(float ls)
{
    enum { B = 4, K = 7 };
    float z[B * K], p[B * K], g[B * K] = { 0 }, tmp[B * K];
    unsigned char labels[B] = { 3, 0, 6, 3 };
    Rng r;
    rng_seed(&r, 21, 2);
    for (int i = 0; i < B * K; i++) z[i] = 3.0f * rng_normal(&r);
    softmax_ce_smooth_forward(p, z, labels, B, K, ls);
    softmax_ce_smooth_backward(g, p, labels, B, K, ls);
    const float eps = 1e-2f;
    double worst = 0.0, gmax = 0.0;
    int worst_at = 0;
    for (int i = 0; i < B * K; i++) {
        float saved = z[i];
        z[i] = saved + eps;
        double lp = softmax_ce_smooth_forward(tmp, z, labels, B, K, ls);
        float hp = z[i];
        z[i] = saved - eps;
        double lm = softmax_ce_smooth_forward(tmp, z, labels, B, K, ls);
        double h = (double)hp - (double)z[i];
        z[i] = saved;
        double num = (lp - lm) / h;
        double err = fabs(num - g[i]);
        if (err > worst) worst = err, worst_at = i;
        if (fabs(g[i]) > gmax) gmax = fabs(g[i]);
        ck_assert_msg(err <= 1e-4 + 1e-2 * fabs(num), "dlogits[%d]: analytic %.7g vs numeric %.7g", i,
                      (double)g[i], num);
    }
    printf("gradcheck softmax_ce, smoothing %.2f: %d entries, max abs err %.3g at %d, max |grad| %.3g\n",
           (double)ls, B * K, worst, worst_at, gmax);
    ck_assert_double_gt(gmax, 0.01);
    /* each row of the gradient sums to 0 (probabilities sum to 1) */
    for (int n = 0; n < B; n++) {
        double s = 0;
        for (int k = 0; k < K; k++) s += g[n * K + k];
        ck_assert_double_lt(fabs(s), 1e-6);
    }
}

START_TEST(gradcheck_loss)
{
    gradcheck_smooth(0.0f);
    gradcheck_smooth(0.1f);
    gradcheck_smooth(0.5f);
}
END_TEST

START_TEST(smoothing_by_hand)
{
    /* logits [1, 0], label 0, eps 0.2, K = 2: q = [0.9, 0.1];
     * lse = ln(1 + e), -ln p0 = lse - 1, -ln p1 = lse;
     * L = 0.9 (lse - 1) + 0.1 lse = lse - 0.9; dL/dz = p - q */
    const float z[2] = { 1.0f, 0.0f };
    const unsigned char y[1] = { 0 };
    float p[2], d[2] = { 0.0f, 0.0f };
    const double lse = log(1.0 + exp(1.0)), p0 = exp(1.0) / (1.0 + exp(1.0));
    const float L = softmax_ce_smooth_forward(p, z, y, 1, 2, 0.2f);
    ck_assert_msg(fabs(L - (lse - 0.9)) < 1e-6, "L = %.9g, want %.9g", (double)L, lse - 0.9);
    softmax_ce_smooth_backward(d, p, y, 1, 2, 0.2f);
    ck_assert_msg(fabs(d[0] - (p0 - 0.9)) < 1e-6 && fabs(d[1] - (1.0 - p0 - 0.1)) < 1e-6, "d = %g %g", (double)d[0],
                  (double)d[1]);
    /* eps = 0 is the plain loss, to the bit */
    enum { B = 3, K = 5 };
    float zz[B * K], p1[B * K], p2[B * K], g1[B * K] = { 0 }, g2[B * K] = { 0 };
    const unsigned char yy[B] = { 4, 0, 2 };
    Rng r;
    rng_seed(&r, 8, 1);
    for (int i = 0; i < B * K; i++) zz[i] = 2.0f * rng_normal(&r);
    const float a = softmax_ce_forward(p1, zz, yy, B, K), b = softmax_ce_smooth_forward(p2, zz, yy, B, K, 0.0f);
    softmax_ce_backward(g1, p1, yy, B, K);
    softmax_ce_smooth_backward(g2, p2, yy, B, K, 0.0f);
    ck_assert(memcmp(&a, &b, sizeof a) == 0 && memcmp(g1, g2, sizeof g1) == 0);
    /* smoothing costs something even on a confident right answer */
    const float sure[2] = { 20.0f, 0.0f };
    ck_assert_float_lt(softmax_ce_forward(p, sure, y, 1, 2), 1e-6f);
    ck_assert_float_gt(softmax_ce_smooth_forward(p, sure, y, 1, 2, 0.1f), 0.9f);
    /* eps outside [0, 1) */
    ck_assert(isnan(softmax_ce_smooth_forward(p, z, y, 1, 2, 1.0f)));
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "label smoothing 1"));
    ck_assert(isnan(softmax_ce_smooth_forward(p, z, y, 1, 2, -0.1f)));
}
END_TEST

START_TEST(bad_labels_are_refused)
{
    const float z[3] = { 0, 1, 2 };
    const unsigned char labels[1] = { 3 };
    float p[3];
    ck_assert(isnan(softmax_ce_forward(p, z, labels, 1, 3)));
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "label 3"));
    ck_assert(isnan(softmax_ce_forward(p, z, labels, 0, 3)));
}
END_TEST

START_TEST(argmax_picks_first_largest)
{
    const float a[5] = { -3, -1, -2, -1, -5 };
    ck_assert_int_eq(cn_argmax(a, 5), 1);
    const float b[4] = { 0.1f, 0.7f, 0.7f, 0.2f };
    ck_assert_int_eq(cn_argmax(b, 4), 1);
    const float c[3] = { NAN, 2.0f, 5.0f };
    ck_assert_int_eq(cn_argmax(c, 3), 2);
    const float d[3] = { 4.0f, NAN, 1.0f };
    ck_assert_int_eq(cn_argmax(d, 3), 0);
    ck_assert_int_eq(cn_argmax(a, 1), 0);
    ck_assert_int_eq(cn_argmax(a, 0), -1);
}
END_TEST

Suite *loss_suite(void)
{
    Suite *s = suite_create("loss");
    TCase *tc = tcase_create("forward");
    tcase_add_test(tc, forward_by_hand);
    tcase_add_test(tc, equal_logits_give_log_k);
    tcase_add_test(tc, extreme_logits_are_stable);
    tcase_add_test(tc, bad_labels_are_refused);
    suite_add_tcase(s, tc);
    tc = tcase_create("backward");
    tcase_add_test(tc, backward_by_hand_accumulates);
    tcase_add_test(tc, gradcheck_loss);
    tcase_add_test(tc, smoothing_by_hand);
    suite_add_tcase(s, tc);
    tc = tcase_create("argmax");
    tcase_add_test(tc, argmax_picks_first_largest);
    suite_add_tcase(s, tc);
    return s;
}
