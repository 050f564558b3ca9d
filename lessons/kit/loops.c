#include "lessons/kit/loops.h"

#include "core/conv_layer.h"
#include "core/die.h"
#include "core/error.h"
#include "lessons/kit/cli.h"
#include "lessons/kit/mine.h"

void lesson_choose_loops(int naive) { lesson_choose_loops_mine(naive, 0); }

void lesson_choose_loops_mine(int naive, int mine)
{
    const MineConv *linked = exercise_conv_linked();
    if (naive && mine) cli_refuse("--naive and --mine contradict each other: give one of them");
    if (mine && !linked)
        cli_refuse("--mine: this program has no loops of yours linked in. Run make exercises (it builds "
                   "build/exercises/ with lessons/exercises/ linked in), then the program there, e.g. "
                   "build/exercises/08_lenet --quick --mine");
    mine_register(linked);
    if (conv_loops_from_env() != 0)
        CN_DIE("%s%s", cn_last_error(),
               linked ? "" : " (CONVNET_LOOPS=mine needs a program built by make exercises, in build/exercises/)");
    if (naive) conv_set_loops(CONV_LOOPS_NAIVE);
    if (mine) conv_set_loops(CONV_LOOPS_MINE);
}

void lesson_say_loops(Notebook *nb)
{
    if (conv_loops() == CONV_LOOPS_MINE) {
        nb_para(nb, "The convolutions of this run (its trainings and its tests: with --mine nothing saved is reused) "
                    "run on your loops from %s, linked into this program by make exercises. The end of the notebook "
                    "counts their calls.", exercise_conv_linked()->where);
        return;
    }
    if (conv_loops() == CONV_LOOPS_NAIVE)
        nb_para(nb, "The convolutions of this run (its trainings, or only its tests where a saved model is "
                    "reused) ran on the %s loops of core/conv_layer.c: the loop nest written as the formula "
                    "reads, one output at a time. A saved model counts whichever loops trained it: both give "
                    "the same results up to rounding.", conv_loops_name());
    else
        nb_para(nb, "The convolutions of this run (its trainings, or only its tests where a saved model is "
                    "reused) ran on the %s loops of core/conv_fast.c; run with --naive (or "
                    "CONVNET_LOOPS=naive) to train on the reference loops of core/conv_layer.c, the same sums up "
                    "to rounding, several times slower.", conv_loops_name());
}
