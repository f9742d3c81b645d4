/* Step 6, SIMD: step 5's tile written with AVX2 intrinsics. A 6 x 8 tile of C
 * lives in 12 ymm registers (4 doubles each); each k step loads two vectors of
 * B, broadcasts six values of A, and issues 12 fused multiply-adds: 48 flops
 * per 8 loads, with every arithmetic instruction doing 4 lanes at once. This
 * file alone is compiled with -mavx2 -mfma and runs only where the CPU has them. */
#include "ladder_pack.h"

#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__) || defined(_M_IX86)
#include <immintrin.h>

#define MR 6
#define NR 8

static void tile_6x8(ptrdiff_t kc, const double *a, const double *b, double *tile)
{
    __m256d c[MR][2];
    for (int i = 0; i < MR; i++) c[i][0] = c[i][1] = _mm256_setzero_pd();
    for (ptrdiff_t l = 0; l < kc; l++) {
        __m256d b0 = _mm256_loadu_pd(b), b1 = _mm256_loadu_pd(b + 4);
        for (int i = 0; i < MR; i++) {
            __m256d ai = _mm256_broadcast_sd(a + i);
            c[i][0] = _mm256_fmadd_pd(ai, b0, c[i][0]);
            c[i][1] = _mm256_fmadd_pd(ai, b1, c[i][1]);
        }
        a += MR;
        b += NR;
    }
    for (int i = 0; i < MR; i++) {
        _mm256_storeu_pd(tile + i * NR, c[i][0]);
        _mm256_storeu_pd(tile + i * NR + 4, c[i][1]);
    }
}

int fl_ladder_06_simd_avx2(FL_LADDER_ARGS)
{
    return ladder_blocked(m, n, k, A, lda, B, ldb, C, ldc, MR, NR, tile_6x8);
}
#else
int fl_ladder_06_simd_avx2(FL_LADDER_ARGS)
{
    (void)m, (void)n, (void)k, (void)A, (void)lda, (void)B, (void)ldb, (void)C, (void)ldc;
    return FL_EINVAL;
}
#endif
