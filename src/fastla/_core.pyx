# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""The binding between NumPy arrays and the C core (csrc/).

Each function here checks its inputs, finds element strides (so views are read in
place), allocates the output, releases the GIL around the C call and turns a
status code into a Python exception. Shape conventions live in fastla.vector."""

import numpy as np
import signal as _signal
import threading as _threading
import warnings
cimport numpy as cnp
from libc.signal cimport SIGINT
from libc.stdint cimport int64_t

from fastla._core cimport *

cnp.import_array()
fl_init()


# ---- errors ------------------------------------------------------------------

cdef int check(int status, str what) except -1:
    if status == FL_OK:
        return 0
    if status == FL_ENOMEM:
        raise MemoryError(f"{what}: not enough memory for the workspace")
    if status == FL_EINVAL:
        raise ValueError(f"{what}: invalid argument")
    if status == FL_EINTR:
        raise KeyboardInterrupt
    raise RuntimeError(f"{what}: the C core returned status {status}")


# ---- Ctrl-C during long calls ------------------------------------------------
# Python handles a signal only between bytecodes, so a kernel running without the
# GIL would finish its work before Ctrl-C took effect. Around long calls on the
# main thread, a C handler asks the kernels to stop instead (they check between
# blocks, sweeps or tiles); the binding then raises KeyboardInterrupt.

cdef extern from "Python.h":
    ctypedef void (*PyOS_sighandler_t)(int)
    PyOS_sighandler_t PyOS_setsig(int sig, PyOS_sighandler_t handler)

cdef double LONG_CALL_FLOPS = 2e7  # about 1 ms and more: worth the handler swap


cdef void on_ctrl_c(int sig) noexcept nogil:
    fl_request_stop()


cdef bint catch_ctrl_c(double flops, PyOS_sighandler_t *previous):
    """Routes Ctrl-C to the kernels' stop request for a call of about `flops`
    operations; only on the main thread and under Python's default handler (a
    program that installed its own keeps it). True if the route was set."""
    if flops < LONG_CALL_FLOPS or _threading.current_thread() is not _threading.main_thread():
        return False
    if _signal.getsignal(_signal.SIGINT) is not _signal.default_int_handler:
        return False
    fl_clear_stop()
    previous[0] = PyOS_setsig(SIGINT, on_ctrl_c)
    return True


cdef int release_ctrl_c(bint caught, PyOS_sighandler_t previous) except -1:
    """Puts Python's handler back; raises KeyboardInterrupt if Ctrl-C came during
    the call, even if the kernel had already finished."""
    if not caught:
        return 0
    PyOS_setsig(SIGINT, previous)
    cdef bint stopped = fl_stop_requested()
    fl_clear_stop()
    if stopped:
        raise KeyboardInterrupt
    return 0


# ---- inputs ------------------------------------------------------------------

cdef cnp.ndarray as_real(object x, str what, str name):
    """x as an ndarray of float32 or float64 that the C core can read: native byte
    order, aligned, element strides. float32 stays float32; other real numbers
    become float64; complex, bool, object and strings raise TypeError."""
    cdef cnp.ndarray a = x if cnp.PyArray_Check(x) else np.asarray(x)
    cdef int t = cnp.PyArray_TYPE(a)
    if t != cnp.NPY_DOUBLE and t != cnp.NPY_FLOAT:
        kind = a.dtype.kind
        if kind not in "iuf":
            raise TypeError(f"{what}: {name} has dtype {a.dtype}; expected real numbers "
                            "(float32, float64 or integers)")
        a = a.astype(np.float64)
    if not (cnp.PyArray_ISNOTSWAPPED(a) and cnp.PyArray_ISALIGNED(a)):
        a = np.require(a, a.dtype.newbyteorder("="), "A")
    cdef int d
    cdef Py_ssize_t size = cnp.PyArray_ITEMSIZE(a)
    for d in range(a.ndim):
        if a.strides[d] % size != 0:
            return np.ascontiguousarray(a)
    return a


cdef tuple same_dtype(cnp.ndarray a, cnp.ndarray b):
    """Both in the wider of the two float types (float32 with float64 -> float64)."""
    if cnp.PyArray_TYPE(a) == cnp.PyArray_TYPE(b):
        return a, b
    if cnp.PyArray_TYPE(a) == cnp.NPY_FLOAT:
        return a.astype(np.float64), b
    return a, b.astype(np.float64)


cdef int require_2d(cnp.ndarray a, str what, str name) except -1:
    if a.ndim != 2:
        raise ValueError(f"{what}: {name} has shape {np.shape(a)}; expected a 2-D array")
    return 0


cdef inline Py_ssize_t step(cnp.ndarray a, int axis):
    return a.strides[axis] // cnp.PyArray_ITEMSIZE(a)  # C-level: no Python integers


# ---- dispatch and threads -----------------------------------------------------

def isa():
    """The SIMD path in use: 'generic', 'avx2' or 'avx512'."""
    return fl_isa_name(fl_get_isa()).decode()


def isas():
    """The SIMD paths this machine can run, best last."""
    return [fl_isa_name(<fl_isa>i).decode() for i in range(FL_ISA_COUNT) if fl_isa_usable(<fl_isa>i)]


def set_isa(str name not None):
    """Forces a SIMD path ('generic', 'avx2', 'avx512'); ValueError if it cannot run here."""
    cdef int i = fl_isa_from_name(name.encode())
    if i < 0:
        raise ValueError(f"unknown ISA {name!r}; expected one of 'generic', 'avx2', 'avx512'")
    if fl_set_isa(<fl_isa>i) != FL_OK:
        raise ValueError(f"ISA {name!r} cannot run on this machine; usable: {', '.join(isas())}")


def vbmi_usable():
    """Whether this CPU has AVX-512 VBMI, which the filter presets' lookup tables use on the 'avx512' path."""
    return bool(fl_vbmi_usable())


