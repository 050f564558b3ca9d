/* model_io.h - saving and loading a network's parameters, and training
 * checkpoints.
 *
 * File format, version 3. Every integer and float is written little-endian
 * byte by byte (floats as their IEEE-754 bits), whatever the host, so a file
 * reads back bit for bit on any machine. A string is a u32 length then its
 * bytes (no terminator).
 *
 *     "CNNC"                   magic, 4 bytes
 *     u32  version             3 (versions 1 and 2 still load: see below)
 *     u32  type                1 = model, 2 = checkpoint
 *     u64  file length         in bytes, checksum included (finds truncation)
 *     str  architecture name   net->name
 *     u32  c, h, w             input shape
 *     f32  mean, std           input normalization (net_set_input_norm)
 *     u32  number of class names  0, or one per output (net_set_classes)
 *     str  per class: its name    (version 3; older files name no classes)
 *     u32  number of layers
 *     per layer:   str label, str kind, u32 number of params,
 *                  per param: str name, u32 dims[4]
 *     per param, in the same order: its n = d0*d1*d2*d3 values, f32
 *     checkpoint only:
 *         u32  epochs done
 *         the run's settings: u64 seed, u32 batch, u32 train_limit,
 *             f32 momentum, f32 weight_decay, u32 schedule kind, f32 lr,
 *             u32 step_epochs, f32 gamma, u32 total_epochs, f32 lr_min,
 *             f32 warmup_epochs, f32 mean, f32 std, f32 label_smoothing
 *             (version 2; a version-1 checkpoint ran without smoothing)
 *         per param: its n SGD velocities, f32
 *         u32  number of generators; per generator: u32 layer index,
 *              u64 state, u64 inc (dropout masks)
 *         u32  history rows; per row: u32 epoch, f64 train_loss, train_acc,
 *              test_loss, test_acc, lr, seconds, images_per_s
 *     u64  checksum            FNV-1a 64 of every byte before it
 *
 * Writing is atomic: the bytes go to a temporary file in the same directory,
 * which is flushed, fsync'ed and renamed over the target, so a crash leaves
 * either the old file or the new one, never half of one.
 *
 * Loading checks, in this order, and names the file and the fix in its
 * message: the magic, the version (newer than this build), the length
 * (truncated or extended), the checksum (corrupt), then that the file
 * describes this network: the architecture name, the layers (label, kind)
 * and every param's name and shape; then that every weight (and every SGD
 * velocity of a checkpoint) is a finite number. Nothing in the net changes
 * unless every check passes. A reader takes regular files only, of at most
 * 1 GiB (a device such as /dev/zero is refused at once).
 */
#ifndef CN_MODEL_IO_H
#define CN_MODEL_IO_H

#include "core/files.h"
#include "core/history.h"
#include "core/net.h"
#include "core/optim.h"
#include "core/train_config.h"

#define MODEL_MAGIC "CNNC"
#define MODEL_VERSION 3

/* net_load and net_checkpoint_load return this instead of -1 for a file that
 * is intact but not this network's to replace: another program's file, a
 * newer format, a model where a checkpoint was expected, or another
 * architecture. A program must not write over such a file unless its user
 * asked to (the lessons' --retrain). Other failures (-1) are damaged files,
 * or checkpoints of this network written with other settings. */
#define MODEL_FOREIGN (-2)

/* Save every parameter of net (and its input normalization). 0 or -1. */
int net_save(const Net *net, const char *path);
/* Load parameters saved from a net built the same way (a model file or a
 * checkpoint) into net, which must already be built, with the class names
 * the file records (none from a version 1 or 2 file). 0, -1 or
 * MODEL_FOREIGN. */
int net_load(Net *net, const char *path);

/* A checkpoint: the params, opt's velocities, the dropout generators, the
 * history so far (h->n epochs done) and cfg's settings that shape the run. */
int net_checkpoint_save(const char *path, const Net *net, const Sgd *opt, const TrainConfig *cfg,
                        const TrainHistory *h);
/* Restore a checkpoint into net and opt (built as when it was saved) and
 * replace h's content with its history. Refused with a message when the
 * file was written with other settings (seed, batch, schedule, ...) than
 * cfg's, since continuing would not reproduce the run. 0, -1 or
 * MODEL_FOREIGN. */
int net_checkpoint_load(const char *path, Net *net, Sgd *opt, const TrainConfig *cfg, TrainHistory *h);

#endif
