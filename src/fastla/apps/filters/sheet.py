"""contact_sheet: every preset on one labelled grid, to choose a look by eye."""

from __future__ import annotations

import numpy as np

from fastla.apps.filters.presets import PRESETS, apply
from fastla.apps.images import as_array


def contact_sheet(img, names=None, columns: int | None = None, thumb: int = 240, pad: int = 6) -> np.ndarray:
    """A uint8 RGB grid of the image in each look (all of PRESETS by default),
    "original" first, each thumbnail at most `thumb` pixels on its long side and
    labelled with its name underneath."""
    from PIL import Image, ImageDraw, ImageFont

    img = as_array(img, "contact_sheet")
    if isinstance(names, str):
        raise TypeError("contact_sheet: names must be a list of preset names, not one string")
    names = list(PRESETS if names is None else names)
    if not all(isinstance(n, str) for n in names):
        raise TypeError("contact_sheet: names must be a list of preset names")
    h, w = img.shape[:2]
    if h == 0 or w == 0:
        raise ValueError(f"contact_sheet: the image is empty, shape {img.shape}")
    scale = min(1.0, thumb / max(h, w))
    tw, th = max(1, round(w * scale)), max(1, round(h * scale))
    small = np.asarray(Image.fromarray(img[..., :3]).resize((tw, th), Image.Resampling.LANCZOS))
    tiles = [("original", small)] + [(n, apply(small, n)) for n in names]
    cols = columns or int(np.ceil(np.sqrt(len(tiles))))
    rows = -(-len(tiles) // cols)
    font = ImageFont.load_default()
    label_h = 16
    cell_w, cell_h = tw + pad, th + label_h + pad
    sheet = Image.new("RGB", (cols * cell_w + pad, rows * cell_h + pad), (250, 250, 250))
    draw = ImageDraw.Draw(sheet)
    for k, (name, tile) in enumerate(tiles):
        x, y = pad + (k % cols) * cell_w, pad + (k // cols) * cell_h
        sheet.paste(Image.fromarray(tile), (x, y))
        draw.text((x + 2, y + th + 2), name, fill=(20, 20, 20), font=font)
    return np.asarray(sheet, dtype=np.uint8).copy()
