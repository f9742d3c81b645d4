/* composite_tmpl.h: the stages of a filter program on one block of pixels, and the
 * row loop. Included once per ISA (composite.c: generic, composite_avx2.c: AVX2,
 * composite_avx512.c: AVX-512BW, composite_vbmi_avx512.c: with VBMI's byte
 * permutes for the lookup tables), with FL_PX_ROWS naming the row function; the loops are plain C over planes that
 * the compiler vectorises for the ISA at hand.
 *
 * A block is up to FL_PX_BLOCK pixels of one row, split into planes (R, G, B) in
 * register 0. Each stage runs over the whole block, and the output register is
 * interleaved back with alpha copied from the input. Every stage rounds to uint8
 * as the Pillow operation it stands for. */
#include "composite_job.h"

#include <math.h>
#include <string.h>

typedef struct {
    uint8_t rgb[FL_PX_REGS][3][FL_PX_BLOCK];
    uint8_t mask[FL_PX_MASKS][FL_PX_BLOCK];
    /* per channel, a column of a two-image table, table[256 x + b] for x = 0..255,
     * kept from one block to the next (a vertical gradient is one byte along a row) */
    const uint8_t *column_of[3]; /* the table, or NULL */
    int column_b[3];
    uint8_t column[3][256];
    /* per mask register, the radial stage it was last built for and that
     * stage's squared distances where the mask is surely 255 and 0 (px_radial) */
    const fl_px_op *radial_of[FL_PX_MASKS];
    float radial_limit[FL_PX_MASKS][2];
} fl_px_regs;

/* The vector width of this build: FL_PX_AVX512 (set by composite_avx512.c) or
 * AVX2. The colour matrix is written with these few operations, so one loop
 * serves both widths; lookup tables and gathers have a loop per width. The
 * generic build has none of them. */
#if defined(FL_PX_AVX512) || defined(__AVX2__)
#include <immintrin.h>
#if defined(FL_PX_AVX512)
typedef __m512 px_fv;
#define PX_FW 16 /* floats in a float vector */
#define px_fset _mm512_set1_ps
#define px_fmul _mm512_mul_ps
#define px_fadd _mm512_add_ps
#define px_fsub _mm512_sub_ps
static inline px_fv px_fload8(const uint8_t *p)
{
    return _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)p)));
}
static inline void px_istore8(uint8_t *p, __m512i i) /* i in 0..255: one byte each */
{
    _mm_storeu_si128((__m128i *)p, _mm512_cvtepi32_epi8(i));
}
/* v truncated to a byte, clamped into 0..255 (NaN to 0): negatives are clamped
 * in float, the rest saturate as unsigned in the narrowing itself */
static inline void px_fstore8(uint8_t *p, px_fv v)
{
    _mm_storeu_si128((__m128i *)p, _mm512_cvtusepi32_epi8(_mm512_cvttps_epi32(_mm512_max_ps(v, _mm512_setzero_ps()))));
}
#else
typedef __m256i px_iv;
typedef __m256 px_fv;
#define PX_IW 32 /* bytes in an integer vector */
#define PX_FW 8
#define px_piece(p) _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(p)))
#define px_set8 _mm256_set1_epi8
#define px_loadu(p) _mm256_loadu_si256((const __m256i *)(p))
#define px_storeu(p, v) _mm256_storeu_si256((__m256i *)(p), v)
#define px_zero _mm256_setzero_si256
#define px_or _mm256_or_si256
#define px_shuffle8 _mm256_shuffle_epi8
#define px_adds8 _mm256_adds_epu8
#define px_sub8 _mm256_sub_epi8
#define px_fset _mm256_set1_ps
#define px_fmul _mm256_mul_ps
#define px_fadd _mm256_add_ps
#define px_fsub _mm256_sub_ps
static inline px_fv px_fload8(const uint8_t *p)
{
    return _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)p)));
}
static inline void px_istore8(uint8_t *p, __m256i i)
{
    const __m128i w = _mm_packus_epi32(_mm256_castsi256_si128(i), _mm256_extracti128_si256(i, 1));
    _mm_storel_epi64((__m128i *)p, _mm_packus_epi16(w, w));
}
/* v truncated to a byte, clamped into 0..255 (NaN to 0): values above 255 in
 * float, negatives (and NaN, as INT_MIN) by the saturating packs */
static inline void px_fstore8(uint8_t *p, px_fv v)
{
    px_istore8(p, _mm256_cvttps_epi32(_mm256_min_ps(_mm256_set1_ps(255.0f), v)));
}
#endif

/* d[i] = table[256 a[i] + b[i]] for a 65536-byte table, one gather a vector:
 * the aligned 4-byte word holding each entry, shifted down to it (no read past
 * the table's end). Returns how many bytes it did. */
static ptrdiff_t px_table2_vec(const uint8_t *table, const uint8_t *a, const uint8_t *b, uint8_t *d, ptrdiff_t n)
{
    ptrdiff_t i = 0;
#if defined(FL_PX_AVX512)
    const __m512i low2 = _mm512_set1_epi32(3);
    for (; i + 16 <= n; i += 16) {
        const __m512i x = _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(a + i)));
        const __m512i y = _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(b + i)));
        const __m512i idx = _mm512_or_si512(_mm512_slli_epi32(x, 8), y);
        const __m512i word = _mm512_i32gather_epi32(_mm512_srli_epi32(idx, 2), (const void *)table, 4);
        const __m512i v = _mm512_srlv_epi32(word, _mm512_slli_epi32(_mm512_and_si512(idx, low2), 3));
        px_istore8(d + i, v); /* the low byte of each */
    }
#else
    const __m256i low2 = _mm256_set1_epi32(3), byte = _mm256_set1_epi32(255);
    for (; i + 8 <= n; i += 8) {
        const __m256i x = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(a + i)));
        const __m256i y = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(b + i)));
        const __m256i idx = _mm256_or_si256(_mm256_slli_epi32(x, 8), y);
        const __m256i word = _mm256_i32gather_epi32((const int *)table, _mm256_srli_epi32(idx, 2), 4);
        const __m256i v = _mm256_srlv_epi32(word, _mm256_slli_epi32(_mm256_and_si256(idx, low2), 3));
        px_istore8(d + i, _mm256_and_si256(v, byte)); /* the low byte of each */
    }
#endif
    return i;
}

#if defined(FL_PX_VBMI)
/* d[i] = lut[a[i]], 64 bytes a step with AVX-512 VBMI's byte permutes: one
 * reads entries 0..127 (bit 6 of the index picks the register), one 128..255,
 * and bit 7 picks between them. Four instructions where the word permutes
 * below take about twenty. */
