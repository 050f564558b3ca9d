/* check_dropout.c - inverted dropout: identity at evaluation, statistics and
 * scaling in training, reproducible masks, gradients through the mask. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dropout.h"
#include "core/error.h"
#include "core/rng.h"
#include "core/tensor.h"
#include "core/threads.h"
#include "tests/gradcheck.h"

static Layer *make(float p, uint64_t seed, CnShape in, int B)
{
    Layer *l = dropout_create(p, seed);
    ck_assert_ptr_nonnull(l);
    ck_assert_int_eq(layer_setup(l, in), 0);
    ck_assert_int_eq(layer_reserve(l, B), 0);
    return l;
}

START_TEST(evaluation_is_identity)
{
    Layer *l = make(0.5f, 1, (CnShape){ 4, 3, 3 }, 2);
    ck_assert_str_eq(l->ops->kind, "dropout");
    ck_assert_int_eq(l->training, 0);
    float x[72], y[72], dy[72], dx[72];
    for (int i = 0; i < 72; i++) x[i] = (float)i - 30.5f, dy[i] = 0.5f * (float)i, dx[i] = 1.0f;
    Rng before = ((Dropout *)l)->rng;
    l->ops->forward(l, y, x, 2);
    ck_assert_int_eq(memcmp(x, y, sizeof x), 0);
    l->ops->backward(l, dx, dy, x, y, 2);
    for (int i = 0; i < 72; i++) ck_assert_float_eq(dx[i], 1.0f + dy[i]);
    /* nothing is drawn at evaluation */
    ck_assert_uint_eq(((Dropout *)l)->rng.state, before.state);
    layer_free(l);
}
END_TEST

START_TEST(training_keeps_one_minus_p_and_the_mean)
{
    /* 200,000 units of value 1 (and of value i-dependent x), p = 0.3:
     * the kept fraction is 0.7 +- 0.003 (binomial sd 0.001), every kept unit
     * is exactly x / 0.7, and the mean of y matches the mean of x. */
    const int B = 50;
    const CnShape in = { 16, 25, 10 }; /* 4,000 units per sample */
    const size_t n = shape_size(in) * B;
    const float p = 0.3f;
    Layer *l = make(p, 77, in, B);
    l->training = 1;
    float *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    ck_assert(x && y);
    double xsum = 0.0;
    for (size_t i = 0; i < n; i++) x[i] = 1.0f + 0.5f * (float)(i % 7), xsum += x[i];
    l->ops->forward(l, y, x, B);
    size_t kept = 0;
    double ysum = 0.0;
    const float scale = 1.0f / (1.0f - p);
    for (size_t i = 0; i < n; i++) {
        if (y[i] != 0.0f) {
            kept++;
            ck_assert_float_eq(y[i], x[i] * scale);
        }
        ysum += y[i];
    }
    double frac = (double)kept / (double)n;
    printf("dropout p=0.3: kept %.4f of %zu units, mean y / mean x = %.4f\n", frac, n, ysum / xsum);
    ck_assert_double_lt(fabs(frac - 0.7), 0.003);
    ck_assert_double_lt(fabs(ysum / xsum - 1.0), 0.005);
    /* per sample too: no sample is all kept or all dropped */
    for (int b = 0; b < B; b++) {
        size_t k = 0;
        for (size_t i = 0; i < shape_size(in); i++) k += y[b * shape_size(in) + i] != 0.0f;
        ck_assert_double_lt(fabs((double)k / (double)shape_size(in) - 0.7), 0.04);
    }
    free(x), free(y);
    layer_free(l);
}
END_TEST

