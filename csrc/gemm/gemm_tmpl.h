/* gemm_tmpl.h: C = A . B for one dtype (included by gemm.c with FL_T / FL_TYPED).
 *
 * BLIS's five loops around the micro-kernel (frame/3/gemm/bli_gemm_ker_var2.c
 * keeps them apart from the kernel in the same way):
 *   loop 1: jc over NC columns of B and C
 *   loop 2: pc over KC of the depth      -> pack B(pc:, jc:) into KC x NR micro-panels
 *   loop 3: ic over MC rows of A and C   -> pack A(ic:, pc:) into MR x KC micro-panels
 *   loop 4: jr over NR columns           (the macro-kernel)
 *   loop 5: ir over MR rows              -> one micro-kernel call: an MR x NR tile of C
 * Packing reads A and B through their strides, so transposed and strided views
 * cost no extra copy, and lays them out in the exact order the kernel reads. */

/* kc lines of n contiguous values (line l at src + l*stride), cut into pieces of W
 * that go to panels: piece p of line l to dst[(p*kc + l)*W], zero-padded. Each line
 * is read once, in order, and dealt out to the panels. Filling one panel at a time
 * instead reads lines `stride` apart, a page apart for wide operands, which the
 * hardware prefetcher does not follow: that made packing a sixth of a 512^3 product. */
static inline void FL_TYPED(copy_piece)(FL_T *restrict d, const FL_T *restrict s, int W)
{
    for (int j = 0; j < W; j++) d[j] = s[j];
}

static void FL_TYPED(pack_lines)(ptrdiff_t kc, ptrdiff_t n, const FL_T *src, ptrdiff_t stride, int W,
                                 FL_T *restrict dst)
{
    const ptrdiff_t panels = (n + W - 1) / W, full = n / W;
    for (ptrdiff_t l = 0; l < kc; l++) {
        const FL_T *restrict line = src + l * stride;
        ptrdiff_t p = 0;
        /* whole pieces: a copy of constant width for the tile widths in use, which
         * the compiler turns into a few vector moves (a loop of run-time length
         * cost more than the copy itself at 32 x 32) */
        if (W == 8)
            for (; p < full; p++) FL_TYPED(copy_piece)(dst + (p * kc + l) * 8, line + p * 8, 8);
        else if (W == 16)
            for (; p < full; p++) FL_TYPED(copy_piece)(dst + (p * kc + l) * 16, line + p * 16, 16);
        else if (W == 32)
            for (; p < full; p++) FL_TYPED(copy_piece)(dst + (p * kc + l) * 32, line + p * 32, 32);
        for (; p < panels; p++) {
            FL_T *d = dst + (p * kc + l) * W;
            ptrdiff_t j0 = p * W, live = n - j0 < W ? n - j0 : W, j = 0;
            for (; j < live; j++) d[j] = line[j0 + j];
            for (; j < W; j++) d[j] = 0;
        }
    }
}

/* B(pc:pc+kc, jc:jc+nc) into panels of NR columns: dst[panel][l][j], zero-padded */
static void FL_TYPED(pack_b)(ptrdiff_t kc, ptrdiff_t nc, const FL_T *B, ptrdiff_t rsb,
                             ptrdiff_t csb, int NR, FL_T *dst)
{
    if (csb == 1) { /* row-major B: its rows are the lines */
        FL_TYPED(pack_lines)(kc, nc, B, rsb, NR, dst);
        return;
    }
    for (ptrdiff_t j0 = 0; j0 < nc; j0 += NR) {
        ptrdiff_t live = nc - j0 < NR ? nc - j0 : NR;
        const FL_T *b = B + j0 * csb;
        for (ptrdiff_t l = 0; l < kc; l++) {
            const FL_T *row = b + l * rsb; /* a transposed view: NR streams, one per column */
            ptrdiff_t j = 0;
            for (; j < live; j++) dst[j] = row[j * csb];
            for (; j < NR; j++) dst[j] = 0;
            dst += NR;
        }
    }
}

