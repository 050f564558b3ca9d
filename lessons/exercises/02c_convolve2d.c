/* 02c_convolve2d.c - exercise 02c, after lesson 02_conv_vs_corr.
 *
 * 2-D true convolution (no padding): the kernel turned by 180 degrees,
 * flipped in both axes.
 *
 *   y[i][j] = sum_{m=0}^{KH-1} sum_{n=0}^{KW-1} x[i + m][j + n] * k[KH-1-m][KW-1-n]
 *
 * Shapes: x (H, W), k (KH, KW) with KH <= H and KW <= W,
 *         y (H - KH + 1, W - KW + 1).
 *
 * Write the loops below, then delete the line exercise_not_written(); and
 * run: make exercise N=02c
 */
#include "lessons/exercises/exercises.h"

void ex_convolve2d(float *y, const float *x, int H, int W, const float *k, int KH, int KW)
{
    /* ---- your loops here ---- */
    exercise_not_written();
}
