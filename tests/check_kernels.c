/* check_kernels.c - the kernel registry, the seed's values, rot180 (core/kernels.h). */
#include <check.h>
#include <math.h>
#include <string.h>

#include "core/conv.h"
#include "core/error.h"
#include "core/kernels.h"
#include "core/rng.h"
#include "core/tensor.h"
#include "tests/support.h"

static const CnKernel *must_find(const char *name)
{
    const CnKernel *k = kernel_find(name);
    ck_assert_msg(k != NULL, "kernel_find(\"%s\"): %s", name, cn_last_error());
    return k;
}

/* --- registry ------------------------------------------------------------------ */

START_TEST(registry_lookup)
{
    static const char *expected[] = { "identity", "edge1", "edge2", "edge3", "sharpen",
                                      "box_blur", "sobel_x", "sobel_y", "gaussian", "gaussian5" };
    int n = (int)(sizeof expected / sizeof expected[0]);
    ck_assert_int_eq(kernel_count(), n);
    for (int i = 0; i < n; i++) {
        const CnKernel *k = kernel_at(i);
        ck_assert_ptr_nonnull(k);
        ck_assert_str_eq(k->name, expected[i]);
        ck_assert_ptr_eq(kernel_find(expected[i]), k);
        ck_assert(k->title && k->title[0] && k->note && k->note[0]);
        ck_assert(k->h >= 1 && k->w >= 1 && k->v != NULL);
    }
    for (int i = 0; i < KERNEL_SEED_COUNT; i++) ck_assert_ptr_eq(kernel_seed(i), kernel_at(i));
    ck_assert_str_eq(kernel_seed(2)->title, "edge detection (2)");
    ck_assert_ptr_null(kernel_seed(KERNEL_SEED_COUNT));
    ck_assert_ptr_null(kernel_at(-1));
    ck_assert_ptr_null(kernel_at(n));
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "outside"));
}
END_TEST

START_TEST(unknown_name_lists_valid_names)
{
    cn_clear_error();
    ck_assert_ptr_null(kernel_find("nope"));
    const char *msg = cn_last_error();
    ck_assert_ptr_nonnull(strstr(msg, "\"nope\""));
    for (int i = 0; i < kernel_count(); i++)
        ck_assert_msg(strstr(msg, kernel_at(i)->name) != NULL, "message \"%s\" does not list %s",
                      msg, kernel_at(i)->name);
    ck_assert_ptr_null(kernel_find(NULL));
    ck_assert_ptr_null(kernel_find("Identity")); /* names are exact */
}
END_TEST

/* --- values --------------------------------------------------------------------- */

START_TEST(seed_values_exact)
{
    /* The deck's table, typed here independently of kernels.c. */
    static const float want[KERNEL_SEED_COUNT][9] = {
        { 0, 0, 0, 0, 1, 0, 0, 0, 0 },
        { 1, 0, -1, 0, 0, 0, -1, 0, 1 },
        { 0, 1, 0, 1, -4, 1, 0, 1, 0 },
        { -1, -1, -1, -1, 8, -1, -1, -1, -1 },
        { 0, -1, 0, -1, 5, -1, 0, -1, 0 },
        { 1.0f / 9, 1.0f / 9, 1.0f / 9, 1.0f / 9, 1.0f / 9, 1.0f / 9, 1.0f / 9, 1.0f / 9, 1.0f / 9 },
    };
    for (int i = 0; i < KERNEL_SEED_COUNT; i++) {
        const CnKernel *k = kernel_seed(i);
        ck_assert(k->h == 3 && k->w == 3);
        assert_close(k->v, want[i], 9, 0.0f, k->name);
    }
    const float sx[9] = { -1, 0, 1, -2, 0, 2, -1, 0, 1 };
    const float sy[9] = { -1, -2, -1, 0, 0, 0, 1, 2, 1 };
    assert_close(must_find("sobel_x")->v, sx, 9, 0.0f, "sobel_x");
    assert_close(must_find("sobel_y")->v, sy, 9, 0.0f, "sobel_y");
}
END_TEST

START_TEST(kernel_relations)
{
    /* What the notes claim, checked. */
    const CnKernel *id = must_find("identity"), *e1 = must_find("edge1"), *e2 = must_find("edge2");
    const CnKernel *sh = must_find("sharpen"), *sx = must_find("sobel_x"), *sy = must_find("sobel_y");
    float t[25];
    /* sharpen = identity - edge2 */
    for (int i = 0; i < 9; i++) t[i] = id->v[i] - e2->v[i];
    assert_close(sh->v, t, 9, 0.0f, "sharpen = identity - edge2");
    /* edge1 = [1 0 -1]^T [1 0 -1] */
    const float d[3] = { 1, 0, -1 };
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) t[i * 3 + j] = d[i] * d[j];
    assert_close(e1->v, t, 9, 0.0f, "edge1 = outer(d, d)");
    /* sobel_y is the transpose of sobel_x */
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) t[i * 3 + j] = sx->v[j * 3 + i];
    assert_close(sy->v, t, 9, 0.0f, "sobel_y = sobel_x^T");
    /* the Gaussians are outer products of binomial rows */
    const float b3[3] = { 1 / 4.0f, 2 / 4.0f, 1 / 4.0f };
    const float b5[5] = { 1 / 16.0f, 4 / 16.0f, 6 / 16.0f, 4 / 16.0f, 1 / 16.0f };
    for (int i = 0; i < 9; i++) t[i] = b3[i / 3] * b3[i % 3];
    assert_close(must_find("gaussian")->v, t, 9, 0.0f, "gaussian 3x3");
    const CnKernel *g5 = must_find("gaussian5");
    ck_assert(g5->h == 5 && g5->w == 5);
    for (int i = 0; i < 25; i++) t[i] = b5[i / 5] * b5[i % 5];
    assert_close(g5->v, t, 25, 0.0f, "gaussian 5x5");
}
END_TEST

