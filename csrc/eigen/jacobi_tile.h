/* jacobi_tile.h: the tile of the one-sided Jacobi SVD, shared by its kernels
 * (jacobi_kernel.h) and its caller (svd/jacobi_svd_tmpl.h): the columns p0..p3
 * (0..3) against q0..q3 (4..7), sixteen pairs in four steps of four disjoint
 * ones; step t pairs p_i with q_(i+t) mod 4, as rotation 4 t + i. */
#ifndef FASTLA_JACOBI_TILE_H
#define FASTLA_JACOBI_TILE_H
#define FL_TILE_COLS 8
#define FL_TILE_PAIRS 16
#define FL_TILE_Q(t, i) (4 + ((i) + (t)) % 4) /* the column paired with p_i at step t */
#endif
