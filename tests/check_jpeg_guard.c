/* check_jpeg_guard.c - JPEG files with impossible Huffman tables are refused
 * before stb_image sees them; valid pictures pass. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/jpeg_guard.h"
#include "tests/support.h"

#include <stb_image_write.h>

typedef struct {
    unsigned char b[8192];
    size_t n;
} Mem;

static void to_mem(void *ctx, void *data, int size)
{
    Mem *m = ctx;
    if (m->n + (size_t)size <= sizeof m->b) memcpy(m->b + m->n, data, (size_t)size);
    m->n += (size_t)size;
}

START_TEST(refuses_overfull_tables)
{
    /* found by the fuzzer: a DHT segment cut short after two counts (stb
     * reads 0 past the end), 3 + 255 codes; 3 of length 1 cannot exist */
    const unsigned char cut[9] = { 0xFF, 0xD8, 0xFF, 0xC4, 0x02, 0x02, 0x03, 0x03, 0xFF };
    ck_assert_int_eq(jpeg_guard_check(cut, sizeof cut, "cut.jpg"), -1);
    assert_has(cn_last_error(), "cut.jpg");
    assert_has(cn_last_error(), "3 codes of length 1");
    /* 16 x 16 codes: every count possible for its length, 256 in all, fine;
     * one more is refused */
    unsigned char full[2 + 4 + 17 + 257 + 2] = { 0xFF, 0xD8, 0xFF, 0xC4 };
    for (int extra = 0; extra < 2; extra++) {
        memset(full + 4, 0, sizeof full - 4);
        const size_t len = 2 + 17 + 256 + (size_t)extra;
        full[4] = (unsigned char)(len >> 8), full[5] = (unsigned char)len;
        full[6] = 0x10;
        const unsigned char counts[16] = { 0, 0, 0, 0, 0, 0, 0, 16 + extra, 240, 0, 0, 0, 0, 0, 0, 0 };
        memcpy(full + 7, counts, 16);
        ck_assert_int_eq(jpeg_guard_check(full, sizeof full, "full.jpg"), extra ? -1 : 0);
    }
    assert_has(cn_last_error(), "257 codes, at most 256");
    /* fill bytes before SOI, and the table after a scan's data */
    const unsigned char late[] = { 0xFF, 0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02, 0x12, 0x34, 0xFF, 0x00, 0x56,
                                   0xFF, 0xC4, 0x00, 0x13, 0x00, 0x00, 0xFF };
    ck_assert_int_eq(jpeg_guard_check(late, sizeof late, "late.jpg"), -1);
}
END_TEST

START_TEST(passes_valid_pictures)
{
    unsigned char px[16 * 12 * 3];
    for (size_t i = 0; i < sizeof px; i++) px[i] = (unsigned char)(i * 37);
    Mem m = { .n = 0 };
    ck_assert(stbi_write_jpg_to_func(to_mem, &m, 16, 12, 3, px, 90));
    ck_assert(m.n <= sizeof m.b);
    ck_assert_int_eq(jpeg_guard_check(m.b, m.n, "ok.jpg"), 0);
    m.n = 0;
    ck_assert(stbi_write_png_to_func(to_mem, &m, 16, 12, 3, px, 48));
    ck_assert_int_eq(jpeg_guard_check(m.b, m.n, "ok.png"), 0);
    ck_assert_int_eq(jpeg_guard_check(NULL, 0, "none"), 0);
    const unsigned char soi[2] = { 0xFF, 0xD8 };
    ck_assert_int_eq(jpeg_guard_check(soi, 2, "soi.jpg"), 0);
}
END_TEST

Suite *jpeg_guard_suite(void)
{
    Suite *s = suite_create("jpeg_guard");
    TCase *tc = tcase_create("tables");
    tcase_add_test(tc, refuses_overfull_tables);
    tcase_add_test(tc, passes_valid_pictures);
    suite_add_tcase(s, tc);
    return s;
}
