/* 03b_convolve1d_strided.c - exercise 03b, after lesson 03_receptive_field.
 *
 * 1-D true convolution with zero padding and a stride.
 *
 *   y[i] = sum_{m=0}^{kn-1} x[i*stride - pad + m] * k[kn - 1 - m]
 *
 * where x[t] is 0 outside [0, n).
 *
 * Shapes: x (n), k (kn), y (out), out = floor((n + 2*pad - kn) / stride) + 1.
 *
 * Write the loops below, then delete the line exercise_not_written(); and
 * run: make exercise N=03b
 */
#include "lessons/exercises/exercises.h"

void ex_convolve1d_strided(float *y, const float *x, int n, const float *k, int kn, int stride, int pad)
{
    /* ---- your loops here ---- */
    exercise_not_written();
}
