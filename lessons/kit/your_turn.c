/* your_turn.c - "Your turn" at the end of each lesson (your_turn.h). */
#include "lessons/kit/your_turn.h"

#include <stdio.h>
#include <string.h>

#include "core/conv_layer.h"
#include "lessons/kit/exercise_list.h"
#include "lessons/kit/mine.h"

/* Lesson id -> the prefix of its exercises' numbers (make exercise N=...),
 * what to write when they are not the lesson's own, and a sentence of its
 * own. */
static const struct {
    const char *id, *which, *more, *lead;
} turns[] = {
    { "01_single_filter", "01", "", NULL },
    { "02_conv_vs_corr", "02", "", NULL },
    { "03_receptive_field", "03", " The stride and the padding of these loops are what the growth formula counts.",
      NULL },
    { "04_pooling", "04", " In 04b, mind the ties: only the first maximum of a window gets its gradient.", NULL },
    { "05_learn_filter", "05", " It is the step this lesson's filters learned with (weight decay 0).", NULL },
    { "06_conv_layer", "06", "", NULL },
    { "07_backprop", "07", " Every backward is also checked against central differences, as this lesson checked "
                           "its network.", NULL },
    { "08_lenet", "08", " Once 06c and 07a pass, this lesson trains on your convolution layer: "
                        "make exercises, then build/exercises/08_lenet --quick --mine.", NULL },
    { "09_alexnet", "05", " AlexNet's weight decay is 05a's: g' = g + lambda w, through the momentum.",
      "the update this lesson trains with" },
    { "10_hand_vs_learned", "", " LeNet-5 trained on your own loops: once 06c and 07a pass, "
                                "build/exercises/08_lenet --quick --mine.", NULL },
};

int your_turn_text(char *list, size_t list_size, char *command, size_t command_size, const char *id)
{
    for (size_t t = 0; t < sizeof turns / sizeof *turns; t++) {
        if (strcmp(turns[t].id, id)) continue;
        const char *which = turns[t].which;
        const int n = *which ? exercise_count_matching(which) : EXERCISE_COUNT;
        const char *lead = turns[t].lead ? turns[t].lead
                           : *which ? (n == 1 ? "this lesson's loop" : "this lesson's loops")
                                    : "the loops of the course";
        int w = snprintf(list, list_size, "Write %s yourself, in lessons/exercises/:", lead);
        for (int i = 0, k = 0; i < EXERCISE_COUNT && w > 0 && (size_t)w < list_size; i++)
            if (*which && exercise_matches(i, which))
                w += snprintf(list + w, list_size - (size_t)w, "\n- %s_%s.c: %s%s", exercise_info[i].id,
                              exercise_info[i].name, exercise_info[i].what, ++k == n ? "." : ";");
        if (!*which && w > 0 && (size_t)w < list_size)
            snprintf(list + w, list_size - (size_t)w, "\n- twenty functions, 01a to 08a, one for each loop the "
                                                      "lessons ran.");
        snprintf(command, command_size, "Check %s with one command: make %s%s.%s", n == 1 ? "it" : "them",
                 *which ? "exercise N=" : "exercises", which, turns[t].more);
        return 1;
    }
    return 0;
}

void lesson_your_turn(Notebook *nb)
{
    if (conv_loops() == CONV_LOOPS_MINE) {
        long m = 0, ref = 0;
        mine_calls(&m, &ref);
        nb_para(nb, "This run's convolution layers ran on your loops (%s): %ld calls of their forward and backward; "
                    "%ld calls on shapes your functions do not take ran on the reference loops.",
                exercise_conv_linked()->where, m, ref);
    }
    char dir[4096], list[2048], command[1024];
    snprintf(dir, sizeof dir, "%s", nb_dir(nb) ? nb_dir(nb) : "");
    size_t len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/') dir[--len] = '\0'; /* a folder given with a trailing slash */
    const char *slash = strrchr(dir, '/');
    if (!your_turn_text(list, sizeof list, command, sizeof command, slash ? slash + 1 : dir)) return;
    nb_section(nb, "Your turn");
    nb_para(nb, "%s", list);
    nb_para(nb, "%s", command);
}
