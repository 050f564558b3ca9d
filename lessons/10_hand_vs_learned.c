/* 10_hand_vs_learned.c - lesson 10: hand-designed vs learned filters.
 *
 * Classic image processing and a CNN use the same operation, but there a
 * person designs the kernel, here the network learns it (the seed deck's
 * slide 6). Every first-layer filter of lessons 08 and 09 is matched to its
 * nearest hand-designed kernel at any place inside it (core/match.h),
 * against random filters as smooth as that layer's own; a photograph and a
 * picture go through both; LeNet-5 is trained with its first layer fixed
 * to hand kernels, fine-tuned from them or learned, over several seeds,
 * each difference with its interval. The machinery is in
 * lessons/kit/first_layer.h and lessons/kit/matches.h. Models come from
 * models/ (or $CONVNET_MODELS); a missing one is trained here, shorter, and
 * saved as models/lesson10_<name>.cnn.
 *
 *   build/lessons/10_hand_vs_learned            the full lesson (about 3 minutes on 2 cores with the saved models)
 *   build/lessons/10_hand_vs_learned --quick    seconds: tiny models, a few hundred images
 *   build/lessons/10_hand_vs_learned --seeds 5 --epochs 10 --fashion-train 60000
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/conv.h"
#include "core/die.h"
#include "core/image.h"
#include "core/kernels.h"
#include "core/match.h"
#include "core/plot.h"
#include "lessons/kit/cli.h"
#include "lessons/kit/draw.h"
#include "lessons/kit/first_layer.h"
#include "lessons/kit/loops.h"
#include "lessons/kit/matches.h"
#include "lessons/kit/models.h"
#include "lessons/kit/report.h"
#include "lessons/lesson.h"

#define LESSON_ID "10_hand_vs_learned"
#define SEED 2024
#define K FL_K              /* every first layer here has 5x5 filters */
#define NF FL_NF            /* LeNet-5's C1 filters */
#define KK (K * K)
#define TRIALS 10000        /* random filters for a chance level */
#define MAP_TRIALS 120      /* random filters for the maps' chance level */
#define QUICK_TRAIN 600     /* --quick: training images per dataset (every k-th) */
#define QUICK_TEST 500      /* --quick: test images per dataset */
#define PHOTO_SIDE 128      /* the photograph, shrunk to at most this */
#define SHOW_CLASS 7        /* the picture: the first test image of this class (a 7, a sneaker) */
#define NM 5                /* the trained networks read here */
#define MAXS 20             /* most seeds */

typedef struct Lesson Lesson; /* what the sections share: the settings, the data, the results */

static Lesson *start(int argc, char **argv); /* the command line, the data, the photograph, the notebook, the bank */
/* The sections of the notebook, each a function below. */
static void ask_the_question(Lesson *ls), show_hand_bank(Lesson *ls), measure_likeness(Lesson *ls),
    load_trained_networks(Lesson *ls), match_learned_filters(Lesson *ls), filter_a_picture(Lesson *ls),
    train_hand_first_layer(Lesson *ls), compare_first_layers(Lesson *ls), follow_filters_over_training(Lesson *ls),
    sum_up_rediscoveries(Lesson *ls), try_it_yourself(Lesson *ls);
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

struct Lesson {
    int quick, epochs, fashion_train, seeds; /* the command line */
    Notebook *nb;
    LessonData *data;                 /* [2]: the MNIST sample, Fashion-MNIST */
    CnImage *photo;                   /* lesson 01's photograph, shrunk */
    char models_dir[4096];
    MatchBank *bank;                  /* the hand-designed kernels at 5x5 */
    Chance white;                     /* white noise, the shifted match */
    Chance c_end, c_added;            /* smooth as the (c) filters at the end, as what training added */
    int verdict[2];                   /* (c) - (a) per dataset: +1 higher, -1 lower, 0 not supported */
    Model *models;                    /* [NM] */
    int total_f, total_like, fam_tot[4]; /* first-layer filters, those above their fair level, by family */
    Dataset *abc_train[2];            /* the comparison's training sets */
    Comparison cmp;                   /* the runs of (a), (b), (c), (a') */
    double t_start;
};

static ArmRun *run_of(const Lesson *ls, int d, int arm, int s) { return comparison_at(&ls->cmp, d, arm, s); }

