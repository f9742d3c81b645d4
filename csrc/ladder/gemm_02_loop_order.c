/* Step 2, loop order: the same sums with the loops as i, l, j. Now the inner
 * loop adds a[i][l] times a row of B into a row of C: both rows are contiguous,
 * so every cache line is used whole and the compiler vectorises the loop. Same
 * arithmetic, a different order of memory accesses: that alone is several
 * times faster once B no longer fits in cache. */
#include "ladder.h"

int fl_ladder_02_loop_order(FL_LADDER_ARGS)
{
    for (ptrdiff_t i = 0; i < m; i++) {
        double *c = C + i * ldc;
        for (ptrdiff_t j = 0; j < n; j++) c[j] = 0.0;
        for (ptrdiff_t l = 0; l < k; l++) {
            double a = A[i * lda + l];
            const double *b = B + l * ldb;
            for (ptrdiff_t j = 0; j < n; j++) c[j] += a * b[j];
        }
    }
    return FL_OK;
}
