/* jacobi_tmpl.h: the cyclic Jacobi eigensolver for one dtype (included by
 * jacobi_eig.c with FL_T / FL_TYPED / FL_EPS set).
 *
 * A rotation in the (p, q) plane zeroes a_pq. It is applied only when
 *     |a_pq| > tol * sqrt|a_pp| * sqrt|a_qq|,
 * a test relative to the two diagonal entries, not to the norm of A: this is
 * what lets Jacobi find tiny eigenvalues of graded matrices to full relative
 * accuracy (Demmel & Veselic 1992), where a norm-wise test would stop early.
 *
 * Blocking: the columns are cut into blocks of FL_JACOBI_BLOCK. A sweep visits
 * every pair (p, q) once, by pairs of blocks I < J: the pairs between blocks I
 * and J, after those inside block I when J = I + 1 (and inside the last block
 * with the last pair). Each group is rotated on a small copy S = A[IJ, IJ] (the
 * per-ISA kernels jacobi_sweep, one pair at a time, and jacobi_pairs, a round
 * of disjoint pairs at a time), its rotations gathered into one orthogonal Q^T;
 * the rest of A and the eigenvectors are then updated with the GEMM's register
 * tiles, rows IJ <- Q^T . rows IJ in place (eigen/rotate_rows.h), and the
 * columns follow from symmetry. A sweep that rotates nothing ends the loop.
 *
 * The columns are copied from the rows late: a block's rows take the blocks
 * A[K, L] that changed since they were last current (A[L, K]^T, from the rows
 * of L) just before they are next used. A block rotated in pair after pair
 * (block I against J = I+1, I+2, ...) is then copied into each other block once,
 * not at every pair. */

typedef struct {
    ptrdiff_t n;
    FL_T *A;          /* n x n, row-major, full symmetric storage */
    FL_T *Vt;         /* n x n, row i = eigenvector i; NULL when not wanted */
    FL_T *S, *Qt;     /* m x m block workspace, m <= 2 * FL_JACOBI_BLOCK */
    FL_T *G;          /* 2 FL_JACOBI_FEW x n: the few rows being rotated, and their new values */
    ptrdiff_t *idx;
    double tol;
    /* per block of rows: when it was last rotated, and when it was last made
     * current (its blocks A[K, L] copied from newer rows); times count pairs */
    ptrdiff_t *rotated, *current, clock;
} FL_TYPED(jacobi_work);

/* The indices of blocks I and J into w->idx; returns m. */
static ptrdiff_t FL_TYPED(block_indices)(const FL_TYPED(jacobi_work) *w, ptrdiff_t I, ptrdiff_t J)
{
    ptrdiff_t m = 0, b = FL_JACOBI_BLOCK, n = w->n;
    for (ptrdiff_t i = I * b; i < (I + 1) * b && i < n; i++) w->idx[m++] = i;
    for (ptrdiff_t i = J * b; i < (J + 1) * b && i < n; i++) w->idx[m++] = i;
    return m;
}

/* Rows idx of A and of Vt <- Qt . (those rows), Qt being m x m with rows ldq
 * apart. The rows are the blocks I and J, two contiguous ranges (bi rows, then
 * m - bi), rotated in place (eigen/rotate_rows.h). */
static void FL_TYPED(rotate_block_rows)(FL_TYPED(jacobi_work) *w, ptrdiff_t m, ptrdiff_t bi, ptrdiff_t ldq)
{
    const ptrdiff_t n = w->n, i0 = w->idx[0], j0 = w->idx[bi];
    FL_T *mats[2] = {w->A, w->Vt};
    for (int t = 0; t < 2 && mats[t]; t++)
        fl_kernels()->FL_TYPED(jacobi_rotate_rows)(m, bi, w->Qt, ldq, mats[t] + i0 * n, mats[t] + j0 * n, n);
}

/* The positions i (into idx) of the rows that Qt moves, those whose row of Qt
 * is not the identity's, into moved; returns how many. The rows are compared
 * as bytes (memcmp is a vector loop; a -0 counts as moved, which is safe). */
