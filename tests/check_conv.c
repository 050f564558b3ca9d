/* check_conv.c - cross-correlation and true convolution (core/conv.h). */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/conv.h"
#include "core/error.h"
#include "core/kernels.h"
#include "core/rng.h"
#include "core/tensor.h"
#include "tests/support.h"

/* --- helpers ---------------------------------------------------------------- */

#define MAXN 512 /* largest array any test here uses */

static void fill_random(Rng *r, float *a, int n)
{
    for (int i = 0; i < n; i++) a[i] = rng_range(r, -1.0f, 1.0f);
}

/* --- output sizes and border modes ---------------------------------------------- */

START_TEST(out_size_formula)
{
    /* in, k, stride, pad before, pad after -> floor((in + pb + pa - k) / s) + 1 */
    static const int cases[][6] = {
        { 7, 3, 2, 0, 0, 3 },      /* (7 - 3)/2 + 1: divides evenly */
        { 8, 3, 2, 0, 0, 3 },      /* (8 - 3)/2 = 2.5 -> 2, + 1: the last column is never read */
        { 28, 5, 1, 2, 2, 28 },    /* LeNet-style 'same' 5x5 */
        { 32, 5, 1, 0, 0, 28 },    /* LeNet C1 */
        { 28, 2, 2, 0, 0, 14 },    /* 2x2 pooling */
        { 5, 5, 1, 0, 0, 1 },      /* kernel exactly fits */
        { 7, 3, 3, 1, 1, 3 },      /* (7 + 2 - 3)/3 + 1 */
        { 7, 3, 2, 1, 0, 3 },      /* asymmetric padding: (7 + 1 - 3)/2 + 1 = 3 */
        { 227, 11, 4, 0, 0, 55 },  /* AlexNet conv1 */
        { 224, 11, 4, 2, 2, 55 },  /* (224 + 4 - 11)/4 = 54.25 -> 54, + 1 */
        { 3, 5, 1, 1, 1, 1 },      /* a 5-kernel fits a 3-input padded to 5 */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const int *c = cases[i];
        ck_assert_msg(conv_out_size(c[0], c[1], c[2], c[3], c[4]) == c[5],
                      "conv_out_size(%d, %d, %d, %d, %d) = %d, want %d", c[0], c[1], c[2], c[3],
                      c[4], conv_out_size(c[0], c[1], c[2], c[3], c[4]), c[5]);
    }
}
END_TEST

START_TEST(out_size_rejects)
{
    cn_clear_error();
    ck_assert_int_eq(conv_out_size(3, 5, 1, 0, 0), -1);
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "larger than the padded input"));
    ck_assert_int_eq(conv_out_size(3, 5, 1, 0, 1), -1); /* padded to 4 < 5 */
    ck_assert_int_eq(conv_out_size(0, 1, 1, 0, 0), -1);
    ck_assert_int_eq(conv_out_size(5, 0, 1, 0, 0), -1);
    ck_assert_int_eq(conv_out_size(5, 3, 0, 0, 0), -1);
    ck_assert_int_eq(conv_out_size(5, 3, 1, -1, 0), -1);
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "padding"));
    ck_assert_int_eq(conv_out_size(2000000000, 3, 1, 200000000, 0), -1); /* int overflow */

    float x[9] = { 0 }, k[16] = { 0 }, out[16];
    cn_clear_error();
    ck_assert_int_eq(correlate2d(out, x, 3, 3, k, 4, 2, 1, 1, 0, 0, 0, 0), -1);
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "correlate2d: height"));
    ck_assert_int_eq(convolve2d(out, x, 3, 3, k, 2, 4, 1, 1, 0, 0, 0, 0), -1);
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "convolve2d: width"));
    ck_assert_int_eq(correlate1d(out, x, 3, k, 4, 1, 0, 0), -1);
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "correlate1d: conv_out_size"));
    ck_assert_int_eq(convolve1d(out, NULL, 3, k, 2, 1, 0, 0), -1);
    ck_assert_int_eq(correlate2d_multi(out, x, 0, 3, 3, k, 1, 2, 2, 1, 1, 0, 0, 0, 0), -1);
    ck_assert_int_eq(correlate2d_border(out, x, 3, 3, k, 2, 2, (ConvBorder)7, 1), -1);
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "unknown border mode"));
}
END_TEST

