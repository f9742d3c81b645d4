/* jacobi_kernel.h: sweeps of scalar Jacobi rotations on a small symmetric block,
 * written once and compiled per ISA and dtype (plain loops the compiler
 * vectorises with that ISA's registers).
 *
 * S is row-major, full symmetric storage. The pair (p, q) is rotated when
 *     |s_pq| > tol * sqrt|s_pp| * sqrt|s_qq|
 * by the rotation that zeroes s_pq (Rutishauser's formulas). The new s_pq is
 * stored as an exact zero: an entry only grows back through later rotations of
 * its row, so entries that belong to tiny eigenvalues stay tiny (recomputing
 * s_pq from other data would add rounding noise of size eps |S| and rotations
 * would never stop on rank-deficient input). Rows p and q of Qt get the same
 * rotation unless Qt is NULL. Both sweeps return the number of rotations.
 *
 * jacobi_sweep visits every pair p < q of an m x m block, one at a time.
 * jacobi_pairs visits the pairs between two blocks of FL_JACOBI_BLOCK indices
 * (S and Qt are 2 FL_JACOBI_BLOCK square) in rounds of disjoint pairs, so that
 * each step is a vector loop. */
#include <math.h>
#include <string.h>

/* a * b + c in one rounding where the ISA has FMA: the rotations below are then
 * two instructions an entry, not three. (ISO C mode contracts nothing by
 * itself; without FMA it is a product and a sum, as before.) */
#if defined(__FMA__) && FL_F32
#define FL_KFMA(a, b, c) fmaf((a), (b), (c))
#elif defined(__FMA__)
#define FL_KFMA(a, b, c) fma((a), (b), (c))
#else
#define FL_KFMA(a, b, c) ((a) * (b) + (c))
#endif

static FL_ALWAYS_INLINE void FL_K(rot_rows)(ptrdiff_t n, FL_T *restrict x, FL_T *restrict y, FL_T c, FL_T s)
{
    for (ptrdiff_t k = 0; k < n; k++) {
        FL_T a = x[k], b = y[k];
        x[k] = FL_KFMA(c, a, -(s * b));
        y[k] = FL_KFMA(s, a, c * b);
    }
}

/* tan of the angle that zeroes s_pq: the smaller root of t^2 + 2 t theta - 1 = 0.
 * Both forms are computed and one is picked, so that a loop of these has no
 * branch and vectorises (a division under a condition is not speculated). */
static FL_ALWAYS_INLINE double FL_K(jacobi_tan)(double app, double aqq, double apq)
{
    const double theta = (aqq - app) / (2.0 * apq);
    const double huge = 0.5 / theta, usual = (theta >= 0 ? 1.0 : -1.0) / (fabs(theta) + sqrt(1.0 + theta * theta));
    return fabs(theta) > 1e150 ? huge : usual;
}

/* The rotation test and the tangent of both sweeps. float32 entries,
 * worked in double, can neither overflow nor underflow when squared (their
 * squares lie between 2^-300 and 2^256): the test compares squares, and the
 * tangent is Rutishauser's multiplied through by 2 s_pq,
 *     t = sign(d) 2 s_pq / (|d| + sqrt(d^2 + 4 s_pq^2)),   d = s_qq - s_pp,
 * two divisions and two square roots a pair fewer: the slowest operations, on
 * the vector units and in the one-pair-at-a-time chain alike. float64 entries
 * keep the forms above. */
static FL_ALWAYS_INLINE int FL_K(jacobi_rotates)(double app, double aqq, double apq, double tol)
{
#if FL_F32
    return apq * apq > tol * tol * fabs(app * aqq);
#else
    return fabs(apq) > tol * sqrt(fabs(app)) * sqrt(fabs(aqq));
#endif
}

static FL_ALWAYS_INLINE double FL_K(jacobi_tan_of_pair)(double app, double aqq, double apq)
{
#if FL_F32
    const double d = aqq - app;
    return (d >= 0 ? 2.0 : -2.0) * apq / (fabs(d) + sqrt(d * d + 4.0 * apq * apq));
#else
    return FL_K(jacobi_tan)(app, aqq, apq);
#endif
}

