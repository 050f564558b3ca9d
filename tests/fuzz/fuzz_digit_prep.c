/* fuzz_digit_prep.c - libFuzzer target for the preparation of a picture of
 * a digit (lessons/kit/digit_prep.c: digit_prepare, digit_squeeze), which
 * classify runs on whatever picture it is given, `make fuzz`.
 *
 * Input: bytes 0 and 1 the width and height (1 to 96 pixels: small enough
 * for thousands of runs a second, large enough for every step),
 * byte 2 bit 0 gray or RGB, bits 1-2 the inversion (-1, 0, 1); then the
 * pixels' bytes (missing ones are 0). Whatever the picture, the preparation
 * must never crash or read outside it, and what it reports must hold: the
 * box inside the picture, the fitted box at most 20x20 and inside 28x28.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/image.h"
#include "lessons/kit/digit_prep.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3) return 0;
    const int w = data[0] % 96 + 1, h = data[1] % 96 + 1, c = data[2] & 1 ? 3 : 1, invert = (data[2] >> 1) % 3 - 1;
    CnImage *im = image_create(c, h, w);
    if (!im) abort();
    const size_t n = (size_t)c * h * w;
    for (size_t i = 0; i < n; i++) im->data[i] = 3 + i < size ? data[3 + i] / 255.0f : 0.0f;
    uint8_t out[DIGIT_SIDE * DIGIT_SIDE];
    DigitPrep p;
    char text[512];
    if (digit_prepare(out, im, invert, &p) == 0) {
        if (p.box_x < 0 || p.box_y < 0 || p.box_w < 1 || p.box_h < 1 || p.box_x + p.box_w > w ||
            p.box_y + p.box_h > h)
            abort();
        if (p.fit_w < 1 || p.fit_h < 1 || p.fit_w > DIGIT_BOX || p.fit_h > DIGIT_BOX ||
            (p.fit_w != DIGIT_BOX && p.fit_h != DIGIT_BOX))
            abort();
        if (p.off_x < 0 || p.off_y < 0 || p.off_x + p.fit_w > DIGIT_SIDE || p.off_y + p.fit_h > DIGIT_SIDE) abort();
        if (!(p.mass_x >= 0 && p.mass_x <= DIGIT_SIDE - 1 && p.mass_y >= 0 && p.mass_y <= DIGIT_SIDE - 1)) abort();
        digit_prep_describe(text, sizeof text, &p);
    }
    if (digit_squeeze(out, im, invert, &p) != 0) abort();
    digit_prep_describe(text, sizeof text, &p);
    image_free(im);
    return 0;
}