/* --- the sections ------------------------------------------------------------------------------ */
static Lesson *start(int argc, char **argv)
{
    Lesson *ls = xcalloc(1, sizeof *ls);
    int quick = 0, epochs = CLI_UNSET, fashion_train = 30000, seeds = 3, naive = 0;
    CliOpt opts[] = {
        { "quick", OPT_FLAG, &quick, "seconds: tiny models trained here, a few hundred images, 2 epochs (every "
                                     "picture still written; models go to the output folder)" },
        { "seeds", OPT_INT, &seeds, "N: runs of each first layer in the comparison, each from its own seed (3..20)" },
        { "epochs", OPT_INT, &epochs, "N: epochs of each run of the hand-designed-first-layer comparison, 1 to 50 "
                                            "(default 6; 2 with --quick)" },
        { "fashion-train", OPT_INT, &fashion_train,
          "N: Fashion-MNIST training images in that comparison, spread evenly over the file (100..60000, default "
          "30000 to keep the lesson near 3 minutes; the MNIST sample is used whole)" },
        { "naive", OPT_FLAG, &naive, LESSON_NAIVE_HELP },
    };
    cli_main(argc, argv, opts, 5,
             "Lesson 10: hand-designed vs learned filters. The first-layer filters of lessons 08 and 09 matched "
             "against the hand-designed kernels, against random filters as smooth as theirs; a photo and a picture "
             "through both; LeNet-5 with a first layer fixed to hand kernels, fine-tuned from them, or learned from "
             "random, over several seeds.\n"
             "Outputs: plots/out/" LESSON_ID "/ (or $CONVNET_OUT/" LESSON_ID "/). Models read from models/ (or "
             "$CONVNET_MODELS; with --quick, the output folder's models/, or $CONVNET_MODELS/quick).");
    lesson_choose_loops(naive);
    cli_int_or(&epochs, quick ? 2 : 6, 1, 50, "epochs", "epochs");
    cli_int_in(seeds, 3, MAXS, "seeds", "a number of seeds (fewer than 3 leave no interval worth the name)");
    cli_int_in(fashion_train, 100, 60000, "fashion-train", "a number of images");
    ls->quick = quick, ls->epochs = epochs, ls->fashion_train = fashion_train, ls->seeds = seeds;
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
    nb_section(nb, "The question");
    nb_para(nb, "Lesson 01 slid hand-made grids of weights over a photograph: a person chose each number, to blur, "
                "to sharpen, to find edges. The seed deck's slide 6 puts the whole course in one line: it is the "
                "same operation in a CNN, but there the network designs (learns) the kernel. Lessons 08 and 09 "
                "let LeNet-5 and AlexNet-mini learn theirs from thousands of pictures. So: do they learn what a "
                "person would have designed? And does it matter, if we simply give a network the hand-made "
                "kernels? Each answer below comes with the yardstick it was measured against, and a conclusion "
                "is drawn only where the numbers are clear of that yardstick.");
    if (ls->quick)
        nb_para(nb, "This is a --quick run: every model here is a tiny one trained in seconds on %d images, and the "
                    "comparison runs last %d epochs. The numbers show how the lesson works, not what the full "
                    "models learn; run it without --quick for that.", QUICK_TRAIN, ls->epochs);
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
                "- padded: the 3x3 kernel inside a 5x5 field of zeros. The same operation exactly, with a wider "
                "frame it leaves empty; the match below may slide it to any of the 9 places it fits.\n"
                "- resized: the 3x3 pattern drawn bigger, by interpolating between its weights (corners on "
                "corners). A 5x5 Sobel x goes -1, -0.5, 0, 0.5, 1 from left to right. Only the smooth patterns "
                "are resized (Sobel x and y, edge detection (1), the box blur, the 3x3 Gaussian): the identity "
                "drawn bigger becomes a small blur, no longer \"copy one pixel\", and the same goes for sharpen "
                "and the two Laplacians (edge detection (2) and (3)), which compare one pixel with its "
                "immediate neighbours.\n"
                "The 5x5 Gaussian is used as it is. Each version also appears rotated by 180°, because a layer "
                "that cross-correlates with rot180(k) convolves with k (lesson 02): a network could learn "
                "either.", kernel_count());
    int own, neg;
    char negs[128], dup[512];
    registry_rotations(&own, &neg, negs, sizeof negs);
    nb_check(nb, own + neg == kernel_count(),
             "every kernel of the bank turned by 180° is itself (%d kernels) or its negative (%d: %s)", own, neg,
             negs);
    const int ndup = bank_near_duplicates(dup, sizeof dup, bank, 0.95);
    nb_para(nb, "So for this bank the rotations add nothing new: with the sign allowed (next section), a rotated "
                "kernel scores exactly what the kernel itself scores. They stay in the bank anyway, so that a "
                "kernel that is not symmetric would be found in either orientation. Some entries of different "
                "kernels are nearly the same filter (cosine above 0.95): %s. Which of two such entries a filter "
                "\"matches\" is a tie-break, not a finding; the text below treats them as one.", ndup ? dup : "none");
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
    const int all = bank_finds_itself(bank);
    nb_check(nb, all, "matched against the whole bank, each of its %d entries finds its own kernel with score 1, "
                      "and its negative finds it too, with the sign flipped", bank->n);
    /* one pixel off centre */
    float off[KK], pad[KK];
    match_place_demo(off, pad, bank, sx);
    const double plain = match_cosine(off, pad, KK);
    const Match ms = match_best_shifted(bank, off);
    char lab[80];
    nb_para(nb, "A network has no reason to put an edge detector in the middle of its 5x5 filter: one pixel to the "
                "side finds the same edges, one pixel to the side in the map. The plain score misses it: a Sobel x "
                "one column right of centre scores %.3f against the padded Sobel x, since its columns -1, 0, +1 "
                "fall on the kernel's 0, +1 and the empty frame. So every score from here on is the shifted "
                "match: each padded kernel slides to each of the 9 places it fits inside the 5x5 filter, and the "
                "best place counts (its place is noted in the labels: >1 one column right, ^1 one row up). The "
                "same filter now scores %s.", plain, match_label(lab, sizeof lab, bank, &ms));
    nb_check(nb, fabs(plain) < 1e-9 && fabs(ms.score - 1) < 1e-9 && ms.dx == 1 && ms.dy == 0,
             "a Sobel x one pixel right of centre scores %.3f with the plain match and %.3f with the shifted one, "
             "found one column right", plain, ms.score);
    /* chance levels of white noise, one filter and averages */
    chance_measure(&ls->white, bank, NULL, 0, TRIALS, SEED);
    const Chance *w = &ls->white;
    double plain50, plain99;
    chance_plain(&plain50, &plain99, bank, TRIALS, SEED);
    nb_para(nb, "How high must a score be to mean something? With %d entries and up to 9 places each to choose "
                "from, even a filter of random numbers finds something it half resembles. The chance level is "
                "measured: %s random 5x5 filters, each matched to the bank, and the score that 99 in 100 of them "
                "stay below. Which random filters is a choice, and it matters:\n"
                "- white noise (each weight drawn independently from a normal distribution, as a filter is before "
                "training): half score above %.3f, 1%% above %.3f (with the plain match, %.3f and %.3f: sliding "
                "gives noise more chances too);\n"
                "- but learned filters are smooth, neighbouring weights alike, and smooth noise looks more like a "
                "blur or a Sobel than white noise does. The fair yardstick is noise as smooth as the filters "
                "under test: random filters with the same power spectrum (how much of each spatial frequency "
                "they hold, measured by a Fourier transform and averaged over the layer) but random phases, so "
                "random patterns. Each network below gets its own.",
            bank->n, commas(a32, TRIALS), w->q50, w->q99, plain50, plain99);
    nb_para(nb, "A mean over a layer needs its own level: a mean of n random scores strays less from the median "
                "than one score does. For white noise, 99 in 100 means of 6 random filters stay below %.3f and "
                "means of 24 below %.3f, against %.3f for one filter. A filter counts as \"looking like\" a hand "
                "kernel when its score, printed to 3 decimals, is above its network's level for one filter; a "
                "layer's mean is held against the level for a mean of as many filters.",
            chance_mean_q99(w, 6), chance_mean_q99(w, 24), w->q99);
}

