/* simd_generic.h: the vector vocabulary of the kernel templates in plain C, with
 * "vectors" of one element. The compiler may still vectorise for the baseline ISA. */
#define FL_ISA generic
#define FL_PREFETCH(p) ((void)(p))
#if FL_F32
typedef float fl_v;
#define FL_VLEN 1
#define FL_WLOAD(p) ((double)*(p))
#else
typedef double fl_v;
#define FL_VLEN 1
#define FL_WLOAD(p) (*(p))
#endif
#define FL_VLOAD(p) (*(p))
#define FL_VLOADU(p) (*(p))
#define FL_VLOADU_PART(p, n) ((n) > 0 ? *(p) : 0) /* FL_VLEN is 1: never a part */
#define FL_VSTOREU(p, v) (*(p) = (v))
#define FL_VZERO() ((fl_v)0)
#define FL_VSET1(x) ((fl_v)(x))
#define FL_VFMA(a, b, c) ((a) * (b) + (c))
#define FL_VADD(a, b) ((a) + (b))
#define FL_VHSUM(v) (v)
#define FL_VHSUM4(a, b, c, d, out) ((out)[0] = (a), (out)[1] = (b), (out)[2] = (c), (out)[3] = (d))
#define FL_VGT_MASK(v, t) ((unsigned)((v) > (t)))
typedef double fl_w;
#define FL_WLEN 1
#define FL_WZERO() 0.0
#define FL_WFMA(a, b, c) ((a) * (b) + (c))
#define FL_WADD(a, b) ((a) + (b))
#define FL_WHSUM(v) (v)
