/* check_idx.c - the IDX reader on good files and on every kind of bad one,
 * and the writer's round trip. Bad files are written into a fresh temporary
 * directory per test, and every rejection must name the file and the problem. */
#include <check.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "datasets/idx.h"
#include "tests/support.h"

/* --- fixture: a temporary directory, emptied and removed afterwards -------- */

static char tmpdir[64];

static void make_tmpdir(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/cn_idx_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void remove_tmpdir(void) { remove_tree(tmpdir, 1); }

/* --- helpers ---------------------------------------------------------------- */

static void put_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* Header bytes for (type, rank, dims) into buf; returns its length. */
static size_t make_header(unsigned char *buf, int type, int rank, const uint32_t *dims)
{
    buf[0] = 0;
    buf[1] = 0;
    buf[2] = (unsigned char)type;
    buf[3] = (unsigned char)rank;
    for (int i = 0; i < rank; i++) put_be32(buf + 4 + 4 * i, dims[i]);
    return 4 + 4 * (size_t)rank;
}

/* Write len bytes to tmpdir/name; the full path goes to path. */
static void write_file(const char *name, const unsigned char *bytes, size_t len, char *path, size_t size)
{
    snprintf(path, size, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    if (len) ck_assert_uint_eq(fwrite(bytes, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);
}

/* Load tmpdir/name holding `bytes`; expect failure, a zeroed Idx, and a
 * message naming the file and containing `problem`. */
static void expect_rejected(const char *name, const unsigned char *bytes, size_t len, const char *problem)
{
    char path[512];
    write_file(name, bytes, len, path, sizeof path);
    Idx x;
    cn_clear_error();
    ck_assert_int_eq(idx_load(&x, path), -1);
    ck_assert_ptr_null(x.data);
    ck_assert_int_eq(x.rank, 0);
    assert_has(cn_last_error(), path);
    assert_has(cn_last_error(), problem);
    idx_free(&x);

    /* The in-memory parser gives the same verdict, naming its `name`. */
    unsigned char *copy = malloc(len ? len : 1);
    ck_assert_ptr_nonnull(copy);
    if (len) memcpy(copy, bytes, len);
    cn_clear_error();
    ck_assert_int_eq(idx_parse(&x, copy, len, name), -1);
    ck_assert_ptr_null(x.data);
    assert_has(cn_last_error(), name);
    assert_has(cn_last_error(), problem);
    free(copy);
}

/* A valid 2x3x4 unsigned-byte file: header + bytes 0..23. */
static size_t good_u8(unsigned char *buf)
{
    const uint32_t dims[3] = { 2, 3, 4 };
    size_t h = make_header(buf, IDX_U8, 3, dims);
    for (int i = 0; i < 24; i++) buf[h + (size_t)i] = (unsigned char)(i * 10);
    return h + 24;
}

/* --- good files ------------------------------------------------------------- */

START_TEST(reads_unsigned_bytes)
{
    unsigned char buf[64];
    size_t len = good_u8(buf);
    char path[512];
    write_file("good", buf, len, path, sizeof path);
    Idx x;
    ck_assert_int_eq(idx_load(&x, path), 0);
    ck_assert_int_eq(x.type, IDX_U8);
    ck_assert_int_eq(x.rank, 3);
    ck_assert_uint_eq(x.dims[0], 2);
    ck_assert_uint_eq(x.dims[1], 3);
    ck_assert_uint_eq(x.dims[2], 4);
    ck_assert_uint_eq(x.dims[3], 0);
    ck_assert_uint_eq(x.count, 24);
    ck_assert_uint_eq(x.elem_size, 1);
    for (int i = 0; i < 24; i++)
        ck_assert_msg(x.data[i] == (unsigned char)(i * 10), "byte %d is %d, expected %d", i,
                      x.data[i], i * 10);
    ck_assert_int_eq(idx_expect(&x, IDX_U8, 3, path, "images"), 0);
    idx_free(&x);
    ck_assert_ptr_null(x.data);
    ck_assert_uint_eq(x.count, 0);
    idx_free(&x); /* twice is harmless */

    ck_assert_int_eq(idx_parse(&x, buf, len, "good"), 0);
    ck_assert_uint_eq(x.count, 24);
    ck_assert_int_eq(x.data[23], 230);
    idx_free(&x);
}
END_TEST

START_TEST(multibyte_types_become_host_order)
{
    unsigned char buf[128];
    Idx x;
    const uint32_t two[1] = { 2 };

    /* short: 0x0102 = 258, 0xFFFE = -2 */
    size_t h = make_header(buf, IDX_I16, 1, two);
    memcpy(buf + h, "\x01\x02\xff\xfe", 4);
    ck_assert_int_eq(idx_parse(&x, buf, h + 4, "i16"), 0);
    ck_assert_uint_eq(x.elem_size, 2);
    int16_t s[2];
    memcpy(s, x.data, sizeof s);
    ck_assert_int_eq(s[0], 258);
    ck_assert_int_eq(s[1], -2);
    idx_free(&x);

    /* int: 0x01020304, -1 */
    h = make_header(buf, IDX_I32, 1, two);
    memcpy(buf + h, "\x01\x02\x03\x04\xff\xff\xff\xff", 8);
    ck_assert_int_eq(idx_parse(&x, buf, h + 8, "i32"), 0);
    int32_t i32[2];
    memcpy(i32, x.data, sizeof i32);
    ck_assert_int_eq(i32[0], 0x01020304);
    ck_assert_int_eq(i32[1], -1);
    idx_free(&x);

    /* float: 1.5f = 0x3FC00000, -2.0f = 0xC0000000 */
    h = make_header(buf, IDX_F32, 1, two);
    memcpy(buf + h, "\x3f\xc0\x00\x00\xc0\x00\x00\x00", 8);
    ck_assert_int_eq(idx_parse(&x, buf, h + 8, "f32"), 0);
    ck_assert_uint_eq(x.elem_size, 4);
    ck_assert_float_eq(((const float *)x.data)[0], 1.5f);
    ck_assert_float_eq(((const float *)x.data)[1], -2.0f);
    idx_free(&x);

    /* double: 0.1 = 0x3FB999999999999A, 1e300 = 0x7E37E43C8800759C */
    h = make_header(buf, IDX_F64, 1, two);
    memcpy(buf + h, "\x3f\xb9\x99\x99\x99\x99\x99\x9a\x7e\x37\xe4\x3c\x88\x00\x75\x9c", 16);
    ck_assert_int_eq(idx_parse(&x, buf, h + 16, "f64"), 0);
    ck_assert_uint_eq(x.elem_size, 8);
    ck_assert_double_eq(((const double *)x.data)[0], 0.1);
    ck_assert_double_eq(((const double *)x.data)[1], 1e300);
    idx_free(&x);

    /* signed byte */
    h = make_header(buf, IDX_I8, 1, two);
    memcpy(buf + h, "\x7f\x80", 2);
    ck_assert_int_eq(idx_parse(&x, buf, h + 2, "i8"), 0);
    ck_assert_int_eq((signed char)x.data[0], 127);
    ck_assert_int_eq((signed char)x.data[1], -128);
    idx_free(&x);

    ck_assert_str_eq(idx_type_name(IDX_U8), "unsigned byte");
    ck_assert_str_eq(idx_type_name(IDX_F64), "double");
    ck_assert_ptr_null(idx_type_name(0x0A));
}
END_TEST

START_TEST(round_trip)
{
    /* A rank-4 array with a byte pattern that distinguishes every position. */
    const uint32_t dims[4] = { 3, 5, 7, 2 };
    size_t n = 3 * 5 * 7 * 2;
    unsigned char data[210];
    for (size_t i = 0; i < n; i++) data[i] = (unsigned char)(i * 37 + 11);
    char path[512];
    snprintf(path, sizeof path, "%s/rt-idx4-ubyte", tmpdir);

    /* Write twice: the second write replaces the first in place. */
    unsigned char first[210];
    memset(first, 0xAA, sizeof first);
    ck_assert_int_eq(idx_write_u8(path, first, 4, dims), 0);
    ck_assert_int_eq(idx_write_u8(path, data, 4, dims), 0);

    Idx x;
    ck_assert_int_eq(idx_load(&x, path), 0);
    ck_assert_int_eq(x.type, IDX_U8);
    ck_assert_int_eq(x.rank, 4);
    for (int i = 0; i < 4; i++) ck_assert_uint_eq(x.dims[i], dims[i]);
    ck_assert_uint_eq(x.count, n);
    size_t bad = n;
    for (size_t i = 0; i < n && bad == n; i++)
        if (x.data[i] != data[i]) bad = i;
    ck_assert_msg(bad == n, "first mismatch at byte %zu: %d vs %d", bad, bad < n ? x.data[bad] : 0,
                  bad < n ? data[bad] : 0);
    idx_free(&x);

    /* The exact bytes on disk: big-endian header, then the data. */
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    unsigned char disk[300];
    size_t got = fread(disk, 1, sizeof disk, f);
    fclose(f);
    ck_assert_uint_eq(got, 20 + n);
    const unsigned char hdr[20] = { 0, 0, 8, 4, 0, 0, 0, 3, 0, 0, 0, 5, 0, 0, 0, 7, 0, 0, 0, 2 };
    ck_assert_int_eq(memcmp(disk, hdr, 20), 0);
    ck_assert_int_eq(memcmp(disk + 20, data, n), 0);

    /* Readable by all (mkstemp's 0600 is widened), and no temporary left behind. */
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0644);
    DIR *d = opendir(tmpdir);
    ck_assert_ptr_nonnull(d);
    int entries = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) entries++;
    closedir(d);
    ck_assert_int_eq(entries, 1);
}
END_TEST

START_TEST(writer_refuses_bad_arguments)
{
    unsigned char data[4] = { 1, 2, 3, 4 };
    uint32_t dims[2] = { 2, 2 }, zero[2] = { 2, 0 };
    char path[512];
    snprintf(path, sizeof path, "%s/w", tmpdir);
    ck_assert_int_eq(idx_write_u8(path, data, 0, dims), -1);
    assert_has(cn_last_error(), "rank 0");
    ck_assert_int_eq(idx_write_u8(path, data, 5, dims), -1);
    assert_has(cn_last_error(), "rank 5");
    ck_assert_int_eq(idx_write_u8(path, data, 2, zero), -1);
    assert_has(cn_last_error(), "dimension 1 is zero");
    assert_has(cn_last_error(), path);
    snprintf(path, sizeof path, "%s/no/such/dir/w", tmpdir);
    ck_assert_int_eq(idx_write_u8(path, data, 2, dims), -1);
    assert_has(cn_last_error(), path);
    assert_has(cn_last_error(), "No such file or directory");
}
END_TEST

/* --- bad files -------------------------------------------------------------- */

START_TEST(rejects_bad_magic)
{
    unsigned char buf[64];
    size_t len = good_u8(buf);
    buf[0] = 0x01;
    expect_rejected("magic0", buf, len, "bad magic");
    buf[0] = 0;
    buf[1] = 0x08;
    expect_rejected("magic1", buf, len, "bad magic");
    /* A still-compressed download gets a hint. */
    buf[0] = 0x1f;
    buf[1] = 0x8b;
    expect_rejected("gz", buf, len, "gzip-compressed");
}
END_TEST

START_TEST(rejects_unsupported_type)
{
    unsigned char buf[64];
    size_t len = good_u8(buf);
    buf[2] = 0x0A;
    expect_rejected("type0a", buf, len, "unsupported type 0x0a");
    buf[2] = 0x00;
    expect_rejected("type00", buf, len, "unsupported type 0x00");
    buf[2] = 0xff;
    expect_rejected("typeff", buf, len, "unsupported type 0xff");
}
END_TEST

START_TEST(rejects_bad_rank)
{
    unsigned char buf[64] = { 0, 0, IDX_U8, 0, 7 };
    expect_rejected("rank0", buf, 5, "unsupported rank 0");
    const uint32_t dims[5] = { 1, 1, 1, 1, 1 };
    size_t h = make_header(buf, IDX_U8, 5, dims);
    buf[h] = 9;
    expect_rejected("rank5", buf, h + 1, "unsupported rank 5");
    buf[3] = 255;
    expect_rejected("rank255", buf, h + 1, "unsupported rank 255");
}
END_TEST

START_TEST(rejects_unexpected_rank_or_type)
{
    /* A well-formed labels file (rank 1) where images (rank 3) are expected. */
    unsigned char buf[64];
    const uint32_t dims[1] = { 5 };
    size_t h = make_header(buf, IDX_U8, 1, dims);
    memset(buf + h, 1, 5);
    char path[512];
    write_file("labels-idx1-ubyte", buf, h + 5, path, sizeof path);
    Idx x;
    ck_assert_int_eq(idx_load(&x, path), 0);
    ck_assert_int_eq(idx_expect(&x, IDX_U8, 3, path, "images"), -1);
    assert_has(cn_last_error(), path);
    assert_has(cn_last_error(), "rank 1");
    assert_has(cn_last_error(), "images must have rank 3");
    ck_assert_int_eq(idx_expect(&x, IDX_F32, 1, path, "weights"), -1);
    assert_has(cn_last_error(), path);
    assert_has(cn_last_error(), "weights must be type 0x0d (float)");
    idx_free(&x);
    ck_assert_int_eq(idx_expect(&x, IDX_U8, 1, path, "labels"), -1);
    assert_has(cn_last_error(), "no data loaded");
}
END_TEST

START_TEST(rejects_overflowing_dims)
{
    unsigned char buf[64];
    /* Element count (2^32-1)^4 overflows any size_t. */
    const uint32_t big4[4] = { 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu };
    size_t h = make_header(buf, IDX_U8, 4, big4);
    memset(buf + h, 0, 8);
    expect_rejected("big4", buf, h + 8, "overflow");
    /* Count (2^32-1)^2 < 2^64 fits, but 8-byte doubles overflow the byte size. */
    const uint32_t big2[2] = { 0xffffffffu, 0xffffffffu };
    h = make_header(buf, IDX_F64, 2, big2);
    expect_rejected("big2f64", buf, h + 8, "overflow");
    /* Fits in size_t, but the file is far shorter than the header claims:
     * rejected before any allocation of that size. */
    const uint32_t large[2] = { 0xffffffffu, 0xfffu };
    h = make_header(buf, IDX_U8, 2, large);
    expect_rejected("large", buf, h + 8, "truncated");
}
END_TEST

START_TEST(rejects_zero_dim)
{
    unsigned char buf[64];
    const uint32_t dims[3] = { 4, 0, 28 };
    size_t h = make_header(buf, IDX_U8, 3, dims);
    expect_rejected("zerodim", buf, h, "dimension 1 is zero");
}
END_TEST

START_TEST(rejects_short_files)
{
    unsigned char buf[64];
    size_t len = good_u8(buf);
    expect_rejected("empty", buf, 0, "truncated header");
    expect_rejected("three", buf, 3, "truncated header");
    expect_rejected("halfdims", buf, 10, "truncated header");
    expect_rejected("nodata", buf, 16, "truncated: 16 bytes");
    expect_rejected("oneshort", buf, len - 1, "needs 40");
    /* Every proper prefix is refused, and (under ASan) the parser reads
     * only inside its exactly-sized buffer. */
    for (size_t cut = 0; cut < len; cut++) {
        unsigned char *p = malloc(cut ? cut : 1);
        ck_assert_ptr_nonnull(p);
        memcpy(p, buf, cut);
        Idx x;
        ck_assert_int_eq(idx_parse(&x, p, cut, "prefix"), -1);
        ck_assert_msg(strstr(cn_last_error(), "truncated") != NULL, "prefix %zu: %s", cut,
                      cn_last_error());
        free(p);
    }
}
END_TEST

START_TEST(rejects_long_files)
{
    unsigned char buf[64];
    size_t len = good_u8(buf);
    buf[len] = 0;
    expect_rejected("onelong", buf, len + 1, "1 extra bytes");
    memset(buf + len, 7, 10);
    expect_rejected("tenlong", buf, len + 10, "too long: 50 bytes");
}
END_TEST

START_TEST(rejects_missing_and_unreadable)
{
    char path[512];
    Idx x;
    snprintf(path, sizeof path, "%s/train-images-idx3-ubyte", tmpdir);
    ck_assert_int_eq(idx_load(&x, path), -1);
    ck_assert_ptr_null(x.data);
    assert_has(cn_last_error(), path);
    assert_has(cn_last_error(), "missing");
    assert_has(cn_last_error(), "run `make datasets`");

    snprintf(path, sizeof path, "%s/nodir/t10k-labels-idx1-ubyte", tmpdir);
    ck_assert_int_eq(idx_load(&x, path), -1);
    assert_has(cn_last_error(), path);
    assert_has(cn_last_error(), "make datasets");

    /* A directory opens but is not a file. */
    snprintf(path, sizeof path, "%s/adir", tmpdir);
    ck_assert_int_eq(mkdir(path, 0755), 0);
    ck_assert_int_eq(idx_load(&x, path), -1);
    assert_has(cn_last_error(), path);
    assert_has(cn_last_error(), "not a regular file");

    /* Permission denied: only meaningful when not running as root. */
    if (geteuid() != 0) {
        unsigned char buf[64];
        size_t len = good_u8(buf);
        write_file("noperm", buf, len, path, sizeof path);
        ck_assert_int_eq(chmod(path, 0), 0);
        ck_assert_int_eq(idx_load(&x, path), -1);
        assert_has(cn_last_error(), path);
        assert_has(cn_last_error(), "cannot open");
    }
}
END_TEST

Suite *idx_suite(void)
{
    Suite *s = suite_create("idx");
    TCase *tc = tcase_create("good");
    tcase_add_checked_fixture(tc, make_tmpdir, remove_tmpdir);
    tcase_add_test(tc, reads_unsigned_bytes);
    tcase_add_test(tc, multibyte_types_become_host_order);
    tcase_add_test(tc, round_trip);
    tcase_add_test(tc, writer_refuses_bad_arguments);
    suite_add_tcase(s, tc);
    tc = tcase_create("bad");
    tcase_add_checked_fixture(tc, make_tmpdir, remove_tmpdir);
    tcase_add_test(tc, rejects_bad_magic);
    tcase_add_test(tc, rejects_unsupported_type);
    tcase_add_test(tc, rejects_bad_rank);
    tcase_add_test(tc, rejects_unexpected_rank_or_type);
    tcase_add_test(tc, rejects_overflowing_dims);
    tcase_add_test(tc, rejects_zero_dim);
    tcase_add_test(tc, rejects_short_files);
    tcase_add_test(tc, rejects_long_files);
    tcase_add_test(tc, rejects_missing_and_unreadable);
    suite_add_tcase(s, tc);
    return s;
}
