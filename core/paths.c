/* paths.c - the project root found at run time; see paths.h. */
#include "core/paths.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

/* 1 when dir holds the project's marker: the file core/conv.h and the
 * folder lessons/. */
static int is_root(const char *dir)
{
    char p[PATH_MAX];
    struct stat st;
    if (snprintf(p, sizeof p, "%s/core/conv.h", dir) >= (int)sizeof p || stat(p, &st) || !S_ISREG(st.st_mode))
        return 0;
    return snprintf(p, sizeof p, "%s/lessons", dir) < (int)sizeof p && !stat(p, &st) && S_ISDIR(st.st_mode);
}

int cn_find_root(char *buf, size_t size, const char *start)
{
    if (!buf || size == 0 || !start || start[0] != '/')
        return cn_fail("cn_find_root: needs a buffer and an absolute start path");
    char dir[PATH_MAX];
    if (snprintf(dir, sizeof dir, "%s", start) >= (int)sizeof dir)
        return cn_fail("cn_find_root: the path %s is too long", start);
    for (;;) {
        if (is_root(dir)) {
            if (snprintf(buf, size, "%s", dir) >= (int)size)
                return cn_fail("cn_find_root: the project root %s does not fit in %zu bytes", dir, size);
            return 0;
        }
        char *slash = strrchr(dir, '/');
        if (!slash || slash == dir) break; /* "/" itself is no project */
        *slash = '\0';
    }
    return cn_fail("no folder at or above %s holds core/conv.h and lessons/", start);
}

const char *cn_source_root(void)
{
    static char root[PATH_MAX];
    static int found = -1; /* -1: not looked yet, 0: none, 1: root holds it */
    static char why[2 * PATH_MAX + 256];
    if (found < 0) {
        char exe[PATH_MAX], cwd[PATH_MAX];
        ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
        exe[n > 0 ? n : 0] = '\0';
        if (!getcwd(cwd, sizeof cwd)) cwd[0] = '\0';
        found = (exe[0] && !cn_find_root(root, sizeof root, exe)) || (cwd[0] && !cn_find_root(root, sizeof root, cwd));
        if (!found)
            snprintf(why, sizeof why, "cannot find the project folder (the one holding core/conv.h and lessons/) "
                     "above the program %s or the working directory %s: set CONVNET_ROOT to it, e.g. "
                     "CONVNET_ROOT=$HOME/convnet-c", exe[0] ? exe : "(unknown)", cwd[0] ? cwd : "(unknown)");
    }
    if (found) return root;
    cn_fail("%s", why);
    return NULL;
}

const char *cn_project_root(void)
{
    const char *env = getenv("CONVNET_ROOT");
    return env && env[0] ? env : cn_source_root();
}

int cn_project_path(char *buf, size_t size, const char *rel)
{
    if (!buf || size == 0 || !rel) return cn_fail("cn_project_path: NULL or empty buffer");
    const char *root = cn_project_root();
    if (!root) return -1;
    int n = snprintf(buf, size, "%s/%s", root, rel);
    if (n < 0 || (size_t)n >= size)
        return cn_fail("cn_project_path: \"%s/%s\" does not fit in %zu bytes", root, rel, size);
    return 0;
}
