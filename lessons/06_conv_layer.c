/* 06_conv_layer.c - lesson 06: from one filter to a layer.
 *
 * Lessons 01-05 slid one kernel over one gray picture. A convolution layer
 * of a network does three things more, and every network from lesson 07 on
 * relies on them: it uses the same few weights at every position (locality
 * and weight sharing: far fewer parameters than a dense layer, and a map
 * that shifts when the input shifts); it reads several input channels at
 * once and sums over them (a colour picture has three; a 1x1 convolution
 * only mixes them); and its stride and padding set the size of its output.
 * Every number is measured on the library's own layers.
 *
 *   build/lessons/06_conv_layer            the full lesson
 *   build/lessons/06_conv_layer --quick    a smaller picture (the same claims)
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/conv.h"
#include "core/conv_layer.h"
#include "core/dense.h"
#include "core/die.h"
#include "core/error.h"
#include "core/image.h"
#include "core/kernels.h"
#include "core/notebook.h"
#include "lessons/kit/arrays.h"
#include "lessons/kit/cli.h"
#include "lessons/kit/draw.h"
#include "lessons/kit/report.h"
#include "lessons/lesson.h"

#define LESSON_ID "06_conv_layer"
#define SHIFT_UNSET INT_MIN   /* --shift not given */
#define PANEL_CELL 44     /* cells of the stride pictures, in pixels, */
#define PANEL_TOP 30      /* under a title this tall */
#define MAXK 5            /* the largest kernel side --kernel takes */
#define TOL 1e-5         /* two sums of the same products in another order agree within this */

typedef struct {
    CnImage *rgb;        /* the colour picture, shrunk: (3, S, S) */
    CnImage *reader_gray; /* the same file read as gray by core/image.h's reader (stb_image), shrunk alike */
    float *gray;         /* its brightness (S, S), made by the 1x1 convolution of section 2 */
    int S;               /* side of the picture */
    int scale;           /* each pixel drawn as scale x scale */
    const char *name;    /* what the picture is, for the text */
    int own;             /* 1: the learner's --image, 0: the lesson's photograph */
} Picture;

/* The sections of the lesson, in the order main() tells them. */
static void one_kernel_at_every_position(Notebook *nb, const Picture *p, const CnKernel *k);
static void what_sharing_saves(Notebook *nb);
static void shift_the_input_the_map_shifts(Notebook *nb, const Picture *p, const CnKernel *k, int shift);
static void three_input_channels(Notebook *nb, const Picture *p);
static void a_1x1_convolution_mixes_channels(Notebook *nb, const Picture *p);
static void one_filter_over_three_channels(Notebook *nb, const Picture *p);
static void the_parameters_of_a_layer(Notebook *nb);
static void stride_and_padding(Notebook *nb, const Picture *p, const CnKernel *k);
static void try_it_yourself(Notebook *nb);
static void read_flags(int argc, char **argv, int *quick, const char **image, const char **kernel, int *shift);
static Picture load_picture(const char *image, int quick);

int main(int argc, char **argv)
{
    int quick = 0, shift = 0;
    const char *image = NULL, *kernel_name = NULL;
    read_flags(argc, argv, &quick, &image, &kernel_name, &shift);
    const CnKernel *k = kernel_find(kernel_name);
    if (!k) {
        fprintf(stderr, "--kernel %s: %s (e.g. --kernel sobel_y)\n", kernel_name, cn_last_error());
        return 2;
    }
    if (k->h != k->w || k->h % 2 == 0 || k->h > MAXK) {
        fprintf(stderr, "--kernel %s: the lesson takes square kernels of odd side up to %d, this one is %dx%d\n",
                kernel_name, MAXK, k->h, k->w);
        return 2;
    }
    Picture p = load_picture(image, quick);

    Notebook *nb = nb_open(LESSON_ID, "Lesson 06 — From one filter to a layer");
    CN_CHECK(nb);
    one_kernel_at_every_position(nb, &p, k);
    what_sharing_saves(nb);
    shift_the_input_the_map_shifts(nb, &p, k, shift);
    three_input_channels(nb, &p);
    a_1x1_convolution_mixes_channels(nb, &p);
    one_filter_over_three_channels(nb, &p);
    the_parameters_of_a_layer(nb);
    stride_and_padding(nb, &p, k);
    try_it_yourself(nb);

    image_free(p.rgb);
    image_free(p.reader_gray);
    free(p.gray);
    return lesson_end(nb);
}

/* Helpers, defined after the sections. */
static Layer *conv_layer(int cin, int side, int cout, int k, int stride, int pad);
static void set_weights(Layer *l, const float *w, float bias);
static void shift_map(float *out, const float *in, int S, int d);
static double max_diff_in(const float *a, const float *b, int S, int lo, int hi, int inside);
static float *luma_of(const CnImage *rgb, const Picture *p);
static void add_picture(Sheet *sh, const Picture *p, const float *data, int c, const char *label);
static int stride_panel(CnImage *im, int x0, int y0, int in, int k, int s, int p, int *last);

/* Rec. 601 luma: the brightness of a colour pixel, as television and most
 * image libraries weigh red, green and blue. */
static const float LUMA[3] = { 0.299f, 0.587f, 0.114f };
static const char *const CHANNEL[3] = { "red", "green", "blue" };

/* --- one kernel at every position ---------------------------------------------------- */

