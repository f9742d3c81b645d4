"""The benchmark cases: one registry for `fastla demo`, `fastla bench` and
benchmarks/ (pytest-benchmark).

A case builds its inputs once and offers one callable per implementation:
"naive" (fastla.naive), "numpy", "fastla", and the peers a user would pick
instead when they are installed (faiss). Ratios are taken between
implementations timed side by side in the same process."""

import functools
import statistics
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

import fastla
import fastla.naive as naive


@dataclass
class Case:
    family: str
    name: str
    build: Callable[[], dict]                # makes the inputs, once
    impls: dict = field(default_factory=dict)  # implementation -> fn(inputs)
    quick: bool = True                       # small enough for the demo and --quick
    flops: float = 0.0                       # floating-point operations per call, for GFLOP/s

    @functools.cached_property
    def inputs(self):
        return self.build()

    def run(self, impl):
        return self.impls[impl](self.inputs)


def time_call(fn, min_time=0.2, max_runs=50, min_runs=3):
    """Median seconds per call over repeated runs (at least min_runs, about min_time)."""
    fn()  # warm up: first-touch pages, thread start
    times = []
    start = time.perf_counter()
    while len(times) < min_runs or (time.perf_counter() - start < min_time and len(times) < max_runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _faiss():
    try:
        import faiss
    except ImportError:
        return None
    faiss.omp_set_num_threads(fastla.get_num_threads())
    faiss.cvar.distance_compute_blas_threshold = 20  # BLAS from 20 queries up: its fast path
    return faiss


def _numpy_top_k(Q, C, k):
    """The usual NumPy way: all scores, argpartition, then sort the k."""
    S = Q @ C.T
    part = np.argpartition(-S, k - 1, axis=1)[:, :k]
    order = np.argsort(-np.take_along_axis(S, part, axis=1), axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1)


def _dot_case(n):
    def build():
        rng = np.random.default_rng(0)
        x, y = rng.standard_normal(n), rng.standard_normal(n)
        return {"x": x, "y": y, "xl": x.tolist(), "yl": y.tolist()}

    impls = {
        "numpy": lambda a: np.dot(a["x"], a["y"]),
        "fastla": lambda a: fastla.dot(a["x"], a["y"]),
    }
    if n <= 100_000:
        impls = {"naive": lambda a: naive.dot(a["xl"], a["yl"]), **impls}
    return Case("vector", f"dot n={n:,}", build, impls, quick=n <= 100_000)


def _cosine_case(m, n, d):
    def build():
        rng = np.random.default_rng(1)
        return {"X": rng.standard_normal((m, d)), "Y": rng.standard_normal((n, d))}

    def numpy_cosine(a):
        X, Y = a["X"], a["Y"]
        Xn = X / np.linalg.norm(X, axis=1, keepdims=True)
        Yn = Y / np.linalg.norm(Y, axis=1, keepdims=True)
        return Xn @ Yn.T

    impls = {"numpy": numpy_cosine, "fastla": lambda a: fastla.cosine_similarity(a["X"], a["Y"])}
    if m * n * d <= 200_000:
        impls = {"naive": lambda a: naive.cosine_similarity(a["X"].tolist(), a["Y"].tolist()), **impls}
    return Case("vector", f"cosine_similarity {m}x{d} . {n}x{d}", build, impls)


def _top_k_case(n, d, m, k=10, quick=False):
    def build():
        rng = np.random.default_rng(2)
        C = rng.standard_normal((n, d), dtype=np.float32)
        Q = rng.standard_normal((m, d), dtype=np.float32)
        inputs = {"C": C, "Q": Q}
        faiss = _faiss()
        if faiss is not None:
            index = faiss.IndexFlatIP(d)
            index.add(C)
            inputs["faiss"] = index
        return inputs

    impls = {
        "stream": lambda a: a["C"] @ a["Q"][0],  # one pass over the catalogue (OpenBLAS sgemv)
        "numpy": lambda a: _numpy_top_k(a["Q"], a["C"], k),
        "fastla": lambda a: fastla.top_k(a["Q"], a["C"], k, metric="dot"),
        "fastla cosine": lambda a: fastla.top_k(a["Q"], a["C"], k, metric="cosine"),
    }
    if _faiss() is not None:
        impls["faiss"] = lambda a: a["faiss"].search(a["Q"], k)
    if n * m * d <= 2_000_000:
        impls = {"naive": lambda a: naive.top_k(a["Q"].tolist(), a["C"].tolist(), k, metric="dot"), **impls}
    name = f"top_k k={k}, {m} quer{'y' if m == 1 else 'ies'} x {n:,}x{d} float32"
    return Case("vector", name, build, impls, quick=quick)


def _matmul_case(m, k, n, dtype=np.float64, quick=False):
    def build():
        rng = np.random.default_rng(3)
        A, B = rng.standard_normal((m, k)).astype(dtype), rng.standard_normal((k, n)).astype(dtype)
        return {"A": A, "B": B, "Al": A.tolist(), "Bl": B.tolist()}

    impls = {"numpy": lambda a: a["A"] @ a["B"], "fastla": lambda a: fastla.matmul(a["A"], a["B"])}
    if m * k * n <= 70_000:
        impls = {"naive": lambda a: naive.matmul(a["Al"], a["Bl"]), **impls}
    name = f"matmul {m}x{k} . {k}x{n} {np.dtype(dtype).name}"
    return Case("gemm", name, build, impls, quick=quick, flops=2.0 * m * k * n)


def _ladder_case(n):
    import fastla.ladder as ladder

    def build():
        rng = np.random.default_rng(4)
        A, B = rng.standard_normal((n, n)), rng.standard_normal((n, n))
        return {"A": A, "B": B}

    impls = {"numpy": lambda a: a["A"] @ a["B"]}
    for step in ladder.STEPS:
        if ladder.usable(step):
            impls[step] = functools.partial(lambda s, a: ladder.matmul(a["A"], a["B"], step=s), step)
    impls["fastla"] = impls.pop("threads")
    return Case("ladder", f"ladder n={n}", build, impls, quick=False, flops=2.0 * n**3)


def cases(family=None, quick=False):
    """The registered cases, optionally of one family and only the quick ones."""
    every = [
        _dot_case(16),
        _dot_case(1_000),
        _dot_case(100_000),
        _dot_case(1_000_000),
        _cosine_case(20, 50, 64),
        _cosine_case(1000, 2000, 64),
        _top_k_case(2_000, 64, 1, quick=True),
        _top_k_case(100_000, 64, 16, quick=True),
        _top_k_case(1_000_000, 64, 1),
        _top_k_case(1_000_000, 64, 256),
        _matmul_case(8, 8, 8, quick=True),
        _matmul_case(32, 32, 32, quick=True),
        _matmul_case(64, 64, 64, quick=True),
        _matmul_case(256, 256, 256, quick=True),
        _matmul_case(256, 256, 256, np.float32, quick=True),
        *[_matmul_case(n, n, n, t) for t in (np.float64, np.float32) for n in (512, 1024, 2048)],
        _matmul_case(4096, 64, 4096),
        _matmul_case(64, 4096, 64),
        _ladder_case(512),
    ]
    return [c for c in every if (family is None or c.family == family) and (c.quick or not quick)]


def run(selected, impls=None, min_time=0.2, progress=None):
    """Times every implementation of every case: a list of (case, {impl: seconds})."""
    results = []
    for case in selected:
        timings = {}
        for impl in case.impls:
            if impls and impl not in impls:
                continue
            if progress:
                progress(case, impl)
            timings[impl] = time_call(lambda: case.run(impl), min_time=min_time)
        results.append((case, timings))
    return results


def machine_line():
    """CPU, SIMD path, threads, and the BLAS NumPy uses (via threadpoolctl if present)."""
    import platform

    info = fastla.info()
    line = f"{platform.processor() or platform.machine()}; fastla {info['version']} isa={info['isa']} threads={info['threads']}"
    try:
        from threadpoolctl import threadpool_info

        blas = [p for p in threadpool_info() if p.get("user_api") == "blas"]
        if blas:
            line += f"; numpy BLAS {blas[0]['internal_api']} {blas[0].get('version')} ({blas[0].get('architecture')}, {blas[0]['num_threads']} threads)"
    except ImportError:
        pass
    return line


def format_table(results):
    """Plain-text table: seconds per call, and each implementation's speed relative to fastla."""
    lines = []
    for case, timings in results:
        lines.append(case.name)
        base = timings.get("fastla")
        for impl, t in timings.items():
            ratio = f"{t / base:8.2f}x fastla's time" if base else ""
            rate = f"  {case.flops / t / 1e9:7.1f} GFLOP/s" if case.flops else ""
            lines.append(f"  {impl:<14}{_fmt_seconds(t):>12}  {ratio}{rate}")
    return "\n".join(lines)


def _fmt_seconds(t):
    for unit, scale in (("s", 1), ("ms", 1e-3), ("us", 1e-6)):
        if t >= scale:
            return f"{t / scale:.3g} {unit}"
    return f"{t / 1e-9:.3g} ns"
