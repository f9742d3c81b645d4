/* image_avx2.c: the AVX2 row kernels of image.c (see image_kernels.h).
 *
 * All are integer: uint8 pixels widened to int16, weights in int16 pairs, and
 * one multiply-add of pairs (vpmaddwd) does two taps for eight outputs into
 * int32. The arithmetic is exactly that of the generic loops, so the bytes are
 * the same; only full blocks are done here and the generic loops finish a row. */
#include "image_kernels.h"

#if defined(__AVX2__)
#include <immintrin.h>

/* Lane-local shuffles that split 16 RGB pixels (48 bytes in three vectors)
 * into planes, and the inverse ones; built from the index arithmetic. */
typedef struct {
    __m256i split[3][3]; /* [channel][source vector] */
    __m256i merge[3][3]; /* [output vector][channel] */
} rgb_shuffles;

static void make_shuffles(rgb_shuffles *s)
{
    for (int k = 0; k < 3; k++)
        for (int v = 0; v < 3; v++) {
            int8_t sp[32], mg[32];
            for (int m = 0; m < 16; m++) {
                int t = 3 * m + k; /* byte of channel k of pixel m */
                sp[m] = sp[m + 16] = (int8_t)(t / 16 == v ? t % 16 : -128);
                int u = 16 * k + m; /* here k is the output vector, v the channel */
                mg[m] = mg[m + 16] = (int8_t)(u % 3 == v ? u / 3 : -128);
            }
            s->split[k][v] = _mm256_loadu_si256((const __m256i *)sp);
            s->merge[k][v] = _mm256_loadu_si256((const __m256i *)mg);
        }
}

static inline __m256i load_lanes(const uint8_t *lo, const uint8_t *hi)
{
    return _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)lo)),
                                   _mm_loadu_si128((const __m128i *)hi), 1);
}

static inline void store_lanes(uint8_t *lo, uint8_t *hi, __m256i v)
{
    _mm_storeu_si128((__m128i *)lo, _mm256_castsi256_si128(v));
    _mm_storeu_si128((__m128i *)hi, _mm256_extracti128_si256(v, 1));
}

