"""The GEMM ladder: the same product C = A @ B, one optimisation at a time.

    import fastla.ladder as ladder
    ladder.STEPS                     # ['naive', 'loop_order', ..., 'threads']
    ladder.matmul(A, B, step="blocking")

Each step is one C file in csrc/ladder/ (gemm_01_naive.c, ...) with the same
signature, opening with a paragraph on what changed from the step before and why
it is faster. `fastla bench ladder` times them all. float64 only: the ladder is
about the loops, not the types."""

import numpy as np

from fastla import _core

STEPS = [name for name, _ in _core.ladder_steps()]


def usable(step):
    """True if this CPU can run the step (simd_avx2 needs AVX2 and FMA)."""
    return dict(_core.ladder_steps())[_index_name(step)]


def _index_name(step):
    if step not in STEPS:
        raise ValueError(f"ladder: unknown step {step!r}; the steps are {', '.join(STEPS)}")
    return step


def matmul(A, B, step="threads"):
    """A @ B (2-D, float64) computed by one step of the ladder."""
    name = _index_name(step)
    if not usable(name):
        raise ValueError(f"ladder: step {name!r} cannot run on this CPU")
    A = np.ascontiguousarray(_core.as_float_operand(A, "ladder.matmul", "A"), dtype=np.float64)
    B = np.ascontiguousarray(_core.as_float_operand(B, "ladder.matmul", "B"), dtype=np.float64)
    if A.ndim != 2 or B.ndim != 2 or A.shape[1] != B.shape[0]:
        raise ValueError(f"ladder.matmul: A has shape {A.shape} and B has shape {B.shape}; "
                         "expected 2-D arrays with A's columns matching B's rows")
    return _core.ladder_run(STEPS.index(name), A, B)