static void px_lut_plane(const uint8_t *lut, const uint8_t *a, uint8_t *d, ptrdiff_t n)
{
    __m512i t[4];
    for (int k = 0; k < 4; k++) t[k] = _mm512_loadu_si512((const void *)(lut + 64 * k));
    ptrdiff_t i = 0;
    for (; i + 64 <= n; i += 64) {
        const __m512i x = _mm512_loadu_si512((const void *)(a + i));
        const __m512i low = _mm512_permutex2var_epi8(t[0], x, t[1]), high = _mm512_permutex2var_epi8(t[2], x, t[3]);
        _mm512_storeu_si512((void *)(d + i), _mm512_mask_blend_epi8(_mm512_movepi8_mask(x), low, high));
    }
    for (; i < n; i++) d[i] = lut[a[i]];
}
#elif defined(FL_PX_AVX512)
/* 32 lookups at once: w holds bytes in 16-bit lanes, t the table as 128 words
 * (bytes 2j and 2j + 1 in word j). Two word permutes read 64 words each; the one
 * for w's bit 7 is kept, shifted down a byte for odd w; the low bytes are the
 * answers. The two bits are read as masks by shifting them into the sign bit
 * (port 0), which leaves port 5 to the permutes. */
static inline __m512i px_lut_words(const __m512i t[4], __m512i w)
{
    const __m512i j = _mm512_srli_epi16(w, 1);
    const __m512i low = _mm512_permutex2var_epi16(t[0], j, t[1]), high = _mm512_permutex2var_epi16(t[2], j, t[3]);
    const __mmask32 upper = _mm512_movepi16_mask(_mm512_slli_epi16(w, 8)), odd = _mm512_movepi16_mask(_mm512_slli_epi16(w, 15));
    const __m512i v = _mm512_mask_blend_epi16(upper, low, high);
    return _mm512_mask_srli_epi16(v, odd, v, 8);
}

/* 64 bytes a step: the even bytes (masked) and the odd ones (shifted down) are
 * already 16-bit lanes, so no widening or narrowing shuffles; the odd answers go
 * back up by a shift and a byte blend (eight table stages: 0.93 of the time of
 * widening each half). */
static void px_lut_plane(const uint8_t *lut, const uint8_t *a, uint8_t *d, ptrdiff_t n)
{
    __m512i t[4];
    for (int k = 0; k < 4; k++) t[k] = _mm512_loadu_si512((const void *)(lut + 64 * k));
    const __m512i low_byte = _mm512_set1_epi16(0xff);
    ptrdiff_t i = 0;
    for (; i + 64 <= n; i += 64) {
        const __m512i x = _mm512_loadu_si512((const void *)(a + i));
        const __m512i even = px_lut_words(t, _mm512_and_si512(x, low_byte));
        const __m512i odd = px_lut_words(t, _mm512_srli_epi16(x, 8));
        _mm512_storeu_si512((void *)(d + i), _mm512_mask_blend_epi8(0xAAAAAAAAAAAAAAAAull, even, _mm512_slli_epi16(odd, 8)));
    }
    for (; i < n; i++) d[i] = lut[a[i]];
}
#else
/* d[i] = lut[a[i]], a vector at a time: the table as sixteen 16-byte pieces, each
 * applied with one byte shuffle. x + 0x70 (saturated) keeps the low nibble of an
 * index below 16 and sets bit 7 (the shuffle then gives 0) for the others; the
 * index moves down by 16 for the next piece. Two to three times a scalar loop. */
static void px_lut_plane(const uint8_t *lut, const uint8_t *a, uint8_t *d, ptrdiff_t n)
{
    px_iv piece[16];
    for (int k = 0; k < 16; k++) piece[k] = px_piece(lut + 16 * k);
    const px_iv step = px_set8(16), shift = px_set8(0x70);
    ptrdiff_t i = 0;
    for (; i + PX_IW <= n; i += PX_IW) {
        px_iv x = px_loadu(a + i), r = px_zero();
        for (int k = 0; k < 16; k++) {
            r = px_or(r, px_shuffle8(piece[k], px_adds8(x, shift)));
            x = px_sub8(x, step);
        }
        px_storeu(d + i, r);
    }
    for (; i < n; i++) d[i] = lut[a[i]];
}
#endif

/* One output channel of a colour matrix before truncation, in Pillow's order:
 * ((m0 x + m1 y) + m2 z) + m3, + 0.5. Adding an offset of 0 changes nothing, so
 * the add is left out when every offset is 0 (offsets is a constant where inlined). */
static inline px_fv px_matrix_row(const px_fv *M, int k, px_fv x, px_fv y, px_fv z, int offsets)
{
    px_fv v = px_fadd(px_fadd(px_fmul(M[4 * k], x), px_fmul(M[4 * k + 1], y)), px_fmul(M[4 * k + 2], z));
    if (offsets) v = px_fadd(v, M[4 * k + 3]);
    return px_fadd(v, px_fset(0.5f));
}

#if defined(FL_PX_AVX512)
/* Four vectors of 16 int32 to 64 bytes: the packs saturate (negatives, and NaN
 * and -inf as INT_MIN, to 0; at most 255 stays), in 128-bit lanes, so a
 * permute puts the dwords back in pixel order. Half the shuffle work of
 * narrowing each vector on its own. */
static inline __m512i px_pack64(__m512i a, __m512i b, __m512i c, __m512i d)
{
    const __m512i bytes = _mm512_packus_epi16(_mm512_packus_epi32(a, b), _mm512_packus_epi32(c, d));
    const __m512i order = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
    return _mm512_permutexvar_epi32(order, bytes);
}
static inline void px_store_packed(uint8_t *p, __m512i a, __m512i b, __m512i c, __m512i d)
{
    _mm512_storeu_si512((void *)p, px_pack64(a, b, c, d));
}

/* v clamped above at 255 (NaN kept: min returns its second operand) and truncated */
static inline __m512i px_ftrunc_hi(px_fv v) { return _mm512_cvttps_epi32(_mm512_min_ps(_mm512_set1_ps(255.0f), v)); }
#endif

