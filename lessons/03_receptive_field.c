/* 03_receptive_field.c - lesson 03: the receptive field.
 *
 * The seed's first slide: "the size of the image region one neuron takes
 * in". Stacked 3x3 filters grow it 3 -> 5 -> 7; stride and pooling grow it
 * faster; LeNet-5 and the scaled-down AlexNet of this course, layer by
 * layer. Every number the formula gives is measured too: an impulse (one
 * bright pixel) pushed through a stack of all-positive linear filters lights
 * up exactly the pixels the formula predicts, and pushing an impulse at
 * every input pixel finds which ones a unit can see.
 *
 *   build/lessons/03_receptive_field              the full lesson
 *   build/lessons/03_receptive_field --quick      the same, smaller pictures
 *   build/lessons/03_receptive_field --depth 8    a deeper stack of 3x3 filters
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/conv.h"
#include "core/die.h"
#include "core/error.h"
#include "core/image.h"
#include "core/notebook.h"
#include "core/plot.h"
#include "core/receptive.h"
#include "datasets/dataset.h"
#include "lessons/kit/cli.h"
#include "lessons/kit/draw.h"
#include "lessons/kit/report.h"
#include "lessons/lesson.h"

#define LESSON_ID "03_receptive_field"
#define MAX_LAYERS 16
#define MAX_K 11 /* largest kernel or pooling window a stack may use */

/* --- stacks of layers ------------------------------------------------------------- */

/* A layer of a stack: a convolution or a pooling window, one axis of it
 * (k, stride, padding before; the same padding after, as the networks use). */
typedef struct {
    const char *name;
    RfLayer l;
} StackLayer;

typedef struct {
    const char *name;
    int n;
    StackLayer layers[MAX_LAYERS];
} Stack;

/* The sections of the lesson, in the order main() tells them. */
static void the_seeds_first_idea(Notebook *nb);
static void stacking_3x3_filters(Notebook *nb, int depth);
static void an_impulse_shows_the_field(Notebook *nb, int depth, int quick);
static void stride_and_pooling(Notebook *nb, int quick);
static void lenet_layer_by_layer(Notebook *nb, int quick);
static void alexnet_layer_by_layer(Notebook *nb, int quick);
static void the_field_on_a_photograph(Notebook *nb, int quick);
static void try_it_yourself(Notebook *nb, int depth);

int main(int argc, char **argv)
{
    int quick = 0, depth = 5;
    CliOpt opts[] = {
        { "quick", OPT_FLAG, &quick, "a few seconds: smaller pictures (every image still written)" },
        { "depth", OPT_INT, &depth, "N: layers in the deepest stack of 3x3 filters, 1 to 10" },
    };
    cli_lesson(argc, argv, opts, 2, LESSON_ID,
               "Lesson 03: the receptive field. Stacked 3x3 filters; stride and pooling; LeNet-5's and the "
               "scaled-down AlexNet's fields layer by layer; impulses that show each field as a picture.");
    if (depth < 1 || depth > 10) cli_refuse("--depth %d: use a whole number from 1 to 10 (e.g. --depth 8)", depth);

    Notebook *nb = nb_open(LESSON_ID, "Lesson 03 — The receptive field");
    CN_CHECK(nb);
    the_seeds_first_idea(nb);
    stacking_3x3_filters(nb, depth);
    an_impulse_shows_the_field(nb, depth, quick);
    stride_and_pooling(nb, quick);
    lenet_layer_by_layer(nb, quick);
    alexnet_layer_by_layer(nb, quick);
    the_field_on_a_photograph(nb, quick);
    try_it_yourself(nb, depth);

    return lesson_end(nb);
}

/* Helpers, defined after the sections. */
static int stack_sizes(int *out, const Stack *st, int in);
static void stack_forward(float **maps, const float *in, int side, const Stack *st, const int *sizes);
static CnImage *field_tile(const float *v, int side, int sc, int lo, int hi);
static void write_tiles(Notebook *nb, const char *file, CnImage **tiles, const char *const *labels, int n, int cols);
static int network_table(Notebook *nb, const Stack *st, int side, const char *file, int scale, double *peak_row,
                         double *middle);

static void the_seeds_first_idea(Notebook *nb)
{
    nb_para(nb, "The seed deck opens with one idea: the receptive field, \"the size of the image region one "
                "neuron takes in\". A pixel of a filtered image (a neuron, or unit, of a convolutional layer) is "
                "computed from a small window of its input. If that input was itself filtered, each of its "
                "pixels came from a window too, so the unit really depends on a larger region of the original "
                "image. How large? This lesson computes it with a formula and then measures it.");
}

/* --- stacked 3x3 filters ------------------------------------------------------------ */

