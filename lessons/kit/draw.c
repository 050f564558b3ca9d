/* draw.c - the lesson kit's drawing (draw.h). */
#include "lessons/kit/draw.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/die.h"
#include "core/error.h"
#include "core/paths.h"
#include "lessons/kit/arrays.h"
#include "lessons/lesson.h"

const float SLATE[3] = { 0.15f, 0.17f, 0.21f }, WHITE[3] = { 0.95f, 0.95f, 0.95f },
            DIM[3] = { 0.62f, 0.66f, 0.72f }, GREEN[3] = { 0.35f, 0.85f, 0.45f },
            RED[3] = { 0.98f, 0.40f, 0.35f }, BAR[3] = { 0.40f, 0.62f, 0.95f };

CnImage *number_grid(const float *v, const unsigned char *pad, int rows, int cols, float lo, float hi,
                          int cell)
{
    CnImage *im = image_create(3, rows * cell, cols * cell);
    CN_CHECK(im);
    size_t plane = (size_t)im->h * (size_t)im->w;
    const float black[3] = { 0, 0, 0 }, white[3] = { 1, 1, 1 }, light[3] = { 0.75f, 0.8f, 1.0f };
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++) {
            int i = r * cols + c, is_pad = pad && pad[i];
            float t = hi > lo ? (v[i] - lo) / (hi - lo) : 0.5f;
            float g = 0.15f + 0.8f * t; /* keep away from pure black so the text reads */
            float rgb[3] = { g, g, g };
            if (is_pad) rgb[0] = 0.1f, rgb[1] = 0.12f, rgb[2] = 0.3f;
            for (int y = 0; y < cell; y++)
                for (int x = 0; x < cell; x++) {
                    /* a one-pixel dark line on the top and left of each cell */
                    int line = y == 0 || x == 0;
                    size_t at = (size_t)(r * cell + y) * (size_t)im->w + (size_t)(c * cell + x);
                    for (int ch = 0; ch < 3; ch++) im->data[(size_t)ch * plane + at] = line ? 0.05f : rgb[ch];
                }
            char txt[16];
            snprintf(txt, sizeof txt, "%.0f", (double)(is_pad ? 0.0f : v[i]));
            int fs = cell >= 40 ? 2 : 1;
            int tx = c * cell + (cell - image_text_width(txt, fs)) / 2, ty = r * cell + (cell - 7 * fs) / 2;
            image_draw_text(im, tx, ty, txt, fs, is_pad ? light : g > 0.55f ? black : white);
        }
    return im;
}

CnImage *canvas(int h, int w)
{
    CnImage *im = image_create(3, h, w);
    CN_CHECK(im);
    const size_t plane = (size_t)h * (size_t)w;
    for (int ch = 0; ch < 3; ch++)
        for (size_t i = 0; i < plane; i++) im->data[(size_t)ch * plane + i] = SLATE[ch];
    return im;
}

void fill_rect(CnImage *im, int x0, int y0, int w, int h, const float rgb[3])
{
    const size_t plane = (size_t)im->h * (size_t)im->w;
    for (int y = y0; y < y0 + h; y++)
        for (int x = x0; x < x0 + w; x++) {
            if (x < 0 || y < 0 || x >= im->w || y >= im->h) continue;
            for (int ch = 0; ch < 3; ch++) im->data[(size_t)ch * plane + (size_t)y * im->w + x] = rgb[ch];
        }
}

void outline_rect(CnImage *im, int x0, int y0, int w, int h, int t, const float rgb[3])
{
    fill_rect(im, x0, y0, w, t, rgb);
    fill_rect(im, x0, y0 + h - t, w, t, rgb);
    fill_rect(im, x0, y0, t, h, rgb);
    fill_rect(im, x0 + w - t, y0, t, h, rgb);
}

void paste_image(CnImage *im, int x0, int y0, const CnImage *src)
{
    const size_t plane = (size_t)im->h * (size_t)im->w, splane = (size_t)src->h * (size_t)src->w;
    for (int y = 0; y < src->h; y++)
        for (int x = 0; x < src->w; x++) {
            if (x0 + x < 0 || y0 + y < 0 || x0 + x >= im->w || y0 + y >= im->h) continue;
            for (int ch = 0; ch < im->c; ch++)
                im->data[(size_t)ch * plane + (size_t)(y0 + y) * im->w + (size_t)(x0 + x)] =
                    src->data[(size_t)(src->c == 1 ? 0 : ch) * splane + (size_t)y * src->w + (size_t)x];
        }
}

