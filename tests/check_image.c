/* check_image.c - PNG round trips, gray-level mappings, montages, the bitmap
 * font, and clear errors for missing, corrupt and truncated files. */
#include <check.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "core/files.h"
#include "core/image.h"
#include "core/rng.h"
#include "core/tensor.h"
#include "tests/support.h"

/* --- fixture: a temporary directory, removed afterwards ---------------------- */

static char tmpdir[64];

static void make_tmpdir(void)
{
    strcpy(tmpdir, "/tmp/cn_image_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void remove_tmpdir(void) { remove_tree(tmpdir, 4); }

static const char *tmp(const char *name)
{
    static char buf[4][256];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", tmpdir, name);
    return buf[k];
}

static int file_bytes(const char *path, unsigned char *buf, size_t cap, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    *len = fread(buf, 1, cap, f);
    fclose(f);
    return 0;
}

static void write_bytes(const char *path, const unsigned char *buf, size_t len)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(buf, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);
}

/* --- read and write ------------------------------------------------------------- */

START_TEST(png_round_trip_gray)
{
    enum { H = 7, W = 13 };
    float px[H * W];
    Rng r;
    rng_seed(&r, 1, 2);
    for (int i = 0; i < H * W; i++) px[i] = rng_uniform(&r);
    px[0] = 0.0f;
    px[1] = 1.0f;
    ck_assert_int_eq(image_write_png(tmp("gray.png"), px, 1, H, W), 0);
    CnImage *im = image_load(tmp("gray.png"), 1);
    ck_assert_msg(im != NULL, "%s", cn_last_error());
    ck_assert_int_eq(im->c, 1);
    ck_assert_int_eq(im->h, H);
    ck_assert_int_eq(im->w, W);
    /* 8-bit rounding: within half a level, 0 and 1 exact */
    assert_close(im->data, px, H * W, 0.5f / 255.0f + 1e-6f, "gray PNG read back");
    ck_assert_float_eq(im->data[0], 0.0f);
    ck_assert_float_eq(im->data[1], 1.0f);
    image_free(im);
}
END_TEST

START_TEST(png_round_trip_rgb_planar)
{
    enum { H = 4, W = 5 };
    float px[3 * H * W];
    for (int c = 0; c < 3; c++)
        for (int i = 0; i < H * W; i++) px[c * H * W + i] = (float)((c * 37 + i * 11) % 256) / 255.0f;
    ck_assert_int_eq(image_write_png(tmp("rgb.png"), px, 3, H, W), 0);
    CnImage *im = image_load(tmp("rgb.png"), 3);
    ck_assert_msg(im != NULL, "%s", cn_last_error());
    ck_assert_int_eq(im->c, 3);
    /* planar (c, y, x): every channel plane comes back in its own place */
    assert_close(im->data, px, 3 * H * W, 1.0f / 255.0f, "RGB PNG read back");
    image_free(im);

    /* read as gray: stb's luminance (77 R + 150 G + 29 B) / 256 of pure red */
    float red[3] = { 1.0f, 0.0f, 0.0f };
    ck_assert_int_eq(image_write_png(tmp("red.png"), red, 3, 1, 1), 0);
    im = image_load(tmp("red.png"), 1);
    ck_assert_ptr_nonnull(im);
    ck_assert_float_eq_tol(im->data[0], (255.0f * 77 / 256) / 255.0f, 1.5f / 255.0f);
    image_free(im);
}
END_TEST

/* Quick PNGs (image_png_quick) hold the same pixels as the default ones:
 * only the compression differs. */
START_TEST(png_quick_same_pixels)
{
    enum { H = 40, W = 60 };
    static float px[3 * H * W];
    for (int i = 0; i < 3 * H * W; i++) px[i] = (float)((i * 7919) % 256) / 255.0f;
    ck_assert_int_eq(image_write_png(tmp("slow.png"), px, 3, H, W), 0);
    ck_assert_int_eq(image_png_quick(1), 0); /* off by default */
    ck_assert_int_eq(image_write_png(tmp("quick.png"), px, 3, H, W), 0);
    ck_assert_int_eq(image_png_quick(0), 1);
    CnImage *a = image_load(tmp("slow.png"), 3), *b = image_load(tmp("quick.png"), 3);
    ck_assert(a && b);
    ck_assert_int_eq(memcmp(a->data, b->data, sizeof px), 0);
    assert_close(b->data, px, 3 * H * W, 1.0f / 255.0f, "quick PNG read back");
    image_free(a);
    image_free(b);
}
END_TEST

START_TEST(png_write_clamps_and_makes_dirs)
{
    float px[4] = { -3.0f, 0.5f, 7.0f, NAN };
    ck_assert_int_eq(image_write_png(tmp("a/b/c/clamp.png"), px, 1, 2, 2), 0);
    CnImage *im = image_load(tmp("a/b/c/clamp.png"), 1);
    ck_assert_msg(im != NULL, "%s", cn_last_error());
    float want[4] = { 0.0f, 128.0f / 255.0f, 1.0f, 0.0f };
    assert_close(im->data, want, 4, 1e-6f, "clamped PNG read back");
    image_free(im);

    /* a file where a directory should be */
    write_bytes(tmp("blocker"), (const unsigned char *)"x", 1);
    ck_assert_int_eq(image_write_png(tmp("blocker/x.png"), px, 1, 2, 2), -1);
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "blocker"));
    ck_assert_int_eq(image_write_png(tmp("bad.png"), px, 2 + 3, 2, 2), -1);
    ck_assert_int_eq(image_write_png(tmp("bad.png"), px, 1, 0, 2), -1);
}
END_TEST

