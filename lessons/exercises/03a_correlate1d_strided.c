/* 03a_correlate1d_strided.c - exercise 03a, after lesson 03_receptive_field.
 *
 * 1-D cross-correlation with zero padding and a stride.
 *
 *   y[i] = sum_{m=0}^{kn-1} x[i*stride - pad + m] * k[m]
 *
 * where x[t] is 0 for t < 0 and t >= n (the padding is never stored: skip
 * the taps that fall outside x).
 *
 * Shapes: x (n), k (kn), y (out) with
 *         out = floor((n + 2*pad - kn) / stride) + 1   (kn <= n + 2*pad).
 *
 * Write the loops below, then delete the line exercise_not_written(); and
 * run: make exercise N=03a
 */
#include "lessons/exercises/exercises.h"

void ex_correlate1d_strided(float *y, const float *x, int n, const float *k, int kn, int stride, int pad)
{
    /* ---- your loops here ---- */
    exercise_not_written();
}
