/* digit_prep.c - see digit_prep.h. */
#include "lessons/kit/digit_prep.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "lessons/kit/draw.h"

#define MAX_SIDE 1024   /* larger pictures are first averaged down to this */
#define GRID 6          /* background cells per side */
#define MIN_CONTRAST 0.08 /* ink must stand this far above the background */

/* --- small pieces ----------------------------------------------------------- */

static float clamp01(double v) { return (float)(v < 0.0 ? 0.0 : v > 1.0 ? 1.0 : v); }

/* dst (dh, dw) from the region (x0, y0, bw, bh) of src (rows of sw floats):
 * each destination pixel is the mean of the source area it covers, partly
 * covered pixels weighted by the part they cover (an enlargement then
 * repeats pixels). */
static void area_resample(float *dst, int dw, int dh, const float *src, int sw, int x0, int y0, int bw, int bh)
{
    const double fx = (double)bw / dw, fy = (double)bh / dh;
    for (int oy = 0; oy < dh; oy++) {
        const double ya = oy * fy, yb = ya + fy;
        for (int ox = 0; ox < dw; ox++) {
            const double xa = ox * fx, xb = xa + fx;
            double sum = 0.0, area = 0.0;
            for (int y = (int)ya; y < bh && y < yb; y++) {
                const double wy = fmin(y + 1.0, yb) - fmax((double)y, ya);
                for (int x = (int)xa; x < bw && x < xb; x++) {
                    const double wx = fmin(x + 1.0, xb) - fmax((double)x, xa);
                    sum += wy * wx * src[(size_t)(y0 + y) * sw + (x0 + x)];
                    area += wy * wx;
                }
            }
            dst[(size_t)oy * dw + ox] = area > 0.0 ? (float)(sum / area) : 0.0f;
        }
    }
}

/* Mean of the outermost ring of pixels of a (h, w) map. */
static double ring_mean(const float *m, int w, int h)
{
    double s = 0.0;
    long n = 0;
    for (int x = 0; x < w; x++) {
        s += m[x] + m[(size_t)(h - 1) * w + x];
        n += 2;
    }
    for (int y = 1; y < h - 1; y++) {
        s += m[(size_t)y * w] + m[(size_t)y * w + w - 1];
        n += 2;
    }
    return s / (double)n;
}

/* The picture as gray levels, at most MAX_SIDE on a side (area averaged);
 * *w, *h its size. NULL with a message on no memory. */
static float *gray_of(const CnImage *im, int *w, int *h)
{
    const size_t plane = (size_t)im->h * im->w;
    float *g = malloc(plane * sizeof *g);
    if (!g) return cn_fail("digit_prepare: out of memory for a %dx%d picture", im->w, im->h), NULL;
    for (size_t i = 0; i < plane; i++)
        g[i] = im->c >= 3 ? 0.299f * im->data[i] + 0.587f * im->data[plane + i] + 0.114f * im->data[2 * plane + i]
                          : im->data[i];
    *w = im->w, *h = im->h;
    const int side = im->w > im->h ? im->w : im->h;
    if (side <= MAX_SIDE) return g;
    const int sw = (int)fmax(1.0, round((double)im->w * MAX_SIDE / side));
    const int sh = (int)fmax(1.0, round((double)im->h * MAX_SIDE / side));
    float *s = malloc((size_t)sw * sh * sizeof *s);
    if (!s) {
        free(g);
        return cn_fail("digit_prepare: out of memory for a %dx%d picture", im->w, im->h), NULL;
    }
    area_resample(s, sw, sh, g, im->w, 0, 0, im->w, im->h);
    free(g);
    *w = sw, *h = sh;
    return s;
}

/* --- uneven light ----------------------------------------------------------- */

/* The background level under every pixel of ink (w, h): the 10th percentile
 * of each of GRID x GRID cells (ink covers less than 90% of most cells),
 * the lowest of each cell's neighbourhood, interpolated bilinearly between
 * cell centres. Subtracted from ink in place; returns the spread between the
 * highest and lowest cell. */
