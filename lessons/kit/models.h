/* models.h - the lesson kit's data and models: the datasets of a lesson
 * (whole, or smaller for --quick), the models folder and its checkpoints
 * (where trained networks are saved, whether one can be reused), and the
 * networks one lesson saves for another. */
#ifndef CN_KIT_MODELS_H
#define CN_KIT_MODELS_H

#include <stddef.h>
#include <stdint.h>

#include "core/net.h"
#include "core/notebook.h"
#include "core/train.h"
#include "datasets/dataset.h"

/* One dataset of a lesson: its names and its training and test images. */
typedef struct {
    const char *key, *which, *title, *thing;  /* "mnist", "mnist-sample", "the MNIST sample", "digit" */
    const char *name;                         /* for tables: "MNIST sample" */
    Dataset *train, *test;
} LessonData;

/* The training and test splits of dataset `which` (datasets/dataset.h),
 * loaded whole. When either cannot be used the program stops with the
 * messages of both (every missing file named, not only the last). */
void load_splits(const char *which, Dataset **train, Dataset **test);

/* The two datasets of lessons 08 and 10, loaded whole: [0] the MNIST
 * sample, [1] Fashion-MNIST. The program stops with the messages of every
 * split that cannot be read. Free with lesson_data_free. */
LessonData *digits_and_clothes(void);
void lesson_data_free(LessonData *d, int n);

/* The models folder into dir. A full run: $CONVNET_MODELS when set, else
 * the project's models/. A --quick run (quick and nb given) never uses the
 * full runs' folder, so it cannot replace their models or checkpoints:
 * $CONVNET_MODELS/quick when set, else the notebook folder's models/. */
void models_path(char *dir, size_t size, const Notebook *nb, int quick);

/* models_path, the folder made when missing, and held for this program
 * until it exits (flock on the folder itself, which needs no write
 * permission): a second run on the same folder stops at once saying that
 * another run holds it, instead of both writing the same files. The
 * temporary files that runs killed while saving left there are removed
 * (core/files.h). */
void models_folder(char *dir, size_t size, const Notebook *nb, int quick);

/* net holds the weights of a complete checkpoint; the model file at path
 * should be the same network, written when that training finished. It is
 * kept when it is (nothing is written: a read-only models folder is
 * enough to reuse it); when it is missing, unreadable, of another
 * network, or holds other weights (a model copied over it), it is written
 * again from the checkpoint. Returns 0 when the file was kept, else 1
 * with why (why_size bytes) saying what was wrong with it. */
int model_matches_checkpoint(Net *net, const char *path, char *why, size_t why_size);

/* How many epochs the checkpoint at path holds when it was written with
 * cfg's settings (it then loads its weights into net); -1 when there is
 * none or it does not match, and why (why_size bytes) says why ("" when
 * there is no file). With keep, a complete checkpoint's history (as many
 * epochs as cfg asks for) is handed over into *keep. The program stops
 * when the file is not this network's to replace (a newer format, another
 * architecture: MODEL_FOREIGN in core/model_io.h), saying that --retrain
 * would replace it: a training never writes over it unasked. */
int checkpoint_epochs(const char *path, Net *net, const TrainConfig *cfg, char *why, size_t why_size,
                      TrainHistory *keep);

/* Stop the program, saying `how` the user can allow it, when path holds a
 * file that must not be written over unasked (MODEL_FOREIGN: another
 * program's file, a newer format, another architecture). A sound file of
 * net's own may load its weights into net (initialise it afterwards); the
 * input normalization is kept. Nothing happens when path does not exist. */
void refuse_to_overwrite(const char *path, Net *net, const char *how);

/* --quick: *train and *test replaced by every k-th of their images, ntrain
 * and ntest of them (every class kept: see strided_subset in lesson.h). */
void quick_subsets(Dataset **train, Dataset **test, int ntrain, int ntest);

/* --quick: *train and *test replaced by their first ntrain and ntest images. */
void quick_first_n(Dataset **train, Dataset **test, int ntrain, int ntest);

/* The first n images of d as a dataset of their own (all of d when
 * n >= count). Free with dataset_free. */
Dataset *first_n(const Dataset *d, int n);

/* Train net on train for cfg->epochs, one epoch at a time: each epoch
 * continues from the checkpoint ckpt of the one before (core/train.h),
 * which gives the same weights as one uninterrupted run, and the values of
 * watch are copied into snap after it (snap + e * watch->n after epoch e,
 * the start at snap; cfg->epochs + 1 copies). One line per epoch on stderr
 * starts with label. ckpt is removed before and after; h gets the history. */
void train_watching(Net *net, const Dataset *train, const Dataset *test, const TrainConfig *cfg, const char *ckpt,
                    const CnParam *watch, float *snap, TrainHistory *h, const char *label);

/* --- networks saved by other lessons --- */

typedef enum { SAVED_LENET_MODERN, SAVED_LENET_CLASSIC, SAVED_ALEXNET } SavedArch;

/* A trained network one lesson saves in the models folder and another reads. */
typedef struct {
    const char *stem;   /* its file in the models folder, without .cnn */
    const char *title;  /* "modern LeNet-5, MNIST sample" */
    SavedArch arch;     /* LeNet-5 (core/lenet.h) or lesson 09's AlexNet-mini */
    const char *lesson; /* the lesson that saves it: "08" */
} SavedModel;

/* m's network: the file its lesson saved in models_dir, else the one an
 * earlier run of the reading lesson saved in its place
 * (<own_prefix>_<stem>.cnn), else trained now from seed on d->train with a
 * shorter recipe (quick: shorter still) and saved there; a paragraph in nb
 * says which. *acc and *test_n get its accuracy on d->test (fitted to its
 * input size) and the number of test images. */
Net *saved_model_get(Notebook *nb, const SavedModel *m, const LessonData *d, int quick, const char *models_dir,
                     const char *own_prefix, uint64_t seed, double *acc, int *test_n);

#endif
