/* ncc.h - the lesson kit's normalized correlation of two filters: subtract
 * each one's mean and take the cosine of the angle between the two vectors
 * of n weights,
 *
 *     ncc(f, k) = Σ (f_i − f̄)(k_i − k̄) / sqrt(Σ (f_i − f̄)² · Σ (k_i − k̄)²),
 *
 * 1 for the same pattern (up to scale), −1 for the same pattern with light
 * and dark swapped, 0 for nothing in common (and for a flat filter). Unlike
 * core/match.h's cosine, it ignores how strongly a filter answers plain
 * brightness: right for comparing edge detectors, whose weights sum to 0. */
#ifndef CN_KIT_NCC_H
#define CN_KIT_NCC_H

double ncc(const float *f, const float *k, int n);

/* The best match of f in a bank of nbank filters of n weights each, one after another. */
typedef struct {
    int kernel;      /* index into the bank */
    double ncc;      /* its signed normalized correlation with f */
} NccMatch;

/* The bank entry with the largest |ncc| (the first of equals; { 0, 0 } when none is > 0). */
NccMatch best_ncc(const float *f, const float *bank, int nbank, int n);

#endif
