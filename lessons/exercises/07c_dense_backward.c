/* 07c_dense_backward.c - exercise 07c, after lesson 07_backprop.
 *
 * The fully connected layer's backward pass.
 *
 *   dx[s][i] += sum_o dy[s][o] * W[o][i]
 *   dW[o][i] += sum_s dy[s][o] * x[s][i]
 *   db[o]    += sum_s dy[s][o]
 *
 * ADD into dx, dW and db (+=).
 *
 * Shapes: dy (B, OUT), x (B, IN), W (OUT, IN), dx (B, IN) +=, dW (OUT, IN) +=, db (OUT) +=.
 *
 * Write the loops below, then delete the line exercise_not_written(); and
 * run: make exercise N=07c
 */
#include "lessons/exercises/exercises.h"

void ex_dense_backward(float *dx, float *dW, float *db, const float *dy, const float *x, const float *W, int B,
                       int IN, int OUT)
{
    /* ---- your loops here ---- */
    exercise_not_written();
}
