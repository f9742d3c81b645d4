/* jacobi_kernel.h: one sweep of scalar Jacobi rotations on a small symmetric
 * block, written once and compiled per ISA and dtype (the row rotations are
 * plain loops the compiler vectorises with that ISA's registers).
 *
 * S is m x m, row-major, full symmetric storage. With split <= 0 the sweep
 * visits every pair p < q; with split > 0 only p < split <= q (the pairs between
 * two blocks). The pair (p, q) is rotated when
 *     |s_pq| > tol * sqrt|s_pp| * sqrt|s_qq|
 * by the rotation that zeroes s_pq (Rutishauser's formulas). The new s_pq is
 * stored as an exact zero: an entry only grows back through later rotations of
 * its row, so entries that belong to tiny eigenvalues stay tiny (recomputing
 * s_pq from other data would add rounding noise of size eps |S| and rotations
 * would never stop on rank-deficient input). Rows p and q of Qt (m columns) get
 * the same rotation unless Qt is NULL. Returns the number of rotations. */

static FL_ALWAYS_INLINE void FL_K(rot_rows)(ptrdiff_t n, FL_T *restrict x, FL_T *restrict y, FL_T c, FL_T s)
{
    for (ptrdiff_t k = 0; k < n; k++) {
        FL_T a = x[k], b = y[k];
        x[k] = c * a - s * b;
        y[k] = s * a + c * b;
    }
}

long FL_K(jacobi_sweep)(ptrdiff_t m, ptrdiff_t split, FL_T *S, FL_T *Qt, double tol)
{
    long rotations = 0;
    ptrdiff_t p_end = split > 0 ? split : m - 1;
    for (ptrdiff_t p = 0; p < p_end; p++) {
        for (ptrdiff_t q = split > 0 ? split : p + 1; q < m; q++) {
            FL_T *Sp = S + p * m, *Sq = S + q * m;
            double apq = Sp[q], app = Sp[p], aqq = Sq[q];
            if (fabs(apq) <= tol * sqrt(fabs(app)) * sqrt(fabs(aqq))) continue;
            /* t = tan(angle): the smaller root of t^2 + 2 t theta - 1 = 0 */
            double theta = (aqq - app) / (2.0 * apq);
            double t = fabs(theta) > 1e150 ? 0.5 / theta
                                           : (theta >= 0 ? 1.0 : -1.0) / (fabs(theta) + sqrt(1.0 + theta * theta));
            double c = 1.0 / sqrt(1.0 + t * t), s = t * c;
            FL_K(rot_rows)(m, Sp, Sq, (FL_T)c, (FL_T)s);
            for (ptrdiff_t k = 0; k < m; k++) { /* columns p and q, by symmetry */
                S[k * m + p] = Sp[k];
                S[k * m + q] = Sq[k];
            }
            Sp[p] = (FL_T)(app - t * apq);
            Sq[q] = (FL_T)(aqq + t * apq);
            Sp[q] = Sq[p] = 0;
            if (Qt) FL_K(rot_rows)(m, Qt + p * m, Qt + q * m, (FL_T)c, (FL_T)s);
            rotations++;
        }
    }
    return rotations;
}

/* x <- c x - s y, y <- s x + c y for contiguous x, y (a plane rotation, BLAS rot) */
void FL_K(rot)(ptrdiff_t n, FL_T *x, FL_T *y, FL_T c, FL_T s)
{
    FL_K(rot_rows)(n, x, y, c, s);
}

/* A tile of the one-sided Jacobi SVD (svd/jacobi_svd_tmpl.h): the columns
 * p0..p3 (cols[0..3]) against q0..q3 (cols[4..7]), sixteen pairs in four steps
 * of four disjoint ones, step t pairing p_i with q_(i+t) mod 4. */
#include "jacobi_tile.h"

/* The 28 dot products among the tile's eight columns (n long) in one pass:
 * g[k] for i < j in the order (0,1), (0,2), ..., (6,7). gram8 sums in double
 * (W: double vectors), gram8_lo (float32 only) in float32 (V: twice the
 * lanes), for a preconditioner's sweeps. */
