"""The SVD image compressor (fastla.apps.compressor), its kernel (the separable
filter behind SSIM), its file format, its CLI and its naive twin.

Quality is checked against independent references: NumPy's exact SVD for
Eckart-Young, scipy.ndimage for the filter, scikit-image for PSNR and SSIM.
Images are small crops of the bundled photo (fastla.datasets.demo_photo_path), or random."""

import io
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest

import fastla.naive as naive
from fastla import _core, cli
from fastla.apps.compressor import CompressedImage, compress, fla_format, load, metrics, report
from fastla.apps.compressor.colour import rgb_to_ycbcr, ycbcr_to_rgb
from fastla.apps.compressor.quantise import FLOAT16, INT8, INT16, quantise

def _photo(width=96, height=64):
    """A small natural image: the bundled coffee photo, resized."""
    from PIL import Image

    from fastla.datasets import demo_photo_path

    with Image.open(demo_photo_path()) as im:
        return np.asarray(im.convert("RGB").resize((width, height), Image.LANCZOS)).copy()


@pytest.fixture(scope="module")
def photo():
    return _photo()


def _exact_rank_k(img, k):
    """Each channel's exact rank-k truncated SVD (NumPy, float64), clipped."""
    out = np.empty(img.shape)
    for c in range(img.shape[2]):
        U, s, Vt = np.linalg.svd(img[..., c].astype(np.float64), full_matrices=False)
        out[..., c] = (U[:, :k] * s[:k]) @ Vt[:k]
    return np.clip(out, 0, 255)


# ---- the separable filter (C) -------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("shape,ntaps", [((17, 23), 11), ((3, 2), 11), ((1, 7), 5), ((40, 1), 3), ((6, 6), 1)])
def test_sep_filter_matches_scipy_reflect(dtype, shape, ntaps):
    ndimage = pytest.importorskip("scipy.ndimage")
    rng = np.random.default_rng(ntaps + shape[0])
    a = rng.standard_normal(shape).astype(dtype)
    taps = rng.standard_normal(ntaps).astype(dtype)
    ref = ndimage.correlate1d(a.astype(np.float64), taps.astype(np.float64), axis=1, mode="reflect")
    ref = ndimage.correlate1d(ref, taps.astype(np.float64), axis=0, mode="reflect")
    out = _core.sep_filter(a, taps)
    assert out.dtype == dtype and out.shape == shape
    tol = 1e-12 if dtype == np.float64 else 2e-5
    np.testing.assert_allclose(out, ref, atol=tol * np.abs(taps).sum() ** 2 * np.abs(a).max())


def test_sep_filter_reads_strided_views():
    rng = np.random.default_rng(1)
    a = rng.standard_normal((30, 40))
    taps = metrics.gaussian_taps()
    for view in (a.T, a[::2, ::-3], a[3:20, 5:9]):
        np.testing.assert_allclose(_core.sep_filter(view, taps), _core.sep_filter(view.copy(), taps), atol=1e-13)


def test_sep_filter_same_with_any_number_of_threads():
    import fastla

    a = np.random.default_rng(2).standard_normal((500, 900)).astype(np.float32)  # enough work for threads
    taps = metrics.gaussian_taps()
    before = fastla.get_num_threads()
    try:
        fastla.set_num_threads(1)
        one = _core.sep_filter(a, taps)
        fastla.set_num_threads(3)
        three = _core.sep_filter(a, taps)
    finally:
        fastla.set_num_threads(before)
    assert np.array_equal(one, three)  # each row is computed the same way by whichever thread


def test_sep_filter_bad_input():
    taps = metrics.gaussian_taps()
    with pytest.raises(ValueError, match="odd length"):
        _core.sep_filter(np.zeros((4, 4)), np.ones(4))
    with pytest.raises(ValueError, match="2-D"):
        _core.sep_filter(np.zeros(5), taps)
    with pytest.raises(TypeError, match="complex"):
        _core.sep_filter(np.zeros((4, 4), complex), taps)
    with pytest.raises(ValueError, match="NaN"):
        _core.sep_filter(np.zeros((4, 4)), [1.0, np.nan, 1.0])
    with pytest.raises(ValueError, match="at most 4097"):
        _core.sep_filter(np.zeros((4, 4)), np.ones(5001))
    assert _core.sep_filter(np.zeros((0, 5)), taps).shape == (0, 5)


