/* draw.h - the lesson kit's drawing: RGB canvases with rectangles, gray
 * maps, text and grids of numbers, and montages of tiles, written into the
 * notebook's folder; the lessons' photograph, loaded, shrunk and resized;
 * the quantile that sets a symmetric gray scale. Lessons only (it stops the
 * program when memory runs out or the photograph cannot be read). */
#ifndef CN_KIT_DRAW_H
#define CN_KIT_DRAW_H

#include <stddef.h>

#include "core/error.h"
#include "core/image.h"
#include "core/notebook.h"

/* The colours of every picture the lessons draw themselves: a slate
 * background, white and dim text, green for right, red for wrong, blue bars. */
extern const float SLATE[3], WHITE[3], DIM[3], GREEN[3], RED[3], BAR[3];

/* A grid of numbers (rows x cols) as an RGB picture: each cell a
 * cell x cell square whose gray level shows the value (lo darkest .. hi
 * lightest), with the value written in it; cells flagged in pad (may be
 * NULL) are zero padding, drawn dark blue with a "0". */
CnImage *number_grid(const float *v, const unsigned char *pad, int rows, int cols, float lo, float hi, int cell);

/* A new h x w RGB image filled with SLATE. */
CnImage *canvas(int h, int w);
/* The w x h rectangle with top-left corner (x0, y0), clipped to im. */
void fill_rect(CnImage *im, int x0, int y0, int w, int h, const float rgb[3]);
/* The border, t pixels thick, of the w x h rectangle at (x0, y0), clipped to im. */
void outline_rect(CnImage *im, int x0, int y0, int w, int h, int t, const float rgb[3]);
/* src (gray or RGB) copied into im with its top-left corner at (x0, y0), clipped. */
void paste_image(CnImage *im, int x0, int y0, const CnImage *src);
/* Map m (h, w) into gray levels, lo black, hi white, each value a scale x
 * scale block with its top-left corner at (x0, y0). */
void blit_map(CnImage *im, int x0, int y0, const float *m, int h, int w, int scale, float lo, float hi);
void text_at(CnImage *im, int x, int y, const char *s, const float rgb[3]);
void text_centred(CnImage *im, int cx, int y, const char *s, const float rgb[3]);
/* im as nb's file (a PNG in the notebook's folder). */
void write_png(Notebook *nb, const char *file, const CnImage *im);

/* image_montage_defaults() (core/image.h) with the choices a lesson makes: cols
 * tiles a row (0: about square), each value a scale x scale block, gap
 * pixels between tiles, mode from values to gray, labels (NULL: none)
 * under the tiles in glyphs of font_scale; each tile on its own range. */
MontageOptions montage_labelled(int cols, int scale, int gap, MapMode mode, const char *const *labels,
                                int font_scale);

/* The tiles as one montage (image_montage_create_tiles of core/image.h) into
 * nb's file. */
void write_montage(Notebook *nb, const char *file, const MontageTile *t, int n, const MontageOptions *mo);

/* The same as one gray PNG (each pixel the luminance of the montage's
 * colours): a third of the bytes, for montages of gray tiles. */
void write_montage_gray(Notebook *nb, const char *file, const MontageTile *t, int n, const MontageOptions *mo);

/* One 28x28 picture of 8-bit pixels as floats in [0, 1]. */
void picture_28(float *out, const unsigned char *p);

/* The lessons' photograph, datasets/photos/camera.png under the project
 * root (the path, in a buffer of the kit's). */
const char *lesson_photo_path(void);

/* The picture a lesson works on, gray (a colour picture becomes its
 * brightness), at full size: image_path's (a lesson's --image) or, when it
 * is NULL, the lessons' photograph. A picture that cannot be read stops the
 * program: for --image, naming the file; for the photograph, saying to run
 * `make datasets` or, when the lesson has the flag (image_flag), to pass
 * --image FILE. */
CnImage *load_lesson_photo(const char *image_path, int image_flag);

/* The lessons' colour photograph, datasets/photos/astronaut.png under the
 * project root (the path, in a buffer of the kit's). */
const char *colour_photo_path(void);

/* A picture as RGB (a gray one gets three equal channels), at full size:
 * image_path's (a lesson's --image) or, when it is NULL, the colour
 * photograph. A picture that cannot be read stops the program, naming the
 * file given, or saying to run `make datasets` or pass --image FILE. */
