"""fastla's vector kernels against their naive twins (small inputs) and NumPy
(medium inputs), on every SIMD path, float32 and float64; then the properties
each kernel promises: strides, dtypes, overflow, ties, threads."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import fastla
import fastla.naive as naive
from registry import CASES, RTOL, np_cosine, np_top_k

DTYPES = [np.float32, np.float64]


def tolerance(dtype, depth):
    return RTOL[dtype] * max(1.0, math.sqrt(depth)) * 8


def assert_valid_topk(idx, scores, S, k, tol):
    """idx/scores (m, k) are a correct top-k of the reference scores S (m, n)."""
    idx, scores = np.atleast_2d(idx), np.atleast_2d(scores)
    assert idx.shape == scores.shape == (S.shape[0], k)
    for q in range(S.shape[0]):
        assert len(set(idx[q].tolist())) == k
        np.testing.assert_allclose(scores[q], S[q, idx[q]], rtol=tol, atol=tol)
        assert np.all(np.diff(scores[q]) <= tol)
        if k:
            kth_best = np.sort(S[q])[::-1][k - 1]
            assert scores[q].min() >= kth_best - tol


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_fast_equals_naive(case, dtype, isa, rng):
    args = case.make(rng, dtype, "small")
    fast = case.fast(*args)
    slow = case.slow(*args)
    tol = tolerance(dtype, case.depth(args))
    if case.name == "top_k":
        np.testing.assert_array_equal(fast[0], slow[0])
        np.testing.assert_allclose(fast[1], slow[1], rtol=tol, atol=tol)
    else:
        np.testing.assert_allclose(fast, slow, rtol=tol, atol=tol)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_fast_equals_numpy(case, dtype, isa, rng):
    args = case.make(rng, dtype, "medium")
    tol = tolerance(dtype, case.depth(args))
    fast = case.fast(*args)
    if case.name == "top_k":
        Q, C, k = args
        _, _, S = np_top_k(Q, C, k)
        assert_valid_topk(*fast, S, k, tol)
        assert fast[1].dtype == dtype and fast[0].dtype == np.int64
    else:
        ref = case.reference(*[a.astype(np.float64) for a in args])
        np.testing.assert_allclose(fast, ref, rtol=tol, atol=tol * np.max(np.abs(ref)))
        assert np.asarray(fast).dtype == dtype


# ---- dtypes and layouts --------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.uint8, np.float16])
def test_other_reals_become_float64(dtype):
    x = np.arange(1, 6).astype(dtype)
    assert fastla.dot(x, x).dtype == np.float64
    assert fastla.norm(x).dtype == np.float64
    assert fastla.cosine_similarity(x.reshape(1, -1)).dtype == np.float64
    assert fastla.top_k(x.reshape(1, -1), x.reshape(1, -1), 1)[1].dtype == np.float64


def test_mixed_float_widths_give_float64(rng):
    x = rng.standard_normal(10)
    assert fastla.dot(x.astype(np.float32), x).dtype == np.float64
    assert fastla.cosine_similarity(x[None].astype(np.float32), x[None]).dtype == np.float64


def test_lists_are_accepted():
    assert fastla.dot([1, 2, 3], [4, 5, 6]) == 32.0
    assert fastla.norm([3, 4]) == 5.0


@pytest.mark.parametrize("dtype", DTYPES)
def test_strided_and_reversed_views(dtype, isa, rng):
    base = rng.standard_normal((300, 40)).astype(dtype)
    views = {
        "every other": base[::2, ::3],
        "reversed": base[::-1, ::-1],
        "fortran": np.asfortranarray(base[:150, :13]),
        "transposed": base[:13, :150].T,
    }
    tol = tolerance(dtype, 300)
    for name, V in views.items():
        x = V[:, 0]
        np.testing.assert_allclose(fastla.dot(x, V[:, 1]), np.dot(x.astype(np.float64), V[:, 1]),
                                   rtol=tol, atol=tol, err_msg=name)
        np.testing.assert_allclose(fastla.norm(V), np.linalg.norm(V.astype(np.float64)), rtol=tol, err_msg=name)
        np.testing.assert_allclose(fastla.cosine_similarity(V, V[:7]), np_cosine(V.astype(np.float64), V[:7]),
                                   rtol=tol, atol=tol, err_msg=name)
        _, _, S = np_top_k(V[:9], V, 3)
        assert_valid_topk(*fastla.top_k(V[:9], V, 3), S, 3, tol)


def test_non_native_byte_order():
    x = np.arange(10, dtype=">f8")
    assert fastla.dot(x, x) == np.dot(x.astype(np.float64), x)


# ---- dot and norm ---------------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
def test_dot_propagates_nan_and_inf(dtype, isa):
    x = np.ones(1000, dtype)
    y = x.copy()
    y[500] = np.nan
    assert np.isnan(fastla.dot(x, y))
    y[500] = np.inf
    assert fastla.dot(x, y) == np.inf


@pytest.mark.parametrize("dtype,big,tiny", [(np.float64, 1e300, 1e-300), (np.float32, 1e30, 1e-30)])
def test_norm_does_not_overflow_or_underflow(dtype, big, tiny, isa):
    for scale in (big, tiny):
        for n in (2, 1001, 200_000):
            x = np.full(n, scale, dtype)
            expected = float(scale) * math.sqrt(n)
            assert math.isclose(fastla.norm(x), expected, rel_tol=1e-5 if dtype == np.float32 else 1e-12)
            assert math.isclose(naive.norm(x), expected, rel_tol=1e-5 if dtype == np.float32 else 1e-12)


def test_norm_of_subnormals_and_specials():
    sub = np.full(16, 5e-324)
    assert math.isclose(fastla.norm(sub), 4 * 5e-324, rel_tol=0.3)  # 4 ulps of the smallest subnormal
    assert fastla.norm(np.array([np.inf, 1.0])) == np.inf
    assert np.isnan(fastla.norm(np.array([np.inf, np.nan])))
    assert fastla.norm(np.zeros(5)) == 0.0
    assert fastla.norm(np.array([], dtype=np.float64)) == 0.0
    assert fastla.norm(np.array([-3.0, 4.0])[::-1]) == 5.0


def test_empty_vectors_like_numpy():
    e = np.array([], dtype=np.float32)
    assert fastla.dot(e, e) == 0.0 and fastla.dot(e, e).dtype == np.float32
    assert fastla.cosine_similarity(np.zeros((0, 3))).shape == (0, 0)
    assert fastla.cosine_similarity(np.zeros((2, 3)), np.zeros((0, 3))).shape == (2, 0)
    S = fastla.cosine_similarity(np.zeros((2, 0)), np.zeros((3, 0)))
    np.testing.assert_array_equal(S, np.zeros((2, 3)))
    idx, sc = fastla.top_k(np.zeros((0, 4)), np.ones((5, 4)), 2)
    assert idx.shape == sc.shape == (0, 2)
    idx, sc = fastla.top_k(np.ones((3, 4)), np.ones((5, 4)), 0)
    assert idx.shape == sc.shape == (3, 0)


# ---- cosine -----------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
def test_cosine_zero_vectors_give_zero(dtype, isa):
    X = np.array([[0, 0, 0], [1, 2, 3]], dtype)
    S = fastla.cosine_similarity(X)
    assert not np.isnan(S).any()
    np.testing.assert_allclose(S, [[0, 0], [0, 1]], atol=1e-6)
    assert fastla.cosine_similarity(X[0], X[1]) == 0


def test_cosine_shapes_like_sklearn(rng):
    X, Y = rng.standard_normal((4, 6)), rng.standard_normal((5, 6))
    assert fastla.cosine_similarity(X).shape == (4, 4)
    assert fastla.cosine_similarity(X, Y).shape == (4, 5)
    assert fastla.cosine_similarity(X[0], Y).shape == (5,)
    assert fastla.cosine_similarity(X, Y[0]).shape == (4,)
    assert np.ndim(fastla.cosine_similarity(X[0], Y[0])) == 0
    np.testing.assert_allclose(fastla.cosine_similarity(X)[np.arange(4), np.arange(4)], 1.0, rtol=1e-14)


def test_cosine_is_scale_invariant_at_the_extremes():
    x = np.array([3.0, 4.0])
    for scale in (1e-300, 1e300):
        assert math.isclose(fastla.cosine_similarity(x * scale, x), 1.0, rel_tol=1e-15)


# ---- top-k ------------------------------------------------------------------------------


@pytest.mark.parametrize("metric", ["cosine", "dot"])
@pytest.mark.parametrize("m", [1, 3, 5, 47, 48, 49, 200])
@pytest.mark.parametrize("dtype", DTYPES)
def test_top_k_paths_agree_with_numpy(m, metric, dtype, isa, rng):
    """m <= 4 streams rows; more queries use the tiled GEMM; 200 splits queries."""
    Q = rng.standard_normal((m, 33)).astype(dtype)
    C = rng.standard_normal((2085, 33)).astype(dtype)
    k = 7
    _, _, S = np_top_k(Q, C, k, metric)
    assert_valid_topk(*fastla.top_k(Q, C, k, metric=metric), S, k, tolerance(dtype, 33))


@pytest.mark.parametrize("d", [0, 1, 255, 256, 257, 600])
def test_top_k_depths_around_the_block(d, isa, rng):
    Q, C = rng.standard_normal((50, d)), rng.standard_normal((600, d))
    _, _, S = np_top_k(Q, C, 5)
    idx, sc = fastla.top_k(Q, C, 5)
    assert_valid_topk(idx, sc, S, 5, tolerance(np.float64, d))


def test_top_k_ties_go_to_the_lower_index(isa):
    C = np.ones((1000, 8))
    for m in (1, 60):
        idx, sc = fastla.top_k(np.ones((m, 8)), C, 10)
        np.testing.assert_array_equal(idx, np.tile(np.arange(10), (m, 1)))


def test_top_k_ties_across_threads(threads):
    C = np.ones((200_000, 4))
    fastla.set_num_threads(2)
    idx, _ = fastla.top_k(np.ones(4), C, 5)
    np.testing.assert_array_equal(idx, np.arange(5))


def test_top_k_puts_nan_last(isa):
    C = np.arange(1, 11, dtype=np.float64).reshape(-1, 1) * np.ones((1, 2))
    C[[2, 7]] = np.nan
    for m in (1, 60):
        idx, sc = fastla.top_k(np.ones((m, 2)), C, 10, metric="dot")
        np.testing.assert_array_equal(idx[0], [9, 8, 6, 5, 4, 3, 1, 0, 2, 7])
        assert np.isnan(sc[0, -2:]).all()


def test_top_k_k_equals_n_is_a_full_sort(rng):
    Q, C = rng.standard_normal((3, 5)), rng.standard_normal((40, 5))
    idx, sc = fastla.top_k(Q, C, 40)
    order, ref, _ = np_top_k(Q, C, 40)
    np.testing.assert_array_equal(idx, order)
    np.testing.assert_allclose(sc, ref, rtol=1e-13)


@pytest.mark.parametrize("nt", [1, 2, 3])
def test_top_k_same_for_any_thread_count(nt, rng, threads):
    Q = rng.standard_normal((70, 16)).astype(np.float32)
    C = rng.standard_normal((50_000, 16)).astype(np.float32)
    fastla.set_num_threads(1)
    ref = fastla.top_k(Q, C, 9)
    one = fastla.top_k(Q[0], C, 9)
    fastla.set_num_threads(nt)
    got = fastla.top_k(Q, C, 9)
    np.testing.assert_array_equal(got[0], ref[0])
    np.testing.assert_array_equal(got[1], ref[1])
    np.testing.assert_array_equal(fastla.top_k(Q[0], C, 9)[0], one[0])


# ---- hypothesis: shapes, strides, dtypes ------------------------------------------------

float_dtypes = st.sampled_from([np.float32, np.float64])
finite = {"min_value": -1e3, "max_value": 1e3, "allow_nan": False, "allow_infinity": False, "width": 32}


@st.composite
def strided_matrix(draw, rows, cols, dtype):
    A = draw(hnp.arrays(dtype, (rows * 2, cols * 2), elements=st.floats(**finite)))
    rstep, cstep = draw(st.sampled_from([1, 2, -1, -2])), draw(st.sampled_from([1, 2, -1, -2]))
    A = A[:: rstep, :: cstep][:rows, :cols]
    return A.T.copy().T if draw(st.booleans()) else A


@settings(max_examples=60, deadline=None)
@given(data=st.data(), dtype=float_dtypes, m=st.integers(0, 14), n=st.integers(0, 40), d=st.integers(0, 40))
def test_hypothesis_cosine_and_top_k(data, dtype, m, n, d):
    X = data.draw(strided_matrix(m, d, dtype))
    Y = data.draw(strided_matrix(n, d, dtype))
    tol = tolerance(dtype, d) * 10
    S = np_cosine(X.astype(np.float64), Y.astype(np.float64))
    np.testing.assert_allclose(fastla.cosine_similarity(X, Y), S, rtol=tol, atol=tol)
    k = data.draw(st.integers(0, n))
    metric = data.draw(st.sampled_from(["cosine", "dot"]))
    _, _, S = np_top_k(X, Y, k, metric) if m else (None, None, np.zeros((0, n)))
    idx, sc = fastla.top_k(X, Y, k, metric=metric)
    scale = max(1.0, float(np.abs(S).max(initial=0)))
    assert_valid_topk(idx, sc, S, k, tol * scale)


@settings(max_examples=60, deadline=None)
@given(data=st.data(), dtype=float_dtypes, n=st.integers(0, 300))
def test_hypothesis_dot_and_norm(data, dtype, n):
    X = data.draw(strided_matrix(n, 2, dtype))
    x, y = X[:, 0], X[:, 1]
    tol = tolerance(dtype, n) * 10
    x64, y64 = x.astype(np.float64), y.astype(np.float64)
    scale = max(1.0, float(np.abs(x64) @ np.abs(y64)))
    np.testing.assert_allclose(fastla.dot(x, y), x64 @ y64, rtol=tol, atol=tol * scale)
    # a norm in the subnormal range is rounded to a multiple of the smallest subnormal
    np.testing.assert_allclose(fastla.norm(x), np.linalg.norm(x64), rtol=tol,
                               atol=float(np.finfo(dtype).smallest_subnormal))


@pytest.mark.parametrize("dtype", DTYPES)
def test_cosine_of_subnormal_vectors(dtype, isa):
    """A vector of subnormals has a length with too few bits; its direction must
    still be exact (found by hypothesis: 1e-45 in float32 once gave NaN)."""
    t = np.finfo(dtype).smallest_subnormal
    X = np.array([[3 * t, 4 * t], [6, 8], [t, t], [1, 1], [t, 0]], dtype)
    exact = np_cosine(*(2 * [np.array([[3, 4], [6, 8], [1, 1], [1, 1], [1, 0]], np.float64)]))
    tol = 4 * np.finfo(dtype).eps
    np.testing.assert_allclose(fastla.cosine_similarity(X), exact, rtol=tol, atol=tol)
    for m in (1, 60):  # the streaming path and the tiled path
        Q = np.repeat(X[:1], m, axis=0)
        _, sc = fastla.top_k(Q, X, 5)
        np.testing.assert_allclose(sc[0], np.sort(exact[0])[::-1], rtol=tol, atol=tol)


@pytest.mark.parametrize("d", [3, 257, 600])
@pytest.mark.parametrize("dtype", DTYPES)
def test_cosine_of_subnormal_rows_across_depth_chunks(d, dtype, isa):
    """The scaling of a subnormal row is worked out over the whole row, not per
    chunk of the depth (a row longer than one chunk once gave cosines of 1.3)."""
    t = np.finfo(dtype).smallest_subnormal * 3
    X = np.full((1, d), t, dtype)
    Y = np.ones((6, d), dtype)
    tol = 4 * d * np.finfo(dtype).eps
    np.testing.assert_allclose(fastla.cosine_similarity(X, Y), 1.0, rtol=tol)
    for m in (1, 6):
        np.testing.assert_allclose(fastla.top_k(np.repeat(X, m, 0), Y, 2)[1], 1.0, rtol=tol)


def test_cosine_of_rows_longer_than_the_float_range():
    X = np.full((2, 4), 3e38, np.float32)  # |x| = 6e38 > float32's largest
    np.testing.assert_allclose(fastla.cosine_similarity(X), 1.0, rtol=1e-6)
    assert np.isnan(fastla.cosine_similarity(np.array([[np.inf, 1.0]]), np.ones((1, 2))))


def test_results_do_not_depend_on_the_thread_count(rng, threads):
    """The path (streaming or tiled) is chosen per call, not per thread's share."""
    Q = rng.standard_normal((100, 64)).astype(np.float32)
    C = rng.standard_normal((20_000, 64)).astype(np.float32)
    got = {}
    for nt in (1, 2, 3):
        fastla.set_num_threads(nt)
        got[nt] = fastla.top_k(Q, C, 10, metric="dot")
    for nt in (2, 3):
        np.testing.assert_array_equal(got[nt][0], got[1][0])
        np.testing.assert_array_equal(got[nt][1], got[1][1])
