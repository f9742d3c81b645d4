"""Convolution: each output pixel is a dot product of the kernel with the window
of input pixels around it (a sliding dot product), one channel at a time.

    out[y, x] = sum_ij K[i, j] * img[y + i - r, x + j - r]        (r = K's half size)

Like OpenCV's filter2D this is correlation (the kernel is not flipped), and the
image is extended past its edges by reflection without repeating the edge pixel
(reflect-101: ... 2 1 | 0 1 2 ... , OpenCV's default border).

A kernel whose singular values after the first are zero is an outer product
K = ky kx^T (rank 1). Then the 2-D sum splits into a horizontal pass with kx and
a vertical pass with ky: 2n multiply-adds per pixel instead of n^2. `convolve`
finds out with an SVD and takes that path by itself.

The weights are integers in fixed point (round(K * 2**shift)), the sums exact in
int32, and the result rounded and clamped to 0..255; the shift is the largest
that keeps every weight in int16 and every sum in int32 (see `kernel_shift`)."""

from __future__ import annotations

import numpy as np

import fastla
from fastla import _core
from fastla.apps.filters import _check

RANK_ONE_TOL = 1e-9     # s[1] <= tol * s[0]: the kernel is taken as an outer product
MAX_SHIFT = 30
MID_BITS = 7            # fraction bits kept between the horizontal and vertical passes
INT16_MAX = 32767
INT32_LIMIT = 2 ** 31


def kernel_shift(weights, bound: int) -> int:
    """The largest shift <= 30 with every |w| * 2**shift <= 32767 and
    bound * (sum|w| * 2**shift + len(w)) + 2**shift < 2**31 (no overflow), or -1."""
    w = [abs(float(v)) for v in weights]
    biggest, total = max(w), sum(w)
    for shift in range(MAX_SHIFT, -1, -1):
        scale = 2.0 ** shift
        if biggest * scale <= INT16_MAX and bound * (total * scale + len(w)) + scale < INT32_LIMIT:
            return shift
    return -1


def fixed_point_kernel(kernel) -> tuple[np.ndarray, int]:
    """(round(K * 2**shift) as int16, shift) for the 2-D path."""
    k = _kernel(kernel, "convolve")
    shift = kernel_shift(k.ravel(), 255)
    if shift < 0:
        raise ValueError("convolve: the kernel's weights are too large (beyond 32767)")
    return np.rint(k * 2.0 ** shift).astype(np.int16), shift


def fixed_point_separable(ky, kx):
    """(qy, sy, qx, sx, mid) for the separable path; kx is rescaled to sum|kx| = 1
    (ky takes the factor), so the horizontal result fits int16 with 7 bits to spare."""
    ky = np.asarray(ky, dtype=np.float64).ravel()
    kx = np.asarray(kx, dtype=np.float64).ravel()
    norm = float(np.abs(kx).sum())
    if norm > 0:
        kx, ky = kx / norm, ky * norm
    sx = kernel_shift(kx, 255)
    qx = np.rint(kx * 2.0 ** sx)
    mid = min(MID_BITS, sx - 1)
    while mid >= 0 and (255 * np.abs(qx).sum() + 2.0 ** (sx - mid - 1)) / 2.0 ** (sx - mid) >= INT16_MAX:
        mid -= 1
    sy = min(kernel_shift(ky, INT16_MAX), MAX_SHIFT - mid)
    while sy >= 0 and INT16_MAX * np.abs(np.rint(ky * 2.0 ** sy)).sum() + 2.0 ** (sy + mid) >= INT32_LIMIT:
        sy -= 1
    if sx < 1 or mid < 0 or sy < 0:
        raise ValueError("convolve: the kernel's weights are too large (beyond 32767)")
    return np.rint(ky * 2.0 ** sy).astype(np.int16), sy, qx.astype(np.int16), sx, mid


def rank_one_factors(kernel):
    """(ky, kx) with kernel == outer(ky, kx) when its SVD has rank 1, else None."""
    k = np.asarray(kernel, dtype=np.float64)
    if k.shape[1] == 1:  # a column (or a single weight): no horizontal pass to speak of
        return k[:, 0].copy(), np.ones(1)
    if k.shape[0] == 1:
        return np.ones(1), k[0].copy()
    if not k.any():
        return None
    U, s, Vt = fastla.svd(k)
    if s[1] > RANK_ONE_TOL * s[0]:
        return None
    ky, kx = U[:, 0] * s[0], Vt[0]
    if kx[np.argmax(np.abs(kx))] < 0:  # signs: the largest horizontal weight positive
        ky, kx = -ky, -kx
    return ky, kx


def convolve(img, kernel, method: str = "auto") -> np.ndarray:
    """img (uint8 (H, W), (H, W, 3) or (H, W, 4), or a PIL image) correlated with
    `kernel` (odd x odd), per channel, reflect-101 borders; alpha is kept.

    method: "auto" (separable when the kernel has rank 1), "2d" or "separable"."""
    img = _check.image(img, "convolve", channels=(1, 3, 4))
    k = _kernel(kernel, "convolve")
    if method not in ("auto", "2d", "separable"):
        raise ValueError(f"convolve: method must be 'auto', '2d' or 'separable', got {method!r}")
    factors = rank_one_factors(k) if method != "2d" else None
    if method == "separable" and factors is None:
        raise ValueError("convolve: the kernel is not separable (its SVD has rank > 1)")
    if factors is not None:
        return convolve_separable(img, *factors)
    q, shift = fixed_point_kernel(k)
    return _check.keep_alpha(_core.image_convolve(img, q, shift), img)


