/* plot.c - write plot data files and draw them with gnuplot and the scripts in plots/. */
#include "core/plot.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <spawn.h>
#include <stdarg.h>
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

extern char **environ;

/* --- where things are ------------------------------------------------------- */

/* The scripts are part of the source tree: $CONVNET_SCRIPTS, else plots/ of
 * the checkout the program runs from, else of $CONVNET_ROOT. */
int plot_script_path(char *buf, size_t size, const char *name)
{
    const char *dir = getenv("CONVNET_SCRIPTS"), *src = NULL;
    if (!(dir && *dir) && !(src = cn_source_root()) && !(src = cn_project_root())) return -1;
    int n = dir && *dir ? snprintf(buf, size, "%s/%s", dir, name) : snprintf(buf, size, "%s/plots/%s", src, name);
    if (n < 0 || (size_t)n >= size) return cn_fail("plot: the path of script %s is too long", name);
    return 0;
}

/* --- a growing string ---------------------------------------------------------- */

typedef struct {
    char *s;
    size_t len, cap;
    int oom;   /* set once an allocation failed; later appends are ignored */
} Str;

static void str_putn(Str *b, const char *s, size_t n)
{
    if (b->oom) return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1) cap *= 2;
        char *p = realloc(b->s, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void str_puts(Str *b, const char *s) { str_putn(b, s, strlen(s)); }

static void str_printf(Str *b, const char *fmt, ...) CN_PRINTF(2, 3);
static void str_printf(Str *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof tmp) {
        str_putn(b, tmp, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big) {
        b->oom = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    str_putn(b, big, (size_t)n);
    free(big);
}

/* --- gnuplot parameters -------------------------------------------------------- */

/* Text going into a gnuplot string or a data file: no control characters (a
 * newline would end the -e command or the data row). Data-file labels also
 * may not hold a double quote, which would end their quoting. */
static int check_text(const char *what, const char *s, int in_data_file)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            return cn_fail("plot: %s \"%s\" holds a control character (newline or tab); use plain text", what, s);
        if (in_data_file && *p == '"')
            return cn_fail("plot: %s \"%s\" holds a double quote, which the data file cannot quote; "
                           "use ' instead", what, s);
    }
    return 0;
}

/* Append  name='value';  with each ' of value doubled (gnuplot's escape
 * inside single quotes). */
static void param_str(Str *b, const char *name, const char *value)
{
    str_printf(b, "%s%s='", b->len ? "; " : "", name);
    for (const char *p = value; *p; p++) {
        if (*p == '\'') str_puts(b, "''");
        else str_putn(b, p, 1);
    }
    str_puts(b, "'");
}

static void param_int(Str *b, const char *name, int value) { str_printf(b, "%s%s=%d", b->len ? "; " : "", name, value); }

/* The command a person types to run gnuplot: the -e argument in double quotes
 * with the shell's special characters \ $ ` " escaped; the script quoted only
 * if it needs to be. */