def set_vbmi(bint on):
    """Turns the AVX-512 VBMI lookup tables on or off (off: AVX-512BW's), for tests and comparisons."""
    fl_set_vbmi(on)


_REFINE_MODES = {"pairs": FL_REFINE_PAIRS, "orthogonal": FL_REFINE_ORTHOGONAL, "none": FL_REFINE_NONE}


def set_eigh_refine(mode):
    """How float64 eigh refines its float32 start, for tests: 'pairs' (the default),
    'orthogonal' (as after a stalled step) or 'none' (as after a failed one)."""
    if mode not in _REFINE_MODES:
        raise ValueError(f"refine mode {mode!r}; expected one of {', '.join(_REFINE_MODES)}")
    fl_set_eigh_refine(_REFINE_MODES[mode])


def workspace_kept():
    """The large freed workspace blocks the C core keeps for the next call: (blocks, bytes)."""
    cdef int blocks = 0
    cdef size_t nbytes = 0
    fl_workspace_kept(&blocks, &nbytes)
    return blocks, nbytes


def release_workspace():
    """Gives the kept workspace blocks back to the system."""
    fl_workspace_release()


def set_num_threads(n):
    """Sets how many threads fastla's kernels may use (n >= 1)."""
    import operator
    n = operator.index(n)
    if n < 1:
        raise ValueError(f"set_num_threads: n must be at least 1, got {n}")
    if fl_set_num_threads(min(n, 256)) != FL_OK:
        raise ValueError(f"set_num_threads: invalid n={n}")


def get_num_threads():
    """How many threads fastla's kernels may use."""
    return fl_get_num_threads()


def cpu_count():
    """The CPUs this process may run on."""
    return fl_cpu_count()


def _apply_env_isa(str requested):
    """Honours FASTLA_ISA: an unusable value warns and keeps the best path."""
    try:
        set_isa(requested)
    except ValueError as e:
        warnings.warn(f"FASTLA_ISA={requested!r} ignored: {e}; using {isa()}", RuntimeWarning, stacklevel=3)


# ---- vector kernels --------------------------------------------------------------

def dot(x, y):
    """sum_i x[i] * y[i] for two 1-D arrays of the same length."""
    cdef cnp.ndarray a = as_real(x, "dot", "x")
    cdef cnp.ndarray b = as_real(y, "dot", "y")
    if a.ndim != 1 or b.ndim != 1 or a.shape[0] != b.shape[0]:
        raise ValueError(f"dot: x has shape {np.shape(a)} and y has shape {np.shape(b)}; "
                         "expected two 1-D arrays of the same length")
    a, b = same_dtype(a, b)
    cdef Py_ssize_t n = a.shape[0], ia = step(a, 0), ib = step(b, 0)
    cdef double r64
    cdef float r32
    cdef void *pa = cnp.PyArray_DATA(a)
    cdef void *pb = cnp.PyArray_DATA(b)
    if cnp.PyArray_TYPE(a) == cnp.NPY_DOUBLE:
        with nogil:
            fl_dot_f64(n, <double *>pa, ia, <double *>pb, ib, &r64)
        return np.float64(r64)
    with nogil:
        fl_dot_f32(n, <float *>pa, ia, <float *>pb, ib, &r32)
    return np.float32(r32)


