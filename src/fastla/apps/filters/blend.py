"""Blend modes of the W3C Compositing spec, and solid fills and gradients to blend with.

A layer (the source Cs) is blended onto the image (the backdrop Cb) by a blend
function B(Cb, Cs), then laid over it with the layer's opacity a:

    result = a B(Cb, Cs) + (1 - a) Cb

Everything is on uint8 with each product rounded the way Pillow rounds it, so the
results match pilgram (the Python port of CSSgram) exactly (ImageChops
truncates a b / 255; Image.composite rounds it). That rounding is also
what makes the fast path possible: for the separable modes, B and the opacity step
on one channel are functions of two bytes, i.e. a 256 x 256 table; with a solid
colour as the layer they are functions of one byte, a 256-entry lookup table.
The non-separable modes (hue, saturation, color, luminosity) mix the channels and
run per pixel in C (csrc/apps/composite.c).

    blend(img, (127, 187, 227), "overlay", opacity=0.2)
    blend(img, radial_gradient(img.shape, [(166, 177, 255), (52, 33, 52)], [0.5, 1]), "multiply")
"""

from __future__ import annotations

import functools

import numpy as np

SEPARABLE = ("normal", "multiply", "screen", "overlay", "darken", "lighten", "color-dodge", "color-burn",
             "hard-light", "soft-light", "difference", "exclusion")
NON_SEPARABLE = ("hue", "saturation", "color", "luminosity")
MODES = SEPARABLE + NON_SEPARABLE


def _mul(a, b):
    """a b / 255, truncated, as Pillow's ImageChops.multiply."""
    return a * b // 255


def _screen(a, b):
    return 255 - _mul(255 - a, 255 - b)


def _hard_light(b, s):
    """Multiply by 2 Cs where Cs < 1/2, else screen with 2 Cs - 1."""
    return np.where(s < 128, _mul(b, np.clip(2 * s, 0, 255)), _screen(b, np.clip(2 * s - 255, 0, 255)))


def _soft_light_d(b):
    """round(255 (D(Cb) - Cb)) with D from the spec."""
    x = b / 255.0
    d = np.where(x <= 0.25, ((16 * x - 12) * x + 4) * x, np.sqrt(x))
    return np.round((d - x) * 255).astype(np.int64)


def _soft_light(b, s):
    darker = np.clip(b - _mul(np.clip(255 - 2 * s, 0, 255), np.round(b * (1 - b / 255.0)).astype(np.int64)), 0, 255)
    lighter = np.clip(b + _mul(np.clip(2 * s - 255, 0, 255), _soft_light_d(b)), 0, 255)
    return np.where(s <= 128, darker, lighter)


def _color_dodge(b, s):
    """Cb / (1 - Cs) in float32, truncated (Pillow's ImageMath)."""
    inv = (255 - s).astype(np.float32)
    bf = b.astype(np.float32)
    with np.errstate(divide="ignore", invalid="ignore"):
        q = np.where(inv != 0, bf / np.where(inv != 0, inv, 1), np.float32(0)).astype(np.float32)
    v = (((b != 0) & (inv == 0)).astype(np.float32) + q) * np.float32(255)
    return np.clip(np.trunc(v), 0, 255).astype(np.int64)


def _color_burn(b, s):
    """1 - (1 - Cb) / Cs in integers, truncated."""
    q = (255 - b) * 255 // np.where(s > 0, s, 1)
    return np.where(b == 255, 255, np.where(s > 0, np.clip(255 - q, 0, 255), 0))


_SEPARABLE_B = {
    "normal": lambda b, s: s,
    "multiply": _mul,
    "screen": _screen,
    "overlay": lambda b, s: _hard_light(s, b),
    "darken": np.minimum,
    "lighten": np.maximum,
    "color-dodge": _color_dodge,
    "color-burn": _color_burn,
    "hard-light": _hard_light,
    "soft-light": _soft_light,
    "difference": lambda b, s: np.abs(b - s),
    "exclusion": lambda b, s: (_screen(b, s) - _mul(b, s)) & 255,
}


def check_mode(mode: str) -> str:
    if mode not in MODES:
        raise ValueError(f"blend: unknown mode {mode!r}; the modes are {', '.join(MODES)}")
    return mode


def to_alpha(opacity) -> int:
    """The layer opacity in 0..1 as a byte, as pilgram stores a fill's alpha."""
    try:
        opacity = float(opacity)
    except (TypeError, ValueError):
        raise TypeError(f"blend: opacity must be a number in [0, 1], got {opacity!r}") from None
    if not 0.0 <= opacity <= 1.0:  # also rejects NaN
        raise ValueError(f"blend: opacity must be in [0, 1], got {opacity}")
    return int(round(opacity * 255))