static void shell_command(Str *b, const char *params, const char *script)
{
    str_puts(b, "gnuplot -e \"");
    for (const char *p = params; *p; p++) {
        if (strchr("\\$`\"", *p)) str_puts(b, "\\");
        str_putn(b, p, 1);
    }
    str_puts(b, "\" ");
    if (strspn(script, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/._+-,=:@%") ==
        strlen(script)) {
        str_puts(b, script);
        return;
    }
    str_puts(b, "'");
    for (const char *p = script; *p; p++) {
        if (*p == '\'') str_puts(b, "'\\''");
        else str_putn(b, p, 1);
    }
    str_puts(b, "'");
}

/* --- running gnuplot ------------------------------------------------------------ */

/* Keep the last part of a long message: gnuplot names the failing line last. */
static void tail_copy(char *dst, size_t size, const char *src, size_t len)
{
    while (len > 0 && (src[len - 1] == '\n' || src[len - 1] == ' ')) len--;
    size_t from = len + 1 > size ? len + 1 - size : 0;
    memcpy(dst, src + from, len - from);
    dst[len - from] = '\0';
}

/* Run gnuplot -e params script with stdin from /dev/null, stdout collected in
 * out (when not NULL) and stderr in a temporary file, read back for the error
 * message. PLOT_OK, PLOT_DATA_ONLY (gnuplot not found) or -1. */
static int run_gnuplot(const char *script, const char *params, Str *out)
{
    int fds[2];
    if (pipe(fds) != 0) return cn_fail("plot: cannot create a pipe to gnuplot: %s", strerror(errno));
    /* close-on-exec, so a gnuplot started by another thread does not hold the pipe open */
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    FILE *errf = tmpfile();
    if (!errf) {
        int e = errno;
        close(fds[0]);
        close(fds[1]);
        return cn_fail("plot: cannot create a temporary file for gnuplot's messages: %s", strerror(e));
    }
    posix_spawn_file_actions_t fa;
    int rc = posix_spawn_file_actions_init(&fa);
    if (rc == 0) rc = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    if (rc == 0) rc = posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    if (rc == 0) rc = posix_spawn_file_actions_adddup2(&fa, fileno(errf), 2);
    pid_t pid = 0;
    char *argv[] = { "gnuplot", "-e", (char *)params, (char *)script, NULL };
    if (rc == 0) rc = posix_spawnp(&pid, "gnuplot", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (rc != 0) {
        close(fds[0]);
        fclose(errf);
        if (rc == ENOENT) return PLOT_DATA_ONLY;
        return cn_fail("plot: cannot start gnuplot: %s", strerror(rc));
    }

    /* Read all of stdout before waiting, so gnuplot never blocks on a full pipe. */
    char chunk[4096];
    for (;;) {
        ssize_t got = read(fds[0], chunk, sizeof chunk);
        if (got > 0) {
            if (out) str_putn(out, chunk, (size_t)got);
        } else if (got == 0 || errno != EINTR) {
            break;
        }
    }
    close(fds[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            int e = errno;
            fclose(errf);
            return cn_fail("plot: waiting for gnuplot failed: %s", strerror(e));
        }
    }

    char msg[600] = "";
    if (fseek(errf, 0, SEEK_END) == 0) {
        long len = ftell(errf);
        if (len > 0 && fseek(errf, len > 4000 ? len - 4000 : 0, SEEK_SET) == 0) {
            char text[4001];
            size_t got = fread(text, 1, sizeof text - 1, errf);
            tail_copy(msg, sizeof msg, text, got);
        }
    }
    fclose(errf);

    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return PLOT_OK;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127) return PLOT_DATA_ONLY;   /* command not found */
    if (WIFEXITED(status))
        return cn_fail("gnuplot failed (exit status %d) on %s: %s", WEXITSTATUS(status), script,
                       *msg ? msg : "no message");
    return cn_fail("gnuplot was killed by signal %d on %s", WIFSIGNALED(status) ? WTERMSIG(status) : 0, script);
}

int plot_gnuplot(const char *script, const char *params, const char *outfile)
{
    if (!script || !params) return cn_fail("plot_gnuplot: no script or no parameters given");
    char path[4096];
    if (strchr(script, '/')) {
        if (snprintf(path, sizeof path, "%s", script) >= (int)sizeof path)
            return cn_fail("plot: script path %s is too long", script);
    } else if (plot_script_path(path, sizeof path, script) != 0) {
        return -1;
    }
    struct stat st;
    if (stat(path, &st) != 0)
        return cn_fail("plot: gnuplot script %s not found (%s); scripts live in plots/ of the project, "
                       "or in $CONVNET_SCRIPTS when set", path, strerror(errno));
    if (outfile && cn_make_parent_dirs(outfile) != 0) return -1;
    /* A stale PNG from an earlier run must not pass for a fresh one. */
    if (outfile) remove(outfile);

    int rc = run_gnuplot(path, params, NULL);
    if (rc == PLOT_DATA_ONLY) {
        Str how = { 0 };
        shell_command(&how, params, path);
        if (how.oom) {
            free(how.s);
            cn_fail("plot: gnuplot is not installed, so %s was not drawn", outfile ? outfile : path);
            return PLOT_DATA_ONLY;
        }
        cn_fail("gnuplot is not installed, so %s was not drawn (its data is written). "
                "Install it (sudo apt-get install gnuplot-nox, or make deps), then draw it with:\n  %s",
                outfile ? outfile : "the plot", how.s);
        free(how.s);
        return PLOT_DATA_ONLY;
    }
    if (rc != 0) return -1;
    if (outfile && (stat(outfile, &st) != 0 || st.st_size == 0))
        return cn_fail("gnuplot ran %s without error but wrote no %s", path, outfile);
    return PLOT_OK;
}

/* --- data files ------------------------------------------------------------------- */

/* Values as gnuplot reads them; every non-finite value becomes NaN (a gap). */
static void put_value(FILE *f, double v)
{
    if (isfinite(v)) fprintf(f, " %.10g", v);
    else fputs(" NaN", f);
}

static FILE *open_data(const char *dat_path)
{
    if (cn_make_parent_dirs(dat_path) != 0) return NULL;
    FILE *f = fopen(dat_path, "w");
    if (!f) cn_fail("cannot write plot data %s: %s", dat_path, strerror(errno));
    return f;
}

static int close_data(FILE *f, const char *dat_path)
{
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) return cn_fail("cannot write plot data %s: %s", dat_path, strerror(errno));
    return 0;
}

