/* check_ablations.c - lesson 09's ablations over seeds
 * (lessons/kit/ablations.h), on made-up runs whose answers are known: the
 * epochs to reach an accuracy, each arm's values per seed, and the paper's
 * claims judged by their intervals (a difference the seeds agree on is
 * reproduced or not reproduced by its sign, one that changes sign is not
 * measurable, a ratio with a level never reached has no value). The
 * training itself is run by tests/check_lesson09.c. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lessons/kit/ablations.h"

/* A made-up run: its accuracies per epoch, training (while training) and test. */
static void fake_run(AblRun *a, const double *train, const double *test, int epochs, double ips)
{
    memset(a, 0, sizeof *a);
    for (int e = 0; e < epochs; e++) {
        const EpochStats st = { .epoch = e + 1, .train_acc = train[e], .test_acc = test[e], .images_per_s = ips,
                                .seconds = 1.0 };
        ck_assert_int_eq(train_history_push(&a->run.hist, &st), 0);
    }
    a->test_acc = test[epochs - 1];
    a->train_eval = fmin(1.0, train[epochs - 1] + 0.05);
    a->params = 1000;
}

START_TEST(epochs_to_reach)
{
    AblRun a;
    const double tr[3] = { 0.4, 0.6, 0.8 }, te[3] = { 0.3, 0.5, 0.7 };
    fake_run(&a, tr, te, 3, 100.0);
    const TrainHistory *h = &a.run.hist;
    ck_assert_double_eq_tol(epochs_to_accuracy(h, 1, 0.6, 0.1), 2.5, 1e-12);  /* between 0.5 and 0.7 */
    ck_assert_double_eq_tol(epochs_to_accuracy(h, 1, 0.2, 0.1), 0.5, 1e-12);  /* from chance at epoch 0 */
    ck_assert_double_eq_tol(epochs_to_accuracy(h, 0, 0.8, 0.1), 3.0, 1e-12);  /* training accuracy, exactly */
    ck_assert_double_eq_tol(epochs_to_accuracy(h, 1, 0.05, 0.1), 0.0, 1e-12); /* at or below chance */
    ck_assert(epochs_to_accuracy(h, 1, 0.75, 0.1) < 0);                       /* never */
    train_history_free(&a.run.hist);
}
END_TEST

enum { S = 3, E = 4 };

/* Six arms over three seeds, each arm's curves shifted by its own offset per seed. */
static void fake_ablations(Ablations *A, const double off[NABL][S], int tanh_reaches)
{
    memset(A, 0, sizeof *A);
    A->seeds = S, A->epochs = E, A->ntrain = 1000, A->ntest = 1000;
    A->r = calloc(NABL * S, sizeof *A->r);
    ck_assert_ptr_nonnull(A->r);
    for (int k = 0; k < NABL; k++)
        for (int s = 0; s < S; s++) {
            /* ReLU reaches 75% training accuracy at epoch 2, tanh at 4 (or never) */
            const double relu[E] = { 0.6, 0.75, 0.8, 0.85 }, tanh_[E] = { 0.4, 0.55, 0.65, tanh_reaches ? 0.75 : 0.7 };
            double tr[E], te[E];
            for (int e = 0; e < E; e++) {
                tr[e] = k == A_TANH ? tanh_[e] : relu[e];
                te[e] = 0.5 + 0.05 * e + off[k][s];
            }
            AblRun *a = abl_at(A, k, s);
            fake_run(a, tr, te, E, k == A_GROUPS ? 150.0 + s : 100.0);
            if (k == A_GROUPS) a->params = 800;
            /* the first (test accuracy x 1000) pictures right: nested, so that arms differ picture by picture
             * exactly by their accuracies */
            a->right = calloc(1000, 1);
            ck_assert_ptr_nonnull(a->right);
            for (int i = 0; i < lround(1000 * a->test_acc); i++) a->right[i] = 1;
        }
}

