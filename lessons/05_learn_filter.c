/* 05_learn_filter.c - lesson 05: learning a filter.
 *
 * In lesson 01 a person chose the nine weights of each kernel. Here a
 * convolution layer finds them itself, from examples: pieces of the
 * photograph and the same pieces filtered by a hand-designed kernel. The
 * layer starts from random weights and follows the gradient of the squared
 * error down to the kernel that made the examples. Then the twist of lesson
 * 02: a layer that correlates, taught by examples made with true
 * convolution, learns the kernel rotated by 180 degrees, invisible for the
 * seed's symmetric kernels, plain with Sobel.
 *
 *   build/lessons/05_learn_filter            the full lesson
 *   build/lessons/05_learn_filter --quick    fewer gradient steps (the same pictures and claims)
 *   build/lessons/05_learn_filter --help     the flags to explore with (steps, lr, momentum, image)
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/conv.h"
#include "core/conv_layer.h"
#include "core/die.h"
#include "core/error.h"
#include "core/image.h"
#include "core/kernels.h"
#include "core/notebook.h"
#include "core/plot.h"
#include "core/rng.h"
#include "datasets/dataset.h"
#include "lessons/kit/cli.h"
#include "lessons/kit/draw.h"
#include "lessons/kit/eigen.h"
#include "lessons/kit/goals.h"
#include "lessons/kit/loops.h"
#include "lessons/kit/report.h"
#include "lessons/lesson.h"

#define LESSON_ID "05_learn_filter"
#define SIDE 48          /* the photo is shrunk to SIDE x SIDE */
#define PATCH 16         /* and cut into (SIDE/PATCH)^2 patches of PATCH x PATCH */
#define NPATCH ((SIDE / PATCH) * (SIDE / PATCH))
#define K 3              /* kernel side */
#define MOMENTUM 0.9f     /* the default momentum (--momentum) */
#define LOG_EVERY 5      /* the loss curves keep every LOG_EVERY-th step */
#define TOL 1e-3         /* a learned weight counts as recovered within this */

enum { NK = KERNEL_SEED_COUNT + 1 };   /* the kernels: the seed's six, then Sobel x */

typedef struct {
    float w[K * K];          /* the learned kernel */
    float start[K * K];      /* the random kernel it started from */
    float snap[3][K * K];    /* after 10, 50 and 200 steps */
    double *loss;            /* loss before step s, s = 0, LOG_EVERY, 2*LOG_EVERY, ... */
    int nloss;
    double final_loss;       /* after the last step */
} Learned;

/* What the learner can change on the command line. */
typedef struct {
    int quick, steps, naive;
    float lr, momentum;      /* lr NAN: the rule 1 / (9 mean(x^2)) */
    const char *image;       /* NULL: the lessons' photograph */
} Settings;

static float mom = MOMENTUM; /* the momentum of every learning run */
static double steepest = 0.0; /* the centred loss's largest curvature, λ1, once computed */

/* The sections of the lesson, in the order main() tells them. */
static void slide_6_says(Notebook *nb);
static void the_examples(Notebook *nb, const float *photo, int orig_w, int orig_h, int factor,
                         const CnKernel *const *ks, float *x, double *mean, double *msq);
static void the_model_loss_and_gradient(Notebook *nb, const CnKernel *const *ks, const float *x, double msq, float lr,
                                        float lr_rule);
static void learning_each_kernel(Notebook *nb, const CnKernel *const *ks, const float *x, int steps, float lr,
                                 Learned *res);
static void why_centre_the_pixels(Notebook *nb, const CnKernel *const *ks, const float *x, double mean,
                                  const Learned *res, int steps, double lr_factor);
static void convolution_or_correlation(Notebook *nb, const CnKernel *const *ks, const float *x, int steps, float lr);
static void try_it_yourself(Notebook *nb);
static void read_flags(int argc, char **argv, Settings *set);
static float *load_photo(const char *image, int *orig_w, int *orig_h, int *factor);

int main(int argc, char **argv)
{
    Settings set = { .steps = CLI_UNSET, .lr = NAN, .momentum = MOMENTUM };
    read_flags(argc, argv, &set);
    lesson_choose_loops(set.naive);
    const int steps = set.steps;
    mom = set.momentum;

    int orig_w, orig_h, factor;   /* the photo's size, and the side of the blocks averaged */
    float *photo = load_photo(set.image, &orig_w, &orig_h, &factor);
    const CnKernel *ks[NK];
    for (int i = 0; i < KERNEL_SEED_COUNT; i++) CN_CHECK(ks[i] = kernel_seed(i));
    CN_CHECK(ks[NK - 1] = kernel_find("sobel_x"));

    Notebook *nb = nb_open(LESSON_ID, "Lesson 05 — Learning a filter");
    CN_CHECK(nb);
    slide_6_says(nb);
    float *x = xcalloc((size_t)NPATCH * PATCH * PATCH, sizeof *x);   /* the centred patches */
    double mean, msq;
    the_examples(nb, photo, orig_w, orig_h, factor, ks, x, &mean, &msq);
    const float lr_rule = (float)(1.0 / (K * K * msq)), lr = isnan(set.lr) ? lr_rule : set.lr;
    the_model_loss_and_gradient(nb, ks, x, msq, lr, lr_rule);
    Learned res[NK];
    learning_each_kernel(nb, ks, x, steps, lr, res);
    why_centre_the_pixels(nb, ks, x, mean, res, steps, (double)lr / lr_rule);
    convolution_or_correlation(nb, ks, x, steps, lr);
    try_it_yourself(nb);

    for (int k = 0; k < NK; k++) free(res[k].loss);
    free(x);
    free(photo);
    return lesson_end(nb);
}

/* The kernels are kept after snap_step(0..2) steps: 10, 50 and 200, or fewer in a shorter run. */
static int snap_step(int q, int steps)
{
    static const int at[3] = { 10, 50, 200 };
    return at[q] < steps ? at[q] : steps;
}

