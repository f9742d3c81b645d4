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

/* The six dot products among four contiguous columns a, b, c, d (n long), in
 * double, in one pass: g = (a.b, a.c, a.d, b.c, b.d, c.d). The one-sided
 * Jacobi SVD takes a 2 x 2 tile of pairs from them (svd/jacobi_svd_tmpl.h). */
void FL_K(gram4)(ptrdiff_t n, const FL_T *a, const FL_T *b, const FL_T *c, const FL_T *d, double *g)
{
    fl_w ab = FL_WZERO(), ac = FL_WZERO(), ad = FL_WZERO(), bc = FL_WZERO(), bd = FL_WZERO(), cd = FL_WZERO();
    ptrdiff_t i = 0;
    for (; i + FL_WLEN <= n; i += FL_WLEN) {
        fl_w va = FL_WLOAD(a + i), vb = FL_WLOAD(b + i), vc = FL_WLOAD(c + i), vd = FL_WLOAD(d + i);
        ab = FL_WFMA(va, vb, ab), ac = FL_WFMA(va, vc, ac), ad = FL_WFMA(va, vd, ad);
        bc = FL_WFMA(vb, vc, bc), bd = FL_WFMA(vb, vd, bd), cd = FL_WFMA(vc, vd, cd);
    }
    double s[6] = {FL_WHSUM(ab), FL_WHSUM(ac), FL_WHSUM(ad), FL_WHSUM(bc), FL_WHSUM(bd), FL_WHSUM(cd)};
    for (; i < n; i++) {
        double x = a[i], y = b[i], z = c[i], w = d[i];
        s[0] += x * y, s[1] += x * z, s[2] += x * w, s[3] += y * z, s[4] += y * w, s[5] += z * w;
    }
    for (int k = 0; k < 6; k++) g[k] = s[k];
}

/* Four plane rotations of a 2 x 2 tile of pairs in one pass, in this order:
 * (p1, q1) by (c[0], s[0]), (p2, q2) by 1, (p1, q2) by 2, (p2, q1) by 3, each
 * x <- c x - s y, y <- s x + c y as rot does (c = 1, s = 0 leaves a pair as it is). */
void FL_K(rot4)(ptrdiff_t n, FL_T *restrict p1, FL_T *restrict p2, FL_T *restrict q1, FL_T *restrict q2,
                const FL_T *cs, const FL_T *sn)
{
    const FL_T c0 = cs[0], c1 = cs[1], c2 = cs[2], c3 = cs[3];
    const FL_T s0 = sn[0], s1 = sn[1], s2 = sn[2], s3 = sn[3];
    for (ptrdiff_t k = 0; k < n; k++) {
        FL_T a = p1[k], b = p2[k], x = q1[k], y = q2[k], t;
        t = c0 * a - s0 * x, x = s0 * a + c0 * x, a = t;
        t = c1 * b - s1 * y, y = s1 * b + c1 * y, b = t;
        t = c2 * a - s2 * y, y = s2 * a + c2 * y, a = t;
        t = c3 * b - s3 * x, x = s3 * b + c3 * x, b = t;
        p1[k] = a, p2[k] = b, q1[k] = x, q2[k] = y;
    }
}