static void one_kernel_at_every_position(Notebook *nb, const Picture *p, const CnKernel *k)
{
    const int S = p->S, K = k->h, r = K / 2;
    nb_section(nb, "One kernel at every position");
    nb_para(nb, "Lesson 01 slid a kernel over a picture. A convolution layer does exactly that, and the two words "
                "that describe it are the reason networks for pictures are built from convolutions:\n"
                "- locality: each output pixel looks only at the %dx%d window around it, not at the whole picture;\n"
                "- weight sharing: every output pixel uses the same %d weights.\n"
                "Here a Conv2d layer of the library (1 input channel, 1 output map, %dx%d kernel, padding %d) is "
                "given the weights of %s (and bias b = 0) and run on the %dx%d picture.", K, K, K * K, K, K, r, k->title, S, S);
    nb_code(nb, "y[i][j] = b + Σ_m Σ_n  w[m][n] · x[i + m − p][j + n − p]      the same w and b for every (i, j)");
    Layer *l = conv_layer(1, S, 1, K, 1, r);
    set_weights(l, k->v, 0.0f);
    const size_t n = (size_t)S * S;
    float *y = xcalloc(n, sizeof *y), *hand = xcalloc(n, sizeof *hand);
    l->ops->forward(l, y, p->gray, 1);
    /* the same sum written out, one window at a time, with the one kernel */
    for (int i = 0; i < S; i++)
        for (int j = 0; j < S; j++) {
            double acc = 0.0;
            for (int m = 0; m < K; m++)
                for (int c = 0; c < K; c++) {
                    const int yy = i - r + m, xx = j - r + c;
                    if (yy >= 0 && yy < S && xx >= 0 && xx < S) acc += (double)k->v[m * K + c] * p->gray[yy * S + xx];
                }
            hand[i * S + j] = (float)acc;
        }
    double d = max_diff_in(y, hand, S, 0, S, 1);
    char buf[32];
    nb_check(nb, d < TOL, "the layer's map is the same %d weights applied at all %s positions: written out window "
             "by window, it differs from the layer's output by at most %.1e", K * K, commas(buf, (double)n), d);
    /* locality: change one pixel, see which outputs move */
    float *poked = xcalloc(n, sizeof *poked), *y2 = xcalloc(n, sizeof *y2), *dy = xcalloc(n, sizeof *dy);
    memcpy(poked, p->gray, n * sizeof *poked);
    const int pc = S / 2;
    poked[pc * S + pc] += 1.0f;
    l->ops->forward(l, y2, poked, 1);
    int changed = 0, outside = 0;
    for (int i = 0; i < S; i++)
        for (int j = 0; j < S; j++) {
            dy[i * S + j] = y2[i * S + j] - y[i * S + j];
            if (fabsf(dy[i * S + j]) > 1e-6f) {
                changed++;
                outside += abs(i - pc) > r || abs(j - pc) > r;
            }
        }
    int nonzero = 0;
    for (int j = 0; j < K * K; j++) nonzero += k->v[j] != 0.0f;
    nb_para(nb, "Locality, measured: pixel (%d, %d) of the picture is raised by 1 and the layer run again.", pc, pc);
    nb_check(nb, changed == nonzero && outside == 0,
             "%d output pixels change, all inside the %dx%d window around (%d, %d): one for each nonzero weight "
             "of the kernel (%d); the other %s outputs do not see that pixel", changed, K, K, pc, pc, nonzero,
             commas(buf, (double)(n - (size_t)changed)));
    float rot[MAXK * MAXK];
    kernel_rot180(rot, k->v, K, K);
    double e = 0.0;
    for (int m = 0; m < K; m++)
        for (int c = 0; c < K; c++) e = fmax(e, fabs((double)dy[(pc - r + m) * S + (pc - r + c)] - rot[m * K + c]));
    nb_check(nb, e < TOL, "the change around the pixel is the kernel turned by 180° (largest difference %.1e): the "
             "impulse response of a correlation, as in lesson 02", e);
    Sheet sh = { 0 };
    float lo, hi;
    const char *scale = map_gray_scale(y, n, &lo, &hi);
    const int z = p->scale, cw = 2 * K + 1, cs = S * z / cw;   /* a crop of cw x cw around the pixel */
    float crop[(2 * MAXK + 1) * (2 * MAXK + 1)];
    for (int i = 0; i < cw; i++)
        for (int j = 0; j < cw; j++) crop[i * cw + j] = dy[(pc - K + i) * S + (pc - K + j)];
    add_picture(&sh, p, p->gray, 1, "picture");
    sheet_add_map_lohi(&sh, y, S, S, z, lo, hi, k->name);
    sheet_add_map(&sh, crop, cw, cw, cs, 1.0, "one pixel +1: change");
    sheet_write(&sh, nb, "one_kernel.png", 3, 8, 2);
    char cap[512];
    snprintf(cap, sizeof cap, "the picture, its map through the layer with %s's weights (%s), and the change of "
             "the map when one pixel in the middle is raised by 1, a %dx%d crop around it (0 mid-gray): only a "
             "%dx%d block moves", k->name, scale, cw, cw, K, K);
    nb_image(nb, cap, "one_kernel.png");
    free(poked);
    free(y2);
    free(dy);
    free(y);
    free(hand);
    layer_free(l);
}

/* --- what sharing saves ----------------------------------------------------------------- */

