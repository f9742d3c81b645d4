/* composite_tmpl.h: the stages of a filter program on one block of pixels, and the
 * row loop. Included once per ISA (composite.c: generic, composite_avx2.c: AVX2),
 * with FL_PX_ROWS naming the row function; the loops are plain C over planes that
 * the compiler vectorises for the ISA at hand.
 *
 * A block is up to FL_PX_BLOCK pixels of one row, split into planes (R, G, B) in
 * register 0. Each stage runs over the whole block, and the output register is
 * interleaved back with alpha copied from the input. Every stage rounds to uint8
 * as the Pillow operation it stands for. */
#include "composite_job.h"

#include <math.h>
#include <string.h>

typedef struct {
    uint8_t rgb[FL_PX_REGS][3][FL_PX_BLOCK];
    uint8_t mask[FL_PX_MASKS][FL_PX_BLOCK];
} fl_px_regs;

/* (v + 127) / 255 rounded, as Pillow's DIV255 (Image.composite). */
static inline int px_div255(int v)
{
    int t = v + 128;
    return ((t >> 8) + t) >> 8;
}

#if defined(__AVX2__)
#include <immintrin.h>

/* d[i] = lut[a[i]], 32 bytes at a time: the table as sixteen 16-byte pieces, each
 * applied with one byte shuffle. x + 0x70 (saturated) keeps the low nibble of an
 * index below 16 and sets bit 7 (the shuffle then gives 0) for the others; the
 * index moves down by 16 for the next piece. Two to three times a scalar loop. */
static void px_lut_plane(const uint8_t *lut, const uint8_t *a, uint8_t *d, ptrdiff_t n)
{
    __m256i piece[16];
    for (int k = 0; k < 16; k++) piece[k] = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(lut + 16 * k)));
    const __m256i step = _mm256_set1_epi8(16), shift = _mm256_set1_epi8(0x70);
    ptrdiff_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m256i x = _mm256_loadu_si256((const __m256i *)(a + i)), r = _mm256_setzero_si256();
        for (int k = 0; k < 16; k++) {
            r = _mm256_or_si256(r, _mm256_shuffle_epi8(piece[k], _mm256_adds_epu8(x, shift)));
            x = _mm256_sub_epi8(x, step);
        }
        _mm256_storeu_si256((__m256i *)(d + i), r);
    }
    for (; i < n; i++) d[i] = lut[a[i]];
}
#else
static void px_lut_plane(const uint8_t *lut, const uint8_t *a, uint8_t *d, ptrdiff_t n)
{
    for (ptrdiff_t i = 0; i < n; i++) d[i] = lut[a[i]];
}
#endif

static void px_lut(const fl_px_op *op, fl_px_regs *R, ptrdiff_t n)
{
    for (int c = 0; c < 3; c++) px_lut_plane(op->lut + 256 * c, R->rgb[op->a][c], R->rgb[op->dst][c], n);
}

/* Pillow's ImagingConvertMatrix: float products summed left to right, + 0.5, then
 * truncated into 0..255 (v + 0.5f in float equals Pillow's double-then-float,
 * since the double sum is exact). */
