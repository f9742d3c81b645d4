/* composite.c: fl_px_run, a filter preset's program of colour stages run in one
 * pass over the image.
 *
 * The image is cut into blocks of up to FL_PX_BLOCK pixels of one row. A block is
 * split into planes (R, G, B) in register 0; each stage then runs over the whole
 * block as one tight loop on planes (which the compiler vectorises), and the output
 * register is interleaved back, alpha copied from the input. Every stage rounds to
 * uint8 exactly as the Pillow operation it stands for, so a preset built of them
 * reproduces Pillow-based pipelines pixel for pixel. Threads take bands of rows. */
#include "composite.h"

#include "../internal.h"

#include <math.h>
#include <string.h>

#define FL_PX_BLOCK 512

typedef struct {
    uint8_t rgb[FL_PX_REGS][3][FL_PX_BLOCK];
    uint8_t mask[FL_PX_MASKS][FL_PX_BLOCK];
} fl_px_regs;

/* (a b + 127) / 255 rounded, as Pillow's MULDIV255 and DIV255. */
static inline int div255(int v)
{
    int t = v + 128;
    return ((t >> 8) + t) >> 8;
}

/* numpy.linspace(start, stop, n)[i]: i step + start, the last one exactly stop. */
static inline double linspace_at(double start, double stop, ptrdiff_t n, ptrdiff_t i)
{
    if (n < 2) return start;
    if (i == n - 1) return stop;
    return (double)i * ((stop - start) / (double)(n - 1)) + start;
}

/* ---- stages on one block: n pixels of row y from column x0 --------------- */

static void stage_lut(const fl_px_op *op, fl_px_regs *R, ptrdiff_t n)
{
    for (int c = 0; c < 3; c++) {
        const uint8_t *lut = op->lut + 256 * c;
        const uint8_t *a = R->rgb[op->a][c];
        uint8_t *d = R->rgb[op->dst][c];
        for (ptrdiff_t i = 0; i < n; i++) d[i] = lut[a[i]];
    }
}

/* Pillow's ImageConvertMatrix: float products summed left to right, + 0.5, then
 * truncated into 0..255 (v + 0.5 in float equals Pillow's double-then-float). */
static void stage_matrix(const fl_px_op *op, fl_px_regs *R, ptrdiff_t n)
{
    const float *m = op->m;
    const uint8_t *r = R->rgb[op->a][0], *g = R->rgb[op->a][1], *b = R->rgb[op->a][2];
    uint8_t tmp[3][FL_PX_BLOCK];
    for (int c = 0; c < 3; c++) {
        const float m0 = m[4 * c], m1 = m[4 * c + 1], m2 = m[4 * c + 2], m3 = m[4 * c + 3];
        for (ptrdiff_t i = 0; i < n; i++) {
            float v = m0 * (float)r[i] + m1 * (float)g[i] + m2 * (float)b[i] + m3 + 0.5f;
            v = v < 0.0f ? 0.0f : (v > 255.0f ? 255.0f : v);
            tmp[c][i] = (uint8_t)(int)v;
        }
    }
    for (int c = 0; c < 3; c++) memcpy(R->rgb[op->dst][c], tmp[c], (size_t)n);
}

static void stage_fill(const fl_px_op *op, fl_px_regs *R, ptrdiff_t n)
{
    for (int c = 0; c < 3; c++) memset(R->rgb[op->dst][c], op->color[c], (size_t)n);
}

/* pilgram's radial_gradient_mask: the distance to the centre over the distance to
 * the farthest corner, mapped from [length, scale] to [255, 0], rounded half to even. */
static void stage_radial(const fl_px_op *op, fl_px_regs *R, ptrdiff_t n, ptrdiff_t y, ptrdiff_t x0,
                         ptrdiff_t h, ptrdiff_t w)
{
    const double length = op->g[0], scale = op->g[1], cx = op->g[2], cy = op->g[3];
    uint8_t *d = R->mask[op->mask];
    if (length >= 1.0 || scale <= 0.0) {
        memset(d, length >= 1.0 ? 255 : 0, (size_t)n);
        return;
    }
    const double left = (double)w * cx, right = (double)w * (1.0 - cx);
    const double top = (double)h * cy, bottom = (double)h * (1.0 - cy);
    const double rx = left > right ? left : right, ry = top > bottom ? top : bottom;
    const double radius = sqrt(rx * rx + ry * ry);
    const double base = scale - length > 0.001 ? scale - length : 0.001;
    const double yv = linspace_at(-top, bottom, h, y);
    const double yy = yv * yv;
    for (ptrdiff_t i = 0; i < n; i++) {
        const double xv = linspace_at(-left, right, w, x0 + i);
        double v = sqrt(xv * xv + yy) / radius;
        v = (v - length) / base;
        v = (1.0 - v) * 255.0;
        v = v < 0.0 ? 0.0 : (v > 255.0 ? 255.0 : v);
        d[i] = (uint8_t)nearbyint(v);
    }
}

