/* gradcheck.c - see gradcheck.h. */
#include "tests/gradcheck.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"

GradCheckOpts gradcheck_defaults(void)
{
    return (GradCheckOpts){ .eps = 1e-2, .atol = 2e-3, .rtol = 2e-2, .max_checks = 0 };
}

static double loss(Layer *l, float *y, const float *x, const float *r, size_t ny, int B, const GradCheckOpts *o)
{
    if (o->before_forward) o->before_forward(l, o->ctx);
    l->ops->forward(l, y, x, B);
    double s = 0.0;
    for (size_t i = 0; i < ny; i++) s += (double)r[i] * (double)y[i];
    return s;
}

static void compare(float *v, const float *analytic, size_t n, const char *what, Layer *l, float *y,
                    const float *x, const float *r, size_t ny, int B, const GradCheckOpts *o,
                    GradCheckResult *res)
{
    size_t step = 1;
    if (o->max_checks > 0 && n > (size_t)o->max_checks) step = n / (size_t)o->max_checks;
    for (size_t i = 0; i < n; i += step) {
        float saved = v[i];
        v[i] = (float)(saved + o->eps);
        double lp = loss(l, y, x, r, ny, B, o);
        v[i] = (float)(saved - o->eps);
        double lm = loss(l, y, x, r, ny, B, o);
        v[i] = saved;
        /* Divide by the step actually taken in float. */
        double h = (double)(float)(saved + o->eps) - (double)(float)(saved - o->eps);
        double num = (lp - lm) / h;
        double a = analytic[i];
        double err = fabs(a - num);
        double rel = err / fmax(fabs(num), 1e-6);
        res->checked++;
        if (fabs(a) > res->max_abs_grad) res->max_abs_grad = fabs(a);
        if (err > res->max_abs_err) {
            res->max_abs_err = err;
            snprintf(res->what, sizeof res->what, "%s", what);
        }
        if (err > o->atol && rel > res->max_rel_err) res->max_rel_err = rel;
        if (err > o->atol + o->rtol * fabs(num)) {
            if (res->failures == 0) {
                res->first_bad = i;
                res->bad_analytic = a;
                res->bad_numeric = num;
                snprintf(res->bad_what, sizeof res->bad_what, "%s", what);
            }
            res->failures++;
        }
    }
}

int gradcheck_layer(Layer *l, float *x, int B, const GradCheckOpts *o, GradCheckResult *res)
{
    memset(res, 0, sizeof *res);
    size_t nx = shape_size(l->in) * (size_t)B, ny = shape_size(l->out) * (size_t)B;
    float *y = malloc(ny * sizeof *y), *r = malloc(ny * sizeof *r), *dx = calloc(nx, sizeof *dx);
    float *pg[3] = { 0 };
    if (!y || !r || !dx || layer_reserve(l, B)) {
        snprintf(res->what, sizeof res->what, "out of memory");
        res->failures = 1;
        free(y), free(r), free(dx);
        return 1;
    }
    Rng rng;
    rng_seed(&rng, 1234, 99);
    for (size_t i = 0; i < ny; i++) r[i] = rng_range(&rng, -1.0f, 1.0f);

    /* Analytic gradients: one forward, one backward with dy = r. */
    layer_zero_grad(l);
    if (o->before_forward) o->before_forward(l, o->ctx);
    l->ops->forward(l, y, x, B);
    l->ops->backward(l, dx, r, x, y, B);
    for (int p = 0; p < l->nparam; p++) {
        pg[p] = malloc(l->param[p].n * sizeof(float));
        if (pg[p]) memcpy(pg[p], l->param[p].grad, l->param[p].n * sizeof(float));
    }

    compare(x, dx, nx, "dx", l, y, x, r, ny, B, o, res);
    for (int p = 0; p < l->nparam; p++)
        if (pg[p]) compare(l->param[p].value, pg[p], l->param[p].n, l->param[p].name, l, y, x, r, ny, B, o, res);

    for (int p = 0; p < 3; p++) free(pg[p]);
    free(y), free(r), free(dx);
    return (res->failures > 0 || res->max_abs_grad == 0.0 || res->checked == 0) ? 1 : 0;
}

const char *gradcheck_describe(const GradCheckResult *r)
{
    static _Thread_local char buf[320];
    if (r->failures)
        snprintf(buf, sizeof buf,
                 "%d of %d entries off; first: %s[%zu] analytic %.6g vs numeric %.6g; max abs err %.3g (%s)",
                 r->failures, r->checked, r->bad_what, r->first_bad, r->bad_analytic, r->bad_numeric,
                 r->max_abs_err, r->what);
    else
        snprintf(buf, sizeof buf, "%d entries, max abs err %.3g (%s), max |grad| %.3g%s", r->checked,
                 r->max_abs_err, r->what, r->max_abs_grad, r->max_abs_grad == 0.0 ? " (ALL ZERO)" : "");
    return buf;
}