START_TEST(mode_pads_and_sizes)
{
    int b, a;
    ck_assert_int_eq(conv_border_pads(CONV_BORDER_VALID, 3, &b, &a), 0);
    ck_assert(b == 0 && a == 0);
    ck_assert_int_eq(conv_border_pads(CONV_BORDER_SAME, 3, &b, &a), 0);
    ck_assert(b == 1 && a == 1);
    ck_assert_int_eq(conv_border_pads(CONV_BORDER_SAME, 4, &b, &a), 0); /* even: the extra pad goes after */
    ck_assert(b == 1 && a == 2);
    ck_assert_int_eq(conv_border_pads(CONV_BORDER_SAME, 1, &b, &a), 0);
    ck_assert(b == 0 && a == 0);
    ck_assert_int_eq(conv_border_pads(CONV_BORDER_FULL, 5, &b, &a), 0);
    ck_assert(b == 4 && a == 4);
    ck_assert_int_eq(conv_border_pads(CONV_BORDER_SAME, 0, &b, &a), -1);
    ck_assert_str_eq(conv_border_name(CONV_BORDER_SAME), "same");
    ck_assert_str_eq(conv_border_name((ConvBorder)9), "unknown");

    int oh, ow;
    ck_assert_int_eq(conv2d_border_size(&oh, &ow, 28, 28, 3, 3, CONV_BORDER_VALID, 1), 0);
    ck_assert(oh == 26 && ow == 26);
    ck_assert_int_eq(conv2d_border_size(&oh, &ow, 28, 28, 3, 3, CONV_BORDER_SAME, 1), 0);
    ck_assert(oh == 28 && ow == 28);
    ck_assert_int_eq(conv2d_border_size(&oh, &ow, 28, 28, 3, 3, CONV_BORDER_FULL, 1), 0);
    ck_assert(oh == 30 && ow == 30);
    ck_assert_int_eq(conv2d_border_size(&oh, &ow, 28, 27, 4, 4, CONV_BORDER_SAME, 1), 0);
    ck_assert(oh == 28 && ow == 27);
    ck_assert_int_eq(conv2d_border_size(&oh, &ow, 7, 8, 3, 3, CONV_BORDER_SAME, 2), 0); /* ceil(in / 2) */
    ck_assert(oh == 4 && ow == 4);
    ck_assert_int_eq(conv2d_border_size(&oh, &ow, 6, 7, 3, 5, CONV_BORDER_VALID, 1), 0); /* non-square */
    ck_assert(oh == 4 && ow == 3);
    ck_assert_int_eq(conv2d_border_size(&oh, &ow, 6, 7, 3, 5, CONV_BORDER_FULL, 3), 0);
    ck_assert(oh == 3 && ow == 4); /* (6 + 4 - 3)/3 + 1 = 3, (7 + 8 - 5)/3 + 1 = 4 */
    ck_assert_int_eq(conv2d_border_size(&oh, &ow, 2, 2, 3, 3, CONV_BORDER_VALID, 1), -1);
}
END_TEST

/* --- golden values ------------------------------------------------------------ */

START_TEST(golden_2x2_kernel)
{
    /* x = [0 1 2; 3 4 5; 6 7 8], k = [0 1; 2 3], valid mode.
     * Correlation slides k as is:
     *   y00 = 0*0 + 1*1 + 3*2 + 4*3 = 19    y01 = 1*0 + 2*1 + 4*2 + 5*3 = 25
     *   y10 = 3*0 + 4*1 + 6*2 + 7*3 = 37    y11 = 4*0 + 5*1 + 7*2 + 8*3 = 43
     * True convolution slides the flipped kernel rot180(k) = [3 2; 1 0]:
     *   y00 = 0*3 + 1*2 + 3*1 + 4*0 = 5     y01 = 1*3 + 2*2 + 4*1 + 5*0 = 11
     *   y10 = 3*3 + 4*2 + 6*1 + 7*0 = 23    y11 = 4*3 + 5*2 + 7*1 + 8*0 = 29 */
    const float x[9] = { 0, 1, 2, 3, 4, 5, 6, 7, 8 }, k[4] = { 0, 1, 2, 3 };
    const float corr[4] = { 19, 25, 37, 43 }, conv[4] = { 5, 11, 23, 29 };
    float out[4];
    ck_assert_int_eq(correlate2d_border(out, x, 3, 3, k, 2, 2, CONV_BORDER_VALID, 1), 0);
    assert_close(out, corr, 4, 0.0f, "correlate2d valid");
    ck_assert_int_eq(convolve2d_border(out, x, 3, 3, k, 2, 2, CONV_BORDER_VALID, 1), 0);
    assert_close(out, conv, 4, 0.0f, "convolve2d valid");
}
END_TEST

