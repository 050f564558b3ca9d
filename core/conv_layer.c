/* conv_layer.c - the 2-D convolution layer, see conv_layer.h.
 *
 * The layer computes, for sample n, output map o of group g = o / (OC/G)
 * and output pixel (oy, ox),
 *
 *   y[n,o,oy,ox] = b[o] + sum_j sum_{m,k} w[o,j,m,k] * x[n, g*C/G + j, oy*sh - pt + m, ox*sw - pl + k]
 *
 * (CONVOLVE reads w[o,j,KH-1-m,KW-1-k]; pixels outside the input are 0; a
 * connection table removes pairs (o, j)). Its gradients follow from the
 * chain rule, one term per multiply of the forward sum:
 *
 *   dL/dx[n,c,iy,ix] += w[o,j,m,k] * dL/dy[n,o,oy,ox]   where iy = oy*sh - pt + m, ix = ...
 *   dL/dw[o,j,m,k]   += x[n,c,iy,ix] * dL/dy[n,o,oy,ox]
 *   dL/db[o]         += dL/dy[n,o,oy,ox]
 *
 * This file holds the reference loops, written as those formulas read: one
 * output pixel at a time, then the input maps, then the kernel rows and
 * columns (the order core/conv.c teaches, with its conv2d_window for the
 * forward sum), and the layer's operations. The loops that run by default
 * are faster ones with the same sums (core/conv_fast.c); conv_set_loops()
 * or CONVNET_LOOPS=naive runs every layer on the loops below instead.
 *
 * Threads: forward shares the (sample, output map) planes among threads,
 * the input gradient the samples, the weight and bias gradients the output
 * maps. Every number is written by one thread, which adds its terms in an
 * order fixed by the loops, so results are bit-identical for any thread
 * count.
 */
#include "core/conv_layer.h"

#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/conv.h"
#include "core/conv_fast.h"
#include "core/error.h"
#include "core/threads.h"

/* --- reference loops ------------------------------------------------------------- */

/* Multiply-adds of one call, to decide whether threads pay. */
static double conv_work(const Conv2dGeom *g)
{
    return (double)g->B * g->OC * (g->C / g->groups) * (double)g->OH * g->OW * g->KH * g->KW;
}

/* Is input map j of output map o's group connected to it? */
static int linked(const unsigned char *table, int o, int j, int Cg)
{
    return !table || table[(size_t)o * Cg + j];
}

/* y[n,o,oy,ox] = b[o] + sum_j window(x[n, g*C/G + j], w[o,j]) at (oy*sh - pt, ox*sw - pl)
 * inp (B,C,H,W), weight (OC,C/G,KH,KW), bias (OC) or NULL, out (B,OC,OH,OW) */
void conv2d_forward_naive(float *out, const float *inp, const float *weight, const float *bias,
                          const unsigned char *table, const Conv2dGeom *g)
{
    const int C = g->C, H = g->H, W = g->W, OC = g->OC, OH = g->OH, OW = g->OW;
    const int KH = g->KH, KW = g->KW, Cg = C / g->groups, OCg = OC / g->groups;
    const size_t pin = (size_t)H * W, ksz = (size_t)KH * KW;
#pragma omp parallel for collapse(2) schedule(static) if (conv_work(g) >= CONV_PAR_MADDS)
    for (int n = 0; n < g->B; n++)
        for (int o = 0; o < OC; o++) {
            const float *xs = inp + ((size_t)n * C + (size_t)(o / OCg) * Cg) * pin; /* o's group */
            const float *ks = weight + (size_t)o * Cg * ksz;
            float *y = out + ((size_t)n * OC + o) * OH * OW;
            for (int oy = 0; oy < OH; oy++)
                for (int ox = 0; ox < OW; ox++) {
                    float sum = bias ? bias[o] : 0.0f;
                    for (int j = 0; j < Cg; j++)
                        if (linked(table, o, j, Cg))
                            sum = conv2d_window(sum, xs + j * pin, H, W, ks + j * ksz, KH, KW,
                                                oy * g->sh - g->pt, ox * g->sw - g->pl, g->op);
                    y[(size_t)oy * OW + ox] = sum;
                }
        }
}

/* Weight w[o,j] of kernel tap (m, k): CONVOLVE reads the kernel backwards. */
static size_t tap(const Conv2dGeom *g, int m, int k)
{
    return g->op == CONV_OP_CONVOLVE ? (size_t)(g->KH - 1 - m) * g->KW + (g->KW - 1 - k)
                                       : (size_t)m * g->KW + k;
}