# ---- metrics --------------------------------------------------------------------------

def test_psnr_and_ssim_match_skimage(photo):
    skm = pytest.importorskip("skimage.metrics")
    noisy = np.clip(photo + np.random.default_rng(2).normal(0, 12, photo.shape), 0, 255).astype(np.uint8)
    assert metrics.psnr(photo, noisy) == pytest.approx(skm.peak_signal_noise_ratio(photo, noisy), abs=1e-9)
    kw = dict(gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=255)
    ref = skm.structural_similarity(photo, noisy, channel_axis=-1, **kw)
    assert abs(metrics.ssim(photo, noisy) - ref) < 1e-3
    gray, gnoisy = photo[..., 1], noisy[..., 1]
    assert abs(metrics.ssim(gray, gnoisy) - skm.structural_similarity(gray, gnoisy, **kw)) < 1e-3
    assert metrics.ssim(photo, photo) == pytest.approx(1.0)
    assert metrics.psnr(photo, photo) == float("inf")


def test_ssim_refuses_images_smaller_than_its_window():
    with pytest.raises(ValueError, match="window"):
        metrics.ssim(np.zeros((5, 40), np.uint8), np.zeros((5, 40), np.uint8))
    with pytest.raises(ValueError, match="shapes"):
        metrics.psnr(np.zeros((5, 4)), np.zeros((4, 5)))


def test_ycbcr_round_trip():
    rgb = np.random.default_rng(0).integers(0, 256, (7, 5, 3))
    np.testing.assert_allclose(ycbcr_to_rgb(*rgb_to_ycbcr(rgb)), rgb, atol=1e-3)  # float32 planes
    grey = np.full((2, 2, 3), 77)
    y, cb, cr = rgb_to_ycbcr(grey)
    np.testing.assert_allclose([y, cb, cr], [np.full((2, 2), 77), np.full((2, 2), 128), np.full((2, 2), 128)],
                               atol=1e-4)


# ---- quantisation --------------------------------------------------------------------

def test_quantise_meets_its_tolerance_with_few_bits():
    rng = np.random.default_rng(4)
    x = rng.standard_normal(500)
    x /= np.linalg.norm(x)
    for tol in (0.2, 0.02, 1e-3, 1e-4):
        q = quantise(x, tol)
        err = np.linalg.norm(q.decode() - x)
        assert err <= 1.5 * tol
        assert q.kind == (INT8 if tol >= 0.02 else INT16)  # 7 bits do for 0.02; 11 for 1e-3
    coarse, fine = quantise(x, 0.2), quantise(x, 0.02)
    assert np.abs(coarse.data).max() < np.abs(fine.data).max()  # fewer levels for a looser tolerance
    spike = np.zeros(1000)
    spike[0], spike[1:] = 1.0, 1e-6  # a huge dynamic range: float16 keeps the small entries
    assert quantise(spike, 1e-7).kind == FLOAT16
    assert quantise(np.zeros(9), 0.1).decode().tolist() == [0.0] * 9


# ---- compress: ranks and quality --------------------------------------------------------

@pytest.mark.parametrize("k", [1, 4, 12])
def test_eckart_young_rgb_within_a_tenth_of_a_db_of_numpy(photo, k):
    c = compress(photo, rank=k, mode="rgb")
    assert c.ranks == (k, k, k)
    exact = metrics.psnr(photo, _exact_rank_k(photo, k))
    assert c.psnr(photo) >= exact - 0.1
    # and, being rank k, no better than the exact rank k allows (but for rounding)
    assert c.psnr(photo) <= exact + 0.05


def test_singular_values_match_numpy(photo):
    c = compress(photo, rank=6, mode="rgb")
    for ch, plane in enumerate(c.planes):
        s = np.linalg.svd(photo[..., ch].astype(np.float64), compute_uv=False)[:6]
        np.testing.assert_allclose(plane.sigma, s, rtol=2e-3)


