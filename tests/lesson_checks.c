/* lesson_checks.c - assertions shared by the lesson tests (lesson_checks.h). */
#include "tests/lesson_checks.h"

#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "core/image.h"
#include "core/paths.h"
#include "datasets/idx.h"
#include "tests/support.h"

void lesson_assert_all_passed(const char *md, int min)
{
    const char *bad = strstr(md, "✘");
    ck_assert_msg(bad == NULL, "a check failed: %.300s", bad ? bad : "");
    int passed = -1, total = -1;
    const char *tally = strstr(md, "**");
    while (tally && sscanf(tally, "**%d of %d checks passed", &passed, &total) != 2) tally = strstr(tally + 2, "**");
    ck_assert_msg(tally != NULL, "notebook.md has no tally of checks");
    ck_assert_msg(passed == total, "%d of %d checks passed", passed, total);
    ck_assert_msg(total >= min, "only %d checks ran, expected at least %d", total, min);
}

void lesson_assert_contains(const char *text, const char *const *needles, size_t n, const char *what)
{
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(strstr(text, needles[i]) != NULL, "%s lacks \"%s\"", what, needles[i]);
}

void lesson_assert_try_it(const char *md, const char *const *tested, size_t n)
{
    const char *sec = strstr(md, "## Try it yourself");
    ck_assert_msg(sec != NULL, "notebook.md has no \"Try it yourself\" section");
    /* the section ends at the next heading or at the rule before the tally */
    const char *end = strstr(sec + 3, "\n## "), *rule = strstr(sec, "\n---");
    if (!end || (rule && rule < end)) end = rule;
    if (!end) end = sec + strlen(sec);
    int named = 0;
    for (const char *p = strstr(sec, "--"); p && p < end; p = strstr(p + 2, "--")) {
        char flag[32];
        size_t k = 0;
        while (k + 1 < sizeof flag && ((p[2 + k] >= 'a' && p[2 + k] <= 'z') || p[2 + k] == '-')) {
            flag[k] = p[2 + k];
            k++;
        }
        flag[k] = '\0';
        if (!k) continue;
        int found = !strcmp(flag, "quick");
        for (size_t i = 0; i < n && !found; i++) found = !strcmp(flag, tested[i]);
        ck_assert_msg(found, "\"Try it yourself\" names --%s, which no test runs", flag);
        named++;
    }
    ck_assert_msg(named > 0, "\"Try it yourself\" names no flag");
}

char *lesson_expect_run(LessonRun *r, const char *name, const char *const *args, const LessonExpect *e)
{
    lesson_run(r, name, args);
    ck_assert_msg(r->status == 0, "%s exited with status %d; stderr: %.2000s", name, r->status, r->err);
    char *md = lesson_read_file(r->md, NULL);
    ck_assert_msg(md != NULL, "%s was not written", r->md);
    lesson_assert_contains(md, e->sections, e->nsections, "notebook.md");
    lesson_assert_contains(md, e->claims, e->nclaims, "notebook.md");
    lesson_assert_all_passed(md, e->min_checks);
    int images = lesson_check_images(r, md);
    ck_assert_msg(images >= e->min_images, "notebook.md shows %d images, expected at least %d", images, e->min_images);
    /* the same pictures in the web page */
    ck_assert_int_eq(lesson_check_page(r, "notebook.html"), images);
    for (size_t i = 0; i < e->nfiles; i++) {
        char link[300];
        snprintf(link, sizeof link, "](%s)", e->files[i]);
        ck_assert_msg(strstr(md, link) != NULL, "notebook.md does not show %s", e->files[i]);
    }
    /* the terminal told the same story */
    ck_assert_msg(strstr(r->out, "checks passed") != NULL, "stdout lacks the tally: %.300s", r->out);
    for (size_t i = 0; i < e->nsections; i++) {
        const char *title = strncmp(e->sections[i], "## ", 3) == 0 ? e->sections[i] + 3 : e->sections[i];
        ck_assert_msg(strstr(r->out, title) != NULL, "stdout lacks the section \"%s\"", title);
    }
    return md;
}

void lesson_assert_refused(const char *name, const char *flag, const char *value)
{
    LessonRun r;
    const char *args[] = { flag, value, NULL };
    char both[128];
    snprintf(both, sizeof both, "%s %s", flag, value);
    lesson_run(&r, name, args);
    ck_assert_msg(r.status == 2, "%s %s exited %d, not 2 (a bad command line): %s", name, both, r.status, r.err);
    ck_assert_msg(strstr(r.err, both) != NULL, "the message does not name the flag: %s", r.err);
    lesson_run_free(&r);
}

