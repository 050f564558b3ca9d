/* 04_pooling.c - lesson 04: pooling.
 *
 * The seed deck's slide 8: pooling (sub-sampling) shrinks the feature map,
 * pulls out strong, global features to gain invariance, and "the information
 * is preserved!". Each claim is taken apart and measured here:
 *
 *   - max and average pooling by hand on a 6x6 grid, 2x2 windows at stride 2
 *     and overlapping 3x3 windows at stride 2 (AlexNet's), sizes from the one
 *     output-size formula (core/conv.h);
 *   - the photograph's edge map pooled: what survives max, what average does;
 *   - shift invariance as numbers: digits moved by 0..3 pixels, how much their
 *     edge maps change before and after pooling;
 *   - "the information is preserved": pooled digits still look like digits,
 *     and a classifier trained on pooled pixels keeps most of its accuracy.
 *
 *   build/lessons/04_pooling            the full lesson
 *   build/lessons/04_pooling --quick    fewer digits, a smaller photo, one short training run
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/conv.h"
#include "core/dense.h"
#include "core/die.h"
#include "core/error.h"
#include "core/image.h"
#include "core/kernels.h"
#include "core/net.h"
#include "core/notebook.h"
#include "core/plot.h"
#include "core/pool.h"
#include "core/rng.h"
#include "core/train.h"
#include "datasets/dataset.h"
#include "lessons/kit/arrays.h"
#include "lessons/kit/cli.h"
#include "lessons/kit/draw.h"
#include "lessons/kit/goals.h"
#include "lessons/kit/models.h"
#include "lessons/kit/report.h"
#include "lessons/lesson.h"

#define LESSON_ID "04_pooling"
#define MAX_SHIFT 3           /* digits are moved by 0 .. MAX_SHIFT pixels */
#define EDGE_QUANTILE 0.99    /* edge-strength pictures: this quantile of the map is drawn white */

/* The sections of the lesson, in the order main() tells them. */
static void slide_8_says(Notebook *nb);
static void pooling_by_hand(Notebook *nb);
static void the_loops(Notebook *nb, const float *grid, int n);
static void pooling_the_edge_map(Notebook *nb, const CnImage *img, const CnKernel *edge, int own);
static void pooled_digits_look_like_digits(Notebook *nb, const Dataset *test);
static void invariance_measured(Notebook *nb, const Dataset *test, const CnKernel *edge, int ndigits);
static void information_is_preserved(Notebook *nb, const Dataset *train, const Dataset *test, int quick, int epochs);
static void try_it_yourself(Notebook *nb);
static void read_flags(int argc, char **argv, int *quick, int *epochs, int *ndigits, const char **image);
static CnImage *load_photo(const char *image, int quick);

int main(int argc, char **argv)
{
    int quick = 0, epochs = CLI_UNSET, ndigits = CLI_UNSET;
    const char *image = NULL;
    read_flags(argc, argv, &quick, &epochs, &ndigits, &image);

    const CnKernel *edge = kernel_find("edge3");
    CN_CHECK(edge);
    CnImage *img = load_photo(image, quick);
    Dataset *train, *test;
    load_splits("mnist-sample", &train, &test); /* 28x28 images, checked */
    if (ndigits == CLI_UNSET) ndigits = quick ? 200 : test->count;
    if (ndigits > test->count)
        cli_refuse("--digits %d: the MNIST sample's test set has %d digits: give 1 to %d", ndigits, test->count,
                   test->count);

    Notebook *nb = nb_open(LESSON_ID, "Lesson 04 — Pooling");
    CN_CHECK(nb);
    slide_8_says(nb);
    pooling_by_hand(nb);
    pooling_the_edge_map(nb, img, edge, image != NULL);
    pooled_digits_look_like_digits(nb, test);
    invariance_measured(nb, test, edge, ndigits);
    information_is_preserved(nb, train, test, quick, epochs);
    try_it_yourself(nb);

    image_free(img);
    dataset_free(train);
    dataset_free(test);
    return lesson_end(nb);
}

enum { NCLS = 5 };           /* classifiers compared in "the information is preserved" */

typedef enum { POOL_NONE, POOL_MAX, POOL_AVG } PoolKind;

typedef struct {
    const char *name;   /* for tables and plots */
    PoolKind kind;
    int k, s;           /* window and stride */
} PoolCase;

/* Helpers, defined after the sections. */
static int pooled_side(int n, int k, int s);
static void pool_map(float *out, const float *in, int H, int W, const PoolCase *pc);
static void edge_strength(float *out, const float *x, int H, int W, const CnKernel *k, ConvBorder mode);
static void shift_image(float *dst, const float *src, int n, int dx, int dy);
static Dataset *dataset_pick(const Dataset *d, int n, int dx, const char *name);

static void slide_8_says(Notebook *nb)
{
    nb_para(nb, "Slide 8 of the seminar says three things about pooling (also called sub-sampling or "
                "down-sampling): it shrinks the feature map; it pulls out strong, global features, which buys "
                "invariance (the features change less when the input moves a little); and \"the information "
                "is preserved!\". This lesson checks each claim with numbers.");
}

/* --- pooling by hand -------------------------------------------------------------------- */

