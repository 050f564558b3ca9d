/* conv.h - cross-correlation and true convolution, 1-D, 2-D and multi-channel.
 *
 * Two operations, each with its own loop nest (they never call each other
 * through a flipped copy of the kernel). For a 1-D input x of length n, a
 * kernel k of length K, stride s and zero padding p before the input:
 *
 *   cross-correlation   y[i] = sum_m x[i*s - p + m] * k[m]
 *   true convolution    y[i] = sum_m x[i*s - p + m] * k[K-1-m]
 *
 * The window of input pixels is the same; convolution walks the kernel
 * backwards (flipped; in 2-D flipped in both axes, i.e. rotated by 180
 * degrees). So convolve(x, k) == correlate(x, rot180(k)), and for a kernel
 * that is symmetric under rot180 the two agree. With stride 1 and full
 * padding (p = K-1) the convolution is the textbook sum
 * (x * k)[t] = sum_m x[t - m] * k[m], the discrete form of
 * (f * g)(t) = integral f(tau) g(t - tau) dtau; it commutes and associates.
 * Correlation, (f ⋆ g)(t) = integral f(tau) g(t + tau) dtau, does neither.
 * What deep-learning libraries call "convolution" is cross-correlation.
 *
 * Zero padding is never materialised: each loop clips its kernel range to
 * the taps that land inside the input, which is the same as reading zeros
 * outside it. Layout is row-major (core/tensor.h): a 2-D map (H, W) has
 * element (h, w) at h*W + w; a kernel bank (OC, C, KH, KW) likewise.
 *
 * Every function here checks its arguments and returns 0, or -1 with
 * cn_last_error() set (core/error.h). They never allocate. `out` must not
 * overlap the input or the kernel.
 */
#ifndef CN_CONV_H
#define CN_CONV_H

/* --- output size and border modes ----------------------------------------- */

/* Output length along one axis, the one formula every layer uses:
 *
 *     out = floor((in + pad_before + pad_after - k) / stride) + 1
 *
 * The last (in + pb + pa - k) mod stride padded pixels are never visited
 * when the stride does not divide evenly (in 8, k 3, stride 2 -> 3).
 * Returns out >= 1, or -1 with a message when in, k or stride is below 1, a
 * padding is negative, or the kernel is larger than the padded input. */
int conv_out_size(int in, int k, int stride, int pad_before, int pad_after);

/* Border modes, named as in scipy.signal.correlate2d / convolve2d:
 *   CONV_BORDER_VALID  no padding: only windows fully inside the input
 *               (out = in - k + 1 at stride 1);
 *   CONV_BORDER_SAME   total padding k-1 split as (k-1)/2 before and k/2 after, so
 *               at stride 1 out = in, and at stride s out = ceil(in / s);
 *   CONV_BORDER_FULL   k-1 on each side: every window that overlaps the input at
 *               all (out = in + k - 1 at stride 1).
 * For an even kernel SAME cannot be centred: the extra pixel of padding goes
 * after the input (k = 4: 1 before, 2 after), as PyTorch's and TensorFlow's
 * padding='same' do at stride 1. (At stride > 1 TensorFlow trims the total
 * padding below k-1; the output size is ceil(in / s) either way, the windows
 * shift.) Both operations use the same padding, so convolve == correlate
 * with rot180(k) holds in every mode, even kernels included. */
typedef enum { CONV_BORDER_VALID, CONV_BORDER_SAME, CONV_BORDER_FULL } ConvBorder;

/* "valid", "same", "full" (or "unknown"). */
const char *conv_border_name(ConvBorder mode);

/* Padding for a border mode and a kernel size k >= 1. 0 or -1. */
int conv_border_pads(ConvBorder mode, int k, int *pad_before, int *pad_after);

/* Output height and width of a 2-D operation in a border mode, the same
 * stride on both axes. 0 or -1. */
int conv2d_border_size(int *out_h, int *out_w, int H, int W, int KH, int KW, ConvBorder mode,
                       int stride);

/* Which operation: cross-correlation or true convolution (the kernel read
 * backwards). ConvBorder above is the border, a different thing. */
typedef enum { CONV_OP_CORRELATE, CONV_OP_CONVOLVE } ConvOp;

/* --- one window ------------------------------------------------------------ */

/* Taps m in [*lo, *hi) of a k-wide window starting at input position `start`
 * (possibly negative) land inside an input of length n; the others would
 * multiply padding zeros. Empty ([0, 0)) when none do. */
void conv_clip(int start, int k, int n, int *lo, int *hi);

/* acc plus the products of one window, x (H,W) and k (KH,KW), window corner
 * at input pixel (r0, c0):
 *   CORRELATE  acc + sum_{m,n} x[r0 + m][c0 + n] * k[m][n]
 *   CONVOLVE   acc + sum_{m,n} x[r0 + m][c0 + n] * k[KH-1-m][KW-1-n]
 * over the taps inside the input (conv_clip), added to acc one at a time,
 * m then n in increasing order. Every 2-D loop nest here and the reference
 * loops of the convolution layer (core/conv_layer.c) compute their outputs
 * with it. No argument checks: the caller's sizes must be right. */
float conv2d_window(float acc, const float *x, int H, int W, const float *k, int KH, int KW, int r0,
                    int c0, ConvOp op);

/* --- 1-D ------------------------------------------------------------------ */

/* x (n), k (kn), out (conv_out_size(n, kn, stride, pad_before, pad_after)) */
int correlate1d(float *out, const float *x, int n, const float *k, int kn, int stride,
                int pad_before, int pad_after);
int convolve1d(float *out, const float *x, int n, const float *k, int kn, int stride,
               int pad_before, int pad_after);

/* --- 2-D, one channel ----------------------------------------------------- */

/* x (H,W), k (KH,KW), out (OH,OW) with OH = conv_out_size(H, KH, stride_h,
 * pad_top, pad_bottom) and OW = conv_out_size(W, KW, stride_w, pad_left,
 * pad_right). Kernels need not be square. */
int correlate2d(float *out, const float *x, int H, int W, const float *k, int KH, int KW,
                int stride_h, int stride_w, int pad_top, int pad_bottom, int pad_left,
                int pad_right);
int convolve2d(float *out, const float *x, int H, int W, const float *k, int KH, int KW,
               int stride_h, int stride_w, int pad_top, int pad_bottom, int pad_left,
               int pad_right);

/* The same with the padding of a border mode and one stride for both axes;
 * out (OH,OW) from conv2d_border_size. */
int correlate2d_border(float *out, const float *x, int H, int W, const float *k, int KH, int KW,
                       ConvBorder mode, int stride);
int convolve2d_border(float *out, const float *x, int H, int W, const float *k, int KH, int KW,
                      ConvBorder mode, int stride);

/* --- 2-D, many channels --------------------------------------------------- */

/* x (C,H,W), k (OC,C,KH,KW), out (OC,OH,OW); sizes as in correlate2d.
 * Output channel o is the sum over input channels c of the 2-D operation of
 * x[c] with k[o][c]: the forward pass of a convolution layer without bias. */
int correlate2d_multi(float *out, const float *x, int C, int H, int W, const float *k, int OC,
                      int KH, int KW, int stride_h, int stride_w, int pad_top, int pad_bottom,
                      int pad_left, int pad_right);
int convolve2d_multi(float *out, const float *x, int C, int H, int W, const float *k, int OC,
                     int KH, int KW, int stride_h, int stride_w, int pad_top, int pad_bottom,
                     int pad_left, int pad_right);

#endif
