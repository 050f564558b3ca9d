/* mine.c - the adapter between core/conv_layer.c and the learner's
 * convolution layer (mine.h). */
#include "lessons/kit/mine.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/conv_layer.h"
#include "core/die.h"
#include "lessons/lesson.h"
#include "lessons/kit/exercise_list.h"

static const MineConv *mine;
static atomic_long calls_mine, calls_reference;
static char name[320];

/* Can the learner's functions compute this call? */
static int fits(const Conv2dGeom *g)
{
    return g->op == CONV_OP_CORRELATE && g->KH == g->KW && g->sh == g->sw && g->pt == g->pl &&
           g->OH == (g->H + 2 * g->pt - g->KH) / g->sh + 1 && g->OW == (g->W + 2 * g->pl - g->KW) / g->sw + 1;
}

/* A blank exercise in a lesson is a mistake of the command, not of the
 * loops: stop with what to do. */
static void not_blank(const char *id)
{
    if (exercise_blank_seen())
        CN_DIE("exercise %s is not written yet (it calls exercise_not_written()): write it, check it with "
               "make exercise N=%s, then run with --mine again", id, id);
}

static void mine_forward(float *out, const float *inp, const float *weight, const float *bias,
                         const unsigned char *table, const Conv2dGeom *g)
{
    (void)table; /* removed weights are 0: they add nothing */
    if (!fits(g) || !bias) {
        atomic_fetch_add(&calls_reference, 1);
        conv2d_forward_naive(out, inp, weight, bias, table, g);
        return;
    }
    atomic_fetch_add(&calls_mine, 1);
    const int G = g->groups, Cg = g->C / G, OCg = g->OC / G;
    const size_t pin = (size_t)g->H * g->W, pout = (size_t)g->OH * g->OW, ksz = (size_t)g->KH * g->KW;
    exercise_blank_clear();
    if (G == 1)
        mine->forward(out, inp, weight, bias, g->B, g->C, g->H, g->W, g->OC, g->KH, g->sh, g->pt);
    else
        for (int n = 0; n < g->B; n++)
            for (int k = 0; k < G; k++)
                mine->forward(out + ((size_t)n * g->OC + (size_t)k * OCg) * pout,
                              inp + ((size_t)n * g->C + (size_t)k * Cg) * pin, weight + (size_t)k * OCg * Cg * ksz,
                              bias + (size_t)k * OCg, 1, Cg, g->H, g->W, OCg, g->KH, g->sh, g->pt);
    not_blank("06c");
}

static void mine_backward(float *dinp, float *dweight, float *dbias, const float *dout, const float *inp,
                          const float *weight, const unsigned char *table, const Conv2dGeom *g)
{
    if (!fits(g)) {
        atomic_fetch_add(&calls_reference, 1);
        conv2d_backward_naive(dinp, dweight, dbias, dout, inp, weight, table, g);
        return;
    }
    atomic_fetch_add(&calls_mine, 1);
    const int G = g->groups, Cg = g->C / G, OCg = g->OC / G;
    const size_t pin = (size_t)g->H * g->W, pout = (size_t)g->OH * g->OW, ksz = (size_t)g->KH * g->KW;
    /* the learner's backward fills all three gradients: room for those the
     * layer does not want (the first layer's dx) */
    float *sx = dinp ? NULL : xcalloc((size_t)g->B * g->C * pin, sizeof(float));
    float *sw = dweight ? NULL : xcalloc((size_t)g->OC * Cg * ksz, sizeof(float));
    float *sb = dbias ? NULL : xcalloc((size_t)g->OC, sizeof(float));
    float *dx = dinp ? dinp : sx, *dw = dweight ? dweight : sw, *db = dbias ? dbias : sb;
    exercise_blank_clear();
    if (G == 1)
        mine->backward(dx, dw, db, dout, inp, weight, g->B, g->C, g->H, g->W, g->OC, g->KH, g->sh, g->pt);
    else
        for (int n = 0; n < g->B; n++)
            for (int k = 0; k < G; k++)
                mine->backward(dx + ((size_t)n * g->C + (size_t)k * Cg) * pin, dw + (size_t)k * OCg * Cg * ksz,
                               db + (size_t)k * OCg, dout + ((size_t)n * g->OC + (size_t)k * OCg) * pout,
                               inp + ((size_t)n * g->C + (size_t)k * Cg) * pin, weight + (size_t)k * OCg * Cg * ksz,
                               1, Cg, g->H, g->W, OCg, g->KH, g->sh, g->pt);
    not_blank("07a");
    /* removed pairs of a connection table: their weights stay 0, so their
     * gradient must too (the reference loops never touch it) */
    if (table)
        for (int o = 0; o < g->OC; o++)
            for (int j = 0; j < Cg; j++)
                if (!table[(size_t)o * Cg + j]) memset(dw + ((size_t)o * Cg + j) * ksz, 0, ksz * sizeof(float));
    free(sx);
    free(sw);
    free(sb);
}

static ConvCustomLoops loops = { name, mine_forward, mine_backward };

void mine_register(const MineConv *m)
{
    mine = m;
    if (!m) {
        conv_set_custom_loops(NULL);
        return;
    }
    snprintf(name, sizeof name, "yours (%s)", m->where);
    conv_set_custom_loops(&loops);
}

void mine_calls(long *m, long *reference)
{
    *m = atomic_load(&calls_mine);
    *reference = atomic_load(&calls_reference);
}
