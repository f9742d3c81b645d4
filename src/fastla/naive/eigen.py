"""Eigenvalues in plain Python: the textbook versions of fastla.power_iteration
and fastla.eigh.

Power iteration multiplies a vector by A over and over until it stops turning;
Jacobi's method rotates a symmetric matrix, one plane (p, q) at a time, until
it is diagonal. Both are written with plain loops over lists of rows, so each
line can be read against the formula in its comment.

Two things come from outside fastla.naive, on purpose: ConvergenceError, so the
twins fail with the very exception the fast versions raise, and NumPy's random
generator, used only to draw the start vector of power iteration, so that a
seed gives the same start here as in fastla."""

import math
import operator

from numpy.random import default_rng

from fastla.decomposition import ConvergenceError
from fastla.naive._lists import as_matrix, as_vector
from fastla.naive.vector import norm

MAX_SWEEPS = 60  # Jacobi converges quadratically: a dozen sweeps is usual
EPS = 2.220446049250313e-16  # float64 machine epsilon, 2^-52


def _square(A, what):
    """A as a list of rows, checked square (n x n) and finite."""
    rows, was_1d = as_matrix(A, "A")
    n = len(rows)
    if was_1d or any(len(row) != n for row in rows):
        shape = (len(rows[0]),) if was_1d else (n, len(rows[0]))
        raise ValueError(f"{what}: A has shape {shape}; expected a square 2-D array")
    for row in rows:
        for v in row:
            if not math.isfinite(v):
                raise ValueError(f"{what}: A contains NaN or Inf")
    return rows


def _positive_largest(v):
    """v times +1 or -1 so that its largest |component| is positive (the first
    one, if several tie). An eigenvector is only defined up to its sign; this
    picks one, the same one as fastla and scikit-learn."""
    big = 0
    for i in range(1, len(v)):
        if abs(v[i]) > abs(v[big]):
            big = i
    sign = -1.0 if v[big] < 0 else 1.0
    return [sign * vi for vi in v]


def power_iteration(A, tol=1e-10, max_iter=1000, x0=None, random_state=None):
    """The dominant eigenpair (largest |eigenvalue|) of the square matrix A.

    From a unit vector x, repeat
        y = A x                      (y_i = sum_j A[i][j] * x_j)
        lambda = x . y               (the Rayleigh quotient: A x = lambda x if x is an eigenvector)
        r = |y - lambda x|           (how far x is from being an eigenvector)
        stop if r <= tol * |A|_F, else x = y / |y|
    Each product stretches x most along the eigenvector of largest |eigenvalue|,
    so x turns towards it, by the factor |lambda_2 / lambda_1| per step.

    Returns (eigenvalue, eigenvector) with |eigenvector| = 1 and its largest
    component positive. Starts from x0, else from a standard normal vector
    drawn by numpy.random.default_rng(random_state). After max_iter products
    raises ConvergenceError, whose .best is the pair of smallest residual."""
    A = _square(A, "power_iteration")
    n = len(A)
    max_iter = operator.index(max_iter)
    if max_iter < 1:
        raise ValueError(f"power_iteration: max_iter is {max_iter}; expected at least 1")
    if not tol >= 0:
        raise ValueError(f"power_iteration: tol is {tol}; expected a number >= 0")
    if n == 0:
        raise ValueError("power_iteration: A is empty (0 x 0)")
    if x0 is None:
        x = default_rng(random_state).standard_normal(n).tolist()
    else:
        x = as_vector(x0, "x0")
        if len(x) != n:
            raise ValueError(f"power_iteration: x0 has shape ({len(x)},); expected ({n},)")
        if not all(math.isfinite(v) for v in x):
            raise ValueError("power_iteration: x0 contains NaN or Inf")
        if not any(x):
            raise ValueError("power_iteration: x0 is the zero vector")

    a_norm = norm(A)  # |A|_F = sqrt(sum_ij A[i][j]^2), the scale of the tolerance
    x_norm = norm(x)
    x = [v / x_norm for v in x]  # start on the unit sphere: |x| = 1
    best_lambda, best_x, best_residual = 0.0, x, math.inf
    iterations = 0
    for it in range(1, max_iter + 1):
        iterations = it
        # y = A x
        y = []
        for i in range(n):
            total = 0.0
            for j in range(n):
                total += A[i][j] * x[j]
            y.append(total)
        # lambda = x . y, the best eigenvalue estimate for this x (|x| = 1)
        lam = 0.0
        for i in range(n):
            lam += x[i] * y[i]
        # r = |y - lambda x|: zero exactly when A x = lambda x
        residual = norm([y[i] - lam * x[i] for i in range(n)])
        if residual < best_residual:  # keep the best estimate in case we never converge
            best_lambda, best_x, best_residual = lam, x, residual
        if residual <= tol * a_norm:
            return lam, _positive_largest(x)
        # x = y / |y|: the next, better aligned, unit vector
        y_norm = norm(y)
        if not (y_norm > 0) or math.isinf(y_norm):
            break  # A x = 0 would have converged above; overflow cannot be cured
        x = [v / y_norm for v in y]
    raise ConvergenceError(
        f"power_iteration: no convergence in {iterations} iterations (residual {best_residual:.3g}, "
        f"tolerance {tol:.3g} * |A|); the two largest |eigenvalues| may be equal or close",
        best=(best_lambda, _positive_largest(best_x)), iterations=iterations, residual=best_residual)


