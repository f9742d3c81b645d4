"""The singular value decomposition in plain Python: the textbook version of
fastla.svd.

Every real m x n matrix is A = U diag(s) Vt: U (m x k) and Vt (k x n),
k = min(m, n), have orthonormal columns and rows, and s >= 0. One-sided Jacobi
(Hestenes 1958) finds them by rotating pairs of columns of A until all its
columns are orthogonal:

    A J_1 J_2 ... J_r = B,   B's columns orthogonal to each other

The product of the rotations is V (orthogonal, so A = B V^T), the lengths of
B's columns are the singular values, and B's columns divided by their lengths
are U's. It is Jacobi's eigenvalue method (fastla.naive.eigh) applied to
A^T A, without ever forming A^T A: the three numbers one rotation needs,
|a_p|^2, |a_q|^2 and a_p . a_q, are exactly the entries of A^T A at (p, p),
(q, q) and (p, q).

fastla.svd runs the same rotations in C, after a pivoted QR factorisation that
makes them fewer and more accurate; this version rotates A itself, with plain
loops over lists, so each line can be read against the formula in its comment.

One thing comes from outside fastla.naive, on purpose: ConvergenceError, so the
twin fails with the very exception the fast version raises."""

import math

from fastla.decomposition import ConvergenceError
from fastla.naive._lists import as_matrix
from fastla.naive.vector import norm

MAX_SWEEPS = 60  # Jacobi converges quadratically: a handful of sweeps is usual
EPS = 2.220446049250313e-16  # float64 machine epsilon, 2^-52


def _matrix(A):
    """(A as a list of rows, m, n), checked 2-D and finite. The shape of an empty
    array is read from .shape, since [] alone cannot say how many columns it had."""
    shape = getattr(A, "shape", None)
    if hasattr(A, "tolist"):
        A = A.tolist()
    A = list(A)
    if shape is not None and len(shape) != 2:
        raise ValueError(f"svd: A has shape {tuple(shape)}; expected a 2-D array")
    if A and isinstance(A[0], (list, tuple)) and A[0] and isinstance(A[0][0], (list, tuple)):
        raise ValueError("svd: A is nested three deep; expected a 2-D array (a list of rows)")
    rows, was_1d = as_matrix(A, "A")
    if was_1d:
        raise ValueError(f"svd: A has shape ({len(rows[0])},); expected a 2-D array")
    for row in rows:
        for v in row:
            if not math.isfinite(v):
                raise ValueError("svd: A contains NaN or Inf")
    m = len(rows)
    n = len(rows[0]) if rows else (shape[1] if shape is not None else 0)
    return rows, m, n


def _complete(columns, length, wanted):
    """Add unit vectors to the orthonormal `columns` (each a list of `length`
    numbers) until there are `wanted`: e_0, e_1, ... in turn, each made
    orthogonal to every column so far by Gram-Schmidt (twice: the second pass
    removes what rounding left of the first) and kept if at least half of it
    remains, so that dividing by its length is safe."""
    columns = [list(col) for col in columns]
    e = 0
    while len(columns) < wanted:
        w = [1.0 if i == e else 0.0 for i in range(length)]
        e += 1
        for _ in range(2):
            for col in columns:
                # w <- w - (col . w) col
                d = 0.0
                for i in range(length):
                    d += col[i] * w[i]
                for i in range(length):
                    w[i] -= d * col[i]
        w_norm = norm(w)
        if w_norm > 0.5:
            columns.append([v / w_norm for v in w])
    return columns


def _positive_largest(v):
    """+1 or -1: the sign that makes v's largest |component| positive (the first
    one, if several tie), the convention of fastla.svd and scikit-learn."""
    big = 0
    for i in range(1, len(v)):
        if abs(v[i]) > abs(v[big]):
            big = i
    return -1.0 if v[big] < 0 else 1.0


