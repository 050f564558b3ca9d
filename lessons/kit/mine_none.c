/* mine_none.c - no learner's loops linked in (mine.h): the definition every
 * program takes unless lessons/exercises/checker/linked.c comes first on
 * its link line. Alone in its file, so that one replaces it. */
#include "lessons/kit/mine.h"

#include <stddef.h>

const MineConv *exercise_conv_linked(void) { return NULL; }
