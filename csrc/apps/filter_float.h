/* filter_float.h: a separable filter on float images, for the compressor's SSIM.
 *
 * dst (h x w, row-major, leading dimension ld) = src correlated with the 1-D
 * kernel taps (ntaps odd, centred) along each row, then along each column.
 * Borders follow scipy.ndimage's 'reflect' mode (d c b a | a b c d | d c b a),
 * as skimage's Gaussian SSIM window uses. src is read through its strides (rs,
 * cs in elements); dst must not overlap src. Threads over rows. */
#ifndef FASTLA_APPS_FILTER_FLOAT_H
#define FASTLA_APPS_FILTER_FLOAT_H

#include <stddef.h>

int fl_sep_filter_f64(ptrdiff_t h, ptrdiff_t w, const double *src, ptrdiff_t rs, ptrdiff_t cs,
                      const double *taps, ptrdiff_t ntaps, double *dst, ptrdiff_t ld);
int fl_sep_filter_f32(ptrdiff_t h, ptrdiff_t w, const float *src, ptrdiff_t rs, ptrdiff_t cs,
                      const float *taps, ptrdiff_t ntaps, float *dst, ptrdiff_t ld);

#endif
