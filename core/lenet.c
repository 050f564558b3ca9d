/* lenet.c - the two LeNet-5 builders, see lenet.h. */
#include "core/lenet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/activation.h"
#include "core/conv_layer.h"
#include "core/dense.h"
#include "core/error.h"
#include "core/model_io.h"
#include "core/pool.h"
#include "core/subsample.h"

/* Input normalization of the classic network: x = (p/255 - m) / s with
 * s = 1/1.275 and m = 0.1/1.275 gives x = 1.275 p/255 - 0.1, i.e. -0.1 for
 * the background (p = 0) and 1.175 for full ink (p = 255), as in the paper. */
#define CLASSIC_MEAN (0.1f / 1.275f)
#define CLASSIC_STD (1.0f / 1.275f)

Net *lenet5_classic(void)
{
    Net *net = net_create(LENET5_CLASSIC_NAME, (CnShape){ 1, 32, 32 });
    net_add(net, "C1", conv2d_create(6, 5, 5, 1, 0, 1, CONV_OP_CORRELATE));
    net_add(net, "tanh1", scaled_tanh_create());
    net_add(net, "S2", subsample_create(2, 2));
    net_add(net, "tanh2", scaled_tanh_create());
    Layer *c3 = conv2d_create(16, 5, 5, 1, 0, 1, CONV_OP_CORRELATE);
    if (c3 && conv2d_set_table(c3, 6, conv2d_lenet5_c3_table())) {
        layer_free(c3);
        c3 = NULL;
    }
    net_add(net, "C3", c3);
    net_add(net, "tanh3", scaled_tanh_create());
    net_add(net, "S4", subsample_create(2, 2));
    net_add(net, "tanh4", scaled_tanh_create());
    net_add(net, "C5", conv2d_create(120, 5, 5, 1, 0, 1, CONV_OP_CORRELATE));
    net_add(net, "tanh5", scaled_tanh_create());
    net_add(net, "F6", dense_create(84));
    net_add(net, "tanh6", scaled_tanh_create());
    net_add(net, "OUTPUT", dense_create(10));
    if (!net_ok(net) || net_set_input_norm(net, CLASSIC_MEAN, CLASSIC_STD)) {
        net_free(net);
        return NULL;
    }
    return net;
}

Net *lenet5_modern(void)
{
    Net *net = net_create(LENET5_MODERN_NAME, (CnShape){ 1, 28, 28 });
    net_add(net, "C1", conv2d_create(6, 5, 5, 1, 2, 1, CONV_OP_CORRELATE));
    net_add(net, "relu1", relu_create());
    net_add(net, "S2", maxpool2d_create(2, 2, 0));
    net_add(net, "C3", conv2d_create(16, 5, 5, 1, 0, 1, CONV_OP_CORRELATE));
    net_add(net, "relu3", relu_create());
    net_add(net, "S4", maxpool2d_create(2, 2, 0));
    net_add(net, "C5", conv2d_create(120, 5, 5, 1, 0, 1, CONV_OP_CORRELATE));
    net_add(net, "relu5", relu_create());
    net_add(net, "F6", dense_create(84));
    net_add(net, "relu6", relu_create());
    net_add(net, "OUTPUT", dense_create(10));
    if (!net_ok(net)) {
        net_free(net);
        return NULL;
    }
    return net;
}

int lenet5_is_classic(const Net *net) { return net && strcmp(net->name, LENET5_CLASSIC_NAME) == 0; }

void lenet5_init(Net *net, uint64_t seed)
{
    Rng r;
    rng_seed(&r, seed, 7);
    net_init(net, lenet5_is_classic(net) ? INIT_LECUN_UNIFORM : INIT_HE, &r);
}

int lenet5_fit_image(uint8_t *out, const Net *net, const uint8_t *img, int h, int w)
{
    const int H = net->in.h, W = net->in.w;
    if (h > H || w > W || h < 1 || w < 1)
        return cn_fail("%s takes %dx%d images; a %dx%d image does not fit (resize it to 28x28 first)", net->name, H,
                       W, h, w);
    const int top = (H - h) / 2, left = (W - w) / 2;
    memset(out, 0, (size_t)H * (size_t)W);
    for (int y = 0; y < h; y++) memcpy(out + (size_t)(y + top) * W + left, img + (size_t)y * w, (size_t)w);
    return 0;
}

LabelledImages *lenet5_fit_dataset(const LabelledImages *d, const Net *net)
{
    if (!d || !net || d->count < 1) {
        cn_fail("lenet5_fit_dataset: no dataset or network given");
        return NULL;
    }
    const size_t in = (size_t)net->in.h * (size_t)net->in.w;
    LabelledImages *o = malloc(sizeof *o);
    unsigned char *images = malloc((size_t)d->count * in);
    unsigned char *labels = malloc((size_t)d->count);
    if (!o || !images || !labels) {
        free(o), free(images), free(labels);
        cn_fail("%s: out of memory for %d images of %dx%d", d->name, d->count, net->in.h, net->in.w);
        return NULL;
    }
    *o = *d;
    o->images = images;
    o->labels = labels;
    o->height = net->in.h;
    o->width = net->in.w;
    memcpy(labels, d->labels, (size_t)d->count);
    for (int i = 0; i < d->count; i++)
        if (lenet5_fit_image(images + (size_t)i * in, net, labelled_image(d, i), d->height, d->width)) {
            labelled_images_free(o);
            return NULL;
        }
    return o;
}

Net *lenet5_load(const char *path)
{
    if (!path || !path[0]) {
        cn_fail("lenet5_load: no model file given");
        return NULL;
    }
    /* Both builders, in turn: net_load checks the file (magic, length,
     * checksum) before the architecture, so a damaged file fails the same
     * way for both, and a sound one loads into the network it names. The
     * message kept is the one that is not "another architecture". */
    char msg[2][1024];
    Net *(*const build[2])(void) = { lenet5_modern, lenet5_classic };
    for (int b = 0; b < 2; b++) {
        Net *net = build[b]();
        if (!net) return NULL;
        if (net_load(net, path) == 0) return net;
        net_free(net);
        snprintf(msg[b], sizeof msg[b], "%s", cn_last_error());
    }
    const int other0 = strstr(msg[0], "holds the architecture") != NULL;
    const int other1 = strstr(msg[1], "holds the architecture") != NULL;
    if (other0 && other1)
        cn_fail("%s is not a LeNet-5 model: %s", path, msg[0]);
    else
        cn_fail("%s", other0 ? msg[1] : msg[0]);
    return NULL;
}
