/* lesson.h - the small helpers every lesson program uses: a clock, an
 * allocation that stops the program when memory runs out, thousands
 * separators for the narration, a file test, and a class-balanced subset
 * of a dataset. Not part of the library
 * (core/ never exits); lessons include it as "lesson.h". */
#ifndef CN_LESSON_H
#define CN_LESSON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/die.h"
#include "core/error.h"
#include "datasets/dataset.h"

/* Seconds on a monotonic clock. */
static inline double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* calloc, or stop the program with a message. */
static inline void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) CN_DIE("out of memory (%zu x %zu bytes)", n, size);
    return p;
}

/* 1234567 -> "1,234,567" into buf (at least 32 bytes). */
static inline const char *commas(char *buf, double v)
{
    char d[40];
    snprintf(d, sizeof d, "%.0f", v);
    size_t len = strlen(d), o = 0;
    for (size_t k = 0; k < len && o + 2 < 32; k++) {
        buf[o++] = d[k];
        if (d[k] != '-' && (len - k - 1) % 3 == 0 && k + 1 < len) buf[o++] = ',';
    }
    buf[o] = '\0';
    return buf;
}

static inline int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Every k-th image of d, n of them (all of d when n <= 0 or n >= count):
 * the dataset files are sorted by class or nearly so, so a stride keeps
 * every class in a small set. Free with dataset_free. */
static inline Dataset *strided_subset(const Dataset *d, int n)
{
    if (n <= 0 || n > d->count) n = d->count;
    const size_t px = (size_t)d->height * (size_t)d->width;
    Dataset *s = xcalloc(1, sizeof *s);
    *s = *d;
    s->count = n;
    s->images = xcalloc((size_t)n, px);
    s->labels = xcalloc((size_t)n, 1);
    for (int i = 0; i < n; i++) {
        const int j = (int)((long long)i * d->count / n);
        memcpy(s->images + (size_t)i * px, dataset_image(d, j), px);
        s->labels[i] = d->labels[j];
    }
    return s;
}

#endif
