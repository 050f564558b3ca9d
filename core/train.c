/* train.c - mini-batch training and evaluation; see train.h. */
#include "core/train.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/dropout.h"
#include "core/error.h"
#include "core/loss.h"
#include "core/model_io.h"
#include "core/threads.h"

/* --- threads on a busy machine ------------------------------------------------ */

/* Two threads that meet at the end of every layer (or of every half batch)
 * wait for each other. By default libgomp lets a waiting thread spin, up to
 * 300,000 turns, before it sleeps: on a quiet machine that saves a wake-up,
 * but beside another busy program the spinning thread holds a core that the
 * thread it waits for, or the other program, needs. Measured with one busy
 * process beside bench_lenet on 2 cores: training kept 22% of its quiet speed
 * with spinning, 54% with OMP_WAIT_POLICY=passive (a waiting thread sleeps at
 * once), and passive cost nothing measurable on a quiet machine. So every
 * program that trains waits passively unless its user chose otherwise.
 *
 * The OpenMP runtime reads its settings from the environment while the
 * program loads, before main() runs (libgomp in its constructor), and there
 * is no function to change them afterwards. A function listed in the
 * program's .preinit_array runs even earlier, but setenv() there does not
 * last: the C library sets up `environ` from the loader's copy after it, and
 * the runtime reads that copy. So when none of the runtime's waiting
 * variables is set, this function starts the program again, at once, with
 * OMP_WAIT_POLICY=passive added to its environment (execve of the program
 * itself: same arguments, same open files); the second start finds the
 * variable and goes on. Set OMP_WAIT_POLICY yourself (e.g. to run under
 * valgrind, which would not follow the restart) and nothing is restarted.
 * A program linked with this file (any that calls train_run) carries the
 * entry; without /proc/self/exe it keeps the runtime's default. */
#if defined(_OPENMP) && defined(__linux__)
static void wait_passively_unless_chosen(int argc, char **argv, char **envp)
{
    (void)argc;
    const char *chosen[] = { "OMP_WAIT_POLICY=", "GOMP_SPINCOUNT=", "KMP_BLOCKTIME=" };
    size_t n = 0;
    for (char **e = envp; e && *e; e++, n++)
        for (int k = 0; k < 3; k++)
            if (!strncmp(*e, chosen[k], strlen(chosen[k]))) return; /* the user's choice, or the second start */
    char **env = malloc((n + 2) * sizeof *env);
    if (!env) return;
    if (n) memcpy(env, envp, n * sizeof *env);
    env[n] = "OMP_WAIT_POLICY=passive";
    env[n + 1] = NULL;
    execve("/proc/self/exe", argv, env);
    free(env); /* the restart failed: keep the runtime's default */
}

__attribute__((used, section(".preinit_array"))) static void (*const wait_policy_entry)(int, char **, char **) =
    wait_passively_unless_chosen;
#endif

const char *train_wait_policy(void)
{
    const char *p = getenv("OMP_WAIT_POLICY");
    if (p && *p) return p;
    if (getenv("GOMP_SPINCOUNT") || getenv("KMP_BLOCKTIME")) return "as GOMP_SPINCOUNT / KMP_BLOCKTIME say";
    return "the OpenMP runtime's default";
}

/* --- random streams per epoch ---------------------------------------------- */

/* splitmix64 (Steele, Lea, Flood 2014): a bijective mixer, so nearby inputs
 * (seed, epoch 1, 2, 3 ...) give unrelated generator seeds. */
static uint64_t splitmix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

enum { STREAM_SHUFFLE = 1, STREAM_AUGMENT = 2 };

/* The generator for one purpose in one epoch depends on (seed, epoch)
 * only, never on what happened before: a resumed run draws the same numbers. */
static void epoch_rng(Rng *r, uint64_t seed, int epoch, uint64_t stream)
{
    rng_seed(r, splitmix64(seed ^ splitmix64((uint64_t)epoch)), stream);
}

