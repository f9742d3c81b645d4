/* refine.c: Ogita-Aishima refinement of approximate eigenvectors, the step
 * between eigh's float32 Jacobi pass and its float64 Jacobi sweeps.
 *
 * Q's rows are nearly orthonormal eigenvectors of the symmetric W. With
 * X = Q^T, one step is (Ogita & Aishima 2018)
 *     R = I - X^T X,   S = X^T W X,   l_i = S_ii / (1 - R_ii),
 *     D_ij = (S_ij + l_j R_ij) / (l_j - l_i)    i != j, l_i and l_j apart,
 *     D_ij = R_ij / 2                            otherwise (and on the diagonal),
 *     X <- X + X D,   that is   Q <- Q + D^T Q.
 * The first line of D turns X towards the eigenvectors, the second makes it
 * orthogonal; both errors square at each step. So float32's 1e-3 reaches
 * float64's 1e-16 in three steps of a few n x n GEMMs, where float64 Jacobi
 * needs two sweeps of about ten times their cost. Pairs too close for the
 * first line keep the second only: the Jacobi sweeps after rotate them exactly.
 *
 * D is small, so D^T Q is computed in float32: its rounding, 1e-7 of D's size,
 * is squared away by the next step, and is below float64's at the last. */
#include "../internal.h"
#include "transpose.h"

#include <math.h>
#include <string.h>

/* a pair is separated when its eigenvalues are more than FL_REFINE_GAP times
 * the largest apart, and its D_ij below FL_REFINE_SEPARATED; closer pairs
 * would take S's rounding into D divided by a tiny gap, and are left to Jacobi */
#define FL_REFINE_GAP 1e-4
#define FL_REFINE_SEPARATED 1e-2
/* a step with every D_ij below this is the last: D^2 is below float64's rounding */
#define FL_REFINE_LAST 1e-8
#define FL_REFINE_MAX_STEPS 8
#define FL_REFINE_ROWS 64 /* gemm_upper's block rows */

/* The buffers, n x n, are used twice over: Q^T is only needed until S is
 * made, so D^T takes its place; W Q^T likewise, and its 8 n^2 bytes then hold
 * X and P, 4 n^2 bytes each. Fewer new pages to clear at every call. */
typedef struct {
    ptrdiff_t n;
    double *Qt, *G, *T, *S; /* Q^T, Q Q^T, W Q^T, Q W Q^T */
    float *Dt, *X, *P;      /* D^T (in Qt); a float32 copy of Q or S, and D^T times it (in T) */
    double *l;              /* n: the eigenvalue estimates */
} fl_refine_work;

/* C (n x n) = A B for a symmetric product (Q Q^T, Q W Q^T): only the blocks on
 * and above the diagonal, in block rows of FL_REFINE_ROWS, at a little over
 * half the cost. The rest of C is left as it was. */
static int gemm_upper(ptrdiff_t n, const double *A, const double *B, double *C)
{
    for (ptrdiff_t i = 0; i < n; i += FL_REFINE_ROWS) {
        const ptrdiff_t rows = n - i < FL_REFINE_ROWS ? n - i : FL_REFINE_ROWS;
        int st = fl_gemm_f64(rows, n - i, n, A + i * n, n, 1, B + i, n, 1, C + i * n + i, n, 1, 0);
        if (st != FL_OK) return st;
    }
    return FL_OK;
}

/* Dt = D^T (float32) from the upper triangles of G = Q Q^T and S = Q W Q^T
 * (S made whole and symmetric here), with every pair kept to R_ij / 2 unless
 * `separate`; returns the largest |D_ij|, or NaN when a NaN appeared. The
 * pairs go in 32 x 32 tiles, so that the writes below the diagonal (column
 * j of Dt and S) stay in a few cache lines. */
