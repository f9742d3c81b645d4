"""fastla: linear algebra kernels in hand-written C, with plain-Python twins.

    import fastla as fl
    fl.dot(x, y), fl.norm(x), fl.cosine_similarity(X, Y), fl.top_k(Q, C, k)
    fl.matmul(A, B)             # blocked GEMM; fastla.ladder shows how it is built
    fl.power_iteration(A), fl.eigh(A), fl.top_eigs(A, k), fl.pca(X, n_components)
    fl.svd(A), fl.randomized_svd(A, k)
    fastla.naive.<same names>   # the same maths in plain Python loops
"""

import os as _os

import numpy as _np

from fastla import _core
from fastla._core import get_num_threads, set_isa, set_num_threads
from fastla.decomposition import (ConvergenceError, eigh, pca, power_iteration, randomized_svd, svd,
                                  top_eigs)
from fastla.linalg import matmul
from fastla.vector import cosine_similarity, dot, norm, top_k

__version__ = "0.1.0"

__all__ = [
    "dot",
    "norm",
    "cosine_similarity",
    "top_k",
    "matmul",
    "power_iteration",
    "top_eigs",
    "eigh",
    "pca",
    "svd",
    "randomized_svd",
    "ConvergenceError",
    "set_num_threads",
    "get_num_threads",
    "set_isa",
    "info",
    "release_memory",
]

if _os.environ.get("FASTLA_ISA"):
    _core._apply_env_isa(_os.environ["FASTLA_ISA"])


def info():
    """What fastla runs with: version, SIMD path in use and available, threads."""
    return {
        "version": __version__,
        "isa": _core.isa(),
        "isas": _core.isas(),
        "threads": get_num_threads(),
        "cpu_count": _core.cpu_count(),
        "numpy": _np.__version__,
    }


def release_memory():
    """Gives back to the system the memory fastla keeps between calls for the
    next one: its kernels' large workspace blocks (at most 16 blocks, 64 MB) and
    the buffers of the last two whole-image results freed."""
    _core.release_workspace()
    _core.release_image_buffers()
