/* check_alexnet.c - the AlexNet-mini builder (core/alexnet.h): the default
 * network's size (the numbers PyTorch counts for the reference script's
 * AlexNetMini), each switch, grouped convolutions halving conv2..conv5, the
 * augmentation; a central-difference gradient check of a grouped conv + LRN +
 * dropout stack; a narrow AlexNet-mini in training mode against PyTorch
 * (tests/fixtures/alexnet_mini_small.txt: grouped convs, LRN and dropout
 * together, forward and every gradient); a resumed AlexNet-mini training on
 * a Fashion-MNIST subset equals an uninterrupted one bit for bit, and 1 and
 * 2 threads train to the same bits.
 *
 * The single layers have their own checks: tests/check_conv_layer.c
 * (grad_groups, fast_matches_reference), check_lrn.c, check_dropout.c, and
 * check_reference.c (conv_*_s2_g2, lrn_*: PyTorch fixtures). */
#include <check.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/activation.h"
#include "core/alexnet.h"
#include "core/conv_layer.h"
#include "core/dense.h"
#include "core/dropout.h"
#include "core/error.h"
#include "core/loss.h"
#include "core/lrn.h"
#include "core/model_io.h"
#include "core/net.h"
#include "core/pool.h"
#include "core/rng.h"
#include "core/threads.h"
#include "core/train.h"
#include "datasets/dataset.h"
#include "tests/fixture.h"
#include "tests/support.h"

static Net *build(const AlexNetOptions *o)
{
    Net *net = alexnet_mini(o);
    ck_assert_msg(net != NULL, "alexnet_mini: %s", cn_last_error());
    return net;
}

static const Layer *layer(const Net *net, const char *label)
{
    const int i = net_find(net, label);
    ck_assert_msg(i >= 0, "%s has no layer %s", net->name, label);
    return net->layer[i];
}

/* --- the builder ------------------------------------------------------------ */

START_TEST(default_network)
{
    AlexNetOptions o = alexnet_defaults();
    Net *net = build(&o);
    /* torch_ref.py's AlexNetMini: 221,146 parameters, 5,657,600 multiply-adds. */
    ck_assert_uint_eq(net_param_count(net), 221146);
    double macs = 0.0;
    for (int i = 0; i < net->n; i++)
        if (net->layer[i]->nparam) macs += net->layer[i]->madds;
    ck_assert_msg(macs == 5657600.0, "multiply-adds of conv and fc layers %.0f, want 5,657,600", macs);
    static const char *const labels[] = { "conv1", "relu1", "lrn1",  "pool1", "conv2", "relu2", "lrn2",  "pool2",
                                          "conv3", "relu3", "conv4", "relu4", "conv5", "relu5", "pool5", "fc6",
                                          "relu6", "drop6", "fc7",   "relu7", "drop7", "fc8" };
    ck_assert_int_eq(net->n, (int)(sizeof labels / sizeof labels[0]));
    for (int i = 0; i < net->n; i++) ck_assert_str_eq(net->layer[i]->label, labels[i]);
    /* the shapes of the docstring */
    const struct { const char *l; int c, h, w; } s[] = {
        { "conv1", 24, 28, 28 }, { "pool1", 24, 13, 13 }, { "conv2", 48, 13, 13 }, { "pool2", 48, 6, 6 },
        { "conv5", 48, 6, 6 },   { "pool5", 48, 2, 2 },   { "fc6", 256, 1, 1 },    { "fc8", 10, 1, 1 },
    };
    for (size_t k = 0; k < sizeof s / sizeof s[0]; k++) {
        const CnShape out = layer(net, s[k].l)->out;
        ck_assert_msg(out.c == s[k].c && out.h == s[k].h && out.w == s[k].w, "%s: %dx%dx%d, want %dx%dx%d", s[k].l,
                      out.c, out.h, out.w, s[k].c, s[k].h, s[k].w);
    }
    const size_t want[] = { 624, 10416, 27712, 36928, 27696, 49408, 65792, 2570 };
    const char *const wl[] = { "conv1", "conv2", "conv3", "conv4", "conv5", "fc6", "fc7", "fc8" };
    for (int k = 0; k < 8; k++) ck_assert_uint_eq(layer_param_count(layer(net, wl[k])), want[k]);
    ck_assert_str_eq(net->name, "alexnet-mini:relu,lrn,p3s2,d0.5,g1,24-48-64-64-48,256-256");
    ck_assert(alexnet_is_mini(net));
    const Lrn *lrn = (const Lrn *)layer(net, "lrn1");
    ck_assert(lrn->size == 5 && lrn->k == 2.0f && lrn->alpha == 1e-4f && lrn->beta == 0.75f &&
              lrn->alpha_mode == LRN_ALPHA_OVER_N);
    ck_assert_float_eq(((const Dropout *)layer(net, "drop6"))->p, 0.5f);
    net_free(net);
}
END_TEST

