/* Step 5, register tile: step 4 keeps one row of C's eight values in
 * registers. Here a 4 x 8 tile of C is held in 32 local accumulators for the
 * whole depth of the block, and A is packed too: each step of the k loop loads
 * 4 values of A and 8 of B and does 32 multiply-adds with them, instead of
 * loading and storing C. Loads per multiply-add fall from about 2 to 3/8. */
#include "ladder_pack.h"

#define MR 4
#define NR 8

static void tile_4x8(ptrdiff_t kc, const double *a, const double *b, double *tile)
{
    double acc[MR][NR] = {{0}};
    for (ptrdiff_t l = 0; l < kc; l++) {
        for (int i = 0; i < MR; i++)
            for (int j = 0; j < NR; j++) acc[i][j] += a[i] * b[j];
        a += MR;
        b += NR;
    }
    for (int i = 0; i < MR; i++)
        for (int j = 0; j < NR; j++) tile[i * NR + j] = acc[i][j];
}

int fl_ladder_05_register_tile(FL_LADDER_ARGS)
{
    return ladder_blocked(m, n, k, A, lda, B, ldb, C, ldc, MR, NR, tile_4x8);
}
