/* 07a_conv_backward.c - exercise 07a, after lesson 07_backprop.
 *
 * The convolution layer's backward pass. Every term of 06c's sum, w * x into
 * y, sends w * dy back to x and x * dy back to w; every output sends dy to
 * its bias. Sum over every output (b, o, i, j) and tap (c, m, n) whose input
 * pixel is inside x:
 *
 *   dx[b][c][i*stride - pad + m][j*stride - pad + n] += w[o][c][m][n] * dy[b][o][i][j]
 *   dw[o][c][m][n]                                   += x[b][c][i*stride - pad + m][j*stride - pad + n] * dy[b][o][i][j]
 *   db[o]                                            += dy[b][o][i][j]
 *
 * ADD into dx, dw and db (+=): never overwrite them.
 *
 * Shapes: dy (B, OC, OH, OW), x (B, C, H, W), w (OC, C, K, K),
 *         dx (B, C, H, W) +=, dw (OC, C, K, K) +=, db (OC) +=, OH and OW as in 06c.
 *
 * Write the loops below, then delete the line exercise_not_written(); and
 * run: make exercise N=07a
 */
#include "lessons/exercises/exercises.h"

void ex_conv_backward(float *dx, float *dw, float *db, const float *dy, const float *x, const float *w, int B,
                      int C, int H, int W, int OC, int K, int stride, int pad)
{
    /* ---- your loops here ---- */
    exercise_not_written();
}