static void stacking_3x3_filters(Notebook *nb, int depth)
{
    nb_section(nb, "Stacking 3x3 filters: 3, 5, 7, …");
    nb_para(nb, "One 3x3 filter: each output pixel sees a 3x3 patch of the input, a field of 3. Put a second 3x3 "
                "filter on top: its output pixel sees 3x3 pixels of the first output, and those reach one pixel "
                "further out on every side, so 5x5. Each 3x3 layer adds one pixel on each side: 3, 5, 7, …");
    nb_para(nb, "The general rule (Araujo, Norris and Sim, Distill 2019), layer by layer along one axis, for a "
                "layer with kernel k and stride s:\n"
                "- field: r_l = r_(l−1) + (k_l − 1) × j_(l−1)\n"
                "- jump: j_l = j_(l−1) × s_l (how many input pixels apart two neighbouring units are)");
    nb_para(nb, "Start from the image itself, r_0 = 1 and j_0 = 1. With stride 1 the jump stays 1 and every "
                "3x3 layer adds 2.");
    Stack s33 = { "3x3 stack", depth, { { 0 } } };
    char names33[10][24];
    for (int i = 0; i < depth; i++) {
        snprintf(names33[i], sizeof names33[i], "conv%d 3x3", i + 1);
        s33.layers[i] = (StackLayer){ names33[i], { 3, 1, 1 } };
    }
    RfLayer ls33[10];
    RfInfo rf33[10];
    for (int i = 0; i < depth; i++) ls33[i] = s33.layers[i].l;
    CN_CHECK(receptive_field(rf33, ls33, depth) == 0);
    const char *hdr[] = { "layers", "field r (formula)", "jump j", "1 + 2 × layers" };
    char txt[10][4][24];
    const char *cells[40];
    int ok = 1;
    char seq[128] = "";
    for (int i = 0; i < depth; i++) {
        snprintf(txt[i][0], 24, "%d", i + 1);
        snprintf(txt[i][1], 24, "%d", rf33[i].size);
        snprintf(txt[i][2], 24, "%d", rf33[i].jump);
        snprintf(txt[i][3], 24, "%d", 1 + 2 * (i + 1));
        ok &= rf33[i].size == 1 + 2 * (i + 1) && rf33[i].jump == 1;
        for (int c = 0; c < 4; c++) cells[i * 4 + c] = txt[i][c];
        size_t len = strlen(seq);
        snprintf(seq + len, sizeof seq - len, "%s%d", i ? " → " : "", rf33[i].size);
    }
    nb_table(nb, hdr, cells, depth, 4);
    nb_check(nb, ok, "stacked 3x3 filters with stride 1 see %s pixels: 1 + 2 × (number of layers)", seq);
}

/* --- an impulse shows it ------------------------------------------------------------- */

static void profile_through_the_middle(Notebook *nb, float *const *rows, int side, int c, float corner3);

static void an_impulse_shows_the_field(Notebook *nb, int depth, int quick)
{
    nb_section(nb, "An impulse makes the field visible");
    nb_para(nb, "To see a field, use an impulse: a black image with a single white pixel in the middle. Filter it "
                "with a stack of filters whose weights are all positive (here each k x k filter is a plain "
                "average, all weights 1/k²), in same mode so the size does not change. Every output pixel "
                "that the white pixel can reach along some path becomes non-zero, and nothing can cancel. "
                "The lit-up region is the set of output pixels whose field contains the white pixel; for filters "
                "with stride 1 it has exactly the size of one unit's field.");
    /* the stacks, each in same mode (padding (k-1)/2), stride 1 */
    enum { NST = 6 };
    Stack st[NST] = {
        { "one 3x3", 1, { { "3x3", { 3, 1, 1 } } } },
        { "two 3x3", 2, { { "3x3", { 3, 1, 1 } }, { "3x3", { 3, 1, 1 } } } },
        { "three 3x3", 3, { { "3x3", { 3, 1, 1 } }, { "3x3", { 3, 1, 1 } }, { "3x3", { 3, 1, 1 } } } },
        { "one 7x7", 1, { { "7x7", { 7, 1, 3 } } } },
        { "5x5 then 3x3", 2, { { "5x5", { 5, 1, 2 } }, { "3x3", { 3, 1, 1 } } } },
        { "", depth, { { 0 } } },
    };
    char deep_name[32];
    snprintf(deep_name, sizeof deep_name, "%d × 3x3", depth);
    st[5].name = deep_name;
    for (int i = 0; i < depth; i++) st[5].layers[i] = (StackLayer){ "3x3", { 3, 1, 1 } };

    int maxr = 1 + 2 * depth > 7 ? 1 + 2 * depth : 7;
    int side = maxr + 8;
    if (side % 2 == 0) side++;
    int c = side / 2;
    size_t n = (size_t)side * (size_t)side;
    float *imp = xcalloc(n, sizeof *imp);
    imp[(size_t)c * (size_t)side + (size_t)c] = 1.0f;
    CnImage *tiles[NST];
    char lab[NST][48];
    const char *labp[NST];
    int all = 1;
    char got[256] = "";
    float *rows[NST];
    float corner3 = 0.0f; /* three 3x3: the corner of the field */
    for (int s = 0; s < NST; s++) {
        int sizes[MAX_LAYERS];
        RfLayer ls[MAX_LAYERS];
        RfInfo rf[MAX_LAYERS];
        float *maps[MAX_LAYERS];
        CN_CHECK(stack_sizes(sizes, &st[s], side) == 0);
        for (int i = 0; i < st[s].n; i++) {
            ls[i] = st[s].layers[i].l;
            maps[i] = xcalloc((size_t)sizes[i] * (size_t)sizes[i], sizeof(float));
        }
        CN_CHECK(receptive_field(rf, ls, st[s].n) == 0);
        stack_forward(maps, imp, side, &st[s], sizes);
        const float *out = maps[st[s].n - 1];
        int y0 = side, y1 = -1, x0 = side, x1 = -1;
        for (int y = 0; y < side; y++)
            for (int x = 0; x < side; x++)
                if (out[(size_t)y * (size_t)side + (size_t)x] != 0.0f) {
                    if (y < y0) y0 = y;
                    if (y > y1) y1 = y;
                    if (x < x0) x0 = x;
                    if (x > x1) x1 = x;
                }
        int r = rf[st[s].n - 1].size, hh = y1 - y0 + 1, ww = x1 - x0 + 1;
        all &= hh == r && ww == r && y0 == c - (r - 1) / 2 && x0 == c - (r - 1) / 2;
        size_t len = strlen(got);
        snprintf(got + len, sizeof got - len, "%s%s: %dx%d (formula %d)", s ? "; " : "", st[s].name, ww, hh, r);
        tiles[s] = field_tile(out, side, quick ? 6 : 10, c - (r - 1) / 2, c + (r - 1) / 2);
        snprintf(lab[s], sizeof lab[s], "%s: %dx%d", st[s].name, ww, hh);
        labp[s] = lab[s];
        rows[s] = xcalloc((size_t)side, sizeof(float));
        memcpy(rows[s], out + (size_t)c * (size_t)side, (size_t)side * sizeof(float));
        if (s == 2) corner3 = out[(size_t)(c + 3) * (size_t)side + (size_t)(c + 3)];
        for (int i = 0; i < st[s].n; i++) free(maps[i]);
    }
    nb_check(nb, all, "each lit-up region, centred on the impulse, is exactly as wide and tall as the formula "
                      "says: %s", got);
    write_tiles(nb, "impulse_footprints.png", tiles, labp, NST, 3);
    char cap[512];
    snprintf(cap, sizeof cap, "one white pixel in the middle of a %dx%d black image, after each stack of "
             "averaging filters; black = exactly 0, gray to white = small to large (on a square-root scale, so "
             "faint values show); red frame = the field size the formula predicts", side, side);
    nb_image(nb, cap, "impulse_footprints.png");
    nb_para(nb, "What to look at: every lit region fills its red frame exactly. \"three 3x3\" and \"one 7x7\" "
                "and \"5x5 then 3x3\" all reach 7x7, but they are not the same inside: the single 7x7 average "
                "is flat, while stacked filters make a bell, bright in the middle and faint at the edge. A "
                "pixel in the middle of the field reaches the unit along many paths, one at the corner along "
                "only one.");
    profile_through_the_middle(nb, rows, side, c, corner3);
    for (int s = 0; s < NST; s++) free(rows[s]);
    free(imp);
}