long FL_K(jacobi_sweep)(ptrdiff_t m, FL_T *S, FL_T *Qt, double tol)
{
    long rotations = 0;
    for (ptrdiff_t p = 0; p < m - 1; p++) {
        for (ptrdiff_t q = p + 1; q < m; q++) {
            FL_T *Sp = S + p * m, *Sq = S + q * m;
            double apq = Sp[q], app = Sp[p], aqq = Sq[q];
            if (!FL_K(jacobi_rotates)(app, aqq, apq, tol)) continue;
            double t = FL_K(jacobi_tan_of_pair)(app, aqq, apq);
            double c = 1.0 / sqrt(1.0 + t * t), s = t * c;
            FL_K(rot_rows)(m, Sp, Sq, (FL_T)c, (FL_T)s);
            for (ptrdiff_t k = 0; k < m; k++) { /* columns p and q, by symmetry */
                S[k * m + p] = Sp[k];
                S[k * m + q] = Sq[k];
            }
            Sp[p] = (FL_T)(app - t * apq);
            Sq[q] = (FL_T)(aqq + t * apq);
            Sp[q] = Sq[p] = 0;
            if (Qt) FL_K(rot_rows)(m, Qt + p * m, Qt + q * m, (FL_T)c, (FL_T)s);
            rotations++;
        }
    }
    return rotations;
}

#define FL_JB FL_JACOBI_BLOCK
#define FL_JM (2 * FL_JACOBI_BLOCK)
_Static_assert((FL_JB & (FL_JB - 1)) == 0, "jacobi_pairs takes indices mod FL_JACOBI_BLOCK as masks");

/* Block J's columns of S move d places to the left, cyclically: from Y, which
 * holds each row's FL_JB entries twice over (row k of J's new columns is
 * Y[k][d .. d + FL_JB)). Y is filled in a pass of its own before it is read:
 * an unaligned load of what was just stored would wait for the store. */
static FL_ALWAYS_INLINE void FL_K(jacobi_shift_columns)(FL_T *restrict S, FL_T (*restrict Y)[2 * FL_JB], int d)
{
    for (int k = 0; k < FL_JM; k++) memcpy(S + k * FL_JM + FL_JB, Y[k] + d, FL_JB * sizeof(FL_T));
}

/* Rows xp and xq of S (FL_JM long) rotated by (ci, si) as a pair, and then
 * each by the columns' rotations (c, s: entry j with FL_JB + j), in one pass;
 * the new J part goes to yp and yq (jacobi_shift_columns puts it back). */
static FL_ALWAYS_INLINE void FL_K(jacobi_rows_and_columns)(FL_T *restrict xp, FL_T *restrict xq, FL_T *restrict yp,
                                                           FL_T *restrict yq, FL_T ci, FL_T si, const FL_T *c,
                                                           const FL_T *s)
{
    for (int j = 0; j < FL_JB; j++) {
        const FL_T pa = xp[j], pb = xp[FL_JB + j], qa = xq[j], qb = xq[FL_JB + j];
        const FL_T ra = FL_KFMA(ci, pa, -(si * qa)), rb = FL_KFMA(ci, pb, -(si * qb)); /* row p */
        const FL_T ta = FL_KFMA(si, pa, ci * qa), tb = FL_KFMA(si, pb, ci * qb);       /* row q */
        xp[j] = FL_KFMA(c[j], ra, -(s[j] * rb)), yp[j] = FL_KFMA(s[j], ra, c[j] * rb);
        xq[j] = FL_KFMA(c[j], ta, -(s[j] * tb)), yq[j] = FL_KFMA(s[j], ta, c[j] * tb);
    }
}

/* float32 on AVX-512 (block of 32: J's part of a row is two registers): the
 * same pass, with the shift one place to the left made in the registers
 * (valignd) and stored straight into S, instead of through Y and a pass of
 * copies. The same operations in the same order: the same bytes. */
