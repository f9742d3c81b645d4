"""Photo filters on uint8 images (H, W, 3 or 4, or PIL images; alpha kept), as
linear algebra:

    color_matrix(img, M)          every pixel's RGB vector times a 3 x 3 (or 3 x 4) matrix
    convolve(img, K)              a sliding dot product with an odd-sized kernel
    gaussian_blur, box_blur, sharpen, sobel, emboss   kernels by name
    transform(img, A)             a 2 x 3 affine map with bilinear interpolation
    rotate, scale, shear          affine maps by name
    css                           the CSS filter functions as colour matrices, fused or step by step
    blend                         the W3C blend modes, solid fills, linear and radial gradients
    presets                       the 26 CSSgram looks: apply(img, name), PRESETS, contact_sheet

Colour matrices, convolutions and warps round like OpenCV (cv2.transform,
cv2.filter2D, cv2.warpAffine); the CSS functions, blends and presets like
pilgram (Pillow)."""

from fastla.apps.filters.blend import MODES, blend, linear_gradient, radial_gradient, solid
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
from fastla.apps.filters.css import (brightness, contrast, fused_matrix, grayscale, hue_rotate, invert, opacity,
                                     saturate, sepia)
from fastla.apps.filters.css import apply as css_filter
from fastla.apps.filters.geometry import rotate, rotation_matrix, scale, shear, transform
from fastla.apps.filters.presets import PRESETS, apply
from fastla.apps.filters.sheet import contact_sheet

__all__ = [
    "color_matrix", "convolve", "convolve_separable", "gaussian_blur", "gaussian_kernel", "box_blur", "sharpen",
    "sobel", "emboss", "transform", "rotate", "rotation_matrix", "scale", "shear",
    "MODES", "PRESETS", "apply", "blend", "brightness", "contact_sheet", "contrast", "css_filter", "fused_matrix",
    "grayscale", "hue_rotate", "invert", "linear_gradient", "opacity", "radial_gradient", "saturate", "sepia",
    "solid",
]
