/* simd_avx2.h: the vector vocabulary of the kernel templates, for AVX2 + FMA.
 * Included with FL_F32 set to 1 (float) or 0 (double). */
#include <immintrin.h>

#define FL_ISA avx2
#define FL_PREFETCH(p) _mm_prefetch((const char *)(p), _MM_HINT_T0)

static inline double fl_hsum_pd256(__m256d v)
{
    __m128d lo = _mm256_castpd256_pd128(v), hi = _mm256_extractf128_pd(v, 1);
    lo = _mm_add_pd(lo, hi);
    return _mm_cvtsd_f64(_mm_add_sd(lo, _mm_unpackhi_pd(lo, lo)));
}
static inline float fl_hsum_ps256(__m256 v)
{
    __m128 lo = _mm256_castps256_ps128(v), hi = _mm256_extractf128_ps(v, 1);
    lo = _mm_add_ps(lo, hi);
    lo = _mm_add_ps(lo, _mm_movehl_ps(lo, lo));
    return _mm_cvtss_f32(_mm_add_ss(lo, _mm_movehdup_ps(lo)));
}

static inline void fl_hsum4_ps256(__m256 a, __m256 b, __m256 c, __m256 d, float *out)
{
    __m256 h = _mm256_hadd_ps(_mm256_hadd_ps(a, b), _mm256_hadd_ps(c, d));
    _mm_storeu_ps(out, _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1)));
}
static inline void fl_hsum4_pd256(__m256d a, __m256d b, __m256d c, __m256d d, double *out)
{
    __m256d hab = _mm256_hadd_pd(a, b), hcd = _mm256_hadd_pd(c, d);
    __m256d lo = _mm256_permute2f128_pd(hab, hcd, 0x20), hi = _mm256_permute2f128_pd(hab, hcd, 0x31);
    _mm256_storeu_pd(out, _mm256_add_pd(lo, hi));
}

#if FL_F32
typedef __m256 fl_v;
#define FL_VLEN 8
#define FL_VLOAD(p) _mm256_load_ps(p)
#define FL_VLOADU(p) _mm256_loadu_ps(p)
/* the first n < FL_VLEN elements, zeros after (masked lanes are never read) */
#define FL_VLOADU_PART(p, n) \
    _mm256_maskload_ps(p, _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(n)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)))
#define FL_VSTOREU(p, v) _mm256_storeu_ps(p, v)
#define FL_VZERO() _mm256_setzero_ps()
#define FL_VSET1(x) _mm256_set1_ps(x)
#define FL_VFMA(a, b, c) _mm256_fmadd_ps(a, b, c)
#define FL_VADD(a, b) _mm256_add_ps(a, b)
#define FL_VHSUM(v) fl_hsum_ps256(v)
#define FL_VHSUM4(a, b, c, d, out) fl_hsum4_ps256(a, b, c, d, out)
#define FL_VGT_MASK(v, t) ((unsigned)_mm256_movemask_ps(_mm256_cmp_ps(v, t, _CMP_GT_OQ)))
#define FL_WLEN 4
#define FL_WLOAD(p) _mm256_cvtps_pd(_mm_loadu_ps(p))
#else
typedef __m256d fl_v;
#define FL_VLEN 4
#define FL_VLOAD(p) _mm256_load_pd(p)
#define FL_VLOADU(p) _mm256_loadu_pd(p)
#define FL_VLOADU_PART(p, n) \
    _mm256_maskload_pd(p, _mm256_cmpgt_epi64(_mm256_set1_epi64x((long long)(n)), _mm256_setr_epi64x(0, 1, 2, 3)))
#define FL_VSTOREU(p, v) _mm256_storeu_pd(p, v)
#define FL_VZERO() _mm256_setzero_pd()
#define FL_VSET1(x) _mm256_set1_pd(x)
#define FL_VFMA(a, b, c) _mm256_fmadd_pd(a, b, c)
#define FL_VADD(a, b) _mm256_add_pd(a, b)
#define FL_VHSUM(v) fl_hsum_pd256(v)
#define FL_VHSUM4(a, b, c, d, out) fl_hsum4_pd256(a, b, c, d, out)
#define FL_VGT_MASK(v, t) ((unsigned)_mm256_movemask_pd(_mm256_cmp_pd(v, t, _CMP_GT_OQ)))
#define FL_WLEN 4
#define FL_WLOAD(p) _mm256_loadu_pd(p)
#endif
typedef __m256d fl_w;
#define FL_WZERO() _mm256_setzero_pd()
#define FL_WFMA(a, b, c) _mm256_fmadd_pd(a, b, c)
#define FL_WADD(a, b) _mm256_add_pd(a, b)
#define FL_WHSUM(v) fl_hsum_pd256(v)