static void px_matrix(const fl_px_op *op, fl_px_regs *R, ptrdiff_t n)
{
    const float *m = op->m;
    const float m00 = m[0], m01 = m[1], m02 = m[2], m03 = m[3], m10 = m[4], m11 = m[5], m12 = m[6], m13 = m[7];
    const float m20 = m[8], m21 = m[9], m22 = m[10], m23 = m[11];
    const uint8_t *r = R->rgb[op->a][0], *g = R->rgb[op->a][1], *b = R->rgb[op->a][2];
    uint8_t t0[FL_PX_BLOCK], t1[FL_PX_BLOCK], t2[FL_PX_BLOCK];
    if (memcmp(m, m + 4, 4 * sizeof(float)) == 0 && memcmp(m, m + 8, 4 * sizeof(float)) == 0) {
        for (ptrdiff_t i = 0; i < n; i++) { /* three equal rows (grayscale): one output */
            float v0 = m00 * (float)r[i] + m01 * (float)g[i] + m02 * (float)b[i] + m03 + 0.5f;
            v0 = v0 < 0.0f ? 0.0f : v0;
            v0 = v0 > 255.0f ? 255.0f : v0;
            t0[i] = (uint8_t)(int)v0;
        }
        for (int c = 0; c < 3; c++) memcpy(R->rgb[op->dst][c], t0, (size_t)n);
        return;
    }
    for (ptrdiff_t i = 0; i < n; i++) { /* each input converted once, three outputs */
        const float x = (float)r[i], y = (float)g[i], z = (float)b[i];
        float v0 = m00 * x + m01 * y + m02 * z + m03 + 0.5f;
        float v1 = m10 * x + m11 * y + m12 * z + m13 + 0.5f;
        float v2 = m20 * x + m21 * y + m22 * z + m23 + 0.5f;
        v0 = v0 < 0.0f ? 0.0f : v0;
        v1 = v1 < 0.0f ? 0.0f : v1;
        v2 = v2 < 0.0f ? 0.0f : v2;
        v0 = v0 > 255.0f ? 255.0f : v0;
        v1 = v1 > 255.0f ? 255.0f : v1;
        v2 = v2 > 255.0f ? 255.0f : v2;
        t0[i] = (uint8_t)(int)v0, t1[i] = (uint8_t)(int)v1, t2[i] = (uint8_t)(int)v2;
    }
    memcpy(R->rgb[op->dst][0], t0, (size_t)n);
    memcpy(R->rgb[op->dst][1], t1, (size_t)n);
    memcpy(R->rgb[op->dst][2], t2, (size_t)n);
}

static void px_fill(const fl_px_op *op, fl_px_regs *R, ptrdiff_t n)
{
    for (int c = 0; c < 3; c++) memset(R->rgb[op->dst][c], op->color[c], (size_t)n);
}

/* pilgram's radial_gradient_mask: 255 (1 - (d / r - length) / (scale - length)),
 * d the distance to the centre and r to the farthest corner, clipped and rounded.
 * Computed in float (pilgram: float64), so a mask may differ by one level where
 * the exact value is within float rounding of a half. */
static void px_radial(const fl_px_op *op, fl_px_regs *R, ptrdiff_t n, ptrdiff_t y, ptrdiff_t x0, ptrdiff_t h,
                      ptrdiff_t w)
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
    const double xstep = w > 1 ? (right + left) / (double)(w - 1) : 0.0;
    const double ystep = h > 1 ? (bottom + top) / (double)(h - 1) : 0.0;
    const double yv = (double)y * ystep - top;
    /* v = A - B d: the mask before clipping, d in pixels */
    const float A = (float)(255.0 * (1.0 + length / base)), B = (float)(255.0 / (radius * base));
    const float yy = (float)(yv * yv), xs = (float)xstep, xl = (float)left;
    float dist[FL_PX_BLOCK];
    for (int i = 0; i < (int)n; i++) { /* int index: converts to float in SIMD */
        const float xv = (float)((int)x0 + i) * xs - xl;
        dist[i] = sqrtf(xv * xv + yy);
    }
    for (int i = 0; i < (int)n; i++) {
        float v = A - B * dist[i];
        v = v < 0.0f ? 0.0f : v;
        v = v > 255.0f ? 255.0f : v;
        d[i] = (uint8_t)(int)rintf(v); /* half to even, as numpy's round */
    }
}

static void px_linear(const fl_px_op *op, fl_px_regs *R, ptrdiff_t n, ptrdiff_t y, ptrdiff_t x0)
{
    const uint8_t row = op->lut[y];
    const uint8_t *col = op->lut2 + x0;
    uint8_t *d = R->mask[op->mask];
    for (ptrdiff_t i = 0; i < n; i++) d[i] = col[i] < row ? col[i] : row;
}

/* Pillow's Image.composite(a, b, mask): b pasted over by a through the mask. */
static void px_composite(const fl_px_op *op, fl_px_regs *R, ptrdiff_t n)
{
    const uint8_t *m = R->mask[op->mask];
    for (int c = 0; c < 3; c++) {
        const uint8_t *a = R->rgb[op->a][c], *b = R->rgb[op->b][c];
        uint8_t *d = R->rgb[op->dst][c];
        for (ptrdiff_t i = 0; i < n; i++) d[i] = (uint8_t)px_div255(b[i] * (255 - m[i]) + a[i] * m[i]);
    }
}

