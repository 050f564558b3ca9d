/* 01_single_filter.c - lesson 01: a single filter.
 *
 * One small grid of weights, slid over a photograph: each output pixel is
 * the sum of the weights times the pixels under them (cross-correlation,
 * core/conv.h). The seed deck's six kernels and Sobel x/y on the photo; what
 * the sum of a kernel's weights does to brightness, measured; and what
 * happens at the border, on a 5x5 example small enough to check by hand.
 *
 *   build/lessons/01_single_filter                 the full lesson (512x512 photo)
 *   build/lessons/01_single_filter --quick         the photo at 128x128, a second or so
 *   build/lessons/01_single_filter --image my.jpg  your own picture
 *   build/lessons/01_single_filter --kernel sobel_x
 *   build/lessons/01_single_filter --weights "0 -1 0; -1 5 -1; 0 -1 0"   your own kernel
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
#include "datasets/dataset.h"
#include "lessons/kit/arrays.h"
#include "lessons/kit/cli.h"
#include "lessons/kit/draw.h"
#include "lessons/kit/goals.h"
#include "lessons/kit/report.h"
#include "lessons/lesson.h"

#define LESSON_ID "01_single_filter"
#define PATCH 16            /* side of the "flattest patch" searched in the photo */
#define EDGE_QUANTILE 0.99
#define MAX_WEIGHTS 9       /* --weights: at most this many rows and columns */  /* edge maps: this quantile of |value| is drawn white / black */

/* The photograph the lesson filters, and what the sections find in it. */
typedef struct {
    const char *path, *image_path;  /* the file read; --image, or NULL for the lesson's own photo */
    int orig_h, orig_w;             /* its size before shrinking */
    int H, W;
    size_t N;
    CnImage *img;
    const float *x;                 /* img's H x W gray levels, 0 black .. 1 white */
    double mean_in;                 /* mean brightness */
    int fy, fx;                     /* top-left corner of the calmest PATCH x PATCH patch */
    int at_defaults;                /* the lesson's photo and kernels: its claims are checks */
} Photo;

/* The filtered photos, one tile per kernel, for the contact sheet. */
typedef struct {
    float *tiles;
    char (*labels)[40];
    int any_edge, any_bright;
} ContactSheet;

/* Your own kernel (--weights). */
static float own_v[MAX_WEIGHTS * MAX_WEIGHTS];
static CnKernel own = { "weights", "your kernel", 0, 0, own_v,
                        "The kernel you gave with --weights. Its sum decides what it does to flat regions, "
                        "as the section above measured." };

/* The sections of the lesson, in the order main() tells them. */
static void the_photograph(Notebook *nb, Photo *p, int quick);
static void one_output_pixel_by_hand(Notebook *nb, Photo *photo, const CnKernel *ex, float *out);
static void kernel_sum_and_brightness(Notebook *nb, const Photo *p, const CnKernel *const *chosen, int nk);
static void each_kernel_on_the_photo(Notebook *nb, const Photo *p, const CnKernel *const *chosen, int nk, float *out,
                                     ContactSheet *sh);
static void all_outputs_side_by_side(Notebook *nb, const Photo *p, const CnKernel *const *chosen, int nk,
                                     const ContactSheet *sh);
static void borders_valid_same_full(Notebook *nb);
static void border_on_the_photo(Notebook *nb, const Photo *p, float *out);
static void try_it_yourself(Notebook *nb);
static void read_flags(int argc, char **argv, int *quick, const char **image_path, const char **kernel_name,
                       const char **weights);
static int choose_kernels(const CnKernel **chosen, const char *kernel_name, const char *weights);
static Photo load_photo(const char *image_path, int quick);

int main(int argc, char **argv)
{
    int quick = 0;
    const char *image_path = NULL, *kernel_name = NULL, *weights = NULL;
    read_flags(argc, argv, &quick, &image_path, &kernel_name, &weights);

    /* check the flags before anything is written */
    const CnKernel *chosen[16];
    const int nk = choose_kernels(chosen, kernel_name, weights);
    Photo p = load_photo(image_path, quick);
    p.at_defaults = !image_path && !weights;
    lesson_explore(!p.at_defaults); /* claims about the lesson's picture are goals (goals.h) */

    Notebook *nb = nb_open(LESSON_ID, "Lesson 01 — A single filter");
    CN_CHECK(nb);
    the_photograph(nb, &p, quick);
    float *out = xcalloc(p.N, sizeof *out);   /* one filtered photo at a time */
    ContactSheet sh = { xcalloc((size_t)nk * p.N, sizeof *sh.tiles), xcalloc((size_t)nk, sizeof *sh.labels), 0, 0 };
    one_output_pixel_by_hand(nb, &p, nk == 1 ? chosen[0] : kernel_find("edge2"), out);
    kernel_sum_and_brightness(nb, &p, chosen, nk);
    each_kernel_on_the_photo(nb, &p, chosen, nk, out, &sh);
    all_outputs_side_by_side(nb, &p, chosen, nk, &sh);
    borders_valid_same_full(nb);
    border_on_the_photo(nb, &p, out);
    try_it_yourself(nb);

    free(sh.labels);
    free(sh.tiles);
    free(out);
    image_free(p.img);
    return lesson_end(nb);
}

/* What each kernel does, for a learner, and what to look at in its picture
 * (the table is at the end of the file). */
typedef struct {
    const char *name, *what, *look;
} Story;

/* Helpers, defined after the sections. */
static void kernel_sum_at_work(Notebook *nb, const Photo *p, const CnKernel *ex, int fy, int fx, int by, int bx,
                               const double result[2], const double centre[2]);
static const Story *story_of(const CnKernel *k);
static const char *signed4(char buf[24], double v);

/* --- the photograph ---------------------------------------------------------------- */

