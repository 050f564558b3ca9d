/* model_io.c - the versioned, little-endian model and checkpoint files; see
 * model_io.h for the layout. */
#include "core/model_io.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/dropout.h"
#include "core/error.h"

enum { FILE_MODEL = 1, FILE_CHECKPOINT = 2 };
#define HEADER_BYTES 20   /* magic, version, type, length */
#define MAX_STR 255       /* longest string a reader accepts */
#define MAX_FILE ((size_t)1 << 30) /* largest file a reader accepts: 1 GiB */

/* --- FNV-1a 64 ------------------------------------------------------------ */

/* h = (h XOR byte) * 1099511628211 for every byte, from 14695981039346656037
 * (Fowler, Noll, Vo). Any single flipped byte changes the result. */
static uint64_t fnv1a64(const unsigned char *p, size_t n)
{
    uint64_t h = 14695981039346656037ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

/* --- writer: bytes into a growing buffer ---------------------------------- */

typedef struct {
    unsigned char *p;
    size_t n, cap;
    int oom;
} Buf;

static void put_bytes(Buf *b, const void *src, size_t n)
{
    if (b->oom) return;
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->n + n) cap *= 2;
        unsigned char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, src, n);
    b->n += n;
}

/* Least significant byte first, by arithmetic, so the host's order never matters. */
static void put_u32(Buf *b, uint32_t v)
{
    unsigned char c[4];
    for (int i = 0; i < 4; i++) c[i] = (unsigned char)(v >> (8 * i));
    put_bytes(b, c, 4);
}

static void put_u64(Buf *b, uint64_t v)
{
    unsigned char c[8];
    for (int i = 0; i < 8; i++) c[i] = (unsigned char)(v >> (8 * i));
    put_bytes(b, c, 8);
}

static void put_f32(Buf *b, float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    put_u32(b, u);
}

static void put_f64(Buf *b, double d)
{
    uint64_t u;
    memcpy(&u, &d, 8);
    put_u64(b, u);
}

static void put_str(Buf *b, const char *s)
{
    size_t n = strlen(s);
    put_u32(b, (uint32_t)n);
    put_bytes(b, s, n);
}

static void put_floats(Buf *b, const float *v, size_t n)
{
    for (size_t i = 0; i < n; i++) put_f32(b, v[i]);
}

/* --- reader: bounds-checked reads from a buffer --------------------------- */

typedef struct {
    const unsigned char *p;
    size_t n, off;
    int bad;  /* set by any read past the end */
    uint32_t version; /* the file's format version, set by check_envelope */
} Rd;

static const unsigned char *get_bytes(Rd *r, size_t n)
{
    if (r->bad || n > r->n - r->off) {
        r->bad = 1;
        return NULL;
    }
    const unsigned char *p = r->p + r->off;
    r->off += n;
    return p;
}

static uint32_t get_u32(Rd *r)
{
    const unsigned char *c = get_bytes(r, 4);
    if (!c) return 0;
    return (uint32_t)c[0] | (uint32_t)c[1] << 8 | (uint32_t)c[2] << 16 | (uint32_t)c[3] << 24;
}

static uint64_t get_u64(Rd *r)
{
    const unsigned char *c = get_bytes(r, 8);
    uint64_t v = 0;
    if (!c) return 0;
    for (int i = 7; i >= 0; i--) v = v << 8 | c[i];
    return v;
}

