/* 06b_convolve2d_strided.c - exercise 06b, after lesson 06_conv_layer.
 *
 * 2-D true convolution with zero padding and a stride.
 *
 *   y[i][j] = sum_{m,n} x[i*stride - pad + m][j*stride - pad + n] * k[KH-1-m][KW-1-n]
 *
 * where x is 0 outside its H x W pixels.
 *
 * Shapes: x (H, W), k (KH, KW), y (OH, OW), OH and OW as in 06a.
 *
 * Write the loops below, then delete the line exercise_not_written(); and
 * run: make exercise N=06b
 */
#include "lessons/exercises/exercises.h"

void ex_convolve2d_strided(float *y, const float *x, int H, int W, const float *k, int KH, int KW, int stride,
                           int pad)
{
    /* ---- your loops here ---- */
    exercise_not_written();
}
