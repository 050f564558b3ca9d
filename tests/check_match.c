/* check_match.c - learned filters against hand-designed kernels
 * (core/match.h): the score of a kernel against itself, its negative, its
 * rotation and a scaled copy; padding and resizing to the filter's size;
 * zero and constant filters; the families; the shift-tolerant match (a
 * shifted, a turned Sobel, a checkerboard that matches nothing); the
 * chance levels of white and spectrum-matched random filters, one filter
 * and averages. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/kernels.h"
#include "core/match.h"
#include "core/rng.h"
#include "core/tensor.h"
#include "tests/support.h"

static const CnKernel *must_find(const char *name)
{
    const CnKernel *k = kernel_find(name);
    ck_assert_msg(k != NULL, "kernel_find(\"%s\"): %s", name, cn_last_error());
    return k;
}

static void expect_near(double got, double want, double tol, const char *what)
{
    ck_assert_msg(fabs(got - want) <= tol, "%s: got %.12g, want %.12g (diff %.3g)", what, got, want, fabs(got - want));
}

/* --- the cosine ------------------------------------------------------------------ */

START_TEST(cosine_by_hand)
{
    /* (1, 2, 2) . (2, 0, 1) = 4; |a| = 3, |b| = sqrt(5): cos = 4 / (3 sqrt 5) */
    const float a[3] = { 1, 2, 2 }, b[3] = { 2, 0, 1 }, z[3] = { 0, 0, 0 };
    expect_near(match_cosine(a, b, 3), 4.0 / (3.0 * sqrt(5.0)), 1e-12, "cos(a, b)");
    expect_near(match_cosine(a, a, 3), 1.0, 1e-12, "cos(a, a)");
    const float na[3] = { -2, -4, -4 };
    expect_near(match_cosine(a, na, 3), -1.0, 1e-12, "cos(a, -2a)");
    /* a zero vector has no direction: taken as 0, not NaN */
    ck_assert(match_cosine(a, z, 3) == 0.0 && match_cosine(z, a, 3) == 0.0 && match_cosine(z, z, 3) == 0.0);
    ck_assert(match_cosine(a, b, 0) == 0.0);
    /* orthogonal */
    const float c[3] = { 2, -1, 0 };
    expect_near(match_cosine(a, c, 3), 0.0, 1e-12, "cos of orthogonal vectors");
}
END_TEST

/* --- every kernel against itself, its negative, a scaled copy ------------------------- */

START_TEST(self_negative_scaled)
{
    for (int K = 3; K <= 5; K += 2) {
        MatchBank *b = match_bank_registry(K);
        ck_assert_msg(b != NULL, "%s", cn_last_error());
        for (int i = 0; i < b->n; i++) {
            const MatchEntry *e = &b->e[i];
            float neg[25], scaled[25];
            for (int j = 0; j < K * K; j++) neg[j] = -e->v[j], scaled[j] = 3.5f * e->v[j];
            Match m = match_best(b, e->v), mn = match_best(b, neg), ms = match_best(b, scaled);
            /* the entry itself (sign +1), or an earlier entry of the same kernel
             * that ties: a symmetric kernel's as-is entry (sign +1) for its
             * rotation, Sobel's as-is entry (sign -1) for rot180 Sobel = -Sobel */
            expect_near(m.score, 1.0, 1e-9, e->label);
            ck_assert_msg(m.entry <= i && (m.entry < i || m.sign == 1), "K %d, %s: sign %d, entry %d", K, e->label,
                          m.sign, m.entry);
            ck_assert_msg(b->e[m.entry].kernel == e->kernel, "K %d, %s matched %s", K, e->label, b->e[m.entry].label);
            const int sobel = !strcmp(e->kernel->name, "sobel_x") || !strcmp(e->kernel->name, "sobel_y");
            ck_assert_int_eq(m.sign, sobel && e->rotated ? -1 : 1);
            /* the negative: score 1, the sign flipped and noted */
            expect_near(mn.score, 1.0, 1e-9, e->label);
            ck_assert_msg(mn.sign == -m.sign && mn.entry == m.entry, "K %d, negative %s: sign %d, entry %d", K,
                          e->label, mn.sign, mn.entry);
            expect_near(ms.score, 1.0, 1e-9, "scaled copy");
            ck_assert_int_eq(ms.entry, m.entry);
        }
        match_bank_free(b);
    }
}
END_TEST

