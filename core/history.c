/* history.c - the per-epoch record of a run and its data file; see history.h. */
#include "core/history.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/error.h"
#include "core/files.h"

int train_history_push(TrainHistory *h, const EpochStats *s)
{
    if (h->n == h->cap) {
        int cap = h->cap ? 2 * h->cap : 16;
        EpochStats *e = realloc(h->e, (size_t)cap * sizeof *e);
        if (!e) return cn_fail("training history: out of memory");
        h->e = e;
        h->cap = cap;
    }
    h->e[h->n++] = *s;
    return 0;
}

void train_history_free(TrainHistory *h)
{
    if (!h) return;
    free(h->e);
    *h = (TrainHistory){ 0 };
}

int train_history_write(const TrainHistory *h, const char *path)
{
    const size_t row = 256;
    size_t cap = ((size_t)h->n + 1) * row, len = 0;
    char *text = malloc(cap);
    if (!text) return cn_fail("writing %s: out of memory", path);
    len += (size_t)snprintf(text, cap, "# epoch train_loss train_acc test_loss test_acc lr seconds images_per_s\n");
    for (int i = 0; i < h->n && len < cap; i++) {
        const EpochStats *s = &h->e[i];
        len += (size_t)snprintf(text + len, cap - len, "%d %.6f %.6f %.6f %.6f %.6g %.3f %.1f\n", s->epoch,
                                s->train_loss, s->train_acc, s->test_loss, s->test_acc, s->lr, s->seconds,
                                s->images_per_s);
    }
    int rc = len < cap ? cn_file_write_atomic(path, text, len) : cn_fail("writing %s: a history row is too long", path);
    free(text);
    return rc;
}
