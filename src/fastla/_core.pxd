# Declarations of the C core (csrc/fastla.h) for the binding.
from libc.stdint cimport int64_t

cdef extern from "fastla.h" nogil:
    ctypedef enum fl_status:
        FL_OK, FL_ENOMEM, FL_EINVAL, FL_ENOCONV, FL_EINTR
    ctypedef enum fl_metric:
        FL_METRIC_DOT, FL_METRIC_COSINE
    ctypedef enum fl_isa:
        FL_ISA_GENERIC, FL_ISA_AVX2, FL_ISA_AVX512, FL_ISA_COUNT

    void fl_init()
    int fl_isa_usable(fl_isa isa)
    int fl_set_isa(fl_isa isa)
    int fl_vbmi_usable()
    void fl_set_vbmi(int on)
    ctypedef enum fl_refine_mode:
        FL_REFINE_NONE, FL_REFINE_ORTHOGONAL, FL_REFINE_PAIRS
    void fl_set_eigh_refine(fl_refine_mode mode)
    fl_isa fl_get_isa()
    const char *fl_isa_name(fl_isa isa)
    int fl_isa_from_name(const char *name)

    void fl_request_stop()
    void fl_clear_stop()
    int fl_stop_requested()

    int fl_set_num_threads(int n)
    int fl_get_num_threads()
    int fl_cpu_count()
    void fl_workspace_kept(int *blocks, size_t *bytes)
    void fl_workspace_release()

    int fl_dot_f64(Py_ssize_t n, const double *x, Py_ssize_t incx, const double *y, Py_ssize_t incy, double *out)
    int fl_dot_f32(Py_ssize_t n, const float *x, Py_ssize_t incx, const float *y, Py_ssize_t incy, float *out)
    int fl_nrm2_f64(Py_ssize_t n, const double *x, Py_ssize_t incx, double *out)
    int fl_nrm2_f32(Py_ssize_t n, const float *x, Py_ssize_t incx, float *out)
    int fl_pairwise_f64(fl_metric metric, Py_ssize_t m, Py_ssize_t n, Py_ssize_t d,
                        const double *X, Py_ssize_t rsx, Py_ssize_t csx,
                        const double *Y, Py_ssize_t rsy, Py_ssize_t csy, double *out, Py_ssize_t ldo)
    int fl_pairwise_f32(fl_metric metric, Py_ssize_t m, Py_ssize_t n, Py_ssize_t d,
                        const float *X, Py_ssize_t rsx, Py_ssize_t csx,
                        const float *Y, Py_ssize_t rsy, Py_ssize_t csy, float *out, Py_ssize_t ldo)
    int fl_topk_f64(fl_metric metric, Py_ssize_t m, Py_ssize_t n, Py_ssize_t d,
                    const double *Q, Py_ssize_t rsq, Py_ssize_t csq,
                    const double *C, Py_ssize_t rsc, Py_ssize_t csc,
                    Py_ssize_t k, int64_t *idx, double *scores)
    int fl_topk_f32(fl_metric metric, Py_ssize_t m, Py_ssize_t n, Py_ssize_t d,
                    const float *Q, Py_ssize_t rsq, Py_ssize_t csq,
                    const float *C, Py_ssize_t rsc, Py_ssize_t csc,
                    Py_ssize_t k, int64_t *idx, float *scores)

    int fl_gemm_f64(Py_ssize_t m, Py_ssize_t n, Py_ssize_t k, const double *A, Py_ssize_t rsa,
                    Py_ssize_t csa, const double *B, Py_ssize_t rsb, Py_ssize_t csb, double *C,
                    Py_ssize_t rsc, Py_ssize_t csc, int nthreads)
    int fl_gemm_f32(Py_ssize_t m, Py_ssize_t n, Py_ssize_t k, const float *A, Py_ssize_t rsa,
                    Py_ssize_t csa, const float *B, Py_ssize_t rsb, Py_ssize_t csb, float *C,
                    Py_ssize_t rsc, Py_ssize_t csc, int nthreads)

    int fl_eigh_f64(Py_ssize_t n, const double *A, Py_ssize_t rsa, Py_ssize_t csa, double *w, double *V,
                    Py_ssize_t rsv, Py_ssize_t csv, int max_sweeps, int *sweeps)
    int fl_eigh_f32(Py_ssize_t n, const float *A, Py_ssize_t rsa, Py_ssize_t csa, float *w, float *V,
                    Py_ssize_t rsv, Py_ssize_t csv, int max_sweeps, int *sweeps)

    int fl_power_f64(Py_ssize_t n, const double *A, Py_ssize_t rsa, Py_ssize_t csa, double *x, double tol,
                     long max_iter, double *lam, double *residual, long *iterations)
    int fl_power_f32(Py_ssize_t n, const float *A, Py_ssize_t rsa, Py_ssize_t csa, float *x, double tol,
                     long max_iter, double *lam, double *residual, long *iterations)

    int fl_asymmetry_f64(Py_ssize_t n, const double *A, Py_ssize_t rsa, Py_ssize_t csa, double *out)
    int fl_asymmetry_f32(Py_ssize_t n, const float *A, Py_ssize_t rsa, Py_ssize_t csa, double *out)

    int fl_svd_f64(Py_ssize_t m, Py_ssize_t n, const double *A, Py_ssize_t rsa, Py_ssize_t csa, double *s,
                   double *U, Py_ssize_t rsu, Py_ssize_t csu, double *Vt, Py_ssize_t rsv, Py_ssize_t csv,
                   int full_matrices, int max_sweeps, int *sweeps)
    int fl_svd_f32(Py_ssize_t m, Py_ssize_t n, const float *A, Py_ssize_t rsa, Py_ssize_t csa, float *s,
                   float *U, Py_ssize_t rsu, Py_ssize_t csu, float *Vt, Py_ssize_t rsv, Py_ssize_t csv,
                   int full_matrices, int max_sweeps, int *sweeps)

    int fl_orthonormal_f64(Py_ssize_t m, Py_ssize_t n, const double *A, Py_ssize_t rsa, Py_ssize_t csa, double *Q)
    int fl_orthonormal_f32(Py_ssize_t m, Py_ssize_t n, const float *A, Py_ssize_t rsa, Py_ssize_t csa, float *Q)
    int fl_cholesky_inverse_f64(Py_ssize_t n, double *G, double min_pivot)


    int fl_ladder_count()
    const char *fl_ladder_name(int step)
    int fl_ladder_usable(int step)
    int fl_ladder_run(int step, Py_ssize_t m, Py_ssize_t n, Py_ssize_t k, const double *A, Py_ssize_t lda,
                      const double *B, Py_ssize_t ldb, double *C, Py_ssize_t ldc)

