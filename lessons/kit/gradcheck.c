/* gradcheck.c - the lesson kit's gradient check (gradcheck.h). */
#include "lessons/kit/gradcheck.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/pool.h"
#include "lessons/lesson.h"

struct GradCheck {
    Net *net;
    const unsigned char *y;
    int B, nlayer, K;
    int score;                  /* 1: the quantity is the sum of the scores of classes y, not the loss */
    double eps;
    float *x;                   /* the network's input, (B, in) */
    float **act;                /* the output of each layer at the point checked */
    unsigned char **relu_on;    /* per ReLU layer: 1 where its output > 0; NULL for other layers */
    int32_t **argmax;           /* per max-pooling layer: the maximum of each window; NULL for others */
    size_t *nout;               /* B x each layer's output size */
    float *bufA, *bufB;         /* room for any layer's output */
    struct Slopes *num;
};

/* Differences of the loss for one entry, and whether each nudge crossed a kink. */
typedef struct Slopes {
    double central, left, right;
    int kink_left, kink_right;
} Slopes;

static int is_kind(const Layer *L, const char *kind) { return strcmp(L->ops->kind, kind) == 0; }

GradCheck *gradcheck_create(Net *net, const float *x, const unsigned char *y, int B, double eps)
{
    GradCheck *g = xcalloc(1, sizeof *g);
    const int nl = net_count(net);
    *g = (GradCheck){ .net = net, .y = y, .B = B, .nlayer = nl, .eps = eps };
    g->K = (int)shape_size(net_layer(net, nl - 1)->out);
    const size_t nin = shape_size(net->in) * (size_t)B;
    g->x = xcalloc(nin, sizeof(float));
    memcpy(g->x, x, nin * sizeof(float));
    g->act = xcalloc((size_t)nl, sizeof *g->act);
    g->relu_on = xcalloc((size_t)nl, sizeof *g->relu_on);
    g->argmax = xcalloc((size_t)nl, sizeof *g->argmax);
    g->nout = xcalloc((size_t)nl, sizeof *g->nout);
    size_t most = nin;
    for (int i = 0; i < nl; i++) {
        Layer *L = net_layer(net, i);
        const size_t n = g->nout[i] = shape_size(L->out) * (size_t)B;
        most = n > most ? n : most;
        for (int p = 0; p < L->nparam; p++) most = L->param[p].n > most ? L->param[p].n : most;
        g->act[i] = xcalloc(n, sizeof(float));
        memcpy(g->act[i], net_output(net, i), n * sizeof(float));
        if (is_kind(L, "relu")) {
            g->relu_on[i] = xcalloc(n, 1);
            for (size_t j = 0; j < n; j++) g->relu_on[i][j] = g->act[i][j] > 0.0f;
        }
        if (is_kind(L, "maxpool")) {
            g->argmax[i] = xcalloc(n, sizeof(int32_t));
            memcpy(g->argmax[i], ((const MaxPool2d *)L)->argmax, n * sizeof(int32_t));
        }
    }
    g->bufA = xcalloc(most, sizeof(float));
    g->bufB = xcalloc(most, sizeof(float));
    g->num = xcalloc(most, sizeof *g->num);
    return g;
}

GradCheck *gradcheck_create_score(Net *net, const float *x, const unsigned char *y, int B, double eps)
{
    GradCheck *g = gradcheck_create(net, x, y, B, eps);
    g->score = 1;
    return g;
}

void gradcheck_free(GradCheck *g)
{
    if (!g) return;
    for (int i = 0; i < g->nlayer; i++) {
        free(g->act[i]);
        free(g->relu_on[i]);
        free(g->argmax[i]);
    }
    free(g->act);
    free(g->relu_on);
    free(g->argmax);
    free(g->nout);
    free(g->x);
    free(g->bufA);
    free(g->bufB);
    free(g->num);
    free(g);
}

/* Mean cross-entropy of logits (B, K) against labels, in double (the
 * library's softmax_ce_forward returns a float; central differences need
 * the extra digits). */
static double ce_double(const float *logits, const unsigned char *y, int B, int K)
{
    double L = 0.0;
    for (int n = 0; n < B; n++) {
        const float *z = logits + (size_t)n * K;
        double m = z[0], s = 0.0;
        for (int k = 1; k < K; k++) m = z[k] > m ? z[k] : m;
        for (int k = 0; k < K; k++) s += exp((double)z[k] - m);
        L += m + log(s) - z[y[n]];
    }
    return L / B;
}

