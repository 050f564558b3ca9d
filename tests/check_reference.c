/* check_reference.c - our layers against PyTorch on the same inputs.
 *
 * tests/fixtures/make_fixtures.py ran PyTorch's own layers on seeded inputs
 * and wrote the inputs, weights, outputs and, for a given upstream gradient
 * dy, the gradients autograd computed. Each test loads one fixture, sets up
 * our layer with the same shape and weights, runs forward and backward, and
 * asserts that every array agrees within
 *
 *     |ours - torch| <= 1e-5 * max(1, |torch|)
 *
 * The worst agreement of each fixture is printed, one line per fixture.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/activation.h"
#include "core/conv_layer.h"
#include "core/dense.h"
#include "core/error.h"
#include "core/layer.h"
#include "core/loss.h"
#include "core/lrn.h"
#include "core/pool.h"
#include "tests/fixture.h"

#define REF_TOL 1e-5

static Fixture *load(const char *name)
{
    Fixture *f = fixture_load(name);
    ck_assert_msg(f != NULL, "%s", cn_last_error());
    return f;
}

static const float *get(const Fixture *f, const char *name, size_t n)
{
    const float *v = fixture_get(f, name, n);
    ck_assert_msg(v != NULL, "%s", cn_last_error());
    return v;
}

/* Compare ours with the fixture's array `name`, keep the worst, fail beyond REF_TOL. */
static void agree(const char *fixture, const char *name, const float *ours, const float *ref, size_t n,
                  double *worst, char *worst_what)
{
    size_t at;
    double d = fixture_worst(ours, ref, n, &at);
    if (worst_what[0] == '\0' || d > *worst) {
        *worst = d;
        snprintf(worst_what, 16, "%s", name);
    }
    ck_assert_msg(d <= REF_TOL, "%s: %s[%zu] ours %.9g vs torch %.9g (scaled diff %.3g > %g)", fixture, name, at,
                  (double)ours[at], (double)ref[at], d, REF_TOL);
}

/* Run layer l (already created) on fixture f: setup with shape_x, copy the
 * params "weight"/"bias" if the layer has them, forward, compare y, backward
 * with dy, compare dx and dweight/dbias. */
static void run_layer(const char *name, Layer *l)
{
    ck_assert_msg(l != NULL, "%s: %s", name, cn_last_error());
    Fixture *f = load(name);
    int B = fixture_int(f, "shape_x", 0);
    CnShape in = { fixture_int(f, "shape_x", 1), fixture_int(f, "shape_x", 2), fixture_int(f, "shape_x", 3) };
    ck_assert_msg(layer_setup(l, in) == 0, "%s: %s", name, cn_last_error());
    ck_assert_msg(layer_reserve(l, B) == 0, "%s: %s", name, cn_last_error());
    size_t nx = shape_size(l->in) * (size_t)B, ny = shape_size(l->out) * (size_t)B;
    const char *pname[2] = { "weight", "bias" }, *gname[2] = { "dweight", "dbias" };
    ck_assert_int_le(l->nparam, 2);
    for (int p = 0; p < l->nparam; p++) {
        const float *v = get(f, pname[p], l->param[p].n);
        memcpy(l->param[p].value, v, l->param[p].n * sizeof(float));
    }
    const float *x = get(f, "x", nx), *yref = get(f, "y", ny), *dy = get(f, "dy", ny), *dxref = get(f, "dx", nx);
    float *y = malloc(ny * sizeof *y), *dx = calloc(nx, sizeof *dx);
    ck_assert(y && dx);
    double worst = 0.0;
    char what[16] = "";
    l->ops->forward(l, y, x, B);
    agree(name, "y", y, yref, ny, &worst, what);
    layer_zero_grad(l);
    l->ops->backward(l, dx, dy, x, y, B);
    agree(name, "dx", dx, dxref, nx, &worst, what);
    for (int p = 0; p < l->nparam; p++)
        agree(name, gname[p], l->param[p].grad, get(f, gname[p], l->param[p].n), l->param[p].n, &worst, what);
    printf("reference %-22s worst |ours - torch| / max(1, |torch|) = %.3g (%s)\n", name, worst, what);
    free(y), free(dx);
    fixture_free(f);
    layer_free(l);
}

/* --- activations, dense, LRN ---------------------------------------------------- */

START_TEST(ref_relu) { run_layer("relu", relu_create()); }
END_TEST
START_TEST(ref_tanh) { run_layer("tanh", tanh_create()); }
END_TEST
START_TEST(ref_sigmoid) { run_layer("sigmoid", sigmoid_create()); }
END_TEST
START_TEST(ref_scaled_tanh) { run_layer("scaled_tanh", scaled_tanh_create()); }
END_TEST

START_TEST(ref_dense)
{
    Fixture *f = load("dense");
    int out = fixture_int(f, "out", 0);
    fixture_free(f);
    run_layer("dense", dense_create(out));
}
END_TEST

static void lrn_case(const char *name)
{
    Fixture *f = load(name);
    Layer *l = lrn_create(fixture_int(f, "size", 0), get(f, "alpha", 1)[0], get(f, "beta", 1)[0],
                          get(f, "k", 1)[0], fixture_int(f, "raw", 0) ? LRN_ALPHA_RAW : LRN_ALPHA_OVER_N);
    fixture_free(f);
    run_layer(name, l);
}

