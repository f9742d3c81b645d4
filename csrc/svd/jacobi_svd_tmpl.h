/* jacobi_svd_tmpl.h: the one-sided (Hestenes) Jacobi SVD for one dtype
 * (included by jacobi_svd.c after qr_tmpl.h), in the manner of LAPACK's
 * dgejsv (Drmac & Veselic 2008):
 *
 *   1. rows sorted by decreasing size, then A P = Q R by Householder QR with
 *      column pivoting (qr_tmpl.h): both make R accurate row by row and
 *      column by column, so graded matrices D B and B D keep their small
 *      singular values. A tall A (m >= 2n) whose rows are all of like size
 *      is first reduced to n x n by a blocked QR without pivoting, A = Q1 R1,
 *      then R1 P = Q2 R2: the same P and R, with the bulk of the work in the
 *      GEMM (2000 x 200: the pivoted QR took a third of the time);
 *   2. one-sided Jacobi on Y = R^T: pairs of columns are rotated until all are
 *      orthogonal, Y J = U' S. The columns of R^T are already close to
 *      orthogonal after pivoting, so few sweeps are needed. The pairs go in
 *      4 x 4 tiles (rotate_tile): one pass for their dot products, one for
 *      their sixteen rotations, and four independent chains of scalar work.
 *      Pairs that were orthogonal last sweep and have not moved are skipped
 *      (settled); J's rotations are queued and applied per block of rows
 *      (jflush);
 *   3. A = (Q J) S (P U')^T: U = Q J (one GEMM), V = P U'.
 *
 * A pair (p, q) is rotated while |y_p . y_q| > tol |y_p| |y_q|, tol = sqrt(n) eps:
 * relative to the two columns, hence relative accuracy. The squared norms are
 * kept current by Rutishauser's updates and recomputed when the update has
 * cancelled; before each p the longest remaining column is swapped in (de Rijk). */

#ifndef FL_SVD_BLOCKS
#define FL_SVD_BLOCKS 17       /* the workspace's pieces */
#define FL_SVD_QR_FIRST 2      /* m >= this n: an unpivoted QR first, if rows_alike */
#define FL_SVD_ROWS_ALIKE 16.0
#define FL_SVD_SCALE_MIN 0x1p-32 /* a column's scale below this is multiplied in */
#define FL_SVD_ROW_BLOCK 16      /* rows of the cyclic order taken together */
#define FL_SVD_FEW_PAIRS 4       /* a tile with at most this many pairs to test: one by one */
#define FL_SVD_J_BAND 2048       /* bytes of each column of J per pass of jflush */
#define FL_SVD_F32_FIRST_MIN_N 64      /* float64, n >= this: float32 sweeps first, */
#define FL_SVD_F32_FIRST_SPREAD 1024.0 /* if the columns of R^T are within this */
#endif

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

#ifndef FL_JACOBI_ANGLE
#define FL_JACOBI_ANGLE
#if defined(_MSC_VER)
#define FL_SVD_INLINE __forceinline
#else
#define FL_SVD_INLINE inline __attribute__((always_inline)) /* four chains interleave inline */
#endif
typedef struct {
    double c, s, t, tdot, ic; /* cosine, sine, tangent, t dot, 1 / c */
} fl_jacobi_rotation;

/* The rotation of a column pair (p, q) with squared lengths ap, aq and dot
 * product dot, if it is due: |dot| > tol |y_p| |y_q| and neither column is
 * negligible. Its tangent t is the smaller root of t^2 + 2 zeta t - 1 = 0,
 * zeta = (aq - ap) / (2 dot); with d = aq - ap, e = 2 dot, r = sqrt(d^2 + e^2),
 * u = |d| + r:
 *   t = sign(d) e / u,   c = u / w,   s = sign(d) e / w,   w = sqrt(2 r u)
 * (c = 1 / sqrt(1 + t^2), s = t c): two square roots and two divisions (1 / w,
 * 1 / u), where the route through zeta takes two and three in one chain. The
 * old route serves where d^2 or e^2 could overflow or underflow. The test is
 * squared where ap aq is far from both ends of the range (the square roots are
 * taken apart elsewhere, so that nothing underflows). The squared lengths
 * become ap - t dot and aq + t dot (Rutishauser). */