static void stage_linear(const fl_px_op *op, fl_px_regs *R, ptrdiff_t n, ptrdiff_t y, ptrdiff_t x0)
{
    const uint8_t row = op->lut[y];
    const uint8_t *col = op->lut2 + x0;
    uint8_t *d = R->mask[op->mask];
    for (ptrdiff_t i = 0; i < n; i++) d[i] = col[i] < row ? col[i] : row;
}

/* Pillow's Image.composite(a, b, mask): b pasted over by a through the mask. */
static void stage_composite(const fl_px_op *op, fl_px_regs *R, ptrdiff_t n)
{
    const uint8_t *m = R->mask[op->mask];
    for (int c = 0; c < 3; c++) {
        const uint8_t *a = R->rgb[op->a][c], *b = R->rgb[op->b][c];
        uint8_t *d = R->rgb[op->dst][c];
        for (ptrdiff_t i = 0; i < n; i++) d[i] = (uint8_t)div255(b[i] * (255 - m[i]) + a[i] * m[i]);
    }
}

/* Pillow's Image.blend(a, b, alpha): a + alpha (b - a) in float, truncated. */
static void stage_mix(const fl_px_op *op, fl_px_regs *R, ptrdiff_t n)
{
    const float alpha = op->m[0];
    for (int c = 0; c < 3; c++) {
        const uint8_t *a = R->rgb[op->a][c], *b = R->rgb[op->b][c];
        uint8_t *d = R->rgb[op->dst][c];
        for (ptrdiff_t i = 0; i < n; i++) {
            float v = (float)a[i] + alpha * (float)((int)b[i] - (int)a[i]);
            v = v < 0.0f ? 0.0f : (v > 255.0f ? 255.0f : v);
            d[i] = (uint8_t)(int)v;
        }
    }
}

static void stage_table2(const fl_px_op *op, fl_px_regs *R, ptrdiff_t n)
{
    for (int c = 0; c < 3; c++) {
        const uint8_t *a = R->rgb[op->a][c], *b = R->rgb[op->b][c];
        uint8_t *d = R->rgb[op->dst][c];
        for (ptrdiff_t i = 0; i < n; i++) d[i] = op->lut[((unsigned)a[i] << 8) | b[i]];
    }
}

/* ---- the non-separable blend modes, in float32 like Pillow's ImageMath ------ */

static inline float fdiv0(float a, float b) { return b != 0.0f ? a / b : 0.0f; }
static inline float fmax3(float r, float g, float b) { float m = r > g ? r : g; return m > b ? m : b; }
static inline float fmin3(float r, float g, float b) { float m = r < g ? r : g; return m < b ? m : b; }
static inline float flum(const float c[3]) { return c[0] * 0.3f + c[1] * 0.59f + c[2] * 0.11f; }
/* Pillow's RGB -> L conversion (ITU-R 601-2 luma in 16-bit fixed point). */
static inline int luma(int r, int g, int b) { return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16; }

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

static void stage_nonsep(const fl_px_op *op, fl_px_regs *R, ptrdiff_t n)
{
    const uint8_t *br = R->rgb[op->a][0], *bg = R->rgb[op->a][1], *bb = R->rgb[op->a][2];
    const uint8_t *sr = R->rgb[op->b][0], *sg = R->rgb[op->b][1], *sb = R->rgb[op->b][2];
    uint8_t *dr = R->rgb[op->dst][0], *dg = R->rgb[op->dst][1], *db = R->rgb[op->dst][2];
    const int alpha = op->alpha;
    for (ptrdiff_t i = 0; i < n; i++) {
        const int cb[3] = {br[i], bg[i], bb[i]}, cs[3] = {sr[i], sg[i], sb[i]};
        const float lum_b = (float)luma(cb[0], cb[1], cb[2]), lum_s = (float)luma(cs[0], cs[1], cs[2]);
        float c[3], d;
        switch (op->mode) {
        case FL_PX_HUE: /* SetLum(SetSat(Cs, Sat(Cb)), Lum(Cb)) */
        case FL_PX_SATURATION: { /* SetLum(SetSat(Cb, Sat(Cs)), Lum(Cb)) */
            const int *from = op->mode == FL_PX_HUE ? cs : cb, *sat_of = op->mode == FL_PX_HUE ? cb : cs;
            for (int k = 0; k < 3; k++) c[k] = (float)from[k];
            set_sat(c, fmax3((float)sat_of[0], (float)sat_of[1], (float)sat_of[2])
                           - fmin3((float)sat_of[0], (float)sat_of[1], (float)sat_of[2]));
            d = lum_b - flum(c);
            break;
        }
        case FL_PX_COLOR: /* SetLum(Cs, Lum(Cb)) */
            for (int k = 0; k < 3; k++) c[k] = (float)cs[k];
            d = lum_b - lum_s;
            break;
        default: /* FL_PX_LUMINOSITY: SetLum(Cb, Lum(Cs)) */
            for (int k = 0; k < 3; k++) c[k] = (float)cb[k];
            d = lum_s - lum_b;
            break;
        }
        for (int k = 0; k < 3; k++) c[k] += d;
        clip_color(c);
        uint8_t out[3];
        for (int k = 0; k < 3; k++) {
            int v = f2u8(c[k]);
            if (alpha < 255) { /* source alpha: B a + Cb (1 - a), each term truncated */
                v = v * alpha / 255 + cb[k] * (255 - alpha) / 255;
                v = v > 255 ? 255 : v;
            }
            out[k] = (uint8_t)v;
        }
        dr[i] = out[0], dg[i] = out[1], db[i] = out[2];
    }
}

