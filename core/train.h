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
 *         sgd_step(optim_lr_at(schedule, epoch, (b + 1) / nbatches))
 *     evaluate on the test set; append a row to the history file; checkpoint
 *
 * A watcher (cfg.watch, train_config.h) sees the net and the history at the
 * start, after every epoch and, every cfg.watch_seconds, between two batches
 * of an epoch: a live view draws the training as it goes. It runs on the
 * calling thread with the net in evaluation mode, and the training goes on
 * exactly as without it; its time counts in the epoch's seconds.
 *
 * The settings (TrainConfig) are in train_config.h, the record of the epochs
 * (TrainHistory) in history.h, and the checkpoint file in model_io.h.
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
 * holds the weights, and checkpoints save net. Dropout layers get the masks
 * one forward on the whole batch would draw, from net's generators, each half
 * its samples' part (dropout_split_mask), so the masks do not depend on the
 * cut either. Even AlexNet-mini, whose layers keep two threads busy, trains
 * faster in halves: its threads meet once per batch instead of at every layer.
 *
 * Progress goes to cfg.log (stderr when NULL) unless cfg.quiet: on a terminal
 * a bar redrawn in place at most ten times a second,
 *     epoch 3/10 [#########.....] 12,345/60,000  4,321 img/s  loss 0.412  ETA 0:09
 * and otherwise plain lines, one per epoch (plus one every 30 s in a long
 * epoch). That is the only output; everything else is returned.
 */
#ifndef CN_TRAIN_H
#define CN_TRAIN_H

#include "core/history.h"
#include "core/labelled_images.h"
#include "core/net.h"
#include "core/train_config.h"

/* Train net's parameters as they are (initialise first with net_init) on
 * `train`, evaluating on `test` (may be NULL) after every epoch. `out` (may
 * be NULL) must start zeroed or freed; it receives every epoch, including
 * those read back from a checkpoint when resuming. The net is left in
 * evaluation mode. 0, or -1 with a message (bad config, shapes that do not fit
 * the data, a loss that became NaN/inf, I/O errors); `out` then holds the
 * epochs that finished. */
int train_run(Net *net, const LabelledImages *train, const LabelledImages *test, const TrainConfig *cfg,
              TrainHistory *out);

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
void train_eval_result_free(EvalResult *r); /* keeps want_pred */

/* How this program's OpenMP threads wait for each other: OMP_WAIT_POLICY as
 * the runtime read it ("passive" unless the user set it: train.c restarts a
 * program that trains with that setting, since a waiting thread that spins
 * more than halved training speed beside one busy program), or a note that
 * GOMP_SPINCOUNT / KMP_BLOCKTIME decide, or the runtime's default (no OpenMP,
 * or no way to restart). */
const char *train_wait_policy(void);

#endif
