/* dropout.c - inverted dropout, see dropout.h. */
#include "core/dropout.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

/* mask (n) */
void dropout_draw_mask(unsigned char *mask, size_t n, float p, Rng *r)
{
    /* m_i = [u_i >= p], u_i ~ U[0, 1): P(m_i = 1) = 1 - p. One draw per unit,
     * in order, on one thread: the mask is a function of the seed only. */
    for (size_t i = 0; i < n; i++) mask[i] = rng_uniform(r) >= p;
}

/* x (n), mask (n), y (n) */
void dropout_forward(float *y, const float *x, const unsigned char *mask, size_t n, float p)
{
    /* y_i = m_i x_i / (1 - p) */
    const float scale = 1.0f / (1.0f - p);
#pragma omp parallel for schedule(static) if (n >= 65536)
    for (size_t i = 0; i < n; i++) y[i] = mask[i] ? x[i] * scale : 0.0f;
}

/* dy (n), mask (n), dx (n) */
void dropout_backward(float *dx, const float *dy, const unsigned char *mask, size_t n, float p)
{
    /* dL/dx_i += m_i dL/dy_i / (1 - p) */
    const float scale = 1.0f / (1.0f - p);
#pragma omp parallel for schedule(static) if (n >= 65536)
    for (size_t i = 0; i < n; i++) dx[i] += mask[i] ? dy[i] * scale : 0.0f;
}

/* --- layer ---------------------------------------------------------------------- */

static int dropout_setup(Layer *l)
{
    l->out = l->in;
    l->reserved = 0;  /* a new input shape needs a new mask size */
    l->fan_in = l->fan_out = 1;
    l->rf_k = 1, l->rf_s = 1, l->rf_p = 0;
    l->madds = 0.0;
    return 0;
}

static int dropout_reserve(Layer *l, int B)
{
    Dropout *d = (Dropout *)l;
    size_t n;
    if (B < 1 || cn_mul_size(shape_size(l->in), (size_t)B, &n))
        return cn_fail("dropout: cannot hold a mask for a batch of %d of (%d, %d, %d)", B, l->in.c, l->in.h,
                       l->in.w);
    unsigned char *m = realloc(d->mask, n);
    if (!m) return cn_fail("dropout: out of memory for a mask of %zu units (batch %d)", n, B);
    d->mask = m;
    return 0;
}

static void dropout_layer_forward(Layer *l, float *y, const float *x, int B)
{
    Dropout *d = (Dropout *)l;
    size_t n = shape_size(l->in) * (size_t)B;
    d->masked = l->training && d->p > 0.0f;
    if (!d->masked) {
        d->preset = 0;
        /* evaluation (or p = 0): y = x */
        if (y != x) memcpy(y, x, n * sizeof *y);
        return;
    }
    if (!d->preset) dropout_draw_mask(d->mask, n, d->p, &d->rng);
    d->preset = 0;
    dropout_forward(y, x, d->mask, n, d->p);
}

static void dropout_layer_backward(Layer *l, float *dx, const float *dy, const float *x, const float *y, int B)
{
    (void)x, (void)y;
    Dropout *d = (Dropout *)l;
    size_t n = shape_size(l->in) * (size_t)B;
    if (!dx) return;
    if (d->masked) {
        dropout_backward(dx, dy, d->mask, n, d->p);
    } else {
        /* identity: dL/dx += dL/dy */
        for (size_t i = 0; i < n; i++) dx[i] += dy[i];
    }
}

static void dropout_destroy(Layer *l)
{
    Dropout *d = (Dropout *)l;
    free(d->mask);
    free(d);
}

static const LayerOps dropout_ops = { .kind = "dropout", .setup = dropout_setup, .reserve = dropout_reserve,
                                      .forward = dropout_layer_forward, .backward = dropout_layer_backward,
                                      .destroy = dropout_destroy };

Layer *dropout_create(float p, uint64_t seed)
{
    if (!(p >= 0.0f && p < 1.0f)) {
        cn_fail("dropout_create: rate %g is outside [0, 1); 0.5 is AlexNet's", (double)p);
        return NULL;
    }
    Dropout *d = calloc(1, sizeof *d);
    if (!d) {
        cn_fail("dropout_create: out of memory");
        return NULL;
    }
    d->base.ops = &dropout_ops;
    d->p = p;
    rng_seed(&d->rng, seed, 0);
    return &d->base;
}

int dropout_split_mask(Layer *a, Layer *b, int B, int B1)
{
    if (strcmp(a->ops->kind, "dropout") || strcmp(b->ops->kind, "dropout"))
        return cn_fail("dropout_split_mask: %s and %s are not both dropout layers", a->ops->kind, b->ops->kind);
    Dropout *da = (Dropout *)a, *db = (Dropout *)b;
    if (da->p != db->p || shape_size(a->in) != shape_size(b->in))
        return cn_fail("dropout_split_mask: the two layers differ (rate %g on %zu units, %g on %zu)", (double)da->p,
                       shape_size(a->in), (double)db->p, shape_size(b->in));
    if (B1 < 0 || B1 > B) return cn_fail("dropout_split_mask: cut %d is outside a batch of %d", B1, B);
    if (!a->training || !b->training || da->p == 0.0f) return 0; /* no masks are drawn */
    const size_t units = shape_size(a->in), n = units * (size_t)B, n1 = units * (size_t)B1;
    if (layer_reserve(a, B) || (B > B1 && layer_reserve(b, B - B1))) return -1;
    /* the whole batch's masks, drawn as one forward on B samples draws them */
    dropout_draw_mask(da->mask, n, da->p, &da->rng);
    da->preset = B1 > 0;
    if (B > B1) {
        memcpy(db->mask, da->mask + n1, n - n1);
        db->preset = 1;
    }
    return 0;
}
