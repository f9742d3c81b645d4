/* rotate_rows.h: the rows of a Jacobi block pair multiplied by its rotations,
 * in place, with the GEMM micro-kernel (included by each per-ISA file after
 * gemm/ukernel.h, whose tile it calls).
 *
 * The m rows are two runs: block I's bi rows at x, block J's m - bi at y, n
 * long, rows n apart. They become Qt . (those rows), Qt being m x m with rows
 * ldq apart. Every new row reads every old one, so the old values of a panel
 * of NR columns are first copied into P (m x NR, in L1); the tiles then write
 * the new rows of that panel straight into place. A copy of all the rows (2 m n
 * values) before a GEMM that reads them back from L2 costs more: this copy is a
 * few vector moves a row, and the micro-kernel reads P from L1. */
void FL_K(jacobi_rotate_rows)(ptrdiff_t m, ptrdiff_t bi, const FL_T *Qt, ptrdiff_t ldq, FL_T *x, FL_T *y,
                              ptrdiff_t n)
{
    enum { NR = FL_UKR_NR, MR = FL_UKR_SUP_MR, NV = FL_UKR_NR / FL_VLEN };
    _Alignas(FL_ALIGN) FL_T P[2 * FL_JACOBI_BLOCK * NR];
    _Alignas(FL_ALIGN) FL_T tile[MR * NR];
    for (ptrdiff_t j0 = 0; j0 < n; j0 += NR) {
        const ptrdiff_t nc = n - j0 < NR ? n - j0 : NR;
        for (ptrdiff_t r = 0; r < m; r++) {
            const FL_T *src = (r < bi ? x + r * n : y + (r - bi) * n) + j0;
            FL_T *p = P + r * NR;
            if (nc == NR)
                for (int v = 0; v < NV; v++) FL_VSTOREU(p + v * FL_VLEN, FL_VLOADU(src + v * FL_VLEN));
            else
                for (ptrdiff_t c = 0; c < NR; c++) p[c] = c < nc ? src[c] : 0;
        }
        for (int b = 0; b < 2; b++) { /* the new rows of block I, then of J */
            const ptrdiff_t first = b ? bi : 0, count = b ? m - bi : bi;
            FL_T *dst = (b ? y : x) + j0;
            for (ptrdiff_t i = 0; i < count; i += MR) {
                const ptrdiff_t mr = count - i < MR ? count - i : MR;
                const FL_T *q = Qt + (first + i) * ldq;
                FL_T *c = nc == NR ? dst + i * n : tile; /* the last columns through the tile */
                const ptrdiff_t ldc = nc == NR ? n : NR;
                if (mr == MR)
                    FL_K(ukr_tile)(MR, m, q, ldq, 1, P, NR, c, ldc, 0);
                else
                    FL_UKR_ROWS_NAME(FL_TN, FL_ISA, FL_UKR_NR)(mr, m, q, ldq, 1, P, NR, c, ldc, 0);
                if (nc < NR)
                    for (ptrdiff_t a = 0; a < mr; a++)
                        for (ptrdiff_t k = 0; k < nc; k++) dst[(i + a) * n + k] = tile[a * NR + k];
            }
        }
    }
}
