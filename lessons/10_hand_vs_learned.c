/* 10_hand_vs_learned.c - lesson 10: hand-designed vs learned filters.
 *
 * The seed deck's slide 6: classic image processing and a CNN use the same
 * operation, but in image processing a person designs the kernel, in a CNN
 * the network learns it. This lesson puts the two side by side on real data:
 *
 *   - every first-layer filter of the LeNet-5s of lesson 08 and the
 *     AlexNet-mini of lesson 09 matched to its nearest hand-designed kernel
 *     (core/match.h: the cosine of the weights, sign allowed), against the
 *     chance level of random filters, with a count of edge detectors, blurs
 *     and filters nobody would design;
 *   - a photograph and a digit through the learned filters and through their
 *     hand-designed matches, maps side by side;
 *   - the modern LeNet-5 with its first layer (a) fixed to hand kernels,
 *     (b) started from them and fine-tuned, (c) learned from random, on the
 *     MNIST sample and Fashion-MNIST: accuracies, curves, how far the
 *     fine-tuned filters moved;
 *   - epoch by epoch, how the filters learned from random approach the hand
 *     bank, and what training added to them.
 *
 * It reads the models lessons 08 and 09 saved in models/ (or
 * $CONVNET_MODELS); a model that is missing is trained here first, shorter,
 * and saved as models/lesson10_<name>.cnn for the next run.
 *
 *   build/lessons/10_hand_vs_learned            the full lesson (a few minutes on 2 cores with the saved models)
 *   build/lessons/10_hand_vs_learned --quick    seconds: tiny models, a few hundred images
 *   build/lessons/10_hand_vs_learned --epochs 10 --fashion-train 20000
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alexnet.h"
#include "core/conv.h"
#include "core/die.h"
#include "core/error.h"
#include "core/image.h"
#include "core/kernels.h"
#include "core/lenet.h"
#include "core/match.h"
#include "core/model_io.h"
#include "core/plot.h"
#include "lessons/kit/cli.h"
#include "lessons/kit/draw.h"
#include "lessons/kit/loops.h"
#include "lessons/kit/matches.h"
#include "lessons/kit/models.h"
#include "lessons/kit/report.h"
#include "lessons/lesson.h"

#define LESSON_ID "10_hand_vs_learned"
#define SEED 2024
#define BATCH 32
#define LR 0.02f            /* peak rate of the cosine schedule, as lesson 08 */
#define WD 5e-4f            /* weight decay of the comparison runs */
#define K 5                 /* every first layer here has 5x5 filters */
#define NF 6                /* LeNet-5's C1 filters */
#define MAXF 32             /* most first-layer filters of any model here */
#define CHANCE_TRIALS 10000 /* random filters for the chance level */
#define CHANCE_Q 0.99       /* "looks like" = scores higher than 99% of random filters */
#define QUICK_TRAIN 600     /* --quick: training images per dataset (every k-th) */
#define QUICK_TEST 500      /* --quick: test images per dataset */
#define PHOTO_SIDE 128      /* the photograph, shrunk to at most this */
#define SHOW_CLASS 7        /* the digit: the first test image of this class */
#define MAP_Q 0.99          /* maps: this quantile of |value| is drawn white / black */
#define NM 5                /* the trained networks read here */

typedef struct Lesson Lesson; /* what the sections share: the settings, the data, the results */

static Lesson *start(int argc, char **argv); /* the command line, the data, the photograph, the notebook, the bank */
/* The sections of the notebook, each a function below. */
static void ask_the_question(Lesson *ls), show_hand_bank(Lesson *ls), measure_likeness(Lesson *ls),
    load_trained_networks(Lesson *ls), match_learned_filters(Lesson *ls), filter_a_picture(Lesson *ls),
    train_hand_first_layer(Lesson *ls), compare_first_layers(Lesson *ls),
    follow_filters_over_training(Lesson *ls), sum_up_rediscoveries(Lesson *ls), try_it_yourself(Lesson *ls);
static int finish(Lesson *ls);

int main(int argc, char **argv)
{
    Lesson *ls = start(argc, argv);
    void (*const story[])(Lesson *) = { /* the notebook, section by section */
        ask_the_question, show_hand_bank, measure_likeness, load_trained_networks,
        match_learned_filters, filter_a_picture, train_hand_first_layer, compare_first_layers,
        follow_filters_over_training, sum_up_rediscoveries, try_it_yourself,
    };
    for (size_t i = 0; i < sizeof story / sizeof *story; i++) story[i](ls);
    return finish(ls);
}

typedef struct Model Model;   /* a trained network and its first layer's matches */
typedef struct ArmRun ArmRun; /* one run of the comparison: fixed, fine-tuned or random first layer */

struct Lesson {
    int quick, epochs, fashion_train; /* the command line */
    Notebook *nb;
    LessonData *data;                       /* [2]: the MNIST sample, Fashion-MNIST */
    CnImage *photo;                   /* lesson 01's photograph, shrunk */
    float *digit;                     /* a test digit, pixels in [0, 1] */
    char models_dir[4096];
    MatchBank *bank;                  /* the hand-designed kernels at 5x5 */
    double chance;                    /* the score 99% of random filters stay below */
    Model *models;                    /* [NM] */
    int total_f, total_like, fam_tot[4]; /* first-layer filters, those above chance, by family */
    float hand[NF * K * K];           /* the hand-designed first layer */
    Dataset *abc_train[2];            /* the comparison's training sets */
    ArmRun *runs;                     /* [2][3]: per dataset, the three first layers */
    double t_start;
};

/* --- small helpers --------------------------------------------------------------------- */

static double norm2(const float *v, int n)
{
    double s = 0.0;
    for (int i = 0; i < n; i++) s += (double)v[i] * v[i];
    return sqrt(s);
}

/* --- the models ----------------------------------------------------------------------------- */

struct Model {
    SavedModel saved;   /* where it comes from: its file, title, network, lesson */
    const char *tag;    /* short, for pictures and tables */
    int data;           /* which dataset */
    Net *net;
    const char *layer;  /* label of the first layer */
    int nf;             /* its filters */
    const float *w;     /* (nf, 1, K, K) */
    Match m[MAXF];
    int fam[MAXF];      /* MatchFamily when above chance, MATCH_OTHER when not */
    double acc;         /* test accuracy, measured here */
    int test_n;
};


/* The model in a few characters, for the labels of pictures: "classic M". */
static const char *model_initials(const Model *m)
{
    if (m->saved.arch == SAVED_ALEXNET) return "AlexNet";
    if (m->saved.arch == SAVED_LENET_CLASSIC) return m->data ? "classic F" : "classic M";
    return m->data ? "modern F" : "modern M";
}

/* The model's network, read or trained here (lessons/kit/models.h), and its
 * first layer, which must hold up to MAXF filters of 1xKxK. */
static void get_model(Notebook *nb, Model *m, LessonData *data, int quick, const char *models_dir)
{
    m->net = saved_model_get(nb, &m->saved, &data[m->data], quick, models_dir, "lesson10", SEED, &m->acc, &m->test_n);
    const int i = net_find(m->net, m->layer);
    CN_CHECK(i >= 0);
    const Layer *l = net_layer(m->net, i);
    const CnParam *p = &l->param[0];
    if (p->dims[1] != 1 || p->dims[2] != K || p->dims[3] != K || p->dims[0] > MAXF)
        CN_DIE("%s: the first layer's weights are (%d, %d, %d, %d); this lesson expects up to %d filters of 1x%dx%d",
               m->saved.title, p->dims[0], p->dims[1], p->dims[2], p->dims[3], MAXF, K, K);
    m->nf = p->dims[0];
    m->w = p->value;
}


/* --- the comparison runs: (a) fixed, (b) fine-tuned, (c) random -------------------------------- */

enum { ARM_FIXED, ARM_TUNED, ARM_RANDOM };
static const char *const arm_name[3] = { "(a) fixed hand kernels", "(b) hand start, fine-tuned",
                                         "(c) learned from random" };
static const char *const arm_short[3] = { "(a) fixed", "(b) fine-tuned", "(c) random" };