/* A(ic:ic+mc, pc:pc+kc) into panels of MR rows: dst[panel][l][i], zero-padded */
static void FL_TYPED(pack_a)(ptrdiff_t mc, ptrdiff_t kc, const FL_T *A, ptrdiff_t rsa,
                             ptrdiff_t csa, int MR, FL_T *dst)
{
    if (rsa == 1) { /* a transposed view: its columns are the lines */
        FL_TYPED(pack_lines)(kc, mc, A, csa, MR, dst);
        return;
    }
    for (ptrdiff_t i0 = 0; i0 < mc; i0 += MR) {
        ptrdiff_t live = mc - i0 < MR ? mc - i0 : MR;
        const FL_T *a = A + i0 * rsa;
        if (csa == 1) {
            /* row-major A: each row read left to right (the panel, MR x kc, stays in
             * L1/L2 while its columns are filled); rows of a short panel end in zeros */
            for (ptrdiff_t i = 0; i < MR; i++) {
                const FL_T *row = a + i * rsa;
                if (i < live)
                    for (ptrdiff_t l = 0; l < kc; l++) dst[l * MR + i] = row[l];
                else
                    for (ptrdiff_t l = 0; l < kc; l++) dst[l * MR + i] = 0;
            }
        } else if (live == MR) {
            /* dst is written in order; the MR rows are read as MR streams */
            for (ptrdiff_t l = 0; l < kc; l++)
                for (ptrdiff_t i = 0; i < MR; i++) dst[l * MR + i] = a[i * rsa + l * csa];
        } else {
            for (ptrdiff_t l = 0; l < kc; l++) {
                ptrdiff_t i = 0;
                for (; i < live; i++) dst[l * MR + i] = a[i * rsa + l * csa];
                for (; i < MR; i++) dst[l * MR + i] = 0;
            }
        }
        dst += (ptrdiff_t)MR * kc;
    }
}

/* C(0:mc, 0:nc) (+)= A . B: loops 4 and 5. A is packed (Ap), or, when Ad is not
 * NULL, read in place (rows rsa apart) in tiles of the kernel's mr_sup rows. B is
 * packed (Bp), or, when Bd is not NULL, read in place (rows rsb apart) but for
 * its last columns short of NR, which alone are packed, at Bp. Tiles of NR columns
 * with unit column stride go straight to C, a block's last rows through the rows
 * kernel (tiles of 4, 2, 1 rows); tiles at the last columns go through a small
 * buffer. */
static void FL_TYPED(macro_kernel)(ptrdiff_t mc, ptrdiff_t nc, ptrdiff_t kc, const FL_T *Ap,
                                   const FL_T *Ad, ptrdiff_t rsa, const FL_T *Bp, const FL_T *Bd,
                                   ptrdiff_t rsb, FL_T *C, ptrdiff_t rsc, ptrdiff_t csc,
                                   int accumulate, const fl_kernel_table *K)
{
    const int MR = Ad ? K->FL_TYPED(mr_sup) : K->FL_TYPED(mr), NR = K->FL_TYPED(nr);
    const fl_ukr_t ukr = K->FL_TYPED(ukr);
    const fl_ukr_sup_t sup = K->FL_TYPED(ukr_sup);
    const fl_ukr_rows_t rows = K->FL_TYPED(ukr_rows);
    _Alignas(FL_ALIGN) FL_T tile[FL_MAX_MR * FL_MAX_NR];
    for (ptrdiff_t jr = 0; jr < nc; jr += NR) {           /* loop 4: jr over NR */
        ptrdiff_t nr = nc - jr < NR ? nc - jr : NR;
        const int b_in_place = Bd && nr == NR;
        const FL_T *b = b_in_place ? Bd + jr : Bd ? Bp : Bp + jr * kc;
        const ptrdiff_t lb = b_in_place ? rsb : NR;
        for (ptrdiff_t ir = 0; ir < mc; ir += MR) {       /* loop 5: ir over MR */
            ptrdiff_t mr = mc - ir < MR ? mc - ir : MR;
            const FL_T *a = Ap + ir * kc;
            int straight = nr == NR && csc == 1; /* the tile goes straight to C */
            FL_T *c = straight ? C + ir * rsc + jr * csc : tile;
            ptrdiff_t ldc = straight ? rsc : NR;
            int acc = straight && accumulate;
            if (Ad && mr == MR)
                sup(kc, Ad + ir * rsa, rsa, b, lb, c, ldc, acc);
            else if (Ad)
                rows(mr, kc, Ad + ir * rsa, rsa, 1, b, lb, c, ldc, acc);
            else if (mr == MR)
                ukr(kc, a, b, c, ldc, acc);
            else /* the last rows of a packed panel (zero-padded to MR) */
                rows(mr, kc, a, 1, MR, b, NR, c, ldc, acc);
            if (straight) continue;
            FL_T *cc = C + ir * rsc + jr * csc;
            for (ptrdiff_t i = 0; i < mr; i++)
                for (ptrdiff_t j = 0; j < nr; j++) {
                    FL_T v = tile[i * NR + j];
                    cc[i * rsc + j * csc] = accumulate ? cc[i * rsc + j * csc] + v : v;
                }
        }
    }
}

