/* your_turn.h - the end of every lesson's notebook: "Your turn", the
 * exercises of lessons/exercises/ that match the lesson and the one command
 * that checks them (and, in a run on the learner's own loops, how many
 * calls they computed). lesson_end (report.h) calls it; a lesson that
 * closes its notebook itself calls it just before nb_close. */
#ifndef CN_KIT_YOUR_TURN_H
#define CN_KIT_YOUR_TURN_H

#include <stddef.h>

#include "core/notebook.h"

/* The section for the lesson nb belongs to (its id is its output folder's
 * name); nothing for a lesson without exercises. */
void lesson_your_turn(Notebook *nb);

/* The two paragraphs of that section for lesson `id`: the list of its
 * exercises, and the command that checks them; 0 when it has none. */
int your_turn_text(char *list, size_t list_size, char *command, size_t command_size, const char *id);

#endif
