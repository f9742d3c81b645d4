"""Image quality: PSNR, and SSIM (Wang, Bovik, Sheikh & Simoncelli 2004) with a
Gaussian window, computed as skimage.metrics.structural_similarity does with
gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=255.

The local means, variances and covariance are Gaussian-weighted averages: five
runs of fastla's separable filter (C, csrc/apps/filter_float.c) per channel."""

import numpy as np

from fastla import _core

SIGMA = 1.5
TRUNCATE = 3.5                                     # as scipy.ndimage.gaussian_filter
RADIUS = int(TRUNCATE * SIGMA + 0.5)               # 5: an 11-tap window
K1, K2, DATA_RANGE = 0.01, 0.03, 255.0


def gaussian_taps(sigma=SIGMA, radius=RADIUS):
    """The normalised 1-D Gaussian window, as scipy.ndimage builds it."""
    x = np.arange(-radius, radius + 1, dtype=np.float64)
    w = np.exp(-0.5 * (x / sigma) ** 2)
    return w / w.sum()


def _pair(a, b, what):
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        raise ValueError(f"{what}: the images have shapes {a.shape} and {b.shape}; expected the same")
    if a.ndim not in (2, 3):
        raise ValueError(f"{what}: expected images of shape (H, W) or (H, W, C), got {a.shape}")
    return a.astype(np.float64), b.astype(np.float64)


def mse(a, b) -> float:
    a, b = _pair(a, b, "mse")
    return float(np.mean((a - b) ** 2))


def psnr(a, b, data_range=DATA_RANGE) -> float:
    """10 log10(peak^2 / MSE) over all pixels and channels; inf when equal."""
    err = mse(a, b)
    return float("inf") if err == 0 else float(10 * np.log10(data_range ** 2 / err))


def ssim(a, b, data_range=DATA_RANGE) -> float:
    """Mean SSIM of two images of the same shape, averaged over channels; the
    border of RADIUS pixels, where the window leaves the image, is left out."""
    a, b = _pair(a, b, "ssim")
    if min(a.shape[:2]) < 2 * RADIUS + 1:
        raise ValueError(f"ssim: images of shape {a.shape} are smaller than the "
                         f"{2 * RADIUS + 1}x{2 * RADIUS + 1} window")
    if a.ndim == 2:
        return _ssim_plane(a, b, data_range)
    return float(np.mean([_ssim_plane(a[..., c], b[..., c], data_range) for c in range(a.shape[2])]))


def _ssim_plane(x, y, data_range):
    taps = gaussian_taps()
    blur = lambda img: _core.sep_filter(np.ascontiguousarray(img), taps)  # noqa: E731
    ux, uy = blur(x), blur(y)
    vx = blur(x * x) - ux * ux
    vy = blur(y * y) - uy * uy
    vxy = blur(x * y) - ux * uy
    c1, c2 = (K1 * data_range) ** 2, (K2 * data_range) ** 2
    s = ((2 * ux * uy + c1) * (2 * vxy + c2)) / ((ux * ux + uy * uy + c1) * (vx + vy + c2))
    return float(s[RADIUS:-RADIUS, RADIUS:-RADIUS].mean())
