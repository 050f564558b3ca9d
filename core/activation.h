/* activation.h - element-wise nonlinearities: ReLU, tanh, LeNet's scaled
 * tanh, sigmoid.
 *
 *   ReLU         y = max(0, a)                 dy/da = 1 if y > 0 else 0
 *   tanh         y = tanh(a)                   dy/da = 1 - y^2
 *   scaled tanh  y = A tanh(S a),              dy/da = A S (1 - tanh^2(S a))
 *                A = 1.7159, S = 2/3                 = (S / A) (A^2 - y^2)
 *                (LeCun et al. 1998, appendix A: f(1) ~ 1, f(-1) ~ -1, and
 *                the second derivative is largest near +-1)
 *   sigmoid      y = 1 / (1 + e^-a)            dy/da = y (1 - y)
 *
 * Every derivative is written in terms of the output y, so backward needs
 * only y (and dy), never a second call to tanh or exp. At a = 0 ReLU's
 * derivative is taken as 0 (y > 0 is false), as in PyTorch.
 *
 * The output shape equals the input shape. Each element is computed on its
 * own, so the result is the same whatever the number of threads.
 */
#ifndef CN_ACTIVATION_H
#define CN_ACTIVATION_H

#include <stddef.h>

#include "core/layer.h"

typedef enum { ACT_RELU, ACT_TANH, ACT_SCALED_TANH, ACT_SIGMOID } ActKind;

#define ACT_LECUN_A 1.7159f
#define ACT_LECUN_S (2.0f / 3.0f)

typedef struct {
    Layer base;
    ActKind kind;
} Activation;

/* --- kernels on raw arrays --------------------------------------------------- */

/* x (n), y (n): y = f(x). x and y may be the same array. */
void activation_forward(float *y, const float *x, size_t n, ActKind kind);
/* dy (n), y (n) from forward, dx (n): dx += dy * f'(a), f' written with y. */
void activation_backward(float *dx, const float *dy, const float *y, size_t n, ActKind kind);

/* "relu", "tanh", "scaled_tanh", "sigmoid" (or "unknown"). */
const char *activation_name(ActKind kind);

/* --- layers ---------------------------------------------------------------------- */

/* NULL (with cn_last_error()) only when out of memory or kind is unknown. */
Layer *activation_create(ActKind kind);
Layer *relu_create(void);
Layer *tanh_create(void);
Layer *scaled_tanh_create(void);
Layer *sigmoid_create(void);

#endif
