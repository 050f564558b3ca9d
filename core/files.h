/* files.h - writing a whole file atomically.
 *
 * The bytes go to a temporary file in the same directory (so the rename
 * below stays on one file system), which is flushed, fsync'ed and renamed
 * over the target; a reader, or a run killed half way, sees either the old
 * file or the new one, never part of one. Models, checkpoints, training
 * histories and PNG pictures are written this way.
 *
 * The temporary file is named <target>.tmp<pid>-XXXXXX after the process
 * that writes it. A run killed while writing leaves it behind; the next
 * write of the same target removes every such file whose process is gone
 * (and, from builds before the pid was in the name, <target>.tmpXXXXXX
 * files more than ten minutes old). Two runs at once never remove each
 * other's files.
 */
#ifndef CN_FILES_H
#define CN_FILES_H

#include <stddef.h>

/* Write n bytes to path atomically (temporary file in the same directory,
 * fflush, fsync, rename). Every step is checked: on failure the target is
 * left as it was, the temporary file is removed, and -1 comes back with a
 * message naming the file and the cause. 0 on success. */
int cn_file_write_atomic(const char *path, const void *data, size_t n);

/* Remove every temporary file in dir that an interrupted atomic write left
 * (whatever its target), as above. Programs call it on the folder where
 * they keep their files, for targets they may never write again. */
void cn_remove_stale_temps(const char *dir);

/* Whether cn_file_write_atomic makes its writes durable (fsync of the file
 * and of its directory; on by default). Turned off, a write stays atomic for
 * readers, who see the old file or the new one, but a crash of the machine
 * may lose the last one: the choice for files rewritten every few seconds
 * for a person to look at (a live view of a training), where the two
 * fsyncs would cost far more than the write. Returns the previous setting.
 * Programs only: not for models and checkpoints. */
int cn_file_sync(int on);

/* For tests: with on != 0, cn_file_write_atomic fails as on a full disk
 * (half the bytes written, then ENOSPC) until called again with 0. */
void cn_file_simulate_full_disk(int on);

#endif