START_TEST(kernel_sums)
{
    static const struct { const char *name; double sum; } cases[] = {
        { "identity", 1 }, { "edge1", 0 },   { "edge2", 0 },   { "edge3", 0 },
        { "sharpen", 1 },  { "box_blur", 1 }, { "sobel_x", 0 }, { "sobel_y", 0 },
        { "gaussian", 1 }, { "gaussian5", 1 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double s = kernel_sum(must_find(cases[i].name));
        ck_assert_msg(fabs(s - cases[i].sum) < 1e-6, "sum of %s is %.9g, want %g", cases[i].name,
                      s, cases[i].sum);
    }
}
END_TEST

/* --- rot180 ---------------------------------------------------------------------- */

START_TEST(rot180_basics)
{
    const float k[6] = { 1, 2, 3, 4, 5, 6 }; /* (2,3) */
    const float want[6] = { 6, 5, 4, 3, 2, 1 };
    float out[6], twice[6];
    kernel_rot180(out, k, 2, 3);
    assert_close(out, want, 6, 0.0f, "rot180 of [1 2 3; 4 5 6]");

    Rng r;
    rng_seed(&r, 9, 2);
    float a[35], b[35], c[35];
    for (int i = 0; i < 35; i++) a[i] = rng_range(&r, -1, 1);
    kernel_rot180(b, a, 5, 7);
    kernel_rot180(c, b, 5, 7);
    assert_close(c, a, 35, 0.0f, "rot180 twice");
    memcpy(c, a, sizeof a);
    kernel_rot180(c, c, 5, 7); /* in place, odd element count: the middle stays */
    assert_close(c, b, 35, 0.0f, "rot180 in place (5x7)");
    memcpy(twice, k, sizeof k);
    kernel_rot180(twice, twice, 2, 3); /* in place, even element count */
    assert_close(twice, want, 6, 0.0f, "rot180 in place (2x3)");
}
END_TEST

START_TEST(symmetry_under_rot180)
{
    /* The seed's six (and the Gaussians) equal their own rotation, so
     * correlation and convolution with them agree; Sobel is negated by it. */
    float f[25], neg[9];
    for (int i = 0; i < kernel_count(); i++) {
        const CnKernel *k = kernel_at(i);
        kernel_rot180(f, k->v, k->h, k->w);
        int is_sobel = strncmp(k->name, "sobel", 5) == 0;
        if (!is_sobel) {
            assert_close(f, k->v, (size_t)(k->h * k->w), 0.0f, k->name);
        } else {
            size_t at;
            ck_assert_msg(cn_max_abs_diff(f, k->v, 9, &at) >= 2.0f, "%s looks symmetric", k->name);
            for (int j = 0; j < 9; j++) neg[j] = -k->v[j];
            assert_close(f, neg, 9, 0.0f, "rot180(sobel) = -sobel");
        }
    }
    /* so on a ramp growing to the right, correlating with sobel_x gives +8
     * per unit slope and convolving gives -8 */
    float ramp[4 * 5], out[2 * 3];
    for (int i = 0; i < 20; i++) ramp[i] = (float)(i % 5);
    const CnKernel *sx = must_find("sobel_x");
    ck_assert_int_eq(correlate2d_border(out, ramp, 4, 5, sx->v, 3, 3, CONV_BORDER_VALID, 1), 0);
    for (int i = 0; i < 6; i++) ck_assert_float_eq(out[i], 8.0f);
    ck_assert_int_eq(convolve2d_border(out, ramp, 4, 5, sx->v, 3, 3, CONV_BORDER_VALID, 1), 0);
    for (int i = 0; i < 6; i++) ck_assert_float_eq(out[i], -8.0f);
}
END_TEST

Suite *kernels_suite(void)
{
    Suite *s = suite_create("kernels");
    TCase *tc = tcase_create("registry");
    tcase_add_test(tc, registry_lookup);
    tcase_add_test(tc, unknown_name_lists_valid_names);
    suite_add_tcase(s, tc);
    tc = tcase_create("values");
    tcase_add_test(tc, seed_values_exact);
    tcase_add_test(tc, kernel_relations);
    tcase_add_test(tc, kernel_sums);
    suite_add_tcase(s, tc);
    tc = tcase_create("rot180");
    tcase_add_test(tc, rot180_basics);
    tcase_add_test(tc, symmetry_under_rot180);
    suite_add_tcase(s, tc);
    return s;
}