/* --- rotations ---------------------------------------------------------------------- */

START_TEST(rotations)
{
    MatchBank *b = match_bank_registry(3);
    ck_assert_ptr_nonnull(b);
    const CnKernel *sx = must_find("sobel_x");
    /* rot180(Sobel x) = -Sobel x: score 1 with sign -1 against Sobel x as it is
     * (it ties with rot180 Sobel x at sign +1; the earlier entry wins) */
    float r[9];
    kernel_rot180(r, sx->v, 3, 3);
    for (int j = 0; j < 9; j++) ck_assert(r[j] == -sx->v[j]);
    Match m = match_best(b, r);
    ck_assert_msg(m.entry >= 0 && b->e[m.entry].kernel == sx && !b->e[m.entry].rotated,
                  "rot180 Sobel x matched %s", m.entry >= 0 ? b->e[m.entry].label : "nothing");
    expect_near(m.score, 1.0, 1e-12, "rot180 Sobel x vs Sobel x");
    ck_assert_int_eq(m.sign, -1);
    /* the seed's six, the Gaussians: their own rotation; Sobel: its negative */
    for (int i = 0; i < kernel_count(); i++) {
        const CnKernel *k = kernel_at(i);
        float rk[25];
        kernel_rot180(rk, k->v, k->h, k->w);
        const double c = match_cosine(k->v, rk, (size_t)(k->h * k->w));
        const int sobel = !strcmp(k->name, "sobel_x") || !strcmp(k->name, "sobel_y");
        expect_near(c, sobel ? -1.0 : 1.0, 1e-12, k->name);
    }
    match_bank_free(b);

    /* An asymmetric kernel A against its rotation scores what the formula says.
     * A = [1 2 0; 0 3 0; 0 0 -1], rot180(A) = [-1 0 0; 0 3 0; 0 2 1]:
     * <A, rot A> = 1*(-1) + 3*3 + (-1)*1 = 7; |A|^2 = 1 + 4 + 9 + 1 = 15: cos = 7/15. */
    static const float av[9] = { 1, 2, 0, 0, 3, 0, 0, 0, -1 };
    const CnKernel A = { "asym", "asymmetric", 3, 3, av, "a test kernel" };
    const CnKernel *list[1] = { &A };
    MatchBank *ab = match_bank_create(list, 1, 3);
    ck_assert_msg(ab != NULL, "%s", cn_last_error());
    ck_assert_int_eq(ab->n, 2);  /* native, as is and rotated */
    float ra[9];
    kernel_rot180(ra, av, 3, 3);
    expect_near(match_cosine(av, ra, 9), 7.0 / 15.0, 1e-12, "cos(A, rot180 A)");
    /* matched against the bank, rot180(A) finds the rotated entry with score 1 */
    Match mr = match_best(ab, ra);
    ck_assert_int_eq(mr.entry, 1);
    ck_assert(ab->e[1].rotated == 1);
    expect_near(mr.score, 1.0, 1e-12, "rot180 A vs the rotated entry");
    ck_assert_int_eq(mr.sign, 1);
    /* and against A as it is (match_best_of over the as-is entry only) it scores 7/15 */
    const double c0 = match_cosine(ra, ab->e[0].v, 9);
    expect_near(c0, 7.0 / 15.0, 1e-12, "rot180 A vs A as it is");
    ck_assert_str_eq(ab->e[0].label, "asym");
    ck_assert_str_eq(ab->e[1].label, "rot180 asym");
    match_bank_free(ab);
}
END_TEST

/* --- padding and resizing --------------------------------------------------------------- */

