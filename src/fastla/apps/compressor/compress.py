"""compress(): an image to a CompressedImage, by truncated SVD of each plane.

Each plane (R, G, B; or Y, Cb, Cr; plus alpha) is factorised: by
Eckart-Young its first k singular triplets give the best rank-k approximation
in the Frobenius norm, so the error is exactly the energy of the singular
values left out. The energy criterion is measured on the mean-centred plane,
since the mean would otherwise dominate it (its first singular value alone
often holds 90% of a photo's raw energy).

The rank knob k means k components per colour plane in rgb and gray modes. In
ycbcr mode it means the same storage, 3k components, shared out between the
planes greedily: the next component is whichever removes most RGB error, that
is the largest sigma^2 times the plane's weight in RGB (every component of
equal-sized planes costs the same bytes). Luma gets most; the smooth chroma
planes few."""

from __future__ import annotations

import math
import operator

import numpy as np

import fastla
from fastla import ConvergenceError
from fastla.apps.compressor import colour
from fastla.apps.compressor.compressed import MODES, CompressedImage, PlaneFactors
from fastla.apps.compressor.quantise import quantise
from fastla.apps.images import as_array

QUANT_ERROR = 0.02     # quantisation may add this fraction of the truncation error (< 0.09 dB)
QUANT_FLOOR = 0.02     # ... or this mean squared error per pixel, when truncation leaves less
TINY_SIGMA = 1e-2      # a component below this changes no pixel by 1/100 of a level: dropped
OVERSAMPLES = 10


def compress(img, rank=None, target_psnr=None, energy=None, mode="ycbcr",
             random_state=0) -> CompressedImage:
    """img (uint8 array (H, W), (H, W, 3) or (H, W, 4), or a PIL image) as a
    CompressedImage. Give exactly one of:

    rank         k components per colour plane (ycbcr: the same storage, shared
                 out between luma and chroma); clipped to min(H, W)
    target_psnr  the smallest k whose decoded image (quantised, as saved)
                 reaches this PSNR in dB against img
    energy       in (0, 1]: per plane, the fewest components whose squared
                 error is at most (1 - energy) times the energy of the
                 mean-centred plane

    mode "ycbcr" (default), "rgb" or "gray" (colour input is reduced to its
    luma; gray input is always compressed as gray). An alpha plane is kept,
    at rank k (or at the energy fraction)."""
    arr = as_array(img, "compress", channels=(1, 3, 4))
    given = [name for name, v in (("rank", rank), ("target_psnr", target_psnr), ("energy", energy))
             if v is not None]
    if len(given) != 1:
        raise ValueError(f"compress: give exactly one of rank, target_psnr, energy (got {given or 'none'})")
    if mode not in MODES:
        raise ValueError(f"compress: mode is {mode!r}; expected one of {MODES}")
    job = _Job(arr, mode, random_state)
    if rank is not None:
        k = operator.index(rank)
        if k < 1:
            raise ValueError(f"compress: rank is {k}; expected at least 1")
        return job.build(min(k, job.max_rank))
    if energy is not None:
        energy = float(energy)
        if not 0 < energy <= 1:
            raise ValueError(f"compress: energy is {energy}; expected a fraction in (0, 1]")
        return job.build_energy(energy)
    target = float(target_psnr)
    if not math.isfinite(target) or target <= 0:
        raise ValueError(f"compress: target_psnr is {target_psnr}; expected a positive number of dB")
    return job.build_target(target)


def truncated_svd(A, k, random_state=0, n_iter=4):
    """The k largest singular triplets of the finite A: fastla.randomized_svd
    while k is well below min(m, n) (it needs 2 n_iter + 2 passes over A with
    k + 10 columns), fastla.svd otherwise (on small or nearly full-rank
    problems it is faster).

    float32 first; if its Jacobi sweeps hit their cap (seen on exactly
    rank-deficient planes, such as a two-valued alpha, where float32 rounding
    leaves a cluster of tiny singular values), again in float64."""
    try:
        return _truncated_svd(A, k, random_state, n_iter)
    except ConvergenceError:
        if A.dtype != np.float32:
            raise
        U, s, Vt = _truncated_svd(A.astype(np.float64), k, random_state, n_iter)
        return U.astype(np.float32), s, Vt.astype(np.float32)


def _truncated_svd(A, k, random_state, n_iter):
    m, n = A.shape
    k = min(k, m, n)
    if min(m, n) > 48 and k + OVERSAMPLES <= 0.6 * min(m, n):
        return fastla.randomized_svd(A, k, n_oversamples=OVERSAMPLES, n_iter=n_iter,
                                     random_state=random_state, check_finite=False)
    U, s, Vt = fastla.svd(A, check_finite=False)
    return U[:, :k], s[:k], Vt[:k]


