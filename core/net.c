/* net.c - an ordered list of layers with their activation buffers; see net.h. */
#include "core/net.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

Net *net_create(const char *name, CnShape in)
{
    if (!name || !name[0]) {
        cn_fail("net_create: the network needs a name (it is checked when a saved model is loaded)");
        return NULL;
    }
    if (strlen(name) >= sizeof(((Net *)0)->name)) {
        cn_fail("net_create: name \"%s\" is longer than %zu characters", name, sizeof(((Net *)0)->name) - 1);
        return NULL;
    }
    if (in.c < 1 || in.h < 1 || in.w < 1) {
        cn_fail("net_create: input shape (%d, %d, %d) has a dimension below 1", in.c, in.h, in.w);
        return NULL;
    }
    Net *net = calloc(1, sizeof *net);
    if (!net) {
        cn_fail("net_create: out of memory");
        return NULL;
    }
    snprintf(net->name, sizeof net->name, "%s", name);
    net->in = in;
    net->in_mean = 0.0f;
    net->in_std = 1.0f;
    return net;
}

void net_free(Net *net)
{
    if (!net) return;
    for (int i = 0; i < net->n; i++) {
        layer_free(net->layer[i]);
        free(net->act[i]);
        free(net->grad[i]);
    }
    free(net->classes);
    free(net->layer);
    free(net->act);
    free(net->grad);
    free(net);
}

/* Remember the first failure; later ones are consequences of it. */
static int net_add_failed(Net *net, Layer *l, int index, const char *label, const char *why)
{
    layer_free(l);
    if (!net->failed) {
        net->failed = 1;
        snprintf(net->error, sizeof net->error, "%s: layer %d \"%.40s\": %s", net->name, index, label ? label : "?",
                 why);
    }
    return cn_fail("%s", net->error);
}

static int grow_slots(Net *net)
{
    if (net->n < net->cap) return 0;
    int cap = net->cap ? 2 * net->cap : 8;
    Layer **layer = realloc(net->layer, (size_t)cap * sizeof *layer);
    if (layer) net->layer = layer;
    float **act = realloc(net->act, (size_t)cap * sizeof *act);
    if (act) net->act = act;
    float **grad = realloc(net->grad, (size_t)cap * sizeof *grad);
    if (grad) net->grad = grad;
    if (!layer || !act || !grad) return -1;
    net->cap = cap;
    return 0;
}

int net_add(Net *net, const char *label, Layer *l)
{
    if (!net) {
        layer_free(l);
        return cn_fail("net_add: the network was not created");
    }
    int index = net->n;
    if (net->failed) {
        layer_free(l);
        return cn_fail("%s", net->error);
    }
    char why[1024];
    if (!l) {
        snprintf(why, sizeof why, "%s", cn_last_error()[0] ? cn_last_error() : "the constructor failed");
        return net_add_failed(net, l, index, label, why);
    }
    char name[sizeof l->label];
    if (label) {
        if (!label[0] || strlen(label) >= sizeof name) {
            snprintf(why, sizeof why, "a label must have 1 to %zu characters", sizeof name - 1);
            return net_add_failed(net, l, index, label, why);
        }
        snprintf(name, sizeof name, "%s", label);
    } else {
        snprintf(name, sizeof name, "%.15s%d", l->ops->kind, index);
    }
    if (net_find(net, name) >= 0) {
        snprintf(why, sizeof why, "the label is already used by layer %d; labels name the layers in saved files, "
                 "so each must be unique", net_find(net, name));
        return net_add_failed(net, l, index, name, why);
    }
    CnShape in = index == 0 ? net->in : net->layer[index - 1]->out;
    if (layer_setup(l, in)) {
        snprintf(why, sizeof why, "%s", cn_last_error());
        return net_add_failed(net, l, index, name, why);
    }
    if (grow_slots(net)) return net_add_failed(net, l, index, name, "out of memory");
    snprintf(l->label, sizeof l->label, "%s", name);
    l->training = 0;
    net->layer[index] = l;
    net->act[index] = NULL;
    net->grad[index] = NULL;
    net->n++;
    net->batch_cap = 0;  /* the new layer has no buffers yet: the next forward allocates them */
    return 0;
}