START_TEST(padding_keeps_the_score)
{
    MatchBank *b = match_bank_registry(5);
    ck_assert_ptr_nonnull(b);
    /* 5 smooth 3x3 kernels padded and resized, 4 pixel-grid ones padded only
     * (each as is and rotated), gaussian5 native (x 2) */
    ck_assert_int_eq(b->n, 5 * 4 + 4 * 2 + 2);
    for (int i = 0; i < b->n; i++)
        ck_assert_msg(b->e[i].fit != MATCH_FIT_RESIZE || match_resizable(b->e[i].kernel), "%s", b->e[i].label);
    /* why the identity is not resized: interpolated up to 5x5 it is the tent
     * [0 .5 1 .5 0]^T [0 .5 1 .5 0], i.e. 4 x the 3x3 Gaussian padded: a blur */
    {
        float ri[25], pg[25];
        ck_assert_int_eq(match_fit(ri, 5, must_find("identity")->v, 3, 3, MATCH_FIT_RESIZE), 0);
        ck_assert_int_eq(match_fit(pg, 5, must_find("gaussian")->v, 3, 3, MATCH_FIT_PAD), 0);
        for (int j = 0; j < 25; j++) pg[j] *= 4.0f;
        assert_close(ri, pg, 25, 1e-7f, "identity resized vs 4 x padded Gaussian");
        ck_assert(!match_resizable(must_find("identity")) && !match_resizable(must_find("sharpen")) &&
                  !match_resizable(must_find("edge2")) && !match_resizable(must_find("edge3")));
        ck_assert(match_resizable(must_find("sobel_x")) && match_resizable(must_find("box_blur")));
    }
    for (int i = 0; i < kernel_count(); i++) {
        const CnKernel *k = kernel_at(i);
        if (k->h != 3) continue;
        float p[25];
        ck_assert_int_eq(match_fit(p, 5, k->v, 3, 3, MATCH_FIT_PAD), 0);
        /* the ring is zero and the middle is the kernel */
        for (int y = 0; y < 5; y++)
            for (int x = 0; x < 5; x++) {
                const int in = y >= 1 && y <= 3 && x >= 1 && x <= 3;
                ck_assert(p[y * 5 + x] == (in ? k->v[(y - 1) * 3 + (x - 1)] : 0.0f));
            }
        Match m = match_best(b, p);
        expect_near(m.score, 1.0, 1e-9, k->name);
        ck_assert_msg(b->e[m.entry].kernel == k && b->e[m.entry].fit == MATCH_FIT_PAD && !b->e[m.entry].rotated,
                      "padded %s matched %s", k->name, b->e[m.entry].label);
        /* the padded kernel keeps its 3x3 cosines: Sobel x vs padded Sobel y is 0 */
        Match mb = match_best_of(b, p, k);
        ck_assert_int_eq(mb.entry, m.entry);
    }
    /* identity vs edge3, box blur vs Gaussian: the same cosine at 3x3 and padded to 5x5 */
    const CnKernel *id = must_find("identity"), *e3 = must_find("edge3"), *bx = must_find("box_blur"),
                 *g3 = must_find("gaussian");
    expect_near(match_cosine(id->v, e3->v, 9), 8.0 / sqrt(72.0), 1e-7, "identity vs edge3");
    expect_near(match_cosine(bx->v, g3->v, 9), 16.0 / 18.0, 1e-7, "box blur vs gaussian");
    float pid[25], pe3[25];
    match_fit(pid, 5, id->v, 3, 3, MATCH_FIT_PAD);
    match_fit(pe3, 5, e3->v, 3, 3, MATCH_FIT_PAD);
    expect_near(match_cosine(pid, pe3, 25), 8.0 / sqrt(72.0), 1e-7, "padded identity vs padded edge3");
    match_bank_free(b);

    /* an odd difference pads like SAME: the extra zeros below and to the right */
    float q[16];
    const float one[4] = { 1, 2, 3, 4 };
    ck_assert_int_eq(match_fit(q, 4, one, 2, 2, MATCH_FIT_PAD), 0);
    const float want[16] = { 0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0, 0, 0, 0 };
    assert_close(q, want, 16, 0.0f, "2x2 padded into 4x4");
    ck_assert_int_eq(match_fit(q, 1, one, 2, 2, MATCH_FIT_PAD), -1);
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "resize"));
    ck_assert_int_eq(match_fit(q, 3, one, 2, 2, MATCH_FIT_NATIVE), -1);
}
END_TEST

