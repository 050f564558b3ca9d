/* check_train.c - the training loop: the loss drops, a diverging run stops
 * with a useful message, 1 and 2 threads give the same bits, a resumed run
 * ends exactly where an uninterrupted one ends, evaluation counts add up. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/activation.h"
#include "core/conv_layer.h"
#include "core/dense.h"
#include "core/dropout.h"
#include "core/error.h"
#include "core/model_io.h"
#include "core/net.h"
#include "core/optim.h"
#include "core/paths.h"
#include "core/rng.h"
#include "core/threads.h"
#include "core/train.h"
#include "datasets/dataset.h"
#include "tests/support.h"

/* --- a synthetic dataset: bars on 8x8 images ------------------------------ */

static const char *const bar_names[3] = { "horizontal", "vertical", "diagonal" };

/* Class 0: a horizontal bar on a random row; 1: a vertical bar; 2: one of
 * the two diagonals. Bars are bright (200..255) on dim noise (0..60). */
static Dataset *bars(int count, uint64_t seed)
{
    Dataset *d = calloc(1, sizeof *d);
    ck_assert_ptr_nonnull(d);
    d->count = count, d->height = 8, d->width = 8, d->nclasses = 3;
    d->images = malloc((size_t)count * 64);
    d->labels = malloc((size_t)count);
    ck_assert_ptr_nonnull(d->images);
    ck_assert_ptr_nonnull(d->labels);
    d->class_names = bar_names;
    snprintf(d->name, sizeof d->name, "bars %d", count);
    Rng r;
    rng_seed(&r, seed, 17);
    for (int i = 0; i < count; i++) {
        unsigned char *im = d->images + (size_t)i * 64;
        int c = (int)rng_below(&r, 3), at = (int)rng_below(&r, 8), flip = (int)rng_below(&r, 2);
        for (int p = 0; p < 64; p++) im[p] = (unsigned char)rng_below(&r, 61);
        for (int k = 0; k < 8; k++) {
            int y = c == 0 ? at : k, x = c == 1 ? at : c == 0 ? k : (flip ? 7 - k : k);
            im[y * 8 + x] = (unsigned char)(200 + rng_below(&r, 56));
        }
        d->labels[i] = (unsigned char)c;
    }
    return d;
}

static void bars_free(Dataset *d)
{
    free(d->images);
    free(d->labels);
    free(d);
}

/* conv 4 3x3 pad 1 -> relu -> conv 8 3x3 stride 2 -> relu -> [fifth] -> dense 3 */
static Net *small_net(const char *name, Layer *fifth, uint64_t init_seed)
{
    Net *net = net_create(name, (CnShape){ 1, 8, 8 });
    net_add(net, "C1", conv2d_create(4, 3, 3, 1, 1, 1, CONV_OP_CORRELATE));
    net_add(net, "relu1", relu_create());
    net_add(net, "C2", conv2d_create(8, 3, 3, 2, 0, 1, CONV_OP_CORRELATE));
    net_add(net, "relu2", relu_create());
    if (fifth) net_add(net, "fifth", fifth);
    net_add(net, "fc", dense_create(3));
    ck_assert_msg(net_ok(net), "%s", cn_last_error());
    Rng r;
    rng_seed(&r, init_seed, 0);
    net_init(net, INIT_HE, &r);
    return net;
}

static Net *bar_net(uint64_t init_seed) { return small_net("bars", dropout_create(0.25f, 3), init_seed); }
/* the same without dropout */
static Net *plain_net(uint64_t init_seed) { return small_net("bars-plain", NULL, init_seed); }

/* Shift the image by -1, 0 or +1 pixels horizontally (zeros come in). */
static void shift_augment(float *img, int c, int h, int w, Rng *r, void *ctx)
{
    int *calls = ctx;
    if (calls) (*calls)++;
    int s = (int)rng_below(r, 3) - 1;
    if (s == 0) return;
    for (int ch = 0; ch < c; ch++)
        for (int y = 0; y < h; y++) {
            float *row = img + ((size_t)ch * h + y) * w;
            if (s > 0) {
                for (int x = w - 1; x > 0; x--) row[x] = row[x - 1];
                row[0] = 0.0f;
            } else {
                for (int x = 0; x < w - 1; x++) row[x] = row[x + 1];
                row[w - 1] = 0.0f;
            }
        }
}

static TrainConfig bar_config(void)
{
    TrainConfig cfg = train_defaults();
    cfg.epochs = 3;
    cfg.batch = 16;
    cfg.lr = optim_schedule_constant(0.05f);
    cfg.momentum = 0.9f;
    cfg.weight_decay = 1e-4f;
    cfg.seed = 42;
    cfg.quiet = 1;
    return cfg;
}

static void expect_same_history(const TrainHistory *a, const TrainHistory *b, const char *what)
{
    ck_assert_int_eq(a->n, b->n);
    for (int e = 0; e < a->n; e++) {
        const EpochStats *x = &a->e[e], *y = &b->e[e];
        ck_assert_int_eq(x->epoch, y->epoch);
        const double vx[5] = { x->train_loss, x->train_acc, x->test_loss, x->test_acc, x->lr };
        const double vy[5] = { y->train_loss, y->train_acc, y->test_loss, y->test_acc, y->lr };
        ck_assert_msg(memcmp(vx, vy, sizeof vx) == 0,
                      "%s: epoch %d differs: loss %.17g vs %.17g, acc %.17g vs %.17g, test loss %.17g vs %.17g",
                      what, x->epoch, x->train_loss, y->train_loss, x->train_acc, y->train_acc, x->test_loss,
                      y->test_loss);
    }
}

