/* ladder.h: the GEMM ladder's shared signature. Each step computes
 * C (m x n) = A (m x k) . B (k x n) for row-major operands with leading
 * dimensions lda, ldb, ldc (float64), and returns an fl_status. */
#ifndef FASTLA_LADDER_H
#define FASTLA_LADDER_H
#include "../internal.h"

#define FL_LADDER_ARGS                                                                       \
    ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const double *A, ptrdiff_t lda, const double *B, \
        ptrdiff_t ldb, double *C, ptrdiff_t ldc

int fl_ladder_01_naive(FL_LADDER_ARGS);
int fl_ladder_02_loop_order(FL_LADDER_ARGS);
int fl_ladder_03_blocking(FL_LADDER_ARGS);
int fl_ladder_04_packing(FL_LADDER_ARGS);
int fl_ladder_05_register_tile(FL_LADDER_ARGS);
int fl_ladder_06_simd_avx2(FL_LADDER_ARGS);
int fl_ladder_07_kernel(FL_LADDER_ARGS);
int fl_ladder_08_threads(FL_LADDER_ARGS);

/* Step 3's cache blocks, reused by the steps after it */
#define LADDER_MC 64
#define LADDER_KC 256
#define LADDER_NC 512
#endif
