/* fastla.h: the whole C API of fastla's core.
 *
 * Plain C11, no Python. Matrices are row-major with explicit strides in elements
 * (rs = step between rows, cs = step between columns), so strided and transposed
 * NumPy views are read in place. Every function returns an fl_status. */
#ifndef FASTLA_H
#define FASTLA_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    FL_OK = 0,
    FL_ENOMEM = 1,   /* an allocation failed */
    FL_EINVAL = 2,   /* an argument is out of range */
    FL_ENOCONV = 3,  /* an iteration hit its cap */
    FL_EINTR = 4     /* interrupted on request */
} fl_status;

typedef enum { FL_METRIC_DOT = 0, FL_METRIC_COSINE = 1 } fl_metric;

/* ---- dispatch (dispatch.c) ---------------------------------------------- */
typedef enum { FL_ISA_GENERIC = 0, FL_ISA_AVX2 = 1, FL_ISA_AVX512 = 2, FL_ISA_COUNT = 3 } fl_isa;

/* Detects the CPU once and selects the best kernels; safe to call repeatedly. */
void fl_init(void);
/* 1 if this machine (CPU and OS) can run the given path and it was built in. */
int fl_isa_usable(fl_isa isa);
/* Selects a path; FL_EINVAL if it cannot run here (the current path is kept). */
int fl_set_isa(fl_isa isa);
/* AVX-512 VBMI's byte permutes, used on top of the AVX-512 path by the filter
 * presets' lookup tables where the CPU has them: fl_vbmi_usable says whether it
 * does; fl_set_vbmi(0) keeps those tables to AVX-512BW (for tests and
 * comparisons), fl_set_vbmi(1) brings them back. */
int fl_vbmi_usable(void);
void fl_set_vbmi(int on);
/* The path in use, and a path's name ("generic", "avx2", "avx512"). */
fl_isa fl_get_isa(void);
const char *fl_isa_name(fl_isa isa);
/* Parses a name; returns -1 if unknown. */
int fl_isa_from_name(const char *name);

/* ---- threads (threads.c) ------------------------------------------------- */
/* Sets the number of threads kernels may use (n >= 1), else FL_EINVAL. */
int fl_set_num_threads(int n);
/* The number of threads kernels may use. */
int fl_get_num_threads(void);
/* The CPUs this process may run on. */
int fl_cpu_count(void);

/* ---- workspace (workspace.c) --------------------------------------------- */
/* The large freed workspace blocks kept for the next call: how many, and their bytes. */
void fl_workspace_kept(int *blocks, size_t *bytes);
/* Gives the kept blocks back to the system. */
void fl_workspace_release(void);

/* ---- stop requests (interrupt.c) ------------------------------------------ */
/* Asks running kernels to stop: the long ones (GEMM, top-k, eigen, SVD, QR)
 * check between blocks, sweeps or tiles and return FL_EINTR. Safe to call from
 * a signal handler. The request stays until fl_clear_stop. */
void fl_request_stop(void);
void fl_clear_stop(void);
int fl_stop_requested(void);

/* ---- vector (vector/) ---------------------------------------------------- */
/* *out = sum_i x[i*incx] * y[i*incy]; any strides, NaN/Inf propagate. */
int fl_dot_f64(ptrdiff_t n, const double *x, ptrdiff_t incx, const double *y, ptrdiff_t incy, double *out);
int fl_dot_f32(ptrdiff_t n, const float *x, ptrdiff_t incx, const float *y, ptrdiff_t incy, float *out);
/* *out = sqrt(sum_i x[i*incx]^2) with no overflow or underflow in between. */
int fl_nrm2_f64(ptrdiff_t n, const double *x, ptrdiff_t incx, double *out);
int fl_nrm2_f32(ptrdiff_t n, const float *x, ptrdiff_t incx, float *out);
/* out (m x n, row stride ldo) = scores of rows of X (m x d) against rows of Y (n x d);
 * metric cosine: x.y / (|x| |y|), 0 where a vector is zero; metric dot: x.y. */