static void the_photograph(Notebook *nb, Photo *p, int quick)
{
    const float *x = p->x;
    const int H = p->H, W = p->W;
    const size_t N = p->N;
    const int orig_h = p->orig_h, orig_w = p->orig_w;
    const char *photo_path = p->path, *image_path = p->image_path;
    nb_section(nb, "The photograph");
    float pmin, pmax;
    min_max(x, N, &pmin, &pmax);
    double mean_in = mean_of(x, N);
    p->mean_in = mean_in;
    const char *name = strrchr(photo_path, '/') ? strrchr(photo_path, '/') + 1 : photo_path;
    const char *what = image_path ? "your picture" : "the photograph";
    const char *gray = image_path ? ", read as gray (a colour picture becomes its brightness)" : "";
    if (H != orig_h || W != orig_w)
        nb_para(nb, "We start from %s %s, %dx%d pixels%s, shrunk to %dx%d by averaging %dx%d blocks%s.", what, name,
                orig_w, orig_h, gray, W, H, orig_w / W, orig_h / H,
                quick ? " (--quick)" : " (larger pictures are shrunk to 512 px)");
    else
        nb_para(nb, "We start from %s %s, %dx%d pixels%s.", what, name, W, H, gray);
    nb_para(nb, "To the computer a gray picture is just a grid of numbers, one per pixel: 0 is black, 1 is white. "
                "This one has %zu of them, from %.3f to %.3f, with a mean (average) brightness of %.4f. "
                "We will come back to that mean.", N, (double)pmin, (double)pmax, mean_in);
    CN_CHECK(image_write_png(nb_path(nb, "photo.png"), x, 1, H, W) == 0);
    nb_image(nb, "the input photograph", "photo.png");
}

/* --- one output pixel, by hand ----------------------------------------------------- */

static void one_output_pixel_by_hand(Notebook *nb, Photo *photo, const CnKernel *ex, float *out)
{
    const float *x = photo->x;
    const int H = photo->H, W = photo->W;
    CN_CHECK(ex);
    const int KH = ex->h, KW = ex->w;
    nb_section(nb, "One output pixel, by hand");
    nb_para(nb, "A filter (or kernel) is a small grid of weights. To filter a picture, put the kernel over a pixel "
                "so that its centre sits on that pixel, multiply every weight by the pixel under it, and add the "
                "products up. That sum is the output pixel. Then slide the kernel one pixel on and do it again, "
                "for every pixel. (This is cross-correlation; lesson 02 explains why the name \"convolution\" "
                "is not quite right for it.)");
    nb_para(nb, "Let us do it once by hand with %s, at two places: the calmest %dx%d patch of the photo (the "
                "smallest spread of values) and the busiest one (the largest).", ex->title, PATCH, PATCH);
    CN_CHECK(correlate2d_border(out, x, H, W, ex->v, KH, KW, CONV_BORDER_SAME, 1) == 0);
    int margin = (KH > KW ? KH : KW) / 2 + 1;
    int fy, fx, by, bx;
    find_patch(x, H, W, PATCH, margin, 0, &fy, &fx);
    find_patch(x, H, W, PATCH, margin, 1, &by, &bx);
    double result[2], centre[2];   /* the output and the input pixel, calm then busy */
    for (int which = 0; which < 2; which++) {
        int cy = (which ? by : fy) + PATCH / 2, cx = (which ? bx : fx) + PATCH / 2;
        float *nbhd = xcalloc((size_t)(KH * KW), sizeof *nbhd), *prod = xcalloc((size_t)(KH * KW), sizeof *prod);
        double sum = 0.0;
        /* same mode pads (k-1)/2 before: the window of output (cy, cx) starts at (cy - (KH-1)/2, cx - (KW-1)/2) */
        for (int m = 0; m < KH; m++)
            for (int n = 0; n < KW; n++) {
                float p = x[(size_t)(cy - (KH - 1) / 2 + m) * (size_t)W + (size_t)(cx - (KW - 1) / 2 + n)];
                nbhd[m * KW + n] = p;
                prod[m * KW + n] = p * ex->v[m * KW + n];
                sum += prod[m * KW + n];
            }
        char cap[160];
        nb_para(nb, "%s: the pixel at row %d, column %d (counting from 0 at the top left).",
                which ? "The busiest place" : "The calmest place", cy, cx);
        snprintf(cap, sizeof cap, "the %dx%d pixels under the kernel", KH, KW);
        nb_matrix(nb, cap, nbhd, KH, KW, 3);
        snprintf(cap, sizeof cap, "each pixel times the weight on it (%s)", ex == &own ? ex->title : ex->name);
        nb_matrix(nb, cap, prod, KH, KW, 3);
        float lib = out[(size_t)cy * (size_t)W + (size_t)cx];
        nb_check(nb, fabs(sum - lib) < 1e-5,
                 "adding the %d products gives %.4f, the same as the library's correlate2d at that pixel "
                 "(%.4f; difference %.1e)", KH * KW, sum, (double)lib, fabs(sum - lib));
        result[which] = sum;
        centre[which] = x[(size_t)cy * (size_t)W + (size_t)cx];
        free(nbhd);
        free(prod);
    }
    nb_para(nb, "That multiply-and-add, at every pixel, is all correlate2d does. Here is the library's own loop, "
                "read from its source file as this lesson ran: run2d visits the output pixels one by one and "
                "hands each window to conv2d_window, which multiplies and adds. correlate2d calls run2d with "
                "CONV_OP_CORRELATE, so the weights are read in their own order, k[m][n] (the other branch, "
                "CONV_OP_CONVOLVE, reads them backwards: lesson 02). One picture and one kernel here, so the "
                "loops over o and c run once. conv_clip leaves out the weights that hang over the picture's "
                "edge, which is the same as multiplying them by zeros (see \"Borders\" below).");
    nb_code_from_source(nb, "core/conv.c", "run2d");
    nb_code_from_source(nb, "core/conv.c", "conv2d_window");
    kernel_sum_at_work(nb, photo, ex, fy, fx, by, bx, result, centre);
    photo->fy = fy;
    photo->fx = fx;
}

/* What the two worked pixels show about the kernel's sum, in the sentences
 * their numbers support. A kernel whose weights sum to s turns a flat
 * region of value v into s·v; the claim is that the calm pixel's output is
 * no further from s times its input pixel than the busy one's is. */
