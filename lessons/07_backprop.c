/* 07_backprop.c - lesson 07: backpropagation by hand.
 *
 * A tiny network, conv (4 filters 5x5) -> ReLU -> max pool 2x2/2 -> dense ->
 * softmax, on 16x16 pictures of bars. One forward and one backward pass
 * printed layer by layer: the shapes, a few numbers, and the chain-rule step
 * each layer applies, in words and as a formula, with one entry of every
 * gradient recomputed by hand. Then every gradient of every layer checked
 * against central differences. Then the network is trained to tell
 * horizontal bars from vertical ones, and its filters, random at first, turn
 * into edge detectors, compared with the hand-designed edge kernels of
 * lesson 01 by normalized correlation.
 *
 *   build/lessons/07_backprop            the full lesson
 *   build/lessons/07_backprop --quick    fewer training pictures and epochs
 *   build/lessons/07_backprop --help     the flags to explore with (epochs, seed, lr, momentum)
 */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/activation.h"
#include "core/conv.h"
#include "core/conv_layer.h"
#include "core/dense.h"
#include "core/die.h"
#include "core/error.h"
#include "core/image.h"
#include "core/kernels.h"
#include "core/loss.h"
#include "core/net.h"
#include "core/notebook.h"
#include "core/optim.h"
#include "core/plot.h"
#include "core/pool.h"
#include "core/rng.h"
#include "lessons/kit/bars.h"
#include "lessons/kit/cli.h"
#include "lessons/kit/draw.h"
#include "lessons/kit/goals.h"
#include "lessons/kit/gradcheck.h"
#include "lessons/kit/layers.h"
#include "lessons/kit/loops.h"
#include "lessons/kit/ncc.h"
#include "lessons/kit/report.h"
#include "lessons/lesson.h"

#define LESSON_ID "07_backprop"
#define S 16           /* pictures are S x S */
#define NF 4           /* filters in the convolution layer */
#define KS 5           /* filter side */
#define NCLASS 2
#define CHECK_B 2      /* samples in the walk-through and the gradient check */
#define EPS 1e-3       /* central-difference step */
#define BATCH 32
#define WEIGHT_DECAY 5e-3f
#define LR 0.02f       /* the default learning rate (--lr) */
#define MOMENTUM 0.9f  /* the default momentum (--momentum) */
#define SEED 6         /* the default seed (--seed) */

/* What the learner can change on the command line. */
typedef struct {
    int quick, epochs, seed, naive;
    float lr, momentum;
} Settings;

/* The sections of the lesson, in the order main() tells them. */
static void the_network(Notebook *nb, Net *net);
static void the_task(Notebook *nb, Bars *d, int seed);
static void one_forward_pass(Notebook *nb, Net *net, const float *xb, const unsigned char *yb, float *probs);
static void one_backward_pass(Notebook *nb, Net *net, const float *xb, const unsigned char *yb, const float *probs,
                              float *dlogits);
static void check_every_gradient(Notebook *nb, Net *net, const float *xb, const unsigned char *yb,
                                 const float *dlogits);
static void train_on_bars(Notebook *nb, Net *net, const Bars *d, const Settings *set, float *before);
static void what_the_filters_learned(Notebook *nb, Net *net, const Bars *d, const float *before);
static void try_it_yourself(Notebook *nb);
static void read_flags(int argc, char **argv, Settings *set);
static Net *build_net(int seed);

int main(int argc, char **argv)
{
    Settings set = { .epochs = CLI_UNSET, .seed = SEED, .lr = LR, .momentum = MOMENTUM };
    read_flags(argc, argv, &set);
    lesson_choose_loops(set.naive);
    const int seed = set.seed;
    Bars d = { .side = S, .ntrain = set.quick ? 3000 : 4000, .ntest = 1000 };

    Notebook *nb = nb_open(LESSON_ID, "Lesson 07 — Backpropagation by hand");
    CN_CHECK(nb);
    Net *net = build_net(seed);

    the_network(nb, net);
    the_task(nb, &d, seed);
    /* the walk-through and the gradient check: the first CHECK_B training pictures, one of each class */
    const float *xb = d.xtr;
    const unsigned char *yb = d.ytr;
    float probs[CHECK_B * NCLASS], dlogits[CHECK_B * NCLASS];
    one_forward_pass(nb, net, xb, yb, probs);
    one_backward_pass(nb, net, xb, yb, probs, dlogits);
    check_every_gradient(nb, net, xb, yb, dlogits);
    float before[NF * KS * KS];   /* the filters before training */
    train_on_bars(nb, net, &d, &set, before);
    what_the_filters_learned(nb, net, &d, before);
    try_it_yourself(nb);

    net_free(net);
    bars_free(&d);
    return lesson_end(nb);
}

enum { L_CONV, L_RELU, L_POOL, L_FC, NLAYER };   /* the layers of the network, in order */
enum { NBANK = 5 };    /* hand-designed kernels the trained filters are compared with */

static const char *const class_names[NCLASS] = { "horizontal", "vertical" };
/* the columns of the feature-map pictures: input, filter, then the maps of conv1, relu1 and pool1 */
static const char *const map_heads[NLAYER + 1] = { "input", "", "conv", "ReLU", "pool" };

/* Helpers, defined after the sections. */

/* --- the network ------------------------------------------------------------------------- */

static void the_network(Notebook *nb, Net *net)
{
    nb_section(nb, "The network");
    nb_para(nb, "Lesson 05 trained one layer whose right answer was known. A real network is a chain of layers, "
                "and only the last one is told what the answer should be. Backpropagation is how the others "
                "learn what they should have done: the chain rule of calculus, applied one layer at a time from "
                "the top down. This lesson does it on the smallest network that has every kind of layer of a "
                "CNN:");
    network_summary(nb, net);
    nb_para(nb, "A 16x16 picture goes through %d filters of 5x5 (valid: 12x12 maps), ReLU, max pooling 2x2/2 "
                "(6x6), and a dense layer that turns the 144 pooled numbers into 2 scores, one per class. "
                "Softmax turns the scores into probabilities and the loss is the cross-entropy.", NF);
}

/* --- the task --------------------------------------------------------------------------- */

