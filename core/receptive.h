/* receptive.h - receptive-field arithmetic for a stack of layers.
 *
 * The receptive field of a unit is the set of input pixels that can change
 * its value (the seed: "the size of the image region one neuron takes in").
 * For a stack of convolution or pooling layers, each with kernel k, stride s
 * and padding p before the input (dilation 1), one axis at a time, Araujo,
 * Norris and Sim, "Computing Receptive Fields of Convolutional Neural
 * Networks", Distill 2019, give three recurrences, starting from the input
 * itself (r_0 = 1, j_0 = 1, start_0 = 0):
 *
 *   size   r_l     = r_{l-1} + (k_l - 1) * j_{l-1}
 *   jump   j_l     = j_{l-1} * s_l                        (product of strides)
 *   start  start_l = start_{l-1} + ((k_l - 1)/2 - p_l) * j_{l-1}
 *
 * Coordinates are input pixel indices: pixel 0 is at 0, pixel i at i.
 * `start` is the centre of the field of the FIRST output unit (index 0) of
 * layer l, computed with real division, so an even kernel puts it halfway
 * between two pixels. Unit u of layer l is centred at start_l + u * j_l and
 * covers the r_l pixels
 *
 *   [start_l + u * j_l - (r_l - 1)/2,  start_l + u * j_l + (r_l - 1)/2].
 *
 * Near the border part of that span lies in the padding (negative
 * coordinates, or >= the input size). The size is an extent: when a stride
 * exceeds the next kernel (k 1 stride 2, then k 3) the field has holes and
 * fewer than r_l pixels really contribute. Padding after the input does not
 * move any field; it only adds output units at the end.
 */
#ifndef CN_RECEPTIVE_H
#define CN_RECEPTIVE_H

typedef struct {
    int k; /* kernel size (pooling window for a pooling layer), >= 1 */
    int s; /* stride, >= 1 */
    int p; /* zero padding before the input (left / top), >= 0 */
} RfLayer;

typedef struct {
    int size;     /* r: extent of the field in input pixels */
    int jump;     /* j: input pixels between neighbouring units (product of strides) */
    double start; /* centre of the first unit's field, in input coordinates */
} RfInfo;

/* out[l] = the field of the units of layer l (after layers[0..l]), for
 * l = 0..n-1. 0, or -1 with a message on a bad layer or int overflow. */
int receptive_field(RfInfo *out, const RfLayer *layers, int n);

/* First and last input coordinate covered by unit u of a layer with field
 * rf (may be negative or past the input where the field reaches padding). */
void receptive_span(const RfInfo *rf, int u, double *first, double *last);

#endif
