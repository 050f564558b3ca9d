/* optim.c - SGD with momentum and L2 weight decay; learning-rate schedules. */
#include "core/optim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/threads.h"

Sgd *sgd_create(Net *net, float momentum, float weight_decay)
{
    if (!net_ok(net)) return NULL;
    if (!(momentum >= 0.0f && momentum < 1.0f)) {
        cn_fail("sgd_create: momentum %g is outside [0, 1) (0.9 is usual; 0 turns it off)", (double)momentum);
        return NULL;
    }
    if (!(weight_decay >= 0.0f) || !isfinite(weight_decay)) {
        cn_fail("sgd_create: weight decay %g must be >= 0 (5e-4 is usual; 0 turns it off)", (double)weight_decay);
        return NULL;
    }
    int n = net_nparams(net);
    size_t total = 0;
    for (int k = 0; k < n; k++) total += net_param(net, k, NULL)->n;
    Sgd *s = calloc(1, sizeof *s);
    CnParam **param = calloc((size_t)n + 1, sizeof *param);
    float **velocity = calloc((size_t)n + 1, sizeof *velocity);
    float *v = calloc(total + 1, sizeof *v);  /* one block for every velocity */
    if (!s || !param || !velocity || !v) {
        free(s), free(param), free(velocity), free(v);
        cn_fail("sgd_create: out of memory for %zu velocities", total);
        return NULL;
    }
    *s = (Sgd){ .momentum = momentum, .weight_decay = weight_decay, .n = n, .param = param, .velocity = velocity };
    size_t off = 0;
    for (int k = 0; k < n; k++) {
        param[k] = net_param(net, k, NULL);
        velocity[k] = v + off;
        off += param[k]->n;
    }
    if (n == 0) velocity[0] = v;  /* keep the block reachable for sgd_free */
    return s;
}

void sgd_free(Sgd *s)
{
    if (!s) return;
    free(s->velocity[0]);
    free(s->velocity);
    free(s->param);
    free(s);
}

void sgd_reset(Sgd *s)
{
    for (int k = 0; k < s->n; k++) memset(s->velocity[k], 0, s->param[k]->n * sizeof(float));
}

/* Numbers n*part/nparts .. n*(part+1)/nparts - 1 of param k:
 * v = mu v - lr (g + lambda w); w += v. Each number is updated on its own, so
 * the numbers split freely across threads and the result does not depend on
 * their number. A frozen param keeps its value (and its velocity). */
static void sgd_update(Sgd *s, int k, float lr, int part, int nparts)
{
    CnParam *p = s->param[k];
    if (p->frozen) return;
    const float lambda = p->decay ? s->weight_decay : 0.0f, mu = s->momentum;
    float *restrict w = p->value, *restrict v = s->velocity[k];
    const float *restrict g = p->grad;
    const size_t i1 = p->n * (size_t)(part + 1) / (size_t)nparts;
    for (size_t i = p->n * (size_t)part / (size_t)nparts; i < i1; i++) {
        float gi = g[i] + lambda * w[i];
        v[i] = mu * v[i] - lr * gi;
        w[i] += v[i];
    }
}

void sgd_step(Sgd *s, float lr)
{
    for (int k = 0; k < s->n; k++) {
        if (s->param[k]->n > 65536) {
#pragma omp parallel
            sgd_update(s, k, lr, omp_get_thread_num(), omp_get_num_threads());
        } else {
            sgd_update(s, k, lr, 0, 1);
        }
    }
}

void sgd_step_part(Sgd *s, float lr, int part, int nparts)
{
    for (int k = 0; k < s->n; k++) sgd_update(s, k, lr, part, nparts);
}

/* --- schedules ------------------------------------------------------------ */

Schedule optim_schedule_constant(float lr) { return (Schedule){ .kind = LR_CONSTANT, .lr = lr }; }

Schedule optim_schedule_step(float lr, int step_epochs, float gamma)
{
    return (Schedule){ .kind = LR_STEP, .lr = lr, .step_epochs = step_epochs, .gamma = gamma };
}

Schedule optim_schedule_cosine(float lr, int total_epochs, float lr_min)
{
    return (Schedule){ .kind = LR_COSINE, .lr = lr, .total_epochs = total_epochs, .lr_min = lr_min };
}

int optim_schedule_check(const Schedule *s)
{
    if (!(s->lr > 0.0f) || !isfinite(s->lr))
        return cn_fail("learning rate %g must be > 0 (try 0.01)", (double)s->lr);
    if (!(s->warmup_epochs >= 0.0f) || !isfinite(s->warmup_epochs))
        return cn_fail("warmup of %g epochs must be >= 0", (double)s->warmup_epochs);
    switch (s->kind) {
    case LR_CONSTANT: return 0;
    case LR_STEP:
        if (s->step_epochs < 1) return cn_fail("step schedule: step_epochs %d must be >= 1", s->step_epochs);
        if (!(s->gamma > 0.0f) || !isfinite(s->gamma))
            return cn_fail("step schedule: gamma %g must be > 0 (0.1 is usual)", (double)s->gamma);
        return 0;
    case LR_COSINE:
        if (s->total_epochs < 1) return cn_fail("cosine schedule: total_epochs %d must be >= 1", s->total_epochs);
        if (!(s->lr_min >= 0.0f && s->lr_min <= s->lr))
            return cn_fail("cosine schedule: lr_min %g must be in [0, lr = %g]", (double)s->lr_min, (double)s->lr);
        return 0;
    }
    return cn_fail("unknown schedule kind %d", (int)s->kind);
}

float optim_lr_at(const Schedule *s, int epoch, float frac)
{
    double t = (double)epoch + (double)frac, lr = s->lr;
    switch (s->kind) {
    case LR_CONSTANT: break;
    case LR_STEP:
        if (s->step_epochs >= 1) lr = s->lr * pow((double)s->gamma, (double)(epoch / s->step_epochs));
        break;
    case LR_COSINE: {
        double T = s->total_epochs >= 1 ? s->total_epochs : 1, u = t < T ? t / T : 1.0;
        lr = s->lr_min + (s->lr - s->lr_min) * 0.5 * (1.0 + cos(3.14159265358979323846 * u));
        break;
    }
    }
    if (s->warmup_epochs > 0.0f && t < s->warmup_epochs) lr *= t / s->warmup_epochs;
    return (float)lr;
}
