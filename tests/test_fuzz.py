"""Fuzzing every public function of fastla with hypothesis.

Each test draws shapes from 0 to 70 (most often at a block edge of the C kernels, see
fuzz_inputs.EDGES), every accepted and rejected dtype, values near overflow and
underflow, NaN and Inf, C/F order, transposed, strided (negative, non-unit, zero),
byte-swapped, unaligned and read-only arrays, on a drawn SIMD path and thread count.
Every call must either return the right answer (against a long-double reference or
NumPy/LAPACK, within the dtype's rounding error) or raise ValueError, TypeError or
numpy.linalg.LinAlgError with a message, and leave its inputs unchanged.

The default cases are derandomized: every run tries the same ones (about 1,900), so a
failure reproduces; they take about 15 s of CPU. A long local run draws N random cases
per test instead (fewer for the slowest), reproducible by its seed:

    FASTLA_FUZZ_EXAMPLES=1500 PYTHONPATH=src python -m pytest -q tests/test_fuzz.py \\
        --hypothesis-seed=1 --hypothesis-show-statistics

Bugs found this way are pinned in test_fuzz_findings.py.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import fastla
import fastla.ladder
from fastla import _core
from fuzz_inputs import (JUNK, SETUPS, arrays, assert_sums, budget, call, compute_dtype,
                         expect_error, expect_result, finite_part, kernel_setup, pow2_scale,
                         rejected_arrays, scaled64, seen, sizes)

THRESHOLD = 30  # LAPACK's test ratios for residuals and orthogonality

# NaN and Inf inputs make NumPy's reference computations warn: expected here
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")


def near(*edges):
    """Sizes at the cache blocks beyond 70: GEMM's MC (126) and KC (512), the
    scoring tile's depth (256) and width (512 catalogue rows)."""
    return st.sampled_from(sorted({e + d for e in edges for d in (-1, 0, 1)}))


def eps_of(dtype):
    return float(np.finfo(dtype).eps)


def overflowed(values64, ref, c, dtype, rtol):
    """Where an answer is infinite because the exact value, ref (both scaled by c), is
    beyond the dtype's range: those entries are taken as ref."""
    limit = float(np.longdouble(np.finfo(dtype).max) * c)
    over = np.isinf(values64) & (np.sign(values64) == np.sign(ref)) & (np.abs(ref) >= limit * (1 - rtol))
    return np.where(over, ref, values64), over.any()


def with_floor(norm, c, dtype):
    """A norm (scaled by c) plus the dtype's subnormal spacing over eps (scaled too):
    answers of the size of subnormal numbers carry fewer bits, an absolute error."""
    info = np.finfo(dtype)
    return norm + float(np.longdouble(info.smallest_subnormal) * c / np.longdouble(info.eps))


def ascending(v):
    """Each entry >= the one before (inf after inf included), no NaN."""
    v = np.asarray(v, np.float64)
    return not np.isnan(v).any() and bool(np.all(v[1:] >= v[:-1]))


def finite(*arrays):
    return all(np.isfinite(np.asarray(a, np.float64)).all() for a in arrays)


# ---- dot and norm -----------------------------------------------------------------------------

@budget(150)
@given(n=sizes(), data=st.data(), setup=SETUPS)
def test_dot(n, data, setup):
    x = data.draw(arrays((n,)))
    y = data.draw(st.one_of(arrays((n,)), arrays((sizes(),))))
    dtype = compute_dtype(x, y)
    with kernel_setup(*setup):
        outcome = call(fastla.dot, x, y)
    if y.shape != x.shape:
        return expect_error(outcome, ValueError, "shape")
    r = expect_result(outcome)
    assert np.asarray(r).dtype == dtype and np.ndim(r) == 0
    xs, ys = seen(x, dtype), seen(y, dtype)
    with np.errstate(invalid="ignore", over="ignore"):
        ref = np.sum(xs * ys)
    bound = np.sum(np.abs(finite_part(xs) * finite_part(ys)))
    assert_sums(r, ref, bound, n, dtype, "dot")


@budget(150)
@given(shape=st.one_of(st.tuples(sizes()), st.tuples(sizes(0, 20), sizes(0, 20))),
       data=st.data(), setup=SETUPS)
def test_norm(shape, data, setup):
    x = data.draw(arrays(shape))
    dtype = compute_dtype(x)
    with kernel_setup(*setup):
        r = expect_result(call(fastla.norm, x))
    assert np.asarray(r).dtype == dtype and np.ndim(r) == 0
    xs = seen(x, dtype).ravel()
    with np.errstate(invalid="ignore", over="ignore"):
        ref = np.sqrt(np.sum(xs * xs))  # long double: no overflow or underflow
    info = np.finfo(dtype)
    if np.isnan(xs).any():
        assert np.isnan(r), f"norm with NaN gave {r}"
    elif np.isinf(xs).any() or ref > info.max:
        assert r == np.inf, f"norm {r}, expected inf"
    else:  # the scaled sum of squares: no overflow, no underflow
        tol = (xs.size + 2) * info.eps * ref + 2 * info.smallest_subnormal
        assert abs(np.longdouble(r) - ref) <= tol, f"norm {r!r}, expected {ref!r}"


# ---- cosine_similarity and top_k ----------------------------------------------------------------

def cosine_reference(X, Y):
    """Cosines in long double, from rows scaled to unit length (0 for a zero row)."""
    def unit(A):  # long double: the squares of float64 neither overflow nor underflow
        with np.errstate(invalid="ignore", over="ignore"):
            nrm = np.sqrt(np.sum(A * A, axis=1, keepdims=True))
            return np.where(nrm == 0, 0, A / np.where(nrm == 0, 1, nrm))  # NaN stays NaN
    with np.errstate(invalid="ignore"):
        return unit(X) @ unit(Y).T


