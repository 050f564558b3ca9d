/* models.c - the lesson kit's models folder and checkpoints (models.h). */
#define _DEFAULT_SOURCE /* flock(2), which POSIX lacks: a lock on the folder itself */
#include "lessons/kit/models.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "core/alexnet.h"
#include "core/die.h"
#include "core/error.h"
#include "core/files.h"
#include "core/image.h"
#include "core/lenet.h"
#include "core/model_io.h"
#include "core/optim.h"
#include "lessons/lesson.h"

void models_path(char *dir, size_t size, const Notebook *nb, int quick)
{
    const char *env_models = getenv("CONVNET_MODELS");
    const int env = env_models && env_models[0];
    int n;
    if (quick && nb)
        n = env ? snprintf(dir, size, "%s/quick", env_models) : snprintf(dir, size, "%s/models", nb_dir(nb));
    else if (env)
        n = snprintf(dir, size, "%s", env_models);
    else
        n = cn_project_path(dir, size, "models") == 0 ? (int)strlen(dir) : -1;
    if (n < 0 || (size_t)n >= size) CN_DIE("the models folder's path does not fit in %zu bytes", size);
}

/* Open for the program's lifetime: the lock is released when it exits. */
static int models_lock_fd = -1;

void models_folder(char *dir, size_t size, const Notebook *nb, int quick)
{
    models_path(dir, size, nb, quick);
    CN_CHECK(cn_make_dirs(dir) == 0);
    if (models_lock_fd >= 0) close(models_lock_fd);
    models_lock_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (models_lock_fd < 0) CN_DIE("cannot open the models folder %s: %s", dir, strerror(errno));
    if (flock(models_lock_fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno == EWOULDBLOCK)
            CN_DIE("another run holds the models folder %s (a lesson training or reading models there): wait "
                   "until it ends, or give this run another folder with CONVNET_MODELS=DIR", dir);
        CN_DIE("cannot lock the models folder %s: %s", dir, strerror(errno));
    }
    cn_remove_stale_temps(dir); /* what runs killed while saving left */
}

int model_matches_checkpoint(Net *net, const char *path, char *why, size_t why_size)
{
    why[0] = '\0';
    const int np = net_nparams(net);
    float **keep = xcalloc((size_t)np, sizeof *keep);
    for (int k = 0; k < np; k++) {
        const CnParam *p = net_param(net, k, NULL);
        keep[k] = xcalloc(p->n, sizeof(float));
        memcpy(keep[k], p->value, p->n * sizeof(float));
    }
    const float mean = net->in_mean, std = net->in_std;
    char **classes = net->classes; /* the checkpoint's class names, kept aside (one block, net.h) */
    const int nclasses = net->nclasses;
    net->classes = NULL, net->nclasses = 0;
    if (!file_exists(path)) {
        snprintf(why, why_size, "%s was missing", path);
    } else if (net_load(net, path) != 0) {
        snprintf(why, why_size, "%s could not be used (%s)", path, cn_last_error());
    } else {
        int same = net->in_mean == mean && net->in_std == std && net->nclasses == nclasses;
        for (int k = 0; k < nclasses && same; k++) same = strcmp(net->classes[k], classes[k]) == 0;
        for (int k = 0; k < np && same; k++) {
            const CnParam *p = net_param(net, k, NULL);
            same = memcmp(keep[k], p->value, p->n * sizeof(float)) == 0;
        }
        if (!same) snprintf(why, why_size, "%s held other weights than its checkpoint", path);
    }
    for (int k = 0; k < np; k++) { /* the checkpoint's network, whatever the file held */
        CnParam *p = net_param(net, k, NULL);
        memcpy(p->value, keep[k], p->n * sizeof(float));
        free(keep[k]);
    }
    free(keep);
    net->in_mean = mean, net->in_std = std;
    net_set_classes(net, NULL, 0); /* the names the file held, if any */
    net->classes = classes, net->nclasses = nclasses;
    if (!why[0]) return 0;
    if (net_save(net, path) != 0) CN_DIE("%s; writing it again from its checkpoint failed: %s", why, cn_last_error());
    return 1;
}

