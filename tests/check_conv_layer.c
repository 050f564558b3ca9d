/* check_conv_layer.c - the convolution layer (core/conv_layer.h): hand-computed
 * outputs, agreement with core/conv.h, convolve == correlate with rot180
 * weights, fast loops == reference loops, gradient checks for every option,
 * LeNet-5's C3 table, masked weights, and thread-count independence.
 *
 * CK_VERBOSITY=verbose prints the gradient-check errors of every case. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/conv.h"
#include "core/conv_layer.h"
#include "core/error.h"
#include "core/layer.h"
#include "core/lenet.h"
#include "core/loss.h"
#include "core/optim.h"
#include "core/rng.h"
#include "core/tensor.h"
#include "core/threads.h"
#include "tests/gradcheck.h"
#include "tests/support.h"

/* --- helpers ----------------------------------------------------------------------- */

static void fill(float *a, size_t n, Rng *r, float lo, float hi)
{
    for (size_t i = 0; i < n; i++) a[i] = rng_range(r, lo, hi);
}

static float max_abs(const float *a, size_t n)
{
    float m = 0.0f;
    for (size_t i = 0; i < n; i++) m = fmaxf(m, fabsf(a[i]));
    return m;
}

static Conv2dConfig cfg_of(int oc, int kh, int kw, int sh, int sw, int pt, int pb, int pl, int pr,
                           int groups, ConvOp mode)
{
    return (Conv2dConfig){ .out_channels = oc, .kh = kh, .kw = kw, .stride_h = sh, .stride_w = sw,
                           .pad_top = pt, .pad_bottom = pb, .pad_left = pl, .pad_right = pr,
                           .groups = groups, .op = mode };
}

/* A conv layer set up for `in`, weights by Xavier's rule (each map's own
 * fan-in), random biases. */
static Layer *make_conv(const Conv2dConfig *cfg, CnShape in, const unsigned char *table, uint64_t seed)
{
    Layer *l = conv2d_create_cfg(cfg);
    ck_assert_msg(l != NULL, "conv2d_create_cfg: %s", cn_last_error());
    if (table) ck_assert_msg(conv2d_set_table(l, in.c, table) == 0, "set_table: %s", cn_last_error());
    ck_assert_msg(layer_setup(l, in) == 0, "layer_setup: %s", cn_last_error());
    Rng r;
    rng_seed(&r, seed, 7);
    layer_init(l, INIT_XAVIER, &r);
    fill(l->param[1].value, l->param[1].n, &r, -0.5f, 0.5f);
    return l;
}

/* gradcheck_layer at a random input; asserts success and a nonzero gradient. */
static void check_grad(Layer *l, int B, uint64_t seed, const char *name)
{
    const size_t nx = shape_size(l->in) * (size_t)B;
    float *x = alloc_floats(nx);
    Rng r;
    rng_seed(&r, seed, 3);
    fill(x, nx, &r, -1.0f, 1.0f);
    GradCheckOpts o = gradcheck_defaults();
    GradCheckResult res;
    int rc = gradcheck_layer(l, x, B, &o, &res);
    if (verbose()) printf("gradcheck %-52s %s\n", name, gradcheck_describe(&res));
    ck_assert_msg(rc == 0, "%s: %s", name, gradcheck_describe(&res));
    ck_assert_msg(res.max_abs_grad > 0.0, "%s: the gradient is all zero", name);
    free(x);
}

static const char *mode_name(ConvOp m)
{
    return m == CONV_OP_CONVOLVE ? "convolve" : "correlate";
}

/* A random table (OC, Cg) of 0/1 with at least one 1 per row. */
static void random_table(unsigned char *t, int OC, int Cg, Rng *r)
{
    for (int o = 0; o < OC; o++) {
        int n = 0;
        for (int j = 0; j < Cg; j++) n += t[o * Cg + j] = (unsigned char)(rng_below(r, 2));
        if (n == 0) t[o * Cg + (int)rng_below(r, (uint32_t)Cg)] = 1;
    }
}

/* --- forward fixtures -------------------------------------------------------------------- */

/* x = 1..9 as a 3x3 image, kernel [[1,2],[3,4]], bias 0.5.
 * correlate, stride 1: 1*1+2*2+3*4+4*5 = 37, 47, 67, 77  (+0.5)
 * convolve (kernel read as [[4,3],[2,1]]): 4*1+3*2+2*4+1*5 = 23, 33, 53, 63
 * stride 2, padding 1 (windows at corners -1 and 1):
 *   correlate  4*x00 = 4;  3*x01+4*x02 = 18;  2*x10+4*x20 = 36;  5+12+24+36 = 77
 *   convolve   1*x00 = 1;  2*x01+1*x02 = 7;   3*x10+1*x20 = 19;  20+18+16+9 = 63 */
START_TEST(forward_fixture)
{
    const float x[9] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, k[4] = { 1, 2, 3, 4 };
    const struct {
        int stride, pad;
        ConvOp mode;
        float expect[4];
    } cases[] = {
        { 1, 0, CONV_OP_CORRELATE, { 37.5f, 47.5f, 67.5f, 77.5f } },
        { 1, 0, CONV_OP_CONVOLVE, { 23.5f, 33.5f, 53.5f, 63.5f } },
        { 2, 1, CONV_OP_CORRELATE, { 4.5f, 18.5f, 36.5f, 77.5f } },
        { 2, 1, CONV_OP_CONVOLVE, { 1.5f, 7.5f, 19.5f, 63.5f } },
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        Layer *l = conv2d_create(1, 2, 2, cases[c].stride, cases[c].pad, 1, cases[c].mode);
        ck_assert_ptr_nonnull(l);
        ck_assert_int_eq(layer_setup(l, (CnShape){ 1, 3, 3 }), 0);
        ck_assert_int_eq(l->out.h, 2);
        ck_assert_int_eq(l->out.w, 2);
        memcpy(l->param[0].value, k, sizeof k);
        l->param[1].value[0] = 0.5f;
        float y[4], yn[4];
        l->ops->forward(l, y, x, 1);
        const Conv2dGeom geom = conv2d_geom(conv2d_of(l), 1);
        conv2d_forward_naive(yn, x, k, l->param[1].value, NULL, &geom);
        char what[64];
        snprintf(what, sizeof what, "case %zu (%s, stride %d)", c, mode_name(cases[c].mode), cases[c].stride);
        assert_close(y, cases[c].expect, 4, 0.0f, what);
        assert_close(yn, cases[c].expect, 4, 0.0f, what);
        layer_free(l);
    }
}
END_TEST

/* Two input channels, two output channels, groups 1 and 2, by hand:
 * x0 = [[1,2],[3,4]], x1 = [[5,6],[7,8]], 1x1 kernels.
 * groups 1: y0 = 1*x0 + 2*x1, y1 = -1*x0 + 0.5*x1
 * groups 2: y0 = 3*x0 only, y1 = -2*x1 only */
