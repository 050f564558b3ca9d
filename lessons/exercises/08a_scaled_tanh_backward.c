/* 08a_scaled_tanh_backward.c - exercise 08a, after lesson 08_lenet.
 *
 * The backward of LeNet-5's squashing function f(a) = A tanh(S a), A =
 * 1.7159, S = 2/3, written with its output y = f(a).
 *
 *   f'(a)  = A S (1 - tanh^2(S a)) = (S / A) (A^2 - y^2)
 *   dx[i] += dy[i] * (S / A) * (A*A - y[i]*y[i])
 *
 * Shapes: dy (n), y (n) (the forward's output), dx (n) +=.
 *
 * Write the loops below, then delete the line exercise_not_written(); and
 * run: make exercise N=08a
 */
#include "lessons/exercises/exercises.h"

void ex_scaled_tanh_backward(float *dx, const float *dy, const float *y, int n)
{
    /* ---- your loops here ---- */
    exercise_not_written();
}