cdef extern from "apps/filter_float.h" nogil:
    int fl_sep_filter_f64(Py_ssize_t h, Py_ssize_t w, const double *src, Py_ssize_t rs, Py_ssize_t cs,
                          const double *taps, Py_ssize_t ntaps, double *dst, Py_ssize_t ld)
    int fl_sep_filter_f32(Py_ssize_t h, Py_ssize_t w, const float *src, Py_ssize_t rs, Py_ssize_t cs,
                          const float *taps, Py_ssize_t ntaps, float *dst, Py_ssize_t ld)
cdef extern from "apps/composite.h" nogil:
    ctypedef struct fl_px_op:
        int op
        int dst, a, b, mask
        int mode, alpha
        float m[12]
        double g[4]
        const unsigned char *lut
        const unsigned char *lut2
        unsigned char color[3]
    int FL_PX_MAX_OPS
    int fl_px_run(Py_ssize_t h, Py_ssize_t w, int c, const unsigned char *src, Py_ssize_t rs, int c2,
                  const unsigned char *src2, Py_ssize_t rs2, unsigned char *dst, Py_ssize_t rd,
                  const fl_px_op *ops, int nops, int out, int nthreads)
cdef extern from "apps/mf.h" nogil:
    int FL_MF_ENOTPD
    int fl_mf_sgd_epoch(Py_ssize_t n, const int *users, const int *items, const float *ratings,
                        const int64_t *order, int nblocks, const int64_t *block_start,
                        Py_ssize_t n_users, Py_ssize_t n_items, Py_ssize_t k, float mu,
                        float *bu, float *bi, float *P, float *Q,
                        float lr, float reg_bias, float reg_factor, int nthreads, double *sse)
    int fl_mf_als_step(Py_ssize_t n_rows, Py_ssize_t n_other, Py_ssize_t k,
                       const int64_t *indptr, const int *other, const float *ratings, float mu,
                       const float *Y, const float *y_bias, float *X, float *x_bias,
                       float reg_factor, float reg_bias, int nthreads, Py_ssize_t *bad_row)
    int fl_mf_cholesky_solve(Py_ssize_t m, double *A, double *b)
from libc.stdint cimport uint8_t, int16_t, int32_t

cdef extern from "apps/image.h" nogil:
    int fl_image_color_matrix_u8(Py_ssize_t h, Py_ssize_t w, int c, const uint8_t *src, Py_ssize_t rs,
                                 uint8_t *dst, Py_ssize_t rd, const int32_t *q)
    int fl_image_convolve_u8(Py_ssize_t h, Py_ssize_t w, int c, const uint8_t *src, Py_ssize_t rs,
                             uint8_t *dst, Py_ssize_t rd, int kh, int kw, const int16_t *q, int shift)
    int fl_image_convolve_sep_u8(Py_ssize_t h, Py_ssize_t w, int c, const uint8_t *src, Py_ssize_t rs,
                                 uint8_t *dst, Py_ssize_t rd, int kh, const int16_t *qy, int sy,
                                 int kw, const int16_t *qx, int sx, int mid)
    int fl_image_warp_affine_u8(Py_ssize_t h, Py_ssize_t w, int c, const uint8_t *src, Py_ssize_t rs,
                                Py_ssize_t oh, Py_ssize_t ow, uint8_t *dst, Py_ssize_t rd,
                                const double *inv)
