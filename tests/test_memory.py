"""Memory: repeated calls leave the process's memory flat, and a request too large
to allocate raises MemoryError (or ValueError), never a crash.

Flat memory: after a warm-up, each kernel is called many times on small inputs and
the resident set size (/proc/self/statm) may grow by at most SLACK. The inputs are
sized so that one lost workspace or output per call would add up to more than
SLACK: 24 x 24 matrices (4.5 KiB) for the decompositions, called 1,000 times.
By default the cheapest kernels (dot, norm, 2-D matmul, the shape-error path) are
called 100,000 times and the others fewer times (CALLS below), to keep this file
to a few seconds;
FASTLA_MEMORY_CALLS=100000 calls every kernel that many times (a long local run).

Too large: products whose output would need petabytes, and decompositions of
huge matrices built with numpy.lib.stride_tricks.as_strided from a one-element
buffer, run in a child process (so that a crash or a hang fails the test instead of
ending the run) and must end in MemoryError or ValueError with a message."""

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import fastla
import fastla.ladder

STATM = "/proc/self/statm"
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
SLACK = 2 * 2**20  # bytes of growth allowed: allocator and interpreter noise
FULL = int(os.environ.get("FASTLA_MEMORY_CALLS", 0))

# AddressSanitizer holds freed memory in quarantine (and has its own leak checker)
UNDER_ASAN = "asan" in os.environ.get("LD_PRELOAD", "") or "ASAN_OPTIONS" in os.environ


def rss():
    """Resident set size in bytes."""
    with open(STATM) as f:
        return int(f.read().split()[1]) * PAGE


rng = np.random.default_rng(11)
x64 = rng.standard_normal(256)  # 2 KiB
x32 = x64.astype(np.float32)
A = rng.standard_normal((24, 24))  # 4.5 KiB: eigh's and svd's workspaces are larger
S = A + A.T
X = rng.standard_normal((30, 12))
Q = rng.standard_normal((4, 32))
C = rng.standard_normal((60, 32))
HARD = np.diag(np.linspace(1, 2, 24)) + np.triu(np.full((24, 24), 0.5), 1)  # Jacobi needs sweeps
HARD = HARD + HARD.T


def expect(error, f, *args, **kwargs):
    """f must raise error (on the error path, every workspace must be freed too)."""
    try:
        f(*args, **kwargs)
    except error:
        return
    raise AssertionError(f"no {error.__name__}")


# name: (call, default number of calls)
CALLS = {
    "dot": (lambda: fastla.dot(x64, x64), 100_000),
    "dot float32 strided": (lambda: fastla.dot(x32[::2], x32[1::2]), 100_000),
    "norm": (lambda: fastla.norm(x64), 100_000),
    "matmul": (lambda: fastla.matmul(A, A), 100_000),
    "matmul transposed float32": (lambda: fastla.matmul(A.T.astype(np.float32), A[:, ::2]), 10_000),
    "matmul 1-D with out": (lambda: fastla.matmul(A, x64[:24], out=np.empty(24)), 10_000),
    "ladder.matmul": (lambda: fastla.ladder.matmul(A, A), 20_000),
    "cosine_similarity": (lambda: fastla.cosine_similarity(Q, C), 10_000),
    "top_k": (lambda: fastla.top_k(Q, C, 5), 5_000),
    "top_k dot float32": (lambda: fastla.top_k(Q[0].astype(np.float32), C.astype(np.float32), 7, "dot"), 5_000),
    "eigh": (lambda: fastla.eigh(S), 1_000),
    "eigh no convergence": (lambda: expect(fastla.ConvergenceError, fastla.eigh, HARD, max_sweeps=1), 1_000),
    "power_iteration": (lambda: fastla.power_iteration(S, random_state=0), 1_000),
    "top_eigs": (lambda: fastla.top_eigs(S, 3), 1_000),
    "svd": (lambda: fastla.svd(X, full_matrices=True), 1_000),
    "svd no convergence": (lambda: expect(fastla.ConvergenceError, fastla.svd, HARD, max_sweeps=1), 1_000),
    "randomized_svd": (lambda: fastla.randomized_svd(X, 3, random_state=0), 200),
    "pca": (lambda: fastla.pca(X, 3), 1_000),
    "shape error": (lambda: expect(ValueError, fastla.matmul, A, X), 100_000),
    "rejected dtype": (lambda: expect(TypeError, fastla.cosine_similarity, Q.astype(complex)), 20_000),
}