/* Run layers from..n-1 on `in` (the input of layer `from`; for from == n,
 * `in` is the logits) and return the loss. When crossed is not NULL, it is
 * set to 1 if a ReLU switched or a pooling maximum moved. */
static double loss_from(GradCheck *g, int from, const float *in, int *crossed)
{
    const float *cur = in;
    float *out = g->bufA;
    for (int i = from; i < g->nlayer; i++) {
        Layer *L = net_layer(g->net, i);
        L->ops->forward(L, out, cur, g->B);
        if (crossed && g->relu_on[i])
            for (size_t j = 0; j < g->nout[i]; j++) *crossed |= (out[j] > 0.0f) != g->relu_on[i][j];
        if (crossed && g->argmax[i])
            *crossed |= memcmp(((const MaxPool2d *)L)->argmax, g->argmax[i], g->nout[i] * sizeof(int32_t)) != 0;
        cur = out;
        out = out == g->bufA ? g->bufB : g->bufA;
    }
    if (!g->score) return ce_double(cur, g->y, g->B, g->K);
    double s = 0.0;
    for (int n = 0; n < g->B; n++) s += cur[(size_t)n * g->K + g->y[n]];
    return s;
}

/* Numeric slopes for the n floats v (the input of layer `from`, or a
 * parameter, with the forward pass starting at layer `from` on `in`):
 * L at v - ε, v and v + ε. The steps actually taken are the float
 * differences (float)(v±ε) - v. */
static void numeric_grad(GradCheck *g, float *v, int n, int from, const float *in)
{
    const double l0 = loss_from(g, from, in, NULL);
    for (int i = 0; i < n; i++) {
        const float saved = v[i];
        int kp = 0, km = 0;
        v[i] = (float)(saved + g->eps);
        const double hp = (double)v[i] - saved, lp = loss_from(g, from, in, &kp);
        v[i] = (float)(saved - g->eps);
        const double hm = (double)saved - v[i], lm = loss_from(g, from, in, &km);
        v[i] = saved;
        g->num[i] = (Slopes){ (lp - lm) / (hp + hm), (l0 - lm) / hm, (lp - l0) / hp, km, kp };
    }
}

/* The tolerance is |a - n| <= atol + rtol |n|, atol a thousandth of the
 * array's largest gradient (32-bit forward passes leave about that much
 * noise in a difference) and rtol 1%; twice that against a one-sided slope,
 * whose error from the loss's curvature is larger. An entry whose nudge
 * crossed a kink on one side is held to the slope on the other side: that
 * is the true local gradient. */
static void judge(GradRow *row, const float *analytic, const Slopes *num, int n)
{
    row->n = n;
    row->smooth = row->bad = row->kinks = row->kinks_matched = row->both = 0;
    row->max_abs_err = row->max_grad = 0.0;
    for (int i = 0; i < n; i++) row->max_grad = fmax(row->max_grad, fabs(num[i].central));
    const double atol = 1e-3 * row->max_grad + 1e-7, rtol = 1e-2;
    for (int i = 0; i < n; i++) {
        const double a = analytic[i], tol = atol + rtol * fabs(num[i].central);
        if (num[i].kink_left && num[i].kink_right) {
            row->both++;
        } else if (num[i].kink_left || num[i].kink_right) {
            const double side = num[i].kink_left ? num[i].right : num[i].left;
            row->kinks++;
            row->kinks_matched += fabs(a - side) <= 2.0 * tol;
        } else {
            const double e = fabs(a - num[i].central);
            row->smooth++;
            row->max_abs_err = fmax(row->max_abs_err, e);
            row->bad += e > tol;
        }
    }
}

void gradcheck_input(GradCheck *g, GradRow *row, int from, const float *analytic)
{
    float *in = from == 0 ? g->x : g->act[from - 1];
    const int n = (int)(from == 0 ? shape_size(g->net->in) * (size_t)g->B : g->nout[from - 1]);
    numeric_grad(g, in, n, from, in);
    judge(row, analytic, g->num, n);
}

void gradcheck_param(GradCheck *g, GradRow *row, int layer, int p, const float *analytic)
{
    CnParam *pr = &net_layer(g->net, layer)->param[p];
    numeric_grad(g, pr->value, (int)pr->n, 0, g->x);
    judge(row, analytic, g->num, (int)pr->n);
}

