/* files.c - writing a file so that a crash never leaves half of it; see files.h. */
#include "core/files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/error.h"

#define OLD_TMP_SECONDS 600 /* a .tmpXXXXXX file without a pid is stale after this */

static int full_disk; /* cn_file_simulate_full_disk */
static int durable = 1; /* cn_file_sync */

int cn_file_sync(int on)
{
    const int was = durable;
    durable = on != 0;
    return was;
}

void cn_file_simulate_full_disk(int on) { full_disk = on; }

/* fwrite, or half of it and ENOSPC while a full disk is simulated. */
static int write_all(FILE *f, const void *data, size_t n)
{
    if (full_disk) {
        (void)fwrite(data, 1, n / 2, f);
        errno = ENOSPC;
        return -1;
    }
    return n == 0 || fwrite(data, 1, n, f) == n ? 0 : -1;
}

/* Is name (in dir) a temporary file of `base` (of any target when base is
 * NULL) left by a writer that is gone? "base.tmp<pid>-XXXXXX": when no
 * process <pid> exists. "base.tmpXXXXXX" (older builds): when it is more
 * than OLD_TMP_SECONDS old. */
static int stale_temp(const char *dir, const char *name, const char *base)
{
    const char *tmp = NULL;
    if (base) {
        size_t nb = strlen(base);
        if (strncmp(name, base, nb) == 0) tmp = name + nb;
    } else {
        for (const char *t = strstr(name, ".tmp"); t; t = strstr(t + 1, ".tmp")) tmp = t;
    }
    if (!tmp || tmp == name || strncmp(tmp, ".tmp", 4) != 0) return 0;
    const char *rest = tmp + 4;
    char *end;
    long pid = strtol(rest, &end, 10);
    if (end != rest && *end == '-' && strlen(end + 1) == 6)
        return pid > 0 && pid != (long)getpid() && kill((pid_t)pid, 0) != 0 && errno == ESRCH;
    if (strlen(rest) != 6 || strchr(rest, '-')) return 0;
    char full[4096];
    struct stat st;
    if (snprintf(full, sizeof full, "%s/%s", dir, name) >= (int)sizeof full || lstat(full, &st) != 0) return 0;
    return S_ISREG(st.st_mode) && time(NULL) - st.st_mtime > OLD_TMP_SECONDS;
}

/* Remove the temporary files of `base` (any, when NULL) in dir that
 * interrupted writes left. */
static void remove_stale(const char *dir, const char *base)
{
    DIR *d = opendir(dir);
    if (!d) return;
    for (struct dirent *e; (e = readdir(d));) {
        char full[4096];
        if (stale_temp(dir, e->d_name, base) && snprintf(full, sizeof full, "%s/%s", dir, e->d_name) < (int)sizeof full)
            (void)unlink(full);
    }
    closedir(d);
}

void cn_remove_stale_temps(const char *dir) { remove_stale(dir, NULL); }

/* Remove the temporary files of path that interrupted writes left. */
static void remove_stale_temps(const char *path)
{
    char dir[4096];
    const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (snprintf(dir, sizeof dir, "%.*s", slash == path ? 1 : (int)(slash - path), path) >= (int)sizeof dir)
        return;
    remove_stale(dir, base);
}

/* The message for a failed save: the cause in words a learner can act on. */
static int save_failed(const char *path, int e)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return cn_fail("saving %s failed: a directory of that name is in the way; give a file name", path);
    if (e == ENOSPC || e == EDQUOT)
        return cn_fail("saving %s failed: %s (the disk is full: free some space and run again)", path, strerror(e));
    return cn_fail("saving %s failed: %s", path, strerror(e));
}

int cn_file_write_atomic(const char *path, const void *data, size_t n)
{
    if (!path || !path[0]) return cn_fail("saving a file: no file name given");
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) return save_failed(path, EISDIR);
    remove_stale_temps(path);
    size_t len = strlen(path) + 32;
    char *tmp = malloc(len);
    if (!tmp) return cn_fail("saving %s: out of memory", path);
    snprintf(tmp, len, "%s.tmp%ld-XXXXXX", path, (long)getpid());
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int e = errno;
        free(tmp);
        return cn_fail("saving %s: cannot create a temporary file beside it: %s (does the directory exist and "
                       "is it writable?)", path, strerror(e));
    }
    (void)fchmod(fd, 0644);  /* mkstemp makes 0600; a saved model is an ordinary file */
    FILE *f = fdopen(fd, "wb");
    if (!f) {
        int e = errno;
        close(fd);
        unlink(tmp);
        free(tmp);
        return cn_fail("saving %s: %s", path, strerror(e));
    }
    int ok = write_all(f, data, n) == 0;
    ok = ok && fflush(f) == 0;
    ok = ok && (!durable || fsync(fileno(f)) == 0);  /* the bytes are on disk before the name points at them */
    int e = errno;
    if (fclose(f) != 0 && ok) {
        ok = 0;
        e = errno;
    }
    if (ok && rename(tmp, path) != 0) {
        ok = 0;
        e = errno;
    }
    if (!ok) {
        unlink(tmp);
        free(tmp);
        return save_failed(path, e);
    }
    free(tmp);
    /* Make the rename itself durable. Some file systems refuse fsync on a
     * directory; the file is complete either way, so that is not an error. */
    char *dir = durable ? strdup(path) : NULL;
    if (dir) {
        char *slash = strrchr(dir, '/');
        const char *d = ".";
        if (slash) {
            slash[slash == dir ? 1 : 0] = '\0';
            d = dir;
        }
        int dfd = open(d, O_RDONLY);
        if (dfd >= 0) {
            (void)fsync(dfd);
            close(dfd);
        }
        free(dir);
    }
    return 0;
}