static void kernel_sum_at_work(Notebook *nb, const Photo *p, const CnKernel *ex, int fy, int fx, int by, int bx,
                               const double result[2], const double centre[2])
{
    const double s = kernel_sum(ex);
    const double sd_calm = sqrt(patch_variance(p->x, p->W, fy, fx, PATCH));
    const double sd_busy = sqrt(patch_variance(p->x, p->W, by, bx, PATCH));
    const double dev_calm = fabs(result[0] - s * centre[0]), dev_busy = fabs(result[1] - s * centre[1]);
    const int zero = fabs(s) < 1e-4, one = fabs(s - 1.0) < 1e-4, ok = dev_calm <= dev_busy + 1e-6;
    if (zero)
        nb_para(nb, "The weights of %s add up to 0, so on a flat patch the products cancel and the output is 0. "
                    "In the calm patch the pixel values are %s (standard deviation %.4f): the output is %.4f. In "
                    "the busy patch (standard deviation %.4f) it is %.4f.", ex->title,
                sd_calm < 0.02 ? "nearly equal" : "the least spread in this picture, though not nearly equal", sd_calm,
                result[0], sd_busy, result[1]);
    else
        nb_para(nb, "The weights of %s add up to %.4g, so on a flat patch of value v the output is %.4g × v%s. "
                    "In the calm patch (standard deviation %.4f) the output is %.4f, against %.4g × %.4f = %.4f for "
                    "its centre pixel alone. In the busy patch (standard deviation %.4f) it is %.4f, against "
                    "%.4g × %.4f = %.4f.", ex->title, s, s, one ? ": the pixel keeps its value" : "", sd_calm,
                result[0], s, centre[0], s * centre[0], sd_busy, result[1], s, centre[1], s * centre[1]);
    if (!ok)
        nb_para(nb, "Here the calm place strays further from that than the busy one. The spread is measured over "
                    "the whole %dx%d patch, while the kernel sees only the %dx%d pixels around one pixel: a busy "
                    "patch can have a smooth ramp at its centre, and a calm one a small bump.",
                PATCH, PATCH, ex->h, ex->w);
    if (zero)
        lesson_goal(nb, ok, "the calm place's output is no further from 0 than the busy "
                      "place's: %.4f against %.4f in size", dev_calm, dev_busy);
    else
        lesson_goal(nb, ok, "the calm place's output is no further from %.4g × its pixel than "
                      "the busy place's: off by %.4f against %.4f", s, dev_calm, dev_busy);
    nb_para(nb, "The sum of the weights is the key to what a kernel does with flat regions: the next section "
                "measures it.");
}

/* --- what a kernel's sum does ------------------------------------------------------- */

static void kernel_sum_and_brightness(Notebook *nb, const Photo *p, const CnKernel *const *chosen, int nk)
{
    const double mean_in = p->mean_in;
    const int fy = p->fy, fx = p->fx;
    nb_section(nb, "What a kernel's sum does to brightness");
    nb_para(nb, "On a perfectly flat region, where every pixel has the same value v, each product is weight × v, "
                "so the output is v × (sum of the weights). Two sums matter:\n"
                "- sum 1: a flat region keeps its value, so the picture keeps its mean brightness;\n"
                "- sum 0: a flat region becomes 0, so only changes (edges, texture) survive.");
    nb_para(nb, "Here is every kernel of this run on a flat gray picture, v = 0.5 everywhere (the middle of the "
                "output, away from the border):");
    const int F = 12;
    float flat[144], fo[144];
    for (int i = 0; i < F * F; i++) flat[i] = 0.5f;
    const char *hdr[] = { "kernel", "sum of weights", "0.5 becomes" };
    const char **cells = xcalloc((size_t)nk * 3, sizeof *cells);
    char (*txt)[2][32] = xcalloc((size_t)nk, sizeof *txt);
    double worst = 0.0;
    for (int i = 0; i < nk; i++) {
        const CnKernel *k = chosen[i];
        CN_CHECK(correlate2d_border(fo, flat, F, F, k->v, k->h, k->w, CONV_BORDER_VALID, 1) == 0);
        int oh = F - k->h + 1, ow = F - k->w + 1;
        double s = kernel_sum(k), dev = 0.0;
        for (int j = 0; j < oh * ow; j++) dev = fmax(dev, fabs(fo[j] - 0.5 * s));
        worst = fmax(worst, dev);
        snprintf(txt[i][0], sizeof txt[i][0], "%.4f", fabs(s) < 5e-7 ? 0.0 : s);
        snprintf(txt[i][1], sizeof txt[i][1], "%.4f", fabs(fo[0]) < 5e-7 ? 0.0 : (double)fo[0]);
        cells[i * 3] = k->title;
        cells[i * 3 + 1] = txt[i][0];
        cells[i * 3 + 2] = txt[i][1];
    }
    nb_table(nb, hdr, cells, nk, 3);
    nb_check(nb, worst < 1e-6,
             "on the flat picture every output pixel equals 0.5 × the kernel's sum (largest deviation %.1e, "
             "over %d kernel%s)", worst, nk, nk == 1 ? "" : "s");
    free(cells);
    free(txt);
    nb_para(nb, "A real photo is not flat, but most of it is smooth. So a sum-1 kernel should keep the photo's "
                "mean brightness (%.4f), and a sum-0 kernel should bring it to about 0. Each kernel's section "
                "below measures both, and looks again at the calmest %dx%d patch (top-left corner at row %d, "
                "column %d), where the output should be about sum × input.", mean_in, PATCH, PATCH, fy, fx);
}

/* --- each kernel on the photograph -------------------------------------------------- */

