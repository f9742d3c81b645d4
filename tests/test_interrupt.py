"""Ctrl-C stops a long kernel within about a second (the C loops check a stop
request between blocks, sweeps and tiles), raises KeyboardInterrupt, and leaves
the library working: no thread left running, the next call correct.

Each case is a call that runs for 5 s or more with 2 threads on a recent x86-64
core (the GEMM and top-k operands are broadcast views: no memory to fill);
SIGINT arrives 0.2 s in."""

import os
import signal
import threading
import time

import numpy as np
import pytest

import fastla

pytestmark = pytest.mark.skipif(
    not hasattr(signal, "pthread_kill") or signal.getsignal(signal.SIGINT) is not signal.default_int_handler,
    reason="needs POSIX signals and Python's default Ctrl-C handler")

DELAY = 0.2
PROMPT = 2.0  # seconds allowed between the signal and the exception (a loaded machine)


def _ones(m, n, dtype=np.float64):
    return np.broadcast_to(np.ones(n, dtype), (m, n))


def _symmetric(n):
    a = np.random.default_rng(0).standard_normal((n, n))
    return a + a.T


def _sgd_epoch_inputs(n=20_000_000, k=500):
    """One SGD epoch over n ratings of one user and one item (k factors): seconds of work."""
    zeros = np.zeros(n, np.int32)
    ones = np.ones(1, np.float32)
    return (zeros, zeros, np.full(n, 3.0, np.float32), None, None, 3.0, ones * 0, ones * 0,
            np.full((1, k), 0.1, np.float32), np.full((1, k), 0.1, np.float32), 1e-4, 0.02, 0.02)


CALLS = {
    "eigh": (lambda: _symmetric(1500), fastla.eigh),
    "svd": (lambda: np.random.default_rng(1).random((2000, 2000)), fastla.svd),
    "matmul": (lambda: (_ones(6000, 24000, np.float32), _ones(24000, 6000, np.float32)),
               lambda ab: fastla.matmul(*ab)),
    "top_k": (lambda: (_ones(3000, 200), _ones(1_000_000, 200)), lambda qc: fastla.top_k(*qc, 10)),
    "predictor SGD epoch": (_sgd_epoch_inputs, lambda a: fastla._core.mf_sgd_epoch(*a)),
    "power_iteration": (lambda: _symmetric(1000),
                        lambda a: fastla.power_iteration(a, tol=0, max_iter=100000)),
}


@pytest.mark.parametrize("name", list(CALLS))
def test_ctrl_c_stops_a_long_call(name):
    make, call = CALLS[name]
    args = make()
    threads_before = threading.active_count()
    # Ctrl-C from another thread, as the terminal would send it while the main
    # thread is inside the C call
    ctrl_c = threading.Timer(DELAY, os.kill, (os.getpid(), signal.SIGINT))
    start = time.perf_counter()
    ctrl_c.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            call(args)
        took = time.perf_counter() - start
    finally:
        ctrl_c.cancel()
        ctrl_c.join()
    assert took < DELAY + PROMPT, f"{name} stopped {took - DELAY:.2f} s after Ctrl-C"
    assert threading.active_count() == threads_before
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    # the stop request is gone and the kernels work as before
    a = np.random.default_rng(2).standard_normal((300, 300))
    np.testing.assert_allclose(fastla.matmul(a, a), a @ a, rtol=1e-12, atol=1e-10)
    np.testing.assert_allclose(fastla.eigh(a + a.T)[0], np.linalg.eigvalsh(a + a.T), atol=1e-10)
