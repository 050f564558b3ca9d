/* 09_alexnet.c - lesson 09: a scaled-down AlexNet on Fashion-MNIST.
 *
 * AlexNet (Krizhevsky, Sutskever and Hinton, 2012) is LeNet's skeleton made
 * deeper and wider, plus a handful of ideas that made it trainable: ReLU,
 * local response normalization, overlapping pooling, dropout, data
 * augmentation, momentum with weight decay, and convolutions split into two
 * groups. This lesson builds it at 1x28x28 (core/alexnet.h), trains it on
 * Fashion-MNIST, shows what it learned (curves, conv1's filters, one
 * garment's feature maps through every layer, the confusion matrix, the
 * mistakes), sets it beside LeNet-5 from lesson 08, and then turns each of
 * the paper's ideas off in turn, on a subset of the data and from several
 * seeds, to measure what it does at this scale and how sure that is.
 *
 * The trained network is saved as models/alexnet_mini_fashion.cnn (lesson
 * 10 reads it), with a checkpoint (.ckpt) after every epoch; the next run
 * reuses it when it matches this lesson's settings. The ablation runs keep
 * their checkpoints there too, one per idea and seed.
 *
 *   build/lessons/09_alexnet              the full lesson
 *   build/lessons/09_alexnet --quick      seconds: a small subset, every picture still drawn
 *   build/lessons/09_alexnet --retrain    train again even when saved runs match
 *   build/lessons/09_alexnet --resume     continue an interrupted training from its checkpoint
 *   build/lessons/09_alexnet --ablations  the longer ablations (all 60,000 images)
 *   build/lessons/09_alexnet --seeds 5    each ablation from 5 seeds (default 3)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alexnet.h"
#include "core/die.h"
#include "core/error.h"
#include "lessons/kit/ablations.h"
#include "lessons/kit/alexnet.h"
#include "lessons/kit/alexnet_story.h"
#include "lessons/kit/cli.h"
#include "lessons/kit/goals.h"
#include "lessons/kit/layers.h"
#include "lessons/kit/live.h"
#include "lessons/kit/loops.h"
#include "lessons/kit/models.h"
#include "lessons/kit/readings.h"
#include "lessons/kit/report.h"
#include "lessons/lesson.h"

#define LESSON_ID "09_alexnet"
#define SEED 2012
#define BATCH 64
#define MAIN_EPOCHS 26       /* the default training (see "Training" in the notebook) */
#define MAIN_LR 0.02f        /* peak of the cosine schedule, batch 64 */
#define WARMUP 0.1f          /* epochs of linear warmup at the start */
#define LABEL_SMOOTH 0.1f    /* label smoothing of the loss (core/loss.h) */
#define BIAS_HIDDEN 0.1f     /* start of the biases the paper set to 1 */
#define CROP_PAD 2           /* random crops: the picture moves by up to 2 pixels */
#define QUICK_TRAIN 1000     /* --quick: training and test images, epochs */
#define QUICK_TEST 300
#define QUICK_EPOCHS 3
/* The ablations' training images, epochs and test images, for each seed: by default, with --ablations, with
 * --quick. The default: 18 runs (3 seeds) of 2,000 images x 8 epochs cost about what 6 single-seed runs of
 * 5,000 x 8 cost (the notebook gives the measured cost). */
enum { ABL_DEFAULT, ABL_LONG, ABL_QUICK };
static const int ABLATION[3][3] = { { 2000, 8, 2000 }, { 60000, 10, 10000 }, { 128, 2, 128 } };
#define SEEDS 3              /* the ablations' seeds by default (--seeds) */
#define MAX_SEEDS 20
#define VGG16_FASHION 0.935 /* for scale: a VGG-16 in the Fashion-MNIST repository's benchmark table */
#define FLOOR_ACC 0.90     /* what the default run must reach (a checked claim) */
#define TRAIN_ERR 0.25       /* ReLU vs tanh: time to reach 25% training error */
#define SHOW_CLASS 9         /* the garment drawn through the layers: the first test ankle boot */
#define MISTAKES 24

typedef struct Lesson Lesson; /* what the sections share: the settings, the data, the results */

static Lesson *start(int argc, char **argv); /* the command line, the data, the notebook */
/* The sections of the notebook, each a function below. */
static void from_lenet_to_alexnet(Lesson *ls), show_network(Lesson *ls), explain_recipe(Lesson *ls),
    train_main_network(Lesson *ls), judge_on_test_set(Lesson *ls), show_conv1_filters(Lesson *ls),
    one_garment_through_every_layer(Lesson *ls), explain_confusions(Lesson *ls),
    lenet_beside_alexnet(Lesson *ls), train_ablations(Lesson *ls), plot_ablations(Lesson *ls),
    compare_ablations(Lesson *ls), try_it_yourself(Lesson *ls);
static int finish(Lesson *ls);

int main(int argc, char **argv)
{
    Lesson *ls = start(argc, argv);
    void (*const story[])(Lesson *) = { /* the notebook, section by section */
        from_lenet_to_alexnet, show_network, explain_recipe, train_main_network, judge_on_test_set,
        show_conv1_filters, one_garment_through_every_layer, explain_confusions, lenet_beside_alexnet,
        train_ablations, plot_ablations, compare_ablations, try_it_yourself,
    };
    for (size_t i = 0; i < sizeof story / sizeof *story; i++) story[i](ls);
    return finish(ls);
}

static const AlexRecipe RECIPE = { .seed = SEED, .batch = BATCH, .lr = MAIN_LR, .warmup = WARMUP,
                                   .label_smoothing = LABEL_SMOOTH, .bias_hidden = BIAS_HIDDEN, .crop_pad = CROP_PAD };

struct Lesson {
    int quick, retrain, resume, long_abl, epochs, show, groups, seeds; /* the command line */
    int defaults;                          /* the training settings are the lesson's (for its mode) */
    Notebook *nb;
    Dataset *train, *test;
    int full_train, full_test;             /* images before --quick */
    char models_dir[4096];
    AlexRun mainr;                         /* the main network */
    EvalResult ev, ev10;                   /* its test: one view, ten views */
    Ablations abl;                         /* each idea switched off, from several seeds */
    Claims cl;                             /* the paper's claims, measured on them */
    double t_start;
};


/* --- the sections ------------------------------------------------------------------------ */