int checkpoint_epochs(const char *path, Net *net, const TrainConfig *cfg, char *why, size_t why_size,
                      TrainHistory *keep)
{
    int done = -1;
    why[0] = '\0';
    if (!file_exists(path)) return -1;
    Sgd *opt = sgd_create(net, cfg->momentum, cfg->weight_decay);
    CN_CHECK(opt);
    TrainHistory h = { 0 };
    const int rc = net_checkpoint_load(path, net, opt, cfg, &h);
    if (rc == MODEL_FOREIGN)
        CN_DIE("%s. Nothing was written over it: pass --retrain to train this network again and replace it",
               cn_last_error());
    if (rc == 0)
        done = h.n;
    else
        snprintf(why, why_size, "%s", cn_last_error());
    if (keep && done == cfg->epochs) {
        train_history_free(keep);
        *keep = h;
    } else {
        train_history_free(&h);
    }
    sgd_free(opt);
    return done;
}

/* Load one split into *d; on failure add its message to the list in msg. */
static void load_noting(Dataset **d, const char *which, int train, char *msg, size_t size)
{
    *d = dataset_load(which, train);
    if (*d) return;
    const size_t used = strlen(msg);
    snprintf(msg + used, size - used, "%s%s", used ? "\n" : "", cn_last_error());
}

void load_splits(const char *which, Dataset **train, Dataset **test)
{
    char msg[16384] = "";
    load_noting(train, which, 1, msg, sizeof msg);
    load_noting(test, which, 0, msg, sizeof msg);
    if (msg[0]) CN_DIE("%s", msg);
}

void refuse_to_overwrite(const char *path, Net *net, const char *how)
{
    if (!file_exists(path)) return;
    const float mean = net->in_mean, std = net->in_std;
    if (net_load(net, path) == MODEL_FOREIGN) CN_DIE("%s. Nothing was written over it: %s", cn_last_error(), how);
    net->in_mean = mean;
    net->in_std = std;
}

LessonData *digits_and_clothes(void)
{
    LessonData *data = xcalloc(2, sizeof *data);
    data[0] = (LessonData){ .key = "mnist", .which = "mnist-sample", .title = "the MNIST sample", .thing = "digit",
                            .name = "MNIST sample" };
    data[1] = (LessonData){ .key = "fashion", .which = "fashion-mnist", .title = "Fashion-MNIST", .thing = "picture",
                            .name = "Fashion-MNIST" };
    char msg[32768] = "";
    for (int d = 0; d < 2; d++) {
        load_noting(&data[d].train, data[d].which, 1, msg, sizeof msg);
        load_noting(&data[d].test, data[d].which, 0, msg, sizeof msg);
    }
    if (msg[0]) CN_DIE("%s", msg);
    return data;
}

void lesson_data_free(LessonData *d, int n)
{
    for (int i = 0; i < n; i++) {
        dataset_free(d[i].train);
        dataset_free(d[i].test);
    }
    free(d);
}

void quick_subsets(Dataset **train, Dataset **test, int ntrain, int ntest)
{
    Dataset *a = strided_subset(*train, ntrain), *b = strided_subset(*test, ntest);
    dataset_free(*train);
    dataset_free(*test);
    *train = a;
    *test = b;
}

void quick_first_n(Dataset **train, Dataset **test, int ntrain, int ntest)
{
    Dataset *a = first_n(*train, ntrain), *b = first_n(*test, ntest);
    dataset_free(*train);
    dataset_free(*test);
    *train = a;
    *test = b;
}

Dataset *first_n(const Dataset *d, int n)
{
    if (n >= d->count) n = d->count;
    const size_t px = (size_t)d->height * (size_t)d->width;
    Dataset *s = xcalloc(1, sizeof *s);
    *s = *d;
    s->count = n;
    s->images = xcalloc((size_t)n, px);
    s->labels = xcalloc((size_t)n, 1);
    memcpy(s->images, d->images, (size_t)n * px);
    memcpy(s->labels, d->labels, (size_t)n);
    return s;
}