def eigh(A, eigvals_only=False):
    """All eigenvalues w (ascending, like numpy.linalg.eigh) and eigenvectors V
    of the symmetric matrix A, of which only the lower triangle is read.

    Cyclic Jacobi: for each pair p < q in turn, choose the rotation
        c = cos(phi), s = sin(phi) in the (p, q) plane
    for which A' = J^T A J has a'_pq = 0, and apply it. Each rotation moves the
    weight a_pq^2 onto the diagonal, so the off-diagonal part shrinks until A is
    diagonal: its diagonal is then the eigenvalues, and the product of all the
    rotations (V, started at the identity) has the eigenvectors as columns.

    A rotation is made only where |a_pq| > tol * sqrt|a_pp| * sqrt|a_qq|
    (tol = sqrt(n) * eps): relative to the two diagonal entries, not to |A|, so
    small eigenvalues of graded matrices keep their relative accuracy (Demmel &
    Veselic 1992). A sweep over all pairs that rotates nothing ends the method.

    Returns w, or (w, V) with V a list of rows: V[i][j] is component i of the
    eigenvector j (numpy's columns), each with its largest component positive.
    Raises ConvergenceError after MAX_SWEEPS sweeps, with the estimate in .best."""
    A = _square(A, "eigh")
    n = len(A)
    # a symmetric copy built from the lower triangle: a[i][j] = a[j][i] = A[i][j], j <= i
    a = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1):
            a[i][j] = a[j][i] = A[i][j]
    # V = I: the rotations so far (none)
    V = [[1.0 if i == j else 0.0 for j in range(n)] for i in range(n)]
    tol = math.sqrt(n) * EPS

    converged = False
    sweeps = 0
    while sweeps < MAX_SWEEPS and not converged:
        sweeps += 1
        rotations = 0
        for p in range(n - 1):
            for q in range(p + 1, n):
                apq, app, aqq = a[p][q], a[p][p], a[q][q]
                if abs(apq) <= tol * math.sqrt(abs(app)) * math.sqrt(abs(aqq)):
                    continue  # already negligible next to its diagonal: leave it
                # a'_pq = 0 when t = tan(phi) solves t^2 + 2 theta t - 1 = 0 with
                # theta = cot(2 phi) = (a_qq - a_pp) / (2 a_pq); the smaller root,
                # |phi| <= pi/4, written so that nothing cancels (Rutishauser):
                theta = (aqq - app) / (2.0 * apq)
                if abs(theta) > 1e150:
                    t = 0.5 / theta  # theta^2 would overflow; 1 / (2 theta) is the root to full precision
                else:
                    sign = 1.0 if theta >= 0 else -1.0
                    t = sign / (abs(theta) + math.sqrt(1.0 + theta * theta))
                c = 1.0 / math.sqrt(1.0 + t * t)
                s = t * c
                # columns p and q of A (and, by symmetry, rows p and q):
                #   a'_kp = c a_kp - s a_kq,   a'_kq = s a_kp + c a_kq
                for k in range(n):
                    if k == p or k == q:
                        continue
                    akp, akq = a[k][p], a[k][q]
                    a[k][p] = a[p][k] = c * akp - s * akq
                    a[k][q] = a[q][k] = s * akp + c * akq
                # the 2 x 2 block: its off-diagonal entry vanishes, which moves
                # t * a_pq from a_pp to a_qq
                a[p][p] = app - t * apq
                a[q][q] = aqq + t * apq
                a[p][q] = a[q][p] = 0.0
                # V <- V J: columns p and q of V turn the same way
                for k in range(n):
                    vkp, vkq = V[k][p], V[k][q]
                    V[k][p] = c * vkp - s * vkq
                    V[k][q] = s * vkp + c * vkq
                rotations += 1
        converged = rotations == 0

    # eigenvalues ascending (a stable sort keeps equal ones in column order),
    # each eigenvector with its largest component positive
    order = sorted(range(n), key=lambda j: a[j][j])
    w = [a[j][j] for j in order]
    columns = [_positive_largest([V[i][j] for i in range(n)]) for j in order]
    vectors = [[columns[j][i] for j in range(n)] for i in range(n)]
    result = w if eigvals_only else (w, vectors)
    if not converged:
        raise ConvergenceError(f"eigh: Jacobi did not converge in {sweeps} sweeps",
                               best=result, iterations=sweeps)
    return result