static void each_kernel_on_the_photo(Notebook *nb, const Photo *p, const CnKernel *const *chosen, int nk, float *out,
                                     ContactSheet *sh)
{
    const float *x = p->x;
    const int H = p->H, W = p->W;
    const size_t N = p->N;
    const int fy = p->fy, fx = p->fx;
    const double mean_in = p->mean_in;
    const char *image_path = p->image_path;
    float *tiles = sh->tiles;
    char (*labels)[40] = sh->labels;
    int any_edge = 0, any_bright = 0, explained_zero = 0, explained_one = 0;
    for (int i = 0; i < nk; i++) {
        const CnKernel *k = chosen[i];
        const Story *st = story_of(k);
        double s = kernel_sum(k);
        char sbuf[24];
        int keeps = fabs(s - 1.0) < 1e-4, zero = fabs(s) < 1e-4;
        nb_section(nb, "Kernel %d of %d: %s", i + 1, nk, k->title);

        int integral = 1;
        for (int j = 0; j < k->h * k->w; j++) integral &= k->v[j] == floorf(k->v[j]);
        char cap[160];
        snprintf(cap, sizeof cap, "%s (%s %s), sum of weights %.4g", k->title, k == &own ? "given with" : "registry name",
                 k == &own ? "--weights" : k->name, fabs(s) < 5e-7 ? 0.0 : s);
        nb_matrix(nb, cap, k->v, k->h, k->w, integral ? 0 : 4);
        nb_para(nb, "%s", st ? st->what : k->note);

        CN_CHECK(correlate2d_border(out, x, H, W, k->v, k->h, k->w, CONV_BORDER_SAME, 1) == 0);
        float omin, omax;
        min_max(out, N, &omin, &omax);
        double mean_out = mean_of(out, N);
        /* The interior: the pixels where the whole kernel lies on the picture
         * (same mode pads (k-1)/2 before and k/2 after). */
        double in_int = 0.0, out_int = 0.0;
        size_t n_int = 0;
        for (int y = (k->h - 1) / 2; y < H - k->h / 2; y++)
            for (int xx = (k->w - 1) / 2; xx < W - k->w / 2; xx++) {
                size_t at = (size_t)y * (size_t)W + (size_t)xx;
                in_int += x[at];
                out_int += out[at];
                n_int++;
            }
        in_int /= (double)n_int;
        out_int /= (double)n_int;
        /* flat patch: mean |out - sum * in| */
        double flat_dev = 0.0, flat_in = 0.0;
        for (int y = fy; y < fy + PATCH; y++)
            for (int xx = fx; xx < fx + PATCH; xx++) {
                size_t at = (size_t)y * (size_t)W + (size_t)xx;
                flat_dev += fabs(out[at] - s * x[at]);
                flat_in += x[at];
            }
        flat_dev /= PATCH * PATCH;
        flat_in /= PATCH * PATCH;
        double mean_abs = 0.0;
        for (size_t j = 0; j < N; j++) mean_abs += fabs(out[j]);
        mean_abs /= (double)N;

        if (!strcmp(k->name, "identity")) {
            double d = 0.0;
            for (size_t j = 0; j < N; j++) d = fmax(d, fabs(out[j] - x[j]));
            nb_check(nb, d == 0.0, "the output is the photo, pixel for pixel (largest difference %g)", d);
        }
        if (keeps) {
            lesson_goal(nb, fabs(out_int - in_int) < 0.01,
                     "sum 1 keeps the mean brightness: %.4f before, %.4f after (change %s), over the %zu pixels "
                     "where the whole kernel lies on the picture", in_int, out_int, signed4(sbuf, out_int - in_int), n_int);
            lesson_goal(nb, flat_dev < 0.01,
                     "in the calm patch the output stays at the input's level: mean %.4f in, mean "
                     "|output − input| %.4f", flat_in, flat_dev);
        } else if (zero) {
            lesson_goal(nb, fabs(out_int) <= 0.1 * in_int,
                     "sum 0 takes the mean brightness from %.4f down to %s, near 0 (over the %zu pixels where "
                     "the whole kernel lies on the picture)", in_int, signed4(sbuf, out_int), n_int);
            lesson_goal(nb, flat_dev <= 0.25 * mean_abs,
                     "in the calm patch the output is near 0: mean |output| %.4f there, against %.4f over "
                     "the whole picture", flat_dev, mean_abs);
        } else {
            nb_para(nb, "Its weights sum to %.4g: a flat region of value v becomes %.4g × v. Mean brightness "
                        "%.4f before, %.4f after.", s, s, in_int, out_int);
        }
        /* Over the whole picture the border counts too: say why the mean
         * moved only where it visibly did (4 decimals). */
        int moved = fabs(mean_out - (keeps ? mean_in : 0.0)) >= 0.00005;
        if (keeps && strcmp(k->name, "identity") != 0 && moved && !explained_one) {
            nb_para(nb, "Over the whole picture, border included, the mean goes from %.4f to %.4f: the outermost "
                        "pixels differ, because there part of the kernel hangs over the edge and multiplies zeros "
                        "(see \"Borders\" below).", mean_in, mean_out);
            explained_one = 1;
        } else if (keeps && strcmp(k->name, "identity") != 0) {
            nb_para(nb, "Over the whole picture, border included, the mean goes from %.4f to %.4f.", mean_in, mean_out);
        }
        if (zero && moved && !explained_zero) {
            nb_para(nb, "Why not exactly 0? Summed over the picture, each pixel meets every weight once and they "
                        "cancel, except for pixels near the edge, which meet only some of the weights. Over the "
                        "whole picture, border included, the mean is %s.", signed4(sbuf, mean_out));
            explained_zero = 1;
        } else if (zero) {
            nb_para(nb, "Over the whole picture, border included, the mean is %s.", signed4(sbuf, mean_out));
        }

        /* The picture: kernels that keep brightness are drawn as intensities
         * (clamped to [0, 1]); edge maps symmetric around mid-gray, so 0 is
         * gray and the sign shows as lighter / darker. */
        float *tile = tiles + (size_t)i * N;
        char how[256], file[64];
        if (keeps) {
            size_t clipped = 0;
            for (size_t j = 0; j < N; j++) clipped += out[j] < 0.0f || out[j] > 1.0f;
            image_map_apply_range(tile, out, N, 0.0f, 1.0f);
            snprintf(how, sizeof how, "clamped: 0 → black, 1 → white; values from %.3f to %.3f, %.2f%% of pixels "
                     "outside [0, 1] clipped", (double)omin, (double)omax, 100.0 * (double)clipped / (double)N);
            any_bright = 1;
        } else {
            float a = abs_quantile(out, N, EDGE_QUANTILE);
            if (!(a > 0.0f)) a = fmaxf(fabsf(omin), fabsf(omax));
            image_map_apply_range(tile, out, N, -a, a);
            snprintf(how, sizeof how, "symmetric around mid-gray: 0 → mid-gray, −%.3f → black, +%.3f → white "
                     "(%.3f is the %.0fth percentile of |value|; values run from %.3f to %.3f, the strongest "
                     "%.0f%% saturate)", (double)a, (double)a, (double)a, EDGE_QUANTILE * 100, (double)omin,
                     (double)omax, (1.0 - EDGE_QUANTILE) * 100);
            any_edge = 1;
        }
        snprintf(file, sizeof file, "kernel_%s.png", k->name);
        CN_CHECK(image_write_png(nb_path(nb, file), tile, 1, H, W) == 0);
        snprintf(cap, sizeof cap, "%s on the photo", k->title);
        char full_cap[600];
        snprintf(full_cap, sizeof full_cap, "%s; %s", cap, how);
        nb_image(nb, full_cap, file);
        if (st && !image_path) nb_para(nb, "What to look at: %s", st->look);
        snprintf(labels[i], sizeof labels[i], "%s", k->title);
    }
    sh->any_edge = any_edge;
    sh->any_bright = any_bright;
}

