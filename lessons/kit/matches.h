/* matches.h - the lesson kit's words and numbers for a filter matched to a
 * bank of hand-designed kernels (core/match.h): a match in a few
 * characters, the matched kernel times its sign, the mean best score of a
 * layer of filters. */
#ifndef CN_KIT_MATCHES_H
#define CN_KIT_MATCHES_H

#include <stddef.h>

#include "core/match.h"
#include "lessons/kit/draw.h"

/* "-sobel_x (r) 0.64": the sign, "rot " when rotated, the kernel, (r) when
 * resized, the score; "zero filter" for one. Written into buf, returned. */
const char *match_label(char *buf, size_t size, const MatchBank *b, const Match *m);

/* The bank entry m matched, times its sign, into out (b->K * b->K; zeros
 * for a zero filter). */
void match_signed_entry(float *out, const MatchBank *b, const Match *m);

/* Filter w (b->K x b->K) beside its match m times its sign in one tile
 * (sheet_add_pair, scale), labelled "<prefix>: <match_label>". */
void sheet_add_match(Sheet *s, const MatchBank *b, const float *w, const Match *m, int scale, const char *prefix);

/* The mean over nf filters (w: nf * b->K * b->K weights) of their best
 * score against b. */
double match_mean_best(const MatchBank *b, const float *w, int nf);

#endif
