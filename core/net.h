/* net.h - a network: an ordered list of layers, each feeding the next.
 *
 * Building one reads like the table in a paper:
 *
 *     Net *net = net_create("lenet5-modern", (CnShape){ 1, 28, 28 });
 *     net_add(net, "C1", conv2d_create(6, 5, 5, 1, 2, 1, CONV_OP_CORRELATE));
 *     net_add(net, "relu1", relu_create());
 *     ...
 *     CN_CHECK(net_ok(net));
 *
 * net_add takes ownership of the layer, gives it the previous layer's output
 * shape (layer_setup) and records its label. A failed constructor (NULL) or
 * a failed setup is remembered: the first error is kept, later net_add calls
 * only free their layer, and net_ok() reports it once at the end. net_add
 * and net_ok also accept a NULL net (net_create failed), so the table never
 * needs a check per line.
 *
 * Buffers: for every layer i the net owns its output act[i] (B, out_i) and
 * the gradient of the loss with respect to that output grad[i], both grown on
 * demand to the largest batch seen. Layer i reads act[i-1] (the net's input x
 * for i = 0) and writes act[i]; backward walks the layers in reverse, each
 * adding dL/d(its input) into grad[i-1].
 */
#ifndef CN_NET_H
#define CN_NET_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/layer.h"
#include "core/rng.h"

typedef struct {
    char name[64];       /* architecture name; saved files must match it */
    CnShape in;          /* per-sample input shape */
    int n, cap;          /* layers in use, slots allocated */
    Layer **layer;       /* layer[0..n), owned */
    float **act;         /* act[i]: output of layer i, (batch_cap, out_i) */
    float **grad;        /* grad[i]: dL/d act[i]; the last one is unused (dlogits is given) */
    int batch_cap;       /* the act/grad buffers hold this many samples */
    int last_B;          /* batch size of the last forward (0 before any) */
    const float *last_x; /* input of the last forward, read again by backward */
    float in_mean, in_std; /* pixel p (0..255) enters as (p/255 - in_mean) / in_std */
    char **classes;      /* NULL, or the names of the nclasses outputs (owned): what it was trained on */
    int nclasses;
    int failed;          /* 1 once a net_add went wrong */
    char error[1280];    /* the first error, for net_ok */
} Net;

/* An empty network for inputs of shape `in` (all >= 1). NULL on failure. */
Net *net_create(const char *name, CnShape in);
void net_free(Net *net);

/* Append layer l (owned from now on, freed even on failure) under `label`
 * (unique, at most 23 characters; NULL gives "kind<index>"). 0 or -1. */
int net_add(Net *net, const char *label, Layer *l);

/* 1 when every net_add succeeded and the net has at least one layer. When
 * not, returns 0 and records the first error again with cn_fail, so
 * CN_CHECK(net_ok(net)) prints it. */
int net_ok(const Net *net);

/* --- reading the structure ------------------------------------------------ */
int net_count(const Net *net);
Layer *net_layer(Net *net, int i);               /* NULL when i is out of range */
int net_find(const Net *net, const char *label); /* index, or -1 (no message) */
CnShape net_out_shape(const Net *net);           /* output of the last layer */
size_t net_param_count(const Net *net);          /* sum of trainable numbers */
double net_madds(const Net *net);                /* multiply-adds per image, forward */
int net_nparams(const Net *net);                 /* number of CnParam arrays */
/* The k-th CnParam array counting through the layers in order (NULL if out of
 * range); *layer_index gets its layer when layer_index is not NULL. */
CnParam *net_param(const Net *net, int k, int *layer_index);

/* Receptive field of one unit of layer i's output, in input pixels, by the
 * recurrences (Araujo et al., "Computing receptive fields", Distill 2019):
 *
 *     r_l = r_{l-1} + (k_l - 1) * j_{l-1}       field size
 *     j_l = j_{l-1} * s_l                        jump: input pixels between
 *                                                neighbouring units
 *     c_l = c_{l-1} + ((k_l - 1)/2 - p_l) * j_{l-1}   centre of the first unit
 *
 * with r_0 = 1, j_0 = 1, c_0 = 0. A layer with rf_k = 0 (dense) sees its whole
 * input: from there on `whole` is 1 and size/jump no longer apply. */
typedef struct {
    int size, jump;
    double start;   /* input coordinate of the centre of output unit 0 */
    int whole;      /* 1: every unit sees the entire input */
} RecField;
RecField net_receptive_field(const Net *net, int i);

/* One row per layer: label, kind, output shape, parameters, multiply-adds,
 * receptive field and jump; then the totals. 0 or -1 (write error). */
int net_summary(const Net *net, FILE *f);

/* --- running -------------------------------------------------------------- */

/* x (B, in) -> logits (B, out of the last layer), a pointer into the net's
 * own buffer (valid until the next forward). x must stay unchanged until
 * net_backward. NULL with a message on failure (not ok, B < 1, no memory). */
const float *net_forward(Net *net, const float *x, int B);

/* Given dlogits = dL/dlogits (B, out) for the last forward (same B): clear
 * the activation gradients, then run every layer's backward in reverse.
 * Parameter gradients ACCUMULATE; net_zero_grad clears them. 0 or -1. */
int net_backward(Net *net, const float *dlogits, int B);

/* The gradient with respect to the input, for saliency maps and
 * adversarial pictures: given dlogits = dL/dlogits (B, out) for the last
 * forward (same B), dx (B, in) = dL/dx, overwritten. The layers skip their
 * parameter gradients (Layer.input_grad_only), which stay exactly as they
 * were: nothing a training step would read is touched. 0 or -1. */
int net_backward_input(Net *net, float *dx, const float *dlogits, int B);
/* The same from the output of layer `layer` instead of the logits: dy =
 * dL/d(output of that layer) (B, out_layer), for the last forward; layers
 * after it play no part (the gradient of one hidden unit, for its
 * effective receptive field). 0 or -1. */
int net_backward_input_from(Net *net, int layer, float *dx, const float *dy, int B);

/* Output of layer i after the last forward: (last_B, out_i), or NULL. */
const float *net_output(const Net *net, int i);

void net_zero_grad(Net *net);
/* 1 while training (dropout active), 0 for evaluation. */
void net_set_training(Net *net, int training);
/* Initialise every layer in order from one generator (layer_init). */
void net_init(Net *net, InitKind kind, Rng *r);

/* --- class names ---------------------------------------------------------- */

/* Name the net's outputs: n names (n = its number of outputs, each at most
 * 255 characters), copied; NULL names (or n = 0) forgets them. train_run
 * records the training set's names; a saved model keeps them. 0 or -1. */
int net_set_classes(Net *net, const char *const *names, int n);

/* --- input pixels --------------------------------------------------------- */

/* How 8-bit pixels become inputs: x = (p/255 - mean) / std. The default is
 * mean 0, std 1 (x in [0, 1]). std must be > 0. 0 or -1. */
int net_set_input_norm(Net *net, float mean, float std);
/* x[i] = (p[i]/255 - mean) / std for n pixels. */
void net_input_from_u8(const Net *net, float *x, const uint8_t *p, size_t n);

#endif