static FL_SVD_INLINE int fl_jacobi_angle(double ap, double aq, double dot, double tol, double tiny2, fl_jacobi_rotation *out)
{
    if (aq <= tiny2 || ap <= tiny2) return 0;
    if (ap > 1e-100 && aq > 1e-100 && ap < 1e100 && aq < 1e100) {
        if (dot * dot <= tol * tol * ap * aq) return 0;
    } else if (fabs(dot) <= tol * sqrt(ap) * sqrt(aq)) {
        return 0;
    }
    double d = aq - ap, e = 2.0 * dot, big = fmax(fabs(d), fabs(e));
    if (big > 1e-140 && big < 1e140) {
        double r = sqrt(d * d + e * e), se = d >= 0 ? e : -e, u = fabs(d) + r;
        double w = sqrt(2.0 * r * u), iw = 1.0 / w, iu = 1.0 / u;
        out->t = se * iu;
        out->c = u * iw;
        out->s = se * iw;
        out->ic = w * iu;
    } else {
        double zeta = d / e;
        out->t = fabs(zeta) > 1e150 ? 0.5 / zeta : (zeta >= 0 ? 1.0 : -1.0) / (fabs(zeta) + sqrt(1.0 + zeta * zeta));
        out->c = 1.0 / sqrt(1.0 + out->t * out->t);
        out->s = out->t * out->c;
        out->ic = 1.0 / out->c;
    }
    out->tdot = out->t * dot;
    return 1;
}
#endif

/* An operation on the columns of J, kept to be applied later (jacobi_run):
 * a tile's sixteen fast rotations (cols[0..7], a, b), a plane rotation of
 * cols[0] and cols[1] by c = a[0], s = b[0], column cols[0] times a[0], or
 * columns cols[0] and cols[1] swapped. */
#ifndef FL_JOP_KINDS
#define FL_JOP_KINDS
enum { FL_JOP_TILE, FL_JOP_ROT, FL_JOP_SCALE, FL_JOP_SWAP };
#endif
typedef struct {
    int kind;
    ptrdiff_t cols[FL_TILE_COLS];
    FL_T a[FL_TILE_PAIRS], b[FL_TILE_PAIRS];
} FL_TYPED(jop);

typedef struct {
    FL_TYPED(jop) *ops;
    int count, cap;
} FL_TYPED(jqueue);

/* The state of one run of one-sided Jacobi: Y (rows x n) and J (n x n, or
 * NULL; its columns ldj apart, zeros below row n), column-major, column i of each stored divided by its scale d[i]
 * (the tiles' fast rotations leave the factor c of each rotation there);
 * a[i] = |y_i|^2 (of the true column) kept current; rotated[i] = the last
 * sweep that rotated column i (-1: none). */
typedef struct {
    ptrdiff_t rows, n, ldj;
    FL_T *Y, *J;
    double *a, *d, tol, tiny2;
    const fl_kernel_table *K;
    int float_sums; /* float32 tiles: dot products summed in float32 (a preconditioner's) */
    int *rotated, sweep;
    FL_TYPED(jqueue) *jq; /* J's operations, pending (J is NULL or jq is not) */
} FL_TYPED(jacobi_run);

/* The pending operations to J, applied in order (one_sided calls this after
 * each block of rows). No decision reads J: the rotations are decided on Y
 * alone, so J can take them later, and Y's columns keep the caches to
 * themselves during the tiles (Y's rotations must go at once: the next tile's
 * dot products read them). Each row of J moves on its own, so the operations
 * go a band of rows at a time, all of them to the first rows of every column,
 * then the next; at 500 x 500 bands of 1 to 4 KB a column made no difference,
 * larger matrices keep the sixteen columns of a block in cache this way. */
static void FL_TYPED(jflush)(const FL_TYPED(jacobi_run) *R)
{
    FL_TYPED(jqueue) *Q = R->jq;
    const ptrdiff_t n = R->ldj, band = FL_SVD_J_BAND / (ptrdiff_t)sizeof(FL_T); /* all rows, zeros too */
    for (ptrdiff_t r0 = 0; r0 < n && Q->count; r0 += band) {
        const ptrdiff_t len = n - r0 < band ? n - r0 : band;
        for (int k = 0; k < Q->count; k++) {
            const FL_TYPED(jop) *o = &Q->ops[k];
            FL_T *x = R->J + o->cols[0] * n + r0; /* every kind has a first column */
            if (o->kind == FL_JOP_TILE) {
                FL_T *cols[FL_TILE_COLS];
                for (int i = 0; i < FL_TILE_COLS; i++) cols[i] = R->J + o->cols[i] * n + r0;
                R->K->FL_TYPED(rot16)(len, cols, o->a, o->b);
            } else if (o->kind == FL_JOP_ROT) {
                R->K->FL_TYPED(rot)(len, x, R->J + o->cols[1] * n + r0, o->a[0], o->b[0]);
            } else if (o->kind == FL_JOP_SCALE) {
                for (ptrdiff_t r = 0; r < len; r++) x[r] *= o->a[0];
            } else {
                FL_T *y = R->J + o->cols[1] * n + r0;
                for (ptrdiff_t r = 0; r < len; r++) {
                    FL_T t = x[r];
                    x[r] = y[r];
                    y[r] = t;
                }
            }
        }
    }
    Q->count = 0;
}

