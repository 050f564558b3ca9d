/* check_live.c - the live view of a training (lessons/kit/live.h): the
 * filters as block characters, the terminal drawing only on a terminal, and
 * a small training that writes live.html and its pictures while it runs
 * (the page reloading itself) and a last page at the end (no reload), or
 * nothing with --no-live. Outputs go to a temporary $CONVNET_OUT. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/conv_layer.h"
#include "core/dense.h"
#include "core/activation.h"
#include "core/error.h"
#include "core/notebook.h"
#include "core/pool.h"
#include "core/rng.h"
#include "core/train.h"
#include "datasets/dataset.h"
#include "lessons/kit/live.h"
#include "tests/lesson_run.h"
#include "tests/support.h"

/* --- the filters in the terminal -------------------------------------------------- */

START_TEST(filters_as_blocks)
{
    /* filter 1 on its own scale (largest |w| 1): 1 white, -1 blank, 0 the
     * middle shade, 0.5 the next; filter 2 all zero: the middle shade */
    const float w[8] = { 1.0f, -1.0f, 0.0f, 0.5f, 0.0f, 0.0f, 0.0f, 0.0f };
    char *t = live_filters_text(w, 2, 2, 80);
    ck_assert_ptr_nonnull(t);
    ck_assert_str_eq(t, "1     2\n██    ▒▒▒▒\n▒▒▓▓  ▒▒▒▒\n");
    free(t);
    /* too narrow for two: one under the other */
    t = live_filters_text(w, 2, 2, 5);
    ck_assert_str_eq(t, "1\n██  \n▒▒▓▓\n2\n▒▒▒▒\n▒▒▒▒\n");
    free(t);
    /* six 5x5 filters in 80 columns: 12 columns each, all six side by side */
    float six[6 * 25];
    for (int i = 0; i < 6 * 25; i++) six[i] = (float)((i * 7) % 11) - 5.0f;
    t = live_filters_text(six, 6, 5, 80);
    ck_assert_int_eq(lesson_count(t, "\n"), 6);
    ck_assert_int_eq(lesson_count(t, "1           2           3           4           5           6\n"), 1);
    free(t);
    ck_assert_ptr_null(live_filters_text(w, 0, 2, 80));
    ck_assert_ptr_null(live_filters_text(NULL, 2, 2, 80));
}
END_TEST

START_TEST(terminal_only)
{
    FILE *f = tmpfile();
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(live_term_allowed(1, fileno(f)), 0); /* a file: never */
    ck_assert_int_eq(live_term_allowed(0, fileno(f)), 0);
    fclose(f);
    int p[2];
    ck_assert_int_eq(pipe(p), 0);
    ck_assert_int_eq(live_term_allowed(1, p[1]), 0);  /* a pipe (a log): never */
    close(p[0]);
    close(p[1]);
}
END_TEST

/* --- a small training, watched ------------------------------------------------------- */

static const char *const spot_names[3] = { "left", "middle", "right" };

/* 12x12 pictures of a bright 4x4 spot on the left, in the middle or on the
 * right (the class), at a random height, on dim noise. */
static Dataset *spots(int count, uint64_t seed)
{
    Dataset *d = calloc(1, sizeof *d);
    ck_assert_ptr_nonnull(d);
    d->count = count, d->height = 12, d->width = 12, d->nclasses = 3;
    d->images = calloc((size_t)count, 144);
    d->labels = calloc((size_t)count, 1);
    ck_assert(d->images && d->labels);
    d->class_names = spot_names;
    snprintf(d->name, sizeof d->name, "spots");
    Rng r;
    rng_seed(&r, seed, 5);
    for (int i = 0; i < count; i++) {
        unsigned char *im = d->images + (size_t)i * 144;
        const int c = (int)rng_below(&r, 3), top = (int)rng_below(&r, 9);
        for (int k = 0; k < 144; k++) im[k] = (unsigned char)rng_below(&r, 40);
        for (int y = top; y < top + 4; y++)
            for (int x = 4 * c; x < 4 * c + 4; x++) im[y * 12 + x] = 230;
        d->labels[i] = (unsigned char)c;
    }
    return d;
}

static Net *spot_net(void)
{
    Net *net = net_create("spots", (CnShape){ 1, 12, 12 });
    net_add(net, "conv1", conv2d_create(4, 3, 3, 1, 1, 1, CONV_OP_CORRELATE));
    net_add(net, "relu1", relu_create());
    net_add(net, "pool1", maxpool2d_create(2, 2, 0));
    net_add(net, "fc", dense_create(3));
    ck_assert_msg(net_ok(net), "%s", cn_last_error());
    Rng r;
    rng_seed(&r, 3, 0);
    net_init(net, INIT_HE, &r);
    return net;
}

static char outdir[64];
static char *saved_out;

