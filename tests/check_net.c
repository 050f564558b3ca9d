/* check_net.c - building a network (shapes, parameter and multiply-add
 * counts, receptive fields in the summary), build errors, forward/backward
 * through the whole net against central differences of the loss, and the
 * gradient with respect to the input alone (net_backward_input). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/activation.h"
#include "core/conv_layer.h"
#include "core/dense.h"
#include "core/dropout.h"
#include "core/lrn.h"
#include "core/error.h"
#include "core/loss.h"
#include "core/net.h"
#include "core/pool.h"
#include "core/rng.h"
#include "core/subsample.h"
#include "core/tensor.h"

/* in 1x8x8
 *   C1   conv 4 3x3, pad 1        -> 4x8x8   4*9+4 = 40 params,    8*8*4*9  = 2,304 madds
 *   relu                          -> 4x8x8
 *   C2   conv 6 3x3, stride 2     -> 6x3x3   6*4*9+6 = 222 params, 3*3*6*36 = 1,944 madds
 *   fc   dense 10                 -> 10x1x1  54*10+10 = 550 params,  540 madds
 * receptive field: C1 3 (jump 1), relu 3 (1), C2 3 + 2*1 = 5 (jump 2), fc all. */
static Net *small_net(void)
{
    Net *net = net_create("small", (CnShape){ 1, 8, 8 });
    net_add(net, "C1", conv2d_create(4, 3, 3, 1, 1, 1, CONV_OP_CORRELATE));
    net_add(net, "relu1", relu_create());
    net_add(net, "C2", conv2d_create(6, 3, 3, 2, 0, 1, CONV_OP_CORRELATE));
    net_add(net, "fc", dense_create(10));
    ck_assert_msg(net_ok(net), "%s", cn_last_error());
    return net;
}

START_TEST(shapes_counts_fields)
{
    Net *net = small_net();
    ck_assert_int_eq(net_count(net), 4);
    const CnShape want[4] = { { 4, 8, 8 }, { 4, 8, 8 }, { 6, 3, 3 }, { 10, 1, 1 } };
    for (int i = 0; i < 4; i++) {
        CnShape o = net_layer(net, i)->out;
        ck_assert_msg(o.c == want[i].c && o.h == want[i].h && o.w == want[i].w,
                      "layer %d: output %dx%dx%d, want %dx%dx%d", i, o.c, o.h, o.w, want[i].c, want[i].h,
                      want[i].w);
    }
    ck_assert_uint_eq(net_param_count(net), 40 + 222 + 550);
    ck_assert_double_eq(net_madds(net), 2304.0 + 1944.0 + 540.0);
    ck_assert_int_eq(net_nparams(net), 6);
    int li = -1;
    CnParam *p = net_param(net, 3, &li);
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(li, 2);
    ck_assert_str_eq(p->name, "bias");
    ck_assert_ptr_null(net_param(net, 6, NULL));

    RecField f = net_receptive_field(net, 0);
    ck_assert_int_eq(f.size, 3);
    ck_assert_int_eq(f.jump, 1);
    ck_assert_double_eq(f.start, 0.0);
    f = net_receptive_field(net, 2);
    ck_assert_int_eq(f.size, 5);
    ck_assert_int_eq(f.jump, 2);
    ck_assert_int_eq(f.whole, 0);
    ck_assert_double_eq(f.start, 1.0);  /* (3-1)/2 - 0 = 1: the first window of C2 is centred on C1 pixel 1 */
    f = net_receptive_field(net, 3);
    ck_assert_int_eq(f.whole, 1);

    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    ck_assert_ptr_nonnull(m);
    ck_assert_int_eq(net_summary(net, m), 0);
    ck_assert_int_eq(fclose(m), 0);
    /* Each row: index, label, kind, output, params, madds, field, jump. */
    const char *rows[] = { "C1", "conv", "4x8x8", "40", "2,304", "3", "1", NULL,
                           "relu1", "relu", "4x8x8", "0", "0", "3", "1", NULL,
                           "C2", "conv", "6x3x3", "222", "1,944", "5", "2", NULL,
                           "fc", "dense", "10x1x1", "550", "540", "all", "-", NULL };
    const char *line = text;
    for (int r = 0, k = 0; r < 4; r++) {
        const char *row = strstr(line, rows[k]);
        ck_assert_msg(row != NULL, "summary has no row for %s:\n%s", rows[k], text);
        const char *end = strchr(row, '\n');
        char buf[256];
        snprintf(buf, sizeof buf, "%.*s", (int)(end - row), row);
        char tok[8][32];
        int nt = sscanf(buf, "%31s %31s %31s %31s %31s %31s %31s", tok[0], tok[1], tok[2], tok[3], tok[4], tok[5],
                        tok[6]);
        ck_assert_msg(nt == 7, "row \"%s\" has %d fields", buf, nt);
        for (int t = 0; t < 7; t++, k++)
            ck_assert_msg(strcmp(tok[t], rows[k]) == 0, "row \"%s\": field %d is %s, want %s", buf, t, tok[t],
                          rows[k]);
        k++;  /* skip the NULL */
        line = end;
    }
    ck_assert_msg(strstr(text, "812 parameters") && strstr(text, "4,788 multiply-adds"), "totals:\n%s", text);
    free(text);
    net_free(net);
}
END_TEST

