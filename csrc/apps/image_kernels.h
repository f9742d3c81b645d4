/* image_kernels.h: the per-ISA row kernels behind image.c.
 *
 * Each works on one row and returns how many elements (pixels for the colour
 * matrix, bytes otherwise) it finished from the start; image.c's generic loops
 * do the rest, with the same integer arithmetic, so every path gives the same
 * bytes. Weights come in pairs packed in an int32 (low half: the first tap),
 * the operand layout of a multiply-add of int16 pairs (pmaddwd). */
#ifndef FASTLA_APPS_IMAGE_KERNELS_H
#define FASTLA_APPS_IMAGE_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/* The colour matrix (image.h) on `rows` rows of n RGB (cmat3) or RGBA (cmat4,
 * alpha copied) pixels, rows rs and rd bytes apart; returns how many pixels of
 * each row it did (the same for all). Needs |q linear| < 2^15. */
typedef ptrdiff_t (*fl_cmat_rows_fn)(ptrdiff_t rows, ptrdiff_t n, const uint8_t *src, ptrdiff_t rs,
                                     uint8_t *dst, ptrdiff_t rd, const int32_t q[12]);

/* out[e] = sat_u8((sum_i sum_p pairs of q * rows[i][e + j*step] + round) >> shift), e < n:
 * rows are widened (int16) and padded so that rows[i][e + kw*step + 63] is readable;
 * qp holds kh rows of (kw+1)/2 pairs. */
typedef ptrdiff_t (*fl_conv_row_fn)(ptrdiff_t n, int kh, const int16_t *const *rows, int kw,
                                    ptrdiff_t step, const int32_t *qp, int shift, uint8_t *out);

/* The same for one row, rounded to int16 (the separable horizontal pass). */
typedef ptrdiff_t (*fl_hpass_row_fn)(ptrdiff_t n, const int16_t *row, int kw, ptrdiff_t step,
                                     const int32_t *qp, int shift, int16_t *out);

/* out[e] = sat_u8((sum_i q[i] rows[i][e] + round) >> shift): the vertical pass;
 * rows has kh + 1 entries (the last one, weighted 0, pads the final pair). */
typedef ptrdiff_t (*fl_vpass_row_fn)(ptrdiff_t n, int kh, const int16_t *const *rows,
                                     const int32_t *qp, int shift, uint8_t *out);

/* Output pixels x, x+1, ... of one row of the affine warp (image.c), in groups
 * of 8 while all their neighbours are inside the input; returns where it
 * stopped. X0, Y0: the row's positions at pixel 0 (32 fractional bits, plus
 * the rounding half), dx, dy their steps. Needs c in {3, 4}. */
typedef ptrdiff_t (*fl_warp_row_fn)(const uint8_t *src, ptrdiff_t rs, ptrdiff_t w, ptrdiff_t h, int c,
                                    ptrdiff_t x, ptrdiff_t ow, int64_t X0, int64_t Y0, int64_t dx,
                                    int64_t dy, uint8_t *out);

ptrdiff_t fl_image_warp_row_avx2(const uint8_t *src, ptrdiff_t rs, ptrdiff_t w, ptrdiff_t h, int c,
                                 ptrdiff_t x, ptrdiff_t ow, int64_t X0, int64_t Y0, int64_t dx,
                                 int64_t dy, uint8_t *out);
ptrdiff_t fl_image_cmat3_rows_avx2(ptrdiff_t rows, ptrdiff_t n, const uint8_t *src, ptrdiff_t rs,
                                   uint8_t *dst, ptrdiff_t rd, const int32_t q[12]);
ptrdiff_t fl_image_cmat4_rows_avx2(ptrdiff_t rows, ptrdiff_t n, const uint8_t *src, ptrdiff_t rs,
                                   uint8_t *dst, ptrdiff_t rd, const int32_t q[12]);
ptrdiff_t fl_image_conv_row_avx2(ptrdiff_t n, int kh, const int16_t *const *rows, int kw,
                                 ptrdiff_t step, const int32_t *qp, int shift, uint8_t *out);
ptrdiff_t fl_image_hpass_row_avx2(ptrdiff_t n, const int16_t *row, int kw, ptrdiff_t step,
                                  const int32_t *qp, int shift, int16_t *out);
ptrdiff_t fl_image_vpass_row_avx2(ptrdiff_t n, int kh, const int16_t *const *rows,
                                  const int32_t *qp, int shift, uint8_t *out);
ptrdiff_t fl_image_cmat3_rows_avx512(ptrdiff_t rows, ptrdiff_t n, const uint8_t *src, ptrdiff_t rs,
                                   uint8_t *dst, ptrdiff_t rd, const int32_t q[12]);
ptrdiff_t fl_image_cmat4_rows_avx512(ptrdiff_t rows, ptrdiff_t n, const uint8_t *src, ptrdiff_t rs,
                                   uint8_t *dst, ptrdiff_t rd, const int32_t q[12]);
ptrdiff_t fl_image_conv_row_avx512(ptrdiff_t n, int kh, const int16_t *const *rows, int kw,
                                   ptrdiff_t step, const int32_t *qp, int shift, uint8_t *out);
ptrdiff_t fl_image_hpass_row_avx512(ptrdiff_t n, const int16_t *row, int kw, ptrdiff_t step,
                                    const int32_t *qp, int shift, int16_t *out);
ptrdiff_t fl_image_vpass_row_avx512(ptrdiff_t n, int kh, const int16_t *const *rows,
                                    const int32_t *qp, int shift, uint8_t *out);

#endif
