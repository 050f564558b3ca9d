/* check_receptive.c - receptive-field arithmetic (core/receptive.h), checked
 * against the recurrences by hand and against the measured footprint of an
 * output unit in a real stack of filters. */
#include <check.h>
#include <math.h>
#include <string.h>

#include "core/conv.h"
#include "core/error.h"
#include "core/receptive.h"

#define MAXL 8

/* Check out[l] against expected sizes, jumps and starts. */
static void expect_rf(const RfLayer *layers, int n, const int *size, const int *jump,
                      const double *start)
{
    RfInfo rf[MAXL];
    ck_assert_int_eq(receptive_field(rf, layers, n), 0);
    for (int l = 0; l < n; l++) {
        ck_assert_msg(rf[l].size == size[l], "layer %d: size %d, want %d", l, rf[l].size, size[l]);
        ck_assert_msg(rf[l].jump == jump[l], "layer %d: jump %d, want %d", l, rf[l].jump, jump[l]);
        ck_assert_msg(rf[l].start == start[l], "layer %d: start %g, want %g", l, rf[l].start,
                      start[l]);
    }
}

/* --- the recurrences by hand ----------------------------------------------------- */

START_TEST(stacked_3x3)
{
    /* r grows by k - 1 = 2 per layer at jump 1: 3, 5, 7. Without padding the
     * first unit's field is centred at 1, 2, 3; with padding 1 ('same') it
     * stays centred on pixel 0. */
    const RfLayer valid[3] = { { 3, 1, 0 }, { 3, 1, 0 }, { 3, 1, 0 } };
    const RfLayer same[3] = { { 3, 1, 1 }, { 3, 1, 1 }, { 3, 1, 1 } };
    const int size[3] = { 3, 5, 7 }, jump[3] = { 1, 1, 1 };
    const double start_valid[3] = { 1, 2, 3 }, start_same[3] = { 0, 0, 0 };
    expect_rf(valid, 3, size, jump, start_valid);
    expect_rf(same, 3, size, jump, start_same);
}
END_TEST

START_TEST(strides_grow_faster)
{
    /* After a stride-2 layer every later layer adds (k - 1) * 2 instead of
     * k - 1: four 3x3 layers reach 9 at stride 1, 13 with the second strided. */
    const RfLayer plain[4] = { { 3, 1, 0 }, { 3, 1, 0 }, { 3, 1, 0 }, { 3, 1, 0 } };
    const RfLayer strided[4] = { { 3, 1, 0 }, { 3, 2, 0 }, { 3, 1, 0 }, { 3, 1, 0 } };
    const int size_p[4] = { 3, 5, 7, 9 }, jump_p[4] = { 1, 1, 1, 1 };
    const int size_s[4] = { 3, 5, 9, 13 }, jump_s[4] = { 1, 2, 2, 2 };
    const double start_p[4] = { 1, 2, 3, 4 }, start_s[4] = { 1, 2, 4, 6 };
    expect_rf(plain, 4, size_p, jump_p, start_p);
    expect_rf(strided, 4, size_s, jump_s, start_s);

    /* LeNet-5: C1 5x5, S2 2x2/2, C3 5x5, S4 2x2/2, C5 5x5 on a 32x32 input.
     *   r:     5, 5+1 = 6, 6+4*2 = 14, 14+1*2 = 16, 16+4*4 = 32
     *   j:     1, 2, 2, 4, 4
     *   start: 0+2 = 2, 2+0.5 = 2.5, 2.5+2*2 = 6.5, 6.5+0.5*2 = 7.5, 7.5+2*4 = 15.5
     * so a C5 unit sees [15.5 - 15.5, 15.5 + 15.5] = the whole 32x32 image. */
    const RfLayer lenet[5] = { { 5, 1, 0 }, { 2, 2, 0 }, { 5, 1, 0 }, { 2, 2, 0 }, { 5, 1, 0 } };
    const int size_l[5] = { 5, 6, 14, 16, 32 }, jump_l[5] = { 1, 2, 2, 4, 4 };
    const double start_l[5] = { 2, 2.5, 6.5, 7.5, 15.5 };
    expect_rf(lenet, 5, size_l, jump_l, start_l);
    RfInfo rf[5];
    ck_assert_int_eq(receptive_field(rf, lenet, 5), 0);
    double first, last;
    receptive_span(&rf[4], 0, &first, &last);
    ck_assert(first == 0.0 && last == 31.0);

    /* AlexNet: conv1 11/4, pool 3/2, conv2 5 pad 2, pool 3/2, conv3-5 3 pad 1, pool 3/2.
     *   r:     11, 11+2*4 = 19, 19+4*8 = 51, 51+2*8 = 67, 67+2*16 = 99, 131, 163, 163+2*16 = 195
     *   j:     4, 8, 8, 16, 16, 16, 16, 32
     *   start: 5, 5+1*4 = 9, 9+0*8 = 9, 9+1*8 = 17, 17, 17, 17, 17+1*16 = 33
     * The first pool5 unit covers [33 - 97, 33 + 97] = [-64, 130]: its
     * field begins 64 pixels into the (implicit) padding. */
    const RfLayer alex[8] = { { 11, 4, 0 }, { 3, 2, 0 }, { 5, 1, 2 }, { 3, 2, 0 },
                              { 3, 1, 1 },  { 3, 1, 1 }, { 3, 1, 1 }, { 3, 2, 0 } };
    const int size_a[8] = { 11, 19, 51, 67, 99, 131, 163, 195 };
    const int jump_a[8] = { 4, 8, 8, 16, 16, 16, 16, 32 };
    const double start_a[8] = { 5, 9, 9, 17, 17, 17, 17, 33 };
    expect_rf(alex, 8, size_a, jump_a, start_a);
    RfInfo ra[8];
    ck_assert_int_eq(receptive_field(ra, alex, 8), 0);
    receptive_span(&ra[7], 0, &first, &last);
    ck_assert(first == -64.0 && last == 130.0);
}
END_TEST