static double correction(fl_refine_work *w, int separate)
{
    const ptrdiff_t n = w->n, tile = 32;
    const double *G = w->G, *l = w->l;
    double *S = w->S, lmax = 0, dmax = 0;
    float *Dt = w->Dt;
    int finite = 1;
    for (ptrdiff_t i = 0; i < n; i++) {
        w->l[i] = S[i * n + i] / G[i * n + i];
        lmax = FL_MAX(lmax, fabs(l[i]));
    }
    const double min_gap = separate ? FL_REFINE_GAP * lmax : INFINITY;
    for (ptrdiff_t i = 0; i < n; i++) {
        const double r = 1 - G[i * n + i];
        Dt[i * n + i] = (float)(r / 2);
        dmax = FL_MAX(dmax, fabs(r / 2));
    }
    for (ptrdiff_t i0 = 0; i0 < n; i0 += tile)
        for (ptrdiff_t j0 = i0; j0 < n; j0 += tile)
            for (ptrdiff_t i = i0; i < i0 + tile && i < n; i++)
                for (ptrdiff_t j = j0 > i ? j0 : i + 1; j < j0 + tile && j < n; j++) {
                    const double s = S[i * n + j], rij = -G[i * n + j], gap = l[j] - l[i], inv = 1 / gap;
                    /* computed for every pair and then chosen, without a branch:
                     * a NaN or infinity from a zero gap fails the test */
                    const double a = (s + l[j] * rij) * inv, b = -(s + l[i] * rij) * inv;
                    const int ok = fabs(gap) > min_gap && fabs(a) < FL_REFINE_SEPARATED && fabs(b) < FL_REFINE_SEPARATED;
                    const double dij = ok ? a : rij / 2, dji = ok ? b : rij / 2;
                    S[j * n + i] = s;
                    Dt[j * n + i] = (float)dij, Dt[i * n + j] = (float)dji;
                    dmax = FL_MAX(dmax, FL_MAX(fabs(dij), fabs(dji)));
                    finite &= isfinite(dij) && isfinite(dji);
                }
    return finite && isfinite(dmax) ? dmax : NAN;
}

/* P = D^T M in float32, M being n x n float64 (Q or S) */
static int times_dt(fl_refine_work *w, const double *M)
{
    const size_t nn = (size_t)(w->n * w->n);
    for (size_t i = 0; i < nn; i++) w->X[i] = (float)M[i];
    return fl_gemm_f32(w->n, w->n, w->n, w->Dt, w->n, 1, w->X, w->n, 1, w->P, w->n, 1, 0);
}

static int refine_mode = FL_REFINE_PAIRS;
void fl_set_eigh_refine(fl_refine_mode mode) { FL_STORE(int, &refine_mode, (int)mode); }

static int refine(fl_refine_work *w, double *W, double *Q)
{
    const int mode = FL_LOAD(int, &refine_mode);
    if (mode == FL_REFINE_NONE) return FL_ENOCONV;
    const ptrdiff_t n = w->n;
    const size_t nn = (size_t)(n * n);
    double last = INFINITY;
    int separate = mode == FL_REFINE_PAIRS;
    for (int step = 0; step < FL_REFINE_MAX_STEPS; step++) {
        if (fl_stop_requested()) return FL_EINTR;
        transpose_f64(n, Q, w->Qt);
        int st = gemm_upper(n, Q, w->Qt, w->G);
        if (st == FL_OK) st = fl_gemm_f64(n, n, n, W, n, 1, w->Qt, n, 1, w->T, n, 1, 0);
        if (st == FL_OK) st = gemm_upper(n, Q, w->T, w->S);
        if (st != FL_OK) return st;
        double dmax = correction(w, separate);
        if (separate && !(dmax < last / 4)) /* stalled on pairs too close: make Q */
            dmax = correction(w, separate = 0); /* orthogonal, and leave them to Jacobi */
        if (!(dmax < 1)) return FL_ENOCONV; /* diverging, or NaN */
        last = dmax;
        if ((st = times_dt(w, Q)) != FL_OK) return st;
        for (size_t i = 0; i < nn; i++) Q[i] += w->P[i];
        if (dmax < FL_REFINE_LAST) { /* W <- Q W Q^T = S + D^T S + S D, S D = (D^T S)^T */
            if ((st = times_dt(w, w->S)) != FL_OK) return st;
            for (ptrdiff_t i0 = 0; i0 < n; i0 += 32) /* in 32 x 32 tiles: P's column stays in cache */
                for (ptrdiff_t j0 = 0; j0 < n; j0 += 32)
                    for (ptrdiff_t i = i0; i < i0 + 32 && i < n; i++)
                        for (ptrdiff_t j = j0; j < j0 + 32 && j < n; j++)
                            W[i * n + j] = w->S[i * n + j] + ((double)w->P[i * n + j] + w->P[j * n + i]);
            return FL_OK;
        }
    }
    return FL_ENOCONV;
}

int fl_eigh_refine_f64(ptrdiff_t n, double *W, double *Q)
{
    const size_t nn = (size_t)(n * n);
    fl_refine_work w = {n, fl_malloc(nn * sizeof(double)), fl_malloc(nn * sizeof(double)),
                        fl_malloc(nn * sizeof(double)), fl_malloc(nn * sizeof(double)),
                        NULL, NULL, NULL, fl_malloc((size_t)n * sizeof(double))};
    int st = FL_ENOMEM;
    if (w.Qt && w.G && w.T && w.S && w.l) {
        w.Dt = (float *)w.Qt, w.X = (float *)w.T, w.P = (float *)w.T + nn;
        st = refine(&w, W, Q);
    }
    fl_free(w.Qt), fl_free(w.G), fl_free(w.T), fl_free(w.S), fl_free(w.l);
    return st;
}
