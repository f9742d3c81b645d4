"""The worker pool: its size, the environment variable, Python threads calling
at once (the GIL is released), and fork after threaded work."""

import os
import subprocess
import sys
import threading

import numpy as np
import pytest

import fastla


def test_set_and_get(threads):
    for n in (1, 2, 5):
        fastla.set_num_threads(n)
        assert fastla.get_num_threads() == n
        assert fastla.info()["threads"] == n


def test_default_is_the_cpus_available():
    code = "import fastla, os; print(fastla.get_num_threads(), len(os.sched_getaffinity(0)))"
    env = {k: v for k, v in os.environ.items() if k != "FASTLA_NUM_THREADS"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    got, cpus = out.stdout.split()
    assert got == cpus


def test_environment_variable():
    code = "import fastla; print(fastla.get_num_threads())"
    env = dict(os.environ, FASTLA_NUM_THREADS="3")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert out.stdout.strip() == "3"


def run_in_threads(work, n):
    """work(0) .. work(n - 1) on n Python threads at once; their exceptions are
    collected and fail the test here, as does a thread still running after 120 s."""
    errors = []

    def guarded(i):
        try:
            work(i)
        except Exception as e:
            errors.append(e)

    pool = [threading.Thread(target=guarded, args=(i,)) for i in range(n)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=120)
    assert not errors, errors
    assert not any(t.is_alive() for t in pool)


def test_python_threads_at_once(rng, threads):
    """Eight Python threads, each its own kernel; every result is right."""
    fastla.set_num_threads(2)
    C = rng.standard_normal((20_000, 32)).astype(np.float32)
    Q = rng.standard_normal((64, 32)).astype(np.float32)
    x = rng.standard_normal(300_000)
    expected_topk = fastla.top_k(Q, C, 5)
    expected_dot = fastla.dot(x, x)
    def work(i):
        for _ in range(5):
            if i % 2:
                idx, _ = fastla.top_k(Q, C, 5)
                assert (idx == expected_topk[0]).all()
            else:
                assert np.isclose(fastla.dot(x, x), expected_dot, rtol=1e-12)

    run_in_threads(work, 8)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_fork_after_threaded_work(threads):
    code = """
import os, sys, numpy as np, fastla
fastla.set_num_threads(2)
x = np.ones(1_000_000)
assert fastla.dot(x, x) == 1e6        # the pool is running now
pid = os.fork()
if pid == 0:
    ok = fastla.dot(x, x) == 1e6 and fastla.top_k(np.ones((60, 8)), np.ones((30000, 8)), 3)[0].shape == (60, 3)
    os._exit(0 if ok else 1)
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr


def _kernel_calls(rng):
    """(name, call, expected) for one call of each kernel family, the expected
    result computed by NumPy."""
    a = rng.standard_normal((160, 120))
    s = a[:90, :90] @ a[:90, :90].T
    C = rng.standard_normal((5000, 24))
    Q = rng.standard_normal((7, 24))
    x = rng.standard_normal(100_000)
    cos = (Q @ C.T) / np.linalg.norm(Q, axis=1)[:, None] / np.linalg.norm(C, axis=1)
    return [
        ("dot", lambda: fastla.dot(x, x), x @ x),
        ("norm", lambda: fastla.norm(x), np.linalg.norm(x)),
        ("cosine", lambda: fastla.cosine_similarity(Q, C), cos),
        ("top_k", lambda: fastla.top_k(Q, C, 4)[1], -np.sort(-cos, axis=1)[:, :4]),
        ("matmul", lambda: fastla.matmul(a, a.T), a @ a.T),
        ("eigh", lambda: fastla.eigh(s)[0], np.linalg.eigvalsh(s)),
        ("svd", lambda: fastla.svd(a, compute_uv=False), np.linalg.svd(a, compute_uv=False)),
        ("power", lambda: fastla.power_iteration(s)[0], np.linalg.eigvalsh(s)[-1]),
    ]


def test_eight_threads_different_kernels_and_thread_counts(rng, threads):
    """Each Python thread runs another kernel and sets another thread count
    before each call; every result matches NumPy's."""
    calls = _kernel_calls(rng)
    start = threading.Barrier(len(calls))

    def work(i):
        name, call, expected = calls[i]
        start.wait(timeout=60)
        for rep in range(4):
            fastla.set_num_threads(1 + (i + rep) % 3)
            np.testing.assert_allclose(call(), expected, rtol=1e-9, atol=1e-9, err_msg=name)

    run_in_threads(work, len(calls))


def test_first_use_from_many_threads():
    """The kernel table and the pool are set up by whichever thread comes first:
    eight threads make the first calls of a fresh process at the same moment."""
    code = """
import threading, numpy as np, fastla
a = np.arange(400 * 300, dtype=np.float64).reshape(400, 300) % 7
want = a @ a.T
go = threading.Barrier(8)
bad = []
def first_call():
    go.wait()
    if not np.array_equal(fastla.matmul(a, a.T), want):
        bad.append(1)
threads = [threading.Thread(target=first_call) for _ in range(8)]
[t.start() for t in threads]
[t.join() for t in threads]
print(len(bad))
"""
    env = dict(os.environ, FASTLA_NUM_THREADS="2")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "0"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_multiprocessing_fork_after_threaded_work():
    """Workers forked by multiprocessing after the pool ran call every kernel."""
    code = """
import multiprocessing as mp, sys, numpy as np, fastla
fastla.set_num_threads(2)
a = np.random.default_rng(1).standard_normal((300, 200))
fastla.matmul(a, a.T)                 # the pool is running now
def job(i):
    b = a[: 50 + i, : 40 + i]
    ok = np.allclose(fastla.matmul(b, b.T), b @ b.T)
    ok &= np.allclose(fastla.svd(b, compute_uv=False), np.linalg.svd(b, compute_uv=False))
    s = b @ b.T
    ok &= np.allclose(fastla.eigh(s)[0], np.linalg.eigvalsh(s), atol=1e-8)
    ok &= fastla.top_k(b, a[:, : 40 + i], 3)[0].shape == (50 + i, 3)
    return bool(ok)
if __name__ == "__main__":
    with mp.get_context("fork").Pool(2) as pool:
        results = pool.map(job, range(4), chunksize=1)
    sys.exit(0 if all(results) else 1)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