static void what_sharing_saves(Notebook *nb)
{
    nb_section(nb, "What sharing saves: a conv layer against a dense layer");
    const int H = 28, OC = 6, K = 5;
    Layer *conv = conv_layer(1, H, OC, K, 1, K / 2);
    Layer *dense = dense_create(OC * H * H);
    CN_CHECK(dense && layer_setup(dense, (CnShape){ 1, H, H }) == 0);
    const size_t pc = layer_param_count(conv), pd = layer_param_count(dense);
    const size_t nout = (size_t)OC * H * H, nin = (size_t)H * H;
    const size_t plocal = nout * (size_t)(K * K + 1);   /* each output its own window weights and bias */
    char a[32], b[32], c[32];
    nb_para(nb, "Take a %dx%d picture (an MNIST digit) and ask for %d maps of %dx%d, as LeNet-5's first layer "
                "makes: %s output numbers. Three ways to compute them:", H, H, OC, H, H, commas(a, (double)nout));
    Tab t = tab_new(3, 5);
    tab_row(&t, 0, "dense\tall %zu inputs\t%s\t%s\tthe library's Dense", nin, commas(a, (double)pd),
            commas(b, dense->madds));
    tab_row(&t, 1, "local, not shared\tits %dx%d window, its own weights\t%s\t%s\tformula: %s x (%d + 1)", K, K,
            commas(a, (double)plocal), commas(b, (double)nout * K * K), commas(c, (double)nout), K * K);
    tab_row(&t, 2, "convolution\tits %dx%d window, the weights of its map\t%s\t%s\tthe library's Conv2d", K, K,
            commas(a, (double)pc), commas(b, conv->madds));
    const char *hdr[] = { "layer", "each output reads", "parameters", "multiply-adds", "counted by" };
    tab_show(nb, &t, hdr);
    nb_check(nb, pc == (size_t)(OC * K * K + OC) && pd == nout * nin + nout,
             "the library counts %s parameters for the conv layer (%d maps x %dx%d weights + %d biases) and %s for "
             "the dense one (%s x %zu weights + %s biases)", commas(a, (double)pc), OC, K, K, OC,
             commas(b, (double)pd), commas(c, (double)nout), nin, commas(c, (double)nout));
    nb_para(nb, "Locality alone divides the parameters by %.0f; sharing divides them again by %.0f, to %.4f%% of the "
                "dense layer's (1 in %s). The multiply-adds fall by locality only: every output still needs its "
                "own %d products: sharing saves parameters, not work. It is also a claim "
                "about pictures: what is worth detecting in one place (an edge, a stroke) is worth detecting "
                "everywhere.", (double)pd / (double)plocal, (double)plocal / (double)pc,
            100.0 * (double)pc / (double)pd, commas(c, (double)pd / (double)pc), K * K);
    layer_free(conv);
    layer_free(dense);
}

/* --- translation equivariance ------------------------------------------------------------ */

static void shift_the_input_the_map_shifts(Notebook *nb, const Picture *p, const CnKernel *k, int d)
{
    const int S = p->S, K = k->h, r = K / 2;
    const size_t n = (size_t)S * S;
    nb_section(nb, "Shift the input, the map shifts");
    nb_para(nb, "Because every position uses the same weights, moving the picture moves the map with it: "
                "filter-then-shift and shift-then-filter give the same result. This is translation "
                "equivariance (lesson 04's pooling then makes the answer nearly invariant to small shifts). "
                "The picture is shifted %d pixels right and %d down (the pixels that fall off are lost, the "
                "uncovered ones are 0):", d, d);
    Layer *l = conv_layer(1, S, 1, K, 1, r);
    set_weights(l, k->v, 0.0f);
    float *x2 = xcalloc(n, sizeof *x2), *y = xcalloc(n, sizeof *y), *y2 = xcalloc(n, sizeof *y2),
          *ys = xcalloc(n, sizeof *ys), *diff = xcalloc(n, sizeof *diff);
    shift_map(x2, p->gray, S, d);
    l->ops->forward(l, y, p->gray, 1);
    l->ops->forward(l, y2, x2, 1);
    shift_map(ys, y, S, d);
    for (size_t i = 0; i < n; i++) diff[i] = y2[i] - ys[i];
    /* inside: from the first row and column the shift kept (above them both maps read zeros, the
     * uncovered pixels and the padding) to the last whose window stays inside the picture */
    const double in = max_diff_in(y2, ys, S, d, S - r, 1), out = max_diff_in(y2, ys, S, d, S - r, 0);
    nb_check(nb, in < TOL, "away from the borders (rows and columns %d to %d) the map of the shifted picture equals "
             "the shifted map: largest difference %.1e%s", d, S - r - 1, in,
             in == 0.0 ? ", exactly 0: the same products added in the same order" : "");
    nb_para(nb, "Near the borders it does not hold (largest difference there %.3f, against %.3f for the largest "
                "value of the map). At the top and left, the shifted map is 0 over the %d uncovered rows and "
                "columns, while the filter run on the shifted picture responds, in the last %d of them, to the step "
                "where those zeros meet the picture. At the bottom and right, the windows of the last %d %s reach past the picture and read "
                "padding where the unshifted picture had pixels. A finite picture is equivariant only away from "
                "its edges.", out, abs_quantile(y, n, 1.0), d, r, r, r == 1 ? "row and column" : "rows and columns");
    Sheet sh = { 0 };
    const int z = p->scale;
    float lo, hi;
    const char *scale = map_gray_scale(y, n, &lo, &hi);
    add_picture(&sh, p, p->gray, 1, "picture");
    sheet_add_map_lohi(&sh, y, S, S, z, lo, hi, "its map");
    sheet_add_map_lohi(&sh, ys, S, S, z, lo, hi, "its map, shifted");
    add_picture(&sh, p, x2, 1, "picture, shifted");
    sheet_add_map_lohi(&sh, y2, S, S, z, lo, hi, "map of shifted picture");
    sheet_add_map(&sh, diff, S, S, z, 1.0, "difference");
    sheet_write(&sh, nb, "equivariance.png", 3, 8, 2);
    char cap[512];
    snprintf(cap, sizeof cap, "top: filter, then shift by (%d, %d); bottom: shift, then filter (the maps on one "
             "scale: %s); the last tile is the bottom map minus the top-right one, on its own scale: mid-gray (0) "
             "everywhere except a band along the borders", d, d, scale);
    nb_image(nb, cap, "equivariance.png");
    free(x2);
    free(y);
    free(y2);
    free(ys);
    free(diff);
    layer_free(l);
}

/* --- three input channels --------------------------------------------------------------- */

