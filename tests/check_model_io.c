/* check_model_io.c - saved models: exact round trip, little-endian bytes,
 * atomic writes, and every kind of bad file refused with its own message. */
#include <check.h>
#include <dirent.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/activation.h"
#include "core/conv_layer.h"
#include "core/dense.h"
#include "core/dropout.h"
#include "core/error.h"
#include "core/model_io.h"
#include "core/net.h"
#include "core/optim.h"
#include "core/rng.h"
#include "core/train.h"
#include "tests/support.h"

static char dir[64];
static char path[128];

static void make_dir(void)
{
    snprintf(dir, sizeof dir, "/tmp/cn_model_io_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/model.cnnc", dir);
}

static void remove_dir(void) { remove_tree(dir, 0); }

/* conv 4 3x3 (pad 1) -> relu -> dropout -> dense 3 on 1x6x6; `oc` changes
 * the conv's shape for the mismatch test. */
static Net *build(const char *name, int oc, uint64_t init_seed)
{
    Net *net = net_create(name, (CnShape){ 1, 6, 6 });
    net_add(net, "C1", conv2d_create(oc, 3, 3, 1, 1, 1, CONV_OP_CORRELATE));
    net_add(net, "relu", relu_create());
    net_add(net, "drop", dropout_create(0.5f, 7));
    net_add(net, "fc", dense_create(3));
    ck_assert_msg(net_ok(net), "%s", cn_last_error());
    Rng r;
    rng_seed(&r, init_seed, 0);
    net_init(net, INIT_HE, &r);
    /* biases too, so the round trip checks them with non-zero values */
    for (int k = 0; k < net_nparams(net); k++) {
        CnParam *p = net_param(net, k, NULL);
        if (!p->decay)
            for (size_t i = 0; i < p->n; i++) p->value[i] = rng_normal(&r);
    }
    return net;
}

static unsigned char *read_file(const char *p, size_t *n)
{
    FILE *f = fopen(p, "rb");
    ck_assert_ptr_nonnull(f);
    unsigned char *buf = malloc(1 << 20);
    ck_assert_ptr_nonnull(buf);
    *n = fread(buf, 1, 1 << 20, f);
    ck_assert_int_eq(fclose(f), 0);
    return buf;
}

static void write_file(const char *p, const unsigned char *buf, size_t n)
{
    FILE *f = fopen(p, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(buf, 1, n, f), n);
    ck_assert_int_eq(fclose(f), 0);
}

/* Loading `p` into a net built like "net-a" must fail with `rc` (-1 for a
 * damaged file, MODEL_FOREIGN for one that is not this net's to replace) and
 * every `want` fragment in the message, and leave the net's params untouched. */
static void expect_refused(const char *p, int rc, const char *want1, const char *want2)
{
    Net *net = build("net-a", 4, 99), *before = build("net-a", 4, 99);
    ck_assert_int_eq(net_load(net, p), rc);
    const char *e = cn_last_error();
    ck_assert_msg(strstr(e, p) != NULL, "message does not name the file: %s", e);
    ck_assert_msg(strstr(e, want1) != NULL, "message lacks \"%s\": %s", want1, e);
    ck_assert_msg(!want2 || strstr(e, want2) != NULL, "message lacks \"%s\": %s", want2, e);
    assert_same_params(net, before, "after the refused load");
    net_free(net);
    net_free(before);
}

START_TEST(round_trip_is_exact)
{
    make_dir();
    Net *a = build("net-a", 4, 1), *b = build("net-a", 4, 2);
    ck_assert_int_eq(net_set_input_norm(a, 0.1307f, 0.3081f), 0);
    ck_assert_int_eq(net_save(a, path), 0);
    ck_assert_int_eq(net_load(b, path), 0);
    assert_same_params(a, b, "saved and loaded");
    ck_assert_float_eq(b->in_mean, 0.1307f);
    ck_assert_float_eq(b->in_std, 0.3081f);
    /* Saving over an existing file replaces it. */
    ck_assert_int_eq(net_save(b, path), 0);
    ck_assert_int_eq(net_load(a, path), 0);
    assert_same_params(a, b, "saved over and loaded");
    /* The temporary file is gone: the directory holds only model.cnnc. */
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    struct dirent *e;
    int files = 0;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        files++;
        ck_assert_msg(strcmp(e->d_name, "model.cnnc") == 0, "stray file %s after saving", e->d_name);
    }
    closedir(d);
    ck_assert_int_eq(files, 1);
    net_free(a);
    net_free(b);
    remove_dir();
}
END_TEST

