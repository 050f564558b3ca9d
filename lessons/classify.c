/* classify.c - run a LeNet-5 saved by lesson 08 on pictures of your own.
 *
 *   build/lessons/classify my_digit.png
 *   build/lessons/classify one.png two.jpg my_digits/      several, one line each
 *   build/lessons/classify --model models/lenet5_modern_fashion.cnn my_shoe.jpg
 *
 * A picture of a digit (PNG or JPEG) is prepared the way MNIST's digits
 * were (lessons/kit/digit_prep.h): gray, inverted when its background is
 * light (the networks learned light strokes on black), uneven light evened
 * out, the ink's bounding box scaled to fit 20x20 keeping its aspect ratio,
 * thin strokes thickened, and placed in 28x28 with its centre of mass at the
 * centre. `--prep squeeze` resizes the whole picture to 28x28 instead (the
 * way for Fashion-MNIST's pictures, which fill their frame, and the default
 * for its models). The classic network's input is then centred in its 32x32
 * field. One picture: what was done, and the three most probable classes
 * with their softmax probabilities; several (or a folder, whose .png, .jpg
 * and .jpeg files are taken in name order): one line each, file, most
 * probable class, probability.
 *
 * A file that cannot be used (missing, not a PNG or JPEG, damaged, blank)
 * gets a message and the others are still classified.
 *
 * Exit status: 0 when every picture was classified, 1 when the model or any
 * picture could not be used (with a message saying why), 2 on a bad command
 * line.
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/die.h"
#include "core/error.h"
#include "core/image.h"
#include "core/lenet.h"
#include "core/net.h"
#include "datasets/dataset.h"
#include "lessons/kit/cli.h"
#include "lessons/kit/digit_prep.h"
#include "lessons/kit/models.h"

#define SIDE 28

/* The class names of the two datasets (as datasets/dataset.c names them). */
static const char *const digit_names[10] = { "0", "1", "2", "3", "4", "5", "6", "7", "8", "9" };
static const char *const fashion_names[10] = { "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                               "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot" };

/* --- the pictures named on the command line ------------------------------------ */

/* A growing list of file names (owned copies). */
typedef struct {
    char **name;
    int n, cap;
} Names;

static void names_add(Names *l, const char *name)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 16;
        l->name = realloc(l->name, (size_t)l->cap * sizeof *l->name);
        if (!l->name) CN_DIE("out of memory for the list of pictures");
    }
    if (!(l->name[l->n++] = strdup(name))) CN_DIE("out of memory for the list of pictures");
}

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* 1 when name ends in .png, .jpg or .jpeg (any case). */
static int picture_name(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (!dot) return 0;
    char ext[8] = "";
    for (int i = 0; i < 7 && dot[i]; i++) ext[i] = (char)(dot[i] >= 'A' && dot[i] <= 'Z' ? dot[i] + 32 : dot[i]);
    return !strcmp(ext, ".png") || !strcmp(ext, ".jpg") || !strcmp(ext, ".jpeg");
}

/* A folder's pictures, in name order, into l. 0, or -1 with a message. */
static int add_folder(Names *l, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return cn_fail("%s: cannot open the folder", dir);
    Names found = { 0 };
    int others = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.') continue;
        char path[4096];
        struct stat st;
        const size_t len = strlen(dir);
        const int slash = len > 0 && dir[len - 1] == '/';   /* "my_digits/" as well as "my_digits" */
        if (snprintf(path, sizeof path, "%s%s%s", dir, slash ? "" : "/", e->d_name) >= (int)sizeof path ||
            stat(path, &st) != 0 ||
            !S_ISREG(st.st_mode) || !picture_name(e->d_name)) {
            others++;
            continue;
        }
        names_add(&found, path);
    }
    closedir(d);
    if (found.n) qsort(found.name, (size_t)found.n, sizeof *found.name, by_name);
    for (int i = 0; i < found.n; i++) {
        names_add(l, found.name[i]);
        free(found.name[i]);
    }
    free(found.name);
    if (others)
        fprintf(stderr, "classify: %s: %d entr%s skipped (only .png, .jpg and .jpeg files are taken)\n", dir, others,
                others > 1 ? "ies" : "y");
    if (!found.n) return cn_fail("%s: the folder holds no .png, .jpg or .jpeg file", dir);
    return 0;
}

/* --- one picture ------------------------------------------------------------------ */

typedef struct {
    Net *net;
    const char *const *names;
    int squeeze, invert;
    uint8_t *field;   /* net->in.h x net->in.w */
    float *x;
} Classifier;