static Lesson *start(int argc, char **argv)
{
    Lesson *ls = xcalloc(1, sizeof *ls);
    int quick = 0, retrain = 0, resume = 0, long_abl = 0, epochs = CLI_UNSET, show = CLI_UNSET, groups = 1, naive = 0;
    int seeds = SEEDS;
    CliOpt opts[] = {
        { "quick", OPT_FLAG, &quick, "seconds: a small subset, a few epochs (models go to the output folder, not "
                                     "models/); every picture is still drawn" },
        { "retrain", OPT_FLAG, &retrain, "train again even when saved runs match this lesson's settings" },
        { "resume", OPT_FLAG, &resume, "continue an interrupted training from its checkpoint" },
        { "ablations", OPT_FLAG, &long_abl, "the longer ablations: all 60,000 training images, 10 epochs each "
                                            "(with 3 seeds 10.8 million training images: one to three hours on a "
                                            "2-core machine)" },
        { "seeds", OPT_INT, &seeds, "N: train each ablation from N seeds (2..20); a run with more seeds "
                                    "reuses the ones trained before" },
        { "epochs", OPT_INT, &epochs, "N: epochs of the main training (default 26; 3 with --quick)" },
        { "groups", OPT_INT, &groups, "G: train the main network with conv2..conv5 in G groups (1 or 2; 2 is "
                                      "saved as alexnet_mini_g2_fashion.cnn)" },
        { "index", OPT_INT, &show, "N: the test image drawn through the layers (default: the first ankle boot)" },
        { "naive", OPT_FLAG, &naive, LESSON_NAIVE_HELP }, LIVE_CLI_OPTS,
    };
    cli_main(argc, argv, opts, (int)(sizeof opts / sizeof opts[0]),
             "Lesson 09: a scaled-down AlexNet on Fashion-MNIST: ReLU, local response normalization, overlapping "
             "pooling, dropout, augmentation, momentum and weight decay, grouped convolutions; the architecture, "
             "curves, filters, feature maps, confusion matrix, mistakes, LeNet-5 beside it, and each idea switched "
             "off in turn.\nOutputs: plots/out/" LESSON_ID "/ (or $CONVNET_OUT/" LESSON_ID "/). Models: models/ (or "
             "$CONVNET_MODELS; with --quick, the output folder's models/, or $CONVNET_MODELS/quick).");
    lesson_choose_loops(naive);
    if (retrain && resume) cli_refuse("--retrain and --resume contradict each other: give one of them");
    cli_int_or(&epochs, quick ? QUICK_EPOCHS : MAIN_EPOCHS, 1, 1000, "epochs", "epochs");
    if (groups != 1 && groups != 2) cli_refuse("--groups %d: use 1, or 2 for the paper's two halves", groups);
    if (quick && long_abl) cli_refuse("--quick and --ablations contradict each other: give one of them");
    cli_int_in(seeds, 2, MAX_SEEDS, "seeds", "a number of seeds (one seed has no spread, so no interval)");
    if (show != CLI_UNSET && show < 0) cli_refuse("--index %d: give a test image number, 0 or more", show);
    ls->quick = quick, ls->retrain = retrain, ls->resume = resume, ls->long_abl = long_abl, ls->groups = groups;
    ls->seeds = seeds;
    ls->t_start = now_s();

    Dataset *train, *test;
    load_splits("fashion-mnist", &train, &test);
    const int full_train = train->count, full_test = test->count;
    pixel_stats(train); /* on all the training pictures, also with --quick */
    if (quick) quick_first_n(&train, &test, QUICK_TRAIN, QUICK_TEST);
    if (show != CLI_UNSET && show >= test->count)
        cli_refuse("--index %d: the test set has %d images (0 .. %d)", show, test->count, test->count - 1);
    if (show == CLI_UNSET) show = first_of_class(test, SHOW_CLASS);

    ls->nb = nb_open(LESSON_ID, "Lesson 09 — A scaled-down AlexNet");
    CN_CHECK(ls->nb);
    models_folder(ls->models_dir, sizeof ls->models_dir, ls->nb, quick);
    ls->epochs = epochs, ls->show = show;
    ls->defaults = epochs == (quick ? QUICK_EPOCHS : MAIN_EPOCHS) && groups == 1;
    lesson_explore(!ls->defaults); /* claims made for the default recipe are goals (goals.h) */
    ls->train = train, ls->test = test, ls->full_train = full_train, ls->full_test = full_test;
    return ls;
}

static void from_lenet_to_alexnet(Lesson *ls)
{
    Notebook *nb = ls->nb;
    Dataset *train = ls->train, *test = ls->test;
    const char *models_dir = ls->models_dir;
    const int full_train = ls->full_train, full_test = ls->full_test, quick = ls->quick, epochs = ls->epochs;
    char a[32], b[32];
    nb_section(nb, "From LeNet to AlexNet");
    nb_para(nb, "In 2012 a convolutional network won the ImageNet competition (1.2 million photographs, 1000 classes) "
                "with a top-5 error of 15.3%%, where the next best entry had 26.2%%: Krizhevsky, Sutskever and Hinton, "
                "\"ImageNet classification with deep convolutional neural networks\". Its skeleton is LeNet's "
                "(lesson 08): convolutions and pooling, then fully connected layers. What was new is what made a "
                "network of 60 million parameters trainable at all:\n"
                "- ReLU, max(0, a), instead of tanh: gradients that do not fade, several times faster training;\n"
                "- local response normalization (LRN): each map divided by the energy of its neighbouring maps;\n"
                "- overlapping pooling: 3x3 windows every 2 pixels instead of 2x2 every 2;\n"
                "- dropout: during training, each unit of the big fully connected layers is switched off half the "
                "time, so no unit can rely on another;\n"
                "- data augmentation: random crops and mirror images, so the network never sees the same picture "
                "twice;\n"
                "- SGD with momentum 0.9 and weight decay 0.0005, a learning rate that goes down, and biases started "
                "at 1 so that the ReLUs begin active;\n"
                "- two groups of convolutions, one per GPU, that only meet at a few layers.");
    nb_para(nb, "This lesson builds AlexNet at the size of Fashion-MNIST: 28x28 gray pictures of clothes, %s for "
                "training and %s for testing, in 10 classes. Every idea is here as a switch (core/alexnet.h), so "
                "that at the end each one can be turned off and measured.",
            commas(a, full_train), commas(b, full_test));
    if (quick)
        nb_para(nb, "This is a --quick run: %d training images, %d test images, %d epochs and tiny ablations, so the "
                    "numbers are far from what the full lesson reaches. Models go to %s.",
                train->count, test->count, epochs, models_dir);
}