/* On a full disk the PNG is not written, the caller hears so, and no file
 * (empty or partial) is left; an older picture of that name stays whole. */
START_TEST(png_write_on_a_full_disk_fails)
{
    float px[4] = { 0.0f, 0.25f, 0.5f, 1.0f };
    cn_file_simulate_full_disk(1);
    int rc = image_write_png(tmp("full.png"), px, 1, 2, 2);
    cn_file_simulate_full_disk(0);
    ck_assert_int_eq(rc, -1);
    const char *e = cn_last_error();
    ck_assert_msg(strstr(e, tmp("full.png")) && strstr(e, "disk is full"), "%s", e);
    ck_assert_int_eq(access(tmp("full.png"), F_OK), -1);
    DIR *d = opendir(tmpdir); /* nor the temporary file it was written to */
    ck_assert_ptr_nonnull(d);
    for (struct dirent *en; (en = readdir(d));) ck_assert_msg(!strstr(en->d_name, ".tmp"), "left %s", en->d_name);
    closedir(d);

    ck_assert_int_eq(image_write_png(tmp("old.png"), px, 1, 2, 2), 0);
    struct stat before, after;
    ck_assert_int_eq(stat(tmp("old.png"), &before), 0);
    cn_file_simulate_full_disk(1);
    rc = image_write_png(tmp("old.png"), px, 1, 2, 2);
    cn_file_simulate_full_disk(0);
    ck_assert_int_eq(rc, -1);
    ck_assert_int_eq(stat(tmp("old.png"), &after), 0);
    ck_assert_int_eq(after.st_size, before.st_size);
    CnImage *im = image_load(tmp("old.png"), 1);
    ck_assert_msg(im != NULL, "%s", cn_last_error());
    image_free(im);

    /* a directory where the picture should go */
    ck_assert_int_eq(cn_make_dirs(tmp("adir.png")), 0);
    ck_assert_int_eq(image_write_png(tmp("adir.png"), px, 1, 2, 2), -1);
    ck_assert_msg(strstr(cn_last_error(), "a directory of that name is in the way") &&
                      !strstr(cn_last_error(), "disk"), "%s", cn_last_error());
    /* and a directory is not a picture to read */
    ck_assert_ptr_null(image_load(tmp("adir.png"), 1));
    ck_assert_msg(strstr(cn_last_error(), "is a directory, not a picture"), "%s", cn_last_error());
}
END_TEST

START_TEST(make_dirs_is_mkdir_p)
{
    ck_assert_int_eq(cn_make_dirs(tmp("x/y/z/")), 0);
    struct stat st;
    ck_assert_int_eq(stat(tmp("x/y/z"), &st), 0);
    ck_assert(S_ISDIR(st.st_mode));
    ck_assert_int_eq(cn_make_dirs(tmp("x/y/z")), 0); /* existing: fine */
    ck_assert_int_eq(cn_make_parent_dirs(tmp("p/q/file.png")), 0);
    ck_assert_int_eq(stat(tmp("p/q"), &st), 0);
    ck_assert_int_ne(stat(tmp("p/q/file.png"), &st), 0);
    ck_assert_int_eq(cn_make_parent_dirs("plain_name.png"), 0);
    write_bytes(tmp("file"), (const unsigned char *)"x", 1);
    ck_assert_int_eq(cn_make_dirs(tmp("file/sub")), -1);
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "file"));
    ck_assert_int_eq(cn_make_dirs(""), -1);
}
END_TEST

