/* 08_lenet.c - lesson 08: LeNet-5, twice.
 *
 * The network of LeCun, Bottou, Bengio and Haffner (1998) as the paper
 * describes it (32x32 input, the scaled tanh, trainable subsampling, C3's
 * connection table, uniform +-2.4/F_i initialisation) and a modern remake
 * (ReLU, max pooling, C3 fully connected), each trained on the MNIST sample
 * and on Fashion-MNIST (core/lenet.h builds both). The notebook shows the
 * architectures (shapes, parameters, multiply-adds, receptive fields), the
 * loss and accuracy curves, the C1 filters, one image's feature maps through
 * every layer laid out like the paper's figure 2, the confusion matrices,
 * the mistakes, and the final test accuracies.
 *
 * Trained models are saved as models/lenet5_<net>_<data>.cnn, with a
 * checkpoint (.ckpt) written after every epoch, and reused by the next run
 * when they match this lesson's settings. build/lessons/classify runs one on
 * a picture of your own.
 *
 *   build/lessons/08_lenet              the full lesson (a few minutes the first time)
 *   build/lessons/08_lenet --quick      seconds: 600 images per dataset, a few epochs
 *   build/lessons/08_lenet --retrain    train again even when the saved models match
 *   build/lessons/08_lenet --resume     continue interrupted trainings from their checkpoints
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/activation.h"
#include "core/conv_layer.h"
#include "core/die.h"
#include "core/error.h"
#include "core/lenet.h"
#include "core/model_io.h"
#include "core/net.h"
#include "core/notebook.h"
#include "core/plot.h"
#include "core/train.h"
#include "datasets/dataset.h"
#include "lessons/kit/cli.h"
#include "lessons/kit/draw.h"
#include "lessons/kit/lenet.h"
#include "lessons/kit/lenet_story.h"
#include "lessons/kit/live.h"
#include "lessons/kit/loops.h"
#include "lessons/kit/models.h"
#include "lessons/kit/readings.h"
#include "lessons/kit/report.h"
#include "lessons/lesson.h"

#define LESSON_ID "08_lenet"
#define SEED 2024
#define BATCH 32
#define QUICK_TRAIN 600  /* --quick: images per training set (every k-th, all classes) */
#define QUICK_TEST 500   /* --quick: images per test set */
#define SHOW_CLASS 7     /* default image for the feature maps: the first test image of class 7 */
#define MISTAKES 24      /* misclassified test images shown per network */

typedef struct Lesson Lesson; /* what the sections share: the settings, the data, the results */

static Lesson *start(int argc, char **argv); /* the command line, the datasets, the notebook, the runs */
/* The sections of the notebook, each a function below. */
static void introduce_two_networks(Lesson *ls), show_classic_lenet(Lesson *ls), show_modern_lenet(Lesson *ls),
    measure_signals_before_training(Lesson *ls), explain_training(Lesson *ls), train_or_reuse_all(Lesson *ls),
    show_c1_filters(Lesson *ls), one_picture_through_every_layer(Lesson *ls), explain_mistakes(Lesson *ls),
    show_scores(Lesson *ls), check_saved_models(Lesson *ls), try_it_yourself(Lesson *ls);
static int finish(Lesson *ls);

int main(int argc, char **argv)
{
    Lesson *ls = start(argc, argv);
    void (*const story[])(Lesson *) = { /* the notebook, section by section */
        introduce_two_networks, show_classic_lenet, show_modern_lenet, measure_signals_before_training,
        explain_training, train_or_reuse_all, show_c1_filters, one_picture_through_every_layer,
        explain_mistakes, show_scores, check_saved_models, try_it_yourself,
    };
    for (size_t i = 0; i < sizeof story / sizeof *story; i++) story[i](ls);
    return finish(ls);
}

struct Lesson {
    int quick, retrain, resume, show; /* the command line */
    Notebook *nb;
    LessonData *data;                 /* [2]: the MNIST sample, Fashion-MNIST */
    LenetRun *runs;                   /* [4]: modern and classic on MNIST, then on Fashion-MNIST */
    int full_counts[4];               /* training and test images of both datasets before --quick */
    char models_dir[4096];
    int dead_over, dead_maps[2];      /* dead C1 maps of the modern runs: over how many pictures; per dataset */
    double t_start;
};

/* --- the sections ------------------------------------------------------------------------ */

