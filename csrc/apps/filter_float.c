/* filter_float.c: fl_sep_filter for float64 and float32, from one template.
 * The compressor's SSIM runs its Gaussian window (11 taps) through it five
 * times per channel: means, squares and the cross product. */
#include "../internal.h"
#include "filter_float.h"

#define FL_FILTER_MAX_TAPS 4097      /* a window wider than this is a mistake */
#define FL_FILTER_GRAIN 2.0e6        /* multiply-adds per thread */

/* scipy.ndimage's 'reflect': index i of a length-n line, mirrored about the
 * half-sample edges, with period 2n (so a kernel longer than the line works) */
static inline ptrdiff_t reflect_index(ptrdiff_t i, ptrdiff_t n)
{
    ptrdiff_t period = 2 * n;
    i %= period;
    if (i < 0) i += period;
    return i < n ? i : period - 1 - i;
}

#define FL_T double
#define FL_TYPED(name) name##_f64
#include "filter_float_tmpl.h"
#undef FL_T
#undef FL_TYPED

#define FL_T float
#define FL_TYPED(name) name##_f32
#include "filter_float_tmpl.h"
#undef FL_T
#undef FL_TYPED
