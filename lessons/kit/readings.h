/* readings.h - what the lessons read off a finished training, in words
 * chosen from its numbers: how long it took (all the images over the wall
 * time, and the median epoch), what its curves say (over-fitting, still
 * improving), how large the inputs are, how many squashing units are
 * saturated. Lessons only (it stops the program when memory runs out). */
#ifndef CN_KIT_READINGS_H
#define CN_KIT_READINGS_H

#include <stddef.h>

#include "core/error.h"
#include "core/history.h"
#include "core/net.h"
#include "core/notebook.h"
#include "datasets/dataset.h"

/* "Trained in W s: ..." for a run that trained epochs loaded+1 .. h->n of h
 * in this run, in `wall` seconds (the test after each epoch included), on
 * ntrain images an epoch: the images of those epochs over the wall time,
 * and the median time of those epochs; with loaded > 0, that the first
 * `loaded` epochs came from a checkpoint. Ends with "saved to <model>" when
 * model is given. */
void say_training_time(Notebook *nb, const TrainHistory *h, int loaded, int ntrain, double wall, const char *model);

/* The median of h's epoch times (seconds, evaluation included) over epochs
 * from+1 .. h->n; 0 when there are none. */
double median_epoch_seconds(const TrainHistory *h, int from);

/* What a run's test curves say. */
typedef struct {
    int n;                   /* epochs */
    int best_loss_epoch;     /* 1-based epoch of the lowest test loss */
    double best_loss, last_loss;
    int back;                /* epochs looked back for the trend (up to 3) */
    double acc_back, acc_last; /* test accuracy `back` epochs before the end, and at the end */
    double gap;              /* training accuracy (while training) - test accuracy, last epoch */
} CurveReading;

CurveReading read_curves(const TrainHistory *h);

/* Over-fitting as the curves show it: the test loss ends more than 5%
 * above its lowest value. */
int curves_overfit(const CurveReading *c);
/* Still improving: the test accuracy rose by more than 0.002 over the last
 * `back` epochs. */
int curves_improving(const CurveReading *c);

/* One sentence about the curves of the run named who, into buf; augmented:
 * its training pictures were augmented. */
void describe_curves(char *buf, size_t size, const char *who, const CurveReading *c, int augmented);

/* The mean and variance of all the input values net receives for the
 * images of ds (already in net's input size: for the classic LeNet-5, the
 * 32x32 field), as net_input_from_u8 makes them. */
void input_moments(const Net *net, const Dataset *ds, double *mean, double *var);

/* The share of the values of layer li's output in the last forward pass of
 * n samples whose size is above `level`. */
double share_above(const Net *net, int li, int n, float level);

#endif
