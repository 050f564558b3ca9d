/* fixture.h - read the reference fixtures, tests/fixtures/NAME.txt.
 *
 * Format (written by tests/fixtures/make_fixtures.py): lines starting with
 * '#' are comments; every other line is one array,
 *
 *     name n v1 v2 ... vn
 *
 * its name, the count, then n numbers (floats, or integers for shapes and
 * hyper-parameters), flattened in NCHW / row-major order.
 */
#ifndef CN_FIXTURE_H
#define CN_FIXTURE_H

#include <stddef.h>

typedef struct {
    char name[32];
    size_t n;
    float *v;
} FixtureArray;

typedef struct {
    char path[512];
    int count;
    FixtureArray *arr;
} Fixture;

/* Load tests/fixtures/NAME.txt of the checkout (cn_source_root()). NULL with
 * cn_last_error() set if the file is missing or malformed. */
Fixture *fixture_load(const char *name);
void fixture_free(Fixture *f);

/* The array called `name`, or NULL if absent. If n is not 0 the array must
 * hold exactly n numbers (else NULL). cn_last_error() says which. */
const float *fixture_get(const Fixture *f, const char *name, size_t n);
/* Element i of array `name` as an int; -1 (with a message) if absent. */
int fixture_int(const Fixture *f, const char *name, size_t i);

/* Agreement with a reference: the largest |a - ref| / max(1, |ref|) over n
 * entries (so absolute below 1, relative above); *where gets its index. */
double fixture_worst(const float *a, const float *ref, size_t n, size_t *where);

#endif