CnImage *load_colour_photo(const char *image_path);

/* Shrink an image (gray or RGB, each channel alike) by averaging f x f
 * blocks, f the smallest whole
 * factor that brings both sides to max_side or less (f = 1: im itself).
 * The average keeps the mean brightness and is the gentlest honest
 * downscale. Frees im when it makes a new image. */
CnImage *shrink_image(CnImage *im, int max_side);

/* The central square of im (side the shorter of its sides), all its
 * channels; frees im when it makes a new image (a square im is returned as
 * it is). */
CnImage *central_square(CnImage *im);

/* out (h/f, w/f): the mean of each f x f block of in (h, w); the rows and
 * columns beyond a whole number of blocks are left out. */
void shrink_map(float *out, const float *in, int h, int w, int f);

/* out (S, S) from the gray image im: each output pixel is the mean of the
 * source area it covers; a picture smaller than S x S is interpolated. */
void resize_gray(float *out, int S, const CnImage *im);

/* The q-quantile of |v| (q in [0, 1]; 1: the largest), by sorting a copy. */
float abs_quantile(const float *v, size_t n, double q);

/* out = gray levels of in, symmetric around mid-gray: 0 -> 0.5, +a -> white,
 * -a -> black, with a = the q-quantile of |in| (values beyond saturate). */
void gray_symmetric(float *out, const float *in, size_t n, double q);
/* Nearest-neighbour enlargement of in (h, w) by a whole factor f. */
void enlarge(float *out, const float *in, int h, int w, int f);

/* --- image grids: a list of gray tiles (already mapped to [0, 1]) with
 * labels, written as one montage. The tiles' buffers are owned here. --- */
typedef struct {
    int n, cap;
    MontageTile *t;
    char (*label)[64];
} Sheet;

void sheet_add_c(Sheet *s, const float *v, int c, int h, int w, const char *fmt, ...) CN_PRINTF(6, 7);
#define sheet_add(s, gray, h, w, ...) sheet_add_c(s, gray, 1, h, w, __VA_ARGS__)
/* A k x k filter as a tile: symmetric gray (0 mid-gray), scale x scale blocks. */
void sheet_add_filter(Sheet *s, int k, const float *f, int scale, const char *label);
/* Two k x k filters side by side in one tile (a learned filter and its
 * match), each on its own symmetric gray scale, a strip of the montage's
 * background colour between them, one label under both. */
void sheet_add_pair(Sheet *s, int k, const float *f, const float *g, int scale, const char *label);
/* A map of h x w values as a tile: symmetric gray around 0 at the
 * q-quantile of |map| (gray_symmetric), enlarged scale times. */
void sheet_add_map(Sheet *s, const float *map, int h, int w, int scale, double q, const char *label);
/* A map of h x w values as a tile on the symmetric gray scale -a .. a
 * (0 mid-gray, a white, -a black; values beyond saturate), enlarged scale
 * times: give several maps the same a and their strengths compare. */
void sheet_add_map_range(Sheet *s, const float *map, int h, int w, int scale, float a, const char *label);
/* The same from lo (black) to hi (white), e.g. 0 .. max for a map with no
 * negative values. */
void sheet_add_map_lohi(Sheet *s, const float *map, int h, int w, int scale, float lo, float hi, const char *label);
/* The gray scale for drawing map y (n values): from 0 (black) when it has
 * no negative values, else symmetric around 0 (mid-gray); white at the
 * 0.99 quantile of |y|. *lo, *hi for sheet_add_map_lohi; returns the
 * phrase for a caption ("0 black, lighter larger" or "0 mid-gray, ..."). */
const char *map_gray_scale(const float *y, size_t n, float *lo, float *hi);
/* Three rows of n tiles for n k x k filters: their start w0, their end w1
 * and the change w1 - w0, a filter's three on one symmetric scale (its
 * largest |weight| at the start or the end: a faint change is a small one),
 * enlarged scale times, labelled "<prefix> <name[f]>: start" (end, change). */
void sheet_add_start_end_change(Sheet *s, const float *w0, const float *w1, int n, int k, int scale,
                                const char *prefix, const char *const *name);
/* The tiles as one montage, cols a row, into nb's file; empties s. */
void sheet_write(Sheet *s, Notebook *nb, const char *file, int cols, int gap, int font_scale);

#endif
