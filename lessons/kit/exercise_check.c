/* exercise_check.c - the checker of the exercises (exercise_check.h).
 *
 * Every exercise runs in a forked Check test. The child writes what it
 * finds (and, before every call of the learner's code, the shape it is
 * about to run) into memory shared with the parent, so a crash or an
 * endless loop still leaves the shape behind for the report.
 *
 * The learner's outputs are compared with the library's loops (core/) on
 * each shape. Every output array starts filled with NaN and is followed by
 * a guard of NaN: a number never written, or one written past the end, is
 * seen. Every gradient array starts filled with numbers, so a gradient
 * overwritten instead of accumulated is seen. When an answer is wrong, the
 * checker computes the typical wrong answers (the other kernel direction,
 * an output one row or column too small or large, the gradient without
 * what was there, every tied maximum, no division by the batch) and names
 * the one the learner's output matches.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS: memory shared with the forked tests */
#include "lessons/kit/exercise_check.h"

#include <check.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core/activation.h"
#include "core/conv.h"
#include "core/conv_layer.h"
#include "core/dense.h"
#include "core/error.h"
#include "core/loss.h"
#include "core/optim.h"
#include "core/pool.h"
#include "core/rng.h"
#include "core/net.h"
#include "lessons/kit/gradcheck.h"
#include "lessons/kit/mine.h"
#include "lessons/lesson.h"

/* --- one run: its arrays, its report ------------------------------------------------------ */

#define SLACK 4096      /* guard after every array: reads past the end stay inside */
#define TOL 1e-3        /* relative error allowed against the reference */
#define FD_TOL 2e-2     /* ... against a central difference */
#define FD_MAX 48       /* entries per array checked by central differences */

typedef struct {
    const ExerciseSet *set;
    ExResult *r;
    Rng rng;
    void *blocks[512];
    int nblocks;
} Ctx;

static float *alloc_f(Ctx *c, size_t n)
{
    CN_CHECK(c->nblocks < (int)(sizeof c->blocks / sizeof c->blocks[0]));
    float *p = xcalloc(n + SLACK, sizeof(float));
    c->blocks[c->nblocks++] = p;
    return p;
}

/* n numbers drawn in [lo, hi), zeros after them. */
static float *rnd(Ctx *c, size_t n, float lo, float hi)
{
    float *p = alloc_f(c, n);
    for (size_t i = 0; i < n; i++) p[i] = rng_range(&c->rng, lo, hi);
    return p;
}

/* An output: n numbers and the guard, all NaN (never written). */
static float *blank_out(Ctx *c, size_t n)
{
    float *p = alloc_f(c, n);
    for (size_t i = 0; i < n + SLACK; i++) p[i] = NAN;
    return p;
}

static float *copy_f(Ctx *c, const float *v, size_t n)
{
    float *p = alloc_f(c, n);
    memcpy(p, v, n * sizeof(float));
    return p;
}

static void free_all(Ctx *c)
{
    for (int i = 0; i < c->nblocks; i++) free(c->blocks[i]);
    c->nblocks = 0;
}

/* The shape about to run, kept in shared memory before the learner's code
 * runs on it. */
static void shape(Ctx *c, const char *fmt, ...) CN_PRINTF(2, 3);
static void shape(Ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->r->shape, sizeof c->r->shape, fmt, ap);
    va_end(ap);
    c->r->shapes++;
}

/* Run the learner's call; a blank ends the exercise. */
#define LEARNER(c, call)                                                                                         \
    do {                                                                                                         \
        exercise_blank_clear();                                                                                  \
        call;                                                                                                    \
        if (exercise_blank_seen()) {                                                                             \
            (c)->r->outcome = EX_NOT_WRITTEN;                                                                    \
            return;                                                                                              \
        }                                                                                                        \
    } while (0)

/* An array's name and shape, to say where an index is: "y" (OH, OW) ->
 * "y[2][3]". */
typedef struct {
    const char *name;
    int nd, d[4];
} Arr;

static void at_index(char *buf, size_t size, const Arr *a, size_t i)
{
    int idx[4] = { 0 };
    for (int k = a->nd - 1; k >= 0; k--) {
        idx[k] = (int)(i % (size_t)a->d[k]);
        i /= (size_t)a->d[k];
    }
    int w = snprintf(buf, size, "%s", a->name);
    for (int k = 0; k < a->nd && w > 0 && (size_t)w < size; k++) w += snprintf(buf + w, size - (size_t)w, "[%d]", idx[k]);
}

static size_t arr_n(const Arr *a)
{
    size_t n = 1;
    for (int k = 0; k < a->nd; k++) n *= (size_t)a->d[k];
    return n;
}

/* Relative error of got against want, the floor of the scale being a
 * thousandth of the array's largest |want| (sums that cancel to nearly 0
 * are held to the size of their terms). NaN: never written; inf. */
static double rel_err(float got, float want, double floor_)
{
    if (isnan(got) && !isnan(want)) return INFINITY;
    const double d = fabs((double)got - (double)want);
    const double s = fmax(fabs((double)want), floor_);
    return d / s;
}

static double scale_floor(const float *want, size_t n)
{
    double m = 0.0;
    for (size_t i = 0; i < n; i++) m = fmax(m, fabs((double)want[i]));
    return fmax(1e-3 * m, 1e-6);
}

/* Does got match want everywhere (within TOL)? */
static int matches(const float *got, const float *want, size_t n)
{
    const double fl = scale_floor(want, n);
    for (size_t i = 0; i < n; i++)
        if (rel_err(got[i], want[i], fl) > TOL) return 0;
    return 1;
}

/* Compare the learner's array with the reference; 1 when it is wrong (the
 * outcome and the detail are then set). The largest error is kept with
 * where it is. Also wrong: a number written past the end of got. */
static int compare(Ctx *c, const Arr *a, const float *got, const float *want)
{
    const size_t n = arr_n(a);
    const double fl = scale_floor(want, n);
    double worst = 0.0;
    size_t wi = 0;
    for (size_t i = 0; i < n; i++) {
        const double e = rel_err(got[i], want[i], fl);
        if (e > worst || (isnan(e) && !isnan(worst))) worst = e, wi = i;
    }
    char where[64];
    at_index(where, sizeof where, a, wi);
    if (worst > c->r->worst || !(worst <= TOL)) {
        c->r->worst = worst;
        snprintf(c->r->worst_at, sizeof c->r->worst_at, "%s on %s", where, c->r->shape);
    }
    if (worst <= TOL) return 0;
    c->r->outcome = EX_WRONG;
    if (isnan(got[wi]))
        snprintf(c->r->detail, sizeof c->r->detail, "%s was never written (expected %.6g)", where, (double)want[wi]);
    else
        snprintf(c->r->detail, sizeof c->r->detail, "%s is %.6g, expected %.6g", where, (double)got[wi],
                 (double)want[wi]);
    return 1;
}

