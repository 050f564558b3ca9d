/* check_cli.c - flag parsing: values, errors, --help; a value given is
 * never replaced by a default; every bad command line exits 2. */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "lessons/kit/cli.h"
#include "lessons/kit/live.h"
#include "tests/lesson_run.h"

static int quick, epochs;
static float lr;
static const char *image;
static CliOpt opts[] = {
    { "quick", OPT_FLAG, &quick, "a few seconds" },
    { "epochs", OPT_INT, &epochs, "N: epochs" },
    { "lr", OPT_FLOAT, &lr, "X: learning rate" },
    { "image", OPT_STRING, &image, "FILE: a picture" },
};

static int parse(int argc, const char **argv)
{
    quick = 0, epochs = 10, lr = 0.1f, image = NULL;
    return cli_parse(argc, (char **)argv, opts, 4);
}

START_TEST(good_flags)
{
    const char *a[] = { "p", "--quick", "--epochs", "3", "--lr=0.5", "--image", "x.png" };
    ck_assert_int_eq(parse(7, a), 0);
    ck_assert_int_eq(quick, 1);
    ck_assert_int_eq(epochs, 3);
    ck_assert_float_eq(lr, 0.5f);
    ck_assert_str_eq(image, "x.png");
    const char *h[] = { "p", "--help" };
    ck_assert_int_eq(parse(2, h), 1);
}
END_TEST

/* The live view's flags, as every lesson that trains lists them: each sets
 * its choice, they combine (--no-live --live-term: the terminal only), take
 * no value, and --help shows them. */
START_TEST(live_flags_parse)
{
    const CliOpt lo[] = { { "quick", OPT_FLAG, &quick, "a few seconds" }, LIVE_CLI_OPTS };
    live_flags = (LiveFlags){ 0 };
    const char *none[] = { "p", "--quick" };
    ck_assert_int_eq(cli_parse(2, (char **)none, lo, 3), 0);
    ck_assert(!live_flags.term && !live_flags.off);
    const char *term[] = { "p", "--live-term" };
    ck_assert_int_eq(cli_parse(2, (char **)term, lo, 3), 0);
    ck_assert(live_flags.term && !live_flags.off);
    live_flags = (LiveFlags){ 0 };
    const char *both[] = { "p", "--no-live", "--live-term" };
    ck_assert_int_eq(cli_parse(3, (char **)both, lo, 3), 0);
    ck_assert(live_flags.term && live_flags.off);
    const char *value[] = { "p", "--no-live=1" };
    ck_assert_int_eq(cli_parse(2, (char **)value, lo, 3), -1);
    const char *typo[] = { "p", "--live" };
    ck_assert_int_eq(cli_parse(2, (char **)typo, lo, 3), -1);
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "unknown flag \"--live\""));
    FILE *f = tmpfile();
    ck_assert_ptr_nonnull(f);
    cli_usage(f, "p", "about", lo, 3);
    rewind(f);
    char text[4096];
    text[fread(text, 1, sizeof text - 1, f)] = '\0';
    fclose(f);
    ck_assert_msg(strstr(text, "--live-term") && strstr(text, "--no-live") && strstr(text, "only when it is a terminal"),
                  "%s", text);
    live_flags = (LiveFlags){ 0 };
}
END_TEST

START_TEST(bad_flags)
{
    const char *a1[] = { "p", "--nope" };
    ck_assert_int_eq(parse(2, a1), -1);
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "unknown flag \"--nope\""));
    const char *a2[] = { "p", "--epochs", "ten" };
    ck_assert_int_eq(parse(3, a2), -1);
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "--epochs expects a whole number"));
    const char *a3[] = { "p", "--epochs" };
    ck_assert_int_eq(parse(2, a3), -1);
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "needs a value"));
    const char *a4[] = { "p", "--quick=1" };
    ck_assert_int_eq(parse(2, a4), -1);
    const char *a5[] = { "p", "stray" };
    ck_assert_int_eq(parse(2, a5), -1);
    const char *a6[] = { "p", "--lr", "1e999" };
    ck_assert_int_eq(parse(3, a6), -1);
}
END_TEST

/* Names among the flags, in order; "--" ends the flags; a stray "-x" is
 * still an error, with the way out named. */