static void pooling_by_hand(Notebook *nb)
{
    nb_section(nb, "Pooling by hand");
    nb_para(nb, "Pooling slides a window over a map, like a filter, but it has no weights: each window is "
                "replaced by one number that summarises it.\n"
                "- max pooling keeps the largest value in the window;\n"
                "- average pooling keeps the mean of the window.");
    nb_para(nb, "The window moves by its stride. With 2x2 windows at stride 2 (written 2x2/2) the windows tile "
                "the map without overlapping, and each side is halved. With 3x3 windows at stride 2 (3x3/2, "
                "what AlexNet used) neighbouring windows share a row or a column: overlapping pooling.");
    enum { S = 6 };
    /* a slanted stroke, like a piece of a digit */
    static const float grid[S * S] = {
        0, 0, 3, 9, 2, 0,
        0, 1, 8, 9, 1, 0,
        0, 2, 9, 7, 0, 0,
        0, 4, 9, 5, 0, 0,
        0, 6, 8, 2, 0, 0,
        1, 8, 6, 0, 0, 0,
    };
    nb_matrix(nb, "a map with a slanted stroke", grid, S, S, 0);
    const PoolCase hand[4] = {
        { "max 2x2/2", POOL_MAX, 2, 2 }, { "average 2x2/2", POOL_AVG, 2, 2 },
        { "max 3x3/2", POOL_MAX, 3, 2 }, { "average 3x3/2", POOL_AVG, 3, 2 },
    };
    float out[4][S * S];
    for (int i = 0; i < 4; i++) {
        int o = pooled_side(S, hand[i].k, hand[i].s);
        pool_map(out[i], grid, S, S, &hand[i]);
        nb_matrix(nb, hand[i].name, out[i], o, o, hand[i].kind == POOL_AVG ? 2 : 0);
    }
    int o2 = pooled_side(S, 2, 2), o3 = pooled_side(S, 3, 2);
    nb_check(nb, o2 == 3 && o3 == 2,
             "the sizes follow the one output-size formula floor((in − k) / s) + 1: 2x2/2 gives (6 − 2) / 2 + 1 "
             "= %d, 3x3/2 gives floor((6 − 3) / 2) + 1 = %d", o2, o3);
    /* the top-left window by hand */
    float m = 0.0f, a = 0.0f;
    for (int y = 0; y < 2; y++)
        for (int x = 2; x < 4; x++) {
            m = fmaxf(m, grid[y * S + x]);
            a += grid[y * S + x] / 4.0f;
        }
    nb_check(nb, m == out[0][1] && fabsf(a - out[1][1]) < 1e-6f,
             "by hand, the window of rows 0–1, columns 2–3 holds 3, 9, 8, 9: its max is %.0f and its mean "
             "(3 + 9 + 8 + 9) / 4 = %.2f, as the library gives (%.0f and %.2f)", (double)m, (double)a,
             (double)out[0][1], (double)out[1][1]);
    nb_para(nb, "Max pooling kept the stroke's 9s and threw away where exactly in each window they were. "
                "Average pooling blurred the stroke into the empty pixels around it. With 3x3/2 on a 6x6 "
                "map the windows start at rows 0 and 2 only: a third window would need rows 4–6, and row 6 "
                "does not exist, so the last row and column are never read. Networks choose sizes where this "
                "does not happen (AlexNet: 55x55 → floor((55 − 3) / 2) + 1 = %d).", pooled_side(55, 3, 2));
    the_loops(nb, grid, S);
}

/* Max pooling's loops from core/pool.c, and its backward on the stroke. */
static void the_loops(Notebook *nb, const float *grid, int n)
{
    nb_para(nb, "The library's max pooling is core/pool.c. Its definition fits in one helper, the first maximum "
                "of a window scanned row by row (taken from the source when this lesson ran):");
    nb_code_from_source(nb, "core/pool.c", "window_argmax");
    nb_para(nb, "maxpool2d_forward computes that maximum for every window with faster loops (a table of "
                "offsets, updates without branches), and writes down each window's winner, its argmax. The "
                "backward pass needs nothing else: a window's output changes only when its winner does, so the "
                "whole gradient of the output goes to that one pixel, and a pixel that won no window gets 0:");
    nb_code_from_source(nb, "core/pool.c", "maxpool2d_backward");
    float dx[2][36] = { { 0 } }, y[36], ones[36];
    int32_t am[36];
    int won[2] = { 0 }, most[2] = { 0 };
    for (int i = 0; i < 36; i++) ones[i] = 1.0f;
    for (int c = 0; c < 2; c++) {   /* 2x2/2, then 3x3/2 (overlapping) */
        const int k = 2 + c, o = pooled_side(n, k, 2);
        maxpool2d_forward(y, am, grid, 1, 1, n, n, o, o, k, k, 2, 2, 0, 0);
        maxpool2d_backward(dx[c], ones, am, grid, 1, 1, n, n, o, o, k, k, 2, 2, 0, 0);
        for (int i = 0; i < n * n; i++) won[c] += dx[c][i] > 0.0f, most[c] = (int)fmaxf((float)most[c], dx[c][i]);
    }
    nb_matrix(nb, "max 2x2/2 backward with every output gradient 1: where the gradient lands", dx[0], n, n, 0);
    nb_matrix(nb, "max 3x3/2 backward, the same", dx[1], n, n, 0);
    nb_check(nb, won[0] == 9 && most[0] == 1 && most[1] >= 2,
             "with every output gradient 1, 2x2/2 sends 1 to %d of the 36 pixels (one winner per window, the "
             "windows do not overlap) and 0 to the rest; with overlapping 3x3/2 windows a pixel can win several "
             "windows and collects each one's gradient: %d pixels receive some, the most, %d", won[0], won[1],
             most[1]);
}

/* --- the photograph's edge map ------------------------------------------------------------ */

static void what_max_and_average_keep(Notebook *nb, const float *emap, size_t N, float *const *pooled,
                                      const int *psz);
static void draw_pooled_photo(Notebook *nb, const float *emap, int H, int W, float *const *pooled, const int *psz,
                              const PoolCase *photo_cases);

