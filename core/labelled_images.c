/* labelled_images.c - see labelled_images.h. */
#include "core/labelled_images.h"

#include <stdlib.h>

void labelled_images_free(LabelledImages *d)
{
    if (!d) return;
    free(d->images);
    free(d->labels);
    free(d);
}
