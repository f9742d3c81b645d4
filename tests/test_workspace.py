"""The C core keeps large freed workspace blocks for the next call (csrc/workspace.c):
results must not depend on whether a block is new or used before, the cache stays
bounded, and threads and fork() are safe with it. Under AddressSanitizer nothing is
kept (so that a use after free is still caught), and the tests that count blocks
are skipped."""

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import fastla
from fastla import _core

UNDER_ASAN = "asan" in os.environ.get("LD_PRELOAD", "") or "ASAN_OPTIONS" in os.environ
KEEP_BLOCKS, KEEP_BYTES = 16, 64 << 20  # the bounds in csrc/workspace.c

rng = np.random.default_rng(17)
X = rng.standard_normal((300, 300))
S = X + X.T
R = rng.standard_normal((700, 260))
B = rng.standard_normal((260, 900)).astype(np.float32)


def calls():
    """Kernels whose workspace is large enough to be kept (256 KB and up)."""
    return {
        "eigh": lambda: fastla.eigh(S),
        "svd": lambda: fastla.svd(R, full_matrices=False),
        "matmul": lambda: fastla.matmul(R.astype(np.float32), B),
        "randomized_svd": lambda: fastla.randomized_svd(R, 20, random_state=0),
        "top_eigs": lambda: fastla.top_eigs(S, 5, random_state=0),
    }


def as_tuple(result):
    return tuple(result) if isinstance(result, tuple) else (result,)


@pytest.mark.parametrize("name", list(calls()))
def test_results_do_not_depend_on_reused_blocks(name):
    """Each kernel on fresh memory, then on blocks that other kernels have just
    written: bitwise the same result (no kernel may read workspace it did not write)."""
    f = calls()[name]
    _core.release_workspace()
    fresh = as_tuple(f())
    for other in calls().values():
        other()
    again = as_tuple(f())
    for a, b in zip(fresh, again):
        assert np.array_equal(np.asarray(a), np.asarray(b))


@pytest.mark.skipif(UNDER_ASAN, reason="nothing is kept under AddressSanitizer")
def test_blocks_are_kept_bounded_and_released():
    _core.release_workspace()
    assert _core.workspace_kept() == (0, 0)
    fastla.eigh(S)
    blocks, nbytes = _core.workspace_kept()
    assert blocks >= 1 and nbytes >= 256 << 10
    for n in (200, 400, 600, 900, 1300):  # workspaces of many sizes, the largest over the budget
        A = rng.standard_normal((n, n))
        fastla.matmul(A, A)
        fastla.eigh(A[:n // 3, :n // 3] + A[:n // 3, :n // 3].T)
        blocks, nbytes = _core.workspace_kept()
        assert 1 <= blocks <= KEEP_BLOCKS and nbytes <= KEEP_BYTES
    _core.release_workspace()
    assert _core.workspace_kept() == (0, 0)


@pytest.mark.skipif(UNDER_ASAN, reason="nothing is kept under AddressSanitizer")
def test_a_repeated_call_takes_no_new_memory():
    fastla.eigh(S)  # warm: its blocks are now kept
    before = _core.workspace_kept()
    for _ in range(5):
        fastla.eigh(S)
    assert _core.workspace_kept() == before


def test_threads_share_the_cache_safely():
    expected = {name: as_tuple(f()) for name, f in calls().items()}

    def work(i):
        names = list(calls())
        for k in range(6):
            name = names[(i + k) % len(names)]
            got = as_tuple(calls()[name]())
            for a, b in zip(expected[name], got):
                assert np.array_equal(np.asarray(a), np.asarray(b))

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(work, range(4)))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
@pytest.mark.skipif(UNDER_ASAN, reason="nothing is kept under AddressSanitizer")
def test_fork_while_other_threads_allocate():
    """Forks while other Python threads run kernels (taking the cache's lock,
    and the pool's, which was started first): every child can still allocate."""
    code = """
import os, sys, threading, numpy as np, fastla
fastla.set_num_threads(2)
A = np.random.default_rng(0).standard_normal((400, 400)); S = A[:150, :150] + A[:150, :150].T
fastla.matmul(A, A)                      # the pool runs before the cache is first used
stop = False
def busy():
    while not stop:
        fastla.eigh(S); fastla.matmul(A, A)
threads = [threading.Thread(target=busy) for _ in range(2)]
for t in threads: t.start()
codes = []
for _ in range(8):
    pid = os.fork()
    if pid == 0:
        w = fastla.eigh(S, eigvals_only=True)
        fastla.matmul(A, A)
        os._exit(0 if np.allclose(w, np.linalg.eigvalsh(S)) else 1)
    _, status = os.waitpid(pid, 0)
    codes.append(os.waitstatus_to_exitcode(status))
stop = True
for t in threads: t.join()
sys.exit(max(codes))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr


def test_release_memory_gives_back_workspace_and_image_buffers():
    from fastla.apps import filters as F

    F.apply(np.zeros((800, 600, 3), np.uint8), "clarendon")  # 1.4 MB: its buffer is kept once freed
    fastla.eigh(S)
    assert len(_core._kept_buffers) == 1
    fastla.release_memory()
    assert _core.workspace_kept() == (0, 0) and len(_core._kept_buffers) == 0
