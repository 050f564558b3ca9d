/* bars.h - the lesson kit's pictures of bars, a task a tiny convolutional
 * network learns in seconds: side x side pictures of noise N(0, 0.3^2) on a
 * background of 0 with one bar, horizontal (label 0) or vertical (label 1),
 * 2..5 pixels thick and 8..14 long at a random place, brighter (+1) or
 * darker (-1) than the background at random: a template of a bright bar
 * would miss half of them, an edge detector fires on one side of every bar.
 * Everything is drawn from the seeded generator of core/rng.h. Lessons only
 * (it stops the program when memory runs out). */
#ifndef CN_KIT_BARS_H
#define CN_KIT_BARS_H

#include <stdint.h>

/* A training and a test set: (n, 1, side, side) floats and their labels. */
typedef struct {
    int side, ntrain, ntest;
    float *xtr, *xte;
    unsigned char *ytr, *yte;
} Bars;

/* n pictures (n, 1, side, side) into x, labels alternating 0, 1, 0, ...
 * into y; side >= 14. */
void bars_make(float *x, unsigned char *y, int n, int side, uint64_t seed);

/* Allocates and fills d's two sets (d->side, d->ntrain and d->ntest set),
 * each from its own seed. */
void bars_fill(Bars *d, uint64_t train_seed, uint64_t test_seed);
void bars_free(Bars *d);

/* How far the bar of one picture (side x side) lies from the picture's
 * centre: the larger of |dy| and |dx| of its middle, found as the middle of
 * the pixels whose 3x3 mean is beyond +-0.5 (the noise averages to about
 * 0.1 there, the bar to about 1). side when no bar is found. */
double bars_offcentre(const float *img, int side);

/* The index of d's first test picture with this label whose bar lies within
 * `within` pixels of the centre (bars_offcentre), else the first with this
 * label (stops the program when there is none). */
int bars_first_near_centre(const Bars *d, int label, double within);

#endif
