/* jacobi_svd.c: fl_svd for float64 and float32, from one template (with the
 * pivoted QR it starts from). */
#include "../internal.h"
#include "../eigen/jacobi_tile.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define FL_TYPED(name) name##_f64
#define FL_T double
#define FL_EPS DBL_EPSILON
#define FL_MIN DBL_MIN
#define FL_SVD_F32 0
#include "qr_tmpl.h"
#include "jacobi_svd_tmpl.h"
#undef FL_TYPED
#undef FL_T
#undef FL_EPS
#undef FL_MIN
#undef FL_SVD_F32

#define FL_TYPED(name) name##_f32
#define FL_T float
#define FL_EPS FLT_EPSILON
#define FL_MIN FLT_MIN
#define FL_SVD_F32 1
#include "qr_tmpl.h"
#include "jacobi_svd_tmpl.h"
