/* train_config.h - the settings of a training run (TrainConfig), apart
 * from the loop that reads them (train.h), so that a checkpoint
 * (model_io.h) can save and compare them without depending on that loop.
 */
#ifndef CN_TRAIN_CONFIG_H
#define CN_TRAIN_CONFIG_H

#include <stdint.h>
#include <stdio.h>

#include "core/history.h"
#include "core/net.h"
#include "core/optim.h"
#include "core/rng.h"

/* Changes one normalized image in place: img (c, h, w). Draw every random
 * number from r (re-seeded each epoch), nothing else, to stay reproducible. */
typedef void (*AugmentFn)(float *img, int c, int h, int w, Rng *r, void *ctx);

/* Where a training run is when it calls its watcher (TrainConfig.watch). */
typedef enum {
    TRAIN_STARTING,   /* before the first epoch of this call (the epochs of a resumed run are in h) */
    TRAIN_IN_EPOCH,   /* within an epoch, every watch_seconds */
    TRAIN_EPOCH_DONE  /* after an epoch: its row is the last of h */
} TrainMoment;

typedef struct {
    TrainMoment moment;
    int epoch;         /* 1-based: the epoch running or just done; at TRAIN_STARTING the epochs done before */
    int epochs;        /* the run's total */
    int done, total;   /* training images of this epoch so far, of total (TRAIN_IN_EPOCH) */
    double loss;       /* mean training loss of the epoch so far (TRAIN_IN_EPOCH) */
} TrainWatchInfo;

/* A watcher: sees the network and the history so far while it trains (a
 * live view of the training draws from them). The net is in evaluation
 * mode during the call: the watcher may run it forward (its activations
 * are not needed again by the loop), but must not change its parameters,
 * and the training then goes on exactly as without a watcher. */
typedef void (*TrainWatchFn)(Net *net, const TrainHistory *h, const TrainWatchInfo *at, void *ctx);

typedef struct {
    int epochs;             /* total epochs; a resumed run continues up to this many */
    int batch;              /* mini-batch size */
    Schedule lr;            /* learning rate per step (optim.h) */
    float momentum;         /* SGD momentum, 0 for none */
    float weight_decay;     /* L2 decay of the weights (decay = 1 params), 0 for none */
    uint64_t seed;          /* shuffling and augmentation */
    AugmentFn augment;      /* NULL for none */
    void *augment_ctx;
    float label_smoothing;  /* eps of core/loss.h: the target is (1 - eps) onehot + eps/K; 0 = none */
    float mean, std;        /* when std > 0: net_set_input_norm(net, mean, std) before training;
                               std = 0 keeps the net's normalization (default x = p/255) */
    int train_limit;        /* train on the first N training images only (0 = all) */
    int test_limit;         /* evaluate on the first N test images only (0 = all) */
    const char *checkpoint; /* written atomically after every epoch (NULL = none); without resume a
                               run starts afresh and replaces it */
    int resume;             /* 1: if the checkpoint exists, continue from it */
    const char *history;    /* gnuplot data file, one row per epoch, rewritten atomically after each
                               epoch with every row so far, so it is never half a line (NULL = none) */
    Net *replica;           /* NULL, or a second network built exactly like net (the same
                               constructor and options): see "Two halves" in train.h */
    TrainWatchFn watch;     /* NULL, or called at the start, after every epoch, and within epochs */
    void *watch_ctx;
    double watch_seconds;   /* > 0: call watch within an epoch whenever this many seconds have passed
                               since its last call (checked after each batch); 0: only between epochs */
    int quiet;              /* 1: print nothing */
    FILE *log;              /* where progress goes; NULL = stderr */
} TrainConfig;

/* 10 epochs, batch 64, constant lr 0.01, momentum 0.9, no decay, seed 1,
 * x = p/255, everything else off. */
TrainConfig train_defaults(void);

#endif