static float get_f32(Rd *r)
{
    uint32_t u = get_u32(r);
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static double get_f64(Rd *r)
{
    uint64_t u = get_u64(r);
    double d;
    memcpy(&d, &u, 8);
    return d;
}

/* A string into s (size bytes, terminated); longer ones mark the reader bad. */
static void get_str(Rd *r, char *s, size_t size)
{
    uint32_t n = get_u32(r);
    s[0] = '\0';
    if (n >= size || n > MAX_STR) {
        r->bad = 1;
        return;
    }
    const unsigned char *c = get_bytes(r, n);
    if (!c) return;
    memcpy(s, c, n);
    s[n] = '\0';
}

/* Read n floats into dst (dst may be NULL to skip them). */
static void get_floats(Rd *r, float *dst, size_t n)
{
    if (r->bad || n > (r->n - r->off) / 4) {
        r->bad = 1;
        return;
    }
    if (!dst) {
        r->off += 4 * n;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        dst[i] = get_f32(r);
    }
}

/* --- writing a model or checkpoint ---------------------------------------- */

static void put_settings(Buf *b, const TrainConfig *cfg)
{
    put_u64(b, cfg->seed);
    put_u32(b, (uint32_t)cfg->batch);
    put_u32(b, (uint32_t)cfg->train_limit);
    put_f32(b, cfg->momentum);
    put_f32(b, cfg->weight_decay);
    put_u32(b, (uint32_t)cfg->lr.kind);
    put_f32(b, cfg->lr.lr);
    put_u32(b, (uint32_t)cfg->lr.step_epochs);
    put_f32(b, cfg->lr.gamma);
    put_u32(b, (uint32_t)cfg->lr.total_epochs);
    put_f32(b, cfg->lr.lr_min);
    put_f32(b, cfg->lr.warmup_epochs);
    put_f32(b, cfg->mean);
    put_f32(b, cfg->std);
    put_f32(b, cfg->label_smoothing);
}

/* The generator a layer draws from during training, if it has one. */
static Rng *layer_rng(Layer *l)
{
    if (strcmp(l->ops->kind, "dropout") == 0) return &((Dropout *)l)->rng;
    return NULL;
}

static int save_file(const char *path, int type, const Net *net, const Sgd *opt, const TrainConfig *cfg,
                     const TrainHistory *h)
{
    if (!path || !path[0]) return cn_fail("saving %s: no file name given", net ? net->name : "a network");
    if (!net_ok(net)) return -1;
    Buf b = { 0 };
    put_bytes(&b, MODEL_MAGIC, 4);
    put_u32(&b, MODEL_VERSION);
    put_u32(&b, (uint32_t)type);
    put_u64(&b, 0);  /* the length, filled in at the end */
    put_str(&b, net->name);
    put_u32(&b, (uint32_t)net->in.c);
    put_u32(&b, (uint32_t)net->in.h);
    put_u32(&b, (uint32_t)net->in.w);
    put_f32(&b, net->in_mean);
    put_f32(&b, net->in_std);
    put_u32(&b, (uint32_t)net->nclasses);
    for (int k = 0; k < net->nclasses; k++) put_str(&b, net->classes[k]);
    put_u32(&b, (uint32_t)net->n);
    for (int i = 0; i < net->n; i++) {
        const Layer *L = net->layer[i];
        put_str(&b, L->label);
        put_str(&b, L->ops->kind);
        put_u32(&b, (uint32_t)L->nparam);
        for (int p = 0; p < L->nparam; p++) {
            put_str(&b, L->param[p].name);
            for (int d = 0; d < 4; d++) put_u32(&b, (uint32_t)L->param[p].dims[d]);
        }
    }
    for (int i = 0; i < net->n; i++)
        for (int p = 0; p < net->layer[i]->nparam; p++)
            put_floats(&b, net->layer[i]->param[p].value, net->layer[i]->param[p].n);
    if (type == FILE_CHECKPOINT) {
        put_u32(&b, (uint32_t)h->n);
        put_settings(&b, cfg);
        for (int k = 0; k < opt->n; k++) put_floats(&b, opt->velocity[k], opt->param[k]->n);
        uint32_t nrng = 0;
        for (int i = 0; i < net->n; i++) nrng += layer_rng(net->layer[i]) != NULL;
        put_u32(&b, nrng);
        for (int i = 0; i < net->n; i++) {
            Rng *g = layer_rng(net->layer[i]);
            if (!g) continue;
            put_u32(&b, (uint32_t)i);
            put_u64(&b, g->state);
            put_u64(&b, g->inc);
        }
        put_u32(&b, (uint32_t)h->n);
        for (int e = 0; e < h->n; e++) {
            const EpochStats *s = &h->e[e];
            put_u32(&b, (uint32_t)s->epoch);
            put_f64(&b, s->train_loss);
            put_f64(&b, s->train_acc);
            put_f64(&b, s->test_loss);
            put_f64(&b, s->test_acc);
            put_f64(&b, s->lr);
            put_f64(&b, s->seconds);
            put_f64(&b, s->images_per_s);
        }
    }
    put_u64(&b, 0);  /* the checksum, filled in below */
    if (b.oom) {
        free(b.p);
        return cn_fail("saving %s: out of memory", path);
    }
    for (int i = 0; i < 8; i++) b.p[12 + i] = (unsigned char)((uint64_t)b.n >> (8 * i));
    uint64_t sum = fnv1a64(b.p, b.n - 8);
    for (int i = 0; i < 8; i++) b.p[b.n - 8 + i] = (unsigned char)(sum >> (8 * i));
    int rc = cn_file_write_atomic(path, b.p, b.n);
    free(b.p);
    return rc;
}

int net_save(const Net *net, const char *path) { return save_file(path, FILE_MODEL, net, NULL, NULL, NULL); }

int net_checkpoint_save(const char *path, const Net *net, const Sgd *opt, const TrainConfig *cfg, const TrainHistory *h)
{
    if (!opt || !cfg || !h) return cn_fail("net_checkpoint_save %s: needs the optimizer, config and history", path);
    return save_file(path, FILE_CHECKPOINT, net, opt, cfg, h);
}

/* --- reading --------------------------------------------------------------- */

/* The whole file in memory: a regular file of at most MAX_FILE bytes. */
static int read_all(const char *path, unsigned char **data, size_t *len)
{
    *data = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) return cn_fail("cannot open %s: %s", path, strerror(errno));
    struct stat st = { 0 };
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > MAX_FILE) {
        int regular = S_ISREG(st.st_mode);
        fclose(f);
        if (!regular)
            return cn_fail("%s is not a regular file (a directory, device or pipe): give the path of a saved "
                           "model or checkpoint", path);
        return cn_fail("%s is %lld bytes, larger than any model this build reads (%zu): check the path", path,
                       (long long)st.st_size, MAX_FILE);
    }
    size_t n = (size_t)st.st_size;
    unsigned char *p = malloc(n + 1);
    if (!p) {
        fclose(f);
        return cn_fail("reading %s: out of memory for %zu bytes", path, n);
    }
    size_t got = fread(p, 1, n + 1, f); /* one more than its size: a file still growing reads as too long */
    int err = ferror(f);
    if (fclose(f) != 0 || err) {
        free(p);
        return cn_fail("reading %s failed: %s", path, strerror(errno));
    }
    *data = p;
    *len = got;
    return 0;
}

