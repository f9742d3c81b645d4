"""fastla.eigh, power_iteration and pca.

eigh is checked the way LAPACK checks its symmetric eigensolvers: over its
test-matrix kinds (zero, identity, diagonal, random, clustered, arithmetic and
geometric spectra from 1 to eps, scaled near overflow and underflow, rank
deficient), the residual ratio |A - V diag(w) V^T|_F / (n |A|_F eps) and the
orthogonality ratio |V^T V - I|_F / (n eps) stay below THRESHOLD. On graded
matrices H = D A D the eigenvalues are compared with a 60-digit mpmath reference
to *relative* accuracy, the reason fastla uses Jacobi rather than QR.
power_iteration and pca are compared with NumPy."""

import mpmath
import numpy as np
import pytest

import fastla

EPS = {np.float32: float(np.finfo(np.float32).eps), np.float64: float(np.finfo(np.float64).eps)}
THRESHOLD = 60  # LAPACK's test ratios; a correct solver stays near 1 to 20 here
SIZES = [1, 2, 7, 40, 130]  # 130 > 64: the blocked Jacobi path (blocks of 32 columns)


# ---- helpers ----------------------------------------------------------------------------

def sym_lower(A):
    """The symmetric matrix eigh sees: A's lower triangle mirrored (bitwise symmetric)."""
    return np.tril(A) + np.tril(A, -1).T


def random_orthogonal(rng, n):
    Q, R = np.linalg.qr(rng.standard_normal((n, n)))
    return Q * np.where(np.diag(R) < 0, -1.0, 1.0)  # Haar distributed


def with_spectrum(rng, d):
    """Q diag(d) Q^T with a random orthogonal Q, made exactly symmetric."""
    d = np.asarray(d, dtype=np.float64)
    Q = random_orthogonal(rng, len(d))
    return sym_lower((Q * d) @ Q.T)


def pow2_scale(A):
    """A power of two s with max|s A| in [0.5, 1): scaling by it is exact, and the
    reference norms below neither overflow nor underflow."""
    amax = float(np.max(np.abs(A), initial=0.0))
    return 1.0 if amax == 0 else float(np.ldexp(1.0, -np.frexp(amax)[1]))


def ratios(A, w, V, eps):
    """LAPACK's (residual, orthogonality) ratios of eigh's (w, V) for A, in float64."""
    A64, w64, V64 = (np.asarray(x, dtype=np.float64) for x in (A, w, V))
    n = A64.shape[0]
    s = pow2_scale(A64)
    As = A64 * s
    anorm = max(np.linalg.norm(As), np.finfo(np.float64).tiny)
    resid = np.linalg.norm(As - (V64 * (w64 * s)) @ V64.T) / (n * anorm * eps)
    orth = np.linalg.norm(V64.T @ V64 - np.eye(n)) / (n * eps)
    return resid, orth


def assert_eigh_accurate(A, w, V, dtype):
    n = A.shape[0]
    assert w.dtype == dtype and V.dtype == dtype
    assert w.shape == (n,) and V.shape == (n, n)
    assert np.all(np.diff(w) >= 0), "eigenvalues not ascending"
    resid, orth = ratios(A, w, V, EPS[dtype])
    assert resid < THRESHOLD, f"residual ratio {resid:.3g}"
    assert orth < THRESHOLD, f"orthogonality ratio {orth:.3g}"


def assert_sign_convention(V, axis=0):
    """The largest-|.| component of each eigenvector (columns; rows for axis=1) is positive."""
    V = np.asarray(V, dtype=np.float64)
    if axis == 1:
        V = V.T
    big = np.argmax(np.abs(V), axis=0)
    assert np.all(V[big, np.arange(V.shape[1])] > 0)


def sign_normalized(V):
    """V (a vector, or the columns of a matrix) with each largest-|.| component positive."""
    V = np.array(V, dtype=np.float64)
    M = V.reshape(V.shape[0], -1)
    big = np.argmax(np.abs(M), axis=0)
    return (M * np.where(M[big, np.arange(M.shape[1])] < 0, -1.0, 1.0)).reshape(V.shape)


def separated(rng, n):
    """Symmetric with eigenvalues +-(k + 1/2), k < n/2: gaps of 1, so eigenvectors
    are well determined and can be compared between computations."""
    return with_spectrum(rng, rng.permutation(np.arange(n) - (n - 1) / 2 + 0.5 * (n % 2)) + 0.0)


# ---- 1. LAPACK-style accuracy over the test-matrix kinds --------------------------------

def _arithmetic(n):
    return 1 - (1 - EPS[np.float64]) * np.arange(n) / max(n - 1, 1)


def _geometric(n):
    return EPS[np.float64] ** (np.arange(n) / max(n - 1, 1))


def _clustered_pm(rng, n):
    # eigenvalues +-(1 + k eps): two tight clusters of near-equal |eigenvalue|
    return rng.choice([-1.0, 1.0], n) * (1 + EPS[np.float64] * rng.integers(0, 4, n))


