/* simd_avx512.h: the vector vocabulary of the kernel templates, for AVX-512F.
 * Included with FL_F32 set to 1 (float) or 0 (double); fl_w is a double vector
 * that float32 sums of squares widen into. */
#include <immintrin.h>

#define FL_ISA avx512

/* out[i] = sum of the lanes of v_i, for four vectors at once */
static inline void fl_hsum4_ps512(__m512 a, __m512 b, __m512 c, __m512 d, float *out)
{
    __m256 ya = _mm256_add_ps(_mm512_castps512_ps256(a), _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(a), 1)));
    __m256 yb = _mm256_add_ps(_mm512_castps512_ps256(b), _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(b), 1)));
    __m256 yc = _mm256_add_ps(_mm512_castps512_ps256(c), _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(c), 1)));
    __m256 yd = _mm256_add_ps(_mm512_castps512_ps256(d), _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(d), 1)));
    __m256 h = _mm256_hadd_ps(_mm256_hadd_ps(ya, yb), _mm256_hadd_ps(yc, yd));
    _mm_storeu_ps(out, _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1)));
}
static inline void fl_hsum4_pd512(__m512d a, __m512d b, __m512d c, __m512d d, double *out)
{
    __m256d ya = _mm256_add_pd(_mm512_castpd512_pd256(a), _mm512_extractf64x4_pd(a, 1));
    __m256d yb = _mm256_add_pd(_mm512_castpd512_pd256(b), _mm512_extractf64x4_pd(b, 1));
    __m256d yc = _mm256_add_pd(_mm512_castpd512_pd256(c), _mm512_extractf64x4_pd(c, 1));
    __m256d yd = _mm256_add_pd(_mm512_castpd512_pd256(d), _mm512_extractf64x4_pd(d, 1));
    __m256d hab = _mm256_hadd_pd(ya, yb), hcd = _mm256_hadd_pd(yc, yd); /* a01 b01 a23 b23 */
    __m256d lo = _mm256_permute2f128_pd(hab, hcd, 0x20), hi = _mm256_permute2f128_pd(hab, hcd, 0x31);
    _mm256_storeu_pd(out, _mm256_add_pd(lo, hi));
}
#define FL_PREFETCH(p) _mm_prefetch((const char *)(p), _MM_HINT_T0)
#if FL_F32
typedef __m512 fl_v;
#define FL_VLEN 16
#define FL_VLOAD(p) _mm512_load_ps(p)
#define FL_VLOADU(p) _mm512_loadu_ps(p)
/* the first n < FL_VLEN elements, zeros after (masked lanes are never read) */
#define FL_VLOADU_PART(p, n) _mm512_maskz_loadu_ps((__mmask16)((1u << (n)) - 1u), p)
#define FL_VSTOREU(p, v) _mm512_storeu_ps(p, v)
#define FL_VZERO() _mm512_setzero_ps()
#define FL_VSET1(x) _mm512_set1_ps(x)
#define FL_VFMA(a, b, c) _mm512_fmadd_ps(a, b, c)
#define FL_VADD(a, b) _mm512_add_ps(a, b)
#define FL_VHSUM(v) _mm512_reduce_add_ps(v)
#define FL_VHSUM4(a, b, c, d, out) fl_hsum4_ps512(a, b, c, d, out)
#define FL_VGT_MASK(v, t) ((unsigned)_mm512_cmp_ps_mask(v, t, _CMP_GT_OQ))
#define FL_WLEN 8
#define FL_WLOAD(p) _mm512_cvtps_pd(_mm256_loadu_ps(p))
#else
typedef __m512d fl_v;
#define FL_VLEN 8
#define FL_VLOAD(p) _mm512_load_pd(p)
#define FL_VLOADU(p) _mm512_loadu_pd(p)
#define FL_VLOADU_PART(p, n) _mm512_maskz_loadu_pd((__mmask8)((1u << (n)) - 1u), p)
#define FL_VSTOREU(p, v) _mm512_storeu_pd(p, v)
#define FL_VZERO() _mm512_setzero_pd()
#define FL_VSET1(x) _mm512_set1_pd(x)
#define FL_VFMA(a, b, c) _mm512_fmadd_pd(a, b, c)
#define FL_VADD(a, b) _mm512_add_pd(a, b)
#define FL_VHSUM(v) _mm512_reduce_add_pd(v)
#define FL_VHSUM4(a, b, c, d, out) fl_hsum4_pd512(a, b, c, d, out)
#define FL_VGT_MASK(v, t) ((unsigned)_mm512_cmp_pd_mask(v, t, _CMP_GT_OQ))
#define FL_WLEN 8
#define FL_WLOAD(p) _mm512_loadu_pd(p)
#endif
typedef __m512d fl_w;
#define FL_WZERO() _mm512_setzero_pd()
#define FL_WFMA(a, b, c) _mm512_fmadd_pd(a, b, c)
#define FL_WADD(a, b) _mm512_add_pd(a, b)
#define FL_WHSUM(v) _mm512_reduce_add_pd(v)
