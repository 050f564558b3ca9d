/* die.c - stopping a program with a message (core/die.h). */
#include "core/die.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void cn_die_at(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    fprintf(stderr, "%s:%d: error: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}