/* Two runs that must agree to the bit: the same weights and history. Frees
 * both networks and histories. */
static void expect_same_runs(Net *a, Net *b, TrainHistory *h1, TrainHistory *h2, const char *what)
{
    assert_same_params(a, b, what);
    expect_same_history(h1, h2, what);
    train_history_free(h1);
    train_history_free(h2);
    net_free(a);
    net_free(b);
}

/* --- tests -------------------------------------------------------------------- */

START_TEST(loss_drops)
{
    Dataset *train = bars(480, 1), *test = bars(150, 2);
    Net *net = bar_net(7);
    EvalResult before = { 0 };
    ck_assert_int_eq(net_evaluate(net, test, 0, &before), 0);
    TrainConfig cfg = bar_config();
    cfg.epochs = 5;
    int calls = 0;
    cfg.augment = shift_augment;
    cfg.augment_ctx = &calls;
    TrainHistory h = { 0 };
    ck_assert_msg(train_run(net, train, test, &cfg, &h) == 0, "%s", cn_last_error());
    ck_assert_int_eq(h.n, 5);
    ck_assert_int_eq(calls, 5 * 480);  /* once per sample per epoch */
    double first = h.e[0].train_loss, last = h.e[4].train_loss;
    ck_assert_msg(last < 0.5 * first, "train loss %.4f -> %.4f: it did not halve", first, last);
    ck_assert_msg(h.e[4].test_loss < 0.5 * before.loss, "test loss %.4f -> %.4f", before.loss, h.e[4].test_loss);
    ck_assert_msg(h.e[4].test_acc > 0.9, "test accuracy %.3f after 5 epochs (before %.3f)", h.e[4].test_acc,
                  before.accuracy);
    for (int e = 0; e < 5; e++) {
        ck_assert_int_eq(h.e[e].epoch, e + 1);
        ck_assert_double_eq(h.e[e].lr, 0.05f);
        ck_assert(h.e[e].seconds >= 0 && h.e[e].images_per_s > 0);
    }
    /* The net is left in evaluation mode. */
    ck_assert_int_eq(net_layer(net, 4)->training, 0);
    train_eval_result_free(&before);
    train_history_free(&h);
    net_free(net);
    bars_free(train);
    bars_free(test);
}
END_TEST

START_TEST(diverging_loss_stops_the_run)
{
    Dataset *train = bars(160, 1);
    Net *net = bar_net(7);
    TrainConfig cfg = bar_config();
    cfg.lr = optim_schedule_constant(1e6f);
    TrainHistory h = { 0 };
    ck_assert_int_eq(train_run(net, train, NULL, &cfg, &h), -1);
    const char *e = cn_last_error();
    ck_assert_msg(strstr(e, "training stopped") && strstr(e, "at epoch 1, batch ") && strstr(e, "layer ") &&
                      strstr(e, "learning rate 1e+06") && strstr(e, "try 100000"),
                  "message: %s", e);
    ck_assert_int_eq(h.n, 0);
    train_history_free(&h);
    net_free(net);
    bars_free(train);
}
END_TEST

/* --- a layer whose gradient goes bad: identity forward; its one parameter
 * gets a NaN gradient on the `bad_call`-th backward --------------------------- */

typedef struct {
    Layer base;
    int calls, bad_call;
} Poison;

static int poison_setup(Layer *l)
{
    l->out = l->in;
    l->fan_in = l->fan_out = 1;
    l->rf_k = l->rf_s = 1;
    return layer_alloc_param(l, 0, "gain", 0, 1, 1, 1, 1);
}

static void poison_forward(Layer *l, float *y, const float *x, int B)
{
    memcpy(y, x, (size_t)B * shape_size(l->in) * sizeof *y);
}

static void poison_backward(Layer *l, float *dx, const float *dy, const float *x, const float *y, int B)
{
    (void)x, (void)y;
    Poison *p = (Poison *)l;
    if (dx)
        for (size_t i = 0; i < (size_t)B * shape_size(l->in); i++) dx[i] += dy[i];
    if (++p->calls == p->bad_call) l->param[0].grad[0] = NAN;
}

static void poison_destroy(Layer *l)
{
    layer_free_params(l);
    free(l);
}

static const LayerOps poison_ops = { "poison", poison_setup, NULL, poison_forward, poison_backward, NULL,
                                     poison_destroy };

/* Training stops at the first non-finite gradient, naming the step and the
 * layer, before the step spreads it into the weights. */