/* --- all of them side by side -------------------------------------------------------- */

static void all_outputs_side_by_side(Notebook *nb, const Photo *p, const CnKernel *const *chosen, int nk,
                                     const ContactSheet *sh)
{
    const float *x = p->x, *tiles = sh->tiles;
    const int H = p->H, W = p->W, any_edge = sh->any_edge, any_bright = sh->any_bright;
    const size_t N = p->N;
    char (*labels)[40] = sh->labels;
    nb_section(nb, "All the outputs side by side");
    /* A picture wider than 256 pixels goes on the sheet at half size (the
     * mean of each 2x2 block): nine 512x512 tiles made a 3 MB page, and
     * every picture is shown at full size above. */
    const int f = W > 256 && H > 256 ? 2 : 1, th = H / f, tw = W / f;
    const size_t tn = (size_t)th * (size_t)tw;
    float *small = xcalloc((size_t)(nk + 1) * tn, sizeof *small);
    MontageTile *mt = xcalloc((size_t)nk + 1, sizeof *mt);
    const char **lab = xcalloc((size_t)nk + 1, sizeof *lab);
    for (int i = 0; i <= nk; i++) {
        shrink_map(small + (size_t)i * tn, i == 0 ? x : tiles + (size_t)(i - 1) * N, H, W, f);
        mt[i] = (MontageTile){ small + (size_t)i * tn, 1, th, tw };
        lab[i] = i == 0 ? "photograph" : labels[i - 1];
    }
    /* MAP_CLAMP01: the tiles are already gray levels; all gray, so a gray
     * PNG (a third of the bytes) */
    MontageOptions mo = montage_labelled(nk + 1 >= 3 ? 3 : nk + 1, 1, tw >= 192 ? 10 : 6, MAP_CLAMP01, lab,
                                         tw >= 192 ? 2 : 1);
    write_montage_gray(nb, "contact_sheet.png", mt, nk + 1, &mo);
    char cap[512];
    snprintf(cap, sizeof cap, "the photograph and %d filtered version%s%s%s%s", nk, nk == 1 ? "" : "s",
             f > 1 ? ", each at half size (the mean of every 2x2 block; full size above)" : "",
             any_bright ? "; sum-1 kernels drawn clamped to [0, 1] (black 0, white 1)" : "",
             any_edge ? "; the other kernels (edge maps: sum 0) drawn symmetric around mid-gray (0 is gray, "
                        "positive lighter, negative darker)" : "");
    nb_image(nb, cap, "contact_sheet.png");
    nb_para(nb, "Same photo, same sliding-and-summing loop, a different set of %d weights: that is all it takes to "
                "blur, sharpen, or pull out the edges in one direction. A convolutional network uses exactly "
                "this operation, except that it learns the weights instead of having a person choose them "
                "(lessons 05–10).", chosen[0]->h * chosen[0]->w);
    free(mt);
    free(lab);
    free(small);
}

/* --- borders: valid, same, full ------------------------------------------------------ */