static void show_network(Lesson *ls)
{
    Notebook *nb = ls->nb;
    const Dataset *train = ls->train;
    const char *models_dir = ls->models_dir;
    const int groups = ls->groups, quick = ls->quick, epochs = ls->epochs;
    char a[32], b[32];
    nb_section(nb, "The network");
    AlexNetOptions o = alexnet_lesson();
    o.seed = SEED;
    o.groups = groups;
    AlexRun *mr = &ls->mainr;
    const char *main_key = groups == 2 ? "g2_fashion" : "fashion";
    alex_run_setup(mr, main_key, "AlexNet-mini", &o, epochs, quick ? train->count : 0, 0, models_dir, 1, &RECIPE);
    mr->ntrain = train->count; /* the images of one epoch, for times per epoch */
    Net *net = mr->net;
    char name[64];
    AlexNetOptions ro = alexnet_defaults(); /* the reference script's network */
    Net *ref = alexnet_mini(&ro);
    CN_CHECK(ref);
    const double rmacs = weight_madds(ref);
    nb_para(nb, "Five convolution layers and three fully connected ones, in AlexNet's order, each convolution "
                "followed by a ReLU; LRN after the first two; max pooling after conv1, conv2 and conv5; dropout "
                "on the inputs of fc7 and fc8. The convolutions have AlexNet's widths divided by 4 (96 → 24 maps in "
                "conv1, 256 → 64 in conv2, 384 → 96 in conv3 and conv4, 256 → 64 in conv5), the fully connected "
                "layers 4096 → 256. The reference script's network, this course's starting point, is narrower "
                "(48, 64, 64 and 48 maps in conv2..conv5; the quarter widths take %.2f times its multiply-adds); in runs made "
                "while building this course, with this lesson's recipe, it levelled off lower, whether for more "
                "epochs or with wider conv2 and conv5 alone (core/alexnet.h gives the figures), so the lesson "
                "trains the quarter widths (the ablations below keep the narrower network, "
                "to stay short). The network's name records every switch: %s.",
            weight_madds(net) / rmacs, alexnet_name(name, sizeof name, &o));
    alexnet_table(nb, net);
    const double macs = weight_madds(net);
    if (groups == 1) {
        nb_check(nb, net_param_count(net) == 342458 && macs == 9907584.0,
                 "%s parameters and %s multiply-adds per image (342,458 and 9,907,584 by hand from the widths)",
                 commas(a, (double)net_param_count(net)), commas(b, macs));
        /* the counting code against PyTorch's own count of the reference network */
        nb_check(nb, net_param_count(ref) == 221146 && rmacs == 5657600.0,
                 "the same counts for the reference script's network: %s parameters and %s multiply-adds, the "
                 "numbers PyTorch counts for it (221,146 and 5,657,600)",
                 commas(a, (double)net_param_count(ref)), commas(b, rmacs));
    }
    net_free(ref);
    RecField rf5 = net_receptive_field(net, net_find(net, "conv5")), rfp = net_receptive_field(net, net_find(net, "pool5"));
    nb_para(nb, "The receptive field (lesson 03) grows by (k − 1) × jump at every layer, and the jump doubles at "
                "every stride-2 pooling: a unit of conv5 sees %dx%d input pixels, one of pool5 %dx%d, more than "
                "the whole 28x28 picture. The three fully connected layers then see everything.",
            rf5.size, rf5.size, rfp.size, rfp.size);
    nb_check(nb, rfp.size == 47 && rf5.size == 39,
             "receptive fields by the recurrence r ← r + (k − 1)·j: conv1 5, pool1 7, conv2 11, pool2 15, conv3 23, "
             "conv4 31, conv5 %d, pool5 %d", rf5.size, rfp.size);
    const Layer *p5 = net->layer[net_find(net, "pool5")];
    const int cover_h = (p5->out.h - 1) * p5->rf_s + p5->rf_k, cover_w = (p5->out.w - 1) * p5->rf_s + p5->rf_k;
    const WeightSplit ws = weight_split(net);
    nb_para(nb, "Two things in the table to look at. The convolutions do %.0f%% of the multiply-adds (%s alone "
                "%.0f%%) and hold %.0f%% of the parameters, the fully connected layers %.0f%%: %s. And pool5 reads "
                "a %dx%d map with 3x3 windows every 2 pixels: windows start at 0 and 2 and cover %dx%d pixels, so "
                "the last row and column of conv5 (%d of its %d outputs per map) are never read, a quirk of the "
                "scaled sizes.",
            100.0 * (macs - fc_madds(net)) / macs, ws.top_madds, 100.0 * ws.top_madds_share,
            100.0 * ws.conv_params / ws.params, 100.0 * ws.fc_params / ws.params,
            ws.fc_params > ws.conv_params ? "most parameters sit in the fully connected layers"
                                          : "at this size most parameters sit in the convolutions, because the "
                                            "maps reaching fc6 are tiny",
            p5->in.h, p5->in.w, cover_h, cover_w, p5->in.h * p5->in.w - cover_h * cover_w, p5->in.h * p5->in.w);
    char c[32];
    nb_check(nb, ws.conv_params + ws.fc_params == ws.params && ws.top_madds != NULL,
             "the convolutions' %s and the fully connected layers' %s parameters make the %s of the table",
             commas(a, ws.conv_params), commas(b, ws.fc_params), commas(c, ws.params));
    original_alexnet(nb, ws);
}

static void explain_recipe(Lesson *ls)
{
    Notebook *nb = ls->nb;
    const Dataset *train = ls->train;
    const int full_train = ls->full_train, epochs = ls->epochs;
    char a[32];
    nb_section(nb, "Training");
    nb_para(nb, "The recipe is the paper's, in small:\n"
                "- stochastic gradient descent on mini-batches of %d, momentum 0.9, weight decay 0.0005 on the "
                "weights (not the biases);\n"
                "- the learning rate rises from 0 to %.2f over the first %g epoch (a warmup: the first "
                "steps of an untrained network are the least reliable) and then follows half a cosine down to 0 "
                "over the %d epochs (the "
                "paper divided it by 10 by hand whenever the validation error stopped improving; the cosine does "
                "the same smoothly, with nothing to watch);\n"
                "- weights drawn from N(0, 2/fan-in) (He et al. 2015, the scale that keeps a ReLU network's "
                "activations from growing or fading with depth; the paper used N(0, 0.01²) for every layer, which "
                "for 8 layers only trains with care), except fc8, the output layer, which starts at the paper's "
                "N(0, 0.01²) so that the first predictions are near uniform; biases 0 except conv2, conv4, conv5, "
                "fc6 and fc7, where the paper started them at 1 to make their ReLUs start active, and we start them "
                "at %.1f (1 is large next to weights of this scale);\n"
                "- augmentation: each training picture is moved by up to %d pixels in each direction (the paper's "
                "random 224x224 crops out of 256x256 images) and mirrored left to right half of the time;\n"
                "- one addition the paper did not have (Szegedy et al. 2016, \"Rethinking the Inception "
                "architecture\"): label smoothing %.1f. The loss does not ask for probability 1 on the right class "
                "but for %.2f, with %.2f on each of the other %d (core/loss.h): once a picture is classified "
                "clearly, its loss stops pushing the logits further apart, so the network learns less of its "
                "training pictures by heart. (The training loss in the curves below is this smoothed loss, which "
                "cannot go below about %.2f; the test loss is the plain cross-entropy.)\n"
                "- the input is centred and scaled: the paper subtracted the mean picture of the training set from "
                "every picture; here each pixel becomes x = (p/255 − %.4f) / %.4f, the mean and standard deviation "
                "of all %s training pixels, measured in this run, so that the first layer sees numbers around 0 of "
                "size about 1 (with x = p/255 every input is positive, so the gradients of all the weights that "
                "feed one output pixel have the same sign: one step can only move them all up or all down together, "
                "and SGD zig-zags; LeCun et al. 1998, \"Efficient BackProp\").",
            BATCH, (double)MAIN_LR, (double)WARMUP, epochs, (double)BIAS_HIDDEN, CROP_PAD, (double)LABEL_SMOOTH,
            smooth_on(LABEL_SMOOTH, train->nclasses), (double)LABEL_SMOOTH / train->nclasses, train->nclasses - 1,
            smooth_floor(LABEL_SMOOTH, train->nclasses),
            (double)pixel_mean, (double)pixel_std, commas(a, (double)full_train * 28 * 28));
    augmentation_sheet(nb, train, SEED, CROP_PAD);
    nb_image(nb, "four training pictures (left) and seven random versions of each as the network sees them: "
                 "moved by up to 2 pixels (the uncovered border is black background) and mirrored half the time",
             "augmentation.png");
    nb_para(nb, "Every choice is random but seeded (seed %d): a run of this lesson gives the same weights on any "
                "number of threads, and a run interrupted after any epoch resumes to exactly the same end "
                "(--resume; tests/check_alexnet.c checks both). With two threads, each batch is cut in two halves "
                "of %d, each run through its own copy of the network on its own thread, as LeNet-5 trains in "
                "lesson 08 (lesson 12 shows why): the threads meet once per batch instead of at every layer. The "
                "dropout masks are drawn for the whole batch and each half gets its part, so the step is the same "
                "sum either way, added in another order (tests/check_alexnet.c checks that too).", SEED, (BATCH + 1) / 2);
    lesson_say_loops(nb);
}

