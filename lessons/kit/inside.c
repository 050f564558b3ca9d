/* inside.c - the lesson kit's tools for looking inside a network (inside.h). */
#include "lessons/kit/inside.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/die.h"
#include "core/loss.h"
#include "core/rng.h"
#include "lessons/lesson.h"

enum { CHUNK = 100 }; /* pictures per forward pass */

float *pictures_of(const Dataset *d, int n, unsigned char *y)
{
    if (n > d->count) n = d->count;
    float *p = xcalloc((size_t)n * PIC_PX, sizeof *p);
    for (int i = 0; i < n; i++) {
        const int j = (int)((long long)i * d->count / n);
        const unsigned char *im = dataset_image(d, j);
        for (int k = 0; k < PIC_PX; k++) p[(size_t)i * PIC_PX + k] = im[k] / 255.0f;
        y[i] = d->labels[j];
    }
    return p;
}

/* Where the picture sits in the input field: rows and columns before it. */
static int offset_of(const Net *net) { return (net->in.h - PIC) / 2; }

void pics_to_input(const Net *net, const float *pics, int n, float *x)
{
    const int H = net->in.h, W = net->in.w, off = offset_of(net);
    const float mean = net->in_mean, std = net->in_std, bg = (0.0f - mean) / std;
    for (int i = 0; i < n; i++) {
        float *xi = x + (size_t)i * H * W;
        for (int k = 0; k < H * W; k++) xi[k] = bg;
        for (int r = 0; r < PIC; r++)
            for (int c = 0; c < PIC; c++)
                xi[(r + off) * W + c + off] = (pics[(size_t)i * PIC_PX + r * PIC + c] - mean) / std;
    }
}

/* The input gradient dx (n, in) as the gradient with respect to the
 * picture's pixels: the picture's part of the field, divided by std. */
static void input_grad_to_pics(const Net *net, const float *dx, int n, float *g)
{
    const int W = net->in.w, off = offset_of(net);
    const size_t in = shape_size(net->in);
    for (int i = 0; i < n; i++)
        for (int r = 0; r < PIC; r++)
            for (int c = 0; c < PIC; c++)
                g[(size_t)i * PIC_PX + r * PIC + c] = dx[(size_t)i * in + (r + off) * W + c + off] / net->in_std;
}

void picture_grad(Net *net, const float *pics, int n, const unsigned char *cls, GradOf what, float *grad,
                  float *prob, float *score)
{
    const size_t in = shape_size(net->in);
    const int K = (int)shape_size(net_out_shape(net));
    float *x = xcalloc(in * CHUNK, sizeof *x), *dx = xcalloc(in * CHUNK, sizeof *dx);
    float *p = xcalloc((size_t)K * CHUNK, sizeof *p), *dz = xcalloc((size_t)K * CHUNK, sizeof *dz);
    for (int s = 0; s < n; s += CHUNK) {
        const int B = n - s < CHUNK ? n - s : CHUNK;
        pics_to_input(net, pics + (size_t)s * PIC_PX, B, x);
        const float *z = net_forward(net, x, B);
        CN_CHECK(z);
        softmax_ce_forward(p, z, cls + s, B, K);
        if (score)
            for (int i = 0; i < B; i++) score[s + i] = z[(size_t)i * K + cls[s + i]];
        if (what == GRAD_OF_LOSS) {
            softmax_ce_backward(dz, p, cls + s, B, K);
        } else {
            memset(dz, 0, (size_t)B * K * sizeof *dz);
            for (int i = 0; i < B; i++) dz[(size_t)i * K + cls[s + i]] = 1.0f;
        }
        CN_CHECK(net_backward_input(net, dx, dz, B) == 0);
        input_grad_to_pics(net, dx, B, grad + (size_t)s * PIC_PX);
        if (prob) memcpy(prob + (size_t)s * K, p, (size_t)B * K * sizeof *p);
    }
    free(x), free(dx), free(p), free(dz);
}

void picture_probs(Net *net, const float *pics, int n, float *prob)
{
    const size_t in = shape_size(net->in);
    const int K = (int)shape_size(net_out_shape(net));
    float *x = xcalloc(in * CHUNK, sizeof *x);
    unsigned char *y = xcalloc(CHUNK, 1); /* labels the softmax needs only for its loss */
    for (int s = 0; s < n; s += CHUNK) {
        const int B = n - s < CHUNK ? n - s : CHUNK;
        pics_to_input(net, pics + (size_t)s * PIC_PX, B, x);
        const float *z = net_forward(net, x, B);
        CN_CHECK(z);
        softmax_ce_forward(prob + (size_t)s * K, z, y, B, K);
    }
    free(x), free(y);
}