/* The comment line that opens every data file: how to draw it. */
static void put_howto(FILE *f, const char *params, const char *script)
{
    char path[4096];
    Str cmd = { 0 };
    if (plot_script_path(path, sizeof path, script) != 0) snprintf(path, sizeof path, "plots/%s", script);
    shell_command(&cmd, params, path);
    fprintf(f, "# draw: %s\n", cmd.oom ? "(out of memory)" : cmd.s);
    free(cmd.s);
}

/* Draw once the data is written; a failure keeps the data and says so. */
static int draw(const char *script, Str *params, const char *png_path)
{
    if (params->oom) return cn_fail("plot: out of memory building the gnuplot command for %s", png_path);
    return plot_gnuplot(script, params->s, png_path);
}

static int all_integers(const double *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i]) && (v[i] != floor(v[i]) || fabs(v[i]) >= 1e15)) return 0;
    return 1;
}

/* --- the three plots ---------------------------------------------------------------- */

static int lines(const char *png_path, const char *dat_path, const char *title, const char *xlabel,
                 const char *ylabel, const char *const *names, const double *x, const double *const *ys,
                 int nseries, int npoints, int logy, int stems, int pairs)
{
    if (!png_path || !dat_path || !ys || nseries < 1 || npoints < 1)
        return cn_fail("plot_lines: need output paths, at least one series and one point (got %d series of %d)",
                       nseries, npoints);
    title = title ? title : "";
    xlabel = xlabel ? xlabel : "";
    ylabel = ylabel ? ylabel : "";
    if (check_text("title", title, 0) || check_text("x label", xlabel, 1) || check_text("y label", ylabel, 0))
        return -1;
    for (int s = 0; s < nseries; s++) {
        if (!ys[s]) return cn_fail("plot_lines: series %d has no data", s);
        if (names && names[s] && check_text("series name", names[s], 1)) return -1;
    }

    Str params = { 0 };
    param_str(&params, "datafile", dat_path);
    param_str(&params, "outfile", png_path);
    param_str(&params, "plottitle", title);
    param_str(&params, "xlab", xlabel);
    param_str(&params, "ylab", ylabel);
    if (logy) param_int(&params, "logy", 1);
    /* whole-number x over a short range (shifts, epochs): a tick at each */
    if (x && all_integers(x, (size_t)npoints) && x[npoints - 1] - x[0] <= 20.0) param_int(&params, "xint", 1);
    /* long curve names go under the plot, where they do not narrow it */
    size_t longest = 0;
    for (int s = 0; names && s < nseries; s++)
        if (names[s] && strlen(names[s]) > longest) longest = strlen(names[s]);
    if (longest > 16) param_int(&params, "keybelow", 1);
    if (stems) {
        param_int(&params, "stems", 1);
        param_int(&params, "height", 140 + 200 * nseries);
    }
    if (pairs) param_int(&params, "pairs", 1);

    FILE *f = open_data(dat_path);
    if (!f) {
        free(params.s);
        return -1;
    }
    put_howto(f, params.oom ? "" : params.s, "lines.gp");
    if (*title) fprintf(f, "# %s\n", title);
    fprintf(f, "\"%s\"", *xlabel ? xlabel : "x");
    for (int s = 0; s < nseries; s++) {
        if (names && names[s]) fprintf(f, " \"%s\"", names[s]);
        else fprintf(f, " \"series %d\"", s + 1);
    }
    fputc('\n', f);
    for (int i = 0; i < npoints; i++) {
        put_value(f, x ? x[i] : (double)i);
        /* On a log axis a value <= 0 has no place: leave a gap. */
        for (int s = 0; s < nseries; s++) put_value(f, logy && !(ys[s][i] > 0.0) ? NAN : ys[s][i]);
        fputc('\n', f);
    }
    int rc = close_data(f, dat_path);
    if (rc == 0) rc = draw("lines.gp", &params, png_path);
    free(params.s);
    return rc;
}

