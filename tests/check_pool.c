/* check_pool.c - max and average pooling (core/pool.h): fixtures checked by
 * eye, floor-mode sizes, padding, the tie rule, gradient checks (overlapping
 * windows, strides that do not divide, non-square windows, padding) and
 * thread-count independence.
 *
 * CK_VERBOSITY=verbose prints the gradient-check errors of every case. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/conv.h"
#include "core/error.h"
#include "core/layer.h"
#include "core/pool.h"
#include "core/rng.h"
#include "core/tensor.h"
#include "core/threads.h"
#include "tests/gradcheck.h"
#include "tests/support.h"

/* --- helpers ----------------------------------------------------------------------- */

static Pool2dConfig pcfg(int kh, int kw, int sh, int sw, int pt, int pb, int pl, int pr)
{
    return (Pool2dConfig){ kh, kw, sh, sw, pt, pb, pl, pr };
}

static Layer *make_pool(int is_max, Pool2dConfig f, CnShape in)
{
    Layer *l = is_max ? maxpool2d_create_cfg(&f) : avgpool2d_create_cfg(&f);
    ck_assert_msg(l != NULL, "create: %s", cn_last_error());
    ck_assert_msg(layer_setup(l, in) == 0, "setup: %s", cn_last_error());
    return l;
}

/* Run l on one sample x (after reserving), into y. */
static void run1(Layer *l, float *y, const float *x)
{
    ck_assert_int_eq(layer_reserve(l, 1), 0);
    l->ops->forward(l, y, x, 1);
}

/* Distinct inputs spaced 0.05 apart in a random order, so that a central
 * difference of +-0.01 never changes which pixel is a window's maximum. */
static void distinct_values(float *x, size_t n, Rng *r)
{
    int *idx = malloc(n * sizeof *idx);
    ck_assert_ptr_nonnull(idx);
    for (size_t i = 0; i < n; i++) idx[i] = (int)i;
    rng_shuffle(r, idx, n);
    for (size_t i = 0; i < n; i++) x[i] = 0.05f * (float)(idx[i] - (int)(n / 2));
    free(idx);
}

static void check_grad(Layer *l, int B, uint64_t seed, const char *name)
{
    const size_t nx = shape_size(l->in) * (size_t)B;
    float *x = alloc_floats(nx);
    Rng r;
    rng_seed(&r, seed, 3);
    distinct_values(x, nx, &r);
    GradCheckOpts o = gradcheck_defaults();
    GradCheckResult res;
    int rc = gradcheck_layer(l, x, B, &o, &res);
    if (verbose()) printf("gradcheck %-52s %s\n", name, gradcheck_describe(&res));
    ck_assert_msg(rc == 0, "%s: %s", name, gradcheck_describe(&res));
    ck_assert_msg(res.max_abs_grad > 0.0, "%s: the gradient is all zero", name);
    free(x);
}

/* --- fixtures ------------------------------------------------------------------------ */

/*      1 3 | 2 0
 *      4 2 | 1 5        2x2 windows, stride 2:
 *      ----+----        max  4 5      avg  (1+3+4+2)/4 = 2.5   (2+0+1+5)/4 = 2
 *      0 1 | 7 2             6 8           (0+1+6+3)/4 = 2.5   (7+2+2+8)/4 = 4.75
 *      6 3 | 2 8 */
static const float X44[16] = { 1, 3, 2, 0, 4, 2, 1, 5, 0, 1, 7, 2, 6, 3, 2, 8 };

