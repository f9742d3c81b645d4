"""RGB <-> YCbCr (ITU-R BT.601, full range, as JPEG uses), on float planes.

Luma Y carries the detail the eye sees; the two chroma planes Cb and Cr are
smooth on photos, so their singular values fall fast and few ranks suffice.
Centred at 128 like JPEG, so a grey image has flat chroma."""

import numpy as np

# Y, Cb, Cr from R, G, B (rows) and back
TO_YCBCR = np.array([[0.299, 0.587, 0.114],
                     [-0.168735892, -0.331264108, 0.5],
                     [0.5, -0.418687589, -0.081312411]])
TO_RGB = np.linalg.inv(TO_YCBCR)
OFFSET = np.array([0.0, 128.0, 128.0])

# How much an error of 1 in Y, Cb or Cr costs in the sum of squared RGB errors:
# the squared length of each column of TO_RGB (errors in different planes are
# taken as uncorrelated). The rank allocation weighs singular values by these.
RGB_ERROR_WEIGHT = (TO_RGB ** 2).sum(axis=0)


def rgb_to_ycbcr(rgb):
    """(H, W, 3) RGB, any real dtype -> three float64 planes Y, Cb, Cr."""
    x = np.asarray(rgb, dtype=np.float64)
    out = x @ TO_YCBCR.T + OFFSET
    return [np.ascontiguousarray(out[..., c]) for c in range(3)]


def ycbcr_to_rgb(y, cb, cr):
    """Three planes -> (H, W, 3) float64 RGB (not clipped)."""
    stack = np.stack([y, cb, cr], axis=-1) - OFFSET
    return stack @ TO_RGB.T


def luma(rgb):
    """The Y plane of an RGB image (float64), for the gray mode."""
    return rgb_to_ycbcr(rgb)[0]