/* A new pending operation on J, the queue emptied first if full */
static FL_TYPED(jop) *FL_TYPED(jpush)(const FL_TYPED(jacobi_run) *R, int kind)
{
    if (R->jq->count == R->jq->cap) FL_TYPED(jflush)(R);
    FL_TYPED(jop) *o = &R->jq->ops[R->jq->count++];
    o->kind = kind;
    return o;
}

/* Whether the pairs among these columns were all found orthogonal in the last
 * sweep and no column has moved since: none was rotated in the last sweep or
 * in this one so far. The test would then see what it saw and rotate nothing,
 * so it is skipped: the sweeps that end a run (at 500 x 500 they rotate 16,
 * then 1, then 0 of 124,750 pairs) cost only the pairs near the columns that
 * moved. */
static int FL_TYPED(settled)(const FL_TYPED(jacobi_run) *R, const ptrdiff_t *cols, int count)
{
    for (int i = 0; i < count; i++)
        if (R->rotated[cols[i]] >= R->sweep - 1) return 0;
    return 1;
}

/* Column i of Y and J times its scale, which becomes 1 */
static void FL_TYPED(unscale)(const FL_TYPED(jacobi_run) *R, ptrdiff_t i)
{
    const FL_T f = (FL_T)R->d[i];
    if (R->d[i] == 1) return;
    FL_T *y = R->Y + i * R->rows;
    for (ptrdiff_t r = 0; r < R->rows; r++) y[r] *= f;
    if (R->J) {
        FL_TYPED(jop) *o = FL_TYPED(jpush)(R, FL_JOP_SCALE);
        o->cols[0] = i, o->a[0] = f;
    }
    R->d[i] = 1;
}

/* The new squared lengths of p and q after a rotation: refreshed from the column
 * where the update has cancelled (the shorter column loses |t dot|). */
static void FL_TYPED(update_lengths)(const FL_TYPED(jacobi_run) *R, ptrdiff_t p, ptrdiff_t q, double tdot)
{
    double ap = R->a[p], aq = R->a[q];
    R->a[p] = ap - tdot;
    R->a[q] = aq + tdot;
    if (R->a[p] < 0.05 * ap) R->a[p] = R->K->FL_TYPED(sumsq)(R->rows, R->Y + p * R->rows);
    if (R->a[q] < 0.05 * aq) R->a[q] = R->K->FL_TYPED(sumsq)(R->rows, R->Y + q * R->rows);
}

/* One pair (p, q): its dot product, and the rotation if due. Returns 1 if rotated. */
static int FL_TYPED(rotate_pair)(const FL_TYPED(jacobi_run) *R, ptrdiff_t p, ptrdiff_t q)
{
    const ptrdiff_t rows = R->rows;
    fl_jacobi_rotation g;
    const ptrdiff_t pq[2] = {p, q};
    if (R->a[p] <= R->tiny2 || R->a[q] <= R->tiny2 || FL_TYPED(settled)(R, pq, 2)) return 0;
    FL_TYPED(unscale)(R, p);
    FL_TYPED(unscale)(R, q);
    double dot = FL_TYPED(dot_double)(rows, R->Y + p * rows, R->Y + q * rows, R->K);
    if (!fl_jacobi_angle(R->a[p], R->a[q], dot, R->tol, R->tiny2, &g)) return 0;
    R->K->FL_TYPED(rot)(rows, R->Y + p * rows, R->Y + q * rows, (FL_T)g.c, (FL_T)g.s);
    if (R->J) {
        FL_TYPED(jop) *o = FL_TYPED(jpush)(R, FL_JOP_ROT);
        o->cols[0] = p, o->cols[1] = q, o->a[0] = (FL_T)g.c, o->b[0] = (FL_T)g.s;
    }
    FL_TYPED(update_lengths)(R, p, q, g.tdot);
    R->rotated[p] = R->rotated[q] = R->sweep;
    return 1;
}

