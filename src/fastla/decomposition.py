"""Eigenvalues, singular values and PCA: power_iteration, eigh (Jacobi),
top_eigs, svd (one-sided Jacobi), randomized_svd and pca.

Argument checks and the choice of method live here; the iterations run in the
C core (csrc/eigen/, csrc/svd/) with the GIL released."""

import operator

import numpy as np

from fastla import _core

MAX_SWEEPS = 60  # Jacobi converges quadratically: a dozen sweeps is usual


class ConvergenceError(np.linalg.LinAlgError):
    """An iteration reached its cap before converging.

    `best` holds the estimate of smallest error reached (for power_iteration the
    pair (eigenvalue, eigenvector), for eigh the pair (w, V) or w); `iterations`
    how many iterations or sweeps ran; `residual` the error measure, if known."""

    def __init__(self, message, best=None, iterations=None, residual=None):
        super().__init__(message)
        self.best = best
        self.iterations = iterations
        self.residual = residual


def _finite_square(A, what, check_finite):
    a = _core.square_matrix(A, what)
    if check_finite and not np.isfinite(a).all():
        raise ValueError(f"{what}: A contains NaN or Inf")
    return a


def power_iteration(A, tol=None, max_iter=1000, x0=None, random_state=None, check_finite=True):
    """The dominant eigenpair (largest |eigenvalue|) of the square matrix A.

    Repeats x <- A x / |A x| and stops when the eigen-residual |A x - lambda x|
    is at most tol * |A|_F, lambda being the Rayleigh quotient x . A x (tol by
    default 1e-10 for float64 and 1e-5 for float32, whose rounding alone leaves
    residuals near 1e-7 |A|). Returns
    (eigenvalue, eigenvector) with |eigenvector| = 1 and its largest component
    positive. Starts from x0, else from a random vector (random_state: seed or
    numpy Generator). Raises ConvergenceError after max_iter products, carrying
    the estimate of smallest residual in .best."""
    a = _finite_square(A, "power_iteration", check_finite)
    n = a.shape[0]
    if tol is None:
        tol = 1e-10 if a.dtype == np.float64 else 1e-5
    max_iter = operator.index(max_iter)
    if max_iter < 1:
        raise ValueError(f"power_iteration: max_iter is {max_iter}; expected at least 1")
    if not tol >= 0:
        raise ValueError(f"power_iteration: tol is {tol}; expected a number >= 0")
    if n == 0:
        raise ValueError("power_iteration: A is empty (0 x 0)")
    if x0 is None:
        x = np.random.default_rng(random_state).standard_normal(n).astype(a.dtype)
    else:
        x = np.array(x0, dtype=a.dtype, copy=True, order="C")
        if x.shape != (n,):
            raise ValueError(f"power_iteration: x0 has shape {x.shape}; expected ({n},)")
        if not np.isfinite(x).all():
            raise ValueError("power_iteration: x0 contains NaN or Inf")
        if not np.any(x):
            raise ValueError("power_iteration: x0 is the zero vector")
    lam, x, converged, residual, its = _core.power(a, x, float(tol), max_iter)
    lam = a.dtype.type(lam)
    if not converged:
        raise ConvergenceError(
            f"power_iteration: no convergence in {its} iterations (residual {residual:.3g}, "
            f"tolerance {tol:.3g} * |A|); the two largest |eigenvalues| may be equal or close",
            best=(lam, x), iterations=its, residual=residual)
    return lam, x


