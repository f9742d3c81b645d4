# Memory for whole-image results, kept for the next result of the same size.
#
# A new 36 MB result (a 12-megapixel photo) is fresh memory: the kernel clears
# each page at its first write, about 5 ms on one thread, a fifth of a preset's
# time. So the buffers of the last results freed are kept (at most
# _KEEP_BUFFERS of them, _KEEP_BYTES in all) and handed out again: a batch of
# same-sized photos writes into memory already mapped. A result's memory goes
# back to the pool only when the array and every view of it are gone (its base,
# an _ImageLease, is freed last), so no live array is ever written twice.

_KEEP_BUFFERS = 2
_KEEP_MIN = 1 << 20           # smaller results: NumPy's allocator is as good
_KEEP_BYTES = 256 << 20       # the most the pool holds while nothing uses it
_kept_buffers = []            # free raw buffers, the last freed last


cdef class _ImageLease:
    """Owns one raw buffer while an image array uses it."""
    cdef object raw

    def __dealloc__(self):
        kept = _kept_buffers
        if self.raw is None or kept is None:  # None: the interpreter is shutting down
            return
        kept.append(self.raw)
        while len(kept) > _KEEP_BUFFERS or sum(r.nbytes for r in kept) > _KEEP_BYTES:
            kept.pop(0)


cdef cnp.ndarray _image_result(object shape):
    """A new C-contiguous uint8 array of this shape, 64-byte aligned; from the
    pool when one of its buffers has the size."""
    cdef Py_ssize_t nbytes = 1
    for d in shape:
        nbytes *= d
    if nbytes < _KEEP_MIN:
        return np.empty(shape, dtype=np.uint8)
    raw = None
    for k in range(len(_kept_buffers) - 1, -1, -1):
        if _kept_buffers[k].nbytes == nbytes + 63:
            raw = _kept_buffers.pop(k)
            break
    if raw is None:
        raw = np.empty(nbytes + 63, dtype=np.uint8)
    cdef size_t offset = (64 - (<size_t>cnp.PyArray_DATA(raw) & 63)) & 63
    cdef cnp.npy_intp dims[3]
    cdef int nd = len(shape)
    if nd > 3:
        raise ValueError(f"an image has 2 or 3 dimensions, not {nd}")
    for k in range(nd):
        dims[k] = shape[k]
    cdef cnp.ndarray out = cnp.PyArray_SimpleNewFromData(
        nd, dims, cnp.NPY_UINT8, <char *>cnp.PyArray_DATA(raw) + offset)
    cdef _ImageLease lease = _ImageLease()
    lease.raw = raw
    cnp.set_array_base(out, lease)
    return out


def release_image_buffers():
    """Frees the kept buffers (fastla.release_memory)."""
    _kept_buffers.clear()
