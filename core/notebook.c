/* notebook.c - a lesson's story in the terminal and in plots/out/<id>/notebook.md
 * and notebook.html: every function below writes all three. */
#include "core/notebook.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/image.h"
#include "core/paths.h"
#include "core/source.h"

#define NB_WIDTH 78      /* terminal columns for wrapped text */
#define NB_PATH_MAX 4096
#define NB_NPATHS 8      /* nb_path buffers, reused in turn */

struct Notebook {
    FILE *term;          /* the terminal stream, or NULL */
    FILE *md;            /* notebook.md */
    FILE *html;          /* notebook.html: the same blocks as HTML */
    int color;           /* ANSI colours on term */
    int checks, failed;
    int io_error;        /* a write failed or memory ran out; nb_close reports it */
    int in_list;         /* the .md's last block was a list of checks, still open */
    int next_path;
    char id[128];
    char dir[NB_PATH_MAX];
    char md_path[NB_PATH_MAX];
    char html_path[NB_PATH_MAX];
    char paths[NB_NPATHS][NB_PATH_MAX];
};

/* --- small helpers -------------------------------------------------------------- */

static const char *ansi(const Notebook *nb, const char *code) { return nb->color ? code : ""; }
#define BOLD "\033[1m"
#define DIM "\033[2m"
#define GREEN "\033[32m"
#define RED "\033[31m"
#define RESET "\033[0m"

/* printf into a fresh string; NULL when out of memory. */
static char *vformat(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0) return NULL;
    char *s = malloc((size_t)n + 1);
    if (s) vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

/* Columns taken by s[0..n) in a terminal: one per UTF-8 character (the
 * continuation bytes 10xxxxxx do not count). */
static size_t display_width(const char *s, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++) w += ((unsigned char)s[i] & 0xC0) != 0x80;
    return w;
}

static void term_pad(FILE *f, size_t n)
{
    while (n-- > 0) fputc(' ', f);
}

static void term_rule(FILE *f, const char *piece, size_t n)
{
    while (n-- > 0) fputs(piece, f);
    fputc('\n', f);
}

/* Text for the .md: characters that Markdown would read as formatting are
 * escaped, except a leading "- " (a list item, on purpose). */
static void md_text(FILE *f, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (strchr("\\`*_[]<>|", c) || (c == '#' && i == 0)) fputc('\\', f);
        fputc(c, f);
    }
}

static void md_str(FILE *f, const char *s) { md_text(f, s, strlen(s)); }

/* A link target: spaces and parentheses would end or break the link. */
static void md_url(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == ' ') fputs("%20", f);
        else if (*s == '(') fputs("%28", f);
        else if (*s == ')') fputs("%29", f);
        else if (*s == '<') fputs("%3C", f);
        else if (*s == '>') fputs("%3E", f);
        else fputc(*s, f);
    }
}

/* Close an open list of checks: a Markdown block needs a blank line before it. */
static void html_block(Notebook *nb);
static void md_block(Notebook *nb)
{
    if (nb->in_list) fputc('\n', nb->md);
    html_block(nb);
    nb->in_list = 0;
}

/* --- the HTML page ----------------------------------------------------------------- */

/* Text for the .html: the characters HTML would read as markup become entities. */
static void html_text(FILE *f, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(s[i], f);
        }
    }
}

static void html_str(FILE *f, const char *s) { html_text(f, s, strlen(s)); }

/* before, then s escaped, then after. */
static void html_between(FILE *f, const char *before, const char *s, const char *after)
{
    fputs(before, f);
    html_str(f, s);
    fputs(after, f);
}

/* A relative URL: letters, digits, "-._~/" as they are, every other byte
 * (spaces, quotes, '#', '?', UTF-8) percent-encoded. */
static void html_url(FILE *f, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("-._~/", c))
            fputc(c, f);
        else
            fprintf(f, "%%%02X", c);
    }
}

/* The page's head: a small style sheet, so that it reads well opened from
 * disk with nothing else. */