def separable(mode: str, backdrop, source, alpha: int = 255) -> np.ndarray:
    """B(Cb, Cs) laid over Cb at alpha (0..255), on integer arrays, as uint8.

    The opacity step is the spec's a B + (1 - a) Cb, each product truncated."""
    b = np.asarray(backdrop, dtype=np.int64)
    s = np.asarray(source, dtype=np.int64)
    out = _SEPARABLE_B[mode](b, s)
    if alpha < 255:
        out = np.minimum(_mul(alpha, out) + _mul(255 - alpha, b), 255)
    return np.asarray(out, dtype=np.uint8)


@functools.lru_cache(maxsize=256)
def mode_lut(mode: str, color: tuple, alpha: int = 255) -> np.ndarray:
    """(3, 256) lookup table: channel c of a blend with the solid colour `color`."""
    ramp = np.arange(256)
    lut = np.stack([separable(mode, ramp, np.full(256, color[c]), alpha) for c in range(3)])
    lut.setflags(write=False)
    return lut


@functools.lru_cache(maxsize=64)
def mode_table(mode: str, alpha: int = 255) -> np.ndarray:
    """(65536,) table: entry 256 Cb + Cs is the blend of one channel."""
    b, s = np.meshgrid(np.arange(256), np.arange(256), indexing="ij")
    table = separable(mode, b, s, alpha).ravel()
    table.setflags(write=False)
    return table


def _program():
    from fastla.apps.filters.program import Program

    return Program


def _shape_of(shape) -> tuple:
    if isinstance(shape, np.ndarray):
        shape = shape.shape
    h, w = int(shape[0]), int(shape[1])
    if h < 0 or w < 0:
        raise ValueError(f"fill: expected a non-negative height and width, got {shape}")
    return h, w


def solid(shape, color) -> np.ndarray:
    """An (H, W, 3) image of one colour; shape may be an image or (H, W, ...)."""
    h, w = _shape_of(shape)
    return np.broadcast_to(np.asarray(_rgb(color), dtype=np.uint8), (h, w, 3)).copy()


def linear_gradient(shape, start, end, horizontal: bool = True) -> np.ndarray:
    """(H, W, 3) gradient from `start` (left or top) to `end` (right or bottom)."""
    h, w = _shape_of(shape)
    Program = _program()
    p = Program(h, w)
    out = p.linear_gradient(_rgb(start), _rgb(end), horizontal)
    return p.run(np.zeros((h, w, 3), np.uint8), out)


def radial_gradient(shape, colors, positions=None, center=(0.5, 0.5)) -> np.ndarray:
    """(H, W, 3) radial gradient: colour stops at fractions of the distance from the
    centre to the farthest corner (evenly spaced if positions is None)."""
    h, w = _shape_of(shape)
    Program = _program()
    p = Program(h, w)
    out = p.radial_gradient([_rgb(c) for c in colors], positions, center)
    return p.run(np.zeros((h, w, 3), np.uint8), out)


def _rgb(color) -> tuple:
    try:
        rgb = tuple(int(v) for v in color)
    except (TypeError, ValueError):
        raise TypeError(f"blend: a colour is three integers 0..255, got {color!r}") from None
    if len(rgb) != 3 or not all(0 <= v <= 255 for v in rgb) or any(float(v) != int(v) for v in color):
        raise ValueError(f"blend: a colour is three integers 0..255, got {color!r}")
    return rgb


def blend(img, source, mode: str = "normal", opacity: float = 1.0) -> np.ndarray:
    """The image with `source` blended on top by `mode` at `opacity` (0..1).

    source is a colour (r, g, b) or an image of the same height and width (RGB,
    or RGBA whose alpha is ignored: say the layer's alpha with opacity). The
    image's own alpha channel is kept."""
    from fastla.apps.images import as_array

    img = as_array(img, "blend")
    check_mode(mode)
    alpha = to_alpha(opacity)
    Program = _program()
    p = Program(img.shape[0], img.shape[1])
    if isinstance(source, np.ndarray) or hasattr(source, "getbands"):
        src = as_array(source, "blend source")
        if src.shape[:2] != img.shape[:2]:
            raise ValueError(f"blend: the source has shape {src.shape}, the image {img.shape}")
        layer = p.second_input()
        out = p.blend(p.input(), layer, mode, alpha)
        return p.run(img, out, src)
    from fastla.apps.filters.program import SolidColor

    out = p.blend(p.input(), SolidColor(_rgb(source)), mode, alpha)
    return p.run(img, out)
