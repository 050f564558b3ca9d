/* conv.c - cross-correlation and true convolution as naive loop nests (conv.h).
 *
 * Each operation has two loop nests, one per kernel direction: the only
 * difference is the kernel index in the innermost line, k[m] versus
 * k[K-1-m]. Read them side by side (correlate1d / convolve1d, and the two
 * halves of conv2d_window).
 *
 * Loop order: one output pixel at a time, then (with several channels) the
 * input channels, then the kernel rows, then the kernel columns innermost,
 * so the innermost loop walks one contiguous row of the input and one
 * contiguous row of the kernel (forwards for correlation, backwards for
 * convolution). The convolution layer's reference loops
 * (core/conv_layer.c) compute their outputs with the same conv2d_window.
 *
 * Padding is handled by clipping: a window starting at input position
 * `start` (possibly negative) uses only the taps m in [lo, hi) for which
 * start + m lies in [0, n); the skipped taps would have multiplied a zero.
 */
#include "core/conv.h"

#include <limits.h>
#include <stddef.h>
#include <stdio.h>

#include "core/error.h"

/* --- output size and border modes ----------------------------------------- */

int conv_out_size(int in, int k, int stride, int pad_before, int pad_after)
{
    if (in < 1 || k < 1 || stride < 1)
        return cn_fail("conv_out_size: input %d, kernel %d and stride %d must all be >= 1", in, k,
                       stride);
    if (pad_before < 0 || pad_after < 0)
        return cn_fail("conv_out_size: padding (%d, %d) must be >= 0", pad_before, pad_after);
    long long padded = (long long)in + pad_before + pad_after;
    if (padded > INT_MAX)
        return cn_fail("conv_out_size: padded input %lld is too large", padded);
    if (k > padded)
        return cn_fail("conv_out_size: kernel %d is larger than the padded input %d + %d + %d = "
                       "%lld; pad more, use a smaller kernel or a larger input",
                       k, pad_before, in, pad_after, padded);
    return (int)((padded - k) / stride) + 1;
}

const char *conv_border_name(ConvBorder mode)
{
    switch (mode) {
    case CONV_BORDER_VALID: return "valid";
    case CONV_BORDER_SAME: return "same";
    case CONV_BORDER_FULL: return "full";
    }
    return "unknown";
}

int conv_border_pads(ConvBorder mode, int k, int *pad_before, int *pad_after)
{
    if (k < 1) return cn_fail("conv_border_pads: kernel size %d must be >= 1", k);
    switch (mode) {
    case CONV_BORDER_VALID: *pad_before = 0; *pad_after = 0; return 0;
    case CONV_BORDER_SAME: *pad_before = (k - 1) / 2; *pad_after = k / 2; return 0;
    case CONV_BORDER_FULL: *pad_before = k - 1; *pad_after = k - 1; return 0;
    }
    return cn_fail("conv_border_pads: unknown border mode %d (use CONV_BORDER_VALID, CONV_BORDER_SAME or "
                   "CONV_BORDER_FULL)", (int)mode);
}

int conv2d_border_size(int *out_h, int *out_w, int H, int W, int KH, int KW, ConvBorder mode,
                       int stride)
{
    int pt = 0, pb = 0, pl = 0, pr = 0;
    if (conv_border_pads(mode, KH, &pt, &pb) || conv_border_pads(mode, KW, &pl, &pr)) return -1;
    int oh = conv_out_size(H, KH, stride, pt, pb);
    if (oh < 0) return -1;
    int ow = conv_out_size(W, KW, stride, pl, pr);
    if (ow < 0) return -1;
    *out_h = oh;
    *out_w = ow;
    return 0;
}

/* --- shared helpers --------------------------------------------------------- */

void conv_clip(int start, int k, int n, int *lo, int *hi)
{
    *lo = start < 0 ? -start : 0;
    *hi = n - start < k ? n - start : k;
    if (*hi < *lo) *lo = *hi = 0;
}

/* The one 2-D loop nest: kernel rows, then kernel columns innermost, so the
 * innermost loop walks one contiguous row of the input and one of the kernel
 * (forwards for correlation, backwards for convolution). */
