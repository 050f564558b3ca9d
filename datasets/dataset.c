/* dataset.c - load and validate an image/label pair of IDX files. */
#include "datasets/dataset.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/error.h"
#include "datasets/idx.h"

/* --- the known datasets ----------------------------------------------------- */

static const char *const fashion_names[10] = {
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
};

static const char *const digit_names[10] = { "0", "1", "2", "3", "4", "5", "6", "7", "8", "9" };

typedef struct {
    const char *which;        /* directory under datasets/ */
    const char *train_prefix; /* file name prefix of the training split */
    const char *test_prefix;  /* ... and of the test split */
    int height, width;        /* every image's shape */
    int nclasses;
    const char *const *class_names;
} DatasetKind;

static const DatasetKind kinds[] = {
    { "fashion-mnist", "train", "t10k", 28, 28, 10, fashion_names },
    { "mnist-sample", "train", "test", 28, 28, 10, digit_names },
};

/* --- loading ------------------------------------------------------------------ */

/* Prefix the pending error message with the dataset being loaded. */
static void fail_in(const char *what)
{
    char msg[1024];
    snprintf(msg, sizeof msg, "%s", cn_last_error());
    cn_fail("loading %s: %s", what, msg);
}

/* The dataset called which, and "<which> train|test" into what (64 bytes). */
static const DatasetKind *find_kind(const char *which, int train, char *what)
{
    snprintf(what, 64, "%s %s", which, train ? "train" : "test");
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(kinds[i].which, which) == 0) return &kinds[i];
    cn_fail("unknown dataset \"%s\" (known: fashion-mnist, mnist-sample)", which);
    return NULL;
}

/* 0 when both files of a split are there; else -1 with one message that
 * names each missing file (a learner then fixes all at once). */
static int require_files(const char *ipath, const char *lpath)
{
    const char *path[2] = { ipath, lpath };
    char missing[8400] = "";
    int n = 0;
    for (int i = 0; i < 2; i++) {
        struct stat st;
        if (stat(path[i], &st) == 0) continue;
        size_t used = strlen(missing);
        snprintf(missing + used, sizeof missing - used, "%s%s", n ? " and " : "", path[i]);
        n++;
    }
    if (!n) return 0;
    return cn_fail("missing %s %s: run `make datasets` in the project root to create %s", n > 1 ? "files" : "file",
                   missing, n > 1 ? "them" : "it");
}

int dataset_require_shape(const Dataset *d, int h, int w, const char *file)
{
    if (!d) return cn_fail("dataset_require_shape: no dataset");
    if (d->height == h && d->width == w) return 0;
    return cn_fail("%s%s%s holds images of %dx%d pixels (height x width), but %dx%d are expected: it is not the "
                   "file `make datasets` writes; run `make datasets` in the project root to recreate it",
                   d->name, file ? ": " : "", file ? file : "", d->height, d->width, h, w);
}

/* The checks after parsing (read: both files were read and parsed): the
 * types and ranks, as many labels as images, every image of the dataset's
 * shape (a program sized for 28x28 pictures must never index a 56x14 one),
 * every label one of its classes. On success the Dataset takes over both
 * arrays; on failure both are freed. */
