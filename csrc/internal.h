/* internal.h: what the C files share but Python never sees: the kernel table
 * that dispatch.c fills per ISA, aligned workspace, and the thread pool. */
#ifndef FASTLA_INTERNAL_H
#define FASTLA_INTERNAL_H

#include "fastla.h"
#include "config.h"

/* Loads and stores shared between threads outside a lock (the pool's spin
 * loops, the thread count, the kernel table): acquire/release atomics. T must
 * be a single type name (use a typedef for pointers). */
#if defined(_MSC_VER) && !defined(__clang__)
#define FL_LOAD(T, p) (*(volatile T *)(p)) /* MSVC: volatile is acquire/release on x86 */
#define FL_STORE(T, p, v) (*(volatile T *)(p) = (v))
#define FL_FETCH_ADD(p, v) _InterlockedExchangeAdd((volatile long *)(p), (v))
#else
#define FL_LOAD(T, p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define FL_STORE(T, p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define FL_FETCH_ADD(p, v) __atomic_fetch_add((p), (v), __ATOMIC_RELAXED)
#endif

/* The larger of a and b for scans over many entries: one instruction, where
 * fmax, which must ignore a NaN in either place, is a libm call. A NaN in b is
 * passed over, as by fmax, while a is not NaN (scans start a at 0). */
#define FL_MAX(a, b) ((b) > (a) ? (b) : (a))

/* Micro-kernel: c[i*ldc + j] (= or +=) sum_l a[l*MR + i] * b[l*NR + j], i < MR, j < NR.
 * a and b are packed panels (see gemm/pack.h); c is a full MR x NR tile. */
typedef void (*fl_ukr_f64)(ptrdiff_t k, const double *a, const double *b, double *c,
                           ptrdiff_t ldc, int accumulate);
typedef void (*fl_ukr_f32)(ptrdiff_t k, const float *a, const float *b, float *c,
                           ptrdiff_t ldc, int accumulate);

/* The same with A unpacked, on a tile of mr_sup rows: row i of the tile's A at
 * a + i*rsa, unit column step; B's row l at b + l*lb (lb = NR for a packed panel). */
typedef void (*fl_ukr_sup_f64)(ptrdiff_t k, const double *a, ptrdiff_t rsa, const double *b,
                               ptrdiff_t lb, double *c, ptrdiff_t ldc, int accumulate);
typedef void (*fl_ukr_sup_f32)(ptrdiff_t k, const float *a, ptrdiff_t rsa, const float *b,
                               ptrdiff_t lb, float *c, ptrdiff_t ldc, int accumulate);

/* The last rows of a block: row i of A at step l is a[i*ia + l*la], B as above. */
typedef void (*fl_ukr_rows_f64)(ptrdiff_t mr, ptrdiff_t k, const double *a, ptrdiff_t ia, ptrdiff_t la,
                                const double *b, ptrdiff_t lb, double *c, ptrdiff_t ldc, int accumulate);
typedef void (*fl_ukr_rows_f32)(ptrdiff_t mr, ptrdiff_t k, const float *a, ptrdiff_t ia, ptrdiff_t la,
                                const float *b, ptrdiff_t lb, float *c, ptrdiff_t ldc, int accumulate);

/* One ISA's kernels. Contiguous inputs only: the ISA-free callers handle strides. */
typedef struct {
    const char *name;
    double (*dot_f64)(ptrdiff_t n, const double *x, const double *y);
    float (*dot_f32)(ptrdiff_t n, const float *x, const float *y);
    /* plain sum of squares (f64 may overflow or underflow: nrm2 checks and rescales) */
    double (*sumsq_f64)(ptrdiff_t n, const double *x);
    /* float32 squares summed in double: no overflow or underflow is possible */
    double (*sumsq_f32)(ptrdiff_t n, const float *x);
    /* writes the j with s[j] > thr into hits, returns how many */
    ptrdiff_t (*scan_gt_f64)(ptrdiff_t n, const double *s, double thr, int32_t *hits);
    ptrdiff_t (*scan_gt_f32)(ptrdiff_t n, const float *s, float thr, int32_t *hits);
    /* dots[r] = C_r . q and (sq != NULL) sq[r] = C_r . C_r for nrows contiguous rows */
    void (*rows_dot_f64)(ptrdiff_t nrows, ptrdiff_t d, const double *C, ptrdiff_t rs,
                         const double *q, double *dots, double *sq);
    void (*rows_dot_f32)(ptrdiff_t nrows, ptrdiff_t d, const float *C, ptrdiff_t rs,
                         const float *q, float *dots, float *sq);
    /* one sweep of Jacobi rotations on a small symmetric block S (m x m), also
     * applied to the rows of Qt (m x m); and the pairs between two blocks of
     * FL_JACOBI_BLOCK (S and Qt 2 FL_JACOBI_BLOCK square) (eigen/jacobi_kernel.h) */
    long (*jacobi_sweep_f64)(ptrdiff_t m, double *S, double *Qt, double tol);
    long (*jacobi_sweep_f32)(ptrdiff_t m, float *S, float *Qt, double tol);
    long (*jacobi_pairs_f64)(double *S, double *Qt, double tol);
    long (*jacobi_pairs_f32)(float *S, float *Qt, double tol);
    /* a block pair's rows (bi at x, m - bi at y, n long and n apart) <- Qt . those
     * rows, in place (eigen/rotate_rows.h) */
    void (*jacobi_rotate_rows_f64)(ptrdiff_t m, ptrdiff_t bi, const double *Qt, ptrdiff_t ldq, double *x, double *y,
                                   ptrdiff_t n);
    void (*jacobi_rotate_rows_f32)(ptrdiff_t m, ptrdiff_t bi, const float *Qt, ptrdiff_t ldq, float *x, float *y,
                                   ptrdiff_t n);
    /* x <- c x - s y, y <- s x + c y (contiguous) */
    void (*rot_f64)(ptrdiff_t n, double *x, double *y, double c, double s);
    void (*rot_f32)(ptrdiff_t n, float *x, float *y, float c, float s);
    /* a tile of the one-sided Jacobi SVD, eight columns: their 28 dot products
     * in double, and its sixteen fast (scaled) rotations in one pass
     * (eigen/jacobi_kernel.h) */
    void (*gram8_f64)(ptrdiff_t n, double *const *cols, double *g);
    void (*gram8_f32)(ptrdiff_t n, float *const *cols, double *g);
    void (*gram8_lo_f32)(ptrdiff_t n, float *const *cols, double *g); /* summed in float32 */
    void (*rot16_f64)(ptrdiff_t n, double *const *cols, const double *al, const double *be);
    void (*rot16_f32)(ptrdiff_t n, float *const *cols, const float *al, const float *be);
    fl_ukr_f64 ukr_f64;
    fl_ukr_f32 ukr_f32;
    fl_ukr_sup_f64 ukr_sup_f64;
    fl_ukr_sup_f32 ukr_sup_f32;
    fl_ukr_rows_f64 ukr_rows_f64;
    fl_ukr_rows_f32 ukr_rows_f32;
    int mr_f64, nr_f64, mr_f32, nr_f32;
    int mr_sup_f64, mr_sup_f32; /* rows of the unpacked tiles */
} fl_kernel_table;