static Lesson *start(int argc, char **argv)
{
    Lesson *ls = xcalloc(1, sizeof *ls);
    int quick = 0, retrain = 0, resume = 0, show = CLI_UNSET, naive = 0, mine = 0;
    CliOpt opts[] = {
        { "quick", OPT_FLAG, &quick, "seconds: 600 training images per dataset, 3 epochs (20 for the classic "
                                     "network); models go to the output folder, not models/" },
        { "retrain", OPT_FLAG, &retrain, "train every network again even when a saved model matches" },
        { "resume", OPT_FLAG, &resume, "continue interrupted trainings from their checkpoints" },
        { "index", OPT_INT, &show, "N: the test image drawn through the layers (default: the first of class 7)" },
        { "naive", OPT_FLAG, &naive, LESSON_NAIVE_HELP },
        { "mine", OPT_FLAG, &mine, LESSON_MINE_HELP "; trains again, models in the output folder" }, LIVE_CLI_OPTS,
    };
    cli_main(argc, argv, opts, (int)(sizeof opts / sizeof opts[0]),
             "Lesson 08: LeNet-5, twice. The 1998 network (C3's connection table, scaled tanh, trainable "
             "subsampling) and a modern one (ReLU, max pooling) trained on the MNIST sample and Fashion-MNIST: "
             "architectures, curves, filters, feature maps, confusion matrices, mistakes.\n"
             "Outputs: plots/out/" LESSON_ID "/ (or $CONVNET_OUT/" LESSON_ID "/). Models: models/ (or "
             "$CONVNET_MODELS; with --quick, the output folder's models/, or $CONVNET_MODELS/quick).\n"
             "Threads that wait for each other sleep instead of spinning (OMP_WAIT_POLICY=passive, which the "
             "program sets for itself unless you set it), which keeps training fast on a busy machine; the results "
             "are the same.");
    lesson_choose_loops_mine(naive, mine);
    if (retrain && resume) cli_refuse("--retrain and --resume contradict each other: give one of them");
    if (mine && resume) cli_refuse("--mine trains again on your loops: it cannot --resume");
    retrain |= mine; /* a saved model was trained on other loops */
    if (show != CLI_UNSET && show < 0) cli_refuse("--index %d: give a test image number, 0 or more", show);
    ls->quick = quick, ls->retrain = retrain, ls->resume = resume, ls->show = show;
    ls->t_start = now_s();

    LessonData *data = ls->data = digits_and_clothes();
    const int full_counts[4] = { data[0].train->count, data[0].test->count, data[1].train->count,
                                 data[1].test->count };
    memcpy(ls->full_counts, full_counts, sizeof full_counts);
    if (quick)
        for (int d = 0; d < 2; d++) quick_subsets(&data[d].train, &data[d].test, QUICK_TRAIN, QUICK_TEST);
    for (int d = 0; d < 2; d++) /* before any training, not after it */
        if (show != CLI_UNSET && show >= data[d].test->count)
            cli_refuse("--index %d: the test set of %s has only %d images (0..%d)", show, data[d].title,
                       data[d].test->count, data[d].test->count - 1);

    Notebook *nb = ls->nb = nb_open(LESSON_ID, "Lesson 08 — LeNet-5, twice");
    CN_CHECK(nb);
    models_folder(ls->models_dir, sizeof ls->models_dir, nb, quick || mine); /* never models/ on your loops */
    ls->runs = xcalloc(4, sizeof *ls->runs);
    /* order: modern MNIST, classic MNIST, modern Fashion, classic Fashion */
    for (int d = 0; d < 2; d++)
        for (int k = 0; k < 2; k++) run_setup(&ls->runs[2 * d + k], k, &data[d], quick, ls->models_dir, SEED, BATCH);
    return ls;
}

static void introduce_two_networks(Lesson *ls)
{
    Notebook *nb = ls->nb;
    const int *full_counts = ls->full_counts;
    const char *models_dir = ls->models_dir;
    const LessonData *data = ls->data;
    const int quick = ls->quick;
    char a[32], b[32], c[32], e[32];
    nb_section(nb, "Two networks, two datasets");
    nb_para(nb, "LeNet-5 is the convolutional network of LeCun, Bottou, Bengio and Haffner, \"Gradient-based "
                "learning applied to document recognition\" (Proceedings of the IEEE, 1998): the network that "
                "read the amounts on millions of bank cheques, and the ancestor of every network in this course. "
                "This lesson builds it twice: as the paper describes it, and as it is usually rebuilt today. Both "
                "are trained on two datasets of 28x28 gray pictures with 10 classes:\n"
                "- the MNIST sample: %s training and %s test handwritten digits;\n"
                "- Fashion-MNIST: %s training and %s test pictures of clothes, shoes and bags, a harder task made "
                "to replace MNIST as the first benchmark.",
            commas(a, full_counts[0]), commas(b, full_counts[1]), commas(c, full_counts[2]),
            commas(e, full_counts[3]));
    if (quick)
        nb_para(nb, "This is a --quick run: each network sees only %d training images (every k-th, so every class "
                    "is there), for %d epochs (the modern network) or %d (the classic one, which needs more steps to "
                    "get going: see \"Before training\"), at a constant learning rate of %.2g with no augmentation, "
                    "and is tested on %d, so the accuracies are far below what the full lesson reaches. Models go to "
                    "%s.", data[0].train->count, ls->runs[0].rc.epochs, ls->runs[1].rc.epochs,
                (double)ls->runs[0].rc.lr, data[0].test->count, models_dir);
}

