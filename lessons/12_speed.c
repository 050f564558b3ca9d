/* 12_speed.c - lesson 12: speed, from the textbook loop to the machine's
 * peak.
 *
 * What this machine can do at most (multiply-adds per second, bytes per
 * second from memory), where each convolution of LeNet-5 and AlexNet-mini
 * sits under that roof, one convolution layer taken step by step from the
 * textbook loop nest to loops near the peak (each step checked against the
 * reference loops), what threads buy and what they cost, where a whole
 * training step's time goes, and what a busy machine does to threads that
 * wait for each other. Every figure is measured in the run, on this machine.
 *
 *   build/lessons/12_speed            the full lesson (about two minutes)
 *   build/lessons/12_speed --quick    seconds: smaller batches, shorter timings
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alexnet.h"
#include "core/conv_layer.h"
#include "core/lenet.h"
#include "core/net.h"
#include "core/notebook.h"
#include "core/plot.h"
#include "core/rng.h"
#include "core/threads.h"
#include "core/train.h"
#include "datasets/dataset.h"
#include "lessons/kit/busy.h"
#include "lessons/kit/cli.h"
#include "lessons/kit/goals.h"
#include "lessons/kit/models.h"
#include "lessons/kit/report.h"
#include "lessons/kit/speed_net.h"
#include "lessons/kit/speed_steps.h"
#include "lessons/lesson.h"

#define LESSON_ID "12_speed"

/* A build without optimization (make DEBUG=1) or with AddressSanitizer
 * (make SANITIZE=1, which checks every memory access) runs other loops than
 * the ones this lesson is about: its speeds are measured and shown, but the
 * claims about speed become goals (lessons/kit/goals.h). */
#if !defined(__OPTIMIZE__) || defined(__SANITIZE_ADDRESS__)
#define SPEED_BUILD_DIFFERS 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SPEED_BUILD_DIFFERS 1
#endif
#endif
#ifndef SPEED_BUILD_DIFFERS
#define SPEED_BUILD_DIFFERS 0
#endif

/* How long and how large each measurement is: quick for the tests. */
typedef struct {
    int quick, threads;
    double min_s;         /* seconds of calls per timing */
    int repeat;           /* timings per figure (the median is kept) */
    int step_batch;       /* the batch of the step-by-step layer */
    int net_batches;      /* training batches per whole-network measurement */
    int epoch_batches;    /* batches of the naive-against-fast comparison */
    double peak_madd, peak_madd1, bw, bw1; /* the machine, measured */
} Run;

static void the_machines_limits(Notebook *nb, Run *run);
static void the_roofline(Notebook *nb, const Run *run);
static void one_layer_step_by_step(Notebook *nb, const Run *run);
static void threads_and_small_layers(Notebook *nb, const Run *run);
static void the_whole_network(Notebook *nb, const Run *run, const Dataset *train);
static void a_busy_machine(Notebook *nb, const Run *run, const Dataset *train);
static void try_it_yourself(Notebook *nb);

int main(int argc, char **argv)
{
    int quick = 0;
    CliOpt opts[] = {
        { "quick", OPT_FLAG, &quick, "seconds: smaller batches and shorter timings (the figures are noisier)" },
    };
    cli_lesson(argc, argv, opts, 1, LESSON_ID,
               "Lesson 12: speed. The machine's peak and memory bandwidth, the roofline of LeNet-5's and "
               "AlexNet-mini's convolutions, one layer from the textbook loop nest to the fast loops step by step, "
               "threads, where a training step's time goes, and a busy machine.");
    Run run = { .quick = quick, .threads = omp_get_max_threads(), .min_s = quick ? 0.01 : 0.15,
                .repeat = quick ? 1 : 3, .step_batch = quick ? 2 : 16, .net_batches = quick ? 10 : 300,
                .epoch_batches = quick ? 10 : 60000 / 32 };
    Notebook *nb = nb_open(LESSON_ID, "Lesson 12 — Speed: from the textbook loop to the machine's peak");
    CN_CHECK(nb);
    nb_para(nb, "The lessons so far trained networks in seconds to minutes. The loops that did it are not the "
                "loops the lessons showed: core/conv_layer.c holds the convolution written as the formula reads, "
                "core/conv_fast.c the loops that run by default, several times faster, with the same sums. This "
                "lesson measures why, on this machine, in this run: %d thread%s (OpenMP), waiting: %s.%s",
            run.threads, run.threads == 1 ? "" : "s", train_wait_policy(),
            quick ? " (--quick: short timings and small batches, so the figures are rougher than a full run's.)"
                  : "");
    if (SPEED_BUILD_DIFFERS) {
        lesson_explore(1);
        nb_para(nb, "This program was built without optimization or with AddressSanitizer: it runs other loops "
                    "than a plain `make` builds, so its claims about speed are not checked (build with `make` and "
                    "run build/lessons/" LESSON_ID ").");
    }
    the_machines_limits(nb, &run);
    the_roofline(nb, &run);
    one_layer_step_by_step(nb, &run);
    threads_and_small_layers(nb, &run);
    Dataset *train, *test;
    load_splits("fashion-mnist", &train, &test);
    the_whole_network(nb, &run, train);
    a_busy_machine(nb, &run, train);
    dataset_free(train);
    dataset_free(test);
    try_it_yourself(nb);
    return lesson_end(nb);
}

/* --- the machine ------------------------------------------------------------------ */

