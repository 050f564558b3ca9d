/* check_lenet.c - the two LeNet-5 builders (core/lenet.h): the classic
 * network's C3 connection table and parameter counts against the paper, the
 * modern network's against PyTorch, the paper's initialization, padding to
 * the 32x32 field, loading either from a file, refusing bad files, the
 * accuracy of the fast tanh the classic network runs on, and training that
 * is bit-identical at 1 and 2 threads. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/activation.h"
#include "core/conv_layer.h"
#include "core/dense.h"
#include "core/error.h"
#include "core/lenet.h"
#include "core/model_io.h"
#include "core/net.h"
#include "core/threads.h"
#include "core/train.h"
#include "datasets/dataset.h"

static Layer *layer_named(Net *net, const char *label)
{
    const int i = net_find(net, label);
    ck_assert_msg(i >= 0, "%s has no layer %s", net->name, label);
    return net_layer(net, i);
}

/* --- the classic network ---------------------------------------------------------- */

START_TEST(classic_c3_table)
{
    Net *net = lenet5_classic();
    ck_assert_msg(net != NULL, "%s", cn_last_error());
    Conv2d *c3 = conv2d_of(layer_named(net, "C3"));
    ck_assert_ptr_nonnull(c3);
    ck_assert_ptr_nonnull(c3->table);
    ck_assert_int_eq(c3->base.in.c, 6);
    ck_assert_int_eq(c3->cfg.out_channels, 16);
    /* The paper's Table I (columns: C3 maps, rows: S2 maps), as the sets of
     * S2 maps each C3 map takes: 0-5 three contiguous, 6-11 four contiguous,
     * 12-14 four non-contiguous, 15 all six. */
    static const char *const inputs[16] = { "012", "123", "234", "345", "045", "015", "0123", "1234",
                                            "2345", "0345", "0145", "0125", "0134", "1245", "0235", "012345" };
    int pairs = 0;
    for (int o = 0; o < 16; o++)
        for (int j = 0; j < 6; j++) {
            const int want = strchr(inputs[o], '0' + j) != NULL;
            ck_assert_msg(c3->table[o * 6 + j] == want, "C3 map %d, S2 map %d: table says %d, the paper %d", o, j,
                          c3->table[o * 6 + j], want);
            pairs += want;
        }
    ck_assert_int_eq(pairs, 60);
    ck_assert_msg(c3->connections == 60, "C3 counts %zu connections, the paper 60", c3->connections);
    net_free(net);
}
END_TEST

START_TEST(classic_parameter_count)
{
    /* The paper counts 60,000 trainable parameters for C1..F6:
     *   C1  6 maps x (5x5 + 1)                      =    156
     *   S2  6 maps x (coefficient + bias)           =     12
     *   C3  60 connections x 5x5 + 16 biases        =  1,516
     *   S4  16 x 2                                  =     32
     *   C5  120 x (16 x 5x5 + 1)                    = 48,120
     *   F6  84 x (120 + 1)                          = 10,164
     * Its output layer is 10 RBF units with fixed +-1 targets: no trainable
     * parameters. This build replaces it by a dense 84 -> 10 layer with a
     * softmax, 10 x (84 + 1) = 850 parameters, so the total is 60,850. */
    static const char *const label[7] = { "C1", "S2", "C3", "S4", "C5", "F6", "OUTPUT" };
    static const size_t want[7] = { 156, 12, 1516, 32, 48120, 10164, 850 };
    Net *net = lenet5_classic();
    ck_assert_ptr_nonnull(net);
    ck_assert_str_eq(net->name, LENET5_CLASSIC_NAME);
    ck_assert_int_eq(lenet5_is_classic(net), 1);
    ck_assert(net->in.c == 1 && net->in.h == 32 && net->in.w == 32);
    size_t sum = 0;
    for (int i = 0; i < 7; i++) {
        const size_t got = layer_param_count(layer_named(net, label[i]));
        ck_assert_msg(got == want[i], "%s has %zu parameters, expected %zu", label[i], got, want[i]);
        sum += got;
    }
    ck_assert_uint_eq(net_param_count(net), 60850);
    ck_assert_uint_eq(sum, 60850);
    ck_assert_uint_eq(net_param_count(net) - 850, 60000);
    /* output shapes of figure 2 */
    static const char *const shaped[5] = { "C1", "S2", "C3", "S4", "C5" };
    static const int shp[5][3] = { { 6, 28, 28 }, { 6, 14, 14 }, { 16, 10, 10 }, { 16, 5, 5 }, { 120, 1, 1 } };
    for (int i = 0; i < 5; i++) {
        const CnShape s = layer_named(net, shaped[i])->out;
        ck_assert_msg(s.c == shp[i][0] && s.h == shp[i][1] && s.w == shp[i][2], "%s is %dx%dx%d", shaped[i], s.c,
                      s.h, s.w);
    }
    ck_assert_str_eq(layer_named(net, "S2")->ops->kind, "subsample");
    ck_assert_str_eq(layer_named(net, "tanh1")->ops->kind, "scaled_tanh");
    ck_assert_int_eq(net_out_shape(net).c, 10);
    /* every layer but OUTPUT is squashed: 6 parameter layers, 6 scaled tanh */
    int tanh_layers = 0;
    for (int i = 0; i < net->n; i++) tanh_layers += !strcmp(net->layer[i]->ops->kind, "scaled_tanh");
    ck_assert_int_eq(tanh_layers, 6);
    /* background -0.1, full ink 1.175 */
    float x[2];
    const uint8_t p[2] = { 0, 255 };
    net_input_from_u8(net, x, p, 2);
    ck_assert_msg(fabsf(x[0] + 0.1f) < 1e-6f && fabsf(x[1] - 1.175f) < 1e-6f, "pixels 0, 255 -> %g, %g", x[0], x[1]);
    net_free(net);
}
END_TEST

