/* check_dense.c - the fully connected layer: values by hand, gradients by
 * central differences, bit-identical results at 1 and 2 threads. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dense.h"
#include "core/error.h"
#include "core/rng.h"
#include "core/tensor.h"
#include "core/threads.h"
#include "tests/gradcheck.h"
#include "tests/support.h"

START_TEST(forward_by_hand)
{
    /* W = [1 2 3; 4 5 6], b = [0.5, -1]
     * x0 = [1 0 -1]: y0 = [1 - 3 + 0.5, 4 - 6 - 1] = [-1.5, -3]
     * x1 = [2 1 0]:  y1 = [2 + 2 + 0.5, 8 + 5 - 1] = [4.5, 12] */
    const float W[6] = { 1, 2, 3, 4, 5, 6 }, b[2] = { 0.5f, -1.0f };
    const float x[6] = { 1, 0, -1, 2, 1, 0 };
    float y[4];
    dense_forward(y, x, W, b, 2, 3, 2);
    const float want[4] = { -1.5f, -3.0f, 4.5f, 12.0f };
    assert_close(y, want, 4, 0.0f, "y");
    /* no bias */
    dense_forward(y, x, W, NULL, 2, 3, 2);
    const float want_nb[4] = { -2.0f, -2.0f, 4.0f, 13.0f };
    assert_close(y, want_nb, 4, 0.0f, "y without bias");
}
END_TEST

START_TEST(backward_by_hand_accumulates)
{
    /* dy = [1 0; 0 1] picks rows: dx0 = W[0,:] = [1 2 3], dx1 = W[1,:] = [4 5 6];
     * dW = dy^T x: row 0 = x0, row 1 = x1; db = [1, 1]. A second call adds
     * the same again. */
    const float W[6] = { 1, 2, 3, 4, 5, 6 };
    const float x[6] = { 1, 0, -1, 2, 1, 0 }, dy[4] = { 1, 0, 0, 1 };
    float dx[6] = { 0 }, dW[6] = { 0 }, db[2] = { 0 };
    dense_backward(dx, dW, db, dy, x, W, 2, 3, 2);
    const float wdx[6] = { 1, 2, 3, 4, 5, 6 }, wdW[6] = { 1, 0, -1, 2, 1, 0 }, wdb[2] = { 1, 1 };
    assert_close(dx, wdx, 6, 0.0f, "dx");
    assert_close(dW, wdW, 6, 0.0f, "dW");
    assert_close(db, wdb, 2, 0.0f, "db");
    dense_backward(dx, dW, db, dy, x, W, 2, 3, 2);
    float w2[6];
    for (int i = 0; i < 6; i++) w2[i] = 2.0f * wdx[i];
    assert_close(dx, w2, 6, 0.0f, "dx after two calls");
    for (int i = 0; i < 6; i++) w2[i] = 2.0f * wdW[i];
    assert_close(dW, w2, 6, 0.0f, "dW after two calls");
    ck_assert_float_eq(db[0], 2.0f);
    /* NULL outputs are skipped */
    dense_backward(NULL, NULL, db, dy, x, W, 2, 3, 2);
    ck_assert_float_eq(db[1], 3.0f);
}
END_TEST

START_TEST(layer_shapes)
{
    /* LeNet-5's F6 after C5: input (120, 1, 1), 84 outputs; and a flattened
     * (16, 5, 5) input to 120 outputs */
    Layer *l = dense_create(120);
    ck_assert_ptr_nonnull(l);
    ck_assert_int_eq(layer_setup(l, (CnShape){ 16, 5, 5 }), 0);
    ck_assert_str_eq(l->ops->kind, "dense");
    ck_assert_int_eq(l->out.c, 120);
    ck_assert_int_eq(l->out.h, 1);
    ck_assert_int_eq(l->out.w, 1);
    ck_assert_int_eq(l->nparam, 2);
    ck_assert_str_eq(l->param[0].name, "weight");
    ck_assert_uint_eq(l->param[0].n, 120 * 400);
    ck_assert_int_eq(l->param[0].dims[0], 120);
    ck_assert_int_eq(l->param[0].dims[1], 400);
    ck_assert_int_eq(l->param[0].decay, 1);
    ck_assert_str_eq(l->param[1].name, "bias");
    ck_assert_uint_eq(l->param[1].n, 120);
    ck_assert_int_eq(l->param[1].decay, 0);
    ck_assert_uint_eq(layer_param_count(l), 48120);
    ck_assert_int_eq(l->fan_in, 400);
    ck_assert_int_eq(l->fan_out, 120);
    ck_assert_double_eq(l->madds, 48000.0);
    layer_free(l);
    ck_assert_ptr_null(dense_create(0));
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "out_features"));
}
END_TEST

