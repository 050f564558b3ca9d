/* layer.c - the parts every layer shares: setup, init, zero_grad, free. */
#include "core/layer.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

int layer_setup(Layer *l, CnShape in)
{
    if (!l) return -1;  /* a constructor failed; its message stands */
    if (in.c < 1 || in.h < 1 || in.w < 1)
        return cn_fail("%s: input shape (%d, %d, %d) is empty", l->ops->kind, in.c, in.h, in.w);
    l->in = in;
    if (l->ops->setup(l)) return -1;
    if (l->out.c < 1 || l->out.h < 1 || l->out.w < 1)
        return cn_fail("%s: input (%d, %d, %d) gives an empty output (%d, %d, %d)", l->ops->kind,
                       in.c, in.h, in.w, l->out.c, l->out.h, l->out.w);
    if (!l->label[0]) snprintf(l->label, sizeof l->label, "%s", l->ops->kind);
    return 0;
}

int layer_reserve(Layer *l, int B)
{
    if (B <= l->reserved) return 0;
    if (l->ops->reserve && l->ops->reserve(l, B)) return -1;
    l->reserved = B;
    return 0;
}

void layer_init(Layer *l, InitKind kind, Rng *r)
{
    if (l->ops->init) {
        l->ops->init(l, kind, r);
        return;
    }
    for (int p = 0; p < l->nparam; p++) memset(l->param[p].value, 0, l->param[p].n * sizeof(float));
    if (l->nparam == 0) return;
    CnParam *w = &l->param[0];
    float fi = (float)(l->fan_in > 0 ? l->fan_in : 1), fo = (float)(l->fan_out > 0 ? l->fan_out : 1);
    for (size_t i = 0; i < w->n; i++) {
        switch (kind) {
        case INIT_LECUN_UNIFORM: w->value[i] = rng_range(r, -2.4f / fi, 2.4f / fi); break;
        case INIT_HE: w->value[i] = rng_normal(r) * sqrtf(2.0f / fi); break;
        case INIT_XAVIER: {
            float a = sqrtf(6.0f / (fi + fo));
            w->value[i] = rng_range(r, -a, a);
            break;
        }
        }
    }
}

void layer_zero_grad(Layer *l)
{
    for (int p = 0; p < l->nparam; p++) memset(l->param[p].grad, 0, l->param[p].n * sizeof(float));
}

size_t layer_param_count(const Layer *l)
{
    size_t n = 0;
    for (int p = 0; p < l->nparam; p++) n += l->param[p].trainable;
    return n;
}

void layer_free(Layer *l)
{
    if (l) l->ops->destroy(l);
}

int layer_alloc_param(Layer *l, int p, const char *name, int decay, int d0, int d1, int d2, int d3)
{
    size_t n = 0;
    if (p < 0 || p >= 3) return cn_fail("%s: parameter slot %d out of range", l->ops->kind, p);
    if (d0 < 1 || d1 < 1 || d2 < 1 || d3 < 1 || cn_mul_size((size_t)d0, (size_t)d1, &n) ||
        cn_mul_size(n, (size_t)d2, &n) || cn_mul_size(n, (size_t)d3, &n) || n > ((size_t)-1) / 8)
        return cn_fail("%s: parameter %s has a bad shape (%d, %d, %d, %d)", l->ops->kind, name, d0, d1, d2, d3);
    float *buf = calloc(2 * n, sizeof(float));
    if (!buf) return cn_fail("%s: out of memory for parameter %s (%zu numbers)", l->ops->kind, name, n);
    free(l->param[p].value);  /* setup may run again with a new input shape */
    l->param[p] = (CnParam){ .name = name, .value = buf, .grad = buf + n, .n = n, .trainable = n,
                           .decay = decay, .dims = { d0, d1, d2, d3 } };
    if (p >= l->nparam) l->nparam = p + 1;
    return 0;
}

void layer_free_params(Layer *l)
{
    for (int p = 0; p < l->nparam; p++) {
        free(l->param[p].value);
        l->param[p].value = l->param[p].grad = NULL;
    }
    l->nparam = 0;
}
