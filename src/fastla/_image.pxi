# The image kernels (csrc/apps/image.c): uint8 images of shape (H, W) or (H, W, C).
# fastla.apps.filters checks the arguments and makes the fixed-point weights;
# these functions check only what the C core needs to read memory safely.

cdef cnp.ndarray _image_rows(object img, str what):
    """img as a uint8 array whose rows are packed pixels (any row stride)."""
    cdef cnp.ndarray a = img
    if cnp.PyArray_TYPE(a) != cnp.NPY_UINT8 or a.ndim not in (2, 3):
        raise TypeError(f"{what}: expected a uint8 array (H, W) or (H, W, C)")
    cdef Py_ssize_t c = a.shape[2] if a.ndim == 3 else 1
    if a.ndim == 3 and (a.strides[2] != 1 or a.strides[1] != c):
        a = np.ascontiguousarray(a)
    elif a.ndim == 2 and a.strides[1] != 1:
        a = np.ascontiguousarray(a)
    if a.strides[0] < 0 or a.strides[0] < a.shape[1] * c:
        a = np.ascontiguousarray(a)
    return a


cdef int _channels(cnp.ndarray a):
    return <int>(a.shape[2] if a.ndim == 3 else 1)


def image_color_matrix(img, q):
    """Colour matrix on (H, W, 3|4) uint8 with int32 weights q (3 x 4, 10 fraction bits)."""
    cdef cnp.ndarray a = _image_rows(img, "color_matrix")
    cdef cnp.ndarray qq = np.ascontiguousarray(q, dtype=np.int32).reshape(12)
    cdef cnp.ndarray out = _image_result(np.shape(a))
    cdef Py_ssize_t h = a.shape[0], w = a.shape[1], rs = a.strides[0], rd = out.strides[0]
    cdef int c = _channels(a), status
    cdef const uint8_t *ps = <const uint8_t *>cnp.PyArray_DATA(a)
    cdef uint8_t *pd = <uint8_t *>cnp.PyArray_DATA(out)
    cdef const int32_t *pq = <const int32_t *>cnp.PyArray_DATA(qq)
    with nogil:
        status = fl_image_color_matrix_u8(h, w, c, ps, rs, pd, rd, pq)
    check(status, "color_matrix")
    return out


def image_convolve(img, q, int shift):
    """2-D correlation of each channel with int16 weights q (odd x odd), reflect-101."""
    cdef cnp.ndarray a = _image_rows(img, "convolve")
    cdef cnp.ndarray qq = np.ascontiguousarray(q, dtype=np.int16)
    if qq.ndim != 2:
        raise ValueError("convolve: the kernel must be 2-D")
    cdef cnp.ndarray out = _image_result(np.shape(a))
    cdef Py_ssize_t h = a.shape[0], w = a.shape[1], rs = a.strides[0], rd = out.strides[0]
    cdef int c = _channels(a), kh = <int>qq.shape[0], kw = <int>qq.shape[1], status
    cdef const uint8_t *ps = <const uint8_t *>cnp.PyArray_DATA(a)
    cdef uint8_t *pd = <uint8_t *>cnp.PyArray_DATA(out)
    cdef const int16_t *pq = <const int16_t *>cnp.PyArray_DATA(qq)
    with nogil:
        status = fl_image_convolve_u8(h, w, c, ps, rs, pd, rd, kh, kw, pq, shift)
    check(status, "convolve")
    return out


def image_convolve_separable(img, qy, int sy, qx, int sx, int mid):
    """Vertical (qy, sy bits) after horizontal (qx, sx bits, rounded to mid bits) passes."""
    cdef cnp.ndarray a = _image_rows(img, "convolve")
    cdef cnp.ndarray y = np.ascontiguousarray(qy, dtype=np.int16).reshape(-1)
    cdef cnp.ndarray x = np.ascontiguousarray(qx, dtype=np.int16).reshape(-1)
    cdef cnp.ndarray out = _image_result(np.shape(a))
    cdef Py_ssize_t h = a.shape[0], w = a.shape[1], rs = a.strides[0], rd = out.strides[0]
    cdef int c = _channels(a), kh = <int>y.shape[0], kw = <int>x.shape[0], status
    cdef const uint8_t *ps = <const uint8_t *>cnp.PyArray_DATA(a)
    cdef uint8_t *pd = <uint8_t *>cnp.PyArray_DATA(out)
    cdef const int16_t *py = <const int16_t *>cnp.PyArray_DATA(y)
    cdef const int16_t *px = <const int16_t *>cnp.PyArray_DATA(x)
    with nogil:
        status = fl_image_convolve_sep_u8(h, w, c, ps, rs, pd, rd, kh, py, sy, kw, px, sx, mid)
    check(status, "convolve")
    return out


def image_warp_affine(img, inv, Py_ssize_t out_h, Py_ssize_t out_w):
    """Bilinear affine warp; inv (2 x 3) maps output pixels to input points."""
    cdef cnp.ndarray a = _image_rows(img, "transform")
    cdef cnp.ndarray m = np.ascontiguousarray(inv, dtype=np.float64).reshape(6)
    cdef int c = _channels(a), status
    shape = (out_h, out_w) + ((c,) if a.ndim == 3 else ())
    cdef cnp.ndarray out = _image_result(tuple(shape))
    cdef Py_ssize_t h = a.shape[0], w = a.shape[1], rs = a.strides[0], rd = out.strides[0]
    cdef const uint8_t *ps = <const uint8_t *>cnp.PyArray_DATA(a)
    cdef uint8_t *pd = <uint8_t *>cnp.PyArray_DATA(out)
    cdef const double *pm = <const double *>cnp.PyArray_DATA(m)
    with nogil:
        status = fl_image_warp_affine_u8(h, w, c, ps, rs, out_h, out_w, pd, rd, pm)
    check(status, "transform")
    return out