def norm(x):
    """The Euclidean norm sqrt(sum x^2) of all entries, without overflow or underflow."""
    cdef cnp.ndarray a = as_real(x, "norm", "x")
    if a.ndim != 1:
        a = a.reshape(-1) if a.flags.c_contiguous else np.ravel(a)
    cdef Py_ssize_t n = a.shape[0], ia = step(a, 0)
    cdef double r64
    cdef float r32
    cdef void *pa = cnp.PyArray_DATA(a)
    if cnp.PyArray_TYPE(a) == cnp.NPY_DOUBLE:
        with nogil:
            fl_nrm2_f64(n, <double *>pa, ia, &r64)
        return np.float64(r64)
    with nogil:
        fl_nrm2_f32(n, <float *>pa, ia, &r32)
    return np.float32(r32)


cdef fl_metric metric_of(str metric, str what) except *:
    if metric == "cosine":
        return FL_METRIC_COSINE
    if metric == "dot":
        return FL_METRIC_DOT
    raise ValueError(f"{what}: metric must be 'cosine' or 'dot', got {metric!r}")


cdef tuple matrix_pair(X, Y, str what, str xname, str yname):
    """Two 2-D operands of one float dtype with rows of the same width."""
    cdef cnp.ndarray a = as_real(X, what, xname)
    cdef cnp.ndarray b = as_real(Y, what, yname)
    require_2d(a, what, xname)
    require_2d(b, what, yname)
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"{what}: {xname} has shape {np.shape(a)} and {yname} has shape {np.shape(b)}")
    return same_dtype(a, b)


def pairwise(cnp.ndarray X, cnp.ndarray Y, str metric="cosine"):
    """Scores of every row of X against every row of Y (2-D arrays, same width)."""
    cdef fl_metric mt = metric_of(metric, "pairwise")
    X, Y = matrix_pair(X, Y, "pairwise", "X", "Y")
    cdef Py_ssize_t m = X.shape[0], n = Y.shape[0], d = X.shape[1]
    cdef Py_ssize_t rsx = step(X, 0), csx = step(X, 1), rsy = step(Y, 0), csy = step(Y, 1)
    cdef cnp.ndarray out = np.empty((m, n), dtype=X.dtype)
    cdef void *px = cnp.PyArray_DATA(X)
    cdef void *py = cnp.PyArray_DATA(Y)
    cdef void *po = cnp.PyArray_DATA(out)
    cdef int status
    cdef PyOS_sighandler_t previous
    cdef bint caught = catch_ctrl_c(2.0 * m * n * d, &previous)
    if cnp.PyArray_TYPE(X) == cnp.NPY_DOUBLE:
        with nogil:
            status = fl_pairwise_f64(mt, m, n, d, <double *>px, rsx, csx, <double *>py, rsy, csy, <double *>po, n)
    else:
        with nogil:
            status = fl_pairwise_f32(mt, m, n, d, <float *>px, rsx, csx, <float *>py, rsy, csy, <float *>po, n)
    release_ctrl_c(caught, previous)
    check(status, "cosine_similarity")
    return out