/* An output array with its guard: a number written past the end is wrong. */
static int compare_out(Ctx *c, const Arr *a, const float *got, const float *want)
{
    const size_t n = arr_n(a);
    for (size_t i = n; i < n + SLACK; i++)
        if (!isnan(got[i])) {
            c->r->outcome = EX_WRONG;
            c->r->worst = INFINITY;
            snprintf(c->r->worst_at, sizeof c->r->worst_at, "past the end of %s on %s", a->name, c->r->shape);
            snprintf(c->r->detail, sizeof c->r->detail,
                     "%s has %zu numbers, but number %zu after them was written too (%.6g)", a->name, n, i - n + 1,
                     (double)got[i]);
            return 1;
        }
    return compare(c, a, got, want);
}

static void hint(Ctx *c, ExHint h, const char *fmt, ...) CN_PRINTF(3, 4);
static void hint(Ctx *c, ExHint h, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->r->hint_text, sizeof c->r->hint_text, fmt, ap);
    va_end(ap);
    c->r->hint = h;
}

/* --- the typical wrong answers ------------------------------------------------------------ */

/* Is got (planes of OH' x OW' packed) the reference (planes of OH x OW)
 * with one row or column too few or too many, for some OH', OW' within one
 * of OH, OW (OH' = 1 for a 1-D output)? Compared where both exist. 0: no;
 * -1: too few, 1: too many, 2: one axis each way. */
static int size_off_by_one(const float *got, const float *want, int planes, int OH, int OW, int one_d)
{
    const double fl = scale_floor(want, (size_t)planes * OH * OW);
    /* one too few in place: only the last row or column never written */
    int unwritten = 0, elsewhere = 0;
    for (int p = 0; p < planes; p++)
        for (int i = 0; i < OH; i++)
            for (int j = 0; j < OW; j++) {
                const size_t a = ((size_t)p * OH + i) * OW + j;
                if (isnan(got[a]) && (i == OH - 1 || j == OW - 1))
                    unwritten++;
                else
                    elsewhere += rel_err(got[a], want[a], fl) > TOL;
            }
    if (unwritten && !elsewhere) return -1;
    for (int dh = one_d ? 0 : -1; dh <= (one_d ? 0 : 1); dh++)
        for (int dw = -1; dw <= 1; dw++) {
            const int oh = OH + dh, ow = OW + dw;
            if ((dh == 0 && dw == 0) || oh < 1 || ow < 1) continue;
            int ok = 1, seen = 0;
            for (int p = 0; p < planes && ok; p++)
                for (int i = 0; i < OH && i < oh && ok; i++)
                    for (int j = 0; j < OW && j < ow && ok; j++) {
                        ok = rel_err(got[((size_t)p * oh + i) * ow + j], want[((size_t)p * OH + i) * OW + j], fl) <= TOL;
                        seen++;
                    }
            if (ok && seen > 0) return dh + dw < 0 ? -1 : dh + dw > 0 ? 1 : 2;
        }
    return 0;
}

/* off: size_off_by_one's answer */
static void hint_size(Ctx *c, int off, const char *formula)
{
    hint(c, EX_HINT_SIZE, "the output size is off by one: your loops write %s. The output has %s.",
         off < 0 ? "one row or column (or number) too few" : off == 1 ? "one row or column (or number) too many"
                                                            : "one row too many and one column too few, or the reverse",
         formula);
}

/* Kernel direction and output size, for the convolutions. convolve: what
 * was asked; other: the output of the other direction. */
static void conv_hints(Ctx *c, const float *got, const float *other, const float *want, int planes, int OH, int OW,
                       int one_d, int convolve, const char *formula)
{
    const size_t n = (size_t)planes * OH * OW;
    if (!matches(want, other, n) && matches(got, other, n)) {
        if (convolve)
            hint(c, EX_HINT_NOT_FLIPPED, "your output is the cross-correlation: the kernel is not flipped. True "
                                         "convolution reads the kernel backwards, k[K-1-m] (in 2-D "
                                         "k[KH-1-m][KW-1-n]: turned by 180 degrees).");
        else
            hint(c, EX_HINT_FLIPPED, "your output is the true convolution: the kernel is flipped. "
                                     "Cross-correlation reads the kernel forwards, k[m] (in 2-D k[m][n]).");
    } else {
        const int off = size_off_by_one(got, want, planes, OH, OW, one_d);
        if (off) hint_size(c, off, formula);
    }
}

/* A gradient array: started at `before`, the reference added want - before
 * to it. Overwritten when got is want - before. */
static void hint_overwritten(Ctx *c, const Arr *a, const float *got, const float *want, const float *before)
{
    const size_t n = arr_n(a);
    float *alone = alloc_f(c, n);
    for (size_t i = 0; i < n; i++) alone[i] = want[i] - before[i];
    if (matches(got, alone, n))
        hint(c, EX_HINT_OVERWRITTEN, "the gradient is overwritten instead of accumulated: %s held numbers before the "
                                     "call and they are gone. Add into it (+=): a gradient collects the terms of every "
                                     "output it fed, and the trainer clears it before each batch.", a->name);
}

/* compare() for a gradient array that started at `before`: when it differs,
 * also looks for the overwritten-instead-of-accumulated mistake. */
static int compare_gradient(Ctx *c, const Arr *a, const float *got, const float *want, const float *before)
{
    if (!compare(c, a, got, want)) return 0;
    hint_overwritten(c, a, got, want, before);
    return 1;
}

/* --- central differences ---------------------------------------------------------------- */

/* L computed with the library's forward on the arrays as they are now. */
typedef double LossFn(Ctx *c, void *p);

/* The learner's gradient of L with respect to v (analytic, n numbers)
 * against (L(v + eps) - L(v - eps)) / 2 eps at FD_MAX entries spread over
 * v. 1 when one differs (outcome and detail set). */
static int fd_check(Ctx *c, const Arr *a, float *v, const float *analytic, double eps, LossFn *L, void *p)
{
    const size_t n = arr_n(a);
    double amax = 0.0;
    for (size_t i = 0; i < n; i++) amax = fmax(amax, fabs((double)analytic[i]));
    const size_t step = n > FD_MAX ? n / FD_MAX : 1;
    for (size_t i = 0; i < n; i += step) {
        const float keep = v[i];
        v[i] = (float)(keep + eps);
        const double up = L(c, p);
        v[i] = (float)(keep - eps);
        const double down = L(c, p);
        v[i] = keep;
        const double num = (up - down) / (2.0 * eps);
        const double e = fabs((double)analytic[i] - num) / fmax(fabs(num), fmax(0.05 * amax, 1e-4));
        c->r->fd_checked++;
        char where[64];
        at_index(where, sizeof where, a, i);
        if (e > c->r->fd_worst || isnan(e)) c->r->fd_worst = isnan(e) ? INFINITY : e;
        if (!(e <= FD_TOL)) {
            c->r->outcome = EX_WRONG;
            c->r->worst = fmax(c->r->worst, e);
            snprintf(c->r->worst_at, sizeof c->r->worst_at, "%s on %s (gradient check)", where, c->r->shape);
            snprintf(c->r->detail, sizeof c->r->detail,
                     "gradient check: %s is %.6g, but the central difference (L(v+e) - L(v-e)) / 2e gives %.6g",
                     where, (double)analytic[i], num);
            return 1;
        }
    }
    return 0;
}