static inline ptrdiff_t px_matrix_loop(const px_fv *M, const uint8_t *r, const uint8_t *g, const uint8_t *b,
                                       uint8_t *d0, uint8_t *d1, uint8_t *d2, ptrdiff_t n, int gray, int offsets)
{
    ptrdiff_t i = 0;
#if defined(FL_PX_AVX512)
    for (; !gray && i + 4 * PX_FW <= n; i += 4 * PX_FW) { /* 64 pixels, stored packed */
        __m512i v[3][4];
        for (int q = 0; q < 4; q++) {
            const px_fv x = px_fload8(r + i + q * PX_FW), y = px_fload8(g + i + q * PX_FW), z = px_fload8(b + i + q * PX_FW);
            for (int k = 0; k < 3; k++) v[k][q] = px_ftrunc_hi(px_matrix_row(M, k, x, y, z, offsets));
        }
        px_store_packed(d0 + i, v[0][0], v[0][1], v[0][2], v[0][3]);
        px_store_packed(d1 + i, v[1][0], v[1][1], v[1][2], v[1][3]);
        px_store_packed(d2 + i, v[2][0], v[2][1], v[2][2], v[2][3]);
    }
    for (; gray && i + 4 * PX_FW <= n; i += 4 * PX_FW) { /* 64 pixels, one row computed and narrowed once */
        __m512i v[4];
        for (int q = 0; q < 4; q++) {
            const px_fv x = px_fload8(r + i + q * PX_FW), y = px_fload8(g + i + q * PX_FW), z = px_fload8(b + i + q * PX_FW);
            v[q] = px_ftrunc_hi(px_matrix_row(M, 0, x, y, z, offsets));
        }
        const __m512i bytes = px_pack64(v[0], v[1], v[2], v[3]);
        _mm512_storeu_si512((void *)(d0 + i), bytes);
        _mm512_storeu_si512((void *)(d1 + i), bytes);
        _mm512_storeu_si512((void *)(d2 + i), bytes);
    }
#endif
    for (; i + PX_FW <= n; i += PX_FW) {
        const px_fv x = px_fload8(r + i), y = px_fload8(g + i), z = px_fload8(b + i);
        if (gray) {
            const px_fv v = px_matrix_row(M, 0, x, y, z, offsets);
            px_fstore8(d0 + i, v), px_fstore8(d1 + i, v), px_fstore8(d2 + i, v);
            continue;
        }
        const px_fv v0 = px_matrix_row(M, 0, x, y, z, offsets), v1 = px_matrix_row(M, 1, x, y, z, offsets),
                    v2 = px_matrix_row(M, 2, x, y, z, offsets);
        px_fstore8(d0 + i, v0), px_fstore8(d1 + i, v1), px_fstore8(d2 + i, v2);
    }
    return i;
}

/* px_matrix's rounding (below) a vector of pixels at a time; returns how many
 * pixels it did. All three inputs are read before any output is written, so
 * an output may be an input. */
static ptrdiff_t px_matrix_vec(const float *m, const uint8_t *r, const uint8_t *g, const uint8_t *b, uint8_t *d0,
                               uint8_t *d1, uint8_t *d2, ptrdiff_t n, int gray)
{
    px_fv M[12];
    for (int k = 0; k < 12; k++) M[k] = px_fset(m[k]);
    const int offsets = m[3] != 0.0f || m[7] != 0.0f || m[11] != 0.0f;
    if (gray) return offsets ? px_matrix_loop(M, r, g, b, d0, d1, d2, n, 1, 1) : px_matrix_loop(M, r, g, b, d0, d1, d2, n, 1, 0);
    return offsets ? px_matrix_loop(M, r, g, b, d0, d1, d2, n, 0, 1) : px_matrix_loop(M, r, g, b, d0, d1, d2, n, 0, 0);
}

/* Pillow's Image.blend, a + alpha (b - a) in float (a product, then a sum: no
 * fused multiply-add, which would round once where Pillow rounds twice),
 * truncated into 0..255. Returns how many pixels it did. */
static ptrdiff_t px_mix_vec(float alpha, const uint8_t *a, const uint8_t *b, uint8_t *d, ptrdiff_t n)
{
    const px_fv w = px_fset(alpha);
    ptrdiff_t i = 0;
    for (; i + PX_FW <= n; i += PX_FW) {
        const px_fv x = px_fload8(a + i), y = px_fload8(b + i);
        px_fstore8(d + i, px_fadd(x, px_fmul(w, px_fsub(y, x))));
    }
    return i;
}

/* The blends of two images that are arithmetic (px_table2), in 16-bit lanes. */
#if defined(FL_PX_AVX512)
typedef __m512i px_wv;
#define PX_WW 32 /* 16-bit lanes in a vector */
static inline px_wv px_wload(const uint8_t *p) { return _mm512_cvtepu8_epi16(_mm256_loadu_si256((const __m256i *)p)); }
static inline void px_wstore(uint8_t *p, px_wv v) { _mm256_storeu_si256((__m256i *)p, _mm512_cvtepi16_epi8(v)); }
#define px_wset _mm512_set1_epi16
#define px_wadd _mm512_add_epi16
#define px_wsub _mm512_sub_epi16
#define px_wmullo _mm512_mullo_epi16
#define px_wsrl _mm512_srli_epi16
#define px_wsll _mm512_slli_epi16
static inline px_wv px_wbelow128(px_wv s, px_wv lo, px_wv hi) /* s < 128 ? lo : hi */
{
    return _mm512_mask_blend_epi16(_mm512_cmplt_epu16_mask(s, _mm512_set1_epi16(128)), hi, lo);
}
#else
typedef __m256i px_wv;
#define PX_WW 16
static inline px_wv px_wload(const uint8_t *p) { return _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)p)); }
static inline void px_wstore(uint8_t *p, px_wv v)
{
    _mm_storeu_si128((__m128i *)p, _mm_packus_epi16(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1)));
}
#define px_wset _mm256_set1_epi16
#define px_wadd _mm256_add_epi16
#define px_wsub _mm256_sub_epi16
#define px_wmullo _mm256_mullo_epi16
#define px_wsrl _mm256_srli_epi16
#define px_wsll _mm256_slli_epi16
static inline px_wv px_wbelow128(px_wv s, px_wv lo, px_wv hi)
{
    return _mm256_blendv_epi8(hi, lo, _mm256_cmpgt_epi16(_mm256_set1_epi16(128), s));
}
#endif

/* a b / 255 truncated, as px_mul: v = a b <= 65025, (v + 1 + (v >> 8)) >> 8 fits 16 bits */
static inline px_wv px_wmul(px_wv a, px_wv b)
{
    const px_wv v = px_wmullo(a, b);
    return px_wsrl(px_wadd(px_wadd(v, px_wset(1)), px_wsrl(v, 8)), 8);
}

static inline px_wv px_whard_light(px_wv b, px_wv s) /* px_hard_light */
{
    const px_wv s2 = px_wsll(s, 1), top = px_wset(255);
    return px_wbelow128(s, px_wmul(b, s2), px_wsub(top, px_wmul(px_wsub(top, b), px_wsub(px_wset(510), s2))));
}

