"""Inputs and answer checks for the fuzz tests (tests/test_fuzz.py).

An input is drawn as: a shape (sizes from 0 to 70, most often on or next to a block
edge of the C kernels), a dtype (every real one fastla accepts, or one it must reject),
a range of values (ordinary, integer, near overflow, near underflow, graded, with NaN
and Inf, all zero) and a memory layout (C or Fortran order, a transposed view, a view
with negative or non-unit strides into a buffer whose gaps hold NaN, a zero stride,
swapped byte order, an unaligned buffer, read-only).

The reference for an answer is the input as fastla reads it (float32 stays float32,
every other real dtype becomes float64) evaluated in long double, and the checks
allow the rounding error of the dtype: a sum of n products is within (n + 2) eps of
the sum of their absolute values."""

import contextlib
import os

import numpy as np
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

import fastla
from fastla import _core

ERRORS = (ValueError, TypeError, np.linalg.LinAlgError)

# GEMM register tiles (4, 6, 14 rows; 8, 16, 32 columns), the scoring block (56
# queries), the Jacobi block (32), the small paths (up to 64) and the 4-query top_k
# path: each size, one less and one more.
EDGES = sorted({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 14, 15, 16, 17, 31, 32, 33, 55, 56, 57,
                63, 64, 65, 70})
MAX_SIZE = 70

# Long double has a wider range than float64 on x86 (80-bit); elsewhere it may be
# float64 itself, and then float64 inputs near overflow or underflow have no reference.
EXTENDED = np.finfo(np.longdouble).maxexp > np.finfo(np.float64).maxexp

ACCEPTED = [np.float64, np.float32, np.float16, np.longdouble, np.int8, np.int16, np.int32,
            np.int64, np.uint8, np.uint16, np.uint32, np.uint64]
REJECTED = [np.complex64, np.complex128, object, "U3", "S3", bool, "datetime64[s]",
            "timedelta64[s]"]
REGIMES = ["normal", "integers", "huge", "tiny", "graded", "nonfinite", "zeros"]
LAYOUTS = ["C", "F", "transposed", "strided", "broadcast", "byteswapped", "unaligned"]


# ---- the budget ----------------------------------------------------------------------------

def budget(default, most=None):
    """settings for one fuzz test: `default` examples, derandomized (the same cases on
    every run, so a failure in CI reproduces). FASTLA_FUZZ_EXAMPLES=N asks for N examples
    of every test (at most `most` of a slow one), drawn at random: a long local run,
    reproducible with pytest's --hypothesis-seed=S."""
    long_run = os.environ.get("FASTLA_FUZZ_EXAMPLES")
    examples = min(int(long_run), most or int(long_run)) if long_run else default
    return settings(max_examples=examples, derandomize=not long_run,
                    database=None, deadline=None, suppress_health_check=list(HealthCheck))


# ---- what fastla computes in ------------------------------------------------------------------

def compute_dtype(*arrays):
    """float32 if every operand is float32 (any byte order), else float64."""
    single = all(np.asarray(a).dtype.kind == "f" and np.asarray(a).dtype.itemsize == 4
                 for a in arrays)
    return np.dtype(np.float32) if single else np.dtype(np.float64)


def seen(a, dtype):
    """The values fastla reads: a converted to its computation dtype, then widened to long
    double for the reference."""
    return np.asarray(a).astype(dtype).astype(np.longdouble)


# ---- inputs ----------------------------------------------------------------------------------

def sizes(low=0, high=MAX_SIZE):
    edges = [e for e in EDGES if low <= e <= high]
    return st.one_of(st.sampled_from(edges), st.integers(low, high)) if edges else st.integers(low, high)


