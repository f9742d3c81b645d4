/* warp_avx2.c: the bilinear affine warp's inner loop with AVX2, eight output
 * pixels at a time (see image.c for the arithmetic it repeats exactly).
 *
 * Positions are int64 with 32 fractional bits, as in image.c; the integer part
 * is the high half of each, the 10-bit fraction sits in the low half. Each
 * pixel's two neighbours in a row are one 64-bit gather (c <= 4 bytes each); the
 * horizontal blend is a multiply-add of int16 pairs (1024 - fx, fx), the
 * vertical one top * 1024 + (bottom - top) * fy, which is the same integer as
 * the four weighted pixels of the generic loop. */
#include "image_kernels.h"

#if defined(__AVX2__)
#include <immintrin.h>

/* The high (integer) and low (fraction) 32-bit halves of eight int64 positions
 * held in a (pixels 0-3) and b (pixels 4-7), in pixel order. */
static inline void split_positions(__m256i a, __m256i b, __m256i *hi, __m256i *lo)
{
    __m256 fa = _mm256_castsi256_ps(a), fb = _mm256_castsi256_ps(b);
    *hi = _mm256_permute4x64_epi64(_mm256_castps_si256(_mm256_shuffle_ps(fa, fb, _MM_SHUFFLE(3, 1, 3, 1))), 0xD8);
    *lo = _mm256_permute4x64_epi64(_mm256_castps_si256(_mm256_shuffle_ps(fa, fb, _MM_SHUFFLE(2, 0, 2, 0))), 0xD8);
}

/* Blends two pixels' 2 x 2 neighbourhoods: t and b hold the gathered top and
 * bottom neighbour pairs (bytes of pixel p and p+1 in lanes 0 and 1), wx the
 * (1024 - fx, fx) pairs and fy the vertical fractions, broadcast per lane. */
static inline __m256i blend2(__m128i t, __m128i b, __m256i pairs, __m256i wx, __m256i fy)
{
    __m256i top = _mm256_madd_epi16(_mm256_shuffle_epi8(_mm256_cvtepu8_epi16(t), pairs), wx);
    __m256i bot = _mm256_madd_epi16(_mm256_shuffle_epi8(_mm256_cvtepu8_epi16(b), pairs), wx);
    __m256i v = _mm256_add_epi32(_mm256_slli_epi32(top, 10), _mm256_mullo_epi32(_mm256_sub_epi32(bot, top), fy));
    return _mm256_srai_epi32(_mm256_add_epi32(v, _mm256_set1_epi32(1 << 19)), 20);
}