/* The profile through the middle row: flat 7x7 vs bell of three 3x3. */
static void profile_through_the_middle(Notebook *nb, float *const *rows, int side, int c, float corner3)
{
    double *xs = xcalloc((size_t)side, sizeof *xs), *y1v = xcalloc((size_t)side, sizeof *y1v),
           *y2v = xcalloc((size_t)side, sizeof *y2v), *y3v = xcalloc((size_t)side, sizeof *y3v);
    for (int i = 0; i < side; i++) xs[i] = i - c, y1v[i] = rows[2][i], y2v[i] = rows[3][i], y3v[i] = rows[4][i];
    const double *ys[3] = { y1v, y2v, y3v };
    const char *names[3] = { "three 3x3 averages", "one 7x7 average", "5x5 then 3x3 average" };
    CN_CHECK(plot_lines(nb_path(nb, "impulse_profile.png"), nb_path(nb, "impulse_profile.dat"),
                        "The middle row of the impulse response: same field, different weights",
                        "offset from the impulse (pixels)", "value", names, xs, ys, 3, side) >= 0);
    nb_plot(nb, "the middle row of three of the responses above: all three are non-zero on the same 7 "
                "pixels, but the stacked filters weigh the centre far more than the edges", "impulse_profile.png");
    double centre = rows[2][c], edge = rows[2][c + 3], flat = rows[3][c];
    nb_check(nb, fabs(rows[3][c + 3] - flat) < 1e-7 && centre > 2.0 * flat && edge < 0.5 * flat &&
                     corner3 < 0.1 * flat,
             "the 7x7 average gives every pixel of its field the same weight, %.5f; three 3x3 averages give "
             "the centre %.5f (%.1f times as much), the middle of an edge %.5f and a corner %.5f (%.0f times "
             "less)", flat, centre, centre / flat, edge, (double)corner3, flat / corner3);
    nb_para(nb, "So the field says which pixels can matter, not how much they do: most of what a unit sees "
                "comes from the middle of its field. (Luo et al., 2016, call the bright middle the effective "
                "receptive field.) Three 3x3 layers cover the same 7x7 field as one 7x7 layer with 3 × 9 = 27 "
                "weights instead of 49, and a nonlinearity can sit between them: one reason why VGG and most "
                "later networks stack 3x3 filters.");
    free(xs);
    free(y1v);
    free(y2v);
    free(y3v);
}

/* --- stride and pooling --------------------------------------------------------------- */

