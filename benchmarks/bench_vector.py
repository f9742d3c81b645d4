"""Vector kernels, timed with pytest-benchmark from fastla.bench's registry.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE pytest benchmarks/bench_vector.py

Each case's implementations share a group, so the table compares them side by
side; ratios come from the same run."""

import pytest

from fastla.bench import cases

CASES = cases("vector")
PARAMS = [pytest.param(case, impl, id=f"{case.name} | {impl}") for case in CASES for impl in case.impls]


@pytest.mark.parametrize("case,impl", PARAMS)
def test_vector(benchmark, case, impl):
    benchmark.group = case.name
    benchmark(case.run, impl)