static void pooling_the_edge_map(Notebook *nb, const CnImage *img, const CnKernel *edge, int own)
{
    nb_section(nb, "Pooling the edge map of a photograph");
    int H, W;
    CN_CHECK(conv2d_border_size(&H, &W, img->h, img->w, edge->h, edge->w, CONV_BORDER_VALID, 1) == 0);
    const size_t N = (size_t)H * (size_t)W;
    float *emap = xcalloc(N, sizeof *emap);
    edge_strength(emap, img->data, img->h, img->w, edge, CONV_BORDER_VALID);
    nb_para(nb, "Pooling in a network comes after a convolution: it summarises feature maps, not raw pixels. "
                "So we make a feature map: %s (%dx%d) filtered by the seed's edge detection (3) in "
                "valid mode (%dx%d, no zero padding, so the photo's border is not mistaken for an edge), taken "
                "as edge strength |output| (an edge is an edge whichever side is brighter; a network uses ReLU "
                "instead, which keeps one sign).", own ? "your picture's central square" : "the photograph", img->w, img->h,
            W, H);
    nb_matrix(nb, "edge detection (3)", edge->v, edge->h, edge->w, 0);
    const PoolCase photo_cases[4] = {
        { "max 2x2/2", POOL_MAX, 2, 2 }, { "average 2x2/2", POOL_AVG, 2, 2 },
        { "max 3x3/2", POOL_MAX, 3, 2 }, { "average 3x3/2", POOL_AVG, 3, 2 },
    };
    float *pooled[4];
    int psz[4];
    const char *hdr[] = { "pooling", "output", "formula", "numbers kept" };
    char txt[4][3][64];
    const char *cells[4 * 4];
    for (int i = 0; i < 4; i++) {
        psz[i] = pooled_side(H, photo_cases[i].k, photo_cases[i].s);
        pooled[i] = xcalloc((size_t)psz[i] * (size_t)psz[i], sizeof(float));
        pool_map(pooled[i], emap, H, W, &photo_cases[i]);
        snprintf(txt[i][0], sizeof txt[i][0], "%dx%d", psz[i], psz[i]);
        snprintf(txt[i][1], sizeof txt[i][1], "floor((%d − %d) / %d) + 1 = %d", H, photo_cases[i].k,
                 photo_cases[i].s, psz[i]);
        snprintf(txt[i][2], sizeof txt[i][2], "%.1f%%", 100.0 * psz[i] * psz[i] / (double)N);
        cells[i * 4] = photo_cases[i].name;
        cells[i * 4 + 1] = txt[i][0];
        cells[i * 4 + 2] = txt[i][1];
        cells[i * 4 + 3] = txt[i][2];
    }
    nb_table(nb, hdr, cells, 4, 4);
    int ok = psz[0] == H / 2 && psz[2] == (H - 3) / 2 + 1;
    nb_check(nb, ok, "a %dx%d map becomes %dx%d with 2x2/2 and %dx%d with 3x3/2: about a quarter of the numbers "
                     "either way", H, W, psz[0], psz[0], psz[2], psz[2]);
    what_max_and_average_keep(nb, emap, N, pooled, psz);
    draw_pooled_photo(nb, emap, H, W, pooled, psz, photo_cases);
    for (int i = 0; i < 4; i++) free(pooled[i]);
    free(emap);
}

/* What each kind keeps: the strongest response, and the mean. */
static void what_max_and_average_keep(Notebook *nb, const float *emap, size_t N, float *const *pooled,
                                      const int *psz)
{
    float lo, emax, mmax, amax;   /* the largest value of the edge map, max- and average-pooled */
    min_max(emap, N, &lo, &emax);
    double emean = mean_of(emap, N);
    min_max(pooled[0], (size_t)psz[0] * (size_t)psz[0], &lo, &mmax);
    double amean = mean_of(pooled[1], (size_t)psz[1] * (size_t)psz[1]);
    double mmean = mean_of(pooled[0], (size_t)psz[0] * (size_t)psz[0]);
    min_max(pooled[1], (size_t)psz[1] * (size_t)psz[1], &lo, &amax);
    nb_check(nb, mmax == emax,
             "max pooling keeps the strongest edge exactly: the largest value is %.4f before and after", (double)emax);
    nb_check(nb, fabs(amean - emean) < 1e-5 * fmax(1.0, emean),
             "average pooling with 2x2/2 keeps the mean exactly (every pixel in exactly one window): %.5f before, "
             "%.5f after", emean, amean);
    lesson_goal(nb, mmean > 1.3 * emean && amax < emax,
             "and each loses what the other keeps: the max-pooled map's mean rises to %.4f (%.2f× the edge map's "
             "%.4f), the average-pooled map's peak drops to %.4f (from %.4f)", mmean, mmean / emean, emean,
             (double)amax, (double)emax);
    /* strong edges: how many of the top 5% of pixels of the edge map are in a window whose pooled value is still strong */
    nb_para(nb, "So max pooling answers \"is there a strong edge somewhere in this window?\" and keeps the "
                "answer at full strength; average pooling answers \"how much edge is there on average?\", "
                "and a thin edge surrounded by calm pixels is diluted by its neighbours.");
}

/* The pictures: every map drawn with one gray scale (0 black, the edge map's
 * 99th percentile white), pooled maps enlarged back to the input's size by
 * repeating each value; then a close-up. */
