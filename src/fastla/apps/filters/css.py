"""The CSS filter functions (W3C Filter Effects): every one is a colour matrix.

On a colour (R, G, B) in 0..255, each function is an affine map x -> M x + t,
written here as a 3 x 4 matrix [M | t]:

    grayscale(a)   the luma matrix (0.2126, 0.7152, 0.0722) mixed with the identity
    sepia(a)       the sepia matrix mixed with the identity
    saturate(s)    (0.213, 0.715, 0.072) luma weights, s = 0 grey, 1 unchanged
    hue-rotate(d)  a rotation about the grey axis by d degrees
    invert(a)      (1 - 2a) x + 255 a
    brightness(a)  a x
    contrast(a)    a x + 127.5 (1 - a)
    opacity(a)     multiplies the alpha channel (the identity on colour)

A chain of them is a product of matrices (in homogeneous 4 x 4 form), so any
pipeline can be FUSED into one 3 x 4 matrix and run as one matrix-vector product
per pixel: `fused_matrix("contrast(1.1) brightness(1.1) saturate(1.3)")`.

A browser does not quite do that: it clamps (and, in 8 bits, rounds) after every
step. `apply(img, steps, exact=True)` does the same, as pilgram does: per-channel
steps round like `round(x * a)` and cross-channel steps like Pillow's
`Image.convert("RGB", matrix)`. The fused result can differ from it by a few
levels where a step clamps. Both run in one pass in C (see program.py)."""

from __future__ import annotations

import math
import re

import numpy as np

FUNCTIONS = ("grayscale", "sepia", "saturate", "hue-rotate", "invert", "brightness", "contrast", "opacity")
PER_CHANNEL = ("invert", "brightness", "contrast")
CROSS_CHANNEL = ("grayscale", "sepia", "saturate", "hue-rotate")

_STEP = re.compile(r"\s*([a-z-]+)\(\s*([-+0-9.eE]+)\s*([a-z%]*)\s*\)\s*")
_UNITS = ("", "%", "deg", "turn", "rad")


def _amount(name: str, amount) -> float:
    try:
        a = float(amount)
    except (TypeError, ValueError):
        raise TypeError(f"css filter {name}: the amount must be a number, got {amount!r}") from None
    if not math.isfinite(a):
        raise ValueError(f"css filter {name}: the amount must be finite, got {a}")
    if name != "hue-rotate" and a < 0:
        raise ValueError(f"css filter {name}: the amount must be >= 0, got {a}")
    return a


def parse(steps) -> list[tuple[str, float]]:
    """[(name, amount)] from a CSS string ("sepia(0.5) hue-rotate(-20deg)") or pairs."""
    if isinstance(steps, str):
        pairs, pos, text = [], 0, steps.strip()
        while pos < len(text):
            m = _STEP.match(text, pos)
            if not m:
                raise ValueError(f"css filter: cannot read {text[pos:]!r}; expected e.g. 'contrast(1.2) sepia(50%)'")
            name, unit = m.group(1), m.group(3)
            if name not in FUNCTIONS:
                raise ValueError(f"css filter: unknown function {name!r}; the functions are {', '.join(FUNCTIONS)}")
            if unit not in _UNITS:
                raise ValueError(f"css filter: unknown unit {unit!r} in {m.group(0).strip()!r}")
            try:
                number = float(m.group(2))
            except ValueError:
                raise ValueError(f"css filter: {m.group(2)!r} is not a number") from None
            if unit == "%":
                number /= 100
            elif unit == "turn":
                number *= 360
            elif unit == "rad":
                number = math.degrees(number)
            pairs.append((name, number))
            pos = m.end()
        steps = pairs
    out = []
    for step in steps:
        if not (isinstance(step, (tuple, list)) and len(step) == 2):
            raise TypeError(f"css filter: a step is (name, amount), got {step!r}")
        name = str(step[0]).replace("_", "-")
        if name not in FUNCTIONS:
            raise ValueError(f"css filter: unknown function {step[0]!r}; the functions are {', '.join(FUNCTIONS)}")
        out.append((name, _amount(name, step[1])))
    return out