int plot_lines(const char *png_path, const char *dat_path, const char *title, const char *xlabel,
               const char *ylabel, const char *const *names, const double *x, const double *const *ys,
               int nseries, int npoints)
{
    return lines(png_path, dat_path, title, xlabel, ylabel, names, x, ys, nseries, npoints, 0, 0, 0);
}

int plot_stems(const char *png_path, const char *dat_path, const char *title, const char *xlabel,
               const char *ylabel, const char *const *names, const double *x, const double *const *ys,
               int nseries, int npoints)
{
    return lines(png_path, dat_path, title, xlabel, ylabel, names, x, ys, nseries, npoints, 0, 1, 0);
}

int plot_lines_logy(const char *png_path, const char *dat_path, const char *title, const char *xlabel,
                    const char *ylabel, const char *const *names, const double *x, const double *const *ys,
                    int nseries, int npoints)
{
    return lines(png_path, dat_path, title, xlabel, ylabel, names, x, ys, nseries, npoints, 1, 0, 0);
}

int plot_lines_pairs(const char *png_path, const char *dat_path, const char *title, const char *xlabel,
                     const char *ylabel, const char *const *names, const double *x, const double *const *ys,
                     int nseries, int npoints, int logy)
{
    return lines(png_path, dat_path, title, xlabel, ylabel, names, x, ys, nseries, npoints, logy != 0, 0, 1);
}

