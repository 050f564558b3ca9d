/* exercise_fixtures.c - blank and wrong exercises for the checker's tests
 * (exercise_fixtures.h). */
#include "tests/exercise_fixtures.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* --- blanks: the body of every exercise file as shipped --------------------------- */

static void blank_conv1d(float *y, const float *x, int n, const float *k, int kn)
{
    (void)y, (void)x, (void)n, (void)k, (void)kn;
    exercise_not_written();
}
static void blank_conv1d_s(float *y, const float *x, int n, const float *k, int kn, int s, int p)
{
    (void)y, (void)x, (void)n, (void)k, (void)kn, (void)s, (void)p;
    exercise_not_written();
}
static void blank_conv2d(float *y, const float *x, int H, int W, const float *k, int KH, int KW)
{
    (void)y, (void)x, (void)H, (void)W, (void)k, (void)KH, (void)KW;
    exercise_not_written();
}
static void blank_conv2d_s(float *y, const float *x, int H, int W, const float *k, int KH, int KW, int s, int p)
{
    (void)y, (void)x, (void)H, (void)W, (void)k, (void)KH, (void)KW, (void)s, (void)p;
    exercise_not_written();
}
static void blank_pool(float *y, const float *x, int B, int C, int H, int W, int K, int s)
{
    (void)y, (void)x, (void)B, (void)C, (void)H, (void)W, (void)K, (void)s;
    exercise_not_written();
}
static void blank_maxb(float *dx, const float *dy, const float *x, int B, int C, int H, int W, int K, int s)
{
    (void)dx, (void)dy, (void)x, (void)B, (void)C, (void)H, (void)W, (void)K, (void)s;
    exercise_not_written();
}
static void blank_avgb(float *dx, const float *dy, int B, int C, int H, int W, int K, int s)
{
    (void)dx, (void)dy, (void)B, (void)C, (void)H, (void)W, (void)K, (void)s;
    exercise_not_written();
}
static void blank_sgd(float *w, float *v, const float *g, int n, float lr, float mu, float wd)
{
    (void)w, (void)v, (void)g, (void)n, (void)lr, (void)mu, (void)wd;
    exercise_not_written();
}
static void blank_convf(float *y, const float *x, const float *w, const float *b, int B, int C, int H, int W, int OC,
                        int K, int s, int p)
{
    (void)y, (void)x, (void)w, (void)b, (void)B, (void)C, (void)H, (void)W, (void)OC, (void)K, (void)s, (void)p;
    exercise_not_written();
}
static void blank_convb(float *dx, float *dw, float *db, const float *dy, const float *x, const float *w, int B, int C,
                        int H, int W, int OC, int K, int s, int p)
{
    (void)dx, (void)dw, (void)db, (void)dy, (void)x, (void)w, (void)B, (void)C, (void)H, (void)W, (void)OC, (void)K,
        (void)s, (void)p;
    exercise_not_written();
}
static void blank_densef(float *y, const float *x, const float *W, const float *b, int B, int IN, int OUT)
{
    (void)y, (void)x, (void)W, (void)b, (void)B, (void)IN, (void)OUT;
    exercise_not_written();
}
static void blank_denseb(float *dx, float *dW, float *db, const float *dy, const float *x, const float *W, int B,
                         int IN, int OUT)
{
    (void)dx, (void)dW, (void)db, (void)dy, (void)x, (void)W, (void)B, (void)IN, (void)OUT;
    exercise_not_written();
}
static void blank_act(float *dx, const float *dy, const float *y, int n)
{
    (void)dx, (void)dy, (void)y, (void)n;
    exercise_not_written();
}
static void blank_softmax(float *dz, const float *z, const unsigned char *labels, int B, int K)
{
    (void)dz, (void)z, (void)labels, (void)B, (void)K;
    exercise_not_written();
}

ExerciseSet blank_set(void)
{
    return (ExerciseSet){ blank_conv2d, blank_conv1d, blank_conv1d, blank_conv2d, blank_conv1d_s, blank_conv1d_s,
                          blank_pool, blank_maxb, blank_pool, blank_avgb, blank_sgd, blank_conv2d_s, blank_conv2d_s,
                          blank_convf, blank_convb, blank_densef, blank_denseb, blank_act, blank_softmax, blank_act };
}

/* --- wrong versions ---------------------------------------------------------------- */

void wrong_convolve1d_not_flipped(float *y, const float *x, int n, const float *k, int kn)
{
    ex_correlate1d(y, x, n, k, kn);
}

void wrong_correlate2d_flipped(float *y, const float *x, int H, int W, const float *k, int KH, int KW)
{
    ex_convolve2d(y, x, H, W, k, KH, KW);
}

void wrong_correlate1d_short(float *y, const float *x, int n, const float *k, int kn)
{
    if (n > kn) ex_correlate1d(y, x, n - 1, k, kn); /* the last output is never written */
}

