"""Rank-k compression of a small grayscale image, in plain Python: the
textbook version of fastla.apps.compressor.compress(img, rank=k, mode="gray").

An image is a matrix of brightness values. Its singular value decomposition
writes it as a sum of rank-one layers, largest first:

    A = s_1 u_1 v_1^T + s_2 u_2 v_2^T + ... + s_r u_r v_r^T

Keeping the first k layers gives the best rank-k approximation there is
(Eckart-Young): its squared error, summed over the pixels, is exactly
s_{k+1}^2 + ... + s_r^2. Storing it takes k (m + n + 1) numbers instead of
m n. The first layer carries the overall brightness (the mean, shaded by row
and by column); the next ones the picture's broad shapes, then finer detail.

The fast version also quantises the vectors and writes a file; this one
returns the numbers and the rebuilt image, to read and to check against."""

from fastla.naive._lists import as_matrix
from fastla.naive.svd import svd


def compress_gray(image, k):
    """(s, U, Vt, approx): the rank-k approximation of the grayscale image (a
    list of rows of numbers 0..255). s holds the k largest singular values of
    the image, U its k left singular vectors as the
    columns of an m x k list of rows, Vt the right ones as k rows; approx is
    the rebuilt image, rounded and clipped to 0..255 like a uint8 image."""
    rows, was_1d = as_matrix(image, "image")
    if was_1d:
        raise ValueError("compress_gray: image is 1-D; expected a list of rows")
    m, n = len(rows), len(rows[0]) if rows else 0
    if m == 0 or n == 0:
        raise ValueError("compress_gray: image is empty")
    if int(k) != k or not 1 <= k <= min(m, n):
        raise ValueError(f"compress_gray: k is {k}; expected 1 <= k <= min(m, n) = {min(m, n)}")
    k = int(k)
    U_full, s_full, Vt_full = svd(rows)
    U = [row[:k] for row in U_full]
    s = s_full[:k]
    Vt = Vt_full[:k]
    # approx_ij = sum_l s_l U_il Vt_lj, then rounded and clipped
    approx = []
    for i in range(m):
        out = []
        for j in range(n):
            value = 0.0
            for l in range(k):
                value += s[l] * U[i][l] * Vt[l][j]
            out.append(min(255, max(0, round(value))))
        approx.append(out)
    return s, U, Vt, approx


def squared_error(image, approx):
    """sum_ij (a_ij - b_ij)^2: by Eckart-Young, before rounding, the sum of the
    squares of the singular values left out."""
    rows, _ = as_matrix(image, "image")
    other, _ = as_matrix(approx, "approx")
    return sum((a - b) ** 2 for ra, rb in zip(rows, other) for a, b in zip(ra, rb))