static void train_main_network(Lesson *ls)
{
    Notebook *nb = ls->nb;
    Dataset *train = ls->train, *test = ls->test;
    AlexRun *mr = &ls->mainr;
    char a[32], b[32];
    const int retrain = ls->retrain, resume = ls->resume;
    char hist_path[4096];
    snprintf(hist_path, sizeof hist_path, "%s", nb_path(nb, "history.dat"));
    const double t_train0 = now_s();
    alex_train_or_reuse(nb, mr, train, test, retrain, resume, hist_path, 1);
    const double main_wall = now_s() - t_train0;
    if (strcmp(mr->how, "reused"))
        say_training_time(nb, &mr->hist, mr->loaded, train->count, main_wall, mr->model);
    else
        nb_para(nb, "That training took %.0f s of training time when it ran (%d epochs of %s images, %s images "
                    "per second; evaluation not included).", train_seconds(mr, mr->hist.n), mr->hist.n,
                commas(a, train->count),
                commas(b, train_seconds(mr, mr->hist.n) > 0
                              ? (double)mr->hist.n * train->count / train_seconds(mr, mr->hist.n) : 0.0));
    alex_curves(nb, mr);
}

static void judge_on_test_set(Lesson *ls)
{
    Notebook *nb = ls->nb;
    Dataset *train = ls->train, *test = ls->test;
    Net *net = ls->mainr.net;
    AlexRun *mr = &ls->mainr;
    const int quick = ls->quick, epochs = ls->epochs;
    char a[32], b[32], c[32], d[32];
    const EpochStats *last = &mr->hist.e[mr->hist.n - 1];
    EvalResult ev = { .want_pred = 1 };
    CN_CHECK(net_evaluate(net, test, 0, &ev) == 0);
    /* the same measure on training pictures: dropout off, no augmentation */
    const int ntr_eval = train->count < 10000 ? train->count : 10000;
    const double train_eval = accuracy_on(net, train, ntr_eval);
    double best;
    const int best_e = best_test_epoch(&mr->hist, &best);
    nb_para(nb, "After %d epochs: test accuracy %.4f (%s of %s pictures right), test loss %.4f. On the first %s "
                "training pictures, measured the same way (dropout off, no augmentation), the accuracy is %.4f; while "
                "training, with dropout and augmentation on, it was %.4f in the last epoch. The best epoch on the "
                "test set was %d with %.4f: the final network is the one kept, not the best epoch (choosing by the "
                "test set would be cheating).",
            mr->hist.n, ev.accuracy, commas(c, (double)lround(ev.accuracy * ev.n)), commas(d, ev.n), ev.loss,
            commas(b, ntr_eval), train_eval,
            last->train_acc, best_e, best);
    /* the paper's test-time averaging over ten views of each picture */
    EvalResult ev10 = { 0 };
    const double t10 = now_s();
    CN_CHECK(net_evaluate_views(net, test, 0, alexnet_view, ALEXNET_VIEWS, &mr->aug, &ev10) == 0);
    const double s10 = now_s() - t10;
    const int fixed = confusion_right(&ev10), broken = confusion_right(&ev);
    nb_para(nb, "The paper did not judge its network on one look at each picture: it averaged the softmax outputs "
                "of ten views, the four corner patches and the centre one, each also mirrored. The same here, with "
                "the picture moved by %d pixels towards each corner: the ten-view test accuracy is %.4f (test loss "
                "%.4f), against %.4f from one view (%+d pictures right), for ten times the work (%.1f s for the "
                "%s test pictures).",
            CROP_PAD, ev10.accuracy, ev10.loss, ev.accuracy, fixed - broken, s10, commas(a, ev.n));
    if (!quick && epochs == MAIN_EPOCHS) {
        lesson_goal(nb, ev.accuracy >= FLOOR_ACC,
                 "test accuracy %.4f ≥ %.2f on all %s test pictures (for scale: PyTorch trains the same network with "
                 "plain SGD at a constant rate, flips only, to about 0.88 in 10 epochs)", ev.accuracy, FLOOR_ACC,
                 commas(a, ev.n));
        const int n = mr->hist.n;
        const double e_end = 1.0 - mr->hist.e[n - 1].test_acc, e_before = n > 2 ? 1.0 - mr->hist.e[n - 3].test_acc : NAN;
        const int under = train_eval <= ev.accuracy + 0.01;
        nb_para(nb, "For scale: the benchmark table of the Fashion-MNIST repository lists about %.3f for a "
                    "VGG-16; this run reaches %.4f from one view and %.4f with the paper's ten views. The paper's own "
                    "numbers (top-5 error 15.3%% on ImageNet) are for another task and cannot be set beside these. "
                    "The test error %s in the last epochs (%.4f two epochs before the end, %.4f at the end), and the "
                    "accuracy on training pictures (%.4f) is %s the test accuracy: %s Every epoch costs about %.0f s "
                    "of training here; a longer schedule (--epochs %d, twice the time) is the first thing to try "
                    "while the test error still falls, and averaging the outputs of several networks trained from "
                    "different seeds, as the paper did (section 6: five networks), the next.",
                VGG16_FASHION, ev.accuracy, ev10.accuracy, e_end < e_before ? "was still falling" : "had levelled off",
                e_before, e_end, train_eval, under ? "hardly above" : "well above",
                under ? "the network underfits rather than overfits, so more training, not more regularization, is "
                        "what it lacks."
                      : "it has begun to fit its training pictures better than new ones, which dropout and "
                        "augmentation hold back.",
                train_seconds(mr, n) / n, 2 * n);
    } else
        lesson_goal(nb, ev.accuracy > 0.2,
                          "test accuracy %.4f is more than twice chance (0.1 for 10 classes)", ev.accuracy);

    ls->ev = ev;
    ls->ev10 = ev10;
}