START_TEST(bad_layers)
{
    RfInfo rf[MAXL];
    const RfLayer bad[2] = { { 3, 1, 0 }, { 0, 1, 0 } };
    cn_clear_error();
    ck_assert_int_eq(receptive_field(rf, bad, 2), -1);
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "layer 1"));
    const RfLayer neg[1] = { { 3, 1, -1 } };
    ck_assert_int_eq(receptive_field(rf, neg, 1), -1);
    ck_assert_int_eq(receptive_field(rf, bad, 0), -1);
    RfInfo many[40];
    RfLayer halve[40];
    for (int i = 0; i < 40; i++) halve[i] = (RfLayer){ 2, 2, 0 };
    ck_assert_int_eq(receptive_field(many, halve, 40), -1); /* jump 2^31 */
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "overflow"));
}
END_TEST

/* --- the footprint of one output unit, measured -------------------------------------- */

#define MAXN 32
#define MAXK 5

/* Push img (N,N) through the stack with all-ones k x k kernels, stride s and
 * padding p on every side, using correlate2d; out gets the last map, *on its
 * side. Every weight is positive, so an output is > 0 exactly when some
 * input pixel in its field is nonzero. */
static void run_stack(float *out, int *on, const float *img, int N, const RfLayer *L, int n)
{
    static float buf[2][MAXN * MAXN];
    float ones[MAXK * MAXK];
    for (int i = 0; i < MAXK * MAXK; i++) ones[i] = 1.0f;
    const float *in = img;
    int size = N;
    for (int l = 0; l < n; l++) {
        int k = L[l].k, s = L[l].s, p = L[l].p;
        int o = conv_out_size(size, k, s, p, p);
        ck_assert_int_gt(o, 0);
        float *dst = l == n - 1 ? out : buf[l % 2];
        ck_assert_int_eq(correlate2d(dst, in, size, size, ones, k, k, s, s, p, p, p, p), 0);
        in = dst;
        size = o;
    }
    *on = size;
}

/* For output unit (u, u): perturb every input pixel in turn (an impulse, a
 * single 1 in a zero image), and record the rows and columns of the pixels
 * that change the unit, and how many do. */
static void footprint(const RfLayer *L, int n, int N, int u, int *row0, int *row1, int *col0,
                      int *col1, int *count)
{
    static float img[MAXN * MAXN], out[MAXN * MAXN];
    *row0 = *col0 = N;
    *row1 = *col1 = -1;
    *count = 0;
    memset(img, 0, sizeof img);
    for (int a = 0; a < N; a++) {
        for (int b = 0; b < N; b++) {
            int on;
            img[a * N + b] = 1.0f;
            run_stack(out, &on, img, N, L, n);
            img[a * N + b] = 0.0f;
            ck_assert_int_lt(u, on);
            if (out[u * on + u] > 0.0f) {
                if (a < *row0) *row0 = a;
                if (a > *row1) *row1 = a;
                if (b < *col0) *col0 = b;
                if (b > *col1) *col1 = b;
                (*count)++;
            }
        }
    }
}

