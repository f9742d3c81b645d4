/* tables.c: one table of kernel pointers per ISA, for dispatch.c to choose from.
 * Compiled with the baseline flags: it only takes the kernels' addresses. */
#include "../internal.h"

#define FL_F32 0
#include "names.h"
#undef FL_T
#undef FL_TN

#define DECLARE_ISA(isa, MR64, NR64, MR32, NR32, SMR64, SMR32)                                           \
    double fl_dot_f64_##isa(ptrdiff_t, const double *, const double *);                      \
    float fl_dot_f32_##isa(ptrdiff_t, const float *, const float *);                         \
    double fl_sumsq_f64_##isa(ptrdiff_t, const double *);                                    \
    double fl_sumsq_f32_##isa(ptrdiff_t, const float *);                                     \
    ptrdiff_t fl_scan_gt_f64_##isa(ptrdiff_t, const double *, double, int32_t *);            \
    ptrdiff_t fl_scan_gt_f32_##isa(ptrdiff_t, const float *, float, int32_t *);              \
    void fl_rows_dot_f64_##isa(ptrdiff_t, ptrdiff_t, const double *, ptrdiff_t, const double *, \
                               double *, double *);                                          \
    void fl_rows_dot_f32_##isa(ptrdiff_t, ptrdiff_t, const float *, ptrdiff_t, const float *,   \
                               float *, float *);                                            \
    long fl_jacobi_sweep_f64_##isa(ptrdiff_t, double *, double *, double);                     \
    long fl_jacobi_pairs_f64_##isa(double *, double *, double);                                \
    void fl_rot_f64_##isa(ptrdiff_t, double *, double *, double, double);                      \
    void fl_rot_f32_##isa(ptrdiff_t, float *, float *, float, float);                          \
    void fl_gram8_f64_##isa(ptrdiff_t, double *const *, double *);                             \
    void fl_gram8_f32_##isa(ptrdiff_t, float *const *, double *);                              \
    void fl_gram8_lo_f32_##isa(ptrdiff_t, float *const *, double *);                           \
    void fl_rot16_f64_##isa(ptrdiff_t, double *const *, const double *, const double *);       \
    void fl_rot16_f32_##isa(ptrdiff_t, float *const *, const float *, const float *);          \
    long fl_jacobi_sweep_f32_##isa(ptrdiff_t, float *, float *, double);                       \
    long fl_jacobi_pairs_f32_##isa(float *, float *, double);                                  \
    void fl_jacobi_rotate_rows_f64_##isa(ptrdiff_t, ptrdiff_t, const double *, ptrdiff_t, double *, double *, \
                                         ptrdiff_t);                                          \
    void fl_jacobi_rotate_rows_f32_##isa(ptrdiff_t, ptrdiff_t, const float *, ptrdiff_t, float *, float *, \
                                         ptrdiff_t);                                          \
    void FL_UKR_NAME(f64, isa, MR64, NR64)(ptrdiff_t, const double *, const double *,        \
                                           double *, ptrdiff_t, int);                        \
    void FL_UKR_NAME(f32, isa, MR32, NR32)(ptrdiff_t, const float *, const float *, float *, \
                                           ptrdiff_t, int);                                  \
    void FL_UKR_SUP_NAME(f64, isa, SMR64, NR64)(ptrdiff_t, const double *, ptrdiff_t,        \
                                                const double *, ptrdiff_t, double *, ptrdiff_t, int); \
    void FL_UKR_SUP_NAME(f32, isa, SMR32, NR32)(ptrdiff_t, const float *, ptrdiff_t,         \
                                                const float *, ptrdiff_t, float *, ptrdiff_t, int); \
    void FL_UKR_ROWS_NAME(f64, isa, NR64)(ptrdiff_t, ptrdiff_t, const double *, ptrdiff_t,    \
                                          ptrdiff_t, const double *, ptrdiff_t, double *, ptrdiff_t, int); \
    void FL_UKR_ROWS_NAME(f32, isa, NR32)(ptrdiff_t, ptrdiff_t, const float *, ptrdiff_t,     \
                                          ptrdiff_t, const float *, ptrdiff_t, float *, ptrdiff_t, int);

#define TABLE(isa, MR64, NR64, MR32, NR32, SMR64, SMR32)                                               \
    {#isa, fl_dot_f64_##isa, fl_dot_f32_##isa, fl_sumsq_f64_##isa, fl_sumsq_f32_##isa,        \
     fl_scan_gt_f64_##isa, fl_scan_gt_f32_##isa, fl_rows_dot_f64_##isa, fl_rows_dot_f32_##isa, \
     fl_jacobi_sweep_f64_##isa, fl_jacobi_sweep_f32_##isa, fl_jacobi_pairs_f64_##isa, fl_jacobi_pairs_f32_##isa, \
     fl_jacobi_rotate_rows_f64_##isa, fl_jacobi_rotate_rows_f32_##isa, fl_rot_f64_##isa, fl_rot_f32_##isa,  \
     fl_gram8_f64_##isa, fl_gram8_f32_##isa, fl_gram8_lo_f32_##isa, fl_rot16_f64_##isa, fl_rot16_f32_##isa,           \
     FL_UKR_NAME(f64, isa, MR64, NR64),          \
     FL_UKR_NAME(f32, isa, MR32, NR32), FL_UKR_SUP_NAME(f64, isa, SMR64, NR64),               \
     FL_UKR_SUP_NAME(f32, isa, SMR32, NR32), FL_UKR_ROWS_NAME(f64, isa, NR64),                \
     FL_UKR_ROWS_NAME(f32, isa, NR32), MR64, NR64, MR32, NR32, SMR64, SMR32}

DECLARE_ISA(generic, FL_GENERIC_MR_F64, FL_GENERIC_NR_F64, FL_GENERIC_MR_F32, FL_GENERIC_NR_F32,
            FL_GENERIC_MR_SUP_F64, FL_GENERIC_MR_SUP_F32)
const fl_kernel_table fl_kernels_generic =
    TABLE(generic, FL_GENERIC_MR_F64, FL_GENERIC_NR_F64, FL_GENERIC_MR_F32, FL_GENERIC_NR_F32,
          FL_GENERIC_MR_SUP_F64, FL_GENERIC_MR_SUP_F32);

#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__) || defined(_M_IX86)
DECLARE_ISA(avx2, FL_AVX2_MR_F64, FL_AVX2_NR_F64, FL_AVX2_MR_F32, FL_AVX2_NR_F32,
            FL_AVX2_MR_SUP_F64, FL_AVX2_MR_SUP_F32)
DECLARE_ISA(avx512, FL_AVX512_MR_F64, FL_AVX512_NR_F64, FL_AVX512_MR_F32, FL_AVX512_NR_F32,
            FL_AVX512_MR_SUP_F64, FL_AVX512_MR_SUP_F32)
const fl_kernel_table fl_kernels_avx2 =
    TABLE(avx2, FL_AVX2_MR_F64, FL_AVX2_NR_F64, FL_AVX2_MR_F32, FL_AVX2_NR_F32,
          FL_AVX2_MR_SUP_F64, FL_AVX2_MR_SUP_F32);
const fl_kernel_table fl_kernels_avx512 =
    TABLE(avx512, FL_AVX512_MR_F64, FL_AVX512_NR_F64, FL_AVX512_MR_F32, FL_AVX512_NR_F32,
          FL_AVX512_MR_SUP_F64, FL_AVX512_MR_SUP_F32);
#else
const fl_kernel_table fl_kernels_avx2 = {0};
const fl_kernel_table fl_kernels_avx512 = {0};
#endif
