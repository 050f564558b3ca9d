/* check_optim.c - one SGD step worked by hand (momentum, decay, biases not
 * decayed), and the learning-rate schedules at chosen epochs. */
#include <check.h>
#include <math.h>
#include <string.h>

#include "core/dense.h"
#include "core/error.h"
#include "core/net.h"
#include "core/optim.h"

#define PI 3.14159265358979323846

/* A net of one dense layer 2 -> 1: weight (1, 2), bias (1). */
static Net *one_dense(void)
{
    Net *net = net_create("sgd-by-hand", (CnShape){ 2, 1, 1 });
    net_add(net, "fc", dense_create(1));
    ck_assert_msg(net_ok(net), "%s", cn_last_error());
    return net;
}

static void expect_near(double got, double want, double tol, const char *what)
{
    ck_assert_msg(fabs(got - want) <= tol, "%s: got %.9g, want %.9g (diff %.3g)", what, got, want,
                  fabs(got - want));
}

START_TEST(sgd_step_by_hand)
{
    Net *net = one_dense();
    CnParam *w = net_param(net, 0, NULL), *b = net_param(net, 1, NULL);
    ck_assert_str_eq(w->name, "weight");
    ck_assert_int_eq(w->decay, 1);
    ck_assert_int_eq(b->decay, 0);
    w->value[0] = 0.5f, w->value[1] = -1.0f, b->value[0] = 0.2f;
    Sgd *opt = sgd_create(net, 0.9f, 0.01f);
    ck_assert_ptr_nonnull(opt);
    ck_assert_int_eq(opt->n, 2);

    /* Step 1, lr 0.1, g = (0.1, 0.2), bias grad 0.3, v = 0:
     *   w0: g' = 0.1 + 0.01*0.5   = 0.105,  v = -0.0105,  w = 0.4895
     *   w1: g' = 0.2 + 0.01*(-1)  = 0.19,   v = -0.019,   w = -1.019
     *   b:  g' = 0.3 (no decay),            v = -0.03,    b = 0.17 */
    w->grad[0] = 0.1f, w->grad[1] = 0.2f, b->grad[0] = 0.3f;
    sgd_step(opt, 0.1f);
    expect_near(opt->velocity[0][0], -0.0105, 1e-6, "v w0 step 1");
    expect_near(w->value[0], 0.4895, 1e-6, "w0 step 1");
    expect_near(opt->velocity[0][1], -0.019, 1e-6, "v w1 step 1");
    expect_near(w->value[1], -1.019, 1e-6, "w1 step 1");
    expect_near(opt->velocity[1][0], -0.03, 1e-6, "v b step 1");
    expect_near(b->value[0], 0.17, 1e-6, "b step 1");

    /* Step 2, lr 0.05, the same gradients: the old velocity carries over
     * (times 0.9), the decay uses the new weight.
     *   w0: g' = 0.1 + 0.01*0.4895 = 0.104895
     *       v  = 0.9*(-0.0105) - 0.05*0.104895 = -0.00945 - 0.00524475 = -0.01469475
     *       w  = 0.4895 - 0.01469475 = 0.47480525
     *   b:  v  = 0.9*(-0.03) - 0.05*0.3 = -0.042,  b = 0.128 */
    sgd_step(opt, 0.05f);
    expect_near(opt->velocity[0][0], -0.01469475, 1e-6, "v w0 step 2");
    expect_near(w->value[0], 0.47480525, 1e-6, "w0 step 2");
    expect_near(opt->velocity[1][0], -0.042, 1e-6, "v b step 2");
    expect_near(b->value[0], 0.128, 1e-6, "b step 2");

    /* No momentum, no decay: plain w -= lr g. */
    Sgd *plain = sgd_create(net, 0.0f, 0.0f);
    ck_assert_ptr_nonnull(plain);
    float before = w->value[1];
    sgd_step(plain, 0.5f);
    expect_near(w->value[1], (double)before - 0.5 * 0.2, 1e-6, "plain SGD");
    sgd_reset(opt);
    ck_assert_float_eq(opt->velocity[0][0], 0.0f);
    sgd_free(plain);
    sgd_free(opt);
    net_free(net);
}
END_TEST

START_TEST(sgd_refuses_bad_settings)
{
    Net *net = one_dense();
    ck_assert_ptr_null(sgd_create(net, 1.0f, 0.0f));
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "momentum"));
    ck_assert_ptr_null(sgd_create(net, 0.9f, -1.0f));
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "weight decay"));
    net_free(net);
}
END_TEST

