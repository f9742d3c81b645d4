/* image.c: uint8 image kernels, ISA-free: the colour matrix, 2-D and separable
 * correlation with reflect-101 borders, and the bilinear affine warp.
 *
 * Rows are shared out between threads. Each thread keeps a ring of the input
 * rows its output rows need, widened to int16 and padded left and right, so the
 * inner loops never test for a border. The inner loops are the row kernels of
 * image_kernels.h: a SIMD one where the path has it, then the generic loops
 * below for what is left, with the same integer arithmetic. */
#include "image.h"

#include "../internal.h"
#include "image_kernels.h"

#include <math.h>
#include <string.h>

#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__) || defined(_M_IX86)
#define FL_IMAGE_X86 1
#endif

#if defined(_MSC_VER) && !defined(__clang__)
#define FL_IMAGE_INLINE __forceinline
#else
#define FL_IMAGE_INLINE inline __attribute__((always_inline))
#endif

static inline uint8_t sat_u8(int32_t v) { return (uint8_t)(v < 0 ? 0 : (v > 255 ? 255 : v)); }

static inline int16_t sat_i16(int32_t v)
{
    return (int16_t)(v < -32768 ? -32768 : (v > 32767 ? 32767 : v));
}

/* p reflected into [0, n) without repeating the edge (OpenCV's BORDER_REFLECT_101):
 * the reflections repeat with period 2n - 2, which also covers kernels wider
 * than the image. */
static ptrdiff_t reflect101(ptrdiff_t p, ptrdiff_t n)
{
    if (n == 1) return 0;
    ptrdiff_t period = 2 * n - 2;
    p %= period;
    if (p < 0) p += period;
    return p < n ? p : period - p;
}

/* ---- the per-ISA row kernels in use ------------------------------------------ */

typedef struct {
    fl_cmat_rows_fn cmat3, cmat4;
    fl_warp_row_fn warp;
    fl_conv_row_fn conv;
    fl_hpass_row_fn hpass;
    fl_vpass_row_fn vpass;
} row_kernels;

static row_kernels kernels_in_use(void)
{
    row_kernels k = {NULL, NULL, NULL, NULL, NULL, NULL};
#ifdef FL_IMAGE_X86
    fl_isa isa = fl_get_isa();
    if (isa >= FL_ISA_AVX2) k.warp = fl_image_warp_row_avx2; /* no 512-bit version */
    if (fl_avx512bw_in_use()) { /* the 512-bit rows need AVX-512BW on top of AVX-512F */
        k.cmat3 = fl_image_cmat3_rows_avx512;
        k.cmat4 = fl_image_cmat4_rows_avx512;
        k.conv = fl_image_conv_row_avx512;
        k.hpass = fl_image_hpass_row_avx512;
        k.vpass = fl_image_vpass_row_avx512;
    } else if (isa >= FL_ISA_AVX2) {
        k.cmat3 = fl_image_cmat3_rows_avx2;
        k.cmat4 = fl_image_cmat4_rows_avx2;
        k.conv = fl_image_conv_row_avx2;
        k.hpass = fl_image_hpass_row_avx2;
        k.vpass = fl_image_vpass_row_avx2;
    }
#endif
    return k;
}

static int threads_for_rows(ptrdiff_t h, double work_per_row)
{
    int nt = fl_threads_for(work_per_row * (double)h, 2.0e5);
    return nt > h ? (int)(h > 0 ? h : 1) : nt;
}

/* ---- colour matrix ------------------------------------------------------------ */

typedef struct {
    ptrdiff_t h, w;
    int c;
    const uint8_t *src;
    ptrdiff_t rs;
    uint8_t *dst;
    ptrdiff_t rd;
    const int32_t *q;
    int simd; /* the matrix fits the SIMD kernel's int16 weights */
    row_kernels k;
} cmat_job;

