/* first_layer.c - lesson 10's first-layer experiment (first_layer.h). */
#include "lessons/kit/first_layer.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/die.h"
#include "core/lenet.h"
#include "core/net.h"
#include "core/optim.h"
#include "lessons/kit/models.h"
#include "lessons/lesson.h"

/* --- the hand-designed layers ----------------------------------------------------- */

const HandFilter hand_both[FL_NF] = { { "gaussian5", 1 }, { "sobel_x", 1 }, { "sobel_x", -1 },
                                      { "sobel_y", 1 },   { "sobel_y", -1 }, { "edge3", 1 } };
const HandFilter hand_one[FL_NF] = { { "gaussian5", 1 }, { "sobel_x", 1 }, { "sobel_y", 1 },
                                     { "edge1", 1 },     { "edge2", 1 },   { "edge3", 1 } };

const char *const *hand_labels(const HandFilter *h)
{
    static char text[2][FL_NF][32];
    static const char *lab[2][FL_NF];
    const int i = h == hand_one;
    for (int f = 0; f < FL_NF; f++) {
        snprintf(text[i][f], sizeof text[i][f], "%s%s", h[f].sign < 0 ? "-" : "", h[f].kernel);
        lab[i][f] = text[i][f];
    }
    return lab[i];
}

static double length(const float *v, int n)
{
    double s = 0.0;
    for (int i = 0; i < n; i++) s += (double)v[i] * v[i];
    return sqrt(s);
}

void hand_layer(float *w, const HandFilter *h)
{
    for (int f = 0; f < FL_NF; f++) {
        const CnKernel *k = kernel_find(h[f].kernel);
        CN_CHECK(k);
        float *o = w + f * FL_K * FL_K;
        CN_CHECK(match_fit(o, FL_K, k->v, k->h, k->w, k->h == FL_K ? MATCH_FIT_NATIVE : MATCH_FIT_PAD) == 0);
        const double s = h[f].sign * sqrt(2.0) / length(o, FL_K * FL_K);
        for (int i = 0; i < FL_K * FL_K; i++) o[i] = (float)(o[i] * s);
    }
}

/* --- the runs ----------------------------------------------------------------------- */

const char *const arm_name[ARM_COUNT] = { "(a) fixed hand kernels", "(b) hand start, fine-tuned",
                                          "(c) learned from random", "(a') fixed, one polarity, zero biases" };
const char *const arm_short[ARM_COUNT] = { "(a) fixed", "(b) fine-tuned", "(c) random", "(a') one polarity" };

void arm_run(ArmRun *a, const char *label, const Dataset *train, const Dataset *test, const ArmRecipe *r,
             const char *ckpt)
{
    Net *net = lenet5_modern();
    CN_CHECK(net);
    lenet5_init(net, a->seed); /* with one seed, every layer above C1 starts the same in every arm */
    Layer *c1 = net_layer(net, net_find(net, "C1"));
    CnParam *w = &c1->param[0], *b = &c1->param[1];
    CN_CHECK(w->n == FL_NF * FL_K * FL_K && b->n == FL_NF);
    if (a->arm != ARM_RANDOM) {
        hand_layer(w->value, a->arm == ARM_FIXED_ONE ? hand_one : hand_both);
        memset(b->value, 0, b->n * sizeof(float));
    }
    if (a->arm == ARM_FIXED || a->arm == ARM_FIXED_ONE) w->frozen = 1;
    if (a->arm == ARM_FIXED_ONE) b->frozen = 1;
    a->epochs = r->epochs;
    a->wep = xcalloc((size_t)(r->epochs + 1) * FL_NF * FL_K * FL_K, sizeof(float));
    memcpy(a->b0, b->value, sizeof a->b0);
    TrainConfig c = train_defaults();
    c.batch = r->batch;
    c.lr = optim_schedule_cosine(r->lr, r->epochs, 0.0f);
    c.momentum = 0.9f;
    c.weight_decay = r->weight_decay;
    c.seed = a->seed;
    c.std = 0.0f;
    c.epochs = r->epochs;
    /* LeNet-5's layers are too small to share between two threads: each
     * batch is cut in two halves instead, one thread each (core/train.h) */
    Net *half = lenet5_modern();
    CN_CHECK(half);
    c.replica = half;
    const double t0 = now_s();
    train_watching(net, train, test, &c, ckpt, w, a->wep, &a->hist, label);
    a->seconds = now_s() - t0;
    net_free(half);
    memcpy(a->b1, b->value, sizeof a->b1);
    a->weights_identical = memcmp(a->wep, arm_weights(a, r->epochs), w->n * sizeof(float)) == 0;
    a->biases_identical = memcmp(a->b0, a->b1, sizeof a->b0) == 0;
    net_free(net);
}