static void load_trained_networks(Lesson *ls)
{
    Notebook *nb = ls->nb;
    char a32[32];
    nb_section(nb, "The trained networks");
    static const Model proto[NM] = {
#define MODEL(s, t, g, a, d, l, f) { .saved = { s, t, a, l }, .tag = g, .data = d, .layer = f }
        MODEL("lenet5_modern_mnist", "modern LeNet-5, MNIST sample", "LeNet-5 modern, MNIST", SAVED_LENET_MODERN, 0, "08", "C1"),
        MODEL("lenet5_classic_mnist", "classic LeNet-5, MNIST sample", "LeNet-5 classic, MNIST", SAVED_LENET_CLASSIC, 0, "08", "C1"),
        MODEL("lenet5_modern_fashion", "modern LeNet-5, Fashion-MNIST", "LeNet-5 modern, Fashion", SAVED_LENET_MODERN, 1, "08", "C1"),
        MODEL("lenet5_classic_fashion", "classic LeNet-5, Fashion-MNIST", "LeNet-5 classic, Fashion", SAVED_LENET_CLASSIC, 1, "08", "C1"),
        MODEL("alexnet_mini_fashion", "AlexNet-mini, Fashion-MNIST", "AlexNet-mini, Fashion", SAVED_ALEXNET, 1, "09", "conv1"),
#undef MODEL
    };
    Model *models = ls->models = xcalloc(NM, sizeof *ls->models);
    nb_para(nb, "Five networks, from %s:", ls->models_dir);
    double lowest = 1.0;
    Tab t = tab_new(NM, 4);
    for (int i = 0; i < NM; i++) {
        models[i] = proto[i];
        model_get(nb, &models[i], ls->data, ls->quick, ls->models_dir, SEED);
        lowest = fmin(lowest, models[i].acc);
        tab_row(&t, i, "%s\t%s: %d filters of 5x5\t%.2f%%\t%s", models[i].saved.title, models[i].layer, models[i].nf,
                100.0 * models[i].acc, commas(a32, models[i].test_n));
    }
    const char *hdr[4] = { "network", "first layer", "test accuracy", "test images" };
    tab_show(nb, &t, hdr);
    nb_check(nb, lowest > 0.2, "every network works: each classifies its test set far better than the 10%% of "
                               "guessing (lowest %.2f%%)", 100.0 * lowest);
}

static void match_learned_filters(Lesson *ls)
{
    Notebook *nb = ls->nb;
    MatchBank *bank = ls->bank;
    Model *models = ls->models;
    nb_section(nb, "Learned filters beside their best hand-designed match");
    nb_para(nb, "Each learned filter of each first layer, matched against the %d entries of the bank at every "
                "place. In the pictures, each learned filter (left of a pair) stands beside the part of it its "
                "best match explains (right: the kernel times the sign and the score, on the filter's own gray "
                "scale, 0 mid-gray), so a good match looks alike and a poor one is faint. Under each pair: the "
                "filter's number, + or - (the sign), the kernel, (r) when resized, its place when shifted, and "
                "the score.", bank->n);
    int total_f = 0, total_like = 0, fam_tot[4] = { 0 };
    for (int i = 0; i < NM; i++) {
        Model *m = &models[i];
        model_match(m, bank, TRIALS, SEED + 1 + i);
        int white_above = 0;
        for (int f = 0; f < m->nf; f++) white_above += score_above(m->m[f].score, ls->white.q99), fam_tot[m->fam[f]]++;
        total_f += m->nf, total_like += m->above;
        nb_para(nb, "%s (%s, %d filters): %d of %d score above %.3f, the level of random filters as smooth as "
                    "these (white noise would have let %d through, at %.3f).", m->saved.title, m->layer, m->nf,
                m->above, m->nf, m->fair.q99, white_above, ls->white.q99);
        model_show(nb, m, bank);
    }
    nb_para(nb, "The count, model by model. Each network is held against its own yardstick, random filters with "
                "its layer's power spectrum: \"one filter\" is the level 99 in 100 of them stay below, \"mean of "
                "n\" the level for the mean score of the whole layer.");
    count_table(nb, models, NM);
    nb_check(nb, fam_tot[0] + fam_tot[1] + fam_tot[2] + fam_tot[3] == total_f && total_like == total_f - fam_tot[3],
             "the %d filters are counted once each: %d edge detectors + %d blurs + %d identity or sharpen + %d "
             "nothing hand-made", total_f, fam_tot[MATCH_EDGE], fam_tot[MATCH_BLUR], fam_tot[MATCH_KEEP],
             fam_tot[MATCH_OTHER]);
    const double tail = binomial_tail(total_like, total_f, 1.0 - CHANCE_Q);
    nb_para(nb, "How many would random filters have let through? Each level lets 1 random filter in 100 pass, so "
                "among %d filters about %.1f would pass by luck alone; %d passing by luck has a probability of "
                "%.2g. %s", total_f, total_f * (1.0 - CHANCE_Q), total_like, tail,
            tail < 0.01 ? "So the count as a whole is evidence of hand-like filters, well beyond luck, though any one "
                          "filter near its level could be a lucky one."
                        : "So the count as a whole is no evidence of hand-like filters: luck could account for it.");
    ls->total_f = total_f, ls->total_like = total_like;
    memcpy(ls->fam_tot, fam_tot, sizeof fam_tot);
}

