"""fastla.svd and fastla.randomized_svd.

svd is checked the way LAPACK checks its SVD drivers: over test-matrix kinds
(zero, identity, diagonal, random, arithmetic, geometric and clustered singular
values from 1 to eps, scaled near overflow and underflow, rank deficient) and
shapes (square, tall, wide), the ratios |A - U S Vt|_F / (|A|_F max(m, n) eps),
|U^T U - I|_F / (m eps) and |V^T V - I|_F / (n eps) stay below THRESHOLD, and
s agrees with numpy.linalg.svd's to a few max(m, n) eps s_max. On graded
matrices B D, D B and D1 B D2 the singular values are compared with a 60-digit
mpmath reference (or, at n = 64, with exact ones) to *relative* accuracy, where
LAPACK's dgesdd, behind numpy, loses the small ones. randomized_svd is compared
with scikit-learn's randomized_svd, which draws the same random test matrix."""

import mpmath
import numpy as np
import pytest

import fastla
from fastla import _core

EPS = {np.float32: float(np.finfo(np.float32).eps), np.float64: float(np.finfo(np.float64).eps)}
EPS64 = EPS[np.float64]
THRESHOLD = 50  # LAPACK's test ratios; a correct SVD stays near 1 to 10 here
# (160, 70) and (70, 160): tall enough (m >= 2n) for an unpivoted blocked QR
# before the pivoted one, when the rows are of like size
SHAPES = [(1, 1), (5, 3), (3, 5), (40, 40), (130, 70), (70, 130), (160, 70), (70, 160)]


# ---- helpers ----------------------------------------------------------------------------

def random_orthogonal(rng, n):
    Q, R = np.linalg.qr(rng.standard_normal((n, n)))
    return Q * np.where(np.diag(R) < 0, -1.0, 1.0)  # Haar distributed


def with_singular_values(rng, m, n, d):
    """U[:, :k] diag(d) V[:, :k]^T with random orthogonal U (m x m), V (n x n)."""
    d = np.asarray(d, dtype=np.float64)
    k = len(d)
    return (random_orthogonal(rng, m)[:, :k] * d) @ random_orthogonal(rng, n)[:, :k].T


def pow2_scale(A):
    """A power of two c with max|c A| in [0.5, 1): scaling by it is exact, and the
    reference norms below neither overflow nor underflow."""
    amax = float(np.max(np.abs(A), initial=0.0))
    return 1.0 if amax == 0 else float(np.ldexp(1.0, -np.frexp(amax)[1]))


def ratios(A, U, s, Vt, eps):
    """LAPACK's (residual, U orthogonality, V orthogonality) ratios, in float64,
    after an exact power-of-two rescaling of A and s. U and Vt may be full."""
    A64, U64, s64, Vt64 = (np.asarray(x, dtype=np.float64) for x in (A, U, s, Vt))
    m, n = A64.shape
    k = len(s64)
    c = pow2_scale(A64)
    As = A64 * c
    anorm = max(np.linalg.norm(As), np.finfo(np.float64).tiny)
    resid = np.linalg.norm(As - (U64[:, :k] * (s64 * c)) @ Vt64[:k]) / (anorm * max(m, n) * eps)
    orth_u = np.linalg.norm(U64.T @ U64 - np.eye(U64.shape[1])) / (m * eps)
    orth_v = np.linalg.norm(Vt64 @ Vt64.T - np.eye(Vt64.shape[0])) / (n * eps)
    return resid, orth_u, orth_v


def assert_sign_convention(Vt, k):
    """The first k rows of Vt have their largest |entry| positive (first on ties)."""
    Vt = np.asarray(Vt, dtype=np.float64)[:k]
    big = np.argmax(np.abs(Vt), axis=1)
    assert np.all(Vt[np.arange(len(Vt)), big] > 0), "sign convention"


def assert_svd_accurate(A, U, s, Vt, dtype, full_matrices=False):
    m, n = A.shape
    k = min(m, n)
    assert U.dtype == s.dtype == Vt.dtype == dtype
    assert s.shape == (k,)
    assert U.shape == ((m, m) if full_matrices else (m, k))
    assert Vt.shape == ((n, n) if full_matrices else (k, n))
    assert np.all(s >= 0), "negative singular value"
    assert np.all(np.diff(s) <= 0), "singular values not descending"
    resid, orth_u, orth_v = ratios(A, U, s, Vt, EPS[dtype])
    assert resid < THRESHOLD, f"residual ratio {resid:.3g}"
    assert orth_u < THRESHOLD, f"U orthogonality ratio {orth_u:.3g}"
    assert orth_v < THRESHOLD, f"V orthogonality ratio {orth_v:.3g}"
    assert_sign_convention(Vt, k)


def assert_s_like_numpy(A, s, eps, c=4):
    """s within c max(m, n) eps s_max of numpy's (both backward stable), on A scaled
    exactly by a power of two so that nothing over- or underflows."""
    A64 = np.asarray(A, dtype=np.float64)
    scale = pow2_scale(A64)
    ref = np.linalg.svd(A64 * scale, compute_uv=False)
    err = np.max(np.abs(np.asarray(s, np.float64) * scale - ref), initial=0.0)
    bound = c * max(A64.shape) * eps * np.max(ref, initial=0.0)
    assert err <= bound, f"max |s - numpy's s| {err:.3g} > {bound:.3g} (scaled)"


def separated(rng, m, n):
    """Singular values 1, 2, ..., k (shuffled): gaps of 1, so the singular vectors
    are well determined and can be compared between computations."""
    return with_singular_values(rng, m, n, rng.permutation(np.arange(1.0, min(m, n) + 1)))