GradRow gradcheck_table(Notebook *nb, const GradRow *rows, int nrow)
{
    const char *hdr[] = { "layer", "gradient", "entries", "largest |gradient|", "largest |analytic − central|",
                          "outside tolerance", "kink on one side (matched)" };
    char (*txt)[5][32] = xcalloc((size_t)nrow, sizeof *txt);
    const char **cells = xcalloc((size_t)nrow * 7, sizeof *cells);
    GradRow all = { .layer = "all", .what = "all" };
    for (int r = 0; r < nrow; r++) {
        snprintf(txt[r][0], sizeof txt[r][0], "%d", rows[r].n);
        snprintf(txt[r][1], sizeof txt[r][1], "%.3e", rows[r].max_grad);
        snprintf(txt[r][2], sizeof txt[r][2], "%.2e", rows[r].max_abs_err);
        snprintf(txt[r][3], sizeof txt[r][3], "%d", rows[r].bad);
        if (rows[r].both)
            snprintf(txt[r][4], sizeof txt[r][4], "%d (%d); %d both sides", rows[r].kinks, rows[r].kinks_matched,
                     rows[r].both);
        else
            snprintf(txt[r][4], sizeof txt[r][4], "%d (%d)", rows[r].kinks, rows[r].kinks_matched);
        const char *row[7] = { rows[r].layer, rows[r].what, txt[r][0], txt[r][1], txt[r][2], txt[r][3], txt[r][4] };
        memcpy(cells + r * 7, row, sizeof row);
        all.n += rows[r].n;
        all.smooth += rows[r].smooth;
        all.bad += rows[r].bad;
        all.kinks += rows[r].kinks;
        all.kinks_matched += rows[r].kinks_matched;
        all.both += rows[r].both;
        all.max_abs_err = fmax(all.max_abs_err, rows[r].max_abs_err);
        all.max_grad = fmax(all.max_grad, rows[r].max_grad);
    }
    nb_table(nb, hdr, cells, nrow, 7);
    for (int r = 0; r < nrow; r++)
        nb_check(nb, rows[r].bad == 0 && rows[r].max_grad > 0.0 && rows[r].smooth > 0,
                 "%s, %s: %d of %d entries agree with the central difference, largest difference %.2e against "
                 "gradients up to %.2e%s", rows[r].layer, rows[r].what, rows[r].smooth - rows[r].bad,
                 rows[r].smooth, rows[r].max_abs_err, rows[r].max_grad,
                 rows[r].kinks + rows[r].both ? " (the rest cross a kink, below)" : "");
    free(cells);
    free(txt);
    return all;
}

/* How exact is a central difference? Taylor: f(v ± ε) = f ± ε f' + ε²/2 f'' ± ε³/6 f''' + ..., so
 *   (f(v + ε) − f(v − ε)) / (2ε) = f' + ε²/6 f''' + ...      (the f'' terms cancel)
 *   (f(v + ε) − f(v)) / ε       = f' + ε/2 f'' + ...          (they do not)
 * shown on v² and v³ in double, where the rounding is far below both. */
void gradcheck_explain_error(Notebook *nb, double eps)
{
    const double v = 0.7, e = eps;
    const double c2 = ((v + e) * (v + e) - (v - e) * (v - e)) / (2 * e) - 2 * v;
    const double o2 = ((v + e) * (v + e) - v * v) / e - 2 * v;
    const double c3 = ((v + e) * (v + e) * (v + e) - (v - e) * (v - e) * (v - e)) / (2 * e) - 3 * v * v;
    nb_para(nb, "Why the small differences at all? The network computes in 32-bit floats, about 7 significant "
                "digits, and a central difference divides a tiny change of the loss by 2ε. The difference formula "
                "itself is exact for any quadratic: a parabola's curvature is the same on both sides of v and "
                "cancels. What it misses comes from the third derivative, (f(v + ε) − f(v − ε)) / (2ε) = f'(v) "
                "+ ε²/6 · f'''(v) + ..., about %.1e · f''' at ε = %g, smaller than what rounding costs (a float's "
                "relative precision, %.1e, divided by 2ε: %.1e of the loss). It is the one-sided difference, "
                "(f(v + ε) − f(v)) / ε = f'(v) + ε/2 · f''(v) + ..., that curvature spoils. The backward pass is "
                "exact up to rounding.", eps * eps / 6.0, eps, (double)FLT_EPSILON, FLT_EPSILON / (2.0 * eps));
    nb_check(nb, fabs(c2) < 1e-10 && fabs(o2 - e) < 1e-9 && fabs(c3 - e * e) < 1e-9 * e * e + 1e-12,
             "in double at v = %.1f, ε = %g: for f = v² the central difference is off by %.1e (rounding only), "
             "the one-sided one by %.6f = ε/2 · f''; for f = v³ the central difference is off by %.6e = ε²/6 · "
             "f''' = ε²", v, e, fabs(c2), o2, c3);
}