struct ArmRun {
    int arm, d;
    TrainHistory hist;
    float *wep;      /* (epochs + 1) x NF*K*K: C1's weights at the start and after each epoch */
    float b0[NF], b1[NF];
    int identical;   /* weights and biases bit-identical after training */
    double seconds;
};

/* The six hand kernels of the hand-designed first layer, padded to 5x5 and
 * scaled to length sqrt(2) (the mean length of a He-initialised 5x5 filter,
 * sqrt(25 * 2/25)). */
static const char *const hand_names[NF] = { "gaussian5", "sobel_x", "sobel_y", "edge1", "edge2", "edge3" };

static void hand_layer(float *w)
{
    for (int f = 0; f < NF; f++) {
        const CnKernel *k = kernel_find(hand_names[f]);
        CN_CHECK(k);
        float *o = w + f * K * K;
        CN_CHECK(match_fit(o, K, k->v, k->h, k->w, k->h == K ? MATCH_FIT_NATIVE : MATCH_FIT_PAD) == 0);
        const double s = sqrt(2.0) / norm2(o, K * K);
        for (int i = 0; i < K * K; i++) o[i] = (float)(o[i] * s);
    }
}

static void run_arm(ArmRun *a, const LessonData *d, const Dataset *train, int epochs, const float *hand, const char *ckpt)
{
    Net *net = lenet5_modern();
    CN_CHECK(net);
    lenet5_init(net, SEED); /* every layer above C1 starts the same in all three runs */
    Layer *c1 = net_layer(net, net_find(net, "C1"));
    CnParam *w = &c1->param[0], *b = &c1->param[1];
    CN_CHECK(w->n == NF * K * K && b->n == NF);
    if (a->arm != ARM_RANDOM) {
        memcpy(w->value, hand, w->n * sizeof(float));
        memset(b->value, 0, b->n * sizeof(float));
    }
    if (a->arm == ARM_FIXED) w->frozen = b->frozen = 1;
    a->wep = xcalloc((size_t)(epochs + 1) * NF * K * K, sizeof(float));
    memcpy(a->b0, b->value, sizeof a->b0);
    TrainConfig c = train_defaults();
    c.batch = BATCH;
    c.lr = optim_schedule_cosine(LR, epochs, 0.0f);
    c.momentum = 0.9f;
    c.weight_decay = WD;
    c.seed = SEED;
    c.std = 0.0f;
    c.epochs = epochs;
    char label[96];
    snprintf(label, sizeof label, "%s, %s", arm_short[a->arm], d->name);
    const double t0 = now_s();
    train_watching(net, train, d->test, &c, ckpt, w, a->wep, &a->hist, label);
    a->seconds = now_s() - t0;
    memcpy(a->b1, b->value, sizeof a->b1);
    a->identical = memcmp(a->wep, a->wep + (size_t)epochs * NF * K * K, w->n * sizeof(float)) == 0 &&
                   memcmp(a->b0, a->b1, sizeof a->b0) == 0;
    net_free(net);
}


/* --- main ------------------------------------------------------------------------------------------- */

/* --- the sections ------------------------------------------------------------------------------ */

static Lesson *start(int argc, char **argv)
{
    Lesson *ls = xcalloc(1, sizeof *ls);
    int quick = 0, epochs = CLI_UNSET, fashion_train = 60000, naive = 0;
    CliOpt opts[] = {
        { "quick", OPT_FLAG, &quick, "seconds: tiny models trained here, a few hundred images, 2 epochs (every "
                                     "picture still written; models go to the output folder)" },
        { "epochs", OPT_INT, &epochs, "N: epochs of each run of the hand-designed-first-layer comparison, 1 to 50 "
                                            "(default 6; 2 with --quick)" },
        { "fashion-train", OPT_INT, &fashion_train,
          "N: Fashion-MNIST training images in that comparison, spread evenly over the file (100..60000; the MNIST "
          "sample is used whole)" },
        { "naive", OPT_FLAG, &naive, LESSON_NAIVE_HELP },
    };
    cli_main(argc, argv, opts, 4,
             "Lesson 10: hand-designed vs learned filters. The first-layer filters of lessons 08 and 09 matched "
             "against the hand-designed kernels; a photo and a digit through both; LeNet-5 with a first layer "
             "fixed to hand kernels, fine-tuned from them, or learned from random.\n"
             "Outputs: plots/out/" LESSON_ID "/ (or $CONVNET_OUT/" LESSON_ID "/). Models read from models/ (or "
             "$CONVNET_MODELS; with --quick, the output folder's models/, or $CONVNET_MODELS/quick).");
    lesson_choose_loops(naive);
    cli_int_or(&epochs, quick ? 2 : 6, 1, 50, "epochs", "epochs");
    if (fashion_train < 100 || fashion_train > 60000)
        cli_refuse("--fashion-train %d: give a number of images from 100 to 60000 (e.g. --fashion-train 20000)",
               fashion_train);
    ls->quick = quick, ls->epochs = epochs, ls->fashion_train = fashion_train;
    ls->t_start = now_s();

    LessonData *data = ls->data = digits_and_clothes();
    if (quick)
        for (int d = 0; d < 2; d++) quick_subsets(&data[d].train, &data[d].test, QUICK_TRAIN, QUICK_TEST);
    ls->photo = shrink_image(load_lesson_photo(NULL, 0), PHOTO_SIDE);

    Notebook *nb = ls->nb = nb_open(LESSON_ID, "Lesson 10 — Hand-designed vs learned filters");
    CN_CHECK(nb);
    models_folder(ls->models_dir, sizeof ls->models_dir, nb, quick);
    ls->bank = match_bank_registry(K);
    CN_CHECK(ls->bank);
    return ls;
}

static void ask_the_question(Lesson *ls)
{
    Notebook *nb = ls->nb;
    const int quick = ls->quick;
    const int epochs = ls->epochs;
    nb_section(nb, "The question");
    nb_para(nb, "Lesson 01 slid hand-made grids of weights over a photograph: a person chose each number, to blur, "
                "to sharpen, to find edges. The seed deck's slide 6 puts the whole course in one line: it is the "
                "same operation in a CNN, but there the network designs (learns) the kernel. Lessons 08 and 09 "
                "let LeNet-5 and AlexNet-mini learn theirs from thousands of pictures. So: do they learn what a "
                "person would have designed? And does it matter, if we simply give a network the hand-made "
                "kernels?");
    if (quick)
        nb_para(nb, "This is a --quick run: every model here is a tiny one trained in seconds on %d images, and the "
                    "comparison runs last %d epochs. The numbers show how the lesson works, not what the full "
                    "models learn; run it without --quick for that.", QUICK_TRAIN, epochs);
}

static void show_hand_bank(Lesson *ls)
{
    Notebook *nb = ls->nb;
    MatchBank *bank = ls->bank;
    char buf[512];
    nb_section(nb, "The hand-designed bank");
    nb_para(nb, "The registry of lesson 01 holds %d kernels: the seed's six (identity, the three edge detectors, "
                "sharpen, box blur), Sobel x and y, and two Gaussian blurs. The learned filters here are all 5x5, "
                "so each 3x3 kernel is brought to 5x5 in one or two ways:\n"
                "- padded: the 3x3 kernel in the middle of a 5x5 field of zeros. The same operation exactly, "
                "with a wider frame it leaves empty.\n"
                "- resized: the 3x3 pattern drawn bigger, by interpolating between its weights (corners on "
                "corners). A 5x5 Sobel x goes -1, -0.5, 0, 0.5, 1 from left to right. Only the smooth patterns "
                "are resized (Sobel x and y, edge detection (1), the box blur, the 3x3 Gaussian): the identity "
                "drawn bigger becomes a small blur, no longer \"copy one pixel\", and the same goes for sharpen "
                "and the two Laplacians (edge detection (2) and (3)), which compare one pixel with its "
                "immediate neighbours.\n"
                "The 5x5 Gaussian is used as it is. Each version also appears rotated by 180°, because a layer "
                "that cross-correlates with rot180(k) convolves with k (lesson 02): a network could learn "
                "either.", kernel_count());
    /* every kernel's rotation: itself or its negative */
    int own = 0, neg = 0;
    char negs[128] = "";
    for (int i = 0; i < kernel_count(); i++) {
        const CnKernel *k = kernel_at(i);
        float r[25];
        kernel_rot180(r, k->v, k->h, k->w);
        const double c = match_cosine(k->v, r, (size_t)(k->h * k->w));
        if (c > 0.999999) own++;
        if (c < -0.999999) {
            neg++;
            size_t l = strlen(negs);
            snprintf(negs + l, sizeof negs - l, "%s%s", neg > 1 ? " and " : "", k->name);
        }
    }
    nb_check(nb, own + neg == kernel_count(),
             "every kernel of the bank turned by 180° is itself (%d kernels) or its negative (%d: %s)", own, neg,
             negs);
    nb_para(nb, "So for this bank the rotations add nothing new: with the sign allowed (next section), a rotated "
                "kernel scores exactly what the kernel itself scores. They stay in the bank anyway, so that a "
                "kernel that is not symmetric would be found in either orientation.");
    Sheet s = { 0 };
    for (int i = 0; i < bank->n; i++) sheet_add_filter(&s, K, bank->e[i].v, 14, bank->e[i].label);
    sheet_write(&s, nb, "bank.png", 6, 10, 1);
    snprintf(buf, sizeof buf, "the %d entries of the bank at 5x5, each drawn with 0 as mid-gray, positive "
             "lighter, negative darker", bank->n);
    nb_image(nb, buf, "bank.png");
}

