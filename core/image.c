/* image.c - PNG/JPEG in, PNG out, gray-level mappings, montages, a bitmap font. */
#include "core/image.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <stb_image.h>
#include <stb_image_write.h>

#include "core/error.h"
#include "core/files.h"
#include "core/jpeg_guard.h"

/* Largest montage side; keeps every int computation far from overflow and the
 * PNG a sensible size. */
#define MONTAGE_MAX_SIDE 32768

/* --- allocation ------------------------------------------------------------ */

/* Header and pixels in one block, so image_free is one free(). */
struct image_block {
    CnImage im;
    float px[];
};

CnImage *image_create(int c, int h, int w)
{
    if (c < 1 || c > 4 || h < 1 || w < 1)
        return cn_fail("image_create: shape (%d, %d, %d) needs 1..4 channels and a size of at least 1x1",
                       c, h, w), NULL;
    size_t n, bytes;
    if (cn_mul_size((size_t)c, (size_t)h, &n) || cn_mul_size(n, (size_t)w, &n) ||
        cn_mul_size(n, sizeof(float), &bytes) || cn_add_size(bytes, sizeof(struct image_block), &bytes))
        return cn_fail("image_create: shape (%d, %d, %d) is too large", c, h, w), NULL;
    struct image_block *b = calloc(1, bytes);
    if (!b) return cn_fail("image_create: out of memory for a %dx%d image with %d channels", w, h, c), NULL;
    b->im = (CnImage){ .c = c, .h = h, .w = w, .data = b->px };
    return &b->im;
}

void image_free(CnImage *im) { free(im); }

/* --- directories ----------------------------------------------------------- */

int cn_make_dirs(const char *path)
{
    if (!path || !*path) return cn_fail("cn_make_dirs: empty directory path");
    size_t len = strlen(path);
    char *p = malloc(len + 1);
    if (!p) return cn_fail("cn_make_dirs: out of memory for path %s", path);
    memcpy(p, path, len + 1);
    while (len > 1 && p[len - 1] == '/') p[--len] = '\0';
    /* Walk the components left to right: "a/b/c" makes "a", then "a/b", then "a/b/c". */
    for (char *s = p + 1;; s++) {
        if (*s != '/' && *s != '\0') continue;
        char keep = *s;
        *s = '\0';
        if (mkdir(p, 0755) != 0 && errno != EEXIST) {
            int e = errno;
            cn_fail("cannot create directory %s: %s", p, strerror(e));
            free(p);
            return -1;
        }
        struct stat st;
        if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode)) {
            cn_fail("cannot create directory %s: a file of that name is in the way", p);
            free(p);
            return -1;
        }
        *s = keep;
        if (keep == '\0') break;
    }
    free(p);
    return 0;
}

int cn_make_parent_dirs(const char *path)
{
    if (!path || !*path) return cn_fail("cn_make_parent_dirs: empty file path");
    const char *slash = strrchr(path, '/');
    if (!slash || slash == path) return 0;   /* "name" or "/name": nothing to create */
    size_t len = (size_t)(slash - path);
    char *dir = malloc(len + 1);
    if (!dir) return cn_fail("cn_make_parent_dirs: out of memory for path %s", path);
    memcpy(dir, path, len);
    dir[len] = '\0';
    int rc = cn_make_dirs(dir);
    free(dir);
    return rc;
}

/* --- read and write -------------------------------------------------------- */

/* Pictures are read whole, at most this many bytes, before decoding. */
#define IMAGE_MAX_BYTES ((size_t)1 << 28)

/* The bytes of the regular file path (at most IMAGE_MAX_BYTES) into *out,
 * *n; 0, or -1 with a message. */
static int read_picture_file(const char *path, unsigned char **out, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) return cn_fail("the picture %s: cannot open it: %s", path, strerror(errno));
    struct stat st = { 0 };
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return cn_fail("%s is %s, not a picture: give a PNG or JPEG file", path,
                       S_ISDIR(st.st_mode) ? "a directory" : "not a regular file");
    }
    if ((size_t)st.st_size > IMAGE_MAX_BYTES) {
        fclose(f);
        return cn_fail("%s: %lld bytes is too large for a picture (at most 256 MiB)", path, (long long)st.st_size);
    }
    *n = (size_t)st.st_size;
    *out = malloc(*n ? *n : 1);
    const size_t got = *out ? fread(*out, 1, *n, f) : 0;
    fclose(f);
    if (!*out) return cn_fail("%s: out of memory to read it", path);
    if (got != *n) {
        free(*out);
        return cn_fail("cannot read image %s: only %zu of its %zu bytes", path, got, *n);
    }
    return 0;
}