def topk(cnp.ndarray Q, cnp.ndarray C, Py_ssize_t k, str metric="cosine"):
    """The k best rows of C for each row of Q: (indices int64, scores), m x k, best first."""
    cdef fl_metric mt = metric_of(metric, "top_k")
    Q, C = matrix_pair(Q, C, "top_k", "queries", "catalog")
    if k < 0 or k > C.shape[0]:
        raise ValueError(f"top_k: k={k} must be between 0 and the catalogue's {C.shape[0]} rows")
    cdef Py_ssize_t m = Q.shape[0], n = C.shape[0], d = Q.shape[1]
    cdef Py_ssize_t rsq = step(Q, 0), csq = step(Q, 1), rsc = step(C, 0), csc = step(C, 1)
    cdef cnp.ndarray idx = np.empty((m, k), dtype=np.int64)
    cdef cnp.ndarray scores = np.empty((m, k), dtype=Q.dtype)
    cdef void *pq = cnp.PyArray_DATA(Q)
    cdef void *pc = cnp.PyArray_DATA(C)
    cdef int64_t *pi = <int64_t *>cnp.PyArray_DATA(idx)
    cdef void *ps = cnp.PyArray_DATA(scores)
    cdef int status
    cdef PyOS_sighandler_t previous
    cdef bint caught = catch_ctrl_c(2.0 * m * n * d, &previous)
    if cnp.PyArray_TYPE(Q) == cnp.NPY_DOUBLE:
        with nogil:
            status = fl_topk_f64(mt, m, n, d, <double *>pq, rsq, csq, <double *>pc, rsc, csc, k, pi, <double *>ps)
    else:
        with nogil:
            status = fl_topk_f32(mt, m, n, d, <float *>pq, rsq, csq, <float *>pc, rsc, csc, k, pi, <float *>ps)
    release_ctrl_c(caught, previous)
    check(status, "top_k")
    return idx, scores


# ---- matrices ----------------------------------------------------------------------

cdef cnp.ndarray run_gemm(cnp.ndarray A, cnp.ndarray B, cnp.ndarray out):
    """out = A @ B, the operands already checked: 2-D, one float dtype, fitting shapes."""
    cdef Py_ssize_t m = A.shape[0], k = A.shape[1], n = B.shape[1]
    cdef Py_ssize_t rsa = step(A, 0), csa = step(A, 1), rsb = step(B, 0), csb = step(B, 1)
    cdef Py_ssize_t rsc = step(out, 0), csc = step(out, 1)
    cdef void *pa = cnp.PyArray_DATA(A)
    cdef void *pb = cnp.PyArray_DATA(B)
    cdef void *pc = cnp.PyArray_DATA(out)
    cdef int status
    cdef PyOS_sighandler_t previous
    cdef bint caught = catch_ctrl_c(2.0 * m * n * k, &previous)
    if cnp.PyArray_TYPE(A) == cnp.NPY_DOUBLE:
        with nogil:
            status = fl_gemm_f64(m, n, k, <double *>pa, rsa, csa, <double *>pb, rsb, csb, <double *>pc, rsc, csc, 0)
    else:
        with nogil:
            status = fl_gemm_f32(m, n, k, <float *>pa, rsa, csa, <float *>pb, rsb, csb, <float *>pc, rsc, csc, 0)
    release_ctrl_c(caught, previous)
    check(status, "matmul")
    return out


def gemm(cnp.ndarray A, cnp.ndarray B, cnp.ndarray out):
    """out = A @ B for 2-D arrays of one float dtype; out is written through its strides."""
    cdef cnp.ndarray arr
    for arr, name in ((A, "A"), (B, "B"), (out, "out")):
        require_2d(arr, "matmul", name)
        if cnp.PyArray_TYPE(arr) != cnp.PyArray_TYPE(out) or cnp.PyArray_TYPE(arr) not in (cnp.NPY_DOUBLE, cnp.NPY_FLOAT):
            raise TypeError("matmul: A, B and out must share one float dtype")
        if not (cnp.PyArray_ISNOTSWAPPED(arr) and cnp.PyArray_ISALIGNED(arr)) or any(s % arr.itemsize for s in (<object>arr).strides):
            raise ValueError(f"matmul: {name} must be aligned, native-endian, with whole-element strides")
    if not out.flags.writeable:
        raise ValueError("matmul: out is read-only")
    if A.shape[1] != B.shape[0] or out.shape[0] != A.shape[0] or out.shape[1] != B.shape[1]:
        raise ValueError(f"matmul: shapes {np.shape(A)} @ {np.shape(B)} -> {np.shape(out)} do not fit")
    return run_gemm(A, B, out)


cdef bint byte_range(cnp.ndarray x, char **lo, char **hi):
    """The bytes [lo, hi) that x's elements span; False when x is empty."""
    cdef char *start = <char *>cnp.PyArray_DATA(x)
    cdef Py_ssize_t low = 0, high = 0, i, reach
    for i in range(x.ndim):
        if x.shape[i] == 0:
            return False
        reach = (x.shape[i] - 1) * x.strides[i]
        if reach < 0:
            low += reach
        else:
            high += reach
    lo[0] = start + low
    hi[0] = start + high + cnp.PyArray_ITEMSIZE(x)
    return True


