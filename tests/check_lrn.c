/* check_lrn.c - local response normalization: values by hand for both alpha
 * conventions and an even window, gradients by central differences for
 * several channel counts and window sizes, thread independence. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/lrn.h"
#include "core/rng.h"
#include "core/tensor.h"
#include "core/threads.h"
#include "tests/gradcheck.h"
#include "tests/support.h"

static void run_forward(Layer *l, float *y, const float *x, int B)
{
    ck_assert_int_eq(layer_reserve(l, B), 0);
    l->ops->forward(l, y, x, B);
}

START_TEST(forward_by_hand)
{
    /* One pixel, C = 3, x = [1, 2, 3], n = 3, k = 1, beta = 1, alpha' = 1:
     *   s0 = 1 + (1 + 4)     = 6    y0 = 1/6
     *   s1 = 1 + (1 + 4 + 9) = 15   y1 = 2/15
     *   s2 = 1 + (4 + 9)     = 14   y2 = 3/14   (channel 3 is outside: skipped)
     * alpha' = 1 is alpha = 1 in the paper's convention, alpha = 3 = n * 1
     * in PyTorch's. */
    const float x[3] = { 1, 2, 3 }, want[3] = { 1.0f / 6, 2.0f / 15, 3.0f / 14 };
    float y[3];
    Layer *raw = lrn_create(3, 1.0f, 1.0f, 1.0f, LRN_ALPHA_RAW);
    Layer *pt = lrn_create(3, 3.0f, 1.0f, 1.0f, LRN_ALPHA_OVER_N);
    ck_assert(raw && pt);
    ck_assert_int_eq(layer_setup(raw, (CnShape){ 3, 1, 1 }), 0);
    ck_assert_int_eq(layer_setup(pt, (CnShape){ 3, 1, 1 }), 0);
    run_forward(raw, y, x, 1);
    assert_close(y, want, 3, 1e-7f, "paper alpha");
    const float s_want[3] = { 6, 15, 14 };
    assert_close(((Lrn *)raw)->scale, s_want, 3, 0.0f, "scale kept for backward");
    run_forward(pt, y, x, 1);
    assert_close(y, want, 3, 1e-7f, "PyTorch alpha");
    layer_free(raw);
    layer_free(pt);
}
END_TEST

START_TEST(even_window_and_beta)
{
    /* n = 2: window(c) = [c - 1, c] (PyTorch pads n/2 = 1 before, 0 after).
     * x = [1, 2, 3], alpha' = 1, k = 1, beta = 1/2:
     *   s = [1 + 1, 1 + 1 + 4, 1 + 4 + 9] = [2, 6, 14], y = x / sqrt(s) */
    const float x[3] = { 1, 2, 3 };
    const float want[3] = { 1.0f / sqrtf(2.0f), 2.0f / sqrtf(6.0f), 3.0f / sqrtf(14.0f) };
    float y[3];
    Layer *l = lrn_create(2, 1.0f, 0.5f, 1.0f, LRN_ALPHA_RAW);
    ck_assert_ptr_nonnull(l);
    ck_assert_int_eq(layer_setup(l, (CnShape){ 3, 1, 1 }), 0);
    run_forward(l, y, x, 1);
    assert_close(y, want, 3, 1e-7f, "n = 2");
    layer_free(l);
}
END_TEST

START_TEST(alexnet_defaults_and_pixels_independent)
{
    /* lrn_create_default: n 5, alpha 1e-4 / 5, beta 0.75, k 2. With C = 1
     * and x = 10 at one pixel, 0 at the other:
     *   s = 2 + (1e-4 / 5) * 100 = 2.002, y = 10 / 2.002^0.75; y = 0 at x = 0 */
    Layer *l = lrn_create_default();
    ck_assert_ptr_nonnull(l);
    Lrn *r = (Lrn *)l;
    ck_assert_int_eq(r->size, 5);
    ck_assert_float_eq(r->alpha, 1e-4f);
    ck_assert_float_eq(r->beta, 0.75f);
    ck_assert_float_eq(r->k, 2.0f);
    ck_assert_int_eq(r->alpha_mode, LRN_ALPHA_OVER_N);
    ck_assert_int_eq(layer_setup(l, (CnShape){ 1, 1, 2 }), 0);
    ck_assert_str_eq(l->ops->kind, "lrn");
    const float x[2] = { 10.0f, 0.0f };
    float y[2];
    run_forward(l, y, x, 1);
    ck_assert_float_eq_tol(y[0], (float)(10.0 / pow(2.002, 0.75)), 1e-6f);
    ck_assert_float_eq(y[1], 0.0f);
    layer_free(l);
    ck_assert_ptr_null(lrn_create(0, 1e-4f, 0.75f, 2.0f, LRN_ALPHA_OVER_N));
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "size 0"));
    ck_assert_ptr_null(lrn_create(5, 1e-4f, 0.75f, 0.0f, LRN_ALPHA_OVER_N));
    ck_assert_ptr_null(lrn_create(5, 1e-4f, 0.75f, 2.0f, (LrnAlpha)7));
}
END_TEST

/* --- gradient checks ----------------------------------------------------------- */

