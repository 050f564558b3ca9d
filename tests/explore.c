/* explore.c - lesson runs with exploratory flags (explore.h). */
#include "tests/explore.h"

#include <check.h>
#include <stb_image_write.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/lesson_checks.h"
#include "tests/lesson_run.h"

char *lesson_assert_explores(const char *name, const char *const *args)
{
    char flags[512] = "";
    for (int i = 0; args && args[i]; i++) {
        strncat(flags, " ", sizeof flags - strlen(flags) - 1);
        strncat(flags, args[i], sizeof flags - strlen(flags) - 1);
    }
    LessonRun r;
    lesson_run(&r, name, args);
    ck_assert_msg(r.status == 0, "%s%s exited with status %d; stderr: %s", name, flags, r.status, r.err);
    char *md = lesson_read_file(r.md, NULL);
    ck_assert_msg(md != NULL, "%s%s wrote no notebook", name, flags);
    ck_assert_msg(strstr(md, "✘") == NULL, "%s%s shows a failed claim: %.200s", name, flags, strstr(md, "✘"));
    lesson_assert_all_passed(md, 1);
    lesson_check_images(&r, md);
    lesson_run_free(&r);
    return md;
}

void lesson_write_picture(char *path, size_t size, const char *dir, const char *file, int w, int h)
{
    snprintf(path, size, "%s/%s", dir, file);
    unsigned char *px = malloc((size_t)w * (size_t)h * 3);
    ck_assert_ptr_nonnull(px);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            const int dx = x - w / 2, dy = y - h / 3, r = (w < h ? w : h) / 4;
            int v = 40 + 150 * x / w;
            if (dx * dx + dy * dy < r * r) v = 235;
            if ((x + 2 * y) / 9 % 4 == 0 && y > h / 2) v = 20;
            for (int c = 0; c < 3; c++) px[((size_t)y * (size_t)w + (size_t)x) * 3 + (size_t)c] = (unsigned char)(c == 2 ? 255 - v : v);
        }
    ck_assert_msg(stbi_write_png(path, w, h, 3, px, w * 3), "cannot write %s", path);
    free(px);
}

char *lesson_assert_explores_picture(const char *name, int w, int h)
{
    char dir[256], png[320];
    lesson_temp_dir(dir, sizeof dir, "cn_own_picture");
    lesson_write_picture(png, sizeof png, dir, "mine.png", w, h);
    const char *args[] = { "--quick", "--image", png, NULL };
    char *md = lesson_assert_explores(name, args);
    lesson_temp_free(dir);
    return md;
}