/* sum_i r[i] y[i] in double: the loss whose gradient with respect to y is r. */
static double dot(const float *r, const float *y, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++) s += (double)r[i] * (double)y[i];
    return s;
}

/* The learner's gradient alone: what it added to `before`. */
static float *added(Ctx *c, const float *got, const float *before, size_t n)
{
    float *d = alloc_f(c, n);
    for (size_t i = 0; i < n; i++) d[i] = got[i] - before[i];
    return d;
}

/* --- 1-D and 2-D convolutions ------------------------------------------------------------------ */

typedef struct {
    int n, k, s, p;
} Shape1;

static const Shape1 valid1[] = { { 1, 1, 1, 0 }, { 5, 1, 1, 0 }, { 5, 5, 1, 0 }, { 7, 3, 1, 0 }, { 8, 3, 1, 0 },
                                 { 3, 2, 1, 0 }, { 16, 4, 1, 0 }, { 31, 7, 1, 0 } };
static const Shape1 strided1[] = { { 1, 1, 1, 0 }, { 5, 3, 1, 1 }, { 8, 3, 2, 0 }, { 7, 2, 3, 0 }, { 7, 3, 2, 1 },
                                   { 5, 5, 1, 2 }, { 3, 5, 1, 1 }, { 10, 4, 3, 2 }, { 6, 1, 4, 0 }, { 9, 3, 1, 0 } };

static void run_conv1d(Ctx *c, int convolve, int strided)
{
    const Shape1 *sh = strided ? strided1 : valid1;
    const int ns = strided ? (int)(sizeof strided1 / sizeof *strided1) : (int)(sizeof valid1 / sizeof *valid1);
    for (int t = 0; t < ns; t++) {
        const Shape1 s = sh[t];
        const int out = conv_out_size(s.n, s.k, s.s, s.p, s.p);
        CN_CHECK(out >= 1);
        float *x = rnd(c, (size_t)s.n, -1, 1), *k = rnd(c, (size_t)s.k, -1, 1);
        float *y = blank_out(c, (size_t)out), *want = alloc_f(c, (size_t)out), *other = alloc_f(c, (size_t)out);
        if (strided) {
            shape(c, "x (%d), k (%d), stride %d, pad %d", s.n, s.k, s.s, s.p);
            ExConv1dStrided *f = convolve ? c->set->convolve1d_strided : c->set->correlate1d_strided;
            LEARNER(c, f(y, x, s.n, k, s.k, s.s, s.p));
        } else {
            shape(c, "x (%d), k (%d)", s.n, s.k);
            ExConv1d *f = convolve ? c->set->convolve1d : c->set->correlate1d;
            LEARNER(c, f(y, x, s.n, k, s.k));
        }
        CN_CHECK(correlate1d(convolve ? other : want, x, s.n, k, s.k, s.s, s.p, s.p) == 0);
        CN_CHECK(convolve1d(convolve ? want : other, x, s.n, k, s.k, s.s, s.p, s.p) == 0);
        const Arr a = { "y", 1, { out } };
        if (compare_out(c, &a, y, want)) {
            conv_hints(c, y, other, want, 1, 1, out, 1, convolve,
                       strided ? "out = floor((n + 2*pad - kn) / stride) + 1 numbers" : "out = n - kn + 1 numbers");
            return;
        }
    }
}

typedef struct {
    int H, W, KH, KW, s, p;
} Shape2;

static const Shape2 valid2[] = { { 1, 1, 1, 1, 1, 0 }, { 5, 5, 1, 1, 1, 0 }, { 4, 4, 4, 4, 1, 0 },
                                 { 5, 7, 3, 3, 1, 0 }, { 6, 5, 2, 3, 1, 0 }, { 9, 8, 5, 5, 1, 0 },
                                 { 7, 3, 7, 1, 1, 0 }, { 28, 28, 5, 5, 1, 0 } };
static const Shape2 strided2[] = { { 1, 1, 1, 1, 1, 0 }, { 5, 5, 3, 3, 1, 1 }, { 8, 8, 3, 3, 2, 0 },
                                   { 7, 7, 2, 2, 3, 0 }, { 7, 6, 3, 2, 2, 1 }, { 5, 5, 5, 5, 1, 2 },
                                   { 3, 4, 5, 5, 1, 1 }, { 9, 9, 4, 3, 3, 2 }, { 28, 28, 5, 5, 1, 2 },
                                   { 6, 6, 1, 1, 2, 0 } };

static void run_conv2d(Ctx *c, int convolve, int strided)
{
    const Shape2 *sh = strided ? strided2 : valid2;
    const int ns = strided ? (int)(sizeof strided2 / sizeof *strided2) : (int)(sizeof valid2 / sizeof *valid2);
    for (int t = 0; t < ns; t++) {
        const Shape2 s = sh[t];
        const int OH = conv_out_size(s.H, s.KH, s.s, s.p, s.p), OW = conv_out_size(s.W, s.KW, s.s, s.p, s.p);
        CN_CHECK(OH >= 1 && OW >= 1);
        const size_t n = (size_t)OH * OW;
        float *x = rnd(c, (size_t)s.H * s.W, -1, 1), *k = rnd(c, (size_t)s.KH * s.KW, -1, 1);
        float *y = blank_out(c, n), *want = alloc_f(c, n), *other = alloc_f(c, n);
        if (strided) {
            shape(c, "x (%d, %d), k (%d, %d), stride %d, pad %d", s.H, s.W, s.KH, s.KW, s.s, s.p);
            ExConv2dStrided *f = convolve ? c->set->convolve2d_strided : c->set->correlate2d_strided;
            LEARNER(c, f(y, x, s.H, s.W, k, s.KH, s.KW, s.s, s.p));
        } else {
            shape(c, "x (%d, %d), k (%d, %d)", s.H, s.W, s.KH, s.KW);
            ExConv2d *f = convolve ? c->set->convolve2d : c->set->correlate2d;
            LEARNER(c, f(y, x, s.H, s.W, k, s.KH, s.KW));
        }
        CN_CHECK(correlate2d(convolve ? other : want, x, s.H, s.W, k, s.KH, s.KW, s.s, s.s, s.p, s.p, s.p, s.p) == 0);
        CN_CHECK(convolve2d(convolve ? want : other, x, s.H, s.W, k, s.KH, s.KW, s.s, s.s, s.p, s.p, s.p, s.p) == 0);
        const Arr a = { "y", 2, { OH, OW } };
        if (compare_out(c, &a, y, want)) {
            conv_hints(c, y, other, want, 1, OH, OW, 0, convolve,
                       strided ? "OH = floor((H + 2*pad - KH) / stride) + 1 rows (OW likewise)"
                               : "OH = H - KH + 1 rows and OW = W - KW + 1 columns");
            return;
        }
    }
}

