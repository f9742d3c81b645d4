/* ukernel.h: the GEMM micro-kernel, written once over the SIMD vocabulary.
 *
 * An MR x NR tile of C lives in MR * NR/VLEN vector registers for the whole
 * k loop: each step loads one row of the packed B panel (NR values, NR/VLEN
 * vectors), broadcasts MR values of the packed A panel, and does MR * NR/VLEN
 * fused multiply-adds. With every loop bound a constant, the compiler unrolls
 * the tile completely and keeps it in registers (as BLIS's reference kernel,
 * config/template/kernels/3/bli_gemm_template_noopt_mxn.c, describes). */
#define FL_NV (FL_UKR_NR / FL_VLEN)
#ifndef FL_UKR_PREFETCH_A
#define FL_UKR_PREFETCH_A 4 /* k steps ahead */
#endif
/* B's micro-panel (KC x NR) is larger than L1 at the configured KC, so it too
 * streams from L2; fetching it 8 steps ahead was measured 5-10% faster at
 * n = 1024 and 2048 (f64, 1 thread, builds with and without called in turns) */
#ifndef FL_UKR_PREFETCH_B
#define FL_UKR_PREFETCH_B 8 /* k steps ahead */
#endif

/* The tile of MR rows (MR <= FL_UKR_MR, a constant at every call), with row i
 * of A at step l read from a[i*ia + l*la] and B's row l from b + l*lb: packed
 * panels pass the constants (1, FL_UKR_MR) and FL_UKR_NR, which the inlining
 * turns into fixed offsets. */
static FL_ALWAYS_INLINE void FL_K(ukr_tile)(const int MR, ptrdiff_t k, const FL_T *a, ptrdiff_t ia,
                                            ptrdiff_t la, const FL_T *b, ptrdiff_t lb, FL_T *c,
                                            ptrdiff_t ldc, int accumulate)
{
    fl_v acc[FL_UKR_MR][FL_NV];
    for (int i = 0; i < MR; i++) {
        FL_PREFETCH(c + i * ldc);  /* C's rows arrive while the k loop runs */
        FL_PREFETCH(c + i * ldc + FL_UKR_NR - 1);
        for (int v = 0; v < FL_NV; v++) acc[i][v] = FL_VZERO();
    }

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC unroll 4
#endif
    for (ptrdiff_t l = 0; l < k; l++) {
        fl_v bv[FL_NV];
        FL_PREFETCH(a + FL_UKR_PREFETCH_A * la);
        for (int v = 0; v < FL_NV; v++) FL_PREFETCH(b + FL_UKR_PREFETCH_B * lb + v * FL_VLEN);
        /* unaligned loads: B read in place has rows of any alignment */
        for (int v = 0; v < FL_NV; v++) bv[v] = FL_VLOADU(b + v * FL_VLEN);
        for (int i = 0; i < MR; i++) {
            fl_v ai = FL_VSET1(a[i * ia]);
            for (int v = 0; v < FL_NV; v++) acc[i][v] = FL_VFMA(ai, bv[v], acc[i][v]);
        }
        a += la;
        b += lb;
    }

    for (int i = 0; i < MR; i++) {
        for (int v = 0; v < FL_NV; v++) {
            FL_T *cp = c + i * ldc + v * FL_VLEN;
            fl_v r = accumulate ? FL_VADD(acc[i][v], FL_VLOADU(cp)) : acc[i][v];
            FL_VSTOREU(cp, r);
        }
    }
}

/* A packed: a[l*MR + i] */
void FL_UKR_NAME(FL_TN, FL_ISA, FL_UKR_MR, FL_UKR_NR)(ptrdiff_t k, const FL_T *a, const FL_T *b,
                                                      FL_T *c, ptrdiff_t ldc, int accumulate)
{
    FL_K(ukr_tile)(FL_UKR_MR, k, a, 1, FL_UKR_MR, b, FL_UKR_NR, c, ldc, accumulate);
}

/* A read in place, row i at a + i*rsa (row-major), and B's row l at b + l*lb (a
 * packed panel: lb = NR; a row-major B read in place: its row stride): no
 * packing, for products too small to repay it. Fewer rows than the packed
 * tile's: each row of A is a pointer of its own, and 14 of them do not fit in
 * the integer registers (8 rows took 6.3 us at 64^3, 14 rows 7.0; with B also
 * packed 8.2). */
_Static_assert(FL_UKR_SUP_MR <= FL_UKR_MR, "the unpacked tile is at most the packed one");
void FL_UKR_SUP_NAME(FL_TN, FL_ISA, FL_UKR_SUP_MR, FL_UKR_NR)(ptrdiff_t k, const FL_T *a, ptrdiff_t rsa,
                                                              const FL_T *b, ptrdiff_t lb, FL_T *c,
                                                              ptrdiff_t ldc, int accumulate)
{
    FL_K(ukr_tile)(FL_UKR_SUP_MR, k, a, rsa, 1, b, lb, c, ldc, accumulate);
}

/* The last mr < MR rows of a block (A read as in ukr_tile), in tiles of 4, 2 and
 * 1 rows: computing a full MR-row tile for them would waste MR - mr rows of
 * work, which at 32 x 32 (14 + 14 + 4 rows) was a quarter of the product. */
void FL_UKR_ROWS_NAME(FL_TN, FL_ISA, FL_UKR_NR)(ptrdiff_t mr, ptrdiff_t k, const FL_T *a, ptrdiff_t ia,
                                                ptrdiff_t la, const FL_T *b, ptrdiff_t lb, FL_T *c,
                                                ptrdiff_t ldc, int accumulate)
{
    for (; mr >= 4; mr -= 4, a += 4 * ia, c += 4 * ldc) FL_K(ukr_tile)(4, k, a, ia, la, b, lb, c, ldc, accumulate);
    if (mr >= 2) {
        FL_K(ukr_tile)(2, k, a, ia, la, b, lb, c, ldc, accumulate);
        mr -= 2, a += 2 * ia, c += 2 * ldc;
    }
    if (mr == 1) FL_K(ukr_tile)(1, k, a, ia, la, b, lb, c, ldc, accumulate);
}
#undef FL_NV
