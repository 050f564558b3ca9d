/* exercise_fixtures.h - exercise sets for the tests of the checker
 * (tests/check_exercises.c): every exercise blank, and deliberately wrong
 * versions, one per mistake the checker recognises, plus one that crashes
 * and one that never ends. The solutions are tests/fixtures/exercises/,
 * linked into the test runner under the learner's names (ex_*). */
#ifndef CN_TEST_EXERCISE_FIXTURES_H
#define CN_TEST_EXERCISE_FIXTURES_H

#include "lessons/kit/exercise_check.h"

/* Every function blank: it only calls exercise_not_written(). */
ExerciseSet blank_set(void);

/* Wrong versions. */
ExConv1d wrong_convolve1d_not_flipped;          /* the kernel read forwards */
ExConv2d wrong_correlate2d_flipped;             /* the kernel read backwards */
ExConv1d wrong_correlate1d_short;               /* out = n - kn: one too few */
ExConv2dStrided wrong_correlate2d_strided_wide; /* one column too many */
ExActBackward wrong_relu_backward_overwrites;   /* dx = ... */
ExConvBackward wrong_conv_backward_overwrites;  /* dw cleared first */
ExMaxpoolBackward wrong_maxpool_backward_all_ties;  /* every tied maximum gets dy */
ExMaxpoolBackward wrong_maxpool_backward_last_tie;  /* the last maximum gets it */
ExSoftmaxGrad wrong_softmax_ce_grad_no_batch;   /* not divided by B */
ExActBackward wrong_scaled_tanh_backward_plain; /* 1 - y^2 */
ExConvBackward wrong_conv_backward_db_halved;   /* db half what it should be */
ExPoolForward crash_maxpool_forward;            /* a write through NULL on K = 3 */
ExConv1d endless_correlate1d;                   /* never ends on n = 7 */

#endif