static void show_conv1_filters(Lesson *ls)
{
    Notebook *nb = ls->nb;
    Net *net = ls->mainr.net;
    nb_section(nb, "What conv1 learned");
    const float wmax = conv1_filters(nb, net);
    nb_image(nb, "the 24 filters of conv1, 5x5 each, enlarged; mid-gray is 0, lighter positive, darker negative, "
                 "all on one scale (largest |weight| drawn white or black)", "conv1_filters.png");
    describe_conv1(nb, net, wmax);
}

static void one_garment_through_every_layer(Lesson *ls)
{
    Notebook *nb = ls->nb;
    Net *net = ls->mainr.net;
    const Dataset *test = ls->test;
    AlexRun *mr = &ls->mainr;
    const int show = ls->show;
    nb_section(nb, "One garment through every layer");
    float prob[16];
    const int pred = alex_feature_maps(nb, net, test, show, "feature_maps.png", prob);
    const int lab = test->labels[show];
    nb_image(nb, "one test picture through the network: every map of every layer, each layer on its own "
                 "scale (black its smallest value, white its largest); convolution and fully connected layers "
                 "after their ReLU; the bars are the class probabilities (green: the true class)",
             "feature_maps.png");
    /* how sparse: the share of exact zeros after each activation, on this picture */
    const char *const acts[4] = { "conv1", "conv3", "conv5", "fc6" };
    double zero[4];
    for (int k = 0; k < 4; k++) zero[k] = zero_share(net, shown_index(net, acts[k]));
    char sizes[96] = "", maps[96] = "";
    {
        /* the map sizes after conv1 and each pooling; the maps of each convolution */
        const char *const at[] = { "conv1", "pool1", "pool2", "pool5" };
        for (int k = 0; k < 4; k++) {
            const Layer *L = net->layer[net_find(net, at[k])];
            snprintf(sizes + strlen(sizes), sizeof sizes - strlen(sizes), "%s%d", k ? " → " : "", L->out.h);
        }
        for (int i = 0, k = 0; i < net->n; i++)
            if (!strcmp(net->layer[i]->ops->kind, "conv"))
                snprintf(maps + strlen(maps), sizeof maps - strlen(maps), "%s%d", k++ ? " → " : "", net->layer[i]->out.c);
    }
    const int h5 = net->layer[net_find(net, "conv5")]->out.h;
    nb_para(nb, "Test picture %d, of class %s. The network says %s with probability %.3f%s. Going down, the maps "
                "shrink (%s pixels) and multiply (%s maps in conv1 to conv5), and they become sparse: "
                "after the ReLU, %.0f%% of conv1's outputs on this picture are exactly 0, %.0f%% of conv3's, "
                "%.0f%% of conv5's and %.0f%% of fc6's. The maps of conv1 still look like the picture (its "
                "edges, its outline, its dark and light parts); by conv5 a %dx%d map only says whether, and "
                "roughly where, something is there.",
            show, test->class_names[lab], test->class_names[pred], (double)prob[pred],
            pred == lab ? " (right)" : " (wrong)", sizes, maps, zero[0], zero[1], zero[2], zero[3], h5, h5);
    if (mr->cfg.label_smoothing > 0.0f)
        nb_para(nb, "A probability near %.2f, not near 1, is what label smoothing asks for (see \"Training\"): "
                    "the network was trained to give about that much to a class it is sure of, and the rest "
                    "spread over the others. The same holds for the mistakes below: their probabilities stop "
                    "short of 1 by design, not from doubt.",
                smooth_on(mr->cfg.label_smoothing, test->nclasses));
    describe_lrn(nb, net);
}

static void explain_confusions(Lesson *ls)
{
    Notebook *nb = ls->nb;
    const Dataset *test = ls->test;
    const EvalResult ev = ls->ev;
    const int quick = ls->quick;
    char a[32], b[32];
    nb_section(nb, "Which clothes it confuses");
    const int K = ev.nclasses;
    confusion_heatmap(nb, &ev, test->class_names, "confusion.png", "AlexNet-mini, Fashion-MNIST test set");
    nb_plot(nb, "the confusion matrix: row = true class, column = what the network said; the diagonal (blue) is "
                "right, the other cells (red) are the mistakes, each colour on its own scale",
            "confusion.png");
    int order[16];
    double acc[16];
    class_accuracy_table(nb, &ev, test->class_names, order, acc);
    /* the upper-body garments */
    const int tee = 0, pull = 2, coat = 4, shirt = 6;
    const int upper[4] = { tee, pull, coat, shirt };
    const int wrong = ev.n - confusion_right(&ev);
    /* clothes (T-shirt, trouser, pullover, dress, coat, shirt) vs shoes and bags (sandal, sneaker, bag, boot) */
    int across = 0;
    for (int t = 0; t < K; t++)
        for (int p2 = 0; p2 < K; p2++) {
            const int ct = t != 5 && t != 7 && t != 8 && t != 9, cp = p2 != 5 && p2 != 7 && p2 != 8 && p2 != 9;
            if (ct != cp) across += ev.confusion[t * K + p2];
        }
    int within_n = 0;
    for (int u = 0; u < 4; u++)
        for (int v = 0; v < 4; v++)
            if (u != v) within_n += ev.confusion[upper[u] * K + upper[v]];
    nb_para(nb, "The hardest class is %s (%.3f right); %d of the %d mistakes (%.0f%%) are one upper-body garment "
                "taken for another (T-shirt/top, pullover, coat, shirt): at 28x28 in gray, a shirt is a T-shirt "
                "with a collar, buttons and longer sleeves, and those details are a few pixels. Shirts are "
                "taken for T-shirts %d times, T-shirts for shirts %d times, pullovers for coats %d times and "
                "coats for pullovers %d times. Between the clothes on one side and the shoes and bags on the "
                "other there are only %d mistakes in all.",
            test->class_names[order[0]], acc[order[0]], within_n, wrong, wrong ? 100.0 * within_n / wrong : 0.0,
            ev.confusion[shirt * K + tee], ev.confusion[tee * K + shirt], ev.confusion[pull * K + coat],
            ev.confusion[coat * K + pull], across);
    if (!quick)
        lesson_goal(nb, order[0] == shirt && wrong > 0 && within_n * 2 > wrong,
                 "shirt is the hardest class (%.3f) and most mistakes (%d of %d) stay among the four upper-body "
                 "garments", acc[shirt], within_n, wrong);
    int shown = 0;
    const int nmist = mistakes_grid(nb, &ev, test, "mistakes.png", MISTAKES, "no mistakes on this test set", &shown);
    nb_image(nb, "the most confident mistakes on the test set: the picture, its true class (green) and what the "
                 "network said with its probability (red)", "mistakes.png");
    nb_para(nb, "%s of the %s test pictures are wrong; the %d shown are the ones the network was surest about. Look "
                "at them before blaming the network: at 28x28 in gray several are hard for a person too.",
            commas(a, nmist), commas(b, ev.n), shown);
}

