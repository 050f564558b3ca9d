/* lenet.c - the lesson kit's LeNet-5 runs (lenet.h). */
#include "lessons/kit/lenet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/activation.h"
#include "core/conv_layer.h"
#include "core/die.h"
#include "core/error.h"
#include "core/lenet.h"
#include "core/model_io.h"
#include "lessons/kit/layers.h"
#include "lessons/kit/live.h"
#include "lessons/kit/models.h"
#include "lessons/kit/readings.h"
#include "lessons/kit/report.h"
#include "lessons/lesson.h"

const char *const lenet_layer_names[7] = { "C1", "S2", "C3", "S4", "C5", "F6", "OUTPUT" };

/* --- augmentation: small random shifts ------------------------------------------------ */

void shift_augment(float *img, int c, int h, int w, Rng *r, void *ctx)
{
    const ShiftAug *a = ctx;
    float tmp[64 * 64];
    if (h * w > 64 * 64) return;
    const int dy = a->shift ? (int)rng_below(r, (uint32_t)(2 * a->shift + 1)) - a->shift : 0;
    const int dx = a->shift ? (int)rng_below(r, (uint32_t)(2 * a->shift + 1)) - a->shift : 0;
    const int flip = a->flip ? (int)rng_below(r, 2) : 0;
    for (int ch = 0; ch < c; ch++) {
        float *p = img + (size_t)ch * h * w;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                const int sy = y - dy, sx0 = x - dx, sx = flip ? w - 1 - sx0 : sx0;
                tmp[y * w + x] = sy >= 0 && sy < h && sx >= 0 && sx < w ? p[sy * w + sx] : a->background;
            }
        memcpy(p, tmp, (size_t)h * w * sizeof *p);
    }
}

Recipe lenet_recipe(int classic, const char *data_key, int quick)
{
    /* --quick: the classic network needs a few hundred steps to leave the
     * plateau of its small initial weights (see "Before training"), so it
     * makes more passes over the same few hundred images. */
    if (quick) return (Recipe){ .epochs = classic ? 20 : 3, .lr = 0.05f, .shift = 0, .flip = 0, .wd = 0.0f };
    const int fashion = !strcmp(data_key, "fashion");
    if (!fashion) return (Recipe){ .epochs = 20, .lr = 0.02f, .shift = 2, .flip = 0, .wd = classic ? 0.0f : 5e-4f };
    if (classic) return (Recipe){ .epochs = 10, .lr = 0.02f, .shift = 1, .flip = 1, .wd = 0.0f };
    return (Recipe){ .epochs = 30, .lr = 0.05f, .shift = 1, .flip = 1, .wd = 5e-4f };
}

const char *lenet_variant_title(int classic) { return classic ? "classic LeNet-5" : "modern LeNet-5"; }

/* The layer whose output stands for named layer i in pictures: i itself, or
 * the activation right after it (the paper's maps are squashed outputs). */
int shown_output(const Net *net, int i)
{
    while (i + 1 < net->n) {
        const char *k = net->layer[i + 1]->ops->kind;
        if (strcmp(k, "relu") && strcmp(k, "scaled_tanh")) break;
        i++;
    }
    return i;
}

/* How many of the sh.c maps of y (n samples of shape sh) are 0 or below
 * at every pixel of every sample: after a ReLU, black everywhere. */
int black_maps(const float *y, CnShape sh, int n)
{
    const size_t plane = (size_t)sh.h * (size_t)sh.w;
    int black = 0;
    for (int ch = 0; ch < sh.c; ch++) {
        int lit = 0;
        for (int s = 0; s < n && !lit; s++)
            for (size_t i = 0; i < plane && !lit; i++) lit = y[((size_t)s * sh.c + ch) * plane + i] > 0.0f;
        black += !lit;
    }
    return black;
}


/* --- the architecture table ------------------------------------------------------------ */

/* A LeNet-5 layer in a few words, for the architecture table. */
static void describe_lenet_layer(char *what, size_t n, const Layer *L)
{
    const char *k = L->ops->kind;
    Conv2d *cv = conv2d_of((Layer *)L);
    if (cv)
        snprintf(what, n, "conv %d@%dx%d%s%s", cv->cfg.out_channels, cv->cfg.kh, cv->cfg.kw,
                 cv->cfg.pad_top ? ", pad 2" : "", cv->table ? ", Table I" : "");
    else if (!strcmp(k, "subsample"))
        snprintf(what, n, "subsampling 2x2, a·sum + b");
    else if (!strcmp(k, "maxpool"))
        snprintf(what, n, "max pooling 2x2");
    else if (!strcmp(k, "dense"))
        snprintf(what, n, "fully connected %d", L->out.c);
    else if (!strcmp(k, "scaled_tanh"))
        snprintf(what, n, "1.7159 tanh(2a/3)");
    else
        snprintf(what, n, "%s", k);
}

