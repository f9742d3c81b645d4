/* power.c: fl_power for float64 and float32, from one template. */
#include "../internal.h"

#include <math.h>
#include <string.h>

#define FL_TYPED(name) name##_f64
#define FL_T double
#define FL_POWER_F32 0
#define FL_POWER_EXP_LIMIT 400 /* 2^+-400: squares and sums of n^2 of them stay in range */
#include "power_tmpl.h"
#undef FL_TYPED
#undef FL_T
#undef FL_POWER_F32
#undef FL_POWER_EXP_LIMIT

#define FL_TYPED(name) name##_f32
#define FL_T float
#define FL_POWER_F32 1
#define FL_POWER_EXP_LIMIT 48 /* A x of float32 rows: far from FLT_MAX and FLT_MIN */
#include "power_tmpl.h"
