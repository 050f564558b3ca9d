/* 07e_softmax_ce_grad.c - exercise 07e, after lesson 07_backprop.
 *
 * The gradient of the mean softmax cross-entropy of a batch with respect to
 * its logits z.
 *
 *   p[s][k]   = exp(z[s][k] - max_j z[s][j]) / sum_j exp(z[s][j] - max_j z[s][j])
 *   L         = (1/B) sum_s -log p[s][labels[s]]
 *   dz[s][k] += (p[s][k] - (k == labels[s] ? 1 : 0)) / B
 *
 * (Subtracting the row's maximum keeps exp from overflowing: p is unchanged.)
 *
 * Shapes: z (B, K), labels (B) with labels[s] in 0..K-1, dz (B, K) +=.
 *
 * Write the loops below, then delete the line exercise_not_written(); and
 * run: make exercise N=07e
 */
#include "lessons/exercises/exercises.h"

void ex_softmax_ce_grad(float *dz, const float *z, const unsigned char *labels, int B, int K)
{
    /* ---- your loops here ---- */
    exercise_not_written();
}