START_TEST(groups_halve_conv2_to_conv5)
{
    AlexNetOptions o = alexnet_defaults();
    Net *one = build(&o);
    o.groups = 2;
    Net *two = build(&o);
    const char *const convs[] = { "conv2", "conv3", "conv4", "conv5" };
    size_t saved = 0;
    for (int k = 0; k < 4; k++) {
        const Layer *a = layer(one, convs[k]), *b = layer(two, convs[k]);
        ck_assert_msg(2 * b->param[0].trainable == a->param[0].trainable, "%s: %zu weights in 2 groups, %zu in 1",
                      convs[k], b->param[0].trainable, a->param[0].trainable);
        ck_assert_uint_eq(b->param[1].trainable, a->param[1].trainable); /* one bias per map either way */
        ck_assert_msg(2.0 * b->madds == a->madds, "%s: multiply-adds %.0f vs %.0f", convs[k], b->madds, a->madds);
        ck_assert_int_eq(conv2d_of((Layer *)b)->cfg.groups, 2);
        saved += a->param[0].trainable - b->param[0].trainable;
    }
    /* conv1 (one input channel) and the fully connected layers do not change */
    const char *const same[] = { "conv1", "fc6", "fc7", "fc8" };
    for (int k = 0; k < 4; k++)
        ck_assert_uint_eq(layer_param_count(layer(one, same[k])), layer_param_count(layer(two, same[k])));
    ck_assert_uint_eq(net_param_count(one) - net_param_count(two), saved);
    ck_assert_uint_eq(net_param_count(two), 221146 - (10368 + 27648 + 36864 + 27648) / 2);
    ck_assert_str_eq(two->name, "alexnet-mini:relu,lrn,p3s2,d0.5,g2,24-48-64-64-48,256-256");
    net_free(one);
    net_free(two);
}
END_TEST

START_TEST(switches)
{
    AlexNetOptions o = alexnet_defaults();
    o.act = ACT_TANH;
    o.lrn = 0;
    o.dropout = 0.0f;
    Net *net = build(&o);
    for (int i = 0; i < net->n; i++) {
        const char *k = net->layer[i]->ops->kind;
        ck_assert_msg(strcmp(k, "relu") && strcmp(k, "lrn") && strcmp(k, "dropout"), "layer %s is %s",
                      net->layer[i]->label, k);
    }
    ck_assert_int_ge(net_find(net, "tanh1"), 0);
    ck_assert_int_eq(net->n, 22 - 2 - 2);
    ck_assert_uint_eq(net_param_count(net), 221146);
    net_free(net);
    /* 2x2/2 pooling: 28 -> 14 -> 7 -> 3, fc6 sees 48*3*3 = 432 inputs */
    o = alexnet_defaults();
    o.pool_k = 2;
    net = build(&o);
    ck_assert_int_eq(layer(net, "pool5")->out.h, 3);
    ck_assert_int_eq(layer(net, "pool1")->out.h, 14);
    ck_assert_uint_eq(layer_param_count(layer(net, "fc6")), 432 * 256 + 256);
    net_free(net);
    /* widths */
    o = alexnet_defaults();
    const int w[5] = { 8, 16, 16, 16, 16 };
    memcpy(o.conv, w, sizeof w);
    o.fc[0] = 32, o.fc[1] = 32;
    net = build(&o);
    ck_assert_int_eq(layer(net, "conv4")->out.c, 16);
    ck_assert_uint_eq(layer_param_count(layer(net, "fc6")), 64 * 32 + 32);
    net_free(net);
    /* bad options are refused with a message that names the problem */
    o = alexnet_defaults();
    o.groups = 2;
    o.conv[2] = 63;
    ck_assert_ptr_null(alexnet_mini(&o));
    ck_assert_msg(strstr(cn_last_error(), "conv3") && strstr(cn_last_error(), "groups"), "%s", cn_last_error());
    o = alexnet_defaults();
    o.dropout = 1.0f;
    ck_assert_ptr_null(alexnet_mini(&o));
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "dropout"));
    o = alexnet_defaults();
    o.act = ACT_SIGMOID;
    ck_assert_ptr_null(alexnet_mini(&o));
    ck_assert_ptr_null(alexnet_mini(NULL));
}
END_TEST

