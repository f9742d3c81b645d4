/* filter_float_tmpl.h: the separable filter for one dtype (included by
 * filter_float.c with FL_T and FL_TYPED set). */

typedef struct {
    ptrdiff_t h, w, rs, cs, ntaps, ld;
    const FL_T *src, *taps;
    FL_T *tmp, *dst;
    FL_T *rowbuf;   /* one padded row (w + ntaps - 1) per thread */
    ptrdiff_t pad;  /* the row buffer's length */
} FL_TYPED(sep_job);

/* pass 1: each row of src, padded by reflection, correlated with the taps into tmp */
static void FL_TYPED(rows_task)(void *ctx, int tid, int nt)
{
    FL_TYPED(sep_job) *job = ctx;
    ptrdiff_t lo, hi, r = job->ntaps / 2, w = job->w;
    FL_T *buf = job->rowbuf + (ptrdiff_t)tid * job->pad;
    fl_split(job->h, 1, tid, nt, &lo, &hi);
    for (ptrdiff_t i = lo; i < hi; i++) {
        const FL_T *row = job->src + i * job->rs;
        for (ptrdiff_t j = 0; j < w + 2 * r; j++)
            buf[j] = row[reflect_index(j - r, w) * job->cs];
        /* tap by tap over the whole row: contiguous runs the compiler vectorises */
        FL_T *restrict out = job->tmp + i * w;
        for (ptrdiff_t j = 0; j < w; j++) out[j] = 0;
        for (ptrdiff_t t = 0; t < job->ntaps; t++) {
            const FL_T c = job->taps[t];
            const FL_T *restrict in = buf + t;
            for (ptrdiff_t j = 0; j < w; j++) out[j] += c * in[j];
        }
    }
}

/* pass 2: each output row, a weighted sum of whole rows of tmp (reflected at the
 * top and bottom): contiguous runs the compiler vectorises */
static void FL_TYPED(cols_task)(void *ctx, int tid, int nt)
{
    FL_TYPED(sep_job) *job = ctx;
    ptrdiff_t lo, hi, r = job->ntaps / 2, w = job->w;
    fl_split(job->h, 1, tid, nt, &lo, &hi);
    for (ptrdiff_t i = lo; i < hi; i++) {
        FL_T *restrict out = job->dst + i * job->ld;
        for (ptrdiff_t j = 0; j < w; j++) out[j] = 0;
        for (ptrdiff_t t = 0; t < job->ntaps; t++) {
            const FL_T *restrict in = job->tmp + reflect_index(i + t - r, job->h) * w;
            const FL_T c = job->taps[t];
            for (ptrdiff_t j = 0; j < w; j++) out[j] += c * in[j];
        }
    }
}

int FL_TYPED(fl_sep_filter)(ptrdiff_t h, ptrdiff_t w, const FL_T *src, ptrdiff_t rs, ptrdiff_t cs,
                            const FL_T *taps, ptrdiff_t ntaps, FL_T *dst, ptrdiff_t ld)
{
    if (h < 0 || w < 0 || ntaps < 1 || ntaps % 2 == 0 || ld < w || !taps)
        return FL_EINVAL;
    if (h == 0 || w == 0)
        return FL_OK;
    if (!src || !dst || ntaps > FL_FILTER_MAX_TAPS)
        return FL_EINVAL;
    int nt = fl_threads_for((double)h * (double)w * (double)ntaps, FL_FILTER_GRAIN);
    if (nt > h) nt = (int)h;
    FL_TYPED(sep_job) job = {h, w, rs, cs, ntaps, ld, src, taps, NULL, dst, NULL, w + ntaps - 1};
    job.tmp = fl_malloc((size_t)h * (size_t)w * sizeof(FL_T));
    job.rowbuf = fl_malloc((size_t)nt * (size_t)job.pad * sizeof(FL_T));
    if (!job.tmp || !job.rowbuf) {
        fl_free(job.tmp);
        fl_free(job.rowbuf);
        return FL_ENOMEM;
    }
    fl_parallel(FL_TYPED(rows_task), &job, nt);
    fl_parallel(FL_TYPED(cols_task), &job, nt);
    fl_free(job.tmp);
    fl_free(job.rowbuf);
    return FL_OK;
}
