"""Photo filters (fastla.apps.filters): colour matrices, convolution, affine warps.

References: OpenCV (cv2.transform, cv2.filter2D, cv2.GaussianBlur, cv2.warpAffine)
where installed, NumPy versions of the same fixed-point arithmetic (exact), float
NumPy references (within 1 LSB), and the plain-Python twins in fastla.naive.image
(exact). Sizes are odd on purpose: 1 x 1, 1 x N, N x 1, kernels larger than the
image, and widths that leave a tail after the SIMD blocks. Every test that takes
`isa` runs once per SIMD path of this machine."""

import numpy as np
import pytest

import fastla
from fastla.apps import filters as F
from fastla.apps.filters.color import fixed_point_matrix
from fastla.apps.filters.convolution import fixed_point_kernel, rank_one_factors
from fastla.naive import image as naive

SEPIA = np.array([[0.393, 0.769, 0.189], [0.349, 0.686, 0.168], [0.272, 0.534, 0.131]])
SHAPES = [(1, 1), (1, 7), (9, 1), (5, 37), (17, 70), (3, 33)]


def random_image(rng, h, w, c=3):
    shape = (h, w) if c == 1 else (h, w, c)
    return rng.integers(0, 256, shape, dtype=np.uint8)


def cv2_or_skip():
    cv2 = pytest.importorskip("cv2")
    cv2.setNumThreads(1)
    return cv2


