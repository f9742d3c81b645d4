"""Bad input gets a clear exception naming the problem, never a crash."""

import numpy as np
import pytest

import fastla
import fastla.naive as naive

GOOD = np.ones((3, 4))

CALLS = {
    "dot": lambda a: fastla.dot(a, a),
    "norm": lambda a: fastla.norm(a),
    "cosine_similarity": lambda a: fastla.cosine_similarity(a),
    "top_k queries": lambda a: fastla.top_k(a, GOOD, 1),
    "top_k catalog": lambda a: fastla.top_k(GOOD, a, 1),
}


@pytest.mark.parametrize("call", CALLS.values(), ids=list(CALLS))
@pytest.mark.parametrize(
    "bad",
    [
        np.ones((3, 4), dtype=np.complex128),
        np.ones((3, 4), dtype=object),
        np.array([["a"] * 4] * 3),
        np.ones((3, 4), dtype=bool),
    ],
    ids=["complex", "object", "strings", "bool"],
)
def test_rejected_dtypes_raise_type_error(call, bad):
    arg = bad[0] if call in (CALLS["dot"],) else bad
    with pytest.raises(TypeError, match="dtype"):
        call(arg)


def test_shape_errors_name_the_shapes():
    with pytest.raises(ValueError, match=r"\(3,\).*\(4,\)"):
        fastla.dot(np.ones(3), np.ones(4))
    with pytest.raises(ValueError, match=r"\(2, 2\)"):
        fastla.dot(np.ones((2, 2)), np.ones((2, 2)))
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(2, 4\)"):
        fastla.cosine_similarity(np.ones((2, 3)), np.ones((2, 4)))
    with pytest.raises(ValueError, match=r"\(2, 2, 2\)"):
        fastla.cosine_similarity(np.ones((2, 2, 2)))
    with pytest.raises(ValueError, match=r"\(5, 3\).*\(4, 2\)"):
        fastla.top_k(np.ones((5, 3)), np.ones((4, 2)), 1)
    with pytest.raises(ValueError, match=r"catalog has shape \(4,\)"):
        fastla.top_k(np.ones(4), np.ones(4), 1)


@pytest.mark.parametrize("k", [-1, 4])
def test_top_k_k_out_of_range(k):
    with pytest.raises(ValueError, match=f"k={k}"):
        fastla.top_k(np.ones(2), np.ones((3, 2)), k)


def test_top_k_k_must_be_an_integer():
    with pytest.raises(TypeError):
        fastla.top_k(np.ones(2), np.ones((3, 2)), 1.5)


def test_top_k_unknown_metric():
    with pytest.raises(ValueError, match="metric"):
        fastla.top_k(np.ones(2), np.ones((3, 2)), 1, metric="euclid")
    with pytest.raises(ValueError, match="metric"):
        naive.top_k([1.0, 2.0], [[1.0, 2.0]], 1, metric="euclid")


@pytest.mark.parametrize("n", [0, -3])
def test_set_num_threads_rejects_below_one(n):
    with pytest.raises(ValueError, match="at least 1"):
        fastla.set_num_threads(n)


def test_set_isa_rejects_unknown_names():
    with pytest.raises(ValueError, match="unknown ISA"):
        fastla.set_isa("sse9")


def test_naive_rejects_what_fast_rejects():
    with pytest.raises(ValueError):
        naive.dot([1, 2], [1, 2, 3])
    with pytest.raises(TypeError):
        naive.dot([1j, 2], [1, 2])
    with pytest.raises(ValueError):
        naive.top_k([1.0], [[1.0]], 2)
    with pytest.raises(ValueError):
        naive.cosine_similarity([[1.0, 2.0]], [[1.0, 2.0, 3.0]])


def test_binding_checks_shapes_itself():
    """The private binding is importable, so it checks shapes too (no out-of-bounds reads)."""
    from fastla import _core

    with pytest.raises(ValueError, match="shape"):
        _core.topk(np.ones((2, 300)), np.ones((5, 2)), 1)
    with pytest.raises(ValueError, match="2-D"):
        _core.topk(np.ones(3), np.ones((5, 3)), 1)
    with pytest.raises(ValueError, match="k=9"):
        _core.topk(np.ones((1, 3)), np.ones((5, 3)), 9)
    with pytest.raises(ValueError, match="shape"):
        _core.pairwise(np.ones((2, 3)), np.ones((2, 4)))
    with pytest.raises(ValueError, match="do not fit"):
        _core.gemm(np.ones((2, 3)), np.ones((4, 2)), np.ones((2, 2)))
    with pytest.raises(TypeError, match="dtype"):
        _core.gemm(np.ones((2, 2)), np.ones((2, 2), np.float32), np.ones((2, 2)))


def test_ladder_binding_rejects_foreign_layouts():
    from fastla import _core

    swapped = np.arange(6.0).reshape(2, 3).astype(">f8")
    with pytest.raises(TypeError, match="native-endian"):
        _core.ladder_run(0, swapped, np.ones((3, 2)))
    import fastla.ladder

    np.testing.assert_array_equal(fastla.ladder.matmul(swapped, np.ones((3, 2)), step="naive"), [[3, 3], [12, 12]])