static ptrdiff_t px_blend_vec(int mode, const uint8_t *a, const uint8_t *b, uint8_t *d, ptrdiff_t n)
{
    const px_wv top = px_wset(255);
    ptrdiff_t i = 0;
    for (; i + PX_WW <= n; i += PX_WW) {
        const px_wv x = px_wload(a + i), y = px_wload(b + i);
        px_wv v;
        switch (mode) {
        case FL_PX_MULTIPLY: v = px_wmul(x, y); break;
        case FL_PX_SCREEN: v = px_wsub(top, px_wmul(px_wsub(top, x), px_wsub(top, y))); break;
        case FL_PX_OVERLAY: v = px_whard_light(y, x); break;
        default: v = px_whard_light(x, y); break; /* FL_PX_HARD_LIGHT */
        }
        px_wstore(d + i, v);
    }
    return i;
}

#define Z -128
#ifndef FL_PX_PREFETCH
#define FL_PX_PREFETCH (3 * FL_PX_BLOCK) /* bytes ahead: the hardware prefetcher stops at page ends */
#endif
/* The next block's bytes, as many 64-byte lines as a step reads */
static inline void px_prefetch_ahead(const uint8_t *q, int lines)
{
    for (int k = 0; k < lines; k++) _mm_prefetch((const char *)(q + FL_PX_PREFETCH + 64 * k), _MM_HINT_T0);
}
#if defined(FL_PX_VBMI)
/* Byte j of 64 interleaved pixels' k-th 64 bytes comes from pixel (64 k + j) / 3
 * of channel (64 k + j) mod 3: as an index into the planes r, g, b side by side,
 * 64 channel + pixel. */
#define PX_J3(j) (64 * ((j) % 3) + (j) / 3)
#define PX_J3X8(j) PX_J3(j), PX_J3(j + 1), PX_J3(j + 2), PX_J3(j + 3), PX_J3(j + 4), PX_J3(j + 5), PX_J3(j + 6), PX_J3(j + 7)
static const uint8_t px_join_index[192] = {
    PX_J3X8(0),   PX_J3X8(8),   PX_J3X8(16),  PX_J3X8(24),  PX_J3X8(32),  PX_J3X8(40),  PX_J3X8(48),  PX_J3X8(56),
    PX_J3X8(64),  PX_J3X8(72),  PX_J3X8(80),  PX_J3X8(88),  PX_J3X8(96),  PX_J3X8(104), PX_J3X8(112), PX_J3X8(120),
    PX_J3X8(128), PX_J3X8(136), PX_J3X8(144), PX_J3X8(152), PX_J3X8(160), PX_J3X8(168), PX_J3X8(176), PX_J3X8(184)};
#define PX_3X8(i) 3 * (i), 3 * (i + 1), 3 * (i + 2), 3 * (i + 3), 3 * (i + 4), 3 * (i + 5), 3 * (i + 6), 3 * (i + 7)
static const uint8_t px_split_index[64] = {PX_3X8(0),  PX_3X8(8),  PX_3X8(16), PX_3X8(24),
                                           PX_3X8(32), PX_3X8(40), PX_3X8(48), PX_3X8(56)}; /* 3 i */
#undef PX_3X8
#undef PX_J3X8
#undef PX_J3

/* RGB bytes to planes, 64 pixels (192 bytes, three registers) at a time with
 * VBMI's byte permutes: channel c of pixel i is byte 3 i + c; one permute reads
 * the first two registers, a masked one the third (bytes 128 and on). Two
 * instructions a plane where the 32-pixel shuffles below take about eight.
 * Returns how many pixels it did. */
static ptrdiff_t px_split_rgb_vec(const uint8_t *p, uint8_t *r, uint8_t *g, uint8_t *b, ptrdiff_t n)
{
    __m512i idx[3];
    __mmask64 third[3];
    for (int c = 0; c < 3; c++) { /* lane i: 3 i + c */
        idx[c] = _mm512_add_epi8(_mm512_loadu_si512((const void *)px_split_index), _mm512_set1_epi8((char)c));
        third[c] = _mm512_movepi8_mask(idx[c]); /* 128 and on */
    }
    uint8_t *plane[3] = {r, g, b};
    ptrdiff_t i = 0;
    for (; i + 64 <= n; i += 64) {
        const uint8_t *q = p + 3 * i;
        px_prefetch_ahead(q, 3);
        const __m512i x0 = _mm512_loadu_si512((const void *)q), x1 = _mm512_loadu_si512((const void *)(q + 64)),
                      x2 = _mm512_loadu_si512((const void *)(q + 128));
        for (int c = 0; c < 3; c++) {
            const __m512i v = _mm512_permutex2var_epi8(x0, idx[c], x1);
            _mm512_storeu_si512((void *)(plane[c] + i), _mm512_mask_permutexvar_epi8(v, third[c], idx[c], x2));
        }
    }
    return i;
}

/* Planes back to RGB bytes, 64 pixels at a time: each 64 output bytes are one
 * permute of r and g and a masked one of b (px_join_index); from one plane (gray)
 * one permute of r. */
static ptrdiff_t px_join_rgb_vec(const uint8_t *r, const uint8_t *g, const uint8_t *b, uint8_t *p, ptrdiff_t n,
                                 int gray)
{
    __m512i idx[3];
    __mmask64 blue[3];
    for (int k = 0; k < 3; k++) {
        idx[k] = _mm512_loadu_si512((const void *)(px_join_index + 64 * k));
        blue[k] = _mm512_movepi8_mask(idx[k]); /* 128 and on: channel 2 */
    }
    ptrdiff_t i = 0;
    for (; i + 64 <= n; i += 64) {
        uint8_t *q = p + 3 * i;
        const __m512i x = _mm512_loadu_si512((const void *)(r + i));
        if (gray) { /* the index's low six bits are the pixel */
            for (int k = 0; k < 3; k++) _mm512_storeu_si512((void *)(q + 64 * k), _mm512_permutexvar_epi8(idx[k], x));
            continue;
        }
        const __m512i y = _mm512_loadu_si512((const void *)(g + i)), z = _mm512_loadu_si512((const void *)(b + i));
        for (int k = 0; k < 3; k++) {
            const __m512i v = _mm512_permutex2var_epi8(x, idx[k], y);
            _mm512_storeu_si512((void *)(q + 64 * k), _mm512_mask_permutexvar_epi8(v, blue[k], idx[k], z));
        }
    }
    return i;
}
#else
/* RGB bytes to planes, 32 pixels (96 bytes) at a time. Each 128-bit lane takes
 * 16 pixels, 48 bytes in three pieces; byte shuffles pick each channel's bytes
 * out of each piece (-128: none). Returns how many pixels it did. */