void lesson_assert_cli(const char *name, const char *const *flags, size_t nflags)
{
    LessonRun r;
    const char *bogus[] = { "--bogus", NULL };
    lesson_run(&r, name, bogus);
    ck_assert_msg(r.status == 2, "%s --bogus exited with status %d, expected 2", name, r.status);
    ck_assert_msg(strstr(r.err, "--bogus") != NULL, "the message does not name the flag: %s", r.err);
    lesson_run_free(&r);

    const char *help[] = { "--help", NULL };
    lesson_run(&r, name, help);
    ck_assert_msg(r.status == 0, "%s --help exited with status %d", name, r.status);
    lesson_assert_contains(r.out, flags, nflags, "--help");
    lesson_run_free(&r);
}

/* --- datasets of the wrong shape ------------------------------------------------------- */

/* dir/name, or fail the test when it does not fit. */
static void join(char *buf, size_t size, const char *dir, const char *name)
{
    ck_assert_msg(snprintf(buf, size, "%s/%s", dir, name) < (int)size, "path too long: %s/%s", dir, name);
}

/* An IDX file of n images of h x w bytes (valid, any content) and its labels. */
static void write_split(const char *dir, const char *prefix, uint32_t n, uint32_t h, uint32_t w)
{
    char path[1200], name[64];
    const size_t np = (size_t)n * h * w;
    unsigned char *px = malloc(np), *lb = malloc(n);
    ck_assert(px && lb);
    for (size_t i = 0; i < np; i++) px[i] = (unsigned char)(i * 7);
    for (uint32_t i = 0; i < n; i++) lb[i] = (unsigned char)(i % 10);
    const uint32_t idims[3] = { n, h, w }, ldims[1] = { n };
    snprintf(name, sizeof name, "%s-images-idx3-ubyte", prefix);
    join(path, sizeof path, dir, name);
    ck_assert_msg(idx_write_u8(path, px, 3, idims) == 0, "%s", cn_last_error());
    snprintf(name, sizeof name, "%s-labels-idx1-ubyte", prefix);
    join(path, sizeof path, dir, name);
    ck_assert_msg(idx_write_u8(path, lb, 1, ldims) == 0, "%s", cn_last_error());
    free(px);
    free(lb);
}

void lesson_write_png(char *path, size_t size, const char *dir, const char *name, int w, int h)
{
    join(path, size, dir, name);
    float *px = malloc((size_t)w * (size_t)h * sizeof *px);
    ck_assert_ptr_nonnull(px);
    for (size_t i = 0; i < (size_t)w * (size_t)h; i++) px[i] = (float)(i % (size_t)w) / (float)w;
    ck_assert_msg(image_write_png(path, px, 1, h, w) == 0, "%s", cn_last_error());
    free(px);
}

void lesson_fake_root(char *root, size_t size, const char *which, int h, int w)
{
    const char *src = cn_source_root();
    ck_assert_msg(src != NULL, "%s", cn_last_error());
    lesson_temp_dir(root, size, "cn_root");
    char path[1200], real[1200];
    join(path, sizeof path, root, "datasets");
    ck_assert_int_eq(mkdir(path, 0755), 0);
    const char *const sub[] = { "photos", "mnist-sample", "fashion-mnist" };
    for (size_t i = 0; i < sizeof sub / sizeof *sub; i++) {
        char rel[64];
        snprintf(rel, sizeof rel, "datasets/%s", sub[i]);
        join(path, sizeof path, root, rel);
        if (!strcmp(sub[i], which)) {
            ck_assert_int_eq(mkdir(path, 0755), 0);
            const int fashion = !strcmp(which, "fashion-mnist");
            write_split(path, "train", 120, (uint32_t)h, (uint32_t)w);
            write_split(path, fashion ? "t10k" : "test", 100, (uint32_t)h, (uint32_t)w);
        } else {
            join(real, sizeof real, src, rel);
            ck_assert_msg(symlink(real, path) == 0, "symlink %s: %s", path, strerror(errno));
        }
    }
}

void lesson_assert_wrong_shape(const char *name, const char *which, const char *const *args)
{
    const int shapes[2][2] = { { 56, 14 }, { 14, 56 } }; /* 784 pixels each, as 28x28 */
    for (int s = 0; s < 2; s++) {
        char root[256], found[32];
        lesson_fake_root(root, sizeof root, which, shapes[s][0], shapes[s][1]);
        char *saved = save_env("CONVNET_ROOT");
        ck_assert_int_eq(setenv("CONVNET_ROOT", root, 1), 0);
        LessonRun r;
        lesson_run(&r, name, args);
        restore_env("CONVNET_ROOT", &saved);
        snprintf(found, sizeof found, "images of %dx%d pixels", shapes[s][0], shapes[s][1]);
        ck_assert_msg(r.status == 1, "%s on %s images of %dx%d: status %d (%s), expected 1 with a message: %s", name,
                      which, shapes[s][0], shapes[s][1], r.status, r.status < 0 ? "killed by a signal" : "exited",
                      r.err);
        const char *const say[] = { which, found, "image is 28x28", "make datasets" };
        lesson_assert_contains(r.err, say, sizeof say / sizeof *say, "the message");
        lesson_run_free(&r);
        lesson_temp_free(root);
    }
}