static void the_machines_limits(Notebook *nb, Run *run)
{
    nb_section(nb, "What the machine can do at most");
    nb_para(nb, "A convolution is multiply-adds: y += w × x, over and over. The processor starts a multiply or an "
                "add on a whole vector register of floats at once (here %d floats a register) and can start "
                "several each cycle, but each one's result is ready only a few cycles later. A sum that adds "
                "into itself (acc = acc × a + b, again and again) must wait for its last result every time. "
                "Independent sums do not wait for each other: the measurement below runs 1 to 16 of them side "
                "by side, each a whole register wide, on one thread.", step_wide_floats());
    nb_code_from_source(nb, "lessons/kit/speed_wide.c", "machine_madd_gflops");
    const int chains[] = { 1, 2, 4, 6, 8, 12, 16 }, nch = 7;
    double g[7], x[7], best = 0.0;
    int best_c = 1;
    char lab[7][8];
    const char *labels[7];
    for (int i = 0; i < nch; i++) {
        g[i] = machine_madd_gflops(chains[i], 1, run->quick ? 0.02 : 0.1);
        x[i] = chains[i];
        snprintf(lab[i], sizeof lab[i], "%d", chains[i]);
        labels[i] = lab[i];
        if (g[i] > best) best = g[i], best_c = chains[i];
    }
    int enough = chains[nch - 1];
    for (int i = nch - 1; i >= 0; i--)
        if (g[i] >= 0.9 * best) enough = chains[i];
    CN_CHECK(plot_bars(nb_path(nb, "chains.png"), nb_path(nb, "chains.dat"),
                       "Multiply-adds on one thread: independent sums in flight", "GFLOP/s (2 per multiply-add)",
                       labels, g, nch) >= 0);
    nb_plot(nb, "GFLOP/s of one thread against the number of independent sums (vector registers) in flight",
            "chains.png");
    (void)x;
    lesson_goal(nb, best >= 3.0 * g[0],
             "one chain runs at %.1f GFLOP/s, %d chains at %.1f: %.1f times as fast, from the same instructions",
             g[0], best_c, best, best / g[0]);
    nb_para(nb, "From %d independent sums on, one thread reaches 90%% of its best: that number is the latency of "
                "a multiply followed by an add (cycles before the result can be used again) times how many can "
                "start each cycle. The blocked loops below keep %d x 2 = %d sums in flight, which reached %.0f%% "
                "of the best here. (The library multiplies and adds as two instructions, each product rounded as "
                "the formula reads, -ffp-contract=off; processors that start two multiplies and two adds a cycle "
                "do as much work that way as with two fused multiply-adds.)",
            enough, STEP_MAPS, 2 * STEP_MAPS, 100.0 * g[4] / best);
    run->peak_madd1 = best;
    run->peak_madd = machine_madd_gflops(best_c, run->threads, run->quick ? 0.02 : 0.1);
    const size_t bytes = (size_t)(run->quick ? 32 : 64) << 20;
    run->bw1 = machine_triad_gbs(bytes, 1, run->quick ? 2 : 4);
    run->bw = machine_triad_gbs(bytes, run->threads, run->quick ? 2 : 4);
    nb_code_from_source(nb, "lessons/kit/speed_wide.c", "machine_triad_gbs");
    char c[4][3][40];
    snprintf(c[0][0], 40, "multiply-add peak");
    snprintf(c[0][1], 40, "%.1f GFLOP/s", run->peak_madd1);
    snprintf(c[0][2], 40, "%.1f GFLOP/s", run->peak_madd);
    snprintf(c[1][0], 40, "memory bandwidth (triad)");
    snprintf(c[1][1], 40, "%.1f GB/s", run->bw1);
    snprintf(c[1][2], 40, "%.1f GB/s", run->bw);
    snprintf(c[2][0], 40, "flops per byte to keep busy");
    snprintf(c[2][1], 40, "%.1f", run->peak_madd1 / run->bw1);
    snprintf(c[2][2], 40, "%.1f", run->peak_madd / run->bw);
    const char *hdr[] = { "", "1 thread", "all threads" };
    char h2[24];
    snprintf(h2, sizeof h2, "%d threads", run->threads);
    hdr[2] = h2;
    const char *cells[9];
    for (int r = 0; r < 3; r++)
        for (int k = 0; k < 3; k++) cells[r * 3 + k] = c[r][k];
    nb_table(nb, hdr, cells, 3, 3);
    nb_para(nb, "The triad a[i] = b[i] + s × c[i] runs over three arrays of %zu MiB each, far larger than the "
                "caches, so every byte comes from memory: 2 flops for 12 bytes. A loop that does fewer than "
                "%.1f flops per byte it moves cannot keep the multipliers busy, however it is written: memory "
                "sets its pace. That ratio is the ridge of the roofline below.",
            bytes >> 20, run->peak_madd / run->bw);
}

/* --- the roofline ------------------------------------------------------------------- */

/* Where a point's label goes: (x, y) in the plot's units, align 0 centred
 * on x, 1 starting at x, 2 ending at x. */
typedef struct {
    double x, y;
    int align;
} LabelAt;

/* Area (pixels^2) that box b = {x0, y0, x1, y1} shares with box c. */
static double box_overlap(const double *b, const double *c)
{
    const double w = fmin(b[2], c[2]) - fmax(b[0], c[0]), h = fmin(b[3], c[3]) - fmax(b[1], c[1]);
    return w > 0 && h > 0 ? w * h : 0.0;
}

/* The roofline's axes {xlo, xhi, ylo, yhi}: whole decades around the
 * points and the ridge, x 0.3 of a decade wider on each side, and y up to
 * 2.5 times the peak (room for its label). plots/roofline.gp draws these. */