/* The window of output pixel (oy, ox): its corner (r0, c0) in the input and
 * the taps m in [mlo, mhi), k in [klo, khi) that land inside the input. */
typedef struct {
    int r0, c0, mlo, mhi, klo, khi;
} Window;

static Window window_at(const Conv2dGeom *g, int oy, int ox)
{
    Window w = { .r0 = oy * g->sh - g->pt, .c0 = ox * g->sw - g->pl };
    conv_clip(w.r0, g->KH, g->H, &w.mlo, &w.mhi);
    conv_clip(w.c0, g->KW, g->W, &w.klo, &w.khi);
    return w;
}

/* dout (B,OC,OH,OW), inp (B,C,H,W), weight (OC,C/G,KH,KW) -> dinp, dweight, dbias (+=)
 * Every term of the forward sum, w * x into y, sends w * dy back to x and
 * x * dy to w; the loops visit the terms in forward's order. The input
 * gradient runs one sample per thread (an output map's window reaches into
 * every input map of its group), the weight and bias gradients one output
 * map per thread (over all samples). */
void conv2d_backward_naive(float *dinp, float *dweight, float *dbias, const float *dout,
                           const float *inp, const float *weight, const unsigned char *table,
                           const Conv2dGeom *g)
{
    const int B = g->B, C = g->C, H = g->H, W = g->W, OC = g->OC, OH = g->OH, OW = g->OW;
    const int KH = g->KH, KW = g->KW, Cg = C / g->groups, OCg = OC / g->groups;
    const size_t pin = (size_t)H * W, ksz = (size_t)KH * KW;
    const int par = conv_work(g) >= CONV_PAR_MADDS;

    if (dinp) {
#pragma omp parallel for schedule(static) if (par)
        for (int n = 0; n < B; n++)
            for (int o = 0; o < OC; o++) {
                float *dxs = dinp + ((size_t)n * C + (size_t)(o / OCg) * Cg) * pin;
                const float *ks = weight + (size_t)o * Cg * ksz;
                for (int oy = 0; oy < OH; oy++)
                    for (int ox = 0; ox < OW; ox++) {
                        const float d = dout[(((size_t)n * OC + o) * OH + oy) * OW + ox];
                        const Window v = window_at(g, oy, ox);
                        for (int j = 0; j < Cg; j++) {
                            if (!linked(table, o, j, Cg)) continue;
                            for (int m = v.mlo; m < v.mhi; m++)
                                for (int k = v.klo; k < v.khi; k++)
                                    dxs[j * pin + (size_t)(v.r0 + m) * W + (v.c0 + k)] += ks[j * ksz + tap(g, m, k)] * d;
                        }
                    }
            }
    }

    if (dweight || dbias) {
#pragma omp parallel for schedule(static) if (par)
        for (int o = 0; o < OC; o++) {
            float *dks = dweight ? dweight + (size_t)o * Cg * ksz : NULL;
            float db = 0.0f;
            for (int n = 0; n < B; n++) {
                const float *xs = inp + ((size_t)n * C + (size_t)(o / OCg) * Cg) * pin;
                for (int oy = 0; oy < OH; oy++)
                    for (int ox = 0; ox < OW; ox++) {
                        const float d = dout[(((size_t)n * OC + o) * OH + oy) * OW + ox];
                        db += d;
                        if (!dks) continue;
                        const Window v = window_at(g, oy, ox);
                        for (int j = 0; j < Cg; j++) {
                            if (!linked(table, o, j, Cg)) continue;
                            for (int m = v.mlo; m < v.mhi; m++)
                                for (int k = v.klo; k < v.khi; k++)
                                    dks[j * ksz + tap(g, m, k)] += xs[j * pin + (size_t)(v.r0 + m) * W + (v.c0 + k)] * d;
                        }
                    }
            }
            if (dbias) dbias[o] += db;
        }
    }
}

/* --- which loops run ------------------------------------------------------------- */

/* -1 until first asked: then the environment's choice or conv_set_loops's.
 * Atomic: layers call conv_loops() from several threads at once. */
static atomic_int loops_now = -1;

/* The loops a program supplied (conv_set_custom_loops), or NULL. */
static const ConvCustomLoops *custom_loops;