START_TEST(init_rules)
{
    AlexNetOptions o = alexnet_defaults();
    Net *net = build(&o);
    alexnet_init(net, 3, 0.25f);
    /* biases: the paper's layers start at bias_hidden, the others at 0 */
    const char *const on[] = { "conv2", "conv4", "conv5", "fc6", "fc7" }, *const off[] = { "conv1", "conv3", "fc8" };
    for (int k = 0; k < 5; k++) {
        const CnParam *b = &layer(net, on[k])->param[1];
        for (size_t i = 0; i < b->n; i++) ck_assert_float_eq(b->value[i], 0.25f);
    }
    for (int k = 0; k < 3; k++) {
        const CnParam *b = &layer(net, off[k])->param[1];
        for (size_t i = 0; i < b->n; i++) ck_assert_float_eq(b->value[i], 0.0f);
    }
    /* weights: He normal (std sqrt(2/fan_in)) in conv4, N(0, 0.01^2) in fc8 */
    const CnParam *w4 = &layer(net, "conv4")->param[0], *w8 = &layer(net, "fc8")->param[0];
    double s4 = 0.0, s8 = 0.0;
    for (size_t i = 0; i < w4->n; i++) s4 += (double)w4->value[i] * w4->value[i];
    for (size_t i = 0; i < w8->n; i++) s8 += (double)w8->value[i] * w8->value[i];
    const double sd4 = sqrt(s4 / w4->n), sd8 = sqrt(s8 / w8->n), want4 = sqrt(2.0 / (64 * 9));
    ck_assert_msg(fabs(sd4 - want4) < 0.05 * want4, "conv4 weight std %.5f, want %.5f", sd4, want4);
    ck_assert_msg(fabs(sd8 - 0.01) < 0.002, "fc8 weight std %.5f, want 0.01", sd8);
    /* the same seed gives the same weights */
    Net *again = build(&o);
    alexnet_init(again, 3, 0.25f);
    for (int k = 0; k < net_nparams(net); k++) {
        const CnParam *p = net_param(net, k, NULL), *q = net_param(again, k, NULL);
        ck_assert(memcmp(p->value, q->value, p->n * sizeof(float)) == 0);
    }
    net_free(again);
    net_free(net);
}
END_TEST

START_TEST(ten_views)
{
    /* view 0 is the picture, odd views are mirrored, views 2..9 move it by
     * pad towards the four corners; all ten differ */
    float img[28 * 28], out[ALEXNET_VIEWS][28 * 28];
    for (int i = 0; i < 28 * 28; i++) img[i] = (float)(i % 97) + 1.0f;
    const AlexNetAugment a = { .pad = 2, .flip = 1, .background = -5.0f };
    const int dys[5] = { 0, -2, -2, 2, 2 }, dxs[5] = { 0, -2, 2, -2, 2 };
    for (int v = 0; v < ALEXNET_VIEWS; v++) {
        memcpy(out[v], img, sizeof img);
        alexnet_view(out[v], 1, 28, 28, v, (void *)&a);
        const int dy = dys[v / 2], dx = dxs[v / 2], flip = v % 2;
        for (int y = 0; y < 28; y++)
            for (int x = 0; x < 28; x++) {
                const int sy = y + dy, sx = (flip ? 27 - x : x) + dx;
                const float want = sy >= 0 && sy < 28 && sx >= 0 && sx < 28 ? img[sy * 28 + sx] : -5.0f;
                ck_assert_msg(out[v][y * 28 + x] == want, "view %d pixel (%d,%d): %g vs %g", v, y, x,
                              (double)out[v][y * 28 + x], (double)want);
            }
        for (int u = 0; u < v; u++) ck_assert_msg(memcmp(out[u], out[v], sizeof img) != 0, "views %d and %d", u, v);
    }
    ck_assert(memcmp(out[0], img, sizeof img) == 0);
}
END_TEST

START_TEST(augmentation)
{
    /* A draw moves the picture by (dy, dx) in -pad..pad and mirrors it when
     * asked; replaying the generator gives the same three numbers. */
    float img[28 * 28], out[28 * 28];
    for (int i = 0; i < 28 * 28; i++) img[i] = (float)(i % 97) + 1.0f;
    const AlexNetAugment a = { .pad = 2, .flip = 1, .background = -5.0f };
    Rng r, replay;
    rng_seed(&r, 11, 3);
    int seen_flip[2] = { 0, 0 }, seen_shift[5] = { 0 };
    for (int t = 0; t < 200; t++) {
        replay = r;
        memcpy(out, img, sizeof img);
        alexnet_augment(out, 1, 28, 28, &r, (void *)&a);
        const int dy = (int)rng_below(&replay, 5) - 2, dx = (int)rng_below(&replay, 5) - 2;
        const int flip = (int)rng_below(&replay, 2);
        ck_assert(memcmp(&r, &replay, sizeof r) == 0); /* exactly three draws */
        seen_flip[flip]++, seen_shift[dx + 2]++;
        for (int y = 0; y < 28; y++)
            for (int x = 0; x < 28; x++) {
                const int sy = y + dy, sx = (flip ? 27 - x : x) + dx;
                const float want = sy >= 0 && sy < 28 && sx >= 0 && sx < 28 ? img[sy * 28 + sx] : -5.0f;
                ck_assert_msg(out[y * 28 + x] == want, "draw %d (dy %d dx %d flip %d) pixel (%d,%d): %g vs %g", t,
                              dy, dx, flip, y, x, (double)out[y * 28 + x], (double)want);
            }
    }
    ck_assert(seen_flip[0] > 50 && seen_flip[1] > 50);
    for (int k = 0; k < 5; k++) ck_assert_int_gt(seen_shift[k], 10);
    /* no padding, no flip: nothing drawn, nothing changed */
    const AlexNetAugment none = { 0, 0, 0.0f };
    Rng before = r;
    memcpy(out, img, sizeof img);
    alexnet_augment(out, 1, 28, 28, &r, (void *)&none);
    ck_assert(memcmp(out, img, sizeof img) == 0 && memcmp(&r, &before, sizeof r) == 0);
}
END_TEST