def eigh(A, eigvals_only=False, max_sweeps=MAX_SWEEPS, check_finite=True):
    """All eigenvalues (ascending, like numpy.linalg.eigh) and eigenvectors of the
    symmetric matrix A, whose lower triangle is read, by cyclic Jacobi rotations.

    Returns w, or (w, V) with V's columns the orthonormal eigenvectors, each with
    its largest component positive. A rotation is made only where
    |a_pq| > tol * sqrt|a_pp| * sqrt|a_qq|: small eigenvalues of graded matrices
    keep their relative accuracy. Raises ConvergenceError after max_sweeps sweeps,
    carrying the estimate so far in .best."""
    a = _finite_square(A, "eigh", check_finite)
    max_sweeps = operator.index(max_sweeps)
    if max_sweeps < 1:
        raise ValueError(f"eigh: max_sweeps is {max_sweeps}; expected at least 1")
    w, V, converged, sweeps = _core.eigh(a, not eigvals_only, max_sweeps)
    result = w if eigvals_only else (w, V)
    if not converged:
        raise ConvergenceError(f"eigh: Jacobi did not converge in {sweeps} sweeps",
                               best=result, iterations=sweeps)
    return result


def pca(X, n_components):
    """Principal component analysis of the rows of X (n_samples, n_features).

    Returns (components, explained_variance, mean): components (n_components,
    n_features) are the top eigenvectors of the covariance matrix, as rows,
    with scikit-learn's sign convention (the largest |entry| of each row is
    positive); explained_variance their eigenvalues (variance along each, with
    n_samples - 1 in the denominator), descending; mean the column means."""
    X = _core.as_float_operand(X, "pca", "X")
    if X.ndim != 2:
        raise ValueError(f"pca: X has shape {X.shape}; expected a 2-D array (n_samples, n_features)")
    n_samples, n_features = X.shape
    n_components = operator.index(n_components)
    if not 1 <= n_components <= min(n_samples, n_features):
        raise ValueError(f"pca: n_components is {n_components}; expected 1 to "
                         f"min(n_samples, n_features) = {min(n_samples, n_features)}")
    if n_samples < 2:
        raise ValueError("pca: needs at least 2 samples")
    if not np.isfinite(X).all():
        raise ValueError("pca: X contains NaN or Inf")
    # X's largest entry to [0.5, 1) by a power of two (exact): far from 1, the column
    # sums or the products of the covariance matrix would overflow or underflow; the
    # variances are scaled back at the end (inf if they are beyond the dtype's range).
    big = float(np.abs(X).max(initial=0.0))
    shift = int(np.frexp(big)[1])
    Xs = np.ldexp(X, -shift) if shift else X
    mean_s = Xs.mean(axis=0)
    mean_s += (Xs - mean_s).mean(axis=0)  # a second pass removes the first one's rounding
    Xc = Xs - mean_s
    cov = _core.matmul2d(Xc.T, Xc) / (n_samples - 1)
    w, V = eigh(cov)
    order = np.argsort(w, kind="stable")[::-1][:n_components]
    components = np.ascontiguousarray(V[:, order].T)
    with np.errstate(over="ignore"):  # a variance beyond the dtype's range is inf
        explained_variance = np.ldexp(np.maximum(w[order], 0), 2 * shift)
        mean = np.ldexp(mean_s, shift) if shift else mean_s
    return components, explained_variance, mean


# ---- svd --------------------------------------------------------------------------

def _finite_matrix(A, what, check_finite):
    a = _core.as_float_operand(A, what, "A")
    if a.ndim != 2:
        raise ValueError(f"{what}: A has shape {a.shape}; expected a 2-D array")
    if check_finite and not np.isfinite(a).all():
        raise ValueError(f"{what}: A contains NaN or Inf")
    return a


def _flip_signs(U, Vt):
    """Each row of Vt with its largest |entry| positive, U's columns to match
    (scikit-learn's svd_flip(u_based_decision=False)): reproducible signs."""
    k = min(U.shape[1], Vt.shape[0])
    if k == 0:
        return U, Vt
    big = np.argmax(np.abs(Vt[:k]), axis=1)
    signs = np.where(Vt[np.arange(k), big] < 0, -1, 1).astype(Vt.dtype)
    Vt[:k] *= signs[:, None]
    U[:, :k] *= signs
    return U, Vt