static void three_input_channels(Notebook *nb, const Picture *p)
{
    const int S = p->S;
    const size_t n = (size_t)S * S;
    nb_section(nb, "Three input channels");
    nb_para(nb, "So far the picture had one channel. %s has three, red, green and blue: a tensor of shape "
                "(3, %d, %d), three gray pictures stacked. After the first layer of a network there are as many "
                "channels as that layer has maps (6 after LeNet-5's first layer, 96 after AlexNet's), so every "
                "layer but the first reads many channels. A filter then has one %s slice per input channel, and "
                "the output is the sum over channels:", p->name, S, S, "k x k");
    nb_code(nb, "y[o][i][j] = b[o] + Σ_c Σ_m Σ_n  w[o][c][m][n] · x[c][i + m − p][j + n − p]\n"
                "           = b[o] + Σ_c  (w[o][c] ⋆ x[c])[i][j]        one 2-D correlation per channel, summed");
    Sheet sh = { 0 };
    add_picture(&sh, p, p->rgb->data, 3, "colour picture");
    char lab[32];
    for (int c = 0; c < 3; c++) {
        snprintf(lab, sizeof lab, "%s channel", CHANNEL[c]);
        add_picture(&sh, p, p->rgb->data + (size_t)c * n, 1, lab);
    }
    sheet_write(&sh, nb, "channels.png", 4, 8, 2);
    nb_image(nb, "the colour picture and its three channels, each a gray picture (0 black, 1 white)", "channels.png");
    double m[3];
    for (int c = 0; c < 3; c++) m[c] = mean_of(p->rgb->data + (size_t)c * n, n);
    int equal = 1;
    for (size_t i = 0; i < n && equal; i++)
        equal = p->rgb->data[i] == p->rgb->data[n + i] && p->rgb->data[i] == p->rgb->data[2 * n + i];
    if (equal)
        nb_para(nb, "This picture is gray: its three channels are equal (mean %.3f each), so the filters below that "
                    "compare colours have nothing to find in it.", m[0]);
    else if (!p->own)
        nb_para(nb, "Mean red %.3f, green %.3f, blue %.3f. Where a channel is light the picture holds much of that "
                    "colour: the orange suit is light in the red channel and dark in the blue one, the white shuttle "
                    "light in all three.", m[0], m[1], m[2]);
    else
        nb_para(nb, "Mean red %.3f, green %.3f, blue %.3f. Where a channel is light the picture holds much of that "
                    "colour.", m[0], m[1], m[2]);
}

/* --- 1x1 convolution ------------------------------------------------------------------------ */

static void a_1x1_convolution_mixes_channels(Notebook *nb, const Picture *p)
{
    const int S = p->S, z = p->scale;
    const size_t n = (size_t)S * S;
    nb_section(nb, "A 1x1 convolution mixes channels, pixel by pixel");
    nb_para(nb, "With a 1x1 kernel the window is one pixel: there is no neighbourhood left, only the sum over "
                "channels. Each output map is a weighted mix of the input channels at the same pixel. Two maps, "
                "from one layer with 3 inputs, 2 outputs and 1x1 kernels:\n"
                "- brightness (luma): 0.299 red + 0.587 green + 0.114 blue, the weights of television and of most "
                "image libraries; the gray picture of the sections above was made by this layer;\n"
                "- red − green: 1 red − 1 green + 0 blue, positive where a pixel is redder than it is green.");
    Layer *l = conv_layer(3, S, 2, 1, 1, 0);
    const float w[6] = { LUMA[0], LUMA[1], LUMA[2], 1.0f, -1.0f, 0.0f };
    set_weights(l, w, 0.0f);
    float *y = xcalloc(2 * n, sizeof *y), *hand = xcalloc(2 * n, sizeof *hand), *yd = xcalloc(2 * n, sizeof *yd);
    l->ops->forward(l, y, p->rgb->data, 1);
    for (size_t i = 0; i < n; i++)
        for (int o = 0; o < 2; o++)
            hand[(size_t)o * n + i] = w[3 * o] * p->rgb->data[i] + w[3 * o + 1] * p->rgb->data[n + i] +
                                      w[3 * o + 2] * p->rgb->data[2 * n + i];
    const double d = max_diff(y, hand, 2 * n, NULL);
    nb_check(nb, d < TOL && layer_param_count(l) == 8,
             "the layer's maps equal the mixes computed pixel by pixel (largest difference %.1e), from %zu "
             "parameters: 3 inputs x 2 outputs x 1x1 + 2 biases = 8", d, layer_param_count(l));
    /* the same as a dense layer 3 → 2 applied to every pixel's (r, g, b) */
    float *pix = xcalloc(3 * n, sizeof *pix), *out = xcalloc(2 * n, sizeof *out);
    for (size_t i = 0; i < n; i++)
        for (int c = 0; c < 3; c++) pix[3 * i + (size_t)c] = p->rgb->data[(size_t)c * n + i];
    const float bias[2] = { 0, 0 };
    dense_forward(out, pix, w, bias, (int)n, 3, 2);
    for (size_t i = 0; i < n; i++)
        for (int o = 0; o < 2; o++) yd[(size_t)o * n + i] = out[2 * i + (size_t)o];
    const double dd = max_diff(y, yd, 2 * n, NULL);
    char buf[32];
    nb_check(nb, dd < TOL, "a 1x1 convolution is a dense layer (3 → 2) applied to each pixel's (red, green, blue) "
             "with the same weights at every pixel: the library's dense_forward on the %s pixels gives the same "
             "maps (largest difference %.1e)", commas(buf, (double)n), dd);
    const double g = max_diff(y, p->gray, n, NULL);
    nb_check(nb, g < TOL, "its first map is the gray picture the sections above used (largest difference %.1e)", g);
    const double sg = max_diff(y, p->reader_gray->data, n, NULL);
    nb_check(nb, sg < 0.01, "the image reader the library uses (stb_image) makes gray the same way, with the weights "
             "77/256, 150/256 and 29/256 on 8-bit values: the same picture read as gray differs from this map by at "
             "most %.4f (%.2f of a level out of 255)", sg, 255.0 * sg);
    Sheet sh = { 0 };
    add_picture(&sh, p, p->rgb->data, 3, "colour picture");
    add_picture(&sh, p, y, 1, "luma (1x1 conv)");
    const float rg = abs_quantile(y + n, n, 1.0);
    sheet_add_map_range(&sh, y + n, S, S, z, rg, "red - green (1x1 conv)");
    sheet_write(&sh, nb, "one_by_one.png", 3, 8, 2);
    char cap[256];
    snprintf(cap, sizeof cap, "the two maps of the 1x1 convolution: luma (0 black, 1 white) and red − green (0 "
             "mid-gray, +%.2f white, −%.2f black)", (double)rg, (double)rg);
    nb_image(nb, cap, "one_by_one.png");
    nb_para(nb, "Networks use 1x1 convolutions to change the number of channels cheaply: ResNet-50's bottleneck "
                "blocks shrink 256 channels to 64 with one before their 3x3 convolution, and GoogLeNet's "
                "inception modules reduce channels the same way. C_in x C_out weights, no neighbourhood.");
    free(pix);
    free(out);
    free(y);
    free(yd);
    free(hand);
    layer_free(l);
}

