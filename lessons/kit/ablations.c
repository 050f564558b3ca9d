/* ablations.c - lesson 09's ablations over several seeds (ablations.h). */
#include "lessons/kit/ablations.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alexnet.h"
#include "core/die.h"
#include "core/plot.h"
#include "lessons/lesson.h"

const char *const abl_title[NABL] = { "AlexNet-mini", "tanh", "no LRN", "pool 2x2/2", "no dropout", "groups 2" };
static const char *const abl_key[NABL] = { "abl_base", "abl_tanh", "abl_nolrn", "abl_pool2", "abl_nodrop",
                                           "abl_groups2" };
const char *const verdict_text[3] = { "not measurable at this size", "reproduced", "not reproduced" };

AblRun *abl_at(const Ablations *A, int arm, int s) { return &A->r[arm * A->seeds + s]; }

/* The reference network with arm's idea switched off, from seed. */
static AlexNetOptions arm_options(int arm, uint64_t seed)
{
    AlexNetOptions o = alexnet_defaults();
    o.seed = seed;
    if (arm == A_TANH) o.act = ACT_TANH;
    if (arm == A_NOLRN) o.lrn = 0;
    if (arm == A_POOL2) o.pool_k = 2;
    if (arm == A_NODROP) o.dropout = 0.0f;
    if (arm == A_GROUPS) o.groups = 2;
    return o;
}

void ablations_run(Ablations *A, Notebook *nb, const AlexRecipe *rc, int seeds, int epochs, int ntrain, int ntest,
                   int long_abl, const Dataset *train, const Dataset *test, const char *models_dir, int retrain,
                   int resume)
{
    memset(A, 0, sizeof *A);
    A->seeds = seeds, A->epochs = epochs;
    A->ntrain = ntrain < train->count ? ntrain : train->count;
    A->ntest = ntest < test->count ? ntest : test->count;
    A->rc = xcalloc((size_t)seeds, sizeof *A->rc);
    A->r = xcalloc((size_t)NABL * (size_t)seeds, sizeof *A->r);
    /* seed by seed, so that an interrupted run leaves whole seeds behind */
    for (int s = 0; s < seeds; s++) {
        A->rc[s] = *rc;
        A->rc[s].seed = rc->seed + (uint64_t)s;
        for (int k = 0; k < NABL; k++) {
            AblRun *a = abl_at(A, k, s);
            const AlexNetOptions o = arm_options(k, A->rc[s].seed);
            snprintf(a->key, sizeof a->key, "%s%s_s%llu", abl_key[k], long_abl ? "_long" : "",
                     (unsigned long long)A->rc[s].seed);
            alex_run_setup(&a->run, a->key, abl_title[k], &o, epochs, A->ntrain, A->ntest, models_dir, 0, &A->rc[s]);
            alex_train_or_reuse(nb, &a->run, train, test, retrain, resume, NULL, 0);
            A->reused += !strcmp(a->run.how, "reused");
            a->train_eval = accuracy_on(a->run.net, train, A->ntrain);
            a->test_acc = a->run.hist.e[a->run.hist.n - 1].test_acc;
            EvalResult ev = { .want_pred = 1 };
            CN_CHECK(net_evaluate(a->run.net, test, A->ntest, &ev) == 0 && ev.n == A->ntest);
            a->right = xcalloc((size_t)A->ntest, 1);
            for (int i = 0; i < A->ntest; i++) a->right[i] = ev.pred[i] == test->labels[i];
            train_eval_result_free(&ev);
            a->params = net_param_count(a->run.net);
            a->fc6_params = layer_param_count(a->run.net->layer[net_find(a->run.net, "fc6")]);
            /* what the training cost when it ran (from the history, also when reused) */
            for (int e = 0; e < a->run.hist.n; e++) {
                const EpochStats *st = &a->run.hist.e[e];
                const double tsec = st->images_per_s > 0 ? A->ntrain / st->images_per_s : 0.0;
                A->train_images += A->ntrain, A->train_seconds += tsec;
                A->eval_images += A->ntest, A->eval_seconds += fmax(0.0, st->seconds - tsec);
            }
            net_free(a->run.net); /* keep the numbers, not the networks */
            net_free(a->run.half);
            a->run.net = a->run.half = NULL;
            a->run.cfg.replica = NULL;
        }
    }
}