static void measure_likeness(Lesson *ls)
{
    Notebook *nb = ls->nb;
    MatchBank *bank = ls->bank;
    char a32[32];
    nb_section(nb, "How alike are two filters?");
    nb_para(nb, "Read a 5x5 filter as a list of 25 numbers, an arrow in 25 dimensions. Two filters do the same "
                "thing, up to loudness, when their arrows point the same way. The score is the cosine of the angle "
                "between them:\n"
                "cos(f, k) = (f1·k1 + f2·k2 + … + f25·k25) / (|f| · |k|)\n"
                "1 when f is k times a positive number, 0 when they have nothing in common, -1 when f is k with "
                "black and white swapped. A network does not care about that swap: the next layer can weigh a "
                "map by a negative number. So the sign is allowed: the score is |cos|, and the sign is noted.");
    nb_para(nb, "Why the raw weights and not the weights minus their mean (the usual correlation coefficient)? The "
                "mean of a filter is how much it answers plain brightness, and that is exactly what tells a blur "
                "(all weights positive) from an edge detector (weights summing to 0). The box blur minus its mean "
                "is all zeros, so nothing could ever look like a blur; and the identity and edge detection (3) "
                "would become the same kernel. Kept raw, they stay apart:");
    const CnKernel *id = kernel_find("identity"), *e3 = kernel_find("edge3"), *bx = kernel_find("box_blur"),
                 *g3 = kernel_find("gaussian"), *sx = kernel_find("sobel_x"), *sy = kernel_find("sobel_y");
    CN_CHECK(id && e3 && bx && g3 && sx && sy);
    float rsx[9], nb3[9];
    kernel_rot180(rsx, sx->v, 3, 3);
    for (int i = 0; i < 9; i++) nb3[i] = -bx->v[i];
    Tab t = tab_new(6, 3);
    const struct { const char *a, *b, *why; const float *x, *y; } rows[6] = {
        { "Sobel x", "Sobel x", "the same filter", sx->v, sx->v },
        { "Sobel x turned by 180°", "Sobel x", "the same with black and white swapped", rsx, sx->v },
        { "minus the box blur", "box blur", "a \"dark blob\" detector is a blur with the sign -1", nb3, bx->v },
        { "identity", "edge detection (3)", "8 × centre minus the ring: mostly the centre", id->v, e3->v },
        { "box blur", "Gaussian 3x3", "two blurs", bx->v, g3->v },
        { "Sobel x", "Sobel y", "vertical vs horizontal edges", sx->v, sy->v },
    };
    double c[6];
    for (int r = 0; r < 6; r++) {
        c[r] = match_cosine(rows[r].x, rows[r].y, 9);
        tab_row(&t, r, "%s vs %s\t%+.3f\t%s", rows[r].a, rows[r].b, c[r], rows[r].why);
    }
    const char *hdr[3] = { "filters", "cos", "" };
    tab_show(nb, &t, hdr);
    nb_check(nb, fabs(c[0] - 1) < 1e-9 && fabs(c[1] + 1) < 1e-9 && fabs(c[2] + 1) < 1e-6,
             "a kernel scores 1 against itself (cos %+.3f), and 1 with the sign -1 noted against its negative "
             "(Sobel x turned: %+.3f; minus the blur: %+.3f)", c[0], c[1], c[2]);
    nb_check(nb, fabs(c[3] - 8.0 / sqrt(72.0)) < 1e-6 && fabs(c[4] - 16.0 / 18.0) < 1e-6 && fabs(c[5]) < 1e-9,
             "by hand: identity vs edge3 = 8 / (1 · √72) = %.3f; box vs Gaussian = (16/144) / ((1/3) · (6/16)) = "
             "%.3f; Sobel x vs Sobel y = 0", c[3], c[4]);
    int all = 1;
    for (int i = 0; i < bank->n; i++) {
        float neg[25];
        for (int j = 0; j < 25; j++) neg[j] = -bank->e[i].v[j];
        const Match m = match_best(bank, bank->e[i].v), mn = match_best(bank, neg);
        all &= fabs(m.score - 1) < 1e-9 && bank->e[m.entry].kernel == bank->e[i].kernel &&
               fabs(mn.score - 1) < 1e-9 && mn.sign == -m.sign;
    }
    nb_check(nb, all, "matched against the whole bank, each of its %d entries finds its own kernel with score 1, "
                      "and its negative finds it too, with the sign flipped", bank->n);
    double q50, q95, chance;
    CN_CHECK(match_chance(&q50, bank, CHANCE_TRIALS, 0.50, SEED) == 0);
    CN_CHECK(match_chance(&q95, bank, CHANCE_TRIALS, 0.95, SEED) == 0);
    CN_CHECK(match_chance(&chance, bank, CHANCE_TRIALS, CHANCE_Q, SEED) == 0);
    nb_para(nb, "How high must a score be to mean something? With %d entries to choose from, even a filter of "
                "random numbers finds some entry it half resembles. So here is the chance level, measured: %s "
                "random 5x5 filters (each weight drawn from a normal distribution, as a network's filters are "
                "before training), each matched to its best entry. Half of them score above %.3f, 5%% above %.3f, "
                "1%% above %.3f.", bank->n, commas(a32, CHANCE_TRIALS), q50, q95, chance);
    nb_para(nb, "In this lesson a learned filter \"looks like\" a hand kernel when its best score is above %.3f, "
                "higher than 99 random filters in 100. Below that it counts as nothing hand-made.", chance);
    ls->chance = chance;
}

static void load_trained_networks(Lesson *ls)
{
    Notebook *nb = ls->nb;
    LessonData *data = ls->data;
    const int quick = ls->quick;
    const char *models_dir = ls->models_dir;
    char a32[32];
    nb_section(nb, "The trained networks");
    Model models[5] = {
#define MODEL(s, t, g, a, d, l) { .saved = { s, t, a, l }, .tag = g, .data = d }
        MODEL("lenet5_modern_mnist", "modern LeNet-5, MNIST sample", "LeNet-5 modern, MNIST", SAVED_LENET_MODERN, 0, "08"),
        MODEL("lenet5_classic_mnist", "classic LeNet-5, MNIST sample", "LeNet-5 classic, MNIST", SAVED_LENET_CLASSIC, 0, "08"),
        MODEL("lenet5_modern_fashion", "modern LeNet-5, Fashion-MNIST", "LeNet-5 modern, Fashion", SAVED_LENET_MODERN, 1, "08"),
        MODEL("lenet5_classic_fashion", "classic LeNet-5, Fashion-MNIST", "LeNet-5 classic, Fashion", SAVED_LENET_CLASSIC, 1,
              "08"),
        MODEL("alexnet_mini_fashion", "AlexNet-mini, Fashion-MNIST", "AlexNet-mini, Fashion", SAVED_ALEXNET, 1, "09"),
#undef MODEL
    };
    nb_para(nb, "Five networks, from %s:", models_dir);
    for (int i = 0; i < NM; i++) {
        models[i].layer = models[i].saved.arch == SAVED_ALEXNET ? "conv1" : "C1";
        get_model(nb, &models[i], data, quick, models_dir);
    }
    Tab t = tab_new(NM, 4);
    for (int i = 0; i < NM; i++) {
        tab_row(&t, i, "%s\t%s: %d filters of 5x5\t%.2f%%\t%s", models[i].saved.title, models[i].layer, models[i].nf,
                100.0 * models[i].acc, commas(a32, models[i].test_n));
    }
    const char *hdr[4] = { "network", "first layer", "test accuracy", "test images" };
    tab_show(nb, &t, hdr);
    int ok = 1;
    for (int i = 0; i < NM; i++) ok &= models[i].acc > 0.2;
    nb_check(nb, ok, "every network works: each classifies its test set far better than the 10%% of guessing "
                     "(lowest %.2f%%)", 100.0 * fmin(fmin(models[0].acc, models[1].acc),
                                                      fmin(fmin(models[2].acc, models[3].acc), models[4].acc)));
    ls->models = xcalloc(NM, sizeof *ls->models);
    for (int i = 0; i < NM; i++) ls->models[i] = models[i];
}