def svd(A, full_matrices=False, compute_uv=True, max_sweeps=MAX_SWEEPS, check_finite=True):
    """Singular value decomposition A = U diag(s) Vt, like numpy.linalg.svd.

    s is descending and non-negative; U (m, k) and Vt (k, n) with k = min(m, n)
    have orthonormal columns and rows (with full_matrices, U is m x m and Vt
    n x n). Each row of Vt has its largest |entry| positive, U's columns to
    match. One-sided Jacobi after pivoted QR (LAPACK's dgejsv approach): every
    singular value to high relative accuracy, also on graded matrices where
    LAPACK's dgesdd loses the small ones. Raises ConvergenceError after
    max_sweeps sweeps, with the estimate so far in .best."""
    a = _finite_matrix(A, "svd", check_finite)
    max_sweeps = operator.index(max_sweeps)
    if max_sweeps < 1:
        raise ValueError(f"svd: max_sweeps is {max_sweeps}; expected at least 1")
    U, s, Vt, converged, sweeps = _core.svd(a, bool(full_matrices), bool(compute_uv), max_sweeps)
    if compute_uv:
        U, Vt = _flip_signs(U, Vt)
    result = (U, s, Vt) if compute_uv else s
    if not converged:
        raise ConvergenceError(f"svd: one-sided Jacobi did not converge in {sweeps} sweeps",
                               best=result, iterations=sweeps)
    return result


# randomized_svd works on A as given when its largest |entry| is within 2^±this
_SAFE_EXPONENT = {np.float64: 256, np.float32: 32}


def randomized_svd(A, k, n_oversamples=10, n_iter=4, random_state=None, check_finite=True):
    """The k largest singular triplets (U, s, Vt) of A, approximately, by the
    randomized range finder of Halko, Martinsson & Tropp (2011), as in
    scikit-learn's randomized_svd:

        Q = orth(A Omega), Omega random (n, k + n_oversamples)
        n_iter times: Q = orth(A^T Q), Q = orth(A Q)   (power iterations,
                                                        re-orthonormalised)
        B = Q^T A, small: B = Ub s Vt by fastla.svd;  U = Q Ub

    All products are fastla's GEMM; the renormalisations between them Cholesky
    QR (Jacobi where Y is too ill-conditioned for it), orth Cholesky QR twice
    (fastla's pivoted Householder QR where that does not apply), and the small
    SVD one-sided Jacobi. Same sign convention as svd."""
    a = _finite_matrix(A, "randomized_svd", False)
    m, n = a.shape
    k = operator.index(k)
    n_oversamples, n_iter = operator.index(n_oversamples), operator.index(n_iter)
    if not 1 <= k <= min(m, n):
        raise ValueError(f"randomized_svd: k is {k}; expected 1 <= k <= min(m, n) = {min(m, n)}")
    if n_oversamples < 0 or n_iter < 0:
        raise ValueError("randomized_svd: n_oversamples and n_iter must be >= 0")
    # The products' (tall) output is allocated first, and dropped: a request too large
    # to allocate fails here at once, not after a scan of A
    np.empty((max(m, n), min(k + n_oversamples, m, n)), a.dtype)
    return _randomized_svd(a, k, n_oversamples, n_iter, random_state, check_finite, scanned=False)