static ptrdiff_t px_split_rgb_vec(const uint8_t *p, uint8_t *r, uint8_t *g, uint8_t *b, ptrdiff_t n)
{
    static const int8_t pick[3][3][16] = { /* [channel][piece]: byte i of the plane's lane */
        {{0, 3, 6, 9, 12, 15, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z}, {Z, Z, Z, Z, Z, Z, 2, 5, 8, 11, 14, Z, Z, Z, Z, Z},
         {Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, 1, 4, 7, 10, 13}},
        {{1, 4, 7, 10, 13, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z}, {Z, Z, Z, Z, Z, 0, 3, 6, 9, 12, 15, Z, Z, Z, Z, Z},
         {Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, 2, 5, 8, 11, 14}},
        {{2, 5, 8, 11, 14, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z}, {Z, Z, Z, Z, Z, 1, 4, 7, 10, 13, Z, Z, Z, Z, Z, Z},
         {Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, 0, 3, 6, 9, 12, 15}}};
    __m256i m[3][3];
    for (int c = 0; c < 3; c++)
        for (int k = 0; k < 3; k++) m[c][k] = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)pick[c][k]));
    uint8_t *plane[3] = {r, g, b};
    ptrdiff_t i = 0;
    for (; i + 32 <= n; i += 32) {
        const uint8_t *q = p + 3 * i;
        px_prefetch_ahead(q, 2);
        const __m256i x0 = _mm256_loadu_si256((const __m256i *)q), x1 = _mm256_loadu_si256((const __m256i *)(q + 32)),
                      x2 = _mm256_loadu_si256((const __m256i *)(q + 64));
        const __m256i piece[3] = {_mm256_permute2x128_si256(x0, x1, 0x30), _mm256_permute2x128_si256(x0, x2, 0x21),
                                  _mm256_permute2x128_si256(x1, x2, 0x30)};
        for (int c = 0; c < 3; c++) {
            const __m256i v = _mm256_or_si256(_mm256_or_si256(_mm256_shuffle_epi8(piece[0], m[c][0]),
                                                              _mm256_shuffle_epi8(piece[1], m[c][1])),
                                              _mm256_shuffle_epi8(piece[2], m[c][2]));
            _mm256_storeu_si256((__m256i *)(plane[c] + i), v);
        }
    }
    return i;
}

/* Planes back to RGB bytes, 32 pixels at a time: the inverse shuffles. When the
 * three planes are known to be equal (gray), each piece is one shuffle of r. */
static ptrdiff_t px_join_rgb_vec(const uint8_t *r, const uint8_t *g, const uint8_t *b, uint8_t *p, ptrdiff_t n,
                                 int gray)
{
    static const int8_t put[3][3][16] = { /* [piece][channel]: where piece byte j comes from */
        {{0, Z, Z, 1, Z, Z, 2, Z, Z, 3, Z, Z, 4, Z, Z, 5}, {Z, 0, Z, Z, 1, Z, Z, 2, Z, Z, 3, Z, Z, 4, Z, Z},
         {Z, Z, 0, Z, Z, 1, Z, Z, 2, Z, Z, 3, Z, Z, 4, Z}},
        {{Z, Z, 6, Z, Z, 7, Z, Z, 8, Z, Z, 9, Z, Z, 10, Z}, {5, Z, Z, 6, Z, Z, 7, Z, Z, 8, Z, Z, 9, Z, Z, 10},
         {Z, 5, Z, Z, 6, Z, Z, 7, Z, Z, 8, Z, Z, 9, Z, Z}},
        {{Z, 11, Z, Z, 12, Z, Z, 13, Z, Z, 14, Z, Z, 15, Z, Z}, {Z, Z, 11, Z, Z, 12, Z, Z, 13, Z, Z, 14, Z, Z, 15, Z},
         {10, Z, Z, 11, Z, Z, 12, Z, Z, 13, Z, Z, 14, Z, Z, 15}}};
    __m256i m[3][3];
    for (int k = 0; k < 3; k++)
        for (int c = 0; c < 3; c++) m[k][c] = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)put[k][c]));
    __m256i any[3]; /* piece k from one plane: the three channels' picks together (-128 is the least byte) */
    for (int k = 0; k < 3; k++) any[k] = _mm256_max_epi8(m[k][0], _mm256_max_epi8(m[k][1], m[k][2]));
    ptrdiff_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m256i piece[3];
        if (gray) {
            const __m256i x = _mm256_loadu_si256((const __m256i *)(r + i));
            for (int k = 0; k < 3; k++) piece[k] = _mm256_shuffle_epi8(x, any[k]);
        } else {
            const __m256i x[3] = {_mm256_loadu_si256((const __m256i *)(r + i)),
                                  _mm256_loadu_si256((const __m256i *)(g + i)),
                                  _mm256_loadu_si256((const __m256i *)(b + i))};
            for (int k = 0; k < 3; k++)
                piece[k] = _mm256_or_si256(_mm256_or_si256(_mm256_shuffle_epi8(x[0], m[k][0]),
                                                           _mm256_shuffle_epi8(x[1], m[k][1])),
                                           _mm256_shuffle_epi8(x[2], m[k][2]));
        }
        uint8_t *q = p + 3 * i; /* lane 0 of the pieces is bytes 0..47, lane 1 bytes 48..95 */
        const __m256i y0 = _mm256_permute2x128_si256(piece[0], piece[1], 0x20),
                      y1 = _mm256_permute2x128_si256(piece[2], piece[0], 0x30),
                      y2 = _mm256_permute2x128_si256(piece[1], piece[2], 0x31);
        _mm256_storeu_si256((__m256i *)q, y0), _mm256_storeu_si256((__m256i *)(q + 32), y1);
        _mm256_storeu_si256((__m256i *)(q + 64), y2);
    }
    return i;
}
#endif
#undef Z
#else
static void px_lut_plane(const uint8_t *lut, const uint8_t *a, uint8_t *d, ptrdiff_t n)
{
    for (ptrdiff_t i = 0; i < n; i++) d[i] = lut[a[i]];
}

static ptrdiff_t px_table2_vec(const uint8_t *table, const uint8_t *a, const uint8_t *b, uint8_t *d, ptrdiff_t n)
{
    (void)table, (void)a, (void)b, (void)d, (void)n;
    return 0;
}

static ptrdiff_t px_mix_vec(float alpha, const uint8_t *a, const uint8_t *b, uint8_t *d, ptrdiff_t n)
{
    (void)alpha, (void)a, (void)b, (void)d, (void)n;
    return 0;
}

static ptrdiff_t px_blend_vec(int mode, const uint8_t *a, const uint8_t *b, uint8_t *d, ptrdiff_t n)
{
    (void)mode, (void)a, (void)b, (void)d, (void)n;
    return 0;
}

