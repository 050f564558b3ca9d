/* threads.h - OpenMP's thread functions, or one-thread stand-ins without OpenMP.
 *
 * The library's parallel loops are `#pragma omp` lines, which a build without
 * OpenMP (make OPENMP=0) ignores; the functions below are its only other use
 * of OpenMP. Without it they say: one thread, thread 0, not in a parallel
 * region, and setting the number of threads does nothing. Every result is the
 * same at any number of threads, so such a build computes the same numbers.
 */
#ifndef CN_THREADS_H
#define CN_THREADS_H

#ifdef _OPENMP
#include <omp.h>
#else
static inline int omp_get_max_threads(void) { return 1; }
static inline int omp_get_num_threads(void) { return 1; }
static inline int omp_get_thread_num(void) { return 0; }
static inline int omp_in_parallel(void) { return 0; }
static inline void omp_set_num_threads(int n) { (void)n; }
#endif

#endif
