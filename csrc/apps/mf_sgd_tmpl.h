/* mf_sgd_tmpl.h: the SGD loop over a range of positions (see mf.h for the updates),
 * included once per ISA with FL_MF_SGD_RANGE naming the function: by mf.c for the
 * generic build and by mf_sgd_avx2.c for AVX2 + FMA, so the compiler can vectorise
 * the k-long loops for each instruction set. Same operations in the same order. */

/* p . q is summed in eight interleaved partial sums (lanes f mod 8), so the adds
 * do not wait on each other and fit one SIMD register; p and q are different rows
 * (a user's and an item's), hence restrict. */
void FL_MF_SGD_RANGE(const fl_mf_sgd_args *c, int64_t lo, int64_t hi, double *sse, int *bad)
{
    const ptrdiff_t k = c->k;
    const float lr = c->lr, rb = c->reg_bias, rf = c->reg_factor;
    double acc = 0.0;
    for (int64_t t = lo; t < hi; t++) {
        int64_t j = c->order ? c->order[t] : t;
        int32_t u = c->users[j], i = c->items[j];
        if (u < 0 || u >= c->n_users || i < 0 || i >= c->n_items) {
            *bad = 1;
            continue;
        }
        float *restrict p = c->P + (ptrdiff_t)u * k;
        float *restrict q = c->Q + (ptrdiff_t)i * k;
        float lane[8] = {0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f};
        ptrdiff_t f = 0;
        for (; f + 8 <= k; f += 8)
            for (int l = 0; l < 8; l++) lane[l] += p[f + l] * q[f + l];
        float tail = 0.0f;
        for (; f < k; f++) tail += p[f] * q[f];
        float dot = ((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7])) + tail;
        float e = c->ratings[j] - (c->mu + c->bu[u] + c->bi[i] + dot);
        acc += (double)e * e;
        c->bu[u] += lr * (e - rb * c->bu[u]);
        c->bi[i] += lr * (e - rb * c->bi[i]);
        for (f = 0; f < k; f++) {
            float pf = p[f], qf = q[f];
            p[f] = pf + lr * (e * qf - rf * pf);
            q[f] = qf + lr * (e * pf - rf * qf);
        }
    }
    *sse = acc;
}