static void stride_and_pooling(Notebook *nb, int quick)
{
    nb_section(nb, "Stride and pooling: growing faster");
    nb_para(nb, "A layer with stride 2 (a strided convolution, or a 2x2 pooling) keeps only every second "
                "position, so neighbouring units of the next layer are 2 input pixels apart: the jump doubles. "
                "Every later layer then adds (k − 1) × jump, twice as much as before. The growth becomes "
                "exponential instead of linear. Three stacks of four 3x3 convolutions, the field r and the jump "
                "j after each convolution (a pooling counts toward the convolutions after it):");
    /* Compared after the same number of convolutions: the pooling stack has
     * a 2x2 pooling after each of its first two. */
    enum { NST = 3, NC = 4 };
    Stack st[NST] = {
        { "stride 1", 4, { { "conv 3x3", { 3, 1, 1 } }, { "conv 3x3", { 3, 1, 1 } },
                           { "conv 3x3", { 3, 1, 1 } }, { "conv 3x3", { 3, 1, 1 } } } },
        { "2x2 pooling after conv 1, 2", 6,
          { { "conv 3x3", { 3, 1, 1 } }, { "pool 2x2/2", { 2, 2, 0 } }, { "conv 3x3", { 3, 1, 1 } },
            { "pool 2x2/2", { 2, 2, 0 } }, { "conv 3x3", { 3, 1, 1 } }, { "conv 3x3", { 3, 1, 1 } } } },
        { "stride 2", 4, { { "conv1 3x3/2", { 3, 2, 1 } }, { "conv2 3x3/2", { 3, 2, 1 } },
                           { "conv3 3x3/2", { 3, 2, 1 } }, { "conv4 3x3/2", { 3, 2, 1 } } } },
    };
    const char *hdr[] = { "3x3 convolutions", "conv 1", "conv 2", "conv 3", "conv 4" };
    char txt[NST][5][64];
    const char *cells[NST * 5];
    int last[NST];
    for (int s = 0; s < NST; s++) {
        RfLayer ls[MAX_LAYERS];
        RfInfo rf[MAX_LAYERS];
        for (int i = 0; i < st[s].n; i++) ls[i] = st[s].layers[i].l;
        CN_CHECK(receptive_field(rf, ls, st[s].n) == 0);
        snprintf(txt[s][0], 64, "%s", st[s].name);
        /* the field after each convolution, the poolings before it included */
        for (int i = 0, c = 0; i < st[s].n; i++)
            if (!strncmp(st[s].layers[i].name, "conv", 4)) {
                snprintf(txt[s][++c], 64, "r %d, j %d", rf[i].size, rf[i].jump);
                last[s] = rf[i].size;
            }
        for (int cc = 0; cc < 5; cc++) cells[s * 5 + cc] = txt[s][cc];
    }
    nb_table(nb, hdr, cells, NST, 5);
    nb_check(nb, last[0] < last[1] && last[1] < last[2],
             "after %d convolutions each: %d pixels with stride 1, %d with a 2x2 pooling after the first two, "
             "%d with stride 2 everywhere", NC, last[0], last[1], last[2]);
    nb_para(nb, "To check the strided stack we need a second kind of measurement, because its output is "
                "smaller than its input. Instead of one impulse, push an impulse at every input pixel in turn "
                "and watch one unit: the pixels that change it are, by definition, its field. Here is the "
                "centre unit of each layer of the stride-2 stack, on a %dx%d input:", quick ? 40 : 48,
                quick ? 40 : 48);
    int ok = network_table(nb, &st[2], quick ? 40 : 48, "stride2_fields.png", quick ? 5 : 6, NULL, NULL);
    nb_check(nb, ok, "for all %d layers, the pixels that can change the centre unit span exactly the rows and "
                     "columns the formula predicts", st[2].n);
    nb_image(nb, "the response of the centre unit of each layer of the stride-2 stack to an impulse at each "
                 "input pixel (black = no effect; gray to white = small to large effect, square-root scale); "
                 "red frame = the formula's field", "stride2_fields.png");
    nb_para(nb, "What to look at: each frame is filled exactly, but not evenly. The stride-2 fields are "
                "checkered: 3x3 windows that step by 2 overlap by one pixel, so every second row and column "
                "of the input is reached along more paths than its neighbours.");
    nb_para(nb, "The columns of the table: output is the layer's size; k, s, p its kernel, stride and zero "
                "padding; r and j the field and the jump; start is the centre of the first unit's field in "
                "input pixels (each unit is j further on). The centre unit is unit (n − 1)/2 of an n-unit output "
                "(the middle one when n is odd, the one just before the middle when n is even); its field is "
                "start + unit × j ± (r − 1)/2, cut to the image when it reaches into the padding.");
}

/* --- LeNet-5 and the scaled-down AlexNet ------------------------------------------------ */

static void lenet_layer_by_layer(Notebook *nb, int quick)
{
    nb_section(nb, "LeNet-5, layer by layer");
    nb_para(nb, "LeNet-5 (LeCun et al., 1998; slide 7 of the deck) reads a 32x32 image: convolution C1 5x5, "
                "subsampling S2 2x2 with stride 2, convolution C3 5x5, subsampling S4, convolution C5 5x5, all "
                "without padding. Its subsampling layers average (times a learned weight), so the stand-ins here "
                "are exact in shape.");
    Stack lenet = { "LeNet-5", 5,
                    { { "C1", { 5, 1, 0 } }, { "S2", { 2, 2, 0 } }, { "C3", { 5, 1, 0 } }, { "S4", { 2, 2, 0 } },
                      { "C5", { 5, 1, 0 } } } };
    int ok = network_table(nb, &lenet, 32, "lenet_fields.png", quick ? 5 : 8, NULL, NULL);
    RfLayer ls[5];
    RfInfo rf[5];
    for (int i = 0; i < 5; i++) ls[i] = lenet.layers[i].l;
    CN_CHECK(receptive_field(rf, ls, 5) == 0);
    nb_check(nb, ok, "for all 5 layers the measured field of the centre unit equals the formula's");
    nb_check(nb, rf[4].size == 32,
             "a C5 unit's field is %d pixels: the whole 32x32 image, so C5 is where LeNet first looks at the "
             "digit as a whole", rf[4].size);
    nb_image(nb, "LeNet-5: which input pixels can change the centre unit of each layer (black = none; gray to "
                 "white = small to large effect, square-root scale; red frame = the formula's field)",
             "lenet_fields.png");
    nb_para(nb, "What to look at: C1's field is a small %dx%d square; each layer after it is bigger, and C5's "
                "fills the whole picture. The subsampling layers add little field themselves (S2 adds (2 − 1) "
                "× %d = %d, S4 (2 − 1) × %d = %d), but they double the jump, so the 5x5 kernels after them "
                "reach further: C3 adds (5 − 1) × %d = %d pixels, C5 (5 − 1) × %d = %d.",
            rf[0].size, rf[0].size, rf[0].jump, rf[1].size - rf[0].size, rf[2].jump, rf[3].size - rf[2].size,
            rf[1].jump, rf[2].size - rf[1].size, rf[3].jump, rf[4].size - rf[3].size);
}

