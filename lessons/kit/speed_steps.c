/* speed_steps.c - steps 1 to 3 of speed_steps.h, built for the compiler's
 * baseline instruction set like step 4 (the Makefile says so): the textbook
 * nest, its windows clipped, and the loop order that vectorizes. */
#include "lessons/kit/speed_steps.h"

#include "core/conv.h"

StepGeom step_geom(int B, int C, int H, int W, int OC, int K, int pad)
{
    return (StepGeom){ .B = B, .C = C, .H = H, .W = W, .OC = OC, .K = K, .pad = pad, .OH = H + 2 * pad - K + 1,
                       .OW = W + 2 * pad - K + 1 };
}

/* The formula as it reads: for every output pixel, every input map and
 * tap, and an `if` that skips the taps in the padding. */
void step_textbook(float *out, const float *inp, const float *weight, const float *bias, const StepGeom *g)
{
    const int C = g->C, H = g->H, W = g->W, K = g->K, OH = g->OH, OW = g->OW;
    for (int n = 0; n < g->B; n++)
        for (int o = 0; o < g->OC; o++)
            for (int oy = 0; oy < OH; oy++)
                for (int ox = 0; ox < OW; ox++) {
                    float sum = bias[o];
                    for (int c = 0; c < C; c++)
                        for (int m = 0; m < K; m++)
                            for (int k = 0; k < K; k++) {
                                const int iy = oy - g->pad + m, ix = ox - g->pad + k;
                                if (iy >= 0 && iy < H && ix >= 0 && ix < W)
                                    sum += weight[(((size_t)o * C + c) * K + m) * K + k] *
                                           inp[(((size_t)n * C + c) * H + iy) * W + ix];
                            }
                    out[(((size_t)n * g->OC + o) * OH + oy) * OW + ox] = sum;
                }
}

/* The same sums; the taps that would land in the padding are cut from the
 * loop bounds once per output pixel (conv_clip, core/conv.h), so the
 * innermost loop has no test left. */
void step_clipped(float *out, const float *inp, const float *weight, const float *bias, const StepGeom *g)
{
    const int C = g->C, H = g->H, W = g->W, K = g->K, OH = g->OH, OW = g->OW;
    for (int n = 0; n < g->B; n++)
        for (int o = 0; o < g->OC; o++)
            for (int oy = 0; oy < OH; oy++)
                for (int ox = 0; ox < OW; ox++) {
                    int mlo, mhi, klo, khi;
                    conv_clip(oy - g->pad, K, H, &mlo, &mhi);
                    conv_clip(ox - g->pad, K, W, &klo, &khi);
                    float sum = bias[o];
                    for (int c = 0; c < C; c++)
                        for (int m = mlo; m < mhi; m++) {
                            const float *wr = weight + (((size_t)o * C + c) * K + m) * K;
                            const float *xr = inp + (((size_t)n * C + c) * H + oy - g->pad + m) * W;
                            for (int k = klo; k < khi; k++) sum += wr[k] * xr[ox - g->pad + k];
                        }
                    out[(((size_t)n * g->OC + o) * OH + oy) * OW + ox] = sum;
                }
}

/* The loops turned inside out: one weight w[o,c,m,k] at a time, added
 * times the input into a whole row of the output map. The innermost loop
 * walks both rows in memory order, and its iterations do not depend on each
 * other, so the compiler runs it a vector register at a time. */
void step_rows(float *out, const float *inp, const float *weight, const float *bias, const StepGeom *g)
{
    const int C = g->C, H = g->H, W = g->W, K = g->K, OH = g->OH, OW = g->OW;
    for (int n = 0; n < g->B; n++)
        for (int o = 0; o < g->OC; o++) {
            float *y = out + ((size_t)n * g->OC + o) * OH * OW;
            for (int i = 0; i < OH * OW; i++) y[i] = bias[o];
            for (int c = 0; c < C; c++)
                for (int m = 0; m < K; m++)
                    for (int k = 0; k < K; k++) {
                        const float w = weight[(((size_t)o * C + c) * K + m) * K + k];
                        int ylo, yhi, xlo, xhi; /* the outputs whose tap (m, k) lands inside the input */
                        conv_clip(m - g->pad, OH, H, &ylo, &yhi);
                        conv_clip(k - g->pad, OW, W, &xlo, &xhi);
                        for (int oy = ylo; oy < yhi; oy++) {
                            const float *xr = inp + (((size_t)n * C + c) * H + oy - g->pad + m) * W;
                            float *yr = y + (size_t)oy * OW;
                            for (int ox = xlo; ox < xhi; ox++) yr[ox] += w * xr[ox + k - g->pad];
                        }
                    }
        }
}
