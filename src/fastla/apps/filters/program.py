"""A filter look compiled into a short program of stages, run in one pass in C.

Each step of a look is one of three kinds:

- per channel (brightness, contrast, invert, a blend with a solid colour): a
  256-entry lookup table per channel. Consecutive ones compose into ONE table,
  exactly, rounding included: lut2[lut1[x]] is what two rounded steps give.
- cross channel (saturate, sepia, hue-rotate, grayscale): a 3 x 4 colour matrix,
  rounded the way Pillow rounds `Image.convert(mode, matrix)`.
- per pixel (masks, gradients, composites, blends with an image): a stage that
  reads the pixel's position or a second register.

`Program` builds such a program lazily: a value carries its pending lookup
table, and a table is only written out (one stage) when a cross-channel or
per-pixel stage needs the bytes. `run` hands the stages to csrc/apps/composite.c,
which goes over the image once, a block of pixels at a time."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fastla import _core
from fastla.apps.filters.blend import SEPARABLE, mode_lut, mode_table

(OP_LUT, OP_MATRIX, OP_FILL, OP_RADIAL, OP_LINEAR, OP_COMPOSITE, OP_MIX, OP_TABLE2, OP_NONSEP,
 OP_MASK_LUT) = range(10)
OP_NAMES = ("lookup table", "colour matrix", "solid fill", "radial mask", "linear mask", "composite",
            "mix", "two-image table", "non-separable blend", "mask lookup table")
ARITHMETIC_CODES = {"multiply": 1, "screen": 2, "overlay": 3, "hard-light": 4}  # computed in C, not looked up
NONSEP_CODES = {"hue": 0, "saturation": 1, "color": 2, "luminosity": 3}
REGISTERS, MASKS = 16, 4
IDENTITY_LUT = np.tile(np.arange(256, dtype=np.uint8), (3, 1))


@dataclass(frozen=True)
class Value:
    """A colour register and the lookup table still to apply to it (or None);
    or, with reg -1, one colour everywhere (not written out until needed)."""

    reg: int
    lut: np.ndarray | None = None
    color: tuple | None = None


@dataclass(frozen=True)
class Mask:
    reg: int


class Program:
    """Stages for an image of h x w pixels (masks depend on the size)."""

    def __init__(self, h: int, w: int):
        self.h, self.w = int(h), int(w)
        self.ops: list[tuple] = []
        self._next_reg, self._next_mask = 2, 0

    # ---- registers ----------------------------------------------------------

    def input(self) -> Value:
        return Value(0)

    def second_input(self) -> Value:
        return Value(1)

    def _reg(self) -> int:
        if self._next_reg >= REGISTERS:
            raise ValueError(f"filters: a program needs more than {REGISTERS} colour registers")
        self._next_reg += 1
        return self._next_reg - 1

    def _emit(self, op, dst=0, a=0, b=0, mask=0, mode=0, alpha=255, m=(), g=(), lut=None, lut2=None, color=()):
        self.ops.append((op, dst, a, b, mask, mode, alpha, tuple(m), tuple(g), lut, lut2, tuple(color)))

    def bytes_of(self, v: Value) -> int:
        """The register holding v's bytes (writing out its pending table or colour)."""
        if v.color is not None:
            dst = self._reg()
            self._emit(OP_FILL, dst, color=v.color)
            return dst
        if v.lut is None:
            return v.reg
        dst = self._reg()
        self._emit(OP_LUT, dst, v.reg, lut=np.ascontiguousarray(v.lut, dtype=np.uint8))
        return dst

    # ---- per channel and cross channel ---------------------------------------

    def lut(self, v: Value, lut) -> Value:
        """v through a (3, 256) or (256,) table, composed with what is pending."""
        lut = np.asarray(lut, dtype=np.uint8)
        if lut.shape == (256,):
            lut = np.tile(lut, (3, 1))
        if v.color is not None:
            return Value(-1, color=tuple(int(lut[c][v.color[c]]) for c in range(3)))
        if v.lut is None:
            return Value(v.reg, lut)
        return Value(v.reg, np.stack([lut[c][v.lut[c]] for c in range(3)]))

    @staticmethod
    def _table(v: Value) -> np.ndarray:
        """v's bytes as a (3, 256) float32 function of its register's bytes."""
        if v.color is not None:
            return np.repeat(np.asarray(v.color, np.float32)[:, None], 256, axis=1)
        return (IDENTITY_LUT if v.lut is None else v.lut).astype(np.float32)

    def matrix(self, v: Value, m) -> Value:
        """A 3 x 3 or 3 x 4 colour matrix (offsets in 0..255), rounded as Pillow does."""
        m = np.asarray(m, dtype=np.float64)
        if m.shape == (3, 3):
            m = np.hstack([m, np.zeros((3, 1))])
        src = self.bytes_of(v)
        dst = self._reg()
        self._emit(OP_MATRIX, dst, src, m=np.float32(m).ravel().tolist())
        return Value(dst)

    # ---- fills, masks and per-pixel stages -----------------------------------

    def solid(self, color) -> Value:
        return Value(-1, color=tuple(int(c) for c in color))

    def _mask(self) -> int:
        if self._next_mask >= MASKS:
            raise ValueError(f"filters: a program needs more than {MASKS} masks")
        self._next_mask += 1
        return self._next_mask - 1

    def radial_mask(self, length=0.0, scale=1.0, center=(0.5, 0.5)) -> Mask:
        """255 at the centre falling to 0: pilgram's radial_gradient_mask."""
        m = self._mask()
        self._emit(OP_RADIAL, mask=m, g=(float(length), float(scale), float(center[0]), float(center[1])))
        return Mask(m)

    def linear_mask(self, start=0.0, end=1.0, horizontal=True) -> Mask:
        """255 at the start edge falling to 0 at the end: pilgram's linear_gradient_mask."""
        rows, cols = linear_mask_profiles(self.h, self.w, start, end, horizontal)
        m = self._mask()
        self._emit(OP_LINEAR, mask=m, lut=rows, lut2=cols)
        return Mask(m)

    def composite(self, a: Value, b: Value, mask: Mask) -> Value:
        """a where the mask is 255, b where it is 0 (Pillow's Image.composite)."""
        if a.color is not None and b.color is not None:  # two colours: a function of the mask alone
            m = np.arange(256, dtype=np.int64)
            t = np.outer(a.color, m) + np.outer(b.color, 255 - m) + 128
            dst = self._reg()
            self._emit(OP_MASK_LUT, dst, mask=mask.reg, lut=(((t >> 8) + t) >> 8).astype(np.uint8))
            return Value(dst)
        ra, rb = self.bytes_of(a), self.bytes_of(b)
        dst = self._reg()
        self._emit(OP_COMPOSITE, dst, ra, rb, mask.reg)
        return Value(dst)

    def mix(self, a: Value, b: Value, weight: float) -> Value:
        """a + weight (b - a), truncated (Pillow's Image.blend)."""
        if a.color is None or b.color is None:
            reg = a.reg if a.color is None else b.reg
            if (a.color is not None or a.reg == reg) and (b.color is not None or b.reg == reg):
                # per-channel functions of one register (or constants): so is their mix
                v = np.float32(self._table(a)) + np.float32(weight) * (self._table(b) - self._table(a))
                return Value(reg, np.clip(np.trunc(v), 0, 255).astype(np.uint8))  # float32 like ImagingBlend
        ra, rb = self.bytes_of(a), self.bytes_of(b)
        dst = self._reg()
        self._emit(OP_MIX, dst, ra, rb, m=(float(weight),))
        return Value(dst)

    def blend(self, backdrop: Value, source, mode: str, alpha: int = 255) -> Value:
        """source blended onto backdrop by `mode`, laid over at alpha (0..255).

        source is a Value or a Solid-colour Value made by `solid_color`."""
        if isinstance(source, SolidColor) and mode in SEPARABLE:
            return self.lut(backdrop, mode_lut(mode, source.color, alpha))
        rb = self.bytes_of(backdrop)
        dst = self._reg()
        if isinstance(source, SolidColor):  # non-separable with one colour: C tabulates it
            self._emit(OP_NONSEP, dst, rb, -1, mode=NONSEP_CODES[mode], alpha=alpha, color=source.color)
            return Value(dst)
        rs = self.bytes_of(source)
        if mode in SEPARABLE:
            code = ARITHMETIC_CODES.get(mode, 0) if alpha == 255 else 0
            self._emit(OP_TABLE2, dst, rb, rs, mode=code, lut=mode_table(mode, alpha))
        else:
            self._emit(OP_NONSEP, dst, rb, rs, mode=NONSEP_CODES[mode], alpha=alpha)
        return Value(dst)

    def linear_gradient(self, start, end, horizontal=True) -> Value:
        return self.composite(self.solid(start), self.solid(end), self.linear_mask(horizontal=horizontal))

    def radial_gradient(self, colors, positions=None, center=(0.5, 0.5)) -> Value:
        """pilgram's radial_gradient: each stop composited over the next through a
        radial mask from its position to the next one's."""
        if len(colors) < 2:
            raise ValueError("radial_gradient: expected at least two colours")
        if positions is None:
            positions = list(np.linspace(0, 1, len(colors)))
        if len(positions) != len(colors):
            raise ValueError(f"radial_gradient: {len(colors)} colours but {len(positions)} positions")
        acc, pos = self.solid(colors[0]), float(positions[0])
        for color, nxt in zip(colors[1:], positions[1:]):
            acc = self.composite(acc, self.solid(color), self.radial_mask(pos, float(nxt), center))
            pos = float(nxt)
        return acc

    # ---- running --------------------------------------------------------------

    def compile(self, out: Value) -> tuple[tuple, int]:
        """The stages, and the register that holds out after them: what the C
        kernel runs (out's pending table or colour written out first)."""
        reg = self.bytes_of(out)
        if reg == 0:  # nothing to do: an identity program still copies
            reg = self.bytes_of(Value(0, IDENTITY_LUT))
        return tuple(self.ops), reg

    def run(self, img: np.ndarray, out: Value, img2: np.ndarray | None = None) -> np.ndarray:
        ops, reg = self.compile(out)
        return _core.px_run(img, img2, ops, reg)


