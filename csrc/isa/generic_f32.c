/* generic_f32.c: the generic kernels for f32. Compiled alone with this ISA's flags
 * (setup.py); on other architectures it compiles to nothing. */

#define FL_F32 1
#include "../config.h"
#include "../simd/simd_generic.h"
#include "names.h"
#define FL_UKR_MR FL_GENERIC_MR_F32
#define FL_UKR_NR FL_GENERIC_NR_F32
#define FL_UKR_SUP_MR FL_GENERIC_MR_SUP_F32
#include "../vector/vector_kernels.h"
#include "../eigen/jacobi_kernel.h"
#include "../gemm/ukernel.h"
#include "../eigen/rotate_rows.h"

