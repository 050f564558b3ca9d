/* fuzz_image.c - libFuzzer target for picture loading (core/image.c's
 * image_load, through stb_image: PNG, JPEG and whatever else it reads),
 * `make fuzz`.
 *
 * image_load takes a path, so every input is written to a temporary file,
 * then loaded as gray and as RGB, the two ways the programs load a picture.
 * Whatever the bytes, it must never crash, read outside its buffers or leak;
 * a picture it accepts must have a sane shape and every value in [0, 1].
 *
 * A JPEG that core/jpeg_guard.h refuses is not handed to image_load: it
 * makes stb_image 2.27 write past a table (see there), which the fuzzer
 * finds within seconds, and it would find nothing else. image_load must
 * refuse such files the same way.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/image.h"
#include "core/jpeg_guard.h"
#include "tests/fuzz/fuzz_file.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    fuzz_file_create("fuzz_image");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (jpeg_guard_check(data, size, "fuzz-input") != 0) return 0;
    fuzz_file_write(fuzz_path, data, size);
    for (int channels = 1; channels <= 3; channels += 2) {
        CnImage *im = image_load(fuzz_path, channels);
        if (!im) continue;
        if (im->c != channels || im->h < 1 || im->w < 1) abort();
        size_t n = (size_t)im->c * (size_t)im->h * (size_t)im->w;
        for (size_t i = 0; i < n; i++)
            if (!(im->data[i] >= 0.0f && im->data[i] <= 1.0f)) abort();
        image_free(im);
    }
    return 0;
}