/* The sixteen pairs between columns p..p+3 and q..q+3, as a tile
 * (eigen/jacobi_tile.h): four steps of four disjoint pairs, whose scalar work
 * is four independent chains. The 28 dot products among the eight columns come
 * from one pass (gram8) into G, which each step's rotations then update as
 * they would the columns (rows and columns i and j of G for a rotation of
 * (i, j), and g_ij = 0), so that later steps read their dot products from G.
 * The sixteen rotations go to the columns in one pass (rot16) as fast
 * rotations, two multiply-adds per entry instead of four, their factors c left
 * in the columns' scales. Each column is read and written once per tile
 * instead of once per pair. Where a length cancels, the steps so far are
 * applied, the length recomputed, and the tile's remaining pairs taken one by
 * one. Returns the number of rotations. */
static int FL_TYPED(rotate_tile)(const FL_TYPED(jacobi_run) *R, ptrdiff_t p, ptrdiff_t q)
{
    const ptrdiff_t rows = R->rows;
    const ptrdiff_t idx[FL_TILE_COLS] = {p, p + 1, p + 2, p + 3, q, q + 1, q + 2, q + 3};
    double *a = R->a, al[FL_TILE_COLS], ds[FL_TILE_COLS], ids[FL_TILE_COLS], G[FL_TILE_COLS][FL_TILE_COLS];
    double g[28];
    FL_T fa[FL_TILE_PAIRS], fb[FL_TILE_PAIRS];
    FL_T *ycols[FL_TILE_COLS];
    int negligible = 0, count = 0, moved[FL_TILE_COLS] = {0};
    int unsettled = 0;
    for (int t = 0; t < 4; t++)
        for (int i = 0; i < 4; i++) {
            const ptrdiff_t pq[2] = {idx[i], idx[FL_TILE_Q(t, i)]};
            unsettled += !FL_TYPED(settled)(R, pq, 2);
        }
    if (unsettled == 0) return 0;
    if (unsettled <= FL_SVD_FEW_PAIRS) { /* fewer dot products than gram8's 28, one by one */
        for (int t = 0; t < 4; t++)
            for (int i = 0; i < 4; i++) count += FL_TYPED(rotate_pair)(R, idx[i], idx[FL_TILE_Q(t, i)]);
        return count;
    }
    for (int i = 0; i < FL_TILE_COLS; i++) {
        al[i] = a[idx[i]], ds[i] = R->d[idx[i]], ids[i] = 1.0 / ds[i];
        negligible |= al[i] <= R->tiny2;
        ycols[i] = R->Y + idx[i] * rows;
    }
    if (negligible) { /* a column left out of the rotations: the pairs one by one */
        for (int t = 0; t < 4; t++)
            for (int i = 0; i < 4; i++) count += FL_TYPED(rotate_pair)(R, idx[i], idx[FL_TILE_Q(t, i)]);
        return count;
    }
#if FL_SVD_F32
    (R->float_sums ? R->K->gram8_lo_f32 : R->K->gram8_f32)(rows, ycols, g);
#else
    R->K->FL_TYPED(gram8)(rows, ycols, g);
#endif
    for (int i = 0, k = 0; i < FL_TILE_COLS; i++) /* the true columns' dot products */
        for (int j = i + 1; j < FL_TILE_COLS; j++, k++) G[i][j] = G[j][i] = g[k] * ds[i] * ds[j];
    for (int k = 0; k < FL_TILE_PAIRS; k++) fa[k] = fb[k] = 0;
    for (int t = 0; t < 4; t++) {
        double before[FL_TILE_COLS];
        int cancelled = 0;
        for (int i = 0; i < FL_TILE_COLS; i++) before[i] = al[i];
        /* the step's four pairs are disjoint: no rotation changes another's
         * entries of G or lengths, so the four angles are independent chains */
        fl_jacobi_rotation rs[4];
        int due[4];
        for (int i = 0; i < 4; i++) {
            const int j = FL_TILE_Q(t, i);
            due[i] = fl_jacobi_angle(al[i], al[j], G[i][j], R->tol, R->tiny2, &rs[i]);
        }
        for (int i = 0; i < 4; i++) {
            const int j = FL_TILE_Q(t, i), k = 4 * t + i;
            const fl_jacobi_rotation r = rs[i];
            if (!due[i]) continue;
            al[i] -= r.tdot, al[j] += r.tdot;
            count++, moved[i] = moved[j] = 1;
            for (int l = 0; l < FL_TILE_COLS; l++) { /* G <- the rotation applied to both sides */
                if (l == i || l == j) continue;
                double gi = G[i][l], gj = G[j][l];
                G[i][l] = G[l][i] = r.c * gi - r.s * gj;
                G[j][l] = G[l][j] = r.s * gi + r.c * gj;
            }
            G[i][j] = G[j][i] = 0; /* what the rotation is for */
            fa[k] = (FL_T)(-r.t * ds[j] * ids[i]);
            fb[k] = (FL_T)(r.t * ds[i] * ids[j]);
            ds[i] *= r.c, ds[j] *= r.c, ids[i] *= r.ic, ids[j] *= r.ic;
        }
        for (int i = 0; i < FL_TILE_COLS; i++) cancelled |= al[i] < 0.05 * before[i];
        if (cancelled || t == 3) {
            if (count) {
                R->K->FL_TYPED(rot16)(rows, ycols, fa, fb);
                if (R->J) {
                    FL_TYPED(jop) *o = FL_TYPED(jpush)(R, FL_JOP_TILE);
                    for (int i = 0; i < FL_TILE_COLS; i++) o->cols[i] = idx[i];
                    memcpy(o->a, fa, sizeof fa), memcpy(o->b, fb, sizeof fb);
                }
            }
            for (int i = 0; i < FL_TILE_COLS; i++) {
                R->d[idx[i]] = ds[i];
                if (moved[i]) R->rotated[idx[i]] = R->sweep;
                a[idx[i]] = al[i] < 0.05 * before[i] ? R->K->FL_TYPED(sumsq)(rows, ycols[i]) * ds[i] * ds[i] : al[i];
                if (ds[i] < FL_SVD_SCALE_MIN) FL_TYPED(unscale)(R, idx[i]);
            }
            for (int t2 = t + 1; t2 < 4; t2++) /* after a cancellation: the rest one by one */
                for (int i = 0; i < 4; i++) count += FL_TYPED(rotate_pair)(R, idx[i], idx[FL_TILE_Q(t2, i)]);
            break;
        }
    }
    return count;
}