void train_watching(Net *net, const Dataset *train, const Dataset *test, const TrainConfig *cfg, const char *ckpt,
                    const CnParam *watch, float *snap, TrainHistory *h, const char *label)
{
    TrainConfig c = *cfg;
    c.checkpoint = ckpt;
    c.resume = 1;
    c.quiet = 1;
    memcpy(snap, watch->value, watch->n * sizeof(float));
    remove(ckpt);
    for (int e = 1; e <= cfg->epochs; e++) {
        c.epochs = e;
        if (train_run(net, train, test, &c, h)) CN_DIE("training %s failed: %s", label, cn_last_error());
        memcpy(snap + (size_t)e * watch->n, watch->value, watch->n * sizeof(float));
        const EpochStats *s = &h->e[h->n - 1];
        fprintf(stderr, "  %s: epoch %d/%d  loss %.4f  test accuracy %.2f%%  %.1f s\n", label, e, cfg->epochs,
                s->train_loss, 100.0 * s->test_acc, s->seconds);
    }
    remove(ckpt);
}

/* --- networks saved by other lessons --------------------------------------------------------- */

static Net *build(SavedArch arch)
{
    if (arch == SAVED_LENET_MODERN) return lenet5_modern();
    if (arch == SAVED_LENET_CLASSIC) return lenet5_classic();
    AlexNetOptions o = alexnet_lesson(); /* lesson 09's network */
    return alexnet_mini(&o);
}

/* Load path into a network of the model's architecture; NULL with a message. */
static Net *load_model(const SavedModel *m, const char *path)
{
    if (!file_exists(path)) {
        cn_fail("%s does not exist", path);
        return NULL;
    }
    if (m->arch == SAVED_ALEXNET) {
        AlexNetOptions o = alexnet_lesson(); /* lesson 09's network */
        return alexnet_load(path, &o);
    }
    Net *net = lenet5_load(path);
    if (net && lenet5_is_classic(net) != (m->arch == SAVED_LENET_CLASSIC)) {
        cn_fail("%s holds the %s network, not the %s one", path, net->name,
                m->arch == SAVED_LENET_CLASSIC ? LENET5_CLASSIC_NAME : LENET5_MODERN_NAME);
        net_free(net);
        return NULL;
    }
    return net;
}

/* The classic network takes 32x32 inputs: the datasets fitted to it (copies),
 * or the originals. */
static Dataset *fit_for(const Net *net, Dataset *d, int *owned)
{
    if (net->in.h == d->height && net->in.w == d->width) {
        *owned = 0;
        return d;
    }
    Dataset *f = lenet5_fit_dataset(d, net);
    CN_CHECK(f);
    *owned = 1;
    return f;
}

/* Train the model's network here, when the saved one is missing: a shorter
 * recipe than lessons 08 and 09 (mini-batches of 32 or 64, momentum 0.9, a
 * constant rate with --quick, else a cosine from 0.02), said in the
 * notebook. */
