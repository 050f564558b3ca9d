/* tensor.c - allocation and small helpers for the NCHW float tensor. */
#include "core/tensor.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

Tensor *tensor_create(int n, int c, int h, int w)
{
    if (n < 1 || c < 1 || h < 1 || w < 1) {
        cn_fail("tensor_create: shape (%d, %d, %d, %d) has a dimension below 1", n, c, h, w);
        return NULL;
    }
    size_t size;
    if (cn_mul_size((size_t)n, (size_t)c, &size) || cn_mul_size(size, (size_t)h, &size) ||
        cn_mul_size(size, (size_t)w, &size) || size > ((size_t)-1) / sizeof(float)) {
        cn_fail("tensor_create: shape (%d, %d, %d, %d) is too large", n, c, h, w);
        return NULL;
    }
    Tensor *t = malloc(sizeof *t);
    float *data = calloc(size, sizeof *data);
    if (!t || !data) {
        free(t);
        free(data);
        cn_fail("tensor_create: out of memory for shape (%d, %d, %d, %d)", n, c, h, w);
        return NULL;
    }
    *t = (Tensor){ .n = n, .c = c, .h = h, .w = w, .size = size, .data = data };
    return t;
}

void tensor_free(Tensor *t)
{
    if (!t) return;
    free(t->data);
    free(t);
}

void tensor_fill(Tensor *t, float v)
{
    for (size_t i = 0; i < t->size; i++) t->data[i] = v;
}

int tensor_copy(Tensor *dst, const Tensor *src)
{
    if (dst->size != src->size)
        return cn_fail("tensor_copy: sizes differ (%zu vs %zu)", dst->size, src->size);
    memcpy(dst->data, src->data, src->size * sizeof *dst->data);
    return 0;
}

float cn_max_abs_diff(const float *a, const float *b, size_t n, size_t *where)
{
    float worst = 0.0f;
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        float d = fabsf(a[i] - b[i]);
        if (d > worst || isnan(d)) {
            worst = d;
            at = i;
            if (isnan(d)) break;
        }
    }
    if (where) *where = at;
    return worst;
}