static void the_task(Notebook *nb, Bars *d, int seed)
{
    const int ntrain = d->ntrain, ntest = d->ntest;
    nb_section(nb, "The task: horizontal or vertical?");
    bars_fill(d, 10 * (uint64_t)seed + 1, 10 * (uint64_t)seed + 2);
    nb_para(nb, "Each picture holds one bar, horizontal or vertical, 2 to 5 pixels thick and 8 to 14 long, at a "
                "random place, brighter or darker than the background at random, in noise of standard deviation "
                "0.3, all drawn from the seeded generator of core/rng.h. %d pictures to train on, %d others to "
                "test on, half of each class.", ntrain, ntest);
    enum { NSHOW = 16 };
    const char *lab[NSHOW];
    for (int i = 0; i < NSHOW; i++) lab[i] = class_names[d->ytr[i]];
    MontageOptions mo = montage_labelled(8, 5, 6, MAP_SYMMETRIC, lab, 1);
    mo.shared_range = 1;
    CN_CHECK(image_montage_write_png_opts(nb_path(nb, "bars.png"), d->xtr, NSHOW, 1, S, S, &mo) == 0);
    nb_image(nb, "the first 16 training pictures with their labels (0 mid-gray, brighter lighter, darker darker, "
                 "one scale for all)", "bars.png");
}

/* --- forward ----------------------------------------------------------------------------- */

static void one_forward_pass(Notebook *nb, Net *net, const float *xb, const unsigned char *yb, float *probs)
{
    nb_section(nb, "One forward pass, layer by layer");
    const float *logits = net_forward(net, xb, CHECK_B);
    CN_CHECK(logits);
    float loss = softmax_ce_forward(probs, logits, yb, CHECK_B, NCLASS);
    CN_CHECK(isfinite(loss));
    char buf[256];
    nb_para(nb, "Two pictures go through at once (a batch of B = %d): the first is %s, the second %s. For "
                "the first one:", CHECK_B, class_names[yb[0]], class_names[yb[1]]);
    char list[4096];
    int used = snprintf(list, sizeof list, "- input x: 1x16x16 per picture; first numbers %s",
                        first_numbers(buf, sizeof buf, xb, 4, S * S));
    for (int i = 0; i < NLAYER; i++) {
        const Layer *L = net_layer(net, i);
        const float *a = net_output(net, i);
        int n = (int)shape_size(L->out);
        static const char *const what[NLAYER] = {
            "each of the 4 filters slid over the picture (valid mode)",
            "negative numbers set to 0",
            "the largest of each 2x2 block",
            "144 numbers in, 2 scores out: z = W x + b",
        };
        if (used > 0 && (size_t)used < sizeof list)
            used += snprintf(list + used, sizeof list - (size_t)used, "\n- %s (%s): %dx%dx%d per picture, %s; "
                             "first numbers %s", L->label, L->ops->kind, L->out.c, L->out.h, L->out.w, what[i],
                             first_numbers(buf, sizeof buf, a, 4, n));
    }
    if (used > 0 && (size_t)used < sizeof list)
        snprintf(list + used, sizeof list - (size_t)used, "\n- softmax: p = (%.4f, %.4f), so the network gives the "
                 "right class (%s) a probability of %.4f; the loss, the mean of −log p(right class) over the two "
                 "pictures, is %.4f (a network that guesses 50:50 scores log 2 = 0.6931).", (double)probs[0],
                 (double)probs[1], class_names[yb[0]], (double)probs[yb[0]], (double)loss);
    nb_para(nb, "%s", list);
    filter_rows(nb, "forward_maps.png", net, xb, 0, NLAYER - 1, map_heads, 6);
    nb_image(nb, "the first picture through the network with its random starting filters, one row per filter: "
                 "the input, the filter, its conv map (12x12), after ReLU, after pooling (6x6); each column "
                 "on one gray scale, the input, filter and conv map symmetric around mid-gray (0 gray, positive "
                 "lighter, negative darker), the ReLU and pool maps from 0 black to their largest value white", "forward_maps.png");
}

/* --- backward ---------------------------------------------------------------------------- */

static void softmax_ce_gradient(Notebook *nb, const unsigned char *yb, const float *probs, const float *dlogits);
static void dense_gradient(Notebook *nb, Net *net, const float *dlogits);
static void max_pool_gradient(Notebook *nb, Net *net);
static void relu_gradient(Notebook *nb, Net *net);
static void conv_gradient(Notebook *nb, Net *net, const float *xb);

static void one_backward_pass(Notebook *nb, Net *net, const float *xb, const unsigned char *yb, const float *probs,
                              float *dlogits)
{
    nb_section(nb, "One backward pass, layer by layer");
    nb_para(nb, "The backward pass answers one question for every number in the network: if it were a little "
                "larger, how much would the loss change? That is the gradient dL/d(number). It starts at the "
                "top, where the answer is simple, and each layer turns the gradient of its output into the "
                "gradient of its input (and of its weights) by the chain rule: if y depends on x, then "
                "dL/dx = dL/dy · dy/dx, summed over every y that x touches.");
    for (int i = 0; i < CHECK_B * NCLASS; i++) dlogits[i] = 0.0f;
    softmax_ce_backward(dlogits, probs, yb, CHECK_B, NCLASS);
    net_zero_grad(net);
    CN_CHECK(net_backward(net, dlogits, CHECK_B) == 0);
    softmax_ce_gradient(nb, yb, probs, dlogits);
    dense_gradient(nb, net, dlogits);
    max_pool_gradient(nb, net);
    relu_gradient(nb, net);
    conv_gradient(nb, net, xb);
}

static void softmax_ce_gradient(Notebook *nb, const unsigned char *yb, const float *probs, const float *dlogits)
{
    nb_para(nb, "Softmax and cross-entropy, 2 scores z → loss L. With p = softmax(z) and y the right class, "
                "L = −log p_y, and the derivative works out to the neatest formula in deep learning:");
    nb_code(nb, "dL/dz_k = (p_k − [k = y]) / B        ([k = y] is 1 for the right class, else 0; B = 2 "
                "because the loss is the mean over the batch)");
    double by_hand = ((double)probs[0] - (yb[0] == 0)) / CHECK_B;
    nb_check(nb, fabs(by_hand - dlogits[0]) < 1e-7,
             "first picture, score 0: (%.4f − %d) / %d = %+.5f by hand, %+.5f from softmax_ce_backward",
             (double)probs[0], yb[0] == 0, CHECK_B, by_hand, (double)dlogits[0]);
    nb_para(nb, "In words: push the right class's score up by how far its probability is from 1, push every "
                "other score down by its probability.");
}