/* Magic, version, length and checksum: is this an intact file of ours? On
 * success r is positioned after the fixed header and *type is set. */
static int check_envelope(const char *path, const unsigned char *p, size_t n, Rd *r, int *type)
{
    if (n >= 4 && memcmp(p, MODEL_MAGIC, 4) != 0)
        return cn_fail("%s is not a convnet-c model file (it does not start with \"%s\"): check the path", path,
                       MODEL_MAGIC), MODEL_FOREIGN;
    if (n < HEADER_BYTES + 8)
        return cn_fail("%s is truncated (%zu bytes, shorter than any model file): the save was interrupted or "
                       "the copy is incomplete; delete it to retrain", path, n);
    *r = (Rd){ .p = p, .n = n, .off = 4 };
    uint32_t version = get_u32(r);
    if (version > MODEL_VERSION)
        return cn_fail("%s was written in format version %u, newer than this build reads (%d): update convnet-c, "
                       "or delete it to retrain", path, version, MODEL_VERSION), MODEL_FOREIGN;
    if (version == 0) return cn_fail("%s has format version 0, which does not exist: delete it to retrain", path);
    r->version = version;
    *type = (int)get_u32(r);
    uint64_t declared = get_u64(r);
    if ((uint64_t)n < declared)
        return cn_fail("%s is truncated (%zu of %llu bytes): the save was interrupted or the copy is incomplete; "
                       "delete it to retrain", path, n, (unsigned long long)declared);
    if ((uint64_t)n > declared)
        return cn_fail("%s has %llu bytes more than its header says (%zu instead of %llu): it was modified or "
                       "appended to; delete it to retrain", path, (unsigned long long)((uint64_t)n - declared), n,
                       (unsigned long long)declared);
    Rd t = { .p = p, .n = n, .off = n - 8 };
    uint64_t stored = get_u64(&t), computed = fnv1a64(p, n - 8);
    if (stored != computed)
        return cn_fail("%s is corrupt (checksum %016llx, but its contents give %016llx): delete it to retrain",
                       path, (unsigned long long)stored, (unsigned long long)computed);
    if (*type != FILE_MODEL && *type != FILE_CHECKPOINT)
        return cn_fail("%s has an unknown file type %d: delete it to retrain", path, *type);
    r->n = n - 8;  /* the body ends where the checksum starts */
    return 0;
}

