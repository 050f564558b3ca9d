/* lesson_run.c - run a lesson binary from a test (lesson_run.h). */
#include "tests/lesson_run.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/error.h"
#include "core/image.h"
#include "core/paths.h"
#include "tests/support.h"

/* --- files ------------------------------------------------------------------------- */

char *lesson_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0) break;
        if (n + 1 >= cap) {
            char *bigger = realloc(buf, cap * 2);
            if (!bigger) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    if (!buf) return NULL;
    buf[n] = '\0';
    if (len) *len = n;
    return buf;
}

int lesson_png_valid(const char *path)
{
    static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };
    unsigned char head[8];
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    size_t got = fread(head, 1, 8, f);
    if (fclose(f) != 0) return 0;
    if (got != 8 || memcmp(head, sig, 8) != 0) return 0;
    CnImage *im = image_load(path, 3);
    int ok = im && im->w >= 1 && im->h >= 1;
    image_free(im);
    return ok;
}

/* The test case's base folder. Check runs each test in a forked process and
 * ends it at once when an assertion fails, so a test cannot be trusted to
 * remove its own folders: they are made inside a base folder that the
 * unchecked fixture creates and removes in the runner process, before and
 * after the whole test case. */
static char base_dir[256];

void lesson_fixture_setup(void)
{
    snprintf(base_dir, sizeof base_dir, "/tmp/cn_lessons_XXXXXX");
    if (!mkdtemp(base_dir)) base_dir[0] = '\0'; /* fall back to folders directly in /tmp */
}

void lesson_fixture_teardown(void)
{
    if (base_dir[0]) remove_tree(base_dir, 5);
    base_dir[0] = '\0';
}

void lesson_temp_dir(char *buf, size_t size, const char *prefix)
{
    ck_assert_msg(size >= 64 && strlen(prefix) + strlen(base_dir) + 16 < size, "temporary folder name too long");
    snprintf(buf, size, "%s/%s_XXXXXX", base_dir[0] ? base_dir : "/tmp", prefix);
    ck_assert_msg(mkdtemp(buf) != NULL, "cannot create a temporary folder %s: %s", buf, strerror(errno));
}

void lesson_temp_free(const char *dir) { remove_tree(dir, 4); }

int lesson_count(const char *haystack, const char *needle)
{
    int n = 0;
    size_t len = strlen(needle);
    for (const char *p = haystack; len && (p = strstr(p, needle)); p += len) n++;
    return n;
}

double lesson_timeout(double seconds)
{
#if defined(__SANITIZE_ADDRESS__)
    return 10.0 * seconds;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    return 10.0 * seconds;
#else
    return seconds;
#endif
#else
    return seconds;
#endif
}

/* --- running ------------------------------------------------------------------------- */

void lesson_run(LessonRun *r, const char *name, const char *const *args)
{
    char program[256];
    snprintf(program, sizeof program, "lessons/%s", name);
    lesson_run_program(r, program, args);
}

