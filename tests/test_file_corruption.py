"""Every file reader fed damaged files: random byte flips and truncations either
read (the damage hit something harmless) or raise ValueError naming the file;
never another exception, a crash or a hang. Nothing read is executed.

The damage is seeded, so a failure names a case that reproduces."""

import gzip
import io
import random
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from fastla.apps.images import read_image
from fastla.datasets import demo_songs_path, read_csv

TRIALS = 150


def damaged(data: bytes, seed: int) -> bytes:
    """The seed-th damage of data: a truncation (one in three) or 1-20 bytes changed."""
    rnd = random.Random(seed)
    out = bytearray(data)
    if seed % 3 == 0:
        return bytes(out[: rnd.randrange(len(out))])
    for _ in range(rnd.randint(1, 20)):
        out[rnd.randrange(len(out))] = rnd.randrange(256)
    return bytes(out)


def check_reader(tmp_path, name, data, read, check_result):
    path = tmp_path / name
    for seed in range(TRIALS):
        path.write_bytes(damaged(data, seed))
        try:
            result = read(path)
        except ValueError as e:
            assert name in str(e), f"seed {seed}: the message does not name the file: {e}"
        else:
            check_result(result)


@pytest.fixture(scope="module")
def songs_csv():
    with gzip.open(demo_songs_path(), "rb") as f:
        return f.read(30_000).rsplit(b"\n", 1)[0] + b"\n"  # the first few hundred songs


@pytest.mark.parametrize("compressed", [False, True])
def test_song_csv(tmp_path, songs_csv, compressed):
    data = gzip.compress(songs_csv) if compressed else songs_csv
    name = "songs.csv.gz" if compressed else "songs.csv"
    check_reader(tmp_path, name, data, read_csv, lambda table: len(table) > 0)


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_images(tmp_path, fmt):
    rng = np.random.default_rng(3)
    img = rng.integers(0, 256, (24, 40, 3), dtype=np.uint8)
    buf = io.BytesIO()
    Image.fromarray(img).save(buf, format=fmt)

    def check(arr):
        assert arr.dtype == np.uint8 and arr.ndim == 3 and arr.shape[2] in (3, 4)

    check_reader(tmp_path, "photo." + fmt.lower(), buf.getvalue(), read_image, check)


MOVIELENS = Path(__file__).parent / "data" / "movielens"


@pytest.mark.parametrize("layout, ratings, other", [
    ("ml-latest", "ratings.csv", "movies.csv"),
    ("ml-1m", "ratings.dat", "movies.dat"),
    ("ml-100k", "u.data", "u.item"),
])
@pytest.mark.parametrize("damaged_file", ["ratings", "titles"])
def test_movielens(tmp_path, layout, ratings, other, damaged_file):
    from fastla.datasets import load_movielens

    folder = tmp_path / layout
    folder.mkdir()
    for name in (ratings, other):
        (folder / name).write_bytes((MOVIELENS / layout / name).read_bytes())
    target = ratings if damaged_file == "ratings" else other
    data = (MOVIELENS / layout / target).read_bytes()

    def check(ml):
        assert len(ml.users) == len(ml.items) == len(ml.ratings) > 0

    check_reader(folder, target, data, lambda _: load_movielens(folder), check)
