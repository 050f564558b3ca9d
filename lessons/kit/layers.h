/* layers.h - the lesson kit's pictures of one image through a network:
 * what every layer made of it, in columns (as figure 2 of LeCun et al.,
 * 1998, draws LeNet-5), in rows (one row of maps a layer), or one row per
 * filter of the first convolution. Run the image through the network first
 * (predict_one in report.h, or net_forward): the pictures read the layers'
 * outputs of that forward pass. */
#ifndef CN_KIT_LAYERS_H
#define CN_KIT_LAYERS_H

#include "core/net.h"
#include "core/notebook.h"
#include "datasets/dataset.h"

/* Column 0 the input x, column c (1 .. ncol-2) the output of layer[c] (its
 * maps stacked, or its units as a column of cells), the last column the
 * class probabilities prob with pred marked; title[c] three lines over each
 * column. squash > 0: the inner columns range over -squash .. squash (a
 * squashing activation), else from 0 (black) to their largest value. */
void layers_in_columns(Notebook *nb, const char *file, Net *net, const Dataset *ds, int index, const float *x,
                       const float *prob, int pred, const int *layer, const char *const (*title)[3], int ncol,
                       float squash);

/* The input picture on top, then one row for the output of each layer[r]
 * (label[r] beside it): its maps in a grid, each layer black at its
 * smallest value (0 at most) and white at its largest (0 at least), or its
 * units as cells; then the class probabilities under out_title. */
void layers_in_rows(Notebook *nb, const char *file, Net *net, const Dataset *ds, int index, const float *prob,
                    int pred, const int *layer, const char *const *label, int nrows, const char *out_title);

/* One row per filter of layer 0, a convolution of a one-channel input:
 * sample n of the batch x, the filter, then that filter's map in the output
 * of each layer 0 .. nlayer-1 (layers that keep one map per filter, such as
 * ReLU and pooling). head[c] is written under column c, except under the
 * filter, which says "filter 1", "filter 2", ... Each column is on one gray
 * scale, so the rows can be compared: symmetric around mid-gray (0) when
 * the column has negative values, a filter that barely responds staying
 * gray; 0 black and the largest value white when it has none (after ReLU,
 * and pooling after it), a filter that barely responds staying black.
 * Every value a scale x scale block; labels in glyphs of font scale 2. */
void filter_rows(Notebook *nb, const char *file, Net *net, const float *x, int n, int nlayer,
                 const char *const *head, int scale);

/* The percentage of exact zeros in layer li's output of the last forward
 * pass (after a ReLU: the units that are off). */
double zero_share(const Net *net, int li);

/* resp (maps of layer li, nclass) = for each map f of layer li's output
 * and each class c, the mean over the n pictures x of class c (labels y)
 * of the map's mean value: how strongly each map answers each class. Runs
 * the network forward in batches of 100. */
void mean_map_by_class(double *resp, Net *net, int li, const float *x, const unsigned char *y, int n, int nclass);

#endif
