/* matches.c - a filter's match to hand-designed kernels, for display (matches.h). */
#include "lessons/kit/matches.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/conv.h"
#include "core/die.h"
#include "core/kernels.h"
#include "lessons/lesson.h"

const char *match_label(char *buf, size_t size, const MatchBank *b, const Match *m)
{
    if (m->entry < 0) {
        snprintf(buf, size, "zero filter");
        return buf;
    }
    const MatchEntry *e = &b->e[m->entry];
    /* where a shifted match sits: ">1" one column right, "^1" one row up */
    char at[48] = "";
    if (m->dx || m->dy)
        snprintf(at, sizeof at, " %s%.0d%s%.0d", m->dx > 0 ? ">" : m->dx < 0 ? "<" : "", abs(m->dx),
                 m->dy > 0 ? "v" : m->dy < 0 ? "^" : "", abs(m->dy));
    snprintf(buf, size, "%c%s%s%s%s %.2f", m->sign < 0 ? '-' : '+', e->rotated ? "rot " : "", e->kernel->name,
             e->fit == MATCH_FIT_RESIZE ? " (r)" : "", at, m->score);
    return buf;
}

void match_signed_entry(float *out, const MatchBank *b, const Match *m) { match_kernel(out, b, m); }

void sheet_add_match(Sheet *s, const MatchBank *b, const float *w, const Match *m, int scale, const char *prefix)
{
    const int K = b->K, n = K * K;
    float *e = xcalloc((size_t)n, sizeof *e);
    match_kernel(e, b, m);
    /* the projection of w on the match: kernel * cos * |w| / |kernel| (the sign is in e already) */
    double ww = 0.0, ee = 0.0;
    for (int i = 0; i < n; i++) ww += (double)w[i] * w[i], ee += (double)e[i] * e[i];
    const double a = ee > 0.0 ? m->score * sqrt(ww / ee) : 0.0;
    float big = 0.0f;
    for (int i = 0; i < n; i++) e[i] = (float)(a * e[i]), big = fmaxf(big, fabsf(w[i]));
    /* both halves on w's scale, mapped to [0, 1] here; a strip of slate between them */
    static const float slate[3] = { 0.16f, 0.20f, 0.28f };
    const int side = K * scale, gap = scale / 2 > 2 ? scale / 2 : 2, W = 2 * side + gap;
    const size_t plane = (size_t)side * (size_t)W;
    float *rgb = xcalloc(3 * plane, sizeof *rgb);
    for (int y = 0; y < side; y++)
        for (int x = 0; x < W; x++) {
            const int part = x >= side + gap ? 1 : x < side ? 0 : -1, i = (y / scale) * K + (x - part * (side + gap)) / scale;
            const float v = part < 0 ? 0.0f : part ? e[i] : w[i];
            const float g = big > 0.0f ? fminf(1.0f, fmaxf(0.0f, 0.5f + 0.5f * v / big)) : 0.5f;
            for (int ch = 0; ch < 3; ch++) rgb[(size_t)ch * plane + (size_t)y * W + x] = part < 0 ? slate[ch] : g;
        }
    char lab[128], sm[80];
    snprintf(lab, sizeof lab, "%s: %s", prefix, match_label(sm, sizeof sm, b, m));
    sheet_add_c(s, rgb, 3, side, W, "%s", lab);
    free(rgb), free(e);
}

double match_mean_best(const MatchBank *b, const float *w, int nf)
{
    double s = 0.0;
    for (int f = 0; f < nf; f++) s += match_best(b, w + (size_t)f * b->K * b->K).score;
    return s / nf;
}

/* --- chance levels -------------------------------------------------------------------- */

void chance_measure(Chance *c, const MatchBank *b, const float *w, int nf, int trials, uint64_t seed)
{
    *c = (Chance){ .white = w == NULL, .npool = trials };
    if (w) CN_CHECK(match_power_spectrum(c->P, w, nf, b->K) >= 0);
    c->pool = xcalloc((size_t)trials, sizeof *c->pool);
    CN_CHECK(match_chance_scores(c->pool, b, trials, w ? c->P : NULL, 1, seed) == 0);
    c->q50 = match_quantile(c->pool, trials, 0.5);
    c->q99 = match_quantile(c->pool, trials, CHANCE_Q);
}