int fl_pairwise_f64(fl_metric metric, ptrdiff_t m, ptrdiff_t n, ptrdiff_t d,
                    const double *X, ptrdiff_t rsx, ptrdiff_t csx,
                    const double *Y, ptrdiff_t rsy, ptrdiff_t csy, double *out, ptrdiff_t ldo);
int fl_pairwise_f32(fl_metric metric, ptrdiff_t m, ptrdiff_t n, ptrdiff_t d,
                    const float *X, ptrdiff_t rsx, ptrdiff_t csx,
                    const float *Y, ptrdiff_t rsy, ptrdiff_t csy, float *out, ptrdiff_t ldo);
/* For each of m queries, the k best rows of the catalogue C (n x d) by metric:
 * idx and scores are m x k, best first, ties to the lower index, NaN scores last.
 * The m x n score matrix is never formed: catalogue tiles are scored and a
 * running top-k is kept per query. Needs 0 <= k <= n. */
int fl_topk_f64(fl_metric metric, ptrdiff_t m, ptrdiff_t n, ptrdiff_t d,
                const double *Q, ptrdiff_t rsq, ptrdiff_t csq,
                const double *C, ptrdiff_t rsc, ptrdiff_t csc,
                ptrdiff_t k, int64_t *idx, double *scores);
int fl_topk_f32(fl_metric metric, ptrdiff_t m, ptrdiff_t n, ptrdiff_t d,
                const float *Q, ptrdiff_t rsq, ptrdiff_t csq,
                const float *C, ptrdiff_t rsc, ptrdiff_t csc,
                ptrdiff_t k, int64_t *idx, float *scores);

/* ---- matrices (gemm/) ----------------------------------------------------- */
/* C (m x n) = A (m x k) . B (k x n), each through its row and column strides;
 * nthreads > 0 caps the threads (0: as set by fl_set_num_threads). */
int fl_gemm_f64(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const double *A, ptrdiff_t rsa,
                ptrdiff_t csa, const double *B, ptrdiff_t rsb, ptrdiff_t csb, double *C,
                ptrdiff_t rsc, ptrdiff_t csc, int nthreads);
int fl_gemm_f32(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *A, ptrdiff_t rsa,
                ptrdiff_t csa, const float *B, ptrdiff_t rsb, ptrdiff_t csb, float *C,
                ptrdiff_t rsc, ptrdiff_t csc, int nthreads);

/* ---- eigenvalues (eigen/) ------------------------------------------------------ */
/* All eigenpairs of the symmetric A (lower triangle read) by cyclic Jacobi:
 * w ascending; V's columns the eigenvectors, each with its largest component
 * positive (V may be NULL). FL_ENOCONV after max_sweeps sweeps, with the best
 * estimate so far in w and V; *sweeps (may be NULL) tells how many ran. */
int fl_eigh_f64(ptrdiff_t n, const double *A, ptrdiff_t rsa, ptrdiff_t csa, double *w, double *V,
                ptrdiff_t rsv, ptrdiff_t csv, int max_sweeps, int *sweeps);
int fl_eigh_f32(ptrdiff_t n, const float *A, ptrdiff_t rsa, ptrdiff_t csa, float *w, float *V,
                ptrdiff_t rsv, ptrdiff_t csv, int max_sweeps, int *sweeps);
/* How fl_eigh_f64 refines its float32 start (for tests: each way must give the
 * same accuracy): FL_REFINE_PAIRS (the default) turns Q towards the eigenvectors
 * and makes it orthogonal; FL_REFINE_ORTHOGONAL only makes it orthogonal, as
 * after a stalled step; FL_REFINE_NONE gives up at once, as after a failed one,
 * and Jacobi starts from the identity. */
typedef enum { FL_REFINE_NONE = 0, FL_REFINE_ORTHOGONAL = 1, FL_REFINE_PAIRS = 2 } fl_refine_mode;
void fl_set_eigh_refine(fl_refine_mode mode);