static void setup(void)
{
    snprintf(outdir, sizeof outdir, "/tmp/cn_live_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(outdir));
    saved_out = save_env("CONVNET_OUT");
    ck_assert_int_eq(setenv("CONVNET_OUT", outdir, 1), 0);
    live_flags = (LiveFlags){ 0 };
}

static void teardown(void)
{
    restore_env("CONVNET_OUT", &saved_out);
    remove_tree(outdir, 2);
    live_flags = (LiveFlags){ 0 };
}

/* Train spot_net for 3 epochs watched by the live view into notebook id. */
static void train_watched(const char *id, LessonRun *r)
{
    Notebook *nb = nb_open_to(id, "live", NULL);
    ck_assert_msg(nb != NULL, "%s", cn_last_error());
    Dataset *train = spots(300, 1), *test = spots(60, 2);
    Net *net = spot_net();
    TrainConfig cfg = train_defaults();
    cfg.epochs = 3, cfg.batch = 20, cfg.quiet = 1, cfg.lr = optim_schedule_constant(0.05f);
    live_watch(nb, &cfg, "a spot finder", test);
    if (!live_flags.off) ck_assert_ptr_nonnull((void *)cfg.watch);
    ck_assert_msg(train_run(net, train, test, &cfg, NULL) == 0, "%s", cn_last_error());
    ck_assert_int_eq(nb_close(nb), 0);
    *r = (LessonRun){ 0 };
    snprintf(r->outdir, sizeof r->outdir, "%s/%s", outdir, id);
    net_free(net);
    dataset_free(train);
    dataset_free(test);
}

START_TEST(training_writes_the_page)
{
    LessonRun r;
    train_watched("live_page", &r);
    /* while the program runs, the page reloads itself; the pictures after
     * the last epoch are there (3 of them; the curves may wait for the end) */
    char path[700];
    snprintf(path, sizeof path, "%s/live.html", r.outdir);
    char *html = lesson_read_file(path, NULL);
    ck_assert_ptr_nonnull(html);
    ck_assert_ptr_nonnull(strstr(html, "<meta http-equiv=\"refresh\""));
    ck_assert_ptr_nonnull(strstr(html, "<title>a spot finder — epoch 3 of 3</title>"));
    ck_assert_ptr_nonnull(strstr(html, "after epoch 3."));
    free(html);
    ck_assert_int_ge(lesson_check_page(&r, "live.html"), 3);
    /* the end: curves drawn, no reload, the lesson said to be finished */
    live_finish();
    ck_assert_int_eq(lesson_check_page(&r, "live.html"), 4);
    html = lesson_read_file(path, NULL);
    ck_assert_ptr_null(strstr(html, "http-equiv=\"refresh\""));
    ck_assert_ptr_nonnull(strstr(html, "The lesson has finished"));
    ck_assert_ptr_nonnull(strstr(html, "<td>3</td>")); /* the table of epochs */
    free(html);
    snprintf(path, sizeof path, "%s/live_history.dat", r.outdir);
    ck_assert_int_eq(access(path, F_OK), 0);
}
END_TEST

START_TEST(no_live_writes_nothing)
{
    live_flags.off = 1;
    LessonRun r;
    train_watched("live_off", &r);
    live_finish();
    char path[700];
    snprintf(path, sizeof path, "%s/live.html", r.outdir);
    ck_assert_int_ne(access(path, F_OK), 0);
    snprintf(path, sizeof path, "%s/live_filters.png", r.outdir);
    ck_assert_int_ne(access(path, F_OK), 0);
}
END_TEST

/* --live-term with stderr going to a file (a log): one line saying why,
 * never the filters. */
START_TEST(live_term_into_a_log)
{
    live_flags.term = 1;
    live_flags.off = 1;
    FILE *log = tmpfile();
    ck_assert_ptr_nonnull(log);
    fflush(stderr);
    const int saved = dup(STDERR_FILENO);
    ck_assert_int_ge(saved, 0);
    ck_assert_int_ge(dup2(fileno(log), STDERR_FILENO), 0);
    LessonRun r;
    train_watched("live_term", &r);
    live_finish();
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    rewind(log);
    char text[4096];
    text[fread(text, 1, sizeof text - 1, log)] = '\0';
    fclose(log);
    ck_assert_msg(strstr(text, "--live-term: stderr is not a terminal"), "%s", text);
    ck_assert_msg(!strstr(text, "▒▒") && !strstr(text, "██"), "filters drawn into a log:\n%s", text);
    ck_assert_int_eq(lesson_count(text, "\n"), 1);
}
END_TEST

Suite *live_suite(void)
{
    Suite *s = suite_create("live");
    TCase *tc = tcase_create("terminal");
    tcase_add_test(tc, filters_as_blocks);
    tcase_add_test(tc, terminal_only);
    suite_add_tcase(s, tc);
    tc = tcase_create("page");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, training_writes_the_page);
    tcase_add_test(tc, no_live_writes_nothing);
    tcase_add_test(tc, live_term_into_a_log);
    suite_add_tcase(s, tc);
    return s;
}