/* Helpers, defined after the sections. */
static float *shrink_square(const CnImage *im, int side);
static double max_abs_diff9(const float *a, const float *b);
static void kernel_rows(char rows[K][64], const float *k);
static void make_targets(float *t, const float *x, const float *k, int convolve);
static void learn(Learned *out, const float *x, const float *t, ConvOp mode, int steps, float lr, uint64_t seed);

static void slide_6_says(Notebook *nb)
{
    nb_para(nb, "In lesson 01 a person chose the nine weights of each kernel. Slide 6 of the seminar puts the "
                "difference between classic image processing and a CNN in one line: in image processing a person "
                "designs the kernel; in a CNN the network learns it. This lesson watches that happen on the "
                "smallest possible network: one convolution layer with one 3x3 kernel, shown examples of what a "
                "hand-designed kernel does, and asked to find weights that do the same.");
}

/* --- the examples ------------------------------------------------------------------------- */

static void the_examples(Notebook *nb, const float *photo, int orig_w, int orig_h, int factor,
                         const CnKernel *const *ks, float *x, double *mean_out, double *msq_out)
{
    nb_section(nb, "The examples");
    const size_t NX = (size_t)NPATCH * PATCH * PATCH;
    double mean = 0.0, msq = 0.0;
    for (int i = 0; i < SIDE * SIDE; i++) mean += photo[i];
    mean /= SIDE * SIDE;
    /* patch b covers rows (b / (SIDE/PATCH)) * PATCH .., columns (b % (SIDE/PATCH)) * PATCH .. of the photo, centred */
    for (int b = 0; b < NPATCH; b++)
        for (int r = 0; r < PATCH; r++)
            for (int c = 0; c < PATCH; c++) {
                int py = (b / (SIDE / PATCH)) * PATCH + r, px = (b % (SIDE / PATCH)) * PATCH + c;
                float v = (float)(photo[py * SIDE + px] - mean);
                x[((size_t)b * PATCH + (size_t)r) * PATCH + (size_t)c] = v;
                msq += (double)v * v;
            }
    msq /= (double)NX;
    nb_para(nb, "The photograph (%dx%d) is shrunk by averaging %dx%d blocks and cropped to its central %dx%d, "
                "its mean brightness %.4f is "
                "subtracted from every pixel (so the pixels are centred on 0; the section \"Why centre the "
                "pixels?\" below shows why), and it is cut into %d patches of %dx%d. For each kernel k the "
                "examples are pairs (patch x, target t = k applied to x), %zu target pixels in all, computed by "
                "cross-correlation in same mode, as in lesson 01.", orig_w, orig_h, factor, factor, SIDE, SIDE, mean, NPATCH, PATCH,
            PATCH, NX);
    /* the whole centred photo and each kernel's target, for the eye */
    const int ntile = NK + 1;
    float *tiles = xcalloc((size_t)ntile * SIDE * SIDE, sizeof(float));
    const char *lab[NK + 1];
    for (int i = 0; i < SIDE * SIDE; i++) tiles[i] = (float)(photo[i] - mean);
    lab[0] = "photo (centred)";
    for (int k = 0; k < NK; k++) {
        CN_CHECK(correlate2d_border(tiles + (size_t)(k + 1) * SIDE * SIDE, tiles, SIDE, SIDE, ks[k]->v, K, K,
                                    CONV_BORDER_SAME, 1) == 0);
        lab[k + 1] = ks[k]->name;
    }
    MontageOptions mo = montage_labelled(4, 3, 6, MAP_SYMMETRIC, lab, 2);
    CN_CHECK(image_montage_write_png_opts(nb_path(nb, "examples.png"), tiles, ntile, 1, SIDE, SIDE, &mo) == 0);
    char cap[400];
    snprintf(cap, sizeof cap, "the centred photo and what each kernel makes of it: the targets the layer must "
             "learn to produce (the whole %dx%d photo filtered at once, for the eye; each tile symmetric around "
             "mid-gray: 0 gray, its own largest |value| white or black)", SIDE, SIDE);
    nb_image(nb, cap, "examples.png");
    free(tiles);
    *mean_out = mean;
    *msq_out = msq;
}

/* --- the model, the loss, the gradient ----------------------------------------------------- */

static void one_gradient_entry_by_hand(Notebook *nb, const CnKernel *const *ks, const float *x);

static void the_model_loss_and_gradient(Notebook *nb, const CnKernel *const *ks, const float *x, double msq, float lr,
                                        float lr_rule)
{
    const size_t NX = (size_t)NPATCH * PATCH * PATCH;
    nb_section(nb, "The model, the loss and its gradient");
    nb_para(nb, "The model is a Conv2d layer with 1 input channel, 1 output channel, a 3x3 kernel w, padding 1 "
                "(same mode) and its bias held at 0: y = w ⋆ x. Its nine weights start random. How wrong it is "
                "is measured by the squared error, averaged over the n = %zu target pixels:", NX);
    nb_code(nb, "L = 1/(2n) · Σ_i (y_i − t_i)²          the loss\n"
                "dL/dy_i = (y_i − t_i) / n              its gradient with respect to each output pixel");
    nb_para(nb, "Those are the two lines this lesson adds. The layer's backward pass does the rest: each weight "
                "w[m][c] touched every output pixel through the input pixel under it, so by the chain rule");
    nb_code(nb, "dL/dw[m][c] = Σ_patches Σ_(i,j) dL/dy[i][j] · x[i + m − 1][j + c − 1]");
    nb_para(nb, "which is itself a cross-correlation: of the input with the output's gradient. Gradient descent "
                "then moves every weight a little downhill, with momentum (a running velocity v that smooths and "
                "speeds up the steps; μ = 0 is plain gradient descent):");
    char upd[128];
    snprintf(upd, sizeof upd, "v ← μ·v − lr · dL/dw        w ← w + v        (μ = %g%s)", (double)mom,
             mom == MOMENTUM ? "" : ", from --momentum");
    nb_code(nb, upd);
    one_gradient_entry_by_hand(nb, ks, x);
    nb_para(nb, "The step size: along any direction in weight space the loss curves upward by at most the sum of "
                "the curvatures along the nine weight axes, which is about 9 × mean(x²) = %.4f here (each weight's "
                "own curvature is the mean square of the pixels it multiplies). So lr = 1 / (9 · mean(x²)) = %.3f "
                "is safe: plain gradient descent with it never overshoots the bottom along any direction. Along "
                "a direction of curvature λ, gradient descent with momentum μ settles for any lr·λ below "
                "2·(1 + μ) and blows up beyond (2 for plain descent, 3.8 with μ = 0.9).", K * K * msq,
            (double)lr_rule);
    if (lr != lr_rule)
        nb_para(nb, "This run uses lr = %g (from --lr), %.2f times the rule's step. The section \"Why centre the "
                    "pixels?\" computes the curvatures exactly: there you can see whether lr·λ stays below %.2f "
                    "along the steepest one.", (double)lr, (double)(lr / lr_rule), 2.0 * (1.0 + mom));
}