/* CONVNET_LOOPS: unset, empty or "fast" -> fast, "naive" -> naive, "mine"
 * -> the program's own loops when it supplied some, else -1. */
static int loops_in_env(const char **value)
{
    const char *v = getenv("CONVNET_LOOPS");
    *value = v;
    if (!v || !*v || !strcmp(v, "fast")) return CONV_LOOPS_FAST;
    if (!strcmp(v, "naive")) return CONV_LOOPS_NAIVE;
    if (!strcmp(v, "mine") && custom_loops) return CONV_LOOPS_MINE;
    return -1;
}

void conv_set_loops(ConvLoops loops)
{
    const int v = loops == CONV_LOOPS_NAIVE ? CONV_LOOPS_NAIVE
                  : loops == CONV_LOOPS_MINE && custom_loops ? CONV_LOOPS_MINE : CONV_LOOPS_FAST;
    atomic_store(&loops_now, v);
}

void conv_set_custom_loops(const ConvCustomLoops *loops)
{
    custom_loops = loops && loops->forward && loops->backward ? loops : NULL;
    if (!custom_loops) {
        int mine = CONV_LOOPS_MINE;
        atomic_compare_exchange_strong(&loops_now, &mine, CONV_LOOPS_FAST);
    }
}

ConvLoops conv_loops(void)
{
    int v = atomic_load(&loops_now);
    if (v < 0) {
        const char *value;
        v = loops_in_env(&value);
        if (v < 0) v = CONV_LOOPS_FAST;
        int unset = -1;
        if (!atomic_compare_exchange_strong(&loops_now, &unset, v)) v = unset;
    }
    return (ConvLoops)v;
}

const char *conv_loops_name(void)
{
    switch (conv_loops()) {
    case CONV_LOOPS_NAIVE: return "naive (reference)";
    case CONV_LOOPS_MINE: return custom_loops->name ? custom_loops->name : "mine";
    case CONV_LOOPS_FAST: break;
    }
    return "fast (blocked, vectorized)";
}

int conv_loops_from_env(void)
{
    const char *value;
    const int v = loops_in_env(&value);
    conv_set_loops(v < 0 ? CONV_LOOPS_FAST : (ConvLoops)v);
    if (v < 0 && !strcmp(value, "mine"))
        return cn_fail("CONVNET_LOOPS=mine: this program has no loops of its own linked in; use "
                       "CONVNET_LOOPS=naive or fast, or a program built with them");
    if (v < 0)
        return cn_fail("CONVNET_LOOPS=%s: use CONVNET_LOOPS=naive (the reference loops) or "
                       "CONVNET_LOOPS=fast (the default)", value);
    return 0;
}

ConvPaths conv2d_paths(const Conv2dGeom *g, const unsigned char *table)
{
    if (conv_loops() == CONV_LOOPS_NAIVE) return (ConvPaths){ CONV_PATH_NAIVE, CONV_PATH_NAIVE, CONV_PATH_NAIVE };
    if (conv_loops() == CONV_LOOPS_MINE) return (ConvPaths){ CONV_PATH_MINE, CONV_PATH_MINE, CONV_PATH_MINE };
    return conv_fast_paths(g, table);
}

const char *conv_path_name(ConvPath path)
{
    switch (path) {
    case CONV_PATH_NAIVE: return "naive";
    case CONV_PATH_TAPMAJOR: return "tap-major";
    case CONV_PATH_WIDE: return "wide";
    case CONV_PATH_WIDE5: return "wide5";
    case CONV_PATH_DENSE: return "dense";
    case CONV_PATH_BLOCKED: return "blocked";
    case CONV_PATH_MINE: return "mine";
    }
    return "unknown";
}

void conv2d_forward(float *out, const float *inp, const float *weight, const float *bias,
                    const unsigned char *table, const Conv2dGeom *g)
{
    const ConvLoops loops = conv_loops();
    if (loops == CONV_LOOPS_NAIVE)
        conv2d_forward_naive(out, inp, weight, bias, table, g);
    else if (loops == CONV_LOOPS_MINE)
        custom_loops->forward(out, inp, weight, bias, table, g);
    else
        conv_fast_forward(out, inp, weight, bias, table, g);
}

