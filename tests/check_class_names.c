/* check_class_names.c - a model file says what its outputs are: a LeNet-5
 * trained on Fashion-MNIST, saved under a name that says nothing
 * (mymodel.cnn), makes build/lessons/classify print garment names; a file
 * that records no names gets them guessed from its name, with a note; and
 * a device given as the model is refused at once. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "core/image.h"
#include "core/lenet.h"
#include "core/model_io.h"
#include "core/train.h"
#include "datasets/dataset.h"
#include "tests/lesson_run.h"

/* Run classify with these arguments; r is filled (free with lesson_run_free). */
static void classify(LessonRun *r, const char *model, const char *picture)
{
    const char *args[] = { "--model", model, picture, NULL };
    lesson_run(r, "classify", args);
}

START_TEST(recorded_names_are_printed)
{
    char dir[64], model[128], picture[128];
    lesson_temp_dir(dir, sizeof dir, "class_names");
    snprintf(model, sizeof model, "%s/mymodel.cnn", dir);
    snprintf(picture, sizeof picture, "%s/picture.png", dir);

    /* A short training on Fashion-MNIST: the names come from the data. */
    Dataset *fashion = dataset_load("fashion-mnist", 0);
    ck_assert_msg(fashion != NULL, "%s", cn_last_error());
    Net *net = lenet5_modern();
    ck_assert_ptr_nonnull(net);
    lenet5_init(net, 1);
    TrainConfig cfg = train_defaults();
    cfg.epochs = 1;
    cfg.batch = 32;
    cfg.train_limit = 256;
    cfg.quiet = 1;
    ck_assert_msg(train_run(net, fashion, NULL, &cfg, NULL) == 0, "%s", cn_last_error());
    ck_assert_int_eq(net_save(net, model), 0);
    float px[28 * 28];
    for (int i = 0; i < 28 * 28; i++) px[i] = dataset_image(fashion, 0)[i] / 255.0f;
    ck_assert_int_eq(image_write_png(picture, px, 1, 28, 28), 0);

    LessonRun r;
    classify(&r, model, picture);
    ck_assert_msg(r.status == 0, "classify exited with %d: %s", r.status, r.err);
    ck_assert_msg(strstr(r.out, "classes recorded in the file: T-shirt/top, Trouser"), "%s", r.out);
    const char *line = strstr(r.out, "\n1. ");
    ck_assert_msg(line, "no ranking: %s", r.out);
    int garment = 0;
    for (int k = 0; k < 10; k++) garment |= strncmp(line + 4, fashion->class_names[k], strlen(fashion->class_names[k])) == 0;
    ck_assert_msg(garment, "the first class is not a garment: %s", r.out);
    lesson_run_free(&r);

    /* No names in the file (as versions before 3 wrote): guessed from the
     * file name, which says nothing, so digits, with a note. */
    ck_assert_int_eq(net_set_classes(net, NULL, 0), 0);
    ck_assert_int_eq(net_save(net, model), 0);
    classify(&r, model, picture);
    ck_assert_msg(r.status == 0, "classify exited with %d: %s", r.status, r.err);
    ck_assert_msg(strstr(r.out, "digit classes; the file records none"), "%s", r.out);
    lesson_run_free(&r);

    /* A device is not a model: refused at once. */
    classify(&r, "/dev/zero", picture);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "/dev/zero is not a regular file"), "%s", r.err);
    lesson_run_free(&r);

    net_free(net);
    dataset_free(fashion);
    lesson_temp_free(dir);
}
END_TEST

Suite *class_names_suite(void)
{
    Suite *s = suite_create("class_names");
    TCase *tc = tcase_create("classify");
    tcase_add_unchecked_fixture(tc, lesson_fixture_setup, lesson_fixture_teardown);
    tcase_set_timeout(tc, lesson_timeout(30));
    tcase_add_test(tc, recorded_names_are_printed);
    suite_add_tcase(s, tc);
    return s;
}