float conv2d_window(float acc, const float *x, int H, int W, const float *k, int KH, int KW, int r0,
                    int c0, ConvOp op)
{
    int mlo, mhi, nlo, nhi;
    conv_clip(r0, KH, H, &mlo, &mhi);
    conv_clip(c0, KW, W, &nlo, &nhi);
    if (op == CONV_OP_CONVOLVE) {
        for (int m = mlo; m < mhi; m++)
            for (int n = nlo; n < nhi; n++)
                acc += x[(size_t)(r0 + m) * W + (c0 + n)] * k[(size_t)(KH - 1 - m) * KW + (KW - 1 - n)];
    } else {
        for (int m = mlo; m < mhi; m++)
            for (int n = nlo; n < nhi; n++)
                acc += x[(size_t)(r0 + m) * W + (c0 + n)] * k[(size_t)m * KW + n];
    }
    return acc;
}

static int check_ptrs(const char *fn, const float *out, const float *x, const float *k)
{
    if (!out || !x || !k) return cn_fail("%s: out, input and kernel must not be NULL", fn);
    return 0;
}

/* Prefix the message left by a failed call with the caller's name. The old
 * message is copied first: cn_fail writes into the buffer it lives in. */
static int fail_in(const char *fn, const char *what)
{
    char msg[512];
    snprintf(msg, sizeof msg, "%s", cn_last_error());
    return cn_fail("%s: %s%s", fn, what, msg);
}

/* a*b*c*d fits in a size_t. */
static int fits(size_t a, size_t b, size_t c, size_t d)
{
    size_t n;
    return !cn_mul_size(a, b, &n) && !cn_mul_size(n, c, &n) && !cn_mul_size(n, d, &n);
}

/* Output height and width of a 2-D operation, or -1 (message set) if a size
 * is invalid or an array (C,H,W), (OC,C,KH,KW) or (OC,OH,OW) could not be
 * indexed with a size_t. */
static int sizes2d(const char *fn, int *oh, int *ow, int C, int H, int W, int OC, int KH, int KW,
                   int sh, int sw, int pt, int pb, int pl, int pr)
{
    if (C < 1 || OC < 1) return cn_fail("%s: channels %d -> %d must be >= 1", fn, C, OC);
    *oh = conv_out_size(H, KH, sh, pt, pb);
    if (*oh < 0) return fail_in(fn, "height: ");
    *ow = conv_out_size(W, KW, sw, pl, pr);
    if (*ow < 0) return fail_in(fn, "width: ");
    if (!fits((size_t)C, (size_t)H, (size_t)W, 1) ||
        !fits((size_t)OC, (size_t)C, (size_t)KH, (size_t)KW) ||
        !fits((size_t)OC, (size_t)*oh, (size_t)*ow, 1))
        return cn_fail("%s: sizes (C %d, H %d, W %d, OC %d, KH %d, KW %d) are too large", fn, C,
                       H, W, OC, KH, KW);
    return 0;
}

/* --- 1-D ------------------------------------------------------------------ */

int correlate1d(float *out, const float *x, int n, const float *k, int kn, int stride,
                int pad_before, int pad_after)
{
    /* x (n), k (kn), out (on) */
    if (check_ptrs("correlate1d", out, x, k)) return -1;
    int on = conv_out_size(n, kn, stride, pad_before, pad_after);
    if (on < 0) return fail_in("correlate1d", "");
    /* y[i] = sum_m x[i*s - p + m] * k[m] */
    for (int i = 0; i < on; i++) {
        int start = i * stride - pad_before, lo, hi;
        conv_clip(start, kn, n, &lo, &hi);
        float sum = 0.0f;
        for (int m = lo; m < hi; m++) sum += x[start + m] * k[m];
        out[i] = sum;
    }
    return 0;
}

int convolve1d(float *out, const float *x, int n, const float *k, int kn, int stride,
               int pad_before, int pad_after)
{
    /* x (n), k (kn), out (on) */
    if (check_ptrs("convolve1d", out, x, k)) return -1;
    int on = conv_out_size(n, kn, stride, pad_before, pad_after);
    if (on < 0) return fail_in("convolve1d", "");
    /* y[i] = sum_m x[i*s - p + m] * k[K-1-m] */
    for (int i = 0; i < on; i++) {
        int start = i * stride - pad_before, lo, hi;
        conv_clip(start, kn, n, &lo, &hi);
        float sum = 0.0f;
        for (int m = lo; m < hi; m++) sum += x[start + m] * k[kn - 1 - m];
        out[i] = sum;
    }
    return 0;
}

/* --- 2-D ------------------------------------------------------------------ */

/* out[o][i][j] = sum_c window(x[c], k[o][c]) at corner (i*sh - pt, j*sw - pl):
 * x (C,H,W), k (OC,C,KH,KW), out (OC,OH,OW); one channel is C = OC = 1. The
 * loop order is the textbook one: one output pixel at a time, then the input
 * channels, then the kernel rows and columns (inside conv2d_window). */
