/* lenet.h - LeNet-5 twice: the network of LeCun, Bottou, Bengio and Haffner,
 * "Gradient-based learning applied to document recognition" (Proc. IEEE,
 * 1998), and the modern variant every framework tutorial trains.
 *
 * Classic (lenet5_classic), input 1x32x32: a 28x28 image centred in a 32x32
 * field, so that strokes near the edge still reach the centre of C3's and
 * C5's receptive fields (section II.B). Pixels enter as
 * x = -0.1 + 1.275 * p/255: background -0.1, full ink 1.175, "mean input
 * roughly 0, variance roughly 1".
 *
 *   layer   what                                        output     params
 *   C1      conv 6@5x5                                  6x28x28       156
 *   S2      trainable subsampling 2x2/2 (coef, bias)    6x14x14        12
 *   C3      conv 16@5x5, Table I connections (60 pairs) 16x10x10    1,516
 *   S4      trainable subsampling 2x2/2                 16x5x5         32
 *   C5      conv 120@5x5 (each unit sees all of S4)     120x1x1    48,120
 *   F6      fully connected 84                          84         10,164
 *   OUTPUT  fully connected 10, softmax                 10            850
 *                                                              total 60,850
 *
 * Every layer but OUTPUT is followed by the squashing function
 * f(a) = 1.7159 tanh(2a/3) (appendix A), and every weight starts uniform in
 * +-2.4/F_i, F_i the fan-in of its unit (C3's maps each with their own
 * number of inputs). Where this departs from the paper: OUTPUT is a dense
 * layer with a softmax (the paper's output is 84 -> 10 Euclidean RBF units
 * with fixed +-1 targets, no parameters, trained with a MAP criterion), so
 * the total is 60,850 trainable numbers rather than the paper's 60,000 "and
 * some"; training is SGD with momentum rather than the stochastic diagonal
 * Levenberg-Marquardt method.
 *
 * Modern (lenet5_modern), input 1x28x28, x = p/255, as PyTorch's and the
 * reference script's (shared/bench/torch_ref.py) LeNet5: the same skeleton
 * with C1 padded by 2 (instead of a padded input), ReLU, 2x2 max pooling, C3
 * fully connected to S2 (96 pairs, 2,416 params), C5 = a 5x5 convolution
 * over a 5x5 input (exactly PyTorch's Linear(400, 120) after a flatten),
 * 61,706 parameters, 416,520 multiply-adds per image.
 *
 * Both end in 10 logits for the softmax cross-entropy of core/loss.h.
 */
#ifndef CN_LENET_H
#define CN_LENET_H

#include <stdint.h>

#include "core/labelled_images.h"
#include "core/net.h"

#define LENET5_CLASSIC_NAME "lenet5-classic"
#define LENET5_MODERN_NAME "lenet5-modern"

/* Build (not initialise) the networks above. NULL with a message on failure. */
Net *lenet5_classic(void);
Net *lenet5_modern(void);

/* 1 for a network built by lenet5_classic, else 0. */
int lenet5_is_classic(const Net *net);

/* Initialise from seed: the classic network with the paper's U(+-2.4/F_i),
 * the modern one with He normal weights (Kaiming, for ReLU); biases 0. */
void lenet5_init(Net *net, uint64_t seed);

/* A copy of d with every image centred in a field of the network's input
 * size, the border filled with 0 (background): 28x28 -> 32x32 for the
 * classic network; an unchanged copy when the sizes already agree. NULL with
 * a message when the images are larger than the input or on no memory. */
LabelledImages *lenet5_fit_dataset(const LabelledImages *d, const Net *net);

/* Centre one (h, w) image of bytes in the network's input field:
 * out (net->in.h, net->in.w), border 0. 0, or -1 when it does not fit. */
int lenet5_fit_image(uint8_t *out, const Net *net, const uint8_t *img, int h, int w);

/* Read a model saved from either network: build the one whose architecture
 * the file names and load it. NULL with a message naming the file and the
 * problem (missing, corrupt, another architecture). */
Net *lenet5_load(const char *path);

#endif