void blit_map(CnImage *im, int x0, int y0, const float *m, int h, int w, int scale, float lo, float hi)
{
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            float g = hi > lo ? (m[y * w + x] - lo) / (hi - lo) : 0.5f;
            g = g < 0.0f ? 0.0f : g > 1.0f ? 1.0f : g;
            const float rgb[3] = { g, g, g };
            fill_rect(im, x0 + x * scale, y0 + y * scale, scale, scale, rgb);
        }
}

void text_at(CnImage *im, int x, int y, const char *s, const float rgb[3])
{
    image_draw_text(im, x, y, s, 1, rgb);
}

void text_centred(CnImage *im, int cx, int y, const char *s, const float rgb[3])
{
    text_at(im, cx - image_text_width(s, 1) / 2, y, s, rgb);
}

void write_png(Notebook *nb, const char *file, const CnImage *im)
{
    CN_CHECK(image_write_png(nb_path(nb, file), im->data, im->c, im->h, im->w) == 0);
}

MontageOptions montage_labelled(int cols, int scale, int gap, MapMode mode, const char *const *labels,
                                int font_scale)
{
    MontageOptions mo = image_montage_defaults();
    mo.cols = cols;
    mo.scale = scale;
    mo.gap = gap;
    mo.mode = mode;
    mo.labels = labels;
    mo.font_scale = font_scale;
    return mo;
}

void write_montage(Notebook *nb, const char *file, const MontageTile *t, int n, const MontageOptions *mo)
{
    CnImage *im = image_montage_create_tiles(t, n, mo);
    CN_CHECK(im);
    write_png(nb, file, im);
    image_free(im);
}

void write_montage_gray(Notebook *nb, const char *file, const MontageTile *t, int n, const MontageOptions *mo)
{
    CnImage *im = image_montage_create_tiles(t, n, mo);
    CN_CHECK(im);
    const size_t plane = (size_t)im->h * (size_t)im->w;
    for (size_t j = 0; j < plane; j++)
        im->data[j] = 0.299f * im->data[j] + 0.587f * im->data[plane + j] + 0.114f * im->data[2 * plane + j];
    CN_CHECK(image_write_png(nb_path(nb, file), im->data, 1, im->h, im->w) == 0);
    image_free(im);
}

void picture_28(float *out, const unsigned char *p)
{
    for (int j = 0; j < 28 * 28; j++) out[j] = p[j] / 255.0f;
}

const char *lesson_photo_path(void)
{
    static char path[4096];
    CN_CHECK(cn_project_path(path, sizeof path, "datasets/photos/camera.png") == 0);
    return path;
}

const char *colour_photo_path(void)
{
    static char path[4096];
    CN_CHECK(cn_project_path(path, sizeof path, "datasets/photos/astronaut.png") == 0);
    return path;
}

CnImage *load_colour_photo(const char *image_path)
{
    CnImage *img = image_load(image_path ? image_path : colour_photo_path(), 3);
    if (!img && image_path)
        CN_DIE("--image %s: %s. Give a PNG or JPEG file that exists, e.g. --image %s", image_path, cn_last_error(),
               colour_photo_path());
    else if (!img)
        CN_DIE("the lesson's colour photograph is missing (%s). Run `make datasets` to fetch it, or pass "
               "--image FILE to use your own picture", cn_last_error());
    return img;
}

CnImage *load_lesson_photo(const char *image_path, int image_flag)
{
    const char *path = image_path ? image_path : lesson_photo_path();
    CnImage *img = image_load(path, 1);
    if (img) return img;
    if (image_path)
        CN_DIE("--image %s: %s. Give a PNG or JPEG file that exists, e.g. --image %s", image_path, cn_last_error(),
               lesson_photo_path());
    /* the lesson's own photograph: missing, or there but unreadable */
    struct stat st;
    const int there = stat(path, &st) == 0;
    CN_DIE("the lesson's photograph is %s (%s). Run `make datasets` to fetch it%s%s", there ? "damaged" : "missing",
           cn_last_error(), there ? " again (it replaces a damaged file)" : "",
           image_flag ? ", or pass --image FILE to use your own picture" : "");
    return NULL;
}

