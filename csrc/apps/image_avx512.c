/* image_avx512.c: the AVX-512BW row kernels of image.c (see image_kernels.h),
 * from image_rows_tmpl.h with 512-bit vectors: four 128-bit lanes. The 16-bit
 * and byte instructions need AVX-512BW, enabled per function; image.c calls
 * these only where the CPU has it. */
#include "image_kernels.h"

#if defined(__AVX512F__)
#include <immintrin.h>

#if defined(_MSC_VER) && !defined(__clang__)
#define IV_FN
#else
#define IV_FN __attribute__((target("avx512f,avx512bw")))
#endif

typedef __m512i iv;
#define IV_LANES 4
#define IV_NAME(op) fl_image_##op##_avx512
#define IV_LOADU(p) _mm512_loadu_si512((const void *)(p))
#define IV_STOREU(p, v) _mm512_storeu_si512((void *)(p), v)
#define IV_ZERO() _mm512_setzero_si512()
#define IV_SET1_32(x) _mm512_set1_epi32(x)
#define IV_SET1_16(x) _mm512_set1_epi16(x)
#define IV_OR(a, b) _mm512_or_si512(a, b)
#define IV_AND(a, b) _mm512_and_si512(a, b)
#define IV_ADD32(a, b) _mm512_add_epi32(a, b)
#define IV_MADD16(a, b) _mm512_madd_epi16(a, b)
#define IV_SHUFFLE8(a, m) _mm512_shuffle_epi8(a, m)
#define IV_UNPACKLO8(a, b) _mm512_unpacklo_epi8(a, b)
#define IV_UNPACKHI8(a, b) _mm512_unpackhi_epi8(a, b)
#define IV_UNPACKLO16(a, b) _mm512_unpacklo_epi16(a, b)
#define IV_UNPACKHI16(a, b) _mm512_unpackhi_epi16(a, b)
#define IV_PACKS32(a, b) _mm512_packs_epi32(a, b)
#define IV_PACKUS16(a, b) _mm512_packus_epi16(a, b)
#define IV_SRAI32(a, n) _mm512_srai_epi32(a, n)
#define IV_SRA32(a, sh) _mm512_sra_epi32(a, sh)

/* lane k from p + k*stride, and back */
IV_FN static inline iv IV_LOAD_LANES(const uint8_t *p, ptrdiff_t stride)
{
    __m512i v = _mm512_castsi128_si512(_mm_loadu_si128((const __m128i *)p));
    v = _mm512_inserti32x4(v, _mm_loadu_si128((const __m128i *)(p + stride)), 1);
    v = _mm512_inserti32x4(v, _mm_loadu_si128((const __m128i *)(p + 2 * stride)), 2);
    return _mm512_inserti32x4(v, _mm_loadu_si128((const __m128i *)(p + 3 * stride)), 3);
}
IV_FN static inline void IV_STORE_LANES(uint8_t *p, ptrdiff_t stride, iv v)
{
    _mm_storeu_si128((__m128i *)p, _mm512_castsi512_si128(v));
    _mm_storeu_si128((__m128i *)(p + stride), _mm512_extracti32x4_epi32(v, 1));
    _mm_storeu_si128((__m128i *)(p + 2 * stride), _mm512_extracti32x4_epi32(v, 2));
    _mm_storeu_si128((__m128i *)(p + 3 * stride), _mm512_extracti32x4_epi32(v, 3));
}
/* 2 x 32 int16 outputs in order -> 64 bytes in order */
IV_FN static inline void IV_STORE_U8(uint8_t *out, iv v0, iv v1)
{
    __m512i b = _mm512_packus_epi16(v0, v1); /* lane k: v0's 8k.. then v1's 8k.. */
    _mm512_storeu_si512((void *)out, _mm512_permutexvar_epi64(_mm512_setr_epi64(0, 2, 4, 6, 1, 3, 5, 7), b));
}

#include "image_rows_tmpl.h"

#else /* not built for x86: never selected by image.c */
typedef int fl_image_avx512_empty;
#endif