@dataclass(frozen=True)
class SolidColor:
    """A layer of one colour: blends with it become lookup tables."""

    color: tuple


def linear_mask_profiles(h: int, w: int, start: float, end: float, horizontal: bool):
    """(rows, cols): pilgram's linear gradient mask is min(rows[y], cols[x]).

    pilgram resizes a 256-step ramp with Pillow's bicubic filter to the image
    (a function of y alone), then for a horizontal gradient rotates it by 90
    degrees within the same canvas, leaving zeros where the rotated ramp does not
    reach on a non-square image. The ramp is resized here to one column only,
    and the rotation is the index arithmetic of Pillow's nearest-neighbour affine
    transform."""
    from PIL import Image

    if end < 1:
        raise ValueError(f"linear_mask: end must be >= 1, got {end}")
    ramp = Image.fromarray(255 - np.asarray(Image.linear_gradient("L")))
    box = (0, round(256 * start), 256, round(256 / end))
    profile = np.asarray(ramp.resize((1, max(h, 1)), box=box), dtype=np.uint8)[:, 0]
    if not horizontal:
        return np.ascontiguousarray(profile[:h]), np.full(w, 255, np.uint8)
    y, x = np.arange(h), np.arange(w)
    x_in = np.floor((w + h) / 2 - y - 0.5).astype(np.int64)  # source column of output row y
    y_in = np.floor(x + 0.5 + (h - w) / 2).astype(np.int64)  # source row of output column x
    rows = np.where((x_in >= 0) & (x_in < w), 255, 0).astype(np.uint8)
    inside = (y_in >= 0) & (y_in < h)
    cols = np.where(inside, profile[np.clip(y_in, 0, max(h - 1, 0))] if h else 0, 0).astype(np.uint8)
    return rows, cols
