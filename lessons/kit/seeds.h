/* seeds.h - the lesson kit's statistics over seeds: an experiment run
 * once per seed, a measurement per seed, and how sure the mean is (Student's
 * t); a difference or a ratio between two arms paired by seed (same seed,
 * same start where the arms share layers, same mini-batches), with its 95%
 * interval, and whether that interval leaves out "no difference". Lessons
 * 09 and 10 read their comparisons with these. */
#ifndef CN_KIT_SEEDS_H
#define CN_KIT_SEEDS_H

#include <stddef.h>

/* The 97.5% quantile of Student's t with df degrees of freedom (df >= 1):
 * a 95% interval is mean +- t975(n - 1) * sd / sqrt(n). */
double t975(int df);

/* n measurements (one per seed): mean, standard deviation (n - 1), and the
 * half-width of a 95% interval for the mean (NAN for one seed). */
typedef struct {
    int n;
    double mean, sd, half;
} SeedStat;

SeedStat seed_stat(const double *x, int n);

/* 1.96 standard errors, in points, of the difference of two accuracies pa
 * and pb (fractions) each measured on test_n test images, taken as
 * independent: an overestimate when both are measured on the same images. */
double test_noise_half(double pa, double pb, int test_n);

/* 1.96 standard errors, in points, of the test set's draw in a mean
 * difference of accuracies measured picture by picture on the same n test
 * pictures: a[s][i] and b[s][i] are 1 when the network of arm a (b) with
 * seed s got picture i right; each picture contributes D_i, the mean over
 * the seeds of b[s][i] - a[s][i], and the error is 1.96 sd(D) / sqrt(n).
 * Pictures both arms get right (or wrong) add nothing: the exact error of
 * a paired difference, smaller than test_noise_half's. */
double paired_test_half(const unsigned char *const *a, const unsigned char *const *b, int seeds, int n);

/* seed_stat of the n differences d, its half-width widened by `extra` (a
 * second, independent source of chance, such as test_noise_half) added in
 * quadrature. NAN half-width for one seed. */
SeedStat seed_stat_widened(const double *d, int n, double extra);

/* The difference b - a of two accuracies in percent (one pair per seed),
 * measured on test_n test images. The interval joins two sources of
 * chance: the spread from seed to seed (95% t interval of the paired
 * differences) and the draw of the test set (test_noise_half of the mean
 * accuracies), added in quadrature. */
SeedStat paired_difference(const double *a, const double *b, int n, int test_n);

/* 1 when the interval excludes 0: the difference is supported. */
int stat_supported(const SeedStat *s);

/* "clearly above", "clearly below" or "not clear of" the level: where
 * s's interval lies. */
const char *stat_versus(const SeedStat *s, double level);

/* "+1.14 points [+0.35, +1.93]" */
const char *stat_text(char *buf, size_t size, const SeedStat *s);

/* The ratios num[i] / den[i] of n seeds, read on a log scale (a ratio of 2
 * and one of 1/2 are equally far from 1): the geometric mean ratio and its
 * 95% interval, exp(mean log ratio +- t975(n - 1) * sd / sqrt(n)). ok 0
 * (ratio, lo and hi NAN) when a value is not a positive finite number or
 * n < 2. */
typedef struct {
    int n, ok;
    double ratio, lo, hi;
} RatioStat;

RatioStat ratio_stat(const double *num, const double *den, int n);

/* Where an interval lies against "no effect" (0 for a difference, 1 for a
 * ratio): +1 wholly above, -1 wholly below, 0 holding it (or no interval). */
int stat_side(const SeedStat *s);
int ratio_side(const RatioStat *r);

#endif
