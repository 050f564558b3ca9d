/* lenet_story.c - lesson 08's plots of its LeNet-5 runs (lenet_story.h). */
#include "lessons/kit/lenet_story.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/activation.h"
#include "core/die.h"
#include "lessons/kit/draw.h"
#include "lessons/kit/readings.h"
#include "lessons/kit/report.h"
#include "lessons/lesson.h"

void lenet_curves(Notebook *nb, const LenetRun *mod, const LenetRun *cla, const LessonData *d)
{
    const TrainHistory *m = &mod->hist, *c = &cla->hist;
    const int augmented = mod->rc.shift || mod->rc.flip || cla->rc.shift || cla->rc.flip;
    /* the loss, then the error rate: both on a log scale, training solid and test dashed */
    static const char *const stem[2] = { "loss", "error" };
    static const char *const what[2] = { "Cross-entropy loss", "Error rate" };
    static const char *const ylab[2] = { "mean cross-entropy (log scale)", "fraction classified wrong (log scale)" };
    static const EpochValue train_v[2] = { TRAIN_LOSS, TRAIN_ERROR }, test_v[2] = { TEST_LOSS, TEST_ERROR };
    for (int k = 0; k < 2; k++) {
        char png[64], title[128], cap[400];
        snprintf(png, sizeof png, "%s_%s.png", stem[k], d->key);
        snprintf(title, sizeof title, "%s per epoch, %s (log scale)", what[k], d->title);
        const Curve cv[4] = { { m, train_v[k], "modern: training", 0 }, { m, test_v[k], "modern: test", 0 },
                              { c, train_v[k], "classic: training", 0 }, { c, test_v[k], "classic: test", 0 } };
        draw_epoch_pairs(nb, png, title, "epoch", ylab[k], cv, 4, 1);
        if (k == 0)
            snprintf(cap, sizeof cap, "loss per epoch on a log scale: training (solid: averaged over the epoch's "
                     "batches%s) and test (dashed: after the epoch); blue the modern network, red the classic one",
                     augmented ? ", on augmented images" : "");
        else
            snprintf(cap, sizeof cap, "error rate (1 − accuracy) per epoch on a log scale, so that small differences "
                     "near the end stay visible: training (solid: while training%s) and test (dashed); an epoch "
                     "with no training error leaves a gap", augmented ? ", on augmented images" : "");
        nb_plot(nb, cap, png);
    }
}

void lenet_c1_filters(Notebook *nb, const LenetRun *runs, int nrun)
{
    const int S = 12, G = 8, title_w = 150, top = 10;
    const int fw = 5 * S, cols = 6;
    const int W = title_w + cols * (fw + G) + G, rowh = fw + 2 * G;
    CnImage *im = canvas(top + nrun * rowh + G, W);
    char cap[1024] = "", part[160];
    for (int r = 0; r < nrun; r++) {
        const Layer *c1 = net_layer(runs[r].net, net_find(runs[r].net, "C1"));
        CN_CHECK(c1);
        const float *w = c1->param[0].value;
        float a = 0.0f;
        for (int i = 0; i < 6 * 25; i++) a = fmaxf(a, fabsf(w[i]));
        const int y0 = top + r * rowh + G;
        text_at(im, G, y0 + fw / 2 - 8, runs[r].label, WHITE);
        snprintf(part, sizeof part, "max |w| %.2f", (double)a);
        text_at(im, G, y0 + fw / 2 + 4, part, DIM);
        for (int k = 0; k < 6; k++) blit_map(im, title_w + k * (fw + G), y0, w + k * 25, 5, 5, S, -a, a);
        snprintf(part, sizeof part, "%s%s %.2f", r ? "; " : "", runs[r].label, (double)a);
        strncat(cap, part, sizeof cap - strlen(cap) - 1);
    }
    write_png(nb, "c1_filters.png", im);
    image_free(im);
    char full[1400];
    snprintf(full, sizeof full, "the six 5x5 filters of C1 in each trained network, one row per network; "
             "mid-gray is 0, lighter is positive, darker negative, each row scaled to its largest |weight| "
             "(largest |weight|: %s)", cap);
    nb_image(nb, full, "c1_filters.png");
}