static void draw_pooled_photo(Notebook *nb, const float *emap, int H, int W, float *const *pooled, const int *psz,
                              const PoolCase *photo_cases)
{
    const size_t N = (size_t)H * (size_t)W;
    float hi = abs_quantile(emap, N, EDGE_QUANTILE); /* emap >= 0: its own quantile */
    MontageTile mt[5];
    const char *lab[5];
    char labs[5][48];
    float *big[5];
    for (int i = 0; i < 5; i++) {
        big[i] = xcalloc(N, sizeof(float));
        if (i == 0) {
            memcpy(big[i], emap, N * sizeof(float));
            snprintf(labs[i], sizeof labs[i], "edge map %dx%d", H, W);
        } else {
            /* 3x3/2 gives one row fewer than H/2: enlarge by 2 and leave the last rows dark */
            int o = psz[i - 1];
            float *tmp = xcalloc((size_t)(2 * o) * (size_t)(2 * o), sizeof(float));
            enlarge(tmp, pooled[i - 1], o, o, 2);
            for (int y = 0; y < 2 * o && y < H; y++)
                memcpy(big[i] + (size_t)y * (size_t)W, tmp + (size_t)y * (size_t)(2 * o),
                       (size_t)(2 * o < W ? 2 * o : W) * sizeof(float));
            free(tmp);
            snprintf(labs[i], sizeof labs[i], "%s → %dx%d", photo_cases[i - 1].name, o, o);
        }
        image_map_apply_range(big[i], big[i], N, 0.0f, hi);
        mt[i] = (MontageTile){ big[i], 1, H, W };
        lab[i] = labs[i];
    }
    MontageOptions mo = montage_labelled(5, 1, 8, MAP_CLAMP01, lab, W >= 200 ? 2 : 1);
    write_montage(nb, "photo_pooled.png", mt, 5, &mo);
    char cap[400];
    snprintf(cap, sizeof cap, "the photo's edge strength and its four pooled versions, each pooled value drawn "
             "as a 2x2 block so all have the same size; one gray scale for all: 0 black, %.3f (the edge map's "
             "%.0fth percentile) and above white", (double)hi, EDGE_QUANTILE * 100);
    nb_image(nb, cap, "photo_pooled.png");

    /* a close-up: the Z x Z window (corner on even rows and columns, so
     * it starts on a 2x2 pooling window) where a strong edge crosses the
     * calmest surroundings: among windows whose central Z/2 x Z/2 holds
     * at least Z/4 values above half the white level (a line through the
     * middle), the one with the most values below a tenth of it */
    const int Z = H >= 200 ? 32 : 16;
    int best_y = 0, best_x = 0;
    double best = -1.0;
    for (int y = 0; y + Z <= H; y += 2)
        for (int x = 0; x + Z <= W; x += 2) {
            int calm = 0, strong = 0;
            for (int yy = y; yy < y + Z; yy++)
                for (int xx = x; xx < x + Z; xx++) {
                    float v = emap[(size_t)yy * (size_t)W + (size_t)xx];
                    calm += v < 0.1f * hi;
                    int mid = yy >= y + Z / 4 && yy < y + 3 * Z / 4 && xx >= x + Z / 4 && xx < x + 3 * Z / 4;
                    strong += mid && v > 0.5f * hi;
                }
            if (strong >= Z / 4 && calm > best) best = calm, best_y = y, best_x = x;
        }
    float *crops = xcalloc((size_t)5 * Z * Z, sizeof(float));
    for (int i = 0; i < 5; i++)
        for (int y = 0; y < Z; y++)
            for (int x = 0; x < Z; x++)
                crops[(size_t)i * Z * Z + (size_t)y * Z + x] = big[i][(size_t)(best_y + y) * (size_t)W + (size_t)(best_x + x)];
    MontageOptions mz = image_montage_defaults();
    mz.cols = 5;
    mz.scale = 256 / Z;
    mz.gap = 8;
    mz.mode = MAP_CLAMP01;
    mz.labels = lab;
    mz.font_scale = 2;
    CN_CHECK(image_montage_write_png_opts(nb_path(nb, "photo_pooled_zoom.png"), crops, 5, 1, Z, Z, &mz) == 0);
    snprintf(cap, sizeof cap, "close-up: a %dx%d piece of each map (top-left corner at row %d, column %d of the "
             "edge map) where a strong edge crosses a calm region, each value a %dx%d square; same gray scale",
             Z, Z, best_y, best_x, 256 / Z, 256 / Z);
    nb_image(nb, cap, "photo_pooled_zoom.png");
    nb_para(nb, "In the close-up, max pooling keeps the edge exactly as bright, drawn in coarser 2x2 blocks: "
                "each pooled value says \"there is an edge somewhere in this block\", not where in the block. "
                "Average pooling keeps the line too but dims it, because it averages the edge with the calm "
                "pixels beside it. The overlapping 3x3/2 windows make the line wider still: one strong pixel "
                "lands in up to four windows.");
    free(crops);
    for (int i = 0; i < 5; i++) free(big[i]);
}

/* --- pooled digits ------------------------------------------------------------------------ */

static void pooled_digits_look_like_digits(Notebook *nb, const Dataset *test)
{
    nb_section(nb, "Pooled digits still look like digits");
    const int D = test->height; /* 28 */
    const size_t DP = (size_t)D * (size_t)D;
    const PoolCase digit_cases[4] = {
        { "max 2x2/2", POOL_MAX, 2, 2 }, { "avg 2x2/2", POOL_AVG, 2, 2 },
        { "max 4x4/4", POOL_MAX, 4, 4 }, { "avg 4x4/4", POOL_AVG, 4, 4 },
    };
    enum { ROWS = 8 };
    nb_para(nb, "Now the digits (the MNIST sample's test set, %d digits of 28x28 pixels). Each row below is "
                "one digit: the original, then pooled with 2x2/2 (14x14, a quarter of the numbers) and with "
                "4x4/4 (7x7, a sixteenth), by max and by average. Pooled maps are drawn as blocks at the "
                "original size.", test->count);
    float *tiles = xcalloc((size_t)ROWS * 5 * DP, sizeof(float));
    float x[28 * 28], p[28 * 28];
    for (int r = 0; r < ROWS; r++) {
        /* one digit of each class 0..7, spread over the test set */
        int idx = -1, seen = 0;
        for (int i = 0; i < test->count && idx < 0; i++)
            if (test->labels[i] == r && seen++ == 7) idx = i;
        if (idx < 0) CN_DIE("the MNIST sample's test set has fewer than 8 digits of class %d", r);
        const unsigned char *u = dataset_image(test, idx);
        for (size_t i = 0; i < DP; i++) x[i] = u[i] / 255.0f;
        memcpy(tiles + (size_t)(r * 5) * DP, x, DP * sizeof(float));
        for (int c = 0; c < 4; c++) {
            int o = pooled_side(D, digit_cases[c].k, digit_cases[c].s);
            pool_map(p, x, D, D, &digit_cases[c]);
            enlarge(tiles + (size_t)(r * 5 + c + 1) * DP, p, o, o, D / o);
        }
    }
    const char *lab[ROWS * 5];
    for (int r = 0; r < ROWS; r++) {
        lab[r * 5] = r == 0 ? "28x28" : "";
        lab[r * 5 + 1] = r == 0 ? "max 14x14" : "";
        lab[r * 5 + 2] = r == 0 ? "avg 14x14" : "";
        lab[r * 5 + 3] = r == 0 ? "max 7x7" : "";
        lab[r * 5 + 4] = r == 0 ? "avg 7x7" : "";
    }
    MontageOptions mo = montage_labelled(5, 4, 8, MAP_CLAMP01, lab, 2);
    CN_CHECK(image_montage_write_png_opts(nb_path(nb, "digits_pooled.png"), tiles, ROWS * 5, 1, D, D, &mo) == 0);
    nb_image(nb, "eight test digits (rows); columns: the original 28x28, max and average pooled to 14x14, "
                 "max and average pooled to 7x7 (0 black, 1 white)", "digits_pooled.png");
    nb_para(nb, "At 14x14 every digit is still plainly readable. At 7x7 the max-pooled digits are fat and "
                "blocky and the averaged ones blurred, but most can still be told apart. The next two sections "
                "measure both halves of the slide: how much pooling steadies the features when a digit moves, "
                "and how much a classifier loses when it only sees pooled pixels.");
    free(tiles);
}

/* --- shift invariance, measured ------------------------------------------------------------ */

