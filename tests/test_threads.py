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


def test_python_threads_at_once(rng, threads):
    """Eight Python threads, each its own kernel; every result is right."""
    fastla.set_num_threads(2)
    C = rng.standard_normal((20_000, 32)).astype(np.float32)
    Q = rng.standard_normal((64, 32)).astype(np.float32)
    x = rng.standard_normal(300_000)
    expected_topk = fastla.top_k(Q, C, 5)
    expected_dot = fastla.dot(x, x)
    errors = []

    def work(i):
        try:
            for _ in range(5):
                if i % 2:
                    idx, _ = fastla.top_k(Q, C, 5)
                    assert (idx == expected_topk[0]).all()
                else:
                    assert np.isclose(fastla.dot(x, x), expected_dot, rtol=1e-12)
        except Exception as e:  # collected and re-raised in the main thread
            errors.append(e)

    pool = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=120)
    assert not errors, errors
    assert not any(t.is_alive() for t in pool)


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