static void lenet_beside_alexnet(Lesson *ls)
{
    Notebook *nb = ls->nb;
    Dataset *train = ls->train, *test = ls->test;
    Net *net = ls->mainr.net;
    AlexRun *mr = &ls->mainr;
    const char *models_dir = ls->models_dir;
    const int retrain = ls->retrain;
    char a[32], b[32], c[32], d[32];
    nb_section(nb, "LeNet-5 beside AlexNet-mini");
    NetRow rows[4];
    int nrows = 0;
    nrows = lenet_rows_from(rows, nb, models_dir, test);
    if (!nrows) {
        /* lesson 08 has not been run: a modern LeNet-5 with this lesson's recipe */
        char lck[4160];
        snprintf(lck, sizeof lck, "%s/lenet5_modern_fashion_for08.ckpt", models_dir);
        const int reused = lenet_with_recipe(&rows[nrows++], mr, train, test, lck, retrain, SEED);
        nb_para(nb, "Lesson 08's LeNet-5 models are not in %s (run build/lessons/08_lenet first to use them), so "
                    "a modern LeNet-5 was %s here with this lesson's recipe: %d epochs, the same augmentation, "
                    "momentum, weight decay and schedule.", models_dir, reused ? "reused from an earlier run" : "trained",
                mr->cfg.epochs);
    }
    fill_net_row(&rows[nrows++], net, test, "AlexNet-mini", mr->how);
    const char *hdr[] = { "network", "parameters", "multiply-adds per image", "test accuracy", "test errors",
                          "inference images/s", "from" };
    Tab t = tab_new(nrows, 7);
    for (int r = 0; r < nrows; r++)
        tab_row(&t, r, "%.63s\t%s\t%s\t%.4f\t%d\t%s\t%.63s", rows[r].name, commas(a, (double)rows[r].params),
                commas(b, rows[r].madds), rows[r].acc, (int)lround((1.0 - rows[r].acc) * test->count),
                commas(c, rows[r].img_s), rows[r].source);
    tab_show(nb, &t, hdr);
    const NetRow *ax = &rows[nrows - 1], *le = &rows[0];
    const int ea = (int)lround((1.0 - ax->acc) * test->count), el = (int)lround((1.0 - le->acc) * test->count);
    nb_para(nb, "On the same %s test pictures, AlexNet-mini makes %d mistakes where %s makes %d (%.0f%% %s), "
                "with %.1f times the parameters and %.0f times the multiply-adds per picture: %s",
            commas(d, test->count), ea, le->name, el, el > 0 ? 100.0 * fabs((double)(el - ea)) / el : 0.0,
            ea <= el ? "fewer" : "more", (double)ax->params / (double)le->params, ax->madds / le->madds,
            ea < el ? "the extra depth and width buy accuracy, at a price paid on every picture."
                    : "in a run this short the extra depth and width have not paid off yet (lesson 08 trains "
                      "LeNet-5 for more epochs; its notebook says how many).");
}

static void train_ablations(Lesson *ls)
{
    Notebook *nb = ls->nb;
    Ablations *A = &ls->abl;
    const int *size = ABLATION[ls->quick ? ABL_QUICK : ls->long_abl ? ABL_LONG : ABL_DEFAULT];
    char a[32], b[32], c[32], d[32];
    nb_section(nb, "The paper's ideas, one at a time");
    ablations_run(A, nb, &RECIPE, ls->seeds, size[1], size[0], size[2], ls->long_abl, ls->train, ls->test,
                  ls->models_dir, ls->retrain, ls->resume);
    const int S = A->seeds, runs = NABL * S;
    nb_para(nb, "Each idea is switched off in turn (or swapped for what came before it) and the network is trained "
                "again, on the first %s training pictures for %d epochs, tested on the first %s test pictures%s. "
                "Everything else stays as above, but for the widths: these runs train the reference script's "
                "narrower network (24, 48, 64, 64, 48 maps), which is quicker. One run of each would say little: "
                "the same network trained from two seeds already ends at two accuracies. So each of the %d networks "
                "is trained from %d seeds (%llu to %llu; --seeds N for more), and within one seed all of them start "
                "from that seed and see the same mini-batches in the same order, with the same random crops and "
                "flips. What an idea does is then measured seed by seed, as a difference between two networks of "
                "the same seed, and the spread of those differences says how far their mean can be trusted.",
            commas(a, A->ntrain), A->epochs, commas(b, A->ntest),
            ls->long_abl ? " (the long version, --ablations: with 3 seeds one to three hours on a 2-core machine)"
                         : " (a subset, to keep the lesson short; --ablations uses them all)",
            NABL, S, (unsigned long long)A->rc[0].seed, (unsigned long long)A->rc[S - 1].seed);
    if (A->reused)
        nb_para(nb, "%s %d runs were reused from the checkpoints of an earlier run of this lesson (%s); --retrain "
                    "trains them again.", A->reused == runs ? "All" : "Of these,", A->reused, ls->models_dir);
    nb_para(nb, "What the %d runs cost when they trained: %s training images (%s per run) at %s images per second, "
                "%.0f s, and %s test images evaluated after the epochs, %.0f s. The count of images is what a run "
                "costs; the seconds depend on how busy the machine was.",
            runs, commas(a, A->train_images), commas(b, A->train_images / runs),
            commas(c, A->train_seconds > 0 ? A->train_images / A->train_seconds : 0.0), A->train_seconds,
            commas(d, A->eval_images), A->eval_seconds);
    nb_para(nb, "Each network over the %d seeds, the mean ± the standard deviation from seed to seed (the training "
                "accuracy of the gap is measured at the end on the training pictures with dropout off; the epochs "
                "to %.0f%% training error come from the accuracy measured while training):", S, 100.0 * TRAIN_ERR);
    ablations_arm_table(nb, A, TRAIN_ERR);
}

