/* image_rows_tmpl.h: the SIMD row kernels of image.c, written once for any
 * vector width. Included by image_avx2.c (256-bit) and image_avx512.c (512-bit,
 * AVX-512BW) after they define the IV_* vocabulary below; see image_kernels.h
 * for what each kernel computes.
 *
 * All are integer: uint8 pixels widened to int16, weights in int16 pairs, and
 * one multiply-add of pairs (vpmaddwd) does two taps for a vector of outputs
 * into int32. Every instruction used works inside 128-bit lanes, so a vector is
 * IV_LANES independent lanes; the arithmetic is exactly that of the generic
 * loops, so the bytes are the same. Only full blocks are done here; the
 * correlation rows end with a block moved back to overlap the one before it.
 *
 * IV_NAME(op)  the kernel's name            iv            the vector type
 * IV_LANES     128-bit lanes per vector      IV_FN         attributes of every function */

#define IV16 (8 * IV_LANES) /* int16 per vector */

/* Lane-local shuffles that split 16 pixels of C = 3 or 4 channels (C 16-byte
 * pieces) into planes, and back; built from the index arithmetic. The fourth
 * channel (alpha) is not split: `keep` masks its bytes in the input pieces. */
typedef struct {
    iv split[3][4]; /* [channel][source piece] */
    iv merge[4][3]; /* [output piece][channel] */
    iv keep[4];     /* [piece]: 0xff on alpha bytes */
} IV_NAME(pixel_shuffles);

IV_FN static void IV_NAME(make_shuffles)(IV_NAME(pixel_shuffles) *s, int C)
{
    for (int k = 0; k < 4; k++)
        for (int v = 0; v < 4; v++) {
            int8_t sp[16 * IV_LANES], mg[16 * IV_LANES], kp[16 * IV_LANES];
            for (int m = 0; m < 16; m++) {
                int t = C * m + k; /* byte of channel k of pixel m */
                int u = 16 * k + m; /* here k is the output piece, v the channel */
                for (int lane = 0; lane < IV_LANES; lane++) {
                    sp[16 * lane + m] = (int8_t)(t / 16 == v ? t % 16 : -128);
                    mg[16 * lane + m] = (int8_t)(u % C == v ? u / C : -128);
                    kp[16 * lane + m] = (int8_t)(C == 4 && (16 * k + m) % 4 == 3 ? -1 : 0);
                }
            }
            if (k < 3 && v < C) s->split[k][v] = IV_LOADU(sp);
            if (k < C && v < 3) s->merge[k][v] = IV_LOADU(mg);
            if (v == 0) s->keep[k] = IV_LOADU(kp);
        }
}

/* The first pixels of each of `rows` rows of n pixels of C channels through the
 * colour matrix; C is a constant where the compiler inlines this, so the piece
 * loops unroll. The shuffles are built once for all the rows. */