START_TEST(non_finite_gradient_stops_the_run)
{
    Dataset *train = bars(160, 1);
    Net *net = net_create("poisoned", (CnShape){ 1, 8, 8 });
    Poison *p = calloc(1, sizeof *p);
    ck_assert_ptr_nonnull(p);
    p->base.ops = &poison_ops;
    p->bad_call = 3;
    net_add(net, "C1", conv2d_create(4, 3, 3, 1, 1, 1, CONV_OP_CORRELATE));
    net_add(net, "P", &p->base);
    net_add(net, "fc", dense_create(3));
    ck_assert_msg(net_ok(net), "%s", cn_last_error());
    Rng r;
    rng_seed(&r, 1, 0);
    net_init(net, INIT_HE, &r);
    TrainConfig cfg = bar_config();
    TrainHistory h = { 0 };
    ck_assert_int_eq(train_run(net, train, NULL, &cfg, &h), -1);
    const char *e = cn_last_error();
    ck_assert_msg(strstr(e, "training stopped") && strstr(e, "gradient of layer P's gain became nan") &&
                      strstr(e, "at epoch 1, batch 3"), "message: %s", e);
    CnParam *gain = net_param(net, 2, NULL);
    ck_assert_msg(isfinite(gain->value[0]), "the NaN reached the weight");
    ck_assert_int_eq(h.n, 0);
    train_history_free(&h);
    net_free(net);
    bars_free(train);
}
END_TEST

/* The net remembers the names of the classes it was trained on. */
START_TEST(training_records_the_class_names)
{
    Dataset *train = bars(32, 1);
    Net *net = plain_net(7);
    ck_assert_int_eq(net->nclasses, 0);
    TrainConfig cfg = bar_config();
    cfg.epochs = 1;
    ck_assert_msg(train_run(net, train, NULL, &cfg, NULL) == 0, "%s", cn_last_error());
    ck_assert_int_eq(net->nclasses, 3);
    for (int k = 0; k < 3; k++) ck_assert_str_eq(net->classes[k], bar_names[k]);
    net_free(net);
    bars_free(train);
}
END_TEST

/* Train with n threads; returns the net (for its params) and the history. */
static Net *run_threads(int threads, const Dataset *train, const Dataset *test, TrainHistory *h)
{
    omp_set_num_threads(threads);
    Net *net = bar_net(7);
    TrainConfig cfg = bar_config();
    cfg.augment = shift_augment;
    cfg.lr = optim_schedule_cosine(0.05f, 3, 0.0f);
    ck_assert_msg(train_run(net, train, test, &cfg, h) == 0, "%s", cn_last_error());
    return net;
}

START_TEST(same_bits_with_1_and_2_threads)
{
    Dataset *train = bars(200, 1), *test = bars(60, 2);
    TrainHistory h1 = { 0 }, h2 = { 0 };
    Net *a = run_threads(1, train, test, &h1), *b = run_threads(2, train, test, &h2);
    assert_same_params(a, b, "1 vs 2 threads");
    expect_same_history(&h1, &h2, "1 vs 2 threads");
    /* and a different seed really gives other numbers */
    TrainConfig cfg = bar_config();
    cfg.seed = 43;
    TrainHistory h3 = { 0 };
    Net *c = bar_net(7);
    ck_assert_int_eq(train_run(c, train, test, &cfg, &h3), 0);
    ck_assert(h3.e[2].train_loss != h1.e[2].train_loss);
    train_history_free(&h1);
    train_history_free(&h2);
    train_history_free(&h3);
    net_free(a);
    net_free(b);
    net_free(c);
    bars_free(train);
    bars_free(test);
}
END_TEST

static char dir[64];

