/* loops.h - which convolution loops a lesson runs on.
 *
 * Every lesson that trains takes --naive: its convolutions then run on the
 * reference loops of core/conv_layer.c (the textbook loop nest a learner
 * reads) instead of the fast loops of core/conv_fast.c. CONVNET_LOOPS=naive
 * in the environment does the same for any program. Both give the same
 * results up to rounding; the naive loops are several times slower.
 */
#ifndef CN_KIT_LOOPS_H
#define CN_KIT_LOOPS_H

#include "core/notebook.h"

/* The help line of the --naive flag, for a lesson's flag table. */
#define LESSON_NAIVE_HELP \
    "run the convolutions on the reference loops of core/conv_layer.c (slower; same results up to rounding)"

/* The help line of the --mine flag (lessons/kit/mine.h). */
#define LESSON_MINE_HELP \
    "run the convolutions on your own loops, lessons/exercises/06c and 07a (only in the program make exercises " \
    "builds, build/exercises/)"

/* Call once at start, after the flags: refuses a misspelt CONVNET_LOOPS
 * (the program stops with the message) and switches to the reference
 * loops when naive is nonzero. */
void lesson_choose_loops(int naive);

/* The same with --mine: the learner's loops when mine is nonzero (or
 * CONVNET_LOOPS=mine), which only a program built by make exercises has;
 * elsewhere --mine stops the program saying how to get one. --naive and
 * --mine together are a bad command line. */
void lesson_choose_loops_mine(int naive, int mine);

/* One line in the notebook: which loops this run's convolutions ran on. */
void lesson_say_loops(Notebook *nb);

#endif
