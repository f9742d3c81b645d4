"""Bugs the fuzz tests (test_fuzz.py) found, each pinned by a direct test."""

import numpy as np
import pytest

import fastla


def test_set_isa_none_is_a_type_error():
    with pytest.raises(TypeError, match="str"):
        fastla.set_isa(None)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("far", ["overflow", "underflow"])
def test_randomized_svd_near_overflow_and_underflow(dtype, far):
    """A Omega overflowed (NaN, or a ConvergenceError) for entries near the dtype's
    largest number, and underflowed near the smallest; A is now scaled first."""
    rng = np.random.default_rng(3)
    B = rng.standard_normal((3, 6))
    B /= np.linalg.norm(B, 2)  # s_max = 1: the scaled singular values fit the dtype
    info = np.finfo(dtype)
    exponent = info.maxexp - 1 if far == "overflow" else info.minexp - info.nmant + 12
    A = np.ldexp(B, exponent).astype(dtype)
    ref = np.linalg.svd(np.ldexp(A.astype(np.float64), -exponent), compute_uv=False)
    for n_iter in (0, 1, 4):
        U, s, Vt = fastla.randomized_svd(A, 3, n_iter=n_iter, random_state=0)
        assert s.dtype == dtype
        # subnormal singular values carry fewer bits: an absolute error of the smallest one
        np.testing.assert_allclose(np.ldexp(s.astype(np.float64), -exponent), ref,
                                   rtol=100 * info.eps,
                                   atol=np.ldexp(4 * float(info.smallest_subnormal), -exponent))
        assert np.isfinite(U).all() and np.isfinite(Vt).all()


@pytest.mark.parametrize("shape", [(3, 4), (4,)])
def test_matmul_into_an_unaligned_out(shape):
    """An unaligned `out` (a legal NumPy array) was refused with ValueError."""
    rng = np.random.default_rng(5)
    A = rng.standard_normal((3, 5)) if len(shape) == 2 else rng.standard_normal(5)
    B = rng.standard_normal((5, 4))
    buf = np.zeros(np.prod(shape) * 8 + 1, np.uint8)
    out = buf[1:].view(np.float64).reshape(shape)
    assert not out.flags.aligned
    assert fastla.matmul(A, B, out=out) is out
    np.testing.assert_allclose(out, A @ B, rtol=1e-13)