void arm_run_free(ArmRun *a)
{
    train_history_free(&a->hist);
    free(a->wep);
    a->wep = NULL;
}

const float *arm_weights(const ArmRun *a, int e) { return a->wep + (size_t)e * FL_NF * FL_K * FL_K; }

double arm_accuracy(const ArmRun *a) { return 100.0 * a->hist.e[a->hist.n - 1].test_acc; }

void comparison_run(Comparison *c, const Dataset *const train[2], const Dataset *const test[2],
                    const char *const names[2], const ArmRecipe *r, const char *ckpt)
{
    c->epochs = r->epochs;
    c->runs = xcalloc((size_t)2 * ARM_COUNT * c->seeds, sizeof *c->runs);
    for (int d = 0; d < 2; d++)
        for (int k = 0; k < c->seeds; k++)
            for (int a = 0; a < ARM_COUNT; a++) {
                ArmRun *run = comparison_at(c, d, a, k);
                run->arm = a, run->seed = c->seed0 + (uint64_t)k;
                char label[128];
                snprintf(label, sizeof label, "%s, %s, seed %llu", arm_short[a], names[d],
                         (unsigned long long)run->seed);
                arm_run(run, label, train[d], test[d], r, ckpt);
            }
}

void comparison_free(Comparison *c)
{
    for (size_t i = 0; c->runs && i < (size_t)2 * ARM_COUNT * c->seeds; i++) arm_run_free(&c->runs[i]);
    free(c->runs);
    c->runs = NULL;
}

ArmRun *comparison_at(const Comparison *c, int d, int arm, int s)
{
    return &c->runs[((size_t)d * ARM_COUNT + arm) * c->seeds + s];
}

void comparison_accuracies(double *x, const Comparison *c, int d, int arm)
{
    for (int k = 0; k < c->seeds; k++) x[k] = arm_accuracy(comparison_at(c, d, arm, k));
}

void comparison_mean_history(TrainHistory *h, const Comparison *c, int d, int arm)
{
    *h = (TrainHistory){ 0 };
    for (int e = 0; e < c->epochs; e++) {
        EpochStats st = comparison_at(c, d, arm, 0)->hist.e[e];
        st.test_acc = 0.0;
        for (int k = 0; k < c->seeds; k++) st.test_acc += comparison_at(c, d, arm, k)->hist.e[e].test_acc / c->seeds;
        CN_CHECK(train_history_push(h, &st) == 0);
    }
}

ComparisonAudit comparison_audit(const Comparison *c, const MatchBank *b)
{
    ComparisonAudit a = { 1, 1, 0, 1, 1 };
    const int E = c->epochs, KK = FL_K * FL_K;
    for (int d = 0; d < 2; d++)
        for (int k = 0; k < c->seeds; k++) {
            const ArmRun *fa = comparison_at(c, d, ARM_FIXED, k), *f1 = comparison_at(c, d, ARM_FIXED_ONE, k),
                         *fb = comparison_at(c, d, ARM_TUNED, k);
            a.fixed_frozen &= fa->weights_identical && f1->weights_identical;
            a.one_biases_kept &= f1->biases_identical;
            a.fixed_biases_learned += !fa->biases_identical;
            for (int f = 0; f < FL_NF; f++) {
                const Match m = match_best_shifted(b, arm_weights(fa, E) + f * KK);
                a.fixed_own &= m.entry >= 0 && fabs(m.score - 1) < 1e-6 &&
                               !strcmp(b->e[m.entry].kernel->name, hand_both[f].kernel) && m.sign == hand_both[f].sign;
                a.tuned_moved &= memcmp(arm_weights(fb, 0) + f * KK, arm_weights(fb, E) + f * KK, KK * sizeof(float)) != 0;
            }
        }
    return a;
}