static void borders_valid_same_full(Notebook *nb)
{
    nb_section(nb, "Borders: valid, same and full");
    nb_para(nb, "Near the edge of the picture the kernel hangs over the side. There are three common answers, "
                "shown here on a 5x5 grid of the numbers 1..25 with a 3x3 kernel of ones (a box blur without the "
                "1/9, so the results stay whole numbers: each output is the sum of the 3x3 window).\n"
                "- valid: only put the kernel where it fits entirely. The output shrinks.\n"
                "- same: pad the input with a ring of zeros so the output has the input's size (what CNN "
                "layers usually do).\n"
                "- full: pad with two rings, so every position where the kernel touches the input at all gives "
                "an output. The output grows (the mathematician's convolution, lesson 02).");
    enum { S = 5, K = 3 };
    float in5[S * S], ones[K * K], o_valid[S * S], o_same[S * S], o_full[(S + 2 * (K - 1)) * (S + 2 * (K - 1))];
    for (int i = 0; i < S * S; i++) in5[i] = (float)(i + 1);
    for (int i = 0; i < K * K; i++) ones[i] = 1.0f;
    nb_matrix(nb, "input", in5, S, S, 0);
    ConvBorder modes[3] = { CONV_BORDER_VALID, CONV_BORDER_SAME, CONV_BORDER_FULL };
    float *outs[3] = { o_valid, o_same, o_full };
    int sizes[3];
    for (int m = 0; m < 3; m++) {
        int pb, pa, oh, ow;
        CN_CHECK(conv_border_pads(modes[m], K, &pb, &pa) == 0);
        CN_CHECK(conv2d_border_size(&oh, &ow, S, S, K, K, modes[m], 1) == 0);
        CN_CHECK(correlate2d_border(outs[m], in5, S, S, ones, K, K, modes[m], 1) == 0);
        int formula = conv_out_size(S, K, 1, pb, pa);
        char cap[96];
        snprintf(cap, sizeof cap, "%s (padding %d before, %d after)", conv_border_name(modes[m]), pb, pa);
        nb_matrix(nb, cap, outs[m], oh, ow, 0);
        nb_check(nb, oh == formula && ow == formula,
                 "%s: the output is %dx%d, as conv_out_size(in %d, kernel %d, stride 1, pads %d, %d) = "
                 "(%d + %d + %d − %d) / 1 + 1 = %d says", conv_border_name(modes[m]), oh, ow, S, K, pb, pa, S,
                 pb, pa, K, formula);
        sizes[m] = oh;
    }
    /* valid is the middle of same, same the middle of full */
    double d1 = 0.0, d2 = 0.0;
    for (int r = 0; r < sizes[0]; r++)
        for (int c = 0; c < sizes[0]; c++) d1 = fmax(d1, fabs(o_valid[r * sizes[0] + c] - o_same[(r + 1) * S + c + 1]));
    for (int r = 0; r < S; r++)
        for (int c = 0; c < S; c++) d2 = fmax(d2, fabs(o_same[r * S + c] - o_full[(r + 1) * sizes[2] + c + 1]));
    nb_check(nb, d1 == 0.0 && d2 == 0.0,
             "the modes differ only at the border: valid is the middle of same, and same is the middle of "
             "full (largest differences %g and %g)", d1, d2);
    nb_para(nb, "Look at the corners: the full output's corner is %.0f, the input's corner alone, because the "
                "kernel touches the input with only one of its %d weights there; the rest fall on zeros. The "
                "same output's corner, %.0f, is a sum of 4 pixels instead of 9. The zeros pull the border "
                "down.", (double)o_full[0], K * K, (double)o_same[0]);

    /* the picture: the input, the two padded inputs and the three outputs, as numbered grids */
    int P1 = S + 2, P2 = S + 4;
    float pad1[7 * 7], pad2[9 * 9];
    unsigned char m1[7 * 7], m2[9 * 9];
    for (int r = 0; r < P1; r++)
        for (int c = 0; c < P1; c++) {
            int in = r >= 1 && r <= S && c >= 1 && c <= S;
            pad1[r * P1 + c] = in ? in5[(r - 1) * S + c - 1] : 0.0f;
            m1[r * P1 + c] = (unsigned char)!in;
        }
    for (int r = 0; r < P2; r++)
        for (int c = 0; c < P2; c++) {
            int in = r >= 2 && r <= S + 1 && c >= 2 && c <= S + 1;
            pad2[r * P2 + c] = in ? in5[(r - 2) * S + c - 2] : 0.0f;
            m2[r * P2 + c] = (unsigned char)!in;
        }
    float omax = 0.0f;
    for (int i = 0; i < sizes[2] * sizes[2]; i++) omax = fmaxf(omax, o_full[i]);
    const int cell = 48;
    CnImage *g[6] = {
        number_grid(in5, NULL, S, S, 1, S * S, cell),          number_grid(pad1, m1, P1, P1, 1, S * S, cell),
        number_grid(pad2, m2, P2, P2, 1, S * S, cell),         number_grid(o_valid, NULL, sizes[0], sizes[0], 0, omax, cell),
        number_grid(o_same, NULL, S, S, 0, omax, cell),        number_grid(o_full, NULL, sizes[2], sizes[2], 0, omax, cell),
    };
    MontageTile mt[6];
    for (int i = 0; i < 6; i++) mt[i] = (MontageTile){ g[i]->data, 3, g[i]->h, g[i]->w };
    char l[6][48];
    snprintf(l[0], sizeof l[0], "input %dx%d", S, S);
    snprintf(l[1], sizeof l[1], "padded for same: %dx%d", P1, P1);
    snprintf(l[2], sizeof l[2], "padded for full: %dx%d", P2, P2);
    snprintf(l[3], sizeof l[3], "valid → %dx%d", sizes[0], sizes[0]);
    snprintf(l[4], sizeof l[4], "same → %dx%d", sizes[1], sizes[1]);
    snprintf(l[5], sizeof l[5], "full → %dx%d", sizes[2], sizes[2]);
    const char *lab[6] = { l[0], l[1], l[2], l[3], l[4], l[5] };
    MontageOptions mo = montage_labelled(3, 1, 16, MAP_CLAMP01, lab, 2);
    write_montage(nb, "borders.png", mt, 6, &mo);
    for (int i = 0; i < 6; i++) image_free(g[i]);
    nb_image(nb, "top: the 5x5 input, and the input padded with zeros (blue) for same and for full; bottom: "
                 "the valid, same and full outputs of the 3x3 kernel of ones (lighter = larger)", "borders.png");
    nb_para(nb, "Slide the 3x3 window over each padded grid in the top row and add up what it covers: you get "
                "the grid below it. (valid uses the unpadded input on the left.)");
}

