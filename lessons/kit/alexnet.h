/* alexnet.h - the lesson kit's AlexNet-mini runs (core/alexnet.h): one
 * network trained on Fashion-MNIST with lesson 09's recipe, trained or
 * reused from its checkpoint, and what lesson 09 shows of it (the
 * architecture table, the augmentation sheet, conv1's filters, the timings). */
#ifndef CN_KIT_ALEXNET_H
#define CN_KIT_ALEXNET_H

#include <stddef.h>
#include <stdint.h>

#include "core/alexnet.h"
#include "core/net.h"
#include "core/notebook.h"
#include "core/train.h"
#include "datasets/dataset.h"

/* The settings every run shares (lesson 09 gives them). */
typedef struct {
    uint64_t seed;
    int batch;
    float lr;              /* peak of the cosine schedule */
    float warmup;          /* epochs of linear warmup at the start */
    float label_smoothing; /* core/loss.h */
    float bias_hidden;     /* start of the biases the paper set to 1 */
    int crop_pad;          /* random crops: the picture moves by up to this many pixels */
} AlexRecipe;

/* The training pixels' mean and standard deviation (of p/255), measured
 * once by pixel_stats: every run's input is x = (p/255 - mean) / std. */
extern float pixel_mean, pixel_std;
void pixel_stats(const Dataset *d);

typedef struct {
    const char *key;       /* file names: alexnet_mini_<key> */
    const char *title;     /* "ReLU", "no LRN", ... */
    const AlexRecipe *rc;
    AlexNetOptions opt;
    Net *net;
    Net *half;             /* a second copy that trains on half of every batch (train.h, "Two halves") */
    TrainConfig cfg;
    AlexNetAugment aug;
    TrainHistory hist;
    char ckpt[4096], model[4096];
    const char *how;       /* "trained", "resumed", "reused" */
    double seconds;        /* wall time of the training in this run (0 when reused) */
    int loaded;            /* epochs loaded from a checkpoint (resumed or reused), not trained in this run */
    int ntrain;            /* training images used */
} AlexRun;

/* r set up to train the network of o for `epochs` on the first ntrain
 * training and ntest test images (0: all), its checkpoint (and with
 * save_model its .cnn) in models_dir. */
void alex_run_setup(AlexRun *r, const char *key, const char *title, const AlexNetOptions *o, int epochs, int ntrain,
                    int ntest, const char *models_dir, int save_model, const AlexRecipe *rc);
void alex_run_free(AlexRun *r);
/* Train r, or reuse an earlier run's checkpoint when it matches r's settings
 * and is complete. `say` 1: tell the notebook which (the main run); the
 * ablations are summed up in one line by the caller. */
void alex_train_or_reuse(Notebook *nb, AlexRun *r, const Dataset *train, const Dataset *test, int retrain, int resume,
                         const char *hist_path, int say);
/* Seconds of training (evaluation excluded) up to the end of epoch e (1-based). */
double train_seconds(const AlexRun *r, int e);
/* First epoch (1-based) whose training error is at most err, linearly
 * interpolated between epochs (epoch 0 has the error of guessing, 0.9);
 * *sec gets the training seconds to that point. -1 if never reached. */
double epochs_to_error(const AlexRun *r, double err, double *sec);

/* The target label smoothing eps gives the right one of K classes (core/loss.h). */
double smooth_on(double eps, int K);
/* The smallest value of the smoothed loss: its entropy H(q), reached at p = q. */
double smooth_floor(double eps, int K);

/* Multiply-adds of the layers with weights (the convolutions and the fully
 * connected layers), the count the reference script reports. */
double weight_madds(const Net *net);
/* The architecture table of an AlexNet-mini. */
void alexnet_table(Notebook *nb, const Net *net);
/* augmentation.png: four training pictures and seven random versions of each. */
void augmentation_sheet(Notebook *nb, const Dataset *train, uint64_t seed, int crop_pad);
/* conv1_filters.png: conv1's filters on one symmetric scale; returns the largest |weight|. */
float conv1_filters(Notebook *nb, Net *net);
/* The index of the layer whose output stands for layer `label`: a conv or
 * fc layer is shown after its activation (what the next layer receives). */
int shown_index(const Net *net, const char *label);

/* A network's row in lesson 09's comparison with LeNet-5. */
typedef struct {
    char name[64];
    char source[160];
    size_t params;
    double madds;
    double acc;
    double img_s;   /* inference images per second on the test set */
} NetRow;

/* Evaluate net on test, timing the pass. */
void fill_net_row(NetRow *row, Net *net, const Dataset *test, const char *name, const char *source);

/* A modern LeNet-5 trained with r's recipe (cfg) from seed, its checkpoint
 * ckpt reused when it holds the whole training (unless retrain), and its
 * row (source "trained here"). Returns 1 when it was reused. */
int lenet_with_recipe(NetRow *row, const AlexRun *r, const Dataset *train, const Dataset *test, const char *ckpt,
                      int retrain, uint64_t seed);

/* loss.png and error.png: r's training and test curves per epoch. */
void alex_curves(Notebook *nb, const AlexRun *r);

/* Test image `index` through the network, every shown layer (conv1 .. fc7)
 * drawn as a row of its maps into file, then the class probabilities
 * (prob_out, the net's classes). Returns the prediction. */
int alex_feature_maps(Notebook *nb, Net *net, const Dataset *test, int index, const char *file, float *prob_out);

/* A row for each of lesson 08's Fashion-MNIST LeNet-5s found in models_dir
 * (modern, then classic), tested on test; one that cannot be read is left
 * out with a note in nb. Returns how many rows (0..2). */
int lenet_rows_from(NetRow *rows, Notebook *nb, const char *models_dir, const Dataset *test);

/* Two runs' curves of one quantity on one plot, named na and nb_name.
 * which: 0 training error (with a line at level), 1 test accuracy, 2
 * training and test accuracy (four curves). */
void alex_ablation_plot(Notebook *nb, const char *file, const char *title, const AlexRun *a, const char *na,
                        const AlexRun *b, const char *nb_name, int which, double level, const char *caption);

#endif