cdef bint overlaps(cnp.ndarray x, cnp.ndarray y):
    """Whether the byte spans of x and y meet (numpy.may_share_memory's test)."""
    cdef char *xl
    cdef char *xh
    cdef char *yl
    cdef char *yh
    if not byte_range(x, &xl, &xh) or not byte_range(y, &yl, &yh):
        return False
    return xl < yh and yl < xh


cdef bint plain_operand(cnp.ndarray x, int typenum):
    """2-D, of the dtype typenum, native-endian, aligned, whole-element strides."""
    cdef Py_ssize_t size = cnp.PyArray_ITEMSIZE(x)
    return (x.ndim == 2 and cnp.PyArray_TYPE(x) == typenum and cnp.PyArray_ISNOTSWAPPED(x)
            and cnp.PyArray_ISALIGNED(x) and x.strides[0] % size == 0 and x.strides[1] % size == 0)


def gemm_into(cnp.ndarray A, cnp.ndarray B, cnp.ndarray out):
    """out = A @ B and True when nothing needs converting or checking further: 2-D
    operands and out of one float dtype, fitting shapes, out writeable and apart
    from A and B in memory. Otherwise False, and nothing is written: the caller
    takes its general path (conversions, clear errors, overlap through a copy)."""
    cdef int typenum = cnp.PyArray_TYPE(out)
    if typenum != cnp.NPY_DOUBLE and typenum != cnp.NPY_FLOAT:
        return False
    if not (plain_operand(A, typenum) and plain_operand(B, typenum) and plain_operand(out, typenum)):
        return False
    if A.shape[1] != B.shape[0] or out.shape[0] != A.shape[0] or out.shape[1] != B.shape[1]:
        return False
    if not cnp.PyArray_ISWRITEABLE(out) or overlaps(out, A) or overlaps(out, B):
        return False
    run_gemm(A, B, out)
    return True


def matmul2d(A, B):
    """A @ B for two 2-D arrays: the common case of fastla.matmul, with the
    least Python in the way (small products are dominated by call overhead)."""
    cdef cnp.ndarray a = as_real(A, "matmul", "A")
    cdef cnp.ndarray b = as_real(B, "matmul", "B")
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[0]:
        raise ValueError(f"matmul: A has shape {np.shape(a)} and B has shape {np.shape(b)}; "
                         "expected 2-D arrays with A's columns matching B's rows")
    a, b = same_dtype(a, b)
    cdef cnp.npy_intp dims[2]
    dims[0] = a.shape[0]
    dims[1] = b.shape[1]
    return run_gemm(a, b, cnp.PyArray_EMPTY(2, dims, cnp.PyArray_TYPE(a), 0))


def as_float_operand(x, str what, str name):
    """An input as the C core reads it (see as_real)."""
    return as_real(x, what, name)


# ---- eigenvalues --------------------------------------------------------------------

def square_matrix(A, str what):
    """A as a square float matrix the C core can read (see as_real)."""
    cdef cnp.ndarray a = as_real(A, what, "A")
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise ValueError(f"{what}: A has shape {np.shape(a)}; expected a square 2-D array")
    return a


def eigh(cnp.ndarray A, bint vectors, int max_sweeps):
    """(w, V or None, converged, sweeps) of the symmetric A (checked square, finite,
    lower triangle read) by Jacobi; at the sweep cap, the estimate so far."""
    cdef Py_ssize_t n = A.shape[0], rsa = step(A, 0), csa = step(A, 1)
    cdef cnp.ndarray w = np.empty(n, dtype=A.dtype)
    cdef cnp.ndarray V = np.empty((n, n), dtype=A.dtype) if vectors else None
    cdef void *pa = cnp.PyArray_DATA(A)
    cdef void *pw = cnp.PyArray_DATA(w)
    cdef void *pv = cnp.PyArray_DATA(V) if vectors else NULL
    cdef int status, sweeps = 0
    cdef PyOS_sighandler_t previous
    cdef bint caught = catch_ctrl_c(10.0 * n * n * n, &previous)
    if cnp.PyArray_TYPE(A) == cnp.NPY_DOUBLE:
        with nogil:
            status = fl_eigh_f64(n, <double *>pa, rsa, csa, <double *>pw, <double *>pv, n, 1, max_sweeps, &sweeps)
    else:
        with nogil:
            status = fl_eigh_f32(n, <float *>pa, rsa, csa, <float *>pw, <float *>pv, n, 1, max_sweeps, &sweeps)
    release_ctrl_c(caught, previous)
    if status != FL_ENOCONV:
        check(status, "eigh")
    return w, V, status == FL_OK, sweeps


