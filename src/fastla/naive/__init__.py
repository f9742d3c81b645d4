"""fastla.naive: every fastla kernel again in plain Python loops.

The learner's reference and the tests' oracle: the same public names as fastla,
taking lists (or arrays) and returning lists. The algorithms use no NumPy and
nothing from the rest of fastla; the exceptions are eigen.py and svd.py, which
raise fastla's own ConvergenceError, and eigen.py's power iteration, which draws
its random start vector with NumPy's generator (so a seed starts both versions
from the same vector)."""

from fastla.naive.eigen import eigh, power_iteration
from fastla.naive.gemm import matmul
from fastla.naive.svd import svd
from fastla.naive.vector import cosine_similarity, dot, norm, top_k

__all__ = ["dot", "norm", "cosine_similarity", "top_k", "matmul", "power_iteration", "eigh",
           "svd"]

# The image compressor's twin (fastla.apps.compressor): rank-k of a small gray image.
from fastla.naive.compress import compress_gray  # noqa: E402

__all__ += ["compress_gray"]
# image filters (fastla.apps.filters): plain loops on nested lists of pixels
from fastla.naive import image  # noqa: E402

__all__ += ["image"]
