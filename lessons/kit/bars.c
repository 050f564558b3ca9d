/* bars.c - the lesson kit's pictures of bars (bars.h). */
#include "lessons/kit/bars.h"

#include <stdlib.h>

#include "core/die.h"
#include "core/rng.h"
#include "lessons/lesson.h"

/* One side x side picture of a bar (bars.h). */
static void make_bar(float *img, int side, int label, Rng *r)
{
    int thick = 2 + (int)rng_below(r, 4), len = 8 + (int)rng_below(r, 7);
    int along = (int)rng_below(r, (uint32_t)(side - len + 1)), across = (int)rng_below(r, (uint32_t)(side - thick + 1));
    float sign = rng_below(r, 2) ? 1.0f : -1.0f;
    for (int i = 0; i < side * side; i++) img[i] = 0.3f * rng_normal(r);
    for (int a = along; a < along + len; a++)
        for (int c = across; c < across + thick; c++) {
            int yy = label == 0 ? c : a, xx = label == 0 ? a : c;
            img[yy * side + xx] += sign;
        }
}

void bars_make(float *x, unsigned char *y, int n, int side, uint64_t seed)
{
    Rng r;
    rng_seed(&r, seed, 6);
    for (int i = 0; i < n; i++) {
        y[i] = (unsigned char)(i % 2);
        make_bar(x + (size_t)i * side * side, side, y[i], &r);
    }
}

void bars_fill(Bars *d, uint64_t train_seed, uint64_t test_seed)
{
    const size_t plane = (size_t)d->side * (size_t)d->side;
    d->xtr = xcalloc((size_t)d->ntrain * plane, sizeof(float));
    d->xte = xcalloc((size_t)d->ntest * plane, sizeof(float));
    d->ytr = xcalloc((size_t)d->ntrain, 1);
    d->yte = xcalloc((size_t)d->ntest, 1);
    bars_make(d->xtr, d->ytr, d->ntrain, d->side, train_seed);
    bars_make(d->xte, d->yte, d->ntest, d->side, test_seed);
}

void bars_free(Bars *d)
{
    free(d->xtr);
    free(d->xte);
    free(d->ytr);
    free(d->yte);
}

double bars_offcentre(const float *img, int side)
{
    /* a 3x3 mean lowers the noise to 0.1 and keeps the bar's inside near +-1 */
    double sy = 0.0, sx = 0.0, n = 0.0;
    for (int y = 1; y < side - 1; y++)
        for (int x = 1; x < side - 1; x++) {
            double m = 0.0;
            for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++) m += img[(y + dy) * side + x + dx];
            if (m / 9.0 > 0.5 || m / 9.0 < -0.5) sy += y, sx += x, n += 1.0;
        }
    if (n == 0.0) return side;   /* no bar found: as far off as can be */
    const double c = (side - 1) / 2.0, dy = sy / n - c, dx = sx / n - c;
    return dy > dx ? (dy > -dx ? dy : -dx) : (dx > -dy ? dx : -dy);
}

int bars_first_near_centre(const Bars *d, int label, double within)
{
    const size_t plane = (size_t)d->side * (size_t)d->side;
    for (int i = 0; i < d->ntest; i++)
        if (d->yte[i] == label && bars_offcentre(d->xte + (size_t)i * plane, d->side) <= within) return i;
    for (int i = 0; i < d->ntest; i++)   /* none so near: the first of its kind */
        if (d->yte[i] == label) return i;
    CN_DIE("the test set holds no bar of label %d", label);
    return -1;
}