/* --- gradients of a grouped conv + LRN + dropout stack ------------------------ */

static Rng drop_state[4];
static int ndrop;

/* Reset every dropout generator so each forward pass draws the same masks. */
static void reset_dropout(Net *net)
{
    for (int i = 0, k = 0; i < net->n; i++)
        if (!strcmp(net->layer[i]->ops->kind, "dropout")) ((Dropout *)net->layer[i])->rng = drop_state[k++];
}

static double stack_loss(Net *net, const float *x, int B, const float *r, size_t ny)
{
    reset_dropout(net);
    const float *y = net_forward(net, x, B);
    ck_assert_ptr_nonnull(y);
    double s = 0.0;
    for (size_t i = 0; i < ny; i++) s += (double)r[i] * y[i];
    return s;
}

/* 1 if the max-pool winners of the last forward equal `ref` (n of them). */
static int same_winners(const MaxPool2d *p, const int32_t *ref, size_t n)
{
    return memcmp(p->argmax, ref, n * sizeof *ref) == 0;
}

START_TEST(stack_gradcheck)
{
    /* tanh keeps the loss smooth (ReLU's kink at 0 would spoil central
     * differences); LRN at alpha 0.5 so that its cross-channel term matters.
     * Max pooling has kinks too, where two pixels of a window tie: a
     * perturbation that changes a window's winner is skipped (the finite
     * difference then straddles the kink), and at most a few may be. */
    Net *net = net_create("stack", (CnShape){ 2, 9, 9 });
    net_add(net, "conv1", conv2d_create(6, 3, 3, 1, 1, 2, CONV_OP_CORRELATE));
    net_add(net, "tanh1", tanh_create());
    net_add(net, "lrn1", lrn_create(5, 0.5f, 0.75f, 1.0f, LRN_ALPHA_OVER_N));
    net_add(net, "pool1", maxpool2d_create(3, 2, 0));
    net_add(net, "conv2", conv2d_create(6, 3, 3, 1, 1, 3, CONV_OP_CORRELATE));
    net_add(net, "tanh2", tanh_create());
    net_add(net, "lrn2", lrn_create(3, 0.5f, 0.75f, 1.0f, LRN_ALPHA_OVER_N));
    net_add(net, "drop", dropout_create(0.5f, 77));
    net_add(net, "fc", dense_create(5));
    ck_assert_msg(net_ok(net), "%s", cn_last_error());
    Rng r;
    rng_seed(&r, 5, 5);
    net_init(net, INIT_XAVIER, &r);
    for (int k = 0; k < net_nparams(net); k++) {
        CnParam *p = net_param(net, k, NULL);
        if (!p->decay)
            for (size_t i = 0; i < p->n; i++) p->value[i] = rng_range(&r, -0.3f, 0.3f);
    }
    const int B = 2;
    const size_t nx = (size_t)B * 2 * 9 * 9, ny = (size_t)B * 5;
    float *x = malloc(nx * sizeof *x), *dl = malloc(ny * sizeof *dl);
    ck_assert(x && dl);
    for (size_t i = 0; i < nx; i++) x[i] = rng_range(&r, -1.0f, 1.0f);
    for (size_t i = 0; i < ny; i++) dl[i] = rng_range(&r, -1.0f, 1.0f);
    ndrop = 0;
    for (int i = 0; i < net->n; i++)
        if (!strcmp(net->layer[i]->ops->kind, "dropout")) drop_state[ndrop++] = ((Dropout *)net->layer[i])->rng;
    net_set_training(net, 1);
    /* analytic: dL/dlogits = r */
    net_zero_grad(net);
    stack_loss(net, x, B, dl, ny);
    ck_assert_int_eq(net_backward(net, dl, B), 0);
    /* the mask really drops something */
    const Dropout *d = (const Dropout *)net->layer[net_find(net, "drop")];
    const int units = B * (int)shape_size(d->base.in);
    int kept = 0;
    for (int i = 0; i < units; i++) kept += d->mask[i];
    ck_assert_msg(kept > 0 && kept < units, "dropout kept %d of %d units", kept, units);
    /* the winners of max pooling at the unperturbed point */
    const MaxPool2d *pool = (const MaxPool2d *)net->layer[net_find(net, "pool1")];
    const size_t nwin = (size_t)B * shape_size(pool->base.out);
    int32_t *win = malloc(nwin * sizeof *win);
    ck_assert_ptr_nonnull(win);
    memcpy(win, pool->argmax, nwin * sizeof *win);
    int checked = 0, bad = 0, skipped = 0;
    double worst = 0.0, biggest = 0.0;
    char where[96] = "";
    for (int k = 0; k < net_nparams(net); k++) {
        int li;
        CnParam *p = net_param(net, k, &li);
        float *g = malloc(p->n * sizeof *g);
        ck_assert_ptr_nonnull(g);
        memcpy(g, p->grad, p->n * sizeof *g);
        for (size_t i = 0; i < p->n; i++) {
            const float saved = p->value[i], eps = 1e-3f;
            p->value[i] = saved + eps;
            const double lp = stack_loss(net, x, B, dl, ny);
            int smooth = same_winners(pool, win, nwin);
            p->value[i] = saved - eps;
            const double lm = stack_loss(net, x, B, dl, ny);
            smooth &= same_winners(pool, win, nwin);
            p->value[i] = saved;
            if (!smooth) {
                skipped++;
                continue;
            }
            const double h = (double)(saved + eps) - (double)(saved - eps), num = (lp - lm) / h;
            const double err = fabs(num - g[i]);
            checked++;
            biggest = fmax(biggest, fabs(g[i]));
            if (err > worst) {
                worst = err;
                snprintf(where, sizeof where, "%s.%s[%zu]: analytic %.6g, numeric %.6g", net->layer[li]->label, p->name,
                         i, (double)g[i], num);
            }
            bad += err > 2e-3 + 2e-2 * fabs(num);
        }
        free(g);
    }
    ck_assert_msg(bad == 0, "%d of %d gradients off; worst %s", bad, checked, where);
    ck_assert_msg(biggest > 1e-2, "the gradient is (nearly) all zero: largest %g", biggest);
    ck_assert_msg(checked > 600 && skipped * 20 < checked, "%d entries checked, %d skipped at max-pool ties", checked,
                  skipped);
    free(win);
    free(x);
    free(dl);
    net_free(net);
}
END_TEST