START_TEST(ref_lrn)
{
    lrn_case("lrn_alexnet");       /* n 5, alpha 1e-4, beta 0.75, k 2 */
    lrn_case("lrn_alpha01");       /* alpha 0.1: the normalization matters */
    lrn_case("lrn_small_c");       /* C = 3 < n = 5 */
    lrn_case("lrn_even_size");     /* n = 4: window [c-2, c+1] */
    lrn_case("lrn_paper_alpha");   /* Krizhevsky's alpha (LRN_ALPHA_RAW) */
}
END_TEST

/* --- softmax cross-entropy --------------------------------------------------------- */

START_TEST(ref_softmax_ce)
{
    Fixture *f = load("softmax_ce");
    int B = fixture_int(f, "shape", 0), K = fixture_int(f, "shape", 1);
    size_t n = (size_t)B * (size_t)K;
    const float *z = get(f, "logits", n), *lab = get(f, "labels", (size_t)B);
    unsigned char labels[64];
    ck_assert_int_le(B, 64);
    for (int i = 0; i < B; i++) labels[i] = (unsigned char)lab[i];
    float *p = malloc(n * sizeof *p), *d = calloc(n, sizeof *d);
    ck_assert(p && d);
    double worst = 0.0;
    char what[16] = "";
    float L = softmax_ce_forward(p, z, labels, B, K);
    agree("softmax_ce", "loss", &L, get(f, "loss", 1), 1, &worst, what);
    agree("softmax_ce", "probs", p, get(f, "probs", n), n, &worst, what);
    softmax_ce_backward(d, p, labels, B, K);
    agree("softmax_ce", "dlogits", d, get(f, "dlogits", n), n, &worst, what);
    printf("reference %-22s worst |ours - torch| / max(1, |torch|) = %.3g (%s)\n", "softmax_ce", worst, what);
    free(p), free(d);
    fixture_free(f);
}
END_TEST

/* --- convolution ---------------------------------------------------------------------- */

static void conv_case(const char *name)
{
    Fixture *f = load(name);
    Conv2dConfig cfg = {
        .out_channels = fixture_int(f, "shape_weight", 0),
        .kh = fixture_int(f, "shape_weight", 2),
        .kw = fixture_int(f, "shape_weight", 3),
        .stride_h = fixture_int(f, "stride", 0),
        .stride_w = fixture_int(f, "stride", 1),
        .pad_top = fixture_int(f, "pad", 0),
        .pad_bottom = fixture_int(f, "pad", 0),
        .pad_left = fixture_int(f, "pad", 1),
        .pad_right = fixture_int(f, "pad", 1),
        .groups = fixture_int(f, "groups", 0),
        .op = fixture_int(f, "mode", 0) ? CONV_OP_CONVOLVE : CONV_OP_CORRELATE,
    };
    fixture_free(f);
    Layer *l = conv2d_create_cfg(&cfg);
    ck_assert_msg(l != NULL, "%s: %s", name, cn_last_error());
    run_layer(name, l);
}

START_TEST(ref_conv)
{
    conv_case("conv_correlate_basic");  /* 3x3, stride 1, no padding */
    conv_case("conv_convolve_basic");
    conv_case("conv_correlate_s2_g2");  /* 3x2 kernel, stride 2, padding 1, 2 groups */
    conv_case("conv_convolve_s2_g2");
}
END_TEST

/* --- pooling ------------------------------------------------------------------------- */

static void pool_case(const char *name)
{
    Fixture *f = load(name);
    Pool2dConfig cfg = {
        .kh = fixture_int(f, "window", 0),
        .kw = fixture_int(f, "window", 1),
        .stride_h = fixture_int(f, "stride", 0),
        .stride_w = fixture_int(f, "stride", 1),
        .pad_top = fixture_int(f, "pad", 0),
        .pad_bottom = fixture_int(f, "pad", 0),
        .pad_left = fixture_int(f, "pad", 1),
        .pad_right = fixture_int(f, "pad", 1),
    };
    int kind = fixture_int(f, "kind", 0);
    fixture_free(f);
    Layer *l = kind == 0 ? maxpool2d_create_cfg(&cfg) : avgpool2d_create_cfg(&cfg);
    ck_assert_msg(l != NULL, "%s: %s", name, cn_last_error());
    run_layer(name, l);
}

START_TEST(ref_pool)
{
    pool_case("maxpool_3s2");       /* overlapping windows (AlexNet) */
    pool_case("maxpool_2s2");
    pool_case("avgpool_2s2");
    pool_case("avgpool_3s2");
    pool_case("maxpool_3s2_pad1");  /* padding: ignored by max */
    pool_case("avgpool_3s2_pad1");  /* padding: zeros, divided by 9 */
}
END_TEST

Suite *reference_suite(void)
{
    Suite *s = suite_create("reference");
    TCase *tc = tcase_create("torch");
    tcase_add_test(tc, ref_relu);
    tcase_add_test(tc, ref_tanh);
    tcase_add_test(tc, ref_sigmoid);
    tcase_add_test(tc, ref_scaled_tanh);
    tcase_add_test(tc, ref_dense);
    tcase_add_test(tc, ref_lrn);
    tcase_add_test(tc, ref_softmax_ce);
    tcase_add_test(tc, ref_conv);
    tcase_add_test(tc, ref_pool);
    suite_add_tcase(s, tc);
    return s;
}
