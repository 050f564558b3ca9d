/* check_activation.c - ReLU, tanh, scaled tanh, sigmoid: values by hand,
 * gradients by central differences, independence from the thread count. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/activation.h"
#include "core/error.h"
#include "core/rng.h"
#include "core/tensor.h"
#include "core/threads.h"
#include "tests/gradcheck.h"

/* --- forward values by hand ---------------------------------------------------- */

static void expect_forward(ActKind kind, const float *x, const float *expect, size_t n, float tol)
{
    float y[16];
    activation_forward(y, x, n, kind);
    size_t at;
    float d = cn_max_abs_diff(y, expect, n, &at);
    ck_assert_msg(d <= tol, "%s forward: max |diff| %g at %zu (got %.9g, want %.9g)", activation_name(kind),
                  (double)d, at, (double)y[at], (double)expect[at]);
}

START_TEST(forward_by_hand)
{
    const float x[6] = { -2.0f, -0.5f, 0.0f, 0.5f, 1.0f, 3.0f };
    const float relu[6] = { 0, 0, 0, 0.5f, 1.0f, 3.0f };
    expect_forward(ACT_RELU, x, relu, 6, 0.0f);
    /* tanh(0) = 0, tanh(+-0.5) = +-0.46211716, tanh(1) = 0.76159416, tanh(3) = 0.99505475 */
    const float th[6] = { -0.96402758f, -0.46211716f, 0.0f, 0.46211716f, 0.76159416f, 0.99505475f };
    expect_forward(ACT_TANH, x, th, 6, 1e-6f);
    /* sigmoid(0) = 1/2, sigmoid(2) = 0.88079708, sigmoid(-2) = 1 - sigmoid(2) */
    const float xs[4] = { 0.0f, 2.0f, -2.0f, -100.0f };
    const float sg[4] = { 0.5f, 0.88079708f, 0.11920292f, 0.0f };
    expect_forward(ACT_SIGMOID, xs, sg, 4, 1e-6f);
    /* LeCun's choice of A and S makes f(1) = 1.7159 tanh(2/3) = 0.99999726
     * and f(-1) = -f(1); f(1.5) = 1.7159 tanh(1) = 1.30681941 */
    const float xl[4] = { 1.0f, -1.0f, 1.5f, 0.0f };
    const float sl[4] = { 0.99999726f, -0.99999726f, 1.30681941f, 0.0f };
    expect_forward(ACT_SCALED_TANH, xl, sl, 4, 1e-6f);
}
END_TEST

START_TEST(backward_by_hand_accumulates)
{
    /* The derivatives at known points, added onto dx = 1:
     * relu' = [y > 0]; tanh'(0) = 1; sigmoid'(0) = 1/4;
     * scaled tanh'(1) = (2/3)(1.7159)(1 - tanh^2(2/3)) = 0.75541244 */
    const float x[3] = { -1.0f, 0.0f, 1.0f }, dy[3] = { 2.0f, 2.0f, 2.0f };
    float y[3], dx[3];
    struct {
        ActKind kind;
        float want[3];
    } cases[] = {
        { ACT_RELU, { 1.0f, 1.0f, 3.0f } },
        { ACT_TANH, { 1.0f + 2.0f * 0.41997434f, 3.0f, 1.0f + 2.0f * 0.41997434f } },
        { ACT_SIGMOID, { 1.0f + 2.0f * 0.19661193f, 1.5f, 1.0f + 2.0f * 0.19661193f } },
        { ACT_SCALED_TANH, { 1.0f + 2.0f * 0.75541244f, 1.0f + 2.0f * 1.7159f * 2.0f / 3.0f,
                             1.0f + 2.0f * 0.75541244f } },
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        for (int i = 0; i < 3; i++) dx[i] = 1.0f;
        activation_forward(y, x, 3, cases[c].kind);
        activation_backward(dx, dy, y, 3, cases[c].kind);
        size_t at;
        float d = cn_max_abs_diff(dx, cases[c].want, 3, &at);
        ck_assert_msg(d <= 2e-6f, "%s backward: max |diff| %g at %zu (got %.9g, want %.9g)",
                      activation_name(cases[c].kind), (double)d, at, (double)dx[at], (double)cases[c].want[at]);
    }
}
END_TEST

START_TEST(in_place_forward)
{
    float x[5] = { -1.0f, 2.0f, -3.0f, 4.0f, 0.25f };
    activation_forward(x, x, 5, ACT_RELU);
    const float want[5] = { 0, 2.0f, 0, 4.0f, 0.25f };
    ck_assert_float_eq(cn_max_abs_diff(x, want, 5, NULL), 0.0f);
}
END_TEST

/* --- layers: shapes and gradient checks ---------------------------------------- */