/* --- progress display ------------------------------------------------------ */

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* 1234567 -> "1,234,567" */
static const char *commas(char *buf, size_t size, double v)
{
    char d[40];
    snprintf(d, sizeof d, "%.0f", v);
    size_t len = strlen(d), o = 0;
    for (size_t k = 0; k < len && o + 2 < size; k++) {
        buf[o++] = d[k];
        if (d[k] != '-' && (len - k - 1) % 3 == 0 && k + 1 < len) buf[o++] = ',';
    }
    buf[o] = '\0';
    return buf;
}

typedef struct {
    FILE *f;          /* NULL when quiet */
    int tty;
    int epochs;
    double t0, last;  /* start of the epoch, last draw or line */
    double watched;   /* last call of cfg->watch */
} Progress;

static void progress_batch(Progress *p, int epoch, int done, int total, double loss)
{
    if (!p->f) return;
    double t = now_seconds(), el = t - p->t0;
    if (done < total && t - p->last < (p->tty ? 0.1 : 30.0)) return;
    p->last = t;
    double rate = el > 0 ? done / el : 0.0;
    char a[32], b[32], c[32];
    if (!p->tty) {
        if (done < total)
            fprintf(p->f, "epoch %d/%d  %s/%s  %s img/s  loss %.3f\n", epoch + 1, p->epochs, commas(a, 32, done),
                    commas(b, 32, total), commas(c, 32, rate), loss);
        fflush(p->f);
        return;
    }
    char bar[25];
    int fill = (int)((long long)done * 24 / total);
    for (int i = 0; i < 24; i++) bar[i] = i < fill ? '#' : '.';
    bar[24] = '\0';
    int eta = rate > 0 ? (int)((total - done) / rate + 0.5) : 0;
    char etas[24];
    if (eta >= 3600)
        snprintf(etas, sizeof etas, "%d:%02d:%02d", eta / 3600, eta / 60 % 60, eta % 60);
    else
        snprintf(etas, sizeof etas, "%d:%02d", eta / 60, eta % 60);
    fprintf(p->f, "\repoch %d/%d [%s] %s/%s  %s img/s  loss %.3f  ETA %s\033[K", epoch + 1, p->epochs, bar,
            commas(a, 32, done), commas(b, 32, total), commas(c, 32, rate), loss, etas);
    fflush(p->f);
}

static void progress_epoch(Progress *p, const EpochStats *s)
{
    if (!p->f) return;
    char a[32];
    if (p->tty) fputc('\r', p->f);
    fprintf(p->f, "epoch %d/%d  loss %.4f  acc %.2f%%", s->epoch, p->epochs, s->train_loss, 100.0 * s->train_acc);
    if (!isnan(s->test_loss)) fprintf(p->f, "  test loss %.4f  acc %.2f%%", s->test_loss, 100.0 * s->test_acc);
    fprintf(p->f, "  lr %.4g  %.1f s  %s img/s%s\n", s->lr, s->seconds, commas(a, 32, s->images_per_s),
            p->tty ? "\033[K" : "");
    fflush(p->f);
}

/* --- the watcher ------------------------------------------------------------ */

/* Call cfg->watch with the net in evaluation mode, then put it back into
 * the mode it was in (and the replica too, which the watcher never sees). */
static void watch(Net *net, const TrainHistory *h, const TrainConfig *cfg, Progress *p, TrainWatchInfo at)
{
    if (!cfg->watch) return;
    const int was_training = net->n > 0 && net->layer[0]->training;
    net_set_training(net, 0);
    at.epochs = cfg->epochs;
    cfg->watch(net, h, &at, cfg->watch_ctx);
    net_set_training(net, was_training);
    p->watched = now_seconds();
}

/* --- checks ------------------------------------------------------------------ */

