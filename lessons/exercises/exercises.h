/* exercises.h - the loops you write: one file per function in
 * lessons/exercises/, numbered after the lesson each one follows.
 *
 * Each file holds the function's signature, its formula and the shapes of
 * its arrays in a comment, and an empty body: the line
 *
 *     exercise_not_written();
 *
 * tells the checker you have not started. Delete it and write the loops.
 * Then
 *
 *     make exercises          checks every exercise
 *     make exercise N=04b     checks one (N=04: lesson 04's; N=maxpool: by name)
 *
 * The checker runs your function on many shapes (1x1 kernels, kernels as
 * large as the input, strides larger than the kernel, padding, batch 1, odd
 * sizes) against the library's own loops (core/), checks every backward
 * against finite differences, and says per exercise: passed, not written
 * yet, or wrong (the largest relative error, where, and a hint when it
 * recognises the mistake). Once 06c and 07a pass, LeNet-5 trains on them:
 * build/exercises/08_lenet --quick --mine. A crash or an endless loop in your code is
 * reported for that exercise, with the shape, and the others still run.
 *
 * Layout (as in core/tensor.h): arrays are row-major, a batch is NCHW: a
 * sample's C maps of H rows of W numbers, one after the other. A 2-D map
 * (H, W) has element (h, w) at h*W + w; x (B, C, H, W) has (n, c, h, w) at
 * ((n*C + c)*H + h)*W + w.
 *
 * Every backward ADDS into its gradient arrays (+=): a layer's gradient
 * collects the terms of every output it fed, and the trainer clears the
 * arrays before each batch. The checker fills them with numbers first.
 *
 * Nothing here changes what `make build` or `make lessons` run: these files
 * are compiled only by the exercise targets.
 */
#ifndef CN_EXERCISES_H
#define CN_EXERCISES_H

/* The mark of an exercise not started: its body calls this. */
void exercise_not_written(void);

/* 01a */ void ex_correlate2d(float *y, const float *x, int H, int W, const float *k, int KH, int KW);
/* 02a */ void ex_correlate1d(float *y, const float *x, int n, const float *k, int kn);
/* 02b */ void ex_convolve1d(float *y, const float *x, int n, const float *k, int kn);
/* 02c */ void ex_convolve2d(float *y, const float *x, int H, int W, const float *k, int KH, int KW);
/* 03a */ void ex_correlate1d_strided(float *y, const float *x, int n, const float *k, int kn, int stride, int pad);
/* 03b */ void ex_convolve1d_strided(float *y, const float *x, int n, const float *k, int kn, int stride, int pad);
/* 04a */ void ex_maxpool_forward(float *y, const float *x, int B, int C, int H, int W, int K, int stride);
/* 04b */ void ex_maxpool_backward(float *dx, const float *dy, const float *x, int B, int C, int H, int W, int K,
                                   int stride);
/* 04c */ void ex_avgpool_forward(float *y, const float *x, int B, int C, int H, int W, int K, int stride);
/* 04d */ void ex_avgpool_backward(float *dx, const float *dy, int B, int C, int H, int W, int K, int stride);
/* 05a */ void ex_sgd_step(float *w, float *v, const float *g, int n, float lr, float momentum, float weight_decay);
/* 06a */ void ex_correlate2d_strided(float *y, const float *x, int H, int W, const float *k, int KH, int KW,
                                      int stride, int pad);
/* 06b */ void ex_convolve2d_strided(float *y, const float *x, int H, int W, const float *k, int KH, int KW,
                                     int stride, int pad);
/* 06c */ void ex_conv_forward(float *y, const float *x, const float *w, const float *b, int B, int C, int H, int W,
                               int OC, int K, int stride, int pad);
/* 07a */ void ex_conv_backward(float *dx, float *dw, float *db, const float *dy, const float *x, const float *w,
                                int B, int C, int H, int W, int OC, int K, int stride, int pad);
/* 07b */ void ex_dense_forward(float *y, const float *x, const float *W, const float *b, int B, int IN, int OUT);
/* 07c */ void ex_dense_backward(float *dx, float *dW, float *db, const float *dy, const float *x, const float *W,
                                 int B, int IN, int OUT);
/* 07d */ void ex_relu_backward(float *dx, const float *dy, const float *y, int n);
/* 07e */ void ex_softmax_ce_grad(float *dz, const float *z, const unsigned char *labels, int B, int K);
/* 08a */ void ex_scaled_tanh_backward(float *dx, const float *dy, const float *y, int n);

#endif