static void dense_gradient(Notebook *nb, Net *net, const float *dlogits)
{
    char buf[256];
    const Layer *fc = net_layer(net, L_FC), *pool = net_layer(net, L_POOL);
    const float *a_pool = net_output(net, L_POOL), *g_pool = net->grad[L_POOL];
    const int NP = (int)shape_size(pool->out);
    const float *W = fc->param[0].value, *dW = fc->param[0].grad, *db = fc->param[1].grad;
    nb_para(nb, "Dense layer, 144 numbers x → 2 scores z = W x + b. Each weight W[o][i] multiplies x_i into "
                "score o, so:");
    nb_code(nb, "dL/dx_i    = Σ_o dL/dz_o · W[o][i]        (the gradient flows back through the same weights)\n"
                "dL/dW[o][i] = Σ_n dL/dz[n][o] · x[n][i]    (summed over the pictures of the batch)\n"
                "dL/db_o    = Σ_n dL/dz[n][o]");
    int i0 = 0;
    for (int i = 0; i < NP; i++)
        if (fabsf(a_pool[i]) > fabsf(a_pool[i0])) i0 = i;
    double dx_hand = 0.0, dw_hand = 0.0, db_hand = 0.0;
    for (int o = 0; o < NCLASS; o++) dx_hand += (double)dlogits[o] * W[(size_t)o * NP + (size_t)i0];
    for (int n = 0; n < CHECK_B; n++) {
        dw_hand += (double)dlogits[n * NCLASS + 1] * a_pool[(size_t)n * NP + (size_t)i0];
        db_hand += dlogits[n * NCLASS + 1];
    }
    nb_check(nb, fabs(dx_hand - g_pool[i0]) < 1e-6 && fabs(dw_hand - dW[NP + i0]) < 1e-6 &&
                     fabs(db_hand - db[1]) < 1e-6,
             "by hand for input %d of the first picture: dL/dx = %+.6f (library %+.6f); dL/dW[1][%d] = %+.6f "
             "(library %+.6f); dL/db_1 = %+.6f (library %+.6f)", i0, dx_hand, (double)g_pool[i0], i0, dw_hand,
             (double)dW[NP + i0], db_hand, (double)db[1]);
    nb_para(nb, "dL/dx for the first picture (the gradient handed down to the pooling layer): %s",
            first_numbers(buf, sizeof buf, g_pool, 6, NP));
}

static void max_pool_gradient(Notebook *nb, Net *net)
{
    const Layer *conv = net_layer(net, L_CONV), *pool = net_layer(net, L_POOL);
    const float *a_relu = net_output(net, L_RELU), *g_relu = net->grad[L_RELU], *g_pool = net->grad[L_POOL];
    const int OH = conv->out.h, PH = pool->out.h;
    nb_para(nb, "Max pooling, 4x12x12 → 4x6x6. Each output is one of the four numbers of its window, the "
                "largest: that number's derivative is 1 and the other three's is 0. So the gradient of each "
                "output goes back, whole, to the position of its window's maximum; the other three positions "
                "get nothing (they did not influence the output at all).");
    nb_code(nb, "dL/dx[window max] = dL/dy        dL/dx[other 3] = 0");
    int routed = 0, windows = 0;
    for (int n = 0; n < CHECK_B; n++)
        for (int f = 0; f < NF; f++)
            for (int py = 0; py < PH; py++)
                for (int px = 0; px < PH; px++) {
                    const size_t plane = ((size_t)n * NF + f) * OH * OH;
                    int best = -1;
                    float bv = -INFINITY;
                    for (int dy = 0; dy < 2; dy++)
                        for (int dx = 0; dx < 2; dx++) {
                            int at = (2 * py + dy) * OH + 2 * px + dx;
                            if (a_relu[plane + (size_t)at] > bv) bv = a_relu[plane + (size_t)at], best = at;
                        }
                    float gy = g_pool[((size_t)n * NF + f) * PH * PH + (size_t)py * PH + (size_t)px];
                    int ok = 1;
                    for (int dy = 0; dy < 2; dy++)
                        for (int dx = 0; dx < 2; dx++) {
                            int at = (2 * py + dy) * OH + 2 * px + dx;
                            ok &= g_relu[plane + (size_t)at] == (at == best ? gy : 0.0f);
                        }
                    routed += ok;
                    windows++;
                }
    nb_check(nb, routed == windows,
             "in all %d of %d windows the whole gradient sits at the window's maximum (the first one, if "
             "several tie) and the other three positions hold 0", routed, windows);
    float corner_a[16], corner_g[16];
    for (int yy = 0; yy < 4; yy++)
        for (int xx = 0; xx < 4; xx++) {
            corner_a[yy * 4 + xx] = a_relu[(size_t)yy * OH + (size_t)xx];
            corner_g[yy * 4 + xx] = g_relu[(size_t)yy * OH + (size_t)xx];
        }
    nb_matrix(nb, "first picture, map 1, top-left 4x4 (four 2x2 windows): the ReLU outputs", corner_a, 4, 4, 3);
    nb_matrix(nb, "and the gradient pooling hands back: nonzero only at each window's maximum (in a window of equal "
                    "values, at the first)", corner_g, 4, 4, 5);
}

static void relu_gradient(Notebook *nb, Net *net)
{
    const Layer *conv = net_layer(net, L_CONV);
    const float *a_relu = net_output(net, L_RELU), *g_conv = net->grad[L_CONV], *g_relu = net->grad[L_RELU];
    const int NC = (int)shape_size(conv->out);
    int zeros = 0, ok_relu = 1;
    for (int i = 0; i < CHECK_B * NC; i++) {
        float want = a_relu[i] > 0.0f ? g_relu[i] : 0.0f;
        ok_relu &= g_conv[i] == want;
        zeros += a_relu[i] == 0.0f;
    }
    nb_para(nb, "ReLU, y = max(0, a), element by element. Its slope is 1 where a > 0 and 0 where a ≤ 0:");
    nb_code(nb, "dL/da = dL/dy · [y > 0]");
    nb_check(nb, ok_relu,
             "all %d entries follow the rule; %d of them (%.0f%%) were cut to 0 by ReLU and pass no gradient "
             "back: those units had no say in this output", CHECK_B * NC, zeros, 100.0 * zeros / (CHECK_B * NC));
}