static void ex01a(Ctx *c) { run_conv2d(c, 0, 0); }
static void ex02a(Ctx *c) { run_conv1d(c, 0, 0); }
static void ex02b(Ctx *c) { run_conv1d(c, 1, 0); }
static void ex02c(Ctx *c) { run_conv2d(c, 1, 0); }
static void ex03a(Ctx *c) { run_conv1d(c, 0, 1); }
static void ex03b(Ctx *c) { run_conv1d(c, 1, 1); }
static void ex06a(Ctx *c) { run_conv2d(c, 0, 1); }
static void ex06b(Ctx *c) { run_conv2d(c, 1, 1); }

/* --- pooling ------------------------------------------------------------------------------ */

typedef struct {
    int B, C, H, W, K, s;
} ShapeP;

static const ShapeP pools[] = { { 1, 1, 1, 1, 1, 1 }, { 1, 1, 4, 4, 2, 2 }, { 2, 3, 5, 5, 2, 2 },
                                { 1, 2, 6, 6, 3, 3 }, { 1, 1, 7, 7, 3, 2 }, { 2, 1, 5, 7, 2, 3 },
                                { 1, 1, 4, 4, 4, 1 }, { 3, 2, 8, 8, 2, 1 }, { 1, 1, 9, 6, 1, 2 } };
#define NPOOL ((int)(sizeof pools / sizeof *pools))

static int pool_out(int n, int K, int s) { return (n - K) / s + 1; }

/* Inputs for pooling: ties (a few levels) when ties, else all distinct,
 * at least 0.1 apart (central differences never move a maximum). */
static float *pool_input(Ctx *c, size_t n, int ties)
{
    float *x = alloc_f(c, n);
    if (ties) {
        for (size_t i = 0; i < n; i++) x[i] = 0.5f * (float)rng_below(&c->rng, 3);
        return x;
    }
    int *idx = xcalloc(n, sizeof(int));
    for (size_t i = 0; i < n; i++) idx[i] = (int)i;
    rng_shuffle(&c->rng, idx, n);
    for (size_t i = 0; i < n; i++) x[i] = 0.1f * (float)idx[i] - 0.05f * (float)n;
    free(idx);
    return x;
}

typedef struct {
    const ShapeP *s;
    const float *x, *r;
    float *y;
    int max;
} PoolLoss;

static double pool_loss(Ctx *c, void *p)
{
    (void)c;
    PoolLoss *q = p;
    const ShapeP *s = q->s;
    const int OH = pool_out(s->H, s->K, s->s), OW = pool_out(s->W, s->K, s->s);
    if (q->max)
        maxpool2d_forward(q->y, NULL, q->x, s->B, s->C, s->H, s->W, OH, OW, s->K, s->K, s->s, s->s, 0, 0);
    else
        avgpool2d_forward(q->y, q->x, s->B, s->C, s->H, s->W, OH, OW, s->K, s->K, s->s, s->s, 0, 0);
    return dot(q->r, q->y, (size_t)s->B * s->C * OH * OW);
}

static void run_pool_forward(Ctx *c, int max)
{
    for (int t = 0; t < 2 * NPOOL; t++) {
        const ShapeP s = pools[t % NPOOL];
        const int ties = max && t >= NPOOL;
        if (!max && t >= NPOOL) break;
        const int OH = pool_out(s.H, s.K, s.s), OW = pool_out(s.W, s.K, s.s), P = s.B * s.C;
        const size_t nx = (size_t)P * s.H * s.W, ny = (size_t)P * OH * OW;
        float *x = ties ? pool_input(c, nx, 1) : rnd(c, nx, -1, 1), *y = blank_out(c, ny), *want = alloc_f(c, ny);
        shape(c, "x (%d, %d, %d, %d), K %d, stride %d%s", s.B, s.C, s.H, s.W, s.K, s.s, ties ? ", with ties" : "");
        ExPoolForward *f = max ? c->set->maxpool_forward : c->set->avgpool_forward;
        LEARNER(c, f(y, x, s.B, s.C, s.H, s.W, s.K, s.s));
        if (max)
            maxpool2d_forward(want, NULL, x, s.B, s.C, s.H, s.W, OH, OW, s.K, s.K, s.s, s.s, 0, 0);
        else
            avgpool2d_forward(want, x, s.B, s.C, s.H, s.W, OH, OW, s.K, s.K, s.s, s.s, 0, 0);
        const Arr a = { "y", 4, { s.B, s.C, OH, OW } };
        if (compare_out(c, &a, y, want)) {
            const int off = size_off_by_one(y, want, P, OH, OW, 0);
            if (off) hint_size(c, off, "OH = floor((H - K) / stride) + 1 rows (OW likewise)");
            return;
        }
    }
}

/* The gradient every tied maximum would get (last = 0), or the last
 * maximum of each window only (last = 1): max pooling's wrong answers. */
static void maxpool_wrong_ties(float *dx, const float *dy, const float *x, const ShapeP *s, int last)
{
    const int OH = pool_out(s->H, s->K, s->s), OW = pool_out(s->W, s->K, s->s);
    for (int p = 0; p < s->B * s->C; p++)
        for (int i = 0; i < OH; i++)
            for (int j = 0; j < OW; j++) {
                const float *xp = x + (size_t)p * s->H * s->W;
                float best = xp[i * s->s * s->W + j * s->s];
                int at = 0;
                for (int m = 0; m < s->K; m++)
                    for (int n = 0; n < s->K; n++) {
                        const int a = (i * s->s + m) * s->W + j * s->s + n;
                        if (xp[a] > best || (last && xp[a] == best)) best = xp[a], at = a;
                    }
                const float d = dy[((size_t)p * OH + i) * OW + j];
                float *dxp = dx + (size_t)p * s->H * s->W;
                if (last) {
                    dxp[at] += d;
                    continue;
                }
                for (int m = 0; m < s->K; m++)
                    for (int n = 0; n < s->K; n++) {
                        const int a = (i * s->s + m) * s->W + j * s->s + n;
                        if (xp[a] == best) dxp[a] += d;
                    }
            }
}

