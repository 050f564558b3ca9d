/* 06c_conv_forward.c - exercise 06c, after lesson 06_conv_layer.
 *
 * The convolution layer's forward pass (cross-correlation, as in every deep-
 * learning library): every output map sums, over all input maps, the input
 * map correlated with its own K x K kernel, plus a bias.
 *
 *   y[b][o][i][j] = bias[o] + sum_{c=0}^{C-1} sum_{m,n=0}^{K-1}
 *                       w[o][c][m][n] * x[b][c][i*stride - pad + m][j*stride - pad + n]
 *
 * where x is 0 outside its H x W pixels.
 *
 * Shapes: x (B, C, H, W), w (OC, C, K, K), bias (OC), y (B, OC, OH, OW) with
 *         OH = floor((H + 2*pad - K) / stride) + 1, OW likewise.
 *
 * Once this and 07a pass, LeNet-5 trains on them: make exercises says how.
 *
 * Write the loops below, then delete the line exercise_not_written(); and
 * run: make exercise N=06c
 */
#include "lessons/exercises/exercises.h"

void ex_conv_forward(float *y, const float *x, const float *w, const float *bias, int B, int C, int H, int W,
                     int OC, int K, int stride, int pad)
{
    /* ---- your loops here ---- */
    exercise_not_written();
}
