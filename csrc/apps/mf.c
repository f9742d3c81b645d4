/* mf.c: stochastic gradient descent and alternating least squares for the biased
 * matrix-factorisation model of mf.h. float32 storage; the ALS systems are formed
 * and solved in double, as they are small (k + 1 unknowns) and ill-conditioned
 * when a row has few ratings. */
#include "mf.h"

#include "../internal.h"
#include "mf_kernels.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- SGD ------------------------------------------------------------------------ */

typedef struct {
    fl_mf_sgd_args a;
    const int64_t *block_start;
    int nblocks, sub_epoch;
    void (*range)(const fl_mf_sgd_args *, int64_t, int64_t, double *, int *);
    double *sse;   /* one per stratum of the sub-epoch, summed in a fixed order */
    int *bad;      /* one per stratum: an id was out of range */
    int stopped;   /* a stop request (Ctrl-C) was seen */
} sgd_ctx;

/* Factor updates (ratings x (k + 1)) between two looks at the stop request:
 * about 10 ms of SGD, whatever k */
#define FL_MF_STOP_WORK ((int64_t)1 << 24)

#define FL_MF_SGD_RANGE fl_mf_sgd_range_generic
#include "mf_sgd_tmpl.h"
#undef FL_MF_SGD_RANGE

/* The loop for the SIMD path in use (FASTLA_ISA is honoured through fl_get_isa). */
static void (*sgd_range_for_isa(void))(const fl_mf_sgd_args *, int64_t, int64_t, double *, int *)
{
#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__) || defined(_M_IX86)
    if (fl_get_isa() != FL_ISA_GENERIC) return fl_mf_sgd_range_avx2;
#endif
    return fl_mf_sgd_range_generic;
}


/* Thread tid of nt runs strata a = tid, tid + nt, ... of the current sub-epoch,
 * each in chunks between which a stop request is honoured. */
static void sgd_task(void *arg, int tid, int nt)
{
    sgd_ctx *c = arg;
    const int T = c->nblocks;
    for (int a = tid; a < T; a += nt) {
        int b = (a + c->sub_epoch) % T;
        int s = a * T + b;
        int64_t hi = c->block_start[s + 1], chunk = FL_MF_STOP_WORK / ((int64_t)c->a.k + 1);
        if (chunk < 1024) chunk = 1024;
        double total = 0.0, part;
        for (int64_t lo = c->block_start[s]; lo < hi; lo += chunk) {
            if (fl_stop_requested()) {
                FL_STORE(int, &c->stopped, 1);
                break;
            }
            c->range(&c->a, lo, hi - lo > chunk ? lo + chunk : hi, &part, &c->bad[a]);
            total += part;
        }
        c->sse[a] = total;
    }
}

int fl_mf_sgd_epoch(ptrdiff_t n, const int32_t *users, const int32_t *items, const float *ratings,
                    const int64_t *order, int nblocks, const int64_t *block_start,
                    ptrdiff_t n_users, ptrdiff_t n_items, ptrdiff_t k, float mu,
                    float *bu, float *bi, float *P, float *Q,
                    float lr, float reg_bias, float reg_factor, int nthreads, double *sse)
{
    if (n < 0 || k < 0 || n_users < 0 || n_items < 0 || nthreads < 0) return FL_EINVAL;
    if (block_start == NULL) nblocks = 1;
    if (nblocks < 1 || nblocks > 4096) return FL_EINVAL;
    if (block_start) {
        /* offsets must rise from 0 to n, or the strata would overlap or overrun */
        if (block_start[0] != 0 || block_start[(ptrdiff_t)nblocks * nblocks] != n) return FL_EINVAL;
        for (ptrdiff_t s = 0; s < (ptrdiff_t)nblocks * nblocks; s++)
            if (block_start[s + 1] < block_start[s]) return FL_EINVAL;
    }
    int64_t whole[2] = {0, (int64_t)n};
    double *sums = malloc(sizeof(double) * (size_t)nblocks);
    int *bad = calloc((size_t)nblocks, sizeof(int));
    if (!sums || !bad) {
        free(sums);
        free(bad);
        return FL_ENOMEM;
    }
    sgd_ctx c = {{users, items, ratings, order, n_users, n_items, k, mu, lr, reg_bias, reg_factor, bu, bi, P, Q},
                 block_start ? block_start : whole, nblocks, 0, sgd_range_for_isa(), sums, bad};
    int nt = nthreads > 0 ? nthreads : fl_get_num_threads();
    if (nt > nblocks) nt = nblocks;
    if (nt > FL_MAX_THREADS) nt = FL_MAX_THREADS;
    double total = 0.0;
    int any_bad = 0;
    for (int s = 0; s < nblocks; s++) { /* the sub-epochs, one after another */
        c.sub_epoch = s;
        if (nt > 1)
            fl_parallel(sgd_task, &c, nt);
        else
            sgd_task(&c, 0, 1);
        for (int a = 0; a < nblocks; a++) total += sums[a];
        if (FL_LOAD(int, &c.stopped)) {
            free(sums);
            free(bad);
            return FL_EINTR;
        }
    }
    for (int a = 0; a < nblocks; a++) any_bad |= bad[a];
    free(sums);
    free(bad);
    if (sse) *sse = total;
    return any_bad ? FL_EINVAL : FL_OK;
}

