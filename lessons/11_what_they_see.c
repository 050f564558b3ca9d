/* 11_what_they_see.c - lesson 11: what the trained networks look at.
 *
 * Past the first layer a network's weights are no longer pictures. This
 * lesson asks the trained networks of lessons 08 and 09 instead, with a
 * forward pass, a backward pass to the pixels (net_backward_input) and a
 * loop: saliency (Simonyan et al. 2014) beside occlusion (Zeiler and Fergus
 * 2014), compared in numbers; the test patches each map answers most, cut
 * at its receptive field; a picture of each class by gradient ascent;
 * pictures that fool them (fast gradient sign, Goodfellow et al. 2015); and
 * the effective receptive field (Luo et al. 2016) against the theoretical
 * one. The tools are in lessons/kit/inside.h. Models come from models/ (or
 * $CONVNET_MODELS); a missing one is trained here, shorter, and saved as
 * models/lesson11_<name>.cnn.
 *
 *   build/lessons/11_what_they_see              the full lesson (about a minute with the saved models)
 *   build/lessons/11_what_they_see --quick      seconds: tiny models, a few hundred pictures
 *   build/lessons/11_what_they_see --pictures 3000
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/die.h"
#include "core/loss.h"
#include "core/match.h"
#include "core/plot.h"
#include "core/rng.h"
#include "lessons/kit/cli.h"
#include "lessons/kit/draw.h"
#include "lessons/kit/gradcheck.h"
#include "lessons/kit/inside.h"
#include "lessons/kit/loops.h"
#include "lessons/kit/matches.h"
#include "lessons/kit/models.h"
#include "lessons/kit/report.h"
#include "lessons/lesson.h"

#define LESSON_ID "11_what_they_see"
#define SEED 2024
#define NM 5            /* the trained networks */
#define K 10            /* classes */
#define SQ 7            /* the occluding square's side */
#define FILL 0.5f       /* its gray */
#define SHOW 4          /* pictures per network in the saliency figure */
#define TOPK 8          /* favourite patches per map */
#define NMAPS 6         /* maps shown per layer */
#define NEPS 9          /* perturbation sizes */
#define INVISIBLE 0.03f /* a change of at most 8 of 255 gray levels */
#define QUICK_TRAIN 600
#define QUICK_TEST 500
#define WORKS 0.5       /* a network right this often is held to the salient-square claim */

static const double EPS[NEPS] = { 0.0, 0.01, 0.02, 0.03, 0.05, 0.1, 0.15, 0.2, 0.25 };
/* The three networks the maps are drawn for: modern LeNet-5 on each dataset, AlexNet-mini. */
static const int LOOKED[3] = { 0, 2, 4 };

typedef struct {
    SavedModel saved;
    int data;    /* 0 the MNIST sample, 1 Fashion-MNIST */
    const char *tag;
    Net *net;
    double acc;
    int test_n;
} Model;

typedef struct Lesson Lesson;

static Lesson *start(int argc, char **argv);
static void ask_the_question(Lesson *ls), load_networks(Lesson *ls), show_saliency(Lesson *ls),
    compare_with_occlusion(Lesson *ls), test_salient_squares(Lesson *ls), show_favourite_patches(Lesson *ls),
    paint_class_pictures(Lesson *ls), fool_the_networks(Lesson *ls), measure_effective_fields(Lesson *ls),
    sum_up(Lesson *ls), try_it_yourself(Lesson *ls);
static int finish(Lesson *ls);

int main(int argc, char **argv)
{
    Lesson *ls = start(argc, argv);
    void (*const story[])(Lesson *) = { /* the notebook, section by section */
        ask_the_question, load_networks, show_saliency, compare_with_occlusion, test_salient_squares,
        show_favourite_patches, paint_class_pictures, fool_the_networks, measure_effective_fields, sum_up,
        try_it_yourself,
    };
    for (size_t i = 0; i < sizeof story / sizeof *story; i++) story[i](ls);
    return finish(ls);
}

struct Lesson {
    int quick, pictures;     /* the command line */
    Notebook *nb;
    LessonData *data;        /* [2]: the MNIST sample, Fashion-MNIST */
    char models_dir[4096];
    Model m[NM];
    float *pics[2];          /* `pictures` test pictures of each dataset, [0, 1] */
    unsigned char *y[2];
    int n[2];
    double corr[3], corr_other[3];      /* saliency vs occlusion, own picture and another's */
    double drop_sal[3], drop_rand[3];   /* occluding the salient square, a random one */
    double acc_eps[NM][NEPS];           /* accuracy under the fast gradient sign */
    double erf_side[6], erf_half[6];    /* sides of the squares with 90% and half of the gradient */
    double erf_field[6];                /* the theoretical field's side in the picture */
    double c1_cos;                      /* mean cos(C1 filter, its mean favourite patch) */
    int c1_edges;                       /* C1 maps whose mean patch matches an edge detector best */
    double t_start;
};

static const char *const *names_of(const Lesson *ls, int d) { return ls->data[d].test->class_names; }

/* --- the sections ------------------------------------------------------------------------------ */
static Lesson *start(int argc, char **argv)
{
    Lesson *ls = xcalloc(1, sizeof *ls);
    int quick = 0, pictures = CLI_UNSET, naive = 0;
    CliOpt opts[] = {
        { "quick", OPT_FLAG, &quick, "seconds: tiny models trained here, a few hundred pictures (every picture "
                                     "still written; models go to the output folder)" },
        { "pictures", OPT_INT, &pictures, "N: test pictures of each dataset in every measurement, 100..10000 "
                                          "(default 1000; 200 with --quick)" },
        { "naive", OPT_FLAG, &naive, LESSON_NAIVE_HELP },
    };
    cli_main(argc, argv, opts, 3,
             "Lesson 11: what the trained networks look at. Saliency and occlusion, the patches each map answers "
             "most, a picture of each class, pictures that fool the networks (fast gradient sign), and the "
             "effective receptive field, on the networks of lessons 08 and 09.\n"
             "Outputs: plots/out/" LESSON_ID "/ (or $CONVNET_OUT/" LESSON_ID "/). Models read from models/ (or "
             "$CONVNET_MODELS; with --quick, the output folder's models/, or $CONVNET_MODELS/quick).");
    lesson_choose_loops(naive);
    cli_int_or(&pictures, quick ? 200 : 1000, 100, 10000, "pictures", "a number of pictures");
    ls->quick = quick, ls->pictures = pictures;
    ls->t_start = now_s();
    LessonData *data = ls->data = digits_and_clothes();
    if (quick)
        for (int d = 0; d < 2; d++) quick_subsets(&data[d].train, &data[d].test, QUICK_TRAIN, QUICK_TEST);
    for (int d = 0; d < 2; d++) {
        ls->n[d] = pictures < data[d].test->count ? pictures : data[d].test->count;
        ls->y[d] = xcalloc((size_t)ls->n[d], 1);
        ls->pics[d] = pictures_of(data[d].test, ls->n[d], ls->y[d]);
    }
    Notebook *nb = ls->nb = nb_open(LESSON_ID, "Lesson 11 — What the trained networks look at");
    CN_CHECK(nb);
    models_folder(ls->models_dir, sizeof ls->models_dir, nb, quick);
    return ls;
}

