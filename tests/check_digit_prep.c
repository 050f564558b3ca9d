/* check_digit_prep.c - pictures of digits prepared the way MNIST's were:
 * inverted when light, the ink's box fitted to 20x20 keeping its aspect,
 * centred by mass in 28x28; blank pictures refused; uneven light, thin
 * strokes and specks handled. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/image.h"
#include "lessons/kit/digit_prep.h"
#include "tests/support.h"

#define S DIGIT_SIDE

/* A (h, w) gray picture filled with `bg`. */
static CnImage *page(int h, int w, float bg)
{
    CnImage *im = image_create(1, h, w);
    ck_assert_ptr_nonnull(im);
    for (int i = 0; i < h * w; i++) im->data[i] = bg;
    return im;
}

static void rect(CnImage *im, int x, int y, int w, int h, float v)
{
    for (int yy = y; yy < y + h; yy++)
        for (int xx = x; xx < x + w; xx++) im->data[yy * im->w + xx] = v;
}

/* The bounding box of the pixels above `above` in a 28x28 result. */
static void ink_box(const uint8_t *o, int above, int *x0, int *y0, int *w, int *h)
{
    int a = S, b = S, c = -1, d = -1;
    for (int y = 0; y < S; y++)
        for (int x = 0; x < S; x++)
            if (o[y * S + x] > above) {
                a = x < a ? x : a, b = y < b ? y : b;
                c = x > c ? x : c, d = y > d ? y : d;
            }
    *x0 = a, *y0 = b, *w = c - a + 1, *h = d - b + 1;
}

static void mass(const uint8_t *o, double *cx, double *cy)
{
    double s = 0, sx = 0, sy = 0;
    for (int y = 0; y < S; y++)
        for (int x = 0; x < S; x++) s += o[y * S + x], sx += x * o[y * S + x], sy += y * o[y * S + x];
    ck_assert(s > 0);
    *cx = sx / s, *cy = sy / s;
}

START_TEST(off_centre_box_lands_centred_by_mass)
{
    /* a dark 10x30 bar low on the left of a light 100x80 page */
    CnImage *im = page(80, 100, 0.95f);
    rect(im, 5, 40, 10, 30, 0.1f);
    uint8_t o[S * S];
    DigitPrep p;
    ck_assert_msg(digit_prepare(o, im, -1, &p) == 0, "%s", cn_last_error());
    ck_assert_int_eq(p.inverted, 1);
    ck_assert_int_eq(p.box_x, 5);
    ck_assert_int_eq(p.box_y, 40);
    ck_assert_int_eq(p.box_w, 10);
    ck_assert_int_eq(p.box_h, 30);
    ck_assert_int_eq(p.thickened, 0);
    /* 10x30 fits 20x20 as 7x20 (6.7 rounded): the aspect is kept */
    ck_assert_int_eq(p.fit_w, 7);
    ck_assert_int_eq(p.fit_h, 20);
    int x0, y0, w, h;
    ink_box(o, 0, &x0, &y0, &w, &h);
    ck_assert_int_eq(w, 7);
    ck_assert_int_eq(h, 20);
    double cx, cy;
    mass(o, &cx, &cy);
    ck_assert_msg(fabs(cx - 13.5) <= 0.5 && fabs(cy - 13.5) <= 0.5, "centre of mass (%.2f, %.2f)", cx, cy);
    ck_assert(fabs(p.mass_x - cx) < 1e-9 && fabs(p.mass_y - cy) < 1e-9);
    /* full ink is white, the background black */
    ck_assert_int_eq(o[(y0 + 10) * S + x0 + 3], 255);
    ck_assert_int_eq(o[0], 0);
    char text[256];
    digit_prep_describe(text, sizeof text, &p);
    assert_has(text, "light background");
    assert_has(text, "inverted");
    assert_has(text, "ink 10x30 at (5,40)");
    assert_has(text, "scaled to 7x20");
    assert_has(text, "centred by mass");
    image_free(im);
}
END_TEST

START_TEST(wide_box_keeps_aspect)
{
    /* light on dark: not inverted; 40x10 fits as 20x5 */
    CnImage *im = page(60, 60, 0.0f);
    rect(im, 15, 3, 40, 10, 1.0f);
    uint8_t o[S * S];
    DigitPrep p;
    ck_assert_msg(digit_prepare(o, im, -1, &p) == 0, "%s", cn_last_error());
    ck_assert_int_eq(p.inverted, 0);
    ck_assert_int_eq(p.fit_w, 20);
    ck_assert_int_eq(p.fit_h, 5);
    int x0, y0, w, h;
    ink_box(o, 0, &x0, &y0, &w, &h);
    ck_assert_int_eq(w, 20);
    ck_assert_int_eq(h, 5);
    ck_assert_int_eq(x0, 4);   /* (28 - 20) / 2: symmetric, so its mass is at its middle */
    image_free(im);
}
END_TEST

