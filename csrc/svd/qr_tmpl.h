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

#ifndef FL_QR_BLOCK
#define FL_QR_BLOCK 32         /* reflectors applied together by the GEMM */
#define FL_QR_CHUNK 256        /* columns of Q updated together (bounds the workspace) */
#define FL_QRP_BLOCKED_MIN 96  /* n >= this: the pivoted QR in panels */
#endif

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

/* Pivot j: the longest remaining column (by vn1) moves to position j; its
 * index is returned (the swap is left to the caller when it has more to swap). */
static ptrdiff_t FL_TYPED(qrp_pivot)(ptrdiff_t m, ptrdiff_t n, FL_T *X, ptrdiff_t *perm, double *vn1, double *vn2,
                                     ptrdiff_t j)
{
    ptrdiff_t p = j;
    for (ptrdiff_t k = j + 1; k < n; k++)
        if (vn1[k] > vn1[p]) p = k;
    if (p != j) {
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
    return p;
}

/* The norm of column k below row j, downdated by its entry x_jk (LAPACK's rule);
 * 0 where the downdate has cancelled too much and the norm must be recomputed. */
static int FL_TYPED(qrp_downdate)(double x, double *vn1, double *vn2)
{
    if (*vn1 == 0) return 1;
    double t = fabs(x) / *vn1;
    t = fmax(0.0, (1.0 + t) * (1.0 - t));
    double t2 = t * (*vn1 / *vn2) * (*vn1 / *vn2);
    if (t2 <= sqrt(FL_EPS)) return 0;
    *vn1 *= sqrt(t);
    return 1;
}

/* Steps j0.. of the pivoted QR, one column at a time (LAPACK's dlaqp2), the
 * norms vn1, vn2 current for the columns j0.. */
static int FL_TYPED(qrp_steps)(ptrdiff_t m, ptrdiff_t n, FL_T *X, FL_T *tau, ptrdiff_t *perm, double *vn1,
                               double *vn2, ptrdiff_t j0)
{
    for (ptrdiff_t j = j0; j < n; j++) {
        if (fl_stop_requested()) return FL_EINTR;
        FL_TYPED(qrp_pivot)(m, n, X, perm, vn1, vn2, j);
        FL_T *v = X + j * m + j;
        tau[j] = FL_TYPED(householder)(m - j, v);
        FL_T beta = v[0];
        v[0] = 1;
        for (ptrdiff_t k = j + 1; k < n; k++) FL_TYPED(reflect)(m - j, v, tau[j], X + k * m + j);
        v[0] = beta;
        for (ptrdiff_t k = j + 1; k < n; k++) /* downdate the remaining norms, or recompute */
            if (!FL_TYPED(qrp_downdate)(X[k * m + j], &vn1[k], &vn2[k])) {
                FL_T r = 0;
                if (j + 1 < m) FL_TYPED(fl_nrm2)(m - j - 1, X + k * m + j + 1, 1, &r);
                vn1[k] = vn2[k] = r;
            }
    }
    return FL_OK;
}

/* X (m x n, column-major, m >= n) <- R above the diagonal and the reflectors
 * below it; tau[j], and perm[j] = the original index of column j.
 * norms: 2n doubles of workspace. FL_EINTR if a stop was requested.
 *
 * Panels of FL_QR_BLOCK columns as LAPACK's dgeqp3 and dlaqps take them: each
 * step pivots, brings its column up to date with the panel's earlier reflectors,
 * reflects it, and records in F what the reflector does to the columns to its
 * right (F_k = tau_k A^T v_k, less what the earlier ones already did), updating
 * only the row the norms are downdated from; the rest of the matrix is updated
 * once per panel, A -= V F^T by the GEMM. A panel ends early where a norm must
 * be recomputed (its column is not up to date until then). The last columns go
 * one at a time (qrp_steps). */
static int FL_TYPED(qrp)(ptrdiff_t m, ptrdiff_t n, FL_T *X, FL_T *tau, ptrdiff_t *perm, double *norms)
{
    double *vn1 = norms, *vn2 = norms + n; /* current and last recomputed norms */
    const ptrdiff_t nb = FL_QR_BLOCK;
    const fl_kernel_table *K = fl_kernels();
    for (ptrdiff_t j = 0; j < n; j++) {
        FL_T r;
        FL_TYPED(fl_nrm2)(m, X + j * m, 1, &r);
        vn1[j] = vn2[j] = r;
        perm[j] = j;
    }
    if (n < FL_QRP_BLOCKED_MIN) return FL_TYPED(qrp_steps)(m, n, X, tau, perm, vn1, vn2, 0);
    FL_T *F = fl_malloc(sizeof(FL_T) * (size_t)(n * nb)); /* F[k n + j]: panel step k, column j */
    double *aux = fl_malloc(sizeof(double) * (size_t)nb);
    unsigned char *stale = fl_malloc((size_t)n);
    int st = F && aux && stale ? FL_OK : FL_ENOMEM;
    ptrdiff_t j0 = 0;
    while (st == FL_OK && n - j0 > 2 * nb && m - j0 > 2 * nb) {
        if (fl_stop_requested()) {
            st = FL_EINTR;
            break;
        }
        int restart = 0;
        ptrdiff_t kb = 0;
        for (; kb < nb && !restart; kb++) {
            const ptrdiff_t rk = j0 + kb;
            ptrdiff_t p = FL_TYPED(qrp_pivot)(m, n, X, perm, vn1, vn2, rk);
            if (p != rk)
                for (ptrdiff_t k = 0; k < kb; k++) {
                    FL_T t = F[k * n + p];
                    F[k * n + p] = F[k * n + rk], F[k * n + rk] = t;
                }
            FL_T *col = X + rk * m;
            for (ptrdiff_t k = 0; k < kb; k++) { /* the panel's earlier reflectors, rows rk.. */
                const FL_T f = F[k * n + rk], *vk = X + (j0 + k) * m;
                if (f != 0)
                    for (ptrdiff_t i = rk; i < m; i++) col[i] -= f * vk[i];
            }
            FL_T *v = col + rk;
            tau[rk] = FL_TYPED(householder)(m - rk, v);
            FL_T beta = v[0];
            v[0] = 1;
            for (ptrdiff_t j = j0; j <= rk; j++) F[kb * n + j] = 0;
            for (ptrdiff_t j = rk + 1; j < n; j++)
                F[kb * n + j] = tau[rk] * K->FL_TYPED(dot)(m - rk, X + j * m + rk, v);
            for (ptrdiff_t k = 0; k < kb; k++) /* less what the earlier reflectors did */
                aux[k] = -(double)tau[rk] * K->FL_TYPED(dot)(m - rk, X + (j0 + k) * m + rk, v);
            for (ptrdiff_t j = rk + 1; j < n; j++) {
                double t = F[kb * n + j];
                for (ptrdiff_t k = 0; k < kb; k++) t += F[k * n + j] * aux[k];
                F[kb * n + j] = (FL_T)t;
            }
            for (ptrdiff_t j = rk + 1; j < n; j++) { /* row rk of the columns to the right */
                double t = 0;
                for (ptrdiff_t k = 0; k <= kb; k++) t += (double)X[(j0 + k) * m + rk] * F[k * n + j];
                X[j * m + rk] -= (FL_T)t;
                stale[j] = !FL_TYPED(qrp_downdate)(X[j * m + rk], &vn1[j], &vn2[j]);
                restart |= stale[j];
            }
            v[0] = beta;
        }
        const ptrdiff_t r0 = j0 + kb; /* A(r0.., r0..) -= V(r0.., panel) F(r0.., panel)^T */
        for (ptrdiff_t k = 0; k < kb; k++)
            for (ptrdiff_t j = r0; j < n; j++) F[k * n + j] = -F[k * n + j];
        st = FL_TYPED(fl_gemm_add)(m - r0, n - r0, kb, X + j0 * m + r0, 1, m, F + r0, n, 1, X + r0 * m + r0, 1, m);
        for (ptrdiff_t j = r0; st == FL_OK && j < n; j++)
            if (stale[j]) {
                FL_T r = 0;
                FL_TYPED(fl_nrm2)(m - r0, X + j * m + r0, 1, &r);
                vn1[j] = vn2[j] = r;
                stale[j] = 0;
            }
        j0 = r0;
    }
    fl_free(F), fl_free(aux), fl_free(stale);
    return st == FL_OK ? FL_TYPED(qrp_steps)(m, n, X, tau, perm, vn1, vn2, j0) : st;
}

/* Q's first qcols columns, one reflector at a time (level 2): for few reflectors. */
static void FL_TYPED(form_q_unblocked)(ptrdiff_t m, ptrdiff_t n, const FL_T *X, const FL_T *tau,
                                       ptrdiff_t qcols, FL_T *Q, FL_T *v)
{
    for (ptrdiff_t j = n - 1; j >= 0; j--) {
        if (tau[j] == 0) continue;
        const FL_T *src = X + j * m + j; /* v = (1, X[j+1.., j]) */
        v[0] = 1;
        for (ptrdiff_t i = 1; i < m - j; i++) v[i] = src[i];
        for (ptrdiff_t k = j; k < qcols; k++) FL_TYPED(reflect)(m - j, v, tau[j], Q + k * m + j);
    }
}


/* kb reflectors of X from column j0 as one: H_j0 ... H_j0+kb-1 = I - V T V^T (the
 * compact WY form, LAPACK's dlarft): V (rows x kb, column-major) unit lower
 * trapezoidal, T (kb x kb, column-major) upper triangular with
 *   T_ii = tau_i,   T[0:i, i] = -tau_i T[0:i, 0:i] (V[:, 0:i]^T v_i)
 * the products V^T V taken at once by the GEMM into G (kb x kb, row-major). */
static int FL_TYPED(block_reflector)(ptrdiff_t m, ptrdiff_t j0, ptrdiff_t kb, const FL_T *X, const FL_T *tau,
                                     FL_T *V, FL_T *T, FL_T *G)
{
    const ptrdiff_t rows = m - j0;
    for (ptrdiff_t i = 0; i < kb; i++) {
        FL_T *vi = V + i * rows;
        const FL_T *src = X + (j0 + i) * m + j0;
        for (ptrdiff_t r = 0; r < rows; r++) vi[r] = r < i ? 0 : r == i ? 1 : src[r];
    }
    int st = FL_TYPED(fl_gemm)(kb, kb, rows, V, rows, 1, V, 1, rows, G, kb, 1, 0);
    if (st != FL_OK) return st;
    for (ptrdiff_t i = 0; i < kb; i++) {
        for (ptrdiff_t p = 0; p < i; p++) { /* T[0:i, 0:i] (V[:, 0:i]^T v_i), upper triangular */
            double d = 0;
            for (ptrdiff_t q = p; q < i; q++) d += (double)T[q * kb + p] * G[q * kb + i];
            T[i * kb + p] = (FL_T)(-(double)tau[j0 + i] * d);
        }
        T[i * kb + i] = tau[j0 + i];
        for (ptrdiff_t p = i + 1; p < kb; p++) T[i * kb + p] = 0;
    }
    return FL_OK;
}

/* C <- H C, H = I - V T V^T, or H^T C (transpose) for C (rows x ncols,
 * column-major, ld ldc), chunk columns at a time, by three GEMMs:
 * W = V^T C, TW = -T W (or -T^T W), C += V TW. V (rows x kb), T (kb x kb) as
 * block_reflector leaves them; W, TW (kb x chunk): workspace. */
static int FL_TYPED(apply_block_reflector)(ptrdiff_t rows, ptrdiff_t kb, const FL_T *V, const FL_T *T,
                                           int transpose, FL_T *C, ptrdiff_t ldc, ptrdiff_t ncols, FL_T *W,
                                           FL_T *TW)
{
    const ptrdiff_t chunk = FL_QR_CHUNK;
    int st = FL_OK;
    for (ptrdiff_t c0 = 0; st == FL_OK && c0 < ncols; c0 += chunk) {
        const ptrdiff_t nc = ncols - c0 < chunk ? ncols - c0 : chunk;
        FL_T *Cc = C + c0 * ldc; /* element (r, c) at Cc[c ldc + r] */
        /* V^T C into W column-major (ld kb): the GEMM then runs as C^T V, packing
         * the narrow V, not the wide C */
        st = FL_TYPED(fl_gemm)(kb, nc, rows, V, rows, 1, Cc, 1, ldc, W, 1, kb, 0);
        if (st == FL_OK) /* T W, or T^T W: T is column-major */
            st = transpose ? FL_TYPED(fl_gemm)(kb, nc, kb, T, kb, 1, W, 1, kb, TW, nc, 1, 0)
                           : FL_TYPED(fl_gemm)(kb, nc, kb, T, 1, kb, W, 1, kb, TW, nc, 1, 0);
        for (ptrdiff_t i = 0; i < kb * nc; i++) TW[i] = -TW[i];
        if (st == FL_OK) st = FL_TYPED(fl_gemm_add)(rows, nc, kb, V, 1, rows, TW, nc, 1, Cc, 1, ldc);
    }
    return st;
}

typedef struct { /* the workspace of the blocked reflector products */
    FL_T *V, *T, *W, *TW;
} FL_TYPED(qr_blocks);

static int FL_TYPED(qr_blocks_alloc)(FL_TYPED(qr_blocks) *b, ptrdiff_t m)
{
    const ptrdiff_t nb = FL_QR_BLOCK, chunk = FL_QR_CHUNK;
    b->V = fl_malloc(sizeof(FL_T) * (size_t)(m * nb)), b->T = fl_malloc(sizeof(FL_T) * (size_t)(2 * nb * nb));
    b->W = fl_malloc(sizeof(FL_T) * (size_t)(nb * chunk)), b->TW = fl_malloc(sizeof(FL_T) * (size_t)(nb * chunk));
    return b->V && b->T && b->W && b->TW ? FL_OK : FL_ENOMEM;
}

static void FL_TYPED(qr_blocks_free)(FL_TYPED(qr_blocks) *b)
{
    fl_free(b->V), fl_free(b->T), fl_free(b->W), fl_free(b->TW);
}

/* X (m x n, column-major, m >= n) <- R above the diagonal and the reflectors
 * below it, without pivoting (LAPACK's dgeqrf): panels of FL_QR_BLOCK columns
 * reflected one by one, the rest of the matrix updated per panel by the GEMM
 * (C <- H^T C). Householder QR in any column order is backward stable column by
 * column: each column of A is perturbed by eps times its own length. */
static int FL_TYPED(qr_blocked)(ptrdiff_t m, ptrdiff_t n, FL_T *X, FL_T *tau)
{
    const ptrdiff_t nb = FL_QR_BLOCK;
    FL_TYPED(qr_blocks) b;
    int st = FL_TYPED(qr_blocks_alloc)(&b, m);
    for (ptrdiff_t j0 = 0; st == FL_OK && j0 < n; j0 += nb) {
        if (fl_stop_requested()) {
            st = FL_EINTR;
            break;
        }
        const ptrdiff_t kb = n - j0 < nb ? n - j0 : nb, rows = m - j0;
        for (ptrdiff_t j = j0; j < j0 + kb; j++) {
            FL_T *v = X + j * m + j;
            tau[j] = FL_TYPED(householder)(m - j, v);
            FL_T beta = v[0];
            v[0] = 1;
            for (ptrdiff_t k = j + 1; k < j0 + kb; k++) FL_TYPED(reflect)(m - j, v, tau[j], X + k * m + j);
            v[0] = beta;
        }
        if (j0 + kb < n) {
            st = FL_TYPED(block_reflector)(m, j0, kb, X, tau, b.V, b.T, b.T + nb * nb);
            if (st == FL_OK)
                st = FL_TYPED(apply_block_reflector)(rows, kb, b.V, b.T, 1, X + (j0 + kb) * m + j0, m, n - j0 - kb,
                                                     b.W, b.TW);
        }
    }
    FL_TYPED(qr_blocks_free)(&b);
    return st;
}

/* Q's first qcols columns (m x qcols, column-major, ld m; n <= qcols <= m) from
 * the reflectors that qrp or qr_blocked left in X, by backward accumulation
 * (LAPACK's dorgqr): blocks of FL_QR_BLOCK reflectors, last first, each applied
 * to the columns of Q it touches. v: m workspace. */
static int FL_TYPED(form_q)(ptrdiff_t m, ptrdiff_t n, const FL_T *X, const FL_T *tau, ptrdiff_t qcols,
                            FL_T *Q, FL_T *v)
{
    for (ptrdiff_t k = 0; k < qcols; k++) {
        for (ptrdiff_t i = 0; i < m; i++) Q[k * m + i] = 0;
        Q[k * m + k] = 1;
    }
    const ptrdiff_t nb = FL_QR_BLOCK;
    if (n < 2 * nb) {
        FL_TYPED(form_q_unblocked)(m, n, X, tau, qcols, Q, v);
        return FL_OK;
    }
    FL_TYPED(qr_blocks) b;
    int st = FL_TYPED(qr_blocks_alloc)(&b, m);
    for (ptrdiff_t j0 = (n - 1) / nb * nb; st == FL_OK && j0 >= 0; j0 -= nb) {
        const ptrdiff_t kb = n - j0 < nb ? n - j0 : nb, rows = m - j0;
        st = FL_TYPED(block_reflector)(m, j0, kb, X, tau, b.V, b.T, b.T + nb * nb);
        if (st == FL_OK) /* the columns j0.. of Q, rows j0.. */
            st = FL_TYPED(apply_block_reflector)(rows, kb, b.V, b.T, 0, Q + j0 * m + j0, m, qcols - j0, b.W, b.TW);
    }
    FL_TYPED(qr_blocks_free)(&b);
    return st;
}