static Dataset *from_idx(int read, Idx *im, Idx *lb, const DatasetKind *k, const char *what, const char *ipath,
                         const char *lpath)
{
    if (!read || idx_expect(im, IDX_U8, 3, ipath, "images") != 0 || idx_expect(lb, IDX_U8, 1, lpath, "labels") != 0)
        goto fail;
    if (im->dims[0] != lb->dims[0]) {
        cn_fail("%s holds %lu images but %s holds %lu labels: the files do not belong together "
                "(run `make datasets` to recreate them)", ipath, (unsigned long)im->dims[0], lpath,
                (unsigned long)lb->dims[0]);
        goto fail;
    }
    if (im->dims[0] > INT_MAX) {
        cn_fail("%s: %lu images exceed the int range of Dataset", ipath, (unsigned long)im->dims[0]);
        goto fail;
    }
    if (im->dims[1] != (uint32_t)k->height || im->dims[2] != (uint32_t)k->width) {
        cn_fail("%s holds images of %lux%lu pixels (height x width), but every %s image is %dx%d: the file is not "
                "this dataset's (run `make datasets` to recreate it)", ipath, (unsigned long)im->dims[1],
                (unsigned long)im->dims[2], k->which, k->height, k->width);
        goto fail;
    }
    for (size_t i = 0; i < lb->count; i++) {
        if (lb->data[i] >= k->nclasses) {
            cn_fail("%s: label %zu is %d, but %s has only %d classes (0..%d)", lpath, i, lb->data[i], k->which,
                    k->nclasses, k->nclasses - 1);
            goto fail;
        }
    }

    Dataset *d = malloc(sizeof *d);
    if (!d) {
        cn_fail("out of memory for the Dataset struct");
        goto fail;
    }
    d->count = (int)im->dims[0];
    d->height = k->height;
    d->width = k->width;
    d->nclasses = k->nclasses;
    d->images = im->data;   /* ownership moves from the Idx structs */
    d->labels = lb->data;
    d->class_names = k->class_names;
    snprintf(d->name, sizeof d->name, "%s", what);
    return d;

fail:
    fail_in(what);
    idx_free(im);
    idx_free(lb);
    return NULL;
}

Dataset *dataset_load_dir(const char *dir, const char *which, int train)
{
    if (!dir || !which) {
        cn_fail("dataset_load_dir: dir or which is NULL");
        return NULL;
    }
    char what[64];
    const DatasetKind *k = find_kind(which, train, what);
    if (!k) return NULL;
    const char *prefix = train ? k->train_prefix : k->test_prefix;

    char ipath[4096], lpath[4096];
    int ni = snprintf(ipath, sizeof ipath, "%s/%s-images-idx3-ubyte", dir, prefix);
    int nl = snprintf(lpath, sizeof lpath, "%s/%s-labels-idx1-ubyte", dir, prefix);
    if (ni < 0 || nl < 0 || (size_t)ni >= sizeof ipath || (size_t)nl >= sizeof lpath) {
        cn_fail("loading %s: directory path \"%s\" is too long", what, dir);
        return NULL;
    }

    Idx im, lb;
    memset(&im, 0, sizeof im);
    memset(&lb, 0, sizeof lb);
    const int read = require_files(ipath, lpath) == 0 && idx_load(&im, ipath) == 0 && idx_load(&lb, lpath) == 0;
    return from_idx(read, &im, &lb, k, what, ipath, lpath);
}

Dataset *dataset_parse(const unsigned char *images, size_t images_len, const unsigned char *labels,
                       size_t labels_len, const char *which, int train)
{
    if (!which || (!images && images_len) || (!labels && labels_len)) {
        cn_fail("dataset_parse: which is NULL, or a buffer is NULL with a non-zero length");
        return NULL;
    }
    char what[64];
    const DatasetKind *k = find_kind(which, train, what);
    if (!k) return NULL;
    Idx im, lb;
    memset(&lb, 0, sizeof lb);
    const int read = idx_parse(&im, images, images_len, "images") == 0 &&
                     idx_parse(&lb, labels, labels_len, "labels") == 0;
    return from_idx(read, &im, &lb, k, what, "images", "labels");
}

Dataset *dataset_load(const char *which, int train)
{
    if (!which) {
        cn_fail("dataset_load: which is NULL");
        return NULL;
    }
    const char *root = cn_project_root();
    if (!root) return NULL;
    char dir[4096];
    int n = snprintf(dir, sizeof dir, "%s/datasets/%s", root, which);
    if (n < 0 || (size_t)n >= sizeof dir) {
        cn_fail("dataset_load(%s): project root \"%s\" is too long", which, root);
        return NULL;
    }
    return dataset_load_dir(dir, which, train);
}
