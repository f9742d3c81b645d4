# The rating predictor's kernels (csrc/apps/mf.c): one SGD epoch, one ALS half-step.
#
# These are the low-level entry points used by fastla.apps.mf_models, which prepares
# the arrays: ids dense int32, ratings float32, factors float32 C-contiguous. Each
# array is still checked here (dtype, contiguity, lengths), since a wrong one would
# be read out of bounds by the C loops. Read-only and memory-mapped arrays are fine
# for the inputs the kernels only read.

import numpy.linalg


cdef int need(cnp.ndarray a, int typenum, str what, str name, bint writable=False) except -1:
    if (cnp.PyArray_TYPE(a) != typenum or not cnp.PyArray_IS_C_CONTIGUOUS(a)
            or not cnp.PyArray_ISNOTSWAPPED(a) or not cnp.PyArray_ISALIGNED(a)):
        raise TypeError(f"{what}: {name} must be an aligned, native-endian, C-contiguous "
                        f"{np.dtype(cnp.PyArray_DescrFromType(typenum))} array, got {a.dtype}")
    if writable and not cnp.PyArray_ISWRITEABLE(a):
        raise ValueError(f"{what}: {name} must be writable")
    return 0


cdef int mf_status(int status, str what, Py_ssize_t row=-1) except -1:
    if status == FL_MF_ENOTPD:
        raise numpy.linalg.LinAlgError(
            f"{what}: the regularised system of row {row} is not positive definite "
            "(use a positive regularisation, and finite ratings)")
    if status == FL_EINVAL:
        raise ValueError(f"{what}: an id is out of range or the strata offsets are inconsistent")
    return check(status, what)


def mf_sgd_epoch(cnp.ndarray users, cnp.ndarray items, cnp.ndarray ratings, order, block_start,
                 float mu, cnp.ndarray bu, cnp.ndarray bi, cnp.ndarray P, cnp.ndarray Q,
                 float lr, float reg_bias, float reg_factor, int nthreads=0):
    """One SGD epoch (see csrc/apps/mf.h); updates bu, bi, P, Q in place and returns
    the sum of squared errors seen during the epoch."""
    what = "mf_sgd_epoch"
    need(users, cnp.NPY_INT32, what, "users")
    need(items, cnp.NPY_INT32, what, "items")
    need(ratings, cnp.NPY_FLOAT32, what, "ratings")
    for arr, name in ((bu, "bu"), (bi, "bi"), (P, "P"), (Q, "Q")):
        need(arr, cnp.NPY_FLOAT32, what, name, writable=True)
    cdef Py_ssize_t n = users.shape[0]
    if items.shape[0] != n or ratings.shape[0] != n:
        raise ValueError(f"{what}: users, items and ratings have lengths {n}, {items.shape[0]}, {ratings.shape[0]}")
    if P.ndim != 2 or Q.ndim != 2 or P.shape[1] != Q.shape[1]:
        raise ValueError(f"{what}: P {np.shape(P)} and Q {np.shape(Q)} must be 2-D with one width")
    if bu.shape[0] != P.shape[0] or bi.shape[0] != Q.shape[0]:
        raise ValueError(f"{what}: bu/bi lengths {bu.shape[0]}/{bi.shape[0]} do not match P/Q rows")
    cdef Py_ssize_t k = P.shape[1], n_users = P.shape[0], n_items = Q.shape[0]
    cdef cnp.ndarray o, bs
    cdef const int64_t *po = NULL
    cdef const int64_t *pbs = NULL
    cdef int nblocks = 1
    if order is not None:
        o = order
        need(o, cnp.NPY_INT64, what, "order")
        if o.shape[0] != n:
            raise ValueError(f"{what}: order has length {o.shape[0]}, expected {n}")
        if n and (o.min() < 0 or o.max() >= n):
            raise ValueError(f"{what}: order has positions outside 0..{n - 1}")
        po = <const int64_t *>cnp.PyArray_DATA(o)
    if block_start is not None:
        bs = block_start
        need(bs, cnp.NPY_INT64, what, "block_start")
        nblocks = int(round(float(bs.shape[0] - 1) ** 0.5))
        if nblocks < 1 or nblocks * nblocks + 1 != bs.shape[0]:
            raise ValueError(f"{what}: block_start has length {bs.shape[0]}; expected T*T + 1")
        pbs = <const int64_t *>cnp.PyArray_DATA(bs)
    cdef double sse = 0.0
    cdef int status
    cdef const int *pu = <const int *>cnp.PyArray_DATA(users)
    cdef const int *pi = <const int *>cnp.PyArray_DATA(items)
    cdef const float *pr = <const float *>cnp.PyArray_DATA(ratings)
    cdef float *pbu = <float *>cnp.PyArray_DATA(bu)
    cdef float *pbi = <float *>cnp.PyArray_DATA(bi)
    cdef float *pp = <float *>cnp.PyArray_DATA(P)
    cdef float *pq = <float *>cnp.PyArray_DATA(Q)
    cdef PyOS_sighandler_t previous
    cdef bint caught = catch_ctrl_c(8.0 * n * (k + 1), &previous)
    with nogil:
        status = fl_mf_sgd_epoch(n, pu, pi, pr, po, nblocks, pbs, n_users, n_items, k, mu,
                                 pbu, pbi, pp, pq, lr, reg_bias, reg_factor, nthreads, &sse)
    release_ctrl_c(caught, previous)
    mf_status(status, what)
    return sse


