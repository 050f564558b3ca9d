/* fuzz_dataset.c - libFuzzer target for the dataset loader's checks after
 * parsing (datasets/dataset.c: dataset_parse, which reads an image file and
 * a label file with idx_parse and then checks their types, ranks, counts,
 * image shape and label range), `make fuzz`.
 *
 * Input: byte 0 chooses the dataset (bit 0: mnist-sample or fashion-mnist)
 * and the split (bit 1); bytes 1 and 2 (little-endian) are the length of the
 * image file, clamped to what follows; then the image file, then the label
 * file. Whatever the bytes, the loader must never crash or leak, and a
 * dataset it accepts must be exactly what the programs assume: 28x28
 * images, as many labels as images, every label one of the classes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "datasets/dataset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3) return 0;
    const char *which = data[0] & 1 ? "fashion-mnist" : "mnist-sample";
    size_t ilen = (size_t)data[1] | (size_t)data[2] << 8;
    if (ilen > size - 3) ilen = size - 3;
    const unsigned char *images = data + 3, *labels = data + 3 + ilen;
    Dataset *d = dataset_parse(images, ilen, labels, size - 3 - ilen, which, data[0] >> 1 & 1);
    if (!d) return 0;
    if (d->count < 1 || d->height != 28 || d->width != 28 || d->nclasses != 10 || !d->class_names) abort();
    /* every pixel and label is read: ASan checks the arrays cover them */
    unsigned sum = 0;
    for (int i = 0; i < d->count; i++) {
        const unsigned char *im = dataset_image(d, i);
        for (int p = 0; p < 28 * 28; p++) sum += im[p];
        if (d->labels[i] >= d->nclasses) abort();
    }
    (void)sum;
    dataset_free(d);
    return 0;
}