# ---- 1. LAPACK-style accuracy over the test-matrix kinds --------------------------------

def _arithmetic(k):
    return 1 - (1 - EPS64) * np.arange(k) / max(k - 1, 1)


def _geometric(k):
    return EPS64 ** (np.arange(k) / max(k - 1, 1))


def _diagonal(rng, m, n):
    A = np.zeros((m, n))
    k = min(m, n)
    A[np.arange(k), np.arange(k)] = rng.permutation(np.linspace(-1, 1, k))  # odd k: one zero
    return A


def _rank_deficient(rng, m, n):
    r = min(m, n) // 2  # zero for (1, 1)
    return rng.standard_normal((m, r)) @ rng.standard_normal((r, n))


def _spectrum(d):
    return lambda rng, m, n: with_singular_values(rng, m, n, d(min(m, n)))


KINDS = {
    "zero": lambda rng, m, n: np.zeros((m, n)),
    "identity": lambda rng, m, n: np.eye(m, n),
    "diagonal": _diagonal,
    "random": lambda rng, m, n: rng.standard_normal((m, n)),
    "arithmetic": _spectrum(_arithmetic),
    "geometric": _spectrum(_geometric),
    "cluster-top": _spectrum(lambda k: np.r_[1.0, np.full(k - 1, EPS64)]),
    "cluster-bottom": _spectrum(lambda k: np.r_[np.ones(k - 1), EPS64][-k:]),
    "arithmetic-overflow": lambda rng, m, n: _spectrum(_arithmetic)(rng, m, n) * 2.0**1000,
    "geometric-overflow": lambda rng, m, n: _spectrum(_geometric)(rng, m, n) * 2.0**1000,
    "arithmetic-underflow": lambda rng, m, n: _spectrum(_arithmetic)(rng, m, n) * 2.0**-1000,
    "geometric-underflow": lambda rng, m, n: _spectrum(_geometric)(rng, m, n) * 2.0**-1000,
    "rank-deficient": _rank_deficient,
}


@pytest.mark.parametrize("full_matrices", [False, True], ids=["thin", "full"])
@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("kind", list(KINDS))
def test_svd_lapack_ratios(kind, shape, full_matrices, rng):
    A = KINDS[kind](rng, *shape)
    assert np.all(np.isfinite(A))
    U, s, Vt = fastla.svd(A, full_matrices=full_matrices)
    assert_svd_accurate(A, U, s, Vt, np.float64, full_matrices)
    assert_s_like_numpy(A, s, EPS64)


@pytest.mark.parametrize("shape", [(200, 150), (150, 200)], ids=str)
@pytest.mark.parametrize("kind", ["random", "geometric", "rank-deficient", "cluster-bottom", "diagonal"])
def test_svd_pivoted_qr_in_panels(kind, shape, rng):
    """n >= 96 and m < 2n: the pivoted QR of A itself, in panels of 32 columns
    (dlaqps's scheme), with norms downdated across a panel and recomputed after
    it where they cancel (geometric and rank-deficient spectra make them cancel)."""
    A = KINDS[kind](rng, *shape)
    U, s, Vt = fastla.svd(A)
    assert_svd_accurate(A, U, s, Vt, np.float64, False)
    assert_s_like_numpy(A, s, EPS64)


def test_svd_exact_cases():
    """Cases with a known answer: a rectangular diagonal, the zero matrix, 1 x 1, 2 x 2."""
    A = np.zeros((4, 3))
    A[0, 0], A[1, 1], A[2, 2] = 2.0, -5.0, 0.5
    U, s, Vt = fastla.svd(A)
    np.testing.assert_array_equal(s, [5.0, 2.0, 0.5])
    np.testing.assert_array_equal(Vt, [[0, 1, 0], [1, 0, 0], [0, 0, 1]])  # signs in U
    np.testing.assert_array_equal(U, [[0, 1, 0], [-1, 0, 0], [0, 0, 1], [0, 0, 0]])
    U, s, Vt = fastla.svd(np.zeros((3, 2)))
    np.testing.assert_array_equal(s, 0)
    assert_svd_accurate(np.zeros((3, 2)), U, s, Vt, np.float64)
    U, s, Vt = fastla.svd(np.array([[-3.0]]))
    assert (U[0, 0], s[0], Vt[0, 0]) == (-1.0, 3.0, 1.0)
    # [[2, 1], [1, 2]]: s = 3, 1 with vectors (1, 1)/sqrt2 and (1, -1)/sqrt2
    U, s, Vt = fastla.svd(np.array([[2.0, 1.0], [1.0, 2.0]]))
    np.testing.assert_allclose(s, [3.0, 1.0], rtol=4 * EPS64)
    # (the second vector's two |entries| tie but for rounding: only |Vt| is known)
    np.testing.assert_allclose(np.abs(Vt), np.sqrt(0.5), rtol=0, atol=4 * EPS64)
    np.testing.assert_allclose(Vt[0], [np.sqrt(0.5)] * 2, rtol=0, atol=4 * EPS64)
    np.testing.assert_allclose(U * s @ Vt, [[2.0, 1.0], [1.0, 2.0]], rtol=0, atol=8 * EPS64)