ptrdiff_t fl_image_warp_row_avx2(const uint8_t *src, ptrdiff_t rs, ptrdiff_t w, ptrdiff_t h, int c,
                                 ptrdiff_t x, ptrdiff_t ow, int64_t X0, int64_t Y0, int64_t dx,
                                 int64_t dy, uint8_t *out)
{
    if ((c != 3 && c != 4) || (h - 1) * rs + w * c > INT32_MAX - 16) return x;
    /* int16 pairs (pixel p, pixel p+1) for each channel, lane-local */
    const __m256i pairs = c == 3 ? _mm256_setr_epi8(0, 1, 6, 7, 2, 3, 8, 9, 4, 5, 10, 11, 12, 13, 14, 15,
                                                     0, 1, 6, 7, 2, 3, 8, 9, 4, 5, 10, 11, 12, 13, 14, 15)
                                 : _mm256_setr_epi8(0, 1, 8, 9, 2, 3, 10, 11, 4, 5, 12, 13, 6, 7, 14, 15,
                                                     0, 1, 8, 9, 2, 3, 10, 11, 4, 5, 12, 13, 6, 7, 14, 15);
    const __m256i vdx = _mm256_set1_epi64x(dx), vdy = _mm256_set1_epi64x(dy);
    const __m256i step8x = _mm256_set1_epi64x(8 * dx), step8y = _mm256_set1_epi64x(8 * dy);
    __m256i Xa = _mm256_set1_epi64x(X0 + (int64_t)x * dx), Ya = _mm256_set1_epi64x(Y0 + (int64_t)x * dy);
    /* k * d for k = 0..3 without a 64-bit multiply: d, 2d, 3d by additions */
    __m256i kx = _mm256_blend_epi32(_mm256_setzero_si256(), vdx, 0xFC);
    kx = _mm256_add_epi64(kx, _mm256_blend_epi32(_mm256_setzero_si256(), vdx, 0xF0));
    kx = _mm256_add_epi64(kx, _mm256_blend_epi32(_mm256_setzero_si256(), vdx, 0xC0));
    __m256i ky = _mm256_blend_epi32(_mm256_setzero_si256(), vdy, 0xFC);
    ky = _mm256_add_epi64(ky, _mm256_blend_epi32(_mm256_setzero_si256(), vdy, 0xF0));
    ky = _mm256_add_epi64(ky, _mm256_blend_epi32(_mm256_setzero_si256(), vdy, 0xC0));
    Xa = _mm256_add_epi64(Xa, kx);
    Ya = _mm256_add_epi64(Ya, ky);
    __m256i Xb = _mm256_add_epi64(Xa, _mm256_slli_epi64(vdx, 2)), Yb = _mm256_add_epi64(Ya, _mm256_slli_epi64(vdy, 2));
    const __m256i minus1 = _mm256_set1_epi32(-1), wlim = _mm256_set1_epi32((int)(w - 2)),
                  hlim = _mm256_set1_epi32((int)(h - 1)), one24 = _mm256_set1_epi32(1024),
                  vrs = _mm256_set1_epi32((int)rs), vc = _mm256_set1_epi32(c), frac = _mm256_set1_epi32(1023);
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    const __m128i keep3 = _mm_setr_epi32(-1, -1, -1, 0);
    const __m256i compact3 = _mm256_setr_epi8(0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, -1, -1, -1, -1,
                                              0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, -1, -1, -1, -1);
    for (; x + 8 <= ow; x += 8) { /* loop: eight output pixels, all four neighbours inside */
        __m256i ix, iy, lx, ly;
        split_positions(Xa, Xb, &ix, &lx);
        split_positions(Ya, Yb, &iy, &ly);
        __m256i inside = _mm256_and_si256(_mm256_and_si256(_mm256_cmpgt_epi32(ix, minus1), _mm256_cmpgt_epi32(wlim, ix)),
                                          _mm256_and_si256(_mm256_cmpgt_epi32(iy, minus1), _mm256_cmpgt_epi32(hlim, iy)));
        if (_mm256_movemask_epi8(inside) != -1) break;
        __m256i fx = _mm256_and_si256(_mm256_srli_epi32(lx, 22), frac);
        __m256i fy = _mm256_and_si256(_mm256_srli_epi32(ly, 22), frac);
        __m256i wx = _mm256_or_si256(_mm256_sub_epi32(one24, fx), _mm256_slli_epi32(fx, 16));
        __m256i off = _mm256_add_epi32(_mm256_mullo_epi32(iy, vrs), _mm256_mullo_epi32(ix, vc));
        __m256i offb = _mm256_add_epi32(off, vrs);
        const long long *base = (const long long *)(const void *)src;
        __m256i t03 = _mm256_i32gather_epi64(base, _mm256_castsi256_si128(off), 1);
        __m256i t47 = _mm256_i32gather_epi64(base, _mm256_extracti128_si256(off, 1), 1);
        __m256i b03 = _mm256_i32gather_epi64(base, _mm256_castsi256_si128(offb), 1);
        __m256i b47 = _mm256_i32gather_epi64(base, _mm256_extracti128_si256(offb, 1), 1);
        __m256i res[4];
        for (int p = 0; p < 4; p++) { /* pixels 2p and 2p + 1 */
            __m256i idx = _mm256_setr_epi32(2 * p, 2 * p, 2 * p, 2 * p, 2 * p + 1, 2 * p + 1, 2 * p + 1, 2 * p + 1);
            __m256i t = p < 2 ? t03 : t47, b = p < 2 ? b03 : b47;
            __m128i t2 = (p & 1) ? _mm256_extracti128_si256(t, 1) : _mm256_castsi256_si128(t);
            __m128i b2 = (p & 1) ? _mm256_extracti128_si256(b, 1) : _mm256_castsi256_si128(b);
            res[p] = blend2(t2, b2, pairs, _mm256_permutevar8x32_epi32(wx, idx), _mm256_permutevar8x32_epi32(fy, idx));
        }
        /* dwords (one channel each) -> bytes; lanes then hold pixels 0 2 4 6 | 1 3 5 7 */
        __m256i bytes = _mm256_packus_epi16(_mm256_packus_epi32(res[0], res[1]), _mm256_packus_epi32(res[2], res[3]));
        bytes = _mm256_permutevar8x32_epi32(bytes, order); /* pixels 0..7, four bytes each */
        uint8_t *o = out + x * c;
        if (c == 4) {
            _mm256_storeu_si256((__m256i *)o, bytes);
        } else {
            __m256i packed = _mm256_shuffle_epi8(bytes, compact3); /* 12 bytes per lane */
            _mm_maskstore_epi32((int *)o, keep3, _mm256_castsi256_si128(packed));
            _mm_maskstore_epi32((int *)(o + 12), keep3, _mm256_extracti128_si256(packed, 1));
        }
        Xa = _mm256_add_epi64(Xa, step8x);
        Xb = _mm256_add_epi64(Xb, step8x);
        Ya = _mm256_add_epi64(Ya, step8y);
        Yb = _mm256_add_epi64(Yb, step8y);
    }
    return x;
}

#else /* not built for x86: never selected by image.c */
typedef int fl_warp_avx2_empty;
#endif
