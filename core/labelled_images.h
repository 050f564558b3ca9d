/* labelled_images.h - a set of labelled pictures in memory: what training
 * and evaluation (train.h) read.
 *
 * Pixels are bytes 0..255 (0 = background), one grey channel, every picture
 * height x width, row-major, picture i at images + i * height * width.
 * Normalising them to floats is the batching code's job (net_input_from_u8),
 * so one copy of the data serves every network.
 *
 * The library only reads these sets (and makes resized copies of them, as
 * lenet5_fit_dataset does). Filling one from files is the job of datasets/
 * (datasets/dataset.h calls this type Dataset); a program may also fill one
 * itself, with malloc'ed arrays that labelled_images_free releases.
 */
#ifndef CN_LABELLED_IMAGES_H
#define CN_LABELLED_IMAGES_H

#include <stddef.h>

typedef struct {
    int count, height, width, nclasses;
    unsigned char *images;          /* count * height * width, picture i at i*height*width, row-major */
    unsigned char *labels;          /* count, each < nclasses */
    const char *const *class_names; /* nclasses static strings (may be NULL) */
    char name[64];                  /* e.g. "fashion-mnist train", for messages */
} LabelledImages;

/* Pointer to picture i (height * width bytes). */
static inline const unsigned char *labelled_image(const LabelledImages *d, int i)
{
    return d->images + (size_t)i * (size_t)d->height * (size_t)d->width;
}

/* Free images, labels and the struct itself (all from malloc). NULL is fine. */
void labelled_images_free(LabelledImages *d);

#endif