START_TEST(claims_follow_intervals)
{
    /* final test accuracies: base 0.65 + off; the arms' offsets per seed */
    static const double off[NABL][S] = {
        { 0.00, 0.01, 0.02 },   /* base */
        { 0.00, 0.01, 0.02 },   /* tanh */
        { 0.03, -0.02, 0.00 },  /* no LRN: sometimes better, sometimes worse than base */
        { 0.05, 0.06, 0.07 },   /* pool 2x2: always 5 points above base: against the paper */
        { 0.04, 0.05, 0.06 },   /* no dropout: always 4 points above base: the paper's cost */
        { 0.00, 0.01, 0.02 },   /* groups: the same as base */
    };
    Ablations A;
    fake_ablations(&A, off, 1);
    double x[S];
    abl_values(x, &A, A_POOL2, AV_TEST, 0);
    ck_assert_double_eq_tol(x[1], 100.0 * (0.65 + 0.06), 1e-9);
    abl_values(x, &A, A_TANH, AV_TO_TRAIN, 0.25);
    ck_assert_double_eq_tol(x[0], 4.0, 1e-12);
    Claims cl;
    paper_claims(&cl, &A, 0.25);
    const Claim *c = cl.c;
    ck_assert(cl.relu_paper && cl.relu_err == 0.25);
    ck_assert_str_eq(cl.relu_level, "25% error");
    ck_assert_str_eq(cl.relu_why, "");
    ck_assert_int_eq(c[C_RELU].v, V_REPRODUCED);          /* tanh needs 4 epochs, ReLU 2: 2x in every seed */
    ck_assert_double_eq_tol(c[C_RELU].q.ratio, 2.0, 1e-12);
    ck_assert_int_eq(c[C_LRN].v, V_UNMEASURABLE);         /* the sign changes from seed to seed */
    ck_assert_int_eq(c[C_POOL].v, V_NOT_REPRODUCED);      /* 2x2 always better */
    ck_assert_double_eq_tol(c[C_POOL].d.mean, -5.0, 1e-9);
    ck_assert_int_eq(c[C_DROP_SHORT].v, V_REPRODUCED);    /* without dropout always ahead */
    ck_assert_str_eq(c[C_DROP_SHORT].per_seed, "+4.00, +4.00, +4.00");
    ck_assert_int_eq(c[C_GRP_PARAMS].v, V_REPRODUCED);    /* 800 < 1000, counted */
    ck_assert_int_eq(c[C_GRP_SPEED].v, V_REPRODUCED);     /* 150..152 images/s vs 100 */
    ck_assert_int_eq(c[C_GRP_ACC].v, V_UNMEASURABLE);     /* exactly equal: no spread, no difference */
    ck_assert_double_eq_tol(c[C_GRP_ACC].test_half, 0.0, 1e-12); /* the same pictures right: no test error */
    /* dropout: pictures 650..689 differ in seed 0, 660..699 in seed 1, 670..709 in seed 2, so D (the share of
     * seeds) is 1/3, 2/3, 1, 2/3, 1/3 on runs of 10, 10, 20, 10, 10 pictures: sum 40, sum of squares 20 + 100/9;
     * the error is 1.96 sd(D) / sqrt(1000), in points */
    const double sd = sqrt((20.0 + 100.0 / 9.0 - 40.0 * 40.0 / 1000.0) / 999.0);
    ck_assert_double_eq_tol(c[C_DROP_SHORT].test_half, 1.96 * 100.0 * sd / sqrt(1000.0), 1e-9);
    ck_assert_double_eq_tol(cl.test_half, c[C_DROP_SHORT].test_half, 1e-12);
    /* dropout's cost: every run reaches the lowest final accuracy, base's first seed at its last epoch */
    ck_assert_double_eq_tol(cl.drop_level, 0.65, 1e-12);
    ck_assert(strstr(c[C_DROP_COST].result, "×") != NULL);
    ablations_free(&A);

    /* tanh never reaches 25% training error: compared at the level every run reached, 30% */
    fake_ablations(&A, off, 0);
    paper_claims(&cl, &A, 0.25);
    ck_assert(!cl.relu_paper);
    ck_assert_double_eq_tol(cl.relu_err, 0.30, 1e-12);
    ck_assert_str_eq(cl.relu_level, "30.0% error, every run reached");
    ck_assert_msg(strstr(cl.relu_why, "not every run reached the paper's 25% within 4 epochs, so the two are "
                                      "compared at 30.0%"), "%s", cl.relu_why);
    ck_assert(cl.c[C_RELU].q.ok);
    ck_assert_str_eq(cl.c[C_RELU].what, "epochs to 30.0% training error, tanh ÷ ReLU");
    ablations_free(&A);
}
END_TEST

Suite *ablations_suite(void)
{
    Suite *s = suite_create("ablations");
    TCase *tc = tcase_create("claims");
    tcase_add_test(tc, epochs_to_reach);
    tcase_add_test(tc, claims_follow_intervals);
    suite_add_tcase(s, tc);
    return s;
}
