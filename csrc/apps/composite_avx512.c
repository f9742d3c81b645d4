/* composite_avx512.c: the stages of composite_tmpl.h with 512-bit vectors. The
 * byte instructions need AVX-512BW on top of the path's AVX-512F, enabled here
 * for the whole file; composite.c calls this only where the CPU has it. */
#if defined(__x86_64__) || defined(_M_X64)
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx512f,avx512bw"))), apply_to = function)
#elif defined(__GNUC__)
#pragma GCC target("avx512f,avx512bw")
#endif
#define FL_PX_AVX512 1
#define FL_PX_ROWS fl_px_rows_avx512
#include "composite_tmpl.h"
#if defined(__clang__)
#pragma clang attribute pop
#endif
#endif