void ablations_free(Ablations *A)
{
    for (int i = 0; A->r && i < NABL * A->seeds; i++) {
        alex_run_free(&A->r[i].run);
        free(A->r[i].right);
    }
    free(A->r);
    free(A->rc);
    memset(A, 0, sizeof *A);
}

double epochs_to_accuracy(const TrainHistory *h, int test, double acc, double start)
{
    double prev = start;
    if (acc <= start) return 0.0;
    for (int e = 0; e < h->n; e++) {
        const double cur = test ? h->e[e].test_acc : h->e[e].train_acc;
        if (cur >= acc) return e + (cur > prev ? (acc - prev) / (cur - prev) : 1.0);
        prev = cur;
    }
    return -1.0;
}

void abl_values(double *x, const Ablations *A, int arm, AblValue v, double level)
{
    for (int s = 0; s < A->seeds; s++) {
        const AblRun *a = abl_at(A, arm, s);
        const TrainHistory *h = &a->run.hist;
        switch (v) {
        case AV_TEST: x[s] = 100.0 * a->test_acc; break;
        case AV_GAP: x[s] = 100.0 * (a->train_eval - a->test_acc); break;
        case AV_TO_TRAIN: x[s] = epochs_to_accuracy(h, 0, 1.0 - level, 0.1); break;
        case AV_TO_TEST: x[s] = epochs_to_accuracy(h, 1, level, 0.1); break;
        case AV_IMG_S: x[s] = mean_images_per_s(h); break;
        }
    }
}

/* "mean ± sd" of x, or how many seeds have no value (x < 0) */
static const char *mean_sd(char *buf, size_t size, const double *x, int n, int decimals, int may_miss)
{
    int miss = 0;
    for (int i = 0; i < n; i++) miss += may_miss && x[i] < 0;
    if (miss) {
        snprintf(buf, size, "not reached in %d of %d", miss, n);
        return buf;
    }
    const SeedStat s = seed_stat(x, n);
    snprintf(buf, size, "%.*f ± %.*f", decimals, s.mean, decimals, s.sd);
    return buf;
}

void ablations_arm_table(Notebook *nb, const Ablations *A, double train_err)
{
    const int S = A->seeds;
    double x[4][256];
    char c[4][64], h3[64], p[32];
    snprintf(h3, sizeof h3, "epochs to %.0f%% training error", 100.0 * train_err);
    const char *hdr[] = { "arm", "test accuracy (%)", "training − test (points)", h3, "training images/s",
                          "parameters" };
    Tab t = tab_new(NABL, 6);
    for (int k = 0; k < NABL; k++) {
        abl_values(x[0], A, k, AV_TEST, 0);
        abl_values(x[1], A, k, AV_GAP, 0);
        abl_values(x[2], A, k, AV_TO_TRAIN, train_err);
        abl_values(x[3], A, k, AV_IMG_S, 0);
        tab_row(&t, k, "%s\t%s\t%s\t%s\t%s\t%s", abl_title[k], mean_sd(c[0], 64, x[0], S, 2, 0),
                mean_sd(c[1], 64, x[1], S, 2, 0), mean_sd(c[2], 64, x[2], S, 2, 1), mean_sd(c[3], 64, x[3], S, 0, 0),
                commas(p, (double)abl_at(A, k, 0)->params));
    }
    tab_show(nb, &t, hdr);
}

/* --- the claims ---------------------------------------------------------------------------- */

static void decide(Claim *c)
{
    c->v = c->side == 0 ? V_UNMEASURABLE : c->side > 0 ? V_REPRODUCED : V_NOT_REPRODUCED;
}