START_TEST(gradcheck_dense)
{
    Layer *l = dense_create(4);
    ck_assert_ptr_nonnull(l);
    ck_assert_int_eq(layer_setup(l, (CnShape){ 2, 3, 3 }), 0);
    Rng r;
    rng_seed(&r, 3, 1);
    layer_init(l, INIT_XAVIER, &r);
    for (int o = 0; o < 4; o++) l->param[1].value[o] = rng_range(&r, -0.5f, 0.5f);
    const int B = 3;
    float x[3 * 18];
    for (int i = 0; i < B * 18; i++) x[i] = rng_range(&r, -1.0f, 1.0f);
    GradCheckOpts o = gradcheck_defaults();
    GradCheckResult res;
    int bad = gradcheck_layer(l, x, B, &o, &res);
    printf("gradcheck %-12s %s\n", "dense", gradcheck_describe(&res));
    ck_assert_msg(!bad, "dense: %s", gradcheck_describe(&res));
    ck_assert_int_eq(res.checked, B * 18 + 4 * 18 + 4);
    layer_free(l);
}
END_TEST

START_TEST(same_result_at_1_and_2_threads)
{
    /* LeNet-5's C5 -> F6 sizes with a batch of 64; several outputs of 1e-1
     * magnitude so that any change of summation order would show. */
    const int B = 64, IN = 400, OUT = 120;
    size_t nx = (size_t)B * IN, ny = (size_t)B * OUT, nw = (size_t)OUT * IN;
    float *x = malloc(nx * sizeof *x), *W = malloc(nw * sizeof *W), *b = malloc(OUT * sizeof *b);
    float *dy = malloc(ny * sizeof *dy), *y[2], *dx[2], *dW[2], *db[2];
    ck_assert(x && W && b && dy);
    Rng r;
    rng_seed(&r, 8, 8);
    for (size_t i = 0; i < nx; i++) x[i] = rng_normal(&r);
    for (size_t i = 0; i < nw; i++) W[i] = 0.05f * rng_normal(&r);
    for (int i = 0; i < OUT; i++) b[i] = 0.1f * rng_normal(&r);
    for (size_t i = 0; i < ny; i++) dy[i] = rng_normal(&r);
    for (int t = 0; t < 2; t++) {
        y[t] = malloc(ny * sizeof(float));
        dx[t] = calloc(nx, sizeof(float));
        dW[t] = calloc(nw, sizeof(float));
        db[t] = calloc(OUT, sizeof(float));
        ck_assert(y[t] && dx[t] && dW[t] && db[t]);
        omp_set_num_threads(t + 1);
        dense_forward(y[t], x, W, b, B, IN, OUT);
        dense_backward(dx[t], dW[t], db[t], dy, x, W, B, IN, OUT);
    }
    size_t at;
    ck_assert_msg(memcmp(y[0], y[1], ny * sizeof(float)) == 0, "y differs: max %g at %zu",
                  (double)cn_max_abs_diff(y[0], y[1], ny, &at), at);
    ck_assert_msg(memcmp(dx[0], dx[1], nx * sizeof(float)) == 0, "dx differs: max %g at %zu",
                  (double)cn_max_abs_diff(dx[0], dx[1], nx, &at), at);
    ck_assert_msg(memcmp(dW[0], dW[1], nw * sizeof(float)) == 0, "dW differs: max %g at %zu",
                  (double)cn_max_abs_diff(dW[0], dW[1], nw, &at), at);
    ck_assert_msg(memcmp(db[0], db[1], OUT * sizeof(float)) == 0, "db differs: max %g at %zu",
                  (double)cn_max_abs_diff(db[0], db[1], OUT, &at), at);
    /* and the parallel result is the dot product: check one entry in double */
    double s = b[7];
    for (int i = 0; i < IN; i++) s += (double)W[7 * IN + i] * x[5 * IN + i];
    ck_assert_double_lt(fabs(s - y[1][5 * OUT + 7]), 1e-4);
    for (int t = 0; t < 2; t++) free(y[t]), free(dx[t]), free(dW[t]), free(db[t]);
    free(x), free(W), free(b), free(dy);
}
END_TEST

Suite *dense_suite(void)
{
    Suite *s = suite_create("dense");
    TCase *tc = tcase_create("values");
    tcase_add_test(tc, forward_by_hand);
    tcase_add_test(tc, backward_by_hand_accumulates);
    tcase_add_test(tc, layer_shapes);
    suite_add_tcase(s, tc);
    tc = tcase_create("gradcheck");
    tcase_add_test(tc, gradcheck_dense);
    suite_add_tcase(s, tc);
    tc = tcase_create("threads");
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, same_result_at_1_and_2_threads);
    suite_add_tcase(s, tc);
    return s;
}