START_TEST(find_layers_and_outputs)
{
    Net *net = small_net();
    ck_assert_int_eq(net_find(net, "C2"), 2);
    ck_assert_int_eq(net_find(net, "nope"), -1);
    ck_assert_ptr_null(net_layer(net, 4));
    ck_assert_ptr_null(net_layer(net, -1));
    ck_assert_ptr_null(net_output(net, 0));  /* no forward yet */
    Rng r;
    rng_seed(&r, 5, 0);
    net_init(net, INIT_HE, &r);
    float x[5 * 64];
    for (int i = 0; i < 5 * 64; i++) x[i] = rng_uniform(&r);
    /* Batch 2, then 5: the buffers grow, and each sample's logits do not
     * depend on the batch around it. */
    const float *y2 = net_forward(net, x, 2);
    ck_assert_ptr_nonnull(y2);
    float first[20];
    memcpy(first, y2, sizeof first);
    const float *y5 = net_forward(net, x, 5);
    ck_assert_ptr_nonnull(y5);
    size_t at;
    float d = cn_max_abs_diff(first, y5, 20, &at);
    ck_assert_msg(d == 0.0f, "logits differ between batch 2 and 5: %g at %zu", (double)d, at);
    /* net_output(i) is layer i's output: relu1's is C1's with negatives cut. */
    const float *c1 = net_output(net, 0), *r1 = net_output(net, 1);
    ck_assert_ptr_nonnull(c1);
    ck_assert_ptr_nonnull(r1);
    int negatives = 0;
    for (int i = 0; i < 5 * 256; i++) {
        ck_assert_float_eq(r1[i], c1[i] > 0 ? c1[i] : 0.0f);
        negatives += c1[i] < 0;
    }
    ck_assert_int_gt(negatives, 0);
    ck_assert_ptr_eq(net_output(net, 3), y5);
    /* backward with another B than the last forward is refused */
    float dl[50] = { 0 };
    ck_assert_int_eq(net_backward(net, dl, 4), -1);
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "same batch"));
    net_free(net);
}
END_TEST