int net_ok(const Net *net)
{
    if (!net) {
        cn_fail("the network was not created (net_create failed)");
        return 0;
    }
    if (net->failed) {
        cn_fail("%s", net->error);
        return 0;
    }
    if (net->n == 0) {
        cn_fail("%s: the network has no layers (add some with net_add)", net->name);
        return 0;
    }
    return 1;
}

/* --- structure ------------------------------------------------------------ */

int net_count(const Net *net) { return net ? net->n : 0; }

Layer *net_layer(Net *net, int i) { return (net && i >= 0 && i < net->n) ? net->layer[i] : NULL; }

int net_find(const Net *net, const char *label)
{
    if (!net || !label) return -1;
    for (int i = 0; i < net->n; i++)
        if (strcmp(net->layer[i]->label, label) == 0) return i;
    return -1;
}

CnShape net_out_shape(const Net *net) { return net->n ? net->layer[net->n - 1]->out : net->in; }

size_t net_param_count(const Net *net)
{
    size_t n = 0;
    for (int i = 0; i < net->n; i++) n += layer_param_count(net->layer[i]);
    return n;
}

double net_madds(const Net *net)
{
    double m = 0.0;
    for (int i = 0; i < net->n; i++) m += net->layer[i]->madds;
    return m;
}

int net_nparams(const Net *net)
{
    int k = 0;
    for (int i = 0; i < net->n; i++) k += net->layer[i]->nparam;
    return k;
}

CnParam *net_param(const Net *net, int k, int *layer_index)
{
    if (k < 0) return NULL;
    for (int i = 0; i < net->n; i++) {
        if (k < net->layer[i]->nparam) {
            if (layer_index) *layer_index = i;
            return &net->layer[i]->param[k];
        }
        k -= net->layer[i]->nparam;
    }
    return NULL;
}

RecField net_receptive_field(const Net *net, int i)
{
    RecField f = { .size = 1, .jump = 1, .start = 0.0, .whole = 0 };
    for (int l = 0; l <= i && l < net->n; l++) {
        const Layer *L = net->layer[l];
        if (f.whole) continue;
        if (L->rf_k == 0) {
            f.whole = 1;
            continue;
        }
        f.start += ((L->rf_k - 1) / 2.0 - L->rf_p) * f.jump;
        f.size += (L->rf_k - 1) * f.jump;
        f.jump *= L->rf_s;
    }
    return f;
}

/* 1234567 -> "1,234,567" */
static const char *with_commas(char *buf, size_t size, double v)
{
    char digits[40];
    snprintf(digits, sizeof digits, "%.0f", v);
    const char *d = digits;
    size_t o = 0;
    if (*d == '-') buf[o++] = *d++;
    size_t len = strlen(d);
    for (size_t k = 0; k < len && o + 2 < size; k++) {
        buf[o++] = d[k];
        if ((len - k - 1) % 3 == 0 && k + 1 < len) buf[o++] = ',';
    }
    buf[o] = '\0';
    return buf;
}