@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (40, 40), (130, 70), (70, 130)], ids=str)
def test_full_matrices_extend_the_thin_ones(shape, rng):
    """The first min(m, n) singular vectors of full_matrices=True are the thin
    ones; the rest complete orthonormal bases of the complements, which for a
    rank-deficient A include part of its null spaces."""
    m, n = shape
    k = min(m, n)
    A = separated(rng, m, n)
    U, s, Vt = fastla.svd(A)
    Uf, sf, Vtf = fastla.svd(A, full_matrices=True)
    np.testing.assert_allclose(sf, s, rtol=0, atol=4 * max(m, n) * EPS64 * s[0])
    np.testing.assert_allclose(Uf[:, :k], U, rtol=0, atol=50 * max(m, n) * EPS64)
    np.testing.assert_allclose(Vtf[:k], Vt, rtol=0, atol=50 * max(m, n) * EPS64)
    # rank k // 2: the completed vectors span the null spaces of A^T and A
    B = _rank_deficient(rng, m, n)
    U, s, Vt = fastla.svd(B, full_matrices=True)
    assert_svd_accurate(B, U, s, Vt, np.float64, full_matrices=True)
    r = int(np.sum(s > 1e-10 * s[0]))
    assert r == np.linalg.matrix_rank(B)
    assert np.linalg.norm(B.T @ U[:, r:]) <= 50 * max(m, n) * EPS64 * s[0]
    assert np.linalg.norm(B @ Vt[r:].T) <= 50 * max(m, n) * EPS64 * s[0]


# ---- 2. relative accuracy on graded matrices -------------------------------------------

REL_C = 10  # every singular value within REL_C * n * eps * cond(B) relative error
REL_C_TWO_SIDED = 1000  # D1 B D2: no theorem; see test_svd_relative_accuracy_two_sided
GRADING_ORDERS = ["decreasing", "increasing", "shuffled"]


def well_conditioned(rng, n, kind):
    """B with cond(B) <= 3: a random orthogonal matrix times diag in [1, 3], or
    I + E with |E|_2 = 0.5."""
    if kind == "orthogonal":
        return random_orthogonal(rng, n) * rng.uniform(1, 3, n)
    E = rng.standard_normal((n, n))
    return np.eye(n) + E * (0.5 / np.linalg.norm(E, 2))


def grading(rng, n, order):
    d = np.geomspace(1.0, 1e-20, n)
    return {"decreasing": d, "increasing": d[::-1], "shuffled": rng.permutation(d)}[order]


def mpmath_singular_values(A, dps=60):
    """A's singular values, descending, from mpmath at dps digits on the exact float
    entries (absolute error ~10^-dps |A|: ample for values down to 1e-40 |A|)."""
    with mpmath.workdps(dps):
        s = mpmath.svd_r(mpmath.matrix(A.tolist()), compute_uv=False)
        return np.sort(np.array([float(v) for v in s]))[::-1]


def worst_relative_errors(A, ref):
    """fastla's worst relative error over all singular values, with and without U, V."""
    return [np.max(np.abs(s - ref) / ref)
            for s in (fastla.svd(A, compute_uv=False), fastla.svd(A)[1])]


@pytest.mark.parametrize("b_kind", ["orthogonal", "near-identity"])
@pytest.mark.parametrize("order", GRADING_ORDERS)
@pytest.mark.parametrize("form", ["BD", "DB"])
@pytest.mark.parametrize("n", [8, 12])
def test_svd_relative_accuracy_graded(n, form, order, b_kind, rng):
    """A = B D (columns graded) and A = D B (rows graded), D from 1 to 1e-20: each
    singular value is determined by A's entries to a relative accuracy ~ cond(B) eps
    (Demmel & Veselic 1992), and Jacobi after row sorting and pivoted QR finds it."""
    B = well_conditioned(rng, n, b_kind)
    d = grading(rng, n, order)
    A = B * d if form == "BD" else d[:, None] * B
    ref = mpmath_singular_values(A)
    assert np.all(ref > 0) and ref[-1] < 1e-19 * ref[0]  # really graded
    bound = REL_C * n * EPS64 * np.linalg.cond(B)
    for rel in worst_relative_errors(A, ref):
        assert rel <= bound, f"worst relative error {rel:.3g} > {bound:.3g}"


@pytest.mark.parametrize("b_kind", ["orthogonal", "near-identity"])
@pytest.mark.parametrize("n", [8, 12])
def test_svd_relative_accuracy_two_sided(n, b_kind, rng):
    """A = D1 B D2, both sides graded (1 to 1e-20, D2 shuffled): s spans 30 to 40 orders.
    No theorem bounds the error by cond(B) alone here, and LAPACK's dgejsv with
    JOBA='F' (meant for this case) itself reaches ~300 n eps cond(B) on some 8 x 8
    examples; hence the bound REL_C_TWO_SIDED, which still asks for ~12 correct
    digits in every singular value, where dgesdd gets none in the smallest."""
    for order in GRADING_ORDERS:
        B = well_conditioned(rng, n, b_kind)
        A = grading(rng, n, order)[:, None] * B * grading(rng, n, "shuffled")
        ref = mpmath_singular_values(A)
        assert ref[-1] < 1e-30 * ref[0]  # graded over 30 to 40 orders of magnitude
        bound = REL_C_TWO_SIDED * n * EPS64 * np.linalg.cond(B)
        for rel in worst_relative_errors(A, ref):
            assert rel <= bound, f"{order}: worst relative error {rel:.3g} > {bound:.3g}"