/* --- AlexNet-mini's convolution shapes: fast loops vs the reference ---------------- */

typedef struct {
    int B, C, H, OC, K, pad, groups;
    const char *what;
} ConvCase;

/* Every conv shape of AlexNet-mini at 1 and 2 groups, and a few that test the
 * edges of the many-channel loops: map counts that are not a multiple of the
 * blocks, a 5-wide kernel, no padding. */
static const ConvCase conv_cases[] = {
    { 3, 24, 13, 48, 3, 1, 1, "conv2" },       { 3, 24, 13, 48, 3, 1, 2, "conv2, 2 groups" },
    { 3, 48, 6, 64, 3, 1, 1, "conv3" },        { 3, 48, 6, 64, 3, 1, 2, "conv3, 2 groups" },
    { 3, 64, 6, 64, 3, 1, 1, "conv4" },        { 3, 64, 6, 48, 3, 1, 2, "conv5, 2 groups" },
    { 2, 14, 7, 22, 3, 1, 1, "odd map counts" }, { 2, 16, 9, 13, 5, 2, 1, "5x5 kernel" },
    { 2, 12, 8, 12, 3, 0, 1, "no padding" },
};

static float *floats(size_t n)
{
    float *p = calloc(n ? n : 1, sizeof *p);
    ck_assert_ptr_nonnull(p);
    return p;
}

static void close_to(const float *got, const float *want, size_t n, double tol, const char *what)
{
    size_t at = 0;
    const double d = fixture_worst(got, want, n, &at);
    ck_assert_msg(d <= tol, "%s[%zu]: %.9g vs reference %.9g (scaled diff %.3g > %g)", what, at, (double)got[at],
                  (double)want[at], d, tol);
}

static void same_bits(const float *a, const float *b, size_t n, const char *what)
{
    size_t at = 0;
    while (at < n && memcmp(&a[at], &b[at], sizeof *a) == 0) at++;
    ck_assert_msg(at == n, "%s differs first at %zu: %.9g vs %.9g", what, at, (double)a[at], (double)b[at]);
}