static ptrdiff_t FL_TYPED(moved_rows)(const FL_T *Qt, ptrdiff_t m, ptrdiff_t ldq, ptrdiff_t *moved)
{
    static const FL_T zeros[2 * FL_JACOBI_BLOCK];
    ptrdiff_t t = 0;
    for (ptrdiff_t i = 0; i < m; i++) {
        const FL_T *q = Qt + i * ldq;
        if (q[i] != 1 || memcmp(q, zeros, (size_t)i * sizeof(FL_T)) != 0 ||
            memcmp(q + i + 1, zeros, (size_t)(m - i - 1) * sizeof(FL_T)) != 0)
            moved[t++] = i;
    }
    return t;
}

/* Rows idx[moved[0..t)] of A and of Vt <- Qt[moved, moved] . (those rows),
 * and the same columns of A from the new rows (symmetry): for a block pair
 * whose few rotations move few rows. The rows go through G: gathered into its
 * first t rows, multiplied into the next t, copied back. */
static int FL_TYPED(rotate_few_rows)(FL_TYPED(jacobi_work) *w, ptrdiff_t t, const ptrdiff_t *moved, ptrdiff_t ldq)
{
    const ptrdiff_t n = w->n;
    FL_T Qs[FL_JACOBI_FEW * FL_JACOBI_FEW], *R = w->G + t * n;
    for (ptrdiff_t a = 0; a < t; a++)
        for (ptrdiff_t b = 0; b < t; b++) Qs[a * t + b] = w->Qt[moved[a] * ldq + moved[b]];
    FL_T *mats[2] = {w->A, w->Vt};
    for (int k = 0; k < 2 && mats[k]; k++) {
        FL_T *M = mats[k];
        for (ptrdiff_t a = 0; a < t; a++) memcpy(w->G + a * n, M + w->idx[moved[a]] * n, (size_t)n * sizeof(FL_T));
        int st = FL_TYPED(fl_gemm)(t, n, t, Qs, t, 1, w->G, n, 1, R, n, 1, 1);
        if (st != FL_OK) return st;
        for (ptrdiff_t a = 0; a < t; a++) memcpy(M + w->idx[moved[a]] * n, R + a * n, (size_t)n * sizeof(FL_T));
    }
    for (ptrdiff_t a = 0; a < t; a++) {
        const ptrdiff_t r = w->idx[moved[a]];
        for (ptrdiff_t k = 0; k < n; k++) w->A[k * n + r] = w->A[r * n + k];
    }
    return FL_OK;
}

/* Block K's rows made current (A is symmetric): each block A[K, L] whose
 * block of rows L was rotated since becomes A[L, K]^T. */
static void FL_TYPED(refresh_rows)(FL_TYPED(jacobi_work) *w, ptrdiff_t K)
{
    const ptrdiff_t n = w->n, b = FL_JACOBI_BLOCK, nb = (n + b - 1) / b;
    const ptrdiff_t k0 = K * b, kc = n - k0 < b ? n - k0 : b;
    for (ptrdiff_t L = 0; L < nb; L++) {
        if (L == K || w->rotated[L] <= w->current[K]) continue;
        const ptrdiff_t l0 = L * b, lc = n - l0 < b ? n - l0 : b;
        FL_TYPED(transpose_block)(lc, kc, w->A + l0 * n + k0, n, w->A + k0 * n + l0, n);
    }
    w->current[K] = w->clock;
}

/* S (m x m of ld columns) <- A[idx, idx], or back (to_A), a run of a row at a
 * time: idx is the bi indices of block I, then the m - bi of J */
static void FL_TYPED(block_copy)(FL_TYPED(jacobi_work) *w, ptrdiff_t m, ptrdiff_t bi, FL_T *S, ptrdiff_t ld, int to_A)
{
    const ptrdiff_t n = w->n, first[2] = {w->idx[0], w->idx[bi]}, count[2] = {bi, m - bi};
    for (ptrdiff_t i = 0; i < m; i++) {
        FL_T *row = w->A + w->idx[i] * n;
        for (int b = 0; b < 2; b++) {
            FL_T *a = row + first[b], *s = S + i * ld + (b ? bi : 0);
            memcpy(to_A ? a : s, to_A ? s : a, (size_t)count[b] * sizeof(FL_T));
        }
    }
}

/* The pairs inside one block of the pair in S (indices first .. first + count),
 * one at a time (jacobi_sweep, on a contiguous copy). The block's rows and
 * columns of the other block in S follow by a small GEMM, and its rows of Qt,
 * the identity's until now, become the rotations. Adds their number to *r. */