START_TEST(fixture_4x4)
{
    float y[4];
    Layer *l = maxpool2d_create(2, 2, 0);
    ck_assert_int_eq(layer_setup(l, (CnShape){ 1, 4, 4 }), 0);
    ck_assert_int_eq(l->out.h, 2);
    ck_assert_int_eq(l->out.w, 2);
    run1(l, y, X44);
    const float emax[4] = { 4, 5, 6, 8 };
    assert_close(y, emax, 4, 0.0f, "max 2x2/2");
    /* Each output's argmax receives its gradient. */
    const int32_t want[4] = { 4, 7, 12, 15 };
    for (int i = 0; i < 4; i++) ck_assert_int_eq(((MaxPool2d *)l)->argmax[i], want[i]);
    float dx[16] = { 0 };
    const float dy[4] = { 1, 2, 3, 4 };
    l->ops->backward(l, dx, dy, X44, y, 1);
    const float edx[16] = { 0, 0, 0, 0, 1, 0, 0, 2, 0, 0, 0, 0, 3, 0, 0, 4 };
    assert_close(dx, edx, 16, 0.0f, "max 2x2/2 gradient");
    layer_free(l);

    l = avgpool2d_create(2, 2, 0);
    ck_assert_int_eq(layer_setup(l, (CnShape){ 1, 4, 4 }), 0);
    run1(l, y, X44);
    const float eavg[4] = { 2.5f, 2.0f, 2.5f, 4.75f };
    assert_close(y, eavg, 4, 0.0f, "avg 2x2/2");
    memset(dx, 0, sizeof dx);
    l->ops->backward(l, dx, dy, X44, y, 1);
    const float edxa[16] = { 0.25f, 0.25f, 0.5f, 0.5f, 0.25f, 0.25f, 0.5f, 0.5f,
                             0.75f, 0.75f, 1.0f, 1.0f, 0.75f, 0.75f, 1.0f, 1.0f };
    assert_close(dx, edxa, 16, 0.0f, "avg 2x2/2 gradient");
    layer_free(l);
}
END_TEST

/* Overlapping 3x3 windows at stride 2 on a 5x5 image (AlexNet's pooling):
 *   0  1  2  3  4
 *   5 16  7  8  9       max: rows 0-2 x cols 0-2 -> 16, cols 2-4 -> 14
 *  10 11 12 13 14            rows 2-4 x cols 0-2 -> 22, cols 2-4 -> 24
 *  15 22 17 18 19       the centre pixel 12 is in all four windows; 16 wins
 *  20 21 18 23 24       one, 22 one (its window also holds 21, 20). */
START_TEST(fixture_overlapping)
{
    const float x[25] = { 0, 1, 2, 3, 4, 5, 16, 7, 8, 9, 10, 11, 12, 13, 14,
                          15, 22, 17, 18, 19, 20, 21, 18, 23, 24 };
    float y[4];
    Layer *l = maxpool2d_create(3, 2, 0);
    ck_assert_int_eq(layer_setup(l, (CnShape){ 1, 5, 5 }), 0);
    run1(l, y, x);
    const float emax[4] = { 16, 14, 22, 24 };
    assert_close(y, emax, 4, 0.0f, "max 3x3/2 on 5x5");
    layer_free(l);

    l = avgpool2d_create(3, 2, 0);
    ck_assert_int_eq(layer_setup(l, (CnShape){ 1, 5, 5 }), 0);
    run1(l, y, x);
    /* (0+1+2+5+16+7+10+11+12)/9 = 64/9, (2+3+4+7+8+9+12+13+14)/9 = 72/9,
     * (10+11+12+15+22+17+20+21+18)/9 = 146/9, (12+13+14+17+18+19+18+23+24)/9 = 158/9 */
    const float eavg[4] = { 64.0f / 9, 72.0f / 9, 146.0f / 9, 158.0f / 9 };
    assert_close(y, eavg, 4, 4e-6f, "avg 3x3/2 on 5x5");
    /* dy = 9 everywhere: a pixel gets 9/9 = 1 from every window that holds
     * it, so the centre gets 4, the top middle 2, a corner 1. */
    float dx[25] = { 0 };
    const float dy[4] = { 9, 9, 9, 9 };
    l->ops->backward(l, dx, dy, x, y, 1);
    ck_assert_float_eq_tol(dx[12], 4.0f, 1e-6f);
    ck_assert_float_eq_tol(dx[2], 2.0f, 1e-6f);
    ck_assert_float_eq_tol(dx[0], 1.0f, 1e-6f);
    layer_free(l);
}
END_TEST