/* One gradient entry by hand against the layer's backward, at the random start. */
static void one_gradient_entry_by_hand(Notebook *nb, const CnKernel *const *ks, const float *x)
{
    const size_t NX = (size_t)NPATCH * PATCH * PATCH;
    const CnKernel *k0 = ks[3];
    float *t = xcalloc(NX, sizeof *t), *y = xcalloc(NX, sizeof *y), *dy = xcalloc(NX, sizeof *dy);
    make_targets(t, x, k0->v, 0);
    Layer *conv = conv2d_create(1, K, K, 1, 1, 1, CONV_OP_CORRELATE);
    CN_CHECK(conv && layer_setup(conv, (CnShape){ 1, PATCH, PATCH }) == 0);
    Rng r;
    rng_seed(&r, 1, 5);
    layer_init(conv, INIT_XAVIER, &r);
    conv->ops->forward(conv, y, x, NPATCH);
    for (size_t i = 0; i < NX; i++) dy[i] = (float)(((double)y[i] - t[i]) / (double)NX);
    layer_zero_grad(conv);
    conv->ops->backward(conv, NULL, dy, x, y, NPATCH);
    const int m = 0, c = 2;
    double hand = 0.0;
    for (int b = 0; b < NPATCH; b++)
        for (int i = 0; i < PATCH; i++)
            for (int j = 0; j < PATCH; j++) {
                int yy = i + m - 1, xx = j + c - 1;
                if (yy < 0 || yy >= PATCH || xx < 0 || xx >= PATCH) continue;
                size_t base = (size_t)b * PATCH * PATCH;
                hand += (double)dy[base + (size_t)i * PATCH + (size_t)j] * x[base + (size_t)yy * PATCH + (size_t)xx];
            }
    double lib = conv->param[0].grad[m * K + c];
    nb_check(nb, fabs(hand - lib) <= 1e-6 + 1e-4 * fabs(hand),
             "at a random start, learning %s, the sum above for w[0][2] gives %.6e and the layer's backward "
             "gives %.6e (difference %.1e)", k0->title, hand, lib, fabs(hand - lib));
    layer_free(conv);
    free(t);
    free(y);
    free(dy);
}

/* --- learning each kernel ------------------------------------------------------------------ */

static void loss_curves(Notebook *nb, const CnKernel *const *ks, const Learned *res, double worst);
static void kernels_as_pictures(Notebook *nb, const CnKernel *const *ks, const Learned *res, int steps);

static void learning_each_kernel(Notebook *nb, const CnKernel *const *ks, const float *x, int steps, float lr,
                                 Learned *res)
{
    const size_t NX = (size_t)NPATCH * PATCH * PATCH;
    nb_section(nb, "Learning the seed's six kernels and Sobel");
    nb_para(nb, "For each kernel: fresh random weights, %d steps. The learned kernel is printed beside the "
                "hand-designed one.", steps);
    lesson_say_loops(nb);
    double worst = 0.0;
    for (int k = 0; k < NK; k++) {
        float *t = xcalloc(NX, sizeof *t);
        make_targets(t, x, ks[k]->v, 0);
        learn(&res[k], x, t, CONV_OP_CORRELATE, steps, lr, 100 + (uint64_t)k);
        free(t);
        char a[K][64], b[K][64], c[K][64], text[1024];
        kernel_rows(a, res[k].start);
        kernel_rows(b, res[k].w);
        kernel_rows(c, ks[k]->v);
        int used = snprintf(text, sizeof text, "%-30s  %-30s  %s\n", "random start", "learned", "hand-designed");
        for (int r = 0; r < K && used > 0 && (size_t)used < sizeof text; r++)
            used += snprintf(text + used, sizeof text - (size_t)used, "%-30s  %-30s  %s\n", a[r], b[r], c[r]);
        if (strcmp(ks[k]->title, ks[k]->name) != 0) nb_para(nb, "%s (%s):", ks[k]->title, ks[k]->name);
        else nb_para(nb, "%s:", ks[k]->title);
        nb_code(nb, text);
        double err = max_abs_diff9(res[k].w, ks[k]->v);
        worst = fmax(worst, err);
        lesson_goal(nb, err < TOL, "%s recovered: largest |learned − hand-designed| weight %.2e (loss %.3e → %.3e)",
                    ks[k]->title, err, res[k].loss[0], res[k].final_loss);
    }
    loss_curves(nb, ks, res, worst);
    kernels_as_pictures(nb, ks, res, steps);
}

