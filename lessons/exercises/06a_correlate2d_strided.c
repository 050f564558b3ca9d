/* 06a_correlate2d_strided.c - exercise 06a, after lesson 06_conv_layer.
 *
 * 2-D cross-correlation with zero padding on every side and the same stride
 * on both axes.
 *
 *   y[i][j] = sum_{m=0}^{KH-1} sum_{n=0}^{KW-1} x[i*stride - pad + m][j*stride - pad + n] * k[m][n]
 *
 * where x is 0 outside its H x W pixels.
 *
 * Shapes: x (H, W), k (KH, KW), y (OH, OW) with
 *         OH = floor((H + 2*pad - KH) / stride) + 1, OW = floor((W + 2*pad - KW) / stride) + 1.
 *
 * Write the loops below, then delete the line exercise_not_written(); and
 * run: make exercise N=06a
 */
#include "lessons/exercises/exercises.h"

void ex_correlate2d_strided(float *y, const float *x, int H, int W, const float *k, int KH, int KW, int stride,
                            int pad)
{
    /* ---- your loops here ---- */
    exercise_not_written();
}