int net_summary(const Net *net, FILE *f)
{
    char p[32], m[32], shape[32];
    int ok = fprintf(f, "%s: input %dx%dx%d\n", net->name, net->in.c, net->in.h, net->in.w) >= 0;
    ok &= fprintf(f, "%3s  %-10s %-10s %-12s %12s %14s %8s %6s\n", "#", "layer", "kind", "output", "params",
                  "mult-adds", "field", "jump") >= 0;
    for (int i = 0; i < net->n; i++) {
        const Layer *L = net->layer[i];
        RecField rf = net_receptive_field(net, i);
        char fs[16], js[16];
        if (rf.whole) {
            snprintf(fs, sizeof fs, "all");
            snprintf(js, sizeof js, "-");
        } else {
            snprintf(fs, sizeof fs, "%d", rf.size);
            snprintf(js, sizeof js, "%d", rf.jump);
        }
        snprintf(shape, sizeof shape, "%dx%dx%d", L->out.c, L->out.h, L->out.w);
        ok &= fprintf(f, "%3d  %-10s %-10s %-12s %12s %14s %8s %6s\n", i, L->label, L->ops->kind, shape,
                      with_commas(p, sizeof p, (double)layer_param_count(L)), with_commas(m, sizeof m, L->madds),
                      fs, js) >= 0;
    }
    ok &= fprintf(f, "total: %s parameters, %s multiply-adds per image\n",
                  with_commas(p, sizeof p, (double)net_param_count(net)), with_commas(m, sizeof m, net_madds(net))) >= 0;
    if (!ok || ferror(f)) return cn_fail("net_summary: writing the summary of %s failed", net->name);
    return 0;
}

/* --- running -------------------------------------------------------------- */

/* Make every act/grad buffer hold B samples and let each layer reserve its
 * scratch state. Buffers only grow. */
static int net_reserve(Net *net, int B)
{
    if (B <= net->batch_cap) return 0;
    for (int i = 0; i < net->n; i++) {
        Layer *L = net->layer[i];
        size_t n;
        if (cn_mul_size(shape_size(L->out), (size_t)B, &n) || n > ((size_t)-1) / sizeof(float))
            return cn_fail("%s: batch %d is too large for layer %s", net->name, B, L->label);
        float *a = realloc(net->act[i], n * sizeof(float));
        if (a) net->act[i] = a;
        float *g = realloc(net->grad[i], n * sizeof(float));
        if (g) net->grad[i] = g;
        if (!a || !g)
            return cn_fail("%s: out of memory for the activations of layer %s at batch %d (%zu floats)", net->name,
                           L->label, B, n);
        if (layer_reserve(L, B)) return -1;
    }
    net->batch_cap = B;
    return 0;
}

const float *net_forward(Net *net, const float *x, int B)
{
    if (!net_ok(net)) return NULL;
    if (B < 1 || !x) {
        cn_fail("%s: net_forward needs an input and a batch of at least 1 (got %d)", net->name, B);
        return NULL;
    }
    if (net_reserve(net, B)) return NULL;
    const float *in = x;
    for (int i = 0; i < net->n; i++) {
        Layer *L = net->layer[i];
        L->ops->forward(L, net->act[i], in, B);
        in = net->act[i];
    }
    net->last_B = B;
    net->last_x = x;
    return net->act[net->n - 1];
}

/* p[0 .. n-1] = 0, in pieces of 128 KiB shared among the threads: a batch's
 * gradient buffers are megabytes (AlexNet-mini's conv1 at batch 64: 4.8 MB),
 * and one thread clearing them left the others waiting. */
static void zero_floats(float *p, size_t n)
{
    const size_t piece = (size_t)1 << 15;
    const long long pieces = (long long)((n + piece - 1) / piece);
#pragma omp parallel for schedule(static) if (pieces > 1)
    for (long long k = 0; k < pieces; k++) {
        const size_t a = (size_t)k * piece;
        memset(p + a, 0, (n - a < piece ? n - a : piece) * sizeof *p);
    }
}

/* The backward pass of net_backward and net_backward_input(_from), from the
 * output of layer `top` (dtop its gradient) down: dx_in gets dL/d(input)
 * when not NULL; params 0 leaves the parameter gradients alone. */