@pytest.mark.parametrize("order", ["increasing", "shuffled"])
def test_svd_relative_accuracy_graded_n64(order, rng):
    """n = 64 with an exact reference (mpmath would take seconds here): H is the
    Sylvester-Hadamard matrix, entries +-1 and H H^T = 64 I exactly, so D H (rows
    graded, orthogonal) and H D (columns graded, orthogonal) have the singular values
    8 |d| exactly. D H is the case that needs the rows sorted before the QR."""
    n = 64
    H = np.ones((1, 1))
    while len(H) < n:  # Sylvester: H_2k = [[H_k, H_k], [H_k, -H_k]]
        H = np.block([[H, H], [H, -H]])
    d = grading(rng, n, order)
    ref = np.sort(8 * d)[::-1]
    for A in (d[:, None] * H, H * d):  # rows graded, then columns graded
        for rel in worst_relative_errors(A, ref):
            assert rel <= REL_C * n * EPS64, f"worst relative error {rel:.3g}"


@pytest.mark.parametrize("m", [128, 256])
@pytest.mark.parametrize("order", ["increasing", "shuffled"])
def test_svd_relative_accuracy_tall_graded_columns(m, order, rng):
    """A tall A = H D, H the first 64 columns of a Hadamard matrix (entries +-1, so
    every row is as large as every other) and D from 1 to 1e-20: the case where an
    unpivoted blocked QR comes first. It is backward stable column by column, so
    the small columns keep their digits: s = sqrt(m) |d| exactly."""
    n = 64
    H = np.ones((1, 1))
    while len(H) < m:
        H = np.block([[H, H], [H, -H]])
    H = H[:, :n] * rng.choice([-1.0, 1.0], n)
    assert np.array_equal(H.T @ H, m * np.eye(n))
    d = grading(rng, n, order)
    ref = np.sort(np.sqrt(m) * d)[::-1]
    for rel in worst_relative_errors(H * d, ref):
        assert rel <= REL_C * n * EPS64, f"worst relative error {rel:.3g}"


@pytest.mark.parametrize("order", ["decreasing", "increasing", "shuffled"])
def test_svd_relative_accuracy_tall_graded_rows(order, rng):
    """A tall A = D B (24 x 8, rows graded 1 to 1e-20): rows far from alike, so one
    pivoted QR after sorting the rows, as for square ones."""
    m, n = 24, 8
    B = np.linalg.qr(rng.standard_normal((m, n)))[0] * rng.uniform(1, 3, n)
    A = grading(rng, m, order)[:, None] * B
    ref = mpmath_singular_values(A)
    bound = REL_C * n * EPS64 * np.linalg.cond(B)
    for rel in worst_relative_errors(A, ref):
        assert rel <= bound, f"worst relative error {rel:.3g} > {bound:.3g}"


@pytest.mark.parametrize("form", ["BD", "DB"])
def test_svd_relative_accuracy_mildly_graded_float32_first(form, rng):
    """n = 64, D from 1 to 1e-2: the rows of R span a factor of about 100 (B D)
    and 200 (D B), within 2^10, so float32 sweeps come first and float64 ones
    finish. Every singular value still within the bound of float64 sweeps alone."""
    n = 64
    B = well_conditioned(rng, n, "orthogonal")
    d = np.geomspace(1.0, 1e-2, n)[::-1]
    A = B * d if form == "BD" else d[:, None] * B
    ref = mpmath_singular_values(A, dps=40)
    bound = REL_C * n * EPS64 * np.linalg.cond(B)
    for rel in worst_relative_errors(A, ref):
        assert rel <= bound, f"worst relative error {rel:.3g} > {bound:.3g}"


@pytest.mark.parametrize("n", [8, 12])
def test_numpy_svd_loses_small_singular_values_of_graded(n, rng):
    """Why fastla uses Jacobi: LAPACK's dgesdd (behind numpy.linalg.svd) is accurate
    only relative to |A|, so with the rows graded upwards the small singular values
    come out with no correct digits, where fastla keeps them all."""
    B = well_conditioned(rng, n, "orthogonal")
    A = grading(rng, n, "increasing")[:, None] * B
    ref = mpmath_singular_values(A)
    assert np.max(np.abs(np.linalg.svd(A, compute_uv=False) - ref) / ref) > 1e-6
    assert max(worst_relative_errors(A, ref)) < 1e-12


# ---- 3. dtypes, layouts, what is read and written, sign, SIMD paths ---------------------

@pytest.mark.parametrize("full_matrices", [False, True], ids=["thin", "full"])
@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (40, 40), (130, 70), (70, 130)], ids=str)
@pytest.mark.parametrize("kind", ["random", "geometric", "rank-deficient", "identity"])
def test_svd_float32_stays_float32(kind, shape, full_matrices, rng):
    A = KINDS[kind](rng, *shape).astype(np.float32)
    U, s, Vt = fastla.svd(A, full_matrices=full_matrices)
    assert_svd_accurate(A, U, s, Vt, np.float32, full_matrices)
    assert_s_like_numpy(A, s, EPS[np.float32])
    assert fastla.svd(A, compute_uv=False).dtype == np.float32


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8, np.float16])
def test_svd_other_real_types_become_float64(dtype, rng):
    A = rng.integers(0, 10, (9, 6)).astype(dtype)
    U, s, Vt = fastla.svd(A)
    assert_svd_accurate(A.astype(np.float64), U, s, Vt, np.float64)
    s64 = fastla.svd(A.astype(np.float64), compute_uv=False)
    np.testing.assert_allclose(s, s64, rtol=0, atol=4 * 9 * EPS64 * s64[0])
    s_list = fastla.svd(A.astype(np.float64).tolist(), compute_uv=False)  # and nested lists
    assert s_list.dtype == np.float64
    np.testing.assert_allclose(s_list, s64, rtol=0, atol=4 * 9 * EPS64 * s64[0])


