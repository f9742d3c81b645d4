/* ladder.c: the GEMM ladder's steps in order, by name. */
#include "ladder.h"

#include <string.h>

typedef int (*ladder_fn)(FL_LADDER_ARGS);

static const struct {
    const char *name;
    ladder_fn fn;
    fl_isa needs;
} steps[] = {
    {"naive", fl_ladder_01_naive, FL_ISA_GENERIC},
    {"loop_order", fl_ladder_02_loop_order, FL_ISA_GENERIC},
    {"blocking", fl_ladder_03_blocking, FL_ISA_GENERIC},
    {"packing", fl_ladder_04_packing, FL_ISA_GENERIC},
    {"register_tile", fl_ladder_05_register_tile, FL_ISA_GENERIC},
    {"simd_avx2", fl_ladder_06_simd_avx2, FL_ISA_AVX2},
    {"kernel", fl_ladder_07_kernel, FL_ISA_GENERIC},
    {"threads", fl_ladder_08_threads, FL_ISA_GENERIC},
};

int fl_ladder_count(void) { return (int)(sizeof steps / sizeof steps[0]); }

const char *fl_ladder_name(int step)
{
    return step >= 0 && step < fl_ladder_count() ? steps[step].name : NULL;
}

int fl_ladder_usable(int step)
{
    return step >= 0 && step < fl_ladder_count() && fl_isa_usable(steps[step].needs);
}

int fl_ladder_run(int step, FL_LADDER_ARGS)
{
    if (!fl_ladder_usable(step) || m < 0 || n < 0 || k < 0) return FL_EINVAL;
    return steps[step].fn(m, n, k, A, lda, B, ldb, C, ldc);
}