START_TEST(classic_init_is_the_papers)
{
    /* every weight uniform in +-2.4/F_i, F_i the fan-in of its unit; C3's maps
     * have 3, 4 or 6 inputs of 25 weights; removed pairs exactly 0 */
    Net *net = lenet5_classic();
    ck_assert_ptr_nonnull(net);
    lenet5_init(net, 11);
    const Conv2d *c3 = conv2d_of(layer_named(net, "C3"));
    const float *w = c3->base.param[0].value;
    for (int o = 0; o < 16; o++) {
        int nin = 0;
        for (int j = 0; j < 6; j++) nin += c3->table[o * 6 + j];
        const float bound = 2.4f / (float)(25 * nin);
        float mx = 0.0f;
        for (int j = 0; j < 6; j++)
            for (int t = 0; t < 25; t++) {
                const float v = w[(o * 6 + j) * 25 + t];
                if (!c3->table[o * 6 + j])
                    ck_assert_msg(v == 0.0f, "C3 map %d, removed input %d: weight %g", o, j, v);
                else
                    mx = fmaxf(mx, fabsf(v));
            }
        ck_assert_msg(mx <= bound && mx > 0.8f * bound, "C3 map %d (%d inputs): max |w| %g, bound %g", o, nin, mx,
                      bound);
    }
    static const char *const label[5] = { "C1", "S2", "C5", "F6", "OUTPUT" };
    static const float fanin[5] = { 25, 4, 400, 120, 84 };
    for (int i = 0; i < 5; i++) {
        const CnParam *p = &layer_named(net, label[i])->param[0];
        float mx = 0.0f;
        for (size_t k = 0; k < p->n; k++) mx = fmaxf(mx, fabsf(p->value[k]));
        ck_assert_msg(mx <= 2.4f / fanin[i] && mx > 0.8f * 2.4f / fanin[i], "%s: max |w| %g, bound %g", label[i], mx,
                      2.4f / fanin[i]);
        const CnParam *b = &layer_named(net, label[i])->param[1];
        for (size_t k = 0; k < b->n; k++) ck_assert_msg(b->value[k] == 0.0f, "%s bias %zu = %g", label[i], k, b->value[k]);
    }
    net_free(net);
}
END_TEST

/* --- the modern network ------------------------------------------------------------ */