static int backward_pass(Net *net, int top, float *dx_in, const float *dtop, int B, int params, const char *who)
{
    if (!net_ok(net)) return -1;
    if (B != net->last_B || !net->last_x || !dtop)
        return cn_fail("%s: %s(B = %d) must follow a net_forward with the same batch (last was %d)", net->name,
                       who, B, net->last_B);
    if (top < 0 || top >= net->n)
        return cn_fail("%s: %s: no layer %d (the network has %d)", net->name, who, top, net->n);
    for (int i = top; i >= 0; i--) {
        Layer *L = net->layer[i];
        const float *dy = i == top ? dtop : net->grad[i];
        float *dx = i == 0 ? dx_in : net->grad[i - 1];
        const float *x = i == 0 ? net->last_x : net->act[i - 1];
        /* the layer adds its dL/dx into dx (grad[i-1] or dx_in): zeroed just
         * before, while the layer is about to read it from the cache */
        if (dx) zero_floats(dx, shape_size(L->in) * (size_t)B);
        L->input_grad_only = !params;
        L->ops->backward(L, dx, dy, x, net->act[i], B);
        L->input_grad_only = 0;
    }
    return 0;
}

int net_backward(Net *net, const float *dlogits, int B)
{
    return backward_pass(net, net ? net->n - 1 : 0, NULL, dlogits, B, 1, "net_backward");
}

int net_backward_input_from(Net *net, int layer, float *dx, const float *dy, int B)
{
    if (!dx) return cn_fail("net_backward_input: no buffer for the input gradient (dx is NULL)");
    return backward_pass(net, layer, dx, dy, B, 0, "net_backward_input");
}

int net_backward_input(Net *net, float *dx, const float *dlogits, int B)
{
    return net_backward_input_from(net, net ? net->n - 1 : 0, dx, dlogits, B);
}

const float *net_output(const Net *net, int i)
{
    if (!net || i < 0 || i >= net->n || net->last_B == 0) return NULL;
    return net->act[i];
}

void net_zero_grad(Net *net)
{
    for (int i = 0; i < net->n; i++) layer_zero_grad(net->layer[i]);
}

void net_set_training(Net *net, int training)
{
    for (int i = 0; i < net->n; i++) net->layer[i]->training = training ? 1 : 0;
}

void net_init(Net *net, InitKind kind, Rng *r)
{
    for (int i = 0; i < net->n; i++) layer_init(net->layer[i], kind, r);
}

/* --- input pixels --------------------------------------------------------- */

int net_set_classes(Net *net, const char *const *names, int n)
{
    if (!names || n == 0) {
        free(net->classes);
        net->classes = NULL;
        net->nclasses = 0;
        return 0;
    }
    if (n != net_out_shape(net).c)
        return cn_fail("%s: %d class names for %d outputs: give one name per output", net->name, n,
                       net_out_shape(net).c);
    /* One block: the n pointers, then the names they point at. */
    size_t bytes = (size_t)n * sizeof(char *);
    for (int k = 0; k < n; k++) {
        if (!names[k] || strlen(names[k]) > 255)
            return cn_fail("%s: class %d has %s name: give names of 1..255 characters", net->name, k,
                           names[k] ? "too long a" : "no");
        bytes += strlen(names[k]) + 1;
    }
    char **c = malloc(bytes);
    if (!c) return cn_fail("%s: out of memory for the class names", net->name);
    char *s = (char *)(c + n);
    for (int k = 0; k < n; k++) {
        size_t len = strlen(names[k]) + 1;
        c[k] = memcpy(s, names[k], len);
        s += len;
    }
    free(net->classes);
    net->classes = c;
    net->nclasses = n;
    return 0;
}

int net_set_input_norm(Net *net, float mean, float std)
{
    if (!(std > 0.0f) || !isfinite(std) || !isfinite(mean))
        return cn_fail("%s: input normalization needs a finite mean and std > 0 (got %g, %g)", net->name,
                       (double)mean, (double)std);
    net->in_mean = mean;
    net->in_std = std;
    return 0;
}

void net_input_from_u8(const Net *net, float *x, const uint8_t *p, size_t n)
{
    /* local copies: x could point into *net as far as the compiler knows, so
     * it would read both again after every store and not vectorize the loop */
    const float mean = net->in_mean, std = net->in_std;
    for (size_t i = 0; i < n; i++) x[i] = ((float)p[i] / 255.0f - mean) / std;
}
