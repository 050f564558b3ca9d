/* lesson_checks.h - what every lesson test asserts about a finished run,
 * on top of tests/lesson_run.h (which runs the binary).
 *
 * A lesson's --quick run must exit 0, write notebook.md with its sections
 * and its ✔ claims, hold every claim (no ✘, the closing tally "P of T
 * checks passed" with P == T), and show only images that exist and decode
 * as PNG. An unknown flag must exit 2 and name the flag; --help exits 0 and
 * lists the lesson's flags.
 */
#ifndef CN_TEST_LESSON_CHECKS_H
#define CN_TEST_LESSON_CHECKS_H

#include <stddef.h>

#include "tests/lesson_run.h"

typedef struct {
    const char *const *sections;  /* "## ..." headings that must appear */
    size_t nsections;
    const char *const *claims;    /* text that must appear (e.g. "- ✔ ..." lines) */
    size_t nclaims;
    const char *const *files;     /* files the notebook must show (images and plots) */
    size_t nfiles;
    int min_checks;               /* the tally must count at least this many checks */
    int min_images;               /* at least this many images shown */
} LessonExpect;

/* Run lesson `name` with args (NULL-terminated; may be NULL), assert what
 * `e` lists and everything above. Returns the notebook text (the caller
 * frees it) for further assertions; r is filled and must be freed with
 * lesson_run_free. */
char *lesson_expect_run(LessonRun *r, const char *name, const char *const *args, const LessonExpect *e);

/* No ✘ in md, and the closing tally "**P of T checks passed" has P == T and
 * T >= min. */
void lesson_assert_all_passed(const char *md, int min);

/* Every needle occurs in text; `what` names the text in the message. */
void lesson_assert_contains(const char *text, const char *const *needles, size_t n, const char *what);

/* Every flag (--name) the notebook's "Try it yourself" section names is
 * --quick or one of tested (the flags a test runs), and it names at least
 * one. */
void lesson_assert_try_it(const char *md, const char *const *tested, size_t n);

/* Lesson `name` run with the flag `flag` set to `value` stops with status 2
 * (a bad command line), and its message names the flag and value
 * ("--epochs 0"). */
void lesson_assert_refused(const char *name, const char *flag, const char *value);

/* An unknown flag exits 2 naming it; --help exits 0 and lists every flag in
 * flags (e.g. "--quick"). */
void lesson_assert_cli(const char *name, const char *const *flags, size_t nflags);

/* A gray w x h PNG (a left-to-right ramp) at dir/name, its path into path. */
void lesson_write_png(char *path, size_t size, const char *dir, const char *name, int w, int h);

/* A fresh project root for CONVNET_ROOT (into root, size >= 64, removed
 * with lesson_temp_free): datasets/<which>/ holds small valid IDX files of
 * both splits (120 and 100 images, 10 of each class in the test split) of
 * h x w pixels; the other datasets and the photograph are links to the
 * real ones. */
void lesson_fake_root(char *root, size_t size, const char *which, int h, int w);

/* Lesson `name` run with args on dataset `which` reshaped to 56x14 and to
 * 14x56 (the byte count of 28x28) exits 1, not by a signal, with a message
 * naming the dataset, the shape found, the one expected and `make datasets`. */
void lesson_assert_wrong_shape(const char *name, const char *which, const char *const *args);

#endif