static void gradcheck_case(int C, int size, float alpha, float beta, float k, LrnAlpha mode)
{
    Layer *l = lrn_create(size, alpha, beta, k, mode);
    ck_assert_ptr_nonnull(l);
    ck_assert_int_eq(layer_setup(l, (CnShape){ C, 2, 3 }), 0);
    const int B = 2;
    size_t n = shape_size(l->in) * B;
    float *x = malloc(n * sizeof *x);
    ck_assert_ptr_nonnull(x);
    Rng r;
    rng_seed(&r, (uint64_t)(C * 31 + size), 4);
    for (size_t i = 0; i < n; i++) x[i] = 2.0f * rng_normal(&r);
    GradCheckOpts o = gradcheck_defaults();
    GradCheckResult res;
    int bad = gradcheck_layer(l, x, B, &o, &res);
    printf("gradcheck lrn C=%-2d n=%d alpha=%-6g %s %s\n", C, size, (double)alpha,
           mode == LRN_ALPHA_RAW ? "raw " : "/n  ", gradcheck_describe(&res));
    ck_assert_msg(!bad, "lrn C %d n %d alpha %g: %s", C, size, (double)alpha, gradcheck_describe(&res));
    free(x);
    layer_free(l);
}

START_TEST(gradcheck_several_shapes)
{
    /* alpha large enough that the cross-channel term matters */
    gradcheck_case(7, 5, 0.1f, 0.75f, 2.0f, LRN_ALPHA_OVER_N);
    gradcheck_case(3, 5, 0.1f, 0.75f, 2.0f, LRN_ALPHA_OVER_N);  /* C < n */
    gradcheck_case(1, 5, 0.5f, 0.75f, 1.0f, LRN_ALPHA_OVER_N);  /* one channel */
    gradcheck_case(6, 4, 0.2f, 0.6f, 1.0f, LRN_ALPHA_OVER_N);   /* even window */
    gradcheck_case(8, 3, 0.05f, 0.75f, 2.0f, LRN_ALPHA_RAW);
    gradcheck_case(5, 1, 0.3f, 1.0f, 1.0f, LRN_ALPHA_RAW);      /* window of itself */
    gradcheck_case(7, 5, 1e-4f, 0.75f, 2.0f, LRN_ALPHA_OVER_N); /* AlexNet's constants */
}
END_TEST

START_TEST(cross_channel_term_matters)
{
    /* With alpha = 0.1, dropping the second term of the backward formula
     * would change dx by far more than the gradient check's tolerance: the
     * gradient of y_j w.r.t. a_i for i != j is not zero. */
    Layer *l = lrn_create(3, 0.3f, 0.75f, 1.0f, LRN_ALPHA_RAW);
    ck_assert_ptr_nonnull(l);
    ck_assert_int_eq(layer_setup(l, (CnShape){ 3, 1, 1 }), 0);
    const float x[3] = { 1.0f, 2.0f, -1.5f };
    float y[3], dx[3] = { 0 };
    const float dy[3] = { 1.0f, 0.0f, 0.0f };  /* L = y0 */
    run_forward(l, y, x, 1);
    l->ops->backward(l, dx, dy, x, y, 1);
    /* y0 = a0 (1 + 0.3 (a0^2 + a1^2))^-0.75: dy0/da1 = -0.75 * 0.3 * 2 a1 a0 s0^-1.75 */
    double s0 = 1.0 + 0.3 * (1.0 + 4.0);
    ck_assert_double_lt(fabs(dx[1] - (-0.75 * 0.3 * 2.0 * 2.0 * 1.0 * pow(s0, -1.75))), 1e-6);
    ck_assert_float_eq(dx[2], 0.0f);  /* channel 2 is outside channel 0's window */
    ck_assert_double_lt(fabs(dx[0] - (pow(s0, -0.75) - 0.75 * 0.3 * 2.0 * 1.0 * 1.0 * pow(s0, -1.75))), 1e-6);
    layer_free(l);
}
END_TEST

START_TEST(same_result_at_1_and_2_threads)
{
    const int B = 8;
    const CnShape in = { 16, 12, 12 };
    const size_t n = shape_size(in) * B;
    Layer *l = lrn_create(5, 0.1f, 0.75f, 2.0f, LRN_ALPHA_OVER_N);
    ck_assert_ptr_nonnull(l);
    ck_assert_int_eq(layer_setup(l, in), 0);
    ck_assert_int_eq(layer_reserve(l, B), 0);
    float *x = malloc(n * sizeof *x), *dy = malloc(n * sizeof *dy), *y[2], *dx[2];
    ck_assert(x && dy);
    Rng r;
    rng_seed(&r, 12, 12);
    for (size_t i = 0; i < n; i++) x[i] = 2.0f * rng_normal(&r), dy[i] = rng_normal(&r);
    for (int t = 0; t < 2; t++) {
        y[t] = malloc(n * sizeof(float));
        dx[t] = calloc(n, sizeof(float));
        ck_assert(y[t] && dx[t]);
        omp_set_num_threads(t + 1);
        l->ops->forward(l, y[t], x, B);
        l->ops->backward(l, dx[t], dy, x, y[t], B);
    }
    size_t at;
    ck_assert_msg(memcmp(y[0], y[1], n * sizeof(float)) == 0, "y differs: max %g at %zu",
                  (double)cn_max_abs_diff(y[0], y[1], n, &at), at);
    ck_assert_msg(memcmp(dx[0], dx[1], n * sizeof(float)) == 0, "dx differs: max %g at %zu",
                  (double)cn_max_abs_diff(dx[0], dx[1], n, &at), at);
    for (int t = 0; t < 2; t++) free(y[t]), free(dx[t]);
    free(x), free(dy);
    layer_free(l);
}
END_TEST

Suite *lrn_suite(void)
{
    Suite *s = suite_create("lrn");
    TCase *tc = tcase_create("forward");
    tcase_add_test(tc, forward_by_hand);
    tcase_add_test(tc, even_window_and_beta);
    tcase_add_test(tc, alexnet_defaults_and_pixels_independent);
    suite_add_tcase(s, tc);
    tc = tcase_create("backward");
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, gradcheck_several_shapes);
    tcase_add_test(tc, cross_channel_term_matters);
    tcase_add_test(tc, same_result_at_1_and_2_threads);
    suite_add_tcase(s, tc);
    return s;
}