START_TEST(forward_channels_and_groups)
{
    const float x[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    Layer *l = conv2d_create(2, 1, 1, 1, 0, 1, CONV_OP_CORRELATE);
    ck_assert_int_eq(layer_setup(l, (CnShape){ 2, 2, 2 }), 0);
    const float w1[4] = { 1, 2, -1, 0.5f };
    memcpy(l->param[0].value, w1, sizeof w1);
    float y[8];
    l->ops->forward(l, y, x, 1);
    const float e1[8] = { 11, 14, 17, 20, 1.5f, 1, 0.5f, 0 };
    assert_close(y, e1, 8, 0.0f, "groups 1");
    layer_free(l);

    l = conv2d_create(2, 1, 1, 1, 0, 2, CONV_OP_CORRELATE);
    ck_assert_int_eq(layer_setup(l, (CnShape){ 2, 2, 2 }), 0);
    ck_assert_int_eq(l->param[0].dims[1], 1);
    const float w2[2] = { 3, -2 };
    memcpy(l->param[0].value, w2, sizeof w2);
    l->ops->forward(l, y, x, 1);
    const float e2[8] = { 3, 6, 9, 12, -10, -12, -14, -16 };
    assert_close(y, e2, 8, 0.0f, "groups 2");
    layer_free(l);
}
END_TEST

/* The layer (bias 0, groups 1) computes exactly what core/conv.h's
 * correlate2d_multi / convolve2d_multi compute, sample by sample. */
START_TEST(matches_conv_h)
{
    const struct {
        int C, H, W, OC, KH, KW, sh, sw, pt, pb, pl, pr;
    } g[] = {
        { 3, 7, 6, 2, 3, 2, 2, 1, 1, 0, 1, 1 },  /* reference loops (stride 2) */
        { 2, 6, 9, 3, 3, 5, 1, 1, 1, 2, 0, 1 },  /* stride 1: flattened loops */
        { 4, 5, 5, 3, 5, 5, 1, 1, 0, 0, 0, 0 },  /* kernel = input: dense */
    };
    Rng r;
    rng_seed(&r, 11, 1);
    for (size_t c = 0; c < sizeof g / sizeof g[0]; c++) {
        for (int m = 0; m < 2; m++) {
            const ConvOp mode = m ? CONV_OP_CONVOLVE : CONV_OP_CORRELATE;
            Conv2dConfig cfg = cfg_of(g[c].OC, g[c].KH, g[c].KW, g[c].sh, g[c].sw, g[c].pt, g[c].pb,
                                      g[c].pl, g[c].pr, 1, mode);
            Layer *l = make_conv(&cfg, (CnShape){ g[c].C, g[c].H, g[c].W }, NULL, 5 + c);
            memset(l->param[1].value, 0, l->param[1].n * sizeof(float));
            const int B = 2;
            const size_t nx = shape_size(l->in), ny = shape_size(l->out);
            float *x = alloc_floats(nx * B), *y = alloc_floats(ny * B), *ref = alloc_floats(ny * B);
            fill(x, nx * B, &r, -1, 1);
            l->ops->forward(l, y, x, B);
            for (int n = 0; n < B; n++) {
                int rc = (m ? convolve2d_multi : correlate2d_multi)(
                    ref + n * ny, x + n * nx, g[c].C, g[c].H, g[c].W, l->param[0].value, g[c].OC,
                    g[c].KH, g[c].KW, g[c].sh, g[c].sw, g[c].pt, g[c].pb, g[c].pl, g[c].pr);
                ck_assert_msg(rc == 0, "conv.h: %s", cn_last_error());
            }
            char what[64];
            snprintf(what, sizeof what, "geometry %zu, %s", c, mode_name(mode));
            assert_close(y, ref, ny * B, 1e-5f * fmaxf(1.0f, max_abs(ref, ny * B)), what);
            free(x), free(y), free(ref);
            layer_free(l);
        }
    }
}
END_TEST

/* --- convolve == correlate with rot180 weights --------------------------------------------- */

static void rot180_each(float *dst, const float *src, size_t nk, int KH, int KW)
{
    const size_t T = (size_t)KH * KW;
    for (size_t b = 0; b < nk; b++)
        for (size_t t = 0; t < T; t++) dst[b * T + (T - 1 - t)] = src[b * T + t];
}

START_TEST(convolve_is_correlate_rot180)
{
    const struct {
        int B, C, H, W, OC, KH, KW, sh, sw, pt, pb, pl, pr, groups, table;
    } g[] = {
        { 2, 2, 6, 9, 3, 3, 5, 1, 1, 1, 2, 0, 1, 1, 0 },  /* flattened loops, padding */
        { 2, 3, 8, 7, 2, 3, 2, 2, 3, 1, 1, 0, 2, 1, 0 },  /* reference loops */
        { 2, 4, 5, 5, 6, 5, 5, 1, 1, 0, 0, 0, 0, 2, 0 },  /* dense, groups */
        { 2, 6, 7, 7, 16, 5, 5, 1, 1, 0, 0, 0, 0, 1, 1 }, /* LeNet C3 table */
    };
    Rng r;
    rng_seed(&r, 21, 1);
    for (size_t c = 0; c < sizeof g / sizeof g[0]; c++) {
        const CnShape in = { g[c].C, g[c].H, g[c].W };
        const unsigned char *t = g[c].table ? conv2d_lenet5_c3_table() : NULL;
        Conv2dConfig ca = cfg_of(g[c].OC, g[c].KH, g[c].KW, g[c].sh, g[c].sw, g[c].pt, g[c].pb,
                                 g[c].pl, g[c].pr, g[c].groups, CONV_OP_CORRELATE);
        Conv2dConfig cb = ca;
        cb.op = CONV_OP_CONVOLVE;
        Layer *a = make_conv(&ca, in, t, 40 + c), *b = make_conv(&cb, in, t, 41 + c);
        const size_t nw = a->param[0].n, nk = nw / ((size_t)g[c].KH * g[c].KW);
        rot180_each(b->param[0].value, a->param[0].value, nk, g[c].KH, g[c].KW);
        memcpy(b->param[1].value, a->param[1].value, a->param[1].n * sizeof(float));

        const int B = g[c].B;
        const size_t nx = shape_size(in) * B, ny = shape_size(a->out) * B;
        float *x = alloc_floats(nx), *dy = alloc_floats(ny), *ya = alloc_floats(ny), *yb = alloc_floats(ny);
        float *dxa = alloc_floats(nx), *dxb = alloc_floats(nx), *rot = alloc_floats(nw);
        fill(x, nx, &r, -1, 1);
        fill(dy, ny, &r, -1, 1);
        a->ops->forward(a, ya, x, B);
        b->ops->forward(b, yb, x, B);
        layer_zero_grad(a);
        layer_zero_grad(b);
        a->ops->backward(a, dxa, dy, x, ya, B);
        b->ops->backward(b, dxb, dy, x, yb, B);
        rot180_each(rot, a->param[0].grad, nk, g[c].KH, g[c].KW);

        char what[80];
        const float tol = 1e-5f;
        snprintf(what, sizeof what, "geometry %zu: y", c);
        assert_close(yb, ya, ny, tol * fmaxf(1.0f, max_abs(ya, ny)), what);
        snprintf(what, sizeof what, "geometry %zu: dx", c);
        assert_close(dxb, dxa, nx, tol * fmaxf(1.0f, max_abs(dxa, nx)), what);
        snprintf(what, sizeof what, "geometry %zu: dweight vs rot180", c);
        assert_close(b->param[0].grad, rot, nw, tol * fmaxf(1.0f, max_abs(rot, nw)), what);
        snprintf(what, sizeof what, "geometry %zu: dbias", c);
        assert_close(b->param[1].grad, a->param[1].grad, a->param[1].n, 0.0f, what);
        free(x), free(dy), free(ya), free(yb), free(dxa), free(dxb), free(rot);
        layer_free(a);
        layer_free(b);
    }
}
END_TEST

/* --- fast loops == reference loops ----------------------------------------------------------- */

typedef struct {
    int B, C, H, W, OC, KH, KW, sh, sw, pt, pb, pl, pr, groups, table; /* table: 0 none, 1 C3, 2 random */
} Geo;

/* Each case names the loop family (fast path) it is meant to cover in forward,
 * input gradient and weight gradient; the test checks that it still does. */
typedef struct {
    Geo g;
    ConvPaths path;
} FastCase;

#define PATHS(f, d, w) { CONV_PATH_##f, CONV_PATH_##d, CONV_PATH_##w }
static const FastCase fast_cases[] = {
    { { 3, 6, 14, 14, 16, 5, 5, 1, 1, 0, 0, 0, 0, 1, 1 }, PATHS(WIDE, WIDE, WIDE) }, /* LeNet C3 */
    { { 2, 1, 28, 28, 6, 5, 5, 1, 1, 2, 2, 2, 2, 1, 0 }, PATHS(WIDE, WIDE, WIDE5) }, /* LeNet C1, padded */
    { { 2, 4, 6, 9, 6, 3, 5, 1, 1, 1, 2, 0, 1, 2, 0 }, PATHS(WIDE, WIDE, WIDE5) }, /* non-square, asymmetric padding, groups */
    { { 3, 16, 5, 5, 12, 5, 5, 1, 1, 0, 0, 0, 0, 1, 0 }, PATHS(DENSE, DENSE, DENSE) }, /* LeNet C5: dense */
    { { 3, 16, 5, 5, 12, 5, 5, 1, 1, 0, 0, 0, 0, 4, 0 }, PATHS(DENSE, DENSE, DENSE) }, /* dense, groups */
    { { 3, 6, 5, 5, 4, 5, 5, 1, 1, 0, 0, 0, 0, 1, 2 }, PATHS(DENSE, DENSE, DENSE) }, /* dense, random table */
    { { 2, 3, 5, 7, 4, 1, 1, 1, 1, 0, 0, 0, 0, 1, 0 }, PATHS(WIDE, WIDE, WIDE) }, /* 1x1 kernel */
    { { 2, 2, 3, 3, 3, 2, 3, 1, 1, 1, 0, 2, 1, 1, 2 }, PATHS(WIDE, WIDE, WIDE) }, /* tiny input, random table */
    { { 1, 1, 56, 56, 2, 5, 5, 1, 1, 2, 2, 2, 2, 1, 0 }, PATHS(WIDE, WIDE, WIDE5) }, /* largest plane of the fast path */
    { { 2, 3, 20, 200, 2, 3, 3, 1, 1, 1, 1, 1, 1, 1, 0 }, PATHS(TAPMAJOR, TAPMAJOR, TAPMAJOR) }, /* too large for the flattened planes: tap-major */
    { { 2, 24, 13, 13, 48, 3, 3, 1, 1, 1, 1, 1, 1, 1, 0 }, PATHS(BLOCKED, BLOCKED, BLOCKED) }, /* AlexNet-mini conv2: blocked loops */
    { { 2, 32, 6, 6, 28, 3, 3, 1, 1, 1, 1, 1, 1, 2, 0 }, PATHS(BLOCKED, BLOCKED, BLOCKED) }, /* blocked, groups, 14 maps a group (not 4k, 8k) */
    { { 2, 12, 9, 9, 13, 5, 5, 1, 1, 0, 0, 0, 0, 1, 0 }, PATHS(BLOCKED, BLOCKED, BLOCKED) }, /* blocked, 5x5, no padding, 13 maps */
    { { 3, 6, 14, 14, 16, 5, 5, 1, 1, 0, 0, 0, 0, 1, 0 }, PATHS(BLOCKED, BLOCKED, BLOCKED) }, /* modern C3: blocked, input gradient in 3s */
    { { 2, 9, 7, 7, 7, 3, 3, 1, 1, 1, 1, 1, 1, 1, 0 }, PATHS(BLOCKED, BLOCKED, BLOCKED) }, /* blocks of 3 (9 inputs), last of 4 (7); dw: row 2 of 2 maps a pass, the 9th alone */
    { { 2, 1, 28, 28, 5, 5, 5, 1, 1, 2, 2, 2, 2, 1, 0 }, PATHS(WIDE, WIDE, WIDE5) }, /* padded 5-wide, weight gradient by maps, short block */
    { { 2, 2, 12, 12, 8, 5, 5, 1, 1, 2, 2, 2, 2, 2, 0 }, PATHS(WIDE, WIDE, WIDE5) }, /* the same in 2 groups of 4 maps */
    { { 2, 6, 9, 8, 7, 4, 3, 1, 1, 1, 0, 1, 1, 1, 0 }, PATHS(BLOCKED, BLOCKED, BLOCKED) }, /* blocked, 3-wide in passes of 3 rows, then 1 row */
    { { 2, 7, 8, 10, 9, 2, 7, 1, 1, 0, 1, 2, 1, 1, 0 }, PATHS(BLOCKED, BLOCKED, BLOCKED) }, /* blocked, 7-wide: weight gradient 3 taps a pass */
    { { 2, 4, 11, 11, 6, 3, 3, 2, 2, 1, 1, 1, 1, 2, 0 }, PATHS(TAPMAJOR, TAPMAJOR, TAPMAJOR) }, /* stride 2 */
    { { 2, 40, 5, 7, 17, 3, 3, 1, 1, 1, 1, 1, 1, 1, 0 }, PATHS(BLOCKED, BLOCKED, BLOCKED) }, /* maps along the vectors: blocks 16+8 (17 maps), 16+16+8 (40), 35-pixel planes */
    { { 2, 20, 8, 8, 24, 5, 5, 1, 1, 0, 0, 0, 0, 1, 0 }, PATHS(BLOCKED, BLOCKED, BLOCKED) }, /* the same, 5x5 unpadded: the input gradient skips rows of zeros */
    { { 9, 12, 13, 13, 12, 3, 3, 1, 1, 1, 1, 1, 1, 2, 0 }, PATHS(BLOCKED, BLOCKED, BLOCKED) }, /* weight gradient over samples in chunks (6 + 3), 2 groups */
    { { 2, 6, 36, 36, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1, 0 }, PATHS(BLOCKED, BLOCKED, WIDE) }, /* dy of one sample too large for dw_blocked's scratch: blocked forward, wide weight gradient */
    { { 7, 16, 5, 5, 12, 5, 5, 1, 1, 0, 0, 0, 0, 1, 0 }, PATHS(DENSE, DENSE, DENSE) }, /* dense backward in blocks of samples and maps, full and short (AVX2: 5 + 2, 5 + 5 + 2) */
};

/* The kernels' geometry of case g with output OH x OW. */
static Conv2dGeom geom_of(const Geo *g, int OH, int OW, ConvOp mode)
{
    return (Conv2dGeom){ .B = g->B, .C = g->C, .H = g->H, .W = g->W, .OC = g->OC, .OH = OH, .OW = OW,
                         .KH = g->KH, .KW = g->KW, .sh = g->sh, .sw = g->sw, .pt = g->pt, .pl = g->pl,
                         .groups = g->groups, .op = mode };
}

static unsigned char *table_for(const Geo *g, Rng *r)
{
    if (g->table == 1) {
        unsigned char *t = malloc(96);
        ck_assert_ptr_nonnull(t);
        memcpy(t, conv2d_lenet5_c3_table(), 96);
        return t;
    }
    if (g->table == 2) {
        const int Cg = g->C / g->groups;
        unsigned char *t = malloc((size_t)g->OC * Cg);
        ck_assert_ptr_nonnull(t);
        random_table(t, g->OC, Cg, r);
        return t;
    }
    return NULL;
}

START_TEST(fast_matches_reference)
{
    Rng r;
    rng_seed(&r, 31, 1);
    for (size_t c = 0; c < sizeof fast_cases / sizeof fast_cases[0]; c++) {
        const Geo *g = &fast_cases[c].g;
        const int OH = conv_out_size(g->H, g->KH, g->sh, g->pt, g->pb);
        const int OW = conv_out_size(g->W, g->KW, g->sw, g->pl, g->pr);
        ck_assert(OH > 0 && OW > 0);
        const size_t nx = (size_t)g->B * g->C * g->H * g->W, ny = (size_t)g->B * g->OC * OH * OW;
        const size_t nw = (size_t)g->OC * (g->C / g->groups) * g->KH * g->KW;
        unsigned char *t = table_for(g, &r);
        float *x = alloc_floats(nx), *w = alloc_floats(nw), *b = alloc_floats(g->OC), *dy = alloc_floats(ny);
        float *y1 = alloc_floats(ny), *y2 = alloc_floats(ny), *dx1 = alloc_floats(nx), *dx2 = alloc_floats(nx);
        float *dw1 = alloc_floats(nw), *dw2 = alloc_floats(nw), *db1 = alloc_floats(g->OC), *db2 = alloc_floats(g->OC);
        fill(x, nx, &r, -1, 1);
        fill(w, nw, &r, -1, 1);
        fill(b, g->OC, &r, -1, 1);
        fill(dy, ny, &r, -1, 1);
        for (int m = 0; m < 2; m++) {
            const ConvOp mode = m ? CONV_OP_CONVOLVE : CONV_OP_CORRELATE;
            const Conv2dGeom geom = geom_of(g, OH, OW, mode);
            const ConvPaths path = conv2d_paths(&geom, t), want = fast_cases[c].path;
            ck_assert_msg(path.fwd == want.fwd && path.dx == want.dx && path.dw == want.dw,
                          "case %zu takes the %s / %s / %s loops, not %s / %s / %s", c,
                          conv_path_name(path.fwd), conv_path_name(path.dx), conv_path_name(path.dw),
                          conv_path_name(want.fwd), conv_path_name(want.dx), conv_path_name(want.dw));
            conv2d_forward(y1, x, w, b, t, &geom);
            conv2d_forward_naive(y2, x, w, b, t, &geom);
            /* Start from nonzero gradients: both must ADD to them. */
            for (size_t i = 0; i < nx; i++) dx1[i] = dx2[i] = 0.25f;
            for (size_t i = 0; i < nw; i++) dw1[i] = dw2[i] = 0.5f;
            for (int i = 0; i < g->OC; i++) db1[i] = db2[i] = -1.0f;
            conv2d_backward(dx1, dw1, db1, dy, x, w, t, &geom);
            conv2d_backward_naive(dx2, dw2, db2, dy, x, w, t, &geom);
            char what[80];
            const float tol = 2e-6f;
            snprintf(what, sizeof what, "case %zu %s: y", c, mode_name(mode));
            assert_close(y1, y2, ny, tol * fmaxf(1.0f, max_abs(y2, ny)) * 4, what);
            if (path.fwd == CONV_PATH_DENSE && !t && mode == CONV_OP_CORRELATE) {
                /* dense_forward adds the reference's terms in its order */
                snprintf(what, sizeof what, "case %zu %s: dense y", c, mode_name(mode));
                assert_same_bits(y1, y2, ny, what);
            }
            snprintf(what, sizeof what, "case %zu %s: dx", c, mode_name(mode));
            assert_close(dx1, dx2, nx, tol * fmaxf(1.0f, max_abs(dx2, nx)) * 4, what);
            snprintf(what, sizeof what, "case %zu %s: dweight", c, mode_name(mode));
            assert_close(dw1, dw2, nw, tol * fmaxf(1.0f, max_abs(dw2, nw)) * 16, what);
            snprintf(what, sizeof what, "case %zu %s: dbias", c, mode_name(mode));
            assert_close(db1, db2, g->OC, tol * fmaxf(1.0f, max_abs(db2, g->OC)) * 16, what);
            if (t) {
                /* Removed pairs: their gradient is never touched. */
                const int Cg = g->C / g->groups, T = g->KH * g->KW;
                for (int o = 0; o < g->OC; o++)
                    for (int j = 0; j < Cg; j++)
                        if (!t[o * Cg + j])
                            for (int k = 0; k < T; k++)
                                ck_assert_msg(dw1[((size_t)o * Cg + j) * T + k] == 0.5f,
                                              "case %zu: gradient of removed pair (%d, %d) changed", c, o, j);
            }
            /* Switched to the reference loops, conv2d_forward/backward are them, bit for bit. */
            conv_set_loops(CONV_LOOPS_NAIVE);
            const ConvPaths naive = conv2d_paths(&geom, t);
            ck_assert(naive.fwd == CONV_PATH_NAIVE && naive.dx == CONV_PATH_NAIVE && naive.dw == CONV_PATH_NAIVE);
            for (size_t i = 0; i < nx; i++) dx1[i] = 0.25f;
            for (size_t i = 0; i < nw; i++) dw1[i] = 0.5f;
            for (int i = 0; i < g->OC; i++) db1[i] = -1.0f;
            conv2d_forward(y1, x, w, b, t, &geom);
            conv2d_backward(dx1, dw1, db1, dy, x, w, t, &geom);
            conv_set_loops(CONV_LOOPS_FAST);
            snprintf(what, sizeof what, "case %zu %s on the naive loops", c, mode_name(mode));
            assert_same_bits(y1, y2, ny, what);
            assert_same_bits(dx1, dx2, nx, what);
            assert_same_bits(dw1, dw2, nw, what);
            assert_same_bits(db1, db2, g->OC, what);
        }
        free(t), free(x), free(w), free(b), free(dy), free(y1), free(y2), free(dx1), free(dx2);
        free(dw1), free(dw2), free(db1), free(db2);
    }
}
END_TEST

/* --- gradient checks --------------------------------------------------------------------------- */

static void grad_case(int B, CnShape in, Conv2dConfig cfg, const unsigned char *table, uint64_t seed,
                      const char *name)
{
    for (int m = 0; m < 2; m++) {
        cfg.op = m ? CONV_OP_CONVOLVE : CONV_OP_CORRELATE;
        Layer *l = make_conv(&cfg, in, table, seed);
        char what[96];
        snprintf(what, sizeof what, "conv %s (%s)", name, mode_name(cfg.op));
        check_grad(l, B, seed + 1, what);
        layer_free(l);
    }
}

START_TEST(grad_basic)
{
    grad_case(2, (CnShape){ 2, 6, 6 }, cfg_of(3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 0), NULL, 100,
              "2->3 3x3 pad 1 on 6x6");
    grad_case(3, (CnShape){ 1, 8, 8 }, cfg_of(2, 5, 5, 1, 1, 2, 2, 2, 2, 1, 0), NULL, 101,
              "1->2 5x5 pad 2 on 8x8");
}
END_TEST

START_TEST(grad_stride)
{
    /* 8x8, 3x3, stride 2: (8-3)/2 is not whole, the last row/column is never read. */
    grad_case(2, (CnShape){ 2, 8, 8 }, cfg_of(3, 3, 3, 2, 2, 0, 0, 0, 0, 1, 0), NULL, 110,
              "3x3 stride 2 on 8x8");
    grad_case(2, (CnShape){ 2, 8, 8 }, cfg_of(2, 3, 3, 2, 2, 1, 1, 1, 1, 1, 0), NULL, 111,
              "3x3 stride 2 pad 1 on 8x8");
    grad_case(2, (CnShape){ 2, 9, 7 }, cfg_of(2, 3, 2, 3, 2, 1, 2, 0, 1, 1, 0), NULL, 112,
              "3x2 stride (3,2) asymmetric pad on 9x7");
}
END_TEST

START_TEST(grad_nonsquare)
{
    grad_case(2, (CnShape){ 2, 6, 9 }, cfg_of(2, 3, 5, 1, 1, 0, 0, 0, 0, 1, 0), NULL, 120,
              "3x5 on 6x9");
    /* Padding on every side, different on each. */
    grad_case(2, (CnShape){ 2, 6, 9 }, cfg_of(2, 3, 5, 1, 1, 1, 2, 3, 1, 1, 0), NULL, 121,
              "3x5 on 6x9 pad t1 b2 l3 r1");
}
END_TEST

START_TEST(grad_groups)
{
    grad_case(2, (CnShape){ 4, 5, 5 }, cfg_of(6, 3, 3, 1, 1, 1, 1, 1, 1, 2, 0), NULL, 130,
              "groups 2: 4->6 3x3");
    grad_case(2, (CnShape){ 6, 5, 6 }, cfg_of(9, 3, 2, 1, 1, 1, 0, 0, 1, 3, 0), NULL, 131,
              "groups 3: 6->9 3x2");
    grad_case(2, (CnShape){ 6, 7, 7 }, cfg_of(3, 3, 3, 2, 2, 1, 1, 1, 1, 3, 0), NULL, 132,
              "groups 3 stride 2: 6->3");
}
END_TEST

START_TEST(grad_tables)
{
    Rng r;
    rng_seed(&r, 140, 1);
    unsigned char t[5 * 4];
    random_table(t, 5, 4, &r);
    grad_case(2, (CnShape){ 4, 6, 6 }, cfg_of(5, 3, 3, 1, 1, 1, 1, 1, 1, 1, 0), t, 141,
              "random table 4->5 3x3 pad 1");
    grad_case(2, (CnShape){ 4, 7, 7 }, cfg_of(5, 3, 3, 2, 2, 0, 1, 0, 1, 1, 0), t, 142,
              "random table 4->5 3x3 stride 2");
    grad_case(2, (CnShape){ 6, 7, 7 }, cfg_of(16, 5, 5, 1, 1, 0, 0, 0, 0, 1, 0),
              conv2d_lenet5_c3_table(), 143, "LeNet C3 table 6->16 5x5 on 7x7");
}
END_TEST

START_TEST(grad_dense)
{
    /* The kernel covers the whole input: one output pixel per map (LeNet's C5). */
    grad_case(3, (CnShape){ 4, 5, 5 }, cfg_of(6, 5, 5, 1, 1, 0, 0, 0, 0, 1, 0), NULL, 150,
              "dense 4->6 5x5 on 5x5");
    grad_case(2, (CnShape){ 4, 3, 4 }, cfg_of(4, 3, 4, 1, 1, 0, 0, 0, 0, 2, 0), NULL, 151,
              "dense groups 2 3x4 on 3x4");
    Rng r;
    rng_seed(&r, 152, 1);
    unsigned char t[6 * 4];
    random_table(t, 6, 4, &r);
    grad_case(2, (CnShape){ 4, 5, 5 }, cfg_of(6, 5, 5, 1, 1, 0, 0, 0, 0, 1, 0), t, 153,
              "dense random table 4->6");
}
END_TEST

/* --- LeNet-5's C3 table --------------------------------------------------------------------------- */

START_TEST(lenet_c3_table)
{
    const unsigned char *t = conv2d_lenet5_c3_table();
    /* The structure of Table I, map by map. */
    static const unsigned char sets[3][6] = { { 1, 1, 0, 1, 1, 0 }, { 0, 1, 1, 0, 1, 1 }, { 1, 0, 1, 1, 0, 1 } };
    int total = 0;
    for (int o = 0; o < 16; o++) {
        for (int i = 0; i < 6; i++) {
            int want;
            if (o < 6) want = ((i - o + 6) % 6) < 3;
            else if (o < 12) want = ((i - (o - 6) + 6) % 6) < 4;
            else if (o < 15) want = sets[o - 12][i];
            else want = 1;
            ck_assert_msg(t[o * 6 + i] == want, "C3 map %d, S2 map %d: table has %d, paper %d", o, i,
                          t[o * 6 + i], want);
            total += t[o * 6 + i];
        }
    }
    ck_assert_int_eq(total, 60);

    Conv2dConfig cfg = cfg_of(16, 5, 5, 1, 1, 0, 0, 0, 0, 1, CONV_OP_CORRELATE);
    Layer *l = conv2d_create_cfg(&cfg);
    ck_assert_int_eq(conv2d_set_table(l, 6, t), 0);
    ck_assert_int_eq(layer_setup(l, (CnShape){ 6, 14, 14 }), 0);
    Conv2d *c = conv2d_of(l);
    ck_assert_ptr_nonnull(c);
    ck_assert_uint_eq(c->connections, 60);
    ck_assert_uint_eq(layer_param_count(l), 1516);
    ck_assert_uint_eq(l->param[0].trainable, 1500);
    ck_assert_uint_eq(l->param[0].n, 2400);
    ck_assert_double_eq(l->madds, 150000.0);
    ck_assert_int_eq(l->out.c, 16);
    ck_assert_int_eq(l->out.h, 10);
    ck_assert_int_eq(l->out.w, 10);

    /* LeNet's init: U(-2.4/F, 2.4/F) with F = this map's connected inputs * 25. */
    Rng r;
    rng_seed(&r, 160, 1);
    layer_init(l, INIT_LECUN_UNIFORM, &r);
    for (int o = 0; o < 16; o++) {
        int nin = 0;
        for (int i = 0; i < 6; i++) nin += t[o * 6 + i];
        const float bound = 2.4f / (float)(nin * 25);
        float seen = 0.0f;
        for (int i = 0; i < 6; i++) {
            const float *k = l->param[0].value + ((size_t)o * 6 + i) * 25;
            for (int q = 0; q < 25; q++) {
                if (!t[o * 6 + i])
                    ck_assert_msg(k[q] == 0.0f, "map %d input %d: removed weight is %g", o, i, (double)k[q]);
                else
                    ck_assert_msg(fabsf(k[q]) <= bound, "map %d: weight %g outside +-%g", o, (double)k[q],
                                  (double)bound);
                seen = fmaxf(seen, fabsf(k[q]));
            }
        }
        ck_assert_msg(seen > 0.5f * bound, "map %d: weights fill only +-%g of +-%g", o, (double)seen, (double)bound);
    }
    for (int o = 0; o < 16; o++) ck_assert_float_eq(l->param[1].value[o], 0.0f);
    layer_free(l);

    /* A table set after setup zeroes the removed weights at once. */
    l = conv2d_create_cfg(&cfg);
    ck_assert_int_eq(layer_setup(l, (CnShape){ 6, 14, 14 }), 0);
    for (size_t i = 0; i < l->param[0].n; i++) l->param[0].value[i] = 1.0f;
    ck_assert_uint_eq(layer_param_count(l), 2416);
    ck_assert_int_eq(conv2d_set_table(l, 6, t), 0);
    ck_assert_uint_eq(layer_param_count(l), 1516);
    size_t ones = 0;
    for (size_t i = 0; i < l->param[0].n; i++) ones += l->param[0].value[i] == 1.0f;
    ck_assert_uint_eq(ones, 1500);
    ck_assert_int_eq(conv2d_set_table(l, 6, NULL), 0);
    ck_assert_uint_eq(layer_param_count(l), 2416);
    layer_free(l);
}
END_TEST

/* Removed weights stay exactly 0 through backward and an SGD step with
 * momentum and weight decay (their gradient is exactly 0). */
START_TEST(masked_weights_stay_zero)
{
    const unsigned char *t = conv2d_lenet5_c3_table();
    for (int m = 0; m < 2; m++) {
        Conv2dConfig cfg = cfg_of(16, 5, 5, 1, 1, 0, 0, 0, 0, 1, m ? CONV_OP_CONVOLVE : CONV_OP_CORRELATE);
        Layer *l = make_conv(&cfg, (CnShape){ 6, 14, 14 }, t, 170);
        const int B = 4;
        const size_t nx = shape_size(l->in) * B, ny = shape_size(l->out) * B, nw = l->param[0].n;
        float *x = alloc_floats(nx), *y = alloc_floats(ny), *dy = alloc_floats(ny), *dx = alloc_floats(nx);
        float *vel = alloc_floats(nw), *before = alloc_floats(nw);
        Rng r;
        rng_seed(&r, 171, 1);
        memcpy(before, l->param[0].value, nw * sizeof(float));
        for (int step = 0; step < 3; step++) {
            fill(x, nx, &r, -1, 1);
            fill(dy, ny, &r, -1, 1);
            layer_zero_grad(l);
            l->ops->forward(l, y, x, B);
            l->ops->backward(l, dx, dy, x, y, B);
            for (size_t i = 0; i < nw; i++) {
                float *w = &l->param[0].value[i];
                vel[i] = 0.9f * vel[i] - 0.1f * (l->param[0].grad[i] + 5e-4f * *w);
                *w += vel[i];
            }
        }
        size_t changed = 0;
        for (int o = 0; o < 16; o++)
            for (int i = 0; i < 6; i++)
                for (int q = 0; q < 25; q++) {
                    const size_t at = ((size_t)o * 6 + i) * 25 + q;
                    if (!t[o * 6 + i]) {
                        ck_assert_msg(l->param[0].grad[at] == 0.0f, "grad of removed weight %zu is %g", at,
                                      (double)l->param[0].grad[at]);
                        ck_assert_msg(l->param[0].value[at] == 0.0f, "removed weight %zu became %g", at,
                                      (double)l->param[0].value[at]);
                    } else {
                        changed += l->param[0].value[at] != before[at];
                    }
                }
        ck_assert_uint_eq(changed, 1500);
        free(x), free(y), free(dy), free(dx), free(vel), free(before);
        layer_free(l);
    }
}
END_TEST

/* --- threads ------------------------------------------------------------------------------------- */

/* Forward and backward with 1 and with 2 threads give the same bits. */
START_TEST(threads_bit_identical)
{
    const Geo cases[] = {
        { 8, 6, 14, 14, 16, 5, 5, 1, 1, 0, 0, 0, 0, 1, 1 },  /* C3, flattened loops */
        { 8, 1, 28, 28, 6, 5, 5, 1, 1, 2, 2, 2, 2, 1, 0 },   /* C1, padded */
        { 16, 16, 5, 5, 120, 5, 5, 1, 1, 0, 0, 0, 0, 1, 0 }, /* C5, dense */
        { 4, 4, 16, 16, 8, 3, 3, 2, 2, 1, 1, 1, 1, 2, 0 },   /* tap-major loops */
    };
    Rng r;
    rng_seed(&r, 180, 1);
    const int saved = omp_get_max_threads();
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const Geo *g = &cases[c];
        const int OH = conv_out_size(g->H, g->KH, g->sh, g->pt, g->pb);
        const int OW = conv_out_size(g->W, g->KW, g->sw, g->pl, g->pr);
        const size_t nx = (size_t)g->B * g->C * g->H * g->W, ny = (size_t)g->B * g->OC * OH * OW;
        const size_t nw = (size_t)g->OC * (g->C / g->groups) * g->KH * g->KW;
        ck_assert_msg((double)ny * (g->C / g->groups) * g->KH * g->KW >= 32768.0,
                      "case %zu is too small to run on several threads", c);
        unsigned char *t = table_for(g, &r);
        float *x = alloc_floats(nx), *w = alloc_floats(nw), *b = alloc_floats(g->OC), *dy = alloc_floats(ny);
        float *y[2], *dx[2], *dw[2], *db[2];
        for (int k = 0; k < 2; k++) {
            y[k] = alloc_floats(ny), dx[k] = alloc_floats(nx), dw[k] = alloc_floats(nw), db[k] = alloc_floats(g->OC);
        }
        fill(x, nx, &r, -1, 1);
        fill(w, nw, &r, -1, 1);
        fill(b, g->OC, &r, -1, 1);
        fill(dy, ny, &r, -1, 1);
        for (int m = 0; m < 4; m++) { /* both modes, on the fast and on the reference loops */
            const ConvOp mode = m & 1 ? CONV_OP_CONVOLVE : CONV_OP_CORRELATE;
            conv_set_loops(m >> 1 ? CONV_LOOPS_NAIVE : CONV_LOOPS_FAST);
            for (int k = 0; k < 2; k++) {
                omp_set_num_threads(k + 1);
                memset(dx[k], 0, nx * sizeof(float));
                memset(dw[k], 0, nw * sizeof(float));
                memset(db[k], 0, g->OC * sizeof(float));
                const Conv2dGeom geom = geom_of(g, OH, OW, mode);
                conv2d_forward(y[k], x, w, b, t, &geom);
                conv2d_backward(dx[k], dw[k], db[k], dy, x, w, t, &geom);
            }
            conv_set_loops(CONV_LOOPS_FAST);
            char what[64];
            snprintf(what, sizeof what, "case %zu %s %s: y", c, mode_name(mode), m >> 1 ? "naive" : "fast");
            assert_same_bits(y[0], y[1], ny, what);
            snprintf(what, sizeof what, "case %zu %s %s: dx", c, mode_name(mode), m >> 1 ? "naive" : "fast");
            assert_same_bits(dx[0], dx[1], nx, what);
            snprintf(what, sizeof what, "case %zu %s %s: dweight", c, mode_name(mode), m >> 1 ? "naive" : "fast");
            assert_same_bits(dw[0], dw[1], nw, what);
            snprintf(what, sizeof what, "case %zu %s %s: dbias", c, mode_name(mode), m >> 1 ? "naive" : "fast");
            assert_same_bits(db[0], db[1], g->OC, what);
        }
        free(t), free(x), free(w), free(b), free(dy);
        for (int k = 0; k < 2; k++) free(y[k]), free(dx[k]), free(dw[k]), free(db[k]);
    }
    omp_set_num_threads(saved);
}
END_TEST

