"""Turning the caller's input into plain Python lists (NumPy arrays included,
without importing NumPy: anything with .tolist() is converted by it)."""


def as_vector(x, name="x"):
    """A list of floats from a 1-D sequence."""
    if hasattr(x, "tolist"):
        x = x.tolist()
    values = list(x)
    for v in values:
        if isinstance(v, (list, tuple)) or isinstance(v, complex) or isinstance(v, (str, bytes)):
            raise TypeError(f"{name} must be a 1-D sequence of real numbers, found {v!r}")
    return [float(v) for v in values]


def as_matrix(X, name="X"):
    """(list of row lists, was_1d): a 1-D sequence becomes one row."""
    if hasattr(X, "tolist"):
        X = X.tolist()
    X = list(X)
    if X and not isinstance(X[0], (list, tuple)):
        return [as_vector(X, name)], True
    rows = [as_vector(row, name) for row in X]
    widths = {len(row) for row in rows}
    if len(widths) > 1:
        raise ValueError(f"{name} has rows of different lengths {sorted(widths)}")
    return rows, False
