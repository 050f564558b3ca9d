/* check_notebook.c - the notebook's terminal text and Markdown, and the
 * plot functions: data files, PNGs, gnuplot missing or failing.
 *
 * Every test points CONVNET_ROOT at a fresh temporary directory, so nothing
 * is written into the real plots/out/. The gnuplot scripts are still found
 * in the checkout's plots/ (cn_source_root), as in a lesson. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/error.h"
#include "core/image.h"
#include "core/notebook.h"
#include "core/paths.h"
#include "core/plot.h"
#include "tests/support.h"

/* --- fixture: CONVNET_ROOT in a temporary directory ------------------------------ */

static char tmpdir[64];
static char *saved_root, *saved_path, *saved_scripts;

static void setup(void)
{
    strcpy(tmpdir, "/tmp/cn_notebook_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    saved_root = save_env("CONVNET_ROOT");
    saved_path = save_env("PATH");
    saved_scripts = save_env("CONVNET_SCRIPTS");
    ck_assert_int_eq(setenv("CONVNET_ROOT", tmpdir, 1), 0);
    unsetenv("CONVNET_SCRIPTS");
}

static void teardown(void)
{
    restore_env("CONVNET_ROOT", &saved_root);
    restore_env("PATH", &saved_path);
    restore_env("CONVNET_SCRIPTS", &saved_scripts);
    remove_tree(tmpdir, 5);
}

static const char *tmp(const char *name)
{
    static char buf[4][256];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", tmpdir, name);
    return buf[k];
}

/* The whole file as a string (caller frees), NULL if it cannot be read. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, len = 0;
    char *s = malloc(cap);
    if (s) len = fread(s, 1, cap - 1, f);
    fclose(f);
    if (s) s[len] = '\0';
    return s;
}

static char *slurp_stream(FILE *f)
{
    fflush(f);
    rewind(f);
    size_t cap = 1 << 16;
    char *s = malloc(cap);
    ck_assert_ptr_nonnull(s);
    size_t len = fread(s, 1, cap - 1, f);
    s[len] = '\0';
    return s;
}

/* Assert that `text` holds `line` as a whole line. */
static void assert_line(const char *text, const char *line)
{
    size_t n = strlen(line);
    for (const char *p = text; (p = strstr(p, line)); p++)
        if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0')) return;
    ck_abort_msg("missing line \"%s\" in:\n%s", line, text);
}

static int is_png(const char *path)
{
    static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
    unsigned char head[8];
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    size_t got = fread(head, 1, 8, f);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fclose(f);
    return got == 8 && memcmp(head, sig, 8) == 0 && size > 100;
}

/* Write `text` to the file tmpdir/rel, creating tmpdir/folder first. */
static void write_file(const char *folder, const char *rel, const char *text)
{
    ck_assert_int_eq(cn_make_dirs(tmp(folder)), 0);
    FILE *f = fopen(tmp(rel), "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    ck_assert_int_eq(fclose(f), 0);
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* --- the notebook ------------------------------------------------------------------ */

START_TEST(notebook_writes_markdown)
{
    FILE *term = tmpfile();
    ck_assert_ptr_nonnull(term);
    Notebook *nb = nb_open_to("07_test", "Filters & *maps*", term);
    ck_assert_msg(nb != NULL, "%s", cn_last_error());
    nb_section(nb, "Section %d", 1);
    nb_para(nb, "The answer is %d.", 42);
    const float m[6] = { 1.0f, -2.5f, 0.25f, -0.001f, 10.0f, 3.14159f };
    nb_matrix(nb, "a 2x3 matrix", m, 2, 3, 2);
    ck_assert_int_eq(nb_check(nb, 1, "sum is %.1f", 1.0), 1);
    ck_assert_int_eq(nb_check(nb, 0, "max error %.0e below 1e-9", 1e-3), 0);
    ck_assert_int_eq(nb_check(nb, 7, "any nonzero is ok"), 1);
    ck_assert_int_eq(nb_checks_run(nb), 3);
    ck_assert_int_eq(nb_checks_failed(nb), 1);
    nb_para(nb, "After the checks.");
    ck_assert_int_eq(nb_close(nb), 1);   /* one failed check */

    char *md = slurp(tmp("plots/out/07_test/notebook.md"));
    ck_assert_msg(md != NULL, "no notebook.md in %s/plots/out/07_test", tmpdir);
    assert_line(md, "# Filters & \\*maps\\*");
    assert_line(md, "## Section 1");
    assert_line(md, "The answer is 42.");
    assert_line(md, "**a 2x3 matrix** (2×3)");
    assert_line(md, "```text");
    assert_line(md, " 1.00  -2.50   0.25");
    assert_line(md, " 0.00  10.00   3.14");   /* -0.001 at 2 decimals is 0.00, not -0.00 */
    assert_line(md, "- ✔ sum is 1.0");
    assert_line(md, "- ✘ **FAILED:** max error 1e-03 below 1e-9");
    assert_line(md, "- ✔ any nonzero is ok");
    assert_line(md, "**2 of 3 checks passed, see the ✘ above.**");
    /* a blank line closes the list before the next paragraph */
    ck_assert_ptr_nonnull(strstr(md, "- ✔ any nonzero is ok\n\nAfter the checks."));
    free(md);

    char *out = slurp_stream(term);
    ck_assert_ptr_nonnull(strstr(out, "Filters & *maps*"));
    assert_line(out, "  ✔ sum is 1.0");
    assert_line(out, "  ✘ max error 1e-03 below 1e-9");
    assert_line(out, "     1.00  -2.50   0.25");
    assert_line(out, "2 of 3 checks passed, 1 failed");
    ck_assert_msg(strchr(out, '\033') == NULL, "ANSI escapes written to a file");
    free(out);
    fclose(term);
}
END_TEST

/* notebook.html: the same blocks as the .md, as HTML, from the same calls. */
START_TEST(notebook_writes_html)
{
    Notebook *nb = nb_open_to("07_html", "Filters & <maps>", NULL);
    ck_assert_msg(nb != NULL, "%s", cn_last_error());
    nb_section(nb, "Section \"%d\"", 1);
    nb_para(nb, "First line <b>\nsecond line\n- item one\n- item two\nafter the list");
    const float m[4] = { 1.0f, -2.5f, 0.25f, 4.0f };
    nb_matrix(nb, "a matrix", m, 2, 2, 2);
    const char *hdr[2] = { "layer", "parameters" };
    const char *cells[4] = { "conv1", "156", "a|b", "85%" };
    nb_table(nb, hdr, cells, 2, 2);
    nb_code(nb, "if (a < b && c)\n    x = 1;");
    float px[4] = { 0, 0.3f, 0.6f, 1 };
    ck_assert_int_eq(image_write_png(nb_path(nb, "my pic.png"), px, 1, 2, 2), 0);
    nb_image(nb, "a tiny \"test\" image", "my pic.png");
    nb_image(nb, "never written", "nope.png");
    nb_check(nb, 1, "one holds");
    nb_check(nb, 0, "two fails: %d < %d", 1, 2);
    nb_para(nb, "After the checks.");
    ck_assert_int_eq(nb_close(nb), 1);

    char *h = slurp(tmp("plots/out/07_html/notebook.html"));
    ck_assert_msg(h != NULL, "no notebook.html in %s/plots/out/07_html", tmpdir);
    ck_assert_ptr_nonnull(strstr(h, "<!DOCTYPE html>"));
    ck_assert_ptr_nonnull(strstr(h, "<meta charset=\"utf-8\">"));
    ck_assert_ptr_nonnull(strstr(h, "<title>Filters &amp; &lt;maps&gt;</title>"));
    ck_assert_ptr_nonnull(strstr(h, "<style>"));
    assert_line(h, "<h1>Filters &amp; &lt;maps&gt;</h1>");
    assert_line(h, "<h2>Section &quot;1&quot;</h2>");
    assert_line(h, "<p>First line &lt;b&gt;<br>");
    assert_line(h, "second line</p>");
    assert_line(h, "<li>item one</li>");
    assert_line(h, "<li>item two</li>");
    ck_assert_ptr_nonnull(strstr(h, "<li>item two</li>\n</ul>\n<p>after the list</p>"));
    assert_line(h, "<pre> 1.00  -2.50");
    assert_line(h, "<thead><tr><th>layer</th><th class=\"num\">parameters</th></tr></thead>");
    assert_line(h, "<tr><td>a|b</td><td class=\"num\">85%</td></tr>");
    assert_line(h, "<pre class=\"text\"><code>if (a &lt; b &amp;&amp; c)");
    assert_line(h, "<figure><img src=\"my%20pic.png\" alt=\"a tiny &quot;test&quot; image\"><figcaption>a tiny "
                   "&quot;test&quot; image</figcaption></figure>");
    ck_assert_ptr_nonnull(strstr(h, "<p class=\"missing\">never written: the image <code>nope.png</code>"));
    assert_line(h, "<ul class=\"checks\">");
    assert_line(h, "<li><span class=\"pass\">✔</span> one holds</li>");
    assert_line(h, "<li class=\"failed\"><span class=\"fail\">✘ FAILED:</span> two fails: 1 &lt; 2</li>");
    ck_assert_ptr_nonnull(strstr(h, "two fails: 1 &lt; 2</li>\n</ul>\n<p>After the checks.</p>"));
    assert_line(h, "<p class=\"tally fail\">1 of 2 checks passed, see the ✘ above.</p>");
    ck_assert_ptr_nonnull(strstr(h, "naturalWidth"));   /* the count of loaded pictures */
    ck_assert_ptr_nonnull(strstr(h, "</body>\n</html>\n"));
    /* every element opened is closed */
    const char *tags[] = { "p", "ul", "li", "pre", "table", "figure", "h2" };
    for (size_t t = 0; t < sizeof tags / sizeof *tags; t++) {
        char open1[16], open2[16], close[16];
        snprintf(open1, sizeof open1, "<%s>", tags[t]);
        snprintf(open2, sizeof open2, "<%s ", tags[t]);
        snprintf(close, sizeof close, "</%s>", tags[t]);
        int opens = 0, closes = 0;
        for (const char *q = h; (q = strstr(q, open1)); q++) opens++;
        for (const char *q = h; (q = strstr(q, open2)); q++) opens++;
        for (const char *q = h; (q = strstr(q, close)); q++) closes++;
        ck_assert_msg(opens == closes, "<%s>: %d opened, %d closed in:\n%s", tags[t], opens, closes, h);
    }
    free(h);
}
END_TEST

START_TEST(notebook_all_checks_pass)
{
    Notebook *nb = nb_open_to("ok", "All good", NULL);
    ck_assert_ptr_nonnull(nb);
    for (int i = 0; i < 5; i++) nb_check(nb, i < 5, "claim %d", i);
    ck_assert_int_eq(nb_close(nb), 0);
    ck_assert_int_eq(nb_close(NULL), -1);
}
END_TEST

START_TEST(notebook_paths_and_pictures)
{
    Notebook *nb = nb_open_to("03_paths", "Paths", NULL);
    ck_assert_ptr_nonnull(nb);
    char want[512];
    snprintf(want, sizeof want, "%s/plots/out/03_paths", tmpdir);
    ck_assert_str_eq(nb_dir(nb), want);
    const char *a = nb_path(nb, "a.png");
    const char *b = nb_path(nb, "sub/b.png");
    snprintf(want, sizeof want, "%s/plots/out/03_paths/a.png", tmpdir);
    ck_assert_str_eq(a, want);   /* still valid after a second call */
    snprintf(want, sizeof want, "%s/plots/out/03_paths/sub/b.png", tmpdir);
    ck_assert_str_eq(b, want);

    float px[4] = { 0, 0.3f, 0.6f, 1 };
    ck_assert_int_eq(image_write_png(nb_path(nb, "sub/b.png"), px, 1, 2, 2), 0);
    nb_image(nb, "a tiny [test] image", "sub/b.png");
    nb_image(nb, "never written", "nope.png");
    nb_plot(nb, "never drawn", "curve.png");
    const char *hdr[2] = { "layer", "parameters" };
    const char *cells[4] = { "conv1", "156", "dense|out", "850" };
    nb_table(nb, hdr, cells, 2, 2);
    nb_code(nb, "line one\n  ```indented```\nline three");
    ck_assert_int_eq(nb_close(nb), 0);

    char *md = slurp(tmp("plots/out/03_paths/notebook.md"));
    ck_assert_ptr_nonnull(md);
    assert_line(md, "![a tiny \\[test\\] image](sub/b.png)");
    assert_line(md, "*never written: the image `nope.png` was not written.*");
    ck_assert_ptr_nonnull(strstr(md, "*never drawn: not drawn"));
    assert_line(md, "| layer | parameters |");
    assert_line(md, "| --- | ---: |");
    assert_line(md, "| dense\\|out | 850 |");
    assert_line(md, "````text");   /* longer than the ``` inside */
    assert_line(md, "  ```indented```");
    free(md);

    ck_assert_ptr_null(nb_open("../escape", "bad id"));
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "../escape"));
    ck_assert_ptr_null(nb_open("", "empty id"));
}
END_TEST

START_TEST(notebook_unwritable_root)
{
    /* a file where the output folder should go */
    FILE *f = fopen(tmp("plots"), "w");
    ck_assert_ptr_nonnull(f);
    fclose(f);
    Notebook *nb = nb_open("01_x", "x");
    ck_assert_ptr_null(nb);
    const char *msg = cn_last_error();
    ck_assert_msg(strstr(msg, "01_x") && strstr(msg, "CONVNET_ROOT"), "%s", msg);
}
END_TEST

START_TEST(notebook_wraps_paragraphs)
{
    FILE *term = tmpfile();
    ck_assert_ptr_nonnull(term);
    Notebook *nb = nb_open_to("wrap", "Wrap", term);
    ck_assert_ptr_nonnull(nb);
    fflush(term);
    long start = ftell(term);
    nb_para(nb, "%s", "Convolution slides a small kernel over the image → at every position it multiplies "
                      "and sums, and the sum becomes one pixel of the output map; the kernel is the same "
                      "everywhere, which is why a convolution layer has so few weights.\n"
                      "- a list item long enough to need a second line in the terminal, so that the "
                      "hanging indent shows under the text");
    ck_assert_int_eq(nb_close(nb), 0);
    char *out = slurp_stream(term);
    int lines = 0, after_item = 0;
    for (char *p = out + start, *nl; *p; p = nl + 1) {
        nl = strchr(p, '\n');
        if (!nl) break;
        size_t cols = 0;
        for (char *q = p; q < nl; q++) cols += ((unsigned char)*q & 0xC0) != 0x80;
        ck_assert_msg(cols <= 78, "line of %zu columns: %.*s", cols, (int)(nl - p), p);
        lines++;
        /* the line after the list item's first is indented under its text */
        if (after_item == 1) ck_assert_msg(p[0] == ' ' && p[1] == ' ' && p[2] != ' ', "%.*s", (int)(nl - p), p);
        if (after_item) after_item++;
        if (!strncmp(p, "- a list item", 13)) after_item = 1;
    }
    ck_assert_int_ge(lines, 5);
    ck_assert_int_ge(after_item, 2);
    free(out);
    fclose(term);
}
END_TEST

/* --- the library's own code ---------------------------------------------------------- */

START_TEST(notebook_shows_library_source)
{
    FILE *term = tmpfile();
    ck_assert_ptr_nonnull(term);
    Notebook *nb = nb_open_to("src", "Source", term);
    ck_assert_ptr_nonnull(nb);
    ck_assert_int_eq(nb_code_from_source(nb, "core/conv.c", "conv2d_window"), 1);
    ck_assert_int_eq(nb_close(nb), 0);

    /* The range printed must be the function's lines in the real file. */
    char path[1024];
    snprintf(path, sizeof path, "%s/core/conv.c", cn_source_root());
    char *src = slurp(path);
    ck_assert_ptr_nonnull(src);
    int def = 1;
    const char *at = strstr(src, "\nfloat conv2d_window(");
    ck_assert_ptr_nonnull(at);
    for (const char *p = src; p <= at; p++) def += *p == '\n';
    char *md = slurp(tmp("plots/out/src/notebook.md"));
    ck_assert_ptr_nonnull(md);
    int first = 0, last = 0;
    const char *cap = strstr(md, "**core/conv.c, lines ");
    ck_assert_msg(cap && sscanf(cap, "**core/conv.c, lines %d-%d**", &first, &last) == 2, "%s", md);
    ck_assert_msg(first < def && def < last, "lines %d-%d do not hold the definition at line %d", first, last, def);
    /* the block is lines first..last of the file, verbatim */
    const char *line = src;
    for (int i = 1; i < first; i++) line = strchr(line, '\n') + 1;
    const char *end = line;
    for (int i = first; i <= last; i++) end = strchr(end, '\n') + 1;
    const char *block = strstr(md, "```c\n");
    ck_assert_ptr_nonnull(block);
    block += 5;
    ck_assert_msg(!strncmp(block, line, (size_t)(end - line)), "the block differs from the file:\n%s", block);
    ck_assert_msg(!strncmp(block + (end - line), "```\n", 4), "the block does not end after line %d", last);
    ck_assert_msg(strstr(md, "changed since") == NULL, "the source was said to be newer than the program");
    free(md);
    free(src);

    char *out = slurp_stream(term);
    ck_assert_ptr_nonnull(strstr(out, "core/conv.c, lines "));
    ck_assert_ptr_nonnull(strstr(out, "    float conv2d_window(float acc"));
    free(out);
    fclose(term);
}
END_TEST

START_TEST(notebook_source_missing_is_a_sentence)
{
    /* A file in $CONVNET_ROOT (the temporary folder) that is newer than the program. */
    write_file("src", "src/loops.c",
               "/* Sum of a row. */\nfloat row_sum(const float *x, int n)\n{\n    float s = 0;\n"
               "    for (int i = 0; i < n; i++) s += x[i];\n    return s;\n}\n");
    struct timespec later[2] = { { time(NULL) + 3600, 0 }, { time(NULL) + 3600, 0 } };
    ck_assert_int_eq(utimensat(AT_FDCWD, tmp("src/loops.c"), later, 0), 0);

    Notebook *nb = nb_open_to("nosrc", "No source", NULL);
    ck_assert_ptr_nonnull(nb);
    ck_assert_int_eq(nb_code_from_source(nb, "src/loops.c", "row_sum"), 1);
    ck_assert_int_eq(nb_code_from_source(nb, "core/no_such_file.c", "conv2d_window"), 0);
    ck_assert_int_eq(nb_code_from_source(nb, "core/conv.c", "no_such_function"), 0);
    ck_assert_int_eq(nb_code_from_source(nb, NULL, "f"), 0);
    ck_assert_int_eq(nb_code_from_source(NULL, "core/conv.c", "conv2d_window"), 0);
    ck_assert_int_eq(nb_checks_run(nb), 0);   /* no check, so no ✘ */
    ck_assert_int_eq(nb_close(nb), 0);

    char *md = slurp(tmp("plots/out/nosrc/notebook.md"));
    ck_assert_ptr_nonnull(md);
    assert_line(md, "**src/loops.c, lines 1-7** (changed since this program was built: run `make build`)");
    ck_assert_ptr_nonnull(strstr(md, "```c\n/* Sum of a row. */\nfloat row_sum(const float *x, int n)\n"));
    ck_assert_msg(strstr(md, "(Here the notebook would show conv2d\\_window() as it is written in "
                             "core/no\\_such\\_file.c, but the source is not here") != NULL, "%s", md);
    ck_assert_msg(strstr(md, "holds no definition of it any more") != NULL, "%s", md);
    ck_assert_ptr_null(strstr(md, "✘"));
    free(md);
}
END_TEST

/* --- plots --------------------------------------------------------------------------- */

static const double xs[5] = { 1, 2, 3, 4, 5 };
static const double train[5] = { 2.3, 1.1, 0.7, 0.5, 0.4 };
static const double test_[5] = { 2.4, 1.4, 1.0, NAN, 0.8 };

static int draw_lines(const char *title)
{
    const char *names[2] = { "train loss", "test loss" };
    const double *ys[2] = { train, test_ };
    return plot_lines(tmp("out/loss.png"), tmp("out/loss.dat"), title, "epoch", "loss", names, xs, ys, 2, 5);
}

START_TEST(plot_lines_writes_data_and_png)
{
    int rc = draw_lines("Loss: it's \"quoted\", conv_1 → ok");
    ck_assert_msg(rc == PLOT_OK, "plot_lines returned %d: %s", rc, cn_last_error());
    ck_assert_msg(is_png(tmp("out/loss.png")), "no valid PNG at %s", tmp("out/loss.png"));
    char *dat = slurp(tmp("out/loss.dat"));
    ck_assert_ptr_nonnull(dat);
    ck_assert_ptr_nonnull(strstr(dat, "# draw: gnuplot -e \"datafile='"));
    ck_assert_ptr_nonnull(strstr(dat, "plottitle='Loss: it''s \\\"quoted\\\", conv_1 → ok'"));
    assert_line(dat, "\"epoch\" \"train loss\" \"test loss\"");
    assert_line(dat, " 1 2.3 2.4");
    assert_line(dat, " 4 0.5 NaN");
    /* whole-number epochs: a tick at each; short names: the key beside the plot */
    ck_assert_ptr_nonnull(strstr(dat, "xint=1"));
    ck_assert_ptr_null(strstr(dat, "keybelow"));
    free(dat);

    /* fractional x and a long curve name: no whole-number ticks, the key under the plot */
    const double fx[3] = { 0.5, 1.0, 1.5 }, fy[3] = { 3, 2, 1 }, *fys[1] = { fy };
    const char *long_name[1] = { "mean of the last 20 batches" };
    ck_assert_int_eq(plot_lines(tmp("out/f.png"), tmp("out/f.dat"), "f", "epoch", "loss", long_name, fx, fys, 1, 3),
                     PLOT_OK);
    dat = slurp(tmp("out/f.dat"));
    ck_assert_ptr_nonnull(dat);
    ck_assert_ptr_null(strstr(dat, "xint"));
    ck_assert_ptr_nonnull(strstr(dat, "keybelow=1"));
    free(dat);

    char *text = plot_lines_ascii(tmp("out/loss.dat"), "loss", 60, 16);
    ck_assert_msg(text != NULL, "%s", cn_last_error());
    ck_assert_ptr_nonnull(strstr(text, "train loss"));
    ck_assert_ptr_null(strchr(text, '\f'));
    int lines = 0;
    for (const char *p = text; *p; p++) lines += *p == '\n';
    ck_assert_int_ge(lines, 10);
    ck_assert_int_le(lines, 16);
    free(text);
}
END_TEST

START_TEST(plot_stems_draws_panels)
{
    const char *names[2] = { "train loss", "test loss" };
    const double *ys[2] = { train, test_ };
    int rc = plot_stems(tmp("out/s.png"), tmp("out/s.dat"), "Samples", "t", "value", names, xs, ys, 2, 5);
    ck_assert_msg(rc == PLOT_OK, "plot_stems returned %d: %s", rc, cn_last_error());
    ck_assert(is_png(tmp("out/s.png")));
    char *dat = slurp(tmp("out/s.dat"));
    ck_assert_ptr_nonnull(dat);
    ck_assert_ptr_nonnull(strstr(dat, "; stems=1; height=540\""));   /* the draw line redraws the stems */
    assert_line(dat, " 4 0.5 NaN");
    free(dat);
    /* two panels, one above the other: the PNG is taller than a plot_lines one (800x500) */
    CnImage *im = image_load(tmp("out/s.png"), 1);
    ck_assert_ptr_nonnull(im);
    ck_assert_int_eq(im->h, 540);
    image_free(im);
}
END_TEST

START_TEST(plot_heatmap_and_bars)
{
    const double cm[6] = { 50, 3, 1, 2, 40, 8 };
    const char *rows[2] = { "T-shirt/top", "Ankle boot" };
    const char *cols[3] = { "T-shirt/top", "Ankle boot", "Bag" };
    int rc = plot_heatmap(tmp("cm.png"), tmp("cm.dat"), "Confusion", "true", "predicted", cm, 2, 3, rows, cols);
    ck_assert_msg(rc == PLOT_OK, "plot_heatmap returned %d: %s", rc, cn_last_error());
    ck_assert(is_png(tmp("cm.png")));
    char *dat = slurp(tmp("cm.dat"));
    ck_assert_ptr_nonnull(dat);
    assert_line(dat, "\"\" \"T-shirt/top\" \"Ankle boot\" \"Bag\"");
    assert_line(dat, "\"T-shirt/top\" 50 3 1");
    assert_line(dat, "\"Ankle boot\" 2 40 8");
    ck_assert_ptr_nonnull(strstr(dat, "cellfmt='%.0f'"));
    free(dat);

    const double w[4] = { -0.5, 0.25, 0.125, -1 };
    rc = plot_heatmap(tmp("w.png"), tmp("w.dat"), "weights", NULL, NULL, w, 2, 2, NULL, NULL);
    ck_assert_msg(rc == PLOT_OK, "%s", cn_last_error());
    ck_assert(is_png(tmp("w.png")));
    dat = slurp(tmp("w.dat"));
    ck_assert_ptr_nonnull(strstr(dat, "signed=1"));
    assert_line(dat, "\"1\" 0.125 -1");
    free(dat);

    const double acc[3] = { 0.85, 0.97, 0.5 };
    rc = plot_bars(tmp("acc.png"), tmp("acc.dat"), "Per-class accuracy", "accuracy", cols, acc, 3);
    ck_assert_msg(rc == PLOT_OK, "plot_bars returned %d: %s", rc, cn_last_error());
    ck_assert(is_png(tmp("acc.png")));
    dat = slurp(tmp("acc.dat"));
    assert_line(dat, "\"Ankle boot\" 0.97");
    free(dat);
}
END_TEST

/* Curves in (training, test) pairs on a log axis, and a confusion matrix
 * whose diagonal and mistakes are each on their own scale: the data files
 * carry the switches the scripts read, and gnuplot draws both. */
START_TEST(plot_pairs_and_confusion)
{
    const char *names[2] = { "training", "test" };
    const double zero_train[5] = { 0.5, 0.1, 0.0, 0.02, 0.01 };
    const double *ys[2] = { zero_train, test_ };
    int rc = plot_lines_pairs(tmp("pairs.png"), tmp("pairs.dat"), "Error", "epoch", "error", names, xs, ys, 2, 5, 1);
    ck_assert_msg(rc == PLOT_OK, "plot_lines_pairs returned %d: %s", rc, cn_last_error());
    ck_assert(is_png(tmp("pairs.png")));
    char *dat = slurp(tmp("pairs.dat"));
    ck_assert_ptr_nonnull(dat);
    ck_assert_ptr_nonnull(strstr(dat, "logy=1;"));
    ck_assert_ptr_nonnull(strstr(dat, "pairs=1"));
    assert_line(dat, " 3 NaN 1"); /* 0 has no place on a log axis: a gap */
    free(dat);

    const double cm[9] = { 50, 3, 0, 2, 40, 8, 0, 1, 45 };
    const char *cls[3] = { "T-shirt/top", "Trouser", "Bag" };
    rc = plot_confusion(tmp("conf.png"), tmp("conf.dat"), "Confusion", cm, 3, cls);
    ck_assert_msg(rc == PLOT_OK, "plot_confusion returned %d: %s", rc, cn_last_error());
    ck_assert(is_png(tmp("conf.png")));
    dat = slurp(tmp("conf.dat"));
    ck_assert_ptr_nonnull(dat);
    ck_assert_ptr_nonnull(strstr(dat, "confusion=1; diagmax=50; offmax=8"));
    ck_assert_ptr_nonnull(strstr(dat, "rowlab='true class'; collab='predicted class'"));
    assert_line(dat, "\"Trouser\" 2 40 8");
    free(dat);

    const double bad[4] = { 5, -1, 0, 3 };
    ck_assert_int_eq(plot_confusion(tmp("bad.png"), tmp("bad.dat"), "t", bad, 2, NULL), -1);
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "not a count"));
}
END_TEST