START_TEST(blank_picture_refused)
{
    const float levels[3] = { 0.0f, 0.7f, 1.0f };
    uint8_t o[S * S];
    for (int k = 0; k < 3; k++) {
        CnImage *im = page(40, 30, levels[k]);
        cn_clear_error();
        ck_assert_int_eq(digit_prepare(o, im, -1, NULL), -1);
        assert_has(cn_last_error(), "no digit found: the picture is blank");
        image_free(im);
    }
    /* a faint smudge (4% darker) is no digit either */
    CnImage *im = page(40, 30, 0.9f);
    rect(im, 10, 10, 8, 15, 0.86f);
    ck_assert_int_eq(digit_prepare(o, im, -1, NULL), -1);
    image_free(im);
    ck_assert_int_eq(digit_prepare(o, NULL, -1, NULL), -1);
}
END_TEST

START_TEST(uneven_light_and_specks)
{
    /* paper lit from the left: 1.0 falling to 0.45 at the right; a gray
     * "digit" (a ring) that is darker than its surroundings everywhere but
     * lighter than the shadowed paper on the right; two specks of dust */
    const int W = 120, H = 100;
    CnImage *im = page(H, W, 0.0f);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) im->data[y * W + x] = 1.0f - 0.55f * x / (W - 1);
    for (int y = 20; y < 80; y++)
        for (int x = 40; x < 80; x++) {
            const int ring = x < 48 || x >= 72 || y < 28 || y >= 72;
            if (ring) im->data[y * W + x] *= 0.5f;
        }
    rect(im, 5, 90, 2, 2, 0.0f);
    rect(im, 110, 5, 1, 1, 0.0f);
    uint8_t o[S * S];
    DigitPrep p;
    ck_assert_msg(digit_prepare(o, im, -1, &p) == 0, "%s", cn_last_error());
    ck_assert_int_eq(p.inverted, 1);
    ck_assert(p.light_spread > 0.3);
    ck_assert_int_ge(p.specks, 1);   /* the 2x2 one; the 1x1 one is below the threshold */
    /* the ring's box (40, 20, 40x60), give or take the pixel that the
     * shading and the 3x3 smoothing blur */
    ck_assert_msg(abs(p.box_x - 40) <= 1 && abs(p.box_y - 20) <= 1 && abs(p.box_w - 40) <= 2 &&
                      abs(p.box_h - 60) <= 2,
                  "box %dx%d at (%d,%d)", p.box_w, p.box_h, p.box_x, p.box_y);
    /* the hole of the ring and the paper around it are black */
    int x0, y0, w, h;
    ink_box(o, 0, &x0, &y0, &w, &h);
    ck_assert_int_eq(h, 20);
    ck_assert_int_le(w, 14);
    ck_assert_int_eq(o[(y0 + 10) * S + x0 + w / 2], 0);
    image_free(im);
}
END_TEST

START_TEST(thin_strokes_thickened)
{
    /* a 1-pixel "L" 150 tall and 80 wide on a 200x200 page */
    CnImage *im = page(200, 200, 1.0f);
    rect(im, 30, 20, 1, 150, 0.0f);
    rect(im, 30, 169, 80, 1, 0.0f);
    uint8_t o[S * S];
    DigitPrep p;
    ck_assert_msg(digit_prepare(o, im, -1, &p) == 0, "%s", cn_last_error());
    ck_assert_msg(p.stroke < 3.0, "stroke %.2f", p.stroke);
    ck_assert_int_gt(p.thickened, 5);
    /* the vertical stroke: at least two bright pixels across, as MNIST's */
    int x0, y0, w, h, bright = 0;
    ink_box(o, 0, &x0, &y0, &w, &h);
    for (int x = 0; x < S; x++) bright += o[(y0 + h / 2) * S + x] > 128;
    ck_assert_int_ge(bright, 2);
    char text[256];
    assert_has(digit_prep_describe(text, sizeof text, &p), "thickened");
    image_free(im);
}
END_TEST

START_TEST(squeeze_is_the_old_way)
{
    /* a 28x28 picture on black is kept as it is; on white, inverted */
    CnImage *im = page(S, S, 0.0f);
    for (int i = 0; i < S * S; i++) im->data[i] = (i * 7 % 256) / 255.0f * (i % S > 2 && i % S < 25 && i / S > 2 && i / S < 25);
    uint8_t o[S * S];
    DigitPrep p;
    ck_assert_int_eq(digit_squeeze(o, im, -1, &p), 0);
    ck_assert_int_eq(p.squeezed, 1);
    ck_assert_int_eq(p.inverted, 0);
    for (int i = 0; i < S * S; i++) ck_assert_int_eq(o[i], (int)lroundf(im->data[i] * 255.0f));
    ck_assert_int_eq(digit_squeeze(o, im, 1, &p), 0);
    ck_assert_int_eq(o[0], 255);
    char text[256];
    assert_has(digit_prep_describe(text, sizeof text, &p), "the whole 28x28 picture resized to 28x28");
    image_free(im);
}
END_TEST

Suite *digit_prep_suite(void)
{
    Suite *s = suite_create("digit_prep");
    TCase *tc = tcase_create("prepare");
    tcase_add_test(tc, off_centre_box_lands_centred_by_mass);
    tcase_add_test(tc, wide_box_keeps_aspect);
    tcase_add_test(tc, blank_picture_refused);
    tcase_add_test(tc, uneven_light_and_specks);
    tcase_add_test(tc, thin_strokes_thickened);
    tcase_add_test(tc, squeeze_is_the_old_way);
    suite_add_tcase(s, tc);
    return s;
}
