/* 02_conv_vs_corr.c - lesson 02: convolution vs cross-correlation.
 *
 * Two ways to slide a kernel over an image. Cross-correlation multiplies
 * the kernel as written with the pixels under it; true convolution walks
 * the kernel backwards (in 2-D: rotated by 180 degrees). The seed deck's
 * 1..9 / A..I example, produced by running the two index rules on symbols;
 * the definitions; why deep learning computes cross-correlation; symmetric
 * kernels (no difference) and Sobel (opposite signs) on the photograph; the
 * algebra only true convolution has (commutativity, associativity); and the
 * 1-D definition on a noisy step and a spike train.
 *
 *   build/lessons/02_conv_vs_corr            the full lesson (512x512 photo)
 *   build/lessons/02_conv_vs_corr --quick    the photo at 128x128
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/conv.h"
#include "core/die.h"
#include "core/error.h"
#include "core/image.h"
#include "core/kernels.h"
#include "core/notebook.h"
#include "core/plot.h"
#include "core/rng.h"
#include "datasets/dataset.h"
#include "lessons/kit/arrays.h"
#include "lessons/kit/cli.h"
#include "lessons/kit/draw.h"
#include "lessons/kit/goals.h"
#include "lessons/kit/letters.h"
#include "lessons/kit/report.h"
#include "lessons/lesson.h"

#define LESSON_ID "02_conv_vs_corr"

/* The sections of the lesson, in the order main() tells them. */
static void from_lesson_01(Notebook *nb);
static void the_seeds_example_in_letters(Notebook *nb, Term *tc, int *nc, Term *tv, int *nv);
static void the_same_with_numbers(Notebook *nb, const Term *tc, int nc, const Term *tv, int nv);
static void the_definitions(Notebook *nb);
static void why_libraries_correlate(Notebook *nb, const float *photo, int H, int W);
static void symmetric_kernels_agree(Notebook *nb, const float *photo, int H, int W);
static void sobel_disagrees(Notebook *nb, const float *photo, int H, int W, const char *image_path);
static void what_only_convolution_can_do(Notebook *nb, const float *photo, int H, int W);
static void the_1d_definition_on_a_signal(Notebook *nb);
static void in_short(Notebook *nb); /* and "Try it yourself" */
static CnImage *load_photo(const char *image_path, int quick);

int main(int argc, char **argv)
{
    int quick = 0;
    const char *image_path = NULL;
    CliOpt opts[] = {
        { "quick", OPT_FLAG, &quick, "a few seconds: the photo downscaled to 128x128 (every image still written)" },
        { "image", OPT_STRING, &image_path, "FILE: your own picture (PNG or JPEG; made gray, shrunk to 512 px)" },
    };
    cli_lesson(argc, argv, opts, 2, LESSON_ID,
               "Lesson 02: convolution vs cross-correlation. The seed's 1..9 / A..I example, the definitions, why "
               "deep learning computes cross-correlation, symmetric kernels vs Sobel on a photograph, "
               "commutativity and associativity, and the 1-D definition on a signal.");

    CnImage *img = load_photo(image_path, quick);
    lesson_explore(image_path != NULL); /* claims about the lesson's photo are goals (goals.h) */
    const int H = img->h, W = img->w;
    const float *photo = img->data;

    Notebook *nb = nb_open(LESSON_ID, "Lesson 02 — Convolution vs cross-correlation");
    CN_CHECK(nb);
    from_lesson_01(nb);
    Term tc[9], tv[9];   /* the products of the centre output: correlation, convolution */
    int nc, nv;
    the_seeds_example_in_letters(nb, tc, &nc, tv, &nv);
    the_same_with_numbers(nb, tc, nc, tv, nv);
    the_definitions(nb);
    why_libraries_correlate(nb, photo, H, W);
    symmetric_kernels_agree(nb, photo, H, W);
    sobel_disagrees(nb, photo, H, W, image_path);
    what_only_convolution_can_do(nb, photo, H, W);
    the_1d_definition_on_a_signal(nb);
    in_short(nb);

    image_free(img);
    return lesson_end(nb);
}

static void from_lesson_01(Notebook *nb)
{
    nb_para(nb, "In lesson 01 we slid a kernel over a photo and, at each place, multiplied the weights with the "
                "pixels under them and added up. That operation has a name, cross-correlation. Mathematics has "
                "a close cousin, convolution, which does the same but with the kernel turned around. Deep "
                "learning calls its layers \"convolutional\", yet what they compute is cross-correlation. This "
                "lesson takes the two apart.");
}

/* --- the seed's example, in letters ------------------------------------------------ */

static void the_seeds_example_in_letters(Notebook *nb, Term *tc, int *nc_out, Term *tv, int *nv_out)
{
    nb_section(nb, "The seed's example, in letters");
    nb_para(nb, "Take a 3x3 image whose pixels are the numbers 1 to 9, and a 3x3 kernel whose weights we leave as "
                "letters A to I, so we can see which weight meets which pixel:");
    nb_code(nb, "image x      kernel k\n"
                "1 2 3        A B C\n"
                "4 5 6        D E F\n"
                "7 8 9        G H I");
    nb_para(nb, "The two rules, for output (i, j), with one ring of zero padding (same mode, as in lesson 01) and "
                "m, n running over the kernel's rows and columns 0, 1, 2:\n"
                "- cross-correlation: y[i][j] = Σ x[i−1+m][j−1+n] · k[m][n]\n"
                "- convolution: y[i][j] = Σ x[i−1+m][j−1+n] · k[2−m][2−n]");
    nb_para(nb, "The window of pixels is the same. Only the kernel index differs: correlation reads the kernel "
                "forwards, convolution backwards. Running both rules on the symbols, for the centre output "
                "(1, 1), gives:");
    int nc = symbolic(tc, 0, 1, 1, 1), nv = symbolic(tv, 1, 1, 1, 1);
    char corr_txt[256], conv_txt[256], text[640];
    terms_text(corr_txt, sizeof corr_txt, tc, nc);
    terms_text(conv_txt, sizeof conv_txt, tv, nv);
    snprintf(text, sizeof text, "cross-correlation  y[1][1] = %s\nconvolution        y[1][1] = %s", corr_txt,
             conv_txt);
    nb_code(nb, text);
    int same = nc == 9, rev = nv == 9;
    for (int i = 0; i < nc; i++) same &= tc[i].letter == tc[i].pixel - 1;
    for (int i = 0; i < nv; i++) rev &= tv[i].letter == 9 - tv[i].pixel;
    nb_check(nb, same && rev,
             "as in the deck: correlation pairs pixel p with the p-th letter (1·A … 9·I), convolution with "
             "the (10−p)-th (1·I … 9·A): the kernel read backwards, i.e. rotated by 180 degrees");
    Term c0[9], v0[9];
    int nc0 = symbolic(c0, 0, 0, 0, 1), nv0 = symbolic(v0, 1, 0, 0, 1);
    terms_text(corr_txt, sizeof corr_txt, c0, nc0);
    terms_text(conv_txt, sizeof conv_txt, v0, nv0);
    nb_para(nb, "At the top-left corner, output (0, 0), the kernel hangs over the border and %d of its 9 weights "
                "land on the zero padding, so only %d products remain:", 9 - nc0, nc0);
    snprintf(text, sizeof text, "cross-correlation  y[0][0] = %s\nconvolution        y[0][0] = %s", corr_txt,
             conv_txt);
    nb_code(nb, text);
    CnImage *g1 = pairing_grid(tc, nc, 96), *g2 = pairing_grid(tv, nv, 96);
    MontageTile mt[2] = { { g1->data, 3, g1->h, g1->w }, { g2->data, 3, g2->h, g2->w } };
    const char *lab[2] = { "cross-correlation", "convolution" };
    MontageOptions mo = montage_labelled(2, 1, 24, MAP_CLAMP01, lab, 2);
    write_montage(nb, "pairing.png", mt, 2, &mo);
    image_free(g1);
    image_free(g2);
    nb_image(nb, "which weight multiplies which pixel for the centre output: each cell is a pixel of the "
                 "image with its number, and in yellow the kernel letter it is multiplied by", "pairing.png");
    nb_para(nb, "Read the yellow letters: on the left they are the kernel as written, A B C on top; on the "
                "right the same kernel turned upside down and mirrored, I H G on top.");
    *nc_out = nc;
    *nv_out = nv;
}