static double remove_background(float *ink, int w, int h)
{
    const int gx = w < GRID ? w : GRID, gy = h < GRID ? h : GRID;
    double cell[GRID][GRID], level[GRID][GRID], lo = 1.0, hi = 0.0;
    for (int cy = 0; cy < gy; cy++)
        for (int cx = 0; cx < gx; cx++) {
            const int x0 = cx * w / gx, x1 = (cx + 1) * w / gx, y0 = cy * h / gy, y1 = (cy + 1) * h / gy;
            long hist[256] = { 0 }, n = 0;
            for (int y = y0; y < y1; y++)
                for (int x = x0; x < x1; x++, n++) hist[(int)(clamp01(ink[(size_t)y * w + x]) * 255.0f + 0.5f)]++;
            /* the lowest level that at least a tenth of the cell reaches */
            const long want = (n + 9) / 10;
            long seen = hist[0];
            int b = 0;
            while (b < 255 && seen < want) seen += hist[++b];
            cell[cy][cx] = b / 255.0;
        }
    /* a cell that a wide stroke fills reads as ink: each cell takes the
     * lowest level of its neighbourhood */
    for (int cy = 0; cy < gy; cy++)
        for (int cx = 0; cx < gx; cx++) {
            level[cy][cx] = 1.0;
            for (int y = cy - 1; y <= cy + 1; y++)
                for (int x = cx - 1; x <= cx + 1; x++)
                    if (y >= 0 && y < gy && x >= 0 && x < gx) level[cy][cx] = fmin(level[cy][cx], cell[y][x]);
            lo = fmin(lo, level[cy][cx]);
            hi = fmax(hi, level[cy][cx]);
        }
    for (int y = 0; y < h; y++) {
        /* position among the cell centres, clamped at the outer half-cells */
        const double fy = fmin(fmax((y + 0.5) * gy / h - 0.5, 0.0), gy - 1.0);
        const int cy = (int)fy < gy - 1 ? (int)fy : gy - 1, cy1 = cy + 1 < gy ? cy + 1 : cy;
        const double ty = fy - cy;
        for (int x = 0; x < w; x++) {
            const double fx = fmin(fmax((x + 0.5) * gx / w - 0.5, 0.0), gx - 1.0);
            const int cx = (int)fx < gx - 1 ? (int)fx : gx - 1, cx1 = cx + 1 < gx ? cx + 1 : cx;
            const double tx = fx - cx;
            const double bg = (1 - ty) * ((1 - tx) * level[cy][cx] + tx * level[cy][cx1]) +
                              ty * ((1 - tx) * level[cy1][cx] + tx * level[cy1][cx1]);
            float *v = &ink[(size_t)y * w + x];
            *v = (float)fmax(0.0, *v - bg);
        }
    }
    return hi - lo;
}

/* --- the ink's box ---------------------------------------------------------- */

/* out = mean of each pixel's 3x3 neighbourhood (inside the picture). */
static void box3(float *out, const float *in, int w, int h)
{
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            double s = 0.0;
            int n = 0;
            for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++) {
                    const int yy = y + dy, xx = x + dx;
                    if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
                    s += in[(size_t)yy * w + xx];
                    n++;
                }
            out[(size_t)y * w + x] = (float)(s / n);
        }
}

/* Label the 8-connected components of mask (1 = ink) with 2, 3, ...; the
 * sizes go to size[label]. Returns the number of labels used + 2, or -1 on
 * no memory. size has room for w*h + 2 entries. */
static int components(unsigned char *mask, int *label, long *size, int w, int h)
{
    const size_t n = (size_t)w * h;
    int *stack = malloc(n * sizeof *stack);
    if (!stack) return -1;
    int next = 2;
    for (size_t i = 0; i < n; i++) label[i] = 0;
    for (size_t i = 0; i < n; i++) {
        if (!mask[i] || label[i]) continue;
        size_t top = 0;
        long count = 0;
        stack[top++] = (int)i;
        label[i] = next;
        while (top) {
            const int p = stack[--top], px = p % w, py = p / w;
            count++;
            for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++) {
                    const int x = px + dx, y = py + dy;
                    if (x < 0 || x >= w || y < 0 || y >= h) continue;
                    const size_t q = (size_t)y * w + x;
                    if (mask[q] && !label[q]) {
                        label[q] = next;
                        stack[top++] = (int)q;
                    }
                }
        }
        size[next++] = count;
    }
    free(stack);
    return next;
}