ptrdiff_t fl_image_cmat3_row_avx2(ptrdiff_t n, const uint8_t *src, uint8_t *dst, const int32_t q[12])
{
    if (n < 32) return 0;
    rgb_shuffles s;
    make_shuffles(&s);
    __m256i q01[3], q2[3], bias[3];
    for (int k = 0; k < 3; k++) {
        q01[k] = _mm256_set1_epi32((int32_t)((uint32_t)(uint16_t)q[4 * k] | ((uint32_t)(uint16_t)q[4 * k + 1] << 16)));
        q2[k] = _mm256_set1_epi32((int32_t)(uint16_t)q[4 * k + 2]);
        bias[k] = _mm256_set1_epi32(q[4 * k + 3] + 512);
    }
    const __m256i zero = _mm256_setzero_si256();
    ptrdiff_t x = 0;
    for (; x + 32 <= n; x += 32) { /* loop: 32 pixels, 16 in each 128-bit lane */
        const uint8_t *p = src + 3 * x;
        __m256i in[3] = {load_lanes(p, p + 48), load_lanes(p + 16, p + 64), load_lanes(p + 32, p + 80)};
        __m256i plane[3];
        for (int k = 0; k < 3; k++)
            plane[k] = _mm256_or_si256(_mm256_or_si256(_mm256_shuffle_epi8(in[0], s.split[k][0]),
                                                       _mm256_shuffle_epi8(in[1], s.split[k][1])),
                                       _mm256_shuffle_epi8(in[2], s.split[k][2]));
        __m256i out16[3][2];
        for (int half = 0; half < 2; half++) { /* pixels 0-7 and 8-15 of each lane */
            __m256i r = half ? _mm256_unpackhi_epi8(plane[0], zero) : _mm256_unpacklo_epi8(plane[0], zero);
            __m256i g = half ? _mm256_unpackhi_epi8(plane[1], zero) : _mm256_unpacklo_epi8(plane[1], zero);
            __m256i b = half ? _mm256_unpackhi_epi8(plane[2], zero) : _mm256_unpacklo_epi8(plane[2], zero);
            __m256i rg_lo = _mm256_unpacklo_epi16(r, g), rg_hi = _mm256_unpackhi_epi16(r, g);
            __m256i b_lo = _mm256_unpacklo_epi16(b, zero), b_hi = _mm256_unpackhi_epi16(b, zero);
            for (int k = 0; k < 3; k++) {
                __m256i lo = _mm256_add_epi32(_mm256_madd_epi16(rg_lo, q01[k]), _mm256_madd_epi16(b_lo, q2[k]));
                __m256i hi = _mm256_add_epi32(_mm256_madd_epi16(rg_hi, q01[k]), _mm256_madd_epi16(b_hi, q2[k]));
                lo = _mm256_srai_epi32(_mm256_add_epi32(lo, bias[k]), 10);
                hi = _mm256_srai_epi32(_mm256_add_epi32(hi, bias[k]), 10);
                out16[k][half] = _mm256_packs_epi32(lo, hi);
            }
        }
        __m256i o[3];
        for (int k = 0; k < 3; k++) o[k] = _mm256_packus_epi16(out16[k][0], out16[k][1]);
        uint8_t *d = dst + 3 * x;
        for (int v = 0; v < 3; v++) {
            __m256i m = _mm256_or_si256(_mm256_or_si256(_mm256_shuffle_epi8(o[0], s.merge[v][0]),
                                                        _mm256_shuffle_epi8(o[1], s.merge[v][1])),
                                        _mm256_shuffle_epi8(o[2], s.merge[v][2]));
            store_lanes(d + 16 * v, d + 48 + 16 * v, m);
        }
    }
    return x;
}

/* int32 sums of 16 outputs (unpack order) -> 16 int16 in order, after the shift. */
static inline __m256i shift_pack16(__m256i lo, __m256i hi, __m128i shift)
{
    return _mm256_packs_epi32(_mm256_sra_epi32(lo, shift), _mm256_sra_epi32(hi, shift));
}

/* Adds the taps of one widened row to the sums of 32 outputs (acc[0..3], in
 * unpack order: acc[0], acc[1] are the low and high halves of the first 16). */
static inline void row_taps32(const int16_t *row, int kw, ptrdiff_t step, const int32_t *qp, __m256i acc[4])
{
    const int16_t *a = row, *b = row + step;
    for (int j = 0; j < kw; j += 2, a += 2 * step, b += 2 * step, qp++) { /* loop: pairs of taps */
        __m256i w = _mm256_set1_epi32(*qp);
        __m256i a0 = _mm256_loadu_si256((const __m256i *)a), b0 = _mm256_loadu_si256((const __m256i *)b);
        __m256i a1 = _mm256_loadu_si256((const __m256i *)(a + 16)), b1 = _mm256_loadu_si256((const __m256i *)(b + 16));
        acc[0] = _mm256_add_epi32(acc[0], _mm256_madd_epi16(_mm256_unpacklo_epi16(a0, b0), w));
        acc[1] = _mm256_add_epi32(acc[1], _mm256_madd_epi16(_mm256_unpackhi_epi16(a0, b0), w));
        acc[2] = _mm256_add_epi32(acc[2], _mm256_madd_epi16(_mm256_unpacklo_epi16(a1, b1), w));
        acc[3] = _mm256_add_epi32(acc[3], _mm256_madd_epi16(_mm256_unpackhi_epi16(a1, b1), w));
    }
}

static inline void store_u8x32(uint8_t *out, __m256i v0, __m256i v1)
{
    __m256i b = _mm256_packus_epi16(v0, v1); /* lanes: 0-7 16-23 | 8-15 24-31 */
    _mm256_storeu_si256((__m256i *)out, _mm256_permute4x64_epi64(b, 0xD8));
}

