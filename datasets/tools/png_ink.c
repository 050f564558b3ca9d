/* png_ink.c - how much of a picture is not its background: the browser
 * check (tests/browser.sh) tells a drawn page from a blank one with it.
 *
 *   build/datasets/tools/png_ink PICTURE.png
 *
 * prints "WIDTH HEIGHT INK": INK the share of pixels whose colour differs
 * from the picture's most common one (its background) by more than 0.1 in
 * some channel, from 0 (blank) to 1. Exit status 1 when the picture cannot
 * be read, 2 for a bad command line.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/error.h"
#include "core/image.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s PICTURE.png  (prints its width, height and the share of pixels that are not "
                        "background)\n", argv[0]);
        return 2;
    }
    CnImage *im = image_load(argv[1], 3);
    if (!im) {
        fprintf(stderr, "%s: %s\n", argv[0], cn_last_error());
        return 1;
    }
    const size_t plane = (size_t)im->h * (size_t)im->w;
    /* the most common colour, counted on 4-bit channels */
    static unsigned counts[4096];
    for (size_t i = 0; i < plane; i++) {
        unsigned key = 0;
        for (int c = 0; c < 3; c++) key = key * 16 + (unsigned)lrintf(im->data[(size_t)c * plane + i] * 15.0f);
        counts[key]++;
    }
    unsigned best = 0;
    for (unsigned k = 1; k < 4096; k++)
        if (counts[k] > counts[best]) best = k;
    const float bg[3] = { (float)(best / 256) / 15.0f, (float)(best / 16 % 16) / 15.0f, (float)(best % 16) / 15.0f };
    size_t ink = 0;
    for (size_t i = 0; i < plane; i++) {
        int differs = 0;
        for (int c = 0; c < 3; c++) differs |= fabsf(im->data[(size_t)c * plane + i] - bg[c]) > 0.1f;
        ink += (size_t)differs;
    }
    printf("%d %d %.4f\n", im->w, im->h, plane ? (double)ink / (double)plane : 0.0);
    image_free(im);
    return 0;
}
