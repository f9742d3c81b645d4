"""fastla.naive: every fastla kernel again in plain Python loops.

The learner's reference and the tests' oracle: the same public names as fastla,
taking lists (or arrays) and returning lists. The algorithms use no NumPy and
nothing from the rest of fastla; the one exception is eigen.py, which raises
fastla's own ConvergenceError and draws power iteration's random start vector
with NumPy's generator (so a seed starts both versions from the same vector)."""

from fastla.naive.eigen import eigh, power_iteration
from fastla.naive.gemm import matmul
from fastla.naive.vector import cosine_similarity, dot, norm, top_k

__all__ = ["dot", "norm", "cosine_similarity", "top_k", "matmul", "power_iteration", "eigh"]
