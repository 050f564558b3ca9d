/* conv_fast.c - the convolution loops that run by default: blocked,
 * vectorized, and the same sums as the reference loops of conv_layer.c
 * (conv_fast.h). This is the only file built with the processor's own
 * vector instructions (the Makefile's CONV_ARCH).
 *
 * Four loop families, chosen by conv_fast_paths() from the geometry:
 *
 * - tap-major: one plane at a time, one kernel tap at a time, the output
 *   rows clipped to the input:
 *
 *     for each tap (m, kk) of the kernel:
 *         clip the output rows oy and columns ox whose input pixel
 *         (oy*sh - pt + m, ox*sw - pl + kk) lies inside the input
 *         for each such output row: one loop over a run of output columns
 *
 *   The innermost loop walks an output row and an input row together
 *   (stride 1 in both when sw = 1), has no branch and a trip count known on
 *   entry, so the compiler vectorizes it. Padding is never stored: clipping
 *   the index ranges once per tap is the same as reading zeros outside the
 *   input. Used for strides above 1 and planes too large for the others.
 * - wide (flattened planes, stride 1), dense (a kernel as large as its
 *   input) and blocked (many channels on small planes): see "fast kernels".
 *
 * Threads: forward shares the (sample, output channel) planes among threads,
 * dx the (sample, input channel) planes, dweight/dbias the output channels.
 * Every number is written by one thread, which adds its terms in an order
 * fixed by the loops, so results are bit-identical for any thread count.
 */
#include "core/conv_fast.h"

#include <stdlib.h>
#include <string.h>

#include "core/threads.h"

typedef struct {
    int H, W, OH, OW, KH, KW, sh, sw, pt, pl;
} Geom;

/* Outputs i in [*lo, *hi) (of nout) whose tap t reads input index
 * i*s - p + t inside [0, n). */
static inline void tap_range(int *lo, int *hi, int t, int s, int p, int n, int nout)
{
    int a = p - t;         /* need i*s >= p - t */
    int b = n - 1 + p - t; /* need i*s <= n - 1 + p - t */
    int l, h;
    if (s == 1) {
        l = a > 0 ? a : 0;
        h = b < 0 ? 0 : b + 1;
    } else {
        l = a > 0 ? (a + s - 1) / s : 0;
        h = b < 0 ? 0 : b / s + 1;
    }
    if (h > nout) h = nout;
    if (l > h) l = h;
    *lo = l;
    *hi = h;
}

/* --- one plane, forward ------------------------------------------------------ */

/* x (H,W), k (KH,KW), y (OH,OW) +=
 *   y[oy,ox] += sum_{m,kk} k[m,kk] * x[oy*sh - pt + m, ox*sw - pl + kk]
 * For each tap, y's rows get k[m,kk] times a run of an input row. */
static void plane_fwd_correlate(float *restrict y, const float *restrict x, const float *restrict k,
                                const Geom *g)
{
    const int W = g->W, OW = g->OW, KW = g->KW, sh = g->sh, sw = g->sw;
    for (int m = 0; m < g->KH; m++) {
        int oy0, oy1;
        tap_range(&oy0, &oy1, m, sh, g->pt, g->H, g->OH);
        for (int kk = 0; kk < KW; kk++) {
            int ox0, ox1;
            tap_range(&ox0, &ox1, kk, sw, g->pl, W, OW);
            const int n = ox1 - ox0;
            const float w = k[m * KW + kk];
            for (int oy = oy0; oy < oy1; oy++) {
                float *restrict yr = y + (size_t)oy * OW + ox0;
                const float *restrict xr = x + (size_t)(oy * sh - g->pt + m) * W + (ox0 * sw - g->pl + kk);
                if (sw == 1)
                    for (int i = 0; i < n; i++) yr[i] += w * xr[i];
                else
                    for (int i = 0; i < n; i++) yr[i] += w * xr[i * sw];
            }
        }
    }
}

/* x (H,W), k (KH,KW), y (OH,OW) +=
 *   y[oy,ox] += sum_{m,kk} k[KH-1-m, KW-1-kk] * x[oy*sh - pt + m, ox*sw - pl + kk]
 * The same window as correlation; the kernel is read backwards (rot180). */
static void plane_fwd_convolve(float *restrict y, const float *restrict x, const float *restrict k,
                               const Geom *g)
{
    const int W = g->W, OW = g->OW, KH = g->KH, KW = g->KW, sh = g->sh, sw = g->sw;
    for (int m = 0; m < KH; m++) {
        int oy0, oy1;
        tap_range(&oy0, &oy1, m, sh, g->pt, g->H, g->OH);
        for (int kk = 0; kk < KW; kk++) {
            int ox0, ox1;
            tap_range(&ox0, &ox1, kk, sw, g->pl, W, OW);
            const int n = ox1 - ox0;
            const float w = k[(KH - 1 - m) * KW + (KW - 1 - kk)];
            for (int oy = oy0; oy < oy1; oy++) {
                float *restrict yr = y + (size_t)oy * OW + ox0;
                const float *restrict xr = x + (size_t)(oy * sh - g->pt + m) * W + (ox0 * sw - g->pl + kk);
                if (sw == 1)
                    for (int i = 0; i < n; i++) yr[i] += w * xr[i];
                else
                    for (int i = 0; i < n; i++) yr[i] += w * xr[i * sw];
            }
        }
    }
}

/* --- one plane, gradient with respect to the input ------------------------------- */

/* dy (OH,OW), k (KH,KW), dx (H,W) +=
 *   dx[oy*sh - pt + m, ox*sw - pl + kk] += k[m,kk] * dy[oy,ox]   for every oy, ox, m, kk
 * i.e. dL/dx[iy,ix] = sum over the outputs whose window holds (iy,ix) of
 * dL/dy times the weight that joined them. Scattered tap by tap: a run of an
 * input-gradient row gets k[m,kk] times a run of an output-gradient row. */
static void plane_dx_correlate(float *restrict dx, const float *restrict dy, const float *restrict k,
                               const Geom *g)
{
    const int W = g->W, OW = g->OW, KW = g->KW, sh = g->sh, sw = g->sw;
    for (int m = 0; m < g->KH; m++) {
        int oy0, oy1;
        tap_range(&oy0, &oy1, m, sh, g->pt, g->H, g->OH);
        for (int kk = 0; kk < KW; kk++) {
            int ox0, ox1;
            tap_range(&ox0, &ox1, kk, sw, g->pl, W, OW);
            const int n = ox1 - ox0;
            const float w = k[m * KW + kk];
            for (int oy = oy0; oy < oy1; oy++) {
                float *restrict xr = dx + (size_t)(oy * sh - g->pt + m) * W + (ox0 * sw - g->pl + kk);
                const float *restrict yr = dy + (size_t)oy * OW + ox0;
                if (sw == 1)
                    for (int i = 0; i < n; i++) xr[i] += w * yr[i];
                else
                    for (int i = 0; i < n; i++) xr[i * sw] += w * yr[i];
            }
        }
    }
}

/* dy (OH,OW), k (KH,KW), dx (H,W) +=
 *   dx[oy*sh - pt + m, ox*sw - pl + kk] += k[KH-1-m, KW-1-kk] * dy[oy,ox] */
static void plane_dx_convolve(float *restrict dx, const float *restrict dy, const float *restrict k,
                              const Geom *g)
{
    const int W = g->W, OW = g->OW, KH = g->KH, KW = g->KW, sh = g->sh, sw = g->sw;
    for (int m = 0; m < KH; m++) {
        int oy0, oy1;
        tap_range(&oy0, &oy1, m, sh, g->pt, g->H, g->OH);
        for (int kk = 0; kk < KW; kk++) {
            int ox0, ox1;
            tap_range(&ox0, &ox1, kk, sw, g->pl, W, OW);
            const int n = ox1 - ox0;
            const float w = k[(KH - 1 - m) * KW + (KW - 1 - kk)];
            for (int oy = oy0; oy < oy1; oy++) {
                float *restrict xr = dx + (size_t)(oy * sh - g->pt + m) * W + (ox0 * sw - g->pl + kk);
                const float *restrict yr = dy + (size_t)oy * OW + ox0;
                if (sw == 1)
                    for (int i = 0; i < n; i++) xr[i] += w * yr[i];
                else
                    for (int i = 0; i < n; i++) xr[i * sw] += w * yr[i];
            }
        }
    }
}

/* --- one plane, gradient with respect to the kernel ------------------------------ */

/* The sum over an output plane of dy times the input pixels one tap sees is
 * gathered in acc, one lane per output column (acc[i] += dy * x row by row:
 * the same vectorizable loop as forward, no reassociation), then acc is
 * added up in order. Rows wider than DW_ACC are done in pieces. */
#define DW_ACC 256

/* dy (OH,OW), x (H,W), dk (KH,KW) +=
 *   dk[m,kk] += sum_{oy,ox} dy[oy,ox] * x[oy*sh - pt + m, ox*sw - pl + kk] */
static void plane_dw_correlate(float *restrict dk, const float *restrict dy, const float *restrict x,
                               const Geom *g)
{
    const int W = g->W, OW = g->OW, KW = g->KW, sh = g->sh, sw = g->sw;
    float acc[DW_ACC];
    for (int m = 0; m < g->KH; m++) {
        int oy0, oy1;
        tap_range(&oy0, &oy1, m, sh, g->pt, g->H, g->OH);
        for (int kk = 0; kk < KW; kk++) {
            int ox0, ox1;
            tap_range(&ox0, &ox1, kk, sw, g->pl, W, OW);
            float s = 0.0f;
            for (int c0 = ox0; c0 < ox1; c0 += DW_ACC) {
                const int n = ox1 - c0 < DW_ACC ? ox1 - c0 : DW_ACC;
                for (int i = 0; i < n; i++) acc[i] = 0.0f;
                for (int oy = oy0; oy < oy1; oy++) {
                    const float *restrict yr = dy + (size_t)oy * OW + c0;
                    const float *restrict xr = x + (size_t)(oy * sh - g->pt + m) * W + (c0 * sw - g->pl + kk);
                    if (sw == 1)
                        for (int i = 0; i < n; i++) acc[i] += yr[i] * xr[i];
                    else
                        for (int i = 0; i < n; i++) acc[i] += yr[i] * xr[i * sw];
                }
                for (int i = 0; i < n; i++) s += acc[i];
            }
            dk[m * KW + kk] += s;
        }
    }
}

/* dy (OH,OW), x (H,W), dk (KH,KW) +=
 *   dk[KH-1-m, KW-1-kk] += sum_{oy,ox} dy[oy,ox] * x[oy*sh - pt + m, ox*sw - pl + kk]
 * (the weight that multiplied x there in forward is the flipped one). */
static void plane_dw_convolve(float *restrict dk, const float *restrict dy, const float *restrict x,
                              const Geom *g)
{
    const int W = g->W, OW = g->OW, KH = g->KH, KW = g->KW, sh = g->sh, sw = g->sw;
    float acc[DW_ACC];
    for (int m = 0; m < KH; m++) {
        int oy0, oy1;
        tap_range(&oy0, &oy1, m, sh, g->pt, g->H, g->OH);
        for (int kk = 0; kk < KW; kk++) {
            int ox0, ox1;
            tap_range(&ox0, &ox1, kk, sw, g->pl, W, OW);
            float s = 0.0f;
            for (int c0 = ox0; c0 < ox1; c0 += DW_ACC) {
                const int n = ox1 - c0 < DW_ACC ? ox1 - c0 : DW_ACC;
                for (int i = 0; i < n; i++) acc[i] = 0.0f;
                for (int oy = oy0; oy < oy1; oy++) {
                    const float *restrict yr = dy + (size_t)oy * OW + c0;
                    const float *restrict xr = x + (size_t)(oy * sh - g->pt + m) * W + (c0 * sw - g->pl + kk);
                    if (sw == 1)
                        for (int i = 0; i < n; i++) acc[i] += yr[i] * xr[i];
                    else
                        for (int i = 0; i < n; i++) acc[i] += yr[i] * xr[i * sw];
                }
                for (int i = 0; i < n; i++) s += acc[i];
            }
            dk[(KH - 1 - m) * KW + (KW - 1 - kk)] += s;
        }
    }
}

/* --- tap-major kernels: one plane at a time ---------------------------------------- */

