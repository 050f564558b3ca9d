/* files.c - writing a file so that a crash never leaves half of it; see files.h. */
#include "core/files.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"

int cn_file_write_atomic(const char *path, const void *data, size_t n)
{
    size_t len = strlen(path);
    char *tmp = malloc(len + 16);
    if (!tmp) return cn_fail("saving %s: out of memory", path);
    snprintf(tmp, len + 16, "%s.tmpXXXXXX", path);
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
    int ok = (n == 0 || fwrite(data, 1, n, f) == n);
    ok = ok && fflush(f) == 0;
    ok = ok && fsync(fileno(f)) == 0;  /* the bytes are on disk before the name points at them */
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
        return cn_fail("saving %s failed: %s (is the disk full?)", path, strerror(e));
    }
    free(tmp);
    /* Make the rename itself durable. Some file systems refuse fsync on a
     * directory; the file is complete either way, so that is not an error. */
    char *dir = strdup(path);
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
