/* dropout.h - inverted dropout (Srivastava et al. 2014; AlexNet's fc6, fc7).
 *
 * Training (base.training == 1), rate p in [0, 1):
 *   m_i ~ Bernoulli(1 - p)            keep unit i with probability 1 - p
 *   y_i = m_i * x_i / (1 - p)         kept units are scaled up, so E[y_i] = x_i
 *   dL/dx_i = m_i * dL/dy_i / (1 - p)
 * Evaluation (base.training == 0): y = x and dL/dx = dL/dy. Because of the
 * 1/(1-p) at training time nothing needs rescaling at test time ("inverted"
 * dropout; the paper instead multiplies the weights by 1-p at test time).
 *
 * The mask of the last forward pass is kept in scratch (one byte per unit of
 * the batch, made by layer_reserve) and backward reuses it, so call
 * layer_reserve(l, B) before forward. Backward follows the mode of the last
 * forward pass, not the current value of base.training.
 *
 * Reproducibility: the layer owns its generator `rng`. Forward draws one
 * rng_uniform per unit, serially in NCHW order over the whole batch, so the
 * mask depends only on the seed and the sequence of batches, never on the
 * number of threads. To checkpoint and resume bit-exactly, save the two
 * words `rng.state` and `rng.inc` of the Dropout struct and write them back
 * on load (or copy the whole Rng: it is plain data). In evaluation mode, and
 * when p == 0, nothing is drawn.
 *
 * Two halves of one batch (train.h, cfg.replica): dropout_split_mask draws
 * the masks of the whole batch from the first network's generator, exactly
 * as one forward on the whole batch would, and hands each half its samples'
 * part. The halves' next forwards draw nothing, so the masks do not depend
 * on the cut, and the second network's generator is never used.
 */
#ifndef CN_DROPOUT_H
#define CN_DROPOUT_H

#include <stdint.h>

#include "core/layer.h"
#include "core/rng.h"

typedef struct {
    Layer base;
    float p;               /* drop probability, 0 <= p < 1 */
    Rng rng;               /* mask generator: save/restore for checkpoints */
    unsigned char *mask;   /* scratch: (reserved B) * units, 1 = kept */
    int masked;            /* 1 if the last forward applied a mask */
    int preset;            /* 1: the next training forward uses mask as it is (dropout_split_mask) */
} Dropout;

/* --- kernels on raw arrays --------------------------------------------------- */

/* Draw mask (n) with P(mask_i = 1) = 1 - p, serially from r. */
void dropout_draw_mask(unsigned char *mask, size_t n, float p, Rng *r);
/* x (n), mask (n), y (n): y = mask * x / (1 - p). */
void dropout_forward(float *y, const float *x, const unsigned char *mask, size_t n, float p);
/* dy (n), mask (n), dx (n): dx += mask * dy / (1 - p). */
void dropout_backward(float *dx, const float *dy, const unsigned char *mask, size_t n, float p);

/* --- layer ---------------------------------------------------------------------- */

/* Dropout with rate p (0 <= p < 1); its generator is rng_seed(seed, 0).
 * Starts in evaluation mode (base.training = 0) like every layer.
 * NULL (with cn_last_error()) on a bad p or out of memory. */
Layer *dropout_create(float p, uint64_t seed);

/* a and b: the same dropout layer of two copies of a network, in training
 * mode. Draw the masks of a batch of B from a's generator (as a forward of a
 * on B samples would) and preset them: a's next forward, on samples [0, B1),
 * gets their masks, and b's next forward, on samples [B1, B), the rest.
 * 0 <= B1 <= B; a half of no samples is left alone. 0, or -1 with a message. */
int dropout_split_mask(Layer *a, Layer *b, int B, int B1);

#endif