static int heatmap(const char *png_path, const char *dat_path, const char *title, const char *rowaxis,
                   const char *colaxis, const double *m, int rows, int cols, const char *const *rowlabels,
                   const char *const *collabels, int confusion)
{
    if (!png_path || !dat_path || !m || rows < 1 || cols < 1 || rows > 4096 || cols > 4096)
        return cn_fail("plot_heatmap: need output paths and a matrix of 1..4096 rows and columns (got %dx%d)",
                       rows, cols);
    title = title ? title : "";
    rowaxis = rowaxis ? rowaxis : "";
    colaxis = colaxis ? colaxis : "";
    if (check_text("title", title, 0) || check_text("row axis title", rowaxis, 0) ||
        check_text("column axis title", colaxis, 0))
        return -1;
    for (int r = 0; rowlabels && r < rows; r++)
        if (rowlabels[r] && check_text("row label", rowlabels[r], 1)) return -1;
    for (int c = 0; collabels && c < cols; c++)
        if (collabels[c] && check_text("column label", collabels[c], 1)) return -1;

    /* Column labels longer than a few characters are slanted so they do not collide. */
    size_t longest = 0;
    for (int c = 0; c < cols; c++) {
        size_t len = collabels && collabels[c] ? strlen(collabels[c]) : (size_t)snprintf(NULL, 0, "%d", c);
        if (len > longest) longest = len;
    }
    size_t n = (size_t)rows * (size_t)cols;
    int negative = 0;
    for (size_t i = 0; i < n; i++) negative |= m[i] < 0;
    /* Cells of about 52 pixels, within limits that keep labels readable. */
    int width = 240 + 52 * cols, height = 200 + 52 * rows;
    width = width < 480 ? 480 : width > 1400 ? 1400 : width;
    height = height < 400 ? 400 : height > 1300 ? 1300 : height;

    Str params = { 0 };
    param_str(&params, "datafile", dat_path);
    param_str(&params, "outfile", png_path);
    param_str(&params, "plottitle", title);
    param_str(&params, "rowlab", rowaxis);
    param_str(&params, "collab", colaxis);
    param_str(&params, "cellfmt", all_integers(m, n) ? "%.0f" : "%.2g");
    param_int(&params, "showvalues", n <= 400);
    param_int(&params, "signed", negative);
    param_int(&params, "xrot", longest > 3 ? 45 : 0);
    param_int(&params, "nrows", rows);
    param_int(&params, "ncols", cols);
    param_int(&params, "width", width);
    param_int(&params, "height", height);
    if (confusion) {
        /* the diagonal and the other cells each on their own scale */
        double dmax = 0.0, omax = 0.0;
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) {
                const double v = m[(size_t)r * (size_t)cols + (size_t)c];
                if (r == c) dmax = v > dmax ? v : dmax;
                else omax = v > omax ? v : omax;
            }
        param_int(&params, "confusion", 1);
        param_int(&params, "diagmax", (int)dmax);
        param_int(&params, "offmax", (int)omax);
    }

    FILE *f = open_data(dat_path);
    if (!f) {
        free(params.s);
        return -1;
    }
    put_howto(f, params.oom ? "" : params.s, "heatmap.gp");
    if (*title) fprintf(f, "# %s\n", title);
    fprintf(f, "# rows: %s; columns: %s\n", *rowaxis ? rowaxis : "row index", *colaxis ? colaxis : "column index");
    fputs("\"\"", f);
    for (int c = 0; c < cols; c++) {
        if (collabels && collabels[c]) fprintf(f, " \"%s\"", collabels[c]);
        else fprintf(f, " \"%d\"", c);
    }
    fputc('\n', f);
    for (int r = 0; r < rows; r++) {
        if (rowlabels && rowlabels[r]) fprintf(f, "\"%s\"", rowlabels[r]);
        else fprintf(f, "\"%d\"", r);
        for (int c = 0; c < cols; c++) put_value(f, m[(size_t)r * (size_t)cols + (size_t)c]);
        fputc('\n', f);
    }
    int rc = close_data(f, dat_path);
    if (rc == 0) rc = draw("heatmap.gp", &params, png_path);
    free(params.s);
    return rc;
}

int plot_heatmap(const char *png_path, const char *dat_path, const char *title, const char *rowaxis,
                 const char *colaxis, const double *m, int rows, int cols, const char *const *rowlabels,
                 const char *const *collabels)
{
    return heatmap(png_path, dat_path, title, rowaxis, colaxis, m, rows, cols, rowlabels, collabels, 0);
}

int plot_confusion(const char *png_path, const char *dat_path, const char *title, const double *m, int k,
                   const char *const *names)
{
    if (k < 1 || !m) return cn_fail("plot_confusion: need a square matrix of at least 1x1 (got %d)", k);
    for (int i = 0; i < k * k; i++)
        if (!(m[i] >= 0.0 && m[i] <= 2e9)) return cn_fail("plot_confusion: cell %d holds %g, not a count", i, m[i]);
    return heatmap(png_path, dat_path, title, "true class", "predicted class", m, k, k, names, names, 1);
}