static void filter_a_picture(Lesson *ls)
{
    Notebook *nb = ls->nb;
    const CnImage *ph = ls->photo;
    Model *models = ls->models;
    char buf[512];
    nb_section(nb, "What the filters do to a picture");
    const char *what[2];
    float *pic[2] = { first_test_picture(ls->data[0].test, SHOW_CLASS, &what[0]),
                      first_test_picture(ls->data[1].test, SHOW_CLASS, &what[1]) };
    nb_para(nb, "Weights are one thing; what a filter does to a picture is another. Here the photograph of lesson "
                "01 (shrunk to %dx%d) and a picture from the network's own dataset (the first test %s for the "
                "MNIST networks, the first %s for the Fashion-MNIST ones; 28x28, drawn 4 times bigger) go "
                "through each learned filter and through its best hand-designed match. Each map is the filter's "
                "plain sliding sum (same padding), before the layer adds its bias and applies its activation, "
                "drawn with 0 as mid-gray and the strongest 1%% of values saturated. Each row: the learned "
                "filter, its maps, then the hand kernel, its maps.", ph->w, ph->h, what[0], what[1]);
    float *mp = xcalloc((size_t)2 * ph->h * ph->w, sizeof *mp), *md = xcalloc(2 * 28 * 28, sizeof *md);
    Tab t = tab_new(NM, 6);
    int maps_better = 0, rand_better = 0, beat = 0;
    for (int i = 0; i < NM; i++) {
        Model *m = &models[i];
        const int DH = ls->data[m->data].test->height, DW = ls->data[m->data].test->width, mn = m->data == 0;
        CN_CHECK(DH * DW <= 28 * 28);
        Sheet s = { 0 };
        double cp = 0.0, cd = 0.0;
        for (int f = 0; f < m->nf; f++) {
            char lab[80];
            const float *w = m->w + f * KK;
            cp += map_agreement(mp, ph->data, ph->h, ph->w, w, ls->bank, &m->m[f]) / m->nf;
            cd += map_agreement(md, pic[m->data], DH, DW, w, ls->bank, &m->m[f]) / m->nf;
            snprintf(lab, sizeof lab, "%s %d", m->layer, f + 1);
            sheet_add_maps_row(&s, w, ls->bank, &m->m[f], lab, mp, ph->h, ph->w, md, DH, DW, mn ? "digit" : "garment");
            /* at most 12 filters (rows) per picture */
            if ((f + 1) % 12 == 0 || f + 1 == m->nf) {
                const int part = f / 12, parts = (m->nf + 11) / 12;
                char file[96];
                snprintf(file, sizeof file, parts > 1 ? "maps_%s_%d.png" : "maps_%s.png", m->saved.stem, part + 1);
                sheet_write(&s, nb, file, 6, 8, 1);
                snprintf(buf, sizeof buf, "%s, filters %d to %d: each learned filter and its maps, then its best "
                         "hand match and its maps", m->saved.title, part * 12 + 1, f + 1);
                nb_image(nb, buf, file);
            }
        }
        /* the yardstick: random filters as smooth as this layer's, through the same photograph */
        double rw, rp, level;
        map_chance(&rw, &rp, &level, ph->data, ph->h, ph->w, ls->bank, m->fair.P, MAP_TRIALS, m->nf, SEED + 50 + i);
        maps_better += cp > m->mean, rand_better += rp > rw, beat += score_above(cp, level);
        tab_row(&t, i, "%s\t%.3f\t%.3f\t%.3f\t%.3f / %.3f\t%.3f: %s", m->tag, m->mean, cp, cd, rw, rp, level,
                score_above(cp, level) ? "above" : "not above");
    }
    nb_para(nb, "How alike the maps are, measured with the same cosine (now of two maps of %dx%d or 28x28 "
                "numbers, sign allowed), averaged over each network's filters, beside the weights' score; and the "
                "same for %d random filters as smooth as that network's, each with its own best match:", ph->w,
            ph->h, MAP_TRIALS);
    const char *hdr[6] = { "network", "weights: mean score", "photo maps: mean |cos|", "own picture: mean |cos|",
                           "random filters: weights / photo maps", "99% level, photo maps, mean of n" };
    tab_show(nb, &t, hdr);
    nb_para(nb, "For %d of the %d networks the photo maps agree better than the weights do; random filters as smooth "
                "do too, for %d of the %d. One reason they can: pictures are mostly smooth, neighbouring pixels "
                "alike, so what a filter does to them depends mostly on its broad shape (its average, its slope "
                "from one side to the other), less on the pixel-to-pixel zigzag, which a smooth picture averages "
                "away. %s The evidence that counts is maps agreeing better than random filters' maps do: that holds "
                "for %d of the %d networks (last column).", maps_better, NM, rand_better, NM,
            rand_better >= maps_better ? "So maps agreeing better than weights is no evidence of learning: random "
                                         "filters show it as often."
                                       : "Random filters show it less often, but a count of 5 networks cannot tell "
                                         "the two apart.", beat, NM);
    free(mp), free(md), free(pic[0]), free(pic[1]);
}

