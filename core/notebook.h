/* notebook.h - how a lesson tells its story: in the terminal, and the same
 * story as a Markdown page and as a web page with the images inline, to be
 * read after the run.
 *
 *     Notebook *nb = nb_open("01_single_filter", "A single filter");
 *     CN_CHECK(nb);
 *     nb_section(nb, "The photograph");
 *     nb_para(nb, "A %dx%d gray image, values in [0, 1].", w, h);
 *     CN_CHECK(image_write_png(nb_path(nb, "photo.png"), img->data, 1, h, w) == 0);
 *     nb_image(nb, "the input", "photo.png");
 *     nb_check(nb, fabsf(sum - 1) < 1e-6f, "the blur kernel sums to 1 (sum = %.7f)", sum);
 *     return nb_close(nb) == 0 ? 0 : 1;
 *
 * Everything a lesson writes goes into one folder,
 * cn_project_root()/plots/out/<lesson_id>/ ($CONVNET_ROOT if set, else the
 * checkout the program runs from; see core/paths.h), with the transcript in notebook.md
 * and notebook.html there; images are linked relative to them, so the folder
 * can be moved or published as it is. notebook.html is one file with a small
 * style sheet inside (no other file but the pictures beside it), written by
 * the same calls as the .md: no Markdown converter is involved. It counts
 * its pictures once they have loaded into <body data-images="N of M
 * loaded">, for a browser test to read. When the environment variable CONVNET_OUT is set and
 * non-empty, the folder is $CONVNET_OUT/<lesson_id>/ instead: only the
 * outputs move, the data is still read from the project root (the lesson
 * tests use it so a run never overwrites a learner's plots/out/).
 *
 * This is the one part of core/ that prints: the terminal is the lesson's
 * voice. Output goes to stdout (or the stream given to nb_open_to); ANSI colours
 * are used only when it is a terminal and NO_COLOR is not set. Text is plain
 * (characters that mean something in Markdown are escaped in the .md);
 * lines that start with "- " stay list items in both outputs.
 *
 * Functions that return void record I/O failures (a full disk, no memory)
 * and nb_close reports them. Every function accepts nb == NULL and then does
 * nothing, so a failed nb_open is reported once, by CN_CHECK.
 */
#ifndef CN_NOTEBOOK_H
#define CN_NOTEBOOK_H

#include <stdio.h>

#include "core/error.h"

typedef struct Notebook Notebook;

/* Create the lesson's output folder, its notebook.md and notebook.html, and
 * print the title.
 * lesson_id: letters, digits, '_', '-', '.' (e.g. "01_single_filter").
 * NULL with a message on failure. */
Notebook *nb_open(const char *lesson_id, const char *title);
/* The same, printing to `term` instead of stdout (NULL: no terminal output). */
Notebook *nb_open_to(const char *lesson_id, const char *title, FILE *term);

/* Print and write the tally of checks, flush and close notebook.md and
 * notebook.html, free nb. Returns the number of failed checks (0 = all
 * claims held), or -1 if either could not be written completely (message in
 * cn_last_error()). */
int nb_close(Notebook *nb);

/* The lesson's output folder (absolute when the root is). */
const char *nb_dir(const Notebook *nb);

/* The full path of `file` inside the output folder, for the functions that
 * write images, plots and data. The result lives in one of 8 buffers inside
 * nb, reused in turn: valid for the next 7 calls. NULL if too long. */
const char *nb_path(Notebook *nb, const char *file);

/* A section heading. */
void nb_section(Notebook *nb, const char *fmt, ...) CN_PRINTF(2, 3);

/* A paragraph, re-wrapped to 78 columns in the terminal. A '\n' starts a new
 * line; a line starting with "- " is a list item whose continuation lines
 * are indented under its text. */
void nb_para(Notebook *nb, const char *fmt, ...) CN_PRINTF(2, 3);

/* A (rows, cols) row-major matrix with `precision` decimals, columns aligned
 * (a code block in the .md). caption may be NULL. */
void nb_matrix(Notebook *nb, const char *caption, const float *m, int rows, int cols, int precision);

/* A small text table: header (cols strings, or NULL for none) and cells,
 * rows x cols strings row-major. Aligned in the terminal, a pipe table in
 * the .md. */
void nb_table(Notebook *nb, const char *const *header, const char *const *cells, int rows, int cols);

/* Verbatim text (a code listing, an ASCII plot): indented in the terminal,
 * a fenced block in the .md. */
void nb_code(Notebook *nb, const char *text);

/* Show the library's own function `function_name` as it is in the source
 * file rel_path (relative to the project folder, e.g. "core/conv.c"): a C
 * code block with the comment above the definition, under a line naming
 * the file and the line range ("core/conv.c, lines 91-110"). The file is
 * read when the lesson runs, from the checkout the program runs from
 * (cn_source_root), else from $CONVNET_ROOT, so the page cannot drift from
 * the code; when the file is newer than the running program, the page says
 * to rebuild. Without the source (an installed program, a renamed
 * function) a sentence says where to read it instead: never a failure.
 * Returns 1 when the code was shown, 0 when the sentence was written. */
int nb_code_from_source(Notebook *nb, const char *rel_path, const char *function_name);

/* An image already written to `file` (relative to the output folder, e.g.
 * via nb_path): the terminal shows "[image] caption → path", the .md shows
 * the picture and its caption. A missing file is said to be missing. */
void nb_image(Notebook *nb, const char *caption, const char *file);

/* The same for a plot drawn by plot_*(). When the PNG is missing because
 * gnuplot is not installed, says so and points at the data file's first
 * line, which is the command that draws it. */
void nb_plot(Notebook *nb, const char *caption, const char *file);

/* A checked claim: "✔ claim" when ok, "✘ claim" when not, with the numbers
 * the claim is about in the text. Counted for nb_close. Returns ok (0 or 1). */
int nb_check(Notebook *nb, int ok, const char *fmt, ...) CN_PRINTF(3, 4);

/* Checks so far, and how many failed. */
int nb_checks_run(const Notebook *nb);
int nb_checks_failed(const Notebook *nb);

#endif
