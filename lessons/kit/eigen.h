/* eigen.h - the eigenvalues and eigenvectors of a small symmetric matrix, by
 * Jacobi rotations: each rotation zeroes one off-diagonal pair, and sweeps
 * repeat until the off-diagonal part is negligible. Plenty for the 9x9
 * Hessians of the lessons; O(n^3) per sweep. Lessons only. */
#ifndef CN_KIT_EIGEN_H
#define CN_KIT_EIGEN_H

/* a (n, n) symmetric, row-major, is destroyed. val (n) gets the eigenvalues
 * from the largest down; vec (n, n), may be NULL, gets the matching unit
 * eigenvectors as its rows. Returns the number of sweeps, -1 if they did not
 * converge within 100. */
int sym_eigen(int n, double *a, double *val, double *vec);

#endif