static void run_pool_backward(Ctx *c, int max)
{
    for (int t = 0; t < 2 * NPOOL; t++) {
        const ShapeP s = pools[t % NPOOL];
        const int ties = t >= NPOOL;
        if (!max && ties) break;
        const int OH = pool_out(s.H, s.K, s.s), OW = pool_out(s.W, s.K, s.s), P = s.B * s.C;
        const size_t nx = (size_t)P * s.H * s.W, ny = (size_t)P * OH * OW;
        float *x = pool_input(c, nx, ties), *dy = rnd(c, ny, -1, 1);
        float *before = rnd(c, nx, -1, 1), *dx = copy_f(c, before, nx), *want = copy_f(c, before, nx);
        shape(c, "x (%d, %d, %d, %d), K %d, stride %d%s", s.B, s.C, s.H, s.W, s.K, s.s, ties ? ", with ties" : "");
        if (max) {
            LEARNER(c, c->set->maxpool_backward(dx, dy, x, s.B, s.C, s.H, s.W, s.K, s.s));
            maxpool2d_backward(want, dy, NULL, x, s.B, s.C, s.H, s.W, OH, OW, s.K, s.K, s.s, s.s, 0, 0);
        } else {
            LEARNER(c, c->set->avgpool_backward(dx, dy, s.B, s.C, s.H, s.W, s.K, s.s));
            avgpool2d_backward(want, dy, s.B, s.C, s.H, s.W, OH, OW, s.K, s.K, s.s, s.s, 0, 0);
        }
        const Arr a = { "dx", 4, { s.B, s.C, s.H, s.W } };
        if (compare_gradient(c, &a, dx, want, before)) {
            for (int last = 0; max && c->r->hint == EX_HINT_NONE && last < 2; last++) {
                float *wrong = copy_f(c, before, nx);
                maxpool_wrong_ties(wrong, dy, x, &s, last);
                if (!matches(want, wrong, nx) && matches(dx, wrong, nx))
                    hint(c, EX_HINT_TIES, "the max-pool gradient went to %s: when several inputs of a window hold its "
                                          "maximum, only the FIRST in row-major order (top row first, left to right) "
                                          "gets the gradient; the others get nothing.",
                         last ? "the last of the tied maxima" : "every tied input");
            }
            return;
        }
        if (!ties && t < 3 + max) { /* a gradient check on a few shapes */
            float *y = alloc_f(c, ny);
            PoolLoss q = { &s, x, dy, y, max };
            if (fd_check(c, &a, x, added(c, dx, before, nx), 0.01, pool_loss, &q)) return;
        }
    }
}

static void ex04a(Ctx *c) { run_pool_forward(c, 1); }
static void ex04b(Ctx *c) { run_pool_backward(c, 1); }
static void ex04c(Ctx *c) { run_pool_forward(c, 0); }
static void ex04d(Ctx *c) { run_pool_backward(c, 0); }

/* --- SGD ---------------------------------------------------------------------------------- */

static void ex05a(Ctx *c)
{
    static const int ns[] = { 1, 7, 100 };
    static const float hp[][3] = { { 0.1f, 0.0f, 0.0f }, { 0.05f, 0.9f, 0.0f }, { 0.01f, 0.9f, 5e-4f },
                                   { 0.1f, 0.5f, 0.1f } };
    for (int a = 0; a < 3; a++)
        for (int h = 0; h < 4; h++) {
            const int n = ns[a];
            const float lr = hp[h][0], mu = hp[h][1], wd = hp[h][2];
            float *w = rnd(c, (size_t)n, -1, 1), *v = alloc_f(c, (size_t)n);
            float *rw = copy_f(c, w, (size_t)n), *rv = alloc_f(c, (size_t)n), *g = alloc_f(c, (size_t)n);
            CnParam prm = { .name = "w", .value = rw, .grad = g, .n = (size_t)n, .trainable = (size_t)n, .decay = 1 };
            CnParam *pp = &prm;
            Sgd sgd = { .momentum = mu, .weight_decay = wd, .n = 1, .param = &pp, .velocity = &rv };
            for (int step = 1; step <= 3; step++) {
                for (int i = 0; i < n; i++) g[i] = rng_range(&c->rng, -1, 1);
                shape(c, "n %d, lr %g, momentum %g, weight decay %g, step %d of 3", n, (double)lr, (double)mu,
                      (double)wd, step);
                LEARNER(c, c->set->sgd_step(w, v, g, n, lr, mu, wd));
                sgd_step(&sgd, lr);
                const Arr av = { "v", 1, { n } }, aw = { "w", 1, { n } };
                if (compare(c, &av, v, rv) || compare(c, &aw, w, rw)) return;
            }
        }
}

/* --- the convolution layer ------------------------------------------------------------------ */

typedef struct {
    int B, C, H, W, OC, K, s, p;
} ShapeC;

static const ShapeC convs[] = { { 1, 1, 1, 1, 1, 1, 1, 0 }, { 1, 1, 5, 5, 1, 3, 1, 0 }, { 2, 3, 6, 6, 4, 3, 1, 1 },
                                { 1, 2, 7, 7, 3, 2, 3, 0 }, { 3, 1, 5, 5, 2, 5, 1, 0 }, { 1, 3, 8, 9, 2, 3, 2, 1 },
                                { 2, 6, 14, 14, 16, 5, 1, 0 }, { 1, 1, 28, 28, 6, 5, 1, 2 } };
#define NCONV ((int)(sizeof convs / sizeof *convs))

static Conv2dGeom conv_geom(const ShapeC *s)
{
    return (Conv2dGeom){ .B = s->B, .C = s->C, .H = s->H, .W = s->W, .OC = s->OC,
                         .OH = conv_out_size(s->H, s->K, s->s, s->p, s->p),
                         .OW = conv_out_size(s->W, s->K, s->s, s->p, s->p), .KH = s->K, .KW = s->K, .sh = s->s,
                         .sw = s->s, .pt = s->p, .pl = s->p, .groups = 1, .op = CONV_OP_CORRELATE };
}

static void conv_shape(Ctx *c, const ShapeC *s)
{
    shape(c, "x (%d, %d, %d, %d), w (%d, %d, %d, %d), stride %d, pad %d", s->B, s->C, s->H, s->W, s->OC, s->C,
          s->K, s->K, s->s, s->p);
}

static void ex06c(Ctx *c)
{
    for (int t = 0; t < NCONV; t++) {
        const ShapeC s = convs[t];
        const Conv2dGeom g = conv_geom(&s);
        const size_t nx = (size_t)s.B * s.C * s.H * s.W, nw = (size_t)s.OC * s.C * s.K * s.K;
        const size_t ny = (size_t)s.B * s.OC * g.OH * g.OW;
        float *x = rnd(c, nx, -1, 1), *w = rnd(c, nw, -1, 1), *b = rnd(c, (size_t)s.OC, -1, 1);
        float *y = blank_out(c, ny), *want = alloc_f(c, ny);
        conv_shape(c, &s);
        LEARNER(c, c->set->conv_forward(y, x, w, b, s.B, s.C, s.H, s.W, s.OC, s.K, s.s, s.p));
        conv2d_forward_naive(want, x, w, b, NULL, &g);
        const Arr a = { "y", 4, { s.B, s.OC, g.OH, g.OW } };
        if (compare_out(c, &a, y, want)) {
            Conv2dGeom gc = g;
            gc.op = CONV_OP_CONVOLVE;
            float *other = alloc_f(c, ny);
            conv2d_forward_naive(other, x, w, b, NULL, &gc);
            conv_hints(c, y, other, want, s.B * s.OC, g.OH, g.OW, 0, 0,
                       "OH = floor((H + 2*pad - K) / stride) + 1 rows (OW likewise)");
            return;
        }
    }
}

typedef struct {
    const Conv2dGeom *g;
    const float *x, *w, *b, *r;
    float *y;
} ConvLoss;

static double conv_loss(Ctx *c, void *p)
{
    (void)c;
    ConvLoss *q = p;
    conv2d_forward_naive(q->y, q->x, q->w, q->b, NULL, q->g);
    return dot(q->r, q->y, (size_t)q->g->B * q->g->OC * q->g->OH * q->g->OW);
}