/* --- the same with numbers ---------------------------------------------------------- */

static void the_same_with_numbers(Notebook *nb, const Term *tc, int nc, const Term *tv, int nv)
{
    nb_section(nb, "The same with numbers");
    const CnKernel *sob = kernel_find("sobel_x");
    CN_CHECK(sob);
    float x9[9], yc[9], yv[9], krot[9], yr[9];
    for (int i = 0; i < 9; i++) x9[i] = (float)(i + 1);
    nb_para(nb, "Now give the letters values. With the Sobel x kernel from lesson 01 (A..I = its weights, row by "
                "row):");
    nb_matrix(nb, "Sobel x", sob->v, 3, 3, 0);
    double sc = terms_value(tc, nc, sob->v), sv = terms_value(tv, nv, sob->v);
    CN_CHECK(correlate2d_border(yc, x9, 3, 3, sob->v, 3, 3, CONV_BORDER_SAME, 1) == 0);
    CN_CHECK(convolve2d_border(yv, x9, 3, 3, sob->v, 3, 3, CONV_BORDER_SAME, 1) == 0);
    nb_matrix(nb, "cross-correlation of 1..9 with Sobel x (same mode)", yc, 3, 3, 0);
    nb_matrix(nb, "convolution of 1..9 with Sobel x (same mode)", yv, 3, 3, 0);
    nb_check(nb, sc == yc[4] && sv == yv[4],
             "putting the numbers into the letter sums gives %g and %g for the centre, the same as the library's "
             "correlate2d (%g) and convolve2d (%g)", sc, sv, (double)yc[4], (double)yv[4]);
    kernel_rot180(krot, sob->v, 3, 3);
    CN_CHECK(correlate2d_border(yr, x9, 3, 3, krot, 3, 3, CONV_BORDER_SAME, 1) == 0);
    nb_check(nb, max_diff(yv, yr, 9, NULL) == 0.0,
             "convolving with a kernel is correlating with the kernel rotated by 180 degrees: all 9 outputs "
             "agree (largest difference %g)", max_diff(yv, yr, 9, NULL));
    nb_para(nb, "The image increases by 1 to the right, so a left-to-right derivative is positive everywhere. "
                "Correlation reports it as +%g in the middle; convolution, which reads the kernel backwards, says "
                "%g.", sc, sv);
}

/* --- the definitions ---------------------------------------------------------------- */

