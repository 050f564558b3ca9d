/* arrays.h - the lesson kit's small measures of float arrays: the mean,
 * the smallest and largest value, the largest difference between two
 * arrays, and the calmest or busiest square patch of a picture (by the
 * variance of its pixels). Lessons only (find_patch stops the program when
 * memory runs out). */
#ifndef CN_KIT_ARRAYS_H
#define CN_KIT_ARRAYS_H

#include <stddef.h>

/* The mean of v[0..n-1], summed in double. */
double mean_of(const float *v, size_t n);

/* The smallest and largest of v[0..n-1] (n >= 1). */
void min_max(const float *v, size_t n, float *lo, float *hi);

/* The largest |a[i] - b[i]|; *where (may be NULL) gets its index. */
double max_diff(const float *a, const float *b, size_t n, size_t *where);

/* The variance of the side x side patch of v (H x W, row width W) with
 * top-left corner (y0, x0): mean of p^2 minus the square of the mean. */
double patch_variance(const float *v, int W, int y0, int x0, int side);

/* The top-left corner (*py, *px) of the side x side patch of v (H x W) with
 * the smallest (find_max 0) or largest (find_max 1) variance, at least
 * `margin` pixels from the border. Summed-area tables of v and v^2 give each
 * patch's sums in four lookups, so the search costs O(H W) instead of
 * O(H W side^2). */
void find_patch(const float *v, int H, int W, int side, int margin, int find_max, int *py, int *px);

#endif