START_TEST(golden_1d)
{
    float out[8];
    /* Full convolution is polynomial multiplication:
     * (1 + 2z + 3z^2)^2 = 1 + 4z + 10z^2 + 12z^3 + 9z^4. */
    const float p[3] = { 1, 2, 3 };
    const float square[5] = { 1, 4, 10, 12, 9 };
    ck_assert_int_eq(convolve1d(out, p, 3, p, 3, 1, 2, 2), 0);
    assert_close(out, square, 5, 0.0f, "convolve1d full = polynomial product");
    /* Full correlation of p with itself is its autocorrelation, symmetric:
     * y[i] = sum_m p[i - 2 + m] p[m] = 3, 2+6, 1+4+9, 2+6, 3. */
    const float autocorr[5] = { 3, 8, 14, 8, 3 };
    ck_assert_int_eq(correlate1d(out, p, 3, p, 3, 1, 2, 2), 0);
    assert_close(out, autocorr, 5, 0.0f, "correlate1d full = autocorrelation");

    /* A difference kernel: correlation gives x[i] - x[i+2], convolution the negative. */
    const float x[5] = { 1, 2, 4, 8, 16 }, d[3] = { 1, 0, -1 };
    const float corr[3] = { -3, -6, -12 }, conv[3] = { 3, 6, 12 };
    ck_assert_int_eq(correlate1d(out, x, 5, d, 3, 1, 0, 0), 0);
    assert_close(out, corr, 3, 0.0f, "correlate1d difference");
    ck_assert_int_eq(convolve1d(out, x, 5, d, 3, 1, 0, 0), 0);
    assert_close(out, conv, 3, 0.0f, "convolve1d difference");

    /* Stride 2, one zero of padding each side: windows start at -1, 1, 3, 5
     * of x = 1..7, k = [1 1 1]: 0+1+2, 2+3+4, 4+5+6, 6+7+0. */
    const float x7[7] = { 1, 2, 3, 4, 5, 6, 7 }, ones[3] = { 1, 1, 1 };
    const float strided[4] = { 3, 9, 15, 13 };
    ck_assert_int_eq(correlate1d(out, x7, 7, ones, 3, 2, 1, 1), 0);
    assert_close(out, strided, 4, 0.0f, "correlate1d stride 2 pad 1");

    /* Padding only before makes a causal filter: ones(3) with two zeros in
     * front sums x[i-2..i], here a running sum of [1 2 3]. */
    const float running[3] = { 1, 3, 6 };
    ck_assert_int_eq(correlate1d(out, p, 3, ones, 3, 1, 2, 0), 0);
    assert_close(out, running, 3, 0.0f, "correlate1d causal");
}
END_TEST

START_TEST(golden_2d_stride_pad_nonsquare)
{
    float out[16];
    /* x = 0..15 (4x4), 3x3 ones, 'same' padding (1 each side), stride 2:
     * windows start at rows/cols -1 and 1; the clipped sums are
     *   (0,0): 0+1+4+5 = 10              (0,1): 1+2+3+5+6+7 = 24
     *   (1,0): 4+5+8+9+12+13 = 51        (1,1): 5+6+7+9+10+11+13+14+15 = 90 */
    float x16[16], ones[9];
    for (int i = 0; i < 16; i++) x16[i] = (float)i;
    for (int i = 0; i < 9; i++) ones[i] = 1.0f;
    const float boxsum[4] = { 10, 24, 51, 90 };
    int oh, ow;
    ck_assert_int_eq(conv2d_border_size(&oh, &ow, 4, 4, 3, 3, CONV_BORDER_SAME, 2), 0);
    ck_assert(oh == 2 && ow == 2);
    ck_assert_int_eq(correlate2d_border(out, x16, 4, 4, ones, 3, 3, CONV_BORDER_SAME, 2), 0);
    assert_close(out, boxsum, 4, 0.0f, "correlate2d same stride 2");

    /* x = 0..8 (3x3), a 1x3 kernel [1 2 3], valid: one output per row.
     *   correlation  x[r][0] + 2 x[r][1] + 3 x[r][2]: 0+2+6 = 8, 3+8+15 = 26, 6+14+24 = 44
     *   convolution  3 x[r][0] + 2 x[r][1] + x[r][2]: 0+2+2 = 4, 9+8+5 = 22, 18+14+8 = 40 */
    const float x9[9] = { 0, 1, 2, 3, 4, 5, 6, 7, 8 }, row[3] = { 1, 2, 3 };
    const float corr[3] = { 8, 26, 44 }, conv[3] = { 4, 22, 40 };
    ck_assert_int_eq(correlate2d(out, x9, 3, 3, row, 1, 3, 1, 1, 0, 0, 0, 0), 0);
    assert_close(out, corr, 3, 0.0f, "correlate2d 1x3");
    ck_assert_int_eq(convolve2d(out, x9, 3, 3, row, 1, 3, 1, 1, 0, 0, 0, 0), 0);
    assert_close(out, conv, 3, 0.0f, "convolve2d 1x3");

    /* Per-side padding: the same 1x3 kernel with one zero row on top and two
     * zero columns on the left gives a (4, 3) output; row 0 reads only
     * padding. Output (r, j) for r >= 1 is x[r-1][j-2] + 2 x[r-1][j-1] + 3 x[r-1][j]:
     *   r=1 (x row 0 1 2):  3*0 = 0,   2*0 + 3*1 = 3,    0 + 2*1 + 3*2 = 8
     *   r=2 (x row 3 4 5):  3*3 = 9,   2*3 + 3*4 = 18,   3 + 2*4 + 3*5 = 26
     *   r=3 (x row 6 7 8):  3*6 = 18,  2*6 + 3*7 = 33,   6 + 2*7 + 3*8 = 44 */
    const float padded[12] = { 0, 0, 0, 0, 3, 8, 9, 18, 26, 18, 33, 44 };
    ck_assert_int_eq(correlate2d(out, x9, 3, 3, row, 1, 3, 1, 1, 1, 0, 2, 0), 0);
    assert_close(out, padded, 12, 0.0f, "correlate2d per-side padding");
}
END_TEST