/* The same effect on the photograph: box blur in same mode darkens the outer ring. */
static void border_on_the_photo(Notebook *nb, const Photo *p, float *out)
{
    const float *x = p->x;
    const int H = p->H, W = p->W;
    const CnKernel *blur = kernel_find("box_blur");
    CN_CHECK(blur);
    CN_CHECK(correlate2d_border(out, x, H, W, blur->v, 3, 3, CONV_BORDER_SAME, 1) == 0);
    /* Over a flat region, a pixel on a side keeps 6 of the 9 weights and a
     * corner 4: the ring mean drops to (sides * 6/9 + 4 corners * 4/9) / ring. */
    double ring_in = 0.0, ring_out = 0.0, next_in = 0.0, next_out = 0.0;
    size_t ring = 0, next = 0;
    for (int y = 0; y < H; y++)
        for (int xx = 0; xx < W; xx++) {
            size_t at = (size_t)y * (size_t)W + (size_t)xx;
            int d = y < xx ? y : xx;
            d = d < H - 1 - y ? d : H - 1 - y;
            d = d < W - 1 - xx ? d : W - 1 - xx;
            if (d == 0) ring_in += x[at], ring_out += out[at], ring++;
            if (d == 1) next_in += x[at], next_out += out[at], next++;
        }
    double expect = ((double)(ring - 4) * 6.0 / 9.0 + 4.0 * 4.0 / 9.0) / (double)ring;
    double ratio = ring_in > 0.0 ? ring_out / ring_in : 1.0, ratio_next = next_in > 0.0 ? next_out / next_in : 1.0;
    if (ring_in / (double)ring < 0.02) {
        nb_para(nb, "On the photograph the same thing would darken the outer ring, but this picture's outer ring "
                    "is almost black already (mean %.4f): zeros beside black pixels change little, so there is "
                    "nothing to see here. On a picture with a lighter edge, box blur in same mode darkens the ring "
                    "by a factor of about (%zu × 6/9 + 4 × 4/9) / %zu = %.3f.", ring_in / (double)ring, ring - 4,
                ring, expect);
    } else {
        nb_para(nb, "The same thing happens on the photograph. With box blur in same mode, a pixel on the outer "
                    "ring has only 6 of its 9 neighbours on the picture (4 in a corner); the rest are padding "
                    "zeros. So the outer ring should come out darker by about (%zu × 6/9 + 4 × 4/9) / %zu = "
                    "%.3f, while the ring just inside it, where the whole kernel fits, should not change.",
                ring - 4, ring, expect);
        lesson_goal(nb, fabs(ratio - expect) < 0.05 && fabs(ratio_next - 1.0) < 0.02,
                    "the outer ring's mean brightness drops from %.4f to %.4f (× %.3f, expected about %.3f); one "
                    "ring in it goes from %.4f to %.4f (× %.3f)", ring_in / (double)ring, ring_out / (double)ring,
                    ratio, expect, next_in / (double)next, next_out / (double)next, ratio_next);
    }
    const int C = 12, Z = 16;
    float crop[2 * C * C];
    for (int y = 0; y < C; y++)
        for (int xx = 0; xx < C; xx++) {
            crop[y * C + xx] = x[(size_t)y * (size_t)W + (size_t)xx];
            crop[C * C + y * C + xx] = out[(size_t)y * (size_t)W + (size_t)xx];
        }
    const char *lab[2] = { "photo, top-left corner", "box blur (same)" };
    MontageOptions mo = montage_labelled(2, Z, 12, MAP_CLAMP01, lab, 2);
    CN_CHECK(image_montage_write_png_opts(nb_path(nb, "border_corner.png"), crop, 2, 1, C, C, &mo) == 0);
    char cap[256];
    snprintf(cap, sizeof cap, "the top-left %dx%d pixels of the photo and of its box blur, each pixel drawn as "
             "a %dx%d square, clamped (0 black, 1 white)%s", C, C, Z, Z,
             ratio < 0.97 ? ": look for the darker first row and column on the right" : "");
    nb_image(nb, cap, "border_corner.png");
    nb_para(nb, "With valid mode the ring would simply be missing (the output is %dx%d); with same mode it is "
                "there but a little too dark. Deep networks stack many same-mode layers, so this border effect "
                "is something they learn to live with.", W - 2, H - 2);
}

/* --- try it yourself ------------------------------------------------------------------ */

static void try_it_yourself(Notebook *nb)
{
    nb_section(nb, "Try it yourself");
    nb_para(nb, "- Your own weights: build/lessons/" LESSON_ID " --weights \"0 -1 0; -1 5 -1; 0 -1 0\" (rows apart "
                "with ';', fractions such as 1/9 allowed, up to %dx%d). Try a sum other than 0 or 1, e.g. "
                "--weights \"1 1 1; 1 1 1; 1 1 1\", and see what it does to the brightness.\n"
                "- One kernel from the registry: build/lessons/" LESSON_ID " --kernel gaussian5 (the names "
                "are listed by --help).\n"
                "- Your own picture: build/lessons/" LESSON_ID " --image my_photo.jpg (PNG or JPEG; colour "
                "pictures are turned gray, large ones shrunk). The claims about the photograph are then "
                "measured on your picture and reported, not checked.\n"
                "- Add --quick to any of these for a smaller, faster run.", MAX_WEIGHTS, MAX_WEIGHTS);
}

/* --- reading the flags and the photograph --------------------------------------------- */

static void read_flags(int argc, char **argv, int *quick, const char **image_path, const char **kernel_name,
                       const char **weights)
{
    CliOpt opts[] = {
        { "quick", OPT_FLAG, quick, "a few seconds: the photo downscaled to 128x128 (every image still written)" },
        { "image", OPT_STRING, image_path, "FILE: your own picture (PNG or JPEG; made gray, shrunk to 512 px)" },
        { "kernel", OPT_STRING, kernel_name, "NAME: apply just this kernel (one of the names above)" },
        { "weights", OPT_STRING, weights, "\"ROWS\": your own kernel, rows apart with ';', e.g. "
                                           "--weights \"0 -1 0; -1 5 -1; 0 -1 0\" (fractions such as 1/9 work)" },
    };
    char about[1024];
    int used = snprintf(about, sizeof about,
                        "Lesson 01: a single filter. The seed's six kernels and Sobel on a photograph; what a "
                        "kernel's sum does to brightness; borders.\nOutputs: plots/out/" LESSON_ID "/ (or "
                        "$CONVNET_OUT/" LESSON_ID "/).\nKernel names for --kernel:");
    for (int i = 0; i < kernel_count() && used > 0 && (size_t)used < sizeof about; i++)
        used += snprintf(about + used, sizeof about - (size_t)used, " %s", kernel_at(i)->name);
    cli_main(argc, argv, opts, 4, about);
}

/* The kernels this run shows: the seed's six and Sobel x/y, or just --kernel. */
static const char *const default_names[] = { "identity", "edge1",    "edge2",   "edge3",
                                             "sharpen",  "box_blur", "sobel_x", "sobel_y" };
#define NDEFAULT ((int)(sizeof default_names / sizeof default_names[0]))

/* The kernel --weights gives or --kernel names, or the default list; a
 * malformed matrix (status 2) or an unknown name (status 1) stops the run
 * before anything is written. Returns how many. */