static int run2d(const char *fn, float *out, const float *x, int C, int H, int W, const float *k,
                 int OC, int KH, int KW, int sh, int sw, int pt, int pb, int pl, int pr, ConvOp op)
{
    int OH, OW;
    if (check_ptrs(fn, out, x, k) ||
        sizes2d(fn, &OH, &OW, C, H, W, OC, KH, KW, sh, sw, pt, pb, pl, pr))
        return -1;
    for (int o = 0; o < OC; o++)
        for (int i = 0; i < OH; i++)
            for (int j = 0; j < OW; j++) {
                float sum = 0.0f;
                for (int c = 0; c < C; c++)
                    sum = conv2d_window(sum, x + (size_t)c * H * W, H, W,
                                        k + ((size_t)o * C + c) * KH * KW, KH, KW, i * sh - pt,
                                        j * sw - pl, op);
                out[((size_t)o * OH + i) * OW + j] = sum;
            }
    return 0;
}

int correlate2d(float *out, const float *x, int H, int W, const float *k, int KH, int KW,
                int stride_h, int stride_w, int pad_top, int pad_bottom, int pad_left,
                int pad_right)
{
    /* y[i][j] = sum_m sum_n x[i*sh - pt + m][j*sw - pl + n] * k[m][n] */
    return run2d("correlate2d", out, x, 1, H, W, k, 1, KH, KW, stride_h, stride_w, pad_top,
                 pad_bottom, pad_left, pad_right, CONV_OP_CORRELATE);
}

int convolve2d(float *out, const float *x, int H, int W, const float *k, int KH, int KW,
               int stride_h, int stride_w, int pad_top, int pad_bottom, int pad_left,
               int pad_right)
{
    /* y[i][j] = sum_m sum_n x[i*sh - pt + m][j*sw - pl + n] * k[KH-1-m][KW-1-n] */
    return run2d("convolve2d", out, x, 1, H, W, k, 1, KH, KW, stride_h, stride_w, pad_top,
                 pad_bottom, pad_left, pad_right, CONV_OP_CONVOLVE);
}

int correlate2d_border(float *out, const float *x, int H, int W, const float *k, int KH, int KW,
                       ConvBorder mode, int stride)
{
    int pt = 0, pb = 0, pl = 0, pr = 0;
    if (conv_border_pads(mode, KH, &pt, &pb) || conv_border_pads(mode, KW, &pl, &pr)) return -1;
    return correlate2d(out, x, H, W, k, KH, KW, stride, stride, pt, pb, pl, pr);
}

int convolve2d_border(float *out, const float *x, int H, int W, const float *k, int KH, int KW,
                      ConvBorder mode, int stride)
{
    int pt = 0, pb = 0, pl = 0, pr = 0;
    if (conv_border_pads(mode, KH, &pt, &pb) || conv_border_pads(mode, KW, &pl, &pr)) return -1;
    return convolve2d(out, x, H, W, k, KH, KW, stride, stride, pt, pb, pl, pr);
}

/* Many channels: the same loops with the sum over input channels c between
 * the output pixel and the kernel rows. */

int correlate2d_multi(float *out, const float *x, int C, int H, int W, const float *k, int OC,
                      int KH, int KW, int stride_h, int stride_w, int pad_top, int pad_bottom,
                      int pad_left, int pad_right)
{
    /* y[o][i][j] = sum_c sum_m sum_n x[c][i*sh - pt + m][j*sw - pl + n] * k[o][c][m][n] */
    return run2d("correlate2d_multi", out, x, C, H, W, k, OC, KH, KW, stride_h, stride_w, pad_top,
                 pad_bottom, pad_left, pad_right, CONV_OP_CORRELATE);
}

int convolve2d_multi(float *out, const float *x, int C, int H, int W, const float *k, int OC,
                     int KH, int KW, int stride_h, int stride_w, int pad_top, int pad_bottom,
                     int pad_left, int pad_right)
{
    /* y[o][i][j] = sum_c sum_m sum_n x[c][i*sh - pt + m][j*sw - pl + n] * k[o][c][KH-1-m][KW-1-n] */
    return run2d("convolve2d_multi", out, x, C, H, W, k, OC, KH, KW, stride_h, stride_w, pad_top,
                 pad_bottom, pad_left, pad_right, CONV_OP_CONVOLVE);
}