/* stb_image also decodes formats without a signature (TGA): any file would
 * become a "picture". Only PNG and JPEG files are decoded, and a JPEG only
 * once its Huffman tables are possible (core/jpeg_guard.h). */
static int check_picture_bytes(const unsigned char *b, size_t n, const char *path)
{
    static const unsigned char png[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };
    if (n >= 8 && !memcmp(b, png, 8)) return 0;
    if (n >= 3 && b[0] == 0xFF && b[1] == 0xD8) return jpeg_guard_check(b, n, path);
    return cn_fail("cannot decode image: %s is not a PNG or JPEG file (%s); give a PNG or JPEG picture", path,
                   n == 0 ? "it is empty" : "it starts with neither signature");
}

CnImage *image_load(const char *path, int channels)
{
    if (!path) return cn_fail("image_load: no file name given"), NULL;
    if (channels != 1 && channels != 3)
        return cn_fail("image_load: %s: channels must be 1 (gray) or 3 (RGB), not %d", path, channels), NULL;
    unsigned char *bytes = NULL;
    size_t nbytes = 0;
    if (read_picture_file(path, &bytes, &nbytes) != 0) return NULL;
    if (check_picture_bytes(bytes, nbytes, path) != 0 || nbytes > INT_MAX) {
        if (nbytes > INT_MAX) cn_fail("%s: too large for the picture decoder", path);
        free(bytes);
        return NULL;
    }
    int w = 0, h = 0, file_channels = 0;
    unsigned char *px = stbi_load_from_memory(bytes, (int)nbytes, &w, &h, &file_channels, channels);
    const char *why = stbi_failure_reason();
    free(bytes);
    if (!px)
        return cn_fail("cannot decode image %s: %s (not a complete PNG or JPEG file?)", path,
                       why ? why : "unknown format"), NULL;
    CnImage *im = image_create(channels, h, w);
    if (!im) {
        stbi_image_free(px);
        return cn_fail("cannot load image %s: a %dx%d image does not fit in memory", path, w, h), NULL;
    }
    /* stb gives interleaved rows (y, x, c); the image is planar (c, y, x). */
    size_t plane = (size_t)h * (size_t)w;
    for (int c = 0; c < channels; c++)
        for (size_t i = 0; i < plane; i++)
            im->data[(size_t)c * plane + i] = px[i * (size_t)channels + (size_t)c] / 255.0f;
    stbi_image_free(px);
    return im;
}

static unsigned char to_byte(float v)
{
    if (!(v > 0.0f)) return 0;   /* also NaN */
    if (v >= 1.0f) return 255;
    return (unsigned char)lrintf(v * 255.0f);
}

/* stb's PNG encoder hands over the whole file in one or more pieces: gather
 * them, so the file itself is written (and every write checked) by
 * cn_file_write_atomic. */
typedef struct {
    unsigned char *p;
    size_t n;
    int oom;
} PngBytes;

static void png_gather(void *ctx, void *data, int size)
{
    PngBytes *b = ctx;
    unsigned char *q = b->oom || size < 0 ? NULL : realloc(b->p, b->n + (size_t)size);
    if (!q) {
        b->oom = 1;
        return;
    }
    memcpy(q + b->n, data, (size_t)size);
    b->p = q;
    b->n += (size_t)size;
}

int image_png_quick(int on)
{
    const int was = stbi_write_png_compression_level == 1;
    /* stb's defaults: zlib level 8, and each row tried with the five PNG
     * filters to keep the best; quick: level 1 and the "up" filter for every
     * row (smooth pictures compress well with it) */
    stbi_write_png_compression_level = on ? 1 : 8;
    stbi_write_force_png_filter = on ? 2 : -1;
    return was;
}

