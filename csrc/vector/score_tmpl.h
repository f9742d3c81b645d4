/* score_tmpl.h: scoring rows of Q against rows of a catalogue C, for one dtype
 * (included by score.c with FL_T / FL_TYPED set).
 *
 * The scores are a GEMM, Q . C^T, done in tiles with the GEMM micro-kernel:
 *   loop 1: jt over catalogue tiles of NB rows, packed once into NR-row panels
 *           (scaled to unit length for the cosine) and kept in L2;
 *   loop 2: ib over blocks of MB queries, packed once per call into MR-row panels;
 *   loop 3: pc over the depth in chunks of KC;
 *   loops 4-5: jr over NR panels, ir over MR panels: one micro-kernel call each.
 * Each MB x NB block of scores is handed to a consumer while it is in cache:
 * copied out (pairwise) or folded into a running top-k per query (top_k). */

typedef struct {
    FL_T s;
    int64_t i;
} FL_TYPED(hit);

/* a is worse than b: NaN below everything, then lower score, then higher index */
static inline int FL_TYPED(worse)(FL_TYPED(hit) a, FL_TYPED(hit) b)
{
    int an = a.s != a.s, bn = b.s != b.s;
    if (an != bn) return an;
    if (!an && a.s != b.s) return a.s < b.s;
    return a.i > b.i;
}

static int FL_TYPED(cmp_best_first)(const void *pa, const void *pb)
{
    FL_TYPED(hit) a = *(const FL_TYPED(hit) *)pa, b = *(const FL_TYPED(hit) *)pb;
    return FL_TYPED(worse)(a, b) ? 1 : FL_TYPED(worse)(b, a) ? -1 : 0;
}

/* A min-heap of the k best so far: h[0] is the worst of them. */
static void FL_TYPED(heap_push)(FL_TYPED(hit) *h, ptrdiff_t *count, ptrdiff_t k, FL_TYPED(hit) c)
{
    ptrdiff_t i;
    if (*count < k) {
        i = (*count)++;
        while (i > 0) {
            ptrdiff_t parent = (i - 1) / 2;
            if (!FL_TYPED(worse)(c, h[parent])) break;
            h[i] = h[parent];
            i = parent;
        }
        h[i] = c;
        return;
    }
    if (!FL_TYPED(worse)(h[0], c)) return;
    i = 0;
    for (;;) {
        ptrdiff_t l = 2 * i + 1, r = l + 1, w = i;
        FL_TYPED(hit) wv = c;
        if (l < k && FL_TYPED(worse)(h[l], wv)) w = l, wv = h[l];
        if (r < k && FL_TYPED(worse)(h[r], wv)) w = r, wv = h[r];
        if (w == i) break;
        h[i] = h[w];
        i = w;
    }
    h[i] = c;
}

/* How to bring a row to unit length: multiply by inv, or, for a row whose
 * length is subnormal (too few bits), scale by 2^-e first (exact) and divide by
 * the length of the scaled row. Worked out once over the whole row, so every
 * chunk of the depth is scaled alike. */
typedef struct {
    FL_T inv;
    int e, tiny;
    double len;
} FL_TYPED(unit_scale);

