"""The GEMM ladder: every step computes the same product, and the naive twin
agrees with NumPy."""

import numpy as np
import pytest

import fastla.ladder as ladder
import fastla.naive as naive


def test_steps_in_order():
    assert len(ladder.STEPS) >= 6
    assert ladder.STEPS[0] == "naive" and ladder.STEPS[-1] == "threads"


@pytest.mark.parametrize("step", ladder.STEPS)
@pytest.mark.parametrize("mkn", [(1, 1, 1), (7, 5, 3), (65, 257, 513), (130, 70, 9)])
def test_every_step_is_a_product(step, mkn, rng):
    if not ladder.usable(step):
        pytest.skip(f"{step} cannot run on this CPU")
    m, k, n = mkn
    A, B = rng.standard_normal((m, k)), rng.standard_normal((k, n))
    C = ladder.matmul(A, B, step=step)
    bound = 4 * k * np.finfo(float).eps * (np.abs(A) @ np.abs(B))
    assert np.all(np.abs(C - A @ B) <= bound)


def test_ladder_errors():
    with pytest.raises(ValueError, match="unknown step"):
        ladder.matmul(np.ones((2, 2)), np.ones((2, 2)), step="magic")
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(2, 2\)"):
        ladder.matmul(np.ones((2, 3)), np.ones((2, 2)), step="naive")


def test_naive_matmul_agrees_with_numpy(rng):
    A, B = rng.standard_normal((6, 4)), rng.standard_normal((4, 5))
    np.testing.assert_allclose(naive.matmul(A, B), A @ B, rtol=1e-13)
    np.testing.assert_allclose(naive.matmul(A.tolist(), B.tolist()), A @ B, rtol=1e-13)
    with pytest.raises(ValueError):
        naive.matmul([[1.0, 2.0]], [[1.0, 2.0]])