START_TEST(resizing)
{
    const CnKernel *sx = must_find("sobel_x"), *g5 = must_find("gaussian5");
    /* Sobel x resized 3 -> 5: columns -1, -0.5, 0, 0.5, 1 times rows 1, 1.5, 2, 1.5, 1 */
    float r[25], want[25];
    ck_assert_int_eq(match_fit(r, 5, sx->v, 3, 3, MATCH_FIT_RESIZE), 0);
    const float col[5] = { -1, -0.5f, 0, 0.5f, 1 }, row[5] = { 1, 1.5f, 2, 1.5f, 1 };
    for (int y = 0; y < 5; y++)
        for (int x = 0; x < 5; x++) want[y * 5 + x] = row[y] * col[x];
    assert_close(r, want, 25, 1e-6f, "Sobel x resized to 5x5");
    /* resizing to the same size gives the kernel back */
    float same[25];
    ck_assert_int_eq(match_fit(same, 5, g5->v, 5, 5, MATCH_FIT_RESIZE), 0);
    assert_close(same, g5->v, 25, 0.0f, "gaussian5 resized to 5x5");
    /* gaussian5 resized to 3x3 samples rows/columns 0, 2, 4 of [1 4 6 4 1]: [1 6 1]^T [1 6 1] / 256 */
    float small[9];
    ck_assert_int_eq(match_fit(small, 3, g5->v, 5, 5, MATCH_FIT_RESIZE), 0);
    const float s1[3] = { 1, 6, 1 };
    for (int y = 0; y < 3; y++)
        for (int x = 0; x < 3; x++) expect_near(small[y * 3 + x], s1[y] * s1[x] / 256.0, 1e-9, "gaussian5 at 3x3");
    /* K = 1 takes the centre */
    float c;
    ck_assert_int_eq(match_fit(&c, 1, g5->v, 5, 5, MATCH_FIT_RESIZE), 0);
    expect_near(c, 36.0 / 256.0, 1e-9, "gaussian5 at 1x1");
    /* a 3x3 bank: gaussian5 appears resized only (it cannot be padded down) */
    MatchBank *b = match_bank_registry(3);
    ck_assert_ptr_nonnull(b);
    ck_assert_int_eq(b->n, 9 * 2 + 2);
    ck_assert(b->e[b->n - 2].kernel == g5 && b->e[b->n - 2].fit == MATCH_FIT_RESIZE);
    ck_assert_str_eq(b->e[b->n - 1].label, "rot180 gaussian5, resized");
    /* a resized Sobel x in a 5x5 bank is matched by its resized entry, not the padded one */
    match_bank_free(b);
    b = match_bank_registry(5);
    Match m = match_best(b, r);
    expect_near(m.score, 1.0, 1e-9, "resized Sobel x");
    ck_assert_msg(b->e[m.entry].kernel == sx && b->e[m.entry].fit == MATCH_FIT_RESIZE, "matched %s",
                  b->e[m.entry].label);
    ck_assert_str_eq(b->e[m.entry].label, "sobel_x, resized");
    match_bank_free(b);
}
END_TEST

/* --- zero and constant filters ----------------------------------------------------------- */

START_TEST(zero_and_constant_filters)
{
    MatchBank *b = match_bank_registry(5);
    ck_assert_ptr_nonnull(b);
    float z[25] = { 0 }, c[25], nc[25];
    /* all zeros: no direction, no match */
    Match m = match_best(b, z);
    ck_assert_int_eq(m.entry, -1);
    ck_assert(m.score == 0.0 && m.cos == 0.0 && m.sign == 0);
    /* a constant filter is a box blur (padding it changes that: the padded box
     * blur leaves the ring at zero, the resized one fills the whole 5x5):
     * score 1 against "box_blur, resized", sign as the constant's */
    for (int i = 0; i < 25; i++) c[i] = 0.3f, nc[i] = -2.0f;
    m = match_best(b, c);
    expect_near(m.score, 1.0, 1e-9, "constant vs box blur");
    ck_assert_str_eq(b->e[m.entry].label, "box_blur, resized");
    ck_assert_int_eq(m.sign, 1);
    m = match_best(b, nc);
    ck_assert_str_eq(b->e[m.entry].label, "box_blur, resized");
    ck_assert_int_eq(m.sign, -1);
    /* against the padded box blur: the 9 shared weights of 25, cos = 9 / (sqrt(9) sqrt(25)) = 0.6 */
    float pb[25];
    match_fit(pb, 5, must_find("box_blur")->v, 3, 3, MATCH_FIT_PAD);
    expect_near(match_cosine(c, pb, 25), 0.6, 1e-7, "constant vs padded box blur");
    /* a constant filter has zero variance: against an edge detector (weights sum to 0) it scores 0 */
    expect_near(match_best_of(b, c, must_find("sobel_x")).score, 0.0, 1e-9, "constant vs Sobel x");
    /* match_best_of a kernel not in the bank */
    const CnKernel other = { "other", "other", 3, 3, pb, "" };
    Match mo = match_best_of(b, c, &other);
    ck_assert(mo.entry == -1 && mo.score == 0.0);
    match_bank_free(b);
}
END_TEST

