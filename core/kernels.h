/* kernels.h - hand-designed image kernels: the seed deck's six and a few more.
 *
 * A kernel is a small (h, w) array of weights, row-major. Slid over an image
 * (conv.h) it replaces each pixel by a weighted sum of its neighbourhood; the
 * weights decide what the output shows. The registry holds, in this order:
 *
 *   the seed's six (the deck's table, in its order, with its exact values)
 *     identity   [0 0 0; 0 1 0; 0 0 0]
 *     edge1      [1 0 -1; 0 0 0; -1 0 1]          edge detection (1)
 *     edge2      [0 1 0; 1 -4 1; 0 1 0]           edge detection (2)
 *     edge3      [-1 -1 -1; -1 8 -1; -1 -1 -1]    edge detection (3)
 *     sharpen    [0 -1 0; -1 5 -1; 0 -1 0]
 *     box_blur   1/9 [1 1 1; 1 1 1; 1 1 1]
 *   and
 *     sobel_x    [-1 0 1; -2 0 2; -1 0 1]
 *     sobel_y    [-1 -2 -1; 0 0 0; 1 2 1]
 *     gaussian   1/16 [1 2 1; 2 4 2; 1 2 1]
 *     gaussian5  1/256 [1 4 6 4 1]^T [1 4 6 4 1]
 *
 * The Gaussian blurs are binomial kernels: row n of Pascal's triangle over
 * 2^n is the distribution of a sum of n fair coin flips, whose variance n/4
 * makes it a discrete Gaussian with sigma = sqrt(n)/2 (sigma ~ 0.71 pixel for
 * 3x3, sigma = 1 pixel for 5x5); the 2-D kernel is the outer product of two
 * such rows. The seed's six are all symmetric under a 180-degree rotation, so
 * correlating and convolving with them give the same image; Sobel is
 * antisymmetric (rot180 negates it), so the two operations give opposite
 * signs. Every value here is exact in float except 1/9.
 */
#ifndef CN_KERNELS_H
#define CN_KERNELS_H

typedef struct {
    const char *name;  /* registry key, e.g. "edge2" */
    const char *title; /* for people, e.g. "edge detection (2)" */
    int h, w;          /* rows, columns */
    const float *v;    /* h*w weights, row-major */
    const char *note;  /* what it does to an image */
} CnKernel;

/* The kernel called `name`, or NULL with a message listing every valid name. */
const CnKernel *kernel_find(const char *name);

/* Number of kernels in the registry, and the i-th (0 <= i < kernel_count();
 * NULL with a message otherwise). */
int kernel_count(void);
const CnKernel *kernel_at(int i);

/* The seed's six come first in the registry, in the deck's order:
 * kernel_seed(i) == kernel_at(i) for 0 <= i < KERNEL_SEED_COUNT. */
#define KERNEL_SEED_COUNT 6
const CnKernel *kernel_seed(int i);

/* Sum of the weights, in double. 1 for kernels that keep the brightness of a
 * flat region (identity, sharpen, blurs), 0 for those that send it to black
 * (edge detectors, Sobel). */
double kernel_sum(const CnKernel *k);

/* out (h,w) = k (h,w) rotated by 180 degrees: out[i][j] = k[h-1-i][w-1-j],
 * i.e. the row-major array reversed. Works in place (out == k); out must not
 * otherwise overlap k. */
void kernel_rot180(float *out, const float *k, int h, int w);

#endif
