"""The naive twins are the oracle, so they are checked against NumPy too, and
they must take plain lists and give plain Python results."""

import copy
import importlib
import math

import numpy as np
import pytest

import fastla
import fastla.naive as naive
import fastla.naive.eigen
from registry import np_cosine, np_top_k

# the module, not the function fastla.naive.svd that the package re-exports
naive_svd_module = importlib.import_module("fastla.naive.svd")

EPS = np.finfo(np.float64).eps


def test_naive_takes_lists_and_returns_python_types():
    assert naive.dot([1, 2, 3], [4, 5, 6]) == 32.0
    assert naive.norm([3, 4]) == 5.0
    S = naive.cosine_similarity([[1, 0], [0, 2]])
    assert isinstance(S, list) and isinstance(S[0], list) and isinstance(S[0][0], float)
    idx, sc = naive.top_k([1.0, 0.0], [[0.0, 1.0], [2.0, 0.0], [1.0, 1.0]], 2)
    assert idx == [1, 2] and isinstance(sc, list)


def test_naive_agrees_with_numpy(rng):
    X, Y = rng.standard_normal((6, 5)), rng.standard_normal((8, 5))
    assert math.isclose(naive.dot(X[0], Y[0]), float(X[0] @ Y[0]), rel_tol=1e-13)
    assert math.isclose(naive.norm(X), float(np.linalg.norm(X)), rel_tol=1e-13)
    np.testing.assert_allclose(naive.cosine_similarity(X, Y), np_cosine(X, Y), rtol=1e-13)
    for metric in ("cosine", "dot"):
        order, scores, _ = np_top_k(X, Y, 3, metric)
        idx, sc = naive.top_k(X, Y, 3, metric=metric)
        np.testing.assert_array_equal(idx, order)
        np.testing.assert_allclose(sc, scores, rtol=1e-13)


