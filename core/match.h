/* match.h - how much does a learned filter look like a hand-designed kernel?
 *
 * The score of a learned K x K filter f against a hand kernel k brought to
 * the same size is the cosine of the angle between the two sets of weights,
 * read as vectors of K*K numbers, with the sign allowed:
 *
 *     cos(f, k) = sum_i f_i k_i / (|f| |k|),     score = |cos(f, k)|,
 *     sign = +1 when cos > 0, -1 when cos < 0
 *
 * (normalized correlation without mean removal). A score of 1 means f is k
 * times a positive (sign +1) or negative (sign -1) number: the same detector,
 * only louder or softer, or with black and white swapped. Scaling f or k
 * does not change the score. A score of 0 means no overlap at all.
 *
 * Why the raw weights and not the weights minus their mean (Pearson
 * correlation)? The mean of a filter is how strongly it answers brightness
 * itself, on a flat patch; that is precisely what tells a blur (all weights
 * positive, answers brightness) from an edge detector (weights sum to 0,
 * answers only changes). Removing the mean would throw that away: the box
 * blur minus its mean is all zeros, so nothing could ever "look like a
 * blur" (0/0), and identity and edge detection (3) would become the same
 * kernel (edge3 = 9 * identity - box of ones). Kept raw: a filter of equal
 * positive weights scores exactly 1 against the box blur; identity against
 * edge3 scores 8/sqrt(72) = 0.943, close, but not the same.
 *
 * Zero filters: a filter whose weights are all 0 has no direction; its
 * cosine with anything is taken as 0 (score 0, sign 0, no best match).
 * A constant filter (zero variance, where a mean-removed correlation would
 * divide 0 by 0) is not a problem here: it is a box blur of its own size,
 * scoring 1 against the box blur resized to K x K (and 3/K against
 * the 3x3 one padded, 0.6 at K = 5).
 *
 * Bringing a kernel to the filter's size K:
 *   MATCH_FIT_NATIVE   the kernel is already K x K;
 *   MATCH_FIT_PAD      a smaller kernel centred in a K x K field of zeros
 *                      (when K - h is odd the extra row of zeros goes below,
 *                      the extra column to the right, as conv.h's SAME mode
 *                      pads): the same operation, with a wider footprint
 *                      that it leaves at zero;
 *   MATCH_FIT_RESIZE   the kernel seen as a surface over its square and
 *                      sampled at K x K points by bilinear interpolation,
 *                      corners on corners (sample i of K at source position
 *                      i * (h - 1) / (K - 1)): the same pattern, drawn
 *                      bigger (or smaller). A 3x3 Sobel x resized to 5x5
 *                      has columns -1, -0.5, 0, 0.5, 1 times (1, 1.5, 2,
 *                      1.5, 1) down the rows.
 * Resizing keeps the meaning of a kernel whose weights trace a smooth
 * pattern (a ramp, a saddle, a bump), not of one that singles out a pixel:
 * the identity resized 3 -> 5 becomes the tent [0 .5 1 .5 0]^T [0 .5 1 .5 0],
 * which is the 3x3 Gaussian blur padded (times 4), no longer "copy one
 * pixel". So only the smooth kernels are resized up (match_resizable):
 * sobel_x, sobel_y, edge1, box_blur, gaussian, gaussian5. The identity,
 * sharpen and the two Laplacians (edge2, edge3) compare a pixel with its
 * immediate neighbours, an operation tied to the pixel grid: they are padded
 * only. A kernel larger than the filter is always resized (down).
 *
 * A bank lists every hand kernel in every fit that applies (native when the
 * size agrees; padded when smaller; resized when larger, or smaller and
 * resizable), each as it is and rotated by 180 degrees (kernels.h's rot180):
 * a cross-correlation layer with weights rot180(k) computes true
 * convolution with k (conv.h).
 *
 * Ties (two entries with the same score, as a kernel and its rotation when
 * rot180(k) = +-k) go to the earlier entry in the bank. The order: kernels
 * in the order given; within a kernel, its native or padded entries before
 * its resized ones; within each fit, the kernel as it is before its
 * rotation.
 */