int image_write_png(const char *path, const float *data, int c, int h, int w)
{
    if (!path || !data) return cn_fail("image_write_png: no file name or no pixels given");
    if (c < 1 || c > 4 || h < 1 || w < 1)
        return cn_fail("image_write_png: %s: shape (%d, %d, %d) needs 1..4 channels and at least 1x1 pixels",
                       path, c, h, w);
    size_t plane, n;
    if (w > INT_MAX / c || cn_mul_size((size_t)h, (size_t)w, &plane) || cn_mul_size(plane, (size_t)c, &n))
        return cn_fail("image_write_png: %s: a %dx%d image with %d channels is too large", path, w, h, c);
    if (cn_make_parent_dirs(path) != 0) return -1;
    unsigned char *px = malloc(n);
    if (!px) return cn_fail("image_write_png: out of memory for %s (%dx%d)", path, w, h);
    for (int ch = 0; ch < c; ch++)
        for (size_t i = 0; i < plane; i++)
            px[i * (size_t)c + (size_t)ch] = to_byte(data[(size_t)ch * plane + i]);
    PngBytes png = { 0 };
    int ok = stbi_write_png_to_func(png_gather, &png, w, h, c, px, w * c);
    free(px);
    int rc = !ok || png.oom ? cn_fail("cannot write PNG %s: out of memory encoding %dx%d pixels", path, w, h)
                            : cn_file_write_atomic(path, png.p, png.n);
    free(png.p);
    return rc;
}

/* --- gray-level mappings --------------------------------------------------- */

/* Smallest and largest finite value; returns how many values were finite. */
static size_t finite_range(const float *in, size_t n, float *mn, float *mx)
{
    size_t count = 0;
    float lo = 0.0f, hi = 0.0f;
    for (size_t i = 0; i < n; i++) {
        float v = in[i];
        if (!isfinite(v)) continue;
        if (count == 0 || v < lo) lo = v;
        if (count == 0 || v > hi) hi = v;
        count++;
    }
    *mn = lo;
    *mx = hi;
    return count;
}

/* The black and white values of mode m for data whose finite values span [mn, mx]. */
static void range_for_mode(MapMode m, float mn, float mx, float *lo, float *hi)
{
    switch (m) {
    case MAP_SYMMETRIC: {
        float a = fmaxf(fabsf(mn), fabsf(mx));
        *lo = -a;
        *hi = a;
        break;
    }
    case MAP_CLAMP01:
        *lo = 0.0f;
        *hi = 1.0f;
        break;
    case MAP_MINMAX:
    default:
        *lo = mn;
        *hi = mx;
        break;
    }
}

void image_map_find_range(const float *in, size_t n, MapMode m, float *lo, float *hi)
{
    float mn, mx;
    finite_range(in, n, &mn, &mx);
    range_for_mode(m, mn, mx, lo, hi);
}

void image_map_apply_range(float *out, const float *in, size_t n, float lo, float hi)
{
    if (!(hi > lo)) {
        /* A constant map has no contrast to show: draw it mid-gray. */
        for (size_t i = 0; i < n; i++) out[i] = isnan(in[i]) ? 0.0f : 0.5f;
        return;
    }
    /* gray = (v - lo) / (hi - lo), in double so huge ranges do not overflow */
    double inv = 1.0 / ((double)hi - (double)lo);
    for (size_t i = 0; i < n; i++) {
        double t = ((double)in[i] - (double)lo) * inv;
        out[i] = !(t > 0.0) ? 0.0f : t >= 1.0 ? 1.0f : (float)t;   /* NaN -> 0 */
    }
}

void image_map_to_unit(float *out, const float *in, size_t n, MapMode m, float *lo, float *hi)
{
    float l, h;
    image_map_find_range(in, n, m, &l, &h);
    image_map_apply_range(out, in, n, l, h);
    if (lo) *lo = l;
    if (hi) *hi = h;
}

const char *image_map_mode_caption(MapMode m)
{
    switch (m) {
    case MAP_SYMMETRIC: return "symmetric: 0 → mid-gray, +max|v| → white, −max|v| → black";
    case MAP_CLAMP01: return "clamped: 0 or less → black, 1 or more → white";
    case MAP_MINMAX:
    default: return "min–max: lowest → black, highest → white";
    }
}

const char *image_map_caption(char *buf, size_t size, MapMode m, float lo, float hi)
{
    if (!buf || size == 0) return buf;
    switch (m) {
    case MAP_SYMMETRIC:
        if (hi > 0.0f)
            snprintf(buf, size, "symmetric: black = %.3g, mid-gray = 0, white = +%.3g", (double)lo, (double)hi);
        else
            snprintf(buf, size, "symmetric: every value is 0, drawn mid-gray");
        break;
    case MAP_CLAMP01:
        snprintf(buf, size, "clamped: black = 0, white = 1");
        break;
    case MAP_MINMAX:
    default:
        if (hi > lo)
            snprintf(buf, size, "min–max: black = %.3g, white = %.3g", (double)lo, (double)hi);
        else
            snprintf(buf, size, "min–max: every value is %.3g, drawn mid-gray", (double)lo);
        break;
    }
    return buf;
}