/* --- one filter over three channels -------------------------------------------------------- */

static void one_filter_over_three_channels(Notebook *nb, const Picture *p)
{
    const int S = p->S, z = p->scale, K = 3;
    const size_t n = (size_t)S * S;
    nb_section(nb, "One filter over three channels");
    const CnKernel *sob = kernel_find("sobel_x");
    CN_CHECK(sob);
    float w[3 * 9];
    for (int j = 0; j < 9; j++) w[j] = sob->v[j], w[9 + j] = -sob->v[j], w[18 + j] = 0.0f;
    nb_para(nb, "One filter of a layer with 3 input channels: Sobel x on the red slice, −Sobel x on the green "
                "slice, zeros on the blue one. 3 x 3x3 = 27 weights and one bias:");
    nb_matrix(nb, "red slice", w, 3, 3, 0);
    nb_matrix(nb, "green slice", w + 9, 3, 3, 0);
    nb_matrix(nb, "blue slice", w + 18, 3, 3, 0);
    Layer *l = conv_layer(3, S, 1, K, 1, 1);
    set_weights(l, w, 0.0f);
    float *y = xcalloc(n, sizeof *y), *resp = xcalloc(4 * n, sizeof *resp);
    l->ops->forward(l, y, p->rgb->data, 1);
    for (int c = 0; c < 3; c++) {
        CN_CHECK(correlate2d_border(resp + (size_t)c * n, p->rgb->data + (size_t)c * n, S, S, w + 9 * c, K, K,
                                    CONV_BORDER_SAME, 1) == 0);
        for (size_t i = 0; i < n; i++) resp[3 * n + i] += resp[(size_t)c * n + i];
    }
    const double d = max_diff(y, resp + 3 * n, n, NULL);
    nb_check(nb, d < TOL, "the layer's output equals the sum of the three one-channel correlations of lesson 01 "
             "(each slice on its own channel, computed by correlate2d_border): largest difference %.1e", d);
    double e[4] = { 0 };
    for (int c = 0; c < 4; c++)
        for (size_t i = 0; i < n; i++) e[c] += (double)resp[(size_t)c * n + i] * resp[(size_t)c * n + i];
    const double ratio = e[0] > 0 ? e[3] / e[0] : 0.0;
    if (e[3] == 0.0)
        nb_para(nb, "In this picture red and green are equal everywhere (a gray picture), so the two responses "
                    "cancel exactly and the sum is 0: this filter sees only edges between colours.");
    else if (ratio < 0.5)
        nb_para(nb, "The sum holds %.0f%% of the energy (sum of squares) of the red response alone: where red and "
                    "green change together, at an edge of brightness, the two responses cancel. What is left are the "
                    "edges where red changes against green: colour edges%s. A filter on the gray picture cannot tell them from brightness edges, "
                    "and misses them where the two colours are equally bright.", 100.0 * ratio,
                p->own ? "" : ", such as the orange suit against the gray wall");
    else
        nb_para(nb, "The sum holds %.0f%% of the energy (sum of squares) of the red response alone: in this "
                    "picture red and green often change in opposite ways, and the responses add up rather than "
                    "cancel.", 100.0 * ratio);
    Sheet sh = { 0 };
    char lab[64];
    for (int c = 0; c < 3; c++) {
        snprintf(lab, sizeof lab, "%s channel", CHANNEL[c]);
        add_picture(&sh, p, p->rgb->data + (size_t)c * n, 1, lab);
    }
    add_picture(&sh, p, p->rgb->data, 3, "colour picture");
    for (int c = 0; c < 3; c++) {
        snprintf(lab, sizeof lab, "%s slice", CHANNEL[c]);
        sheet_add_map_range(&sh, w + 9 * c, K, K, S * z / (2 * K), 2.0f, lab);
    }
    const float a = abs_quantile(resp, 4 * n, 0.995);
    sheet_add_map_range(&sh, y, S, S, z, a, "layer output");
    for (int c = 0; c < 3; c++) {
        snprintf(lab, sizeof lab, "%s response", CHANNEL[c]);
        sheet_add_map_range(&sh, resp + (size_t)c * n, S, S, z, a, lab);
    }
    sheet_add_map_range(&sh, resp + 3 * n, S, S, z, a, "sum of the three");
    sheet_write(&sh, nb, "three_channel_filter.png", 4, 8, 2);
    nb_image(nb, "top: the input's three channels and the colour picture; middle: the filter's three slices (one "
                 "scale: −2 black, 0 mid-gray, +2 white) and the layer's output; bottom: each slice's response on "
                 "its own channel and their sum, all maps on one scale", "three_channel_filter.png");
    free(y);
    free(resp);
    layer_free(l);
}

/* --- the parameters of a layer --------------------------------------------------------------- */

