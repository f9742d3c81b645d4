/* image_avx2.c: the AVX2 row kernels of image.c (see image_kernels.h), from
 * image_rows_tmpl.h with 256-bit vectors: two 128-bit lanes. */
#include "image_kernels.h"

#if defined(__AVX2__)
#include <immintrin.h>

typedef __m256i iv;
#define IV_LANES 2
#define IV_FN
#define IV_NAME(op) fl_image_##op##_avx2
#define IV_LOADU(p) _mm256_loadu_si256((const __m256i *)(const void *)(p))
#define IV_STOREU(p, v) _mm256_storeu_si256((__m256i *)(void *)(p), v)
#define IV_ZERO() _mm256_setzero_si256()
#define IV_SET1_32(x) _mm256_set1_epi32(x)
#define IV_SET1_16(x) _mm256_set1_epi16(x)
#define IV_OR(a, b) _mm256_or_si256(a, b)
#define IV_AND(a, b) _mm256_and_si256(a, b)
#define IV_ADD32(a, b) _mm256_add_epi32(a, b)
#define IV_MADD16(a, b) _mm256_madd_epi16(a, b)
#define IV_SHUFFLE8(a, m) _mm256_shuffle_epi8(a, m)
#define IV_UNPACKLO8(a, b) _mm256_unpacklo_epi8(a, b)
#define IV_UNPACKHI8(a, b) _mm256_unpackhi_epi8(a, b)
#define IV_UNPACKLO16(a, b) _mm256_unpacklo_epi16(a, b)
#define IV_UNPACKHI16(a, b) _mm256_unpackhi_epi16(a, b)
#define IV_PACKS32(a, b) _mm256_packs_epi32(a, b)
#define IV_PACKUS16(a, b) _mm256_packus_epi16(a, b)
#define IV_SRAI32(a, n) _mm256_srai_epi32(a, n)
#define IV_SRA32(a, sh) _mm256_sra_epi32(a, sh)

/* lane k from p + k*stride, and back */
static inline iv IV_LOAD_LANES(const uint8_t *p, ptrdiff_t stride)
{
    return _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)p)),
                                   _mm_loadu_si128((const __m128i *)(p + stride)), 1);
}
static inline void IV_STORE_LANES(uint8_t *p, ptrdiff_t stride, iv v)
{
    _mm_storeu_si128((__m128i *)p, _mm256_castsi256_si128(v));
    _mm_storeu_si128((__m128i *)(p + stride), _mm256_extracti128_si256(v, 1));
}
/* 2 x 16 int16 outputs in order -> 32 bytes in order */
static inline void IV_STORE_U8(uint8_t *out, iv v0, iv v1)
{
    __m256i b = _mm256_packus_epi16(v0, v1); /* lanes: 0-7 16-23 | 8-15 24-31 */
    _mm256_storeu_si256((__m256i *)out, _mm256_permute4x64_epi64(b, 0xD8));
}

#include "image_rows_tmpl.h"

#else /* not built for x86: never selected by image.c */
typedef int fl_image_avx2_empty;
#endif