/* Gray-level dilation by a (2r+1)-square: the maximum over rows, then over
 * columns. tmp has w*h floats. */
static void dilate(float *v, float *tmp, int w, int h, int r)
{
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            float m = 0.0f;
            for (int k = x - r < 0 ? 0 : x - r; k <= x + r && k < w; k++) m = fmaxf(m, v[(size_t)y * w + k]);
            tmp[(size_t)y * w + x] = m;
        }
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            float m = 0.0f;
            for (int k = y - r < 0 ? 0 : y - r; k <= y + r && k < h; k++) m = fmaxf(m, tmp[(size_t)k * w + x]);
            v[(size_t)y * w + x] = m;
        }
}

/* --- placing in 28x28 ---------------------------------------------------------- */

/* Centre of mass of a (h, w) patch of non-negative values, in pixel
 * coordinates (the centre of pixel 0 is 0). */
static void mass_centre(const float *p, int w, int h, double *cx, double *cy)
{
    double s = 0.0, sx = 0.0, sy = 0.0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            s += p[(size_t)y * w + x];
            sx += x * (double)p[(size_t)y * w + x];
            sy += y * (double)p[(size_t)y * w + x];
        }
    *cx = s > 0.0 ? sx / s : (w - 1) / 2.0;
    *cy = s > 0.0 ? sy / s : (h - 1) / 2.0;
}

static void to_bytes(uint8_t *out, const float *v, int n)
{
    for (int i = 0; i < n; i++) out[i] = (uint8_t)lroundf(clamp01(v[i]) * 255.0f);
}

/* --- the two ways ------------------------------------------------------------- */

/* The arguments checked, and the picture's gray levels (gray_of). */
static float *start(const char *who, const uint8_t *out, const CnImage *im, int *w, int *h)
{
    if (!out || !im || im->w < 1 || im->h < 1 || (im->c != 1 && im->c != 3) || !im->data)
        return cn_fail("%s: give a gray or RGB picture and room for 28x28 bytes", who), NULL;
    return gray_of(im, w, h);
}