static void roof_axes(double *ax, const double *x, const double *y, int n, double peak, double bw)
{
    const double ridge = peak / bw;
    double mnx = ridge, mxx = ridge, mny = INFINITY;
    for (int i = 0; i < n; i++) mnx = fmin(mnx, x[i]), mxx = fmax(mxx, x[i]), mny = fmin(mny, y[i]);
    ax[0] = pow(10.0, floor(log10(mnx) - 0.3));
    ax[1] = pow(10.0, ceil(log10(mxx) + 0.3));
    ax[2] = pow(10.0, floor(log10(fmin(mny, bw * ax[0]))));
    ax[3] = peak * 2.5;
}

/* Labels for n points (x[i], y[i]) of the log-log roofline on axes ax,
 * placed one after another at the first of: above, below, right of, left
 * of the point whose text overlaps no label placed before and no point;
 * failing that, where it overlaps least. Pixels: the decades of each axis
 * over the plot area (about 760 x 430 pixels of roofline.gp's default
 * 900 x 560), a 9-point font (about 6.5 pixels a character, 12 high). */
static void place_labels(LabelAt *at, const double *x, const double *y, const char *const *label, int n,
                         const double *ax)
{
    const double xlo = ax[0], ylo = ax[2];
    const double sx = 760.0 / log10(ax[1] / xlo), sy = 430.0 / log10(ax[3] / ylo);
    enum { MAXP = 16 };
    double px[MAXP], py[MAXP], placed[MAXP][4];
    CN_CHECK(n <= MAXP);
    for (int i = 0; i < n; i++) px[i] = sx * log10(x[i] / xlo), py[i] = sy * log10(y[i] / ylo);
    const double cand[4][3] = { { 0, 16, 0 }, { 0, -16, 0 }, { 10, 0, 1 }, { -10, 0, 2 } }; /* dx, dy, align */
    for (int i = 0; i < n; i++) {
        const double w = 6.5 * (double)strlen(label[i]), h = 12.0;
        double best = INFINITY;
        for (int c = 0; c < 4 && best > 0.0; c++) {
            const double lx = px[i] + cand[c][0], ly = py[i] + cand[c][1]; /* the label, in pixels */
            const int align = (int)cand[c][2];
            const double x0 = align == 0 ? lx - w / 2 : align == 1 ? lx : lx - w;
            const double box[4] = { x0, ly - h / 2, x0 + w, ly + h / 2 };
            double lap = 0.0;
            for (int j = 0; j < i; j++) lap += box_overlap(box, placed[j]);
            for (int j = 0; j < n; j++) {
                const double pt[4] = { px[j] - 6, py[j] - 6, px[j] + 6, py[j] + 6 };
                lap += box_overlap(box, pt);
            }
            if (lap < best) {
                best = lap;
                memcpy(placed[i], box, sizeof box);
                at[i] = (LabelAt){ xlo * pow(10.0, lx / sx), ylo * pow(10.0, ly / sy), align };
            }
        }
    }
}

typedef struct {
    Conv2d *cv;
    float *x, *y;
    int B;
} ConvCall;

static void conv_forward_call(void *ctx)
{
    const ConvCall *c = ctx;
    const Layer *l = &c->cv->base;
    const Conv2dGeom g = conv2d_geom(c->cv, c->B);
    conv2d_forward(c->y, c->x, l->param[0].value, l->param[1].value, c->cv->table, &g);
}

