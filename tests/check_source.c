/* check_source.c - source_find_function (core/source.h) finds a function's
 * definition, with the comment above it, and nothing else: not a
 * prototype, not a call, not the name inside a string or a comment. */
#include <check.h>
#include <string.h>

#include "core/error.h"
#include "core/source.h"

/* The span's text, for messages and comparisons. */
static char span_text[2048];
static const char *text_of(const char *src, const SourceSpan *s)
{
    size_t n = s->end - s->begin;
    if (n >= sizeof span_text) n = sizeof span_text - 1;
    memcpy(span_text, src + s->begin, n);
    span_text[n] = '\0';
    return span_text;
}

static const char *tricky =
    "#include <stdio.h>\n"                                   /* 1 */
    "#define CALL(x) { target(x); }\n"                        /* 2 */
    "int target(int a);\n"                                    /* 3  a prototype */
    "static const char *s = \"target(1) { }\";\n"            /* 4  a string */
    "/* target(2) { } in a comment */\n"                      /* 5 */
    "int caller(void)\n"                                      /* 6 */
    "{\n"                                                     /* 7 */
    "    return target(3) + '}';\n"                           /* 8  a call, a brace literal */
    "}\n"                                                     /* 9 */
    "\n"                                                      /* 10 */
    "/* What target computes:\n"                              /* 11 */
    " * a + 1, with a { in the comment. */\n"                 /* 12 */
    "// and a line comment\n"                                 /* 13 */
    "static int\n"                                            /* 14 a return type alone */
    "target(int a)\n"                                         /* 15 */
    "{\n"                                                     /* 16 */
    "    if (a) { return a + 1; }\n"                          /* 17 */
    "    return \"}\"[0];\n"                                  /* 18 */
    "}\n"                                                     /* 19 */
    "int after(void) { return 0; }\n";                        /* 20 */

START_TEST(finds_the_definition)
{
    SourceSpan s;
    ck_assert_msg(source_find_function(tricky, "target", &s) == 0, "%s", cn_last_error());
    ck_assert_int_eq(s.first_line, 11);
    ck_assert_int_eq(s.def_line, 15);
    ck_assert_int_eq(s.last_line, 19);
    const char *t = text_of(tricky, &s);
    ck_assert_msg(!strncmp(t, "/* What target computes:", 24), "starts: %s", t);
    ck_assert_msg(t[strlen(t) - 1] == '}', "ends: %s", t);   /* the line of the brace, without its '\n' */

    ck_assert_int_eq(source_find_function(tricky, "caller", &s), 0);
    ck_assert_int_eq(s.first_line, 5);      /* the comment directly above is taken in */
    ck_assert_int_eq(s.def_line, 6);
    ck_assert_int_eq(s.last_line, 9);
}
END_TEST

START_TEST(one_line_functions_and_names_inside_names)
{
    SourceSpan s;
    ck_assert_int_eq(source_find_function(tricky, "after", &s), 0);
    ck_assert_int_eq(s.first_line, 20);
    ck_assert_int_eq(s.last_line, 20);
    /* "get" is inside "target": not a definition of get */
    ck_assert_int_eq(source_find_function(tricky, "get", &s), -1);
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "no definition of get()"));
}
END_TEST

START_TEST(refuses_what_is_not_there)
{
    SourceSpan s;
    ck_assert_int_eq(source_find_function("int f(void);\nint g(void) { return f(); }\n", "f", &s), -1);
    ck_assert_int_eq(source_find_function("int f(void) {\n  return 1;\n", "f", &s), -1);
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "never closed"));
    ck_assert_int_eq(source_find_function("", "f", &s), -1);
    ck_assert_int_eq(source_find_function("int f(void) { }", "2f", &s), -1);
    ck_assert_ptr_nonnull(strstr(cn_last_error(), "not a C identifier"));
    ck_assert_int_eq(source_find_function(NULL, "f", &s), -1);
    ck_assert_int_eq(source_find_function("x", "", &s), -1);
}
END_TEST

Suite *source_suite(void)
{
    Suite *s = suite_create("source");
    TCase *tc = tcase_create("find");
    tcase_add_test(tc, finds_the_definition);
    tcase_add_test(tc, one_line_functions_and_names_inside_names);
    tcase_add_test(tc, refuses_what_is_not_there);
    suite_add_tcase(s, tc);
    return s;
}
