/* power_tmpl.h: power iteration for one dtype (included by power.c).
 *
 *   y = A x,  lambda = x . y  (Rayleigh quotient, |x| = 1),  x <- y / |y|
 *
 * until the eigen-residual |A x - lambda x| <= tol |A|_F. The matrix-vector
 * product streams rows of A through the rows_dot kernel, on threads when A is
 * large enough to pay for them. */

typedef struct {
    ptrdiff_t n, lda;
    const FL_T *A, *x;
    FL_T *y;
} FL_TYPED(matvec_job);

static void FL_TYPED(matvec_task)(void *ctx, int tid, int nt)
{
    FL_TYPED(matvec_job) *job = ctx;
    ptrdiff_t lo, hi;
    fl_split(job->n, 4, tid, nt, &lo, &hi);
    if (hi > lo) fl_kernels()->FL_TYPED(rows_dot)(hi - lo, job->n, job->A + lo * job->lda, job->lda, job->x, job->y + lo, NULL);
}

static void FL_TYPED(matvec)(FL_TYPED(matvec_job) *job)
{
    int nt = fl_threads_for((double)job->n * (double)job->n, FL_SCORE_GRAIN);
    if (nt <= 1)
        FL_TYPED(matvec_task)(job, 0, 1);
    else
        fl_parallel(FL_TYPED(matvec_task), job, nt);
}

/* |v| in double, with no overflow or underflow on the way */
static double FL_TYPED(norm_of)(ptrdiff_t n, const FL_T *v)
{
#if FL_POWER_F32
    return sqrt(fl_kernels()->sumsq_f32(n, v)); /* float32 squares always fit a double */
#else
    double r;
    fl_nrm2_f64(n, v, 1, &r);
    return r;
#endif
}

