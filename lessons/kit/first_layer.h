/* first_layer.h - the lesson kit's machinery for lesson 10's experiment on
 * LeNet-5's first layer (C1: 6 filters of 5x5): the hand-designed layers,
 * one run of the modern LeNet-5 with C1 fixed, fine-tuned or learned,
 * several such runs (read with the statistics of seeds.h), Sobel turned to
 * other angles, and filters ranked by score. */
#ifndef CN_KIT_FIRST_LAYER_H
#define CN_KIT_FIRST_LAYER_H

#include <stddef.h>
#include <stdint.h>

#include "core/kernels.h"
#include "core/match.h"
#include "core/train.h"
#include "datasets/dataset.h"
#include "lessons/kit/matches.h"
#include "lessons/kit/models.h"
#include "lessons/kit/report.h"
#include "lessons/kit/seeds.h"

#define FL_K 5  /* C1's filters are 5x5 */
#define FL_NF 6 /* and there are 6 of them */

/* --- the hand-designed layers ----------------------------------------------------- */

/* One filter of a hand-designed layer: a registry kernel (kernels.h),
 * padded to 5x5 when smaller, times +1 or -1. */
typedef struct {
    const char *kernel;
    int sign;
} HandFilter;

/* Both polarities: gaussian5, +-sobel_x, +-sobel_y, edge3. After the ReLU
 * a filter keeps only where its map is positive, so an edge detector
 * alone sees only the edges of one polarity (dark to light, not light to
 * dark); with its negative beside it, both. The blur needs no partner (on
 * a picture of non-negative pixels it is never negative). */
extern const HandFilter hand_both[FL_NF];
/* One polarity, as earlier versions of lesson 10 had it: gaussian5,
 * sobel_x, sobel_y, edge1, edge2, edge3 (only the two Laplacians, edge2
 * and edge3, answer with opposite signs). */
extern const HandFilter hand_one[FL_NF];

/* "-sobel_x" or "gaussian5": the labels of a layer's FL_NF filters, static. */
const char *const *hand_labels(const HandFilter *h);
/* w (FL_NF, FL_K, FL_K) = the layer h, each filter scaled to length
 * sqrt(2) (the mean length of a He-initialised 5x5 filter, sqrt(25 * 2/25)). */
void hand_layer(float *w, const HandFilter *h);

/* --- the runs ----------------------------------------------------------------------- */

/* The first layers compared, each a modern LeNet-5 alike in everything else:
 *   ARM_FIXED      C1's weights fixed to hand_both (never updated), its
 *                  biases learned;
 *   ARM_TUNED      C1 starts as hand_both and learns like every layer;
 *   ARM_RANDOM     C1 starts from random numbers (He), as in lesson 08;
 *   ARM_FIXED_ONE  C1 fixed to hand_one with its biases frozen at 0: the
 *                  layer earlier versions of the lesson compared. */
enum { ARM_FIXED, ARM_TUNED, ARM_RANDOM, ARM_FIXED_ONE, ARM_COUNT };
extern const char *const arm_name[ARM_COUNT];  /* "(a) fixed hand kernels" */
extern const char *const arm_short[ARM_COUNT]; /* "(a) fixed" */

typedef struct {
    int epochs, batch;
    float lr, weight_decay; /* peak of the cosine schedule; momentum 0.9 */
} ArmRecipe;

typedef struct {
    int arm;
    uint64_t seed;  /* every layer's start, and the order of the mini-batches */
    TrainHistory hist;
    float *wep;     /* (epochs + 1) x FL_NF*FL_K*FL_K: C1's weights at the start and after each epoch */
    float b0[FL_NF], b1[FL_NF];
    int epochs;
    int weights_identical, biases_identical; /* after training, bit for bit */
    double seconds;
} ArmRun;

/* Train one modern LeNet-5 with the first layer of a->arm (a->seed set by
 * the caller) on train, measuring test after each epoch; ckpt is a scratch
 * file. One line per epoch on stderr starts with label. */
void arm_run(ArmRun *a, const char *label, const Dataset *train, const Dataset *test, const ArmRecipe *r,
             const char *ckpt);