static void show_classic_lenet(Lesson *ls)
{
    Notebook *nb = ls->nb;
    LenetRun *cm = &ls->runs[1];
    const int *full_counts = ls->full_counts;
    char a[32], b[32], c[32], aug[400];
    nb_section(nb, "The classic LeNet-5 (1998)");
    Net *cn = cm->net;
    nb_para(nb, "The input is a 32x32 field with the 28x28 image in its centre, so that strokes at the edge of a "
                "digit still fall in the middle of the receptive fields of the top feature detectors. Pixels "
                "are scaled so that the background is %.2f and full ink %.3f: the paper's choice, which it says "
                "makes the mean input roughly 0 and the variance roughly 1, which accelerates learning.",
            (double)((0.0f - cn->in_mean) / cn->in_std), (double)((1.0f - cn->in_mean) / cn->in_std));
    {
        double mean[2], var[2];
        input_moments(cn, cm->train, &mean[0], &var[0]);
        input_moments(ls->runs[3].net, ls->runs[3].train, &mean[1], &var[1]);
        nb_para(nb, "Measured in this run over the 32x32 fields of the %s training digits: mean %.3f, variance %.3f "
                    "(Fashion-MNIST's %s training pictures: mean %.3f, variance %.3f). The mean is near 0 for the "
                    "digits (less so for the clothes), but the variance is far below 1: most of the field is "
                    "background or border at %.2f, and only the strokes reach the top of the range. The scaling "
                    "centres the digits; it does not make their variance 1.",
                commas(a, cm->train->count), mean[0], var[0], commas(b, ls->runs[3].train->count), mean[1], var[1],
                (double)((0.0f - cn->in_mean) / cn->in_std));
        nb_check(nb, fabs(mean[0]) < 0.1 && var[0] < 0.5,
                 "on the MNIST sample the mean input in the 32x32 field is %.3f (within 0.1 of 0, as the paper "
                 "intends) and its variance %.3f (below 0.5: not the paper's \"roughly 1\")", mean[0], var[0]);
    }
    nb_para(nb, "Layers are named as in the paper: C for convolution, S for subsampling, F for fully connected. "
                "Every layer but the last is followed by the squashing function f(a) = 1.7159 tanh(2a/3), drawn "
                "as its own row. A subsampling unit adds its 2x2 window, multiplies the sum by a trainable "
                "coefficient and adds a trainable bias: one pair of numbers per map. The receptive field is the "
                "square of input pixels one unit of the layer can see (lesson 03).");
    lenet_table(nb, cn, 1);

    /* C3's table */
    Conv2d *c3 = conv2d_of(net_layer(cn, net_find(cn, "C3")));
    CN_CHECK(c3 && c3->table);
    nb_para(nb, "C3 is not connected to every S2 map. The paper's Table I (an X where a C3 map, the column, takes "
                "an S2 map, the row, as input):");
    {
        const char *hdr[17];
        char hd[17][8];
        snprintf(hd[0], 8, "S2 \\ C3");
        hdr[0] = hd[0];
        for (int o = 0; o < 16; o++) {
            snprintf(hd[o + 1], 8, "%d", o);
            hdr[o + 1] = hd[o + 1];
        }
        const char *cells[6 * 17];
        char rowname[6][8];
        for (int j = 0; j < 6; j++) {
            snprintf(rowname[j], 8, "%d", j);
            cells[j * 17] = rowname[j];
            for (int o = 0; o < 16; o++) cells[j * 17 + 1 + o] = c3->table[o * 6 + j] ? "X" : " ";
        }
        nb_table(nb, hdr, cells, 6, 17);
    }
    {
        int n3 = 0, n4c = 0, n4n = 0, n6 = 0, pairs = 0;
        for (int o = 0; o < 16; o++) {
            int cnt = 0, first = -1;
            for (int j = 0; j < 6; j++) cnt += c3->table[o * 6 + j];
            pairs += cnt;
            /* contiguous (cyclically): the inputs are {s, s+1, .., s+cnt-1} mod 6 for some s */
            int contiguous = 0;
            for (int s = 0; s < 6 && !contiguous; s++) {
                int ok = 1;
                for (int t = 0; t < cnt; t++) ok &= c3->table[o * 6 + (s + t) % 6];
                if (ok) contiguous = 1, first = s;
            }
            (void)first;
            if (cnt == 3 && contiguous) n3++;
            else if (cnt == 4 && contiguous) n4c++;
            else if (cnt == 4) n4n++;
            else if (cnt == 6) n6++;
        }
        Layer *c3l = &c3->base;
        nb_check(nb, pairs == 60 && (int)c3->connections == 60,
                 "C3 has %d connections (map, input) between its 16 maps and S2's 6, as in the paper: %d maps on "
                 "3 contiguous inputs, %d on 4 contiguous, %d on 4 non-contiguous, %d on all 6",
                 (int)c3->connections, n3, n4c, n4n, n6);
        nb_check(nb, n3 == 6 && n4c == 6 && n4n == 3 && n6 == 1 && layer_param_count(c3l) == 1516,
                 "so C3 has 60 x 25 weights + 16 biases = %zu parameters (the paper: 1,516)", layer_param_count(c3l));
        nb_para(nb, "Why not connect everything? The paper gives two reasons: it keeps the number of connections "
                    "within bounds, and, more importantly, it breaks the symmetry of the network: different maps "
                    "see different combinations of inputs, so they are pushed to extract different, "
                    "complementary features.");
    }
    {
        static const char *const lname[6] = { "C1", "S2", "C3", "S4", "C5", "F6" };
        static const double paper_params[6] = { 156, 12, 1516, 32, 48120, 10164 };
        static const double paper_conns[6] = { 122304, 5880, 151600, 2000, 48120, 10164 };
        int ok = 1;
        char got[256] = "";
        for (int i = 0; i < 6; i++) {
            const Layer *L = net_layer(cn, net_find(cn, lname[i]));
            CN_CHECK(L);
            const double p = (double)layer_param_count(L), cc = L->madds + (double)shape_size(L->out);
            ok &= p == paper_params[i] && cc == paper_conns[i];
            char part[96];
            snprintf(part, sizeof part, "%s%s %s/%s", i ? ", " : "", lname[i], commas(a, p), commas(b, cc));
            strncat(got, part, sizeof got - strlen(got) - 1);
        }
        nb_check(nb, ok, "every layer has the paper's numbers of trainable parameters and connections (%s)", got);
        double conns = 0.0;
        for (int i = 0; i < 6; i++) conns += paper_conns[i];
        /* the paper's RBF output: 84 x 10 connections, no bias */
        nb_check(nb, conns + 84.0 * 10.0 == 340908.0,
                 "C1 to F6 have %s connections; with the 84 x 10 = 840 of the paper's RBF output that makes the "
                 "paper's 340,908 (the dense OUTPUT here has 850: 840 weights and 10 biases)",
                 commas(a, conns));
        const Layer *out = net_layer(cn, net_find(cn, "OUTPUT"));
        nb_check(nb, net_param_count(cn) == 60850 && layer_param_count(out) == 850,
                 "in all, %s trainable parameters: the paper's 60,000 up to F6 (%s here), plus %s in the "
                 "dense output layer that replaces the paper's fixed RBF units", commas(a, (double)net_param_count(cn)),
                 commas(b, (double)(net_param_count(cn) - layer_param_count(out))), commas(c, (double)layer_param_count(out)));
        const RecField rf = net_receptive_field(cn, net_find(cn, "C5"));
        nb_check(nb, !rf.whole && rf.size == 32,
                 "a C5 unit sees %dx%d input pixels: the whole 32x32 field, so C5 is in fact fully connected to S4 "
                 "(the paper calls it a convolution because a larger input would make its maps larger than 1x1)",
                 rf.size, rf.size);
    }
    nb_para(nb, "Where this lesson departs from the paper, plainly:\n"
                "- The output. The paper's OUTPUT layer is 10 Euclidean radial basis function units: each computes "
                "the squared distance between F6's 84 outputs and a fixed target code of +1/-1 (a stylized 7x12 "
                "bitmap of its character), and training minimizes a MAP criterion on those distances. Here OUTPUT "
                "is an ordinary fully connected 84 -> 10 layer (850 parameters) followed by a softmax and the "
                "cross-entropy loss, as in every later network of the course.\n"
                "- The optimizer. The paper trains one picture at a time with a stochastic diagonal "
                "Levenberg-Marquardt method (a separate step size for every parameter from an estimate of the "
                "curvature, see \"Before training\") for 20 passes. Here: plain SGD with momentum 0.9, "
                "mini-batches of %d, %s, for %d epochs on the MNIST sample and %d on Fashion-MNIST.\n"
                "- The data. The paper trains on all 60,000 MNIST digits; here the MNIST sample has %s, and "
                "the same network also meets Fashion-MNIST.\n"
                "- The training pictures. %s The paper's 0.95%% test error was reached without any distortion "
                "(its 0.8%% with distorted copies added: translations, scaling, squeezing and shearing).\n"
                "Everything else is as in the paper: the 32x32 field and its normalization, the scaled tanh, the "
                "trainable subsampling, C3's table, and every weight drawn uniformly in ±2.4/F_i, F_i the number "
                "of inputs of its unit (for C3 that depends on the map: 75, 100 or 150).",
            BATCH, cm->cfg.lr.kind == LR_COSINE ? "a cosine learning-rate schedule" : "a constant learning rate",
            cm->rc.epochs, ls->runs[3].rc.epochs, commas(a, full_counts[0]), lenet_augmentation_words(&ls->runs[1].rc, &ls->runs[3].rc, aug, sizeof aug));
}

