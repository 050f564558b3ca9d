/* report.h - the lesson kit's notebook pieces: the end of a lesson (its
 * exit status), a network's architecture table and summary, a table filled
 * cell by cell, numbers as text, a text preview of a plot, one picture's
 * class probabilities as bars, the accuracy on a set of pictures, and the
 * grid of the test set's most confident mistakes. */
#ifndef CN_KIT_REPORT_H
#define CN_KIT_REPORT_H

#include <stddef.h>

#include "core/image.h"
#include "core/net.h"
#include "core/notebook.h"
#include "core/train.h"
#include "datasets/dataset.h"
#include "lessons/kit/your_turn.h"

/* --- the architecture table: one row per layer, between "input" and "total" --- */
typedef struct {
    const char *input_what;  /* the input row's "what" */
    const char *input_field; /* the input row's receptive field: "1", "1x1" */
    /* the "what" of one layer, at most n bytes */
    void (*describe)(char *what, size_t n, const Layer *L);
    int connections;         /* 1: a column of connections as LeCun et al. (1998) count them */
    int weights_only;        /* 1: multiply-adds of the layers with weights only (conv, dense) */
} ArchTable;

void architecture_table(Notebook *nb, const Net *net, const ArchTable *t);

/* Says how many goals (goals.h) were not reached, if any, ends the notebook
 * with "Your turn" (your_turn.h), closes nb (its
 * tally of checks) and returns the program's exit status: 0 when every
 * check held, 1 when one failed. */
int lesson_end(Notebook *nb);

/* net_summary (core/net.h) as a block of code in the notebook. */
void network_summary(Notebook *nb, const Net *net);

/* "+a, +b, +c, +d, ... (total numbers)": the first n of the total numbers
 * of v, 4 decimals, into buf; returns buf. */
const char *first_numbers(char *buf, size_t size, const float *v, int n, int total);

/* A row of numbers as text into buf, each right-aligned in `width`
 * characters with `decimals` decimals (width 0: no padding, one space
 * between): "   1  12 123". */
void row_text(char *buf, size_t size, const float *v, int n, int decimals, int width);

/* The text plot of the curves in nb's data file dat (plot_lines_ascii of
 * core/plot.h, 76 x 18) as a block of code, or a line saying why there is
 * none. */
void text_preview(Notebook *nb, const char *dat, const char *title);

/* --- a small text table filled cell by cell, shown with nb_table --- */
typedef struct {
    int rows, cols;
    char (*cell)[128];
} Tab;

Tab tab_new(int rows, int cols);
void tab_set(Tab *t, int r, int c, const char *fmt, ...) CN_PRINTF(4, 5);
/* Row r filled from one formatted text, its cells separated by tabs:
 * tab_row(&t, 0, "ReLU\t%.4f\t%s", acc, note). */
void tab_row(Tab *t, int r, const char *fmt, ...) CN_PRINTF(3, 4);
/* Shows t under header and frees its cells. */
void tab_show(Notebook *nb, Tab *t, const char *const *header);

/* --- one picture through a network --- */

/* Test image `index` of ds through net: x (shape_size(net->in) floats) gets
 * the input, prob the softmax of the outputs; returns the predicted class. */
int predict_one(Net *net, const Dataset *ds, int index, float *x, float *prob);

/* The fraction of the n pictures x (n, net's input) whose class the network
 * gets right (labels y), run in batches of 100. */
double accuracy_of(Net *net, const float *x, const unsigned char *y, int n);

/* The widest of n texts, in pixels at font scale 1. */
int widest_text(const char *const *texts, int n);

/* How the class probabilities are laid out: a row of row_h pixels a class,
 * its name at text_dy, its bar at bar_dy (bar_h high, bar_len for 100%),
 * gap pixels around the bar, the percentage with `decimals` decimals. */
typedef struct {
    int row_h, text_dy, bar_dy, bar_h, gap, bar_len, decimals;
} BarLayout;

/* The K class probabilities from (x, y) down: the names (green the true
 * class, red a wrong prediction), the bars (the prediction in its name's
 * colour), the percentages. label_w: the width of the names' column. */
void class_bars(CnImage *im, int x, int y, const char *const *names, const float *prob, int K, int truth, int pred,
                int label_w, const BarLayout *b);

/* --- curves per epoch --- */

typedef enum { TRAIN_LOSS, TEST_LOSS, TRAIN_ACC, TEST_ACC, TEST_ACC_PERCENT, TRAIN_ERROR, TEST_ERROR, LEVEL } EpochValue;

/* One curve: a quantity of history h per epoch (error = 1 - accuracy,
 * percent = 100 times the accuracy), or
 * (LEVEL, h NULL) a horizontal line at `level`. */
typedef struct {
    const TrainHistory *h;
    EpochValue what;
    const char *name;
    double level;
} Curve;

/* Curve c's value at epoch e (0-based): NAN past the end of its history. */
double epoch_value(const Curve *c, int e);

/* The n curves against the epoch (1, 2, ...; a curve whose history is
 * shorter ends there) plotted into nb's png, with its data beside it (the
 * same name ending in .dat). */
void draw_epoch_curves(Notebook *nb, const char *png, const char *title, const char *xlab, const char *ylab,
                       const Curve *c, int n);

/* The same with the curves in (training, test) pairs: a pair in one colour,
 * training solid and test dashed; logy: a logarithmic y axis (values <= 0
 * leave a gap). */
void draw_epoch_pairs(Notebook *nb, const char *png, const char *title, const char *xlab, const char *ylab,
                      const Curve *c, int n, int logy);

/* The median and the mean over h's epochs of the images per second while
 * training. */
double median_images_per_s(const TrainHistory *h);
double mean_images_per_s(const TrainHistory *h);

/* The 1-based epoch of h with the highest test accuracy (the first of
 * equals), that accuracy into *best. */
int best_test_epoch(const TrainHistory *h, double *best);

/* The accuracy of net on the first n images of ds (all when n is 0), dropout
 * off and no augmentation. */
double accuracy_on(Net *net, const Dataset *ds, int n);

/* The index of the first image of class c in ds, 0 when there is none. */
int first_of_class(const Dataset *ds, int c);

/* The most memory this process has held so far (peak resident set), MiB. */
double peak_memory_mib(void);

/* --- confusions --- */

/* How many images ev got right: the diagonal of its confusion matrix. */
int confusion_right(const EvalResult *ev);

/* ev's confusion matrix (row = true class, column = predicted) plotted as a
 * heatmap into nb's png (plot_confusion: the right answers blue, the mistakes red, each on
 * its own scale), its data beside it (the same name ending in .dat). */
void confusion_heatmap(Notebook *nb, const EvalResult *ev, const char *const *names, const char *png,
                       const char *title);

/* One row per class, the worst first: its name, right / total, accuracy,
 * and the class it is most often taken for. order (ev->nclasses) gets the
 * classes worst first, acc their accuracies (rate of right answers in a
 * class's row of the confusion matrix). */
void class_accuracy_table(Notebook *nb, const EvalResult *ev, const char *const *names, int *order, double *acc);

/* --- mistakes --- */

/* The test set's most confident mistakes (ev with predictions, on ds's
 * 28x28 pictures), at most `most`, drawn as a grid into nb's file: each
 * picture with its true class (green) and what the network said (red).
 * Returns how many mistakes there are in all; *shown gets how many are
 * drawn. With none, a picture is written even without mistakes, saying
 * none; without, nothing is written then. */
int mistakes_grid(Notebook *nb, const EvalResult *ev, const Dataset *ds, const char *file, int most, const char *none,
                  int *shown);

#endif