static int FL_TYPED(inner_pairs)(FL_TYPED(jacobi_work) *w, ptrdiff_t m, ptrdiff_t first, ptrdiff_t count, long *r)
{
    enum { B = FL_JACOBI_BLOCK, LD = 2 * FL_JACOBI_BLOCK };
    FL_T T[B * B], Qs[B * B], U[B * B], *S = w->S, *Qt = w->Qt;
    for (ptrdiff_t p = 0; p < count; p++)
        for (ptrdiff_t q = 0; q < count; q++) {
            T[p * count + q] = S[(first + p) * LD + first + q];
            Qs[p * count + q] = p == q;
        }
    const long rotations = fl_kernels()->FL_TYPED(jacobi_sweep)(count, T, Qs, w->tol);
    if (rotations == 0) return FL_OK;
    *r += rotations;
    const ptrdiff_t o0 = first ? 0 : count, oc = m - count; /* the other block's indices */
    int st = FL_TYPED(fl_gemm)(count, oc, count, Qs, count, 1, S + first * LD + o0, LD, 1, U, oc, 1, 1);
    if (st != FL_OK) return st;
    for (ptrdiff_t p = 0; p < count; p++) {
        for (ptrdiff_t k = 0; k < oc; k++) S[(first + p) * LD + o0 + k] = S[(o0 + k) * LD + first + p] = U[p * oc + k];
        for (ptrdiff_t q = 0; q < count; q++) {
            S[(first + p) * LD + first + q] = T[p * count + q];
            Qt[(first + p) * LD + first + q] = Qs[p * count + q];
        }
    }
    return FL_OK;
}

/* Rotates the pairs between blocks I < J, and applies the rotations to A and
 * Vt; adds their number to *rotations. The pairs inside block I come first
 * when J = I + 1 (the first pair of blocks of I in the sweep), and those inside
 * the last block with the last pair: each block's own pairs once a sweep,
 * without a pass over its rows of their own. S and Qt are 2 FL_JACOBI_BLOCK
 * square whatever J's size (jacobi_pairs), the rows and columns past a short
 * last block J being zeros; block I < J is never the short one, so the m x m
 * part in use is their top left corner. */
static int FL_TYPED(jacobi_pair)(FL_TYPED(jacobi_work) *w, ptrdiff_t I, ptrdiff_t J, long *rotations)
{
    const ptrdiff_t m = FL_TYPED(block_indices)(w, I, J), ld = 2 * FL_JACOBI_BLOCK, bi = FL_JACOBI_BLOCK;
    const ptrdiff_t nb = (w->n + FL_JACOBI_BLOCK - 1) / FL_JACOBI_BLOCK;
    FL_T *S = w->S, *Qt = w->Qt;
    FL_TYPED(refresh_rows)(w, I);
    FL_TYPED(refresh_rows)(w, J);
    if (m < ld) /* a short last block J: its padding in S is zeros */
        for (ptrdiff_t i = 0; i < ld * ld; i++) S[i] = 0;
    for (ptrdiff_t i = 0; i < ld * ld; i++) Qt[i] = 0;
    FL_TYPED(block_copy)(w, m, bi, S, ld, 0); /* the m x m corner, whole */
    for (ptrdiff_t i = 0; i < ld; i++) Qt[i * ld + i] = 1;
    long r = 0;
    int st = J == I + 1 ? FL_TYPED(inner_pairs)(w, m, 0, bi, &r) : FL_OK;
    if (st == FL_OK && J == nb - 1 && I == nb - 2) st = FL_TYPED(inner_pairs)(w, m, bi, m - bi, &r);
    if (st != FL_OK) return st;
    r += fl_kernels()->FL_TYPED(jacobi_pairs)(S, Qt, w->tol);
    if (r == 0) return FL_OK;
    *rotations += r;
    ptrdiff_t moved[2 * FL_JACOBI_BLOCK], t = FL_TYPED(moved_rows)(Qt, m, ld, moved);
    if (t <= FL_JACOBI_FEW) { /* it writes its columns at once: every block stays as current as it was */
        if ((st = FL_TYPED(rotate_few_rows)(w, t, moved, ld)) != FL_OK) return st;
    } else { /* the other blocks' columns IJ are now out of date */
        FL_TYPED(rotate_block_rows)(w, m, bi, ld);
        w->rotated[I] = w->current[I] = ++w->clock;
        w->rotated[J] = w->current[J] = w->clock;
    }
    FL_TYPED(block_copy)(w, m, bi, S, ld, 1); /* the block itself, from S */
    return FL_OK;
}