static int check_data(const Net *net, const LabelledImages *ds, const char *role)
{
    CnShape o = net_out_shape(net);
    if (!ds || ds->count < 1 || !ds->images || !ds->labels)
        return cn_fail("%s: the %s set is empty or missing", net->name, role);
    if (net->in.c != 1 || net->in.h != ds->height || net->in.w != ds->width)
        return cn_fail("%s takes %dx%dx%d inputs, but the %s set \"%s\" has 1x%dx%d images: build the network for "
                       "that size", net->name, net->in.c, net->in.h, net->in.w, role, ds->name, ds->height,
                       ds->width);
    if (o.h != 1 || o.w != 1 || o.c != ds->nclasses)
        return cn_fail("%s ends in %dx%dx%d outputs, but the %s set \"%s\" has %d classes: end with "
                       "dense_create(%d)", net->name, o.c, o.h, o.w, role, ds->name, ds->nclasses, ds->nclasses);
    return 0;
}

static int check_config(const TrainConfig *cfg)
{
    if (cfg->epochs < 1) return cn_fail("training: epochs = %d; it must be at least 1", cfg->epochs);
    if (cfg->batch < 1) return cn_fail("training: batch = %d; it must be at least 1 (try 64)", cfg->batch);
    if (cfg->train_limit < 0 || cfg->test_limit < 0)
        return cn_fail("training: train_limit %d and test_limit %d must be >= 0 (0 = all images)",
                       cfg->train_limit, cfg->test_limit);
    if (cfg->resume && !cfg->checkpoint)
        return cn_fail("training: resume is set but no checkpoint path is given");
    if (!(cfg->label_smoothing >= 0.0f && cfg->label_smoothing < 1.0f))
        return cn_fail("training: label_smoothing %g must be in [0, 1) (0 = none; 0.1 is usual)",
                       (double)cfg->label_smoothing);
    if (cfg->std < 0.0f) return cn_fail("training: input std %g must be > 0 (or 0 to keep the net's)", (double)cfg->std);
    if (optim_schedule_check(&cfg->lr)) return cn_fail("training: %s", cn_last_error());
    return 0;
}

/* --- evaluation ---------------------------------------------------------------- */

void train_eval_result_free(EvalResult *r)
{
    if (!r) return;
    int want = r->want_pred;
    free(r->confusion);
    free(r->pred);
    free(r->prob);
    *r = (EvalResult){ .want_pred = want };
}

enum { EVAL_BATCH = 100 };

int net_evaluate(Net *net, const LabelledImages *ds, int limit, EvalResult *r)
{
    return net_evaluate_views(net, ds, limit, NULL, 1, NULL, r);
}

