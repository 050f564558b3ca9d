/* rng.h - a seeded random number generator of our own.
 *
 * PCG32 (O'Neill 2014): 64-bit state, 32-bit output. The same seed gives the
 * same numbers on every machine and compiler, unlike rand(). Every random
 * choice in the course (initial weights, shuffles, dropout masks,
 * augmentation) draws from an Rng the caller owns, so runs are reproducible.
 */
#ifndef CN_RNG_H
#define CN_RNG_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint64_t state;
    uint64_t inc;
} Rng;

void rng_seed(Rng *r, uint64_t seed, uint64_t stream);
uint32_t rng_u32(Rng *r);
/* Uniform integer in [0, n), without modulo bias. n >= 1. */
uint32_t rng_below(Rng *r, uint32_t n);
/* Uniform float in [0, 1) with 24 random bits. */
float rng_uniform(Rng *r);
/* Uniform float in [lo, hi). */
float rng_range(Rng *r, float lo, float hi);
/* Standard normal (Box-Muller, computed in double, one value per call). */
float rng_normal(Rng *r);
/* Fisher-Yates shuffle of idx[0..n). */
void rng_shuffle(Rng *r, int *idx, size_t n);

#endif
