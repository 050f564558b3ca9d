/* kernels.c - the registry of hand-designed kernels (kernels.h). */
#include "core/kernels.h"

#include <stdio.h>
#include <string.h>

#include "core/error.h"

/* --- weights ------------------------------------------------------------------ */

static const float identity_v[9] = { 0, 0, 0,
                                     0, 1, 0,
                                     0, 0, 0 };
static const float edge1_v[9] = {  1, 0, -1,
                                   0, 0,  0,
                                  -1, 0,  1 };
static const float edge2_v[9] = { 0,  1, 0,
                                  1, -4, 1,
                                  0,  1, 0 };
static const float edge3_v[9] = { -1, -1, -1,
                                  -1,  8, -1,
                                  -1, -1, -1 };
static const float sharpen_v[9] = {  0, -1,  0,
                                    -1,  5, -1,
                                     0, -1,  0 };
#define NINTH (1.0f / 9.0f)
static const float box_blur_v[9] = { NINTH, NINTH, NINTH,
                                     NINTH, NINTH, NINTH,
                                     NINTH, NINTH, NINTH };
static const float sobel_x_v[9] = { -1, 0, 1,
                                    -2, 0, 2,
                                    -1, 0, 1 };
static const float sobel_y_v[9] = { -1, -2, -1,
                                     0,  0,  0,
                                     1,  2,  1 };
static const float gaussian_v[9] = { 1 / 16.0f, 2 / 16.0f, 1 / 16.0f,
                                     2 / 16.0f, 4 / 16.0f, 2 / 16.0f,
                                     1 / 16.0f, 2 / 16.0f, 1 / 16.0f };
#define G(a) ((a) / 256.0f)
static const float gaussian5_v[25] = { G(1),  G(4),  G(6),  G(4), G(1),
                                       G(4), G(16), G(24), G(16), G(4),
                                       G(6), G(24), G(36), G(24), G(6),
                                       G(4), G(16), G(24), G(16), G(4),
                                       G(1),  G(4),  G(6),  G(4), G(1) };

/* --- registry (the seed's six first, in the deck's order) -------------------- */

static const CnKernel registry[] = {
    { "identity", "identity", 3, 3, identity_v,
      "copies the centre pixel: the output is the input" },
    { "edge1", "edge detection (1)", 3, 3, edge1_v,
      "outer product of two central differences [1 0 -1], i.e. 4 d2I/dxdy: zero on flat "
      "regions and on straight horizontal or vertical edges, strong at corners and on "
      "diagonal structure" },
    { "edge2", "edge detection (2)", 3, 3, edge2_v,
      "4-neighbour Laplacian (sum of neighbours minus 4x the centre): zero on flat regions "
      "and linear ramps, large on both sides of every edge and on thin lines" },
    { "edge3", "edge detection (3)", 3, 3, edge3_v,
      "minus the 8-neighbour Laplacian (8x the centre minus all eight neighbours): like "
      "edge2 with the diagonals included and the sign flipped; the strongest edge map of "
      "the three" },
    { "sharpen", "sharpen", 3, 3, sharpen_v,
      "identity minus the 4-neighbour Laplacian (identity - edge2): adds the edge response "
      "back to the image, so edges get more contrast; weights sum to 1, flat regions keep "
      "their value" },
    { "box_blur", "box blur (normalized)", 3, 3, box_blur_v,
      "mean of the 3x3 neighbourhood: smooths noise and fine detail; weights sum to 1, "
      "flat regions keep their value" },
    { "sobel_x", "Sobel x", 3, 3, sobel_x_v,
      "horizontal derivative [-1 0 1] smoothed vertically by [1 2 1]: positive under "
      "correlation where brightness grows to the right, marks vertical edges; not "
      "symmetric, so true convolution gives the opposite sign" },
    { "sobel_y", "Sobel y", 3, 3, sobel_y_v,
      "vertical derivative [-1 0 1]^T smoothed horizontally by [1 2 1]: positive under "
      "correlation where brightness grows downwards, marks horizontal edges" },
    { "gaussian", "Gaussian blur 3x3", 3, 3, gaussian_v,
      "binomial [1 2 1]/4 in both axes (sigma ~ 0.71 pixel): weighs near pixels more than "
      "far ones; its frequency response (1 + cos w)/2 is never negative, whereas the box "
      "blur's (1 + 2 cos w)/3 inverts stripes finer than 3 pixels; weights sum to 1" },
    { "gaussian5", "Gaussian blur 5x5", 5, 5, gaussian5_v,
      "binomial [1 4 6 4 1]/16 in both axes (sigma = 1 pixel): a wider Gaussian blur; "
      "weights sum to 1" },
};

#define NKERNELS ((int)(sizeof registry / sizeof registry[0]))

/* --- lookup ---------------------------------------------------------------------- */

int kernel_count(void) { return NKERNELS; }

const CnKernel *kernel_at(int i)
{
    if (i < 0 || i >= NKERNELS) {
        cn_fail("kernel_at: index %d is outside [0, %d)", i, NKERNELS);
        return NULL;
    }
    return &registry[i];
}

const CnKernel *kernel_seed(int i)
{
    if (i < 0 || i >= KERNEL_SEED_COUNT) {
        cn_fail("kernel_seed: index %d is outside [0, %d)", i, KERNEL_SEED_COUNT);
        return NULL;
    }
    return &registry[i];
}

const CnKernel *kernel_find(const char *name)
{
    for (int i = 0; name && i < NKERNELS; i++)
        if (strcmp(registry[i].name, name) == 0) return &registry[i];
    char names[256];
    size_t used = 0;
    names[0] = '\0';
    for (int i = 0; i < NKERNELS && used < sizeof names; i++) {
        int n = snprintf(names + used, sizeof names - used, "%s%s", i ? ", " : "",
                         registry[i].name);
        if (n < 0) break;
        used += (size_t)n;
    }
    cn_fail("kernel_find: no kernel named \"%s\"; valid names: %s", name ? name : "(null)", names);
    return NULL;
}

/* --- arithmetic ------------------------------------------------------------------ */

double kernel_sum(const CnKernel *k)
{
    double s = 0.0;
    for (int i = 0; i < k->h * k->w; i++) s += k->v[i];
    return s;
}

void kernel_rot180(float *out, const float *k, int h, int w)
{
    /* k (h,w), out (h,w). Element (i, j) is at i*w + j, so (h-1-i, w-1-j) is
     * at n-1-(i*w + j): rotating by 180 degrees reverses the flat array. Swap
     * the two ends inward; reading both before writing makes out == k safe. */
    int n = h * w;
    for (int a = 0, b = n - 1; a <= b; a++, b--) {
        float ka = k[a], kb = k[b];
        out[a] = kb;
        out[b] = ka;
    }
}