def reflect_pad(img, rh, rw):
    """reflect-101 padding (NumPy's 'reflect' does not repeat the edge), repeated
    for pads wider than the image; a single row or column is its own reflection."""
    out = img.astype(np.int64)
    for axis, r in ((0, rh), (1, rw)):
        n = out.shape[axis]
        idx = np.arange(-r, n + r)
        if n == 1:
            idx = np.zeros_like(idx)
        else:
            period = 2 * n - 2
            idx = np.abs((idx + period * (abs(idx.min()) // period + 1)) % period)
            idx = np.where(idx >= n, period - idx, idx)
        out = np.take(out, idx, axis=axis)
    return out


def correlate_float(img, k):
    """Exact correlation in float64 with reflect-101 borders, per channel."""
    kh, kw = k.shape
    pad = reflect_pad(img, kh // 2, kw // 2).astype(np.float64)
    h, w = img.shape[:2]
    out = np.zeros(img.shape, dtype=np.float64)
    for i in range(kh):
        for j in range(kw):
            out += k[i, j] * pad[i:i + h, j:j + w]
    return out


def correlate_fixed(img, q, shift):
    """The 2-D kernel's own integer arithmetic, in NumPy int64."""
    kh, kw = q.shape
    pad = reflect_pad(img, kh // 2, kw // 2)
    h, w = img.shape[:2]
    acc = np.full(img.shape, (1 << shift) >> 1, dtype=np.int64)
    for i in range(kh):
        for j in range(kw):
            acc += int(q[i, j]) * pad[i:i + h, j:j + w]
    return np.clip(acc >> shift, 0, 255).astype(np.uint8)


# ---- colour matrix ------------------------------------------------------------------

@pytest.mark.parametrize("shape", SHAPES + [(4, 100)])
def test_color_matrix_is_opencvs_transform_bit_for_bit(isa, rng, shape):
    cv2 = cv2_or_skip()
    img = random_image(rng, *shape)
    M = np.hstack([SEPIA + rng.normal(0, 0.3, (3, 3)), rng.normal(0, 20, (3, 1))])
    for m in (M, M[:, :3]):
        np.testing.assert_array_equal(F.color_matrix(img, m), cv2.transform(img, m.astype(np.float32)))


@pytest.mark.parametrize("shape", [(1, 1), (7, 45), (2, 64), (3, 130)])
def test_color_matrix_equals_numpy_fixed_point_and_keeps_alpha(isa, rng, shape):
    img = random_image(rng, *shape, c=4)
    M = np.hstack([rng.normal(0, 1.5, (3, 3)), rng.normal(0, 60, (3, 1))])
    q = np.rint(M * 1024).astype(np.int64)
    ref = np.clip((img[..., :3].astype(np.int64) @ q[:, :3].T + q[:, 3] + 512) >> 10, 0, 255)
    out = F.color_matrix(img, M)
    np.testing.assert_array_equal(out[..., :3], ref)
    np.testing.assert_array_equal(out[..., 3], img[..., 3])
    exact = np.clip(np.rint(img[..., :3] @ M[:, :3].T + M[:, 3]), 0, 255)
    assert np.abs(out[..., :3] - exact).max() <= 1


def test_color_matrix_large_weights_leave_the_simd_path_same_bytes(isa, rng):
    img = random_image(rng, 3, 70)
    M = np.array([[40.0, -39.5, 0.2, -10], [0.1, 0.2, 0.3, 0], [-100, 50, 51, 5]])
    q = fixed_point_matrix(M).astype(np.int64)
    ref = np.clip((img.astype(np.int64) @ q[:, :3].T + q[:, 3] + 512) >> 10, 0, 255)
    np.testing.assert_array_equal(F.color_matrix(img, M), ref)


def test_color_matrix_identity_strided_views_and_pil(rng):
    from PIL import Image

    img = random_image(rng, 20, 30)
    np.testing.assert_array_equal(F.color_matrix(img, np.eye(3)), img)
    view = img[::2, ::-3]
    np.testing.assert_array_equal(F.color_matrix(view, SEPIA), F.color_matrix(view.copy(), SEPIA))
    np.testing.assert_array_equal(F.color_matrix(Image.fromarray(img), SEPIA), F.color_matrix(img, SEPIA))


def test_color_matrix_equals_naive_twin(rng):
    img = random_image(rng, 3, 5, c=4)
    M = np.hstack([SEPIA, [[10.0], [-20.0], [0.5]]])
    assert F.color_matrix(img, M).tolist() == naive.color_matrix(img.tolist(), M.tolist())


# ---- convolution ------------------------------------------------------------------

@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("ksize", [(1, 1), (3, 3), (5, 5), (3, 7), (11, 11)])
def test_convolve_2d_equals_fixed_point_reference_and_opencv(isa, rng, shape, ksize):
    img = random_image(rng, *shape)
    k = rng.normal(0, 0.3, ksize)
    out = F.convolve(img, k, method="2d")
    q, shift = fixed_point_kernel(k)
    np.testing.assert_array_equal(out, correlate_fixed(img, q, shift))
    assert np.abs(out - np.clip(np.rint(correlate_float(img, k)), 0, 255)).max() <= 1
    cv2 = pytest.importorskip("cv2")
    if min(shape) > 1:  # OpenCV reflects a single row or column differently
        ref = cv2.filter2D(img, -1, k.astype(np.float32), borderType=cv2.BORDER_REFLECT_101)
        assert np.abs(out.astype(int) - ref).max() <= 1


@pytest.mark.parametrize("shape", [(5, 37), (17, 70)])
def test_convolve_sparse_kernels_skip_zero_taps_exactly(isa, rng, shape):
    """Pairs of zero taps are skipped, a zero row included: still the reference."""
    img = random_image(rng, *shape)
    diamond = np.array([[0, 0, -1, 0, 0], [0, -1, -2, -1, 0], [-1, -2, 17, -2, -1],
                        [0, -1, -2, -1, 0], [0, 0, -1, 0, 0]], dtype=float)
    ring = np.zeros((7, 7))
    ring[0, :] = ring[-1, :] = 0.05
    ring[3, 3] = 0.3
    for k in (diamond, ring):
        q, shift = fixed_point_kernel(k)
        np.testing.assert_array_equal(F.convolve(img, k, method="2d"), correlate_fixed(img, q, shift))


@pytest.mark.parametrize("channels", [1, 3, 4])
def test_convolve_channels_and_alpha(isa, rng, channels):
    img = random_image(rng, 9, 41, c=channels)
    k = rng.normal(0, 0.3, (3, 5))
    out = F.convolve(img, k)
    q, shift = fixed_point_kernel(k)
    ref = correlate_fixed(img, q, shift)
    if channels == 4:
        np.testing.assert_array_equal(out[..., 3], img[..., 3])
        ref[..., 3] = img[..., 3]
    np.testing.assert_array_equal(out, ref)


@pytest.mark.parametrize("shape", SHAPES)
def test_separable_path_within_one_lsb_of_exact_and_equal_to_naive(isa, rng, shape):
    img = random_image(rng, *shape)
    ky, kx = rng.normal(0, 1, 7), rng.normal(0, 0.2, 5)
    k = np.outer(ky, kx)
    factors = rank_one_factors(k)
    assert factors is not None
    np.testing.assert_allclose(np.outer(*factors), k, atol=1e-12)
    out = F.convolve(img, k)
    np.testing.assert_array_equal(out, F.convolve_separable(img, *factors))
    assert np.abs(out - np.clip(np.rint(correlate_float(img, k)), 0, 255)).max() <= 1
    if shape[0] * shape[1] <= 40:
        assert out.tolist() == naive.convolve_separable(img.tolist(), *(f.tolist() for f in factors))


@pytest.mark.parametrize("ksize", [(1, 1), (1, 5), (7, 1)])
def test_single_row_or_column_kernels_take_the_separable_path(isa, rng, ksize):
    img = random_image(rng, 6, 40)
    k = rng.normal(0, 0.5, ksize)
    ky, kx = rank_one_factors(k)
    np.testing.assert_allclose(np.outer(ky, kx), k, rtol=1e-15)
    out = F.convolve(img, k)
    assert np.abs(out - np.clip(np.rint(correlate_float(img, k)), 0, 255)).max() <= 1
    assert np.abs(out.astype(int) - F.convolve(img, k, method="2d")).max() <= 1


def test_rank_two_kernel_is_not_taken_as_separable(rng):
    k = np.outer(rng.normal(size=3), rng.normal(size=3)) + np.outer(rng.normal(size=3), rng.normal(size=3))
    assert rank_one_factors(k) is None
    with pytest.raises(ValueError, match="not separable"):
        F.convolve(random_image(rng, 4, 4), k, method="separable")


@pytest.mark.parametrize("ksize", [(3, 3), (5, 3), (1, 5)])
def test_convolve_equals_naive_twin(rng, ksize):
    img = random_image(rng, 4, 6)
    k = rng.normal(0, 0.4, ksize)
    assert F.convolve(img, k, method="2d").tolist() == naive.convolve(img.tolist(), k.tolist())


def test_kernel_larger_than_the_image(isa, rng):
    img = random_image(rng, 2, 3)
    k = rng.normal(0, 0.1, (9, 7))
    q, shift = fixed_point_kernel(k)
    np.testing.assert_array_equal(F.convolve(img, k), correlate_fixed(img, q, shift))
    assert F.convolve(img, k).tolist() == naive.convolve(img.tolist(), k.tolist())
    k = rng.normal(0, 0.01, (61, 45))  # many reflections across the image
    q, shift = fixed_point_kernel(k)
    np.testing.assert_array_equal(F.convolve(img, k), correlate_fixed(img, q, shift))


@pytest.mark.parametrize("sigma", [0.7, 2.0, 3.3])
def test_gaussian_blur_matches_opencv(isa, rng, sigma):
    cv2 = cv2_or_skip()
    img = random_image(rng, 31, 53)
    g = F.gaussian_kernel(sigma)
    ref_k = cv2.getGaussianKernel(len(g), sigma)[:, 0]
    np.testing.assert_allclose(g, ref_k, atol=1e-7)
    out = F.gaussian_blur(img, sigma)
    assert np.abs(out.astype(int) - cv2.GaussianBlur(img, (0, 0), sigma)).max() <= 1
    assert np.abs(out - np.clip(np.rint(correlate_float(img, np.outer(g, g))), 0, 255)).max() <= 1


def test_named_kernels_match_opencv(isa, rng):
    cv2 = cv2_or_skip()
    img = random_image(rng, 21, 34)
    box = cv2.blur(img, (5, 5), borderType=cv2.BORDER_REFLECT_101)
    assert np.abs(F.box_blur(img, 5).astype(int) - box).max() <= 1
    sharp = cv2.filter2D(img, -1, np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], np.float32))
    np.testing.assert_array_equal(F.sharpen(img), sharp)
    gx = cv2.Sobel(img, cv2.CV_16S, 1, 0)
    gy = cv2.Sobel(img, cv2.CV_16S, 0, 1)
    edges = np.minimum(np.minimum(np.abs(gx), 255) + np.minimum(np.abs(gy), 255), 255)
    np.testing.assert_array_equal(F.sobel(img), edges)
    np.testing.assert_array_equal(F.sobel(img, "x"), np.minimum(np.abs(gx), 255))
    emb = cv2.filter2D(img, -1, np.array([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]], np.float32))
    np.testing.assert_array_equal(F.emboss(img), emb)


# ---- affine warp ------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(1, 1), (1, 9), (8, 1), (23, 37)])
@pytest.mark.parametrize("channels", [1, 3, 4])
def test_transform_within_one_lsb_of_opencv(rng, shape, channels):
    cv2 = cv2_or_skip()
    img = random_image(rng, *shape, c=channels)
    h, w = shape
    for A in (cv2.getRotationMatrix2D((w / 2, h / 2), 17, 1.1),
              np.array([[0.8, 0.3, 2.5], [-0.2, 1.3, -1.25]]),
              np.array([[1, 0, 0.3], [0, 1, -0.7]])):
        out = F.transform(img, A)
        ref = cv2.warpAffine(img, A, (w, h))
        assert out.shape == img.shape
        assert np.abs(out.astype(int) - ref.reshape(out.shape)).max() <= 1


@pytest.mark.parametrize("channels", [1, 3, 4])
def test_transform_same_bytes_on_every_path(isa, rng, channels):
    img = random_image(rng, 37, 61, c=channels)
    for A in (F.rotation_matrix(23, (30, 18), 1.3), np.array([[0.7, 0.1, 3.2], [-0.05, 1.1, -2.7]]),
              np.array([[-1.0, 0, 60], [0, 1, 0]])):
        fastla.set_isa("generic")
        ref = F.transform(img, A)
        fastla.set_isa(isa)
        np.testing.assert_array_equal(F.transform(img, A), ref)


def test_transform_identity_translation_and_shape(rng):
    img = random_image(rng, 6, 8, c=4)
    np.testing.assert_array_equal(F.transform(img, [[1, 0, 0], [0, 1, 0]]), img)
    moved = F.transform(img, [[1, 0, 2], [0, 1, 1]])  # whole pixels: a plain shift
    np.testing.assert_array_equal(moved[1:, 2:], img[:-1, :-2])
    assert not moved[0].any() and not moved[:, :2].any()
    assert F.transform(img, np.eye(2, 3) * 2, shape=(12, 16)).shape == (12, 16, 4)
    np.testing.assert_array_equal(F.rotate(img, 0), img)
    np.testing.assert_array_equal(F.rotate(F.rotate(img[:5, :5], 90), -90), img[:5, :5])
    assert F.scale(img, 0.5).shape == (3, 4, 4)


def test_transform_far_outside_the_input(rng):
    cv2 = cv2_or_skip()
    img = random_image(rng, 20, 30)
    for A in ([[1e-6, 0, 0.5], [0, 1e-6, 0.25]], [[-1, 0, -1e7], [0, 1, 3]], [[50, 0, -700], [0, 50, -400]]):
        A = np.array(A, dtype=np.float64)
        assert np.abs(F.transform(img, A).astype(int) - cv2.warpAffine(img, A, (30, 20))).max() <= 1


def test_rotate_is_opencvs_rotation(rng):
    cv2 = cv2_or_skip()
    img = random_image(rng, 19, 26)
    A = cv2.getRotationMatrix2D((12.5, 9.0), 15, 1.0)
    np.testing.assert_allclose(F.rotation_matrix(15, (12.5, 9.0)), A, atol=1e-12)
    assert np.abs(F.rotate(img, 15).astype(int) - cv2.warpAffine(img, A, (26, 19))).max() <= 1


# ---- threads and bad input ------------------------------------------------------------

def test_threads_give_the_same_bytes(rng, threads):
    img = random_image(rng, 64, 90)
    k = rng.normal(0, 0.3, (5, 5))
    A = [[0.9, 0.2, 3], [-0.2, 0.9, 5]]
    fastla.set_num_threads(1)
    one = (F.convolve(img, k), F.gaussian_blur(img, 1.5), F.transform(img, A), F.color_matrix(img, SEPIA))
    fastla.set_num_threads(2)
    two = (F.convolve(img, k), F.gaussian_blur(img, 1.5), F.transform(img, A), F.color_matrix(img, SEPIA))
    for a, b in zip(one, two):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("call, error, message", [
    (lambda img: F.color_matrix(img.astype(np.float32), SEPIA), TypeError, "uint8"),
    (lambda img: F.color_matrix(img[..., :2], SEPIA), ValueError, "shape"),
    (lambda img: F.color_matrix(img, np.ones((2, 3))), ValueError, "shape"),
    (lambda img: F.color_matrix(img, [[np.nan, 0, 0], [0, 1, 0], [0, 0, 1]]), ValueError, "NaN"),
    (lambda img: F.color_matrix(img, SEPIA * 1000), ValueError, "within"),
    (lambda img: F.color_matrix(img, [["a", 0, 0]] * 3), TypeError, "dtype"),
    (lambda img: F.color_matrix("photo.jpg", SEPIA), TypeError, "PIL"),
    (lambda img: F.convolve(img, np.ones((2, 3))), ValueError, "odd"),
    (lambda img: F.convolve(img, np.ones(3)), ValueError, "2-D"),
    (lambda img: F.convolve(img, [[1, np.inf, 1]]), ValueError, "NaN or infinite"),
    (lambda img: F.convolve(img, [[1e9]]), ValueError, "too large"),
    (lambda img: F.convolve(img.astype(np.int16), np.ones((3, 3))), TypeError, "uint8"),
    (lambda img: F.convolve(img, np.ones((3, 3)), method="fft"), ValueError, "method"),
    (lambda img: F.convolve_separable(img, np.ones((3, 3)), [1.0]), ValueError, "1-D"),
    (lambda img: F.convolve_separable(img, [1.0, 2.0], [1.0]), ValueError, "odd"),
    (lambda img: F.gaussian_blur(img, float("nan")), ValueError, "finite"),
    (lambda img: F.gaussian_blur(img, 0), ValueError, "> 0"),
    (lambda img: F.gaussian_blur(img, "2"), TypeError, "real number"),
    (lambda img: F.box_blur(img, 4), ValueError, "odd"),
    (lambda img: F.transform(img, np.eye(3)), ValueError, "shape"),
    (lambda img: F.transform(img, [[1, 0, 0], [2, 0, 0]]), ValueError, "singular"),
    (lambda img: F.transform(img, [[1, 0, np.nan], [0, 1, 0]]), ValueError, "NaN"),
    (lambda img: F.rotate(img, float("inf")), ValueError, "finite"),
    (lambda img: F.sobel(img, "z"), ValueError, "direction"),
])
def test_bad_input_raises_with_a_message(rng, call, error, message):
    img = random_image(rng, 4, 5)
    with pytest.raises(error, match=message):
        call(img)


# ---- the command line -------------------------------------------------------------

def test_cli_filter_applies_operations_in_the_order_given(tmp_path, rng, capsys):
    from fastla import cli
    from fastla.apps.images import read_image, write_image

    src = tmp_path / "in.png"
    img = random_image(rng, 24, 31)
    write_image(src, img)
    for flags, expected in (
        (["--blur", "1.5", "--sharpen", "--rotate", "15"], F.rotate(F.sharpen(F.gaussian_blur(img, 1.5)), 15)),
        (["--rotate", "15", "--sharpen", "0.5", "--blur", "1.5"],
         F.gaussian_blur(F.sharpen(F.rotate(img, 15), 0.5), 1.5)),
        (["--color-matrix", "0.393,0.769,0.189;0.349,0.686,0.168;0.272,0.534,0.131", "--edges"],
         F.sobel(F.color_matrix(img, SEPIA))),
    ):
        out = tmp_path / "out.png"
        assert cli.main(["filter", str(src), str(out), *flags]) == 0
        np.testing.assert_array_equal(read_image(out), expected)
    assert "blur" in capsys.readouterr().out


def test_cli_filter_list_and_errors(tmp_path, rng, capsys):
    from fastla import cli
    from fastla.apps.filters.operations import OPERATIONS
    from fastla.apps.images import write_image

    assert cli.main(["filter", "--list"]) == 0
    listed = capsys.readouterr().out
    assert all(op.flag in listed for op in OPERATIONS)
    src = tmp_path / "in.png"
    write_image(src, random_image(rng, 5, 5))
    assert cli.main(["filter", str(src), str(tmp_path / "o.png")]) == 2
    assert cli.main(["filter", str(src), str(tmp_path / "o.png"), "--box-blur", "4"]) == 1
    assert "odd" in capsys.readouterr().err


# ---- the benchmark cases ------------------------------------------------------------

def test_bench_filter_cases_compute_the_same_thing(monkeypatch, rng):
    """The registry's cases on a small photo: fastla within 1 of OpenCV, and
    Pillow's result of the same shape."""
    cv2_or_skip()
    from fastla import bench

    photo = random_image(rng, 30, 40)
    monkeypatch.setattr(bench, "_photo", lambda megapixels=12: photo)
    cases = bench.cases("filters")
    assert len(cases) == 4
    for case in cases:
        got = {impl: np.asarray(case.run(impl)) for impl in case.impls}
        assert got["fastla"].shape == got["pillow"].shape == photo.shape, case.name
        assert np.abs(got["fastla"].astype(int) - got["opencv"]).max() <= 1, case.name