static void alexnet_layer_by_layer(Notebook *nb, int quick)
{
    nb_section(nb, "The scaled-down AlexNet, layer by layer");
    nb_para(nb, "AlexNet (2012; slide 9) read 224x224 photos. Lesson 09 trains a scaled-down one on 28x28 "
                "Fashion-MNIST images: conv1 5x5 (padding 2), overlapping max pooling 3x3 with stride 2, conv2 "
                "3x3 (padding 1), pooling 3x3/2, conv3, conv4 and conv5 3x3 (padding 1), pooling 3x3/2. Max "
                "pooling picks one input of its window depending on the values, so here an average stands in for "
                "it: the field is the set of pixels that can win, the whole window.");
    Stack alex = { "AlexNet (28x28)", 8,
                   { { "conv1", { 5, 1, 2 } }, { "pool1", { 3, 2, 0 } }, { "conv2", { 3, 1, 1 } },
                     { "pool2", { 3, 2, 0 } }, { "conv3", { 3, 1, 1 } }, { "conv4", { 3, 1, 1 } },
                     { "conv5", { 3, 1, 1 } }, { "pool3", { 3, 2, 0 } } } };
    double peak[8], middle[8];
    int ok = network_table(nb, &alex, 28, "alexnet_fields.png", quick ? 5 : 8, peak, middle);
    RfLayer ls[8];
    RfInfo rf[8];
    for (int i = 0; i < 8; i++) ls[i] = alex.layers[i].l;
    CN_CHECK(receptive_field(rf, ls, 8) == 0);
    nb_check(nb, ok, "for all 8 layers the measured field of the centre unit equals the formula's, cut to the "
                     "28x28 image");
    nb_check(nb, rf[7].size > 28,
             "the last pooling's field is %d pixels, more than the 28-pixel image: part of it lies in the zero "
             "padding, and every unit there sees most of the image", rf[7].size);
    nb_image(nb, "the scaled-down AlexNet: which input pixels can change the centre unit of each layer (black = "
                 "none; gray to white = small to large, square-root scale; red frame = the formula's field, cut "
                 "to the image)", "alexnet_fields.png");
    int sizes[8], past = -1;
    CN_CHECK(stack_sizes(sizes, &alex, 28) == 0);
    for (int i = 7; i >= 0; i--) {
        double lo, hi;
        receptive_span(&rf[i], (sizes[i] - 1) / 2, &lo, &hi);
        if (lo < 0 || hi > 27) past = i;
    }
    char seq[128] = "";
    for (int i = 0; i < 8; i++) {
        size_t len = strlen(seq);
        snprintf(seq + len, sizeof seq - len, "%s%d", i ? ", " : "", rf[i].size);
    }
    /* the brightest pixel of each field against the middle of its span */
    int peak_ok = 1;
    char where[256] = "";
    for (int i = 0; i < 8; i++) {
        double mid = middle[i] < 0 ? 0 : middle[i] > 27 ? 27 : middle[i];
        peak_ok &= fabs(peak[i] - mid) <= 1.0;
        size_t len = strlen(where);
        snprintf(where + len, sizeof where - len, "%s%s %.1f/%g", i ? ", " : "", alex.layers[i].name, peak[i],
                 middle[i]);
    }
    nb_para(nb, "What to look at: the fields grow %s. After pool2 the jump is %d, so each 3x3 layer adds "
                "(3 − 1) × %d = %d pixels, and from %s on the centre unit's field reaches past the image border "
                "(the table's \"→\" shows the formula's span cut to the image).", seq, rf[3].jump, rf[3].jump,
                2 * rf[3].jump, past >= 0 ? alex.layers[past].name : "(none)");
    nb_para(nb, "Which unit is shown: unit (n − 1)/2 of an n-unit output, the middle one when n is odd and the one "
                "just before the middle when n is even. pool3's output is %dx%d, so its unit %d is a corner unit: "
                "its field is centred on input row and column %g, %s, and its panel is brightest there, not in the "
                "middle of the picture. From pool1 on, the brightness falls off from the middle of the unit's "
                "field (conv1, a single average, is flat): pixels near the middle reach the unit along more paths.", sizes[7], sizes[7], (sizes[7] - 1) / 2,
                middle[7], middle[7] < 13.5 ? "toward the top left" : "toward the bottom right");
    nb_check(nb, peak_ok, "in all 8 layers the brightest pixel of the measured field lies within a pixel of the "
                          "middle of the unit's field (cut to the image); row of the brightest pixel / of the "
                          "middle: %s", where);
}

/* --- on the photograph ------------------------------------------------------------------ */