START_TEST(conv_shapes_match_reference)
{
    Rng r;
    rng_seed(&r, 8, 8);
    const int saved = omp_get_max_threads();
    for (size_t c = 0; c < sizeof conv_cases / sizeof conv_cases[0]; c++) {
        const ConvCase *k = &conv_cases[c];
        const int OH = k->H + 2 * k->pad - k->K + 1, Cg = k->C / k->groups;
        const size_t nx = (size_t)k->B * k->C * k->H * k->H, ny = (size_t)k->B * k->OC * OH * OH;
        const size_t nw = (size_t)k->OC * Cg * k->K * k->K;
        float *x = floats(nx), *w = floats(nw), *b = floats((size_t)k->OC), *dy = floats(ny);
        for (size_t i = 0; i < nx; i++) x[i] = rng_range(&r, -1.0f, 1.0f);
        for (size_t i = 0; i < nw; i++) w[i] = rng_range(&r, -0.5f, 0.5f);
        for (int i = 0; i < k->OC; i++) b[i] = rng_range(&r, -0.5f, 0.5f);
        for (size_t i = 0; i < ny; i++) dy[i] = rng_range(&r, -1.0f, 1.0f);
        for (int m = 0; m < 2; m++) {
            const ConvOp mode = m ? CONV_OP_CONVOLVE : CONV_OP_CORRELATE;
            float *y[3], *dx[3], *dw[3], *db[3];
            for (int v = 0; v < 3; v++) /* 0: reference; 1: 1 thread; 2: 2 threads */
                y[v] = floats(ny), dx[v] = floats(nx), dw[v] = floats(nw), db[v] = floats((size_t)k->OC);
            const Conv2dGeom g = { .B = k->B, .C = k->C, .H = k->H, .W = k->H, .OC = k->OC, .OH = OH, .OW = OH,
                                   .KH = k->K, .KW = k->K, .sh = 1, .sw = 1, .pt = k->pad, .pl = k->pad,
                                   .groups = k->groups, .op = mode };
            conv2d_forward_naive(y[0], x, w, b, NULL, &g);
            conv2d_backward_naive(dx[0], dw[0], db[0], dy, x, w, NULL, &g);
            for (int v = 1; v < 3; v++) {
                omp_set_num_threads(v);
                conv2d_forward(y[v], x, w, b, NULL, &g);
                conv2d_backward(dx[v], dw[v], db[v], dy, x, w, NULL, &g);
            }
            omp_set_num_threads(saved);
            char what[96];
            snprintf(what, sizeof what, "%s, %s: y", k->what, m ? "convolve" : "correlate");
            close_to(y[1], y[0], ny, 1e-5, what);
            same_bits(y[1], y[2], ny, what);
            snprintf(what, sizeof what, "%s, %s: dx", k->what, m ? "convolve" : "correlate");
            close_to(dx[1], dx[0], nx, 1e-5, what);
            same_bits(dx[1], dx[2], nx, what);
            snprintf(what, sizeof what, "%s, %s: dweight", k->what, m ? "convolve" : "correlate");
            close_to(dw[1], dw[0], nw, 1e-5, what);
            same_bits(dw[1], dw[2], nw, what);
            snprintf(what, sizeof what, "%s, %s: dbias", k->what, m ? "convolve" : "correlate");
            close_to(db[1], db[0], (size_t)k->OC, 1e-5, what);
            same_bits(db[1], db[2], (size_t)k->OC, what);
            for (int v = 0; v < 3; v++) free(y[v]), free(dx[v]), free(dw[v]), free(db[v]);
        }
        free(x), free(w), free(b), free(dy);
    }
}
END_TEST

/* --- against PyTorch ------------------------------------------------------------ */

#define TOL 2e-5

static void agree(const char *what, const float *ours, const float *ref, size_t n)
{
    size_t at = 0;
    const double d = fixture_worst(ours, ref, n, &at);
    ck_assert_msg(d <= TOL, "%s[%zu]: ours %.9g vs torch %.9g (scaled diff %.3g > %g)", what, at, (double)ours[at],
                  (double)ref[at], d, TOL);
}