/* ---- ALS ------------------------------------------------------------------------ */

/* x . y in four interleaved partial sums: the adds of one sum wait on each other
 * (the compiler may not reorder them), four sums keep four of them in flight */
static inline double dot4(const double *x, const double *y, ptrdiff_t n)
{
    double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
    ptrdiff_t p = 0;
    for (; p + 4 <= n; p += 4) {
        s0 += x[p] * y[p];
        s1 += x[p + 1] * y[p + 1];
        s2 += x[p + 2] * y[p + 2];
        s3 += x[p + 3] * y[p + 3];
    }
    for (; p < n; p++) s0 += x[p] * y[p];
    return (s0 + s1) + (s2 + s3);
}

int fl_mf_cholesky_solve(ptrdiff_t m, double *A, double *b)
{
    /* A = L L^T, column by column (L in the lower triangle of A) */
    for (ptrdiff_t j = 0; j < m; j++) {
        double d = A[j * m + j] - dot4(A + j * m, A + j * m, j);
        if (!(d > 0.0)) return FL_MF_ENOTPD; /* also catches NaN */
        d = sqrt(d);
        A[j * m + j] = d;
        for (ptrdiff_t i = j + 1; i < m; i++)
            A[i * m + j] = (A[i * m + j] - dot4(A + i * m, A + j * m, j)) / d;
    }
    for (ptrdiff_t i = 0; i < m; i++) /* L y = b */
        b[i] = (b[i] - dot4(A + i * m, b, i)) / A[i * m + i];
    for (ptrdiff_t i = m - 1; i >= 0; i--) { /* L^T z = y */
        double s = b[i];
        for (ptrdiff_t p = i + 1; p < m; p++) s -= A[p * m + i] * b[p];
        b[i] = s / A[i * m + i];
    }
    return FL_OK;
}

typedef struct {
    ptrdiff_t n_rows, n_other, k;
    const int64_t *indptr;
    const int32_t *other;
    const float *ratings;
    float mu, reg_factor, reg_bias;
    const float *Y, *y_bias;
    float *X, *x_bias;
    double *work;     /* per thread: 2*m*m + (1 + ALS_BATCH)*m doubles */
    fl_chunks rows;
    int *status;        /* per thread: its failure with the lowest row */
    ptrdiff_t *bad_row; /* per thread: that row */
} als_ctx;

/* Ratings whose rank-one terms are added to the normal equations in one pass */
#define ALS_BATCH 4

/* Row u when it has n ratings, fewer than its m unknowns, and the penalty
 * D = n diag(reg_factor.., reg_bias) is positive. With F the n x m features and t
 * the targets, the push-through identity (F^T F + D)^-1 F^T = D^-1 F^T (F D^-1 F^T + I)^-1
 * gives the same solution from an n x n system:
 *     (F D^-1 F^T + I) z = t,   w = D^-1 F^T z
 * Most items (and many users) of a ratings matrix have only a few ratings, and
 * this is where ALS spends its time otherwise. F is n*m, G n*n, z and dinv m long. */