static void match_learned_filters(Lesson *ls)
{
    Notebook *nb = ls->nb;
    MatchBank *bank = ls->bank;
    const double chance = ls->chance;
    Model *models = ls->models;
    char buf[512];
    nb_section(nb, "Learned filters beside their best hand-designed match");
    nb_para(nb, "Each learned filter of each first layer, matched against the %d entries of the bank. In the "
                "pictures, each learned filter (left of a pair) stands beside its best match multiplied by the "
                "sign (right), so the two should look alike. Under each pair: the filter's number, + or - (the "
                "sign), the kernel, (r) when it is the resized version, and the score. Each filter is drawn on its "
                "own gray scale, 0 as mid-gray.", bank->n);
    int total_f = 0, total_like = 0, fam_tot[4] = { 0 };
    for (int i = 0; i < NM; i++) {
        Model *m = &models[i];
        Sheet s = { 0 };
        Tab t = tab_new(m->nf, 4);
        int like = 0;
        for (int f = 0; f < m->nf; f++) {
            const float *w = m->w + f * K * K;
            m->m[f] = match_best(bank, w);
            m->fam[f] = m->m[f].score > chance ? (int)match_family(bank->e[m->m[f].entry].kernel) : MATCH_OTHER;
            like += m->m[f].score > chance;
            fam_tot[m->fam[f]]++;
            char lab[64];
            snprintf(lab, sizeof lab, "%s %d", m->layer, f + 1);
            sheet_add_match(&s, bank, w, &m->m[f], 14, lab);
            tab_row(&t, f, "%d\t%s%s\t%.3f\t%s", f + 1, m->m[f].sign < 0 ? "minus " : "", bank->e[m->m[f].entry].label,
                    m->m[f].score, m->m[f].score > chance ? match_family_name(m->fam[f]) : "nothing hand-made");
        }
        total_f += m->nf;
        total_like += like;
        char file[96];
        snprintf(file, sizeof file, "match_%s.png", m->saved.stem);
        sheet_write(&s, nb, file, m->nf > 6 ? 6 : 3, 12, 1);
        nb_para(nb, "%s (%s, %d filters): %d of %d score above the chance level %.3f.", m->saved.title, m->layer, m->nf,
                like, m->nf, chance);
        snprintf(buf, sizeof buf, "%s: each learned filter of %s, then its best hand-designed match (times its sign) "
                 "with the score", m->saved.title, m->layer);
        nb_image(nb, buf, file);
        const char *hdr[4] = { "filter", "best match", "score", "looks like" };
        tab_show(nb, &t, hdr);
    }
    nb_para(nb, "The count, model by model (a filter counts in a family when its score is above %.3f):", chance);
    Tab t = tab_new(NM + 1, 7);
    for (int i = 0; i <= NM; i++) {
        int c[4] = { 0 }, n = 0;
        double mean = 0.0;
        for (int j = 0; j < NM; j++) {
            if (i < NM && j != i) continue;
            for (int f = 0; f < models[j].nf; f++) c[models[j].fam[f]]++, mean += models[j].m[f].score, n++;
        }
        tab_row(&t, i, "%s\t%d\t%d\t%d\t%d\t%d\t%.3f", i < NM ? models[i].tag : "all", n, c[MATCH_EDGE], c[MATCH_BLUR],
                c[MATCH_KEEP], c[MATCH_OTHER], mean / n);
    }
    const char *hdr[7] = { "network", "filters", "edge detector", "blur", "identity or sharpen",
                           "nothing hand-made", "mean score" };
    tab_show(nb, &t, hdr);
    nb_check(nb, fam_tot[0] + fam_tot[1] + fam_tot[2] + fam_tot[3] == total_f && total_like == total_f - fam_tot[3],
             "the %d filters are counted once each: %d edge detectors + %d blurs + %d identity or sharpen + %d "
             "nothing hand-made", total_f, fam_tot[MATCH_EDGE], fam_tot[MATCH_BLUR], fam_tot[MATCH_KEEP],
             fam_tot[MATCH_OTHER]);
    ls->total_f = total_f, ls->total_like = total_like;
    memcpy(ls->fam_tot, fam_tot, sizeof fam_tot);
}

static void filter_a_picture(Lesson *ls)
{
    Notebook *nb = ls->nb;
    LessonData *data = ls->data;
    const CnImage *photo = ls->photo;
    MatchBank *bank = ls->bank;
    Model *models = ls->models;
    char buf[512];
    nb_section(nb, "What the filters do to a picture");
    /* the digit: the first test image of class SHOW_CLASS in the MNIST sample */
    const int digit_i = first_of_class(data[0].test, SHOW_CLASS);
    const int DH = data[0].test->height, DW = data[0].test->width, PH = photo->h, PW = photo->w;
    float *digit = xcalloc((size_t)DH * DW, sizeof *digit);
    for (int i = 0; i < DH * DW; i++) digit[i] = dataset_image(data[0].test, digit_i)[i] / 255.0f;
    nb_para(nb, "Weights are one thing; what a filter does to a picture is another. Here the photograph of lesson "
                "01 (shrunk to %dx%d) and a digit %d of the MNIST sample (28x28, drawn 4 times bigger) go through "
                "each learned filter and through its best hand-designed match. Each map is the filter's plain "
                "sliding sum (same padding), before the layer adds its bias and applies its activation, drawn "
                "with 0 as mid-gray and the strongest 1%% of values saturated. Each row: the learned filter, its "
                "maps, then the hand kernel, its maps.", PW, PH, SHOW_CLASS);
    float *mp = xcalloc((size_t)PH * PW, sizeof *mp), *hp = xcalloc((size_t)PH * PW, sizeof *hp);
    float *md = xcalloc((size_t)DH * DW, sizeof *md), *hd = xcalloc((size_t)DH * DW, sizeof *hd);
    Tab t = tab_new(NM, 4);
    int maps_better = 0;
    for (int i = 0; i < NM; i++) {
        Model *m = &models[i];
        Sheet s = { 0 };
        double cp = 0.0, cd = 0.0, sc = 0.0;
        for (int f = 0; f < m->nf; f++) {
            const float *w = m->w + f * K * K;
            float e[K * K];
            match_signed_entry(e, bank, &m->m[f]);
            CN_CHECK(correlate2d_border(mp, photo->data, PH, PW, w, K, K, CONV_BORDER_SAME, 1) == 0);
            CN_CHECK(correlate2d_border(hp, photo->data, PH, PW, e, K, K, CONV_BORDER_SAME, 1) == 0);
            CN_CHECK(correlate2d_border(md, digit, DH, DW, w, K, K, CONV_BORDER_SAME, 1) == 0);
            CN_CHECK(correlate2d_border(hd, digit, DH, DW, e, K, K, CONV_BORDER_SAME, 1) == 0);
            const double c1 = match_cosine(mp, hp, (size_t)PH * PW), c2 = match_cosine(md, hd, (size_t)DH * DW);
            cp += fabs(c1), cd += fabs(c2), sc += m->m[f].score;
            char lab[64];
            snprintf(lab, sizeof lab, "%s %d", m->layer, f + 1);
            sheet_add_filter(&s, K, w, 20, lab);
            sheet_add_map(&s, mp, PH, PW, 1, MAP_Q, "learned: photo");
            sheet_add_map(&s, md, DH, DW, 4, MAP_Q, "learned: digit");
            sheet_add_filter(&s, K, e, 20, match_label(lab, sizeof lab, bank, &m->m[f]));
            sheet_add_map(&s, hp, PH, PW, 1, MAP_Q, "hand: photo");
            sheet_add_map(&s, hd, DH, DW, 4, MAP_Q, "hand: digit");
            /* at most 12 filters (rows) per picture */
            if ((f + 1) % 12 == 0 || f + 1 == m->nf) {
                const int part = f / 12, parts = (m->nf + 11) / 12;
                char file[96];
                if (parts > 1)
                    snprintf(file, sizeof file, "maps_%s_%d.png", m->saved.stem, part + 1);
                else
                    snprintf(file, sizeof file, "maps_%s.png", m->saved.stem);
                sheet_write(&s, nb, file, 6, 8, 1);
                if (parts > 1)
                    snprintf(buf, sizeof buf, "%s, filters %d to %d: each learned filter and its maps, then its "
                             "best hand match and its maps", m->saved.title, part * 12 + 1, f + 1);
                else
                    snprintf(buf, sizeof buf, "%s: each learned filter and its maps, then its best hand match "
                             "and its maps", m->saved.title);
                nb_image(nb, buf, file);
            }
        }
        maps_better += cp > sc;
        tab_row(&t, i, "%s\t%.3f\t%.3f\t%.3f", m->tag, sc / m->nf, cp / m->nf, cd / m->nf);
    }
    nb_para(nb, "How alike the maps are, measured with the same cosine (now of two maps of %dx%d or 28x28 "
                "numbers, sign allowed), averaged over each network's filters, beside the weights' score:", PW,
            PH);
    const char *hdr[4] = { "network", "weights: mean score", "photo maps: mean |cos|", "digit maps: mean |cos|" };
    tab_show(nb, &t, hdr);
    nb_para(nb, "For %d of the %d networks the photo maps agree better than the weights do. Pictures are mostly "
                "smooth: neighbouring pixels are alike, so what a filter does to them depends mostly on its broad "
                "shape (its average, its slope from one side to the other), far less on the fine pixel-to-pixel "
                "zigzag, which a smooth picture averages away. Two filters whose weights agree only roughly can "
                "still draw nearly the same map.", maps_better, NM);
    free(mp), free(hp), free(md), free(hd);
    ls->digit = digit;
}