START_TEST(reference_pytorch)
{
    Fixture *f = fixture_load("alexnet_mini_small");
    ck_assert_msg(f != NULL, "%s", cn_last_error());
    const int B = fixture_int(f, "shape_x", 0);
    ck_assert_msg(B >= 1 && B <= 8, "fixture batch %d (1..8 expected)", B);
    AlexNetOptions o = alexnet_defaults();
    for (int k = 0; k < 5; k++) o.conv[k] = fixture_int(f, "widths", (size_t)k);
    o.fc[0] = fixture_int(f, "widths", 5);
    o.fc[1] = fixture_int(f, "widths", 6);
    o.groups = fixture_int(f, "groups", 0);
    o.seed = (uint64_t)fixture_int(f, "seed", 0);
    o.dropout = fixture_get(f, "dropout", 1)[0];
    Net *net = build(&o);
    ck_assert_int_eq(net_nparams(net), 16);
    for (int k = 0; k < 16; k++) {
        char name[8];
        snprintf(name, sizeof name, "p%d", k);
        CnParam *p = net_param(net, k, NULL);
        const float *v = fixture_get(f, name, p->n);
        ck_assert_msg(v != NULL, "%s", cn_last_error());
        memcpy(p->value, v, p->n * sizeof *v);
    }
    const float *x = fixture_get(f, "x", (size_t)B * 784), *lab = fixture_get(f, "labels", (size_t)B);
    ck_assert(x && lab);
    unsigned char y[8];
    for (int i = 0; i < B && i < 8; i++) y[i] = (unsigned char)lab[i];
    net_set_training(net, 1); /* dropout on: the fixture used the library's masks */
    const float *logits = net_forward(net, x, B);
    ck_assert_ptr_nonnull(logits);
    agree("logits", logits, fixture_get(f, "logits", (size_t)B * 10), (size_t)B * 10);
    float probs[80], dl[80] = { 0 };
    const float loss = softmax_ce_forward(probs, logits, y, B, 10);
    agree("loss", &loss, fixture_get(f, "loss", 1), 1);
    softmax_ce_backward(dl, probs, y, B, 10);
    net_zero_grad(net);
    ck_assert_int_eq(net_backward(net, dl, B), 0);
    for (int k = 0; k < 16; k++) {
        char name[8], what[48];
        snprintf(name, sizeof name, "g%d", k);
        int li;
        CnParam *p = net_param(net, k, &li);
        snprintf(what, sizeof what, "d%s.%s", net->layer[li]->label, p->name);
        agree(what, p->grad, fixture_get(f, name, p->n), p->n);
    }
    net_free(net);
    fixture_free(f);
}
END_TEST

/* --- training: resume and threads --------------------------------------------- */

static char dir[64];

static void rm_dir(void)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            char p[512];
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            unlink(p);
        }
    closedir(d);
    rmdir(dir);
}

static Dataset *fashion(int train)
{
    Dataset *d = dataset_load("fashion-mnist", train);
    ck_assert_msg(d != NULL, "%s", cn_last_error());
    return d;
}

static AlexNetAugment aug = { .pad = 2, .flip = 1, .background = 0.0f };

static TrainConfig small_config(void)
{
    TrainConfig c = train_defaults();
    c.epochs = 3;
    c.batch = 32;
    c.lr = optim_schedule_cosine(0.05f, 3, 0.0f);
    c.momentum = 0.9f;
    c.weight_decay = 5e-4f;
    c.seed = 2012;
    c.std = 0.0f;
    c.train_limit = 96;
    c.test_limit = 64;
    c.augment = alexnet_augment;
    c.augment_ctx = &aug;
    c.quiet = 1;
    return c;
}

static Net *fresh(void)
{
    AlexNetOptions o = alexnet_defaults();
    Net *net = build(&o);
    alexnet_init(net, 2012, 0.1f);
    return net;
}

