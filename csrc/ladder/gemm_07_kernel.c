/* Step 7, the real kernel on one thread: fastla's GEMM (csrc/gemm/). Against
 * step 6 it adds the widest registers the CPU has (AVX-512 here: a 14 x 16
 * tile in 28 zmm registers, 448 flops per k step), cache blocks tuned per ISA
 * (KC so a micro-panel of B stays near L1, MC for L2), software prefetch of A
 * and of C's tile, packing straight from any strides, and edge tiles that need
 * no padding of C. */
#include "ladder.h"

int fl_ladder_07_kernel(FL_LADDER_ARGS)
{
    return fl_gemm_f64(m, n, k, A, lda, 1, B, ldb, 1, C, ldc, 1, 1);
}
