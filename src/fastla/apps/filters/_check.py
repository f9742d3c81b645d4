"""Argument checks shared by the filters: images in, finite float matrices."""

from __future__ import annotations

import numpy as np

from fastla.apps.images import as_array


def image(img, what: str, channels=(3, 4)) -> np.ndarray:
    """img as a uint8 array (H, W, C) with C in `channels` (1 means (H, W))."""
    return as_array(img, what, channels=channels)


def finite_matrix(m, what: str, name: str) -> np.ndarray:
    """m as a 2-D float64 array with only finite entries, else TypeError/ValueError."""
    try:
        a = np.asarray(m)
    except Exception as exc:  # ragged lists and the like
        raise ValueError(f"{what}: {name} is not a rectangular array ({exc})") from exc
    if a.dtype.kind not in "iufb":
        raise TypeError(f"{what}: {name} has dtype {a.dtype}; expected real numbers")
    a = a.astype(np.float64)
    if a.ndim != 2:
        raise ValueError(f"{what}: {name} has shape {a.shape}; expected a 2-D array")
    if not np.isfinite(a).all():
        raise ValueError(f"{what}: {name} contains NaN or infinite entries")
    return a


def finite_number(x, what: str, name: str, positive: bool = False) -> float:
    """x as a finite float (and > 0 when asked), else TypeError/ValueError."""
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, float, np.integer, np.floating)):
        raise TypeError(f"{what}: {name} must be a real number, got {type(x).__name__}")
    v = float(x)
    if not np.isfinite(v):
        raise ValueError(f"{what}: {name} must be finite, got {v}")
    if positive and v <= 0:
        raise ValueError(f"{what}: {name} must be > 0, got {v}")
    return v


def keep_alpha(out: np.ndarray, img: np.ndarray) -> np.ndarray:
    """The input's alpha channel put back into out (filters change colour only)."""
    if img.ndim == 3 and img.shape[2] == 4:
        out[..., 3] = img[..., 3]
    return out