/* --- errors name the file ------------------------------------------------------- */

START_TEST(missing_file_is_named)
{
    ck_assert_ptr_null(image_load(tmp("no_such_photo.png"), 1));
    const char *msg = cn_last_error();
    ck_assert_msg(strstr(msg, "no_such_photo.png") != NULL, "message does not name the file: %s", msg);
    ck_assert_msg(strstr(msg, "No such file") != NULL, "message does not say why: %s", msg);
    ck_assert_ptr_null(image_load(tmp("x.png"), 2));
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "channels"));
    ck_assert_ptr_null(image_load(tmpdir, 1));   /* a directory */
    ck_assert_ptr_nonnull(strstr(cn_last_error(), tmpdir));
}
END_TEST

START_TEST(corrupt_file_is_named)
{
    unsigned char junk[300];
    Rng r;
    rng_seed(&r, 5, 5);
    for (size_t i = 0; i < sizeof junk; i++) junk[i] = (unsigned char)rng_below(&r, 256);
    write_bytes(tmp("garbage.png"), junk, sizeof junk);
    ck_assert_ptr_null(image_load(tmp("garbage.png"), 3));
    const char *msg = cn_last_error();
    ck_assert_msg(strstr(msg, "garbage.png") != NULL, "message does not name the file: %s", msg);
    ck_assert_msg(strstr(msg, "cannot decode") != NULL, "%s", msg);
    write_bytes(tmp("empty.png"), junk, 0);
    ck_assert_ptr_null(image_load(tmp("empty.png"), 1));
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "empty.png"));
}
END_TEST

/* stb_image reads formats without a signature (TGA): 25 bytes once became
 * an 18746x768 "picture". And a JPEG whose Huffman counts add up to more
 * than 256 made stb_image 2.27 write past its table (core/jpeg_guard.h).
 * image_load decodes only PNG and JPEG files, and a JPEG only once
 * guarded. */
START_TEST(only_png_and_jpeg_reach_the_decoder)
{
    static const unsigned char tga[25] = { 0x7f, 0x00, 0x03, 0x10, 0x84, 0xfc, 0xe8, 0xb7, 0xe3, 0x55, 0x00, 0x00, 0x3a,
                                           0x49, 0x00, 0x03, 0x10, 0x84, 0x02, 0x01, 0x02, 0x02, 0x00, 0x00, 0x7f };
    write_bytes(tmp("junk.png"), tga, sizeof tga);
    ck_assert_ptr_null(image_load(tmp("junk.png"), 1));
    ck_assert_msg(strstr(cn_last_error(), "junk.png is not a PNG or JPEG file") != NULL, "%s", cn_last_error());
    static const unsigned char jpeg[9] = { 0xff, 0xd8, 0xff, 0xc4, 0x10, 0x03, 0x13, 0xff, 0xff };
    write_bytes(tmp("huffman.jpg"), jpeg, sizeof jpeg);
    ck_assert_ptr_null(image_load(tmp("huffman.jpg"), 3));
    ck_assert_msg(strstr(cn_last_error(), "huffman.jpg") != NULL, "%s", cn_last_error());
}
END_TEST

START_TEST(truncated_png_is_named)
{
    /* Noise does not compress, so the pixel data fills most of the file and
     * cutting it anywhere after the header leaves the image incomplete. */
    enum { H = 48, W = 48 };
    static float px[H * W];
    Rng r;
    rng_seed(&r, 9, 9);
    for (int i = 0; i < H * W; i++) px[i] = rng_uniform(&r);
    ck_assert_int_eq(image_write_png(tmp("whole.png"), px, 1, H, W), 0);
    static unsigned char bytes[65536];
    size_t len = 0;
    ck_assert_int_eq(file_bytes(tmp("whole.png"), bytes, sizeof bytes, &len), 0);
    ck_assert_uint_gt(len, 1000);
    const size_t cuts[] = { 8, 40, len / 2, len - 20 };
    for (size_t k = 0; k < sizeof cuts / sizeof cuts[0]; k++) {
        write_bytes(tmp("cut.png"), bytes, cuts[k]);
        CnImage *im = image_load(tmp("cut.png"), 1);
        ck_assert_msg(im == NULL, "a PNG cut to %zu of %zu bytes was accepted", cuts[k], len);
        const char *msg = cn_last_error();
        ck_assert_msg(strstr(msg, "cut.png") != NULL, "message does not name the file: %s", msg);
    }
}
END_TEST