static void cmat_rows(void *ctx, int tid, int nt)
{
    const cmat_job *j = (const cmat_job *)ctx;
    const int32_t *q = j->q;
    ptrdiff_t y0, y1;
    fl_split(j->h, 1, tid, nt, &y0, &y1);
    fl_cmat_rows_fn rows = j->c == 3 ? j->k.cmat3 : j->k.cmat4;
    ptrdiff_t done = 0; /* pixels of each row done by the SIMD rows */
    if (j->simd && rows && y1 > y0)
        done = rows(y1 - y0, j->w, j->src + y0 * j->rs, j->rs, j->dst + y0 * j->rd, j->rd, q);
    for (ptrdiff_t y = y0; y < y1; y++) { /* loop: rows of this thread */
        const uint8_t *s = j->src + y * j->rs;
        uint8_t *d = j->dst + y * j->rd;
        for (ptrdiff_t x = done; x < j->w; x++) { /* loop: pixels left */
            const uint8_t *p = s + x * j->c;
            uint8_t *o = d + x * j->c;
            int32_t v0 = p[0], v1 = p[1], v2 = p[2];
            for (int k = 0; k < 3; k++)
                o[k] = sat_u8((q[4 * k] * v0 + q[4 * k + 1] * v1 + q[4 * k + 2] * v2 + q[4 * k + 3] + 512) >> 10);
            if (j->c == 4) o[3] = p[3];
        }
    }
}

int fl_image_color_matrix_u8(ptrdiff_t h, ptrdiff_t w, int c, const uint8_t *src, ptrdiff_t rs,
                             uint8_t *dst, ptrdiff_t rd, const int32_t q[12])
{
    if (h < 0 || w < 0 || (c != 3 && c != 4) || rs < w * c || rd < w * c) return FL_EINVAL;
    int simd = 1;
    for (int k = 0; k < 3; k++) {
        for (int i = 0; i < 3; i++) {
            int32_t v = q[4 * k + i];
            if (v < -(1 << 18) || v > (1 << 18)) return FL_EINVAL;
            if (v < -32768 || v > 32767) simd = 0;
        }
        if (q[4 * k + 3] < -(1 << 26) || q[4 * k + 3] > (1 << 26)) return FL_EINVAL;
    }
    if (h == 0 || w == 0) return FL_OK;
    cmat_job job = {h, w, c, src, rs, dst, rd, q, simd, kernels_in_use()};
    fl_parallel(cmat_rows, &job, threads_for_rows(h, 4.0 * (double)w));
    return FL_OK;
}

/* ---- generic row kernels of the correlation -------------------------------------- */

/* Weight of tap j in kernel row i, from the packed pairs. */
static inline int32_t tap(const int32_t *qp, int pairs, int i, int j)
{
    int32_t pair = qp[i * pairs + j / 2];
    return (j & 1) ? (pair >> 16) : (int32_t)(int16_t)(pair & 0xffff);
}

static void conv_row_generic(ptrdiff_t e0, ptrdiff_t n, int kh, const int16_t *const *rows, int kw,
                             ptrdiff_t step, const int32_t *qp, int shift, uint8_t *out)
{
    int pairs = (kw + 1) / 2;
    int32_t half = shift > 0 ? (int32_t)1 << (shift - 1) : 0;
    for (ptrdiff_t e = e0; e < n; e++) {
        int32_t acc = half;
        for (int i = 0; i < kh; i++)
            for (int j = 0; j < kw; j++) acc += tap(qp, pairs, i, j) * rows[i][e + j * step];
        out[e] = sat_u8(acc >> shift);
    }
}

static void hpass_row_generic(ptrdiff_t e0, ptrdiff_t n, const int16_t *row, int kw, ptrdiff_t step,
                              const int32_t *qp, int shift, int16_t *out)
{
    int pairs = (kw + 1) / 2;
    int32_t half = shift > 0 ? (int32_t)1 << (shift - 1) : 0;
    for (ptrdiff_t e = e0; e < n; e++) {
        int32_t acc = half;
        for (int j = 0; j < kw; j++) acc += tap(qp, pairs, 0, j) * row[e + j * step];
        out[e] = sat_i16(acc >> shift);
    }
}