IV_FN static inline ptrdiff_t IV_NAME(cmat_rows)(ptrdiff_t rows, ptrdiff_t n, const uint8_t *src, ptrdiff_t rs,
                                                 uint8_t *dst, ptrdiff_t rd, const int32_t q[12], const int C)
{
    const ptrdiff_t block = 16 * IV_LANES; /* pixels: 16 in each lane */
    if (n < block) return 0;
    IV_NAME(pixel_shuffles) s;
    IV_NAME(make_shuffles)(&s, C);
    /* Weights in pairs: (r, g) and (b, 1) with the offset plus 1/2 when that
     * fits int16; otherwise (b, 0) and the offset added on its own. */
    int separate = 0;
    for (int k = 0; k < 3; k++) separate |= q[4 * k + 3] + 512 < -32768 || q[4 * k + 3] + 512 > 32767;
    iv q01[3], q2b[3], bias[3];
    for (int k = 0; k < 3; k++) {
        int32_t b = q[4 * k + 3] + 512;
        q01[k] = IV_SET1_32((int32_t)((uint32_t)(uint16_t)q[4 * k] | ((uint32_t)(uint16_t)q[4 * k + 1] << 16)));
        q2b[k] = IV_SET1_32((int32_t)((uint32_t)(uint16_t)q[4 * k + 2] | ((uint32_t)(uint16_t)(separate ? 0 : b) << 16)));
        bias[k] = IV_SET1_32(separate ? b : 0);
    }
    const iv zero = IV_ZERO(), one = IV_SET1_16(1);
    /* Where the output does not overlap the input, a row's last block moves back
     * to end at n (some pixels are computed twice, the same), so no pixel is left
     * to the scalar loop. */
    const uintptr_t s0 = (uintptr_t)src, d0 = (uintptr_t)dst;
    const int apart = d0 + (uintptr_t)((rows - 1) * rd + n * C) <= s0 || s0 + (uintptr_t)((rows - 1) * rs + n * C) <= d0;
    const ptrdiff_t end = apart ? n : n - n % block;
    for (ptrdiff_t y = 0; y < rows; y++, src += rs, dst += rd) /* loop: rows */
    for (ptrdiff_t x = 0; x < end; x += block) { /* loop: a block of pixels */
        x = x > n - block ? n - block : x;
        const uint8_t *p = src + C * x;
        iv in[4];
        for (int v = 0; v < C; v++) in[v] = IV_LOAD_LANES(p + 16 * v, 16 * C);
        iv plane[3];
        for (int k = 0; k < 3; k++) {
            plane[k] = IV_SHUFFLE8(in[0], s.split[k][0]);
            for (int v = 1; v < C; v++) plane[k] = IV_OR(plane[k], IV_SHUFFLE8(in[v], s.split[k][v]));
        }
        iv out16[3][2];
        for (int half = 0; half < 2; half++) { /* pixels 0-7 and 8-15 of each lane */
            iv r = half ? IV_UNPACKHI8(plane[0], zero) : IV_UNPACKLO8(plane[0], zero);
            iv g = half ? IV_UNPACKHI8(plane[1], zero) : IV_UNPACKLO8(plane[1], zero);
            iv b = half ? IV_UNPACKHI8(plane[2], zero) : IV_UNPACKLO8(plane[2], zero);
            iv rg_lo = IV_UNPACKLO16(r, g), rg_hi = IV_UNPACKHI16(r, g);
            iv b1_lo = IV_UNPACKLO16(b, one), b1_hi = IV_UNPACKHI16(b, one);
            for (int k = 0; k < 3; k++) {
                iv lo = IV_ADD32(IV_MADD16(rg_lo, q01[k]), IV_MADD16(b1_lo, q2b[k]));
                iv hi = IV_ADD32(IV_MADD16(rg_hi, q01[k]), IV_MADD16(b1_hi, q2b[k]));
                if (separate) { /* the same every block: the compiler keeps two loops */
                    lo = IV_ADD32(lo, bias[k]);
                    hi = IV_ADD32(hi, bias[k]);
                }
                out16[k][half] = IV_PACKS32(IV_SRAI32(lo, 10), IV_SRAI32(hi, 10));
            }
        }
        iv o[3];
        for (int k = 0; k < 3; k++) o[k] = IV_PACKUS16(out16[k][0], out16[k][1]);
        uint8_t *d = dst + C * x;
        for (int v = 0; v < C; v++) {
            iv m = IV_OR(IV_OR(IV_SHUFFLE8(o[0], s.merge[v][0]), IV_SHUFFLE8(o[1], s.merge[v][1])),
                         IV_SHUFFLE8(o[2], s.merge[v][2]));
            if (C == 4) m = IV_OR(m, IV_AND(in[v], s.keep[v])); /* alpha as it was */
            IV_STORE_LANES(d + 16 * v, 16 * C, m);
        }
    }
    return end;
}

IV_FN ptrdiff_t IV_NAME(cmat3_rows)(ptrdiff_t rows, ptrdiff_t n, const uint8_t *src, ptrdiff_t rs,
                                    uint8_t *dst, ptrdiff_t rd, const int32_t q[12])
{
    return IV_NAME(cmat_rows)(rows, n, src, rs, dst, rd, q, 3);
}

IV_FN ptrdiff_t IV_NAME(cmat4_rows)(ptrdiff_t rows, ptrdiff_t n, const uint8_t *src, ptrdiff_t rs,
                                    uint8_t *dst, ptrdiff_t rd, const int32_t q[12])
{
    return IV_NAME(cmat_rows)(rows, n, src, rs, dst, rd, q, 4);
}

/* Where the block of outputs starting at e runs, in a row of n >= 2 IV16: the
 * last block is moved back to end at n, so it overlaps the one before it and
 * computes some outputs twice (the same values), and no output is left to the
 * scalar loops, which cost as much as the row's vector blocks put together. */
#define IV_LAST_BLOCK(e, n) ((e) > (n) - 2 * IV16 ? (n) - 2 * IV16 : (e))

/* int32 sums in unpack order -> int16 in order, after the shift. */
#define IV_SHIFT_PACK(lo, hi, sh) IV_PACKS32(IV_SRA32(lo, sh), IV_SRA32(hi, sh))

/* Adds the taps of one widened row to the sums of 2 * IV16 outputs (acc[0..3]:
 * the low and high unpack halves of the first IV16 outputs, then of the next). */
