/* lrn.h - local response normalization across channels (AlexNet, 2012).
 *
 * At every pixel, each channel c is divided by a power of the energy of the
 * channels around it:
 *
 *   s_c = k + alpha' * sum_{c' in window(c)} a_{c'}^2
 *   b_c = a_c / s_c^beta
 *
 * window(c) = [c - floor(n/2), c + floor((n-1)/2)] intersected with [0, C):
 * n channels centred on c (for odd n; for even n one more before than after),
 * and channels outside [0, C) are skipped, as if they were zero. This is
 * PyTorch's window (it pads the channel axis with n/2 zeros before and
 * (n-1)/2 after) and, for odd n, the paper's.
 *
 * The alpha convention, which changes results by a factor n in alpha:
 *   LRN_ALPHA_OVER_N (default)  alpha' = alpha / n: PyTorch's
 *                               nn.LocalResponseNorm (it averages the squares
 *                               over the window) and Caffe's LRN layer.
 *   LRN_ALPHA_RAW               alpha' = alpha: Krizhevsky et al. 2012,
 *                               section 3.3, which writes alpha * sum.
 * AlexNet's constants are n = 5, k = 2, alpha = 1e-4, beta = 0.75. With
 * alpha = 1e-4 and activations of order 1 the sum barely moves s from k, so
 * the layer is close to a constant scale 2^-0.75; the tests also use
 * alpha = 0.1, where the normalization matters.
 *
 * Backward. With y_j = a_j s_j^-beta and ds_j/da_i = 2 alpha' a_i when
 * i is in window(j):
 *
 *   dL/da_i = dy_i s_i^-beta - 2 alpha' beta a_i sum_{j: i in window(j)} dy_j a_j s_j^(-beta-1)
 *           = dy_i s_i^-beta - 2 alpha' beta a_i sum_{j: i in window(j)} dy_j y_j / s_j
 *
 * where {j : i in window(j)} = [i - floor((n-1)/2), i + floor(n/2)] within
 * [0, C) (the window reflected: the same set for odd n). Forward keeps s in
 * scratch (layer_reserve) for backward.
 */
#ifndef CN_LRN_H
#define CN_LRN_H

#include "core/layer.h"

typedef enum { LRN_ALPHA_OVER_N, LRN_ALPHA_RAW } LrnAlpha;

typedef struct {
    Layer base;
    int size;          /* n, the window width in channels */
    float alpha, beta, k;
    LrnAlpha alpha_mode;
    float *scale;      /* scratch: s of the last forward, (reserved B, C, H, W) */
} Lrn;

/* --- kernels on raw arrays --------------------------------------------------- */

/* alpha' for the kernels: alpha / n or alpha. */
float lrn_alpha_eff(float alpha, int size, LrnAlpha mode);

/* x (B,C,H,W) -> y (B,C,H,W), scale s (B,C,H,W); HW = H*W; ap = alpha'. */
void lrn_forward(float *y, float *scale, const float *x, int B, int C, int HW, int size, float ap, float beta,
                 float k);

/* dy, x, y, scale (B,C,H,W) from forward -> dx (B,C,H,W) += dL/dx. */
void lrn_backward(float *dx, const float *dy, const float *x, const float *y, const float *scale, int B, int C,
                  int HW, int size, float ap, float beta);

/* --- layer ---------------------------------------------------------------------- */

/* size >= 1, alpha >= 0, beta >= 0, k > 0 (so s > 0 always).
 * NULL (with cn_last_error()) on bad arguments or out of memory. */
Layer *lrn_create(int size, float alpha, float beta, float k, LrnAlpha alpha_mode);
/* AlexNet's constants with PyTorch's convention:
 * lrn_create(5, 1e-4f, 0.75f, 2.0f, LRN_ALPHA_OVER_N). */
Layer *lrn_create_default(void);

#endif
