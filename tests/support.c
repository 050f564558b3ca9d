/* support.c - see support.h. */
#include "tests/support.h"

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/tensor.h"

int verbose(void)
{
    const char *v = getenv("CK_VERBOSITY");
    return v && strcmp(v, "verbose") == 0;
}

float *alloc_floats(size_t n)
{
    float *p = calloc(n ? n : 1, sizeof *p);
    ck_assert_msg(p != NULL, "out of memory for %zu floats", n);
    return p;
}

void assert_close(const float *a, const float *b, size_t n, float tol, const char *what)
{
    size_t at = 0;
    float d = cn_max_abs_diff(a, b, n, &at);
    ck_assert_msg(d <= tol, "%s: max |diff| %g at index %zu (%.9g vs %.9g), tolerance %g", what, (double)d, at,
                  n ? (double)a[at] : 0.0, n ? (double)b[at] : 0.0, (double)tol);
}

void assert_same_bits(const float *a, const float *b, size_t n, const char *what)
{
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(memcmp(&a[i], &b[i], sizeof a[i]) == 0,
                      "%s: first difference at index %zu: %.9g vs %.9g (max |diff| %g)", what, i, (double)a[i],
                      (double)b[i], (double)cn_max_abs_diff(a, b, n, NULL));
}

void assert_same_params(Net *a, Net *b, const char *what)
{
    ck_assert_msg(net_nparams(a) == net_nparams(b), "%s: %d vs %d parameter arrays", what, net_nparams(a),
                  net_nparams(b));
    for (int k = 0; k < net_nparams(a); k++) {
        CnParam *p = net_param(a, k, NULL), *q = net_param(b, k, NULL);
        ck_assert_msg(p->n == q->n, "%s: param %d (%s) has %zu vs %zu numbers", what, k, p->name, p->n, q->n);
        size_t at = 0;
        while (at < p->n && memcmp(&p->value[at], &q->value[at], sizeof(float)) == 0) at++;
        ck_assert_msg(at == p->n, "%s: param %d (%s) differs first at %zu: %.9g vs %.9g", what, k, p->name, at,
                      (double)p->value[at], (double)q->value[at]);
    }
}

void assert_has(const char *msg, const char *part)
{
    ck_assert_msg(strstr(msg, part) != NULL, "message \"%s\" does not contain \"%s\"", msg, part);
}

char *save_env(const char *name)
{
    const char *v = getenv(name);
    return v ? strdup(v) : NULL;
}

void restore_env(const char *name, char **saved)
{
    if (*saved) setenv(name, *saved, 1);
    else unsetenv(name);
    free(*saved);
    *saved = NULL;
}

void remove_tree(const char *dir, int depth)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    char path[1024];
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (unlink(path) != 0 && depth > 0) remove_tree(path, depth - 1);
    }
    closedir(d);
    rmdir(dir);
}
