"""The registry the tests are generated from: each public function with its
naive twin, a NumPy reference, and a maker of random arguments.

A case's `make(rng, dtype, size)` returns positional arguments for all three
implementations; `size` is "small" (the naive twin finishes at once) or
"medium" (around the block sizes of the C kernels)."""

from dataclasses import dataclass
from typing import Callable

import numpy as np

import fastla
import fastla.naive as naive

# Relative tolerances per dtype, scaled by sqrt(length of the sums) where used.
RTOL = {np.float32: 2e-6, np.float64: 4e-15}


def np_norm_rows(A):
    n = np.linalg.norm(A, axis=-1, keepdims=True)
    return np.divide(A, n, out=np.zeros_like(A), where=n > 0)


def np_cosine(X, Y):
    return np_norm_rows(X) @ np_norm_rows(Y).T


def np_top_k(Q, C, k, metric="cosine"):
    """Reference scores (float64) and indices, best first, ties to lower index."""
    Q64, C64 = np.atleast_2d(Q).astype(np.float64), C.astype(np.float64)
    S = np_cosine(Q64, C64) if metric == "cosine" else Q64 @ C64.T
    order = np.lexsort((np.broadcast_to(np.arange(S.shape[1]), S.shape), -S), axis=-1)[:, :k]
    return order, np.take_along_axis(S, order, axis=1), S


@dataclass
class Case:
    name: str
    fast: Callable
    slow: Callable
    reference: Callable
    make: Callable
    depth: Callable  # length of the sums behind one output value, for the tolerance


def _vectors(rng, dtype, size):
    n = {"small": 37, "medium": 100_003}[size]
    return rng.standard_normal(n).astype(dtype), rng.standard_normal(n).astype(dtype)


def _matrices(rng, dtype, size):
    m, n, d = {"small": (5, 7, 9), "medium": (131, 1029, 70)}[size]
    return rng.standard_normal((m, d)).astype(dtype), rng.standard_normal((n, d)).astype(dtype)


def _search(rng, dtype, size):
    Q, C = _matrices(rng, dtype, size)
    return Q, C, 4


def _product(rng, dtype, size):
    m, k, n = {"small": (5, 6, 7), "medium": (203, 517, 129)}[size]
    return rng.standard_normal((m, k)).astype(dtype), rng.standard_normal((k, n)).astype(dtype)


CASES = [
    Case("dot", fastla.dot, naive.dot, np.dot, _vectors, lambda a: a[0].shape[0]),
    Case("norm", fastla.norm, naive.norm, np.linalg.norm, lambda r, t, s: _vectors(r, t, s)[:1],
         lambda a: a[0].shape[0]),
    Case("cosine_similarity", fastla.cosine_similarity, naive.cosine_similarity, np_cosine, _matrices,
         lambda a: a[0].shape[1]),
    Case("top_k", fastla.top_k, naive.top_k, lambda Q, C, k: np_top_k(Q, C, k)[:2], _search,
         lambda a: a[0].shape[1]),
    Case("matmul", fastla.matmul, naive.matmul, np.matmul, _product, lambda a: a[0].shape[1]),
]
