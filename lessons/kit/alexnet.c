/* alexnet.c - the lesson kit's AlexNet-mini runs (alexnet.h). */
#include "lessons/kit/alexnet.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/conv_layer.h"
#include "core/die.h"
#include "core/dropout.h"
#include "core/error.h"
#include "core/image.h"
#include "core/lenet.h"
#include "core/model_io.h"
#include "core/optim.h"
#include "lessons/kit/draw.h"
#include "lessons/kit/layers.h"
#include "lessons/kit/live.h"
#include "lessons/kit/models.h"
#include "lessons/kit/report.h"
#include "lessons/lesson.h"

float pixel_mean, pixel_std;

void pixel_stats(const Dataset *d)
{
    const size_t n = (size_t)d->count * (size_t)d->height * (size_t)d->width;
    double s = 0.0, s2 = 0.0;
    for (size_t i = 0; i < n; i++) {
        const double v = d->images[i] / 255.0;
        s += v;
        s2 += v * v;
    }
    const double m = s / (double)n;
    pixel_mean = (float)m;
    pixel_std = (float)sqrt(s2 / (double)n - m * m);
}

void alex_run_setup(AlexRun *r, const char *key, const char *title, const AlexNetOptions *o, int epochs, int ntrain,
                    int ntest, const char *models_dir, int save_model, const AlexRecipe *rc)
{
    memset(r, 0, sizeof *r);
    r->key = key;
    r->title = title;
    r->rc = rc;
    r->opt = *o;
    r->net = alexnet_mini(o);
    r->half = alexnet_mini(o);
    CN_CHECK(r->net && r->half);
    r->ntrain = ntrain;
    CN_CHECK(snprintf(r->ckpt, sizeof r->ckpt, "%s/alexnet_mini_%s.ckpt", models_dir, key) < (int)sizeof r->ckpt);
    if (save_model)
        CN_CHECK(snprintf(r->model, sizeof r->model, "%s/alexnet_mini_%s.cnn", models_dir, key) < (int)sizeof r->model);
    TrainConfig c = train_defaults();
    c.epochs = epochs;
    c.batch = rc->batch;
    c.lr = optim_schedule_cosine(rc->lr, epochs, 0.0f);
    c.lr.warmup_epochs = rc->warmup;
    c.momentum = 0.9f;
    c.weight_decay = 5e-4f;
    c.label_smoothing = rc->label_smoothing;
    c.seed = rc->seed;
    c.mean = pixel_mean; /* x = (p/255 - mean) / std over the training pixels */
    c.std = pixel_std;
    c.train_limit = ntrain;
    c.test_limit = ntest;
    c.checkpoint = r->ckpt;
    c.replica = r->half; /* each batch in two halves, one thread each: they meet once per batch, not per layer */
    r->aug = (AlexNetAugment){ .pad = rc->crop_pad, .flip = 1, .background = -pixel_mean / pixel_std };
    c.augment = alexnet_augment;
    c.augment_ctx = &r->aug;
    c.quiet = 0;
    r->cfg = c;
}

void alex_run_free(AlexRun *r)
{
    net_free(r->net);
    net_free(r->half);
    train_history_free(&r->hist);
}

double smooth_on(double eps, int K) { return 1.0 - eps + eps / K; }

double smooth_floor(double eps, int K)
{
    const double on = smooth_on(eps, K), off = eps / K;
    return -(on * log(on) + (K - 1) * (off > 0.0 ? off * log(off) : 0.0));
}

double train_seconds(const AlexRun *r, int e)
{
    double t = 0.0;
    for (int i = 0; i < e && i < r->hist.n; i++)
        if (r->hist.e[i].images_per_s > 0) t += r->ntrain / r->hist.e[i].images_per_s;
    return t;
}

