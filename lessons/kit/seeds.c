/* seeds.c - statistics over seeds (seeds.h). */
#include "lessons/kit/seeds.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/die.h"

double t975(int df)
{
    static const double t[30] = { 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                  2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                                  2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042 };
    if (df < 1) return NAN;
    return df <= 30 ? t[df - 1] : 1.960 + 2.4 / df; /* within 0.002 of the exact value beyond 30 */
}

SeedStat seed_stat(const double *x, int n)
{
    SeedStat s = { .n = n, .mean = 0.0, .sd = 0.0, .half = NAN };
    for (int i = 0; i < n; i++) s.mean += x[i] / n;
    if (n < 2) return s;
    double ss = 0.0;
    for (int i = 0; i < n; i++) ss += (x[i] - s.mean) * (x[i] - s.mean);
    s.sd = sqrt(ss / (n - 1));
    s.half = t975(n - 1) * s.sd / sqrt((double)n);
    return s;
}

double test_noise_half(double pa, double pb, int test_n)
{
    CN_CHECK(test_n >= 1);
    return 1.96 * 100.0 * sqrt((pa * (1 - pa) + pb * (1 - pb)) / test_n);
}

double paired_test_half(const unsigned char *const *a, const unsigned char *const *b, int seeds, int n)
{
    CN_CHECK(seeds >= 1 && n >= 2);
    double s1 = 0.0, s2 = 0.0;
    for (int i = 0; i < n; i++) {
        double d = 0.0;
        for (int s = 0; s < seeds; s++) d += ((double)b[s][i] - (double)a[s][i]) / seeds;
        s1 += d, s2 += d * d;
    }
    const double var = fmax(0.0, (s2 - s1 * s1 / n) / (n - 1));
    return 1.96 * 100.0 * sqrt(var / n);
}

SeedStat seed_stat_widened(const double *d, int n, double extra)
{
    SeedStat s = seed_stat(d, n);
    if (n >= 2) s.half = sqrt(s.half * s.half + extra * extra);
    return s;
}

SeedStat paired_difference(const double *a, const double *b, int n, int test_n)
{
    double d[256] = { 0 }, ma = 0.0, mb = 0.0;
    CN_CHECK(n >= 1 && n <= 256 && test_n >= 1);
    for (int i = 0; i < n; i++) d[i] = b[i] - a[i], ma += a[i] / (100.0 * n), mb += b[i] / (100.0 * n);
    return seed_stat_widened(d, n, test_noise_half(ma, mb, test_n));
}

/* The verdicts read the interval as the notebook prints it, to 2 decimals: a
 * bound printed as +0.00 points or 1.00x holds "no effect", even when the
 * unrounded bound is a hair past it, so no sentence claims what its own
 * printed interval does not show. */
static double as_printed(double x)
{
    char text[64];
    snprintf(text, sizeof text, "%.2f", x);
    return strtod(text, NULL);
}

int stat_supported(const SeedStat *s)
{
    return isfinite(s->half) && (as_printed(s->mean - s->half) > 0.0 || as_printed(s->mean + s->half) < 0.0);
}

const char *stat_versus(const SeedStat *s, double level)
{
    return s->mean - s->half > level ? "clearly above" : s->mean + s->half < level ? "clearly below" : "not clear of";
}

const char *stat_text(char *buf, size_t size, const SeedStat *s)
{
    if (isfinite(s->half))
        snprintf(buf, size, "%+.2f points [%+.2f, %+.2f]", s->mean, s->mean - s->half, s->mean + s->half);
    else
        snprintf(buf, size, "%+.2f points [no interval from one seed]", s->mean);
    return buf;
}

RatioStat ratio_stat(const double *num, const double *den, int n)
{
    RatioStat r = { .n = n, .ok = 0, .ratio = NAN, .lo = NAN, .hi = NAN };
    double l[256];
    if (n < 2 || n > 256) return r;
    for (int i = 0; i < n; i++) {
        if (!(isfinite(num[i]) && isfinite(den[i]) && num[i] > 0 && den[i] > 0)) return r;
        l[i] = log(num[i] / den[i]);
    }
    const SeedStat s = seed_stat(l, n);
    r.ok = 1;
    r.ratio = exp(s.mean);
    r.lo = exp(s.mean - s.half);
    r.hi = exp(s.mean + s.half);
    return r;
}

int stat_side(const SeedStat *s) { return stat_supported(s) ? (s->mean > 0 ? 1 : -1) : 0; }

int ratio_side(const RatioStat *r)
{
    return !r->ok ? 0 : as_printed(r->lo) > 1.0 ? 1 : as_printed(r->hi) < 1.0 ? -1 : 0;
}