/* inp (B,C,H,W), weight (OC,C/G,KH,KW), bias (OC) or NULL, out (B,OC,OH,OW)
 *
 * out[n,o] = bias[o] + sum_{j connected to o} plane(x[n, g*C/G + j], weight[o,j]),
 * g = o / (OC/G), plane = correlation or convolution as above. */
static void tapmajor_forward(float *out, const float *inp, const float *weight, const float *bias,
                             const unsigned char *table, const Conv2dGeom *cg)
{
    const int B = cg->B, C = cg->C, H = cg->H, W = cg->W, OC = cg->OC, OH = cg->OH, OW = cg->OW;
    const int KH = cg->KH, KW = cg->KW, sh = cg->sh, sw = cg->sw, pt = cg->pt, pl = cg->pl;
    const int groups = cg->groups;
    const ConvOp mode = cg->op;
    const Geom g = { H, W, OH, OW, KH, KW, sh, sw, pt, pl };
    const int Cg = C / groups, OCg = OC / groups;
    const size_t pin = (size_t)H * W, pout = (size_t)OH * OW, ksz = (size_t)KH * KW;
    const double work = (double)B * OC * Cg * (double)pout * (double)ksz;
#pragma omp parallel for collapse(2) schedule(static) if (work >= CONV_PAR_MADDS)
    for (int n = 0; n < B; n++) {
        for (int o = 0; o < OC; o++) {
            float *y = out + ((size_t)n * OC + o) * pout;
            const float b0 = bias ? bias[o] : 0.0f;
            for (size_t i = 0; i < pout; i++) y[i] = b0;
            const int cbase = (o / OCg) * Cg;
            for (int j = 0; j < Cg; j++) {
                if (table && !table[(size_t)o * Cg + j]) continue;
                const float *x = inp + ((size_t)n * C + cbase + j) * pin;
                const float *k = weight + ((size_t)o * Cg + j) * ksz;
                if (mode == CONV_OP_CONVOLVE)
                    plane_fwd_convolve(y, x, k, &g);
                else
                    plane_fwd_correlate(y, x, k, &g);
            }
        }
    }
}

/* dout (B,OC,OH,OW), inp (B,C,H,W), weight (OC,C/G,KH,KW) -> dinp, dweight, dbias (+=)
 *
 * dinp[n,c]   += sum_{o in c's group, connected}  plane_dx(dout[n,o], weight[o,j])
 * dweight[o,j] += sum_n plane_dw(dout[n,o], inp[n, g*C/G + j])
 * dbias[o]    += sum_n sum_{oy,ox} dout[n,o,oy,ox] */
static void tapmajor_backward(float *dinp, float *dweight, float *dbias, const float *dout,
                              const float *inp, const float *weight, const unsigned char *table,
                              const Conv2dGeom *cg)
{
    const int B = cg->B, C = cg->C, H = cg->H, W = cg->W, OC = cg->OC, OH = cg->OH, OW = cg->OW;
    const int KH = cg->KH, KW = cg->KW, sh = cg->sh, sw = cg->sw, pt = cg->pt, pl = cg->pl;
    const int groups = cg->groups;
    const ConvOp mode = cg->op;
    const Geom g = { H, W, OH, OW, KH, KW, sh, sw, pt, pl };
    const int Cg = C / groups, OCg = OC / groups;
    const size_t pin = (size_t)H * W, pout = (size_t)OH * OW, ksz = (size_t)KH * KW;
    const double work = (double)B * OC * Cg * (double)pout * (double)ksz;

    /* Input gradient: the planes dinp[n,c] are independent. */
    if (dinp) {
#pragma omp parallel for collapse(2) schedule(static) if (work >= CONV_PAR_MADDS)
        for (int n = 0; n < B; n++) {
            for (int c = 0; c < C; c++) {
                float *dx = dinp + ((size_t)n * C + c) * pin;
                const int gi = c / Cg, j = c % Cg;
                for (int og = 0; og < OCg; og++) {
                    const int o = gi * OCg + og;
                    if (table && !table[(size_t)o * Cg + j]) continue;
                    const float *dy = dout + ((size_t)n * OC + o) * pout;
                    const float *k = weight + ((size_t)o * Cg + j) * ksz;
                    if (mode == CONV_OP_CONVOLVE)
                        plane_dx_convolve(dx, dy, k, &g);
                    else
                        plane_dx_correlate(dx, dy, k, &g);
                }
            }
        }
    }

    /* Weight and bias gradients: output channel o owns dweight[o] and
     * dbias[o] and adds the samples n = 0 .. B-1 in order. Unconnected pairs
     * are skipped, so their gradient is never touched. */
    if (dweight || dbias) {
#pragma omp parallel for schedule(static) if (work >= CONV_PAR_MADDS)
        for (int o = 0; o < OC; o++) {
            const int cbase = (o / OCg) * Cg;
            if (dweight) {
                for (int j = 0; j < Cg; j++) {
                    if (table && !table[(size_t)o * Cg + j]) continue;
                    float *dk = dweight + ((size_t)o * Cg + j) * ksz;
                    for (int n = 0; n < B; n++) {
                        const float *dy = dout + ((size_t)n * OC + o) * pout;
                        const float *x = inp + ((size_t)n * C + cbase + j) * pin;
                        if (mode == CONV_OP_CONVOLVE)
                            plane_dw_convolve(dk, dy, x, &g);
                        else
                            plane_dw_correlate(dk, dy, x, &g);
                    }
                }
            }
            if (dbias) {
                float s = 0.0f;
                for (int n = 0; n < B; n++) {
                    const float *dy = dout + ((size_t)n * OC + o) * pout;
                    for (size_t i = 0; i < pout; i++) s += dy[i];
                }
                dbias[o] += s;
            }
        }
    }
}

/* --- fast kernels ----------------------------------------------------------------------
 *
 * The tap-major loops spend their time on loop overhead when output rows are
 * short (LeNet's 10-pixel rows, or the 1x1 output of a kernel as large as its
 * input). Two changes of loop order and layout fix that; the arithmetic is
 * the same sums (added in another order, so results differ from the
 * reference by rounding only; tests/check_conv_layer.c holds them to it).
 *
 * 1. Stride 1: flattened planes. Store a plane of row length R as one array
 *    and let output index i = oy*R + ox. Tap (m, kk) then reads source index
 *    i + m*R + kk for EVERY output at once: one long contiguous run instead of
 *    OH short rows. With R = the padded input width Wp, the columns
 *    ox >= OW of each row are garbage (they wrap into the next row) and are
 *    simply not copied out. The taps of one kernel row are added in one
 *    pass over the run (rows_acc), so each output is loaded and stored once
 *    per kernel row instead of once per tap.
 *      forward   acc[i] += sum_{m,kk} k[m,kk] * xp[i + m*Wp + kk]
 *                (xp = the input plane with its zero padding written out)
 *      input     the gradient of a correlation is the FULL convolution of dy
 *      gradient  with the same kernel (and of a convolution, the full
 *                correlation): with dyz = dy laid out with row length Wp
 *                between runs of zeros (see dx_wide),
 *                dxp[i] += sum_{a,b} k[KH-1-a, KW-1-b] * dyz[i + a*Wp + b]
 *      weight    dk[m,kk] += sum_i dyw[i] * xp[i + m*Wp + kk], dyw = dy laid
 *      gradient  out with row length Wp and zeros in the garbage columns;
 *                four taps share each load of dyw.
 *    Scratch planes live on the stack, so this path is taken when they fit
 *    in FAST_PLANE floats; larger images use the tap-major loops, whose rows
 *    are then long enough to vectorize well.
 *
 * 2. A kernel that covers its whole (unpadded) input (KH = H, KW = W, one
 *    output pixel, LeNet-5's C5): each output is a dot product of a kernel and
 *    an input block that are both contiguous; the layer is a dense layer.
 */
#define FAST_PLANE 4096
#define TILE 16

/* Floats in one vector register: 16 where this file is built with AVX-512
 * (the Makefile turns it on for this file alone when the processor has it),
 * 8 with AVX2. The blocked loops (3. below) keep 2 registers of outputs a
 * map; the 5-tap weight-gradient sums keep LANES = 8 partial sums either way
 * (with 16, more of a short row, such as C3's 136, is left to the scalar
 * tail). */
#if defined(__AVX512F__)
#define VEC 16
#else
#define VEC 8
#endif

/* acc[i] += sum_{m,kk} k'[m,kk] * src[i + m*R + kk] for i in [0, L), with
 * k' = k (flip 0: correlation) or k' = rot180(k) (flip 1: true convolution,
 * k'[m,kk] = k[KH-1-m, KW-1-kk]).
 * One kernel ROW at a time: for a row of 5 taps
 *     acc[i] += k'[m,0] src[i+mR] + k'[m,1] src[i+mR+1] + ... + k'[m,4] src[i+mR+4]
 * is one plain loop over i: five loads of the same source row at shifts
 * 0..4, one load and one store of acc, which the compiler vectorizes as it
 * stands. Each output is loaded and stored once per kernel row instead of
 * once per tap, and nothing needs to stay in registers between loops. Rows
 * of 3 taps (AlexNet's 3x3) likewise; other widths one tap at a time. */
static void rows_acc(float *restrict acc, const float *restrict src, int R, int L, const float *restrict k,
                     int KH, int KW, int flip)
{
    for (int m = 0; m < KH; m++) {
        const float *restrict s = src + (size_t)m * R;
        /* row m of k': k'[m,kk] = kr[kk * step] */
        const float *kr = flip ? k + (size_t)(KH - 1 - m) * KW + (KW - 1) : k + (size_t)m * KW;
        const int step = flip ? -1 : 1;
        if (KW == 5) {
            const float w0 = kr[0], w1 = kr[step], w2 = kr[2 * step], w3 = kr[3 * step], w4 = kr[4 * step];
            for (int i = 0; i < L; i++)
                acc[i] += w0 * s[i] + w1 * s[i + 1] + w2 * s[i + 2] + w3 * s[i + 3] + w4 * s[i + 4];
        } else if (KW == 3) {
            const float w0 = kr[0], w1 = kr[step], w2 = kr[2 * step];
            for (int i = 0; i < L; i++) acc[i] += w0 * s[i] + w1 * s[i + 1] + w2 * s[i + 2];
        } else {
            for (int kk = 0; kk < KW; kk++) {
                const float w = kr[kk * step];
                const float *restrict sk = s + kk;
                for (int i = 0; i < L; i++) acc[i] += w * sk[i];
            }
        }
    }
}

#define LANES 8

/* `omp simd` on a fixed-width lane loop: GCC needs it to vectorize across
 * the lanes. Clang vectorizes them without it, and under the sanitizers
 * (SANITIZE=1) cannot honour the hint and warns, so it is given to GCC
 * only. */
#if defined(__clang__)
#define LANE_SIMD
#else
#define LANE_SIMD _Pragma("omp simd")
#endif

/* s[t] = sum_{i<L} d[i] * src[i + m*R + kk] for every tap t = m*KW + kk, then
 * dk[t] += s[t] (correlation) or dk[KH*KW-1-t] += s[t] (convolution: the
 * tap that multiplied src there in forward is the flipped one). Four taps
 * at a time share the loads of d. Each sum is kept in LANES partial sums
 * (lane u adds i = u, u+LANES, ...: independent chains that stay in
 * registers), added in lane order at the end, then the leftover terms. */