static const char HTML_STYLE[] =
    "body{font:16px/1.5 system-ui,-apple-system,\"Segoe UI\",sans-serif;max-width:60rem;margin:2rem auto;"
    "padding:0 1rem;color:#1d232b;background:#fff}\n"
    "h1{font-size:1.8rem;border-bottom:2px solid #3a4a5c;padding-bottom:.3rem}\n"
    "h2{font-size:1.35rem;margin-top:2.2rem;border-bottom:1px solid #d0d7de;padding-bottom:.2rem}\n"
    ".note{color:#57606a;font-style:italic}\n"
    "pre{background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;padding:.7rem 1rem;overflow-x:auto;"
    "font:13px/1.45 ui-monospace,\"DejaVu Sans Mono\",monospace}\n"
    "pre.c{border-left:4px solid #3a6ea5}\n"
    "table{border-collapse:collapse;margin:1rem 0;font-size:.92rem}\n"
    "th,td{border:1px solid #d0d7de;padding:.25rem .6rem;text-align:left;vertical-align:top}\n"
    "th{background:#eef2f6}tr:nth-child(even) td{background:#f8fafc}td.num,th.num{text-align:right;"
    "font-variant-numeric:tabular-nums}\n"
    "figure{margin:1.2rem 0}figure img{max-width:100%;height:auto;border:1px solid #d0d7de;background:#2b3440}\n"
    "figcaption{color:#57606a;font-size:.92rem;font-style:italic}\n"
    "ul.checks{list-style:none;padding-left:.5rem}ul.checks li{margin:.2rem 0}\n"
    ".pass{color:#1a7f37;font-weight:bold}.fail{color:#cf222e;font-weight:bold}\n"
    "li.failed{background:#ffebe9;border-left:4px solid #cf222e;padding-left:.4rem}\n"
    ".missing{color:#cf222e}.tally{font-size:1.1rem;border-top:1px solid #d0d7de;padding-top:.6rem}\n";

/* Counts the page's pictures once they have loaded: <body data-images="12 of
 * 12 loaded">, for a browser test to read (an image that failed has no
 * width). Changes nothing a reader sees. */
static const char HTML_SCRIPT[] =
    "<script>window.addEventListener('load',function(){var im=document.images,ok=0;"
    "for(var i=0;i<im.length;i++)if(im[i].complete&&im[i].naturalWidth>0)ok++;"
    "document.body.setAttribute('data-images',ok+' of '+im.length+' loaded');});</script>\n";

/* Close an open list of checks in the .html. */
static void html_block(Notebook *nb)
{
    if (nb->in_list) fputs("</ul>\n", nb->html);
}

static void flush_both(Notebook *nb)
{
    if (nb->term) fflush(nb->term);
    if (fflush(nb->md) != 0 || ferror(nb->md)) nb->io_error = 1;
    if (fflush(nb->html) != 0 || ferror(nb->html)) nb->io_error = 1;
}

/* Print one line (no '\n' inside) wrapped at NB_WIDTH columns. A leading
 * indent and list marker ("- ", "* ", "1. ") set a hanging indent for the
 * continuation lines. Words longer than a line get a line of their own. */
static void term_wrap_line(FILE *f, const char *line, size_t len)
{
    size_t lead = 0;
    while (lead < len && line[lead] == ' ') lead++;
    size_t hang = lead;
    if (lead + 1 < len && (line[lead] == '-' || line[lead] == '*') && line[lead + 1] == ' ') {
        hang = lead + 2;
    } else {
        size_t d = lead;
        while (d < len && line[d] >= '0' && line[d] <= '9') d++;
        if (d > lead && d + 1 < len && line[d] == '.' && line[d + 1] == ' ') hang = d + 2;
    }
    if (hang > NB_WIDTH / 2) hang = lead = 0;

    fwrite(line, 1, lead, f);
    size_t col = lead, i = lead;
    int first = 1;
    while (i < len) {
        while (i < len && line[i] == ' ') i++;
        size_t start = i;
        while (i < len && line[i] != ' ') i++;
        if (i == start) break;
        size_t w = display_width(line + start, i - start);
        if (!first && col + 1 + w > NB_WIDTH) {
            fputc('\n', f);
            term_pad(f, hang);
            col = hang;
        } else if (!first) {
            fputc(' ', f);
            col++;
        }
        fwrite(line + start, 1, i - start, f);
        col += w;
        first = 0;
    }
    fputc('\n', f);
}

/* --- open, close, paths --------------------------------------------------------- */

