/* avx2_f32.c: the avx2 kernels for f32. Compiled alone with this ISA's flags
 * (setup.py); on other architectures it compiles to nothing. */
#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__) || defined(_M_IX86)
#define FL_F32 1
#include "../config.h"
#include "../simd/simd_avx2.h"
#include "names.h"
#define FL_UKR_MR FL_AVX2_MR_F32
#define FL_UKR_NR FL_AVX2_NR_F32
#define FL_UKR_SUP_MR FL_AVX2_MR_SUP_F32
#include "../vector/vector_kernels.h"
#include "../eigen/jacobi_kernel.h"
#include "../gemm/ukernel.h"
#include "../eigen/rotate_rows.h"
#endif
