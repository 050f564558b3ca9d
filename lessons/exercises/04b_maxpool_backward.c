/* 04b_maxpool_backward.c - exercise 04b, after lesson 04_pooling.
 *
 * Max pooling's backward. Each output took one input, the maximum of its
 * window: only that input gets the output's gradient.
 *
 *   dx[b][c][a] += dy[b][c][i][j]     a = the argmax of window (i, j) in x
 *
 * Ties: when several inputs of a window hold the maximum, the FIRST in
 * row-major order (top row first, left to right) is the argmax and gets
 * the whole gradient; the others get nothing. Windows that overlap
 * (stride < K) may send several gradients to one input: they add up.
 *
 * Shapes: x (B, C, H, W) (the forward's input), dy (B, C, OH, OW),
 *         dx (B, C, H, W) +=, with OH, OW as in 04a.
 *
 * Write the loops below, then delete the line exercise_not_written(); and
 * run: make exercise N=04b
 */
#include "lessons/exercises/exercises.h"

void ex_maxpool_backward(float *dx, const float *dy, const float *x, int B, int C, int H, int W, int K,
                         int stride)
{
    /* ---- your loops here ---- */
    exercise_not_written();
}
