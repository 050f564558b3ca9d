/* fixture.c - reader for the reference fixtures, see fixture.h. */
#include "tests/fixture.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/paths.h"

void fixture_free(Fixture *f)
{
    if (!f) return;
    for (int i = 0; i < f->count; i++) free(f->arr[i].v);
    free(f->arr);
    free(f);
}

/* Parse "name n v1 .. vn" into a; 0 or -1. */
static int parse_line(FixtureArray *a, char *line, const char *path, int lineno)
{
    char *p = line, *end;
    while (*p == ' ') p++;
    size_t len = strcspn(p, " \n");
    if (len == 0 || len >= sizeof a->name)
        return cn_fail("%s:%d: expected an array name (1 to %zu characters)", path, lineno, sizeof a->name - 1);
    memcpy(a->name, p, len);
    a->name[len] = '\0';
    p += len;
    errno = 0;
    long long n = strtoll(p, &end, 10);
    if (end == p || errno || n < 1 || n > 10000000)
        return cn_fail("%s:%d: array %s: expected a count from 1 to 10^7", path, lineno, a->name);
    p = end;
    a->n = (size_t)n;
    a->v = malloc(a->n * sizeof *a->v);
    if (!a->v) return cn_fail("%s:%d: out of memory for %lld numbers", path, lineno, n);
    for (size_t i = 0; i < a->n; i++) {
        errno = 0;
        a->v[i] = strtof(p, &end);
        if (end == p || (errno && errno != ERANGE))
            return cn_fail("%s:%d: array %s: number %zu of %zu is missing or malformed", path, lineno, a->name,
                           i + 1, a->n);
        p = end;
    }
    while (*p == ' ' || *p == '\n' || *p == '\r') p++;
    if (*p) return cn_fail("%s:%d: array %s: more than %zu numbers", path, lineno, a->name, a->n);
    return 0;
}

Fixture *fixture_load(const char *name)
{
    Fixture *f = calloc(1, sizeof *f);
    if (!f) {
        cn_fail("fixture_load: out of memory");
        return NULL;
    }
    const char *src = cn_source_root();
    if (!src) {
        free(f);
        return NULL;
    }
    snprintf(f->path, sizeof f->path, "%s/tests/fixtures/%s.txt", src, name);
    FILE *fp = fopen(f->path, "r");
    if (!fp) {
        cn_fail("cannot open %s (%s): regenerate with /usr/bin/python3 tests/fixtures/make_fixtures.py", f->path,
                strerror(errno));
        free(f);
        return NULL;
    }
    char *line = NULL;
    size_t cap = 0;
    int lineno = 0, cap_arr = 0, bad = 0;
    while (!bad && getline(&line, &cap, fp) != -1) {
        lineno++;
        if (line[0] == '#' || line[0] == '\n') continue;
        if (f->count == cap_arr) {
            int nc = cap_arr ? 2 * cap_arr : 16;
            FixtureArray *na = realloc(f->arr, (size_t)nc * sizeof *na);
            if (!na) {
                cn_fail("%s: out of memory", f->path);
                bad = 1;
                break;
            }
            f->arr = na;
            cap_arr = nc;
        }
        FixtureArray *a = &f->arr[f->count++];
        memset(a, 0, sizeof *a);
        if (parse_line(a, line, f->path, lineno)) bad = 1;
    }
    free(line);
    if (fclose(fp) != 0 && !bad) {
        cn_fail("%s: error closing the file", f->path);
        bad = 1;
    }
    if (!bad && f->count == 0) {
        cn_fail("%s: no arrays in the file", f->path);
        bad = 1;
    }
    if (bad) {
        fixture_free(f);
        return NULL;
    }
    return f;
}

const float *fixture_get(const Fixture *f, const char *name, size_t n)
{
    for (int i = 0; i < f->count; i++) {
        if (strcmp(f->arr[i].name, name) != 0) continue;
        if (n && f->arr[i].n != n) {
            cn_fail("%s: array %s has %zu numbers, expected %zu", f->path, name, f->arr[i].n, n);
            return NULL;
        }
        return f->arr[i].v;
    }
    cn_fail("%s: no array named %s", f->path, name);
    return NULL;
}

int fixture_int(const Fixture *f, const char *name, size_t i)
{
    for (int k = 0; k < f->count; k++) {
        if (strcmp(f->arr[k].name, name) != 0) continue;
        if (i >= f->arr[k].n) return cn_fail("%s: array %s has no element %zu", f->path, name, i);
        return (int)lrintf(f->arr[k].v[i]);
    }
    return cn_fail("%s: no array named %s", f->path, name);
}

double fixture_worst(const float *a, const float *ref, size_t n, size_t *where)
{
    double worst = 0.0;
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        double d = fabs((double)a[i] - (double)ref[i]) / fmax(1.0, fabs((double)ref[i]));
        if (d > worst || isnan(d)) {
            worst = isnan(d) ? INFINITY : d;
            at = i;
        }
    }
    if (where) *where = at;
    return worst;
}
