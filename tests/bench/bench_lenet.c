/* bench_lenet.c - how fast the modern LeNet-5 trains and infers on
 * Fashion-MNIST at batch 32, and how fast each convolution layer runs with
 * its real shapes, forward and backward.
 *
 *   build/tests/bench/bench_lenet                    the default run (about half a minute)
 *   build/tests/bench/bench_lenet --batches 600 --repeat 5
 *
 * Training images/s: train_run (core/train.h) over N mini-batches of 32 after
 * a warm-up, the same loop the lessons use (batch gathering and input
 * normalization, forward, softmax cross-entropy, backward, SGD step with
 * momentum); the evaluation pass is not counted, as in the PyTorch reference
 * (shared/bench/torch_ref.py lenet). It is measured both ways train_run can
 * use two threads: each batch cut in two halves, one per thread, with a
 * replica of the network (cfg.replica, what lesson 08 does), and one
 * network whose layers split their work between the threads.
 * The two halves are also measured beside a competing busy process that
 * the benchmark starts and stops itself (lessons/kit/busy.h), in
 * alternation with the quiet measurement: the share of the quiet speed a
 * learner keeps while a browser or a compile runs on the other core.
 * Inference images/s: net_forward over the 10,000 test images in batches
 * (32, and 1000 to compare with the reference's figure), input conversion
 * included. Each figure is measured --repeat times;
 * the median and the best are printed.
 *
 * GFLOP/s per convolution layer: conv2d_forward / conv2d_backward (and the
 * reference loops, *_naive) timed on the layer's real shapes at batch 32,
 * counting 2 floating-point operations per multiply-add: forward B * madds,
 * backward B * madds for the weight gradient plus as many for the input
 * gradient (C1's input gradient is not needed in training and not computed,
 * as in net_backward).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/conv_layer.h"
#include "core/die.h"
#include "core/error.h"
#include "core/lenet.h"
#include "core/net.h"
#include "core/rng.h"
#include "core/threads.h"
#include "core/train.h"
#include "datasets/dataset.h"
#include "lessons/kit/cli.h"
#include "lessons/kit/models.h"
#include "lessons/kit/speed_net.h"
#include "tests/bench/bench.h"

/* Inference images per second over the whole of ds at batch B. */
static double infer_rate(Net *net, const Dataset *ds, int B)
{
    const size_t in = shape_size(net->in);
    float *x = xcalloc(1, (size_t)B * in * sizeof *x);
    net_set_training(net, 0);
    double t0 = now_s();
    volatile float sink = 0.0f;
    for (int start = 0; start < ds->count; start += B) {
        const int n = ds->count - start < B ? ds->count - start : B;
        net_input_from_u8(net, x, dataset_image(ds, start), (size_t)n * in);
        const float *y = net_forward(net, x, n);
        if (!y) CN_DIE("forward failed: %s", cn_last_error());
        sink += y[0];
    }
    double dt = now_s() - t0;
    (void)sink;
    free(x);
    return ds->count / dt;
}

static void conv_call(const Conv2d *cv, float *y, const float *x, float *dx, const float *dy, float *dw, float *db,
                      int B, int naive, int backward)
{
    const Layer *l = &cv->base;
    const float *w = l->param[0].value, *b = l->param[1].value;
    const Conv2dGeom g = conv2d_geom(cv, B);
    if (!backward)
        (naive ? conv2d_forward_naive : conv2d_forward)(y, x, w, b, cv->table, &g);
    else
        (naive ? conv2d_backward_naive : conv2d_backward)(dx, dw, db, dy, x, w, cv->table, &g);
}

/* Seconds per call of one conv op, the median of `repeat` timings of
 * enough calls to fill about 0.1 s each. */