START_TEST(golden_seed_kernels)
{
    /* Every seed kernel on one 4x4 input, valid mode (2x2 output, windows
     * centred on the four middle pixels).
     *   x = [1 2 3 0;        windows: (0,0) [1 2 3; 4 9 1; 0 5 3]
     *        4 9 1 2;                 (0,1) [2 3 0; 9 1 2; 5 3 1]
     *        0 5 3 1;                 (1,0) [4 9 1; 0 5 3; 2 1 0]
     *        2 1 0 4]                 (1,1) [9 1 2; 5 3 1; 1 0 4]
     * identity  centre:                         9, 1, 5, 3
     * edge1     tl - tr - bl + br:  1-3-0+3 = 1, 2-0-5+1 = -2, 4-1-2+0 = 1, 9-2-1+4 = 10
     * edge2     4 neighbours - 4 c:  12-36 = -24, 17-4 = 13, 13-20 = -7, 7-12 = -5
     * edge3     8 c - 8 neighbours:  72-19 = 53, 8-25 = -17, 40-20 = 20, 24-23 = 1
     * sharpen   5 c - 4 neighbours:  45-12 = 33, 5-17 = -12, 25-13 = 12, 15-7 = 8
     * box_blur  window sum / 9:      28/9, 26/9, 25/9, 26/9
     * The six are symmetric under rot180, so convolution gives the same. */
    const float x[16] = { 1, 2, 3, 0, 4, 9, 1, 2, 0, 5, 3, 1, 2, 1, 0, 4 };
    const float want[KERNEL_SEED_COUNT][4] = {
        { 9, 1, 5, 3 },
        { 1, -2, 1, 10 },
        { -24, 13, -7, -5 },
        { 53, -17, 20, 1 },
        { 33, -12, 12, 8 },
        { 28 / 9.0f, 26 / 9.0f, 25 / 9.0f, 26 / 9.0f },
    };
    float out[4];
    for (int i = 0; i < KERNEL_SEED_COUNT; i++) {
        const CnKernel *k = kernel_seed(i);
        ck_assert_ptr_nonnull(k);
        ck_assert_int_eq(correlate2d_border(out, x, 4, 4, k->v, k->h, k->w, CONV_BORDER_VALID, 1), 0);
        assert_close(out, want[i], 4, 1e-5f, k->name);
        ck_assert_int_eq(convolve2d_border(out, x, 4, 4, k->v, k->h, k->w, CONV_BORDER_VALID, 1), 0);
        assert_close(out, want[i], 4, 1e-5f, k->name);
    }
    /* Sobel x is antisymmetric: correlation -x00 + x02 - 2 x10 + 2 x12 - x20 + x22
     * gives -1, -20, 1, -12; convolution the negatives. */
    const CnKernel *s = kernel_find("sobel_x");
    ck_assert_ptr_nonnull(s);
    const float sob[4] = { -1, -20, 1, -12 }, neg[4] = { 1, 20, -1, 12 };
    ck_assert_int_eq(correlate2d_border(out, x, 4, 4, s->v, 3, 3, CONV_BORDER_VALID, 1), 0);
    assert_close(out, sob, 4, 0.0f, "sobel_x correlation");
    ck_assert_int_eq(convolve2d_border(out, x, 4, 4, s->v, 3, 3, CONV_BORDER_VALID, 1), 0);
    assert_close(out, neg, 4, 0.0f, "sobel_x convolution");
}
END_TEST