/* --- mappings ------------------------------------------------------------------- */

START_TEST(map_modes_on_known_values)
{
    float lo, hi, out[4];
    const float sym[4] = { -2.0f, 0.0f, 1.0f, 2.0f };
    image_map_to_unit(out, sym, 4, MAP_SYMMETRIC, &lo, &hi);
    const float sym_want[4] = { 0.0f, 0.5f, 0.75f, 1.0f };
    assert_close(out, sym_want, 4, 1e-6f, "MAP_SYMMETRIC");
    ck_assert_float_eq(lo, -2.0f);
    ck_assert_float_eq(hi, 2.0f);

    /* symmetric keeps 0 at mid-gray even when the values are lopsided */
    const float lop[3] = { 0.0f, 4.0f, -1.0f };
    image_map_to_unit(out, lop, 3, MAP_SYMMETRIC, &lo, &hi);
    const float lop_want[3] = { 0.5f, 1.0f, 0.375f };
    assert_close(out, lop_want, 3, 1e-6f, "MAP_SYMMETRIC, lopsided");

    const float mm[4] = { -3.0f, 1.0f, 5.0f, 3.0f };
    image_map_to_unit(out, mm, 4, MAP_MINMAX, &lo, &hi);
    const float mm_want[4] = { 0.0f, 0.5f, 1.0f, 0.75f };
    assert_close(out, mm_want, 4, 1e-6f, "MAP_MINMAX");
    ck_assert_float_eq(lo, -3.0f);
    ck_assert_float_eq(hi, 5.0f);

    const float cl[4] = { -1.0f, 0.25f, 2.0f, 1.0f };
    image_map_to_unit(out, cl, 4, MAP_CLAMP01, &lo, &hi);
    const float cl_want[4] = { 0.0f, 0.25f, 1.0f, 1.0f };
    assert_close(out, cl_want, 4, 1e-6f, "MAP_CLAMP01");

    /* constant maps are mid-gray; NaN stays out of the range and is drawn black */
    const float flat[3] = { 7.0f, 7.0f, 7.0f };
    image_map_to_unit(out, flat, 3, MAP_MINMAX, &lo, &hi);
    for (int i = 0; i < 3; i++) ck_assert_float_eq(out[i], 0.5f);
    const float zero[2] = { 0.0f, 0.0f };
    image_map_to_unit(out, zero, 2, MAP_SYMMETRIC, NULL, NULL);
    ck_assert_float_eq(out[0], 0.5f);
    const float withnan[3] = { 1.0f, NAN, 3.0f };
    image_map_to_unit(out, withnan, 3, MAP_MINMAX, &lo, &hi);
    ck_assert_float_eq(lo, 1.0f);
    ck_assert_float_eq(hi, 3.0f);
    ck_assert_float_eq(out[1], 0.0f);
    ck_assert_float_eq(out[2], 1.0f);

    /* in place */
    float inplace[3] = { 2.0f, 4.0f, 6.0f };
    image_map_to_unit(inplace, inplace, 3, MAP_MINMAX, NULL, NULL);
    ck_assert_float_eq(inplace[1], 0.5f);
}
END_TEST

START_TEST(captions_carry_the_numbers)
{
    char buf[128];
    image_map_caption(buf, sizeof buf, MAP_MINMAX, -3.2f, 4.1f);
    ck_assert_str_eq(buf, "min–max: black = -3.2, white = 4.1");
    image_map_caption(buf, sizeof buf, MAP_SYMMETRIC, -4.1f, 4.1f);
    ck_assert_str_eq(buf, "symmetric: black = -4.1, mid-gray = 0, white = +4.1");
    ck_assert_ptr_nonnull(strstr(image_map_caption(buf, sizeof buf, MAP_MINMAX, 2.0f, 2.0f), "every value is 2"));
    ck_assert_ptr_nonnull(strstr(image_map_mode_caption(MAP_SYMMETRIC), "mid-gray"));
    ck_assert_ptr_nonnull(strstr(image_map_mode_caption(MAP_MINMAX), "black"));
    image_map_caption(buf, 8, MAP_MINMAX, -3.2f, 4.1f); /* truncated, still terminated */
    ck_assert_uint_eq(strlen(buf), 7);
}
END_TEST

