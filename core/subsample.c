/* subsample.c - LeNet-5's trainable subsampling, see subsample.h. */
#include "core/subsample.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/conv.h"
#include "core/error.h"

#define SUB_PAR_WORK 32768.0

/* inp (B,C,H,W), coef (C), bias (C), out (B,C,OH,OW)
 *   y[n,c,oy,ox] = coef[c] * sum_{i<k, j<k} x[n,c, oy*s+i, ox*s+j] + bias[c]
 * Each output row first collects its window sums: for each window offset
 * (i, j), a strided run of input row oy*s+i is added to the row (inner
 * loop over ox). The (sample, channel) planes are shared among threads. */
void subsample_forward(float *out, const float *inp, const float *coef, const float *bias, int B,
                       int C, int H, int W, int OH, int OW, int k, int s)
{
    const size_t pin = (size_t)H * W, pout = (size_t)OH * OW;
    const long long planes = (long long)B * C;
    const double work = (double)planes * (double)pout * k * k;
#pragma omp parallel for schedule(static) if (work >= SUB_PAR_WORK)
    for (long long p = 0; p < planes; p++) {
        const int c = (int)(p % C);
        const float *restrict x = inp + (size_t)p * pin;
        float *restrict y = out + (size_t)p * pout;
        const float a = coef[c], b = bias[c];
        for (int oy = 0; oy < OH; oy++) {
            float *restrict yr = y + (size_t)oy * OW;
            for (int ox = 0; ox < OW; ox++) yr[ox] = 0.0f;
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    const float *restrict xr = x + (size_t)(oy * s + i) * W + j;
                    for (int ox = 0; ox < OW; ox++) yr[ox] += xr[ox * s];
                }
            }
            for (int ox = 0; ox < OW; ox++) yr[ox] = a * yr[ox] + b;
        }
    }
}

/* dout (B,C,OH,OW), inp (B,C,H,W), coef (C) -> dinp, dcoef, dbias (+=)
 *   dbias[c] += sum_{n,oy,ox} dy[n,c,oy,ox]
 *   dcoef[c] += sum_{n,oy,ox} dy[n,c,oy,ox] * S[n,c,oy,ox],  S = the window sum
 *   dx[n,c, oy*s+i, ox*s+j] += coef[c] * dy[n,c,oy,ox]   for i, j < k
 * Channel c owns dcoef[c], dbias[c] and the planes dx[., c]; channels are
 * shared among threads and each adds samples 0..B-1 in order. */
void subsample_backward(float *dinp, float *dcoef, float *dbias, const float *dout, const float *inp,
                        const float *coef, int B, int C, int H, int W, int OH, int OW, int k, int s)
{
    const size_t pin = (size_t)H * W, pout = (size_t)OH * OW;
    const double work = (double)B * C * (double)pout * k * k;
#pragma omp parallel for schedule(static) if (work >= SUB_PAR_WORK)
    for (int c = 0; c < C; c++) {
        const float a = coef[c];
        float gc = 0.0f, gb = 0.0f;
        for (int n = 0; n < B; n++) {
            const size_t p = (size_t)n * C + c;
            const float *restrict x = inp + p * pin;
            const float *restrict dy = dout + p * pout;
            float *restrict dx = dinp ? dinp + p * pin : NULL;
            for (int oy = 0; oy < OH; oy++) {
                const float *restrict gr = dy + (size_t)oy * OW;
                for (int ox = 0; ox < OW; ox++) {
                    float S = 0.0f;
                    for (int i = 0; i < k; i++)
                        for (int j = 0; j < k; j++) S += x[(size_t)(oy * s + i) * W + ox * s + j];
                    gc += gr[ox] * S;
                    gb += gr[ox];
                }
                if (dx) {
                    for (int i = 0; i < k; i++) {
                        for (int j = 0; j < k; j++) {
                            float *restrict xr = dx + (size_t)(oy * s + i) * W + j;
                            for (int ox = 0; ox < OW; ox++) xr[ox * s] += a * gr[ox];
                        }
                    }
                }
            }
        }
        if (dcoef) dcoef[c] += gc;
        if (dbias) dbias[c] += gb;
    }
}

/* --- the layer ------------------------------------------------------------------------- */

static int subsample_setup(Layer *l)
{
    Subsample *s = (Subsample *)l;
    int OH = conv_out_size(l->in.h, s->k, s->stride, 0, 0);
    int OW = OH < 0 ? -1 : conv_out_size(l->in.w, s->k, s->stride, 0, 0);
    if (OH < 0 || OW < 0) {
        char msg[256];
        snprintf(msg, sizeof msg, "%s", cn_last_error());
        return cn_fail("subsample: input (%d, %d, %d) does not fit window %dx%d: %s", l->in.c,
                       l->in.h, l->in.w, s->k, s->k, msg);
    }
    l->out = (CnShape){ l->in.c, OH, OW };
    if (layer_alloc_param(l, 0, "coef", 1, l->in.c, 1, 1, 1) ||
        layer_alloc_param(l, 1, "bias", 0, l->in.c, 1, 1, 1))
        return -1;
    l->fan_in = s->k * s->k;
    l->fan_out = ((s->k + s->stride - 1) / s->stride) * ((s->k + s->stride - 1) / s->stride);
    l->rf_k = s->k;
    l->rf_s = s->stride;
    l->rf_p = 0;
    /* k*k - 1 adds and one multiply-add per output: k*k operations */
    l->madds = (double)shape_size(l->out) * s->k * s->k;
    return 0;
}

static void subsample_fwd_op(Layer *l, float *y, const float *x, int B)
{
    Subsample *s = (Subsample *)l;
    subsample_forward(y, x, l->param[0].value, l->param[1].value, B, l->in.c, l->in.h, l->in.w,
                      l->out.h, l->out.w, s->k, s->stride);
}

static void subsample_bwd_op(Layer *l, float *dx, const float *dy, const float *x, const float *y, int B)
{
    (void)y;
    Subsample *s = (Subsample *)l;
    subsample_backward(dx, layer_param_grad(l, 0), layer_param_grad(l, 1), dy, x, l->param[0].value, B, l->in.c,
                       l->in.h, l->in.w, l->out.h, l->out.w, s->k, s->stride);
}

static void subsample_destroy(Layer *l)
{
    layer_free_params(l);
    free((Subsample *)l);
}

static const LayerOps subsample_ops = {
    .kind = "subsample",
    .setup = subsample_setup,
    .reserve = NULL,
    .forward = subsample_fwd_op,
    .backward = subsample_bwd_op,
    .init = NULL, /* layer.c's rule: coef by kind with fan-in k*k, bias 0 */
    .destroy = subsample_destroy,
};

Layer *subsample_create(int k, int stride)
{
    if (k < 1 || stride < 1) {
        cn_fail("subsample: window %d and stride %d must be >= 1 (LeNet-5 uses 2 and 2)", k, stride);
        return NULL;
    }
    Subsample *s = calloc(1, sizeof *s);
    if (!s) {
        cn_fail("subsample: out of memory");
        return NULL;
    }
    s->base.ops = &subsample_ops;
    s->k = k;
    s->stride = stride;
    return &s->base;
}