#if FL_F32 && defined(__AVX512F__) && FL_JACOBI_BLOCK == 32
#define FL_JACOBI_SHIFT_IN_REGISTERS 1
static FL_ALWAYS_INLINE void FL_K(jacobi_rows_and_columns_shifted)(FL_T *restrict xp, FL_T *restrict xq, FL_T ci,
                                                                   FL_T si, const __m512 c[2], const __m512 s[2])
{
    const __m512 vc = _mm512_set1_ps(ci), vs = _mm512_set1_ps(si);
    __m512 p_new[2], q_new[2], yp[2], yq[2];
    for (int h = 0; h < 2; h++) {
        const __m512 pa = _mm512_loadu_ps(xp + 16 * h), pb = _mm512_loadu_ps(xp + FL_JB + 16 * h);
        const __m512 qa = _mm512_loadu_ps(xq + 16 * h), qb = _mm512_loadu_ps(xq + FL_JB + 16 * h);
        const __m512 ra = _mm512_fmsub_ps(vc, pa, _mm512_mul_ps(vs, qa)), rb = _mm512_fmsub_ps(vc, pb, _mm512_mul_ps(vs, qb));
        const __m512 ta = _mm512_fmadd_ps(vs, pa, _mm512_mul_ps(vc, qa)), tb = _mm512_fmadd_ps(vs, pb, _mm512_mul_ps(vc, qb));
        p_new[h] = _mm512_fmsub_ps(c[h], ra, _mm512_mul_ps(s[h], rb)), yp[h] = _mm512_fmadd_ps(s[h], ra, _mm512_mul_ps(c[h], rb));
        q_new[h] = _mm512_fmsub_ps(c[h], ta, _mm512_mul_ps(s[h], tb)), yq[h] = _mm512_fmadd_ps(s[h], ta, _mm512_mul_ps(c[h], tb));
    }
    /* [y1 .. y31, y0]: each register takes its 15 upper entries and the other's first */
    const __m512i lo = _mm512_castps_si512(yp[0]), hi = _mm512_castps_si512(yp[1]);
    const __m512i qlo = _mm512_castps_si512(yq[0]), qhi = _mm512_castps_si512(yq[1]);
    for (int h = 0; h < 2; h++) _mm512_storeu_ps(xp + 16 * h, p_new[h]), _mm512_storeu_ps(xq + 16 * h, q_new[h]);
    _mm512_storeu_ps(xp + FL_JB, _mm512_castsi512_ps(_mm512_alignr_epi32(hi, lo, 1)));
    _mm512_storeu_ps(xp + FL_JB + 16, _mm512_castsi512_ps(_mm512_alignr_epi32(lo, hi, 1)));
    _mm512_storeu_ps(xq + FL_JB, _mm512_castsi512_ps(_mm512_alignr_epi32(qhi, qlo, 1)));
    _mm512_storeu_ps(xq + FL_JB + 16, _mm512_castsi512_ps(_mm512_alignr_epi32(qlo, qhi, 1)));
}
#endif

static void FL_K(jacobi_realign)(FL_T *restrict S, FL_T (*restrict Y)[2 * FL_JB], int d)
{
    for (int k = 0; k < FL_JM; k++) {
        memcpy(Y[k], S + k * FL_JM + FL_JB, FL_JB * sizeof(FL_T));
        memcpy(Y[k] + FL_JB, S + k * FL_JM + FL_JB, FL_JB * sizeof(FL_T));
    }
    FL_K(jacobi_shift_columns)(S, Y, d);
}

/* The pairs (p, q), p in block I (0..FL_JB-1), q in block J (FL_JB..FL_JM-1),
 * in FL_JB rounds; round r pairs i with J's q_i = (i + r) mod FL_JB. The
 * disjoint rotations of a round do not change each other's 2 x 2 blocks, so
 * their tests and angles come first (vector loops), then the rows (i and
 * FL_JB + q_i, of S and of Qt), then the columns. Rows are reached through
 * their index, but a vector loop wants the columns in pair order: column
 * FL_JB + i holds J's (i + off) mod FL_JB, and a round that rotates first moves
 * J's columns so that off = r. Row k's columns then rotate as two contiguous
 * vectors, entries i and FL_JB + i, written back one place to the left
 * (off = r + 1, ready for the next round). At the end the columns go back in
 * place. Padding (zero rows and columns for a short last block) is never
 * rotated: its s_pq and s_qq are 0. */
