"""The 26 CSSgram looks (under pilgram's names), each a short program of stages.

A look is a recipe of CSS filter functions and blends with solid colours or
gradients, e.g. clarendon = overlay with (127, 187, 227) at 20 %, then
contrast(1.2), then saturate(1.35). Written with a `Program` (program.py), the
recipe compiles to a few stages -- here one lookup table (the overlay and the
contrast together) and one colour matrix -- that csrc/apps/composite.c runs in
one pass. Every step rounds like pilgram's Pillow calls, so the output matches
pilgram's to a level or so (see tests/test_apps_presets.py).

    apply(img, "clarendon")     # uint8 (H, W, 3 or 4) in and out, alpha kept
    PRESETS                     # the names
"""

from __future__ import annotations

import functools

import numpy as np

from fastla import _core
from fastla.apps.filters.css import compile_steps
from fastla.apps.filters.program import Program, SolidColor


def _solid(r, g, b, a=None):
    """A colour layer, with pilgram's fill alpha (a fraction) as a byte."""
    return SolidColor((r, g, b)), (255 if a is None else int(round(a * 255)))


def _blend(p, backdrop, layer, mode):
    source, alpha = layer if isinstance(layer, tuple) else (layer, 255)
    return p.blend(backdrop, source, mode, alpha)


def _css(p, v, steps):
    return compile_steps(p, v, steps)[0]


def _1977(p, cb):
    cr = _blend(p, cb, _solid(243, 106, 188, 0.3), "screen")
    return _css(p, cr, [("contrast", 1.1), ("brightness", 1.1), ("saturate", 1.3)])


def _aden(p, cb):
    cs = _blend(p, cb, _solid(66, 10, 14), "darken")
    cr = p.composite(cs, cb, p.linear_mask(start=0.8))
    return _css(p, cr, [("hue-rotate", -20), ("contrast", 0.9), ("saturate", 0.85), ("brightness", 1.2)])


def _brannan(p, cb):
    cr = _blend(p, cb, _solid(161, 44, 199, 0.31), "lighten")
    return _css(p, cr, [("sepia", 0.5), ("contrast", 1.4)])


def _brooklyn(p, cb):
    cm1 = _blend(p, cb, _solid(168, 223, 193, 0.4), "overlay")
    cm2 = _blend(p, cb, _solid(196, 183, 200), "overlay")
    cr = p.composite(cm1, cm2, p.radial_mask(length=0.7))
    return _css(p, cr, [("contrast", 0.9), ("brightness", 1.1)])


def _clarendon(p, cb):
    cr = _blend(p, cb, _solid(127, 187, 227, 0.2), "overlay")
    return _css(p, cr, [("contrast", 1.2), ("saturate", 1.35)])


def _earlybird(p, cb):
    cs = p.radial_gradient([(208, 186, 142), (54, 3, 9), (29, 2, 16)], [0.2, 0.85, 1])
    cr = _blend(p, cb, cs, "overlay")
    return _css(p, cr, [("contrast", 0.9), ("sepia", 0.2)])


def _gingham(p, cb):
    cr = _blend(p, cb, _solid(230, 230, 250), "soft-light")
    return _css(p, cr, [("brightness", 1.05), ("hue-rotate", -10)])


def _hudson(p, cb):
    cs = _blend(p, cb, p.radial_gradient([(166, 177, 255), (52, 33, 52)], [0.5, 1]), "multiply")
    cr = p.mix(cb, cs, 0.5)
    return _css(p, cr, [("brightness", 1.2), ("contrast", 0.9), ("saturate", 1.1)])


def _inkwell(p, cb):
    return _css(p, cb, [("sepia", 0.3), ("contrast", 1.1), ("brightness", 1.1), ("grayscale", 1)])


def _kelvin(p, cb):
    cs = _blend(p, cb, _solid(56, 44, 52), "color-dodge")
    return _blend(p, cs, _solid(183, 125, 33), "overlay")