START_TEST(bytes_are_little_endian)
{
    make_dir();
    Net *a = build("le", 4, 1);
    CnParam *w = net_param(a, 0, NULL);
    w->value[0] = 1.0f;  /* 0x3f800000 */
    ck_assert_int_eq(net_save(a, path), 0);
    size_t n;
    unsigned char *buf = read_file(path, &n);
    ck_assert_int_eq(memcmp(buf, "CNNC", 4), 0);
    const unsigned char version[4] = { MODEL_VERSION, 0, 0, 0 }, type[4] = { 1, 0, 0, 0 };
    ck_assert_int_eq(memcmp(buf + 4, version, 4), 0);
    ck_assert_int_eq(memcmp(buf + 8, type, 4), 0);
    uint64_t len = 0;
    for (int i = 7; i >= 0; i--) len = len << 8 | buf[12 + i];
    ck_assert_uint_eq(len, n);
    /* Name "le": length 2 as 02 00 00 00, then the bytes. */
    const unsigned char name[6] = { 2, 0, 0, 0, 'l', 'e' };
    ck_assert_int_eq(memcmp(buf + 20, name, 6), 0);
    /* The values end the file, before the 8-byte checksum; the first is
     * w[0] = 1.0f = 0x3f800000, stored as 00 00 80 3f. */
    size_t values = 0;
    for (int k = 0; k < net_nparams(a); k++) values += net_param(a, k, NULL)->n;
    const unsigned char one[4] = { 0x00, 0x00, 0x80, 0x3f };
    ck_assert_int_eq(memcmp(buf + n - 8 - 4 * values, one, 4), 0);
    free(buf);
    net_free(a);
    remove_dir();
}
END_TEST

START_TEST(bad_files_are_refused)
{
    make_dir();
    Net *a = build("net-a", 4, 1);
    ck_assert_int_eq(net_save(a, path), 0);
    size_t n;
    unsigned char *good = read_file(path, &n), *buf = malloc(n + 16);
    ck_assert_ptr_nonnull(buf);
    char bad[160];
    snprintf(bad, sizeof bad, "%s/bad.cnnc", dir);

    /* one flipped byte in the data */
    memcpy(buf, good, n);
    buf[n / 2] ^= 0x10;
    write_file(bad, buf, n);
    expect_refused(bad, -1, "corrupt", "checksum");
    /* truncated */
    write_file(bad, good, n / 2);
    expect_refused(bad, -1, "truncated", "delete it");
    write_file(bad, good, 10);
    expect_refused(bad, -1, "truncated", NULL);
    /* extended */
    memcpy(buf, good, n);
    memset(buf + n, 0, 16);
    write_file(bad, buf, n + 16);
    expect_refused(bad, -1, "more than its header", NULL);
    /* wrong magic */
    memcpy(buf, good, n);
    memcpy(buf, "\x89PNG", 4);
    write_file(bad, buf, n);
    expect_refused(bad, MODEL_FOREIGN, "not a convnet-c model file", NULL);
    /* a newer version */
    memcpy(buf, good, n);
    buf[4] = MODEL_VERSION + 1;
    write_file(bad, buf, n);
    char newer[32];
    snprintf(newer, sizeof newer, "version %d", MODEL_VERSION + 1);
    expect_refused(bad, MODEL_FOREIGN, newer, "newer");
    /* missing */
    snprintf(bad, sizeof bad, "%s/missing.cnnc", dir);
    expect_refused(bad, -1, "cannot open", NULL);

    /* another architecture */
    Net *other = build("net-b", 4, 1);
    ck_assert_int_eq(net_save(other, path), 0);
    expect_refused(path, MODEL_FOREIGN, "\"net-b\"", "\"net-a\"");
    net_free(other);
    /* the same name, another shape: C1 with 5 output channels */
    other = build("net-a", 5, 1);
    ck_assert_int_eq(net_save(other, path), 0);
    expect_refused(path, MODEL_FOREIGN, "C1", "(5, 1, 3, 3)");
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "(4, 1, 3, 3)"));
    net_free(other);

    /* A model is not a checkpoint. */
    TrainConfig cfg = train_defaults();
    TrainHistory h = { 0 };
    Sgd *opt = sgd_create(a, 0.9f, 0.0f);
    ck_assert_int_eq(net_save(a, path), 0);
    ck_assert_int_eq(net_checkpoint_load(path, a, opt, &cfg, &h), MODEL_FOREIGN);
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "not a training checkpoint"));
    sgd_free(opt);

    /* Saving into a directory that does not exist fails with a message. */
    ck_assert_int_eq(net_save(a, "/nonexistent-dir/model.cnnc"), -1);
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "/nonexistent-dir/model.cnnc"));

    free(good);
    free(buf);
    net_free(a);
    remove_dir();
}
END_TEST