/* --- families, bank errors ---------------------------------------------------------- */

START_TEST(families_and_errors)
{
    const char *edge[] = { "edge1", "edge2", "edge3", "sobel_x", "sobel_y" };
    const char *blur[] = { "box_blur", "gaussian", "gaussian5" };
    const char *keep[] = { "identity", "sharpen" };
    for (int i = 0; i < 5; i++) ck_assert_int_eq(match_family(must_find(edge[i])), MATCH_EDGE);
    for (int i = 0; i < 3; i++) ck_assert_int_eq(match_family(must_find(blur[i])), MATCH_BLUR);
    for (int i = 0; i < 2; i++) ck_assert_int_eq(match_family(must_find(keep[i])), MATCH_KEEP);
    /* every registry kernel has a family; edge detectors sum to 0, the others to 1 */
    for (int i = 0; i < kernel_count(); i++) {
        const CnKernel *k = kernel_at(i);
        const MatchFamily f = match_family(k);
        ck_assert_msg(f != MATCH_OTHER, "%s has no family", k->name);
        expect_near(kernel_sum(k), f == MATCH_EDGE ? 0.0 : 1.0, 1e-6, k->name);
    }
    const CnKernel x = { "x", "x", 1, 1, (const float[]){ 1 }, "" };
    ck_assert_int_eq(match_family(&x), MATCH_OTHER);
    ck_assert_str_eq(match_family_name(MATCH_EDGE), "edge detector");
    ck_assert_str_eq(match_family_name(MATCH_OTHER), "other");
    ck_assert_str_eq(match_fit_name(MATCH_FIT_PAD), "padded");

    const CnKernel *list[1] = { &x };
    ck_assert_ptr_null(match_bank_create(list, 0, 5));
    ck_assert_ptr_null(match_bank_create(list, 1, 0));
    const CnKernel *none[1] = { NULL };
    ck_assert_ptr_null(match_bank_create(none, 1, 5));
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "missing"));
    match_bank_free(NULL);
}
END_TEST

/* --- chance level --------------------------------------------------------------------- */

START_TEST(chance_level)
{
    MatchBank *b = match_bank_registry(5);
    ck_assert_ptr_nonnull(b);
    double q50, q95, q95b, q99, q0, q1;
    ck_assert_int_eq(match_chance(&q50, b, 2000, 0.50, 7), 0);
    ck_assert_int_eq(match_chance(&q95, b, 2000, 0.95, 7), 0);
    ck_assert_int_eq(match_chance(&q95b, b, 2000, 0.95, 7), 0);
    ck_assert_int_eq(match_chance(&q99, b, 2000, 0.99, 7), 0);
    ck_assert_int_eq(match_chance(&q0, b, 2000, 0.0, 7), 0);
    ck_assert_int_eq(match_chance(&q1, b, 2000, 1.0, 7), 0);
    /* reproducible, ordered, and well below 1: a random 5x5 filter resembles
     * no hand kernel closely (the cosine of two random directions in 25
     * dimensions has a spread of about 1/5) */
    ck_assert(q95 == q95b);
    ck_assert_msg(q0 <= q50 && q50 <= q95 && q95 <= q99 && q99 <= q1, "quantiles %g %g %g %g %g", q0, q50, q95, q99,
                  q1);
    ck_assert_msg(q50 > 0.2 && q50 < 0.6 && q99 < 0.9, "median %g, 99%% %g", q50, q99);
    ck_assert_int_eq(match_chance(&q0, b, 0, 0.5, 7), -1);
    ck_assert_int_eq(match_chance(&q0, b, 10, 1.5, 7), -1);
    match_bank_free(b);
}
END_TEST