START_TEST(bad_builds_are_reported)
{
    /* A 9x9 kernel on an 8x8 input with no padding: setup fails; the table
     * goes on, and net_ok reports the first error with the layer's label. */
    Net *net = net_create("bad", (CnShape){ 1, 8, 8 });
    ck_assert_int_eq(net_add(net, "C1", conv2d_create(4, 9, 9, 1, 0, 1, CONV_OP_CORRELATE)), -1);
    ck_assert_int_eq(net_add(net, "relu", relu_create()), -1);
    ck_assert_int_eq(net_add(net, "fc", dense_create(10)), -1);
    cn_clear_error();
    ck_assert_int_eq(net_ok(net), 0);
    const char *e = cn_last_error();
    ck_assert_msg(strstr(e, "bad") && strstr(e, "layer 0") && strstr(e, "C1"), "message: %s", e);
    ck_assert_ptr_null(net_forward(net, (float[64]){ 0 }, 1));
    net_free(net);

    /* A constructor that failed (NULL): its own message is kept. */
    net = net_create("bad2", (CnShape){ 1, 8, 8 });
    ck_assert_int_eq(net_add(net, "C1", conv2d_create(4, 3, 3, 1, 1, 1, CONV_OP_CORRELATE)), 0);
    ck_assert_int_eq(net_add(net, "fc", dense_create(0)), -1);
    ck_assert_int_eq(net_ok(net), 0);
    e = cn_last_error();
    ck_assert_msg(strstr(e, "layer 1") && strstr(e, "fc") && strstr(e, "dense"), "message: %s", e);
    net_free(net);

    /* Duplicate and over-long labels. */
    net = net_create("bad3", (CnShape){ 1, 8, 8 });
    ck_assert_int_eq(net_add(net, "a", relu_create()), 0);
    ck_assert_int_eq(net_add(net, "a", relu_create()), -1);
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "already used"));
    net_free(net);
    net = net_create("bad4", (CnShape){ 1, 8, 8 });
    ck_assert_int_eq(net_add(net, "a-label-longer-than-23-characters", relu_create()), -1);
    net_free(net);
    /* Unlabelled layers get kind + index; an empty net is not ok. */
    net = net_create("auto", (CnShape){ 1, 8, 8 });
    ck_assert_int_eq(net_ok(net), 0);
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "no layers"));
    ck_assert_int_eq(net_add(net, NULL, relu_create()), 0);
    ck_assert_str_eq(net_layer(net, 0)->label, "relu0");
    net_free(net);
    /* A failed net_create: the table still runs, net_ok says why. */
    net = net_create("bad5", (CnShape){ 0, 8, 8 });
    ck_assert_ptr_null(net);
    ck_assert_int_eq(net_add(net, "x", relu_create()), -1);
    ck_assert_int_eq(net_ok(net), 0);
}
END_TEST

/* --- end-to-end gradient check ------------------------------------------- */

/* conv 3 3x3 pad 1 -> relu -> maxpool 2 -> dense 4 -> softmax cross-entropy,
 * on 3 samples of 2x6x6. */
static Net *grad_net(void)
{
    Net *net = net_create("gradcheck", (CnShape){ 2, 6, 6 });
    net_add(net, "conv", conv2d_create(3, 3, 3, 1, 1, 1, CONV_OP_CORRELATE));
    net_add(net, "relu", relu_create());
    net_add(net, "pool", maxpool2d_create(2, 2, 0));
    net_add(net, "fc", dense_create(4));
    ck_assert_msg(net_ok(net), "%s", cn_last_error());
    return net;
}

/* L = (1/B) sum_n [logsumexp(z_n) - z_n,y_n], summed in double. */
static double net_loss(Net *net, const float *x, const unsigned char *y, int B)
{
    const float *z = net_forward(net, x, B);
    ck_assert_ptr_nonnull(z);
    int K = net_out_shape(net).c;
    double L = 0.0;
    for (int n = 0; n < B; n++) {
        const float *zn = z + n * K;
        double m = zn[0], s = 0.0;
        for (int k = 1; k < K; k++) m = zn[k] > m ? zn[k] : m;
        for (int k = 0; k < K; k++) s += exp((double)zn[k] - m);
        L += m + log(s) - zn[y[n]];
    }
    return L / B;
}