static void train_hand_first_layer(Lesson *ls)
{
    Notebook *nb = ls->nb;
    LessonData *data = ls->data;
    const int quick = ls->quick;
    const int epochs = ls->epochs;
    const int fashion_train = ls->fashion_train;
    char a32[32];
    char b32[32];
    char c32[32];
    char e32[32];
    nb_section(nb, "A network with a hand-designed first layer");
    nb_para(nb, "Now the other way round: give the modern LeNet-5 a first layer a person designed, and see what "
                "it costs. C1 has 6 filters of 5x5, so six kernels are chosen, the 3x3 ones padded to 5x5:\n"
                "- the 5x5 Gaussian, a blur: the picture itself, smoothed, so the next layers still see where "
                "the ink (or the cloth) is;\n"
                "- Sobel x and Sobel y: vertical and horizontal edges, the strokes' directions;\n"
                "- edge detection (1): diagonal structure and corners, which Sobel misses;\n"
                "- edge detection (2) and (3): the two Laplacians. After the ReLU only the positive part of a map "
                "survives, and these two have opposite signs in the centre: (3) fires on a bright pixel in a darker "
                "ring (inside a thin stroke), (2) on a dark pixel next to bright ones (just outside a stroke).\n"
                "Left out: the identity and sharpen (the blur already passes the picture on, and sharpen is the "
                "identity minus edge detection (2)), the box blur and the 3x3 Gaussian (a second, smaller blur). "
                "Each kernel is scaled to the length √2 that a randomly started filter has on average, so all "
                "three networks start with maps of similar strength; a scale changes how loud a filter is, not "
                "what it finds.");
    float hand[NF * K * K];
    hand_layer(hand);
    Sheet s = { 0 };
    for (int f = 0; f < NF; f++) sheet_add_filter(&s, K, hand + f * K * K, 16, hand_names[f]);
    sheet_write(&s, nb, "hand_layer.png", NF, 10, 1);
    nb_image(nb, "the hand-designed first layer: six kernels at 5x5, each scaled to length √2 (0 is mid-gray)",
             "hand_layer.png");
    Dataset *abc_train[2] = { data[0].train, quick || fashion_train >= data[1].train->count
                                                 ? data[1].train
                                                 : strided_subset(data[1].train, fashion_train) };
    nb_para(nb, "Three networks per dataset, alike in everything but C1:\n"
                "- (a) fixed: C1 is the hand-designed layer, frozen (its weights and biases are never updated; "
                "the optimizer skips them);\n"
                "- (b) fine-tuned: C1 starts as the hand-designed layer and then learns like every other layer;\n"
                "- (c) random: C1 starts from random numbers (He initialisation), as in lesson 08.\n"
                "Every layer above C1 starts from the same random numbers in all three (seed %d); the same "
                "%d epochs of mini-batches of %d in the same shuffled order; SGD with momentum 0.9, weight decay "
                "%g, the learning rate falling from %.2f to 0 along a cosine. The data: the MNIST sample (%s "
                "training, %s test digits) and Fashion-MNIST (%s%s training pictures%s, and %s test pictures).",
            SEED, epochs, BATCH, (double)WD, (double)LR, commas(a32, abc_train[0]->count),
            commas(b32, data[0].test->count), abc_train[1]->count == data[1].train->count ? "all " : "",
            commas(c32, abc_train[1]->count),
            abc_train[1]->count == data[1].train->count ? "" : " spread evenly over the training file",
            commas(e32, data[1].test->count));
    lesson_say_loops(nb);
    ArmRun runs[2][3];
    memset(runs, 0, sizeof runs);
    char ckpt[4096];
    CN_CHECK(snprintf(ckpt, sizeof ckpt, "%s", nb_path(nb, "comparison.ckpt")) < (int)sizeof ckpt);
    for (int d = 0; d < 2; d++)
        for (int r = 0; r < 3; r++) {
            runs[d][r].arm = r;
            runs[d][r].d = d;
            run_arm(&runs[d][r], &data[d], abc_train[d], epochs, hand, ckpt);
        }
    memcpy(ls->hand, hand, sizeof hand);
    ls->abc_train[0] = abc_train[0], ls->abc_train[1] = abc_train[1];
    ls->runs = xcalloc(6, sizeof *ls->runs);
    memcpy(ls->runs, runs, sizeof runs);
}