START_TEST(checkpoint_round_trip)
{
    make_dir();
    Net *a = build("ck", 4, 1), *b = build("ck", 4, 2);
    Sgd *oa = sgd_create(a, 0.9f, 5e-4f), *ob = sgd_create(b, 0.9f, 5e-4f);
    ck_assert_ptr_nonnull(oa);
    ck_assert_ptr_nonnull(ob);
    for (int k = 0; k < oa->n; k++)
        for (size_t i = 0; i < oa->param[k]->n; i++) oa->velocity[k][i] = 0.001f * (float)(i + 1) * (float)(k + 1);
    Dropout *da = (Dropout *)net_layer(a, 2);
    for (int i = 0; i < 5; i++) (void)rng_u32(&da->rng);  /* the generator has moved on */
    TrainConfig cfg = train_defaults();
    cfg.batch = 16;
    cfg.weight_decay = 5e-4f;
    TrainHistory h = { 0 }, got = { 0 };
    EpochStats s = { .epoch = 1, .train_loss = 1.25, .train_acc = 0.5, .test_loss = 1.0 / 3.0, .test_acc = 0.6,
                     .lr = 0.01, .seconds = 2.5, .images_per_s = 1000 };
    ck_assert_int_eq(train_history_push(&h, &s), 0);
    s.epoch = 2, s.train_loss = 0.75;
    ck_assert_int_eq(train_history_push(&h, &s), 0);
    ck_assert_int_eq(net_checkpoint_save(path, a, oa, &cfg, &h), 0);
    /* net_load reads the params of a checkpoint too */
    ck_assert_int_eq(net_load(b, path), 0);
    assert_same_params(a, b, "net_load of a checkpoint");

    ck_assert_int_eq(net_checkpoint_load(path, b, ob, &cfg, &got), 0);
    assert_same_params(a, b, "checkpoint_load");
    for (int k = 0; k < oa->n; k++)
        ck_assert(memcmp(oa->velocity[k], ob->velocity[k], oa->param[k]->n * sizeof(float)) == 0);
    Dropout *db = (Dropout *)net_layer(b, 2);
    ck_assert_uint_eq(db->rng.state, da->rng.state);
    ck_assert_uint_eq(db->rng.inc, da->rng.inc);
    ck_assert_int_eq(got.n, 2);
    for (int e = 0; e < 2; e++) {
        const EpochStats *x = &got.e[e], *y = &h.e[e];
        ck_assert_int_eq(x->epoch, y->epoch);
        const double gx[7] = { x->train_loss, x->train_acc, x->test_loss, x->test_acc, x->lr, x->seconds,
                               x->images_per_s };
        const double gy[7] = { y->train_loss, y->train_acc, y->test_loss, y->test_acc, y->lr, y->seconds,
                               y->images_per_s };
        ck_assert_msg(memcmp(gx, gy, sizeof gx) == 0, "history row %d differs", e);
    }

    /* Other settings than the run that wrote it: refused, naming the setting. */
    TrainConfig other = cfg;
    other.batch = 32;
    ck_assert_int_eq(net_checkpoint_load(path, b, ob, &other, &got), -1);
    ck_assert_msg(strstr(cn_last_error(), "batch 16") && strstr(cn_last_error(), "32"), "%s", cn_last_error());
    other = cfg;
    other.seed = 2;
    ck_assert_int_eq(net_checkpoint_load(path, b, ob, &other, &got), -1);
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "seed"));

    train_history_free(&h);
    train_history_free(&got);
    sgd_free(oa), sgd_free(ob);
    net_free(a), net_free(b);
    remove_dir();
}
END_TEST