static void ask_the_question(Lesson *ls)
{
    Notebook *nb = ls->nb;
    nb_section(nb, "The question");
    nb_para(nb, "Lesson 10 could compare first-layer filters with hand-designed kernels because a 5x5 filter is a "
                "picture. Past the first layer, weights are not pictures any more: a C3 filter of LeNet-5 mixes 6 "
                "maps, a conv5 filter of AlexNet-mini 96. So we ask the networks instead, with the two passes they "
                "already have. The forward pass says how a change of the picture changes the answer; the backward "
                "pass, run down to the pixels instead of stopping at the weights, says which pixels the answer "
                "depends on. Every tool below is one of these passes and a loop, on the networks lessons 08 and 09 "
                "trained, and every picture is a 28x28 picture of the test sets, pixels from 0 (black) to 1 "
                "(white).");
    nb_para(nb, "The backward pass to the pixels is net_backward_input (core/net.c): the same layers' backward "
                "functions, each told to skip its weight gradients, which stay exactly as they were.");
    nb_code_from_source(nb, "core/net.c", "backward_pass");
    if (ls->quick)
        nb_para(nb, "This is a --quick run: every model here is a tiny one trained in seconds on %d pictures, and "
                    "each measurement uses %d test pictures. The numbers show how the lesson works, not what the "
                    "full models do; run it without --quick for that.", QUICK_TRAIN, ls->pictures);
}

static void load_networks(Lesson *ls)
{
    Notebook *nb = ls->nb;
    nb_section(nb, "The trained networks");
    static const Model proto[NM] = {
#define MODEL(stem, title, arch, lesson, d, tag) { { stem, title, arch, lesson }, d, tag, NULL, 0.0, 0 }
        MODEL("lenet5_modern_mnist", "modern LeNet-5, MNIST sample", SAVED_LENET_MODERN, "08", 0, "modern, MNIST"),
        MODEL("lenet5_classic_mnist", "classic LeNet-5, MNIST sample", SAVED_LENET_CLASSIC, "08", 0, "classic, MNIST"),
        MODEL("lenet5_modern_fashion", "modern LeNet-5, Fashion-MNIST", SAVED_LENET_MODERN, "08", 1, "modern, Fashion"),
        MODEL("lenet5_classic_fashion", "classic LeNet-5, Fashion-MNIST", SAVED_LENET_CLASSIC, "08", 1,
              "classic, Fashion"),
        MODEL("alexnet_mini_fashion", "AlexNet-mini, Fashion-MNIST", SAVED_ALEXNET, "09", 1, "AlexNet, Fashion"),
#undef MODEL
    };
    nb_para(nb, "Five networks, from %s:", ls->models_dir);
    Tab t = tab_new(NM, 4);
    char a32[32];
    double lowest = 1.0;
    for (int i = 0; i < NM; i++) {
        Model *m = &ls->m[i];
        *m = proto[i];
        m->net = saved_model_get(nb, &m->saved, &ls->data[m->data], ls->quick, ls->models_dir, "lesson11", SEED,
                                 &m->acc, &m->test_n);
        net_set_training(m->net, 0);
        lowest = fmin(lowest, m->acc);
        tab_row(&t, i, "%s\t%s, %dx%d input\t%.2f%%\t%s", m->saved.title, m->net->name, m->net->in.h, m->net->in.w,
                100.0 * m->acc, commas(a32, m->test_n));
    }
    const char *hdr[4] = { "network", "architecture", "test accuracy", "test pictures" };
    tab_show(nb, &t, hdr);
    nb_check(nb, lowest > 0.2, "every network works: each classifies its test set far better than the 10%% of "
                               "guessing (lowest %.2f%%)", 100.0 * lowest);
}

/* Three tiles of one picture: the picture, its saliency, its occlusion map. */
static void add_triple(Sheet *s, const Model *m, const float *pic, int cls, const char *const *names)
{
    float g[PIC_PX], sal[PIC_PX], occ[PIC_PX], prob[K], rgb[3 * PIC_PX * 16];
    unsigned char c = (unsigned char)cls;
    picture_grad(m->net, pic, 1, &c, GRAD_OF_SCORE, g, prob, NULL);
    for (int k = 0; k < PIC_PX; k++) sal[k] = fabsf(g[k]);
    occlusion_map(m->net, pic, cls, SQ, FILL, occ);
    float big[PIC_PX * 16];
    enlarge(big, pic, PIC, PIC, 4);
    sheet_add(s, big, PIC * 4, PIC * 4, "%.12s p=%.2f", names[cls], prob[cls]);
    const float smax = abs_quantile(sal, PIC_PX, 1.0), omax = abs_quantile(occ, PIC_PX, 1.0);
    heat_rgb(rgb, sal, PIC, PIC, 4, smax);
    sheet_add_c(s, rgb, 3, PIC * 4, PIC * 4, "saliency <=%.2g", smax);
    signed_rgb(rgb, occ, PIC, PIC, 4, omax > 0.0f ? omax : 1.0f);
    sheet_add_c(s, rgb, 3, PIC * 4, PIC * 4, "occlusion +-%.2f", omax);
}

