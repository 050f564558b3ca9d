/* lenet_story.h - what lesson 08 draws and says of its LeNet-5 runs
 * (lenet.h): the loss and error-rate curves of a dataset's two networks,
 * C1's filters, the training pictures' augmentation in words, the two
 * networks compared like with like, the saturated tanh units. */
#ifndef CN_KIT_LENET_STORY_H
#define CN_KIT_LENET_STORY_H

#include <stddef.h>

#include "core/notebook.h"
#include "lessons/kit/lenet.h"
#include "lessons/kit/models.h"

/* loss_<key>.png and error_<key>.png: the training and test loss and error
 * rate per epoch of mod and cla, both on a log scale (so that final values
 * a few tenths of a percent apart stay apart), training solid and test
 * dashed, one colour a network. */
void lenet_curves(Notebook *nb, const LenetRun *mod, const LenetRun *cla, const LessonData *d);

/* c1_filters.png: the six 5x5 filters of C1 of each of the nrun networks,
 * one row a network, each row on its own symmetric scale. */
void lenet_c1_filters(Notebook *nb, const LenetRun *runs, int nrun);

/* The classic network's augmentation on the MNIST sample (m) and on
 * Fashion-MNIST (f), in a sentence or two, into buf. */
const char *lenet_augmentation_words(const Recipe *m, const Recipe *f, char *buf, size_t n);

/* The modern (m) and classic (c) network of one dataset: their final test
 * accuracies with what their recipes had in common or not, and their test
 * accuracies at the last epoch both ran. */
void lenet_compare_like_with_like(Notebook *nb, const LenetRun *m, const LenetRun *c);

/* The share of saturated units (|f| > 0.95 x 1.7159, where the slope of
 * f(a) = 1.7159 tanh(2a/3) is under 10% of its largest) in each layer of the
 * classic networks runs[1] and runs[3], over 100 test pictures, as a table
 * and a sentence. */
void lenet_saturation(Notebook *nb, LenetRun *runs);

#endif