/* Pillow's Image.blend(a, b, alpha): a + alpha (b - a) in float, truncated. */
static void px_mix(const fl_px_op *op, fl_px_regs *R, ptrdiff_t n)
{
    const float alpha = op->m[0];
    for (int c = 0; c < 3; c++) {
        const uint8_t *a = R->rgb[op->a][c], *b = R->rgb[op->b][c];
        uint8_t *d = R->rgb[op->dst][c];
        for (ptrdiff_t i = 0; i < n; i++) {
            float v = (float)a[i] + alpha * (float)((int)b[i] - (int)a[i]);
            v = v < 0.0f ? 0.0f : v;
            v = v > 255.0f ? 255.0f : v;
            d[i] = (uint8_t)(int)v;
        }
    }
}

/* a b / 255 truncated (ImageChops.multiply), exact for a b <= 65025, no division */
static inline unsigned px_mul(unsigned a, unsigned b)
{
    const unsigned v = a * b;
    return (v + 1 + (v >> 8)) >> 8;
}

/* Pillow's hard light of backdrop b by source s (pilgram's LUT_2x and LUT_2x_1
 * never clip here: 2 s <= 254 below 128, 2 s - 255 >= 1 from 128). */
static inline unsigned px_hard_light(unsigned b, unsigned s)
{
    return s < 128 ? px_mul(b, 2 * s) : 255 - px_mul(255 - b, 510 - 2 * s);
}

/* dst[c] = B(a[c], b[c]): arithmetic for the blends that are, else the 256 x 256 table */
static void px_table2(const fl_px_op *op, fl_px_regs *R, ptrdiff_t n)
{
    const uint8_t *restrict table = op->lut; /* held in a register: the stores cannot move it */
    for (int c = 0; c < 3; c++) {
        const uint8_t *a = R->rgb[op->a][c], *b = R->rgb[op->b][c];
        uint8_t *d = R->rgb[op->dst][c];
        switch (op->mode) {
        case FL_PX_MULTIPLY:
            for (ptrdiff_t i = 0; i < n; i++) d[i] = (uint8_t)px_mul(a[i], b[i]);
            break;
        case FL_PX_SCREEN:
            for (ptrdiff_t i = 0; i < n; i++) d[i] = (uint8_t)(255 - px_mul(255 - a[i], 255 - b[i]));
            break;
        case FL_PX_OVERLAY: /* HardLight(Cs, Cb) */
            for (ptrdiff_t i = 0; i < n; i++) d[i] = (uint8_t)px_hard_light(b[i], a[i]);
            break;
        case FL_PX_HARD_LIGHT:
            for (ptrdiff_t i = 0; i < n; i++) d[i] = (uint8_t)px_hard_light(a[i], b[i]);
            break;
        default:
            for (ptrdiff_t i = 0; i < n; i++) d[i] = table[((unsigned)a[i] << 8) | b[i]];
        }
    }
}

/* Hue, saturation, color, luminosity; with a solid colour as the source, hue and
 * color read a table built once (see composite.c). Then the source alpha:
 * B a / 255 + Cb (255 - a) / 255, each term truncated like ImageChops.multiply. */
