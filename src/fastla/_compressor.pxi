# The compressor's kernel: a separable float filter (csrc/apps/filter_float.c),
# used by fastla.apps.compressor.metrics for SSIM's Gaussian window.

def sep_filter(object image, object taps):
    """image (2-D, float32 or float64) correlated with the 1-D odd-length taps
    along rows, then along columns, with scipy.ndimage's 'reflect' borders.
    Returns a new C-contiguous array of image's dtype (float32 stays float32;
    other real dtypes become float64)."""
    cdef cnp.ndarray a = as_real(image, "sep_filter", "image")
    require_2d(a, "sep_filter", "image")
    cdef cnp.ndarray t = np.ascontiguousarray(np.asarray(taps, dtype=a.dtype))
    if t.ndim != 1 or t.shape[0] % 2 == 0:
        raise ValueError(f"sep_filter: taps has shape {np.shape(t)}; expected a 1-D array of odd length")
    if t.shape[0] > 4097:  # FL_FILTER_MAX_TAPS in csrc/apps/filter_float.c
        raise ValueError(f"sep_filter: {t.shape[0]} taps; at most 4097 are supported")
    if not np.isfinite(t).all():
        raise ValueError("sep_filter: taps contain NaN or Inf")
    cdef Py_ssize_t h = a.shape[0], w = a.shape[1], n = t.shape[0]
    cdef Py_ssize_t rs = step(a, 0), cs = step(a, 1)
    cdef cnp.ndarray out = np.empty((h, w), dtype=a.dtype)
    cdef void *pa = cnp.PyArray_DATA(a)
    cdef void *pt = cnp.PyArray_DATA(t)
    cdef void *po = cnp.PyArray_DATA(out)
    cdef int status
    if cnp.PyArray_TYPE(a) == cnp.NPY_DOUBLE:
        with nogil:
            status = fl_sep_filter_f64(h, w, <double *>pa, rs, cs, <double *>pt, n, <double *>po, w)
    else:
        with nogil:
            status = fl_sep_filter_f32(h, w, <float *>pa, rs, cs, <float *>pt, n, <float *>po, w)
    check(status, "sep_filter")
    return out
