/* mf_sgd_tmpl.h: the SGD loop over a range of positions (see mf.h for the updates),
 * included once per ISA with FL_MF_SGD_RANGE naming the function: by mf.c for the
 * generic build and by mf_sgd_avx2.c for AVX2 + FMA, so the compiler can vectorise
 * the k-long loops for each instruction set. Same operations in the same order. */

#ifndef FL_MF_PREFETCH_DEFINED
#define FL_MF_PREFETCH_DEFINED
#if defined(__GNUC__) || defined(__clang__)
#define FL_MF_PREFETCH(p) __builtin_prefetch(p)
#else
#define FL_MF_PREFETCH(p) ((void)(p))
#endif
/* Ratings in random order reach random rows of P and Q (and, through order, random
 * entries of the id arrays): each one a cache miss that the next rating's work
 * cannot hide. So the ids of the rating FL_MF_AHEAD*2 places ahead, then the rows
 * of the one FL_MF_AHEAD places ahead, are prefetched; prefetches change no result. */
#define FL_MF_AHEAD 6

static inline void fl_mf_prefetch_row(const float *row, ptrdiff_t k)
{
    for (ptrdiff_t f = 0; f < k; f += 16) FL_MF_PREFETCH(row + f); /* 16 floats: a 64-byte line */
    FL_MF_PREFETCH(row + k - 1);
}
#endif

/* p . q is summed in eight interleaved partial sums (lanes f mod 8), so the adds
 * do not wait on each other and fit one SIMD register; p and q are different rows
 * (a user's and an item's), hence restrict. */
void FL_MF_SGD_RANGE(const fl_mf_sgd_args *c, int64_t lo, int64_t hi, double *sse, int *bad)
{
    /* everything in locals: the compiler need not reload it after each store */
    const ptrdiff_t k = c->k, n_users = c->n_users, n_items = c->n_items;
    const float lr = c->lr, rb = c->reg_bias, rf = c->reg_factor, mu = c->mu;
    const int32_t *users = c->users, *items = c->items;
    const float *ratings = c->ratings;
    const int64_t *order = c->order;
    float *bu = c->bu, *bi = c->bi, *P = c->P, *Q = c->Q;
    double acc = 0.0;
    int any_bad = 0;
    for (int64_t t = lo; t < hi; t++) {
        if (t + 2 * FL_MF_AHEAD < hi) {
            int64_t jf = order ? order[t + 2 * FL_MF_AHEAD] : t + 2 * FL_MF_AHEAD;
            FL_MF_PREFETCH(users + jf);
            FL_MF_PREFETCH(items + jf);
            FL_MF_PREFETCH(ratings + jf);
        }
        if (t + FL_MF_AHEAD < hi) {
            int64_t jf = order ? order[t + FL_MF_AHEAD] : t + FL_MF_AHEAD;
            int32_t uf = users[jf], itf = items[jf];
            if (uf >= 0 && uf < n_users && itf >= 0 && itf < n_items && k > 0) {
                fl_mf_prefetch_row(P + (ptrdiff_t)uf * k, k);
                fl_mf_prefetch_row(Q + (ptrdiff_t)itf * k, k);
                FL_MF_PREFETCH(bu + uf);
                FL_MF_PREFETCH(bi + itf);
            }
        }
        int64_t j = order ? order[t] : t;
        int32_t u = users[j], i = items[j];
        if (u < 0 || u >= n_users || i < 0 || i >= n_items) {
            any_bad = 1;
            continue;
        }
        float *restrict p = P + (ptrdiff_t)u * k;
        float *restrict q = Q + (ptrdiff_t)i * k;
        float lane[8] = {0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f};
        ptrdiff_t f = 0;
        for (; f + 8 <= k; f += 8)
            for (int l = 0; l < 8; l++) lane[l] += p[f + l] * q[f + l];
        float tail = 0.0f;
        for (; f < k; f++) tail += p[f] * q[f];
        float dot = ((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7])) + tail;
        float e = ratings[j] - (mu + bu[u] + bi[i] + dot);
        acc += (double)e * e;
        bu[u] += lr * (e - rb * bu[u]);
        bi[i] += lr * (e - rb * bi[i]);
        for (f = 0; f < k; f++) {
            float pf = p[f], qf = q[f];
            p[f] = pf + lr * (e * qf - rf * pf);
            q[f] = qf + lr * (e * pf - rf * qf);
        }
    }
    *sse = acc;
    if (any_bad) *bad = 1;
}