static void show_modern_lenet(Lesson *ls)
{
    Notebook *nb = ls->nb;
    Net *cn = ls->runs[1].net;
    LenetRun *mm = &ls->runs[0];
    char a[32], b[32], c[32], e[32];
    nb_section(nb, "The modern LeNet-5");
    Net *mn = mm->net;
    nb_para(nb, "The same skeleton as it is written in today's tutorials (and in the PyTorch reference script "
                "of this project): the 28x28 image itself, with C1 padding it by 2 zeros on every side instead; "
                "ReLU, max(0, a), instead of the scaled tanh; 2x2 max pooling with no parameters instead of the "
                "trainable subsampling; C3 connected to all 6 S2 maps; He initialization (normal, variance "
                "2/fan-in, made for ReLU); and the softmax output.");
    lenet_table(nb, mn, 0);
    {
        const Layer *c3m = net_layer(mn, net_find(mn, "C3"));
        nb_check(nb, net_param_count(mn) == 61706 && net_madds(mn) == 416520.0,
                 "%s parameters and %s multiply-adds per image (PyTorch's LeNet5 of the same shape has 61,706 "
                 "parameters)", commas(a, (double)net_param_count(mn)), commas(b, net_madds(mn)));
        nb_para(nb, "The full C3 has %s parameters instead of 1,516 and costs %s multiply-adds per image instead "
                    "of 150,000; the pooling layers lose their 44 parameters. The totals end up almost equal: "
                    "%s against %s.",
                commas(a, (double)layer_param_count(c3m)), commas(b, c3m->madds), commas(c, (double)net_param_count(mn)),
                commas(e, (double)net_param_count(cn)));
    }
}

static void measure_signals_before_training(Lesson *ls)
{
    Notebook *nb = ls->nb;
    const LessonData *data = ls->data;
    nb_section(nb, "Before training: how big are the signals?");
    {
        /* A batch of training digits through both networks fresh from their
         * initialization: the spread of each layer's outputs. */
        enum { NB = 64 };
        Net *fresh[2] = { lenet5_classic(), lenet5_modern() };
        double sd[2][7];
        for (int k = 0; k < 2; k++) {
            CN_CHECK(fresh[k]);
            lenet5_init(fresh[k], SEED);
            Dataset *fit = lenet5_fit_dataset(data[0].train, fresh[k]);
            CN_CHECK(fit);
            const size_t in = shape_size(fresh[k]->in);
            float *x = xcalloc((size_t)NB * in, sizeof *x);
            for (int s = 0; s < NB; s++)
                net_input_from_u8(fresh[k], x + (size_t)s * in,
                                  dataset_image(fit, (int)((long long)s * fit->count / NB)), in);
            CN_CHECK(net_forward(fresh[k], x, NB));
            for (int col = 0; col < 7; col++) {
                const int li = shown_output(fresh[k], net_find(fresh[k], lenet_layer_names[col]));
                const float *y = net_output(fresh[k], li);
                const size_t n = shape_size(fresh[k]->layer[li]->out) * NB;
                double s1 = 0.0, s2 = 0.0;
                for (size_t i = 0; i < n; i++) s1 += y[i], s2 += (double)y[i] * y[i];
                sd[k][col] = sqrt(fmax(s2 / n - (s1 / n) * (s1 / n), 0.0));
            }
            free(x);
            dataset_free(fit);
            net_free(fresh[k]);
        }
        const char *hdr[] = { "layer", "classic: spread of outputs", "modern: spread of outputs" };
        const char *cells[7 * 3];
        char t[7][2][32];
        for (int col = 0; col < 7; col++) {
            snprintf(t[col][0], 32, "%.2g", sd[0][col]);
            snprintf(t[col][1], 32, "%.2g", sd[1][col]);
            cells[col * 3] = lenet_layer_names[col];
            cells[col * 3 + 1] = t[col][0];
            cells[col * 3 + 2] = t[col][1];
        }
        nb_para(nb, "Here are %d training digits passed through both networks right after initialization, before "
                    "any training: the standard deviation of all the values each layer outputs (after its "
                    "activation) for the batch, that is, how large the signal is that reaches the layers above.",
                NB);
        nb_table(nb, hdr, cells, 7, 3);
        nb_para(nb, "In the classic network the spread collapses at every layer with many inputs (C3, C5, F6, "
                    "OUTPUT). A weight drawn uniformly in "
                    "±2.4/F has variance (2.4/F)²/3 = 1.92/F², so a sum of F inputs of spread s has spread about "
                    "1.39·s/√F: with F = 25 in C1, 75 to 150 in C3, 400 in C5 and 120 in F6, the outputs end up "
                    "about %.0f times smaller than C1's. The gradients flowing back are scaled down the same way, so "
                    "plain SGD, one learning rate for every parameter, begins on a plateau: for the first few "
                    "hundred steps the loss hardly moves (look at the first epoch of the classic curves below). "
                    "The paper's optimizer (its appendix C, stochastic diagonal Levenberg-Marquardt) gives every "
                    "parameter its own rate η/(μ + h), h an estimate of the loss's second derivative along that "
                    "parameter (re-estimated on 500 patterns before each pass) and μ = 0.02 a guard for where h is "
                    "near 0: steep directions get small steps and flat ones large steps, which evens out how fast "
                    "the parameters of the different layers learn (the paper reports effective rates from about "
                    "7×10⁻⁵ to 0.016 across the parameters in the first pass). He initialization (variance 2/F, made for ReLU) keeps the modern network's "
                    "spread roughly constant from layer to layer.", sd[0][0] / sd[0][6]);
        nb_check(nb, sd[0][6] < 0.01 * sd[0][0] && sd[1][6] > 0.1 * sd[1][0],
                 "at initialization the classic OUTPUT varies %.1e as much as its C1 (below 1%%), the modern "
                 "one %.2f as much (above 10%%)", sd[0][6] / sd[0][0], sd[1][6] / sd[1][0]);
    }
}