static void show_saliency(Lesson *ls)
{
    Notebook *nb = ls->nb;
    nb_section(nb, "Saliency: which pixels the score depends on");
    nb_para(nb, "A network's score for class c is a function of the 784 pixels, S_c(p). Its gradient, dS_c/dp, "
                "has one number per pixel: how fast the score would rise if that pixel alone got brighter. "
                "Simonyan, Vedaldi and Zisserman (2014) drew its size |dS_c/dp| as a picture, a saliency map. One "
                "backward pass gives all 784 numbers, started from 1 at the score of c and 0 at the others "
                "(the score, not the probability, so that the other classes' scores do not enter).");
    /* the check: the gradient against central differences, one picture on two networks */
    nb_para(nb, "Is it the gradient? Each input pixel nudged by ±ε on its own, the score computed again, and "
                "(S(p + ε) − S(p − ε)) / 2ε compared with the backward pass, for the first test picture through "
                "the modern LeNet-5 (Fashion-MNIST, ε = 0.001) and the classic one (MNIST sample, ε = 0.01: its "
                "tanh has no kinks, and a larger nudge drowns the float rounding of a score near 10), in the "
                "network's own input units (the classic network's 32x32 field, border included). A nudge that "
                "switches a ReLU or moves a pooling maximum crosses a kink, where only the slope on the other side "
                "is the true one (lesson 07); on a flat black background every 2x2 pooling window is a tie, so "
                "there most nudges cross one on both sides and are not checked.");
    GradRow rows[2];
    for (int r = 0; r < 2; r++) {
        const Model *m = &ls->m[r ? 1 : 2];
        const size_t in = shape_size(m->net->in);
        float *x = xcalloc(in, sizeof *x), *dx = xcalloc(in, sizeof *dx), dz[K] = { 0 };
        const unsigned char c = ls->y[m->data][0];
        pics_to_input(m->net, ls->pics[m->data], 1, x);
        CN_CHECK(net_forward(m->net, x, 1));
        dz[c] = 1.0f;
        CN_CHECK(net_backward_input(m->net, dx, dz, 1) == 0);
        GradCheck *g = gradcheck_create_score(m->net, x, &c, 1, r ? 1e-2 : 1e-3);
        rows[r] = (GradRow){ .layer = m->tag, .what = "dS/dpixel" };
        gradcheck_input(g, &rows[r], 0, dx);
        gradcheck_free(g);
        free(x), free(dx);
    }
    gradcheck_table(nb, rows, 2);
    Sheet s = { 0 };
    for (int j = 0; j < 3; j++) {
        const Model *m = &ls->m[LOOKED[j]];
        const int d = m->data;
        for (int i = 0; i < SHOW; i++) {
            const int k = i * ls->n[d] / SHOW;
            add_triple(&s, m, ls->pics[d] + (size_t)k * PIC_PX, ls->y[d][k], names_of(ls, d));
        }
    }
    sheet_write(&s, nb, "saliency.png", 6, 6, 1);
    nb_image(nb, "two pictures a row, each as three tiles: the picture with its true class and the probability the "
                 "network gives it; the saliency |dS/dp| (black 0, through red and yellow to white at the largest "
                 "value, written under it, in score per unit of brightness); the occlusion map of the next section "
                 "(red: the probability of the true class falls when the square covers that place, blue: it "
                 "rises, white: no change; the largest change written under it). Rows 1-2: modern LeNet-5 on the "
                 "MNIST sample; 3-4: modern LeNet-5 on Fashion-MNIST; 5-6: AlexNet-mini on Fashion-MNIST",
             "saliency.png");
    nb_para(nb, "Saliency is bright on and around the strokes, where a little more or less ink would change the "
                "answer, and speckled: it is a derivative, as jumpy as the ReLUs and poolings it passes through. "
                "Dark pixels are not unimportant, only insensitive to a small change right here.");
}

static void compare_with_occlusion(Lesson *ls)
{
    Notebook *nb = ls->nb;
    nb_section(nb, "Occlusion: hide a part, watch the answer");
    nb_para(nb, "Zeiler and Fergus (2014) asked the question with the forward pass alone: slide a gray square "
                "(%dx%d, pixels 0.5) over the picture and record, for each place of its centre, how much the "
                "probability of the true class falls. 784 forward passes a picture, no gradient: a large change, "
                "measured, where saliency is a tiny change, extrapolated. Do they agree? Saliency is per pixel, "
                "the square covers %d, so the fair comparison sums |saliency| over the square at each place (how "
                "much sensitivity the square would hide) and correlates that map with the occlusion map, over "
                "the 784 places. As a yardstick, the same correlation between a picture's saliency and the "
                "occlusion map of another picture (the next one of the set): how much two maps agree only "
                "because both are larger in the middle, where the ink is.", SQ, SQ, SQ * SQ);
    const int nc = ls->quick ? 10 : ls->pictures / 20;
    Tab t = tab_new(3, 4);
    float *g = xcalloc((size_t)nc * PIC_PX, sizeof *g), *occ = xcalloc((size_t)nc * PIC_PX, sizeof *occ);
    float box[PIC_PX];
    for (int j = 0; j < 3; j++) {
        const Model *m = &ls->m[LOOKED[j]];
        const int d = m->data;
        const float *pics = ls->pics[d];
        picture_grad(m->net, pics, nc, ls->y[d], GRAD_OF_SCORE, g, NULL, NULL);
        for (int i = 0; i < nc; i++)
            occlusion_map(m->net, pics + (size_t)i * PIC_PX, ls->y[d][i], SQ, FILL, occ + (size_t)i * PIC_PX);
        double own = 0.0, other = 0.0;
        for (int i = 0; i < nc; i++) {
            box_sum_abs(box, g + (size_t)i * PIC_PX, SQ);
            own += pearson(box, occ + (size_t)i * PIC_PX, PIC_PX) / nc;
            other += pearson(box, occ + (size_t)((i + 1) % nc) * PIC_PX, PIC_PX) / nc;
        }
        ls->corr[j] = own, ls->corr_other[j] = other;
        tab_row(&t, j, "%s\t%d\t%+.3f\t%+.3f", m->saved.title, nc, own, other);
    }
    free(g), free(occ);
    const char *hdr[4] = { "network", "pictures", "mean correlation: own picture", "another picture's occlusion" };
    tab_show(nb, &t, hdr);
    char weak[256] = "";
    int agree = 0;
    for (int j = 0; j < 3; j++) {
        const int a = ls->corr[j] > ls->corr_other[j];
        agree += a;
        if (!a)
            snprintf(weak + strlen(weak), sizeof weak - strlen(weak), "%s%s", weak[0] ? ", " : "",
                     ls->m[LOOKED[j]].saved.title);
    }
    nb_para(nb, "The correlation with the picture's own occlusion map is above the yardstick for %d of the 3 "
                "networks%s%s%s: there the two methods point at the same places, beyond the shared bias toward the "
                "middle. Where they part, occlusion also counts what the square adds (gray where a digit has black "
                "background can draw a stroke that is not there), and saliency counts pixels whose small change "
                "matters but whose removal another part of the picture makes up for.",
            agree, agree < 3 ? " (not for " : "", weak, agree < 3 ? ")" : "");
}

