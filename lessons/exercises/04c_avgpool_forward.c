/* 04c_avgpool_forward.c - exercise 04c, after lesson 04_pooling.
 *
 * Average pooling, K x K windows moved by `stride` (no padding).
 *
 *   y[b][c][i][j] = (1 / (K*K)) * sum_{m, n in 0..K-1} x[b][c][i*stride + m][j*stride + n]
 *
 * Shapes: x (B, C, H, W), y (B, C, OH, OW), OH = floor((H - K) / stride) + 1,
 *         OW likewise.
 *
 * Write the loops below, then delete the line exercise_not_written(); and
 * run: make exercise N=04c
 */
#include "lessons/exercises/exercises.h"

void ex_avgpool_forward(float *y, const float *x, int B, int C, int H, int W, int K, int stride)
{
    /* ---- your loops here ---- */
    exercise_not_written();
}