static void vpass_row_generic(ptrdiff_t e0, ptrdiff_t n, int kh, const int16_t *const *rows,
                              const int32_t *qp, int shift, uint8_t *out)
{
    int32_t half = shift > 0 ? (int32_t)1 << (shift - 1) : 0;
    for (ptrdiff_t e = e0; e < n; e++) {
        int32_t acc = half;
        for (int i = 0; i < kh; i++) acc += tap(qp, (kh + 1) / 2, 0, i) * rows[i][e];
        out[e] = sat_u8(acc >> shift);
    }
}

/* Weights packed in pairs, rows of (k+1)/2 int32 (an odd k gets a zero partner). */
static void pack_pairs(int rows, int k, const int16_t *q, int32_t *qp)
{
    int pairs = (k + 1) / 2;
    for (int i = 0; i < rows; i++)
        for (int p = 0; p < pairs; p++) {
            int16_t lo = q[i * k + 2 * p];
            int16_t hi = 2 * p + 1 < k ? q[i * k + 2 * p + 1] : 0;
            qp[i * pairs + p] = (int32_t)((uint32_t)(uint16_t)lo | ((uint32_t)(uint16_t)hi << 16));
        }
}

/* Input row sy widened to int16 with r pixels of reflect-101 padding each side
 * and zeros after (what the SIMD loads read past the last tap). */
static void widen_row(const uint8_t *src, ptrdiff_t w, int c, int r, ptrdiff_t len, int16_t *out)
{
    ptrdiff_t t = 0;
    for (; t < r; t++) {
        const uint8_t *p = src + reflect101(t - r, w) * c;
        for (int ch = 0; ch < c; ch++) out[t * c + ch] = p[ch];
    }
    for (ptrdiff_t e = 0; e < w * c; e++) out[r * c + e] = src[e];
    for (t = r + w; t < w + 2 * r; t++) {
        const uint8_t *p = src + reflect101(t - r, w) * c;
        for (int ch = 0; ch < c; ch++) out[t * c + ch] = p[ch];
    }
    for (ptrdiff_t e = (w + 2 * (ptrdiff_t)r) * c; e < len; e++) out[e] = 0;
}

/* ---- 2-D correlation --------------------------------------------------------------- */

typedef struct {
    ptrdiff_t h, w;
    int c;
    const uint8_t *src;
    ptrdiff_t rs;
    uint8_t *dst;
    ptrdiff_t rd;
    int kh, kw, shift;
    const int32_t *qp;
    int16_t *work;      /* per thread: kh rows of len int16 */
    ptrdiff_t len;
    ptrdiff_t *held;    /* per thread: which virtual row each ring slot holds */
    const int16_t **ptrs; /* per thread: kh + 1 row pointers */
    row_kernels k;
} conv_job;

/* The ring slot holding virtual input row t (any integer; reflected when read). */
static const int16_t *ring_row(const conv_job *j, int16_t *ring, ptrdiff_t *held, ptrdiff_t t)
{
    int slot = (int)(((t % j->kh) + j->kh) % j->kh);
    int16_t *row = ring + slot * j->len;
    if (held[slot] != t) {
        const uint8_t *s = j->src + reflect101(t, j->h) * j->rs;
        widen_row(s, j->w, j->c, j->kw / 2, j->len, row);
        held[slot] = t;
    }
    return row;
}

static void conv_rows(void *ctx, int tid, int nt)
{
    const conv_job *j = (const conv_job *)ctx;
    int16_t *ring = j->work + (ptrdiff_t)tid * j->kh * j->len;
    ptrdiff_t *held = j->held + (ptrdiff_t)tid * j->kh;
    const int16_t **rows = j->ptrs + (ptrdiff_t)tid * (j->kh + 1);
    ptrdiff_t n = j->w * j->c, y0, y1;
    int r = j->kh / 2;
    for (int i = 0; i < j->kh; i++) held[i] = PTRDIFF_MIN;
    fl_split(j->h, 1, tid, nt, &y0, &y1);
    for (ptrdiff_t y = y0; y < y1; y++) { /* loop: output rows of this thread */
        for (int i = 0; i < j->kh; i++) rows[i] = ring_row(j, ring, held, y + i - r);
        uint8_t *out = j->dst + y * j->rd;
        ptrdiff_t e = j->k.conv ? j->k.conv(n, j->kh, rows, j->kw, j->c, j->qp, j->shift, out) : 0;
        conv_row_generic(e, n, j->kh, rows, j->kw, j->c, j->qp, j->shift, out);
    }
}