/* Copy a mapped (c, h, w) tile into dst at (x0, y0), each value a scale x
 * scale block; a gray tile fills every channel of dst. The innermost loop
 * walks one destination row, which is contiguous. */
static void blit_scaled(CnImage *dst, int x0, int y0, const float *tile, int c, int h, int w, int scale)
{
    for (int ch = 0; ch < dst->c; ch++) {
        const float *src = tile + (size_t)(c == 1 ? 0 : ch < c ? ch : c - 1) * (size_t)h * (size_t)w;
        for (int y = 0; y < h * scale; y++) {
            float *row = dst->data + ((size_t)ch * (size_t)dst->h + (size_t)(y0 + y)) * (size_t)dst->w + (size_t)x0;
            const float *srow = src + (size_t)(y / scale) * (size_t)w;
            for (int x = 0; x < w * scale; x++) row[x] = srow[x / scale];
        }
    }
}

int image_write_map_png(const char *path, const float *map, int h, int w, int scale, MapMode m,
                        float *lo, float *hi)
{
    if (!path || !map) return cn_fail("image_write_map_png: no file name or no map given");
    if (h < 1 || w < 1 || scale < 1 || h > MONTAGE_MAX_SIDE / scale || w > MONTAGE_MAX_SIDE / scale)
        return cn_fail("image_write_map_png: %s: a %dx%d map at scale %d is not a drawable size "
                       "(each side 1..%d pixels)", path, h, w, scale, MONTAGE_MAX_SIDE);
    size_t n = (size_t)h * (size_t)w;
    float *gray = malloc(n * sizeof *gray);
    CnImage *im = image_create(1, h * scale, w * scale);
    if (!gray || !im) {
        free(gray);
        image_free(im);
        return cn_fail("image_write_map_png: out of memory for %s", path);
    }
    image_map_to_unit(gray, map, n, m, lo, hi);
    blit_scaled(im, 0, 0, gray, 1, h, w, scale);
    int rc = image_write_png(path, im->data, 1, im->h, im->w);
    free(gray);
    image_free(im);
    return rc;
}

/* --- 5x7 font ----------------------------------------------------------------- */

/* One glyph = 5 columns, left to right; bit k of a column is row k from the
 * top. Capitals and digits use rows 0..6 (the classic 5x7 LCD character
 * set); g j p q y hang their descenders into row 7. */