static void train_hand_first_layer(Lesson *ls)
{
    Notebook *nb = ls->nb;
    LessonData *data = ls->data;
    const int S = ls->seeds;
    char a32[32], b32[32], c32[32], e32[32];
    nb_section(nb, "A network with a hand-designed first layer");
    nb_para(nb, "Now the other way round: give the modern LeNet-5 a first layer a person designed, and see what "
                "it costs. C1 has 6 filters of 5x5, followed by a ReLU, which keeps only the positive part of each "
                "map. So an edge detector on its own reports only the edges of one polarity, dark to light, and "
                "misses light to dark; a learned layer can place a filter and its negative, a fixed one must be "
                "given both. The six kernels, the 3x3 ones padded to 5x5:\n"
                "- the 5x5 Gaussian, a blur: the picture itself, smoothed, so the next layers still see where "
                "the ink (or the cloth) is (never negative on a picture, so it needs no partner);\n"
                "- Sobel x and minus Sobel x: vertical edges of both polarities;\n"
                "- Sobel y and minus Sobel y: horizontal edges of both polarities;\n"
                "- edge detection (3), the Laplacian: a bright pixel in a darker ring, inside a thin stroke.\n"
                "Each is scaled to the length √2 that a randomly started filter has on average, so all networks "
                "start with maps of similar strength. The layer's biases are learned, as a learned layer's are: "
                "only the weights are fixed.");
    nb_para(nb, "Earlier versions of this lesson fixed a different layer: the Gaussian, Sobel x, Sobel y, edge "
                "detection (1), (2) and (3), one polarity each (only the two Laplacians answer opposite signs), "
                "with the biases frozen at 0. It stays in the comparison as (a'), to show what that choice cost.");
    float both[NF * KK], one[NF * KK];
    hand_layer(both, hand_both);
    hand_layer(one, hand_one);
    Sheet s = { 0 };
    for (int f = 0; f < NF; f++) sheet_add_filter(&s, K, both + f * KK, 16, hand_labels(hand_both)[f]);
    for (int f = 0; f < NF; f++) sheet_add_filter(&s, K, one + f * KK, 16, hand_labels(hand_one)[f]);
    sheet_write(&s, nb, "hand_layer.png", NF, 10, 1);
    nb_image(nb, "the hand-designed first layers, each kernel at 5x5 scaled to length √2 (0 is mid-gray): top, both "
                 "polarities, used by (a) and (b); bottom, one polarity, used by (a')", "hand_layer.png");
    Dataset **tr = ls->abc_train;
    tr[0] = data[0].train;
    tr[1] = ls->quick || ls->fashion_train >= data[1].train->count ? data[1].train
                                                                   : strided_subset(data[1].train, ls->fashion_train);
    const ArmRecipe rec = { .epochs = ls->epochs, .batch = 32, .lr = 0.02f, .weight_decay = 5e-4f };
    nb_para(nb, "Four networks per dataset, alike in everything but C1:\n"
                "- (a) fixed: C1's weights are the hand-designed layer and never change (the optimizer skips "
                "them); its biases learn;\n"
                "- (b) fine-tuned: C1 starts as the hand-designed layer and then learns like every other layer;\n"
                "- (c) random: C1 starts from random numbers (He initialisation), as in lesson 08;\n"
                "- (a') one polarity: the earlier fixed layer, weights and biases frozen.\n"
                "One training is one roll of the dice: the random start of the layers above C1 and the order of "
                "the mini-batches change its result by a few tenths of a point. So each network is trained %d "
                "times, from seeds %d to %d; within one seed the four start the same above C1 and see the same "
                "mini-batches, so their differences can be compared seed by seed. Each run: %d epochs of "
                "mini-batches of %d, SGD with momentum 0.9, weight decay %g, the learning rate falling from %.2f "
                "to 0 along a cosine. The data: the MNIST sample (%s training, %s test digits) and Fashion-MNIST "
                "(%s%s training pictures%s, and %s test pictures).",
            S, SEED, SEED + S - 1, rec.epochs, rec.batch, (double)rec.weight_decay, (double)rec.lr,
            commas(a32, tr[0]->count), commas(b32, data[0].test->count), tr[1]->count == data[1].train->count ? "all " : "",
            commas(c32, tr[1]->count),
            tr[1]->count == data[1].train->count ? "" : " of 60,000, spread evenly over the training file, to keep "
                                                        "the lesson near 3 minutes",
            commas(e32, data[1].test->count));
    lesson_say_loops(nb);
    char ckpt[4096];
    CN_CHECK(snprintf(ckpt, sizeof ckpt, "%s", nb_path(nb, "comparison.ckpt")) < (int)sizeof ckpt);
    const Dataset *train[2] = { tr[0], tr[1] }, *test[2] = { data[0].test, data[1].test };
    const char *names[2] = { data[0].name, data[1].name };
    ls->cmp = (Comparison){ .seeds = S, .seed0 = SEED };
    comparison_run(&ls->cmp, train, test, names, &rec, ckpt);
}