int fl_image_convolve_u8(ptrdiff_t h, ptrdiff_t w, int c, const uint8_t *src, ptrdiff_t rs,
                         uint8_t *dst, ptrdiff_t rd, int kh, int kw, const int16_t *q, int shift)
{
    if (h < 0 || w < 0 || c < 1 || rs < w * c || rd < w * c) return FL_EINVAL;
    if (kh < 1 || kw < 1 || kh % 2 == 0 || kw % 2 == 0 || kh > 4095 || kw > 4095) return FL_EINVAL;
    if (shift < 0 || shift > 30) return FL_EINVAL;
    double total = 0;
    for (ptrdiff_t i = 0; i < (ptrdiff_t)kh * kw; i++) total += q[i] < 0 ? -(double)q[i] : q[i];
    if (255.0 * total + (double)(1u << shift) >= 2147483648.0) return FL_EINVAL;
    if (h == 0 || w == 0) return FL_OK;

    int pairs = (kw + 1) / 2;
    ptrdiff_t len = (w + kw) * (ptrdiff_t)c + 64;
    int nt = threads_for_rows(h, (double)w * c * kh * kw);
    int32_t *qp = fl_malloc(sizeof(int32_t) * (size_t)kh * pairs);
    int16_t *work = fl_malloc(sizeof(int16_t) * (size_t)nt * kh * len);
    ptrdiff_t *held = fl_malloc(sizeof(ptrdiff_t) * (size_t)nt * kh);
    const int16_t **ptrs = fl_malloc(sizeof(int16_t *) * (size_t)nt * (kh + 1));
    int status = FL_OK;
    if (!qp || !work || !held || !ptrs) {
        status = FL_ENOMEM;
    } else {
        pack_pairs(kh, kw, q, qp);
        conv_job job = {h, w, c, src, rs, dst, rd, kh, kw, shift, qp, work, len, held, ptrs,
                        kernels_in_use()};
        fl_parallel(conv_rows, &job, nt);
    }
    fl_free(qp);
    fl_free(work);
    fl_free(held);
    fl_free((void *)ptrs);
    return status;
}

/* ---- separable correlation ----------------------------------------------------------- */

typedef struct {
    ptrdiff_t h, w;
    int c;
    const uint8_t *src;
    ptrdiff_t rs;
    uint8_t *dst;
    ptrdiff_t rd;
    int kh, kw, hshift, vshift;
    const int32_t *qpx, *qpy;
    int16_t *work;      /* per thread: one widened row (len) + kh rows of nlen int16 */
    ptrdiff_t len, nlen;
    ptrdiff_t *held;
    const int16_t **ptrs;
    row_kernels k;
} sep_job;

static void sep_rows(void *ctx, int tid, int nt)
{
    const sep_job *j = (const sep_job *)ctx;
    int16_t *wide = j->work + (ptrdiff_t)tid * (j->len + (ptrdiff_t)j->kh * j->nlen);
    int16_t *ring = wide + j->len;
    ptrdiff_t *held = j->held + (ptrdiff_t)tid * j->kh;
    const int16_t **rows = j->ptrs + (ptrdiff_t)tid * (j->kh + 1);
    ptrdiff_t n = j->w * j->c, y0, y1;
    int r = j->kh / 2;
    for (int i = 0; i < j->kh; i++) held[i] = PTRDIFF_MIN;
    fl_split(j->h, 1, tid, nt, &y0, &y1);
    for (ptrdiff_t y = y0; y < y1; y++) { /* loop: output rows of this thread */
        for (int i = 0; i < j->kh; i++) {  /* loop: the kh input rows, through the ring */
            ptrdiff_t t = y + i - r;
            int slot = (int)(((t % j->kh) + j->kh) % j->kh);
            int16_t *row = ring + slot * j->nlen;
            if (held[slot] != t) {
                widen_row(j->src + reflect101(t, j->h) * j->rs, j->w, j->c, j->kw / 2, j->len, wide);
                ptrdiff_t e = j->k.hpass ? j->k.hpass(n, wide, j->kw, j->c, j->qpx, j->hshift, row) : 0;
                hpass_row_generic(e, n, wide, j->kw, j->c, j->qpx, j->hshift, row);
                held[slot] = t;
            }
            rows[i] = row;
        }
        rows[j->kh] = rows[0]; /* weighted 0: completes the last pair */
        uint8_t *out = j->dst + y * j->rd;
        ptrdiff_t e = j->k.vpass ? j->k.vpass(n, j->kh, rows, j->qpy, j->vshift, out) : 0;
        vpass_row_generic(e, n, j->kh, rows, j->qpy, j->vshift, out);
    }
}