static const unsigned char font_ascii[95][5] = {
    { 0x00, 0x00, 0x00, 0x00, 0x00 }, /* space */
    { 0x00, 0x00, 0x5F, 0x00, 0x00 }, /* ! */
    { 0x00, 0x07, 0x00, 0x07, 0x00 }, /* " */
    { 0x14, 0x7F, 0x14, 0x7F, 0x14 }, /* # */
    { 0x24, 0x2A, 0x7F, 0x2A, 0x12 }, /* $ */
    { 0x23, 0x13, 0x08, 0x64, 0x62 }, /* % */
    { 0x36, 0x49, 0x55, 0x22, 0x50 }, /* & */
    { 0x00, 0x05, 0x03, 0x00, 0x00 }, /* ' */
    { 0x00, 0x1C, 0x22, 0x41, 0x00 }, /* ( */
    { 0x00, 0x41, 0x22, 0x1C, 0x00 }, /* ) */
    { 0x14, 0x08, 0x3E, 0x08, 0x14 }, /* * */
    { 0x08, 0x08, 0x3E, 0x08, 0x08 }, /* + */
    { 0x00, 0x50, 0x30, 0x00, 0x00 }, /* , */
    { 0x00, 0x08, 0x08, 0x08, 0x00 }, /* - */
    { 0x00, 0x60, 0x60, 0x00, 0x00 }, /* . */
    { 0x20, 0x10, 0x08, 0x04, 0x02 }, /* / */
    { 0x3E, 0x51, 0x49, 0x45, 0x3E }, /* 0 */
    { 0x00, 0x42, 0x7F, 0x40, 0x00 }, /* 1 */
    { 0x42, 0x61, 0x51, 0x49, 0x46 }, /* 2 */
    { 0x21, 0x41, 0x45, 0x4B, 0x31 }, /* 3 */
    { 0x18, 0x14, 0x12, 0x7F, 0x10 }, /* 4 */
    { 0x27, 0x45, 0x45, 0x45, 0x39 }, /* 5 */
    { 0x3C, 0x4A, 0x49, 0x49, 0x30 }, /* 6 */
    { 0x01, 0x71, 0x09, 0x05, 0x03 }, /* 7 */
    { 0x36, 0x49, 0x49, 0x49, 0x36 }, /* 8 */
    { 0x06, 0x49, 0x49, 0x29, 0x1E }, /* 9 */
    { 0x00, 0x36, 0x36, 0x00, 0x00 }, /* : */
    { 0x00, 0x56, 0x36, 0x00, 0x00 }, /* ; */
    { 0x08, 0x14, 0x22, 0x41, 0x00 }, /* < */
    { 0x14, 0x14, 0x14, 0x14, 0x14 }, /* = */
    { 0x00, 0x41, 0x22, 0x14, 0x08 }, /* > */
    { 0x02, 0x01, 0x51, 0x09, 0x06 }, /* ? */
    { 0x32, 0x49, 0x79, 0x41, 0x3E }, /* @ (open on the left, so it never reads as 0) */
    { 0x7E, 0x11, 0x11, 0x11, 0x7E }, /* A */
    { 0x7F, 0x49, 0x49, 0x49, 0x36 }, /* B */
    { 0x3E, 0x41, 0x41, 0x41, 0x22 }, /* C */
    { 0x7F, 0x41, 0x41, 0x22, 0x1C }, /* D */
    { 0x7F, 0x49, 0x49, 0x49, 0x41 }, /* E */
    { 0x7F, 0x09, 0x09, 0x09, 0x01 }, /* F */
    { 0x3E, 0x41, 0x49, 0x49, 0x7A }, /* G */
    { 0x7F, 0x08, 0x08, 0x08, 0x7F }, /* H */
    { 0x00, 0x41, 0x7F, 0x41, 0x00 }, /* I */
    { 0x20, 0x40, 0x41, 0x3F, 0x01 }, /* J */
    { 0x7F, 0x08, 0x14, 0x22, 0x41 }, /* K */
    { 0x7F, 0x40, 0x40, 0x40, 0x40 }, /* L */
    { 0x7F, 0x02, 0x0C, 0x02, 0x7F }, /* M */
    { 0x7F, 0x04, 0x08, 0x10, 0x7F }, /* N */
    { 0x3E, 0x41, 0x41, 0x41, 0x3E }, /* O */
    { 0x7F, 0x09, 0x09, 0x09, 0x06 }, /* P */
    { 0x3E, 0x41, 0x51, 0x21, 0x5E }, /* Q */
    { 0x7F, 0x09, 0x19, 0x29, 0x46 }, /* R */
    { 0x46, 0x49, 0x49, 0x49, 0x31 }, /* S */
    { 0x01, 0x01, 0x7F, 0x01, 0x01 }, /* T */
    { 0x3F, 0x40, 0x40, 0x40, 0x3F }, /* U */
    { 0x1F, 0x20, 0x40, 0x20, 0x1F }, /* V */
    { 0x3F, 0x40, 0x38, 0x40, 0x3F }, /* W */
    { 0x63, 0x14, 0x08, 0x14, 0x63 }, /* X */
    { 0x07, 0x08, 0x70, 0x08, 0x07 }, /* Y */
    { 0x61, 0x51, 0x49, 0x45, 0x43 }, /* Z */
    { 0x00, 0x7F, 0x41, 0x41, 0x00 }, /* [ */
    { 0x02, 0x04, 0x08, 0x10, 0x20 }, /* backslash */
    { 0x00, 0x41, 0x41, 0x7F, 0x00 }, /* ] */
    { 0x04, 0x02, 0x01, 0x02, 0x04 }, /* ^ */
    { 0x40, 0x40, 0x40, 0x40, 0x40 }, /* _ */
    { 0x00, 0x01, 0x02, 0x04, 0x00 }, /* ` */
    { 0x20, 0x54, 0x54, 0x54, 0x78 }, /* a */
    { 0x7F, 0x48, 0x44, 0x44, 0x38 }, /* b */
    { 0x38, 0x44, 0x44, 0x44, 0x20 }, /* c */
    { 0x38, 0x44, 0x44, 0x48, 0x7F }, /* d */
    { 0x38, 0x54, 0x54, 0x54, 0x18 }, /* e */
    { 0x08, 0x7E, 0x09, 0x01, 0x02 }, /* f */
    { 0x98, 0xA4, 0xA4, 0xA4, 0x7C }, /* g */
    { 0x7F, 0x08, 0x04, 0x04, 0x78 }, /* h */
    { 0x00, 0x44, 0x7D, 0x40, 0x00 }, /* i */
    { 0x40, 0x80, 0x80, 0x84, 0x7D }, /* j */
    { 0x7F, 0x10, 0x28, 0x44, 0x00 }, /* k */
    { 0x00, 0x41, 0x7F, 0x40, 0x00 }, /* l */
    { 0x7C, 0x04, 0x18, 0x04, 0x78 }, /* m */
    { 0x7C, 0x08, 0x04, 0x04, 0x78 }, /* n */
    { 0x38, 0x44, 0x44, 0x44, 0x38 }, /* o */
    { 0xFC, 0x24, 0x24, 0x24, 0x18 }, /* p */
    { 0x18, 0x24, 0x24, 0x24, 0xFC }, /* q */
    { 0x7C, 0x08, 0x04, 0x04, 0x08 }, /* r */
    { 0x48, 0x54, 0x54, 0x54, 0x20 }, /* s */
    { 0x04, 0x3F, 0x44, 0x40, 0x20 }, /* t */
    { 0x3C, 0x40, 0x40, 0x20, 0x7C }, /* u */
    { 0x1C, 0x20, 0x40, 0x20, 0x1C }, /* v */
    { 0x3C, 0x40, 0x30, 0x40, 0x3C }, /* w */
    { 0x44, 0x28, 0x10, 0x28, 0x44 }, /* x */
    { 0x1C, 0xA0, 0xA0, 0xA0, 0x7C }, /* y */
    { 0x44, 0x64, 0x54, 0x4C, 0x44 }, /* z */
    { 0x00, 0x08, 0x36, 0x41, 0x00 }, /* { */
    { 0x00, 0x00, 0x7F, 0x00, 0x00 }, /* | */
    { 0x00, 0x41, 0x36, 0x08, 0x00 }, /* } */
    { 0x08, 0x04, 0x08, 0x10, 0x08 }, /* ~ */
};

