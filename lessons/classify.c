/* classify.c - run a LeNet-5 saved by lesson 07 on a picture of your own.
 *
 *   build/lessons/classify my_digit.png
 *   build/lessons/classify --model models/lenet5_modern_fashion.cnn my_shoe.jpg
 *
 * The picture (PNG, JPEG, anything stb_image reads) is made gray, resized to
 * 28x28 by averaging (or, for a smaller picture, by bilinear interpolation),
 * and inverted when its background is light: the networks learned light
 * strokes on a black background, as MNIST and Fashion-MNIST store them. The
 * background is judged by the mean of the outermost ring of pixels. The
 * classic network's input is then centred in its 32x32 field. Prints the
 * three most probable classes with their softmax probabilities.
 *
 * Exit status: 0 on success, 1 when the model or the picture cannot be used
 * (with a message saying why), 2 on a bad command line.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/die.h"
#include "core/error.h"
#include "core/image.h"
#include "core/lenet.h"
#include "core/net.h"
#include "datasets/dataset.h"
#include "lessons/kit/cli.h"
#include "lessons/kit/draw.h"
#include "lessons/kit/models.h"

#define SIDE 28

/* The class names of the two datasets (as datasets/dataset.c names them). */
static const char *const digit_names[10] = { "0", "1", "2", "3", "4", "5", "6", "7", "8", "9" };
static const char *const fashion_names[10] = { "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                               "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot" };

/* Mean of the outermost ring of pixels of a (S, S) map. */
static double border_mean(const float *m, int S)
{
    double s = 0.0;
    int n = 0;
    for (int i = 0; i < S; i++) {
        s += m[i] + m[(S - 1) * S + i];
        n += 2;
        if (i > 0 && i < S - 1) {
            s += m[i * S] + m[i * S + S - 1];
            n += 2;
        }
    }
    return s / n;
}

int main(int argc, char **argv)
{
    const char *model = NULL, *classes = NULL, *save = NULL;
    int invert = -1;
    CliOpt opts[] = {
        { "model", OPT_STRING, &model, "FILE: a model saved by lesson 07 (default models/lenet5_modern_mnist.cnn, or "
                                       "$CONVNET_MODELS/lenet5_modern_mnist.cnn)" },
        { "classes", OPT_STRING, &classes, "digits|fashion: the class names (default: those the model file records; "
                                           "for an older file without them, fashion when its name contains "
                                           "\"fashion\", else digits)" },
        { "invert", OPT_INT, &invert, "0|1: force the inversion off or on (default: invert a light background)" },
        { "save", OPT_STRING, &save, "FILE: also write the 28x28 picture the network sees, as a PNG" },
    };
    /* The picture is the one argument that is not a flag: take it out
     * before parsing the flags. */
    const char *picture = NULL;
    char **args = malloc((size_t)(argc + 1) * sizeof *args);
    if (!args) CN_DIE("out of memory");
    int nargs = 0;
    args[nargs++] = argv[0];
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-' && argv[i][1] == '-') {
            args[nargs++] = argv[i];
            const char *eq = strchr(argv[i], '=');
            const int takes_value = strcmp(argv[i], "--help") != 0 && !eq;
            if (takes_value && i + 1 < argc) args[nargs++] = argv[++i];
        } else if (!picture) {
            picture = argv[i];
        } else {
            fprintf(stderr, "classify: one picture at a time (got %s and %s)\n", picture, argv[i]);
            return 2;
        }
    }
    args[nargs] = NULL;
    cli_main(nargs, args, opts, 4,
             "classify [--model FILE] PICTURE: run a LeNet-5 saved by lesson 07 on a picture (PNG or JPEG) and "
             "print the three most probable classes. The picture is made gray, resized to 28x28 and inverted when "
             "its background is light.");
    free(args);
    if (!picture) {
        fprintf(stderr, "classify: give a picture, e.g. build/lessons/classify my_digit.png (see --help)\n");
        return 2;
    }
    if (invert < -1 || invert > 1) CN_DIE("--invert %d: use 0 (never) or 1 (always), or leave it out", invert);

    char dir[4096], def[4200];
    if (!model) {
        models_path(dir, sizeof dir, NULL, 0);
        snprintf(def, sizeof def, "%s/lenet5_modern_mnist.cnn", dir);
        model = def;
    }
    const char *base = strrchr(model, '/') ? strrchr(model, '/') + 1 : model;
    int fashion = strstr(base, "fashion") != NULL;
    if (classes) {
        if (!strcmp(classes, "fashion"))
            fashion = 1;
        else if (!strcmp(classes, "digits"))
            fashion = 0;
        else
            CN_DIE("--classes %s: use digits or fashion", classes);
    }
    const char *const *names = fashion ? fashion_names : digit_names;

    Net *net = lenet5_load(model);
    if (!net)
        CN_DIE("cannot use the model: %s. Train the models with build/lessons/07_lenet, or give another with "
               "--model FILE", cn_last_error());
    if (net_out_shape(net).c != 10)
        CN_DIE("%s has %d outputs, not the 10 classes this program names: give a model saved by lesson 07 "
               "(models/lenet5_*.cnn) with --model FILE", model, net_out_shape(net).c);
    const int recorded = !classes && net->nclasses == 10; /* the names the model was trained with */
    if (recorded) names = (const char *const *)net->classes;

    CnImage *im = image_load(picture, 1);
    if (!im) CN_DIE("cannot read the picture: %s. Give a PNG or JPEG file", cn_last_error());
    float small[SIDE * SIDE];
    resize_gray(small, SIDE, im);
    const double bg = border_mean(small, SIDE);
    const int inv = invert >= 0 ? invert : bg > 0.5;
    if (inv)
        for (int i = 0; i < SIDE * SIDE; i++) small[i] = 1.0f - small[i];
    uint8_t px[SIDE * SIDE];
    for (int i = 0; i < SIDE * SIDE; i++) {
        const float v = small[i] < 0.0f ? 0.0f : small[i] > 1.0f ? 1.0f : small[i];
        px[i] = (uint8_t)lroundf(v * 255.0f);
    }
    if (save) {
        float back[SIDE * SIDE];
        for (int i = 0; i < SIDE * SIDE; i++) back[i] = px[i] / 255.0f;
        CN_CHECK(image_write_png(save, back, 1, SIDE, SIDE) == 0);
    }
    const size_t in = shape_size(net->in);
    uint8_t *field = malloc(in);
    float *x = malloc(in * sizeof *x);
    if (!field || !x) CN_DIE("out of memory");
    CN_CHECK(lenet5_fit_image(field, net, px, SIDE, SIDE) == 0);
    net_input_from_u8(net, x, field, in);
    const float *logits = net_forward(net, x, 1);
    CN_CHECK(logits);

    /* softmax, then the three largest (the first on ties) */
    double p[10], mx = logits[0], sum = 0.0;
    for (int k = 1; k < 10; k++) mx = fmax(mx, logits[k]);
    for (int k = 0; k < 10; k++) sum += p[k] = exp(logits[k] - mx);
    int order[10];
    for (int k = 0; k < 10; k++) order[k] = k;
    for (int a = 0; a < 3; a++)
        for (int b = a + 1; b < 10; b++)
            if (p[order[b]] > p[order[a]]) {
                const int t = order[a];
                order[a] = order[b];
                order[b] = t;
            }
    if (recorded)
        printf("model: %s (%s, classes recorded in the file: %s, %s, ...)\n", model, net->name, names[0], names[1]);
    else
        printf("model: %s (%s, %s classes%s)\n", model, net->name, fashion ? "Fashion-MNIST" : "digit",
               classes ? ", as --classes says"
                       : "; the file records none (saved by an older version), so they are guessed from its name");
    printf("picture: %s, %dx%d, background %s (border mean %.2f)%s, resized to %dx%d\n", picture, im->w, im->h,
           bg > 0.5 ? "light" : "dark", bg, inv ? ", inverted" : "", SIDE, SIDE);
    for (int a = 0; a < 3; a++) printf("%d. %-12s %6.2f%%\n", a + 1, names[order[a]], 100.0 * p[order[a]] / sum);
    free(field);
    free(x);
    image_free(im);
    net_free(net);
    return 0;
}
