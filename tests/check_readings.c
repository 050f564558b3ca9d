/* check_readings.c - what the lessons read off a training (lessons/kit/readings.h):
 * the median epoch, the curves' over-fitting and trend, the sentence about
 * the training time (a resumed run counts only the epochs it trained), the
 * input's moments, and a claim that only holds
 * at a lesson's settings. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/notebook.h"
#include "tests/lesson_run.h"
#include "lessons/kit/readings.h"

/* A history of n epochs: test loss and accuracy, training accuracy, seconds. */
static TrainHistory history(int n, const double *loss, const double *acc, const double *sec)
{
    TrainHistory h = { 0 };
    for (int e = 0; e < n; e++) {
        const EpochStats s = { .epoch = e + 1, .test_loss = loss[e], .test_acc = acc[e], .train_acc = acc[e] + 0.01,
                               .seconds = sec[e], .images_per_s = 100.0 };
        ck_assert_int_eq(train_history_push(&h, &s), 0);
    }
    return h;
}

START_TEST(curves_and_median)
{
    const double loss[5] = { 1.0, 0.5, 0.4, 0.45, 0.5 }, acc[5] = { 0.5, 0.8, 0.85, 0.86, 0.90 };
    const double sec[5] = { 9.0, 1.0, 3.0, 2.0, 100.0 };
    TrainHistory h = history(5, loss, acc, sec);
    const CurveReading c = read_curves(&h);
    ck_assert_int_eq(c.best_loss_epoch, 3);
    ck_assert(curves_overfit(&c));    /* 0.5 is 25% above 0.4 */
    ck_assert(curves_improving(&c));  /* 0.80 -> 0.90 over the last 3 epochs */
    ck_assert_int_eq(c.back, 3);
    char buf[800];
    describe_curves(buf, sizeof buf, "run", &c, 0);
    ck_assert_msg(strstr(buf, "lowest at epoch 3 (0.4000) and ends 25% above it") && strstr(buf, "still improving") &&
                      !strstr(buf, "augmented"), "%s", buf);
    ck_assert_double_eq_tol(median_epoch_seconds(&h, 0), 3.0, 1e-12);
    ck_assert_double_eq_tol(median_epoch_seconds(&h, 3), 51.0, 1e-12); /* epochs 4 and 5 */
    ck_assert_double_eq_tol(median_epoch_seconds(&h, 5), 0.0, 1e-12);
    train_history_free(&h);

    const double flat_loss[3] = { 0.5, 0.4, 0.41 }, flat_acc[3] = { 0.9, 0.9, 0.9 };
    h = history(3, flat_loss, flat_acc, sec);
    const CurveReading f = read_curves(&h);
    ck_assert(!curves_overfit(&f) && !curves_improving(&f));
    describe_curves(buf, sizeof buf, "flat", &f, 1);
    ck_assert_msg(strstr(buf, "no sign of over-fitting yet") && strstr(buf, "levelled off") &&
                      strstr(buf, "on augmented images"), "%s", buf);
    train_history_free(&h);
}
END_TEST

START_TEST(notebook_sentences)
{
    char dir[256];
    lesson_temp_dir(dir, sizeof dir, "readings");
    ck_assert_int_eq(setenv("CONVNET_OUT", dir, 1), 0);
    Notebook *nb = nb_open("readings", "readings");
    ck_assert_ptr_nonnull(nb);
    const double loss[4] = { 1, 1, 1, 1 }, acc[4] = { 0.5, 0.5, 0.5, 0.5 }, sec[4] = { 10, 10, 4, 6 };
    TrainHistory h = history(4, loss, acc, sec);
    /* epochs 3 and 4 trained here, 1000 images each, in 10 s */
    say_training_time(nb, &h, 2, 1000, 10.0, "m.cnn");
    char md[512];
    snprintf(md, sizeof md, "%s", nb_path(nb, "notebook.md"));
    nb_close(nb);
    char *text = lesson_read_file(md, NULL);
    ck_assert_ptr_nonnull(text);
    ck_assert_msg(strstr(text, "Trained in 10.0 s: 2 epochs over 1,000 images (epochs 1 to 2 were loaded from the "
                               "checkpoint of an earlier run; 4 epochs in all), 2,000 images in all, 200 per second"),
                  "%s", text);
    ck_assert_msg(strstr(text, "the median epoch took 5.0 s; saved to m.cnn."), "%s", text);
    free(text);
    train_history_free(&h);
    unsetenv("CONVNET_OUT");
    lesson_temp_free(dir);
}
END_TEST

START_TEST(moments_of_the_input)
{
    /* a 2x2 input of pixels 0 and 255: x = p/255 (mean 0, std 1 in the net) */
    Net *net = net_create("t", (CnShape){ 1, 2, 2 });
    ck_assert_ptr_nonnull(net);
    net->in_mean = 0.0f, net->in_std = 1.0f;
    unsigned char px[8] = { 0, 255, 255, 0, 0, 0, 0, 255 };
    Dataset d = { .count = 2, .height = 2, .width = 2, .images = px };
    double m, v;
    input_moments(net, &d, &m, &v);
    ck_assert_double_eq_tol(m, 3.0 / 8.0, 1e-6);
    ck_assert_double_eq_tol(v, 3.0 / 8.0 - 9.0 / 64.0, 1e-6);
    net_free(net);
}
END_TEST

Suite *readings_suite(void)
{
    Suite *s = suite_create("readings");
    TCase *tc = tcase_create("readings");
    tcase_add_unchecked_fixture(tc, lesson_fixture_setup, lesson_fixture_teardown);
    tcase_add_test(tc, curves_and_median);
    tcase_add_test(tc, notebook_sentences);
    tcase_add_test(tc, moments_of_the_input);
    suite_add_tcase(s, tc);
    return s;
}
