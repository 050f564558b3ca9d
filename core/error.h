/* error.h - how library code reports failure.
 *
 * Library code (core/, datasets/) never exits and never prints. A function
 * that can fail returns an int (0 = success, -1 = failure) or a pointer
 * (NULL = failure) and, before returning, records a message a person can act
 * on with cn_fail(). The caller reads it with cn_last_error().
 *
 * Programs (lessons/, tools, tests) stop with CN_DIE(...) and CN_CHECK(...)
 * of core/die.h; no library file includes it (tests/includes.sh checks).
 */
#ifndef CN_ERROR_H
#define CN_ERROR_H

#include <stddef.h>

#if defined(__GNUC__)
#define CN_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define CN_PRINTF(a, b)
#endif

/* Record a message (printf-style) and return -1, so a failing function can
 * end with `return cn_fail("...", ...);`. The message is per thread. */
int cn_fail(const char *fmt, ...) CN_PRINTF(1, 2);

/* The last message recorded on this thread ("" if none). */
const char *cn_last_error(void);

/* Clear the message. */
void cn_clear_error(void);

/* Overflow-checked size arithmetic: return 0 and set *out on success, -1 on
 * overflow (no message is recorded; the caller names the quantity). */
int cn_mul_size(size_t a, size_t b, size_t *out);
int cn_add_size(size_t a, size_t b, size_t *out);

#endif
