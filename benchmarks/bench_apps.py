"""The apps, timed with pytest-benchmark from fastla.bench's registry: the song
recommender over a 1,000,000-song catalogue (one query, and 1,000 at once) beside
NumPy's matmul + argpartition.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE pytest benchmarks/bench_apps.py

`fastla bench recommender` prints the same cases as a table."""

import pytest

from fastla.bench import cases

CASES = cases("recommender")
PARAMS = [pytest.param(case, impl, id=f"{case.name} | {impl}") for case in CASES for impl in case.impls]


@pytest.mark.parametrize("case,impl", PARAMS)
def test_apps(benchmark, case, impl):
    benchmark.group = case.name
    benchmark(case.run, impl)


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