double picture_accuracy(Net *net, const float *pics, int n, const unsigned char *y)
{
    const int K = (int)shape_size(net_out_shape(net));
    float *p = xcalloc((size_t)n * K, sizeof *p);
    picture_probs(net, pics, n, p);
    int right = 0;
    for (int i = 0; i < n; i++) right += cn_argmax(p + (size_t)i * K, K) == y[i];
    free(p);
    return (double)right / n;
}

void occlude(float *out, const float *pic, int cy, int cx, int sq, float fill)
{
    memcpy(out, pic, PIC_PX * sizeof *out);
    const int y0 = cy - sq / 2, x0 = cx - sq / 2;
    for (int r = y0 < 0 ? 0 : y0; r < y0 + sq && r < PIC; r++)
        for (int c = x0 < 0 ? 0 : x0; c < x0 + sq && c < PIC; c++) out[r * PIC + c] = fill;
}

void occlusion_map(Net *net, const float *pic, int cls, int sq, float fill, float *map)
{
    const int K = (int)shape_size(net_out_shape(net));
    float *v = xcalloc((size_t)(PIC_PX + 1) * PIC_PX, sizeof *v), *p = xcalloc((size_t)(PIC_PX + 1) * K, sizeof *p);
    memcpy(v, pic, PIC_PX * sizeof *v); /* the picture itself first */
    for (int k = 0; k < PIC_PX; k++) occlude(v + (size_t)(k + 1) * PIC_PX, pic, k / PIC, k % PIC, sq, fill);
    picture_probs(net, v, PIC_PX + 1, p);
    for (int k = 0; k < PIC_PX; k++) map[k] = p[cls] - p[(size_t)(k + 1) * K + cls];
    free(v), free(p);
}

void box_sum_abs(float *out, const float *m, int sq)
{
    for (int cy = 0; cy < PIC; cy++)
        for (int cx = 0; cx < PIC; cx++) {
            double s = 0.0;
            const int y0 = cy - sq / 2, x0 = cx - sq / 2;
            for (int r = y0 < 0 ? 0 : y0; r < y0 + sq && r < PIC; r++)
                for (int c = x0 < 0 ? 0 : x0; c < x0 + sq && c < PIC; c++) s += fabsf(m[r * PIC + c]);
            out[cy * PIC + cx] = (float)s;
        }
}

double pearson(const float *a, const float *b, int n)
{
    double ma = 0.0, mb = 0.0;
    for (int i = 0; i < n; i++) ma += a[i], mb += b[i];
    ma /= n, mb /= n;
    double sab = 0.0, saa = 0.0, sbb = 0.0;
    for (int i = 0; i < n; i++) {
        const double da = a[i] - ma, db = b[i] - mb;
        sab += da * db, saa += da * da, sbb += db * db;
    }
    return saa > 0.0 && sbb > 0.0 ? sab / sqrt(saa * sbb) : 0.0;
}

void fgsm(float *out, const float *pics, const float *grad, int n, float eps)
{
    for (size_t i = 0; i < (size_t)n * PIC_PX; i++) {
        const float s = grad[i] > 0.0f ? 1.0f : grad[i] < 0.0f ? -1.0f : 0.0f;
        const float v = pics[i] + eps * s;
        out[i] = v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
    }
}

/* --- class pictures ------------------------------------------------------------------- */

/* out = in moved by (dy, dx), wrapping around (a roll: nothing is lost). */
static void roll(float *out, const float *in, int dy, int dx)
{
    for (int r = 0; r < PIC; r++)
        for (int c = 0; c < PIC; c++) out[((r + dy + PIC) % PIC) * PIC + (c + dx + PIC) % PIC] = in[r * PIC + c];
}

/* p blurred by [1 2 1]/4 in each direction, the border repeated. */
static void blur3(float *p)
{
    float t[PIC_PX];
    static const float w[3] = { 0.25f, 0.5f, 0.25f };
    for (int pass = 0; pass < 2; pass++) {
        for (int r = 0; r < PIC; r++)
            for (int c = 0; c < PIC; c++) {
                float s = 0.0f;
                for (int k = -1; k <= 1; k++) {
                    int rr = pass ? r + k : r, cc = pass ? c : c + k;
                    rr = rr < 0 ? 0 : rr >= PIC ? PIC - 1 : rr;
                    cc = cc < 0 ? 0 : cc >= PIC ? PIC - 1 : cc;
                    s += w[k + 1] * p[rr * PIC + cc];
                }
                t[r * PIC + c] = s;
            }
        memcpy(p, t, sizeof t);
    }
}