static void invariance_measured(Notebook *nb, const Dataset *test, const CnKernel *edge, int ndigits)
{
    const int D = test->height;
    const size_t DP = (size_t)D * (size_t)D;
    nb_section(nb, "Invariance: move the digit, measure how much the features change");
    enum { NCASE = 6 };
    const PoolCase inv_cases[NCASE] = {
        { "edge map", POOL_NONE, 0, 0 },  { "max 2x2/2", POOL_MAX, 2, 2 }, { "avg 2x2/2", POOL_AVG, 2, 2 },
        { "max 3x3/2", POOL_MAX, 3, 2 }, { "avg 3x3/2", POOL_AVG, 3, 2 }, { "max 4x4/4", POOL_MAX, 4, 4 },
    };
    double change[NCASE][MAX_SHIFT + 1], cosine[MAX_SHIFT + 1] = { 0 };   /* cosine: of the edge maps */
    nb_para(nb, "Take a digit's edge map E (edge detection (3) again, as edge strength). Move the digit s "
                "pixels to the right (or down) and compute the edge map again, E_s. If a feature map were "
                "perfectly invariant it would not change at all. The measure is the relative change\n"
                "    change(s) = ‖f(E_s) − f(E)‖ / ‖f(E)‖\n"
                "with ‖·‖ the square root of the sum of squares, f either nothing (the edge map itself) or a "
                "pooling, averaged over %d test digits and over the two directions. 0 means unchanged; for a "
                "map whose strokes move completely off their old places it is about √2 ≈ 1.41.", ndigits);
    float x[28 * 28], xs[28 * 28], e0[28 * 28], es[28 * 28], p0[28 * 28], ps[28 * 28];
    for (int c = 0; c < NCASE; c++)
        for (int s = 0; s <= MAX_SHIFT; s++) change[c][s] = 0.0;
    for (int i = 0; i < ndigits; i++) {
        int j = (int)((long long)i * test->count / ndigits);
        const unsigned char *u = dataset_image(test, j);
        for (size_t t = 0; t < DP; t++) x[t] = u[t] / 255.0f;
        edge_strength(e0, x, D, D, edge, CONV_BORDER_SAME);
        for (int s = 0; s <= MAX_SHIFT; s++)
            for (int dir = 0; dir < 2; dir++) {
                shift_image(xs, x, D, dir == 0 ? s : 0, dir == 1 ? s : 0);
                edge_strength(es, xs, D, D, edge, CONV_BORDER_SAME);
                for (int c = 0; c < NCASE; c++) {
                    int o = pooled_side(D, inv_cases[c].k, inv_cases[c].s);
                    pool_map(p0, e0, D, D, &inv_cases[c]);
                    pool_map(ps, es, D, D, &inv_cases[c]);
                    double num = 0.0, den = 0.0, dot = 0.0, ss = 0.0;
                    for (int t = 0; t < o * o; t++) {
                        double d = (double)ps[t] - p0[t];
                        num += d * d;
                        den += (double)p0[t] * p0[t];
                        dot += (double)ps[t] * p0[t];
                        ss += (double)ps[t] * ps[t];
                    }
                    change[c][s] += den > 0.0 ? sqrt(num / den) : 0.0;
                    if (c == 0) cosine[s] += den > 0.0 && ss > 0.0 ? dot / sqrt(den * ss) : 1.0;
                }
            }
    }
    for (int c = 0; c < NCASE; c++)
        for (int s = 0; s <= MAX_SHIFT; s++) change[c][s] /= 2.0 * ndigits;
    for (int s = 0; s <= MAX_SHIFT; s++) cosine[s] /= 2.0 * ndigits;

    const char *hdr[NCASE + 1];
    hdr[0] = "shift (pixels)";
    for (int c = 0; c < NCASE; c++) hdr[c + 1] = inv_cases[c].name;
    char txt[MAX_SHIFT + 1][NCASE + 1][16];
    const char *cells[(MAX_SHIFT + 1) * (NCASE + 1)];
    for (int s = 0; s <= MAX_SHIFT; s++) {
        snprintf(txt[s][0], sizeof txt[s][0], "%d", s);
        cells[s * (NCASE + 1)] = txt[s][0];
        for (int c = 0; c < NCASE; c++) {
            snprintf(txt[s][c + 1], sizeof txt[s][c + 1], "%.3f", change[c][s]);
            cells[s * (NCASE + 1) + c + 1] = txt[s][c + 1];
        }
    }
    nb_table(nb, hdr, cells, MAX_SHIFT + 1, NCASE + 1);

    double xs_[MAX_SHIFT + 1];
    const double *ys[NCASE];
    const char *names[NCASE];
    for (int s = 0; s <= MAX_SHIFT; s++) xs_[s] = s;
    for (int c = 0; c < NCASE; c++) ys[c] = change[c], names[c] = inv_cases[c].name;
    int rc = plot_lines(nb_path(nb, "invariance.png"), nb_path(nb, "invariance.dat"),
                        "Relative change of the features when the digit moves", "shift (pixels)",
                        "||f(E_s) - f(E)|| / ||f(E)||", names, xs_, ys, NCASE, MAX_SHIFT + 1);
    CN_CHECK(rc >= 0);
    nb_plot(nb, "relative change of the edge map and of its pooled versions against the shift, averaged over "
                "the digits and the two directions", "invariance.png");

    nb_check(nb, change[0][0] == 0.0 && change[1][0] == 0.0, "no shift, no change (%.3g and %.3g)", change[0][0],
             change[1][0]);
    lesson_goal(nb, change[0][1] > 0.5,
                "without pooling a 1-pixel move already changes the edge map by %.2f of its size, and a %d-pixel "
                "move by %.2f", change[0][1], MAX_SHIFT, change[0][MAX_SHIFT]);
    /* how much of the edge map still lies on its old place: the cosine of the two maps */
    const double c1 = cosine[1], cN = cosine[MAX_SHIFT];
    if (cN > 0.3) {
        nb_check(nb, cN > 0.3 && cN < c1 && change[0][MAX_SHIFT] < sqrt(2.0),
                 "but a change near 1 is not \"no overlap\": the cosine between the edge map and the moved one "
                 "is %.2f after 1 pixel and still %.2f after %d (no overlap at all would be a cosine of 0 and a "
                 "change of √2 ≈ 1.41)", c1, cN, MAX_SHIFT);
        nb_para(nb, "For two maps of the same size, change² = 2 − 2 · cosine: a change of %.2f is a cosine of "
                    "about %.2f: the moved edge map still overlaps the old one about %.0f%% as much as the old "
                    "one overlaps itself. Strokes that run along the direction of the move still cover "
                    "themselves; only the strokes across it leave their old place.", change[0][MAX_SHIFT],
                1.0 - 0.5 * change[0][MAX_SHIFT] * change[0][MAX_SHIFT],
                100.0 * (1.0 - 0.5 * change[0][MAX_SHIFT] * change[0][MAX_SHIFT]));
    } else {
        nb_check(nb, cN <= 0.3, "after %d pixels the cosine between the edge map and the moved one is %.2f (%.2f "
                 "after 1): the moved strokes barely overlap their old place", MAX_SHIFT, cN, c1);
    }
    int all_lower = 1;
    for (int c = 1; c < NCASE; c++)
        for (int s = 1; s <= MAX_SHIFT; s++) all_lower &= change[c][s] < change[0][s];
    lesson_goal(nb, all_lower, "every pooling changes less than the edge map itself, at every shift from 1 to %d",
             MAX_SHIFT);
    lesson_goal(nb, change[1][1] < 0.7 * change[0][1],
             "after a 1-pixel move, max 2x2/2 changes by %.3f against the edge map's %.3f (%.0f%% less)",
             change[1][1], change[0][1], 100.0 * (1.0 - change[1][1] / change[0][1]));
    lesson_goal(nb, change[5][1] < change[1][1] && change[5][2] < change[1][2],
             "larger windows steady the features more: max 4x4/4 changes by %.3f and %.3f at shifts 1 and 2, "
             "max 2x2/2 by %.3f and %.3f", change[5][1], change[5][2], change[1][1], change[1][2]);
    nb_para(nb, "Read the table honestly: pooling does not make the features invariant. Even max 4x4/4 changes "
                "by %.2f when the digit moves 3 pixels. What it does is make them change less, and much less for "
                "moves smaller than the window: a stroke that stays inside its window does not change that "
                "window's maximum. The effect compounds when layers of convolution and pooling are stacked, "
                "which is why LeNet-5 and AlexNet pool after most of their convolutions.", change[5][3]);
}