def _lark(p, cb):
    cm1 = _blend(p, cb, _solid(34, 37, 63), "color-dodge")
    cr = _blend(p, cm1, _solid(242, 242, 242, 0.8), "darken")
    return _css(p, cr, [("contrast", 0.9)])


def _lofi(p, cb):
    cs = _blend(p, cb, _solid(34, 34, 34), "multiply")
    cr = p.composite(cb, cs, p.radial_mask(length=0.7, scale=1.5))
    return _css(p, cr, [("saturate", 1.1), ("contrast", 1.5)])


def _maven(p, cb):
    cr = _blend(p, cb, _solid(3, 230, 26, 0.2), "hue")
    return _css(p, cr, [("sepia", 0.25), ("brightness", 0.95), ("contrast", 0.95), ("saturate", 1.5)])


def _mayfair(p, cb):
    pos = (0.4, 0.4)
    cm1 = _blend(p, cb, _solid(255, 255, 255, 0.8), "overlay")
    cm2 = _blend(p, cb, _solid(255, 200, 200, 0.6), "overlay")
    cm3 = _blend(p, cb, _solid(17, 17, 17), "overlay")
    cs = p.composite(cm1, cm2, p.radial_mask(scale=0.3, center=pos))
    cs = p.composite(cs, cm3, p.radial_mask(length=0.3, scale=0.6, center=pos))
    cr = p.mix(cb, cs, 0.4)
    return _css(p, cr, [("contrast", 1.1), ("saturate", 1.1)])


def _moon(p, cb):
    cs = _blend(p, cb, _solid(160, 160, 160), "soft-light")
    cr = _blend(p, cs, _solid(56, 56, 56), "lighten")
    return _css(p, cr, [("grayscale", 1), ("contrast", 1.1), ("brightness", 1.1)])


def _nashville(p, cb):
    cm1 = _blend(p, cb, _solid(247, 176, 153, 0.56), "darken")
    cr = _blend(p, cm1, _solid(0, 70, 150, 0.4), "lighten")
    return _css(p, cr, [("sepia", 0.2), ("contrast", 1.2), ("brightness", 1.05), ("saturate", 1.2)])


def _perpetua(p, cb):
    cs = _blend(p, cb, p.linear_gradient((0, 91, 154), (230, 193, 61), horizontal=False), "soft-light")
    return p.mix(cb, cs, 0.5)


def _reyes(p, cb):
    cs = _blend(p, cb, _solid(239, 205, 173), "soft-light")
    cr = p.mix(cb, cs, 0.5)
    return _css(p, cr, [("sepia", 0.22), ("brightness", 1.1), ("contrast", 0.85), ("saturate", 0.75)])


def _rise(p, cb):
    cm1 = _blend(p, cb, _solid(236, 205, 169, 0.15), "multiply")
    cm2 = _blend(p, cb, _solid(50, 30, 7, 0.4), "multiply")
    cm = p.composite(cm1, cm2, p.radial_mask(length=0.55))
    cm3 = _blend(p, cm, _solid(232, 197, 152, 0.8), "overlay")
    cm_ = p.composite(cm3, cm, p.radial_mask(scale=0.9))
    cr = p.mix(cm, cm_, 0.6)
    return _css(p, cr, [("brightness", 1.05), ("sepia", 0.2), ("contrast", 0.9), ("saturate", 0.9)])


def _slumber(p, cb):
    cm = _blend(p, cb, _solid(69, 41, 12, 0.4), "lighten")
    cr = _blend(p, cm, _solid(125, 105, 24, 0.5), "soft-light")
    return _css(p, cr, [("saturate", 0.66), ("brightness", 1.05)])


def _stinson(p, cb):
    cr = _blend(p, cb, _solid(240, 149, 128, 0.2), "soft-light")
    return _css(p, cr, [("contrast", 0.75), ("saturate", 0.85), ("brightness", 1.15)])


