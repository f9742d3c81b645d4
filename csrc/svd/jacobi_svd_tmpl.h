/* jacobi_svd_tmpl.h: the one-sided (Hestenes) Jacobi SVD for one dtype
 * (included by jacobi_svd.c after qr_tmpl.h), in the manner of LAPACK's
 * dgejsv (Drmac & Veselic 2008):
 *
 *   1. rows sorted by decreasing size, then A P = Q R by Householder QR with
 *      column pivoting (qr_tmpl.h): both make R accurate row by row and
 *      column by column, so graded matrices D B and B D keep their small
 *      singular values;
 *   2. one-sided Jacobi on Y = R^T: pairs of columns are rotated until all are
 *      orthogonal, Y J = U' S. The columns of R^T are already close to
 *      orthogonal after pivoting, so few sweeps are needed;
 *   3. A = (Q J) S (P U')^T: U = Q J (one GEMM), V = P U'.
 *
 * A pair (p, q) is rotated while |y_p . y_q| > tol |y_p| |y_q|, tol = sqrt(n) eps:
 * relative to the two columns, hence relative accuracy. The squared norms are
 * kept current by Rutishauser's updates and recomputed when the update has
 * cancelled; before each p the longest remaining column is swapped in (de Rijk). */

static void FL_TYPED(swap_columns)(ptrdiff_t rows, FL_T *M, ptrdiff_t p, ptrdiff_t q)
{
    FL_T *a = M + p * rows, *b = M + q * rows;
    for (ptrdiff_t i = 0; i < rows; i++) {
        FL_T t = a[i];
        a[i] = b[i];
        b[i] = t;
    }
}

/* y_p . y_q in double: float32 products of short columns (below about 1e-19)
 * would underflow, and the rotation test would then never be met. */
static double FL_TYPED(dot_double)(ptrdiff_t n, const FL_T *x, const FL_T *y, const fl_kernel_table *K)
{
#if FL_SVD_F32
    double s0 = 0, s1 = 0;
    ptrdiff_t i = 0;
    for (; i + 2 <= n; i += 2) s0 += (double)x[i] * y[i], s1 += (double)x[i + 1] * y[i + 1];
    if (i < n) s0 += (double)x[i] * y[i];
    (void)K;
    return s0 + s1;
#else
    return K->FL_TYPED(dot)(n, x, y);
#endif
}

/* A column whose squared length is at most this (A is scaled so that its largest
 * entry is near 1) is left out of the rotations: in float32 its entries are
 * subnormal, in float64 its squares are, and either carries too few bits for a
 * rotation to make it orthogonal to anything. It changes no singular value by
 * more than its length; its singular vector comes from completing the basis. */
static double FL_TYPED(negligible_sumsq)(void)
{
    double t = (double)FL_MIN / FL_EPS;
    return fmax(t * t, DBL_MIN / DBL_EPSILON);
}

/* One-sided Jacobi on the columns of Y (rows x n, column-major); J (n x n,
 * column-major, may be NULL) gets the same rotations. a[i] = |y_i|^2. */