@pytest.mark.parametrize("mode,target", [("rgb", 27.0), ("ycbcr", 29.0), ("gray", 30.0)])
def test_target_psnr_gives_the_smallest_rank(photo, mode, target):
    c = compress(photo, target_psnr=target, mode=mode)
    assert c.psnr(photo) >= target
    assert c.rank >= 2
    below = compress(photo, rank=c.rank - 1, mode=mode)
    assert below.psnr(photo) < target
    # the file holds what was measured
    assert load_bytes(c.to_bytes()).psnr(photo) == c.psnr(photo)


def test_target_psnr_out_of_reach_says_so(monkeypatch):
    import importlib

    compress_module = importlib.import_module("fastla.apps.compressor.compress")
    # quantisation allowed a mean squared error of 20: even full rank stays below 36 dB
    monkeypatch.setattr(compress_module, "QUANT_FLOOR", 20.0)
    noise = np.random.default_rng(5).integers(0, 256, (12, 15, 3)).astype(np.uint8)
    with pytest.raises(ValueError, match="out of reach"):
        compress(noise, target_psnr=45, mode="rgb")


def test_energy_keeps_the_fewest_components(photo):
    fraction = 0.9
    c = compress(photo, energy=fraction, mode="rgb")
    for ch, r in enumerate(c.ranks):
        plane = photo[..., ch].astype(np.float64)
        centred_energy = ((plane - plane.mean()) ** 2).sum()
        left = (plane ** 2).sum() - np.cumsum(np.linalg.svd(plane, compute_uv=False) ** 2)
        allowed = (1 - fraction) * centred_energy
        assert left[r - 1] <= allowed * (1 + 1e-4)
        assert r == 1 or left[r - 2] > allowed * (1 - 1e-4)


def test_ycbcr_beats_rgb_at_equal_file_size():
    # rgb at rank 20, and the largest ycbcr file no bigger than it
    photo = _photo(192, 128)
    rgb = compress(photo, rank=20, mode="rgb")
    best = None
    for k in range(12, 22):
        c = compress(photo, rank=k, mode="ycbcr")
        if c.nbytes <= rgb.nbytes:
            best = c
    assert best is not None
    y, cb, cr = best.ranks
    assert y > max(cb, cr)  # luma gets the most
    gain = best.psnr(photo) - rgb.psnr(photo)
    assert 1.0 <= gain <= 6.0


def test_ycbcr_allocation_is_greedy_by_weighted_sigma(photo):
    from fastla.apps.compressor import colour

    c = compress(photo, rank=8, mode="ycbcr")
    assert sum(c.ranks) == 24
    planes = rgb_to_ycbcr(photo)
    gains = []
    for i, p in enumerate(planes):
        s = np.linalg.svd(p - p.mean(), compute_uv=False)
        gains += [(colour.RGB_ERROR_WEIGHT[i] * v * v, i) for v in s]
    top = sorted(gains, reverse=True)[:24]
    expected = tuple(sum(1 for _, i in top if i == p) for p in range(3))
    assert sum(abs(a - b) for a, b in zip(c.ranks, expected)) <= 2  # randomized SVD's last digits


# ---- odd inputs ----------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(1, 17), (17, 1), (1, 1, 3), (2, 9, 3), (5, 3)])
def test_odd_sizes_and_rank_beyond_min_side(shape):
    img = np.random.default_rng(sum(shape)).integers(0, 256, shape).astype(np.uint8)
    c = compress(img, rank=50)
    assert c.to_image().shape == img.shape
    assert max(c.ranks) <= min(shape[:2])
    assert c.psnr(img) > 40  # full rank: only quantisation and rounding remain
    back = load_bytes(c.to_bytes())
    assert np.array_equal(back.to_image(), c.to_image())


def test_constant_image_is_exact():
    img = np.full((8, 6, 3), 200, np.uint8)
    c = compress(img, rank=3)
    assert c.ranks == (1, 1, 1)  # Y, Cb, Cr each one flat layer
    assert np.array_equal(c.to_image(), img)
    black = compress(np.zeros((4, 5), np.uint8), rank=2)
    assert black.ranks == (0,) and not black.to_image().any()