IV_FN static inline void IV_NAME(row_taps)(const int16_t *row, int kw, ptrdiff_t step, const int32_t *qp, iv acc[4])
{
    const int16_t *a = row, *b = row + step;
    for (int j = 0; j < kw; j += 2, a += 2 * step, b += 2 * step, qp++) { /* loop: pairs of taps */
        if (*qp == 0) continue; /* two zero taps (sparse kernels like sharpen and emboss) */
        iv w = IV_SET1_32(*qp);
        iv a0 = IV_LOADU(a), b0 = IV_LOADU(b), a1 = IV_LOADU(a + IV16), b1 = IV_LOADU(b + IV16);
        acc[0] = IV_ADD32(acc[0], IV_MADD16(IV_UNPACKLO16(a0, b0), w));
        acc[1] = IV_ADD32(acc[1], IV_MADD16(IV_UNPACKHI16(a0, b0), w));
        acc[2] = IV_ADD32(acc[2], IV_MADD16(IV_UNPACKLO16(a1, b1), w));
        acc[3] = IV_ADD32(acc[3], IV_MADD16(IV_UNPACKHI16(a1, b1), w));
    }
}

IV_FN ptrdiff_t IV_NAME(conv_row)(ptrdiff_t n, int kh, const int16_t *const *rows, int kw,
                                  ptrdiff_t step, const int32_t *qp, int shift, uint8_t *out)
{
    const int pairs = (kw + 1) / 2;
    const iv half = IV_SET1_32(shift > 0 ? 1 << (shift - 1) : 0);
    const __m128i sh = _mm_cvtsi32_si128(shift);
    if (n < 2 * IV16) return 0;
    for (ptrdiff_t e = 0; e < n; e += 2 * IV16) { /* loop: a block of outputs */
        e = IV_LAST_BLOCK(e, n);
        iv acc[4] = {half, half, half, half};
        for (int i = 0; i < kh; i++) IV_NAME(row_taps)(rows[i] + e, kw, step, qp + i * pairs, acc);
        IV_STORE_U8(out + e, IV_SHIFT_PACK(acc[0], acc[1], sh), IV_SHIFT_PACK(acc[2], acc[3], sh));
    }
    return n;
}

IV_FN ptrdiff_t IV_NAME(hpass_row)(ptrdiff_t n, const int16_t *row, int kw, ptrdiff_t step,
                                   const int32_t *qp, int shift, int16_t *out)
{
    const iv half = IV_SET1_32(shift > 0 ? 1 << (shift - 1) : 0);
    const __m128i sh = _mm_cvtsi32_si128(shift);
    if (n < 2 * IV16) return 0;
    for (ptrdiff_t e = 0; e < n; e += 2 * IV16) { /* loop: a block of outputs */
        e = IV_LAST_BLOCK(e, n);
        iv acc[4] = {half, half, half, half};
        IV_NAME(row_taps)(row + e, kw, step, qp, acc);
        IV_STOREU(out + e, IV_SHIFT_PACK(acc[0], acc[1], sh));
        IV_STOREU(out + e + IV16, IV_SHIFT_PACK(acc[2], acc[3], sh));
    }
    return n;
}

IV_FN ptrdiff_t IV_NAME(vpass_row)(ptrdiff_t n, int kh, const int16_t *const *rows,
                                   const int32_t *qp, int shift, uint8_t *out)
{
    const iv half = IV_SET1_32(shift > 0 ? 1 << (shift - 1) : 0);
    const __m128i sh = _mm_cvtsi32_si128(shift);
    if (n < 2 * IV16) return 0;
    for (ptrdiff_t e = 0; e < n; e += 2 * IV16) { /* loop: a block of outputs */
        e = IV_LAST_BLOCK(e, n);
        iv acc[4] = {half, half, half, half};
        for (int i = 0; i < kh; i += 2) { /* loop: pairs of rows */
            const int16_t *a = rows[i] + e, *b = rows[i + 1] + e;
            iv w = IV_SET1_32(qp[i / 2]);
            iv a0 = IV_LOADU(a), b0 = IV_LOADU(b), a1 = IV_LOADU(a + IV16), b1 = IV_LOADU(b + IV16);
            acc[0] = IV_ADD32(acc[0], IV_MADD16(IV_UNPACKLO16(a0, b0), w));
            acc[1] = IV_ADD32(acc[1], IV_MADD16(IV_UNPACKHI16(a0, b0), w));
            acc[2] = IV_ADD32(acc[2], IV_MADD16(IV_UNPACKLO16(a1, b1), w));
            acc[3] = IV_ADD32(acc[3], IV_MADD16(IV_UNPACKHI16(a1, b1), w));
        }
        IV_STORE_U8(out + e, IV_SHIFT_PACK(acc[0], acc[1], sh), IV_SHIFT_PACK(acc[2], acc[3], sh));
    }
    return n;
}