static int FL_TYPED(one_sided)(ptrdiff_t rows, ptrdiff_t n, FL_T *Y, FL_T *J, double *a, double tol,
                               int max_sweeps, int *sweeps)
{
    const fl_kernel_table *K = fl_kernels();
    for (ptrdiff_t i = 0; i < n; i++) a[i] = K->FL_TYPED(sumsq)(rows, Y + i * rows);
    const double tiny2 = FL_TYPED(negligible_sumsq)();
    *sweeps = 0;
    for (int sweep = 0; sweep < max_sweeps; sweep++) {
        long rotations = 0;
        *sweeps = sweep + 1;
        for (ptrdiff_t p = 0; p < n - 1; p++) {
            if (fl_stop_requested()) return FL_EINTR;
            ptrdiff_t big = p; /* de Rijk: the longest remaining column next */
            for (ptrdiff_t k = p + 1; k < n; k++)
                if (a[k] > a[big]) big = k;
            if (big != p) {
                FL_TYPED(swap_columns)(rows, Y, p, big);
                if (J) FL_TYPED(swap_columns)(n, J, p, big);
                double t = a[p];
                a[p] = a[big], a[big] = t;
            }
            for (ptrdiff_t q = p + 1; q < n; q++) {
                double ap = a[p], aq = a[q];
                if (aq <= tiny2 || ap <= tiny2) continue;
                double c = FL_TYPED(dot_double)(rows, Y + p * rows, Y + q * rows, K);
                if (fabs(c) <= tol * sqrt(ap) * sqrt(aq)) continue;
                double zeta = (aq - ap) / (2.0 * c);
                double t = fabs(zeta) > 1e150 ? 0.5 / zeta
                                              : (zeta >= 0 ? 1.0 : -1.0) / (fabs(zeta) + sqrt(1.0 + zeta * zeta));
                double cs = 1.0 / sqrt(1.0 + t * t), sn = t * cs;
                K->FL_TYPED(rot)(rows, Y + p * rows, Y + q * rows, (FL_T)cs, (FL_T)sn);
                if (J) K->FL_TYPED(rot)(n, J + p * n, J + q * n, (FL_T)cs, (FL_T)sn);
                a[p] = ap - t * c;
                a[q] = aq + t * c;
                /* the shorter column loses |t c|: refresh it if that cancelled */
                if (a[p] < 0.05 * ap) a[p] = K->FL_TYPED(sumsq)(rows, Y + p * rows);
                if (a[q] < 0.05 * aq) a[q] = K->FL_TYPED(sumsq)(rows, Y + q * rows);
                rotations++;
            }
        }
        if (rotations == 0) return FL_OK;
    }
    return FL_ENOCONV;
}

/* w minus its components along the columns j of W (n x n, column-major) that
 * are filled and not i, twice ("twice is enough"); returns |w|. */
static double FL_TYPED(orthogonalise)(ptrdiff_t n, const FL_T *W, const int *filled, ptrdiff_t i, FL_T *w)
{
    const fl_kernel_table *K = fl_kernels();
    for (int pass = 0; pass < 2; pass++)
        for (ptrdiff_t j = 0; j < n; j++) {
            if (j == i || !filled[j]) continue;
            FL_T d = K->FL_TYPED(dot)(n, W + j * n, w);
            for (ptrdiff_t r = 0; r < n; r++) w[r] -= d * W[j * n + r];
        }
    FL_T norm;
    FL_TYPED(fl_nrm2)(n, w, 1, &norm);
    return norm;
}

/* Columns i of W (n x n, column-major) where s[i] == 0: completed to an
 * orthonormal basis. Each gets the unit vector e_k that keeps the most length
 * once made orthogonal to the columns so far: with those orthonormal, e_k keeps
 * 1 - (the squared length of row k of W), at least (n - filled) / n on average.
 * left: n doubles of workspace. */
static void FL_TYPED(complete_basis)(ptrdiff_t n, FL_T *W, int *filled, double *left)
{
    for (ptrdiff_t k = 0; k < n; k++) {
        left[k] = 1;
        for (ptrdiff_t j = 0; j < n; j++)
            if (filled[j]) left[k] -= (double)W[j * n + k] * W[j * n + k];
    }
    for (ptrdiff_t i = 0; i < n; i++) {
        if (filled[i]) continue;
        ptrdiff_t best = 0;
        for (ptrdiff_t k = 1; k < n; k++)
            if (left[k] > left[best]) best = k;
        FL_T *w = W + i * n;
        for (ptrdiff_t r = 0; r < n; r++) w[r] = r == best;
        double norm = FL_TYPED(orthogonalise)(n, W, filled, i, w);
        for (ptrdiff_t r = 0; r < n; r++) {
            w[r] = (FL_T)(w[r] / norm);
            left[r] -= (double)w[r] * w[r];
        }
        filled[i] = 1;
    }
}