/* The learner's layer inside a network, as lesson 08 will run it (through
 * lessons/kit/mine.h), held to the lesson kit's gradient check of the mean
 * cross-entropy (lessons/kit/gradcheck.h, the check lesson 07 runs). */
static void conv_in_network(Ctx *c)
{
    const MineConv m = { c->set->conv_forward, c->set->conv_backward, "the exercise" };
    mine_register(&m);
    conv_set_loops(CONV_LOOPS_MINE);
    enum { B = 2, C = 2, S = 7, OC = 3 };
    shape(c, "a network: x (%d, %d, %d, %d) through a conv layer of %d maps, 3x3, stride 2, pad 1, then the mean "
             "softmax cross-entropy", B, C, S, S, OC);
    Net *net = net_create("exercise", (CnShape){ C, S, S });
    CN_CHECK(net && net_add(net, "conv", conv2d_create(OC, 3, 3, 2, 1, 1, CONV_OP_CORRELATE)) == 0 && net_ok(net));
    net_init(net, INIT_HE, &c->rng);
    Layer *L = net_layer(net, 0);
    for (size_t i = 0; i < L->param[1].n; i++) L->param[1].value[i] = rng_range(&c->rng, -0.5f, 0.5f);
    const int K = (int)shape_size(L->out);
    float *x = rnd(c, (size_t)B * C * S * S, -1, 1), *probs = alloc_f(c, (size_t)B * K);
    float *dlogits = alloc_f(c, (size_t)B * K);
    unsigned char y[B];
    for (int n = 0; n < B; n++) y[n] = (unsigned char)rng_below(&c->rng, (uint32_t)K);
    const float *logits = net_forward(net, x, B);
    CN_CHECK(logits && !isnan(softmax_ce_forward(probs, logits, y, B, K)));
    softmax_ce_backward(dlogits, probs, y, B, K);
    net_zero_grad(net);
    CN_CHECK(net_backward(net, dlogits, B) == 0);
    GradCheck *g = gradcheck_create(net, x, y, B, 1e-2);
    GradRow rows[2] = { { .layer = "conv", .what = "dL/dw" }, { .layer = "conv", .what = "dL/db" } };
    for (int p = 0; p < 2; p++) {
        gradcheck_param(g, &rows[p], 0, p, L->param[p].grad);
        c->r->fd_checked += rows[p].smooth;
        const double rel = rows[p].max_abs_err / fmax(rows[p].max_grad, 1e-12);
        c->r->fd_worst = fmax(c->r->fd_worst, rel);
        if ((rows[p].bad || rows[p].smooth == 0) && c->r->outcome != EX_WRONG) {
            c->r->outcome = EX_WRONG;
            c->r->worst = fmax(c->r->worst, rel);
            snprintf(c->r->worst_at, sizeof c->r->worst_at, "%s in a network (gradient check)", rows[p].what);
            snprintf(c->r->detail, sizeof c->r->detail,
                     "in a network, %d of %d entries of %s differ from central differences of the loss (largest "
                     "difference %.3g, largest gradient %.3g)",
                     rows[p].bad, rows[p].n, rows[p].what, rows[p].max_abs_err, rows[p].max_grad);
        }
    }
    gradcheck_free(g);
    net_free(net);
    mine_register(NULL);
}

void exercise_conv_in_network(const ExerciseSet *set, ExResult *r)
{
    Ctx *c = xcalloc(1, sizeof *c);
    c->set = set;
    c->r = r;
    rng_seed(&c->rng, 2026, 99);
    conv_in_network(c);
    free_all(c);
    free(c);
}

static void ex07a(Ctx *c)
{
    for (int t = 0; t < NCONV; t++) {
        const ShapeC s = convs[t];
        const Conv2dGeom g = conv_geom(&s);
        const size_t nx = (size_t)s.B * s.C * s.H * s.W, nw = (size_t)s.OC * s.C * s.K * s.K;
        const size_t ny = (size_t)s.B * s.OC * g.OH * g.OW, nb = (size_t)s.OC;
        float *x = rnd(c, nx, -1, 1), *w = rnd(c, nw, -1, 1), *dy = rnd(c, ny, -1, 1);
        float *bx = rnd(c, nx, -1, 1), *bw = rnd(c, nw, -1, 1), *bb = rnd(c, nb, -1, 1);
        float *dx = copy_f(c, bx, nx), *dw = copy_f(c, bw, nw), *db = copy_f(c, bb, nb);
        float *wx = copy_f(c, bx, nx), *ww = copy_f(c, bw, nw), *wb = copy_f(c, bb, nb);
        conv_shape(c, &s);
        LEARNER(c, c->set->conv_backward(dx, dw, db, dy, x, w, s.B, s.C, s.H, s.W, s.OC, s.K, s.s, s.p));
        conv2d_backward_naive(wx, ww, wb, dy, x, w, NULL, &g);
        const Arr ax = { "dx", 4, { s.B, s.C, s.H, s.W } }, aw = { "dw", 4, { s.OC, s.C, s.K, s.K } },
                  ab = { "db", 1, { s.OC } };
        if (compare_gradient(c, &ax, dx, wx, bx) || compare_gradient(c, &aw, dw, ww, bw) ||
            compare_gradient(c, &ab, db, wb, bb))
            return;
        if (t == 2 || t == 5) {
            float *b = rnd(c, nb, -1, 1), *y = alloc_f(c, ny);
            ConvLoss q = { &g, x, w, b, dy, y };
            if (fd_check(c, &ax, x, added(c, dx, bx, nx), 0.01, conv_loss, &q) ||
                fd_check(c, &aw, w, added(c, dw, bw, nw), 0.01, conv_loss, &q) ||
                fd_check(c, &ab, b, added(c, db, bb, nb), 0.01, conv_loss, &q))
                return;
        }
    }
    conv_in_network(c);
}

/* --- dense ------------------------------------------------------------------------------------ */

static const int denses[][3] = { { 1, 1, 1 }, { 1, 5, 3 }, { 4, 7, 2 }, { 3, 1, 6 }, { 5, 16, 10 }, { 2, 400, 120 } };
#define NDENSE ((int)(sizeof denses / sizeof *denses))

static void ex07b(Ctx *c)
{
    for (int t = 0; t < NDENSE; t++) {
        const int B = denses[t][0], IN = denses[t][1], OUT = denses[t][2];
        float *x = rnd(c, (size_t)B * IN, -1, 1), *W = rnd(c, (size_t)OUT * IN, -1, 1), *b = rnd(c, (size_t)OUT, -1, 1);
        float *y = blank_out(c, (size_t)B * OUT), *want = alloc_f(c, (size_t)B * OUT);
        shape(c, "x (%d, %d), W (%d, %d)", B, IN, OUT, IN);
        LEARNER(c, c->set->dense_forward(y, x, W, b, B, IN, OUT));
        dense_forward(want, x, W, b, B, IN, OUT);
        const Arr a = { "y", 2, { B, OUT } };
        if (compare_out(c, &a, y, want)) return;
    }
}