START_TEST(identity_and_constants)
{
    Rng r;
    rng_seed(&r, 11, 3);
    float x[6 * 7], out[8 * 9];
    fill_random(&r, x, 6 * 7);
    const CnKernel *id = kernel_find("identity");
    ck_assert_ptr_nonnull(id);
    /* same mode: the input itself */
    ck_assert_int_eq(correlate2d_border(out, x, 6, 7, id->v, 3, 3, CONV_BORDER_SAME, 1), 0);
    assert_close(out, x, 6 * 7, 0.0f, "identity, same");
    ck_assert_int_eq(convolve2d_border(out, x, 6, 7, id->v, 3, 3, CONV_BORDER_SAME, 1), 0);
    assert_close(out, x, 6 * 7, 0.0f, "identity, same, convolution");
    /* valid mode: the interior x[1..4][1..5] */
    ck_assert_int_eq(correlate2d_border(out, x, 6, 7, id->v, 3, 3, CONV_BORDER_VALID, 1), 0);
    for (int i = 0; i < 4; i++)
        assert_close(out + i * 5, x + (i + 1) * 7 + 1, 5, 0.0f, "identity, valid");

    /* a constant image: blurs keep it, edge detectors send it to 0 (valid
     * mode, so no window touches the zero padding) */
    float c[5 * 5], zero[3 * 3] = { 0 }, keep[3 * 3];
    for (int i = 0; i < 25; i++) c[i] = 3.5f;
    for (int i = 0; i < 9; i++) keep[i] = 3.5f;
    const char *blurs[] = { "box_blur", "gaussian" };
    const char *edges[] = { "edge1", "edge2", "edge3", "sobel_x", "sobel_y" };
    for (int i = 0; i < 2; i++) {
        const CnKernel *k = kernel_find(blurs[i]);
        ck_assert_ptr_nonnull(k);
        ck_assert_int_eq(correlate2d_border(out, c, 5, 5, k->v, 3, 3, CONV_BORDER_VALID, 1), 0);
        assert_close(out, keep, 9, 1e-5f, blurs[i]);
    }
    for (int i = 0; i < 5; i++) {
        const CnKernel *k = kernel_find(edges[i]);
        ck_assert_ptr_nonnull(k);
        ck_assert_int_eq(correlate2d_border(out, c, 5, 5, k->v, 3, 3, CONV_BORDER_VALID, 1), 0);
        assert_close(out, zero, 9, 0.0f, edges[i]);
        ck_assert_int_eq(convolve2d_border(out, c, 5, 5, k->v, 3, 3, CONV_BORDER_VALID, 1), 0);
        assert_close(out, zero, 9, 0.0f, edges[i]);
    }
    /* in same mode the border windows read zero padding: the box blur's
     * corner sees 4 of 9 pixels, 3.5 * 4/9 */
    const CnKernel *box = kernel_find("box_blur");
    ck_assert_int_eq(correlate2d_border(out, c, 5, 5, box->v, 3, 3, CONV_BORDER_SAME, 1), 0);
    ck_assert_float_eq_tol(out[0], 3.5f * 4.0f / 9.0f, 1e-5f);
    ck_assert_float_eq_tol(out[12], 3.5f, 1e-5f);
}
END_TEST