static void make_dir(void)
{
    snprintf(dir, sizeof dir, "/tmp/cn_train_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void remove_dir(void) { remove_tree(dir, 0); }

START_TEST(resume_equals_uninterrupted)
{
    make_dir();
    char ck_full[128], ck_part[128], hist[128];
    snprintf(ck_full, sizeof ck_full, "%s/full.ckpt", dir);
    snprintf(ck_part, sizeof ck_part, "%s/part.ckpt", dir);
    snprintf(hist, sizeof hist, "%s/history.dat", dir);
    Dataset *train = bars(200, 1), *test = bars(60, 2);
    /* Everything random or stateful is on: augmentation, dropout, momentum,
     * decay, a schedule that changes within epochs. */
    TrainConfig cfg = bar_config();
    cfg.augment = shift_augment;
    cfg.lr = optim_schedule_cosine(0.05f, 3, 0.001f);
    cfg.lr.warmup_epochs = 0.5f;

    /* Uninterrupted: 3 epochs. */
    TrainHistory full = { 0 };
    cfg.checkpoint = ck_full;
    Net *a = bar_net(7);
    ck_assert_msg(train_run(a, train, test, &cfg, &full) == 0, "%s", cn_last_error());

    /* Interrupted: 1 epoch, then a new process builds the net again (another
     * init, which the checkpoint overrides) and resumes to 3. */
    TrainHistory part = { 0 };
    cfg.checkpoint = ck_part;
    cfg.history = hist;
    cfg.epochs = 1;
    Net *b = bar_net(7);
    ck_assert_msg(train_run(b, train, test, &cfg, &part) == 0, "%s", cn_last_error());
    ck_assert_int_eq(part.n, 1);
    net_free(b);
    b = bar_net(99);
    cfg.epochs = 3;
    cfg.resume = 1;
    ck_assert_msg(train_run(b, train, test, &cfg, &part) == 0, "%s", cn_last_error());
    ck_assert_int_eq(part.n, 3);
    assert_same_params(a, b, "resumed vs uninterrupted");
    expect_same_history(&full, &part, "resumed vs uninterrupted");

    /* The history file has the header and one row per epoch. */
    FILE *f = fopen(hist, "r");
    ck_assert_ptr_nonnull(f);
    char line[256];
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
    ck_assert_str_eq(line, "# epoch train_loss train_acc test_loss test_acc lr seconds images_per_s\n");
    int rows = 0, ep;
    double loss;
    while (fgets(line, sizeof line, f)) {
        ck_assert_int_eq(sscanf(line, "%d %lf", &ep, &loss), 2);
        ck_assert_int_eq(ep, ++rows);
        ck_assert_double_eq_tol(loss, full.e[rows - 1].train_loss, 1e-6);
    }
    ck_assert_int_eq(rows, 3);
    fclose(f);

    /* Resuming a finished run trains nothing and returns its history. */
    TrainHistory again = { 0 };
    ck_assert_int_eq(train_run(b, train, test, &cfg, &again), 0);
    expect_same_history(&full, &again, "resumed after the end");
    assert_same_params(a, b, "resumed after the end");

    /* Resuming with other settings is refused. */
    cfg.batch = 8;
    ck_assert_int_eq(train_run(b, train, test, &cfg, &again), -1);
    ck_assert_msg(strstr(cn_last_error(), "batch 16"), "%s", cn_last_error());

    train_history_free(&full);
    train_history_free(&part);
    train_history_free(&again);
    net_free(a);
    net_free(b);
    bars_free(train);
    bars_free(test);
    remove_dir();
}
END_TEST

START_TEST(progress_lines_off_a_terminal)
{
    Dataset *train = bars(64, 1);
    Net *net = bar_net(7);
    TrainConfig cfg = bar_config();
    cfg.epochs = 2;
    cfg.quiet = 0;
    char *text = NULL;
    size_t len = 0;
    cfg.log = open_memstream(&text, &len);
    ck_assert_ptr_nonnull(cfg.log);
    ck_assert_int_eq(train_run(net, train, NULL, &cfg, NULL), 0);
    ck_assert_int_eq(fclose(cfg.log), 0);
    /* Not a terminal: no carriage returns, one line per epoch. */
    ck_assert_ptr_null(strchr(text, '\r'));
    ck_assert_msg(strstr(text, "epoch 1/2  loss ") && strstr(text, "epoch 2/2  loss ") && strstr(text, "img/s\n"),
                  "%s", text);
    int lines = 0;
    for (const char *p = text; *p; p++) lines += *p == '\n';
    ck_assert_int_eq(lines, 2);
    free(text);
    net_free(net);
    bars_free(train);
}
END_TEST

START_TEST(evaluation_counts)
{
    Dataset *train = bars(320, 1), *test = bars(97, 2);
    Net *net = bar_net(7);
    TrainConfig cfg = bar_config();
    ck_assert_int_eq(train_run(net, train, NULL, &cfg, NULL), 0);
    EvalResult r = { .want_pred = 1 };
    ck_assert_int_eq(net_evaluate(net, test, 0, &r), 0);
    ck_assert_int_eq(r.n, 97);
    ck_assert_int_eq(r.nclasses, 3);
    int total = 0, diag = 0;
    for (int t = 0; t < 3; t++)
        for (int p = 0; p < 3; p++) {
            total += r.confusion[t * 3 + p];
            diag += t == p ? r.confusion[t * 3 + p] : 0;
        }
    ck_assert_int_eq(total, 97);
    ck_assert_double_eq_tol(r.accuracy, diag / 97.0, 1e-12);
    int right = 0;
    for (int i = 0; i < 97; i++) {
        right += r.pred[i] == test->labels[i];
        double s = 0;
        for (int k = 0; k < 3; k++) s += r.prob[i * 3 + k];
        ck_assert_double_eq_tol(s, 1.0, 1e-5);
    }
    ck_assert_int_eq(right, diag);
    /* A limit, and a second call on the same result (frees the first). */
    ck_assert_int_eq(net_evaluate(net, test, 10, &r), 0);
    ck_assert_int_eq(r.n, 10);
    train_eval_result_free(&r);
    ck_assert_ptr_null(r.confusion);
    ck_assert_int_eq(r.want_pred, 1);
    net_free(net);
    bars_free(train);
    bars_free(test);
}
END_TEST

/* View v of a picture: its pixels times (v + 1), so a test can tell the
 * views apart and compute their average by hand. */
static void scale_view(float *img, int c, int h, int w, int view, void *ctx)
{
    int *calls = ctx;
    (*calls)++;
    for (int i = 0; i < c * h * w; i++) img[i] *= (float)(view + 1);
}

START_TEST(evaluation_with_views)
{
    Dataset *train = bars(320, 1), *test = bars(53, 2);
    Net *net = bar_net(7);
    TrainConfig cfg = bar_config();
    ck_assert_int_eq(train_run(net, train, NULL, &cfg, NULL), 0);
    /* one view without a function is net_evaluate, bit for bit */
    EvalResult a = { .want_pred = 1 }, b = { .want_pred = 1 };
    ck_assert_int_eq(net_evaluate(net, test, 0, &a), 0);
    ck_assert_int_eq(net_evaluate_views(net, test, 0, NULL, 1, NULL, &b), 0);
    ck_assert(a.accuracy == b.accuracy && a.loss == b.loss);
    ck_assert(memcmp(a.prob, b.prob, (size_t)a.n * 3 * sizeof *a.prob) == 0);
    /* three views: the averaged probabilities are the mean of three single
     * evaluations of the scaled pictures, done here by hand */
    int calls = 0;
    ck_assert_int_eq(net_evaluate_views(net, test, 0, scale_view, 3, &calls, &b), 0);
    ck_assert_int_eq(calls, 3 * test->count);
    float *x = malloc((size_t)test->count * 64 * sizeof *x);
    ck_assert_ptr_nonnull(x);
    double want[53 * 3] = { 0 }, loss = 0.0;
    for (int v = 0; v < 3; v++) {
        net_input_from_u8(net, x, test->images, (size_t)test->count * 64);
        for (int i = 0; i < test->count * 64; i++) x[i] *= (float)(v + 1);
        const float *z = net_forward(net, x, test->count);
        ck_assert_ptr_nonnull(z);
        for (int i = 0; i < test->count; i++) {
            double m = fmax(z[i * 3], fmax(z[i * 3 + 1], z[i * 3 + 2])), e[3], t = 0.0;
            for (int k = 0; k < 3; k++) t += e[k] = exp(z[i * 3 + k] - m);
            for (int k = 0; k < 3; k++) want[i * 3 + k] += e[k] / t / 3.0;
        }
    }
    int right = 0;
    for (int i = 0; i < test->count; i++) {
        for (int k = 0; k < 3; k++)
            ck_assert_msg(fabs(b.prob[i * 3 + k] - want[i * 3 + k]) < 1e-5, "picture %d class %d: %g vs %g", i, k,
                          (double)b.prob[i * 3 + k], want[i * 3 + k]);
        loss -= log(want[i * 3 + test->labels[i]]) / test->count;
        right += b.pred[i] == test->labels[i];
    }
    ck_assert_double_eq_tol(b.loss, loss, 1e-4);
    ck_assert_double_eq_tol(b.accuracy, right / (double)test->count, 1e-12);
    /* several views need a function */
    ck_assert_int_eq(net_evaluate_views(net, test, 0, NULL, 2, NULL, &b), -1);
    ck_assert_msg(strstr(cn_last_error(), "view function"), "%s", cn_last_error());
    free(x);
    train_eval_result_free(&a);
    train_eval_result_free(&b);
    net_free(net);
    bars_free(train);
    bars_free(test);
}
END_TEST

START_TEST(mismatches_are_refused)
{
    Dataset *train = bars(32, 1);
    TrainConfig cfg = bar_config();
    /* input size */
    Net *net = net_create("wrong-input", (CnShape){ 1, 10, 10 });
    net_add(net, "fc", dense_create(3));
    ck_assert_int_eq(train_run(net, train, NULL, &cfg, NULL), -1);
    ck_assert_msg(strstr(cn_last_error(), "1x10x10") && strstr(cn_last_error(), "1x8x8"), "%s", cn_last_error());
    net_free(net);
    /* number of classes */
    net = net_create("wrong-classes", (CnShape){ 1, 8, 8 });
    net_add(net, "fc", dense_create(5));
    ck_assert_int_eq(train_run(net, train, NULL, &cfg, NULL), -1);
    ck_assert_msg(strstr(cn_last_error(), "3 classes") && strstr(cn_last_error(), "dense_create(3)"), "%s",
                  cn_last_error());
    /* config */
    net_free(net);
    net = bar_net(1);
    cfg.batch = 0;
    ck_assert_int_eq(train_run(net, train, NULL, &cfg, NULL), -1);
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "batch"));
    cfg = bar_config();
    cfg.resume = 1;
    ck_assert_int_eq(train_run(net, train, NULL, &cfg, NULL), -1);
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "checkpoint"));
    cfg = bar_config();
    cfg.label_smoothing = 1.0f;
    ck_assert_int_eq(train_run(net, train, NULL, &cfg, NULL), -1);
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "label_smoothing 1"));
    net_free(net);
    bars_free(train);
}
END_TEST