static int als_row_dual(als_ctx *c, ptrdiff_t u, int64_t lo, ptrdiff_t n, double *F, double *G, double *z,
                        double *dinv)
{
    const ptrdiff_t k = c->k, m = k + (c->x_bias != NULL);
    for (ptrdiff_t f = 0; f < k; f++) dinv[f] = 1.0 / ((double)n * c->reg_factor);
    if (c->x_bias) dinv[k] = 1.0 / ((double)n * c->reg_bias);
    for (ptrdiff_t s = 0; s < n; s++) {
        int32_t i = c->other[lo + s];
        if (i < 0 || i >= c->n_other) return FL_EINVAL;
        const float *y = c->Y + (ptrdiff_t)i * k;
        double *fs = F + s * m;
        for (ptrdiff_t f = 0; f < k; f++) fs[f] = y[f];
        if (c->x_bias) fs[k] = 1.0;
        z[s] = (double)c->ratings[lo + s] - c->mu - (c->y_bias ? c->y_bias[i] : 0.0f);
    }
    for (ptrdiff_t s = 0; s < n; s++) /* lower triangle of F D^-1 F^T + I */
        for (ptrdiff_t t = 0; t <= s; t++) {
            const double *fs = F + s * m, *ft = F + t * m;
            double g0 = 0.0, g1 = 0.0; /* two sums: see dot4 */
            ptrdiff_t f = 0;
            for (; f + 2 <= m; f += 2) {
                g0 += fs[f] * ft[f] * dinv[f];
                g1 += fs[f + 1] * ft[f + 1] * dinv[f + 1];
            }
            if (f < m) g0 += fs[f] * ft[f] * dinv[f];
            G[s * n + t] = (g0 + g1) + (s == t);
        }
    int status = fl_mf_cholesky_solve(n, G, z);
    if (status != FL_OK) return status;
    float *x = c->X + u * k;
    for (ptrdiff_t f = 0; f < m; f++) {
        double w = 0.0;
        for (ptrdiff_t s = 0; s < n; s++) w += F[s * m + f] * z[s];
        w *= dinv[f];
        if (f < k)
            x[f] = (float)w;
        else
            c->x_bias[u] = (float)w;
    }
    return FL_OK;
}

/* Solves row u; 0 or a status. A and G are m*m, feat ALS_BATCH rows of m doubles. */
static int als_row(als_ctx *c, ptrdiff_t u, double *A, double *G, double *rhs, double *feat)
{
    const ptrdiff_t k = c->k, m = k + (c->x_bias != NULL);
    float *x = c->X + u * k;
    int64_t lo = c->indptr[u], hi = c->indptr[u + 1];
    if (hi <= lo) { /* no ratings: nothing to learn from, the prior says zero */
        for (ptrdiff_t f = 0; f < k; f++) x[f] = 0.0f;
        if (c->x_bias) c->x_bias[u] = 0.0f;
        return FL_OK;
    }
    if (hi - lo < m && c->reg_factor > 0.0f && (c->x_bias == NULL || c->reg_bias > 0.0f))
        return als_row_dual(c, u, lo, (ptrdiff_t)(hi - lo), A, G, rhs, feat);
    memset(A, 0, sizeof(double) * (size_t)(m * m));
    memset(rhs, 0, sizeof(double) * (size_t)m);
    /* sum c c^T, ALS_BATCH ratings at a time: one pass over A's lower triangle adds
     * four rank-one terms (a short batch is padded with zero features), so A is
     * loaded and stored a quarter as often and the b loop is a plain vector loop */
    const double *f0 = feat, *f1 = feat + m, *f2 = feat + 2 * m, *f3 = feat + 3 * m;
    for (int64_t t = lo; t < hi; t += ALS_BATCH) {
        double target[ALS_BATCH];
        for (int j = 0; j < ALS_BATCH; j++) {
            double *fj = feat + j * m;
            if (t + j >= hi) {
                memset(fj, 0, sizeof(double) * (size_t)m);
                target[j] = 0.0;
                continue;
            }
            int32_t i = c->other[t + j];
            if (i < 0 || i >= c->n_other) return FL_EINVAL;
            const float *y = c->Y + (ptrdiff_t)i * k;
            for (ptrdiff_t f = 0; f < k; f++) fj[f] = y[f];
            if (c->x_bias) fj[k] = 1.0;
            target[j] = (double)c->ratings[t + j] - c->mu - (c->y_bias ? c->y_bias[i] : 0.0f);
        }
        for (ptrdiff_t a = 0; a < m; a++) {
            const double a0 = f0[a], a1 = f1[a], a2 = f2[a], a3 = f3[a];
            double *row = A + a * m;
            for (ptrdiff_t b = 0; b <= a; b++) row[b] += (a0 * f0[b] + a1 * f1[b]) + (a2 * f2[b] + a3 * f3[b]);
            rhs[a] += (target[0] * a0 + target[1] * a1) + (target[2] * a2 + target[3] * a3);
        }
    }
    double count = (double)(hi - lo);
    for (ptrdiff_t f = 0; f < k; f++) A[f * m + f] += count * c->reg_factor;
    if (c->x_bias) A[k * m + k] += count * c->reg_bias;
    int status = fl_mf_cholesky_solve(m, A, rhs);
    if (status != FL_OK) return status;
    for (ptrdiff_t f = 0; f < k; f++) x[f] = (float)rhs[f];
    if (c->x_bias) c->x_bias[u] = (float)rhs[k];
    return FL_OK;
}

