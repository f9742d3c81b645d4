/* ladder_pack.h: packing for steps 5 and 6 (step 4 shows it inline first).
 * B's block becomes micro-panels of NR columns, A's block micro-panels of MR
 * rows, each zero-padded, so the register tile reads both with unit stride. */
#ifndef FASTLA_LADDER_PACK_H
#define FASTLA_LADDER_PACK_H
#include "ladder.h"

static inline void ladder_pack_b(ptrdiff_t kc, ptrdiff_t nc, const double *B, ptrdiff_t ldb, int NR,
                                 double *dst)
{
    for (ptrdiff_t j0 = 0; j0 < nc; j0 += NR)
        for (ptrdiff_t l = 0; l < kc; l++)
            for (int j = 0; j < NR; j++) *dst++ = j0 + j < nc ? B[l * ldb + j0 + j] : 0.0;
}

static inline void ladder_pack_a(ptrdiff_t mc, ptrdiff_t kc, const double *A, ptrdiff_t lda, int MR,
                                 double *dst)
{
    for (ptrdiff_t i0 = 0; i0 < mc; i0 += MR)
        for (ptrdiff_t l = 0; l < kc; l++)
            for (int i = 0; i < MR; i++) *dst++ = i0 + i < mc ? A[(i0 + i) * lda + l] : 0.0;
}

/* C tile (mr x nr of MR x NR) += the tile computed into buf */
static inline void ladder_add_tile(const double *buf, int NR, ptrdiff_t mr, ptrdiff_t nr, double *C,
                                   ptrdiff_t ldc)
{
    for (ptrdiff_t i = 0; i < mr; i++)
        for (ptrdiff_t j = 0; j < nr; j++) C[i * ldc + j] += buf[i * NR + j];
}

/* Steps 5 and 6 share the blocking loops; only the micro-kernel differs. */
typedef void (*ladder_tile_fn)(ptrdiff_t kc, const double *a, const double *b, double *tile);

static inline int ladder_blocked(FL_LADDER_ARGS, int MR, int NR, ladder_tile_fn tile_fn)
{
    double *Bp = fl_malloc(sizeof(double) * LADDER_KC * (LADDER_NC + NR));
    double *Ap = fl_malloc(sizeof(double) * LADDER_KC * (LADDER_MC + MR));
    double tile[16 * 16];
    if (!Ap || !Bp) {
        fl_free(Ap);
        fl_free(Bp);
        return FL_ENOMEM;
    }
    for (ptrdiff_t i = 0; i < m; i++)
        for (ptrdiff_t j = 0; j < n; j++) C[i * ldc + j] = 0.0;
    for (ptrdiff_t jc = 0; jc < n; jc += LADDER_NC) {
        ptrdiff_t nc = n - jc < LADDER_NC ? n - jc : LADDER_NC;
        for (ptrdiff_t pc = 0; pc < k; pc += LADDER_KC) {
            ptrdiff_t kc = k - pc < LADDER_KC ? k - pc : LADDER_KC;
            ladder_pack_b(kc, nc, B + pc * ldb + jc, ldb, NR, Bp);
            for (ptrdiff_t ic = 0; ic < m; ic += LADDER_MC) {
                ptrdiff_t mc = m - ic < LADDER_MC ? m - ic : LADDER_MC;
                ladder_pack_a(mc, kc, A + ic * lda + pc, lda, MR, Ap);
                for (ptrdiff_t jr = 0; jr < nc; jr += NR)
                    for (ptrdiff_t ir = 0; ir < mc; ir += MR) {
                        tile_fn(kc, Ap + ir * kc, Bp + jr * kc, tile);
                        ladder_add_tile(tile, NR, mc - ir < MR ? mc - ir : MR, nc - jr < NR ? nc - jr : NR,
                                        C + (ic + ir) * ldc + jc + jr, ldc);
                    }
            }
        }
    }
    fl_free(Ap);
    fl_free(Bp);
    return FL_OK;
}
#endif