def _rank_deficient(rng, n):
    B = rng.standard_normal((n, n // 2))  # rank n // 2 (zero for n = 1)
    return sym_lower(B @ B.T)


KINDS = {
    "zero": lambda rng, n: np.zeros((n, n)),
    "identity": lambda rng, n: np.eye(n),
    "diagonal": lambda rng, n: np.diag(rng.permutation(np.linspace(-1, 1, n))),
    "random": lambda rng, n: sym_lower(rng.standard_normal((n, n))),
    "cluster-top": lambda rng, n: with_spectrum(rng, np.r_[1.0, np.full(n - 1, EPS[np.float64])]),
    "cluster-bottom": lambda rng, n: with_spectrum(rng, np.r_[np.ones(n - 1), EPS[np.float64]]),
    "cluster-pm": lambda rng, n: with_spectrum(rng, _clustered_pm(rng, n)),
    "arithmetic": lambda rng, n: with_spectrum(rng, _arithmetic(n)),
    "geometric": lambda rng, n: with_spectrum(rng, _geometric(n)),
    "arithmetic-overflow": lambda rng, n: with_spectrum(rng, _arithmetic(n)) * 1e300,
    "geometric-overflow": lambda rng, n: with_spectrum(rng, _geometric(n)) * 2.0**1000,
    "arithmetic-underflow": lambda rng, n: with_spectrum(rng, _arithmetic(n)) * 1e-300,
    "geometric-underflow": lambda rng, n: with_spectrum(rng, _geometric(n)) * 2.0**-1000,
    "rank-deficient": lambda rng, n: _rank_deficient(rng, n),
}


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("kind", list(KINDS))
def test_eigh_lapack_ratios(kind, n, rng):
    A = KINDS[kind](rng, n)
    assert np.all(np.isfinite(A)) and np.array_equal(A, A.T)
    w, V = fastla.eigh(A)
    assert_eigh_accurate(A, w, V, np.float64)
    # eigenvalues against LAPACK's: both are backward stable, so within a few n eps |A|
    s = pow2_scale(A)
    ref = np.linalg.eigvalsh(A * s)
    bound = 4 * n * EPS[np.float64] * np.linalg.norm(A * s)
    err = np.max(np.abs(w * s - ref))
    assert err <= bound, f"max |w - eigvalsh| {err:.3g} > {bound:.3g} (scaled)"


def test_eigh_exact_cases():
    """Cases with a known answer: diagonal, identity, zero, 2 x 2."""
    d = np.array([3.0, -1.0, 2.0, 0.5])
    w, V = fastla.eigh(np.diag(d))
    np.testing.assert_array_equal(w, np.sort(d))
    np.testing.assert_array_equal(np.abs(V), np.eye(4)[:, np.argsort(d)])
    w, V = fastla.eigh(np.zeros((3, 3)))
    np.testing.assert_array_equal(w, 0)
    w, V = fastla.eigh(np.array([[2.0, 1.0], [1.0, 2.0]]))
    np.testing.assert_allclose(w, [1.0, 3.0], rtol=4 * EPS[np.float64])
    np.testing.assert_allclose(np.abs(V), np.full((2, 2), np.sqrt(0.5)), rtol=4 * EPS[np.float64])


# ---- 2. relative accuracy on graded matrices -------------------------------------------

REL_C = 10  # every eigenvalue within REL_C * n * eps * cond(A) relative error
GRADING_ORDERS = ["decreasing", "increasing", "shuffled"]


def graded(rng, n, order):
    """(A, H): A unit-diagonal, symmetric positive definite, |A - I|_2 = 0.5 (so
    cond(A) <= 3); H = D A D with D geometric from 1 to 1e-20 in the given order.
    H's eigenvalues span 1 to ~1e-40, and each is determined to a relative
    accuracy ~ cond(A) eps by H's entries (Demmel & Veselic 1992)."""
    E = np.triu(rng.standard_normal((n, n)), 1)
    E = E + E.T
    A = np.eye(n) + E * (0.5 / np.linalg.norm(E, 2))
    d = np.geomspace(1.0, 1e-20, n)
    d = {"decreasing": d, "increasing": d[::-1], "shuffled": rng.permutation(d)}[order]
    return A, sym_lower(d[:, None] * A * d[None, :])


def mpmath_eigvalsh(H, dps=60):
    """H's eigenvalues, ascending, from mpmath at dps digits on the exact float entries."""
    with mpmath.workdps(dps):
        w = mpmath.eigsy(mpmath.matrix(H.tolist()), eigvals_only=True)
        return np.sort(np.array([float(v) for v in w]))


@pytest.mark.parametrize("order", GRADING_ORDERS)
@pytest.mark.parametrize("n", [8, 12])  # n ~ 80 needs ~3-4 s of mpmath per matrix: left out
def test_eigh_relative_accuracy_graded(n, order, rng):
    A, H = graded(rng, n, order)
    ref = mpmath_eigvalsh(H)
    assert np.all(ref > 0) and ref[0] < 1e-35 * ref[-1]  # really graded, positive definite
    bound = REL_C * n * EPS[np.float64] * np.linalg.cond(A)
    for w in (fastla.eigh(H, eigvals_only=True), fastla.eigh(H)[0]):
        rel = np.abs(w - ref) / ref
        assert np.max(rel) <= bound, f"worst relative error {np.max(rel):.3g} > {bound:.3g}"


@pytest.mark.parametrize("span,order", [(1e-6, "increasing"), (1e-20, "shuffled")])
def test_eigh_relative_accuracy_graded_blocked(span, order, rng):
    """n = 72 takes the blocked path (n > 64), where rotations reach A through the
    GEMM. With D spanning 1 to 1e-6 (diagonal within 2^40) the float32 pass runs
    first; with 1e-20 it is skipped. Both must keep every eigenvalue's digits."""
    n = 72
    E = np.triu(rng.standard_normal((n, n)), 1)
    E = E + E.T
    A = np.eye(n) + E * (0.5 / np.linalg.norm(E, 2))
    d = np.geomspace(1.0, span, n)
    d = d[::-1] if order == "increasing" else rng.permutation(d)
    H = sym_lower(d[:, None] * A * d[None, :])
    ref = mpmath_eigvalsh(H)
    bound = REL_C * n * EPS[np.float64] * np.linalg.cond(A)
    rel = np.abs(fastla.eigh(H, eigvals_only=True) - ref) / ref
    assert np.max(rel) <= bound, f"worst relative error {np.max(rel):.3g} > {bound:.3g}"


@pytest.mark.parametrize("n", [8, 12])
def test_numpy_eigvalsh_loses_small_eigenvalues_of_graded(n, rng):
    """Why eigh uses Jacobi: LAPACK's tridiagonal QR is accurate only relative to
    |H|, so on the same matrices (grading increasing down the diagonal) the small
    eigenvalues come out with no correct digits, where fastla keeps them all."""
    _, H = graded(rng, n, "increasing")
    ref = mpmath_eigvalsh(H)
    assert np.max(np.abs(np.linalg.eigvalsh(H) - ref) / ref) > 1e-6
    assert np.max(np.abs(fastla.eigh(H, eigvals_only=True) - ref) / ref) < 1e-12


# ---- 3. dtypes, layouts, what is read and written, sign, SIMD paths ---------------------

@pytest.mark.parametrize("n", [2, 7, 40, 130])
@pytest.mark.parametrize("kind", ["random", "geometric", "cluster-pm"])
def test_eigh_float32_stays_float32(kind, n, rng):
    A = KINDS[kind](rng, n).astype(np.float32)
    w, V = fastla.eigh(A)
    assert_eigh_accurate(A, w, V, np.float32)
    ref = np.linalg.eigvalsh(A.astype(np.float64))
    assert np.max(np.abs(w - ref)) <= 4 * n * EPS[np.float32] * np.linalg.norm(A.astype(np.float64))
    assert fastla.eigh(A, eigvals_only=True).dtype == np.float32


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8, np.float16])
def test_eigh_other_real_types_become_float64(dtype, rng):
    A = sym_lower(rng.integers(0, 10, (9, 9))).astype(dtype)
    w, V = fastla.eigh(A)
    assert_eigh_accurate(A.astype(np.float64), w, V, np.float64)
    w64, V64 = fastla.eigh(A.astype(np.float64))
    np.testing.assert_allclose(w, w64, rtol=0, atol=4 * 9 * EPS[np.float64] * np.linalg.norm(w64))
    # and from nested lists
    w_list = fastla.eigh(A.astype(np.float64).tolist(), eigvals_only=True)
    assert w_list.dtype == np.float64
    np.testing.assert_allclose(w_list, w64, rtol=0, atol=4 * 9 * EPS[np.float64] * np.linalg.norm(w64))