extern const fl_kernel_table fl_kernels_generic;
extern const fl_kernel_table fl_kernels_avx2;    /* .name is NULL where not built */
extern const fl_kernel_table fl_kernels_avx512;

/* The table in use (set by fl_init / fl_set_isa). */
const fl_kernel_table *fl_kernels(void);

/* 1 when the AVX-512 path is in use and the CPU also has AVX-512BW (byte and
 * word instructions), which the 512-bit image kernels need. */
int fl_avx512bw_in_use(void);

/* 1 when fl_avx512bw_in_use and the CPU has AVX-512 VBMI, not turned off by
 * fl_set_vbmi (the 64-byte lookup tables of the filter presets). */
int fl_avx512vbmi_in_use(void);

/* Workspace: aligned to FL_ALIGN bytes; NULL on failure (and for 0 bytes: never).
 * Its contents are undefined: a block may have been used before (workspace.c
 * keeps large freed blocks for the next request). */
void *fl_malloc(size_t bytes);
void fl_free(void *p);

/* Runs fn(ctx, tid, nt) for tid = 0..nt-1, tid 0 on the calling thread, the rest
 * on the pool. If the pool is busy (another caller) or cannot grow, the tasks run
 * one after another on the calling thread: results are the same either way. */
typedef void (*fl_task_fn)(void *ctx, int tid, int nt);
void fl_parallel(fl_task_fn fn, void *ctx, int nt);

/* How many threads are worth using for `work` units when `grain` units pay for one. */
int fl_threads_for(double work, double grain);

/* Work handed out in chunks, first come first served, so that a thread slowed
 * down (by the OS, or another process) does not hold the others up. A thread
 * gets increasing chunk numbers; chunk c covers [c*size, min((c+1)*size, n)). */
typedef struct {
    long next; /* the next chunk to hand out (atomic) */
    long count;
    ptrdiff_t size, n;
} fl_chunks;
void fl_chunks_init(fl_chunks *w, ptrdiff_t n, ptrdiff_t size);
/* Claims a chunk: 1 and its range, or 0 when all are taken. */
int fl_chunks_next(fl_chunks *w, ptrdiff_t *lo, ptrdiff_t *hi);

/* C += A B, with fl_gemm's arguments (strides; the default threads): for
 * updates such as C -= V (T V^T C), with the minus taken into the small factor */
int fl_gemm_add_f64(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const double *A, ptrdiff_t rsa, ptrdiff_t csa,
                    const double *B, ptrdiff_t rsb, ptrdiff_t csb, double *C, ptrdiff_t rsc, ptrdiff_t csc);
int fl_gemm_add_f32(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *A, ptrdiff_t rsa, ptrdiff_t csa,
                    const float *B, ptrdiff_t rsb, ptrdiff_t csb, float *C, ptrdiff_t rsc, ptrdiff_t csc);

/* The slice [*lo, *hi) of n items for task tid of nt, in multiples of `unit`. */
void fl_split(ptrdiff_t n, ptrdiff_t unit, int tid, int nt, ptrdiff_t *lo, ptrdiff_t *hi);

/* Q's rows, nearly orthonormal eigenvectors of the symmetric n x n W, refined
 * to float64 accuracy, and W <- Q W Q^T (eigen/refine.c). FL_ENOCONV when the
 * steps do not converge: then W is unchanged and Q must be dropped. */
int fl_eigh_refine_f64(ptrdiff_t n, double *W, double *Q);

#endif
