/* digit_pictures.c - write a set of pictures of digits as a camera or a
 * scanner would give them, to measure how classify copes with pictures
 * that are not MNIST's (`make classify-eval`).
 *
 *   build/datasets/tools/digit_pictures OUTDIR [PER_DIGIT]
 *
 * writes PER_DIGIT (default 60) pictures of each digit 0..9 into OUTDIR,
 * named <digit>_<style>_<n>.png (or .jpg): the digit is the first
 * character of the name. Half are typed, drawn from the TrueType fonts of
 * the machine (DejaVu: sans, serif, mono, bold, light, italic, condensed;
 * those found) with stb_truetype; half are written, drawn with a round pen
 * along strokes defined below, slanted and squeezed at random. Each picture
 * then gets, at random (a fixed seed: the same set every time):
 *   - a page of 48 to 400 pixels a side, the digit 15% to 75% of its
 *     height (at least 16 pixels) anywhere on it (margins, off-centre);
 *   - thin strokes: a light font, a fine pen, or the glyph eroded;
 *   - uneven light: paper from 0.55 to 1.0, shaded across the page in a
 *     random direction, ink from 0.0 to 0.4; one in ten is light ink on a
 *     dark board;
 *   - a box blur of radius 0 to 2, Gaussian noise of sigma 0 to 0.06, and
 *     one in four saved as JPEG (quality 60 to 90).
 * Nothing here is committed: the pictures are made again on demand.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/image.h"
#include "core/rng.h"

#include <stb_image_write.h>
#include <stb_truetype.h>

#define MAX_FONTS 16

static const char *const font_files[] = {
    "DejaVuSans.ttf",          "DejaVuSans-Bold.ttf",         "DejaVuSerif.ttf",
    "DejaVuSansMono.ttf",      "DejaVuSans-ExtraLight.ttf",   "DejaVuSerif-Italic.ttf",
    "DejaVuSansCondensed.ttf", "DejaVuSans-Oblique.ttf",      "DejaVuSerif-Bold.ttf",
    "DejaVuSansMono-Bold.ttf", "DejaVuSerifCondensed.ttf",    "DejaVuSans-BoldOblique.ttf",
};
static const char *const font_dirs[] = { "/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu",
                                         "/usr/local/share/fonts" };

typedef struct {
    const char *name;
    unsigned char *ttf;
    stbtt_fontinfo info;
} Font;

/* --- pen strokes: each digit a few polylines in a unit box (y down) ------- */

typedef struct {
    int n;
    float p[40][2];
} Line;

/* An arc of an ellipse, centre (cx, cy), radii (rx, ry), from angle a0 to
 * a1 (radians, 0 = right, pi/2 = down), n points. */
static Line arc(float cx, float cy, float rx, float ry, float a0, float a1, int n)
{
    Line l = { n, { { 0 } } };
    for (int i = 0; i < n; i++) {
        const float a = a0 + (a1 - a0) * i / (n - 1);
        l.p[i][0] = cx + rx * cosf(a);
        l.p[i][1] = cy + ry * sinf(a);
    }
    return l;
}

static Line poly(int n, const float *xy)
{
    Line l = { n, { { 0 } } };
    for (int i = 0; i < n; i++) l.p[i][0] = xy[2 * i], l.p[i][1] = xy[2 * i + 1];
    return l;
}