static void px_nonsep(const fl_px_op *op, const uint8_t *table, fl_px_regs *R, ptrdiff_t n)
{
    const uint8_t *br = R->rgb[op->a][0], *bg = R->rgb[op->a][1], *bb = R->rgb[op->a][2];
    const int constant = op->b < 0;
    const uint8_t *sr = R->rgb[constant ? op->a : op->b][0], *sg = R->rgb[constant ? op->a : op->b][1],
                  *sb = R->rgb[constant ? op->a : op->b][2];
    uint8_t *dr = R->rgb[op->dst][0], *dg = R->rgb[op->dst][1], *db = R->rgb[op->dst][2];
    const int alpha = op->alpha;
    for (ptrdiff_t i = 0; i < n; i++) {
        const int cb[3] = {br[i], bg[i], bb[i]};
        const int lum_b = fl_px_luma(cb[0], cb[1], cb[2]);
        uint8_t out[3];
        if (table && op->mode == FL_PX_HUE) {
            int hi = cb[0] > cb[1] ? cb[0] : cb[1], lo = cb[0] < cb[1] ? cb[0] : cb[1];
            hi = hi > cb[2] ? hi : cb[2], lo = lo < cb[2] ? lo : cb[2];
            memcpy(out, table + 3 * ((hi - lo) * 256 + lum_b), 3);
        } else if (table) {
            memcpy(out, table + 3 * lum_b, 3);
        } else {
            const int cs[3] = {constant ? op->color[0] : sr[i], constant ? op->color[1] : sg[i],
                               constant ? op->color[2] : sb[i]};
            fl_px_nonsep_pixel(op->mode, cb, cs, lum_b, fl_px_luma(cs[0], cs[1], cs[2]), out);
        }
        if (alpha < 255) {
            for (int k = 0; k < 3; k++) {
                int v = out[k] * alpha / 255 + cb[k] * (255 - alpha) / 255;
                out[k] = (uint8_t)(v > 255 ? 255 : v);
            }
        }
        dr[i] = out[0], dg[i] = out[1], db[i] = out[2];
    }
}

static void px_load(uint8_t planes[3][FL_PX_BLOCK], const uint8_t *p, int c, ptrdiff_t n)
{
    uint8_t *r = planes[0], *g = planes[1], *b = planes[2];
    if (c == 3) {
        for (ptrdiff_t i = 0; i < n; i++) r[i] = p[3 * i], g[i] = p[3 * i + 1], b[i] = p[3 * i + 2];
    } else {
        for (ptrdiff_t i = 0; i < n; i++) r[i] = p[4 * i], g[i] = p[4 * i + 1], b[i] = p[4 * i + 2];
    }
}

static void px_block(const fl_px_job *J, fl_px_regs *R, ptrdiff_t y, ptrdiff_t x0, ptrdiff_t n)
{
    const uint8_t *in = J->src + y * J->rs + x0 * J->c;
    px_load(R->rgb[0], in, J->c, n);
    if (J->src2) px_load(R->rgb[1], J->src2 + y * J->rs2 + x0 * J->c2, J->c2, n);
    for (int k = 0; k < J->nops; k++) { /* loop: the stages, in order */
        const fl_px_op *op = &J->ops[k];
        switch (op->op) {
        case FL_PX_LUT: px_lut(op, R, n); break;
        case FL_PX_MATRIX: px_matrix(op, R, n); break;
        case FL_PX_FILL: px_fill(op, R, n); break;
        case FL_PX_RADIAL: px_radial(op, R, n, y, x0, J->h, J->w); break;
        case FL_PX_LINEAR: px_linear(op, R, n, y, x0); break;
        case FL_PX_COMPOSITE: px_composite(op, R, n); break;
        case FL_PX_MIX: px_mix(op, R, n); break;
        case FL_PX_TABLE2: px_table2(op, R, n); break;
        default: px_nonsep(op, J->tables[k], R, n); break;
        }
    }
    uint8_t *o = J->dst + y * J->rd + x0 * J->c;
    const uint8_t *r = R->rgb[J->out][0], *g = R->rgb[J->out][1], *b = R->rgb[J->out][2];
    if (J->c == 4) {
        for (ptrdiff_t i = 0; i < n; i++)
            o[4 * i] = r[i], o[4 * i + 1] = g[i], o[4 * i + 2] = b[i], o[4 * i + 3] = in[4 * i + 3];
    } else {
        for (ptrdiff_t i = 0; i < n; i++) o[3 * i] = r[i], o[3 * i + 1] = g[i], o[3 * i + 2] = b[i];
    }
}

void FL_PX_ROWS(const fl_px_job *J, ptrdiff_t lo, ptrdiff_t hi)
{
    fl_px_regs R; /* about 26 KB: one per thread, on its stack */
    for (ptrdiff_t y = lo; y < hi; y++)                          /* loop: rows of this band */
        for (ptrdiff_t x0 = 0; x0 < J->w; x0 += FL_PX_BLOCK) /* loop: blocks of a row */
            px_block(J, &R, y, x0, J->w - x0 < FL_PX_BLOCK ? J->w - x0 : FL_PX_BLOCK);
}
