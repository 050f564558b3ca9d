/* alexnet_story.c - what lesson 09 says of AlexNet, counted (alexnet_story.h). */
#include "lessons/kit/alexnet_story.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/conv_layer.h"
#include "core/die.h"
#include "core/lrn.h"
#include "lessons/kit/report.h"
#include "lessons/lesson.h"

/* --- the 2012 network ----------------------------------------------------------------- */

/* One layer as the paper's section 3.5 and figure 2 describe it. */
typedef enum { L_CONV, L_POOL, L_FC } Kind2012;
typedef struct {
    const char *name;
    Kind2012 kind;
    int out, k, stride, pad, groups; /* conv: maps, kernel, stride, padding, GPUs it is split over */
} Layer2012;

static const Layer2012 alexnet_2012[] = {
    { "conv1", L_CONV, 96, 11, 4, 0, 1 },  { "pool1", L_POOL, 0, 3, 2, 0, 1 },  { "conv2", L_CONV, 256, 5, 1, 2, 2 },
    { "pool2", L_POOL, 0, 3, 2, 0, 1 },    { "conv3", L_CONV, 384, 3, 1, 1, 1 }, { "conv4", L_CONV, 384, 3, 1, 1, 2 },
    { "conv5", L_CONV, 256, 3, 1, 1, 2 },  { "pool5", L_POOL, 0, 3, 2, 0, 1 },  { "fc6", L_FC, 4096, 0, 0, 0, 1 },
    { "fc7", L_FC, 4096, 0, 0, 0, 1 },     { "fc8", L_FC, 1000, 0, 0, 0, 1 },
};
enum { N2012 = sizeof alexnet_2012 / sizeof alexnet_2012[0], IN2012 = 227 };

Alex2012 alexnet_2012_table(Notebook *nb)
{
    Alex2012 a = { .input = IN2012, .classes = 1000 };
    Tab t = tab_new(N2012 + 2, 5);
    int c = 3, h = IN2012; /* the maps and the size flowing through */
    tab_row(&t, 0, "input\t%dx%d colour photograph\t3x%dx%d\t–\t–", IN2012, IN2012, IN2012, IN2012);
    double best = 0.0;
    int weighted = 0;
    for (int i = 0; i < N2012; i++) {
        const Layer2012 *L = &alexnet_2012[i];
        double p = 0.0, m = 0.0;
        char what[96];
        if (L->kind == L_CONV) {
            const int oh = (h + 2 * L->pad - L->k) / L->stride + 1;
            const double per = (double)(c / L->groups) * L->k * L->k; /* the inputs of one output value */
            p = per * L->out + L->out;
            m = per * L->out * oh * oh;
            snprintf(what, sizeof what, "conv %d@%dx%d, stride %d, pad %d%s", L->out, L->k, L->k, L->stride, L->pad,
                     L->groups > 1 ? ", each half reads its own GPU's half" : ", reads all maps below");
            if (i == 0) a.conv1_maps = L->out, a.conv1_k = L->k, a.conv1_stride = L->stride, a.conv1_out = oh;
            c = L->out, h = oh;
            a.conv_params += p, a.conv_madds += m;
        } else if (L->kind == L_POOL) {
            h = (h - L->k) / L->stride + 1;
            snprintf(what, sizeof what, "max pool %dx%d, stride %d", L->k, L->k, L->stride);
        } else {
            const double in = (double)c * h * h;
            p = in * L->out + L->out;
            m = in * L->out;
            snprintf(what, sizeof what, "fully connected %d", L->out);
            c = L->out, h = 1;
            a.fc_params += p;
        }
        a.params += p, a.madds += m, weighted += p > 0;
        if (m > best) best = m, a.top_madds = L->name;
        char pa[32], ma[32];
        tab_row(&t, i + 1, "%s\t%s\t%dx%dx%d\t%s\t%s", L->name, what, c, h, h, p > 0 ? commas(pa, p) : "–",
                m > 0 ? commas(ma, m) : "–");
    }
    a.top_madds_share = best / a.madds;
    char pa[32], ma[32];
    tab_row(&t, N2012 + 1, "total\t%d layers with weights\t%d classes\t%s\t%s", weighted, a.classes, commas(pa, a.params),
            commas(ma, a.madds));
    const char *hdr[] = { "layer", "what", "output", "parameters", "multiply-adds" };
    tab_show(nb, &t, hdr);
    return a;
}

