/* 04a_maxpool_forward.c - exercise 04a, after lesson 04_pooling.
 *
 * Max pooling, K x K windows moved by `stride` (no padding), each map on its
 * own.
 *
 *   y[b][c][i][j] = max_{m, n in 0..K-1} x[b][c][i*stride + m][j*stride + n]
 *
 * Shapes: x (B, C, H, W), y (B, C, OH, OW) with
 *         OH = floor((H - K) / stride) + 1, OW = floor((W - K) / stride) + 1
 *         (K <= H, K <= W; rows and columns past the last window are not read).
 *
 * Write the loops below, then delete the line exercise_not_written(); and
 * run: make exercise N=04a
 */
#include "lessons/exercises/exercises.h"

void ex_maxpool_forward(float *y, const float *x, int B, int C, int H, int W, int K, int stride)
{
    /* ---- your loops here ---- */
    exercise_not_written();
}
