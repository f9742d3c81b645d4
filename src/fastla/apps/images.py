"""Images in and out of the apps: uint8 NumPy arrays of shape (H, W), (H, W, 3) or
(H, W, 4), read and written through Pillow.

Every image app takes either such an array or a PIL image (`as_array`), so a user can
hand over whatever Pillow, OpenCV (after BGR -> RGB) or imageio gave them. Files are
read with their EXIF orientation applied, as a photo viewer shows them."""

from __future__ import annotations

import os

import numpy as np

CHANNELS = {2: 1, 3: 3}  # ndim -> channels for the (H, W) and (H, W, C) layouts


def as_array(img, what: str = "image", channels=(3, 4)) -> np.ndarray:
    """img as a uint8 array (H, W, C) with C in `channels` (1 means (H, W)).

    PIL images are converted (palette and 16-bit modes to RGB/RGBA; "L" stays
    gray when 1 is allowed). Arrays must already be uint8: silently rounding floats
    or clipping wider integers would hide a mistake, so those raise TypeError."""
    if _is_pil(img):
        img = _pil_to_array(img, channels)
    if not isinstance(img, np.ndarray):
        raise TypeError(f"{what}: expected a uint8 NumPy array or a PIL image, got {type(img).__name__}")
    if img.dtype != np.uint8:
        raise TypeError(f"{what}: expected dtype uint8, got {img.dtype}")
    c = 1 if img.ndim == 2 else (img.shape[2] if img.ndim == 3 else None)
    if c not in channels:
        shapes = " or ".join("(H, W)" if k == 1 else f"(H, W, {k})" for k in channels)
        raise ValueError(f"{what}: expected shape {shapes}, got {img.shape}")
    return img


def read_image(path, channels=(3, 4)) -> np.ndarray:
    """The image stored at `path` as a uint8 array, EXIF orientation applied.

    Unreadable or truncated files raise ValueError naming the file."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:  # DecompressionBombError: a header claiming a size Pillow refuses to allocate
        with Image.open(os.fspath(path)) as im:
            im = ImageOps.exif_transpose(im)
            im.load()
            return _pil_to_array(im, channels)
    except FileNotFoundError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError) as exc:
        raise ValueError(f"{os.fspath(path)}: not a readable image ({exc})") from exc


def write_image(path, img: np.ndarray, quality: int = 92) -> None:
    """Writes a uint8 array; the format follows the file's extension (JPEG drops alpha)."""
    from PIL import Image

    img = as_array(img, "write_image", channels=(1, 3, 4))
    im = Image.fromarray(img)
    ext = os.path.splitext(os.fspath(path))[1].lower()
    if ext in (".jpg", ".jpeg"):
        if im.mode == "RGBA":
            im = im.convert("RGB")
        im.save(path, quality=quality)
    else:
        im.save(path)


def _is_pil(img) -> bool:
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow is a dependency
        return False
    return isinstance(img, Image.Image)


def _pil_to_array(im, channels) -> np.ndarray:
    """RGB, RGBA or L (when gray is allowed) as a uint8 array."""
    if im.mode == "L" and 1 in channels:
        return np.asarray(im, dtype=np.uint8).copy()
    has_alpha = im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info)
    mode = "RGBA" if has_alpha and 4 in channels else "RGB"
    if mode == "RGB" and 3 not in channels:
        mode = "L"
    return np.asarray(im.convert(mode), dtype=np.uint8).copy()
