/* explore.h - a lesson run the way a learner explores it: with the flags its
 * "Try it yourself" names. Such a run must never fail because the learner
 * explored: it exits 0, shows no ✘ (claims that hold only at the defaults
 * are "not reached with these settings", lessons/kit/goals.h) and every
 * image it shows is a valid PNG. */
#ifndef CN_TEST_EXPLORE_H
#define CN_TEST_EXPLORE_H

#include <stddef.h>

/* Run lesson `name` with args (NULL-terminated) and assert the above.
 * Returns the notebook text (the caller frees it). */
char *lesson_assert_explores(const char *name, const char *const *args);

/* Write a w x h colour PNG (a brightness ramp, a bright disc and dark stripes:
 * edges in every direction) to dir/file; its path into path. */
void lesson_write_picture(char *path, size_t size, const char *dir, const char *file, int w, int h);

/* lesson_assert_explores(name, --quick --image P), P a w x h picture of
 * lesson_write_picture in a temporary folder. Returns the notebook text. */
char *lesson_assert_explores_picture(const char *name, int w, int h);

#endif
