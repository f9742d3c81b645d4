"""The SVD image compressor: an image as a few rank-one layers per colour plane.

    from fastla.apps.compressor import compress, load
    c = compress(img, rank=50)               # or target_psnr=32, or energy=0.99
    c.save("photo.fla"); c.nbytes; c.ranks; c.psnr(img); c.ssim(img)
    load("photo.fla").to_image()             # uint8, as the file decodes

Modules: compress (rank choice and factorisation), colour (YCbCr), quantise
(the factors as small integers), fla_format (the file), metrics (PSNR, SSIM),
report (the comparison with JPEG, and charts). See docs/compressor.md."""

from fastla.apps.compressor.compress import compress
from fastla.apps.compressor.compressed import CompressedImage
from fastla.apps.compressor.fla_format import load

__all__ = ["compress", "load", "CompressedImage"]