static void the_field_on_a_photograph(Notebook *nb, int quick)
{
    nb_section(nb, "How big is that on a photograph?");
    char path[4096];
    CN_CHECK(cn_project_path(path, sizeof path, "datasets/photos/camera.png") == 0);
    CnImage *photo = image_load(path, 1);
    if (!photo) {
        nb_para(nb, "(The photograph is not there: %s. Run `make datasets` to see this part.)", cn_last_error());
    } else {
        /* the photo shrunk to 128x128 by averaging blocks, shown enlarged */
        int f = photo->w / 128 > 0 ? photo->w / 128 : 1;
        int S = photo->w / f < photo->h / f ? photo->w / f : photo->h / f;
        if (S > 128) S = 128;
        int up = quick ? 2 : 4;
        CnImage *big = image_create(3, S * up, S * up);
        CN_CHECK(big);
        size_t plane = (size_t)big->h * (size_t)big->w;
        for (int y = 0; y < S * up; y++)
            for (int x = 0; x < S * up; x++) {
                double acc = 0.0;
                for (int dy = 0; dy < f; dy++)
                    for (int dx = 0; dx < f; dx++)
                        acc += photo->data[(size_t)((y / up) * f + dy) * (size_t)photo->w + (size_t)((x / up) * f + dx)];
                float v = (float)(acc / (f * f));
                size_t at = (size_t)y * (size_t)big->w + (size_t)x;
                big->data[at] = big->data[plane + at] = big->data[2 * plane + at] = v;
            }
        RfLayer ls[4] = { { 3, 2, 1 }, { 3, 2, 1 }, { 3, 2, 1 }, { 3, 2, 1 } };
        RfInfo rf[4];
        CN_CHECK(receptive_field(rf, ls, 4) == 0);
        const float col[4][3] = { { 1, 0.3f, 0.3f }, { 1, 0.8f, 0.2f }, { 0.3f, 1, 0.4f }, { 0.3f, 0.7f, 1 } };
        /* each layer's unit (n - 1)/2, drawn where its field really lies
         * (receptive_span), cut to the picture */
        int n = S, lo[4], hi[4], nested = 1;
        for (int i = 0; i < 4; i++) {
            n = conv_out_size(n, ls[i].k, ls[i].s, ls[i].p, ls[i].p);
            CN_CHECK(n >= 1);
            double a, b;
            receptive_span(&rf[i], (n - 1) / 2, &a, &b);
            lo[i] = a < 0 ? 0 : (int)a;
            hi[i] = b > S - 1 ? S - 1 : (int)b;
            nested &= i == 0 || (lo[i] <= lo[i - 1] && hi[i] >= hi[i - 1]);
        }
        /* largest first, so a smaller frame stays visible on a shared edge */
        for (int i = 3; i >= 0; i--) {
            int ya = lo[i] * up - 1, yb = (hi[i] + 1) * up;
            for (int y = ya - 1; y <= yb + 1; y++)
                for (int x = ya - 1; x <= yb + 1; x++) {
                    int edge = y <= ya || y >= yb || x <= ya || x >= yb;
                    if (!edge || y < 0 || x < 0 || y >= big->h || x >= big->w) continue;
                    size_t at = (size_t)y * (size_t)big->w + (size_t)x;
                    for (int ch = 0; ch < 3; ch++) big->data[(size_t)ch * plane + at] = col[i][ch];
                }
        }
        CN_CHECK(image_write_png(nb_path(nb, "photo_fields.png"), big->data, 3, big->h, big->w) == 0);
        char cap[400];
        snprintf(cap, sizeof cap, "the photograph at %dx%d pixels (shown %d times enlarged) with the fields of "
                 "the middle unit after 1, 2, 3 and 4 stride-2 3x3 layers, where they really lie: %d (red), %d "
                 "(yellow), %d (green) and %d (blue) pixels", S, S, up, rf[0].size, rf[1].size, rf[2].size,
                 rf[3].size);
        nb_image(nb, cap, "photo_fields.png");
        nb_check(nb, nested, "each field contains the one before: rows and columns %d..%d, %d..%d, %d..%d, %d..%d",
                 lo[0], hi[0], lo[1], hi[1], lo[2], hi[2], lo[3], hi[3]);
        if (hi[0] == hi[3])
            nb_para(nb, "The fields are not centred on each other: every layer's output here has an even number of "
                        "units, so the unit shown is the one just before the middle, and all four fields end at "
                        "the same row and column, %d; each layer's field grows up and to the left of the one "
                        "before.", hi[0]);
        nb_para(nb, "On a %dx%d picture, a first-layer unit sees a speck of %d pixels, enough for an edge or a "
                    "corner. Three layers later it sees a %dx%d patch, enough for a part of an object. That "
                    "is the point of stacking: early layers find small things, later layers combine them into "
                    "big ones.", S, S, rf[0].size, rf[3].size, rf[3].size);
        image_free(big);
        image_free(photo);
    }
}

/* --- try it yourself ------------------------------------------------------------------ */

static void try_it_yourself(Notebook *nb, int depth)
{
    nb_section(nb, "Try it yourself");
    nb_para(nb, "- A deeper or shallower stack of 3x3 filters: build/lessons/" LESSON_ID " --depth 8 (1 to 10; "
                "this run used %d). The table of the first section and the last impulse picture follow it: the "
                "field is always 1 + 2 × depth.\n"
                "- A quick run with smaller pictures: build/lessons/" LESSON_ID " --quick.\n"
                "- In the code: change a layer of the AlexNet stack in alexnet_layer_by_layer "
                "(lessons/" LESSON_ID ".c), e.g. pool1 to { 2, 2, 0 }, rebuild with make, and compare the "
                "formula with the measurement.", depth);
}

/* --- helpers ------------------------------------------------------------------------------ */

/* Output side of every layer for an input of side `in`; -1 if it does not fit. */
static int stack_sizes(int *out, const Stack *st, int in)
{
    for (int i = 0; i < st->n; i++) {
        const RfLayer *l = &st->layers[i].l;
        in = conv_out_size(in, l->k, l->s, l->p, l->p);
        if (in < 1) return -1;
        out[i] = in;
    }
    return 0;
}