static void the_definitions(Notebook *nb)
{
    char text[640];
    nb_section(nb, "The definitions");
    nb_para(nb, "The deck writes both with integrals, for functions of a continuous t:\n"
                "- convolution: (f ∗ g)(t) = ∫ f(τ) g(t − τ) dτ\n"
                "- cross-correlation: (f ⋆ g)(t) = ∫ f(τ) g(t + τ) dτ");
    nb_para(nb, "For pixels or samples the integral becomes a sum over whole numbers τ, with f and g zero "
                "outside their data:\n"
                "- (f ∗ g)(t) = Σ f(τ) g(t − τ)\n"
                "- (f ⋆ g)(t) = Σ f(τ) g(t + τ)");
    nb_para(nb, "As τ walks forwards through f, t − τ walks backwards through g: that is the flip. t + τ walks "
                "forwards: no flip. In 2-D both axes flip, which is a rotation by 180 degrees.");
    /* The sums exactly as written, for a signal f of length 8 and a kernel g of
     * length 3, against the library's full-mode 1-D functions. */
    enum { NF = 8, NG = 3, NO = NF + NG - 1 };
    Rng rng;
    rng_seed(&rng, 2, 1);
    float f[NF], g[NG], lib_conv[NO], lib_corr[NO], def_conv[NO], def_corr[NO];
    for (int i = 0; i < NF; i++) f[i] = (float)(int)rng_below(&rng, 10);
    for (int i = 0; i < NG; i++) g[i] = (float)((int)rng_below(&rng, 7) - 3);
    /* (f ∗ g)(t) = Σ_τ f(τ) g(t − τ), t = 0 .. NF+NG−2 */
    for (int t = 0; t < NO; t++) {
        double s = 0.0;
        for (int tau = 0; tau < NF; tau++)
            if (t - tau >= 0 && t - tau < NG) s += f[tau] * g[t - tau];
        def_conv[t] = (float)s;
    }
    /* (g ⋆ f)(t) = Σ_τ g(τ) f(t + τ): the kernel g slid along the signal f,
     * t = −(NG−1) .. NF−1 (every shift where they overlap) */
    for (int t = -(NG - 1); t < NF; t++) {
        double s = 0.0;
        for (int tau = 0; tau < NG; tau++)
            if (t + tau >= 0 && t + tau < NF) s += g[tau] * f[t + tau];
        def_corr[t + NG - 1] = (float)s;
    }
    CN_CHECK(convolve1d(lib_conv, f, NF, g, NG, 1, NG - 1, NG - 1) == 0);
    CN_CHECK(correlate1d(lib_corr, f, NF, g, NG, 1, NG - 1, NG - 1) == 0);
    char rf[128], rg[64], r1[160], r2[160];
    row_text(rf, sizeof rf, f, NF, 0, 4);
    row_text(rg, sizeof rg, g, NG, 0, 4);
    row_text(r1, sizeof r1, def_conv, NO, 0, 4);
    row_text(r2, sizeof r2, def_corr, NO, 0, 4);
    snprintf(text, sizeof text,
             "signal f      %s\n"
             "kernel g      %s\n"
             "(f ∗ g)(t)    %s    for t = 0 .. %d\n"
             "(g ⋆ f)(t)    %s    for t = %d .. %d",
             rf, rg, r1, NO - 1, r2, -(NG - 1), NF - 1);
    nb_para(nb, "To tie the formulas to the code: a random whole-number signal f and kernel g (seeded, so "
                "every run draws the same), the sums computed literally as written above, term by term:");
    nb_code(nb, text);
    nb_check(nb, max_diff(def_conv, lib_conv, NO, NULL) == 0.0 && max_diff(def_corr, lib_corr, NO, NULL) == 0.0,
             "the literal sums equal the library's full-mode convolve1d and correlate1d at all %d positions "
             "(largest differences %g and %g)", NO, max_diff(def_conv, lib_conv, NO, NULL),
             max_diff(def_corr, lib_corr, NO, NULL));
    nb_para(nb, "The library's 1-D loops are these sums, read from core/conv.c as this lesson ran. The window "
                "starts at i·s − p in both; the only difference is the kernel's index, k[m] forwards in "
                "correlate1d and k[kn − 1 − m] backwards in convolve1d:");
    nb_code_from_source(nb, "core/conv.c", "correlate1d");
    nb_code_from_source(nb, "core/conv.c", "convolve1d");
    nb_para(nb, "In 2-D it is the same: conv2d_window (shown in lesson 01) reads k[m][n] for correlation and "
                "k[KH−1−m][KW−1−n] for convolution.");
    nb_para(nb, "Note the order in (g ⋆ f): the library's correlate(signal, kernel) slides the kernel g "
                "along the signal, which is g ⋆ f in the deck's notation. For correlation the order matters; "
                "for convolution it does not, as we will measure below.");
}

/* --- why deep learning computes cross-correlation ----------------------------------- */

static void why_libraries_correlate(Notebook *nb, const float *photo, int H, int W)
{
    const size_t N = (size_t)H * (size_t)W;
    nb_section(nb, "Why deep-learning libraries compute cross-correlation");
    nb_para(nb, "The deck's slide 6: in classic image processing a person designs the kernel; in a CNN the network "
                "learns it. If a network had to use true convolution it would simply learn the kernel rotated by "
                "180 degrees, and produce exactly the same outputs, because convolving with k is correlating with "
                "rot180(k). So nothing is gained by flipping, and correlation is the simpler loop to write. "
                "That is why the \"Conv2d\" layers of PyTorch, TensorFlow, Caffe and friends compute "
                "cross-correlation, and why this course's layers can run either (core/conv.h).");
    Rng rng;
    rng_seed(&rng, 2022, 2);
    float kr[9], kr_rot[9];
    for (int i = 0; i < 9; i++) kr[i] = rng_range(&rng, -1.0f, 1.0f);
    kernel_rot180(kr_rot, kr, 3, 3);
    float *a = xcalloc(N, sizeof *a), *b = xcalloc(N, sizeof *b);
    CN_CHECK(convolve2d_border(a, photo, H, W, kr, 3, 3, CONV_BORDER_SAME, 1) == 0);
    CN_CHECK(correlate2d_border(b, photo, H, W, kr_rot, 3, 3, CONV_BORDER_SAME, 1) == 0);
    nb_matrix(nb, "a random kernel k (seeded)", kr, 3, 3, 3);
    nb_matrix(nb, "rot180(k)", kr_rot, 3, 3, 3);
    size_t at;
    double d = max_diff(a, b, N, &at);
    nb_check(nb, d == 0.0,
             "on the %dx%d photo, convolving with k and correlating with rot180(k) give the same image: largest "
             "difference %g over %zu pixels", W, H, d, N);
    free(a);
    free(b);
}

/* --- symmetric kernels --------------------------------------------------------------- */

static void symmetric_kernels_agree(Notebook *nb, const float *photo, int H, int W)
{
    const size_t N = (size_t)H * (size_t)W;
    nb_section(nb, "Symmetric kernels: both operations agree");
    nb_para(nb, "If a kernel looks the same after a 180-degree turn, reading it backwards changes nothing, and "
                "convolution and cross-correlation give the same picture. All six kernels of the deck are like "
                "that; here they are on the photograph:");
    const char *hdr[] = { "kernel", "rot180(k) = k", "largest |convolve − correlate| on the photo" };
    const char *cells[KERNEL_SEED_COUNT * 3];
    char txt[KERNEL_SEED_COUNT][2][32];
    float *a = xcalloc(N, sizeof *a), *b = xcalloc(N, sizeof *b);
    int all_sym = 1;
    double worst = 0.0;
    for (int i = 0; i < KERNEL_SEED_COUNT; i++) {
        const CnKernel *k = kernel_seed(i);
        CN_CHECK(k);
        float r[9];
        CN_CHECK(k->h * k->w <= 9 || (cn_fail("the deck's kernels are 3x3; %s is %dx%d", k->name, k->h, k->w), 0));
        kernel_rot180(r, k->v, k->h, k->w);
        int sym = max_diff(r, k->v, (size_t)(k->h * k->w), NULL) == 0.0;
        all_sym &= sym;
        CN_CHECK(convolve2d_border(a, photo, H, W, k->v, k->h, k->w, CONV_BORDER_SAME, 1) == 0);
        CN_CHECK(correlate2d_border(b, photo, H, W, k->v, k->h, k->w, CONV_BORDER_SAME, 1) == 0);
        double d = max_diff(a, b, N, NULL);
        worst = fmax(worst, d);
        snprintf(txt[i][0], sizeof txt[i][0], "%s", sym ? "yes" : "no");
        snprintf(txt[i][1], sizeof txt[i][1], "%g", d);
        cells[i * 3] = k->title;
        cells[i * 3 + 1] = txt[i][0];
        cells[i * 3 + 2] = txt[i][1];
    }
    nb_table(nb, hdr, cells, KERNEL_SEED_COUNT, 3);
    nb_check(nb, all_sym && worst == 0.0,
             "all %d of the deck's kernels are symmetric under a 180-degree rotation, and on the photo "
             "convolution and cross-correlation agree exactly (largest difference %g)", KERNEL_SEED_COUNT, worst);
    nb_para(nb, "That is why the deck could show its table of kernels without saying which of the two it "
                "meant: for these kernels the question does not arise.");
    free(a);
    free(b);
}

