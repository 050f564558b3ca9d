/* dense.h - the fully connected layer: y = W x + b.
 *
 * The input of a sample is any (C, H, W) block, read as one vector of
 * IN = C*H*W numbers in NCHW order (no copy: a sample's block is already
 * contiguous). The output is (OUT, 1, 1). W is (OUT, IN) row-major, so row o
 * holds the IN weights of output o contiguously; b is (OUT).
 *
 *   forward    y[n,o]  = b[o] + sum_i W[o,i] x[n,i]
 *   backward   dx[n,i] += sum_o dy[n,o] W[o,i]
 *              dW[o,i] += sum_n dy[n,o] x[n,i]
 *              db[o]   += sum_n dy[n,o]
 *
 * Threads split independent outputs only (samples, or rows of dW), and each
 * sum runs in a fixed order, so results are bit-identical for any number of
 * threads.
 */
#ifndef CN_DENSE_H
#define CN_DENSE_H

#include "core/layer.h"

typedef struct {
    Layer base;
    int out_features;  /* OUT; IN comes from base.in at setup */
} Dense;

/* --- kernels on raw arrays --------------------------------------------------- */

/* x (B,IN), W (OUT,IN), b (OUT), y (B,OUT). b may be NULL (no bias). */
void dense_forward(float *y, const float *x, const float *W, const float *b, int B, int IN, int OUT);

/* dy (B,OUT), x (B,IN), W (OUT,IN) -> dx (B,IN) +=, dW (OUT,IN) +=, db (OUT) +=.
 * Any of dx, dW, db may be NULL to skip that gradient. */
void dense_backward(float *dx, float *dW, float *db, const float *dy, const float *x, const float *W, int B,
                    int IN, int OUT);

/* --- layer ---------------------------------------------------------------------- */

/* A dense layer with `out_features` outputs; params "weight" (OUT,IN,1,1,
 * decayed) and "bias" (OUT,1,1,1). Weights are initialised by layer_init's
 * generic rule with fan_in = IN, fan_out = OUT; biases start at zero.
 * NULL (with cn_last_error()) if out_features < 1 or out of memory. */
Layer *dense_create(int out_features);

#endif