/* Push a (side x side) map through the stack. Every layer, convolution or
 * pooling, is stood in for by a k x k average (all weights 1/k^2): linear
 * and all-positive, so a pixel that reaches a unit along any path makes it
 * non-zero, and nothing cancels. maps[l] receives layer l's output
 * (sizes[l] squared values). */
static void stack_forward(float **maps, const float *in, int side, const Stack *st, const int *sizes)
{
    float w[MAX_K * MAX_K];
    const float *x = in;
    int h = side;
    for (int i = 0; i < st->n; i++) {
        const RfLayer *l = &st->layers[i].l;
        CN_CHECK(l->k <= MAX_K || (cn_fail("layer %s: kernel %d is larger than %d", st->layers[i].name, l->k, MAX_K), 0));
        for (int j = 0; j < l->k * l->k; j++) w[j] = 1.0f / (float)(l->k * l->k);
        CN_CHECK(correlate2d(maps[i], x, h, h, w, l->k, l->k, l->s, l->s, l->p, l->p, l->p, l->p) == 0);
        x = maps[i];
        h = sizes[i];
    }
}

/* The measured receptive field of the centre unit of every layer: push an
 * impulse at each input pixel in turn and record the unit's value (field[l]
 * is side x side, 0 where the pixel cannot change the unit); lo/hi receive
 * the first and last row and column that can. The field is square because
 * every layer is, so rows and columns are recorded separately and compared. */
typedef struct {
    int unit;              /* the centre unit's index along each axis */
    int row_lo, row_hi;    /* measured extent along rows (-1 if empty) */
    int col_lo, col_hi;    /* and along columns */
    float *field;          /* side x side: the unit's response to an impulse at each pixel */
} Measured;

static void measure_fields(Measured *m, const Stack *st, int side, const int *sizes)
{
    size_t n = (size_t)side * (size_t)side;
    float *in = xcalloc(n, sizeof *in);
    float *maps[MAX_LAYERS];
    for (int i = 0; i < st->n; i++) {
        maps[i] = xcalloc((size_t)sizes[i] * (size_t)sizes[i], sizeof(float));
        m[i].unit = (sizes[i] - 1) / 2;
        m[i].row_lo = m[i].col_lo = -1;
        m[i].row_hi = m[i].col_hi = -1;
        m[i].field = xcalloc(n, sizeof(float));
    }
    for (int y = 0; y < side; y++)
        for (int x = 0; x < side; x++) {
            in[(size_t)y * (size_t)side + (size_t)x] = 1.0f;
            stack_forward(maps, in, side, st, sizes);
            in[(size_t)y * (size_t)side + (size_t)x] = 0.0f;
            for (int i = 0; i < st->n; i++) {
                float v = maps[i][(size_t)m[i].unit * (size_t)sizes[i] + (size_t)m[i].unit];
                m[i].field[(size_t)y * (size_t)side + (size_t)x] = v;
                if (v == 0.0f) continue;
                if (m[i].row_lo < 0 || y < m[i].row_lo) m[i].row_lo = y;
                if (y > m[i].row_hi) m[i].row_hi = y;
                if (m[i].col_lo < 0 || x < m[i].col_lo) m[i].col_lo = x;
                if (x > m[i].col_hi) m[i].col_hi = x;
            }
        }
    for (int i = 0; i < st->n; i++) free(maps[i]);
    free(in);
}

/* The formula's span of unit u, clipped to the input [0, side-1]. */
static void formula_span(const RfInfo *rf, int u, int side, int *lo, int *hi, double *raw_lo, double *raw_hi)
{
    double a, b;
    receptive_span(rf, u, &a, &b);
    *raw_lo = a, *raw_hi = b;
    *lo = a < 0 ? 0 : (int)a;
    *hi = b > side - 1 ? side - 1 : (int)b;
}

/* --- pictures ------------------------------------------------------------------------ */

/* A non-negative (side x side) map as an RGB tile, each value a sc x sc block,
 * with one empty cell of margin all round: 0 is black; any positive value is
 * at least dark gray, up to white at the maximum (gray = 0.3 + 0.7 sqrt(v / max),
 * so faint but non-zero pixels stay visible). A red outline is drawn around
 * the cells [lo, hi] x [lo, hi] (the formula's prediction) when lo <= hi. */
static CnImage *field_tile(const float *v, int side, int sc, int lo, int hi)
{
    int cells = side + 2;
    CnImage *im = image_create(3, cells * sc, cells * sc);
    CN_CHECK(im);
    size_t plane = (size_t)im->h * (size_t)im->w;
    float mx = 0.0f;
    for (int i = 0; i < side * side; i++) mx = fmaxf(mx, v[i]);
    for (int y = 0; y < im->h; y++)
        for (int x = 0; x < im->w; x++) {
            int cy = y / sc - 1, cx = x / sc - 1;
            float r, g, b;
            if (cy < 0 || cx < 0 || cy >= side || cx >= side) {
                r = 0.16f, g = 0.18f, b = 0.24f; /* the margin: slate, like the montage background */
            } else {
                float val = v[(size_t)cy * (size_t)side + (size_t)cx];
                float t = val > 0.0f && mx > 0.0f ? 0.3f + 0.7f * sqrtf(val / mx) : 0.0f;
                r = g = b = t;
            }
            size_t at = (size_t)y * (size_t)im->w + (size_t)x;
            im->data[at] = r;
            im->data[plane + at] = g;
            im->data[2 * plane + at] = b;
        }
    if (lo <= hi) {
        /* the outline: 2 pixels wide, just outside the predicted cells */
        int a = (lo + 1) * sc - 2, bnd = (hi + 2) * sc + 1;
        for (int y = a; y <= bnd; y++)
            for (int x = a; x <= bnd; x++) {
                int edge = y < a + 2 || y > bnd - 2 || x < a + 2 || x > bnd - 2;
                if (!edge || y < 0 || x < 0 || y >= im->h || x >= im->w) continue;
                size_t at = (size_t)y * (size_t)im->w + (size_t)x;
                im->data[at] = 0.95f;
                im->data[plane + at] = 0.2f;
                im->data[2 * plane + at] = 0.2f;
            }
    }
    return im;
}