#ifndef FL_SVD_SORT_ROWS
#define FL_SVD_SORT_ROWS
typedef struct {
    double size;
    ptrdiff_t row;
} fl_svd_row_key;

/* larger size first, then lower row: a total order, so qsort's result is the stable one */
static int fl_svd_by_size(const void *x, const void *y)
{
    const fl_svd_row_key *a = x, *b = y;
    if (a->size != b->size) return a->size > b->size ? -1 : 1;
    return (a->row > b->row) - (a->row < b->row);
}

/* perm = the rows 0..m-1 by decreasing size, ties in row order, in O(m log m)
 * (tall matrices have many rows); 0 if out of memory. */
static int fl_svd_sort_rows(ptrdiff_t m, const double *size, ptrdiff_t *perm)
{
    fl_svd_row_key *keys = fl_malloc(sizeof(fl_svd_row_key) * (size_t)m);
    if (!keys) return 0;
    for (ptrdiff_t i = 0; i < m; i++) keys[i].size = size[i], keys[i].row = i;
    qsort(keys, (size_t)m, sizeof *keys, fl_svd_by_size);
    for (ptrdiff_t i = 0; i < m; i++) perm[i] = keys[i].row;
    fl_free(keys);
    return 1;
}
#endif

typedef struct { /* one allocation's worth of workspace, carved up */
    FL_T *X, *Y, *J, *Js, *Q, *T, *W, *tau, *v;
    double *a, *norms, *rowsize;
    ptrdiff_t *perm, *rowperm, *order;
    int *filled;
} FL_TYPED(svd_work);

/* The core, m >= n: s (n) descending; with uv, U (m x ucols, ucols = n or m)
 * and Vt (n x n) through their strides. */