ptrdiff_t fl_image_conv_row_avx2(ptrdiff_t n, int kh, const int16_t *const *rows, int kw,
                                 ptrdiff_t step, const int32_t *qp, int shift, uint8_t *out)
{
    const int pairs = (kw + 1) / 2;
    const __m256i half = _mm256_set1_epi32(shift > 0 ? 1 << (shift - 1) : 0);
    const __m128i sh = _mm_cvtsi32_si128(shift);
    ptrdiff_t e = 0;
    for (; e + 32 <= n; e += 32) { /* loop: 32 outputs */
        __m256i acc[4] = {half, half, half, half};
        for (int i = 0; i < kh; i++) row_taps32(rows[i] + e, kw, step, qp + i * pairs, acc);
        store_u8x32(out + e, shift_pack16(acc[0], acc[1], sh), shift_pack16(acc[2], acc[3], sh));
    }
    return e;
}

ptrdiff_t fl_image_hpass_row_avx2(ptrdiff_t n, const int16_t *row, int kw, ptrdiff_t step,
                                  const int32_t *qp, int shift, int16_t *out)
{
    const __m256i half = _mm256_set1_epi32(shift > 0 ? 1 << (shift - 1) : 0);
    const __m128i sh = _mm_cvtsi32_si128(shift);
    ptrdiff_t e = 0;
    for (; e + 32 <= n; e += 32) { /* loop: 32 outputs */
        __m256i acc[4] = {half, half, half, half};
        row_taps32(row + e, kw, step, qp, acc);
        _mm256_storeu_si256((__m256i *)(out + e), shift_pack16(acc[0], acc[1], sh));
        _mm256_storeu_si256((__m256i *)(out + e + 16), shift_pack16(acc[2], acc[3], sh));
    }
    return e;
}

ptrdiff_t fl_image_vpass_row_avx2(ptrdiff_t n, int kh, const int16_t *const *rows,
                                  const int32_t *qp, int shift, uint8_t *out)
{
    const __m256i half = _mm256_set1_epi32(shift > 0 ? 1 << (shift - 1) : 0);
    const __m128i sh = _mm_cvtsi32_si128(shift);
    ptrdiff_t e = 0;
    for (; e + 32 <= n; e += 32) { /* loop: 32 outputs */
        __m256i acc[4] = {half, half, half, half};
        for (int i = 0; i < kh; i += 2) { /* loop: pairs of rows */
            const int16_t *a = rows[i] + e, *b = rows[i + 1] + e;
            __m256i w = _mm256_set1_epi32(qp[i / 2]);
            __m256i a0 = _mm256_loadu_si256((const __m256i *)a), b0 = _mm256_loadu_si256((const __m256i *)b);
            __m256i a1 = _mm256_loadu_si256((const __m256i *)(a + 16)), b1 = _mm256_loadu_si256((const __m256i *)(b + 16));
            acc[0] = _mm256_add_epi32(acc[0], _mm256_madd_epi16(_mm256_unpacklo_epi16(a0, b0), w));
            acc[1] = _mm256_add_epi32(acc[1], _mm256_madd_epi16(_mm256_unpackhi_epi16(a0, b0), w));
            acc[2] = _mm256_add_epi32(acc[2], _mm256_madd_epi16(_mm256_unpacklo_epi16(a1, b1), w));
            acc[3] = _mm256_add_epi32(acc[3], _mm256_madd_epi16(_mm256_unpackhi_epi16(a1, b1), w));
        }
        store_u8x32(out + e, shift_pack16(acc[0], acc[1], sh), shift_pack16(acc[2], acc[3], sh));
    }
    return e;
}

#else /* not built for x86: never selected by image.c */
typedef int fl_image_avx2_empty;
#endif
