/* mf_sgd_avx2.c: the SGD loop of mf.c compiled with AVX2 + FMA (setup.py gives
 * files named *_avx2.c those flags); on other architectures it compiles to nothing. */
#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__) || defined(_M_IX86)
#include "mf_kernels.h"

#define FL_MF_SGD_RANGE fl_mf_sgd_range_avx2
#include "mf_sgd_tmpl.h"
#endif
