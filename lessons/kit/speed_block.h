/* speed_block.h - the register-blocked loops of steps 4 to 6 of
 * speed_steps.h, included by speed_steps.c (built for the compiler's
 * baseline instructions) and speed_wide.c (built with the machine's own):
 * one source, two widths of vector. */
#ifndef CN_KIT_SPEED_BLOCK_H
#define CN_KIT_SPEED_BLOCK_H

#include <string.h>

#include "lessons/kit/speed_steps.h"
#include "lessons/lesson.h"

/* Floats in one vector register of the instructions this file is built for. */
#if defined(__AVX512F__)
#define BLOCK_FLOATS 16
#elif defined(__AVX__)
#define BLOCK_FLOATS 8
#else
#define BLOCK_FLOATS 4
#endif
/* Output pixels of a row one block holds per map: two registers. */
#define BLOCK_W (2 * BLOCK_FLOATS)

/* inp (B,C,H,W) -> a new (B,C,Hp,Wp): each map inside a frame of zeros, pad
 * wide on the top and left, and on the right wide enough for whole blocks
 * of BLOCK_W outputs. One copy, and no window needs clipping after it.
 * Stops the program when the maps do not come in whole blocks. */
static inline float *block_pad(const float *inp, const StepGeom *g, int *Hp, int *Wp)
{
    if (g->OC % STEP_MAPS != 0)
        CN_DIE("the blocked steps compute %d maps at a time, and %d output maps are not a multiple of it: change "
               "STEP_MAPS in lessons/kit/speed_steps.h", STEP_MAPS, g->OC);
    *Hp = g->OH + g->K - 1;
    *Wp = (g->OW + BLOCK_W - 1) / BLOCK_W * BLOCK_W + g->K - 1;
    float *xp = xcalloc((size_t)g->B * g->C * (size_t)*Hp * *Wp, sizeof *xp);
    for (size_t p = 0; p < (size_t)g->B * g->C; p++)
        for (int iy = 0; iy < g->H; iy++)
            memcpy(xp + (p * *Hp + iy + g->pad) * *Wp + g->pad, inp + (p * g->H + iy) * g->W, g->W * sizeof *xp);
    return xp;
}

/* Output maps o0 .. o0+STEP_MAPS-1 of sample n, a block of BLOCK_W pixels of
 * a row at a time: the block's STEP_MAPS x BLOCK_W sums stay in registers
 * (STEP_MAPS x 2 = 8 registers: 8 independent sums, see lesson 12) while
 * the loops run over every input map and tap, and each input value loaded
 * feeds STEP_MAPS sums. xp is the padded input of block_pad. (`omp simd`:
 * the lanes of a row are the vector; not inlined: inside its callers the
 * compiler moved some sums out of the registers.) */
static __attribute__((noinline)) void block_maps(float *out, const float *xp, const float *weight,
                                                 const float *bias, const StepGeom *g, int Hp, int Wp, int n, int o0)
{
    const int C = g->C, K = g->K, OH = g->OH, OW = g->OW;
    const size_t wmap = (size_t)C * K * K; /* weights of one output map */
    for (int oy = 0; oy < OH; oy++)
        for (int ox0 = 0; ox0 < OW; ox0 += BLOCK_W) {
            float acc[STEP_MAPS][BLOCK_W];
            for (int q = 0; q < STEP_MAPS; q++)
                for (int v = 0; v < BLOCK_W; v++) acc[q][v] = bias[o0 + q];
            for (int c = 0; c < C; c++)
                for (int m = 0; m < K; m++) {
                    const float *restrict xr = xp + (((size_t)n * C + c) * Hp + oy + m) * Wp + ox0;
                    const float *wr = weight + (size_t)o0 * wmap + ((size_t)c * K + m) * K;
                    for (int k = 0; k < K; k++)
                        for (int q = 0; q < STEP_MAPS; q++) {
                            const float wq = wr[q * wmap + k];
#pragma omp simd
                            for (int v = 0; v < BLOCK_W; v++) acc[q][v] += wq * xr[k + v];
                        }
                }
            const int nv = OW - ox0 < BLOCK_W ? OW - ox0 : BLOCK_W;
            for (int q = 0; q < STEP_MAPS; q++) {
                float row[BLOCK_W];
                for (int v = 0; v < BLOCK_W; v++) row[v] = acc[q][v];
                memcpy(out + (((size_t)n * g->OC + o0 + q) * OH + oy) * OW + ox0, row, (size_t)nv * sizeof *row);
            }
        }
}

/* The whole layer, block after block on one thread. */
static inline void block_forward(float *out, const float *inp, const float *weight, const float *bias,
                                 const StepGeom *g)
{
    int Hp, Wp;
    float *xp = block_pad(inp, g, &Hp, &Wp);
    for (int n = 0; n < g->B; n++)
        for (int o0 = 0; o0 < g->OC; o0 += STEP_MAPS) block_maps(out, xp, weight, bias, g, Hp, Wp, n, o0);
    free(xp);
}

#endif
