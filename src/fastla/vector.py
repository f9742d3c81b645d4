"""Vectors and similarity: dot, norm, cosine_similarity and top_k search.

Shape handling lives here, in Python, where it reads easily; the arithmetic is
done by the C core through fastla._core."""

import operator

import numpy as np

from fastla import _core

dot = _core.dot
norm = _core.norm


def _as_matrix(a, what, name):
    """(2-D array, was_1d): a 1-D vector becomes one row."""
    a = np.asarray(a)
    if a.ndim == 1:
        return a[np.newaxis, :], True
    if a.ndim != 2:
        raise ValueError(f"{what}: {name} has shape {a.shape}; expected a 1-D or 2-D array")
    return a, False


def cosine_similarity(X, Y=None):
    """Cosine similarity x.y / (|x| |y|) between rows of X and rows of Y (X itself
    if Y is None), like scikit-learn: X (m, d) and Y (n, d) give an (m, n) array;
    two 1-D vectors give a scalar; a 1-D and a 2-D argument give a 1-D array.
    A zero vector has similarity 0 with everything."""
    X2, x1 = _as_matrix(X, "cosine_similarity", "X")
    Y2, y1 = (X2, x1) if Y is None else _as_matrix(Y, "cosine_similarity", "Y")
    if X2.shape[1] != Y2.shape[1]:
        raise ValueError(
            f"cosine_similarity: X has shape {np.shape(X)} and Y has shape {np.shape(Y)}; "
            "their vectors must have the same length"
        )
    S = _core.pairwise(X2, Y2, "cosine")
    if x1 and y1:
        return S[0, 0]
    if x1:
        return S[0]
    if y1:
        return S[:, 0]
    return S


def top_k(queries, catalog, k, metric="cosine"):
    """The k rows of `catalog` (n, d) that score best against each query.

    metric is "cosine" (x.y / (|x| |y|)) or "dot" (x.y). Returns (indices, scores),
    int64 and the input's float dtype, best first, ties to the lower index, NaN
    scores last: shape (m, k) for queries (m, d), (k,) for one query (d,).
    The scores are computed tile by tile; the (m, n) score matrix is never formed."""
    k = operator.index(k)
    C = np.asarray(catalog)
    if C.ndim != 2:
        raise ValueError(f"top_k: catalog has shape {C.shape}; expected a 2-D array (n, d)")
    Q, single = _as_matrix(queries, "top_k", "queries")
    if Q.shape[1] != C.shape[1]:
        raise ValueError(
            f"top_k: queries have shape {np.shape(queries)} and catalog has shape {C.shape}; "
            "their vectors must have the same length"
        )
    if not 0 <= k <= C.shape[0]:
        raise ValueError(f"top_k: k={k} must be between 0 and the catalogue's {C.shape[0]} rows")
    idx, scores = _core.topk(Q, C, k, metric)
    return (idx[0], scores[0]) if single else (idx, scores)