static int FL_TYPED(svd_tall)(ptrdiff_t m, ptrdiff_t n, const FL_T *A, ptrdiff_t rsa, ptrdiff_t csa, FL_T *s,
                              FL_T *U, ptrdiff_t rsu, ptrdiff_t csu, ptrdiff_t ucols, FL_T *Vt, ptrdiff_t rsv,
                              ptrdiff_t csv, int uv, int max_sweeps, int *sweeps)
{
    FL_TYPED(svd_work) w;
    size_t mn = (size_t)(m * n), nn = (size_t)(n * n), mq = (size_t)(m * ucols);
    void *blocks[16];
    size_t sizes[16] = {mn * sizeof(FL_T), nn * sizeof(FL_T), uv ? nn * sizeof(FL_T) : 1,
                        uv ? nn * sizeof(FL_T) : 1, uv ? mq * sizeof(FL_T) : 1, uv ? mn * sizeof(FL_T) : 1,
                        uv ? nn * sizeof(FL_T) : 1, (size_t)n * sizeof(FL_T), (size_t)m * sizeof(FL_T),
                        (size_t)n * sizeof(double), 2 * (size_t)n * sizeof(double), (size_t)m * sizeof(double),
                        (size_t)n * sizeof(ptrdiff_t), (size_t)m * sizeof(ptrdiff_t), (size_t)n * sizeof(ptrdiff_t),
                        (size_t)n * sizeof(int)};
    int ok = 1;
    for (int b = 0; b < 16; b++) ok &= (blocks[b] = fl_malloc(sizes[b])) != NULL;
    if (!ok) {
        for (int b = 0; b < 16; b++) fl_free(blocks[b]);
        return FL_ENOMEM;
    }
    w.X = blocks[0], w.Y = blocks[1], w.J = blocks[2], w.Js = blocks[3], w.Q = blocks[4], w.T = blocks[5];
    w.W = blocks[6], w.tau = blocks[7], w.v = blocks[8], w.a = blocks[9], w.norms = blocks[10];
    w.rowsize = blocks[11], w.perm = blocks[12], w.rowperm = blocks[13], w.order = blocks[14];
    w.filled = blocks[15];

    /* scale by a power of two so that the largest entry is near 1 (exact) */
    double amax = 0;
    for (ptrdiff_t i = 0; i < m; i++) {
        w.rowsize[i] = 0;
        for (ptrdiff_t j = 0; j < n; j++) w.rowsize[i] = fmax(w.rowsize[i], fabs((double)A[i * rsa + j * csa]));
        amax = fmax(amax, w.rowsize[i]);
    }
    int e = 0;
    if (amax > 0) frexp(amax, &e);
    /* rows by decreasing size (stable): Householder QR is then accurate row-wise */
    if (!fl_svd_sort_rows(m, w.rowsize, w.rowperm)) {
        for (int b = 0; b < 16; b++) fl_free(blocks[b]);
        return FL_ENOMEM;
    }
    for (ptrdiff_t j = 0; j < n; j++)
        for (ptrdiff_t i = 0; i < m; i++) w.X[j * m + i] = (FL_T)ldexp((double)A[w.rowperm[i] * rsa + j * csa], -e);

    int st = FL_TYPED(qrp)(m, n, w.X, w.tau, w.perm, w.norms);
    if (st != FL_OK) {
        for (int b = 0; b < 16; b++) fl_free(blocks[b]);
        return st;
    }
    for (ptrdiff_t i = 0; i < n; i++) /* Y = R^T: column i of Y is row i of R */
        for (ptrdiff_t k = 0; k < n; k++) w.Y[i * n + k] = k >= i ? w.X[k * m + i] : 0;
    if (uv) {
        for (size_t i = 0; i < nn; i++) w.J[i] = 0;
        for (ptrdiff_t i = 0; i < n; i++) w.J[i * n + i] = 1;
    }
    st = FL_TYPED(one_sided)(n, n, w.Y, uv ? w.J : NULL, w.a, sqrt((double)n) * FL_EPS, max_sweeps, sweeps);
    if (st == FL_EINTR) {
        for (int b = 0; b < 16; b++) fl_free(blocks[b]);
        return st;
    }

    /* singular values: the column lengths, descending (stable) */
    double *sigma = w.norms;
    for (ptrdiff_t i = 0; i < n; i++) {
        FL_T r;
        FL_TYPED(fl_nrm2)(n, w.Y + i * n, 1, &r);
        sigma[i] = r;
        w.order[i] = i;
    }
    for (ptrdiff_t i = 1; i < n; i++) {
        ptrdiff_t o = w.order[i], k = i;
        while (k > 0 && sigma[w.order[k - 1]] < sigma[o]) {
            w.order[k] = w.order[k - 1];
            k--;
        }
        w.order[k] = o;
    }
    for (ptrdiff_t i = 0; i < n; i++) s[i] = (FL_T)ldexp(sigma[w.order[i]], e);

    int gst = FL_OK;
    if (uv) {
        /* V = P U': U' = the columns of Y normalised, completed where s = 0 */
        for (ptrdiff_t i = 0; i < n; i++) {
            const FL_T *y = w.Y + w.order[i] * n;
            double sg = sigma[w.order[i]];
            w.filled[i] = sg > sqrt(FL_TYPED(negligible_sumsq)()); /* else completed below */
            for (ptrdiff_t k = 0; k < n; k++) w.W[i * n + k] = w.filled[i] ? (FL_T)(y[k] / sg) : 0;
        }
        FL_TYPED(complete_basis)(n, w.W, w.filled, w.a);
        for (ptrdiff_t i = 0; i < n; i++)
            for (ptrdiff_t k = 0; k < n; k++) Vt[i * rsv + w.perm[k] * csv] = w.W[i * n + k];
        /* U = Pr^T Q J: J's columns in the order of s, one GEMM, rows unsorted */
        for (ptrdiff_t i = 0; i < n; i++) memcpy(w.Js + i * n, w.J + w.order[i] * n, (size_t)n * sizeof(FL_T));
        gst = FL_TYPED(form_q)(m, n, w.X, w.tau, ucols, w.Q, w.v);
        if (gst == FL_OK)
            gst = FL_TYPED(fl_gemm)(m, n, n, w.Q, 1, m, w.Js, 1, n, w.T, 1, m, 0); /* column-major */
        if (gst == FL_OK) {
            for (ptrdiff_t j = 0; j < n; j++)
                for (ptrdiff_t i = 0; i < m; i++) U[w.rowperm[i] * rsu + j * csu] = w.T[j * m + i];
            for (ptrdiff_t j = n; j < ucols; j++)
                for (ptrdiff_t i = 0; i < m; i++) U[w.rowperm[i] * rsu + j * csu] = w.Q[j * m + i];
        }
    }
    for (int b = 0; b < 16; b++) fl_free(blocks[b]);
    return gst != FL_OK ? gst : st;
}