START_TEST(names_among_flags)
{
    const char *a[] = { "p", "one.png", "--epochs", "3", "dir", "-", "--quick", "--", "--image", "-x" };
    char *pos[10];
    int npos = -1;
    quick = 0, epochs = 10, image = NULL;
    ck_assert_int_eq(cli_parse_args(10, (char **)a, opts, 4, pos, &npos), 0);
    ck_assert_int_eq(npos, 5);
    const char *want[5] = { "one.png", "dir", "-", "--image", "-x" };
    for (int i = 0; i < 5; i++) ck_assert_str_eq(pos[i], want[i]);
    ck_assert_int_eq(epochs, 3);
    ck_assert_int_eq(quick, 1);
    ck_assert_ptr_null(image);

    const char *b[] = { "p", "a.png", "-x" };
    ck_assert_int_eq(cli_parse_args(3, (char **)b, opts, 4, pos, &npos), -1);
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "unexpected argument \"-x\""));
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "after --"));
    const char *c[] = { "p", "a.png", "--help" };
    ck_assert_int_eq(cli_parse_args(3, (char **)c, opts, 4, pos, &npos), 1);
    /* without room for names, a name is an error as in cli_parse */
    const char *d[] = { "p", "a.png" };
    ck_assert_int_eq(cli_parse_args(2, (char **)d, opts, 4, NULL, NULL), -1);
    ck_assert_int_eq(parse(2, d), -1);
}
END_TEST

/* Values out of range are a bad command line: exit status 2. In range they pass. */
START_TEST(in_range)
{
    int n = CLI_UNSET;
    cli_int_or(&n, 7, 1, 10, "steps", "steps");
    ck_assert_int_eq(n, 7);
    cli_float_in(0.5f, 0.0f, 1, 1.0f, 1, "momentum", "a momentum");
    cli_float_in(0.0f, 0.0f, 0, 1.0f, 1, "momentum", "a momentum");
}
END_TEST

START_TEST(int_out_of_range) { int n = 11; cli_int_or(&n, 7, 1, 10, "steps", "steps"); }
END_TEST
START_TEST(float_at_open_end) { cli_float_in(1.0f, 0.0f, 0, 1.0f, 1, "momentum", "a momentum"); }
END_TEST
START_TEST(float_at_open_start) { cli_float_in(0.0f, 0.0f, 1, 100.0f, 0, "lr", "a learning rate"); }
END_TEST
START_TEST(float_below) { cli_float_in(-0.5f, 0.0f, 0, 1.0f, 1, "momentum", "a momentum"); }
END_TEST


START_TEST(matrices)
{
    float v[25];
    int r = 0, c = 0;
    ck_assert_int_eq(cli_parse_matrix("0 -1 0; -1 5 -1; 0 -1 0", 5, v, &r, &c), 0);
    ck_assert_int_eq(r, 3);
    ck_assert_int_eq(c, 3);
    ck_assert_float_eq(v[4], 5.0f);
    ck_assert_float_eq(v[3], -1.0f);
    ck_assert_int_eq(cli_parse_matrix(" 1/9, 1/9 ;2.5e-1 -0.5 ", 5, v, &r, &c), 0);
    ck_assert_int_eq(r, 2);
    ck_assert_int_eq(c, 2);
    ck_assert_float_eq_tol(v[0], 1.0f / 9.0f, 1e-7f);
    ck_assert_float_eq(v[2], 0.25f);
    ck_assert_int_eq(cli_parse_matrix("-1 0 1", 5, v, &r, &c), 0);   /* one row */
    ck_assert_int_eq(r * 10 + c, 13);

    struct { const char *text, *why; } bad[] = {
        { "0 -1 0; -1 5; 0 -1 0", "row 2 has 2 numbers and row 1 has 3" },
        { "0 -1 0; -1 5 -1 7; 0 -1 0", "row 2 has more than 3 numbers" },
        { "0 x 0", "\"x\" in row 1 is not a number" },
        { "1 2; 3 4;", "row 3 is empty" },
        { "", "row 1 is empty" },
        { "1/0", "\"1/0\" in row 1 is not a number" },
        { "1 2abc", "\"2abc\" in row 1 is not a number" },
        { "nan", "\"nan\" in row 1 is not a number" },
        { "1 2 3 4 5 6", "row 1 has more than 5 numbers" },
        { "1;2;3;4;5;6", "more than 5 rows" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_msg(cli_parse_matrix(bad[i].text, 5, v, &r, &c) == -1, "\"%s\" was accepted", bad[i].text);
        ck_assert_msg(strstr(cn_last_error(), bad[i].why) != NULL, "\"%s\": %s", bad[i].text, cn_last_error());
    }
    ck_assert_int_eq(cli_parse_matrix("0 x 0", 5, v, &r, &c), -1);
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "e.g. \"0 -1 0; -1 5 -1; 0 -1 0\""));   /* the form, shown */
}
END_TEST