static void list_values(char *buf, size_t size, const double *x, int n, const char *fmt)
{
    buf[0] = '\0';
    for (int i = 0; i < n; i++) {
        const size_t l = strlen(buf);
        if (isfinite(x[i])) snprintf(buf + l, size - l, "%s", i ? ", " : "");
        else snprintf(buf + l, size - l, "%s—", i ? ", " : "");
        if (isfinite(x[i])) snprintf(buf + strlen(buf), size - strlen(buf), fmt, x[i]);
    }
}

Claim claim_difference(const Ablations *A, int a, AblValue va, int b, AblValue vb, int test_noise, double level)
{
    Claim c = { 0 };
    double xa[256], xb[256], d[256];
    const int S = A->seeds;
    CN_CHECK(S <= 256);
    abl_values(xa, A, a, va, level);
    abl_values(xb, A, b, vb, level);
    for (int s = 0; s < S; s++) d[s] = xb[s] - xa[s];
    double extra = 0.0;
    if (test_noise) {
        const unsigned char *ra[256], *rb[256];
        for (int s = 0; s < S; s++) ra[s] = abl_at(A, a, s)->right, rb[s] = abl_at(A, b, s)->right;
        extra = paired_test_half(ra, rb, S, A->ntest);
    }
    c.d = seed_stat_widened(d, S, extra);
    c.test_half = extra;
    list_values(c.per_seed, sizeof c.per_seed, d, S, "%+.2f");
    snprintf(c.result, sizeof c.result, "%+.2f points [%+.2f, %+.2f]", c.d.mean, c.d.mean - c.d.half,
             c.d.mean + c.d.half);
    c.side = stat_side(&c.d);
    decide(&c);
    return c;
}

Claim claim_ratio(const Ablations *A, int num, int den, AblValue v, double level)
{
    Claim c = { .ratio = 1 };
    double xn[256], xd[256], q[256];
    const int S = A->seeds;
    CN_CHECK(S <= 256);
    abl_values(xn, A, num, v, level);
    abl_values(xd, A, den, v, level);
    for (int s = 0; s < S; s++) q[s] = xn[s] > 0 && xd[s] > 0 ? xn[s] / xd[s] : NAN;
    c.q = ratio_stat(xn, xd, S);
    list_values(c.per_seed, sizeof c.per_seed, q, S, "%.2f");
    if (c.q.ok)
        snprintf(c.result, sizeof c.result, "%.2f× [%.2f×, %.2f×]", c.q.ratio, c.q.lo, c.q.hi);
    else
        snprintf(c.result, sizeof c.result, "no ratio: a level not reached");
    c.side = ratio_side(&c.q);
    decide(&c);
    return c;
}

Claim claim_counted(int holds, const char *result)
{
    Claim c = { .side = holds ? 1 : -1 };
    snprintf(c.result, sizeof c.result, "%s", result);
    snprintf(c.per_seed, sizeof c.per_seed, "counted (the same in every seed)");
    decide(&c);
    return c;
}

/* The lowest final accuracy (training, while training, or test) of arms a
 * and b over the seeds: the level every one of their runs reached. */
static double common_level(const Ablations *A, int a, int b, int test)
{
    double level = 1.0;
    for (int s = 0; s < A->seeds; s++)
        for (int k = 0; k < 2; k++) {
            const TrainHistory *h = &abl_at(A, k ? b : a, s)->run.hist;
            level = fmin(level, test ? h->e[h->n - 1].test_acc : h->e[h->n - 1].train_acc);
        }
    return level;
}