void arm_scores(const ArmRun *r, int e, const MatchBank *b, double *filters, double *added, double *kept)
{
    const int KK = FL_K * FL_K;
    const float *w0 = arm_weights(r, 0), *w = arm_weights(r, e);
    *filters = *kept = 0.0;
    *added = e == 0 ? NAN : 0.0;
    for (int f = 0; f < FL_NF; f++) {
        float ch[FL_K * FL_K];
        for (int i = 0; i < KK; i++) ch[i] = w[f * KK + i] - w0[f * KK + i];
        *filters += match_best_shifted(b, w + f * KK).score / FL_NF;
        if (e > 0) *added += match_best_shifted(b, ch).score / FL_NF;
        *kept += match_cosine(w0 + f * KK, w + f * KK, (size_t)KK) / FL_NF;
    }
}

float *comparison_filters(const Comparison *c, int arm, int added)
{
    const size_t L = (size_t)FL_NF * FL_K * FL_K;
    float *out = xcalloc((size_t)2 * c->seeds * L, sizeof *out);
    for (int d = 0, j = 0; d < 2; d++)
        for (int k = 0; k < c->seeds; k++, j++) {
            const ArmRun *r = comparison_at(c, d, arm, k);
            for (size_t i = 0; i < L; i++)
                out[j * L + i] = arm_weights(r, c->epochs)[i] - (added ? arm_weights(r, 0)[i] : 0.0f);
        }
    return out;
}

FilterDrift filter_drift(const float *w0, const float *w1, const MatchBank *b, const char *own)
{
    const int KK = FL_K * FL_K;
    float ch[FL_K * FL_K];
    for (int i = 0; i < KK; i++) ch[i] = w1[i] - w0[i];
    FilterDrift d = { .cos = match_cosine(w0, w1, (size_t)KK), .change = length(ch, KK) / length(w0, KK) };
    d.best = match_best_shifted(b, w1);
    d.kept = d.best.score - match_best_shifted_of(b, w1, kernel_find(own)).score < 0.01;
    return d;
}

/* --- several seeds ------------------------------------------------------------------- */

double binomial_tail(int k, int n, double p)
{
    double t = 0.0;
    for (int i = k < 0 ? 0 : k; i <= n; i++)
        t += exp(lgamma(n + 1.0) - lgamma(i + 1.0) - lgamma(n - i + 1.0) + i * log(p) + (n - i) * log1p(-p));
    return t;
}

int comparison_difference_row(Tab *t, int row, const Comparison *c, int d, int a, int b, const char *name, int test_n)
{
    double x[256], y[256];
    char per[512] = "", iv[96];
    CN_CHECK(c->seeds <= 256);
    comparison_accuracies(x, c, d, a);
    comparison_accuracies(y, c, d, b);
    for (int k = 0; k < c->seeds; k++) {
        const size_t l = strlen(per);
        snprintf(per + l, sizeof per - l, "%s%+.2f", k ? ", " : "", y[k] - x[k]);
    }
    const SeedStat s = paired_difference(x, y, c->seeds, test_n);
    const int ok = stat_supported(&s);
    tab_row(t, row, "%s − %s\t%s\t%s\t%s\t%s", arm_short[b], arm_short[a], name, per, stat_text(iv, sizeof iv, &s),
            ok ? (s.mean > 0 ? "supported: higher" : "supported: lower") : "not supported: could be 0");
    return ok ? (s.mean > 0 ? 1 : -1) : 0;
}

float *first_test_picture(const Dataset *ds, int c, const char **what)
{
    const int i = first_of_class(ds, c);
    float *p = xcalloc((size_t)ds->height * ds->width, sizeof *p);
    for (int j = 0; j < ds->height * ds->width; j++) p[j] = dataset_image(ds, i)[j] / 255.0f;
    static char digit[8];
    snprintf(digit, sizeof digit, "%d", c);
    *what = ds->class_names ? ds->class_names[c] : digit;
    return p;
}

/* --- Sobel at other angles ------------------------------------------------------------ */

MatchBank *turned_sobel_bank(TurnedSobels *t, int K)
{
    const CnKernel *ext[64];
    int next = 0;
    for (int i = 0; i < kernel_count() && next < 64 - TURNED_MAX; i++) ext[next++] = kernel_at(i);
    const CnKernel *sx = kernel_find("sobel_x"), *sy = kernel_find("sobel_y");
    CN_CHECK(sx && sy);
    t->n = 0;
    for (int deg = 15; deg < 180 && t->n < TURNED_MAX; deg += 15) {
        if (deg == 90) continue;
        const int i = t->n++;
        const double th = deg * 3.14159265358979323846 / 180.0;
        for (int j = 0; j < 9; j++) t->v[i][j] = (float)(cos(th) * sx->v[j] + sin(th) * sy->v[j]);
        snprintf(t->name[i], sizeof t->name[i], "sobel_%d", deg);
        snprintf(t->title[i], sizeof t->title[i], "Sobel turned by %d°", deg);
        t->k[i] = (CnKernel){ t->name[i], t->title[i], 3, 3, t->v[i], "Sobel x turned" };
        t->deg[i] = deg;
        ext[next++] = &t->k[i];
    }
    return match_bank_create(ext, next, K);
}