static void explain_training(Lesson *ls)
{
    Notebook *nb = ls->nb;
    LenetRun *runs = ls->runs;
    const char *models_dir = ls->models_dir;
    nb_section(nb, "How they are trained");
    {
        const char *hdr[] = { "network", "data", "epochs", "learning rate", "augmentation", "weight decay",
                              "batch, momentum" };
        const char *cells[4 * 7];
        char t[4][5][48];
        for (int r = 0; r < 4; r++) {
            const Recipe *q = &runs[r].rc;
            snprintf(t[r][0], 48, "%d", q->epochs);
            if (runs[r].cfg.lr.kind == LR_COSINE)
                snprintf(t[r][1], 48, "%.3g, cosine down to 0", (double)q->lr);
            else
                snprintf(t[r][1], 48, "%.3g, constant", (double)q->lr);
            if (q->shift && q->flip)
                snprintf(t[r][2], 48, "shifts ±%d px, mirror", q->shift);
            else if (q->shift)
                snprintf(t[r][2], 48, "shifts ±%d px", q->shift);
            else
                snprintf(t[r][2], 48, "none");
            if (q->wd > 0.0f)
                snprintf(t[r][3], 48, "%.0e", (double)q->wd);
            else
                snprintf(t[r][3], 48, "none");
            snprintf(t[r][4], 48, "%d, %.1f", BATCH, (double)runs[r].cfg.momentum);
            cells[r * 7 + 0] = lenet_variant_title(runs[r].classic);
            cells[r * 7 + 1] = runs[r].data->title;
            for (int k = 0; k < 5; k++) cells[r * 7 + 2 + k] = t[r][k];
        }
        nb_table(nb, hdr, cells, 4, 7);
    }
    nb_para(nb, "Each step takes a mini-batch of %d images in a shuffled order, computes the softmax "
                "cross-entropy of the network's 10 outputs, backpropagates it, and moves every weight a small step "
                "against its gradient (core/train.h). %s With two threads, each "
                "batch is cut in two halves of %d, one per thread, each run through its own copy of the network; "
                "the two gradients are added before the step. LeNet's layers are so small (C3's output is 16 maps "
                "of 10x10) that splitting each layer's work between the threads would leave them waiting for each "
                "other at every layer; the step is the same sum either way, added in another order.",
            BATCH,
            runs[0].cfg.lr.kind == LR_COSINE
                ? "The learning rate follows half a cosine from its peak down to 0 over the run: big steps while the "
                  "network is far from a good solution, small ones at the end to settle. Augmentation moves each "
                  "training image by a random whole number of pixels up to the given amount in each direction every "
                  "time it is seen (and, for clothes, mirrors it half of the time), so the network cannot learn "
                  "exact pixel positions by heart."
                : "In this --quick run the learning rate stays constant and the pictures are not augmented (the full "
                  "lesson follows half a cosine from the peak rate down to 0, and shifts and mirrors the training "
                  "pictures): too few steps to make the schedule matter.",
            (BATCH + 1) / 2);
    nb_para(nb, "Trained models are saved in %s (one .cnn file per network and dataset, plus a checkpoint written "
                "after every epoch) and reused by the next run of this lesson when they were trained with the "
                "same settings, so the second run takes seconds. --retrain trains them again; --resume continues "
                "an interrupted training from its last checkpoint.", models_dir);
    lesson_say_loops(nb);

}

