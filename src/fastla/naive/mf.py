"""Rating prediction by matrix factorisation in plain Python: the textbook version
of the C kernels in csrc/apps/mf.c (one SGD epoch, one ALS half-step).

The model predicts user u's rating of item i as

    r_ui ~ mu + b_u + b_i + p_u . q_i

with a global mean mu, a bias per user and per item, and k-dimensional factor
vectors p_u (rows of P) and q_i (rows of Q). Everything is lists of floats, and
the functions return new lists; they take the same arguments, in the same order,
as the fast versions and visit the ratings in the same order, so the results
agree to float32 rounding."""

import math

from fastla.naive._lists import as_matrix, as_vector


def sgd_epoch(users, items, ratings, mu, bu, bi, P, Q, lr, reg_bias, reg_factor, order=None, block_start=None):
    """One epoch of stochastic gradient descent; returns (bu, bi, P, Q, sse).

    For each rating, in order (order[t] when given), with e = r - prediction:
        b_u <- b_u + lr (e - reg_bias b_u)
        b_i <- b_i + lr (e - reg_bias b_i)
        p_u <- p_u + lr (e q_i - reg_factor p_u)
        q_i <- q_i + lr (e p_u - reg_factor q_i)      (with p_u from before the step)
    This follows the gradient of (r - prediction)^2 / 2 plus the ridge penalties.
    With block_start (T*T + 1 offsets into the positions), sub-epoch s visits the
    strata (a, (a + s) % T) for a = 0..T-1, the order the fast version's threads
    are equivalent to (its strata share no user or item). sse = sum of e^2."""
    bu, bi = as_vector(bu, "bu"), as_vector(bi, "bi")
    P, Q = as_matrix(P, "P")[0], as_matrix(Q, "Q")[0]
    users, items, ratings = list(users), list(items), as_vector(ratings, "ratings")
    n = len(ratings)
    positions = list(order) if order is not None else list(range(n))
    if block_start is None:
        block_start = [0, n]
    block_start = [int(b) for b in block_start]
    T = int(round(math.sqrt(len(block_start) - 1)))
    sse = 0.0
    for s in range(T):
        for a in range(T):
            b = (a + s) % T
            for t in range(block_start[a * T + b], block_start[a * T + b + 1]):
                j = positions[t]
                u, i, r = int(users[j]), int(items[j]), ratings[j]
                p, q = P[u], Q[i]
                dot = 0.0
                for f in range(len(p)):
                    dot += p[f] * q[f]
                e = r - (mu + bu[u] + bi[i] + dot)
                sse += e * e
                bu[u] += lr * (e - reg_bias * bu[u])
                bi[i] += lr * (e - reg_bias * bi[i])
                for f in range(len(p)):
                    pf, qf = p[f], q[f]
                    p[f] = pf + lr * (e * qf - reg_factor * pf)
                    q[f] = qf + lr * (e * pf - reg_factor * qf)
    return bu, bi, P, Q, sse


def als_step(indptr, other, ratings, mu, Y, y_bias, X, x_bias, reg_factor, reg_bias):
    """One half-step of alternating least squares; returns (X, x_bias).

    For each row u (a user, or an item when the roles are swapped) with ratings
    r_t against columns c = other[t], t in indptr[u] .. indptr[u+1]-1, and n_u of
    them: the features are z_t = (y_c, 1) (no 1 when x_bias is None) and the
    targets t_t = r_t - mu - y_bias[c]. The new (x_u, b_u) minimises
        sum_t (t_t - z_t . (x_u, b_u))^2 + n_u (reg_factor |x_u|^2 + reg_bias b_u^2)
    so it solves (sum z z^T + n_u D) w = sum t z, D = diag(reg_factor.., reg_bias),
    by Cholesky. A row with no ratings gets zeros."""
    Y = as_matrix(Y, "Y")[0]
    X = [list(row) for row in as_matrix(X, "X")[0]]
    k = len(Y[0]) if Y else len(X[0]) if X else 0
    with_bias = x_bias is not None
    x_bias = as_vector(x_bias, "x_bias") if with_bias else None
    y_bias = as_vector(y_bias, "y_bias") if y_bias is not None else None
    m = k + (1 if with_bias else 0)
    for u in range(len(X)):
        lo, hi = int(indptr[u]), int(indptr[u + 1])
        if hi <= lo:
            X[u] = [0.0] * k
            if with_bias:
                x_bias[u] = 0.0
            continue
        A = [[0.0] * m for _ in range(m)]
        rhs = [0.0] * m
        for t in range(lo, hi):
            c = int(other[t])
            z = list(Y[c]) + ([1.0] if with_bias else [])
            target = float(ratings[t]) - mu - (y_bias[c] if y_bias is not None else 0.0)
            for a in range(m):
                for b in range(m):
                    A[a][b] += z[a] * z[b]
                rhs[a] += target * z[a]
        for f in range(k):
            A[f][f] += (hi - lo) * reg_factor
        if with_bias:
            A[k][k] += (hi - lo) * reg_bias
        w = cholesky_solve(A, rhs)
        X[u] = w[:k]
        if with_bias:
            x_bias[u] = w[k]
    return X, x_bias


def cholesky_solve(A, b):
    """w with A w = b for a symmetric positive definite A: A = L L^T, then
    L y = b (forward) and L^T w = y (backward). ValueError if a pivot is not
    positive (A is not positive definite)."""
    A, _ = as_matrix(A, "A")
    b = as_vector(b, "b")
    m = len(b)
    L = [[0.0] * m for _ in range(m)]
    for j in range(m):
        d = A[j][j] - sum(L[j][p] * L[j][p] for p in range(j))
        if not d > 0.0:
            raise ValueError(f"cholesky_solve: pivot {j} is {d}; the matrix is not positive definite")
        L[j][j] = math.sqrt(d)
        for i in range(j + 1, m):
            L[i][j] = (A[i][j] - sum(L[i][p] * L[j][p] for p in range(j))) / L[j][j]
    y = [0.0] * m
    for i in range(m):
        y[i] = (b[i] - sum(L[i][p] * y[p] for p in range(i))) / L[i][i]
    w = [0.0] * m
    for i in range(m - 1, -1, -1):
        w[i] = (y[i] - sum(L[p][i] * w[p] for p in range(i + 1, m))) / L[i][i]
    return w
