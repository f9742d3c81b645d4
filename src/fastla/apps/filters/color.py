"""Colour matrices: every pixel's colour is a vector, and a filter that mixes the
channels is a 3 x 3 matrix times that vector (plus an offset: 3 x 4, affine).

    out = M[:, :3] @ [r, g, b] + M[:, 3]

The products are computed in fixed point with 10 fractional bits, rounded and
clamped to 0..255, exactly as OpenCV's cv2.transform does for 8-bit images, so
the two give the same bytes on RGB images. Alpha, when present, is kept."""

from __future__ import annotations

import numpy as np

from fastla import _core
from fastla.apps.filters import _check

FRACTION_BITS = 10                 # the weights are integers over 2**10
MAX_WEIGHT = 256.0                 # |M[:, :3]| bound: no int32 overflow for 3 x 255 x 2**18
MAX_OFFSET = 65536.0               # |M[:, 3]| bound


def fixed_point_matrix(M) -> np.ndarray:
    """The 3 x 4 int32 weights the kernel uses: round(M * 2**10), ties to even."""
    M = _check.finite_matrix(M, "color_matrix", "the matrix")
    if M.shape not in ((3, 3), (3, 4)):
        raise ValueError(f"color_matrix: the matrix has shape {M.shape}; expected (3, 3) or (3, 4)")
    if M.shape == (3, 3):
        M = np.hstack([M, np.zeros((3, 1))])
    if np.abs(M[:, :3]).max() > MAX_WEIGHT or np.abs(M[:, 3]).max() > MAX_OFFSET:
        raise ValueError(f"color_matrix: weights must be within +-{MAX_WEIGHT:g} and offsets "
                         f"within +-{MAX_OFFSET:g}")
    return np.rint(M * (1 << FRACTION_BITS)).astype(np.int32)


def color_matrix(img, M) -> np.ndarray:
    """img (uint8, H x W x 3 or 4, or a PIL image) with each RGB vector mapped
    through M (3 x 3, or 3 x 4 with an offset column in 0..255 units)."""
    img = _check.image(img, "color_matrix")
    return _core.image_color_matrix(img, fixed_point_matrix(M))