/* --- what lesson 08 says of its runs --------------------------------------------------- */

const char *lenet_augmentation_words(const Recipe *m, const Recipe *f, char *buf, size_t n)
{
    if (!m->shift && !m->flip && !f->shift && !f->flip) {
        snprintf(buf, n, "This run trains on the pictures as they are, as the paper did.");
        return buf;
    }
    char fm[160];
    snprintf(fm, sizeof fm, "shifted by up to ±%d pixel%s%s", f->shift, f->shift == 1 ? "" : "s",
             f->flip ? " and mirrored half of the time" : "");
    snprintf(buf, n, "Here the classic network sees every training digit shifted by up to ±%d pixel%s each time it "
             "is seen, and every clothing picture %s.", m->shift, m->shift == 1 ? "" : "s", fm);
    return buf;
}

/* The two networks of one dataset: their final scores with what their
 * recipes had in common or not, and the test accuracies at the same epoch. */
/* "20 epochs, learning rate 0.02 on a cosine, weight decay 5e-4, shifts of up to ±2 pixels" */
static void recipe_words(char *buf, size_t n, const Recipe *r, int cosine)
{
    char wd[48] = "no weight decay", aug[96] = "no augmentation";
    if (r->wd > 0.0f) snprintf(wd, sizeof wd, "weight decay %.0e", (double)r->wd);
    if (r->shift || r->flip)
        snprintf(aug, sizeof aug, "shifts of up to ±%d pixel%s%s", r->shift, r->shift == 1 ? "" : "s",
                 r->flip ? " and mirroring" : "");
    snprintf(buf, n, "%d epochs, learning rate %.2g%s, %s, %s", r->epochs, (double)r->lr,
             cosine ? " on a cosine down to 0" : " constant", wd, aug);
}

void lenet_compare_like_with_like(Notebook *nb, const LenetRun *m, const LenetRun *c)
{
    const Recipe *rm = &m->rc, *rc = &c->rc;
    const int same = rm->epochs == rc->epochs && rm->lr == rc->lr && rm->wd == rc->wd && rm->shift == rc->shift &&
                     rm->flip == rc->flip;
    char how[400], howc[400];
    recipe_words(how, sizeof how, rm, m->cfg.lr.kind == LR_COSINE);
    recipe_words(howc, sizeof howc, rc, c->cfg.lr.kind == LR_COSINE);
    const double dm = m->ev.accuracy, dc = c->ev.accuracy;
    if (same) {
        nb_para(nb, "On %s both networks trained with the same recipe (%s): the modern one reaches %.4f, the classic "
                    "one %.4f, a like-for-like difference of %+.4f for the modern one.", m->data->title, how, dm, dc,
                dm - dc);
        return;
    }
    if (rm->epochs == rc->epochs) {
        /* the same length: name what differs */
        char diff[300] = "";
        if (rm->lr != rc->lr) snprintf(diff, sizeof diff, "learning rate (%.2g against %.2g)", (double)rm->lr, (double)rc->lr);
        if (rm->wd != rc->wd)
            snprintf(diff + strlen(diff), sizeof diff - strlen(diff), "%sweight decay (%.0e for the modern one, %s)",
                     diff[0] ? ", " : "", (double)rm->wd, rc->wd > 0.0f ? "some for the classic one" : "none for the classic one");
        if (rm->shift != rc->shift || rm->flip != rc->flip)
            snprintf(diff + strlen(diff), sizeof diff - strlen(diff), "%saugmentation", diff[0] ? ", " : "");
        nb_para(nb, "On %s both networks trained for %d epochs and their recipes differ only in %s: the modern one "
                    "reaches %.4f, the classic one %.4f (%+.4f for the modern one), so the difference is not the "
                    "architecture's alone.", m->data->title, rm->epochs, diff, dm, dc, dm - dc);
        return;
    }
    const int e = m->hist.n < c->hist.n ? m->hist.n : c->hist.n; /* the last epoch both ran */
    const double am = m->hist.e[e - 1].test_acc, ac = c->hist.e[e - 1].test_acc;
    nb_para(nb, "On %s the final scores do not compare the networks alone: the modern one reaches %.4f with %s, the "
                "classic one %.4f with %s. At the same epoch, %d, the test accuracies were %.4f (modern) and %.4f "
                "(classic): %s.%s",
            m->data->title, dm, how, dc, howc, e, am, ac,
            am > ac ? "the modern network ahead" : am < ac ? "the classic network ahead" : "equal",
            m->cfg.lr.kind == LR_COSINE ? " Even that is not quite like with like: each learning rate follows its "
                                          "own schedule, so at that epoch the longer run was still taking larger "
                                          "steps."
                                        : "");
}