void alex_train_or_reuse(Notebook *nb, AlexRun *r, const Dataset *train, const Dataset *test, int retrain, int resume,
                         const char *hist_path, int say)
{
    char why[1200] = "";
    const int done = retrain ? -1 : checkpoint_epochs(r->ckpt, r->net, &r->cfg, why, sizeof why, NULL);
    if (!retrain && r->model[0])
        refuse_to_overwrite(r->model, r->net, "pass --retrain to train this network again and replace it");
    alexnet_init(r->net, r->rc->seed, r->rc->bias_hidden);
    const int complete = done == r->cfg.epochs;
    r->cfg.resume = complete || (done >= 0 && done < r->cfg.epochs && resume);
    r->cfg.history = hist_path;
    if (say) {
        if (complete)
            nb_para(nb, "Reusing %s, trained by an earlier run of this lesson with the same settings (%d epochs). "
                        "Pass --retrain to train it again.", r->ckpt, done);
        else if (retrain)
            nb_para(nb, "Training from scratch (--retrain).");
        else if (r->cfg.resume)
            nb_para(nb, "Resuming the interrupted training from its checkpoint (%d of %d epochs done).", done,
                    r->cfg.epochs);
        else if (done >= 0)
            nb_para(nb, "An interrupted training was found (%d of %d epochs); starting afresh (--resume would "
                        "continue it).", done, r->cfg.epochs);
        else if (why[0])
            nb_para(nb, "The saved checkpoint does not match this lesson's settings (%s), so the network is trained "
                        "again.", why);
        else
            nb_para(nb, "No saved model yet: training now.");
    }
    const double t0 = now_s();
    train_history_free(&r->hist);
    char watched[160]; /* the ablations' titles ("groups 2") with the network's name */
    snprintf(watched, sizeof watched, strstr(r->title, "AlexNet") ? "%s" : "AlexNet-mini, %s", r->title);
    live_watch(nb, &r->cfg, watched, test);
    if (train_run(r->net, train, test, &r->cfg, &r->hist))
        CN_DIE("training %s failed: %s", r->title, cn_last_error());
    r->cfg.watch = NULL;
    r->seconds = complete ? 0.0 : now_s() - t0;
    r->how = complete ? "reused" : r->cfg.resume ? "resumed" : "trained";
    r->loaded = r->cfg.resume ? done : 0;
    r->cfg.history = NULL;
    if (!r->model[0]) return;
    if (!complete) {
        CN_CHECK(net_save(r->net, r->model) == 0);
        return;
    }
    /* reused: the model file is written only when it is not the checkpoint's
     * network, so reusing needs no writable models folder */
    char bad[4400];
    if (model_matches_checkpoint(r->net, r->model, bad, sizeof bad) && say)
        nb_para(nb, "The model file was not the checkpoint's network: %s. It was written again from the checkpoint "
                    "%s, which holds the finished training.", bad, r->ckpt);
}

static void describe_layer(char *what, size_t n, const Layer *L)
{
    const char *k = L->ops->kind;
    Conv2d *cv = conv2d_of((Layer *)L);
    if (cv)
        snprintf(what, n, "conv %d@%dx%d, pad %d%s", cv->cfg.out_channels, cv->cfg.kh, cv->cfg.kw, cv->cfg.pad_top,
                 cv->cfg.groups > 1 ? ", 2 groups" : "");
    else if (!strcmp(k, "maxpool"))
        snprintf(what, n, "max pool %dx%d, stride %d", L->rf_k, L->rf_k, L->rf_s);
    else if (!strcmp(k, "dense"))
        snprintf(what, n, "fully connected %d", L->out.c);
    else if (!strcmp(k, "lrn"))
        snprintf(what, n, "LRN n=5 k=2 α=1e-4 β=0.75");
    else if (!strcmp(k, "dropout"))
        snprintf(what, n, "dropout %.1f", (double)((const Dropout *)L)->p);
    else
        snprintf(what, n, "%s", k);
}

