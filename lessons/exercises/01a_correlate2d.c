/* 01a_correlate2d.c - exercise 01a, after lesson 01_single_filter.
 *
 * A single filter on a picture, as cross-correlation (no padding).
 *
 *   y[i][j] = sum_{m=0}^{KH-1} sum_{n=0}^{KW-1} x[i + m][j + n] * k[m][n]
 *
 * Shapes: x (H, W), k (KH, KW) with KH <= H and KW <= W,
 *         y (OH, OW) with OH = H - KH + 1 and OW = W - KW + 1 ("valid":
 *         only the windows that lie wholly inside x).
 * Element (r, c) of a (rows, cols) array is at r*cols + c.
 *
 * Write the loops below, then delete the line exercise_not_written(); and
 * run: make exercise N=01a
 */
#include "lessons/exercises/exercises.h"

void ex_correlate2d(float *y, const float *x, int H, int W, const float *k, int KH, int KW)
{
    /* ---- your loops here ---- */
    exercise_not_written();
}
