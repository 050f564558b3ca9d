/* alexnet.h - AlexNet-mini: the network of Krizhevsky, Sutskever and Hinton,
 * "ImageNet classification with deep convolutional neural networks" (NIPS
 * 2012), scaled down to 1x28x28 inputs and a two-core CPU, with a switch for
 * each of the paper's ideas so that every one can be turned off and measured.
 *
 * The default network (alexnet_defaults()), the same as the reference script's
 * AlexNetMini (shared/bench/torch_ref.py), in AlexNet's order:
 *
 *   layer   what                                       output     params
 *   conv1   conv 24@5x5 pad 2, ReLU, LRN               24x28x28      624
 *   pool1   max 3x3 stride 2 (overlapping)             24x13x13
 *   conv2   conv 48@3x3 pad 1, ReLU, LRN               48x13x13   10,416
 *   pool2   max 3x3 stride 2                           48x6x6
 *   conv3   conv 64@3x3 pad 1, ReLU                    64x6x6     27,712
 *   conv4   conv 64@3x3 pad 1, ReLU                    64x6x6     36,928
 *   conv5   conv 48@3x3 pad 1, ReLU                    48x6x6     27,696
 *   pool5   max 3x3 stride 2                           48x2x2
 *   fc6     fully connected 256, ReLU, dropout 0.5     256        49,408
 *   fc7     fully connected 256, ReLU, dropout 0.5     256        65,792
 *   fc8     fully connected 10 (logits)                10          2,570
 *                                                          total 221,146
 *
 * 5,657,600 multiply-adds per image forward. LRN uses the paper's constants
 * n = 5, k = 2, alpha = 1e-4, beta = 0.75 in PyTorch's convention (core/lrn.h).
 * The layer names are the paper's (conv1..conv5, fc6..fc8); dropout sits
 * after the activations of fc6 and fc7, i.e. on the inputs of fc7 and fc8.
 *
 * The switches (AlexNetOptions):
 *   act      ReLU (the paper) or tanh (what came before: the paper's figure 1)
 *   lrn      LRN after conv1 and conv2, or not
 *   pool     3x3 windows at stride 2 (overlapping, the paper) or 2x2 at stride 2;
 *            with 2x2 pooling the planes are 28 -> 14 -> 7 -> 3 instead of
 *            28 -> 13 -> 6 -> 2, so fc6 sees 48x3x3 = 432 inputs instead of 192
 *   dropout  the rate of the two dropout layers; 0 removes them
 *   groups   2 splits conv2..conv5 into two halves that do not see each other
 *            (the paper split its layers across two GPUs). Each output map
 *            then sees half the input maps, so conv2..conv5 have half the
 *            weights and half the multiply-adds. (In the paper conv3 took all
 *            of conv2's maps from both GPUs; here it is split like the others.)
 *   widths   the channels of conv1..conv5 and the units of fc6, fc7
 *
 * The network's name records every switch ("alexnet-mini:relu,lrn,p3s2,
 * d0.5,g1,24-48-64-64-48,256-256"), so a saved model only loads into the
 * network it was trained as (core/model_io.h checks the name).
 */
#ifndef CN_ALEXNET_H
#define CN_ALEXNET_H

#include <stdint.h>

#include "core/activation.h"
#include "core/net.h"
#include "core/rng.h"

#define ALEXNET_MINI_NAME "alexnet-mini"

typedef struct {
    ActKind act;        /* ACT_RELU or ACT_TANH */
    int lrn;            /* 1: LRN after conv1 and conv2 */
    int pool_k, pool_s; /* max pooling window and stride (3, 2 or 2, 2); pool_k > pool_s overlaps */
    float dropout;      /* rate of the dropout layers after fc6 and fc7, in [0, 1); 0 = none */
    int groups;         /* 1, or 2: conv2..conv5 in two groups */
    int conv[5];        /* output channels of conv1..conv5 (divisible by groups for conv1..conv5) */
    int fc[2];          /* units of fc6 and fc7 */
    uint64_t seed;      /* the dropout layers' generators: seed + 6 and seed + 7 */
} AlexNetOptions;