static void train_or_reuse_all(Lesson *ls)
{
    Notebook *nb = ls->nb;
    LenetRun *runs = ls->runs;
    LessonData *data = ls->data;
    const int retrain = ls->retrain, resume = ls->resume;
    for (int d = 0; d < 2; d++) {
        LenetRun *m = &runs[2 * d], *k = &runs[2 * d + 1];
        nb_section(nb, "Training on %s", data[d].title);
        for (int r = 0; r < 2; r++) {
            LenetRun *q = r == 0 ? m : k;
            train_or_reuse(nb, q, retrain, resume);
            q->ev.want_pred = 1;
            CN_CHECK(net_evaluate(q->net, q->test, 0, &q->ev) == 0);
            const EpochStats *last = &q->hist.e[q->hist.n - 1];
            nb_para(nb, "%s: test accuracy %.4f after %d epochs (%d of %d test %ss right), test loss %.4f; on the "
                        "training images it was %.4f during the last epoch.",
                    lenet_variant_title(q->classic), q->ev.accuracy, q->hist.n, (int)lround(q->ev.accuracy * q->ev.n), q->ev.n,
                    data[d].thing, q->ev.loss, last->train_acc);
        }
        lenet_curves(nb, m, k, &data[d]);
    }
    nb_section(nb, "Reading the curves");
    {
        char text[4000] = "", line[800];
        for (int r = 0; r < 4; r++) {
            const CurveReading c = read_curves(&runs[r].hist);
            describe_curves(line, sizeof line, runs[r].label, &c, runs[r].rc.shift || runs[r].rc.flip);
            strncat(text, r ? "\n- " : "- ", sizeof text - strlen(text) - 1);
            strncat(text, line, sizeof text - strlen(text) - 1);
        }
        nb_para(nb, "The test curves are measured after each epoch on pictures the network never trained on; the gap "
                    "between training and test is what a network has learned about its particular training images "
                    "rather than about digits or clothes in general. Read off this run's curves:\n%s", text);
    }
    lenet_saturation(ls->nb, ls->runs);
}

static void show_c1_filters(Lesson *ls)
{
    Notebook *nb = ls->nb;
    LenetRun *runs = ls->runs;
    nb_section(nb, "What C1 learned");
    lenet_c1_filters(nb, runs, 4);
    nb_para(nb, "Each C1 filter is a 5x5 template slid over the image: it answers strongly where the picture "
                "looks like it (lesson 01). The filters start as random noise. After training, several show a "
                "light band beside a dark one: edge and stroke detectors at various orientations, the kind of "
                "kernel people design by hand (lesson 10 measures how close they come). Others are harder to "
                "read: training makes a filter useful to the layers above it, not easy to look at.");
    {
        /* dead ReLU maps: C1 outputs that are 0 at every pixel of every one of
         * NT test images spread over the test set */
        enum { NT = 100 }; /* the batch net_evaluate already made room for */
        int dead[2] = { 0, 0 }, seen[2] = { 0, 0 };
        for (int k = 0; k < 2; k++) {
            LenetRun *q = &runs[2 * k]; /* the modern runs */
            const int n = q->test->count < NT ? q->test->count : NT;
            const size_t in = shape_size(q->net->in);
            float *x = xcalloc((size_t)n * in, sizeof *x);
            for (int k2 = 0; k2 < n; k2++) /* every k-th: the MNIST test file is sorted by class */
                net_input_from_u8(q->net, x + (size_t)k2 * in,
                                  dataset_image(q->test, (int)((long long)k2 * q->test->count / n)), in);
            CN_CHECK(net_forward(q->net, x, n));
            const int li = shown_output(q->net, net_find(q->net, "C1"));
            const CnShape sh = q->net->layer[li]->out;
            const float *y = net_output(q->net, li);
            dead[k] = black_maps(y, sh, n);
            seen[k] = n;
            free(x);
        }
        ls->dead_over = seen[0];
        ls->dead_maps[0] = dead[0], ls->dead_maps[1] = dead[1];
        if (dead[0] + dead[1] > 0)
            nb_para(nb, "Not every filter of the modern network works: %d of its 6 C1 maps on the MNIST sample and %d "
                        "on Fashion-MNIST output 0 at every pixel of %d test images taken across each test set. "
                        "That is the mark of a \"dead\" ReLU unit: where its weighted sum is negative, ReLU passes "
                        "0 and its slope is 0, so no gradient reaches the filter, and once that holds for every "
                        "training image the filter never recovers; with weight decay its weights then shrink "
                        "towards 0, which can leave it a flat gray square above. The classic network's tanh has a "
                        "slope everywhere, so its filters cannot die this way.",
                    dead[0], dead[1], seen[0]);
        else
            nb_para(nb, "None of the modern network's C1 maps is \"dead\" (all 0 after ReLU) on %d test images "
                        "taken across either test set: each of the 6 filters fires somewhere.", seen[0]);
    }
}

static void one_picture_through_every_layer(Lesson *ls)
{
    Notebook *nb = ls->nb;
    LenetRun *runs = ls->runs;
    const int show = ls->show, dead_over = ls->dead_over, *dead_maps = ls->dead_maps;
    nb_section(nb, "One picture through every layer");
    nb_para(nb, "The paper's figure 2 draws LeNet-5 as a row of layers, each a stack of feature maps, from the "
                "input on the left to the 10 outputs on the right. Below, the same for real: one test image, "
                "and what every layer of the trained network made of it. Maps are gray levels: for the classic "
                "network black is -1.7159 and white +1.7159 (the range of the squashing function), for the "
                "modern one black is 0 and white the layer's largest value. C5 and F6 are columns of single units; "
                "OUTPUT shows the softmax probability of each class (green: the true class; red: a wrong "
                "prediction).");
    int black[4] = { 0 }; /* modern networks: C1 maps that are 0 everywhere on the picture drawn */
    for (int r = 0; r < 4; r++) {
        LenetRun *q = &runs[r];
        const int index = show == CLI_UNSET ? first_of_class(q->test, SHOW_CLASS) : show; /* checked at the start */
        char file[64];
        snprintf(file, sizeof file, "layers_%s.png", q->name + strlen("lenet5_"));
        const int pred = lenet_figure2(nb, q, index, file);
        const int truth = q->test->labels[index];
        if (!q->classic) { /* the last forward was this one picture */
            const int li = shown_output(q->net, net_find(q->net, "C1"));
            const CnShape sh = q->net->layer[li]->out;
            black[r] = black_maps(net_output(q->net, li), sh, 1);
        }
        char cap[400];
        snprintf(cap, sizeof cap, "%s: test image %d of %s (a %s), layer by layer; the network says %s%s", q->label,
                 index, q->data->title, q->test->class_names[truth], q->test->class_names[pred],
                 pred == truth ? " (right)" : " (wrong)");
        nb_image(nb, cap, file);
    }
    for (int r = 0; r < 4; r++)
        if (black[r] > 0)
            nb_para(nb, "In the modern network on %s, %d of the 6 C1 maps %s entirely black for this picture: after "
                        "ReLU a map is 0 wherever its filter's weighted sum is negative, and for this picture that is "
                        "everywhere. A map black on one picture can light up on another; only a map black on every "
                        "picture is dead (counted above over %d pictures: %d on this dataset).",
                    runs[r].data->title, black[r], black[r] == 1 ? "is" : "are", dead_over, dead_maps[r / 2]);
    nb_para(nb, "Going right, the maps get smaller and more numerous, and less like the picture: C1's maps are "
                "the image seen through 6 filters (edges of the strokes light up), S2 halves their size, C3 "
                "combines them into 16 maps of larger features, S4 halves again, and from C5 on there is no "
                "picture left, only %d and then %d numbers that describe it; OUTPUT turns those into a decision.",
            120, 84);
}