def svd(A, full_matrices=False, compute_uv=True):
    """The singular value decomposition A = U diag(s) Vt, like numpy.linalg.svd.

    Returns s (descending, >= 0), or (U, s, Vt) with U and Vt lists of rows:
    U is m x k and Vt k x n, k = min(m, n); with full_matrices U is m x m and
    Vt n x n, completed to orthonormal bases. Each of the first k rows of Vt has
    its largest |entry| positive, and U's matching column the sign that keeps
    A = U S Vt.

    A wide matrix (m < n) is decomposed through its transpose: if
    A^T = U' S V'^T then A = V' S U'^T. On the columns a_0, ..., a_{c-1} of the
    tall matrix (r rows, r >= c), cyclic Jacobi: for each pair p < q in turn,

        alpha = |a_p|^2,  beta = |a_q|^2,  gamma = a_p . a_q
        skip the pair if |gamma| <= tol * sqrt(alpha) * sqrt(beta)
        zeta = (beta - alpha) / (2 gamma)
        t = sign(zeta) / (|zeta| + sqrt(1 + zeta^2)),  c = 1 / sqrt(1 + t^2),  s = t c
        a_p, a_q <- c a_p - s a_q,  s a_p + c a_q      (now a_p . a_q = 0)

    and the same rotation on the columns of V (started at the identity). The
    test is relative to the two columns, tol = sqrt(r) * eps, not to |A|: small
    singular values keep their relative accuracy (Demmel & Veselic 1992). A
    sweep over all pairs that rotates nothing ends the method; after MAX_SWEEPS
    sweeps it raises ConvergenceError with the estimate so far in .best."""
    rows, m, n = _matrix(A)
    wide = m < n
    # the tall matrix M (r x c, r >= c): A, or A^T for a wide A
    if wide:
        r, c = n, m
        M = [[rows[i][j] for i in range(m)] for j in range(n)]
    else:
        r, c = m, n
        M = rows
    # its columns, as lists: a[j][i] = M[i][j]
    a = [[M[i][j] for i in range(r)] for j in range(c)]
    # V = I, kept as columns too: v[j] is column j of V
    v = [[1.0 if i == j else 0.0 for i in range(c)] for j in range(c)] if compute_uv else None
    tol = math.sqrt(r) * EPS

    converged = c < 2  # one column (or none) is orthogonal to everything already
    sweeps = 0
    while not converged and sweeps < MAX_SWEEPS:
        sweeps += 1
        rotations = 0
        for p in range(c - 1):
            for q in range(p + 1, c):
                ap, aq = a[p], a[q]
                alpha = beta = gamma = 0.0
                for i in range(r):
                    alpha += ap[i] * ap[i]
                    beta += aq[i] * aq[i]
                    gamma += ap[i] * aq[i]
                if abs(gamma) <= tol * math.sqrt(alpha) * math.sqrt(beta):
                    continue  # orthogonal to working precision (or a column is zero)
                # the rotation that makes a_p . a_q zero: t = tan(phi) solves
                # t^2 + 2 zeta t - 1 = 0; the smaller root, |phi| <= pi/4,
                # written so that nothing cancels (Rutishauser)
                zeta = (beta - alpha) / (2.0 * gamma)
                if abs(zeta) > 1e150:
                    t = 0.5 / zeta  # zeta^2 would overflow; 1 / (2 zeta) is the root here
                else:
                    sign = 1.0 if zeta >= 0 else -1.0
                    t = sign / (abs(zeta) + math.sqrt(1.0 + zeta * zeta))
                cs = 1.0 / math.sqrt(1.0 + t * t)
                sn = t * cs
                # a_p' = c a_p - s a_q,  a_q' = s a_p + c a_q
                for i in range(r):
                    x, y = ap[i], aq[i]
                    ap[i] = cs * x - sn * y
                    aq[i] = sn * x + cs * y
                # V <- V J: columns p and q of V turn the same way
                if compute_uv:
                    vp, vq = v[p], v[q]
                    for i in range(c):
                        x, y = vp[i], vq[i]
                        vp[i] = cs * x - sn * y
                        vq[i] = sn * x + cs * y
                rotations += 1
        converged = rotations == 0

    # singular values: the column lengths, descending (a stable sort keeps equal
    # ones in column order)
    lengths = [norm(col) for col in a]
    order = sorted(range(c), key=lambda j: -lengths[j])
    s = [lengths[j] for j in order]
    if not compute_uv:
        if not converged:
            raise ConvergenceError(f"svd: one-sided Jacobi did not converge in {sweeps} sweeps",
                                   best=s, iterations=sweeps)
        return s

    # left singular vectors: the columns divided by their lengths. Where a length
    # is zero there is no direction to divide out, and Gram-Schmidt supplies one
    # orthogonal to the rest, as it does the extra columns of full_matrices (the
    # zero singular values come last, so the supplied columns fall in place)
    left = [[x / s[k] for x in a[j]] for k, j in enumerate(order) if s[k] > 0]
    left = _complete(left, r, r if full_matrices else c)
    right = [v[j] for j in order]  # right singular vectors, c of them, orthonormal

    # back to A's orientation, as lists of rows: for a tall A, U = left (as
    # columns) and Vt = right^T; for a wide A the roles swap
    if wide:
        U_cols, Vt_rows = right, left  # A = V' S U'^T
    else:
        U_cols, Vt_rows = left, right
    # the sign convention: the first k = min(m, n) rows of Vt have their largest
    # |entry| positive, and U's matching columns flip with them
    k = min(m, n)
    for i in range(k):
        sign = _positive_largest(Vt_rows[i])
        Vt_rows[i] = [sign * x for x in Vt_rows[i]]
        U_cols[i] = [sign * x for x in U_cols[i]]
    U = [[U_cols[j][i] for j in range(len(U_cols))] for i in range(m)]
    Vt = [list(row) for row in Vt_rows]
    result = (U, s, Vt)
    if not converged:
        raise ConvergenceError(f"svd: one-sided Jacobi did not converge in {sweeps} sweeps",
                               best=result, iterations=sweeps)
    return result