def svd(cnp.ndarray A, bint full_matrices, bint compute_uv, int max_sweeps):
    """(U or None, s, Vt or None, converged, sweeps) of the 2-D finite A by
    one-sided Jacobi; at the sweep cap, the estimate so far."""
    cdef Py_ssize_t m = A.shape[0], n = A.shape[1], k = min(A.shape[0], A.shape[1])
    cdef Py_ssize_t rsa = step(A, 0), csa = step(A, 1)
    cdef Py_ssize_t ucols = m if full_matrices else k, vrows = n if full_matrices else k
    cdef cnp.ndarray s = np.empty(k, dtype=A.dtype)
    cdef cnp.ndarray U = np.empty((m, ucols), dtype=A.dtype) if compute_uv else None
    cdef cnp.ndarray Vt = np.empty((vrows, n), dtype=A.dtype) if compute_uv else None
    cdef void *pa = cnp.PyArray_DATA(A)
    cdef void *ps = cnp.PyArray_DATA(s)
    cdef void *pu = cnp.PyArray_DATA(U) if compute_uv else NULL
    cdef void *pv = cnp.PyArray_DATA(Vt) if compute_uv else NULL
    cdef int status, sweeps = 0, full = full_matrices
    cdef PyOS_sighandler_t previous
    cdef bint caught = catch_ctrl_c(10.0 * m * n * k, &previous)
    if cnp.PyArray_TYPE(A) == cnp.NPY_DOUBLE:
        with nogil:
            status = fl_svd_f64(m, n, <double *>pa, rsa, csa, <double *>ps, <double *>pu, ucols, 1,
                                <double *>pv, n, 1, full, max_sweeps, &sweeps)
    else:
        with nogil:
            status = fl_svd_f32(m, n, <float *>pa, rsa, csa, <float *>ps, <float *>pu, ucols, 1,
                                <float *>pv, n, 1, full, max_sweeps, &sweeps)
    release_ctrl_c(caught, previous)
    if status != FL_ENOCONV:
        check(status, "svd")
    return U, s, Vt, status == FL_OK, sweeps


def orthonormal(cnp.ndarray A):
    """Q (m x n, orthonormal columns spanning A's) of the 2-D float A, m >= n."""
    cdef Py_ssize_t m = A.shape[0], n = A.shape[1], rsa = step(A, 0), csa = step(A, 1)
    if m < n:
        raise ValueError(f"orthonormal: A has shape {np.shape(A)}; expected at least as many rows as columns")
    cdef cnp.ndarray Q = np.empty((n, m), dtype=A.dtype).T  # column-major
    cdef void *pa = cnp.PyArray_DATA(A)
    cdef void *pq = cnp.PyArray_DATA(Q)
    cdef int status
    cdef PyOS_sighandler_t previous
    cdef bint caught = catch_ctrl_c(4.0 * m * n * n, &previous)
    if cnp.PyArray_TYPE(A) == cnp.NPY_DOUBLE:
        with nogil:
            status = fl_orthonormal_f64(m, n, <double *>pa, rsa, csa, <double *>pq)
    else:
        with nogil:
            status = fl_orthonormal_f32(m, n, <float *>pa, rsa, csa, <float *>pq)
    release_ctrl_c(caught, previous)
    check(status, "orthonormal")
    return Q


def cholesky_inverse(G, double min_pivot):
    """R^-1 (float64), R the upper Cholesky factor of the symmetric positive
    definite G (R^T R = G); None when a pivot falls to min_pivot times its
    diagonal entry or below, i.e. G is too near singular for it."""
    cdef cnp.ndarray X = np.array(G, dtype=np.float64, order="C", copy=True)
    if X.ndim != 2 or X.shape[0] != X.shape[1]:
        raise ValueError(f"cholesky_inverse: G has shape {np.shape(G)}; expected a square matrix")
    cdef int status
    with nogil:
        status = fl_cholesky_inverse_f64(X.shape[0], <double *>cnp.PyArray_DATA(X), min_pivot)
    if status == FL_ENOCONV:
        return None
    check(status, "cholesky_inverse")
    return X