double chance_mean_q99(const Chance *c, int n) { return match_mean_quantile(c->pool, c->npool, n, CHANCE_Q, 20000, 77); }

void chance_plain(double *q50, double *q99, const MatchBank *b, int trials, uint64_t seed)
{
    double *pool = xcalloc((size_t)trials, sizeof *pool);
    CN_CHECK(match_chance_scores(pool, b, trials, NULL, 0, seed) == 0);
    *q50 = match_quantile(pool, trials, 0.5);
    *q99 = match_quantile(pool, trials, CHANCE_Q);
    free(pool);
}

void chance_free(Chance *c)
{
    free(c->pool);
    c->pool = NULL;
}

int score_above(double s, double t) { return lround(s * 1000.0) > lround(t * 1000.0); }

/* --- the bank itself ------------------------------------------------------------------ */

void registry_rotations(int *own, int *neg, char *names, size_t size)
{
    *own = *neg = 0;
    names[0] = 0;
    for (int i = 0; i < kernel_count(); i++) {
        const CnKernel *k = kernel_at(i);
        float r[64];
        CN_CHECK(k->h * k->w <= 64);
        kernel_rot180(r, k->v, k->h, k->w);
        const double c = match_cosine(k->v, r, (size_t)(k->h * k->w));
        if (c > 0.999999) ++*own;
        if (c < -0.999999) {
            const size_t l = strlen(names);
            snprintf(names + l, size - l, "%s%s", *neg ? " and " : "", k->name);
            ++*neg;
        }
    }
}

int bank_near_duplicates(char *buf, size_t size, const MatchBank *b, double min_cos)
{
    int n = 0;
    buf[0] = 0;
    for (int i = 0; i < b->n; i++)
        for (int j = i + 1; j < b->n; j++) {
            const MatchEntry *x = &b->e[i], *y = &b->e[j];
            if (x->kernel == y->kernel || x->rotated || y->rotated) continue;
            const double c = match_cosine(x->v, y->v, (size_t)b->K * b->K);
            if (fabs(c) < min_cos) continue;
            const size_t l = strlen(buf);
            snprintf(buf + l, size - l, "%s%s and %s%s (%.3f)", n ? "; " : "", x->label, c < 0 ? "minus " : "",
                     y->label, fabs(c));
            n++;
        }
    return n;
}

int bank_finds_itself(const MatchBank *b)
{
    int all = 1;
    const int n = b->K * b->K;
    float *neg = xcalloc((size_t)n, sizeof *neg);
    for (int i = 0; i < b->n; i++) {
        for (int j = 0; j < n; j++) neg[j] = -b->e[i].v[j];
        const Match m = match_best(b, b->e[i].v), mn = match_best(b, neg);
        all &= m.entry >= 0 && fabs(m.score - 1) < 1e-9 && b->e[m.entry].kernel == b->e[i].kernel &&
               fabs(mn.score - 1) < 1e-9 && mn.sign == -m.sign;
    }
    free(neg);
    return all;
}

void match_place_demo(float *off, float *pad, const MatchBank *b, const CnKernel *k)
{
    const int K = b->K, top = (K - 3) / 2;
    CN_CHECK(k->h == 3 && k->w == 3 && K >= 4);
    memset(off, 0, (size_t)K * K * sizeof *off);
    for (int y = 0; y < 3; y++)
        for (int x = 0; x < 3; x++) off[(top + y) * K + top + 1 + x] = k->v[y * 3 + x];
    CN_CHECK(match_fit(pad, K, k->v, 3, 3, MATCH_FIT_PAD) == 0);
}

/* --- maps -------------------------------------------------------------------------------- */