typedef struct {
    int B, IN, OUT;
    const float *x, *W, *b, *r;
    float *y;
} DenseLoss;

static double dense_loss(Ctx *c, void *p)
{
    (void)c;
    DenseLoss *q = p;
    dense_forward(q->y, q->x, q->W, q->b, q->B, q->IN, q->OUT);
    return dot(q->r, q->y, (size_t)q->B * q->OUT);
}

static void ex07c(Ctx *c)
{
    for (int t = 0; t < NDENSE; t++) {
        const int B = denses[t][0], IN = denses[t][1], OUT = denses[t][2];
        const size_t nx = (size_t)B * IN, nw = (size_t)OUT * IN, nb = (size_t)OUT, ny = (size_t)B * OUT;
        float *x = rnd(c, nx, -1, 1), *W = rnd(c, nw, -1, 1), *dy = rnd(c, ny, -1, 1);
        float *bx = rnd(c, nx, -1, 1), *bw = rnd(c, nw, -1, 1), *bb = rnd(c, nb, -1, 1);
        float *dx = copy_f(c, bx, nx), *dW = copy_f(c, bw, nw), *db = copy_f(c, bb, nb);
        float *wx = copy_f(c, bx, nx), *ww = copy_f(c, bw, nw), *wb = copy_f(c, bb, nb);
        shape(c, "x (%d, %d), W (%d, %d)", B, IN, OUT, IN);
        LEARNER(c, c->set->dense_backward(dx, dW, db, dy, x, W, B, IN, OUT));
        dense_backward(wx, ww, wb, dy, x, W, B, IN, OUT);
        const Arr ax = { "dx", 2, { B, IN } }, aw = { "dW", 2, { OUT, IN } }, ab = { "db", 1, { OUT } };
        if (compare_gradient(c, &ax, dx, wx, bx) || compare_gradient(c, &aw, dW, ww, bw) ||
            compare_gradient(c, &ab, db, wb, bb))
            return;
        if (t == 2 || t == 4) {
            float *b = rnd(c, nb, -1, 1), *y = alloc_f(c, ny);
            DenseLoss q = { B, IN, OUT, x, W, b, dy, y };
            if (fd_check(c, &ax, x, added(c, dx, bx, nx), 0.01, dense_loss, &q) ||
                fd_check(c, &aw, W, added(c, dW, bw, nw), 0.01, dense_loss, &q) ||
                fd_check(c, &ab, b, added(c, db, bb, nb), 0.01, dense_loss, &q))
                return;
        }
    }
}

/* --- activations ------------------------------------------------------------------------------ */

typedef struct {
    ActKind kind;
    int n;
    const float *a, *r;
    float *y;
} ActLoss;

static double act_loss(Ctx *c, void *p)
{
    (void)c;
    ActLoss *q = p;
    activation_forward(q->y, q->a, (size_t)q->n, q->kind);
    return dot(q->r, q->y, (size_t)q->n);
}

static void run_act_backward(Ctx *c, ActKind kind)
{
    static const int ns[] = { 1, 10, 257 };
    for (int t = 0; t < 3; t++) {
        const int n = ns[t];
        /* inputs at least 0.05 away from ReLU's kink at 0 */
        float *a = rnd(c, (size_t)n, 0.05f, 2.0f);
        for (int i = 0; i < n; i++)
            if (rng_below(&c->rng, 2)) a[i] = -a[i];
        float *y = alloc_f(c, (size_t)n), *dy = rnd(c, (size_t)n, -1, 1), *before = rnd(c, (size_t)n, -1, 1);
        activation_forward(y, a, (size_t)n, kind);
        float *dx = copy_f(c, before, (size_t)n), *want = copy_f(c, before, (size_t)n);
        shape(c, "n %d", n);
        ExActBackward *f = kind == ACT_RELU ? c->set->relu_backward : c->set->scaled_tanh_backward;
        LEARNER(c, f(dx, dy, y, n));
        activation_backward(want, dy, y, (size_t)n, kind);
        const Arr ax = { "dx", 1, { n } };
        if (compare_gradient(c, &ax, dx, want, before)) {
            if (kind == ACT_SCALED_TANH && c->r->hint == EX_HINT_NONE) {
                float *plain = copy_f(c, before, (size_t)n);
                for (int i = 0; i < n; i++) plain[i] += dy[i] * (1.0f - y[i] * y[i]);
                if (matches(dx, plain, (size_t)n))
                    hint(c, EX_HINT_TANH_SCALE, "you used tanh's derivative 1 - y^2, but LeNet's f is A tanh(S a): "
                                                "f'(a) = A S (1 - tanh^2(S a)) = (S / A) (A^2 - y^2), A = 1.7159, "
                                                "S = 2/3.");
            }
            return;
        }
        if (t == 1) {
            float *ys = alloc_f(c, (size_t)n);
            ActLoss q = { kind, n, a, dy, ys };
            if (fd_check(c, &ax, a, added(c, dx, before, (size_t)n), 0.01, act_loss, &q)) return;
        }
    }
}

static void ex07d(Ctx *c) { run_act_backward(c, ACT_RELU); }
static void ex08a(Ctx *c) { run_act_backward(c, ACT_SCALED_TANH); }

/* --- softmax cross-entropy ---------------------------------------------------------------------- */

typedef struct {
    int B, K;
    const float *z;
    const unsigned char *labels;
    float *probs;
} CeLoss;

static double ce_loss(Ctx *c, void *p)
{
    (void)c;
    CeLoss *q = p;
    return softmax_ce_forward(q->probs, q->z, q->labels, q->B, q->K);
}

static void ex07e(Ctx *c)
{
    static const int bk[][3] = { { 1, 1, 3 }, { 1, 10, 3 }, { 4, 10, 3 }, { 3, 3, 3 }, { 8, 5, 3 }, { 2, 4, 60 } };
    for (int t = 0; t < 6; t++) {
        const int B = bk[t][0], K = bk[t][1];
        const float span = (float)bk[t][2];
        const size_t n = (size_t)B * K;
        float *z = rnd(c, n, -span, span), *before = rnd(c, n, -1, 1), *probs = alloc_f(c, n);
        unsigned char labels[8];
        for (int s = 0; s < B; s++) labels[s] = (unsigned char)rng_below(&c->rng, (uint32_t)K);
        float *dz = copy_f(c, before, n), *want = copy_f(c, before, n);
        shape(c, "z (%d, %d)%s", B, K, span > 10 ? ", logits up to +-60" : "");
        LEARNER(c, c->set->softmax_ce_grad(dz, z, labels, B, K));
        CN_CHECK(!isnan(softmax_ce_forward(probs, z, labels, B, K)));
        softmax_ce_backward(want, probs, labels, B, K);
        const Arr a = { "dz", 2, { B, K } };
        if (compare_gradient(c, &a, dz, want, before)) {
            float *times = alloc_f(c, n);
            for (size_t i = 0; i < n; i++) times[i] = before[i] + (float)B * (want[i] - before[i]);
            if (c->r->hint == EX_HINT_NONE && B > 1 && matches(dz, times, n))
                hint(c, EX_HINT_BATCH, "the softmax gradient is not divided by the batch: the loss is the MEAN over "
                                       "the B samples, so dz = (p - onehot(label)) / B (here B = %d).", B);
            return;
        }
        if (t == 2 || t == 4) {
            CeLoss q = { B, K, z, labels, probs };
            if (fd_check(c, &a, z, added(c, dz, before, n), 1e-2, ce_loss, &q)) return;
        }
    }
}