def asymmetry(cnp.ndarray A):
    """(max |a_ij - a_ji|, max |a_ij|) of the square float matrix A (from
    square_matrix), in one pass; NaN where A holds one, the second infinite
    where A holds an infinity."""
    cdef Py_ssize_t n = A.shape[0], rsa = step(A, 0), csa = step(A, 1)
    cdef void *pa = cnp.PyArray_DATA(A)
    cdef double out[2]
    out[0] = out[1] = 0
    if cnp.PyArray_TYPE(A) == cnp.NPY_DOUBLE:
        with nogil:
            fl_asymmetry_f64(n, <double *>pa, rsa, csa, out)
    else:
        with nogil:
            fl_asymmetry_f32(n, <float *>pa, rsa, csa, out)
    return out[0], out[1]


def power(cnp.ndarray A, cnp.ndarray x, double tol, long max_iter):
    """(lambda, x, converged, residual, iterations): power iteration on the square,
    finite A from a C-contiguous copy x of A's dtype (overwritten)."""
    cdef Py_ssize_t n = A.shape[0], rsa = step(A, 0), csa = step(A, 1)
    cdef void *pa = cnp.PyArray_DATA(A)
    cdef void *px = cnp.PyArray_DATA(x)
    cdef double lam = 0, res = 0
    cdef long its = 0
    cdef int status
    cdef PyOS_sighandler_t previous
    cdef bint caught = catch_ctrl_c(2.0 * n * n * max_iter, &previous)
    if cnp.PyArray_TYPE(A) == cnp.NPY_DOUBLE:
        with nogil:
            status = fl_power_f64(n, <double *>pa, rsa, csa, <double *>px, tol, max_iter, &lam, &res, &its)
    else:
        with nogil:
            status = fl_power_f32(n, <float *>pa, rsa, csa, <float *>px, tol, max_iter, &lam, &res, &its)
    release_ctrl_c(caught, previous)
    if status != FL_ENOCONV:
        check(status, "power_iteration")
    return lam, x, status == FL_OK, res, its


# ---- the GEMM ladder -------------------------------------------------------------------

def ladder_steps():
    """[(name, usable on this CPU)] for the ladder's steps, in order."""
    return [(fl_ladder_name(i).decode(), bool(fl_ladder_usable(i))) for i in range(fl_ladder_count())]


def ladder_run(int step, cnp.ndarray A, cnp.ndarray B):
    """A @ B by one step of the ladder; A and B C-contiguous float64."""
    cdef cnp.ndarray arr
    for arr, name in ((A, "A"), (B, "B")):
        require_2d(arr, "ladder.matmul", name)
        if (cnp.PyArray_TYPE(arr) != cnp.NPY_DOUBLE or not cnp.PyArray_IS_C_CONTIGUOUS(arr)
                or not cnp.PyArray_ISNOTSWAPPED(arr) or not cnp.PyArray_ISALIGNED(arr)):
            raise TypeError(f"ladder.matmul: {name} must be aligned, native-endian, C-contiguous float64")
    if A.shape[1] != B.shape[0]:
        raise ValueError(f"ladder.matmul: A has shape {np.shape(A)} and B has shape {np.shape(B)}")
    cdef Py_ssize_t m = A.shape[0], k = A.shape[1], n = B.shape[1]
    cdef cnp.ndarray C = np.empty((m, n), dtype=np.float64)
    cdef double *pa = <double *>cnp.PyArray_DATA(A)
    cdef double *pb = <double *>cnp.PyArray_DATA(B)
    cdef double *pc = <double *>cnp.PyArray_DATA(C)
    cdef int status
    with nogil:
        status = fl_ladder_run(step, m, n, k, pa, k, pb, n, pc, n)
    check(status, "ladder.matmul")
    return C


# ---- the apps' kernels: one included file per app --------------------------------
include "_image_buffers.pxi"
include "_compressor.pxi"
include "_presets.pxi"
include "_predictor.pxi"
include "_image.pxi"
