/* bench_live.c - what the live view of a training (lessons/kit/live.h)
 * costs the training: the modern LeNet-5 trained as lesson 08 trains it
 * (two halves, batch 32, a test after every epoch) on Fashion-MNIST, with
 * and without the view, the two alternating so that a drift of the
 * machine's speed hits both.
 *
 *   build/tests/bench/bench_live                    the default run (about a minute)
 *   build/tests/bench/bench_live --images 20000 --epochs 3 --repeat 7
 *
 * Each pair prints the wall time of both trainings (train_run, the tests
 * after the epochs and the view's calls included) and their ratio; then the
 * median ratio, and the view's own account of its time (the share of the
 * training's time it took). The view writes into a temporary folder
 * ($CONVNET_OUT/bench_live when CONVNET_OUT is set).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/die.h"
#include "core/error.h"
#include "core/lenet.h"
#include "core/notebook.h"
#include "core/threads.h"
#include "core/train.h"
#include "datasets/dataset.h"
#include "lessons/kit/cli.h"
#include "lessons/kit/live.h"
#include "lessons/kit/models.h"
#include "tests/bench/bench.h"

/* CPU seconds of this process so far, every thread. */
static double cpu_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Seconds to train a fresh modern LeNet-5 on ntrain images for `epochs`
 * epochs, testing on test after each; watched by the live view when nb.
 * *cpu: the CPU seconds it took (gnuplot's, a child's, not included). */
static double train_seconds(Notebook *nb, const Dataset *train, const Dataset *test, int ntrain, int epochs,
                            double *cpu)
{
    Net *net = lenet5_modern(), *half = lenet5_modern();
    CN_CHECK(net && half);
    lenet5_init(net, 1);
    TrainConfig cfg = train_defaults();
    cfg.epochs = epochs;
    cfg.batch = 32;
    cfg.lr = optim_schedule_constant(0.05f);
    cfg.std = 0.0f;
    cfg.train_limit = ntrain;
    cfg.quiet = 1;
    cfg.replica = half;
    if (nb) live_watch(nb, &cfg, "modern LeNet-5, Fashion-MNIST (bench)", test);
    const double t0 = now_s(), c0 = cpu_s();
    if (train_run(net, train, test, &cfg, NULL)) CN_DIE("training failed: %s", cn_last_error());
    const double t = now_s() - t0;
    *cpu = cpu_s() - c0;
    net_free(net);
    net_free(half);
    return t;
}

int main(int argc, char **argv)
{
    int images = 10000, epochs = 3, repeat = 5;
    CliOpt opts[] = {
        { "images", OPT_INT, &images, "N: training images of each training (default 10000)" },
        { "epochs", OPT_INT, &epochs, "N: epochs of each training (default 3)" },
        { "repeat", OPT_INT, &repeat, "N: pairs of trainings, with and without the view (default 5)" },
    };
    cli_main(argc, argv, opts, 3,
             "What the live view (live.html) costs a training: the modern LeNet-5 on Fashion-MNIST as lesson 08 "
             "trains it, with and without the view, in alternating pairs.");
    cli_int_in(images, 100, 60000, "images", "a number of training images");
    cli_int_in(epochs, 1, 100, "epochs", "a number of epochs");
    cli_int_in(repeat, 1, 100, "repeat", "a number of pairs");
    char dir[64] = "/tmp/cn_bench_live_XXXXXX";
    const char *out = getenv("CONVNET_OUT");
    if (!out || !*out) {
        if (!mkdtemp(dir)) CN_DIE("cannot create a temporary folder");
        setenv("CONVNET_OUT", dir, 1);
    }
    Dataset *train, *test;
    load_splits("fashion-mnist", &train, &test);
    Dataset *test1k = first_n(test, 1000);
    Notebook *nb = nb_open_to("bench_live", "bench_live", NULL);
    CN_CHECK(nb);
    printf("bench_live: %d OpenMP threads; %d training images, %d epochs, a test on 1,000 after each; pages in %s\n",
           omp_get_max_threads(), images, epochs, nb_dir(nb));
    double cpu[2];
    train_seconds(NULL, train, test1k, images / 10, 1, cpu); /* warm-up: page in the data, start the threads */
    double *ratio = xcalloc((size_t)repeat, sizeof *ratio), *cratio = xcalloc((size_t)repeat, sizeof *cratio);
    for (int r = 0; r < repeat; r++) {
        /* the order alternates too */
        const int live_first = r % 2 == 0;
        double t[2];
        for (int k = 0; k < 2; k++) {
            const int with = live_first ? k == 0 : k == 1;
            t[with] = train_seconds(with ? nb : NULL, train, test1k, images, epochs, &cpu[with]);
        }
        ratio[r] = t[1] / t[0];
        cratio[r] = cpu[1] / cpu[0];
        printf("  pair %d: without the view %.2f s (CPU %.2f s), with it %.2f s (CPU %.2f s): x%.3f (CPU x%.3f)\n",
               r + 1, t[0], cpu[0], t[1], cpu[1], ratio[r], cratio[r]);
        fflush(stdout);
    }
    double med, worst;
    summary(ratio, repeat, &med, &worst);
    printf("bench_live: with the view / without, median of %d pairs: x%.3f (%+.1f%%); the largest x%.3f\n", repeat, med,
           100.0 * (med - 1.0), worst);
    summary(cratio, repeat, &med, &worst);
    printf("bench_live: the same in CPU time (this process's threads): median x%.3f (%+.1f%%); the largest x%.3f\n",
           med, 100.0 * (med - 1.0), worst);
    fflush(stdout);
    free(ratio);
    free(cratio);
    CN_CHECK(nb_close(nb) >= 0);
    dataset_free(train);
    dataset_free(test);
    dataset_free(test1k);
    return 0; /* the view's own account follows, when the program ends */
}
