/* files.h - writing a whole file atomically.
 *
 * The bytes go to a temporary file in the same directory (so the rename
 * below stays on one file system), which is flushed, fsync'ed and renamed
 * over the target; a reader, or a run killed half way, sees either the old
 * file or the new one, never part of one. Models, checkpoints and training
 * histories are written this way.
 */
#ifndef CN_FILES_H
#define CN_FILES_H

#include <stddef.h>

/* Write n bytes to path atomically (temporary file in the same directory,
 * fflush, fsync, rename). 0 or -1 with a message naming the file. */
int cn_file_write_atomic(const char *path, const void *data, size_t n);

#endif
