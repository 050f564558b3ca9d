/* speed_wide.c - steps 5 and 6 of speed_steps.h: the blocked loops of
 * speed_block.h built with the instructions of the library's fast loops
 * (the Makefile's FAST_ARCH: this machine's own, so wider vectors), on one
 * thread and on all of them. */
#include "lessons/kit/speed_block.h"

#include "core/threads.h"

void step_wide(float *out, const float *inp, const float *weight, const float *bias, const StepGeom *g)
{
    block_forward(out, inp, weight, bias, g);
}

int step_wide_floats(void) { return BLOCK_FLOATS; }

/* Every (sample, block of maps) pair is a separate piece of work: the
 * threads share them out, each writes its own outputs, so the result is
 * the same at any number of threads. The threads start together and wait
 * for each other at the end: worth it only when each has enough to do. */
void step_threads(float *out, const float *inp, const float *weight, const float *bias, const StepGeom *g)
{
    int Hp, Wp;
    float *xp = block_pad(inp, g, &Hp, &Wp);
#pragma omp parallel for collapse(2) schedule(static)
    for (int n = 0; n < g->B; n++)
        for (int o0 = 0; o0 < g->OC; o0 += STEP_MAPS) block_maps(out, xp, weight, bias, g, Hp, Wp, n, o0);
    free(xp);
}

/* --- the machine's peak ----------------------------------------------------------- */

/* `chains` independent running values, one register of BLOCK_FLOATS floats
 * each, each updated acc = acc * a + b (a multiply and an add, 2 flops per
 * float) `turns` times. A chain's next update waits for its last one (a few
 * cycles): only many chains keep the multiply-add units busy every cycle. */
#define CHAIN_FN(N)                                                                                              \
    static float chains_##N(long turns, float a, float b)                                                        \
    {                                                                                                            \
        float acc[N][BLOCK_FLOATS];                                                                              \
        for (int q = 0; q < N; q++)                                                                              \
            for (int v = 0; v < BLOCK_FLOATS; v++) acc[q][v] = (float)(q + v);                                    \
        for (long t = 0; t < turns; t++)                                                                         \
            for (int q = 0; q < N; q++)                                                                          \
                for (int v = 0; v < BLOCK_FLOATS; v++) acc[q][v] = acc[q][v] * a + b;                             \
        float s = 0.0f;                                                                                          \
        for (int q = 0; q < N; q++)                                                                              \
            for (int v = 0; v < BLOCK_FLOATS; v++) s += acc[q][v];                                               \
        return s;                                                                                                \
    }
CHAIN_FN(1)
CHAIN_FN(2)
CHAIN_FN(4)
CHAIN_FN(6)
CHAIN_FN(8)
CHAIN_FN(12)
CHAIN_FN(16)

static float run_chains(int chains, long turns, float a, float b)
{
    switch (chains) {
    case 1: return chains_1(turns, a, b);
    case 2: return chains_2(turns, a, b);
    case 4: return chains_4(turns, a, b);
    case 6: return chains_6(turns, a, b);
    case 8: return chains_8(turns, a, b);
    case 12: return chains_12(turns, a, b);
    default: return chains_16(turns, a, b);
    }
}

double machine_madd_gflops(int chains, int threads, double seconds)
{
    if (chains != 1 && chains != 2 && chains != 4 && chains != 6 && chains != 8 && chains != 12) chains = 16;
    volatile float a = 0.999999f, b = 1e-7f; /* volatile: the compiler cannot precompute the chains */
    float sink = 0.0f;
    long turns = 1 << 12;
    for (;;) { /* enough turns for one run to take a quarter of the time asked */
        const double t0 = now_s();
        sink += run_chains(chains, turns, a, b);
        if (now_s() - t0 > seconds / 4 || turns > (1L << 40)) break;
        turns *= 2;
    }
    double best = 0.0;
    for (int r = 0; r < 3; r++) {
        const double t0 = now_s();
#pragma omp parallel num_threads(threads) reduction(+ : sink)
        sink += run_chains(chains, turns, a, b);
        const double rate = 2.0 * chains * BLOCK_FLOATS * (double)turns * threads / (now_s() - t0);
        if (rate > best) best = rate;
    }
    volatile float keep = sink; /* the sums are used: the loops must run */
    (void)keep;
    return best / 1e9;
}

double machine_triad_gbs(size_t bytes, int threads, int repeat)
{
    (void)threads; /* (read only by the pragmas, which a build without OpenMP ignores) */
    const size_t n = bytes / sizeof(float);
    float *a = xcalloc(n, sizeof *a), *b = xcalloc(n, sizeof *b), *c = xcalloc(n, sizeof *c);
    const float s = 0.5f;
#pragma omp parallel for schedule(static) num_threads(threads)
    for (size_t i = 0; i < n; i++) a[i] = 0.0f, b[i] = 1.0f, c[i] = 2.0f; /* each thread touches its own pages */
    double best = 0.0;
    for (int r = 0; r < repeat; r++) {
        double t0 = now_s();
#pragma omp parallel for schedule(static) num_threads(threads)
        for (size_t i = 0; i < n; i++) a[i] = b[i] + s * c[i];
        const double t = now_s() - t0;
        if (12.0 * (double)n / t > best) best = 12.0 * (double)n / t;
    }
    volatile float sink = a[n / 2];
    (void)sink;
    free(a), free(b), free(c);
    return best / 1e9;
}

double machine_fork_join_us(int threads)
{
    (void)threads; /* (as above) */
    enum { REGIONS = 2000 };
    volatile int sink = 0;
    double best = 1e30;
    for (int r = 0; r < 5; r++) {
        const double t0 = now_s();
        for (int k = 0; k < REGIONS; k++) {
#pragma omp parallel num_threads(threads)
            if (omp_get_thread_num() == 0) sink = sink + 1;
        }
        const double t = (now_s() - t0) / REGIONS;
        if (t < best) best = t;
    }
    return best * 1e6;
}