START_TEST(layer_shapes_and_names)
{
    Layer *(*make[4])(void) = { relu_create, tanh_create, scaled_tanh_create, sigmoid_create };
    const char *kinds[4] = { "relu", "tanh", "scaled_tanh", "sigmoid" };
    for (int k = 0; k < 4; k++) {
        Layer *l = make[k]();
        ck_assert_ptr_nonnull(l);
        ck_assert_int_eq(layer_setup(l, (CnShape){ 6, 5, 4 }), 0);
        ck_assert_str_eq(l->ops->kind, kinds[k]);
        ck_assert_int_eq(l->out.c, 6);
        ck_assert_int_eq(l->out.h, 5);
        ck_assert_int_eq(l->out.w, 4);
        ck_assert_int_eq(l->nparam, 0);
        ck_assert_int_eq(l->rf_k, 1);
        layer_free(l);
    }
    ck_assert_ptr_null(activation_create((ActKind)17));
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "unknown kind"));
}
END_TEST

static void gradcheck_kind(ActKind kind)
{
    Layer *l = activation_create(kind);
    ck_assert_ptr_nonnull(l);
    ck_assert_int_eq(layer_setup(l, (CnShape){ 3, 4, 5 }), 0);
    const int B = 2;
    size_t n = shape_size(l->in) * B;
    float *x = malloc(n * sizeof *x);
    ck_assert_ptr_nonnull(x);
    Rng r;
    rng_seed(&r, 11, (uint64_t)kind);
    for (size_t i = 0; i < n; i++) {
        x[i] = rng_range(&r, -2.5f, 2.5f);
        /* ReLU's kink: keep every input at least 0.1 from 0, so x +- eps
         * (eps = 0.01) stays on one side and the difference quotient is exact */
        if (kind == ACT_RELU && fabsf(x[i]) < 0.1f) x[i] = x[i] < 0 ? -0.1f - x[i] : 0.1f + x[i];
    }
    GradCheckOpts o = gradcheck_defaults();
    GradCheckResult res;
    int bad = gradcheck_layer(l, x, B, &o, &res);
    printf("gradcheck %-12s %s\n", activation_name(kind), gradcheck_describe(&res));
    ck_assert_msg(!bad, "%s: %s", activation_name(kind), gradcheck_describe(&res));
    free(x);
    layer_free(l);
}

START_TEST(gradcheck_relu) { gradcheck_kind(ACT_RELU); }
END_TEST
START_TEST(gradcheck_tanh) { gradcheck_kind(ACT_TANH); }
END_TEST
START_TEST(gradcheck_scaled_tanh) { gradcheck_kind(ACT_SCALED_TANH); }
END_TEST
START_TEST(gradcheck_sigmoid) { gradcheck_kind(ACT_SIGMOID); }
END_TEST

/* --- threads ------------------------------------------------------------------------ */

START_TEST(same_result_at_1_and_2_threads)
{
    /* Large enough for the parallel branch (ACT_PAR_MIN = 32768). */
    const size_t n = 200003;
    float *x = malloc(n * sizeof *x), *dy = malloc(n * sizeof *dy);
    float *y1 = malloc(n * sizeof *y1), *y2 = malloc(n * sizeof *y2);
    float *d1 = calloc(n, sizeof *d1), *d2 = calloc(n, sizeof *d2);
    ck_assert(x && dy && y1 && y2 && d1 && d2);
    Rng r;
    rng_seed(&r, 5, 5);
    for (size_t i = 0; i < n; i++) x[i] = rng_range(&r, -4.0f, 4.0f), dy[i] = rng_normal(&r);
    for (int kind = ACT_RELU; kind <= ACT_SIGMOID; kind++) {
        memset(d1, 0, n * sizeof *d1);
        memset(d2, 0, n * sizeof *d2);
        omp_set_num_threads(1);
        activation_forward(y1, x, n, (ActKind)kind);
        activation_backward(d1, dy, y1, n, (ActKind)kind);
        omp_set_num_threads(2);
        activation_forward(y2, x, n, (ActKind)kind);
        activation_backward(d2, dy, y2, n, (ActKind)kind);
        ck_assert_msg(memcmp(y1, y2, n * sizeof *y1) == 0, "%s forward differs between 1 and 2 threads",
                      activation_name((ActKind)kind));
        ck_assert_msg(memcmp(d1, d2, n * sizeof *d1) == 0, "%s backward differs between 1 and 2 threads",
                      activation_name((ActKind)kind));
    }
    free(x), free(dy), free(y1), free(y2), free(d1), free(d2);
}
END_TEST

Suite *activation_suite(void)
{
    Suite *s = suite_create("activation");
    TCase *tc = tcase_create("values");
    tcase_add_test(tc, forward_by_hand);
    tcase_add_test(tc, backward_by_hand_accumulates);
    tcase_add_test(tc, in_place_forward);
    tcase_add_test(tc, layer_shapes_and_names);
    suite_add_tcase(s, tc);
    tc = tcase_create("gradcheck");
    tcase_add_test(tc, gradcheck_relu);
    tcase_add_test(tc, gradcheck_tanh);
    tcase_add_test(tc, gradcheck_scaled_tanh);
    tcase_add_test(tc, gradcheck_sigmoid);
    suite_add_tcase(s, tc);
    tc = tcase_create("threads");
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, same_result_at_1_and_2_threads);
    suite_add_tcase(s, tc);
    return s;
}
