/* bench_alexnet.c - how fast AlexNet-mini (core/alexnet.h) trains and infers
 * on Fashion-MNIST at batch 64, and how fast each of its layers runs,
 * forward and backward.
 *
 *   build/tests/bench/bench_alexnet                  the default run (about a minute on a quiet machine)
 *   build/tests/bench/bench_alexnet --batches 300 --repeat 5 --groups 2
 *
 * Training images/s: train_run (core/train.h) over N mini-batches of 64
 * after a warm-up, the loop the lesson uses (batch gathering, the random
 * crops and flips, forward, softmax cross-entropy, backward, SGD step with
 * momentum and weight decay); the evaluation pass is not counted, as in the
 * PyTorch reference (shared/bench/torch_ref.py alexnet, which times the same
 * things with flips only). Two ways: in two halves (cfg.replica, as lesson
 * 09 trains) and as one network whose layers split their work between the
 * threads; each also beside a competing busy process the benchmark starts
 * and stops itself (lessons/kit/busy.h), the four alternating. Inference
 * images/s: net_forward over the 10,000 test images at batch 64 and 1000
 * (input conversion included), and at batch 1 over the first 2,000 (the
 * reference's three figures). Each figure is measured --repeat times; the
 * median and the best are printed.
 *
 * Per layer, at batch 64 on the network's own buffers: the forward and the
 * backward op of every layer timed on its own (median of --repeat timings
 * of enough calls to fill about 0.05 s), in milliseconds per batch, and in
 * GFLOP/s for the layers that multiply and add: 2 floating-point operations
 * per multiply-add, forward B * madds, backward twice that (the weight
 * gradient and the input gradient) except conv1, whose input gradient is not
 * needed in training and not computed (as in net_backward). For the
 * convolutions, the reference loops (conv2d_*_naive) are timed too.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "core/alexnet.h"
#include "core/conv_layer.h"
#include "core/die.h"
#include "core/error.h"
#include "core/net.h"
#include "core/rng.h"
#include "core/threads.h"
#include "core/train.h"
#include "datasets/dataset.h"
#include "lessons/kit/cli.h"
#include "lessons/kit/models.h"
#include "tests/bench/bench.h"

/* Training images per second of net on ds over `batches` batches of `batch`,
 * with the lesson's augmentation. */
static double train_rate(Net *net, Net *half, const Dataset *ds, int batch, int batches, uint64_t seed)
{
    AlexNetAugment aug = { .pad = 2, .flip = 1, .background = 0.0f };
    TrainConfig cfg = train_defaults();
    cfg.epochs = 1;
    cfg.batch = batch;
    cfg.lr = optim_schedule_constant(0.01f);
    cfg.momentum = 0.9f;
    cfg.weight_decay = 5e-4f;
    cfg.std = 0.0f;
    cfg.seed = seed;
    cfg.train_limit = batch * batches;
    cfg.augment = alexnet_augment;
    cfg.augment_ctx = &aug;
    cfg.quiet = 1;
    cfg.replica = half;
    TrainHistory h = { 0 };
    if (train_run(net, ds, NULL, &cfg, &h)) CN_DIE("training failed: %s", cn_last_error());
    double r = h.e[0].images_per_s;
    train_history_free(&h);
    return r;
}

/* Inference images per second over the first n images of ds at batch B. */
static double infer_rate(Net *net, const Dataset *ds, int B, int n)
{
    const size_t in = shape_size(net->in);
    float *x = xcalloc(1, (size_t)B * in * sizeof *x);
    net_set_training(net, 0);
    double t0 = now_s();
    volatile float sink = 0.0f;
    for (int start = 0; start < n; start += B) {
        const int m = n - start < B ? n - start : B;
        net_input_from_u8(net, x, dataset_image(ds, start), (size_t)m * in);
        const float *y = net_forward(net, x, m);
        if (!y) CN_DIE("forward failed: %s", cn_last_error());
        sink += y[0];
    }
    double dt = now_s() - t0;
    (void)sink;
    free(x);
    return n / dt;
}

/* --- one layer at a time ----------------------------------------------------- */

typedef struct {
    Net *net;
    int i, B, backward, naive;
    const float *x;      /* the net's input batch */
    const float *dl;     /* dL/dlogits for the last layer */
} Op;

static void run_op(const Op *o)
{
    Net *net = o->net;
    Layer *L = net->layer[o->i];
    const float *in = o->i ? net->act[o->i - 1] : o->x;
    Conv2d *cv = conv2d_of(L);
    if (!o->backward) {
        if (cv && o->naive) {
            const Conv2dGeom g = conv2d_geom(cv, o->B);
            conv2d_forward_naive(net->act[o->i], in, L->param[0].value, L->param[1].value, cv->table, &g);
        } else {
            L->ops->forward(L, net->act[o->i], in, o->B);
        }
        return;
    }
    float *dx = o->i ? net->grad[o->i - 1] : NULL;
    const float *dy = o->i == net->n - 1 ? o->dl : net->grad[o->i];
    if (cv && o->naive) {
        const Conv2dGeom g = conv2d_geom(cv, o->B);
        conv2d_backward_naive(dx, L->param[0].grad, L->param[1].grad, dy, in, L->param[0].value, cv->table, &g);
    } else {
        L->ops->backward(L, dx, dy, in, net->act[o->i], o->B);
    }
}

