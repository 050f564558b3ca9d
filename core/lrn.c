/* lrn.c - local response normalization across channels, see lrn.h. */
#include "core/lrn.h"

#include <math.h>
#include <stdlib.h>

#include "core/error.h"

float lrn_alpha_eff(float alpha, int size, LrnAlpha mode)
{
    return mode == LRN_ALPHA_OVER_N ? alpha / (float)size : alpha;
}

/* s^beta. For AlexNet's beta = 3/4 it is sqrt(s) * sqrt(sqrt(s)): two square
 * roots instead of powf halve the time of forward (5.8 -> 2.9 ms for a
 * (64, 64, 14, 14) batch on one thread) and agree with powf within a few
 * ulp. */
static inline float pow_beta(float s, float beta)
{
    if (beta == 0.75f) {
        const float r = sqrtf(s);
        return r * sqrtf(r);
    }
    return powf(s, beta);
}

/* --- forward -------------------------------------------------------------------- */

/* Pixels are taken CHUNK at a time so that the running sums of a chunk sit
 * in a small array on the stack. */
#define CHUNK 256

/* x (B,C,H,W), y (B,C,H,W), scale (B,C,H,W)
 *
 * s_c = k + alpha' sum_{c' = c - n/2}^{c + (n-1)/2} a_{c'}^2   (c' in [0, C))
 * y_c = a_c / s_c^beta
 *
 * Threads take whole planes (n, c). Within a plane, the window's planes are
 * added one after the other into a row of sums (channel order, the order of
 * the formula), so the innermost loop runs over contiguous pixels and
 * vectorizes; a loop over the n channels of the window innermost would not. */
void lrn_forward(float *restrict y, float *restrict scale, const float *restrict x, int B, int C, int HW,
                 int size, float ap, float beta, float k)
{
    const int lo = size / 2, hi = (size - 1) / 2;
#pragma omp parallel for collapse(2) schedule(static) if ((double)B * C * HW >= 16384.0)
    for (int n = 0; n < B; n++) {
        for (int c = 0; c < C; c++) {
            const int c0 = c - lo < 0 ? 0 : c - lo, c1 = c + hi > C - 1 ? C - 1 : c + hi;
            const float *xs = x + (size_t)n * (size_t)C * (size_t)HW;  /* sample n */
            const size_t off = ((size_t)n * (size_t)C + (size_t)c) * (size_t)HW;
            for (int p0 = 0; p0 < HW; p0 += CHUNK) {
                const int m = HW - p0 < CHUNK ? HW - p0 : CHUNK;
                float sum[CHUNK];
                for (int p = 0; p < m; p++) sum[p] = 0.0f;
                for (int j = c0; j <= c1; j++) {
                    const float *restrict a = xs + (size_t)j * (size_t)HW + (size_t)p0;
                    for (int p = 0; p < m; p++) sum[p] += a[p] * a[p];
                }
                float *restrict sc = scale + off + (size_t)p0, *restrict yo = y + off + (size_t)p0;
                const float *restrict xi = x + off + (size_t)p0;
                for (int p = 0; p < m; p++) {
                    const float s = k + ap * sum[p];
                    sc[p] = s;
                    yo[p] = xi[p] / pow_beta(s, beta);
                }
            }
        }
    }
}

/* --- backward ------------------------------------------------------------------- */

/* dy, x, y, scale (B,C,H,W), dx (B,C,H,W)
 *
 * dL/da_i += dy_i / s_i^beta - 2 alpha' beta a_i sum_{j = i - (n-1)/2}^{i + n/2} dy_j y_j / s_j
 *
 * (j in [0, C): the outputs whose window contains channel i; y_j / s_j =
 * a_j s_j^(-beta-1)). The terms t_j = dy_j y_j / s_j of a sample are
 * computed once, into the thread's scratch t, and each enters the n sums
 * whose window holds it (computed inside the sum, each division was done n
 * times). Threads take whole samples, and each pixel's sum runs over j in
 * order, so results do not depend on the thread count. As in the forward
 * pass, the sums of a chunk of pixels are built plane by plane so the inner
 * loop is over contiguous pixels. Without memory for the scratch, each term
 * is computed where it is added, the same number. */
static void lrn_backward_sample(float *restrict dx, const float *restrict dy, const float *restrict x,
                                const float *restrict y, const float *restrict scale, float *restrict t, int C,
                                int HW, int size, float ap, float beta)
{
    const int lo = size / 2, hi = (size - 1) / 2;
    const float coef = 2.0f * ap * beta;
    const size_t n = (size_t)C * (size_t)HW;
    if (t)
        for (size_t q = 0; q < n; q++) t[q] = dy[q] * y[q] / scale[q];
    for (int i = 0; i < C; i++) {
        const int j0 = i - hi < 0 ? 0 : i - hi, j1 = i + lo > C - 1 ? C - 1 : i + lo;
        const size_t off = (size_t)i * (size_t)HW;
        for (int p0 = 0; p0 < HW; p0 += CHUNK) {
            const int m = HW - p0 < CHUNK ? HW - p0 : CHUNK;
            float sum[CHUNK];
            for (int p = 0; p < m; p++) sum[p] = 0.0f;
            for (int j = j0; j <= j1; j++) {
                const size_t q = (size_t)j * (size_t)HW + (size_t)p0;
                if (t) {
                    const float *restrict tj = t + q;
                    for (int p = 0; p < m; p++) sum[p] += tj[p];
                } else {
                    const float *restrict dyj = dy + q, *restrict yj = y + q, *restrict sj = scale + q;
                    for (int p = 0; p < m; p++) sum[p] += dyj[p] * yj[p] / sj[p];
                }
            }
            const size_t q = off + (size_t)p0;
            float *restrict dxi = dx + q;
            const float *restrict dyi = dy + q, *restrict xi = x + q, *restrict si = scale + q;
            for (int p = 0; p < m; p++) dxi[p] += dyi[p] / pow_beta(si[p], beta) - coef * xi[p] * sum[p];
        }
    }
}