static const struct {
    uint32_t code;
    unsigned char cols[5];
} font_extra[] = {
    { 0x2192, { 0x08, 0x08, 0x2A, 0x1C, 0x08 } }, /* → */
    { 0x2190, { 0x08, 0x1C, 0x2A, 0x08, 0x08 } }, /* ← */
    { 0x2013, { 0x08, 0x08, 0x08, 0x08, 0x08 } }, /* – */
    { 0x2014, { 0x08, 0x08, 0x08, 0x08, 0x08 } }, /* — */
    { 0x00D7, { 0x00, 0x14, 0x08, 0x14, 0x00 } }, /* × */
};

/* Decode one UTF-8 character at *s and advance past it; malformed bytes
 * decode as '?' one byte at a time. */
static uint32_t next_code(const char **s)
{
    const unsigned char *p = (const unsigned char *)*s;
    uint32_t c = p[0];
    int len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0) {
        *s += 1;
        return '?';
    }
    if (len > 1) c &= 0x3Fu >> (len - 1);
    for (int i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80) {
            *s += 1;
            return '?';
        }
        c = (c << 6) | (p[i] & 0x3F);
    }
    *s += len;
    return c;
}

static const unsigned char *glyph(uint32_t code)
{
    if (code >= 32 && code < 127) return font_ascii[code - 32];
    for (size_t i = 0; i < sizeof font_extra / sizeof font_extra[0]; i++)
        if (font_extra[i].code == code) return font_extra[i].cols;
    return font_ascii['?' - 32];
}

int image_text_width(const char *text, int font_scale)
{
    if (!text || font_scale < 1) return 0;
    long long n = 0;
    while (*text) {
        next_code(&text);
        n++;
    }
    long long px = n == 0 ? 0 : (n * TEXT_CELL_W - 1) * font_scale;
    return px > INT_MAX ? INT_MAX : (int)px;
}

