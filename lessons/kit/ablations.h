/* ablations.h - lesson 09's ablations: each of AlexNet's ideas switched off
 * in turn (tanh for ReLU, no LRN, pooling 2x2/2 for 3x3/2, no dropout, two
 * groups), every arm trained from several seeds; within one seed all arms
 * share it (the same order of mini-batches, the same augmentation), so
 * their differences are paired by seed. The checkpoints are kept per arm
 * and seed, so a later run with more seeds reuses the earlier ones.
 *
 * What is measured: each arm's mean and spread over the seeds; each of the
 * paper's claims as a difference (in points) or a ratio, seed by seed, with
 * its 95% interval (seeds.h), turned so that a positive difference (or a
 * ratio above 1) is the paper's direction, and judged by that interval
 * alone: "reproduced", "not reproduced" (the opposite is measured) or "not
 * measurable at this size" (the interval holds no effect). And the curves
 * of every arm, as the mean over the seeds inside a band from the lowest
 * seed to the highest. */
#ifndef CN_KIT_ABLATIONS_H
#define CN_KIT_ABLATIONS_H

#include <stddef.h>
#include <stdint.h>

#include "core/notebook.h"
#include "datasets/dataset.h"
#include "lessons/kit/alexnet.h"
#include "lessons/kit/report.h"
#include "lessons/kit/seeds.h"

enum { A_BASE, A_TANH, A_NOLRN, A_POOL2, A_NODROP, A_GROUPS, NABL };
extern const char *const abl_title[NABL]; /* "AlexNet-mini", "tanh", ... */

typedef struct {
    char key[48];          /* file names: alexnet_mini_<key>.ckpt */
    AlexRun run;           /* its history; the network is freed after training */
    double train_eval;     /* accuracy on its training images at the end, dropout off */
    double test_acc;       /* final test accuracy */
    unsigned char *right;  /* [ntest]: 1 for each test picture the final network gets right */
    size_t params, fc6_params;
} AblRun;

typedef struct {
    int seeds, epochs, ntrain, ntest; /* the images actually used */
    AlexRecipe *rc;        /* [seeds]: the lesson's recipe from seed rc->seed + s */
    AblRun *r;             /* [NABL * seeds] */
    int reused;            /* runs taken from an earlier run's checkpoints */
    double train_images, eval_images; /* processed by the runs when they trained */
    double train_seconds, eval_seconds;
} Ablations;

/* Train every arm from seeds rc->seed .. rc->seed + seeds - 1 on the first
 * ntrain training and ntest test images for `epochs` (or reuse complete
 * checkpoints <models_dir>/alexnet_mini_abl_<arm>[_long]_s<seed>.ckpt). */
void ablations_run(Ablations *A, Notebook *nb, const AlexRecipe *rc, int seeds, int epochs, int ntrain, int ntest,
                   int long_abl, const Dataset *train, const Dataset *test, const char *models_dir, int retrain,
                   int resume);
void ablations_free(Ablations *A);
AblRun *abl_at(const Ablations *A, int arm, int s);

/* The first epoch (interpolated between epochs; epoch 0 counts as chance,
 * `start`) at which h's training accuracy (measured while training; test 0)
 * or test accuracy (test 1) reaches acc; -1 if it never does. */
double epochs_to_accuracy(const TrainHistory *h, int test, double acc, double start);

/* What a run measures, per seed. */
typedef enum {
    AV_TEST,      /* final test accuracy, percent */
    AV_GAP,       /* training accuracy (dropout off) minus test accuracy, points */
    AV_TO_TRAIN,  /* epochs to training error `level` (-1 if never) */
    AV_TO_TEST,   /* epochs to test accuracy `level` (-1 if never) */
    AV_IMG_S,     /* training images per second */
} AblValue;

/* x[s] = what arm measured with seed s. */
void abl_values(double *x, const Ablations *A, int arm, AblValue v, double level);

