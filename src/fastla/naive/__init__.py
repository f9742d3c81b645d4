"""fastla.naive: every fastla kernel again in plain Python loops.

The learner's reference and the tests' oracle: the same public names as fastla,
taking lists (or arrays) and returning lists. Imports nothing from the rest of
fastla, and no NumPy."""

from fastla.naive.gemm import matmul
from fastla.naive.vector import cosine_similarity, dot, norm, top_k

__all__ = ["dot", "norm", "cosine_similarity", "top_k", "matmul"]