/* --- bookkeeping and errors ------------------------------------------------------------------------ */

START_TEST(layer_numbers)
{
    /* LeNet-5 C1 as usually run on 28x28 digits: 1->6, 5x5, padding 2. */
    Layer *l = conv2d_create(6, 5, 5, 1, 2, 1, CONV_OP_CORRELATE);
    ck_assert_int_eq(layer_setup(l, (CnShape){ 1, 28, 28 }), 0);
    ck_assert_str_eq(l->ops->kind, "conv");
    ck_assert_int_eq(l->out.c, 6);
    ck_assert_int_eq(l->out.h, 28);
    ck_assert_int_eq(l->out.w, 28);
    ck_assert_uint_eq(layer_param_count(l), 156);
    ck_assert_double_eq(l->madds, 117600.0);
    ck_assert_int_eq(l->rf_k, 5);
    ck_assert_int_eq(l->rf_s, 1);
    ck_assert_int_eq(l->rf_p, 2);
    ck_assert_int_eq(l->fan_in, 25);
    ck_assert_int_eq(l->fan_out, 150);
    ck_assert_int_eq(l->param[0].decay, 1);
    ck_assert_int_eq(l->param[1].decay, 0);
    ck_assert_str_eq(l->param[0].name, "weight");
    ck_assert_str_eq(l->param[1].name, "bias");
    layer_free(l);

    /* Groups: each map sees C/G inputs. */
    l = conv2d_create(6, 3, 3, 1, 1, 2, CONV_OP_CONVOLVE);
    ck_assert_int_eq(layer_setup(l, (CnShape){ 4, 8, 8 }), 0);
    ck_assert_int_eq(l->param[0].dims[0], 6);
    ck_assert_int_eq(l->param[0].dims[1], 2);
    ck_assert_int_eq(l->param[0].dims[2], 3);
    ck_assert_int_eq(l->param[0].dims[3], 3);
    ck_assert_uint_eq(layer_param_count(l), 6 * 2 * 9 + 6);
    ck_assert_int_eq(l->fan_in, 18);
    ck_assert_int_eq(l->fan_out, 27);
    ck_assert_double_eq(l->madds, 64.0 * 6 * 18);
    layer_free(l);

    /* AlexNet's first layer at its published size: 3->96, 11x11, stride 4, 227x227 -> 55x55. */
    l = conv2d_create(96, 11, 11, 4, 0, 1, CONV_OP_CORRELATE);
    ck_assert_int_eq(layer_setup(l, (CnShape){ 3, 227, 227 }), 0);
    ck_assert_int_eq(l->out.h, 55);
    ck_assert_int_eq(l->out.w, 55);
    ck_assert_uint_eq(layer_param_count(l), 34944);
    layer_free(l);
}
END_TEST