static void plot_ablations(Lesson *ls)
{
    Notebook *nb = ls->nb;
    const Ablations *A = &ls->abl;
    paper_claims(&ls->cl, A, TRAIN_ERR);
    char cap[200];
    snprintf(cap, sizeof cap, "training error per epoch (averaged over each epoch while training), ReLU and tanh "
             "networks, and the line at %s", ls->cl.relu_level);
    nb_para(nb, "ReLU vs tanh. The paper's figure 1: a 4-layer network on CIFAR-10 reached 25%% training error six "
                "times faster with ReLUs than with tanh units. A tanh saturates: for |a| > 2 its slope is under "
                "0.07, and gradients shrink through every saturated layer; a ReLU passes the gradient unchanged "
                "wherever it is active. The tanh network here gets Glorot's initialisation, the usual one for tanh, "
                "and the same learning rate.");
    const BandCurve relu[2] = { { A_BASE, TRAIN_ERROR, "ReLU" }, { A_TANH, TRAIN_ERROR, "tanh" } };
    ablation_bands(nb, A, "relu_vs_tanh.png", "ReLU vs tanh: training error", "training error (while training)",
                   relu, 2, 0, ls->cl.relu_err, ls->cl.relu_level, cap);
    const BandCurve lrn[2] = { { A_BASE, TEST_ACC, "LRN" }, { A_NOLRN, TEST_ACC, "no LRN" } };
    ablation_bands(nb, A, "lrn.png", "LRN on vs off: test accuracy", "test accuracy", lrn, 2, 0, 0, NULL,
                   "test accuracy per epoch with LRN (AlexNet-mini) and without");
    const BandCurve pool[4] = { { A_BASE, TRAIN_ACC, "3x3/2: training" }, { A_BASE, TEST_ACC, "3x3/2: test" },
                                { A_POOL2, TRAIN_ACC, "2x2/2: training" }, { A_POOL2, TEST_ACC, "2x2/2: test" } };
    ablation_bands(nb, A, "pooling.png", "Overlapping 3x3/2 pooling vs 2x2/2: accuracy", "fraction classified right",
                   pool, 4, 1, 0, NULL,
                   "training (solid, while training) and test accuracy (dashed) per epoch with overlapping 3x3 "
                   "pooling at stride 2 (AlexNet-mini) and 2x2 pooling at stride 2");
    const BandCurve drop[4] = { { A_BASE, TRAIN_ACC, "dropout 0.5: training" },
                                { A_BASE, TEST_ACC, "dropout 0.5: test" },
                                { A_NODROP, TRAIN_ACC, "no dropout: training" },
                                { A_NODROP, TEST_ACC, "no dropout: test" } };
    ablation_bands(nb, A, "dropout.png", "Dropout on vs off: training and test accuracy", "fraction classified right",
                   drop, 4, 1, 0, NULL,
                   "training accuracy (solid) and test accuracy (dashed) per epoch, with dropout 0.5 (AlexNet-mini) "
                   "and without (the training curves are measured while training, with dropout on in the run that "
                   "has it, which holds its training curve down: the gap between a run's two curves is not its "
                   "over-fitting; that gap, measured with dropout off, is in the tables)");
    const BandCurve grp[2] = { { A_BASE, TEST_ACC, "1 group" }, { A_GROUPS, TEST_ACC, "2 groups" } };
    ablation_bands(nb, A, "groups.png", "Two groups vs one: test accuracy", "test accuracy", grp, 2, 0, 0, NULL,
                   "test accuracy per epoch with conv2..conv5 in one group (AlexNet-mini) and in two (conv3 "
                   "included, which in the paper read both halves)");
}