/* The loss curves, log scale. */
static void loss_curves(Notebook *nb, const CnKernel *const *ks, const Learned *res, double worst)
{
    double *xs = xcalloc((size_t)res[0].nloss, sizeof *xs);
    const double *ys[NK];
    const char *names[NK];
    for (int i = 0; i < res[0].nloss; i++) xs[i] = i * LOG_EVERY;
    for (int k = 0; k < NK; k++) ys[k] = res[k].loss, names[k] = ks[k]->name;
    CN_CHECK(plot_lines_logy(nb_path(nb, "loss_curves.png"), nb_path(nb, "loss_curves.dat"),
                             "Learning each kernel: squared-error loss", "gradient step", "loss L (log scale)",
                             names, xs, ys, NK, res[0].nloss) >= 0);
    free(xs);
    nb_plot(nb, "the loss of each kernel's layer against the gradient step, on a log scale", "loss_curves.png");
    double drop = INFINITY, lo = INFINITY, hi = 0.0;
    for (int k = 0; k < NK; k++) {
        drop = fmin(drop, res[k].loss[0] / fmax(res[k].final_loss, 1e-300));
        lo = fmin(lo, res[k].final_loss);
        hi = fmax(hi, res[k].final_loss);
    }
    lesson_goal(nb, drop > 1e6, "every loss fell by a factor of at least %.1e", drop);
    if (!(hi < 1e30))
        nb_para(nb, "At least one loss blew up: the step size is beyond what the steepest direction of the loss "
                    "allows (the section \"Why centre the pixels?\" computes that limit), so every step overshoots "
                    "the bottom by more than it had to go. Lower --lr or --momentum.");
    else if (worst < TOL)
        nb_para(nb, "On a log scale the curves are nearly straight lines once the start is over: each step "
                    "multiplies the remaining error by about the same factor, what gradient descent does near the "
                    "bottom of a bowl-shaped loss. They end between %.0e and %.0e; a loss that flattens out "
                    "there has reached what 32-bit floats can resolve (each output pixel is rounded to about 7 "
                    "significant digits): the learned weights are within %.1e of the hand-designed ones.", lo, hi,
                worst);
    else
        nb_para(nb, "The losses end between %.0e and %.0e, and the worst learned kernel is still %.1e away from "
                    "its hand-designed one: these settings have not reached the bottom yet. Where a curve is a "
                    "straight line on the log scale, each step multiplies the remaining error by the same "
                    "factor, and more steps would get there.", lo, hi, worst);
}

/* The kernels as pictures: start, after 10, 50, 200 steps, final, hand-designed,
 * every tile on one gray scale with its nine numbers written in the cells. */
static void kernels_as_pictures(Notebook *nb, const CnKernel *const *ks, const Learned *res, int steps)
{
    enum { COLS = 6, CELL = 70, FS = 2, GAP = 14, HEAD = 28, NAME = 110 };
    const int tile = K * CELL, W = NAME + COLS * (tile + GAP), H = HEAD + NK * (tile + GAP);
    double m = 0.0;   /* the shared scale: the largest |weight| of any tile */
    for (int k = 0; k < NK; k++)
        for (int j = 0; j < K * K; j++) {
            const float v[COLS] = { res[k].start[j], res[k].snap[0][j], res[k].snap[1][j], res[k].snap[2][j],
                                    res[k].w[j], ks[k]->v[j] };
            for (int c = 0; c < COLS; c++)
                if (isfinite(v[c])) m = fmax(m, fabs(v[c]));
        }
    if (m == 0.0) m = 1.0;
    CnImage *im = canvas(H, W);
    char head[COLS][32];
    for (int q = 0; q < 3; q++) snprintf(head[q + 1], sizeof head[q + 1], "%d steps", snap_step(q, steps));
    snprintf(head[0], sizeof head[0], "start");
    snprintf(head[4], sizeof head[4], "learned (%d)", steps);
    snprintf(head[5], sizeof head[5], "hand-designed");
    for (int c = 0; c < COLS; c++) {
        const int x0 = NAME + c * (tile + GAP);
        image_draw_text(im, x0 + (tile - image_text_width(head[c], FS)) / 2, 6, head[c], FS, WHITE);
    }
    for (int k = 0; k < NK; k++) {
        const int y0 = HEAD + k * (tile + GAP);
        image_draw_text(im, 6, y0 + tile / 2 - 8, ks[k]->name, FS, WHITE);
        const float *src[COLS] = { res[k].start, res[k].snap[0], res[k].snap[1], res[k].snap[2], res[k].w, ks[k]->v };
        for (int c = 0; c < COLS; c++)
            for (int j = 0; j < K * K; j++) {
                const double v = src[c][j];
                /* 0 mid-gray, +m light, -m dark, kept off pure black and white so the numbers read */
                const float g = isfinite(v) ? (float)(0.5 + 0.4 * v / m) : 0.5f;
                const float rgb[3] = { g, g, g }, black[3] = { 0, 0, 0 };
                const int x = NAME + c * (tile + GAP) + (j % K) * CELL, y = y0 + (j / K) * CELL;
                fill_rect(im, x, y, CELL, CELL, DIM);
                fill_rect(im, x + 1, y + 1, CELL - 2, CELL - 2, rgb);
                char num[16];
                snprintf(num, sizeof num, isfinite(v) ? "%.2f" : "inf", fabs(v) < 0.005 ? 0.0 : v);
                image_draw_text(im, x + (CELL - image_text_width(num, FS)) / 2, y + CELL / 2 - 7, num, FS,
                                g > 0.5f ? black : WHITE);
            }
    }
    write_png(nb, "kernels.png", im);
    image_free(im);
    char cap[400];
    snprintf(cap, sizeof cap, "each row one kernel, named on the left: its random start, the weights after %d, %d "
             "and %d steps and after %d, and the hand-designed kernel; every weight written in its cell, and "
             "every tile on one gray scale (0 mid-gray, %.2f lightest, −%.2f darkest)", snap_step(0, steps),
             snap_step(1, steps), snap_step(2, steps), steps, m, m);
    nb_image(nb, cap, "kernels.png");
}

/* --- why centre ------------------------------------------------------------------------------ */

static void the_curvatures(Notebook *nb, const float *x, const float *xr, float lr_c, float lr_r, int steps);