def _layouts(S, rng):
    """Views in other memory layouts whose lower triangle is S's."""
    n = S.shape[0]
    big = rng.standard_normal((2 * n + 1, 3 * n + 2)).astype(S.dtype)
    big[1::2, 2::3][:n, :n] = S
    neg = rng.standard_normal((2 * n, 3 * n)).astype(S.dtype)
    neg[::-2, ::-3] = S
    garbage_up = np.tril(S) + np.triu(rng.standard_normal((n, n)).astype(S.dtype), 1)
    return {
        "strided": big[1::2, 2::3][:n, :n],
        "fortran": np.asfortranarray(S),
        "transposed": np.ascontiguousarray(garbage_up.T).T,  # lower triangle from M's upper
        "negative-strides": np.ascontiguousarray(S[::-1, ::-1])[::-1, ::-1],
        "negative-row-stride": np.ascontiguousarray(S[::-1])[::-1],
        "negative-strided-view": neg[::-2, ::-3],
    }


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n", [7, 40, 130])
def test_eigh_views_and_strides(n, dtype, rng):
    S = separated(rng, n).astype(dtype)
    w0, V0 = fastla.eigh(S)
    eps = EPS[dtype]
    for name, view in _layouts(S, rng).items():
        expected = sym_lower(np.array(view))
        np.testing.assert_array_equal(expected, S, err_msg=name)
        assert not view.flags.c_contiguous, name
        before = view.copy()
        w, V = fastla.eigh(view)
        np.testing.assert_array_equal(view, before, err_msg=f"{name}: input modified")
        assert_eigh_accurate(S, w, V, dtype)
        np.testing.assert_allclose(w, w0, rtol=0, atol=4 * n * eps * np.linalg.norm(w0), err_msg=name)
        # gaps of 1 next to |S|_2 = n / 2: eigenvectors agree to ~ n eps
        np.testing.assert_allclose(V, V0, rtol=0, atol=50 * n * eps, err_msg=name)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n", [2, 7, 130])
def test_eigh_reads_only_the_lower_triangle(n, dtype, rng):
    S = separated(rng, n).astype(dtype)
    w0, V0 = fastla.eigh(S)
    atol_w, atol_v = 4 * n * EPS[dtype] * np.linalg.norm(w0), 50 * n * EPS[dtype]
    upper = np.triu(np.ones((n, n), bool), 1)
    for garbage in (1e6 * rng.standard_normal((n, n)), np.zeros((n, n))):
        G = np.where(upper, garbage, S).astype(dtype)
        w, V = fastla.eigh(G)
        np.testing.assert_allclose(w, w0, rtol=0, atol=atol_w)
        np.testing.assert_allclose(V, V0, rtol=0, atol=atol_v)
    # NaN where nothing is read: found only by the up-front check, not by the solver
    G = np.where(upper, np.nan, S).astype(dtype)
    with pytest.raises(ValueError, match="NaN"):
        fastla.eigh(G)
    w, V = fastla.eigh(G, check_finite=False)
    np.testing.assert_allclose(w, w0, rtol=0, atol=atol_w)
    np.testing.assert_allclose(V, V0, rtol=0, atol=atol_v)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_inputs_are_never_modified(dtype, rng):
    A = KINDS["random"](rng, 70).astype(dtype)
    A[0, -1] = 123  # an asymmetric upper triangle too
    for call in (lambda: fastla.eigh(A), lambda: fastla.eigh(A, eigvals_only=True),
                 lambda: fastla.eigh(A, max_sweeps=1)):
        before = A.copy()
        try:
            call()
        except fastla.ConvergenceError:
            pass
        np.testing.assert_array_equal(A, before)
    P = separated(rng, 20).astype(dtype)
    x0 = rng.standard_normal(20).astype(dtype)
    before_p, before_x = P.copy(), x0.copy()
    try:
        fastla.power_iteration(P, x0=x0, max_iter=5)
    except fastla.ConvergenceError:
        pass
    np.testing.assert_array_equal(P, before_p)
    np.testing.assert_array_equal(x0, before_x)
    X = rng.standard_normal((30, 6)).astype(dtype)
    before = X.copy()
    fastla.pca(X, 3)
    np.testing.assert_array_equal(X, before)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n", [1, 7, 40, 130])