/* --- montages -------------------------------------------------------------------- */

static float pixel(const CnImage *im, int c, int y, int x) { return im->data[((size_t)c * im->h + y) * im->w + x]; }

START_TEST(montage_size_and_tiles)
{
    /* 10 tiles of 5x3 in 4 columns at scale 3 with a 2-pixel gap:
     * 3 rows; width 4*9 + 5*2 = 46, height 3*15 + 4*2 = 53 */
    enum { N = 10, H = 5, W = 3 };
    float maps[N * H * W];
    for (int i = 0; i < N * H * W; i++) maps[i] = (float)(i % (H * W));   /* each tile 0..14 */
    MontageOptions o = image_montage_defaults();
    o.cols = 4;
    o.scale = 3;
    o.gap = 2;
    CnImage *im = image_montage_create(maps, N, 1, H, W, &o);
    ck_assert_msg(im != NULL, "%s", cn_last_error());
    ck_assert_int_eq(im->c, 3);
    ck_assert_int_eq(im->w, 46);
    ck_assert_int_eq(im->h, 53);
    /* tile 0 at (2, 2): value 0 is black, the last value (14) white; a
     * nearest-neighbour block is 3x3 of one value */
    for (int c = 0; c < 3; c++) {
        ck_assert_float_eq(pixel(im, c, 2, 2), 0.0f);
        ck_assert_float_eq(pixel(im, c, 4, 4), 0.0f);
        ck_assert_float_eq(pixel(im, c, 2 + 14, 2 + 8), 1.0f);
    }
    /* tile 5 (row 1, col 1) starts at x = 2 + 9 + 2 = 13, y = 2 + 15 + 2 = 19;
     * value (y=2, x=1) = 7 of 0..14 -> 0.5 */
    ck_assert_float_eq_tol(pixel(im, 0, 19 + 2 * 3, 13 + 1 * 3 + 2), 0.5f, 1e-6f);
    /* the gap is the background, not a gray level any tile can have */
    float bg = pixel(im, 2, 0, 0);
    ck_assert_float_ne(pixel(im, 0, 0, 0), bg);
    ck_assert_float_eq(pixel(im, 2, 2 + 15, 5), bg);
    image_free(im);

    /* cols 0 = about square: 10 tiles -> 4 columns, 3 rows */
    o.cols = 0;
    o.scale = 1;
    o.gap = 0;
    im = image_montage_create(maps, N, 1, H, W, &o);
    ck_assert_ptr_nonnull(im);
    ck_assert_int_eq(im->w, 4 * W);
    ck_assert_int_eq(im->h, 3 * H);
    image_free(im);

    /* labels add a strip of 8 * font_scale + 2 rows under every row of tiles */
    const char *labels[N] = { "a", "b", "c", "d", "e", "f", "g", "h", "i", "j" };
    o.cols = 5;
    o.scale = 4;
    o.gap = 1;
    o.labels = labels;
    o.font_scale = 2;
    im = image_montage_create(maps, N, 1, H, W, &o);
    ck_assert_ptr_nonnull(im);
    ck_assert_int_eq(im->w, 5 * 12 + 6 * 1);
    ck_assert_int_eq(im->h, 2 * (20 + 18) + 3 * 1);
    image_free(im);
}
END_TEST

START_TEST(montage_shared_and_per_tile_ranges)
{
    /* tile B = 2 x tile A: per tile both span black..white; shared, A's
     * largest value is only mid-gray */
    float maps[2 * 4] = { 0, 1, 0.5f, 0.25f, 0, 2, 1, 0.5f };
    MontageOptions o = image_montage_defaults();
    o.gap = 0;
    o.cols = 2;
    CnImage *im = image_montage_create(maps, 2, 1, 2, 2, &o);
    ck_assert_ptr_nonnull(im);
    ck_assert_float_eq(pixel(im, 0, 0, 1), 1.0f);
    ck_assert_float_eq(pixel(im, 0, 0, 3), 1.0f);
    image_free(im);
    o.shared_range = 1;
    im = image_montage_create(maps, 2, 1, 2, 2, &o);
    ck_assert_ptr_nonnull(im);
    ck_assert_float_eq(pixel(im, 0, 0, 1), 0.5f);
    ck_assert_float_eq(pixel(im, 0, 0, 3), 1.0f);
    image_free(im);

    /* symmetric: 0 is mid-gray in every tile */
    o.mode = MAP_SYMMETRIC;
    o.shared_range = 0;
    float signed_maps[2] = { 0.0f, -3.0f };
    im = image_montage_create(signed_maps, 2, 1, 1, 1, &o);
    ck_assert_ptr_nonnull(im);
    ck_assert_float_eq(pixel(im, 0, 0, 0), 0.5f);
    ck_assert_float_eq(pixel(im, 0, 0, 1), 0.0f);
    image_free(im);
}
END_TEST

