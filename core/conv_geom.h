/* conv_geom.h - the sizes of one convolution call, and the loop families
 * that can compute it: shared by the layer's reference loops
 * (core/conv_layer.c) and the fast loops (core/conv_fast.c). */
#ifndef CN_CONV_GEOM_H
#define CN_CONV_GEOM_H

#include "core/conv.h"

/* The sizes of one call (core/conv_layer.h gives the formula). They must be
 * consistent (checked by the layer's setup; the loops only compute): C and
 * OC divisible by groups, OH and OW as conv_out_size gives them (the bottom
 * and right padding only decide OH and OW). table is
 * (OC, C/groups) or NULL. The raw arrays must not overlap. */
typedef struct {
    int B, C, H, W;             /* input (B, C, H, W) */
    int OC, OH, OW;             /* output (B, OC, OH, OW) */
    int KH, KW;                 /* kernel */
    int sh, sw;                 /* stride */
    int pt, pl;                 /* zero padding above and left of the input */
    int groups;
    ConvOp op;                  /* correlate or convolve */
} Conv2dGeom;

/* The loop family a call runs, for each part of it (forward, input
 * gradient, weight and bias gradient): the reference loops, or a family of
 * core/conv_fast.c (tap-major, flattened planes, flattened planes with
 * 5-wide kernels several maps at a time, dense, blocked). */
typedef enum {
    CONV_PATH_NAIVE,
    CONV_PATH_TAPMAJOR,
    CONV_PATH_WIDE,
    CONV_PATH_WIDE5,
    CONV_PATH_DENSE,
    CONV_PATH_BLOCKED,
    CONV_PATH_MINE              /* the program's own loops (conv_set_custom_loops) */
} ConvPath;

typedef struct {
    ConvPath fwd, dx, dw;
} ConvPaths;

#endif