void conv2d_backward(float *dinp, float *dweight, float *dbias, const float *dout, const float *inp,
                     const float *weight, const unsigned char *table, const Conv2dGeom *g)
{
    const ConvLoops loops = conv_loops();
    if (loops == CONV_LOOPS_NAIVE)
        conv2d_backward_naive(dinp, dweight, dbias, dout, inp, weight, table, g);
    else if (loops == CONV_LOOPS_MINE)
        custom_loops->backward(dinp, dweight, dbias, dout, inp, weight, table, g);
    else
        conv_fast_backward(dinp, dweight, dbias, dout, inp, weight, table, g);
}

Conv2dGeom conv2d_geom(const Conv2d *c, int B)
{
    const Layer *l = &c->base;
    const Conv2dConfig *f = &c->cfg;
    return (Conv2dGeom){ .B = B, .C = l->in.c, .H = l->in.h, .W = l->in.w, .OC = f->out_channels,
                         .OH = l->out.h, .OW = l->out.w, .KH = f->kh, .KW = f->kw,
                         .sh = f->stride_h, .sw = f->stride_w, .pt = f->pad_top,
                         .pl = f->pad_left, .groups = f->groups, .op = f->op };
}

/* --- the layer --------------------------------------------------------------------- */

static const LayerOps conv2d_ops;

Conv2d *conv2d_of(Layer *l)
{
    return (l && l->ops == &conv2d_ops) ? (Conv2d *)l : NULL;
}

static int connected(const Conv2d *c, int o, int j)
{
    int Cg = c->base.in.c / c->cfg.groups;
    return !c->table || c->table[(size_t)o * Cg + j];
}

/* Inputs of output map o (channels, not weights). */
static int map_inputs(const Conv2d *c, int o)
{
    int Cg = c->base.in.c / c->cfg.groups, n = 0;
    for (int j = 0; j < Cg; j++) n += connected(c, o, j);
    return n;
}

/* Counts that depend on the input shape and the table; zeroes removed weights. */
static void conv2d_refresh(Conv2d *c)
{
    Layer *l = &c->base;
    const Conv2dConfig *f = &c->cfg;
    const int C = l->in.c, Cg = C / f->groups, OCg = f->out_channels / f->groups;
    const size_t ksz = (size_t)f->kh * f->kw;
    size_t conn = 0;
    for (int o = 0; o < f->out_channels; o++) conn += (size_t)map_inputs(c, o);
    c->connections = conn;
    if (c->table) {
        for (int o = 0; o < f->out_channels; o++)
            for (int j = 0; j < Cg; j++)
                if (!connected(c, o, j)) {
                    memset(l->param[0].value + ((size_t)o * Cg + j) * ksz, 0, ksz * sizeof(float));
                    memset(l->param[0].grad + ((size_t)o * Cg + j) * ksz, 0, ksz * sizeof(float));
                }
    }
    l->param[0].trainable = conn * ksz;
    l->param[1].trainable = (size_t)f->out_channels;
    /* Fan-in of a map: its connected inputs times the kernel; with a table
     * maps differ and this is their mean (init uses each map's own). Fan-out
     * of an input pixel: the maps it feeds times the kernel (mean over
     * channels with a table). */
    l->fan_in = c->table ? (int)lround((double)conn * ksz / f->out_channels) : (int)(Cg * ksz);
    l->fan_out = c->table ? (int)lround((double)conn * ksz / C) : (int)(OCg * ksz);
    l->madds = (double)l->out.h * l->out.w * (double)conn * (double)ksz;
}

static int conv2d_setup(Layer *l)
{
    Conv2d *c = (Conv2d *)l;
    const Conv2dConfig *f = &c->cfg;
    const int C = l->in.c;
    if (C % f->groups)
        return cn_fail("conv: %d input channels cannot be split into %d groups; use a number of "
                       "groups that divides both channel counts", C, f->groups);
    if (c->table && c->table_cin != C)
        return cn_fail("conv: the connection table was given for %d input channels but the input "
                       "has %d", c->table_cin, C);
    int OH = conv_out_size(l->in.h, f->kh, f->stride_h, f->pad_top, f->pad_bottom);
    int OW = OH < 0 ? -1 : conv_out_size(l->in.w, f->kw, f->stride_w, f->pad_left, f->pad_right);
    if (OH < 0 || OW < 0) {
        char msg[256];
        snprintf(msg, sizeof msg, "%s", cn_last_error());
        return cn_fail("conv: input (%d, %d, %d) does not fit kernel %dx%d: %s", C, l->in.h, l->in.w,
                       f->kh, f->kw, msg);
    }
    l->out = (CnShape){ f->out_channels, OH, OW };
    if (layer_alloc_param(l, 0, "weight", 1, f->out_channels, C / f->groups, f->kh, f->kw) ||
        layer_alloc_param(l, 1, "bias", 0, f->out_channels, 1, 1, 1))
        return -1;
    conv2d_refresh(c);
    return 0;
}

