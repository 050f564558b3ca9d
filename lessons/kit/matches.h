/* matches.h - the lesson kit's words and numbers for a filter matched to a
 * bank of hand-designed kernels (core/match.h): a match in a few
 * characters, the matched kernel times its sign, the mean best score of a
 * layer of filters. */
#ifndef CN_KIT_MATCHES_H
#define CN_KIT_MATCHES_H

#include <stddef.h>
#include <stdint.h>

#include "core/match.h"
#include "lessons/kit/draw.h"

/* "-sobel_x (r) 0.64": the sign, "rot " when rotated, the kernel, (r) when
 * resized, where a shifted match sits ("-sobel_x >1v1 0.93": one column
 * right, one row down), the score; "zero filter" for one. Written into
 * buf, returned. */
const char *match_label(char *buf, size_t size, const MatchBank *b, const Match *m);

/* The bank entry m matched, at its place, times its sign, into out
 * (b->K * b->K; zeros for a zero filter): match_kernel. */
void match_signed_entry(float *out, const MatchBank *b, const Match *m);

/* Filter w (b->K x b->K) beside its match m in one tile, labelled
 * "<prefix>: <match_label>". The match is drawn as the part of w it
 * explains (the kernel times cos * |w| / |kernel|, with its sign), on the
 * same gray scale as w (0 mid-gray, w's largest |weight| black or white):
 * a match that explains little is faint, and a constant match (a box blur)
 * is a flat gray, not a black or white square. */
void sheet_add_match(Sheet *s, const MatchBank *b, const float *w, const Match *m, int scale, const char *prefix);

/* The mean over nf filters (w: nf * b->K * b->K weights) of their best
 * score against b. */
double match_mean_best(const MatchBank *b, const float *w, int nf);

/* --- chance levels: how high filters that learned nothing score ----------------- */

#define CHANCE_Q 0.99 /* "above chance" = higher than 99% of random filters */

/* The chance levels of one set of filters: random filters with their mean
 * power spectrum (core/match.h: as smooth as they are, random pattern), or
 * white noise, each matched to the bank with the shifted match. */
typedef struct {
    int white;              /* 1: white noise (no spectrum) */
    double P[MATCH_NOISE_MAXK * MATCH_NOISE_MAXK];
    int npool;
    double *pool;           /* npool best scores, sorted */
    double q50, q99;        /* median and 99th percentile of one filter's score */
} Chance;

/* Chance levels for the nf filters w (K = b->K), or white noise when w is
 * NULL; trials random filters, generator seeded with seed. */
void chance_measure(Chance *c, const MatchBank *b, const float *w, int nf, int trials, uint64_t seed);
/* The 99% level for the mean score of n random filters. */
double chance_mean_q99(const Chance *c, int n);
/* The median and 99% level of white noise with the plain (unshifted) match. */
void chance_plain(double *q50, double *q99, const MatchBank *b, int trials, uint64_t seed);
void chance_free(Chance *c);

/* --- the bank itself ---------------------------------------------------------------- */

/* How many registry kernels turned by 180 degrees are themselves (*own) or
 * their negative (*neg, named in names: "sobel_x and sobel_y"). */
void registry_rotations(int *own, int *neg, char *names, size_t size);
/* Pairs of entries of different kernels (as they are, not rotated) with
 * |cos| >= min_cos, listed in buf ("edge2, padded and minus sharpen,
 * padded (0.997); ..."). Returns how many. */
int bank_near_duplicates(char *buf, size_t size, const MatchBank *b, double min_cos);

/* 1 when every entry of b, matched against b, finds its own kernel with
 * score 1, and its negative too, with the sign flipped. */
int bank_finds_itself(const MatchBank *b);

/* k (3x3) one column right of centre in a b->K field of zeros into off,
 * and centred (padded) into pad: the plain match's blind spot. */
void match_place_demo(float *off, float *pad, const MatchBank *b, const CnKernel *k);

/* --- maps ---------------------------------------------------------------------------- */

/* |cos| between the maps of filter f and of its match m (match_kernel)
 * on the picture pic (h, w): the filters' plain sliding sums, same
 * padding. maps (2 * h * w) is scratch and keeps the two maps. */
double map_agreement(float *maps, const float *pic, int h, int w, const float *f, const MatchBank *b, const Match *m);

/* One row of a sheet: filter f (label), its maps on the photo (maps ph x pw,
 * as map_agreement left them) and on the picture (md, dh x dw, drawn 4
 * times bigger; what: "digit"), then its match m (drawn as the part of f
 * it explains, on f's gray scale) and the match's maps. */
void sheet_add_maps_row(Sheet *s, const float *f, const MatchBank *b, const Match *m, const char *label,
                        const float *mp, int ph, int pw, const float *md, int dh, int dw, const char *what);

/* The same for trials random filters with spectrum P (core/match.h), each
 * with its shifted match: their mean score (weights), mean map agreement
 * (maps), and the 99% level for the mean map agreement of n of them. */
void map_chance(double *weights, double *maps, double *level, const float *pic, int h, int w, const MatchBank *b,
                const double *P, int trials, int n, uint64_t seed);

/* s above the level t as printed with 3 decimals: a score printed 0.606
 * is not above a level printed 0.606. */
int score_above(double s, double t);

#endif
