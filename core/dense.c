/* dense.c - fully connected layer, see dense.h. */
#include "core/dense.h"

#include <stdlib.h>

#include "core/error.h"

/* Below about 2^17 multiply-adds (some 10 us on one core) starting and
 * joining threads costs more than it saves: LeNet-5's 84 -> 10 output layer
 * at batch 64 (54k) runs 1.8x slower on two threads than on one, its
 * 400 -> 120 layer (3.1M) runs 1.9x faster on two (forward 297 -> 154 us). */
#define DENSE_PAR_MIN 131072.0

/* --- forward -------------------------------------------------------------------- */

/* x (B,IN), W (OUT,IN), b (OUT), y (B,OUT)
 *
 * y[n,o] = b[o] + sum_i W[o,i] x[n,i]
 *
 * Each y[n,o] is a dot product of two contiguous rows (x's sample n, W's row
 * o), so the inner loop walks both arrays with stride 1. The (n, o) pairs are
 * independent and shared among threads; each dot product is computed by one
 * thread in one fixed order (the `simd` reduction splits it into a fixed
 * number of vector lanes chosen at compile time, not by the thread count),
 * so the result does not depend on the number of threads. */
void dense_forward(float *restrict y, const float *restrict x, const float *restrict W,
                   const float *restrict b, int B, int IN, int OUT)
{
#pragma omp parallel for collapse(2) schedule(static) if ((double)B * OUT * IN >= DENSE_PAR_MIN)
    for (int n = 0; n < B; n++) {
        for (int o = 0; o < OUT; o++) {
            const float *xr = x + (size_t)n * (size_t)IN;
            const float *wr = W + (size_t)o * (size_t)IN;
            float s = 0.0f;
#pragma omp simd reduction(+ : s)
            for (int i = 0; i < IN; i++) s += wr[i] * xr[i];
            y[(size_t)n * (size_t)OUT + (size_t)o] = (b ? b[o] : 0.0f) + s;
        }
    }
}

/* --- backward ------------------------------------------------------------------- */

/* dy (B,OUT), x (B,IN), W (OUT,IN), dx (B,IN), dW (OUT,IN), db (OUT) */
void dense_backward(float *restrict dx, float *restrict dW, float *restrict db, const float *restrict dy,
                    const float *restrict x, const float *restrict W, int B, int IN, int OUT)
{
    const int par = (double)B * OUT * IN >= DENSE_PAR_MIN;

    /* dx[n,i] += sum_o dy[n,o] W[o,i]
     * Written as dx[n,:] += dy[n,o] * W[o,:] for o = 0..OUT-1: the inner loop
     * walks a W row and a dx row contiguously (and vectorizes without
     * reassociating anything). Samples are split among threads; each dx row
     * is summed over o in order by one thread. */
    if (dx) {
#pragma omp parallel for schedule(static) if (par)
        for (int n = 0; n < B; n++) {
            float *dxr = dx + (size_t)n * (size_t)IN;
            const float *dyr = dy + (size_t)n * (size_t)OUT;
            for (int o = 0; o < OUT; o++) {
                const float g = dyr[o];
                const float *wr = W + (size_t)o * (size_t)IN;
                for (int i = 0; i < IN; i++) dxr[i] += g * wr[i];
            }
        }
    }

    /* dW[o,i] += sum_n dy[n,o] x[n,i]      db[o] += sum_n dy[n,o]
     * Rows o are split among threads; row o adds sample n = 0, 1, ..., B-1
     * in that order as dW[o,:] += dy[n,o] * x[n,:] (contiguous inner loop),
     * so every entry is summed in the same order for any thread count. */
    if (dW || db) {
#pragma omp parallel for schedule(static) if (par)
        for (int o = 0; o < OUT; o++) {
            float *dwr = dW ? dW + (size_t)o * (size_t)IN : NULL;
            float gb = 0.0f;
            for (int n = 0; n < B; n++) {
                const float g = dy[(size_t)n * (size_t)OUT + (size_t)o];
                gb += g;
                if (dwr) {
                    const float *xr = x + (size_t)n * (size_t)IN;
                    for (int i = 0; i < IN; i++) dwr[i] += g * xr[i];
                }
            }
            if (db) db[o] += gb;
        }
    }
}

/* --- layer ---------------------------------------------------------------------- */

static int dense_setup(Layer *l)
{
    Dense *d = (Dense *)l;
    size_t in = shape_size(l->in);
    if (in > (size_t)(1 << 30))
        return cn_fail("dense: input (%d, %d, %d) has %zu numbers per sample, more than 2^30; "
                       "pool or shrink the input first", l->in.c, l->in.h, l->in.w, in);
    l->out = (CnShape){ d->out_features, 1, 1 };
    if (layer_alloc_param(l, 0, "weight", 1, d->out_features, (int)in, 1, 1)) return -1;
    if (layer_alloc_param(l, 1, "bias", 0, d->out_features, 1, 1, 1)) return -1;
    l->fan_in = (int)in;
    l->fan_out = d->out_features;
    l->rf_k = 0, l->rf_s = 1, l->rf_p = 0;  /* sees the whole input */
    l->madds = (double)in * (double)d->out_features;
    return 0;
}

static void dense_layer_forward(Layer *l, float *y, const float *x, int B)
{
    dense_forward(y, x, l->param[0].value, l->param[1].value, B, (int)shape_size(l->in), l->out.c);
}

static void dense_layer_backward(Layer *l, float *dx, const float *dy, const float *x, const float *y, int B)
{
    (void)y;
    dense_backward(dx, layer_param_grad(l, 0), layer_param_grad(l, 1), dy, x, l->param[0].value, B,
                   (int)shape_size(l->in), l->out.c);
}

static void dense_destroy(Layer *l)
{
    layer_free_params(l);
    free(l);
}

static const LayerOps dense_ops = { .kind = "dense", .setup = dense_setup, .forward = dense_layer_forward,
                                    .backward = dense_layer_backward, .destroy = dense_destroy };

Layer *dense_create(int out_features)
{
    if (out_features < 1) {
        cn_fail("dense_create: out_features is %d; it must be at least 1", out_features);
        return NULL;
    }
    Dense *d = calloc(1, sizeof *d);
    if (!d) {
        cn_fail("dense_create: out of memory");
        return NULL;
    }
    d->base.ops = &dense_ops;
    d->out_features = out_features;
    return &d->base;
}