/* Small products: packing does not pay; C rows are built from rows of B. */
static void FL_TYPED(gemm_small)(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const FL_T *A,
                                 ptrdiff_t rsa, ptrdiff_t csa, const FL_T *B, ptrdiff_t rsb,
                                 ptrdiff_t csb, FL_T *C, ptrdiff_t rsc, ptrdiff_t csc, int accumulate)
{
    for (ptrdiff_t i = 0; i < m; i++) {
        FL_T *c = C + i * rsc;
        if (!accumulate)
            for (ptrdiff_t j = 0; j < n; j++) c[j * csc] = 0;
        for (ptrdiff_t l = 0; l < k; l++) {
            FL_T a = A[i * rsa + l * csa];
            const FL_T *b = B + l * rsb;
            if (csb == 1 && csc == 1)
                for (ptrdiff_t j = 0; j < n; j++) c[j] += a * b[j];
            else
                for (ptrdiff_t j = 0; j < n; j++) c[j * csc] += a * b[j * csb];
        }
    }
}

typedef struct {
    ptrdiff_t m, n, k;
    const FL_T *A, *B;
    FL_T *C;
    ptrdiff_t rsa, csa, rsb, csb, rsc, csc;
    int split_rows; /* threads take row ranges of C, else column ranges */
    int direct_a;   /* A row-major and the product small: A is read in place */
    int direct_b;   /* direct_a, B row-major and the product small: B too */
    int accumulate; /* C += A B, else C = A B */
    const fl_kernel_table *K; /* taken once per call: every thread uses the same tiles */
    int status[FL_MAX_THREADS];
} FL_TYPED(gemm_job);