/* --- where a network's weights and work sit -------------------------------------------- */

WeightSplit weight_split(const Net *net)
{
    WeightSplit s = { 0 };
    double madds = 0.0, best = 0.0;
    for (int i = 0; i < net->n; i++) {
        const Layer *L = net->layer[i];
        if (!L->nparam) continue;
        const double p = (double)layer_param_count(L);
        s.params += p;
        if (!strcmp(L->ops->kind, "conv")) s.conv_params += p;
        else if (!strcmp(L->ops->kind, "dense")) s.fc_params += p;
        madds += L->madds;
        if (L->madds > best) best = L->madds, s.top_madds = L->label;
    }
    s.top_madds_share = madds > 0.0 ? best / madds : 0.0;
    return s;
}

/* --- how smooth the filters are -------------------------------------------------------- */

int filter_smoothness(const Net *net, const char *layer, double *corr, int max)
{
    const Layer *L = net->layer[net_find(net, layer)];
    CN_CHECK(L && L->nparam);
    const int n = L->param[0].dims[0], cin = L->param[0].dims[1], kh = L->param[0].dims[2], kw = L->param[0].dims[3];
    for (int f = 0; f < n && f < max; f++) {
        const float *w = L->param[0].value + (size_t)f * cin * kh * kw;
        double mean = 0.0;
        for (int i = 0; i < kh * kw; i++) mean += w[i];
        mean /= kh * kw;
        double var = 0.0, co = 0.0;
        int pairs = 0;
        for (int y = 0; y < kh; y++)
            for (int x = 0; x < kw; x++) {
                const double v = w[y * kw + x] - mean;
                var += v * v;
                if (x + 1 < kw) co += v * (w[y * kw + x + 1] - mean), pairs++;
                if (y + 1 < kh) co += v * (w[(y + 1) * kw + x] - mean), pairs++;
            }
        var /= kh * kw;
        corr[f] = var > 0.0 && pairs ? co / pairs / var : 0.0;
    }
    return n < max ? n : max;
}

/* --- in the lesson's words -------------------------------------------------------------- */

/* The multiply-adds of the fully connected layers. */
double fc_madds(const Net *net)
{
    double m = 0.0;
    for (int i = 0; i < net->n; i++)
        if (!strcmp(net->layer[i]->ops->kind, "dense")) m += net->layer[i]->madds;
    return m;
}

/* The 2012 network beside the mini one: its table, counted from its shapes. */
void original_alexnet(Notebook *nb, WeightSplit mini)
{
    char a[32], b[32], c[32], d[32];
    nb_para(nb, "The original, for comparison: the network of the paper (its section 3.5 and figure 2), counted here "
                "from the shapes of its layers. The paper writes 224x224 for the input, but 11x11 filters every 4 "
                "pixels only give its 55x55 maps on 227x227 (or 224 with 2 pixels of padding), the size the "
                "re-implementations use. It was trained in 2012 on two NVIDIA GTX 580 GPUs of 3 GB each, for five to "
                "six days: the network did not fit on one, so each GPU held half of the maps of every layer, and "
                "the halves meet only at conv3 and at the fully connected layers; the others read their own GPU's "
                "half (the \"groups\" of this lesson).");
    const Alex2012 o = alexnet_2012_table(nb);
    nb_para(nb, "In the original, the fully connected layers hold %s of the %s parameters (%.1f%%) and the "
                "convolutions only %s (%.1f%%), while the convolutions do %.0f%% of the %s multiply-adds per "
                "picture (%s alone %.0f%%). The mini network keeps the shape of the convolutions but not this "
                "split: its fully connected layers hold %.0f%% of its parameters, because a 28x28 picture leaves "
                "pool5 only 2x2 maps to hand to fc6, where the original hands it 6x6.",
            commas(a, o.fc_params), commas(b, o.params), 100.0 * o.fc_params / o.params, commas(c, o.conv_params),
            100.0 * o.conv_params / o.params, 100.0 * o.conv_madds / o.madds, commas(d, o.madds), o.top_madds,
            100.0 * o.top_madds_share, 100.0 * mini.fc_params / mini.params);
    nb_check(nb, o.params > 60e6 && o.params < 62e6 && o.fc_params > 0.9 * o.params && o.conv1_out == 55,
             "the original AlexNet has %s parameters (the paper: 60 million), %.1f%% of them in its fully connected "
             "layers, and conv1 (%d@%dx%d, stride %d) turns the %dx%d picture into %dx%d maps", commas(a, o.params),
             100.0 * o.fc_params / o.params, o.conv1_maps, o.conv1_k, o.conv1_k, o.conv1_stride, o.input, o.input,
             o.conv1_out, o.conv1_out);
}

