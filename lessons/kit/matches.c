/* matches.c - a filter's match to hand-designed kernels, for display (matches.h). */
#include "lessons/kit/matches.h"

#include <stdio.h>
#include <stdlib.h>

#include "lessons/lesson.h"

const char *match_label(char *buf, size_t size, const MatchBank *b, const Match *m)
{
    if (m->entry < 0) {
        snprintf(buf, size, "zero filter");
        return buf;
    }
    const MatchEntry *e = &b->e[m->entry];
    snprintf(buf, size, "%c%s%s%s %.2f", m->sign < 0 ? '-' : '+', e->rotated ? "rot " : "", e->kernel->name,
             e->fit == MATCH_FIT_RESIZE ? " (r)" : "", m->score);
    return buf;
}

void match_signed_entry(float *out, const MatchBank *b, const Match *m)
{
    for (int i = 0; i < b->K * b->K; i++) out[i] = m->entry < 0 ? 0.0f : (float)m->sign * b->e[m->entry].v[i];
}

void sheet_add_match(Sheet *s, const MatchBank *b, const float *w, const Match *m, int scale, const char *prefix)
{
    float *e = xcalloc((size_t)b->K * (size_t)b->K, sizeof *e);
    match_signed_entry(e, b, m);
    char lab[96], sm[48];
    snprintf(lab, sizeof lab, "%s: %s", prefix, match_label(sm, sizeof sm, b, m));
    sheet_add_pair(s, b->K, w, e, scale, lab);
    free(e);
}

double match_mean_best(const MatchBank *b, const float *w, int nf)
{
    double s = 0.0;
    for (int f = 0; f < nf; f++) s += match_best(b, w + (size_t)f * b->K * b->K).score;
    return s / nf;
}