@pytest.mark.skipif(not os.path.exists(STATM), reason="needs /proc/self/statm")
@pytest.mark.skipif(UNDER_ASAN, reason="AddressSanitizer's quarantine grows the RSS")
@pytest.mark.parametrize("name", list(CALLS))
def test_memory_stays_flat(name):
    f, calls = CALLS[name]
    calls = FULL or calls
    for _ in range(min(calls // 10, 1000)):  # warm-up: caches, the thread pool, the allocator
        f()
    before = rss()
    for _ in range(calls):
        f()
    grown = rss() - before
    assert grown <= SLACK, f"{name}: RSS grew by {grown / 2**20:.1f} MiB over {calls} calls"


# ---- requests too large to allocate --------------------------------------------------------

# Each case builds its arrays from one-element buffers (zero strides): nothing big is
# touched until fastla allocates (the ladder copies its operands: 64 MiB each). The
# outputs or workspaces need more than the 128 TiB address space of an x86-64 process.
# Huge inputs with a small output (dot of 2^50 entries, ...) are long computations,
# not allocations, and are not tried.
HUGE_CASES = {
    "matmul output of 8 PiB": "fastla.matmul(huge(2**25, 1), huge(1, 2**25))",
    "matmul 1-D output of 8 PiB": "fastla.matmul(huge(2**50, 2), huge(2))",
    "matmul out view of a huge product": "fastla.matmul(huge(2**26, 2), huge(2, 2**26), out=np.empty(3))",
    "cosine_similarity of 2^30 rows": "fastla.cosine_similarity(huge(2**30, 4))",
    "top_k with k of 2^40": "fastla.top_k(huge(4), huge(2**40, 4), 2**40)",
    "top_k with k of 2^62": "fastla.top_k(huge(4), huge(8, 4), 2**62)",
    "eigh of 2^24 x 2^24": "fastla.eigh(huge(2**24, 2**24), check_finite=False)",
    "eigh values of 2^24 x 2^24": "fastla.eigh(huge(2**24, 2**24), eigvals_only=True, check_finite=False)",
    "eigh checked": "fastla.eigh(huge(2**24, 2**24))",
    "svd of 2^24 x 2^24": "fastla.svd(huge(2**24, 2**24), check_finite=False)",
    "svd values of 2^44 x 4": "fastla.svd(huge(2**44, 4), compute_uv=False, check_finite=False)",
    "svd values of 4 x 2^44": "fastla.svd(huge(4, 2**44), compute_uv=False, check_finite=False)",
    "svd full_matrices of 2^26 x 2": "fastla.svd(huge(2**26, 2), full_matrices=True, check_finite=False)",
    "svd checked": "fastla.svd(huge(2**30, 2**30))",
    "randomized_svd of 2^48 x 16": "fastla.randomized_svd(huge(2**48, 16), 2, check_finite=False)",
    "top_eigs of 2^24 x 2^24": "fastla.top_eigs(huge(2**24, 2**24), 2)",
    "pca of 2^44 x 4": "fastla.pca(huge(2**44, 4), 2)",
    "ladder.matmul output of 512 TiB": "fastla.ladder.matmul(huge(2**23, 1), huge(1, 2**23))",
}

CHILD = textwrap.dedent("""
    import json, sys
    import numpy as np
    import fastla, fastla.ladder
    from numpy.lib.stride_tricks import as_strided

    def huge(*shape):
        return as_strided(np.ones(1), shape=shape, strides=(0,) * len(shape))

    for name, expr in json.loads(sys.argv[1]).items():
        print("start", name, flush=True)
        try:
            eval(expr)
            print(json.dumps([name, None, ""]), flush=True)
        except Exception as e:
            print(json.dumps([name, type(e).__name__, str(e)]), flush=True)
""")


@pytest.mark.skipif(sys.maxsize < 2**62, reason="the shapes need a 64-bit platform")
@pytest.mark.skipif(UNDER_ASAN and "allocator_may_return_null=1" not in os.environ.get("ASAN_OPTIONS", ""),
                    reason="AddressSanitizer aborts on huge allocations unless allocator_may_return_null=1")
def test_requests_too_large_to_allocate():
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    try:
        run = subprocess.run([sys.executable, "-c", CHILD, json.dumps(HUGE_CASES)], env=env,
                             capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        raise AssertionError(f"hung: {out.splitlines()[-1] if out else '?'}") from None
    started = [line[6:] for line in run.stdout.splitlines() if line.startswith("start ")]
    assert run.returncode == 0, (f"the child ended with status {run.returncode} during "
                                 f"{started[-1] if started else '?'}: {run.stderr[-2000:]}")
    results = {r[0]: r[1:] for r in map(json.loads, (line for line in run.stdout.splitlines()
                                                       if line.startswith("[")))}
    assert set(results) == set(HUGE_CASES)
    wrong = {name: (kind, message) for name, (kind, message) in results.items()
             if kind not in ("MemoryError", "_ArrayMemoryError", "ValueError") or not message}
    assert not wrong, f"expected MemoryError or ValueError with a message: {wrong}"
