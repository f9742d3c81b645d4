/* qr_tmpl.h: Householder QR with column pivoting, for one dtype (included by
 * qr.c). The matrix is column-major (ld = m) so that every reflector and every
 * column it updates is contiguous.
 *
 *   A P = Q R,   Q = H_0 H_1 ... H_{n-1},   H_j = I - tau_j v_j v_j^T
 *
 * At step j the column of largest remaining norm is moved to position j (the
 * pivot), so |r_00| >= |r_11| >= ... and R reveals the rank. The remaining norms
 * are downdated after each step and recomputed when cancellation has made the
 * downdate unreliable (LAPACK's dlaqp2, Drmac & Bujanovic 2008). */

/* The reflector H = I - tau v v^T (v_0 = 1) with H x = (beta, 0, ..., 0):
 * x (length len) is overwritten by (beta, v_1, ..., v_{len-1}); returns tau. */
static FL_T FL_TYPED(householder)(ptrdiff_t len, FL_T *x)
{
#if FL_SVD_F32
    /* in double: a float32 result would round a subnormal length to a few bits,
     * and tau would no longer match v (H not orthogonal) */
    double tail = sqrt(fl_kernels()->sumsq_f32(len - 1, x + 1));
#else
    double tail;
    fl_nrm2_f64(len - 1, x + 1, 1, &tail);
#endif
    if (tail == 0) return 0; /* already (alpha, 0, ...): H = I */
    double alpha = x[0], beta = -copysign(hypot(alpha, tail), alpha);
    double scale = 1.0 / (alpha - beta);
    for (ptrdiff_t i = 1; i < len; i++) x[i] = (FL_T)(x[i] * scale);
    x[0] = (FL_T)beta;
    return (FL_T)((beta - alpha) / beta);
}

/* y <- H y for H = I - tau v v^T, v = (1, v[1..len-1]) */
static void FL_TYPED(reflect)(ptrdiff_t len, const FL_T *v, FL_T tau, FL_T *y)
{
    if (tau == 0) return;
    const fl_kernel_table *K = fl_kernels();
    double w = (double)y[0] + (len > 1 ? (double)K->FL_TYPED(dot)(len - 1, v + 1, y + 1) : 0.0);
    FL_T f = (FL_T)(tau * w);
    y[0] -= f;
    for (ptrdiff_t i = 1; i < len; i++) y[i] -= f * v[i];
}

/* X (m x n, column-major, m >= n) <- R above the diagonal and the reflectors
 * below it; tau[j], and perm[j] = the original index of column j.
 * norms: 2n doubles of workspace. FL_EINTR if a stop was requested. */
static int FL_TYPED(qrp)(ptrdiff_t m, ptrdiff_t n, FL_T *X, FL_T *tau, ptrdiff_t *perm, double *norms)
{
    double *vn1 = norms, *vn2 = norms + n; /* current and last recomputed norms */
    const double tol3z = sqrt(FL_EPS);
    for (ptrdiff_t j = 0; j < n; j++) {
        FL_T r;
        FL_TYPED(fl_nrm2)(m, X + j * m, 1, &r);
        vn1[j] = vn2[j] = r;
        perm[j] = j;
    }
    for (ptrdiff_t j = 0; j < n; j++) {
        if (fl_stop_requested()) return FL_EINTR;
        ptrdiff_t p = j;
        for (ptrdiff_t k = j + 1; k < n; k++)
            if (vn1[k] > vn1[p]) p = k;
        if (p != j) { /* the pivot: the longest remaining column goes first */
            FL_T *a = X + j * m, *b = X + p * m;
            for (ptrdiff_t i = 0; i < m; i++) {
                FL_T t = a[i];
                a[i] = b[i];
                b[i] = t;
            }
            ptrdiff_t tp = perm[j];
            perm[j] = perm[p], perm[p] = tp;
            vn1[p] = vn1[j], vn2[p] = vn2[j];
        }
        FL_T *v = X + j * m + j;
        tau[j] = FL_TYPED(householder)(m - j, v);
        FL_T beta = v[0];
        v[0] = 1;
        for (ptrdiff_t k = j + 1; k < n; k++) FL_TYPED(reflect)(m - j, v, tau[j], X + k * m + j);
        v[0] = beta;
        for (ptrdiff_t k = j + 1; k < n; k++) { /* downdate the remaining norms */
            if (vn1[k] == 0) continue;
            double t = fabs((double)X[k * m + j]) / vn1[k];
            t = fmax(0.0, (1.0 + t) * (1.0 - t));
            double t2 = t * (vn1[k] / vn2[k]) * (vn1[k] / vn2[k]);
            if (t2 <= tol3z) { /* too much cancelled: recompute */
                FL_T r = 0;
                if (j + 1 < m) FL_TYPED(fl_nrm2)(m - j - 1, X + k * m + j + 1, 1, &r);
                vn1[k] = vn2[k] = r;
            } else {
                vn1[k] *= sqrt(t);
            }
        }
    }
    return FL_OK;
}

/* Q's first qcols columns (m x qcols, column-major, ld m; n <= qcols <= m) from
 * the reflectors that qrp left in X, by backward accumulation. v: m workspace. */
static void FL_TYPED(form_q)(ptrdiff_t m, ptrdiff_t n, const FL_T *X, const FL_T *tau, ptrdiff_t qcols,
                             FL_T *Q, FL_T *v)
{
    for (ptrdiff_t k = 0; k < qcols; k++) {
        for (ptrdiff_t i = 0; i < m; i++) Q[k * m + i] = 0;
        Q[k * m + k] = 1;
    }
    for (ptrdiff_t j = n - 1; j >= 0; j--) {
        if (tau[j] == 0) continue;
        const FL_T *src = X + j * m + j; /* v = (1, X[j+1.., j]) */
        v[0] = 1;
        for (ptrdiff_t i = 1; i < m - j; i++) v[i] = src[i];
        for (ptrdiff_t k = j; k < qcols; k++) FL_TYPED(reflect)(m - j, v, tau[j], Q + k * m + j);
    }
}