static void compare_ablations(Lesson *ls)
{
    Notebook *nb = ls->nb;
    const Ablations *A = &ls->abl;
    const AblRun *base = abl_at(A, A_BASE, 0), *g2 = abl_at(A, A_GROUPS, 0), *p2 = abl_at(A, A_POOL2, 0);
    const int S = A->seeds, E = A->epochs;
    char a[32], b[32];
    const Claims cl = ls->cl; /* measured in plot_ablations */
    const Claim *const c = cl.c;
    nb_para(nb, "The paper's claims, each measured as a difference (in points) or a ratio between two networks of the "
                "same seed, turned so that a positive difference, or a ratio above 1, goes the paper's way. The "
                "interval is a 95%% interval: Student's t over the %d seeds' differences (t = %.2f for %d seeds), "
                "and for a difference that holds a test accuracy, widened by the test set's own error, added in "
                "quadrature: the %s test pictures are a sample too. Both networks of a pair are tested on the same "
                "pictures, so that error is measured picture by picture: each picture adds the share of seeds in "
                "which one network gets it right minus the share for the other, pictures both get right or both "
                "get wrong add nothing, and the error is 1.96 standard errors of the mean of those shares (±%.2f "
                "points for dropout's test accuracies, against ±%.2f if the two accuracies were measured on "
                "separate pictures). A ratio is read on a log scale (its geometric mean, the same t interval on the "
                "log ratios), from the seeds alone. The verdict is the interval's: \"reproduced\" when the whole "
                "interval lies on the paper's side of no effect (0, or a ratio of 1), \"not reproduced\" when it "
                "lies on the other side, \"not measurable at this size\" when it holds no effect. The yardstick is "
                "that of a difference between two networks, not the error of one accuracy.",
            S, t975(S - 1), S, commas(a, A->ntest), cl.test_half,
            test_noise_half(base->test_acc, abl_at(A, A_NODROP, 0)->test_acc, A->ntest));
    if (ls->quick)
        nb_para(nb, "This is a --quick run: %d runs of %d pictures for %d epochs per seed are far too small to decide "
                    "anything, and the verdicts below say so where their intervals hold no effect; the numbers decide, "
                    "not what a full run found.", NABL, A->ntrain, E);
    claims_table(nb, c, NCLAIM);
    const Claim *r = &c[C_RELU];
    if (!r->q.ok)
        nb_para(nb, "- ReLU vs tanh: not every run reached a training error of %.1f%% within %d epochs, so there is no "
                    "time to compare: %s.", 100.0 * cl.relu_err, E, verdict_text[r->v]);
    else
        nb_para(nb, "- ReLU vs tanh: tanh needed %s the epochs of ReLU to reach %.1f%% training error%s; seed by seed "
                    "%s: %s. %s",
                r->result, 100.0 * cl.relu_err, cl.relu_why, r->per_seed, verdict_text[r->v],
                r->v == V_REPRODUCED ? (r->q.hi < 6.0 ? "ReLU trains faster here, but the paper's 6x lies above the "
                                                        "interval: its network, data and learning rates were not "
                                                        "these."
                                                      : "ReLU trains faster here, and the paper's 6x is not ruled out.")
                : r->v == V_NOT_REPRODUCED ? "tanh trained faster here, against the paper."
                                           : "The interval holds equal speed.");
    nb_para(nb, "- LRN: with it − without it, %s in test accuracy (seed by seed %s): %s. %s", c[C_LRN].result,
            c[C_LRN].per_seed, verdict_text[c[C_LRN].v],
            c[C_LRN].v == V_REPRODUCED
                ? "But LRN here is nearly a constant factor (measured above), so the gain may well come from that "
                  "factor, which scales down every activation after conv1 and conv2 and with them the steps of the "
                  "layers below, rather than from the normalization itself: a run is a measurement, not yet an "
                  "explanation."
            : c[C_LRN].v == V_NOT_REPRODUCED
                ? "Here the networks did better without it; as measured above, at α = 1e-4 LRN is close to a "
                  "constant factor on these activations."
                : "As measured above, at α = 1e-4 LRN is close to a constant factor on these activations, which the "
                  "next layer's weights can absorb.");
    nb_para(nb, "- Overlapping pooling: 3x3/2 − 2x2/2, %s in test accuracy (%s): %s; its training − test gap, 2x2/2 "
                "− 3x3/2, %s (%s): %s. The 2x2 network keeps 3x3 maps after pool5 instead of 2x2, so fc6 has %s "
                "parameters instead of %s: the paper's comparison kept the output size equal, this one cannot.",
            c[C_POOL].result, c[C_POOL].per_seed, verdict_text[c[C_POOL].v], c[C_POOL_GAP].result, c[C_POOL_GAP].per_seed,
            verdict_text[c[C_POOL_GAP].v], commas(a, (double)p2->fc6_params), commas(b, (double)base->fc6_params));
    const Claim *dg = &c[C_DROP_GAP], *ds = &c[C_DROP_SHORT], *dc = &c[C_DROP_COST];
    char cost[512];
    if (dc->q.ok)
        snprintf(cost, sizeof cost, "to reach test accuracy %.4f (the lowest final accuracy of these runs, so that "
                 "every one reaches it) the runs with dropout needed %s the epochs of those without (%s): %s",
                 cl.drop_level, dc->result, dc->per_seed, verdict_text[dc->v]);
    else
        snprintf(cost, sizeof cost, "the runs did not all rise above chance, so the epochs to reach a test accuracy "
                 "cannot be compared: %s", verdict_text[dc->v]);
    nb_para(nb, "- Dropout, over-fitting: the training − test gap without dropout minus the gap with it is %s (%s): "
                "%s%s. Dropout, its cost: after %d epochs, the test accuracy without dropout minus with it is %s "
                "(%s): %s%s; and %s. The paper notes that dropout roughly doubles the iterations needed to converge; "
                "%s",
            dg->result, dg->per_seed, verdict_text[dg->v],
            dg->v == V_REPRODUCED ? ": dropout narrows the gap, as the paper says" : "", E, ds->result, ds->per_seed,
            verdict_text[ds->v], ds->v == V_REPRODUCED ? ": in a run this short the network without dropout is ahead" : "", cost,
            ds->v == V_REPRODUCED ? "that cost is the large effect here: at the same epochs, dropout holds the test "
                                    "accuracy back."
            : dc->v == V_REPRODUCED ? "here it shows as the time to reach the same test accuracy."
            : ds->v == V_NOT_REPRODUCED ? "here the networks with dropout are ahead even in a run this short."
                                        : "at this size the intervals do not show that cost.");
    const Claim *gs = &c[C_GRP_SPEED], *ga = &c[C_GRP_ACC];
    nb_para(nb, "- Two groups: each output map of conv2..conv5 sees half the maps below it, so those layers have "
                "half the weights (%s parameters in all instead of %s) and half the multiply-adds; training speed, "
                "two groups ÷ one, %s (%s): %s%s. Test accuracy, two groups − one, %s (%s): %s. One difference from "
                "the paper: here conv3 is split too, while in the paper conv3 read both halves of conv2's maps (the "
                "GPUs met there), so this split cuts more connections than the paper's did. The paper split the "
                "network to fit two GPUs of 3 GB, and found it 1.7 points better than one GPU with half the maps in "
                "each layer, another comparison than this one: set against the same widths in one group, as here, "
                "a split is a trade of connections for work.",
            commas(a, (double)g2->params), commas(b, (double)base->params), gs->result, gs->per_seed, verdict_text[gs->v],
            gs->v == V_UNMEASURABLE ? " (the timing of short runs on a busy machine is noisy, and smaller blocks "
                                      "of maps use the loops less well)" : "",
            ga->result, ga->per_seed, verdict_text[ga->v]);
    int ok = 1;
    for (int k = 0; k < NABL; k++)
        for (int s = 0; s < S; s++) ok &= abl_at(A, k, s)->run.hist.n == E && isfinite(abl_at(A, k, s)->test_acc);
    nb_check(nb, ok, "all %d ablation runs (%d networks × %d seeds) finished %d epochs with finite results", NABL * S,
             NABL, S, E);
    nb_check(nb, g2->params < base->params, "groups 2 has fewer parameters (%s) than groups 1 (%s)",
             commas(a, (double)g2->params), commas(b, (double)base->params));
}

static void try_it_yourself(Lesson *ls)
{
    Notebook *nb = ls->nb;
    AlexRun *mr = &ls->mainr;
    char a[32];
    nb_section(nb, "Try it yourself");
    nb_para(nb, "Each of these also runs with --quick (in a minute or two), and the lesson holds its claims with them; "
                "a claim that only holds at the lesson's own settings says \"not reached with these settings\" "
                "instead of failing:\n"
                "- build/lessons/" LESSON_ID " --index 42 draws test picture 42 through the layers instead of the "
                "first %s.\n"
                "- build/lessons/" LESSON_ID " --groups 2 trains the main network with conv2..conv5 in two groups, "
                "as if on two GPUs (saved apart, as alexnet_mini_g2_fashion.cnn).\n"
                "- build/lessons/" LESSON_ID " --epochs 40 trains longer than the %d epochs of the lesson (or "
                "--epochs 5, shorter).\n"
                "- build/lessons/" LESSON_ID " --seeds 5 trains each network of the ablations from 5 seeds instead of "
                "%d (the seeds an earlier run trained are reused): which intervals shrink enough to decide?\n"
                "- Without --quick, --ablations runs each comparison on all %s training pictures (one to three "
                "hours with 3 seeds).\n"
                "- In core/alexnet.c, change the widths or the LRN constants (alpha 1e-2 makes LRN matter), rebuild "
                "with make and run again with --retrain.\n"
                "- Lesson 10 loads %s and compares conv1's filters with the hand-designed kernels of lesson 01.",
            ls->test->class_names[SHOW_CLASS], MAIN_EPOCHS, SEEDS, commas(a, ls->full_train), mr->model);
}

static int finish(Lesson *ls)
{
    Notebook *nb = ls->nb;
    nb_para(nb, "This run took %.0f s of wall time and at most %.0f MiB of memory (peak resident set).",
            now_s() - ls->t_start, peak_memory_mib());
    ablations_free(&ls->abl);
    train_eval_result_free(&ls->ev);
    train_eval_result_free(&ls->ev10);
    alex_run_free(&ls->mainr);
    dataset_free(ls->train);
    dataset_free(ls->test);
    lesson_your_turn(nb);
    int failed = nb_close(nb);
    CN_CHECK(failed >= 0);
    free(ls);
    return failed == 0 ? 0 : 1;
}