static void conv2d_fwd_op(Layer *l, float *y, const float *x, int B)
{
    Conv2d *c = (Conv2d *)l;
    const Conv2dGeom g = conv2d_geom(c, B);
    conv2d_forward(y, x, l->param[0].value, l->param[1].value, c->table, &g);
}

static void conv2d_bwd_op(Layer *l, float *dx, const float *dy, const float *x, const float *y, int B)
{
    (void)y;
    Conv2d *c = (Conv2d *)l;
    const Conv2dGeom g = conv2d_geom(c, B);
    conv2d_backward(dx, layer_param_grad(l, 0), layer_param_grad(l, 1), dy, x, l->param[0].value, c->table, &g);
}

/* Weights by `kind` with each output map's own fan-in F_o (its connected
 * inputs times KH*KW: LeNet-5's U(-2.4/F_o, 2.4/F_o) needs the real count),
 * removed weights exactly 0, biases 0. Draws go in weight order, skipping
 * removed weights, so without a table this is layer.c's generic rule. */
static void conv2d_init(Layer *l, InitKind kind, Rng *r)
{
    Conv2d *c = (Conv2d *)l;
    const int OC = c->cfg.out_channels, Cg = l->in.c / c->cfg.groups;
    const size_t ksz = (size_t)c->cfg.kh * c->cfg.kw;
    float *w = l->param[0].value;
    const float fo = (float)(l->fan_out > 0 ? l->fan_out : 1);
    for (int o = 0; o < OC; o++) {
        const int nin = map_inputs(c, o);
        const float fi = (float)((size_t)(nin > 0 ? nin : 1) * ksz);
        for (int j = 0; j < Cg; j++) {
            float *k = w + ((size_t)o * Cg + j) * ksz;
            for (size_t t = 0; t < ksz; t++) {
                if (!connected(c, o, j)) {
                    k[t] = 0.0f;
                    continue;
                }
                switch (kind) {
                case INIT_LECUN_UNIFORM: k[t] = rng_range(r, -2.4f / fi, 2.4f / fi); break;
                case INIT_HE: k[t] = rng_normal(r) * sqrtf(2.0f / fi); break;
                case INIT_XAVIER: {
                    const float a = sqrtf(6.0f / (fi + fo));
                    k[t] = rng_range(r, -a, a);
                    break;
                }
                }
            }
        }
    }
    memset(l->param[1].value, 0, l->param[1].n * sizeof(float));
}

static void conv2d_destroy(Layer *l)
{
    Conv2d *c = (Conv2d *)l;
    layer_free_params(l);
    free(c->table);
    free(c);
}

static const LayerOps conv2d_ops = {
    .kind = "conv",
    .setup = conv2d_setup,
    .reserve = NULL,
    .forward = conv2d_fwd_op,
    .backward = conv2d_bwd_op,
    .init = conv2d_init,
    .destroy = conv2d_destroy,
};

Layer *conv2d_create_cfg(const Conv2dConfig *cfg)
{
    if (!cfg) {
        cn_fail("conv2d_create_cfg: no configuration given");
        return NULL;
    }
    const Conv2dConfig f = *cfg;
    if (f.out_channels < 1 || f.kh < 1 || f.kw < 1 || f.stride_h < 1 || f.stride_w < 1) {
        cn_fail("conv: output channels %d, kernel %dx%d and stride (%d, %d) must all be >= 1",
                f.out_channels, f.kh, f.kw, f.stride_h, f.stride_w);
        return NULL;
    }
    if (f.pad_top < 0 || f.pad_bottom < 0 || f.pad_left < 0 || f.pad_right < 0) {
        cn_fail("conv: padding (top %d, bottom %d, left %d, right %d) must be >= 0", f.pad_top,
                f.pad_bottom, f.pad_left, f.pad_right);
        return NULL;
    }
    if (f.groups < 1 || f.out_channels % f.groups) {
        cn_fail("conv: %d output channels cannot be split into %d groups; use a number of groups "
                ">= 1 that divides both channel counts", f.out_channels, f.groups);
        return NULL;
    }
    if (f.op != CONV_OP_CORRELATE && f.op != CONV_OP_CONVOLVE) {
        cn_fail("conv: unknown operation %d (use CONV_OP_CORRELATE or CONV_OP_CONVOLVE)", (int)f.op);
        return NULL;
    }
    Conv2d *c = calloc(1, sizeof *c);
    if (!c) {
        cn_fail("conv: out of memory");
        return NULL;
    }
    c->base.ops = &conv2d_ops;
    c->base.rf_k = f.kh;
    c->base.rf_s = f.stride_h;
    c->base.rf_p = f.pad_top;
    c->cfg = f;
    return &c->base;
}