int plot_bars(const char *png_path, const char *dat_path, const char *title, const char *ylabel,
              const char *const *labels, const double *values, int n)
{
    if (!png_path || !dat_path || !values || n < 1)
        return cn_fail("plot_bars: need output paths and at least one value (got %d)", n);
    title = title ? title : "";
    ylabel = ylabel ? ylabel : "";
    if (check_text("title", title, 0) || check_text("y label", ylabel, 0)) return -1;
    for (int i = 0; labels && i < n; i++)
        if (labels[i] && check_text("bar label", labels[i], 1)) return -1;

    Str params = { 0 };
    param_str(&params, "datafile", dat_path);
    param_str(&params, "outfile", png_path);
    param_str(&params, "plottitle", title);
    param_str(&params, "ylab", ylabel);
    param_str(&params, "valfmt", all_integers(values, (size_t)n) ? "%.0f" : "%.3g");
    size_t longest = 0;
    for (int i = 0; i < n; i++) {
        size_t len = labels && labels[i] ? strlen(labels[i]) : (size_t)snprintf(NULL, 0, "%d", i);
        if (len > longest) longest = len;
    }
    param_int(&params, "xrot", longest > 3 ? 30 : 0);

    FILE *f = open_data(dat_path);
    if (!f) {
        free(params.s);
        return -1;
    }
    put_howto(f, params.oom ? "" : params.s, "bars.gp");
    if (*title) fprintf(f, "# %s\n", title);
    for (int i = 0; i < n; i++) {
        if (labels && labels[i]) fprintf(f, "\"%s\"", labels[i]);
        else fprintf(f, "\"%d\"", i);
        put_value(f, values[i]);
        fputc('\n', f);
    }
    int rc = close_data(f, dat_path);
    if (rc == 0) rc = draw("bars.gp", &params, png_path);
    free(params.s);
    return rc;
}

char *plot_lines_ascii(const char *dat_path, const char *title, int width, int height)
{
    if (!dat_path) return cn_fail("plot_lines_ascii: no data file given"), NULL;
    if (title && check_text("title", title, 0)) return NULL;
    if (width < 1) width = 72;
    if (height < 1) height = 20;
    if (width < 20 || height < 8 || width > 1000 || height > 1000)
        return cn_fail("plot_lines_ascii: %dx%d characters is not a usable size (20..1000 x 8..1000)", width,
                       height), NULL;
    struct stat st;
    if (stat(dat_path, &st) != 0)
        return cn_fail("plot_lines_ascii: cannot read %s: %s", dat_path, strerror(errno)), NULL;
    char script[4096];
    if (plot_script_path(script, sizeof script, "lines.gp") != 0) return NULL;
    if (stat(script, &st) != 0)
        return cn_fail("plot: gnuplot script %s not found (%s)", script, strerror(errno)), NULL;

    Str params = { 0 };
    param_str(&params, "datafile", dat_path);
    param_str(&params, "term", "dumb");
    param_str(&params, "plottitle", title ? title : "");
    param_int(&params, "width", width);
    param_int(&params, "height", height);
    if (params.oom) {
        free(params.s);
        return cn_fail("plot_lines_ascii: out of memory"), NULL;
    }
    Str out = { 0 };
    int rc = run_gnuplot(script, params.s, &out);
    if (rc == PLOT_DATA_ONLY) {
        Str how = { 0 };
        shell_command(&how, params.s, script);
        cn_fail("gnuplot is not installed, so there is no text plot of %s. Install it (sudo apt-get install "
                "gnuplot-nox, or make deps), then: %s", dat_path, how.oom ? "gnuplot plots/lines.gp" : how.s);
        free(how.s);
    }
    free(params.s);
    if (rc != PLOT_OK || out.oom) {
        if (rc == PLOT_OK) cn_fail("plot_lines_ascii: out of memory");
        free(out.s);
        return NULL;
    }
    /* The dumb terminal starts a page with a form feed and pads every line
     * with spaces: drop both so the text sits cleanly in a terminal or a
     * Markdown code block. */
    Str clean = { 0 };
    const char *p = out.s ? out.s : "";
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        size_t end = len;
        while (end > 0 && (p[end - 1] == ' ' || p[end - 1] == '\f' || p[end - 1] == '\r')) end--;
        size_t start = 0;
        while (start < end && p[start] == '\f') start++;
        if (end > start || clean.len > 0) {
            str_putn(&clean, p + start, end - start);
            str_puts(&clean, "\n");
        }
        p += nl ? len + 1 : len;
    }
    while (clean.len > 1 && clean.s[clean.len - 1] == '\n' && clean.s[clean.len - 2] == '\n')
        clean.s[--clean.len] = '\0';
    free(out.s);
    if (clean.oom || !clean.s) {
        free(clean.s);
        return cn_fail("plot_lines_ascii: gnuplot printed nothing for %s", dat_path), NULL;
    }
    return clean.s;
}