START_TEST(bad_arguments)
{
    ck_assert_ptr_null(conv2d_create(0, 3, 3, 1, 0, 1, CONV_OP_CORRELATE));
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "conv"));
    ck_assert_ptr_null(conv2d_create(4, 3, 0, 1, 0, 1, CONV_OP_CORRELATE));
    ck_assert_ptr_null(conv2d_create(4, 3, 3, 0, 0, 1, CONV_OP_CORRELATE));
    ck_assert_ptr_null(conv2d_create(4, 3, 3, 1, -1, 1, CONV_OP_CORRELATE));
    ck_assert_ptr_null(conv2d_create(4, 3, 3, 1, 0, 3, CONV_OP_CORRELATE));
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "groups"));
    ck_assert_ptr_null(conv2d_create(4, 3, 3, 1, 0, 1, (ConvOp)7));
    ck_assert_ptr_null(conv2d_create_cfg(NULL));

    Layer *l = conv2d_create(4, 3, 3, 1, 0, 2, CONV_OP_CORRELATE);
    ck_assert_int_eq(layer_setup(l, (CnShape){ 3, 8, 8 }), -1);
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "groups"));
    layer_free(l);

    l = conv2d_create(4, 5, 5, 1, 0, 1, CONV_OP_CORRELATE);
    ck_assert_int_eq(layer_setup(l, (CnShape){ 1, 4, 8 }), -1);
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "larger"));
    const unsigned char zero_row[4 * 2] = { 1, 0, 0, 0, 1, 1, 0, 1 };
    ck_assert_int_eq(conv2d_set_table(l, 2, zero_row), -1);
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "map 1"));
    const unsigned char ok[4 * 2] = { 1, 0, 0, 1, 1, 1, 0, 1 };
    ck_assert_int_eq(conv2d_set_table(l, 2, ok), 0);
    ck_assert_int_eq(layer_setup(l, (CnShape){ 3, 8, 8 }), -1); /* table is for 2 inputs */
    ck_assert_int_eq(layer_setup(l, (CnShape){ 2, 8, 8 }), 0);
    ck_assert_int_eq(conv2d_set_table(l, 3, ok), -1);
    layer_free(l);

    ck_assert_int_eq(conv2d_set_table(NULL, 2, ok), -1);
    ck_assert_ptr_null(conv2d_of(NULL));
}
END_TEST