/* One thread's share: loops 1-3 over its rows or columns of C. */
static int FL_TYPED(gemm_blocked)(const FL_TYPED(gemm_job) *g, ptrdiff_t i0, ptrdiff_t i1,
                                  ptrdiff_t j0, ptrdiff_t j1)
{
    const fl_kernel_table *K = g->K;
    const int MR = g->direct_a ? K->FL_TYPED(mr_sup) : K->FL_TYPED(mr), NR = K->FL_TYPED(nr);
    const ptrdiff_t KC = FL_GEMM_KC, MC = FL_GEMM_MC / MR * MR, NC = FL_GEMM_NC / NR * NR;
    ptrdiff_t kc_max = g->k < KC ? g->k : KC;
    ptrdiff_t nc_max = g->direct_b ? NR : j1 - j0 < NC ? (j1 - j0 + NR - 1) / NR * NR : NC;
    ptrdiff_t mc_max = i1 - i0 < MC ? (i1 - i0 + MR - 1) / MR * MR : MC;
    /* Both packed blocks in one buffer, B's rounded up to whole cache lines so A's
     * stays aligned; on the stack when small: at 32^3 two heap allocations cost
     * about as much as the arithmetic. Where B is read in place, only its last
     * columns short of a panel are packed. */
    const size_t per_line = FL_ALIGN / sizeof(FL_T);
    size_t b_len = ((size_t)(kc_max * nc_max) + per_line - 1) / per_line * per_line;
    size_t bytes = sizeof(FL_T) * (b_len + (g->direct_a ? 0 : (size_t)(kc_max * mc_max)));
    _Alignas(FL_ALIGN) unsigned char on_stack[FL_GEMM_STACK_BYTES];
    FL_T *heap = bytes > sizeof on_stack ? fl_malloc(bytes) : NULL;
    if (bytes > sizeof on_stack && !heap) return FL_ENOMEM;
    FL_T *Bp = heap ? heap : (FL_T *)(void *)on_stack;
    FL_T *Ap = Bp + b_len;
    for (ptrdiff_t jc = j0; jc < j1; jc += NC) {                 /* loop 1: jc over NC */
        ptrdiff_t nc = j1 - jc < NC ? j1 - jc : NC;
        for (ptrdiff_t pc = 0; pc < g->k; pc += KC) {            /* loop 2: pc over KC */
            ptrdiff_t kc = g->k - pc < KC ? g->k - pc : KC;
            const FL_T *b = g->B + pc * g->rsb + jc * g->csb;
            ptrdiff_t tail = nc % NR;
            if (!g->direct_b)
                FL_TYPED(pack_b)(kc, nc, b, g->rsb, g->csb, NR, Bp);
            else if (tail)
                FL_TYPED(pack_b)(kc, tail, b + (nc - tail), g->rsb, 1, NR, Bp);
            for (ptrdiff_t ic = i0; ic < i1; ic += MC) {         /* loop 3: ic over MC */
                ptrdiff_t mc = i1 - ic < MC ? i1 - ic : MC;
                if (fl_stop_requested()) { /* about 10 ms of work per check */
                    fl_free(heap);
                    return FL_EINTR;
                }
                const FL_T *a = g->A + ic * g->rsa + pc * g->csa;
                if (!g->direct_a) FL_TYPED(pack_a)(mc, kc, a, g->rsa, g->csa, MR, Ap);
                FL_TYPED(macro_kernel)(mc, nc, kc, Ap, g->direct_a ? a : NULL, g->rsa, Bp,
                                       g->direct_b ? b : NULL, g->rsb,
                                       g->C + ic * g->rsc + jc * g->csc, g->rsc, g->csc,
                                       pc > 0 || g->accumulate, K);
            }
        }
    }
    fl_free(heap);
    return FL_OK;
}

static void FL_TYPED(gemm_task)(void *ctx, int tid, int nt)
{
    FL_TYPED(gemm_job) *g = ctx;
    const fl_kernel_table *K = g->K;
    ptrdiff_t i0 = 0, i1 = g->m, j0 = 0, j1 = g->n;
    if (g->split_rows)
        fl_split(g->m, g->direct_a ? K->FL_TYPED(mr_sup) : K->FL_TYPED(mr), tid, nt, &i0, &i1);
    else
        fl_split(g->n, K->FL_TYPED(nr), tid, nt, &j0, &j1);
    g->status[tid] = i0 < i1 && j0 < j1 ? FL_TYPED(gemm_blocked)(g, i0, i1, j0, j1) : FL_OK;
}

/* Threads sharing one packed block of B, as BLIS splits loop 3 among them: at
 * each (jc, pc) step all threads pack B's block together, then each runs loop 3
 * over its own rows with its own packed A. Where each thread packs all of B for
 * itself (gemm_blocked over a row range), both pack the same block and stream
 * two copies of it through the shared L3. Two fl_parallel calls per step, no
 * barrier inside a task: the pool may run the tasks one after another. */
typedef struct {
    FL_TYPED(gemm_job) *g;
    ptrdiff_t jc, nc, pc, kc, MC;
    FL_T *Bp;      /* the shared packed block of B */
    FL_T *Ap;      /* one packed block of A per thread, a_len apart */
    size_t a_len;
} FL_TYPED(gemm_step);