/* The file's checksum (FNV-1a 64 of every byte before it), rewritten. */
static void reseal(unsigned char *buf, size_t n)
{
    uint64_t h = 14695981039346656037ULL;
    for (size_t i = 0; i < n - 8; i++) h = (h ^ buf[i]) * 1099511628211ULL;
    for (int i = 0; i < 8; i++) buf[n - 8 + i] = (unsigned char)(h >> (8 * i));
}

/* The count of class names (after the name, the input shape and the
 * normalization), which versions 1 and 2 lack, taken out of buf (a file of a
 * net with no class names); then the header says `version`, and the length
 * and checksum fit again. */
static void to_version(unsigned char *buf, size_t *n, int version)
{
    size_t at = 20 + 4 + buf[20] + 12 + 8;
    ck_assert_int_eq(buf[at] | buf[at + 1] | buf[at + 2] | buf[at + 3], 0);
    memmove(buf + at, buf + at + 4, *n - at - 4);
    *n -= 4;
    buf[4] = (unsigned char)version;
    for (int i = 0; i < 8; i++) buf[12 + i] = (unsigned char)((uint64_t)*n >> (8 * i));
    reseal(buf, *n);
}

/* Label smoothing is a recorded setting (version 2); a version-1 checkpoint,
 * written before it existed, loads as a run without smoothing. */
START_TEST(checkpoint_label_smoothing)
{
    make_dir();
    Net *a = build("ls", 4, 1);
    Sgd *o = sgd_create(a, 0.9f, 0.0f);
    ck_assert_ptr_nonnull(o);
    TrainConfig plain = train_defaults(), smooth = plain;
    smooth.label_smoothing = 0.1f;
    TrainHistory h = { 0 }, got = { 0 };
    char p2[160];
    snprintf(p2, sizeof p2, "%s/smooth.ckpt", dir);
    ck_assert_int_eq(net_checkpoint_save(path, a, o, &plain, &h), 0);
    ck_assert_int_eq(net_checkpoint_save(p2, a, o, &smooth, &h), 0);
    ck_assert_int_eq(net_checkpoint_load(p2, a, o, &smooth, &got), 0);
    ck_assert_int_eq(net_checkpoint_load(p2, a, o, &plain, &got), -1);
    ck_assert_msg(strstr(cn_last_error(), "label smoothing 0.1") && strstr(cn_last_error(), "but this run has 0"),
                  "%s", cn_last_error());

    /* The two files differ in the 4 bytes of the setting (and the checksum):
     * without them, marked version 1, the plain one is a version-1 file. */
    size_t n, n2;
    unsigned char *buf = read_file(path, &n), *b2 = read_file(p2, &n2);
    ck_assert_uint_eq(n, n2);
    size_t at = 0;
    while (at < n - 8 && buf[at] == b2[at]) at++;
    ck_assert_msg(at + 4 <= n - 8, "the label smoothing setting was not found in the file");
    ck_assert_int_eq(memcmp(buf + at + 4, b2 + at + 4, n - 8 - at - 4), 0);
    memmove(buf + at, buf + at + 4, n - at - 4);
    n -= 4;
    to_version(buf, &n, 1);
    char p1[160];
    snprintf(p1, sizeof p1, "%s/v1.ckpt", dir);
    write_file(p1, buf, n);
    ck_assert_msg(net_checkpoint_load(p1, a, o, &plain, &got) == 0, "version-1 checkpoint: %s", cn_last_error());
    ck_assert_int_eq(net_checkpoint_load(p1, a, o, &smooth, &got), -1);
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "label smoothing 0,"));
    free(buf), free(b2);
    train_history_free(&h);
    train_history_free(&got);
    sgd_free(o);
    net_free(a);
    remove_dir();
}
END_TEST

/* A file records the class names of the net (version 3); a version-2 file,
 * which has none, still loads, with no names. */