/* --- Sobel --------------------------------------------------------------------------- */

static void sobel_disagrees(Notebook *nb, const float *photo, int H, int W, const char *image_path)
{
    const size_t N = (size_t)H * (size_t)W;
    const CnKernel *sob = kernel_find("sobel_x");
    CN_CHECK(sob);
    nb_section(nb, "Sobel: the two operations disagree");
    float r[9], neg[9];
    kernel_rot180(r, sob->v, 3, 3);
    for (int i = 0; i < 9; i++) neg[i] = -sob->v[i];
    nb_para(nb, "Sobel x is not symmetric. Turned by 180 degrees, its right column (+1 +2 +1) goes to the left "
                "and the left one comes to the right, so the kernel becomes its own negative:");
    nb_matrix(nb, "rot180(Sobel x)", r, 3, 3, 0);
    nb_check(nb, max_diff(r, neg, 9, NULL) == 0.0, "rot180(Sobel x) = −(Sobel x), weight for weight");
    nb_para(nb, "So convolution must give exactly minus the cross-correlation: where correlation says "
                "\"brighter to the right\" (positive), convolution says the opposite.");
    float *a = xcalloc(N, sizeof *a), *b = xcalloc(N, sizeof *b), *d = xcalloc(3 * N, sizeof *d);
    CN_CHECK(correlate2d_border(a, photo, H, W, sob->v, 3, 3, CONV_BORDER_SAME, 1) == 0);
    CN_CHECK(convolve2d_border(b, photo, H, W, sob->v, 3, 3, CONV_BORDER_SAME, 1) == 0);
    double dsum = 0.0, mag = 0.0;
    for (size_t i = 0; i < N; i++) {
        dsum = fmax(dsum, fabs((double)a[i] + (double)b[i]));
        mag = fmax(mag, fabs((double)a[i]));
    }
    nb_check(nb, dsum == 0.0,
             "on the photo, convolve(photo, Sobel x) = −correlate(photo, Sobel x) at every pixel (largest "
             "|conv + corr| = %g, while the outputs reach ±%.3f)", dsum, mag);
    /* Top row: correlation, convolution and their sum, on one symmetric
     * scale (the sum is 0 everywhere: uniform mid-gray). Bottom row: the
     * same three around the strongest edge, enlarged 4 times, where the
     * swapped signs can be seen. */
    float s = abs_quantile(a, N, 0.99);
    if (!(s > 0.0f)) s = 1.0f;
    /* the strongest edge away from the border (where the padding makes its own) */
    size_t peak = (size_t)2 * (size_t)W + 2;
    for (size_t i = 0; i < N; i++) {
        d[2 * N + i] = a[i] + b[i];
        int y = (int)(i / (size_t)W), x = (int)(i % (size_t)W);
        if (y >= 2 && y < H - 2 && x >= 2 && x < W - 2 && fabsf(a[i]) > fabsf(a[peak])) peak = i;
    }
    const int side = H < W ? H : W, C = side / 8 >= 16 ? side / 8 : side / 2, Z = side / C;
    int cy = (int)(peak / (size_t)W) - C / 2, cx = (int)(peak % (size_t)W) - C / 2;
    cy = cy < 0 ? 0 : cy > H - C ? H - C : cy;
    cx = cx < 0 ? 0 : cx > W - C ? W - C : cx;
    float *crop = xcalloc((size_t)C * C, sizeof *crop), *zoom = xcalloc(3 * (size_t)C * C * Z * Z, sizeof *zoom);
    MontageTile mt[6];
    for (int t = 0; t < 3; t++) {
        float *g = d + (size_t)t * N;
        image_map_apply_range(g, t == 0 ? a : t == 1 ? b : g, N, -s, s);
        for (int y = 0; y < C; y++)
            for (int xx = 0; xx < C; xx++) crop[y * C + xx] = g[(size_t)(cy + y) * (size_t)W + (size_t)(cx + xx)];
        enlarge(zoom + (size_t)t * C * C * Z * Z, crop, C, C, Z);
        mt[t] = (MontageTile){ g, 1, H, W };
        mt[3 + t] = (MontageTile){ zoom + (size_t)t * C * C * Z * Z, 1, C * Z, C * Z };
    }
    char l4[80];
    snprintf(l4, sizeof l4, "%dx%d around the strongest edge", C, C);
    const char *lab[6] = { "correlate", "convolve", "correlate + convolve", l4, l4, l4 };
    MontageOptions mo = montage_labelled(3, 1, W >= 256 ? 12 : 6, MAP_CLAMP01, lab, W >= 384 ? 2 : 1);
    write_montage_gray(nb, "sobel_corr_vs_conv.png", mt, 6, &mo);
    char cap[512];
    snprintf(cap, sizeof cap, "Sobel x on the photo, top: cross-correlation, convolution and their sum, all on one "
             "scale symmetric around mid-gray (−%.3f black, 0 mid-gray, +%.3f white; %.3f is the 99th percentile "
             "of |correlation|). The sum is mid-gray at every pixel: the two cancel. Bottom: the same three, the "
             "%dx%d pixels around the strongest edge (row %d, column %d) enlarged %d times", (double)s, (double)s,
             (double)s, C, C, (int)(peak / (size_t)W), (int)(peak % (size_t)W), Z);
    nb_image(nb, cap, "sobel_corr_vs_conv.png");
    if (!image_path)
        nb_para(nb, "What to look at: the left edge of the dark coat, where the light sky turns dark going "
                    "right, is a black line in the correlation and a white one in the convolution; every light "
                    "tripod leg swaps its white and black sides. In the enlarged row, every stripe that is light "
                    "in the left picture is dark in the middle one. (The light and dark lines down the left and right borders come "
                    "from the zero padding: beyond the border the kernel sees black.)");
    else
        nb_para(nb, "What to look at: every edge that is white in the left picture is black in the middle one, "
                    "and the other way round; the enlarged row shows it pixel by pixel.");
    nb_para(nb, "For a learned filter this sign is only a convention: a network using the other operation "
                "learns the rotated kernel. But when you copy a hand-designed kernel like Sobel from a "
                "textbook, check which of the two operations the book means.");
    free(a);
    free(b);
    free(d);
    free(crop);
    free(zoom);
}