int net_evaluate_views(Net *net, const LabelledImages *ds, int limit, ViewFn fn, int nviews, void *ctx,
                       EvalResult *r)
{
    if (!r) return cn_fail("net_evaluate: no result given");
    train_eval_result_free(r);
    if (!net_ok(net) || check_data(net, ds, "evaluation")) return -1;
    if (limit < 0) return cn_fail("net_evaluate: limit %d must be >= 0 (0 = all images)", limit);
    if (nviews < 1 || (nviews > 1 && !fn))
        return cn_fail("net_evaluate: %d views need a view function (1 view needs none)", nviews);
    const int n = limit > 0 && limit < ds->count ? limit : ds->count, K = ds->nclasses;
    const size_t in = shape_size(net->in);
    float *x = malloc((size_t)EVAL_BATCH * in * sizeof *x);
    float *probs = malloc((size_t)EVAL_BATCH * (size_t)K * sizeof *probs);
    float *avg = nviews > 1 ? malloc((size_t)EVAL_BATCH * (size_t)K * sizeof *avg) : NULL;
    r->confusion = calloc((size_t)K * (size_t)K, sizeof *r->confusion);
    if (r->want_pred) {
        r->pred = malloc((size_t)n * sizeof *r->pred);
        r->prob = malloc((size_t)n * (size_t)K * sizeof *r->prob);
    }
    if (!x || !probs || (nviews > 1 && !avg) || !r->confusion || (r->want_pred && (!r->pred || !r->prob))) {
        free(x), free(probs), free(avg);
        train_eval_result_free(r);
        return cn_fail("net_evaluate: out of memory for %d images", n);
    }
    int was_training = net->n > 0 && net->layer[0]->training;
    net_set_training(net, 0);
    double total = 0.0;
    int correct = 0, rc = 0;
    for (int start = 0; start < n && !rc; start += EVAL_BATCH) {
        int B = n - start < EVAL_BATCH ? n - start : EVAL_BATCH;
        const unsigned char *y = ds->labels + start;
        for (int s = 0; s < B && !rc; s++)
            if (y[s] >= K) rc = cn_fail("%s: image %d has label %d, but there are %d classes", ds->name, start + s,
                                        y[s], K);
        if (rc) break;
        float loss = 0.0f;
        for (int v = 0; v < nviews; v++) {
            net_input_from_u8(net, x, labelled_image(ds, start), (size_t)B * in);
            if (fn)
                for (int s = 0; s < B; s++) fn(x + (size_t)s * in, net->in.c, net->in.h, net->in.w, v, ctx);
            const float *logits = net_forward(net, x, B);
            if (!logits) {
                rc = -1;
                break;
            }
            loss = softmax_ce_forward(probs, logits, y, B, K);
            if (nviews > 1)
                for (size_t i = 0; i < (size_t)B * (size_t)K; i++)
                    avg[i] = (v ? avg[i] : 0.0f) + probs[i] / (float)nviews;
        }
        if (rc) break;
        const float *p = probs;
        if (nviews > 1) {
            p = avg;
            loss = 0.0f;
            for (int s = 0; s < B; s++) {
                const float py = avg[(size_t)s * (size_t)K + y[s]];
                loss += -logf(py > 1e-30f ? py : 1e-30f) / (float)B;
            }
        }
        total += (double)loss * B;
        for (int s = 0; s < B; s++) {
            int k = cn_argmax(p + (size_t)s * (size_t)K, K);
            r->confusion[y[s] * K + k]++;
            correct += k == y[s];
            if (r->want_pred) {
                r->pred[start + s] = k;
                memcpy(r->prob + (size_t)(start + s) * (size_t)K, p + (size_t)s * (size_t)K,
                       (size_t)K * sizeof *p);
            }
        }
    }
    net_set_training(net, was_training);
    free(x), free(probs), free(avg);
    if (rc) {
        train_eval_result_free(r);
        return -1;
    }
    r->n = n;
    r->nclasses = K;
    r->loss = total / n;
    r->accuracy = (double)correct / n;
    return 0;
}

/* --- training ------------------------------------------------------------------- */

typedef struct {
    int *idx;
    float *x, *probs, *dlogits;
    unsigned char *y;
} Scratch;

static void scratch_free(Scratch *s) { free(s->idx), free(s->x), free(s->probs), free(s->dlogits), free(s->y); }

/* The replica must be built like net: same name, kinds of layers and
 * parameter sizes. */
static int check_replica(const Net *net, const Net *rep)
{
    if (!net_ok(rep)) return cn_fail("training: the replica is not a usable network: %s", cn_last_error());
    if (rep == net) return cn_fail("training: the replica must be a second network, not net itself");
    if (strcmp(rep->name, net->name) || rep->n != net->n || net_nparams(rep) != net_nparams(net))
        return cn_fail("training: the replica \"%s\" (%d layers) is not built like \"%s\" (%d layers); build it with "
                       "the same constructor and options", rep->name, rep->n, net->name, net->n);
    for (int k = 0; k < net_nparams(net); k++)
        if (net_param(net, k, NULL)->n != net_param(rep, k, NULL)->n)
            return cn_fail("training: parameter array %d of the replica has %zu numbers, of %s %zu; build it with the "
                           "same constructor and options", k, net_param(rep, k, NULL)->n, net->name,
                           net_param(net, k, NULL)->n);
    for (int i = 0; i < net->n; i++)
        if (strcmp(net->layer[i]->ops->kind, rep->layer[i]->ops->kind))
            return cn_fail("training: layer %d of the replica is a %s layer, of %s a %s layer; build it with the same "
                           "constructor and options", i + 1, rep->layer[i]->ops->kind, net->name,
                           net->layer[i]->ops->kind);
    return 0; /* (its input normalization is never used: it gets the batch already normalized) */
}

