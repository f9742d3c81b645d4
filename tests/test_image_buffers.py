"""Whole-image results come from a small pool of buffers (src/fastla/_image_buffers.pxi):
a result's memory is handed out again only after the array and all its views are
gone, the pool stays bounded, and the results are ordinary writeable arrays."""

import gc
import pickle

import numpy as np
import pytest

from fastla import _core
from fastla.apps import filters as F

rng = np.random.default_rng(5)
BIG = rng.integers(0, 256, (700, 600, 3), dtype=np.uint8)  # 1.26 MB: large enough to be pooled
BIG_RGBA = rng.integers(0, 256, (600, 700, 4), dtype=np.uint8)
BIG_GRAY = rng.integers(0, 256, (1100, 1000), dtype=np.uint8)

# every function whose result comes from the pool, on an image that is pooled
MAKERS = {
    "preset": lambda img: F.apply(img, "clarendon"),
    "colour matrix": lambda img: F.color_matrix(img, np.eye(3)[::-1]),
    "convolve": lambda img: F.convolve(img, np.ones((3, 3)) / 9),
    "separable blur": lambda img: F.gaussian_blur(img, 1.5),
    "rotate": lambda img: F.rotate(img, 10),
}


@pytest.fixture(autouse=True)
def empty_pool():
    gc.collect()
    _core.release_image_buffers()
    yield
    gc.collect()
    _core.release_image_buffers()


@pytest.mark.parametrize("name", list(MAKERS))
def test_a_live_result_is_never_written_again(name):
    make = MAKERS[name]
    kept = [make(img) for img in (BIG, BIG, BIG_RGBA)]
    copies = [k.copy() for k in kept]
    for _ in range(4):  # results come and go around the live ones
        make(BIG)
        make(BIG_RGBA)
        F.apply(BIG, "inkwell")
    for k, c in zip(kept, copies):
        assert np.array_equal(k, c)
    assert not np.shares_memory(kept[0], kept[1])


def test_a_view_keeps_its_memory():
    view = F.apply(BIG, "clarendon")[100:200, ::3]  # the result itself is gone at once
    expected = view.copy()
    gc.collect()
    for _ in range(4):
        F.apply(BIG, "inkwell")
        F.apply(BIG, "lark")
    assert np.array_equal(view, expected)


def test_a_freed_result_is_reused():
    first = F.apply(BIG, "clarendon")
    address = first.ctypes.data
    del first
    second = F.apply(BIG, "inkwell")
    assert second.ctypes.data == address
    assert np.array_equal(second, F.apply(BIG.copy(), "inkwell"))


def test_small_results_are_not_pooled():
    F.apply(BIG[:100, :100], "clarendon")  # dropped at once
    gc.collect()
    assert len(_core._kept_buffers) == 0


def test_the_pool_stays_bounded():
    results = [F.apply(BIG_RGBA[: 400 + 20 * k], "clarendon") for k in range(6)]  # 1.1 to 1.5 MB
    del results
    gc.collect()
    assert 1 <= len(_core._kept_buffers) <= _core._KEEP_BUFFERS
    assert sum(r.nbytes for r in _core._kept_buffers) <= _core._KEEP_BYTES


@pytest.mark.parametrize("img", [BIG, BIG_RGBA, BIG_GRAY], ids=["rgb", "rgba", "gray"])
def test_results_are_ordinary_arrays(img):
    out = F.convolve(img, np.ones((3, 3)) / 9)
    assert out.shape == img.shape and out.dtype == np.uint8
    assert out.flags.c_contiguous and out.flags.writeable and out.ctypes.data % 64 == 0
    out[0, 0] = 7  # writeable
    assert out[0, 0].flat[0] == 7
    again = pickle.loads(pickle.dumps(out))
    assert np.array_equal(again, out) and not np.shares_memory(again, out)
