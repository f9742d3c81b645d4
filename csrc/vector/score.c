/* score.c: fl_pairwise (cosine and dot matrices) and fl_topk, for float64 and
 * float32, from one template. */
#include "../internal.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define FL_TYPED(name) name##_f64
#define FL_T double
#define fl_ukr_t fl_ukr_f64
#define FL_SAFE_SUMSQ_MIN 0x1p-968
#define FL_T_MIN DBL_MIN
#define FL_SQRT sqrt
#define FL_SAFE_SUMSQ_MAX 0x1p1000
#include "score_tmpl.h"
#undef FL_TYPED
#undef FL_T
#undef fl_ukr_t
#undef FL_SAFE_SUMSQ_MIN
#undef FL_T_MIN
#undef FL_SQRT
#undef FL_SAFE_SUMSQ_MAX

#define FL_TYPED(name) name##_f32
#define FL_T float
#define fl_ukr_t fl_ukr_f32
#define FL_T_MIN FLT_MIN
#define FL_SQRT sqrtf
#define FL_SAFE_SUMSQ_MIN 0x1p-100f /* float32: squares below 2^-126 are denormal */
#define FL_SAFE_SUMSQ_MAX 0x1p120f
#include "score_tmpl.h"