START_TEST(modern_parameter_count)
{
    /* PyTorch's LeNet5 of shared/bench/torch_ref.py: conv 6@5x5 pad 2 (156),
     * conv 16@5x5 (2,416), fc 400->120 (48,120), fc 120->84 (10,164),
     * fc 84->10 (850): 61,706 parameters, 416,520 multiply-adds. */
    Net *net = lenet5_modern();
    ck_assert_ptr_nonnull(net);
    ck_assert_str_eq(net->name, LENET5_MODERN_NAME);
    ck_assert_int_eq(lenet5_is_classic(net), 0);
    ck_assert(net->in.c == 1 && net->in.h == 28 && net->in.w == 28);
    static const char *const label[5] = { "C1", "C3", "C5", "F6", "OUTPUT" };
    static const size_t want[5] = { 156, 2416, 48120, 10164, 850 };
    for (int i = 0; i < 5; i++)
        ck_assert_uint_eq(layer_param_count(layer_named(net, label[i])), want[i]);
    ck_assert_uint_eq(net_param_count(net), 61706);
    ck_assert_msg(net_madds(net) == 416520.0, "%.0f multiply-adds", net_madds(net));
    ck_assert_str_eq(layer_named(net, "S2")->ops->kind, "maxpool");
    ck_assert_ptr_null(conv2d_of(layer_named(net, "C3"))->table);
    const CnShape c1 = layer_named(net, "C1")->out;
    ck_assert(c1.c == 6 && c1.h == 28 && c1.w == 28);
    net_free(net);
}
END_TEST

/* --- input field, files -------------------------------------------------------------- */

START_TEST(fit_centres_in_the_field)
{
    Net *classic = lenet5_classic(), *modern = lenet5_modern();
    ck_assert(classic && modern);
    uint8_t img[28 * 28], field[32 * 32];
    for (int i = 0; i < 28 * 28; i++) img[i] = (uint8_t)(1 + i % 250);
    ck_assert_int_eq(lenet5_fit_image(field, classic, img, 28, 28), 0);
    for (int y = 0; y < 32; y++)
        for (int x = 0; x < 32; x++) {
            const int in = y >= 2 && y < 30 && x >= 2 && x < 30;
            const int want = in ? img[(y - 2) * 28 + x - 2] : 0;
            ck_assert_msg(field[y * 32 + x] == want, "field (%d, %d) = %d, want %d", y, x, field[y * 32 + x], want);
        }
    ck_assert_int_eq(lenet5_fit_image(field, modern, img, 28, 28), 0);
    ck_assert_int_eq(memcmp(field, img, 28 * 28), 0);
    ck_assert_int_eq(lenet5_fit_image(field, modern, img, 30, 28), -1);
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "does not fit"));

    Dataset d = { .count = 2, .height = 28, .width = 28, .nclasses = 10 };
    uint8_t imgs[2 * 28 * 28], labels[2] = { 3, 9 };
    memcpy(imgs, img, sizeof img);
    memset(imgs + 28 * 28, 255, 28 * 28);
    d.images = imgs;
    d.labels = labels;
    Dataset *p = lenet5_fit_dataset(&d, classic);
    ck_assert_ptr_nonnull(p);
    ck_assert(p->count == 2 && p->height == 32 && p->width == 32 && p->labels[0] == 3 && p->labels[1] == 9);
    ck_assert_int_eq(dataset_image(p, 1)[0], 0);
    ck_assert_int_eq(dataset_image(p, 1)[2 * 32 + 2], 255);
    ck_assert_int_eq(dataset_image(p, 1)[29 * 32 + 29], 255);
    ck_assert_int_eq(dataset_image(p, 1)[30 * 32 + 30], 0);
    dataset_free(p);
    net_free(classic);
    net_free(modern);
}
END_TEST

static void tmp_path(char *buf, size_t n, const char *name)
{
    snprintf(buf, n, "/tmp/cn_lenet_%ld_%s", (long)getpid(), name);
}