START_TEST(montage_tiles_of_different_sizes)
{
    float big[6 * 4], small[2 * 2], rgb[3 * 1 * 1] = { 1.0f, 0.0f, 0.5f };
    for (int i = 0; i < 24; i++) big[i] = (float)i;
    for (int i = 0; i < 4; i++) small[i] = (float)i;
    MontageTile tiles[3] = { { big, 1, 6, 4 }, { small, 1, 2, 2 }, { rgb, 3, 1, 1 } };
    MontageOptions o = image_montage_defaults();
    o.gap = 1;
    o.scale = 2;
    o.cols = 3;
    CnImage *im = image_montage_create_tiles(tiles, 3, &o);
    ck_assert_msg(im != NULL, "%s", cn_last_error());
    /* cells as large as the largest tile: 8 x 12 */
    ck_assert_int_eq(im->w, 3 * 8 + 4);
    ck_assert_int_eq(im->h, 12 + 2);
    /* the 4x4 small tile is centred in its 8x12 cell: top-left at (1+8+1+2, 1+4) */
    ck_assert_float_eq(pixel(im, 0, 5, 12), 0.0f);
    ck_assert_float_eq(pixel(im, 0, 5 + 3, 12 + 3), 1.0f);
    /* the RGB tile keeps its colours (one range over its three channels) */
    int x = 1 + 2 * 9 + 3, y = 1 + 5;
    ck_assert_float_eq(pixel(im, 0, y, x), 1.0f);
    ck_assert_float_eq(pixel(im, 1, y, x), 0.0f);
    ck_assert_float_eq(pixel(im, 2, y, x), 0.5f);
    image_free(im);
}
END_TEST

START_TEST(montage_png_and_bad_arguments)
{
    float maps[6 * 25];
    for (int i = 0; i < 6 * 25; i++) maps[i] = sinf((float)i);
    ck_assert_int_eq(image_montage_write_png(tmp("m/filters.png"), maps, 6, 5, 5, 3, 8, MAP_SYMMETRIC, 0), 0);
    CnImage *im = image_load(tmp("m/filters.png"), 3);
    ck_assert_msg(im != NULL, "%s", cn_last_error());
    ck_assert_int_eq(im->w, 3 * 40 + 4 * 2);
    ck_assert_int_eq(im->h, 2 * 40 + 3 * 2);
    image_free(im);

    ck_assert_int_eq(image_montage_write_png(tmp("bad.png"), maps, 0, 5, 5, 3, 8, MAP_MINMAX, 0), -1);
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "bad.png"));
    ck_assert_int_eq(image_montage_write_png(tmp("bad.png"), maps, 6, 5, 5, 3, -1, MAP_MINMAX, 0), -1);
    ck_assert_int_eq(image_montage_write_png(tmp("bad.png"), maps, 6, 5, 5, 3, 100000, MAP_MINMAX, 0), -1);
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "pixels"));
    ck_assert_ptr_null(image_montage_create(maps, 6, 2, 5, 5, NULL));

    float lo, hi;
    ck_assert_int_eq(image_write_map_png(tmp("map.png"), maps, 5, 5, 4, MAP_SYMMETRIC, &lo, &hi), 0);
    ck_assert_float_eq(lo, -hi);
    im = image_load(tmp("map.png"), 1);
    ck_assert_ptr_nonnull(im);
    ck_assert_int_eq(im->w, 20);
    image_free(im);
}
END_TEST

/* --- text ------------------------------------------------------------------------- */

