/* fuzz_idx.c - libFuzzer target for the IDX reader (`make fuzz`).
 *
 * Every input is handed to idx_parse as a whole file. The reader must never
 * crash, read outside the input, or leak, whatever the bytes; when it accepts
 * an input, the result must describe exactly that input.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "datasets/idx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Idx x;
    if (idx_parse(&x, data, size, "fuzz-input") == 0) {
        /* Accepted: header + count * elem_size bytes must be the whole input. */
        size_t header = 4 + 4 * (size_t)x.rank;
        if (x.rank < 1 || x.rank > IDX_MAX_RANK || x.count == 0 || !x.data ||
            header + x.count * x.elem_size != size)
            abort();
        /* Read every byte (ASan checks the allocation covers it). */
        unsigned sum = 0;
        for (size_t i = 0; i < x.count * x.elem_size; i++) sum += x.data[i];
        if (x.elem_size == 1 && size > header && x.data[0] != data[header]) abort();
        (void)sum;
        idx_free(&x);
    }
    return 0;
}