int turned_angle(const TurnedSobels *t, const CnKernel *k)
{
    for (int i = 0; i < t->n; i++)
        if (k == &t->k[i]) return t->deg[i];
    return -1;
}

/* --- ranking ------------------------------------------------------------------------------ */

void rank_by_score(Rank *r, int n)
{
    /* insertion sort: stable, and the lists are short */
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && r[j].s > r[j - 1].s; j--) {
            const Rank t = r[j];
            r[j] = r[j - 1];
            r[j - 1] = t;
        }
}

/* --- the trained networks' first layers --------------------------------------------- */

void model_get(Notebook *nb, Model *m, const LessonData *data, int quick, const char *models_dir, uint64_t seed)
{
    m->net = saved_model_get(nb, &m->saved, &data[m->data], quick, models_dir, "lesson10", seed, &m->acc, &m->test_n);
    const int i = net_find(m->net, m->layer);
    CN_CHECK(i >= 0);
    const CnParam *p = &net_layer(m->net, i)->param[0];
    if (p->dims[1] != 1 || p->dims[2] != FL_K || p->dims[3] != FL_K || p->dims[0] > MODEL_MAXF)
        CN_DIE("%s: the first layer's weights are (%d, %d, %d, %d); this lesson expects up to %d filters of 1x%dx%d",
               m->saved.title, p->dims[0], p->dims[1], p->dims[2], p->dims[3], MODEL_MAXF, FL_K, FL_K);
    m->nf = p->dims[0];
    m->w = p->value;
}

void model_match(Model *m, const MatchBank *b, int trials, uint64_t seed)
{
    chance_measure(&m->fair, b, m->w, m->nf, trials, seed);
    m->mean_level = chance_mean_q99(&m->fair, m->nf);
    m->above = 0, m->mean = 0.0;
    for (int f = 0; f < m->nf; f++) {
        m->m[f] = match_best_shifted(b, m->w + f * FL_K * FL_K);
        const int up = m->m[f].entry >= 0 && score_above(m->m[f].score, m->fair.q99);
        m->fam[f] = up ? (int)match_family(b->e[m->m[f].entry].kernel) : MATCH_OTHER;
        m->above += up, m->mean += m->m[f].score / m->nf;
    }
}

void model_show(Notebook *nb, const Model *m, const MatchBank *b)
{
    Sheet s = { 0 };
    Tab t = tab_new(m->nf, 4);
    for (int f = 0; f < m->nf; f++) {
        char lab[64], ml[80];
        snprintf(lab, sizeof lab, "%s %d", m->layer, f + 1);
        sheet_add_match(&s, b, m->w + f * FL_K * FL_K, &m->m[f], 14, lab);
        tab_row(&t, f, "%d\t%s\t%.3f\t%s", f + 1, match_label(ml, sizeof ml, b, &m->m[f]), m->m[f].score,
                m->fam[f] != MATCH_OTHER ? match_family_name(m->fam[f]) : "nothing hand-made");
    }
    char file[96], cap[512];
    snprintf(file, sizeof file, "match_%s.png", m->saved.stem);
    sheet_write(&s, nb, file, m->nf > 6 ? 6 : 3, 12, 1);
    snprintf(cap, sizeof cap, "%s: each learned filter of %s beside what its best hand-designed match explains of "
             "it, with the score", m->saved.title, m->layer);
    nb_image(nb, cap, file);
    const char *hdr[4] = { "filter", "best match", "score", "looks like" };
    tab_show(nb, &t, hdr);
}

const char *model_initials(const Model *m)
{
    if (m->saved.arch == SAVED_ALEXNET) return "AlexNet";
    if (m->saved.arch == SAVED_LENET_CLASSIC) return m->data ? "classic F" : "classic M";
    return m->data ? "modern F" : "modern M";
}

void model_free(Model *m)
{
    net_free(m->net);
    chance_free(&m->fair);
    m->net = NULL;
}