START_TEST(load_either_and_refuse_bad_files)
{
    char pc[256], pm[256], bad[256], other[256];
    tmp_path(pc, sizeof pc, "classic.cnn");
    tmp_path(pm, sizeof pm, "modern.cnn");
    tmp_path(bad, sizeof bad, "bad.cnn");
    tmp_path(other, sizeof other, "other.cnn");
    Net *c = lenet5_classic(), *m = lenet5_modern();
    ck_assert(c && m);
    lenet5_init(c, 3);
    lenet5_init(m, 4);
    ck_assert_msg(net_save(c, pc) == 0, "%s", cn_last_error());
    ck_assert_msg(net_save(m, pm) == 0, "%s", cn_last_error());
    Net *c2 = lenet5_load(pc), *m2 = lenet5_load(pm);
    ck_assert_msg(c2 && m2, "%s", cn_last_error());
    ck_assert_str_eq(c2->name, LENET5_CLASSIC_NAME);
    ck_assert_str_eq(m2->name, LENET5_MODERN_NAME);
    for (int k = 0; k < net_nparams(c); k++) {
        const CnParam *a = net_param(c, k, NULL), *b = net_param(c2, k, NULL);
        ck_assert_int_eq(memcmp(a->value, b->value, a->n * sizeof(float)), 0);
    }
    ck_assert(c2->in_mean == c->in_mean && c2->in_std == c->in_std);

    /* a flipped byte in the middle: corrupt */
    FILE *f = fopen(pm, "rb");
    ck_assert_ptr_nonnull(f);
    static unsigned char buf[1 << 20];
    const size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    ck_assert(n > 1000);
    buf[n / 2] ^= 0x40;
    f = fopen(bad, "wb");
    ck_assert(f && fwrite(buf, 1, n, f) == n && fclose(f) == 0);
    ck_assert_ptr_null(lenet5_load(bad));
    ck_assert_msg(strstr(cn_last_error(), "corrupt"), "message: %s", cn_last_error());
    /* cut short: truncated */
    buf[n / 2] ^= 0x40;
    f = fopen(bad, "wb");
    ck_assert(f && fwrite(buf, 1, n / 3, f) == n / 3 && fclose(f) == 0);
    ck_assert_ptr_null(lenet5_load(bad));
    ck_assert_msg(strstr(cn_last_error(), "truncated"), "message: %s", cn_last_error());
    /* not a model at all */
    f = fopen(bad, "wb");
    ck_assert(f && fputs("hello, not a model\n", f) >= 0 && fclose(f) == 0);
    ck_assert_ptr_null(lenet5_load(bad));
    ck_assert_msg(strstr(cn_last_error(), "not a convnet-c model"), "message: %s", cn_last_error());
    /* missing */
    ck_assert_ptr_null(lenet5_load("/nonexistent/dir/x.cnn"));
    ck_assert_msg(strstr(cn_last_error(), "/nonexistent/dir/x.cnn"), "message: %s", cn_last_error());
    /* a sound model of another network */
    Net *o = net_create("tiny", (CnShape){ 1, 28, 28 });
    net_add(o, "fc", dense_create(10));
    ck_assert(net_ok(o));
    ck_assert_int_eq(net_save(o, other), 0);
    ck_assert_ptr_null(lenet5_load(other));
    ck_assert_msg(strstr(cn_last_error(), "is not a LeNet-5 model") && strstr(cn_last_error(), "\"tiny\""),
                  "message: %s", cn_last_error());
    net_free(o);
    net_free(c), net_free(m), net_free(c2), net_free(m2);
    unlink(pc), unlink(pm), unlink(bad), unlink(other);
}
END_TEST

/* --- the fast tanh ------------------------------------------------------------------- */