static FL_TYPED(unit_scale) FL_TYPED(unit_scale_of)(ptrdiff_t d, const FL_T *row, ptrdiff_t cs)
{
    FL_TYPED(unit_scale) u = {0, 0, 0, 0.0};
    if (cs == 1) { /* the common case, without nrm2's careful path unless needed */
        double ss = fl_kernels()->FL_TYPED(sumsq)(d, row);
        if (ss >= 0x1p-968 && ss <= 0x1p968) {
            double len = sqrt(ss);
            if (len >= FL_T_MIN && len <= 1 / FL_T_MIN) {
                u.inv = (FL_T)(1.0 / len);
                return u;
            }
        }
    }
    FL_T nrm;
    FL_TYPED(fl_nrm2)(d, row, cs, &nrm);
    if (nrm == 0 || nrm != nrm || (nrm >= FL_T_MIN && nrm <= 1 / FL_T_MIN)) {
        u.inv = nrm == 0 ? (FL_T)0 : (FL_T)1 / nrm; /* a zero row scores 0, not NaN */
        return u;
    }
    /* a length below FL_T_MIN has lost bits; one above 1/FL_T_MIN (or past
     * the float range) would make 1/length subnormal or zero */
    double amax = 0.0, ss = 0.0;
    for (ptrdiff_t l = 0; l < d; l++) amax = fmax(amax, fabs((double)row[l * cs]));
    if (isinf(amax)) return u; /* inv = 0: infinite entries give NaN, like inf/inf */
    frexp(amax, &u.e);
    for (ptrdiff_t l = 0; l < d; l++) {
        double v = ldexp((double)row[l * cs], -u.e);
        ss += v * v;
    }
    u.tiny = 1;
    u.len = sqrt(ss);
    return u;
}

/* dst[l * step] = src[l * cs] scaled by u, for l < d */
static void FL_TYPED(scale_row)(ptrdiff_t d, const FL_T *src, ptrdiff_t cs, FL_TYPED(unit_scale) u,
                                FL_T *dst, ptrdiff_t step)
{
    if (u.tiny)
        for (ptrdiff_t l = 0; l < d; l++) dst[l * step] = (FL_T)(ldexp((double)src[l * cs], -u.e) / u.len);
    else if (cs == 1)
        for (ptrdiff_t l = 0; l < d; l++) dst[l * step] = src[l] * u.inv;
    else
        for (ptrdiff_t l = 0; l < d; l++) dst[l * step] = src[l * cs] * u.inv;
}

/* Packs rows [0, rows) of X, columns [p0, p0 + kc), into panels of w rows:
 * dst[panel][l][r] = X[panel*w + r][p0 + l] (brought to unit length by
 * units[row] when units is not NULL); missing rows are 0. */
static void FL_TYPED(pack_panels)(const FL_T *X, ptrdiff_t rs, ptrdiff_t cs, ptrdiff_t rows,
                                  ptrdiff_t p0, ptrdiff_t kc, int w,
                                  const FL_TYPED(unit_scale) *units, FL_T *dst)
{
    for (ptrdiff_t r0 = 0; r0 < rows; r0 += w) {
        ptrdiff_t live = rows - r0 < w ? rows - r0 : w;
        for (ptrdiff_t r = 0; r < live; r++) {
            const FL_T *src = X + (r0 + r) * rs + p0 * cs;
            if (units)
                FL_TYPED(scale_row)(kc, src, cs, units[r0 + r], dst + r, w);
            else if (cs == 1)
                for (ptrdiff_t l = 0; l < kc; l++) dst[l * w + r] = src[l];
            else
                for (ptrdiff_t l = 0; l < kc; l++) dst[l * w + r] = src[l * cs];
        }
        for (ptrdiff_t r = live; r < w; r++)
            for (ptrdiff_t l = 0; l < kc; l++) dst[l * w + r] = 0;
        dst += (ptrdiff_t)w * kc;
    }
}

/* Packs all chunks of the depth: chunk at p0 starts at dst + p0 * padded_rows. */
static void FL_TYPED(pack_all)(const FL_T *X, ptrdiff_t rs, ptrdiff_t cs, ptrdiff_t rows,
                               ptrdiff_t d, int w, const FL_TYPED(unit_scale) *units, FL_T *dst)
{
    ptrdiff_t padded = (rows + w - 1) / w * w;
    for (ptrdiff_t p0 = 0; p0 < d; p0 += FL_SCORE_KC) {
        ptrdiff_t kc = d - p0 < FL_SCORE_KC ? d - p0 : FL_SCORE_KC;
        FL_TYPED(pack_panels)(X, rs, cs, rows, p0, kc, w, units, dst + p0 * padded);
    }
}

