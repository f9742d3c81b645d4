"""The naive twins are the oracle, so they are checked against NumPy too, and
they must take plain lists and give plain Python results."""

import math

import numpy as np

import fastla.naive as naive
from registry import np_cosine, np_top_k


def test_naive_takes_lists_and_returns_python_types():
    assert naive.dot([1, 2, 3], [4, 5, 6]) == 32.0
    assert naive.norm([3, 4]) == 5.0
    S = naive.cosine_similarity([[1, 0], [0, 2]])
    assert isinstance(S, list) and isinstance(S[0], list) and isinstance(S[0][0], float)
    idx, sc = naive.top_k([1.0, 0.0], [[0.0, 1.0], [2.0, 0.0], [1.0, 1.0]], 2)
    assert idx == [1, 2] and isinstance(sc, list)


def test_naive_agrees_with_numpy(rng):
    X, Y = rng.standard_normal((6, 5)), rng.standard_normal((8, 5))
    assert math.isclose(naive.dot(X[0], Y[0]), float(X[0] @ Y[0]), rel_tol=1e-13)
    assert math.isclose(naive.norm(X), float(np.linalg.norm(X)), rel_tol=1e-13)
    np.testing.assert_allclose(naive.cosine_similarity(X, Y), np_cosine(X, Y), rtol=1e-13)
    for metric in ("cosine", "dot"):
        order, scores, _ = np_top_k(X, Y, 3, metric)
        idx, sc = naive.top_k(X, Y, 3, metric=metric)
        np.testing.assert_array_equal(idx, order)
        np.testing.assert_allclose(sc, scores, rtol=1e-13)


def test_naive_does_not_import_numpy_or_fastla():
    import ast
    import pathlib

    import fastla.naive

    for path in pathlib.Path(fastla.naive.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert not name.startswith("numpy"), path
                assert not name.startswith("fastla") or name.startswith("fastla.naive"), path
