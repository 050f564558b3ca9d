/* check_files.c - the atomic writer: a failed write (full disk, a directory
 * in the way) leaves the target as it was and no temporary file, and the
 * temporary files of interrupted writes are removed by the next write. */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>

#include "core/error.h"
#include "core/files.h"
#include "tests/support.h"

static char dir[64];

static void make_dir(void)
{
    snprintf(dir, sizeof dir, "/tmp/cn_files_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void remove_dir(void) { remove_tree(dir, 1); }

static const char *in_dir(const char *name)
{
    static char buf[4][256];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static void touch(const char *name, time_t age)
{
    FILE *f = fopen(in_dir(name), "wb");
    ck_assert_ptr_nonnull(f);
    fputs("half a file", f);
    ck_assert_int_eq(fclose(f), 0);
    struct utimbuf t = { .actime = time(NULL) - age, .modtime = time(NULL) - age };
    ck_assert_int_eq(utime(in_dir(name), &t), 0);
}

static int exists(const char *name) { return access(in_dir(name), F_OK) == 0; }

/* Names in dir other than "." and "..". */
static int count_files(void)
{
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));) n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

/* The pid of a process that has ended (a child, waited for). */
static long dead_pid(void)
{
    pid_t p = fork();
    ck_assert_int_ge(p, 0);
    if (p == 0) _exit(0);
    ck_assert_int_eq(waitpid(p, NULL, 0), p);
    return (long)p;
}

START_TEST(writes_and_replaces)
{
    ck_assert_int_eq(cn_file_write_atomic(in_dir("f.bin"), "abc", 3), 0);
    ck_assert_int_eq(cn_file_write_atomic(in_dir("f.bin"), "de", 2), 0);
    struct stat st;
    ck_assert_int_eq(stat(in_dir("f.bin"), &st), 0);
    ck_assert_int_eq(st.st_size, 2);
    ck_assert_int_eq(count_files(), 1);
}
END_TEST

START_TEST(full_disk_leaves_the_old_file)
{
    ck_assert_int_eq(cn_file_write_atomic(in_dir("f.bin"), "abc", 3), 0);
    cn_file_simulate_full_disk(1);
    int rc = cn_file_write_atomic(in_dir("f.bin"), "0123456789", 10);
    int rc_new = cn_file_write_atomic(in_dir("new.bin"), "0123456789", 10);
    cn_file_simulate_full_disk(0);
    ck_assert_int_eq(rc, -1);
    ck_assert_int_eq(rc_new, -1);
    const char *e = cn_last_error();
    ck_assert_msg(strstr(e, in_dir("new.bin")) && strstr(e, "disk is full"), "%s", e);
    struct stat st;
    ck_assert_int_eq(stat(in_dir("f.bin"), &st), 0);
    ck_assert_int_eq(st.st_size, 3);
    ck_assert(!exists("new.bin"));
    ck_assert_int_eq(count_files(), 1); /* no temporary file left */
}
END_TEST

/* Without the fsyncs (cn_file_sync(0)), a write is still atomic: it replaces
 * the file whole, leaves no temporary file, and a failed one leaves the old
 * file as it was. */
START_TEST(without_sync_still_atomic)
{
    ck_assert_int_eq(cn_file_sync(0), 1); /* on by default */
    ck_assert_int_eq(cn_file_write_atomic(in_dir("f.bin"), "abc", 3), 0);
    ck_assert_int_eq(cn_file_write_atomic(in_dir("f.bin"), "de", 2), 0);
    cn_file_simulate_full_disk(1);
    const int rc = cn_file_write_atomic(in_dir("f.bin"), "0123456789", 10);
    cn_file_simulate_full_disk(0);
    ck_assert_int_eq(cn_file_sync(1), 0);
    ck_assert_int_eq(rc, -1);
    struct stat st;
    ck_assert_int_eq(stat(in_dir("f.bin"), &st), 0);
    ck_assert_int_eq(st.st_size, 2);
    ck_assert_int_eq(count_files(), 1);
    ck_assert_int_eq(cn_file_sync(1), 1);
}
END_TEST

START_TEST(directory_in_the_way)
{
    ck_assert_int_eq(mkdir(in_dir("d.bin"), 0755), 0);
    ck_assert_int_eq(cn_file_write_atomic(in_dir("d.bin"), "abc", 3), -1);
    const char *e = cn_last_error();
    ck_assert_msg(strstr(e, in_dir("d.bin")) && strstr(e, "a directory of that name is in the way") &&
                      !strstr(e, "disk"), "%s", e);
    ck_assert_int_eq(count_files(), 1);
    ck_assert_int_eq(cn_file_write_atomic("", "abc", 3), -1);
}
END_TEST

/* Leftovers of writes killed half way: those whose process is gone (or, in
 * the old naming without a pid, older than ten minutes) go; the files of a
 * writer still running, and other files, stay. */
START_TEST(stale_temporary_files_are_removed)
{
    char dead[64], alive[64], mine[64];
    snprintf(dead, sizeof dead, "m.cnn.tmp%ld-Ab3dE9", dead_pid());
    snprintf(alive, sizeof alive, "m.cnn.tmp%ld-Qr5tY7", (long)getppid());
    snprintf(mine, sizeof mine, "m.cnn.tmp%ld-Zz1xX2", (long)getpid());
    touch(dead, 0);
    touch(alive, 0);
    touch(mine, 0);
    touch("m.cnn.tmpOLD123", 3600);  /* an older build's, an hour old */
    touch("m.cnn.tmpNEW456", 0);     /* an older build's, just written */
    touch("other.cnn.tmp1-Ab3dE9", 0);  /* another target's */
    touch("m.cnn.tmp-notes", 3600);  /* not a temporary file's name */
    ck_assert_int_eq(cn_file_write_atomic(in_dir("m.cnn"), "abc", 3), 0);
    ck_assert_msg(!exists(dead), "%s stayed", dead);
    ck_assert(!exists("m.cnn.tmpOLD123"));
    ck_assert_msg(exists(alive), "%s (a running writer's) was removed", alive);
    ck_assert(exists(mine));
    ck_assert(exists("m.cnn.tmpNEW456"));
    ck_assert(exists("other.cnn.tmp1-Ab3dE9"));
    ck_assert(exists("m.cnn.tmp-notes"));
    ck_assert(exists("m.cnn"));
}
END_TEST

/* The sweep of a whole folder removes the leftovers of every target. */
START_TEST(folder_sweep_removes_every_target_s_leftovers)
{
    char dead1[64], dead2[64], alive[64];
    long gone = dead_pid();
    snprintf(dead1, sizeof dead1, "a.ckpt.tmp%ld-Ab3dE9", gone);
    snprintf(dead2, sizeof dead2, "b.cnn.tmp%ld-Xy7zW1", gone);
    snprintf(alive, sizeof alive, "c.cnn.tmp%ld-Qr5tY7", (long)getppid());
    touch(dead1, 0);
    touch(dead2, 0);
    touch(alive, 0);
    touch("d.cnn.tmpOLD123", 3600);
    touch("notes.txt", 3600);
    touch("e.cnn", 3600);
    cn_remove_stale_temps(dir);
    ck_assert(!exists(dead1) && !exists(dead2) && !exists("d.cnn.tmpOLD123"));
    ck_assert(exists(alive) && exists("notes.txt") && exists("e.cnn"));
}
END_TEST

Suite *files_suite(void)
{
    Suite *s = suite_create("files");
    TCase *tc = tcase_create("atomic");
    tcase_add_checked_fixture(tc, make_dir, remove_dir);
    tcase_add_test(tc, writes_and_replaces);
    tcase_add_test(tc, full_disk_leaves_the_old_file);
    tcase_add_test(tc, without_sync_still_atomic);
    tcase_add_test(tc, directory_in_the_way);
    tcase_add_test(tc, stale_temporary_files_are_removed);
    tcase_add_test(tc, folder_sweep_removes_every_target_s_leftovers);
    suite_add_tcase(s, tc);
    return s;
}