typedef struct {
    fl_metric metric;
    ptrdiff_t m, n, d;
    const FL_T *Q, *C;
    ptrdiff_t rsq, csq, rsc, csc;
    int split_queries;     /* threads take query ranges, else catalogue ranges */
    FL_T *out;             /* pairwise: m x n, row stride ldo */
    ptrdiff_t ldo;
    ptrdiff_t k;           /* top-k: heaps per thread, nt x m x k when split by catalogue */
    FL_TYPED(hit) *heaps;
    ptrdiff_t *counts;
    const fl_kernel_table *K; /* taken once per call: every thread uses the same tiles */
    fl_chunks work;           /* catalogue chunks, when threads split the catalogue */
    int status[FL_MAX_THREADS];
} FL_TYPED(score_job);

/* The consumer for top-k: fold the scores of queries [q, q+mb) against catalogue
 * rows [j0, j0+nb) into their heaps. Rows come in increasing index order, so a
 * new score ties an old one only to lose: "better" is plain s > worst. */
static void FL_TYPED(fold_topk)(FL_TYPED(score_job) *job, FL_TYPED(hit) *heaps, ptrdiff_t *counts,
                                const FL_T *S, ptrdiff_t lds, ptrdiff_t mb, ptrdiff_t j0,
                                ptrdiff_t nb, int32_t *hits)
{
    ptrdiff_t k = job->k;
    for (ptrdiff_t i = 0; i < mb; i++) {
        FL_TYPED(hit) *h = heaps + i * k;
        ptrdiff_t *count = counts + i;
        const FL_T *row = S + i * lds;
        ptrdiff_t j = 0;
        for (; j < nb && *count < k; j++) {
            FL_TYPED(hit) c = {row[j], j0 + j};
            FL_TYPED(heap_push)(h, count, k, c);
        }
        if (j == nb) continue;
        if (h[0].s != h[0].s) { /* the worst kept is NaN: anything real beats it */
            for (; j < nb; j++) {
                FL_TYPED(hit) c = {row[j], j0 + j};
                FL_TYPED(heap_push)(h, count, k, c);
            }
            continue;
        }
        ptrdiff_t nh = job->K->FL_TYPED(scan_gt)(nb - j, row + j, h[0].s, hits);
        for (ptrdiff_t t = 0; t < nh; t++) {
            FL_TYPED(hit) c = {row[j + hits[t]], j0 + j + hits[t]};
            if (c.s > h[0].s) FL_TYPED(heap_push)(h, count, k, c);
        }
    }
}

/* Few queries: stream the catalogue rows once; per row one dot product per
 * query, and for the cosine the row's squared length in the same pass. */
