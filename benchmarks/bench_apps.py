"""The apps, timed with pytest-benchmark from fastla.bench's registry: the song
recommender over a 1,000,000-song catalogue (one query, and 1,000 at once) beside
NumPy's matmul + argpartition.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE pytest benchmarks/bench_apps.py

`fastla bench recommender` prints the same cases as a table, and
`fastla bench compressor` the image compressor's (compress() against
scikit-learn's randomized_svd on the three channels)."""

import pytest

from fastla.bench import cases

CASES = cases("recommender")
# the image compressor: compress() at rank 50 on 1920x1080 and 4000x3000 RGB,
# beside scikit-learn's randomized_svd on the three channels
CASES += cases("compressor")
PARAMS = [pytest.param(case, impl, id=f"{case.name} | {impl}") for case in CASES for impl in case.impls]


@pytest.mark.parametrize("case,impl", PARAMS)
def test_apps(benchmark, case, impl):
    benchmark.group = case.name
    benchmark(case.run, impl)


# ---- filter presets: each CSSgram look on a 12-megapixel photo beside pilgram ----
# FASTLA_NUM_THREADS=1 pytest benchmarks/bench_apps.py -k presets   (or: fastla bench presets)

PRESET_CASES = cases("presets")
PRESET_PARAMS = [pytest.param(case, impl, id=f"{case.name} | {impl}") for case in PRESET_CASES for impl in case.impls]


@pytest.mark.parametrize("case,impl", PRESET_PARAMS)
def test_presets(benchmark, case, impl):
    benchmark.group = case.name
    benchmark.pedantic(case.run, args=(impl,), rounds=3 if impl == "pilgram" else 10, warmup_rounds=1)
# The rating predictor: an SGD epoch (naive twin and C), and a fit on 80,000 MovieLens
# ratings beside Surprise's SVD (scikit-surprise, in the `compare` extra).
#     FASTLA_NUM_THREADS=1 pytest benchmarks/bench_apps.py -k predictor
PREDICTOR_CASES = cases("predictor")
PREDICTOR_PARAMS = [pytest.param(case, impl, id=f"predictor | {case.name} | {impl}")
                    for case in PREDICTOR_CASES for impl in case.impls]


@pytest.mark.parametrize("case,impl", PREDICTOR_PARAMS)
def test_predictor(benchmark, case, impl):
    benchmark.group = case.name
    benchmark.pedantic(case.run, args=(impl,), rounds=3, iterations=1)
# ---- photo filters on a 12-megapixel photo: fastla, OpenCV, Pillow ----------------------
# FASTLA_NUM_THREADS=1 FASTLA_PHOTO=photo.jpg pytest benchmarks/bench_apps.py -k filters
# (`fastla bench filters` prints the same cases as a table; without FASTLA_PHOTO the
# photo is synthetic.)

FILTER_CASES = cases("filters")
FILTER_PARAMS = [pytest.param(case, impl, id=f"{case.name} | {impl}") for case in FILTER_CASES
                 for impl in case.impls]


@pytest.mark.parametrize("case,impl", FILTER_PARAMS)
def test_filters(benchmark, case, impl):
    benchmark.group = case.name
    benchmark(case.run, impl)
