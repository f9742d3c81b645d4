/* dot.c: fl_dot and fl_nrm2 for float64 and float32, from one template. */
#include "../internal.h"

#include <math.h>

#define FL_TYPED(name) name##_f64
#define FL_T double
#define FL_F32 0
#include "dot_tmpl.h"
#undef FL_TYPED
#undef FL_T
#undef FL_F32

#define FL_TYPED(name) name##_f32
#define FL_T float
#define FL_F32 1
#include "dot_tmpl.h"
