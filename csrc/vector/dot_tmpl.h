/* dot_tmpl.h: dot and nrm2 around the contiguous kernels, for one dtype
 * (included by dot.c with FL_T / FL_TN set). Strides, negative steps and the
 * split over threads live here; the per-ISA files only see contiguous runs. */

/* Chunks of the vectors, summed in chunk order: the result does not depend on
 * which thread took which chunk, nor on how many threads there were. */
#define FL_DOT_MAX_CHUNKS 64

typedef struct {
    const FL_T *x, *y;
    fl_chunks work;
    double partial[FL_DOT_MAX_CHUNKS];
} FL_TYPED(dot_job);

static void FL_TYPED(dot_task)(void *ctx, int tid, int nt)
{
    FL_TYPED(dot_job) *job = ctx;
    const fl_kernel_table *K = fl_kernels();
    ptrdiff_t lo, hi;
    (void)tid, (void)nt;
    while (fl_chunks_next(&job->work, &lo, &hi))
        job->partial[lo / job->work.size] = job->y ? (double)K->FL_TYPED(dot)(hi - lo, job->x + lo, job->y + lo)
                                                   : K->FL_TYPED(sumsq)(hi - lo, job->x + lo);
}

/* dot (y != NULL) or sum of squares (y == NULL) of contiguous runs, on threads when it pays */
static double FL_TYPED(contiguous_sum)(ptrdiff_t n, const FL_T *x, const FL_T *y)
{
    if (n <= (ptrdiff_t)FL_DOT_GRAIN)
        return y ? (double)fl_kernels()->FL_TYPED(dot)(n, x, y) : fl_kernels()->FL_TYPED(sumsq)(n, x);
    int nt = fl_threads_for((double)n, FL_DOT_GRAIN);
    FL_TYPED(dot_job) job;
    job.x = x;
    job.y = y;
    ptrdiff_t size = n / FL_DOT_MAX_CHUNKS + 1;
    if (size < 8192) size = 8192;
    size = (size + 63) / 64 * 64;
    fl_chunks_init(&job.work, n, size);
    fl_parallel(FL_TYPED(dot_task), &job, nt);
    double s = 0.0;
    for (long c = 0; c < job.work.count; c++) s += job.partial[c];
    return s;
}

int FL_TYPED(fl_dot)(ptrdiff_t n, const FL_T *x, ptrdiff_t incx, const FL_T *y, ptrdiff_t incy,
                     FL_T *out)
{
    if (n <= 0) {
        *out = 0;
        return FL_OK;
    }
    if (incx == -1 && incy == -1) { /* both reversed: the same pairs, read forwards */
        x -= n - 1;
        y -= n - 1;
        incx = incy = 1;
    }
    if (incx == 1 && incy == 1) {
        *out = n <= (ptrdiff_t)FL_DOT_GRAIN ? fl_kernels()->FL_TYPED(dot)(n, x, y)
                                            : (FL_T)FL_TYPED(contiguous_sum)(n, x, y);
        return FL_OK;
    }
    FL_T s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    ptrdiff_t i = 0;
    for (; i + 4 <= n; i += 4) {
        s0 += x[i * incx] * y[i * incy];
        s1 += x[(i + 1) * incx] * y[(i + 1) * incy];
        s2 += x[(i + 2) * incx] * y[(i + 2) * incy];
        s3 += x[(i + 3) * incx] * y[(i + 3) * incy];
    }
    for (; i < n; i++) s0 += x[i * incx] * y[i * incy];
    *out = (s0 + s1) + (s2 + s3);
    return FL_OK;
}

/* sum of squares, any stride */
static double FL_TYPED(sumsq_any)(ptrdiff_t n, const FL_T *x, ptrdiff_t incx)
{
    if (incx == -1) {
        x -= n - 1;
        incx = 1;
    }
    if (incx == 1) return FL_TYPED(contiguous_sum)(n, x, NULL);
    double s = 0.0;
    for (ptrdiff_t i = 0; i < n; i++) s += (double)x[i * incx] * (double)x[i * incx];
    return s;
}

/* The rare path: the plain sum of squares overflowed or came close to underflow.
 * Scale by the power of two of the largest entry (exact), sum, scale back. */
static double FL_TYPED(nrm2_scaled)(ptrdiff_t n, const FL_T *x, ptrdiff_t incx)
{
    double amax = 0.0;
    for (ptrdiff_t i = 0; i < n; i++) {
        double a = fabs((double)x[i * incx]);
        if (a != a) return a; /* NaN */
        if (a > amax) amax = a;
    }
    if (amax == 0.0 || isinf(amax)) return amax;
    int e;
    frexp(amax, &e);
    /* blocked sums of eight lanes keep the rounding error near 8 + n/256 ulps */
    double s = 0.0;
    for (ptrdiff_t b = 0; b < n; b += 256) {
        double lane[8] = {0};
        ptrdiff_t end = n - b < 256 ? n : b + 256;
        for (ptrdiff_t i = b; i < end; i++) {
            double v = ldexp((double)x[i * incx], -e);
            lane[i & 7] += v * v;
        }
        s += ((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7]));
    }
    return ldexp(sqrt(s), e);
}

int FL_TYPED(fl_nrm2)(ptrdiff_t n, const FL_T *x, ptrdiff_t incx, FL_T *out)
{
    if (n <= 0) {
        *out = 0;
        return FL_OK;
    }
    double s = FL_TYPED(sumsq_any)(n, x, incx);
    /* Squares below 2^-968 may have lost bits to underflow; an infinite sum may
     * come from finite entries. Either way take the careful path. (A float32
     * sum of squares in double is always in range.) */
    if (FL_F32 || (isfinite(s) && s >= 0x1p-968)) {
        *out = (FL_T)sqrt(s);
        return FL_OK;
    }
    if (s != s) {
        *out = (FL_T)s;
        return FL_OK;
    }
    *out = (FL_T)FL_TYPED(nrm2_scaled)(n, x, incx);
    return FL_OK;
}
