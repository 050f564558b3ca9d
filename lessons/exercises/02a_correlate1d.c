/* 02a_correlate1d.c - exercise 02a, after lesson 02_conv_vs_corr.
 *
 * 1-D cross-correlation (no padding, stride 1).
 *
 *   y[i] = sum_{m=0}^{kn-1} x[i + m] * k[m]
 *
 * Shapes: x (n), k (kn) with kn <= n, y (n - kn + 1).
 *
 * Write the loops below, then delete the line exercise_not_written(); and
 * run: make exercise N=02a
 */
#include "lessons/exercises/exercises.h"

void ex_correlate1d(float *y, const float *x, int n, const float *k, int kn)
{
    /* ---- your loops here ---- */
    exercise_not_written();
}