static int FL_TYPED(score_rows)(FL_TYPED(score_job) *job, ptrdiff_t q0, ptrdiff_t q1,
                                ptrdiff_t c0, ptrdiff_t c1, FL_TYPED(hit) *heaps,
                                ptrdiff_t *counts)
{
    const fl_kernel_table *K = job->K;
    ptrdiff_t mq = q1 - q0, d = job->d, dd = d > 0 ? d : 1;
    int cosine = job->metric == FL_METRIC_COSINE;
    enum { NB = 256 };
    int strided = job->csc != 1;
    FL_T *qbuf = fl_malloc(sizeof(FL_T) * (size_t)(mq * dd));
    FL_T *S = fl_malloc(sizeof(FL_T) * (size_t)(mq * NB));
    FL_T *sq = fl_malloc(sizeof(FL_T) * NB);
    int32_t *hits = fl_malloc(sizeof(int32_t) * NB);
    FL_T *tile = strided ? fl_malloc(sizeof(FL_T) * (size_t)(NB * dd)) : NULL;
    FL_T *rowbuf = fl_malloc(sizeof(FL_T) * (size_t)dd);
    int status = FL_OK;
    if (!qbuf || !S || !sq || !hits || !rowbuf || (strided && !tile)) {
        status = FL_ENOMEM;
        goto done;
    }
    for (ptrdiff_t i = 0; i < mq; i++) { /* contiguous, unit-length queries */
        const FL_T *q = job->Q + (q0 + i) * job->rsq;
        FL_TYPED(unit_scale) unit = {1, 0, 0, 0.0};
        if (cosine) unit = FL_TYPED(unit_scale_of)(d, q, job->csq);
        FL_TYPED(scale_row)(d, q, job->csq, unit, qbuf + i * d, 1);
    }
    for (ptrdiff_t j0 = c0; j0 < c1; j0 += NB) {
        ptrdiff_t nb = c1 - j0 < NB ? c1 - j0 : NB;
        const FL_T *rows = job->C + j0 * job->rsc;
        if (fl_stop_requested()) {
            status = FL_EINTR;
            goto done;
        }
        ptrdiff_t rs = job->rsc;
        if (strided) { /* gather the tile's rows contiguous first */
            for (ptrdiff_t j = 0; j < nb; j++)
                for (ptrdiff_t l = 0; l < d; l++) tile[j * d + l] = rows[j * rs + l * job->csc];
            rows = tile;
            rs = d;
        }
        for (ptrdiff_t i = 0; i < mq; i++)
            K->FL_TYPED(rows_dot)(nb, d, rows, rs, qbuf + i * d, S + i * NB, i == 0 && cosine ? sq : NULL);
        if (cosine) {
            /* unit length: scale by 1/sqrt(c.c) (loops the compiler vectorises) */
            int careful = 0;
            for (ptrdiff_t j = 0; j < nb; j++) {
                careful |= !(sq[j] >= (FL_T)FL_SAFE_SUMSQ_MIN && sq[j] <= (FL_T)FL_SAFE_SUMSQ_MAX);
                sq[j] = (FL_T)1 / FL_SQRT(sq[j]);
            }
            for (ptrdiff_t i = 0; i < mq; i++)
                for (ptrdiff_t j = 0; j < nb; j++) S[i * NB + j] *= sq[j];
            for (ptrdiff_t j = 0; careful && j < nb; j++) {
                /* squares summed in FL_T overflowed or lost bits to underflow:
                 * normalise the row with the careful norm, then score it again */
                const FL_T *row = rows + j * rs;
                FL_T ss = K->FL_TYPED(dot)(d, row, row);
                if (ss >= (FL_T)FL_SAFE_SUMSQ_MIN && ss <= (FL_T)FL_SAFE_SUMSQ_MAX) continue;
                FL_TYPED(scale_row)(d, row, 1, FL_TYPED(unit_scale_of)(d, row, 1), rowbuf, 1);
                for (ptrdiff_t i = 0; i < mq; i++) S[i * NB + j] = K->FL_TYPED(dot)(d, qbuf + i * d, rowbuf);
            }
        }
        FL_TYPED(fold_topk)(job, heaps, counts, S, NB, mq, j0, nb, hits);
    }
done:
    fl_free(qbuf);
    fl_free(S);
    fl_free(sq);
    fl_free(hits);
    fl_free(tile);
    fl_free(rowbuf);
    return status;
}