/* Seconds per call: the median of `repeat` timings of enough calls to fill
 * about 0.05 s each. Backward accumulates into the gradients; the values do
 * not matter here, only the time. */
static double time_op(const Op *o, int repeat)
{
    run_op(o); /* warm-up */
    double t0 = now_s();
    int calls = 0;
    do {
        run_op(o);
        calls++;
    } while (now_s() - t0 < 0.05);
    double *v = xcalloc(1, (size_t)repeat * sizeof *v);
    for (int k = 0; k < repeat; k++) {
        t0 = now_s();
        for (int c = 0; c < calls; c++) run_op(o);
        v[k] = (now_s() - t0) / calls;
    }
    double med, best;
    summary(v, repeat, &med, &best);
    free(v);
    return med;
}

static void layer_table(Net *net, const Dataset *ds, int B, int repeat)
{
    const size_t in = shape_size(net->in);
    float *x = xcalloc(1, (size_t)B * in * sizeof *x);
    net_input_from_u8(net, x, dataset_image(ds, 0), (size_t)B * in);
    net_set_training(net, 1);
    const float *logits = net_forward(net, x, B);
    CN_CHECK(logits);
    const int K = net_out_shape(net).c;
    float *dl = xcalloc(1, (size_t)B * K * sizeof *dl);
    Rng r;
    rng_seed(&r, 3, 3);
    for (int i = 0; i < B * K; i++) dl[i] = rng_range(&r, -0.01f, 0.01f);
    CN_CHECK(net_backward(net, dl, B) == 0);
    printf("\n%s, every layer at batch %d (median of %d; GFLOP/s = 2 x multiply-adds / time, backward = weight "
           "and input gradients)\n", net->name, B, repeat);
    printf("  %-7s %-8s %-12s %10s %10s %10s %10s %12s %12s\n", "layer", "kind", "output", "fwd ms", "bwd ms",
           "fwd GF/s", "bwd GF/s", "naive fwd", "naive bwd");
    double tf_sum = 0.0, tb_sum = 0.0;
    for (int i = 0; i < net->n; i++) {
        const Layer *L = net->layer[i];
        Op o = { .net = net, .i = i, .B = B, .x = x, .dl = dl };
        const double tf = time_op(&o, repeat);
        o.backward = 1;
        const double tb = time_op(&o, repeat);
        tf_sum += tf, tb_sum += tb;
        char out[32], gf[2][16] = { "–", "–" }, nv[2][16] = { "", "" };
        snprintf(out, sizeof out, "%dx%dx%d", L->out.c, L->out.h, L->out.w);
        if (L->nparam && L->madds > 0) {
            const double fl = 2.0 * B * L->madds, flb = fl * (i > 0 ? 2.0 : 1.0);
            snprintf(gf[0], sizeof gf[0], "%.2f", fl / tf / 1e9);
            snprintf(gf[1], sizeof gf[1], "%.2f", flb / tb / 1e9);
            if (conv2d_of((Layer *)L)) {
                Op n = o;
                n.naive = 1;
                n.backward = 0;
                const double nf = time_op(&n, repeat);
                n.backward = 1;
                const double nb = time_op(&n, repeat);
                snprintf(nv[0], sizeof nv[0], "%.2f", fl / nf / 1e9);
                snprintf(nv[1], sizeof nv[1], "%.2f", flb / nb / 1e9);
            }
        }
        printf("  %-7s %-8s %-12s %10.3f %10.3f %10s %10s %12s %12s\n", L->label, L->ops->kind, out, tf * 1e3,
               tb * 1e3, gf[0], gf[1], nv[0], nv[1]);
    }
    printf("  %-7s %-8s %-12s %10.3f %10.3f   (sum of the layers: %.0f images/s for forward + backward)\n", "total",
           "", "", tf_sum * 1e3, tb_sum * 1e3, B / (tf_sum + tb_sum));
    free(x);
    free(dl);
}