/* A real subset: 2,000 MNIST digits, one epoch, a small conv net. */
START_TEST(mnist_subset_learns)
{
    Dataset *train = dataset_load("mnist-sample", 1), *test = dataset_load("mnist-sample", 0);
    ck_assert_msg(train && test, "%s", cn_last_error());
    Net *net = net_create("mnist-small", (CnShape){ 1, 28, 28 });
    net_add(net, "C1", conv2d_create(6, 5, 5, 2, 2, 1, CONV_OP_CORRELATE));
    net_add(net, "relu1", relu_create());
    net_add(net, "C2", conv2d_create(12, 5, 5, 2, 2, 1, CONV_OP_CORRELATE));
    net_add(net, "relu2", relu_create());
    net_add(net, "fc", dense_create(10));
    ck_assert_msg(net_ok(net), "%s", cn_last_error());
    Rng r;
    rng_seed(&r, 1, 0);
    net_init(net, INIT_HE, &r);
    TrainConfig cfg = train_defaults();
    cfg.epochs = 1;
    cfg.batch = 32;
    cfg.lr = optim_schedule_constant(0.05f);
    cfg.train_limit = 2000;
    cfg.test_limit = 500;
    cfg.quiet = 1;
    TrainHistory h = { 0 };
    ck_assert_msg(train_run(net, train, test, &cfg, &h) == 0, "%s", cn_last_error());
    ck_assert_msg(h.e[0].test_acc > 0.8, "test accuracy %.3f after one epoch on 2,000 digits", h.e[0].test_acc);
    ck_assert_msg(h.e[0].test_loss < 0.8, "test loss %.3f", h.e[0].test_loss);
    train_history_free(&h);
    net_free(net);
    dataset_free(train);
    dataset_free(test);
}
END_TEST