/* --- the shift-tolerant match ------------------------------------------------------- */

/* The 3x3 kernel k placed with its top-left corner at (py, px) in a 5x5 field of zeros, times a. */
static void place3(float *out, const float *k, int py, int px, float a)
{
    memset(out, 0, 25 * sizeof *out);
    for (int y = 0; y < 3; y++)
        for (int x = 0; x < 3; x++) out[(py + y) * 5 + px + x] = a * k[y * 3 + x];
}

START_TEST(shifted_sobel)
{
    MatchBank *b = match_bank_registry(5);
    ck_assert_ptr_nonnull(b);
    const CnKernel *sx = must_find("sobel_x");
    float f[25], back[25];
    /* Sobel x one column to the right of centre: the plain match sees its
     * columns -1 0 +1 against the kernel's 0 +1 0 and ... nothing in common */
    place3(f, sx->v, 1, 2, 1.0f);
    float pad[25];
    ck_assert_int_eq(match_fit(pad, 5, sx->v, 3, 3, MATCH_FIT_PAD), 0);
    expect_near(match_cosine(f, pad, 25), 0.0, 1e-9, "a shifted Sobel x vs the padded one");
    Match m = match_best_shifted(b, f);
    expect_near(m.score, 1.0, 1e-9, "shifted match of a shifted Sobel x");
    ck_assert_msg(b->e[m.entry].kernel == sx && !b->e[m.entry].rotated && m.dy == 0 && m.dx == 1 && m.sign == 1,
                  "matched %s at (%d, %d), sign %d", b->e[m.entry].label, m.dy, m.dx, m.sign);
    /* what it stands for is the filter itself */
    match_kernel(back, b, &m);
    assert_close(back, f, 25, 1e-7f, "match_kernel of the shifted match");
    /* diagonally to the top-left corner, and black and white swapped */
    place3(f, sx->v, 0, 0, -2.0f);
    m = match_best_shifted(b, f);
    expect_near(m.score, 1.0, 1e-9, "Sobel x in the corner, negated");
    ck_assert_msg(b->e[m.entry].kernel == sx && m.dy == -1 && m.dx == -1 && m.sign == -1, "matched %s at (%d, %d)",
                  b->e[m.entry].label, m.dy, m.dx);
    match_kernel(back, b, &m);
    expect_near(match_cosine(back, f, 25), 1.0, 1e-9, "match_kernel, negated corner");
    /* at the centre the shifted match is the plain one (its own place wins ties) */
    place3(f, sx->v, 1, 1, 1.0f);
    Match p = match_best(b, f), q = match_best_shifted(b, f);
    ck_assert(p.entry == q.entry && q.dy == 0 && q.dx == 0 && fabs(p.score - q.score) < 1e-12);
    /* a resized entry does not move */
    float r[25];
    ck_assert_int_eq(match_fit(r, 5, sx->v, 3, 3, MATCH_FIT_RESIZE), 0);
    q = match_best_shifted(b, r);
    ck_assert(q.dy == 0 && q.dx == 0 && b->e[q.entry].fit == MATCH_FIT_RESIZE);
    /* a zero filter has no match */
    memset(f, 0, sizeof f);
    q = match_best_shifted(b, f);
    ck_assert(q.entry == -1 && q.score == 0.0);
    match_bank_free(b);
}
END_TEST