long FL_K(jacobi_pairs)(FL_T *restrict S, FL_T *restrict Qt, double tol)
{
    long rotations = 0;
    int off = 0;
    FL_T Y[FL_JM][2 * FL_JB];
    for (int round = 0; round < FL_JB; round++) {
        double app[FL_JB], aqq[FL_JB], apq[FL_JB], rotate[FL_JB], tn[FL_JB];
        FL_T c[FL_JB], s[FL_JB];
        int q[FL_JB];
        for (int i = 0; i < FL_JB; i++) { /* (FL_JB is a power of two: mod is a mask) */
            const int j = (i + round) & (FL_JB - 1); /* i's partner in J, in column FL_JB + (j - off) mod FL_JB */
            const int col = FL_JB + ((j - off) & (FL_JB - 1));
            q[i] = FL_JB + j;
            app[i] = S[i * FL_JM + i];
            aqq[i] = S[q[i] * FL_JM + col];
            apq[i] = S[i * FL_JM + col];
        }
        double count = 0;
        for (int i = 0; i < FL_JB; i++) {
            rotate[i] = FL_K(jacobi_rotates)(app[i], aqq[i], apq[i], tol) ? 1.0 : 0.0;
            count += rotate[i];
        }
        if (count == 0) continue;
        for (int i = 0; i < FL_JB; i++) { /* a pair left alone gets c = 1, s = 0: exactly nothing */
            /* its angle is computed from s_pq = 1, a finite stand-in, and
             * multiplied by 0: no select after a division, which would keep
             * the loop from being a vector loop */
            const double t = FL_K(jacobi_tan_of_pair)(app[i], aqq[i], rotate[i] != 0 ? apq[i] : 1.0) * rotate[i];
#if FL_F32 /* |t| <= 1: c and s in float32, the precision they are kept in */
            const float tf = (float)t, cf = 1.0f / sqrtf(1.0f + tf * tf);
            tn[i] = t, c[i] = cf, s[i] = tf * cf;
#else
            const double cd = 1.0 / sqrt(1.0 + t * t);
            tn[i] = t, c[i] = (FL_T)cd, s[i] = (FL_T)(t * cd);
#endif
        }
        if (off != round) FL_K(jacobi_realign)(S, Y, (round - off + FL_JB) % FL_JB);
#ifdef FL_JACOBI_SHIFT_IN_REGISTERS
        const __m512 cv[2] = {_mm512_loadu_ps(c), _mm512_loadu_ps(c + 16)};
        const __m512 sv[2] = {_mm512_loadu_ps(s), _mm512_loadu_ps(s + 16)};
        for (int i = 0; i < FL_JB; i++) { /* rows i and q_i: their rotation (1, 0 if none), then the columns' */
            FL_K(jacobi_rows_and_columns_shifted)(S + i * FL_JM, S + q[i] * FL_JM, c[i], s[i], cv, sv);
            if (rotate[i] != 0) FL_K(rot_rows)(FL_JM, Qt + i * FL_JM, Qt + q[i] * FL_JM, c[i], s[i]);
        }
#else
        for (int i = 0; i < FL_JB; i++) { /* rows i and q_i: their rotation (1, 0 if none), then the columns' */
            FL_K(jacobi_rows_and_columns)(S + i * FL_JM, S + q[i] * FL_JM, Y[i], Y[q[i]], c[i], s[i], c, s);
            if (rotate[i] != 0) FL_K(rot_rows)(FL_JM, Qt + i * FL_JM, Qt + q[i] * FL_JM, c[i], s[i]);
        }
        for (int k = 0; k < FL_JM; k++) Y[k][FL_JB] = Y[k][0];
        FL_K(jacobi_shift_columns)(S, Y, 1);
#endif
        off = round + 1;
        for (int i = 0; i < FL_JB; i++) { /* the 2 x 2 blocks exactly; q_i's column has moved to j */
            /* a pair left alone (t = 0) gets its own entries back: no branch */
            const int j = FL_JB + ((i - 1) & (FL_JB - 1));
            FL_T *Sp = S + i * FL_JM, *Sq = S + q[i] * FL_JM;
            Sp[i] = (FL_T)(app[i] - tn[i] * apq[i]);
            Sq[j] = (FL_T)(aqq[i] + tn[i] * apq[i]);
            Sp[j] = Sq[i] = rotate[i] != 0 ? (FL_T)0 : (FL_T)apq[i];
        }
        rotations += (long)count;
    }
    if (off % FL_JB) FL_K(jacobi_realign)(S, Y, FL_JB - off % FL_JB);
    return rotations;
}
#undef FL_JB
#undef FL_JM

/* x <- c x - s y, y <- s x + c y for contiguous x, y (a plane rotation, BLAS rot) */
void FL_K(rot)(ptrdiff_t n, FL_T *x, FL_T *y, FL_T c, FL_T s)
{
    FL_K(rot_rows)(n, x, y, c, s);
}

/* A tile of the one-sided Jacobi SVD (svd/jacobi_svd_tmpl.h): the columns
 * p0..p3 (cols[0..3]) against q0..q3 (cols[4..7]), sixteen pairs in four steps
 * of four disjoint ones, step t pairing p_i with q_(i+t) mod 4. */
#include "jacobi_tile.h"

/* The 28 dot products among the tile's eight columns (n long) in one pass:
 * g[k] for i < j in the order (0,1), (0,2), ..., (6,7). gram8 sums in double
 * (W: double vectors), gram8_lo (float32 only) in float32 (V: twice the
 * lanes), for a preconditioner's sweeps. */