Layer *conv2d_create(int out_channels, int kh, int kw, int stride, int pad, int groups,
                     ConvOp op)
{
    const Conv2dConfig f = { .out_channels = out_channels, .kh = kh, .kw = kw, .stride_h = stride,
                             .stride_w = stride, .pad_top = pad, .pad_bottom = pad, .pad_left = pad,
                             .pad_right = pad, .groups = groups, .op = op };
    return conv2d_create_cfg(&f);
}

int conv2d_set_table(Layer *l, int in_channels, const unsigned char *table)
{
    Conv2d *c = conv2d_of(l);
    if (!c) return cn_fail("conv2d_set_table: the layer is not a conv layer");
    const int G = c->cfg.groups, OC = c->cfg.out_channels;
    const int set_up = l->nparam > 0;
    if (in_channels < 1 || in_channels % G)
        return cn_fail("conv2d_set_table: %d input channels cannot be split into %d groups",
                       in_channels, G);
    if (set_up && in_channels != l->in.c)
        return cn_fail("conv2d_set_table: the table is for %d input channels but the layer has %d",
                       in_channels, l->in.c);
    unsigned char *t = NULL;
    if (table) {
        const int Cg = in_channels / G;
        t = malloc((size_t)OC * Cg);
        if (!t) return cn_fail("conv2d_set_table: out of memory");
        for (int o = 0; o < OC; o++) {
            int n = 0;
            for (int j = 0; j < Cg; j++) {
                t[(size_t)o * Cg + j] = table[(size_t)o * Cg + j] ? 1 : 0;
                n += t[(size_t)o * Cg + j];
            }
            if (n == 0) {
                free(t);
                return cn_fail("conv2d_set_table: output map %d has no input in the table; "
                               "connect it to at least one input channel", o);
            }
        }
    }
    free(c->table);
    c->table = t;
    c->table_cin = in_channels;
    if (set_up) conv2d_refresh(c);
    return 0;
}

const unsigned char *conv2d_lenet5_c3_table(void)
{
    /* Rows: C3 maps 0..15; columns: S2 maps 0..5 (the transpose of the
     * paper's Table I, whose rows are S2 maps and columns C3 maps). */
    static const unsigned char t[16 * 6] = {
        1, 1, 1, 0, 0, 0, /*  0: 0 1 2     */
        0, 1, 1, 1, 0, 0, /*  1: 1 2 3     */
        0, 0, 1, 1, 1, 0, /*  2: 2 3 4     */
        0, 0, 0, 1, 1, 1, /*  3: 3 4 5     */
        1, 0, 0, 0, 1, 1, /*  4: 4 5 0     */
        1, 1, 0, 0, 0, 1, /*  5: 5 0 1     */
        1, 1, 1, 1, 0, 0, /*  6: 0 1 2 3   */
        0, 1, 1, 1, 1, 0, /*  7: 1 2 3 4   */
        0, 0, 1, 1, 1, 1, /*  8: 2 3 4 5   */
        1, 0, 0, 1, 1, 1, /*  9: 3 4 5 0   */
        1, 1, 0, 0, 1, 1, /* 10: 4 5 0 1   */
        1, 1, 1, 0, 0, 1, /* 11: 5 0 1 2   */
        1, 1, 0, 1, 1, 0, /* 12: 0 1 3 4   */
        0, 1, 1, 0, 1, 1, /* 13: 1 2 4 5   */
        1, 0, 1, 1, 0, 1, /* 14: 0 2 3 5   */
        1, 1, 1, 1, 1, 1, /* 15: all       */
    };
    return t;
}