static double time_conv(const Conv2d *cv, int B, int naive, int backward, int need_dx, int repeat)
{
    const Layer *l = &cv->base;
    const size_t nin = shape_size(l->in) * (size_t)B, nout = shape_size(l->out) * (size_t)B;
    float *x = xcalloc(1, nin * sizeof *x), *dx = xcalloc(1, nin * sizeof *dx);
    float *y = xcalloc(1, nout * sizeof *y), *dy = xcalloc(1, nout * sizeof *dy);
    float *dw = xcalloc(1, l->param[0].n * sizeof *dw), *db = xcalloc(1, l->param[1].n * sizeof *db);
    Rng r;
    rng_seed(&r, 5, 1);
    for (size_t i = 0; i < nin; i++) x[i] = rng_range(&r, -1.0f, 1.0f), dx[i] = 0.0f;
    for (size_t i = 0; i < nout; i++) dy[i] = rng_range(&r, -1.0f, 1.0f);
    memset(dw, 0, l->param[0].n * sizeof *dw);
    memset(db, 0, l->param[1].n * sizeof *db);
    float *dxp = need_dx ? dx : NULL;
    conv_call(cv, y, x, dxp, dy, dw, db, B, naive, backward); /* warm-up */
    double t0 = now_s();
    int calls = 0;
    do {
        conv_call(cv, y, x, dxp, dy, dw, db, B, naive, backward);
        calls++;
    } while (now_s() - t0 < 0.05);
    const int per = calls * 2 > 1 ? calls * 2 : 1;
    double *v = xcalloc(1, (size_t)repeat * sizeof *v);
    for (int k = 0; k < repeat; k++) {
        t0 = now_s();
        for (int c = 0; c < per; c++) conv_call(cv, y, x, dxp, dy, dw, db, B, naive, backward);
        v[k] = (now_s() - t0) / per;
    }
    double med, best;
    summary(v, repeat, &med, &best);
    free(v);
    free(x), free(dx), free(y), free(dy), free(dw), free(db);
    return med;
}

static void conv_table(Net *net, int B, int repeat)
{
    printf("\n%s, convolution layers at batch %d (GFLOP/s = 2 x multiply-adds / time; median of %d)\n",
           net->name, B, repeat);
    printf("  %-6s %-28s %13s %13s %13s %13s\n", "layer", "shape", "fwd GFLOP/s", "bwd GFLOP/s", "fwd naive",
           "bwd naive");
    for (int i = 0; i < net->n; i++) {
        Conv2d *cv = conv2d_of(net->layer[i]);
        if (!cv) continue;
        const Layer *l = &cv->base;
        const int need_dx = i > 0;
        const double fl_f = 2.0 * B * l->madds, fl_b = fl_f * (need_dx ? 2.0 : 1.0);
        const double tf = time_conv(cv, B, 0, 0, need_dx, repeat), tb = time_conv(cv, B, 0, 1, need_dx, repeat);
        const double nf = time_conv(cv, B, 1, 0, need_dx, repeat), nbk = time_conv(cv, B, 1, 1, need_dx, repeat);
        char shape[64];
        snprintf(shape, sizeof shape, "%dx%dx%d -> %dx%dx%d%s", l->in.c, l->in.h, l->in.w, l->out.c, l->out.h,
                 l->out.w, need_dx ? "" : " (no dx)");
        printf("  %-6s %-28s %13.2f %13.2f %13.2f %13.2f\n", l->label, shape, fl_f / tf / 1e9, fl_b / tb / 1e9,
               fl_f / nf / 1e9, fl_b / nbk / 1e9);
    }
}