/* --- commutativity and associativity ------------------------------------------------- */

static void commutativity(Notebook *nb);
static void associativity(Notebook *nb, const float *photo, int H, int W);

static void what_only_convolution_can_do(Notebook *nb, const float *photo, int H, int W)
{
    nb_section(nb, "What only true convolution can do: commute and associate");
    nb_para(nb, "Flipping the kernel looks like a nuisance, but it buys convolution two properties of ordinary "
                "multiplication (with full padding, so that nothing is cut off at the border):\n"
                "- commutativity: f ∗ g = g ∗ f, it does not matter which one slides over the other;\n"
                "- associativity: (f ∗ g) ∗ h = f ∗ (g ∗ h), two filters in a row are one bigger filter, made "
                "by the same operation.\n"
                "Correlation has neither in this form. What it keeps, we will measure too.");
    commutativity(nb);
    associativity(nb, photo, H, W);
}

/* f ∗ g = g ∗ f, in 1-D and in 2-D; correlation does not commute. */
static void commutativity(Notebook *nb)
{
    char text[640];
    /* 1-D: the digits of the results show which values met. */
    float f[4] = { 1, 2, 3, 4 }, g[3] = { 1, 10, 100 };
    float fg[6], gf[6], cfg[6], cgf[6], rev[6];
    CN_CHECK(convolve1d(fg, f, 4, g, 3, 1, 2, 2) == 0);
    CN_CHECK(convolve1d(gf, g, 3, f, 4, 1, 3, 3) == 0);
    CN_CHECK(correlate1d(cfg, f, 4, g, 3, 1, 2, 2) == 0);
    CN_CHECK(correlate1d(cgf, g, 3, f, 4, 1, 3, 3) == 0);
    char a1[64], a2[64], a3[64], a4[64], a5[64], a6[64];
    row_text(a1, sizeof a1, f, 4, 0, 0);
    row_text(a2, sizeof a2, g, 3, 0, 0);
    row_text(a3, sizeof a3, fg, 6, 0, 5);
    row_text(a4, sizeof a4, gf, 6, 0, 5);
    row_text(a5, sizeof a5, cfg, 6, 0, 5);
    row_text(a6, sizeof a6, cgf, 6, 0, 5);
    snprintf(text, sizeof text,
             "f = %s        g = %s\n\n"
             "convolve(f, g)  %s\n"
             "convolve(g, f)  %s\n"
             "correlate(f, g) %s\n"
             "correlate(g, f) %s",
             a1, a2, a3, a4, a5, a6);
    nb_para(nb, "First in 1-D, with g = 1, 10, 100 so that the digits of each result show which values of f "
                "were multiplied by the 1, the 10 and the 100 (full mode, every position where the two "
                "overlap):");
    nb_code(nb, text);
    for (int i = 0; i < 6; i++) rev[i] = cgf[5 - i];
    nb_check(nb, max_diff(fg, gf, 6, NULL) == 0.0,
             "convolution commutes: convolve(f, g) and convolve(g, f) agree at all 6 positions (largest "
             "difference %g)", max_diff(fg, gf, 6, NULL));
    nb_check(nb, max_diff(cfg, cgf, 6, NULL) > 0.0 && max_diff(cfg, rev, 6, NULL) == 0.0,
             "correlation does not: correlate(f, g) and correlate(g, f) differ by up to %g; one is the other "
             "read backwards", max_diff(cfg, cgf, 6, NULL));

    /* 2-D: a random image and kernel */
    enum { R = 12, KK = 3, FO = R + KK - 1 };
    Rng rng;
    rng_seed(&rng, 7, 3);
    float xr[R * R], kr[KK * KK], o1[FO * FO], o2[FO * FO], o3[FO * FO], o4[FO * FO];
    for (int i = 0; i < R * R; i++) xr[i] = rng_uniform(&rng);
    for (int i = 0; i < KK * KK; i++) kr[i] = rng_range(&rng, -1.0f, 1.0f);
    CN_CHECK(convolve2d_border(o1, xr, R, R, kr, KK, KK, CONV_BORDER_FULL, 1) == 0);
    CN_CHECK(convolve2d_border(o2, kr, KK, KK, xr, R, R, CONV_BORDER_FULL, 1) == 0);
    CN_CHECK(correlate2d_border(o3, xr, R, R, kr, KK, KK, CONV_BORDER_FULL, 1) == 0);
    CN_CHECK(correlate2d_border(o4, kr, KK, KK, xr, R, R, CONV_BORDER_FULL, 1) == 0);
    double dconv = max_diff(o1, o2, FO * FO, NULL), dcorr = max_diff(o3, o4, FO * FO, NULL);
    nb_check(nb, dconv < 1e-5 && dcorr > 0.1,
             "in 2-D too (a random %dx%d image and %dx%d kernel, full mode): swapping the two changes the "
             "convolution by at most %.1e (float rounding: the products are added in another order) and the "
             "correlation by up to %.3f", R, R, KK, KK, dconv, dcorr);
}

/* Two lopsided filters in a row, a = Sobel x then b = a random kernel: the
 * largest |difference| of two full-mode results, and its size beside the
 * results' own (for the float-rounding tolerance). */
static double stacked(const float *photo, int H, int W, const float *a, const float *b, const float *ab, ConvOp op,
                      double *scale)
{
    const size_t N1 = (size_t)(H + 2) * (size_t)(W + 2), N2 = (size_t)(H + 4) * (size_t)(W + 4);
    float *once = xcalloc(N1, sizeof *once), *twice = xcalloc(N2, sizeof *twice), *big = xcalloc(N2, sizeof *big);
    if (op == CONV_OP_CONVOLVE) {
        CN_CHECK(convolve2d_border(once, photo, H, W, a, 3, 3, CONV_BORDER_FULL, 1) == 0);
        CN_CHECK(convolve2d_border(twice, once, H + 2, W + 2, b, 3, 3, CONV_BORDER_FULL, 1) == 0);
        CN_CHECK(convolve2d_border(big, photo, H, W, ab, 5, 5, CONV_BORDER_FULL, 1) == 0);
    } else {
        CN_CHECK(correlate2d_border(once, photo, H, W, a, 3, 3, CONV_BORDER_FULL, 1) == 0);
        CN_CHECK(correlate2d_border(twice, once, H + 2, W + 2, b, 3, 3, CONV_BORDER_FULL, 1) == 0);
        CN_CHECK(correlate2d_border(big, photo, H, W, ab, 5, 5, CONV_BORDER_FULL, 1) == 0);
    }
    float lo, hi;
    min_max(twice, N2, &lo, &hi);
    *scale = fmax(fabs(lo), fabs(hi));
    double d = max_diff(twice, big, N2, NULL);
    free(once);
    free(twice);
    free(big);
    return d;
}