static void the_parameters_of_a_layer(Notebook *nb)
{
    nb_section(nb, "How many parameters a conv layer has");
    nb_para(nb, "Each of the C_out filters has C_in slices of k x k weights, and each output map has one bias:");
    nb_code(nb, "parameters = C_in · C_out · k · k + C_out");
    nb_para(nb, "It does not depend on the size of the picture. Counted by that formula and by the library's "
                "layers:");
    static const struct {
        const char *what;
        int cin, cout, k;
    } L[] = {
        { "the 1x1 mix above", 3, 2, 1 },          { "the colour filter above", 3, 1, 3 },
        { "LeNet-5 C1", 1, 6, 5 },                 { "LeNet-5 C3, every map to every map", 6, 16, 5 },
        { "AlexNet conv1", 3, 96, 11 },            { "AlexNet conv3 (reads all 256 maps)", 256, 384, 3 },
        { "a 1x1 bottleneck 256 → 64", 256, 64, 1 },
    };
    enum { NL = sizeof L / sizeof L[0] };
    Tab t = tab_new(NL, 6);
    int ok = 1;
    for (int i = 0; i < NL; i++) {
        Layer *l = conv_layer(L[i].cin, 2 * L[i].k, L[i].cout, L[i].k, 1, 0);
        const size_t f = (size_t)L[i].cin * L[i].cout * L[i].k * L[i].k + (size_t)L[i].cout, lib = layer_param_count(l);
        ok &= f == lib;
        char a[32], b[32];
        tab_row(&t, i, "%s\t%d\t%d\t%dx%d\t%s\t%s", L[i].what, L[i].cin, L[i].cout, L[i].k, L[i].k, commas(a, (double)f),
                commas(b, (double)lib));
        layer_free(l);
    }
    const char *hdr[] = { "layer", "C_in", "C_out", "k x k", "formula", "library" };
    tab_show(nb, &t, hdr);
    Layer *small = conv_layer(3, 16, 8, 3, 1, 1), *large = conv_layer(3, 224, 8, 3, 1, 1);
    nb_check(nb, ok && layer_param_count(small) == layer_param_count(large),
             "the formula gives the library's count for all %d layers, and a layer 3 → 8 with 3x3 kernels has %zu "
             "parameters on a 16x16 picture and %zu on a 224x224 one", NL, layer_param_count(small),
             layer_param_count(large));
    char a[32];
    nb_para(nb, "LeNet-5's real C3 has 1,516 parameters, not 2,416: its connection table (lesson 08) lets each map "
                "read only some of the 6 channels. Deep in a network C_in and C_out are large and k small: AlexNet's "
                "conv3 has %s (input, output) pairs of channels and only %d weights for each, so the parameters "
                "grow with the product of the widths, not with the window.", commas(a, 256.0 * 384.0), 3 * 3);
    layer_free(small);
    layer_free(large);
}

/* --- stride and padding ------------------------------------------------------------------------- */

static void stride_and_padding(Notebook *nb, const Picture *p, const CnKernel *k)
{
    nb_section(nb, "Stride and padding: the size of the output");
    nb_para(nb, "Padding p adds p rows and columns of zeros on every side; stride s moves the window s pixels at "
                "a time. Along each axis, a k-wide window fits in the padded input (in + 2p) at positions 0, s, 2s, "
                "... as long as it does not run past the end:");
    nb_code(nb, "out = floor((in + 2p − k) / s) + 1");
    static const struct {
        int in, k, s, p;
        const char *note;
    } C[] = {
        { 28, 5, 1, 0, "no padding: k − 1 pixels lost" },
        { 28, 5, 1, 2, "p = (k − 1)/2 keeps the size (\"same\")" },
        { 32, 5, 1, 0, "LeNet-5 C1 on its 32x32 field" },
        { 28, 3, 2, 1, "stride 2 halves the size" },
        { 8, 3, 2, 0, "floor: the last pixel is never read" },
        { 224, 11, 4, 0, "AlexNet conv1 on the paper's 224: not its 55" },
        { 227, 11, 4, 0, "227 gives the paper's 55 (Caffe's choice)" },
        { 224, 11, 4, 2, "or pad 224 by 2 (torchvision's choice)" },
        { 13, 3, 1, 1, "AlexNet conv3-5" },
        { 224, 7, 2, 3, "ResNet's first layer" },
    };
    enum { NC = sizeof C / sizeof C[0] };
    Tab t = tab_new(NC, 7);
    int ok = 1;
    for (int i = 0; i < NC; i++) {
        const int f = (C[i].in + 2 * C[i].p - C[i].k) / C[i].s + 1;
        Layer *l = conv_layer(1, C[i].in, 1, C[i].k, C[i].s, C[i].p);
        ok &= l->out.h == f && l->out.w == f;
        tab_row(&t, i, "%d\t%d\t%d\t%d\t%d\t%dx%d\t%s", C[i].in, C[i].k, C[i].s, C[i].p, f, l->out.h, l->out.w, C[i].note);
        layer_free(l);
    }
    const char *hdr[] = { "in", "k", "s", "p", "formula", "library's output", "" };
    tab_show(nb, &t, hdr);
    nb_check(nb, ok, "the formula gives the output size of the library's conv layer in all %d cases", NC);
    /* two cases drawn: the windows, the outputs, and the pixels no window reads */
    CnImage *im = canvas(10 + PANEL_TOP + 8 * PANEL_CELL + 20, 20 + 11 * PANEL_CELL + 60 + 12 * PANEL_CELL + 20);
    int last_a, last_b;
    const int unread_a = stride_panel(im, 20, 10, 5, 3, 2, 1, &last_a);
    const int unread_b = stride_panel(im, 20 + 11 * PANEL_CELL + 60, 10, 8, 3, 2, 0, &last_b);
    write_png(nb, "stride_padding.png", im);
    image_free(im);
    nb_image(nb, "left: a 5x5 input padded by 1 (blue zeros), a 3x3 kernel of ones at stride 2 → 3x3; right: an "
                 "8x8 input without padding → 3x3. The windows of the first output row are outlined in colour, "
                 "and the output each one makes (the sum of the window) in the same colour; input pixels that no "
                 "window reads are outlined in red", "stride_padding.png");
    nb_check(nb, unread_a == 0 && unread_b == 15 && last_b,
             "the layer's backward pass sends no gradient to the pixels no window reads: none of the 25 on the "
             "left; on the right %d of the 64, exactly the last row and column (8 + 8 − 1 = 15), since the windows "
             "start at 0, 2, 4 and end at 6", unread_b);
    /* stride and equivariance */
    const int S = p->S, K = k->h, r = K / 2;
    Layer *s2 = conv_layer(1, S, 1, K, 2, r);
    set_weights(s2, k->v, 0.0f);
    const int O = s2->out.h;
    const size_t n = (size_t)S * S, no = (size_t)O * O;
    float *xs = xcalloc(n, sizeof *xs), *ya = xcalloc(no, sizeof *ya), *yb = xcalloc(no, sizeof *yb),
          *yshift = xcalloc(no, sizeof *yshift);
    s2->ops->forward(s2, ya, p->gray, 1);
    shift_map(xs, p->gray, S, 2);
    s2->ops->forward(s2, yb, xs, 1);
    shift_map(yshift, ya, O, 1);
    const double d2 = max_diff_in(yb, yshift, O, 1 + r, O - r, 1);
    shift_map(xs, p->gray, S, 1);
    s2->ops->forward(s2, yb, xs, 1);
    double d1 = 1e30, big = abs_quantile(ya, no, 1.0);
    for (int sft = 0; sft <= 1; sft++) {
        shift_map(yshift, ya, O, sft);
        d1 = fmin(d1, max_diff_in(yb, yshift, O, 1 + r, O - r, 1));
    }
    nb_para(nb, "A stride also changes what a shift does. With stride 2 (%s, padding %d, %dx%d → %dx%d):", k->name,
            r, S, S, O, O);
    nb_check(nb, d2 < TOL, "shifting the picture by 2 pixels shifts the map by exactly 1 away from the borders "
             "(largest difference %.1e)", d2);
    if (d1 > 0.05 * big)
        nb_para(nb, "Shifting it by 1 pixel matches neither the map shifted by 0 nor by 1: the closest is still "
                    "%.3f away (the map's largest value is %.3f). The windows now fall between the old ones. A "
                    "strided layer is equivariant only to shifts by multiples of its stride; this is one reason a "
                    "network's answer can change when the picture moves by one pixel (lesson 04 measured it for "
                    "pooling).", d1, big);
    else
        nb_para(nb, "Shifting it by 1 pixel nearly matches the map shifted by 0 or 1 here (within %.3f, the map's "
                    "largest value being %.3f): this picture changes little from one pixel to the next. In general "
                    "the windows fall between the old ones, and a strided layer is equivariant only to shifts by "
                    "multiples of its stride.", d1, big);
    free(xs);
    free(ya);
    free(yb);
    free(yshift);
    layer_free(s2);
}