static void conv_gradient(Notebook *nb, Net *net, const float *xb)
{
    const Layer *conv = net_layer(net, L_CONV);
    const float *g_conv = net->grad[L_CONV];
    const int OH = conv->out.h;
    nb_para(nb, "Convolution, 1x16x16 → 4x12x12, y[o][i][j] = b_o + Σ_(m,k) w[o][m][k] · x[i+m][j+k]. Weight "
                "w[o][m][k] is used at every output position, each time multiplying a different input pixel, "
                "so its gradient is a sum over all 144 positions (and both pictures). The input pixel x[r][c] "
                "is used by every output whose window covers it:");
    nb_code(nb, "dL/dw[o][m][k] = Σ_n Σ_(i,j) dL/dy[n][o][i][j] · x[n][i+m][j+k]     correlate x with dL/dy\n"
                "dL/db_o        = Σ_n Σ_(i,j) dL/dy[n][o][i][j]\n"
                "dL/dx[r][c]    = Σ_o Σ_(m,k) dL/dy[o][r−m][c−k] · w[o][m][k]       convolve dL/dy with w");
    nb_para(nb, "The last line is a true convolution (lesson 02): the kernel walks backwards. Correlation "
                "going forward, convolution coming back.");
    const int o0 = 2, m0 = 1, k0 = 3;
    double dw = 0.0, dbb = 0.0;
    for (int n = 0; n < CHECK_B; n++)
        for (int i = 0; i < OH; i++)
            for (int j = 0; j < OH; j++) {
                double g = g_conv[((size_t)n * NF + o0) * OH * OH + (size_t)i * OH + (size_t)j];
                dw += g * xb[(size_t)n * S * S + (size_t)(i + m0) * S + (size_t)(j + k0)];
                dbb += g;
            }
    const float *cw = conv->param[0].grad, *cb = conv->param[1].grad;
    nb_check(nb, fabs(dw - cw[(o0 * KS + m0) * KS + k0]) < 1e-6 && fabs(dbb - cb[o0]) < 1e-6,
             "by hand: dL/dw[%d][%d][%d] = %+.6f (library %+.6f), dL/db_%d = %+.6f (library %+.6f)", o0, m0, k0,
             dw, (double)cw[(o0 * KS + m0) * KS + k0], o0, dbb, (double)cb[o0]);
    nb_para(nb, "Here are those three sums as the library writes them, the reference loops of the convolution "
                "layer (taken from the source when this lesson ran; the fast loops of core/conv_fast.c compute "
                "the same sums, and the tests hold them to these). Every term w · x of the forward sum sends "
                "w · dy back to x and x · dy to w:");
    if (nb_code_from_source(nb, "core/conv_layer.c", "conv2d_backward_naive"))
        nb_para(nb, "Read it with this layer's sizes: one input map and no groups (C = 1: j is 0 and every link "
                    "is on), stride 1 and no padding (window_at gives rows r0 + m = oy + m and columns c0 + k = "
                    "ox + k), tap(g, m, k) the weight's index m·KW + k (a layer in convolve mode would read the "
                    "kernel turned by 180°). The first loop nest is dL/dx, the second dL/dw and dL/db.");
}

/* --- gradient check ------------------------------------------------------------------------ */

static void table_and_kinks(Notebook *nb, const GradRow *rows, int nrow);

static void check_every_gradient(Notebook *nb, Net *net, const float *xb, const unsigned char *yb,
                                 const float *dlogits)
{
    Layer *conv = net_layer(net, L_CONV);
    nb_section(nb, "Every gradient checked against central differences");
    nb_para(nb, "The formulas above can be checked without calculus: nudge one number by ±ε = %g, run the network "
                "forward again, and see how the loss moves:", EPS);
    nb_code(nb, "dL/dv ≈ (L(v + ε) − L(v − ε)) / (2ε)");
    nb_para(nb, "Every entry of every gradient of the two pictures is checked this way: each layer's weights and "
                "biases, and the gradient each layer hands down to the one below (for an input gradient the "
                "forward pass restarts at that layer). The loss is summed in double; an entry passes when "
                "|analytic − numeric| ≤ 0.001 · (largest |gradient| of its array) + 0.01 · |numeric|.");
    /* dL/dx of the first layer: not needed for training, so net_backward
     * skips it; the conv kernel computes it on request */
    float *dx0 = xcalloc((size_t)S * S * CHECK_B, sizeof(float));
    const Conv2d *cv = conv2d_of(conv);
    CN_CHECK(cv);
    const Conv2dGeom geom = conv2d_geom(cv, CHECK_B);
    conv2d_backward(dx0, NULL, NULL, net->grad[L_CONV], xb, conv->param[0].value, NULL, &geom);

    GradCheck *g = gradcheck_create(net, xb, yb, CHECK_B, EPS);
    GradRow rows[9];
    int nrow = 0;
    /* the top: dL/dlogits */
    rows[nrow] = (GradRow){ .layer = "softmax + cross-entropy", .what = "dL/dz (scores)" };
    gradcheck_input(g, &rows[nrow++], NLAYER, dlogits);
    /* each layer's input gradient (the forward passes restart at that layer), then its parameters */
    static const char *const dxname[NLAYER] = { "dL/dx (the pictures)", "dL/dx (conv output)",
                                                "dL/dx (ReLU output)", "dL/dx (pooled maps)" };
    for (int i = NLAYER - 1; i >= 0; i--) {
        Layer *L = net_layer(net, i);
        rows[nrow] = (GradRow){ .layer = L->label, .what = dxname[i] };
        gradcheck_input(g, &rows[nrow++], i, i == 0 ? dx0 : net->grad[i - 1]);
        for (int p = 0; p < L->nparam; p++) {
            const char *what = !strcmp(L->param[p].name, "weight") ? "dL/dW (weights)" : "dL/db (biases)";
            rows[nrow] = (GradRow){ .layer = L->label, .what = what };
            gradcheck_param(g, &rows[nrow++], i, p, L->param[p].grad);
        }
    }
    gradcheck_free(g);
    free(dx0);
    table_and_kinks(nb, rows, nrow);
    gradcheck_explain_error(nb, EPS);
}