void shrink_map(float *out, const float *in, int h, int w, int f)
{
    const int oh = h / f, ow = w / f;
    for (int y = 0; y < oh; y++)
        for (int x = 0; x < ow; x++) {
            double acc = 0.0;
            for (int dy = 0; dy < f; dy++)
                for (int dx = 0; dx < f; dx++) acc += in[(size_t)(y * f + dy) * (size_t)w + (size_t)(x * f + dx)];
            out[(size_t)y * (size_t)ow + (size_t)x] = (float)(acc / (f * f));
        }
}

CnImage *shrink_image(CnImage *im, int max_side)
{
    int f = 1;
    while (im->h / f > max_side || im->w / f > max_side) f++;
    if (f == 1) return im;
    if (im->h / f < 1 || im->w / f < 1)
        CN_DIE("the picture is %dx%d pixels (width x height): shrunk by %d so that it fits %dx%d, it would be less "
               "than one pixel across. Use a picture whose sides are closer in length (its shorter side at least %d "
               "pixels)", im->w, im->h, f, max_side, max_side, f);
    CnImage *s = image_create(im->c, im->h / f, im->w / f);
    CN_CHECK(s);
    for (int ch = 0; ch < im->c; ch++)
        shrink_map(s->data + (size_t)ch * (size_t)s->h * (size_t)s->w, im->data + (size_t)ch * (size_t)im->h * (size_t)im->w,
                   im->h, im->w, f);
    image_free(im);
    return s;
}

CnImage *central_square(CnImage *im)
{
    const int side = im->h < im->w ? im->h : im->w;
    if (im->h == im->w) return im;
    CnImage *sq = image_create(im->c, side, side);
    CN_CHECK(sq);
    const int y0 = (im->h - side) / 2, x0 = (im->w - side) / 2;
    for (int c = 0; c < im->c; c++)
        for (int y = 0; y < side; y++)
            memcpy(sq->data + ((size_t)c * (size_t)side + (size_t)y) * (size_t)side,
                   im->data + ((size_t)c * (size_t)im->h + (size_t)(y0 + y)) * (size_t)im->w + (size_t)x0,
                   (size_t)side * sizeof(float));
    image_free(im);
    return sq;
}

/* out (S, S) from the gray image im: each output pixel is the mean of the
 * source area it covers (every source pixel weighted by the fraction of it
 * inside), which keeps thin strokes when shrinking; when the picture is
 * smaller than S x S, bilinear interpolation instead. */
void resize_gray(float *out, int S, const CnImage *im)
{
    const int H = im->h, W = im->w;
    const float *p = im->data;
    if (H >= S && W >= S) {
        const double fy = (double)H / S, fx = (double)W / S;
        for (int oy = 0; oy < S; oy++) {
            const double y0 = oy * fy, y1 = y0 + fy;
            for (int ox = 0; ox < S; ox++) {
                const double x0 = ox * fx, x1 = x0 + fx;
                double sum = 0.0, area = 0.0;
                for (int y = (int)y0; y < H && y < y1; y++) {
                    const double wy = fmin(y + 1.0, y1) - fmax((double)y, y0);
                    for (int x = (int)x0; x < W && x < x1; x++) {
                        const double wx = fmin(x + 1.0, x1) - fmax((double)x, x0);
                        sum += wy * wx * p[(size_t)y * W + x];
                        area += wy * wx;
                    }
                }
                out[oy * S + ox] = (float)(sum / area);
            }
        }
        return;
    }
    for (int oy = 0; oy < S; oy++) {
        /* pixel centres: output (oy + 0.5) / S of the way down maps to source row
         * (oy + 0.5) * H / S - 0.5, clamped to the picture */
        double sy = (oy + 0.5) * H / S - 0.5;
        sy = sy < 0 ? 0 : sy > H - 1 ? H - 1 : sy;
        const int y0 = (int)sy, y1 = y0 + 1 < H ? y0 + 1 : y0;
        const double ty = sy - y0;
        for (int ox = 0; ox < S; ox++) {
            double sx = (ox + 0.5) * W / S - 0.5;
            sx = sx < 0 ? 0 : sx > W - 1 ? W - 1 : sx;
            const int x0 = (int)sx, x1 = x0 + 1 < W ? x0 + 1 : x0;
            const double tx = sx - x0;
            const double top = (1 - tx) * p[(size_t)y0 * W + x0] + tx * p[(size_t)y0 * W + x1];
            const double bot = (1 - tx) * p[(size_t)y1 * W + x0] + tx * p[(size_t)y1 * W + x1];
            out[oy * S + ox] = (float)((1 - ty) * top + ty * bot);
        }
    }
}