static void associativity(Notebook *nb, const float *photo, int H, int W)
{
    const CnKernel *sob = kernel_find("sobel_x"), *box = kernel_find("box_blur");
    CN_CHECK(sob && box);
    float b[9], ab[25], acb[25], bca[25], k5[25], k5i[25];
    Rng rng;
    rng_seed(&rng, 2022, 5);
    for (int i = 0; i < 9; i++) b[i] = (float)(int)rng_below(&rng, 5) - 2.0f;
    CN_CHECK(convolve2d_border(ab, sob->v, 3, 3, b, 3, 3, CONV_BORDER_FULL, 1) == 0);
    CN_CHECK(correlate2d_border(acb, sob->v, 3, 3, b, 3, 3, CONV_BORDER_FULL, 1) == 0);
    CN_CHECK(correlate2d_border(bca, b, 3, 3, sob->v, 3, 3, CONV_BORDER_FULL, 1) == 0);
    nb_para(nb, "Associativity, on the photo, with two lopsided filters in a row: a = Sobel x, then b, a random "
                "kernel of whole numbers (seeded). Both rot180-asymmetric, so the flip shows:");
    nb_matrix(nb, "b", b, 3, 3, 0);
    nb_matrix(nb, "a ∗ b (full: 5x5)", ab, 5, 5, 0);
    double sc, sr, sx, sy;
    double dc = stacked(photo, H, W, sob->v, b, ab, CONV_OP_CONVOLVE, &sc);
    double dr = stacked(photo, H, W, sob->v, b, ab, CONV_OP_CORRELATE, &sr);
    double dx = stacked(photo, H, W, sob->v, b, acb, CONV_OP_CORRELATE, &sx);
    double dy = stacked(photo, H, W, sob->v, b, bca, CONV_OP_CORRELATE, &sy);
    nb_check(nb, dc <= 1e-6 * (1.0 + sc),
             "convolving twice is convolving once with the convolved kernels: (photo ∗ a) ∗ b = photo ∗ (a ∗ b) "
             "(%dx%d results reaching %.2f, largest difference %.1e: float rounding)", W + 4, H + 4, sc, dc);
    nb_check(nb, dr <= 1e-6 * (1.0 + sr),
             "correlating twice is also correlating once, with the kernel a ∗ b (the convolution of the two "
             "kernels): correlate(correlate(photo, a), b) = correlate(photo, a ∗ b), largest difference %.1e", dr);
    lesson_goal(nb, dx > 0.1 * sx && dy > 0.1 * sx,
             "but not with the two kernels correlated: correlate(photo, correlate(a, b)) is off by up to %.2f, "
             "and with correlate(b, a) by up to %.2f (the results reach %.2f)", dx, dy, sx);
    nb_para(nb, "So a stack of correlation layers is one correlation too, only its kernel is made by the other "
                "operation: the regrouping brings in a flip. Convolution regroups without any flip, and it "
                "commutes; those two pieces of algebra are what only true convolution has. A network never "
                "needs them: it only applies its layers one after another, and for that correlation is as good "
                "(and each learned kernel absorbs the flip, as shown above). Stacking small filters works either "
                "way: a stack of linear filters is one larger filter (lesson 03 measures how large).");

    /* blur twice = blur once with box_blur ∗ box_blur: the pyramid */
    CN_CHECK(convolve2d_border(k5, box->v, 3, 3, box->v, 3, 3, CONV_BORDER_FULL, 1) == 0);
    for (int i = 0; i < 25; i++) k5i[i] = k5[i] * 81.0f;
    nb_para(nb, "The box blur of lesson 01 convolved with itself, box ∗ box, is one 5x5 kernel:");
    nb_matrix(nb, "box ∗ box, times 81", k5i, 5, 5, 0);
    int integral = 1;
    for (int i = 0; i < 25; i++) integral &= fabsf(k5i[i] - roundf(k5i[i])) < 1e-4f;
    nb_check(nb, integral && fabsf(k5i[12] - 9.0f) < 1e-4f && fabsf(k5i[0] - 1.0f) < 1e-4f,
             "box ∗ box is 1/81 times whole numbers, %.0f in the middle and %.0f in the corners", (double)k5i[12],
             (double)k5i[0]);
    nb_para(nb, "(times 81 because each weight of the box blur is 1/9.) It is a pyramid: the middle pixel is reached by all "
                "9 combinations of the two blurs, a corner by only one. Blurring twice costs 9 + 9 = 18 "
                "multiplications per pixel, the 5x5 kernel 25: the stack is the cheaper way to the same "
                "filter.");
}

/* --- the 1-D definition on a signal -------------------------------------------------- */

static void noisy_step(Notebook *nb);
static void spike_train(Notebook *nb);

static void the_1d_definition_on_a_signal(Notebook *nb)
{
    nb_section(nb, "The 1-D definition on a signal");
    noisy_step(nb);
    spike_train(nb);
}