int FL_TYPED(fl_power)(ptrdiff_t n, const FL_T *A, ptrdiff_t rsa, ptrdiff_t csa, FL_T *x, double tol,
                       long max_iter, double *lambda, double *residual, long *iterations)
{
    *lambda = 0, *residual = INFINITY, *iterations = 0;
    if (n < 1 || max_iter < 1 || !(tol >= 0)) return FL_EINVAL;
    /* Entries far from 1 would overflow A x (or its squares) or underflow the
     * residual: such a matrix is copied, scaled by a power of two (exactly),
     * and lambda and the residual scaled back. rows_dot reads contiguous rows,
     * so other layouts are copied too. */
    /* max |a_ij| and, in the same pass, sum a_ij^2 (|A|_F when no scaling is
     * needed), a row at a time: vector loops */
    double amax = 0, sumsq = 0;
    for (ptrdiff_t i = 0; i < n; i++) {
        const FL_T *row = A + i * rsa;
        FL_T m = 0;
        double ss = 0;
        if (csa == 1)
            for (ptrdiff_t j = 0; j < n; j++) {
                m = FL_MAX(m, fabs(row[j]));
                ss += (double)row[j] * (double)row[j];
            }
        else
            for (ptrdiff_t j = 0; j < n; j++) m = FL_MAX(m, fabs(row[j * csa]));
        amax = FL_MAX(amax, (double)m);
        sumsq += ss;
    }
    int e = 0;
    if (amax > 0 && isfinite(amax)) frexp(amax, &e);
    if (e > -FL_POWER_EXP_LIMIT && e < FL_POWER_EXP_LIMIT) e = 0;
    FL_T *copy = NULL;
    ptrdiff_t lda = rsa;
    if (csa != 1 || rsa < n || e != 0) {
        copy = fl_malloc((size_t)(n * n) * sizeof(FL_T));
        if (!copy) return FL_ENOMEM;
        for (ptrdiff_t i = 0; i < n; i++)
            for (ptrdiff_t j = 0; j < n; j++) copy[i * n + j] = (FL_T)ldexp((double)A[i * rsa + j * csa], -e);
        A = copy, lda = n;
    }
    FL_T *y = fl_malloc((size_t)n * sizeof(FL_T)), *best = fl_malloc((size_t)n * sizeof(FL_T));
    if (!y || !best) {
        fl_free(copy), fl_free(y), fl_free(best);
        return FL_ENOMEM;
    }
    double anorm = sqrt(sumsq); /* |A|_F; of a scaled copy, row by row with no overflow */
    if (copy) {
        anorm = 0;
        for (ptrdiff_t i = 0; i < n; i++) anorm = hypot(anorm, FL_TYPED(norm_of)(n, A + i * lda));
    }
    double xn = FL_TYPED(norm_of)(n, x);
    for (ptrdiff_t i = 0; i < n; i++) x[i] = (FL_T)((double)x[i] / xn);
    memcpy(best, x, (size_t)n * sizeof(FL_T)); /* the estimate if no residual is finite */
    FL_TYPED(matvec_job) job = {n, lda, A, x, y};
    int st = FL_ENOCONV;
    double best_lambda = 0, best_r = INFINITY;
    for (long it = 1; it <= max_iter; it++) {
        if (fl_stop_requested()) {
            st = FL_EINTR;
            break;
        }
        FL_TYPED(matvec)(&job);
        double lam = 0, r2 = 0;
        for (ptrdiff_t i = 0; i < n; i++) lam += (double)x[i] * (double)y[i];
        for (ptrdiff_t i = 0; i < n; i++) {
            double d = (double)y[i] - lam * (double)x[i];
            r2 += d * d;
        }
        double r = sqrt(r2);
        *iterations = it;
        if (r < best_r) { /* the best estimate so far, kept for the caller */
            best_r = r, best_lambda = lam;
            memcpy(best, x, (size_t)n * sizeof(FL_T));
        }
        if (r <= tol * anorm) {
            st = FL_OK;
            break;
        }
        double yn = FL_TYPED(norm_of)(n, y);
        if (!(yn > 0) || !isfinite(yn)) break; /* A x = 0 would have converged above */
        for (ptrdiff_t i = 0; i < n; i++) x[i] = (FL_T)((double)y[i] / yn);
    }
    *lambda = ldexp(best_lambda, e);
    *residual = ldexp(best_r, e);
    /* sign: the largest component of the eigenvector is positive */
    ptrdiff_t big = 0;
    for (ptrdiff_t i = 1; i < n; i++)
        if (fabs((double)best[i]) > fabs((double)best[big])) big = i;
    FL_T sign = best[big] < 0 ? -1 : 1;
    for (ptrdiff_t i = 0; i < n; i++) x[i] = sign * best[i];
    fl_free(copy), fl_free(y), fl_free(best);
    return st;
}

/* max |a_ij - a_ji| and max |a_ij| over the matrix (fastla.h), in tiles so both
 * sides are read from cache: one pass over A where the checks of top_eigs took
 * three (and two temporaries the size of A) */
int FL_TYPED(fl_asymmetry)(ptrdiff_t n, const FL_T *A, ptrdiff_t rsa, ptrdiff_t csa, double *out)
{
    double worst = 0, big = 0;
    for (ptrdiff_t i0 = 0; i0 < n; i0 += 32)
        for (ptrdiff_t j0 = 0; j0 <= i0; j0 += 32)
            for (ptrdiff_t i = i0; i < i0 + 32 && i < n; i++)
                for (ptrdiff_t j = j0; j < j0 + 32 && j <= i; j++) {
                    double x = (double)A[i * rsa + j * csa], y = (double)A[j * rsa + i * csa];
                    double d = fabs(x - y), m = FL_MAX(fabs(x), fabs(y));
                    if (d > worst || d != d) worst = d; /* a NaN sticks: no later d compares above it */
                    if (m > big || x != x || y != y) big = x != x ? x : y != y ? y : m;
                }
    out[0] = worst, out[1] = big;
    return FL_OK;
}