void lesson_run_program(LessonRun *r, const char *program, const char *const *args)
{
    memset(r, 0, sizeof *r);
    lesson_temp_dir(r->dir, sizeof r->dir, "cn_lesson");
    const char *slash = strrchr(program, '/'), *name = slash ? slash + 1 : program;
    snprintf(r->outdir, sizeof r->outdir, "%s/%s", r->dir, name);
    snprintf(r->md, sizeof r->md, "%s/notebook.md", r->outdir);

    const char *build = getenv("CN_BUILD");
    if (!build || !*build) build = CN_BUILD_DIR;
    char exe[1024];
    if (build[0] == '/') snprintf(exe, sizeof exe, "%s/%s", build, program);
    else {
        const char *src = cn_source_root();
        ck_assert_msg(src != NULL, "%s", cn_last_error());
        snprintf(exe, sizeof exe, "%s/%s/%s", src, build, program);
    }
    ck_assert_msg(access(exe, X_OK) == 0, "program %s is missing (%s): run `make build` first", exe,
                  strerror(errno));

    char out_path[300], err_path[300];
    snprintf(out_path, sizeof out_path, "%s/stdout.txt", r->dir);
    snprintf(err_path, sizeof err_path, "%s/stderr.txt", r->dir);

    const char *argv[32];
    int argc = 0;
    argv[argc++] = exe;
    for (int i = 0; args && args[i] && argc < 31; i++) argv[argc++] = args[i];
    argv[argc] = NULL;

    fflush(NULL);
    pid_t pid = fork();
    ck_assert_msg(pid >= 0, "fork failed: %s", strerror(errno));
    if (pid == 0) {
        int fo = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int fe = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fo < 0 || fe < 0 || dup2(fo, 1) < 0 || dup2(fe, 2) < 0) _exit(126);
        close(fo);
        close(fe);
        /* Idle OpenMP threads sleep instead of spinning: on a busy machine
         * (make -j, other jobs) spinning threads starve the working one and a
         * seconds-long quick run takes minutes. Results do not change. */
        if (setenv("CONVNET_OUT", r->dir, 1) != 0 || setenv("NO_COLOR", "1", 1) != 0 ||
            setenv("OMP_WAIT_POLICY", "passive", 0) != 0)
            _exit(126);
        execv(exe, (char *const *)argv);
        _exit(127);
    }
    int st = 0;
    while (waitpid(pid, &st, 0) < 0) {
        ck_assert_msg(errno == EINTR, "waitpid failed: %s", strerror(errno));
    }
    r->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    ck_assert_msg(r->status != 126 && r->status != 127, "could not start %s (status %d)", exe, r->status);
    r->out = lesson_read_file(out_path, NULL);
    r->err = lesson_read_file(err_path, NULL);
    if (!r->out) r->out = calloc(1, 1);
    if (!r->err) r->err = calloc(1, 1);
    ck_assert(r->out && r->err);
}

void lesson_run_free(LessonRun *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
    if (r->dir[0]) lesson_temp_free(r->dir);
}

int lesson_check_page(const LessonRun *r, const char *page)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", r->outdir, page);
    char *html = lesson_read_file(path, NULL);
    ck_assert_msg(html != NULL, "%s was not written", path);
    const size_t len = strlen(html);
    ck_assert_msg(len > 8 && !strcmp(html + len - 8, "</html>\n"), "%s is not complete: it ends \"%.60s\"", path,
                  len > 60 ? html + len - 60 : html);
    int n = 0;
    for (const char *p = html; (p = strstr(p, "<img src=\"")) != NULL; p++) {
        const char *start = p + strlen("<img src=\""), *end = start + strcspn(start, "\"?");
        ck_assert_msg(*end && end > start && end - start < 256, "%s: bad picture near \"%.40s\"", page, p);
        char file[1300];
        snprintf(file, sizeof file, "%s/%.*s", r->outdir, (int)(end - start), start);
        /* the notebook escapes a space as %20 */
        for (char *q; (q = strstr(file, "%20"));) {
            *q = ' ';
            memmove(q + 1, q + 3, strlen(q + 3) + 1);
        }
        ck_assert_msg(lesson_png_valid(file), "%s shows %s, which is not a valid PNG", page, file);
        n++;
    }
    free(html);
    return n;
}

int lesson_check_images(const LessonRun *r, const char *md)
{
    int n = 0;
    for (const char *p = md; (p = strstr(p, "![")) != NULL; p += 2) {
        const char *open = strstr(p, "](");
        const char *nl = strchr(p, '\n');
        if (!open || (nl && open > nl)) continue;
        const char *close = strchr(open + 2, ')');
        ck_assert_msg(close && (!nl || close < nl), "unterminated image link in notebook.md near \"%.40s\"", p);
        char file[256];
        size_t len = (size_t)(close - (open + 2));
        ck_assert_msg(len > 0 && len < sizeof file, "bad image link in notebook.md near \"%.40s\"", p);
        memcpy(file, open + 2, len);
        file[len] = '\0';
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", r->outdir, file);
        struct stat sb;
        ck_assert_msg(stat(path, &sb) == 0, "notebook.md shows %s, but %s does not exist", file, path);
        ck_assert_msg(lesson_png_valid(path), "notebook.md shows %s, but it is not a valid PNG", file);
        n++;
    }
    return n;
}
