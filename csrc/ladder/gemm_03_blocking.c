/* Step 3, cache blocking: step 2 streams all of B through the cache once per
 * row of C. Here the loops are cut into blocks (MC rows of A, KC of the depth,
 * NC columns of B) so that a KC x NC block of B (1 MiB) stays in L2 while MC
 * rows of C are updated from it: B is read from memory once per MC rows
 * instead of once per row. */
#include "ladder.h"

int fl_ladder_03_blocking(FL_LADDER_ARGS)
{
    for (ptrdiff_t i = 0; i < m; i++)
        for (ptrdiff_t j = 0; j < n; j++) C[i * ldc + j] = 0.0;
    for (ptrdiff_t jc = 0; jc < n; jc += LADDER_NC) {
        ptrdiff_t nc = n - jc < LADDER_NC ? n - jc : LADDER_NC;
        for (ptrdiff_t pc = 0; pc < k; pc += LADDER_KC) {
            ptrdiff_t kc = k - pc < LADDER_KC ? k - pc : LADDER_KC;
            for (ptrdiff_t ic = 0; ic < m; ic += LADDER_MC) {
                ptrdiff_t mc = m - ic < LADDER_MC ? m - ic : LADDER_MC;
                for (ptrdiff_t i = ic; i < ic + mc; i++) {
                    double *c = C + i * ldc + jc;
                    for (ptrdiff_t l = pc; l < pc + kc; l++) {
                        double a = A[i * lda + l];
                        const double *b = B + l * ldb + jc;
                        for (ptrdiff_t j = 0; j < nc; j++) c[j] += a * b[j];
                    }
                }
            }
        }
    }
    return FL_OK;
}