def _randomized_svd(a, k, n_oversamples, n_iter, random_state, check_finite, scanned):
    m, n = a.shape
    if m < n:  # like scikit-learn: work on the tall one
        V, s, Ut = _randomized_svd(a.T, k, n_oversamples, n_iter, random_state, check_finite, scanned)
        U, Vt = _flip_signs(np.ascontiguousarray(Ut.T), np.ascontiguousarray(V.T))
        return U, s, Vt
    width = min(k + n_oversamples, n)
    omega = _gaussian(random_state, (n, width)).astype(a.dtype, copy=False)
    Q = _core.matmul2d(a, omega)
    if not scanned:
        # The first product shows whether A needs a look of its own: with Omega
        # Gaussian, Q is finite, its largest entry within a few powers of two of A's
        # (times sqrt(n)), when A is finite. Only otherwise (or for a Q of zeros, which
        # an A of subnormals can give) is A scanned: two passes, half a product.
        big = float(np.abs(Q).max(initial=0.0))
        if not np.isfinite(big) or big == 0 or abs(int(np.frexp(big)[1])) > _SAFE_EXPONENT[a.dtype.type] // 2:
            shift = _scale_exponent(a, check_finite)
            if shift:
                # the products could overflow, or lose digits to underflow: a copy of
                # A with its largest entry in [0.5, 1), scaled by a power of two (exact)
                U, s, Vt = _randomized_svd(np.ldexp(a, -shift), k, n_oversamples, n_iter, random_state,
                                           False, scanned=True)
                with np.errstate(over="ignore"):  # an s beyond the dtype's range is inf
                    return U, np.ldexp(s, shift), Vt
    # A^T as a view: its products pack it from A's rows (a row-major copy, 48 MB at
    # 3000 x 2000, took longer than packing it in all five products)
    at = a.T
    for _ in range(n_iter):
        Q = _core.matmul2d(at, _normalized(Q))
        Q = _core.matmul2d(a, _normalized(Q))
    Q = _range_basis(Q)
    B = _core.matmul2d(at, Q).T
    Ub, s, Vt = svd(B, check_finite=False)
    U = _core.matmul2d(Q, Ub)
    return np.ascontiguousarray(U[:, :k]), s[:k].copy(), np.ascontiguousarray(Vt[:k])


def _scale_exponent(a, check_finite):
    """The power of two to scale A by (0 if none): the exponent of A's largest
    |entry| when that is beyond 2^±_SAFE_EXPONENT. Raises if A is not finite
    (check_finite). Its min and max show both (NaN propagates), in two passes
    without a temporary copy of A."""
    low, high = float(a.min(initial=0.0)), float(a.max(initial=0.0))
    if check_finite and not (np.isfinite(low) and np.isfinite(high)):
        raise ValueError("randomized_svd: A contains NaN or Inf")
    big = max(high, -low)
    shift = int(np.frexp(big)[1]) if np.isfinite(big) else 0
    return shift if big and abs(shift) > _SAFE_EXPONENT[a.dtype.type] else 0


def _normalized(Y):
    """Y times an invertible matrix that makes its columns orthonormal when Y is
    well conditioned; between power iterations only the space spanned matters
    (scikit-learn uses an LU factor here). Cholesky QR where it applies (see
    _cholesky_qr); otherwise W = Y U g^-1/2 from Y^T Y = U diag(g) U^T (Jacobi),
    tiny g floored, not dropped, so no direction is lost."""
    scaled = _scaled_gram(Y)
    if scaled is None:
        return Y  # nothing to normalise (or nothing that can be)
    Y, G = scaled
    W = _times_cholesky_inverse(Y, G)
    if W is not None:
        return W
    g, U = eigh(G, check_finite=False)
    floor = max(float(g[-1]), 1.0) * 1e-28
    return _core.matmul2d(Y, U / np.sqrt(np.maximum(g, Y.dtype.type(floor))))


def _range_basis(Y):
    """Orthonormal columns spanning Y's: Cholesky QR twice (CholeskyQR2, whose
    second pass leaves W^T W = I to rounding once the first has brought the
    condition number near 1), else Householder QR with column pivoting."""
    W = _cholesky_qr(Y)
    W = None if W is None else _cholesky_qr(W)
    return W if W is not None else _core.orthonormal(Y)


def _cholesky_qr(Y):
    """W = Y R^-1 with R^T R = Y^T Y (R upper triangular), or None where that
    does not apply (see _times_cholesky_inverse), or Y is zero or not finite."""
    scaled = _scaled_gram(Y)
    return None if scaled is None else _times_cholesky_inverse(*scaled)


