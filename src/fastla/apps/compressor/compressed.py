"""CompressedImage: the quantised factors of each plane, and what can be done
with them (decode, save, measure).

Everything it reports is measured on the quantised factors, the very numbers a
saved file holds: to_image() here and after load() give the same pixels."""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

import fastla
from fastla.apps.compressor import colour, metrics
from fastla.apps.compressor.quantise import QuantisedVector

MODES = ("gray", "rgb", "ycbcr")


@dataclass(frozen=True)
class PlaneFactors:
    """One plane as mean + sum_i sigma[i] u_i v_i^T, the vectors quantised."""
    mean: float
    sigma: np.ndarray             # float32, descending
    u: tuple[QuantisedVector, ...]
    v: tuple[QuantisedVector, ...]

    @property
    def rank(self) -> int:
        return len(self.sigma)

    def decode(self, height: int, width: int) -> np.ndarray:
        if self.rank == 0:
            return np.full((height, width), self.mean)
        U = np.stack([q.decode() for q in self.u], axis=1) * self.sigma.astype(np.float64)
        Vt = np.stack([q.decode() for q in self.v], axis=0)
        return fastla.matmul(U, Vt) + self.mean


class CompressedImage:
    """A low-rank image: `mode` ("gray", "rgb" or "ycbcr"), `channels` of the
    decoded image (1, 3 or 4; the alpha plane, if any, is the last plane) and
    one PlaneFactors per plane.

    .ranks      the rank of each plane (Y, Cb, Cr[, A] in ycbcr mode)
    .nbytes     the size of the saved file, in bytes
    .to_image() the decoded uint8 image; .save(path); .psnr(img); .ssim(img)"""

    def __init__(self, height, width, channels, mode, planes, rank=None):
        if mode not in MODES:
            raise ValueError(f"CompressedImage: mode is {mode!r}; expected one of {MODES}")
        self.height, self.width = int(height), int(width)
        self.channels, self.mode = int(channels), mode
        self.planes = tuple(planes)
        self.rank = rank  # the knob it was made with (None after load)
        self._bytes = None
        self._image = None

    @property
    def shape(self):
        hw = (self.height, self.width)
        return hw if self.channels == 1 else hw + (self.channels,)

    @property
    def ranks(self) -> tuple[int, ...]:
        return tuple(p.rank for p in self.planes)

    def to_bytes(self) -> bytes:
        from fastla.apps.compressor import fla_format

        if self._bytes is None:
            self._bytes = fla_format.encode(self)
        return self._bytes

    @property
    def nbytes(self) -> int:
        return len(self.to_bytes())

    def save(self, path) -> int:
        """Writes the .fla file; returns its size in bytes."""
        data = self.to_bytes()
        with open(os.fspath(path), "wb") as f:
            f.write(data)
        return len(data)

    def to_image(self) -> np.ndarray:
        """The decoded image, uint8, of shape .shape."""
        if self._image is None:
            planes = [p.decode(self.height, self.width) for p in self.planes]
            if self.mode == "ycbcr":
                img = np.concatenate([colour.ycbcr_to_rgb(*planes[:3])] +
                                     [q[..., None] for q in planes[3:]], axis=-1)
            elif self.channels == 1:
                img = planes[0]
            else:
                img = np.stack(planes, axis=-1)
            self._image = np.clip(np.rint(img), 0, 255).astype(np.uint8)
        return self._image.copy()

    def reference(self, original) -> np.ndarray:
        """original in this image's layout (its luma for a gray image made from colour)."""
        from fastla.apps.images import as_array

        arr = as_array(original, "original", channels=(1, 3, 4))
        if self.channels == 1 and arr.ndim == 3:
            arr = np.clip(np.rint(colour.luma(arr[..., :3])), 0, 255).astype(np.uint8)
        if arr.shape != self.shape:
            raise ValueError(f"original has shape {arr.shape}; the compressed image has shape {self.shape}")
        return arr

    def psnr(self, original) -> float:
        """Peak signal-to-noise ratio in dB against original (peak 255, all channels)."""
        return metrics.psnr(self.reference(original), self.to_image())

    def ssim(self, original) -> float:
        """SSIM (Gaussian window, sigma 1.5) against original, averaged over channels."""
        return metrics.ssim(self.reference(original), self.to_image())

    def __repr__(self):
        return (f"CompressedImage({self.height}x{self.width}, mode={self.mode!r}, "
                f"ranks={self.ranks}, {self.nbytes:,} bytes)")