int fl_image_convolve_sep_u8(ptrdiff_t h, ptrdiff_t w, int c, const uint8_t *src, ptrdiff_t rs,
                             uint8_t *dst, ptrdiff_t rd, int kh, const int16_t *qy, int sy,
                             int kw, const int16_t *qx, int sx, int mid)
{
    if (h < 0 || w < 0 || c < 1 || rs < w * c || rd < w * c) return FL_EINVAL;
    if (kh < 1 || kw < 1 || kh % 2 == 0 || kw % 2 == 0 || kh > 4095 || kw > 4095) return FL_EINVAL;
    if (mid < 0 || sx <= mid || sx > 30 || sy < 0 || sy + mid > 30) return FL_EINVAL;
    double sumx = 0, sumy = 0;
    for (int i = 0; i < kw; i++) sumx += qx[i] < 0 ? -(double)qx[i] : qx[i];
    for (int i = 0; i < kh; i++) sumy += qy[i] < 0 ? -(double)qy[i] : qy[i];
    /* the rounded horizontal result must fit int16, the vertical sum int32 */
    if ((255.0 * sumx + (double)(1u << (sx - mid - 1))) / (double)(1u << (sx - mid)) >= 32767.0) return FL_EINVAL;
    if (32767.0 * sumy + (double)(1u << (sy + mid)) >= 2147483648.0) return FL_EINVAL;
    if (h == 0 || w == 0) return FL_OK;

    ptrdiff_t len = (w + kw) * (ptrdiff_t)c + 64, nlen = w * (ptrdiff_t)c + 64;
    int nt = threads_for_rows(h, (double)w * c * (kh + kw));
    int32_t *qpx = fl_malloc(sizeof(int32_t) * (size_t)((kw + 1) / 2));
    int32_t *qpy = fl_malloc(sizeof(int32_t) * (size_t)((kh + 1) / 2));
    int16_t *work = fl_malloc(sizeof(int16_t) * (size_t)nt * (len + (ptrdiff_t)kh * nlen));
    ptrdiff_t *held = fl_malloc(sizeof(ptrdiff_t) * (size_t)nt * kh);
    const int16_t **ptrs = fl_malloc(sizeof(int16_t *) * (size_t)nt * (kh + 1));
    int status = FL_OK;
    if (!qpx || !qpy || !work || !held || !ptrs) {
        status = FL_ENOMEM;
    } else {
        pack_pairs(1, kw, qx, qpx);
        pack_pairs(1, kh, qy, qpy);
        sep_job job = {h, w, c, src, rs, dst, rd, kh, kw, sx - mid, sy + mid, qpx, qpy,
                       work, len, nlen, held, ptrs, kernels_in_use()};
        fl_parallel(sep_rows, &job, nt);
    }
    fl_free(qpx);
    fl_free(qpy);
    fl_free(work);
    fl_free(held);
    fl_free((void *)ptrs);
    return status;
}

/* ---- affine warp ------------------------------------------------------------------- */

