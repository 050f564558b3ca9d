/* history.h - the record of a training run: one row of figures per epoch.
 *
 * train_run (train.h) appends a row after every epoch and writes the rows as
 * a gnuplot data file; a checkpoint (model_io.h) stores them, so a resumed
 * run continues the same record.
 */
#ifndef CN_HISTORY_H
#define CN_HISTORY_H

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

/* Write the history as a gnuplot data file (atomically), header row
 * "# epoch train_loss train_acc test_loss test_acc lr seconds images_per_s",
 * accuracies as fractions. 0 or -1. */
int train_history_write(const TrainHistory *h, const char *path);

#endif
