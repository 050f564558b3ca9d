/* inside.h - the lesson kit's tools for looking inside a trained network
 * (lesson 11): the gradient of a class score or of the loss with respect to
 * the pixels (saliency, fast gradient sign), occlusion maps, the units a
 * map answers most and the input patch each one sees (its receptive field,
 * core/receptive.h), pictures of a class by gradient ascent, and the
 * effective receptive field of a hidden unit.
 *
 * Everything works on 28x28 pictures with pixels in [0, 1] (0 black, 1
 * white), whatever the network's input: a picture is centred in the
 * network's input field (the classic LeNet-5 takes 32x32, the border black)
 * and normalised as net_input_from_u8 does, and a gradient with respect to
 * the input is brought back to the picture's pixels (the chain rule through
 * x = (p - mean) / std divides it by std). So the maps, perturbations and
 * pictures of different networks are on one scale. Lessons only (stops the
 * program when memory runs out or the network fails). */
#ifndef CN_KIT_INSIDE_H
#define CN_KIT_INSIDE_H

#include <stdint.h>

#include "core/net.h"
#include "core/receptive.h"
#include "datasets/dataset.h"

#define PIC 28               /* a picture's side */
#define PIC_PX (PIC * PIC)   /* its pixels */

/* n pictures of d, every (count / n)-th from the first (all classes in
 * sorted files), as floats in [0, 1] (n, PIC_PX); their labels into y. */
float *pictures_of(const Dataset *d, int n, unsigned char *y);

/* pics (n, PIC_PX) as net's input x (n, in): centred, the border black,
 * normalised. */
void pics_to_input(const Net *net, const float *pics, int n, float *x);

/* What a gradient is taken of: the score (logit) of a class, or the
 * cross-entropy loss of the pictures against a class. */
typedef enum { GRAD_OF_SCORE, GRAD_OF_LOSS } GradOf;

/* grad (n, PIC_PX): the gradient of `what` for class cls[i] with respect to
 * the pixels of picture i (net_backward_input: the weights' gradients are
 * not touched); prob (n, K) the softmax of the outputs, score (n) the
 * score of cls[i]; either may be NULL. In batches of 100. */
void picture_grad(Net *net, const float *pics, int n, const unsigned char *cls, GradOf what, float *grad,
                  float *prob, float *score);

/* prob (n, K): the softmax of the network's outputs for the pictures. */
void picture_probs(Net *net, const float *pics, int n, float *prob);

/* The fraction of the pictures whose class (y) the network gets right. */
double picture_accuracy(Net *net, const float *pics, int n, const unsigned char *y);

/* out = pic with the sq x sq square centred at (cy, cx) (clipped to the
 * picture) set to fill. */
void occlude(float *out, const float *pic, int cy, int cx, int sq, float fill);

/* map (PIC_PX): how much the probability of class cls falls when the
 * square is centred at each pixel, p(pic) - p(occluded) (Zeiler and
 * Fergus 2014): positive where the square hides evidence for the class. */
void occlusion_map(Net *net, const float *pic, int cls, int sq, float fill, float *map);

/* out (PIC_PX): the sum of |m| over the sq x sq square centred at each
 * pixel, clipped: how much saliency that square would cover. */
void box_sum_abs(float *out, const float *m, int sq);

/* The Pearson correlation of a and b (n values); 0 when either is flat. */
double pearson(const float *a, const float *b, int n);

/* The fast gradient sign (Goodfellow et al. 2015): out = pics + eps *
 * sign(grad), clipped to [0, 1], for n pictures. */
void fgsm(float *out, const float *pics, const float *grad, int n, float eps);

/* --- a picture of each class, by gradient ascent --- */
typedef struct {
    int steps;      /* ascent steps */
    float lr;       /* each step moves the pixels by lr times the gradient over its root mean square */
    float l2;       /* lambda of the penalty lambda * |p - gray|^2 */
    int jitter;     /* the picture is shifted by up to this many pixels before each step */
    int blur_every; /* a 3x3 blur every this many steps (0: never) */
} AscentOpts;

/* pics (K, PIC_PX): for each class k, a picture started from uniform gray
 * and moved up the gradient of (score of k) - l2 |p - 0.5|^2, kept in
 * [0, 1]; trace (K, steps + 1): the score of k before each step and at the
 * end, on the picture as it is (not shifted). */
void class_pictures(Net *net, int K, const AscentOpts *o, uint64_t seed, float *pics, float *trace);

/* --- what a map answers to --- */

/* The receptive field of the units of layer `layer` (core/receptive.h),
 * in the network's input coordinates, from its layers' kernels, strides
 * and paddings. */
RfInfo layer_field(const Net *net, int layer);

/* One unit of a layer's output: its value, picture, row and column. */
typedef struct {
    float v;
    int img, y, x;
} Unit;

/* top (C, k): for each of the C maps of layer's output, the k strongest
 * units over the n pictures, at most one per picture (its strongest unit of
 * that map), strongest first. */
void top_units(Net *net, int layer, const float *pics, int n, int k, Unit *top);

/* patch (rf->size squared): the part of pic that unit (uy, ux) of a layer
 * with field rf sees; what lies outside the picture (padding) is outside. */
void cut_field(float *patch, const float *pic, const Net *net, const RfInfo *rf, int uy, int ux, float outside);

/* --- the effective receptive field --- */

/* mass (PIC_PX): the mean over the n pictures of |d s / d pixel|, s the
 * sum over layer's maps of their centre unit (row out.h / 2, column
 * out.w / 2, returned in *uy, *ux). */
void effective_field(Net *net, int layer, const float *pics, int n, float *mass, int *uy, int *ux);

/* The picture coordinates of the first pixel of unit (uy, ux)'s field
 * (may be negative: padding). */
void field_corner(const Net *net, const RfInfo *rf, int uy, int ux, int *y0, int *x0);

/* --- drawing: maps as colour tiles (RGB, planar), enlarged scale times --- */

/* A map with no negative values: 0 black, through red and yellow, hi white
 * (values beyond saturate). rgb: 3 * (h * scale) * (w * scale) floats. */
void heat_rgb(float *rgb, const float *m, int h, int w, int scale, float hi);
/* A signed map: 0 white, +a red, -a blue. */
void signed_rgb(float *rgb, const float *m, int h, int w, int scale, float a);
/* A picture patch: values in [0, 1] gray, negative values (outside the
 * picture) dark blue. */
void patch_rgb(float *rgb, const float *m, int h, int w, int scale);

#endif