START_TEST(end_to_end_gradient)
{
    enum { B = 3, K = 4 };
    Net *net = grad_net();
    /* pooling 2/2 after a 3x3 conv: field 3 + (2-1)*1 = 4, jump 2 */
    RecField f = net_receptive_field(net, 2);
    ck_assert_int_eq(f.size, 4);
    ck_assert_int_eq(f.jump, 2);
    Rng r;
    rng_seed(&r, 11, 3);
    net_init(net, INIT_HE, &r);
    float x[B * 72];
    for (int i = 0; i < B * 72; i++) x[i] = rng_range(&r, -1.0f, 1.0f);
    const unsigned char y[B] = { 0, 3, 1 };

    /* Analytic: forward, softmax-CE, backward. */
    float probs[B * K], dlogits[B * K] = { 0 };
    const float *z = net_forward(net, x, B);
    ck_assert_ptr_nonnull(z);
    float L = softmax_ce_forward(probs, z, y, B, K);
    ck_assert_msg(fabs(L - net_loss(net, x, y, B)) < 1e-5, "loss %g vs %g", (double)L, net_loss(net, x, y, B));
    z = net_forward(net, x, B);
    softmax_ce_backward(dlogits, probs, y, B, K);
    net_zero_grad(net);
    ck_assert_int_eq(net_backward(net, dlogits, B), 0);

    /* Numeric: central differences on ~12 entries of every param array. */
    const double eps = 1e-3, atol = 1e-4, rtol = 1e-2;
    int checked = 0;
    double max_grad = 0.0, worst = 0.0;
    for (int k = 0; k < net_nparams(net); k++) {
        int li;
        CnParam *p = net_param(net, k, &li);
        size_t step = p->n > 12 ? p->n / 12 : 1;
        for (size_t i = 0; i < p->n; i += step) {
            float saved = p->value[i];
            p->value[i] = (float)(saved + eps);
            double lp = net_loss(net, x, y, B);
            p->value[i] = (float)(saved - eps);
            double lm = net_loss(net, x, y, B);
            p->value[i] = saved;
            double h = (double)(float)(saved + eps) - (double)(float)(saved - eps);
            double num = (lp - lm) / h, a = p->grad[i], err = fabs(a - num);
            ck_assert_msg(err <= atol + rtol * fabs(num), "layer %s %s[%zu]: analytic %.6g, numeric %.6g",
                          net_layer(net, li)->label, p->name, i, a, num);
            worst = err > worst ? err : worst;
            max_grad = fabs(a) > max_grad ? fabs(a) : max_grad;
            checked++;
        }
    }
    ck_assert_int_gt(checked, 30);
    ck_assert_msg(max_grad > 1e-3, "the gradient is (nearly) all zero: max %g", max_grad);

    /* Parameter gradients accumulate over two backward passes. */
    CnParam *w = net_param(net, 0, NULL);
    float g0 = w->grad[0];
    net_forward(net, x, B);
    ck_assert_int_eq(net_backward(net, dlogits, B), 0);
    ck_assert_float_eq_tol(w->grad[0], 2.0f * g0, 1e-6f);
    net_zero_grad(net);
    ck_assert_float_eq(w->grad[0], 0.0f);
    net_free(net);
}
END_TEST

START_TEST(input_norm)
{
    Net *net = small_net();
    const uint8_t p[3] = { 0, 51, 255 };
    float x[3];
    net_input_from_u8(net, x, p, 3);
    ck_assert_float_eq(x[0], 0.0f);
    ck_assert_float_eq_tol(x[1], 0.2f, 1e-7f);
    ck_assert_float_eq(x[2], 1.0f);
    ck_assert_int_eq(net_set_input_norm(net, 0.5f, 0.25f), 0);
    net_input_from_u8(net, x, p, 3);
    ck_assert_float_eq(x[0], -2.0f);
    ck_assert_float_eq_tol(x[1], -1.2f, 1e-6f);
    ck_assert_float_eq(x[2], 2.0f);
    ck_assert_int_eq(net_set_input_norm(net, 0.5f, 0.0f), -1);
    net_free(net);
}
END_TEST

/* --- the gradient with respect to the input ------------------------------ */

/* Every layer kind with parameters (conv, subsample, dense) and the others
 * between them, on 2 samples of 2x8x8:
 * conv 4 3x3 pad 1 -> scaled tanh -> subsample 2/2 -> LRN -> conv 6 3x3 pad 1
 * -> relu -> maxpool 2/2 -> dense 5 -> dropout (evaluation: identity) -> dense 3. */