static void explain_mistakes(Lesson *ls)
{
    Notebook *nb = ls->nb;
    LenetRun *runs = ls->runs;
    nb_section(nb, "Where they go wrong");
    for (int r = 0; r < 4; r++) {
        LenetRun *q = &runs[r];
        const int K = q->ev.nclasses;
        char png[64], title[128];
        snprintf(png, sizeof png, "confusion_%s.png", q->name + strlen("lenet5_"));
        snprintf(title, sizeof title, "Confusion matrix, %s (%d test images)", q->label, q->ev.n);
        confusion_heatmap(nb, &q->ev, q->test->class_names, png, title);
        /* the most frequent confusion */
        int bt = 0, bp = 1, most = -1;
        for (int t = 0; t < K; t++)
            for (int p = 0; p < K; p++)
                if (t != p && q->ev.confusion[t * K + p] > most) most = q->ev.confusion[t * K + p], bt = t, bp = p;
        char cap[400];
        snprintf(cap, sizeof cap, "%s: row = true class, column = predicted class, each cell counts test images; "
                 "the diagonal (blue) holds the right answers, the other cells (red) the mistakes, each colour on its own "
                 "scale so that a few mistakes still show", q->label);
        nb_plot(nb, cap, png);
        char file[64];
        snprintf(file, sizeof file, "mistakes_%s.png", q->name + strlen("lenet5_"));
        int shown = 0;
        const int nm = mistakes_grid(nb, &q->ev, q->data->test, file, MISTAKES, NULL, &shown);
        nb_para(nb, "%s: %d mistakes in %d test images; the most frequent is a true %s taken for %s (%d times).",
                q->label, nm, q->ev.n, q->test->class_names[bt], q->test->class_names[bp], most);
        if (shown > 0) {
            snprintf(cap, sizeof cap, "%s: the %d test images the network got wrong with the most confidence: "
                     "the true class (green) and what it said, with its probability (red)", q->label, shown);
            nb_image(nb, cap, file);
        }
    }
    {
        /* Fashion-MNIST: how many of the errors stay among the upper-body
         * garments T-shirt/top (0), Pullover (2), Coat (4) and Shirt (6) */
        static const int upper[4] = { 0, 2, 4, 6 };
        int in_block[2] = { 0, 0 }, errors[2] = { 0, 0 };
        for (int k = 0; k < 2; k++) {
            const EvalResult *ev = &runs[2 + k].ev;
            for (int t = 0; t < 10; t++)
                for (int p = 0; p < 10; p++) {
                    if (t == p) continue;
                    const int cnt = ev->confusion[t * 10 + p];
                    errors[k] += cnt;
                    int bt = 0, bp = 0;
                    for (int u = 0; u < 4; u++) bt |= upper[u] == t, bp |= upper[u] == p;
                    if (bt && bp) in_block[k] += cnt;
                }
        }
        nb_para(nb, "On Fashion-MNIST the mistakes gather in one block of the matrix: %d of the modern network's "
                    "%d errors (%.0f%%) and %d of the classic one's %d (%.0f%%) confuse two of T-shirt/top, "
                    "Pullover, Coat and Shirt, which at 28x28 pixels differ in little more than sleeves, collars "
                    "and buttons. The digit mistakes are more spread out; many of the confident ones above are "
                    "written in a way a person might hesitate over too.",
                in_block[0], errors[0], errors[0] ? 100.0 * in_block[0] / errors[0] : 0.0, in_block[1], errors[1],
                errors[1] ? 100.0 * in_block[1] / errors[1] : 0.0);
    }
}

