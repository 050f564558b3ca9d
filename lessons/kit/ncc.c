/* ncc.c - the lesson kit's normalized correlation (ncc.h). */
#include "lessons/kit/ncc.h"

#include <math.h>
#include <stddef.h>

double ncc(const float *f, const float *k, int n)
{
    double fm = 0.0, km = 0.0;
    for (int i = 0; i < n; i++) fm += f[i], km += k[i];
    fm /= n;
    km /= n;
    double dot = 0.0, ff = 0.0, kk = 0.0;
    for (int i = 0; i < n; i++) {
        dot += (f[i] - fm) * (k[i] - km);
        ff += (f[i] - fm) * (f[i] - fm);
        kk += (k[i] - km) * (k[i] - km);
    }
    return ff > 0.0 && kk > 0.0 ? dot / sqrt(ff * kk) : 0.0;
}

NccMatch best_ncc(const float *f, const float *bank, int nbank, int n)
{
    NccMatch m = { 0, 0.0 };
    for (int b = 0; b < nbank; b++) {
        double c = ncc(f, bank + (size_t)b * (size_t)n, n);
        if (fabs(c) > fabs(m.ncc)) m = (NccMatch){ b, c };
    }
    return m;
}