void class_pictures(Net *net, int K, const AscentOpts *o, uint64_t seed, float *pics, float *trace)
{
    unsigned char *cls = xcalloc((size_t)K, 1);
    float *moved = xcalloc((size_t)K * PIC_PX, sizeof *moved), *g = xcalloc((size_t)K * PIC_PX, sizeof *g);
    float *back = xcalloc(PIC_PX, sizeof *back), *score = xcalloc((size_t)K, sizeof *score);
    for (int k = 0; k < K; k++) cls[k] = (unsigned char)k;
    for (size_t i = 0; i < (size_t)K * PIC_PX; i++) pics[i] = 0.5f;
    Rng r;
    rng_seed(&r, seed, 11);
    for (int step = 0; step <= o->steps; step++) {
        picture_grad(net, pics, K, cls, GRAD_OF_SCORE, g, NULL, score);
        for (int k = 0; k < K; k++) trace[(size_t)k * (o->steps + 1) + step] = score[k];
        if (step == o->steps) break;
        /* the gradient at a shifted copy, shifted back: a pattern must work wherever it lands */
        const int dy = o->jitter ? (int)rng_below(&r, 2 * o->jitter + 1) - o->jitter : 0;
        const int dx = o->jitter ? (int)rng_below(&r, 2 * o->jitter + 1) - o->jitter : 0;
        for (int k = 0; k < K; k++) roll(moved + (size_t)k * PIC_PX, pics + (size_t)k * PIC_PX, dy, dx);
        picture_grad(net, moved, K, cls, GRAD_OF_SCORE, g, NULL, NULL);
        for (int k = 0; k < K; k++) {
            float *p = pics + (size_t)k * PIC_PX;
            roll(back, g + (size_t)k * PIC_PX, -dy, -dx);
            double ss = 0.0;
            for (int i = 0; i < PIC_PX; i++) {
                back[i] -= 2.0f * o->l2 * (p[i] - 0.5f); /* the penalty's gradient */
                ss += (double)back[i] * back[i];
            }
            const float scale = o->lr / (float)(sqrt(ss / PIC_PX) + 1e-12);
            for (int i = 0; i < PIC_PX; i++) {
                const float v = p[i] + scale * back[i];
                p[i] = v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
            }
            if (o->blur_every && (step + 1) % o->blur_every == 0) blur3(p);
        }
    }
    free(cls), free(moved), free(g), free(back), free(score);
}

/* --- what a map answers to ------------------------------------------------------------------ */

RfInfo layer_field(const Net *net, int layer)
{
    RfLayer ls[64];
    CN_CHECK(layer >= 0 && layer < net->n && layer < 64);
    for (int i = 0; i <= layer; i++) {
        const Layer *L = net->layer[i];
        if (L->rf_k == 0) CN_DIE("layer %s sees its whole input: it has no receptive field to cut", L->label);
        ls[i] = (RfLayer){ L->rf_k, L->rf_s, L->rf_p };
    }
    RfInfo out[64];
    CN_CHECK(receptive_field(out, ls, layer + 1) == 0);
    return out[layer];
}

void top_units(Net *net, int layer, const float *pics, int n, int k, Unit *top)
{
    const CnShape o = net->layer[layer]->out;
    const size_t in = shape_size(net->in), plane = (size_t)o.h * o.w;
    for (int i = 0; i < o.c * k; i++) top[i] = (Unit){ -INFINITY, -1, 0, 0 };
    float *x = xcalloc(in * CHUNK, sizeof *x);
    for (int s = 0; s < n; s += CHUNK) {
        const int B = n - s < CHUNK ? n - s : CHUNK;
        pics_to_input(net, pics + (size_t)s * PIC_PX, B, x);
        CN_CHECK(net_forward(net, x, B));
        const float *y = net_output(net, layer);
        for (int b = 0; b < B; b++)
            for (int c = 0; c < o.c; c++) {
                const float *m = y + ((size_t)b * o.c + c) * plane;
                size_t best = 0;
                for (size_t q = 1; q < plane; q++) best = m[q] > m[best] ? q : best;
                Unit u = { m[best], s + b, (int)(best / o.w), (int)(best % o.w) };
                Unit *t = top + (size_t)c * k;
                if (!(u.v > t[k - 1].v)) continue;
                int j = k - 1; /* insertion: the list stays strongest first */
                while (j > 0 && t[j - 1].v < u.v) t[j] = t[j - 1], j--;
                t[j] = u;
            }
    }
    free(x);
}