class _Plane:
    """A plane and as many of its singular triplets as asked so far.

    The plane is factorised as it is, not minus its mean: the best rank-k
    approximation of A is A's own truncated SVD (a constant taken out first
    would leave a rank-k part that is best for A - mean, not for A, and measures
    up to 0.3 dB worse on photos). Its first component carries the mean
    brightness, modulated by row and column. The energy criterion is measured
    against the mean-centred plane, where the mean cannot dominate."""

    def __init__(self, values, weight, random_state, n_iter=4):
        if values.dtype == np.uint8:  # exact sums from the histogram
            counts = np.bincount(values.ravel(), minlength=256).astype(np.float64)
            levels = np.arange(256, dtype=np.float64)
            total, mean = float(counts @ levels ** 2), float(counts @ levels)
        self.values = np.ascontiguousarray(values, dtype=np.float32)
        if values.dtype != np.uint8:
            total = mean = 0.0
            for rows in np.array_split(self.values, max(1, len(self.values) // 256)):  # float64 sums
                total += float(np.square(rows, dtype=np.float64).sum())
                mean += float(rows.sum(dtype=np.float64))
        mean /= max(self.values.size, 1)
        self.n_iter = n_iter
        self.total = total
        self.energy = max(total - self.values.size * mean * mean, 0.0)  # of the mean-centred plane
        self.weight = weight
        self.random_state = random_state
        self.U = self.s = self.Vt = None

    @property
    def full(self):
        return min(self.values.shape)

    def ensure(self, k):
        """Makes sure the first min(k, full) triplets are known. More triplets
        than known come from the remainder A - U S Vt (deflation): one product
        and a small randomized SVD, instead of starting again."""
        k = min(max(k, 1), self.full)
        if self.s is not None and len(self.s) >= k:
            return
        have = 0 if self.s is None else len(self.s)
        if have == 0 or k > 0.6 * self.full:
            U, s, Vt = truncated_svd(self.values, k, self.random_state, self.n_iter)
            self.U, self.s, self.Vt = U, s.astype(np.float64), Vt
            return
        rest = self.values - fastla.matmul(self.U * self.s.astype(np.float32), self.Vt)
        U, s, Vt = truncated_svd(rest, k - have, self.random_state, self.n_iter)
        order = np.argsort(-np.concatenate([self.s, s]), kind="stable")
        self.U = np.ascontiguousarray(np.hstack([self.U, U])[:, order])
        self.s = np.concatenate([self.s, s.astype(np.float64)])[order]
        self.Vt = np.ascontiguousarray(np.vstack([self.Vt, Vt])[order])

    def left_after(self, k):
        """The predicted squared error (summed over pixels) at rank k."""
        self.ensure(k)
        return max(self.total - float(np.square(self.s[:k]).sum()), 0.0)

    def factors(self, k):
        """PlaneFactors at rank k, quantised within the budget of its error."""
        self.ensure(k)
        keep = [i for i in range(min(k, len(self.s))) if self.s[i] > TINY_SIGMA]
        m, n = self.values.shape
        budget = max(QUANT_ERROR * self.left_after(k), QUANT_FLOOR * m * n)
        sigma = np.array([self.s[i] for i in keep], dtype=np.float32)
        us, vs = [], []
        for i in keep:
            # each component may add budget / len(keep) of squared error, half by u, half by v
            tol = math.sqrt(budget / max(len(keep), 1) / 2) / float(sigma[len(us)])
            us.append(quantise(self.U[:, i], tol))
            vs.append(quantise(self.Vt[i], tol))
        return PlaneFactors(0.0, sigma, tuple(us), tuple(vs))


class _Job:
    """One image being compressed: its planes, and the rank choices."""

    def __init__(self, arr, mode, random_state):
        self.original = arr
        if arr.ndim == 2:
            mode = "gray"
        self.mode = mode
        h, w = arr.shape[:2]
        self.height, self.width = h, w
        self.channels = 1 if mode == "gray" else arr.shape[2]
        x = arr  # the planes are made float32 one at a time
        if mode == "gray":
            planes, weights = [x if x.ndim == 2 else colour.luma(x[..., :3])], [1.0]
            self.reference = np.clip(np.rint(planes[0]), 0, 255).astype(np.uint8)
        elif mode == "ycbcr":
            planes, weights = colour.rgb_to_ycbcr(x[..., :3]), list(colour.RGB_ERROR_WEIGHT)
            self.reference = arr
        else:
            planes, weights = [x[..., c] for c in range(3)], [1.0] * 3
            self.reference = arr
        if self.channels == 4:
            planes.append(x[..., 3])
            weights.append(1.0)
        # chroma spectra fall fast (few power iterations needed to separate
        # them; Halko, Martinsson & Tropp 2011, section 4.5); luma and RGB need four
        n_iters = [4, 2, 2] if mode == "ycbcr" else [4] * 3
        self.planes = [_Plane(p, wt, random_state, it) for p, wt, it in zip(planes, weights, n_iters + [4])]
        self.colour_planes = 3 if mode == "ycbcr" else len(planes) - (self.channels == 4)
        self.max_rank = min(h, w)

    # ---- ranks per plane for the knob k -------------------------------------

    def ranks_for(self, k):
        """Ranks of the planes at knob k (see the module's docstring)."""
        alpha = [k] if self.channels == 4 else []
        if self.mode != "ycbcr":
            return [k] * self.colour_planes + alpha
        return self.allocate(3 * k) + alpha

    def allocate(self, budget):
        """Ranks of Y, Cb, Cr with sum `budget`, by greedy largest weight * sigma^2.
        A plane whose known triplets all get taken is factorised further."""
        budget = min(budget, 3 * self.max_rank)
        planes = self.planes[:3]
        # a first guess: photos give luma 60-75% of the budget. Chroma gets
        # room to spare (a third each): a randomized SVD's fixed cost (passes
        # over the plane) dominates at small rank, so asking for 50 costs
        # little more than 25, less than growing later. A plane found short
        # grows by deflation.
        known = [budget * 3 // 4, budget // 3 + 1, budget // 3 + 1]
        for _ in range(40):  # each round grows a short plane's triplets by a quarter
            for p, k in zip(planes, known):
                p.ensure(max(k, 1))
            gains = np.concatenate([p.weight * np.square(p.s) for p in planes])
            owner = np.concatenate([np.full(len(p.s), i) for i, p in enumerate(planes)])
            order = np.argsort(-gains, kind="stable")[:budget]
            ranks = [int((owner[order] == i).sum()) for i in range(3)]
            short = [i for i, p in enumerate(planes) if ranks[i] == len(p.s) < p.full]
            if not short:
                return ranks
            known = [len(p.s) + max(8, len(p.s) // 4) if i in short else len(p.s) for i, p in enumerate(planes)]
        return ranks

    # ---- building -------------------------------------------------------------

    def build(self, k, ranks=None):
        ranks = ranks or self.ranks_for(k)
        planes = [p.factors(r) for p, r in zip(self.planes, ranks)]
        return CompressedImage(self.height, self.width, self.channels, self.mode, planes, rank=k)

    def build_energy(self, fraction):
        """Per plane, the fewest components whose error is at most (1 - fraction)
        of the mean-centred plane's energy."""
        ranks = []
        for p in self.planes:
            allowed = (1 - fraction) * p.energy + 1e-9 * p.total
            k = 1
            while p.left_after(k) > allowed and k < p.full:
                p.ensure(min(2 * k, p.full))
                left = p.total - np.cumsum(np.square(p.s))
                hits = np.nonzero(left <= allowed)[0]
                k = int(hits[0]) + 1 if len(hits) else len(p.s)
            ranks.append(k if p.total > 0 else 0)
        return self.build(None, ranks)

    def meets(self, k, target):
        c = self.build(k)
        return c.psnr(self.reference) >= target, c

    def predicted_psnr(self, k):
        """PSNR from the singular values left out (no quantisation, no rounding)."""
        err = 0.0
        for p, r in zip(self.planes, self.ranks_for(k)):
            err += p.weight * p.left_after(r) if self.mode == "ycbcr" and p in self.planes[:3] else p.left_after(r)
        mse = err / self.reference.size + 1 / 12
        return 10 * math.log10(255.0 ** 2 / mse)

    def build_target(self, target):
        """The smallest k whose saved image reaches `target` dB, and that image.
        Starts where the singular values predict, then gallops and bisects on
        measured PSNR; it ends on a pair k - 1 (fails) and k (meets)."""
        top = self.max_rank
        lo, hi = 0, 1
        while hi < top and self.predicted_psnr(hi) < target:
            lo, hi = hi, min(2 * hi, top)
        # the prediction's first k that reaches the target, by bisection in (lo, hi]
        while hi - lo > 1:
            mid = (lo + hi) // 2
            lo, hi = (lo, mid) if self.predicted_psnr(mid) >= target else (mid, hi)
        guess = hi
        ok, best = self.meets(guess, target)
        if ok:  # gallop down to a failing k
            step, fail = 1, guess - 1
            while fail >= 1 and self.meets(fail, target)[0]:
                guess, step = fail, 2 * step
                fail = max(guess - step, 0)
            lo, hi = fail, guess
        else:  # gallop up to a meeting k
            step, lo, hi = 1, guess, None
            while hi is None:
                k = min(lo + step, top)
                if self.meets(k, target)[0]:
                    hi = k
                elif k == top:
                    raise ValueError(
                        f"compress: target_psnr {target} dB is out of reach; the full rank "
                        f"{top} gives {self.build(top).psnr(self.reference):.2f} dB")
                else:
                    lo, step = k, 2 * step
        while hi - lo > 1:
            mid = (lo + hi) // 2
            lo, hi = (lo, mid) if self.meets(mid, target)[0] else (mid, hi)
        return self.build(hi)
