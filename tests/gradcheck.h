/* gradcheck.h - central-difference gradient checks for any Layer.
 *
 * The scalar checked is L = sum_i r_i * y_i with fixed random r, so
 * dL/dy = r. backward() gives the analytic dL/dx and dL/dparam; each is
 * compared with (L(v + eps) - L(v - eps)) / (2 eps), L summed in double,
 * element by element, by |a - n| <= atol + rtol * |n|.
 */
#ifndef CN_GRADCHECK_H
#define CN_GRADCHECK_H

#include <stddef.h>

#include "core/layer.h"

typedef struct {
    double eps, atol, rtol;
    int max_checks;          /* check at most this many entries per array (spread evenly); 0 = all */
    /* Called before every forward pass (e.g. to reset a dropout mask's
     * generator so each pass draws the same mask). May be NULL. */
    void (*before_forward)(Layer *l, void *ctx);
    void *ctx;
} GradCheckOpts;

typedef struct {
    char what[48];           /* "dx", "weight", "bias" ... of the worst array */
    double max_abs_err;      /* largest |analytic - numeric| over all arrays */
    double max_rel_err;      /* largest |a - n| / max(|n|, 1e-6) over all arrays */
    size_t first_bad;        /* index of the first failure (if any) */
    double bad_analytic, bad_numeric;
    char bad_what[48];
    int failures;            /* entries outside tolerance */
    int checked;             /* entries compared */
    double max_abs_grad;     /* largest |analytic| seen: a zero gradient is a failure too */
} GradCheckResult;

GradCheckOpts gradcheck_defaults(void);

/* Check dx and every param of l (set up, initialised) at input x (B, in).
 * The layer's params and x are restored afterwards. Returns 0 when every
 * entry is within tolerance and the gradient is not all zero, else 1. */
int gradcheck_layer(Layer *l, float *x, int B, const GradCheckOpts *o, GradCheckResult *res);

/* One line for test failure messages. */
const char *gradcheck_describe(const GradCheckResult *r);

#endif