/* The default network above: ReLU, LRN, 3x3/2 pooling, dropout 0.5, groups 1,
 * widths 24-48-64-64-48 and 256-256, seed 1. */
AlexNetOptions alexnet_defaults(void);

/* The network lessons 09 and 10 train and load: the defaults with AlexNet's
 * convolution widths divided by 4 in every layer (96, 256, 384, 384, 256 ->
 * 24, 64, 96, 96, 64): 342,458 parameters, 9,907,584 multiply-adds per image.
 * The defaults are narrower in conv2..conv5; in lesson 09's recipe they
 * reached 0.9243 test accuracy (0.9295 with ten views; 30 epochs: 0.9262,
 * 0.9279), these widths 0.9261 (0.9303) in the same 26 epochs, at 1.5x the
 * time per image: a small step, about the spread between runs. With 64 maps
 * in conv2 and conv5 alone (24-64-64-64-64, a driver with the lesson's
 * recipe but another dropout seed): 0.9256 (0.9298). */
AlexNetOptions alexnet_lesson(void);

/* Build (not initialise) the network. NULL with a message on bad options
 * (widths < 1, a width not divisible by groups, a pooling that leaves no
 * pixel) or no memory. */
Net *alexnet_mini(const AlexNetOptions *o);

/* The name alexnet_mini gives the network for o, into buf (at least 64
 * bytes). Returns buf. */
const char *alexnet_name(char *buf, int size, const AlexNetOptions *o);

/* 1 if net was built by alexnet_mini (any options). */
int alexnet_is_mini(const Net *net);

/* Initialise from seed: weights He normal N(0, 2/fan_in) for ReLU networks
 * and Glorot uniform for tanh networks (each the rule that keeps its
 * activations' scale from layer to layer), except the output layer (fc8),
 * whose weights start at the paper's N(0, 0.01^2) so that the first logits
 * are near 0 and the first predictions near uniform; biases 0, except the layers where
 * the paper started its biases at 1 (conv2, conv4, conv5, fc6, fc7), which
 * start at bias_hidden: the paper's 1 gives every ReLU a positive input, so
 * all of them pass gradient from the first step. */
void alexnet_init(Net *net, uint64_t seed, float bias_hidden);

/* Build the network of o and load the model file path into it. NULL with a
 * message naming the file and the problem (missing, damaged, trained with
 * other options). */
Net *alexnet_load(const char *path, const AlexNetOptions *o);

/* --- augmentation --------------------------------------------------------- */

/* Random crops and mirror images (the paper's "data augmentation", section
 * 4.1, in small): the image is padded by `pad` background pixels on every
 * side and a window of the original size is cut at a random place (dy, dx
 * uniform in -pad..pad, i.e. the picture moves by up to pad pixels), then
 * with probability 1/2 (flip = 1) mirrored left to right. background is
 * the normalized value of a blank pixel ((0 - mean) / std). */
typedef struct {
    int pad;
    int flip;
    float background;
} AlexNetAugment;

/* An AugmentFn (core/train.h): ctx is an AlexNetAugment. Images up to 64x64.
 * Draws rng_below(2*pad+1) twice (if pad > 0), then rng_below(2) (if flip),
 * from r only. */
void alexnet_augment(float *img, int c, int h, int w, Rng *r, void *ctx);

/* The paper's test-time averaging (section 4.1: five 224x224 patches, the
 * four corners and the centre, and their mirror images, ten views whose
 * softmax outputs are averaged), in small: a ViewFn (core/train.h) for
 * net_evaluate_views with ALEXNET_VIEWS views. View v is the picture moved
 * by pad pixels towards corner (v/2) (0: not moved; 1..4: up-left, up-right,
 * down-left, down-right), mirrored when v is odd. ctx is an AlexNetAugment
 * (pad and background; flip is ignored). */
#define ALEXNET_VIEWS 10
void alexnet_view(float *img, int c, int h, int w, int view, void *ctx);

#endif