static void the_roofline(Notebook *nb, const Run *run)
{
    nb_section(nb, "The roofline: where each convolution sits");
    const int B = run->quick ? 8 : 32;
    nb_para(nb, "A convolution layer of a batch of %d does F = 2 × B × (multiply-adds per image) flops and must at "
                "least read its input and its weights and write its output once: M bytes. Its arithmetic "
                "intensity F / M says which limit applies: below the ridge memory, above it the multipliers. "
                "Each layer's forward pass below runs on the library's fast loops, all threads.", B);
    AlexNetOptions ao = alexnet_lesson();
    Net *nets[2] = { lenet5_modern(), alexnet_mini(&ao) };
    CN_CHECK(nets[0] && nets[1]);
    const char *netname[2] = { "LeNet-5", "AlexNet-mini" };
    FILE *f = fopen(nb_path(nb, "roofline.dat"), "w");
    CN_CHECK(f);
    char txt[8][7][32];
    const char *label[8];
    const char *cells[8 * 7];
    double pai[8], pgf[8];
    int rows = 0, above = 0, series[8];
    double ai_min[2] = { INFINITY, INFINITY }, ai_max[2] = { 0.0, 0.0 }; /* LeNet-5's; AlexNet-mini's after conv1 */
    Rng r;
    rng_seed(&r, 12, 1);
    for (int k = 0; k < 2; k++)
        for (int i = 0; i < nets[k]->n; i++) {
            Conv2d *cv = conv2d_of(nets[k]->layer[i]);
            if (!cv) continue;
            const Layer *l = &cv->base;
            const size_t nin = shape_size(l->in) * (size_t)B, nout = shape_size(l->out) * (size_t)B;
            ConvCall c = { cv, xcalloc(nin, sizeof(float)), xcalloc(nout, sizeof(float)), B };
            for (size_t j = 0; j < nin; j++) c.x[j] = rng_range(&r, -1.0f, 1.0f);
            for (size_t j = 0; j < l->param[0].n; j++) l->param[0].value[j] = rng_range(&r, -0.1f, 0.1f);
            const double flops = 2.0 * B * l->madds;
            const double bytes = 4.0 * ((double)nin + (double)nout + (double)l->param[0].n + (double)l->param[1].n);
            const double t = seconds_per_call(conv_forward_call, &c, run->min_s, run->repeat);
            const double ai = flops / bytes, gf = flops / t / 1e9;
            above += ai > run->peak_madd / run->bw;
            if (k == 0 || strcmp(l->label, "conv1") != 0) {
                ai_min[k] = fmin(ai_min[k], ai);
                ai_max[k] = fmax(ai_max[k], ai);
            }
            label[rows] = l->label;
            pai[rows] = ai, pgf[rows] = gf, series[rows] = k;
            snprintf(txt[rows][0], 32, "%s %s", netname[k], l->label);
            snprintf(txt[rows][1], 32, "%dx%dx%d → %dx%dx%d", l->in.c, l->in.h, l->in.w, l->out.c, l->out.h,
                     l->out.w);
            snprintf(txt[rows][2], 32, "%.1f", flops / 1e6);
            snprintf(txt[rows][3], 32, "%.2f", bytes / 1e6);
            snprintf(txt[rows][4], 32, "%.1f", ai);
            snprintf(txt[rows][5], 32, "%.1f", gf);
            snprintf(txt[rows][6], 32, "%.0f%%", 100.0 * gf / run->peak_madd);
            for (int j = 0; j < 7; j++) cells[rows * 7 + j] = txt[rows][j];
            rows++;
            free(c.x), free(c.y);
        }
    double ax[4];
    LabelAt at[8];
    roof_axes(ax, pai, pgf, rows, run->peak_madd, run->bw);
    place_labels(at, pai, pgf, label, rows, ax);
    char axes[160];
    snprintf(axes, sizeof axes, "xlo=%.6g; xhi=%.6g; ylo=%.6g; yhi=%.6g", ax[0], ax[1], ax[2], ax[3]);
    fprintf(f, "# gnuplot -e \"datafile='roofline.dat'; outfile='roofline.png'; peak=%.2f; bw=%.2f; %s; "
               "series0='LeNet-5'; series1='AlexNet-mini'\" plots/roofline.gp\n", run->peak_madd, run->bw, axes);
    for (int i = 0; i < rows; i++)
        fprintf(f, "\"%s\" %.3f %.3f %d %.4g %.4g %d\n", label[i], pai[i], pgf[i], series[i], at[i].x, at[i].y,
                at[i].align);
    CN_CHECK(fclose(f) == 0);
    net_free(nets[0]); /* after the last use of its labels */
    net_free(nets[1]);
    const char *hdr[] = { "layer", "shape", "MFLOP", "MB moved", "flop/byte", "GFLOP/s", "of peak" };
    nb_table(nb, hdr, cells, rows, 7);
    char params[1024];
    snprintf(params, sizeof params,
             "datafile='%s'; outfile='%s'; peak=%.3f; bw=%.3f; %s; series0='LeNet-5'; series1='AlexNet-mini'; "
             "plottitle='Roofline of this machine, %d threads: convolutions forward, batch %d'",
             nb_path(nb, "roofline.dat"), nb_path(nb, "roofline.png"), run->peak_madd, run->bw, axes, run->threads, B);
    CN_CHECK(plot_gnuplot("roofline.gp", params, nb_path(nb, "roofline.png")) >= 0);
    nb_plot(nb, "Each convolution's measured GFLOP/s against its arithmetic intensity, under the roof", "roofline.png");
    nb_check(nb, ai_min[1] > ai_max[0],
             "every convolution of AlexNet-mini after conv1 does more flops per byte (at least %.1f) than any of "
             "LeNet-5's (at most %.1f): more maps in and out share each byte", ai_min[1], ai_max[0]);
    nb_para(nb, "%d of the %d convolutions lie right of the ridge (%.1f flop/byte here): for them the roof is flat, "
                "memory is not what holds them back, and the gap between a point and the peak is the loops' own "
                "doing. The rest of this lesson closes that gap on one layer.", above, rows,
            run->peak_madd / run->bw);
}

/* --- one layer, step by step ---------------------------------------------------------- */

typedef struct {
    StepFn fn;
    float *y;
    const float *x, *w, *b;
    const StepGeom *g;
} StepCall;

static void step_call(void *ctx)
{
    const StepCall *c = ctx;
    c->fn(c->y, c->x, c->w, c->b, c->g);
}

/* The library's conv2d_forward (fast loops) on a StepGeom. */
static void library_fast(float *out, const float *inp, const float *weight, const float *bias, const StepGeom *s)
{
    const Conv2dGeom g = { .B = s->B, .C = s->C, .H = s->H, .W = s->W, .OC = s->OC, .OH = s->OH, .OW = s->OW,
                           .KH = s->K, .KW = s->K, .sh = 1, .sw = 1, .pt = s->pad, .pl = s->pad, .groups = 1,
                           .op = CONV_OP_CORRELATE };
    conv2d_forward(out, inp, weight, bias, NULL, &g);
}

static void reference(float *out, const float *inp, const float *weight, const float *bias, const StepGeom *s)
{
    const Conv2dGeom g = { .B = s->B, .C = s->C, .H = s->H, .W = s->W, .OC = s->OC, .OH = s->OH, .OW = s->OW,
                           .KH = s->K, .KW = s->K, .sh = 1, .sw = 1, .pt = s->pad, .pl = s->pad, .groups = 1,
                           .op = CONV_OP_CORRELATE };
    conv2d_forward_naive(out, inp, weight, bias, NULL, &g);
}

/* Random input, weights and bias for g; the reference output in *ref. */
typedef struct {
    StepGeom g;
    float *x, *w, *b, *ref, *y;
    size_t ny;
} Layer1;