def _layouts(A, rng):
    """Views of A in other memory layouts."""
    m, n = A.shape
    big = rng.standard_normal((2 * m + 1, 3 * n + 2)).astype(A.dtype)
    big[1::2, 2::3][:m, :n] = A
    neg = rng.standard_normal((2 * m, 3 * n)).astype(A.dtype)
    neg[::-2, ::-3] = A
    return {
        "strided": big[1::2, 2::3][:m, :n],
        "fortran": np.asfortranarray(A),
        "transposed": np.ascontiguousarray(A.T).T,
        "negative-strides": np.ascontiguousarray(A[::-1, ::-1])[::-1, ::-1],
        "negative-row-stride": np.ascontiguousarray(A[::-1])[::-1],
        "negative-strided-view": neg[::-2, ::-3],
    }


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(7, 4), (4, 7), (130, 70), (70, 130)], ids=str)
def test_svd_views_and_strides(shape, dtype, rng):
    A = separated(rng, *shape).astype(dtype)
    U0, s0, Vt0 = fastla.svd(A)
    eps, mn = EPS[dtype], max(shape)
    for name, view in _layouts(A, rng).items():
        np.testing.assert_array_equal(view, A, err_msg=name)
        assert not view.flags.c_contiguous, name
        before = view.copy()
        U, s, Vt = fastla.svd(view)
        np.testing.assert_array_equal(view, before, err_msg=f"{name}: input modified")
        assert_svd_accurate(A, U, s, Vt, dtype)
        np.testing.assert_allclose(s, s0, rtol=0, atol=4 * mn * eps * s0[0], err_msg=name)
        # gaps of 1 next to s_max = min(m, n): the vectors agree to ~ mn eps
        np.testing.assert_allclose(U, U0, rtol=0, atol=50 * mn * eps, err_msg=name)
        np.testing.assert_allclose(Vt, Vt0, rtol=0, atol=50 * mn * eps, err_msg=name)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_inputs_are_never_modified(dtype, rng):
    for shape in [(60, 60), (70, 40), (40, 70)]:
        A = rng.standard_normal(shape).astype(dtype)
        calls = [lambda: fastla.svd(A), lambda: fastla.svd(A, full_matrices=True),
                 lambda: fastla.svd(A, compute_uv=False), lambda: fastla.svd(A, max_sweeps=1),
                 lambda: fastla.randomized_svd(A, 5, random_state=0)]
        for call in calls:
            before = A.copy()
            try:
                call()
            except fastla.ConvergenceError:
                pass
            np.testing.assert_array_equal(A, before)


@pytest.mark.parametrize("shape", [(1, 1), (5, 3), (3, 5), (40, 40), (130, 70), (70, 130)], ids=str)
@pytest.mark.parametrize("kind", ["random", "geometric", "rank-deficient", "geometric-underflow"])
def test_compute_uv_false_gives_the_same_s(kind, shape, rng):
    A = KINDS[kind](rng, *shape)
    s_only = fastla.svd(A, compute_uv=False)
    _, s, _ = fastla.svd(A)
    assert s_only.shape == s.shape and s_only.dtype == s.dtype
    # the same rotations, so the same values (to a few ulps of each, graded ones too)
    np.testing.assert_allclose(s_only, s, rtol=4 * EPS64, atol=0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(1, 1), (6, 6), (9, 4), (4, 9), (130, 70), (70, 130)], ids=str)
def test_singular_vector_sign_convention(shape, dtype, rng):
    for kind in ("random", "geometric", "diagonal", "identity"):
        A = KINDS[kind](rng, *shape).astype(dtype)
        for M in (A, -A):
            for full in (False, True):
                U, s, Vt = fastla.svd(M, full_matrices=full)
                assert_sign_convention(Vt, min(shape))
                resid, _, _ = ratios(M, U, s, Vt, EPS[dtype])
                assert resid < THRESHOLD  # U's columns flipped with Vt's rows


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(40, 40), (130, 70), (70, 130)], ids=str)
def test_svd_same_on_every_simd_path(shape, dtype, isa, rng):
    """Accurate on this path, and equal (to rounding) to the generic path's answer."""
    A = separated(rng, *shape).astype(dtype)
    G = KINDS["geometric"](rng, *shape).astype(dtype)
    U, s, Vt = fastla.svd(A)
    assert_svd_accurate(A, U, s, Vt, dtype)
    Ug, sg, Vtg = fastla.svd(G, full_matrices=True)
    assert_svd_accurate(G, Ug, sg, Vtg, dtype, full_matrices=True)
    fastla.set_isa("generic")  # the fixture puts the path back
    U0, s0, Vt0 = fastla.svd(A)
    eps, mn = EPS[dtype], max(shape)
    np.testing.assert_allclose(s, s0, rtol=0, atol=4 * mn * eps * s0[0])
    np.testing.assert_allclose(U, U0, rtol=0, atol=50 * mn * eps)
    np.testing.assert_allclose(Vt, Vt0, rtol=0, atol=50 * mn * eps)
    np.testing.assert_allclose(sg, fastla.svd(G, compute_uv=False), rtol=0,
                               atol=4 * mn * eps * sg[0])


# ---- 4. bad input -----------------------------------------------------------------------