/* de Rijk's pivot: the longest of columns p.. moves to p */
static void FL_TYPED(pivot_longest)(const FL_TYPED(jacobi_run) *R, ptrdiff_t p)
{
    double *a = R->a;
    ptrdiff_t big = p;
    for (ptrdiff_t k = p + 1; k < R->n; k++)
        if (a[k] > a[big]) big = k;
    if (big == p) return;
    FL_TYPED(swap_columns)(R->rows, R->Y, p, big);
    if (R->J) {
        FL_TYPED(jop) *o = FL_TYPED(jpush)(R, FL_JOP_SWAP);
        o->cols[0] = p, o->cols[1] = big;
    }
    double t = a[p];
    a[p] = a[big], a[big] = t;
    t = R->d[p];
    R->d[p] = R->d[big], R->d[big] = t;
    int r = R->rotated[p];
    R->rotated[p] = R->rotated[big], R->rotated[big] = r;
}

/* The pairs between columns p..p+pb-1 and q..q+qb-1 (disjoint ranges, or the
 * same range for its pairs among themselves): 4 x 4 tiles where both have
 * four, else one by one. Returns the number of rotations. */
static long FL_TYPED(rotate_block)(const FL_TYPED(jacobi_run) *R, ptrdiff_t p, ptrdiff_t pb, ptrdiff_t q,
                                   ptrdiff_t qb)
{
    long rotations = 0;
    if (p == q) {
        for (ptrdiff_t i = 0; i < pb; i++)
            for (ptrdiff_t j = i + 1; j < pb; j++) rotations += FL_TYPED(rotate_pair)(R, p + i, p + j);
    } else if (pb == 4 && qb == 4) {
        rotations += FL_TYPED(rotate_tile)(R, p, q);
    } else {
        for (ptrdiff_t j = 0; j < qb; j++)
            for (ptrdiff_t i = 0; i < pb; i++) rotations += FL_TYPED(rotate_pair)(R, p + i, q + j);
    }
    return rotations;
}

/* One-sided Jacobi on the columns of Y (rows x n, column-major); J (n x n,
 * column-major, may be NULL) gets the same rotations. a[i] = |y_i|^2; d: n
 * doubles of workspace (the columns' scales). float_sums: see jacobi_run.
 * Stops after a sweep of at most `enough` rotations: 0, except for a
 * preconditioner's sweeps.
 * Each sweep takes the rows p of the cyclic order FL_SVD_ROW_BLOCK at a time,
 * each time the longest remaining columns (de Rijk), in groups of four: their
 * pairs among themselves, then with the later columns four at a time, as
 * tiles. The four columns q of a group then serve the whole block of rows
 * while in cache (at 500 x 500, Y and J are 4 MB). Every pair once per sweep. */
