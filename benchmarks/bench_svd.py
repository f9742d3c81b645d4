"""SVD and randomized SVD, timed with pytest-benchmark from fastla.bench's registry.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE pytest benchmarks/bench_svd.py

For 1-thread figures set both libraries alike:
    FASTLA_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE pytest ..."""

import pytest

from fastla.bench import cases

PARAMS = [pytest.param(case, impl, id=f"{case.name} | {impl}") for case in cases("svd") for impl in case.impls]


@pytest.mark.parametrize("case,impl", PARAMS)
def test_svd(benchmark, case, impl):
    benchmark.group = case.name
    benchmark(case.run, impl)