#ifndef CN_MATCH_H
#define CN_MATCH_H

#include <stddef.h>
#include <stdint.h>

#include "core/kernels.h"
#include "core/rng.h"

typedef enum { MATCH_FIT_NATIVE, MATCH_FIT_PAD, MATCH_FIT_RESIZE } MatchFit;

/* "native", "padded", "resized". */
const char *match_fit_name(MatchFit fit);

/* What a hand kernel is for, in three families (and "other" for a kernel
 * the table below does not know):
 *   MATCH_EDGE   edge1, edge2, edge3, sobel_x, sobel_y: weights sum to 0,
 *                a flat patch gives 0, changes in brightness do not;
 *   MATCH_BLUR   box_blur, gaussian, gaussian5: all weights >= 0, an
 *                average of the neighbourhood;
 *   MATCH_KEEP   identity, sharpen: the picture itself (sharpened), weights
 *                sum to 1 with most of the weight on the centre. */
typedef enum { MATCH_EDGE, MATCH_BLUR, MATCH_KEEP, MATCH_OTHER } MatchFamily;

MatchFamily match_family(const CnKernel *k);
/* 1 if a bank may resize k up (see above): the registry's sobel_x, sobel_y,
 * edge1, box_blur, gaussian and gaussian5, and any kernel not in the
 * registry's table; 0 for identity, sharpen, edge2, edge3. */
int match_resizable(const CnKernel *k);
/* "edge detector", "blur", "identity or sharpen", "other". */
const char *match_family_name(MatchFamily f);

/* --- arithmetic on weights ------------------------------------------------- */

/* cos(a, b) over n numbers, accumulated in double; 0 when either is all
 * zeros (or n == 0). */
double match_cosine(const float *a, const float *b, size_t n);

/* out (K,K) = kernel k (h,w) brought to K x K by `fit` (see above).
 * MATCH_FIT_NATIVE needs h == w == K, MATCH_FIT_PAD h, w <= K, and
 * MATCH_FIT_RESIZE h, w >= 1 (K = 1 takes the centre value). K >= 1.
 * 0, or -1 with a message. */
int match_fit(float *out, int K, const float *k, int h, int w, MatchFit fit);

/* --- a bank of hand kernels at one size ------------------------------------ */

typedef struct {
    const CnKernel *kernel; /* the hand kernel (not owned) */
    MatchFit fit;
    int rotated;           /* 1: rot180 of the fitted kernel */
    char label[64];        /* e.g. "sobel_x", "rot180 sobel_x, resized" */
    float *v;              /* K*K weights */
} MatchEntry;

typedef struct {
    int K;                 /* side of the filters it matches */
    int n;                 /* entries */
    MatchEntry *e;         /* e[0..n), in the tie-breaking order above */
} MatchBank;

/* A bank of the n kernels k[0..n) (which must outlive it) at size K: for
 * each kernel, every fit that applies, each as is and rotated. NULL with a
 * message on bad arguments or no memory. */
MatchBank *match_bank_create(const CnKernel *const *k, int n, int K);
/* The same for every kernel of the registry (kernels.h), in its order. */
MatchBank *match_bank_registry(int K);
void match_bank_free(MatchBank *b);

/* --- matching ---------------------------------------------------------------- */

typedef struct {
    int entry;      /* index of the best entry in the bank; -1 for a zero filter */
    double cos;     /* signed cosine with that entry */
    double score;   /* |cos|, in [0, 1] */
    int sign;       /* +1 or -1 (0 for a zero filter) */
    int dy, dx;     /* placement: rows down, columns right of the entry's own
                       (centred) place; 0, 0 except from the shifted match */
} Match;

/* The best entry of b for the K x K filter f (b->K == K is the caller's
 * promise: f holds b->K * b->K weights). Never fails. */
Match match_best(const MatchBank *b, const float *f);

/* The best entry among those whose kernel is k (NULL: any kernel). For a
 * kernel not in the bank, entry = -1 and score 0. */
