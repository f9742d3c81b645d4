/* transpose.h: transposes for the eigensolver, in 4 x 4 tiles of SSE2
 * registers: 4 (float) or 8 (double) vector stores where an element at a time
 * takes 16 strided stores. */
#ifndef FASTLA_EIGEN_TRANSPOSE_H
#define FASTLA_EIGEN_TRANSPOSE_H

#include <stddef.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#include <xmmintrin.h>
#endif

/* out[j * lo + i] = in[i * li + j] for a 4 x 4 tile */
static inline void transpose4_f32(const float *in, ptrdiff_t li, float *out, ptrdiff_t lo)
{
#if defined(__SSE2__)
    __m128 r0 = _mm_loadu_ps(in), r1 = _mm_loadu_ps(in + li), r2 = _mm_loadu_ps(in + 2 * li),
           r3 = _mm_loadu_ps(in + 3 * li);
    _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
    _mm_storeu_ps(out, r0), _mm_storeu_ps(out + lo, r1), _mm_storeu_ps(out + 2 * lo, r2),
        _mm_storeu_ps(out + 3 * lo, r3);
#else
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) out[j * lo + i] = in[i * li + j];
#endif
}

static inline void transpose4_f64(const double *in, ptrdiff_t li, double *out, ptrdiff_t lo)
{
#if defined(__SSE2__)
    for (int a = 0; a < 4; a += 2)
        for (int b = 0; b < 4; b += 2) { /* 2 x 2 tiles */
            const __m128d x = _mm_loadu_pd(in + a * li + b), y = _mm_loadu_pd(in + (a + 1) * li + b);
            _mm_storeu_pd(out + b * lo + a, _mm_unpacklo_pd(x, y));
            _mm_storeu_pd(out + (b + 1) * lo + a, _mm_unpackhi_pd(x, y));
        }
#else
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) out[j * lo + i] = in[i * li + j];
#endif
}

/* out[j * lo + i] = in[i * li + j] for i < rows, j < cols: 4 x 4 tiles, and the
 * rows and columns short of a tile one entry at a time */
#define FL_TRANSPOSE_BLOCK(T, sfx)                                                                   \
    static inline void transpose_block_##sfx(ptrdiff_t rows, ptrdiff_t cols, const T *in, ptrdiff_t li, \
                                             T *out, ptrdiff_t lo)                                   \
    {                                                                                                \
        const ptrdiff_t r4 = rows & ~(ptrdiff_t)3, c4 = cols & ~(ptrdiff_t)3;                        \
        for (ptrdiff_t i = 0; i < r4; i += 4) {                                                      \
            for (ptrdiff_t j = 0; j < c4; j += 4) transpose4_##sfx(in + i * li + j, li, out + j * lo + i, lo); \
            for (ptrdiff_t j = c4; j < cols; j++)                                                    \
                for (ptrdiff_t a = i; a < i + 4; a++) out[j * lo + a] = in[a * li + j];              \
        }                                                                                            \
        for (ptrdiff_t i = r4; i < rows; i++)                                                        \
            for (ptrdiff_t j = 0; j < cols; j++) out[j * lo + i] = in[i * li + j];                   \
    }
FL_TRANSPOSE_BLOCK(float, f32)
FL_TRANSPOSE_BLOCK(double, f64)
#undef FL_TRANSPOSE_BLOCK

/* out (n x n) = in^T, in blocks of 32 so both sides stay in cache */
static inline void transpose_f64(ptrdiff_t n, const double *in, double *out)
{
    for (ptrdiff_t i0 = 0; i0 < n; i0 += 32)
        for (ptrdiff_t j0 = 0; j0 < n; j0 += 32)
            transpose_block_f64(n - i0 < 32 ? n - i0 : 32, n - j0 < 32 ? n - j0 : 32, in + i0 * n + j0, n,
                                out + j0 * n + i0, n);
}

#endif