double map_agreement(float *maps, const float *pic, int h, int w, const float *f, const MatchBank *b, const Match *m)
{
    float e[MATCH_NOISE_MAXK * MATCH_NOISE_MAXK];
    CN_CHECK(b->K <= MATCH_NOISE_MAXK);
    match_kernel(e, b, m);
    const size_t n = (size_t)h * w;
    CN_CHECK(correlate2d_border(maps, pic, h, w, f, b->K, b->K, CONV_BORDER_SAME, 1) == 0);
    CN_CHECK(correlate2d_border(maps + n, pic, h, w, e, b->K, b->K, CONV_BORDER_SAME, 1) == 0);
    return fabs(match_cosine(maps, maps + n, n));
}

/* A K x K filter v as a tile on the symmetric gray scale [-big, big]
 * (0 mid-gray), enlarged scale times. */
static void add_on_scale(Sheet *s, int K, const float *v, float big, int scale, const char *label)
{
    float g[MATCH_NOISE_MAXK * MATCH_NOISE_MAXK], *t = xcalloc((size_t)K * K * scale * scale, sizeof *t);
    for (int i = 0; i < K * K; i++) g[i] = big > 0.0f ? fminf(1.0f, fmaxf(0.0f, 0.5f + 0.5f * v[i] / big)) : 0.5f;
    enlarge(t, g, K, K, scale);
    sheet_add(s, t, K * scale, K * scale, "%s", label);
    free(t);
}

void sheet_add_maps_row(Sheet *s, const float *f, const MatchBank *b, const Match *m, const char *label,
                        const float *mp, int ph, int pw, const float *md, int dh, int dw, const char *what)
{
    const int K = b->K, n = K * K;
    float e[MATCH_NOISE_MAXK * MATCH_NOISE_MAXK], big = 0.0f;
    char lab[80];
    CN_CHECK(K <= MATCH_NOISE_MAXK);
    match_kernel(e, b, m);
    /* the match drawn as the part of f it explains, on f's gray scale (as sheet_add_match) */
    double ff = 0.0, ee = 0.0;
    for (int i = 0; i < n; i++) ff += (double)f[i] * f[i], ee += (double)e[i] * e[i], big = fmaxf(big, fabsf(f[i]));
    for (int i = 0; i < n; i++) e[i] = ee > 0.0 ? (float)(m->score * sqrt(ff / ee) * e[i]) : 0.0f;
    add_on_scale(s, K, f, big, 20, label);
    sheet_add_map(s, mp, ph, pw, 1, 0.99, "learned: photo");
    snprintf(lab, sizeof lab, "learned: %s", what);
    sheet_add_map(s, md, dh, dw, 4, 0.99, lab);
    add_on_scale(s, K, e, big, 20, match_label(lab, sizeof lab, b, m));
    sheet_add_map(s, mp + (size_t)ph * pw, ph, pw, 1, 0.99, "hand: photo");
    snprintf(lab, sizeof lab, "hand: %s", what);
    sheet_add_map(s, md + (size_t)dh * dw, dh, dw, 4, 0.99, lab);
}

void map_chance(double *weights, double *maps, double *level, const float *pic, int h, int w, const MatchBank *b,
                const double *P, int trials, int n, uint64_t seed)
{
    double *pool = xcalloc((size_t)trials, sizeof *pool);
    float *scratch = xcalloc((size_t)2 * h * w, sizeof *scratch), f[MATCH_NOISE_MAXK * MATCH_NOISE_MAXK];
    Rng r;
    rng_seed(&r, seed, 3);
    *weights = *maps = 0.0;
    for (int k = 0; k < trials; k++) {
        CN_CHECK(match_noise_filter(f, b->K, P, &r) == 0);
        const Match m = match_best_shifted(b, f);
        pool[k] = map_agreement(scratch, pic, h, w, f, b, &m);
        *weights += m.score / trials, *maps += pool[k] / trials;
    }
    *level = match_mean_quantile(pool, trials, n, CHANCE_Q, 20000, seed);
    free(pool), free(scratch);
}