static void taps_dot(float *restrict dk, const float *restrict d, const float *restrict src, int R,
                     int L, int KH, int KW, int flip)
{
    const int T = KH * KW, Lv = L / LANES * LANES;
    int t = 0;
    for (; t + 4 <= T; t += 4) {
        const float *restrict s0 = src + (t / KW) * R + t % KW;
        const float *restrict s1 = src + ((t + 1) / KW) * R + (t + 1) % KW;
        const float *restrict s2 = src + ((t + 2) / KW) * R + (t + 2) % KW;
        const float *restrict s3 = src + ((t + 3) / KW) * R + (t + 3) % KW;
        float v0[LANES], v1[LANES], v2[LANES], v3[LANES];
        for (int u = 0; u < LANES; u++) v0[u] = v1[u] = v2[u] = v3[u] = 0.0f;
        for (int i0 = 0; i0 < Lv; i0 += LANES) {
            const float *restrict pd = d + i0, *restrict p0 = s0 + i0, *restrict p1 = s1 + i0;
            const float *restrict p2 = s2 + i0, *restrict p3 = s3 + i0;
            LANE_SIMD
            for (int u = 0; u < LANES; u++) {
                v0[u] += pd[u] * p0[u];
                v1[u] += pd[u] * p1[u];
                v2[u] += pd[u] * p2[u];
                v3[u] += pd[u] * p3[u];
            }
        }
        float a0 = 0.0f, a1 = 0.0f, a2 = 0.0f, a3 = 0.0f;
        for (int u = 0; u < LANES; u++) a0 += v0[u], a1 += v1[u], a2 += v2[u], a3 += v3[u];
        for (int i = Lv; i < L; i++) {
            a0 += d[i] * s0[i];
            a1 += d[i] * s1[i];
            a2 += d[i] * s2[i];
            a3 += d[i] * s3[i];
        }
        if (flip) {
            dk[T - 1 - t] += a0;
            dk[T - 2 - t] += a1;
            dk[T - 3 - t] += a2;
            dk[T - 4 - t] += a3;
        } else {
            dk[t] += a0;
            dk[t + 1] += a1;
            dk[t + 2] += a2;
            dk[t + 3] += a3;
        }
    }
    for (; t < T; t++) {
        const float *restrict s0 = src + (t / KW) * R + t % KW;
        float v0[LANES];
        for (int u = 0; u < LANES; u++) v0[u] = 0.0f;
        for (int i0 = 0; i0 < Lv; i0 += LANES) {
            const float *restrict pd = d + i0, *restrict p0 = s0 + i0;
            LANE_SIMD
            for (int u = 0; u < LANES; u++) v0[u] += pd[u] * p0[u];
        }
        float a0 = 0.0f;
        for (int u = 0; u < LANES; u++) a0 += v0[u];
        for (int i = Lv; i < L; i++) a0 += d[i] * s0[i];
        dk[flip ? T - 1 - t : t] += a0;
    }
}

/* The same sums as taps_dot for kernels 5 wide, one kernel row at a time:
 * the 5 taps of row m share each load of d, and each sum is kept in LANES
 * partial sums (lane u adds i = u, u+LANES, ...), added in lane order at
 * the end, then the leftover terms. */
static void rows_dot5(float *restrict dk, const float *restrict d, const float *restrict src, int R, int L,
                      int KH, int flip)
{
    const int T = KH * 5, Lv = L / LANES * LANES;
    for (int m = 0; m < KH; m++) {
        const float *restrict s = src + (size_t)m * R;
        float v0[LANES], v1[LANES], v2[LANES], v3[LANES], v4[LANES];
        for (int u = 0; u < LANES; u++) v0[u] = v1[u] = v2[u] = v3[u] = v4[u] = 0.0f;
        for (int i0 = 0; i0 < Lv; i0 += LANES) {
            const float *restrict pd = d + i0, *restrict ps = s + i0;
            LANE_SIMD
            for (int u = 0; u < LANES; u++) {
                const float du = pd[u];
                v0[u] += du * ps[u];
                v1[u] += du * ps[u + 1];
                v2[u] += du * ps[u + 2];
                v3[u] += du * ps[u + 3];
                v4[u] += du * ps[u + 4];
            }
        }
        float a[5] = { 0.0f, 0.0f, 0.0f, 0.0f, 0.0f };
        for (int u = 0; u < LANES; u++) a[0] += v0[u], a[1] += v1[u], a[2] += v2[u], a[3] += v3[u], a[4] += v4[u];
        for (int i = Lv; i < L; i++)
            for (int kk = 0; kk < 5; kk++) a[kk] += d[i] * s[i + kk];
        for (int kk = 0; kk < 5; kk++) dk[flip ? T - 1 - (m * 5 + kk) : m * 5 + kk] += a[kk];
    }
}

/* rows_dot5 for DW5_O output maps at once, which share each load of the
 * source: d[b] is map b's dyw, dk[b] its kernel for this input (NULL: not
 * kept, d[b] then reads zeros). Per run of LANES outputs, 5 source loads and
 * DW5_O loads of d feed 5 * DW5_O multiply-adds, where rows_dot5 needs 6
 * loads for 5. Each sum is the one rows_dot5 computes, in the same order. */
#if VEC == 16
#define DW5_O 3 /* 15 sums of LANES in registers; AVX-512 has 32 */
#else
#define DW5_O 2 /* 10 of AVX2's 16 registers */
#endif
/* Each map's 5 sums are separate arrays (one register each once
 * vectorized): in one 3-d array GCC keeps them in memory. */
#define DW5_SUMS(b) float v##b##0[LANES], v##b##1[LANES], v##b##2[LANES], v##b##3[LANES], v##b##4[LANES]
#define DW5_ZERO(b) \
    for (int u = 0; u < LANES; u++) v##b##0[u] = v##b##1[u] = v##b##2[u] = v##b##3[u] = v##b##4[u] = 0.0f
#define DW5_STEP(b)                     \
    {                                   \
        const float db = d##b[i0 + u];  \
        v##b##0[u] += db * s0;          \
        v##b##1[u] += db * s1;          \
        v##b##2[u] += db * s2;          \
        v##b##3[u] += db * s3;          \
        v##b##4[u] += db * s4;          \
    }