void alexnet_table(Notebook *nb, const Net *net)
{
    char input[64];
    snprintf(input, sizeof input, "28x28 picture, x = (p/255 − %.3f) / %.3f", (double)pixel_mean, (double)pixel_std);
    const ArchTable t = { .input_what = input, .input_field = "1x1", .describe = describe_layer, .weights_only = 1 };
    architecture_table(nb, net, &t);
}

double weight_madds(const Net *net)
{
    double m = 0.0;
    for (int i = 0; i < net->n; i++)
        if (net->layer[i]->nparam) m += net->layer[i]->madds;
    return m;
}

void augmentation_sheet(Notebook *nb, const Dataset *train, uint64_t seed, int crop_pad)
{
    const int n = 4, copies = 7, S = 3, G = 8, cell = 28 * S;
    CnImage *im = canvas(G + n * (cell + G + 12), G + (copies + 1) * (cell + G) + 10);
    Rng r;
    rng_seed(&r, seed, 99);
    AlexNetAugment a = { .pad = crop_pad, .flip = 1, .background = 0.0f };
    float x[28 * 28], y[28 * 28];
    for (int k = 0; k < n; k++) {
        const int i = k * 1237 % train->count;
        picture_28(x, dataset_image(train, i));
        const int y0 = G + k * (cell + G + 12);
        blit_map(im, G, y0, x, 28, 28, S, 0.0f, 1.0f);
        text_centred(im, G + cell / 2, y0 + cell + 2, "original", WHITE);
        for (int c = 0; c < copies; c++) {
            memcpy(y, x, sizeof y);
            alexnet_augment(y, 1, 28, 28, &r, &a);
            blit_map(im, G + 10 + (c + 1) * (cell + G), y0, y, 28, 28, S, 0.0f, 1.0f);
        }
    }
    write_png(nb, "augmentation.png", im);
    image_free(im);
}

float conv1_filters(Notebook *nb, Net *net)
{
    Layer *c1 = net_layer(net, net_find(net, "conv1"));
    CN_CHECK(c1);
    const int n = c1->param[0].dims[0], kh = c1->param[0].dims[2], kw = c1->param[0].dims[3];
    const float *w = c1->param[0].value;
    float a = 0.0f;
    for (int i = 0; i < n * kh * kw; i++) a = fmaxf(a, fabsf(w[i]));
    char(*lab)[16] = xcalloc((size_t)n, sizeof *lab);
    const char **lp = xcalloc((size_t)n, sizeof *lp);
    for (int i = 0; i < n; i++) {
        snprintf(lab[i], 16, "%d", i);
        lp[i] = lab[i];
    }
    MontageOptions mo = image_montage_defaults();
    mo.cols = n > 12 ? (n + 1) / 2 : n;
    mo.scale = 14;
    mo.gap = 8;
    mo.mode = MAP_SYMMETRIC;
    mo.shared_range = 1;
    mo.labels = lp;
    CN_CHECK(image_montage_write_png_opts(nb_path(nb, "conv1_filters.png"), w, n, 1, kh, kw, &mo) == 0);
    free(lab);
    free(lp);
    return a;
}

int shown_index(const Net *net, const char *label)
{
    int i = net_find(net, label);
    if (i < 0) return -1;
    const char *k = net->layer[i]->ops->kind;
    if ((!strcmp(k, "conv") || !strcmp(k, "dense")) && i + 1 < net->n) {
        const char *n = net->layer[i + 1]->ops->kind;
        if (!strcmp(n, "relu") || !strcmp(n, "tanh")) i++;
    }
    return i;
}

void fill_net_row(NetRow *row, Net *net, const Dataset *test, const char *name, const char *source)
{
    EvalResult ev = { 0 };
    const double t0 = now_s();
    CN_CHECK(net_evaluate(net, test, 0, &ev) == 0);
    const double dt = now_s() - t0;
    snprintf(row->name, sizeof row->name, "%s", name);
    snprintf(row->source, sizeof row->source, "%s", source);
    row->params = net_param_count(net);
    row->madds = weight_madds(net);
    row->acc = ev.accuracy;
    row->img_s = dt > 0 ? ev.n / dt : 0.0;
    train_eval_result_free(&ev);
}