static void compare_first_layers(Lesson *ls)
{
    Notebook *nb = ls->nb;
    LessonData *data = ls->data;
    const int S = ls->seeds, E = ls->epochs;
    MatchBank *bank = ls->bank;
    nb_section(nb, "Fixed, fine-tuned or learned: the differences, and how sure they are");
    Tab t = tab_new(ARM_COUNT, 4);
    for (int a = 0; a < ARM_COUNT; a++) {
        tab_set(&t, a, 0, "%s", arm_name[a]);
        double secs = 0.0;
        for (int d = 0; d < 2; d++) {
            double x[MAXS];
            for (int k = 0; k < S; k++) x[k] = arm_accuracy(run_of(ls, d, a, k)), secs += run_of(ls, d, a, k)->seconds;
            const SeedStat st = seed_stat(x, S);
            tab_set(&t, a, 1 + d, "%.2f%% ± %.2f", st.mean, st.sd);
        }
        tab_set(&t, a, 3, "%.0f s", secs);
    }
    nb_para(nb, "Test accuracy after %d epochs, the mean over %d seeds ± the standard deviation from seed to seed:",
            E, S);
    const char *hdr[4] = { "first layer", "MNIST sample", "Fashion-MNIST", "training time, all seeds" };
    tab_show(nb, &t, hdr);
    /* curves: the mean over the seeds of the test accuracy per epoch */
    TrainHistory mean[6];
    Curve curve[6];
    char nm[6][64];
    for (int c = 0; c < 6; c++) {
        comparison_mean_history(&mean[c], &ls->cmp, c / 3, c % 3);
        snprintf(nm[c], sizeof nm[c], "%s, %s", arm_short[c % 3], c / 3 ? "Fashion" : "MNIST");
        curve[c] = (Curve){ &mean[c], TEST_ACC_PERCENT, nm[c], 0 };
    }
    draw_epoch_curves(nb, "comparison.png", "Test accuracy: hand-designed vs learned first layer", "epoch",
                      "test accuracy (%), mean over the seeds", curve, 6);
    for (int c = 0; c < 6; c++) train_history_free(&mean[c]);
    nb_plot(nb, "test accuracy after each epoch, the mean over the seeds: (a) fixed hand kernels, (b) fine-tuned "
                "from them, (c) learned from random, on the MNIST sample and Fashion-MNIST", "comparison.png");
    const ComparisonAudit au = comparison_audit(&ls->cmp, bank);
    nb_check(nb, au.fixed_frozen && au.one_biases_kept && au.fixed_biases_learned == 2 * S,
             "the fixed weights of (a) and (a') are bit for bit what they were before training, in all %d runs (%d "
             "weights each, compared byte by byte), and so are the biases of (a'); the biases of (a) learned in "
             "every run", 4 * S, NF * KK);
    nb_check(nb, au.fixed_own, "matched against the bank after training, each fixed filter of (a) still finds its "
                               "own kernel (gaussian5, sobel_x, minus sobel_x, …) with score 1.000 and its own sign");
    nb_check(nb, au.tuned_moved, "unlike (a), every fine-tuned filter of (b) did change, in every run");
    nb_para(nb, "How big must a difference be to count? Two sources of chance move it: the seed (the spread of the "
                "seed-by-seed differences, read with Student's t for %d seeds: a 95%% interval of ±%.2f standard "
                "errors) and the test set itself (a different draw of as many test images would give other "
                "accuracies: 1.96 standard errors of a difference of two accuracies, √(p(1-p)/n) each, counted "
                "as if independent, which overstates it a little). The interval below joins both; a difference "
                "counts only when its interval leaves out 0.", S, t975(S - 1));
    static const int pairs[5][2] = { { ARM_FIXED, ARM_RANDOM }, { ARM_FIXED, ARM_TUNED }, { ARM_TUNED, ARM_RANDOM },
                                     { ARM_FIXED_ONE, ARM_FIXED }, { ARM_FIXED_ONE, ARM_RANDOM } };
    int v[5][2];
    Tab dt = tab_new(10, 5);
    for (int p = 0; p < 5; p++)
        for (int d = 0; d < 2; d++)
            v[p][d] = comparison_difference_row(&dt, p * 2 + d, &ls->cmp, d, pairs[p][0], pairs[p][1], data[d].name,
                                                data[d].test->count);
    ls->verdict[0] = v[0][0], ls->verdict[1] = v[0][1];
    const char *dhdr[5] = { "difference", "data", "by seed (points)", "mean [95% interval]", "verdict" };
    tab_show(nb, &dt, dhdr);
    for (int d = 0; d < 2; d++)
        nb_para(nb, "%s. Learned from random vs fixed hand kernels: %s. Fine-tuning the hand start vs keeping it "
                    "fixed: %s. Learned from random vs fine-tuned: %s.", data[d].name,
                v[0][d] ? (v[0][d] > 0 ? "the learned layer is better, and the interval says so"
                                       : "the hand-designed layer is better, and the interval says so")
                        : "no difference the seeds and the test set can tell from 0",
                v[1][d] ? (v[1][d] > 0 ? "fine-tuning helps" : "fine-tuning hurts") : "no measurable difference",
                v[2][d] ? (v[2][d] > 0 ? "random start is better" : "the hand start is better")
                        : "no measurable difference");
    static const char *const gap[3] = { "is ahead", "shows no measurable gap", "falls short" },
                             *pol[3] = { "both polarities are worse", "no measurable difference",
                                         "both polarities are better" };
    nb_para(nb, "The layer of earlier versions (a'), one polarity and frozen zero biases, against today's fixed layer "
                "(a): %s on the MNIST sample, %s on Fashion-MNIST. Against learning from random, (a') %s on the MNIST "
                "sample and %s on Fashion-MNIST, where (a) %s and %s. %s Two datasets are too few to say how the "
                "gap grows with the difficulty of the pictures.", pol[v[3][0] + 1], pol[v[3][1] + 1],
            gap[v[4][0] + 1], gap[v[4][1] + 1], gap[v[0][0] + 1], gap[v[0][1] + 1],
            v[4][0] != v[0][0] || v[4][1] != v[0][1]
                ? "So the verdict on hand-designed kernels changed with the layer: part of the earlier gap came from "
                  "the missing polarity and the frozen biases (whether the two fixed layers differ clearly from "
                  "each other is the row (a) − (a') above)."
                : "So the conclusion does not hinge on that choice.");
    /* how far the fine-tuned filters moved, first seed */
    nb_para(nb, "How far did the fine-tuned filters of (b) move from where they started (first seed)? For each "
                "filter: the cosine between its start (the hand kernel) and its end, the length of the change "
                "relative to the start, and the best match of the filter at the end.");
    Tab drift = tab_new(2 * NF, 5);
    Sheet s = { 0 };
    const char *const *names = hand_labels(hand_both);
    for (int d = 0; d < 2; d++) {
        const ArmRun *r = run_of(ls, d, ARM_TUNED, 0);
        int kept = 0;
        double c = 0.0;
        for (int f = 0; f < NF; f++) {
            const FilterDrift fd = filter_drift(arm_weights(r, 0) + f * KK, arm_weights(r, E) + f * KK, bank,
                                                hand_both[f].kernel);
            kept += fd.kept, c += fd.cos / NF;
            char sm[80];
            tab_row(&drift, d * NF + f, "%s\t%s\t%.3f\t%.3f\t%s", data[d].name, names[f], fd.cos, fd.change,
                    match_label(sm, sizeof sm, bank, &fd.best));
        }
        sheet_add_start_end_change(&s, arm_weights(r, 0), arm_weights(r, E), NF, K, 16, d ? "Fashion" : "MNIST",
                                   names);
        nb_para(nb, "%s: the mean cosine between start and end is %.3f; %d of the 6 filters still match their own "
                    "kernel best at the end, or score within 0.01 of their best match (near-duplicate entries, such "
                    "as edge2 and minus sharpen, are a tie, not a change).", data[d].name, c, kept);
    }
    const char *drift_hdr[5] = { "data", "started as", "cos(start, end)", "|change| / |start|", "best match at the end" };
    tab_show(nb, &drift, drift_hdr);
    sheet_write(&s, nb, "fine_tuned.png", NF, 10, 1);
    nb_image(nb, "the fine-tuned first layer (b), first seed: for each dataset, the filters at the start (the hand "
                 "kernels), at the end, and the change; start, end and change of a filter share one gray scale (0 "
                 "mid-gray), so a faint change is a small one", "fine_tuned.png");
}

