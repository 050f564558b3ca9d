/* speed_narrow.c - step 4 of speed_steps.h: the blocked loops of
 * speed_block.h built for the compiler's baseline instruction set (the
 * Makefile says so; on x86-64, SSE2: 4 floats a register). */
#include "lessons/kit/speed_block.h"

void step_blocked(float *out, const float *inp, const float *weight, const float *bias, const StepGeom *g)
{
    block_forward(out, inp, weight, bias, g);
}

int step_blocked_floats(void) { return BLOCK_FLOATS; }
