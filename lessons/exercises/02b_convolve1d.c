/* 02b_convolve1d.c - exercise 02b, after lesson 02_conv_vs_corr.
 *
 * 1-D true convolution (no padding, stride 1): the same window as
 * correlation, the kernel read backwards.
 *
 *   y[i] = sum_{m=0}^{kn-1} x[i + m] * k[kn - 1 - m]
 *
 * Shapes: x (n), k (kn) with kn <= n, y (n - kn + 1).
 *
 * Write the loops below, then delete the line exercise_not_written(); and
 * run: make exercise N=02b
 */
#include "lessons/exercises/exercises.h"

void ex_convolve1d(float *y, const float *x, int n, const float *k, int kn)
{
    /* ---- your loops here ---- */
    exercise_not_written();
}
