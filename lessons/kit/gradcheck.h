/* gradcheck.h - the lesson kit's gradient check: every gradient a
 * network's backward pass gave, compared entry by entry with a central
 * difference of the loss,
 *
 *     dL/dv ≈ (L(v + ε) − L(v − ε)) / (2ε),
 *
 * L the mean cross-entropy of a batch against its labels, summed in double
 * (the forward passes run in float). Each nudged forward pass is watched
 * for a kink: a ReLU output that switches on or off, or a max-pooling
 * window whose maximum moves. Where one side crosses a kink, the one-sided
 * difference on the other side is the true local slope and the analytic
 * gradient is held to it; an entry with a kink on both sides is not
 * checked.
 *
 *     GradCheck *g = gradcheck_create(net, x, y, B, 1e-3);  // after forward + backward of x
 *     GradRow row = { .layer = "fc", .what = "dL/dW" };
 *     gradcheck_param(g, &row, 3, 0, fc->param[0].grad);
 *     gradcheck_free(g);
 *
 * Lessons only (it stops the program when memory runs out). */
#ifndef CN_KIT_GRADCHECK_H
#define CN_KIT_GRADCHECK_H

#include "core/net.h"
#include "core/notebook.h"

/* One array of the check: what the lesson names it, and what was found. */
typedef struct {
    const char *layer, *what;
    int n;                 /* entries */
    int smooth;            /* entries whose nudges cross no kink */
    int bad;               /* smooth entries outside tolerance */
    int kinks;             /* entries with a kink on one side */
    int kinks_matched;     /* ... where the analytic gradient equals the other side's slope */
    int both;              /* entries with a kink on both sides (not checked) */
    double max_abs_err;    /* largest |analytic - central| over the smooth entries */
    double max_grad;       /* largest |central|, for scale */
} GradRow;

typedef struct GradCheck GradCheck;

/* The point to check: net has just run forward on x (B samples, labels y)
 * and backward. Keeps copies of x and of every layer's output, and the
 * on/off pattern of its ReLU and max-pooling layers. eps: the nudge ε. */
GradCheck *gradcheck_create(Net *net, const float *x, const unsigned char *y, int B, double eps);

/* The same for the sum over the B samples of the score (logit) of class
 * y[n] instead of the loss: the quantity a saliency map differentiates. */
GradCheck *gradcheck_create_score(Net *net, const float *x, const unsigned char *y, int B, double eps);

/* The gradient of the loss with respect to the input of layer `from` (the
 * pictures for 0; the scores for from == net_count(net)) against analytic;
 * the forward passes restart at that layer. Fills row's counts. */
void gradcheck_input(GradCheck *g, GradRow *row, int from, const float *analytic);

/* The gradient of parameter p of layer `layer` against analytic (its grad);
 * the forward passes run the whole network. Fills row's counts. */
void gradcheck_param(GradCheck *g, GradRow *row, int layer, int p, const float *analytic);

void gradcheck_free(GradCheck *g);

/* The rows as a table (entries, largest |gradient|, largest difference,
 * entries outside tolerance, kinks on one side and how many matched), then
 * one claim a row: every smooth entry within tolerance. Returns the rows'
 * totals (n, smooth, bad, kinks, kinks_matched, both). */
GradRow gradcheck_table(Notebook *nb, const GradRow *rows, int nrow);

/* Why a central difference and the backward pass still differ a little:
 * float rounding, and the difference's own error, ε²/6 · f''' (exact for
 * quadratics; the one-sided difference is off by ε/2 · f''), said in nb
 * and checked on v² and v³ in double. */
void gradcheck_explain_error(Notebook *nb, double eps);

#endif