double epochs_to_error(const AlexRun *r, double err, double *sec)
{
    double prev = 0.9;
    for (int e = 0; e < r->hist.n; e++) {
        const double cur = 1.0 - r->hist.e[e].train_acc;
        if (cur <= err) {
            const double f = prev > cur ? (prev - err) / (prev - cur) : 1.0;
            const double t0 = train_seconds(r, e), t1 = train_seconds(r, e + 1);
            *sec = t0 + f * (t1 - t0);
            return e + f;
        }
        prev = cur;
    }
    *sec = NAN;
    return -1.0;
}

void alex_curves(Notebook *nb, const AlexRun *r)
{
    const TrainHistory *h = &r->hist;
    const int smooth = r->cfg.label_smoothing > 0.0f;
    const Curve loss[2] = { { h, TRAIN_LOSS, smooth ? "training (smoothed labels)" : "training", 0 },
                            { h, TEST_LOSS, smooth ? "test (plain)" : "test", 0 } };
    draw_epoch_pairs(nb, "loss.png", "AlexNet-mini on Fashion-MNIST: cross-entropy per epoch", "epoch",
                     "mean cross-entropy", loss, 2, 0);
    char cap[512];
    if (smooth)
        snprintf(cap, sizeof cap, "loss per epoch: training (solid: averaged over the epoch's batches, with dropout and "
                 "augmentation on, against the smoothed labels: it cannot go below %.2f) and test (dashed: after the "
                 "epoch, the plain cross-entropy)", smooth_floor(r->cfg.label_smoothing, net_out_shape(r->net).c));
    else
        snprintf(cap, sizeof cap, "loss per epoch: training (solid: averaged over the epoch's batches, with dropout and "
                 "augmentation on) and test (dashed: after the epoch)");
    nb_plot(nb, cap, "loss.png");
    const Curve err[2] = { { h, TRAIN_ERROR, "training", 0 }, { h, TEST_ERROR, "test", 0 } };
    draw_epoch_pairs(nb, "error.png", "AlexNet-mini on Fashion-MNIST: error rate per epoch (log scale)", "epoch",
                     "fraction classified wrong (log scale)", err, 2, 1);
    nb_plot(nb, "error rate per epoch on a log scale: training (solid: while training, with dropout and "
                "augmentation on) and test (dashed)", "error.png");
}

/* The rows of the picture: a layer's output drawn as a grid of its maps. */
static const char *const shown_layers[] = { "conv1", "lrn1", "pool1", "conv2", "lrn2", "pool2", "conv3",
                                            "conv4", "conv5", "pool5", "fc6",  "fc7" };
#define NSHOWN ((int)(sizeof shown_layers / sizeof shown_layers[0]))

/* Runs test image `index` through the network and draws every shown layer,
 * one row per layer, then the class probabilities. Returns the prediction. */
int alex_feature_maps(Notebook *nb, Net *net, const Dataset *test, int index, const char *file, float *prob_out)
{
    float *x = xcalloc(shape_size(net->in), sizeof *x);
    net_set_training(net, 0);
    const int pred = predict_one(net, test, index, x, prob_out);
    int idx[NSHOWN];
    char label[NSHOWN][64];
    const char *lp[NSHOWN];
    for (int r = 0; r < NSHOWN; r++) {
        idx[r] = shown_index(net, shown_layers[r]);
        CN_CHECK(idx[r] >= 0);
        const int named = net_find(net, shown_layers[r]);
        const char *what = idx[r] != named ? net->layer[idx[r]]->label : "";
        snprintf(label[r], sizeof label[r], "%s%s%s", shown_layers[r], what[0] ? " + " : "", what);
        lp[r] = label[r];
    }
    layers_in_rows(nb, file, net, test, index, prob_out, pred, idx, lp, NSHOWN, "fc8 + softmax");
    free(x);
    return pred;
}