def _values(rng, shape, dtype, regime):
    """Values of `regime` for an array of `dtype` (a numpy dtype)."""
    size = int(np.prod(shape))
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        if regime == "huge":  # the whole range: int64 and uint64 round on the way to float64
            return rng.integers(info.min, info.max, size=shape, dtype=dtype, endpoint=True)
        if regime == "zeros":
            return np.zeros(shape, dtype)
        return rng.integers(max(info.min, -9), 10, size=shape).astype(dtype)
    fdtype = np.float64 if dtype == np.longdouble else dtype
    info = np.finfo(fdtype)
    x = rng.standard_normal(size)
    if regime == "integers":
        x = np.round(4 * x)
    elif regime == "huge":  # up to max / 4 ... max / 4096: sums may or may not overflow
        x = np.clip(x, -3.5, 3.5) * (float(info.max) / 2.0 ** rng.integers(2, 13))  # finite
    elif regime == "tiny":  # normal numbers near the smallest, and subnormal ones
        x = x * float(info.tiny) * 2.0 ** rng.integers(-info.nmant, 4, size)
    elif regime == "graded":  # entries spread over many binades
        span = 60 if fdtype != np.float16 else 10
        x = x * 2.0 ** rng.integers(-span, span + 1, size)
    elif regime == "nonfinite":
        specials = np.array([np.nan, np.inf, -np.inf])
        hit = rng.random(size) < max(0.05, 1.0 / max(size, 1))
        x[hit] = specials[rng.integers(0, 3, hit.sum())]
    elif regime == "zeros":
        x[:] = 0
        if size and rng.random() < 0.5:
            x[rng.integers(0, size)] = 1.0
    with np.errstate(over="ignore"):
        return x.astype(dtype).reshape(shape)


def _layout(rng, a, layout):
    """a (values already in their dtype) in the given memory layout."""
    if layout == "F":
        return np.asfortranarray(a)
    if layout == "transposed":
        return np.ascontiguousarray(a.T).T
    if layout == "strided":  # a view into a larger buffer whose gaps hold poison
        steps = [int(rng.choice([1, 2, 3, -1, -2])) for _ in a.shape]
        big = np.empty([max(n * abs(s), 1) for n, s in zip(a.shape, steps)], a.dtype)
        big[...] = np.nan if a.dtype.kind == "f" else 101
        view = big[tuple(slice(None, None, s) for s in steps)]
        view = view[tuple(slice(0, n) for n in a.shape)]
        view[...] = a
        return view
    if layout == "broadcast" and a.ndim and a.shape[0] > 1:  # a zero stride: equal rows
        return np.broadcast_to(a[:1], a.shape)
    if layout == "byteswapped" and a.dtype.itemsize > 1:
        return a.astype(a.dtype.newbyteorder())
    if layout == "unaligned" and a.dtype.itemsize > 1:
        buf = np.zeros(a.nbytes + 1, np.uint8)
        view = buf[1:].view(a.dtype).reshape(a.shape)
        view[...] = a
        return view
    return np.ascontiguousarray(a)


@st.composite
def arrays(draw, shape, dtypes=None, regimes=None, layouts=None):
    """An accepted array of `shape` (a tuple of ints or of strategies)."""
    shape = tuple(draw(s) if isinstance(s, st.SearchStrategy) else s for s in shape)
    dtype = np.dtype(draw(st.sampled_from(dtypes or ACCEPTED)))
    regime = draw(st.sampled_from(regimes or REGIMES))
    if regime in ("huge", "tiny") and dtype == np.longdouble:
        regime = "normal"  # longdouble is converted to float64: its own extremes are out of range
    if regime in ("huge", "tiny") and compute_dtype(np.empty(0, dtype)) == np.float64 \
            and not EXTENDED and dtype.kind == "f":
        regime = "normal"
    layout = draw(st.sampled_from(layouts or LAYOUTS))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    a = _layout(rng, _values(rng, shape, dtype, regime), layout)
    if draw(st.booleans()) and a.flags.writeable:
        a.flags.writeable = False
    return a


@st.composite
def rejected_arrays(draw, shape):
    """An array of a dtype fastla must refuse (complex, object, strings, bool, dates)."""
    shape = tuple(draw(s) if isinstance(s, st.SearchStrategy) else s for s in shape)
    dtype = draw(st.sampled_from(REJECTED))
    return np.ones(shape, dtype=dtype) if dtype not in ("U3", "S3") else np.full(shape, "1", dtype)


JUNK = st.sampled_from([None, "abc", 3.5, [[1.0, 2.0], [3.0]], {"a": 1}, object()])


# ---- calling -------------------------------------------------------------------------------