#define DW5_KEEP(b)                                                                                   \
    {                                                                                                 \
        float a[5] = { 0.0f, 0.0f, 0.0f, 0.0f, 0.0f };                                                \
        for (int u = 0; u < LANES; u++)                                                               \
            a[0] += v##b##0[u], a[1] += v##b##1[u], a[2] += v##b##2[u], a[3] += v##b##3[u], a[4] += v##b##4[u]; \
        dw5_keep(dk[b], a, d##b, s, Lv, L, m, T, flip);                                               \
    }

/* dk[t] += a[kk] (the lane sums of row m's five taps, lanes in order) plus
 * the leftover terms i in [Lv, L); t flipped for a true convolution. */
static void dw5_keep(float *dk, float *a, const float *d, const float *s, int Lv, int L, int m, int T, int flip)
{
    if (!dk) return;
    for (int i = Lv; i < L; i++)
        for (int kk = 0; kk < 5; kk++) a[kk] += d[i] * s[i + kk];
    for (int kk = 0; kk < 5; kk++) dk[flip ? T - 1 - (m * 5 + kk) : m * 5 + kk] += a[kk];
}

static void rows_dot5_maps(float *const *dk, const float *const *d, const float *restrict src, int R, int L,
                           int KH, int flip)
{
    const int T = KH * 5, Lv = L / LANES * LANES;
    const float *restrict d0 = d[0], *restrict d1 = d[1];
#if DW5_O == 3
    const float *restrict d2 = d[2];
#endif
    for (int m = 0; m < KH; m++) {
        const float *restrict s = src + (size_t)m * R;
        DW5_SUMS(0);
        DW5_SUMS(1);
        DW5_ZERO(0);
        DW5_ZERO(1);
#if DW5_O == 3
        DW5_SUMS(2);
        DW5_ZERO(2);
#endif
        for (int i0 = 0; i0 < Lv; i0 += LANES) {
            const float *restrict ps = s + i0;
            LANE_SIMD
            for (int u = 0; u < LANES; u++) {
                const float s0 = ps[u], s1 = ps[u + 1], s2 = ps[u + 2], s3 = ps[u + 3], s4 = ps[u + 4];
                DW5_STEP(0)
                DW5_STEP(1)
#if DW5_O == 3
                DW5_STEP(2)
#endif
            }
        }
        DW5_KEEP(0)
        DW5_KEEP(1)
#if DW5_O == 3
        DW5_KEEP(2)
#endif
    }
}

/* xp (Hp,Wp) = x (H,W) with pt zero rows above, pl zero columns left, zeros
 * after, and TILE more zeros of slack. */
static void pad_plane(float *restrict xp, const float *restrict x, int H, int W, int Hp, int Wp,
                      int pt, int pl)
{
    memset(xp, 0, ((size_t)Hp * Wp + TILE) * sizeof *xp);
    for (int iy = 0; iy < H; iy++) memcpy(xp + (size_t)(iy + pt) * Wp + pl, x + (size_t)iy * W, (size_t)W * sizeof *x);
}

/* The flattened layout's padded plane (Hp = OH+KH-1 rows of Wp = OW+KW-1)
 * is larger than the input: the input must be copied into it with zeros. */
static int wide_padded(const Geom *g)
{
    return g->OH + g->KH - 1 != g->H || g->OW + g->KW - 1 != g->W;
}

/* Stride 1 and every scratch plane of the flattened layout fits. */
static int wide_ok(const Geom *g)
{
    if (g->sh != 1 || g->sw != 1) return 0;
    const double Hq = (double)g->OH + 2.0 * (g->KH - 1), Wq = (double)g->OW + 2.0 * (g->KW - 1);
    return Hq * Wq <= FAST_PLANE;
}

/* The kernel covers the whole unpadded input: one output pixel. */
static int dense_ok(const Geom *g)
{
    return g->pt == 0 && g->pl == 0 && g->KH == g->H && g->KW == g->W && g->OH == 1 && g->OW == 1;
}

/* y (OH,OW) = b0 + sum over connected j of plane(x_j, k_j), stride 1.
 * xs: the C/G input planes of this group, ks: the C/G kernels of this output. */
static void fwd_wide(float *restrict y, const float *restrict xs, const float *restrict ks, float b0,
                     const unsigned char *trow, int Cg, const Geom *g, ConvOp mode)
{
    const int H = g->H, W = g->W, OH = g->OH, OW = g->OW, KH = g->KH, KW = g->KW;
    const int Hp = OH + KH - 1, Wp = OW + KW - 1, L = (OH - 1) * Wp + OW;
    const int padded = wide_padded(g);
    float acc[FAST_PLANE + TILE], xp[FAST_PLANE + TILE];
    for (int i = 0; i < L; i++) acc[i] = b0;
    for (int j = 0; j < Cg; j++) {
        if (trow && !trow[j]) continue;
        const float *src = xs + (size_t)j * H * W;
        if (padded) {
            pad_plane(xp, src, H, W, Hp, Wp, g->pt, g->pl);
            src = xp;
        }
        rows_acc(acc, src, Wp, L, ks + (size_t)j * KH * KW, KH, KW, mode == CONV_OP_CONVOLVE);
    }
    for (int oy = 0; oy < OH; oy++)
        for (int ox = 0; ox < OW; ox++) y[(size_t)oy * OW + ox] = acc[(size_t)oy * Wp + ox];
}

/* dx (H,W) += sum over the connected outputs o of dL/dx through o's kernel,
 * for one sample and one input channel. dys: dy planes of this group's
 * outputs, ks: their kernels for this input (kstride apart), tcol: the table
 * column of this input (tstride apart) or NULL.
 *
 * Forward added k'[m,kk] * xp[i + m*Wp + kk] into output i (k' = k, or
 * rot180(k) in a CONVOLVE layer), so output i sends k'[m,kk] * dy[i] back to
 * padded-input index i + m*Wp + kk. With dy laid out with row length Wp
 * (dyw: zeros in the KW-1 columns after each row), kernel row m adds
 *     dxp[m*Wp + q] += sum_kk k'[m,kk] dyw[q - kk],   q in [0, Lo + KW - 1)
 * which rows_acc computes as a one-row correlation with the reversed row,
 * reading dz = dyw with KW-1 zeros on each side. The result is cropped to the
 * unpadded input. */
static void dx_wide(float *restrict dx, const float *restrict dys, const float *restrict ks,
                    size_t kstride, const unsigned char *tcol, size_t tstride, int OCg, const Geom *g,
                    ConvOp mode)
{
    const int H = g->H, W = g->W, OH = g->OH, OW = g->OW, KH = g->KH, KW = g->KW;
    const int Hp = OH + KH - 1, Wp = OW + KW - 1, Lo = (OH - 1) * Wp + OW, Q = Lo + KW - 1;
    float acc[FAST_PLANE], dz[FAST_PLANE + TILE];
    for (int i = 0; i < Hp * Wp; i++) acc[i] = 0.0f;
    for (int i = 0; i < Lo + 2 * (KW - 1); i++) dz[i] = 0.0f;
    for (int og = 0; og < OCg; og++) {
        if (tcol && !tcol[(size_t)og * tstride]) continue;
        const float *dy = dys + (size_t)og * OH * OW;
        for (int oy = 0; oy < OH; oy++)
            memcpy(dz + (KW - 1) + (size_t)oy * Wp, dy + (size_t)oy * OW, (size_t)OW * sizeof *dy);
        const float *k = ks + (size_t)og * kstride;
        for (int m = 0; m < KH; m++) {
            /* k'[m, KW-1-b] for b = 0..KW-1: row m of k reversed, or row
             * KH-1-m of k as it stands (k' = rot180(k)) */
            if (mode == CONV_OP_CONVOLVE)
                rows_acc(acc + (size_t)m * Wp, dz, 0, Q, k + (size_t)(KH - 1 - m) * KW, 1, KW, 0);
            else
                rows_acc(acc + (size_t)m * Wp, dz, 0, Q, k + (size_t)m * KW, 1, KW, 1);
        }
    }
    for (int iy = 0; iy < H; iy++)
        for (int ix = 0; ix < W; ix++) dx[(size_t)iy * W + ix] += acc[(size_t)(iy + g->pt) * Wp + ix + g->pl];
}

/* dk_j += sum_i dyw[i] * xp_j[i + tap offset] for the connected inputs j of
 * one output and one sample. dy: this sample's dy plane of the output. */
static void dw_wide(float *restrict dks, const float *restrict dy, const float *restrict xs,
                    const unsigned char *trow, int Cg, const Geom *g, ConvOp mode)
{
    const int H = g->H, W = g->W, OH = g->OH, OW = g->OW, KH = g->KH, KW = g->KW;
    const int Hp = OH + KH - 1, Wp = OW + KW - 1, L = (OH - 1) * Wp + OW;
    const int padded = wide_padded(g);
    float dyw[FAST_PLANE], xp[FAST_PLANE + TILE];
    for (int oy = 0; oy < OH; oy++) {
        float *row = dyw + (size_t)oy * Wp;
        memcpy(row, dy + (size_t)oy * OW, (size_t)OW * sizeof *dy);
        if (oy + 1 < OH)
            for (int ox = OW; ox < Wp; ox++) row[ox] = 0.0f;
    }
    for (int j = 0; j < Cg; j++) {
        if (trow && !trow[j]) continue;
        const float *src = xs + (size_t)j * H * W;
        if (padded) {
            pad_plane(xp, src, H, W, Hp, Wp, g->pt, g->pl);
            src = xp;
        }
        if (KW == 5)
            rows_dot5(dks + (size_t)j * KH * KW, dyw, src, Wp, L, KH, mode == CONV_OP_CONVOLVE);
        else
            taps_dot(dks + (size_t)j * KH * KW, dyw, src, Wp, L, KH, KW, mode == CONV_OP_CONVOLVE);
    }
}

/* The weight gradient of output maps o0 .. o0+nb-1 (nb <= DW5_O, one
 * group, no table, 5-wide kernels) over all B samples: dk_o += sum_n
 * dw_wide's sums, sample by sample, with each input plane padded once for
 * the block instead of once per map. */
static void dw_wide5(float *dweight, const float *dout, const float *inp, int B, int C, int OC, int o0, int nb,
                     int Cg, int OCg, const Geom *g, ConvOp mode)
{
    const int H = g->H, W = g->W, OH = g->OH, OW = g->OW, KH = g->KH;
    const int Hp = OH + KH - 1, Wp = OW + 4, L = (OH - 1) * Wp + OW;
    const int padded = wide_padded(g);
    const size_t pin = (size_t)H * W, pout = (size_t)OH * OW, ksz = (size_t)KH * 5;
    float dyw[DW5_O][FAST_PLANE], xp[FAST_PLANE + TILE];
    float *dk[DW5_O];
    const float *d[DW5_O];
    for (int b = 0; b < DW5_O; b++) {
        d[b] = dyw[b];
        for (int i = 0; i < L; i++) dyw[b][i] = 0.0f;
    }
    const int cbase = o0 / OCg * Cg;
    for (int n = 0; n < B; n++) {
        for (int b = 0; b < nb; b++) {
            const float *dy = dout + ((size_t)n * OC + o0 + b) * pout;
            for (int oy = 0; oy < OH; oy++) memcpy(dyw[b] + (size_t)oy * Wp, dy + (size_t)oy * OW, (size_t)OW * sizeof *dy);
        }
        for (int j = 0; j < Cg; j++) {
            for (int b = 0; b < DW5_O; b++) dk[b] = b < nb ? dweight + ((size_t)(o0 + b) * Cg + j) * ksz : NULL;
            const float *src = inp + ((size_t)n * C + cbase + j) * pin;
            if (padded) {
                pad_plane(xp, src, H, W, Hp, Wp, g->pt, g->pl);
                src = xp;
            }
            rows_dot5_maps(dk, d, src, Wp, L, KH, mode == CONV_OP_CONVOLVE);
        }
    }
}

/* sum_i a[i] b[i] over n numbers in TILE lanes (lane u adds i = u, u+TILE,
 * ...; the lanes are independent chains that stay in registers), the lanes
 * then added in order, then the leftover terms. */
static float dot_lanes(const float *restrict a, const float *restrict b, int n)
{
    float v[TILE];
    for (int u = 0; u < TILE; u++) v[u] = 0.0f;
    int i0 = 0;
    for (; i0 + TILE <= n; i0 += TILE) {
        const float *restrict pa = a + i0, *restrict pb = b + i0;
        LANE_SIMD
        for (int u = 0; u < TILE; u++) v[u] += pa[u] * pb[u];
    }
    float s = 0.0f;
    for (int u = 0; u < TILE; u++) s += v[u];
    for (; i0 < n; i0++) s += a[i0] * b[i0];
    return s;
}

/* For TR_M rows m at once, out_m = out + m*os and c_m = c + m*cm:
 *   out_m[i] += sum_{r<R} c_m[r*cs] * src[r*S + i]   for i < n,
 * the terms of each out_m[i] added in the order r = 0, 1, ... (LeNet-5's
 * C5 backward: dx of a sample sums its 120 kernels' rows, dk of a map sums
 * the batch's input rows). A run of TR_RUN columns of TR_M rows stays in
 * registers (TR_M x TR_RUN / VEC independent sums in flight) over all r,
 * and each load of src feeds TR_M rows. (Taken one row at a time, with
 * long runs, every row of src, C5's 192 KB of kernels for dx, was streamed
 * again from the L2 cache for each sample.) The caller gives runs of at
 * most TR_RUN columns; a shorter one (C5 with AVX-512: the last 16 of 400)
 * is added a register a row at a time, and what is left of it (less than a
 * register) row by row. A short block (M < TR_M) computes the missing rows
 * on c_0 and does not keep them. The callers' rows are samples or maps,
 * evenly spaced in memory, hence the strides. */
#if VEC == 16
#define TR_M 6 /* 6 rows x 2 registers of sums: 12 of AVX-512's 32 */
#else
#define TR_M 5 /* 5 rows x 2 registers of sums, 2 of src, a broadcast, a product: 14 of AVX2's 16 */
#endif
#define TR_NV 2 /* registers of sums per row */
#define TR_RUN (TR_NV * VEC)
#define DEFINE_TILE_RUN(NAME, W)                                                                               \
static __attribute__((noinline)) void NAME(float *out, size_t os, const float *c, size_t cm, size_t cs, int M,    \
                                           const float *restrict src, size_t S, int R)                           \
{                                                                                                              \
    const float *cp[TR_M];                                                                                     \
    float v[TR_M][W];                                                                                          \
    for (int m = 0; m < TR_M; m++) cp[m] = c + (size_t)(m < M ? m : 0) * cm;                                   \
    for (int m = 0; m < M; m++)                                                                                \
        for (int u = 0; u < W; u++) v[m][u] = out[(size_t)m * os + u];                                         \
    for (int m = M; m < TR_M; m++)                                                                             \
        for (int u = 0; u < W; u++) v[m][u] = 0.0f;                                                            \
    for (int r = 0; r < R; r++) {                                                                              \
        const float *restrict a = src + (size_t)r * S;                                                         \
        for (int m = 0; m < TR_M; m++) {                                                                       \
            const float cr = cp[m][(size_t)r * cs];                                                            \
            LANE_SIMD for (int u = 0; u < W; u++) v[m][u] += cr * a[u];                                        \
        }                                                                                                      \
    }                                                                                                          \
    for (int m = 0; m < M; m++)                                                                                \
        for (int u = 0; u < W; u++) out[(size_t)m * os + u] = v[m][u];                                         \
}
DEFINE_TILE_RUN(tile_run, TR_RUN)
DEFINE_TILE_RUN(tile_vec, VEC)

static void tile_rows(float *out, size_t os, const float *c, size_t cm, size_t cs, int M, const float *restrict src,
                      size_t S, int R, int n)
{
    if (n == TR_RUN) {
        tile_run(out, os, c, cm, cs, M, src, S, R);
        return;
    }
    int i0 = 0;
    for (; i0 + VEC <= n; i0 += VEC) tile_vec(out + i0, os, c, cm, cs, M, src + i0, S, R);
    for (int m = 0; m < M; m++) {
        float *restrict o = out + (size_t)m * os;
        for (int r = 0; r < R; r++) {
            const float cr = c[(size_t)m * cm + (size_t)r * cs];
            const float *restrict a = src + (size_t)r * S;
            for (int i = i0; i < n; i++) o[i] += cr * a[i];
        }
    }
}

/* Dense case, T = KH*KW = H*W, one output pixel:
 *   CORRELATE  y = b0 + sum_j sum_t k_j[t] x_j[t]
 *   CONVOLVE   y = b0 + sum_j sum_t k_j[T-1-t] x_j[t]
 * (Without a table a correlation is one dot product over all Cg*T numbers:
 * dense_forward, the maps of several outputs at a time.) */
static float fwd_dense(const float *restrict xs, const float *restrict ks, float b0,
                       const unsigned char *trow, int Cg, int T, ConvOp mode)
{
    float s = 0.0f;
    for (int j = 0; j < Cg; j++) {
        if (trow && !trow[j]) continue;
        const float *restrict x = xs + (size_t)j * T, *restrict k = ks + (size_t)j * T;
        float sj = 0.0f;
        if (mode == CONV_OP_CONVOLVE) {
            for (int t = 0; t < T; t++) sj += k[T - 1 - t] * x[t];
        } else {
            sj = dot_lanes(k, x, T);
        }
        s += sj;
    }
    return b0 + s;
}

/* The dense case without a table, CORRELATE (LeNet-5's C5), N = Cg*H*W:
 *   y[n,o] = bias[o] + sum_{i<N} k_o[i] x_n[i],   i = 0, 1, ... in order
 * (the reference's sum, bit for bit). With a run of samples' inputs
 * transposed, xT[i][u] = x_{n0+u}[i], the outputs of map o for the run are
 *   yT_o[u] = bias[o] + sum_i k_o[i] xT_i[u]
 * which is tile_rows with the maps as rows and the samples as columns: one
 * load of a run of xT feeds TR_M maps. (As dot products over i, each
 * output's partial sums had to be added up across the vector at the end.)
 * A task is one run of samples, all maps, with its own scratch: no thread
 * waits for another in the middle. Without memory for the scratch, each
 * output of the run is one chain of the same sums. */
static void dense_forward(float *out, const float *inp, const float *weight, const float *bias, int B, int C,
                          int OC, int groups, size_t pin, double work)
{
    const int OCg = OC / groups, N = C / groups * (int)pin, nrun = (B + TR_RUN - 1) / TR_RUN;
    const size_t X = (size_t)C * pin; /* floats of one sample's input */
    (void)work; /* read only by the OpenMP clause */
#pragma omp parallel for schedule(static) if (work >= CONV_PAR_MADDS)
    for (int run = 0; run < nrun; run++) {
        const int n0 = run * TR_RUN, nn = B - n0 < TR_RUN ? B - n0 : TR_RUN;
        float *xT = malloc((X + (size_t)OC) * TR_RUN * sizeof *xT);
        if (!xT) {
            for (int n = n0; n < n0 + nn; n++)
                for (int o = 0; o < OC; o++) {
                    const float *x = inp + (size_t)n * X + (size_t)(o / OCg) * N, *k = weight + (size_t)o * N;
                    float sum = bias ? bias[o] : 0.0f;
                    for (int i = 0; i < N; i++) sum += k[i] * x[i];
                    out[(size_t)n * OC + o] = sum;
                }
            continue;
        }
        float *yT = xT + X * TR_RUN;
        for (size_t i = 0; i < X; i++)
            for (int u = 0; u < nn; u++) xT[i * TR_RUN + u] = inp[(size_t)(n0 + u) * X + i];
        for (int o = 0; o < OC; o++)
            for (int u = 0; u < nn; u++) yT[(size_t)o * TR_RUN + u] = bias ? bias[o] : 0.0f;
        for (int gi = 0; gi < groups; gi++)
            for (int f = 0; f < OCg; f += TR_M) {
                const size_t o0 = (size_t)gi * OCg + (size_t)f;
                tile_rows(yT + o0 * TR_RUN, TR_RUN, weight + o0 * N, (size_t)N, 1, OCg - f < TR_M ? OCg - f : TR_M,
                          xT + (size_t)gi * N * TR_RUN, TR_RUN, N, nn);
            }
        for (int u = 0; u < nn; u++)
            for (int o = 0; o < OC; o++) out[(size_t)(n0 + u) * OC + o] = yT[(size_t)o * TR_RUN + u];
        free(xT);
    }
}

/* Dense case with a table or in CONVOLVE mode, one (sample, output) pair:
 *   CORRELATE  out_j[t] += g * in_j[t]       CONVOLVE  out_j[t] += g * in_j[T-1-t]
 * used as dx_j += dy * k_j (in = kernel, flip_in) and dk_j += dy * x_j (in =
 * input, where the flip moves to the output, flip_out: dk_j[T-1-t] += dy *
 * x_j[t], the same pairs as in forward). */
static void axpy_blocks(float *restrict out, const float *restrict in, float gval,
                        const unsigned char *trow, int Cg, int T, int flip_in, int flip_out)
{
    for (int j = 0; j < Cg; j++) {
        if (trow && !trow[j]) continue;
        float *restrict o = out + (size_t)j * T;
        const float *restrict a = in + (size_t)j * T;
        if (flip_in)
            for (int t = 0; t < T; t++) o[t] += gval * a[T - 1 - t];
        else if (flip_out)
            for (int t = 0; t < T; t++) o[T - 1 - t] += gval * a[t];
        else
            for (int t = 0; t < T; t++) o[t] += gval * a[t];
    }
}

/* 3. Several input and output channels on small planes (AlexNet's conv2..
 *    conv5: 24..64 channels of 13x13 or 6x6; LeNet-5's C3: 6 -> 16 maps of
 *    10x10). The loops above work on one (output map, input map) pair at a
 *    time: a 6x6 output is 46 numbers, loaded and stored again for every
 *    input map and every kernel row, and each input plane is padded again for
 *    every output map. Here the input planes of a sample are padded once
 *    (flattened, row length Wp, as in 1), and a block of BLK_O output maps x
 *    BLK_P consecutive outputs stays in registers while every input map and
 *    every tap is added:
 *
 *      for each block of BLK_O maps o, each run of BLK_P outputs i:
 *          v[o][i] = bias[o]
 *          for each input map j, each tap t = (m, kk):
 *              v[o][i] += k'[o, j, t] * xp_j[i + m*Wp + kk]      (BLK_O x BLK_P terms)
 *
 *    One load of a run of xp feeds BLK_O maps, one load of a weight feeds
 *    BLK_P outputs, where the row loops of 1 need a load and a store of the
 *    output per kernel row. The block is 8 vector registers of sums (4 maps x
 *    2 registers of VEC outputs): a multiply-add takes several cycles before
 *    its result can be added to again, so the processor needs that many
 *    independent sums in flight to start one or two every cycle (fewer leave
 *    the multiply-add units waiting; more no longer fit AVX2's 16 registers
 *    beside the loads). Where the maps allow, other block sizes do better:
 *    see blocked_taps.
 *    Each sum starts from the bias and adds the inputs j and the taps in the
 *    reference loops' order, so forward gives exactly the reference's bits.
 *    The input gradient is the same loop on the flattened dy planes (the full
 *    convolution of 1, taps reversed), with input maps and output maps
 *    swapped. The weight gradient has its own loop (dw_blocked), a block of
 *    DW_O maps side by side. */
#define BLK_O 4
#define BLK_P (2 * VEC)
#define BLK_SCRATCH 32768 /* floats of padded planes per thread (on the stack: 128 KiB; 64 maps of 13x13, padded) */
#define BLK_MIN_CHANNELS 6
#define DW_O 16 /* output maps per weight-gradient block: one AVX-512 register, two AVX2 ones */
#define DW_DYT (BLK_SCRATCH / 2) /* floats of dy for a chunk of samples, DW_O maps a pixel (on the stack) */
/* Kernel rows per weight-gradient pass of a 3-wide and a 5-wide kernel:
 * each pixel's input value feeds DW_O maps at once (one broadcast, two AVX2
 * multiply-adds), and the sums fill most registers. */
#if VEC == 16
#define DW3_ROWS 3 /* 9 sums of AVX-512's 32 registers */
#define DW5_ROWS 3 /* 15 */
#else
#define DW3_ROWS 2 /* 2 x 3 sums of 2 registers: 12 of AVX2's 16 */
#define DW5_ROWS 1 /* 5 x 2: 10 */
#endif

/* acc(b, i) = init[b] + sum_{j<J} sum_{t<T} w(b, j, t) * src[j*P + i + off[t]]
 * for maps b < nb and outputs i < L; w(b, j, t) = k[b*sb + j*sj + (flip ? T-1-t : t)].
 * Output i goes to dst[b*dstride + (i / R) * ncols + i % R] (= or +=, by add)
 * when i % R < ncols: the columns past ncols are the flattened layout's
 * garbage. The source has BLK_P floats of readable slack after position L.
 * A last block of fewer than BO maps runs the same loop with the missing
 * maps' weights read as a zero (their sums are computed and not kept). */
static const float blk_zero = 0.0f;

/* The sums of one blocked_taps call: tap t reads the source at off[t]
 * (kernel rows of KW taps, rows R apart) with weight t, or T-1-t (flip);
 * L outputs. Each source plane is zero outside [zlo, zhi) (the padding, or
 * the zeros around dy in the input gradient): a run of outputs skips the
 * kernel rows that read only zeros there, which leaves every sum as it was
 * (the input gradient of an unpadded layer, such as LeNet-5's C3, reads
 * dy surrounded by KH-1 rows of zeros). */
typedef struct {
    const int *off;
    int T, KW, flip, R, L, zlo, zhi;
} BlkSums;

/* The kernel rows m0 .. m1-1 that read some of [zlo, zhi) for a run of
 * outputs whose tap 0 reads source positions first .. last (row m reads
 * [first + m*R, last + m*R + KW-1]); the other rows read only zeros. */
static inline void live_rows(const BlkSums *q, int first, int last, int *m0, int *m1)
{
    const int KH = q->T / q->KW, R = q->R;
    const int below = q->zlo - (last + q->KW - 1), lim = q->zhi - first;
    *m0 = below > 0 ? (below + R - 1) / R : 0;
    *m1 = lim <= 0 ? 0 : (lim + R - 1) / R < KH ? (lim + R - 1) / R : KH;
}

/* One function per block size BO (blocked_taps_3, blocked_taps_4): with BO
 * a constant, GCC keeps the BO x BLK_P sums in registers. Not inlined: in
 * its callers' bodies GCC moved some of them to the stack. */
#define DEFINE_BLOCKED_TAPS(NAME, BO)                                                                             \
static __attribute__((noinline)) void NAME(float *restrict dst, size_t dstride, int ncols, int add,               \
                                           const float *init, int nb, const float *restrict src, size_t P, int J, \
                                           const float *restrict k, size_t sb, size_t sj, const BlkSums *q)       \
{                                                                                                                 \
    const int *off = q->off, T = q->T, KW = q->KW, flip = q->flip, R = q->R, L = q->L;                           \
    for (int b0 = 0; b0 < nb; b0 += BO) {                                                                         \
        const int bn = nb - b0 < BO ? nb - b0 : BO;                                                               \
        const float *kb[BO];                                                                                      \
        for (int b = 0; b < BO; b++) kb[b] = b < bn ? k + (size_t)(b0 + b) * sb : &blk_zero;                      \
        for (int i0 = 0; i0 < L; i0 += BLK_P) {                                                                   \
            int m0, m1;                                                                                           \
            live_rows(q, i0, i0 + BLK_P - 1, &m0, &m1);                                                           \
            float v[BO][BLK_P];                                                                                   \
            for (int b = 0; b < BO; b++)                                                                          \
                for (int u = 0; u < BLK_P; u++) v[b][u] = init && b < bn ? init[b0 + b] : 0.0f;                   \
            for (int j = 0; j < J; j++) {                                                                         \
                const float *restrict s = src + (size_t)j * P + i0;                                               \
                for (int t = m0 * KW; t < m1 * KW; t++) {                                                         \
                    const float *restrict st = s + off[t];                                                        \
                    const size_t at = (size_t)j * sj + (size_t)(flip ? T - 1 - t : t);                            \
                    for (int b = 0; b < BO; b++) {                                                                \
                        const float w = kb[b][b < bn ? at : 0];                                                   \
                        LANE_SIMD                                                                                 \
                        for (int u = 0; u < BLK_P; u++) v[b][u] += w * st[u];                                     \
                    }                                                                                             \
                }                                                                                                 \
            }                                                                                                     \
            for (int u = 0; u < BLK_P && i0 + u < L; u++) {                                                       \
                const int i = i0 + u, col = i % R;                                                                \
                if (col >= ncols) continue;                                                                       \
                const size_t at = (size_t)(i / R) * (size_t)ncols + (size_t)col;                                  \
                for (int b = 0; b < bn; b++) {                                                                    \
                    float *d = dst + (size_t)(b0 + b) * dstride + at;                                             \
                    *d = add ? *d + v[b][u] : v[b][u];                                                            \
                }                                                                                                 \
            }                                                                                                     \
        }                                                                                                         \
    }                                                                                                             \
}
DEFINE_BLOCKED_TAPS(blocked_taps_3, 3)
DEFINE_BLOCKED_TAPS(blocked_taps_4, BLK_O)
DEFINE_BLOCKED_TAPS(blocked_taps_6, 6)
#if VEC == 16
DEFINE_BLOCKED_TAPS(blocked_taps_8, 8)
#endif

/* The block size for nb maps: the largest block that divides the maps and
 * fits the registers, so no block computes maps it does not keep. AVX-512's
 * 32 registers hold 8 maps x 2 registers of sums: maps that come in eights
 * go 8 at a time. Six maps go in one block of 6 (12 sums; in blocks of 4 the
 * second would be half zeros); maps that come in threes and not in fours in
 * blocks of 3; the rest BLK_O. */
static void blocked_taps(float *restrict dst, size_t dstride, int ncols, int add, const float *init, int nb,
                         const float *restrict src, size_t P, int J, const float *restrict k, size_t sb, size_t sj,
                         const BlkSums *q)
{
#if VEC == 16
    if (nb % 8 == 0) {
        blocked_taps_8(dst, dstride, ncols, add, init, nb, src, P, J, k, sb, sj, q);
        return;
    }
#endif
    if (nb == 6)
        blocked_taps_6(dst, dstride, ncols, add, init, nb, src, P, J, k, sb, sj, q);
    else if (nb % BLK_O != 0 && nb % 3 == 0)
        blocked_taps_3(dst, dstride, ncols, add, init, nb, src, P, J, k, sb, sj, q);
    else
        blocked_taps_4(dst, dstride, ncols, add, init, nb, src, P, J, k, sb, sj, q);
}

/* 3b. Maps along the vectors. blocked_taps keeps a row of outputs along a
 *    vector register, so a 6x6 output (46 flattened numbers, 10 of them the
 *    garbage columns) fills two registers of 16 badly, and each weight is
 *    broadcast to a whole register before use. With many maps (conv2..conv5,
 *    C3 forward) the other way round does better: a register holds one
 *    pixel's sums for PM_MAPS consecutive output maps, and a block keeps
 *    PM_NP pixels x PM_MAPS maps of sums:
 *
 *      for each block of PM_MAPS maps, each run of PM_NP pixels p:
 *          v[p][o] = bias[o]
 *          for each input map j, each tap t = (m, kk):
 *              x = xp_j[base(p) + m*Wp + kk]                   (one number)
 *              v[p][o] += x * w[j][t][o]   for the block's maps o  (one vector op)
 *
 *    The weights w[j][t][o] of a block are packed once per call so that the
 *    maps of one tap are consecutive (pm_pack); only real pixels are visited
 *    (base(p) skips the garbage columns). Each sum still starts from the bias
 *    and adds the inputs j and the taps in the reference loops' order, so
 *    forward gives exactly the reference's bits, as blocked_taps does.
 *    PM_NP x 2 registers of sums (12 of AVX2's 16 registers, the 2 of
 *    weights and the broadcast pixel beside them) keep enough independent
 *    sums in flight. Fewer than 8 maps (C3's input gradient: 6 input maps)
 *    stay with blocked_taps, whose block of 6 maps fits them exactly; a
 *    block of 8 here would leave a quarter of every register empty. */
#define PM_MAPS 16
#if VEC == 16
#define PM_NP 8 /* pixels of 16 maps: 8 of AVX-512's 32 registers */
#else
#define PM_NP 6 /* 6 pixels x 2 registers: 12 of AVX2's 16 */
#endif
#define PM_MIN_MAPS 8

/* Maps in the block that starts with `left` maps still to do: 16, or 8 for
 * the last few (a block of 8 runs twice the pixels, the same registers). */
static int pm_width(int left)
{
    return left > 8 ? PM_MAPS : 8;
}

/* Floats pm_pack writes for nb maps over J inputs of T taps. */
static size_t pm_pack_size(int nb, int J, int T)
{
    size_t w = 0;
    for (int b0 = 0; b0 < nb; b0 += pm_width(nb - b0)) w += (size_t)pm_width(nb - b0);
    return w * (size_t)J * (size_t)T;
}

/* wp = the weights of nb maps in blocks (pm_width wide), block by block:
 *   wp[block][j][t][b] = k[(b0+b)*sb + j*sj + (flip ? T-1-t : t)]
 * and 0 for the maps past nb of a last block. */
static void pm_pack(float *restrict wp, const float *restrict k, int nb, int J, int T, size_t sb, size_t sj,
                    int flip)
{
    for (int b0 = 0; b0 < nb; b0 += pm_width(nb - b0)) {
        const int mw = pm_width(nb - b0);
        for (int j = 0; j < J; j++)
            for (int t = 0; t < T; t++)
                for (int b = 0; b < mw; b++)
                    *wp++ = b0 + b < nb ? k[(size_t)(b0 + b) * sb + (size_t)j * sj + (size_t)(flip ? T - 1 - t : t)]
                                        : 0.0f;
    }
}

/* acc(b, p) = init[b] + sum_{j<J} sum_{t<T} wp[j][t][b] * src[j*P + base(p) + off[t]]
 * for maps b < bn (of a block of MW) and pixels p < npix (rows of ncols),
 * base(p) = (p / ncols) * R + p % ncols; pixel p of map b goes to dst[b*dstride + p]
 * (= or +=, by add). Kernel rows that read only zeros are skipped (BlkSums).
 * One function per block shape: with MW and NP constants GCC keeps the
 * NP x MW sums in registers. */
#define DEFINE_PIXEL_TAPS(NAME, MW, NP)                                                                         \
static __attribute__((noinline)) void NAME(float *restrict dst, size_t dstride, int npix, int ncols, int add,   \
                                           const float *init, int bn, const float *restrict src, size_t P,      \
                                           int J, const float *restrict wp, const BlkSums *q)                   \
{                                                                                                               \
    const int *off = q->off, T = q->T, KW = q->KW, R = q->R;                                                    \
    for (int p0 = 0; p0 < npix; p0 += NP) {                                                                     \
        int bp[NP]; /* the run's pixels in the source; past the plane: its last pixel again, not kept */       \
        for (int p = 0; p < NP; p++) {                                                                          \
            const int pix = p0 + p < npix ? p0 + p : npix - 1;                                                  \
            bp[p] = pix / ncols * R + pix % ncols;                                                              \
        }                                                                                                       \
        int m0, m1;                                                                                             \
        live_rows(q, bp[0], bp[NP - 1], &m0, &m1);                                                              \
        float v[NP][MW];                                                                                        \
        for (int p = 0; p < NP; p++)                                                                            \
            for (int b = 0; b < MW; b++) v[p][b] = init && b < bn ? init[b] : 0.0f;                             \
        for (int j = 0; j < J; j++) {                                                                           \
            const float *restrict s = src + (size_t)j * P;                                                      \
            const float *restrict wj = wp + (size_t)j * T * MW;                                                 \
            for (int t = m0 * KW; t < m1 * KW; t++) {                                                           \
                const float *restrict w = wj + (size_t)t * MW, *restrict st = s + off[t];                       \
                for (int p = 0; p < NP; p++) {                                                                  \
                    const float x = st[bp[p]];                                                                  \
                    LANE_SIMD                                                                                   \
                    for (int b = 0; b < MW; b++) v[p][b] += x * w[b];                                           \
                }                                                                                               \
            }                                                                                                   \
        }                                                                                                       \
        for (int p = 0; p < NP && p0 + p < npix; p++)                                                           \
            for (int b = 0; b < bn; b++) {                                                                      \
                float *d = dst + (size_t)b * dstride + (size_t)(p0 + p);                                        \
                *d = add ? *d + v[p][b] : v[p][b];                                                              \
            }                                                                                                   \
    }                                                                                                           \
}
DEFINE_PIXEL_TAPS(pixel_taps_16, PM_MAPS, PM_NP)
DEFINE_PIXEL_TAPS(pixel_taps_8, 8, 2 * PM_NP)

/* The blocks of nb maps (weights packed by pm_pack), each by its function. */
static void pixel_taps(float *restrict dst, size_t dstride, int npix, int ncols, int add, const float *init, int nb,
                       const float *restrict src, size_t P, int J, const float *restrict wp, const BlkSums *q)
{
    for (int b0 = 0; b0 < nb; b0 += pm_width(nb - b0)) {
        const int mw = pm_width(nb - b0), bn = nb - b0 < mw ? nb - b0 : mw;
        float *d = dst + (size_t)b0 * dstride;
        const float *in = init ? init + b0 : NULL;
        if (mw == PM_MAPS)
            pixel_taps_16(d, dstride, npix, ncols, add, in, bn, src, P, J, wp, q);
        else
            pixel_taps_8(d, dstride, npix, ncols, add, in, bn, src, P, J, wp, q);
        wp += (size_t)mw * J * q->T;
    }
}

/* Planes of Hp*Wp floats, padded, plus slack: the stride between them. */
static size_t blk_plane(const Geom *g)
{
    const int Hp = g->OH + g->KH - 1, Wp = g->OW + g->KW - 1;
    return (size_t)Hp * Wp + (size_t)(g->KH - 1) * Wp + (size_t)g->KW + BLK_P;
}

/* Stride 1, no table, many channels, and the padded planes of one group fit. */
static int blocked_ok(const Geom *g, int Cg, int OCg, const unsigned char *table)
{
    if (table || g->sh != 1 || g->sw != 1 || Cg < BLK_MIN_CHANNELS || OCg < BLK_MIN_CHANNELS || dense_ok(g)) return 0;
    const int Hp = g->OH + g->KH - 1, Wp = g->OW + g->KW - 1;
    if (Hp < g->H || Wp < g->W || g->KH * g->KW > 64) return 0;
    const size_t P = blk_plane(g);
    return (size_t)Cg * P <= BLK_SCRATCH && (size_t)OCg * P <= BLK_SCRATCH;
}

/* The weight gradient's blocks (dw_blocked) fit its scratch: one sample's
 * dy at least, and the sums of every tap of Cg input maps, DW_O maps wide.
 * (Its own test: a layer whose weight gradient does not fit keeps the
 * blocked forward and input gradient.) */
static int dw_blocked_ok(const Geom *g, int Cg)
{
    return (size_t)g->OH * g->OW * DW_O <= DW_DYT && (size_t)Cg * g->KH * g->KW * DW_O <= BLK_SCRATCH;
}

/* n input planes x (H x W each) copied into xp with their zero padding
 * around them: planes blk_plane(g) floats apart, rows Wp = OW + KW - 1 wide,
 * the layout the blocked loops read. */
static void pad_planes(float *restrict xp, const float *restrict x, int n, const Geom *g)
{
    const int Wp = g->OW + g->KW - 1;
    const size_t P = blk_plane(g);
    memset(xp, 0, (size_t)n * P * sizeof *xp);
    for (int j = 0; j < n; j++)
        for (int iy = 0; iy < g->H; iy++)
            memcpy(xp + (size_t)j * P + (size_t)(iy + g->pt) * Wp + g->pl, x + ((size_t)j * g->H + iy) * g->W,
                   (size_t)g->W * sizeof *xp);
}

static void blk_offsets(int *off, const Geom *g, int Wp)
{
    for (int t = 0; t < g->KH * g->KW; t++) off[t] = (t / g->KW) * Wp + t % g->KW;
}

/* The weights of every group packed for pixel_taps (gsize floats a group),
 * or NULL: too few maps, or no memory, and the caller uses blocked_taps.
 * The maps b of a block are output maps (forward: sb = Cg*T, sj = T) or
 * input maps (input gradient: sb = T, sj = Cg*T); a group's weights are
 * nb*J*T floats either way. */
static float *pm_pack_groups(const float *weight, int groups, int nb, int J, int T, size_t sb, size_t sj, int flip,
                             size_t *gsize)
{
    if (nb < PM_MIN_MAPS) return NULL;
    *gsize = pm_pack_size(nb, J, T);
    float *wp = malloc((size_t)groups * *gsize * sizeof *wp);
    if (!wp) return NULL;
    for (int gi = 0; gi < groups; gi++)
        pm_pack(wp + (size_t)gi * *gsize, weight + (size_t)gi * nb * J * T, nb, J, T, sb, sj, flip);
    return wp;
}

/* Forward of one (sample, group): y (OCg planes) from xs (Cg planes), by
 * pixel_taps when wp holds the group's packed weights, else blocked_taps. */
static void fwd_blocked(float *y, const float *xs, const float *ks, const float *wp, const float *bias, int Cg,
                        int OCg, const Geom *g, ConvOp mode)
{
    const int Wp = g->OW + g->KW - 1, T = g->KH * g->KW, L = (g->OH - 1) * Wp + g->OW;
    const size_t P = blk_plane(g);
    float xp[BLK_SCRATCH];
    int off[64];
    blk_offsets(off, g, Wp);
    pad_planes(xp, xs, Cg, g);
    const BlkSums q = { off, T, g->KW, mode == CONV_OP_CONVOLVE, Wp, L, g->pt * Wp, (g->pt + g->H) * Wp };
    if (wp) {
        pixel_taps(y, (size_t)g->OH * g->OW, g->OH * g->OW, g->OW, 0, bias, OCg, xp, P, Cg, wp, &q);
        return;
    }
    blocked_taps(y, (size_t)g->OH * g->OW, g->OW, 0, bias, OCg, xp, P, Cg, ks, (size_t)Cg * T, (size_t)T, &q);
}

/* Input gradient of one (sample, group): dx (Cg planes) += from dys (OCg
 * planes). dyz_o = dy_o with row length Wp after Z zeros (see dx_wide); the
 * gradient of a CORRELATE layer reads each kernel reversed (flip), of a
 * CONVOLVE layer forwards. */
static void dx_blocked(float *dx, const float *dys, const float *ks, const float *wp, int Cg, int OCg, const Geom *g,
                       ConvOp mode)
{
    const int Wp = g->OW + g->KW - 1, T = g->KH * g->KW, Z = (g->KH - 1) * Wp + (g->KW - 1);
    const int i0 = g->pt * Wp + g->pl, L = (g->H - 1) * Wp + g->W;
    const size_t P = blk_plane(g);
    float dyz[BLK_SCRATCH];
    int off[64];
    blk_offsets(off, g, Wp);
    memset(dyz, 0, (size_t)OCg * P * sizeof *dyz);
    for (int og = 0; og < OCg; og++)
        for (int oy = 0; oy < g->OH; oy++)
            memcpy(dyz + (size_t)og * P + Z + (size_t)oy * Wp, dys + ((size_t)og * g->OH + oy) * g->OW,
                   (size_t)g->OW * sizeof *dyz);
    /* maps b = input channels c (kernel stride T), sums over j = output maps (stride Cg*T) */
    const BlkSums q = { off, T, g->KW, mode == CONV_OP_CORRELATE, Wp, L, Z - i0, Z + g->OH * Wp - i0 };
    if (wp) {
        pixel_taps(dx, (size_t)g->H * g->W, g->H * g->W, g->W, 1, NULL, Cg, dyz + i0, P, OCg, wp, &q);
        return;
    }
    blocked_taps(dx, (size_t)g->H * g->W, g->W, 1, NULL, Cg, dyz + i0, P, OCg, ks, (size_t)T, (size_t)Cg * T, &q);
}

/* One pass of dw_blocked over the pixels of ns samples, for NR kernel rows
 * x NK taps:
 *     a[r * ra + q * DW_O + o] += sum_s sum_{oy,ox} xj[s * xs + r * rx + oy * Wp + ox + q] * dyT[s, oy, ox][o]
 * a: dkT at (input map j, first row, first tap); xj: the first row's source
 * in plane j; xs: the floats from one sample's plane j to the next's. The
 * rows are the kernel rows of one map (ra = KW * DW_O, rx = Wp) or the same
 * row of consecutive maps (ra = KH * KW * DW_O, rx = the planes' stride).
 * The NR x NK sums, DW_O maps wide, stay in registers over all ns samples:
 * a multiply-add takes several cycles before its sum can be added to again,
 * so the processor needs about 8 independent sums in flight (one kernel row
 * of 3 taps at a time would keep only 3), and a pass of many samples loads
 * and stores them once. Rows r >= nr and taps q >= nk are computed on
 * readable memory (row 0's, the padding or slack) and not kept. Each sum
 * still adds the pixels in order, sample after sample. */
#define DEFINE_DW_PASS(NAME, NR, NK)                                                                              \
static __attribute__((noinline)) void NAME(float *restrict a, size_t ra, int nr, int nk,                        \
                                           const float *restrict xj, size_t rx, size_t xs, int ns,                \
                                           const float *restrict dyT, int OH, int OW, int Wp)                     \
{                                                                                                                 \
    float acc[NR][NK][DW_O];                                                                                      \
    for (int r = 0; r < NR; r++)                                                                                  \
        for (int q = 0; q < NK; q++)                                                                              \
            for (int v = 0; v < DW_O; v++) acc[r][q][v] = r < nr && q < nk ? a[r * ra + q * DW_O + v] : 0.0f;   \
    for (int s = 0; s < ns; s++)                                                                                  \
        for (int oy = 0; oy < OH; oy++) {                                                                         \
            const float *restrict xr[NR];                                                                         \
            for (int r = 0; r < NR; r++) xr[r] = xj + s * xs + (r < nr ? r : 0) * rx + (size_t)oy * Wp;         \
            const float *restrict d = dyT + ((size_t)s * OH + oy) * OW * DW_O;                                    \
            for (int ox = 0; ox < OW; ox++) {                                                                     \
                const float *restrict dd = d + (size_t)ox * DW_O;                                                 \
                for (int r = 0; r < NR; r++)                                                                      \
                    for (int q = 0; q < NK; q++) {                                                                \
                        const float x = xr[r][ox + q];                                                            \
                        LANE_SIMD                                                                                 \
                        for (int v = 0; v < DW_O; v++) acc[r][q][v] += x * dd[v];                                 \
                    }                                                                                             \
            }                                                                                                     \
        }                                                                                                         \
    for (int r = 0; r < nr; r++)                                                                                  \
        for (int q = 0; q < nk; q++)                                                                              \
            for (int v = 0; v < DW_O; v++) a[r * ra + q * DW_O + v] = acc[r][q][v];                               \
}
DEFINE_DW_PASS(dw_pass_3x3, DW3_ROWS, 3) /* 3-wide: DW3_ROWS rows of 3 */
DEFINE_DW_PASS(dw_pass_5, DW5_ROWS, 5) /* 5-wide: DW5_ROWS rows of 5 */
DEFINE_DW_PASS(dw_pass_3, 1, 3)        /* 3 taps of one row: a last odd row, other widths */

/* Weight gradient of one block of up to DW_O output maps of group gi:
 *   dk[o, j, t] += sum_n sum_{oy,ox} dy[n, o, oy, ox] * xp[n, j, (oy + m) * Wp + ox + kk],  t = (m, kk)
 * The flattened rows of 1 would sum 46 numbers (a 6x6 output) and then need
 * a horizontal sum per tap per sample. Here the block's dy values of one
 * pixel are laid out side by side (dyT[p][o], "pixel-major") and the sums
 * run over samples and pixels in one go into dkT[j][t][o], DW_O maps wide:
 * per pixel, each tap of a pass (dw_pass_*) times the DW_O maps is one
 * vector operation, with no horizontal sum at all. Each dk entry is one
 * running sum over samples 0..B-1 and the pixels in order, owned by one
 * thread. */
static void dw_blocked(float *dweight, float *dbias, const float *dout, const float *inp, const float *xpad, int B,
                       int C, int OC, int o0, int nb, int gi, int Cg, int j0, int nj, const Geom *g, ConvOp mode)
{
    const int Wp = g->OW + g->KW - 1, KH = g->KH, KW = g->KW, T = KH * KW, flip = mode == CONV_OP_CONVOLVE;
    const size_t P = blk_plane(g), pout = (size_t)g->OH * g->OW;
    float xp[BLK_SCRATCH], dyT[DW_DYT], dkT[BLK_SCRATCH];
    float sb[DW_O] = { 0 };
    /* samples per pass: as many as dyT holds when the padded planes are in
     * xpad, one at a time when they are padded here into xp */
    const int chunk = xpad ? (int)(DW_DYT / (pout * DW_O)) : 1;
    memset(dkT, 0, (size_t)nj * T * DW_O * sizeof *dkT);
    for (int n0 = 0; n0 < B; n0 += chunk) {
        const int ns = B - n0 < chunk ? B - n0 : chunk;
        for (int s = 0; s < ns; s++) {
            const float *dys = dout + ((size_t)(n0 + s) * OC + o0) * pout;
            float *t = dyT + (size_t)s * pout * DW_O;
            for (size_t p = 0; p < pout; p++)
                for (int b = 0; b < DW_O; b++) t[p * DW_O + b] = b < nb ? dys[(size_t)b * pout + p] : 0.0f;
            for (int b = 0; b < nb && j0 == 0; b++)
                for (size_t p = 0; p < pout; p++) sb[b] += dys[(size_t)b * pout + p];
        }
        const size_t first = (size_t)n0 * C + (size_t)gi * Cg + j0; /* sample n0's plane j0 of group gi */
        const float *xs = xpad ? xpad + first * P : xp;
        const size_t xstride = (size_t)C * P;
        if (!xpad) pad_planes(xp, inp + first * g->H * g->W, nj, g);
        const size_t ra = (size_t)KW * DW_O, rm = (size_t)T * DW_O; /* rows, maps apart in dkT */
        if (KW == 3)
            /* maps in groups of DW3_ROWS: DW3_ROWS rows of one map a pass, as
             * long as the map has that many left; then each row left over
             * (a 3x3 kernel's third, with AVX2) of all the group's maps in
             * one pass: alone it would keep only 6 sums in flight */
            for (int jg = 0; jg < nj; jg += DW3_ROWS) {
                const int n = nj - jg < DW3_ROWS ? nj - jg : DW3_ROWS, full = KH - KH % DW3_ROWS;
                for (int j = jg; j < jg + n; j++)
                    for (int m = 0; m < full; m += DW3_ROWS)
                        dw_pass_3x3(dkT + j * rm + m * ra, ra, DW3_ROWS, 3, xs + j * P + (size_t)m * Wp, (size_t)Wp,
                                    xstride, ns, dyT, g->OH, g->OW, Wp);
                for (int m = full; m < KH; m++)
                    (n == 1 ? dw_pass_3 : dw_pass_3x3)(dkT + jg * rm + m * ra, rm, n, 3, xs + jg * P + (size_t)m * Wp,
                                                       P, xstride, ns, dyT, g->OH, g->OW, Wp);
            }
        else
            for (int j = 0; j < nj; j++) {
                const float *xj = xs + (size_t)j * P;
                float *aj = dkT + (size_t)j * rm;
                if (KW == 5)
                    for (int m = 0; m < KH; m += DW5_ROWS)
                        dw_pass_5(aj + m * ra, ra, KH - m < DW5_ROWS ? KH - m : DW5_ROWS, 5, xj + (size_t)m * Wp,
                                  (size_t)Wp, xstride, ns, dyT, g->OH, g->OW, Wp);
                else /* other widths: 3 taps of one row a pass */
                    for (int m = 0; m < KH; m++)
                        for (int k0 = 0; k0 < KW; k0 += 3)
                            dw_pass_3(aj + m * ra + (size_t)k0 * DW_O, ra, 1, KW - k0 < 3 ? KW - k0 : 3,
                                      xj + (size_t)m * Wp + k0, (size_t)Wp, xstride, ns, dyT, g->OH, g->OW, Wp);
            }
    }
    for (int b = 0; b < nb; b++) {
        if (dweight)
            for (int j = 0; j < nj; j++)
                for (int t = 0; t < T; t++)
                    dweight[((size_t)(o0 + b) * Cg + j0 + j) * T + (flip ? T - 1 - t : t)] +=
                        dkT[((size_t)j * T + t) * DW_O + b];
        if (dbias && j0 == 0) dbias[o0 + b] += sb[b];
    }
}

/* sum over samples n and pixels of dout[n, o]: LANES partial sums (lane u
 * adds pixels u, u+LANES, ... of every sample in turn), added in lane order,
 * then each sample's leftover pixels. One running sum would wait for each
 * addition to finish before the next (C1: 784 pixels a sample). */
static float bias_sum(const float *dout, int B, int OC, int o, size_t pout)
{
    const size_t pv = pout / LANES * LANES;
    float v[LANES] = { 0.0f }, s = 0.0f;
    for (int n = 0; n < B; n++) {
        const float *restrict dy = dout + ((size_t)n * OC + o) * pout;
        for (size_t i0 = 0; i0 < pv; i0 += LANES) {
            LANE_SIMD
            for (int u = 0; u < LANES; u++) v[u] += dy[i0 + u];
        }
    }
    for (int u = 0; u < LANES; u++) s += v[u];
    for (int n = 0; n < B; n++)
        for (size_t i = pv; i < pout; i++) s += dout[((size_t)n * OC + o) * pout + i];
    return s;
}

/* The internal geometry of one plane. */
static Geom plane_geom(const Conv2dGeom *cg)
{
    return (Geom){ cg->H, cg->W, cg->OH, cg->OW, cg->KH, cg->KW, cg->sh, cg->sw, cg->pt, cg->pl };
}

/* The one place that chooses a loop family: conv_fast_forward/backward
 * switch on what it returns, and tests ask it which family a case covers. */
ConvPaths conv_fast_paths(const Conv2dGeom *cg, const unsigned char *table)
{
    const Geom g = plane_geom(cg);
    const int Cg = cg->C / cg->groups, OCg = cg->OC / cg->groups;
    const int blocked = blocked_ok(&g, Cg, OCg, table);
    const int dense = dense_ok(&g), wide = !dense && wide_ok(&g);
    ConvPaths p;
    p.fwd = blocked ? CONV_PATH_BLOCKED : dense ? CONV_PATH_DENSE : wide ? CONV_PATH_WIDE : CONV_PATH_TAPMAJOR;
    if (!dense && !wide) {
        p.dx = p.dw = CONV_PATH_TAPMAJOR;
        return p;
    }
    p.dx = blocked ? CONV_PATH_BLOCKED : dense ? CONV_PATH_DENSE : CONV_PATH_WIDE;
    /* 5-wide kernels on padded inputs (LeNet-5's C1, AlexNet-mini's conv1) by
     * blocks of DW5_O maps: their one input map is too few for the blocked
     * loops. The modern C3 goes to dw_blocked; the classic C3 (a table) to
     * dw_wide. */
    if (wide && !table && cg->KW == 5 && wide_padded(&g))
        p.dw = CONV_PATH_WIDE5;
    else
        p.dw = blocked && dw_blocked_ok(&g, Cg) ? CONV_PATH_BLOCKED : dense ? CONV_PATH_DENSE : CONV_PATH_WIDE;
    return p;
}

/* inp (B,C,H,W), weight (OC,C/G,KH,KW), bias (OC) or NULL, out (B,OC,OH,OW)
 * The same sums as conv2d_forward_naive; the (sample, output channel) planes
 * are shared among threads. */
void conv_fast_forward(float *out, const float *inp, const float *weight, const float *bias,
                       const unsigned char *table, const Conv2dGeom *cg)
{
    const int B = cg->B, C = cg->C, H = cg->H, W = cg->W, OC = cg->OC, OH = cg->OH, OW = cg->OW;
    const int KH = cg->KH, KW = cg->KW, groups = cg->groups;
    const ConvOp mode = cg->op;
    const Geom g = plane_geom(cg);
    const ConvPath path = conv_fast_paths(cg, table).fwd;
    if (path == CONV_PATH_BLOCKED) {
        const int Cg = C / groups, OCg = OC / groups;
        const size_t pin = (size_t)H * W, pout = (size_t)OH * OW, ksz = (size_t)KH * KW;
        size_t gp = 0;
        float *wp = pm_pack_groups(weight, groups, OCg, Cg, (int)ksz, (size_t)Cg * ksz, ksz, mode == CONV_OP_CONVOLVE, &gp);
#pragma omp parallel for collapse(2) schedule(static) if ((double)B * OC * Cg * pout * ksz >= CONV_PAR_MADDS)
        for (int n = 0; n < B; n++)
            for (int gi = 0; gi < groups; gi++)
                fwd_blocked(out + ((size_t)n * OC + (size_t)gi * OCg) * pout, inp + ((size_t)n * C + (size_t)gi * Cg) * pin,
                            weight + (size_t)gi * OCg * Cg * ksz, wp ? wp + (size_t)gi * gp : NULL,
                            bias ? bias + (size_t)gi * OCg : NULL, Cg, OCg, &g, mode);
        free(wp);
        return;
    }
    if (path == CONV_PATH_TAPMAJOR) {
        tapmajor_forward(out, inp, weight, bias, table, cg);
        return;
    }
    const int dense = path == CONV_PATH_DENSE;
    const int Cg = C / groups, OCg = OC / groups;
    const size_t pin = (size_t)H * W, pout = (size_t)OH * OW, ksz = (size_t)KH * KW;
    const double work = (double)B * OC * Cg * (double)pout * (double)ksz;
    if (dense && !table && mode == CONV_OP_CORRELATE) {
        dense_forward(out, inp, weight, bias, B, C, OC, groups, pin, work);
        return;
    }
#pragma omp parallel for collapse(2) schedule(static) if (work >= CONV_PAR_MADDS)
    for (int n = 0; n < B; n++) {
        for (int o = 0; o < OC; o++) {
            const float *xs = inp + ((size_t)n * C + (size_t)(o / OCg) * Cg) * pin;
            const float *ks = weight + (size_t)o * Cg * ksz;
            const unsigned char *trow = table ? table + (size_t)o * Cg : NULL;
            const float b0 = bias ? bias[o] : 0.0f;
            float *y = out + ((size_t)n * OC + o) * pout;
            if (dense)
                y[0] = fwd_dense(xs, ks, b0, trow, Cg, (int)ksz, mode);
            else
                fwd_wide(y, xs, ks, b0, trow, Cg, &g, mode);
        }
    }
}

/* dout (B,OC,OH,OW), inp (B,C,H,W), weight (OC,C/G,KH,KW) -> dinp, dweight, dbias (+=)
 * The same sums as conv2d_backward_naive: dinp planes (sample, input channel)
 * are shared among threads, dweight/dbias by output channel, each output
 * channel adding samples 0..B-1 in order. */
void conv_fast_backward(float *dinp, float *dweight, float *dbias, const float *dout,
                        const float *inp, const float *weight, const unsigned char *table,
                        const Conv2dGeom *cg)
{
    const int B = cg->B, C = cg->C, H = cg->H, W = cg->W, OC = cg->OC, OH = cg->OH, OW = cg->OW;
    const int KH = cg->KH, KW = cg->KW, groups = cg->groups;
    const ConvOp mode = cg->op;
    const Geom g = plane_geom(cg);
    const ConvPaths path = conv_fast_paths(cg, table);
    if (path.dx == CONV_PATH_TAPMAJOR) {
        tapmajor_backward(dinp, dweight, dbias, dout, inp, weight, table, cg);
        return;
    }
    const int dense = path.dx == CONV_PATH_DENSE;
    const int Cg = C / groups, OCg = OC / groups;
    const size_t pin = (size_t)H * W, pout = (size_t)OH * OW, ksz = (size_t)KH * KW;
    const double work = (double)B * OC * Cg * (double)pout * (double)ksz;
    const int flip = mode == CONV_OP_CONVOLVE;

    /* Dense case without a table, CORRELATE: the (C/G)*KH*KW block of
     * inputs of group gi is one contiguous run in x, in dx and in each
     * kernel of the group, so dx_block += sum_o dy[n,o] k_o and
     * dk_o += sum_n dy[n,o] x_block(n) are register-tiled sums of rows. */
    const int dense_rows = dense && !table && !flip;
    const int N = Cg * (int)ksz;
    const int nrun = (N + TR_RUN - 1) / TR_RUN; /* runs of columns of the dense rows */
    if (dinp && path.dx == CONV_PATH_BLOCKED) {
        size_t gp = 0;
        float *wp = pm_pack_groups(weight, groups, Cg, OCg, (int)ksz, ksz, (size_t)Cg * ksz, !flip, &gp);
#pragma omp parallel for collapse(2) schedule(static) if (work >= CONV_PAR_MADDS)
        for (int n = 0; n < B; n++)
            for (int gi = 0; gi < groups; gi++)
                dx_blocked(dinp + ((size_t)n * C + (size_t)gi * Cg) * pin, dout + ((size_t)n * OC + (size_t)gi * OCg) * pout,
                           weight + (size_t)gi * OCg * Cg * ksz, wp ? wp + (size_t)gi * gp : NULL, Cg, OCg, &g, mode);
        free(wp);
    } else if (dinp && dense_rows) {
        /* dx[n, run] += sum_o dy[n,o] k_o[run], outputs o = 0..OCg-1 in
         * order: tasks of TR_M samples x one run of columns, the samples
         * innermost, so that a run of the group's kernels (C5: 120 x
         * TR_RUN floats) stays in the L1 cache from one task to the next */
        const int nsb = (B + TR_M - 1) / TR_M;
#pragma omp parallel for schedule(static) if (work >= CONV_PAR_MADDS)
        for (int task = 0; task < groups * nrun * nsb; task++) {
            const int gi = task / (nrun * nsb), i0 = task / nsb % nrun * TR_RUN, n0 = task % nsb * TR_M;
            tile_rows(dinp + ((size_t)n0 * C + (size_t)gi * Cg) * pin + i0, (size_t)C * pin,
                      dout + (size_t)n0 * OC + (size_t)gi * OCg, (size_t)OC, 1, B - n0 < TR_M ? B - n0 : TR_M,
                      weight + (size_t)gi * OCg * N + i0, (size_t)N, OCg, N - i0 < TR_RUN ? N - i0 : TR_RUN);
        }
    } else if (dinp && dense) {
        /* dx[n, block of o] += dy[n,o] * k_o, outputs o = 0..OC-1 in order. */
#pragma omp parallel for schedule(static) if (work >= CONV_PAR_MADDS)
        for (int n = 0; n < B; n++)
            for (int o = 0; o < OC; o++)
                axpy_blocks(dinp + ((size_t)n * C + (size_t)(o / OCg) * Cg) * pin, weight + (size_t)o * Cg * ksz,
                            dout[(size_t)n * OC + o], table ? table + (size_t)o * Cg : NULL, Cg, (int)ksz, flip, 0);
    } else if (dinp) {
#pragma omp parallel for collapse(2) schedule(static) if (work >= CONV_PAR_MADDS)
        for (int n = 0; n < B; n++) {
            for (int c = 0; c < C; c++) {
                const int gi = c / Cg, j = c % Cg;
                const size_t o0 = (size_t)gi * OCg;
                dx_wide(dinp + ((size_t)n * C + c) * pin, dout + ((size_t)n * OC + o0) * pout,
                        weight + (o0 * Cg + j) * ksz, (size_t)Cg * ksz,
                        table ? table + o0 * Cg + j : NULL, (size_t)Cg, OCg, &g, mode);
            }
        }
    }

    if (dweight && path.dw == CONV_PATH_WIDE5) {
        const int per = (OCg + DW5_O - 1) / DW5_O;
#pragma omp parallel for schedule(dynamic, 1) if (work >= CONV_PAR_MADDS)
        for (int blk = 0; blk < groups * per; blk++) {
            const int o0 = blk / per * OCg + blk % per * DW5_O, left = (blk / per + 1) * OCg - o0;
            dw_wide5(dweight, dout, inp, B, C, OC, o0, left < DW5_O ? left : DW5_O, Cg, OCg, &g, mode);
        }
        if (dbias)
            for (int o = 0; o < OC; o++) dbias[o] += bias_sum(dout, B, OC, o, pout);
    } else if ((dweight || dbias) && path.dw == CONV_PATH_BLOCKED) {
        /* tasks: blocks of DW_O output maps x nch runs of input maps; the
         * input maps are split when the blocks alone would leave a thread
         * idle (AlexNet-mini's conv5: 3 blocks of 16 maps on 2 threads).
         * nt: the threads the loop below gets (1 when it runs serially: too
         * little work, or inside lesson 08's halves) */
        const int nt = work >= CONV_PAR_MADDS && !omp_in_parallel() ? omp_get_max_threads() : 1;
        const int per = (OCg + DW_O - 1) / DW_O;
        const int nch = (groups * per) % nt && Cg >= 2 * nt ? nt : 1, cj = (Cg + nch - 1) / nch;
        /* Every block reads every input plane of its group: padded once
         * here for all of them (if the memory is there; else each block
         * pads the planes of one sample at a time). */
        const size_t P = blk_plane(&g);
        float *xpad = malloc((size_t)B * C * P * sizeof *xpad);
        if (xpad) {
#pragma omp parallel for schedule(static) if (work >= CONV_PAR_MADDS)
            for (int n = 0; n < B; n++) pad_planes(xpad + (size_t)n * C * P, inp + (size_t)n * C * pin, C, &g);
        }
#pragma omp parallel for schedule(dynamic, 1) if (work >= CONV_PAR_MADDS)
        for (int task = 0; task < groups * per * nch; task++) {
            const int blk = task / nch, j0 = task % nch * cj, gi = blk / per, first = (blk % per) * DW_O;
            dw_blocked(dweight, dbias, dout, inp, xpad, B, C, OC, gi * OCg + first,
                       OCg - first < DW_O ? OCg - first : DW_O, gi, Cg, j0, Cg - j0 < cj ? Cg - j0 : cj, &g, mode);
        }
        free(xpad);
    } else if (dweight && dense_rows) {
        /* dk_o[run] += sum_n dy[n,o] x_n[run], samples n = 0..B-1 in order:
         * tasks of TR_M maps x one run of columns, the maps innermost (a
         * run of the batch's inputs stays in the L1 cache) */
        const int nob = (OCg + TR_M - 1) / TR_M;
#pragma omp parallel for schedule(static) if (work >= CONV_PAR_MADDS)
        for (int task = 0; task < groups * nrun * nob; task++) {
            const int gi = task / (nrun * nob), i0 = task / nob % nrun * TR_RUN, f = task % nob * TR_M;
            const size_t o0 = (size_t)gi * OCg + (size_t)f;
            tile_rows(dweight + o0 * N + i0, (size_t)N, dout + o0, 1, (size_t)OC, OCg - f < TR_M ? OCg - f : TR_M,
                      inp + (size_t)gi * Cg * pin + i0, (size_t)C * pin, B, N - i0 < TR_RUN ? N - i0 : TR_RUN);
        }
        if (dbias)
            for (int o = 0; o < OC; o++) dbias[o] += bias_sum(dout, B, OC, o, pout);
    } else if (dweight || dbias) {
#pragma omp parallel for schedule(dynamic, 1) if (work >= CONV_PAR_MADDS)
        for (int o = 0; o < OC; o++) {
            const unsigned char *trow = table ? table + (size_t)o * Cg : NULL;
            float *dks = dweight ? dweight + (size_t)o * Cg * ksz : NULL;
            for (int n = 0; n < B; n++) {
                const float *dy = dout + ((size_t)n * OC + o) * pout;
                const float *xs = inp + ((size_t)n * C + (size_t)(o / OCg) * Cg) * pin;
                if (dks) {
                    if (dense)
                        axpy_blocks(dks, xs, dy[0], trow, Cg, (int)ksz, 0, flip);
                    else
                        dw_wide(dks, dy, xs, trow, Cg, &g, mode);
                }
            }
            if (dbias) dbias[o] += bias_sum(dout, B, OC, o, pout);
        }
    }
}
