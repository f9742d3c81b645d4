/* vector_kernels.h: the contiguous vector kernels, written once over the SIMD
 * vocabulary (simd/simd_<isa>.h) and compiled once per ISA and dtype.
 * Several accumulators hide the latency of the fused multiply-add. */

/* sum_i x[i] y[i] */
FL_T FL_K(dot)(ptrdiff_t n, const FL_T *x, const FL_T *y)
{
    fl_v a0 = FL_VZERO(), a1 = FL_VZERO(), a2 = FL_VZERO(), a3 = FL_VZERO();
    ptrdiff_t i = 0;
    for (; i + 4 * FL_VLEN <= n; i += 4 * FL_VLEN) {
        a0 = FL_VFMA(FL_VLOADU(x + i), FL_VLOADU(y + i), a0);
        a1 = FL_VFMA(FL_VLOADU(x + i + FL_VLEN), FL_VLOADU(y + i + FL_VLEN), a1);
        a2 = FL_VFMA(FL_VLOADU(x + i + 2 * FL_VLEN), FL_VLOADU(y + i + 2 * FL_VLEN), a2);
        a3 = FL_VFMA(FL_VLOADU(x + i + 3 * FL_VLEN), FL_VLOADU(y + i + 3 * FL_VLEN), a3);
    }
    for (; i + FL_VLEN <= n; i += FL_VLEN) a0 = FL_VFMA(FL_VLOADU(x + i), FL_VLOADU(y + i), a0);
    FL_T s = FL_VHSUM(FL_VADD(FL_VADD(a0, a1), FL_VADD(a2, a3)));
    for (; i < n; i++) s += x[i] * y[i];
    return s;
}

/* sum_i x[i]^2, accumulated in double (float32 input cannot overflow there) */
double FL_K(sumsq)(ptrdiff_t n, const FL_T *x)
{
    fl_w a0 = FL_WZERO(), a1 = FL_WZERO(), a2 = FL_WZERO(), a3 = FL_WZERO();
    ptrdiff_t i = 0;
    for (; i + 4 * FL_WLEN <= n; i += 4 * FL_WLEN) {
        fl_w v0 = FL_WLOAD(x + i), v1 = FL_WLOAD(x + i + FL_WLEN);
        fl_w v2 = FL_WLOAD(x + i + 2 * FL_WLEN), v3 = FL_WLOAD(x + i + 3 * FL_WLEN);
        a0 = FL_WFMA(v0, v0, a0);
        a1 = FL_WFMA(v1, v1, a1);
        a2 = FL_WFMA(v2, v2, a2);
        a3 = FL_WFMA(v3, v3, a3);
    }
    for (; i + FL_WLEN <= n; i += FL_WLEN) {
        fl_w v = FL_WLOAD(x + i);
        a0 = FL_WFMA(v, v, a0);
    }
    double s = FL_WHSUM(FL_WADD(FL_WADD(a0, a1), FL_WADD(a2, a3)));
    for (; i < n; i++) s += (double)x[i] * (double)x[i];
    return s;
}

/* The j with s[j] > thr (NaN never is), in increasing order; returns the count. */
ptrdiff_t FL_K(scan_gt)(ptrdiff_t n, const FL_T *s, FL_T thr, int32_t *hits)
{
    ptrdiff_t count = 0, i = 0;
    fl_v t = FL_VSET1(thr);
    for (; i + FL_VLEN <= n; i += FL_VLEN) {
        unsigned mask = FL_VGT_MASK(FL_VLOADU(s + i), t);
        while (mask) {
            int j = fl_ctz(mask);
            hits[count++] = (int32_t)(i + j);
            mask &= mask - 1;
        }
    }
    for (; i < n; i++)
        if (s[i] > thr) hits[count++] = (int32_t)i;
    return count;
}

/* For each of nrows rows of C (row stride rs, each row contiguous, length d):
 * dots[r] = C_r . q and, when sq is not NULL, sq[r] = C_r . C_r (in FL_T: the
 * caller checks the range). One pass over the rows: the one-query search.
 * Four rows at a time, so their horizontal sums share the shuffles; a row's
 * last d mod FL_VLEN elements by a masked load, so short rows (audio features,
 * d = 12) stay vectorised. */
void FL_K(rows_dot)(ptrdiff_t nrows, ptrdiff_t d, const FL_T *C, ptrdiff_t rs, const FL_T *q,
                    FL_T *dots, FL_T *sq)
{
    ptrdiff_t r = 0;
    ptrdiff_t dv = d / FL_VLEN * FL_VLEN;
    for (; r + 4 <= nrows; r += 4) {
        const FL_T *c0 = C + r * rs, *c1 = c0 + rs, *c2 = c1 + rs, *c3 = c2 + rs;
        fl_v a0 = FL_VZERO(), a1 = FL_VZERO(), a2 = FL_VZERO(), a3 = FL_VZERO();
        fl_v s0 = FL_VZERO(), s1 = FL_VZERO(), s2 = FL_VZERO(), s3 = FL_VZERO();
/* one step over four rows: the loads (LOAD(p) reads p's next vector), then the
 * dot and, when asked, square accumulators */
#define FL_ROWS4_STEP(LOAD)                                                 \
    do {                                                                    \
        fl_v qv = LOAD(q), v0 = LOAD(c0), v1 = LOAD(c1);                     \
        fl_v v2 = LOAD(c2), v3 = LOAD(c3);                                   \
        a0 = FL_VFMA(v0, qv, a0), a1 = FL_VFMA(v1, qv, a1);                  \
        a2 = FL_VFMA(v2, qv, a2), a3 = FL_VFMA(v3, qv, a3);                  \
        if (sq) {                                                           \
            s0 = FL_VFMA(v0, v0, s0), s1 = FL_VFMA(v1, v1, s1);              \
            s2 = FL_VFMA(v2, v2, s2), s3 = FL_VFMA(v3, v3, s3);              \
        }                                                                   \
    } while (0)
#define FL_FULL(p) FL_VLOADU((p) + i)
#define FL_TAIL(p) FL_VLOADU_PART((p) + dv, d - dv)
        for (ptrdiff_t i = 0; i < dv; i += FL_VLEN) FL_ROWS4_STEP(FL_FULL);
        if (d > dv) FL_ROWS4_STEP(FL_TAIL); /* the last d - dv < FL_VLEN elements, masked */
#undef FL_FULL
#undef FL_TAIL
#undef FL_ROWS4_STEP
        FL_T dt[4], st[4] = {0, 0, 0, 0};
        FL_VHSUM4(a0, a1, a2, a3, dt);
        if (sq) FL_VHSUM4(s0, s1, s2, s3, st);
        for (int j = 0; j < 4; j++) {
            dots[r + j] = dt[j];
            if (sq) sq[r + j] = st[j];
        }
    }
    for (; r < nrows; r++) {
        const FL_T *c = C + r * rs;
        fl_v a = FL_VZERO(), s2 = FL_VZERO();
        for (ptrdiff_t i = 0; i < dv; i += FL_VLEN) {
            fl_v v = FL_VLOADU(c + i);
            a = FL_VFMA(v, FL_VLOADU(q + i), a);
            s2 = FL_VFMA(v, v, s2);
        }
        if (d > dv) {
            fl_v v = FL_VLOADU_PART(c + dv, d - dv);
            a = FL_VFMA(v, FL_VLOADU_PART(q + dv, d - dv), a);
            s2 = FL_VFMA(v, v, s2);
        }
        FL_T dt = FL_VHSUM(a), st = FL_VHSUM(s2);
        dots[r] = dt;
        if (sq) sq[r] = st;
    }
}
