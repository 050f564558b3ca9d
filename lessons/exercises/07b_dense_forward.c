/* 07b_dense_forward.c - exercise 07b, after lesson 07_backprop.
 *
 * The fully connected layer, y = W x + b for each sample.
 *
 *   y[s][o] = b[o] + sum_{i=0}^{IN-1} W[o][i] * x[s][i]
 *
 * Shapes: x (B, IN), W (OUT, IN), b (OUT), y (B, OUT).
 *
 * Write the loops below, then delete the line exercise_not_written(); and
 * run: make exercise N=07b
 */
#include "lessons/exercises/exercises.h"

void ex_dense_forward(float *y, const float *x, const float *W, const float *b, int B, int IN, int OUT)
{
    /* ---- your loops here ---- */
    exercise_not_written();
}