#define FL_GRAM8_BODY(VT, ZERO, LOAD, FMA, HSUM, LEN)                                   \
    do {                                                                                \
        const FL_T *c[FL_TILE_COLS];                                                   \
        for (int i = 0; i < FL_TILE_COLS; i++) c[i] = cols[i];                         \
        VT acc[28];                                                                     \
        for (int k = 0; k < 28; k++) acc[k] = ZERO();                                   \
        ptrdiff_t r = 0;                                                                \
        for (; r + LEN <= n; r += LEN) {                                                \
            VT v[FL_TILE_COLS];                                                         \
            _Pragma("GCC unroll 8") for (int i = 0; i < FL_TILE_COLS; i++) v[i] = LOAD(c[i] + r); \
            int k = 0;                                                                  \
            _Pragma("GCC unroll 8") for (int i = 0; i < FL_TILE_COLS; i++)             \
                _Pragma("GCC unroll 8") for (int j = i + 1; j < FL_TILE_COLS; j++, k++) \
                    acc[k] = FMA(v[i], v[j], acc[k]);                                   \
        }                                                                               \
        for (int k = 0; k < 28; k++) g[k] = HSUM(acc[k]);                               \
        for (; r < n; r++) {                                                            \
            int k = 0;                                                                  \
            for (int i = 0; i < FL_TILE_COLS; i++)                                      \
                for (int j = i + 1; j < FL_TILE_COLS; j++, k++) g[k] += (double)c[i][r] * c[j][r]; \
        }                                                                               \
    } while (0)

void FL_K(gram8)(ptrdiff_t n, FL_T *const *cols, double *g)
{
    FL_GRAM8_BODY(fl_w, FL_WZERO, FL_WLOAD, FL_WFMA, FL_WHSUM, FL_WLEN);
}

#if FL_F32 /* for float64 it would be gram8 again */
void FL_K(gram8_lo)(ptrdiff_t n, FL_T *const *cols, double *g)
{
    FL_GRAM8_BODY(fl_v, FL_VZERO, FL_VLOADU, FL_VFMA, FL_VHSUM, FL_VLEN);
}
#endif

/* The tile's sixteen rotations in one pass, in their order (rotation 4 t + i
 * pairs p_i with q_(i+t) mod 4), as fast (scaled) rotations of two
 * multiply-adds each: x <- x + al y, y <- y + be x on (p_i, q). The caller keeps
 * each column's scale: a plane rotation by (c, s) of the columns d_x x and d_y y
 * is c d_x (x - t (d_y / d_x) y) and c d_y (y + t (d_x / d_y) x), t = s / c.
 * al = be = 0 leaves a pair as it is. Written with the vector macros: the
 * compiler does not vectorise eight streams by itself. */
void FL_K(rot16)(ptrdiff_t n, FL_T *const *cols, const FL_T *al, const FL_T *be)
{
    FL_T *x[FL_TILE_COLS];
    for (int i = 0; i < FL_TILE_COLS; i++) x[i] = cols[i];
    fl_v va[FL_TILE_PAIRS], vb[FL_TILE_PAIRS];
    for (int k = 0; k < FL_TILE_PAIRS; k++) va[k] = FL_VSET1(al[k]), vb[k] = FL_VSET1(be[k]);
    ptrdiff_t r = 0;
    for (; r + FL_VLEN <= n; r += FL_VLEN) {
        fl_v v[FL_TILE_COLS];
#pragma GCC unroll 8
        for (int i = 0; i < FL_TILE_COLS; i++) v[i] = FL_VLOADU(x[i] + r);
#pragma GCC unroll 4
        for (int t = 0; t < 4; t++)
#pragma GCC unroll 4
            for (int i = 0; i < 4; i++) {
                const int j = FL_TILE_Q(t, i), k = 4 * t + i;
                fl_v a = v[i], b = v[j];
                v[i] = FL_VFMA(va[k], b, a);
                v[j] = FL_VFMA(vb[k], a, b);
            }
#pragma GCC unroll 8
        for (int i = 0; i < FL_TILE_COLS; i++) FL_VSTOREU(x[i] + r, v[i]);
    }
    for (; r < n; r++) {
        FL_T v[FL_TILE_COLS];
        for (int i = 0; i < FL_TILE_COLS; i++) v[i] = x[i][r];
        for (int t = 0; t < 4; t++)
            for (int i = 0; i < 4; i++) {
                const int j = FL_TILE_Q(t, i), k = 4 * t + i;
                FL_T a = v[i], b = v[j];
                v[i] = a + al[k] * b;
                v[j] = b + be[k] * a;
            }
        for (int i = 0; i < FL_TILE_COLS; i++) x[i][r] = v[i];
    }
}
