"""Run-time dispatch: detection, forcing a path with FASTLA_ISA, and the
fallback when a path cannot run here. Numerical agreement on every path is in
the other tests, through the `isa` fixture."""

import subprocess
import sys

import numpy as np
import pytest

import fastla
from fastla import _core


def run_python(code, **env):
    import os

    full_env = {k: v for k, v in os.environ.items() if k not in ("FASTLA_ISA", "FASTLA_NUM_THREADS")}
    full_env.update(env)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=full_env, timeout=120)
    assert out.returncode == 0, out.stderr
    return out


def test_info_reports_the_paths():
    info = fastla.info()
    assert {"version", "isa", "isas", "threads"} <= set(info)
    assert info["isa"] in info["isas"]
    assert info["isas"][0] == "generic"
    assert info["version"] == fastla.__version__


def test_best_path_is_chosen_by_default():
    out = run_python("import fastla; print(fastla.info()['isa'], fastla.info()['isas'][-1])")
    chosen, best = out.stdout.split()
    assert chosen == best


@pytest.mark.parametrize("name", _core.isas())
def test_fastla_isa_forces_each_usable_path(name):
    code = (
        "import fastla, numpy as np; x = np.arange(100.0);"
        "assert fastla.dot(x, x) == np.dot(x, x); print(fastla.info()['isa'])"
    )
    out = run_python(code, FASTLA_ISA=name)
    assert out.stdout.strip() == name
    assert "Warning" not in out.stderr


@pytest.mark.parametrize("value", ["avx9000", "AVX2 "])
def test_unusable_fastla_isa_warns_and_falls_back(value):
    out = run_python("import fastla; print(fastla.info()['isa'])", FASTLA_ISA=value)
    assert "FASTLA_ISA" in out.stderr and "RuntimeWarning" in out.stderr
    assert out.stdout.strip() == _core.isas()[-1]


def test_set_isa_round_trip():
    before = fastla.info()["isa"]
    try:
        for name in _core.isas():
            fastla.set_isa(name)
            assert fastla.info()["isa"] == name
    finally:
        fastla.set_isa(before)


def test_paths_agree_with_each_other(rng):
    """The same search on every path: same indices, scores within rounding."""
    Q = rng.standard_normal((60, 40)).astype(np.float32)
    C = rng.standard_normal((5000, 40)).astype(np.float32)
    before = fastla.info()["isa"]
    results = {}
    try:
        for name in _core.isas():
            fastla.set_isa(name)
            results[name] = fastla.top_k(Q, C, 5)
    finally:
        fastla.set_isa(before)
    ref = results["generic"]
    for name, (idx, sc) in results.items():
        np.testing.assert_allclose(sc, ref[1], rtol=1e-5, err_msg=name)
        assert (idx == ref[0]).mean() > 0.99, name
