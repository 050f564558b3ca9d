/* lenet.h - the lesson kit's LeNet-5 runs: one network (classic or modern,
 * core/lenet.h) trained on one dataset with its recipe, small random shifts
 * as augmentation, trained or reused from the models folder with a
 * checkpoint after every epoch; the words and pictures lesson 08 shows of
 * them (the architecture table, figure 2's layers, dead ReLU maps). */
#ifndef CN_KIT_LENET_H
#define CN_KIT_LENET_H

#include <stdint.h>

#include "core/net.h"
#include "core/notebook.h"
#include "core/rng.h"
#include "core/train.h"
#include "datasets/dataset.h"
#include "lessons/kit/models.h"

/* The names of LeNet-5's layers, as in the paper. */
extern const char *const lenet_layer_names[7]; /* C1, S2, C3, S4, C5, F6, OUTPUT */

/* --- augmentation: small random shifts ------------------------------------------------ */

/* Each training image is moved by (dy, dx), both uniform in -s..s pixels,
 * what moves out is lost and what moves in is background; with flip, it is
 * also mirrored left-right half of the time. The network sees a slightly
 * different picture of every digit each epoch, which is the cheapest
 * defence against learning the training set by heart (LeCun et al. 1998,
 * section III.C, trained on distorted digits too). */
typedef struct {
    int shift, flip;
    float background;  /* the normalized value of a background pixel */
} ShiftAug;

void shift_augment(float *img, int c, int h, int w, Rng *r, void *ctx);

/* --- the runs --------------------------------------------------------------------------- */

/* How one network is trained on one dataset. */
typedef struct {
    int epochs;
    float lr;        /* peak rate of the cosine schedule */
    int shift, flip; /* augmentation */
    float wd;        /* weight decay */
} Recipe;

typedef struct {
    int classic;
    LessonData *data;
    Recipe rc;
    uint64_t seed;         /* of the weights (lenet5_init) and of the training */
    Net *net;
    Net *half;             /* a second copy that trains on half of every batch (train.h, "Two halves") */
    Dataset *train, *test; /* the data in the network's input size */
    int own;               /* 1: train/test are padded copies to free */
    TrainConfig cfg;
    ShiftAug aug;
    TrainHistory hist;
    EvalResult ev;         /* the final evaluation on the whole test set, with predictions */
    char name[48];         /* lenet5_modern_mnist: the file names */
    char label[64];        /* "modern, MNIST sample" */
    char model[4096], ckpt[4096];
    const char *how;       /* what happened: trained, reused, resumed */
    double seconds;        /* training wall time in this run */
} LenetRun;

/* The recipe of lesson 08 for a network on a dataset ("mnist", "fashion"). */
Recipe lenet_recipe(int classic, const char *data_key, int quick);
/* "classic LeNet-5", "modern LeNet-5" */
const char *lenet_variant_title(int classic);

/* r set up to train the classic or modern network on d, with mini-batches
 * of `batch`, the given seed, and its files in models_dir. */
void run_setup(LenetRun *r, int classic, LessonData *d, int quick, const char *models_dir, uint64_t seed, int batch);
void run_free(LenetRun *r);
/* Train r's network, or reuse what an earlier run saved. Says which. */
void train_or_reuse(Notebook *nb, LenetRun *r, int retrain, int resume);

/* --- what lesson 08 shows of them --------------------------------------------------- */

/* The layer whose output stands for named layer i in pictures: i itself, or
 * the activation right after it (the paper's maps are squashed outputs). */
int shown_output(const Net *net, int i);
/* How many of the sh.c maps of y (n samples of shape sh) are 0 or below
 * at every pixel of every sample: after a ReLU, black everywhere. */
int black_maps(const float *y, CnShape sh, int n);
/* The architecture table of a LeNet-5; with_connections: the paper's count
 * of connections too. */
void lenet_table(Notebook *nb, const Net *net, int with_connections);
/* Image `index` of r->test through r's network, every named layer's output
 * drawn left to right as in figure 2 of the paper, into nb's file. Returns
 * the predicted class. */
int lenet_figure2(Notebook *nb, LenetRun *r, int index, const char *file);

#endif