START_TEST(turned_sobel)
{
    MatchBank *b = match_bank_registry(5);
    ck_assert_ptr_nonnull(b);
    const CnKernel *sx = must_find("sobel_x"), *sy = must_find("sobel_y");
    /* Sobel turned by t: cos t Sobel x + sin t Sobel y. Sobel x and y are
     * orthogonal and equally long, so it scores cos t against Sobel x and
     * sin t against Sobel y, wherever it sits */
    const double t[3] = { 30.0, 45.0, 60.0 };
    for (int i = 0; i < 3; i++) {
        const double th = t[i] * 3.14159265358979323846 / 180.0;
        float k[9], f[25];
        for (int j = 0; j < 9; j++) k[j] = (float)(cos(th) * sx->v[j] + sin(th) * sy->v[j]);
        place3(f, k, 0, 2, 1.0f);
        Match mx = match_best_shifted_of(b, f, sx), my = match_best_shifted_of(b, f, sy);
        expect_near(mx.score, cos(th), 1e-6, "turned Sobel vs Sobel x");
        expect_near(my.score, sin(th), 1e-6, "turned Sobel vs Sobel y");
        ck_assert(mx.dy == -1 && mx.dx == 1);
        ck_assert(match_best_shifted(b, f).score >= fmax(mx.score, my.score));
    }
    /* turned by 90 degrees, Sobel x is Sobel y, here one row down */
    float k90[9], f[25];
    for (int y = 0; y < 3; y++)
        for (int x = 0; x < 3; x++) k90[y * 3 + x] = sx->v[(2 - x) * 3 + y];
    place3(f, k90, 2, 1, 1.0f);
    Match m = match_best_shifted(b, f);
    expect_near(m.score, 1.0, 1e-9, "Sobel x turned by 90 degrees");
    ck_assert_msg(b->e[m.entry].kernel == sy && m.dy == 1 && m.dx == 0, "matched %s at (%d, %d)", b->e[m.entry].label,
                  m.dy, m.dx);
    match_bank_free(b);
}
END_TEST

START_TEST(no_match)
{
    /* A checkerboard of +-1 matches nothing: wherever a 3x3 kernel sits it
     * sees a 3x3 checkerboard; the best is the Laplacian edge2
     * [0 1 0; 1 -4 1; 0 1 0]: |-4 - 4| / (5 * sqrt 20) = 0.358, under
     * the chance level of white noise */
    MatchBank *b = match_bank_registry(5);
    ck_assert_ptr_nonnull(b);
    float f[25];
    for (int i = 0; i < 25; i++) f[i] = ((i / 5 + i % 5) % 2) ? -1.0f : 1.0f;
    const Match m = match_best_shifted(b, f);
    expect_near(m.score, 8.0 / (5.0 * sqrt(20.0)), 1e-6, "checkerboard");
    ck_assert_str_eq(b->e[m.entry].kernel->name, "edge2");
    double *pool = malloc(2000 * sizeof *pool);
    ck_assert_int_eq(match_chance_scores(pool, b, 2000, NULL, 1, 3), 0);
    ck_assert_msg(m.score < match_quantile(pool, 2000, 0.5), "checkerboard %g, random median %g", m.score,
                  match_quantile(pool, 2000, 0.5));
    free(pool);
    match_bank_free(b);
}
END_TEST

/* --- fair chance levels ---------------------------------------------------------------- */

