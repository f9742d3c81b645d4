"""The `fastla` command and the benchmark registry behind it."""

import json
import subprocess
import sys

import numpy as np
import pytest

from fastla import bench, cli


def run_cli(*args):
    out = subprocess.run([sys.executable, "-m", "fastla.cli", *args], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_help_lists_the_commands():
    text = run_cli("--help")
    for command in ("info", "demo", "bench"):
        assert command in text


def test_info_json_matches_the_api():
    import fastla

    assert json.loads(run_cli("info", "--json")) == json.loads(json.dumps(fastla.info()))


def test_demo_runs_the_four_projects(tmp_path):
    """`fastla demo --out DIR`: a section per module with its pictures written and
    linked from report.md, and the naive / NumPy / fastla timings of every quick case."""
    out = tmp_path / "demo"
    text = run_cli("demo", "--out", str(out), "--min-time", "0.005")
    report = (out / "report.md").read_text()
    for heading in ("Module 1: vectors and the song recommender", "Module 2: matrices and photo filters",
                    "Module 3: eigenvalues and PCA", "Module 4: SVD, the image compressor",
                    "Module 4: SVD, the rating predictor"):
        assert f"## {heading}" in report
    for picture in ("presets.jpg", "filters.jpg", "compressor.png"):
        assert (out / picture).stat().st_size > 10_000
        assert f"]({picture})" in report
    for case in [c for fam in ("vector", "gemm", "eigen", "svd") for c in bench.cases(fam, quick=True)]:
        assert case.name in report
    assert str(out) in text


def test_bench_quick_writes_tables_and_json(tmp_path):
    """`fastla bench --quick`: a table per family with every implementation of every
    quick case, and the same timings in the JSON file."""
    path = tmp_path / "bench.json"
    text = run_cli("bench", "--quick", "--json", str(path))
    saved = json.loads(path.read_text())
    quick = bench.cases(quick=True)
    assert [r["case"] for r in saved["results"]] == [c.name for c in quick]
    assert all(set(r["seconds"]) == set(c.impls) for r, c in zip(saved["results"], quick))
    assert all(t > 0 for r in saved["results"] for t in r["seconds"].values())
    for family in {c.family for c in quick}:
        assert family in text


@pytest.mark.parametrize("case", bench.cases(quick=True), ids=lambda c: c.name)
def test_registry_implementations_agree(case):
    """Every implementation of a case computes the same thing (checked loosely:
    the registry is for timing, the exact checks are in test_vector)."""

    results = {impl: case.value(impl, case.run(impl)) for impl in case.impls
               if impl not in ("stream", "fastla cosine")}
    if case.name.startswith("top_k"):
        ref = results["fastla"][0]
        for impl, got in results.items():
            indices = {"numpy": got, "faiss": got[1] if impl == "faiss" else None}.get(impl)
            indices = np.asarray(got[0] if indices is None else indices).reshape(ref.shape)
            assert (indices == ref).mean() > 0.99, impl
    else:
        ref = np.asarray(results["numpy"], dtype=np.float64)
        single = np.asarray(results["numpy"]).dtype == np.float32
        tol = 1e-4 if single else 1e-9
        for impl, got in results.items():
            np.testing.assert_allclose(np.asarray(got, dtype=np.float64), ref, rtol=tol,
                                       atol=tol * max(1.0, float(np.abs(ref).max())), err_msg=impl)


def test_bench_plot(tmp_path):
    pytest.importorskip("matplotlib")
    path = tmp_path / "chart.png"
    assert cli.main(["bench", "vector", "--quick", "--plot", str(path)]) == 0
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_interleaved_timing_runs_each_at_least_min_runs():
    calls = {"a": 0, "b": 0}

    def count(name):
        calls[name] += 1

    times = bench.time_interleaved({n: (lambda n=n: count(n)) for n in calls}, min_time=0.0, min_runs=4, burst=0.0, settle=0.0)
    assert set(times) == {"a", "b"} and all(t >= 0 for t in times.values())
    assert calls == {"a": 5, "b": 5}  # one warm-up call, then four timed
