"""Geometry: an affine map moves pixel positions, p' = A[:, :2] p + A[:, 2]
(rotation, scaling, shear and translation are all 2 x 3 matrices).

`transform` fills each output pixel from the input point the inverse map sends
it to, blending the four neighbouring pixels bilinearly and rounding to nearest, as
cv2.warpAffine does (OpenCV 5); points outside the input read as black, OpenCV's
default constant border. All channels move, alpha included."""

from __future__ import annotations

import math

import numpy as np

from fastla import _core
from fastla.apps.filters import _check


def inverse_affine(A) -> np.ndarray:
    """The 2 x 3 matrix of the inverse map (like cv2.invertAffineTransform)."""
    A = _check.finite_matrix(A, "transform", "the matrix")
    if A.shape != (2, 3):
        raise ValueError(f"transform: the matrix has shape {A.shape}; expected (2, 3)")
    det = A[0, 0] * A[1, 1] - A[0, 1] * A[1, 0]
    if det == 0 or not np.isfinite(1.0 / det):
        raise ValueError("transform: the matrix's 2 x 2 part is singular (no inverse map)")
    d = 1.0 / det
    a11, a22, a12, a21 = A[1, 1] * d, A[0, 0] * d, -A[0, 1] * d, -A[1, 0] * d
    b1 = -a11 * A[0, 2] - a12 * A[1, 2]
    b2 = -a21 * A[0, 2] - a22 * A[1, 2]
    return np.array([[a11, a12, b1], [a21, a22, b2]])


def transform(img, A, shape=None) -> np.ndarray:
    """img moved by the affine map A (2 x 3, input to output pixel coordinates,
    x right and y down), into an image of `shape` (H, W) (default: the input's)."""
    img = _check.image(img, "transform", channels=(1, 3, 4))
    inv = inverse_affine(A)
    h, w = img.shape[:2] if shape is None else _shape(shape)
    if np.abs(inv).max() > 1e8:
        raise ValueError("transform: the matrix is too close to singular (inverse entries beyond 1e8)")
    return _core.image_warp_affine(img, inv, h, w)


def rotation_matrix(degrees: float, center, scale: float = 1.0) -> np.ndarray:
    """Rotation by `degrees` counter-clockwise on screen about center (x, y), then
    scaling by `scale` (cv2.getRotationMatrix2D's matrix)."""
    t = math.radians(_check.finite_number(degrees, "rotate", "degrees"))
    s = _check.finite_number(scale, "rotate", "scale")
    cx, cy = (float(v) for v in center)
    a, b = s * math.cos(t), s * math.sin(t)
    return np.array([[a, b, (1 - a) * cx - b * cy], [-b, a, b * cx + (1 - a) * cy]])


def rotate(img, degrees: float, center=None, scale: float = 1.0) -> np.ndarray:
    """img turned by `degrees` counter-clockwise about `center` (default: the
    middle of the image), same size; corners that come from outside are black."""
    img = _check.image(img, "rotate", channels=(1, 3, 4))
    h, w = img.shape[:2]
    if center is None:
        center = ((w - 1) / 2, (h - 1) / 2)
    return transform(img, rotation_matrix(degrees, center, scale))


def scale(img, fx: float, fy: float | None = None) -> np.ndarray:
    """img resized by fx horizontally and fy (default fx) vertically, pixel
    centres aligned as in cv2.resize."""
    img = _check.image(img, "scale", channels=(1, 3, 4))
    fx = _check.finite_number(fx, "scale", "fx", positive=True)
    fy = fx if fy is None else _check.finite_number(fy, "scale", "fy", positive=True)
    h, w = img.shape[:2]
    shape = (max(1, int(round(h * fy))), max(1, int(round(w * fx))))
    A = np.array([[fx, 0, (fx - 1) / 2], [0, fy, (fy - 1) / 2]])
    return transform(img, A, shape)


def shear(img, sx: float = 0.0, sy: float = 0.0) -> np.ndarray:
    """img sheared about its centre: x' = x + sx y, y' = y + sy x."""
    img = _check.image(img, "shear", channels=(1, 3, 4))
    sx = _check.finite_number(sx, "shear", "sx")
    sy = _check.finite_number(sy, "shear", "sy")
    h, w = img.shape[:2]
    cx, cy = (w - 1) / 2, (h - 1) / 2
    A = np.array([[1.0, sx, -sx * cy], [sy, 1.0, -sy * cx]])
    return transform(img, A)


def _shape(shape):
    try:
        h, w = (int(v) for v in shape)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"transform: shape must be (height, width), got {shape!r}") from exc
    if h < 1 or w < 1:
        raise ValueError(f"transform: shape must be positive, got {shape!r}")
    return h, w
