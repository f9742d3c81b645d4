/* power.c: fl_power for float64 and float32, from one template. */
#include "../internal.h"

#include <math.h>
#include <string.h>

#define FL_TYPED(name) name##_f64
#define FL_T double
#include "power_tmpl.h"
#undef FL_TYPED
#undef FL_T

#define FL_TYPED(name) name##_f32
#define FL_T float
#include "power_tmpl.h"