/* Jacobi on the scaled copy A (n x n, full storage) with Vt = identity; on
 * return the eigenvalues are the diagonal of A, and the blocks off its diagonal
 * may be out of date (the columns are copied late, see above).
 * A sweep of at most `enough` rotations ends the loop: 0 for a solution, a few
 * for a preconditioner, which then skips the sweep that would only confirm.
 * FL_ENOCONV after max_sweeps sweeps that rotated more. */
static int FL_TYPED(jacobi_run)(ptrdiff_t n, FL_T *A, FL_T *Vt, double tol, int max_sweeps, long enough,
                                int *sweeps_done)
{
    *sweeps_done = 0;
    if (n <= 2 * FL_JACOBI_BLOCK) { /* small: rotations straight on A */
        for (int sweep = 0; sweep < max_sweeps; sweep++) {
            *sweeps_done = sweep + 1;
            if (fl_stop_requested()) return FL_EINTR;
            if (fl_kernels()->FL_TYPED(jacobi_sweep)(n, A, Vt, tol) <= enough) return FL_OK;
        }
        return FL_ENOCONV;
    }
    ptrdiff_t b = FL_JACOBI_BLOCK, nb = (n + b - 1) / b, mmax = 2 * b;
    FL_TYPED(jacobi_work) w = {n, A, Vt, NULL, NULL, NULL, NULL, tol, NULL, NULL, 0};
    w.S = fl_malloc((size_t)(mmax * mmax) * sizeof(FL_T));
    w.Qt = fl_malloc((size_t)(mmax * mmax) * sizeof(FL_T));
    w.G = fl_malloc((size_t)(2 * FL_JACOBI_FEW * n) * sizeof(FL_T));
    w.idx = fl_malloc((size_t)mmax * sizeof(ptrdiff_t));
    w.rotated = fl_malloc((size_t)(2 * nb) * sizeof(ptrdiff_t));
    int st = (w.S && w.Qt && w.G && w.idx && w.rotated) ? FL_ENOCONV : FL_ENOMEM;
    if (w.rotated) { /* A starts symmetric: every block current */
        w.current = w.rotated + nb;
        for (ptrdiff_t K = 0; K < 2 * nb; K++) w.rotated[K] = 0;
    }
    for (int sweep = 0; st == FL_ENOCONV && sweep < max_sweeps; sweep++) {
        long rotations = 0;
        for (ptrdiff_t I = 0; I < nb && st == FL_ENOCONV; I++)
            for (ptrdiff_t J = I + 1; J < nb; J++) { /* (with the pairs inside the blocks) */
                int e = fl_stop_requested() ? FL_EINTR : FL_TYPED(jacobi_pair)(&w, I, J, &rotations);
                if (e != FL_OK) {
                    st = e;
                    break;
                }
            }
        *sweeps_done = sweep + 1;
        if (st == FL_ENOCONV && rotations <= enough) st = FL_OK;
    }
    fl_free(w.S), fl_free(w.Qt), fl_free(w.G), fl_free(w.idx), fl_free(w.rotated);
    return st;
}

/* W's upper triangle from its lower one, in 32 x 32 blocks that stay in cache */
static void FL_TYPED(mirror_lower)(ptrdiff_t n, FL_T *W)
{
    for (ptrdiff_t i0 = 0; i0 < n; i0 += 32) {
        const ptrdiff_t rows = n - i0 < 32 ? n - i0 : 32;
        for (ptrdiff_t j0 = 0; j0 < i0; j0 += 32)
            FL_TYPED(transpose_block)(rows, 32, W + i0 * n + j0, n, W + j0 * n + i0, n);
        for (ptrdiff_t i = i0; i < i0 + rows; i++) /* the diagonal block's own triangle */
            for (ptrdiff_t j = i0; j < i; j++) W[j * n + i] = W[i * n + j];
    }
}

/* Public entry: eigenvalues ascending in w; eigenvectors as the columns of V
 * (strides rsv, csv) unless V is NULL. The lower triangle of A is read. */