/* --- two halves (cfg.replica) ---------------------------------------------------- */

/* Train bar_net (dropout included) in two halves with n threads, batch B. */
static Net *run_halves(int threads, int B, const Dataset *train, const Dataset *test, TrainHistory *h)
{
    omp_set_num_threads(threads);
    Net *net = bar_net(7), *half = bar_net(99); /* the replica's own weights must not matter */
    TrainConfig cfg = bar_config();
    cfg.batch = B;
    cfg.augment = shift_augment;
    cfg.replica = half;
    ck_assert_msg(train_run(net, train, test, &cfg, h) == 0, "%s", cn_last_error());
    assert_same_params(net, half, "the replica after training");
    net_free(half);
    return net;
}

START_TEST(halves_same_bits_with_1_and_2_threads)
{
    Dataset *train = bars(200, 1), *test = bars(60, 2);
    /* batch 15: halves of 8 and 7, and a last batch of 5 (3 + 2) */
    TrainHistory h1 = { 0 }, h2 = { 0 };
    Net *a = run_halves(1, 15, train, test, &h1), *b = run_halves(2, 15, train, test, &h2);
    /* it learns (chance: 1/3; with dropout on a quarter of C2's units, 54 of 60 after 3 epochs) */
    ck_assert_msg(h1.e[2].test_acc > 0.85, "test accuracy %.3f after 3 epochs in halves", h1.e[2].test_acc);
    expect_same_runs(a, b, &h1, &h2, "halves, 1 vs 2 threads");
    bars_free(train);
    bars_free(test);
}
END_TEST

/* Largest |a - b| / (1 + |b|) over every parameter. */
static double param_gap(Net *a, Net *b)
{
    double worst = 0.0;
    for (int k = 0; k < net_nparams(a); k++) {
        const CnParam *p = net_param(a, k, NULL), *q = net_param(b, k, NULL);
        for (size_t i = 0; i < p->n; i++) {
            const double d = fabs((double)p->value[i] - q->value[i]) / (1.0 + fabs((double)q->value[i]));
            if (d > worst) worst = d;
        }
    }
    return worst;
}

/* One step in two halves is the same step as on one network, up to the
 * rounding of a sum taken in another order, dropout included: each half gets
 * its samples' part of the masks one network would draw. With batch 1 the
 * second half is empty and the step is the same to the bit. */
START_TEST(halves_take_the_same_step)
{
    Dataset *train = bars(16, 1);
    TrainConfig cfg = bar_config();
    cfg.epochs = 1;
    cfg.lr = optim_schedule_constant(0.5f); /* a large step shows a wrong gradient clearly */
    Net *one = bar_net(7), *two = bar_net(7), *half = bar_net(7);
    TrainHistory h1 = { 0 }, h2 = { 0 };
    ck_assert_msg(train_run(one, train, NULL, &cfg, &h1) == 0, "%s", cn_last_error());
    cfg.replica = half;
    ck_assert_msg(train_run(two, train, NULL, &cfg, &h2) == 0, "%s", cn_last_error());
    Net *start = bar_net(7);
    const double step = param_gap(one, start), gap = param_gap(two, one);
    ck_assert_msg(step > 1e-2, "the step moved the weights by only %g", step);
    ck_assert_msg(gap < 1e-5, "halves vs one network after one step: largest relative difference %g", gap);
    ck_assert_msg(fabs(h1.e[0].train_loss - h2.e[0].train_loss) < 1e-6, "loss %.9g vs %.9g", h1.e[0].train_loss,
                  h2.e[0].train_loss);
    net_free(one), net_free(two), net_free(half), net_free(start);
    train_history_free(&h1);
    train_history_free(&h2);

    /* batch 1: everything in the first half */
    cfg = bar_config();
    cfg.batch = 1;
    cfg.epochs = 1;
    one = bar_net(7), two = bar_net(7), half = bar_net(7);
    ck_assert_msg(train_run(one, train, NULL, &cfg, NULL) == 0, "%s", cn_last_error());
    cfg.replica = half;
    ck_assert_msg(train_run(two, train, NULL, &cfg, NULL) == 0, "%s", cn_last_error());
    assert_same_params(one, two, "batch 1, halves vs one network");
    net_free(one), net_free(two), net_free(half);
    bars_free(train);
}
END_TEST

/* In halves, a run resumed from its checkpoint ends where an uninterrupted
 * one ends: the dropout masks come from net's generators, which the
 * checkpoint saves, never from the replica's. */
