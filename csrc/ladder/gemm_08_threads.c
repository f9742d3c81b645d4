/* Step 8, threads: step 7 with the work split across the thread pool. Each
 * thread takes a band of C's rows (or columns, whichever dimension is larger)
 * and runs the blocked loops on it with its own packing buffers, so the
 * threads share nothing they write. With two cores, nearly twice step 7. */
#include "ladder.h"

int fl_ladder_08_threads(FL_LADDER_ARGS)
{
    return fl_gemm_f64(m, n, k, A, lda, 1, B, ldb, 1, C, ldc, 1, 0);
}