/* The table of the gradient check, its claims, and the entries whose nudges
 * crossed a kink. */
static void table_and_kinks(Notebook *nb, const GradRow *rows, int nrow)
{
    const GradRow all = gradcheck_table(nb, rows, nrow);
    const int kinks = all.kinks, matched = all.kinks_matched, both = all.both;
    nb_para(nb, "Some nudges cross a kink: a ReLU switches on or off, or a pooling window's maximum moves to "
                "another pixel, somewhere between v − ε and v + ε. There the loss has a corner, the slope on one "
                "side differs from the slope on the other, and the central difference averages the two, which "
                "is nobody's gradient. Each nudged forward pass is watched for such a switch. When only one "
                "side crosses, the other side's one-sided difference, (L(v) − L(v − ε)) / ε or "
                "(L(v + ε) − L(v)) / ε, is the true local slope, and the backward pass must give exactly that. "
                "(Exactly at a corner, as in a pooling window of four zeros, the backward pass has to pick: max "
                "pooling gives the whole gradient to the first maximum, ReLU treats 0 as negative.)");
    nb_check(nb, matched == kinks,
             "%d entries cross a kink on one side; at all %d the analytic gradient equals the slope on the other "
             "side%s", kinks, matched, both ? "" : " (no entry crosses on both sides)");
    if (both)
        nb_para(nb, "%d entr%s cross a kink on both sides: no difference of this size can check them.", both,
                both == 1 ? "y crosses" : "ies");
}

/* --- training ------------------------------------------------------------------------------ */

static void plot_training(Notebook *nb, const double *step_loss, const double *ep_x, const double *ep_acc,
                          int epochs, int nbatch, double acc0, double acc1);

static void train_on_bars(Notebook *nb, Net *net, const Bars *d, const Settings *set, float *before)
{
    const int epochs = set->epochs, seed = set->seed;
    const float *xtr = d->xtr, *xte = d->xte;
    const unsigned char *ytr = d->ytr, *yte = d->yte;
    const int ntrain = d->ntrain, ntest = d->ntest;
    Layer *conv = net_layer(net, L_CONV);
    nb_section(nb, "Training: horizontal or vertical?");
    memcpy(before, conv->param[0].value, NF * KS * KS * sizeof(float));
    double acc0 = accuracy_of(net, xte, yte, ntest);
    const float lr = set->lr;
    Sgd *sgd = sgd_create(net, set->momentum, WEIGHT_DECAY);
    CN_CHECK(sgd);
    const int nbatch = ntrain / BATCH;
    double *step_loss = xcalloc((size_t)epochs * nbatch, sizeof(double));
    double *ep_x = xcalloc((size_t)epochs + 1, sizeof(double)), *ep_acc = xcalloc((size_t)epochs + 1, sizeof(double));
    ep_acc[0] = 100.0 * acc0;
    int *order = xcalloc((size_t)ntrain, sizeof(int));
    float *xbatch = xcalloc((size_t)BATCH * S * S, sizeof(float)), *pb = xcalloc((size_t)BATCH * NCLASS, sizeof(float));
    float *gb = xcalloc((size_t)BATCH * NCLASS, sizeof(float));
    unsigned char ybatch[BATCH];
    nb_para(nb, "Now the same forward and backward pass, over and over: %d epochs of %d batches of %d pictures, each "
                "followed by a step of stochastic gradient descent with learning rate %g%s and momentum %g%s, and "
                "weight decay %g: each step also pulls every weight a little toward 0, so whatever the task does "
                "not need, such as the leftover noise of the random start, fades away. Before training the network "
                "is at chance: %.1f%% of the test pictures right.", epochs, nbatch, BATCH, (double)lr,
            lr == LR ? "" : " (from --lr)", (double)set->momentum,
            set->momentum == MOMENTUM ? " (the momentum of lesson 05)" : " (from --momentum)", (double)WEIGHT_DECAY,
            100.0 * acc0);
    nb_para(nb, "The learning rate is not lesson 05's. There the loss was a quadratic in nine weights, and its "
                "curvature gave a safe step, 1 / (9 · mean(x²)). A network's cross-entropy has no such formula: "
                "its curvature changes as the weights do, so the step is set by trying; %g trains this network "
                "steadily (Try it yourself shows what larger and smaller ones do).", (double)LR);
    lesson_say_loops(nb);
    Rng shuf;
    rng_seed(&shuf, (uint64_t)seed, 2);
    for (int i = 0; i < ntrain; i++) order[i] = i;
    for (int e = 0; e < epochs; e++) {
        rng_shuffle(&shuf, order, (size_t)ntrain);
        for (int b = 0; b < nbatch; b++) {
            for (int i = 0; i < BATCH; i++) {
                int j = order[b * BATCH + i];
                memcpy(xbatch + (size_t)i * S * S, xtr + (size_t)j * S * S, S * S * sizeof(float));
                ybatch[i] = ytr[j];
            }
            const float *z = net_forward(net, xbatch, BATCH);
            CN_CHECK(z);
            float l = softmax_ce_forward(pb, z, ybatch, BATCH, NCLASS);
            if (!isfinite(l)) CN_DIE("the loss became %g at epoch %d, batch %d: lower the learning rate", (double)l, e + 1, b);
            memset(gb, 0, (size_t)BATCH * NCLASS * sizeof(float));
            softmax_ce_backward(gb, pb, ybatch, BATCH, NCLASS);
            net_zero_grad(net);
            CN_CHECK(net_backward(net, gb, BATCH) == 0);
            sgd_step(sgd, lr);
            step_loss[(size_t)e * nbatch + b] = l;
        }
        ep_x[e + 1] = e + 1;
        ep_acc[e + 1] = 100.0 * accuracy_of(net, xte, yte, ntest);
    }
    double acc1 = ep_acc[epochs] / 100.0;
    plot_training(nb, step_loss, ep_x, ep_acc, epochs, nbatch, acc0, acc1);

    sgd_free(sgd);
    free(order);
    free(xbatch);
    free(pb);
    free(gb);
    free(step_loss);
    free(ep_x);
    free(ep_acc);
}