def test_eigvals_only(n, dtype, rng):
    A = KINDS["random"](rng, n).astype(dtype)
    w_only = fastla.eigh(A, eigvals_only=True)
    assert isinstance(w_only, np.ndarray) and w_only.shape == (n,) and w_only.dtype == dtype
    w, _ = fastla.eigh(A)
    np.testing.assert_allclose(w_only, w, rtol=0, atol=2 * n * EPS[dtype] * np.linalg.norm(w))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n", [2, 7, 40, 130])
def test_eigenvector_sign_convention(n, dtype, rng):
    for kind in ("random", "geometric", "diagonal"):
        A = KINDS[kind](rng, n).astype(dtype)
        _, V = fastla.eigh(A)
        assert_sign_convention(V)
        _, V = fastla.eigh(-A)
        assert_sign_convention(V)


@pytest.fixture(params=["pairs", "orthogonal", "none"])
def refine_mode(request):
    """Each way float64 eigh can take from its float32 start: the usual one, the
    one after a stalled refinement step, the one after a failed one."""
    fastla._core.set_eigh_refine(request.param)
    yield request.param
    fastla._core.set_eigh_refine("pairs")


@pytest.mark.parametrize("kind", ["random", "cluster-pm", "geometric", "rank-deficient"])
def test_eigh_every_refinement_path(kind, refine_mode, rng):
    """n = 200 takes the float32 pass, then refinement, then float64 Jacobi."""
    A = KINDS[kind](rng, 200)
    w, V = fastla.eigh(A)
    assert_eigh_accurate(A, w, V, np.float64)
    bound = 4 * 200 * EPS[np.float64] * np.linalg.norm(A)
    assert np.max(np.abs(w - np.linalg.eigvalsh(A))) <= bound


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n", [40, 95, 96, 130])  # last block of 32 columns short by 1, whole, of 2
def test_eigh_same_on_every_simd_path(n, dtype, isa, rng):
    """Accurate on this path, and equal (to rounding) to the generic path's answer."""
    A = separated(rng, n).astype(dtype)
    w, V = fastla.eigh(A)
    assert_eigh_accurate(A, w, V, dtype)
    G = KINDS["geometric"](rng, n).astype(dtype)
    wg, Vg = fastla.eigh(G)
    assert_eigh_accurate(G, wg, Vg, dtype)
    fastla.set_isa("generic")  # the fixture puts the path back
    w0, V0 = fastla.eigh(A)
    eps = EPS[dtype]
    np.testing.assert_allclose(w, w0, rtol=0, atol=4 * n * eps * np.linalg.norm(w0))
    np.testing.assert_allclose(V, V0, rtol=0, atol=50 * n * eps)
    np.testing.assert_allclose(wg, fastla.eigh(G, eigvals_only=True), rtol=0,
                               atol=4 * n * eps * np.linalg.norm(G.astype(np.float64)))


# ---- 4. bad input -----------------------------------------------------------------------

@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("where", [(0, 0), (3, 1), (1, 3)])
def test_eigh_rejects_non_finite(bad, where):
    A = np.eye(4)
    A[where] = bad
    for dtype in (np.float32, np.float64):
        with pytest.raises(ValueError, match="NaN or Inf"):
            fastla.eigh(A.astype(dtype))
        with pytest.raises(ValueError, match="NaN or Inf"):
            fastla.eigh(A.astype(dtype), eigvals_only=True)


@pytest.mark.parametrize("shape", [(3, 4), (4, 3), (3,), (2, 2, 2), (1, 0), ()])
def test_eigh_rejects_non_square(shape):
    with pytest.raises(ValueError, match="square"):
        fastla.eigh(np.ones(shape))


@pytest.mark.parametrize("dtype", [np.complex128, np.complex64, object, bool, "U1"])
def test_eigh_rejects_non_real(dtype):
    with pytest.raises(TypeError, match="dtype"):
        fastla.eigh(np.eye(3).astype(dtype))


def test_eigh_bad_max_sweeps():
    with pytest.raises(ValueError, match="max_sweeps"):
        fastla.eigh(np.eye(3), max_sweeps=0)


def test_eigh_convergence_error_carries_the_estimate(rng):
    A = KINDS["random"](rng, 50)
    assert issubclass(fastla.ConvergenceError, np.linalg.LinAlgError)
    with pytest.raises(fastla.ConvergenceError) as info:
        fastla.eigh(A, max_sweeps=1)
    err = info.value
    assert isinstance(err, np.linalg.LinAlgError)
    assert err.iterations == 1
    w, V = err.best
    assert w.shape == (50,) and V.shape == (50, 50) and w.dtype == V.dtype == np.float64
    # the estimate so far: V is still orthogonal (products of rotations), w sorted,
    # but one sweep does not diagonalise A
    _, orth = ratios(A, w, V, EPS[np.float64])
    assert orth < THRESHOLD and np.all(np.diff(w) >= 0)
    resid, _ = ratios(A, w, V, EPS[np.float64])
    assert resid > THRESHOLD
    with pytest.raises(fastla.ConvergenceError) as info:
        fastla.eigh(A, eigvals_only=True, max_sweeps=1)
    assert isinstance(info.value.best, np.ndarray) and info.value.best.shape == (50,)
    with pytest.raises(np.linalg.LinAlgError):  # catchable as NumPy's error
        fastla.eigh(A, max_sweeps=1)


