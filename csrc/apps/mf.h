/* mf.h: the hot loops of rating prediction by matrix factorisation (apps/mf.c).
 *
 * The model: r_ui ~ mu + b_u + b_i + p_u . q_i, with P (n_users x k) and Q
 * (n_items x k) row-major float32, biases float32, ids int32 (0-based, dense),
 * ratings float32. Every function returns an fl_status, or FL_MF_ENOTPD below. */
#ifndef FASTLA_APPS_MF_H
#define FASTLA_APPS_MF_H

#include "../fastla.h"

/* A regularised normal-equation system that is not positive definite (a zero or
 * negative pivot in its Cholesky factorisation, or a NaN). */
#define FL_MF_ENOTPD 32

/* One epoch of stochastic gradient descent on the biased model, in a given order.
 * Rating j (j = order[t], or t when order is NULL) updates, with e = r - prediction:
 *   b_u += lr (e - reg_bias b_u);          b_i += lr (e - reg_bias b_i);
 *   p_u += lr (e q_i - reg_factor p_u);    q_i += lr (e p_u - reg_factor q_i)  (old p_u).
 * Positions are grouped in nblocks x nblocks strata: stratum (a, b) holds positions
 * block_start[a*nblocks + b] .. block_start[a*nblocks + b + 1] - 1 and must contain only
 * users of group a and items of group b (any grouping the caller likes). Sub-epoch s
 * runs strata (a, (a + s) % nblocks) for all a at once, on up to nthreads threads: they
 * share no user or item, so the result does not depend on the threads. block_start
 * NULL means one stratum, all n positions. *sse gets the sum of e^2 before each update.
 * Ids out of range are skipped and make the call return FL_EINVAL. */
int fl_mf_sgd_epoch(ptrdiff_t n, const int32_t *users, const int32_t *items, const float *ratings,
                    const int64_t *order, int nblocks, const int64_t *block_start,
                    ptrdiff_t n_users, ptrdiff_t n_items, ptrdiff_t k, float mu,
                    float *bu, float *bi, float *P, float *Q,
                    float lr, float reg_bias, float reg_factor, int nthreads, double *sse);

/* One half-step of alternating least squares: each of n_rows rows x (and its bias,
 * when x_bias is not NULL) is solved exactly with the other side's factors Y fixed.
 * Row u's ratings are ratings[indptr[u] .. indptr[u+1]-1] against columns other[..].
 * With c = (y_i, 1) and t = r - mu - y_bias[i] (y_bias may be NULL):
 *   (sum c c^T + n_u diag(reg_factor.., reg_bias)) (x_u, b_u) = sum t c
 * by a Cholesky factorisation in double (ALS-WR: the penalty grows with the count
 * n_u); a row with fewer ratings than unknowns solves the equivalent n_u x n_u
 * system instead (mf.c, als_row_dual). Rows without ratings get zeros. A system that is not positive definite
 * returns FL_MF_ENOTPD with its row in *bad_row; columns out of range FL_EINVAL. */
int fl_mf_als_step(ptrdiff_t n_rows, ptrdiff_t n_other, ptrdiff_t k,
                   const int64_t *indptr, const int32_t *other, const float *ratings, float mu,
                   const float *Y, const float *y_bias, float *X, float *x_bias,
                   float reg_factor, float reg_bias, int nthreads, ptrdiff_t *bad_row);

/* Cholesky solve of one small symmetric system A z = b (m x m, row-major, double):
 * only A's lower triangle is read; it is overwritten by the factor L, and b by z. FL_MF_ENOTPD if a pivot is not
 * positive (or is NaN). Exposed for the tests. */
int fl_mf_cholesky_solve(ptrdiff_t m, double *A, double *b);

#endif