void lrn_backward(float *restrict dx, const float *restrict dy, const float *restrict x, const float *restrict y,
                  const float *restrict scale, int B, int C, int HW, int size, float ap, float beta)
{
    const size_t n = (size_t)C * (size_t)HW; /* floats of one sample */
#pragma omp parallel if ((double)B * C * HW >= 16384.0)
    {
        float *t = malloc(n * sizeof *t);
#pragma omp for schedule(static)
        for (int s = 0; s < B; s++) {
            const size_t q = (size_t)s * n;
            lrn_backward_sample(dx + q, dy + q, x + q, y + q, scale + q, t, C, HW, size, ap, beta);
        }
        free(t);
    }
}

/* --- layer ---------------------------------------------------------------------- */

static int lrn_setup(Layer *l)
{
    l->out = l->in;
    l->reserved = 0;  /* a new input shape needs a new scratch size */
    l->fan_in = l->fan_out = 1;
    l->rf_k = 1, l->rf_s = 1, l->rf_p = 0;
    /* per output: n multiply-adds for the sum, a few for s and the division */
    l->madds = (double)shape_size(l->in) * (double)(((Lrn *)l)->size + 2);
    return 0;
}

static int lrn_reserve(Layer *l, int B)
{
    Lrn *r = (Lrn *)l;
    size_t n;
    if (B < 1 || cn_mul_size(shape_size(l->in), (size_t)B, &n) || n > ((size_t)-1) / sizeof(float))
        return cn_fail("lrn: cannot hold the scale for a batch of %d of (%d, %d, %d)", B, l->in.c, l->in.h,
                       l->in.w);
    float *s = realloc(r->scale, n * sizeof *s);
    if (!s) return cn_fail("lrn: out of memory for the scale of %zu units (batch %d)", n, B);
    r->scale = s;
    return 0;
}

static void lrn_layer_forward(Layer *l, float *y, const float *x, int B)
{
    Lrn *r = (Lrn *)l;
    lrn_forward(y, r->scale, x, B, l->in.c, l->in.h * l->in.w, r->size,
                lrn_alpha_eff(r->alpha, r->size, r->alpha_mode), r->beta, r->k);
}

static void lrn_layer_backward(Layer *l, float *dx, const float *dy, const float *x, const float *y, int B)
{
    Lrn *r = (Lrn *)l;
    if (!dx) return;  /* no parameters */
    lrn_backward(dx, dy, x, y, r->scale, B, l->in.c, l->in.h * l->in.w, r->size,
                 lrn_alpha_eff(r->alpha, r->size, r->alpha_mode), r->beta);
}

static void lrn_destroy(Layer *l)
{
    free(((Lrn *)l)->scale);
    free(l);
}

static const LayerOps lrn_ops = { .kind = "lrn", .setup = lrn_setup, .reserve = lrn_reserve,
                                  .forward = lrn_layer_forward, .backward = lrn_layer_backward,
                                  .destroy = lrn_destroy };

Layer *lrn_create(int size, float alpha, float beta, float k, LrnAlpha alpha_mode)
{
    if (size < 1 || !(alpha >= 0.0f) || !(beta >= 0.0f) || !(k > 0.0f) ||
        (alpha_mode != LRN_ALPHA_OVER_N && alpha_mode != LRN_ALPHA_RAW)) {
        cn_fail("lrn_create: size %d, alpha %g, beta %g, k %g, mode %d: need size >= 1, alpha >= 0, "
                "beta >= 0, k > 0 and mode LRN_ALPHA_OVER_N or LRN_ALPHA_RAW (AlexNet: 5, 1e-4, 0.75, 2)",
                size, (double)alpha, (double)beta, (double)k, (int)alpha_mode);
        return NULL;
    }
    Lrn *r = calloc(1, sizeof *r);
    if (!r) {
        cn_fail("lrn_create: out of memory");
        return NULL;
    }
    r->base.ops = &lrn_ops;
    r->size = size;
    r->alpha = alpha, r->beta = beta, r->k = k;
    r->alpha_mode = alpha_mode;
    return &r->base;
}

Layer *lrn_create_default(void) { return lrn_create(5, 1e-4f, 0.75f, 2.0f, LRN_ALPHA_OVER_N); }