Match match_best_of(const MatchBank *b, const float *f, const CnKernel *k);

/* --- the shift-tolerant match ------------------------------------------------- */

/* A learned filter may hold an edge detector one pixel off centre: the
 * padded 3x3 kernel does not overlap it where it should, and the plain
 * match above scores it near 0. The shifted match also slides each padded
 * entry's kernel to every place it fits whole inside the K x K filter
 * ((K - h + 1) x (K - w + 1) places, the zeros around it moving along) and
 * keeps the best cosine over entries, places and sign; m.dy, m.dx say where
 * (rows down, columns right of the centred place). Native and resized
 * entries fill the filter already and stay where they are. Ties go to the
 * earlier entry, and within an entry to its own (centred) place, then to
 * the places in row order. */
Match match_best_shifted(const MatchBank *b, const float *f);

/* The same among the entries whose kernel is k (NULL: any kernel). */
Match match_best_shifted_of(const MatchBank *b, const float *f, const CnKernel *k);

/* The K x K weights m stands for, times its sign: the entry's kernel at
 * the place m names (zeros for a zero filter, m->entry < 0). */
void match_kernel(float *out, const MatchBank *b, const Match *m);

/* --- chance levels ------------------------------------------------------------------ */

/* Random filters that learned nothing, two kinds:
 *   white noise      every weight an independent standard normal number
 *                    (P = NULL): the direction of a freshly initialised
 *                    filter, rough from pixel to pixel;
 *   spectrum-matched Gaussian noise with a given power spectrum P (K*K
 *                    numbers, P[u*K + v] for the frequencies u down, v
 *                    across): white noise's discrete Fourier transform
 *                    multiplied by sqrt(P) and transformed back. Given the
 *                    mean spectrum of a set of learned filters
 *                    (match_power_spectrum), the noise is as smooth as they
 *                    are and answers plain brightness (frequency 0) as
 *                    strongly, but its pattern is random (random phases):
 *                    the fair yardstick for "this filter is more like a hand
 *                    kernel than its smoothness alone would make it". */

/* P (K*K) = the mean over the nf filters w (nf * K*K) of the squared
 * magnitude of the discrete Fourier transform of each filter scaled to
 * length 1 (so a loud filter does not count more). Zero filters are
 * skipped. Returns how many filters counted (0: P is white, all ones). */
int match_power_spectrum(double *P, const float *w, int nf, int K);
/* (1 <= K <= MATCH_NOISE_MAXK; -1 with a message otherwise.) */

/* One random K x K filter into f: white (P NULL) or with spectrum P.
 * 1 <= K <= MATCH_NOISE_MAXK. 0, or -1 with a message. */
#define MATCH_NOISE_MAXK 16
int match_noise_filter(float *f, int K, const double *P, Rng *r);

/* The best scores of `trials` random filters (white when P is NULL, else
 * spectrum P; shifted: match_best_shifted, else match_best), sorted
 * increasing, into scores[0..trials). Generator seeded with seed. 0, or -1
 * with a message. */
int match_chance_scores(double *scores, const MatchBank *b, int trials, const double *P, int shifted, uint64_t seed);

/* The q-quantile (nearest rank) of sorted[0..n). */
double match_quantile(const double *sorted, int n, double q);

/* The q-quantile of the mean of n_avg random filters' scores: `trials`
 * means of n_avg scores drawn (with replacement) from pool[0..npool).
 * The threshold an average over a whole layer must pass: it is lower than
 * a single filter's, since averages of random scores vary less. */
double match_mean_quantile(const double *pool, int npool, int n_avg, double q, int trials, uint64_t seed);

/* How high a filter that learned nothing scores: the best scores of
 * `trials` random K x K filters (independent standard normal weights, the
 * direction of a freshly initialised filter; generator seeded with seed),
 * and their q-quantile (q in [0, 1], by sorting; nearest rank) in *out.
 * trials >= 1. 0, or -1 with a message. */
int match_chance(double *out, const MatchBank *b, int trials, double q, uint64_t seed);

#endif