static Net *every_kind_net(void)
{
    Net *net = net_create("every-kind", (CnShape){ 2, 8, 8 });
    net_add(net, "conv1", conv2d_create(4, 3, 3, 1, 1, 1, CONV_OP_CORRELATE));
    net_add(net, "tanh", scaled_tanh_create());
    net_add(net, "sub", subsample_create(2, 2));
    net_add(net, "lrn", lrn_create_default());
    net_add(net, "conv2", conv2d_create(6, 3, 3, 1, 1, 1, CONV_OP_CORRELATE));
    net_add(net, "relu", relu_create());
    net_add(net, "pool", maxpool2d_create(2, 2, 0));
    net_add(net, "fc1", dense_create(5));
    net_add(net, "drop", dropout_create(0.5f, 3));
    net_add(net, "fc2", dense_create(3));
    ck_assert_msg(net_ok(net), "%s", cn_last_error());
    return net;
}

/* S = sum_k r_k y_k of the output y of layer `layer` for input x, in double. */
static double weighted_score(Net *net, int layer, const float *x, const float *r, int n)
{
    ck_assert_ptr_nonnull(net_forward(net, x, 2));
    const float *y = net_output(net, layer);
    double s = 0.0;
    for (int k = 0; k < n; k++) s += (double)r[k] * y[k];
    return s;
}

/* dx (the analytic gradient of S) against central differences at every
 * input entry; returns the largest |numeric| seen. Two things blur a
 * difference quotient here: the forward pass runs in float, so S carries
 * rounding of about 1e-7 of its size, which divided by 2 eps is up to about
 * 2e-4 (the summation order, naive or fast loops, gcc or clang, moves it);
 * and the ReLU and the max pooling have kinks that a nudge of eps can cross,
 * where the central difference mixes two slopes. An entry that misses the
 * central tolerance passes when dx equals one side's slope (the one-sided
 * difference, within the looser tolerance such a difference needs), and at
 * most 1 entry in 16 may need that second look. */
static double expect_input_gradient(Net *net, int layer, float *x, const float *dx, const float *r, int nin, int nout,
                                    const char *what)
{
    const double eps = 1e-3, atol = 2e-4, rtol = 1e-2, atol1 = 1e-3, rtol1 = 5e-2;
    double max_grad = 0.0;
    int one_sided = 0;
    for (int i = 0; i < nin; i++) {
        const float saved = x[i];
        x[i] = (float)(saved + eps);
        const double hp = (double)x[i] - saved, sp = weighted_score(net, layer, x, r, nout);
        x[i] = (float)(saved - eps);
        const double hm = (double)saved - x[i], sm = weighted_score(net, layer, x, r, nout);
        x[i] = saved;
        const double num = (sp - sm) / (hp + hm), err = fabs(dx[i] - num);
        max_grad = fmax(max_grad, fabs(num));
        if (err <= atol + rtol * fabs(num)) continue;
        const double s0 = weighted_score(net, layer, x, r, nout), up = (sp - s0) / hp, down = (s0 - sm) / hm;
        ck_assert_msg(fabs(dx[i] - up) <= atol1 + rtol1 * fabs(up) || fabs(dx[i] - down) <= atol1 + rtol1 * fabs(down),
                      "%s: dx[%d] analytic %.6g, numeric %.6g (one-sided %.6g above, %.6g below)", what, i,
                      (double)dx[i], num, up, down);
        one_sided++;
    }
    ck_assert_msg(one_sided <= nin / 16, "%s: %d of %d entries matched only a one-sided difference", what, one_sided,
                  nin);
    return max_grad;
}