void wrong_correlate2d_strided_wide(float *y, const float *x, int H, int W, const float *k, int KH, int KW, int stride,
                                    int pad)
{
    /* x with `stride` more columns of zeros: one more output column, the
     * others unchanged (they never reach the new columns but as padding) */
    const int W2 = W + stride;
    float *x2 = calloc((size_t)H * W2, sizeof(float));
    if (!x2) return;
    for (int r = 0; r < H; r++) memcpy(x2 + (size_t)r * W2, x + (size_t)r * W, (size_t)W * sizeof(float));
    ex_correlate2d_strided(y, x2, H, W2, k, KH, KW, stride, pad);
    free(x2);
}

void wrong_relu_backward_overwrites(float *dx, const float *dy, const float *y, int n)
{
    for (int i = 0; i < n; i++) dx[i] = y[i] > 0.0f ? dy[i] : 0.0f;
}

void wrong_conv_backward_overwrites(float *dx, float *dw, float *db, const float *dy, const float *x, const float *w,
                                    int B, int C, int H, int W, int OC, int K, int stride, int pad)
{
    memset(dw, 0, (size_t)OC * C * K * K * sizeof(float));
    ex_conv_backward(dx, dw, db, dy, x, w, B, C, H, W, OC, K, stride, pad);
}

void wrong_conv_backward_db_halved(float *dx, float *dw, float *db, const float *dy, const float *x, const float *w,
                                   int B, int C, int H, int W, int OC, int K, int stride, int pad)
{
    float *half = calloc((size_t)OC, sizeof(float));
    if (!half) return;
    ex_conv_backward(dx, dw, half, dy, x, w, B, C, H, W, OC, K, stride, pad);
    for (int o = 0; o < OC; o++) db[o] += 0.5f * half[o];
    free(half);
}

/* Max pooling's backward sending dy to the tied maxima: every one (last = 0)
 * or the last (last = 1). */
static void maxpool_backward_ties(float *dx, const float *dy, const float *x, int B, int C, int H, int W, int K,
                                  int stride, int last)
{
    const int OH = (H - K) / stride + 1, OW = (W - K) / stride + 1;
    for (int p = 0; p < B * C; p++)
        for (int i = 0; i < OH; i++)
            for (int j = 0; j < OW; j++) {
                const float *xp = x + p * H * W;
                float best = xp[i * stride * W + j * stride];
                int at = i * stride * W + j * stride;
                for (int m = 0; m < K; m++)
                    for (int n = 0; n < K; n++) {
                        const int a = (i * stride + m) * W + j * stride + n;
                        if (xp[a] > best || (last && xp[a] == best)) best = xp[a], at = a;
                    }
                const float d = dy[(p * OH + i) * OW + j];
                if (last) {
                    dx[p * H * W + at] += d;
                    continue;
                }
                for (int m = 0; m < K; m++)
                    for (int n = 0; n < K; n++) {
                        const int a = (i * stride + m) * W + j * stride + n;
                        if (xp[a] == best) dx[p * H * W + a] += d;
                    }
            }
}

void wrong_maxpool_backward_all_ties(float *dx, const float *dy, const float *x, int B, int C, int H, int W, int K,
                                     int stride)
{
    maxpool_backward_ties(dx, dy, x, B, C, H, W, K, stride, 0);
}

void wrong_maxpool_backward_last_tie(float *dx, const float *dy, const float *x, int B, int C, int H, int W, int K,
                                     int stride)
{
    maxpool_backward_ties(dx, dy, x, B, C, H, W, K, stride, 1);
}

void wrong_softmax_ce_grad_no_batch(float *dz, const float *z, const unsigned char *labels, int B, int K)
{
    for (int s = 0; s < B; s++) {
        float top = z[s * K];
        for (int k = 1; k < K; k++) top = fmaxf(top, z[s * K + k]);
        double sum = 0.0;
        for (int k = 0; k < K; k++) sum += exp((double)(z[s * K + k] - top));
        for (int k = 0; k < K; k++)
            dz[s * K + k] += (float)(exp((double)(z[s * K + k] - top)) / sum - (k == labels[s] ? 1.0 : 0.0));
    }
}

void wrong_scaled_tanh_backward_plain(float *dx, const float *dy, const float *y, int n)
{
    for (int i = 0; i < n; i++) dx[i] += dy[i] * (1.0f - y[i] * y[i]);
}

void crash_maxpool_forward(float *y, const float *x, int B, int C, int H, int W, int K, int stride)
{
    if (K == 3) {
        volatile float *nowhere = NULL;
        *nowhere = 1.0f;
    }
    ex_maxpool_forward(y, x, B, C, H, W, K, stride);
}

void endless_correlate1d(float *y, const float *x, int n, const float *k, int kn)
{
    volatile int stop = n != 7;
    while (!stop) (void)stop; /* each test of the volatile reads it again */
    ex_correlate1d(y, x, n, k, kn);
}
