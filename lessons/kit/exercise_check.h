/* exercise_check.h - the checker of the exercises (lessons/exercises/):
 * runs a learner's functions against the library's own loops (core/) on
 * many shapes, checks every backward against central differences, and
 * says per exercise: passed, not written yet, wrong (largest relative
 * error, where, and a hint for a mistake it recognises), or crashed.
 *
 * The functions come in an ExerciseSet, so the same checker grades the
 * learner's files (make exercises), the solutions and the deliberately
 * wrong versions of the tests (tests/check_exercises.c). Each exercise runs
 * in its own Check test, forked, with a timeout: a crash or an endless loop
 * in the learner's code ends that exercise only, and the checker reports
 * the shape it was running. The list of the exercises is exercise_list.h.
 */
#ifndef CN_KIT_EXERCISE_CHECK_H
#define CN_KIT_EXERCISE_CHECK_H

#include <stdio.h>

#include "lessons/exercises/exercises.h"
#include "lessons/kit/exercise_list.h"

/* --- the functions an exercise set holds (lessons/exercises/exercises.h) --- */
typedef void ExConv1d(float *y, const float *x, int n, const float *k, int kn);
typedef void ExConv1dStrided(float *y, const float *x, int n, const float *k, int kn, int stride, int pad);
typedef void ExConv2d(float *y, const float *x, int H, int W, const float *k, int KH, int KW);
typedef void ExConv2dStrided(float *y, const float *x, int H, int W, const float *k, int KH, int KW, int stride,
                             int pad);
typedef void ExPoolForward(float *y, const float *x, int B, int C, int H, int W, int K, int stride);
typedef void ExMaxpoolBackward(float *dx, const float *dy, const float *x, int B, int C, int H, int W, int K,
                               int stride);
typedef void ExAvgpoolBackward(float *dx, const float *dy, int B, int C, int H, int W, int K, int stride);
typedef void ExSgdStep(float *w, float *v, const float *g, int n, float lr, float momentum, float weight_decay);
typedef void ExConvForward(float *y, const float *x, const float *w, const float *b, int B, int C, int H, int W,
                           int OC, int K, int stride, int pad);
typedef void ExConvBackward(float *dx, float *dw, float *db, const float *dy, const float *x, const float *w, int B,
                            int C, int H, int W, int OC, int K, int stride, int pad);
typedef void ExDenseForward(float *y, const float *x, const float *W, const float *b, int B, int IN, int OUT);
typedef void ExDenseBackward(float *dx, float *dW, float *db, const float *dy, const float *x, const float *W,
                             int B, int IN, int OUT);
typedef void ExActBackward(float *dx, const float *dy, const float *y, int n);
typedef void ExSoftmaxGrad(float *dz, const float *z, const unsigned char *labels, int B, int K);

typedef struct {
    ExConv2d *correlate2d;                 /* 01a */
    ExConv1d *correlate1d, *convolve1d;    /* 02a, 02b */
    ExConv2d *convolve2d;                  /* 02c */
    ExConv1dStrided *correlate1d_strided;  /* 03a */
    ExConv1dStrided *convolve1d_strided;   /* 03b */
    ExPoolForward *maxpool_forward;        /* 04a */
    ExMaxpoolBackward *maxpool_backward;   /* 04b */
    ExPoolForward *avgpool_forward;        /* 04c */
    ExAvgpoolBackward *avgpool_backward;   /* 04d */
    ExSgdStep *sgd_step;                   /* 05a */
    ExConv2dStrided *correlate2d_strided;  /* 06a */
    ExConv2dStrided *convolve2d_strided;   /* 06b */
    ExConvForward *conv_forward;           /* 06c */
    ExConvBackward *conv_backward;         /* 07a */
    ExDenseForward *dense_forward;         /* 07b */
    ExDenseBackward *dense_backward;       /* 07c */
    ExActBackward *relu_backward;          /* 07d */
    ExSoftmaxGrad *softmax_ce_grad;        /* 07e */
    ExActBackward *scaled_tanh_backward;   /* 08a */
} ExerciseSet;

/* The set of the functions named ex_* (lessons/exercises/exercises.h):
 * whichever files define them are linked in. */
#define EXERCISE_SET_OF_EX                                                                                      \
    ((ExerciseSet){ ex_correlate2d, ex_correlate1d, ex_convolve1d, ex_convolve2d, ex_correlate1d_strided,       \
                    ex_convolve1d_strided, ex_maxpool_forward, ex_maxpool_backward, ex_avgpool_forward,         \
                    ex_avgpool_backward, ex_sgd_step, ex_correlate2d_strided, ex_convolve2d_strided,            \
                    ex_conv_forward, ex_conv_backward, ex_dense_forward, ex_dense_backward, ex_relu_backward,   \
                    ex_softmax_ce_grad, ex_scaled_tanh_backward })

/* --- one exercise's outcome --------------------------------------------------- */
typedef enum { EX_PASSED, EX_NOT_WRITTEN, EX_WRONG, EX_CRASHED } ExOutcome;

/* The mistakes the checker recognises, each with its hint. */
typedef enum {
    EX_HINT_NONE,
    EX_HINT_NOT_FLIPPED,   /* convolution asked, the output is the correlation */
    EX_HINT_FLIPPED,       /* correlation asked, the output is the convolution */
    EX_HINT_SIZE,          /* the output size is off by one */
    EX_HINT_OVERWRITTEN,   /* a gradient overwritten instead of accumulated */
    EX_HINT_TIES,          /* the max-pool gradient sent to every tied input (or the last) */
    EX_HINT_BATCH,         /* the softmax gradient not divided by the batch */
    EX_HINT_TANH_SCALE,    /* the scaled tanh's derivative without its A and S */
    EX_HINT_COUNT
} ExHint;

typedef struct {
    ExOutcome outcome;
    ExHint hint;
    int shapes;            /* shapes run */
    double worst;          /* largest relative error against the reference */
    char worst_at[320];    /* where: shape and index */
    double fd_worst;       /* largest relative error against central differences */
    int fd_checked;        /* entries checked that way */
    char shape[200];       /* the shape running (last run) */
    char detail[400];      /* wrong: what was found; crashed: the signal or the timeout */
    char hint_text[400];
} ExResult;

/* How to run: which exercises (NULL: all), the timeout of each in seconds. */
typedef struct {
    const char *which;
    double timeout_s;
    int color;             /* ANSI colours in the report */
} ExCheckOpts;

/* Run the exercises opts->which names on set, one forked Check test each,
 * results into res[EXERCISE_COUNT] (those not run: outcome -1), a report
 * printed to out. Returns the number of exercises wrong or crashed, or -1
 * (message in cn_last_error()) when opts->which names none. */
int exercise_check(const ExerciseSet *set, const ExCheckOpts *opts, ExResult *res, FILE *out);

/* 07a's last check, on its own (for the tests): set's convolution layer
 * (06c, 07a) inside a network, as lesson 08 runs it, its gradients held to
 * central differences of the loss by the lesson kit's gradient check. r's
 * outcome becomes EX_WRONG when they differ; it is not reset first. */
void exercise_conv_in_network(const ExerciseSet *set, ExResult *r);

#endif