static ptrdiff_t px_split_rgb_vec(const uint8_t *p, uint8_t *r, uint8_t *g, uint8_t *b, ptrdiff_t n)
{
    (void)p, (void)r, (void)g, (void)b, (void)n;
    return 0;
}

static ptrdiff_t px_join_rgb_vec(const uint8_t *r, const uint8_t *g, const uint8_t *b, uint8_t *p, ptrdiff_t n,
                                 int gray)
{
    (void)r, (void)g, (void)b, (void)p, (void)n, (void)gray;
    return 0;
}

static ptrdiff_t px_matrix_vec(const float *m, const uint8_t *r, const uint8_t *g, const uint8_t *b, uint8_t *d0,
                               uint8_t *d1, uint8_t *d2, ptrdiff_t n, int gray)
{
    (void)m, (void)r, (void)g, (void)b, (void)d0, (void)d1, (void)d2, (void)n, (void)gray;
    return 0;
}
#endif

static void px_lut(const fl_px_op *op, fl_px_regs *R, ptrdiff_t n)
{
    for (int c = 0; c < 3; c++) px_lut_plane(op->lut + 256 * c, R->rgb[op->a][c], R->rgb[op->dst][c], n);
}

/* Pillow's ImagingConvertMatrix: float products summed left to right, + 0.5, then
 * truncated into 0..255 (v + 0.5f in float equals Pillow's double-then-float,
 * since the double sum is exact). The vector loop does the same operations in
 * the same order; this loop does the pixels it leaves. */
static void px_matrix(const fl_px_op *op, fl_px_regs *R, ptrdiff_t n)
{
    const float *m = op->m;
    const uint8_t *r = R->rgb[op->a][0], *g = R->rgb[op->a][1], *b = R->rgb[op->a][2];
    uint8_t *d0 = R->rgb[op->dst][0], *d1 = R->rgb[op->dst][1], *d2 = R->rgb[op->dst][2];
    const int gray = fl_px_gray_matrix(m);
    for (ptrdiff_t i = px_matrix_vec(m, r, g, b, d0, d1, d2, n, gray); i < n; i++) {
        const float x = (float)r[i], y = (float)g[i], z = (float)b[i];
        uint8_t out[3];
        for (int k = 0; k < 3; k++) {
            float v = m[4 * k] * x + m[4 * k + 1] * y + m[4 * k + 2] * z + m[4 * k + 3] + 0.5f;
            v = v < 0.0f ? 0.0f : v;
            v = v > 255.0f ? 255.0f : v;
            out[k] = (uint8_t)(int)v;
        }
        d0[i] = out[0], d1[i] = out[1], d2[i] = out[2]; /* after the reads: dst may be a */
    }
}

static void px_mask_lut(const fl_px_op *op, fl_px_regs *R, ptrdiff_t n)
{
    for (int c = 0; c < 3; c++) px_lut_plane(op->lut + 256 * c, R->mask[op->mask], R->rgb[op->dst][c], n);
}

static void px_fill(const fl_px_op *op, fl_px_regs *R, ptrdiff_t n)
{
    for (int c = 0; c < 3; c++) memset(R->rgb[op->dst][c], op->color[c], (size_t)n);
}

/* The mask before rounding at a squared distance d2 from the centre, computed as
 * px_radial computes it. It falls as d2 grows: every float operation in it is
 * monotone. */
static float px_radial_value(float A, float B, float d2) { return A - B * sqrtf(d2); }

/* Squared distances up to which the mask is surely 255 (the value above 254.5)
 * and from which it is surely 0 (below 0.5), checked with px_radial_value
 * itself; -1 and +inf where there are none. */
static void px_radial_limits(float A, float B, float limit[2])
{
    limit[0] = -1.0f, limit[1] = INFINITY;
    if (A > 254.5f) {
        const double d = (A - 254.5) / B;
        float t = (float)(d * d);
        for (int k = 0; k < 64 && t > 0.0f && !(px_radial_value(A, B, t) > 254.5f); k++) t *= 1.0f - 0x1p-16f;
        if (px_radial_value(A, B, t) > 254.5f) limit[0] = t;
    }
    const double d = (A - 0.5) / B;
    float t = (float)(d * d);
    for (int k = 0; k < 64 && !(px_radial_value(A, B, t) < 0.5f); k++) t *= 1.0f + 0x1p-16f;
    if (px_radial_value(A, B, t) < 0.5f) limit[1] = t;
}

/* pilgram's radial_gradient_mask: 255 (1 - (d / r - length) / (scale - length)),
 * d the distance to the centre and r to the farthest corner, clipped and rounded.
 * Computed in float (pilgram: float64), so a mask may differ by one level where
 * the exact value is within float rounding of a half. A block of a row that lies
 * wholly inside the 255 disc or outside the 0 one is filled without square roots. */
static void px_radial(const fl_px_op *op, fl_px_regs *R, ptrdiff_t n, ptrdiff_t y, ptrdiff_t x0, ptrdiff_t h,
                      ptrdiff_t w)
{
    const double length = op->g[0], scale = op->g[1], cx = op->g[2], cy = op->g[3];
    uint8_t *d = R->mask[op->mask];
    if (length >= 1.0 || scale <= 0.0) {
        memset(d, length >= 1.0 ? 255 : 0, (size_t)n);
        return;
    }
    const double left = (double)w * cx, right = (double)w * (1.0 - cx);
    const double top = (double)h * cy, bottom = (double)h * (1.0 - cy);
    const double rx = left > right ? left : right, ry = top > bottom ? top : bottom;
    const double radius = sqrt(rx * rx + ry * ry);
    const double base = scale - length > 0.001 ? scale - length : 0.001;
    const double xstep = w > 1 ? (right + left) / (double)(w - 1) : 0.0;
    const double ystep = h > 1 ? (bottom + top) / (double)(h - 1) : 0.0;
    const double yv = (double)y * ystep - top;
    /* v = A - B d: the mask before clipping, d in pixels */
    const float A = (float)(255.0 * (1.0 + length / base)), B = (float)(255.0 / (radius * base));
    const float yy = (float)(yv * yv), xs = (float)xstep, xl = (float)left;
    if (R->radial_of[op->mask] != op) {
        px_radial_limits(A, B, R->radial_limit[op->mask]);
        R->radial_of[op->mask] = op;
    }
    /* the block's squared distances lie in [lo, hi]: xv is monotone in x */
    const float first = (float)(int)x0 * xs - xl, last = (float)((int)x0 + (int)n - 1) * xs - xl;
    const float hi = (first * first > last * last ? first * first : last * last) + yy;
    const float lo = first <= 0.0f && last >= 0.0f ? yy : (first * first < last * last ? first * first : last * last) + yy;
    if (hi <= R->radial_limit[op->mask][0] || lo >= R->radial_limit[op->mask][1]) {
        memset(d, hi <= R->radial_limit[op->mask][0] ? 255 : 0, (size_t)n);
        return;
    }
    float dist[FL_PX_BLOCK];
    for (int i = 0; i < (int)n; i++) { /* int index: converts to float in SIMD */
        const float xv = (float)((int)x0 + i) * xs - xl;
        dist[i] = sqrtf(xv * xv + yy);
    }
    for (int i = 0; i < (int)n; i++) {
        float v = A - B * dist[i];
        v = v < 0.0f ? 0.0f : v;
        v = v > 255.0f ? 255.0f : v;
        d[i] = (uint8_t)(int)rintf(v); /* half to even, as numpy's round */
    }
}

