/* Step 4, packing: step 3's KC x NC block of B is first copied into one
 * contiguous buffer, then read from there. In B itself the block's rows are
 * ldb doubles apart, scattered over many pages and cache sets; packed, they
 * sit back to back, so the block occupies the fewest cache lines and TLB
 * entries and the hardware prefetcher sees one stream. The copy costs KC*NC
 * moves for MC*KC*NC multiply-adds per block. Packing is also what lets step 5
 * lay the data out in exactly the order its register tile reads it. */
#include "ladder.h"

int fl_ladder_04_packing(FL_LADDER_ARGS)
{
    double *Bp = fl_malloc(sizeof(double) * LADDER_KC * LADDER_NC);
    if (!Bp) return FL_ENOMEM;
    for (ptrdiff_t i = 0; i < m; i++)
        for (ptrdiff_t j = 0; j < n; j++) C[i * ldc + j] = 0.0;
    for (ptrdiff_t jc = 0; jc < n; jc += LADDER_NC) {
        ptrdiff_t nc = n - jc < LADDER_NC ? n - jc : LADDER_NC;
        for (ptrdiff_t pc = 0; pc < k; pc += LADDER_KC) {
            ptrdiff_t kc = k - pc < LADDER_KC ? k - pc : LADDER_KC;
            for (ptrdiff_t l = 0; l < kc; l++) /* pack: row l of the block at Bp + l*nc */
                for (ptrdiff_t j = 0; j < nc; j++) Bp[l * nc + j] = B[(pc + l) * ldb + jc + j];
            for (ptrdiff_t ic = 0; ic < m; ic += LADDER_MC) {
                ptrdiff_t mc = m - ic < LADDER_MC ? m - ic : LADDER_MC;
                for (ptrdiff_t i = ic; i < ic + mc; i++) {
                    double *c = C + i * ldc + jc;
                    for (ptrdiff_t l = 0; l < kc; l++) {
                        double a = A[i * lda + pc + l];
                        const double *b = Bp + l * nc;
                        for (ptrdiff_t j = 0; j < nc; j++) c[j] += a * b[j];
                    }
                }
            }
        }
    }
    fl_free(Bp);
    return FL_OK;
}
