/* composite_job.h: what composite.c shares with its per-ISA builds of the stages
 * (composite_tmpl.h, compiled generic, AVX2 and AVX-512BW): declarations, and
 * small inline helpers both sides use. */
#ifndef FL_APPS_COMPOSITE_JOB_H
#define FL_APPS_COMPOSITE_JOB_H

#include "composite.h"

#include <string.h>

#define FL_PX_BLOCK 512

typedef struct {
    ptrdiff_t h, w, rs, rs2, rd;
    int c, c2, nops, out;
    const uint8_t *src, *src2;
    uint8_t *dst;
    const fl_px_op *ops;
    /* per stage, built once a call: a non-separable blend with a solid colour as
     * a table of its result (hue: by saturation and luma of Cb; color: by luma) */
    const uint8_t *const *tables;
    int gray_out; /* the output register's three planes are equal (a gray colour matrix wrote it) */
} fl_px_job;

/* The result of a non-separable blend before opacity (float32 like Pillow's ImageMath). */
void fl_px_nonsep_pixel(int mode, const int cb[3], const int cs[3], int lum_b, int lum_s, uint8_t out[3]);
/* A colour matrix (3 x 4, row-major) whose three rows are equal: its three
 * output planes are the same bytes. */
static inline int fl_px_gray_matrix(const float *m)
{
    return memcmp(m, m + 4, 4 * sizeof(float)) == 0 && memcmp(m, m + 8, 4 * sizeof(float)) == 0;
}

/* Pillow's RGB -> L conversion (ITU-R 601-2 luma in 16-bit fixed point). */
static inline int fl_px_luma(int r, int g, int b) { return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16; }

/* Rows lo..hi-1 of the job, one build per ISA. */
void fl_px_rows_generic(const fl_px_job *J, ptrdiff_t lo, ptrdiff_t hi);
void fl_px_rows_avx2(const fl_px_job *J, ptrdiff_t lo, ptrdiff_t hi);
void fl_px_rows_avx512(const fl_px_job *J, ptrdiff_t lo, ptrdiff_t hi);
void fl_px_rows_avx512vbmi(const fl_px_job *J, ptrdiff_t lo, ptrdiff_t hi);

#endif
