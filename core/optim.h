/* optim.h - stochastic gradient descent with momentum and weight decay, and
 * learning-rate schedules.
 *
 * One step, for every number w of every parameter, with its gradient g
 * (dL/dw from net_backward), velocity v (starting at 0), learning rate lr,
 * momentum mu and weight decay lambda:
 *
 *     g' = g + lambda * w      when the CnParam has decay = 1 (weights), else g
 *     v  = mu * v - lr * g'
 *     w  = w + v
 *
 * This is classic L2 regularisation: lambda * w is the gradient of
 * (lambda/2) * |w|^2 added to the loss, so it also passes through the
 * momentum (Krizhevsky et al. 2012, section 5, with their 0.0005; PyTorch's
 * torch.optim.SGD(momentum, weight_decay) gives the same numbers when
 * dampening = 0 and lr is constant: it stores v/(-lr) instead of v).
 * It is not the "decoupled" decay of AdamW (w -= lr*lambda*w outside the
 * momentum). Biases (decay = 0) are not decayed.
 *
 * The velocity lives with the lr already folded in, so changing lr between
 * steps (a schedule) only changes the new contribution, as in the paper.
 */
#ifndef CN_OPTIM_H
#define CN_OPTIM_H

#include "core/net.h"

typedef struct {
    float momentum, weight_decay;
    int n;             /* number of CnParam arrays */
    CnParam **param;   /* the net's params in net_param order (not owned) */
    float **velocity;  /* velocity[k]: param[k]->n numbers, zero at first */
} Sgd;

/* An optimizer for every CnParam of net (which must outlive it). momentum in
 * [0, 1), weight_decay >= 0. NULL with a message on failure. */
Sgd *sgd_create(Net *net, float momentum, float weight_decay);
void sgd_free(Sgd *s);
/* One update of every parameter with learning rate lr, using the gradients
 * as they are (the caller zeroes them before each backward). A param with
 * `frozen` set (core/layer.h) is skipped: no step, no weight decay. */
void sgd_step(Sgd *s, float lr);
/* The same update for part `part` of nparts of every param's numbers (the
 * numbers n*part/nparts .. n*(part+1)/nparts - 1): called by each of nparts
 * threads with its own part, it is one sgd_step. */
void sgd_step_part(Sgd *s, float lr, int part, int nparts);
/* Forget the velocities (back to 0). */
void sgd_reset(Sgd *s);

/* --- learning-rate schedules ----------------------------------------------
 *
 * Time t = epoch + frac counts epochs from 0 (frac in [0, 1] is how much of
 * the epoch is done; the training loop passes (b + 1) / nbatches for batch b,
 * i.e. the time once that step is taken). With base rate lr0:
 *
 *   LR_CONSTANT  lr0
 *   LR_STEP      lr0 * gamma^floor(epoch / step_epochs)        (whole epochs)
 *   LR_COSINE    lr_min + (lr0 - lr_min) * (1 + cos(pi * t / total_epochs)) / 2
 *                (Loshchilov & Hutter 2017, one cycle): lr0 at t = 0, lr_min at
 *                t = total_epochs and after
 *
 * Linear warmup (warmup_epochs > 0): for t < warmup_epochs the rate above is
 * multiplied by t / warmup_epochs, so it rises from 0 (Goyal et al. 2017).
 */
typedef enum { LR_CONSTANT, LR_STEP, LR_COSINE } LrKind;

typedef struct {
    LrKind kind;
    float lr;             /* lr0 */
    int step_epochs;      /* LR_STEP: multiply by gamma every step_epochs epochs (>= 1) */
    float gamma;          /* LR_STEP */
    int total_epochs;     /* LR_COSINE: length of the decay (>= 1) */
    float lr_min;         /* LR_COSINE: final rate (0 for none) */
    float warmup_epochs;  /* 0 for no warmup */
} Schedule;

Schedule optim_schedule_constant(float lr);
Schedule optim_schedule_step(float lr, int step_epochs, float gamma);
Schedule optim_schedule_cosine(float lr, int total_epochs, float lr_min);

/* The rate at time epoch + frac (see above). */
float optim_lr_at(const Schedule *s, int epoch, float frac);

/* 0 when the fields make sense, else -1 with a message. */
int optim_schedule_check(const Schedule *s);

#endif