/* Floor mode: windows that would run off the edge are dropped. */
START_TEST(floor_mode_sizes)
{
    const struct {
        int H, k, s, pad, out;
    } c[] = {
        { 7, 3, 2, 0, 3 }, { 8, 3, 2, 0, 3 }, { 6, 2, 2, 0, 3 }, { 5, 2, 2, 0, 2 },
        { 4, 2, 2, 1, 3 }, { 13, 3, 2, 0, 6 }, { 27, 3, 2, 0, 13 }, { 2, 2, 2, 0, 1 },
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        for (int m = 0; m < 2; m++) {
            Layer *l = m ? maxpool2d_create(c[i].k, c[i].s, c[i].pad) : avgpool2d_create(c[i].k, c[i].s, c[i].pad);
            ck_assert_int_eq(layer_setup(l, (CnShape){ 2, c[i].H, c[i].H + 1 }), 0);
            ck_assert_int_eq(l->out.h, c[i].out);
            ck_assert_int_eq(l->out.h, conv_out_size(c[i].H, c[i].k, c[i].s, c[i].pad, c[i].pad));
            ck_assert_int_eq(l->out.w, conv_out_size(c[i].H + 1, c[i].k, c[i].s, c[i].pad, c[i].pad));
            ck_assert_int_eq(l->out.c, 2);
            layer_free(l);
        }
    }
    /* 5x5, 2x2/2: the last row and column are never read. */
    float x[25], y[4];
    for (int i = 0; i < 25; i++) x[i] = (i % 5 == 4 || i >= 20) ? 1000.0f : (float)i;
    Layer *l = maxpool2d_create(2, 2, 0);
    ck_assert_int_eq(layer_setup(l, (CnShape){ 1, 5, 5 }), 0);
    run1(l, y, x);
    const float e[4] = { 6, 8, 16, 18 };
    assert_close(y, e, 4, 0.0f, "5x5 max 2x2/2");
    layer_free(l);
}
END_TEST

/* Padding: max pooling never picks a padded pixel (even when every input is
 * negative); average pooling counts padded pixels as zeros and divides by
 * the full window. 4x4, 2x2 windows, stride 2, padding 1 -> 3x3 outputs;
 * window (0,0) holds only x[0][0], window (1,1) holds x[1..2][1..2]. */
START_TEST(padding)
{
    float neg[16], y[9];
    for (int i = 0; i < 16; i++) neg[i] = -1.0f - (float)i;
    Layer *l = maxpool2d_create(2, 2, 1);
    ck_assert_int_eq(layer_setup(l, (CnShape){ 1, 4, 4 }), 0);
    ck_assert_int_eq(l->out.h, 3);
    run1(l, y, neg);
    /* windows: rows {0},{1,2},{3} x cols {0},{1,2},{3}; the largest is the first. */
    const float emax[9] = { -1, -2, -4, -5, -6, -8, -13, -14, -16 };
    assert_close(y, emax, 9, 0.0f, "max with padding, negative inputs");
    layer_free(l);

    l = avgpool2d_create(2, 2, 1);
    ck_assert_int_eq(layer_setup(l, (CnShape){ 1, 4, 4 }), 0);
    run1(l, y, X44);
    /* X44 rows {0},{1,2},{3}, cols {0},{1,2},{3}, each sum / 4 */
    const float eavg[9] = { 1.0f / 4, (3 + 2) / 4.0f, 0.0f / 4,
                            (4 + 0) / 4.0f, (2 + 1 + 1 + 7) / 4.0f, (5 + 2) / 4.0f,
                            6.0f / 4, (3 + 2) / 4.0f, 8.0f / 4 };
    assert_close(y, eavg, 9, 0.0f, "avg with padding (count_include_pad)");
    layer_free(l);

    /* Asymmetric padding through the config: top 1, left 2 on a 3x5 input. */
    Pool2dConfig f = pcfg(2, 3, 2, 2, 1, 0, 2, 1);
    l = make_pool(1, f, (CnShape){ 1, 3, 5 });
    ck_assert_int_eq(l->out.h, conv_out_size(3, 2, 2, 1, 0));
    ck_assert_int_eq(l->out.w, conv_out_size(5, 3, 2, 2, 1));
    layer_free(l);
}
END_TEST

