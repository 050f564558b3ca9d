/* plot.h - curves, heatmaps and bar charts: plain data files drawn by the
 * committed gnuplot scripts in plots/.
 *
 * Every plot_* function first writes a whitespace-separated data file (the
 * record of what was measured: a reader can change a script and redraw
 * without re-running the lesson), then runs
 *
 *     gnuplot -e "datafile='...'; outfile='...'; plottitle='...'" plots/NAME.gp
 *
 * and checks gnuplot's exit status and that the PNG exists. The first
 * comment line of every data file is that command, ready to copy.
 *
 * Return values:
 *   PLOT_OK (0)          data written and PNG drawn
 *   PLOT_DATA_ONLY (1)   data written, but gnuplot is not installed: the PNG
 *                        was not drawn, and cn_last_error() holds the exact
 *                        command that draws it once gnuplot is installed
 *   -1                   failure (bad arguments, I/O error, gnuplot reported an
 *                        error: its message is part of cn_last_error())
 *
 * gnuplot is started directly (posix_spawnp, no shell), so titles and paths
 * need no shell quoting; inside the -e strings a ' is doubled as gnuplot
 * wants. Titles and labels may hold any UTF-8 text except control characters
 * (newlines); labels written into data files may not hold a double quote.
 * Scripts print text literally (noenhanced: "conv_1" keeps its underscore).
 *
 * Where things are:
 *   outputs  wherever the caller says; lessons use nb_path (notebook.h), which
 *            puts them under cn_project_root()/plots/out/ (core/paths.h:
 *            $CONVNET_ROOT if set, else the checkout the program runs from,
 *            found at run time). Tests point CONVNET_ROOT at a temporary
 *            directory so they never write into the real plots/out/.
 *   scripts  in $CONVNET_SCRIPTS if set, else plots/ of the checkout the
 *            program runs from (cn_source_root), else $CONVNET_ROOT/plots: the
 *            scripts are part of the source tree, so moving the outputs with
 *            CONVNET_ROOT does not move them.
 */
#ifndef CN_PLOT_H
#define CN_PLOT_H

#include <stddef.h>

#define PLOT_OK 0
#define PLOT_DATA_ONLY 1

/* Full path of a plotting script: $CONVNET_SCRIPTS/name, else
 * <checkout>/plots/name as above, written into buf. 0, or -1 if there is no
 * checkout to take it from or it does not fit. */
int plot_script_path(char *buf, size_t size, const char *name);

/* Curves y_s(x) for s = 0..nseries-1, each npoints long, on shared x (NULL:
 * x = 0, 1, 2, ...). names[s] titles curve s (names or an entry NULL:
 * "series s+1"). Non-finite y values are written NaN and leave a gap.
 * Data file: a header row (x label, then the names), one row per point; the
 * x label and the names are written there, so they may not hold a '"'.
 * Whole-number x spanning at most 20 (shifts, epochs) get a tick at each;
 * a name longer than 16 characters puts the key under the plot. */
int plot_lines(const char *png_path, const char *dat_path, const char *title, const char *xlabel,
               const char *ylabel, const char *const *names, const double *x, const double *const *ys,
               int nseries, int npoints);

/* The same data for discrete samples (a sampled signal, an impulse
 * response): each series in its own panel, stacked on one x axis and one
 * y range, every value a stem from 0 with a dot, nothing drawn between
 * samples (a line would suggest values between them). */
int plot_stems(const char *png_path, const char *dat_path, const char *title, const char *xlabel,
               const char *ylabel, const char *const *names, const double *x, const double *const *ys,
               int nseries, int npoints);

/* The same with a logarithmic y axis (for losses spanning decades); values
 * <= 0 are written NaN and leave a gap. */
int plot_lines_logy(const char *png_path, const char *dat_path, const char *title, const char *xlabel,
                    const char *ylabel, const char *const *names, const double *x, const double *const *ys,
                    int nseries, int npoints);

/* The same with the curves in pairs (training, test): each pair in one
 * colour, its first curve solid, its second dashed; logy as above. */
int plot_lines_pairs(const char *png_path, const char *dat_path, const char *title, const char *xlabel,
                     const char *ylabel, const char *const *names, const double *x, const double *const *ys,
                     int nseries, int npoints, int logy);

/* A (rows, cols) matrix m, row-major, as coloured cells with row 0 on top,
 * values printed in the cells (up to 400 cells; integers without decimals).
 * A matrix with negative values gets a blue-white-red scale centred on 0.
 * rowaxis / colaxis title the axes (e.g. "true class", "predicted class");
 * rowlabels / collabels name each row / column (NULL: 0, 1, 2, ...). */
int plot_heatmap(const char *png_path, const char *dat_path, const char *title, const char *rowaxis,
                 const char *colaxis, const double *m, int rows, int cols, const char *const *rowlabels,
                 const char *const *collabels);

/* A k x k confusion matrix m (counts; row = true class, column = predicted
 * class, names[i] naming class i, NULL: 0, 1, ...) as a heatmap whose
 * diagonal (the right answers) is coloured blue on its own scale and whose
 * other cells (the mistakes) red on theirs, so that a few mistakes still
 * show beside hundreds of right answers; 0 stays white. */
int plot_confusion(const char *png_path, const char *dat_path, const char *title, const double *m, int k,
                   const char *const *names);

/* n bars: labels[i] under bar i, values[i] printed on it (labels NULL: 0, 1, ...). */
int plot_bars(const char *png_path, const char *dat_path, const char *title, const char *ylabel,
              const char *const *labels, const double *values, int n);

/* A text rendering (gnuplot's dumb terminal, width x height characters;
 * 0 = 72 x 20) of a data file written by plot_lines, for the terminal.
 * Returns a string the caller frees, or NULL with the reason (gnuplot
 * missing included) in cn_last_error(). */
char *plot_lines_ascii(const char *dat_path, const char *title, int width, int height);

/* Run any script: gnuplot -e params script. script is a bare name looked up
 * as plot_script_path does, or a path containing '/'. outfile (may be NULL)
 * must exist and be non-empty afterwards. PLOT_OK, PLOT_DATA_ONLY (gnuplot
 * not installed; cn_last_error() says how to run it later) or -1. */
int plot_gnuplot(const char *script, const char *params, const char *outfile);

#endif
