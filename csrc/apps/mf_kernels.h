/* mf_kernels.h: what mf.c shares with its per-ISA loop (mf_sgd_avx2.c). */
#ifndef FASTLA_APPS_MF_KERNELS_H
#define FASTLA_APPS_MF_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/* The arguments of one SGD epoch (mf.h), as the loop over a range reads them. */
typedef struct {
    const int32_t *users, *items;
    const float *ratings;
    const int64_t *order;
    ptrdiff_t n_users, n_items, k;
    float mu, lr, reg_bias, reg_factor;
    float *bu, *bi, *P, *Q;
} fl_mf_sgd_args;

/* The updates of mf.h for positions [lo, hi), in order: *sse = sum of e^2, and
 * *bad = 1 if an id was out of range (that rating is skipped). */
void fl_mf_sgd_range_generic(const fl_mf_sgd_args *c, int64_t lo, int64_t hi, double *sse, int *bad);
void fl_mf_sgd_range_avx2(const fl_mf_sgd_args *c, int64_t lo, int64_t hi, double *sse, int *bad);

#endif
