/* train.h - the training loop over mini-batches, and evaluation.
 *
 * One epoch:
 *
 *     order = shuffle(0 .. N-1) with a generator seeded from (seed, epoch)
 *     for each batch of `batch` images in that order (the last may be smaller):
 *         x = (pixel/255 - mean) / std, then augment(x) per sample
 *         logits = net_forward(x);  L = softmax_ce_forward(logits, labels)
 *             (with label_smoothing, softmax_ce_smooth_forward)
 *         net_zero_grad;  net_backward(dL/dlogits)
 *         sgd_step(lr_at(schedule, epoch, (b + 1) / nbatches))
 *     evaluate on the test set; append a row to the history file; checkpoint
 *
 * Reproducibility. Every random choice is drawn in a fixed serial order: the
 * shuffle and the augmentation generator are re-seeded at the start of each
 * epoch from (seed, epoch number), dropout layers draw from their own
 * generators (saved in checkpoints), and the layers' threads only split work
 * whose results do not depend on how it is split. So the same seed gives
 * bit-identical weights and losses whatever the number of threads, and a run
 * resumed from the checkpoint of epoch k ends exactly where an uninterrupted
 * run ends.
 *
 * Two halves. A network whose layers are small (LeNet-5: a 10x10 plane, a
 * batch of 32) gives two threads too little work per layer: they spend much
 * of the batch waiting for each other at the end of every layer. With
 * cfg.replica, each batch is cut in two instead: net takes the first half
 * (B+1)/2 samples and the replica the rest, one thread each, every layer of
 * a half run by its one thread from forward to backward. The replica's
 * parameter gradients are then added into net's (always in that order), net
 * takes the step, and its weights are copied into the replica. The cut does
 * not depend on the number of threads (with one thread the halves run one
 * after the other), so results stay bit-identical whatever the number of
 * threads; they differ from a run without a replica by rounding only (the
 * gradient is summed in another order). The replica is only scratch: net
 * holds the weights, and checkpoints save net. Networks with dropout layers
 * are refused (the replica's masks would repeat net's). Large layers that
 * already keep both threads busy (AlexNet-mini) gain nothing from it.
 *
 * Progress goes to cfg.log (stderr when NULL) unless cfg.quiet: on a terminal
 * a bar redrawn in place at most ten times a second,
 *     epoch 3/10 [#########.....] 12,345/60,000  4,321 img/s  loss 0.412  ETA 0:09
 * and otherwise plain lines, one per epoch (plus one every 30 s in a long
 * epoch). That is the only output; everything else is returned.
 */
#ifndef CN_TRAIN_H
#define CN_TRAIN_H

#include <stdint.h>
#include <stdio.h>

#include "core/labelled_images.h"
#include "core/net.h"
#include "core/optim.h"
#include "core/rng.h"

/* Changes one normalized image in place: img (c, h, w). Draw every random
 * number from r (re-seeded each epoch), nothing else, to stay reproducible. */
typedef void (*AugmentFn)(float *img, int c, int h, int w, Rng *r, void *ctx);

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
                               constructor and options): see "Two halves" above */
    int quiet;              /* 1: print nothing */
    FILE *log;              /* where progress goes; NULL = stderr */
} TrainConfig;

/* 10 epochs, batch 64, constant lr 0.01, momentum 0.9, no decay, seed 1,
 * x = p/255, everything else off. */
TrainConfig train_defaults(void);

typedef struct {
    int epoch;              /* 1-based */
    double train_loss;      /* mean cross-entropy over the epoch's batches (dropout on) */
    double train_acc;       /* fraction of training images classified right while training */
    double test_loss;       /* on the test set after the epoch (NAN without a test set) */
    double test_acc;
    double lr;              /* rate of the epoch's first step */
    double seconds;         /* wall time of the epoch, evaluation included */
    double images_per_s;    /* training images per second */
} EpochStats;

typedef struct {
    int n;                  /* epochs recorded */
    int cap;
    EpochStats *e;          /* e[0..n) */
} TrainHistory;

/* Append one row. 0 or -1. */
int train_history_push(TrainHistory *h, const EpochStats *s);
void train_history_free(TrainHistory *h);  /* and zero it */

/* Train net's parameters as they are (initialise first with net_init) on
 * `train`, evaluating on `test` (may be NULL) after every epoch. `out` (may
 * be NULL) must start zeroed or freed; it receives every epoch, including
 * those read back from a checkpoint when resuming. The net is left in
 * evaluation mode. 0, or -1 with a message (bad config, shapes that do not fit
 * the data, a loss that became NaN/inf, I/O errors); `out` then holds the
 * epochs that finished. */
int train_run(Net *net, const LabelledImages *train, const LabelledImages *test, const TrainConfig *cfg,
              TrainHistory *out);

/* Write the history as a gnuplot data file (atomically), header row
 * "# epoch train_loss train_acc test_loss test_acc lr seconds images_per_s",
 * accuracies as fractions. 0 or -1. */
int train_history_write(const TrainHistory *h, const char *path);

/* --- evaluation ------------------------------------------------------------ */

typedef struct {
    int want_pred;          /* in: 1 to fill pred and prob */
    int n, nclasses;        /* images evaluated, K */
    double loss;            /* mean cross-entropy */
    double accuracy;        /* fraction right */
    int *confusion;         /* K*K counts: confusion[true * K + predicted] */
    int *pred;              /* n predicted classes (want_pred) */
    float *prob;            /* n*K softmax probabilities (want_pred) */
} EvalResult;

/* Evaluate (training mode off, restored afterwards) on the first `limit`
 * images of ds (0 = all), in batches, with the net's input normalization.
 * `r` must start zeroed (or with only want_pred set); a second call frees
 * what the first left. 0 or -1. */
int net_evaluate(Net *net, const LabelledImages *ds, int limit, EvalResult *r);

/* Test-time averaging: a ViewFn turns the normalized picture img (c,h,w) in
 * place into view number `view` (0 .. nviews-1) of it. */
typedef void (*ViewFn)(float *img, int c, int h, int w, int view, void *ctx);

/* As net_evaluate, but each picture is shown to the network as nviews views
 * (fn) and the softmax outputs of the views are averaged:
 *   p = (1/V) sum_v softmax(net(view_v(x))),  predicted class argmax_k p_k,
 *   loss -log p_y.
 * With nviews = 1 and fn NULL this is net_evaluate. */
int net_evaluate_views(Net *net, const LabelledImages *ds, int limit, ViewFn fn, int nviews, void *ctx,
                       EvalResult *r);
void eval_result_free(EvalResult *r);  /* keeps want_pred */

#endif
