/* die.h - how programs stop: for lessons/, tools and tests, never for the
 * library (core/ and datasets/ report failures through core/error.h and
 * never exit; tests/includes.sh refuses a library file that includes this).
 */
#ifndef CN_DIE_H
#define CN_DIE_H

#include "core/error.h"

/* For programs only: print "file:line: message" to stderr and exit(1). */
void cn_die_at(const char *file, int line, const char *fmt, ...) CN_PRINTF(3, 4);
#define CN_DIE(...) cn_die_at(__FILE__, __LINE__, __VA_ARGS__)

/* For programs only: if `cond` is false, die with the last library error. */
#define CN_CHECK(cond)                                                       \
    do {                                                                     \
        if (!(cond)) cn_die_at(__FILE__, __LINE__, "%s", cn_last_error());   \
    } while (0)

#endif
