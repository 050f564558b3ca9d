/* tensor.h - the one float layout used everywhere.
 *
 * Layout: NCHW, row-major, float32, as in PyTorch. Element (n, c, h, w) of a
 * tensor with shape (N, C, H, W) lives at
 *
 *     data[((n * C + c) * H + h) * W + w]
 *
 * so the last index (w) walks contiguous memory. A 2-D map is the case
 * N = C = 1; a weight bank (OC, IC, KH, KW) uses the same rule. Kernels in
 * core/ work on raw `float *` arrays with explicit sizes; Tensor is the owner
 * that lessons and networks use to hold those arrays.
 */
#ifndef CN_TENSOR_H
#define CN_TENSOR_H

#include <stddef.h>

typedef struct {
    int n, c, h, w;   /* shape; unused leading dimensions are 1 */
    size_t size;      /* n * c * h * w */
    float *data;      /* owned; zero-initialised by tensor_create */
} Tensor;

/* Allocate a zeroed tensor of shape (n, c, h, w), all >= 1. NULL on failure
 * (bad shape, overflow, out of memory) with cn_last_error() set. */
Tensor *tensor_create(int n, int c, int h, int w);
void tensor_free(Tensor *t);

/* Index of (n, c, h, w) in data. */
static inline size_t tensor_index(const Tensor *t, int n, int c, int h, int w)
{
    return (((size_t)n * (size_t)t->c + (size_t)c) * (size_t)t->h + (size_t)h) * (size_t)t->w + (size_t)w;
}

static inline float *tensor_at(Tensor *t, int n, int c, int h, int w)
{
    return &t->data[tensor_index(t, n, c, h, w)];
}

void tensor_fill(Tensor *t, float v);
/* Copy src into dst; both must have the same size. 0 or -1. */
int tensor_copy(Tensor *dst, const Tensor *src);
/* Largest |a[i] - b[i]| over n elements; *where gets its index (may be NULL). */
float cn_max_abs_diff(const float *a, const float *b, size_t n, size_t *where);

#endif