static Layer1 layer1_make(StepGeom g, uint64_t seed)
{
    Layer1 L = { .g = g };
    const size_t nx = (size_t)g.B * g.C * g.H * g.W, nw = (size_t)g.OC * g.C * g.K * g.K;
    L.ny = (size_t)g.B * g.OC * g.OH * g.OW;
    L.x = xcalloc(nx, sizeof *L.x), L.w = xcalloc(nw, sizeof *L.w), L.b = xcalloc((size_t)g.OC, sizeof *L.b);
    L.ref = xcalloc(L.ny, sizeof *L.ref), L.y = xcalloc(L.ny, sizeof *L.y);
    Rng r;
    rng_seed(&r, seed, 1);
    for (size_t i = 0; i < nx; i++) L.x[i] = rng_range(&r, -1.0f, 1.0f);
    for (size_t i = 0; i < nw; i++) L.w[i] = rng_range(&r, -0.2f, 0.2f);
    for (int i = 0; i < g.OC; i++) L.b[i] = rng_range(&r, -0.1f, 0.1f);
    reference(L.ref, L.x, L.w, L.b, &L.g);
    return L;
}

static void layer1_free(Layer1 *L) { free(L->x), free(L->w), free(L->b), free(L->ref), free(L->y); }

/* Run fn on L; the largest difference from the reference output. */
static double layer1_diff(Layer1 *L, StepFn fn)
{
    memset(L->y, 0, L->ny * sizeof *L->y);
    fn(L->y, L->x, L->w, L->b, &L->g);
    double d = 0.0;
    for (size_t i = 0; i < L->ny; i++) d = fmax(d, fabs((double)L->y[i] - L->ref[i]));
    return d;
}

/* GFLOP/s of fn on L with `threads` threads. */
static double layer1_gflops(Layer1 *L, StepFn fn, int threads, const Run *run)
{
    const int before = omp_get_max_threads();
    omp_set_num_threads(threads);
    StepCall c = { fn, L->y, L->x, L->w, L->b, &L->g };
    const double t = seconds_per_call(step_call, &c, run->min_s, run->repeat);
    omp_set_num_threads(before);
    const StepGeom *g = &L->g;
    return 2.0 * g->B * (double)g->OC * g->C * g->K * g->K * g->OH * g->OW / t / 1e9;
}

static void one_layer_step_by_step(Notebook *nb, const Run *run)
{
    nb_section(nb, "One layer, step by step");
    AlexNetOptions ao = alexnet_lesson();
    const StepGeom g = step_geom(run->step_batch, ao.conv[0], 13, 13, ao.conv[1], 3, 1);
    nb_para(nb, "The layer: AlexNet-mini's conv2 at the lesson's widths, %d input maps of 13x13 → %d maps, 3x3 "
                "kernels, padding 1, a batch of %d: %.1f million multiply-adds. Each step below is a short "
                "function of lessons/kit/ (speed_steps.h lists them); each computes the same sums as the reference loops of "
                "core/conv_layer.c (checked on every output), is timed on one thread, and is compared with the "
                "one-thread peak measured above (%.1f GFLOP/s).",
            g.C, g.OC, g.B, (double)g.B * g.OC * g.C * 9 * g.OH * g.OW / 1e6, run->peak_madd1);
    Layer1 L = layer1_make(g, 7);
    typedef struct {
        const char *label, *file, *func, *story;
        StepFn fn;
        int threads;
    } Step;
    char wide_story[400], blk_story[400];
    snprintf(blk_story, sizeof blk_story,
             "Register blocking: a block of %d maps x 2 registers of a row's outputs (8 independent sums, as "
             "the peak measurement asked for) stays in registers while the loops run over every input map and "
             "tap; each input value loaded feeds %d sums. The padding is copied in once, so no window needs "
             "clipping. Built for the compiler's baseline instructions: %d floats a register.",
             STEP_MAPS, STEP_MAPS, step_blocked_floats());
    snprintf(wide_story, sizeof wide_story,
             "The same source (step_blocked calls the same block_forward) built with the instructions the "
             "library's fast loops use (the Makefile's FAST_ARCH, this machine's own): %d floats a register, "
             "so every instruction does %d times the work.",
             step_wide_floats(), step_wide_floats() / step_blocked_floats());
    const Step steps[] = {
        { "1 textbook", "lessons/kit/speed_steps.c", "step_textbook",
          "The formula as it reads: for every output pixel, every input map and every tap, with an if that "
          "skips the taps that fall in the padding. The if is tested for every multiply-add.",
          step_textbook, 1 },
        { "2 clipped", "lessons/kit/speed_steps.c", "step_clipped",
          "The same sums; the window's bounds are cut once per output pixel so that no tap falls outside, and "
          "the innermost loop is a plain dot product of a kernel row with an input row. It is still one sum "
          "that adds into itself: every add waits for the one before.",
          step_clipped, 1 },
        { "3 row order", "lessons/kit/speed_steps.c", "step_rows",
          "The loops turned inside out: one weight at a time, times a whole row of the input, added into a "
          "whole row of the output. The innermost loop walks both rows in memory order and its iterations are "
          "independent, so the compiler runs it a vector register at a time. But every multiply-add now "
          "loads and stores its output from memory.",
          step_rows, 1 },
        { "4 blocked", "lessons/kit/speed_block.h", "block_maps", blk_story, step_blocked, 1 },
        { "5 wider vectors", "lessons/kit/speed_wide.c", "step_wide", wide_story, step_wide, 1 },
        { "library, 1 thread", NULL, NULL,
          "The library's own fast loops (core/conv_fast.c: the same ideas, blocks fitted to each layer's "
          "shape), on one thread.",
          library_fast, 1 },
        { "6 threads", NULL, NULL,
          "Step 5 with its pieces shared among all the threads (the next section shows it); its share is of "
          "the all-threads peak.",
          step_threads, run->threads },
        { "library, threads", NULL, NULL, "The library's fast loops on all the threads.", library_fast,
          run->threads },
    };
    const int nsteps = (int)(sizeof steps / sizeof steps[0]);
    double gf[10], diff[10];
    const char *labels[10];
    int all_equal = 1;
    for (int s = 0; s < nsteps; s++) {
        nb_para(nb, "%s — %s", steps[s].label, steps[s].story);
        if (steps[s].file) nb_code_from_source(nb, steps[s].file, steps[s].func);
        diff[s] = layer1_diff(&L, steps[s].fn);
        gf[s] = layer1_gflops(&L, steps[s].fn, steps[s].threads, run);
        labels[s] = steps[s].label;
        all_equal &= diff[s] <= 1e-4;
        const int all = steps[s].threads > 1;
        nb_para(nb, "%s: %.2f GFLOP/s, %.1f%% of %s peak; largest difference from the reference output %.2g.",
                steps[s].label, gf[s], 100.0 * gf[s] / (all ? run->peak_madd : run->peak_madd1),
                all ? "the all-threads" : "one thread's", diff[s]);
    }
    nb_check(nb, all_equal, "all %d versions compute the reference loops' outputs (every one of %zu outputs within "
                            "1e-4; steps 1 to 5 add the terms in the reference's order)", nsteps, L.ny);
    CN_CHECK(plot_bars(nb_path(nb, "steps.png"), nb_path(nb, "steps.dat"),
                       "AlexNet-mini conv2 forward, step by step", "GFLOP/s", labels, gf, nsteps) >= 0);
    nb_plot(nb, "GFLOP/s of each step (one thread up to the library's; then all threads)", "steps.png");
    lesson_goal(nb, gf[4] >= 4.0 * gf[0],
             "register blocking with the machine's vectors (step 5) runs %.1f times as fast as the textbook nest",
             gf[4] / gf[0]);
    nb_para(nb, "Step by step: clipping changed the speed %.2f times (it saves only the tests), the row order "
                "%.1f times (vectors, but every multiply-add loads and stores its output), blocking %.1f times "
                "(the sums stay in registers), the wider vectors %.2f times (they pay once the sums are in "
                "registers), and from step 1 to the library's loops on one thread, %.0f times.",
            gf[1] / gf[0], gf[2] / gf[1], gf[3] / gf[2], gf[4] / gf[3], gf[5] / gf[0]);
    layer1_free(&L);
}