int FL_TYPED(fl_eigh)(ptrdiff_t n, const FL_T *A, ptrdiff_t rsa, ptrdiff_t csa, FL_T *w, FL_T *V,
                      ptrdiff_t rsv, ptrdiff_t csv, int max_sweeps, int *sweeps)
{
    int done = 0;
    if (sweeps) *sweeps = 0;
    if (n < 0 || max_sweeps < 1) return FL_EINVAL;
    if (n == 0) return FL_OK;
    FL_T *W = fl_malloc((size_t)(n * n) * sizeof(FL_T));
    FL_T *Vt = V ? fl_malloc((size_t)(n * n) * sizeof(FL_T)) : NULL;
    ptrdiff_t *order = fl_malloc((size_t)n * sizeof(ptrdiff_t));
    if (!W || !order || (V && !Vt)) {
        fl_free(W), fl_free(Vt), fl_free(order);
        return FL_ENOMEM;
    }
    /* symmetric copy from the lower triangle, scaled by a power of two so that
     * the largest entry is near 1: exact, and nothing overflows in the rotations */
    double amax = 0;
    for (ptrdiff_t i = 0; i < n; i++)
        for (ptrdiff_t j = 0; j <= i; j++) amax = FL_MAX(amax, fabs((double)A[i * rsa + j * csa]));
    int e = 0;
    if (amax > 0) frexp(amax, &e);
    /* x 2^-e is a product (ldexp, a call an entry, was 1 % of eigh at n = 500);
     * past 2^+-1000 the factor itself would not be a normal double */
    const double scale = ldexp(1.0, -e);
    const int by_product = e > -1000 && e < 1000;
    for (ptrdiff_t i = 0; i < n; i++)
        for (ptrdiff_t j = 0; j <= i; j++) {
            const double a = (double)A[i * rsa + j * csa];
            W[i * n + j] = (FL_T)(by_product ? a * scale : ldexp(a, -e));
        }
    FL_TYPED(mirror_lower)(n, W);
    if (Vt) {
        for (ptrdiff_t i = 0; i < n * n; i++) Vt[i] = 0;
        for (ptrdiff_t i = 0; i < n; i++) Vt[i * n + i] = 1;
    }
    int st = FL_TYPED(precondition)(n, W, Vt);
    if (st == FL_OK) st = FL_TYPED(jacobi_run)(n, W, Vt, sqrt((double)n) * FL_EPS, max_sweeps, 0, &done);
    if (sweeps) *sweeps = done;
    if (st == FL_OK || st == FL_ENOCONV) { /* at the cap, the best estimate so far */
        for (ptrdiff_t i = 0; i < n; i++) order[i] = i;
        /* insertion sort by eigenvalue, ascending, stable: n is small next to n^3 */
        for (ptrdiff_t i = 1; i < n; i++) {
            ptrdiff_t o = order[i], j = i;
            while (j > 0 && W[order[j - 1] * (n + 1)] > W[o * (n + 1)]) {
                order[j] = order[j - 1];
                j--;
            }
            order[j] = o;
        }
        for (ptrdiff_t i = 0; i < n; i++) w[i] = (FL_T)ldexp((double)W[order[i] * (n + 1)], e);
        if (V) /* eight eigenvectors at a time: V's rows get runs of 8, not single entries */
            for (ptrdiff_t j0 = 0; j0 < n; j0 += 8) {
                const ptrdiff_t nj = n - j0 < 8 ? n - j0 : 8;
                const FL_T *v[8];
                FL_T sign[8];
                for (ptrdiff_t jj = 0; jj < nj; jj++) {
                    /* sign: the largest component of each eigenvector is positive */
                    v[jj] = Vt + order[j0 + jj] * n;
                    ptrdiff_t big = 0;
                    for (ptrdiff_t i = 1; i < n; i++)
                        if (fabs((double)v[jj][i]) > fabs((double)v[jj][big])) big = i;
                    sign[jj] = v[jj][big] < 0 ? -1 : 1;
                }
                for (ptrdiff_t i = 0; i < n; i++)
                    for (ptrdiff_t jj = 0; jj < nj; jj++) V[i * rsv + (j0 + jj) * csv] = sign[jj] * v[jj][i];
            }
    }
    fl_free(W), fl_free(Vt), fl_free(order);
    return st;
}