typedef struct {
    ptrdiff_t h, w;
    int c;
    const uint8_t *src;
    ptrdiff_t rs;
    ptrdiff_t oh, ow;
    uint8_t *dst;
    ptrdiff_t rd;
    const double *inv;
    fl_warp_row_fn simd;
} warp_job;

/* Input pixel (x, y), channel ch, or 0 outside the image. */
static inline int32_t pixel_or_zero(const warp_job *j, int64_t x, int64_t y, int ch)
{
    if (x < 0 || y < 0 || x >= j->w || y >= j->h) return 0;
    return j->src[y * j->rs + x * j->c + ch];
}

/* Positions are int64 with 32 fractional bits, stepped along a row (the error
 * after 32767 steps stays below 2^-17 pixel); the blend weights use the
 * fraction rounded to 1/1024 pixel, (1024 - fx)(1024 - fy) and so on, so the
 * sum of four weighted pixels fits int32 and is exact. */
enum { POS_BITS = 32, FRAC_BITS = 10, FRAC_ONE = 1 << FRAC_BITS };

static inline int64_t to_pos(double v) { return (int64_t)llrint(v * 4294967296.0); }

/* Output pixel o from the input point (X, Y) (32 fractional bits, already
 * offset by half of the last fraction step so that the shifts round). */
static FL_IMAGE_INLINE void warp_pixel(const warp_job *j, int64_t X, int64_t Y, uint8_t *o, const int c)
{
    const int32_t half = 1 << (2 * FRAC_BITS - 1);
    int64_t ix = X >> POS_BITS, iy = Y >> POS_BITS; /* floor */
    int32_t fx = (int32_t)((X >> (POS_BITS - FRAC_BITS)) & (FRAC_ONE - 1));
    int32_t fy = (int32_t)((Y >> (POS_BITS - FRAC_BITS)) & (FRAC_ONE - 1));
    int32_t w00 = (FRAC_ONE - fx) * (FRAC_ONE - fy), w01 = fx * (FRAC_ONE - fy);
    int32_t w10 = (FRAC_ONE - fx) * fy, w11 = fx * fy;
    if (ix >= 0 && iy >= 0 && ix + 1 < j->w && iy + 1 < j->h) {
        const uint8_t *p = j->src + iy * j->rs + ix * c, *q = p + j->rs;
        for (int ch = 0; ch < c; ch++)
            o[ch] = (uint8_t)((p[ch] * w00 + p[ch + c] * w01 + q[ch] * w10 + q[ch + c] * w11 + half) >>
                              (2 * FRAC_BITS));
    } else if (ix < -1 || iy < -1 || ix >= j->w || iy >= j->h) {
        for (int ch = 0; ch < c; ch++) o[ch] = 0; /* all four neighbours outside */
    } else { /* on the edge: neighbours outside read as 0 */
        for (int ch = 0; ch < c; ch++)
            o[ch] = (uint8_t)((pixel_or_zero(j, ix, iy, ch) * w00 + pixel_or_zero(j, ix + 1, iy, ch) * w01 +
                               pixel_or_zero(j, ix, iy + 1, ch) * w10 +
                               pixel_or_zero(j, ix + 1, iy + 1, ch) * w11 + half) >> (2 * FRAC_BITS));
    }
}