def assert_cosines(S, ref, d, dtype, what):
    info = np.finfo(dtype)
    S = np.asarray(S, np.longdouble)
    tol = (d + 8) * info.eps
    with np.errstate(invalid="ignore"):
        ok = np.where(np.isnan(ref), np.isnan(S), np.isfinite(S) & (abs(S - ref) <= tol))
    if not ok.all():
        i = tuple(np.argwhere(~ok)[0])
        raise AssertionError(f"{what}: at {i} {S[i]!r}, expected {ref[i]!r} within {tol:.3g}")


@budget(120)
@given(m=sizes(), n=sizes(), d=sizes(), one_x=st.booleans(), one_y=st.booleans(),
       self_similarity=st.booleans(), data=st.data(), setup=SETUPS)
def test_cosine_similarity(m, n, d, one_x, one_y, self_similarity, data, setup):
    X = data.draw(arrays((d,) if one_x else (m, d)))
    Y = None if self_similarity else data.draw(arrays((d,) if one_y else (n, d)))
    with kernel_setup(*setup):
        S = expect_result(call(fastla.cosine_similarity, *((X,) if Y is None else (X, Y))))
    Yr = X if Y is None else Y
    dtype = compute_dtype(X, Yr)
    X2, Y2 = np.atleast_2d(seen(X, dtype)), np.atleast_2d(seen(Yr, dtype))
    ref = cosine_reference(X2, Y2)
    if X.ndim == 1 and Yr.ndim == 1:
        ref = ref[0, 0]
    elif X.ndim == 1:
        ref = ref[0]
    elif Yr.ndim == 1:
        ref = ref[:, 0]
    assert np.shape(S) == np.shape(ref) and np.asarray(S).dtype == dtype
    assert_cosines(S, ref, d, dtype, "cosine_similarity")


@budget(40)
@given(m=sizes(), n=sizes(), d=sizes(), data=st.data(), setup=SETUPS)
def test_cosine_similarity_shape_mismatch(m, n, d, data, setup):
    X = data.draw(arrays((m, d)))
    Y = data.draw(arrays((n, data.draw(sizes()))))
    bad3d = data.draw(arrays((2, 2, sizes(0, 3))))
    with kernel_setup(*setup):
        if Y.shape[1] != d:
            expect_error(call(fastla.cosine_similarity, X, Y), ValueError, "shape")
        expect_error(call(fastla.cosine_similarity, bad3d), ValueError, "shape")


def ranked(S):
    """Each row sorted best first, NaN last."""
    with np.errstate(invalid="ignore"):
        return -np.sort(np.where(np.isnan(S), np.inf, -S), axis=1) * np.where(
            np.sort(np.isnan(S), axis=1), np.nan, 1)


@budget(150)
@given(m=sizes(), n=sizes(), d=sizes(), single=st.booleans(), metric=st.sampled_from(["cosine", "dot"]),
       data=st.data(), setup=SETUPS)
def test_top_k(m, n, d, single, metric, data, setup):
    Q = data.draw(arrays((d,) if single else (m, d)))
    C = data.draw(arrays((n, d)))
    k = data.draw(st.integers(0, n))
    with kernel_setup(*setup):
        idx, scores = expect_result(call(fastla.top_k, Q, C, k, metric))
    dtype = compute_dtype(Q, C)
    Qs, Cs = np.atleast_2d(seen(Q, dtype)), seen(C, dtype)
    rows = Qs.shape[0]
    assert idx.dtype == np.int64 and scores.dtype == dtype
    assert idx.shape == scores.shape == ((k,) if single else (rows, k))
    idx, scores = np.atleast_2d(idx).reshape(rows, k), np.atleast_2d(scores).reshape(rows, k)
    assert ((0 <= idx) & (idx < n)).all(), "index out of range"
    assert all(len(set(r)) == k for r in idx.tolist()), "an index repeated"
    if metric == "cosine":
        ref = cosine_reference(Qs, Cs)
        assert_cosines(scores, np.take_along_axis(ref, idx, 1), d, dtype, "top_k scores")
        assert_cosines(scores, ranked(ref)[:, :k], d, dtype, "top_k ranking")
    else:
        with np.errstate(invalid="ignore", over="ignore"):
            ref = Qs @ Cs.T
        bound = np.abs(finite_part(Qs)) @ np.abs(finite_part(Cs)).T
        assert_sums(scores, np.take_along_axis(ref, idx, 1), np.take_along_axis(bound, idx, 1), d,
                    dtype, "top_k scores")
        if np.isfinite(ref).all() and (bound <= np.finfo(dtype).max / 2).all():
            info = np.finfo(dtype)  # as in assert_sums: products may underflow
            tol = (d + 2) * (info.eps * bound.max(axis=1, keepdims=True, initial=0) + info.smallest_subnormal)
            assert (abs(scores - ranked(ref)[:, :k]) <= tol).all(), \
                "top_k missed a better row"
    # best first, NaN last, ties to the lower index
    s = scores.astype(np.float64)
    nan = np.isnan(s)
    assert not (nan[:, :-1] & ~nan[:, 1:]).any(), "a NaN score before a number"
    with np.errstate(invalid="ignore"):
        assert not (s[:, :-1] < s[:, 1:]).any(), "scores not descending"
        tie = s[:, :-1] == s[:, 1:]
    assert (idx[:, :-1][tie] < idx[:, 1:][tie]).all(), "a tie not broken by the lower index"