int digit_prepare(uint8_t *out, const CnImage *im, int invert, DigitPrep *info)
{
    DigitPrep d = { 0 };
    int w, h;
    float *ink = start("digit_prepare", out, im, &w, &h);
    if (!ink) return -1;
    const size_t n = (size_t)w * h;
    float *smooth = malloc(n * sizeof *smooth);
    unsigned char *mask = malloc(n);
    int *label = malloc(n * sizeof *label);
    long *size = malloc((n + 2) * sizeof *size);
    int rc = -1;
    if (!smooth || !mask || !label || !size) {
        cn_fail("digit_prepare: out of memory for a %dx%d picture", im->w, im->h);
        goto done;
    }
    d.w = im->w, d.h = im->h;
    d.background = ring_mean(ink, w, h);
    d.inverted = invert >= 0 ? invert : d.background > 0.5;
    if (d.inverted)
        for (size_t i = 0; i < n; i++) ink[i] = 1.0f - ink[i];
    d.light_spread = remove_background(ink, w, h);

    /* the ink: clearly above the background once noise is averaged out */
    box3(smooth, ink, w, h);
    float peak = 0.0f;
    for (size_t i = 0; i < n; i++) peak = fmaxf(peak, smooth[i]);
    if (peak < MIN_CONTRAST) {
        cn_fail("no digit found: the picture is blank (its gray levels differ by less than %.0f%% from the "
                "background); give a picture of a dark digit on light paper or the reverse",
                100.0 * MIN_CONTRAST);
        goto done;
    }
    for (size_t i = 0; i < n; i++) mask[i] = smooth[i] > 0.4f * peak && ink[i] > 0.4f * peak;
    const int labels = components(mask, label, size, w, h);
    if (labels < 0) {
        cn_fail("digit_prepare: out of memory for a %dx%d picture", im->w, im->h);
        goto done;
    }
    long largest = 0;
    for (int l = 2; l < labels; l++) largest = size[l] > largest ? size[l] : largest;
    /* the box of the strokes; specks under a twentieth of the largest stroke
     * are noise or dust */
    int x0 = w, y0 = h, x1 = -1, y1 = -1;
    long area = 0, edge = 0;
    for (int l = 2; l < labels; l++) d.specks += size[l] * 20 < largest;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            const size_t i = (size_t)y * w + x;
            const int keep = label[i] && size[label[i]] * 20 >= largest;
            mask[i] = (unsigned char)keep;
            if (!keep) continue;
            x0 = x < x0 ? x : x0, x1 = x > x1 ? x : x1;
            y0 = y < y0 ? y : y0, y1 = y > y1 ? y : y1;
        }
    for (int y = y0; y <= y1; y++)
        for (int x = x0; x <= x1; x++) {
            const size_t i = (size_t)y * w + x;
            if (!mask[i]) continue;
            area++;
            edge += x == 0 || y == 0 || x == w - 1 || y == h - 1 || !mask[i - 1] || !mask[i + 1] || !mask[i - w] ||
                    !mask[i + w];
        }
    /* ink outside the strokes (noise, specks) is dropped; the strokes keep
     * their soft edges; everything is stretched so a stroke's middle is 1 */
    const float lo = 0.25f * peak, hi = 0.75f * peak;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            int near = 0;
            for (int dy = -1; dy <= 1 && !near; dy++)
                for (int dx = -1; dx <= 1 && !near; dx++) {
                    const int yy = y + dy, xx = x + dx;
                    near = yy >= 0 && yy < h && xx >= 0 && xx < w && mask[(size_t)yy * w + xx];
                }
            float *v = &ink[(size_t)y * w + x];
            *v = near ? clamp01((*v - lo) / (hi - lo)) : 0.0f;
        }

    /* thin strokes: a line of width s has about 2 edge pixels per pixel of
     * length, so s ~ 2 area / edge; MNIST's are ~1/8 of the box */
    int bw = x1 - x0 + 1, bh = y1 - y0 + 1;
    const int side = bw > bh ? bw : bh;
    d.stroke = edge ? 2.0 * area / edge : 1.0;
    const double want = side / 8.0;
    if (d.stroke < want) {
        d.thickened = (int)lround((want - d.stroke) / 2.0);
        if (d.thickened > 0) {
            dilate(ink, smooth, w, h, d.thickened);
            x0 = x0 - d.thickened < 0 ? 0 : x0 - d.thickened;
            y0 = y0 - d.thickened < 0 ? 0 : y0 - d.thickened;
            x1 = x1 + d.thickened >= w ? w - 1 : x1 + d.thickened;
            y1 = y1 + d.thickened >= h ? h - 1 : y1 + d.thickened;
            bw = x1 - x0 + 1, bh = y1 - y0 + 1;
        }
    }
    /* back to the caller's picture's pixels for the message */
    const double back = (double)im->w / w;
    d.box_x = (int)lround(x0 * back), d.box_y = (int)lround(y0 * back);
    d.box_w = (int)lround(bw * back), d.box_h = (int)lround(bh * back);
    d.thickened = (int)lround(d.thickened * back);
    d.stroke *= back;

    /* fit 20x20 keeping the aspect ratio, brightest pixel white */
    const int bside = bw > bh ? bw : bh;
    d.fit_w = (int)fmax(1.0, lround((double)bw * DIGIT_BOX / bside));
    d.fit_h = (int)fmax(1.0, lround((double)bh * DIGIT_BOX / bside));
    float fit[DIGIT_BOX * DIGIT_BOX], top = 0.0f;
    area_resample(fit, d.fit_w, d.fit_h, ink, w, x0, y0, bw, bh);
    for (int i = 0; i < d.fit_w * d.fit_h; i++) top = fmaxf(top, fit[i]);
    for (int i = 0; i < d.fit_w * d.fit_h; i++) fit[i] = top > 0.0f ? fit[i] / top : 0.0f;

    /* the centre of mass to the centre, by whole pixels, the box inside */
    double cx, cy;
    mass_centre(fit, d.fit_w, d.fit_h, &cx, &cy);
    const double mid = (DIGIT_SIDE - 1) / 2.0;
    d.off_x = (int)lround(mid - cx), d.off_y = (int)lround(mid - cy);
    d.off_x = d.off_x < 0 ? 0 : d.off_x > DIGIT_SIDE - d.fit_w ? DIGIT_SIDE - d.fit_w : d.off_x;
    d.off_y = d.off_y < 0 ? 0 : d.off_y > DIGIT_SIDE - d.fit_h ? DIGIT_SIDE - d.fit_h : d.off_y;
    float field[DIGIT_SIDE * DIGIT_SIDE] = { 0 };
    for (int y = 0; y < d.fit_h; y++)
        for (int x = 0; x < d.fit_w; x++) field[(d.off_y + y) * DIGIT_SIDE + d.off_x + x] = fit[y * d.fit_w + x];
    to_bytes(out, field, DIGIT_SIDE * DIGIT_SIDE);
    for (int i = 0; i < DIGIT_SIDE * DIGIT_SIDE; i++) field[i] = out[i];
    mass_centre(field, DIGIT_SIDE, DIGIT_SIDE, &d.mass_x, &d.mass_y);
    rc = 0;
