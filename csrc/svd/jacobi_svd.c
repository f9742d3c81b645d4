/* jacobi_svd.c: fl_svd for float64 and float32, from one template (with the
 * pivoted QR it starts from). */
#include "../internal.h"
#include "../eigen/jacobi_tile.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* defined after both templates: the float64 path's float32 first sweeps */
static int one_sided_f32(ptrdiff_t rows, ptrdiff_t n, float *Y, float *J, ptrdiff_t ldj, double *a, double *d, double tol,
                         int max_sweeps, int float_sums, long enough, int *sweeps);
static int fl_svd_float32_first(ptrdiff_t n, ptrdiff_t ldy, double *Y, double *J, double *a, double *d,
                                int max_sweeps);

/* n rounded up to whole cache lines of elements of this size: the column
 * stride of the Jacobi sweeps' Y */
static ptrdiff_t fl_svd_padded(ptrdiff_t n, size_t size)
{
    const ptrdiff_t line = FL_ALIGN / (ptrdiff_t)size;
    return (n + line - 1) / line * line;
}

#define FL_TYPED(name) name##_f64
#define FL_T double
#define FL_EPS DBL_EPSILON
#define FL_MIN DBL_MIN
#define FL_SVD_F32 0
#include "qr_tmpl.h"
#include "jacobi_svd_tmpl.h"
#undef FL_TYPED
#undef FL_T
#undef FL_EPS
#undef FL_MIN
#undef FL_SVD_F32

#define FL_TYPED(name) name##_f32
#define FL_T float
#define FL_EPS FLT_EPSILON
#define FL_MIN FLT_MIN
#define FL_SVD_F32 1
#include "qr_tmpl.h"
#include "jacobi_svd_tmpl.h"

/* Float32 sweeps first, for the float64 Jacobi on Y (n x n, column-major) when
 * its columns are all within FL_SVD_F32_FIRST_SPREAD of each other in length:
 *
 *   Y32 = Y rounded to float32;  one-sided Jacobi: Y32 J32 = U32 S32;
 *   Q = J32 made orthonormal in float64 (QR);  Y <- Y Q,  J <- Q,
 *
 * after which Y's columns are orthogonal to about float32's precision and the
 * float64 sweeps that finish the job converge quadratically from there: at
 * 500 x 500, three or four of them instead of eleven, and each float32 sweep
 * moves half the bytes. The product Y Q has each column's rounding error of
 * about eps |Y|, so the relative accuracy of a singular value is within the
 * spread of the column lengths (at most 2^10) of what float64 sweeps alone
 * give; graded matrices, whose rows of R span many orders of magnitude, do not
 * take this path. Y's and J's columns are ldy apart, zeros below row n.
 * J (may be NULL): gets Q. a, d: n doubles of workspace.
 * Returns FL_OK (also when the path does not apply), FL_ENOMEM or FL_EINTR. */
static int fl_svd_float32_first(ptrdiff_t n, ptrdiff_t ldy, double *Y, double *J, double *a, double *d,
                                int max_sweeps)
{
    const fl_kernel_table *K = fl_kernels();
    if (n < FL_SVD_F32_FIRST_MIN_N) return FL_OK;
    double lo = INFINITY, hi = 0;
    for (ptrdiff_t i = 0; i < n; i++) {
        double t = K->sumsq_f64(n, Y + i * ldy);
        lo = fmin(lo, t), hi = fmax(hi, t);
    }
    if (!(lo > 0 && hi <= FL_SVD_F32_FIRST_SPREAD * FL_SVD_F32_FIRST_SPREAD * lo)) return FL_OK;
    const size_t nn = (size_t)(n * n), ly = (size_t)(ldy * n);
    const ptrdiff_t ld32 = fl_svd_padded(n, sizeof(float)); /* as ldy: whole lines, zeros below */
    float *Y32 = fl_malloc((size_t)(ld32 * n) * sizeof(float)), *J32 = fl_malloc((size_t)(ld32 * n) * sizeof(float));
    double *Q = fl_malloc(nn * sizeof(double)), *T = fl_malloc(ly * sizeof(double)); /* ly >= nn */
    double *tau = fl_malloc((size_t)n * sizeof(double)), *v = fl_malloc((size_t)n * sizeof(double));
    int st = Y32 && J32 && Q && T && tau && v ? FL_OK : FL_ENOMEM, sweeps;
    if (st == FL_OK) {
        for (ptrdiff_t i = 0; i < n; i++)
            for (ptrdiff_t k = 0; k < ld32; k++) Y32[i * ld32 + k] = k < n ? (float)Y[i * ldy + k] : 0;
        for (size_t i = 0; i < (size_t)(ld32 * n); i++) J32[i] = 0;
        for (ptrdiff_t i = 0; i < n; i++) J32[i * ld32 + i] = 1;
        /* until a sweep rotates at most 5 % of the pairs: the float32 sweeps
         * after that would do what the float64 ones do anyway (500 x 500:
         * 11 %, 1.2 %, 0.02 %; stopping after the 11 % or the 1.2 % sweep
         * gave the same time, after the 0.02 % one 3 % more) */
        st = one_sided_f32(ld32, n, Y32, J32, ld32, a, d, sqrt((double)n) * FLT_EPSILON, max_sweeps, 1,
                           (long)n * (n - 1) / 40, &sweeps);
        if (st == FL_ENOCONV) st = FL_OK; /* a preconditioner all the same */
    }
    if (st == FL_OK) {
        for (ptrdiff_t i = 0; i < n; i++)
            for (ptrdiff_t k = 0; k < n; k++) T[i * n + k] = J32[i * ld32 + k];
        st = qr_blocked_f64(n, n, T, tau);
        if (st == FL_OK) st = form_q_f64(n, n, T, tau, n, Q, v);
        /* Y Q, column-major, over all ldy rows: the zero rows stay zero */
        if (st == FL_OK) st = fl_gemm_f64(ldy, n, n, Y, 1, ldy, Q, 1, n, T, 1, ldy, 0);
        if (st == FL_OK) {
            memcpy(Y, T, ly * sizeof(double));
            for (ptrdiff_t i = 0; J && i < n; i++) /* J = Q, its columns ldy apart */
                for (ptrdiff_t k = 0; k < ldy; k++) J[i * ldy + k] = k < n ? Q[i * n + k] : 0;
        }
    }
    fl_free(Y32), fl_free(J32), fl_free(Q), fl_free(T), fl_free(tau), fl_free(v);
    return st;
}