/* Public entry: see fastla.h. A wide matrix is decomposed through its transpose
 * (A^T = V S U^T), with the roles of U and Vt swapped in the output strides. */
int FL_TYPED(fl_svd)(ptrdiff_t m, ptrdiff_t n, const FL_T *A, ptrdiff_t rsa, ptrdiff_t csa, FL_T *s, FL_T *U,
                     ptrdiff_t rsu, ptrdiff_t csu, FL_T *Vt, ptrdiff_t rsv, ptrdiff_t csv, int full_matrices,
                     int max_sweeps, int *sweeps)
{
    int done = 0;
    if (sweeps) *sweeps = 0;
    if (m < 0 || n < 0 || max_sweeps < 1 || ((U == NULL) != (Vt == NULL))) return FL_EINVAL;
    int uv = U != NULL, st;
    if (m == 0 || n == 0) { /* no singular values; full_matrices: U and Vt are identities */
        if (uv && full_matrices) {
            for (ptrdiff_t i = 0; i < m; i++)
                for (ptrdiff_t j = 0; j < m; j++) U[i * rsu + j * csu] = i == j;
            for (ptrdiff_t i = 0; i < n; i++)
                for (ptrdiff_t j = 0; j < n; j++) Vt[i * rsv + j * csv] = i == j;
        }
        return FL_OK;
    }
    if (m >= n)
        st = FL_TYPED(svd_tall)(m, n, A, rsa, csa, s, U, rsu, csu, full_matrices ? m : n, Vt, rsv, csv, uv,
                                max_sweeps, &done);
    else /* A^T (n x m): its U is A's V (Vt transposed), its Vt is A's U transposed */
        st = FL_TYPED(svd_tall)(n, m, A, csa, rsa, s, Vt, csv, rsv, full_matrices ? n : m, U, csu, rsu, uv,
                                max_sweeps, &done);
    if (sweeps) *sweeps = done;
    return st;
}

/* Q (m x n, column-major, ld m) with orthonormal columns spanning those of A
 * (m x n, m >= n): the Q of A P = Q R. */
int FL_TYPED(fl_orthonormal)(ptrdiff_t m, ptrdiff_t n, const FL_T *A, ptrdiff_t rsa, ptrdiff_t csa, FL_T *Q)
{
    if (m < n || n < 0) return FL_EINVAL;
    if (n == 0) return FL_OK;
    FL_T *X = fl_malloc((size_t)(m * n) * sizeof(FL_T)), *tau = fl_malloc((size_t)n * sizeof(FL_T));
    FL_T *v = fl_malloc((size_t)m * sizeof(FL_T));
    double *norms = fl_malloc(2 * (size_t)n * sizeof(double));
    ptrdiff_t *perm = fl_malloc((size_t)n * sizeof(ptrdiff_t));
    int st = X && tau && v && norms && perm ? FL_OK : FL_ENOMEM;
    if (st == FL_OK) {
        for (ptrdiff_t j = 0; j < n; j++)
            for (ptrdiff_t i = 0; i < m; i++) X[j * m + i] = A[i * rsa + j * csa];
        st = FL_TYPED(qrp)(m, n, X, tau, perm, norms);
        if (st == FL_OK) st = FL_TYPED(form_q)(m, n, X, tau, n, Q, v);
    }
    fl_free(X), fl_free(tau), fl_free(v), fl_free(norms), fl_free(perm);
    return st;
}
