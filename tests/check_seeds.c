/* check_seeds.c - the lesson kit's statistics over seeds
 * (lessons/kit/seeds.h): Student's t, mean and spread, the test set's own
 * error, a paired difference and its interval, a ratio read on a log
 * scale, and where an interval lies against no effect. */
#include <check.h>
#include <math.h>

#include "lessons/kit/seeds.h"

static void expect_near(double got, double want, double tol, const char *what)
{
    ck_assert_msg(fabs(got - want) <= tol, "%s: got %.12g, want %.12g", what, got, want);
}

START_TEST(seed_statistics)
{
    /* Student's t: the table's ends and the large-sample limit */
    expect_near(t975(1), 12.706, 1e-9, "t975(1)");
    expect_near(t975(2), 4.303, 1e-9, "t975(2)");
    expect_near(t975(30), 2.042, 1e-9, "t975(30)");
    expect_near(t975(1000), 1.96, 0.003, "t975(1000)");
    ck_assert(isnan(t975(0)));
    /* 1, 2, 3: mean 2, sd 1, half-width t(2) * 1 / sqrt 3 */
    const double x[3] = { 1, 2, 3 };
    SeedStat s = seed_stat(x, 3);
    expect_near(s.mean, 2.0, 1e-12, "mean");
    expect_near(s.sd, 1.0, 1e-12, "sd");
    expect_near(s.half, 4.303 / sqrt(3.0), 1e-9, "half-width");
    /* one value: no interval */
    s = seed_stat(x, 1);
    ck_assert(isnan(s.half) && s.sd == 0.0);
    /* a paired difference: seeds 91/92, 92/93, 93/94 differ by exactly +1
     * (no spread), so only the test set's error is left: 1.96 standard
     * errors of two accuracies of 92% and 93% on n images, in points */
    const double a[3] = { 91, 92, 93 }, b[3] = { 92, 93, 94 };
    s = paired_difference(a, b, 3, 10000);
    expect_near(s.mean, 1.0, 1e-12, "paired mean");
    const double se = 100.0 * sqrt((0.92 * 0.08 + 0.93 * 0.07) / 10000.0);
    expect_near(s.half, 1.96 * se, 1e-9, "paired half-width");
    ck_assert(stat_supported(&s));
    char buf[96];
    ck_assert_str_eq(stat_text(buf, sizeof buf, &s), "+1.00 points [+0.27, +1.73]");
    /* the same difference on 100 test images cannot be told from 0 */
    s = paired_difference(a, b, 3, 100);
    ck_assert(!stat_supported(&s));
    /* differences that change sign from seed to seed: not supported */
    const double c[3] = { 93, 91, 93.5 };
    s = paired_difference(a, c, 3, 1000000);
    ck_assert_msg(!stat_supported(&s), "mean %g half %g", s.mean, s.half);
    ck_assert_str_eq(stat_versus(&(SeedStat){ 3, 0.8, 0.1, 0.05 }, 0.7), "clearly above");
    ck_assert_str_eq(stat_versus(&(SeedStat){ 3, 0.8, 0.1, 0.2 }, 0.7), "not clear of");
    ck_assert_str_eq(stat_versus(&(SeedStat){ 3, 0.5, 0.1, 0.05 }, 0.7), "clearly below");
}
END_TEST

START_TEST(widened_and_sides)
{
    /* the test set's error: 1.96 standard errors of 80% and 90% on 400 images, in points */
    expect_near(test_noise_half(0.8, 0.9, 400), 1.96 * 100.0 * sqrt((0.16 + 0.09) / 400.0), 1e-12, "test noise");
    /* differences 1, 2, 3 widened by 4: half = sqrt((4.303/sqrt 3)^2 + 4^2) */
    const double d[3] = { 1, 2, 3 };
    SeedStat s = seed_stat_widened(d, 3, 4.0);
    const double t = 4.303 / sqrt(3.0);
    expect_near(s.half, sqrt(t * t + 16.0), 1e-9, "widened half-width");
    ck_assert_int_eq(stat_side(&s), 0); /* 2 +- 4.7 holds 0 */
    s = seed_stat_widened(d, 3, 0.0);
    ck_assert_int_eq(stat_side(&s), 0); /* 2 +- 2.48 still holds 0 */
    const double e[3] = { 1.9, 2.0, 2.1 }, f[3] = { -1.9, -2.0, -2.1 };
    s = seed_stat_widened(e, 3, 0.0); /* 2 +- 0.25 */
    ck_assert_int_eq(stat_side(&s), 1);
    s = seed_stat_widened(f, 3, 0.0);
    ck_assert_int_eq(stat_side(&s), -1);
    s = seed_stat_widened(e, 1, 0.0); /* one seed: no interval, no side */
    ck_assert(isnan(s.half));
    ck_assert_int_eq(stat_side(&s), 0);
}
END_TEST