void arm_run_free(ArmRun *a);
/* C1's weights after epoch e (0: the start). */
const float *arm_weights(const ArmRun *a, int e);
/* Test accuracy after the last epoch, in percent. */
double arm_accuracy(const ArmRun *a);

/* The whole comparison: every arm on each of two datasets, from seeds
 * seed0 .. seed0 + seeds - 1; runs [2][ARM_COUNT][seeds]. */
typedef struct {
    int seeds, epochs;
    uint64_t seed0;
    ArmRun *runs;
} Comparison;

/* Run it all (names: the datasets' names for the progress lines). */
void comparison_run(Comparison *c, const Dataset *const train[2], const Dataset *const test[2],
                    const char *const names[2], const ArmRecipe *r, const char *ckpt);
void comparison_free(Comparison *c);
ArmRun *comparison_at(const Comparison *c, int d, int arm, int s);
/* x[s] = the accuracy (percent) of arm on dataset d with seed s. */
void comparison_accuracies(double *x, const Comparison *c, int d, int arm);
/* h = the mean over the seeds of arm's test accuracy, epoch by epoch
 * (the other columns from the first seed). Free with train_history_free. */
void comparison_mean_history(TrainHistory *h, const Comparison *c, int d, int arm);

/* What must hold after the runs, over every seed and both datasets. */
typedef struct {
    int fixed_frozen;    /* (a) and (a') weights bit-identical */
    int one_biases_kept; /* (a') biases bit-identical */
    int fixed_biases_learned; /* runs of (a) whose biases changed */
    int fixed_own;       /* every (a) filter still matches its own kernel, score 1, its sign */
    int tuned_moved;     /* every (b) filter changed */
} ComparisonAudit;

ComparisonAudit comparison_audit(const Comparison *c, const MatchBank *b);

/* C1 of run r after epoch e against the bank: the mean best (shifted)
 * score of its filters, of what training added to them since the start
 * (NAN at e = 0), and their mean cosine with their start. */
void arm_scores(const ArmRun *r, int e, const MatchBank *b, double *filters, double *added, double *kept);

/* The final C1 weights (added: minus the start) of arm over every seed
 * and both datasets: 2 * seeds * FL_NF filters, malloc'ed. */
float *comparison_filters(const Comparison *c, int arm, int added);

/* How far fine-tuned filter w1 moved from its start w0 (a hand kernel
 * whose registry name is own): cos(start, end), |end - start| / |start|,
 * the best match at the end, and whether own still scores within 0.01 of
 * that best (near-duplicate entries such as edge2 and -sharpen tie). */
typedef struct {
    double cos, change;
    Match best;
    int kept;
} FilterDrift;

FilterDrift filter_drift(const float *w0, const float *w1, const MatchBank *b, const char *own);

/* --- several seeds ------------------------------------------------------------------- */

/* P(X >= k) for X binomial(n, p): how often k or more of n random filters
 * pass a level that one in 1/p passes. */
double binomial_tail(int k, int n, double p);

/* The row of a table (Tab, 5 columns: "(c) random − (a) fixed", the
 * dataset, the differences seed by seed, the mean and its interval, the
 * verdict) for the difference arm b - arm a on dataset d (name, test_n test
 * images). Returns +1 (supported, higher), -1 (supported, lower) or 0 (the
 * interval holds 0). */
int comparison_difference_row(Tab *t, int row, const Comparison *c, int d, int a, int b, const char *name, int test_n);

/* The first test image of class c in ds, pixels in [0, 1] (malloc'ed);
 * *what its class name. */
float *first_test_picture(const Dataset *ds, int c, const char **what);

/* --- Sobel at other angles ------------------------------------------------------------ */

#define TURNED_MAX 12

/* cos(t) Sobel x + sin(t) Sobel y: the change of brightness along the
 * direction t (y pointing down), the edge detector a person would design
 * for edges at that angle; every multiple of 15 degrees but 0 and 90
 * (Sobel x and y themselves) up to 165. */
