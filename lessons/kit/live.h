/* live.h - the lesson kit's live view of a training: while a lesson trains
 * a network, live.html beside its notebook shows the training as it goes,
 * and reloads itself every few seconds (plain files: open it from disk in
 * any browser, no server):
 *
 *   live_curves.png   the loss and the accuracy per epoch so far (gnuplot,
 *                     plots/live.gp, from live_history.dat)
 *   live_filters.png  the first convolution's filters now
 *   live_layers.png   one test picture through the layers now
 *   live_answers.png  a test picture of each class, with the network's
 *                     answer now (green right, red wrong)
 *
 * Every file is written atomically (a temporary name renamed over the old
 * one; without fsync, see cn_file_sync in core/files.h), so the page never
 * shows half a picture. The pictures are redrawn after epochs and every
 * few seconds within a long one, the curves (a gnuplot run, the dearest
 * part) after an epoch, each only when the view's time so far stays within
 * 1% of the training's: an update that would take more waits for a later
 * call. The pictures after a training's last epoch are always drawn, so
 * the page ends on the trained network; the last curves, if they could not
 * be drawn in time, are drawn when the program ends, when the page also
 * stops reloading and says that the lesson has finished. The page says
 * when its pictures were drawn. core/train.c knows nothing of it: it calls the view through
 * TrainConfig.watch (core/train_config.h).
 *
 * --live-term draws the first layer's filters in the terminal with block
 * characters after every epoch, under the epoch's summary line; only when
 * stderr is a terminal, never into a log file. --no-live writes no page.
 */
#ifndef CN_KIT_LIVE_H
#define CN_KIT_LIVE_H

#include <stddef.h>

#include "core/notebook.h"
#include "core/train.h"
#include "datasets/dataset.h"

/* The command line's choices (the flags below set them). */
typedef struct {
    int term; /* --live-term */
    int off;  /* --no-live */
} LiveFlags;
extern LiveFlags live_flags;

/* The two flags, for a lesson's table of flags (lessons/kit/cli.h):
 *     CliOpt opts[] = { { "quick", ... }, LIVE_CLI_OPTS };                  */
#define LIVE_CLI_OPTS                                                                                           \
    { "live-term", OPT_FLAG, &live_flags.term,                                                                  \
      "while training, also draw the first layer's filters in the terminal after every epoch (block "         \
      "characters; only when it is a terminal)" },                                                              \
    { "no-live", OPT_FLAG, &live_flags.off,                                                                     \
      "write no live view of the training (live.html and its pictures beside the notebook)" }

/* Watch the training that cfg describes: cfg->watch and its context are set
 * so that train_run keeps live.html in nb's folder up to date; label names
 * the network ("modern LeNet-5, MNIST sample"), test holds the pictures
 * shown (in the network's input size). The first training prints the
 * page's path. With --no-live and without --live-term, cfg is left as it
 * is. nb must stay open while train_run runs. */
void live_watch(Notebook *nb, TrainConfig *cfg, const char *label, const Dataset *test);

/* What the program's end does (the first live_watch registers it with
 * atexit): draw the last curves if they are missing, write the page one
 * last time without its reload, print what the view cost, and forget the
 * trainings. Tests call it directly. */
void live_finish(void);

/* --- the pieces, for the tests ------------------------------------------------------- */

/* nf filters of k x k weights w (nf, k, k) as text: each weight two block
 * characters, from "  " (the filter's most negative) through "░░", "▒▒"
 * (zero) and "▓▓" to "██" (its most positive), each filter on its own
 * scale, as many side by side as fit in `columns`; a line of their numbers
 * over each row of filters. malloc'ed; NULL when nf or k < 1. */
char *live_filters_text(const float *w, int nf, int k, int columns);

/* 1 when --live-term may draw on the stream with descriptor fd: the flag is
 * given and fd is a terminal. */
int live_term_allowed(int flag, int fd);

#endif