/* A noisy step, smoothed by a discrete Gaussian and differentiated. */
static void noisy_step(Notebook *nb)
{
    enum { NS = 400, STEP = 200, NKG = 17 };
    Rng rng;
    rng_seed(&rng, 2022, 4);
    const double noise = 0.2;
    float sig[NS], smooth[NS], dsm[NS], draw[NS], gd[NKG + 2], dsm2[NS], dcorr[NS];
    for (int i = 0; i < NS; i++) sig[i] = (i < STEP ? 1.0f : 0.0f) + (float)(noise * rng_normal(&rng));
    /* smoothing: row NKG-1 of Pascal's triangle over its sum 2^(NKG-1), a
     * discrete Gaussian (the number of heads in NKG-1 coin flips) with
     * sigma = sqrt(NKG-1)/2 */
    float gk[NKG];
    double binom[NKG], total = 0.0;
    {
        double c = 1.0;
        for (int i = 0; i < NKG; i++) {
            binom[i] = c;
            total += c;
            c = c * (NKG - 1 - i) / (i + 1);
        }
        for (int i = 0; i < NKG; i++) gk[i] = (float)(binom[i] / total);
    }
    /* derivative: under convolution [1 0 -1]/2 gives (x[t+1] - x[t-1]) / 2 */
    const float dk[3] = { 0.5f, 0.0f, -0.5f };
    CN_CHECK(convolve1d(smooth, sig, NS, gk, NKG, 1, NKG / 2, NKG / 2) == 0);
    CN_CHECK(convolve1d(dsm, smooth, NS, dk, 3, 1, 1, 1) == 0);
    CN_CHECK(convolve1d(draw, sig, NS, dk, 3, 1, 1, 1) == 0);
    CN_CHECK(correlate1d(dcorr, smooth, NS, dk, 3, 1, 1, 1) == 0);
    /* associativity again: smoothing then differentiating = one kernel, g ∗ d */
    CN_CHECK(convolve1d(gd, gk, NKG, dk, 3, 1, 2, 2) == 0);
    CN_CHECK(convolve1d(dsm2, sig, NS, gd, NKG + 2, 1, (NKG + 1) / 2, (NKG + 1) / 2) == 0);

    char gtxt[256];
    {
        size_t used = 0;
        for (int i = 0; i < NKG && used < sizeof gtxt; i++) {
            int w = snprintf(gtxt + used, sizeof gtxt - used, "%s%.0f", i ? " " : "", binom[i]);
            if (w < 0) break;
            used += (size_t)w;
        }
    }
    nb_para(nb, "The same definitions work on a 1-D signal, such as a sound or a row of pixels. Our signal: a "
                "step down from 1 to 0 at t = %d, plus random noise of standard deviation %.2f (seeded). Two "
                "kernels:\n"
                "- smoothing g: the %d weights %s, each over their sum %.0f. They are a row of Pascal's "
                "triangle, a bell curve %.0f samples wide that sums to 1.\n"
                "- derivative d = 0.5 0 −0.5: under convolution, (x ∗ d)(t) = (x(t+1) − x(t−1)) / 2, the "
                "slope of x at t.", STEP, noise, NKG, gtxt, total, (double)NKG);
    /* measurements: the noise on the flat part before the step (the signal
     * is 1 there), the slope's bump at the step against its largest
     * wiggle elsewhere */
    double s_raw = 0.0, s_sm = 0.0;
    int nflat = 0;
    for (int i = 20; i < STEP - 20; i++) {
        s_raw += ((double)sig[i] - 1.0) * ((double)sig[i] - 1.0);
        s_sm += ((double)smooth[i] - 1.0) * ((double)smooth[i] - 1.0);
        nflat++;
    }
    s_raw = sqrt(s_raw / nflat), s_sm = sqrt(s_sm / nflat);
    double w2 = 0.0;
    for (int i = 0; i < NKG; i++) w2 += (double)gk[i] * gk[i];
    int peak = NKG, peak_raw = NKG;
    double off = 0.0, off_raw = 0.0;
    for (int i = NKG; i < NS - NKG; i++) {
        if (dsm[i] < dsm[peak]) peak = i;
        if (draw[i] < draw[peak_raw]) peak_raw = i;
        if (abs(i - STEP) > 2 * NKG) off = fmax(off, fabs(dsm[i])), off_raw = fmax(off_raw, fabs(draw[i]));
    }
    nb_check(nb, s_sm < 0.6 * s_raw,
             "smoothing shrinks the noise: on the flat part before the step (t = 20..%d) its size (root mean "
             "square) drops from %.4f to %.4f; for independent noise theory says × sqrt(Σ g²) = × %.3f",
             STEP - 21, s_raw, s_sm, sqrt(w2));
    nb_check(nb, abs(peak - STEP) <= 2 && dsm[peak] < 0.0f,
             "the slope of the smoothed signal has its deepest point at t = %d (the step is at %d), %+.4f: "
             "negative, because the signal falls", peak, STEP, (double)dsm[peak]);
    nb_check(nb, fabs(dsm[peak]) > 2.0 * off && fabs(dsm[peak]) / off > fabs(draw[peak_raw]) / off_raw,
             "smoothing first makes the step stand out: in the slope of the smoothed signal the dip "
             "(%.3f) is %.1f times the largest wiggle more than %d samples away from the step (%.3f); in the "
             "slope of the raw signal only %.1f times (%.3f against %.3f)", fabs(dsm[peak]),
             fabs(dsm[peak]) / off, 2 * NKG, off, fabs(draw[peak_raw]) / off_raw, fabs(draw[peak_raw]), off_raw);
    double dneg = 0.0;
    for (int i = 0; i < NS; i++) dneg = fmax(dneg, fabs((double)dcorr[i] + dsm[i]));
    nb_check(nb, dneg == 0.0,
             "correlating with d instead gives the exact negative, %+.4f at the step (largest |conv + corr| "
             "= %g): d is antisymmetric, like Sobel", (double)dcorr[peak], dneg);
    double dassoc = 0.0;
    for (int i = NKG; i < NS - NKG; i++) dassoc = fmax(dassoc, fabs((double)dsm2[i] - dsm[i]));
    nb_check(nb, dassoc < 1e-6,
             "associativity once more: smoothing then differentiating equals one convolution with the "
             "%d-tap kernel g ∗ d (largest difference %.1e, away from the ends)", NKG + 2, dassoc);

    /* the plot leaves out the ends, where the kernels hang over the signal and
     * meet the zero padding; the slope is drawn 4 times taller to be seen */
    enum { CUT = 20, NPL = NS - 2 * CUT };
    double t[NPL], y0[NPL], y1[NPL], y2[NPL];
    for (int i = 0; i < NPL; i++)
        t[i] = i + CUT, y0[i] = sig[i + CUT], y1[i] = smooth[i + CUT], y2[i] = 4.0 * dsm[i + CUT];
    const double *ys[3] = { y0, y1, y2 };
    const char *names[3] = { "noisy step x", "smoothed x ∗ g", "4 × slope (x ∗ g) ∗ d" };
    int rc = plot_lines(nb_path(nb, "step.png"), nb_path(nb, "step.dat"), "A noisy step, smoothed and differentiated",
                        "t", "value", names, t, ys, 3, NPL);
    CN_CHECK(rc >= 0);
    nb_plot(nb, "the noisy step; the same convolved with the smoothing kernel g (the noise is calmer, the step "
                "a little rounded); and the slope of the smoothed signal, drawn 4 times taller: near 0, with "
                "one dip where the signal falls (the first and last 20 samples, where the kernels hang over "
                "the ends, are left out)", "step.png");
    text_preview(nb, "step.dat", "noisy step, smoothed, slope");
}