# ---- 5. power_iteration -----------------------------------------------------------------

def spiked(rng, n, top, ratio=0.5):
    """Symmetric, eigenvalue `top` and the rest in (-|top| ratio, |top| ratio)."""
    d = rng.uniform(-1, 1, n) * abs(top) * ratio
    d[rng.integers(n)] = top
    return with_spectrum(rng, d)


def numpy_dominant(A):
    w, V = np.linalg.eigh(A)
    i = np.argmax(np.abs(w))
    return w[i], sign_normalized(V[:, i])


def assert_power_result(A, lam, x, tol):
    A64, x64 = np.asarray(A, np.float64), np.asarray(x, np.float64)
    assert x.shape == (A.shape[0],)
    assert abs(np.linalg.norm(x64) - 1) < 10 * EPS[np.dtype(x.dtype).type] * np.sqrt(len(x))
    assert_sign_convention(x64[:, None])
    resid = np.linalg.norm(A64 @ x64 - float(lam) * x64)
    # the residual is computed in float64 here as in the C core; allow rounding of x
    assert resid <= tol * np.linalg.norm(A64) * 1.01 + 10 * len(x) * EPS[np.dtype(x.dtype).type] * np.linalg.norm(A64)


@pytest.mark.parametrize("top", [2.0, -2.0])
@pytest.mark.parametrize("n", [1, 2, 10, 50, 200])
def test_power_iteration_symmetric(n, top, rng):
    for _ in range(3):
        A = spiked(rng, n, top)
        lam, x = fastla.power_iteration(A, random_state=rng)
        assert isinstance(lam, np.float64) and x.dtype == np.float64
        w_ref, v_ref = numpy_dominant(A)
        assert abs(lam - w_ref) <= 1e-8 * abs(w_ref)
        np.testing.assert_allclose(x, v_ref, rtol=0, atol=1e-8)
        assert_power_result(A, lam, x, 1e-10)


def test_power_iteration_tol_is_honoured(rng):
    A = spiked(rng, 60, 3.0, ratio=0.9)
    for tol in (1e-3, 1e-6, 1e-12):
        lam, x = fastla.power_iteration(A, tol=tol, random_state=1)
        assert_power_result(A, lam, x, tol)
    w_ref, _ = numpy_dominant(A)
    lam3, _ = fastla.power_iteration(A, tol=1e-3, random_state=1)
    lam12, _ = fastla.power_iteration(A, tol=1e-12, random_state=1)
    assert abs(lam12 - w_ref) < abs(lam3 - w_ref) or lam3 == w_ref


def test_power_iteration_threaded_size(rng, threads):
    """Large enough for the matrix-vector product to run on threads."""
    n = 2100
    G = rng.standard_normal((n, n))
    u = rng.standard_normal(n)
    u /= np.linalg.norm(u)
    A = (G + G.T) / np.sqrt(2 * n) + 6 * np.outer(u, u)  # semicircle on [-2, 2] plus a spike
    lam, x = fastla.power_iteration(A, random_state=0)
    assert_power_result(A, lam, x, 1e-10)
    assert abs(lam - (6 + 1 / 6)) < 0.1  # the spike's eigenvalue, theta + 1/theta
    fastla.set_num_threads(1)
    lam1, x1 = fastla.power_iteration(A, random_state=0)
    assert abs(lam1 - lam) <= 1e-9 * abs(lam)
    np.testing.assert_allclose(x1, x, rtol=0, atol=1e-8)


def test_power_iteration_non_symmetric(rng):
    n = 12
    S = np.eye(n) + 0.3 * rng.standard_normal((n, n)) / np.sqrt(n)
    d = np.r_[3.0, rng.uniform(-1.5, 1.5, n - 1)]
    A = S @ np.diag(d) @ np.linalg.inv(S)
    assert not np.allclose(A, A.T)
    lam, x = fastla.power_iteration(A, random_state=0)
    w, V = np.linalg.eig(A)
    i = np.argmax(np.abs(w))
    assert abs(w[i].imag) == 0 and abs(w[i].real - 3) < 1e-12
    assert abs(lam - w[i].real) <= 1e-8 * 3
    v = sign_normalized(V[:, i].real / np.linalg.norm(V[:, i].real))
    np.testing.assert_allclose(x, v, rtol=0, atol=1e-8)
    assert_power_result(A, lam, x, 1e-10)


def test_power_iteration_x0_is_honoured():
    A = np.diag([3.0, 2.0, 1.0])
    # started on an eigenvector, it stays there (a random start finds 3)
    lam, x = fastla.power_iteration(A, x0=[0.0, -5.0, 0.0])
    assert lam == 2.0
    np.testing.assert_array_equal(np.abs(x), [0.0, 1.0, 0.0])
    assert x[1] == 1.0  # normalised, sign convention applied
    lam, x = fastla.power_iteration(A, random_state=0)
    assert abs(lam - 3) < 1e-12
    # one product suffices from the right start; from another it does not
    B = np.array([[2.0, 1.0], [1.0, 2.0]])
    lam, x = fastla.power_iteration(B, x0=np.array([1.0, 1.0]), max_iter=1)
    assert abs(lam - 3) < 1e-15
    with pytest.raises(fastla.ConvergenceError):
        fastla.power_iteration(B, x0=np.array([1.0, 0.0]), max_iter=1)
    # x0 as an integer list and as float32 for a float64 matrix
    lam_i, x_i = fastla.power_iteration(B, x0=[1, 0])
    lam_f, x_f = fastla.power_iteration(B, x0=np.array([1, 0], np.float32))
    assert lam_i == lam_f and np.array_equal(x_i, x_f) and x_i.dtype == np.float64


