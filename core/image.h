/* image.h - pictures in and out: PNG/JPEG reading, PNG writing, mapping a
 * signed map to gray levels, montages of many small maps, and short labels
 * drawn with a built-in 5x7 bitmap font.
 *
 * A CnImage is planar float, the same NCHW layout as tensor.h with N = 1:
 * pixel (c, y, x) is data[(c * h + y) * w + x], values in [0, 1]
 * (0 = black, 1 = white). c is 1 (gray) or 3 (RGB).
 *
 * Reading and writing go through stb_image / stb_image_write; every failure
 * (missing file, corrupt or truncated file, full disk) returns NULL or -1
 * with a message naming the file in cn_last_error().
 */
#ifndef CN_IMAGE_H
#define CN_IMAGE_H

#include <stddef.h>

typedef struct {
    int c, h, w;   /* channels (1 or 3), height, width */
    float *data;   /* c*h*w values in [0, 1]; same allocation as the struct */
} CnImage;

/* A zeroed (black) image; c in 1..4. NULL on a bad shape or no memory. */
CnImage *image_create(int c, int h, int w);
/* Read a PNG or JPEG (anything stb_image reads) as gray (channels = 1,
 * luminance of the colour image) or RGB (channels = 3). 8-bit samples
 * become v / 255. NULL with the file name and the reason on failure. */
CnImage *image_load(const char *path, int channels);
void image_free(CnImage *im);

/* Write planar data (c, h, w), c in 1..4, as an 8-bit PNG: values are clamped
 * to [0, 1] (NaN becomes 0) and rounded to v * 255. Missing parent
 * directories are created. 0 or -1. */
int image_write_png(const char *path, const float *data, int c, int h, int w);
/* With on != 0, PNGs are written for speed rather than size (zlib level 1,
 * one filter for every row): several times faster, files somewhat larger.
 * For pictures redrawn every few seconds (a live view of a training); off by
 * default. Returns the previous setting. */
int image_png_quick(int on);

/* mkdir -p: create the directory `path` and any missing parents (mode 0755).
 * An existing directory is fine. 0 or -1. */
int cn_make_dirs(const char *path);
/* Create the directories above the file `path` (nothing for a bare name). */
int cn_make_parent_dirs(const char *path);

/* --- signed maps to gray levels ------------------------------------------ */

/* How a map of arbitrary values becomes gray levels in [0, 1]:
 *   MAP_MINMAX     lowest value -> black, highest -> white (v - lo) / (hi - lo);
 *                  shows the full structure of any map, but 0 lands anywhere.
 *   MAP_SYMMETRIC  0 -> mid-gray 0.5, +max|v| -> white, -max|v| -> black:
 *                  0.5 + 0.5 v / max|v|. For edge maps and filters, where the
 *                  sign is the message.
 *   MAP_CLAMP01    values already meant as intensities: clamp to [0, 1].
 * A constant map (hi == lo) becomes mid-gray in MINMAX, and an all-zero map
 * mid-gray in SYMMETRIC. NaN and infinities are left out of the range;
 * NaN is drawn black, infinities clamp to black / white. */
typedef enum { MAP_MINMAX, MAP_SYMMETRIC, MAP_CLAMP01 } MapMode;

/* The values drawn black (*lo) and white (*hi) for in[0..n). */
void image_map_find_range(const float *in, size_t n, MapMode m, float *lo, float *hi);
/* out[i] = gray level of in[i] given that lo is black and hi is white
 * (0.5 everywhere when hi == lo). out may equal in. */
void image_map_apply_range(float *out, const float *in, size_t n, float lo, float hi);
/* Both in one: map in[0..n) to [0, 1]; *lo and *hi (may be NULL) receive the
 * values drawn black and white, for the caption. out may equal in. */
void image_map_to_unit(float *out, const float *in, size_t n, MapMode m, float *lo, float *hi);
/* A fixed phrase describing the mode, e.g. "min–max: lowest → black, highest → white". */
const char *image_map_mode_caption(MapMode m);
/* The phrase with the numbers, e.g. "min–max: black = -3.2, white = 4.1" or
 * "symmetric: black = -4.1, mid-gray = 0, white = +4.1", written into buf
 * (always terminated). Returns buf. */
