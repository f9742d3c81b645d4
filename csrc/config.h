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
#define FL_AVX2_MR_F64 6        /* 6 x 2 ymm accumulators = 12 of 16 registers */
#define FL_AVX2_NR_F64 8
#define FL_AVX2_MR_F32 6
#define FL_AVX2_NR_F32 16
#define FL_AVX512_MR_F64 12     /* 12 x 2 zmm accumulators = 24 of 32 registers */
#define FL_AVX512_NR_F64 16
#define FL_AVX512_MR_F32 12
#define FL_AVX512_NR_F32 32
#define FL_MAX_MR 12
#define FL_MAX_NR 32

/* GEMM cache blocks (BLIS's names): a KC x NR micro-panel of B stays in L1 while
 * the MC x KC block of A streams from L2; the KC x NC block of B lives in L3. */
#define FL_GEMM_KC_F64 256
#define FL_GEMM_MC_F64 192      /* a multiple of every MR for f64 */
#define FL_GEMM_NC_F64 4080
#define FL_GEMM_KC_F32 384
#define FL_GEMM_MC_F32 192
#define FL_GEMM_NC_F32 4096
#define FL_GEMM_SMALL 32768.0   /* below m*n*k this, packing does not pay */
#define FL_GEMM_GRAIN 4.0e6     /* multiply-adds per thread */

/* Scoring tiles (pairwise and top-k): a catalogue tile is packed once and kept in
 * L2 while blocks of queries are scored against it. */
#define FL_SCORE_KC 256           /* depth of one pass over packed panels */
#define FL_SCORE_TILE_BYTES (256 * 1024)  /* packed catalogue tile, at most */
#define FL_SCORE_MAX_NB 512       /* catalogue rows in a tile, at most */
#define FL_SCORE_MB 48            /* queries scored together (a multiple of every MR) */
#define FL_TOPK_GEMV_MAX_M 4      /* up to this many queries: stream rows, no packing */

/* Threading: below these amounts of work a second thread does not pay. */
#define FL_DOT_GRAIN 65536.0      /* elements per thread for dot and nrm2 */
#define FL_SCORE_GRAIN 2.0e6      /* multiply-adds per thread for scoring */

#endif