static void FL_TYPED(pack_b_task)(void *ctx, int tid, int nt)
{
    const FL_TYPED(gemm_step) *s = ctx;
    const FL_TYPED(gemm_job) *g = s->g;
    const int NR = g->K->FL_TYPED(nr);
    ptrdiff_t p0, p1;
    fl_split((s->nc + NR - 1) / NR, 1, tid, nt, &p0, &p1);
    if (p0 >= p1) return;
    ptrdiff_t j0 = p0 * NR, cols = (p1 * NR < s->nc ? p1 * NR : s->nc) - j0;
    FL_TYPED(pack_b)(s->kc, cols, g->B + s->pc * g->rsb + (s->jc + j0) * g->csb, g->rsb, g->csb, NR,
                     s->Bp + j0 * s->kc);
}

static void FL_TYPED(rows_task)(void *ctx, int tid, int nt)
{
    const FL_TYPED(gemm_step) *s = ctx;
    FL_TYPED(gemm_job) *g = s->g;
    const int MR = g->K->FL_TYPED(mr);
    FL_T *Ap = s->Ap + (size_t)tid * s->a_len;
    ptrdiff_t i0, i1;
    fl_split(g->m, MR, tid, nt, &i0, &i1);
    for (ptrdiff_t ic = i0; ic < i1; ic += s->MC) {
        ptrdiff_t mc = i1 - ic < s->MC ? i1 - ic : s->MC;
        if (fl_stop_requested()) {
            g->status[tid] = FL_EINTR;
            return;
        }
        FL_TYPED(pack_a)(mc, s->kc, g->A + ic * g->rsa + s->pc * g->csa, g->rsa, g->csa, MR, Ap);
        FL_TYPED(macro_kernel)(mc, s->nc, s->kc, Ap, NULL, g->rsa, s->Bp, NULL, g->rsb,
                               g->C + ic * g->rsc + s->jc * g->csc, g->rsc, g->csc,
                               s->pc > 0 || g->accumulate, g->K);
    }
}

static int FL_TYPED(gemm_shared_b)(FL_TYPED(gemm_job) *g, int nt)
{
    const int MR = g->K->FL_TYPED(mr), NR = g->K->FL_TYPED(nr);
    const ptrdiff_t KC = FL_GEMM_KC, MC = FL_GEMM_MC / MR * MR, NC = FL_GEMM_NC / NR * NR;
    ptrdiff_t kc_max = g->k < KC ? g->k : KC;
    ptrdiff_t nc_max = g->n < NC ? (g->n + NR - 1) / NR * NR : NC;
    ptrdiff_t rows = (g->m + nt - 1) / nt;
    ptrdiff_t mc_max = rows < MC ? (rows + MR - 1) / MR * MR : MC;
    FL_TYPED(gemm_step) s = {g, 0, 0, 0, 0, MC, NULL, NULL, (size_t)(kc_max * mc_max)};
    s.a_len = (s.a_len + FL_ALIGN / sizeof(FL_T) - 1) / (FL_ALIGN / sizeof(FL_T)) * (FL_ALIGN / sizeof(FL_T));
    s.Bp = fl_malloc(sizeof(FL_T) * (size_t)(kc_max * nc_max));
    s.Ap = fl_malloc(sizeof(FL_T) * s.a_len * (size_t)nt);
    int st = s.Bp && s.Ap ? FL_OK : FL_ENOMEM;
    for (s.jc = 0; st == FL_OK && s.jc < g->n; s.jc += NC) {
        s.nc = g->n - s.jc < NC ? g->n - s.jc : NC;
        for (s.pc = 0; st == FL_OK && s.pc < g->k; s.pc += KC) {
            s.kc = g->k - s.pc < KC ? g->k - s.pc : KC;
            fl_parallel(FL_TYPED(pack_b_task), &s, nt);
            fl_parallel(FL_TYPED(rows_task), &s, nt);
            for (int t = 0; t < nt; t++)
                if (g->status[t] != FL_OK) st = g->status[t];
        }
    }
    fl_free(s.Bp), fl_free(s.Ap);
    return st;
}