static void test_salient_squares(Lesson *ls)
{
    Notebook *nb = ls->nb;
    nb_section(nb, "Hiding the most salient square");
    nb_para(nb, "A sharper test of what saliency claims: if its brightest area is what the network looks at, "
                "hiding that area should hurt the answer more than hiding any area. For each picture, the %dx%d "
                "square (whole, inside the picture) that covers the most saliency is filled with gray, and so is a "
                "square of the same size at a random place; the fall of the true class's probability is measured "
                "for both. The interval is the mean difference ± 1.96 standard errors over the pictures.", SQ, SQ);
    Tab t = tab_new(3, 6);
    Rng r;
    rng_seed(&r, SEED, 5);
    const int lo = SQ / 2, span = PIC - 2 * (SQ / 2); /* centres of whole squares */
    for (int j = 0; j < 3; j++) {
        const Model *m = &ls->m[LOOKED[j]];
        const int d = m->data, n = ls->n[d];
        float *g = xcalloc((size_t)n * PIC_PX, sizeof *g), *v = xcalloc((size_t)3 * n * PIC_PX, sizeof *v);
        float *p = xcalloc((size_t)3 * n * K, sizeof *p), box[PIC_PX];
        picture_grad(m->net, ls->pics[d], n, ls->y[d], GRAD_OF_SCORE, g, NULL, NULL);
        for (int i = 0; i < n; i++) {
            const float *pic = ls->pics[d] + (size_t)i * PIC_PX;
            box_sum_abs(box, g + (size_t)i * PIC_PX, SQ);
            int best = lo * PIC + lo;
            for (int cy = lo; cy < lo + span; cy++)
                for (int cx = lo; cx < lo + span; cx++) best = box[cy * PIC + cx] > box[best] ? cy * PIC + cx : best;
            memcpy(v + (size_t)3 * i * PIC_PX, pic, PIC_PX * sizeof *v);
            occlude(v + (size_t)(3 * i + 1) * PIC_PX, pic, best / PIC, best % PIC, SQ, FILL);
            occlude(v + (size_t)(3 * i + 2) * PIC_PX, pic, lo + (int)rng_below(&r, span), lo + (int)rng_below(&r, span),
                    SQ, FILL);
        }
        picture_probs(m->net, v, 3 * n, p);
        double ms = 0.0, mr = 0.0, sd = 0.0, wins = 0.0;
        double *diff = xcalloc((size_t)n, sizeof *diff);
        for (int i = 0; i < n; i++) {
            const int c = ls->y[d][i];
            const double p0 = p[(size_t)3 * i * K + c], ds = p0 - p[(size_t)(3 * i + 1) * K + c],
                         dr = p0 - p[(size_t)(3 * i + 2) * K + c];
            ms += ds / n, mr += dr / n, diff[i] = ds - dr, wins += ds > dr;
        }
        for (int i = 0; i < n; i++) sd += (diff[i] - (ms - mr)) * (diff[i] - (ms - mr)) / (n - 1);
        const double half = 1.96 * sqrt(sd / n);
        ls->drop_sal[j] = ms, ls->drop_rand[j] = mr;
        tab_row(&t, j, "%s\t%d\t%.3f\t%.3f\t%+.3f [%+.3f, %+.3f]\t%.0f%%", m->saved.title, n, ms, mr, ms - mr,
                ms - mr - half, ms - mr + half, 100.0 * wins / n);
        if (m->acc < WORKS) { /* a network that barely classifies has nothing to look at */
            nb_para(nb, "%s classifies only %.0f%% of its test pictures right (below %.0f%%): its saliency is not "
                        "held to the claim.", m->saved.title, 100.0 * m->acc, 100.0 * WORKS);
        } else {
            nb_check(nb, ms - mr - half > 0.0,
                     "%s: hiding the most salient square lowers the true class's probability by %.3f on average, a "
                     "random square by %.3f: %+.3f, interval [%+.3f, %+.3f] above 0, over %d pictures",
                     m->saved.title, ms, mr, ms - mr, ms - mr - half, ms - mr + half, n);
        }
        free(g), free(v), free(p), free(diff);
    }
    const char *hdr[6] = { "network", "pictures", "fall: salient square", "fall: random square",
                           "difference [95% interval]", "pictures where salient hurts more" };
    tab_show(nb, &t, hdr);
}

/* One row of a layer's figure: the map's TOPK favourite patches. */
static void add_patch_row(Sheet *s, const Model *m, const float *pics, const Unit *top, const RfInfo *rf, int map,
                          int scale, float *mean)
{
    const int r = rf->size;
    float *patch = xcalloc((size_t)r * r, sizeof *patch);
    float *rgb = xcalloc((size_t)3 * r * r * scale * scale, sizeof *rgb);
    if (mean) memset(mean, 0, (size_t)r * r * sizeof *mean);
    for (int k = 0; k < TOPK; k++) {
        const Unit *u = &top[(size_t)map * TOPK + k];
        cut_field(patch, pics + (size_t)u->img * PIC_PX, m->net, rf, u->y, u->x, -1.0f);
        if (mean)
            for (int q = 0; q < r * r; q++) mean[q] += (patch[q] < 0.0f ? 0.0f : patch[q]) / TOPK;
        patch_rgb(rgb, patch, r, r, scale);
        if (k == 0) sheet_add_c(s, rgb, 3, r * scale, r * scale, "map %d: %.2f", map + 1, u->v);
        else sheet_add_c(s, rgb, 3, r * scale, r * scale, "%.2f", u->v);
    }
    free(patch), free(rgb);
}