static void follow_filters_over_training(Lesson *ls)
{
    Notebook *nb = ls->nb;
    LessonData *data = ls->data;
    const int E = ls->epochs, S = ls->seeds, P = E + 1;
    MatchBank *bank = ls->bank;
    nb_section(nb, "Over training: do learned filters drift toward the hand bank?");
    nb_para(nb, "Back to (c), the filters learned from random numbers. After every epoch their best scores against "
                "the bank were recorded. A filter at the end is its random start plus what training added, so the "
                "added part, end minus start, is matched too: it is what the data taught, without the leftover "
                "randomness of the start. For (b), the line shows how much the filters still resemble the hand "
                "kernels they started as. Each line is held against its own level: random filters with the power "
                "spectrum of the (c) filters at the end, or of what was added, over all %d seeds of both datasets; "
                "for the mean of 6 filters.", S);
    /* the spectra: the (c) filters at the end, and what training added, every seed, both datasets */
    float *end = comparison_filters(&ls->cmp, ARM_RANDOM, 0), *add = comparison_filters(&ls->cmp, ARM_RANDOM, 1);
    chance_measure(&ls->c_end, bank, end, 2 * S * NF, TRIALS, SEED + 20);
    chance_measure(&ls->c_added, bank, add, 2 * S * NF, TRIALS, SEED + 21);
    free(end), free(add);
    const double lv_end = chance_mean_q99(&ls->c_end, NF), lv_add = chance_mean_q99(&ls->c_added, NF);
    double *x = xcalloc((size_t)P, sizeof *x), *y[8], kept;
    for (int c = 0; c < 8; c++) y[c] = xcalloc((size_t)P, sizeof **y);
    for (int e = 0; e < P; e++) {
        x[e] = e;
        for (int d = 0; d < 2; d++) {
            double f, a;
            arm_scores(run_of(ls, d, ARM_RANDOM, 0), e, bank, &y[d][e], &y[2 + d][e], &kept);
            arm_scores(run_of(ls, d, ARM_TUNED, 0), e, bank, &f, &a, &y[4 + d][e]);
        }
        y[6][e] = lv_end, y[7][e] = lv_add;
    }
    const char *names[8] = { "(c) filters, MNIST", "(c) filters, Fashion", "(c) added, MNIST", "(c) added, Fashion",
                             "(b) vs start, MNIST", "(b) vs start, Fashion", "level for (c) filters",
                             "level for (c) added" };
    CN_CHECK(plot_lines(nb_path(nb, "similarity.png"), nb_path(nb, "similarity.dat"),
                        "First-layer filters vs the hand-designed bank, epoch by epoch (first seed)", "epoch",
                        "mean score over the 6 filters", names, x, (const double *const *)y, 8, P) >= 0);
    nb_plot(nb, "first seed. (c) filters: the mean best score of the six C1 filters learned from random, against "
                "the bank; (c) added: the same for what training added to them (end minus start); (b) vs start: "
                "the mean cosine of the fine-tuned filters with the hand kernels they started as; the two levels: "
                "99% of means of 6 random filters as smooth as the (c) filters, or as what was added, score lower",
            "similarity.png");
    for (int d = 0; d < 2; d++) {
        double sc[MAXS], sa[MAXS], kp[MAXS];
        for (int k = 0; k < S; k++) arm_scores(run_of(ls, d, ARM_RANDOM, k), E, bank, &sc[k], &sa[k], &kp[k]);
        const SeedStat a = seed_stat(sc, S), b = seed_stat(sa, S), c = seed_stat(kp, S);
        nb_para(nb, "%s, (c), over %d seeds: the filters' mean best score ends at %.3f ± %.3f (%s the level %.3f of "
                    "random filters as smooth as they are); what training added scores %.3f ± %.3f (%s its level "
                    "%.3f). A filter keeps a cosine of %.3f ± %.3f with its random start.", data[d].name, S, a.mean,
                a.sd, stat_versus(&a, lv_end), lv_end, b.mean, b.sd, stat_versus(&b, lv_add), lv_add, c.mean, c.sd);
    }
    nb_para(nb, "A short training moves a first-layer filter only part of the way: the gradient reaching C1 is "
                "small, and any zigzag that does not hurt the loss is never removed. That leftover noise is why "
                "learned first-layer filters of small networks look speckled, and why the added part is the fairer "
                "thing to compare with a hand-made kernel.");
    random_arm_sheet(nb, "learned_from_random.png", &ls->cmp, bank);
    nb_image(nb, "the six C1 filters of (c), first seed, on the MNIST sample (M, top three rows) and Fashion-MNIST "
                 "(F, bottom three): the random start, the end, and what training added (end minus start), each "
                 "beside what its best match explains of it, with the score", "learned_from_random.png");
    for (int c = 0; c < 8; c++) free(y[c]);
    free(x);
}

