/* 04d_avgpool_backward.c - exercise 04d, after lesson 04_pooling.
 *
 * Average pooling's backward: every input of a window gets an equal share of
 * the window's gradient.
 *
 *   dx[b][c][i*stride + m][j*stride + n] += dy[b][c][i][j] / (K*K)   for m, n in 0..K-1
 *
 * Shapes: dy (B, C, OH, OW), dx (B, C, H, W) +=, OH, OW as in 04c.
 *
 * Write the loops below, then delete the line exercise_not_written(); and
 * run: make exercise N=04d
 */
#include "lessons/exercises/exercises.h"

void ex_avgpool_backward(float *dx, const float *dy, int B, int C, int H, int W, int K, int stride)
{
    /* ---- your loops here ---- */
    exercise_not_written();
}
