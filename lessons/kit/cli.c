/* cli.c - see cli.h. */
#include "lessons/kit/cli.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

/* The program's name for the messages of the range checks, once cli_main has seen it. */

static const CliOpt *find(const CliOpt *opts, int nopts, const char *name, size_t len)
{
    for (int i = 0; i < nopts; i++)
        if (strlen(opts[i].name) == len && strncmp(opts[i].name, name, len) == 0) return &opts[i];
    return NULL;
}

static int set_value(const CliOpt *o, const char *v)
{
    char *end;
    errno = 0;
    switch (o->kind) {
    case OPT_INT: {
        long x = strtol(v, &end, 10);
        if (end == v || *end || errno || x <= INT_MIN || x > INT_MAX)
            return cn_fail("--%s expects a whole number, got \"%s\"", o->name, v);
        *(int *)o->dest = (int)x;
        return 0;
    }
    case OPT_FLOAT: {
        float x = strtof(v, &end);
        if (end == v || *end || errno || !isfinite(x))
            return cn_fail("--%s expects a number, got \"%s\"", o->name, v);
        *(float *)o->dest = x;
        return 0;
    }
    case OPT_STRING:
        *(const char **)o->dest = v;
        return 0;
    case OPT_FLAG:
        break;
    }
    return cn_fail("--%s takes no value", o->name);
}

int cli_parse_args(int argc, char **argv, const CliOpt *opts, int nopts, char **pos, int *npos)
{
    if (npos) *npos = 0;
    int flags_done = 0;   /* after "--", every argument is a name */
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!flags_done && pos && strcmp(a, "--") == 0) {
            flags_done = 1;
            continue;
        }
        if (pos && (flags_done || a[0] != '-' || strcmp(a, "-") == 0)) {
            pos[(*npos)++] = argv[i];
            continue;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) return 1;
        if (strncmp(a, "--", 2) != 0 || a[2] == '\0')
            return cn_fail("unexpected argument \"%s\" (flags start with --%s)", a,
                           pos ? "; a name starting with - goes after --" : "");
        const char *name = a + 2, *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        const CliOpt *o = find(opts, nopts, name, len);
        if (!o) return cn_fail("unknown flag \"%s\"", a);
        if (o->kind == OPT_FLAG) {
            if (eq) return cn_fail("--%s takes no value", o->name);
            *(int *)o->dest = 1;
            continue;
        }
        const char *v = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
        if (!v) return cn_fail("--%s needs a value", o->name);
        if (set_value(o, v)) return -1;
    }
    return 0;
}

int cli_parse(int argc, char **argv, const CliOpt *opts, int nopts)
{
    return cli_parse_args(argc, argv, opts, nopts, NULL, NULL);
}

void cli_usage(FILE *f, const char *prog, const char *about, const CliOpt *opts, int nopts)
{
    fprintf(f, "usage: %s [flags]\n\n%s\n\nflags:\n", prog, about);
    for (int i = 0; i < nopts; i++) {
        const char *h = opts[i].help, *colon = strstr(h, ": ");
        char left[64];
        if (opts[i].kind != OPT_FLAG && colon)
            snprintf(left, sizeof left, "--%s %.*s", opts[i].name, (int)(colon - h), h);
        else
            snprintf(left, sizeof left, "--%s", opts[i].name);
        const char *text = (opts[i].kind != OPT_FLAG && colon) ? colon + 2 : h;
        fprintf(f, "  %-22s %s", left, text);
        /* a help text that states its default itself (it may depend on other
         * flags) is left as it is */
        switch (strstr(text, "(default") ? OPT_FLAG : opts[i].kind) {
        case OPT_INT:
            if (*(int *)opts[i].dest != CLI_UNSET) fprintf(f, " (default %d)", *(int *)opts[i].dest);
            break;
        case OPT_FLOAT: fprintf(f, " (default %g)", *(float *)opts[i].dest); break;
        case OPT_STRING:
            if (*(const char **)opts[i].dest) fprintf(f, " (default %s)", *(const char **)opts[i].dest);
            break;
        case OPT_FLAG: break;
        }
        fputc('\n', f);
    }
    fprintf(f, "  %-22s %s\n", "--help", "show this help");
}

/* The program's name for cli_refuse, set by cli_main_args. */
static const char *prog_name = "program";