/* --- the loops switch ------------------------------------------------------------------------------- */

/* The loops' names, and CONVNET_LOOPS: a bad value is refused with a message
 * naming it and the allowed ones. (fast_matches_reference runs each case on
 * the naive loops too.) */
START_TEST(loops_switch)
{
    const Geo *g = &fast_cases[10].g; /* blocked on the fast loops */
    const Conv2dGeom geom = geom_of(g, g->H, g->W, CONV_OP_CORRELATE);
    ck_assert_int_eq(conv2d_paths(&geom, NULL).fwd, CONV_PATH_BLOCKED);
    ck_assert_str_eq(conv_loops_name(), "fast (blocked, vectorized)");
    conv_set_loops(CONV_LOOPS_NAIVE);
    ck_assert_int_eq(conv_loops(), CONV_LOOPS_NAIVE);
    ck_assert_str_eq(conv_loops_name(), "naive (reference)");
    ck_assert_int_eq(conv2d_paths(&geom, NULL).fwd, CONV_PATH_NAIVE);
    conv_set_loops(CONV_LOOPS_FAST);

    ck_assert_int_eq(setenv("CONVNET_LOOPS", "naive", 1), 0);
    ck_assert_int_eq(conv_loops_from_env(), 0);
    ck_assert_int_eq(conv_loops(), CONV_LOOPS_NAIVE);
    ck_assert_int_eq(setenv("CONVNET_LOOPS", "fast", 1), 0);
    ck_assert_int_eq(conv_loops_from_env(), 0);
    ck_assert_int_eq(conv_loops(), CONV_LOOPS_FAST);
    ck_assert_int_eq(setenv("CONVNET_LOOPS", "navie", 1), 0);
    ck_assert_int_eq(conv_loops_from_env(), -1);
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "navie"));
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "naive"));
    ck_assert_int_eq(conv_loops(), CONV_LOOPS_FAST);
    unsetenv("CONVNET_LOOPS");
}
END_TEST