def _scaled_gram(Y):
    """(Y scaled so that its largest entry is near 1 (exact: a power of two), its
    Gram matrix Y^T Y), or None when Y is zero or not finite."""
    big = float(np.abs(Y).max(initial=0.0))
    if big == 0 or not np.isfinite(big):
        return None
    Y = Y * Y.dtype.type(np.ldexp(1.0, -np.frexp(big)[1]))
    return Y, _core.matmul2d(Y.T, Y)


def _times_cholesky_inverse(Y, G):
    """Y R^-1 for R^T R = G; None when a pivot of the Cholesky factorisation falls
    to 1000 n eps of its diagonal entry (cond(Y) above about 3e5 in float64).
    R^-1 takes microseconds at the sketch's width (csrc/svd/cholesky.c)."""
    R_inv = _core.cholesky_inverse(G, 1e3 * Y.shape[1] * float(np.finfo(Y.dtype).eps))
    return None if R_inv is None else _core.matmul2d(Y, R_inv.astype(Y.dtype, copy=False))


def _gaussian(random_state, shape):
    """Standard normal samples; an int or None seeds numpy's RandomState, as
    scikit-learn does, so that the same seed gives the same test matrix."""
    if isinstance(random_state, np.random.Generator):
        return random_state.standard_normal(shape)
    if isinstance(random_state, np.random.RandomState):
        return random_state.normal(size=shape)
    return np.random.RandomState(random_state).normal(size=shape)


# ---- top_eigs: block Lanczos -----------------------------------------------------

def _orthonormal(W, floor=0.0):
    """An orthonormal basis of the columns of W (n x p), by symmetric
    orthogonalisation twice: W^T W = U diag(g) U^T (Jacobi), W <- W U g^-1/2.
    Directions of W shorter than floor, or than 1e-12 of the longest, are
    dropped (W rank deficient): scaled up, their rounding errors would be too."""
    for _ in range(2):
        g, U = eigh(_core.matmul2d(W.T, W))
        keep = g > max(g[-1] * 1e-24, floor * floor) if len(g) else g > 0
        W = _core.matmul2d(W, U[:, keep] / np.sqrt(g[keep]))
        floor = 0.0
    return W


def _project_out(W, basis):
    """W minus its components along the orthonormal columns of basis, twice
    ("twice is enough": the second pass removes what rounding left)."""
    for _ in range(2):
        W = W - _core.matmul2d(basis, _core.matmul2d(basis.T, W))
    return W