/* Three spikes: convolution echoes the kernel after each, correlation before. */
static void spike_train(Notebook *nb)
{
    enum { NP = 52, NK = 5, NO = NP + NK - 1, NT = NP + 2 * (NK - 1) };
    float spikes[NP] = { 0 }, k[NK] = { 1.0f, 0.8f, 0.6f, 0.4f, 0.2f }, cv[NO], cr[NO];
    const int at[3] = { 6, 16, 28 };
    const float height[3] = { 1.0f, 0.5f, 1.0f };
    for (int i = 0; i < 3; i++) spikes[at[i]] = height[i];
    /* Full mode. convolve1d's output i is (x ∗ k)(t) at t = i; correlate1d's
     * output i is (k ⋆ x)(t) = Σ k(τ) x(t + τ) at t = i − (NK − 1), the
     * kernel laid over the signal starting at t (see "The definitions"). */
    CN_CHECK(convolve1d(cv, spikes, NP, k, NK, 1, NK - 1, NK - 1) == 0);
    CN_CHECK(correlate1d(cr, spikes, NP, k, NK, 1, NK - 1, NK - 1) == 0);
    char ktxt[64];
    row_text(ktxt, sizeof ktxt, k, NK, 1, 0);
    nb_para(nb, "Last, a spike train: a signal that is 0 except for three single spikes, at t = %d, %d and %d "
                "(heights %.1f, %.1f, %.1f), and a lopsided kernel k = %s that fades out, like an echo. "
                "Full mode, each output placed at its own t: (x ∗ k)(t) = Σ x(τ) k(t − τ) and "
                "(k ⋆ x)(t) = Σ k(τ) x(t + τ), exactly as defined.", at[0], at[1], at[2], (double)height[0],
                (double)height[1], (double)height[2], ktxt);
    double dk1 = 0.0, dk2 = 0.0;
    for (int sp = 0; sp < 3; sp++)
        for (int m = 0; m < NK; m++) {
            /* convolution at t = s + m is height × k(m); correlation at t = s − m
             * (output index s − m + NK − 1) is height × k(m) */
            dk1 = fmax(dk1, fabs(cv[at[sp] + m] - height[sp] * k[m]));
            dk2 = fmax(dk2, fabs(cr[at[sp] - m + NK - 1] - height[sp] * k[m]));
        }
    nb_check(nb, dk1 < 1e-6,
             "convolution stamps a copy of the kernel after every spike, scaled by its height: from t = s to "
             "s + %d the output is height × (%s) (largest difference %g)", NK - 1, ktxt, dk1);
    nb_check(nb, dk2 < 1e-6,
             "cross-correlation stamps it backwards and before the spike: from t = s − %d to s it reads height "
             "× (%.1f … %.1f), swelling up to the spike (largest difference %g)", NK - 1, (double)k[NK - 1],
             (double)k[0], dk2);
    /* one t axis, from -(NK-1) to NP+NK-2, both outputs 0 where they do not reach */
    double t[NT], y0[NT], y1[NT], y2[NT];
    for (int i = 0; i < NT; i++) {
        int tt = i - (NK - 1);
        t[i] = tt;
        y0[i] = tt >= 0 && tt < NP ? spikes[tt] : 0.0;
        y1[i] = tt >= 0 && tt < NO ? cv[tt] : 0.0;
        y2[i] = i < NO ? cr[i] : 0.0;
    }
    const double *ys[3] = { y0, y1, y2 };
    const char *names[3] = { "spikes x", "convolution x ∗ k", "correlation k ⋆ x" };
    int rc = plot_stems(nb_path(nb, "spikes.png"), nb_path(nb, "spikes.dat"),
                        "Spikes convolved and correlated with a fading kernel", "t", "value", names, t, ys, 3, NT);
    CN_CHECK(rc >= 0);
    nb_plot(nb, "top: three spikes; middle: the convolution puts the fading kernel after each spike, like an "
                "echo that starts at the spike; bottom: the correlation puts it reversed before the spike, a "
                "swell that peaks at the spike (k ⋆ x at t lays k over the signal starting at t, and the big "
                "weight k(0) meets the spike when t is the spike). Each sample is a stem: there is nothing "
                "between whole t", "spikes.png");
    nb_para(nb, "Convolving a single spike (an impulse) gives back the kernel itself: its \"impulse response\". "
                "Lesson 03 pushes an impulse through a stack of filters to see how far each output pixel can "
                "see.");
}

/* --- summary ------------------------------------------------------------------------- */

static void in_short(Notebook *nb)
{
    nb_section(nb, "In short");
    nb_para(nb, "- Cross-correlation reads the kernel as written; convolution reads it rotated by 180 degrees.\n"
                "- For symmetric kernels (all six of the deck's) they are the same; for Sobel they differ in sign.\n"
                "- Convolution commutes and regroups without a flip; correlation does neither, yet stacked "
                "correlations also make one correlation (its kernel is the convolution of the two).\n"
                "- Deep-learning \"convolution\" layers compute cross-correlation: a learned kernel absorbs the "
                "flip.");
    nb_section(nb, "Try it yourself");
    nb_para(nb, "- Your own picture: build/lessons/" LESSON_ID " --image my_photo.jpg (PNG or JPEG, made gray). "
                "The identities above hold on any picture, so they are checked on yours too.\n"
                "- A quick run on a smaller copy of the photo: build/lessons/" LESSON_ID " --quick.\n"
                "- In the code: give the spike train another kernel (k in spike_train, lessons/" LESSON_ID ".c), "
                "rebuild with make, and watch the echo and the swell change shape.");
}

/* --- helpers ------------------------------------------------------------------------------ */

/* The photograph (--image's or the lesson's), gray, shrunk to 128 px with
 * --quick or 512 px; a picture too small for the lesson stops the run. */
static CnImage *load_photo(const char *image_path, int quick)
{
    CnImage *img = load_lesson_photo(image_path, 1);
    if (img->h < 8 || img->w < 8)
        CN_DIE("--image %s: the picture is %dx%d pixels; this lesson needs at least 8x8. Use a larger picture",
               image_path ? image_path : lesson_photo_path(), img->w, img->h);
    img = shrink_image(img, quick ? 128 : 512);
    return img;
}