static int valid_id(const char *id)
{
    if (!id || !*id || strlen(id) >= 128 || !strcmp(id, ".") || !strcmp(id, "..")) return 0;
    for (const char *p = id; *p; p++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.", *p)) return 0;
    return 1;
}

Notebook *nb_open(const char *lesson_id, const char *title) { return nb_open_to(lesson_id, title, stdout); }

Notebook *nb_open_to(const char *lesson_id, const char *title, FILE *term)
{
    if (!valid_id(lesson_id))
        return cn_fail("nb_open: lesson id \"%s\" must be 1..127 letters, digits, '_', '-' or '.' "
                       "(e.g. \"01_single_filter\")", lesson_id ? lesson_id : "(null)"), NULL;
    if (!title) title = lesson_id;
    Notebook *nb = calloc(1, sizeof *nb);
    if (!nb) return cn_fail("nb_open: out of memory"), NULL;
    snprintf(nb->id, sizeof nb->id, "%s", lesson_id);
    /* $CONVNET_OUT/<id> when set (tests, or a learner who wants the outputs
     * elsewhere), else <root>/plots/out/<id>. */
    const char *out = getenv("CONVNET_OUT");
    const char *root = out && *out ? out : cn_project_root();
    if (!root) {
        char why[768];
        snprintf(why, sizeof why, "%s", cn_last_error());
        free(nb);
        return cn_fail("nb_open: %s", why), NULL;
    }
    int n = out && *out ? snprintf(nb->dir, sizeof nb->dir, "%s/%s", root, lesson_id)
                        : snprintf(nb->dir, sizeof nb->dir, "%s/plots/out/%s", root, lesson_id);
    int m = snprintf(nb->md_path, sizeof nb->md_path, "%s/notebook.md", nb->dir);
    int k = snprintf(nb->html_path, sizeof nb->html_path, "%s/notebook.html", nb->dir);
    if (n < 0 || (size_t)n >= sizeof nb->dir || m < 0 || (size_t)m >= sizeof nb->md_path || k < 0 ||
        (size_t)k >= sizeof nb->html_path) {
        free(nb);
        return cn_fail("nb_open: output folder path under %s is too long", root), NULL;
    }
    if (cn_make_dirs(nb->dir) != 0) {
        char why[768];
        snprintf(why, sizeof why, "%s", cn_last_error());
        free(nb);
        return cn_fail("nb_open: cannot create the output folder of lesson %s: %s "
                       "(set CONVNET_OUT, or CONVNET_ROOT, to a writable folder to write elsewhere)", lesson_id, why), NULL;
    }
    nb->md = fopen(nb->md_path, "w");
    if (!nb->md) {
        cn_fail("nb_open: cannot write %s: %s", nb->md_path, strerror(errno));
        free(nb);
        return NULL;
    }
    nb->html = fopen(nb->html_path, "w");
    if (!nb->html) {
        cn_fail("nb_open: cannot write %s: %s", nb->html_path, strerror(errno));
        fclose(nb->md);
        free(nb);
        return NULL;
    }
    nb->term = term;
    const char *no_color = getenv("NO_COLOR");
    nb->color = term && isatty(fileno(term)) && !(no_color && *no_color);

    if (term) {
        fputs(ansi(nb, BOLD), term);
        term_rule(term, "═", NB_WIDTH);
        fprintf(term, "  %s\n", title);
        fputs(ansi(nb, RESET), term);
        fprintf(term, "%s  lesson %s; pictures, plots, notebook.md and notebook.html in %s/%s\n", ansi(nb, DIM), lesson_id,
                nb->dir, ansi(nb, RESET));
        fputs(ansi(nb, BOLD), term);
        term_rule(term, "═", NB_WIDTH);
        fputs(ansi(nb, RESET), term);
    }

    fputs("# ", nb->md);
    md_str(nb->md, title);
    fprintf(nb->md, "\n\n*The transcript of one run of `lessons/%s.c`: every number on this page was computed "
                    "in that run. Run the lesson again to regenerate it.*\n\n", lesson_id);
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>", nb->html);
    html_str(nb->html, title);
    fprintf(nb->html, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>", HTML_STYLE);
    html_str(nb->html, title);
    fprintf(nb->html, "</h1>\n<p class=\"note\">The transcript of one run of <code>lessons/%s.c</code>: every number "
                      "on this page was computed in that run. Run the lesson again to regenerate it.</p>\n", lesson_id);
    flush_both(nb);
    return nb;
}

const char *nb_dir(const Notebook *nb) { return nb ? nb->dir : NULL; }

const char *nb_path(Notebook *nb, const char *file)
{
    if (!nb || !file) return cn_fail("nb_path: no notebook or no file name"), NULL;
    char *buf = nb->paths[nb->next_path];
    nb->next_path = (nb->next_path + 1) % NB_NPATHS;
    int n = snprintf(buf, NB_PATH_MAX, "%s/%s", nb->dir, file);
    if (n < 0 || n >= NB_PATH_MAX) return cn_fail("nb_path: %s/%s is too long", nb->dir, file), NULL;
    return buf;
}

int nb_checks_run(const Notebook *nb) { return nb ? nb->checks : 0; }
int nb_checks_failed(const Notebook *nb) { return nb ? nb->failed : 0; }

int nb_close(Notebook *nb)
{
    if (!nb) return cn_fail("nb_close: no notebook (did nb_open fail?)");
    md_block(nb);
    if (nb->checks > 0) {
        int passed = nb->checks - nb->failed;
        if (nb->term) {
            fputc('\n', nb->term);
            fprintf(nb->term, "%s%d of %d checks passed%s", ansi(nb, nb->failed ? RED : GREEN), passed, nb->checks,
                    ansi(nb, RESET));
            if (nb->failed) fprintf(nb->term, "%s, %d failed%s", ansi(nb, RED), nb->failed, ansi(nb, RESET));
            fputc('\n', nb->term);
        }
        fprintf(nb->md, "---\n\n**%d of %d checks passed%s.**\n", passed, nb->checks,
                nb->failed ? ", see the ✘ above" : "");
        fprintf(nb->html, "<p class=\"tally %s\">%d of %d checks passed%s.</p>\n", nb->failed ? "fail" : "pass",
                passed, nb->checks, nb->failed ? ", see the ✘ above" : "");
    }
    fprintf(nb->html, "%s</body>\n</html>\n", HTML_SCRIPT);
    if (nb->term) fflush(nb->term);
    errno = 0;
    int bad = nb->io_error || fflush(nb->md) != 0 || ferror(nb->md) || fflush(nb->html) != 0 || ferror(nb->html);
    int e = errno;
    if (fclose(nb->md) != 0) {
        bad = 1;
        if (!e) e = errno;
    }
    if (fclose(nb->html) != 0) {
        bad = 1;
        if (!e) e = errno;
    }
    int failed = nb->failed;
    if (bad)
        cn_fail("nb_close: %s or %s was not written completely: %s", nb->md_path, nb->html_path,
                e ? strerror(e) : "a write failed or memory ran out");
    free(nb);
    return bad ? -1 : failed;
}

/* --- text ------------------------------------------------------------------------- */

void nb_section(Notebook *nb, const char *fmt, ...)
{
    if (!nb || !fmt) return;
    va_list ap;
    va_start(ap, fmt);
    char *s = vformat(fmt, ap);
    va_end(ap);
    if (!s) {
        nb->io_error = 1;
        return;
    }
    if (nb->term) {
        fprintf(nb->term, "\n%s%s%s\n", ansi(nb, BOLD), s, ansi(nb, RESET));
        size_t w = display_width(s, strlen(s));
        term_rule(nb->term, "─", w < NB_WIDTH ? w : NB_WIDTH);
    }
    md_block(nb);
    fputs("## ", nb->md);
    md_str(nb->md, s);
    fputs("\n\n", nb->md);
    html_between(nb->html, "<h2>", s, "</h2>\n");
    free(s);
    flush_both(nb);
}

void nb_para(Notebook *nb, const char *fmt, ...)
{
    if (!nb || !fmt) return;
    va_list ap;
    va_start(ap, fmt);
    char *s = vformat(fmt, ap);
    va_end(ap);
    if (!s) {
        nb->io_error = 1;
        return;
    }
    if (nb->term) fputc('\n', nb->term);
    md_block(nb);
    int in_p = 0, in_ul = 0; /* the .html's open <p> or <ul> */
    for (const char *p = s; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (nb->term) term_wrap_line(nb->term, p, len);
        md_text(nb->md, p, len);
        /* HTML: lines starting with "- " are the items of a list, the other
         * lines of a paragraph, kept apart by <br>. */
        const int item = len >= 2 && p[0] == '-' && p[1] == ' ';
        if (item) {
            fputs(in_p ? "</p>\n<ul>\n<li>" : in_ul ? "<li>" : "<ul>\n<li>", nb->html);
            html_text(nb->html, p + 2, len - 2);
            fputs("</li>\n", nb->html);
        } else {
            fputs(in_ul ? "</ul>\n<p>" : in_p ? "<br>\n" : "<p>", nb->html);
            html_text(nb->html, p, len);
        }
        in_p = !item, in_ul = item;
        /* Keep the line break in Markdown too (two trailing spaces), unless the
         * next line is a list item, which starts a new line anyway. */
        const char *next = nl ? nl + 1 : NULL;
        if (next && *next) fputs(next[0] == '-' && next[1] == ' ' ? "\n" : "  \n", nb->md);
        p = nl ? nl + 1 : p + len;
    }
    fputs("\n\n", nb->md);
    fputs(in_ul ? "</ul>\n" : in_p ? "</p>\n" : "", nb->html);
    free(s);
    flush_both(nb);
}

/* --- matrices and tables ----------------------------------------------------------- */

/* v with `prec` decimals into buf; "-0.00" becomes "0.00" (a tiny negative
 * rounded to zero is zero on the page). */
static void format_value(char *buf, size_t size, float v, int prec)
{
    snprintf(buf, size, "%.*f", prec, (double)v);
    if (buf[0] == '-' && strspn(buf + 1, "0.") == strlen(buf + 1)) memmove(buf, buf + 1, strlen(buf));
}

void nb_matrix(Notebook *nb, const char *caption, const float *m, int rows, int cols, int precision)
{
    if (!nb) return;
    if (!m || rows < 1 || cols < 1) {
        nb_para(nb, "(nb_matrix: nothing to show for a %dx%d matrix)", rows, cols);
        return;
    }
    if (precision < 0) precision = 0;
    if (precision > 9) precision = 9;
    char buf[64];
    size_t width = 1;
    for (size_t i = 0; i < (size_t)rows * (size_t)cols; i++) {
        format_value(buf, sizeof buf, m[i], precision);
        if (strlen(buf) > width) width = strlen(buf);
    }
    md_block(nb);
    if (caption) {
        if (nb->term) fprintf(nb->term, "\n%s (%dx%d):\n", caption, rows, cols);
        fputs("**", nb->md);
        md_str(nb->md, caption);
        fprintf(nb->md, "** (%d×%d)\n\n", rows, cols);
        html_between(nb->html, "<p><b>", caption, "</b>");
        fprintf(nb->html, " (%d×%d)</p>\n", rows, cols);
    } else if (nb->term) {
        fputc('\n', nb->term);
    }
    fputs("```text\n", nb->md);
    fputs("<pre>", nb->html);
    /* The same aligned rows in both outputs: values right-aligned in columns
     * as wide as the widest value, two spaces apart. */
    for (int r = 0; r < rows; r++) {
        if (nb->term) fputs("    ", nb->term);
        for (int c = 0; c < cols; c++) {
            format_value(buf, sizeof buf, m[(size_t)r * (size_t)cols + (size_t)c], precision);
            if (nb->term) fprintf(nb->term, "%s%*s", c ? "  " : "", (int)width, buf);
            fprintf(nb->md, "%s%*s", c ? "  " : "", (int)width, buf);
            fprintf(nb->html, "%s%*s", c ? "  " : "", (int)width, buf);
        }
        if (nb->term) fputc('\n', nb->term);
        fputc('\n', nb->md);
        fputc('\n', nb->html);
    }
    fputs("```\n\n", nb->md);
    fputs("</pre>\n", nb->html);
    flush_both(nb);
}

/* A cell that reads as a number (optionally with a % sign) is right-aligned. */
static int is_number(const char *s)
{
    char *end;
    if (!*s) return 0;
    strtod(s, &end);
    return end != s && (*end == '\0' || (end[0] == '%' && end[1] == '\0'));
}

void nb_table(Notebook *nb, const char *const *header, const char *const *cells, int rows, int cols)
{
    if (!nb) return;
    if (!cells || rows < 0 || cols < 1 || cols > 64) {
        nb_para(nb, "(nb_table: nothing to show for %d rows of %d columns)", rows, cols);
        return;
    }
    size_t width[64];
    int numeric[64];
    for (int c = 0; c < cols; c++) {
        width[c] = header && header[c] ? display_width(header[c], strlen(header[c])) : 0;
        numeric[c] = rows > 0;
        for (int r = 0; r < rows; r++) {
            const char *s = cells[(size_t)r * (size_t)cols + (size_t)c];
            s = s ? s : "";
            size_t w = display_width(s, strlen(s));
            if (w > width[c]) width[c] = w;
            if (!is_number(s)) numeric[c] = 0;
        }
    }
    if (nb->term) {
        fputc('\n', nb->term);
        if (header) {
            fputs("  ", nb->term);
            for (int c = 0; c < cols; c++) {
                const char *h = header[c] ? header[c] : "";
                size_t pad = width[c] - display_width(h, strlen(h));
                fprintf(nb->term, "%s%s", c ? "  " : "", ansi(nb, BOLD));
                if (numeric[c]) term_pad(nb->term, pad);
                fputs(h, nb->term);
                fputs(ansi(nb, RESET), nb->term);
                if (!numeric[c] && c + 1 < cols) term_pad(nb->term, pad);
            }
            fputs("\n  ", nb->term);
            size_t total = 0;
            for (int c = 0; c < cols; c++) total += width[c] + (c ? 2 : 0);
            term_rule(nb->term, "─", total);
        }
        for (int r = 0; r < rows; r++) {
            fputs("  ", nb->term);
            for (int c = 0; c < cols; c++) {
                const char *s = cells[(size_t)r * (size_t)cols + (size_t)c];
                s = s ? s : "";
                size_t pad = width[c] - display_width(s, strlen(s));
                if (c) fputs("  ", nb->term);
                if (numeric[c]) term_pad(nb->term, pad);
                fputs(s, nb->term);
                if (!numeric[c] && c + 1 < cols) term_pad(nb->term, pad);
            }
            fputc('\n', nb->term);
        }
    }
    /* Markdown needs a header row; an empty one when none is given. */
    md_block(nb);
    fputc('|', nb->md);
    for (int c = 0; c < cols; c++) {
        fputc(' ', nb->md);
        if (header && header[c]) md_str(nb->md, header[c]);
        fputs(" |", nb->md);
    }
    fputs("\n|", nb->md);
    for (int c = 0; c < cols; c++) fputs(numeric[c] ? " ---: |" : " --- |", nb->md);
    fputc('\n', nb->md);
    for (int r = 0; r < rows; r++) {
        fputc('|', nb->md);
        for (int c = 0; c < cols; c++) {
            const char *s = cells[(size_t)r * (size_t)cols + (size_t)c];
            fputc(' ', nb->md);
            md_str(nb->md, s ? s : "");
            fputs(" |", nb->md);
        }
        fputc('\n', nb->md);
    }
    fputc('\n', nb->md);
    /* HTML: the same table, number columns right-aligned */
    fputs("<table>\n", nb->html);
    if (header) {
        fputs("<thead><tr>", nb->html);
        for (int c = 0; c < cols; c++) {
            fputs(numeric[c] ? "<th class=\"num\">" : "<th>", nb->html);
            html_str(nb->html, header[c] ? header[c] : "");
            fputs("</th>", nb->html);
        }
        fputs("</tr></thead>\n", nb->html);
    }
    fputs("<tbody>\n", nb->html);
    for (int r = 0; r < rows; r++) {
        fputs("<tr>", nb->html);
        for (int c = 0; c < cols; c++) {
            const char *s = cells[(size_t)r * (size_t)cols + (size_t)c];
            fputs(numeric[c] ? "<td class=\"num\">" : "<td>", nb->html);
            html_str(nb->html, s ? s : "");
            fputs("</td>", nb->html);
        }
        fputs("</tr>\n", nb->html);
    }
    fputs("</tbody>\n</table>\n", nb->html);
    flush_both(nb);
}

/* Verbatim text[0, n) as a fenced block of language `lang` in the .md,
 * indented by four in the terminal. */
static void code_block(Notebook *nb, const char *lang, const char *text, size_t n)
{
    /* The fence must be longer than any run of backticks inside the text. */
    size_t longest = 0, run = 0;
    for (size_t i = 0; i < n; i++) {
        run = text[i] == '`' ? run + 1 : 0;
        if (run > longest) longest = run;
    }
    size_t fence = longest >= 3 ? longest + 1 : 3;
    if (nb->term) fputc('\n', nb->term);
    md_block(nb);
    for (size_t i = 0; i < fence; i++) fputc('`', nb->md);
    fprintf(nb->md, "%s\n", lang);
    fprintf(nb->html, "<pre class=\"%s\"><code>", lang);
    for (const char *p = text, *stop = text + n; p < stop;) {
        const char *nl = memchr(p, '\n', (size_t)(stop - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(stop - p);
        if (nb->term) {
            fputs("    ", nb->term);
            fwrite(p, 1, len, nb->term);
            fputc('\n', nb->term);
        }
        fwrite(p, 1, len, nb->md);
        fputc('\n', nb->md);
        html_text(nb->html, p, len);
        fputc('\n', nb->html);
        p = nl ? nl + 1 : stop;
    }
    for (size_t i = 0; i < fence; i++) fputc('`', nb->md);
    fputs("\n\n", nb->md);
    fputs("</code></pre>\n", nb->html);
    flush_both(nb);
}

void nb_code(Notebook *nb, const char *text)
{
    if (!nb || !text) return;
    code_block(nb, "text", text, strlen(text));
}

/* --- the library's own code ----------------------------------------------------- */

#define NB_SOURCE_MAX (1 << 20) /* larger files are not this project's sources */

/* The whole file (NUL-terminated, caller frees) and its modification time,
 * or NULL with the reason in why. */
static char *read_source(const char *path, time_t *mtime, char *why, size_t why_size)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(why, why_size, "%s: %s", path, strerror(errno));
        return NULL;
    }
    if (!S_ISREG(st.st_mode) || st.st_size > NB_SOURCE_MAX) {
        snprintf(why, why_size, "%s is not a source file of at most %d bytes", path, NB_SOURCE_MAX);
        return NULL;
    }
    FILE *f = fopen(path, "rb");
    char *text = f ? malloc((size_t)st.st_size + 1) : NULL;
    size_t got = text ? fread(text, 1, (size_t)st.st_size, f) : 0;
    if (f) fclose(f);
    if (!text) {
        snprintf(why, why_size, "%s: %s", path, f ? "out of memory" : strerror(errno));
        return NULL;
    }
    text[got] = '\0';
    *mtime = st.st_mtime;
    return text;
}

int nb_code_from_source(Notebook *nb, const char *rel_path, const char *function_name)
{
    if (!nb) return 0;
    if (!rel_path || !function_name || !*rel_path || !*function_name) {
        nb_para(nb, "(nb_code_from_source: no file or no function name was given.)");
        return 0;
    }
    /* The checkout the program runs from first (its sources are the ones it
     * was built from), then $CONVNET_ROOT. */
    const char *roots[2] = { cn_source_root(), getenv("CONVNET_ROOT") };
    char path[NB_PATH_MAX], why[NB_PATH_MAX + 128] = "no project folder was found";
    char *text = NULL;
    time_t mtime = 0;
    for (int r = 0; r < 2 && !text; r++) {
        if (!roots[r] || !*roots[r] || (r == 1 && roots[0] && !strcmp(roots[0], roots[1]))) continue;
        int n = snprintf(path, sizeof path, "%s/%s", roots[r], rel_path);
        if (n > 0 && n < (int)sizeof path) text = read_source(path, &mtime, why, sizeof why);
    }
    if (!text) {
        nb_para(nb, "(Here the notebook would show %s() as it is written in %s, but the source is not "
                    "here (%s): this program runs without the convnet-c sources. Read %s() in %s of the "
                    "source tree.)", function_name, rel_path, why, function_name, rel_path);
        return 0;
    }
    SourceSpan span;
    if (source_find_function(text, function_name, &span) != 0) {
        nb_para(nb, "(Here the notebook would show %s(), but %s holds no definition of it any more: the "
                    "source has changed since the lesson was written. Look for the loop in %s.)",
                function_name, path, rel_path);
        free(text);
        return 0;
    }
    /* The caption: file and lines, and a warning when the source is newer
     * than the program that is running. */
    struct stat exe;
    int stale = stat("/proc/self/exe", &exe) == 0 && mtime > exe.st_mtime;
    if (nb->term)
        fprintf(nb->term, "\n%s%s, lines %d-%d%s%s\n", ansi(nb, BOLD), rel_path, span.first_line,
                span.last_line, ansi(nb, RESET),
                stale ? " (changed since this program was built: run make build)" : "");
    md_block(nb);
    fprintf(nb->md, "**");
    md_str(nb->md, rel_path);
    fprintf(nb->md, ", lines %d-%d**%s\n\n", span.first_line, span.last_line,
            stale ? " (changed since this program was built: run `make build`)" : "");
    html_between(nb->html, "<p><b>", rel_path, "");
    fprintf(nb->html, ", lines %d-%d</b>%s</p>\n", span.first_line, span.last_line,
            stale ? " (changed since this program was built: run <code>make build</code>)" : "");
    code_block(nb, "c", text + span.begin, span.end - span.begin);
    free(text);
    return 1;
}

/* --- pictures --------------------------------------------------------------------- */

static void picture(Notebook *nb, const char *kind, const char *caption, const char *file)
{
    if (!nb || !file) return;
    if (!caption) caption = file;
    char full[NB_PATH_MAX];
    int n = snprintf(full, sizeof full, "%s/%s", nb->dir, file);
    struct stat st;
    int present = n > 0 && n < NB_PATH_MAX && stat(full, &st) == 0 && st.st_size > 0;
    int is_plot = !strcmp(kind, "plot");
    md_block(nb);
    if (present) {
        if (nb->term)
            fprintf(nb->term, "\n%s[%s]%s %s → %s\n", ansi(nb, BOLD), kind, ansi(nb, RESET), caption, full);
        fputs("![", nb->md);
        md_str(nb->md, caption);
        fputs("](", nb->md);
        md_url(nb->md, file);
        fputs(")\n\n*", nb->md);
        md_str(nb->md, caption);
        fputs("*\n\n", nb->md);
        fputs("<figure><img src=\"", nb->html);
        html_url(nb->html, file);
        html_between(nb->html, "\" alt=\"", caption, "\">");
        html_between(nb->html, "<figcaption>", caption, "</figcaption></figure>\n");
    } else if (is_plot) {
        if (nb->term)
            fprintf(nb->term, "\n%s[plot not drawn]%s %s → %s\n    (gnuplot was not available: the first line of "
                              "the .dat file beside it is the command that draws it)\n",
                    ansi(nb, BOLD), ansi(nb, RESET), caption, full);
        fputs("*", nb->md);
        md_str(nb->md, caption);
        fputs(": not drawn (gnuplot was not available when the lesson ran; the first line of the `.dat` file "
              "beside `", nb->md);
        fputs(file, nb->md);
        fputs("` is the command that draws it).*\n\n", nb->md);
        html_between(nb->html, "<p class=\"note\">", caption,
                     ": not drawn (gnuplot was not available when the lesson ran; the first line of the "
                     "<code>.dat</code> file beside <code>");
        html_between(nb->html, "", file, "</code> is the command that draws it).</p>\n");
    } else {
        if (nb->term)
            fprintf(nb->term, "\n%s[%s missing]%s %s → %s\n", ansi(nb, RED), kind, ansi(nb, RESET), caption, full);
        fputs("*", nb->md);
        md_str(nb->md, caption);
        fputs(": the image `", nb->md);
        fputs(file, nb->md);
        fputs("` was not written.*\n\n", nb->md);
        html_between(nb->html, "<p class=\"missing\">", caption, ": the image <code>");
        html_between(nb->html, "", file, "</code> was not written.</p>\n");
    }
    flush_both(nb);
}

void nb_image(Notebook *nb, const char *caption, const char *file) { picture(nb, "image", caption, file); }

void nb_plot(Notebook *nb, const char *caption, const char *file) { picture(nb, "plot", caption, file); }

/* --- checks ------------------------------------------------------------------------- */

int nb_check(Notebook *nb, int ok, const char *fmt, ...)
{
    ok = ok != 0;
    if (!nb || !fmt) return ok;
    va_list ap;
    va_start(ap, fmt);
    char *s = vformat(fmt, ap);
    va_end(ap);
    nb->checks++;
    nb->failed += !ok;
    if (!s) {
        nb->io_error = 1;
        return ok;
    }
    if (nb->term) {
        if (!nb->in_list) fputc('\n', nb->term);
        fprintf(nb->term, "  %s%s%s %s\n", ansi(nb, ok ? GREEN : RED), ok ? "✔" : "✘", ansi(nb, RESET), s);
    }
    fputs(ok ? "- ✔ " : "- ✘ **FAILED:** ", nb->md);
    md_str(nb->md, s);
    fputc('\n', nb->md);
    if (!nb->in_list) fputs("<ul class=\"checks\">\n", nb->html);
    html_between(nb->html, ok ? "<li><span class=\"pass\">✔</span> " : "<li class=\"failed\"><span class=\"fail\">✘ "
                                                                       "FAILED:</span> ", s, "</li>\n");
    nb->in_list = 1;
    free(s);
    flush_both(nb);
    return ok;
}