START_TEST(seed_symbolic_example)
{
    /* The deck's example: image 1..9, kernel A..I, valid mode (one output).
     *   convolution        1*I + 2*H + 3*G + 4*F + 5*E + 6*D + 7*C + 8*B + 9*A
     *   cross-correlation  1*A + 2*B + 3*C + 4*D + 5*E + 6*F + 7*G + 8*H + 9*I
     * With A..I = the primes 2, 3, 5, 7, 11, 13, 17, 19, 23:
     *   convolution        23 + 38 + 51 + 52 + 55 + 42 + 35 + 24 + 18 = 338
     *   cross-correlation   2 +  6 + 15 + 28 + 55 + 78 + 119 + 152 + 207 = 662 */
    const float img[9] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
    const float primes[9] = { 2, 3, 5, 7, 11, 13, 17, 19, 23 };
    float y;
    ck_assert_int_eq(convolve2d_border(&y, img, 3, 3, primes, 3, 3, CONV_BORDER_VALID, 1), 0);
    ck_assert_float_eq(y, 338.0f);
    ck_assert_int_eq(correlate2d_border(&y, img, 3, 3, primes, 3, 3, CONV_BORDER_VALID, 1), 0);
    ck_assert_float_eq(y, 662.0f);

    /* The pairing itself: set one kernel letter to 1 and the rest to 0. The
     * output is then the image value that letter multiplies: correlation
     * pairs letter j with pixel j+1, convolution with pixel 9-j. */
    for (int j = 0; j < 9; j++) {
        float onehot[9] = { 0 };
        onehot[j] = 1.0f;
        ck_assert_int_eq(correlate2d_border(&y, img, 3, 3, onehot, 3, 3, CONV_BORDER_VALID, 1), 0);
        ck_assert_msg(y == (float)(j + 1), "correlation pairs %c with %g", 'A' + j, y);
        ck_assert_int_eq(convolve2d_border(&y, img, 3, 3, onehot, 3, 3, CONV_BORDER_VALID, 1), 0);
        ck_assert_msg(y == (float)(9 - j), "convolution pairs %c with %g", 'A' + j, y);
    }
}
END_TEST

/* --- properties on random inputs ------------------------------------------------- */

static const ConvBorder modes[3] = { CONV_BORDER_VALID, CONV_BORDER_SAME, CONV_BORDER_FULL };

START_TEST(flip_identity_1d)
{
    /* convolve(x, k) == correlate(x, rot180(k)) in every border mode, with
     * explicit asymmetric paddings, for strides 1..3 and kernels of length
     * 1..6 (rot180 of a 1-D kernel reverses it). */
    static const int pads[][2] = { { 0, 0 }, { 1, 0 }, { 0, 2 }, { 3, 1 } };
    Rng r;
    rng_seed(&r, 1, 1);
    float x[13], k[6], kf[6], a[32], b[32];
    int checked = 0;
    for (int kn = 1; kn <= 6; kn++) {
        fill_random(&r, x, 13);
        fill_random(&r, k, kn);
        kernel_rot180(kf, k, 1, kn);
        for (int s = 1; s <= 3; s++) {
            for (int c = 0; c < 3 + 4; c++) {
                int pb, pa;
                if (c < 3)
                    ck_assert_int_eq(conv_border_pads(modes[c], kn, &pb, &pa), 0);
                else
                    pb = pads[c - 3][0], pa = pads[c - 3][1];
                int on = conv_out_size(13, kn, s, pb, pa);
                ck_assert_int_gt(on, 0);
                ck_assert_int_eq(convolve1d(a, x, 13, k, kn, s, pb, pa), 0);
                ck_assert_int_eq(correlate1d(b, x, 13, kf, kn, s, pb, pa), 0);
                assert_close(a, b, (size_t)on, 1e-6f, "1-D convolve vs correlate with rot180");
                checked++;
            }
        }
    }
    ck_assert_int_eq(checked, 6 * 3 * 7);
}
END_TEST

