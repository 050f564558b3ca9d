#include "lessons/kit/speed_net.h"

#include "core/die.h"
#include "core/error.h"
#include "core/rng.h"
#include "core/train.h"
#include "lessons/lesson.h"

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double seconds_per_call(void (*fn)(void *ctx), void *ctx, double min_s, int repeat)
{
    fn(ctx); /* warm-up: caches, pages, threads */
    double t0 = now_s();
    int calls = 0;
    do {
        fn(ctx);
        calls++;
    } while (now_s() - t0 < min_s);
    double *v = xcalloc((size_t)repeat, sizeof *v);
    for (int r = 0; r < repeat; r++) {
        t0 = now_s();
        for (int c = 0; c < calls; c++) fn(ctx);
        v[r] = (now_s() - t0) / calls;
    }
    qsort(v, (size_t)repeat, sizeof *v, cmp_double);
    const double med = repeat % 2 ? v[repeat / 2] : 0.5 * (v[repeat / 2 - 1] + v[repeat / 2]);
    free(v);
    return med;
}

double train_images_per_s(Net *net, Net *replica, const Dataset *ds, int batch, int batches, uint64_t seed)
{
    TrainConfig cfg = train_defaults();
    cfg.epochs = 1;
    cfg.batch = batch;
    cfg.lr = optim_schedule_constant(0.01f);
    cfg.momentum = 0.9f;
    cfg.std = 0.0f;
    cfg.seed = seed;
    cfg.train_limit = batch * batches;
    cfg.quiet = 1;
    cfg.replica = replica;
    TrainHistory h = { 0 };
    if (train_run(net, ds, NULL, &cfg, &h)) CN_DIE("training failed: %s", cn_last_error());
    const double r = h.e[0].images_per_s;
    train_history_free(&h);
    return r;
}

/* One layer's forward or backward on the network's buffers. */
typedef struct {
    Net *net;
    int i, B, backward;
    const float *x, *dl;
} LayerCall;

static void layer_call(void *ctx)
{
    const LayerCall *c = ctx;
    Layer *L = c->net->layer[c->i];
    const float *in = c->i ? c->net->act[c->i - 1] : c->x;
    if (!c->backward) {
        L->ops->forward(L, c->net->act[c->i], in, c->B);
        return;
    }
    float *dx = c->i ? c->net->grad[c->i - 1] : NULL; /* the first layer's input gradient is never needed */
    const float *dy = c->i == c->net->n - 1 ? c->dl : c->net->grad[c->i];
    L->ops->backward(L, dx, dy, in, c->net->act[c->i], c->B);
}

void layer_seconds(Net *net, const Dataset *ds, int B, double min_s, int repeat, double *fwd, double *bwd)
{
    const size_t in = shape_size(net->in);
    float *x = xcalloc((size_t)B * in, sizeof *x);
    net_input_from_u8(net, x, dataset_image(ds, 0), (size_t)B * in);
    net_set_training(net, 1);
    CN_CHECK(net_forward(net, x, B));
    const int K = net_out_shape(net).c;
    float *dl = xcalloc((size_t)B * K, sizeof *dl);
    Rng r;
    rng_seed(&r, 3, 3);
    for (int i = 0; i < B * K; i++) dl[i] = rng_range(&r, -0.01f, 0.01f);
    CN_CHECK(net_backward(net, dl, B) == 0);
    for (int i = 0; i < net->n; i++) {
        LayerCall c = { .net = net, .i = i, .B = B, .x = x, .dl = dl };
        fwd[i] = seconds_per_call(layer_call, &c, min_s, repeat);
        c.backward = 1;
        bwd[i] = seconds_per_call(layer_call, &c, min_s, repeat);
    }
    net_set_training(net, 0);
    free(x);
    free(dl);
}