START_TEST(schedules_at_given_epochs)
{
    Schedule c = optim_schedule_constant(0.1f);
    ck_assert_int_eq(optim_schedule_check(&c), 0);
    expect_near(optim_lr_at(&c, 0, 0.0f), 0.1, 1e-8, "constant at 0");
    expect_near(optim_lr_at(&c, 7, 0.5f), 0.1, 1e-8, "constant at 7.5");

    /* Step: x0.1 every 3 epochs, whatever the fraction of the epoch. */
    Schedule s = optim_schedule_step(0.1f, 3, 0.1f);
    ck_assert_int_eq(optim_schedule_check(&s), 0);
    expect_near(optim_lr_at(&s, 0, 0.0f), 0.1, 1e-8, "step at 0");
    expect_near(optim_lr_at(&s, 2, 0.99f), 0.1, 1e-8, "step at 2.99");
    expect_near(optim_lr_at(&s, 3, 0.0f), 0.01, 1e-8, "step at 3");
    expect_near(optim_lr_at(&s, 5, 0.5f), 0.01, 1e-8, "step at 5.5");
    expect_near(optim_lr_at(&s, 6, 0.0f), 0.001, 1e-9, "step at 6");

    /* Cosine over 10 epochs: lr0 (1 + cos(pi t / 10)) / 2. */
    Schedule k = optim_schedule_cosine(0.1f, 10, 0.0f);
    ck_assert_int_eq(optim_schedule_check(&k), 0);
    expect_near(optim_lr_at(&k, 0, 0.0f), 0.1, 1e-8, "cosine at 0");
    expect_near(optim_lr_at(&k, 5, 0.0f), 0.05, 1e-8, "cosine at 5 (half way)");
    expect_near(optim_lr_at(&k, 2, 0.5f), 0.1 * (1 + cos(PI * 0.25)) / 2, 1e-8, "cosine at 2.5");
    expect_near(optim_lr_at(&k, 10, 0.0f), 0.0, 1e-9, "cosine at 10");
    expect_near(optim_lr_at(&k, 12, 0.0f), 0.0, 1e-9, "cosine after the end");
    Schedule kf = optim_schedule_cosine(0.1f, 10, 0.01f);
    expect_near(optim_lr_at(&kf, 5, 0.0f), 0.055, 1e-8, "cosine with a floor at 5");
    expect_near(optim_lr_at(&kf, 10, 0.0f), 0.01, 1e-8, "cosine with a floor at 10");

    /* Warmup over 2 epochs: times t/2 before t = 2. */
    Schedule w = optim_schedule_constant(0.1f);
    w.warmup_epochs = 2.0f;
    ck_assert_int_eq(optim_schedule_check(&w), 0);
    expect_near(optim_lr_at(&w, 0, 0.0f), 0.0, 1e-9, "warmup at 0");
    expect_near(optim_lr_at(&w, 0, 0.5f), 0.025, 1e-8, "warmup at 0.5");
    expect_near(optim_lr_at(&w, 1, 0.0f), 0.05, 1e-8, "warmup at 1");
    expect_near(optim_lr_at(&w, 2, 0.0f), 0.1, 1e-8, "warmup done at 2");
    Schedule kw = optim_schedule_cosine(0.1f, 10, 0.0f);
    kw.warmup_epochs = 1.0f;
    expect_near(optim_lr_at(&kw, 0, 0.5f), 0.5 * 0.1 * (1 + cos(PI * 0.05)) / 2, 1e-8, "cosine with warmup at 0.5");
}
END_TEST

START_TEST(schedules_refuse_nonsense)
{
    Schedule s = optim_schedule_constant(0.0f);
    ck_assert_int_eq(optim_schedule_check(&s), -1);
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "learning rate"));
    s = optim_schedule_step(0.1f, 0, 0.1f);
    ck_assert_int_eq(optim_schedule_check(&s), -1);
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "step_epochs"));
    s = optim_schedule_cosine(0.1f, 10, 0.5f);
    ck_assert_int_eq(optim_schedule_check(&s), -1);
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "lr_min"));
}
END_TEST

Suite *optim_suite(void)
{
    Suite *s = suite_create("optim");
    TCase *tc = tcase_create("sgd");
    tcase_add_test(tc, sgd_step_by_hand);
    tcase_add_test(tc, sgd_refuses_bad_settings);
    suite_add_tcase(s, tc);
    tc = tcase_create("schedule");
    tcase_add_test(tc, schedules_at_given_epochs);
    tcase_add_test(tc, schedules_refuse_nonsense);
    suite_add_tcase(s, tc);
    return s;
}