START_TEST(flip_identity_2d)
{
    /* The same in 2-D: non-square kernels 1..4 x 1..5 on a 7x9 input, every
     * border mode and four explicit per-side paddings, four stride pairs. */
    static const int pads[][4] = { { 0, 0, 0, 0 }, { 1, 0, 2, 1 }, { 0, 2, 0, 3 }, { 2, 2, 1, 0 } };
    static const int strides[][2] = { { 1, 1 }, { 2, 1 }, { 1, 3 }, { 2, 2 } };
    Rng r;
    rng_seed(&r, 2, 1);
    float x[7 * 9], k[4 * 5], kf[4 * 5], a[MAXN], b[MAXN];
    for (int KH = 1; KH <= 4; KH++) {
        for (int KW = 1; KW <= 5; KW++) {
            fill_random(&r, x, 7 * 9);
            fill_random(&r, k, KH * KW);
            kernel_rot180(kf, k, KH, KW);
            for (int st = 0; st < 4; st++) {
                int sh = strides[st][0], sw = strides[st][1];
                for (int c = 0; c < 3 + 4; c++) {
                    int pt, pb, pl, pr;
                    if (c < 3) {
                        ck_assert_int_eq(conv_border_pads(modes[c], KH, &pt, &pb), 0);
                        ck_assert_int_eq(conv_border_pads(modes[c], KW, &pl, &pr), 0);
                    } else {
                        const int *p = pads[c - 3];
                        pt = p[0], pb = p[1], pl = p[2], pr = p[3];
                    }
                    int oh = conv_out_size(7, KH, sh, pt, pb), ow = conv_out_size(9, KW, sw, pl, pr);
                    ck_assert(oh > 0 && ow > 0 && oh * ow <= MAXN);
                    ck_assert_int_eq(convolve2d(a, x, 7, 9, k, KH, KW, sh, sw, pt, pb, pl, pr), 0);
                    ck_assert_int_eq(correlate2d(b, x, 7, 9, kf, KH, KW, sh, sw, pt, pb, pl, pr), 0);
                    assert_close(a, b, (size_t)(oh * ow), 1e-6f,
                                 "2-D convolve vs correlate with rot180");
                }
            }
            /* and through the mode wrappers */
            for (int c = 0; c < 3; c++) {
                int oh, ow;
                ck_assert_int_eq(conv2d_border_size(&oh, &ow, 7, 9, KH, KW, modes[c], 2), 0);
                ck_assert_int_eq(convolve2d_border(a, x, 7, 9, k, KH, KW, modes[c], 2), 0);
                ck_assert_int_eq(correlate2d_border(b, x, 7, 9, kf, KH, KW, modes[c], 2), 0);
                assert_close(a, b, (size_t)(oh * ow), 1e-6f, conv_border_name(modes[c]));
            }
        }
    }
}
END_TEST

START_TEST(multi_channel)
{
    /* x (3,6,7), k (2,3,3,2), out (2,OH,OW). Two checks per setting:
     * the multi-channel result is the sum over input channels of the
     * one-channel results, and convolve == correlate with every (o, c)
     * kernel rotated by 180 degrees. */
    enum { C = 3, H = 6, W = 7, OC = 2, KH = 3, KW = 2 };
    static const int strides[][2] = { { 1, 1 }, { 2, 3 } };
    Rng r;
    rng_seed(&r, 3, 1);
    float x[C * H * W], k[OC * C * KH * KW], kf[OC * C * KH * KW];
    float a[MAXN], b[MAXN], sum[MAXN], one[MAXN];
    fill_random(&r, x, C * H * W);
    fill_random(&r, k, OC * C * KH * KW);
    for (int i = 0; i < OC * C; i++) kernel_rot180(kf + i * KH * KW, k + i * KH * KW, KH, KW);
    for (int st = 0; st < 2; st++) {
        int sh = strides[st][0], sw = strides[st][1];
        for (int c = 0; c < 4; c++) {
            int pt = 1, pb = 0, pl = 2, pr = 1; /* c == 3: explicit asymmetric padding */
            if (c < 3) {
                ck_assert_int_eq(conv_border_pads(modes[c], KH, &pt, &pb), 0);
                ck_assert_int_eq(conv_border_pads(modes[c], KW, &pl, &pr), 0);
            }
            int oh = conv_out_size(H, KH, sh, pt, pb), ow = conv_out_size(W, KW, sw, pl, pr);
            int plane = oh * ow;
            ck_assert(oh > 0 && ow > 0 && OC * plane <= MAXN);
            ck_assert_int_eq(convolve2d_multi(a, x, C, H, W, k, OC, KH, KW, sh, sw, pt, pb, pl, pr), 0);
            ck_assert_int_eq(correlate2d_multi(b, x, C, H, W, kf, OC, KH, KW, sh, sw, pt, pb, pl, pr), 0);
            assert_close(a, b, (size_t)(OC * plane), 1e-6f, "multi convolve vs correlate rot180");

            ck_assert_int_eq(correlate2d_multi(a, x, C, H, W, k, OC, KH, KW, sh, sw, pt, pb, pl, pr), 0);
            for (int o = 0; o < OC; o++) {
                for (int i = 0; i < plane; i++) sum[i] = 0.0f;
                for (int ci = 0; ci < C; ci++) {
                    const float *kc = k + (o * C + ci) * KH * KW;
                    ck_assert_int_eq(correlate2d(one, x + ci * H * W, H, W, kc, KH, KW, sh, sw,
                                                 pt, pb, pl, pr), 0);
                    for (int i = 0; i < plane; i++) sum[i] += one[i];
                }
                assert_close(a + o * plane, sum, (size_t)plane, 1e-5f,
                             "multi = sum over channels of 2-D");
            }
        }
    }
}
END_TEST