/* Output pixels [xb, xe) of row y. */
static void warp_span(const warp_job *j, ptrdiff_t y, ptrdiff_t xb, ptrdiff_t xe)
{
    const double *M = j->inv;
    const int c = j->c;
    const int64_t dx = to_pos(M[0]), dy = to_pos(M[3]);
    const int64_t round_frac = (int64_t)1 << (POS_BITS - FRAC_BITS - 1);
    const double safe = 1073741824.0; /* 2^30 pixels: positions stay far inside int64 */
    double bx = M[1] * (double)y + M[2], by = M[4] * (double)y + M[5];
    double ex = M[0] * (double)(j->ow - 1) + bx, ey = M[3] * (double)(j->ow - 1) + by;
    uint8_t *o = j->dst + y * j->rd;
    if (fabs(bx) < safe && fabs(by) < safe && fabs(ex) < safe && fabs(ey) < safe) {
        /* positions stepped from the row's start: the same integers for any span */
        int64_t X = to_pos(bx) + round_frac, Y = to_pos(by) + round_frac;
        ptrdiff_t x = xb;
        if (j->simd && (c == 3 || c == 4)) {
            while (x < xe) { /* loop: SIMD groups where all neighbours are inside, else 8 pixels alone */
                ptrdiff_t done = j->simd(j->src, j->rs, j->w, j->h, c, x, xe, X, Y, dx, dy, o);
                ptrdiff_t stop = done + 8 < xe ? done + 8 : xe;
                for (x = done; x < stop; x++) warp_pixel(j, X + x * dx, Y + x * dy, o + x * c, c);
            }
        } else if (c == 3) { /* loop: output pixels, the channel count a constant */
            for (; x < xe; x++) warp_pixel(j, X + x * dx, Y + x * dy, o + x * 3, 3);
        } else if (c == 4) {
            for (; x < xe; x++) warp_pixel(j, X + x * dx, Y + x * dy, o + x * 4, 4);
        } else {
            for (; x < xe; x++) warp_pixel(j, X + x * dx, Y + x * dy, o + x * c, c);
        }
    } else { /* a row that runs far outside: each position on its own, in double first */
        for (ptrdiff_t x = xb; x < xe; x++) { /* loop: output pixels */
            double sx = M[0] * (double)x + bx, sy = M[3] * (double)x + by;
            if (sx > -2.0 && sy > -2.0 && sx < (double)j->w + 1 && sy < (double)j->h + 1)
                warp_pixel(j, to_pos(sx) + round_frac, to_pos(sy) + round_frac, o + x * c, c);
            else
                for (int ch = 0; ch < c; ch++) o[x * c + ch] = 0;
        }
    }
}

/* Output columns are done in strips, all of this thread's rows one strip at a
 * time: a strip's rows read a band of the input that slides down with them and
 * stays in cache, where whole rows of a rotation would sweep across hundreds of
 * input rows each. */
#ifndef FL_WARP_STRIP
#define FL_WARP_STRIP 128 /* output pixels a strip */
#endif

static void warp_rows(void *ctx, int tid, int nt)
{
    const warp_job *j = (const warp_job *)ctx;
    ptrdiff_t y0, y1;
    fl_split(j->oh, 1, tid, nt, &y0, &y1);
    for (ptrdiff_t xb = 0; xb < j->ow; xb += FL_WARP_STRIP) {   /* loop: column strips */
        ptrdiff_t xe = xb + FL_WARP_STRIP < j->ow ? xb + FL_WARP_STRIP : j->ow;
        for (ptrdiff_t y = y0; y < y1; y++) warp_span(j, y, xb, xe); /* loop: rows */
    }
}

int fl_image_warp_affine_u8(ptrdiff_t h, ptrdiff_t w, int c, const uint8_t *src, ptrdiff_t rs,
                            ptrdiff_t oh, ptrdiff_t ow, uint8_t *dst, ptrdiff_t rd,
                            const double inv[6])
{
    if (h < 0 || w < 0 || oh < 0 || ow < 0 || c < 1 || rs < w * c || rd < ow * c) return FL_EINVAL;
    for (int i = 0; i < 6; i++) /* finite, and positions within int64 with 32 fraction bits */
        if (!(inv[i] - inv[i] == 0) || inv[i] > 1e8 || inv[i] < -1e8) return FL_EINVAL;
    if (h > INT32_MAX || w > INT32_MAX || oh > INT32_MAX || ow > INT32_MAX) return FL_EINVAL;
    if (oh == 0 || ow == 0) return FL_OK;
    if (h == 0 || w == 0) {
        for (ptrdiff_t y = 0; y < oh; y++) memset(dst + y * rd, 0, (size_t)(ow * c));
        return FL_OK;
    }
    warp_job job = {h, w, c, src, rs, oh, ow, dst, rd, inv, kernels_in_use().warp};
    fl_parallel(warp_rows, &job, threads_for_rows(oh, 12.0 * (double)ow));
    return FL_OK;
}
