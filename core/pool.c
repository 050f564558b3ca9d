/* pool.c - max and average pooling, see pool.h.
 *
 * Every (sample, channel) plane is independent, so planes are shared among
 * threads; each plane is written by one thread in a fixed order, so results
 * do not depend on the number of threads.
 */
#include "core/pool.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/conv.h"
#include "core/error.h"

/* Run loops on several threads only when there is this much work. */
#define POOL_PAR_WORK 32768.0

/* Window rows [*y0, *y1) of output row oy, clipped to the input [0, H). */
static inline void window_span(int *y0, int *y1, int o, int s, int p, int k, int n)
{
    int a = o * s - p, b = a + k;
    *y0 = a < 0 ? 0 : a;
    *y1 = b > n ? n : b;
}

/* Outputs i in [*lo, *hi) (of nout) whose tap t reads input index
 * i*s - p + t inside [0, n). */
static inline void tap_range(int *lo, int *hi, int t, int s, int p, int n, int nout)
{
    int a = p - t, b = n - 1 + p - t, l, h;
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

/* The argmax of x (H,W) over rows [y0,y1) and columns [x0,x1): the first
 * maximum in row-major order (a later value must be strictly larger to
 * take over); a NaN beats every number and the first NaN stays. */
static inline int32_t window_argmax(const float *x, int W, int y0, int y1, int x0, int x1)
{
    int32_t best_i = (int32_t)(y0 * W + x0);
    float best = x[best_i];
    for (int iy = y0; iy < y1; iy++) {
        for (int ix = x0; ix < x1; ix++) {
            const float v = x[iy * W + ix];
            if (v > best || (isnan(v) && !isnan(best))) {
                best = v;
                best_i = (int32_t)(iy * W + ix);
            }
        }
    }
    return best_i;
}

/* --- max pooling ---------------------------------------------------------------------- */

/* The fast path below keeps a table of KH*KW*OH*OW input offsets on the
 * stack, so it serves planes up to this many (window tap, output) pairs. */
#define POOL_TABLE 8192

/* Plane-wide max pooling with a table of offsets: tab[t*pout + o] is the
 * input pixel that tap t (row-major in the window) of output o reads. A tap
 * that falls outside the input (padding) reads the window's first pixel
 * inside it instead: that value is already the running maximum's start, and
 * an equal value never takes over, so the result is the same as skipping the
 * tap. Tap by tap, all pout outputs of the plane are updated in one loop
 * (a gather, but long and branch-free, which vectorizes). */
static void maxpool_plane_table(float *restrict y, int32_t *restrict am, const float *restrict x,
                                const int32_t *restrict tab, int pout, int taps)
{
    for (int o = 0; o < pout; o++) y[o] = x[tab[o]];
    if (am)
        for (int o = 0; o < pout; o++) am[o] = tab[o];
    for (int t = 1; t < taps; t++) {
        const int32_t *restrict tt = tab + (size_t)t * pout;
        if (am) {
            for (int o = 0; o < pout; o++) {
                const float v = x[tt[o]], b = y[o];
                const int take = (v > b) | ((v != v) & (b == b));
                y[o] = take ? v : b;
                am[o] = take ? tt[o] : am[o];
            }
        } else {
            for (int o = 0; o < pout; o++) {
                const float v = x[tt[o]], b = y[o];
                const int take = (v > b) | ((v != v) & (b == b));
                y[o] = take ? v : b;
            }
        }
    }
}

/* inp (B,C,H,W), out (B,C,OH,OW), argmax (B,C,OH,OW) or NULL
 *   out[n,c,oy,ox] = x[n,c,a] with a = the first argmax over the window
 *   rows oy*sh-pt .. +KH-1, columns ox*sw-pl .. +KW-1 (inside the input)
 *
 * Windows that the left/right padding clips are scanned one by one. For
 * the others (columns [ox0, ox1) of an output row) the row of running
 * maxima starts at each window's first pixel, then the window taps (iy, kk)
 * are visited in row-major order, each updating the whole row:
 *     take = v > y[ox] or (v is NaN and y[ox] is not);  y[ox] = take ? v : y[ox]
 * The inner loop over ox has no branch (the winner is data, and a branch
 * would be mispredicted half the time) and vectorizes. Planes small enough
 * for a table of offsets (all of LeNet's and AlexNet-mini's) take the
 * plane-wide path (maxpool_plane_table) instead, whose loops are longer. */
void maxpool2d_forward(float *out, int32_t *argmax, const float *inp, int B, int C, int H, int W,
                       int OH, int OW, int KH, int KW, int sh, int sw, int pt, int pl)
{
    const size_t pin = (size_t)H * W, pout = (size_t)OH * OW;
    const long long planes = (long long)B * C;
    const double work = (double)planes * (double)pout * KH * KW;
    if ((size_t)KH * KW * pout <= POOL_TABLE) {
        int32_t tab[POOL_TABLE];
        for (int oy = 0; oy < OH; oy++) {
            int y0, y1;
            window_span(&y0, &y1, oy, sh, pt, KH, H);
            for (int ox = 0; ox < OW; ox++) {
                int x0, x1;
                window_span(&x0, &x1, ox, sw, pl, KW, W);
                const int o = oy * OW + ox;
                for (int m = 0; m < KH; m++)
                    for (int kk = 0; kk < KW; kk++) {
                        const int iy = oy * sh - pt + m, ix = ox * sw - pl + kk;
                        const int in = iy >= y0 && iy < y1 && ix >= x0 && ix < x1;
                        tab[(size_t)(m * KW + kk) * pout + o] = in ? iy * W + ix : y0 * W + x0;
                    }
            }
        }
#pragma omp parallel for schedule(static) if (work >= POOL_PAR_WORK)
        for (long long p = 0; p < planes; p++)
            maxpool_plane_table(out + (size_t)p * pout, argmax ? argmax + (size_t)p * pout : NULL,
                                inp + (size_t)p * pin, tab, (int)pout, KH * KW);
        return;
    }
    /* Output columns whose window lies inside [0, W) left to right. */
    int ox0 = (pl + sw - 1) / sw, ox1 = W - KW + pl < 0 ? 0 : (W - KW + pl) / sw + 1;
    if (ox1 > OW) ox1 = OW;
    if (ox0 > ox1) ox0 = ox1;
#pragma omp parallel for schedule(static) if (work >= POOL_PAR_WORK)
    for (long long p = 0; p < planes; p++) {
        const float *restrict x = inp + (size_t)p * pin;
        float *restrict y = out + (size_t)p * pout;
        int32_t *restrict am = argmax ? argmax + (size_t)p * pout : NULL;
        for (int oy = 0; oy < OH; oy++) {
            int y0, y1;
            window_span(&y0, &y1, oy, sh, pt, KH, H);
            float *restrict yr = y + (size_t)oy * OW;
            int32_t *restrict ar = am ? am + (size_t)oy * OW : NULL;
            for (int part = 0; part < 2; part++) { /* columns [0, ox0) and [ox1, OW) */
                for (int ox = part ? ox1 : 0; ox < (part ? OW : ox0); ox++) {
                    int x0, x1;
                    window_span(&x0, &x1, ox, sw, pl, KW, W);
                    const int32_t a = window_argmax(x, W, y0, y1, x0, x1);
                    yr[ox] = x[a];
                    if (ar) ar[ox] = a;
                }
            }
            const int n = ox1 - ox0;
            if (n <= 0) continue;
            const int c0 = ox0 * sw - pl; /* input column of the first window's left edge */
            const float *restrict first = x + (size_t)y0 * W + c0;
            for (int i = 0; i < n; i++) yr[ox0 + i] = first[i * sw];
            if (ar)
                for (int i = 0; i < n; i++) ar[ox0 + i] = (int32_t)(y0 * W + c0 + i * sw);
            for (int iy = y0; iy < y1; iy++) {
                for (int kk = 0; kk < KW; kk++) {
                    const float *restrict xr = x + (size_t)iy * W + c0 + kk;
                    float *restrict yv = yr + ox0;
                    if (ar) {
                        int32_t *restrict av = ar + ox0;
                        const int32_t base = (int32_t)(iy * W + c0 + kk);
                        for (int i = 0; i < n; i++) {
                            const float v = xr[i * sw], b = yv[i];
                            const int take = (v > b) | ((v != v) & (b == b));
                            yv[i] = take ? v : b;
                            av[i] = take ? base + i * sw : av[i];
                        }
                    } else {
                        for (int i = 0; i < n; i++) {
                            const float v = xr[i * sw], b = yv[i];
                            const int take = (v > b) | ((v != v) & (b == b));
                            yv[i] = take ? v : b;
                        }
                    }
                }
            }
        }
    }
}

/* dout (B,C,OH,OW) -> dinp (B,C,H,W) +=
 *   dinp[n,c,a] += dout[n,c,oy,ox], a = argmax of window (oy,ox)
 * (overlapping windows may send several gradients to one input pixel; they
 * are added in output order) */
void maxpool2d_backward(float *dinp, const float *dout, const int32_t *argmax, const float *inp,
                        int B, int C, int H, int W, int OH, int OW, int KH, int KW, int sh, int sw,
                        int pt, int pl)
{
    const size_t pin = (size_t)H * W, pout = (size_t)OH * OW;
    const long long planes = (long long)B * C;
    const double work = (double)planes * (double)pout * (argmax ? 1 : KH * KW);
#pragma omp parallel for schedule(static) if (work >= POOL_PAR_WORK)
    for (long long p = 0; p < planes; p++) {
        float *dx = dinp + (size_t)p * pin;
        const float *dy = dout + (size_t)p * pout;
        if (argmax) {
            const int32_t *am = argmax + (size_t)p * pout;
            for (size_t i = 0; i < pout; i++) dx[am[i]] += dy[i];
            continue;
        }
        const float *x = inp + (size_t)p * pin;
        for (int oy = 0; oy < OH; oy++) {
            int y0, y1;
            window_span(&y0, &y1, oy, sh, pt, KH, H);
            for (int ox = 0; ox < OW; ox++) {
                int x0, x1;
                window_span(&x0, &x1, ox, sw, pl, KW, W);
                dx[window_argmax(x, W, y0, y1, x0, x1)] += dy[oy * OW + ox];
            }
        }
    }
}

/* --- average pooling ------------------------------------------------------------------ */

/* inp (B,C,H,W), out (B,C,OH,OW)
 *   out[n,c,oy,ox] = (1/(KH*KW)) * sum_{m,kk} x[n,c, oy*sh-pt+m, ox*sw-pl+kk]
 * (pixels outside the input are 0). Tap by tap, a run of an input row is
 * added to a run of an output row (the same loop order as the convolution
 * reference), then the plane is scaled. */
void avgpool2d_forward(float *out, const float *inp, int B, int C, int H, int W, int OH, int OW,
                       int KH, int KW, int sh, int sw, int pt, int pl)
{
    const size_t pin = (size_t)H * W, pout = (size_t)OH * OW;
    const long long planes = (long long)B * C;
    const double work = (double)planes * (double)pout * KH * KW;
    const float inv = 1.0f / (float)(KH * KW);
#pragma omp parallel for schedule(static) if (work >= POOL_PAR_WORK)
    for (long long p = 0; p < planes; p++) {
        const float *restrict x = inp + (size_t)p * pin;
        float *restrict y = out + (size_t)p * pout;
        for (size_t i = 0; i < pout; i++) y[i] = 0.0f;
        for (int m = 0; m < KH; m++) {
            int oy0, oy1;
            tap_range(&oy0, &oy1, m, sh, pt, H, OH);
            for (int kk = 0; kk < KW; kk++) {
                int ox0, ox1;
                tap_range(&ox0, &ox1, kk, sw, pl, W, OW);
                const int n = ox1 - ox0;
                for (int oy = oy0; oy < oy1; oy++) {
                    float *restrict yr = y + (size_t)oy * OW + ox0;
                    const float *restrict xr = x + (size_t)(oy * sh - pt + m) * W + (ox0 * sw - pl + kk);
                    for (int i = 0; i < n; i++) yr[i] += xr[i * sw];
                }
            }
        }
        for (size_t i = 0; i < pout; i++) y[i] *= inv;
    }
}

/* dout (B,C,OH,OW) -> dinp (B,C,H,W) +=
 *   dinp[n,c, oy*sh-pt+m, ox*sw-pl+kk] += dout[n,c,oy,ox] / (KH*KW)
 * for every tap (m,kk) landing inside the input */
void avgpool2d_backward(float *dinp, const float *dout, int B, int C, int H, int W, int OH, int OW,
                        int KH, int KW, int sh, int sw, int pt, int pl)
{
    const size_t pin = (size_t)H * W, pout = (size_t)OH * OW;
    const long long planes = (long long)B * C;
    const double work = (double)planes * (double)pout * KH * KW;
    const float inv = 1.0f / (float)(KH * KW);
#pragma omp parallel for schedule(static) if (work >= POOL_PAR_WORK)
    for (long long p = 0; p < planes; p++) {
        float *restrict dx = dinp + (size_t)p * pin;
        const float *restrict dy = dout + (size_t)p * pout;
        for (int m = 0; m < KH; m++) {
            int oy0, oy1;
            tap_range(&oy0, &oy1, m, sh, pt, H, OH);
            for (int kk = 0; kk < KW; kk++) {
                int ox0, ox1;
                tap_range(&ox0, &ox1, kk, sw, pl, W, OW);
                const int n = ox1 - ox0;
                for (int oy = oy0; oy < oy1; oy++) {
                    float *restrict xr = dx + (size_t)(oy * sh - pt + m) * W + (ox0 * sw - pl + kk);
                    const float *restrict yr = dy + (size_t)oy * OW + ox0;
                    for (int i = 0; i < n; i++) xr[i * sw] += inv * yr[i];
                }
            }
        }
    }
}

/* --- the layers ---------------------------------------------------------------------- */

static int pool_check_cfg(const char *kind, const Pool2dConfig *f)
{
    if (!f) return cn_fail("%s: no configuration given", kind);
    if (f->kh < 1 || f->kw < 1 || f->stride_h < 1 || f->stride_w < 1)
        return cn_fail("%s: window %dx%d and stride (%d, %d) must be >= 1", kind, f->kh, f->kw,
                       f->stride_h, f->stride_w);
    if (f->pad_top < 0 || f->pad_bottom < 0 || f->pad_left < 0 || f->pad_right < 0 ||
        f->pad_top >= f->kh || f->pad_bottom >= f->kh || f->pad_left >= f->kw || f->pad_right >= f->kw)
        return cn_fail("%s: padding (top %d, bottom %d, left %d, right %d) must be >= 0 and smaller "
                       "than the %dx%d window, so that every window holds an input pixel",
                       kind, f->pad_top, f->pad_bottom, f->pad_left, f->pad_right, f->kh, f->kw);
    return 0;
}

/* Output shape, receptive-field numbers; no parameters. */
static int pool_setup(Layer *l, const Pool2dConfig *f)
{
    int OH = conv_out_size(l->in.h, f->kh, f->stride_h, f->pad_top, f->pad_bottom);
    int OW = OH < 0 ? -1 : conv_out_size(l->in.w, f->kw, f->stride_w, f->pad_left, f->pad_right);
    if (OH < 0 || OW < 0) {
        char msg[256];
        snprintf(msg, sizeof msg, "%s", cn_last_error());
        return cn_fail("%s: input (%d, %d, %d) does not fit window %dx%d: %s", l->ops->kind, l->in.c,
                       l->in.h, l->in.w, f->kh, f->kw, msg);
    }
    l->out = (CnShape){ l->in.c, OH, OW };
    l->rf_k = f->kh;
    l->rf_s = f->stride_h;
    l->rf_p = f->pad_top;
    l->fan_in = f->kh * f->kw;
    l->fan_out = ((f->kh + f->stride_h - 1) / f->stride_h) * ((f->kw + f->stride_w - 1) / f->stride_w);
    return 0;
}

/* max */

static int maxpool2d_setup(Layer *l)
{
    MaxPool2d *m = (MaxPool2d *)l;
    if (pool_setup(l, &m->cfg)) return -1;
    l->madds = 0.0; /* comparisons only */
    free(m->argmax);  /* a new input shape: reserve again */
    m->argmax = NULL;
    l->reserved = 0;
    return 0;
}

static int maxpool2d_reserve(Layer *l, int B)
{
    MaxPool2d *m = (MaxPool2d *)l;
    size_t n;
    if (B < 1 || cn_mul_size(shape_size(l->out), (size_t)B, &n) || n > ((size_t)-1) / sizeof(int32_t))
        return cn_fail("maxpool: batch %d is too large for the argmax scratch", B);
    int32_t *a = realloc(m->argmax, n * sizeof *a);
    if (!a) return cn_fail("maxpool: out of memory for the argmax of a batch of %d", B);
    m->argmax = a;
    return 0;
}

static void maxpool2d_fwd_op(Layer *l, float *y, const float *x, int B)
{
    MaxPool2d *m = (MaxPool2d *)l;
    const Pool2dConfig *f = &m->cfg;
    int32_t *am = (l->reserved >= B) ? m->argmax : NULL;
    maxpool2d_forward(y, am, x, B, l->in.c, l->in.h, l->in.w, l->out.h, l->out.w, f->kh, f->kw,
                      f->stride_h, f->stride_w, f->pad_top, f->pad_left);
}

static void maxpool2d_bwd_op(Layer *l, float *dx, const float *dy, const float *x, const float *y, int B)
{
    (void)y;
    if (!dx) return;
    MaxPool2d *m = (MaxPool2d *)l;
    const Pool2dConfig *f = &m->cfg;
    const int32_t *am = (l->reserved >= B) ? m->argmax : NULL;
    maxpool2d_backward(dx, dy, am, x, B, l->in.c, l->in.h, l->in.w, l->out.h, l->out.w, f->kh, f->kw,
                       f->stride_h, f->stride_w, f->pad_top, f->pad_left);
}

static void maxpool2d_destroy(Layer *l)
{
    MaxPool2d *m = (MaxPool2d *)l;
    free(m->argmax);
    free(m);
}

static const LayerOps maxpool2d_ops = {
    .kind = "maxpool",
    .setup = maxpool2d_setup,
    .reserve = maxpool2d_reserve,
    .forward = maxpool2d_fwd_op,
    .backward = maxpool2d_bwd_op,
    .init = NULL,
    .destroy = maxpool2d_destroy,
};

Layer *maxpool2d_create_cfg(const Pool2dConfig *cfg)
{
    if (pool_check_cfg("maxpool", cfg)) return NULL;
    MaxPool2d *m = calloc(1, sizeof *m);
    if (!m) {
        cn_fail("maxpool: out of memory");
        return NULL;
    }
    m->base.ops = &maxpool2d_ops;
    m->cfg = *cfg;
    return &m->base;
}

Layer *maxpool2d_create(int k, int stride, int pad)
{
    const Pool2dConfig f = { k, k, stride, stride, pad, pad, pad, pad };
    return maxpool2d_create_cfg(&f);
}

/* average */

static int avgpool2d_setup(Layer *l)
{
    AvgPool2d *a = (AvgPool2d *)l;
    if (pool_setup(l, &a->cfg)) return -1;
    l->madds = (double)shape_size(l->out) * a->cfg.kh * a->cfg.kw;
    return 0;
}

static void avgpool2d_fwd_op(Layer *l, float *y, const float *x, int B)
{
    const Pool2dConfig *f = &((AvgPool2d *)l)->cfg;
    avgpool2d_forward(y, x, B, l->in.c, l->in.h, l->in.w, l->out.h, l->out.w, f->kh, f->kw,
                      f->stride_h, f->stride_w, f->pad_top, f->pad_left);
}

static void avgpool2d_bwd_op(Layer *l, float *dx, const float *dy, const float *x, const float *y, int B)
{
    (void)x;
    (void)y;
    if (!dx) return;
    const Pool2dConfig *f = &((AvgPool2d *)l)->cfg;
    avgpool2d_backward(dx, dy, B, l->in.c, l->in.h, l->in.w, l->out.h, l->out.w, f->kh, f->kw,
                       f->stride_h, f->stride_w, f->pad_top, f->pad_left);
}

static void avgpool2d_destroy(Layer *l)
{
    free((AvgPool2d *)l);
}

static const LayerOps avgpool2d_ops = {
    .kind = "avgpool",
    .setup = avgpool2d_setup,
    .reserve = NULL,
    .forward = avgpool2d_fwd_op,
    .backward = avgpool2d_bwd_op,
    .init = NULL,
    .destroy = avgpool2d_destroy,
};

Layer *avgpool2d_create_cfg(const Pool2dConfig *cfg)
{
    if (pool_check_cfg("avgpool", cfg)) return NULL;
    AvgPool2d *a = calloc(1, sizeof *a);
    if (!a) {
        cn_fail("avgpool: out of memory");
        return NULL;
    }
    a->base.ops = &avgpool2d_ops;
    a->cfg = *cfg;
    return &a->base;
}

Layer *avgpool2d_create(int k, int stride, int pad)
{
    const Pool2dConfig f = { k, k, stride, stride, pad, pad, pad, pad };
    return avgpool2d_create_cfg(&f);
}