/* The numbers of a param of n that part `part` of nparts owns: [*i0, *i1). */
static void part_range(size_t n, int part, int nparts, size_t *i0, size_t *i1)
{
    *i0 = n * (size_t)part / (size_t)nparts;
    *i1 = n * (size_t)(part + 1) / (size_t)nparts;
}

/* dst's parameter values = src's, the numbers of part `part` of nparts (the
 * replica after each step: each thread copies its part). */
static void copy_params_part(Net *dst, const Net *src, int part, int nparts)
{
    for (int k = 0; k < net_nparams(src); k++) {
        const CnParam *p = net_param(src, k, NULL);
        size_t i0, i1;
        part_range(p->n, part, nparts, &i0, &i1);
        memcpy(net_param(dst, k, NULL)->value + i0, p->value + i0, (i1 - i0) * sizeof *p->value);
    }
}

static void copy_params(Net *dst, const Net *src) { copy_params_part(dst, src, 0, 1); }

/* net's parameter gradients += rep's, the numbers of the same part. */
static void add_grads_part(Net *net, const Net *rep, int part, int nparts)
{
    for (int k = 0; k < net_nparams(net); k++) {
        CnParam *p = net_param(net, k, NULL);
        const float *g = net_param(rep, k, NULL)->grad;
        size_t i0, i1;
        part_range(p->n, part, nparts, &i0, &i1);
        for (size_t i = i0; i < i1; i++) p->grad[i] += g[i];
    }
}

/* Forward, loss and backward of samples [s0, s0+n) of the batch of B on one
 * network (the whole batch: s0 = 0, n = B; one half: see halves_step): probs
 * and dlogits of those samples, dlogits = dL/dlogits of the whole batch's mean
 * loss; *loss = the sum of the n samples' losses (a non-finite one stops
 * before backward, and train_epoch reports it). 0, or -1 with a message. */
static int half_step(Net *h, Scratch *w, int s0, int n, int B, int K, size_t in, float eps, double *loss)
{
    const float *logits = net_forward(h, w->x + (size_t)s0 * in, n);
    if (!logits) return -1;
    float *probs = w->probs + (size_t)s0 * (size_t)K, *dl = w->dlogits + (size_t)s0 * (size_t)K;
    const unsigned char *y = w->y + s0;
    *loss = (double)softmax_ce_smooth_forward(probs, logits, y, n, K, eps) * n;
    if (!isfinite(*loss)) return 0;
    memset(dl, 0, (size_t)n * (size_t)K * sizeof *dl);
    softmax_ce_smooth_backward(dl, probs, y, n, K, eps);
    /* softmax_ce_smooth_backward averages over its n samples; the step averages over B */
    const float scale = (float)n / (float)B;
    for (size_t i = 0; i < (size_t)n * (size_t)K; i++) dl[i] *= scale;
    net_zero_grad(h);
    return net_backward(h, dl, n);
}

/* One batch of B in w, in two halves: net takes samples [0, B1), the replica
 * [B1, B), one thread each (see train.h); then net's gradients += the
 * replica's. *loss = the batch's mean loss. 0, or -1 with a message. */
