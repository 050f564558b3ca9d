/* conv_fast.h - the fast convolution loops (core/conv_fast.c), internal to
 * core/: conv_layer.c calls them when the fast loops are on (conv_loops()).
 * They compute the sums of conv2d_forward_naive / conv2d_backward_naive,
 * mostly added in other orders: equal up to rounding. */
#ifndef CN_CONV_FAST_H
#define CN_CONV_FAST_H

#include "core/conv_geom.h"

/* Run loops on several threads only when there is enough work to pay for
 * starting them (multiply-adds in the call). */
#define CONV_PAR_MADDS 32768.0

/* The loop family each part of a call on geometry g would take. */
ConvPaths conv_fast_paths(const Conv2dGeom *g, const unsigned char *table);

/* conv2d_forward / conv2d_backward on the fast loops (conv_layer.h). */
void conv_fast_forward(float *out, const float *inp, const float *weight, const float *bias,
                       const unsigned char *table, const Conv2dGeom *g);
void conv_fast_backward(float *dinp, float *dweight, float *dbias, const float *dout,
                        const float *inp, const float *weight, const unsigned char *table,
                        const Conv2dGeom *g);

#endif
