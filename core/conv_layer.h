/* conv_layer.h - the 2-D convolution layer (Conv2d): channels, stride,
 * padding, groups, a connection table, bias, and two modes.
 *
 * Input x (B, C, H, W), weights w (OC, C/G, KH, KW), bias b (OC), output
 * y (B, OC, OH, OW), G groups. Output channel o belongs to group g = o / (OC/G)
 * and sees the C/G input channels c = g*(C/G) + j, j = 0 .. C/G-1, through
 * its weights w[o, j]. With stride (sh, sw) and zero padding pt (top) and
 * pl (left), output pixel (oy, ox) looks at the window whose corner is input
 * pixel (oy*sh - pt, ox*sw - pl):
 *
 *   CORRELATE  y[n,o,oy,ox] = b[o] + sum_j sum_{m,k} w[o,j,m,k]
 *                                     * x[n, c, oy*sh - pt + m, ox*sw - pl + k]
 *   CONVOLVE   y[n,o,oy,ox] = b[o] + sum_j sum_{m,k} w[o,j,KH-1-m,KW-1-k]
 *                                     * x[n, c, oy*sh - pt + m, ox*sw - pl + k]
 *
 * (pixels outside the input read as 0). The window is the same; true
 * convolution walks the kernel backwards in both axes (core/conv.h), so a
 * CONVOLVE layer with weights w computes what a CORRELATE layer computes
 * with rot180(w[o,j]) for every (o, j). Both modes train: each has its own
 * forward and backward loops, written with its own kernel index.
 *
 * OH = conv_out_size(H, KH, sh, pt, pb) and OW = conv_out_size(W, KW, sw,
 * pl, pr) (core/conv.h): windows that would run past the padded input are
 * dropped (floor).
 *
 * Connection table (LeNet-5's C3): t (OC, C/G) of 0/1; t[o,j] = 0 removes
 * the pair (o, j): its KH*KW weights are kept at exactly 0 (init writes 0,
 * backward never adds to their gradient, forward and backward skip the pair),
 * and CnParam.trainable, fan-in, madds count connected weights only. With G = 1
 * the table is OC x C, as in the paper's Table I.
 */
#ifndef CN_CONV_LAYER_H
#define CN_CONV_LAYER_H

#include "core/conv.h"
#include "core/conv_geom.h"
#include "core/layer.h"

typedef struct {
    int out_channels;           /* OC >= 1, divisible by groups */
    int kh, kw;                 /* kernel height and width >= 1 */
    int stride_h, stride_w;     /* >= 1 */
    int pad_top, pad_bottom;    /* zero padding >= 0 on each side */
    int pad_left, pad_right;
    int groups;                 /* >= 1; C and OC divisible by it */
    ConvOp op;              /* the operation (core/conv.h) */
} Conv2dConfig;

typedef struct {
    Layer base;
    Conv2dConfig cfg;
    unsigned char *table;       /* (OC, table_cin / G) of 0/1, or NULL: all connected */
    int table_cin;              /* input channels the table was given for */
    size_t connections;         /* connected (output, input) channel pairs */
} Conv2d;

/* --- the loops ---------------------------------------------------------------
 * Conv2dGeom (core/conv_geom.h) holds the sizes of one call. */

/* The geometry of a set-up conv layer for a batch of B. */
Conv2dGeom conv2d_geom(const Conv2d *c, int B);

/* inp (B,C,H,W), weight (OC,C/G,KH,KW), bias (OC) or NULL, out (B,OC,OH,OW) */
void conv2d_forward(float *out, const float *inp, const float *weight, const float *bias,
                    const unsigned char *table, const Conv2dGeom *g);

/* dout (B,OC,OH,OW), inp (B,C,H,W), weight (OC,C/G,KH,KW) ->
 * dinp (B,C,H,W) +=, dweight (OC,C/G,KH,KW) +=, dbias (OC) +=;
 * any of the three outputs may be NULL (not computed). */
void conv2d_backward(float *dinp, float *dweight, float *dbias, const float *dout, const float *inp,
                     const float *weight, const unsigned char *table, const Conv2dGeom *g);

