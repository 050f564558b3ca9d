/* check_eigen.c - the lesson kit's Jacobi eigenvalues (lessons/kit/eigen.h):
 * a diagonal matrix, a 2x2 by hand, and a 9x9 built from known eigenvectors,
 * each eigenpair checked against A v = lambda v. */
#include <check.h>
#include <math.h>

#include "core/rng.h"
#include "lessons/kit/eigen.h"

START_TEST(diagonal)
{
    double a[9] = { 2, 0, 0, 0, 5, 0, 0, 0, -1 }, val[3], vec[9];
    ck_assert_int_ge(sym_eigen(3, a, val, vec), 0);
    ck_assert_double_eq(val[0], 5.0);
    ck_assert_double_eq(val[1], 2.0);
    ck_assert_double_eq(val[2], -1.0);
    ck_assert_double_eq_tol(fabs(vec[0 * 3 + 1]), 1.0, 1e-15);   /* 5 belongs to the second axis */
}
END_TEST

START_TEST(two_by_two)
{
    /* [2 1; 1 2]: eigenvalues 3 along (1, 1)/sqrt 2 and 1 along (1, -1)/sqrt 2 */
    double a[4] = { 2, 1, 1, 2 }, val[2], vec[4];
    ck_assert_int_ge(sym_eigen(2, a, val, vec), 0);
    ck_assert_double_eq_tol(val[0], 3.0, 1e-14);
    ck_assert_double_eq_tol(val[1], 1.0, 1e-14);
    ck_assert_double_eq_tol(fabs(vec[0] + vec[1]), sqrt(2.0), 1e-14);
    ck_assert_double_eq_tol(vec[2] + vec[3], 0.0, 1e-14);
}
END_TEST

START_TEST(nine_by_nine)
{
    /* A = sum_k lambda_k u_k u_k^T with u an orthonormal basis (Gram-Schmidt of random vectors) */
    enum { N = 9 };
    double u[N][N], lam[N], a[N * N] = { 0 }, keep[N * N], val[N], vec[N * N];
    Rng r;
    rng_seed(&r, 3, 1);
    for (int k = 0; k < N; k++) {
        for (int j = 0; j < N; j++) u[k][j] = rng_uniform(&r) - 0.5;
        for (int p = 0; p < k; p++) {
            double d = 0;
            for (int j = 0; j < N; j++) d += u[k][j] * u[p][j];
            for (int j = 0; j < N; j++) u[k][j] -= d * u[p][j];
        }
        double n = 0;
        for (int j = 0; j < N; j++) n += u[k][j] * u[k][j];
        for (int j = 0; j < N; j++) u[k][j] /= sqrt(n);
        lam[k] = pow(10.0, 1.0 - 0.4 * k);   /* 10 down to 6.3e-3: condition number 1585 */
    }
    for (int k = 0; k < N; k++)
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) a[i * N + j] += lam[k] * u[k][i] * u[k][j];
    for (int i = 0; i < N * N; i++) keep[i] = a[i];
    ck_assert_int_ge(sym_eigen(N, a, val, vec), 0);
    for (int k = 0; k < N; k++) {
        ck_assert_msg(fabs(val[k] - lam[k]) <= 1e-12 * lam[0], "eigenvalue %d: %.15g, expected %.15g", k, val[k],
                      lam[k]);
        for (int i = 0; i < N; i++) {   /* A v = lambda v */
            double av = 0;
            for (int j = 0; j < N; j++) av += keep[i * N + j] * vec[k * N + j];
            ck_assert_msg(fabs(av - val[k] * vec[k * N + i]) <= 1e-12 * lam[0], "A v != lambda v at %d, %d", k, i);
        }
    }
}
END_TEST

Suite *eigen_suite(void)
{
    Suite *s = suite_create("eigen");
    TCase *tc = tcase_create("jacobi");
    tcase_add_test(tc, diagonal);
    tcase_add_test(tc, two_by_two);
    tcase_add_test(tc, nine_by_nine);
    suite_add_tcase(s, tc);
    return s;
}