/* --- running the exercises ---------------------------------------------------------------- */

typedef void ExRun(Ctx *c);
static ExRun *const runs[EXERCISE_COUNT] = { ex01a, ex02a, ex02b, ex02c, ex03a, ex03b, ex04a,
                                             ex04b, ex04c, ex04d, ex05a, ex06a, ex06b, ex06c,
                                             ex07a, ex07b, ex07c, ex07d, ex07e, ex08a };

/* What the forked test reads: set before srunner_run, inherited by the child. */
static const ExerciseSet *run_set;
static ExResult *run_res; /* shared memory */
static int run_index;

START_TEST(run_exercise)
{
    Ctx *c = xcalloc(1, sizeof *c);
    c->set = run_set;
    c->r = run_res;
    rng_seed(&c->rng, 2026, (uint64_t)run_index + 1);
    runs[run_index](c);
    free_all(c);
    free(c);
}
END_TEST

/* Exercise i in a forked Check test; its result into *res (a crash or a
 * timeout from Check's message). */
static void run_one(int i, double timeout_s, ExResult *res)
{
    run_index = i;
    memset(run_res, 0, sizeof *run_res);
    run_res->outcome = EX_PASSED;
    Suite *s = suite_create(exercise_info[i].id);
    TCase *tc = tcase_create(exercise_info[i].id);
    tcase_set_timeout(tc, timeout_s);
    tcase_add_test(tc, run_exercise);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_FORK);
    srunner_run(sr, exercise_info[i].id, exercise_info[i].id, CK_SILENT);
    *res = *run_res;
    TestResult **tr = srunner_results(sr);
    if (srunner_ntests_run(sr) != 1) {
        res->outcome = EX_CRASHED;
        snprintf(res->detail, sizeof res->detail, "the test did not run");
    } else if (tr_rtype(tr[0]) != CK_PASS) {
        res->outcome = EX_CRASHED;
        const char *m = tr_msg(tr[0]);
        if (m && strstr(m, "timeout"))
            snprintf(res->detail, sizeof res->detail, "did not finish within %.0f s (an endless loop?)", timeout_s);
        else
            snprintf(res->detail, sizeof res->detail, "%s", m ? m : "ended abnormally");
    }
    free(tr);
    srunner_free(sr);
}

static const char *color(const ExCheckOpts *o, const char *code) { return o->color ? code : ""; }

#define INDENT 27   /* the column the details of an exercise start at */
#define WIDTH 110   /* and end before */

/* text from column INDENT, its words wrapped before column WIDTH. */
static void indented(FILE *out, const char *prefix, const char *text)
{
    int col = fprintf(out, "%*s%s", INDENT, "", prefix), first = 1;
    for (const char *p = text; *p;) {
        const char *sp = strchr(p, ' ');
        const int len = sp ? (int)(sp - p) : (int)strlen(p);
        if (!first && col + len + 1 > WIDTH) {
            col = fprintf(out, "\n%*s", INDENT + 2, "") - 1;
            first = 1;
        }
        col += fprintf(out, "%s%.*s", first ? "" : " ", len, p);
        first = 0;
        p += len;
        while (*p == ' ') p++;
    }
    fputc('\n', out);
}

static void report_one(FILE *out, const ExCheckOpts *o, int i, const ExResult *r)
{
    const ExerciseInfo *e = &exercise_info[i];
    char title[64], line[800];
    snprintf(title, sizeof title, "%s %s", e->id, e->name);
    const char *red = color(o, "\033[31m"), *green = color(o, "\033[32m"), *off = color(o, "\033[0m");
    switch (r->outcome) {
    case EX_PASSED:
        fprintf(out, "%s%-*s passed%s          %d shapes, largest relative error %.1e", green, INDENT - 1, title, off,
                r->shapes, r->worst);
        if (r->fd_checked) fprintf(out, "; gradient check %.1e over %d entries", r->fd_worst, r->fd_checked);
        fprintf(out, "\n");
        if (r->worst > 0.0) {
            snprintf(line, sizeof line, "(the largest at %s)", r->worst_at);
            indented(out, "", line);
        }
        break;
    case EX_NOT_WRITTEN:
        fprintf(out, "%-*s not written yet  %s\n", INDENT - 1, title, e->file);
        break;
    case EX_WRONG:
        fprintf(out, "%s%-*s WRONG%s           %s (%s)\n", red, INDENT - 1, title, off, e->file, e->what);
        snprintf(line, sizeof line, "on shape %s: %s", r->shape, r->detail);
        indented(out, "", line);
        snprintf(line, sizeof line, "largest relative error %.3g, at %s", r->worst, r->worst_at);
        indented(out, "", line);
        if (r->hint != EX_HINT_NONE) indented(out, "hint: ", r->hint_text);
        break;
    case EX_CRASHED:
        fprintf(out, "%s%-*s CRASHED%s         %s (%s)\n", red, INDENT - 1, title, off, e->file, e->what);
        snprintf(line, sizeof line, "%s, on shape %s", r->detail, r->shape[0] ? r->shape : "(before the first shape)");
        indented(out, "", line);
        break;
    }
}

int exercise_check(const ExerciseSet *set, const ExCheckOpts *opts, ExResult *res, FILE *out)
{
    const int nrun = exercise_count_matching(opts->which);
    if (nrun == 0)
        return cn_fail("no exercise is called %s: give its number (01a .. 08a), a lesson's (04: all of 04a .. 04d) "
                       "or a part of its name (maxpool)", opts->which);
    ExResult *shared = mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared == MAP_FAILED) return cn_fail("exercise_check: cannot map shared memory");
    run_set = set;
    run_res = shared;
    int bad = 0, counts[4] = { 0 };
    for (int i = 0; i < EXERCISE_COUNT; i++) {
        memset(&res[i], 0, sizeof res[i]);
        res[i].outcome = (ExOutcome)-1;
        if (!exercise_matches(i, opts->which)) continue;
        run_one(i, opts->timeout_s, &res[i]);
        report_one(out, opts, i, &res[i]);
        counts[res[i].outcome]++;
        bad += res[i].outcome == EX_WRONG || res[i].outcome == EX_CRASHED;
    }
    munmap(shared, sizeof *shared);
    run_res = NULL;
    if (nrun > 1)
        fprintf(out, "\n%d passed, %d not written yet, %d wrong, %d crashed (of %d).\n", counts[EX_PASSED],
                counts[EX_NOT_WRITTEN], counts[EX_WRONG], counts[EX_CRASHED], nrun);
    fflush(out);
    return bad;
}
