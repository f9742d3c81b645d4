/* composite.c: fl_px_run, a filter preset's program of colour stages run in one
 * pass over the image (the stages: composite_tmpl.h, built here for the generic
 * path, in composite_avx2.c for AVX2, composite_avx512.c for AVX-512BW and
 * composite_vbmi_avx512.c for AVX-512BW with VBMI). This file checks the program, builds
 * the tables a stage needs once per call, and hands bands of rows to threads. */
#include "composite_job.h"

#include "../internal.h"

#include <math.h>
#include <string.h>

#define FL_PX_ROWS fl_px_rows_generic
#include "composite_tmpl.h"

/* ---- the non-separable blend modes, in float32 like Pillow's ImageMath ------ */

static inline float fdiv0(float a, float b) { return b != 0.0f ? a / b : 0.0f; }
static inline float fmax3(float r, float g, float b) { float m = r > g ? r : g; return m > b ? m : b; }
static inline float fmin3(float r, float g, float b) { float m = r < g ? r : g; return m < b ? m : b; }
static inline float flum(const float c[3]) { return c[0] * 0.3f + c[1] * 0.59f + c[2] * 0.11f; }

/* ClipColor: pull an out-of-gamut colour back towards its luminosity. */
static void clip_color(float c[3])
{
    const float L = flum(c), lo = fmin3(c[0], c[1], c[2]), hi = fmax3(c[0], c[1], c[2]);
    for (int k = 0; k < 3; k++) {
        float v = lo < 0.0f ? fdiv0(L * (c[k] - lo), L - lo) : c[k];
        c[k] = hi > 255.0f ? L + fdiv0((v - L) * (255.0f - L), hi - L) : v;
    }
}

/* SetSat: the colour's middle channel rescaled so that max - min becomes s. */
static void set_sat(float c[3], float s)
{
    const float hi = fmax3(c[0], c[1], c[2]), lo = fmin3(c[0], c[1], c[2]);
    const float mid = c[0] + c[1] + c[2] - hi - lo;
    const float new_mid = fdiv0((mid - lo) * s, hi - lo);
    for (int k = 0; k < 3; k++) {
        float v = 0.0f;
        if (hi > lo && hi > mid && mid == c[k]) v += new_mid;
        if (hi > lo && hi == c[k]) v += s;
        c[k] = v;
    }
}

static inline uint8_t f2u8(float v) { return v <= 0.0f ? 0 : (v >= 255.0f ? 255 : (uint8_t)v); }

void fl_px_nonsep_pixel(int mode, const int cb[3], const int cs[3], int lum_b, int lum_s, uint8_t out[3])
{
    float c[3], d;
    if (mode == FL_PX_HUE || mode == FL_PX_SATURATION) {
        /* hue: SetLum(SetSat(Cs, Sat(Cb)), Lum(Cb)); saturation: SetLum(SetSat(Cb, Sat(Cs)), Lum(Cb)) */
        const int *from = mode == FL_PX_HUE ? cs : cb, *sat_of = mode == FL_PX_HUE ? cb : cs;
        for (int k = 0; k < 3; k++) c[k] = (float)from[k];
        set_sat(c, fmax3((float)sat_of[0], (float)sat_of[1], (float)sat_of[2])
                       - fmin3((float)sat_of[0], (float)sat_of[1], (float)sat_of[2]));
        d = (float)lum_b - flum(c);
    } else if (mode == FL_PX_COLOR) { /* SetLum(Cs, Lum(Cb)) */
        for (int k = 0; k < 3; k++) c[k] = (float)cs[k];
        d = (float)lum_b - (float)lum_s;
    } else { /* luminosity: SetLum(Cb, Lum(Cs)) */
        for (int k = 0; k < 3; k++) c[k] = (float)cb[k];
        d = (float)lum_s - (float)lum_b;
    }
    for (int k = 0; k < 3; k++) c[k] += d;
    clip_color(c);
    for (int k = 0; k < 3; k++) out[k] = f2u8(c[k]);
}

/* Hue with a solid source depends on Cb only through Sat(Cb) and Lum(Cb) (both
 * integers 0..255), color only through Lum(Cb): tables of 65536 and 256 colours. */
static uint8_t *nonsep_table(const fl_px_op *op)
{
    const int cs[3] = {op->color[0], op->color[1], op->color[2]};
    const int lum_s = fl_px_luma(cs[0], cs[1], cs[2]);
    const int hue = op->mode == FL_PX_HUE;
    uint8_t *t = fl_malloc(hue ? 3 * 65536 : 3 * 256);
    if (!t) return NULL;
    for (int s = 0; s < (hue ? 256 : 1); s++)
        for (int l = 0; l < 256; l++) {
            const int cb[3] = {s, 0, 0}; /* only its saturation s is read */
            fl_px_nonsep_pixel(op->mode, cb, cs, l, lum_s, t + 3 * (s * 256 + l));
        }
    return t;
}

