/* receptive.c - the Distill receptive-field recurrences (receptive.h). */
#include "core/receptive.h"

#include <limits.h>

#include "core/error.h"

int receptive_field(RfInfo *out, const RfLayer *layers, int n)
{
    if (!out || !layers || n < 1)
        return cn_fail("receptive_field: need an output array and at least one layer (n = %d)", n);
    long long r = 1, j = 1; /* the input: one pixel, neighbours one pixel apart */
    double start = 0.0;     /* pixel 0 is centred at 0 */
    for (int l = 0; l < n; l++) {
        int k = layers[l].k, s = layers[l].s, p = layers[l].p;
        if (k < 1 || s < 1 || p < 0)
            return cn_fail("receptive_field: layer %d has kernel %d, stride %d, padding %d; "
                           "need kernel >= 1, stride >= 1, padding >= 0", l, k, s, p);
        start += ((k - 1) / 2.0 - p) * (double)j; /* uses j_{l-1}: update before j */
        r += (long long)(k - 1) * j;
        j *= s;
        if (r > INT_MAX || j > INT_MAX)
            return cn_fail("receptive_field: field size or jump overflows an int at layer %d", l);
        out[l] = (RfInfo){ .size = (int)r, .jump = (int)j, .start = start };
    }
    return 0;
}

void receptive_span(const RfInfo *rf, int u, double *first, double *last)
{
    double centre = rf->start + (double)u * rf->jump;
    *first = centre - (rf->size - 1) / 2.0;
    *last = centre + (rf->size - 1) / 2.0;
}
