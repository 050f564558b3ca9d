/* check_paths.c - the project root found at run time (core/paths.h): from
 * $CONVNET_ROOT, from the running program's location, and for a program
 * copied into another tree, that tree. */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "core/paths.h"
#include "tests/lesson_run.h"
#include "tests/support.h"

/* --- fixture: a fake project tree in a temporary folder --------------------------- */

static char fake[256];   /* the fake root: holds core/conv.h and lessons/ */
static char *saved_root; /* $CONVNET_ROOT as it was */

static void mkdir_in(const char *rel)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", fake, rel);
    ck_assert_msg(mkdir(p, 0755) == 0, "mkdir %s", p);
}

static void make_fake_root(void)
{
    lesson_temp_dir(fake, sizeof fake, "cn_paths");
    mkdir_in("core");
    mkdir_in("lessons");
    mkdir_in("build");
    mkdir_in("build/lessons");
    char p[512];
    snprintf(p, sizeof p, "%s/core/conv.h", fake);
    FILE *f = fopen(p, "w");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fclose(f), 0);
    saved_root = save_env("CONVNET_ROOT");
}

static void remove_fake_root(void)
{
    remove_tree(fake, 4);
    restore_env("CONVNET_ROOT", &saved_root);
}

/* --- tests --------------------------------------------------------------------------- */

START_TEST(convnet_root_overrides)
{
    const char *src = cn_source_root();
    ck_assert_msg(src != NULL, "%s", cn_last_error());
    setenv("CONVNET_ROOT", "/some/where", 1);
    ck_assert_str_eq(cn_project_root(), "/some/where");
    ck_assert_str_eq(cn_source_root(), src); /* the scripts' tree stays */
    char buf[64];
    ck_assert_int_eq(cn_project_path(buf, sizeof buf, "datasets/photos/camera.png"), 0);
    ck_assert_str_eq(buf, "/some/where/datasets/photos/camera.png");
    char small[16];
    ck_assert_int_eq(cn_project_path(small, sizeof small, "datasets/photos/camera.png"), -1);
    assert_has(cn_last_error(), "does not fit");
    setenv("CONVNET_ROOT", "", 1); /* empty counts as unset */
    ck_assert_str_eq(cn_project_root(), src);
}
END_TEST

START_TEST(walks_up_to_the_marker)
{
    char buf[512], start[512];
    snprintf(start, sizeof start, "%s/build/lessons/08_lenet", fake);
    ck_assert_msg(cn_find_root(buf, sizeof buf, start) == 0, "%s", cn_last_error());
    ck_assert_str_eq(buf, fake);
    ck_assert_int_eq(cn_find_root(buf, sizeof buf, fake), 0); /* the root itself */
    ck_assert_str_eq(buf, fake);
    /* a tree inside the tree: the nearest one wins */
    mkdir_in("build/lessons/core");
    mkdir_in("build/lessons/lessons");
    snprintf(buf, sizeof buf, "%s/build/lessons/core/conv.h", fake);
    FILE *f = fopen(buf, "w");
    ck_assert_ptr_nonnull(f);
    fclose(f);
    ck_assert_int_eq(cn_find_root(buf, sizeof buf, start), 0);
    snprintf(start, sizeof start, "%s/build/lessons", fake);
    ck_assert_str_eq(buf, start);
    /* without lessons/ a folder is no root: the walk goes on up, past it */
    char lessons[512];
    snprintf(lessons, sizeof lessons, "%s/lessons", fake);
    ck_assert_int_eq(rmdir(lessons), 0);
    snprintf(start, sizeof start, "%s/core", fake);
    ck_assert_int_eq(cn_find_root(buf, sizeof buf, start), -1);
    assert_has(cn_last_error(), start);
    /* bad arguments and a buffer too small */
    ck_assert_int_eq(cn_find_root(buf, sizeof buf, "relative/path"), -1);
    snprintf(start, sizeof start, "%s/build/lessons/x", fake);
    ck_assert_int_eq(cn_find_root(buf, 8, start), -1);
    assert_has(cn_last_error(), "does not fit");
}
END_TEST

START_TEST(found_from_the_program)
{
    /* From "/" the working directory finds nothing: the answer comes from
     * where this test runner is, build/tests/check_all in the checkout. */
    unsetenv("CONVNET_ROOT");
    char cwd[PATH_MAX], exe[PATH_MAX], marker[PATH_MAX + 16];
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
    ck_assert_int_eq(chdir("/"), 0);
    const char *root = cn_project_root();
    ck_assert_int_eq(chdir(cwd), 0);
    ck_assert_msg(root != NULL, "%s", cn_last_error());
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    ck_assert(n > 0);
    exe[n] = '\0';
    size_t len = strlen(root);
    ck_assert_msg(strncmp(exe, root, len) == 0 && exe[len] == '/', "%s is not above the program %s", root, exe);
    snprintf(marker, sizeof marker, "%s/core/conv.h", root);
    ck_assert_int_eq(access(marker, R_OK), 0);
}
END_TEST

START_TEST(copied_program_reads_its_copy)
{
    /* Lesson 01 copied into the fake tree, run from this checkout's folder
     * with no CONVNET_ROOT, looks for its photograph in the fake tree: the
     * root comes from where the program is, not from where it was built. */
    const char *src = cn_source_root();
    ck_assert_msg(src != NULL, "%s", cn_last_error());
    char from[512], to[600], build[512];
    snprintf(from, sizeof from, "%s/%s/lessons/01_single_filter", src, CN_BUILD_DIR);
    snprintf(build, sizeof build, "%s/build", fake);
    snprintf(to, sizeof to, "%s/lessons/01_single_filter", build);
    size_t len = 0;
    char *bin = lesson_read_file(from, &len);
    ck_assert_msg(bin != NULL, "cannot read %s: run `make build` first", from);
    FILE *f = fopen(to, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(bin, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);
    free(bin);
    ck_assert_int_eq(chmod(to, 0755), 0);

    unsetenv("CONVNET_ROOT");
    char *keep = save_env("CN_BUILD");
    setenv("CN_BUILD", build, 1);
    LessonRun r;
    const char *args[] = { "--quick", NULL };
    lesson_run(&r, "01_single_filter", args);
    restore_env("CN_BUILD", &keep);
    char photo[600];
    snprintf(photo, sizeof photo, "%s/datasets/photos/camera.png", fake);
    ck_assert_msg(r.status != 0, "the copy found a photograph it should not have");
    ck_assert_msg(strstr(r.err, photo) != NULL, "the copy did not look in %s: %s", photo, r.err);
    lesson_run_free(&r);
}
END_TEST

Suite *paths_suite(void)
{
    Suite *s = suite_create("paths");
    TCase *tc = tcase_create("root");
    tcase_add_unchecked_fixture(tc, lesson_fixture_setup, lesson_fixture_teardown);
    tcase_add_checked_fixture(tc, make_fake_root, remove_fake_root);
    tcase_add_test(tc, convnet_root_overrides);
    tcase_add_test(tc, walks_up_to_the_marker);
    tcase_add_test(tc, found_from_the_program);
    tcase_add_test(tc, copied_program_reads_its_copy);
    tcase_set_timeout(tc, lesson_timeout(30));
    suite_add_tcase(s, tc);
    return s;
}