static int halves_step(Net *net, Net *rep, Scratch *w, int B, int K, size_t in, float eps, float *loss)
{
    const int B1 = (B + 1) / 2;
    /* dropout: the whole batch's masks, drawn by net's layers, each half its part */
    for (int i = 0; i < net->n; i++)
        if (!strcmp(net->layer[i]->ops->kind, "dropout") && dropout_split_mask(net->layer[i], rep->layer[i], B, B1))
            return -1;
    double sum[2] = { 0.0, 0.0 };
    int rc[2] = { 0, 0 };
    char why[2][256] = { "", "" }; /* messages are per thread: carry a half's failure back */
#pragma omp parallel num_threads(omp_get_max_threads() > 1 ? 2 : 1)
    {
        const int t = omp_get_thread_num(), nt = omp_get_num_threads();
        for (int half = t; half < 2; half += nt) {
            const int s0 = half ? B1 : 0, n = half ? B - B1 : B1;
            if (n > 0 && (rc[half] = half_step(half ? rep : net, w, s0, n, B, K, in, eps, &sum[half])))
                snprintf(why[half], sizeof why[half], "%s", cn_last_error());
        }
        /* both halves done: each thread adds its part of the gradients */
#pragma omp barrier
        if (!rc[0] && !rc[1] && B - B1 > 0) add_grads_part(net, rep, t, nt);
    }
    for (int half = 0; half < 2; half++)
        if (rc[half]) return cn_fail("%s", why[half]);
    *loss = (float)((sum[0] + sum[1]) / B);
    return 0;
}

/* --- stopping when a number stops being one ------------------------------ */

/* The first layer whose output, over the last forward, holds a NaN or an
 * infinity (net or, when given, its replica); NULL if none does. */
static const char *first_nonfinite_output(const Net *net, const Net *rep)
{
    for (int i = 0; i < net->n; i++)
        for (const Net *h = net; h; h = h == net ? rep : NULL) {
            const size_t n = (size_t)h->last_B * shape_size(h->layer[i]->out);
            for (size_t j = 0; j < n; j++)
                if (!isfinite(h->act[i][j])) return h->layer[i]->label;
        }
    return NULL;
}

/* A non-finite loss: say where it arose (epoch, batch, the first layer whose
 * output went bad) and what to try. -1. */
static int loss_not_finite(const Net *net, const TrainConfig *cfg, float loss, int e, int b)
{
    const char *where = first_nonfinite_output(net, cfg->replica);
    char at[96] = "";
    if (where) snprintf(at, sizeof at, " (the output of layer %s was the first to hold one)", where);
    double lr0 = cfg->lr.lr;
    return cn_fail("training stopped: the loss became %s at epoch %d, batch %d%s: the learning rate %g is "
                   "probably too large; try %g", isnan(loss) ? "nan" : "inf", e + 1, b + 1, at, lr0, lr0 / 10.0);
}

/* 1 when one of the n floats is a NaN or an infinity: IEEE-754 gives those,
 * and only those, an exponent of all ones. Integer operations without an
 * early exit, so the compiler runs the loop on whole vectors: it runs after
 * every batch. */
static int any_nonfinite(const float *v, size_t n)
{
    uint32_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t u;
        memcpy(&u, v + i, sizeof u);
        bad |= (u & 0x7f800000u) == 0x7f800000u;
    }
    return bad != 0;
}

/* Every parameter gradient finite, or -1 naming the step and the layer: one
 * NaN would spread into every weight at the next step. */
static int check_grads(const Net *net, const TrainConfig *cfg, int e, int b)
{
    for (int k = 0; k < net_nparams(net); k++) {
        int li;
        const CnParam *p = net_param(net, k, &li);
        if (!any_nonfinite(p->grad, p->n)) continue;
        for (size_t i = 0; i < p->n; i++)
            if (!isfinite(p->grad[i]))
                return cn_fail("training stopped: the gradient of layer %s's %s became %s at epoch %d, batch %d "
                               "(value %zu of %zu): the learning rate %g is probably too large; try %g",
                               net->layer[li]->label, p->name, isnan(p->grad[i]) ? "nan" : "inf", e + 1, b + 1, i,
                               p->n, (double)cfg->lr.lr, (double)cfg->lr.lr / 10.0);
    }
    return 0;
}