START_TEST(spectrum_noise)
{
    MatchBank *b = match_bank_registry(5);
    ck_assert_ptr_nonnull(b);
    double P[25];
    /* Parseval: a filter of length 1 has a spectrum summing to K^2 = 25 */
    const CnKernel *sx = must_find("sobel_x"), *g5 = must_find("gaussian5");
    float w[50];
    ck_assert_int_eq(match_fit(w, 5, sx->v, 3, 3, MATCH_FIT_PAD), 0);
    memcpy(w + 25, g5->v, 25 * sizeof *w);
    ck_assert_int_eq(match_power_spectrum(P, w, 2, 5), 2);
    double sum = 0.0;
    for (int i = 0; i < 25; i++) sum += P[i];
    expect_near(sum, 25.0, 1e-9, "sum of the spectrum");
    /* Sobel x has no power at frequency 0 (its weights sum to 0), the Gaussian all of its sum */
    ck_assert_int_eq(match_power_spectrum(P, w, 1, 5), 1);
    expect_near(P[0], 0.0, 1e-12, "Sobel x at frequency 0");
    /* a constant filter: all power at frequency 0, its noise is constant too: a box blur */
    float c[25], z[25] = { 0 };
    for (int i = 0; i < 25; i++) c[i] = 0.2f;
    ck_assert_int_eq(match_power_spectrum(P, c, 1, 5), 1);
    expect_near(P[0], 25.0, 1e-9, "constant at frequency 0");
    Rng r;
    rng_seed(&r, 5, 1);
    float f[25];
    ck_assert_int_eq(match_noise_filter(f, 5, P, &r), 0);
    const Match m = match_best_shifted(b, f);
    expect_near(m.score, 1.0, 1e-6, "noise of a constant spectrum");
    ck_assert_str_eq(b->e[m.entry].label, "box_blur, resized");
    /* zero filters are skipped; none at all: white */
    ck_assert_int_eq(match_power_spectrum(P, z, 1, 5), 0);
    for (int i = 0; i < 25; i++) ck_assert(P[i] == 1.0);
    /* white spectrum: the noise is white noise, the same direction as P = NULL */
    float g[25];
    Rng r1, r2;
    rng_seed(&r1, 8, 1), rng_seed(&r2, 8, 1);
    ck_assert_int_eq(match_noise_filter(f, 5, P, &r1), 0);
    ck_assert_int_eq(match_noise_filter(g, 5, NULL, &r2), 0);
    expect_near(match_cosine(f, g, 25), 1.0, 1e-6, "white spectrum vs white noise");
    /* smooth noise (the spectrum of the 5x5 Gaussian) scores higher than white noise */
    ck_assert_int_eq(match_power_spectrum(P, g5->v, 1, 5), 1);
    double *white = malloc(3000 * sizeof *white), *smooth = malloc(3000 * sizeof *smooth);
    ck_assert_int_eq(match_chance_scores(white, b, 3000, NULL, 1, 4), 0);
    ck_assert_int_eq(match_chance_scores(smooth, b, 3000, P, 1, 4), 0);
    const double w50 = match_quantile(white, 3000, 0.5), s50 = match_quantile(smooth, 3000, 0.5);
    ck_assert_msg(s50 > w50 + 0.1, "median of smooth noise %g, of white noise %g", s50, w50);
    for (int i = 1; i < 3000; i++) ck_assert(white[i - 1] <= white[i]);
    /* the shifted match never scores lower than the plain one */
    double *plain = malloc(3000 * sizeof *plain);
    ck_assert_int_eq(match_chance_scores(plain, b, 3000, NULL, 0, 4), 0);
    ck_assert(match_quantile(plain, 3000, 0.99) <= match_quantile(white, 3000, 0.99));
    /* the threshold for an average of n random filters falls with n, and stays above the median */
    const double q1 = match_quantile(white, 3000, 0.99), q6 = match_mean_quantile(white, 3000, 6, 0.99, 4000, 1),
                 q24 = match_mean_quantile(white, 3000, 24, 0.99, 4000, 1);
    ck_assert_msg(q1 > q6 && q6 > q24 && q24 > w50, "99%% levels: one %g, mean of 6 %g, of 24 %g; median %g", q1, q6,
                  q24, w50);
    ck_assert(match_mean_quantile(white, 3000, 6, 0.99, 4000, 1) == q6);
    /* bad arguments */
    ck_assert_int_eq(match_noise_filter(f, 17, NULL, &r), -1);
    ck_assert_int_eq(match_power_spectrum(P, w, 1, 0), -1);
    ck_assert_int_eq(match_chance_scores(white, b, 0, NULL, 1, 4), -1);
    ck_assert(isnan(match_mean_quantile(white, 3000, 0, 0.99, 10, 1)));
    free(white), free(smooth), free(plain);
    match_bank_free(b);
}
END_TEST

Suite *match_suite(void)
{
    Suite *s = suite_create("match");
    TCase *tc = tcase_create("score");
    tcase_add_test(tc, cosine_by_hand);
    tcase_add_test(tc, self_negative_scaled);
    tcase_add_test(tc, rotations);
    tcase_add_test(tc, zero_and_constant_filters);
    suite_add_tcase(s, tc);
    TCase *fit = tcase_create("fit");
    tcase_add_test(fit, padding_keeps_the_score);
    tcase_add_test(fit, resizing);
    tcase_add_test(fit, families_and_errors);
    suite_add_tcase(s, fit);
    TCase *sh = tcase_create("shifted");
    tcase_add_test(sh, shifted_sobel);
    tcase_add_test(sh, turned_sobel);
    tcase_add_test(sh, no_match);
    suite_add_tcase(s, sh);
    TCase *ch = tcase_create("chance");
    tcase_set_timeout(ch, 30);
    tcase_add_test(ch, chance_level);
    tcase_add_test(ch, spectrum_noise);
    suite_add_tcase(s, ch);
    return s;
}
