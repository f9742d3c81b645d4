/* jacobi_eig.c: fl_eigh for float64 and float32, from one template, and the
 * float32 pass that lets float64 Jacobi start close to diagonal. */
#include "../internal.h"

#include <float.h>
#include <math.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#include <xmmintrin.h>
#endif

/* out[j * lo + i] = in[i * li + j] for a 4 x 4 tile: 4 stores of 4 (float)
 * or 8 of 2 (double) where an element at a time takes 16 strided stores */
static inline void transpose4_f32(const float *in, ptrdiff_t li, float *out, ptrdiff_t lo)
{
#if defined(__SSE2__)
    __m128 r0 = _mm_loadu_ps(in), r1 = _mm_loadu_ps(in + li), r2 = _mm_loadu_ps(in + 2 * li),
           r3 = _mm_loadu_ps(in + 3 * li);
    _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
    _mm_storeu_ps(out, r0), _mm_storeu_ps(out + lo, r1), _mm_storeu_ps(out + 2 * lo, r2),
        _mm_storeu_ps(out + 3 * lo, r3);
#else
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) out[j * lo + i] = in[i * li + j];
#endif
}

static inline void transpose4_f64(const double *in, ptrdiff_t li, double *out, ptrdiff_t lo)
{
#if defined(__SSE2__)
    for (int a = 0; a < 4; a += 2)
        for (int b = 0; b < 4; b += 2) { /* 2 x 2 tiles */
            const __m128d x = _mm_loadu_pd(in + a * li + b), y = _mm_loadu_pd(in + (a + 1) * li + b);
            _mm_storeu_pd(out + b * lo + a, _mm_unpacklo_pd(x, y));
            _mm_storeu_pd(out + (b + 1) * lo + a, _mm_unpackhi_pd(x, y));
        }
#else
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) out[j * lo + i] = in[i * li + j];
#endif
}

static int precondition_f32(ptrdiff_t n, float *W, float *Vt)
{
    (void)n, (void)W, (void)Vt;
    return FL_OK; /* float32 has no cheaper precision below it */
}

#define FL_TYPED(name) name##_f32
#define FL_T float
#define FL_EPS FLT_EPSILON
#include "jacobi_tmpl.h"
#undef FL_TYPED
#undef FL_T
#undef FL_EPS

/* Most of Jacobi's sweeps only bring A close to diagonal; the last two or three
 * give the digits. So float64 input is first diagonalised in float32 (twice the
 * SIMD width, half the bytes), giving approximate eigenvectors Q (as rows).
 * Q is made orthogonal to float64 precision by two Newton-Schulz steps,
 * Q <- Q + (I - Q Q^T) Q / 2, and float64 Jacobi then runs on Q W Q^T, from
 * Vt = Q. Skipped for graded matrices (diagonal entries spanning more than
 * 2^40): float32 would lose the small entries that carry their small eigenvalues.
 * W is scaled so that its largest entry is near 1 (fl_eigh). */
#define FL_PRECONDITION_SPAN 0x1p-40
#ifndef FL_PRECONDITION_TOL
#define FL_PRECONDITION_TOL 1e-5
#endif

/* out (n x n) = in^T: 4 x 4 tiles (transpose4_f64) in blocks of 32 so both sides stay in cache */
static void transpose(ptrdiff_t n, const double *in, double *out)
{
    const ptrdiff_t n4 = n & ~(ptrdiff_t)3;
    for (ptrdiff_t i0 = 0; i0 < n4; i0 += 32)
        for (ptrdiff_t j0 = 0; j0 < n4; j0 += 32)
            for (ptrdiff_t i = i0; i < i0 + 32 && i < n4; i += 4)
                for (ptrdiff_t j = j0; j < j0 + 32 && j < n4; j += 4) transpose4_f64(in + i * n + j, n, out + j * n + i, n);
    for (ptrdiff_t i = 0; i < n; i++) /* the last rows and columns, short of a tile */
        for (ptrdiff_t j = i < n4 ? n4 : 0; j < n; j++) out[j * n + i] = in[i * n + j];
}

static int precondition_f64(ptrdiff_t n, double *W, double *Vt)
{
    if (n <= 2 * FL_JACOBI_BLOCK) return FL_OK;
    double dmax = 0;
    for (ptrdiff_t i = 0; i < n; i++) dmax = fmax(dmax, fabs(W[i * n + i]));
    for (ptrdiff_t i = 0; i < n; i++) {
        double di = fabs(W[i * n + i]);
        if (di != 0 && di < FL_PRECONDITION_SPAN * dmax) return FL_OK;
    }
    size_t nn = (size_t)(n * n);
    float *W32 = fl_malloc(nn * sizeof(float)), *Q32 = fl_malloc(nn * sizeof(float));
    double *Q = fl_malloc(nn * sizeof(double)), *E = fl_malloc(nn * sizeof(double)),
           *T = fl_malloc(nn * sizeof(double));
    int st = (W32 && Q32 && Q && E && T) ? FL_OK : FL_ENOMEM, sweeps;
    if (st == FL_OK) {
        for (size_t i = 0; i < nn; i++) W32[i] = (float)W[i], Q32[i] = 0;
        for (ptrdiff_t i = 0; i < n; i++) Q32[i * n + i] = 1;
        st = jacobi_run_f32(n, W32, Q32, FL_PRECONDITION_TOL, 30, &sweeps);
        if (st == FL_ENOCONV) st = FL_OK; /* a preconditioner need not converge */
    }
    /* Q^T is kept as a contiguous copy: the GEMM packs a contiguous operand
     * faster than a transposed view */
    double *Qt = W32 && Q32 ? fl_malloc(nn * sizeof(double)) : NULL;
    if (st == FL_OK && !Qt) st = FL_ENOMEM;
    if (st == FL_OK) {
        for (size_t i = 0; i < nn; i++) Q[i] = Q32[i];
        for (int step = 0; step < 2 && st == FL_OK; step++) { /* Newton-Schulz */
            transpose(n, Q, Qt);
            st = fl_gemm_f64(n, n, n, Q, n, 1, Qt, n, 1, E, n, 1, 1); /* E = Q Q^T */
            if (st == FL_OK) st = fl_gemm_f64(n, n, n, E, n, 1, Q, n, 1, T, n, 1, 1);
            if (st == FL_OK)
                for (size_t i = 0; i < nn; i++) Q[i] = 1.5 * Q[i] - 0.5 * T[i];
        }
    }
    if (st == FL_OK) {
        transpose(n, Q, Qt);
        st = fl_gemm_f64(n, n, n, W, n, 1, Qt, n, 1, T, n, 1, 1); /* T = W Q^T */
    }
    if (st == FL_OK) st = fl_gemm_f64(n, n, n, Q, n, 1, T, n, 1, E, n, 1, 1); /* E = Q W Q^T */
    if (st == FL_OK) {
        for (ptrdiff_t i = 0; i < n; i++)
            for (ptrdiff_t j = 0; j <= i; j++) W[i * n + j] = W[j * n + i] = (E[i * n + j] + E[j * n + i]) / 2;
        if (Vt) memcpy(Vt, Q, nn * sizeof(double));
    }
    fl_free(Qt);
    fl_free(W32), fl_free(Q32), fl_free(Q), fl_free(E), fl_free(T);
    return st;
}

#define FL_TYPED(name) name##_f64
#define FL_T double
#define FL_EPS DBL_EPSILON
#include "jacobi_tmpl.h"