def test_naive_does_not_import_numpy_or_fastla():
    import ast
    import pathlib

    import fastla.naive

    for path in pathlib.Path(fastla.naive.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                if name in OUTSIDE_IMPORTS.get(path.name, ()):
                    continue
                assert not name.startswith("numpy"), (path, name)
                assert not name.startswith("fastla") or name.startswith("fastla.naive"), (path, name)


# The only imports from outside fastla.naive that a module may make: fastla's own
# ConvergenceError (eigen.py, svd.py), and NumPy's generator for power iteration's
# random start (eigen.py).
OUTSIDE_IMPORTS = {"eigen.py": {"numpy.random", "fastla.decomposition"},
                   "svd.py": {"fastla.decomposition"}}


# ---- eigen: power_iteration and eigh ----------------------------------------------------


def _symmetric(rng, n):
    B = rng.standard_normal((n, n))
    return (B + B.T) / 2


def _signed_columns(V):
    """numpy's eigenvectors with fastla's sign: largest |component| positive (first on ties)."""
    V = np.array(V, dtype=np.float64)
    big = np.argmax(np.abs(V), axis=0)
    return V * np.where(V[big, np.arange(V.shape[1])] < 0, -1.0, 1.0)


def _with_dominant(rng, n):
    """A random symmetric matrix whose largest |eigenvalue| is twice any other,
    so power iteration converges in a few dozen steps."""
    Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    lams = rng.uniform(-1.0, 1.0, n)
    lams[rng.integers(n)] = 2.0 * rng.choice([-1.0, 1.0])
    return (Q * lams) @ Q.T


@pytest.mark.parametrize("n", [1, 2, 5, 12])
def test_naive_eigh_agrees_with_fast_and_numpy(rng, n):
    A = _symmetric(rng, n)
    w, V = naive.eigh(A.tolist())
    assert isinstance(w, list) and all(isinstance(v, float) for v in w)
    assert isinstance(V, list) and len(V) == n and all(isinstance(r, list) and len(r) == n for r in V)
    w, V = np.array(w), np.array(V)
    scale = n * EPS * np.linalg.norm(A, 2)

    # eigenvalues: ascending, and those of NumPy (LAPACK) and of the C version
    w_np, V_np = np.linalg.eigh(A)
    w_fast, V_fast = fastla.eigh(A)
    assert np.all(np.diff(w) >= 0)
    np.testing.assert_allclose(w, w_np, rtol=0, atol=30 * scale)
    np.testing.assert_allclose(w, w_fast, rtol=0, atol=30 * scale)
    # eigenvectors: the same vectors with the same signs (the spectrum's gaps are
    # >= 1e-2 for these seeds, so the vectors are determined to ~1e-13)
    gaps = np.diff(w_np)
    assert n == 1 or gaps.min() > 1e-2
    np.testing.assert_allclose(V, _signed_columns(V_np), rtol=0, atol=1e-11)
    np.testing.assert_allclose(V, V_fast, rtol=0, atol=1e-11)
    big = np.argmax(np.abs(V), axis=0)
    assert np.all(V[big, np.arange(n)] > 0)
    # LAPACK-style invariants: A V = V diag(w), V^T V = I
    assert np.linalg.norm(A @ V - V * w) / scale < 30
    assert np.linalg.norm(V.T @ V - np.eye(n)) / (n * EPS) < 30
    # eigvals_only gives the same eigenvalues, alone
    assert naive.eigh(A, eigvals_only=True) == w.tolist()


def test_naive_eigh_reads_only_the_lower_triangle(rng):
    L = np.tril(_symmetric(rng, 6))
    junk = L + np.triu(rng.standard_normal((6, 6)) * 100, k=1)  # upper triangle is noise
    S = L + np.tril(L, -1).T  # the symmetric matrix the lower triangle stands for
    w, V = naive.eigh(junk)
    w_S, V_S = naive.eigh(S)
    assert w == w_S and V == V_S
    w_np, V_np = np.linalg.eigh(S)
    np.testing.assert_allclose(w, w_np, rtol=0, atol=1e-13 * np.linalg.norm(S, 2) * 6)
    np.testing.assert_allclose(V, _signed_columns(V_np), rtol=0, atol=1e-11)


def test_naive_eigen_sign_ties_go_to_the_first_component():
    # [[0, 1], [1, 0]] has eigenvectors (1, -1)/sqrt2 and (1, 1)/sqrt2: |components|
    # tie exactly (c = s in the one rotation), so the first component decides the sign
    w, V = naive.eigh([[0.0, 1.0], [1.0, 0.0]])
    r = 1 / math.sqrt(2)
    assert w == [-1.0, 1.0]
    np.testing.assert_allclose(V, [[r, r], [-r, r]], rtol=1e-15)
    np.testing.assert_array_equal(V, fastla.eigh(np.array([[0.0, 1.0], [1.0, 0.0]]))[1])
    lam, v = naive.power_iteration([[2.0, 0.0], [0.0, 2.0]], x0=[-3.0, 3.0])
    assert math.isclose(lam, 2.0, rel_tol=1e-15) and v[0] > 0 > v[1] and v[0] == -v[1]


def test_naive_eigh_sweep_cap_raises_with_best(rng, monkeypatch):
    A = _symmetric(rng, 8)
    monkeypatch.setattr(fastla.naive.eigen, "MAX_SWEEPS", 1)
    with pytest.raises(fastla.ConvergenceError) as info:
        naive.eigh(A)
    assert info.value.iterations == 1
    w, V = info.value.best
    # one sweep is not enough, but rotations keep the trace and orthogonality
    assert math.isclose(sum(w), float(np.trace(A)), rel_tol=0, abs_tol=1e-13 * 8 * np.abs(A).max())
    assert np.linalg.norm(np.array(V).T @ np.array(V) - np.eye(8)) < 1e-13
    assert np.abs(np.array(w) - np.linalg.eigvalsh(A)).max() > 1e-13  # not there yet


@pytest.mark.parametrize("n", [1, 2, 5, 12])
def test_naive_power_iteration_agrees_with_fast_and_numpy(rng, n):
    A = _with_dominant(rng, n)
    tol = 1e-10
    lam, v = naive.power_iteration(A.tolist(), tol=tol, random_state=7)
    assert isinstance(lam, float) and isinstance(v, list) and all(isinstance(x, float) for x in v)
    v = np.array(v)
    # the stopping rule held: |A v - lambda v| <= tol |A|_F, with |v| = 1
    assert math.isclose(np.linalg.norm(v), 1.0, rel_tol=1e-14)
    assert np.linalg.norm(A @ v - lam * v) <= tol * np.linalg.norm(A) * (1 + 1e-10)
    # the same seed gives the same start, so the same answer as the C version
    lam_fast, v_fast = fastla.power_iteration(A, tol=tol, random_state=7)
    assert math.isclose(lam, float(lam_fast), rel_tol=1e-13)
    np.testing.assert_allclose(v, v_fast, rtol=0, atol=1e-12)
    # and NumPy's dominant eigenpair, with the same sign convention
    w_np, V_np = np.linalg.eigh(A)
    k = int(np.argmax(np.abs(w_np)))
    assert math.isclose(lam, w_np[k], rel_tol=1e-12)
    np.testing.assert_allclose(v, _signed_columns(V_np)[:, k], rtol=0, atol=1e-8)
    # an explicit start vector, too
    x0 = rng.standard_normal(n)
    lam0, v0 = naive.power_iteration(A, x0=x0.tolist())
    lam0_fast, v0_fast = fastla.power_iteration(A, x0=x0)
    assert math.isclose(lam0, float(lam0_fast), rel_tol=1e-13)
    np.testing.assert_allclose(v0, v0_fast, rtol=0, atol=1e-12)


def test_naive_power_iteration_random_start_is_numpys(rng):
    """One product on a matrix it cannot converge on returns the start vector
    itself as .best: it must be default_rng(seed).standard_normal(n), normalised."""
    A = [[0.0, 1.0], [1.0, 0.0]]
    with pytest.raises(fastla.ConvergenceError) as info:
        naive.power_iteration(A, max_iter=1, random_state=123)
    x = np.random.default_rng(123).standard_normal(2)
    x /= np.linalg.norm(x)
    np.testing.assert_allclose(info.value.best[1], _signed_columns(x[:, None])[:, 0], rtol=1e-15)


def test_naive_power_iteration_raises_convergence_error_with_best():
    # eigenvalues +1 and -1: equal in size, so x only flips between two vectors
    A = [[0.0, 1.0], [1.0, 0.0]]
    with pytest.raises(fastla.ConvergenceError) as info:
        naive.power_iteration(A, max_iter=5, x0=[1.0, 0.0])
    err = info.value
    assert err.iterations == 5
    lam, x = err.best
    # x0 = e1: A e1 = e2, lambda = e1 . e2 = 0, residual |e2 - 0| = 1, and never better
    assert lam == 0.0 and x == [1.0, 0.0] and err.residual == 1.0
    with pytest.raises(fastla.ConvergenceError) as fast_info:
        fastla.power_iteration(np.array(A), max_iter=5, random_state=4)
    with pytest.raises(fastla.ConvergenceError) as info:
        naive.power_iteration(A, max_iter=5, random_state=4)
    assert info.value.iterations == fast_info.value.iterations == 5
    assert math.isclose(info.value.best[0], float(fast_info.value.best[0]), rel_tol=1e-14)
    np.testing.assert_allclose(info.value.best[1], fast_info.value.best[1], rtol=1e-14)
    assert math.isclose(info.value.residual, fast_info.value.residual, rel_tol=1e-14)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_naive_eigen_rejects_nonfinite(bad):
    A = [[2.0, 1.0], [1.0, 3.0]]
    A[1][0] = bad
    with pytest.raises(ValueError, match="NaN or Inf"):
        naive.power_iteration(A)
    with pytest.raises(ValueError, match="NaN or Inf"):
        naive.eigh(A)
    with pytest.raises(ValueError, match="NaN or Inf"):
        naive.eigh(np.array(A))


@pytest.mark.parametrize("A", [[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], [1.0, 2.0], [[1.0, 2.0], [3.0]]])
def test_naive_eigen_rejects_non_square(A):
    with pytest.raises(ValueError):
        naive.power_iteration(A)
    with pytest.raises(ValueError):
        naive.eigh(A)


def test_naive_eigen_does_not_mutate_input(rng):
    A = rng.standard_normal((5, 5))  # not symmetric: eigh reads the lower triangle
    as_list = A.tolist()
    before_list, before_array = copy.deepcopy(as_list), A.copy()
    naive.eigh(as_list)
    naive.eigh(A)
    S = _with_dominant(rng, 5)
    S_list, S_before = S.tolist(), S.copy()
    x0 = [1.0, 2.0, 3.0, 4.0, 5.0]
    naive.power_iteration(S_list, x0=x0)
    naive.power_iteration(S)
    assert as_list == before_list and np.array_equal(A, before_array)
    assert S_list == S_before.tolist() and np.array_equal(S, S_before)
    assert x0 == [1.0, 2.0, 3.0, 4.0, 5.0]


# ---- svd: one-sided Jacobi ----------------------------------------------------------------


def _numpy_svd_signed(A, full_matrices=False):
    """numpy's SVD with fastla's sign convention: each of the first min(m, n) rows of
    Vt with its largest |entry| positive (first on ties), U's columns to match."""
    U, s, Vt = np.linalg.svd(np.asarray(A, dtype=np.float64), full_matrices=full_matrices)
    k = min(U.shape[1], Vt.shape[0])
    big = np.argmax(np.abs(Vt[:k]), axis=1)
    signs = np.where(Vt[np.arange(k), big] < 0, -1.0, 1.0)
    Vt[:k] *= signs[:, None]
    U[:, :k] *= signs
    return U, s, Vt


def _assert_svd_invariants(A, U, s, Vt, threshold=30):
    """LAPACK-style ratios: |A - U S Vt|_F / (|A|_F max(m, n) eps), |U^T U - I|_F /
    (m eps), |Vt Vt^T - I|_F / (n eps), and s descending and non-negative."""
    A, U, s, Vt = (np.asarray(x, dtype=np.float64) for x in (A, U, s, Vt))
    m, n = A.shape
    k = len(s)
    assert np.all(s >= 0) and np.all(np.diff(s) <= 0)
    anorm = max(np.linalg.norm(A), 1e-300)
    resid = np.linalg.norm(A - (U[:, :k] * s) @ Vt[:k]) / (anorm * max(m, n) * EPS)
    assert resid < threshold, f"residual ratio {resid:.3g}"
    assert np.linalg.norm(U.T @ U - np.eye(U.shape[1])) / (m * EPS) < threshold
    assert np.linalg.norm(Vt @ Vt.T - np.eye(Vt.shape[0])) / (n * EPS) < threshold
    big = np.argmax(np.abs(Vt[:k]), axis=1)
    assert np.all(Vt[np.arange(k), big] > 0), "sign convention"


SVD_SHAPES = [(1, 1), (1, 4), (4, 1), (2, 2), (5, 3), (3, 5), (6, 6), (9, 4), (4, 9)]


@pytest.mark.parametrize("shape", SVD_SHAPES, ids=str)
def test_naive_svd_agrees_with_fast_and_numpy(rng, shape):
    m, n = shape
    k = min(m, n)
    A = rng.standard_normal(shape)
    U, s, Vt = naive.svd(A.tolist())
    assert isinstance(s, list) and len(s) == k and all(isinstance(v, float) for v in s)
    assert isinstance(U, list) and len(U) == m
    assert all(isinstance(r, list) and len(r) == k for r in U)
    assert isinstance(Vt, list) and len(Vt) == k
    assert all(isinstance(r, list) and len(r) == n for r in Vt)
    assert all(isinstance(v, float) for row in U + Vt for v in row)
    _assert_svd_invariants(A, U, s, Vt)

    U_np, s_np, Vt_np = _numpy_svd_signed(A)
    U_fast, s_fast, Vt_fast = fastla.svd(A)
    atol = 30 * max(m, n) * EPS * s_np[0]
    np.testing.assert_allclose(s, s_np, rtol=0, atol=atol)
    np.testing.assert_allclose(s, s_fast, rtol=0, atol=atol)
    # the singular vectors, same signs: for these seeds the singular values are
    # apart by >= 1e-2 relative, so the vectors are determined to ~1e-13
    assert k == 1 or np.min(-np.diff(s_np)) > 1e-2 * s_np[0]
    for U_ref, Vt_ref in ((U_np, Vt_np), (U_fast, Vt_fast)):
        np.testing.assert_allclose(U, U_ref, rtol=0, atol=1e-11)
        np.testing.assert_allclose(Vt, Vt_ref, rtol=0, atol=1e-11)
    # compute_uv=False: the same rotations, so the very same s
    assert naive.svd(A, compute_uv=False) == s


@pytest.mark.parametrize("shape", [(1, 3), (3, 1), (5, 3), (3, 5), (4, 4)], ids=str)
def test_naive_svd_full_matrices(rng, shape):
    m, n = shape
    k = min(m, n)
    A = rng.standard_normal(shape)
    U, s, Vt = naive.svd(A, full_matrices=True)
    assert len(U) == m and all(len(r) == m for r in U)
    assert len(Vt) == n and all(len(r) == n for r in Vt)
    _assert_svd_invariants(A, U, s, Vt)  # U m x m and Vt n x n orthogonal
    # the first k vectors are the thin ones; the rest complete the bases
    U_thin, s_thin, Vt_thin = naive.svd(A)
    assert s == s_thin
    np.testing.assert_array_equal(np.array(U)[:, :k], U_thin)
    np.testing.assert_array_equal(np.array(Vt)[:k], Vt_thin)
    U_np, _, Vt_np = _numpy_svd_signed(A, full_matrices=True)
    # the completions span what numpy's do (the orthogonal complement)
    extra_u, extra_v = np.array(U)[:, k:], np.array(Vt)[k:]
    np.testing.assert_allclose(extra_u @ extra_u.T, U_np[:, k:] @ U_np[:, k:].T, atol=1e-13)
    np.testing.assert_allclose(extra_v.T @ extra_v, Vt_np[k:].T @ Vt_np[k:], atol=1e-13)


def test_naive_svd_rank_deficient(rng):
    # rank 2 from a product: the trailing singular values are rounding noise
    B = rng.standard_normal((6, 2)) @ rng.standard_normal((2, 5))
    U, s, Vt = naive.svd(B)
    _assert_svd_invariants(B, U, s, Vt)
    s_np = np.linalg.svd(B, compute_uv=False)
    np.testing.assert_allclose(s, s_np, rtol=0, atol=30 * 6 * EPS * s_np[0])
    assert max(s[2:]) < 1e-14 * s[0]
    # an exactly zero column and zero rows: a zero singular value, and the left
    # vector that goes with it comes from Gram-Schmidt
    C = [[1.0, 0.0, 2.0], [0.0, 0.0, 0.0], [3.0, 0.0, 4.0], [0.0, 0.0, 0.0]]
    for full in (False, True):
        U, s, Vt = naive.svd(C, full_matrices=full)
        assert s[2] == 0.0
        _assert_svd_invariants(C, U, s, Vt)
        np.testing.assert_allclose(s, np.linalg.svd(C, compute_uv=False), rtol=1e-14, atol=0)
    U, s, Vt = naive.svd(np.array(C).T, full_matrices=True)  # wide, the same zero
    _assert_svd_invariants(np.array(C).T, U, s, Vt)
    # the zero matrix: s = 0 and bases from Gram-Schmidt alone
    for shape in [(3, 2), (2, 3)]:
        U, s, Vt = naive.svd(np.zeros(shape), full_matrices=True)
        assert s == [0.0, 0.0]
        _assert_svd_invariants(np.zeros(shape), U, s, Vt)


def test_naive_svd_exact_cases():
    # diagonal: s = |d| sorted, the vectors unit vectors with the sign in U
    U, s, Vt = naive.svd([[0.0, 0.0], [0.0, -3.0], [2.0, 0.0]])
    assert s == [3.0, 2.0]
    assert Vt == [[0.0, 1.0], [1.0, 0.0]]
    assert U == [[0.0, 0.0], [-1.0, 0.0], [0.0, 1.0]]
    # [[1, 1], [1, -1]] has s = sqrt2, sqrt2: no rotation is needed (columns orthogonal)
    U, s, Vt = naive.svd([[1.0, 1.0], [1.0, -1.0]])
    assert s == [math.sqrt(2.0), math.sqrt(2.0)] and Vt == [[1.0, 0.0], [0.0, 1.0]]
    # one rotation by pi/4 where |a_p| = |a_q|: the sign tie goes to the first entry
    U, s, Vt = naive.svd([[1.0, 1.0], [0.0, 0.0]])
    r = 1 / math.sqrt(2)
    assert math.isclose(s[0], math.sqrt(2.0), rel_tol=1e-15) and s[1] == 0.0
    np.testing.assert_allclose(Vt, [[r, r], [r, -r]], rtol=1e-15)
    np.testing.assert_allclose(Vt, fastla.svd(np.array([[1.0, 1.0], [0.0, 0.0]]))[2], rtol=1e-15)


def test_naive_svd_sweep_cap_raises_with_best(rng, monkeypatch):
    A = rng.standard_normal((8, 6))
    monkeypatch.setattr(naive_svd_module, "MAX_SWEEPS", 1)
    with pytest.raises(fastla.ConvergenceError) as info:
        naive.svd(A)
    assert info.value.iterations == 1
    U, s, Vt = info.value.best
    # rotations keep |A|_F^2 = sum s^2 and V orthogonal, but one sweep is not enough
    assert math.isclose(sum(v * v for v in s), float(np.sum(A * A)), rel_tol=1e-13)
    assert np.linalg.norm(np.array(Vt) @ np.array(Vt).T - np.eye(6)) < 1e-13
    assert np.abs(np.array(s) - np.linalg.svd(A, compute_uv=False)).max() > 1e-13
    with pytest.raises(fastla.ConvergenceError) as info:
        naive.svd(A, compute_uv=False)
    assert isinstance(info.value.best, list) and len(info.value.best) == 6


@pytest.mark.parametrize("shape", [(0, 3), (3, 0), (0, 0)], ids=str)
@pytest.mark.parametrize("full", [False, True])
def test_naive_svd_empty_like_numpy(shape, full):
    U, s, Vt = naive.svd(np.zeros(shape), full_matrices=full)
    U_np, s_np, Vt_np = np.linalg.svd(np.zeros(shape), full_matrices=full)
    assert s == [] and len(U) == U_np.shape[0] and len(Vt) == Vt_np.shape[0]
    assert all(len(row) == U_np.shape[1] for row in U)
    assert all(len(row) == Vt_np.shape[1] for row in Vt)
    if U_np.size:
        np.testing.assert_array_equal(U, U_np)  # the identity
    if Vt_np.size:
        np.testing.assert_array_equal(Vt, Vt_np)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_naive_svd_rejects_nonfinite(bad):
    A = [[2.0, 1.0, 0.0], [1.0, 3.0, 1.0]]
    A[1][2] = bad
    with pytest.raises(ValueError, match="NaN or Inf"):
        naive.svd(A)
    with pytest.raises(ValueError, match="NaN or Inf"):
        naive.svd(np.array(A), compute_uv=False)


def test_naive_svd_bad_input():
    for A in ([1.0, 2.0], np.ones(3), np.ones((2, 2, 2)), np.ones((2, 2, 2)).tolist()):
        with pytest.raises(ValueError, match="2-D"):
            naive.svd(A)
    with pytest.raises(ValueError, match="different lengths"):
        naive.svd([[1.0, 2.0], [3.0]])
    for A in ([[1j, 2.0], [3.0, 4.0]], np.eye(2, dtype=complex), [["a", "b"]]):
        with pytest.raises(TypeError):
            naive.svd(A)


def test_naive_svd_does_not_mutate_input(rng):
    A = rng.standard_normal((5, 4))
    as_list = A.tolist()
    before_list, before_array = copy.deepcopy(as_list), A.copy()
    for full in (False, True):
        naive.svd(as_list, full_matrices=full)
        naive.svd(A, full_matrices=full)
        naive.svd(A.T, full_matrices=full)
    assert as_list == before_list and np.array_equal(A, before_array)