static void compare_first_layers(Lesson *ls)
{
    Notebook *nb = ls->nb;
    LessonData *data = ls->data;
    const int epochs = ls->epochs;
    MatchBank *bank = ls->bank;
    ArmRun (*runs)[3] = (ArmRun (*)[3])ls->runs;
    char a32[32];
    Tab t = tab_new(3, 4);
    for (int r = 0; r < 3; r++) {
        tab_set(&t, r, 0, "%s", arm_name[r]);
        for (int d = 0; d < 2; d++)
            tab_set(&t, r, 1 + d, "%.2f%%", 100.0 * runs[d][r].hist.e[epochs - 1].test_acc);
        tab_set(&t, r, 3, "%.0f s + %.0f s", runs[0][r].seconds, runs[1][r].seconds);
    }
    nb_para(nb, "Test accuracy after %d epochs:", epochs);
    const char *hdr[4] = { "first layer", "MNIST sample", "Fashion-MNIST", "training time" };
    tab_show(nb, &t, hdr);
    /* curves: test accuracy per epoch, six on one plot */
    Curve curve[6];
    char nm[6][64];
    for (int d = 0, s = 0; d < 2; d++)
        for (int r = 0; r < 3; r++, s++) {
            snprintf(nm[s], sizeof nm[s], "%s, %s", arm_short[r], d ? "Fashion" : "MNIST");
            curve[s] = (Curve){ &runs[d][r].hist, TEST_ACC_PERCENT, nm[s], 0 };
        }
    draw_epoch_curves(nb, "comparison.png", "Test accuracy: hand-designed vs learned first layer", "epoch", "test accuracy (%)",
                curve, 6);
    nb_plot(nb, "test accuracy after each epoch: (a) fixed hand kernels, (b) fine-tuned from them, (c) learned "
                "from random, on the MNIST sample and Fashion-MNIST", "comparison.png");
    nb_check(nb, runs[0][ARM_FIXED].identical && runs[1][ARM_FIXED].identical,
             "the frozen first layer of (a) is bit for bit what it was before training, on both datasets (%d "
             "weights and %d biases compared byte by byte), while the layers above it trained",
             NF * K * K, NF);
    /* the frozen filters still match their kernels with score 1 */
    int ok = 1;
    for (int f = 0; f < NF; f++) {
        const float *w = runs[0][ARM_FIXED].wep + (size_t)epochs * NF * K * K + f * K * K;
        const Match m = match_best(bank, w);
        ok &= fabs(m.score - 1) < 1e-6 && !strcmp(bank->e[m.entry].kernel->name, hand_names[f]) && m.sign == 1;
    }
    nb_check(nb, ok, "matched against the bank after training, each frozen filter of (a) still finds its own "
                     "kernel (gaussian5, sobel_x, …) with score 1.000, sign +");
    nb_para(nb, "How big must a difference be to count? An accuracy p measured on n test images moves by about "
                "√(p(1-p)/n) from one test set to another of the same size (its standard error); a difference "
                "smaller than two of those could be luck of the draw.");
    for (int d = 0; d < 2; d++) {
        const double fa = 100.0 * runs[d][ARM_FIXED].hist.e[epochs - 1].test_acc,
                     fb = 100.0 * runs[d][ARM_TUNED].hist.e[epochs - 1].test_acc,
                     fc = 100.0 * runs[d][ARM_RANDOM].hist.e[epochs - 1].test_acc;
        const double p = (fa + fc) / 200.0, se2 = 200.0 * sqrt(p * (1 - p) / data[d].test->count);
        nb_para(nb, "%s: fixed hand kernels %.2f%%, fine-tuned %.2f%%, learned from random %.2f%%; two standard "
                    "errors on %s test images are %.2f points. %s", data[d].name, fa, fb, fc,
                commas(a32, data[d].test->count), se2,
                fabs(fa - fc) < se2 ? "Between (a) and (c) the difference is within that: the hand-designed "
                                      "layer costs nothing measurable here, the layers above learn to read "
                                      "whatever six maps they are given."
                : fa < fc ? "Learning the first layer pays off here, by more than the noise: the six hand-made "
                            "maps leave out something the data needs."
                          : "The hand-designed layer does better here, by more than the noise, in this short "
                            "training.");
    }
    /* how far the fine-tuned filters moved */
    nb_para(nb, "How far did the fine-tuned filters of (b) move from where they started? For each filter: the "
                "cosine between its start (the hand kernel) and its end, the length of the change relative to the "
                "start, and the best match of the filter at the end.");
    Tab drift = tab_new(2 * NF, 5);
    Sheet s = { 0 };
    for (int d = 0; d < 2; d++) {
        const float *w0 = runs[d][ARM_TUNED].wep, *w1 = runs[d][ARM_TUNED].wep + (size_t)epochs * NF * K * K;
        for (int f = 0; f < NF; f++) {
            float ch[K * K];
            for (int i = 0; i < K * K; i++) ch[i] = w1[f * K * K + i] - w0[f * K * K + i];
            const Match m = match_best(bank, w1 + f * K * K);
            char sm[64];
            tab_row(&drift, d * NF + f, "%s\t%s\t%.3f\t%.3f\t%s", data[d].name, hand_names[f],
                    match_cosine(w0 + f * K * K, w1 + f * K * K, K * K), norm2(ch, K * K) / norm2(w0 + f * K * K, K * K),
                    match_label(sm, sizeof sm, bank, &m));
        }
    }
    const char *drift_hdr[5] = { "data", "started as", "cos(start, end)", "|change| / |start|", "best match at the end" };
    tab_show(nb, &drift, drift_hdr);
    /* the picture: per dataset three rows (start, end, change), one range per filter */
    for (int d = 0; d < 2; d++)
        sheet_add_start_end_change(&s, runs[d][ARM_TUNED].wep, runs[d][ARM_TUNED].wep + (size_t)epochs * NF * K * K, NF,
                                   K, 16, d ? "Fashion" : "MNIST", hand_names);
    sheet_write(&s, nb, "fine_tuned.png", NF, 10, 1);
    nb_image(nb, "the fine-tuned first layer (b): for each dataset, the filters at the start (the hand kernels), "
                 "at the end, and the change; start, end and change of a filter share one gray scale (0 "
                 "mid-gray), so a faint change is a small one", "fine_tuned.png");
    int moved = 1;
    double mean_cos = 0.0;
    for (int d = 0; d < 2; d++)
        for (int f = 0; f < NF; f++) {
            const float *w0 = runs[d][ARM_TUNED].wep + f * K * K,
                        *w1 = runs[d][ARM_TUNED].wep + (size_t)epochs * NF * K * K + f * K * K;
            moved &= memcmp(w0, w1, K * K * sizeof(float)) != 0;
            mean_cos += match_cosine(w0, w1, K * K) / (2 * NF);
        }
    nb_check(nb, moved, "unlike (a), every fine-tuned filter of (b) did change (mean cosine between start and end "
                        "%.3f)", mean_cos);
    for (int d = 0; d < 2; d++) {
        const float *w0 = runs[d][ARM_TUNED].wep, *w1 = runs[d][ARM_TUNED].wep + (size_t)epochs * NF * K * K;
        double c = 0.0, lo = 2.0;
        int lo_f = 0, kept = 0;
        for (int f = 0; f < NF; f++) {
            const double cf = match_cosine(w0 + f * K * K, w1 + f * K * K, K * K);
            c += cf / NF;
            if (cf < lo) lo = cf, lo_f = f;
            kept += match_best(bank, w1 + f * K * K).entry >= 0 &&
                    !strcmp(bank->e[match_best(bank, w1 + f * K * K).entry].kernel->name, hand_names[f]);
        }
        nb_para(nb, "%s: the mean cosine between start and end is %.3f; %d of the 6 filters still match their own "
                    "kernel best at the end; the one that moved most is %s (cosine %.3f).", data[d].name, c, kept,
                hand_names[lo_f], lo);
    }
}

