/* check_saved_files.c - the lesson kit never trains over a file that is not
 * its network's to replace: a checkpoint or model of a newer format or of
 * another architecture stops the program, saying --retrain would replace it,
 * and the file stays byte for byte. */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/error.h"
#include "core/lenet.h"
#include "core/model_io.h"
#include "core/train.h"
#include "lessons/kit/models.h"
#include "tests/support.h"

static char dir[64], ckpt[128], model[128], err[128];

static void make_dir(void)
{
    snprintf(dir, sizeof dir, "/tmp/cn_saved_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(ckpt, sizeof ckpt, "%s/net.ckpt", dir);
    snprintf(model, sizeof model, "%s/net.cnn", dir);
    snprintf(err, sizeof err, "%s/stderr.txt", dir);
}

static void remove_dir(void) { remove_tree(dir, 0); }

static unsigned char *slurp(const char *p, size_t *n)
{
    FILE *f = fopen(p, "rb");
    ck_assert_ptr_nonnull(f);
    unsigned char *buf = malloc(1 << 20);
    ck_assert_ptr_nonnull(buf);
    *n = fread(buf, 1, 1 << 20, f);
    fclose(f);
    return buf;
}

/* Bump the version byte of a saved file: a file of a newer format. */
static void make_newer(const char *p)
{
    size_t n;
    unsigned char *b = slurp(p, &n);
    b[4] = MODEL_VERSION + 1;
    FILE *f = fopen(p, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(b, 1, n, f), n);
    ck_assert_int_eq(fclose(f), 0);
    free(b);
}

/* Run what() in a child with stderr into err; its exit status. */
static int in_child(void (*what)(void))
{
    fflush(NULL);
    pid_t p = fork();
    ck_assert_int_ge(p, 0);
    if (p == 0) {
        int fd = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0 || dup2(fd, 2) < 0) _exit(99);
        what();
        _exit(0);
    }
    int st;
    ck_assert_int_eq(waitpid(p, &st, 0), p);
    ck_assert(WIFEXITED(st));
    return WEXITSTATUS(st);
}

static void read_checkpoint(void)
{
    Net *net = lenet5_modern();
    TrainConfig cfg = train_defaults();
    char why[1200];
    (void)checkpoint_epochs(ckpt, net, &cfg, why, sizeof why, NULL);
}

static void check_model(void)
{
    Net *net = lenet5_modern();
    refuse_to_overwrite(model, net, "pass --retrain to replace it");
}

/* Run `what` on file p: it must stop with status 1, the message naming p,
 * `cause` and --retrain, and leave p as it was. */
static void expect_stop(void (*what)(void), const char *p, const char *cause)
{
    size_t n0, n1;
    unsigned char *before = slurp(p, &n0);
    ck_assert_int_eq(in_child(what), 1);
    size_t ne;
    char *msg = (char *)slurp(err, &ne);
    msg[ne < (1 << 20) ? ne : ne - 1] = '\0';
    ck_assert_msg(strstr(msg, p) && strstr(msg, cause) && strstr(msg, "--retrain") &&
                      strstr(msg, "Nothing was written over it"), "message: %s", msg);
    unsigned char *after = slurp(p, &n1);
    ck_assert_uint_eq(n0, n1);
    ck_assert(memcmp(before, after, n0) == 0);
    free(before), free(after), free(msg);
}

START_TEST(newer_or_other_checkpoint_stops)
{
    Net *classic = lenet5_classic(), *modern = lenet5_modern();
    TrainConfig cfg = train_defaults();
    TrainHistory h = { 0 };
    Sgd *o = sgd_create(classic, cfg.momentum, cfg.weight_decay);
    ck_assert_int_eq(net_checkpoint_save(ckpt, classic, o, &cfg, &h), 0);
    expect_stop(read_checkpoint, ckpt, "holds the architecture");  /* another architecture */
    sgd_free(o);
    o = sgd_create(modern, cfg.momentum, cfg.weight_decay);
    ck_assert_int_eq(net_checkpoint_save(ckpt, modern, o, &cfg, &h), 0);
    ck_assert_int_eq(in_child(read_checkpoint), 0); /* its own: read, no stop */
    make_newer(ckpt);
    expect_stop(read_checkpoint, ckpt, "newer than this build reads");
    ck_assert_int_eq(net_save(modern, ckpt), 0);  /* a model where a checkpoint belongs */
    expect_stop(read_checkpoint, ckpt, "not a training checkpoint");
    sgd_free(o);
    net_free(classic), net_free(modern);
}
END_TEST

START_TEST(newer_or_other_model_stops)
{
    Net *classic = lenet5_classic(), *modern = lenet5_modern();
    ck_assert_int_eq(net_save(classic, model), 0);
    expect_stop(check_model, model, "holds the architecture");
    ck_assert_int_eq(net_save(modern, model), 0);
    ck_assert_int_eq(in_child(check_model), 0);
    make_newer(model);
    expect_stop(check_model, model, "newer than this build reads");
    /* a damaged file of its own may be replaced: no stop */
    FILE *f = fopen(model, "r+b");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fseek(f, 4, SEEK_SET), 0);
    fputc(MODEL_VERSION, f);
    ck_assert_int_eq(fseek(f, 200, SEEK_SET), 0);
    int c = fgetc(f);
    ck_assert_int_eq(fseek(f, 200, SEEK_SET), 0);
    fputc(c ^ 0xff, f);
    ck_assert_int_eq(fclose(f), 0);
    ck_assert_int_eq(net_load(modern, model), -1);
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "corrupt"));
    ck_assert_int_eq(in_child(check_model), 0);
    net_free(classic), net_free(modern);
}
END_TEST

Suite *saved_files_suite(void)
{
    Suite *s = suite_create("saved_files");
    TCase *tc = tcase_create("not_ours");
    tcase_add_checked_fixture(tc, make_dir, remove_dir);
    tcase_add_test(tc, newer_or_other_checkpoint_stops);
    tcase_add_test(tc, newer_or_other_model_stops);
    suite_add_tcase(s, tc);
    return s;
}
