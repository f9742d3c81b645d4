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

int fl_mf_cholesky_solve(ptrdiff_t m, double *A, double *b)
{
    /* A = L L^T, column by column (L in the lower triangle of A) */
    for (ptrdiff_t j = 0; j < m; j++) {
        double d = A[j * m + j];
        for (ptrdiff_t p = 0; p < j; p++) d -= A[j * m + p] * A[j * m + p];
        if (!(d > 0.0)) return FL_MF_ENOTPD; /* also catches NaN */
        d = sqrt(d);
        A[j * m + j] = d;
        for (ptrdiff_t i = j + 1; i < m; i++) {
            double s = A[i * m + j];
            for (ptrdiff_t p = 0; p < j; p++) s -= A[i * m + p] * A[j * m + p];
            A[i * m + j] = s / d;
        }
    }
    for (ptrdiff_t i = 0; i < m; i++) { /* L y = b */
        double s = b[i];
        for (ptrdiff_t p = 0; p < i; p++) s -= A[i * m + p] * b[p];
        b[i] = s / A[i * m + i];
    }
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
    double *work;     /* per thread: m*m + 2*m doubles */
    fl_chunks rows;
    int *status;        /* per thread: its failure with the lowest row */
    ptrdiff_t *bad_row; /* per thread: that row */
} als_ctx;

/* Solves row u; 0 or a status. */
static int als_row(als_ctx *c, ptrdiff_t u, double *A, double *rhs, double *feat)
{
    const ptrdiff_t k = c->k, m = k + (c->x_bias != NULL);
    float *x = c->X + u * k;
    int64_t lo = c->indptr[u], hi = c->indptr[u + 1];
    if (hi <= lo) { /* no ratings: nothing to learn from, the prior says zero */
        for (ptrdiff_t f = 0; f < k; f++) x[f] = 0.0f;
        if (c->x_bias) c->x_bias[u] = 0.0f;
        return FL_OK;
    }
    memset(A, 0, sizeof(double) * (size_t)(m * m));
    memset(rhs, 0, sizeof(double) * (size_t)m);
    for (int64_t t = lo; t < hi; t++) {
        int32_t i = c->other[t];
        if (i < 0 || i >= c->n_other) return FL_EINVAL;
        const float *y = c->Y + (ptrdiff_t)i * k;
        for (ptrdiff_t f = 0; f < k; f++) feat[f] = y[f];
        if (c->x_bias) feat[k] = 1.0;
        double target = (double)c->ratings[t] - c->mu - (c->y_bias ? c->y_bias[i] : 0.0f);
        for (ptrdiff_t a = 0; a < m; a++) { /* lower triangle of sum c c^T */
            double fa = feat[a];
            double *row = A + a * m;
            for (ptrdiff_t b = 0; b <= a; b++) row[b] += fa * feat[b];
            rhs[a] += target * fa;
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
    double *A = c->work + (size_t)tid * (size_t)(m * m + 2 * m);
    double *rhs = A + m * m, *feat = rhs + m;
    ptrdiff_t lo, hi;
    while (fl_chunks_next(&c->rows, &lo, &hi)) {
        for (ptrdiff_t u = lo; u < hi; u++) {
            int status = als_row(c, u, A, rhs, feat);
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
    double *work = malloc(sizeof(double) * (size_t)nt * (size_t)(m * m + 2 * m));
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
