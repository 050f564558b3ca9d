/* fuzz_model.c - libFuzzer target for the model and checkpoint reader
 * (core/model_io.c: net_load and net_checkpoint_load), `make fuzz`.
 *
 * The readers take a path, so every input is written to a temporary file
 * first. Byte 0 of the input chooses:
 *   bit 0   the reader: 0 net_load, 1 net_checkpoint_load;
 *   bit 1   set: the rest is a file without its checksum, and the target
 *           writes the right length into the header and appends the right
 *           FNV-1a checksum. Any mutation of a whole file is refused by the
 *           checksum before a layer is read; with the envelope repaired,
 *           the fuzzer reaches the parsing of the layers, params, settings,
 *           generators and history.
 * The rest of the input is the file.
 *
 * The network is a small one with every kind of record a checkpoint holds
 * (conv, relu, dropout with its generator, dense). With FUZZ_WRITE_SEEDS=DIR
 * in the environment the target writes a valid model and checkpoint of it
 * into DIR, in both forms, and exits: `make fuzz` seeds the fuzzer from
 * them, so the seeds always follow the current file format.
 *
 * The readers must never crash, read outside the file or leak, whatever the
 * bytes; a network they accept must run forward.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/activation.h"
#include "core/conv_layer.h"
#include "core/dense.h"
#include "core/dropout.h"
#include "core/error.h"
#include "core/model_io.h"
#include "core/net.h"
#include "core/optim.h"
#include "core/rng.h"
#include "tests/fuzz/fuzz_file.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static Net *net;
static Sgd *opt;
static TrainConfig cfg;

static Net *build(void)
{
    Net *n = net_create("fuzz-net", (CnShape){ 1, 6, 6 });
    net_add(n, "C1", conv2d_create(2, 3, 3, 1, 1, 1, CONV_OP_CORRELATE));
    net_add(n, "relu", relu_create());
    net_add(n, "drop", dropout_create(0.5f, 7));
    net_add(n, "fc", dense_create(3));
    if (!net_ok(n)) {
        fprintf(stderr, "fuzz_model: %s\n", cn_last_error());
        abort();
    }
    Rng r;
    rng_seed(&r, 1, 0);
    net_init(n, INIT_HE, &r);
    return n;
}

static void put_u64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++) p[i] = (unsigned char)(v >> (8 * i));
}

static unsigned char *read_bytes(const char *p, size_t *n)
{
    FILE *f = fopen(p, "rb");
    unsigned char *b = malloc(1 << 20);
    if (!f || !b) abort();
    *n = fread(b, 1, 1 << 20, f);
    fclose(f);
    return b;
}

/* The seeds: byte 0, then the file (whole, or without its checksum). */
static void write_seeds(const char *dir)
{
    TrainHistory h = { 0 };
    EpochStats s = { 1, 0.5, 0.8, 0.6, 0.75, 0.01, 1.0, 100.0 };
    char file[4200], seed[4200];
    snprintf(file, sizeof file, "%s/file.tmp", dir);
    for (int kind = 0; kind < 2; kind++) {
        if (kind == 0 ? net_save(net, file) : (train_history_push(&h, &s), net_checkpoint_save(file, net, opt, &cfg, &h))) {
            fprintf(stderr, "fuzz_model: %s\n", cn_last_error());
            exit(1);
        }
        size_t n;
        unsigned char *b = read_bytes(file, &n);
        memmove(b + 1, b, n);
        for (int fix = 0; fix < 2; fix++) {
            b[0] = (unsigned char)(kind | fix << 1);
            snprintf(seed, sizeof seed, "%s/%s%s", dir, kind ? "checkpoint" : "model", fix ? "-unsealed" : "");
            fuzz_file_write(seed, b, n + 1 - (fix ? 8 : 0));
        }
        free(b);
    }
    remove(file);
    train_history_free(&h);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    net = build();
    opt = sgd_create(net, 0.9f, 0.0005f);
    cfg = train_defaults();
    if (!opt) abort();
    const char *seeds = getenv("FUZZ_WRITE_SEEDS");
    if (seeds) {
        write_seeds(seeds);
        exit(0);
    }
    fuzz_file_create("fuzz_model");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    const int checkpoint = data[0] & 1, seal = data[0] & 2;
    size_t n = size - 1;
    unsigned char *b = malloc(n + 8);
    if (!b) abort();
    memcpy(b, data + 1, n);
    if (seal) {
        if (n >= 20) put_u64(b + 12, n + 8);
        uint64_t h = 14695981039346656037ULL;   /* FNV-1a 64, as model_io.c */
        for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 1099511628211ULL;
        put_u64(b + n, h);
        n += 8;
    }
    fuzz_file_write(fuzz_path, b, n);
    free(b);
    int rc;
    if (checkpoint) {
        TrainHistory h = { 0 };
        rc = net_checkpoint_load(fuzz_path, net, opt, &cfg, &h);
        train_history_free(&h);
    } else {
        rc = net_load(net, fuzz_path);
    }
    if (rc == 0) {
        float x[36] = { 0 };
        if (!net_forward(net, x, 1)) abort();
    }
    return 0;
}
