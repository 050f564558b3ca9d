/* goals.c - goals and checks (goals.h). */
#include "lessons/kit/goals.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static int explored, missed;

void lesson_explore(int e) { explored = e != 0; }
int lesson_explored(void) { return explored; }
int lesson_goals_missed(void) { return missed; }

int lesson_goal(Notebook *nb, int ok, const char *fmt, ...)
{
    ok = ok != 0;
    char text[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (ok || !explored) return nb_check(nb, ok, "%s", text);
    missed++;
    nb_para(nb, "- ◦ not reached with these settings: %s", text);
    return 0;
}
