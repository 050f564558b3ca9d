/* alexnet_story.h - what lesson 09 says of AlexNet, counted rather than
 * typed: the original network of Krizhevsky, Sutskever and Hinton (2012)
 * from a description of its layers (parameters and multiply-adds computed
 * from the shapes), where a network's parameters and multiply-adds sit, and
 * how smooth the first layer's filters are. */
#ifndef CN_KIT_ALEXNET_STORY_H
#define CN_KIT_ALEXNET_STORY_H

#include "core/net.h"
#include "core/notebook.h"

/* The counts of the 2012 network. */
typedef struct {
    double params, conv_params, fc_params; /* weights and biases */
    double madds, conv_madds;              /* per picture */
    const char *top_madds;                 /* the layer with the most multiply-adds */
    double top_madds_share;                /* its share of all of them */
    int conv1_maps, conv1_k, conv1_stride, conv1_out, input, classes;
} Alex2012;

/* The 2012 network's table (input 227x227x3; conv2, conv4 and conv5 read
 * only their own GPU's half of the maps below, conv3 and the fully
 * connected layers read both) into nb, and its counts. */
Alex2012 alexnet_2012_table(Notebook *nb);

/* Where a network's parameters and multiply-adds sit: the convolutions'
 * share of the parameters, the fully connected layers' share, and the
 * layer with the most multiply-adds (its name, its share of the layers with
 * weights). */
typedef struct {
    double conv_params, fc_params, params;
    const char *top_madds;
    double top_madds_share;
} WeightSplit;

WeightSplit weight_split(const Net *net);

/* The correlation of neighbouring weights (left-right and up-down pairs)
 * of each filter of the convolution named `layer` (its first input
 * channel), into corr (one per output map); returns how many filters. Near
 * 1: smooth (edges, stripes, blobs); near 0 or below: speckle. */
int filter_smoothness(const Net *net, const char *layer, double *corr, int max);

/* The multiply-adds of the fully connected layers of net. */
double fc_madds(const Net *net);

/* The 2012 network beside the mini one (whose split is mini): what it was,
 * its table counted from its shapes, its split, and a check of its counts. */
void original_alexnet(Notebook *nb, WeightSplit mini);

/* What conv1's filters of net (largest |weight| wmax) are, measured: how
 * many sum clearly above or below 0, how many are smooth or speckled, set
 * beside the paper's figure 3. */
void describe_conv1(Notebook *nb, Net *net, float wmax);

/* LRN's divisor s over the last forward pass of net (one picture), both
 * conventions of its formula, and what it does at these constants. */
void describe_lrn(Notebook *nb, Net *net);

#endif