void image_draw_text(CnImage *im, int x, int y, const char *text, int font_scale, const float rgb[3])
{
    if (!im || !text || !rgb || font_scale < 1) return;
    size_t plane = (size_t)im->h * (size_t)im->w;
    for (int gx = x; *text; gx += TEXT_CELL_W * font_scale) {
        const unsigned char *g = glyph(next_code(&text));
        for (int col = 0; col < 5; col++)
            for (int row = 0; row < 8; row++) {
                if (!(g[col] >> row & 1)) continue;
                /* one font pixel = a font_scale x font_scale block */
                for (int dy = 0; dy < font_scale; dy++)
                    for (int dx = 0; dx < font_scale; dx++) {
                        long px = (long)gx + col * font_scale + dx, py = (long)y + row * font_scale + dy;
                        if (px < 0 || py < 0 || px >= im->w || py >= im->h) continue;
                        size_t at = (size_t)py * (size_t)im->w + (size_t)px;
                        for (int ch = 0; ch < im->c; ch++)
                            im->data[(size_t)ch * plane + at] = ch < 3 ? rgb[ch] : 1.0f;
                    }
            }
        if (gx > im->w) break;   /* the rest would be off the right edge */
    }
}

/* --- montages -------------------------------------------------------------- */

static const float montage_background[3] = { 0.16f, 0.20f, 0.28f };
static const float montage_text[3] = { 0.93f, 0.93f, 0.93f };

MontageOptions image_montage_defaults(void)
{
    return (MontageOptions){ .cols = 0, .scale = 1, .gap = 2, .mode = MAP_MINMAX,
                             .shared_range = 0, .labels = NULL, .font_scale = 1 };
}

CnImage *image_montage_create_tiles(const MontageTile *tiles, int n, const MontageOptions *opt)
{
    MontageOptions o = opt ? *opt : image_montage_defaults();
    if (!tiles || n < 1) return cn_fail("montage: no tiles given (n = %d)", n), NULL;
    if (o.scale < 1 || o.gap < 0 || o.font_scale < 1 || o.cols < 0)
        return cn_fail("montage: scale (%d) and font_scale (%d) must be at least 1, gap (%d) and cols (%d) "
                       "at least 0", o.scale, o.font_scale, o.gap, o.cols), NULL;
    if (o.mode != MAP_MINMAX && o.mode != MAP_SYMMETRIC && o.mode != MAP_CLAMP01)
        return cn_fail("montage: unknown MapMode %d", (int)o.mode), NULL;

    /* Cell size: the largest tile after scaling, widened for the longest label. */
    long cell_w = 0, tiles_h = 0;
    size_t max_tile = 0;
    for (int i = 0; i < n; i++) {
        const MontageTile *t = &tiles[i];
        if (!t->data || (t->c != 1 && t->c != 3) || t->h < 1 || t->w < 1 || t->h > MONTAGE_MAX_SIDE ||
            t->w > MONTAGE_MAX_SIDE)
            return cn_fail("montage: tile %d has no data or a bad shape (%d, %d, %d); "
                           "tiles are 1 or 3 channels, 1..%d pixels a side",
                           i, t->c, t->h, t->w, MONTAGE_MAX_SIDE), NULL;
        size_t sz = (size_t)t->c * (size_t)t->h * (size_t)t->w;
        if (sz > max_tile) max_tile = sz;
        if ((long)t->w * o.scale > cell_w) cell_w = (long)t->w * o.scale;
        if ((long)t->h * o.scale > tiles_h) tiles_h = (long)t->h * o.scale;
        if (o.labels && o.labels[i]) {
            long lw = image_text_width(o.labels[i], o.font_scale) + 2;
            if (lw > cell_w) cell_w = lw;
        }
    }
    long label_h = o.labels ? (long)TEXT_CELL_H * o.font_scale + 2 : 0;
    long cell_h = tiles_h + label_h;
    int cols = o.cols > 0 ? o.cols : (int)ceil(sqrt((double)n));
    if (cols > n) cols = n;
    int rows = (n + cols - 1) / cols;
    long W = (long)cols * cell_w + (long)(cols + 1) * o.gap;
    long H = (long)rows * cell_h + (long)(rows + 1) * o.gap;
    if (cell_w > MONTAGE_MAX_SIDE || cell_h > MONTAGE_MAX_SIDE || W > MONTAGE_MAX_SIDE || H > MONTAGE_MAX_SIDE)
        return cn_fail("montage: %d tiles in %d columns at scale %d would be %ldx%ld pixels, more than %d a side; "
                       "lower the scale or split the montage", n, cols, o.scale, W, H, MONTAGE_MAX_SIDE), NULL;

    CnImage *im = image_create(3, (int)H, (int)W);
    float *gray = malloc(max_tile * sizeof *gray);
    if (!im || !gray) {
        image_free(im);
        free(gray);
        return cn_fail("montage: out of memory for a %ldx%ld image", W, H), NULL;
    }
    size_t plane = (size_t)H * (size_t)W;
    for (int ch = 0; ch < 3; ch++)
        for (size_t i = 0; i < plane; i++) im->data[(size_t)ch * plane + i] = montage_background[ch];

    /* A shared range: the extremes over every tile, so equal values get equal
     * gray levels everywhere. */
    float slo = 0.0f, shi = 0.0f;
    if (o.shared_range) {
        float mn = 0.0f, mx = 0.0f;
        size_t seen = 0;
        for (int i = 0; i < n; i++) {
            float a, b;
            size_t cnt = finite_range(tiles[i].data, (size_t)tiles[i].c * (size_t)tiles[i].h * (size_t)tiles[i].w,
                                      &a, &b);
            if (cnt == 0) continue;
            if (seen == 0 || a < mn) mn = a;
            if (seen == 0 || b > mx) mx = b;
            seen += cnt;
        }
        range_for_mode(o.mode, mn, mx, &slo, &shi);
    }

    for (int i = 0; i < n; i++) {
        const MontageTile *t = &tiles[i];
        size_t sz = (size_t)t->c * (size_t)t->h * (size_t)t->w;
        float lo = slo, hi = shi;
        if (!o.shared_range) image_map_find_range(t->data, sz, o.mode, &lo, &hi);
        image_map_apply_range(gray, t->data, sz, lo, hi);
        int r = i / cols, k = i % cols;
        long cx = o.gap + (long)k * (cell_w + o.gap), cy = o.gap + (long)r * (cell_h + o.gap);
        long tw = (long)t->w * o.scale, th = (long)t->h * o.scale;
        blit_scaled(im, (int)(cx + (cell_w - tw) / 2), (int)(cy + (tiles_h - th) / 2), gray, t->c, t->h, t->w,
                    o.scale);
        if (o.labels && o.labels[i]) {
            int lw = image_text_width(o.labels[i], o.font_scale);
            image_draw_text(im, (int)(cx + (cell_w - lw) / 2), (int)(cy + tiles_h + 2), o.labels[i], o.font_scale,
                            montage_text);
        }
    }
    free(gray);
    return im;
}

