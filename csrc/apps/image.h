/* image.h: uint8 image kernels (colour matrix, convolution, affine warp).
 *
 * Images are interleaved uint8 pixels, h rows of w pixels of c channels, rows
 * rs bytes apart (rs >= w*c). All arithmetic is integer fixed point, so every
 * SIMD path gives the same bytes as the generic one and as the plain-Python
 * twins in fastla.naive. The caller (Python) turns float matrices and kernels
 * into the fixed-point integers described below. */
#ifndef FASTLA_APPS_IMAGE_H
#define FASTLA_APPS_IMAGE_H

#include <stddef.h>
#include <stdint.h>

/* Colour matrix with 10 fractional bits, as cv2.transform does for 8-bit:
 * out[k] = sat((q[4k]*in0 + q[4k+1]*in1 + q[4k+2]*in2 + q[4k+3] + 512) >> 10),
 * k = 0..2; a fourth channel (c == 4) is copied. Needs c in {3, 4},
 * |q linear| <= 2^18 and |q offset| <= 2^26 (no int32 overflow). */
int fl_image_color_matrix_u8(ptrdiff_t h, ptrdiff_t w, int c, const uint8_t *src, ptrdiff_t rs,
                             uint8_t *dst, ptrdiff_t rd, const int32_t q[12]);

/* 2-D correlation, kernel kh x kw (both odd) of int16 weights q (row-major)
 * with `shift` fractional bits, each channel alone, reflect-101 borders:
 * out = sat((sum q[i][j] * in(y+i-kh/2, x+j-kw/2) + 2^(shift-1)) >> shift).
 * Needs 255 * sum|q| + 2^shift < 2^31 and 0 <= shift <= 30. */
int fl_image_convolve_u8(ptrdiff_t h, ptrdiff_t w, int c, const uint8_t *src, ptrdiff_t rs,
                         uint8_t *dst, ptrdiff_t rd, int kh, int kw, const int16_t *q, int shift);

/* Separable correlation: a horizontal pass with qx (kw taps, sx fractional
 * bits) rounded to int16 with `mid` fractional bits,
 * t = (sum qx[j] * in(y, x+j-kw/2) + 2^(sx-mid-1)) >> (sx-mid), then a vertical
 * pass with qy (kh taps, sy bits): out = sat((sum qy[i] * t(y+i-kh/2) + 2^(sy+mid-1)) >> (sy+mid)).
 * Needs |t| < 2^15, 32767 * sum|qy| + 2^(sy+mid) < 2^31 and sx > mid >= 0. */
int fl_image_convolve_sep_u8(ptrdiff_t h, ptrdiff_t w, int c, const uint8_t *src, ptrdiff_t rs,
                             uint8_t *dst, ptrdiff_t rd, int kh, const int16_t *qy, int sy,
                             int kw, const int16_t *qx, int sx, int mid);

/* Affine warp with bilinear interpolation (within 1 of cv2.warpAffine):
 * inv maps an output pixel (x, y) to the input point (inv[0]x + inv[1]y + inv[2],
 * inv[3]x + inv[4]y + inv[5]), found to 2^-32 pixel and rounded to 1/1024 for the
 * weights (1024 - fx)(1024 - fy), fx(1024 - fy), ...; the weighted sum is rounded
 * (halves up) after dividing by 2^20. Neighbours outside the input read as 0.
 * Needs |inv[i]| <= 1e8. */
int fl_image_warp_affine_u8(ptrdiff_t h, ptrdiff_t w, int c, const uint8_t *src, ptrdiff_t rs,
                            ptrdiff_t oh, ptrdiff_t ow, uint8_t *dst, ptrdiff_t rd,
                            const double inv[6]);

#endif
