/* models.c - the lesson kit's models folder and checkpoints (models.h). */
#include "lessons/kit/models.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/image.h"
#include "core/model_io.h"
#include "core/optim.h"
#include "lessons/lesson.h"

void models_path(char *dir, size_t size, const Notebook *nb, int quick)
{
    const char *env_models = getenv("CONVNET_MODELS");
    if (env_models && env_models[0])
        snprintf(dir, size, "%s", env_models);
    else if (quick && nb)
        snprintf(dir, size, "%s/models", nb_dir(nb));
    else
        CN_CHECK(cn_project_path(dir, size, "models") == 0);
}

void models_folder(char *dir, size_t size, const Notebook *nb, int quick)
{
    models_path(dir, size, nb, quick);
    CN_CHECK(make_dirs(dir) == 0);
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
    if (checkpoint_load(path, net, opt, cfg, &h) == 0)
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