@budget(8, most=200)
@given(m=sizes(1), n=near(512), d=near(256), data=st.data(), setup=SETUPS)
def test_top_k_scoring_tile_edges(m, n, d, data, setup):
    regimes = ["normal", "integers", "zeros", "graded"]
    Q = data.draw(arrays((m, d), dtypes=[np.float64, np.float32], regimes=regimes))
    C = data.draw(arrays((n, d), dtypes=[np.float64, np.float32], regimes=regimes))
    k = data.draw(st.sampled_from([1, 10, n]))
    with kernel_setup(*setup):
        idx, scores = expect_result(call(fastla.top_k, Q, C, k))
    dtype = compute_dtype(Q, C)
    ref = cosine_reference(seen(Q, dtype), seen(C, dtype))
    assert_cosines(scores, np.take_along_axis(ref, idx, 1), d, dtype, "top_k scores")
    assert_cosines(scores, ranked(ref)[:, :k], d, dtype, "top_k ranking")


@budget(40)
@given(n=sizes(), d=sizes(1), data=st.data())
def test_top_k_bad_arguments(n, d, data):
    Q, C = data.draw(arrays((d,))), data.draw(arrays((n, d)))
    k = data.draw(st.one_of(st.integers(-3, -1), st.integers(n + 1, n + 3), st.just(2**62),
                            st.just(-2**62)))
    expect_error(call(fastla.top_k, Q, C, k), ValueError, "k=")
    expect_error(call(fastla.top_k, Q, C, 0, data.draw(st.sampled_from(["l2", "", "COSINE"]))),
                 ValueError, "metric")
    expect_error(call(fastla.top_k, Q, C, data.draw(st.sampled_from([1.5, "1", None]))), TypeError)
    expect_error(call(fastla.top_k, Q, data.draw(arrays((n, d + 1))), 0), ValueError, "shape")


# ---- matmul and the ladder ----------------------------------------------------------------------

def check_product(A, B, r):
    dtype = compute_dtype(A, B)
    a, b = seen(A, dtype), seen(B, dtype)
    a2 = a[np.newaxis] if a.ndim == 1 else a
    b2 = b[:, np.newaxis] if b.ndim == 1 else b
    with np.errstate(invalid="ignore", over="ignore"):
        ref = a2 @ b2
    bound = np.abs(finite_part(a2)) @ np.abs(finite_part(b2))
    shape = tuple(s for s, keep in zip(ref.shape, (A.ndim == 2, B.ndim == 2)) if keep)
    assert np.shape(r) == shape, f"shape {np.shape(r)}, expected {shape}"
    assert np.asarray(r).dtype == dtype
    assert_sums(np.reshape(r, ref.shape), ref, bound, a2.shape[1], dtype, "matmul")


@budget(150)
@given(m=sizes(), k=sizes(), n=sizes(), a1=st.booleans(), b1=st.booleans(), data=st.data(),
       setup=SETUPS)
def test_matmul(m, k, n, a1, b1, data, setup):
    A = data.draw(arrays((k,) if a1 else (m, k)))
    B = data.draw(arrays((k,) if b1 else (k, n)))
    with kernel_setup(*setup):
        r = expect_result(call(fastla.matmul, A, B))
    check_product(A, B, r)


@budget(12, most=300)
@given(m=near(126, 252), k=near(512), n=sizes(1), data=st.data(), setup=SETUPS)
def test_matmul_cache_block_edges(m, k, n, data, setup):
    A = data.draw(arrays((m, k), dtypes=[np.float64, np.float32], layouts=["C", "F", "strided"]))
    B = data.draw(arrays((k, n), dtypes=[np.float64, np.float32], layouts=["C", "F", "strided"]))
    with kernel_setup(*setup):
        r = expect_result(call(fastla.matmul, A, B))
    check_product(A, B, r)


@budget(80)
@given(m=sizes(), k=sizes(), n=sizes(), a1=st.booleans(), b1=st.booleans(),
       out_kind=st.sampled_from(["C", "F", "strided", "overlapping"]), data=st.data(), setup=SETUPS)
def test_matmul_out(m, k, n, a1, b1, out_kind, data, setup):
    A = data.draw(arrays((k,) if a1 else (m, k)))
    B = data.draw(arrays((k,) if b1 else (k, n)))
    dtype = compute_dtype(A, B)
    shape = tuple(s for s, keep in zip((m, n), (not a1, not b1)) if keep)
    if out_kind == "overlapping" and A.ndim == 2 and A.shape == shape and A.dtype == dtype \
            and A.flags.writeable and A.dtype.isnative:
        out = A  # A @ B into A itself: as if there were no overlap
        A = A.copy()
        before = out.copy()
    else:
        out = np.full(shape, np.nan, dtype, order="F" if out_kind == "F" else "C")
        if out_kind == "strided" and out.ndim:
            big = np.full(tuple(2 * s for s in shape), np.nan, dtype)
            out = big[(slice(None, None, -2),) + (slice(None, None, 2),) * (len(shape) - 1)]
        before = None
    with kernel_setup(*setup):
        r = expect_result(call(fastla.matmul, A if before is None else before, B, out=out))
    assert r is out
    check_product(A if before is None else before, B, r)


@budget(40)
@given(data=st.data())
def test_matmul_bad_out(data):
    A, B = data.draw(arrays((3, sizes(1, 9)), dtypes=[np.float64])), data.draw(arrays((sizes(1, 9), 2)))
    if A.shape[1] != B.shape[0]:
        return expect_error(call(fastla.matmul, A, B), ValueError, "shape")
    dtype = compute_dtype(A, B)
    bad = data.draw(st.sampled_from(["shape", "dtype", "readonly", "list"]))
    out = {"shape": np.empty((3, 3), dtype), "dtype": np.empty((3, 2), np.float16),
           "readonly": np.empty((3, 2), dtype), "list": [[0.0] * 2] * 3}[bad]
    if bad == "readonly":
        out.flags.writeable = False
    expect_error(call(fastla.matmul, A, B, out=out), (ValueError, TypeError))