/* Softmax probabilities p[10] of one 28x28 picture, and the classes in
 * order of probability (the first on ties). */
static void run_net(Classifier *c, const uint8_t *px, double *p, int *order)
{
    const size_t in = shape_size(c->net->in);
    CN_CHECK(lenet5_fit_image(c->field, c->net, px, SIDE, SIDE) == 0);
    net_input_from_u8(c->net, c->x, c->field, in);
    const float *logits = net_forward(c->net, c->x, 1);
    CN_CHECK(logits);
    double mx = logits[0], sum = 0.0;
    for (int k = 1; k < 10; k++) mx = fmax(mx, logits[k]);
    for (int k = 0; k < 10; k++) sum += p[k] = exp(logits[k] - mx);
    for (int k = 0; k < 10; k++) p[k] /= sum;
    for (int k = 0; k < 10; k++) order[k] = k;
    for (int a = 0; a < 10; a++)
        for (int b = a + 1; b < 10; b++)
            if (p[order[b]] > p[order[a]]) {
                const int t = order[a];
                order[a] = order[b];
                order[b] = t;
            }
}

/* Where the prepared picture of `picture` goes: save itself for one
 * picture, save/<name without extension>.png for several. */
static void save_path(char *out, size_t size, const char *save, int several, const char *picture)
{
    if (!several) {
        snprintf(out, size, "%s", save);
        return;
    }
    const char *base = strrchr(picture, '/') ? strrchr(picture, '/') + 1 : picture;
    const char *dot = strrchr(base, '.');
    snprintf(out, size, "%s/%.*s.png", save, (int)(dot ? dot - base : (long)strlen(base)), base);
}

/* Classify one picture and print its line (several) or its story (one).
 * 0; -1 when it cannot be read, -2 when it shows no digit or its prepared
 * picture cannot be saved (message in cn_last_error). */
static int classify_one(Classifier *c, const char *picture, int several, const char *save)
{
    CnImage *im = image_load(picture, 1); /* PNG or JPEG only, guarded: core/image.h */
    if (!im) return -1;
    uint8_t px[SIDE * SIDE];
    DigitPrep info;
    const int rc = c->squeeze ? digit_squeeze(px, im, c->invert, &info) : digit_prepare(px, im, c->invert, &info);
    image_free(im);
    if (rc) {
        char why[1024];   /* cn_fail must not read the message it writes */
        snprintf(why, sizeof why, "%s", cn_last_error());
        return cn_fail("%s: %s", picture, why), -2;
    }
    if (save) {
        char path[4200];
        float back[SIDE * SIDE];
        for (int i = 0; i < SIDE * SIDE; i++) back[i] = px[i] / 255.0f;
        save_path(path, sizeof path, save, several, picture);
        if (image_write_png(path, back, 1, SIDE, SIDE)) return -2;
    }
    double p[10];
    int order[10];
    run_net(c, px, p, order);
    char how[512];
    digit_prep_describe(how, sizeof how, &info);
    if (several) {
        printf("%s  %s  %.2f%%\n", picture, c->names[order[0]], 100.0 * p[order[0]]);
        return 0;
    }
    printf("picture: %s, %dx%d: %s\n", picture, info.w, info.h, how);
    if (save) printf("prepared picture saved to %s\n", save);
    for (int a = 0; a < 3; a++) printf("%d. %-12s %6.2f%%\n", a + 1, c->names[order[a]], 100.0 * p[order[a]]);
    return 0;
}

/* --- main ------------------------------------------------------------------------- */