/* One epoch over the first N images in the epoch's shuffled order. */
static int train_epoch(Net *net, Sgd *opt, const LabelledImages *ds, int N, const TrainConfig *cfg, int e,
                       Scratch *w, Progress *pg, EpochStats *st, const TrainHistory *h)
{
    const int K = ds->nclasses, nb = (N + cfg->batch - 1) / cfg->batch;
    const size_t in = shape_size(net->in);
    Rng shuffle, aug;
    epoch_rng(&shuffle, cfg->seed, e, STREAM_SHUFFLE);
    epoch_rng(&aug, cfg->seed, e, STREAM_AUGMENT);
    for (int i = 0; i < N; i++) w->idx[i] = i;
    rng_shuffle(&shuffle, w->idx, (size_t)N);

    net_set_training(net, 1);
    if (cfg->replica) net_set_training(cfg->replica, 1);
    double loss_sum = 0.0;
    int correct = 0;
    for (int b = 0; b < nb; b++) {
        const int first = b * cfg->batch, B = N - first < cfg->batch ? N - first : cfg->batch;
        /* Gather the batch in order, one sample after another: the
         * augmentation draws come from one generator in a fixed sequence. */
        for (int s = 0; s < B; s++) {
            int i = w->idx[first + s];
            float *xs = w->x + (size_t)s * in;
            net_input_from_u8(net, xs, labelled_image(ds, i), in);
            if (cfg->augment) cfg->augment(xs, net->in.c, net->in.h, net->in.w, &aug, cfg->augment_ctx);
            w->y[s] = ds->labels[i];
            if (w->y[s] >= K)
                return cn_fail("%s: image %d has label %d, but there are %d classes", ds->name, i, w->y[s], K);
        }
        float loss = 0.0f;
        if (cfg->replica) {
            if (halves_step(net, cfg->replica, w, B, K, in, cfg->label_smoothing, &loss)) return -1;
        } else {
            double sum = 0.0;
            if (half_step(net, w, 0, B, B, K, in, cfg->label_smoothing, &sum)) return -1;
            loss = (float)(sum / B);
        }
        if (!isfinite(loss)) return loss_not_finite(net, cfg, loss, e, b);
        if (check_grads(net, cfg, e, b)) return -1;
        loss_sum += (double)loss * B;
        for (int s = 0; s < B; s++) correct += cn_argmax(w->probs + (size_t)s * (size_t)K, K) == w->y[s];

        float lr = optim_lr_at(&cfg->lr, e, (float)(b + 1) / (float)nb);
        if (b == 0) st->lr = lr;
        if (cfg->replica) {
            /* the step and the copy into the replica, each thread its part */
#pragma omp parallel num_threads(omp_get_max_threads() > 1 ? 2 : 1)
            {
                const int t = omp_get_thread_num(), nt = omp_get_num_threads();
                sgd_step_part(opt, lr, t, nt);
                copy_params_part(cfg->replica, net, t, nt);
            }
        } else {
            sgd_step(opt, lr);
        }
        progress_batch(pg, e, first + B, N, loss_sum / (first + B));
        if (cfg->watch && cfg->watch_seconds > 0 && b + 1 < nb && now_seconds() - pg->watched >= cfg->watch_seconds)
            watch(net, h, cfg, pg, (TrainWatchInfo){ .moment = TRAIN_IN_EPOCH, .epoch = e + 1, .done = first + B,
                                                     .total = N, .loss = loss_sum / (first + B) });
    }
    net_set_training(net, 0);
    if (cfg->replica) net_set_training(cfg->replica, 0);
    st->epoch = e + 1;
    st->train_loss = loss_sum / N;
    st->train_acc = (double)correct / N;
    return 0;
}

