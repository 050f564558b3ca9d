/* loss.c - softmax cross-entropy, see loss.h. */
#include "core/loss.h"

#include <math.h>

#include "core/error.h"

/* logits (B,K), labels (B), probs (B,K) */
float softmax_ce_forward(float *probs, const float *logits, const unsigned char *labels, int B, int K)
{
    return softmax_ce_smooth_forward(probs, logits, labels, B, K, 0.0f);
}

/* probs (B,K), labels (B), dlogits (B,K) */
void softmax_ce_backward(float *dlogits, const float *probs, const unsigned char *labels, int B, int K)
{
    softmax_ce_smooth_backward(dlogits, probs, labels, B, K, 0.0f);
}

/* logits (B,K), labels (B), probs (B,K) */
float softmax_ce_smooth_forward(float *probs, const float *logits, const unsigned char *labels, int B, int K,
                                float eps)
{
    if (!(eps >= 0.0f && eps < 1.0f)) {
        cn_fail("softmax_ce_smooth_forward: label smoothing %g must be in [0, 1) (0 = none, 0.1 is usual)", (double)eps);
        return NAN;
    }
    if (B < 1 || K < 1) {
        cn_fail("softmax_ce_forward: batch %d, classes %d; both must be at least 1", B, K);
        return NAN;
    }
    for (int n = 0; n < B; n++)
        if (labels[n] >= K) {
            cn_fail("softmax_ce_forward: label %d of sample %d is not a class 0..%d", labels[n], n, K - 1);
            return NAN;
        }
    double total = 0.0;
    for (int n = 0; n < B; n++) {
        const float *z = logits + (size_t)n * (size_t)K;
        float *p = probs + (size_t)n * (size_t)K;
        /* m = max_k z_k, so every z_k - m <= 0 and e^{z_k - m} <= 1 */
        float m = z[0];
        for (int k = 1; k < K; k++) m = z[k] > m ? z[k] : m;
        /* S = sum_k e^{z_k - m} >= 1;  p_k = e^{z_k - m} / S */
        double S = 0.0;
        for (int k = 0; k < K; k++) {
            p[k] = expf(z[k] - m);
            S += p[k];
        }
        const float inv = (float)(1.0 / S);
        for (int k = 0; k < K; k++) p[k] *= inv;
        /* -log p_k = logsumexp(z) - z_k = (m - z_k) + log S */
        const double lse = log(S);
        double Ln = ((double)m - (double)z[labels[n]]) + lse;
        if (eps > 0.0f) {
            double all = 0.0; /* sum_k -log p_k */
            for (int k = 0; k < K; k++) all += ((double)m - (double)z[k]) + lse;
            Ln = (1.0 - (double)eps) * Ln + (double)eps / K * all;
        }
        total += Ln;
    }
    return (float)(total / B);
}

/* probs (B,K), labels (B), dlogits (B,K) */
void softmax_ce_smooth_backward(float *dlogits, const float *probs, const unsigned char *labels, int B, int K,
                                float eps)
{
    /* dL/dz[n,k] = (p[n,k] - q[n,k]) / B   (mean over the batch),
     * q = 1 - eps + eps/K for the label, eps/K for the others */
    const float invB = 1.0f / (float)B, on = 1.0f - eps + eps / (float)K, off = eps / (float)K;
    for (int n = 0; n < B; n++) {
        const float *p = probs + (size_t)n * (size_t)K;
        float *d = dlogits + (size_t)n * (size_t)K;
        for (int k = 0; k < K; k++) d[k] += (p[k] - (k == labels[n] ? on : off)) * invB;
    }
}

int cn_argmax(const float *v, int n)
{
    if (n < 1) return -1;
    int best = 0;
    for (int i = 1; i < n; i++)
        if (v[i] > v[best] || (isnan(v[best]) && !isnan(v[i]))) best = i;
    return best;
}
