/* check_subsample.c - LeNet-5's trainable subsampling (core/subsample.h):
 * a fixture checked by eye, the link to average pooling, gradient checks,
 * parameters and initialisation, thread-count independence.
 *
 * CK_VERBOSITY=verbose prints the gradient-check errors of every case. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/layer.h"
#include "core/pool.h"
#include "core/rng.h"
#include "core/subsample.h"
#include "core/tensor.h"
#include "core/threads.h"
#include "tests/gradcheck.h"
#include "tests/support.h"

static Layer *make_sub(int k, int s, CnShape in, uint64_t seed)
{
    Layer *l = subsample_create(k, s);
    ck_assert_msg(l != NULL, "create: %s", cn_last_error());
    ck_assert_msg(layer_setup(l, in) == 0, "setup: %s", cn_last_error());
    Rng r;
    rng_seed(&r, seed, 5);
    for (int c = 0; c < in.c; c++) {
        l->param[0].value[c] = rng_range(&r, -1.5f, 1.5f);
        l->param[1].value[c] = rng_range(&r, -0.5f, 0.5f);
    }
    return l;
}

/*   1 3 | 2 0          window sums  10  8        channel 0: coef 0.5, bias 1
 *   4 2 | 1 5                       10 19        ->  6   5
 *   ----+----                                        6  10.5
 *   0 1 | 7 2          channel 1 = channel 0 + 1: sums 14 12 14 23,
 *   6 3 | 2 8          coef -2, bias 0.25 -> -27.75 -23.75 -27.75 -45.75 */
START_TEST(fixture_4x4)
{
    float x[32];
    const float x0[16] = { 1, 3, 2, 0, 4, 2, 1, 5, 0, 1, 7, 2, 6, 3, 2, 8 };
    for (int i = 0; i < 16; i++) x[i] = x0[i], x[16 + i] = x0[i] + 1.0f;
    Layer *l = subsample_create(2, 2);
    ck_assert_int_eq(layer_setup(l, (CnShape){ 2, 4, 4 }), 0);
    ck_assert_int_eq(l->out.h, 2);
    ck_assert_int_eq(l->out.w, 2);
    l->param[0].value[0] = 0.5f, l->param[1].value[0] = 1.0f;
    l->param[0].value[1] = -2.0f, l->param[1].value[1] = 0.25f;
    float y[8];
    l->ops->forward(l, y, x, 1);
    const float e[8] = { 6, 5, 6, 10.5f, -27.75f, -23.75f, -27.75f, -45.75f };
    assert_close(y, e, 8, 0.0f, "subsample 2x2/2");

    /* Backward by hand, dy = 1 everywhere in channel 0, 0 in channel 1:
     * dbias0 = 4, dcoef0 = 10+8+10+19 = 47, dx = coef0 = 0.5 on every pixel. */
    float dy[8] = { 1, 1, 1, 1, 0, 0, 0, 0 }, dx[32] = { 0 };
    layer_zero_grad(l);
    l->ops->backward(l, dx, dy, x, y, 1);
    ck_assert_float_eq(l->param[1].grad[0], 4.0f);
    ck_assert_float_eq(l->param[0].grad[0], 47.0f);
    ck_assert_float_eq(l->param[1].grad[1], 0.0f);
    ck_assert_float_eq(l->param[0].grad[1], 0.0f);
    for (int i = 0; i < 16; i++) {
        ck_assert_float_eq(dx[i], 0.5f);
        ck_assert_float_eq(dx[16 + i], 0.0f);
    }
    layer_free(l);
}
END_TEST

