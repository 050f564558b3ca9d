/* fuzz_cli.c - libFuzzer target for the command-line parser
 * (lessons/kit/cli.c: cli_parse, cli_parse_args, cli_usage), `make fuzz`.
 *
 * The input is split at its zero bytes into arguments (at most 32), as the
 * shell hands them to a program, and parsed against a table with every kind
 * of flag, with and without room for names; then the usage is printed with
 * the values parsed as defaults. Whatever the arguments, the parser must
 * never crash or read outside them; what it accepts must be consistent: a
 * name is one of the arguments, a string value points into one.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lessons/kit/cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ARGS 32

static int inside(const char *p, const char *buf, size_t n) { return p >= buf && p < buf + n; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* the arguments: the input's bytes, each run ended by a zero byte */
    char *buf = malloc(size + 1);
    if (!buf) abort();
    memcpy(buf, data, size);
    buf[size] = '\0';
    char *argv[MAX_ARGS + 2], *pos[MAX_ARGS + 2];
    int argc = 0;
    argv[argc++] = (char *)"prog";
    for (size_t i = 0; i < size && argc <= MAX_ARGS; i += strlen(buf + i) + 1) argv[argc++] = buf + i;
    argv[argc] = NULL;

    for (int with_names = 0; with_names < 2; with_names++) {
        int quick = 0, epochs = 10;
        float lr = 0.1f;
        const char *image = NULL, *model = "m.cnn";
        const CliOpt opts[] = {
            { "quick", OPT_FLAG, &quick, "a few seconds" },
            { "epochs", OPT_INT, &epochs, "N: epochs" },
            { "lr", OPT_FLOAT, &lr, "X: learning rate" },
            { "image", OPT_STRING, &image, "FILE: a picture" },
            { "model", OPT_STRING, &model, "FILE: a model (default: the one lesson 08 saves)" },
        };
        int npos = 0;
        int r = cli_parse_args(argc, argv, opts, 5, with_names ? pos : NULL, with_names ? &npos : NULL);
        if (r < -1 || r > 1 || npos < 0 || npos > argc - 1) abort();
        for (int i = 0; i < npos; i++)
            if (!inside(pos[i], buf, size + 1)) abort();
        if (image && !inside(image, buf, size + 1)) abort();
        if (quick != 0 && quick != 1) abort();
        if (!(lr == lr)) abort();   /* a value that is not a number is refused */
        static FILE *null;
        if (!null && !(null = fopen("/dev/null", "w"))) abort();
        cli_usage(null, "prog", "about", opts, 5);
    }
    free(buf);
    return 0;
}