/* --- the information is preserved ----------------------------------------------------------- */

static void classifiers_on_moved_digits(Notebook *nb, const PoolCase *cls_cases, const char *const *labels,
                                        const double *acc, double (*acc_shift)[MAX_SHIFT + 1]);

static void information_is_preserved(Notebook *nb, const Dataset *train, const Dataset *test, int quick, int epochs)
{
    const int D = test->height;
    nb_section(nb, "\"The information is preserved\": a classifier on pooled pixels");
    const int ntrain = quick ? 4000 : train->count, ntest = quick ? 1000 : test->count;
    const PoolCase cls_cases[NCLS] = {
        { "pixels 28x28", POOL_NONE, 0, 0 }, { "max 2x2/2 14x14", POOL_MAX, 2, 2 },
        { "avg 2x2/2 14x14", POOL_AVG, 2, 2 }, { "max 4x4/4 7x7", POOL_MAX, 4, 4 },
        { "avg 4x4/4 7x7", POOL_AVG, 4, 4 },
    };
    double acc[NCLS], acc_shift[NCLS][MAX_SHIFT + 1];
    int nin[NCLS];
    nb_para(nb, "If pooling keeps the information that matters, a classifier that only sees pooled pixels "
                "should do nearly as well as one that sees them all. The classifier is the simplest there is: "
                "one dense layer from the pixels to 10 scores, softmax and cross-entropy (a linear "
                "classifier), trained with core/train for %d epoch%s on %d training digits and tested on %d "
                "others. Five of them: on the 784 raw pixels, and on the 196 or 49 numbers left after pooling "
                "(the pooling is a fixed first layer with no weights).", epochs, epochs == 1 ? "" : "s", ntrain,
            ntest);
    Dataset *tr = dataset_pick(train, ntrain, 0, "mnist-sample train (evenly picked)");
    Dataset *te[MAX_SHIFT + 1];
    for (int s = 0; s <= MAX_SHIFT; s++) te[s] = dataset_pick(test, ntest, s, "mnist-sample test (shifted)");
    for (int c = 0; c < NCLS; c++) {
        Net *net = net_create("pooled-softmax", (CnShape){ 1, D, D });
        if (cls_cases[c].kind == POOL_MAX) net_add(net, "pool", maxpool2d_create(cls_cases[c].k, cls_cases[c].s, 0));
        if (cls_cases[c].kind == POOL_AVG) net_add(net, "pool", avgpool2d_create(cls_cases[c].k, cls_cases[c].s, 0));
        net_add(net, "fc", dense_create(10));
        CN_CHECK(net_ok(net));
        nin[c] = (int)shape_size(net_layer(net, net_count(net) - 1)->in);
        Rng r;
        rng_seed(&r, 4, (uint64_t)c);
        net_init(net, INIT_XAVIER, &r);
        TrainConfig tc = train_defaults();
        tc.epochs = epochs;
        tc.batch = 32;
        tc.lr = optim_schedule_constant(0.05f);
        tc.momentum = 0.9f;
        tc.seed = 4;
        tc.quiet = 1;
        TrainHistory h = { 0 };
        CN_CHECK(train_run(net, tr, te[0], &tc, &h) == 0);
        acc[c] = h.e[h.n - 1].test_acc;
        train_history_free(&h);
        for (int s = 0; s <= MAX_SHIFT; s++) {
            EvalResult er = { 0 };
            CN_CHECK(net_evaluate(net, te[s], 0, &er) == 0);
            acc_shift[c][s] = er.accuracy;
            train_eval_result_free(&er);
        }
        net_free(net);
    }
    const char *hdr[] = { "input", "numbers per digit", "test accuracy", "share of the 28x28 accuracy" };
    char txt[NCLS][3][32];
    const char *cells[NCLS * 4];
    for (int c = 0; c < NCLS; c++) {
        snprintf(txt[c][0], sizeof txt[c][0], "%d", nin[c]);
        snprintf(txt[c][1], sizeof txt[c][1], "%.2f%%", 100.0 * acc[c]);
        snprintf(txt[c][2], sizeof txt[c][2], "%.1f%%", 100.0 * acc[c] / acc[0]);
        cells[c * 4] = cls_cases[c].name;
        cells[c * 4 + 1] = txt[c][0];
        cells[c * 4 + 2] = txt[c][1];
        cells[c * 4 + 3] = txt[c][2];
    }
    nb_table(nb, hdr, cells, NCLS, 4);
    const char *labels[NCLS];
    double pct[NCLS];
    for (int c = 0; c < NCLS; c++) labels[c] = cls_cases[c].name, pct[c] = 100.0 * acc[c];
    int rc = plot_bars(nb_path(nb, "pooled_accuracy.png"), nb_path(nb, "pooled_accuracy.dat"),
                       "Test accuracy of a linear classifier on raw and pooled pixels", "test accuracy (%)",
                       labels, pct, NCLS);
    CN_CHECK(rc >= 0);
    nb_plot(nb, "test accuracy (%) of the same linear classifier on the raw pixels and on pooled pixels",
            "pooled_accuracy.png");
    lesson_goal(nb, acc[0] > 0.8, "the classifier learns: %.2f%% of the test digits right on raw pixels (chance is "
                               "10%%)", 100.0 * acc[0]);
    lesson_goal(nb, acc[1] > acc[0] - 0.02 && acc[2] > acc[0] - 0.02,
             "pooled to 14x14 (4× fewer numbers) it loses less than 2 points: %.2f%% (max) and %.2f%% (avg) "
             "against %.2f%%", 100.0 * acc[1], 100.0 * acc[2], 100.0 * acc[0]);
    lesson_goal(nb, acc[3] > 0.85 * acc[0] && acc[4] > 0.85 * acc[0],
             "pooled to 7x7 (16× fewer numbers) it still keeps %.0f%% (max) and %.0f%% (avg) of its accuracy",
             100.0 * acc[3] / acc[0], 100.0 * acc[4] / acc[0]);
    classifiers_on_moved_digits(nb, cls_cases, labels, acc, acc_shift);
    dataset_free(tr);
    for (int s = 0; s <= MAX_SHIFT; s++) dataset_free(te[s]);
}

