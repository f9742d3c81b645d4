/* cholesky.c: the inverse of the Cholesky factor of a small Gram matrix, for
 * randomized_svd's normalisation between power iterations (W = Y R^-1 has
 * orthonormal columns when R^T R = Y^T Y). Plain loops: n is the sketch's
 * width, tens of columns, so this is microseconds next to the products. */
#include "../internal.h"

#include <math.h>

int fl_cholesky_inverse_f64(ptrdiff_t n, double *G, double min_pivot)
{
    if (n < 0 || !(min_pivot >= 0)) return FL_EINVAL;
    /* R in G's upper triangle, row by row: r_jj^2 = g_jj - sum_{i<j} r_ij^2, and
     * r_jk = (g_jk - sum_{i<j} r_ij r_ik) / r_jj. A pivot below min_pivot times
     * its diagonal entry means Y^T Y is too near singular: FL_ENOCONV. */
    for (ptrdiff_t j = 0; j < n; j++) {
        double d = G[j * n + j];
        for (ptrdiff_t i = 0; i < j; i++) d -= G[i * n + j] * G[i * n + j];
        if (!(d > min_pivot * G[j * n + j]) || !(d > 0)) return FL_ENOCONV;
        const double r = sqrt(d);
        G[j * n + j] = r;
        for (ptrdiff_t k = j + 1; k < n; k++) {
            double s = G[j * n + k];
            for (ptrdiff_t i = 0; i < j; i++) s -= G[i * n + j] * G[i * n + k];
            G[j * n + k] = s / r;
        }
    }
    /* X = R^-1 in place, bottom row first: row j of R X = I gives x_jj = 1 / r_jj
     * and x_jk = -(sum_{j<i<=k} r_ji x_ik) / r_jj; rows below j already hold X,
     * and row j is overwritten from the right, after its r_ji (i < k) are read. */
    for (ptrdiff_t j = n - 1; j >= 0; j--) {
        const double r = G[j * n + j];
        for (ptrdiff_t k = n - 1; k > j; k--) {
            double s = 0;
            for (ptrdiff_t i = j + 1; i <= k; i++) s += G[j * n + i] * G[i * n + k];
            G[j * n + k] = -s / r;
        }
        G[j * n + j] = 1.0 / r;
    }
    for (ptrdiff_t j = 0; j < n; j++)
        for (ptrdiff_t k = 0; k < j; k++) G[j * n + k] = 0;
    return FL_OK;
}