static void show_scores(Lesson *ls)
{
    Notebook *nb = ls->nb;
    LenetRun *runs = ls->runs;
    LenetRun *mm = &runs[0], *cm = &runs[1], *mf = &runs[2];
    const int *full_counts = ls->full_counts, quick = ls->quick;
    char a[32], b[32];
    nb_section(nb, "The scores");
    {
        const char *hdr[] = { "network", "parameters", "MNIST sample, test", "Fashion-MNIST, test",
                              "training time (this run)" };
        const char *cells[2 * 5];
        char t[2][4][64];
        for (int k = 0; k < 2; k++) {
            LenetRun *m = &runs[k], *f = &runs[2 + k];
            snprintf(t[k][0], 64, "%s", commas(a, (double)net_param_count(m->net)));
            snprintf(t[k][1], 64, "%.4f", m->ev.accuracy);
            snprintf(t[k][2], 64, "%.4f", f->ev.accuracy);
            snprintf(t[k][3], 64, "%.0f s + %.0f s%s", m->seconds, f->seconds,
                     !strcmp(m->how, "reused") || !strcmp(f->how, "reused") ? " (0 = reused)" : "");
            cells[k * 5] = lenet_variant_title(k);
            for (int j = 0; j < 4; j++) cells[k * 5 + 1 + j] = t[k][j];
        }
        nb_table(nb, hdr, cells, 2, 5);
    }
    /* results.dat: one row per run, for scripts and tests */
    {
        char text[2048];
        size_t len = (size_t)snprintf(text, sizeof text,
                                      "# network dataset test_acc test_loss train_acc epochs train_seconds how\n");
        for (int r = 0; r < 4; r++) {
            LenetRun *q = &runs[r];
            len += (size_t)snprintf(text + len, sizeof text - len, "%s %s %.6f %.6f %.6f %d %.2f %s\n",
                                    q->classic ? "classic" : "modern", q->data->which, q->ev.accuracy, q->ev.loss,
                                    q->hist.e[q->hist.n - 1].train_acc, q->hist.n, q->seconds, q->how);
        }
        CN_CHECK(len < sizeof text && cn_file_write_atomic(nb_path(nb, "results.dat"), text, len) == 0);
    }
    if (quick) {
        for (int r = 0; r < 4; r++)
            nb_check(nb, runs[r].ev.accuracy > 0.4,
                     "%s after %d epochs on %d images: test accuracy %.3f, far above chance (0.1 for 10 classes)",
                     runs[r].label, runs[r].hist.n, runs[r].train->count, runs[r].ev.accuracy);
    } else {
        nb_check(nb, mm->ev.accuracy >= 0.980, "modern LeNet-5 on the MNIST sample: %.4f ≥ 0.980", mm->ev.accuracy);
        nb_check(nb, cm->ev.accuracy >= 0.975, "classic LeNet-5 on the MNIST sample: %.4f ≥ 0.975", cm->ev.accuracy);
        nb_check(nb, mf->ev.accuracy >= 0.910, "modern LeNet-5 on Fashion-MNIST: %.4f ≥ 0.910", mf->ev.accuracy);
        nb_para(nb, "For "
                    "scale, the paper reports a test error of 0.95%% (accuracy 0.9905) for LeNet-5 trained on all "
                    "60,000 MNIST digits, and 0.8%% with distorted copies added; here it learns from %s digits "
                    "and is tested on %s others, so the figures are of the same kind but not directly comparable.",
                commas(a, full_counts[0]), commas(b, full_counts[1]));
    }
    for (int d = 0; d < 2; d++) lenet_compare_like_with_like(nb, &runs[2 * d], &runs[2 * d + 1]);
}

static void check_saved_models(Lesson *ls)
{
    Notebook *nb = ls->nb;
    LenetRun *runs = ls->runs;
    const char *models_dir = ls->models_dir;
    nb_section(nb, "The saved models");
    {
        int same = 1;
        for (int r = 0; r < 4; r++) {
            Net *back = lenet5_load(runs[r].model);
            CN_CHECK(back);
            EvalResult ev = { .want_pred = 1 };
            CN_CHECK(net_evaluate(back, runs[r].test, 0, &ev) == 0);
            for (int i = 0; i < ev.n; i++) same &= ev.pred[i] == runs[r].ev.pred[i];
            same &= ev.accuracy == runs[r].ev.accuracy && ev.loss == runs[r].ev.loss;
            train_eval_result_free(&ev);
            net_free(back);
        }
        nb_check(nb, same, "each of the 4 model files, read back by lenet5_load, gives the same predictions and "
                           "the same test loss as the network in memory");
    }
    nb_para(nb, "The four models are in %s: lenet5_modern_mnist.cnn, lenet5_classic_mnist.cnn, "
                "lenet5_modern_fashion.cnn and lenet5_classic_fashion.cnn. Lesson 10 loads them again. To run "
                "one on a picture of your own (any PNG or JPEG: it is made gray, resized to 28x28 and inverted "
                "when its background is light, since the networks saw light strokes on black):\n"
                "- build/lessons/classify my_digit.png\n"
                "- build/lessons/classify --model %s/lenet5_modern_fashion.cnn my_shoe.png",
            models_dir, models_dir);
}

static void try_it_yourself(Lesson *ls)
{
    Notebook *nb = ls->nb;
    nb_section(nb, "Try it yourself");
    nb_para(nb, "Each of these runs in seconds with --quick (add it to any line), and the lesson holds its claims "
                "with them:\n"
                "- build/lessons/" LESSON_ID " --index 42 draws test picture 42 of each test set through the layers "
                "instead of the first of class %d (a %s, a %s).\n"
                "- build/lessons/" LESSON_ID " --retrain trains the four networks again rather than loading the saved "
                "ones (the same seed gives the same weights).\n"
                "- build/lessons/" LESSON_ID " --naive trains on the reference loops of core/conv_layer.c, the ones "
                "written as the formula reads: slower, the same results up to rounding.\n"
                "- build/lessons/classify --model %s/lenet5_classic_mnist.cnn my_digit.png runs the classic network on "
                "a digit you drew (see \"The saved models\").",
            SHOW_CLASS, ls->data[0].test->class_names[SHOW_CLASS], ls->data[1].test->class_names[SHOW_CLASS],
            ls->models_dir);
}

static int finish(Lesson *ls)
{
    nb_para(ls->nb, "This run took %.0f s in all.", now_s() - ls->t_start);
    for (int r = 0; r < 4; r++) run_free(&ls->runs[r]);
    free(ls->runs);
    lesson_data_free(ls->data, 2);
    lesson_your_turn(ls->nb);
    int failed = nb_close(ls->nb);
    CN_CHECK(failed >= 0);
    free(ls);
    return failed == 0 ? 0 : 1;
}