CnImage *image_montage_create(const float *maps, int n, int c, int h, int w, const MontageOptions *opt)
{
    if (!maps || n < 1) return cn_fail("montage: no maps given (n = %d)", n), NULL;
    if ((c != 1 && c != 3) || h < 1 || w < 1 || h > MONTAGE_MAX_SIDE || w > MONTAGE_MAX_SIDE)
        return cn_fail("montage: maps of shape (%d, %d, %d): need 1 or 3 channels and 1..%d pixels a side",
                       c, h, w, MONTAGE_MAX_SIDE), NULL;
    MontageTile *tiles = malloc((size_t)n * sizeof *tiles);
    if (!tiles) return cn_fail("montage: out of memory for %d tiles", n), NULL;
    size_t stride = (size_t)c * (size_t)h * (size_t)w;
    for (int i = 0; i < n; i++) tiles[i] = (MontageTile){ maps + (size_t)i * stride, c, h, w };
    CnImage *im = image_montage_create_tiles(tiles, n, opt);
    free(tiles);
    return im;
}

int image_montage_write_png_opts(const char *path, const float *maps, int n, int c, int h, int w,
                                 const MontageOptions *opt)
{
    if (!path) return cn_fail("image_montage_write_png: no file name given");
    CnImage *im = image_montage_create(maps, n, c, h, w, opt);
    if (!im) {
        char why[768];
        snprintf(why, sizeof why, "%s", cn_last_error());
        return cn_fail("cannot make montage %s: %s", path, why);
    }
    int rc = image_write_png(path, im->data, im->c, im->h, im->w);
    image_free(im);
    return rc;
}

int image_montage_write_png(const char *path, const float *maps, int n, int h, int w, int cols, int scale,
                            MapMode mode, int shared_range)
{
    MontageOptions o = image_montage_defaults();
    o.cols = cols;
    o.scale = scale;
    o.mode = mode;
    o.shared_range = shared_range;
    return image_montage_write_png_opts(path, maps, n, 1, h, w, &o);
}
