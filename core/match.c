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

static Match best_over(const MatchBank *b, const float *f, const CnKernel *k, int shifted);

Match match_best_of(const MatchBank *b, const float *f, const CnKernel *k) { return best_over(b, f, k, 0); }

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
    double *best = malloc((size_t)trials * sizeof *best);
    if (!best) return cn_fail("match_chance: out of memory for %d trials", trials);
    const int rc = match_chance_scores(best, b, trials, NULL, 0, seed);
    if (rc == 0) *out = match_quantile(best, trials, q);
    free(best);
    return rc;
}

/* --- the shift-tolerant match ---------------------------------------------------------- */

/* Where the entry's kernel (h, w) sits in its K x K field: a padded
 * kernel's top-left corner, moved to the other side by the rotation. */
static void entry_box(const MatchBank *b, const MatchEntry *e, int *h, int *w, int *top, int *left)
{
    *h = e->kernel->h, *w = e->kernel->w;
    *top = (b->K - *h) / 2, *left = (b->K - *w) / 2;
    if (e->rotated) *top = b->K - *h - *top, *left = b->K - *w - *left;
}

static Match best_over(const MatchBank *b, const float *f, const CnKernel *k, int shifted)
{
    Match m = { .entry = -1, .cos = 0.0, .score = 0.0, .sign = 0, .dy = 0, .dx = 0 };
    const int K = b->K;
    if (!shifted) {
        for (int i = 0; i < b->n; i++) {
            if (k && b->e[i].kernel != k) continue;
            const double c = match_cosine(f, b->e[i].v, (size_t)K * (size_t)K);
            /* strictly greater: ties stay with the earlier entry; a zero
             * filter (every cosine 0) keeps entry -1 */
            if (fabs(c) > m.score) m = (Match){ .entry = i, .cos = c, .score = fabs(c), .sign = c > 0 ? 1 : -1 };
        }
        return m;
    }
    double ff = 0.0;
    for (int i = 0; i < K * K; i++) ff += (double)f[i] * (double)f[i];
    if (ff == 0.0) return m;
    for (int i = 0; i < b->n; i++) {
        const MatchEntry *e = &b->e[i];
        if (k && e->kernel != k) continue;
        if (e->fit != MATCH_FIT_PAD) {
            const double c = match_cosine(f, e->v, (size_t)K * (size_t)K);
            if (fabs(c) > m.score) m = (Match){ .entry = i, .cos = c, .score = fabs(c), .sign = c > 0 ? 1 : -1 };
            continue;
        }
        int h, w, top, left;
        entry_box(b, e, &h, &w, &top, &left);
        double kk = 0.0;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) kk += (double)e->v[(top + y) * K + left + x] * e->v[(top + y) * K + left + x];
        if (kk == 0.0) continue;
        /* the entry's own place first (ties keep it), then every place in row order */
        for (int p = -1; p < (K - h + 1) * (K - w + 1); p++) {
            const int py = p < 0 ? top : p / (K - w + 1), px = p < 0 ? left : p % (K - w + 1);
            if (p >= 0 && py == top && px == left) continue;
            double ab = 0.0;
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    ab += (double)f[(py + y) * K + px + x] * (double)e->v[(top + y) * K + left + x];
            double c = ab / (sqrt(ff) * sqrt(kk));
            c = c > 1.0 ? 1.0 : c < -1.0 ? -1.0 : c;
            if (fabs(c) > m.score)
                m = (Match){ .entry = i, .cos = c, .score = fabs(c), .sign = c > 0 ? 1 : -1, .dy = py - top,
                             .dx = px - left };
        }
    }
    return m;
}

Match match_best_shifted(const MatchBank *b, const float *f) { return best_over(b, f, NULL, 1); }

Match match_best_shifted_of(const MatchBank *b, const float *f, const CnKernel *k) { return best_over(b, f, k, 1); }

void match_kernel(float *out, const MatchBank *b, const Match *m)
{
    const int K = b->K;
    memset(out, 0, (size_t)K * (size_t)K * sizeof *out);
    if (m->entry < 0 || m->entry >= b->n) return;
    const MatchEntry *e = &b->e[m->entry];
    if (e->fit != MATCH_FIT_PAD || (m->dy == 0 && m->dx == 0)) {
        for (int i = 0; i < K * K; i++) out[i] = (float)m->sign * e->v[i];
        return;
    }
    int h, w, top, left;
    entry_box(b, e, &h, &w, &top, &left);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            out[(top + m->dy + y) * K + left + m->dx + x] = (float)m->sign * e->v[(top + y) * K + left + x];
}

/* --- chance levels ------------------------------------------------------------------------ */

/* The 2-D discrete Fourier transform of re + i im (K x K) in place,
 * inverse when inv (without the 1/K^2: only directions matter here); rows,
 * then columns. */