static void dims_text(char *s, size_t size, const uint32_t *d)
{
    snprintf(s, size, "(%u, %u, %u, %u)", d[0], d[1], d[2], d[3]);
}

/* Check that the header describes net; on success fill data[k] with the
 * file offset of param k's values and leave r after all the values. */
static int check_architecture(const char *path, Rd *r, const Net *net, size_t *data)
{
    char name[MAX_STR + 1], label[MAX_STR + 1], kind[MAX_STR + 1], pname[MAX_STR + 1];
    const char *fix = "load it into a network built the same way, or delete it to retrain";
    get_str(r, name, sizeof name);
    uint32_t c = get_u32(r), h = get_u32(r), w = get_u32(r);
    (void)get_f32(r);
    (void)get_f32(r);
    uint32_t ncls = r->version >= 3 ? get_u32(r) : 0;
    for (uint32_t k = 0; k < ncls && !r->bad; k++) get_str(r, label, sizeof label);
    uint32_t nl = get_u32(r);
    if (r->bad) goto malformed;
    if (strcmp(name, net->name) != 0)
        return cn_fail("%s holds the architecture \"%s\", but this network is \"%s\": %s", path, name, net->name,
                       fix), MODEL_FOREIGN;
    if (c != (uint32_t)net->in.c || h != (uint32_t)net->in.h || w != (uint32_t)net->in.w)
        return cn_fail("%s was saved for inputs %ux%ux%u, but this network takes %dx%dx%d: %s", path, c, h, w,
                       net->in.c, net->in.h, net->in.w, fix), MODEL_FOREIGN;
    if (nl != (uint32_t)net->n)
        return cn_fail("%s has %u layers, but this network has %d: %s", path, nl, net->n, fix), MODEL_FOREIGN;
    int k = 0;
    for (int i = 0; i < net->n; i++) {
        const Layer *L = net->layer[i];
        get_str(r, label, sizeof label);
        get_str(r, kind, sizeof kind);
        uint32_t np = get_u32(r);
        if (r->bad) goto malformed;
        if (strcmp(label, L->label) != 0 || strcmp(kind, L->ops->kind) != 0)
            return cn_fail("%s: layer %d is \"%s\" (%s) in the file but \"%s\" (%s) in this network: %s", path, i,
                           label, kind, L->label, L->ops->kind, fix), MODEL_FOREIGN;
        if (np != (uint32_t)L->nparam)
            return cn_fail("%s: layer %s has %u parameter arrays in the file but %d in this network: %s", path,
                           L->label, np, L->nparam, fix), MODEL_FOREIGN;
        for (int p = 0; p < L->nparam; p++, k++) {
            uint32_t d[4], mine[4];
            get_str(r, pname, sizeof pname);
            for (int j = 0; j < 4; j++) {
                d[j] = get_u32(r);
                mine[j] = (uint32_t)L->param[p].dims[j];
            }
            if (r->bad) goto malformed;
            char a[64], b[64];
            dims_text(a, sizeof a, d);
            dims_text(b, sizeof b, mine);
            if (strcmp(pname, L->param[p].name) != 0 || memcmp(d, mine, sizeof d) != 0)
                return cn_fail("%s: layer %s has %s %s in the file but %s %s in this network: %s", path, L->label,
                               pname, a, L->param[p].name, b, fix), MODEL_FOREIGN;
        }
    }
    for (int i = 0, kk = 0; i < net->n; i++)
        for (int p = 0; p < net->layer[i]->nparam; p++, kk++) {
            data[kk] = r->off;
            get_floats(r, NULL, net->layer[i]->param[p].n);
        }
    if (r->bad || (ncls != 0 && ncls != (uint32_t)net_out_shape(net).c)) goto malformed;
    return 0;
malformed:
    return cn_fail("%s is malformed (its header ends early, yet the checksum matches): it was not written by "
                   "net_save; delete it to retrain", path);
}

