/* config.h: block sizes and thresholds, as named constants, in one place. */
#ifndef FASTLA_CONFIG_H
#define FASTLA_CONFIG_H

#define FL_ALIGN 64            /* workspace alignment: one cache line, one zmm */
#define FL_MAX_THREADS 256

/* Micro-kernel register tiles (MR rows broadcast x NR columns in vectors). */
#define FL_GENERIC_MR_F64 4
#define FL_GENERIC_NR_F64 8
#define FL_GENERIC_MR_F32 4
#define FL_GENERIC_NR_F32 8
#ifndef FL_AVX2_MR_F64
#define FL_AVX2_MR_F64 6        /* 6 x 2 ymm accumulators = 12 of 16 registers */
#endif
#define FL_AVX2_NR_F64 8
#ifndef FL_AVX2_MR_F32
#define FL_AVX2_MR_F32 6
#endif
#define FL_AVX2_NR_F32 16
#ifndef FL_AVX512_MR_F64
#define FL_AVX512_MR_F64 14     /* 14 x 2 zmm accumulators = 28 of 32 registers */
#endif
#ifndef FL_AVX512_NR_F64
#define FL_AVX512_NR_F64 16
#endif
#ifndef FL_AVX512_MR_F32
#define FL_AVX512_MR_F32 14     /* 14 x 2 zmm accumulators, as for f64 */
#endif
#ifndef FL_AVX512_NR_F32
#define FL_AVX512_NR_F32 32
#endif
/* The tiles that read A (and small B) in place, unpacked: each of their rows of A
 * is a pointer of its own, so they are kept to as many rows as the integer
 * registers hold with B's and C's pointers (gemm/ukernel.h). */
#ifndef FL_AVX512_MR_SUP_F64
#define FL_AVX512_MR_SUP_F64 8
#endif
#ifndef FL_AVX512_MR_SUP_F32
#define FL_AVX512_MR_SUP_F32 8
#endif
#define FL_AVX2_MR_SUP_F64 FL_AVX2_MR_F64
#define FL_AVX2_MR_SUP_F32 FL_AVX2_MR_F32
#define FL_GENERIC_MR_SUP_F64 FL_GENERIC_MR_F64
#define FL_GENERIC_MR_SUP_F32 FL_GENERIC_MR_F32
#define FL_MAX_MR 16
#define FL_MAX_NR 32

/* GEMM cache blocks (BLIS's names): the MC x KC block of A lives in L2, the
 * KC x NC block of B in L3. KC was measured on a Cascade Lake (AVX-512) with the
 * micro-kernel prefetching B: 512 beat 320 and 384 by 3-8% at n = 512 to 2048
 * (builds called in turns), although a KC x NR micro-panel of B then lives in
 * L2, not L1: C's tile is loaded and stored once per KC steps, and at 2048 C
 * comes from memory, so fewer passes over it pay more than L1 hits on B.
 * Every constant here can be overridden with -D... for tuning. */
#ifndef FL_GEMM_KC_F64
#define FL_GEMM_KC_F64 512
#endif
#ifndef FL_GEMM_MC_F64
#define FL_GEMM_MC_F64 126      /* 9 micro-panels of 14 rows: 504 KiB of A */
#endif
#ifndef FL_GEMM_NC_F64
#define FL_GEMM_NC_F64 4080
#endif
#ifndef FL_GEMM_KC_F32
#define FL_GEMM_KC_F32 512
#endif
#ifndef FL_GEMM_MC_F32
#define FL_GEMM_MC_F32 126
#endif
#ifndef FL_GEMM_NC_F32
#define FL_GEMM_NC_F32 4096
#endif
#ifndef FL_GEMM_SMALL
#define FL_GEMM_SMALL 4096.0    /* below m*n*k this, plain loops beat the kernels */
#endif
#ifndef FL_GEMM_DIRECT_A_MAX_WORK
/* up to this m*n*k (256^3), row-major A (and B) are not packed: with both read in
 * place on the 8-row tile, 256^3 float32 went from 0.91 to 0.99 of NumPy and
 * float64 from 1.03 to 1.21 (1 thread); from 320^3 up it made no difference */