void paper_claims(Claims *cl, const Ablations *A, double train_err)
{
    Claim *c = cl->c;
    char a[32], b[32], pc[96];
    double xr[256], xt[256];
    int reached = 1;
    CN_CHECK(A->seeds <= 256);
    abl_values(xr, A, A_BASE, AV_TO_TRAIN, train_err);
    abl_values(xt, A, A_TANH, AV_TO_TRAIN, train_err);
    for (int s = 0; s < A->seeds; s++) reached &= xr[s] >= 0 && xt[s] >= 0;
    /* short of the paper's level, the level every run reached, if it is above chance (0.1) */
    const double common = common_level(A, A_BASE, A_TANH, 0);
    cl->relu_err = reached || common <= 0.1 ? train_err : 1.0 - common;
    cl->relu_paper = cl->relu_err == train_err;
    snprintf(cl->relu_level, sizeof cl->relu_level, cl->relu_paper ? "%.0f%% error" : "%.1f%% error, every run reached",
             100.0 * cl->relu_err);
    cl->relu_why[0] = '\0';
    if (!cl->relu_paper)
        snprintf(cl->relu_why, sizeof cl->relu_why, " (not every run reached the paper's %.0f%% within %d epochs, so "
                 "the two are compared at %.1f%%, the training error every one of them reached)", 100.0 * train_err,
                 A->epochs, 100.0 * cl->relu_err);
    cl->drop_level = common_level(A, A_BASE, A_NODROP, 1);
    const AblRun *base = abl_at(A, A_BASE, 0), *g2 = abl_at(A, A_GROUPS, 0);
    c[C_RELU] = claim_ratio(A, A_TANH, A_BASE, AV_TO_TRAIN, cl->relu_err);
    c[C_LRN] = claim_difference(A, A_NOLRN, AV_TEST, A_BASE, AV_TEST, 1, 0);
    c[C_POOL] = claim_difference(A, A_POOL2, AV_TEST, A_BASE, AV_TEST, 1, 0);
    c[C_POOL_GAP] = claim_difference(A, A_BASE, AV_GAP, A_POOL2, AV_GAP, 1, 0);
    c[C_DROP_GAP] = claim_difference(A, A_BASE, AV_GAP, A_NODROP, AV_GAP, 1, 0);
    c[C_DROP_SHORT] = claim_difference(A, A_BASE, AV_TEST, A_NODROP, AV_TEST, 1, 0);
    cl->test_half = c[C_DROP_SHORT].test_half;
    c[C_DROP_COST] = claim_ratio(A, A_BASE, A_NODROP, AV_TO_TEST, cl->drop_level);
    snprintf(pc, sizeof pc, "%s vs %s", commas(a, (double)g2->params), commas(b, (double)base->params));
    c[C_GRP_PARAMS] = claim_counted(g2->params < base->params, pc);
    c[C_GRP_SPEED] = claim_ratio(A, A_GROUPS, A_BASE, AV_IMG_S, 0);
    c[C_GRP_ACC] = claim_difference(A, A_BASE, AV_TEST, A_GROUPS, AV_TEST, 1, 0);
    static const struct { const char *idea, *what, *paper; } row[NCLAIM] = {
        { "ReLU", "epochs to %.1f%% training error, tanh ÷ ReLU", "6× faster to 25% (CIFAR-10, figure 1)" },
        { "LRN", "test accuracy, with − without", "top-1 error −1.4 points (ImageNet)" },
        { "overlapping pooling", "test accuracy, 3x3/2 − 2x2/2", "top-1 error −0.4 points" },
        { "overlapping pooling", "training − test, 2x2/2 − 3x3/2", "slightly harder to overfit" },
        { "dropout", "training − test, without − with", "without it, substantial overfitting" },
        { "dropout", "test accuracy after %d epochs, without − with", "it roughly doubles the iterations to converge" },
        { "dropout", "epochs to test accuracy %.4f, with ÷ without", "about 2×" },
        { "two groups", "parameters, 2 groups vs 1", "what fit on two 3 GB GPUs" },
        { "two groups", "training images/s, 2 groups ÷ 1", "slightly less time to train" },
        { "two groups", "test accuracy, 2 groups − 1", "top-1 −1.7 points vs half the maps in one group" },
    };
    for (int i = 0; i < NCLAIM; i++) {
        c[i].idea = row[i].idea, c[i].paper = row[i].paper;
        snprintf(c[i].what, sizeof c[i].what, "%s", row[i].what);
    }
    snprintf(c[C_RELU].what, sizeof c[C_RELU].what, row[C_RELU].what, 100.0 * cl->relu_err);
    snprintf(c[C_DROP_SHORT].what, sizeof c[C_DROP_SHORT].what, row[C_DROP_SHORT].what, A->epochs);
    snprintf(c[C_DROP_COST].what, sizeof c[C_DROP_COST].what, row[C_DROP_COST].what, cl->drop_level);
}