/* Copy param values from the file at the offsets check_architecture found. */
static void copy_params(const unsigned char *p, size_t n, Net *net, const size_t *data)
{
    for (int i = 0, k = 0; i < net->n; i++)
        for (int q = 0; q < net->layer[i]->nparam; q++, k++) {
            Rd r = { .p = p, .n = n, .off = data[k] };
            get_floats(&r, net->layer[i]->param[q].value, net->layer[i]->param[q].n);
        }
}

/* Is every value of every param finite, in the file at the offsets `at`
 * (check_architecture's data, or a checkpoint's velocities)? A network with
 * one NaN or infinity only ever answers NaN. */
static int check_finite(const char *path, const unsigned char *p, size_t n, const Net *net, const size_t *at,
                        const char *what)
{
    for (int i = 0, k = 0; i < net->n; i++)
        for (int q = 0; q < net->layer[i]->nparam; q++, k++) {
            const CnParam *prm = &net->layer[i]->param[q];
            Rd r = { .p = p, .n = n, .off = at[k] };
            for (size_t j = 0; j < prm->n; j++) {
                float v = get_f32(&r);
                if (!isfinite(v))
                    return cn_fail("%s: the %s of layer %s (%s, value %zu of %zu) include %s: the network it saved "
                                   "had diverged; delete it to retrain", path, what, net->layer[i]->label,
                                   prm->name, j, prm->n, isnan(v) ? "NaN" : "an infinity");
            }
        }
    return 0;
}

/* The input normalization and the class names stored after the name; the
 * names go into net (when it is not NULL). 0 or -1 (out of memory). */
static int read_head(const unsigned char *p, size_t n, uint32_t version, float *mean, float *std, Net *net)
{
    Rd r = { .p = p, .n = n, .off = HEADER_BYTES };
    char name[MAX_STR + 1];
    get_str(&r, name, sizeof name);
    for (int i = 0; i < 3; i++) (void)get_u32(&r);
    *mean = get_f32(&r);
    *std = get_f32(&r);
    uint32_t ncls = version >= 3 ? get_u32(&r) : 0;
    if (!net) return 0;
    char *buf = malloc((size_t)ncls * (MAX_STR + 1) + 1);
    const char **names = malloc(((size_t)ncls + 1) * sizeof *names);
    int rc = -1;
    if (buf && names) {
        for (uint32_t k = 0; k < ncls; k++) {
            names[k] = buf + (size_t)k * (MAX_STR + 1);
            get_str(&r, buf + (size_t)k * (MAX_STR + 1), MAX_STR + 1);
        }
        rc = net_set_classes(net, names, (int)ncls);
    } else {
        cn_fail("loading the class names: out of memory");
    }
    free(buf);
    free(names);
    return rc;
}

