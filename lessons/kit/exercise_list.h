/* exercise_list.h - the exercises of lessons/exercises/ (their numbers,
 * names, files), how a command names them, and the mark of one not
 * written yet: what the checker (exercise_check.h), the lessons' "Your
 * turn" (your_turn.h) and the learner's loops in a lesson (mine.h) share. */
#ifndef CN_KIT_EXERCISE_LIST_H
#define CN_KIT_EXERCISE_LIST_H

/* --- the exercises ----------------------------------------------------------- */
#define EXERCISE_COUNT 20

typedef struct {
    const char *id;      /* "04b" */
    const char *name;    /* "maxpool_backward" */
    const char *file;    /* "lessons/exercises/04b_maxpool_backward.c" */
    const char *what;    /* one line: what it computes */
} ExerciseInfo;

extern const ExerciseInfo exercise_info[EXERCISE_COUNT];

/* Is exercise i one of those `which` names: its "id_name" starts with
 * which, or its name contains it ("04b", "4b", "04" for all of lesson 04's,
 * "maxpool" for both max-pooling ones; NULL or "": all)? */
int exercise_matches(int i, const char *which);
/* How many exercises `which` names. */
int exercise_count_matching(const char *which);
/* The index of the exercise with this exact id ("06c"), or -1. */
int exercise_find(const char *id);

/* Was exercise_not_written() called since the flag was last cleared? */
int exercise_blank_seen(void);
void exercise_blank_clear(void);

#endif
