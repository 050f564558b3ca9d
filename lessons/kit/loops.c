#include "lessons/kit/loops.h"

#include "core/conv_layer.h"
#include "core/die.h"
#include "core/error.h"

void lesson_choose_loops(int naive)
{
    if (conv_loops_from_env() != 0) CN_DIE("%s", cn_last_error());
    if (naive) conv_set_loops(CONV_LOOPS_NAIVE);
}

void lesson_say_loops(Notebook *nb)
{
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