/* One case of stride and padding drawn with its top-left corner at (x0, y0)
 * of im: the input of side `in` (values 1, 2, ...) padded by p (blue zeros),
 * then the output of a k x k kernel of ones at stride s (each cell the sum
 * of its window); the windows of the first output row outlined in colour,
 * each output cell in its window's colour, and the input pixels to which
 * the layer's backward pass sends no gradient (no window reads them)
 * outlined in red. Returns how many of those there are; *last: 1 when they
 * are exactly the last row and column. */
static int stride_panel(CnImage *im, int x0, int y0, int in, int k, int s, int p, int *last)
{
    enum { CELL = PANEL_CELL, TOP = PANEL_TOP, MAXIN = 16 };
    static const float ORANGE[3] = { 0.98f, 0.70f, 0.25f };
    const float *col[3] = { GREEN, BAR, ORANGE };
    Layer *l = conv_layer(1, in, 1, k, s, p);
    float w[25];
    for (int i = 0; i < k * k; i++) w[i] = 1.0f;
    set_weights(l, w, 0.0f);
    const int O = l->out.h, P = in + 2 * p;
    float x[MAXIN * MAXIN], dx[MAXIN * MAXIN] = { 0 }, y[MAXIN * MAXIN], dy[MAXIN * MAXIN], pad[(MAXIN + 4) * (MAXIN + 4)];
    unsigned char is_pad[(MAXIN + 4) * (MAXIN + 4)];
    for (int i = 0; i < in * in; i++) x[i] = (float)(i + 1);
    for (int i = 0; i < O * O; i++) dy[i] = 1.0f;
    l->ops->forward(l, y, x, 1);
    layer_zero_grad(l);
    l->ops->backward(l, dx, dy, x, y, 1);
    float ymax = 0.0f;
    for (int i = 0; i < O * O; i++) ymax = fmaxf(ymax, y[i]);
    for (int r = 0; r < P; r++)
        for (int c = 0; c < P; c++) {
            const int inside = r >= p && r < p + in && c >= p && c < p + in;
            pad[r * P + c] = inside ? x[(r - p) * in + (c - p)] : 0.0f;
            is_pad[r * P + c] = (unsigned char)!inside;
        }
    char title[96];
    snprintf(title, sizeof title, "%dx%d, k %d, stride %d, pad %d → %dx%d", in, in, k, s, p, O, O);
    image_draw_text(im, x0, y0, title, 2, WHITE);
    CnImage *gi = number_grid(pad, is_pad, P, P, 0.0f, (float)(in * in), CELL);
    CnImage *go = number_grid(y, NULL, O, O, 0.0f, ymax, CELL);
    const int yt = y0 + TOP, xo = x0 + P * CELL + CELL, yo = yt + (P - O) * CELL / 2;
    paste_image(im, x0, yt, gi);
    paste_image(im, xo, yo, go);
    int unread = 0, only_last = 1;
    for (int i = 0; i < in * in; i++) {
        if (dx[i] != 0.0f) continue;
        unread++;
        only_last &= i / in == in - 1 || i % in == in - 1;
        outline_rect(im, x0 + (i % in + p) * CELL, yt + (i / in + p) * CELL, CELL, CELL, 3, RED);
    }
    for (int o = 0; o < O && o < 3; o++) {
        const int inset = 2 + 4 * o;
        outline_rect(im, x0 + o * s * CELL + inset, yt + inset, k * CELL - 2 * inset, k * CELL - 2 * inset, 3, col[o]);
        outline_rect(im, xo + o * CELL + 2, yo + 2, CELL - 4, CELL - 4, 3, col[o]);
    }
    *last = unread == 2 * in - 1 && only_last;
    image_free(gi);
    image_free(go);
    layer_free(l);
    return unread;
}

/* --- try it yourself --------------------------------------------------------------------------- */