static void follow_filters_over_training(Lesson *ls)
{
    Notebook *nb = ls->nb;
    LessonData *data = ls->data;
    const int epochs = ls->epochs;
    MatchBank *bank = ls->bank;
    const double chance = ls->chance;
    ArmRun (*runs)[3] = (ArmRun (*)[3])ls->runs;
    nb_section(nb, "Over training: do learned filters drift toward the hand bank?");
    nb_para(nb, "Back to (c), the filters learned from random numbers. After every epoch their best scores against "
                "the bank were recorded. A filter at the end is its random start plus what training added, so the "
                "added part, end minus start, is matched too: it is what the data taught, without the leftover "
                "randomness of the start. For (b), the line shows how much the filters still resemble the hand "
                "kernels they started as.");
    const int P = epochs + 1;
    double *x = xcalloc((size_t)P, sizeof *x), *y[7];
    for (int s = 0; s < 7; s++) y[s] = xcalloc((size_t)P, sizeof **y);
    for (int e = 0; e < P; e++) {
        x[e] = e;
        for (int d = 0; d < 2; d++) {
            const float *wc = runs[d][ARM_RANDOM].wep + (size_t)e * NF * K * K, *w0 = runs[d][ARM_RANDOM].wep;
            y[d][e] = match_mean_best(bank, wc, NF);
            float ch[NF * K * K];
            for (int i = 0; i < NF * K * K; i++) ch[i] = wc[i] - w0[i];
            y[2 + d][e] = e == 0 ? NAN : match_mean_best(bank, ch, NF);
            const float *wb = runs[d][ARM_TUNED].wep + (size_t)e * NF * K * K, *wb0 = runs[d][ARM_TUNED].wep;
            double c = 0.0;
            for (int f = 0; f < NF; f++) c += match_cosine(wb0 + f * K * K, wb + f * K * K, K * K) / NF;
            y[4 + d][e] = c;
        }
        y[6][e] = chance;
    }
    const char *names[7] = { "(c) filters, MNIST", "(c) filters, Fashion", "(c) added, MNIST",
                             "(c) added, Fashion", "(b) vs start, MNIST", "(b) vs start, Fashion",
                             "chance level" };
    CN_CHECK(plot_lines(nb_path(nb, "similarity.png"), nb_path(nb, "similarity.dat"),
                        "First-layer filters vs the hand-designed bank, epoch by epoch", "epoch",
                        "mean score over the 6 filters", names, x, (const double *const *)y, 7, P) >= 0);
    nb_plot(nb, "(c) filters: the mean best score of the six C1 filters learned from random, against the bank; "
                "(c) added: the same for what training added to them (end minus start); (b) vs start: the mean "
                "cosine of the fine-tuned filters with the hand kernels they started as; chance level: 99% of "
                "random filters score lower", "similarity.png");
    for (int d = 0; d < 2; d++)
        nb_para(nb, "%s, (c): the filters' mean best score goes from %.3f at the start (random numbers) to %.3f "
                    "after %d epochs; what training added scores %.3f after the first epoch and %.3f at the end "
                    "(chance level %.3f). The fine-tuned filters of (b) end with a mean cosine of %.3f to the hand "
                    "kernels they started as.", data[d].name, y[d][0], y[d][epochs], epochs, y[2 + d][1],
                y[2 + d][epochs], chance, y[4 + d][epochs]);
    /* the (c) filters: start, end, change, each with its best match */
    Sheet s = { 0 };
    for (int d = 0; d < 2; d++) {
        const float *w0 = runs[d][ARM_RANDOM].wep, *w1 = runs[d][ARM_RANDOM].wep + (size_t)epochs * NF * K * K;
        for (int r = 0; r < 3; r++)
            for (int f = 0; f < NF; f++) {
                float v[K * K];
                for (int i = 0; i < K * K; i++)
                    v[i] = r == 0 ? w0[f * K * K + i] : r == 1 ? w1[f * K * K + i] : w1[f * K * K + i] - w0[f * K * K + i];
                const Match m = match_best(bank, v);
                char lab[64];
                snprintf(lab, sizeof lab, "%s %d %s", d ? "F" : "M", f + 1, r == 0 ? "start" : r == 1 ? "end" : "added");
                sheet_add_match(&s, bank, v, &m, 12, lab);
            }
    }
    sheet_write(&s, nb, "learned_from_random.png", NF, 10, 1);
    nb_image(nb, "the six C1 filters of (c), on the MNIST sample (M, top three rows) and Fashion-MNIST (F, bottom "
                 "three): the random start, the end, and what training added (end minus start), each beside its "
                 "best match (times its sign) with the score; each on its own gray scale, 0 mid-gray",
             "learned_from_random.png");
    double keep[2];
    for (int d = 0; d < 2; d++) {
        const float *w0 = runs[d][ARM_RANDOM].wep, *w1 = runs[d][ARM_RANDOM].wep + (size_t)epochs * NF * K * K;
        keep[d] = 0.0;
        for (int f = 0; f < NF; f++) keep[d] += match_cosine(w0 + f * K * K, w1 + f * K * K, K * K) / NF;
    }
    nb_para(nb, "How much of its random start does a filter keep? The mean cosine between start and end is %.3f on "
                "the MNIST sample and %.3f on Fashion-MNIST. A short training moves a first-layer filter only "
                "part of the way: the gradient reaching C1 is small, and any zigzag that does not hurt the loss "
                "is never removed. That leftover noise is why learned first-layer filters of small networks look "
                "speckled, and why the added part is the fairer thing to compare with a hand-made kernel.",
            keep[0], keep[1]);
    for (int s2 = 0; s2 < 7; s2++) free(y[s2]);
    free(x);
}