/* Write tiles as one labelled montage and free them. */
static void write_tiles(Notebook *nb, const char *file, CnImage **tiles, const char *const *labels, int n, int cols)
{
    MontageTile *mt = xcalloc((size_t)n, sizeof *mt);
    for (int i = 0; i < n; i++) mt[i] = (MontageTile){ tiles[i]->data, 3, tiles[i]->h, tiles[i]->w };
    MontageOptions mo = montage_labelled(cols, 1, 10, MAP_CLAMP01, labels, 2);
    write_montage(nb, file, mt, n, &mo);
    for (int i = 0; i < n; i++) image_free(tiles[i]);
    free(mt);
}

/* --- the layer-by-layer table of a network, formula and measurement ------------------- */

/* Returns 1 if every layer's measured field equals the formula's. When
 * peak_row and middle are given, they receive for each layer the row of the
 * brightest pixel of the measured field and the row of the field's middle
 * (start + unit × jump, possibly outside the image). */
static int network_table(Notebook *nb, const Stack *st, int side, const char *file, int scale, double *peak_row,
                         double *middle)
{
    int sizes[MAX_LAYERS];
    RfInfo rf[MAX_LAYERS];
    Measured m[MAX_LAYERS];
    CN_CHECK(stack_sizes(sizes, st, side) == 0);
    /* receptive_field takes a plain RfLayer array */
    RfLayer ls[MAX_LAYERS];
    for (int i = 0; i < st->n; i++) ls[i] = st->layers[i].l;
    CN_CHECK(receptive_field(rf, ls, st->n) == 0);
    measure_fields(m, st, side, sizes);

    const char *hdr[] = { "layer", "output", "k", "s", "p", "field r", "jump j", "start", "centre unit",
                          "its field (formula)", "measured" };
    enum { NC = 11 };
    char (*txt)[NC][48] = xcalloc((size_t)st->n, sizeof *txt);
    const char **cells = xcalloc((size_t)st->n * NC, sizeof *cells);
    int all = 1;
    CnImage *tiles[MAX_LAYERS];
    char (*lab)[48] = xcalloc((size_t)st->n, sizeof *lab);
    const char *labp[MAX_LAYERS];
    for (int i = 0; i < st->n; i++) {
        const RfLayer *l = &ls[i];
        int lo, hi;
        double a, b;
        formula_span(&rf[i], m[i].unit, side, &lo, &hi, &a, &b);
        int ok = m[i].row_lo == lo && m[i].row_hi == hi && m[i].col_lo == lo && m[i].col_hi == hi;
        all &= ok;
        snprintf(txt[i][0], 48, "%s", st->layers[i].name);
        snprintf(txt[i][1], 48, "%dx%d", sizes[i], sizes[i]);
        snprintf(txt[i][2], 48, "%d", l->k);
        snprintf(txt[i][3], 48, "%d", l->s);
        snprintf(txt[i][4], 48, "%d", l->p);
        snprintf(txt[i][5], 48, "%d", rf[i].size);
        snprintf(txt[i][6], 48, "%d", rf[i].jump);
        snprintf(txt[i][7], 48, "%g", rf[i].start);
        snprintf(txt[i][8], 48, "%d", m[i].unit);
        if (a < 0 || b > side - 1)
            snprintf(txt[i][9], 48, "%g..%g → %d..%d", a, b, lo, hi);
        else
            snprintf(txt[i][9], 48, "%d..%d", lo, hi);
        snprintf(txt[i][10], 48, "%d..%d%s", m[i].row_lo, m[i].row_hi, ok ? "" : " (differs)");
        for (int c = 0; c < NC; c++) cells[i * NC + c] = txt[i][c];
        tiles[i] = field_tile(m[i].field, side, scale, lo, hi);
        if (peak_row && middle) {
            /* the middle row of the brightest pixels (a flat field has many) */
            float top = 0.0f;
            for (size_t q = 0; q < (size_t)side * (size_t)side; q++) top = fmaxf(top, m[i].field[q]);
            double count = 0.0, ysum = 0.0;
            for (size_t q = 0; q < (size_t)side * (size_t)side; q++)
                if (m[i].field[q] >= top * (1.0f - 1e-5f)) count++, ysum += (double)(q / (size_t)side);
            peak_row[i] = count > 0.0 ? ysum / count : 0.0;
            middle[i] = rf[i].start + m[i].unit * rf[i].jump;
        }
        snprintf(lab[i], sizeof lab[i], "%s: %d", st->layers[i].name, rf[i].size);
        labp[i] = lab[i];
    }
    nb_table(nb, hdr, cells, st->n, NC);
    write_tiles(nb, file, tiles, labp, st->n, st->n > 5 ? 4 : st->n);
    for (int i = 0; i < st->n; i++) free(m[i].field);
    free(txt);
    free(cells);
    free(lab);
    return all;
}
