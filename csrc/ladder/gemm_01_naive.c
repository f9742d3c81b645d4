/* Step 1, naive: the definition, C[i][j] = sum_l A[i][l] * B[l][j], as three
 * loops in the order the formula reads (i, j, l). The inner loop walks down a
 * column of B, ldb doubles apart: every step lands on a new cache line, so the
 * processor mostly waits for memory, and nothing can be vectorised. */
#include "ladder.h"

int fl_ladder_01_naive(FL_LADDER_ARGS)
{
    for (ptrdiff_t i = 0; i < m; i++)
        for (ptrdiff_t j = 0; j < n; j++) {
            double sum = 0.0;
            for (ptrdiff_t l = 0; l < k; l++) sum += A[i * lda + l] * B[l * ldb + j];
            C[i * ldc + j] = sum;
        }
    return FL_OK;
}