/* The measured footprint of unit (u, u) is the formula's span clipped to the
 * image, on both axes; `dense` says whether every pixel of the span counts. */
static void check_footprint(const char *what, const RfLayer *L, int n, int N, int u, int dense)
{
    RfInfo rf[MAXL];
    ck_assert_int_eq(receptive_field(rf, L, n), 0);
    double first, last;
    receptive_span(&rf[n - 1], u, &first, &last);
    int lo = first < 0 ? 0 : (int)first, hi = last > N - 1 ? N - 1 : (int)last;
    int r0, r1, c0, c1, count;
    footprint(L, n, N, u, &r0, &r1, &c0, &c1, &count);
    ck_assert_msg(r0 == lo && r1 == hi && c0 == lo && c1 == hi,
                  "%s, unit %d: measured rows [%d, %d] cols [%d, %d], formula [%g, %g] "
                  "clipped to [%d, %d]", what, u, r0, r1, c0, c1, first, last, lo, hi);
    if (first >= 0 && last <= N - 1)
        ck_assert_msg(r1 - r0 + 1 == rf[n - 1].size, "%s: extent %d, formula %d", what,
                      r1 - r0 + 1, rf[n - 1].size);
    if (dense)
        ck_assert_msg(count == (hi - lo + 1) * (hi - lo + 1), "%s: %d pixels of a %d-wide span",
                      what, count, hi - lo + 1);
}

START_TEST(footprint_matches_formula)
{
    /* three 3x3: r = 7; unit 2 is centred at 3 + 2 = 5, span [2, 8] */
    const RfLayer s333[3] = { { 3, 1, 0 }, { 3, 1, 0 }, { 3, 1, 0 } };
    check_footprint("3,3,3", s333, 3, 12, 2, 1);
    /* LeNet-like 5, pool 2/2, 5, pool 2/2 on 32x32 (28, 14, 10, 5):
     * r = 16; unit 2 is centred at 7.5 + 2*4 = 15.5, span [8, 23] */
    const RfLayer lenet[4] = { { 5, 1, 0 }, { 2, 2, 0 }, { 5, 1, 0 }, { 2, 2, 0 } };
    check_footprint("lenet-like", lenet, 4, 32, 2, 1);
    /* 3/2, 3/1, 3/2 on 25x25 (12, 10, 4): r = 3, 7, 11, j = 2, 2, 4,
     * start = 1, 3, 5; unit 2 is centred at 13, span [8, 18] */
    const RfLayer s3s2[3] = { { 3, 2, 0 }, { 3, 1, 0 }, { 3, 2, 0 } };
    check_footprint("3s2,3s1,3s2", s3s2, 3, 25, 2, 1);
    /* the same padded by 1 on 16x16 (8, 8, 4): start = 0; unit 2 is centred
     * at 8, span [3, 13]; unit 0's span [-5, 5] reaches into the padding and
     * only [0, 5] can be measured */
    const RfLayer padded[3] = { { 3, 2, 1 }, { 3, 1, 1 }, { 3, 2, 1 } };
    check_footprint("padded", padded, 3, 16, 2, 1);
    check_footprint("padded, border unit", padded, 3, 16, 0, 1);
}
END_TEST

START_TEST(footprint_with_holes)
{
    /* A 1x1 stride-2 layer then a 3x3: r = 1 + 2*2 = 5, but the first layer
     * reads only every other pixel, so 3 of the 5 pixels per axis count:
     * the size is an extent, not a count. Unit 1 is centred at 2 + 2 = 4,
     * span [2, 6]. */
    const RfLayer holes[2] = { { 1, 2, 0 }, { 3, 1, 0 } };
    check_footprint("1s2,3", holes, 2, 11, 1, 0);
    int r0, r1, c0, c1, count;
    footprint(holes, 2, 11, 1, &r0, &r1, &c0, &c1, &count);
    ck_assert_int_eq(count, 9);
}
END_TEST

Suite *receptive_suite(void)
{
    Suite *s = suite_create("receptive");
    TCase *tc = tcase_create("formula");
    tcase_add_test(tc, stacked_3x3);
    tcase_add_test(tc, strides_grow_faster);
    tcase_add_test(tc, bad_layers);
    suite_add_tcase(s, tc);
    tc = tcase_create("footprint");
    tcase_add_test(tc, footprint_matches_formula);
    tcase_add_test(tc, footprint_with_holes);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    return s;
}