void describe_conv1(Notebook *nb, Net *net, float wmax)
{
    Layer *c1 = net_layer(net, net_find(net, "conv1"));
    int nsum_pos = 0, nsum_neg = 0;
    for (int f = 0; f < c1->out.c; f++) { /* sum beyond 5% of the largest possible, 25 x the largest |weight| */
        double s = 0.0;
        for (int t = 0; t < 25; t++) s += c1->param[0].value[f * 25 + t];
        nsum_pos += s > 0.05 * wmax * 25, nsum_neg += s < -0.05 * wmax * 25;
    }
    double corr[256];
    const int nf = filter_smoothness(net, "conv1", corr, 256);
    int smooth = 0, speckled = 0;
    for (int f = 0; f < nf; f++) smooth += corr[f] > 0.5, speckled += corr[f] < 0.2;
    nb_para(nb, "Largest |weight| %.3f. As in lesson 01, a filter's sum says what it does with flat regions: "
                "%d of the %d filters sum to clearly more than 0 (more than 5%% of the largest possible sum: they "
                "respond to brightness), %d to clearly less, and the other %d to about 0 (they answer to changes, "
                "not to brightness). How they look is measured too: the correlation of each weight with its "
                "neighbours to the right and below is near 1 for a smooth pattern (an edge, a stripe, a blob) and "
                "near 0 for speckle. Here %d filters are smooth (above 0.5), %d speckled (below 0.2) and %d in "
                "between. The paper's figure 3 shows its 96 first-layer filters, 11x11x3 learned from 1.2 million "
                "photographs, as clean oriented edges, stripes and colour blobs; %s (lesson 10 compares them with "
                "the hand-designed kernels).",
            (double)wmax, nsum_pos, nf, nsum_neg, nf - nsum_pos - nsum_neg, smooth, speckled, nf - smooth - speckled,
            2 * smooth > nf ? "most of these 5x5 filters, learned from gray clothes, are smooth too"
                            : "these 5x5 filters, learned from 28x28 gray clothes, are mostly not: "
                              "do not read edge detectors into them");
}

void describe_lrn(Notebook *nb, Net *net)
{
    /* LRN at AlexNet's constants barely moves s from k */
    const int li = net_find(net, "lrn1");
    if (li >= 0) {
        const Lrn *L = (const Lrn *)net->layer[li];
        const size_t n = shape_size(net->layer[li]->out);
        float smax = 0.0f, smin = INFINITY;
        for (size_t i = 0; i < n; i++) smax = fmaxf(smax, L->scale[i]), smin = fminf(smin, L->scale[i]);
        nb_para(nb, "LRN divides each activation a by s^β, with s = k + (α/n)·Σ a² over the n = 5 neighbouring maps: "
                    "this is PyTorch's and Caffe's convention, which this library follows (core/lrn.h). The paper "
                    "writes s = k + α·Σ a², without the 1/n: at the same α = 1e-4 its normalization is n = 5 times "
                    "stronger (PyTorch's α = 5e-4 would match it). On this picture s stays between %.4f and %.4f "
                    "(k = 2), so each output is its input times %.4f to %.4f: with α = 1e-4 and activations of this "
                    "size, LRN is nearly a constant factor 2^−0.75 = %.4f (with the paper's convention s would reach "
                    "%.4f, a factor down to %.4f). It matters only where activations are large (the paper's network worked on "
                    "pixel values in the hundreds).",
                (double)smin, (double)smax, pow(smax, -0.75), pow(smin, -0.75), pow(2.0, -0.75),
                2.0 + 5.0 * ((double)smax - 2.0), pow(2.0 + 5.0 * ((double)smax - 2.0), -0.75));
    }
}
