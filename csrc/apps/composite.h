/* composite.h: one pass over a uint8 RGB(A) image running a short program of
 * colour stages (lookup tables, Pillow-rounded colour matrices, masks, composites
 * and blends), the way a CSS filter preset is applied, with every step rounded to
 * uint8 as Pillow rounds it. */
#ifndef FL_APPS_COMPOSITE_H
#define FL_APPS_COMPOSITE_H

#include <stddef.h>
#include <stdint.h>

#define FL_PX_REGS 16 /* colour registers: 0 is the image, 1 the second image */
#define FL_PX_MASKS 4 /* one-channel mask registers */
#define FL_PX_MAX_OPS 64

typedef enum {
    FL_PX_LUT = 0,       /* dst[c] = lut[256 c + a[c]]                       (lut: 768 bytes) */
    FL_PX_MATRIX = 1,    /* dst = clip(trunc(float(M a + t) + 0.5))          (m: 3x4 row-major) */
    FL_PX_FILL = 2,      /* dst = color */
    FL_PX_RADIAL = 3,    /* mask = 255 (1 - (|p - centre| / r - length) / (scale - length)) */
    FL_PX_LINEAR = 4,    /* mask = min(lut[y], lut2[x])                      (lut: h bytes, lut2: w) */
    FL_PX_COMPOSITE = 5, /* dst = (a mask + b (255 - mask)) / 255, rounded */
    FL_PX_MIX = 6,       /* dst = trunc(a + m[0] (b - a)), in float */
    FL_PX_TABLE2 = 7,    /* dst[c] = lut[256 a[c] + b[c]] (65536 bytes); mode: fl_px_arith */
    FL_PX_NONSEP = 8,    /* dst = mode(a backdrop, b source) at source alpha `alpha` */
    FL_PX_MASK_LUT = 9,  /* dst[c] = lut[256 c + mask]: a function of a mask alone (lut: 768 bytes) */
    FL_PX_OPCODES = 10
} fl_px_opcode;

/* Blends of FL_PX_TABLE2 computed rather than looked up (the table must agree). */
typedef enum { FL_PX_TABLE = 0, FL_PX_MULTIPLY = 1, FL_PX_SCREEN = 2, FL_PX_OVERLAY = 3, FL_PX_HARD_LIGHT = 4 } fl_px_arith;

typedef enum { FL_PX_HUE = 0, FL_PX_SATURATION = 1, FL_PX_COLOR = 2, FL_PX_LUMINOSITY = 3 } fl_px_nonsep;

typedef struct {
    int op;
    int dst, a, b, mask; /* register numbers (mask: a mask register) */
    int mode, alpha;     /* FL_PX_NONSEP: fl_px_nonsep, source alpha 0..255; FL_PX_TABLE2: fl_px_arith */
    float m[12];         /* FL_PX_MATRIX: the matrix; FL_PX_MIX: m[0] is the weight */
    double g[4];         /* FL_PX_RADIAL: length, scale, centre x, centre y (fractions) */
    const uint8_t *lut;  /* FL_PX_LUT, FL_PX_TABLE2, FL_PX_LINEAR (rows) */
    const uint8_t *lut2; /* FL_PX_LINEAR (columns) */
    uint8_t color[3];    /* FL_PX_FILL */
} fl_px_op;

/* Runs ops over the h x w image src (c = 3 or 4 channels, row stride rs bytes)
 * into dst (same channels, row stride rd); register out is written, alpha copied.
 * src2 (h x w, c2 = 3 or 4 channels, or NULL) is register 1. FL_EINVAL for a malformed program. */
int fl_px_run(ptrdiff_t h, ptrdiff_t w, int c, const uint8_t *src, ptrdiff_t rs, int c2, const uint8_t *src2,
              ptrdiff_t rs2, uint8_t *dst, ptrdiff_t rd, const fl_px_op *ops, int nops, int out,
              int nthreads);

#endif
