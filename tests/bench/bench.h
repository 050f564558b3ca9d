/* bench.h - what every benchmark program needs beside the lessons' helpers
 * (a clock, allocations that stop the program when memory runs out): the
 * median and best of repeated measurements, and a competing busy process
 * (the learner's browser tab or compile) to measure training beside. */
#ifndef CN_BENCH_H
#define CN_BENCH_H

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

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

/* Start a child process that does nothing but keep one core busy, until
 * busy_stop (or the end of this program: on Linux it dies with its parent). */
static inline pid_t busy_start(void)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) CN_DIE("fork failed: cannot start the competing busy process");
    if (pid == 0) {
#ifdef __linux__
        prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
        for (volatile unsigned long spin = 0;; spin++) {
        }
    }
    return pid;
}

static inline void busy_stop(pid_t pid)
{
    kill(pid, SIGKILL);
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
    }
}

#endif