/* Ties: the first maximum in row-major window order takes the gradient. */
START_TEST(tie_rule)
{
    const float x[16] = { 7, 7, 1, 5,
                          7, 7, 5, 2,
                          0, 3, 9, 9,
                          3, 0, 9, 9 };
    float y[4], dx[16] = { 0 };
    const float dy[4] = { 1, 10, 100, 1000 };
    Layer *l = maxpool2d_create(2, 2, 0);
    ck_assert_int_eq(layer_setup(l, (CnShape){ 1, 4, 4 }), 0);
    run1(l, y, x);
    const float e[4] = { 7, 5, 3, 9 };
    assert_close(y, e, 4, 0.0f, "max with ties");
    l->ops->backward(l, dx, dy, x, y, 1);
    /* window 0: all 7 -> (0,0); window 1: 5 at (0,3) and (1,2) -> (0,3);
     * window 2: 3 at (2,1) and (3,0) -> (2,1); window 3: all 9 -> (2,2). */
    const float edx[16] = { 1, 0, 0, 10, 0, 0, 0, 0, 0, 100, 1000, 0, 0, 0, 0, 0 };
    assert_close(dx, edx, 16, 0.0f, "tie gradient goes to the first maximum");

    /* Without the stored argmax the backward finds the same pixels. */
    float dx2[16] = { 0 };
    maxpool2d_backward(dx2, dy, NULL, x, 1, 1, 4, 4, 2, 2, 2, 2, 2, 2, 0, 0);
    assert_close(dx2, edx, 16, 0.0f, "tie gradient, argmax found again");

    /* A NaN in a window wins it. */
    float xn[16];
    memcpy(xn, x, sizeof xn);
    xn[5] = NAN;
    run1(l, y, xn);
    ck_assert(isnan(y[0]));
    ck_assert_float_eq(y[1], 5.0f);
    /* The same without storing the argmax. */
    float y2[4];
    maxpool2d_forward(y2, NULL, xn, 1, 1, 4, 4, 2, 2, 2, 2, 2, 2, 0, 0);
    ck_assert(isnan(y2[0]));
    ck_assert_float_eq(y2[1], 5.0f);
    maxpool2d_forward(y2, NULL, x, 1, 1, 4, 4, 2, 2, 2, 2, 2, 2, 0, 0);
    assert_close(y2, e, 4, 0.0f, "max with ties, no argmax stored");
    layer_free(l);
}
END_TEST

/* --- gradient checks -------------------------------------------------------------------- */

static void grad_both(Pool2dConfig f, CnShape in, int B, uint64_t seed, const char *name)
{
    for (int m = 0; m < 2; m++) {
        Layer *l = make_pool(m, f, in);
        char what[96];
        snprintf(what, sizeof what, "%s %s", m ? "maxpool" : "avgpool", name);
        check_grad(l, B, seed, what);
        layer_free(l);
    }
}

START_TEST(grad_pools)
{
    grad_both(pcfg(2, 2, 2, 2, 0, 0, 0, 0), (CnShape){ 3, 6, 6 }, 2, 200, "2x2/2 on 6x6");
    grad_both(pcfg(3, 3, 2, 2, 0, 0, 0, 0), (CnShape){ 2, 7, 7 }, 2, 201, "3x3/2 overlapping on 7x7");
    grad_both(pcfg(3, 3, 2, 2, 0, 0, 0, 0), (CnShape){ 2, 8, 8 }, 2, 202, "3x3/2 on 8x8 (floor)");
    grad_both(pcfg(3, 3, 2, 2, 1, 1, 1, 1), (CnShape){ 2, 7, 7 }, 2, 203, "3x3/2 pad 1 on 7x7");
    grad_both(pcfg(2, 3, 2, 1, 1, 0, 2, 1), (CnShape){ 2, 5, 7 }, 3, 204, "2x3 stride (2,1) pad t1 l2 r1 on 5x7");
    grad_both(pcfg(3, 2, 3, 2, 2, 1, 0, 1), (CnShape){ 1, 9, 6 }, 2, 205, "3x2 stride (3,2) pad t2 b1 r1 on 9x6");
}
END_TEST

/* --- both forward paths against a plain scan ------------------------------------------ */

/* The first maximum of each window in row-major order (NaN wins), one
 * window at a time: the definition maxpool2d_forward's two paths (a table of
 * offsets for small planes, row by row for large ones) must both meet. */
static void maxpool_scan(float *y, int32_t *am, const float *x, int H, int W, int OH, int OW, Pool2dConfig f)
{
    for (int oy = 0; oy < OH; oy++)
        for (int ox = 0; ox < OW; ox++) {
            int32_t bi = -1;
            for (int m = 0; m < f.kh; m++)
                for (int kk = 0; kk < f.kw; kk++) {
                    const int iy = oy * f.stride_h - f.pad_top + m, ix = ox * f.stride_w - f.pad_left + kk;
                    if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                    const int32_t i = iy * W + ix;
                    if (bi < 0 || x[i] > x[bi] || (isnan(x[i]) && !isnan(x[bi]))) bi = i;
                }
            y[oy * OW + ox] = x[bi];
            am[oy * OW + ox] = bi;
        }
}