static void why_centre_the_pixels(Notebook *nb, const CnKernel *const *ks, const float *x, double mean,
                                  const Learned *res, int steps, double lr_factor)
{
    const size_t NX = (size_t)NPATCH * PATCH * PATCH;
    nb_section(nb, "Why centre the pixels?");
    const CnKernel *kc = ks[4]; /* sharpen */
    float *xr = xcalloc(NX, sizeof *xr), *t = xcalloc(NX, sizeof *t);
    double msq_raw = 0.0, msq_c = 0.0;
    for (size_t i = 0; i < NX; i++) {
        xr[i] = (float)(x[i] + mean);
        msq_raw += (double)xr[i] * xr[i];
        msq_c += (double)x[i] * x[i];
    }
    msq_raw /= (double)NX;
    msq_c /= (double)NX;
    const float lr_raw = (float)(lr_factor / (K * K * msq_raw)), lr_c = (float)(lr_factor / (K * K * msq_c));
    make_targets(t, xr, kc->v, 0);
    Learned raw;
    learn(&raw, xr, t, CONV_OP_CORRELATE, steps, lr_raw, 100 + 4);
    double err_raw = max_abs_diff9(raw.w, kc->v), err_c = max_abs_diff9(res[4].w, kc->v);
    nb_para(nb, "The same experiment for %s with the raw pixels, in [0, 1] with mean %.3f, and the same rule "
                "for the step size (lr = %s1 / (9 · mean(x²)) = %.3f):", kc->title, mean,
            lr_factor == 1.0 ? "" : "your --lr's multiple of ", (double)lr_raw);
    const double *ys[2] = { res[4].loss, raw.loss };
    const char *names[2] = { "centred pixels", "raw pixels" };
    double *xs = xcalloc((size_t)raw.nloss, sizeof *xs);
    for (int i = 0; i < raw.nloss; i++) xs[i] = i * LOG_EVERY;
    CN_CHECK(plot_lines_logy(nb_path(nb, "centring.png"), nb_path(nb, "centring.dat"),
                             "Learning sharpen from centred and raw pixels", "gradient step", "loss L (log scale)",
                             names, xs, ys, 2, raw.nloss) >= 0);
    nb_plot(nb, "learning sharpen: loss against the gradient step from centred pixels and from raw pixels, log "
                "scale", "centring.png");
    lesson_goal(nb, err_raw > 100.0 * err_c,
                "after %d steps the raw-pixel layer is still %.2e away from sharpen (largest weight error), the "
                "centred one %.2e", steps, err_raw, err_c);
    char a[K][64], text[512];
    kernel_rows(a, raw.w);
    snprintf(text, sizeof text, "%s\n%s\n%s\n", a[0], a[1], a[2]);
    nb_para(nb, "The raw-pixel layer's kernel after %d steps:", steps);
    nb_code(nb, text);
    double sum = 0.0;
    for (int j = 0; j < K * K; j++) sum += raw.w[j];
    nb_para(nb, "Its weights add up to %.4f%s On raw pixels every patch is mostly its average brightness, so the "
                "loss asks one question far more loudly than the others, \"is the sum of the weights right?\", "
                "and is very steep along that direction and much flatter along the others (how the weight is "
                "shared between centre and neighbours). The step size has to be small enough for the steep "
                "direction, and is then too small for the flat ones.", sum,
            fabs(sum - 1.0) < 0.01 ? ", very nearly sharpen's 1: the first thing the layer gets right."
                                   : " (sharpen's add up to 1).");
    the_curvatures(nb, x, xr, lr_c, lr_raw, steps);
    free(xs);
    free(raw.loss);
    free(xr);
    free(t);
}

/* H (9x9) = the Hessian of the loss for a 3x3 kernel in same mode on the
 * patches x: 1/n sum_i p_i p_i^T, p_i the 3x3 neighbourhood under output
 * pixel i, zeros beyond a patch's border. */
static void patch_hessian(double *H, const float *x)
{
    const size_t n = (size_t)NPATCH * PATCH * PATCH;
    memset(H, 0, K * K * K * K * sizeof *H);
    for (int b = 0; b < NPATCH; b++)
        for (int i = 0; i < PATCH; i++)
            for (int j = 0; j < PATCH; j++) {
                double p[K * K];
                for (int m = 0; m < K * K; m++) {
                    const int yy = i + m / K - 1, xx = j + m % K - 1;
                    p[m] = yy < 0 || yy >= PATCH || xx < 0 || xx >= PATCH
                               ? 0.0 : x[((size_t)b * PATCH + (size_t)yy) * PATCH + (size_t)xx];
                }
                for (int u = 0; u < K * K; u++)
                    for (int v = 0; v < K * K; v++) H[u * K * K + v] += p[u] * p[v];
            }
    for (int u = 0; u < K * K * K * K; u++) H[u] /= (double)n;
}

