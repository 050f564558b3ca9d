/* alexnet.c - the AlexNet-mini builder, its initialisation and its
 * augmentation; see alexnet.h. */
#include "core/alexnet.h"

#include <stdio.h>
#include <string.h>

#include "core/conv_layer.h"
#include "core/dense.h"
#include "core/dropout.h"
#include "core/error.h"
#include "core/lrn.h"
#include "core/model_io.h"
#include "core/pool.h"

AlexNetOptions alexnet_defaults(void)
{
    return (AlexNetOptions){ .act = ACT_RELU, .lrn = 1, .pool_k = 3, .pool_s = 2, .dropout = 0.5f,
                             .groups = 1, .conv = { 24, 48, 64, 64, 48 }, .fc = { 256, 256 }, .seed = 1 };
}

AlexNetOptions alexnet_lesson(void)
{
    AlexNetOptions o = alexnet_defaults();
    const int paper[5] = { 96, 256, 384, 384, 256 }; /* AlexNet's conv1..conv5 */
    for (int i = 0; i < 5; i++) o.conv[i] = paper[i] / 4;
    return o;
}

const char *alexnet_name(char *buf, int size, const AlexNetOptions *o)
{
    snprintf(buf, (size_t)size, "%s:%s,%s,p%ds%d,d%g,g%d,%d-%d-%d-%d-%d,%d-%d", ALEXNET_MINI_NAME,
             activation_name(o->act), o->lrn ? "lrn" : "nolrn", o->pool_k, o->pool_s, (double)o->dropout,
             o->groups, o->conv[0], o->conv[1], o->conv[2], o->conv[3], o->conv[4], o->fc[0], o->fc[1]);
    return buf;
}

int alexnet_is_mini(const Net *net)
{
    const size_t n = strlen(ALEXNET_MINI_NAME);
    return net && strncmp(net->name, ALEXNET_MINI_NAME, n) == 0 && (net->name[n] == ':' || net->name[n] == '\0');
}

static int check_options(const AlexNetOptions *o)
{
    if (!o) return cn_fail("alexnet_mini: no options given (start from alexnet_defaults())");
    if (o->act != ACT_RELU && o->act != ACT_TANH)
        return cn_fail("alexnet_mini: activation %s; use ACT_RELU or ACT_TANH", activation_name(o->act));
    if (o->groups < 1)
        return cn_fail("alexnet_mini: groups = %d; use 1, or 2 for the paper's two halves", o->groups);
    for (int i = 0; i < 5; i++) {
        if (o->conv[i] < 1) return cn_fail("alexnet_mini: conv%d has %d channels; it needs at least 1", i + 1, o->conv[i]);
        if (o->conv[i] % o->groups)
            return cn_fail("alexnet_mini: conv%d's %d channels cannot be split into %d groups; use widths divisible "
                           "by %d", i + 1, o->conv[i], o->groups, o->groups);
    }
    if (o->fc[0] < 1 || o->fc[1] < 1)
        return cn_fail("alexnet_mini: fc6 and fc7 have %d and %d units; each needs at least 1", o->fc[0], o->fc[1]);
    if (!(o->dropout >= 0.0f && o->dropout < 1.0f))
        return cn_fail("alexnet_mini: dropout rate %g must be in [0, 1) (0 = no dropout layers)", (double)o->dropout);
    if (o->pool_k < 1 || o->pool_s < 1)
        return cn_fail("alexnet_mini: pooling %dx%d stride %d; both must be >= 1 (the paper: 3, 2)", o->pool_k,
                       o->pool_k, o->pool_s);
    return 0;
}

Net *alexnet_mini(const AlexNetOptions *o)
{
    if (check_options(o)) return NULL;
    char name[64];
    alexnet_name(name, sizeof name, o);
    const int G = o->groups;
    const char *an = activation_name(o->act);
    char label[24];
    Net *net = net_create(name, (CnShape){ 1, 28, 28 });
#define ACT(i)                                                 \
    do {                                                       \
        snprintf(label, sizeof label, "%s%d", an, (i));        \
        net_add(net, label, activation_create(o->act));        \
    } while (0)
    net_add(net, "conv1", conv2d_create(o->conv[0], 5, 5, 1, 2, 1, CONV_OP_CORRELATE));
    ACT(1);
    if (o->lrn) net_add(net, "lrn1", lrn_create_default());
    net_add(net, "pool1", maxpool2d_create(o->pool_k, o->pool_s, 0));
    net_add(net, "conv2", conv2d_create(o->conv[1], 3, 3, 1, 1, G, CONV_OP_CORRELATE));
    ACT(2);
    if (o->lrn) net_add(net, "lrn2", lrn_create_default());
    net_add(net, "pool2", maxpool2d_create(o->pool_k, o->pool_s, 0));
    net_add(net, "conv3", conv2d_create(o->conv[2], 3, 3, 1, 1, G, CONV_OP_CORRELATE));
    ACT(3);
    net_add(net, "conv4", conv2d_create(o->conv[3], 3, 3, 1, 1, G, CONV_OP_CORRELATE));
    ACT(4);
    net_add(net, "conv5", conv2d_create(o->conv[4], 3, 3, 1, 1, G, CONV_OP_CORRELATE));
    ACT(5);
    net_add(net, "pool5", maxpool2d_create(o->pool_k, o->pool_s, 0));
    net_add(net, "fc6", dense_create(o->fc[0]));
    ACT(6);
    if (o->dropout > 0.0f) net_add(net, "drop6", dropout_create(o->dropout, o->seed + 6));
    net_add(net, "fc7", dense_create(o->fc[1]));
    ACT(7);
    if (o->dropout > 0.0f) net_add(net, "drop7", dropout_create(o->dropout, o->seed + 7));
    net_add(net, "fc8", dense_create(10));
#undef ACT
    if (!net_ok(net)) {
        net_free(net);
        return NULL;
    }
    return net;
}