static void sum_up_rediscoveries(Lesson *ls)
{
    Notebook *nb = ls->nb;
    LessonData *data = ls->data;
    const int epochs = ls->epochs;
    MatchBank *bank = ls->bank;
    const double chance = ls->chance;
    Model *models = ls->models;
    const int total_f = ls->total_f;
    const int total_like = ls->total_like;
    const int *fam_tot = ls->fam_tot;
    ArmRun (*runs)[3] = (ArmRun (*)[3])ls->runs;
    char buf[512];
    nb_section(nb, "What was rediscovered, and what nobody would design");
    /* all filters of the five networks, ranked by score */
    typedef struct { int mi, f; double s; } Rank;
    Rank *rk = xcalloc((size_t)total_f, sizeof *rk);
    int n = 0;
    for (int i = 0; i < NM; i++)
        for (int f = 0; f < models[i].nf; f++) rk[n++] = (Rank){ i, f, models[i].m[f].score };
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && rk[j].s > rk[j - 1].s; j--) {
            Rank t = rk[j];
            rk[j] = rk[j - 1];
            rk[j - 1] = t;
        }

    /* Sobel turned to other angles: cos(t) Sobel x + sin(t) Sobel y is the
     * change of brightness along the direction t (y pointing down), the
     * edge detector a person would design for edges at that angle. */
    enum { NT = 10 };
    static float tv[NT][9];
    static char tname[NT][24], ttitle[NT][40];
    CnKernel turned[NT];
    const CnKernel *ext[64];
    int next = 0, tdeg[NT];
    for (int i = 0; i < kernel_count(); i++) ext[next++] = kernel_at(i);
    const CnKernel *sx = kernel_find("sobel_x"), *sy = kernel_find("sobel_y");
    CN_CHECK(sx && sy);
    for (int t = 0, deg = 15; t < NT; deg += 15) {
        if (deg == 90) continue;
        const double th = deg * 3.14159265358979323846 / 180.0;
        for (int i = 0; i < 9; i++) tv[t][i] = (float)(cos(th) * sx->v[i] + sin(th) * sy->v[i]);
        snprintf(tname[t], sizeof tname[t], "sobel_%d", deg);
        snprintf(ttitle[t], sizeof ttitle[t], "Sobel turned by %d°", deg);
        turned[t] = (CnKernel){ tname[t], ttitle[t], 3, 3, tv[t], "Sobel x turned" };
        tdeg[t] = deg;
        ext[next++] = &turned[t];
        t++;
    }
    MatchBank *xb = match_bank_create(ext, next, K);
    CN_CHECK(xb);
    double chance_x;
    CN_CHECK(match_chance(&chance_x, xb, CHANCE_TRIALS, CHANCE_Q, SEED) == 0);
    int n_other = 0, n_turned = 0, shown_t = 0;
    Rank tr[8];
    char angles[256] = "";
    for (int i = 0; i < n; i++) {
        const Model *m = &models[rk[i].mi];
        if (m->fam[rk[i].f] != MATCH_OTHER) continue;
        n_other++;
        const Match mx = match_best(xb, m->w + rk[i].f * K * K);
        const CnKernel *k = xb->e[mx.entry].kernel;
        for (int t = 0; t < NT; t++)
            if (k == &turned[t] && mx.score > chance_x) {
                n_turned++;
                if (shown_t < 8) tr[shown_t++] = rk[i];
                size_t l = strlen(angles);
                if (l + 16 < sizeof angles) snprintf(angles + l, sizeof angles - l, "%s%d°", l ? ", " : "", tdeg[t]);
            }
    }

    /* the closing picture: pairs (filter, match) */
    const int show = n < 6 ? n : 6;
    Sheet s = { 0 };
    for (int part = 0; part < 2; part++)
        for (int i = 0; i < show; i++) {
            const Rank *r = part == 0 ? &rk[i] : &rk[n - show + i];
            const Model *m = &models[r->mi];
            sheet_add_match(&s, bank, m->w + r->f * K * K, &m->m[r->f], 12, model_initials(m));
        }
    for (int i = 0; i < shown_t; i++) {
        const Model *m = &models[tr[i].mi];
        const Match mx = match_best(xb, m->w + tr[i].f * K * K);
        sheet_add_match(&s, xb, m->w + tr[i].f * K * K, &mx, 12, model_initials(m));
    }
    sheet_write(&s, nb, "closest_and_farthest.png", show, 12, 1);
    snprintf(buf, sizeof buf, "pairs of a learned filter and its best match (times its sign), labelled with the "
             "network (M = MNIST, F = Fashion): first row, the %d closest to a hand-designed kernel; second row, "
             "the %d farthest from any%s", show, show,
             shown_t ? "; third row, filters that matched nothing but match a Sobel turned to another angle" : "");
    nb_image(nb, buf, "closest_and_farthest.png");

    /* what training added in the runs from random */
    int add_like = 0, add_fam[4] = { 0 };
    double keep = 0.0;
    for (int d = 0; d < 2; d++) {
        const float *w0 = runs[d][ARM_RANDOM].wep, *w1 = runs[d][ARM_RANDOM].wep + (size_t)epochs * NF * K * K;
        for (int f = 0; f < NF; f++) {
            float ch[K * K];
            for (int i = 0; i < K * K; i++) ch[i] = w1[f * K * K + i] - w0[f * K * K + i];
            const Match m = match_best(bank, ch);
            if (m.score > chance) add_like++, add_fam[match_family(bank->e[m.entry].kernel)]++;
            keep += match_cosine(w0 + f * K * K, w1 + f * K * K, K * K) / (2 * NF);
        }
    }
    const Model *top = &models[rk[0].mi];
    const int fe = fam_tot[MATCH_EDGE], fbl = fam_tot[MATCH_BLUR], fk = fam_tot[MATCH_KEEP];
    const char *most = total_like == 0 ? NULL
                       : fe > fbl && fe > fk ? "edge detectors"
                       : fbl > fe && fbl > fk ? "blurs"
                       : fk > fe && fk > fbl ? "copies of the picture (identity or sharpen)" : NULL;
    nb_para(nb, "Rediscovered. Of the %d first-layer filters of the five networks, %d score above the chance level "
                "%.3f: %d edge detectors, %d blurs, %d identity or sharpen%s%s. The closest is filter %d of the %s: "
                "%s%s, score %.3f. In the runs from random numbers of this lesson, what training added to the "
                "filters (end minus start) is easier to read, free of the randomness of the start: %d of those "
                "%d additions score above chance, %d as edge detectors and %d as blurs.%s",
            total_f, total_like, chance, fe, fbl, fk, most ? "; most of them " : "", most ? most : "", rk[0].f + 1, top->saved.title, top->m[rk[0].f].sign < 0 ? "minus " : "",
            bank->e[top->m[rk[0].f].entry].label, rk[0].s, add_like, 2 * NF, add_fam[MATCH_EDGE],
            add_fam[MATCH_BLUR],
            fe + fbl + add_fam[MATCH_EDGE] + add_fam[MATCH_BLUR] > 0
                ? " Blurs keep track of where the ink or the cloth is; edge detectors, of where outlines are and "
                  "which way they run: the two things a person reaches for first, and the network arrived at "
                  "them from random numbers and labelled pictures alone."
                : "");
    nb_para(nb, "Nobody would design. %d filters match nothing in the bank better than random numbers would. The "
                "bank holds Sobel in two directions only; allowing Sobel turned to any multiple of 15° (ten more "
                "kernels, which raises the chance level to %.3f), %d of them turn%s out to be %s at another "
                "angle%s%s%s: a person would have designed %s too, had they thought of the angle. The other %d "
                "are mixtures no one would write down as one kernel, and partly left-over noise of their random "
                "start (in this lesson's runs from random, a filter kept a cosine of %.3f with its start). A person designs one clean kernel per idea; a network spreads its ideas over its filters "
                "and keeps whatever lowers the loss.",
            n_other, chance_x, n_turned, n_turned == 1 ? "s" : "", n_turned == 1 ? "an edge detector" : "edge detectors",
            n_turned ? " (" : "", n_turned ? angles : "", n_turned ? ")" : "", n_turned == 1 ? "that one" : "those",
            n_other - n_turned, keep);
    const double fa0 = 100.0 * runs[0][ARM_FIXED].hist.e[epochs - 1].test_acc,
                 fa1 = 100.0 * runs[1][ARM_FIXED].hist.e[epochs - 1].test_acc,
                 fc0 = 100.0 * runs[0][ARM_RANDOM].hist.e[epochs - 1].test_acc,
                 fc1 = 100.0 * runs[1][ARM_RANDOM].hist.e[epochs - 1].test_acc;
    int worse = 0, same = 0, worse_d = 0;
    for (int d = 0; d < 2; d++) {
        const double a = 100.0 * runs[d][ARM_FIXED].hist.e[epochs - 1].test_acc,
                     c = 100.0 * runs[d][ARM_RANDOM].hist.e[epochs - 1].test_acc, p = (a + c) / 200.0,
                     se2 = 200.0 * sqrt(p * (1 - p) / data[d].test->count);
        if (a < c - se2) worse++, worse_d = d;
        same += fabs(a - c) < se2;
    }
    char one[400];
    snprintf(one, sizeof one, "On %s the difference is within the noise; on %s the learned layer wins by more "
             "than that%s.", data[1 - worse_d].title, data[worse_d].title,
             worse_d == 1 ? ": the harder the pictures, the more it pays to let the network find its own first "
                            "filters instead of six a person chose"
                          : "");
    nb_para(nb, "Does it matter? A first layer fixed to six hand-made kernels reached %.2f%% on the MNIST sample "
                "and %.2f%% on Fashion-MNIST; one learned from random, %.2f%% and %.2f%%. %s",
            fa0, fa1, fc0, fc1,
            worse == 0 && same == 2
                ? "Within the noise of the test sets, a sensible hand-made first layer is as good as a learned "
                  "one for a network this small: the layers above learn to read whatever maps they are given."
            : worse == 0 ? "The hand-made layer holds its own: the layers above learn to read whatever maps they "
                           "are given."
            : worse == 2 ? "On both datasets the learned layer wins by more than the noise: the network found "
                           "something in the pictures that six hand-made kernels leave out."
            : same == 1 ? one
                        : "On one dataset the learned layer wins by more than the noise, on the other the "
                          "hand-made one does.");
    match_bank_free(xb);
    free(rk);
}

static void try_it_yourself(Lesson *ls)
{
    Notebook *nb = ls->nb;
    nb_section(nb, "Try it yourself");
    nb_para(nb, "Each flag here also runs with --quick (add it to try the line in seconds), and the lesson holds its "
                "claims with it:\n"
                "- Longer comparison runs: build/lessons/" LESSON_ID " --epochs 15 (two and a half times the epochs of "
                "the comparison). Does the gap between (a) and (c) close or open?\n"
                "- Fewer clothes: build/lessons/" LESSON_ID " --fashion-train 6000 trains the comparison on a tenth "
                "of Fashion-MNIST's training pictures. Does a hand-made first layer help more when pictures are "
                "scarce?\n"
                "- Change the six kernels of the hand-designed layer (hand_names in lessons/" LESSON_ID ".c): a "
                "layer of six blurs, or six edge detectors, and see what each costs.\n"
                "- Add a diagonal Sobel to the registry in core/kernels.c and run again: how many filters that "
                "matched nothing now find a match?");
}

static int finish(Lesson *ls)
{
    nb_para(ls->nb, "This run took %.0f s.", now_s() - ls->t_start);
    ArmRun (*runs)[3] = (ArmRun (*)[3])ls->runs;
    for (int d = 0; d < 2; d++)
        for (int r = 0; r < 3; r++) {
            train_history_free(&runs[d][r].hist);
            free(runs[d][r].wep);
        }
    free(ls->runs);
    if (ls->abc_train[1] != ls->data[1].train) dataset_free(ls->abc_train[1]);
    for (int i = 0; i < NM; i++) net_free(ls->models[i].net);
    free(ls->models);
    lesson_data_free(ls->data, 2);
    free(ls->digit);
    image_free(ls->photo);
    match_bank_free(ls->bank);
    const int failed = nb_close(ls->nb);
    CN_CHECK(failed >= 0);
    free(ls);
    return failed == 0 ? 0 : 1;
}