START_TEST(plot_rejects_bad_text)
{
    const char *names[1] = { "a \"quoted\" name" };
    const double *ys[1] = { train };
    ck_assert_int_eq(plot_lines(tmp("x.png"), tmp("x.dat"), "t", "x", "y", names, xs, ys, 1, 5), -1);
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "double quote"));
    ck_assert_int_eq(plot_lines(tmp("x.png"), tmp("x.dat"), "two\nlines", "x", "y", NULL, xs, ys, 1, 5), -1);
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "control character"));
    ck_assert_int_eq(plot_bars(tmp("b.png"), tmp("b.dat"), "t", "y", NULL, train, 0), -1);
    ck_assert(!exists(tmp("x.dat")));   /* nothing half-written */
}
END_TEST

START_TEST(plot_without_gnuplot_keeps_the_data)
{
    /* A PATH without gnuplot (this test runs in its own process). */
    ck_assert_int_eq(setenv("PATH", "/nonexistent", 1), 0);
    int rc = draw_lines("Loss");
    ck_assert_msg(rc == PLOT_DATA_ONLY, "expected PLOT_DATA_ONLY (1), got %d: %s", rc, cn_last_error());
    ck_assert(exists(tmp("out/loss.dat")));
    ck_assert(!exists(tmp("out/loss.png")));
    const char *msg = cn_last_error();
    ck_assert_msg(strstr(msg, "gnuplot is not installed") != NULL, "%s", msg);
    ck_assert_msg(strstr(msg, "apt-get install gnuplot-nox") != NULL, "%s", msg);
    ck_assert_msg(strstr(msg, "gnuplot -e \"datafile='") != NULL, "%s", msg);
    ck_assert_msg(strstr(msg, "/plots/lines.gp") != NULL, "%s", msg);
    ck_assert_msg(strstr(msg, "loss.png") != NULL, "%s", msg);

    const double v[2] = { 1, 2 };
    ck_assert_int_eq(plot_bars(tmp("b.png"), tmp("b.dat"), "t", "y", NULL, v, 2), PLOT_DATA_ONLY);
    ck_assert(exists(tmp("b.dat")));
    ck_assert_ptr_null(plot_lines_ascii(tmp("out/loss.dat"), NULL, 0, 0));
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "not installed"));

    /* the notebook says the plot was not drawn */
    Notebook *nb = nb_open_to("nognuplot", "x", NULL);
    ck_assert_ptr_nonnull(nb);
    nb_plot(nb, "loss", "loss.png");
    ck_assert_int_eq(nb_close(nb), 0);
    char *md = slurp(tmp("plots/out/nognuplot/notebook.md"));
    ck_assert_ptr_nonnull(strstr(md, "not drawn (gnuplot was not available"));
    free(md);
}
END_TEST

