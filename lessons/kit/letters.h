/* letters.h - the seed deck's example for lesson 02: a 3x3 image of the
 * numbers 1..9 and a 3x3 kernel of the letters A..I, with the index rules
 * of cross-correlation and convolution run on the symbols, so the sums
 * they add up can be printed ("1·A + 2·B + ...") and drawn. Lessons only
 * (pairing_grid stops the program when memory runs out). */
#ifndef CN_KIT_LETTERS_H
#define CN_KIT_LETTERS_H

#include <stddef.h>

#include "core/image.h"

/* One product of the sum: image pixel number (1..9) times kernel letter (0 = A .. 8 = I). */
typedef struct {
    int pixel, letter;
} Term;

/* The products that correlate2d (flip 0) or convolve2d (flip 1) add up for
 * output (i, j) with `pad` zeros before the input, into t (room for 9);
 * returns how many (taps on the padding are left out). */
int symbolic(Term *t, int flip, int i, int j, int pad);
/* "1·A + 2·B + ..." into buf. */
void terms_text(char *buf, size_t size, const Term *t, int n);
/* The same sum with numbers: pixel p is worth p, letter L is worth k[L]. */
double terms_value(const Term *t, int n, const float *k);
/* A 3x3 grid picture (RGB): in each cell the pixel number and, in yellow,
 * the kernel letter it is multiplied by; cell x cell pixels a square. */
CnImage *pairing_grid(const Term *t, int n, int cell);

#endif
