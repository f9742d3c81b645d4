"""Photo filters on uint8 images (H, W, 3 or 4; alpha kept; PIL images accepted).

    css          the CSS filter functions as colour matrices, fused or step by step
    blend        the W3C blend modes, solid fills, linear and radial gradients
    presets      the 26 CSSgram looks: apply(img, name), PRESETS, contact_sheet
"""

from fastla.apps.filters.blend import MODES, blend, linear_gradient, radial_gradient, solid
from fastla.apps.filters.css import (brightness, contrast, fused_matrix, grayscale, hue_rotate, invert, opacity,
                                     saturate, sepia)
from fastla.apps.filters.css import apply as css_filter
from fastla.apps.filters.presets import PRESETS, apply
from fastla.apps.filters.sheet import contact_sheet

__all__ = [
    "MODES", "PRESETS", "apply", "blend", "brightness", "contact_sheet", "contrast", "css_filter", "fused_matrix",
    "grayscale", "hue_rotate", "invert", "linear_gradient", "opacity", "radial_gradient", "saturate", "sepia",
    "solid",
]