/* How many of the classic networks' tanh units are saturated, layer by layer,
 * on test images: |f| above 0.95 x 1.7159, where the slope of
 * f(a) = 1.7159 tanh(2a/3) is under 10% of its largest. */
void lenet_saturation(Notebook *nb, LenetRun *runs)
{
    enum { NT = 100 }; /* the batch net_evaluate already made room for */
    const float level = 0.95f * ACT_LECUN_A;
    double share[2][6];
    for (int k = 0; k < 2; k++) {
        LenetRun *q = &runs[2 * k + 1];
        const int n = q->test->count < NT ? q->test->count : NT;
        const size_t in = shape_size(q->net->in);
        float *x = xcalloc((size_t)n * in, sizeof *x);
        for (int i = 0; i < n; i++) /* every k-th: the MNIST test file is sorted by class */
            net_input_from_u8(q->net, x + (size_t)i * in, dataset_image(q->test, (int)((long long)i * q->test->count / n)),
                              in);
        CN_CHECK(net_forward(q->net, x, n));
        for (int l = 0; l < 6; l++)
            share[k][l] = share_above(q->net, shown_output(q->net, net_find(q->net, lenet_layer_names[l])), n, level);
        free(x);
    }
    Tab t = tab_new(6, 3);
    char from[8] = "", most[160] = "";
    for (int l = 0; l < 6; l++) {
        tab_row(&t, l, "%s\t%.1f%%\t%.1f%%", lenet_layer_names[l], 100.0 * share[0][l], 100.0 * share[1][l]);
        if (share[0][l] > 0.25 && share[1][l] > 0.25) {
            if (!from[0]) snprintf(from, sizeof from, "%s", lenet_layer_names[l]);
        } else {
            from[0] = '\0';
        }
        if (share[0][l] > 0.2 || share[1][l] > 0.2)
            snprintf(most + strlen(most), sizeof most - strlen(most), "%s%s (%.0f%% / %.0f%%)", most[0] ? " and " : "",
                     lenet_layer_names[l], 100.0 * share[0][l], 100.0 * share[1][l]);
    }
    nb_para(nb, "Saturation. The classic network's squashing function f(a) = 1.7159 tanh(2a/3) is flat at both ends: "
                "where |f| is above 0.95 x 1.7159 = %.3f, its slope is under a tenth of its largest, and little "
                "gradient passes back through the unit. The share of such saturated units in each layer of the "
                "trained classic networks, over %d test pictures:", (double)level, NT);
    const char *hdr[] = { "layer", "saturated units, MNIST sample", "saturated units, Fashion-MNIST" };
    tab_show(nb, &t, hdr);
    if (from[0])
        nb_para(nb, "From %s up to F6, more than a quarter of the units are saturated on both datasets: those layers "
                    "work mostly as switches at ±1.7159, and they learn slowly.", from);
    else if (most[0])
        nb_para(nb, "Saturation is highest in %s (MNIST sample / Fashion-MNIST): there a fifth or more of the "
                    "units sit near ±1.7159 and pass back little gradient. In the other layers a fifth or fewer are: "
                    "most units work in the sloped middle part of the curve.",
                most);
    else
        nb_para(nb, "In no layer are more than a fifth of the units saturated on either dataset in this run: the "
                    "tanh units mostly work in their sloped middle part.");
}
