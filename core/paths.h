/* paths.h - where the project is on disk, found when the program runs.
 *
 * Programs read the datasets and the gnuplot scripts and write their outputs
 * under the project root, the folder that holds core/, lessons/, datasets/
 * and plots/. Nothing is compiled in, so a checkout that is copied, moved or
 * renamed (built tree included) works where it now is:
 *
 *   1. $CONVNET_ROOT, when set and not empty (read on every call, as given);
 *   2. else the folder found by walking up from the running program
 *      (/proc/self/exe: build/lessons/08_lenet -> build/lessons -> build ->
 *      the root), the first one that holds the marker core/conv.h and a
 *      lessons/ folder;
 *   3. else the same walk up from the working directory.
 *
 * Steps 2 and 3 run once per process and their answer is kept.
 */
#ifndef CN_PATHS_H
#define CN_PATHS_H

#include <stddef.h>

/* The project root as above. NULL when none is found, with a message in
 * cn_last_error() that names CONVNET_ROOT as the fix. */
const char *cn_project_root(void);

/* The checkout the program runs from: steps 2 and 3 only, whatever
 * CONVNET_ROOT says (the plot scripts are part of the source tree, so they
 * stay with it when the outputs move). NULL with a message when none. */
const char *cn_source_root(void);

/* Write "<root>/<rel>" into buf (size bytes). 0, or -1 when there is no
 * root or the path does not fit. */
int cn_project_path(char *buf, size_t size, const char *rel);

/* The walk of steps 2 and 3 from one start: the nearest folder at or above
 * `start` (an absolute path to a file or a folder) that holds core/conv.h
 * and lessons/, written into buf. 0, or -1 with a message when none does
 * or it does not fit. */
int cn_find_root(char *buf, size_t size, const char *start);

#endif