/* The classifiers, trained on digits in their usual place, on digits moved to the right. */
static void classifiers_on_moved_digits(Notebook *nb, const PoolCase *cls_cases, const char *const *labels,
                                        const double *acc, double (*acc_shift)[MAX_SHIFT + 1])
{
    int rc;
    nb_para(nb, "The classifiers were trained on digits in their usual place. Here are the same classifiers "
                "tested on the same test digits moved 1, 2 and 3 pixels to the right:");
    const char *hdr2[NCLS + 1];
    hdr2[0] = "shift (pixels)";
    for (int c = 0; c < NCLS; c++) hdr2[c + 1] = cls_cases[c].name;
    char txt2[MAX_SHIFT + 1][NCLS + 1][16];
    const char *cells2[(MAX_SHIFT + 1) * (NCLS + 1)];
    for (int s = 0; s <= MAX_SHIFT; s++) {
        snprintf(txt2[s][0], sizeof txt2[s][0], "%d", s);
        cells2[s * (NCLS + 1)] = txt2[s][0];
        for (int c = 0; c < NCLS; c++) {
            snprintf(txt2[s][c + 1], sizeof txt2[s][c + 1], "%.1f%%", 100.0 * acc_shift[c][s]);
            cells2[s * (NCLS + 1) + c + 1] = txt2[s][c + 1];
        }
    }
    nb_table(nb, hdr2, cells2, MAX_SHIFT + 1, NCLS + 1);
    double xs_[MAX_SHIFT + 1], ysd[NCLS][MAX_SHIFT + 1];
    const double *ys[NCLS];
    for (int s = 0; s <= MAX_SHIFT; s++) xs_[s] = s;
    for (int c = 0; c < NCLS; c++) {
        for (int s = 0; s <= MAX_SHIFT; s++) ysd[c][s] = 100.0 * acc_shift[c][s];
        ys[c] = ysd[c];
    }
    rc = plot_lines(nb_path(nb, "shifted_accuracy.png"), nb_path(nb, "shifted_accuracy.dat"),
                    "Test accuracy on digits moved to the right", "shift (pixels)", "test accuracy (%)", labels,
                    xs_, ys, NCLS, MAX_SHIFT + 1);
    CN_CHECK(rc >= 0);
    nb_plot(nb, "test accuracy (%) of each classifier on the test digits moved s pixels to the right",
            "shifted_accuracy.png");
    lesson_goal(nb, acc_shift[0][MAX_SHIFT] < acc_shift[0][0] - 0.2,
             "on raw pixels a %d-pixel move costs %.1f points (%.1f%% → %.1f%%): the dense layer's weights are "
             "tied to pixel positions", MAX_SHIFT, 100.0 * (acc_shift[0][0] - acc_shift[0][MAX_SHIFT]),
             100.0 * acc_shift[0][0], 100.0 * acc_shift[0][MAX_SHIFT]);
    double best = 0.0;
    int bi = 0;
    for (int c = 0; c < NCLS; c++)
        if (acc_shift[c][MAX_SHIFT] > best) best = acc_shift[c][MAX_SHIFT], bi = c;
    lesson_goal(nb, best < 0.5,
             "but one pooling layer does not rescue it: after a %d-pixel move every classifier is below 50%% "
             "(the best, %s, gets %.1f%%)", MAX_SHIFT, cls_cases[bi].name, 100.0 * best);
    nb_para(nb, "This is the other half of the story. The features changed less (previous section), but "
                "the accuracy falls about as fast with pooling as without (2 pixels: %.1f%% for max 2x2/2, "
                "%.1f%% on raw pixels). A linear classifier on pooled pixels is still tied to positions: a "
                "2-pixel move shifts a 2x2/2-pooled map by one whole cell, and every weight then meets a "
                "different cell. Less change is not no change. Real invariance comes from stacking: "
                "convolution, pooling, convolution, pooling, each stage summarising a wider region (lesson 03's "
                "receptive fields), as LeNet-5 does in lesson 08, and from training on moved digits.",
            100.0 * acc_shift[1][2], 100.0 * acc_shift[0][2]);
    nb_para(nb, "So \"the information is preserved\" holds in the sense that matters for recognition: "
                "keeping a quarter of the numbers costs %.1f points or less here. What pooling throws away is "
                "the exact position of each stroke inside its window.", 100.0 * fmax(acc[0] - acc[1], acc[0] - acc[2]));
}