static void show_favourite_patches(Lesson *ls)
{
    Notebook *nb = ls->nb;
    nb_section(nb, "What a map answers to, layer by layer");
    nb_para(nb, "Each map of a convolution layer is one detector slid over the picture. Which inputs make it "
                "answer most? Run the %d test pictures through, take each picture's strongest unit of the map, "
                "keep the %d strongest over all pictures, and cut from each picture the part that unit sees: its "
                "receptive field (lesson 03; core/receptive.c computes it from the kernels, strides and paddings "
                "below the layer). Outside the picture (the zero padding) is dark blue. The value under each patch "
                "is the map's output there (before its ReLU).", ls->pictures, TOPK);
    static const struct { int model; const char *layer; int scale; } L[4] = {
        { 0, "C1", 8 }, { 0, "C3", 4 }, { 4, "conv2", 4 }, { 4, "conv5", 2 } };
    MatchBank *bank = match_bank_registry(5);
    CN_CHECK(bank);
    Tab t = tab_new(NMAPS, 4);
    for (int l = 0; l < 4; l++) {
        const Model *m = &ls->m[L[l].model];
        const int li = net_find(m->net, L[l].layer), d = m->data;
        CN_CHECK(li >= 0);
        const RfInfo rf = layer_field(m->net, li);
        const int C = m->net->layer[li]->out.c;
        Unit *top = xcalloc((size_t)C * TOPK, sizeof *top);
        top_units(m->net, li, ls->pics[d], ls->n[d], TOPK, top);
        Sheet s = { 0 };
        float mean[25];
        for (int map = 0; map < NMAPS && map < C; map++) {
            if (l == 0) sheet_add_filter(&s, 5, m->net->layer[li]->param[0].value + map * 25, L[l].scale, "filter");
            add_patch_row(&s, m, ls->pics[d], top, &rf, map, L[l].scale, l == 0 ? mean : NULL);
            if (l == 0) { /* C1: the filter itself, and its patches against lesson 01's kernels */
                const float *w = m->net->layer[li]->param[0].value + map * 25;
                float centred[25], mu = 0.0f;
                for (int q = 0; q < 25; q++) mu += mean[q] / 25.0f;
                for (int q = 0; q < 25; q++) centred[q] = mean[q] - mu;
                const Match mf = match_best_shifted(bank, w), mp = match_best_shifted(bank, centred);
                ls->c1_cos += match_cosine(w, centred, 25) / NMAPS;
                ls->c1_edges += mp.entry >= 0 && match_family(bank->e[mp.entry].kernel) == MATCH_EDGE;
                char a[80], b[80];
                tab_row(&t, map, "%d\t%+.2f\t%s\t%s", map + 1, match_cosine(w, centred, 25),
                        match_label(a, sizeof a, bank, &mf), match_label(b, sizeof b, bank, &mp));
            }
        }
        char file[64], cap[640];
        snprintf(file, sizeof file, "patches_%s.png", L[l].layer);
        sheet_write(&s, nb, file, l == 0 ? TOPK + 1 : TOPK, 6, 1);
        snprintf(cap, sizeof cap, "%s of the %s: the first %d of its %d maps, a row each, the %d test patches that "
                 "excite the map most, strongest first, each cut at the map's receptive field (%dx%d pixels of the "
                 "28x28 picture, shown %d times enlarged), the map's output written under it%s", L[l].layer,
                 m->saved.title, NMAPS, C, TOPK, rf.size, rf.size, L[l].scale,
                 l == 0 ? "; first in each row, the map's 5x5 filter (0 mid-gray, positive lighter)" : "");
        nb_image(nb, cap, file);
        if (l == 0) {
            const char *hdr[4] = { "C1 map", "cos(filter, mean patch)", "filter's best hand kernel",
                                   "mean patch's best hand kernel" };
            nb_para(nb, "Back to lesson 01. A C1 unit is a single 5x5 filter on the picture, so the patch that "
                        "excites it most is the one most like the filter (for patches of equal brightness, the dot "
                        "product is largest when they point the same way). The table holds, for each map, the "
                        "cosine between its filter and the mean of its %d patches (minus their mean brightness), "
                        "and the best match of each among lesson 01's hand-designed kernels (lesson 10's shifted "
                        "match, sign allowed; the label ends with the score).", TOPK);
            tab_show(nb, &t, hdr);
        }
        free(top);
    }
    match_bank_free(bank);
    nb_para(nb, "C1's favourite patches are pieces of stroke with an edge across them: on average they point the "
                "way of their filter (mean cosine %.2f), and for %d of the %d maps the best hand kernel for the "
                "mean patch is an edge detector of lesson 01. C3 sees 14x14 pixels, half a digit: its favourite "
                "patches are stroke ends, curves and junctions, which no 5x5 kernel of lesson 01 describes. "
                "AlexNet-mini's conv2 (11x11) answers to parts of garments, and its conv5 sees fields of 39x39 "
                "pixels, more than the whole picture: its favourite patches are whole garments, of one kind a "
                "map.", ls->c1_cos, ls->c1_edges, NMAPS);
}

static void paint_class_pictures(Lesson *ls)
{
    Notebook *nb = ls->nb;
    nb_section(nb, "A picture of each class");
    const AscentOpts o = { .steps = ls->quick ? 60 : 200, .lr = 0.02f, .l2 = 0.05f, .jitter = 1, .blur_every = 4 };
    nb_para(nb, "Turn the question around: instead of which pixels of a picture matter, which picture would the "
                "network like best for class c? Start from uniform gray (0.5) and climb the gradient of the score "
                "S_c(p) − λ·|p − 0.5|², λ = %.2f, with the pixels kept in [0, 1] (Simonyan et al. 2014). The "
                "penalty keeps pixels that do not help near gray. Alone, the climb finds speckled patterns that "
                "raise the score through many tiny pixel effects; two habits of later work help: the picture is "
                "shifted by up to %d pixel before each step (a pattern must work wherever it lands) and blurred "
                "a little every %d steps. %d steps, each moving the pixels by %.2f times the gradient over its "
                "root mean square.", (double)o.l2, o.jitter, o.blur_every, o.steps, (double)o.lr);
    Sheet s = { 0 };
    double *x = xcalloc((size_t)o.steps + 1, sizeof *x), *y[3];
    const char *names[3];
    for (int j = 0; j < 3; j++) {
        const Model *m = &ls->m[LOOKED[j]];
        float *pics = xcalloc((size_t)K * PIC_PX, sizeof *pics);
        float *trace = xcalloc((size_t)K * (o.steps + 1), sizeof *trace);
        float prob[K * K], big[PIC_PX * 16];
        class_pictures(m->net, K, &o, SEED + j, pics, trace);
        picture_probs(m->net, pics, K, prob);
        int rose = 0;
        double lowp = 1.0;
        y[j] = xcalloc((size_t)o.steps + 1, sizeof **y);
        names[j] = m->saved.title;
        for (int k = 0; k < K; k++) {
            const float *tr = trace + (size_t)k * (o.steps + 1);
            rose += tr[o.steps] > tr[0];
            lowp = fmin(lowp, prob[k * K + k]);
            for (int e = 0; e <= o.steps; e++) y[j][e] += (tr[e] - tr[0]) / K;
            enlarge(big, pics + (size_t)k * PIC_PX, PIC, PIC, 4);
            sheet_add(&s, big, PIC * 4, PIC * 4, "%.10s %.2f", names_of(ls, m->data)[k], prob[k * K + k]);
        }
        nb_check(nb, rose == K, "%s: the score of every class rose during its ascent (%d of %d), and the network "
                                "gives each picture at least %.2f probability for its class",
                 m->saved.title, rose, K, lowp);
        free(pics), free(trace);
    }
    for (int e = 0; e <= o.steps; e++) x[e] = e;
    sheet_write(&s, nb, "class_pictures.png", K, 6, 1);
    nb_image(nb, "a picture of each class by gradient ascent from gray, one row per network: modern LeNet-5 on the "
                 "MNIST sample, modern LeNet-5 on Fashion-MNIST, AlexNet-mini on Fashion-MNIST; pixels 0 black to "
                 "1 white; under each, its class and the probability the network gives it", "class_pictures.png");
    CN_CHECK(plot_lines(nb_path(nb, "ascent.png"), nb_path(nb, "ascent.dat"),
                        "Gradient ascent: how far the class score has risen", "step",
                        "score minus the score of gray, mean of 10 classes", names, x, (const double *const *)y, 3,
                        o.steps + 1) >= 0);
    nb_plot(nb, "the score of the class being painted, minus its score for the gray start, averaged over the 10 "
                "classes, step by step, for each network; the saw teeth are the blur, every 4 steps, which takes "
                "back a little of what the steps gained", "ascent.png");
    nb_para(nb, "Look for strokes where the class's ink usually lies and dark where another class's ink would be "
                "(a 0's hole, the sides of a 1); the garments are harder to read, pieces of edges and folds. They "
                "are not pictures from the dataset but what the network's features add up to, exaggerated; a "
                "class whose picture keeps a low probability is one whose evidence this network spreads thin.");
    for (int j = 0; j < 3; j++) free(y[j]);
    free(x);
}