void claims_table(Notebook *nb, const Claim *c, int n)
{
    const char *hdr[] = { "idea", "measured (with the paper's direction positive)", "seed by seed",
                          "mean [95% interval]", "the paper", "verdict" };
    Tab t = tab_new(n, 6);
    for (int i = 0; i < n; i++)
        tab_row(&t, i, "%s\t%s\t%s\t%s\t%s\t%s", c[i].idea, c[i].what, c[i].per_seed, c[i].result, c[i].paper,
                verdict_text[c[i].v]);
    tab_show(nb, &t, hdr);
}

/* --- the curves --------------------------------------------------------------------------- */

/* name with each ' doubled: gnuplot's escape inside '...' */
static void put_quoted(char *buf, size_t size, const char *key, const char *value)
{
    size_t l = strlen(buf);
    l += (size_t)snprintf(buf + l, size - l, "%s%s='", l ? "; " : "", key);
    for (const char *p = value; *p && l + 3 < size; p++) {
        if (*p == '\'') buf[l++] = '\'';
        buf[l++] = *p;
    }
    snprintf(buf + l, size - l, "'");
}

void ablation_bands(Notebook *nb, const Ablations *A, const char *png, const char *title, const char *ylab,
                    const BandCurve *c, int n, int pairs, double level, const char *levelname, const char *caption)
{
    char dat[256], pngp[4096], datp[4096], params[8192] = "";
    snprintf(dat, sizeof dat, "%.*s.dat", (int)(strlen(png) - 4), png);
    snprintf(pngp, sizeof pngp, "%s", nb_path(nb, png));
    snprintf(datp, sizeof datp, "%s", nb_path(nb, dat));
    put_quoted(params, sizeof params, "datafile", datp);
    put_quoted(params, sizeof params, "outfile", pngp);
    put_quoted(params, sizeof params, "plottitle", title);
    put_quoted(params, sizeof params, "xlab", "epoch (of the ablation subset)");
    put_quoted(params, sizeof params, "ylab", ylab);
    if (pairs) snprintf(params + strlen(params), sizeof params - strlen(params), "; pairs=1");
    if (level > 0) {
        snprintf(params + strlen(params), sizeof params - strlen(params), "; level=%g", level);
        put_quoted(params, sizeof params, "levelname", levelname);
    }
    FILE *f = fopen(datp, "w");
    if (!f) CN_DIE("cannot write %s", datp);
    char script[4096];
    if (plot_script_path(script, sizeof script, "bands.gp") != 0) snprintf(script, sizeof script, "plots/bands.gp");
    fprintf(f, "# draw: gnuplot -e \"%s\" %s\n# for each curve: the mean over %d seeds, the lowest and the highest "
               "seed\nepoch", params, script, A->seeds);
    for (int k = 0; k < n; k++) fprintf(f, " \"%s\" \"%s low\" \"%s high\"", c[k].name, c[k].name, c[k].name);
    fputc('\n', f);
    for (int e = 0; e < A->epochs; e++) {
        fprintf(f, "%d", e + 1);
        for (int k = 0; k < n; k++) {
            double sum = 0.0, lo = INFINITY, hi = -INFINITY;
            for (int s = 0; s < A->seeds; s++) {
                const Curve cv = { &abl_at(A, c[k].arm, s)->run.hist, c[k].what, c[k].name, 0.0 };
                const double v = epoch_value(&cv, e);
                sum += v, lo = fmin(lo, v), hi = fmax(hi, v);
            }
            fprintf(f, " %.6g %.6g %.6g", sum / A->seeds, lo, hi);
        }
        fputc('\n', f);
    }
    if (fclose(f) != 0) CN_DIE("cannot write %s", datp);
    if (plot_gnuplot("bands.gp", params, pngp) < 0) CN_DIE("plotting %s: %s", png, cn_last_error());
    char cap[1024];
    snprintf(cap, sizeof cap, "%s; the line is the mean over the %d seeds, the shaded band runs from the lowest seed "
             "to the highest", caption, A->seeds);
    nb_plot(nb, cap, png);
}