START_TEST(backward_uses_the_mask)
{
    const int B = 3;
    const CnShape in = { 5, 2, 2 };
    const size_t n = shape_size(in) * B;
    Layer *l = make(0.5f, 9, in, B);
    l->training = 1;
    float x[60], y[60], dy[60], dx[60];
    for (size_t i = 0; i < n; i++) x[i] = 1.0f + (float)i, dy[i] = 0.25f * (float)i - 3.0f, dx[i] = 0.5f;
    l->ops->forward(l, y, x, B);
    /* switching to evaluation between forward and backward does not matter:
     * backward follows the pass it belongs to */
    l->training = 0;
    l->ops->backward(l, dx, dy, x, y, B);
    int dropped = 0;
    for (size_t i = 0; i < n; i++) {
        float want = 0.5f + (y[i] != 0.0f ? 2.0f * dy[i] : 0.0f);
        ck_assert_float_eq(dx[i], want);
        dropped += y[i] == 0.0f;
    }
    ck_assert_int_gt(dropped, 0);
    ck_assert_int_lt(dropped, (int)n);
    layer_free(l);
}
END_TEST

/* --- reproducibility ------------------------------------------------------------ */

static void run_mask(float p, uint64_t seed, int threads, float *y, const float *x, CnShape in, int B)
{
    Layer *l = make(p, seed, in, B);
    l->training = 1;
    omp_set_num_threads(threads);
    l->ops->forward(l, y, x, B);
    layer_free(l);
}

START_TEST(same_seed_same_mask_any_threads)
{
    /* 300,000 units: the element loops run in parallel (>= 65,536) */
    const int B = 30;
    const CnShape in = { 10, 100, 10 };
    const size_t n = shape_size(in) * B;
    float *x = malloc(n * sizeof *x), *y1 = malloc(n * sizeof *y1), *y2 = malloc(n * sizeof *y2);
    float *y3 = malloc(n * sizeof *y3);
    ck_assert(x && y1 && y2 && y3);
    for (size_t i = 0; i < n; i++) x[i] = 1.0f + (float)(i % 13);
    run_mask(0.5f, 1234, 1, y1, x, in, B);
    run_mask(0.5f, 1234, 2, y2, x, in, B);
    ck_assert_msg(memcmp(y1, y2, n * sizeof *y1) == 0, "dropout output differs between 1 and 2 threads");
    run_mask(0.5f, 1235, 2, y3, x, in, B);
    size_t differ = 0;
    for (size_t i = 0; i < n; i++) differ += (y1[i] == 0.0f) != (y3[i] == 0.0f);
    /* two independent masks with p = 1/2 disagree on about half the units */
    ck_assert_double_lt(fabs((double)differ / (double)n - 0.5), 0.01);
    free(x), free(y1), free(y2), free(y3);
}
END_TEST

START_TEST(rng_state_resumes_bit_exactly)
{
    /* Train two batches, checkpoint the generator (the Rng field), draw a
     * third; a fresh layer given the saved state draws the same third mask. */
    const int B = 4;
    const CnShape in = { 8, 4, 4 };
    const size_t n = shape_size(in) * B;
    float x[512], y[512], y3[512], y3b[512];
    for (size_t i = 0; i < n; i++) x[i] = 1.0f;
    Layer *a = make(0.5f, 42, in, B);
    a->training = 1;
    a->ops->forward(a, y, x, B);
    a->ops->forward(a, y, x, B);
    Rng saved = ((Dropout *)a)->rng;
    a->ops->forward(a, y3, x, B);
    ck_assert_int_ne(memcmp(y, y3, sizeof y), 0);  /* masks change between batches */

    Layer *b = make(0.5f, 999, in, B);  /* different seed, then restored */
    b->training = 1;
    ((Dropout *)b)->rng.state = saved.state;
    ((Dropout *)b)->rng.inc = saved.inc;
    b->ops->forward(b, y3b, x, B);
    ck_assert_int_eq(memcmp(y3, y3b, n * sizeof(float)), 0);
    layer_free(a);
    layer_free(b);
}
END_TEST

/* --- gradient check ---------------------------------------------------------------- */

/* Reset the generator before every forward pass, so every pass of the
 * gradient check draws the same mask. */
static void reset_rng(Layer *l, void *ctx) { ((Dropout *)l)->rng = *(const Rng *)ctx; }

