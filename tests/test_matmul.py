"""fastla.matmul against NumPy: shapes around every block edge of the kernels,
strides and transposes, out=, vector shapes, every SIMD path; large sizes by the
BLIS check (C t against A (B t) for a random vector t)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fastla
from fastla import _core

DTYPES = [np.float32, np.float64]
EPS = {np.float32: np.finfo(np.float32).eps, np.float64: np.finfo(np.float64).eps}


def assert_product(C, A, B, dtype):
    """|C - A B| <= c k eps |A| |B| elementwise: the classic GEMM error bound."""
    A64, B64 = np.atleast_2d(A).astype(np.float64), np.atleast_2d(B).astype(np.float64)
    if np.ndim(B) == 1:
        B64 = B64.T
    ref = A64 @ B64
    bound = 4 * max(1, A64.shape[1]) * EPS[dtype] * (np.abs(A64) @ np.abs(B64)) + np.finfo(dtype).tiny
    err = np.abs(np.asarray(C, np.float64).reshape(ref.shape) - ref)
    assert np.all(err <= bound), f"max error / bound {np.max(err / bound):.3g}"




@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("m", [1, 5, 6, 7, 8, 9, 11, 12, 13, 15, 16, 17, 33])
def test_small_edges(m, dtype, isa, rng):
    for n in (1, 7, 8, 9, 15, 16, 17, 31, 32, 33):
        for k in (1, 3, 17):
            A, B = rng.standard_normal((m, k)).astype(dtype), rng.standard_normal((k, n)).astype(dtype)
            C = fastla.matmul(A, B)
            assert C.dtype == dtype and C.shape == (m, n)
            assert_product(C, A, B, dtype)
            # a column-major A is packed, where a row-major one this small is read in place
            assert_product(fastla.matmul(np.asfortranarray(A), B), A, B, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
# around csrc/config.h's blocks: KC 512, MC 126, NC 4080 (f64) / 4096 (f32); the last one small
# enough to be read in place, over more than one KC
@pytest.mark.parametrize("mkn", [(125, 511, 17), (127, 513, 40), (126, 512, 33), (47, 511, 4081),
                                 (253, 1025, 70), (29, 512, 4097), (393, 255, 15), (9, 1100, 47)])
def test_block_edges(mkn, dtype, isa, rng):
    m, k, n = mkn
    A, B = rng.standard_normal((m, k)).astype(dtype), rng.standard_normal((k, n)).astype(dtype)
    assert_product(fastla.matmul(A, B), A, B, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_strides_and_transposes(dtype, isa, rng):
    base_a = rng.standard_normal((150, 160)).astype(dtype)
    base_b = rng.standard_normal((160, 170)).astype(dtype)
    As = [base_a[:70, :80], base_a[::2, ::2], base_a.T[:80, :70].T, base_a[::-1, ::-3][:70, :50], np.asfortranarray(base_a[:70, :80])]
    for A in As:
        k = A.shape[1]
        Bs = [base_b[:k, :90], base_b[:k * 2:2, ::-1][:, :90], base_b.T[:90, :k].T, np.asfortranarray(base_b[:k, :90])]
        for B in Bs:
            assert_product(fastla.matmul(A, B), A, B, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_out_is_honoured(dtype, rng, isa):
    A, B = rng.standard_normal((60, 40)).astype(dtype), rng.standard_normal((40, 50)).astype(dtype)
    out = np.full((60, 50), np.nan, dtype)
    assert fastla.matmul(A, B, out=out) is out
    assert_product(out, A, B, dtype)
    big = np.zeros((120, 100), dtype)
    view = big[::2, ::2]
    fastla.matmul(A, B, out=view)
    assert_product(big[::2, ::2], A, B, dtype)
    assert np.all(big[1::2] == 0)
    fview = np.zeros((50, 60), dtype).T
    fastla.matmul(A, B, out=fview)
    assert_product(fview, A, B, dtype)


def test_out_overlapping_an_input_is_as_if_no_overlap(rng):
    A = rng.standard_normal((30, 30))
    B = rng.standard_normal((30, 30))
    expected = A @ B
    fastla.matmul(A, B, out=A)
    np.testing.assert_allclose(A, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("layout", ["disjoint rows", "shifted columns", "reversed", "interleaved"])
def test_out_sharing_a_buffer_with_an_input(layout, rng):
    """out in the same buffer as B: apart from it, overlapping it shifted or
    reversed, or interleaved with it (the spans cross though no element is
    shared). Every case gives A @ B as computed before the call."""
    buf = rng.standard_normal((16, 24))  # small: C's rows are written while B's are read
    A = rng.standard_normal((8, 8))
    if layout == "disjoint rows":
        B, out = buf[:8, :12], buf[8:16, :12]
    elif layout == "shifted columns":
        B, out = buf[:8, :12], buf[:8, 4:16]
    elif layout == "reversed":
        B, out = buf[:8, :12], buf[7::-1, 11::-1]
    else:
        B, out = buf[:8, 0:24:2], buf[:8, 1:24:2]
    expected = A @ B
    assert fastla.matmul(A, B, out=out) is out
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)


def test_out_errors():
    A, B = np.ones((3, 4)), np.ones((4, 5))
    with pytest.raises(ValueError, match=r"\(3, 6\).*\(3, 5\)"):
        fastla.matmul(A, B, out=np.empty((3, 6)))
    with pytest.raises(TypeError, match="float32"):
        fastla.matmul(A, B, out=np.empty((3, 5), np.float32))
    with pytest.raises(TypeError, match="ndarray"):
        fastla.matmul(A, B, out=[[0] * 5] * 3)
    ro = np.empty((3, 5))
    ro.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        fastla.matmul(A, B, out=ro)


@pytest.mark.parametrize("dtype", DTYPES)
def test_vector_shapes_like_numpy(dtype, rng):
    A = rng.standard_normal((9, 7)).astype(dtype)
    x, y = rng.standard_normal(7).astype(dtype), rng.standard_normal(9).astype(dtype)
    for left, right in [(A, x), (y, A), (x, x), (A[:, :1], x[None, :]), (A, A.T)]:
        got, ref = fastla.matmul(left, right), np.matmul(left.astype(np.float64), right.astype(np.float64))
        assert np.shape(got) == ref.shape
        np.testing.assert_allclose(got, ref, rtol=50 * EPS[dtype], atol=50 * EPS[dtype] * 10)
    out = np.empty(9, dtype)
    assert fastla.matmul(A, x, out=out) is out
    np.testing.assert_allclose(out, A.astype(np.float64) @ x, rtol=50 * EPS[dtype], atol=1e-4)


def test_empty_shapes_like_numpy():
    for a, b in [((0, 3), (3, 4)), ((2, 0), (0, 4)), ((2, 3), (3, 0)), ((0, 0), (0, 0))]:
        A, B = np.ones(a), np.ones(b)
        got = fastla.matmul(A, B)
        np.testing.assert_array_equal(got, np.matmul(A, B))


def test_dtypes_and_nan_propagation():
    A = np.arange(6, dtype=np.int32).reshape(2, 3)
    assert fastla.matmul(A, A.T).dtype == np.float64
    assert fastla.matmul(A.astype(np.float32), A.T.astype(np.float64)).dtype == np.float64
    B = np.ones((3, 300))
    B[1, 7] = np.nan
    C = fastla.matmul(np.ones((200, 3)), B)
    assert np.isnan(C[:, 7]).all() and not np.isnan(np.delete(C, 7, axis=1)).any()
    with pytest.raises(TypeError, match="complex"):
        fastla.matmul(np.ones((2, 2), complex), np.ones((2, 2)))
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(4, 2\)"):
        fastla.matmul(np.ones((2, 3)), np.ones((4, 2)))
    with pytest.raises(ValueError, match="1-D or 2-D"):
        fastla.matmul(np.ones((2, 2, 2)), np.ones((2, 2)))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", [700, 1500])
def test_large_by_the_blis_check(n, dtype, isa, rng, threads):
    """C t and A (B t) agree: the product is checked in O(n^2), not O(n^3)."""
    for nt in (1, 2):
        fastla.set_num_threads(nt)
        A = rng.standard_normal((n, n + 13)).astype(dtype)
        B = rng.standard_normal((n + 13, n - 7)).astype(dtype)
        C = fastla.matmul(A, B).astype(np.float64)
        t = rng.standard_normal(n - 7)
        lhs, rhs = C @ t, A.astype(np.float64) @ (B.astype(np.float64) @ t)
        scale = np.abs(A).astype(np.float64) @ (np.abs(B).astype(np.float64) @ np.abs(t))
        assert np.all(np.abs(lhs - rhs) <= 4 * (n + 13) * EPS[dtype] * scale)


@pytest.mark.parametrize("transposed_b", [False, True])
def test_threads_share_packed_b_over_several_column_blocks(transposed_b, rng, threads):
    """Two threads share each packed block of B; C here spans two blocks of NC
    columns and two of KC, through a row-major B and a transposed one."""
    fastla.set_num_threads(2)
    m, k, n = 4200, 530, 4100
    A = rng.standard_normal((m, k)).astype(np.float32)
    B = rng.standard_normal((n, k)).astype(np.float32).T if transposed_b else \
        rng.standard_normal((k, n)).astype(np.float32)
    C = fastla.matmul(A, B)
    t = rng.standard_normal(n)
    lhs, rhs = C.astype(np.float64) @ t, A.astype(np.float64) @ (B.astype(np.float64) @ t)
    scale = np.abs(A).astype(np.float64) @ (np.abs(B).astype(np.float64) @ np.abs(t))
    assert np.all(np.abs(lhs - rhs) <= 4 * k * EPS[np.float32] * scale)


@settings(max_examples=40, deadline=None)
@given(m=st.integers(0, 70), k=st.integers(0, 70), n=st.integers(0, 70),
       dtype=st.sampled_from(DTYPES), ta=st.booleans(), tb=st.booleans(), data=st.data())
def test_hypothesis_shapes(m, k, n, dtype, ta, tb, data):
    seed = data.draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((k, m)).astype(dtype).T if ta else rng.standard_normal((m, k)).astype(dtype)
    B = rng.standard_normal((n, k)).astype(dtype).T if tb else rng.standard_normal((k, n)).astype(dtype)
    assert_product(fastla.matmul(A, B), A, B, dtype)