def test_power_iteration_random_state_is_reproducible(rng):
    A = spiked(rng, 40, 1.0, ratio=0.9)
    a = fastla.power_iteration(A, random_state=7)
    b = fastla.power_iteration(A, random_state=7)
    c = fastla.power_iteration(A, random_state=np.random.default_rng(7))
    assert a[0] == b[0] == c[0]
    np.testing.assert_array_equal(a[1], b[1])
    np.testing.assert_array_equal(a[1], c[1])

    def best_after_two(seed):
        with pytest.raises(fastla.ConvergenceError) as info:
            fastla.power_iteration(A, max_iter=2, random_state=seed)
        return info.value.best

    (l1, x1), (l2, x2), (l3, x3) = best_after_two(3), best_after_two(3), best_after_two(4)
    assert l1 == l2 and np.array_equal(x1, x2)
    assert not np.array_equal(x1, x3)  # the start really is random


def test_power_iteration_float32(rng):
    A = spiked(rng, 30, -2.0).astype(np.float32)
    lam, x = fastla.power_iteration(A, tol=1e-5, random_state=0)
    assert isinstance(lam, np.float32) and x.dtype == np.float32
    w_ref, v_ref = numpy_dominant(A.astype(np.float64))
    assert abs(lam - w_ref) <= 1e-5 * abs(w_ref)
    np.testing.assert_allclose(x, v_ref, rtol=0, atol=1e-4)
    assert_power_result(A, lam, x, 1e-5)


def test_power_iteration_float32_default_tol_converges(rng):
    """float32 with the default arguments: a well-separated matrix must converge."""
    A = spiked(rng, 30, 2.0).astype(np.float32)
    lam, x = fastla.power_iteration(A, random_state=0)
    w_ref, _ = numpy_dominant(A.astype(np.float64))
    assert abs(lam - w_ref) <= 1e-5 * abs(w_ref)


@pytest.mark.parametrize("A", [np.array([[0.0, 1.0], [1.0, 0.0]]), np.diag([1.0, -1.0, 0.3])],
                         ids=["swap", "diag+-1"])
def test_power_iteration_no_dominant_eigenvalue(A):
    """|lambda_1| = |lambda_2| (+1 and -1): no convergence, but the best estimate."""
    with pytest.raises(fastla.ConvergenceError) as info:
        fastla.power_iteration(A, random_state=0, max_iter=300)
    err = info.value
    assert isinstance(err, np.linalg.LinAlgError)
    lam, x = err.best
    assert x.shape == (A.shape[0],) and abs(np.linalg.norm(x) - 1) < 1e-12
    assert abs(lam) <= 1 + 1e-12 and np.isfinite(lam)
    assert err.iterations == 300
    assert err.residual == pytest.approx(np.linalg.norm(A @ x - lam * x), abs=1e-12)
    assert err.residual > 1e-10 * np.linalg.norm(A)


def test_power_iteration_max_iter_too_small(rng):
    A = spiked(rng, 60, 1.0, ratio=0.95)
    with pytest.raises(fastla.ConvergenceError) as info:
        fastla.power_iteration(A, max_iter=3, random_state=0)
    lam, x = info.value.best
    assert x.shape == (60,) and np.isfinite(lam) and info.value.iterations == 3
    lam, x = fastla.power_iteration(A, max_iter=5000, random_state=0)  # enough iterations
    assert_power_result(A, lam, x, 1e-10)


def test_power_iteration_bad_input():
    A = np.diag([3.0, 2.0, 1.0])
    for x0 in ([0.0, 0.0, 0.0], np.zeros(3, np.float32)):
        with pytest.raises(ValueError, match="zero"):
            fastla.power_iteration(A, x0=x0)
    for x0 in (np.ones(2), np.ones(4), np.ones((3, 1)), np.ones((1, 3)), 1.0):
        with pytest.raises(ValueError, match=r"x0 has shape"):
            fastla.power_iteration(A, x0=x0)
    with pytest.raises(ValueError, match="NaN"):
        fastla.power_iteration(A, x0=[1.0, np.nan, 0.0])
    for bad in (np.nan, np.inf):
        B = A.copy()
        B[1, 2] = bad
        with pytest.raises(ValueError, match="NaN or Inf"):
            fastla.power_iteration(B)
    for shape in [(3, 4), (3,), (2, 2, 2)]:
        with pytest.raises(ValueError, match="square"):
            fastla.power_iteration(np.ones(shape))
    with pytest.raises(ValueError):
        fastla.power_iteration(np.zeros((0, 0)))
    with pytest.raises(TypeError, match="dtype"):
        fastla.power_iteration(A.astype(complex))
    with pytest.raises(ValueError, match="max_iter"):
        fastla.power_iteration(A, max_iter=0)
    with pytest.raises(ValueError, match="tol"):
        fastla.power_iteration(A, tol=-1.0)


# ---- 6. pca -----------------------------------------------------------------------------

def numpy_pca(X, k):
    X = np.asarray(X, np.float64)
    mean = X.mean(axis=0)
    _, s, Vt = np.linalg.svd(X - mean, full_matrices=False)
    return sign_normalized(Vt[:k].T).T, s[:k] ** 2 / (X.shape[0] - 1), mean


def correlated_data(rng, n_samples, n_features):
    scales = np.geomspace(10, 0.1, n_features)  # distinct variances: components well defined
    Z = rng.standard_normal((n_samples, n_features)) * scales
    return Z @ random_orthogonal(rng, n_features) + rng.uniform(-5, 5, n_features)