def mf_als_step(cnp.ndarray indptr, cnp.ndarray other, cnp.ndarray ratings, float mu,
                cnp.ndarray Y, y_bias, cnp.ndarray X, x_bias,
                float reg_factor, float reg_bias, int nthreads=0):
    """One ALS half-step (see csrc/apps/mf.h): solves every row of X (and x_bias) in place."""
    what = "mf_als_step"
    need(indptr, cnp.NPY_INT64, what, "indptr")
    need(other, cnp.NPY_INT32, what, "other")
    need(ratings, cnp.NPY_FLOAT32, what, "ratings")
    need(Y, cnp.NPY_FLOAT32, what, "Y")
    need(X, cnp.NPY_FLOAT32, what, "X", writable=True)
    if X.ndim != 2 or Y.ndim != 2 or X.shape[1] != Y.shape[1]:
        raise ValueError(f"{what}: X {np.shape(X)} and Y {np.shape(Y)} must be 2-D with one width")
    cdef Py_ssize_t n_rows = X.shape[0], n_other = Y.shape[0], k = X.shape[1]
    if indptr.shape[0] != n_rows + 1:
        raise ValueError(f"{what}: indptr has length {indptr.shape[0]}, expected {n_rows + 1}")
    if other.shape[0] != ratings.shape[0] or indptr[n_rows] != other.shape[0]:
        raise ValueError(f"{what}: indptr ends at {indptr[n_rows]} but there are {other.shape[0]} columns "
                         f"and {ratings.shape[0]} ratings")
    cdef cnp.ndarray a
    cdef const float *pyb = NULL
    cdef float *pxb = NULL
    if y_bias is not None:
        a = y_bias
        need(a, cnp.NPY_FLOAT32, what, "y_bias")
        if a.shape[0] != n_other:
            raise ValueError(f"{what}: y_bias has length {a.shape[0]}, expected {n_other}")
        pyb = <const float *>cnp.PyArray_DATA(a)
    if x_bias is not None:
        a = x_bias
        need(a, cnp.NPY_FLOAT32, what, "x_bias", writable=True)
        if a.shape[0] != n_rows:
            raise ValueError(f"{what}: x_bias has length {a.shape[0]}, expected {n_rows}")
        pxb = <float *>cnp.PyArray_DATA(a)
    cdef Py_ssize_t bad = -1
    cdef int status
    cdef const int64_t *pip = <const int64_t *>cnp.PyArray_DATA(indptr)
    cdef const int *po = <const int *>cnp.PyArray_DATA(other)
    cdef const float *pr = <const float *>cnp.PyArray_DATA(ratings)
    cdef const float *py = <const float *>cnp.PyArray_DATA(Y)
    cdef float *px = <float *>cnp.PyArray_DATA(X)
    with nogil:
        status = fl_mf_als_step(n_rows, n_other, k, pip, po, pr, mu, py, pyb, px, pxb,
                                reg_factor, reg_bias, nthreads, &bad)
    mf_status(status, what, bad)


def mf_cholesky_solve(A, b):
    """z with A z = b for a small symmetric positive definite A (float64), by the
    ALS kernel's own Cholesky factorisation; LinAlgError if A is not positive definite."""
    cdef cnp.ndarray a = np.array(A, dtype=np.float64, order="C", copy=True)
    cdef cnp.ndarray z = np.array(b, dtype=np.float64, order="C", copy=True)
    if a.ndim != 2 or a.shape[0] != a.shape[1] or z.ndim != 1 or z.shape[0] != a.shape[0]:
        raise ValueError(f"mf_cholesky_solve: A {np.shape(a)} must be square and b {np.shape(z)} match it")
    cdef int status
    cdef Py_ssize_t m = a.shape[0]
    cdef double *pa = <double *>cnp.PyArray_DATA(a)
    cdef double *pz = <double *>cnp.PyArray_DATA(z)
    with nogil:
        status = fl_mf_cholesky_solve(m, pa, pz)
    if status == FL_MF_ENOTPD:
        raise numpy.linalg.LinAlgError("mf_cholesky_solve: the matrix is not positive definite")
    check(status, "mf_cholesky_solve")
    return z
