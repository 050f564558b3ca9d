/* goals.h - claims a lesson makes at its default settings, told apart from
 * the claims that hold whatever the learner chooses.
 *
 * A run with exploratory flags (fewer steps, another learning rate, your own
 * picture) must never fail because the learner explored. Claims that hold
 * only at the defaults are goals: at the defaults a goal is an ordinary
 * check (✔ or ✘, counted by the notebook); after lesson_explore(1) a goal
 * that holds is still ✔, and one that does not is written
 * "◦ not reached with these settings: ..." and not counted as failed, so the
 * run exits 0. lesson_end (report.h) says how many were not reached. */
#ifndef CN_KIT_GOALS_H
#define CN_KIT_GOALS_H

#include "core/error.h"
#include "core/notebook.h"

/* explored 1: a flag moved the lesson away from its default settings. */
void lesson_explore(int explored);
int lesson_explored(void);

/* A goal: nb_check at the defaults; after lesson_explore(1), ✔ when ok and
 * "◦ not reached with these settings: <claim>" (not a failure) when not.
 * Returns ok (0 or 1). */
int lesson_goal(Notebook *nb, int ok, const char *fmt, ...) CN_PRINTF(3, 4);

/* How many goals were not reached in this run. */
int lesson_goals_missed(void);

#endif