START_TEST(text_is_drawn)
{
    ck_assert_int_eq(image_text_width("", 1), 0);
    ck_assert_int_eq(image_text_width("ab", 1), 11);
    ck_assert_int_eq(image_text_width("7 → 3", 2), (5 * 6 - 1) * 2); /* the arrow is one character */
    CnImage *im = image_create(1, 10, 20);
    ck_assert_ptr_nonnull(im);
    const float white[3] = { 1.0f, 1.0f, 1.0f };
    image_draw_text(im, 1, 1, "1", 1, white);
    /* '1' is a vertical stroke in glyph column 2, rows 0..6, with a foot */
    for (int y = 1; y <= 7; y++) ck_assert_float_eq(im->data[y * 20 + 3], 1.0f);
    ck_assert_float_eq(im->data[7 * 20 + 2], 1.0f);
    ck_assert_float_eq(im->data[1 * 20 + 1], 0.0f);
    ck_assert_float_eq(im->data[8 * 20 + 3], 0.0f);
    /* clipped at the edges without harm */
    image_draw_text(im, -3, -4, "WWWWWWWW", 3, white);
    image_draw_text(im, 18, 8, "g", 2, white);
    image_free(im);
}
END_TEST

/* The 8x6 pixels of one character drawn at scale 1, as 0/1. */
static void glyph_pixels(const char *ch, unsigned char px[8][6])
{
    CnImage *im = image_create(1, 8, 6);
    ck_assert_ptr_nonnull(im);
    const float white[3] = { 1.0f, 1.0f, 1.0f };
    image_draw_text(im, 0, 0, ch, 1, white);
    for (int y = 0; y < 8; y++)
        for (int x = 0; x < 6; x++) px[y][x] = im->data[y * 6 + x] > 0.5f;
    image_free(im);
}

START_TEST(at_sign_is_not_a_zero)
{
    /* "6@28x28" must not read as "6028x28": '@' has its own glyph (not the
     * '?' of unknown characters), open on the left in the middle rows where
     * '0' and 'O' are closed rings, and at least 6 pixels unlike either. */
    unsigned char at[8][6], zero[8][6], oh[8][6], q[8][6];
    glyph_pixels("@", at);
    glyph_pixels("0", zero);
    glyph_pixels("O", oh);
    glyph_pixels("?", q);
    ck_assert_msg(memcmp(at, q, sizeof at) != 0, "'@' is drawn as '?'");
    for (int y = 2; y <= 3; y++) {
        ck_assert_msg(!at[y][0], "'@' is closed on the left at row %d", y);
        ck_assert_msg(zero[y][0] && oh[y][0], "'0' or 'O' is open on the left at row %d", y);
    }
    int d0 = 0, dO = 0;
    for (int y = 0; y < 8; y++)
        for (int x = 0; x < 6; x++) d0 += at[y][x] != zero[y][x], dO += at[y][x] != oh[y][x];
    ck_assert_msg(d0 >= 6 && dO >= 6, "'@' differs from '0' in %d pixels and from 'O' in %d", d0, dO);
}
END_TEST

Suite *image_suite(void)
{
    Suite *s = suite_create("image");
    TCase *tc = tcase_create("files");
    tcase_add_checked_fixture(tc, make_tmpdir, remove_tmpdir);
    tcase_add_test(tc, png_round_trip_gray);
    tcase_add_test(tc, png_round_trip_rgb_planar);
    tcase_add_test(tc, png_quick_same_pixels);
    tcase_add_test(tc, png_write_clamps_and_makes_dirs);
    tcase_add_test(tc, make_dirs_is_mkdir_p);
    tcase_add_test(tc, png_write_on_a_full_disk_fails);
    tcase_add_test(tc, missing_file_is_named);
    tcase_add_test(tc, corrupt_file_is_named);
    tcase_add_test(tc, truncated_png_is_named);
    tcase_add_test(tc, only_png_and_jpeg_reach_the_decoder);
    suite_add_tcase(s, tc);
    tc = tcase_create("maps");
    tcase_add_test(tc, map_modes_on_known_values);
    tcase_add_test(tc, captions_carry_the_numbers);
    suite_add_tcase(s, tc);
    tc = tcase_create("montage");
    tcase_add_checked_fixture(tc, make_tmpdir, remove_tmpdir);
    tcase_add_test(tc, montage_size_and_tiles);
    tcase_add_test(tc, montage_shared_and_per_tile_ranges);
    tcase_add_test(tc, montage_tiles_of_different_sizes);
    tcase_add_test(tc, montage_png_and_bad_arguments);
    tcase_add_test(tc, text_is_drawn);
    tcase_add_test(tc, at_sign_is_not_a_zero);
    suite_add_tcase(s, tc);
    return s;
}
