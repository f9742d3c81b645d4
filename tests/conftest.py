"""Shared fixtures: every test that takes `isa` runs once per SIMD path this
machine has; `rng` is a seeded generator."""

import numpy as np
import pytest

import fastla
from fastla import _core

ISAS = _core.isas()


@pytest.fixture(params=ISAS)
def isa(request):
    before = _core.isa()
    fastla.set_isa(request.param)
    yield request.param
    fastla.set_isa(before)


@pytest.fixture
def rng():
    return np.random.default_rng(20261128)


@pytest.fixture
def threads():
    """Restores the thread count a test changes."""
    before = fastla.get_num_threads()
    yield
    fastla.set_num_threads(before)