/* Dominant eigenpair (largest |lambda|) of the square A by power iteration from
 * x (n, overwritten by the eigenvector, largest component positive). Stops when
 * |A x - lambda x| <= tol |A|_F; FL_ENOCONV after max_iter products, with the
 * estimate of smallest residual in x, *lambda and *residual. */
int fl_power_f64(ptrdiff_t n, const double *A, ptrdiff_t rsa, ptrdiff_t csa, double *x, double tol,
                 long max_iter, double *lambda, double *residual, long *iterations);
int fl_power_f32(ptrdiff_t n, const float *A, ptrdiff_t rsa, ptrdiff_t csa, float *x, double tol,
                 long max_iter, double *lambda, double *residual, long *iterations);

/* out[0] = max |a_ij - a_ji|, how far the square A is from symmetric, and
 * out[1] = max |a_ij|, in one pass; either is NaN where A holds a NaN, and
 * out[1] is infinite where A holds an infinity (no NaN). */
int fl_asymmetry_f64(ptrdiff_t n, const double *A, ptrdiff_t rsa, ptrdiff_t csa, double *out);
int fl_asymmetry_f32(ptrdiff_t n, const float *A, ptrdiff_t rsa, ptrdiff_t csa, double *out);

/* ---- singular values (svd/) ------------------------------------------------------ */
/* A (m x n) = U diag(s) Vt by one-sided Jacobi after pivoted QR: s (min(m, n))
 * descending. U (m x k) and Vt (k x n), k = min(m, n), or with full_matrices
 * U (m x m) and Vt (n x n); both NULL for values only. FL_ENOCONV after
 * max_sweeps sweeps, with the estimate so far in the outputs. */
int fl_svd_f64(ptrdiff_t m, ptrdiff_t n, const double *A, ptrdiff_t rsa, ptrdiff_t csa, double *s,
               double *U, ptrdiff_t rsu, ptrdiff_t csu, double *Vt, ptrdiff_t rsv, ptrdiff_t csv,
               int full_matrices, int max_sweeps, int *sweeps);
int fl_svd_f32(ptrdiff_t m, ptrdiff_t n, const float *A, ptrdiff_t rsa, ptrdiff_t csa, float *s,
               float *U, ptrdiff_t rsu, ptrdiff_t csu, float *Vt, ptrdiff_t rsv, ptrdiff_t csv,
               int full_matrices, int max_sweeps, int *sweeps);

/* Q (m x n, column-major, ld m): orthonormal columns spanning A's (m >= n), the
 * Q of Householder QR with column pivoting. */
int fl_orthonormal_f64(ptrdiff_t m, ptrdiff_t n, const double *A, ptrdiff_t rsa, ptrdiff_t csa, double *Q);
int fl_orthonormal_f32(ptrdiff_t m, ptrdiff_t n, const float *A, ptrdiff_t rsa, ptrdiff_t csa, float *Q);

/* G (n x n, row-major, symmetric positive definite) is overwritten with R^-1,
 * R the upper triangular Cholesky factor (R^T R = G). FL_ENOCONV when a pivot
 * falls to min_pivot times its diagonal entry or below (G near singular). */
int fl_cholesky_inverse_f64(ptrdiff_t n, double *G, double min_pivot);

/* ---- the GEMM ladder (ladder/) --------------------------------------------- */
/* Steps 0..fl_ladder_count()-1, from naive loops to the threaded kernel, by name. */
int fl_ladder_count(void);
const char *fl_ladder_name(int step);
/* 1 if this CPU can run the step (step "simd_avx2" needs AVX2 and FMA). */
int fl_ladder_usable(int step);
/* C = A . B (float64, row-major, leading dimensions lda, ldb, ldc) by one step. */
int fl_ladder_run(int step, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const double *A, ptrdiff_t lda,
                  const double *B, ptrdiff_t ldb, double *C, ptrdiff_t ldc);

#endif