START_TEST(convolution_commutes_and_associates)
{
    /* Full-mode true convolution is the product of polynomials in two
     * variables, so f*g = g*f and (f*g)*h = f*(g*h), whatever the sizes. */
    Rng r;
    rng_seed(&r, 4, 1);
    float f[4 * 6], g[3 * 2], h[2 * 4];
    fill_random(&r, f, 4 * 6);
    fill_random(&r, g, 3 * 2);
    fill_random(&r, h, 2 * 4);
    float fg[6 * 7], gf[6 * 7];
    ck_assert_int_eq(convolve2d_border(fg, f, 4, 6, g, 3, 2, CONV_BORDER_FULL, 1), 0);
    ck_assert_int_eq(convolve2d_border(gf, g, 3, 2, f, 4, 6, CONV_BORDER_FULL, 1), 0);
    assert_close(fg, gf, 6 * 7, 1e-5f, "f*g = g*f");

    /* (f*g)*h: (6,7) * (2,4) -> (7,10);  g*h: (4,5);  f*(g*h): (4,6) * (4,5) -> (7,10) */
    float fg_h[7 * 10], gh[4 * 5], f_gh[7 * 10];
    ck_assert_int_eq(convolve2d_border(fg_h, fg, 6, 7, h, 2, 4, CONV_BORDER_FULL, 1), 0);
    ck_assert_int_eq(convolve2d_border(gh, g, 3, 2, h, 2, 4, CONV_BORDER_FULL, 1), 0);
    ck_assert_int_eq(convolve2d_border(f_gh, f, 4, 6, gh, 4, 5, CONV_BORDER_FULL, 1), 0);
    assert_close(fg_h, f_gh, 7 * 10, 1e-5f, "(f*g)*h = f*(g*h)");

    /* 1-D as well */
    float u[5], v[3], uv[7], vu[7];
    fill_random(&r, u, 5);
    fill_random(&r, v, 3);
    ck_assert_int_eq(convolve1d(uv, u, 5, v, 3, 1, 2, 2), 0);
    ck_assert_int_eq(convolve1d(vu, v, 3, u, 5, 1, 4, 4), 0);
    assert_close(uv, vu, 7, 1e-6f, "1-D u*v = v*u");
}
END_TEST

START_TEST(correlation_does_not_commute)
{
    /* f ⋆ g and g ⋆ f differ: swapping the arguments mirrors the result,
     * (g ⋆ f)[t] = (f ⋆ g)[-t], i.e. rot180 of the full map. */
    Rng r;
    rng_seed(&r, 5, 1);
    float f[4 * 6], g[3 * 2];
    fill_random(&r, f, 4 * 6);
    fill_random(&r, g, 3 * 2);
    float fg[6 * 7], gf[6 * 7], mirrored[6 * 7];
    ck_assert_int_eq(correlate2d_border(fg, f, 4, 6, g, 3, 2, CONV_BORDER_FULL, 1), 0);
    ck_assert_int_eq(correlate2d_border(gf, g, 3, 2, f, 4, 6, CONV_BORDER_FULL, 1), 0);
    size_t at;
    float d = cn_max_abs_diff(fg, gf, 6 * 7, &at);
    ck_assert_msg(d > 0.5f, "f ⋆ g and g ⋆ f differ by only %g (at %zu)", d, at);
    kernel_rot180(mirrored, fg, 6, 7);
    assert_close(gf, mirrored, 6 * 7, 1e-5f, "g ⋆ f = rot180(f ⋆ g)");
}
END_TEST

Suite *conv_suite(void)
{
    Suite *s = suite_create("conv");
    TCase *tc = tcase_create("sizes");
    tcase_add_test(tc, out_size_formula);
    tcase_add_test(tc, out_size_rejects);
    tcase_add_test(tc, mode_pads_and_sizes);
    suite_add_tcase(s, tc);
    tc = tcase_create("golden");
    tcase_add_test(tc, golden_2x2_kernel);
    tcase_add_test(tc, golden_1d);
    tcase_add_test(tc, golden_2d_stride_pad_nonsquare);
    tcase_add_test(tc, golden_seed_kernels);
    tcase_add_test(tc, identity_and_constants);
    tcase_add_test(tc, seed_symbolic_example);
    suite_add_tcase(s, tc);
    tc = tcase_create("properties");
    tcase_add_test(tc, flip_identity_1d);
    tcase_add_test(tc, flip_identity_2d);
    tcase_add_test(tc, multi_channel);
    tcase_add_test(tc, convolution_commutes_and_associates);
    tcase_add_test(tc, correlation_does_not_commute);
    suite_add_tcase(s, tc);
    return s;
}