/* --- threads ------------------------------------------------------------------------- */

static void threads_and_small_layers(Notebook *nb, const Run *run)
{
    nb_section(nb, "Threads, and layers too small to share");
    nb_para(nb, "Step 6 shares the (sample, block of maps) pieces of step 5 among the threads. Each piece is "
                "computed by one thread only, so the result does not depend on how many there are.");
    nb_code_from_source(nb, "lessons/kit/speed_wide.c", "step_threads");
    const double fj = machine_fork_join_us(run->threads);
    Net *lenet = lenet5_modern();
    CN_CHECK(lenet);
    const int lenet_layers = lenet->n;
    net_free(lenet);
    AlexNetOptions ao = alexnet_lesson();
    const StepGeom geoms[2] = { step_geom(run->quick ? 4 : 32, ao.conv[0], 13, 13, ao.conv[1], 3, 1),
                                step_geom(16, 6, 14, 14, 16, 5, 0) };
    const char *names[2] = { "AlexNet-mini conv2", "LeNet-5 C3, half a batch" };
    char txt[2][6][40];
    const char *cells[12];
    double speedup[2];
    int equal = 1;
    for (int k = 0; k < 2; k++) {
        Layer1 L = layer1_make(geoms[k], 11 + k);
        equal &= layer1_diff(&L, step_threads) <= 1e-4;
        const double g1 = layer1_gflops(&L, step_wide, 1, run), gn = layer1_gflops(&L, step_threads, run->threads, run);
        const double us1 = 2.0 * L.g.B * (double)L.g.OC * L.g.C * L.g.K * L.g.K * L.g.OH * L.g.OW / g1 / 1e3;
        speedup[k] = gn / g1;
        snprintf(txt[k][0], 40, "%s", names[k]);
        snprintf(txt[k][1], 40, "%dx%dx%d → %dx%dx%d, batch %d", L.g.C, L.g.H, L.g.W, L.g.OC, L.g.OH, L.g.OW, L.g.B);
        snprintf(txt[k][2], 40, "%.0f µs", us1);
        snprintf(txt[k][3], 40, "%.1f", g1);
        snprintf(txt[k][4], 40, "%.1f", gn);
        snprintf(txt[k][5], 40, "%.2f", speedup[k]);
        for (int j = 0; j < 6; j++) cells[k * 6 + j] = txt[k][j];
        layer1_free(&L);
    }
    char h4[32];
    snprintf(h4, sizeof h4, "GFLOP/s, %d threads", run->threads);
    const char *hdr[] = { "layer", "shape", "1 thread, per call", "GFLOP/s, 1 thread", h4, "speed-up" };
    nb_table(nb, hdr, cells, 2, 6);
    nb_check(nb, equal, "step 6 gives the reference outputs at %d threads too", run->threads);
    nb_para(nb, "Starting %d threads on a piece of work and waiting until all have finished costs %.1f µs here "
                "even when there is no work at all (an empty parallel region), and then every thread waits for "
                "the slowest: a thread the system pauses for a moment holds all the others up. Shared between "
                "%d threads, AlexNet-mini's conv2 ran %.2f times as fast as on one; LeNet-5's C3 on half a batch, "
                "%s on one thread, %.2f times. Training a network meets at the end of every layer, forward and "
                "backward, and LeNet-5 has %d of them, most smaller than C3.",
            run->threads, fj, run->threads, speedup[0], txt[1][2], speedup[1], lenet_layers);
    nb_para(nb, "So LeNet-5 trains in two halves (core/train.c): each batch is cut in two, each half goes "
                "through its own copy of the network on its own thread from the first layer to the last, and the "
                "threads meet once per batch, to add the two gradients (always in the same order, so the result "
                "does not depend on the number of threads) and take the step. Lesson 09 trains AlexNet-mini the "
                "same way: its layers are large enough to share, but its threads would still meet at every "
                "layer, forward and backward, where the halves meet once.");
    nb_code_from_source(nb, "core/train.c", "halves_step");
}