def matrix(name: str, amount: float) -> np.ndarray:
    """The 3 x 4 matrix [M | t] of one CSS filter function (t in 0..255 units).

    The coefficients are computed exactly as pilgram computes them, so that the
    float32 matrix Pillow receives is the same."""
    a = _amount(name, amount)
    if name == "grayscale":
        g = 1 - min(a, 1)
        m = [[0.2126 + 0.7874 * g, 0.7152 - 0.7152 * g, 0.0722 - 0.0722 * g],
             [0.2126 - 0.2126 * g, 0.7152 + 0.2848 * g, 0.0722 - 0.0722 * g],
             [0.2126 - 0.2126 * g, 0.7152 - 0.7152 * g, 0.0722 + 0.9278 * g]]
    elif name == "sepia":
        s = 1 - min(a, 1)
        m = [[0.393 + 0.607 * s, 0.769 - 0.769 * s, 0.189 - 0.189 * s],
             [0.349 - 0.349 * s, 0.686 + 0.314 * s, 0.168 - 0.168 * s],
             [0.272 - 0.272 * s, 0.534 - 0.534 * s, 0.131 + 0.869 * s]]
    elif name == "saturate":
        m = [[0.213 + 0.787 * a, 0.715 - 0.715 * a, 0.072 - 0.072 * a],
             [0.213 - 0.213 * a, 0.715 + 0.285 * a, 0.072 - 0.072 * a],
             [0.213 - 0.213 * a, 0.715 - 0.715 * a, 0.072 + 0.928 * a]]
    elif name == "hue-rotate":
        c, s = math.cos(math.radians(a)), math.sin(math.radians(a))
        m = [[0.213 + c * 0.787 - s * 0.213, 0.715 - c * 0.715 - s * 0.715, 0.072 - c * 0.072 + s * 0.928],
             [0.213 - c * 0.213 + s * 0.143, 0.715 + c * 0.285 + s * 0.140, 0.072 - c * 0.072 - s * 0.283],
             [0.213 - c * 0.213 - s * 0.787, 0.715 - c * 0.715 + s * 0.715, 0.072 + c * 0.928 + s * 0.072]]
    elif name == "invert":
        a = min(a, 1)
        return np.hstack([np.eye(3) * (1 - 2 * a), np.full((3, 1), 255 * a)])
    elif name == "brightness":
        return np.hstack([np.eye(3) * a, np.zeros((3, 1))])
    elif name == "contrast":
        return np.hstack([np.eye(3) * a, np.full((3, 1), 127.5 * (1 - a))])
    elif name == "opacity":
        return np.hstack([np.eye(3), np.zeros((3, 1))])
    else:
        raise ValueError(f"css filter: unknown function {name!r}; the functions are {', '.join(FUNCTIONS)}")
    return np.hstack([np.array(m), np.zeros((3, 1))])


def step_lut(name: str, amount: float) -> np.ndarray:
    """(256,) table of a per-channel step, rounded half to even like pilgram's
    `im.point(lambda x: round(...))`, clamped to 0..255."""
    a = _amount(name, amount)
    x = np.arange(256, dtype=np.float64)
    if name == "brightness":
        v = x * a
    elif name == "contrast":
        v = x * a + -127.5 * a + 127.5
    elif name == "invert":
        a = min(a, 1)
        v = (255 - x) * a + x * (1 - a)
    else:
        raise ValueError(f"css filter: {name} is not a per-channel function")
    return np.clip(np.round(v), 0, 255).astype(np.uint8)


def fused_matrix(steps) -> np.ndarray:
    """The 3 x 4 matrix of a whole pipeline: the product of its steps' matrices.

    With H(m) = [[M, t], [0, 1]] (4 x 4), a pipeline f1 then f2 ... is
    H(fn) ... H(f2) H(f1); its top three rows are the fused [M | t]."""
    total = np.eye(4)
    for name, amount in parse(steps):
        h = np.vstack([matrix(name, amount), [0, 0, 0, 1]])
        total = h @ total
    return total[:3]


def compile_steps(program, value, steps, exact: bool = True):
    """Adds the colour steps to a Program; returns (value, opacity product)."""
    steps = parse(steps)
    opacity = 1.0
    for name, amount in steps:
        if name == "opacity":
            opacity *= min(amount, 1.0)
    colour = [(n, a) for n, a in steps if n != "opacity"]
    if not exact:
        if colour:
            value = program.matrix(value, fused_matrix(colour))
        return value, opacity
    for name, amount in colour:
        if name in PER_CHANNEL:
            value = program.lut(value, step_lut(name, amount))
        else:
            value = program.matrix(value, matrix(name, amount))
    return value, opacity


def apply(img, steps, exact: bool = True) -> np.ndarray:
    """The image through a CSS filter pipeline (a string or (name, amount) pairs).

    exact=True clamps and rounds after each step like a browser and pilgram;
    exact=False runs the fused matrix once. opacity scales the alpha channel
    (an RGB image gains one when opacity < 1)."""
    from fastla.apps.filters.program import Program
    from fastla.apps.images import as_array

    img = as_array(img, "css filter")
    p = Program(img.shape[0], img.shape[1])
    value, opacity = compile_steps(p, p.input(), steps, exact)
    out = p.run(img, value)
    if opacity < 1.0:
        if out.shape[2] == 3:
            out = np.dstack([out, np.full(out.shape[:2], 255, np.uint8)])
        out[..., 3] = np.round(out[..., 3] * opacity).astype(np.uint8)
    return out


def grayscale(img, amount: float = 1.0) -> np.ndarray:
    return apply(img, [("grayscale", amount)])


def sepia(img, amount: float = 1.0) -> np.ndarray:
    return apply(img, [("sepia", amount)])


def saturate(img, amount: float = 1.0) -> np.ndarray:
    return apply(img, [("saturate", amount)])


def hue_rotate(img, degrees: float = 0.0) -> np.ndarray:
    return apply(img, [("hue-rotate", degrees)])


def invert(img, amount: float = 1.0) -> np.ndarray:
    return apply(img, [("invert", amount)])


def brightness(img, amount: float = 1.0) -> np.ndarray:
    return apply(img, [("brightness", amount)])


def contrast(img, amount: float = 1.0) -> np.ndarray:
    return apply(img, [("contrast", amount)])


def opacity(img, amount: float = 1.0) -> np.ndarray:
    return apply(img, [("opacity", amount)])