/* The table of a LeNet-5; with_connections: the paper's count of connections too. */
void lenet_table(Notebook *nb, const Net *net, int with_connections)
{
    const ArchTable t = { .input_what = lenet5_is_classic(net) ? "28x28 image centred in 32x32" : "28x28 image",
                          .input_field = "1", .describe = describe_lenet_layer, .connections = with_connections };
    architecture_table(nb, net, &t);
}

/* --- training or reusing one run ---------------------------------------------------- */

void run_setup(LenetRun *r, int classic, LessonData *d, int quick, const char *models_dir, uint64_t seed, int batch)
{
    r->classic = classic;
    r->data = d;
    r->rc = lenet_recipe(classic, d->key, quick);
    r->seed = seed;
    r->net = classic ? lenet5_classic() : lenet5_modern();
    r->half = classic ? lenet5_classic() : lenet5_modern();
    CN_CHECK(r->net && r->half);
    if (classic) {
        r->train = lenet5_fit_dataset(d->train, r->net);
        r->test = lenet5_fit_dataset(d->test, r->net);
        CN_CHECK(r->train && r->test);
        r->own = 1;
    } else {
        r->train = d->train;
        r->test = d->test;
    }
    snprintf(r->name, sizeof r->name, "lenet5_%s_%s", classic ? "classic" : "modern", d->key);
    snprintf(r->label, sizeof r->label, "%s, %s", classic ? "classic" : "modern",
             !strcmp(d->key, "mnist") ? "MNIST sample" : "Fashion-MNIST");
    CN_CHECK(snprintf(r->model, sizeof r->model, "%s/%s.cnn", models_dir, r->name) < (int)sizeof r->model);
    CN_CHECK(snprintf(r->ckpt, sizeof r->ckpt, "%s/%s.ckpt", models_dir, r->name) < (int)sizeof r->ckpt);
    TrainConfig c = train_defaults();
    c.epochs = r->rc.epochs;
    c.batch = batch;
    c.lr = quick ? optim_schedule_constant(r->rc.lr) : optim_schedule_cosine(r->rc.lr, r->rc.epochs, 0.0f);
    c.momentum = 0.9f;
    c.weight_decay = r->rc.wd;
    /* The checkpoint records the run's settings (seed, batch, schedule,
     * momentum, decay, normalization) so a saved model is reused only when
     * they match, but not the augmentation: it is folded into the seed. */
    c.seed = seed + 100u * (uint64_t)r->rc.shift + 10u * (uint64_t)r->rc.flip;
    c.std = 0.0f;  /* keep the builder's input normalization */
    c.checkpoint = r->ckpt;
    c.replica = r->half; /* LeNet's layers are too small to split between two threads: split the batch */
    r->aug = (ShiftAug){ .shift = r->rc.shift, .flip = r->rc.flip,
                         .background = (0.0f - r->net->in_mean) / r->net->in_std };
    if (r->rc.shift || r->rc.flip) {
        c.augment = shift_augment;
        c.augment_ctx = &r->aug;
    }
    r->cfg = c;
}

void run_free(LenetRun *r)
{
    if (r->own) {
        dataset_free(r->train);
        dataset_free(r->test);
    }
    net_free(r->net);
    net_free(r->half);
    train_history_free(&r->hist);
    train_eval_result_free(&r->ev);
}

