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
    """(H, W, 3) RGB, any real dtype -> three float32 planes Y, Cb, Cr (channel
    by channel: a (H, W, 3) @ (3, 3) product would run as millions of tiny ones)."""
    r, g, b = (np.asarray(rgb[..., c], dtype=np.float32) for c in range(3))
    return [np.ascontiguousarray(TO_YCBCR[i, 0].astype(np.float32) * r + TO_YCBCR[i, 1].astype(np.float32) * g
                                 + TO_YCBCR[i, 2].astype(np.float32) * b + np.float32(OFFSET[i]))
            for i in range(3)]


def ycbcr_to_rgb(y, cb, cr):
    """Three planes -> (H, W, 3) float64 RGB (not clipped)."""
    stack = np.stack([y, cb, cr], axis=-1) - OFFSET
    return stack @ TO_RGB.T


def luma(rgb):
    """The Y plane of an RGB image (float32), for the gray mode."""
    r, g, b = (np.asarray(rgb[..., c], dtype=np.float32) for c in range(3))
    return TO_YCBCR[0, 0].astype(np.float32) * r + TO_YCBCR[0, 1].astype(np.float32) * g \
        + TO_YCBCR[0, 2].astype(np.float32) * b