START_TEST(input_gradient)
{
    enum { B = 2, NIN = B * 2 * 8 * 8, NOUT = B * 3, NPOOL = B * 6 * 2 * 2 };
    for (int loops = 0; loops < 2; loops++) {
        const char *what = loops ? "naive loops" : "fast loops";
        conv_set_loops(loops ? CONV_LOOPS_NAIVE : CONV_LOOPS_FAST);
        Net *net = every_kind_net();
        Rng g;
        rng_seed(&g, 5, 1);
        net_init(net, INIT_XAVIER, &g);
        for (int k = 0; k < net_nparams(net); k++) { /* biases too, so every path carries signal */
            CnParam *p = net_param(net, k, NULL);
            for (size_t i = 0; i < p->n; i++) p->value[i] += rng_range(&g, -0.2f, 0.2f);
        }
        float x[NIN], dx[NIN], r[NOUT], rp[NPOOL];
        for (int i = 0; i < NIN; i++) x[i] = rng_range(&g, -1.0f, 1.0f);
        for (int i = 0; i < NOUT; i++) r[i] = rng_range(&g, -1.0f, 1.0f);
        for (int i = 0; i < NPOOL; i++) rp[i] = rng_range(&g, -1.0f, 1.0f);
        /* parameter gradients hold a pattern that must survive */
        for (int k = 0; k < net_nparams(net); k++) {
            CnParam *p = net_param(net, k, NULL);
            for (size_t i = 0; i < p->n; i++) p->grad[i] = 0.5f + (float)i;
        }
        ck_assert_ptr_nonnull(net_forward(net, x, B));
        for (int i = 0; i < NIN; i++) dx[i] = 99.0f; /* overwritten, not added to */
        ck_assert_int_eq(net_backward_input(net, dx, r, B), 0);
        for (int k = 0; k < net_nparams(net); k++) {
            int li;
            const CnParam *p = net_param(net, k, &li);
            for (size_t i = 0; i < p->n; i++)
                ck_assert_msg(p->grad[i] == 0.5f + (float)i, "%s: layer %s %s grad[%zu] changed to %g", what,
                              net_layer(net, li)->label, p->name, i, (double)p->grad[i]);
            ck_assert_int_eq(net_layer(net, li)->input_grad_only, 0);
        }
        /* central differences of S = r . logits, every input entry */
        double max_grad = expect_input_gradient(net, net_count(net) - 1, x, dx, r, NIN, NOUT, what);
        ck_assert_msg(max_grad > 1e-2, "the input gradient is (nearly) all zero: max %g", max_grad);
        /* from a hidden layer's output (the pooling): S = rp . pool output */
        const int pool = net_find(net, "pool");
        ck_assert_ptr_nonnull(net_forward(net, x, B));
        ck_assert_int_eq(net_backward_input_from(net, pool, dx, rp, B), 0);
        max_grad = expect_input_gradient(net, pool, x, dx, rp, NIN, NPOOL, what);
        ck_assert_msg(max_grad > 1e-2, "the pooling's input gradient is (nearly) all zero: max %g", max_grad);
        ck_assert_msg(max_grad > 1e-2, "the input gradient is (nearly) all zero: max %g", max_grad);
        /* net_backward afterwards still adds the parameter gradients */
        net_zero_grad(net);
        ck_assert_ptr_nonnull(net_forward(net, x, B));
        ck_assert_int_eq(net_backward(net, r, B), 0);
        double gsum = 0.0;
        for (int k = 0; k < net_nparams(net); k++) {
            const CnParam *p = net_param(net, k, NULL);
            for (size_t i = 0; i < p->n; i++) gsum += fabs(p->grad[i]);
        }
        ck_assert_msg(gsum > 1e-3, "net_backward after net_backward_input gave no parameter gradient");
        /* misuse: no buffer, another batch size */
        ck_assert_int_eq(net_backward_input(net, NULL, r, B), -1);
        ck_assert_ptr_nonnull(strstr(cn_last_error(), "dx is NULL"));
        ck_assert_int_eq(net_backward_input(net, dx, r, 1), -1);
        ck_assert_ptr_nonnull(strstr(cn_last_error(), "must follow a net_forward with the same batch"));
        ck_assert_int_eq(net_backward_input_from(net, net_count(net), dx, r, B), -1);
        ck_assert_ptr_nonnull(strstr(cn_last_error(), "no layer 10"));
        net_free(net);
    }
    conv_set_loops(CONV_LOOPS_FAST);
}
END_TEST

Suite *net_suite(void)
{
    Suite *s = suite_create("net");
    TCase *tc = tcase_create("build");
    tcase_add_test(tc, shapes_counts_fields);
    tcase_add_test(tc, find_layers_and_outputs);
    tcase_add_test(tc, bad_builds_are_reported);
    tcase_add_test(tc, input_norm);
    suite_add_tcase(s, tc);
    tc = tcase_create("gradient");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, end_to_end_gradient);
    tcase_add_test(tc, input_gradient);
    suite_add_tcase(s, tc);
    return s;
}
