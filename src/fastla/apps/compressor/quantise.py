"""Quantising the singular vectors: each vector stored as small integers times
one scale (per-vector scaled integers), or as float16 where that is better.

A component of a plane is sigma * u v^T with |u| = |v| = 1. Rounding u to a
grid of step d = max|u| / qmax changes it by about d sqrt(len / 12) (uniform
rounding error), so the component moves by sigma times that. Each vector gets
the fewest bits that keep the component's error inside its share of a budget:
large singular values get more bits, small ones fewer."""

from dataclasses import dataclass

import numpy as np

INT8, INT16, FLOAT16 = 0, 1, 2
KIND_DTYPE = {INT8: np.dtype("i1"), INT16: np.dtype("<i2"), FLOAT16: np.dtype("<f2")}
MAX_BITS = 16


@dataclass(frozen=True)
class QuantisedVector:
    """data * scale approximates the vector; data is int8, int16 or float16."""
    kind: int
    scale: float
    data: np.ndarray

    def decode(self) -> np.ndarray:
        return self.data.astype(np.float64) * self.scale

    @property
    def nbytes(self) -> int:
        return self.data.nbytes


def quantise(x: np.ndarray, tol: float) -> QuantisedVector:
    """x (a unit vector) with an error norm of about tol at most, in the fewest bytes."""
    x = np.asarray(x, dtype=np.float64)
    big = float(np.abs(x).max(initial=0.0))
    if big == 0.0:
        return QuantisedVector(INT8, 0.0, np.zeros(x.shape, np.int8))
    rms_factor = np.sqrt(len(x) / 12.0)
    # the fewest bits b whose grid step big / (2^(b-1) - 1) keeps the error <= tol
    bits = 2
    while bits < MAX_BITS and big / (2 ** (bits - 1) - 1) * rms_factor > tol:
        bits += 1
    qmax = 2 ** (bits - 1) - 1
    scale = np.float32(big / qmax).item()  # the file keeps float32 scales
    q = np.clip(np.rint(x / scale), -qmax, qmax)
    if bits <= 8:
        return QuantisedVector(INT8, scale, q.astype(np.int8))
    ints = QuantisedVector(INT16, scale, q.astype("<i2"))
    if bits == MAX_BITS:  # the integer grid is at its finest: float16 may do better
        halves = QuantisedVector(FLOAT16, np.float32(big).item(), (x / np.float32(big)).astype("<f2"))
        if np.linalg.norm(halves.decode() - x) < np.linalg.norm(ints.decode() - x):
            return halves
    return ints