int net_load(Net *net, const char *path)
{
    if (!net_ok(net)) return -1;
    unsigned char *p;
    size_t n;
    if (read_all(path, &p, &n)) return -1;
    size_t *data = calloc((size_t)net_nparams(net) + 1, sizeof *data);
    Rd r;
    int type, rc = -1;
    if (!data) {
        cn_fail("loading %s: out of memory", path);
    } else if (!(rc = check_envelope(path, p, n, &r, &type)) && !(rc = check_architecture(path, &r, net, data))) {
        float mean, std;
        rc = -1;
        read_head(p, n - 8, r.version, &mean, &std, NULL);
        if (!(std > 0.0f) || !isfinite(std) || !isfinite(mean)) {
            cn_fail("%s stores an input normalization of mean %g, std %g, which is unusable: delete it to retrain",
                    path, (double)mean, (double)std);
        } else if (!check_finite(path, p, n - 8, net, data, "weights") &&
                   !read_head(p, n - 8, r.version, &mean, &std, net)) {
            copy_params(p, n - 8, net, data);
            net->in_mean = mean;
            net->in_std = std;
            rc = 0;
        }
    }
    free(data);
    free(p);
    return rc;
}

/* Compare a stored setting with the run's; name it in the message. */
#define SAME_SETTING(stored, now, name, fmt)                                                                       \
    do {                                                                                                           \
        if ((stored) != (now))                                                                                     \
            return cn_fail("%s was written by a run with " name " " fmt ", but this run has " fmt                  \
                           ": resume with the same settings, or delete it to start over",                         \
                           path, stored, now);                                                                     \
    } while (0)

static int check_settings(const char *path, Rd *r, const TrainConfig *cfg)
{
    unsigned long long seed = get_u64(r);
    int batch = (int)get_u32(r), limit = (int)get_u32(r);
    double mom = get_f32(r), wd = get_f32(r);
    int kind = (int)get_u32(r);
    double lr = get_f32(r);
    int step = (int)get_u32(r);
    double gamma = get_f32(r);
    int total = (int)get_u32(r);
    double lr_min = get_f32(r), warm = get_f32(r), mean = get_f32(r), std = get_f32(r);
    double smooth = r->version >= 2 ? get_f32(r) : 0.0;
    if (r->bad) return cn_fail("%s is malformed (its settings end early): delete it to start over", path);
    SAME_SETTING(seed, (unsigned long long)cfg->seed, "seed", "%llu");
    SAME_SETTING(batch, cfg->batch, "batch", "%d");
    SAME_SETTING(limit, cfg->train_limit, "train_limit", "%d");
    SAME_SETTING(mom, (double)cfg->momentum, "momentum", "%g");
    SAME_SETTING(wd, (double)cfg->weight_decay, "weight decay", "%g");
    SAME_SETTING(kind, (int)cfg->lr.kind, "schedule kind", "%d");
    SAME_SETTING(lr, (double)cfg->lr.lr, "learning rate", "%g");
    SAME_SETTING(step, cfg->lr.step_epochs, "step_epochs", "%d");
    SAME_SETTING(gamma, (double)cfg->lr.gamma, "gamma", "%g");
    SAME_SETTING(total, cfg->lr.total_epochs, "total_epochs", "%d");
    SAME_SETTING(lr_min, (double)cfg->lr.lr_min, "lr_min", "%g");
    SAME_SETTING(warm, (double)cfg->lr.warmup_epochs, "warmup_epochs", "%g");
    SAME_SETTING(mean, (double)cfg->mean, "input mean", "%g");
    SAME_SETTING(std, (double)cfg->std, "input std", "%g");
    SAME_SETTING(smooth, (double)cfg->label_smoothing, "label smoothing", "%g");
    return 0;
}