typedef struct {
    int n;
    int deg[TURNED_MAX];
    float v[TURNED_MAX][9];
    char name[TURNED_MAX][24], title[TURNED_MAX][40];
    CnKernel k[TURNED_MAX];
} TurnedSobels;

/* The registry's kernels and the turned Sobels t (filled here; it must
 * outlive the bank) as one bank at size K. */
MatchBank *turned_sobel_bank(TurnedSobels *t, int K);
/* The angle of k in degrees if it is one of t's kernels, else -1. */
int turned_angle(const TurnedSobels *t, const CnKernel *k);

/* --- ranking ------------------------------------------------------------------------------ */

/* Filter f of model mi, with its score s. */
typedef struct {
    int mi, f;
    double s;
} Rank;

/* Sorted by score, highest first; ties keep their order. */
void rank_by_score(Rank *r, int n);

/* --- the trained networks' first layers --------------------------------------------- */

#define MODEL_MAXF 32 /* most first-layer filters of any model here */

/* A trained network, its first layer's matches and their chance levels. */
typedef struct {
    SavedModel saved;   /* where it comes from: its file, title, network, lesson */
    const char *tag;    /* short, for tables */
    int data;           /* which dataset: 0 the MNIST sample, 1 Fashion-MNIST */
    const char *layer;  /* label of the first layer */
    Net *net;
    int nf;             /* its filters */
    const float *w;     /* (nf, 1, FL_K, FL_K) */
    Match m[MODEL_MAXF]; /* the shifted match of each filter */
    int fam[MODEL_MAXF]; /* MatchFamily when above the fair level, MATCH_OTHER when not */
    int above;          /* filters above the fair level */
    double mean;        /* their mean score */
    Chance fair;        /* random filters with this layer's power spectrum */
    double mean_level;  /* the 99% level for a mean of nf of them */
    double acc;         /* test accuracy, measured here */
    int test_n;
} Model;

/* m's network, read or trained (lessons/kit/models.h: saved_model_get with
 * the prefix "lesson10"), and its first layer, which must hold up to
 * MODEL_MAXF filters of 1 x FL_K x FL_K (the program stops otherwise). */
void model_get(Notebook *nb, Model *m, const LessonData *data, int quick, const char *models_dir, uint64_t seed);
/* Each filter's shifted match, the layer's fair chance levels (trials
 * random filters, seed), which filters are above them, the mean score. */
void model_match(Model *m, const MatchBank *b, int trials, uint64_t seed);
/* m's filters beside what their matches explain (match_<stem>.png), then
 * the table of matches, into the notebook. */
void model_show(Notebook *nb, const Model *m, const MatchBank *b);
/* "classic M", "AlexNet": the model in a few characters. */
const char *model_initials(const Model *m);
void model_free(Model *m);

/* The closing picture into nb's file: the filters of models ranked rk[0..n)
 * (highest first) beside what their best match explains, the 6 closest in
 * one row and the 6 farthest in the next, then the nt filters tr matched in
 * xb. Returns how many a row shows. */
int closing_sheet(Notebook *nb, const char *file, const Model *models, const Rank *rk, int n, const MatchBank *b,
                  const Rank *tr, int nt, const MatchBank *xb);

/* The table of matches by family, one row per model and one for all, with
 * each model's levels ("level, one filter", "level, mean of n"). */
void count_table(Notebook *nb, const Model *models, int nm);

/* Picture of (c)'s first seed: for each dataset, three rows of FL_NF
 * filters (the random start, the end, what training added), each beside
 * what its best match explains of it. */
void random_arm_sheet(Notebook *nb, const char *file, const Comparison *c, const MatchBank *b);

/* Of the filters of the nm models that match nothing (fam MATCH_OTHER),
 * those whose best match in xb (turned_sobel_bank) is a turned Sobel above
 * that model's level for xb (level[i]): how many; the first max of them
 * into pick, their angles listed in angles. */
int turned_matches(const Model *models, int nm, const MatchBank *xb, const TurnedSobels *t, const double *level,
                   Rank *pick, int max, int *npick, char *angles, size_t size);

#endif