/* --- try it yourself -------------------------------------------------------------------------- */

static void try_it_yourself(Notebook *nb)
{
    nb_section(nb, "Try it yourself");
    nb_para(nb, "- Train longer: build/lessons/" LESSON_ID " --epochs 20. Do the pooled classifiers catch up "
                "or fall behind?\n"
                "- Average the shift experiment over fewer digits (--digits 50) and see how much the numbers "
                "wobble.\n"
                "- Your own picture: --image FILE (PNG or JPEG, at least 48x48; its central square is used). "
                "Does max pooling keep its strongest edge, and average pooling its mean, exactly as with the "
                "photograph?\n"
                "Claims that these settings do not reach are marked \"not reached with these settings\" instead "
                "of failing.");
}

/* --- helpers ---------------------------------------------------------------------------------- */

/* The lesson's photograph (or --image), gray, its central square shrunk to
 * 128 px with --quick or 256 px: the pooled maps below are square. */
static CnImage *load_photo(const char *image, int quick)
{
    CnImage *im = load_lesson_photo(image, 1);
    const int side = im->h < im->w ? im->h : im->w;
    if (side < 48)
        CN_DIE("the picture %s is %dx%d pixels; the lesson needs at least 48x48", image ? image : lesson_photo_path(),
               im->w, im->h);
    return shrink_image(central_square(im), quick ? 128 : 256);
}

/* --- pooling through the library ------------------------------------------------------ */

/* Output side of a k x k / s pooling of an n-pixel side, no padding: the one
 * formula of core/conv.h. */
static int pooled_side(int n, int k, int s)
{
    if (k == 0) return n;
    int o = conv_out_size(n, k, s, 0, 0);
    CN_CHECK(o > 0);
    return o;
}

/* out (OH,OW) = pooling of in (H,W); for POOL_NONE a copy. */
static void pool_map(float *out, const float *in, int H, int W, const PoolCase *pc)
{
    if (pc->kind == POOL_NONE) {
        memcpy(out, in, (size_t)H * (size_t)W * sizeof *out);
        return;
    }
    int OH = pooled_side(H, pc->k, pc->s), OW = pooled_side(W, pc->k, pc->s);
    if (pc->kind == POOL_MAX)
        maxpool2d_forward(out, NULL, in, 1, 1, H, W, OH, OW, pc->k, pc->k, pc->s, pc->s, 0, 0);
    else
        avgpool2d_forward(out, in, 1, 1, H, W, OH, OW, pc->k, pc->k, pc->s, pc->s, 0, 0);
}

/* Edge strength |edge3 ⋆ x|: the seed's "edge detection (3)", 8 x centre -
 * the 8 neighbours, and its magnitude (an edge is an edge whichever side is
 * brighter). Border mode `mode`: out is (H, W) in same mode (digits, whose
 * border is black anyway), (H-2, W-2) in valid mode (the photo, whose border
 * would otherwise light up against the zero padding, lesson 01). */
static void edge_strength(float *out, const float *x, int H, int W, const CnKernel *k, ConvBorder mode)
{
    int oh, ow;
    CN_CHECK(conv2d_border_size(&oh, &ow, H, W, k->h, k->w, mode, 1) == 0);
    CN_CHECK(correlate2d_border(out, x, H, W, k->v, k->h, k->w, mode, 1) == 0);
    for (size_t i = 0; i < (size_t)oh * (size_t)ow; i++) out[i] = fabsf(out[i]);
}

/* dst (n, n) = src moved dx pixels right and dy down, zeros coming in. */
static void shift_image(float *dst, const float *src, int n, int dx, int dy)
{
    for (int y = 0; y < n; y++)
        for (int x = 0; x < n; x++) {
            int sy = y - dy, sx = x - dx;
            dst[y * n + x] = sy >= 0 && sy < n && sx >= 0 && sx < n ? src[sy * n + sx] : 0.0f;
        }
}

/* --- datasets made here ---------------------------------------------------------------- */

/* n images of d picked evenly across it (strided_subset: d's files are
 * sorted by digit, so "the first n" would be all zeros), each moved dx
 * pixels to the right (zeros coming in from the left). */
static Dataset *dataset_pick(const Dataset *d, int n, int dx, const char *name)
{
    Dataset *o = strided_subset(d, n);
    snprintf(o->name, sizeof o->name, "%s", name);
    const int W = o->width;
    for (size_t row = 0; row < (size_t)o->count * (size_t)o->height; row++) {
        unsigned char *r = o->images + row * (size_t)W;
        memmove(r + dx, r, (size_t)(W - dx));
        memset(r, 0, (size_t)dx);
    }
    return o;
}

/* --- the command line ------------------------------------------------------------------------- */

static void read_flags(int argc, char **argv, int *quick, int *epochs, int *ndigits, const char **image)
{
    CliOpt opts[] = {
        { "quick", OPT_FLAG, quick, "a few seconds: a 128-pixel photo, 200 digits, shorter training on half the digits" },
        { "epochs", OPT_INT, epochs, "N: training epochs of each classifier (default 6; 2 with --quick)" },
        { "digits", OPT_INT, ndigits, "N: digits averaged in the shift experiment (default all 2,004; 200 with --quick)" },
        { "image", OPT_STRING, image, "FILE: your own picture (PNG or JPEG, at least 48x48) instead of the photograph" },
    };
    cli_lesson(argc, argv, opts, 4, LESSON_ID,
               "Lesson 04: pooling. Max and average pooling on a photo's edge map and on digits; shift "
               "invariance measured; a classifier on pooled pixels.");
    const int dflt = *quick ? 2 : 6;
    const int given_digits = *ndigits != CLI_UNSET;
    cli_int_or(epochs, dflt, 1, 100, "epochs", "epochs");
    if (given_digits && *ndigits < 1)
        cli_refuse("--digits %d: give a positive number of digits (or leave it out)", *ndigits);
    /* the claims about training and averages are made for the defaults; elsewhere they are goals (goals.h) */
    lesson_explore(*epochs != dflt || given_digits || *image);
}
