/* layer.h - what every layer type shares, and the one table of function
 * pointers that lets a network hold a list of different layers.
 *
 * Each layer type has its own struct with only its own fields, whose FIRST
 * member is a `Layer` (so a `Conv2d *` can be used as a `Layer *`):
 *
 *     typedef struct { Layer base; int oc, kh, kw; ... } Conv2d;
 *
 * Its constructor (`conv2d_create(...)`) takes the hyper-parameters and
 * returns `&c->base`; the input shape is given later, when the layer joins a
 * network (`layer_setup`), which computes the output shape and allocates
 * the parameters. The raw kernels (`conv2d_forward(out, inp, weight, ...)`)
 * are free functions on arrays with explicit sizes; the ops below adapt them.
 *
 * Shapes are per sample (C, H, W); a batch of B samples is B consecutive
 * blocks (NCHW, see tensor.h). A dense layer's vectors are (C, 1, 1).
 *
 * Gradients are the true dL/d(thing). backward ACCUMULATES: it adds into dx
 * and into every param's grad (through layer_param_grad, which is NULL while
 * input_grad_only is set); layer_zero_grad / net_zero_grad clear them.
 */
#ifndef CN_LAYER_H
#define CN_LAYER_H

#include <stddef.h>

#include "core/rng.h"

typedef struct {
    int c, h, w;
} CnShape;

static inline size_t shape_size(CnShape s) { return (size_t)s.c * (size_t)s.h * (size_t)s.w; }

/* One learnable array (weights or biases) with its gradient. */
typedef struct {
    const char *name;  /* "weight", "bias", "coef" ... */
    float *value;      /* n numbers, owned by the layer */
    float *grad;       /* n numbers: dL/dvalue, accumulated by backward */
    size_t n;
    size_t trainable;  /* how many of the n are real parameters (a connection
                          table keeps the others at zero); n when unmasked */
    int decay;         /* 1 if weight decay applies (weights), 0 (biases) */
    int dims[4];       /* shape of value, for summaries and saved files */
    int frozen;        /* 1: the optimizer leaves it alone (no step, no weight decay;
                          backward still fills grad); 0 after setup */
} CnParam;

typedef enum {
    INIT_LECUN_UNIFORM,  /* U(-2.4/F, 2.4/F), F = fan-in (LeCun et al. 1998) */
    INIT_HE,             /* N(0, 2/fan_in) (He et al. 2015), for ReLU nets */
    INIT_XAVIER,         /* U(-a, a), a = sqrt(6/(fan_in+fan_out)) (Glorot 2010) */
} InitKind;

typedef struct Layer Layer;

typedef struct {
    const char *kind;  /* "conv", "maxpool", "relu", ... (summaries, saved files) */
    /* l->in is set: check it fits, set l->out, allocate params. 0 or -1. */
    int (*setup)(Layer *l);
    /* Make room for scratch state of a batch of B (argmax, masks); may be
     * NULL. Called before forward with a larger B than ever before. 0/-1. */
    int (*reserve)(Layer *l, int B);
    /* y (B, out) = f(x (B, in)). Overwrites y. */
    void (*forward)(Layer *l, float *y, const float *x, int B);
    /* Given dy = dL/dy (B, out), x and y of the last forward:
     * dx (B, in) += dL/dx (skipped when dx is NULL), param grads += dL/dparam. */
    void (*backward)(Layer *l, float *dx, const float *dy, const float *x, const float *y, int B);
    /* Initialize parameters; NULL means the generic rule in layer.c
     * (param[0] by `kind` with l->fan_in/fan_out, other params zero). */
    void (*init)(Layer *l, InitKind kind, Rng *r);
    /* Free everything the layer owns, including the struct itself. */
    void (*destroy)(Layer *l);
} LayerOps;

struct Layer {
    const LayerOps *ops;
    char label[24];     /* name shown in summaries: "C1", "conv2", "relu" */
    CnShape in, out;    /* per-sample shapes */
    CnParam param[3];
    int nparam;
    int training;       /* 1 while training (dropout is active), 0 at evaluation */
    int fan_in, fan_out;
    /* Spatial footprint for receptive-field arithmetic: kernel, stride,
     * padding (1, 1, 0 for layers that work pixel by pixel; 0 for a layer
     * that sees the whole input, like dense). */
    int rf_k, rf_s, rf_p;
    double madds;       /* multiply-adds per sample in forward */
    int reserved;       /* largest B reserve() was called with */
    int input_grad_only; /* 1 during net_backward_input: backward computes dx and
                            leaves every param's grad as it is */
};

/* What backward adds param p's gradient into: its grad, or NULL (the raw
 * kernels then skip that sum) while only the input gradient is wanted. */
static inline float *layer_param_grad(const Layer *l, int p)
{
    return l->input_grad_only ? NULL : l->param[p].grad;
}

/* Give the layer its input shape; calls ops->setup. 0 or -1. */
int layer_setup(Layer *l, CnShape in);
/* Ensure scratch room for a batch of B. 0 or -1. */
int layer_reserve(Layer *l, int B);
void layer_init(Layer *l, InitKind kind, Rng *r);
void layer_zero_grad(Layer *l);
size_t layer_param_count(const Layer *l);  /* sum of trainable */
void layer_free(Layer *l);
/* For destroy(): free the param buffers layer_alloc_param made. */
void layer_free_params(Layer *l);

/* Helper for setup(): allocate param p of layer l with n numbers (value and
 * grad zeroed, in one allocation) and record its name/decay/dims. 0 or -1. */
int layer_alloc_param(Layer *l, int p, const char *name, int decay, int d0, int d1, int d2, int d3);

#endif
