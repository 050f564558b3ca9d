/* check_goals.c - goals of the lesson kit (lessons/kit/goals.h): at the
 * defaults a goal is a check that can fail; after lesson_explore(1) a goal
 * that does not hold is "not reached with these settings" and not a
 * failure; lesson_end says how many and exits 0. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/notebook.h"
#include "lessons/kit/goals.h"
#include "lessons/kit/report.h"
#include "tests/lesson_run.h"

static char dir[256];

static Notebook *open_nb(void)
{
    lesson_temp_dir(dir, sizeof dir, "cn_goals");
    ck_assert_int_eq(setenv("CONVNET_OUT", dir, 1), 0);
    Notebook *nb = nb_open_to("goals", "goals", NULL);
    ck_assert_ptr_nonnull(nb);
    return nb;
}

static char *notebook_text(void)
{
    char path[400];
    snprintf(path, sizeof path, "%s/goals/notebook.md", dir);
    char *md = lesson_read_file(path, NULL);
    ck_assert_ptr_nonnull(md);
    return md;
}

START_TEST(at_the_defaults)
{
    Notebook *nb = open_nb();
    ck_assert_int_eq(lesson_explored(), 0);
    ck_assert_int_eq(lesson_goal(nb, 1, "held %d", 1), 1);
    ck_assert_int_eq(lesson_goal(nb, 0, "missed %d", 2), 0);
    ck_assert_int_eq(nb_checks_run(nb), 2);
    ck_assert_int_eq(nb_checks_failed(nb), 1);
    ck_assert_int_eq(lesson_goals_missed(), 0);
    ck_assert_int_eq(lesson_end(nb), 1);
    char *md = notebook_text();
    ck_assert_ptr_nonnull(strstr(md, "✔ held 1"));
    ck_assert_ptr_nonnull(strstr(md, "✘ **FAILED:** missed 2"));
    free(md);
    lesson_temp_free(dir);
}
END_TEST

START_TEST(explored)
{
    Notebook *nb = open_nb();
    lesson_explore(1);
    ck_assert_int_eq(lesson_goal(nb, 1, "held"), 1);
    ck_assert_int_eq(lesson_goal(nb, 0, "missed %s", "this"), 0);
    ck_assert_int_eq(lesson_goal(nb, 0, "and that"), 0);
    ck_assert_int_eq(nb_checks_run(nb), 1);
    ck_assert_int_eq(nb_checks_failed(nb), 0);
    ck_assert_int_eq(lesson_goals_missed(), 2);
    ck_assert_int_eq(lesson_end(nb), 0);
    char *md = notebook_text();
    ck_assert_ptr_nonnull(strstr(md, "✔ held"));
    ck_assert_ptr_nonnull(strstr(md, "◦ not reached with these settings: missed this"));
    ck_assert_ptr_nonnull(strstr(md, "2 claims were not reached with these settings"));
    ck_assert_ptr_null(strstr(md, "✘"));
    free(md);
    lesson_temp_free(dir);
}
END_TEST

Suite *goals_suite(void)
{
    Suite *s = suite_create("goals");
    TCase *tc = tcase_create("goals");
    tcase_add_unchecked_fixture(tc, lesson_fixture_setup, lesson_fixture_teardown);
    tcase_add_test(tc, at_the_defaults);
    tcase_add_test(tc, explored);
    suite_add_tcase(s, tc);
    return s;
}
