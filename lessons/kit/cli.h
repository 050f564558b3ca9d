/* cli.h - command-line flags for the lessons, tools and benchmarks.
 *
 * Part of the lesson kit, not of the library: cli_main stops the program
 * (exit) on --help or a bad command line, which core/ never does.
 *
 * A program lists its flags in a table and calls cli_parse:
 *
 *     int quick = 0; const char *image = NULL; int epochs = 10;
 *     CliOpt opts[] = {
 *         { "quick",  OPT_FLAG,   &quick,  "a few seconds: small data, one epoch" },
 *         { "image",  OPT_STRING, &image,  "FILE: use your own picture" },
 *         { "epochs", OPT_INT,    &epochs, "N: training epochs" },
 *     };
 *     cli_main(argc, argv, opts, 3, "what this lesson shows");
 *
 * Flags are written `--name value` or `--name=value`. An unknown flag, a
 * missing value or a value that is not a number is an error; --help prints
 * the table.
 */
#ifndef CN_CLI_H
#define CN_CLI_H

#include <limits.h>
#include <stdio.h>

#include "core/error.h"

typedef enum { OPT_FLAG, OPT_INT, OPT_FLOAT, OPT_STRING } OptKind;

typedef struct {
    const char *name;  /* without the leading dashes */
    OptKind kind;
    void *dest;        /* int * (FLAG, INT), float * (FLOAT), const char ** (STRING) */
    const char *help;  /* for a value, start with its placeholder: "N: ..." */
} CliOpt;

/* 0: parsed; 1: --help was asked for (usage printed to stdout);
 * -1: bad command line (message in cn_last_error()). */
int cli_parse(int argc, char **argv, const CliOpt *opts, int nopts);

/* cli_parse for a program that also takes names (files, folders): every
 * argument that does not start with '-' (and "-" itself, and every argument
 * after "--") is stored, in order, in pos[0..*npos); pos has room for argc
 * pointers. With pos NULL it is cli_parse. Same results as cli_parse. */
int cli_parse_args(int argc, char **argv, const CliOpt *opts, int nopts, char **pos, int *npos);

void cli_usage(FILE *f, const char *prog, const char *about, const CliOpt *opts, int nopts);

/* For programs: parse, print usage and exit(0) on --help, print the error
 * and a hint and exit(2) on a bad command line. */
void cli_main(int argc, char **argv, const CliOpt *opts, int nopts, const char *about);

/* cli_main with the names collected as cli_parse_args does. */
void cli_main_args(int argc, char **argv, const CliOpt *opts, int nopts, const char *about, char **pos, int *npos);

/* For lessons: cli_main, the usage being about and then where lesson id
 * writes: "Outputs: plots/out/<id>/ (or $CONVNET_OUT/<id>/)." */
void cli_lesson(int argc, char **argv, const CliOpt *opts, int nopts, const char *id, const char *about);

/* The value of a whole-number flag that was not given: initialise the
 * flag's int with it when its default depends on other flags (--quick), so
 * that every value given, 0 included, is checked and never silently
 * replaced. --help shows no default for it: its help text says it. */
#define CLI_UNSET INT_MIN

/* A whole-number flag *v left at CLI_UNSET (not given) becomes dflt (which
 * may depend on --quick); a value given outside lo..hi stops the program
 * with "--name v: give a number of `what` from lo to hi" (cli_refuse). */
void cli_int_or(int *v, int dflt, int lo, int hi, const char *name, const char *what);

/* A whole-number flag v outside lo..hi is a bad command line: "--seed -1:
 * give a seed from 0 to 2147483647" (what: "a seed"), exit status 2. */
void cli_int_in(int v, int lo, int hi, const char *name, const char *what);

/* A number flag v outside lo..hi (lo itself excluded when lo_open, hi when
 * hi_open) is a bad command line: "--momentum 1: give a momentum from 0
 * and below 1" (what: "a momentum"), exit status 2. */
void cli_float_in(float v, float lo, int lo_open, float hi, int hi_open, const char *name, const char *what);

/* Read a small matrix written as rows of numbers: rows separated by ';',
 * numbers by spaces or commas, a number optionally a fraction ("1/9"):
 * "0 -1 0; -1 5 -1; 0 -1 0". At most max_side rows and columns, every row
 * as long as the first. 0 with v (row-major, room for max_side^2 values),
 * *rows and *cols filled; -1 with a message naming what is wrong and
 * showing the form when the text is not such a matrix. */
int cli_parse_matrix(const char *text, int max_side, float *v, int *rows, int *cols);

/* For programs: a command line that parsed but makes no sense (a value out
 * of range, two flags that contradict each other). Prints "prog: message"
 * and the --help hint to stderr and exits with status 2, the status of
 * every bad command line (any other failure exits 1: core/die.h). */
void cli_refuse(const char *fmt, ...) CN_PRINTF(1, 2);

#endif
