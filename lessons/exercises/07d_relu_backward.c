/* 07d_relu_backward.c - exercise 07d, after lesson 07_backprop.
 *
 * ReLU's backward, written with its output y = max(0, a).
 *
 *   dx[i] += dy[i] * (y[i] > 0 ? 1 : 0)
 *
 * (At a = 0 the derivative is taken as 0.)
 *
 * Shapes: dy (n), y (n) (the forward's output), dx (n) +=.
 *
 * Write the loops below, then delete the line exercise_not_written(); and
 * run: make exercise N=07d
 */
#include "lessons/exercises/exercises.h"

void ex_relu_backward(float *dx, const float *dy, const float *y, int n)
{
    /* ---- your loops here ---- */
    exercise_not_written();
}
