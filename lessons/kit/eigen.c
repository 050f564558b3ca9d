/* eigen.c - Jacobi eigenvalues of a symmetric matrix (eigen.h). */
#include "lessons/kit/eigen.h"

#include <math.h>
#include <stdlib.h>

#include "lessons/lesson.h"

int sym_eigen(int n, double *a, double *val, double *vec)
{
    double *v = xcalloc((size_t)n * (size_t)n, sizeof *v);   /* columns: the eigenvectors so far */
    for (int i = 0; i < n; i++) v[i * n + i] = 1.0;
    int sweep = 0, done = 0;
    for (; sweep < 100 && !done; sweep++) {
        double off = 0.0, diag = 0.0;
        for (int p = 0; p < n; p++)
            for (int q = 0; q < n; q++) *(p == q ? &diag : &off) += a[p * n + q] * a[p * n + q];
        if (off <= 1e-30 * diag || off == 0.0) {
            done = 1;
            break;
        }
        for (int p = 0; p < n - 1; p++)
            for (int q = p + 1; q < n; q++) {
                const double apq = a[p * n + q];
                if (apq == 0.0) continue;
                /* the rotation by theta in the (p, q) plane that zeroes a[p][q]:
                 * t = tan(theta) solves t^2 + 2 t cot(2 theta) - 1 = 0, the smaller root */
                const double tau = (a[q * n + q] - a[p * n + p]) / (2.0 * apq);
                const double t = (tau >= 0 ? 1.0 : -1.0) / (fabs(tau) + sqrt(1.0 + tau * tau));
                const double c = 1.0 / sqrt(1.0 + t * t), s = t * c;
                for (int k = 0; k < n; k++) {   /* a <- a J (columns p, q) */
                    const double akp = a[k * n + p], akq = a[k * n + q];
                    a[k * n + p] = c * akp - s * akq;
                    a[k * n + q] = s * akp + c * akq;
                }
                for (int k = 0; k < n; k++) {   /* a <- J^T a (rows p, q) */
                    const double apk = a[p * n + k], aqk = a[q * n + k];
                    a[p * n + k] = c * apk - s * aqk;
                    a[q * n + k] = s * apk + c * aqk;
                }
                for (int k = 0; k < n; k++) {   /* v <- v J */
                    const double vkp = v[k * n + p], vkq = v[k * n + q];
                    v[k * n + p] = c * vkp - s * vkq;
                    v[k * n + q] = s * vkp + c * vkq;
                }
            }
    }
    /* sort from the largest eigenvalue down (n is small: selection sort) */
    int *order = xcalloc((size_t)n, sizeof *order);
    for (int i = 0; i < n; i++) order[i] = i;
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (a[order[j] * n + order[j]] > a[order[i] * n + order[i]]) {
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
    for (int i = 0; i < n; i++) {
        val[i] = a[order[i] * n + order[i]];
        if (vec)
            for (int k = 0; k < n; k++) vec[i * n + k] = v[k * n + order[i]];
    }
    free(order);
    free(v);
    return done ? sweep : -1;
}
