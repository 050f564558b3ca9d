/* mine.h - a lesson's convolutions on the learner's own loops (--mine).
 *
 * The learner writes the convolution layer's forward and backward in
 * lessons/exercises/06c_conv_forward.c and 07a_conv_backward.c. The lesson
 * programs built by `make exercises` (build/exercises/08_lenet) link them
 * in: there exercise_conv_linked() returns them (lessons/exercises/checker/
 * linked.c); in every other program it returns NULL (mine_none.c), so what
 * the learner writes never changes what `make build` or `make lessons` run.
 *
 * The learner's functions take one stride, one padding and square kernels,
 * no groups, no connection table, cross-correlation. The adapter below
 * gives them every call of core/conv_layer.c they can compute: groups one
 * sample and one group at a time; a connection table (LeNet-5's C3) by the
 * removed weights being 0 (forward) and their gradient kept at 0
 * (backward); a gradient the layer does not want (the first layer's dx)
 * into scratch. A call they cannot take (a true convolution, two strides,
 * uneven padding, a forward without bias) runs on the reference loops and
 * is counted.
 */
#ifndef CN_KIT_MINE_H
#define CN_KIT_MINE_H

#include "core/conv_geom.h"

typedef struct {
    void (*forward)(float *y, const float *x, const float *w, const float *b, int B, int C, int H, int W, int OC,
                    int K, int stride, int pad);
    void (*backward)(float *dx, float *dw, float *db, const float *dy, const float *x, const float *w, int B, int C,
                     int H, int W, int OC, int K, int stride, int pad);
    const char *where;   /* the files they come from */
} MineConv;

/* The learner's convolution layer linked into this program, or NULL. */
const MineConv *exercise_conv_linked(void);

/* Make `m` the loops of CONV_LOOPS_MINE (core/conv_layer.h) through the
 * adapter (NULL: none). */
void mine_register(const MineConv *m);

/* Calls of conv2d_forward / conv2d_backward the learner's loops computed,
 * and those that ran on the reference loops instead, since the start. */
void mine_calls(long *mine, long *reference);

#endif