def convolve_separable(img, ky, kx) -> np.ndarray:
    """The correlation with outer(ky, kx): a horizontal pass with kx, then a
    vertical one with ky (both 1-D, odd lengths)."""
    img = _check.image(img, "convolve", channels=(1, 3, 4))
    for name, k in (("ky", ky), ("kx", kx)):
        if np.ndim(k) != 1:
            raise ValueError(f"convolve_separable: {name} has shape {np.shape(k)}; expected a 1-D array")
    ky = _kernel(np.reshape(ky, (-1, 1)), "convolve")[:, 0]
    kx = _kernel(np.reshape(kx, (1, -1)), "convolve")[0]
    qy, sy, qx, sx, mid = fixed_point_separable(ky, kx)
    return _check.keep_alpha(_core.image_convolve_separable(img, qy, sy, qx, sx, mid), img)


def gaussian_kernel(sigma: float, size: int | None = None) -> np.ndarray:
    """The 1-D Gaussian weights, summing to 1; size by OpenCV's rule for 8-bit
    images, round(6 sigma + 1) made odd."""
    sigma = _check.finite_number(sigma, "gaussian_blur", "sigma", positive=True)
    if size is None:
        size = int(np.rint(sigma * 6 + 1)) | 1
    size = _odd_size(size, "gaussian_blur")
    x = np.arange(size) - (size - 1) / 2
    g = np.exp(-0.5 * (x / sigma) ** 2)
    return g / g.sum()


def gaussian_blur(img, sigma: float, size: int | None = None) -> np.ndarray:
    """Gaussian blur with standard deviation sigma (pixels), like cv2.GaussianBlur(img, (0, 0), sigma)."""
    g = gaussian_kernel(sigma, size)
    return convolve_separable(img, g, g)


def box_blur(img, size: int = 3) -> np.ndarray:
    """The mean of the size x size window around each pixel (size odd)."""
    size = _odd_size(size, "box_blur")
    ones = np.full(size, 1.0 / size)
    return convolve_separable(img, ones, ones)


def sharpen(img, amount: float = 1.0) -> np.ndarray:
    """Adds `amount` times the difference between each pixel and its four neighbours."""
    a = _check.finite_number(amount, "sharpen", "amount")
    k = np.array([[0, -a, 0], [-a, 1 + 4 * a, -a], [0, -a, 0]])
    return convolve(img, k)


SOBEL_X = np.array([[-1.0, 0, 1], [-2, 0, 2], [-1, 0, 1]])


def sobel(img, direction: str = "both") -> np.ndarray:
    """Edges: |d/dx| (direction "x"), |d/dy| ("y") or their sum ("both") of each
    channel by the 3 x 3 Sobel kernels, clamped to 0..255."""
    img = _check.image(img, "sobel", channels=(1, 3, 4))
    if direction not in ("x", "y", "both"):
        raise ValueError(f"sobel: direction must be 'x', 'y' or 'both', got {direction!r}")
    total = np.zeros(img.shape, dtype=np.uint16)
    for d, k in (("x", SOBEL_X), ("y", SOBEL_X.T)):
        if direction in (d, "both"):
            # |g| = max(g, 0) + max(-g, 0): the kernel clamps negatives to 0
            total += convolve(img, k)
            total += convolve(img, -k)
    out = np.minimum(total, 255).astype(np.uint8)
    return _check.keep_alpha(out, img)


EMBOSS = np.array([[-2.0, -1, 0], [-1, 1, 1], [0, 1, 2]])


def emboss(img, strength: float = 1.0) -> np.ndarray:
    """Relief lit from the top left: the identity plus `strength` times a
    diagonal derivative."""
    s = _check.finite_number(strength, "emboss", "strength")
    k = np.zeros((3, 3))
    k[1, 1] = 1.0
    k += s * (EMBOSS - k)
    return convolve(img, k)


def _kernel(kernel, what: str) -> np.ndarray:
    k = _check.finite_matrix(kernel, what, "the kernel")
    if k.shape[0] % 2 == 0 or k.shape[1] % 2 == 0:
        raise ValueError(f"{what}: the kernel has shape {k.shape}; both sizes must be odd")
    if k.shape[0] > 4095 or k.shape[1] > 4095:
        raise ValueError(f"{what}: the kernel has shape {k.shape}; at most 4095 x 4095")
    return k


def _odd_size(size, what: str) -> int:
    if isinstance(size, (bool, np.bool_)) or not isinstance(size, (int, np.integer)):
        raise TypeError(f"{what}: size must be an int, got {type(size).__name__}")
    if size < 1 or size % 2 == 0 or size > 4095:
        raise ValueError(f"{what}: size must be odd, 1..4095, got {size}")
    return int(size)