/* Many queries: the tiled GEMM of the header comment. */
static int FL_TYPED(score_tiles)(FL_TYPED(score_job) *job, ptrdiff_t q0, ptrdiff_t q1,
                                 ptrdiff_t c0, ptrdiff_t c1, FL_TYPED(hit) *heaps,
                                 ptrdiff_t *counts)
{
    const fl_kernel_table *K = job->K;
    const int MR = K->FL_TYPED(mr), NR = K->FL_TYPED(nr);
    const fl_ukr_t ukr = K->FL_TYPED(ukr);
    ptrdiff_t d = job->d, mq = q1 - q0;
    int cosine = job->metric == FL_METRIC_COSINE;
    ptrdiff_t dd = d > 0 ? d : 1;
    /* NB: catalogue rows per tile, so the packed tile stays in L2 */
    ptrdiff_t NB = FL_SCORE_TILE_BYTES / ((ptrdiff_t)sizeof(FL_T) * dd);
    if (NB > FL_SCORE_MAX_NB) NB = FL_SCORE_MAX_NB;
    NB = NB / NR * NR;
    if (NB < NR) NB = NR;
    const ptrdiff_t MB = FL_SCORE_MB / MR * MR; /* whole micro-panels */
    ptrdiff_t mq_pad = (mq + MB - 1) / MB * MB;

    FL_T *Qp = fl_malloc(sizeof(FL_T) * (size_t)(mq_pad * dd));
    FL_TYPED(unit_scale) *qunit = fl_malloc(sizeof(FL_TYPED(unit_scale)) * (size_t)(mq > 0 ? mq : 1));
    FL_T *Cp = fl_malloc(sizeof(FL_T) * (size_t)(NB * dd));
    FL_TYPED(unit_scale) *cunit = fl_malloc(sizeof(FL_TYPED(unit_scale)) * (size_t)NB);
    FL_T *S = fl_malloc(sizeof(FL_T) * (size_t)(MB * NB));
    int32_t *hits = fl_malloc(sizeof(int32_t) * (size_t)NB);
    int status = FL_OK;
    if (!Qp || !qunit || !Cp || !cunit || !S || !hits) {
        status = FL_ENOMEM;
        goto done;
    }

    /* Queries packed once: block b's panels start at Qp + b*MB*d, by chunk as in pack_all */
    for (ptrdiff_t i = 0; cosine && i < mq; i++)
        qunit[i] = FL_TYPED(unit_scale_of)(d, job->Q + (q0 + i) * job->rsq, job->csq);
    for (ptrdiff_t b = 0; b < mq; b += MB) {
        ptrdiff_t mb = mq - b < MB ? mq - b : MB;
        FL_TYPED(pack_all)(job->Q + (q0 + b) * job->rsq, job->rsq, job->csq, mb, d, MR,
                           cosine ? qunit + b : NULL, Qp + b * d);
    }

    for (ptrdiff_t j0 = c0; j0 < c1; j0 += NB) { /* loop 1: jt over catalogue tiles */
        ptrdiff_t nb = c1 - j0 < NB ? c1 - j0 : NB;
        if (fl_stop_requested()) {
            status = FL_EINTR;
            goto done;
        }
        ptrdiff_t nb_pad = (nb + NR - 1) / NR * NR;
        const FL_T *tile = job->C + j0 * job->rsc;
        for (ptrdiff_t j = 0; cosine && j < nb; j++)
            cunit[j] = FL_TYPED(unit_scale_of)(d, tile + j * job->rsc, job->csc);
        FL_TYPED(pack_all)(tile, job->rsc, job->csc, nb, d, NR, cosine ? cunit : NULL, Cp);

        for (ptrdiff_t b = 0; b < mq; b += MB) { /* loop 2: ib over query blocks */
            ptrdiff_t mb = mq - b < MB ? mq - b : MB;
            ptrdiff_t mb_pad = (mb + MR - 1) / MR * MR;
            const FL_T *Qb = Qp + b * d;
            ptrdiff_t p0 = 0;
            do { /* loop 3: pc over depth chunks (at least one, for d = 0) */
                ptrdiff_t kc = d - p0 < FL_SCORE_KC ? d - p0 : FL_SCORE_KC;
                for (ptrdiff_t jr = 0; jr < nb_pad; jr += NR)     /* loop 4 */
                    for (ptrdiff_t ir = 0; ir < mb_pad; ir += MR) /* loop 5 */
                        ukr(kc, Qb + p0 * mb_pad + ir * kc, Cp + p0 * nb_pad + jr * kc,
                            S + ir * NB + jr, NB, p0 > 0);
                p0 += FL_SCORE_KC;
            } while (p0 < d);

            if (job->out) {
                for (ptrdiff_t i = 0; i < mb; i++)
                    memcpy(job->out + (q0 + b + i) * job->ldo + j0, S + i * NB, sizeof(FL_T) * (size_t)nb);
            } else {
                FL_TYPED(fold_topk)(job, heaps + b * job->k, counts + b, S, NB, mb, j0, nb, hits);
            }
        }
    }
done:
    fl_free(Qp);
    fl_free(qunit);
    fl_free(Cp);
    fl_free(cunit);
    fl_free(S);
    fl_free(hits);
    return status;
}

