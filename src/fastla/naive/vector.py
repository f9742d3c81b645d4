"""Vectors and similarity in plain Python: the textbook version of fastla.vector.

Every function loops over Python lists, one multiplication at a time, so each
line can be read against the formula in its comment."""

import math

from fastla.naive._lists import as_matrix, as_vector


def dot(x, y):
    """x . y = sum_i x_i * y_i"""
    x, y = as_vector(x, "x"), as_vector(y, "y")
    if len(x) != len(y):
        raise ValueError(f"dot: x has {len(x)} entries and y has {len(y)}")
    total = 0.0
    for i in range(len(x)):
        total += x[i] * y[i]
    return total


def norm(x):
    """|x| = sqrt(sum_i x_i^2), computed as s * sqrt(sum_i (x_i / s)^2) with
    s = max_i |x_i|, so that squaring neither overflows (1e200^2) nor underflows
    (1e-200^2) on the way to a result that fits."""
    if hasattr(x, "tolist"):
        x = x.tolist()
    x = _flatten(x)
    s = 0.0
    for v in x:
        if math.isnan(v):
            return math.nan
        s = max(s, abs(v))
    if s == 0.0 or math.isinf(s):
        return s
    total = 0.0
    for v in x:
        total += (v / s) * (v / s)
    return s * math.sqrt(total)


def _flatten(x):
    out = []
    for v in x:
        if isinstance(v, (list, tuple)):
            out.extend(_flatten(v))
        else:
            out.append(float(v))
    return out


def _cosine(x, y):
    """cos(x, y) = x . y / (|x| |y|), and 0 when either vector is zero"""
    nx, ny = norm(x), norm(y)
    if nx == 0.0 or ny == 0.0:
        return 0.0
    return dot(x, y) / (nx * ny)


def cosine_similarity(X, Y=None):
    """S[i][j] = cos(X_i, Y_j) for every row X_i of X and Y_j of Y (Y = X if None).
    Two vectors give a number; a vector and a matrix give a list."""
    X, x1 = as_matrix(X, "X")
    Y, y1 = (X, x1) if Y is None else as_matrix(Y, "Y")
    if X and Y and len(X[0]) != len(Y[0]):
        raise ValueError(f"cosine_similarity: vectors of length {len(X[0])} and {len(Y[0])}")
    S = [[_cosine(x, y) for y in Y] for x in X]
    if x1 and y1:
        return S[0][0]
    if x1:
        return S[0]
    if y1:
        return [row[0] for row in S]
    return S


def top_k(queries, catalog, k, metric="cosine"):
    """For each query q, the k catalogue rows c_j with the highest score(q, c_j)
    (cosine or dot), best first; ties go to the lower index j, NaN scores last.
    Returns (indices, scores): lists of k for one query, lists of lists for many."""
    if metric not in ("cosine", "dot"):
        raise ValueError(f"top_k: metric must be 'cosine' or 'dot', got {metric!r}")
    Q, single = as_matrix(queries, "queries")
    C, _ = as_matrix(catalog, "catalog")
    if not 0 <= k <= len(C):
        raise ValueError(f"top_k: k={k} must be between 0 and the catalogue's {len(C)} rows")
    score = _cosine if metric == "cosine" else dot
    all_indices, all_scores = [], []
    for q in Q:
        scored = [(score(q, c), j) for j, c in enumerate(C)]
        # best first: real scores before NaN, higher score first, then lower index
        scored.sort(key=lambda sj: (math.isnan(sj[0]), 0.0 if math.isnan(sj[0]) else -sj[0], sj[1]))
        all_indices.append([j for _, j in scored[:k]])
        all_scores.append([s for s, _ in scored[:k]])
    if single:
        return all_indices[0], all_scores[0]
    return all_indices, all_scores