START_TEST(gradcheck_training)
{
    const int B = 2;
    Layer *l = make(0.4f, 5, (CnShape){ 3, 4, 4 }, B);
    l->training = 1;
    Rng start = ((Dropout *)l)->rng;
    float x[96];
    Rng r;
    rng_seed(&r, 6, 6);
    for (int i = 0; i < 96; i++) x[i] = rng_range(&r, -2.0f, 2.0f);
    GradCheckOpts o = gradcheck_defaults();
    o.before_forward = reset_rng;
    o.ctx = &start;
    GradCheckResult res;
    int bad = gradcheck_layer(l, x, B, &o, &res);
    printf("gradcheck %-12s %s\n", "dropout", gradcheck_describe(&res));
    ck_assert_msg(!bad, "dropout: %s", gradcheck_describe(&res));
    layer_free(l);
}
END_TEST

START_TEST(rate_zero_and_bad_rates)
{
    Layer *l = make(0.0f, 3, (CnShape){ 2, 2, 2 }, 1);
    l->training = 1;
    float x[8] = { 1, -2, 3, -4, 5, -6, 7, -8 }, y[8];
    l->ops->forward(l, y, x, 1);
    ck_assert_int_eq(memcmp(x, y, sizeof x), 0);
    layer_free(l);
    ck_assert_ptr_null(dropout_create(1.0f, 1));
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "outside [0, 1)"));
    ck_assert_ptr_null(dropout_create(-0.1f, 1));
    ck_assert_ptr_null(dropout_create(NAN, 1));
}
END_TEST

/* Two halves of a batch of 5 (3 + 2) get the outputs one layer gives the
 * whole batch, the second layer's own generator unused; then both draw
 * again as usual. Mismatched layers are refused. */
START_TEST(split_mask_gives_each_half_its_part)
{
    const CnShape in = { 3, 4, 4 };
    enum { B = 5, B1 = 3, N = 48 * B };
    Layer *whole = make(0.4f, 9, in, B), *a = make(0.4f, 9, in, B1), *b = make(0.4f, 77, in, B - B1);
    whole->training = a->training = b->training = 1;
    float x[N], y[N], ya[N], yb[N];
    for (int i = 0; i < N; i++) x[i] = 1.0f + (float)(i % 13);
    whole->ops->forward(whole, y, x, B);
    const Rng b_before = ((Dropout *)b)->rng;
    ck_assert_int_eq(dropout_split_mask(a, b, B, B1), 0);
    a->ops->forward(a, ya, x, B1);
    b->ops->forward(b, yb, x + 48 * B1, B - B1);
    ck_assert_int_eq(memcmp(ya, y, 48 * B1 * sizeof *y), 0);
    ck_assert_int_eq(memcmp(yb, y + 48 * B1, 48 * (B - B1) * sizeof *y), 0);
    ck_assert_uint_eq(((Dropout *)b)->rng.state, b_before.state);
    /* a's generator moved as whole's did: the next draws agree too */
    whole->ops->forward(whole, y, x, B1);
    a->ops->forward(a, ya, x, B1);
    ck_assert_int_eq(memcmp(ya, y, 48 * B1 * sizeof *y), 0);

    Layer *other = make(0.5f, 9, in, B);
    other->training = 1;
    ck_assert_int_eq(dropout_split_mask(a, other, B, B1), -1);
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "differ"));
    ck_assert_int_eq(dropout_split_mask(a, b, B, B + 1), -1);
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "outside"));
    layer_free(whole), layer_free(a), layer_free(b), layer_free(other);
}
END_TEST

Suite *dropout_suite(void)
{
    Suite *s = suite_create("dropout");
    TCase *tc = tcase_create("modes");
    tcase_add_test(tc, evaluation_is_identity);
    tcase_add_test(tc, training_keeps_one_minus_p_and_the_mean);
    tcase_add_test(tc, backward_uses_the_mask);
    tcase_add_test(tc, rate_zero_and_bad_rates);
    suite_add_tcase(s, tc);
    tc = tcase_create("reproducible");
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, same_seed_same_mask_any_threads);
    tcase_add_test(tc, rng_state_resumes_bit_exactly);
    tcase_add_test(tc, split_mask_gives_each_half_its_part);
    suite_add_tcase(s, tc);
    tc = tcase_create("gradcheck");
    tcase_add_test(tc, gradcheck_training);
    suite_add_tcase(s, tc);
    return s;
}