int main(int argc, char **argv)
{
    int batches = 300, repeat = 3, classic = 1;
    CliOpt opts[] = {
        { "batches", OPT_INT, &batches, "N: mini-batches of 32 per training measurement (default 300)" },
        { "repeat", OPT_INT, &repeat, "N: measurements of each figure; the median and best are printed (default 3)" },
        { "classic", OPT_INT, &classic, "0/1: also measure the classic LeNet-5 (default 1)" },
    };
    cli_main(argc, argv, opts, 3,
             "Speed of LeNet-5 on Fashion-MNIST at batch 32: training and inference images/s, and GFLOP/s of "
             "each convolution layer forward and backward. Compare with shared/bench/torch_ref.py lenet, run "
             "in the same sitting.");
    if (batches < 1 || repeat < 1) cli_refuse("--batches %d --repeat %d: both must be at least 1", batches, repeat);
    if (classic != 0 && classic != 1) cli_refuse("--classic %d: use 0 or 1", classic);
    const int B = 32;
    Dataset *train, *test;
    load_splits("fashion-mnist", &train, &test);
    printf("bench_lenet: %d OpenMP threads, waiting: %s; Fashion-MNIST %d train / %d test; batch %d\n",
           omp_get_max_threads(), train_wait_policy(), train->count, test->count, B);

    for (int k = 0; k < (classic ? 2 : 1); k++) {
        Net *net = k == 0 ? lenet5_modern() : lenet5_classic(), *half = k == 0 ? lenet5_modern() : lenet5_classic();
        CN_CHECK(net && half);
        lenet5_init(net, 1);
        /* the classic network takes the images centred in 32x32: padded copies */
        const int pad = net->in.h != train->height;
        Dataset *tr = pad ? lenet5_fit_dataset(train, net) : train, *te = pad ? lenet5_fit_dataset(test, net) : test;
        CN_CHECK(tr && te);
        train_images_per_s(net, half, tr, B, 20, 99); /* warm-up: page in the data, start the threads */
        double *v = xcalloc(1, (size_t)repeat * sizeof *v), tmed, tbest, omed, obest, imed, ibest, kmed, kbest;
        /* the two ways alternate, so a drift of the machine's speed hits both */
        double *o = xcalloc(1, (size_t)repeat * sizeof *o), *c = xcalloc(1, (size_t)repeat * sizeof *c), cmed, cbest;
        for (int r = 0; r < repeat; r++) {
            v[r] = train_images_per_s(net, half, tr, B, batches, (uint64_t)r + 1);
            const pid_t busy = busy_start();
            c[r] = train_images_per_s(net, half, tr, B, batches, (uint64_t)r + 1);
            busy_stop(busy);
            o[r] = train_images_per_s(net, NULL, tr, B, batches, (uint64_t)r + 1);
        }
        summary(v, repeat, &tmed, &tbest);
        summary(o, repeat, &omed, &obest);
        summary(c, repeat, &cmed, &cbest);
        free(o);
        free(c);
        for (int r = 0; r < repeat; r++) v[r] = infer_rate(net, te, B);
        summary(v, repeat, &imed, &ibest);
        for (int r = 0; r < repeat; r++) v[r] = infer_rate(net, te, 1000);
        summary(v, repeat, &kmed, &kbest);
        printf("\n%s (%zu parameters, %.0f multiply-adds per image)\n", net->name, net_param_count(net),
               net_madds(net));
        printf("  training,  batch %4d: %8.0f images/s median, %8.0f best  (%d x %d batches; two halves, as lesson 08)\n",
               B, tmed, tbest, repeat, batches);
        printf("  training,  batch %4d: %8.0f images/s median, %8.0f best  (two halves beside one busy process: "
               "%.0f%% of the quiet median)\n", B, cmed, cbest, 100.0 * cmed / tmed);
        printf("  training,  batch %4d: %8.0f images/s median, %8.0f best  (one network, its layers split between "
               "threads)\n", B, omed, obest);
        printf("  inference, batch %4d: %8.0f images/s median, %8.0f best  (10,000 test images)\n", B, imed,
               ibest);
        printf("  inference, batch %4d: %8.0f images/s median, %8.0f best\n", 1000, kmed, kbest);
        free(v);
        conv_table(net, B, repeat);
        if (pad) {
            dataset_free(tr);
            dataset_free(te);
        }
        net_free(net);
        net_free(half);
    }
    dataset_free(train);
    dataset_free(test);
    return 0;
}
