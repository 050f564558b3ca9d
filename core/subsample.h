/* subsample.h - LeNet-5's trainable subsampling layer (S2, S4).
 *
 * LeCun et al. 1998, section II.B: "The four inputs to a unit in S2 are
 * added, then multiplied by a trainable coefficient, and added to a
 * trainable bias." So, per channel c with coefficient a[c] and bias b[c],
 * window k x k and stride s (2 and 2 in the paper):
 *
 *     y[n,c,oy,ox] = a[c] * sum_{i<k, j<k} x[n,c, oy*s + i, ox*s + j] + b[c]
 *
 * It is the SUM of the window, not its mean: with a = 1/k^2, b = 0 the layer
 * is average pooling. (The paper then passes y through its sigmoid, the
 * scaled tanh; here that is the next layer.) No padding; OH =
 * conv_out_size(H, k, s, 0, 0) = floor((H - k) / s) + 1, a window that would
 * run off the input is dropped. Parameters: coef (C) with weight decay,
 * bias (C) without, so 2*C trainable numbers (12 for S2, 32 for S4).
 * Initialisation follows layer.c's rule with fan-in k*k: for
 * INIT_LECUN_UNIFORM, a ~ U(-2.4/4, 2.4/4) for 2x2 windows, b = 0.
 */
#ifndef CN_SUBSAMPLE_H
#define CN_SUBSAMPLE_H

#include "core/layer.h"

typedef struct {
    Layer base;
    int k, stride;
} Subsample;

/* inp (B,C,H,W), coef (C), bias (C), out (B,C,OH,OW) */
void subsample_forward(float *out, const float *inp, const float *coef, const float *bias, int B,
                       int C, int H, int W, int OH, int OW, int k, int s);

/* dout (B,C,OH,OW), inp (B,C,H,W), coef (C) ->
 *   dinp (B,C,H,W) += (may be NULL), dcoef (C) +=, dbias (C) += */
void subsample_backward(float *dinp, float *dcoef, float *dbias, const float *dout, const float *inp,
                        const float *coef, int B, int C, int H, int W, int OH, int OW, int k, int s);

/* k x k windows at stride `stride` (LeNet-5: 2, 2). NULL on bad arguments. */
Layer *subsample_create(int k, int stride);

#endif
