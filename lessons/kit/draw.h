/* draw.h - the lesson kit's drawing: RGB canvases with rectangles, gray
 * maps and text, written into the notebook's folder; shrinking and resizing
 * photographs; the quantile that sets a symmetric gray scale. Lessons only
 * (it stops the program when memory runs out). */
#ifndef CN_KIT_DRAW_H
#define CN_KIT_DRAW_H

#include <stddef.h>

#include "core/image.h"
#include "core/notebook.h"

/* The colours of every picture the lessons draw themselves: a slate
 * background, white and dim text, green for right, red for wrong, blue bars. */
extern const float SLATE[3], WHITE[3], DIM[3], GREEN[3], RED[3], BAR[3];

/* A new h x w RGB image filled with SLATE. */
Image *canvas(int h, int w);
/* The w x h rectangle with top-left corner (x0, y0), clipped to im. */
void fill_rect(Image *im, int x0, int y0, int w, int h, const float rgb[3]);
/* Map m (h, w) into gray levels, lo black, hi white, each value a scale x
 * scale block with its top-left corner at (x0, y0). */
void blit_map(Image *im, int x0, int y0, const float *m, int h, int w, int scale, float lo, float hi);
void text_at(Image *im, int x, int y, const char *s, const float rgb[3]);
void text_centred(Image *im, int cx, int y, const char *s, const float rgb[3]);
/* im as nb's file (a PNG in the notebook's folder). */
void write_png(Notebook *nb, const char *file, const Image *im);

/* One 28x28 picture of 8-bit pixels as floats in [0, 1]. */
void picture_28(float *out, const unsigned char *p);

/* Shrink a gray image by averaging f x f blocks, f the smallest whole
 * factor that brings both sides to max_side or less (f = 1: im itself).
 * The average keeps the mean brightness and is the gentlest honest
 * downscale. Frees im when it makes a new image. */
Image *shrink_image(Image *im, int max_side);

/* out (S, S) from the gray image im: each output pixel is the mean of the
 * source area it covers; a picture smaller than S x S is interpolated. */
void resize_gray(float *out, int S, const Image *im);

/* The q-quantile of |v| (q in [0, 1]; 1: the largest), by sorting a copy. */
float abs_quantile(const float *v, size_t n, double q);

#endif