@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("where", [(0, 0), (3, 1), (1, 4)])
def test_svd_rejects_non_finite(bad, where):
    A = np.ones((4, 5))
    A[where] = bad
    for dtype in (np.float32, np.float64):
        for M in (A.astype(dtype), A.astype(dtype).T):
            with pytest.raises(ValueError, match="NaN or Inf"):
                fastla.svd(M)
            with pytest.raises(ValueError, match="NaN or Inf"):
                fastla.svd(M, compute_uv=False)
            with pytest.raises(ValueError, match="NaN or Inf"):
                fastla.randomized_svd(M, 2)


@pytest.mark.parametrize("shape", [(3,), (2, 2, 2), ()], ids=str)
def test_svd_rejects_non_matrices(shape):
    with pytest.raises(ValueError, match="2-D"):
        fastla.svd(np.ones(shape))
    with pytest.raises(ValueError, match="2-D"):
        fastla.randomized_svd(np.ones(shape), 1)


@pytest.mark.parametrize("dtype", [np.complex128, np.complex64, object, bool, "U1"])
def test_svd_rejects_non_real(dtype):
    with pytest.raises(TypeError, match="dtype"):
        fastla.svd(np.eye(3).astype(dtype))
    with pytest.raises(TypeError, match="dtype"):
        fastla.randomized_svd(np.eye(3).astype(dtype), 1)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("full_matrices", [False, True], ids=["thin", "full"])
@pytest.mark.parametrize("shape", [(0, 3), (3, 0), (0, 0)], ids=str)
def test_svd_empty_like_numpy(shape, full_matrices, dtype):
    A = np.zeros(shape, dtype)
    U_np, s_np, Vt_np = np.linalg.svd(A, full_matrices=full_matrices)
    # a freed buffer of garbage the size of the outputs: NumPy's small-block cache
    # hands it out again, so an output left unwritten would show the 7s
    garbage = np.full(9, 7.0, dtype)
    del garbage
    U, s, Vt = fastla.svd(A, full_matrices=full_matrices)
    assert (U.shape, s.shape, Vt.shape) == (U_np.shape, s_np.shape, Vt_np.shape)
    assert U.dtype == s.dtype == Vt.dtype == dtype
    # with full_matrices the non-empty factor is an orthogonal matrix: the identity,
    # as numpy gives, since there is nothing to rotate it
    np.testing.assert_array_equal(U, U_np)
    np.testing.assert_array_equal(Vt, Vt_np)
    s_only = fastla.svd(A, compute_uv=False)
    assert s_only.shape == (0,) and s_only.dtype == dtype


def test_svd_bad_max_sweeps():
    with pytest.raises(ValueError, match="max_sweeps"):
        fastla.svd(np.eye(3), max_sweeps=0)


def test_svd_convergence_error_carries_the_estimate(rng):
    A = rng.standard_normal((60, 60))
    assert issubclass(fastla.ConvergenceError, np.linalg.LinAlgError)
    with pytest.raises(fastla.ConvergenceError) as info:
        fastla.svd(A, max_sweeps=1)
    err = info.value
    assert err.iterations == 1
    U, s, Vt = err.best
    assert U.shape == Vt.shape == (60, 60) and s.shape == (60,)
    assert U.dtype == s.dtype == Vt.dtype == np.float64
    # the estimate so far: U is a product of reflections and rotations, so
    # orthogonal, and s sorted; but one sweep has not made A's columns orthogonal
    resid, orth_u, orth_v = ratios(A, U, s, Vt, EPS64)
    assert orth_u < THRESHOLD and np.all(np.diff(s) <= 0) and np.all(s >= 0)
    assert max(resid, orth_v) > THRESHOLD
    with pytest.raises(fastla.ConvergenceError) as info:
        fastla.svd(A, compute_uv=False, max_sweeps=1)
    assert isinstance(info.value.best, np.ndarray) and info.value.best.shape == (60,)
    with pytest.raises(np.linalg.LinAlgError):  # catchable as NumPy's error
        fastla.svd(A, max_sweeps=1)
    # and with enough sweeps it converges
    assert_svd_accurate(A, *fastla.svd(A), np.float64)


# ---- 5. randomized_svd ------------------------------------------------------------------

def decaying(rng, m, n, power=-0.5):
    """m x n with singular values i^power, i = 1..min(m, n), and its exact SVD."""
    k = min(m, n)
    sv = np.arange(1, k + 1, dtype=np.float64) ** power
    U, V = random_orthogonal(rng, m)[:, :k], random_orthogonal(rng, n)[:, :k]
    return (U * sv) @ V.T, U, sv, V.T


