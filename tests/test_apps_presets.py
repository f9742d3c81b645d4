"""The CSS filter functions, blend modes, gradients and the 26 presets
(fastla.apps.filters): against pilgram, against the W3C formulas in float64, and
on bad input."""

import functools
import os

import numpy as np
import pytest
from PIL import Image

import fastla
from fastla import _core
from fastla.apps.filters import (MODES, PRESETS, apply, blend, contact_sheet, css_filter, fused_matrix,
                                 linear_gradient, radial_gradient, solid)
from fastla.apps.filters import css
from fastla.apps.filters.program import linear_mask_profiles

PHOTO = os.path.join(os.path.dirname(__file__), "data", "chelsea_small.png")  # credit: data/PHOTOS.md
PILGRAM_BLENDS = ["normal", "multiply", "screen", "overlay", "darken", "lighten", "color-dodge", "color-burn",
                  "hard-light", "soft-light", "difference", "exclusion", "hue", "color"]


@functools.lru_cache(maxsize=None)
def photo():
    return np.asarray(Image.open(PHOTO).convert("RGB"))


def pilgram_fn(pilgram, name):
    return getattr(pilgram, "_" + name if name[0].isdigit() else name)


@functools.lru_cache(maxsize=None)
def pilgram_preset(name, crop):
    pilgram = pytest.importorskip("pilgram")
    img = photo()[: crop[0], : crop[1]]
    return np.asarray(pilgram_fn(pilgram, name)(Image.fromarray(img)), dtype=np.int64)


def lsb(a, b):
    d = np.abs(np.asarray(a, dtype=np.int64) - np.asarray(b, dtype=np.int64))
    return d.max(), d.mean()


# ---- presets against pilgram ------------------------------------------------------

@pytest.mark.parametrize("name", PRESETS)
def test_every_preset_matches_pilgram(name, isa):
    ref = pilgram_preset(name, (107, 161))
    worst, mean = lsb(apply(photo(), name), ref)
    assert worst <= 3 and mean <= 0.5, (name, worst, mean)


def test_every_preset_same_bytes_on_every_path(isa, rng):
    """The vector loops do the scalar loop's operations in its order: no path
    may round differently. 131 pixels a row leave a tail on every width."""
    img = rng.integers(0, 256, (9, 131, 3), dtype=np.uint8)
    for name in PRESETS:
        fastla.set_isa("generic")
        ref = apply(img, name)
        fastla.set_isa(isa)
        np.testing.assert_array_equal(apply(img, name), ref, err_msg=name)


@pytest.mark.skipif(not _core.vbmi_usable(), reason="this CPU has no AVX-512 VBMI")
def test_vbmi_lookup_tables_give_the_bytes_of_the_word_permutes(rng):
    """On the AVX-512 path the lookup tables run on VBMI's byte permutes where the
    CPU has them, else on AVX-512BW's word permutes: every look, on an image whose
    first row holds every byte value, gives the same bytes both ways."""
    img = rng.integers(0, 256, (9, 131, 3), dtype=np.uint8)
    img[0].reshape(-1)[:256] = np.arange(256)
    before = _core.isa()
    try:
        fastla.set_isa("avx512")
        for name in PRESETS:
            _core.set_vbmi(False)
            ref = apply(img, name)
            _core.set_vbmi(True)
            np.testing.assert_array_equal(apply(img, name), ref, err_msg=name)
    finally:
        _core.set_vbmi(True)
        fastla.set_isa(before)


@pytest.mark.parametrize("name", ["aden", "perpetua", "mayfair", "xpro2", "willow", "maven"])
def test_presets_on_a_portrait_crop(name):
    """Odd, portrait sizes: the rotated linear gradient leaves its zero bands there."""
    ref = pilgram_preset(name, (101, 67))
    worst, mean = lsb(apply(np.ascontiguousarray(photo()[:101, :67]), name), ref)
    assert worst <= 3 and mean <= 0.5, (name, worst, mean)


def test_alpha_is_kept_and_colour_unchanged_by_it(rng):
    rgb = photo()
    alpha = rng.integers(0, 256, rgb.shape[:2], dtype=np.uint8)
    rgba = np.dstack([rgb, alpha])
    for name in ("clarendon", "hudson", "maven"):
        out = apply(rgba, name)
        assert out.shape == rgba.shape and np.array_equal(out[..., 3], alpha)
        assert np.array_equal(out[..., :3], apply(rgb, name))


