/* match.c - learned filters against hand-designed kernels; see match.h. */
#include "core/match.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/rng.h"

const char *match_fit_name(MatchFit fit)
{
    switch (fit) {
    case MATCH_FIT_NATIVE: return "native";
    case MATCH_FIT_PAD: return "padded";
    case MATCH_FIT_RESIZE: return "resized";
    }
    return "unknown";
}

/* --- families ------------------------------------------------------------------ */

/* Each registry kernel's family, and whether resizing it up keeps its
 * meaning (a smooth pattern) or not (an operation on single pixels). */
static const struct {
    const char *name;
    MatchFamily family;
    int resizable;
} families[] = {
    { "identity", MATCH_KEEP, 0 }, { "edge1", MATCH_EDGE, 1 },    { "edge2", MATCH_EDGE, 0 },
    { "edge3", MATCH_EDGE, 0 },    { "sharpen", MATCH_KEEP, 0 },  { "box_blur", MATCH_BLUR, 1 },
    { "sobel_x", MATCH_EDGE, 1 },  { "sobel_y", MATCH_EDGE, 1 },  { "gaussian", MATCH_BLUR, 1 },
    { "gaussian5", MATCH_BLUR, 1 },
};

static int family_index(const CnKernel *k)
{
    for (size_t i = 0; k && i < sizeof families / sizeof families[0]; i++)
        if (strcmp(families[i].name, k->name) == 0) return (int)i;
    return -1;
}

MatchFamily match_family(const CnKernel *k)
{
    const int i = family_index(k);
    return i < 0 ? MATCH_OTHER : families[i].family;
}

int match_resizable(const CnKernel *k)
{
    const int i = family_index(k);
    return i < 0 ? 1 : families[i].resizable;
}

const char *match_family_name(MatchFamily f)
{
    switch (f) {
    case MATCH_EDGE: return "edge detector";
    case MATCH_BLUR: return "blur";
    case MATCH_KEEP: return "identity or sharpen";
    case MATCH_OTHER: break;
    }
    return "other";
}

/* --- arithmetic ------------------------------------------------------------------ */

double match_cosine(const float *a, const float *b, size_t n)
{
    /* One pass, three sums in double: <a,b>, |a|^2, |b|^2. */
    double ab = 0.0, aa = 0.0, bb = 0.0;
    for (size_t i = 0; i < n; i++) {
        ab += (double)a[i] * (double)b[i];
        aa += (double)a[i] * (double)a[i];
        bb += (double)b[i] * (double)b[i];
    }
    if (aa == 0.0 || bb == 0.0) return 0.0;
    double c = ab / (sqrt(aa) * sqrt(bb));
    /* rounding can push |c| a hair past 1 for parallel vectors */
    return c > 1.0 ? 1.0 : c < -1.0 ? -1.0 : c;
}

/* Value of kernel k (h,w) at the real position (y, x), 0 <= y <= h-1 and
 * 0 <= x <= w-1, interpolated bilinearly between its four neighbours. */
static double bilinear(const float *k, int h, int w, double y, double x)
{
    int y0 = (int)floor(y), x0 = (int)floor(x);
    if (y0 > h - 2) y0 = h - 2 < 0 ? 0 : h - 2;
    if (x0 > w - 2) x0 = w - 2 < 0 ? 0 : w - 2;
    const int y1 = y0 + 1 < h ? y0 + 1 : y0, x1 = x0 + 1 < w ? x0 + 1 : x0;
    const double ty = y - y0, tx = x - x0;
    const double top = (1 - tx) * k[y0 * w + x0] + tx * k[y0 * w + x1];
    const double bot = (1 - tx) * k[y1 * w + x0] + tx * k[y1 * w + x1];
    return (1 - ty) * top + ty * bot;
}

int match_fit(float *out, int K, const float *k, int h, int w, MatchFit fit)
{
    if (!out || !k) return cn_fail("match_fit: no kernel or output given");
    if (K < 1 || h < 1 || w < 1)
        return cn_fail("match_fit: sizes must be >= 1 (filter %d, kernel %dx%d)", K, h, w);
    switch (fit) {
    case MATCH_FIT_NATIVE:
        if (h != K || w != K)
            return cn_fail("match_fit: a %dx%d kernel is not native to %dx%d filters; pad or resize it", h, w, K, K);
        memcpy(out, k, (size_t)K * (size_t)K * sizeof *out);
        return 0;
    case MATCH_FIT_PAD: {
        if (h > K || w > K)
            return cn_fail("match_fit: a %dx%d kernel does not fit in %dx%d by padding; resize it", h, w, K, K);
        /* (K - h) / 2 rows of zeros above, the rest below; likewise columns */
        const int top = (K - h) / 2, left = (K - w) / 2;
        memset(out, 0, (size_t)K * (size_t)K * sizeof *out);
        for (int y = 0; y < h; y++) memcpy(out + (size_t)(y + top) * K + left, k + (size_t)y * w, (size_t)w * sizeof *out);
        return 0;
    }
    case MATCH_FIT_RESIZE:
        /* Corners on corners: output sample i sits at source position
         * i (h-1)/(K-1); K = 1 samples the centre. */
        for (int i = 0; i < K; i++) {
            const double y = K > 1 ? (double)i * (h - 1) / (K - 1) : (h - 1) / 2.0;
            for (int j = 0; j < K; j++) {
                const double x = K > 1 ? (double)j * (w - 1) / (K - 1) : (w - 1) / 2.0;
                out[i * K + j] = (float)bilinear(k, h, w, y, x);
            }
        }
        return 0;
    }
    return cn_fail("match_fit: unknown fit %d", (int)fit);
}