static int cmp_float(const void *a, const void *b)
{
    const float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

float abs_quantile(const float *v, size_t n, double q)
{
    float *a = xcalloc(n, sizeof *a);
    for (size_t i = 0; i < n; i++) a[i] = fabsf(v[i]);
    qsort(a, n, sizeof *a, cmp_float);
    const float r = a[(size_t)(q * (double)(n - 1) + 0.5)];
    free(a);
    return r;
}

/* --- image grids ------------------------------------------------------------------------ */

/* out = gray levels of in, symmetric around mid-gray: 0 -> 0.5, +a -> white,
 * -a -> black, with a = the q-quantile of |in| (values beyond saturate). */
void gray_symmetric(float *out, const float *in, size_t n, double q)
{
    float a = abs_quantile(in, n, q);
    if (!(a > 0.0f)) a = abs_quantile(in, n, 1.0);
    image_map_apply_range(out, in, n, -a, a);
}

/* Nearest-neighbour enlargement by a whole factor f. */
void enlarge(float *out, const float *in, int h, int w, int f)
{
    for (int y = 0; y < h * f; y++)
        for (int x = 0; x < w * f; x++)
            out[(size_t)y * (size_t)(w * f) + (size_t)x] = in[(size_t)(y / f) * (size_t)w + (size_t)(x / f)];
}

void sheet_add_c(Sheet *s, const float *v, int c, int h, int w, const char *fmt, ...)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 32;
        s->t = realloc(s->t, (size_t)s->cap * sizeof *s->t);
        s->label = realloc(s->label, (size_t)s->cap * sizeof *s->label);
        if (!s->t || !s->label) CN_DIE("out of memory for a picture of %d tiles", s->cap);
    }
    const size_t n = (size_t)c * (size_t)h * (size_t)w;
    float *copy = xcalloc(n, sizeof *copy);
    memcpy(copy, v, n * sizeof *copy);
    s->t[s->n] = (MontageTile){ copy, c, h, w };
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->label[s->n], sizeof s->label[0], fmt, ap);
    va_end(ap);
    s->n++;
}

void sheet_add_filter(Sheet *s, int k, const float *f, int scale, const char *label)
{
    float *g = xcalloc((size_t)k * k, sizeof *g), *big = xcalloc((size_t)k * k * scale * scale, sizeof *big);
    gray_symmetric(g, f, (size_t)k * k, 1.0);
    enlarge(big, g, k, k, scale);
    sheet_add(s, big, k * scale, k * scale, "%s", label);
    free(big);
    free(g);
}

void sheet_add_pair(Sheet *s, int k, const float *f, const float *g, int scale, const char *label)
{
    static const float slate[3] = { 0.16f, 0.20f, 0.28f };
    const int side = k * scale, gap = scale / 2 > 2 ? scale / 2 : 2, W = 2 * side + gap;
    const size_t plane = (size_t)side * (size_t)W;
    float *rgb = xcalloc(3 * plane, sizeof *rgb), *big = xcalloc((size_t)side * side, sizeof *big),
          *gr = xcalloc((size_t)k * k, sizeof *gr);
    for (int ch = 0; ch < 3; ch++)
        for (size_t i = 0; i < plane; i++) rgb[(size_t)ch * plane + i] = slate[ch];
    for (int part = 0; part < 2; part++) {
        gray_symmetric(gr, part ? g : f, (size_t)k * k, 1.0);
        enlarge(big, gr, k, k, scale);
        const int x0 = part ? side + gap : 0;
        for (int y = 0; y < side; y++)
            for (int x = 0; x < side; x++)
                for (int ch = 0; ch < 3; ch++)
                    rgb[(size_t)ch * plane + (size_t)y * W + (size_t)(x0 + x)] = big[(size_t)y * side + (size_t)x];
    }
    sheet_add_c(s, rgb, 3, side, W, "%s", label);
    free(rgb);
    free(big);
    free(gr);
}