/* Training on either loops: both LeNet-5s (every fast family but tap-major:
 * flattened planes, 5-wide by maps, blocked, dense, the C3 table) take the
 * same SGD steps on the fast and the reference loops, up to rounding. */
static void train_steps(Net *net, int loops, float *loss, int steps)
{
    const CnShape in = net_layer(net, 0)->in, out = net_out_shape(net);
    const int B = 8, K = (int)shape_size(out);
    const size_t nx = shape_size(in) * (size_t)B;
    float *x = alloc_floats(nx), *probs = alloc_floats((size_t)B * K), *dl = alloc_floats((size_t)B * K);
    unsigned char labels[8];
    Rng r;
    rng_seed(&r, 7, 1);
    lenet5_init(net, 3);
    Sgd *sgd = sgd_create(net, 0.0f, 0.0f);
    ck_assert_ptr_nonnull(sgd);
    conv_set_loops(loops);
    for (int s = 0; s < steps; s++) {
        fill(x, nx, &r, -1, 1);
        for (int i = 0; i < B; i++) labels[i] = (unsigned char)(rng_u32(&r) % (unsigned)K);
        net_zero_grad(net);
        loss[s] = softmax_ce_forward(probs, net_forward(net, x, B), labels, B, K);
        ck_assert_msg(isfinite(loss[s]) && loss[s] < 20.0f, "loss of step %d is %g: training diverged", s, (double)loss[s]);
        softmax_ce_backward(dl, probs, labels, B, K);
        ck_assert_int_eq(net_backward(net, dl, B), 0);
        sgd_step(sgd, 0.002f);
    }
    conv_set_loops(CONV_LOOPS_FAST);
    sgd_free(sgd);
    free(x), free(probs), free(dl);
}