int main(int argc, char **argv)
{
    int batches = 100, repeat = 3, groups = 1;
    CliOpt opts[] = {
        { "batches", OPT_INT, &batches, "N: mini-batches of 64 per training measurement (default 100)" },
        { "repeat", OPT_INT, &repeat, "N: measurements of each figure; the median and best are printed (default 3)" },
        { "groups", OPT_INT, &groups, "G: conv2..conv5 in G groups (1, the default, or 2)" },
    };
    cli_main(argc, argv, opts, 3,
             "Speed of AlexNet-mini on Fashion-MNIST at batch 64: training and inference images/s, and the time "
             "and GFLOP/s of every layer forward and backward. Compare with shared/bench/torch_ref.py alexnet, run "
             "in the same sitting.");
    if (batches < 1 || repeat < 1) cli_refuse("--batches %d --repeat %d: both must be at least 1", batches, repeat);
    if (groups != 1 && groups != 2) cli_refuse("--groups %d: use 1 or 2", groups);
    const int B = 64;
    Dataset *train, *test;
    load_splits("fashion-mnist", &train, &test);
    printf("bench_alexnet: %d OpenMP threads, waiting: %s; Fashion-MNIST %d train / %d test; batch %d\n",
           omp_get_max_threads(), train_wait_policy(), train->count, test->count, B);

    AlexNetOptions o = alexnet_defaults();
    o.groups = groups;
    Net *net = alexnet_mini(&o), *half = alexnet_mini(&o);
    CN_CHECK(net && half);
    alexnet_init(net, 1, 0.1f);
    train_rate(net, half, train, B, 10, 99); /* warm-up: page in the data, start the threads */
    double *v = xcalloc(1, (size_t)repeat * sizeof *v), m64, b64, m1k, b1k, m1, b1;
    /* [0] two halves (as lesson 09 trains), [1] one network with its layers split between the threads; quiet
     * and beside a busy process. The four alternate, so a drift of the machine's speed hits all of them. */
    double *q[2], *c[2], qmed[2], qbest[2], cmed[2], cbest[2];
    for (int k = 0; k < 2; k++) {
        q[k] = xcalloc(1, (size_t)repeat * sizeof *q[k]);
        c[k] = xcalloc(1, (size_t)repeat * sizeof *c[k]);
    }
    for (int r = 0; r < repeat; r++)
        for (int k = 0; k < 2; k++) {
            q[k][r] = train_rate(net, k ? NULL : half, train, B, batches, (uint64_t)r + 1);
            const pid_t busy = busy_start();
            c[k][r] = train_rate(net, k ? NULL : half, train, B, batches, (uint64_t)r + 1);
            busy_stop(busy);
        }
    for (int k = 0; k < 2; k++) {
        summary(q[k], repeat, &qmed[k], &qbest[k]);
        summary(c[k], repeat, &cmed[k], &cbest[k]);
        free(q[k]), free(c[k]);
    }
    for (int r = 0; r < repeat; r++) v[r] = infer_rate(net, test, B, test->count);
    summary(v, repeat, &m64, &b64);
    for (int r = 0; r < repeat; r++) v[r] = infer_rate(net, test, 1000, test->count);
    summary(v, repeat, &m1k, &b1k);
    for (int r = 0; r < repeat; r++) v[r] = infer_rate(net, test, 1, 2000);
    summary(v, repeat, &m1, &b1);
    double macs = 0.0;
    for (int i = 0; i < net->n; i++)
        if (net->layer[i]->nparam) macs += net->layer[i]->madds;
    printf("\n%s (%zu parameters, %.0f multiply-adds per image forward)\n", net->name, net_param_count(net), macs);
    static const char *const way[2] = { "two halves", "one network" },
                             *const how[2] = { "as lesson 09", "its layers split between threads" };
    for (int k = 0; k < 2; k++) {
        printf("  training,  batch %4d: %8.0f images/s median, %8.0f best  (%d x %d batches; %s, %s; %.0f s per "
               "60,000-image epoch)\n", B, qmed[k], qbest[k], repeat, batches, way[k], how[k], train->count / qmed[k]);
        printf("  training,  batch %4d: %8.0f images/s median, %8.0f best  (%s, beside one busy process: %.0f%% of "
               "the quiet median)\n", B, cmed[k], cbest[k], way[k], 100.0 * cmed[k] / qmed[k]);
    }
    printf("  inference, batch %4d: %8.0f images/s median, %8.0f best  (10,000 test images)\n", B, m64, b64);
    printf("  inference, batch %4d: %8.0f images/s median, %8.0f best\n", 1000, m1k, b1k);
    printf("  inference, batch %4d: %8.0f images/s median, %8.0f best  (2,000 test images, %.3f ms each)\n", 1, m1,
           b1, 1e3 / m1);
    printf("  training at the median: %.1f GFLOP/s in two halves, %.1f as one network (3 x forward multiply-adds x 2 "
           "per image)\n", qmed[0] * 6.0 * macs / 1e9, qmed[1] * 6.0 * macs / 1e9);
    free(v);
    layer_table(net, test, B, repeat);
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) == 0) printf("\npeak resident memory of this process: %.0f MiB\n", ru.ru_maxrss / 1024.0);
    net_free(net);
    net_free(half);
    dataset_free(train);
    dataset_free(test);
    return 0;
}
