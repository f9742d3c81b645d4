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
    fl_isa fl_get_isa()
    const char *fl_isa_name(fl_isa isa)
    int fl_isa_from_name(const char *name)

    int fl_set_num_threads(int n)
    int fl_get_num_threads()
    int fl_cpu_count()

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

    int fl_copy_f64(Py_ssize_t m, Py_ssize_t n, const double *src, Py_ssize_t rs, Py_ssize_t cs, double *dst, Py_ssize_t ld)
    int fl_copy_f32(Py_ssize_t m, Py_ssize_t n, const float *src, Py_ssize_t rs, Py_ssize_t cs, float *dst, Py_ssize_t ld)

    int fl_ladder_count()
    const char *fl_ladder_name(int step)
    int fl_ladder_usable(int step)
    int fl_ladder_run(int step, Py_ssize_t m, Py_ssize_t n, Py_ssize_t k, const double *A, Py_ssize_t lda,
                      const double *B, Py_ssize_t ldb, double *C, Py_ssize_t ldc)

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