static Net *train_missing(Notebook *nb, const SavedModel *m, const LessonData *d, int quick, const char *path,
                          const char *why, uint64_t seed)
{
    Net *net = build(m->arch);
    CN_CHECK(net);
    refuse_to_overwrite(path, net, "delete it or move it away, and this lesson trains one in its place");
    TrainConfig c = train_defaults();
    c.batch = 32;
    c.momentum = 0.9f;
    c.seed = seed;
    c.std = 0.0f; /* the builder's input normalization */
    AlexNetAugment aug = { .pad = 0, .flip = 1, .background = 0.0f };
    int train_n = d->train->count;
    if (m->arch == SAVED_ALEXNET) {
        alexnet_init(net, seed, 0.1f);
        c.batch = quick ? 32 : 64;
        c.weight_decay = 5e-4f;
        c.epochs = 2;
        aug.background = (0.0f - net->in_mean) / net->in_std;
        c.augment = alexnet_augment; /* mirror images (lesson 09 also shifts them) */
        c.augment_ctx = &aug;
        if (!quick) train_n = 30000;
    } else {
        lenet5_init(net, seed);
        const int mnist = !strcmp(d->key, "mnist");
        c.epochs = quick ? (m->arch == SAVED_LENET_CLASSIC ? 10 : 3) : mnist ? 10 : 3;
        c.weight_decay = m->arch == SAVED_LENET_MODERN ? 5e-4f : 0.0f;
    }
    c.lr = quick ? optim_schedule_constant(m->arch == SAVED_ALEXNET ? 0.02f : 0.05f)
                 : optim_schedule_cosine(0.02f, c.epochs, 0.0f);
    Dataset *sub = train_n < d->train->count ? strided_subset(d->train, train_n) : d->train;
    int own_tr;
    Dataset *tr = fit_for(net, sub, &own_tr);
    char a[32];
    nb_para(nb, "%s: %s, so this lesson trains one now, shorter than lesson %s does: %d epoch%s over %s training "
                "images (%s), then saves it as %s for the next run.",
            m->title, why, m->lesson, c.epochs, c.epochs == 1 ? "" : "s", commas(a, tr->count),
            m->arch == SAVED_ALEXNET ? (quick ? "mini-batches of 32, momentum 0.9, weight decay 0.0005, mirror images"
                                             : "mini-batches of 64, momentum 0.9, weight decay 0.0005, mirror images")
                                    : "mini-batches of 32, momentum 0.9",
            path);
    const double t0 = now_s();
    TrainHistory h = { 0 };
    Net *half = build(m->arch); /* each batch in two halves, one thread each (core/train.h) */
    CN_CHECK(half);
    c.replica = half;
    if (train_run(net, tr, NULL, &c, &h)) CN_DIE("training %s failed: %s", m->title, cn_last_error());
    net_free(half);
    nb_para(nb, "Trained in %.1f s (%s images per second while training).", now_s() - t0,
            commas(a, h.e[h.n - 1].images_per_s));
    CN_CHECK(net_save(net, path) == 0);
    train_history_free(&h);
    if (own_tr) dataset_free(tr);
    if (sub != d->train) dataset_free(sub);
    return net;
}

/* Find the model: the file its lesson saved, else one this lesson saved
 * before, else train it now. */
Net *saved_model_get(Notebook *nb, const SavedModel *m, const LessonData *d, int quick, const char *models_dir,
                     const char *own_prefix, uint64_t seed, double *acc, int *test_n)
{
    char path[4096], own[4096], why[10000];
    CN_CHECK(snprintf(path, sizeof path, "%s/%s.cnn", models_dir, m->stem) < (int)sizeof path);
    CN_CHECK(snprintf(own, sizeof own, "%s/%s_%s.cnn", models_dir, own_prefix, m->stem) < (int)sizeof own);
    Net *net = load_model(m, path);
    if (net) {
        nb_para(nb, "%s: loaded %s, saved by lesson %s.", m->title, path, m->lesson);
    } else {
        if (file_exists(path))
            snprintf(why, sizeof why, "%s could not be used (%s)", path, cn_last_error());
        else
            snprintf(why, sizeof why, "lesson %s has not saved %s yet", m->lesson, path);
        net = load_model(m, own);
        if (net)
            nb_para(nb, "%s: %s; using %s, which an earlier run of this lesson trained in its place (run lesson "
                        "%s to get the full model).", m->title, why, own, m->lesson);
        else
            net = train_missing(nb, m, d, quick, own, why, seed);
    }
    int own_te;
    Dataset *te = fit_for(net, d->test, &own_te);
    EvalResult ev = { 0 };
    CN_CHECK(net_evaluate(net, te, 0, &ev) == 0);
    *acc = ev.accuracy;
    *test_n = ev.n;
    train_eval_result_free(&ev);
    if (own_te) dataset_free(te);
    return net;
}