#define FL_GEMM_DIRECT_A_MAX_WORK 16777216.0
#endif
#ifndef FL_GEMM_DIRECT_A_MAX_N
#define FL_GEMM_DIRECT_A_MAX_N 64 /* B this narrow or narrower: row-major A is not packed */
#endif
#define FL_GEMM_GRAIN 4.0e6     /* multiply-adds per thread */
#ifndef FL_GEMM_STACK_BYTES
#define FL_GEMM_STACK_BYTES 32768 /* packed blocks up to this size live on the stack */
#endif

/* Scoring tiles (pairwise and top-k): a catalogue tile is packed once and kept in
 * L2 while blocks of queries are scored against it. */
#define FL_SCORE_KC 256           /* depth of one pass over packed panels */
#define FL_SCORE_TILE_BYTES (256 * 1024)  /* packed catalogue tile, at most */
#define FL_SCORE_MAX_NB 512       /* catalogue rows in a tile, at most */
#define FL_SCORE_MB 56            /* queries scored together, at most (rounded to MR) */
#define FL_TOPK_GEMV_MAX_M 4      /* up to this many queries: stream rows, no packing */

/* Threading: below these amounts of work a second thread does not pay. */
#define FL_DOT_GRAIN 32768.0      /* elements per thread for dot and nrm2 */
#define FL_SCORE_GRAIN 2.0e6      /* multiply-adds per thread for scoring */

/* Jacobi eigensolver: rotations are made on copies of blocks of FL_JACOBI_BLOCK
 * columns (and pairs of them), then applied to the rest by the GEMM. 32 was
 * the fastest at n = 500 (16, 24, 48 and 64 measured); jacobi_pairs keeps a
 * (2 FL_JACOBI_BLOCK)^2 buffer on the stack, 32 KB in float64. */
#ifndef FL_JACOBI_BLOCK
#define FL_JACOBI_BLOCK 32
#endif
/* A block pair whose rotations move at most this many of its rows (late
 * sweeps) has just those rows multiplied, a GEMM of FEW^2 n, not (2 BLOCK)^2 n. */
#ifndef FL_JACOBI_FEW
#define FL_JACOBI_FEW 16
#endif

/* Overrides at build time (-D...) must keep the buffers sized by these limits
 * large enough, and every cache block at least one register tile. */
_Static_assert(FL_AVX512_MR_F64 <= FL_MAX_MR && FL_AVX512_MR_F32 <= FL_MAX_MR &&
                   FL_AVX2_MR_F64 <= FL_MAX_MR && FL_AVX2_MR_F32 <= FL_MAX_MR &&
                   FL_GENERIC_MR_F64 <= FL_MAX_MR && FL_GENERIC_MR_F32 <= FL_MAX_MR,
               "an MR exceeds FL_MAX_MR");
_Static_assert(FL_AVX512_NR_F64 <= FL_MAX_NR && FL_AVX512_NR_F32 <= FL_MAX_NR &&
                   FL_AVX2_NR_F64 <= FL_MAX_NR && FL_AVX2_NR_F32 <= FL_MAX_NR &&
                   FL_GENERIC_NR_F64 <= FL_MAX_NR && FL_GENERIC_NR_F32 <= FL_MAX_NR,
               "an NR exceeds FL_MAX_NR");
_Static_assert(FL_GEMM_MC_F64 >= FL_MAX_MR && FL_GEMM_MC_F32 >= FL_MAX_MR &&
                   FL_GEMM_NC_F64 >= FL_MAX_NR && FL_GEMM_NC_F32 >= FL_MAX_NR &&
                   FL_GEMM_KC_F64 >= 1 && FL_GEMM_KC_F32 >= 1 && FL_SCORE_MB >= FL_MAX_MR,
               "a cache block is smaller than a register tile");

#endif
