/* lesson_run.h - run a lesson binary from a test and look at what it wrote.
 *
 * The lesson is run as a child process, build/lessons/NAME (the build folder
 * is $CN_BUILD if set, else the folder this test runner was built into,
 * the configuration's build folder (build/, build/san, ...), relative to the checkout the runner runs from,
 * cn_source_root() of core/paths.h), with CONVNET_OUT pointing
 * at a fresh temporary folder (core/notebook.h), so a test never overwrites
 * a learner's plots/out/, NO_COLOR set, and OMP_WAIT_POLICY=passive unless
 * already set. Its stdout and stderr are
 * captured. Failures to run it at all abort the test with a message.
 */
#ifndef CN_TEST_LESSON_RUN_H
#define CN_TEST_LESSON_RUN_H

#include <stddef.h>

typedef struct {
    int status;     /* exit status, or -1 if the lesson was killed by a signal */
    char *out;      /* captured stdout, NUL-terminated */
    char *err;      /* captured stderr, NUL-terminated */
    char dir[256];  /* the temporary CONVNET_OUT folder */
    char md[528];   /* dir/<lesson>/notebook.md */
    char outdir[512]; /* dir/<lesson> */
} LessonRun;

/* Run lesson `name` (e.g. "01_single_filter") with the NULL-terminated
 * argument list args (may be NULL), wait for it, and fill r. */
void lesson_run(LessonRun *r, const char *name, const char *const *args);

/* The same for any program of the build folder: program is its path
 * there, e.g. "datasets/tools/mnist_json2idx" or "tests/bench/bench_lenet". */
void lesson_run_program(LessonRun *r, const char *program, const char *const *args);

/* Remove the temporary folder and free the captured output. */
void lesson_run_free(LessonRun *r);

/* Every TCase that runs lessons adds these as its unchecked fixture:
 *     tcase_add_unchecked_fixture(tc, lesson_fixture_setup, lesson_fixture_teardown);
 * Temporary folders are then made inside one base folder that is removed
 * after the test case, even when a test failed halfway. */
void lesson_fixture_setup(void);
void lesson_fixture_teardown(void);

/* Create a fresh folder <base>/<prefix>_XXXXXX into buf (size >= 64);
 * lesson_temp_free removes it (and the fixture's teardown, at the latest). */
void lesson_temp_dir(char *buf, size_t size, const char *prefix);
void lesson_temp_free(const char *dir);

/* The whole file, NUL-terminated (NULL if it cannot be read); *len may be NULL. */
char *lesson_read_file(const char *path, size_t *len);

/* 1 if path is a PNG file (signature) that decodes to at least 1x1 pixels. */
int lesson_png_valid(const char *path);

/* Every image a notebook.md links to (![caption](file)) must exist in
 * outdir and be a valid PNG; fails the test otherwise. Returns how many
 * images were checked. */
int lesson_check_images(const LessonRun *r, const char *md);

/* The web page `page` (e.g. "notebook.html", "live.html") in r's output
 * folder: it must exist and be complete (end with </html>), and every
 * picture it shows (<img src="file"> or "file?v=N") must exist there and be
 * a valid PNG; fails the test otherwise. Returns how many it shows. */
int lesson_check_page(const LessonRun *r, const char *page);

/* Number of occurrences of needle in haystack. */
int lesson_count(const char *haystack, const char *needle);

/* Timeout for one lesson test case: `seconds`, ten times that under
 * AddressSanitizer. */
double lesson_timeout(double seconds);

#endif