/* The Hessian's eigenvalues on raw and centred pixels, and what they say. */
static void the_curvatures(Notebook *nb, const float *x, const float *xr, float lr_c, float lr_r, int steps)
{
    enum { N = K * K };
    double H[2][N * N], lam[2][N], vec[2][N * N], cosu[2];
    const float *src[2] = { xr, x };
    for (int q = 0; q < 2; q++) {
        patch_hessian(H[q], src[q]);
        CN_CHECK(sym_eigen(N, H[q], lam[q], vec[q]) >= 0);
        double dot = 0.0;   /* the steepest direction against (1, ..., 1) / 3, all weights together */
        for (int j = 0; j < N; j++) dot += vec[q][j] / 3.0;
        cosu[q] = fabs(dot);
    }
    const double kap_r = lam[0][0] / lam[0][N - 1], kap_c = lam[1][0] / lam[1][N - 1];
    steepest = lam[1][0];
    nb_para(nb, "How steep, and along which direction? The loss is a quadratic in the nine weights, so its "
                "curvature is one 9x9 matrix, the Hessian H = (1/n) Σ_i p_i p_iᵀ, p_i the nine pixels under output "
                "pixel i (zeros beyond a patch's border). Its eigenvalues are the curvatures along its nine "
                "principal directions, the steepest first; the condition number, largest over smallest, says "
                "how many times flatter the flattest direction is than the steepest:");
    const char *hdr[] = { "direction", "raw pixels", "centred pixels" };
    char txt[N + 3][3][32];
    const char *cells[(N + 3) * 3];
    for (int r = 0; r < N + 3; r++) {
        for (int q = 0; q < 2; q++) {
            const double v = r < N ? lam[q][r] : r == N ? lam[q][0] / lam[q][N - 1] : r == N + 1 ? lam[q][0] / lam[q][1]
                                                                                                   : cosu[q];
            snprintf(txt[r][q + 1], sizeof txt[r][q + 1], r < N ? "%.3e" : r == N + 2 ? "%.3f" : "%.1f", v);
        }
        if (r < N) snprintf(txt[r][0], sizeof txt[r][0], "λ%d", r + 1);
        for (int c = 0; c < 3; c++) cells[r * 3 + c] = txt[r][c];
    }
    cells[N * 3] = "condition number λ1/λ9";
    cells[(N + 1) * 3] = "steepest / next, λ1/λ2";
    cells[(N + 2) * 3] = "cosine of the steepest direction with all-equal weights";
    nb_table(nb, hdr, cells, N + 3, 3);
    lesson_goal(nb, cosu[0] > 0.95 && lam[0][0] > 5.0 * lam[0][1],
                "on raw pixels the steepest direction is all nine weights moving together (cosine %.3f with "
                "(1, ..., 1)/3): the question \"is the sum right?\", %.0f times as curved as the next direction",
                cosu[0], lam[0][0] / lam[0][1]);
    lesson_goal(nb, kap_c < 0.5 * kap_r, "centring lowers the steepest curvature from %.3g to %.3g and the condition "
                "number from %.0f to %.0f", lam[0][0], lam[1][0], kap_r, kap_c);
    /* what is true of the centred loss, said from its numbers */
    if (kap_c > 10.0) {
        lesson_goal(nb, kap_c > 10.0, "but centring does not make every direction equally curved: the condition "
                    "number is still %.0f, the steepest direction %.1f times as curved as the next, and it is still "
                    "close to all-equal weights (cosine %.3f)", kap_c, lam[1][0] / lam[1][1], cosu[1]);
        nb_para(nb, "So subtracting the mean does not remove the steep direction: it removes the photograph's "
                    "global brightness from it. What stays steep is the local average, how much brighter one "
                    "3x3 neighbourhood is than the photo as a whole: neighbouring pixels of a photograph are "
                    "alike, so that average still varies a lot from place to place%s.",
                cosu[1] > 0.9 ? "" : " (here the steepest direction has turned away from all-equal weights)");
    } else {
        nb_para(nb, "With this picture centring leaves a condition number of only %.1f: every direction is then "
                    "about equally curved.", kap_c);
    }
    /* why it is still so much faster: the flattest direction, at each one's step */
    const double slow_r = lr_r * lam[0][N - 1], slow_c = lr_c * lam[1][N - 1];
    nb_para(nb, "What centring buys is in the step sizes. The rule lr = 1/(9 · mean(x²)) follows the steepest "
                "curvature, and with momentum μ the error along a flat direction of curvature λ shrinks by about "
                "lr·λ/(1 − μ) of itself each step (while that is small), so after N steps it is multiplied by "
                "about exp(−N·lr·λ/(1 − μ)). Along the flattest direction lr·λ9 is %.2e on raw pixels and %.2e "
                "on centred ones, %.1f times more; after the %d steps of this run that leaves about %.1e of the "
                "raw layer's error along it, and %.1e of the centred one's. Centring is the cheap part of "
                "whitening (turning every principal direction to the same curvature, condition number 1). This "
                "is why networks normalise their inputs (lesson 08 does it for the digits).", slow_r, slow_c,
            slow_c / slow_r, steps, exp(-steps * slow_r / (1.0 - mom)), exp(-steps * slow_c / (1.0 - mom)));
}

/* --- convolution or correlation ---------------------------------------------------------------- */