static int choose_kernels(const CnKernel **chosen, const char *kernel_name, const char *weights)
{
    int nk = 0;
    if (weights && kernel_name)
        cli_refuse("--kernel %s and --weights: give one kernel or the other, not both", kernel_name);
    if (weights) {
        if (cli_parse_matrix(weights, MAX_WEIGHTS, own_v, &own.h, &own.w) != 0)
            cli_refuse("--weights \"%s\": %s", weights, cn_last_error());
        chosen[0] = &own;
        return 1;
    }
    if (kernel_name) {
        chosen[0] = kernel_find(kernel_name);
        if (!chosen[0]) {
            char names[512] = "";
            for (int i = 0; i < kernel_count(); i++) {
                size_t len = strlen(names);
                snprintf(names + len, sizeof names - len, "%s%s", i ? ", " : "", kernel_at(i)->name);
            }
            cli_refuse("--kernel %s: there is no kernel of that name. Valid names: %s "
                   "(e.g. --kernel sobel_x; see --help)", kernel_name, names);
        }
        nk = 1;
    } else {
        for (int i = 0; i < NDEFAULT; i++) {
            chosen[nk] = kernel_find(default_names[i]);
            CN_CHECK(chosen[nk]);
            nk++;
        }
    }
    return nk;
}

/* The photograph (--image's or the lesson's), gray, shrunk to 128 px with
 * --quick or 512 px; a picture too small for the lesson stops the run. */
static Photo load_photo(const char *image_path, int quick)
{
    const char *photo_path = image_path ? image_path : lesson_photo_path();
    CnImage *img = load_lesson_photo(image_path, 1);
    int orig_h = img->h, orig_w = img->w;
    int max_side = quick ? 128 : 512;
    img = shrink_image(img, max_side);
    const int H = img->h, W = img->w;
    if (H < 2 * PATCH || W < 2 * PATCH) {
        if (W != orig_w) /* shrunk: its longer side fits max_side, the shorter one became too short */
            CN_DIE("--image %s: the picture is %dx%d pixels; shrunk so that it fits %dx%d it is %dx%d, and this "
                   "lesson needs at least %dx%d. Use a picture whose sides are closer in length", photo_path, orig_w,
                   orig_h, max_side, max_side, W, H, 2 * PATCH, 2 * PATCH);
        CN_DIE("--image %s: the picture is %dx%d pixels; this lesson needs at least %dx%d. Use a larger picture",
               photo_path, orig_w, orig_h, 2 * PATCH, 2 * PATCH);
    }
    const size_t N = (size_t)H * (size_t)W;
    const float *x = img->data;
    return (Photo){ .path = photo_path, .image_path = image_path, .orig_h = orig_h, .orig_w = orig_w, .H = H,
                    .W = W, .N = N, .img = img, .x = x };
}

/* --- the kernels, in words ------------------------------------------------------ */

static const Story stories[] = {
    { "identity",
      "A single 1 in the middle and 0 everywhere else: each output pixel is just the input pixel "
      "under the centre. Nothing changes. It is the \"do nothing\" filter, and a good test that the "
      "sliding-and-summing machinery works.",
      "it should look exactly like the photograph." },
    { "edge1",
      "+1 in two opposite corners, -1 in the other two. On a flat patch the pluses and minuses cancel. "
      "They also cancel on a straight horizontal or vertical edge (both columns, or both rows, see the "
      "same change). What is left are places where brightness changes in both directions at once: "
      "corners, diagonal lines, fine texture.",
      "the tall tower on the right and the tripod's vertical centre pole almost vanish, while the slanted "
      "tripod legs, the grass texture and the corners of the camera light up in black and white." },
    { "edge2",
      "The four neighbours minus four times the centre (the Laplacian). It asks: how different is this "
      "pixel from the ones around it? A flat region, or a smooth ramp, gives 0. An edge gives a pair of "
      "thin lines, one light and one dark, on its two sides.",
      "thin double outlines around the man and the camera; the sky is flat mid-gray." },
    { "edge3",
      "Eight times the centre minus all eight neighbours: the same question as edge detection (2), with "
      "the diagonals included and the sign flipped, so it reacts more strongly.",
      "the same outlines as edge detection (2), with light and dark swapped and more grain." },
    { "sharpen",
      "Five times the centre minus the four neighbours. That is the identity minus edge detection (2): "
      "the photo with its edge signal added back on top, so the dark side of every edge gets darker and "
      "the light side lighter.",
      "crisper outlines and more visible grain than in the photograph. Pixels that overshoot below black or "
      "above white are clipped (the caption says how many). The thin bright frame is the border again: on the "
      "edge only 3 of the four -1 weights land on the picture, so there the weights on the picture sum to 2." },
    { "box_blur",
      "All nine weights are 1/9: each output pixel is the average of the 3x3 square around it. Fine "
      "detail and noise are smoothed away.",
      "slightly softer than the photograph (a 3x3 average is a gentle blur); the outermost ring of pixels "
      "is a little darker, see \"Borders\" below." },
    { "sobel_x",
      "Right column minus left column, with the middle row counted twice. Positive where the picture "
      "gets brighter from left to right, negative where it gets darker: it finds vertical edges and "
      "tells you which way they go. Not one of the deck's six; lesson 02 needs it.",
      "vertical edges only. Where the light sky meets the dark coat on the left (light to dark, going "
      "right) the line is black; where the coat meets the lighter grass on its right it is white. Each "
      "light tripod leg is a white line on its left side and a black one on its right." },
    { "sobel_y",
      "Bottom row minus top row, the middle column counted twice: the same for brightness changing "
      "from top to bottom, so it finds horizontal edges.",
      "horizontal edges only. The top of the shoulders is black (light sky above, dark coat below: darker "
      "going down); the buildings along the horizon stand out; the tripod's vertical centre pole and the "
      "tall tower almost vanish." },
};

static const Story *story_of(const CnKernel *k)
{
    for (size_t i = 0; i < sizeof stories / sizeof stories[0]; i++)
        if (strcmp(stories[i].name, k->name) == 0) return &stories[i];
    return NULL;
}

/* --- small numeric helpers -------------------------------------------------------- */

/* v as "+0.0123" / "-0.0123", or "0.0000" when it rounds to zero. */
static const char *signed4(char buf[24], double v)
{
    if (fabs(v) < 0.00005) snprintf(buf, 24, "0.0000");
    else snprintf(buf, 24, "%+.4f", v);
    return buf;
}

/* --- pictures made here ------------------------------------------------------------ */

