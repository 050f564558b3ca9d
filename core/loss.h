/* loss.h - softmax + cross-entropy, the loss of every classifier here.
 *
 * For one sample with logits z (K) and label y:
 *
 *   p_k  = e^{z_k} / sum_j e^{z_j}                 (softmax)
 *   L    = -log p_y = logsumexp(z) - z_y           (cross-entropy)
 *   dL/dz_k = p_k - [k == y]
 *
 * logsumexp(z) = m + log sum_j e^{z_j - m} with m = max_j z_j: every
 * exponent is <= 0, so nothing overflows (logits of +-1000 are fine) and the
 * largest term is exactly 1, so the log never sees 0.
 *
 * Batch convention: the loss is the MEAN over the B samples,
 * L = (1/B) sum_n L_n, as in PyTorch's CrossEntropyLoss(reduction='mean').
 * Hence dL/dz[n,k] = (p[n,k] - [k == y_n]) / B, and a learning rate does not
 * depend on the batch size.
 *
 * Labels are class indices 0 .. K-1 stored as unsigned char (the datasets'
 * own type; K <= 256).
 *
 * Label smoothing (Szegedy et al., "Rethinking the Inception architecture
 * for computer vision", CVPR 2016, section 7): the target is not the one-hot
 * vector but q = (1 - eps) onehot(y) + eps / K, so a right answer given with
 * probability 1 still costs a little and the logits stop growing once the
 * answer is clear (the network stays less sure of itself on pictures it has
 * learned by heart):
 *
 *   L = -sum_k q_k log p_k = (1 - eps) (lse(z) - z_y) + (eps / K) sum_k (lse(z) - z_k)
 *   dL/dz_k = p_k - q_k
 *
 * eps = 0 is the plain cross-entropy above, to the bit.
 */
#ifndef CN_LOSS_H
#define CN_LOSS_H

/* logits (B,K), labels (B) -> probs (B,K) = softmax of each row.
 * Returns the mean cross-entropy over the batch (computed in double). On a
 * label >= K, or B < 1 or K < 1, returns NAN with cn_last_error() set.
 * probs may not overlap logits. */
float softmax_ce_forward(float *probs, const float *logits, const unsigned char *labels, int B, int K);

/* probs (B,K) from forward, labels (B) -> dlogits (B,K) += (p - onehot(y)) / B.
 * Accumulates like every backward here: clear dlogits first for a plain
 * gradient. Labels must be < K (as checked by forward). */
void softmax_ce_backward(float *dlogits, const float *probs, const unsigned char *labels, int B, int K);

/* The same with label smoothing eps in [0, 1) (above). forward returns NAN
 * with a message also for an eps outside [0, 1). */
float softmax_ce_smooth_forward(float *probs, const float *logits, const unsigned char *labels, int B, int K,
                                float eps);
void softmax_ce_smooth_backward(float *dlogits, const float *probs, const unsigned char *labels, int B, int K,
                                float eps);

/* Index of the largest of v[0..n); the first one on ties; -1 if n < 1.
 * NaN entries are never chosen (unless all are NaN: then 0). */
int cn_argmax(const float *v, int n);

#endif