@pytest.mark.parametrize("shape,k", [((200, 8), 3), ((200, 8), 8), ((50, 1), 1), ((300, 70), 10),
                                     ((400, 130), 5)])
def test_pca_matches_numpy(shape, k, rng):
    X = correlated_data(rng, *shape)
    components, var, mean = fastla.pca(X, k)
    assert components.shape == (k, shape[1]) and var.shape == (k,) and mean.shape == (shape[1],)
    assert components.dtype == var.dtype == mean.dtype == np.float64
    c_ref, var_ref, mean_ref = numpy_pca(X, k)
    np.testing.assert_allclose(mean, mean_ref, rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(var, var_ref, rtol=1e-10)
    np.testing.assert_allclose(components, c_ref, rtol=0, atol=1e-8)
    assert np.all(np.diff(var) <= 0)
    assert_sign_convention(components, axis=1)
    np.testing.assert_allclose(components @ components.T, np.eye(k), atol=1e-12)


def test_pca_wide_data_and_lists(rng):
    """Fewer samples than features: only n_samples - 1 components carry variance."""
    X = rng.standard_normal((6, 20)) * 3 + 1
    components, var, mean = fastla.pca(X.tolist(), 5)
    c_ref, var_ref, mean_ref = numpy_pca(X, 5)
    np.testing.assert_allclose(var, var_ref, rtol=1e-10)
    np.testing.assert_allclose(components, c_ref, rtol=0, atol=1e-8)
    np.testing.assert_allclose(mean, mean_ref, rtol=1e-13)
    _, var6, _ = fastla.pca(X, 6)  # the sixth is the null space: variance ~ 0, never negative
    assert var6[-1] >= 0 and var6[-1] <= 1e-12 * var6[0]


def test_pca_float32_and_integers(rng):
    X = correlated_data(rng, 100, 6)
    c32, v32, m32 = fastla.pca(X.astype(np.float32), 3)
    assert c32.dtype == v32.dtype == m32.dtype == np.float32
    c_ref, v_ref, m_ref = numpy_pca(X.astype(np.float32), 3)
    np.testing.assert_allclose(v32, v_ref, rtol=1e-4)
    np.testing.assert_allclose(c32, c_ref, rtol=0, atol=1e-3)
    np.testing.assert_allclose(m32, m_ref, rtol=1e-5, atol=1e-5)
    Xi = np.round(X * 10).astype(np.int64)
    ci, vi, mi = fastla.pca(Xi, 2)
    assert ci.dtype == np.float64
    c_ref, v_ref, _ = numpy_pca(Xi, 2)
    np.testing.assert_allclose(vi, v_ref, rtol=1e-10)
    np.testing.assert_allclose(ci, c_ref, rtol=0, atol=1e-8)


def test_pca_bad_input(rng):
    X = rng.standard_normal((10, 4))
    for k in (0, -1, 5):
        with pytest.raises(ValueError, match="n_components"):
            fastla.pca(X, k)
    with pytest.raises(ValueError, match="n_components"):
        fastla.pca(X[:3], 4)  # min(n_samples, n_features) = 3
    with pytest.raises(TypeError):
        fastla.pca(X, 1.5)
    for bad in (np.nan, np.inf):
        Y = X.copy()
        Y[2, 1] = bad
        with pytest.raises(ValueError, match="NaN or Inf"):
            fastla.pca(Y, 2)
    for shape in [(10,), (2, 3, 4)]:
        with pytest.raises(ValueError, match="2-D"):
            fastla.pca(np.ones(shape), 1)
    with pytest.raises(ValueError, match="2 samples"):
        fastla.pca(np.ones((1, 4)), 1)
    with pytest.raises(TypeError, match="dtype"):
        fastla.pca(X.astype(complex), 2)


# ---- 7. top_eigs -------------------------------------------------------------------------

def decaying(rng, n, power=-0.5):
    """A symmetric matrix with eigenvalues i^power, i = 1..n, and its eigenvectors."""
    lam = np.arange(1, n + 1, dtype=np.float64) ** power
    Q = random_orthogonal(rng, n)
    return sym_lower((Q * lam) @ Q.T), lam, Q


@pytest.mark.parametrize("n,k", [(600, 10), (600, 1), (300, 5), (100, 7)])  # n <= 256: eigh
def test_top_eigs_matches_the_spectrum(n, k, rng):
    A, lam, Q = decaying(rng, n)
    w, V = fastla.top_eigs(A, k, random_state=0)
    assert w.shape == (k,) and V.shape == (n, k)
    np.testing.assert_allclose(w, lam[:k], rtol=1e-8)
    assert np.all(np.diff(w) <= 0)  # descending
    np.testing.assert_allclose(np.abs(np.sum(V * Q[:, :k], axis=0)), 1.0, atol=1e-8)
    residual = np.linalg.norm(A @ V - V * w, axis=0)
    assert residual.max() <= 1e-9 * lam[0]
    assert np.abs(V.T @ V - np.eye(k)).max() < 1e-12


def test_top_eigs_largest_algebraic_not_magnitude(rng):
    """The k largest eigenvalues, like scipy's eigsh(which="LA"): negative ones of
    large magnitude are not wanted."""
    n = 400
    lam = np.concatenate([[-50.0, -40.0], np.linspace(3.0, 0.0, n - 2)])
    Q = random_orthogonal(rng, n)
    A = sym_lower((Q * lam) @ Q.T)
    w, _ = fastla.top_eigs(A, 3, random_state=1)
    np.testing.assert_allclose(w, np.sort(lam)[::-1][:3], rtol=1e-8)


def test_top_eigs_repeated_and_rank_deficient(rng):
    """A triple top eigenvalue, and a rank-4 matrix whose Krylov space closes
    after one block (the iteration carries on with fresh random directions)."""
    n = 400
    lam = np.concatenate([[2.0, 2.0, 2.0], np.linspace(1.0, 0.1, n - 3)])
    A, _, _ = decaying(rng, n)
    Q = random_orthogonal(rng, n)
    w, V = fastla.top_eigs(sym_lower((Q * lam) @ Q.T), 4, random_state=2)
    np.testing.assert_allclose(w, [2.0, 2.0, 2.0, 1.0], rtol=1e-8)
    B = rng.standard_normal((n, 4))
    low = sym_lower(B @ B.T)
    w, V = fastla.top_eigs(low, 6, random_state=3)
    ref = np.linalg.eigvalsh(low)[::-1][:6]
    np.testing.assert_allclose(w[:4], ref[:4], rtol=1e-8)
    assert np.abs(w[4:]).max() < 1e-8 * ref[0]
    assert np.abs(V.T @ V - np.eye(6)).max() < 1e-10


def test_top_eigs_float32_and_edges(rng):
    A, lam, _ = decaying(rng, 300)
    w, V = fastla.top_eigs(A.astype(np.float32), 3)
    assert w.dtype == np.float32 and V.dtype == np.float32
    np.testing.assert_allclose(w, lam[:3], rtol=1e-5)
    w, V = fastla.top_eigs(A, 0)
    assert w.shape == (0,) and V.shape == (300, 0)
    w, V = fastla.top_eigs(A[:50, :50], 50)
    np.testing.assert_allclose(w, np.linalg.eigvalsh(A[:50, :50])[::-1], atol=1e-13)


def test_top_eigs_bad_input(rng):
    A, _, _ = decaying(rng, 300)
    with pytest.raises(ValueError, match="k is"):
        fastla.top_eigs(A, 301)
    with pytest.raises(ValueError, match="k is"):
        fastla.top_eigs(A, -1)
    with pytest.raises(ValueError, match="not symmetric"):
        fastla.top_eigs(A + np.triu(np.ones_like(A), 1) * 1e-3, 2)
    bad = A.copy()
    bad[3, 5] = bad[5, 3] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        fastla.top_eigs(bad, 2)
    with pytest.raises(ValueError, match="square"):
        fastla.top_eigs(A[:, :10], 2)


def test_top_eigs_convergence_error_carries_the_estimate(rng):
    A, lam, _ = decaying(rng, 300)
    with pytest.raises(fastla.ConvergenceError) as info:
        fastla.top_eigs(A, 2, tol=0.0, max_restarts=0)
    w, V = info.value.best
    assert isinstance(info.value, np.linalg.LinAlgError)
    assert V.shape == (300, 2)
    np.testing.assert_allclose(w, lam[:2], rtol=1e-8)


# ---- 8. extreme scales -------------------------------------------------------------------

@pytest.mark.parametrize("scale", [1e-170, 1e-300, 1e200, 1e300])
def test_power_iteration_far_from_one(scale):
    """Entries near overflow or underflow: A x, the residual and its squares are
    kept in range (the matrix is scaled by a power of two, then lambda back)."""
    A = np.diag([2.0, 1.0, 0.5]) * scale
    lam, x = fastla.power_iteration(A, x0=[1.0, 1.0, 1.0])
    np.testing.assert_allclose(lam, 2.0 * scale, rtol=1e-9)
    np.testing.assert_allclose(np.abs(x), [1.0, 0.0, 0.0], atol=1e-9)


def test_power_iteration_best_estimate_is_a_real_iterate():
    """When no residual is finite (lambda overflows), .best holds a unit vector,
    not unwritten memory."""
    A = np.array([[1e308, 1e308], [1e308, -1e308]])
    try:
        fastla.power_iteration(A, x0=[1.0, 0.0], max_iter=5)
    except fastla.ConvergenceError as e:
        lam, x = e.best
        np.testing.assert_allclose(np.linalg.norm(x), 1.0, rtol=1e-12)
    else:
        pass  # converged: the value itself is checked by the test above


@pytest.mark.parametrize("scale", [1e-170, 1e160])
def test_top_eigs_far_from_one(scale, rng):
    n = 400
    lam = np.linspace(24.0, 1.0, n)
    A = sym_lower((random_orthogonal(rng, n) * lam) @ random_orthogonal(rng, n).T)
    A = sym_lower(A @ A.T)  # symmetric positive definite, eigenvalues known from numpy
    ref = np.linalg.eigvalsh(A)[::-1][:3]
    w, _ = fastla.top_eigs(A * scale, 3, random_state=0)
    np.testing.assert_allclose(w / scale, ref, rtol=1e-8)


def test_top_eigs_bad_block_size(rng):
    A, _, _ = decaying(rng, 300)
    with pytest.raises(ValueError, match="block_size"):
        fastla.top_eigs(A, 2, block_size=0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_asymmetry_scan_gives_the_asymmetry_and_the_largest_entry_in_one_pass(dtype, rng):
    from fastla import _core
    A = rng.standard_normal((70, 70)).astype(dtype)
    A[5, 5] = 40  # the largest entry on the diagonal, which the pairs i > j do not cover
    asymmetry, largest = _core.asymmetry(A)
    assert asymmetry == pytest.approx(float(np.abs(A.astype(np.float64) - A.T).max()))
    assert largest == float(np.abs(A).max()) == 40
    B = A.copy()
    B[3, 60], B[69, 0] = np.inf, np.nan  # a NaN after an infinity, in scan order too
    for bad in (B, B.T):
        asymmetry, largest = _core.asymmetry(np.ascontiguousarray(bad))
        assert np.isnan(asymmetry) and np.isnan(largest)
    C = A.copy()
    C[10, 2] = -np.inf
    assert _core.asymmetry(C)[1] == np.inf
