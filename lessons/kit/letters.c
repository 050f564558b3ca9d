/* letters.c - the seed deck's 1..9 / A..I example (see letters.h). */
#include "lessons/kit/letters.h"

#include <stdio.h>

#include "core/die.h"

/* --- the index rules, run on symbols ------------------------------------------------- */

/* The products that correlate2d (flip 0) or convolve2d (flip 1) add up for
 * output (i, j) of the 3x3 image whose pixel (r, c) holds the number
 * 3r + c + 1 and the 3x3 kernel whose weight (m, n) is the letter 3m + n,
 * at stride 1 with `pad` zeros before the input: exactly the loops of
 * core/conv.c, with the multiplication written down instead of done.
 *
 *   correlation  y[i][j] = sum_m sum_n x[i-pad+m][j-pad+n] * k[m][n]
 *   convolution  y[i][j] = sum_m sum_n x[i-pad+m][j-pad+n] * k[2-m][2-n]
 *
 * Taps that land on the zero padding add nothing and are left out. */
int symbolic(Term *t, int flip, int i, int j, int pad)
{
    int n = 0;
    for (int m = 0; m < 3; m++)
        for (int q = 0; q < 3; q++) {
            int r = i - pad + m, c = j - pad + q;
            if (r < 0 || r >= 3 || c < 0 || c >= 3) continue;
            int km = flip ? 2 - m : m, kq = flip ? 2 - q : q;
            t[n++] = (Term){ 3 * r + c + 1, 3 * km + kq };
        }
    return n;
}

/* "1·A + 2·B + ..." */
void terms_text(char *buf, size_t size, const Term *t, int n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < n && used < size; i++) {
        int w = snprintf(buf + used, size - used, "%s%d·%c", i ? " + " : "", t[i].pixel, 'A' + t[i].letter);
        if (w < 0) break;
        used += (size_t)w;
    }
}

/* The same sum with numbers: pixel p is worth p, letter L is worth k[L]. */
double terms_value(const Term *t, int n, const float *k)
{
    double s = 0.0;
    for (int i = 0; i < n; i++) s += t[i].pixel * (double)k[t[i].letter];
    return s;
}

/* A 3x3 grid picture: in each cell the pixel number and the kernel letter it
 * is multiplied by, "5×E". RGB, cell x cell pixels per square. */
CnImage *pairing_grid(const Term *t, int n, int cell)
{
    CnImage *im = image_create(3, 3 * cell, 3 * cell);
    CN_CHECK(im);
    size_t plane = (size_t)im->h * (size_t)im->w;
    const float num[3] = { 1, 1, 1 }, let[3] = { 1.0f, 0.8f, 0.25f };
    for (int i = 0; i < n; i++) {
        int r = (t[i].pixel - 1) / 3, c = (t[i].pixel - 1) % 3;
        /* a checkerboard of two slate tones, a dark line between cells */
        float base = (r + c) % 2 ? 0.22f : 0.3f;
        for (int y = 0; y < cell; y++)
            for (int x = 0; x < cell; x++) {
                size_t at = (size_t)(r * cell + y) * (size_t)im->w + (size_t)(c * cell + x);
                float v = (y == 0 || x == 0) ? 0.05f : base;
                im->data[at] = v;
                im->data[plane + at] = v;
                im->data[2 * plane + at] = v + 0.08f;
            }
        char a[8], b[8];
        snprintf(a, sizeof a, "%d×", t[i].pixel);
        snprintf(b, sizeof b, "%c", 'A' + t[i].letter);
        const int fs = 3;
        int w = image_text_width(a, fs) + TEXT_CELL_W * fs - fs + image_text_width(b, fs);
        int x0 = c * cell + (cell - w) / 2, y0 = r * cell + (cell - 7 * fs) / 2;
        image_draw_text(im, x0, y0, a, fs, num);
        image_draw_text(im, x0 + image_text_width(a, fs) + fs, y0, b, fs, let);
    }
    return im;
}