int turned_matches(const Model *models, int nm, const MatchBank *xb, const TurnedSobels *t, const double *level,
                   Rank *pick, int max, int *npick, char *angles, size_t size)
{
    int n = 0;
    *npick = 0;
    angles[0] = 0;
    for (int i = 0; i < nm; i++)
        for (int f = 0; f < models[i].nf; f++) {
            if (models[i].fam[f] != MATCH_OTHER) continue;
            const Match mx = match_best_shifted(xb, models[i].w + f * FL_K * FL_K);
            const int deg = mx.entry >= 0 ? turned_angle(t, xb->e[mx.entry].kernel) : -1;
            if (deg < 0 || !score_above(mx.score, level[i])) continue;
            n++;
            if (*npick < max) pick[(*npick)++] = (Rank){ i, f, mx.score };
            const size_t l = strlen(angles);
            if (l + 16 < size) snprintf(angles + l, size - l, "%s%d°", l ? ", " : "", deg);
        }
    return n;
}

int closing_sheet(Notebook *nb, const char *file, const Model *models, const Rank *rk, int n, const MatchBank *b,
                  const Rank *tr, int nt, const MatchBank *xb)
{
    const int show = n < 6 ? n : 6, KK = FL_K * FL_K;
    Sheet s = { 0 };
    for (int part = 0; part < 2; part++)
        for (int i = 0; i < show; i++) {
            const Rank *r = part == 0 ? &rk[i] : &rk[n - show + i];
            const Model *m = &models[r->mi];
            sheet_add_match(&s, b, m->w + r->f * KK, &m->m[r->f], 12, model_initials(m));
        }
    for (int i = 0; i < nt; i++) {
        const Model *m = &models[tr[i].mi];
        const Match mx = match_best_shifted(xb, m->w + tr[i].f * KK);
        sheet_add_match(&s, xb, m->w + tr[i].f * KK, &mx, 12, model_initials(m));
    }
    sheet_write(&s, nb, file, show, 12, 1);
    return show;
}

void count_table(Notebook *nb, const Model *models, int nm)
{
    Tab t = tab_new(nm + 1, 9);
    for (int i = 0; i <= nm; i++) {
        int c[4] = { 0 }, n = 0;
        double mean = 0.0;
        for (int j = 0; j < nm; j++) {
            if (i < nm && j != i) continue;
            for (int f = 0; f < models[j].nf; f++) c[models[j].fam[f]]++, mean += models[j].m[f].score, n++;
        }
        if (i < nm)
            tab_row(&t, i, "%s\t%d\t%.3f\t%d\t%d\t%d\t%d\t%.3f\t%.3f: %s", models[i].tag, n, models[i].fair.q99,
                    c[MATCH_EDGE], c[MATCH_BLUR], c[MATCH_KEEP], c[MATCH_OTHER], mean / n, models[i].mean_level,
                    score_above(mean / n, models[i].mean_level) ? "above" : "not above");
        else
            tab_row(&t, i, "all\t%d\t\t%d\t%d\t%d\t%d\t%.3f\t", n, c[MATCH_EDGE], c[MATCH_BLUR], c[MATCH_KEEP],
                    c[MATCH_OTHER], mean / n);
    }
    const char *hdr[9] = { "network", "filters", "level, one filter", "edge detector", "blur", "identity or sharpen",
                           "nothing hand-made", "mean score", "level, mean of n" };
    tab_show(nb, &t, hdr);
}

void random_arm_sheet(Notebook *nb, const char *file, const Comparison *c, const MatchBank *b)
{
    const int KK = FL_K * FL_K, E = c->epochs;
    Sheet s = { 0 };
    for (int d = 0; d < 2; d++) {
        const ArmRun *r = comparison_at(c, d, ARM_RANDOM, 0);
        for (int row = 0; row < 3; row++)
            for (int f = 0; f < FL_NF; f++) {
                float v[FL_K * FL_K];
                for (int i = 0; i < KK; i++)
                    v[i] = row == 0 ? arm_weights(r, 0)[f * KK + i]
                         : row == 1 ? arm_weights(r, E)[f * KK + i]
                                    : arm_weights(r, E)[f * KK + i] - arm_weights(r, 0)[f * KK + i];
                const Match m = match_best_shifted(b, v);
                char lab[64];
                snprintf(lab, sizeof lab, "%s %d %s", d ? "F" : "M", f + 1, row == 0 ? "start" : row == 1 ? "end" : "added");
                sheet_add_match(&s, b, v, &m, 12, lab);
            }
    }
    sheet_write(&s, nb, file, FL_NF, 10, 1);
}