START_TEST(resume_equals_uninterrupted)
{
    snprintf(dir, sizeof dir, "/tmp/check_alexnet_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char ck_full[128], ck_part[128];
    snprintf(ck_full, sizeof ck_full, "%s/full.ckpt", dir);
    snprintf(ck_part, sizeof ck_part, "%s/part.ckpt", dir);
    Dataset *train = fashion(1), *test = fashion(0);
    /* Augmentation, two dropout layers, momentum, weight decay and a cosine
     * schedule: every piece of state a checkpoint must carry. */
    TrainConfig cfg = small_config();
    Net *half = _i ? fresh() : NULL; /* loop 1: in two halves, as lesson 09 trains */
    cfg.replica = half;
    TrainHistory full = { 0 }, part = { 0 };
    cfg.checkpoint = ck_full;
    Net *a = fresh();
    ck_assert_msg(train_run(a, train, test, &cfg, &full) == 0, "%s", cn_last_error());
    cfg.checkpoint = ck_part;
    cfg.epochs = 1;
    Net *b = fresh();
    ck_assert_msg(train_run(b, train, test, &cfg, &part) == 0, "%s", cn_last_error());
    net_free(b);
    /* a new process: the net is built and initialised again (another seed,
     * which the checkpoint overrides), then resumed to 3 epochs */
    AlexNetOptions o = alexnet_defaults();
    b = build(&o);
    alexnet_init(b, 99, 0.0f);
    cfg.epochs = 3;
    cfg.resume = 1;
    ck_assert_msg(train_run(b, train, test, &cfg, &part) == 0, "%s", cn_last_error());
    ck_assert_int_eq(part.n, 3);
    assert_same_params(a, b, "resumed vs uninterrupted");
    for (int e = 0; e < 3; e++) {
        ck_assert_msg(full.e[e].train_loss == part.e[e].train_loss && full.e[e].test_acc == part.e[e].test_acc,
                      "epoch %d: loss %.17g vs %.17g, test accuracy %.17g vs %.17g", e + 1, full.e[e].train_loss,
                      part.e[e].train_loss, full.e[e].test_acc, part.e[e].test_acc);
    }
    /* and the dropout generators were restored, not restarted */
    const Dropout *da = (const Dropout *)a->layer[net_find(a, "drop7")], *db = (const Dropout *)b->layer[net_find(b, "drop7")];
    ck_assert(da->rng.state == db->rng.state && da->rng.inc == db->rng.inc);
    train_history_free(&full);
    train_history_free(&part);
    net_free(a);
    net_free(b);
    net_free(half);
    dataset_free(train);
    dataset_free(test);
    rm_dir();
}
END_TEST

START_TEST(same_bits_at_1_and_2_threads)
{
    Dataset *train = fashion(1);
    TrainConfig cfg = small_config();
    cfg.epochs = 1;
    cfg.train_limit = 64;
    Net *half = _i ? fresh() : NULL; /* loop 1: in two halves, as lesson 09 trains */
    cfg.replica = half;
    TrainHistory h1 = { 0 }, h2 = { 0 };
    const int saved = omp_get_max_threads();
    omp_set_num_threads(1);
    Net *a = fresh();
    ck_assert_msg(train_run(a, train, NULL, &cfg, &h1) == 0, "%s", cn_last_error());
    omp_set_num_threads(2);
    Net *b = fresh();
    ck_assert_msg(train_run(b, train, NULL, &cfg, &h2) == 0, "%s", cn_last_error());
    omp_set_num_threads(saved);
    assert_same_params(a, b, "1 vs 2 threads");
    ck_assert(h1.e[0].train_loss == h2.e[0].train_loss);
    train_history_free(&h1);
    train_history_free(&h2);
    net_free(a);
    net_free(b);
    net_free(half);
    dataset_free(train);
}
END_TEST

/* Lesson 09's claim: in two halves the step is the same sum as on one
 * network, added in another order, its dropout masks included: after one
 * batch of 32 the weights agree to rounding (with masks drawn apart they
 * would not). */
START_TEST(halves_take_the_same_step)
{
    Dataset *train = fashion(1);
    TrainConfig cfg = small_config();
    cfg.epochs = 1;
    cfg.train_limit = 32;
    Net *one = fresh(), *two = fresh(), *half = fresh(), *start = fresh();
    ck_assert_msg(train_run(one, train, NULL, &cfg, NULL) == 0, "%s", cn_last_error());
    cfg.replica = half;
    ck_assert_msg(train_run(two, train, NULL, &cfg, NULL) == 0, "%s", cn_last_error());
    double step = 0.0, gap = 0.0;
    for (int k = 0; k < net_nparams(one); k++) {
        const CnParam *p = net_param(one, k, NULL), *q = net_param(two, k, NULL), *s0 = net_param(start, k, NULL);
        for (size_t i = 0; i < p->n; i++) {
            step = fmax(step, fabs((double)p->value[i] - s0->value[i]));
            gap = fmax(gap, fabs((double)p->value[i] - q->value[i]) / (1.0 + fabs((double)p->value[i])));
        }
    }
    ck_assert_msg(step > 1e-3, "the step moved the weights by only %g", step);
    ck_assert_msg(gap < 1e-5, "halves vs one network after one step: largest relative difference %g", gap);
    net_free(one), net_free(two), net_free(half), net_free(start);
    dataset_free(train);
}
END_TEST

Suite *alexnet_suite(void)
{
    Suite *s = suite_create("alexnet");
    TCase *tc = tcase_create("builder");
    tcase_add_test(tc, default_network);
    tcase_add_test(tc, groups_halve_conv2_to_conv5);
    tcase_add_test(tc, switches);
    tcase_add_test(tc, init_rules);
    tcase_add_test(tc, augmentation);
    tcase_add_test(tc, ten_views);
    suite_add_tcase(s, tc);
    tc = tcase_create("gradients");
    tcase_add_test(tc, stack_gradcheck);
    tcase_add_test(tc, conv_shapes_match_reference);
    tcase_add_test(tc, reference_pytorch);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    tc = tcase_create("training");
    tcase_add_loop_test(tc, resume_equals_uninterrupted, 0, 2);
    tcase_add_loop_test(tc, same_bits_at_1_and_2_threads, 0, 2);
    tcase_add_test(tc, halves_take_the_same_step);
    tcase_set_timeout(tc, 300);
    suite_add_tcase(s, tc);
    return s;
}