static void convolution_or_correlation(Notebook *nb, const CnKernel *const *ks, const float *x, int steps, float lr)
{
    const size_t NX = (size_t)NPATCH * PATCH * PATCH;
    nb_section(nb, "Convolution or correlation: which kernel did it learn?");
    const CnKernel *sob = ks[NK - 1];
    float krot[K * K];
    kernel_rot180(krot, sob->v, K, K);
    nb_para(nb, "Lesson 02 showed that true convolution with k is correlation with rot180(k), the kernel "
                "turned by 180 degrees. So what a layer learns depends on which operation made the examples "
                "and which one the layer computes. Sobel x is antisymmetric: rot180(Sobel x) = −Sobel x.");
    int sym = 1;
    for (int k = 0; k < KERNEL_SEED_COUNT; k++) {
        float r[K * K];
        kernel_rot180(r, ks[k]->v, K, K);
        sym &= max_abs_diff9(r, ks[k]->v) == 0.0;
    }
    double anti = 0.0;
    for (int j = 0; j < K * K; j++) anti = fmax(anti, fabs(krot[j] + sob->v[j]));
    nb_check(nb, sym && anti == 0.0,
             "all six seed kernels equal their own 180° rotation, and rot180(Sobel x) = −Sobel x exactly: for "
             "the seed's kernels the question cannot even be asked, for Sobel it can");
    const char *opname[2] = { "cross-correlation", "true convolution" };
    const char *layername[2] = { "correlate", "convolve" };
    const char *hdr[] = { "examples made by", "layer mode", "learned ≈", "|learned − Sobel x|",
                          "|learned − rot180(Sobel x)|" };
    char txt[4][3][32];
    const char *cells[4 * 5];
    Learned L4[4];
    for (int op = 0; op < 2; op++)
        for (int lm = 0; lm < 2; lm++) {
            int i = op * 2 + lm;
            float *t = xcalloc(NX, sizeof *t);
            make_targets(t, x, sob->v, op);
            learn(&L4[i], x, t, lm ? CONV_OP_CONVOLVE : CONV_OP_CORRELATE, steps, lr, 200 + (uint64_t)i);
            free(t);
            double e_k = max_abs_diff9(L4[i].w, sob->v), e_r = max_abs_diff9(L4[i].w, krot);
            snprintf(txt[i][0], sizeof txt[i][0], "%s", e_k < e_r ? "Sobel x" : "rot180(Sobel x) = −Sobel x");
            snprintf(txt[i][1], sizeof txt[i][1], "%.2e", e_k);
            snprintf(txt[i][2], sizeof txt[i][2], "%.2e", e_r);
            cells[i * 5] = opname[op];
            cells[i * 5 + 1] = layername[lm];
            cells[i * 5 + 2] = txt[i][0];
            cells[i * 5 + 3] = txt[i][1];
            cells[i * 5 + 4] = txt[i][2];
        }
    nb_table(nb, hdr, cells, 4, 5);
    /* the case the brief of this lesson is about: convolved examples, correlating layer */
    char a[K][64], b[K][64], c[K][64], text[1024];
    kernel_rows(a, L4[2].w);
    kernel_rows(b, sob->v);
    kernel_rows(c, krot);
    int used = snprintf(text, sizeof text, "%-30s  %-30s  %s\n", "learned (correlate layer)", "Sobel x",
                        "rot180(Sobel x)");
    for (int r = 0; r < K && used > 0 && (size_t)used < sizeof text; r++)
        used += snprintf(text + used, sizeof text - (size_t)used, "%-30s  %-30s  %s\n", a[r], b[r], c[r]);
    nb_para(nb, "Examples made by true convolution with Sobel x, learned by a layer that correlates, as every "
                "deep-learning library's \"convolution\" layer does:");
    nb_code(nb, text);
    for (int op = 0; op < 2; op++)
        for (int lm = 0; lm < 2; lm++) {
            int i = op * 2 + lm;
            const float *want = op == lm ? sob->v : krot;
            double e = max_abs_diff9(L4[i].w, want);
            lesson_goal(nb, e < TOL,
                        "examples by %s, %s layer: it learns %s (largest weight error %.2e)", opname[op],
                        layername[lm], op == lm ? "Sobel x itself" : "rot180(Sobel x) = −Sobel x", e);
        }
    const double fit = fmax(L4[2].final_loss, L4[3].final_loss);
    nb_para(nb, "Same mode, same kernel; different modes, the kernel turned around. %s (final losses %.1e and "
                "%.1e for the convolved examples): the two layers compute the same function, only the weights are "
                "stored in a different order. This is why it does not matter that CNN layers correlate while the "
                "textbooks convolve: a layer learns whatever orientation its own loop needs.",
            fit < 1e-9 ? "Both layers fit the examples to the limit of 32-bit floats"
                       : "Neither layer has finished learning with these settings, but both head for the same fit",
            L4[2].final_loss, L4[3].final_loss);
    for (int i = 0; i < 4; i++) free(L4[i].loss);
}

/* --- try it yourself ---------------------------------------------------------------------------- */

static void try_it_yourself(Notebook *nb)
{
    nb_section(nb, "Try it yourself");
    const double limit = 2.0 * (1.0 + mom) / steepest;   /* the largest stable lr along λ1 */
    nb_para(nb, "- Fewer steps: build/lessons/" LESSON_ID " --steps 100, and see which kernels are not there yet "
                "(the claims they miss are marked \"not reached with these settings\"; the loss curves tell you "
                "in advance).\n"
                "- Plain gradient descent: --momentum 0, and see how many more steps it needs (try --steps 5000).\n"
                "- Another step size: with this picture and momentum, any --lr below 2·(1 + μ)/λ1 = %.2f settles "
                "(λ1 from the table in \"Why centre the pixels?\"); try --lr %.1f, just above it, and watch the "
                "loss blow up.\n"
                "- Your own picture: --image FILE (PNG or JPEG, at least 48x48): do its Hessian's eigenvalues "
                "look like the photograph's?", limit, ceil(limit * 10.0 * 1.05) / 10.0);
}

/* --- helpers ------------------------------------------------------------------------------------ */

static void read_flags(int argc, char **argv, Settings *set)
{
    CliOpt opts[] = {
        { "quick", OPT_FLAG, &set->quick, "a few seconds: 600 gradient steps per kernel instead of 1,500" },
        { "steps", OPT_INT, &set->steps, "N: gradient steps per kernel (default 1500; 600 with --quick)" },
        { "lr", OPT_FLOAT, &set->lr, "X: learning rate (default 1 / (9 mean(x²)) of the centred pixels)" },
        { "momentum", OPT_FLOAT, &set->momentum, "M: momentum, 0 for plain gradient descent" },
        { "image", OPT_STRING, &set->image, "FILE: your own picture (PNG or JPEG, at least 48x48) instead of the photograph" },
        { "naive", OPT_FLAG, &set->naive, LESSON_NAIVE_HELP },
    };
    cli_lesson(argc, argv, opts, 6, LESSON_ID,
               "Lesson 05: learning a filter. A convolution layer learns each hand-designed kernel from (photo, "
               "filtered photo) pairs by gradient descent; true convolution vs correlation in learning.");
    const int dflt = set->quick ? 600 : 1500;
    cli_int_or(&set->steps, dflt, 10, 100000, "steps", "gradient steps");
    if (!isnan(set->lr)) cli_float_in(set->lr, 0.0f, 1, 100.0f, 0, "lr", "a learning rate");
    cli_float_in(set->momentum, 0.0f, 0, 1.0f, 1, "momentum", "a momentum");
    /* the claims about convergence are made for the defaults; elsewhere they are goals (goals.h) */
    lesson_explore(set->steps != dflt || !isnan(set->lr) || set->momentum != MOMENTUM || set->image);
}

/* The lesson's photograph shrunk to SIDE x SIDE (see shrink_square), with its
 * size before and the side of the blocks averaged. */