START_TEST(halves_resume_equals_uninterrupted)
{
    make_dir();
    char ck_full[128], ck_part[128];
    snprintf(ck_full, sizeof ck_full, "%s/halves_full.ckpt", dir);
    snprintf(ck_part, sizeof ck_part, "%s/halves_part.ckpt", dir);
    Dataset *train = bars(120, 1);
    TrainConfig cfg = bar_config();
    cfg.augment = shift_augment;
    Net *a = bar_net(7), *b = bar_net(7), *half = bar_net(7);
    cfg.replica = half;
    cfg.checkpoint = ck_full;
    ck_assert_msg(train_run(a, train, NULL, &cfg, NULL) == 0, "%s", cn_last_error());
    cfg.checkpoint = ck_part;
    cfg.epochs = 1;
    ck_assert_msg(train_run(b, train, NULL, &cfg, NULL) == 0, "%s", cn_last_error());
    net_free(b), net_free(half);
    b = bar_net(99), half = bar_net(5); /* a new process: other weights, fresh generators */
    cfg.replica = half;
    cfg.epochs = 3;
    cfg.resume = 1;
    ck_assert_msg(train_run(b, train, NULL, &cfg, NULL) == 0, "%s", cn_last_error());
    assert_same_params(a, b, "halves, resumed vs uninterrupted");
    net_free(a), net_free(b), net_free(half);
    bars_free(train);
}
END_TEST

START_TEST(bad_replicas_are_refused)
{
    Dataset *train = bars(32, 1);
    TrainConfig cfg = bar_config();
    Net *net = plain_net(1), *other = bar_net(1);
    cfg.replica = other; /* another architecture */
    ck_assert_int_eq(train_run(net, train, NULL, &cfg, NULL), -1);
    ck_assert_msg(strstr(cn_last_error(), "not built like") && strstr(cn_last_error(), "same constructor"), "%s",
                  cn_last_error());
    cfg.replica = net; /* itself */
    ck_assert_int_eq(train_run(net, train, NULL, &cfg, NULL), -1);
    ck_assert_msg(strstr(cn_last_error(), "second network"), "%s", cn_last_error());
    /* the same name, layers and parameters, but a ReLU where net has dropout */
    Net *drop = bar_net(1), *relu = small_net("bars", relu_create(), 1);
    cfg.replica = relu;
    ck_assert_int_eq(train_run(drop, train, NULL, &cfg, NULL), -1);
    ck_assert_msg(strstr(cn_last_error(), "layer 5") && strstr(cn_last_error(), "relu") &&
                      strstr(cn_last_error(), "dropout"), "%s", cn_last_error());
    net_free(net), net_free(other), net_free(drop), net_free(relu);
    bars_free(train);
}
END_TEST

/* --- the watcher (cfg.watch) ------------------------------------------------------ */

typedef struct {
    int starting, in_epoch, epoch_done;
    int bad;              /* calls that saw something wrong; why in msg */
    char msg[256];
    int last_done;
    const Dataset *test;
} Watched;

/* Records the calls, and runs the net forward on a few test images, as a
 * live view does. */
static void watcher(Net *net, const TrainHistory *h, const TrainWatchInfo *at, void *ctx)
{
    Watched *w = ctx;
    if (net->layer[0]->training && !w->bad++) snprintf(w->msg, sizeof w->msg, "called in training mode");
    if (at->epochs != 3 && !w->bad++) snprintf(w->msg, sizeof w->msg, "epochs %d, not 3", at->epochs);
    if (at->moment == TRAIN_STARTING) {
        w->starting++;
        if ((at->epoch != 0 || h->n != 0) && !w->bad++) snprintf(w->msg, sizeof w->msg, "start at epoch %d", at->epoch);
    } else if (at->moment == TRAIN_EPOCH_DONE) {
        w->epoch_done++;
        if ((h->n != at->epoch || at->epoch != w->epoch_done) && !w->bad++)
            snprintf(w->msg, sizeof w->msg, "epoch %d done with %d rows", at->epoch, h->n);
        w->last_done = 0;
    } else {
        w->in_epoch++;
        if ((at->done <= w->last_done || at->done >= at->total || !(at->loss > 0) || h->n != at->epoch - 1) &&
            !w->bad++)
            snprintf(w->msg, sizeof w->msg, "in epoch %d: %d of %d images, loss %g, %d rows", at->epoch, at->done,
                     at->total, at->loss, h->n);
        w->last_done = at->done;
    }
    float x[5 * 64];
    net_input_from_u8(net, x, w->test->images, 5 * 64);
    if (!net_forward(net, x, 5) && !w->bad++) snprintf(w->msg, sizeof w->msg, "forward: %s", cn_last_error());
}

/* Train a fresh network (with dropout; whole or in two halves) with or
 * without the watcher. */
static Net *run_watched(int halves, const Dataset *train, const Dataset *test, Watched *w, TrainHistory *h)
{
    Net *net = bar_net(7), *half = halves ? bar_net(7) : NULL;
    TrainConfig cfg = bar_config();
    cfg.augment = shift_augment;
    cfg.replica = half;
    if (w) {
        cfg.watch = watcher;
        cfg.watch_ctx = w;
        cfg.watch_seconds = 1e-9; /* after every batch but an epoch's last */
    }
    ck_assert_msg(train_run(net, train, test, &cfg, h) == 0, "%s", cn_last_error());
    net_free(half);
    return net;
}

