/* models.h - the lesson kit's models folder and checkpoints: where trained
 * networks are saved, whether a checkpoint can be reused, and the smaller
 * datasets of a --quick run. */
#ifndef CN_KIT_MODELS_H
#define CN_KIT_MODELS_H

#include <stddef.h>

#include "core/net.h"
#include "core/notebook.h"
#include "core/train.h"
#include "datasets/dataset.h"

/* The models folder into dir: $CONVNET_MODELS when set, else (nb given and
 * quick) the notebook folder's models/, else the project's models/. */
void models_path(char *dir, size_t size, const Notebook *nb, int quick);

/* models_path, and the folder made when missing. */
void models_folder(char *dir, size_t size, const Notebook *nb, int quick);

/* How many epochs the checkpoint at path holds when it was written with
 * cfg's settings (it then loads its weights into net); -1 when there is
 * none or it does not match, and why (why_size bytes) says why ("" when
 * there is no file). With keep, a complete checkpoint's history (as many
 * epochs as cfg asks for) is handed over into *keep. */
int checkpoint_epochs(const char *path, Net *net, const TrainConfig *cfg, char *why, size_t why_size,
                      TrainHistory *keep);

/* --quick: *train and *test replaced by every k-th of their images, ntrain
 * and ntest of them (every class kept: see strided_subset in lesson.h). */
void quick_subsets(Dataset **train, Dataset **test, int ntrain, int ntest);

/* --quick: *train and *test replaced by their first ntrain and ntest images. */
void quick_first_n(Dataset **train, Dataset **test, int ntrain, int ntest);

/* The first n images of d as a dataset of their own (all of d when
 * n >= count). Free with dataset_free. */
Dataset *first_n(const Dataset *d, int n);

#endif