/* One fooled picture: the clean one, the change (x20, 0 gray) and the changed one. */
static void add_fooled(Sheet *s, const float *pic, const float *adv, int cls, int now, float eps, const float *p0,
                       const float *p1, const char *const *names)
{
    float big[PIC_PX * 16], diff[PIC_PX];
    enlarge(big, pic, PIC, PIC, 4);
    sheet_add(s, big, PIC * 4, PIC * 4, "%.10s %.2f", names[cls], p0[cls]);
    for (int k = 0; k < PIC_PX; k++) diff[k] = 0.5f + 20.0f * (adv[k] - pic[k]);
    enlarge(big, diff, PIC, PIC, 4);
    sheet_add(s, big, PIC * 4, PIC * 4, "change x20, e=%.2f", (double)eps);
    enlarge(big, adv, PIC, PIC, 4);
    sheet_add(s, big, PIC * 4, PIC * 4, "%.10s %.2f", names[now], p1[now]);
}

static void fool_the_networks(Lesson *ls)
{
    Notebook *nb = ls->nb;
    nb_section(nb, "Pictures that fool the network");
    nb_para(nb, "The gradient of the loss with respect to the pixels says how to make the answer worse. Goodfellow, "
                "Shlens and Szegedy (2015) took only its sign: move every pixel by ε, up where the loss rises with "
                "it and down where it falls, p' = clip(p + ε·sign(dL/dp), 0, 1), the fast gradient sign. No pixel "
                "changes by more than ε; ε = %.2f is %.0f of 255 gray levels, a change nobody sees. The accuracy on "
                "%d test pictures of each dataset, for each network and each ε:", (double)INVISIBLE,
            INVISIBLE * 255.0, ls->pictures);
    double *yv[NM], ex[NEPS];
    const char *names[NM];
    Tab t = tab_new(NM, NEPS + 1);
    Sheet s = { 0 };
    for (int i = 0; i < NM; i++) {
        const Model *m = &ls->m[i];
        const int d = m->data, n = ls->n[d];
        float *g = xcalloc((size_t)n * PIC_PX, sizeof *g), *adv = xcalloc((size_t)n * PIC_PX, sizeof *adv);
        float *p0 = xcalloc((size_t)n * K, sizeof *p0), *p1 = xcalloc((size_t)n * K, sizeof *p1);
        float *first = xcalloc((size_t)n, sizeof *first); /* the smallest ε that flips a right answer */
        picture_grad(m->net, ls->pics[d], n, ls->y[d], GRAD_OF_LOSS, g, p0, NULL);
        yv[i] = xcalloc(NEPS, sizeof **yv);
        names[i] = m->saved.title;
        char row[512];
        int o = snprintf(row, sizeof row, "%s", m->tag);
        for (int e = 0; e < NEPS; e++) {
            fgsm(adv, ls->pics[d], g, n, (float)EPS[e]);
            picture_probs(m->net, adv, n, p1);
            int right = 0;
            for (int k = 0; k < n; k++) {
                const int ok = cn_argmax(p1 + (size_t)k * K, K) == ls->y[d][k];
                right += ok;
                if (!ok && first[k] == 0.0f && cn_argmax(p0 + (size_t)k * K, K) == ls->y[d][k])
                    first[k] = (float)EPS[e];
            }
            yv[i][e] = ls->acc_eps[i][e] = (double)right / n;
            ex[e] = EPS[e];
            o += snprintf(row + o, sizeof row - (size_t)o, "\t%.1f%%", 100.0 * yv[i][e]);
        }
        tab_row(&t, i, "%s", row);
        nb_check(nb, yv[i][NEPS - 1] < yv[i][0],
                 "%s: the fast gradient sign at ε = %.2f lowers the accuracy from %.1f%% to %.1f%%", m->saved.title,
                 EPS[NEPS - 1], 100.0 * yv[i][0], 100.0 * yv[i][NEPS - 1]);
        if (i == 0 || i == 4) { /* three fooled pictures: flipped by the smallest change, the surest first */
            for (int shown = 0; shown < 3; shown++) {
                int best = -1;
                for (int k = 0; k < n; k++) {
                    if (first[k] == 0.0f) continue;
                    const float sure = p0[(size_t)k * K + ls->y[d][k]];
                    if (best < 0 || first[k] < first[best] ||
                        (first[k] == first[best] && sure > p0[(size_t)best * K + ls->y[d][best]]))
                        best = k;
                }
                if (best < 0) break;
                const float *pic = ls->pics[d] + (size_t)best * PIC_PX;
                float a[PIC_PX], pa[K];
                fgsm(a, pic, g + (size_t)best * PIC_PX, 1, first[best]);
                picture_probs(m->net, a, 1, pa);
                add_fooled(&s, pic, a, ls->y[d][best], cn_argmax(pa, K), first[best], p0 + (size_t)best * K, pa,
                           names_of(ls, d));
                first[best] = 0.0f;
            }
        }
        free(g), free(adv), free(p0), free(p1), free(first);
    }
    const char *hdr[NEPS + 1] = { "network", "ε = 0", "0.01", "0.02", "0.03", "0.05", "0.1", "0.15", "0.2", "0.25" };
    tab_show(nb, &t, hdr);
    CN_CHECK(plot_lines(nb_path(nb, "fgsm.png"), nb_path(nb, "fgsm.dat"),
                        "Test accuracy under the fast gradient sign", "ε: largest change of a pixel (0..1)",
                        "test accuracy", names, ex, (const double *const *)yv, NM, NEPS) >= 0);
    nb_plot(nb, "the accuracy of each network on its test pictures moved by ε·sign(dL/dp), against ε (0.03 is 8 "
                "of 255 gray levels)", "fgsm.png");
    sheet_write(&s, nb, "fooled.png", 9, 6, 1);
    nb_image(nb, "pictures the network got right and gets wrong after the smallest ε of the list that flips them "
                 "(of those, the ones it was surest of), three a row, each as three tiles: the picture (true class, "
                 "probability), the change enlarged 20 times (mid-gray 0, lighter brighter), the changed picture "
                 "(the new answer, its probability). "
                 "The first row: modern LeNet-5 on the MNIST sample; the second: AlexNet-mini on Fashion-MNIST",
             "fooled.png");
    char halves[640];
    int o = 0;
    for (int i = 0; i < NM; i++) {
        int e = 1;
        while (e < NEPS && ls->acc_eps[i][e] > ls->acc_eps[i][0] / 2) e++;
        o += snprintf(halves + o, sizeof halves - (size_t)o, "%s%s: %s", i ? "; " : "", ls->m[i].saved.title,
                      e < NEPS ? "ε = " : "beyond ε = ");
        o += snprintf(halves + o, sizeof halves - (size_t)o, "%.2f", EPS[e < NEPS ? e : NEPS - 1]);
    }
    nb_para(nb, "A network that classifies well need not be robust: a few gray levels on every pixel, each pushed "
                "the way the gradient says, add up through the layers to a large change of the score (Goodfellow "
                "et al.: the networks are nearly linear, and a sum of 784 small pushes is large). The first ε of "
                "the list at which the accuracy falls to half of what it was without a change: %s.", halves);
    for (int i = 0; i < NM; i++) free(yv[i]);
}

