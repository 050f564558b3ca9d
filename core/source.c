/* source.c - find a C function's definition in source text; see source.h. */
#include "core/source.h"

#include <stdlib.h>
#include <string.h>

#include "core/error.h"

enum { K_CODE, K_COMMENT, K_OTHER }; /* K_OTHER: a literal or a preprocessor line */

static int is_ident(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* kind[i] for every byte of text[0, n): code, comment, or neither. */
static void classify(const char *t, size_t n, unsigned char *kind)
{
    size_t i = 0;
    int line_start = 1;
    while (i < n) {
        char c = t[i];
        if (c == '/' && i + 1 < n && t[i + 1] == '*') {
            size_t j = i + 2;
            while (j + 1 < n && !(t[j] == '*' && t[j + 1] == '/')) j++;
            j = j + 1 < n ? j + 2 : n;
            memset(kind + i, K_COMMENT, j - i);
            i = j;
        } else if (c == '/' && i + 1 < n && t[i + 1] == '/') {
            size_t j = i;
            while (j < n && t[j] != '\n') j++;
            memset(kind + i, K_COMMENT, j - i);
            i = j;
        } else if (c == '"' || c == '\'') {
            size_t j = i + 1;
            while (j < n && t[j] != c && t[j] != '\n') j += t[j] == '\\' && j + 1 < n ? 2 : 1;
            j = j < n ? j + 1 : n;
            memset(kind + i, K_OTHER, j - i);
            i = j;
        } else if (c == '#' && line_start) {
            /* a directive, with its backslash-continued lines */
            size_t j = i;
            while (j < n && !(t[j] == '\n' && t[j - 1] != '\\')) j++;
            memset(kind + i, K_OTHER, j - i);
            i = j;
        } else {
            kind[i] = K_CODE;
            if (c == '\n') line_start = 1;
            else if (c != ' ' && c != '\t') line_start = 0;
            i++;
            continue;
        }
        line_start = 0;
    }
}

/* The position just after the bracket that closes the one at `open`
 * (code bytes only), or 0 when it is never closed. */
static size_t close_of(const char *t, const unsigned char *kind, size_t n, size_t open)
{
    char o = t[open], c = o == '(' ? ')' : '}';
    int depth = 0;
    for (size_t i = open; i < n; i++) {
        if (kind[i] != K_CODE) continue;
        if (t[i] == o) depth++;
        else if (t[i] == c && --depth == 0) return i + 1;
    }
    return 0;
}

static size_t line_begin(const char *t, size_t i)
{
    while (i > 0 && t[i - 1] != '\n') i--;
    return i;
}

/* The line [b, e) holds only comment (and blanks): 1; only code with the
 * last non-blank an identifier character or '*' (a return type on a line
 * of its own): 2; anything else: 0. */
static int line_class(const char *t, const unsigned char *kind, size_t b, size_t e)
{
    int comment = 0, code = 0;
    char last = 0;
    for (size_t i = b; i < e; i++) {
        if (t[i] == ' ' || t[i] == '\t' || t[i] == '\r') continue;
        if (kind[i] == K_COMMENT) comment = 1;
        else if (kind[i] == K_CODE) code = 1, last = t[i];
        else return 0;
    }
    if (comment && !code) return 1;
    if (code && !comment && (is_ident(last) || last == '*')) return 2;
    return 0;
}

static int line_of(const char *t, size_t pos)
{
    int line = 1;
    for (size_t i = 0; i < pos; i++) line += t[i] == '\n';
    return line;
}

int source_find_function(const char *text, const char *name, SourceSpan *span)
{
    if (!text || !name || !span || !name[0]) return cn_fail("source_find_function: needs text, a name and a span");
    for (const char *p = name; *p; p++)
        if (!is_ident(*p) || (p == name && *p >= '0' && *p <= '9'))
            return cn_fail("source_find_function: \"%s\" is not a C identifier", name);
    size_t n = strlen(text), len = strlen(name);
    unsigned char *kind = malloc(n ? n : 1);
    if (!kind) return cn_fail("source_find_function: out of memory for %zu bytes of source", n);
    classify(text, n, kind);

    int depth = 0;
    size_t found = 0, end = 0;
    for (size_t i = 0; i < n && !end; i++) {
        if (kind[i] != K_CODE) continue;
        char c = text[i];
        if (c == '{') depth++;
        else if (c == '}') depth -= depth > 0;
        if (depth != 0 || c != name[0] || (i > 0 && kind[i - 1] == K_CODE && is_ident(text[i - 1])) ||
            i + len > n || memcmp(text + i, name, len) != 0 || is_ident(text[i + len]))
            continue;
        size_t j = i + len;
        while (j < n && kind[j] == K_CODE && strchr(" \t\r\n", text[j])) j++;
        if (j >= n || kind[j] != K_CODE || text[j] != '(') continue;
        size_t k = close_of(text, kind, n, j);
        if (!k) continue;
        while (k < n && (kind[k] == K_COMMENT || strchr(" \t\r\n", text[k]))) k++;
        if (k >= n || kind[k] != K_CODE || text[k] != '{') continue;
        found = i;
        end = close_of(text, kind, n, k);
        if (!end) {
            free(kind);
            return cn_fail("source_find_function: the body of %s() is never closed", name);
        }
    }
    if (!end) {
        free(kind);
        return cn_fail("source_find_function: no definition of %s() in the text", name);
    }

    /* Up over a return type on its own line, then over the comment block. */
    size_t begin = line_begin(text, found);
    if (begin > 0) {
        size_t pb = line_begin(text, begin - 1);
        if (line_class(text, kind, pb, begin - 1) == 2) begin = pb;
    }
    while (begin > 0) {
        size_t pb = line_begin(text, begin - 1);
        if (line_class(text, kind, pb, begin - 1) != 1) break;
        begin = pb;
    }
    while (end < n && text[end] != '\n') end++;
    free(kind);

    span->begin = begin;
    span->end = end;
    span->first_line = line_of(text, begin);
    span->def_line = line_of(text, found);
    span->last_line = line_of(text, end > begin ? end - 1 : end);
    return 0;
}