/* The reference loops: the textbook loop nest, one output (or one output
 * gradient) at a time, the same order core/conv.c teaches. conv2d_forward
 * and conv2d_backward run them when the loops are CONV_LOOPS_NAIVE, and the
 * fast loops (core/conv_fast.c) otherwise; tests hold the fast ones to these. */
void conv2d_forward_naive(float *out, const float *inp, const float *weight, const float *bias,
                          const unsigned char *table, const Conv2dGeom *g);
void conv2d_backward_naive(float *dinp, float *dweight, float *dbias, const float *dout,
                           const float *inp, const float *weight, const unsigned char *table,
                           const Conv2dGeom *g);

/* --- which loops run ------------------------------------------------------------
 * Fast (the default) or the reference loops, for every conv2d_forward /
 * conv2d_backward call of the program (and so every conv layer). Both give
 * the same results up to rounding. */
typedef enum { CONV_LOOPS_FAST, CONV_LOOPS_NAIVE, CONV_LOOPS_MINE } ConvLoops;

/* Loops a program supplies itself (a learner's, lessons/exercises/): with
 * the same arguments and duties as conv2d_forward / conv2d_backward, and a
 * name for conv_loops_name(). */
typedef struct {
    const char *name;
    void (*forward)(float *out, const float *inp, const float *weight, const float *bias,
                    const unsigned char *table, const Conv2dGeom *g);
    void (*backward)(float *dinp, float *dweight, float *dbias, const float *dout, const float *inp,
                     const float *weight, const unsigned char *table, const Conv2dGeom *g);
} ConvCustomLoops;

/* Make loops (kept, not copied) available as CONV_LOOPS_MINE; NULL removes
 * them (the loops in use are then fast if they were the program's own). */
void conv_set_custom_loops(const ConvCustomLoops *loops);

/* CONV_LOOPS_MINE without loops supplied by conv_set_custom_loops is fast. */
void conv_set_loops(ConvLoops loops);
/* The loops in use: set by conv_set_loops, else read once from the
 * environment (CONVNET_LOOPS=naive or fast, or mine when the program
 * supplied its own; unset or empty: fast). */
ConvLoops conv_loops(void);
/* "fast (blocked, vectorized)", "naive (reference)" or the name of the
 * program's own loops. */
const char *conv_loops_name(void);
/* Read CONVNET_LOOPS now and use what it says. 0, or -1 with a message
 * naming the bad value and the allowed ones (the loops then stay fast):
 * programs call it at start to refuse a misspelt value. */
int conv_loops_from_env(void);


/* What conv2d_forward / conv2d_backward would run on g and table now. */
ConvPaths conv2d_paths(const Conv2dGeom *g, const unsigned char *table);
/* "naive", "tap-major", "wide", "wide5", "dense", "blocked", "mine". */
const char *conv_path_name(ConvPath path);

/* --- the layer ----------------------------------------------------------------- */

/* kh x kw kernel, the same stride and zero padding on both axes and all
 * sides. NULL with a message on bad arguments. */
Layer *conv2d_create(int out_channels, int kh, int kw, int stride, int pad, int groups,
                     ConvOp op);
/* Every option; NULL with a message on bad arguments. */
Layer *conv2d_create_cfg(const Conv2dConfig *cfg);

/* Give conv layer l a connection table t (OC, in_channels/groups) of 0/1
 * (nonzero counts as 1), copied; NULL removes the table. in_channels must be
 * the layer's input channels (checked now if the layer is set up, else at
 * setup). Weights of removed pairs are set to 0 now if the parameters exist.
 * Every output map needs at least one input. 0 or -1. */
int conv2d_set_table(Layer *l, int in_channels, const unsigned char *table);

/* LeNet-5's C3 table (LeCun et al. 1998, Table I) as (16, 6) rows of 0/1:
 * maps 0-5 take inputs {i, i+1, i+2} (mod 6), maps 6-11 take {i, .., i+3}
 * (mod 6), maps 12-14 take {0,1,3,4}, {1,2,4,5}, {0,2,3,5}, map 15 all six:
 * 60 connections, 60*25 + 16 = 1,516 parameters with 5x5 kernels. */
const unsigned char *conv2d_lenet5_c3_table(void);

/* The Conv2d behind l, or NULL if l is not a conv layer. */
Conv2d *conv2d_of(Layer *l);

#endif