/* The watcher is called at the start, within every epoch and after it, with
 * the net in evaluation mode; its forward passes change nothing: the same
 * weights and history to the bit, with dropout and in two halves. */
START_TEST(watcher_sees_training_and_changes_nothing)
{
    Dataset *train = bars(480, 1), *test = bars(60, 2);
    for (int halves = 0; halves < 2; halves++) {
        Watched w = { .test = test };
        TrainHistory h1 = { 0 }, h2 = { 0 };
        Net *a = run_watched(halves, train, test, NULL, &h1), *b = run_watched(halves, train, test, &w, &h2);
        ck_assert_msg(!w.bad, "%d bad calls, the first: %s", w.bad, w.msg);
        ck_assert_int_eq(w.starting, 1);
        ck_assert_int_eq(w.epoch_done, 3);
        ck_assert_int_eq(w.in_epoch, 3 * (480 / 16 - 1));
        ck_assert_int_eq(net_layer(b, 0)->training, 0);
        expect_same_runs(a, b, &h1, &h2, halves ? "halves, watched or not" : "dropout, watched or not");
    }
    bars_free(train);
    bars_free(test);
}
END_TEST

/* What the OpenMP runtime of a program that trains read at its start
 * (OMP_DISPLAY_ENV=verbose prints it): passive waiting (no spinning at all)
 * when the user set nothing, with the user's other settings kept; the
 * user's choice when they made one. libgomp reads them when it is loaded;
 * clang's runtime only at the first parallel region, which --help never
 * reaches, so the check is gcc's. */
START_TEST(waits_passively_unless_told)
{
#if defined(_OPENMP) && !defined(__clang__) && defined(__linux__)
    const char *src = cn_source_root();
    ck_assert_msg(src != NULL, "%s", cn_last_error());
    const char *build = getenv("CN_BUILD");
    if (!build || !*build) build = CN_BUILD_DIR;
    const struct {
        const char *set, *want[2];
    } cases[] = {
        { "", { "OMP_WAIT_POLICY = 'PASSIVE'", "GOMP_SPINCOUNT = '0'" } },
        { "OMP_NUM_THREADS=1", { "OMP_NUM_THREADS = '1'", "GOMP_SPINCOUNT = '0'" } },
        { "OMP_WAIT_POLICY=active", { "OMP_WAIT_POLICY = 'ACTIVE'", "GOMP_SPINCOUNT = '30000000000'" } },
        { "GOMP_SPINCOUNT=1000", { "GOMP_SPINCOUNT = '1000'", "GOMP_SPINCOUNT = '1000'" } },
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        char cmd[1400], line[256];
        snprintf(cmd, sizeof cmd, "env -u OMP_WAIT_POLICY -u GOMP_SPINCOUNT -u KMP_BLOCKTIME -u OMP_NUM_THREADS %s "
                 "OMP_DISPLAY_ENV=verbose '%s%s%s/tests/bench/bench_lenet' --help 2>&1", cases[k].set,
                 build[0] == '/' ? "" : src, build[0] == '/' ? "" : "/", build);
        FILE *p = popen(cmd, "r");
        ck_assert_msg(p != NULL, "cannot run %s", cmd);
        int seen[2] = { 0, 0 }, shown = 0;
        while (fgets(line, sizeof line, p)) {
            shown += strstr(line, "OPENMP DISPLAY ENVIRONMENT BEGIN") != NULL;
            for (int w = 0; w < 2; w++) seen[w] |= strstr(line, cases[k].want[w]) != NULL;
        }
        ck_assert_int_eq(pclose(p), 0);
        ck_assert_msg(shown == 1, "with \"%s\" the runtime showed its settings %d times (1 expected)", cases[k].set,
                      shown);
        for (int w = 0; w < 2; w++)
            ck_assert_msg(seen[w], "with \"%s\" the runtime did not report %s", cases[k].set, cases[k].want[w]);
    }
#endif
}
END_TEST

Suite *train_suite(void)
{
    Suite *s = suite_create("train");
    TCase *tc = tcase_create("loop");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, loss_drops);
    tcase_add_test(tc, diverging_loss_stops_the_run);
    tcase_add_test(tc, non_finite_gradient_stops_the_run);
    tcase_add_test(tc, training_records_the_class_names);
    tcase_add_test(tc, progress_lines_off_a_terminal);
    tcase_add_test(tc, evaluation_counts);
    tcase_add_test(tc, evaluation_with_views);
    tcase_add_test(tc, mismatches_are_refused);
    tcase_add_test(tc, mnist_subset_learns);
    suite_add_tcase(s, tc);
    tc = tcase_create("reproducible");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, same_bits_with_1_and_2_threads);
    tcase_add_test(tc, resume_equals_uninterrupted);
    tcase_add_test(tc, halves_same_bits_with_1_and_2_threads);
    tcase_add_test(tc, halves_take_the_same_step);
    tcase_add_test(tc, halves_resume_equals_uninterrupted);
    tcase_add_test(tc, bad_replicas_are_refused);
    tcase_add_test(tc, watcher_sees_training_and_changes_nothing);
    tcase_add_test(tc, waits_passively_unless_told);
    suite_add_tcase(s, tc);
    return s;
}