int lenet_with_recipe(NetRow *row, const AlexRun *r, const Dataset *train, const Dataset *test, const char *ckpt,
                      int retrain, uint64_t seed)
{
    Net *ln = lenet5_modern(), *half = lenet5_modern();
    CN_CHECK(ln && half);
    TrainConfig lc = r->cfg;
    lc.replica = half; /* in two halves, as lesson 08 trains it */
    lc.checkpoint = ckpt;
    lc.history = NULL;
    lc.quiet = 1;
    lc.test_limit = 0;
    char why[1200];
    lc.resume = !retrain && checkpoint_epochs(ckpt, ln, &lc, why, sizeof why, NULL) == lc.epochs;
    TrainHistory h = { 0 };
    lenet5_init(ln, seed);
    if (train_run(ln, train, NULL, &lc, &h)) CN_DIE("training LeNet-5: %s", cn_last_error());
    train_history_free(&h);
    fill_net_row(row, ln, test, "LeNet-5, modern", "trained here");
    net_free(ln);
    net_free(half);
    return lc.resume;
}

int lenet_rows_from(NetRow *rows, Notebook *nb, const char *models_dir, const Dataset *test)
{
    const char *files[2] = { "lenet5_modern_fashion.cnn", "lenet5_classic_fashion.cnn" };
    int found = 0;
    for (int f = 0; f < 2; f++) {
        char path[4160];
        snprintf(path, sizeof path, "%s/%s", models_dir, files[f]);
        if (!file_exists(path)) continue;
        Net *ln = lenet5_load(path);
        if (!ln) {
            nb_para(nb, "%s could not be read (%s); it is left out.", path, cn_last_error());
            continue;
        }
        Dataset *lt = lenet5_fit_dataset(test, ln);
        CN_CHECK(lt);
        fill_net_row(&rows[found], ln, lt, lenet5_is_classic(ln) ? "LeNet-5, classic" : "LeNet-5, modern",
                "lesson 08's model");
        dataset_free(lt);
        net_free(ln);
        found++;
    }
    return found;
}

void alex_ablation_plot(Notebook *nb, const char *file, const char *title, const AlexRun *a, const char *na,
                        const AlexRun *b, const char *nb_name, int which, double level, const char *caption)
{
    const TrainHistory *ha = &a->hist, *hb = &b->hist;
    char n0[80], n1[80], n2[80], n3[80];
    Curve c[4];
    int n;
    if (which == 2) {
        snprintf(n0, sizeof n0, "%s: training", na);
        snprintf(n1, sizeof n1, "%s: test", na);
        snprintf(n2, sizeof n2, "%s: training", nb_name);
        snprintf(n3, sizeof n3, "%s: test", nb_name);
        c[0] = (Curve){ ha, TRAIN_ACC, n0, 0 }, c[1] = (Curve){ ha, TEST_ACC, n1, 0 };
        c[2] = (Curve){ hb, TRAIN_ACC, n2, 0 }, c[3] = (Curve){ hb, TEST_ACC, n3, 0 };
        n = 4;
    } else {
        const EpochValue v = which == 0 ? TRAIN_ERROR : TEST_ACC;
        c[0] = (Curve){ ha, v, na, 0 }, c[1] = (Curve){ hb, v, nb_name, 0 };
        char nl[32];
        snprintf(nl, sizeof nl, "%.0f%% error", 100.0 * level);
        c[2] = (Curve){ NULL, LEVEL, nl, level };
        n = which == 0 ? 3 : 2;
    }
    const char *ylab = which == 0 ? "training error (while training)" : "fraction classified right";
    if (which == 2) /* (training, test) of a, then of b: a colour a run, training solid, test dashed */
        draw_epoch_pairs(nb, file, title, "epoch (of the ablation subset)", ylab, c, n, 0);
    else
        draw_epoch_curves(nb, file, title, "epoch (of the ablation subset)", ylab, c, n);
    nb_plot(nb, caption, file);
}