const char *image_map_caption(char *buf, size_t size, MapMode m, float lo, float hi);

/* Write one (h, w) map as a gray PNG: mapped by m, each value drawn as a
 * scale x scale block. *lo, *hi (may be NULL) receive the range used. 0 or -1. */
int image_write_map_png(const char *path, const float *map, int h, int w, int scale, MapMode m,
                        float *lo, float *hi);

/* --- montages ------------------------------------------------------------ */

/* A montage lays tiles out in a grid of cells on a dark slate background
 * (so a black, white or mid-gray tile edge is always visible):
 *
 *     gap | tile | gap | tile | gap        width  = cols * cell_w + (cols + 1) * gap
 *         | label|     | label|            height = rows * cell_h + (rows + 1) * gap
 *
 * cell_w is the widest tile times scale (or the widest label, if wider);
 * cell_h is the tallest tile times scale, plus a label strip of
 * 8 * font_scale + 2 pixels when labels are given. Smaller tiles are centred
 * in their cell. Tiles are enlarged by nearest neighbour (each value a
 * scale x scale block) so a 5x5 filter stays a crisp 5x5 grid. */
typedef struct {
    int cols;                   /* tiles per row; 0 = ceil(sqrt(n)) */
    int scale;                  /* integer enlargement, >= 1 */
    int gap;                    /* pixels between tiles and around the edge, >= 0 */
    MapMode mode;               /* how each tile's values become gray levels */
    int shared_range;           /* 1: one range over all tiles (compare magnitudes
                                   across tiles; see image_map_find_range for the caption);
                                   0: each tile stretched to its own range */
    const char *const *labels;  /* NULL, or n strings drawn under the tiles */
    int font_scale;             /* label size: glyphs 5*fs x 8*fs pixels, >= 1 */
} MontageOptions;

/* cols 0, scale 1, gap 2, MAP_MINMAX, per-tile range, no labels, font_scale 1. */
MontageOptions image_montage_defaults(void);

/* One tile of an image_montage_create_tiles call: c = 1 (gray) or 3 (RGB, planar).
 * An RGB tile is mapped with one range over its three channels. */
typedef struct {
    const float *data;
    int c, h, w;
} MontageTile;

/* n maps of shape (c, h, w) stored one after another (n, c, h, w), c 1 or 3,
 * as one RGB image. NULL on bad arguments or a result wider or taller than
 * 32768 pixels. */
CnImage *image_montage_create(const float *maps, int n, int c, int h, int w, const MontageOptions *opt);
/* The same for tiles of different sizes (e.g. an input beside its feature maps). */
CnImage *image_montage_create_tiles(const MontageTile *tiles, int n, const MontageOptions *opt);
/* image_montage_create + image_write_png. */
int image_montage_write_png_opts(const char *path, const float *maps, int n, int c, int h, int w,
                                 const MontageOptions *opt);
/* The common case: n gray (h, w) maps, default gap, no labels. cols 0 = about
 * square; scale >= 1. 0 or -1. */
int image_montage_write_png(const char *path, const float *maps, int n, int h, int w, int cols,
                            int scale, MapMode mode, int shared_range);

/* --- text ------------------------------------------------------------------ */

/* A 5x7 bitmap font (descenders of g j p q y in an 8th row): printable ASCII
 * plus → ← – — × (UTF-8); anything else is drawn as '?'. Each character
 * takes a 6 x 8 cell (a column of spacing), every font pixel a
 * font_scale x font_scale block. */
#define TEXT_CELL_W 6
#define TEXT_CELL_H 8
/* Width in pixels of text drawn at font_scale (no trailing spacing column). */
int image_text_width(const char *text, int font_scale);
/* Draw text with its top-left corner at (x, y) in colour rgb (a gray image
 * uses rgb[0]); pixels outside the image are skipped. */
void image_draw_text(CnImage *im, int x, int y, const char *text, int font_scale, const float rgb[3]);

#endif