/* coef = 1/k^2 and bias = 0 turn it into average pooling (no padding). */
START_TEST(equals_average_pooling)
{
    const int B = 2, C = 3, H = 9, W = 8;
    const int ks[3] = { 2, 3, 3 }, ss[3] = { 2, 2, 3 };
    Rng r;
    rng_seed(&r, 300, 1);
    for (int t = 0; t < 3; t++) {
        Layer *s = subsample_create(ks[t], ss[t]);
        Layer *a = avgpool2d_create(ks[t], ss[t], 0);
        ck_assert_int_eq(layer_setup(s, (CnShape){ C, H, W }), 0);
        ck_assert_int_eq(layer_setup(a, (CnShape){ C, H, W }), 0);
        ck_assert_int_eq(s->out.h, a->out.h);
        ck_assert_int_eq(s->out.w, a->out.w);
        for (int c = 0; c < C; c++) s->param[0].value[c] = 1.0f / (float)(ks[t] * ks[t]);
        const size_t nx = shape_size(s->in) * B, ny = shape_size(s->out) * B;
        float *x = alloc_floats(nx), *y1 = alloc_floats(ny), *y2 = alloc_floats(ny);
        float *dy = alloc_floats(ny), *dx1 = alloc_floats(nx), *dx2 = alloc_floats(nx);
        for (size_t i = 0; i < nx; i++) x[i] = rng_range(&r, -1, 1);
        for (size_t i = 0; i < ny; i++) dy[i] = rng_range(&r, -1, 1);
        s->ops->forward(s, y1, x, B);
        a->ops->forward(a, y2, x, B);
        s->ops->backward(s, dx1, dy, x, y1, B);
        a->ops->backward(a, dx2, dy, x, y2, B);
        char what[64];
        snprintf(what, sizeof what, "k %d stride %d: y", ks[t], ss[t]);
        assert_close(y1, y2, ny, 1e-6f, what);
        snprintf(what, sizeof what, "k %d stride %d: dx", ks[t], ss[t]);
        assert_close(dx1, dx2, nx, 1e-6f, what);
        free(x), free(y1), free(y2), free(dy), free(dx1), free(dx2);
        layer_free(s);
        layer_free(a);
    }
}
END_TEST

static void check_grad(Layer *l, int B, uint64_t seed, const char *name)
{
    const size_t nx = shape_size(l->in) * (size_t)B;
    float *x = alloc_floats(nx);
    Rng r;
    rng_seed(&r, seed, 3);
    for (size_t i = 0; i < nx; i++) x[i] = rng_range(&r, -1, 1);
    GradCheckOpts o = gradcheck_defaults();
    GradCheckResult res;
    int rc = gradcheck_layer(l, x, B, &o, &res);
    if (verbose()) printf("gradcheck %-52s %s\n", name, gradcheck_describe(&res));
    ck_assert_msg(rc == 0, "%s: %s", name, gradcheck_describe(&res));
    ck_assert_msg(res.max_abs_grad > 0.0, "%s: the gradient is all zero", name);
    free(x);
}

START_TEST(grad_subsample)
{
    const struct {
        int k, s, C, H, W, B;
        const char *name;
    } c[] = {
        { 2, 2, 3, 6, 6, 2, "subsample 2x2/2 on 6x6" },
        { 2, 2, 2, 5, 7, 2, "subsample 2x2/2 on 5x7 (floor)" },
        { 3, 2, 2, 7, 7, 2, "subsample 3x3/2 overlapping on 7x7" },
        { 2, 2, 6, 28, 28, 2, "subsample LeNet S2 6x28x28" },
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        Layer *l = make_sub(c[i].k, c[i].s, (CnShape){ c[i].C, c[i].H, c[i].W }, 310 + i);
        check_grad(l, c[i].B, 320 + i, c[i].name);
        layer_free(l);
    }
}
END_TEST