START_TEST(class_names_are_recorded)
{
    make_dir();
    Net *a = build("cls", 4, 1), *b = build("cls", 4, 2);
    const char *names[3] = { "T-shirt/top", "Trouser", "Ankle boot" };
    ck_assert_int_eq(net_set_classes(a, names, 2), -1); /* one name per output */
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "2 class names for 3 outputs"));
    ck_assert_int_eq(net_set_classes(a, names, 3), 0);
    ck_assert_int_eq(net_save(a, path), 0);
    ck_assert_msg(net_load(b, path) == 0, "%s", cn_last_error());
    ck_assert_int_eq(b->nclasses, 3);
    for (int k = 0; k < 3; k++) ck_assert_str_eq(b->classes[k], names[k]);
    assert_same_params(a, b, "with class names");

    /* The same net without names, as version 2 wrote it. */
    ck_assert_int_eq(net_set_classes(a, NULL, 0), 0);
    ck_assert_int_eq(net_save(a, path), 0);
    size_t n;
    unsigned char *buf = read_file(path, &n);
    to_version(buf, &n, 2);
    write_file(path, buf, n);
    ck_assert_msg(net_load(b, path) == 0, "version-2 model: %s", cn_last_error());
    ck_assert_int_eq(b->nclasses, 0);
    ck_assert_ptr_null(b->classes);
    assert_same_params(a, b, "version-2 model");
    free(buf);
    net_free(a), net_free(b);
    remove_dir();
}
END_TEST

/* Only regular files are read: a device or a directory is refused at once
 * (reading /dev/zero would otherwise never end). */
START_TEST(only_regular_files_are_read)
{
    make_dir();
    expect_refused("/dev/zero", -1, "not a regular file", NULL);
    expect_refused(dir, -1, "not a regular file", NULL);
    Net *a = build("net-a", 4, 1);
    Sgd *o = sgd_create(a, 0.9f, 0.0f);
    TrainConfig cfg = train_defaults();
    TrainHistory h = { 0 };
    ck_assert_int_eq(net_checkpoint_load("/dev/zero", a, o, &cfg, &h), -1);
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "/dev/zero is not a regular file"));
    sgd_free(o);
    net_free(a);
    remove_dir();
}
END_TEST

/* A NaN or an infinity among the weights (or a checkpoint's velocities)
 * is refused, naming the file and the layer, even with a valid checksum. */
START_TEST(non_finite_weights_are_refused)
{
    make_dir();
    Net *a = build("net-a", 4, 1);
    int li;
    CnParam *w = net_param(a, 2, &li); /* fc's weight */
    ck_assert_str_eq(a->layer[li]->label, "fc");
    w->value[5] = NAN;
    ck_assert_int_eq(net_save(a, path), 0);
    expect_refused(path, -1, "layer fc", "NaN");
    w->value[5] = -INFINITY;
    ck_assert_int_eq(net_save(a, path), 0);
    expect_refused(path, -1, "layer fc", "infinity");
    w->value[5] = 0.5f;

    Sgd *o = sgd_create(a, 0.9f, 0.0f);
    ck_assert_ptr_nonnull(o);
    o->velocity[0][3] = INFINITY; /* C1's weight */
    TrainConfig cfg = train_defaults();
    TrainHistory h = { 0 };
    ck_assert_int_eq(net_checkpoint_save(path, a, o, &cfg, &h), 0);
    ck_assert_int_eq(net_checkpoint_load(path, a, o, &cfg, &h), -1);
    const char *e = cn_last_error();
    ck_assert_msg(strstr(e, path) && strstr(e, "SGD velocities of layer C1") && strstr(e, "infinity"), "%s", e);
    sgd_free(o);
    net_free(a);
    remove_dir();
}
END_TEST

Suite *model_io_suite(void)
{
    Suite *s = suite_create("model_io");
    TCase *tc = tcase_create("files");
    tcase_add_test(tc, round_trip_is_exact);
    tcase_add_test(tc, bytes_are_little_endian);
    tcase_add_test(tc, bad_files_are_refused);
    tcase_add_test(tc, checkpoint_round_trip);
    tcase_add_test(tc, checkpoint_label_smoothing);
    tcase_add_test(tc, class_names_are_recorded);
    tcase_add_test(tc, only_regular_files_are_read);
    tcase_add_test(tc, non_finite_weights_are_refused);
    suite_add_tcase(s, tc);
    return s;
}