static void sum_up_rediscoveries(Lesson *ls)
{
    Notebook *nb = ls->nb;
    const int S = ls->seeds;
    MatchBank *bank = ls->bank;
    Model *models = ls->models;
    const int *fam = ls->fam_tot;
    char buf[512];
    nb_section(nb, "What was rediscovered, and what nobody would design");
    Rank *rk = xcalloc((size_t)ls->total_f, sizeof *rk);
    int n = 0;
    for (int i = 0; i < NM; i++)
        for (int f = 0; f < models[i].nf; f++) rk[n++] = (Rank){ i, f, models[i].m[f].score };
    rank_by_score(rk, n);
    /* the filters that matched nothing, against a bank with Sobel at every 15 degrees */
    TurnedSobels ts;
    MatchBank *xb = turned_sobel_bank(&ts, K);
    CN_CHECK(xb);
    Chance xc[NM];
    double lx[NM];
    int n_other = 0, shown_t, below_median = 0;
    for (int i = 0; i < NM; i++) {
        chance_measure(&xc[i], xb, models[i].w, models[i].nf, TRIALS, SEED + 30 + i);
        lx[i] = xc[i].q99;
        for (int f = 0; f < models[i].nf; f++)
            if (models[i].fam[f] == MATCH_OTHER) n_other++, below_median += models[i].m[f].score < ls->white.q50;
    }
    Rank tr[8];
    char angles[256];
    const int n_turned = turned_matches(models, NM, xb, &ts, lx, tr, 8, &shown_t, angles, sizeof angles);
    /* the closing picture: pairs (filter, match) */
    const int show = closing_sheet(nb, "closest_and_farthest.png", models, rk, n, bank, tr, shown_t, xb);
    snprintf(buf, sizeof buf, "pairs of a learned filter and what its best match explains of it, labelled with the "
             "network (M = MNIST, F = Fashion): first row, the %d closest to a hand-designed kernel; second row, "
             "the %d farthest from any%s", show, show,
             shown_t ? "; third row, filters that matched nothing but match a Sobel turned to another angle" : "");
    nb_image(nb, buf, "closest_and_farthest.png");

    /* what training added in the runs from random, every seed */
    int add_like = 0, add_fam[4] = { 0 };
    float *add = comparison_filters(&ls->cmp, ARM_RANDOM, 1);
    for (int f = 0; f < 2 * S * NF; f++) {
        const Match m = match_best_shifted(bank, add + f * KK);
        if (m.entry >= 0 && score_above(m.score, ls->c_added.q99))
            add_like++, add_fam[match_family(bank->e[m.entry].kernel)]++;
    }
    free(add);
    const int n_add = 2 * S * NF;
    const double p_net = binomial_tail(ls->total_like, ls->total_f, 1.0 - CHANCE_Q),
                 p_add = binomial_tail(add_like, n_add, 1.0 - CHANCE_Q);
    const Model *top = &models[rk[0].mi];
    char ml[80];
    nb_para(nb, "Rediscovered. Of the %d first-layer filters of the five networks, %d score above the level of random "
                "filters as smooth as their own layer's: %d edge detectors, %d blurs, %d identity or sharpen (luck "
                "alone would let about %.1f through; %d or more, with a probability of %.2g). The closest is filter "
                "%d of the %s: %s. In this lesson's runs from random numbers, what training added to the filters "
                "(end minus start) is free of the randomness of the start: %d of those %d additions (%d seeds, two "
                "datasets) score above the level of random additions as smooth as they are (%.3f), %d as edge "
                "detectors and %d as blurs (by luck: about %.1f; probability of %d or more, %.2g).%s",
            ls->total_f, ls->total_like, fam[MATCH_EDGE], fam[MATCH_BLUR], fam[MATCH_KEEP],
            ls->total_f * (1.0 - CHANCE_Q), ls->total_like, p_net, rk[0].f + 1, top->saved.title,
            match_label(ml, sizeof ml, bank, &top->m[rk[0].f]), add_like, n_add, S, ls->c_added.q99,
            add_fam[MATCH_EDGE], add_fam[MATCH_BLUR], n_add * (1.0 - CHANCE_Q), add_like, p_add,
            p_net < 0.01 && p_add < 0.01 ? " Both counts are beyond what smooth random filters give: the networks "
                                           "arrived at some hand-like filters from random numbers and labelled "
                                           "pictures alone."
            : p_add < 0.01 ? " What training added is beyond what smooth random additions give; the trained "
                             "networks' count as a whole is not."
            : p_net < 0.01 ? " The trained networks' count is beyond what smooth random filters give; what training "
                             "added in this lesson's short runs is not."
                           : " Both counts are within what smooth random filters give: at this size and this "
                             "training, the evidence that the networks rediscovered the hand-made kernels is not "
                             "there.");
    nb_para(nb, "Nobody would design. %d filters match nothing in the bank better than random filters as smooth as "
                "theirs would. The bank holds Sobel in two directions only; allowing Sobel turned to any multiple of "
                "15° (ten more kernels, with each network's level measured again for the larger bank), %d of them "
                "turn%s out to be %s at another angle%s%s%s. Of the %d, %d score below the median of white noise "
                "(%.3f): no closer to any hand kernel than a filter of random numbers. How much of them is leftover "
                "noise of their random start cannot be read from a saved network, whose start is gone; in this "
                "lesson's LeNet runs from random, how much a filter keeps of its start is measured above.",
            n_other, n_turned, n_turned == 1 ? "s" : "", n_turned == 1 ? "an edge detector" : "edge detectors",
            n_turned ? " (" : "", n_turned ? angles : "", n_turned ? ")" : "", n_other, below_median, ls->white.q50);
    static const char *const says[3] = { "six fixed hand kernels beat a first layer learned from random",
                                         ("six fixed hand kernels (both polarities) are as good as a learned first "
                                          "layer, as far as the seeds and the test set can tell"),
                                         "a first layer learned from random beats six fixed hand kernels" };
    nb_para(nb, "Does it matter? With the seeds and intervals above: on the MNIST sample, %s; on Fashion-MNIST, %s.",
            says[ls->verdict[0] + 1], says[ls->verdict[1] + 1]);
    for (int i = 0; i < NM; i++) chance_free(&xc[i]);
    match_bank_free(xb);
    free(rk);
}

static void try_it_yourself(Lesson *ls)
{
    nb_section(ls->nb, "Try it yourself");
    nb_para(ls->nb, "Each flag here also runs with --quick (add it to try the line in seconds):\n"
                    "- More seeds: build/lessons/" LESSON_ID " --seeds 8. Which intervals shrink enough to decide?\n"
                    "- Longer comparison runs on all of Fashion-MNIST: --epochs 15 --fashion-train 60000. Does the gap "
                    "between (a) and (c) close or open? And with --fashion-train 6000, a tenth of the pictures: does "
                    "a hand-made first layer help more when pictures are scarce?\n"
                    "- Change the six kernels of the hand-designed layer (hand_both in lessons/kit/first_layer.c): six "
                    "blurs, or six edge detectors, and see what each costs.\n"
                    "- Add a diagonal Sobel to the registry in core/kernels.c and run again: how many filters that "
                    "matched nothing now find a match?");
}

static int finish(Lesson *ls)
{
    nb_para(ls->nb, "This run took %.0f s.", now_s() - ls->t_start);
    comparison_free(&ls->cmp);
    if (ls->abc_train[1] != ls->data[1].train) dataset_free(ls->abc_train[1]);
    for (int i = 0; i < NM; i++) net_free(ls->models[i].net), chance_free(&ls->models[i].fair);
    free(ls->models);
    chance_free(&ls->white), chance_free(&ls->c_end), chance_free(&ls->c_added);
    lesson_data_free(ls->data, 2);
    image_free(ls->photo);
    match_bank_free(ls->bank);
    lesson_your_turn(ls->nb);
    const int failed = nb_close(ls->nb);
    CN_CHECK(failed >= 0);
    free(ls);
    return failed == 0 ? 0 : 1;
}
