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

/* Index of the largest of v[0..n); the first one on ties; -1 if n < 1.
 * NaN entries are never chosen (unless all are NaN: then 0). */
int argmax(const float *v, int n);

#endif
