/* check_tensor.c - the tensor layout, the seeded generator, error helpers. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "core/error.h"
#include "core/rng.h"
#include "core/tensor.h"

START_TEST(layout_is_nchw)
{
    Tensor *t = tensor_create(2, 3, 4, 5);
    ck_assert_ptr_nonnull(t);
    ck_assert_uint_eq(t->size, 120);
    ck_assert_uint_eq(tensor_index(t, 0, 0, 0, 1), 1);
    ck_assert_uint_eq(tensor_index(t, 0, 0, 1, 0), 5);
    ck_assert_uint_eq(tensor_index(t, 0, 1, 0, 0), 20);
    ck_assert_uint_eq(tensor_index(t, 1, 0, 0, 0), 60);
    ck_assert_uint_eq(tensor_index(t, 1, 2, 3, 4), 119);
    for (size_t i = 0; i < t->size; i++) ck_assert_float_eq(t->data[i], 0.0f);
    tensor_free(t);
}
END_TEST

START_TEST(bad_shapes_are_refused)
{
    ck_assert_ptr_null(tensor_create(0, 1, 1, 1));
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "below 1"));
    ck_assert_ptr_null(tensor_create(1 << 30, 1 << 30, 1 << 30, 4));
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "too large"));
    size_t out;
    ck_assert_int_eq(cn_mul_size(SIZE_MAX / 2, 3, &out), -1);
    ck_assert_int_eq(cn_mul_size(6, 7, &out), 0);
    ck_assert_uint_eq(out, 42);
    ck_assert_int_eq(cn_add_size(SIZE_MAX, 1, &out), -1);
}
END_TEST

START_TEST(rng_is_reproducible)
{
    /* PCG32 reference: seed 42, stream 54 gives these first outputs
     * (pcg32-global demo in the PCG reference distribution). */
    Rng r;
    rng_seed(&r, 42u, 54u);
    const uint32_t expect[6] = { 0xa15c02b7, 0x7b47f409, 0xba1d3330,
                                 0x83d2f293, 0xbfa4784b, 0xcbed606e };
    for (int i = 0; i < 6; i++) ck_assert_uint_eq(rng_u32(&r), expect[i]);
}
END_TEST

START_TEST(rng_distributions)
{
    Rng r;
    rng_seed(&r, 7, 1);
    double sum = 0, sum2 = 0, usum = 0;
    int n = 200000, counts[5] = { 0 };
    for (int i = 0; i < n; i++) {
        float z = rng_normal(&r);
        ck_assert(isfinite(z));
        sum += z;
        sum2 += (double)z * z;
        float u = rng_uniform(&r);
        ck_assert(u >= 0.0f && u < 1.0f);
        usum += u;
        counts[rng_below(&r, 5)]++;
    }
    ck_assert_double_lt(fabs(sum / n), 0.01);
    ck_assert_double_lt(fabs(sum2 / n - 1.0), 0.02);
    ck_assert_double_lt(fabs(usum / n - 0.5), 0.005);
    for (int k = 0; k < 5; k++) ck_assert_int_gt(counts[k], n / 5 - 1500);

    int idx[100], seen[100] = { 0 };
    for (int i = 0; i < 100; i++) idx[i] = i;
    rng_shuffle(&r, idx, 100);
    int moved = 0;
    for (int i = 0; i < 100; i++) {
        seen[idx[i]]++;
        moved += idx[i] != i;
    }
    for (int i = 0; i < 100; i++) ck_assert_int_eq(seen[i], 1);
    ck_assert_int_gt(moved, 80);
}
END_TEST

Suite *tensor_suite(void)
{
    Suite *s = suite_create("tensor");
    TCase *tc = tcase_create("layout");
    tcase_add_test(tc, layout_is_nchw);
    tcase_add_test(tc, bad_shapes_are_refused);
    suite_add_tcase(s, tc);
    tc = tcase_create("rng");
    tcase_add_test(tc, rng_is_reproducible);
    tcase_add_test(tc, rng_distributions);
    suite_add_tcase(s, tc);
    return s;
}
