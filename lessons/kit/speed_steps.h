/* speed_steps.h - one convolution layer's forward pass, step by step from
 * the textbook loop nest to loops that run near the machine's peak, and the
 * two measurements of the machine lesson 12 compares them with.
 *
 * Every step computes what conv2d_forward_naive (core/conv_layer.c)
 * computes for a correlation with stride 1, the same zero padding on every
 * side, one group and no connection table:
 *
 *   y[n,o,oy,ox] = b[o] + sum_c sum_{m,k} w[o,c,m,k] * x[n, c, oy - pad + m, ox - pad + k]
 *
 * (pixels outside the input are 0), adding the same terms in other orders:
 * equal up to rounding. The steps are teaching code: short, one idea each.
 * speed_steps.c (steps 1-3) and speed_narrow.c (step 4) are built for the
 * compiler's baseline instruction set (on x86-64, SSE2: 4 floats a vector
 * register), speed_wide.c (steps 5-6, and the machine's measurements) with
 * the instructions the fast loops of core/conv_fast.c use (the Makefile's
 * FAST_ARCH: this machine's own). */
#ifndef CN_KIT_SPEED_STEPS_H
#define CN_KIT_SPEED_STEPS_H

#include <stddef.h>

/* One call's sizes: input (B, C, H, W), weights (OC, C, K, K), output
 * (B, OC, OH, OW) with OH = H + 2 pad - K + 1, OW likewise. */
typedef struct {
    int B, C, H, W, OC, K, pad, OH, OW;
} StepGeom;

/* The geometry of a K x K correlation with zero padding pad. */
StepGeom step_geom(int B, int C, int H, int W, int OC, int K, int pad);

/* out (B,OC,OH,OW) = the convolution of inp (B,C,H,W) with weight (OC,C,K,K) plus bias (OC). */
typedef void (*StepFn)(float *out, const float *inp, const float *weight, const float *bias, const StepGeom *g);

/* 1. The textbook nest: every output pixel, every tap, an `if` for the padding. */
void step_textbook(float *out, const float *inp, const float *weight, const float *bias, const StepGeom *g);
/* 2. The taps that fall outside the input are cut from the loop bounds instead. */
void step_clipped(float *out, const float *inp, const float *weight, const float *bias, const StepGeom *g);
/* 3. One weight at a time against a whole row of outputs: the innermost loop
 *    walks contiguous memory with independent iterations, so it vectorizes. */
void step_rows(float *out, const float *inp, const float *weight, const float *bias, const StepGeom *g);
/* 4. Register blocking (lessons/kit/speed_block.h), built for the baseline
 *    instruction set. OC must be a multiple of STEP_MAPS. */
void step_blocked(float *out, const float *inp, const float *weight, const float *bias, const StepGeom *g);
/* 5. The same source built with the machine's wider vectors (speed_wide.c). */
void step_wide(float *out, const float *inp, const float *weight, const float *bias, const StepGeom *g);
/* 6. Step 5 with the (sample, block of maps) pairs shared among the threads. */
void step_threads(float *out, const float *inp, const float *weight, const float *bias, const StepGeom *g);

/* Output maps a block of step 4..6 computes at once. */
#define STEP_MAPS 4

/* Floats in one vector register of the build of step_blocked and of
 * step_wide. */
int step_blocked_floats(void);
int step_wide_floats(void);

/* --- the machine ---------------------------------------------------------------- */

/* Floating-point operations per second (2 per multiply-add) of `threads`
 * threads each running `chains` independent chains of multiply-adds, one
 * vector register wide each, for about `seconds`. chains: 1 to 16. */
double machine_madd_gflops(int chains, int threads, double seconds);

/* Bytes per second of the triad a[i] = b[i] + s c[i] over three arrays of
 * `bytes` bytes each (12 bytes moved per i: two reads and a write), on
 * `threads` threads, the best of `repeat` passes. */
double machine_triad_gbs(size_t bytes, int threads, int repeat);

/* Microseconds one parallel region of `threads` threads costs when it has
 * nothing to do: starting the threads' work and waiting for all of them at
 * its end. The best of 5 rounds of 2,000 regions. */
double machine_fork_join_us(int threads);

#endif