/* --- the whole network ---------------------------------------------------------------- */

static void the_whole_network(Notebook *nb, const Run *run, const Dataset *train)
{
    nb_section(nb, "The whole network: reference loops against fast ones");
    const int B = 32, nb_img = run->epoch_batches * B;
    nb_para(nb, "LeNet-5 (modern) trained on Fashion-MNIST as lesson 08 trains it: %s images in batches of %d, "
                "in two halves on %d thread%s, once on the reference loops of core/conv_layer.c "
                "(CONVNET_LOOPS=naive, or --naive in the lessons that train) and once on the fast ones.",
            commas((char[32]){ 0 }, nb_img), B, run->threads, run->threads == 1 ? "" : "s");
    Net *net = lenet5_modern(), *half = lenet5_modern();
    CN_CHECK(net && half);
    double rate[2];
    for (int k = 0; k < 2; k++) {
        conv_set_loops(k == 0 ? CONV_LOOPS_NAIVE : CONV_LOOPS_FAST);
        lenet5_init(net, 1);
        rate[k] = train_images_per_s(net, half, train, B, run->epoch_batches, 1);
    }
    conv_set_loops(CONV_LOOPS_FAST);
    nb_para(nb, "- reference loops: %.0f images/s, %.1f s\n- fast loops: %.0f images/s, %.1f s", rate[0],
            nb_img / rate[0], rate[1], nb_img / rate[1]);
    lesson_goal(nb, rate[1] > 1.5 * rate[0], "the fast loops train LeNet-5 %.1f times as fast as the reference loops",
             rate[1] / rate[0]);

    nb_para(nb, "Where does a training step's time go? On one thread, without halves, each layer's forward "
                "and backward pass is timed on its own at a batch of %d, and their sum is set against what a "
                "training step really takes.", B);
    const int before = omp_get_max_threads();
    omp_set_num_threads(1);
    lenet5_init(net, 1);
    const double r1 = train_images_per_s(net, NULL, train, B, run->net_batches, 2);
    double fwd[32], bwd[32], sum = 0.0;
    CN_CHECK(net->n <= 32);
    layer_seconds(net, train, B, run->min_s, run->repeat, fwd, bwd);
    omp_set_num_threads(before);
    char txt[34][4][32];
    const char *cells[34 * 4];
    for (int i = 0; i < net->n; i++) {
        snprintf(txt[i][0], 32, "%s (%s)", net->layer[i]->label, net->layer[i]->ops->kind);
        snprintf(txt[i][1], 32, "%.1f", fwd[i] * 1e6);
        snprintf(txt[i][2], 32, "%.1f", bwd[i] * 1e6);
        snprintf(txt[i][3], 32, "%.1f", (fwd[i] + bwd[i]) * 1e6);
        sum += fwd[i] + bwd[i];
    }
    const double step = B / r1, rest = step - sum;
    const int n = net->n;
    snprintf(txt[n][0], 32, "the layers");
    snprintf(txt[n][1], 32, "–"), snprintf(txt[n][2], 32, "–");
    snprintf(txt[n][3], 32, "%.1f", sum * 1e6);
    snprintf(txt[n + 1][0], 32, "a training step");
    snprintf(txt[n + 1][1], 32, "–"), snprintf(txt[n + 1][2], 32, "–");
    snprintf(txt[n + 1][3], 32, "%.1f", step * 1e6);
    for (int i = 0; i < n + 2; i++)
        for (int j = 0; j < 4; j++) cells[i * 4 + j] = txt[i][j];
    const char *hdr[] = { "layer", "forward µs", "backward µs", "both µs" };
    nb_table(nb, hdr, cells, n + 2, 4);
    double parts[3] = { 0.0, 0.0, 1e6 * rest };
    for (int i = 0; i < n; i++) {
        const int conv = conv2d_of(net->layer[i]) != NULL;
        parts[conv ? 0 : 1] += 1e6 * (fwd[i] + bwd[i]);
    }
    for (int k = 0; k < 3; k++) parts[k] = round(parts[k]);
    const char *pl[] = { "convolutions", "other layers", "the rest" };
    CN_CHECK(plot_bars(nb_path(nb, "step_time.png"), nb_path(nb, "step_time.dat"),
                       "One training step of LeNet-5 on one thread, batch 32", "microseconds", pl, parts, 3) >= 0);
    nb_plot(nb, "Where a training step's time goes", "step_time.png");
    if (rest > 0.0)
        nb_para(nb, "The layers add up to %.0f µs of the %.0f µs a step takes (%.0f images/s on one thread); the "
                    "other %.0f µs (%.0f%%) is the rest: gathering the batch (%d images converted to floats), the "
                    "loss and its gradient, the check for non-finite gradients, and the optimizer step over all "
                    "%zu parameters with momentum. Faster convolutions make that rest a larger share.",
                sum * 1e6, step * 1e6, r1, rest * 1e6, 100.0 * rest / step, B, net_param_count(net));
    else
        nb_para(nb, "Timed one by one, the layers took %.0f µs, longer than the %.0f µs a whole step took (%.0f "
                    "images/s on one thread): the machine's speed changed between the measurements (other "
                    "programs ran), and the rest of a step (gathering the batch, the loss, the check for "
                    "non-finite gradients, the optimizer step over %zu parameters) is too small to show through "
                    "that noise. Run the lesson again on a quieter machine.",
                sum * 1e6, step * 1e6, r1, net_param_count(net));
    lesson_goal(nb, sum < 1.5 * step, "the layers' times add up to %.0f%% of a measured training step, the rest to %.0f%%",
             100.0 * sum / step, 100.0 * rest / step);
    net_free(net);
    net_free(half);
}