int main(int argc, char **argv)
{
    const char *model = NULL, *classes = NULL, *save = NULL, *prep = NULL;
    int invert = -1;
    CliOpt opts[] = {
        { "model", OPT_STRING, &model, "FILE: a model saved by lesson 08 (default models/lenet5_modern_mnist.cnn, or "
                                       "$CONVNET_MODELS/lenet5_modern_mnist.cnn)" },
        { "classes", OPT_STRING, &classes, "digits|fashion: the class names (default: those the model file records; "
                                           "for an older file without them, fashion when its name contains "
                                           "\"fashion\", else digits)" },
        { "prep", OPT_STRING, &prep, "mnist|squeeze: prepare pictures as MNIST's digits (ink box fitted to 20x20, "
                                     "centred by mass) or resize the whole picture to 28x28 (default: mnist for "
                                     "digits, squeeze for Fashion-MNIST)" },
        { "invert", OPT_INT, &invert, "0|1: force the inversion off or on (default: invert a light background)" },
        { "save", OPT_STRING, &save, "FILE: also write the 28x28 picture the network sees, as a PNG (several "
                                     "pictures: a folder, one PNG each, named after the picture)" },
    };
    char **pos = malloc((size_t)(argc + 1) * sizeof *pos);
    if (!pos) CN_DIE("out of memory");
    int npos = 0;
    cli_main_args(argc, argv, opts, 5, "classify [flags] PICTURE|FOLDER...: run a LeNet-5 saved by lesson 08 on "
                  "pictures (PNG or JPEG) and print the most probable classes: for one picture the three most "
                  "probable and what was done to it, for several (or a folder's .png, .jpg and .jpeg files) one "
                  "line each: file, class, probability. A digit is prepared as MNIST's were: inverted when its "
                  "background is light, its ink's box scaled to fit 20x20 and centred by mass in 28x28.",
                  pos, &npos);
    int usage = 1;
    if (!npos)
        fprintf(stderr, "classify: give a picture, e.g. build/lessons/classify my_digit.png (see --help)\n");
    else if (invert < -1 || invert > 1)
        fprintf(stderr, "classify: --invert %d: use 0 (never) or 1 (always), or leave it out\n", invert);
    else if (prep && strcmp(prep, "mnist") && strcmp(prep, "squeeze"))
        fprintf(stderr, "classify: --prep %s: use mnist or squeeze\n", prep);
    else
        usage = 0;
    if (usage) {
        free(pos);
        return 2;
    }

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
            cli_refuse("--classes %s: use digits or fashion", classes);
    }
    const char *const *names = fashion ? fashion_names : digit_names;

    Net *net = lenet5_load(model);
    if (!net)
        CN_DIE("cannot use the model: %s. Train the models with build/lessons/08_lenet, or give another with "
               "--model FILE", cn_last_error());
    if (net_out_shape(net).c != 10)
        CN_DIE("%s has %d outputs, not the 10 classes this program names: give a model saved by lesson 08 "
               "(models/lenet5_*.cnn) with --model FILE", model, net_out_shape(net).c);
    const int recorded = !classes && net->nclasses == 10; /* the names the model was trained with */
    if (recorded) {
        names = (const char *const *)net->classes;
        fashion = strcmp(names[0], "0") != 0; /* not digits: resize whole pictures by default */
    }

    /* the pictures: files as given, folders' pictures in name order */
    Names pics = { 0 };
    int failed = 0, folders_failed = 0;
    for (int i = 0; i < npos; i++) {
        struct stat st;
        if (stat(pos[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            if (add_folder(&pics, pos[i])) {
                fprintf(stderr, "classify: %s\n", cn_last_error());
                folders_failed++;
            }
        } else {
            names_add(&pics, pos[i]);
        }
    }
    const int several = npos > 1 || pics.n > 1 || folders_failed;
    if (save && several && cn_make_dirs(save)) CN_DIE("--save %s: %s", save, cn_last_error());

    const size_t in = shape_size(net->in);
    Classifier c = { net, names, prep ? !strcmp(prep, "squeeze") : fashion, invert, malloc(in), malloc(in * sizeof(float)) };
    if (!c.field || !c.x) CN_DIE("out of memory");
    if (recorded)
        printf("model: %s (%s, classes recorded in the file: %s, %s, ...)", model, net->name, names[0], names[1]);
    else
        printf("model: %s (%s, %s classes%s)", model, net->name, fashion ? "Fashion-MNIST" : "digit",
               classes ? ", as --classes says"
                       : "; the file records none (saved by an older version), so they are guessed from its name");
    printf("; pictures %s\n",
           c.squeeze ? "resized whole to 28x28" : "prepared as MNIST's digits (ink box fitted to 20x20, centred by mass)");
    for (int i = 0; i < pics.n; i++) {
        const int rc = classify_one(&c, pics.name[i], several, save);
        if (rc) {
            fprintf(stderr, "classify: cannot %s the picture: %s\n", rc == -1 ? "read" : "use", cn_last_error());
            failed++;
        }
        free(pics.name[i]);
    }
    if (failed && several)
        fprintf(stderr, "classify: %d of %d pictures could not be classified (see above)\n", failed, pics.n);
    failed += folders_failed;
    free(pics.name);
    free(pos);
    free(c.field);
    free(c.x);
    net_free(net);
    return failed ? 1 : 0;
}