START_TEST(plot_reports_gnuplot_errors)
{
    /* A broken script: gnuplot's own complaint must reach the message. */
    write_file("scripts", "scripts/lines.gp", "set terminal pngcairo\nset output outfile\nplot no_such_function(x)\n");
    ck_assert_int_eq(setenv("CONVNET_SCRIPTS", tmp("scripts"), 1), 0);
    int rc = draw_lines("Loss");
    ck_assert_int_eq(rc, -1);
    const char *msg = cn_last_error();
    ck_assert_msg(strstr(msg, "gnuplot failed") && strstr(msg, "no_such_function"), "%s", msg);
    ck_assert(exists(tmp("out/loss.dat")));

    /* a script that is not there */
    ck_assert_int_eq(setenv("CONVNET_SCRIPTS", tmp("nowhere"), 1), 0);
    ck_assert_int_eq(draw_lines("Loss"), -1);
    ck_assert_msg(strstr(cn_last_error(), "not found") != NULL, "%s", cn_last_error());
}
END_TEST

Suite *notebook_suite(void)
{
    Suite *s = suite_create("notebook");
    TCase *tc = tcase_create("notebook");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, notebook_writes_markdown);
    tcase_add_test(tc, notebook_writes_html);
    tcase_add_test(tc, notebook_all_checks_pass);
    tcase_add_test(tc, notebook_paths_and_pictures);
    tcase_add_test(tc, notebook_unwritable_root);
    tcase_add_test(tc, notebook_wraps_paragraphs);
    tcase_add_test(tc, notebook_shows_library_source);
    tcase_add_test(tc, notebook_source_missing_is_a_sentence);
    suite_add_tcase(s, tc);
    tc = tcase_create("plot");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);   /* each test starts gnuplot a few times */
    tcase_add_test(tc, plot_lines_writes_data_and_png);
    tcase_add_test(tc, plot_stems_draws_panels);
    tcase_add_test(tc, plot_heatmap_and_bars);
    tcase_add_test(tc, plot_pairs_and_confusion);
    tcase_add_test(tc, plot_rejects_bad_text);
    tcase_add_test(tc, plot_without_gnuplot_keeps_the_data);
    tcase_add_test(tc, plot_reports_gnuplot_errors);
    suite_add_tcase(s, tc);
    return s;
}