START_TEST(training_on_both_loops)
{
    enum { STEPS = 5 };
    for (int classic = 0; classic < 2; classic++) {
        Net *net[2];
        float loss[2][STEPS];
        for (int v = 0; v < 2; v++) {
            net[v] = classic ? lenet5_classic() : lenet5_modern();
            ck_assert_ptr_nonnull(net[v]);
            train_steps(net[v], v ? CONV_LOOPS_NAIVE : CONV_LOOPS_FAST, loss[v], STEPS);
        }
        char what[80];
        for (int s = 0; s < STEPS; s++) {
            snprintf(what, sizeof what, "%s: loss of step %d", classic ? "classic" : "modern", s);
            assert_close(&loss[0][s], &loss[1][s], 1, 1e-5f * fmaxf(1.0f, fabsf(loss[1][s])), what);
        }
        for (int k = 0; k < net_nparams(net[0]); k++) {
            const CnParam *a = net_param(net[0], k, NULL), *b = net_param(net[1], k, NULL);
            snprintf(what, sizeof what, "%s: %s after %d steps", classic ? "classic" : "modern", a->name, STEPS);
            assert_close(a->value, b->value, a->n, 1e-5f * fmaxf(1.0f, max_abs(b->value, b->n)), what);
        }
        net_free(net[0]);
        net_free(net[1]);
    }
}
END_TEST