/* The strokes of digit d into lines (at most 3); their number. */
static int pen_digit(int d, Line *lines)
{
    const float pi = 3.14159265f;
    switch (d) {
    case 0: lines[0] = arc(0.5f, 0.5f, 0.38f, 0.5f, 0, 2 * pi, 36); return 1;
    case 1: lines[0] = poly(3, (const float[]){ 0.25f, 0.25f, 0.6f, 0.0f, 0.6f, 1.0f }); return 1;
    case 2:
        lines[0] = arc(0.5f, 0.28f, 0.4f, 0.28f, -pi, 0.25f * pi, 14);
        lines[1] = poly(3, (const float[]){ lines[0].p[13][0], lines[0].p[13][1], 0.08f, 1.0f, 0.95f, 1.0f });
        return 2;
    case 3:
        lines[0] = arc(0.48f, 0.26f, 0.36f, 0.26f, -0.9f * pi, 0.5f * pi, 16);
        lines[1] = arc(0.48f, 0.74f, 0.42f, 0.26f, -0.5f * pi, 0.85f * pi, 16);
        return 2;
    case 4: lines[0] = poly(4, (const float[]){ 0.72f, 1.0f, 0.72f, 0.0f, 0.05f, 0.68f, 0.98f, 0.68f }); return 1;
    case 5:
        lines[0] = poly(3, (const float[]){ 0.88f, 0.0f, 0.22f, 0.0f, 0.15f, 0.45f });
        lines[1] = arc(0.5f, 0.68f, 0.4f, 0.32f, -0.75f * pi, 0.8f * pi, 18);
        return 2;
    case 6:
        lines[0] = arc(0.75f, 0.62f, 0.65f, 0.62f, -0.55f * pi, -pi, 10);
        lines[1] = arc(0.5f, 0.7f, 0.38f, 0.3f, -pi, pi, 24);
        return 2;
    case 7: lines[0] = poly(3, (const float[]){ 0.05f, 0.0f, 0.95f, 0.0f, 0.38f, 1.0f }); return 1;
    case 8:
        lines[0] = arc(0.5f, 0.24f, 0.3f, 0.24f, 0, 2 * pi, 24);
        lines[1] = arc(0.5f, 0.73f, 0.38f, 0.27f, 0, 2 * pi, 24);
        return 2;
    default:
        lines[0] = arc(0.48f, 0.3f, 0.36f, 0.3f, 0, 2 * pi, 24);
        lines[1] = poly(2, (const float[]){ 0.84f, 0.3f, 0.75f, 1.0f });
        return 2;
    }
}

/* Coverage (0..1) of a round pen of radius r along lines, into cov (h, w):
 * the unit box mapped to (x0, y0)-(x0 + bw, y0 + bh), slanted by `slant`
 * (x moves right by slant * bw at the top). */
static void draw_pen(float *cov, int w, int h, const Line *lines, int nl, float x0, float y0, float bw, float bh,
                     float slant, float r)
{
    for (int l = 0; l < nl; l++)
        for (int i = 0; i + 1 < lines[l].n; i++) {
            float ax = x0 + (lines[l].p[i][0] + slant * (1 - lines[l].p[i][1])) * bw, ay = y0 + lines[l].p[i][1] * bh;
            float bx = x0 + (lines[l].p[i + 1][0] + slant * (1 - lines[l].p[i + 1][1])) * bw;
            float by = y0 + lines[l].p[i + 1][1] * bh;
            const int xa = (int)fmaxf(0, fminf(ax, bx) - r - 2), xb = (int)fminf(w - 1, fmaxf(ax, bx) + r + 2);
            const int ya = (int)fmaxf(0, fminf(ay, by) - r - 2), yb = (int)fminf(h - 1, fmaxf(ay, by) + r + 2);
            const float dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
            for (int y = ya; y <= yb; y++)
                for (int x = xa; x <= xb; x++) {
                    const float px = x + 0.5f - ax, py = y + 0.5f - ay;
                    float t = len2 > 0 ? (px * dx + py * dy) / len2 : 0;
                    t = t < 0 ? 0 : t > 1 ? 1 : t;
                    const float ex = px - t * dx, ey = py - t * dy, d = sqrtf(ex * ex + ey * ey);
                    const float c = fminf(1.0f, fmaxf(0.0f, r + 0.5f - d));
                    float *v = &cov[(size_t)y * w + x];
                    *v = fmaxf(*v, c);
                }
        }
}

/* --- typed digits ------------------------------------------------------------ */

/* The glyph of digit d from f, its box `th` pixels tall, added to cov with
 * its top-left at (x0, y0); its width into *gw. 0 or -1. */