/* The theoretical field (side `size` from (y0, x0) in the picture) outlined
 * in cyan on a PIC x PIC tile enlarged 4 times (planar RGB), clipped. */
static void outline_field(float *rgb, int y0, int x0, int size)
{
    const int S = PIC * 4, top = y0 * 4, left = x0 * 4, bottom = (y0 + size) * 4 - 1, right = (x0 + size) * 4 - 1;
    const size_t plane = (size_t)S * S;
    for (int r = top; r <= bottom; r++)
        for (int c = left; c <= right; c++) {
            const int edge = r == top || r == bottom || c == left || c == right;
            if (!edge || r < 0 || r >= S || c < 0 || c >= S) continue;
            const size_t at = (size_t)r * S + c;
            rgb[at] = 0.0f, rgb[plane + at] = 0.9f, rgb[2 * plane + at] = 0.9f;
        }
}

static void measure_effective_fields(Lesson *ls)
{
    Notebook *nb = ls->nb;
    nb_section(nb, "The effective receptive field");
    nb_para(nb, "Lesson 03 computed how far a unit can see: its theoretical receptive field. Does a trained unit "
                "use all of it? Luo, Li, Urtasun and Zemel (2016) measured it with the backward pass: start from "
                "1 at the centre unit of every map of a layer, 0 elsewhere, run back to the pixels, and average "
                "|gradient| over many pictures. Outside the theoretical field the gradient is exactly 0; inside, "
                "it tells how much each pixel moves the unit. Here over %d pictures each. How much of its field a "
                "unit uses, in two numbers: the smallest square around the unit's centre that holds half of the "
                "summed |gradient|, and the one that holds 90%%, each as a share of the area of the field inside "
                "the picture. A unit that used its field evenly would need half of it for half the gradient.",
            ls->n[0]);
    static const struct { int model; const char *layer; } L[6] = {
        { 0, "C1" }, { 0, "C3" }, { 0, "C5" }, { 4, "conv2" }, { 4, "conv3" }, { 4, "conv5" } };
    Tab t = tab_new(6, 5);
    Sheet s = { 0 };
    int all_inside = 1;
    for (int l = 0; l < 6; l++) {
        const Model *m = &ls->m[L[l].model];
        const int li = net_find(m->net, L[l].layer), d = m->data;
        CN_CHECK(li >= 0);
        const RfInfo rf = layer_field(m->net, li);
        float mass[PIC_PX], rgb[3 * PIC_PX * 16];
        int uy, ux, y0, x0;
        effective_field(m->net, li, ls->pics[d], ls->n[d], mass, &uy, &ux);
        field_corner(m->net, &rf, uy, ux, &y0, &x0);
        const double cy = y0 + (rf.size - 1) / 2.0, cx = x0 + (rf.size - 1) / 2.0;
        double total = 0.0, inside = 0.0;
        for (int k = 0; k < PIC_PX; k++) {
            const int r = k / PIC, c = k % PIC, in = r >= y0 && r < y0 + rf.size && c >= x0 && c < x0 + rf.size;
            total += mass[k], inside += in ? mass[k] : 0.0;
        }
        int side = 0, half = 0; /* grow the square around the centre one pixel a side: half, then 90% */
        for (double h = 0.0; h < PIC && !side; h += 1.0) {
            double in = 0.0;
            int rows = 0;
            for (int r = 0; r < PIC; r++) rows += fabs(r - cy) <= h + 0.5;
            for (int k = 0; k < PIC_PX; k++)
                in += fabs(k / PIC - cy) <= h + 0.5 && fabs(k % PIC - cx) <= h + 0.5 ? mass[k] : 0.0;
            if (!half && in >= 0.5 * total) half = rows;
            if (in >= 0.9 * total || h + 1.0 >= PIC) side = rows;
        }
        const int fy = (y0 + rf.size < PIC ? y0 + rf.size : PIC) - (y0 > 0 ? y0 : 0);
        ls->erf_side[l] = side, ls->erf_half[l] = half, ls->erf_field[l] = fy;
        all_inside &= total > 0.0 && inside >= total * (1.0 - 1e-6);
        const double a = (double)fy * fy;
        tab_row(&t, l, "%s\t%s\t%dx%d (%d in the picture)\t%dx%d: %.0f%%\t%dx%d: %.0f%%", m->tag, L[l].layer, rf.size,
                rf.size, fy, half, half, 100.0 * half * half / a, side, side, 100.0 * side * side / a);
        const float hi = abs_quantile(mass, PIC_PX, 1.0);
        heat_rgb(rgb, mass, PIC, PIC, 4, hi);
        outline_field(rgb, y0, x0, rf.size);
        sheet_add_c(&s, rgb, 3, PIC * 4, PIC * 4, "%s %s", L[l].model ? "AlexNet" : "LeNet", L[l].layer);
    }
    const char *hdr[5] = { "network", "layer", "theoretical field", "square with half the |gradient|: its share",
                           "square with 90%: its share" };
    tab_show(nb, &t, hdr);
    sheet_write(&s, nb, "effective_field.png", 3, 6, 1);
    nb_image(nb, "the mean |gradient| of a layer's centre unit with respect to each pixel (black 0, through red and "
                 "yellow to white at each map's largest value), the theoretical receptive field outlined in cyan "
                 "(cut by the picture's edge where it reaches past it). Top: modern LeNet-5 (MNIST sample) C1, C3, "
                 "C5; bottom: AlexNet-mini conv2, conv3, conv5", "effective_field.png");
    nb_check(nb, all_inside, "for every layer, all of the gradient falls inside the theoretical field that "
                             "core/receptive.c computes: not one pixel outside it moves the unit");
    nb_para(nb, "Why a bump in the middle? A pixel near the centre of the field reaches the unit along many paths "
                "through the layers, one near its edge along few, so the gradient fades toward the edge (Luo et "
                "al.: like a sum of many small steps, it tends to a Gaussian). Where the 90%% square is smaller "
                "than the field, the unit does not use all it could see.");
}