START_TEST(paths_match_scan)
{
    /* (config, plane): the first four fit the offset table, the last two
     * (more than 8192 window taps per plane) take the row path */
    const struct {
        Pool2dConfig f;
        int H, W;
    } cases[] = {
        { { 2, 2, 2, 2, 0, 0, 0, 0 }, 28, 28 },   { { 3, 3, 2, 2, 0, 0, 0, 0 }, 13, 13 },
        { { 3, 3, 2, 2, 1, 1, 1, 1 }, 28, 28 },   { { 2, 3, 2, 1, 1, 0, 2, 1 }, 9, 11 },
        { { 3, 3, 2, 2, 1, 1, 1, 1 }, 131, 131 }, { { 2, 2, 2, 2, 0, 0, 0, 0 }, 200, 190 },
    };
    Rng r;
    rng_seed(&r, 220, 1);
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const Pool2dConfig f = cases[c].f;
        const int H = cases[c].H, W = cases[c].W, P = 3;
        const int OH = conv_out_size(H, f.kh, f.stride_h, f.pad_top, f.pad_bottom);
        const int OW = conv_out_size(W, f.kw, f.stride_w, f.pad_left, f.pad_right);
        const size_t pin = (size_t)H * W, pout = (size_t)OH * OW;
        float *x = alloc_floats(P * pin), *y = alloc_floats(P * pout), *ye = alloc_floats(pout);
        int32_t *am = malloc(P * pout * sizeof *am), *ae = malloc(pout * sizeof *ae);
        ck_assert_ptr_nonnull(am);
        ck_assert_ptr_nonnull(ae);
        /* few distinct values, so windows have ties; a NaN here and there */
        for (size_t i = 0; i < P * pin; i++) x[i] = (float)rng_below(&r, 7) - 3.0f;
        for (size_t i = 0; i < P * pin; i += 97) x[i] = NAN;
        maxpool2d_forward(y, am, x, 1, P, H, W, OH, OW, f.kh, f.kw, f.stride_h, f.stride_w, f.pad_top,
                          f.pad_left);
        for (int p = 0; p < P; p++) {
            maxpool_scan(ye, ae, x + (size_t)p * pin, H, W, OH, OW, f);
            for (size_t o = 0; o < pout; o++) {
                const size_t k = (size_t)p * pout + o;
                ck_assert_msg(am[k] == ae[o], "case %zu plane %d output %zu: argmax %d, the scan says %d", c, p, o,
                              (int)am[k], (int)ae[o]);
                ck_assert_msg(memcmp(&y[k], &ye[o], sizeof ye[o]) == 0 || (isnan(y[k]) && isnan(ye[o])),
                              "case %zu plane %d output %zu: %g, the scan says %g", c, p, o, (double)y[k],
                              (double)ye[o]);
            }
        }
        free(x), free(y), free(ye), free(am), free(ae);
    }
}
END_TEST

/* --- threads ------------------------------------------------------------------------------ */

START_TEST(threads_bit_identical)
{
    const int B = 16, C = 8, H = 27, W = 27;
    const Pool2dConfig f = pcfg(3, 3, 2, 2, 1, 1, 1, 1);
    const int OH = conv_out_size(H, 3, 2, 1, 1), OW = conv_out_size(W, 3, 2, 1, 1);
    const size_t nx = (size_t)B * C * H * W, ny = (size_t)B * C * OH * OW;
    float *x = alloc_floats(nx), *dy = alloc_floats(ny);
    Rng r;
    rng_seed(&r, 210, 1);
    distinct_values(x, nx, &r);
    for (size_t i = 0; i < ny; i++) dy[i] = rng_range(&r, -1, 1);
    const int saved = omp_get_max_threads();
    for (int m = 0; m < 2; m++) {
        float *y[2], *dx[2];
        for (int k = 0; k < 2; k++) {
            omp_set_num_threads(k + 1);
            y[k] = alloc_floats(ny);
            dx[k] = alloc_floats(nx);
            Layer *l = make_pool(m, f, (CnShape){ C, H, W });
            ck_assert_int_eq(layer_reserve(l, B), 0);
            l->ops->forward(l, y[k], x, B);
            l->ops->backward(l, dx[k], dy, x, y[k], B);
            layer_free(l);
        }
        assert_same_bits(y[0], y[1], ny, m ? "maxpool y" : "avgpool y");
        assert_same_bits(dx[0], dx[1], nx, m ? "maxpool dx" : "avgpool dx");
        for (int k = 0; k < 2; k++) free(y[k]), free(dx[k]);
    }
    omp_set_num_threads(saved);
    free(x), free(dy);
}
END_TEST

