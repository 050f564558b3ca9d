/* pool.h - max pooling and average pooling (MaxPool2d, AvgPool2d).
 *
 * Input x (B, C, H, W), output y (B, C, OH, OW), each channel on its own.
 * Window KH x KW, stride (sh, sw), padding pt/pb (top/bottom) and pl/pr
 * (left/right). Output pixel (oy, ox) looks at the window whose corner is
 * input pixel (oy*sh - pt, ox*sw - pl):
 *
 *   max   y[n,c,oy,ox] = max  over the window pixels inside the input
 *   avg   y[n,c,oy,ox] = (1 / (KH*KW)) * sum over the window pixels inside
 *                        the input
 *
 * Sizes: OH = conv_out_size(H, KH, sh, pt, pb), OW likewise (core/conv.h),
 * i.e. floor((H + pt + pb - KH) / sh) + 1: a window that would run past the
 * padded input is dropped, never clipped (PyTorch's ceil_mode=False). A 7x7
 * input with 3x3 windows at stride 2 gives 3x3 outputs whose windows (at 0,
 * 2, 4) overlap by one pixel and cover every pixel (AlexNet's overlapping
 * pooling); an 8x8 input also gives 3x3, and its last row and column are
 * never read.
 *
 * Padding: each side must be smaller than the window on that axis, so every
 * window holds at least one input pixel. Max pooling ignores padded pixels
 * (as if they were -infinity); average pooling counts them as zeros and
 * always divides by the full window size KH*KW (PyTorch's
 * count_include_pad=True).
 *
 * Ties in max pooling: the FIRST maximum in row-major window order (top row
 * first, left to right) is the argmax and receives the whole gradient, as in
 * PyTorch. A NaN counts as larger than any number (the first NaN wins), so
 * NaN propagates. Max pooling remembers the argmax of every output (its
 * index iy*W + ix in the input plane) in scratch sized by layer_reserve.
 */
#ifndef CN_POOL_H
#define CN_POOL_H

#include <stdint.h>

#include "core/layer.h"

typedef struct {
    int kh, kw;                /* window >= 1 */
    int stride_h, stride_w;    /* >= 1 */
    int pad_top, pad_bottom;   /* 0 <= pad < kh */
    int pad_left, pad_right;   /* 0 <= pad < kw */
} Pool2dConfig;

typedef struct {
    Layer base;
    Pool2dConfig cfg;
    int32_t *argmax;           /* (reserved, C, OH, OW) argmax indices of the last forward */
} MaxPool2d;

typedef struct {
    Layer base;
    Pool2dConfig cfg;
} AvgPool2d;

/* --- kernels ----------------------------------------------------------------
 * Sizes must be consistent (OH, OW as above; checked by the layers' setup).
 * Arrays must not overlap. */

/* inp (B,C,H,W), out (B,C,OH,OW), argmax (B,C,OH,OW) or NULL (not stored) */
void maxpool2d_forward(float *out, int32_t *argmax, const float *inp, int B, int C, int H, int W,
                       int OH, int OW, int KH, int KW, int sh, int sw, int pt, int pl);

/* dout (B,C,OH,OW) -> dinp (B,C,H,W) +=: dinp[argmax] += dout per output.
 * argmax from the forward on inp, or NULL: then the maxima are found again
 * in inp (B,C,H,W), by the same rule. */
void maxpool2d_backward(float *dinp, const float *dout, const int32_t *argmax, const float *inp,
                        int B, int C, int H, int W, int OH, int OW, int KH, int KW, int sh, int sw,
                        int pt, int pl);

/* inp (B,C,H,W), out (B,C,OH,OW) */
void avgpool2d_forward(float *out, const float *inp, int B, int C, int H, int W, int OH, int OW,
                       int KH, int KW, int sh, int sw, int pt, int pl);

/* dout (B,C,OH,OW) -> dinp (B,C,H,W) +=: each window pixel inside the input
 * gets dout / (KH*KW). */
void avgpool2d_backward(float *dinp, const float *dout, int B, int C, int H, int W, int OH, int OW,
                        int KH, int KW, int sh, int sw, int pt, int pl);

/* --- the layers ---------------------------------------------------------------- */

/* k x k window, the same stride and padding on both axes and all sides.
 * NULL with a message on bad arguments. */
Layer *maxpool2d_create(int k, int stride, int pad);
Layer *avgpool2d_create(int k, int stride, int pad);
/* Every option. */
Layer *maxpool2d_create_cfg(const Pool2dConfig *cfg);
Layer *avgpool2d_create_cfg(const Pool2dConfig *cfg);

#endif