done:
    if (info) *info = d;
    free(ink);
    free(smooth);
    free(mask);
    free(label);
    free(size);
    return rc;
}

int digit_squeeze(uint8_t *out, const CnImage *im, int invert, DigitPrep *info)
{
    DigitPrep d = { 0 };
    int w, h;
    float *g = start("digit_squeeze", out, im, &w, &h);
    if (!g) return -1;
    /* exactly as classify did before digit_prepare: lessons/kit/draw.h */
    CnImage view = { 1, h, w, g };
    float small[DIGIT_SIDE * DIGIT_SIDE];
    resize_gray(small, DIGIT_SIDE, &view);
    free(g);
    d.squeezed = 1;
    d.w = im->w, d.h = im->h;
    d.background = ring_mean(small, DIGIT_SIDE, DIGIT_SIDE);
    d.inverted = invert >= 0 ? invert : d.background > 0.5;
    if (d.inverted)
        for (int i = 0; i < DIGIT_SIDE * DIGIT_SIDE; i++) small[i] = 1.0f - small[i];
    to_bytes(out, small, DIGIT_SIDE * DIGIT_SIDE);
    for (int i = 0; i < DIGIT_SIDE * DIGIT_SIDE; i++) small[i] = out[i];
    mass_centre(small, DIGIT_SIDE, DIGIT_SIDE, &d.mass_x, &d.mass_y);
    if (info) *info = d;
    return 0;
}

const char *digit_prep_describe(char *buf, size_t size, const DigitPrep *p)
{
    if (!buf || size == 0) return buf;
    int n = snprintf(buf, size, "%s background (border %.2f)%s", p->background > 0.5 ? "light" : "dark",
                     p->background, p->inverted ? ", inverted" : "");
    if (p->squeezed) {
        snprintf(buf + n, n < (int)size ? size - (size_t)n : 0, "; the whole %dx%d picture resized to 28x28",
                 p->w, p->h);
        return buf;
    }
    char thick[64] = "", specks[64] = "", light[64] = "";
    if (p->thickened) snprintf(thick, sizeof thick, ", strokes (%.1f px) thickened by %d px", p->stroke, p->thickened);
    if (p->specks) snprintf(specks, sizeof specks, ", %d speck%s left out", p->specks, p->specks > 1 ? "s" : "");
    if (p->light_spread >= 0.05)
        snprintf(light, sizeof light, "; uneven light (background varies by %.2f) evened out", p->light_spread);
    snprintf(buf + n, n < (int)size ? size - (size_t)n : 0,
             "%s; ink %dx%d at (%d,%d) in the %dx%d picture%s%s, scaled to %dx%d; centred by mass at (%.1f, %.1f) "
             "in 28x28",
             light, p->box_w, p->box_h, p->box_x, p->box_y, p->w, p->h, specks, thick, p->fit_w, p->fit_h, p->mass_x,
             p->mass_y);
    return buf;
}