/* The table of the arms: mean ± standard deviation over the seeds of the
 * test accuracy, the train - test gap, the epochs to training error
 * train_err, the training speed, and the parameters. */
void ablations_arm_table(Notebook *nb, const Ablations *A, double train_err);

/* One of the paper's claims, measured. */
typedef enum { V_UNMEASURABLE, V_REPRODUCED, V_NOT_REPRODUCED } Verdict;
extern const char *const verdict_text[3]; /* "not measurable at this size", "reproduced", "not reproduced" */

typedef struct {
    const char *idea, *paper;
    char what[96];        /* what is measured */
    int ratio;            /* 1: a ratio (q), 0: a difference in points (d) */
    SeedStat d;
    RatioStat q;
    double test_half;     /* the test set's share of d's interval (0: none) */
    char per_seed[160];   /* the values seed by seed */
    char result[96];      /* "+1.20 points [-0.31, +2.71]" or "1.83× [1.41×, 2.37×]" */
    int side;             /* +1 the interval lies on the paper's side, -1 on the other, 0 holds no effect */
    Verdict v;
} Claim;

/* The difference b - a (points) of what arms a and b measure, its interval
 * widened by the test set's own error when `test_noise` (the difference of
 * their test accuracies measured picture by picture on the same ntest
 * pictures, seeds.h paired_test_half). */
Claim claim_difference(const Ablations *A, int a, AblValue va, int b, AblValue vb, int test_noise, double level);
/* The ratio num / den of what arms num and den measure; not measurable
 * when a run has no value (-1: a level never reached). */
Claim claim_ratio(const Ablations *A, int num, int den, AblValue v, double level);
/* A claim decided by counting (the same in every seed): holds or not. */
Claim claim_counted(int holds, const char *result);

/* The paper's claims, measured (index: C_RELU ...). */
enum { C_RELU, C_LRN, C_POOL, C_POOL_GAP, C_DROP_GAP, C_DROP_SHORT, C_DROP_COST, C_GRP_PARAMS, C_GRP_SPEED,
       C_GRP_ACC, NCLAIM };

typedef struct {
    Claim c[NCLAIM];
    double relu_err;   /* the training error of ReLU's speed: train_err when every ReLU and tanh run reached it,
                        * else the highest final training error of those runs (the level every one reached)
                        * when that is better than chance (0.9), else train_err again */
    int relu_paper;    /* 1: relu_err is the paper's train_err */
    char relu_level[64];  /* "25% error", or "31.6% error, every run reached" */
    char relu_why[200];   /* "" or " (not every run reached the paper's 25% ...)" */
    double test_half;  /* the test set's error in the difference of dropout's test accuracies, for instance */
    double drop_level; /* the test accuracy of dropout's cost: the lowest final test accuracy of the runs with
                        * and without dropout, so that every one reaches it */
} Claims;

/* Every claim of the paper measured on A, the speed of ReLU at training
 * error train_err (the paper's 25%) where the runs reach it. */
void paper_claims(Claims *cl, const Ablations *A, double train_err);

/* The table of claims: idea, what is measured, seed by seed, the mean and
 * its interval, the paper, the verdict. */
void claims_table(Notebook *nb, const Claim *c, int n);

/* Curves of arms (what: TRAIN_ERROR, TRAIN_ACC, TEST_ACC) as the mean
 * over the seeds in a band from the lowest seed to the highest
 * (plots/bands.gp), into nb's png with its data beside it, shown with the
 * caption (to which the band's meaning is added); pairs: curves come in
 * (training, test) pairs; level > 0: a dotted line there, titled
 * levelname. */
typedef struct {
    int arm;
    EpochValue what;
    const char *name;
} BandCurve;

void ablation_bands(Notebook *nb, const Ablations *A, const char *png, const char *title, const char *ylab,
                    const BandCurve *c, int n, int pairs, double level, const char *levelname, const char *caption);

#endif