void cli_refuse(const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    fprintf(stderr, "%s: ", prog_name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n(run %s --help to see the flags)\n", prog_name);
    exit(2);
}

void cli_main_args(int argc, char **argv, const CliOpt *opts, int nopts, const char *about, char **pos, int *npos)
{
    const char *prog = argc > 0 ? argv[0] : "lesson";
    prog_name = prog;
    int r = cli_parse_args(argc, argv, opts, nopts, pos, npos);
    if (r == 1) {
        cli_usage(stdout, prog, about, opts, nopts);
        exit(0);
    }
    if (r < 0) {
        fprintf(stderr, "%s: %s\n(run %s --help to see the flags)\n", prog, cn_last_error(), prog);
        exit(2);
    }
}

void cli_main(int argc, char **argv, const CliOpt *opts, int nopts, const char *about)
{
    cli_main_args(argc, argv, opts, nopts, about, NULL, NULL);
}

void cli_lesson(int argc, char **argv, const CliOpt *opts, int nopts, const char *id, const char *about)
{
    char text[2048];
    snprintf(text, sizeof text, "%s\nOutputs: plots/out/%s/ (or $CONVNET_OUT/%s/).", about, id, id);
    cli_main(argc, argv, opts, nopts, text);
}

void cli_int_or(int *v, int dflt, int lo, int hi, const char *name, const char *what)
{
    if (*v == CLI_UNSET) *v = dflt;
    if (*v < lo || *v > hi) cli_refuse("--%s %d: give a number of %s from %d to %d", name, *v, what, lo, hi);
}

void cli_int_in(int v, int lo, int hi, const char *name, const char *what)
{
    if (v < lo || v > hi) cli_refuse("--%s %d: give %s from %d to %d", name, v, what, lo, hi);
}

void cli_float_in(float v, float lo, int lo_open, float hi, int hi_open, const char *name, const char *what)
{
    if (v < lo || (lo_open && v == lo) || v > hi || (hi_open && v == hi))
        cli_refuse("--%s %g: give %s %s %g and %s %g", name, (double)v, what, lo_open ? "above" : "from",
                   (double)lo, hi_open ? "below" : "at most", (double)hi);
}

/* --- a matrix in one flag ------------------------------------------------------------ */

/* One number at *p (optionally "a/b"), advancing *p; -1 when there is none. */
static int matrix_number(const char **p, float *out)
{
    char *end;
    errno = 0;
    double a = strtod(*p, &end);
    if (end == *p || errno) return -1;
    if (*end == '/') {
        const char *q = end + 1;
        double b = strtod(q, &end);
        if (end == q || errno || b == 0.0) return -1;
        a /= b;
    }
    if (!isfinite(a) || fabs(a) > 1e6) return -1;
    *out = (float)a;
    *p = end;
    return 0;
}

int cli_parse_matrix(const char *text, int max_side, float *v, int *rows, int *cols)
{
    static const char form[] = "write the rows between quotes, numbers apart, rows apart with ';', "
                               "e.g. \"0 -1 0; -1 5 -1; 0 -1 0\"";
    if (!text || !v || !rows || !cols || max_side < 1) return cn_fail("cli_parse_matrix: bad arguments");
    int r = 0, c = 0, n = 0;
    const char *p = text;
    for (;;) {
        int in_row = 0;
        for (;;) {
            while (*p == ' ' || *p == '\t' || *p == ',') p++;
            if (*p == ';' || *p == '\0') break;
            float x;
            const char *at = p;
            if (matrix_number(&p, &x) != 0 || (*p && !strchr(" \t,;", *p))) {
                size_t len = strcspn(at, " \t,;");
                return cn_fail("\"%.*s\" in row %d is not a number (whole, decimal or a fraction such as 1/9, "
                               "at most 1e6 in size): %s", (int)(len < 40 ? len : 40), at, r + 1, form);
            }
            if (in_row == max_side || (r > 0 && in_row == c))
                return cn_fail("row %d has more than %d numbers: %s", r + 1, r > 0 ? c : max_side,
                               r > 0 ? "every row needs as many numbers as the first" : form);
            v[n++] = x;
            in_row++;
        }
        if (in_row == 0) return cn_fail("row %d is empty: %s", r + 1, form);
        if (r == 0) c = in_row;
        else if (in_row != c)
            return cn_fail("row %d has %d numbers and row 1 has %d: every row needs as many numbers as the first",
                           r + 1, in_row, c);
        r++;
        if (*p == '\0') break;
        p++; /* the ';' */
        if (r == max_side) return cn_fail("more than %d rows: the largest kernel here is %dx%d", max_side, max_side,
                                          max_side);
    }
    *rows = r;
    *cols = c;
    return 0;
}

