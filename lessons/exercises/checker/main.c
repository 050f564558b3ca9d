/* main.c - the exercises' checker: `make exercises` runs it on every
 * exercise of lessons/exercises/, `make exercise N=04b` on one.
 *
 *   build/exercises/check            every exercise
 *   build/exercises/check 04b        one: its number (04: lesson 04's), or a part of its name
 *
 * It grades the functions ex_* linked into it (the files of lessons/exercises/, or
 * another folder with make exercises EXERCISES=DIR). Exit status: 0 when
 * nothing is wrong (passed or not written yet), 1 when an exercise is wrong
 * or crashed, 2 for a bad command line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/die.h"
#include "core/error.h"
#include "lessons/kit/cli.h"
#include "lessons/kit/exercise_check.h"

#ifndef CN_BUILD_DIR
#define CN_BUILD_DIR "build"
#endif

/* The exercises LeNet-5's convolution layers need. */
static const char *const conv_layer[] = { "06c", "07a" };

int main(int argc, char **argv)
{
    int timeout = 10;
    char *pos[8];
    int npos = 0;
    CliOpt opts[] = {
        { "timeout", OPT_INT, &timeout, "S: seconds an exercise may run before it counts as an endless loop" },
    };
    if (argc > 8) cli_refuse("give at most one exercise (its number or a part of its name)");
    cli_main_args(argc, argv, opts, 1,
                  "Checks the exercises of lessons/exercises/ against the library's loops: every exercise, or those "
                  "named (a number, e.g. 04b; a lesson's, e.g. 04; or a part of a name, e.g. maxpool).",
                  pos, &npos);
    cli_int_in(timeout, 1, 3600, "timeout", "a number of seconds");
    if (npos > 1) cli_refuse("give at most one exercise (its number or a part of its name)");
    ExCheckOpts o = { .which = npos ? pos[0] : NULL, .timeout_s = timeout, .color = isatty(STDOUT_FILENO) };
    if (exercise_count_matching(o.which) == 0) {
        fprintf(stderr, "%s: no exercise is called %s: give its number (04b), a lesson's (04) or a part of its "
                        "name (maxpool). The exercises:\n", argv[0], o.which);
        for (int i = 0; i < EXERCISE_COUNT; i++)
            fprintf(stderr, "  %s %-22s %s\n", exercise_info[i].id, exercise_info[i].name, exercise_info[i].what);
        return 2;
    }
    static ExResult res[EXERCISE_COUNT];
    const ExerciseSet set = EXERCISE_SET_OF_EX;
    const int bad = exercise_check(&set, &o, res, stdout);
    if (bad < 0) CN_DIE("%s", cn_last_error());
    if (exercise_matches(exercise_find(conv_layer[0]), o.which) || exercise_matches(exercise_find(conv_layer[1]), o.which)) {
        int conv_ok = 1;
        for (int k = 0; k < 2; k++) conv_ok &= res[exercise_find(conv_layer[k])].outcome == EX_PASSED;
        if (conv_ok)
            printf("\nYour convolution layer passes (06c forward, 07a backward). Train LeNet-5 on it:\n"
                   "    " CN_BUILD_DIR "/exercises/08_lenet --quick --mine\n"
                   "(make exercises built it: lesson 08 with your loops linked in; without --quick, the full "
                   "lesson). It says which loops it ran.\n");
        else
            printf("\nWhen 06c and 07a pass, LeNet-5 trains on your convolution layer: "
                   CN_BUILD_DIR "/exercises/08_lenet --quick --mine.\n");
    }
    return bad ? 1 : 0;
}
