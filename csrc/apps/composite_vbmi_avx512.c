/* composite_vbmi_avx512.c: the stages of composite_tmpl.h with 512-bit vectors
 * and AVX-512 VBMI's byte permutes for the lookup tables, on top of AVX-512BW
 * (both enabled here for the whole file); composite.c calls this only where
 * the CPU has them. */
#if defined(__x86_64__) || defined(_M_X64)
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,avx512vbmi"))), apply_to = function)
#elif defined(__GNUC__)
#pragma GCC target("avx512f,avx512bw,avx512vbmi")
#endif
#define FL_PX_AVX512 1
#define FL_PX_VBMI 1
#define FL_PX_ROWS fl_px_rows_avx512vbmi
#include "composite_tmpl.h"
#if defined(__clang__)
#pragma clang attribute pop
#endif
#endif
