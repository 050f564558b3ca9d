/* bench.h - what every benchmark program needs beside the lessons' helpers
 * (a clock, allocations that stop the program when memory runs out): the
 * median and best of repeated measurements (and, from the kit, a competing
 * busy process to measure training beside: lessons/kit/busy.h). */
#ifndef CN_BENCH_H
#define CN_BENCH_H

#include <stdlib.h>

#include "lessons/kit/busy.h"
#include "lessons/lesson.h"

static inline int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* median and best (largest) of v[0..n); sorts v */
static inline void summary(double *v, int n, double *median, double *best)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    *median = n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
    *best = v[n - 1];
}

#endif