int train_run(Net *net, const LabelledImages *train, const LabelledImages *test, const TrainConfig *cfg,
              TrainHistory *out)
{
    TrainHistory h = { 0 };
    Scratch w = { 0 };
    Sgd *opt = NULL;
    EvalResult ev = { 0 };
    int rc = -1;
    if (!cfg) {
        cn_fail("train_run: no configuration given (start from train_defaults())");
        goto done;
    }
    if (!net_ok(net) || check_config(cfg) || check_data(net, train, "training") ||
        (test && check_data(net, test, "test")) || (cfg->replica && check_replica(net, cfg->replica)))
        goto done;
    if (cfg->std > 0.0f && net_set_input_norm(net, cfg->mean, cfg->std)) goto done;
    const int N = cfg->train_limit > 0 && cfg->train_limit < train->count ? cfg->train_limit : train->count;
    const int K = train->nclasses, Bmax = cfg->batch < N ? cfg->batch : N;
    const size_t in = shape_size(net->in);
    w.idx = malloc((size_t)N * sizeof *w.idx);
    w.x = malloc((size_t)Bmax * in * sizeof *w.x);
    w.probs = malloc((size_t)Bmax * (size_t)K * sizeof *w.probs);
    w.dlogits = malloc((size_t)Bmax * (size_t)K * sizeof *w.dlogits);
    w.y = malloc((size_t)Bmax);
    if (!w.idx || !w.x || !w.probs || !w.dlogits || !w.y) {
        cn_fail("train_run: out of memory for a batch of %d", Bmax);
        goto done;
    }
    if (!(opt = sgd_create(net, cfg->momentum, cfg->weight_decay))) goto done;

    Progress pg = { .f = cfg->quiet ? NULL : (cfg->log ? cfg->log : stderr), .epochs = cfg->epochs };
    if (pg.f) pg.tty = isatty(fileno(pg.f));

    if (cfg->resume && access(cfg->checkpoint, F_OK) == 0) {
        if (net_checkpoint_load(cfg->checkpoint, net, opt, cfg, &h)) goto done;
        if (pg.f)
            fprintf(pg.f, "resuming from %s: %d of %d epochs done\n", cfg->checkpoint, h.n, cfg->epochs);
    }
    /* the saved model then says what its outputs mean */
    if (train->class_names && net_set_classes(net, train->class_names, train->nclasses)) goto done;
    if (cfg->history && train_history_write(&h, cfg->history)) goto done;
    if (cfg->replica) copy_params(cfg->replica, net); /* the weights as loaded or initialised */
    watch(net, &h, cfg, &pg, (TrainWatchInfo){ .moment = TRAIN_STARTING, .epoch = h.n });

    for (int e = h.n; e < cfg->epochs; e++) {
        EpochStats st = { .test_loss = NAN, .test_acc = NAN };
        pg.t0 = pg.last = now_seconds();
        if (train_epoch(net, opt, train, N, cfg, e, &w, &pg, &st, &h)) goto done;
        double t_train = now_seconds() - pg.t0;
        st.images_per_s = t_train > 0 ? N / t_train : 0.0;
        if (test) {
            if (net_evaluate(net, test, cfg->test_limit, &ev)) goto done;
            st.test_loss = ev.loss;
            st.test_acc = ev.accuracy;
        }
        st.seconds = now_seconds() - pg.t0;
        if (train_history_push(&h, &st)) goto done;
        if (cfg->history && train_history_write(&h, cfg->history)) goto done;
        if (cfg->checkpoint && net_checkpoint_save(cfg->checkpoint, net, opt, cfg, &h)) goto done;
        progress_epoch(&pg, &st);
        watch(net, &h, cfg, &pg, (TrainWatchInfo){ .moment = TRAIN_EPOCH_DONE, .epoch = e + 1 });
    }
    rc = 0;
done:
    if (net) net_set_training(net, 0);
    train_eval_result_free(&ev);
    sgd_free(opt);
    scratch_free(&w);
    if (out) {
        train_history_free(out);
        *out = h;
    } else {
        train_history_free(&h);
    }
    return rc;
}