START_TEST(tanh_is_accurate)
{
    /* activation.c computes tanh from one expf (and a series near 0); hold it
     * to tanh in double: within 1e-7, and 3e-7 relative, over a dense sweep
     * of [-20, 20], the switch at |z| = 0.3 and tiny values. */
    enum { N = 400001 };
    float *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y), *ys = malloc(N * sizeof *ys);
    ck_assert(x && y && ys);
    for (int i = 0; i < N; i++) x[i] = -20.0f + 40.0f * (float)i / (N - 1);
    x[0] = 0.3f, x[1] = -0.3f, x[2] = nextafterf(0.3f, 0.0f), x[3] = 1e-30f, x[4] = -3e-8f, x[5] = 0.0f;
    activation_forward(y, x, N, ACT_TANH);
    activation_forward(ys, x, N, ACT_SCALED_TANH);
    double worst = 0.0, worst_rel = 0.0, worst_s = 0.0;
    int at = 0;
    for (int i = 0; i < N; i++) {
        const double t = tanh((double)x[i]), d = fabs(y[i] - t);
        if (d > worst) worst = d, at = i;
        if (t != 0.0) worst_rel = fmax(worst_rel, d / fabs(t));
        const double s = 1.7159 * tanh(2.0 / 3.0 * (double)x[i]);
        worst_s = fmax(worst_s, fabs(ys[i] - s));
    }
    ck_assert_msg(worst <= 1e-7 && worst_rel <= 3e-7, "tanh: max error %g at x = %g, max relative %g", worst,
                  (double)x[at], worst_rel);
    ck_assert_msg(worst_s <= 4e-7, "scaled tanh: max error %g", worst_s);
    ck_assert(y[5] == 0.0f && y[3] == 1e-30f);
    const float special[3] = { NAN, INFINITY, -INFINITY };
    float out[3];
    activation_forward(out, special, 3, ACT_TANH);
    ck_assert(isnan(out[0]) && out[1] == 1.0f && out[2] == -1.0f);
    free(x), free(y), free(ys);
}
END_TEST

/* --- threads ----------------------------------------------------------------------------- */

/* Train net (initialised from seed 5) for one epoch on the first 512 images of
 * ds at batch 32 with `threads` threads; copy every parameter into out. */
static size_t train_with(int classic, const Dataset *ds, int threads, float *out)
{
    Net *net = classic ? lenet5_classic() : lenet5_modern();
    ck_assert_ptr_nonnull(net);
    Dataset *fit = lenet5_fit_dataset(ds, net);
    ck_assert_ptr_nonnull(fit);
    lenet5_init(net, 5);
    TrainConfig cfg = train_defaults();
    cfg.epochs = 1;
    cfg.batch = 32;
    cfg.lr = optim_schedule_constant(0.05f);
    cfg.std = 0.0f;
    cfg.train_limit = 512;
    cfg.quiet = 1;
    const int before = omp_get_max_threads();
    omp_set_num_threads(threads);
    TrainHistory h = { 0 };
    ck_assert_msg(train_run(net, fit, NULL, &cfg, &h) == 0, "%s", cn_last_error());
    omp_set_num_threads(before);
    size_t n = 0;
    for (int k = 0; k < net_nparams(net); k++) {
        const CnParam *p = net_param(net, k, NULL);
        memcpy(out + n, p->value, p->n * sizeof(float));
        n += p->n;
    }
    train_history_free(&h);
    dataset_free(fit);
    net_free(net);
    return n;
}

START_TEST(training_is_thread_independent)
{
    Dataset *ds = dataset_load("mnist-sample", 1);
    ck_assert_msg(ds != NULL, "%s (run `make datasets`)", cn_last_error());
    float *a = malloc(70000 * sizeof *a), *b = malloc(70000 * sizeof *b);
    ck_assert(a && b);
    for (int classic = 0; classic < 2; classic++) {
        const size_t n1 = train_with(classic, ds, 1, a), n2 = train_with(classic, ds, 2, b);
        ck_assert_uint_eq(n1, n2);
        for (size_t i = 0; i < n1; i++)
            ck_assert_msg(memcmp(&a[i], &b[i], sizeof(float)) == 0,
                          "%s: parameter %zu differs between 1 and 2 threads (%.9g vs %.9g)",
                          classic ? "classic" : "modern", i, a[i], b[i]);
    }
    free(a), free(b);
    dataset_free(ds);
}
END_TEST

Suite *lenet_suite(void)
{
    Suite *s = suite_create("lenet");
    TCase *tc = tcase_create("builders");
    tcase_add_test(tc, classic_c3_table);
    tcase_add_test(tc, classic_parameter_count);
    tcase_add_test(tc, classic_init_is_the_papers);
    tcase_add_test(tc, modern_parameter_count);
    tcase_add_test(tc, fit_centres_in_the_field);
    tcase_add_test(tc, load_either_and_refuse_bad_files);
    suite_add_tcase(s, tc);
    TCase *tn = tcase_create("numerics");
    tcase_set_timeout(tn, 60);
    tcase_add_test(tn, tanh_is_accurate);
    tcase_add_test(tn, training_is_thread_independent);
    suite_add_tcase(s, tn);
    return s;
}