START_TEST(ratios)
{
    /* 2/1, 4/2, 8/4: every ratio exactly 2, no spread: the interval is the point */
    const double num[3] = { 2, 4, 8 }, den[3] = { 1, 2, 4 };
    RatioStat r = ratio_stat(num, den, 3);
    ck_assert(r.ok);
    expect_near(r.ratio, 2.0, 1e-12, "ratio");
    expect_near(r.lo, 2.0, 1e-12, "lo");
    expect_near(r.hi, 2.0, 1e-12, "hi");
    ck_assert_int_eq(ratio_side(&r), 1);
    /* 2 and 1/2: geometric mean 1, on a log scale as far below 1 as above it */
    const double n2[2] = { 2, 1 }, d2[2] = { 1, 2 };
    r = ratio_stat(n2, d2, 2);
    ck_assert(r.ok);
    expect_near(r.ratio, 1.0, 1e-12, "geometric mean");
    expect_near(r.lo * r.hi, 1.0, 1e-9, "interval symmetric on a log scale");
    ck_assert_int_eq(ratio_side(&r), 0);
    /* 1/2, 1/3, 1/4 each: wholly below 1 */
    const double n3[3] = { 1, 1, 1 }, d3[3] = { 2, 3, 4 };
    r = ratio_stat(n3, d3, 3);
    ck_assert(r.ok && r.hi < 1.0);
    ck_assert_int_eq(ratio_side(&r), -1);
    /* a value that is not a positive number (a level never reached), or one seed: no ratio */
    const double bad[3] = { 2, -1, 8 };
    r = ratio_stat(bad, den, 3);
    ck_assert(!r.ok && isnan(r.ratio));
    ck_assert_int_eq(ratio_side(&r), 0);
    r = ratio_stat(num, den, 1);
    ck_assert(!r.ok);
}
END_TEST

/* A verdict reads the interval as printed (2 decimals): a bound that prints
 * as +0.00 points or 1.00x holds "no effect", one that prints past it does not. */
START_TEST(sides_read_the_printed_interval)
{
    ck_assert_int_eq(ratio_side(&(RatioStat){ 3, 1, 1.36, 1.004, 1.85 }), 0);
    ck_assert_int_eq(ratio_side(&(RatioStat){ 3, 1, 1.36, 1.006, 1.85 }), 1);
    ck_assert_int_eq(ratio_side(&(RatioStat){ 3, 1, 0.8, 0.6, 0.996 }), 0);
    ck_assert_int_eq(ratio_side(&(RatioStat){ 3, 1, 0.8, 0.6, 0.994 }), -1);
    ck_assert_int_eq(stat_side(&(SeedStat){ 3, 1.000, 0.5, 0.996 }), 0);  /* prints [+0.00, +2.00] */
    ck_assert_int_eq(stat_side(&(SeedStat){ 3, 1.000, 0.5, 0.994 }), 1);  /* prints [+0.01, +1.99] */
    ck_assert_int_eq(stat_side(&(SeedStat){ 3, -1.000, 0.5, 0.996 }), 0); /* prints [-2.00, -0.00] */
    ck_assert_int_eq(stat_side(&(SeedStat){ 3, -1.000, 0.5, 0.994 }), -1);
}
END_TEST

START_TEST(paired_test_error)
{
    /* two seeds, 4 pictures: arm b gets picture 0 right where a does not (both seeds), picture 1 in one seed;
     * D = (1, 0.5, 0, 0): sd = sqrt(((1 - 0.375)^2 + (0.5 - 0.375)^2 + 2 * 0.375^2) / 3) */
    const unsigned char a0[4] = { 0, 0, 1, 1 }, a1[4] = { 0, 0, 1, 0 };
    const unsigned char b0[4] = { 1, 1, 1, 1 }, b1[4] = { 1, 0, 1, 0 };
    const unsigned char *a[2] = { a0, a1 }, *b[2] = { b0, b1 };
    const double m = 0.375, sd = sqrt(((1 - m) * (1 - m) + (0.5 - m) * (0.5 - m) + 2 * m * m) / 3.0);
    expect_near(paired_test_half(a, b, 2, 4), 1.96 * 100.0 * sd / 2.0, 1e-9, "paired test error");
    /* the same pictures right in both arms: no error from the test set, however few pictures */
    expect_near(paired_test_half(a, a, 2, 4), 0.0, 1e-12, "identical arms");
    /* smaller than the error of two accuracies measured on separate pictures */
    ck_assert(paired_test_half(a, b, 2, 4) < test_noise_half(0.375, 0.75, 4));
}
END_TEST

Suite *seeds_suite(void)
{
    Suite *s = suite_create("seeds");
    TCase *tc = tcase_create("statistics");
    tcase_add_test(tc, seed_statistics);
    tcase_add_test(tc, widened_and_sides);
    tcase_add_test(tc, ratios);
    tcase_add_test(tc, paired_test_error);
    tcase_add_test(tc, sides_read_the_printed_interval);
    suite_add_tcase(s, tc);
    return s;
}
