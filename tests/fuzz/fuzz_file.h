/* fuzz_file.h - the temporary file of a fuzz target whose parser takes a
 * path (image_load, net_load): each input is written to it, then parsed.
 *
 * It lives in /dev/shm (memory) when there is one: rewriting a file on ext4
 * flushes it to disk at every close, a hundred times slower. Removed at exit.
 */
#ifndef CN_FUZZ_FILE_H
#define CN_FUZZ_FILE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char fuzz_path[64];

static void fuzz_file_remove(void) { remove(fuzz_path); }

/* Create the file, named <dir>/<prefix>_XXXXXX; abort on failure. */
static void fuzz_file_create(const char *prefix)
{
    const char *tmp = getenv("TMPDIR");
    if (access("/dev/shm", W_OK) == 0) tmp = "/dev/shm";
    snprintf(fuzz_path, sizeof fuzz_path, "%s/%s_XXXXXX", tmp && strlen(tmp) < 40 ? tmp : "/tmp", prefix);
    int fd = mkstemp(fuzz_path);
    if (fd < 0) abort();
    close(fd);
    atexit(fuzz_file_remove);
}

/* Write b[0..n) to path, replacing it; abort on failure. */
static void fuzz_file_write(const char *path, const unsigned char *b, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(b, 1, n, f) != n || fclose(f) != 0) {
        fprintf(stderr, "fuzz: cannot write %s\n", path);
        abort();
    }
}

#endif