@budget(40)
@given(m=sizes(), k=sizes(), n=sizes(), data=st.data())
def test_matmul_shape_errors(m, k, n, data):
    A = data.draw(arrays((m, k)))
    k2 = data.draw(sizes().filter(lambda v: v != k))
    B = data.draw(arrays((k2, n)))
    expect_error(call(fastla.matmul, A, B), ValueError, "shape")
    expect_error(call(fastla.matmul, data.draw(arrays((1, 1, sizes(0, 2)))), B), ValueError, "shape")


@budget(50)
@given(m=sizes(), k=sizes(), n=sizes(), step=st.sampled_from(fastla.ladder.STEPS), data=st.data())
def test_ladder_matmul(m, k, n, step, data):
    A, B = data.draw(arrays((m, k))), data.draw(arrays((k, n)))
    if not fastla.ladder.usable(step):
        return expect_error(call(fastla.ladder.matmul, A, B, step), ValueError)
    r = expect_result(call(fastla.ladder.matmul, A, B, step))
    assert r.dtype == np.float64
    a, b = seen(A, np.float64), seen(B, np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        ref = a @ b
    assert_sums(r, ref, np.abs(finite_part(a)) @ np.abs(finite_part(b)), k, np.float64,
                f"ladder {step}")


def test_ladder_unknown_step():
    expect_error(call(fastla.ladder.matmul, np.ones((2, 2)), np.ones((2, 2)), "fastest"),
                 ValueError, "step")


# ---- eigenvalues ---------------------------------------------------------------------------------

def lower_symmetric(a):
    """The symmetric matrix eigh reads: A's lower triangle mirrored."""
    return np.tril(a) + np.tril(a, -1).T


def assert_eigenpairs(S, w, V, dtype, what):
    """w ascending, close to LAPACK's; S V = V diag(w), V orthonormal, each column's largest
    |entry| positive: LAPACK's ratios, on S scaled exactly by a power of two."""
    n = S.shape[0]
    eps = eps_of(dtype)
    c = pow2_scale(S)
    S64, w64 = scaled64(S, c), scaled64(w, c)
    assert ascending(w64), f"{what}: eigenvalues not ascending"
    ref = np.linalg.eigvalsh(S64)
    norm2 = with_floor(float(np.max(np.abs(ref), initial=0.0)), c, dtype)
    w64, over = overflowed(w64, ref, c, dtype, THRESHOLD * max(n, 1) * eps)
    err = float(np.max(np.abs(w64 - ref), initial=0.0))
    assert err <= THRESHOLD * max(n, 1) * eps * norm2, f"{what}: |w - LAPACK's| = {err:.3g} |A|"
    if V is None:
        return
    V64 = np.asarray(V, np.float64)
    resid = 0 if over else np.linalg.norm(S64 @ V64 - V64 * w64) / (max(n, 1) * eps * norm2)
    orth = np.linalg.norm(V64.T @ V64 - np.eye(V64.shape[1])) / (max(n, 1) * eps)
    assert resid < THRESHOLD and orth < THRESHOLD, f"{what}: ratios {resid:.3g}, {orth:.3g}"
    if n:
        big = np.argmax(np.abs(V64), axis=0)
        assert (V64[big, np.arange(V64.shape[1])] > 0).all(), f"{what}: sign convention"


@budget(100)
@given(n=sizes(), vectors=st.booleans(), check_finite=st.booleans(), data=st.data(), setup=SETUPS)
def test_eigh(n, vectors, check_finite, data, setup):
    A = data.draw(arrays((n, n)))
    with kernel_setup(*setup):
        outcome = call(fastla.eigh, A, eigvals_only=not vectors, check_finite=check_finite)
    dtype = compute_dtype(A)
    S = lower_symmetric(seen(A, dtype))
    if check_finite and not finite(A):
        return expect_error(outcome, ValueError, "NaN or Inf")
    if not finite(S):  # NaN it was told not to look for: an error or a non-finite answer
        result, error = outcome
        if error is None:
            w = result[0] if vectors else result
            assert not np.isfinite(w).all(), "finite eigenvalues of a non-finite matrix"
        return None
    result = expect_result(outcome)
    w, V = result if vectors else (result, None)
    assert w.dtype == dtype and w.shape == (n,)
    if vectors:
        assert V.dtype == dtype and V.shape == (n, n)
    assert_eigenpairs(S, w, V, dtype, "eigh")


@budget(60)
@given(n=sizes(), k=st.data(), data=st.data(), setup=SETUPS)
def test_top_eigs(n, k, data, setup):
    A = data.draw(arrays((n, n)))
    symmetric = data.draw(st.booleans())
    if symmetric:
        A = lower_symmetric(A)
    k = k.draw(st.integers(0, n))
    with kernel_setup(*setup):
        outcome = call(fastla.top_eigs, A, k)
    if not finite(A):
        return expect_error(outcome, ValueError, "NaN or Inf")
    dtype = compute_dtype(A)
    a = seen(A, dtype)
    scale = float(np.max(np.abs(a), initial=0.0))
    asym = float(np.max(np.abs(a - a.T), initial=0.0))
    if asym > 100 * eps_of(dtype) * scale:
        return expect_error(outcome, ValueError, "symmetric")
    w, V = expect_result(outcome)
    assert w.dtype == V.dtype == dtype and w.shape == (k,) and V.shape == (n, k)
    assert ascending(w[::-1]), "top_eigs: not descending"
    # the k largest of eigh's (whose own accuracy test_eigh checks), as eigenpairs of A
    assert_eigenpairs(lower_symmetric(a), w[::-1], V[:, ::-1], dtype, "top_eigs") if k == n else None
    c = pow2_scale(a)
    ref = np.linalg.eigvalsh(lower_symmetric(scaled64(a, c)))[::-1][:k]
    norm2 = with_floor(float(np.max(np.abs(np.linalg.eigvalsh(lower_symmetric(scaled64(a, c)))), initial=0)),
                       c, dtype)
    err = float(np.max(np.abs(scaled64(w, c) - ref), initial=0.0))
    assert err <= THRESHOLD * max(n, 1) * eps_of(dtype) * norm2, f"top_eigs: |w - LAPACK's| {err:.3g}"


@budget(2, most=40)  # about a second each
@given(n=st.integers(257, 300), k=st.integers(1, 12), data=st.data())
def test_top_eigs_lanczos(n, k, data):
    """Above 256 rows, top_eigs runs block Lanczos instead of eigh."""
    A = data.draw(arrays((n, n), dtypes=[np.float64, np.float32],
                         regimes=["normal", "integers", "huge", "tiny"], layouts=["C", "F", "strided"]))
    A = lower_symmetric(A)
    w, V = expect_result(call(fastla.top_eigs, A, k, random_state=0))
    dtype = compute_dtype(A)
    assert w.dtype == V.dtype == dtype and w.shape == (k,) and V.shape == (n, k)
    c = pow2_scale(A)
    a = scaled64(seen(A, dtype), c)
    lam = np.linalg.eigvalsh(a)
    norm2 = with_floor(float(np.max(np.abs(lam))), c, dtype)
    w64, V64 = scaled64(w, c), np.asarray(V, np.float64)
    tol = 1e-10 if dtype == np.float64 else 1e-4  # top_eigs' tolerance; float32's rounding
    w64, over = overflowed(w64, lam[::-1][:k], c, dtype, tol)
    assert np.max(np.abs(w64 - lam[::-1][:k])) <= 10 * tol * norm2, "top_eigs: eigenvalues"
    assert np.linalg.norm(V64.T @ V64 - np.eye(k)) <= 100 * n * eps_of(dtype), "top_eigs: orthonormal"
    resid = 0 if over else np.linalg.norm(a @ V64 - V64 * w64, axis=0).max()
    assert resid <= 10 * (tol + n * eps_of(dtype)) * norm2, f"top_eigs: residual {resid / norm2:.3g}"


@budget(60)
@given(n=sizes(1), planted=st.booleans(), data=st.data(), setup=SETUPS)
def test_power_iteration(n, planted, data, setup):
    if planted:  # symmetric, with a dominant eigenvalue twice the next
        rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
        Q = np.linalg.qr(rng.standard_normal((n, n)))[0]
        lam = rng.uniform(-1, 1, n)
        lam[0] = 2.0 * data.draw(st.sampled_from([-1, 1])) * max(np.abs(lam[1:]).max(initial=0.5), 0.5)
        dtype_ = data.draw(st.sampled_from([np.float64, np.float32]))
        A = ((Q * lam) @ Q.T).astype(dtype_) * data.draw(st.sampled_from([1.0, 2.0**-60, 2.0**60]))
    else:
        A = data.draw(arrays((n, n)))
    with kernel_setup(*setup):
        outcome = call(fastla.power_iteration, A, max_iter=2000, random_state=data.draw(st.integers(0, 9)))
    if not finite(A):
        return expect_error(outcome, ValueError, "NaN or Inf")
    result, error = outcome
    dtype = compute_dtype(A)
    if error is not None:  # allowed when no eigenvalue dominates (a pair of equal |lambda|, ...)
        assert isinstance(error, fastla.ConvergenceError) and not planted, f"{error!r}"
        lam, x = error.best
        assert lam.dtype == x.dtype == dtype
        return None
    lam, x = result
    assert np.asarray(lam).dtype == x.dtype == dtype and x.shape == (n,)
    c = pow2_scale(A)
    a, x64 = scaled64(seen(A, dtype), c), np.asarray(x, np.float64)
    eps = eps_of(dtype)
    assert abs(np.linalg.norm(x64) - 1) <= 10 * n * eps, "eigenvector not of unit length"
    assert x64[np.argmax(np.abs(x64))] > 0, "sign convention"
    tol = 1e-10 if dtype == np.float64 else 1e-5
    fro = np.linalg.norm(a)
    lam64 = float(np.longdouble(lam) * c)
    if np.isinf(lam):  # right only if the dominant |eigenvalue| is beyond the dtype's range
        top = float(np.abs(np.linalg.eigvals(a)).max())
        assert top >= float(np.longdouble(np.finfo(dtype).max) * c) * (1 - 1e-6), f"lambda {lam}"
        return None
    resid = np.linalg.norm(a @ x64 - lam64 * x64)
    assert resid <= tol * fro + 10 * n * eps * fro, f"residual {resid / fro:.3g} |A|"
    if planted or np.array_equal(a, a.T):
        top = np.max(np.abs(np.linalg.eigvalsh(lower_symmetric(a))))
        assert abs(abs(lam64) - top) <= 20 * (tol + 10 * n * eps) * fro, \
            f"|lambda| {abs(lam64):.6g} is not the dominant {top:.6g}"


@budget(30)
@given(n=sizes(0, 9), data=st.data())
def test_power_iteration_bad_arguments(n, data):
    A = np.eye(n) if n else np.zeros((0, 0))
    if n == 0:
        return expect_error(call(fastla.power_iteration, A), ValueError, "empty")
    bad = data.draw(st.sampled_from(["zero x0", "nan x0", "short x0", "max_iter", "tol", "tol nan"]))
    kwargs = {"zero x0": {"x0": np.zeros(n)}, "nan x0": {"x0": np.full(n, np.nan)},
              "short x0": {"x0": np.ones(n + 1)}, "max_iter": {"max_iter": 0},
              "tol": {"tol": -1.0}, "tol nan": {"tol": np.nan}}[bad]
    expect_error(call(fastla.power_iteration, A, **kwargs), ValueError)


# ---- svd, randomized_svd, pca ---------------------------------------------------------------------

def assert_svd(A, s, U, Vt, dtype, full_matrices, what):
    m, n = A.shape
    k = min(m, n)
    eps = eps_of(dtype)
    c = pow2_scale(A)
    a = scaled64(A, c)
    s64 = scaled64(s, c)
    assert s.dtype == dtype and s.shape == (k,)
    assert (s64 >= 0).all() and ascending(s64[::-1]), f"{what}: s not descending, >= 0"
    ref = np.linalg.svd(a, compute_uv=False) if k else np.zeros(0)
    smax = with_floor(float(np.max(ref, initial=0.0)), c, dtype)
    s64, over = overflowed(s64, ref, c, dtype, THRESHOLD * max(m, n, 1) * eps)
    err = float(np.max(np.abs(s64 - ref), initial=0.0))
    assert err <= THRESHOLD * max(m, n, 1) * eps * smax, f"{what}: |s - LAPACK's| {err:.3g} s_max"
    if U is None:
        return
    assert U.dtype == Vt.dtype == dtype
    assert U.shape == ((m, m) if full_matrices else (m, k))
    assert Vt.shape == ((n, n) if full_matrices else (k, n))
    U64, Vt64 = np.asarray(U, np.float64), np.asarray(Vt, np.float64)
    resid = 0 if over else np.linalg.norm(a - (U64[:, :k] * s64) @ Vt64[:k]) / (max(m, n, 1) * eps * smax)
    orth_u = np.linalg.norm(U64.T @ U64 - np.eye(U.shape[1])) / (max(m, 1) * eps)
    orth_v = np.linalg.norm(Vt64 @ Vt64.T - np.eye(Vt.shape[0])) / (max(n, 1) * eps)
    assert max(resid, orth_u, orth_v) < THRESHOLD, f"{what}: ratios {resid:.3g} {orth_u:.3g} {orth_v:.3g}"
    if k:
        big = np.argmax(np.abs(Vt64[:k]), axis=1)
        assert (Vt64[np.arange(k), big] > 0).all(), f"{what}: sign convention"


@budget(100)
@given(m=sizes(), n=sizes(), full_matrices=st.booleans(), compute_uv=st.booleans(),
       check_finite=st.booleans(), data=st.data(), setup=SETUPS)
def test_svd(m, n, full_matrices, compute_uv, check_finite, data, setup):
    A = data.draw(arrays((m, n)))
    with kernel_setup(*setup):
        outcome = call(fastla.svd, A, full_matrices=full_matrices, compute_uv=compute_uv,
                       check_finite=check_finite)
    dtype = compute_dtype(A)
    if not finite(A):
        if check_finite:
            return expect_error(outcome, ValueError, "NaN or Inf")
        result, error = outcome
        if error is None:
            s = result[1] if compute_uv else result
            assert not np.isfinite(s).all(), "finite singular values of a non-finite matrix"
        return None
    result = expect_result(outcome)
    U, s, Vt = result if compute_uv else (None, result, None)
    assert_svd(seen(A, dtype), s, U, Vt, dtype, full_matrices, "svd")


@budget(80)
@given(m=sizes(1), n=sizes(1), data=st.data(), setup=SETUPS)
def test_randomized_svd(m, n, data, setup):
    low_rank = data.draw(st.booleans())
    if low_rank:  # rank r: the range finder must then be exact
        r = data.draw(st.integers(1, min(m, n)))
        with np.errstate(all="ignore"):
            A = data.draw(arrays((m, r))) @ data.draw(arrays((r, n), dtypes=[np.float64, np.float32]))
    else:
        A = data.draw(arrays((m, n)))
    k = data.draw(st.integers(1, min(m, n)))
    p, q = data.draw(st.integers(0, 12)), data.draw(st.integers(0, 5))
    with kernel_setup(*setup):
        outcome = call(fastla.randomized_svd, A, k, n_oversamples=p, n_iter=q,
                       random_state=data.draw(st.integers(0, 99)))
    if not finite(A):
        return expect_error(outcome, ValueError, "NaN or Inf")
    U, s, Vt = expect_result(outcome)
    dtype = compute_dtype(A)
    eps = eps_of(dtype)
    assert U.dtype == s.dtype == Vt.dtype == dtype
    assert U.shape == (m, k) and s.shape == (k,) and Vt.shape == (k, n)
    c = pow2_scale(A)
    a = scaled64(seen(A, dtype), c)
    s64, U64, Vt64 = scaled64(s, c), np.asarray(U, np.float64), np.asarray(Vt, np.float64)
    true = np.linalg.svd(a, compute_uv=False)
    smax = with_floor(float(true[0]), c, dtype)
    tol = THRESHOLD * max(m, n) * eps
    s64, _ = overflowed(s64, true[:k], c, dtype, tol)
    assert (s64 >= 0).all() and ascending(s64[::-1]), "s not descending, >= 0"
    assert (s64 <= true[:k] + tol * smax).all(), "a singular value above the true one"
    # U^T A V = diag(s): the triplets are exact for the projected matrix
    assert np.linalg.norm(U64.T @ a @ Vt64.T - np.diag(s64)) <= tol * smax, "U^T A V != diag(s)"
    assert np.linalg.norm(U64.T @ U64 - np.eye(k)) <= tol and \
        np.linalg.norm(Vt64 @ Vt64.T - np.eye(k)) <= tol, "not orthonormal"
    width = min(k + p, min(m, n))
    rank = int(np.sum(true > max(m, n) * eps * smax * 10)) if smax > 1e-300 else 0
    if width >= rank and (width == min(m, n) or true[min(rank, len(true) - 1)] <= 1e3 * eps * smax * max(m, n)):
        err = float(np.max(np.abs(s64 - true[:k])))
        assert err <= 1e3 * tol * smax, f"range finder not exact: |s - true| {err:.3g} s_max"


@budget(60)
@given(samples=sizes(), features=sizes(), data=st.data(), setup=SETUPS)
def test_pca(samples, features, data, setup):
    X = data.draw(arrays((samples, features)))
    nc = data.draw(st.integers(-1, min(samples, features) + 1))
    with kernel_setup(*setup):
        outcome = call(fastla.pca, X, nc)
    if not 1 <= nc <= min(samples, features) or samples < 2:
        return expect_error(outcome, ValueError)
    if not finite(X):
        return expect_error(outcome, ValueError, "NaN or Inf")
    dtype = compute_dtype(X)
    info = np.finfo(dtype)
    x = seen(X, dtype)
    xc = x - x.mean(axis=0)
    cov = (xc.T @ xc) / (samples - 1)
    if float(np.max(np.abs(cov))) > float(info.max) / (4 * samples):
        result, error = outcome  # the covariance may overflow the dtype: an error or the answer
        if error is not None:
            return None
    components, variance, mean = expect_result(outcome)
    assert components.dtype == variance.dtype == mean.dtype == dtype
    assert components.shape == (nc, features) and variance.shape == (nc,) and mean.shape == (features,)
    assert_sums(mean, x.mean(axis=0), np.abs(x).mean(axis=0), samples, dtype, "pca mean")
    c = pow2_scale(cov)
    cov64 = scaled64(cov, c)
    ref = np.linalg.eigvalsh(cov64)[::-1][:nc]
    top = max(float(ref[0]), 1e-300)
    eps = eps_of(dtype)
    # centring by a rounded mean leaves errors of eps |x| in each entry
    big = np.float64(np.max(np.abs(scaled64(x, np.sqrt(c)))))  # inf rather than OverflowError
    tol = THRESHOLD * (samples + features) * eps * (top + big * np.sqrt(top)) \
        + (THRESHOLD * samples * eps * big) ** 2
    var64, _ = overflowed(scaled64(variance, c), ref, c, dtype, THRESHOLD * (samples + features) * eps)
    if np.float64(np.max(np.abs(x))) ** 2 * samples < float(info.tiny) / eps:
        return None  # the variances underflow the dtype: only their size is checked
    assert np.max(np.abs(var64 - ref)) <= tol, "pca: explained variance"
    P = np.asarray(components, np.float64)
    assert np.linalg.norm(P @ P.T - np.eye(nc)) <= THRESHOLD * features * eps, "pca: not orthonormal"
    resid = np.linalg.norm(cov64 @ P.T - P.T * ref)
    assert resid <= np.sqrt(nc) * tol, f"pca: residual {resid / top:.3g}"


# ---- scikit-learn estimators ------------------------------------------------------------------

@budget(30, most=500)
@given(samples=sizes(2), features=sizes(2), data=st.data())
def test_sklearn_estimators(samples, features, data):
    sk = pytest.importorskip("fastla.sklearn")
    from sklearn.decomposition import PCA as SkPCA

    X = data.draw(arrays((samples, features), regimes=["normal", "integers", "graded", "nonfinite"]))
    which = data.draw(st.sampled_from(["PCA", "TruncatedSVD"]))
    nc = data.draw(st.integers(1, min(samples, features)))
    if which == "PCA":
        est = sk.PCA(n_components=nc, whiten=data.draw(st.booleans()))
    else:
        est = sk.TruncatedSVD(n_components=nc, algorithm=data.draw(st.sampled_from(["randomized", "full"])),
                              random_state=0)
    outcome = call(est.fit_transform, X)
    if not finite(X):
        return expect_error(outcome, ValueError)
    Z = expect_result(outcome)
    # scikit-learn keeps native float32 only; every other dtype becomes float64
    dtype = np.dtype(np.float32) if X.dtype == np.float32 else np.dtype(np.float64)
    x = np.asarray(X, dtype).astype(np.float64)
    assert Z.shape == (samples, nc) and Z.dtype == dtype
    eps = eps_of(dtype)
    P = np.asarray(est.components_, np.float64)
    assert np.linalg.norm(P @ P.T - np.eye(nc)) <= THRESHOLD * features * eps
    center = est.mean_ if which == "PCA" else 0
    proj = (x - center) @ P.T
    if which == "PCA" and est.whiten:
        proj /= np.maximum(np.sqrt(est.explained_variance_), np.finfo(dtype).eps)
    scale = max(float(np.abs(x).max()), 1e-300) * features
    assert np.max(np.abs(Z - proj)) <= THRESHOLD * samples * eps * max(scale, np.abs(proj).max()) \
        * (1 if not (which == "PCA" and est.whiten) else 1 / max(np.sqrt(est.explained_variance_).min(), eps)), \
        "transform is not X projected on the components"
    if which == "PCA":
        ref = SkPCA(n_components=nc, svd_solver="full").fit(x)
        top = float(ref.explained_variance_[0])
        big = float(np.abs(x).max())  # centring by a rounded mean: errors of eps |x| per entry
        assert np.max(np.abs(est.explained_variance_ - ref.explained_variance_)) <= \
            THRESHOLD * (samples + features) * eps * (top + big * np.sqrt(top)) \
            + (THRESHOLD * samples * eps * big) ** 2
    elif est.algorithm == "full":
        s = np.linalg.svd(x, compute_uv=False)[:nc]
        assert np.max(np.abs(est.singular_values_ - s)) <= THRESHOLD * max(samples, features) * eps * s[0]


# ---- rejected input, for every function -------------------------------------------------------

def _square(a):
    return a if a.ndim == 2 and a.shape[0] == a.shape[1] else np.ones((3, 3), a.dtype)


CALLS = {
    "dot": lambda a: fastla.dot(a.ravel(), a.ravel()),
    "dot y": lambda a: fastla.dot(np.ones(a.size), a.ravel()),
    "norm": lambda a: fastla.norm(a),
    "cosine_similarity": lambda a: fastla.cosine_similarity(a),
    "cosine_similarity Y": lambda a: fastla.cosine_similarity(np.ones((2, a.shape[-1])), a),
    "top_k": lambda a: fastla.top_k(a, np.ones((3, a.shape[-1])), 1),
    "top_k catalog": lambda a: fastla.top_k(np.ones(a.shape[-1]), a, 1),
    "matmul": lambda a: fastla.matmul(a, np.ones((a.shape[-1], 2))),
    "matmul B": lambda a: fastla.matmul(np.ones((2, a.shape[0])), a),
    "matmul out": lambda a: fastla.matmul(np.ones((a.shape[0], 1)), np.ones((1, a.shape[-1])), out=a),
    "ladder.matmul": lambda a: fastla.ladder.matmul(a, np.ones((a.shape[-1], 2))),
    "eigh": lambda a: fastla.eigh(_square(a)),
    "top_eigs": lambda a: fastla.top_eigs(_square(a), 1),
    "power_iteration": lambda a: fastla.power_iteration(_square(a)),
    "svd": lambda a: fastla.svd(a),
    "randomized_svd": lambda a: fastla.randomized_svd(a, 1),
    "pca": lambda a: fastla.pca(a, 1),
}


@budget(100)
@given(name=st.sampled_from(sorted(CALLS)), data=st.data())
def test_rejected_dtypes(name, data):
    a = data.draw(rejected_arrays((sizes(1, 9), sizes(1, 9))))
    expect_error(call(CALLS[name], a), TypeError, "dtype")


@budget(100)
@given(name=st.sampled_from(sorted(CALLS)), junk=JUNK)
def test_junk_arguments(name, junk):
    if junk is None and name in ("cosine_similarity Y", "matmul out"):
        return None  # Y=None is X with itself, out=None a new array
    if isinstance(junk, float) and name == "norm":
        return None  # the norm of a number is its absolute value
    expect_error(call(_call_with_junk, name, junk), (TypeError, ValueError))


def _call_with_junk(name, junk):
    """The junk where the function's first array goes."""
    f = {"dot": lambda j: fastla.dot(j, j), "dot y": lambda j: fastla.dot(np.ones(2), j),
         "norm": fastla.norm, "cosine_similarity": fastla.cosine_similarity,
         "cosine_similarity Y": lambda j: fastla.cosine_similarity(np.ones((2, 2)), j),
         "top_k": lambda j: fastla.top_k(j, np.ones((3, 2)), 1),
         "top_k catalog": lambda j: fastla.top_k(np.ones(2), j, 1),
         "matmul": lambda j: fastla.matmul(j, np.ones((2, 2))),
         "matmul B": lambda j: fastla.matmul(np.ones((2, 2)), j),
         "matmul out": lambda j: fastla.matmul(np.ones((2, 2)), np.ones((2, 2)), out=j),
         "ladder.matmul": lambda j: fastla.ladder.matmul(j, np.ones((2, 2))),
         "eigh": fastla.eigh, "top_eigs": lambda j: fastla.top_eigs(j, 1),
         "power_iteration": fastla.power_iteration, "svd": fastla.svd,
         "randomized_svd": lambda j: fastla.randomized_svd(j, 1),
         "pca": lambda j: fastla.pca(j, 1)}[name]
    return f(junk)


@budget(80)
@given(name=st.sampled_from(["eigh", "svd", "top_eigs", "randomized_svd", "pca", "power_iteration"]),
       value=st.one_of(st.integers(-2**70, 0), st.floats(allow_nan=True), st.sampled_from(["2", None])))
def test_bad_integer_parameters(name, value):
    A = np.eye(4)
    f = {"eigh": lambda v: fastla.eigh(A, max_sweeps=v), "svd": lambda v: fastla.svd(A, max_sweeps=v),
         "top_eigs": lambda v: fastla.top_eigs(A, v if v is None or not isinstance(v, int) else v - 5),
         "randomized_svd": lambda v: fastla.randomized_svd(A, v),
         "pca": lambda v: fastla.pca(A, v), "power_iteration": lambda v: fastla.power_iteration(A, max_iter=v)}
    expect_error(call(f[name], value), (ValueError, TypeError))


# ---- threads and SIMD paths -----------------------------------------------------------------

@budget(50)
@given(n=st.one_of(st.integers(-5, 300), st.just(2**64), st.sampled_from([1.5, "2", None, 2.0])),
       data=st.data())
def test_set_num_threads(n, data):
    before = fastla.get_num_threads()
    try:
        outcome = call(fastla.set_num_threads, n)
        if not isinstance(n, int):
            return expect_error(outcome, TypeError)
        if n < 1:
            return expect_error(outcome, ValueError, "at least 1")
        expect_result(outcome)
        assert fastla.get_num_threads() == min(n, 256)
        A = data.draw(arrays((sizes(), sizes(1)), regimes=["normal"]))
        B = data.draw(arrays((A.shape[1], sizes()), regimes=["normal"]))
        check_product(A, B, fastla.matmul(A, B))
    finally:
        fastla.set_num_threads(before)


@budget(30)
@given(name=st.one_of(st.sampled_from(["generic", "avx2", "avx512", "sse", "", "AVX2", "neon"]),
                      st.integers(), st.none()))
def test_set_isa(name):
    before = _core.isa()
    try:
        outcome = call(fastla.set_isa, name)
        if not isinstance(name, str):
            return expect_error(outcome, TypeError)
        if name in _core.isas():
            expect_result(outcome)
            assert _core.isa() == name
        else:
            expect_error(outcome, ValueError, "isa")
    finally:
        fastla.set_isa(before)