static void px_linear(const fl_px_op *op, fl_px_regs *R, ptrdiff_t n, ptrdiff_t y, ptrdiff_t x0)
{
    const uint8_t row = op->lut[y];
    const uint8_t *col = op->lut2 + x0;
    uint8_t *d = R->mask[op->mask];
    for (ptrdiff_t i = 0; i < n; i++) d[i] = col[i] < row ? col[i] : row;
}

/* Pillow's Image.composite(a, b, mask): b pasted over by a through the mask. */
static void px_composite(const fl_px_op *op, fl_px_regs *R, ptrdiff_t n)
{
    const uint8_t *m = R->mask[op->mask];
    for (int c = 0; c < 3; c++) {
        const uint8_t *a = R->rgb[op->a][c], *b = R->rgb[op->b][c];
        uint8_t *d = R->rgb[op->dst][c];
        /* Pillow's DIV255, ((t >> 8) + t) >> 8 for t = v + 128, is the high half of
         * t * 257 for every v <= 255 * 255 (checked exhaustively): in 16-bit lanes,
         * one multiply-high. */
        for (ptrdiff_t i = 0; i < n; i++) {
            const uint16_t w = m[i], t = (uint16_t)(b[i] * (uint16_t)(255 - w) + a[i] * w + 128); /* <= 65153 */
            d[i] = (uint8_t)(((uint32_t)t * 257u) >> 16);
        }
    }
}

/* Pillow's Image.blend(a, b, alpha): a + alpha (b - a) in float, truncated. */
static void px_mix(const fl_px_op *op, fl_px_regs *R, ptrdiff_t n)
{
    const float alpha = op->m[0];
    for (int c = 0; c < 3; c++) {
        const uint8_t *a = R->rgb[op->a][c], *b = R->rgb[op->b][c];
        uint8_t *d = R->rgb[op->dst][c];
        for (ptrdiff_t i = px_mix_vec(alpha, a, b, d, n); i < n; i++) {
            float v = (float)a[i] + alpha * (float)((int)b[i] - (int)a[i]);
            v = v < 0.0f ? 0.0f : v;
            v = v > 255.0f ? 255.0f : v;
            d[i] = (uint8_t)(int)v;
        }
    }
}

/* a b / 255 truncated (ImageChops.multiply), exact for a b <= 65025, no division */
static inline unsigned px_mul(unsigned a, unsigned b)
{
    const unsigned v = a * b;
    return (v + 1 + (v >> 8)) >> 8;
}

/* Pillow's hard light of backdrop b by source s (pilgram's LUT_2x and LUT_2x_1
 * never clip here: 2 s <= 254 below 128, 2 s - 255 >= 1 from 128). */
static inline unsigned px_hard_light(unsigned b, unsigned s)
{
    return s < 128 ? px_mul(b, 2 * s) : 255 - px_mul(255 - b, 510 - 2 * s);
}

static int px_same_bytes(const uint8_t *b, ptrdiff_t n)
{
    unsigned differ = 0;
    for (ptrdiff_t i = 1; i < n; i++) differ |= b[i] ^ b[0]; /* no early exit: vectorises */
    return n > 0 && differ == 0;
}

/* dst[c] = B(a[c], b[c]): arithmetic for the blends that are, else the 256 x 256 table */
static void px_table2(const fl_px_op *op, fl_px_regs *R, ptrdiff_t n)
{
    const uint8_t *restrict table = op->lut; /* held in a register: the stores cannot move it */
    for (int c = 0; c < 3; c++) {
        const uint8_t *a = R->rgb[op->a][c], *b = R->rgb[op->b][c];
        uint8_t *d = R->rgb[op->dst][c];
        const ptrdiff_t done = op->mode == FL_PX_TABLE ? 0 : px_blend_vec(op->mode, a, b, d, n);
        switch (op->mode) {
        case FL_PX_MULTIPLY:
            for (ptrdiff_t i = done; i < n; i++) d[i] = (uint8_t)px_mul(a[i], b[i]);
            break;
        case FL_PX_SCREEN:
            for (ptrdiff_t i = done; i < n; i++) d[i] = (uint8_t)(255 - px_mul(255 - a[i], 255 - b[i]));
            break;
        case FL_PX_OVERLAY: /* HardLight(Cs, Cb) */
            for (ptrdiff_t i = done; i < n; i++) d[i] = (uint8_t)px_hard_light(b[i], a[i]);
            break;
        case FL_PX_HARD_LIGHT:
            for (ptrdiff_t i = done; i < n; i++) d[i] = (uint8_t)px_hard_light(a[i], b[i]);
            break;
        default:
            if (px_same_bytes(b, n)) { /* one source byte: the blend is a 256-entry table of a */
                if (R->column_of[c] != table || R->column_b[c] != b[0]) {
                    for (int x = 0; x < 256; x++) R->column[c][x] = table[(x << 8) | b[0]];
                    R->column_of[c] = table, R->column_b[c] = b[0];
                }
                px_lut_plane(R->column[c], a, d, n);
                break;
            }
            for (ptrdiff_t i = px_table2_vec(table, a, b, d, n); i < n; i++) d[i] = table[((unsigned)a[i] << 8) | b[i]];
        }
    }
}

/* The source alpha over the backdrop: B a / 255 + Cb (255 - a) / 255, each term
 * truncated like ImageChops.multiply. */
static inline uint8_t px_over(int blended, int backdrop, int alpha)
{
    const int v = (int)px_mul((unsigned)blended, (unsigned)alpha) + (int)px_mul((unsigned)backdrop, 255u - alpha);
    return (uint8_t)(v > 255 ? 255 : v);
}