/* The loss of each step with its running mean, the test accuracy after each
 * epoch, and the claims about them. */
static void plot_training(Notebook *nb, const double *step_loss, const double *ep_x, const double *ep_acc,
                          int epochs, int nbatch, double acc0, double acc1)
{
    /* the loss of each step, and its running mean over the last 20 steps */
    enum { RUN = 20 };
    int ns = epochs * nbatch;
    double *xs = xcalloc((size_t)ns, sizeof(double)), *avg = xcalloc((size_t)ns, sizeof(double));
    double acc_run = 0.0;
    for (int i = 0; i < ns; i++) {
        xs[i] = (double)(i + 1) / nbatch;
        acc_run += step_loss[i] - (i >= RUN ? step_loss[i - RUN] : 0.0);
        avg[i] = acc_run / (i + 1 < RUN ? i + 1 : RUN);
    }
    const double *ys[2] = { step_loss, avg };
    const char *names[2] = { "loss of each batch", "mean of the last 20 batches" };
    CN_CHECK(plot_lines_logy(nb_path(nb, "loss.png"), nb_path(nb, "loss.dat"), "Training loss (cross-entropy)",
                             "epoch", "loss (log scale)", names, xs, ys, 2, ns) >= 0);
    nb_plot(nb, "the cross-entropy of each training batch and its running mean, on a log scale, against the "
                "epoch", "loss.png");
    const char *an[1] = { "test accuracy" };
    const double *ay[1] = { ep_acc };
    CN_CHECK(plot_lines(nb_path(nb, "accuracy.png"), nb_path(nb, "accuracy.dat"), "Test accuracy", "epoch",
                        "% of test pictures right", an, ep_x, ay, 1, epochs + 1) >= 0);
    nb_plot(nb, "accuracy on the 1,000 test pictures before training (epoch 0) and after each epoch", "accuracy.png");
    double first = 0.0, last = 0.0;
    for (int b = 0; b < nbatch; b++) first += step_loss[b], last += step_loss[(size_t)(epochs - 1) * nbatch + b];
    first /= nbatch;
    last /= nbatch;
    lesson_goal(nb, acc0 > 0.3 && acc0 < 0.7 && acc1 > 0.95,
             "test accuracy %.1f%% before training (chance is 50%%), %.1f%% after %d epochs", 100.0 * acc0,
             100.0 * acc1, epochs);
    lesson_goal(nb, last < 0.25 * first, "the mean training loss fell from %.4f in the first epoch to %.4f in the last",
             first, last);
    free(xs);
    free(avg);
}

/* --- the filters ------------------------------------------------------------------------- */

static void filters_beside_hand_kernels(Notebook *nb, const float *before, const float *after,
                                        const CnKernel *const *bank, const float (*bank5)[KS * KS], const NccMatch *ma);
static int correlation_table(Notebook *nb, const float *after, const CnKernel *const *bank,
                              const float (*bank5)[KS * KS], const NccMatch *mb, const NccMatch *ma, double mean_before,
                              double mean_after);
static void filters_answer_one_orientation(Notebook *nb, Net *net, const Bars *d, const CnKernel *const *bank,
                                           const NccMatch *ma, int edge_like);

static void what_the_filters_learned(Notebook *nb, Net *net, const Bars *d, const float *before)
{
    const Layer *conv = net_layer(net, L_CONV);
    nb_section(nb, "What the filters learned");
    const CnKernel *bank[NBANK];
    static const char *const bank_names[NBANK] = { "sobel_x", "sobel_y", "edge1", "edge2", "edge3" };
    float bank5[NBANK][KS * KS];
    const CnKernel *gauss = kernel_find("gaussian");
    CN_CHECK(gauss);
    for (int b = 0; b < NBANK; b++) {
        CN_CHECK(bank[b] = kernel_find(bank_names[b]));
        /* 3x3 * 3x3 in full mode is 5x5: the hand kernel seen through a slight blur */
        CN_CHECK(convolve2d_border(bank5[b], bank[b]->v, 3, 3, gauss->v, 3, 3, CONV_BORDER_FULL, 1) == 0);
    }
    const float *after = conv->param[0].value;
    NccMatch mb[NF], ma[NF];
    double mean_before = 0.0, mean_after = 0.0;
    for (int f = 0; f < NF; f++) {
        mb[f] = best_ncc(before + f * KS * KS, bank5[0], NBANK, KS * KS);
        ma[f] = best_ncc(after + f * KS * KS, bank5[0], NBANK, KS * KS);
        mean_before += fabs(mb[f].ncc) / NF;
        mean_after += fabs(ma[f].ncc) / NF;
    }
    filters_beside_hand_kernels(nb, before, after, bank, bank5, ma);
    const int edge_like = correlation_table(nb, after, bank, bank5, mb, ma, mean_before, mean_after);
    filters_answer_one_orientation(nb, net, d, bank, ma, edge_like);
}

/* Each hand kernel made 5x5, the filters before and after training beside
 * their best matches, and the trained filters' numbers. */