static void try_it_yourself(Notebook *nb)
{
    nb_section(nb, "Try it yourself");
    nb_para(nb, "- Another kernel for the shared weights: build/lessons/" LESSON_ID " --kernel sobel_y, or "
                "--kernel gaussian5 (a 5x5: a 5x5 block moves when one pixel changes).\n"
                "- A larger shift: build/lessons/" LESSON_ID " --shift 12, and look where the difference is "
                "nonzero.\n"
                "- Your own colour picture: build/lessons/" LESSON_ID " --image my_photo.jpg (a gray one has equal "
                "channels: watch the colour filter's output vanish).\n"
                "- In the source, change the 1x1 layer's second row of weights to (0, 0, 1) and see the blue "
                "channel alone, or to (−0.5, −0.5, 1) for blue against yellow.");
}

/* --- helpers ----------------------------------------------------------------------------------- */

static void read_flags(int argc, char **argv, int *quick, const char **image, const char **kernel, int *shift)
{
    *shift = SHIFT_UNSET;
    CliOpt opts[] = {
        { "quick", OPT_FLAG, quick, "a few seconds: the picture shrunk to 64 px instead of 128 (the same claims)" },
        { "image", OPT_STRING, image, "FILE: your own colour picture (PNG or JPEG; shrunk)" },
        { "kernel", OPT_STRING, kernel, "NAME: the shared kernel of the first sections (default sobel_x)" },
        { "shift", OPT_INT, shift, "N: pixels the picture is shifted, 1 to 16 (default 5)" },
    };
    cli_lesson(argc, argv, opts, 4, LESSON_ID,
               "Lesson 06: from one filter to a layer. Weight sharing and locality (parameters of a conv layer "
               "against a dense one, translation equivariance), several input channels and 1x1 convolutions on "
               "a colour picture, stride and padding as output-size arithmetic.");
    if (!*kernel) *kernel = "sobel_x";
    if (*shift == SHIFT_UNSET) *shift = 5;
    if (*shift < 1 || *shift > 16) {
        fprintf(stderr, "--shift %d: give a number of pixels from 1 to 16 (e.g. --shift 12)\n", *shift);
        exit(2);
    }
}

/* The colour picture (--image's or the lesson's), its central square
 * shrunk to 128 px (64 with --quick) by averaging blocks. */
static Picture load_picture(const char *image, int quick)
{
    Picture p = { 0 };
    const char *path = image ? image : colour_photo_path();
    CnImage *im = load_colour_photo(image);
    if (im->w < 48 || im->h < 48)
        CN_DIE("%s is %dx%d pixels; the lesson needs a picture of at least 48x48", path, im->w, im->h);
    p.rgb = shrink_image(central_square(im), quick ? 64 : 128);
    CnImage *g = image_load(path, 1);   /* the same file, read as gray by the image reader */
    CN_CHECK(g);
    p.reader_gray = shrink_image(central_square(g), quick ? 64 : 128);
    p.S = p.rgb->h;
    p.scale = p.S <= 64 ? 3 : 2;
    p.own = image != NULL;
    p.name = image ? "This picture" : "The photograph (the astronaut Eileen Collins, NASA)";
    p.gray = luma_of(p.rgb, &p);
    return p;
}


/* The brightness of the picture, made by the 1x1 convolution with the luma weights. */
static float *luma_of(const CnImage *rgb, const Picture *p)
{
    Layer *l = conv_layer(3, p->S, 1, 1, 1, 0);
    set_weights(l, LUMA, 0.0f);
    float *g = xcalloc((size_t)p->S * p->S, sizeof *g);
    l->ops->forward(l, g, rgb->data, 1);
    layer_free(l);
    return g;
}

/* A set-up conv layer, cin channels of side x side in, cout maps out, k x k
 * kernels, correlating (as every deep-learning library does). */
static Layer *conv_layer(int cin, int side, int cout, int k, int stride, int pad)
{
    Layer *l = conv2d_create(cout, k, k, stride, pad, 1, CONV_OP_CORRELATE);
    CN_CHECK(l && layer_setup(l, (CnShape){ cin, side, side }) == 0);
    return l;
}

/* Weights (all of them, in the layer's order (OC, C, K, K)) and one bias for every map. */
static void set_weights(Layer *l, const float *w, float bias)
{
    memcpy(l->param[0].value, w, l->param[0].n * sizeof(float));
    for (size_t i = 0; i < l->param[1].n; i++) l->param[1].value[i] = bias;
}

/* out (S, S) = in moved d pixels right and d down; the uncovered pixels are 0. */
static void shift_map(float *out, const float *in, int S, int d)
{
    for (int i = 0; i < S; i++)
        for (int j = 0; j < S; j++)
            out[i * S + j] = i >= d && j >= d ? in[(i - d) * S + (j - d)] : 0.0f;
}

/* The largest |a - b| over the pixels (i, j) of an S x S map with both i and
 * j in [lo, hi) (inside 1), or over the others (inside 0). */
static double max_diff_in(const float *a, const float *b, int S, int lo, int hi, int inside)
{
    double d = 0.0;
    for (int i = 0; i < S; i++)
        for (int j = 0; j < S; j++) {
            const int in = i >= lo && i < hi && j >= lo && j < hi;
            if (in == inside) d = fmax(d, fabs((double)a[i * S + j] - (double)b[i * S + j]));
        }
    return d;
}

/* A picture of the lesson's size (S, S), c channels (1 gray, 3 colour, values
 * in [0, 1]), enlarged to the lesson's scale, as a tile of sh. */
static void add_picture(Sheet *sh, const Picture *p, const float *data, int c, const char *label)
{
    const int S = p->S, z = p->scale;
    const size_t n = (size_t)S * S, nz = n * (size_t)(z * z);
    float *big = xcalloc((size_t)c * nz, sizeof *big);
    for (int ch = 0; ch < c; ch++) enlarge(big + (size_t)ch * nz, data + (size_t)ch * n, S, S, z);
    sheet_add_c(sh, big, c, S * z, S * z, "%s", label);
    free(big);
}
