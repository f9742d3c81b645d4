"""Matrices: matmul.

Shapes follow numpy.matmul for 1-D and 2-D operands; the product itself is the
C core's blocked GEMM (csrc/gemm/)."""

import numpy as np

from fastla import _core


def matmul(A, B, out=None):
    """A @ B like numpy.matmul for 1-D and 2-D operands: (m, k) @ (k, n) -> (m, n);
    a 1-D left operand is a row, a 1-D right operand a column, and the added axis
    is removed from the result. `out`, if given, must have the result's shape and
    dtype; it may be a strided view, and is returned."""
    if out is None and type(A) is np.ndarray and type(B) is np.ndarray and A.ndim == 2 == B.ndim:
        return _core.matmul2d(A, B)  # the common case, with the least overhead
    if (type(out) is np.ndarray and type(A) is np.ndarray and type(B) is np.ndarray
            and _core.gemm_into(A, B, out)):
        return out  # the common case with out=: 2-D, one dtype, no overlap
    a = _core.as_float_operand(A, "matmul", "A")
    b = _core.as_float_operand(B, "matmul", "B")
    if a.ndim not in (1, 2) or b.ndim not in (1, 2):
        raise ValueError(f"matmul: A has shape {a.shape} and B has shape {b.shape}; "
                         "expected 1-D or 2-D arrays")
    dtype = np.result_type(a.dtype, b.dtype)
    a2 = a[np.newaxis, :] if a.ndim == 1 else a
    b2 = b[:, np.newaxis] if b.ndim == 1 else b
    if a2.shape[1] != b2.shape[0]:
        raise ValueError(f"matmul: A has shape {a.shape} and B has shape {b.shape}; "
                         f"A's {a2.shape[1]} columns do not match B's {b2.shape[0]} rows")
    shape = (a2.shape[0], b2.shape[1])
    result_shape = tuple(s for s, keep in zip(shape, (a.ndim == 2, b.ndim == 2)) if keep)
    a2, b2 = a2.astype(dtype, copy=False), b2.astype(dtype, copy=False)
    if out is None:
        target = np.empty(shape, dtype)
        _core.gemm(a2, b2, target)
        return target.reshape(result_shape)
    _check_out(out, result_shape, dtype)
    view = out.reshape(shape) if out.ndim == 2 else np.expand_dims(out, 0 if a.ndim == 1 else 1)
    if view.ndim != 2:  # both operands 1-D: out is a 0-d array
        view = out.reshape(1, 1)
    overlaps = np.may_share_memory(out, a2) or np.may_share_memory(out, b2)
    # NumPy's rule: as if no overlap. The C core writes aligned elements only.
    target = np.empty(shape, dtype) if overlaps or not view.flags.aligned else view
    _core.gemm(a2, b2, target)
    if target is not view:
        view[...] = target
    return out


def _check_out(out, shape, dtype):
    if not isinstance(out, np.ndarray):
        raise TypeError(f"matmul: out must be a numpy.ndarray, got {type(out).__name__}")
    if out.shape != shape:
        raise ValueError(f"matmul: out has shape {out.shape}; the result has shape {shape}")
    if out.dtype != dtype:
        raise TypeError(f"matmul: out has dtype {out.dtype}; the result has dtype {dtype}")
    if not out.flags.writeable:
        raise ValueError("matmul: out is read-only")
    if out.itemsize and any(s % out.itemsize for s in out.strides):
        raise ValueError("matmul: out's strides are not whole elements")
    return out