@pytest.mark.parametrize("shape", [(300, 120), (120, 300)], ids=["tall", "wide"])
@pytest.mark.parametrize("seed", [0, 7])
def test_randomized_svd_matches_sklearn(shape, seed, rng):
    """The same seed draws the same Gaussian test matrix as scikit-learn (which also
    works on A^T for a wide A), so the approximate singular values agree to rounding,
    though they are ~1e-3 from the exact ones (slow decay: i^-1/2) and differ as much
    between seeds."""
    extmath = pytest.importorskip("sklearn.utils.extmath")
    A, _, sv, _ = decaying(rng, *shape)
    k = 10
    U, s, Vt = fastla.randomized_svd(A, k, random_state=seed)
    assert U.shape == (shape[0], k) and s.shape == (k,) and Vt.shape == (k, shape[1])
    _, s_sk, _ = extmath.randomized_svd(A, k, n_oversamples=10, n_iter=4, random_state=seed)
    np.testing.assert_allclose(s, s_sk, rtol=1e-6)
    assert np.max(np.abs(s - sv[:k]) / sv[:k]) > 1e-5  # an approximation, really
    _, s_other, _ = extmath.randomized_svd(A, k, n_oversamples=10, n_iter=4, random_state=seed + 1)
    assert np.max(np.abs(s_other - s_sk) / s_sk) > 1e-6  # the seed matters
    assert np.all(np.diff(s) <= 0) and np.all(s > 0)
    k_eye = np.eye(k)
    assert np.linalg.norm(U.T @ U - k_eye) < 50 * shape[0] * EPS64
    assert np.linalg.norm(Vt @ Vt.T - k_eye) < 50 * shape[1] * EPS64
    assert_sign_convention(Vt, k)
    # U S Vt is A projected on the range found (of A, or of A^T for a wide A)
    if shape[0] >= shape[1]:
        np.testing.assert_allclose(U.T @ A, s[:, None] * Vt, rtol=0, atol=1e-12)
    else:
        np.testing.assert_allclose(A @ Vt.T, U * s, rtol=0, atol=1e-12)


@pytest.mark.parametrize("shape", [(300, 120), (120, 300)], ids=["tall", "wide"])
def test_randomized_svd_finds_the_top_subspace(shape, rng):
    """Fast decay (2^-i): the top-k singular triplets are the exact ones."""
    A, U_ex, sv, Vt_ex = decaying(rng, *shape)
    A = (U_ex * 0.5 ** np.arange(len(sv))) @ Vt_ex
    k = 8
    U, s, Vt = fastla.randomized_svd(A, k, random_state=np.random.default_rng(1))
    np.testing.assert_allclose(s, 0.5 ** np.arange(k), rtol=1e-10)
    # projectors onto the subspaces, which do not depend on signs
    np.testing.assert_allclose(U @ U.T, U_ex[:, :k] @ U_ex[:, :k].T, atol=1e-10)
    np.testing.assert_allclose(Vt.T @ Vt, Vt_ex[:k].T @ Vt_ex[:k], atol=1e-10)
    # and the vectors themselves, given the sign convention
    _, _, Vt_exact = fastla.svd(A)
    np.testing.assert_allclose(Vt, Vt_exact[:k], atol=1e-8)


def test_randomized_svd_random_state(rng):
    A, _, _, _ = decaying(rng, 200, 80)
    a = fastla.randomized_svd(A, 5, random_state=3)
    b = fastla.randomized_svd(A, 5, random_state=3)
    c = fastla.randomized_svd(A, 5, random_state=np.random.RandomState(3))
    for x, y, z in zip(a, b, c):
        np.testing.assert_array_equal(x, y)
        np.testing.assert_array_equal(x, z)
    d = fastla.randomized_svd(A, 5, random_state=4)
    assert not np.array_equal(a[1], d[1])


def test_randomized_svd_float32(rng):
    A, _, sv, _ = decaying(rng, 200, 80, power=-2.0)
    U, s, Vt = fastla.randomized_svd(A.astype(np.float32), 5, random_state=0)
    assert U.dtype == s.dtype == Vt.dtype == np.float32
    np.testing.assert_allclose(s, sv[:5], rtol=1e-4)


def test_randomized_svd_bad_k(rng):
    A = rng.standard_normal((20, 8))
    for k in (0, -1, 9):
        with pytest.raises(ValueError, match="k is"):
            fastla.randomized_svd(A, k)
        with pytest.raises(ValueError, match="k is"):
            fastla.randomized_svd(A.T, k)
    with pytest.raises(TypeError):
        fastla.randomized_svd(A, 2.5)
    with pytest.raises(ValueError):
        fastla.randomized_svd(A, 2, n_oversamples=-1)
    with pytest.raises(ValueError):
        fastla.randomized_svd(A, 2, n_iter=-1)
    # k = min(m, n) is allowed, and then exact
    U, s, Vt = fastla.randomized_svd(A, 8, random_state=0)
    np.testing.assert_allclose(s, np.linalg.svd(A, compute_uv=False), rtol=1e-12)


# ---- regressions: bases and scales -----------------------------------------------------

def test_svd_null_vector_spread_over_all_components():
    """A 5 x 5 difference matrix has the null vector (1, ..., 1)/sqrt(5), whose
    largest component is below 0.5: V must still be completed to an orthonormal basis."""
    D = np.zeros((5, 5))
    for i in range(4):
        D[i, i], D[i, i + 1] = 1.0, -1.0
    for A in (D, np.hstack([D.T, np.zeros((5, 2))])):
        U, s, Vt = fastla.svd(A)
        np.testing.assert_allclose(Vt @ Vt.T, np.eye(Vt.shape[0]), atol=1e-14)
        np.testing.assert_allclose(U.T @ U, np.eye(U.shape[1]), atol=1e-14)
        np.testing.assert_allclose((U * s) @ Vt, A, atol=1e-14)


@pytest.mark.parametrize("seed", range(3))
def test_svd_float32_rank_deficient_wide_converges(seed):
    """float32 dots of short columns are accumulated in double: they would
    underflow, and the rotations never stop."""
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((64, 66))
    A[:, 33:] = A[:, :33]
    U, s, Vt = fastla.svd(A.astype(np.float32))
    ref = np.linalg.svd(A, compute_uv=False)
    np.testing.assert_allclose(s[:33], ref[:33], rtol=1e-4)
    assert np.all(s[33:] < 1e-4 * s[0])


