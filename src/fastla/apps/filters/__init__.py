"""Photo filters on uint8 images (H, W, 3 or 4, or PIL images), as linear algebra:

    color_matrix(img, M)          every pixel's RGB vector times a 3 x 3 (or 3 x 4) matrix
    convolve(img, K)              a sliding dot product with an odd-sized kernel
    gaussian_blur, box_blur, sharpen, sobel, emboss   kernels by name
    transform(img, A)             a 2 x 3 affine map with bilinear interpolation
    rotate, scale, shear          affine maps by name

Rounding and borders follow OpenCV (cv2.transform, cv2.filter2D, cv2.warpAffine)."""

from fastla.apps.filters.color import color_matrix
from fastla.apps.filters.convolution import (
    box_blur,
    convolve,
    convolve_separable,
    emboss,
    gaussian_blur,
    gaussian_kernel,
    sharpen,
    sobel,
)
from fastla.apps.filters.geometry import rotate, rotation_matrix, scale, shear, transform

__all__ = [
    "color_matrix",
    "convolve",
    "convolve_separable",
    "gaussian_blur",
    "gaussian_kernel",
    "box_blur",
    "sharpen",
    "sobel",
    "emboss",
    "transform",
    "rotate",
    "rotation_matrix",
    "scale",
    "shear",
]