static void filters_beside_hand_kernels(Notebook *nb, const float *before, const float *after,
                                        const CnKernel *const *bank, const float (*bank5)[KS * KS], const NccMatch *ma)
{
    nb_para(nb, "Nobody told the network what a filter should look like. To compare its 5x5 filters with the "
                "3x3 hand-designed edge kernels of lesson 01, each hand kernel is first made 5x5 the natural "
                "way: convolved (full mode) with the 3x3 Gaussian blur, 1/16 [1 2 1; 2 4 2; 1 2 1], which "
                "gives the same edge detector at a slightly larger scale. Sobel x becomes:");
    nb_matrix(nb, "Sobel x * Gaussian 3x3 (full mode), 5x5", bank5[0], KS, KS, 4);
    nb_para(nb, "How alike are two 5x5 patterns f and k? Subtract each one's mean and take the cosine of the "
                "angle between the two 25-number vectors: the normalized correlation, 1 for the same pattern, "
                "−1 for the same pattern with light and dark swapped (an edge detector of the opposite "
                "polarity, just as useful), 0 for nothing in common.");
    float tiles[3 * NF][KS * KS];
    MontageTile mt[3 * NF];
    char labs[3 * NF][40];
    const char *lab[3 * NF];
    for (int f = 0; f < NF; f++) {
        memcpy(tiles[f], before + f * KS * KS, sizeof tiles[f]);
        memcpy(tiles[NF + f], after + f * KS * KS, sizeof tiles[NF + f]);
        float sgn = ma[f].ncc < 0 ? -1.0f : 1.0f;
        for (int i = 0; i < KS * KS; i++) tiles[2 * NF + f][i] = sgn * bank5[ma[f].kernel][i];
        snprintf(labs[f], sizeof labs[f], "start %d", f + 1);
        snprintf(labs[NF + f], sizeof labs[NF + f], "trained %d", f + 1);
        snprintf(labs[2 * NF + f], sizeof labs[2 * NF + f], "%s%s %.2f", sgn < 0 ? "-" : "", bank[ma[f].kernel]->name,
                 fabs(ma[f].ncc));
    }
    for (int i = 0; i < 3 * NF; i++) mt[i] = (MontageTile){ tiles[i], 1, KS, KS }, lab[i] = labs[i];
    MontageOptions mo = montage_labelled(NF, 16, 8, MAP_SYMMETRIC, lab, 1);
    write_montage(nb, "filters.png", mt, 3 * NF, &mo);
    nb_image(nb, "top: the 4 random starting filters; middle: the same filters after training; bottom: the "
                 "(5x5) hand-designed edge kernel each trained filter matches best, sign flipped when the match "
                 "is negative, with the normalized correlation (each tile symmetric around mid-gray: 0 gray, "
                 "positive lighter, negative darker)", "filters.png");
    char cap[96];
    for (int f = 0; f < NF; f++) {
        snprintf(cap, sizeof cap, "trained filter %d", f + 1);
        nb_matrix(nb, cap, after + f * KS * KS, KS, KS, 2);
    }
}

/* Every trained filter against every hand kernel, and the claims; 1 when
 * both hold (the filters became edge detectors). */
static int correlation_table(Notebook *nb, const float *after, const CnKernel *const *bank,
                              const float (*bank5)[KS * KS], const NccMatch *mb, const NccMatch *ma, double mean_before,
                              double mean_after)
{
    const char *hdr[NBANK + 2];
    hdr[0] = "filter";
    for (int b = 0; b < NBANK; b++) hdr[b + 1] = bank[b]->name;
    hdr[NBANK + 1] = "best |ncc| at the start";
    char txt[NF][NBANK + 2][24];
    const char *cells[NF * (NBANK + 2)];
    for (int f = 0; f < NF; f++) {
        snprintf(txt[f][0], sizeof txt[f][0], "trained %d", f + 1);
        cells[f * (NBANK + 2)] = txt[f][0];
        for (int b = 0; b < NBANK; b++) {
            snprintf(txt[f][b + 1], sizeof txt[f][b + 1], "%+.2f", ncc(after + f * KS * KS, bank5[b], KS * KS));
            cells[f * (NBANK + 2) + b + 1] = txt[f][b + 1];
        }
        snprintf(txt[f][NBANK + 1], sizeof txt[f][NBANK + 1], "%.2f (%s)", fabs(mb[f].ncc), bank[mb[f].kernel]->name);
        cells[f * (NBANK + 2) + NBANK + 1] = txt[f][NBANK + 1];
    }
    nb_para(nb, "Every trained filter against every (5x5) hand kernel, and for comparison each filter's best "
                "match before training:");
    nb_table(nb, hdr, cells, NF, NBANK + 2);
    int oriented = 0;
    for (int f = 0; f < NF; f++) oriented += ma[f].kernel <= 1;
    const int alike = lesson_goal(nb, mean_after > mean_before + 0.2,
             "training made the filters like the hand-designed edge kernels: mean best |correlation| %.2f "
             "before, %.2f after", mean_before, mean_after);
    return lesson_goal(nb, oriented >= NF / 2,
             "%d of the %d trained filters match Sobel x or Sobel y best: detectors of edges with a direction, "
             "which is what telling horizontal from vertical needs", oriented, NF) && alike;
}

/* The trained network looking at one bar of each kind, and how strongly each
 * filter answers each orientation. */