/* Hue or color with a solid colour as the source: the result depends on the
 * backdrop only through its luma (and, for hue, its saturation max - min), so it
 * is read from the table composite.c builds once. Three loops the compiler can
 * vectorise: each pixel's table row, the three bytes there, the alpha. */
static void px_nonsep_table(const fl_px_op *op, const uint8_t *table, fl_px_regs *R, ptrdiff_t n)
{
    const uint8_t *br = R->rgb[op->a][0], *bg = R->rgb[op->a][1], *bb = R->rgb[op->a][2];
    const int by_saturation = op->mode == FL_PX_HUE, alpha = op->alpha;
    int32_t row[FL_PX_BLOCK];
    uint8_t out[3][FL_PX_BLOCK];
    for (ptrdiff_t i = 0; i < n; i++) {
        const int r = br[i], g = bg[i], b = bb[i];
        int hi = r > g ? r : g, lo = r < g ? r : g;
        hi = hi > b ? hi : b, lo = lo < b ? lo : b;
        row[i] = 3 * ((by_saturation ? (hi - lo) * 256 : 0) + fl_px_luma(r, g, b));
    }
    for (ptrdiff_t i = 0; i < n; i++)
        out[0][i] = table[row[i]], out[1][i] = table[row[i] + 1], out[2][i] = table[row[i] + 2];
    for (int c = 0; c < 3; c++) {
        const uint8_t *cb = R->rgb[op->a][c];
        uint8_t *d = R->rgb[op->dst][c];
        if (alpha == 255) {
            memcpy(d, out[c], (size_t)n);
            continue;
        }
        for (ptrdiff_t i = 0; i < n; i++) d[i] = px_over(out[c][i], cb[i], alpha);
    }
}

/* Hue, saturation, color, luminosity of a backdrop by a source image or colour
 * (with a table where px_nonsep_table applies), then the source alpha. */
static void px_nonsep(const fl_px_op *op, const uint8_t *table, fl_px_regs *R, ptrdiff_t n)
{
    if (table) {
        px_nonsep_table(op, table, R, n);
        return;
    }
    const uint8_t *br = R->rgb[op->a][0], *bg = R->rgb[op->a][1], *bb = R->rgb[op->a][2];
    const int constant = op->b < 0;
    const uint8_t *sr = R->rgb[constant ? op->a : op->b][0], *sg = R->rgb[constant ? op->a : op->b][1],
                  *sb = R->rgb[constant ? op->a : op->b][2];
    uint8_t *dr = R->rgb[op->dst][0], *dg = R->rgb[op->dst][1], *db = R->rgb[op->dst][2];
    const int alpha = op->alpha;
    for (ptrdiff_t i = 0; i < n; i++) {
        const int cb[3] = {br[i], bg[i], bb[i]};
        const int cs[3] = {constant ? op->color[0] : sr[i], constant ? op->color[1] : sg[i],
                           constant ? op->color[2] : sb[i]};
        uint8_t out[3];
        fl_px_nonsep_pixel(op->mode, cb, cs, fl_px_luma(cb[0], cb[1], cb[2]), fl_px_luma(cs[0], cs[1], cs[2]), out);
        if (alpha < 255)
            for (int k = 0; k < 3; k++) out[k] = px_over(out[k], cb[k], alpha);
        dr[i] = out[0], dg[i] = out[1], db[i] = out[2];
    }
}

static void px_load(uint8_t planes[3][FL_PX_BLOCK], const uint8_t *p, int c, ptrdiff_t n)
{
    uint8_t *r = planes[0], *g = planes[1], *b = planes[2];
    if (c == 3) {
        for (ptrdiff_t i = px_split_rgb_vec(p, r, g, b, n); i < n; i++) r[i] = p[3 * i], g[i] = p[3 * i + 1], b[i] = p[3 * i + 2];
    } else {
        for (ptrdiff_t i = 0; i < n; i++) r[i] = p[4 * i], g[i] = p[4 * i + 1], b[i] = p[4 * i + 2];
    }
}

static void px_block(const fl_px_job *J, fl_px_regs *R, ptrdiff_t y, ptrdiff_t x0, ptrdiff_t n)
{
    const uint8_t *in = J->src + y * J->rs + x0 * J->c;
    px_load(R->rgb[0], in, J->c, n);
    if (J->src2) px_load(R->rgb[1], J->src2 + y * J->rs2 + x0 * J->c2, J->c2, n);
    for (int k = 0; k < J->nops; k++) { /* loop: the stages, in order */
        const fl_px_op *op = &J->ops[k];
        switch (op->op) {
        case FL_PX_LUT: px_lut(op, R, n); break;
        case FL_PX_MATRIX: px_matrix(op, R, n); break;
        case FL_PX_FILL: px_fill(op, R, n); break;
        case FL_PX_RADIAL: px_radial(op, R, n, y, x0, J->h, J->w); break;
        case FL_PX_LINEAR: px_linear(op, R, n, y, x0); break;
        case FL_PX_COMPOSITE: px_composite(op, R, n); break;
        case FL_PX_MIX: px_mix(op, R, n); break;
        case FL_PX_TABLE2: px_table2(op, R, n); break;
        case FL_PX_MASK_LUT: px_mask_lut(op, R, n); break;
        default: px_nonsep(op, J->tables[k], R, n); break;
        }
    }
    uint8_t *o = J->dst + y * J->rd + x0 * J->c;
    const uint8_t *r = R->rgb[J->out][0], *g = R->rgb[J->out][1], *b = R->rgb[J->out][2];
    if (J->c == 4) {
        for (ptrdiff_t i = 0; i < n; i++)
            o[4 * i] = r[i], o[4 * i + 1] = g[i], o[4 * i + 2] = b[i], o[4 * i + 3] = in[4 * i + 3];
    } else {
        for (ptrdiff_t i = px_join_rgb_vec(r, g, b, o, n, J->gray_out); i < n; i++) o[3 * i] = r[i], o[3 * i + 1] = g[i], o[3 * i + 2] = b[i];
    }
}

void FL_PX_ROWS(const fl_px_job *J, ptrdiff_t lo, ptrdiff_t hi)
{
    fl_px_regs R; /* about 26 KB: one per thread, on its stack */
    for (int c = 0; c < 3; c++) R.column_of[c] = NULL, R.column_b[c] = -1;
    for (int k = 0; k < FL_PX_MASKS; k++) R.radial_of[k] = NULL;
    for (ptrdiff_t y = lo; y < hi; y++)                          /* loop: rows of this band */
        for (ptrdiff_t x0 = 0; x0 < J->w; x0 += FL_PX_BLOCK) /* loop: blocks of a row */
            px_block(J, &R, y, x0, J->w - x0 < FL_PX_BLOCK ? J->w - x0 : FL_PX_BLOCK);
}
