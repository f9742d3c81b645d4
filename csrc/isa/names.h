/* names.h: how per-ISA kernels are named: fl_<op>_<dtype>_<isa>, and the GEMM
 * micro-kernel fl_gemm_ukernel_<dtype>_<isa>_<MR>x<NR>. Included by the per-ISA
 * files after FL_F32 and a simd_<isa>.h have set the element type and the ISA. */
#ifndef FASTLA_ISA_NAMES_H
#define FASTLA_ISA_NAMES_H
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#if FL_F32
#define FL_T float
#define FL_TN f32
#else
#define FL_T double
#define FL_TN f64
#endif

#define FL_KNAME_(op, t, isa) fl_##op##_##t##_##isa
#define FL_KNAME(op, t, isa) FL_KNAME_(op, t, isa)
#define FL_K(op) FL_KNAME(op, FL_TN, FL_ISA)

#if defined(_MSC_VER)
#define FL_ALWAYS_INLINE __forceinline
#else
#define FL_ALWAYS_INLINE inline __attribute__((always_inline))
#endif

#if defined(_MSC_VER)
#include <intrin.h>
static __inline int fl_ctz(unsigned x)
{
    unsigned long i;
    _BitScanForward(&i, x);
    return (int)i;
}
#else
#define fl_ctz(x) __builtin_ctz(x)
#endif

#define FL_UKR_NAME_(t, isa, mr, nr) fl_gemm_ukernel_##t##_##isa##_##mr##x##nr
#define FL_UKR_NAME(t, isa, mr, nr) FL_UKR_NAME_(t, isa, mr, nr)
#define FL_UKR_SUP_NAME_(t, isa, mr, nr) fl_gemm_ukernel_sup_##t##_##isa##_##mr##x##nr
#define FL_UKR_SUP_NAME(t, isa, mr, nr) FL_UKR_SUP_NAME_(t, isa, mr, nr)
#define FL_UKR_ROWS_NAME_(t, isa, nr) fl_gemm_ukernel_rows_##t##_##isa##_x##nr
#define FL_UKR_ROWS_NAME(t, isa, nr) FL_UKR_ROWS_NAME_(t, isa, nr)
#endif
