# ---- filter presets: a program of colour stages in one pass (csrc/apps/composite.c) ----

from libc.stdlib cimport malloc, free
from libc.string cimport memset


_TABLE_SIZES = {0: (768, 0), 7: (65536, 0), 9: (768, 0)}  # stage code -> bytes its tables need


cdef cnp.ndarray _pixels(object img, str name):
    """img as a C-contiguous uint8 (H, W, 3 or 4) array the kernel can read."""
    if not isinstance(img, np.ndarray) or img.dtype != np.uint8 or img.ndim != 3 or img.shape[2] not in (3, 4):
        raise TypeError(f"presets: {name} must be a uint8 array of shape (H, W, 3 or 4)")
    return np.ascontiguousarray(img)


def px_run(img, img2, ops, int out):
    """The image after the program `ops` (tuples (op, dst, a, b, mask, mode, alpha,
    m, g, lut, lut2, color) as compiled by fastla.apps.filters.program); register
    `out` is the result, alpha is copied from img. img2 (or None) is register 1."""
    cdef cnp.ndarray src = _pixels(img, "image")
    cdef cnp.ndarray src2 = None if img2 is None else _pixels(img2, "source image")
    if src2 is not None and (src2.shape[0] != src.shape[0] or src2.shape[1] != src.shape[1]):
        raise ValueError(f"presets: the source image has shape {np.shape(src2)}, the image {np.shape(src)}")
    cdef int nops = len(ops)
    if nops > FL_PX_MAX_OPS:
        raise ValueError(f"presets: a program of {nops} stages is longer than {FL_PX_MAX_OPS}")
    cdef fl_px_op *prog = <fl_px_op *>malloc(max(nops, 1) * sizeof(fl_px_op))
    if prog == NULL:
        raise MemoryError("presets: no memory for the program")
    keep = []  # the tables stay alive (and contiguous) during the call
    cdef cnp.ndarray tab
    cdef int k, j, status = 0
    try:
        for k in range(nops):
            op, dst, a, b, mask, mode, alpha, m, g, lut, lut2, color = ops[k]
            memset(&prog[k], 0, sizeof(fl_px_op))
            prog[k].op, prog[k].dst, prog[k].a, prog[k].b, prog[k].mask = op, dst, a, b, mask
            prog[k].mode, prog[k].alpha = mode, alpha
            for j in range(len(m)):
                prog[k].m[j] = m[j]
            for j in range(len(g)):
                prog[k].g[j] = g[j]
            for j in range(len(color)):
                prog[k].color[j] = color[j]
            need = _TABLE_SIZES.get(op, (0, 0))
            if op == 4:  # a linear mask: one byte per row, one per column
                need = (src.shape[0], src.shape[1])
            for table, size in ((lut, need[0]), (lut2, need[1])):
                if size and (table is None or np.size(table) < size):
                    raise ValueError(f"presets: stage {k} needs a table of {size} bytes")
            if lut is not None:
                tab = np.ascontiguousarray(lut, dtype=np.uint8)
                keep.append(tab)
                prog[k].lut = <const unsigned char *>cnp.PyArray_DATA(tab)
            if lut2 is not None:
                tab = np.ascontiguousarray(lut2, dtype=np.uint8)
                keep.append(tab)
                prog[k].lut2 = <const unsigned char *>cnp.PyArray_DATA(tab)
        result = _image_result(np.shape(src))
        status = _px_call(src, src2, result, prog, nops, out)
    finally:
        free(prog)
    check(status, "presets: the stage program")
    return result


cdef int _px_call(cnp.ndarray src, cnp.ndarray src2, cnp.ndarray dst, const fl_px_op *prog, int nops, int out):
    cdef Py_ssize_t h = src.shape[0], w = src.shape[1]
    cdef int c = src.shape[2], c2 = 0
    cdef const unsigned char *p2 = NULL
    cdef Py_ssize_t rs2 = 0
    if src2 is not None:
        c2 = src2.shape[2]
        p2 = <const unsigned char *>cnp.PyArray_DATA(src2)
        rs2 = src2.strides[0]
    cdef const unsigned char *p = <const unsigned char *>cnp.PyArray_DATA(src)
    cdef unsigned char *q = <unsigned char *>cnp.PyArray_DATA(dst)
    cdef Py_ssize_t rs = src.strides[0], rd = dst.strides[0]
    cdef int status
    with nogil:
        status = fl_px_run(h, w, c, p, rs, c2, p2, rs2, q, rd, prog, nops, out, 0)
    return status