void sheet_write(Sheet *s, Notebook *nb, const char *file, int cols, int gap, int font_scale)
{
    const char **lab = xcalloc((size_t)s->n, sizeof *lab);
    for (int i = 0; i < s->n; i++) lab[i] = s->label[i];
    const MontageOptions mo = montage_labelled(cols, 1, gap, MAP_CLAMP01, lab, font_scale);
    write_montage(nb, file, s->t, s->n, &mo);
    free(lab);
    for (int i = 0; i < s->n; i++) free((void *)s->t[i].data);
    free(s->t);
    free(s->label);
    *s = (Sheet){ 0 };
}

void sheet_add_map(Sheet *s, const float *map, int h, int w, int scale, double q, const char *label)
{
    const size_t n = (size_t)h * (size_t)w;
    float a = abs_quantile(map, n, q);
    if (!(a > 0.0f)) a = abs_quantile(map, n, 1.0);
    sheet_add_map_range(s, map, h, w, scale, a, label);
}

void sheet_add_start_end_change(Sheet *s, const float *w0, const float *w1, int n, int k, int scale,
                                const char *prefix, const char *const *name)
{
    const int kk = k * k, big = kk * scale * scale;
    float *g = xcalloc((size_t)3 * (size_t)n * (size_t)big, sizeof *g); /* [row][filter][pixels] */
    float *v = xcalloc((size_t)3 * (size_t)kk, sizeof *v), *gg = xcalloc((size_t)kk, sizeof *gg);
    for (int f = 0; f < n; f++) {
        float a = 0.0f;
        for (int i = 0; i < kk; i++) {
            v[i] = w0[f * kk + i], v[kk + i] = w1[f * kk + i], v[2 * kk + i] = v[kk + i] - v[i];
            a = fmaxf(a, fmaxf(fabsf(v[i]), fabsf(v[kk + i])));
        }
        for (int r = 0; r < 3; r++) {
            image_map_apply_range(gg, v + r * kk, (size_t)kk, -a, a);
            enlarge(g + ((size_t)r * n + f) * big, gg, k, k, scale);
        }
    }
    static const char *const row_name[3] = { "start", "end", "change" };
    for (int r = 0; r < 3; r++)
        for (int f = 0; f < n; f++)
            sheet_add(s, g + ((size_t)r * n + f) * big, k * scale, k * scale, "%s %s: %s", prefix, name[f], row_name[r]);
    free(g);
    free(v);
    free(gg);
}

void sheet_add_map_lohi(Sheet *s, const float *map, int h, int w, int scale, float lo, float hi, const char *label)
{
    const size_t n = (size_t)h * (size_t)w;
    float *gray = xcalloc(n, sizeof *gray), *big = xcalloc(n * (size_t)(scale * scale), sizeof *big);
    image_map_apply_range(gray, map, n, lo, hi);
    enlarge(big, gray, h, w, scale);
    sheet_add(s, big, h * scale, w * scale, "%s", label);
    free(gray);
    free(big);
}

void sheet_add_map_range(Sheet *s, const float *map, int h, int w, int scale, float a, const char *label)
{
    sheet_add_map_lohi(s, map, h, w, scale, -a, a, label);
}

const char *map_gray_scale(const float *y, size_t n, float *lo, float *hi)
{
    float mn, mx;
    min_max(y, n, &mn, &mx);
    *hi = abs_quantile(y, n, 0.99);
    if (!(*hi > 0.0f)) *hi = 1.0f;
    *lo = mn >= 0.0f ? 0.0f : -*hi;
    return mn >= 0.0f ? "0 black, lighter larger" : "0 mid-gray, lighter positive, darker negative";
}