static float *load_photo(const char *image, int *orig_w, int *orig_h, int *factor)
{
    CnImage *img = load_lesson_photo(image, 1);
    *orig_w = img->w, *orig_h = img->h, *factor = (*orig_h < *orig_w ? *orig_h : *orig_w) / SIDE;
    float *photo = shrink_square(img, SIDE);
    if (!photo)
        CN_DIE("the picture %s is %dx%d pixels; the lesson needs at least %dx%d", image ? image : lesson_photo_path(),
               *orig_w, *orig_h, SIDE, SIDE);
    image_free(img);
    return photo;
}

static double max_abs_diff9(const float *a, const float *b)
{
    double d = 0.0;
    for (int i = 0; i < K * K; i++) d = fmax(d, fabs((double)a[i] - (double)b[i]));
    return d;
}

/* A side x side gray picture from im: average f x f blocks, f = the largest
 * whole factor that leaves both sides >= side, then keep the central
 * side x side. NULL if im is smaller than side. */
static float *shrink_square(const CnImage *im, int side)
{
    int f = (im->h < im->w ? im->h : im->w) / side;
    if (f < 1) return NULL;
    int y0 = (im->h / f - side) / 2, x0 = (im->w / f - side) / 2;
    float *s = xcalloc((size_t)side * (size_t)side, sizeof *s);
    for (int y = 0; y < side; y++)
        for (int x = 0; x < side; x++) {
            double acc = 0.0;
            for (int dy = 0; dy < f; dy++)
                for (int dx = 0; dx < f; dx++)
                    acc += im->data[(size_t)((y0 + y) * f + dy) * (size_t)im->w + (size_t)((x0 + x) * f + dx)];
            s[(size_t)y * (size_t)side + (size_t)x] = (float)(acc / (f * f));
        }
    return s;
}

/* A kernel as three lines of text "[ a  b  c ]", for printing side by side. */
static void kernel_rows(char rows[K][64], const float *k)
{
    for (int r = 0; r < K; r++) {
        char cell[K][16];
        for (int c = 0; c < K; c++) {
            double v = k[r * K + c];
            snprintf(cell[c], sizeof cell[c], "%8.4f", fabs(v) < 5e-5 ? 0.0 : v);
        }
        snprintf(rows[r], 64, "[%s%s%s ]", cell[0], cell[1], cell[2]);
    }
}

/* --- the examples ------------------------------------------------------------------- */

/* t (B,1,P,P) = each patch of x (B,1,P,P) filtered by k in same mode, by
 * cross-correlation (convolve 0) or true convolution (convolve 1). */
static void make_targets(float *t, const float *x, const float *k, int convolve)
{
    for (int b = 0; b < NPATCH; b++) {
        const float *xb = x + (size_t)b * PATCH * PATCH;
        float *tb = t + (size_t)b * PATCH * PATCH;
        int rc = convolve ? convolve2d_border(tb, xb, PATCH, PATCH, k, K, K, CONV_BORDER_SAME, 1)
                          : correlate2d_border(tb, xb, PATCH, PATCH, k, K, K, CONV_BORDER_SAME, 1);
        CN_CHECK(rc == 0);
    }
}

/* --- learning -------------------------------------------------------------------------- */

/* Learn a 3x3 kernel from (x, t) with a Conv2d layer (1 in, 1 out, padding 1,
 * bias left at 0) in mode `mode`, by `steps` steps of gradient descent with
 * momentum from random weights drawn with `seed`. */
static void learn(Learned *out, const float *x, const float *t, ConvOp mode, int steps, float lr, uint64_t seed)
{
    const size_t n = (size_t)NPATCH * PATCH * PATCH;
    Layer *conv = conv2d_create(1, K, K, 1, (K - 1) / 2, 1, mode);
    CN_CHECK(conv);
    CN_CHECK(layer_setup(conv, (CnShape){ 1, PATCH, PATCH }) == 0);
    Rng r;
    rng_seed(&r, seed, 5);
    layer_init(conv, INIT_XAVIER, &r);
    float *w = conv->param[0].value, *g = conv->param[0].grad;
    memcpy(out->start, w, sizeof out->start);
    float *y = xcalloc(n, sizeof *y), *dy = xcalloc(n, sizeof *dy);
    float v[K * K] = { 0 };
    out->nloss = steps / LOG_EVERY + 1;
    out->loss = xcalloc((size_t)out->nloss, sizeof *out->loss);
    for (int s = 0; s <= steps; s++) {
        conv->ops->forward(conv, y, x, NPATCH);
        /* the loss and its gradient, the two lines of this lesson:
         *   L = 1/(2n) sum_i (y_i - t_i)^2        dL/dy_i = (y_i - t_i) / n */
        double L = 0.0;
        for (size_t i = 0; i < n; i++) {
            double d = (double)y[i] - (double)t[i];
            L += d * d;
            dy[i] = (float)(d / (double)n);
        }
        L /= 2.0 * (double)n;
        if (s % LOG_EVERY == 0) out->loss[s / LOG_EVERY] = L;
        if (s == steps || !(L < 1e30)) {   /* the end, or a step size that made the loss blow up */
            out->final_loss = L;
            for (int q = s / LOG_EVERY + 1; q < out->nloss; q++) out->loss[q] = NAN;   /* a gap in the plot */
            break;
        }
        /* the layer turns dL/dy into dL/dw (and would give dL/dbias, which we ignore: the bias stays 0) */
        layer_zero_grad(conv);
        conv->ops->backward(conv, NULL, dy, x, y, NPATCH);
        /* gradient descent with momentum: v = mu v - lr dL/dw, w = w + v */
        for (int j = 0; j < K * K; j++) {
            v[j] = mom * v[j] - lr * g[j];
            w[j] += v[j];
        }
        for (int q = 0; q < 3; q++)
            if (s + 1 == snap_step(q, steps)) memcpy(out->snap[q], w, sizeof out->snap[q]);
    }
    memcpy(out->w, w, sizeof out->w);
    free(y);
    free(dy);
    layer_free(conv);
}
