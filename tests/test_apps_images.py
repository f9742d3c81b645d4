"""Image reading and conversion shared by the image apps (fastla.apps.images)."""

import numpy as np
import pytest
from PIL import Image

from fastla.apps.images import as_array, read_image, write_image


def test_pil_images_become_uint8_arrays():
    rgb = np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3)
    assert np.array_equal(as_array(Image.fromarray(rgb)), rgb)
    rgba = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    assert np.array_equal(as_array(Image.fromarray(rgba)), rgba)
    gray = np.arange(6, dtype=np.uint8).reshape(2, 3)
    assert np.array_equal(as_array(Image.fromarray(gray), channels=(1, 3)), gray)
    assert np.array_equal(as_array(Image.fromarray(gray)), np.repeat(gray[..., None], 3, axis=2))


@pytest.mark.parametrize("bad, error, message", [
    (np.zeros((2, 2, 3), np.float32), TypeError, "uint8"),
    (np.zeros((2, 2, 5), np.uint8), ValueError, r"\(H, W, 3\) or \(H, W, 4\)"),
    (np.zeros(4, np.uint8), ValueError, "shape"),
    ([[1, 2]], TypeError, "list"),
])
def test_bad_images_are_refused(bad, error, message):
    with pytest.raises(error, match=message):
        as_array(bad, "filters")


def test_exif_orientation_is_applied(tmp_path):
    img = np.zeros((2, 3, 3), np.uint8)
    img[0, 0] = 255
    im = Image.fromarray(img)
    exif = Image.Exif()
    exif[0x0112] = 6  # stored rotated: the viewer turns it 90 degrees clockwise
    im.save(tmp_path / "p.jpg", exif=exif, quality=100)
    out = read_image(tmp_path / "p.jpg")
    assert out.shape == (3, 2, 3)
    assert out[0, 1].mean() > 200 and out[0, 0].mean() < 50


def test_round_trip_and_unreadable_files(tmp_path):
    img = np.random.default_rng(0).integers(0, 256, (5, 7, 4), dtype=np.uint8)
    write_image(tmp_path / "a.png", img)
    assert np.array_equal(read_image(tmp_path / "a.png"), img)
    (tmp_path / "bad.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 20)
    with pytest.raises(ValueError, match="bad.png"):
        read_image(tmp_path / "bad.png")