def top_eigs(A, k, *, tol=1e-10, block_size=None, max_restarts=20, random_state=None,
             check_finite=True):
    """The k largest eigenvalues (descending) and their eigenvectors of the
    symmetric matrix A: (w, V) with V (n, k) orthonormal.

    Block Lanczos with full reorthogonalisation: the Krylov space
    span{X, A X, A^2 X, ...} of a random block X is built by fastla's GEMM, and
    the projected matrix T = Q^T A Q is solved by Jacobi (eigh) for its Ritz
    pairs. Stops when every wanted pair has |A v - lambda v| <= tol * |A|_2;
    restarts from the best Ritz vectors when the space grows too large, and
    raises ConvergenceError after max_restarts restarts. Small matrices are
    solved whole by eigh."""
    a = _core.square_matrix(A, "top_eigs")
    n = a.shape[0]
    k = operator.index(k)
    p = operator.index(block_size) if block_size is not None else max(k, 10)
    krylov = n > max(256, 4 * p) and 0 < k <= n and p >= 1
    d_max = min(n, max(30 * p, 300))  # the Krylov space kept before a restart
    # the Krylov space's room first: a matrix too large for it fails here, before
    # the checks read all of it
    space = (np.empty((n, d_max)), np.empty((n, d_max))) if krylov else None
    asymmetry, scale = _core.asymmetry(a)  # and the largest |a_ij|, in one pass
    if check_finite and not np.isfinite(scale):
        raise ValueError("top_eigs: A contains NaN or Inf")
    if not 0 <= k <= n:
        raise ValueError(f"top_eigs: k is {k}; expected 0 <= k <= n = {n}")
    if asymmetry > 100 * np.finfo(a.dtype).eps * scale:
        raise ValueError("top_eigs: A is not symmetric")
    dtype = a.dtype
    if k == 0:
        return np.empty(0, dtype), np.empty((n, 0), dtype)
    if p < 1:
        raise ValueError(f"top_eigs: block_size is {p}; expected at least 1")
    if not krylov or scale == 0:
        w, V = eigh(a, check_finite=False)
        return w[::-1][:k].copy(), np.ascontiguousarray(V[:, ::-1][:, :k])
    a = a.astype(np.float64, copy=False)
    shift = int(np.frexp(scale)[1])  # far from 1, A is scaled by 2^-shift (exactly) first
    if abs(shift) <= 400:
        shift = 0
    else:
        a = np.ldexp(a, -shift)
    rng = np.random.default_rng(random_state)
    X = rng.standard_normal((n, p))
    best = None
    for restart in range(max_restarts + 1):
        w, V, residual, converged = _lanczos(a, X, k, tol, space, rng)
        if best is None or residual < best[2]:
            best = (w, V, residual)
        if converged:
            return np.ldexp(w, shift).astype(dtype), V.astype(dtype)
        X = V if V.shape[1] >= p else np.hstack([V, rng.standard_normal((n, p - V.shape[1]))])
    raise ConvergenceError(
        f"top_eigs: the largest residual is still {best[2]:.3g} * |A| after {max_restarts} "
        "restarts; try a larger block_size or a looser tol",
        best=(np.ldexp(best[0], shift).astype(dtype), best[1].astype(dtype)), iterations=max_restarts,
        residual=best[2])


def _lanczos(A, X, k, tol, space, rng):
    """One run of block Lanczos from the block X: (w, V, residual, converged),
    with the k largest Ritz pairs of the space built, and their largest
    residual relative to |A|. Rayleigh-Ritz is checked every few blocks.
    space: two (n, d_max) arrays, the basis and A times it (T = basis^T images)."""
    n, p = X.shape
    basis, images = space
    d_max = basis.shape[1]
    Q = _orthonormal(X)
    d, steps = 0, 0
    result = (None, None, np.inf, False)
    while True:
        q = Q.shape[1]
        basis[:, d:d + q] = Q
        images[:, d:d + q] = _core.matmul2d(A, Q)
        d += q
        steps += 1
        if d >= k and (steps % 3 == 0 or d + p > d_max):
            result = _rayleigh_ritz(basis[:, :d], images[:, :d], k, tol)
            if result[3] or d + p > d_max:
                return result
        # the next block: A Q without its part in the space so far. Directions
        # shorter than 1e-10 |A Q| are in the space already (to within the
        # tolerance) and are dropped; the block shrinks, or, when nothing is
        # left (an invariant subspace), fresh random directions carry on.
        image = images[:, d - q:d]
        W = _project_out(image, basis[:, :d])
        Q = _orthonormal(W, floor=1e-10 * float(np.sqrt((image * image).sum(axis=0)).max()))
        if Q.shape[1] == 0:
            Q = _orthonormal(_project_out(rng.standard_normal((n, p)), basis[:, :d]))
        Q = _orthonormal(_project_out(Q, basis[:, :d]))  # what rounding brought back


def _rayleigh_ritz(basis, images, k, tol):
    """The k largest Ritz pairs of A in span(basis) and their largest residual."""
    T = _core.matmul2d(basis.T, images)
    theta, Y = eigh((T + T.T) / 2)
    Yk = np.ascontiguousarray(Y[:, ::-1][:, :k])
    wk = theta[::-1][:k].copy()
    V = _core.matmul2d(basis, Yk)
    R = _core.matmul2d(images, Yk) - V * wk
    norm_a = max(abs(theta[0]), abs(theta[-1]))
    residual = float(np.sqrt((R * R).sum(axis=0)).max() / norm_a)
    return wk, V, residual, residual <= tol