/* Train r's network, or reuse what an earlier run saved. Says which. */
void train_or_reuse(Notebook *nb, LenetRun *r, int retrain, int resume)
{
    char hist_file[96];
    snprintf(hist_file, sizeof hist_file, "history_%s.dat", r->name + strlen("lenet5_"));
    const char *hp = nb_path(nb, hist_file);
    CN_CHECK(hp);
    char hist_path[4096];
    snprintf(hist_path, sizeof hist_path, "%s", hp);
    char why[1200] = "";
    /* epochs in a checkpoint that matches these settings, -1 if none */
    const int done = retrain ? -1 : checkpoint_epochs(r->ckpt, r->net, &r->cfg, why, sizeof why, &r->hist);
    if (done == r->cfg.epochs) {
        /* Finished before: the checkpoint of the last epoch holds the final
         * weights; the .cnn should be the same network, written when it
         * finished, and is written again from the checkpoint when it is not. */
        char bad[4400];
        const int rewritten = model_matches_checkpoint(r->net, r->model, bad, sizeof bad);
        CN_CHECK(train_history_write(&r->hist, hist_path) == 0);
        r->how = "reused";
        r->seconds = 0.0;
        double t = 0.0;
        for (int e = 0; e < r->hist.n; e++) t += r->hist.e[e].seconds;
        nb_para(nb, "%s on %s: reusing %s, trained by an earlier run of this lesson with the same settings "
                    "(%d epochs, %.0f s then). Pass --retrain to train it again.",
                lenet_variant_title(r->classic), r->data->title, r->model, r->hist.n, t);
        if (rewritten)
            nb_para(nb, "The model file was not the checkpoint's network: %s. It was written again from the "
                        "checkpoint %s, which holds the finished training.", bad, r->ckpt);
        return;
    }
    if (!retrain) refuse_to_overwrite(r->model, r->net, "pass --retrain to train this network again and replace it");
    int do_resume = 0;
    if (retrain) {
        nb_para(nb, "%s on %s: training from scratch (--retrain).", lenet_variant_title(r->classic), r->data->title);
    } else if (done >= 0 && done < r->cfg.epochs && resume) {
        do_resume = 1;
        nb_para(nb, "%s on %s: resuming the interrupted training from its checkpoint (%d of %d epochs done).",
                lenet_variant_title(r->classic), r->data->title, done, r->cfg.epochs);
    } else if (done >= 0 && done < r->cfg.epochs) {
        nb_para(nb, "%s on %s: an interrupted training was found (%d of %d epochs); starting afresh "
                    "(--resume would continue it).", lenet_variant_title(r->classic), r->data->title, done, r->cfg.epochs);
    } else if (done > r->cfg.epochs || why[0]) {
        nb_para(nb, "%s on %s: the saved checkpoint does not match this lesson's settings (%s), so the "
                    "network is trained again.", lenet_variant_title(r->classic), r->data->title,
                why[0] ? why : "it ran more epochs than the lesson asks for");
    } else {
        nb_para(nb, "%s on %s: no saved model yet, training now.", lenet_variant_title(r->classic), r->data->title);
    }
    lenet5_init(r->net, r->seed);
    r->cfg.resume = do_resume;
    r->cfg.history = hist_path;
    const double t0 = now_s();
    train_history_free(&r->hist);
    char watched[128];
    snprintf(watched, sizeof watched, "%s, %s", lenet_variant_title(r->classic), r->data->title);
    live_watch(nb, &r->cfg, watched, r->test);
    if (train_run(r->net, r->train, r->test, &r->cfg, &r->hist))
        CN_DIE("training %s on %s failed: %s", lenet_variant_title(r->classic), r->data->title, cn_last_error());
    r->seconds = now_s() - t0;
    r->cfg.history = NULL;
    r->cfg.watch = NULL;
    CN_CHECK(net_save(r->net, r->model) == 0);
    r->how = do_resume ? "resumed" : "trained";
    say_training_time(nb, &r->hist, do_resume ? done : 0, r->train->count, r->seconds, r->model);
}

/* --- one image through every layer (the paper's figure 2) ------------------------------- */

/* Runs image `index` of r->test through r's network and draws every named
 * layer's output left to right, as in figure 2 of the paper. Returns the
 * predicted class. */
int lenet_figure2(Notebook *nb, LenetRun *r, int index, const char *file)
{
    Net *net = r->net;
    const Dataset *ds = r->test;
    float *x = xcalloc(shape_size(net->in), sizeof *x);
    float prob[16];
    const int pred = predict_one(net, ds, index, x, prob);

    /* columns: the input, then C1 S2 C3 S4 C5 F6 OUTPUT */
    enum { NCOL = 8 };
    int idx[NCOL];
    char t[NCOL][3][40];
    const char *title[NCOL][3];
    const int classic = lenet5_is_classic(net);
    idx[0] = -1;
    snprintf(t[0][0], 40, "INPUT");
    snprintf(t[0][1], 40, "%dx%d", net->in.h, net->in.w);
    snprintf(t[0][2], 40, "%s", classic ? "28x28 + border" : "28x28");
    for (int c = 1; c < NCOL; c++) {
        const int li = net_find(net, lenet_layer_names[c - 1]);
        CN_CHECK(li >= 0);
        idx[c] = shown_output(net, li);
        const CnShape sh = net->layer[idx[c]]->out;
        const Layer *L = net->layer[li];
        const char *k = L->ops->kind;
        if (sh.h > 1)
            snprintf(t[c][1], 40, "%d@%dx%d", sh.c, sh.h, sh.w);
        else
            snprintf(t[c][1], 40, "%d units", sh.c);
        snprintf(t[c][0], 40, "%s", lenet_layer_names[c - 1]);
        if (conv2d_of((Layer *)L))
            snprintf(t[c][2], 40, "conv 5x5%s", conv2d_of((Layer *)L)->table ? ", Table I" : "");
        else if (!strcmp(k, "subsample"))
            snprintf(t[c][2], 40, "subsampling");
        else if (!strcmp(k, "maxpool"))
            snprintf(t[c][2], 40, "max pool 2x2");
        else if (c == NCOL - 1)
            snprintf(t[c][2], 40, "full + softmax");
        else
            snprintf(t[c][2], 40, "full connection");
    }
    for (int c = 0; c < NCOL; c++)
        for (int j = 0; j < 3; j++) title[c][j] = t[c][j];
    /* the classic network's maps are squashed: black -1.7159, white 1.7159 */
    layers_in_columns(nb, file, net, ds, index, x, prob, pred, idx, (const char *const(*)[3])title, NCOL,
                      classic ? ACT_LECUN_A : 0.0f);
    free(x);
    return pred;
}