static void als_task(void *arg, int tid, int nt)
{
    (void)nt;
    als_ctx *c = arg;
    const ptrdiff_t m = c->k + 1;
    double *A = c->work + (size_t)tid * (size_t)(2 * m * m + (1 + ALS_BATCH) * m);
    double *G = A + m * m, *rhs = G + m * m, *feat = rhs + m;
    ptrdiff_t lo, hi;
    while (fl_chunks_next(&c->rows, &lo, &hi)) {
        for (ptrdiff_t u = lo; u < hi; u++) {
            int status = als_row(c, u, A, G, rhs, feat);
            if (status != FL_OK && (c->status[tid] == FL_OK || u < c->bad_row[tid])) {
                c->status[tid] = status;
                c->bad_row[tid] = u;
            }
        }
    }
}

int fl_mf_als_step(ptrdiff_t n_rows, ptrdiff_t n_other, ptrdiff_t k,
                   const int64_t *indptr, const int32_t *other, const float *ratings, float mu,
                   const float *Y, const float *y_bias, float *X, float *x_bias,
                   float reg_factor, float reg_bias, int nthreads, ptrdiff_t *bad_row)
{
    if (bad_row) *bad_row = -1;
    if (n_rows < 0 || n_other < 0 || k < 0 || nthreads < 0) return FL_EINVAL;
    if (k + 1 > 4096) return FL_EINVAL;
    if (n_rows > 0 && indptr[0] != 0) return FL_EINVAL;
    for (ptrdiff_t u = 0; u < n_rows; u++)
        if (indptr[u + 1] < indptr[u]) return FL_EINVAL;
    int nt = nthreads > 0 ? nthreads : fl_get_num_threads();
    if (nt > FL_MAX_THREADS) nt = FL_MAX_THREADS;
    const ptrdiff_t m = k + 1;
    double work_rows = n_rows > 0 ? (double)indptr[n_rows] * (double)(m * m) : 0.0;
    nt = nt < fl_threads_for(work_rows, 2e5) ? nt : fl_threads_for(work_rows, 2e5);
    if (nt < 1) nt = 1;
    double *work = malloc(sizeof(double) * (size_t)nt * (size_t)(2 * m * m + (1 + ALS_BATCH) * m));
    int *status = calloc((size_t)nt, sizeof(int)); /* zeros: FL_OK */
    ptrdiff_t *bad = calloc((size_t)nt, sizeof(ptrdiff_t));
    if (!work || !status || !bad) {
        free(work);
        free(status);
        free(bad);
        return FL_ENOMEM;
    }
    als_ctx c = {n_rows, n_other, k, indptr, other, ratings, mu, reg_factor, reg_bias,
                 Y, y_bias, X, x_bias, work, {0}, status, bad};
    fl_chunks_init(&c.rows, n_rows, 256);
    if (nt > 1)
        fl_parallel(als_task, &c, nt);
    else
        als_task(&c, 0, 1);
    /* the failure with the lowest row, so the report does not depend on timing */
    int result = FL_OK;
    ptrdiff_t first = -1;
    for (int t = 0; t < nt; t++)
        if (status[t] != FL_OK && (result == FL_OK || bad[t] < first)) {
            result = status[t];
            first = bad[t];
        }
    free(work);
    free(status);
    free(bad);
    if (bad_row) *bad_row = first;
    return result;
}
