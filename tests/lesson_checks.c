/* lesson_checks.c - assertions shared by the lesson tests (lesson_checks.h). */
#include "tests/lesson_checks.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    ck_assert_msg(r.status != 0, "%s %s exited 0", name, both);
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