int net_checkpoint_load(const char *path, Net *net, Sgd *opt, const TrainConfig *cfg, TrainHistory *h)
{
    if (!net_ok(net)) return -1;
    if (!opt || !cfg || !h) return cn_fail("net_checkpoint_load %s: needs the optimizer, config and history", path);
    if (opt->n != net_nparams(net))
        return cn_fail("net_checkpoint_load %s: the optimizer was not made for this network", path);
    unsigned char *p;
    size_t n;
    if (read_all(path, &p, &n)) return -1;
    size_t *data = calloc((size_t)opt->n + 1, sizeof *data), *vel = calloc((size_t)opt->n + 1, sizeof *vel);
    int nl = net->n, *rng_layer = calloc((size_t)nl + 1, sizeof *rng_layer);
    Rng *rngs = calloc((size_t)nl + 1, sizeof *rngs);
    TrainHistory got = { 0 };
    Rd r;
    int type, rc = -1;
    uint32_t nrng = 0;
    if (!data || !vel || !rng_layer || !rngs) {
        cn_fail("loading %s: out of memory", path);
        goto done;
    }
    if ((rc = check_envelope(path, p, n, &r, &type))) goto done;
    if (type != FILE_CHECKPOINT) {
        cn_fail("%s is a saved model, not a training checkpoint: load it with net_load, or give another "
                "checkpoint path", path);
        rc = MODEL_FOREIGN;
        goto done;
    }
    if ((rc = check_architecture(path, &r, net, data))) goto done;
    rc = -1;
    uint32_t done_epochs = get_u32(&r);
    if (check_settings(path, &r, cfg)) goto done;
    for (int k = 0; k < opt->n; k++) {
        vel[k] = r.off;
        get_floats(&r, NULL, opt->param[k]->n);
    }
    nrng = get_u32(&r);
    if (r.bad || nrng > (uint32_t)nl) goto malformed;
    for (uint32_t g = 0; g < nrng; g++) {
        uint32_t li = get_u32(&r);
        rngs[g].state = get_u64(&r);
        rngs[g].inc = get_u64(&r);
        if (r.bad || li >= (uint32_t)nl || !layer_rng(net->layer[li])) goto malformed;
        rng_layer[g] = (int)li;
    }
    uint32_t rows = get_u32(&r);
    if (r.bad || rows != done_epochs || rows > (r.n - r.off) / 60) goto malformed;
    for (uint32_t e = 0; e < rows; e++) {
        EpochStats s;
        s.epoch = (int)get_u32(&r);
        s.train_loss = get_f64(&r);
        s.train_acc = get_f64(&r);
        s.test_loss = get_f64(&r);
        s.test_acc = get_f64(&r);
        s.lr = get_f64(&r);
        s.seconds = get_f64(&r);
        s.images_per_s = get_f64(&r);
        if (r.bad) goto malformed;
        if (train_history_push(&got, &s)) goto done;
    }
    if (r.off != r.n) goto malformed;
    if (check_finite(path, p, n - 8, net, data, "weights") || check_finite(path, p, n - 8, net, vel, "SGD velocities"))
        goto done;
    float mean, std;
    if (read_head(p, n - 8, r.version, &mean, &std, net)) goto done;

    /* Every check passed: now change the net, the optimizer and the history. */
    copy_params(p, n - 8, net, data);
    net->in_mean = mean;
    net->in_std = std;
    for (int k = 0; k < opt->n; k++) {
        Rd v = { .p = p, .n = n - 8, .off = vel[k] };
        get_floats(&v, opt->velocity[k], opt->param[k]->n);
    }
    for (uint32_t g = 0; g < nrng; g++) *layer_rng(net->layer[rng_layer[g]]) = rngs[g];
    train_history_free(h);
    *h = got;
    got = (TrainHistory){ 0 };
    rc = 0;
    goto done;
malformed:
    cn_fail("%s is malformed (its training state does not fit this network): delete it to start over", path);
done:
    train_history_free(&got);
    free(data), free(vel), free(rng_layer), free(rngs), free(p);
    return rc;
}