static void dft2(double *re, double *im, int K, int inv)
{
    double c[MATCH_NOISE_MAXK], s[MATCH_NOISE_MAXK], tr[MATCH_NOISE_MAXK], ti[MATCH_NOISE_MAXK];
    for (int j = 0; j < K; j++) {
        c[j] = cos(2.0 * 3.14159265358979323846 * j / K);
        s[j] = (inv ? 1.0 : -1.0) * sin(2.0 * 3.14159265358979323846 * j / K);
    }
    for (int pass = 0; pass < 2; pass++)
        for (int a = 0; a < K; a++) {
            /* pass 0: row a (stride 1); pass 1: column a (stride K) */
            const int base = pass ? a : a * K, step = pass ? K : 1;
            for (int u = 0; u < K; u++) {
                double sr = 0.0, si = 0.0;
                for (int x = 0; x < K; x++) {
                    const int j = (u * x) % K;
                    const double xr = re[base + x * step], xi = im[base + x * step];
                    sr += xr * c[j] - xi * s[j];
                    si += xr * s[j] + xi * c[j];
                }
                tr[u] = sr, ti[u] = si;
            }
            for (int u = 0; u < K; u++) re[base + u * step] = tr[u], im[base + u * step] = ti[u];
        }
}

int match_power_spectrum(double *P, const float *w, int nf, int K)
{
    if (!P || (!w && nf > 0) || K < 1 || K > MATCH_NOISE_MAXK)
        return cn_fail("match_power_spectrum: need a spectrum, filters and 1 <= K <= %d (K = %d)", MATCH_NOISE_MAXK, K);
    double re[MATCH_NOISE_MAXK * MATCH_NOISE_MAXK], im[MATCH_NOISE_MAXK * MATCH_NOISE_MAXK];
    int used = 0;
    for (int i = 0; i < K * K; i++) P[i] = 0.0;
    for (int f = 0; f < nf; f++) {
        const float *v = w + (size_t)f * K * K;
        double len = 0.0;
        for (int i = 0; i < K * K; i++) len += (double)v[i] * v[i];
        if (len == 0.0) continue;
        len = sqrt(len);
        for (int i = 0; i < K * K; i++) re[i] = v[i] / len, im[i] = 0.0;
        dft2(re, im, K, 0);
        for (int i = 0; i < K * K; i++) P[i] += re[i] * re[i] + im[i] * im[i];
        used++;
    }
    for (int i = 0; i < K * K; i++) P[i] = used ? P[i] / used : 1.0;
    return used;
}

int match_noise_filter(float *f, int K, const double *P, Rng *r)
{
    if (!f || !r || K < 1 || K > MATCH_NOISE_MAXK)
        return cn_fail("match_noise_filter: need a filter, a generator and 1 <= K <= %d (K = %d)", MATCH_NOISE_MAXK, K);
    double re[MATCH_NOISE_MAXK * MATCH_NOISE_MAXK], im[MATCH_NOISE_MAXK * MATCH_NOISE_MAXK];
    for (int i = 0; i < K * K; i++) re[i] = rng_normal(r), im[i] = 0.0;
    if (P) {
        dft2(re, im, K, 0);
        for (int i = 0; i < K * K; i++) {
            const double a = sqrt(P[i] > 0.0 ? P[i] : 0.0);
            re[i] *= a, im[i] *= a;
        }
        /* P of real filters is symmetric (P(u, v) = P(-u, -v)), so the
         * result is real up to rounding: keep the real part */
        dft2(re, im, K, 1);
    }
    for (int i = 0; i < K * K; i++) f[i] = (float)re[i];
    return 0;
}

int match_chance_scores(double *scores, const MatchBank *b, int trials, const double *P, int shifted, uint64_t seed)
{
    if (!scores || !b) return cn_fail("match_chance_scores: no bank or output given");
    if (trials < 1) return cn_fail("match_chance_scores: trials = %d; it must be at least 1 (try 10000)", trials);
    if (b->K > MATCH_NOISE_MAXK)
        return cn_fail("match_chance_scores: filters of %dx%d; random filters go up to %dx%d", b->K, b->K,
                       MATCH_NOISE_MAXK, MATCH_NOISE_MAXK);
    float f[MATCH_NOISE_MAXK * MATCH_NOISE_MAXK];
    Rng r;
    rng_seed(&r, seed, 9);
    for (int t = 0; t < trials; t++) {
        if (match_noise_filter(f, b->K, P, &r)) return -1;
        scores[t] = (shifted ? match_best_shifted(b, f) : match_best(b, f)).score;
    }
    qsort(scores, (size_t)trials, sizeof *scores, cmp_double);
    return 0;
}

double match_quantile(const double *sorted, int n, double q)
{
    if (n < 1) return NAN;
    q = q < 0.0 ? 0.0 : q > 1.0 ? 1.0 : q;
    return sorted[(size_t)(q * (n - 1) + 0.5)];
}

double match_mean_quantile(const double *pool, int npool, int n_avg, double q, int trials, uint64_t seed)
{
    if (!pool || npool < 1 || n_avg < 1 || trials < 1) return NAN;
    double *m = malloc((size_t)trials * sizeof *m);
    if (!m) return NAN;
    Rng r;
    rng_seed(&r, seed, 10);
    for (int t = 0; t < trials; t++) {
        double s = 0.0;
        for (int i = 0; i < n_avg; i++) s += pool[rng_below(&r, (uint32_t)npool)];
        m[t] = s / n_avg;
    }
    qsort(m, (size_t)trials, sizeof *m, cmp_double);
    const double v = match_quantile(m, trials, q);
    free(m);
    return v;
}