Suite *conv_layer_suite(void)
{
    Suite *s = suite_create("conv_layer");
    TCase *tc = tcase_create("forward");
    tcase_add_test(tc, forward_fixture);
    tcase_add_test(tc, forward_channels_and_groups);
    tcase_add_test(tc, matches_conv_h);
    tcase_add_test(tc, convolve_is_correlate_rot180);
    tcase_add_test(tc, fast_matches_reference);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);

    tc = tcase_create("backward");
    tcase_add_test(tc, grad_basic);
    tcase_add_test(tc, grad_stride);
    tcase_add_test(tc, grad_nonsquare);
    tcase_add_test(tc, grad_groups);
    tcase_add_test(tc, grad_tables);
    tcase_add_test(tc, grad_dense);
    tcase_add_test(tc, masked_weights_stay_zero);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);

    tc = tcase_create("lenet");
    tcase_add_test(tc, lenet_c3_table);
    suite_add_tcase(s, tc);

    tc = tcase_create("threads");
    tcase_add_test(tc, threads_bit_identical);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);

    tc = tcase_create("loops");
    tcase_add_test(tc, loops_switch);
    tcase_add_test(tc, training_on_both_loops);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);

    tc = tcase_create("limits");
    tcase_add_test(tc, layer_numbers);
    tcase_add_test(tc, bad_arguments);
    suite_add_tcase(s, tc);
    return s;
}
