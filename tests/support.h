/* support.h - small helpers the test suites share: comparing float arrays,
 * looking into messages, scratch memory and temporary folders. Every
 * assertion fails the running Check test with the numbers behind it. */
#ifndef CN_TEST_SUPPORT_H
#define CN_TEST_SUPPORT_H

#include <stddef.h>

#include "core/net.h"

/* 1 when CK_VERBOSITY=verbose: suites then print the numbers they check. */
int verbose(void);

/* n zeroed floats (at least one), or fail the test. Free with free(). */
float *alloc_floats(size_t n);

/* |a[i] - b[i]| <= tol for every i, else fail naming `what`, the largest
 * difference and where it is. */
void assert_close(const float *a, const float *b, size_t n, float tol, const char *what);

/* a and b identical bit for bit, else fail naming the first difference. */
void assert_same_bits(const float *a, const float *b, size_t n, const char *what);

/* Every parameter of a equal bit for bit to b's (two networks built the
 * same way), else fail naming `what`, the parameter and the first place. */
void assert_same_params(Net *a, Net *b, const char *what);

/* msg contains part, else fail quoting both (for error messages). */
void assert_has(const char *msg, const char *part);

/* A copy of the environment variable `name` (NULL when unset), and its
 * restoration: set again as it was, or unset; *saved is freed and zeroed. */
char *save_env(const char *name);
void restore_env(const char *name, char **saved);

/* Delete the folder dir with its files, and the folders below it down to
 * `depth` levels (symbolic links are removed, never followed). */
void remove_tree(const char *dir, int depth);

#endif