static void filters_answer_one_orientation(Notebook *nb, Net *net, const Bars *d, const CnKernel *const *bank,
                                           const NccMatch *ma, int edge_like)
{
    const float *xte = d->xte;
    const unsigned char *yte = d->yte;
    const int ntest = d->ntest;
    /* the trained network looking at one bar of each kind */
    /* the first test bar of each kind lying near the middle, where the filters see both its edges */
    const int ih = bars_first_near_centre(d, 0, 2.0), iv = bars_first_near_centre(d, 1, 2.0);
    float two[2 * S * S];
    memcpy(two, xte + (size_t)ih * S * S, S * S * sizeof(float));
    memcpy(two + S * S, xte + (size_t)iv * S * S, S * S * sizeof(float));
    CN_CHECK(net_forward(net, two, 2));
    filter_rows(nb, "trained_maps_horizontal.png", net, two, 0, NLAYER - 1, map_heads, 6);
    filter_rows(nb, "trained_maps_vertical.png", net, two, 1, NLAYER - 1, map_heads, 6);
    nb_para(nb, "The trained network looking at a horizontal and at a vertical test bar, the first of each kind "
                "whose middle lies within 2 pixels of the picture's centre (test pictures %d and %d): a bar at the "
                "border has one edge on the border itself, where no 5x5 window (valid mode) sees across it, so "
                "a filter tuned to that edge would show nothing.", ih + 1, iv + 1);
    nb_image(nb, "a horizontal test bar through the trained network, one row per filter: input, filter, conv "
                 "map, after ReLU, after pooling (each column on one gray scale: input, filter and conv map "
                 "symmetric, 0 mid-gray; ReLU and pool 0 black, the largest value white)", "trained_maps_horizontal.png");
    nb_image(nb, "a vertical test bar through the trained network, laid out the same way",
             "trained_maps_vertical.png");
    /* how strongly each filter answers each kind of bar: the mean of its
     * pooled map over every test picture of the class */
    double resp[NF][NCLASS];
    mean_map_by_class(resp[0], net, L_POOL, xte, yte, ntest, NCLASS);
    const char *hdr[] = { "filter", "looks like", "mean response to horizontal bars", "to vertical bars",
                          "ratio" };
    char txt[NF][5][40];
    const char *cells[NF * 5];
    int selective = 0;
    double rmin = INFINITY, rmax = 0.0;
    for (int f = 0; f < NF; f++) {
        double hi = fmax(resp[f][0], resp[f][1]), lo = fmin(resp[f][0], resp[f][1]);
        if (hi > 2.0 * lo) {
            selective++;
            rmin = fmin(rmin, hi / fmax(lo, 1e-12));
            rmax = fmax(rmax, hi / fmax(lo, 1e-12));
        }
        snprintf(txt[f][0], sizeof txt[f][0], "%d", f + 1);
        snprintf(txt[f][1], sizeof txt[f][1], "%s%s", ma[f].ncc < 0 ? "−" : "", bank[ma[f].kernel]->name);
        snprintf(txt[f][2], sizeof txt[f][2], "%.3f", resp[f][0]);
        snprintf(txt[f][3], sizeof txt[f][3], "%.3f", resp[f][1]);
        cells[f * 5] = txt[f][0];
        cells[f * 5 + 1] = txt[f][1];
        cells[f * 5 + 2] = txt[f][2];
        cells[f * 5 + 3] = txt[f][3];
        snprintf(txt[f][4], sizeof txt[f][4], "%.1f×", hi / fmax(lo, 1e-12));
        cells[f * 5 + 4] = txt[f][4];
    }
    nb_para(nb, "Over all %d test pictures, the mean of each filter's pooled map, by kind of bar:", ntest);
    nb_table(nb, hdr, cells, NF, 5);
    lesson_goal(nb, 2 * selective >= NF,
             "%d of the %d filters answer one orientation at least twice as strongly as the other", selective, NF);
    if (selective == 0) {
        nb_para(nb, "With these settings no filter answers one orientation twice as strongly as the other: the "
                    "dense layer has to tell the bars apart from maps that differ less.");
        return;
    }
    nb_para(nb, "%s answer%s the bars of one orientation %.1f to %.1f times more strongly than the other, on one "
                "of their two edges (ReLU keeps one sign). What %s the other orientation is mostly %s answer to "
                "the noise: max pooling keeps the largest bit of noise in every window.%s The dense layer then "
                "only has to weigh which maps are lit.%s", selective == NF ? "Each filter" : selective == 1 ? "One filter" : "These filters",
            selective == 1 || selective == NF ? "s" : "", rmin, rmax,
            selective == 1 || selective == NF ? "it gives" : "they give", selective == 1 || selective == NF ? "its" : "their",
            selective == NF ? "" : " The others answer both orientations alike: a network with more filters than "
                                   "its task needs does not have to make every one of them specific.",
            edge_like ? " This is slide 6 of the seminar in action: the kernels that people designed by hand in "
                        "lesson 01, the network found for itself, because they are what the task needs." : "");
}

/* --- try it yourself ----------------------------------------------------------------------- */

static void try_it_yourself(Notebook *nb)
{
    nb_section(nb, "Try it yourself");
    nb_para(nb, "- More or fewer epochs: build/lessons/" LESSON_ID " --epochs 3, or --epochs 40; compare the "
                "filters and the correlation table.\n"
                "- Another random start and other pictures: --seed 7. Do edge detectors of the same directions "
                "appear?\n"
                "- Plain stochastic gradient descent: --momentum 0. How far does it get in the same epochs?\n"
                "- Another step size: --lr 0.2 (ten times larger) or --lr 0.002 (ten times smaller).\n"
                "Claims that these settings do not reach are marked \"not reached with these settings\" instead "
                "of failing.\n"
                "- In the source, change EPS to 1e-1 or 1e-5 and watch the gradient check's differences grow: "
                "the third-derivative error, or the float rounding.");
}

/* --- helpers ----------------------------------------------------------------------------------- */

static void read_flags(int argc, char **argv, Settings *set)
{
    CliOpt opts[] = {
        { "quick", OPT_FLAG, &set->quick, "a few seconds: 3,000 training pictures, 6 epochs" },
        { "epochs", OPT_INT, &set->epochs, "N: training epochs (default 12; 6 with --quick)" },
        { "seed", OPT_INT, &set->seed, "N: another random start and other pictures (default 6)" },
        { "lr", OPT_FLOAT, &set->lr, "X: learning rate" },
        { "momentum", OPT_FLOAT, &set->momentum, "M: momentum, 0 for plain stochastic gradient descent" },
        { "naive", OPT_FLAG, &set->naive, LESSON_NAIVE_HELP },
    };
    cli_lesson(argc, argv, opts, 6, LESSON_ID,
               "Lesson 07: backprop by hand. A tiny conv net's forward and backward pass layer by layer, every "
               "gradient checked by central differences, then trained on horizontal vs vertical bars until its "
               "filters become edge detectors.");
    const int dflt = set->quick ? 6 : 12;
    cli_int_or(&set->epochs, dflt, 1, 200, "epochs", "epochs");
    cli_float_in(set->lr, 0.0f, 1, 10.0f, 0, "lr", "a learning rate");
    cli_float_in(set->momentum, 0.0f, 0, 1.0f, 1, "momentum", "a momentum");
    cli_int_in(set->seed, 0, INT_MAX, "seed", "a seed");
    /* the claims about training are made for the defaults; elsewhere they are goals (goals.h) */
    lesson_explore(set->epochs != dflt || set->seed != SEED || set->lr != LR || set->momentum != MOMENTUM);
}

/* --- the network ------------------------------------------------------------------------- */

/* The network, with He-initialized weights drawn with `seed`. */
static Net *build_net(int seed)
{
    Net *net = net_create("bars-cnn", (CnShape){ 1, S, S });
    net_add(net, "conv1", conv2d_create(NF, KS, KS, 1, 0, 1, CONV_OP_CORRELATE));
    net_add(net, "relu1", relu_create());
    net_add(net, "pool1", maxpool2d_create(2, 2, 0));
    net_add(net, "fc", dense_create(NCLASS));
    CN_CHECK(net_ok(net));
    Rng init;
    rng_seed(&init, (uint64_t)seed, 1);
    net_init(net, INIT_HE, &init);
    return net;
}