def test_exactly_low_rank_planes():
    # a two-valued step is rank one: float32 Jacobi can stall on the cluster of
    # zero singular values left behind, and compress must still succeed
    step = np.where(np.arange(96) < 40, 255, 0).astype(np.uint8)[None, :].repeat(64, 0)
    img = np.dstack([step, 255 - step, np.full_like(step, 90)])
    c = compress(img, rank=5, mode="rgb")
    assert c.ranks == (1, 1, 1)
    assert np.abs(c.to_image().astype(int) - img).max() <= 1


def test_gray_rgba_and_pil_input(photo, tmp_path):
    from PIL import Image

    gray = photo[..., 0].copy()
    g = compress(gray, rank=5, mode="ycbcr")  # gray input stays gray
    assert g.mode == "gray" and g.to_image().shape == gray.shape and g.ranks == (5,)
    rgba = np.dstack([photo, np.where(np.arange(photo.shape[1]) < 40, 255, 0).astype(np.uint8)[None, :].repeat(
        photo.shape[0], 0)])
    c = compress(rgba, rank=5)
    assert c.channels == 4 and c.to_image().shape == rgba.shape
    assert len(c.ranks) == 4 and c.ranks[3] == 1  # a two-valued alpha is rank one
    assert np.abs(c.to_image()[..., 3].astype(int) - rgba[..., 3]).max() <= 1
    assert compress(Image.fromarray(photo), rank=5).psnr(photo) == compress(photo, rank=5).psnr(photo)
    lum = compress(photo, rank=5, mode="gray")  # colour to luma
    assert lum.channels == 1 and lum.psnr(photo) > 20
    c.save(tmp_path / "a.fla")
    assert np.array_equal(load(tmp_path / "a.fla").to_image(), c.to_image())


def test_bad_arguments(photo):
    with pytest.raises(ValueError, match="exactly one"):
        compress(photo)
    with pytest.raises(ValueError, match="exactly one"):
        compress(photo, rank=3, energy=0.5)
    with pytest.raises(ValueError, match="mode"):
        compress(photo, rank=3, mode="hsv")
    with pytest.raises(ValueError, match="at least 1"):
        compress(photo, rank=0)
    with pytest.raises(ValueError, match="energy"):
        compress(photo, energy=1.5)
    with pytest.raises(ValueError, match="target_psnr"):
        compress(photo, target_psnr=float("nan"))
    with pytest.raises(TypeError, match="uint8"):
        compress(photo.astype(float), rank=3)
    with pytest.raises(ValueError, match="shape"):
        compress(np.zeros((4, 4, 2), np.uint8), rank=3)
    with pytest.raises(ValueError, match="shape"):
        compress(photo, rank=3).psnr(photo[:10])


# ---- the file --------------------------------------------------------------------------------

def load_bytes(data, name="test.fla"):
    return fla_format.decode(data, name)


def test_file_round_trip(photo, tmp_path):
    c = compress(photo, rank=7)
    path = tmp_path / "p.fla"
    size = c.save(path)
    assert size == c.nbytes == path.stat().st_size
    d = load(path)
    assert isinstance(d, CompressedImage)
    assert (d.mode, d.ranks, d.shape) == (c.mode, c.ranks, c.shape)
    assert np.array_equal(d.to_image(), c.to_image())
    assert d.nbytes == size  # re-encoding gives the same bytes
    assert d.ssim(photo) == pytest.approx(c.ssim(photo))


def _valid_file(photo):
    return compress(photo[:24, :32], rank=3).to_bytes()


def _with_crc(body):
    return body + struct.pack("<I", zlib.crc32(body))