/* One range of queries against one range of the catalogue. The path is
 * chosen for the whole call, so results do not depend on the threads. */
static int FL_TYPED(score_range)(FL_TYPED(score_job) *job, ptrdiff_t q0, ptrdiff_t q1, ptrdiff_t c0,
                                 ptrdiff_t c1, FL_TYPED(hit) *heaps, ptrdiff_t *counts)
{
    if (q0 >= q1 || c0 >= c1) return FL_OK;
    if (!job->out && job->m <= FL_TOPK_GEMV_MAX_M)
        return FL_TYPED(score_rows)(job, q0, q1, c0, c1, heaps, counts);
    return FL_TYPED(score_tiles)(job, q0, q1, c0, c1, heaps, counts);
}

static void FL_TYPED(score_task)(void *ctx, int tid, int nt)
{
    FL_TYPED(score_job) *job = ctx;
    FL_TYPED(hit) *heaps = job->heaps;
    ptrdiff_t *counts = job->counts;
    int status = FL_OK;
    if (job->split_queries) { /* each thread its own queries' heaps */
        ptrdiff_t q0, q1;
        fl_split(job->m, FL_SCORE_MB, tid, nt, &q0, &q1);
        status = FL_TYPED(score_range)(job, q0, q1, 0, job->n, heaps ? heaps + q0 * job->k : NULL,
                                       counts ? counts + q0 : NULL);
    } else { /* catalogue chunks, first come first served, into this thread's heaps */
        ptrdiff_t c0, c1;
        if (heaps) {
            heaps += (ptrdiff_t)tid * job->m * job->k;
            counts += (ptrdiff_t)tid * job->m;
        }
        while (status == FL_OK && fl_chunks_next(&job->work, &c0, &c1))
            status = FL_TYPED(score_range)(job, 0, job->m, c0, c1, heaps, counts);
    }
    job->status[tid] = status;
}

static int FL_TYPED(run)(FL_TYPED(score_job) *job, int nt)
{
    for (int t = 0; t < nt; t++) job->status[t] = FL_OK;
    job->K = fl_kernels();
    ptrdiff_t chunk = (job->n + 8 * nt - 1) / (8 * nt); /* about 8 chunks a thread */
    chunk = (chunk + FL_SCORE_MAX_NB - 1) / FL_SCORE_MAX_NB * FL_SCORE_MAX_NB;
    fl_chunks_init(&job->work, job->n, chunk);
    fl_parallel(FL_TYPED(score_task), job, nt);
    for (int t = 0; t < nt; t++)
        if (job->status[t] != FL_OK) return job->status[t];
    return FL_OK;
}

static int FL_TYPED(threads_for_scores)(ptrdiff_t m, ptrdiff_t n, ptrdiff_t d, int *split_queries)
{
    int nt = fl_threads_for((double)m * (double)n * (double)(d > 0 ? d : 1), FL_SCORE_GRAIN);
    /* split the longer side: each thread then packs only its share of the other */
    *split_queries = m >= (ptrdiff_t)nt * FL_SCORE_MB && m > n;
    return nt;
}