static void sum_up(Lesson *ls)
{
    Notebook *nb = ls->nb;
    nb_section(nb, "What the networks look at");
    int agree = 1, narrower = 0;
    for (int j = 0; j < 3; j++) agree &= ls->corr[j] > ls->corr_other[j];
    char shares[128];
    int o = 0;
    for (int l = 0; l < 6; l++) {
        narrower += ls->erf_side[l] < ls->erf_field[l];
        o += snprintf(shares + o, sizeof shares - (size_t)o, "%s%.0f%%", l ? (l == 5 ? " and " : ", ") : "",
                      100.0 * ls->erf_half[l] * ls->erf_half[l] / (ls->erf_field[l] * ls->erf_field[l]));
    }
    nb_para(nb, "- Saliency and occlusion, one backward pass against 784 forward passes, %s: mean correlations "
                "%.2f, %.2f and %.2f (modern LeNet-5 on digits, on garments, AlexNet-mini), against %.2f, %.2f and "
                "%.2f for another picture's map. Hiding the most salient square lowers the true class's "
                "probability by %.2f, %.2f and %.2f, a random square by %.2f, %.2f and %.2f.\n"
                "- C1's favourite patches point the way of its filters (mean cosine %.2f), and %d of its %d maps' "
                "best hand kernel is an edge detector of lesson 01; C3 and conv2 answer to strokes, curves and "
                "parts, conv5 to whole garments: no hand-designed kernel of lesson 01 describes them.\n"
                "- An invisible change (ε = 0.03, 8 gray levels) leaves %.0f%%, %.0f%%, %.0f%%, %.0f%% and %.0f%% "
                "accuracy (modern and classic LeNet-5 on digits, then on garments, AlexNet-mini), from %.0f%%, "
                "%.0f%%, %.0f%%, %.0f%% and %.0f%%.\n"
                "- Half of a unit's gradient comes from a central square of %s of its field in the picture "
                "(LeNet-5's C1, C3, C5, then AlexNet-mini's conv2, conv3, conv5; a field used evenly: 50%%), and the "
                "square with 90%% is narrower than the field for %d of the 6 layers.",
            agree ? "agree beyond the shared bias toward the middle" : "do not agree for every network", ls->corr[0],
            ls->corr[1], ls->corr[2], ls->corr_other[0], ls->corr_other[1], ls->corr_other[2], ls->drop_sal[0],
            ls->drop_sal[1], ls->drop_sal[2], ls->drop_rand[0], ls->drop_rand[1], ls->drop_rand[2], ls->c1_cos,
            ls->c1_edges, NMAPS, 100 * ls->acc_eps[0][3], 100 * ls->acc_eps[1][3], 100 * ls->acc_eps[2][3],
            100 * ls->acc_eps[3][3], 100 * ls->acc_eps[4][3], 100 * ls->acc_eps[0][0], 100 * ls->acc_eps[1][0],
            100 * ls->acc_eps[2][0], 100 * ls->acc_eps[3][0], 100 * ls->acc_eps[4][0], shares, narrower);
}

static void try_it_yourself(Lesson *ls)
{
    nb_section(ls->nb, "Try it yourself");
    nb_para(ls->nb, "Each flag here also runs with --quick (add it to try the line in seconds):\n"
                    "- More pictures in every measurement: build/lessons/" LESSON_ID " --pictures 3000. Which "
                    "intervals shrink, which numbers stay where they were?\n"
                    "- Change the occluding square (SQ and FILL at the top of lessons/" LESSON_ID ".c): a black "
                    "square on digits hides ink without adding any; does the agreement with saliency rise?\n"
                    "- Paint the class pictures without jitter and blur (AscentOpts in paint_class_pictures): does "
                    "the score rise faster? Can you still read the pictures?");
}

static int finish(Lesson *ls)
{
    nb_para(ls->nb, "This run took %.0f s.", now_s() - ls->t_start);
    for (int i = 0; i < NM; i++) net_free(ls->m[i].net);
    for (int d = 0; d < 2; d++) free(ls->pics[d]), free(ls->y[d]);
    lesson_data_free(ls->data, 2);
    const int status = lesson_end(ls->nb);
    free(ls);
    return status;
}