/* A well-formed stage: known opcode, registers in range, read only after written. */
static int valid_op(const fl_px_op *op, unsigned *written, unsigned *masks)
{
    if (op->op < 0 || op->op >= FL_PX_OPCODES) return 0;
    if (op->op == FL_PX_RADIAL || op->op == FL_PX_LINEAR) {
        if (op->mask < 0 || op->mask >= FL_PX_MASKS || (op->op == FL_PX_LINEAR && !(op->lut && op->lut2))) return 0;
        for (int k = 0; k < 4; k++)
            if (op->op == FL_PX_RADIAL && !isfinite(op->g[k])) return 0;
        *masks |= 1u << op->mask;
        return 1;
    }
    if (op->dst < 2 || op->dst >= FL_PX_REGS) return 0; /* 0 and 1 are the inputs */
    if (op->op != FL_PX_FILL && op->op != FL_PX_MASK_LUT) {
        if (op->a < 0 || op->a >= FL_PX_REGS || !(*written >> op->a & 1u)) return 0;
        const int b_constant = op->op == FL_PX_NONSEP && op->b < 0; /* source: op->color */
        if (op->op != FL_PX_LUT && op->op != FL_PX_MATRIX && !b_constant
            && (op->b < 0 || op->b >= FL_PX_REGS || !(*written >> op->b & 1u)))
            return 0;
    }
    int ok = 1;
    switch (op->op) {
    case FL_PX_LUT: ok = op->lut != NULL; break;
    case FL_PX_MASK_LUT:
        ok = op->lut != NULL && op->mask >= 0 && op->mask < FL_PX_MASKS && (*masks >> op->mask & 1u);
        break;
    case FL_PX_TABLE2: ok = op->lut != NULL && op->mode >= FL_PX_TABLE && op->mode <= FL_PX_HARD_LIGHT; break;
    case FL_PX_COMPOSITE: ok = op->mask >= 0 && op->mask < FL_PX_MASKS && (*masks >> op->mask & 1u); break;
    case FL_PX_MIX: ok = op->m[0] >= 0.0f && op->m[0] <= 1.0f; break;
    case FL_PX_NONSEP:
        ok = op->mode >= FL_PX_HUE && op->mode <= FL_PX_LUMINOSITY && op->alpha >= 0 && op->alpha <= 255;
        break;
    case FL_PX_MATRIX:
        for (int k = 0; k < 12; k++)
            if (!isfinite(op->m[k])) ok = 0;
        break;
    default: break;
    }
    if (ok) *written |= 1u << op->dst;
    return ok;
}

/* Is register out written last by a colour matrix with three equal rows? */
static int gray_output(const fl_px_op *ops, int nops, int out)
{
    for (int k = nops - 1; k >= 0; k--)
        if (ops[k].op != FL_PX_RADIAL && ops[k].op != FL_PX_LINEAR && ops[k].dst == out)
            return ops[k].op == FL_PX_MATRIX && fl_px_gray_matrix(ops[k].m);
    return 0;
}

static void px_task(void *ctx, int tid, int nt)
{
    const fl_px_job *J = (const fl_px_job *)ctx;
    ptrdiff_t lo, hi;
    fl_split(J->h, 1, tid, nt, &lo, &hi);
#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__) || defined(_M_IX86)
#if defined(__x86_64__) || defined(_M_X64)
    if (fl_avx512vbmi_in_use()) {
        fl_px_rows_avx512vbmi(J, lo, hi);
        return;
    }
    if (fl_avx512bw_in_use()) {
        fl_px_rows_avx512(J, lo, hi);
        return;
    }
#endif
    if (fl_get_isa() >= FL_ISA_AVX2) {
        fl_px_rows_avx2(J, lo, hi);
        return;
    }
#endif
    fl_px_rows_generic(J, lo, hi);
}

int fl_px_run(ptrdiff_t h, ptrdiff_t w, int c, const uint8_t *src, ptrdiff_t rs, int c2, const uint8_t *src2,
              ptrdiff_t rs2, uint8_t *dst, ptrdiff_t rd, const fl_px_op *ops, int nops, int out, int nthreads)
{
    if (h < 0 || w < 0 || (c != 3 && c != 4) || (src2 && c2 != 3 && c2 != 4)) return FL_EINVAL;
    if (nops < 0 || nops > FL_PX_MAX_OPS || out < 0 || out >= FL_PX_REGS) return FL_EINVAL;
    unsigned written = src2 ? 3u : 1u, masks = 0;
    for (int k = 0; k < nops; k++)
        if (!valid_op(&ops[k], &written, &masks)) return FL_EINVAL;
    if (!(written >> out & 1u)) return FL_EINVAL;
    if (h == 0 || w == 0) return FL_OK;

    uint8_t *tables[FL_PX_MAX_OPS] = {0};
    int status = FL_OK;
    for (int k = 0; k < nops && status == FL_OK; k++) {
        const fl_px_op *op = &ops[k];
        if (op->op == FL_PX_NONSEP && op->b < 0 && (op->mode == FL_PX_HUE || op->mode == FL_PX_COLOR)) {
            tables[k] = nonsep_table(op);
            if (!tables[k]) status = FL_ENOMEM;
        }
    }
    if (status == FL_OK) {
        fl_px_job J = {h, w, rs, rs2, rd, c, c2, nops, out, src, src2, dst, ops, (const uint8_t *const *)tables, 0};
        J.gray_out = gray_output(ops, nops, out);
        int nt = nthreads > 0 ? nthreads : fl_threads_for((double)h * (double)w * (nops + 1), 1 << 16);
        if (nt > h) nt = (int)h;
        fl_parallel(px_task, &J, nt);
    }
    for (int k = 0; k < nops; k++) fl_free(tables[k]);
    return status;
}
