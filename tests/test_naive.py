"""The naive twins are the oracle, so they are checked against NumPy too, and
they must take plain lists and give plain Python results."""

import copy
import math

import numpy as np
import pytest

import fastla
import fastla.naive as naive
import fastla.naive.eigen
from registry import np_cosine, np_top_k

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
                if path.name == "eigen.py" and name in EIGEN_OUTSIDE_IMPORTS:
                    continue
                assert not name.startswith("numpy"), (path, name)
                assert not name.startswith("fastla") or name.startswith("fastla.naive"), (path, name)


# The only imports from outside fastla.naive that eigen.py may make: fastla's own
# ConvergenceError, and NumPy's generator for power iteration's random start.
EIGEN_OUTSIDE_IMPORTS = {"numpy.random", "fastla.decomposition"}


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