/* A job scoring the rows of Q against the rows of C, and its thread count */
static int FL_TYPED(new_job)(FL_TYPED(score_job) *job, fl_metric metric, ptrdiff_t m, ptrdiff_t n,
                             ptrdiff_t d, const FL_T *Q, ptrdiff_t rsq, ptrdiff_t csq, const FL_T *C,
                             ptrdiff_t rsc, ptrdiff_t csc)
{
    memset(job, 0, sizeof *job);
    job->metric = metric;
    job->m = m, job->n = n, job->d = d;
    job->Q = Q, job->rsq = rsq, job->csq = csq;
    job->C = C, job->rsc = rsc, job->csc = csc;
    return FL_TYPED(threads_for_scores)(m, n, d, &job->split_queries);
}

int FL_TYPED(fl_pairwise)(fl_metric metric, ptrdiff_t m, ptrdiff_t n, ptrdiff_t d,
                          const FL_T *X, ptrdiff_t rsx, ptrdiff_t csx,
                          const FL_T *Y, ptrdiff_t rsy, ptrdiff_t csy, FL_T *out, ptrdiff_t ldo)
{
    if (m < 0 || n < 0 || d < 0) return FL_EINVAL;
    if (m == 0 || n == 0) return FL_OK;
    FL_TYPED(score_job) job;
    int nt = FL_TYPED(new_job)(&job, metric, m, n, d, X, rsx, csx, Y, rsy, csy);
    job.out = out, job.ldo = ldo;
    return FL_TYPED(run)(&job, nt);
}

int FL_TYPED(fl_topk)(fl_metric metric, ptrdiff_t m, ptrdiff_t n, ptrdiff_t d,
                      const FL_T *Q, ptrdiff_t rsq, ptrdiff_t csq,
                      const FL_T *C, ptrdiff_t rsc, ptrdiff_t csc,
                      ptrdiff_t k, int64_t *idx, FL_T *scores)
{
    if (m < 0 || n < 0 || d < 0 || k < 0 || k > n) return FL_EINVAL;
    if (m == 0 || k == 0) return FL_OK;
    FL_TYPED(score_job) job;
    int nt = FL_TYPED(new_job)(&job, metric, m, n, d, Q, rsq, csq, C, rsc, csc);
    job.k = k;
    ptrdiff_t copies = job.split_queries ? 1 : nt;
    job.heaps = fl_malloc(sizeof(FL_TYPED(hit)) * (size_t)(copies * m * k));
    job.counts = calloc((size_t)(copies * m), sizeof(ptrdiff_t));
    FL_TYPED(hit) *merged = copies > 1 ? fl_malloc(sizeof(FL_TYPED(hit)) * (size_t)(copies * k)) : NULL;
    int status = FL_ENOMEM;
    if (!job.heaps || !job.counts || (copies > 1 && !merged)) goto done;
    status = FL_TYPED(run)(&job, nt);
    if (status != FL_OK) goto done;

    for (ptrdiff_t q = 0; q < m; q++) { /* merge the threads' heaps, best first */
        FL_TYPED(hit) *all = copies > 1 ? merged : job.heaps + q * k;
        ptrdiff_t total = 0;
        for (ptrdiff_t t = 0; t < copies; t++) {
            const FL_TYPED(hit) *h = job.heaps + (t * m + q) * k;
            ptrdiff_t c = job.counts[t * m + q];
            if (copies > 1) memcpy(all + total, h, sizeof *h * (size_t)c);
            total += c;
        }
        qsort(all, (size_t)total, sizeof *all, FL_TYPED(cmp_best_first));
        for (ptrdiff_t r = 0; r < k; r++) {
            idx[q * k + r] = all[r].i;
            scores[q * k + r] = all[r].s;
        }
    }
done:
    fl_free(job.heaps);
    free(job.counts);
    fl_free(merged);
    return status;
}