void field_corner(const Net *net, const RfInfo *rf, int uy, int ux, int *y0, int *x0)
{
    double a, b;
    receptive_span(rf, uy, &a, &b);
    *y0 = (int)lround(a) - offset_of(net);
    receptive_span(rf, ux, &a, &b);
    *x0 = (int)lround(a) - offset_of(net);
}

void cut_field(float *patch, const float *pic, const Net *net, const RfInfo *rf, int uy, int ux, float outside)
{
    int y0, x0;
    field_corner(net, rf, uy, ux, &y0, &x0);
    for (int r = 0; r < rf->size; r++)
        for (int c = 0; c < rf->size; c++) {
            const int py = y0 + r, px = x0 + c;
            patch[r * rf->size + c] = py >= 0 && py < PIC && px >= 0 && px < PIC ? pic[py * PIC + px] : outside;
        }
}

void effective_field(Net *net, int layer, const float *pics, int n, float *mass, int *uy, int *ux)
{
    const CnShape o = net->layer[layer]->out;
    const size_t in = shape_size(net->in), nout = shape_size(o);
    *uy = o.h / 2, *ux = o.w / 2;
    float *x = xcalloc(in * CHUNK, sizeof *x), *dx = xcalloc(in * CHUNK, sizeof *dx);
    float *dy = xcalloc(nout * CHUNK, sizeof *dy), *g = xcalloc((size_t)CHUNK * PIC_PX, sizeof *g);
    for (int b = 0; b < CHUNK; b++)
        for (int c = 0; c < o.c; c++) dy[b * nout + ((size_t)c * o.h + *uy) * o.w + *ux] = 1.0f;
    memset(mass, 0, PIC_PX * sizeof *mass);
    for (int s = 0; s < n; s += CHUNK) {
        const int B = n - s < CHUNK ? n - s : CHUNK;
        pics_to_input(net, pics + (size_t)s * PIC_PX, B, x);
        CN_CHECK(net_forward(net, x, B));
        CN_CHECK(net_backward_input_from(net, layer, dx, dy, B) == 0);
        input_grad_to_pics(net, dx, B, g);
        for (int b = 0; b < B; b++)
            for (int k = 0; k < PIC_PX; k++) mass[k] += fabsf(g[(size_t)b * PIC_PX + k]) / (float)n;
    }
    free(x), free(dx), free(dy), free(g);
}

/* --- drawing ----------------------------------------------------------------------------- */

/* Each value a scale x scale block of colour col(value). */
static void paint(float *rgb, const float *m, int h, int w, int scale, void (*col)(float *, float, float), float a)
{
    const size_t W = (size_t)w * scale, plane = (size_t)h * scale * W;
    for (int r = 0; r < h * scale; r++)
        for (size_t c = 0; c < W; c++) {
            float v[3];
            col(v, m[(r / scale) * w + (int)(c / (size_t)scale)], a);
            for (int k = 0; k < 3; k++) rgb[k * plane + (size_t)r * W + c] = v[k];
        }
}

static float clamp01(float v) { return v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v; }

static void heat_of(float *v, float x, float hi)
{
    const float t = clamp01(hi > 0.0f ? x / hi : 0.0f) * 3.0f; /* black -> red -> yellow -> white */
    v[0] = clamp01(t), v[1] = clamp01(t - 1.0f), v[2] = clamp01(t - 2.0f);
}

static void signed_of(float *v, float x, float a)
{
    const float t = a > 0.0f ? x / a : 0.0f, u = clamp01(fabsf(t));
    v[0] = t < 0.0f ? 1.0f - u : 1.0f, v[1] = 1.0f - u, v[2] = t > 0.0f ? 1.0f - u : 1.0f;
}

static void patch_of(float *v, float x, float unused)
{
    (void)unused;
    if (x < 0.0f) v[0] = 0.10f, v[1] = 0.15f, v[2] = 0.40f;
    else v[0] = v[1] = v[2] = clamp01(x);
}

void heat_rgb(float *rgb, const float *m, int h, int w, int scale, float hi)
{
    paint(rgb, m, h, w, scale, heat_of, hi);
}

void signed_rgb(float *rgb, const float *m, int h, int w, int scale, float a)
{
    paint(rgb, m, h, w, scale, signed_of, a);
}

void patch_rgb(float *rgb, const float *m, int h, int w, int scale) { paint(rgb, m, h, w, scale, patch_of, 0.0f); }