/* --- bookkeeping and errors ------------------------------------------------------------------ */

START_TEST(layer_numbers)
{
    Layer *l = maxpool2d_create(3, 2, 0);
    ck_assert_int_eq(layer_setup(l, (CnShape){ 96, 55, 55 }), 0);
    ck_assert_str_eq(l->ops->kind, "maxpool");
    ck_assert_int_eq(l->out.c, 96);
    ck_assert_int_eq(l->out.h, 27);
    ck_assert_int_eq(l->out.w, 27);
    ck_assert_int_eq(l->rf_k, 3);
    ck_assert_int_eq(l->rf_s, 2);
    ck_assert_int_eq(l->rf_p, 0);
    ck_assert_uint_eq(layer_param_count(l), 0);
    ck_assert_double_eq(l->madds, 0.0);
    layer_free(l);

    l = avgpool2d_create(2, 2, 0);
    ck_assert_int_eq(layer_setup(l, (CnShape){ 6, 28, 28 }), 0);
    ck_assert_str_eq(l->ops->kind, "avgpool");
    ck_assert_double_eq(l->madds, 6.0 * 14 * 14 * 4);
    ck_assert_uint_eq(layer_param_count(l), 0);
    layer_free(l);

    /* A new input shape drops the old argmax scratch; reserve makes room again. */
    l = maxpool2d_create(2, 2, 0);
    ck_assert_int_eq(layer_setup(l, (CnShape){ 1, 4, 4 }), 0);
    ck_assert_int_eq(layer_reserve(l, 2), 0);
    ck_assert_int_eq(layer_setup(l, (CnShape){ 3, 8, 8 }), 0);
    ck_assert_int_eq(l->reserved, 0);
    ck_assert_int_eq(layer_reserve(l, 2), 0);
    float x[2 * 3 * 64], y[2 * 3 * 16];
    for (int i = 0; i < 2 * 3 * 64; i++) x[i] = (float)i;
    l->ops->forward(l, y, x, 2);
    ck_assert_float_eq(y[2 * 3 * 16 - 1], (float)(2 * 3 * 64 - 1));
    layer_free(l);
}
END_TEST

START_TEST(bad_arguments)
{
    ck_assert_ptr_null(maxpool2d_create(0, 2, 0));
    ck_assert_ptr_null(avgpool2d_create(2, 0, 0));
    ck_assert_ptr_null(maxpool2d_create(2, 2, 2)); /* padding as large as the window */
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "smaller"));
    ck_assert_ptr_null(avgpool2d_create(3, 2, -1));
    ck_assert_ptr_null(maxpool2d_create_cfg(NULL));
    Layer *l = maxpool2d_create(5, 1, 0);
    ck_assert_int_eq(layer_setup(l, (CnShape){ 1, 4, 9 }), -1);
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "maxpool"));
    layer_free(l);
}
END_TEST

Suite *pool_suite(void)
{
    Suite *s = suite_create("pool");
    TCase *tc = tcase_create("forward");
    tcase_add_test(tc, paths_match_scan);
    tcase_add_test(tc, fixture_4x4);
    tcase_add_test(tc, fixture_overlapping);
    tcase_add_test(tc, floor_mode_sizes);
    tcase_add_test(tc, padding);
    tcase_add_test(tc, tie_rule);
    suite_add_tcase(s, tc);

    tc = tcase_create("backward");
    tcase_add_test(tc, grad_pools);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);

    tc = tcase_create("threads");
    tcase_add_test(tc, threads_bit_identical);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);

    tc = tcase_create("limits");
    tcase_add_test(tc, layer_numbers);
    tcase_add_test(tc, bad_arguments);
    suite_add_tcase(s, tc);
    return s;
}