def _toaster(p, cb):
    cs = p.radial_gradient([(128, 78, 15), (59, 0, 59)])
    cr = _blend(p, cb, cs, "screen")
    return _css(p, cr, [("contrast", 1.5), ("brightness", 0.9)])


def _valencia(p, cb):
    cs = _blend(p, cb, _solid(58, 3, 57), "exclusion")
    cr = p.mix(cb, cs, 0.5)
    return _css(p, cr, [("contrast", 1.08), ("brightness", 1.08), ("sepia", 0.08)])


def _walden(p, cb):
    cs = _blend(p, cb, _solid(0, 68, 204), "screen")
    cr = p.mix(cb, cs, 0.3)
    return _css(p, cr, [("brightness", 1.1), ("hue-rotate", -10), ("sepia", 0.3), ("saturate", 1.6)])


def _willow(p, cb):
    cs1 = p.radial_gradient([(212, 169, 175), (0, 0, 0)], [0.55, 1.5])
    cm1 = _blend(p, cb, cs1, "overlay")
    cr = _blend(p, cm1, _solid(216, 205, 203), "color")
    return _css(p, cr, [("grayscale", 0.5), ("contrast", 0.95), ("brightness", 0.9)])


def _xpro2(p, cb):
    cs1 = p.solid((230, 231, 224))
    cs2 = p.mix(cb, p.solid((43, 42, 161)), 0.6)
    mask = p.radial_mask(length=0.4, scale=1.1)
    cs = p.composite(cs1, cs2, mask)
    cm1 = _blend(p, cb, cs, "color-burn")
    cm2 = p.mix(cb, cm1, 0.6)
    cr = p.composite(cm1, cm2, mask)
    return _css(p, cr, [("sepia", 0.3)])


_RECIPES = {
    "1977": _1977, "aden": _aden, "brannan": _brannan, "brooklyn": _brooklyn, "clarendon": _clarendon,
    "earlybird": _earlybird, "gingham": _gingham, "hudson": _hudson, "inkwell": _inkwell, "kelvin": _kelvin,
    "lark": _lark, "lofi": _lofi, "maven": _maven, "mayfair": _mayfair, "moon": _moon, "nashville": _nashville,
    "perpetua": _perpetua, "reyes": _reyes, "rise": _rise, "slumber": _slumber, "stinson": _stinson,
    "toaster": _toaster, "valencia": _valencia, "walden": _walden, "willow": _willow, "xpro2": _xpro2,
}
PRESETS = tuple(_RECIPES)


def check_name(name) -> str:
    key = str(name).lower().lstrip("_")
    if key not in _RECIPES:
        raise ValueError(f"unknown preset {name!r}; the presets are {', '.join(PRESETS)}")
    return key


def program(name: str, h: int, w: int) -> tuple[Program, object]:
    """The compiled program of a preset for an h x w image, and its output value."""
    p = Program(h, w)
    return p, _RECIPES[check_name(name)](p, p.input())


def describe(name: str, h: int = 2, w: int = 2) -> list[str]:
    """The stages a preset compiles to, one line each (for learners and docs)."""
    from fastla.apps.filters.program import OP_NAMES

    p, out = program(name, h, w)
    p.bytes_of(out)
    return [OP_NAMES[op[0]] for op in p.ops]


@functools.lru_cache(maxsize=32)
def _compiled(key: str, h: int, w: int) -> tuple[tuple, int]:
    """A preset's stages for an h x w image, compiled once per size: a batch of
    photos of one size skips the compiling (up to a millisecond, for the masks)."""
    p, out = program(key, h, w)
    return p.compile(out)


def apply(img, name: str) -> np.ndarray:
    """The image in the look `name` (one of PRESETS), as a new uint8 array."""
    from fastla.apps.images import as_array

    key = check_name(name)
    img = as_array(img, f"preset {key}")
    ops, reg = _compiled(key, img.shape[0], img.shape[1])
    return _core.px_run(img, None, ops, reg)