static int FL_TYPED(gemm_run)(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const FL_T *A, ptrdiff_t rsa, ptrdiff_t csa,
                              const FL_T *B, ptrdiff_t rsb, ptrdiff_t csb, FL_T *C, ptrdiff_t rsc, ptrdiff_t csc,
                              int nthreads, int accumulate)
{
    if (m < 0 || n < 0 || k < 0) return FL_EINVAL;
    if (m == 0 || n == 0) return FL_OK;
    /* A column-major C as C^T = B^T A^T: its rows have unit stride, so its
     * tiles go straight to C instead of through a buffer and a strided copy */
    if (csc != 1 && rsc == 1)
        return FL_TYPED(gemm_run)(n, m, k, B, csb, rsb, A, csa, rsa, C, csc, 1, nthreads, accumulate);
    double work = (double)m * (double)n * (double)k;
    if (k == 0 || work < FL_GEMM_SMALL) {
        FL_TYPED(gemm_small)(m, n, k, A, rsa, csa, B, rsb, csb, C, rsc, csc, accumulate);
        return FL_OK;
    }
    FL_TYPED(gemm_job) g;
    g.m = m, g.n = n, g.k = k;
    g.A = A, g.B = B, g.C = C;
    g.rsa = rsa, g.csa = csa, g.rsb = rsb, g.csb = csb, g.rsc = rsc, g.csc = csc;
    g.accumulate = accumulate;
    int nt = fl_threads_for(work, FL_GEMM_GRAIN);
    if (nthreads > 0 && nthreads < nt) nt = nthreads;
    g.split_rows = m >= n;
    /* Packing A pays for large products; for small ones (up to 256^3, config.h)
     * reading row-major A in place was measured up to 1.6x faster at 32^3.
     * Nor does it pay when B is a few columns wide: each panel of A would be
     * used once or twice, so packing costs as much as the product reads
     * (2000 x 2000 times 2000 x 10, 1 thread: 12 ms packing A, 5.5 ms not). */
    g.direct_a = csa == 1 && (work <= FL_GEMM_DIRECT_A_MAX_WORK || n <= FL_GEMM_DIRECT_A_MAX_N);
    /* Nor packing B, for the same small products when B too is row-major: its
     * rows are read in place, NR values apart from the next panel's (64^3: 6.3 us
     * reading B in place, 8.2 packing it). */
    g.direct_b = g.direct_a && csb == 1 && work <= FL_GEMM_DIRECT_A_MAX_WORK;
    g.K = fl_kernels();
    for (int t = 0; t < nt; t++) g.status[t] = FL_OK;
    if (nt > 1 && g.split_rows && !g.direct_a) return FL_TYPED(gemm_shared_b)(&g, nt);
    fl_parallel(FL_TYPED(gemm_task), &g, nt);
    for (int t = 0; t < nt; t++)
        if (g.status[t] != FL_OK) return g.status[t];
    return FL_OK;
}

int FL_TYPED(fl_gemm)(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const FL_T *A, ptrdiff_t rsa,
                      ptrdiff_t csa, const FL_T *B, ptrdiff_t rsb, ptrdiff_t csb, FL_T *C,
                      ptrdiff_t rsc, ptrdiff_t csc, int nthreads)
{
    return FL_TYPED(gemm_run)(m, n, k, A, rsa, csa, B, rsb, csb, C, rsc, csc, nthreads, 0);
}

/* C += A B (internal.h) */
int FL_TYPED(fl_gemm_add)(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const FL_T *A, ptrdiff_t rsa, ptrdiff_t csa,
                          const FL_T *B, ptrdiff_t rsb, ptrdiff_t csb, FL_T *C, ptrdiff_t rsc, ptrdiff_t csc)
{
    return FL_TYPED(gemm_run)(m, n, k, A, rsa, csa, B, rsb, csb, C, rsc, csc, 0, 1);
}
