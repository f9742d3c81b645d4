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