#define FL_GRAM8_BODY(VT, ZERO, LOAD, FMA, HSUM, LEN)                                   \
    do {                                                                                \
        const FL_T *c[FL_TILE_COLS];                                                   \
        for (int i = 0; i < FL_TILE_COLS; i++) c[i] = cols[i];                         \
        VT acc[28];                                                                     \
        for (int k = 0; k < 28; k++) acc[k] = ZERO();                                   \
        ptrdiff_t r = 0;                                                                \
        for (; r + LEN <= n; r += LEN) {                                                \
            VT v[FL_TILE_COLS];                                                         \
            _Pragma("GCC unroll 8") for (int i = 0; i < FL_TILE_COLS; i++) v[i] = LOAD(c[i] + r); \
            int k = 0;                                                                  \
            _Pragma("GCC unroll 8") for (int i = 0; i < FL_TILE_COLS; i++)             \
                _Pragma("GCC unroll 8") for (int j = i + 1; j < FL_TILE_COLS; j++, k++) \
                    acc[k] = FMA(v[i], v[j], acc[k]);                                   \
        }                                                                               \
        for (int k = 0; k < 28; k++) g[k] = HSUM(acc[k]);                               \
        for (; r < n; r++) {                                                            \
            int k = 0;                                                                  \
            for (int i = 0; i < FL_TILE_COLS; i++)                                      \
                for (int j = i + 1; j < FL_TILE_COLS; j++, k++) g[k] += (double)c[i][r] * c[j][r]; \
        }                                                                               \
    } while (0)

void FL_K(gram8)(ptrdiff_t n, FL_T *const *cols, double *g)
{
    FL_GRAM8_BODY(fl_w, FL_WZERO, FL_WLOAD, FL_WFMA, FL_WHSUM, FL_WLEN);
}

#if FL_F32 /* for float64 it would be gram8 again */
void FL_K(gram8_lo)(ptrdiff_t n, FL_T *const *cols, double *g)
{
    FL_GRAM8_BODY(fl_v, FL_VZERO, FL_VLOADU, FL_VFMA, FL_VHSUM, FL_VLEN);
}
#endif

/* The tile's sixteen rotations in one pass, in their order (rotation 4 t + i
 * pairs p_i with q_(i+t) mod 4), as fast (scaled) rotations of two
 * multiply-adds each: x <- x + al y, y <- y + be x on (p_i, q). The caller keeps
 * each column's scale: a plane rotation by (c, s) of the columns d_x x and d_y y
 * is c d_x (x - t (d_y / d_x) y) and c d_y (y + t (d_x / d_y) x), t = s / c.
 * al = be = 0 leaves a pair as it is. Written with the vector macros: the
 * compiler does not vectorise eight streams by itself. */
void FL_K(rot16)(ptrdiff_t n, FL_T *const *cols, const FL_T *al, const FL_T *be)
{
    FL_T *x[FL_TILE_COLS];
    for (int i = 0; i < FL_TILE_COLS; i++) x[i] = cols[i];
    fl_v va[FL_TILE_PAIRS], vb[FL_TILE_PAIRS];
    for (int k = 0; k < FL_TILE_PAIRS; k++) va[k] = FL_VSET1(al[k]), vb[k] = FL_VSET1(be[k]);
    ptrdiff_t r = 0;
    for (; r + FL_VLEN <= n; r += FL_VLEN) {
        fl_v v[FL_TILE_COLS];
#pragma GCC unroll 8
        for (int i = 0; i < FL_TILE_COLS; i++) v[i] = FL_VLOADU(x[i] + r);
#pragma GCC unroll 4
        for (int t = 0; t < 4; t++)
#pragma GCC unroll 4
            for (int i = 0; i < 4; i++) {
                const int j = FL_TILE_Q(t, i), k = 4 * t + i;
                fl_v a = v[i], b = v[j];
                v[i] = FL_VFMA(va[k], b, a);
                v[j] = FL_VFMA(vb[k], a, b);
            }
#pragma GCC unroll 8
        for (int i = 0; i < FL_TILE_COLS; i++) FL_VSTOREU(x[i] + r, v[i]);
    }
    for (; r < n; r++) {
        FL_T v[FL_TILE_COLS];
        for (int i = 0; i < FL_TILE_COLS; i++) v[i] = x[i][r];
        for (int t = 0; t < 4; t++)
            for (int i = 0; i < 4; i++) {
                const int j = FL_TILE_Q(t, i), k = 4 * t + i;
                FL_T a = v[i], b = v[j];
                v[i] = a + al[k] * b;
                v[j] = b + be[k] * a;
            }
        for (int i = 0; i < FL_TILE_COLS; i++) x[i][r] = v[i];
    }
}