def test_pil_images_and_views_are_accepted():
    img = photo()
    assert np.array_equal(apply(Image.fromarray(img), "lofi"), apply(img, "lofi"))
    view = img[::-1, ::2]  # negative and non-unit strides
    assert np.array_equal(apply(view, "lofi"), apply(np.ascontiguousarray(view), "lofi"))


def test_threads_give_the_same_bytes(threads):
    img = photo()
    fastla.set_num_threads(1)
    one = apply(img, "rise")
    fastla.set_num_threads(2)
    assert np.array_equal(apply(img, "rise"), one)


def test_tiny_images():
    for shape in [(1, 1, 3), (1, 7, 4), (5, 1, 3), (0, 3, 3)]:
        img = np.full(shape, 128, np.uint8)
        for name in ("aden", "earlybird", "maven"):
            assert apply(img, name).shape == shape


def test_contact_sheet_holds_every_look():
    img = photo()
    sheet = contact_sheet(img, names=["inkwell", "kelvin"], thumb=64, pad=4)
    assert sheet.dtype == np.uint8 and sheet.ndim == 3 and sheet.shape[2] == 3
    small = np.asarray(Image.fromarray(img).resize((64, 43), Image.Resampling.LANCZOS))
    tile = sheet[4:4 + 43, 4 + 64 + 4:4 + 64 + 4 + 64]  # the second cell: inkwell
    assert np.array_equal(tile, apply(small, "inkwell"))
    full = contact_sheet(img, thumb=32)
    rows = -(-(len(PRESETS) + 1) // 6)
    assert full.shape[0] >= rows * 32


# ---- CSS filter functions ---------------------------------------------------------

@pytest.mark.parametrize("name, amounts", [
    ("grayscale", [0, 0.5, 1, 2]), ("sepia", [0.2, 1]), ("saturate", [0, 0.5, 1.3, 3]),
    ("hue_rotate", [-20, 90, 400]), ("brightness", [0, 0.8, 1.5]), ("contrast", [0, 0.7, 1.6]),
])
def test_css_functions_match_pilgram(name, amounts, isa):
    pilgram = pytest.importorskip("pilgram")
    img = photo()
    for amount in amounts:
        ref = np.asarray(getattr(pilgram.css, name)(Image.fromarray(img), amount))
        assert np.array_equal(getattr(css, name)(img, amount), ref), (name, amount)


def test_invert_and_opacity_follow_the_spec():
    img = photo()
    for a in (0, 0.25, 1):
        ref = np.clip(np.round((255 - img.astype(float)) * a + img * (1 - a)), 0, 255)
        assert np.array_equal(css.invert(img, a), ref)
    out = css.opacity(img, 0.4)
    assert out.shape == img.shape[:2] + (4,) and np.all(out[..., 3] == 102)
    assert np.array_equal(out[..., :3], img)


def test_a_fused_pipeline_is_one_matrix_product():
    steps = "contrast(1.1) brightness(110%) saturate(1.3) hue-rotate(-20deg)"
    M = fused_matrix(steps)
    H = np.eye(4)
    for name, amount in css.parse(steps):
        H = np.vstack([css.matrix(name, amount), [0, 0, 0, 1]]) @ H
    assert np.allclose(M, H[:3])
    assert np.allclose(fused_matrix("brightness(2) brightness(0.5)"), np.hstack([np.eye(3), np.zeros((3, 1))]))
    # fused: one matrix-vector product per pixel, rounded once, as in float64 NumPy
    img = photo()
    x = img.reshape(-1, 3).astype(np.float64)
    ref = np.clip(x @ M[:, :3].T + M[:, 3], 0, 255).reshape(img.shape)
    worst, _ = lsb(css_filter(img, steps, exact=False), ref)
    assert worst <= 1
    # exact clamps and rounds per step: the same where no step leaves 0..255
    clamped = np.zeros(len(x), bool)
    y = x
    for name, amount in css.parse(steps):
        m = css.matrix(name, amount)
        y = y @ m[:, :3].T + m[:, 3]
        clamped |= ((y < -0.5) | (y > 255.5)).any(axis=1)
    d = np.abs(css_filter(img, steps, exact=True).reshape(-1, 3) - ref.reshape(-1, 3))
    assert clamped.any() and d[~clamped].max() <= 3 and d[clamped].max() > 3


# ---- blend modes ------------------------------------------------------------------

def _lum(c):
    return 0.3 * c[..., 0] + 0.59 * c[..., 1] + 0.11 * c[..., 2]


def _clip_color(c):
    L = _lum(c)[..., None]
    n, x = c.min(-1, keepdims=True), c.max(-1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        c = np.where(n < 0, L + (c - L) * L / np.where(L == n, 1, L - n), c)
        return np.where(x > 1, L + (c - L) * (1 - L) / np.where(x == L, 1, x - L), c)


def _set_lum(c, lum):
    return _clip_color(c + (lum - _lum(c))[..., None])


def _set_sat(c, s):
    order = np.argsort(c, axis=-1, kind="stable")
    lo, mid, hi = (np.take_along_axis(c, order[..., k:k + 1], -1) for k in range(3))
    span = hi - lo
    out = np.zeros_like(c)
    with np.errstate(divide="ignore", invalid="ignore"):
        np.put_along_axis(out, order[..., 1:2], np.where(span > 0, (mid - lo) * s[..., None] / np.where(span > 0, span, 1), 0), -1)
    np.put_along_axis(out, order[..., 2:], np.where(span > 0, s[..., None], 0), -1)
    return out


def _sat(c):
    return c.max(-1) - c.min(-1)


def spec_B(mode, b, s):
    """B(Cb, Cs) of the W3C Compositing spec, on floats in [0, 1]."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if mode == "color-dodge":
            return np.where(b == 0, 0, np.where(s >= 1, 1, np.minimum(1, b / np.where(s < 1, 1 - s, 1))))
        if mode == "color-burn":
            return np.where(b >= 1, 1, np.where(s <= 0, 0, 1 - np.minimum(1, (1 - b) / np.where(s > 0, s, 1))))
    if mode == "hard-light":
        return np.where(s <= 0.5, b * 2 * s, spec_B("screen", b, 2 * s - 1))
    if mode == "soft-light":
        D = np.where(b <= 0.25, ((16 * b - 12) * b + 4) * b, np.sqrt(b))
        return np.where(s <= 0.5, b - (1 - 2 * s) * b * (1 - b), b + (2 * s - 1) * (D - b))
    formulas = {
        "normal": lambda: s, "multiply": lambda: b * s, "screen": lambda: b + s - b * s,
        "overlay": lambda: spec_B("hard-light", s, b), "darken": lambda: np.minimum(b, s),
        "lighten": lambda: np.maximum(b, s), "difference": lambda: np.abs(b - s),
        "exclusion": lambda: b + s - 2 * b * s,
        "hue": lambda: _set_lum(_set_sat(s, _sat(b)), _lum(b)),
        "saturation": lambda: _set_lum(_set_sat(b, _sat(s)), _lum(b)),
        "color": lambda: _set_lum(s, _lum(b)), "luminosity": lambda: _set_lum(b, _lum(s)),
    }
    return formulas[mode]()


@pytest.mark.parametrize("mode", MODES)
def test_blend_modes_follow_the_spec(mode, rng, isa):
    cb = rng.integers(0, 256, (48, 40, 3), dtype=np.uint8)
    cs = rng.integers(0, 256, (48, 40, 3), dtype=np.uint8)
    for opacity in (1.0, 0.6):
        b, s = cb / 255.0, cs / 255.0
        ref = 255 * (opacity * spec_B(mode, b, s) + (1 - opacity) * b)
        d = np.abs(blend(cb, cs, mode, opacity) - ref)
        if mode in ("hue", "saturation", "color", "luminosity"):
            # Lum(Cb) comes from Pillow's 8-bit luma (0.299, 0.587, 0.114), which
            # ClipColor magnifies near the gamut's edge on a few pixels
            assert d.mean() <= 1.2 and np.quantile(d, 0.98) <= 3, (mode, opacity, d.mean())
        else:
            # each a b / 255 is truncated: at most one level per product
            assert d.max() <= 2.5 and d.mean() <= 1.2, (mode, opacity, d.max(), d.mean())


@pytest.mark.parametrize("mode", PILGRAM_BLENDS)
def test_blend_modes_match_pilgram(mode, rng, isa):
    pilgram = pytest.importorskip("pilgram")
    fn = getattr(pilgram.css.blending, mode.replace("-", "_"))
    # every (Cb, Cs) pair of bytes once, per channel
    b, s = np.meshgrid(np.arange(256, dtype=np.uint8), np.arange(256, dtype=np.uint8), indexing="ij")
    cb = np.dstack([b, s, b])
    cs = np.dstack([s, b, rng.integers(0, 256, b.shape, dtype=np.uint8)])
    ref = np.asarray(fn(Image.fromarray(cb), Image.fromarray(cs)))
    assert np.array_equal(blend(cb, cs, mode), ref)
    # a solid colour at an opacity: pilgram's fill with alpha
    fill = pilgram.util.fill((256, 256), (200, 30, 90, 0.35))
    ref = np.asarray(fn(Image.fromarray(cb), fill))
    assert np.array_equal(blend(cb, (200, 30, 90), mode, 0.35), ref)


def test_gradients_match_pilgram():
    pilgram = pytest.importorskip("pilgram")
    util = pilgram.util
    for h, w in [(50, 70), (71, 40), (33, 33)]:
        assert np.array_equal(solid((h, w), (1, 2, 3)), np.asarray(util.fill((w, h), (1, 2, 3))))
        ref = np.asarray(util.linear_gradient((w, h), (0, 91, 154), (230, 193, 61), False))
        assert np.array_equal(linear_gradient((h, w), (0, 91, 154), (230, 193, 61), horizontal=False), ref)
        for start in (0, 0.8):
            ref = np.asarray(util.linear_gradient_mask((w, h), start=start))
            rows, cols = linear_mask_profiles(h, w, start, 1, True)
            assert np.array_equal(np.minimum(rows[:, None], cols[None, :]), ref)
        colors, positions = [(208, 186, 142), (54, 3, 9), (29, 2, 16)], [0.2, 0.85, 1]
        ref = np.asarray(util.radial_gradient((w, h), colors, positions))
        worst, mean = lsb(radial_gradient((h, w), colors, positions), ref)
        assert worst <= 2 and mean < 0.01  # masks in float32: a level off at a rare half


def radial_mask_model(h, w, length, scale, center):
    """pilgram's radial mask computed in float32 in the kernel's order of operations."""
    f = np.float32
    cx, cy = center
    left, right, top, bottom = w * cx, w * (1 - cx), h * cy, h * (1 - cy)
    radius = np.hypot(max(left, right), max(top, bottom))
    base = max(scale - length, 0.001)
    xstep, ystep = (right + left) / (w - 1), (bottom + top) / (h - 1)
    A, B = f(255 * (1 + length / base)), f(255 / (radius * base))
    yy = f((np.arange(h) * ystep - top) ** 2)[:, None]
    xv = np.arange(w, dtype=f) * f(xstep) - f(left)
    v = A - B * np.sqrt(xv * xv + yy)
    return np.rint(np.clip(v, f(0), f(255))).astype(np.uint8)


@pytest.mark.parametrize("length, scale, center", [
    (0.0, 1.0, (0.5, 0.5)), (0.7, 1.5, (0.5, 0.5)), (0.2, 0.85, (0.4, 0.4)), (0.85, 1.0, (0.1, 0.9)),
    (0.5, 0.5001, (0.5, 0.5)), (0.3, 0.6, (0.5, 0.5)),
])
def test_radial_mask_equals_its_float32_formula(length, scale, center):
    """Blocks of a row wholly inside the 255 disc or outside the 0 one are filled
    without computing distances: the mask must still be the formula's, pixel for
    pixel (a 1500-pixel row is three blocks, some across the discs' edges)."""
    from fastla.apps.filters.program import Program

    h, w = 61, 1500
    p = Program(h, w)
    out = p.composite(p.solid((255, 255, 255)), p.solid((0, 0, 0)), p.radial_mask(length, scale, center))
    mask = p.run(np.zeros((h, w, 3), np.uint8), out)[..., 0]
    np.testing.assert_array_equal(mask, radial_mask_model(h, w, length, scale, center))


# ---- bad input --------------------------------------------------------------------

def test_unknown_preset_lists_the_names():
    with pytest.raises(ValueError, match="unknown preset 'nope'.*clarendon.*xpro2"):
        apply(photo(), "nope")


@pytest.mark.parametrize("bad, error, message", [
    (np.zeros((4, 4, 3), np.float32), TypeError, "uint8"),
    (np.zeros((4, 4, 2), np.uint8), ValueError, "shape"),
    (np.zeros((4, 4), np.uint8), ValueError, "shape"),
    ("photo.jpg", TypeError, "str"),
])
def test_bad_images_are_refused(bad, error, message):
    with pytest.raises(error, match=message):
        apply(bad, "clarendon")
    with pytest.raises(error, match=message):
        css.sepia(bad, 0.5)


@pytest.mark.parametrize("call, error, message", [
    (lambda img: css.saturate(img, float("nan")), ValueError, "finite"),
    (lambda img: css.hue_rotate(img, float("inf")), ValueError, "finite"),
    (lambda img: css.brightness(img, -1), ValueError, ">= 0"),
    (lambda img: css.contrast(img, "a lot"), TypeError, "number"),
    (lambda img: css_filter(img, "blur(2px)"), ValueError, "unknown function"),
    (lambda img: css_filter(img, "sepia(0.5"), ValueError, "cannot read"),
    (lambda img: blend(img, (1, 2, 3), "burn"), ValueError, "unknown mode 'burn'.*color-burn"),
    (lambda img: blend(img, (1, 2, 3), "normal", float("nan")), ValueError, r"\[0, 1\]"),
    (lambda img: blend(img, (1, 2, 3), "normal", 1.5), ValueError, r"\[0, 1\]"),
    (lambda img: blend(img, (1, 2, 300), "normal"), ValueError, "0..255"),
    (lambda img: blend(img, img[:5], "multiply"), ValueError, "shape"),
    (lambda img: blend(img, img.astype(np.int16), "multiply"), TypeError, "uint8"),
    (lambda img: contact_sheet(img, names=["aden", "nope"]), ValueError, "unknown preset"),
])
def test_bad_arguments_are_refused(call, error, message):
    with pytest.raises(error, match=message):
        call(photo())


def test_malformed_programs_are_refused_by_the_kernel():
    img = photo()
    lut = np.zeros((3, 256), np.uint8)
    reads_unwritten = [(0, 2, 5, 0, 0, 0, 255, (), (), lut, None, ())]
    with pytest.raises(ValueError, match="invalid"):
        _core.px_run(img, None, reads_unwritten, 2)
    writes_the_input = [(0, 0, 0, 0, 0, 0, 255, (), (), lut, None, ())]
    with pytest.raises(ValueError, match="invalid"):
        _core.px_run(img, None, writes_the_input, 0)
    nan_matrix = [(1, 2, 0, 0, 0, 0, 255, (float("nan"),) * 12, (), None, None, ())]
    with pytest.raises(ValueError, match="invalid"):
        _core.px_run(img, None, nan_matrix, 2)
    nan_radial = [(3, 0, 0, 0, 0, 0, 255, (), (0.5, float("nan"), 0.5, 0.5), None, None, ()),
                  (5, 2, 0, 0, 0, 0, 255, (), (), None, None, ())]
    with pytest.raises(ValueError, match="invalid"):
        _core.px_run(img, None, nan_radial, 2)
    short_mask = [(4, 0, 0, 0, 0, 0, 255, (), (), np.zeros(3, np.uint8), np.zeros(3, np.uint8), ())]
    with pytest.raises(ValueError, match="table of 107 bytes"):
        _core.px_run(img, None, short_mask, 0)
    short_lut = [(0, 2, 0, 0, 0, 0, 255, (), (), np.zeros(256, np.uint8), None, ())]
    with pytest.raises(ValueError, match="table of 768 bytes"):
        _core.px_run(img, None, short_lut, 2)
    mask_table_unwritten_mask = [(9, 2, 0, 0, 1, 0, 255, (), (), lut, None, ())]
    with pytest.raises(ValueError, match="invalid"):
        _core.px_run(img, None, mask_table_unwritten_mask, 2)
    mask_table_short = [(3, 0, 0, 0, 0, 0, 255, (), (0.5, 1.0, 0.5, 0.5), None, None, ()),
                        (9, 2, 0, 0, 0, 0, 255, (), (), np.zeros(256, np.uint8), None, ())]
    with pytest.raises(ValueError, match="table of 768 bytes"):
        _core.px_run(img, None, mask_table_short, 2)


@pytest.mark.parametrize("matrix", [
    [[1.9, -0.7, 0.3, 0.0], [-1.2, 2.5, 0.1, 0.0], [0.4, 0.4, 0.4, 0.0]],  # no offsets: the add is left out
    [[1.1, -0.2, 0.05, -40.0], [0.0, 1.0, 0.0, 300.0], [0.3, 0.59, 0.11, 0.5]],
    [[3e38, 0.0, 0.0, 0.0], [-3e38, 0.0, 0.0, 0.0], [1e30, -1e30, 7.0, -1e9]],  # to +-inf and far past 255
    [[0.299, 0.587, 0.114, 0.0]] * 3,  # gray: equal rows, the output joined from one plane
    [[2.5, -1.5, 0.7, 20.0]] * 3,  # gray, past both ends
    [[1e30, 1.0, 0.0, 0.0]] * 3,  # gray, past int32
])
def test_colour_matrix_stage_rounds_and_clamps_like_pillow(matrix, rng, isa):
    """A matrix stage is Pillow's convert(matrix) on every path, sums far outside
    0..255 included (each path clamps them in its own way). 149 pixels = 2 x 64
    + 16 + 5: every loop of every vector width runs."""
    from fastla.apps.filters.program import Program

    img = rng.integers(0, 256, (5, 149, 3), dtype=np.uint8)
    img[0, :4] = [[0, 0, 0], [255, 255, 255], [255, 0, 0], [0, 255, 255]]
    p = Program(5, 149)
    out = p.matrix(p.input(), matrix)
    ref = np.asarray(Image.fromarray(img).convert("RGB", tuple(np.float32(matrix).ravel().tolist())))
    np.testing.assert_array_equal(p.run(img, out), ref)


@pytest.mark.parametrize("matrix", [[[0.299, 0.587, 0.114, 0.0]] * 3, [[0.5, 0.2, 0.1, 0.0]] * 2 + [[0.1, 0.2, 0.5, 0.0]]])
def test_last_gray_matrix_on_rgba_writes_every_channel(matrix, rng, isa):
    """With alpha, the output interleaves all three planes: a gray last stage
    (whose RGB output is joined from one plane) still gives all three."""
    from fastla.apps.filters.program import Program

    img = rng.integers(0, 256, (3, 149, 4), dtype=np.uint8)
    p = Program(3, 149)
    out = p.run(img, p.matrix(p.input(), matrix))
    ref = np.asarray(Image.fromarray(img[..., :3]).convert("RGB", tuple(np.float32(matrix).ravel().tolist())))
    np.testing.assert_array_equal(out[..., :3], ref)
    np.testing.assert_array_equal(out[..., 3], img[..., 3])


def test_compiled_presets_are_kept_per_size(rng):
    """apply keeps each look's compiled stages per image size: a second call, or
    another size (aden's linear mask depends on it), gives what compiling anew gives."""
    from fastla.apps.filters.presets import _compiled, program

    for shape in [(23, 41), (41, 23), (23, 41)]:
        img = rng.integers(0, 256, shape + (3,), dtype=np.uint8)
        p, out = program("aden", *shape)
        np.testing.assert_array_equal(apply(img, "aden"), p.run(img, out))
    assert _compiled.cache_info().hits >= 1


def test_two_colour_composite_is_a_mask_table(rng):
    """A composite of two colours through a mask compiles to one mask lookup table,
    equal to Image.composite of the two fills."""
    from fastla.apps.filters.program import Program

    img = rng.integers(0, 256, (23, 41, 3), dtype=np.uint8)
    p = Program(23, 41)
    m = p.radial_mask(0.2, 0.9)
    out = p.composite(p.solid((250, 3, 128)), p.solid((7, 200, 64)), m)
    assert [op[0] for op in p.ops] == [3, 9]
    mask = np.asarray(p.run(img, p.composite(p.solid((255, 255, 255)), p.solid((0, 0, 0)), m)))[..., 0]
    a = Image.new("RGB", (41, 23), (250, 3, 128))
    b = Image.new("RGB", (41, 23), (7, 200, 64))
    ref = np.asarray(Image.composite(a, b, Image.fromarray(mask)))
    np.testing.assert_array_equal(p.run(img, out), ref)


def test_cli_presets_css_steps_and_contact_sheet(tmp_path, capsys):
    """`fastla filter` runs presets and CSS functions in the order given, the same
    as the Python calls; --contact-sheet writes the grid; a wrong name says which."""
    from fastla import cli

    img = np.random.default_rng(7).integers(0, 256, (30, 41, 3), dtype=np.uint8)
    src, out = tmp_path / "in.png", tmp_path / "out.png"
    Image.fromarray(img).save(src)
    assert cli.main(["filter", str(src), str(out), "--sepia", "0.8", "--preset", "clarendon"]) == 0
    want = apply(css.sepia(img, 0.8), "clarendon")
    assert np.array_equal(np.asarray(Image.open(out)), want)
    sheet = tmp_path / "sheet.png"
    assert cli.main(["filter", str(src), "--contact-sheet", str(sheet)]) == 0
    assert np.array_equal(np.asarray(Image.open(sheet)), contact_sheet(img))
    assert cli.main(["filter", str(src), str(out), "--preset", "nope"]) == 1
    assert "clarendon" in capsys.readouterr().err
