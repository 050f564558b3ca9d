/* 05a_sgd_step.c - exercise 05a, after lesson 05_learn_filter.
 *
 * One step of gradient descent with momentum and weight decay, for every
 * number w[i] with its gradient g[i] and velocity v[i].
 *
 *   g'   = g[i] + weight_decay * w[i]          (the gradient of (weight_decay/2) |w|^2 added)
 *   v[i] = momentum * v[i] - lr * g'
 *   w[i] = w[i] + v[i]
 *
 * Shapes: w (n), v (n) (0 before the first step), g (n).
 *
 * Write the loops below, then delete the line exercise_not_written(); and
 * run: make exercise N=05a
 */
#include "lessons/exercises/exercises.h"

void ex_sgd_step(float *w, float *v, const float *g, int n, float lr, float momentum, float weight_decay)
{
    /* ---- your loops here ---- */
    exercise_not_written();
}