@contextlib.contextmanager
def kernel_setup(isa, threads):
    """Run on one SIMD path with one thread count; both restored afterwards."""
    isa0, threads0 = _core.isa(), fastla.get_num_threads()
    fastla.set_isa(isa)
    fastla.set_num_threads(threads)
    try:
        yield
    finally:
        fastla.set_isa(isa0)
        fastla.set_num_threads(threads0)


SETUPS = st.tuples(st.sampled_from(_core.isas()), st.sampled_from([1, 2]))


def call(f, *args, **kwargs):
    """(result, None) or (None, the exception), the exception being an allowed kind with a
    message; the inputs must come back unchanged."""
    copies = [np.array(a, copy=True) if isinstance(a, np.ndarray) else None for a in args]
    try:
        result, error = f(*args, **kwargs), None
    except ERRORS as e:
        assert str(e).strip(), f"{type(e).__name__} without a message"
        result, error = None, e
    for a, c in zip(args, copies):
        if c is not None:
            assert_same(a, c)
    return result, error


def assert_same(a, b):
    """The input was not written to (NaN equal to NaN)."""
    if a.dtype.kind in "fc":
        assert np.array_equal(a, b, equal_nan=True), "the input was modified"
    else:
        assert np.array_equal(a, b), "the input was modified"


def expect_error(result_error, kinds, match=None):
    result, error = result_error
    assert error is not None, f"no error; expected {kinds}"
    assert isinstance(error, kinds), f"{type(error).__name__}: {error}; expected {kinds}"
    if match:
        assert match.lower() in str(error).lower(), f"message {error!s} lacks {match!r}"


def expect_result(result_error):
    result, error = result_error
    assert error is None, f"valid input raised {type(error).__name__}: {error}"
    return result


# ---- answer checks ---------------------------------------------------------------------------

def finite_part(a):
    return np.where(np.isfinite(a), a, 0)


def assert_sums(fast, ref, bound, n, dtype, what):
    """Each entry of `fast` (computed in `dtype`) is the sum `ref` (long double) of n products
    whose absolute values add up to `bound`, the finite inputs' part only: within
    (n + 2) eps bound when finite; NaN where the exact sum is NaN, the right infinity where
    it is infinite; and non-finite only there or where the finite terms may overflow."""
    info = np.finfo(dtype)
    fast = np.asarray(fast)
    ref, bound = np.broadcast_arrays(np.asarray(ref, np.longdouble), np.asarray(bound, np.longdouble))
    assert fast.shape == ref.shape, f"{what}: shape {fast.shape}, expected {ref.shape}"
    if fast.size == 0:
        return
    f = fast.astype(np.longdouble)
    eps = np.longdouble(info.eps)
    tol = (n + 2) * eps * bound + eps * abs(ref) + (n + 2) * np.longdouble(info.smallest_subnormal)
    with np.errstate(invalid="ignore", over="ignore"):
        good_value = np.isfinite(f) & np.isfinite(ref) & (abs(f - ref) <= tol)
        may_overflow = bound > np.longdouble(info.max) * (1 - eps)
        good_special = ~np.isfinite(f) & (may_overflow | (np.isnan(ref) & np.isnan(f))
                                          | (np.isinf(ref) & (f == ref)))
    bad = ~(good_value | good_special)
    if bad.any():
        i = tuple(np.argwhere(bad)[0])
        raise AssertionError(f"{what}: {bad.sum()} wrong entries; at {i}: {fast[i]!r}, "
                             f"expected {ref[i]!r} within {tol[i]!r}")


def pow2_scale(*arrays):
    """A power of two c with max |c a| in [0.5, 1) over the arrays: exact scaling that keeps
    the reference computations clear of overflow and underflow."""
    amax = max((np.max(np.abs(np.asarray(a, np.longdouble)), initial=np.longdouble(0)) for a in arrays),
               default=np.longdouble(0))  # long double: a covariance of float64 data may exceed float64
    if amax == 0 or not np.isfinite(amax):
        return np.longdouble(1)
    return np.ldexp(np.longdouble(1), -int(np.frexp(amax)[1]))  # beyond float64's range for subnormals


def scaled64(a, c):
    """a * c in float64, exactly (c a power of two, a read in long double)."""
    return np.asarray(np.asarray(a, np.longdouble) * c, np.float64)