/* A value left unset becomes the default; every value given, 0 included,
 * is checked against the range and kept. */
START_TEST(unset_is_not_zero)
{
    int v = CLI_UNSET;
    cli_int_or(&v, 6, 1, 100, "epochs", "epochs");
    ck_assert_int_eq(v, 6);
    v = 1;
    cli_int_or(&v, 6, 1, 100, "epochs", "epochs");
    ck_assert_int_eq(v, 1);
    /* the sentinel itself cannot be typed */
    const char *a[] = { "p", "--epochs", "-2147483648" };
    ck_assert_int_eq(parse(3, a), -1);
    /* --help shows no default for an unset value */
    epochs = CLI_UNSET;
    char buf[2048] = "";
    FILE *f = fmemopen(buf, sizeof buf - 1, "w");
    ck_assert_ptr_nonnull(f);
    cli_usage(f, "p", "about", opts, 4);
    fclose(f);
    ck_assert_msg(strstr(buf, "--epochs N") && !strstr(buf, "-2147483648"), "%s", buf);
}
END_TEST

/* --epochs 0 was once silently replaced by the default: now refused with
 * status 2, naming the flag, the value and the range. */
START_TEST(zero_is_refused)
{
    int v = 0;
    cli_int_or(&v, 6, 1, 100, "epochs", "epochs");
}
END_TEST

START_TEST(refuse_exits_2)
{
    cli_refuse("--retrain and --resume contradict each other");
}
END_TEST

START_TEST(bad_command_line_exits_2)
{
    const char *a[] = { "p", "--epochs", "many", NULL };
    epochs = 10;
    cli_main(3, (char **)a, opts, 4, "about");
}
END_TEST

/* The programs that are not lessons keep the convention too: a bad
 * command line exits 2 (their ranges are checked with cli_refuse). */
START_TEST(tools_exit_2)
{
    static const char *const runs[][4] = {
        { "datasets/tools/mnist_json2idx", "only-one-argument", NULL, "usage:" },
        { "tests/bench/bench_lenet", "--classic", "5", "--classic 5" },
        { "tests/bench/bench_alexnet", "--groups", "3", "--groups 3" },
    };
    for (size_t i = 0; i < sizeof runs / sizeof *runs; i++) {
        LessonRun r;
        const char *args[] = { runs[i][1], runs[i][2], NULL };
        lesson_run_program(&r, runs[i][0], args);
        ck_assert_msg(r.status == 2 && strstr(r.err, runs[i][3]), "%s %s: status %d: %s", runs[i][0], runs[i][1],
                      r.status, r.err);
        lesson_run_free(&r);
    }
}
END_TEST

Suite *cli_suite(void)
{
    Suite *s = suite_create("cli");
    TCase *tc = tcase_create("parse");
    tcase_add_test(tc, good_flags);
    tcase_add_test(tc, bad_flags);
    tcase_add_test(tc, live_flags_parse);
    tcase_add_test(tc, names_among_flags);
    tcase_add_test(tc, matrices);
    tcase_add_test(tc, unset_is_not_zero);
    tcase_add_exit_test(tc, zero_is_refused, 2);
    tcase_add_exit_test(tc, refuse_exits_2, 2);
    tcase_add_exit_test(tc, bad_command_line_exits_2, 2);
    suite_add_tcase(s, tc);
    tc = tcase_create("programs");
    tcase_add_unchecked_fixture(tc, lesson_fixture_setup, lesson_fixture_teardown);
    tcase_set_timeout(tc, lesson_timeout(30));
    tcase_add_test(tc, tools_exit_2);
    suite_add_tcase(s, tc);
    TCase *range = tcase_create("range");
    tcase_add_test(range, in_range);
    tcase_add_exit_test(range, int_out_of_range, 2);
    tcase_add_exit_test(range, float_at_open_end, 2);
    tcase_add_exit_test(range, float_at_open_start, 2);
    tcase_add_exit_test(range, float_below, 2);
    suite_add_tcase(s, range);
    return s;
}
