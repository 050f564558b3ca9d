/* digit_prep.h - a picture of a digit prepared the way MNIST's digits were.
 *
 * MNIST's digits (LeCun, Cortes, Burges) were "size normalized to fit in a
 * 20x20 pixel box while preserving their aspect ratio", anti-aliased, and
 * "centered in a 28x28 image by computing the center of mass of the pixels,
 * and translating the image so as to position this point at the center of
 * the 28x28 field"; light ink on a black background. A network trained on
 * them has never seen anything else: a photographed digit squeezed whole to
 * 28x28 arrives small, thin, off-centre and on a gray background.
 *
 * digit_prepare does, on a picture of any size:
 *   1. gray levels; the background is judged by the mean of the outermost
 *      ring of pixels and, when light, the picture is inverted (ink light);
 *   2. uneven light: the background level is estimated on a coarse grid of
 *      cells (a low percentile of each cell, interpolated between cell
 *      centres) and subtracted, and the ink stretched to full brightness;
 *   3. the ink: pixels clearly above the background, both themselves and
 *      averaged over 3x3 (so that noise is ignored); specks much smaller
 *      than the largest stroke are left out, and the bounding box of the
 *      rest is the digit's box;
 *   4. thin strokes (thinner than about an eighth of the box, as a pen line
 *      photographed from afar is) are thickened by a gray-level dilation,
 *      since MNIST's strokes are two or three pixels wide in 20;
 *   5. the box is scaled to fit 20x20 keeping its aspect ratio (area
 *      averaging: each new pixel the mean of the area it covers) and
 *      stretched so its brightest pixel is white;
 *   6. it is placed in 28x28 with its centre of mass at the centre (13.5,
 *      13.5 in pixel coordinates), moved by whole pixels, and kept inside.
 *
 * digit_squeeze is the older, plainer way, kept to compare: the whole
 * picture resized to 28x28 by averaging and inverted when its border is
 * light.
 */
#ifndef CN_KIT_DIGIT_PREP_H
#define CN_KIT_DIGIT_PREP_H

#include <stddef.h>
#include <stdint.h>

#include "core/image.h"

#define DIGIT_SIDE 28   /* MNIST's pictures */
#define DIGIT_BOX 20    /* the box the digit is scaled to fit */

/* What was done to a picture (for the message to the learner). */
typedef struct {
    int squeezed;           /* 1: digit_squeeze (the fields below box_w are 0) */
    int w, h;               /* the picture's size */
    double background;      /* mean gray of its outermost ring, 0 black .. 1 white */
    int inverted;           /* 1: gray levels inverted (light background) */
    double light_spread;    /* the background's highest minus lowest level over
                               the grid of cells (uneven light), 0..1 */
    int box_x, box_y, box_w, box_h;  /* the ink's bounding box in the picture */
    int specks;             /* small specks left out of the box */
    double stroke;          /* estimated stroke width, picture pixels */
    int thickened;          /* strokes dilated by this radius, picture pixels (0: none) */
    int fit_w, fit_h;       /* the box's size in 28x28, the larger side 20 */
    int off_x, off_y;       /* where its top-left corner landed in 28x28 */
    double mass_x, mass_y;  /* the result's centre of mass (13.5 is the centre) */
} DigitPrep;

/* Prepare im (gray, or RGB taken as its luminance) into out (28x28 bytes,
 * 0 = background, 255 = full ink). invert: -1 decide from the border, 0
 * never, 1 always. info (may be NULL) gets what was done. 0, or -1 with a
 * message (cn_last_error) when the picture shows no ink: blank, one gray
 * level, or differences too faint to be strokes. */
int digit_prepare(uint8_t *out, const CnImage *im, int invert, DigitPrep *info);

/* The whole picture resized to 28x28 (area averaging; a smaller picture is
 * interpolated), inverted when invert is 1, or when it is -1 and the
 * 28x28 picture's border is light. 0 or -1 (a bad image). */
int digit_squeeze(uint8_t *out, const CnImage *im, int invert, DigitPrep *info);

/* One sentence saying what was done, e.g. "light background (border 0.83),
 * inverted; ink 120x200 at (40,30) scaled to 12x20; centred by mass at
 * (13.4, 13.6)". Returns buf (always terminated). */
const char *digit_prep_describe(char *buf, size_t size, const DigitPrep *p);

#endif