static int draw_glyph(float *cov, int w, int h, const Font *f, int d, float th, int x0, int y0, int erode, int *gw)
{
    int bx0, by0, bx1, by1;
    if (!stbtt_GetCodepointBox(&f->info, '0' + d, &bx0, &by0, &bx1, &by1) || by1 <= by0) return -1;
    const float scale = th / (float)(by1 - by0);
    int gwid, ght, xo, yo;
    unsigned char *g = stbtt_GetCodepointBitmap(&f->info, 0, scale, '0' + d, &gwid, &ght, &xo, &yo);
    if (!g) return -1;
    for (int y = 0; y < ght; y++)
        for (int x = 0; x < gwid; x++) {
            float c = g[y * gwid + x] / 255.0f;
            /* erode: the darkest of the neighbourhood, for thin strokes */
            for (int k = 1; k <= erode; k++)
                for (int dy = -k; dy <= k; dy += 2 * k)
                    for (int dx = -k; dx <= k; dx += k) {
                        const int yy = y + dy, xx = x + dx;
                        c = fminf(c, yy >= 0 && yy < ght && xx >= 0 && xx < gwid ? g[yy * gwid + xx] / 255.0f : 0.0f);
                    }
            const int X = x0 + x, Y = y0 + y;
            if (X >= 0 && X < w && Y >= 0 && Y < h) cov[(size_t)Y * w + X] = fmaxf(cov[(size_t)Y * w + X], c);
        }
    stbtt_FreeBitmap(g, NULL);
    *gw = gwid;
    return 0;
}

static int load_fonts(Font *fonts)
{
    int n = 0;
    for (size_t i = 0; i < sizeof font_files / sizeof *font_files && n < MAX_FONTS; i++)
        for (size_t k = 0; k < sizeof font_dirs / sizeof *font_dirs; k++) {
            char path[512];
            snprintf(path, sizeof path, "%s/%s", font_dirs[k], font_files[i]);
            FILE *f = fopen(path, "rb");
            if (!f) continue;
            fseek(f, 0, SEEK_END);
            const long size = ftell(f);
            fseek(f, 0, SEEK_SET);
            unsigned char *b = size > 0 ? malloc((size_t)size) : NULL;
            const int ok = b && fread(b, 1, (size_t)size, f) == (size_t)size;
            fclose(f);
            if (!ok || !stbtt_InitFont(&fonts[n].info, b, stbtt_GetFontOffsetForIndex(b, 0))) {
                free(b);
                continue;
            }
            fonts[n].ttf = b;
            fonts[n].name = font_files[i];
            n++;
            break;
        }
    return n;
}

/* --- the page ------------------------------------------------------------------- */

static float uniform(Rng *r, float lo, float hi) { return lo + (hi - lo) * rng_uniform(r); }