@pytest.mark.parametrize("scale", [0.0, 1e-200, 1e200, 2.0**-250, 2.0**250])
def test_randomized_svd_far_from_one(scale, rng):
    """Scaling A scales s and nothing else (and zeros give zeros): 2^+-250 is worked
    on as given, 1e+-200 through a copy scaled back near 1."""
    B = rng.standard_normal((300, 200)) @ np.diag(np.geomspace(1, 1e-3, 200))
    U, s, Vt = fastla.randomized_svd(B * scale, 5, random_state=0)
    _, ref, _ = fastla.randomized_svd(B, 5, random_state=0)
    np.testing.assert_allclose(s, ref * scale, rtol=1e-10, atol=0)
    assert np.all(np.isfinite(U)) and np.all(np.isfinite(Vt))


def test_randomized_svd_of_subnormal_numbers(rng):
    """An A of the smallest subnormals (its first product near or at zero) is
    scanned and scaled, not taken for zero; s comes back as subnormals, to
    within half their spacing (2^-1075)."""
    signs = np.sign(rng.standard_normal((60, 40)))
    s = fastla.randomized_svd(signs * 5e-324, 3, random_state=0)[1]
    ref = fastla.randomized_svd(signs, 3, random_state=0)[1]
    np.testing.assert_allclose(np.ldexp(s, 1074), ref, rtol=0, atol=0.5)


@pytest.mark.parametrize("n", [1, 2, 7, 60])
def test_cholesky_inverse(n, rng):
    """R^-1 for the Cholesky factor R of a Gram matrix (R^T R = G, R upper):
    upper triangular, R^-1 R = I against LAPACK's factor; None when G is
    singular or a pivot falls below the bound."""
    Y = rng.standard_normal((3 * n + 5, n))
    G = Y.T @ Y
    X = _core.cholesky_inverse(G, 1e-12)
    R = np.linalg.cholesky(G).T
    np.testing.assert_array_equal(np.tril(X, -1), 0)
    np.testing.assert_allclose(X @ R, np.eye(n), atol=1e-12)
    if n > 1:
        Y[:, -1] = Y[:, 0]  # rank deficient
        assert _core.cholesky_inverse(Y.T @ Y, 1e-12) is None
        Y[:, -1] += 1e-4 * rng.standard_normal(Y.shape[0])  # pivot about 1e-8 of its diagonal
        assert _core.cholesky_inverse(Y.T @ Y, 1e-6) is None
        assert _core.cholesky_inverse(Y.T @ Y, 1e-12) is not None
    with pytest.raises(ValueError, match="square"):
        _core.cholesky_inverse(np.ones((2, 3)), 1e-12)


def test_power_iteration_normalisation_keeps_the_span(rng):
    """Between power iterations W = Y M, M invertible: orthonormal columns by
    Cholesky QR for a well-conditioned Y, and the same span either way (for an
    ill-conditioned Y through the eigenvalue fallback)."""
    from fastla.decomposition import _normalized

    for cond in (1e2, 1e12):
        Y = rng.standard_normal((400, 30)) @ np.diag(np.geomspace(1, 1 / cond, 30)) @ \
            np.linalg.qr(rng.standard_normal((30, 30)))[0]
        W = _normalized(Y)
        M = np.linalg.lstsq(Y, W, rcond=None)[0]
        np.testing.assert_allclose(Y @ M, W, atol=1e-6 * np.abs(W).max())  # W in Y's span
        if cond < 1e3:
            np.testing.assert_allclose(W.T @ W, np.eye(30), atol=1e-12)


@pytest.mark.parametrize("cond", [1.0, 1e4, 1e12])
def test_range_basis_is_orthonormal(cond, rng):
    """orth before B = Q^T A: Cholesky QR twice where the pivots allow, pivoted
    Householder QR otherwise; orthonormal to rounding either way, same span."""
    from fastla.decomposition import _range_basis

    Y = rng.standard_normal((500, 40)) @ np.diag(np.geomspace(1, 1 / cond, 40)) @ \
        np.linalg.qr(rng.standard_normal((40, 40)))[0]
    Q = _range_basis(Y)
    np.testing.assert_allclose(Q.T @ Q, np.eye(40), atol=1e-13)
    np.testing.assert_allclose(Q @ (Q.T @ Y), Y, atol=1e-12 * np.abs(Y).max())
    assert np.array_equal(_range_basis(np.zeros((9, 3))).shape, (9, 3))


def test_float32_columns_of_subnormal_numbers_converge():
    """A float32 rank-one image through randomized_svd leaves B = Q^T A with rows
    down at the subnormal range; their rotations cannot converge and are skipped
    (they change no singular value above FLT_MIN / FLT_EPS)."""
    a = np.where(np.arange(96) < 40, 255, 0).astype(np.float32)[None, :].repeat(64, 0)
    U, s, Vt = fastla.randomized_svd(a, 5, random_state=0)
    np.testing.assert_allclose(s[0], np.sqrt(64 * 40) * 255, rtol=1e-5)
    assert np.all(s[1:] < 1e-3 * s[0])
    np.testing.assert_allclose((U * s) @ Vt, a, atol=1e-3 * 255)
    graded = np.random.default_rng(0).standard_normal((12, 8)).astype(np.float32)
    graded *= np.float32(10.0) ** -np.arange(0, 48, 4, dtype=np.float32)[:, None]  # rows down to 1e-44
    s32 = fastla.svd(graded, compute_uv=False)
    np.testing.assert_allclose(s32[0], np.linalg.svd(graded.astype(np.float64), compute_uv=False)[0], rtol=1e-5)
