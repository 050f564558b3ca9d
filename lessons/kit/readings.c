/* readings.c - what the lessons read off a finished training (readings.h). */
#include "lessons/kit/readings.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/die.h"
#include "lessons/lesson.h"

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double median_epoch_seconds(const TrainHistory *h, int from)
{
    const int n = h->n - from;
    if (n <= 0) return 0.0;
    double *v = xcalloc((size_t)n, sizeof *v);
    for (int e = 0; e < n; e++) v[e] = h->e[from + e].seconds;
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    const double m = n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
    free(v);
    return m;
}

void say_training_time(Notebook *nb, const TrainHistory *h, int loaded, int ntrain, double wall, const char *model)
{
    if (loaded < 0 || loaded > h->n) loaded = 0;
    const int here = h->n - loaded;
    const double images = (double)here * ntrain;
    char a[32], b[32], c[32], saved[4200] = "";
    if (model && model[0]) snprintf(saved, sizeof saved, "; saved to %s", model);
    char from[160] = "";
    if (loaded > 0)
        snprintf(from, sizeof from, " (epochs 1 to %d were loaded from the checkpoint of an earlier run; %d epochs "
                 "in all)", loaded, h->n);
    nb_para(nb, "Trained in %.1f s: %d epoch%s over %s images%s, %s images in all, %s per second of wall time "
                "(the test after each epoch included); the median epoch took %.1f s%s.",
            wall, here, here == 1 ? "" : "s", commas(a, ntrain), from, commas(b, images),
            commas(c, wall > 0.0 ? images / wall : 0.0), median_epoch_seconds(h, loaded), saved);
}

CurveReading read_curves(const TrainHistory *h)
{
    CurveReading c = { .n = h->n };
    if (h->n < 1) return c;
    c.best_loss = INFINITY;
    for (int e = 0; e < h->n; e++)
        if (h->e[e].test_loss < c.best_loss) c.best_loss = h->e[e].test_loss, c.best_loss_epoch = e + 1;
    c.last_loss = h->e[h->n - 1].test_loss;
    c.back = h->n - 1 < 3 ? h->n - 1 : 3;
    c.acc_back = h->e[h->n - 1 - c.back].test_acc;
    c.acc_last = h->e[h->n - 1].test_acc;
    c.gap = h->e[h->n - 1].train_acc - c.acc_last;
    return c;
}

int curves_overfit(const CurveReading *c) { return c->n > 0 && c->last_loss > 1.05 * c->best_loss; }

int curves_improving(const CurveReading *c) { return c->back > 0 && c->acc_last - c->acc_back > 0.002; }

void describe_curves(char *buf, size_t size, const char *who, const CurveReading *c, int augmented)
{
    if (c->n < 1) {
        snprintf(buf, size, "%s: no epochs recorded.", who);
        return;
    }
    char loss[300], trend[200];
    if (curves_overfit(c))
        snprintf(loss, sizeof loss, "the test loss was lowest at epoch %d (%.4f) and ends %.0f%% above it (%.4f): "
                 "the network has begun to fit its training images better than new ones, %s", c->best_loss_epoch,
                 c->best_loss, 100.0 * (c->last_loss / c->best_loss - 1.0), c->last_loss,
                 c->last_loss > 1.25 * c->best_loss ? "clearly over-fitting" : "a mild over-fitting");
    else
        snprintf(loss, sizeof loss, "the test loss ends at %.4f, within 5%% of its lowest (%.4f, epoch %d): no sign "
                 "of over-fitting yet", c->last_loss, c->best_loss, c->best_loss_epoch);
    if (c->back > 0)
        snprintf(trend, sizeof trend, "over the last %d epoch%s the test accuracy went from %.4f to %.4f (%s)",
                 c->back, c->back == 1 ? "" : "s", c->acc_back, c->acc_last,
                 curves_improving(c) ? "still improving" : "levelled off");
    else
        snprintf(trend, sizeof trend, "one epoch only, so no trend to read");
    snprintf(buf, size, "%s: %s; %s; in the last epoch the training accuracy (%swhile the weights moved) was "
             "%+.4f from the test accuracy.", who, loss, trend, augmented ? "on augmented images, " : "", c->gap);
}

void input_moments(const Net *net, const Dataset *ds, double *mean, double *var)
{
    const size_t in = shape_size(net->in);
    float *x = xcalloc(in, sizeof *x);
    double s = 0.0, s2 = 0.0;
    for (int i = 0; i < ds->count; i++) {
        net_input_from_u8(net, x, dataset_image(ds, i), in);
        for (size_t k = 0; k < in; k++) s += x[k], s2 += (double)x[k] * x[k];
    }
    free(x);
    const double n = (double)in * (ds->count > 0 ? ds->count : 1);
    *mean = s / n;
    *var = fmax(s2 / n - *mean * *mean, 0.0);
}

double share_above(const Net *net, int li, int n, float level)
{
    const size_t m = shape_size(net->layer[li]->out) * (size_t)n;
    const float *y = net_output(net, li);
    size_t k = 0;
    for (size_t i = 0; i < m; i++) k += fabsf(y[i]) > level;
    return m ? (double)k / (double)m : 0.0;
}