static void box_blur(float *v, float *tmp, int w, int h, int r)
{
    for (int pass = 0; pass < 2; pass++) {
        const float *src = pass ? tmp : v;
        float *dst = pass ? v : tmp;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                double s = 0;
                int n = 0;
                for (int k = -r; k <= r; k++) {
                    const int xx = pass ? x : x + k, yy = pass ? y + k : y;
                    if (xx < 0 || xx >= w || yy < 0 || yy >= h) continue;
                    s += src[(size_t)yy * w + xx];
                    n++;
                }
                dst[(size_t)y * w + x] = (float)(s / n);
            }
    }
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3 || argv[1][0] == '-') {
        fprintf(stderr, "usage: %s OUTDIR [PER_DIGIT]: write PER_DIGIT (default 60) pictures of each digit\n",
                argv[0]);
        return 2;
    }
    const char *out = argv[1];
    const int per = argc == 3 ? atoi(argv[2]) : 60;
    if (per < 1 || per > 10000) {
        fprintf(stderr, "%s: PER_DIGIT %s: give a number from 1 to 10000\n", argv[0], argv[2]);
        return 2;
    }
    if (cn_make_dirs(out)) {
        fprintf(stderr, "%s: %s\n", argv[0], cn_last_error());
        return 1;
    }
    Font fonts[MAX_FONTS];
    const int nfonts = load_fonts(fonts);
    if (!nfonts) fprintf(stderr, "%s: no DejaVu font found (Debian: fonts-dejavu-core): written digits only\n", argv[0]);
    Rng rng;
    rng_seed(&rng, 20261207, 0);
    int written = 0, typed = 0;
    for (int d = 0; d < 10; d++)
        for (int k = 0; k < per; k++) {
            const int w = (int)uniform(&rng, 48, 400), h = (int)uniform(&rng, 48, 400);
            float *cov = calloc((size_t)w * h, sizeof *cov), *page = malloc((size_t)w * h * sizeof *page);
            float *tmp = malloc((size_t)w * h * sizeof *tmp);
            if (!cov || !page || !tmp) {
                fprintf(stderr, "%s: out of memory\n", argv[0]);
                return 1;
            }
            /* the digit: typed (a font) or written (a pen), thin at times */
            /* at least 16 pixels tall: a smaller digit is not a fair question */
            const float th = fmaxf(16.0f, uniform(&rng, 0.15f, 0.75f) * fminf(h, 1.3f * w));
            const int x0 = (int)uniform(&rng, 0, fmaxf(1, w - 0.8f * th)), y0 = (int)uniform(&rng, 0, h - th);
            const int use_font = nfonts && k % 2 == 0;
            char style[48];
            if (use_font) {
                const Font *f = &fonts[(k / 2) % nfonts];
                const int erode = th > 60 && rng_uniform(&rng) < 0.3f ? 1 + (th > 150) : 0;
                int gw;
                if (draw_glyph(cov, w, h, f, d, th, x0, y0, erode, &gw)) {
                    fprintf(stderr, "%s: font %s has no digit %d\n", argv[0], f->name, d);
                    return 1;
                }
                snprintf(style, sizeof style, "%.*s%s", (int)(strlen(f->name) - 4), f->name, erode ? "-thin" : "");
                typed++;
            } else {
                Line lines[3];
                const int nl = pen_digit(d, lines);
                const float bw = th * uniform(&rng, 0.45f, 0.75f), slant = uniform(&rng, -0.1f, 0.3f);
                const float pen = th * (rng_uniform(&rng) < 0.4f ? uniform(&rng, 0.008f, 0.03f) : uniform(&rng, 0.03f, 0.09f));
                draw_pen(cov, w, h, lines, nl, (float)x0, (float)y0, bw, th, slant, fmaxf(0.5f, pen));
                snprintf(style, sizeof style, "pen%s", pen < 0.03f * th ? "-thin" : "");
            }
            /* paper and light */
            const int board = rng_uniform(&rng) < 0.1f;
            const float paper = board ? uniform(&rng, 0.0f, 0.3f) : uniform(&rng, 0.7f, 1.0f);
            const float ink = board ? uniform(&rng, 0.75f, 1.0f) : uniform(&rng, 0.0f, 0.4f);
            const float shade = uniform(&rng, 0.0f, 0.45f), angle = uniform(&rng, 0.0f, 6.2832f);
            const float sigma = rng_uniform(&rng) < 0.5f ? uniform(&rng, 0.0f, 0.06f) : 0.0f;
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) {
                    /* light falls off across the page: from 1 to 1 - shade */
                    const float t = 0.5f + 0.5f * ((x / (float)w - 0.5f) * cosf(angle) + (y / (float)h - 0.5f) * sinf(angle));
                    const float bg = board ? paper : paper * (1.0f - shade * t);
                    const float c = cov[(size_t)y * w + x];
                    page[(size_t)y * w + x] = bg * (1 - c) + (board ? ink : ink * (1.0f - shade * t)) * c;
                }
            const int blur = (int)uniform(&rng, 0.0f, 2.99f);
            if (blur) box_blur(page, tmp, w, h, blur);
            if (sigma > 0)
                for (size_t i = 0; i < (size_t)w * h; i++) page[i] += sigma * (float)rng_normal(&rng);
            const int jpeg = rng_uniform(&rng) < 0.25f;
            char path[4200];
            snprintf(path, sizeof path, "%s/%d_%s_%03d.%s", out, d, style, k, jpeg ? "jpg" : "png");
            int ok;
            if (jpeg) {
                unsigned char *b = (unsigned char *)tmp;   /* w*h floats hold w*h bytes */
                for (size_t i = 0; i < (size_t)w * h; i++)
                    b[i] = (unsigned char)lroundf(fminf(1.0f, fmaxf(0.0f, page[i])) * 255.0f);
                ok = stbi_write_jpg(path, w, h, 1, b, (int)uniform(&rng, 60, 90)) != 0;
                if (!ok) cn_fail("cannot write %s: %s", path, strerror(errno));
            } else {
                ok = image_write_png(path, page, 1, h, w) == 0;
            }
            if (!ok) {
                fprintf(stderr, "%s: %s\n", argv[0], cn_last_error());
                return 1;
            }
            written++;
            free(cov);
            free(page);
            free(tmp);
        }
    for (int i = 0; i < nfonts; i++) free(fonts[i].ttf);
    printf("digit_pictures: %d pictures in %s (%d typed in %d fonts, %d written with a pen)\n", written, out, typed,
           nfonts, written - typed);
    return 0;
}
