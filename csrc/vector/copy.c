/* copy.c: fl_copy for float64 and float32: a strided matrix into a row-major
 * one, in tiles, so that a transposed source is read and written within
 * cache lines (numpy's ascontiguousarray of a transpose walks memory by column). */
#include "../internal.h"

#define FL_COPY_TILE 32

#define DEFINE_COPY(T, name)                                                                     \
    int name(ptrdiff_t m, ptrdiff_t n, const T *src, ptrdiff_t rs, ptrdiff_t cs, T *dst, ptrdiff_t ld) \
    {                                                                                            \
        if (m < 0 || n < 0) return FL_EINVAL;                                                    \
        for (ptrdiff_t i0 = 0; i0 < m; i0 += FL_COPY_TILE)                                       \
            for (ptrdiff_t j0 = 0; j0 < n; j0 += FL_COPY_TILE) {                                 \
                ptrdiff_t i1 = i0 + FL_COPY_TILE < m ? i0 + FL_COPY_TILE : m;                    \
                ptrdiff_t j1 = j0 + FL_COPY_TILE < n ? j0 + FL_COPY_TILE : n;                    \
                for (ptrdiff_t i = i0; i < i1; i++)                                              \
                    for (ptrdiff_t j = j0; j < j1; j++) dst[i * ld + j] = src[i * rs + j * cs];  \
            }                                                                                    \
        return FL_OK;                                                                            \
    }

DEFINE_COPY(double, fl_copy_f64)
DEFINE_COPY(float, fl_copy_f32)
