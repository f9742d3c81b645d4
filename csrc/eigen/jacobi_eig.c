/* jacobi_eig.c: fl_eigh for float64 and float32, from one template, and the
 * float32 pass that lets float64 Jacobi start close to diagonal. */
#include "../internal.h"
#include "transpose.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

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
 * Ogita-Aishima steps (refine.c) then make Q accurate and orthogonal to float64
 * precision, and float64 Jacobi runs on Q W Q^T from Vt = Q: usually a sweep
 * that checks and rotates a few close pairs. Skipped for graded matrices
 * (diagonal entries spanning more than 2^40): float32 would lose the small
 * entries that carry their small eigenvalues. W is scaled so that its largest
 * entry is near 1 (fl_eigh). The float32 pass ends at a sweep of n / 4
 * rotations or fewer (of n^2 / 2 pairs): the pairs it leaves are close, and the
 * float64 sweeps rotate them. */
#define FL_PRECONDITION_SPAN 0x1p-40
#ifndef FL_PRECONDITION_TOL
#define FL_PRECONDITION_TOL 1e-5
#endif

/* W (rows and columns) and the rows of Q put in the order of W's diagonal, the
 * eigenvalue estimates: Q's rows into Vt (when wanted), W's through Q, free
 * after. Close eigenvalues, the pairs the float64 sweeps still rotate, are then
 * in few blocks, and fewer pairs of blocks take the full update. At n = 500 a
 * geometric spectrum from 1 to 1e-15 (whose small eigenvalues, close next to the
 * largest, take some 20 float64 sweeps) went from 615 to 435 ms, a matrix with
 * half its eigenvalues zero from 362 to 234 ms. */
typedef struct {
    double d;
    ptrdiff_t i;
} fl_diagonal_entry;

static int by_diagonal(const void *a, const void *b)
{
    const double x = ((const fl_diagonal_entry *)a)->d, y = ((const fl_diagonal_entry *)b)->d;
    return (x > y) - (x < y);
}

static int sort_by_diagonal(ptrdiff_t n, double *W, double *Q, double *Vt)
{
    fl_diagonal_entry *order = fl_malloc((size_t)n * sizeof *order);
    if (!order) return FL_ENOMEM;
    for (ptrdiff_t i = 0; i < n; i++) order[i].d = W[i * n + i], order[i].i = i;
    qsort(order, (size_t)n, sizeof *order, by_diagonal);
    if (Vt)
        for (ptrdiff_t i = 0; i < n; i++) memcpy(Vt + i * n, Q + order[i].i * n, (size_t)n * sizeof(double));
    for (ptrdiff_t i = 0; i < n; i++) {
        const double *row = W + order[i].i * n;
        for (ptrdiff_t j = 0; j < n; j++) Q[i * n + j] = row[order[j].i];
    }
    memcpy(W, Q, (size_t)(n * n) * sizeof(double));
    fl_free(order);
    return FL_OK;
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
    double *Q = fl_malloc(nn * sizeof(double));
    int st = (W32 && Q32 && Q) ? FL_OK : FL_ENOMEM, sweeps;
    if (st == FL_OK) {
        for (size_t i = 0; i < nn; i++) W32[i] = (float)W[i], Q32[i] = 0;
        for (ptrdiff_t i = 0; i < n; i++) Q32[i * n + i] = 1;
        st = jacobi_run_f32(n, W32, Q32, FL_PRECONDITION_TOL, 30, n / 4, &sweeps);
        if (st == FL_ENOCONV) st = FL_OK; /* a preconditioner need not converge */
    }
    if (st == FL_OK && sweeps > 1) { /* one sweep of few rotations: W is diagonal enough */
        for (size_t i = 0; i < nn; i++) Q[i] = Q32[i];
        st = fl_eigh_refine_f64(n, W, Q);
        if (st == FL_OK) st = sort_by_diagonal(n, W, Q, Vt);
        if (st == FL_ENOCONV) st = FL_OK; /* W is as it was: Jacobi from the identity */
    }
    fl_free(W32), fl_free(Q32), fl_free(Q);
    return st;
}

#define FL_TYPED(name) name##_f64
#define FL_T double
#define FL_EPS DBL_EPSILON
#include "jacobi_tmpl.h"
