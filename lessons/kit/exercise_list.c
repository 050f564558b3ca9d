/* exercise_list.c - the exercises of lessons/exercises/, how a command
 * names them, and the mark of one not written (exercise_list.h). Apart
 * from the checker so that the lessons' "Your turn" and the learner's loops
 * in a lesson (mine.c) do not need Check. */
#include "lessons/kit/exercise_list.h"

#include <stdio.h>
#include <string.h>

#include "lessons/exercises/exercises.h"

/* --- the exercises ------------------------------------------------------------------ */

#define EXF(id, name) id, #name, "lessons/exercises/" id "_" #name ".c"
const ExerciseInfo exercise_info[EXERCISE_COUNT] = {
    { EXF("01a", correlate2d), "2-D cross-correlation, valid" },
    { EXF("02a", correlate1d), "1-D cross-correlation, valid" },
    { EXF("02b", convolve1d), "1-D true convolution, valid" },
    { EXF("02c", convolve2d), "2-D true convolution, valid" },
    { EXF("03a", correlate1d_strided), "1-D cross-correlation, padding and stride" },
    { EXF("03b", convolve1d_strided), "1-D true convolution, padding and stride" },
    { EXF("04a", maxpool_forward), "max pooling, forward" },
    { EXF("04b", maxpool_backward), "max pooling, backward, ties" },
    { EXF("04c", avgpool_forward), "average pooling, forward" },
    { EXF("04d", avgpool_backward), "average pooling, backward" },
    { EXF("05a", sgd_step), "one SGD step, momentum and weight decay" },
    { EXF("06a", correlate2d_strided), "2-D cross-correlation, padding and stride" },
    { EXF("06b", convolve2d_strided), "2-D true convolution, padding and stride" },
    { EXF("06c", conv_forward), "convolution layer, forward over channels" },
    { EXF("07a", conv_backward), "convolution layer, backward: dx, dW, db" },
    { EXF("07b", dense_forward), "dense layer, forward" },
    { EXF("07c", dense_backward), "dense layer, backward" },
    { EXF("07d", relu_backward), "ReLU, backward" },
    { EXF("07e", softmax_ce_grad), "softmax cross-entropy, gradient" },
    { EXF("08a", scaled_tanh_backward), "LeNet's scaled tanh, backward" },
};
#undef EXF

/* "4b" is "04b". */
static const char *padded(const char *which, char *buf, size_t size)
{
    if (which && which[0] >= '0' && which[0] <= '9' && (which[1] < '0' || which[1] > '9')) {
        snprintf(buf, size, "0%s", which);
        return buf;
    }
    return which;
}

int exercise_matches(int i, const char *which)
{
    char buf[64], full[64];
    which = padded(which, buf, sizeof buf);
    if (!which || !*which) return 1;
    const ExerciseInfo *e = &exercise_info[i];
    snprintf(full, sizeof full, "%s_%s", e->id, e->name);
    return !strncmp(full, which, strlen(which)) || strstr(e->name, which) != NULL;
}

int exercise_count_matching(const char *which)
{
    int n = 0;
    for (int i = 0; i < EXERCISE_COUNT; i++) n += exercise_matches(i, which);
    return n;
}

int exercise_find(const char *which)
{
    for (int i = 0; i < EXERCISE_COUNT; i++)
        if (!strcmp(exercise_info[i].id, which)) return i;
    return -1;
}

/* --- the blank mark ------------------------------------------------------------------- */

static volatile int blank_seen;

void exercise_not_written(void) { blank_seen = 1; }
int exercise_blank_seen(void) { return blank_seen; }
void exercise_blank_clear(void) { blank_seen = 0; }