static int FL_TYPED(one_sided)(ptrdiff_t rows, ptrdiff_t n, FL_T *Y, FL_T *J, ptrdiff_t ldj, double *a, double *d, double tol,
                               int max_sweeps, int float_sums, long enough, int *sweeps)
{
    const fl_kernel_table *K = fl_kernels();
    int *rotated = fl_malloc((size_t)n * sizeof(int));
    /* room for a block of rows' operations on J: n tiles, the pairs among
     * the block's columns, its swaps and scales */
    FL_TYPED(jqueue) jq = {NULL, 0, (int)(2 * n + 4 * FL_SVD_ROW_BLOCK * FL_SVD_ROW_BLOCK)};
    if (J) jq.ops = fl_malloc((size_t)jq.cap * sizeof(FL_TYPED(jop)));
    *sweeps = 0;
    if (!rotated || (J && !jq.ops)) {
        fl_free(rotated), fl_free(jq.ops);
        return FL_ENOMEM;
    }
    for (ptrdiff_t i = 0; i < n; i++) a[i] = K->FL_TYPED(sumsq)(rows, Y + i * rows), d[i] = 1, rotated[i] = -1;
    FL_TYPED(jacobi_run) R = {rows, n, ldj, Y, J, a, d, tol, FL_TYPED(negligible_sumsq)(), K, float_sums, rotated, 0,
                              J ? &jq : NULL};
    int st = FL_ENOCONV;
    for (int sweep = 0; sweep < max_sweeps && st == FL_ENOCONV; sweep++) {
        long rotations = 0;
        *sweeps = sweep + 1;
        R.sweep = sweep;
        for (ptrdiff_t p = 0; p < n - 1; p += FL_SVD_ROW_BLOCK) {
            if (fl_stop_requested()) {
                st = FL_EINTR;
                break;
            }
            const ptrdiff_t pe = n - p < FL_SVD_ROW_BLOCK ? n : p + FL_SVD_ROW_BLOCK;
            for (ptrdiff_t i = p; i < pe; i++) FL_TYPED(pivot_longest)(&R, i);
            for (ptrdiff_t p1 = p; p1 < pe; p1 += 4) /* the block's pairs among themselves */
                for (ptrdiff_t p2 = p1; p2 < pe; p2 += 4)
                    rotations += FL_TYPED(rotate_block)(&R, p1, pe - p1 < 4 ? pe - p1 : 4, p2,
                                                        pe - p2 < 4 ? pe - p2 : 4);
            for (ptrdiff_t q = pe; q < n; q += 4) /* with the later columns */
                for (ptrdiff_t p1 = p; p1 < pe; p1 += 4)
                    rotations += FL_TYPED(rotate_block)(&R, p1, pe - p1 < 4 ? pe - p1 : 4, q, n - q < 4 ? n - q : 4);
            if (J) FL_TYPED(jflush)(&R); /* the block's operations on J, a band of rows at a time */
        }
        if (rotations <= enough && st == FL_ENOCONV) st = FL_OK;
    }
    for (ptrdiff_t i = 0; i < n; i++) FL_TYPED(unscale)(&R, i);
    if (J) FL_TYPED(jflush)(&R);
    fl_free(rotated), fl_free(jq.ops);
    return st;
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

/* Whether the nonzero rows of A are within a factor FL_SVD_ROWS_ALIKE of each
 * other in size (largest |entry|). Then an unpivoted QR, backward stable for
 * each column but only normwise for the rows, is within that factor of
 * row-wise stable, and may precede the pivoted one; graded rows (D B) need the
 * rows sorted and the columns pivoted in one QR (Cox & Higham 1998). */
static int FL_TYPED(rows_alike)(ptrdiff_t m, const double *rowsize)
{
    double lo = INFINITY, hi = 0;
    for (ptrdiff_t i = 0; i < m; i++)
        if (rowsize[i] > 0) lo = fmin(lo, rowsize[i]), hi = fmax(hi, rowsize[i]);
    return hi <= FL_SVD_ROWS_ALIKE * lo;
}

typedef struct { /* one allocation's worth of workspace, carved up */
    FL_T *X, *Y, *J, *Js, *Q, *W, *tau, *v, *Z, *tau2;
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
    /* Y's columns ldy apart, zero rows below its n: each column then starts on a
     * cache line and ends on a whole vector, so the tiles' passes split no load
     * across two lines and have no scalar tail (zeros rotate into zeros); J's
     * columns too. At 500 x 500 (rows of 4000 bytes: every other column had
     * started mid-line) that took the time from 3.0 to 2.7 times dgesdd's for
     * Y alone, 2.5 with J. */
    const ptrdiff_t ldy = fl_svd_padded(n, sizeof(FL_T));
    void *blocks[FL_SVD_BLOCKS];
    size_t sizes[FL_SVD_BLOCKS] = {mn * sizeof(FL_T), (size_t)(ldy * n) * sizeof(FL_T), uv ? (size_t)(ldy * n) * sizeof(FL_T) : 1,
                        uv ? nn * sizeof(FL_T) : 1, uv ? mq * sizeof(FL_T) : 1,
                        uv ? nn * sizeof(FL_T) : 1, (size_t)n * sizeof(FL_T), (size_t)m * sizeof(FL_T),
                        (size_t)n * sizeof(double), 2 * (size_t)n * sizeof(double), (size_t)m * sizeof(double),
                        (size_t)n * sizeof(ptrdiff_t), (size_t)m * sizeof(ptrdiff_t), (size_t)n * sizeof(ptrdiff_t),
                        (size_t)n * sizeof(int), nn * sizeof(FL_T), (size_t)n * sizeof(FL_T)};
    int ok = 1;
    for (int b = 0; b < FL_SVD_BLOCKS; b++) ok &= (blocks[b] = fl_malloc(sizes[b])) != NULL;
    if (!ok) {
        for (int b = 0; b < FL_SVD_BLOCKS; b++) fl_free(blocks[b]);
        return FL_ENOMEM;
    }
    w.X = blocks[0], w.Y = blocks[1], w.J = blocks[2], w.Js = blocks[3], w.Q = blocks[4];
    w.W = blocks[5], w.tau = blocks[6], w.v = blocks[7], w.a = blocks[8], w.norms = blocks[9];
    w.rowsize = blocks[10], w.perm = blocks[11], w.rowperm = blocks[12], w.order = blocks[13];
    w.filled = blocks[14], w.Z = blocks[15], w.tau2 = blocks[16];

    /* scale by a power of two so that the largest entry is near 1 (exact) */
    double amax = 0;
    for (ptrdiff_t i = 0; i < m; i++) {
        double r = 0;
        for (ptrdiff_t j = 0; j < n; j++) r = FL_MAX(r, fabs((double)A[i * rsa + j * csa]));
        w.rowsize[i] = r;
        amax = fmax(amax, r);
    }
    int e = 0;
    if (amax > 0) frexp(amax, &e);
    /* A P = Q R: directly by pivoted QR, or for a tall A whose rows are of like
     * size as A = Q1 R1 (blocked, by the GEMM) and R1 P = Q2 R2 (pivoted, n x n):
     * the same P and R in exact arithmetic, with Q = Q1 Q2 */
    const int qr_first = m >= FL_SVD_QR_FIRST * n && FL_TYPED(rows_alike)(m, w.rowsize);
    if (qr_first) { /* rows of like size need no sorting */
        for (ptrdiff_t i = 0; i < m; i++) w.rowperm[i] = i;
    } else if (!fl_svd_sort_rows(m, w.rowsize, w.rowperm)) {
        /* rows by decreasing size (stable): Householder QR is then accurate row-wise */
        for (int b = 0; b < FL_SVD_BLOCKS; b++) fl_free(blocks[b]);
        return FL_ENOMEM;
    }
    /* X = the rows in that order, column-major, times 2^-e: a factor (exact)
     * where it is a normal number, else ldexp. Blocks of rows, so that each
     * row's cache lines serve several columns. */
    const double scale = abs(e) < DBL_MAX_EXP - 2 ? ldexp(1.0, -e) : 0;
    for (ptrdiff_t i0 = 0; i0 < m; i0 += 16) {
        const ptrdiff_t i1 = m - i0 < 16 ? m : i0 + 16;
        for (ptrdiff_t j = 0; j < n; j++)
            for (ptrdiff_t i = i0; i < i1; i++) {
                double x = (double)A[w.rowperm[i] * rsa + j * csa];
                w.X[j * m + i] = (FL_T)(scale != 0 ? x * scale : ldexp(x, -e));
            }
    }

    const FL_T *R = w.X;
    ptrdiff_t ldr = m;
    int st;
    if (qr_first) {
        st = FL_TYPED(qr_blocked)(m, n, w.X, w.tau);
        for (ptrdiff_t j = 0; j < n; j++)
            for (ptrdiff_t i = 0; i < n; i++) w.Z[j * n + i] = i <= j ? w.X[j * m + i] : 0;
        if (st == FL_OK) st = FL_TYPED(qrp)(n, n, w.Z, w.tau2, w.perm, w.norms);
        R = w.Z, ldr = n;
    } else {
        st = FL_TYPED(qrp)(m, n, w.X, w.tau, w.perm, w.norms);
    }
    if (st != FL_OK) {
        for (int b = 0; b < FL_SVD_BLOCKS; b++) fl_free(blocks[b]);
        return st;
    }
    for (ptrdiff_t i = 0; i < n; i++) /* Y = R^T: column i of Y is row i of R */
        for (ptrdiff_t k = 0; k < ldy; k++) w.Y[i * ldy + k] = k >= i && k < n ? R[k * ldr + i] : 0;
    if (uv) {
        for (size_t i = 0; i < (size_t)(ldy * n); i++) w.J[i] = 0;
        for (ptrdiff_t i = 0; i < n; i++) w.J[i * ldy + i] = 1;
    }
#if !FL_SVD_F32
    st = fl_svd_float32_first(n, ldy, w.Y, uv ? w.J : NULL, w.a, w.norms, max_sweeps);
    if (st != FL_OK) {
        for (int b = 0; b < FL_SVD_BLOCKS; b++) fl_free(blocks[b]);
        return st;
    }
#endif
    st = FL_TYPED(one_sided)(ldy, n, w.Y, uv ? w.J : NULL, ldy, w.a, w.norms, sqrt((double)n) * FL_EPS, max_sweeps, 0, 0,
                             sweeps);
    if (st == FL_EINTR || st == FL_ENOMEM) {
        for (int b = 0; b < FL_SVD_BLOCKS; b++) fl_free(blocks[b]);
        return st;
    }

    /* singular values: the column lengths, descending (stable) */
    double *sigma = w.norms;
    for (ptrdiff_t i = 0; i < n; i++) {
        FL_T r;
        FL_TYPED(fl_nrm2)(n, w.Y + i * ldy, 1, &r);
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
            const FL_T *y = w.Y + w.order[i] * ldy;
            double sg = sigma[w.order[i]];
            w.filled[i] = sg > sqrt(FL_TYPED(negligible_sumsq)()); /* else completed below */
            for (ptrdiff_t k = 0; k < n; k++) w.W[i * n + k] = w.filled[i] ? (FL_T)(y[k] / sg) : 0;
        }
        FL_TYPED(complete_basis)(n, w.W, w.filled, w.a);
        for (ptrdiff_t i = 0; i < n; i++)
            for (ptrdiff_t k = 0; k < n; k++) Vt[i * rsv + w.perm[k] * csv] = w.W[i * n + k];
        /* U = Pr^T Q J: J's columns in the order of s, one GEMM, rows unsorted */
        for (ptrdiff_t i = 0; i < n; i++) memcpy(w.Js + i * n, w.J + w.order[i] * ldy, (size_t)n * sizeof(FL_T));
        const FL_T *Jq = w.Js;
        if (qr_first) { /* Q2 J into W (Q2 in J, free now) */
            gst = FL_TYPED(form_q)(n, n, w.Z, w.tau2, n, w.J, w.v);
            if (gst == FL_OK) gst = FL_TYPED(fl_gemm)(n, n, n, w.J, 1, n, w.Js, 1, n, w.W, 1, n, 0);
            Jq = w.W;
        }
        if (gst == FL_OK) gst = FL_TYPED(form_q)(m, n, w.X, w.tau, ucols, w.Q, w.v);
        if (gst == FL_OK && qr_first) { /* rows in place: Q J straight into U */
            gst = FL_TYPED(fl_gemm)(m, n, n, w.Q, 1, m, Jq, 1, n, U, rsu, csu, 0);
            for (ptrdiff_t i = 0; gst == FL_OK && i < m; i++)
                for (ptrdiff_t j = n; j < ucols; j++) U[i * rsu + j * csu] = w.Q[j * m + i];
        } else if (gst == FL_OK) { /* Q J, then its rows back in A's order */
            FL_T *T = fl_malloc(mn * sizeof(FL_T));
            gst = T ? FL_TYPED(fl_gemm)(m, n, n, w.Q, 1, m, Jq, 1, n, T, 1, m, 0) : FL_ENOMEM;
            if (gst == FL_OK) {
                for (ptrdiff_t j = 0; j < n; j++)
                    for (ptrdiff_t i = 0; i < m; i++) U[w.rowperm[i] * rsu + j * csu] = T[j * m + i];
                for (ptrdiff_t j = n; j < ucols; j++)
                    for (ptrdiff_t i = 0; i < m; i++) U[w.rowperm[i] * rsu + j * csu] = w.Q[j * m + i];
            }
            fl_free(T);
        }
    }
    for (int b = 0; b < FL_SVD_BLOCKS; b++) fl_free(blocks[b]);
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
