/* check_freeze.c - frozen parameters (CnParam.frozen, core/layer.h): the
 * optimizer leaves them bit for bit as they were, weight decay included,
 * while every other parameter trains. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/activation.h"
#include "core/conv_layer.h"
#include "core/dense.h"
#include "core/error.h"
#include "core/net.h"
#include "core/optim.h"
#include "core/pool.h"
#include "core/rng.h"
#include "core/train.h"
#include "datasets/dataset.h"

/* n random 8x8 pictures; the label says whether the left half is brighter */
static Dataset *halves(int n, uint64_t seed)
{
    static const char *const names[2] = { "right", "left" };
    Dataset *d = calloc(1, sizeof *d);
    ck_assert_ptr_nonnull(d);
    d->count = n, d->height = 8, d->width = 8, d->nclasses = 2;
    d->images = malloc((size_t)n * 64);
    d->labels = malloc((size_t)n);
    ck_assert(d->images && d->labels);
    d->class_names = names;
    snprintf(d->name, sizeof d->name, "halves");
    Rng r;
    rng_seed(&r, seed, 1);
    for (int i = 0; i < n; i++) {
        int left = 0;
        for (int p = 0; p < 64; p++) {
            const int v = (int)rng_below(&r, 256);
            d->images[i * 64 + p] = (unsigned char)v;
            left += (p % 8 < 4) ? v : -v;
        }
        d->labels[i] = left > 0;
    }
    return d;
}

/* conv 4@3x3 pad 1, ReLU, max pool 2, dense 2 */
static Net *small_net(void)
{
    Net *net = net_create("freeze-test", (CnShape){ 1, 8, 8 });
    net_add(net, "conv", conv2d_create(4, 3, 3, 1, 1, 1, CONV_OP_CORRELATE));
    net_add(net, "relu", relu_create());
    net_add(net, "pool", maxpool2d_create(2, 2, 0));
    net_add(net, "fc", dense_create(2));
    ck_assert_msg(net_ok(net), "%s", cn_last_error());
    Rng r;
    rng_seed(&r, 5, 1);
    net_init(net, INIT_HE, &r);
    /* non-zero biases, so that decay-free biases would still move if stepped */
    for (int k = 0; k < net_nparams(net); k++) {
        CnParam *p = net_param(net, k, NULL);
        if (!p->decay)
            for (size_t i = 0; i < p->n; i++) p->value[i] = 0.05f * (float)(i + 1);
    }
    return net;
}

/* A copy of every param's values, in net_param order. */
static float **snapshot(const Net *net)
{
    const int n = net_nparams(net);
    float **s = calloc((size_t)n, sizeof *s);
    ck_assert_ptr_nonnull(s);
    for (int k = 0; k < n; k++) {
        const CnParam *p = net_param(net, k, NULL);
        s[k] = malloc(p->n * sizeof(float));
        ck_assert_ptr_nonnull(s[k]);
        memcpy(s[k], p->value, p->n * sizeof(float));
    }
    return s;
}

static void snapshot_free(float **s, int n)
{
    for (int k = 0; k < n; k++) free(s[k]);
    free(s);
}

/* Train `net` a few epochs of small batches with momentum and weight decay. */
static void train_few(Net *net, const Dataset *d)
{
    TrainConfig c = train_defaults();
    c.epochs = 3;
    c.batch = 8;
    c.lr = optim_schedule_constant(0.05f);
    c.momentum = 0.9f;
    c.weight_decay = 0.01f;
    c.std = 0.0f;
    c.quiet = 1;
    TrainHistory h = { 0 };
    ck_assert_msg(train_run(net, d, NULL, &c, &h) == 0, "%s", cn_last_error());
    ck_assert_int_eq(h.n, 3);
    train_history_free(&h);
}

START_TEST(frozen_first_layer_is_bit_identical)
{
    Dataset *d = halves(96, 3);
    for (int freeze = 0; freeze <= 1; freeze++) {
        Net *net = small_net();
        Layer *conv = net_layer(net, net_find(net, "conv"));
        ck_assert_int_eq(conv->nparam, 2);
        ck_assert(conv->param[0].frozen == 0 && conv->param[1].frozen == 0);  /* 0 after setup */
        if (freeze) conv->param[0].frozen = conv->param[1].frozen = 1;
        float **before = snapshot(net);
        train_few(net, d);
        const int n = net_nparams(net);
        for (int k = 0; k < n; k++) {
            int li;
            const CnParam *p = net_param(net, k, &li);
            const int same = memcmp(before[k], p->value, p->n * sizeof(float)) == 0;
            const int is_conv = net->layer[li] == conv;
            /* frozen: bit-identical; everything else (and the conv layer when
             * not frozen) has moved */
            if (freeze && is_conv)
                ck_assert_msg(same, "frozen %s.%s changed during training", net->layer[li]->label, p->name);
            else
                ck_assert_msg(!same, "%s.%s did not change during training (freeze %d)", net->layer[li]->label,
                              p->name, freeze);
            /* backward still computed the frozen layer's gradient */
            if (freeze && is_conv) {
                int nonzero = 0;
                for (size_t i = 0; i < p->n; i++) nonzero |= p->grad[i] != 0.0f;
                ck_assert_msg(nonzero, "no gradient reached the frozen %s", p->name);
            }
        }
        snapshot_free(before, n);
        net_free(net);
    }
    free(d->images);
    free(d->labels);
    free(d);
}
END_TEST

START_TEST(sgd_step_skips_frozen)
{
    /* one dense layer 2 -> 1, its weight frozen, its bias not: a step with
     * gradients and decay moves only the bias, and the frozen weight's
     * velocity stays 0 */
    Net *net = net_create("sgd-frozen", (CnShape){ 2, 1, 1 });
    net_add(net, "fc", dense_create(1));
    ck_assert(net_ok(net));
    CnParam *w = net_param(net, 0, NULL), *b = net_param(net, 1, NULL);
    w->value[0] = 0.5f, w->value[1] = -1.0f, b->value[0] = 0.2f;
    w->frozen = 1;
    Sgd *opt = sgd_create(net, 0.9f, 0.1f);
    ck_assert_ptr_nonnull(opt);
    for (int step = 0; step < 3; step++) {
        w->grad[0] = 0.1f, w->grad[1] = 0.2f, b->grad[0] = 0.3f;
        sgd_step(opt, 0.1f);
    }
    ck_assert(w->value[0] == 0.5f && w->value[1] == -1.0f);
    ck_assert(opt->velocity[0][0] == 0.0f && opt->velocity[0][1] == 0.0f);
    ck_assert_msg(b->value[0] < 0.2f, "the bias did not move: %g", (double)b->value[0]);
    /* unfreezing: the next step moves it */
    w->frozen = 0;
    sgd_step(opt, 0.1f);
    ck_assert(w->value[0] != 0.5f);
    sgd_free(opt);
    net_free(net);
}
END_TEST

Suite *freeze_suite(void)
{
    Suite *s = suite_create("freeze");
    TCase *tc = tcase_create("freeze");
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, sgd_step_skips_frozen);
    tcase_add_test(tc, frozen_first_layer_is_bit_identical);
    suite_add_tcase(s, tc);
    return s;
}