void alexnet_init(Net *net, uint64_t seed, float bias_hidden)
{
    Rng r;
    rng_seed(&r, seed, 8);
    int tanh_net = 0;
    for (int i = 0; i < net->n; i++) tanh_net |= strcmp(net->layer[i]->ops->kind, "tanh") == 0;
    net_init(net, tanh_net ? INIT_XAVIER : INIT_HE, &r);
    /* The output layer starts with the paper's N(0, 0.01^2) for every
     * weight: its logits start near 0, so the first predictions are near
     * uniform (loss ln 10) instead of confidently wrong, and the first steps
     * go into learning rather than undoing the initial guess. */
    const int out = net->n - 1;
    if (out >= 0 && net->layer[out]->nparam > 0) {
        CnParam *w = &net->layer[out]->param[0];
        for (size_t j = 0; j < w->n; j++) w->value[j] = 0.01f * rng_normal(&r);
    }
    /* The paper (section 5): biases 1 in conv2, conv4, conv5 and the hidden
     * fully connected layers, 0 in conv1, conv3 and the output layer. */
    static const char *const with_bias[] = { "conv2", "conv4", "conv5", "fc6", "fc7" };
    for (size_t k = 0; k < sizeof with_bias / sizeof with_bias[0]; k++) {
        const int i = net_find(net, with_bias[k]);
        if (i < 0) continue;
        Layer *l = net->layer[i];
        if (l->nparam < 2) continue;
        for (size_t j = 0; j < l->param[1].n; j++) l->param[1].value[j] = bias_hidden;
    }
}

Net *alexnet_load(const char *path, const AlexNetOptions *o)
{
    if (!path || !path[0]) {
        cn_fail("alexnet_load: no model file given");
        return NULL;
    }
    Net *net = alexnet_mini(o);
    if (!net) return NULL;
    if (net_load(net, path)) {
        net_free(net);
        return NULL;
    }
    return net;
}

/* --- augmentation ----------------------------------------------------------- */

/* Move img (c,h,w) by (dy, dx) and mirror it (flip): output pixel (y, x)
 * is the input's (y + dy, x' + dx) with x' = x, or w - 1 - x for the mirror
 * image; pixels from outside the picture are `background`. */
static void shift_flip(float *img, int c, int h, int w, int dy, int dx, int flip, float background)
{
    float tmp[64 * 64];
    if (h * w > 64 * 64 || (dy == 0 && dx == 0 && !flip)) return;
    for (int ch = 0; ch < c; ch++) {
        float *p = img + (size_t)ch * (size_t)h * (size_t)w;
        for (int y = 0; y < h; y++) {
            const int sy = y + dy;
            for (int x = 0; x < w; x++) {
                const int sx = (flip ? w - 1 - x : x) + dx;
                tmp[y * w + x] = sy >= 0 && sy < h && sx >= 0 && sx < w ? p[sy * w + sx] : background;
            }
        }
        memcpy(p, tmp, (size_t)h * (size_t)w * sizeof *p);
    }
}

void alexnet_augment(float *img, int c, int h, int w, Rng *r, void *ctx)
{
    const AlexNetAugment *a = ctx;
    /* a window of the picture padded by `pad`, at a random place: the
     * picture moves by dy, dx in -pad..pad */
    const int dy = a->pad > 0 ? (int)rng_below(r, (uint32_t)(2 * a->pad + 1)) - a->pad : 0;
    const int dx = a->pad > 0 ? (int)rng_below(r, (uint32_t)(2 * a->pad + 1)) - a->pad : 0;
    const int flip = a->flip ? (int)rng_below(r, 2) : 0;
    shift_flip(img, c, h, w, dy, dx, flip, a->background);
}

void alexnet_view(float *img, int c, int h, int w, int view, void *ctx)
{
    const AlexNetAugment *a = ctx;
    static const int corner[5][2] = { { 0, 0 }, { -1, -1 }, { -1, 1 }, { 1, -1 }, { 1, 1 } };
    const int k = (view / 2) % 5;
    shift_flip(img, c, h, w, corner[k][0] * a->pad, corner[k][1] * a->pad, view % 2, a->background);
}