START_TEST(params_and_init)
{
    Layer *l = subsample_create(2, 2);
    ck_assert_int_eq(layer_setup(l, (CnShape){ 6, 28, 28 }), 0);
    ck_assert_str_eq(l->ops->kind, "subsample");
    ck_assert_int_eq(l->out.c, 6);
    ck_assert_int_eq(l->out.h, 14);
    ck_assert_int_eq(l->out.w, 14);
    ck_assert_int_eq(l->nparam, 2);
    ck_assert_str_eq(l->param[0].name, "coef");
    ck_assert_str_eq(l->param[1].name, "bias");
    ck_assert_int_eq(l->param[0].decay, 1);
    ck_assert_int_eq(l->param[1].decay, 0);
    ck_assert_uint_eq(layer_param_count(l), 12); /* S2 in the paper: 12 trainable parameters */
    ck_assert_int_eq(l->fan_in, 4);
    ck_assert_int_eq(l->rf_k, 2);
    ck_assert_int_eq(l->rf_s, 2);
    ck_assert_double_eq(l->madds, 6.0 * 14 * 14 * 4);
    Rng r;
    rng_seed(&r, 330, 1);
    layer_init(l, INIT_LECUN_UNIFORM, &r);
    for (int c = 0; c < 6; c++) {
        ck_assert(fabsf(l->param[0].value[c]) <= 0.6f);
        ck_assert(l->param[0].value[c] != 0.0f);
        ck_assert_float_eq(l->param[1].value[c], 0.0f);
    }
    layer_free(l);

    l = subsample_create(2, 2);
    ck_assert_int_eq(layer_setup(l, (CnShape){ 16, 10, 10 }), 0);
    ck_assert_uint_eq(layer_param_count(l), 32); /* S4: 32 */
    ck_assert_int_eq(l->out.h, 5);
    layer_free(l);
}
END_TEST

START_TEST(threads_bit_identical)
{
    const int B = 32, C = 6, H = 28, W = 28;
    Layer *l = make_sub(2, 2, (CnShape){ C, H, W }, 340);
    const size_t nx = shape_size(l->in) * B, ny = shape_size(l->out) * B;
    float *x = alloc_floats(nx), *dy = alloc_floats(ny);
    Rng r;
    rng_seed(&r, 341, 1);
    for (size_t i = 0; i < nx; i++) x[i] = rng_range(&r, -1, 1);
    for (size_t i = 0; i < ny; i++) dy[i] = rng_range(&r, -1, 1);
    float *y[2], *dx[2], g[2][2 * 6];
    const int saved = omp_get_max_threads();
    for (int k = 0; k < 2; k++) {
        omp_set_num_threads(k + 1);
        y[k] = alloc_floats(ny);
        dx[k] = alloc_floats(nx);
        layer_zero_grad(l);
        l->ops->forward(l, y[k], x, B);
        l->ops->backward(l, dx[k], dy, x, y[k], B);
        memcpy(g[k], l->param[0].grad, C * sizeof(float));
        memcpy(g[k] + C, l->param[1].grad, C * sizeof(float));
    }
    omp_set_num_threads(saved);
    ck_assert_msg(memcmp(y[0], y[1], ny * sizeof(float)) == 0, "y differs: max %g",
                  (double)cn_max_abs_diff(y[0], y[1], ny, NULL));
    ck_assert_msg(memcmp(dx[0], dx[1], nx * sizeof(float)) == 0, "dx differs: max %g",
                  (double)cn_max_abs_diff(dx[0], dx[1], nx, NULL));
    ck_assert_msg(memcmp(g[0], g[1], sizeof g[0]) == 0, "coef/bias gradients differ: max %g",
                  (double)cn_max_abs_diff(g[0], g[1], 2 * 6, NULL));
    for (int k = 0; k < 2; k++) free(y[k]), free(dx[k]);
    free(x), free(dy);
    layer_free(l);
}
END_TEST

START_TEST(bad_arguments)
{
    ck_assert_ptr_null(subsample_create(0, 2));
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "subsample"));
    ck_assert_ptr_null(subsample_create(2, 0));
    Layer *l = subsample_create(3, 2);
    ck_assert_int_eq(layer_setup(l, (CnShape){ 1, 2, 8 }), -1);
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "subsample"));
    layer_free(l);
}
END_TEST

Suite *subsample_suite(void)
{
    Suite *s = suite_create("subsample");
    TCase *tc = tcase_create("forward");
    tcase_add_test(tc, fixture_4x4);
    tcase_add_test(tc, equals_average_pooling);
    suite_add_tcase(s, tc);

    tc = tcase_create("backward");
    tcase_add_test(tc, grad_subsample);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);

    tc = tcase_create("limits");
    tcase_add_test(tc, params_and_init);
    tcase_add_test(tc, threads_bit_identical);
    tcase_add_test(tc, bad_arguments);
    suite_add_tcase(s, tc);
    return s;
}
