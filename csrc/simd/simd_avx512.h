/* simd_avx512.h: the vector vocabulary of the kernel templates, for AVX-512F.
 * Included with FL_F32 set to 1 (float) or 0 (double); fl_w is a double vector
 * that float32 sums of squares widen into. */
#include <immintrin.h>

#define FL_ISA avx512
#define FL_PREFETCH(p) _mm_prefetch((const char *)(p), _MM_HINT_T0)
#if FL_F32
typedef __m512 fl_v;
#define FL_VLEN 16
#define FL_VLOAD(p) _mm512_load_ps(p)
#define FL_VLOADU(p) _mm512_loadu_ps(p)
#define FL_VSTOREU(p, v) _mm512_storeu_ps(p, v)
#define FL_VZERO() _mm512_setzero_ps()
#define FL_VSET1(x) _mm512_set1_ps(x)
#define FL_VFMA(a, b, c) _mm512_fmadd_ps(a, b, c)
#define FL_VADD(a, b) _mm512_add_ps(a, b)
#define FL_VHSUM(v) _mm512_reduce_add_ps(v)
#define FL_VGT_MASK(v, t) ((unsigned)_mm512_cmp_ps_mask(v, t, _CMP_GT_OQ))
#define FL_WLEN 8
#define FL_WLOAD(p) _mm512_cvtps_pd(_mm256_loadu_ps(p))
#else
typedef __m512d fl_v;
#define FL_VLEN 8
#define FL_VLOAD(p) _mm512_load_pd(p)
#define FL_VLOADU(p) _mm512_loadu_pd(p)
#define FL_VSTOREU(p, v) _mm512_storeu_pd(p, v)
#define FL_VZERO() _mm512_setzero_pd()
#define FL_VSET1(x) _mm512_set1_pd(x)
#define FL_VFMA(a, b, c) _mm512_fmadd_pd(a, b, c)
#define FL_VADD(a, b) _mm512_add_pd(a, b)
#define FL_VHSUM(v) _mm512_reduce_add_pd(v)
#define FL_VGT_MASK(v, t) ((unsigned)_mm512_cmp_pd_mask(v, t, _CMP_GT_OQ))
#define FL_WLEN 8
#define FL_WLOAD(p) _mm512_loadu_pd(p)
#endif
typedef __m512d fl_w;
#define FL_WZERO() _mm512_setzero_pd()
#define FL_WFMA(a, b, c) _mm512_fmadd_pd(a, b, c)
#define FL_WADD(a, b) _mm512_add_pd(a, b)
#define FL_WHSUM(v) _mm512_reduce_add_pd(v)
