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


# ---- found in the C core: columns of subnormal size in the Jacobi SVD and its QR ------------
# All came from randomized_svd on matrices of rank exactly 1 (the long fuzz runs); the
# inputs of the failing C calls are stored in tests/data. Columns whose entries (float32)
# or squares (float64) are subnormal are now left out of the rotations and completed
# instead, and float32 reflectors take their length in double.

DATA = __import__("pathlib").Path(__file__).parent / "data"


@pytest.fixture
def on_isa():
    from fastla import _core
    before = _core.isa()
    yield lambda name: fastla.set_isa(name) if name in _core.isas() else pytest.skip(f"no {name}")
    fastla.set_isa(before)


def test_svd_generic_float32_converges(on_isa):
    """A 13 x 15 float32 matrix, numerically of rank 1 (s = 1.63, then 7e-8 and below):
    avx2 and avx512 converged, generic did not in 60 sweeps."""
    on_isa("generic")
    B = np.load(DATA / "svd_no_convergence_generic_f32.npy")
    s = fastla.svd(B, compute_uv=False)
    np.testing.assert_allclose(s[0], np.linalg.svd(B.astype(np.float64), compute_uv=False)[0], rtol=1e-5)


def test_orthonormal_avx2_float32_rank_one(on_isa):
    """The 31 x 9 float32 block of the range finder, of rank 1: the avx2 path returned
    Q with |Q^T Q - I| = 0.04 (generic and avx512: 4e-7 and 1e-6)."""
    from fastla import _core
    on_isa("avx2")
    Y = np.load(DATA / "orthonormal_rank1_avx2_f32.npy")
    Q = _core.orthonormal(Y).astype(np.float64)
    assert np.linalg.norm(Q.T @ Q - np.eye(Q.shape[1])) <= 30 * 31 * np.finfo(np.float32).eps


def test_svd_rank_one_vt_orthonormal():
    """The 39 x 39 float64 matrix B = Q^T A of randomized_svd on a matrix of equal rows
    (rank 1; s = 15.27, then 1.9e-32 and below): U S Vt reproduces B to 1e-31 but
    |Vt Vt^T - I| was 3.4 on every SIMD path, so randomized_svd's U was wrong too."""
    B = np.load(DATA / "svd_rank1_vt_not_orthonormal_f64.npy")
    U, s, Vt = fastla.svd(B)
    assert np.linalg.norm(B - (U * s) @ Vt) <= 1e-13 * s[0]
    assert np.linalg.norm(U.T @ U - np.eye(39)) <= 30 * 39 * np.finfo(np.float64).eps
    assert np.linalg.norm(Vt @ Vt.T - np.eye(39)) <= 30 * 39 * np.finfo(np.float64).eps


@pytest.mark.parametrize("row", [
    np.array([3.53163055e305, -3.71068759e305, 1.79888032e306, 2.94653469e305]),
    np.float32([3.1e37, -2.9e37, 1.7e38, 2.2e37]),
], ids=["float64", "float32"])
def test_pca_of_equal_rows_near_overflow(row):
    """Equal rows near the largest number: the column sums overflowed (float32), or
    centring by the rounded mean left differences whose squares overflowed (float64),
    and pca raised 'eigh: A contains NaN or Inf' although every variance is 0.
    X is now scaled by a power of two first."""
    components, variance, mean = fastla.pca(np.tile(row, (5, 1)), 2)
    assert variance.dtype == mean.dtype == row.dtype
    np.testing.assert_array_equal(variance, 0)
    np.testing.assert_allclose(mean, row, rtol=4 * np.finfo(row.dtype).eps)
    assert np.isfinite(components).all()


def test_svd_equal_rows_u_orthonormal():
    """13 equal rows (rank 1, s = 140.5 then 3e-15 and below): U S Vt reproduces A to
    2e-14 but |U^T U - I| = 1.73 (three wrong columns) on every SIMD path. With 2, 3
    or 5 rows, or another row, U is orthonormal: the same family as the rank-1 case
    above (the singular vectors of the (near-)zero singular values)."""
    row = [-7, -2, 0, 2, 3, 0, -9, 4, 8, 3, 7, 7, 2, 2, -7, 1, 5, 5, 6, -5, 6, -8, -3, -8, -2, 0,
           -9, -2, 9, -6, 5, -3, -8, 3, 9, 4, 4, 5, -5, -4, -3, -9, 0, 5, 0, 3, -2, -1, -4, -2, -5,
           4, 5, 7, 3, -7, -2, -5]
    A = np.tile(np.array(row, dtype=np.float64), (13, 1))
    U, s, Vt = fastla.svd(A)
    assert np.linalg.norm(A - (U * s) @ Vt) <= 1e-13 * s[0]
    assert np.linalg.norm(U.T @ U - np.eye(13)) <= 30 * 58 * np.finfo(np.float64).eps