/* ---- the pass ------------------------------------------------------------ */

typedef struct {
    ptrdiff_t h, w, rs, rs2, rd;
    int c, c2, nops, out;
    const uint8_t *src, *src2;
    uint8_t *dst;
    const fl_px_op *ops;
} fl_px_job;

static void load(uint8_t planes[3][FL_PX_BLOCK], const uint8_t *p, int c, ptrdiff_t n)
{
    for (ptrdiff_t i = 0; i < n; i++, p += c) planes[0][i] = p[0], planes[1][i] = p[1], planes[2][i] = p[2];
}

static void run_block(const fl_px_job *J, fl_px_regs *R, ptrdiff_t y, ptrdiff_t x0, ptrdiff_t n)
{
    const uint8_t *in = J->src + y * J->rs + x0 * J->c;
    load(R->rgb[0], in, J->c, n);
    if (J->src2) load(R->rgb[1], J->src2 + y * J->rs2 + x0 * J->c2, J->c2, n);
    for (int k = 0; k < J->nops; k++) {
        const fl_px_op *op = &J->ops[k];
        switch (op->op) {
        case FL_PX_LUT: stage_lut(op, R, n); break;
        case FL_PX_MATRIX: stage_matrix(op, R, n); break;
        case FL_PX_FILL: stage_fill(op, R, n); break;
        case FL_PX_RADIAL: stage_radial(op, R, n, y, x0, J->h, J->w); break;
        case FL_PX_LINEAR: stage_linear(op, R, n, y, x0); break;
        case FL_PX_COMPOSITE: stage_composite(op, R, n); break;
        case FL_PX_MIX: stage_mix(op, R, n); break;
        case FL_PX_TABLE2: stage_table2(op, R, n); break;
        default: stage_nonsep(op, R, n); break;
        }
    }
    uint8_t *o = J->dst + y * J->rd + x0 * J->c;
    const uint8_t *r = R->rgb[J->out][0], *g = R->rgb[J->out][1], *b = R->rgb[J->out][2];
    if (J->c == 4) {
        for (ptrdiff_t i = 0; i < n; i++, o += 4) o[0] = r[i], o[1] = g[i], o[2] = b[i], o[3] = in[4 * i + 3];
    } else {
        for (ptrdiff_t i = 0; i < n; i++, o += 3) o[0] = r[i], o[1] = g[i], o[2] = b[i];
    }
}

static void px_task(void *ctx, int tid, int nt)
{
    const fl_px_job *J = (const fl_px_job *)ctx;
    fl_px_regs R; /* about 14 KB: one per thread, on its stack */
    ptrdiff_t lo, hi;
    fl_split(J->h, 1, tid, nt, &lo, &hi);
    for (ptrdiff_t y = lo; y < hi; y++) /* loop: rows of this band */
        for (ptrdiff_t x0 = 0; x0 < J->w; x0 += FL_PX_BLOCK) /* loop: blocks of a row */
            run_block(J, &R, y, x0, J->w - x0 < FL_PX_BLOCK ? J->w - x0 : FL_PX_BLOCK);
}

/* A well-formed stage: known opcode, registers in range, read only after written. */
static int valid_op(const fl_px_op *op, unsigned *written, unsigned *masks)
{
    if (op->op < 0 || op->op >= FL_PX_OPCODES) return 0;
    if (op->op == FL_PX_RADIAL || op->op == FL_PX_LINEAR) {
        if (op->mask < 0 || op->mask >= FL_PX_MASKS || (op->op == FL_PX_LINEAR && !(op->lut && op->lut2))) return 0;
        *masks |= 1u << op->mask;
        return 1;
    }
    if (op->dst < 2 || op->dst >= FL_PX_REGS) return 0; /* 0 and 1 are the inputs */
    if (op->op != FL_PX_FILL) {
        if (op->a < 0 || op->a >= FL_PX_REGS || !(*written >> op->a & 1u)) return 0;
        if (op->op != FL_PX_LUT && op->op != FL_PX_MATRIX
            && (op->b < 0 || op->b >= FL_PX_REGS || !(*written >> op->b & 1u)))
            return 0;
    }
    int ok = 1;
    switch (op->op) {
    case FL_PX_LUT: case FL_PX_TABLE2: ok = op->lut != NULL; break;
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
    fl_px_job J = {h, w, rs, rs2, rd, c, c2, nops, out, src, src2, dst, ops};
    int nt = nthreads > 0 ? nthreads : fl_threads_for((double)h * (double)w * (nops + 1), 1 << 16);
    if (nt > h) nt = (int)h;
    fl_parallel(px_task, &J, nt);
    return FL_OK;
}
