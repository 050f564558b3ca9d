/* linked.c - the learner's convolution layer (06c and 07a), for the lessons
 * linked with the exercises (build/exercises/08_lenet): this definition of
 * exercise_conv_linked() takes the place of the lesson kit's, which says
 * that none is linked (lessons/kit/mine_none.c). */
#include "lessons/exercises/exercises.h"
#include "lessons/kit/mine.h"

const MineConv *exercise_conv_linked(void)
{
    static const MineConv mine = { ex_conv_forward, ex_conv_backward,
                                   "lessons/exercises/06c_conv_forward.c and 07a_conv_backward.c" };
    return &mine;
}