/* --- a busy machine ------------------------------------------------------------------- */

/* Training images/s of LeNet-5 (two halves) from the same starting weights,
 * quiet or beside a busy process; the final weights in w (n floats). */
static double busy_or_quiet(Net *net, Net *half, const Dataset *train, int batches, int busy, float *w, size_t n)
{
    lenet5_init(net, 1);
    const pid_t p = busy ? busy_start() : 0;
    const double r = train_images_per_s(net, half, train, 32, batches, 3);
    if (busy) busy_stop(p);
    size_t at = 0;
    for (int k = 0; k < net_nparams(net); k++) {
        const CnParam *q = net_param(net, k, NULL);
        for (size_t i = 0; i < q->n && at < n; i++) w[at++] = q->value[i];
    }
    return r;
}

static void a_busy_machine(Notebook *nb, const Run *run, const Dataset *train)
{
    nb_section(nb, "A busy machine");
    nb_para(nb, "A learner's machine is never quiet: a browser, a compile. Below, LeNet-5 trains in two halves "
                "(%d batches of 32), alternately alone and beside a process that keeps one core busy (started "
                "and stopped by this lesson), %d time%s each.", run->net_batches, run->repeat,
            run->repeat == 1 ? "" : "s");
    Net *net = lenet5_modern(), *half = lenet5_modern();
    CN_CHECK(net && half);
    const size_t n = net_param_count(net);
    float *wq = xcalloc(n, sizeof *wq), *wb = xcalloc(n, sizeof *wb);
    double q[5] = { 0 }, b[5] = { 0 };
    for (int r = 0; r < run->repeat; r++) {
        q[r] = busy_or_quiet(net, half, train, run->net_batches, 0, wq, n);
        b[r] = busy_or_quiet(net, half, train, run->net_batches, 1, wb, n);
    }
    double qm = q[0], bm = b[0]; /* medians of up to 3 */
    if (run->repeat == 3) {
        qm = fmax(fmin(q[0], q[1]), fmin(fmax(q[0], q[1]), q[2]));
        bm = fmax(fmin(b[0], b[1]), fmin(fmax(b[0], b[1]), b[2]));
    }
    nb_para(nb, "- alone: %.0f images/s\n- beside one busy process: %.0f images/s, %.0f%% of the quiet speed", qm,
            bm, 100.0 * bm / qm);
    nb_check(nb, memcmp(wq, wb, n * sizeof *wq) == 0,
             "the weights after training beside the busy process equal those after training alone, all %zu bit "
             "for bit: waiting changes the time, never the sums", n);
    nb_para(nb, "With two threads and one busy process, three programs share two cores: a fair share leaves "
                "about two thirds of the quiet speed. But the two halves must meet at the end of each batch, and "
                "a thread that finishes first waits. How it waits decides the rest. OpenMP's default lets a "
                "waiting thread spin for a while before it sleeps: on a quiet machine that saves a wake-up, but "
                "here the spinning thread holds a core that the thread it waits for (or the busy process, which "
                "the system then moves onto the other core) needs. To see what spinning does on this machine, run "
                "this lesson with OMP_WAIT_POLICY=active (Try it yourself).");
    nb_para(nb, "So the library makes waiting threads sleep at once (OMP_WAIT_POLICY=passive), unless you set "
                "OMP_WAIT_POLICY (or GOMP_SPINCOUNT, KMP_BLOCKTIME) yourself. The OpenMP runtime reads that "
                "variable while the program loads, before main() runs, and has no function to change it later; "
                "so a function the loader calls even earlier (an ELF .preinit_array entry) starts the program "
                "again at once with the variable in its environment:");
    nb_code_from_source(nb, "core/train.c", "wait_passively_unless_chosen");
    nb_para(nb, "This run's threads wait: %s.", train_wait_policy());
    free(wq), free(wb);
    net_free(net);
    net_free(half);
}

static void try_it_yourself(Notebook *nb)
{
    nb_section(nb, "Try it yourself");
    nb_para(nb, "- See what spinning does: OMP_WAIT_POLICY=active build/lessons/" LESSON_ID " --quick, and compare "
                "the busy machine's figures with this run's.\n"
                "- One thread: OMP_NUM_THREADS=1 build/lessons/" LESSON_ID " --quick (the same sums, and where "
                "threads pay).\n"
                "- In lessons/kit/speed_steps.h, set STEP_MAPS to 1 or 2 (fewer independent sums in step 4 to 6) "
                "or 8, rebuild, and watch the blocked steps' GFLOP/s.\n"
                "- Build for any x86-64 (make ARCH=): the library's loops lose the machine's wider vectors; "
                "compare the step-by-step plot.");
}
