"""The operations of `fastla filter`, as a table: one entry per command-line flag.

Each entry says how its flag reads its value and which function applies it, so a
new look (a preset, a CSS function) is one more row here and the command picks it
up. The command applies the operations in the order they are given."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Callable

import numpy as np

from fastla.apps.filters import color, convolution, css, geometry, presets


@dataclass(frozen=True)
class Operation:
    flag: str                                  # "--blur"
    help: str
    apply: Callable[[np.ndarray, object], np.ndarray]
    type: Callable | None = float              # parses the value; None: the flag takes none
    metavar: str | None = None
    default: object = None                     # the value when the flag is given alone

    @property
    def name(self) -> str:
        return self.flag.lstrip("-")


def parse_matrix(text: str) -> np.ndarray:
    """'a,b,c;d,e,f;g,h,i' (3 x 3) or with a fourth number per row (3 x 4)."""
    try:
        rows = [[float(v) for v in row.split(",")] for row in text.split(";")]
        return np.array(rows, dtype=np.float64)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a matrix like '1,0,0;0,1,0;0,0,1': {text!r}") from exc


OPERATIONS: list[Operation] = [
    Operation("--blur", "Gaussian blur, sigma in pixels", lambda img, v: convolution.gaussian_blur(img, v),
              metavar="SIGMA"),
    Operation("--box-blur", "mean over a SIZE x SIZE window (odd)", lambda img, v: convolution.box_blur(img, v),
              type=int, metavar="SIZE"),
    Operation("--sharpen", "sharpen (AMOUNT, default 1)", lambda img, v: convolution.sharpen(img, v),
              metavar="AMOUNT", default=1.0),
    Operation("--edges", "Sobel edges", lambda img, v: convolution.sobel(img), type=None),
    Operation("--emboss", "emboss (STRENGTH, default 1)", lambda img, v: convolution.emboss(img, v),
              metavar="STRENGTH", default=1.0),
    Operation("--color-matrix", "multiply every RGB vector by a 3x3 or 3x4 matrix 'a,b,c;d,e,f;g,h,i'",
              lambda img, v: color.color_matrix(img, v), type=parse_matrix, metavar="M"),
    Operation("--rotate", "rotate counter-clockwise about the centre", lambda img, v: geometry.rotate(img, v),
              metavar="DEGREES"),
    Operation("--scale", "resize by a factor", lambda img, v: geometry.scale(img, v), metavar="FACTOR"),
    Operation("--shear", "shear horizontally (x += S * y)", lambda img, v: geometry.shear(img, v), metavar="S"),
    Operation("--preset", "a CSSgram look: " + ", ".join(presets.PRESETS), lambda img, v: presets.apply(img, v),
              type=str, metavar="NAME"),
    # the CSS filter functions, each a colour matrix or a lookup table, rounded as pilgram does
    Operation("--grayscale", "CSS grayscale (AMOUNT 0-1, default 1)", lambda img, v: css.grayscale(img, v),
              metavar="AMOUNT", default=1.0),
    Operation("--sepia", "CSS sepia (AMOUNT 0-1, default 1)", lambda img, v: css.sepia(img, v),
              metavar="AMOUNT", default=1.0),
    Operation("--saturate", "CSS saturate (AMOUNT, 1 = unchanged)", lambda img, v: css.saturate(img, v),
              metavar="AMOUNT"),
    Operation("--hue-rotate", "CSS hue-rotate by DEGREES", lambda img, v: css.hue_rotate(img, v),
              metavar="DEGREES"),
    Operation("--invert", "CSS invert (AMOUNT 0-1, default 1)", lambda img, v: css.invert(img, v),
              metavar="AMOUNT", default=1.0),
    Operation("--brightness", "CSS brightness (AMOUNT, 1 = unchanged)", lambda img, v: css.brightness(img, v),
              metavar="AMOUNT"),
    Operation("--contrast", "CSS contrast (AMOUNT, 1 = unchanged)", lambda img, v: css.contrast(img, v),
              metavar="AMOUNT"),
    Operation("--opacity", "CSS opacity (AMOUNT 0-1; needs an alpha channel to show)",
              lambda img, v: css.opacity(img, v), metavar="AMOUNT"),
]


def by_name() -> dict[str, Operation]:
    return {op.name: op for op in OPERATIONS}


class _InOrder(argparse.Action):
    """Appends (operation name, value) to namespace.operations, keeping the order."""

    def __call__(self, parser, namespace, values, option_string=None):
        ops = list(getattr(namespace, "operations", None) or [])
        given = values is not None and not (isinstance(values, list) and not values)
        ops.append((self.dest, values if given else self.const))
        namespace.operations = ops


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """One flag per operation, all collected in order into `operations`."""
    parser.set_defaults(operations=[])
    group = parser.add_argument_group("operations (applied in the order given)")
    for op in OPERATIONS:
        if op.type is None:
            group.add_argument(op.flag, dest=op.name, action=_InOrder, nargs=0, const=None, help=op.help)
        elif op.default is not None:
            group.add_argument(op.flag, dest=op.name, action=_InOrder, nargs="?", const=op.default,
                               type=op.type, metavar=op.metavar, help=op.help)
        else:
            group.add_argument(op.flag, dest=op.name, action=_InOrder, type=op.type,
                               metavar=op.metavar, help=op.help)


def apply_all(img: np.ndarray, operations) -> np.ndarray:
    """img through each (name, value) in turn."""
    table = by_name()
    for name, value in operations:
        img = table[name].apply(img, value)
    return img