def test_each_corruption_is_a_value_error_naming_the_file(photo, tmp_path):
    good = _valid_file(photo)
    body = bytearray(good[:-4])
    cases = {
        "magic": b"PNG" + good[3:],
        "version": _with_crc(bytes(body[:8]) + b"\x07" + bytes(body[9:])),
        "checksum": good[:-1] + bytes([good[-1] ^ 1]),
        "truncated": good[: len(good) // 2],
        "empty": b"",
    }
    huge = bytearray(body)
    struct.pack_into("<II", huge, 12, 60000, 60000)  # 3.6 gigapixels
    cases["dimensions"] = _with_crc(bytes(huge))
    rank = bytearray(body)
    struct.pack_into("<I", rank, fla_format._HEAD.size, 10**6)
    cases["rank"] = _with_crc(bytes(rank))
    codec = bytearray(body)
    codec[9] = 9
    cases["codec"] = _with_crc(bytes(codec))
    cases["payload"] = _with_crc(bytes(body[:-5]))  # shorter payload than its length says
    expected = {"magic": "magic", "version": "version 7", "checksum": "checksum", "truncated": "checksum",
                "empty": "magic", "dimensions": "absurd dimensions", "rank": "rank",
                "codec": "codec", "payload": "payload"}
    for what, data in cases.items():
        path = tmp_path / f"{what}.fla"
        path.write_bytes(data)
        with pytest.raises(ValueError, match=expected[what]) as info:
            load(path)
        assert str(path) in str(info.value)


def test_decompression_is_bounded_by_the_header(photo):
    """A payload that inflates to more than the header describes is refused
    without inflating it."""
    good = _valid_file(photo)
    head_len = len(good) - 4 - _payload_len(good)  # everything before the payload
    bomb = zlib.compress(b"\0" * 5_000_000, 9)  # 5 MB of zeros in 5 KB
    forged = bytearray(good[:head_len - 4]) + struct.pack("<I", len(bomb)) + bomb
    forged[9] = fla_format.ZLIB
    with pytest.raises(ValueError, match="payload"):
        load_bytes(_with_crc(bytes(forged)))


def _payload_len(data):
    """The payload length field, found by walking the header."""
    nplanes = data[20]
    ranks = [struct.unpack_from("<I", data, 21 + 8 * i)[0] for i in range(nplanes)]
    at = 21 + 8 * nplanes + fla_format._COMPONENT.size * sum(ranks)
    return struct.unpack_from("<I", data, at)[0]


def test_fuzz_flips_and_truncations_always_value_error(photo):
    good = _valid_file(photo)
    rng = np.random.default_rng(11)
    for trial in range(300):
        data = bytearray(good)
        if trial % 3 == 0:
            data = data[: rng.integers(0, len(good))]
        else:
            for _ in range(rng.integers(1, 4)):
                i = rng.integers(0, len(data))
                data[i] ^= 1 << rng.integers(0, 8)
        with pytest.raises(ValueError):
            load_bytes(bytes(data))


def test_fuzz_with_a_fixed_checksum_never_crashes(photo):
    """Flips behind a recomputed CRC get past the checksum: every field check
    must then hold on its own (a ValueError, or a valid image)."""
    good = _valid_file(photo)
    body = good[:-4]
    rng = np.random.default_rng(12)
    loaded = 0
    for _ in range(300):
        data = bytearray(body)
        i = int(rng.integers(8, len(data)))  # past the magic
        data[i] = int(rng.integers(0, 256))
        try:
            c = load_bytes(_with_crc(bytes(data)))
        except ValueError:
            continue
        img = c.to_image()
        assert img.dtype == np.uint8 and img.size <= 24 * 32 * 4
        loaded += 1
    assert loaded > 0  # flips inside the vectors' data still decode


def test_nothing_is_unpickled():
    src = Path(fla_format.__file__).read_text()
    assert "import pickle" not in src and "eval(" not in src and "exec(" not in src and "marshal" not in src


# ---- naive twin -------------------------------------------------------------------------------

def test_naive_compress_gray_agrees_with_numpy_and_fastla():
    img = np.random.default_rng(6).integers(0, 256, (9, 7)).astype(np.uint8)
    k = 3
    s, U, Vt, approx = naive.compress_gray(img, k)
    s_ref = np.linalg.svd(img.astype(np.float64), compute_uv=False)
    np.testing.assert_allclose(s, s_ref[:k], rtol=1e-10)
    unrounded = (np.array(U) * s) @ np.array(Vt)
    assert np.array_equal(np.array(approx), np.clip(np.rint(unrounded), 0, 255))
    # Eckart-Young: before rounding, the error is the energy left out
    assert ((img - unrounded) ** 2).sum() == pytest.approx((s_ref[k:] ** 2).sum(), rel=1e-9)
    from fastla.naive.compress import squared_error

    assert squared_error(img, unrounded) == pytest.approx((s_ref[k:] ** 2).sum(), rel=1e-9)
    fast = compress(img, rank=k, mode="gray")
    np.testing.assert_allclose(fast.planes[0].sigma, s, rtol=1e-5)
    with pytest.raises(ValueError, match="k is 8"):
        naive.compress_gray(img, 8)


# ---- report and CLI -----------------------------------------------------------------------------

def test_jpeg_at_size_is_the_closest_below(photo):
    q, size, decoded = report.jpeg_at_size(photo, 4000)
    assert size <= 4000 and decoded.shape == photo.shape
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(photo).save(buf, format="JPEG", quality=q + 1)
    assert q == 100 or len(buf.getvalue()) > 4000
    assert report.jpeg_at_size(photo, 10) is None


def test_report_table_and_verdict(photo):
    rows = report.quality_table(photo, ranks=(6, 2))
    assert [r.rank for r in rows] == [2, 6]
    for r in rows:
        assert r.nbytes == compress(photo, rank=r.rank).nbytes
        if r.rgb_rank is not None:
            assert compress(photo, rank=r.rgb_rank, mode="rgb").nbytes <= r.nbytes < compress(
                photo, rank=r.rgb_rank + 1, mode="rgb").nbytes
        assert r.ratio == pytest.approx(photo.nbytes / r.nbytes)
        assert r.jpeg_bytes is None or r.jpeg_bytes <= r.nbytes
        assert r.rgb_psnr is None or r.rgb_psnr < r.psnr
    text = report.format_table(rows)
    assert "JPEG PSNR" in text and f"{rows[0].nbytes:,}" in text
    fake = [report.Row(1, (1,), 100, 2.0, 20.0, 0.5, None, None, 50, 90, 25.0, 0.8)]
    assert report.verdict(fake).startswith("JPEG wins")


def test_cli_compress_decompress_report(photo, tmp_path, capsys):
    from fastla.apps.images import read_image, write_image

    src = tmp_path / "photo.png"
    write_image(src, photo)
    out = tmp_path / "photo.fla"
    assert cli.main(["compress", str(src), "-k", "6", "-o", str(out)]) == 0
    assert "wrote" in capsys.readouterr().out
    assert cli.main(["compress", str(src), "--target-psnr", "28", "-o", str(tmp_path / "t.fla")]) == 0
    assert load(tmp_path / "t.fla").psnr(photo) >= 28
    png = tmp_path / "back.png"
    assert cli.main(["decompress", str(out), "-o", str(png)]) == 0
    assert np.array_equal(read_image(png), load(out).to_image())
    capsys.readouterr()
    assert cli.main(["compress", str(src), "--report", "--ranks", "3,8"]) == 0
    text = capsys.readouterr().out
    assert "JPEG" in text and ("JPEG wins" in text or "beats JPEG" in text or "Mixed" in text)
    (tmp_path / "junk.fla").write_bytes(b"junk")
    assert cli.main(["decompress", str(tmp_path / "junk.fla")]) == 2
    assert "magic" in capsys.readouterr().err
    assert cli.main(["compress", str(src)]) == 2


def test_charts_are_written(photo, tmp_path):
    pytest.importorskip("matplotlib")
    paths = report.save_charts(photo[:32, :48], str(tmp_path / "c"), ranks=(2, 4), max_rank=6)
    assert [Path(p).name for p in paths] == ["c-spectrum.png", "c-psnr.png", "c-grid.png"]
    for p in paths:
        assert Path(p).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_charts_without_matplotlib_say_what_to_install(photo, tmp_path, monkeypatch, capsys):
    import sys

    from fastla.apps.images import write_image

    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now fails
    with pytest.raises(RuntimeError, match=r"fastla\[plot\]"):
        report.save_charts(photo, str(tmp_path / "c"))
    src = tmp_path / "p.png"
    write_image(src, photo)
    assert cli.main(["compress", str(src), "--charts", str(tmp_path / "c")]) == 1
    assert "matplotlib" in capsys.readouterr().err


def test_report_on_a_gray_image(photo):
    gray = photo[..., 1].copy()
    rows = report.quality_table(gray, ranks=(3,))
    assert rows[0].ranks == (3,) and rows[0].rgb_rank is None
    assert rows[0].jpeg_psnr is None or rows[0].jpeg_bytes <= rows[0].nbytes