/* --- banks ---------------------------------------------------------------------------- */

void match_bank_free(MatchBank *b)
{
    if (!b) return;
    if (b->e)
        for (int i = 0; i < b->n; i++) free(b->e[i].v);
    free(b->e);
    free(b);
}

MatchBank *match_bank_create(const CnKernel *const *k, int n, int K)
{
    if (!k || n < 1 || K < 1 || K > 64) {
        cn_fail("match_bank_create: need at least one kernel and a filter size in 1..64 (got %d kernels, K = %d)", n, K);
        return NULL;
    }
    for (int i = 0; i < n; i++)
        if (!k[i] || !k[i]->v || k[i]->h < 1 || k[i]->w < 1) {
            cn_fail("match_bank_create: kernel %d is missing or empty", i);
            return NULL;
        }
    MatchBank *b = calloc(1, sizeof *b);
    /* at most 2 fits x 2 orientations per kernel */
    MatchEntry *e = calloc((size_t)n * 4, sizeof *e);
    if (!b || !e) {
        free(b), free(e);
        cn_fail("match_bank_create: out of memory for %d kernels", n);
        return NULL;
    }
    b->K = K;
    b->e = e;
    for (int i = 0; i < n; i++) {
        const CnKernel *kk = k[i];
        MatchFit fits[2];
        int nf = 0;
        if (kk->h == K && kk->w == K) fits[nf++] = MATCH_FIT_NATIVE;
        if (kk->h <= K && kk->w <= K && !(kk->h == K && kk->w == K)) fits[nf++] = MATCH_FIT_PAD;
        const int larger = kk->h > K || kk->w > K;
        if ((kk->h != K || kk->w != K) && (larger || match_resizable(kk))) fits[nf++] = MATCH_FIT_RESIZE;
        for (int f = 0; f < nf; f++)
            for (int rot = 0; rot < 2; rot++) {
                MatchEntry *m = &b->e[b->n];
                m->v = malloc((size_t)K * (size_t)K * sizeof *m->v);
                if (!m->v) {
                    match_bank_free(b);
                    cn_fail("match_bank_create: out of memory");
                    return NULL;
                }
                b->n++;
                if (match_fit(m->v, K, kk->v, kk->h, kk->w, fits[f])) {
                    match_bank_free(b);
                    return NULL;
                }
                if (rot) kernel_rot180(m->v, m->v, K, K);
                m->kernel = kk;
                m->fit = fits[f];
                m->rotated = rot;
                snprintf(m->label, sizeof m->label, "%s%s%s%s", rot ? "rot180 " : "", kk->name,
                         fits[f] == MATCH_FIT_NATIVE ? "" : ", ", fits[f] == MATCH_FIT_NATIVE ? "" : match_fit_name(fits[f]));
            }
    }
    return b;
}

MatchBank *match_bank_registry(int K)
{
    const CnKernel *k[64];
    const int n = kernel_count();
    if (n > 64) {
        cn_fail("match_bank_registry: the registry holds %d kernels, more than 64", n);
        return NULL;
    }
    for (int i = 0; i < n; i++) k[i] = kernel_at(i);
    return match_bank_create(k, n, K);
}

/* --- matching ---------------------------------------------------------------------------- */

Match match_best_of(const MatchBank *b, const float *f, const CnKernel *k)
{
    Match m = { .entry = -1, .cos = 0.0, .score = 0.0, .sign = 0 };
    const size_t n = (size_t)b->K * (size_t)b->K;
    for (int i = 0; i < b->n; i++) {
        if (k && b->e[i].kernel != k) continue;
        const double c = match_cosine(f, b->e[i].v, n);
        /* strictly greater: ties stay with the earlier entry; a zero filter
         * (every cosine 0) keeps entry -1 */
        if (fabs(c) > m.score) m = (Match){ .entry = i, .cos = c, .score = fabs(c), .sign = c > 0 ? 1 : -1 };
    }
    return m;
}

Match match_best(const MatchBank *b, const float *f) { return match_best_of(b, f, NULL); }

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int match_chance(double *out, const MatchBank *b, int trials, double q, uint64_t seed)
{
    if (!out || !b) return cn_fail("match_chance: no bank or output given");
    if (trials < 1) return cn_fail("match_chance: trials = %d; it must be at least 1 (try 10000)", trials);
    if (!(q >= 0.0 && q <= 1.0)) return cn_fail("match_chance: quantile %g must be in [0, 1]", q);
    const size_t n = (size_t)b->K * (size_t)b->K;
    double *best = malloc((size_t)trials * sizeof *best);
    float *f = malloc(n * sizeof *f);
    if (!best || !f) {
        free(best), free(f);
        return cn_fail("match_chance: out of memory for %d trials", trials);
    }
    Rng r;
    rng_seed(&r, seed, 9);
    for (int t = 0; t < trials; t++) {
        for (size_t i = 0; i < n; i++) f[i] = rng_normal(&r);
        best[t] = match_best(b, f).score;
    }
    qsort(best, (size_t)trials, sizeof *best, cmp_double);
    *out = best[(size_t)(q * (trials - 1) + 0.5)];
    free(best);
    free(f);
    return 0;
}
