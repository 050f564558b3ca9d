/* source.h - find a C function's definition in source text, so a lesson can
 * show the very loop that ran (core/notebook.h, nb_code_from_source).
 *
 *     SourceSpan s;
 *     if (source_find_function(text, "conv2d_window", &s) == 0)
 *         printf("lines %d-%d\n", s.first_line, s.last_line);
 *
 * The scanner knows just enough C for this project's style: comments,
 * string and character literals are skipped, a definition is the name
 * followed by a balanced parameter list and then '{' at brace depth 0
 * (a prototype ends in ';' and a call sits inside a body, so neither
 * matches). The span takes in the comment block directly above the
 * definition (no blank line between), which says what the loop computes,
 * and ends at the closing brace. No preprocessor: a definition inside
 * `#if 0` is found like any other.
 */
#ifndef CN_SOURCE_H
#define CN_SOURCE_H

#include <stddef.h>

typedef struct {
    size_t begin, end;          /* text[begin, end): whole lines, comment included */
    int first_line, last_line;  /* 1-based, inclusive */
    int def_line;               /* the line where the name is defined */
} SourceSpan;

/* Find the definition of function `name` (an identifier) in the
 * NUL-terminated C source `text`. 0 and *span filled, or -1 with a message
 * in cn_last_error() when there is none (or an argument is bad). */
int source_find_function(const char *text, const char *name, SourceSpan *span);

#endif
