/* arrays.c - the lesson kit's small measures of float arrays (arrays.h). */
#include "lessons/kit/arrays.h"

#include <math.h>
#include <stdlib.h>

#include "lessons/lesson.h"

double mean_of(const float *v, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++) s += v[i];
    return s / (double)n;
}

void min_max(const float *v, size_t n, float *lo, float *hi)
{
    *lo = *hi = v[0];
    for (size_t i = 1; i < n; i++) {
        if (v[i] < *lo) *lo = v[i];
        if (v[i] > *hi) *hi = v[i];
    }
}

double max_diff(const float *a, const float *b, size_t n, size_t *where)
{
    double d = 0.0;
    size_t at = 0;
    for (size_t i = 0; i < n; i++)
        if (fabs((double)a[i] - (double)b[i]) > d) d = fabs((double)a[i] - (double)b[i]), at = i;
    if (where) *where = at;
    return d;
}

double patch_variance(const float *v, int W, int y0, int x0, int side)
{
    double s = 0.0, s2 = 0.0;
    for (int y = y0; y < y0 + side; y++)
        for (int x = x0; x < x0 + side; x++) {
            double p = v[(size_t)y * (size_t)W + (size_t)x];
            s += p;
            s2 += p * p;
        }
    double n = (double)side * side, m = s / n;
    return s2 / n - m * m;
}

void find_patch(const float *v, int H, int W, int side, int margin, int find_max, int *py, int *px)
{
    size_t W1 = (size_t)W + 1;
    double *S = xcalloc((size_t)(H + 1) * W1, sizeof *S), *S2 = xcalloc((size_t)(H + 1) * W1, sizeof *S2);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            double p = v[(size_t)y * (size_t)W + (size_t)x];
            size_t at = (size_t)(y + 1) * W1 + (size_t)(x + 1);
            S[at] = p + S[at - 1] + S[at - W1] - S[at - W1 - 1];
            S2[at] = p * p + S2[at - 1] + S2[at - W1] - S2[at - W1 - 1];
        }
    double best = find_max ? -1.0 : INFINITY, n = (double)side * side;
    *py = *px = margin;
    for (int y = margin; y + side + margin <= H; y++)
        for (int x = margin; x + side + margin <= W; x++) {
            size_t a = (size_t)y * W1 + (size_t)x, b = a + (size_t)side, c = a + (size_t)side * W1, d = c + (size_t)side;
            double m = (S[d] - S[b] - S[c] + S[a]) / n, var = (S2[d] - S2[b] - S2[c] + S2[a]) / n - m * m;
            if (find_max ? var > best : var < best) {
                best = var;
                *py = y;
                *px = x;
            }
        }
    free(S);
    free(S2);
}
