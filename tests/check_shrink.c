/* check_shrink.c - the lesson kit's shrink_image: a picture too large is
 * averaged down to fit, and one too narrow to shrink (10000x1) stops the
 * program with a message saying what it got and what it needs, not an
 * internal image_create error. */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/image.h"
#include "lessons/kit/draw.h"

START_TEST(large_picture_is_averaged_down)
{
    CnImage *im = image_create(1, 40, 30);
    ck_assert_ptr_nonnull(im);
    for (int i = 0; i < 40 * 30; i++) im->data[i] = (float)(i % 2); /* columns 0 1 0 1 ... (30 is even) */
    im = shrink_image(im, 16); /* factor 3: 13x10 */
    ck_assert_int_eq(im->h, 13);
    ck_assert_int_eq(im->w, 10);
    ck_assert_float_eq_tol(im->data[0], 3.0f / 9.0f, 1e-6f); /* three rows of 0 1 0 */
    image_free(im);
}
END_TEST

START_TEST(too_narrow_picture_stops_with_a_message)
{
    char err[] = "/tmp/cn_shrink_XXXXXX";
    int fd = mkstemp(err);
    ck_assert_int_ge(fd, 0);
    fflush(NULL);
    pid_t p = fork();
    ck_assert_int_ge(p, 0);
    if (p == 0) {
        if (dup2(fd, 2) < 0) _exit(99);
        CnImage *im = image_create(1, 1, 10000);
        if (!im) _exit(98);
        (void)shrink_image(im, 512);
        _exit(0);
    }
    int st;
    ck_assert_int_eq(waitpid(p, &st, 0), p);
    ck_assert(WIFEXITED(st));
    ck_assert_int_eq(WEXITSTATUS(st), 1);
    char msg[1024] = "";
    ck_assert_int_ge(pread(fd, msg, sizeof msg - 1, 0), 0);
    close(fd);
    unlink(err);
    ck_assert_msg(strstr(msg, "the picture is 10000x1 pixels") && strstr(msg, "at least 20 pixels") &&
                      !strstr(msg, "image_create"), "message: %s", msg);
}
END_TEST

Suite *shrink_suite(void)
{
    Suite *s = suite_create("shrink");
    TCase *tc = tcase_create("shrink_image");
    tcase_add_test(tc, large_picture_is_averaged_down);
    tcase_add_test(tc, too_narrow_picture_stops_with_a_message);
    suite_add_tcase(s, tc);
    return s;
}
