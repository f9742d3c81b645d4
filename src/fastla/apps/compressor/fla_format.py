"""The .fla file: a low-rank image, quantised and compressed.

    offset  size  field
    0       8     magic b"\\x89FLA\\r\\n\\x1a\\n" (a binary file, not text; a newline
                  translation or a truncated transfer shows in it)
    8       1     version (1)
    9       1     codec of the payload: 0 zlib, 1 lzma (raw LZMA2), 2 lzma with a delta filter
    10      1     mode: 0 gray, 1 rgb, 2 ycbcr
    11      1     channels of the decoded image: 1, 3 or 4
    12      4     height (uint32, little-endian, as every number here)
    16      4     width
    20      1     planes (1 to 4)
    then per plane:      rank (uint32), mean (float32)
    then per component:  sigma (float32), u kind (uint8), u scale (float32),
                         v kind (uint8), v scale (float32)
                         (kind 0 int8, 1 int16, 2 float16; a vector is data * scale)
    then                 payload length (uint32), the payload
    last 4               CRC-32 of every byte before it

The payload, once decompressed, is each component's u (height values) and v
(width values), plane by plane. Its size follows from the header alone, so
`load` knows what it will allocate before it decompresses anything, and
decompresses no more than that. Nothing in a file is executed or unpickled."""

from __future__ import annotations

import lzma
import os
import struct
import zlib

import numpy as np

from fastla.apps.compressor.compressed import MODES, CompressedImage, PlaneFactors
from fastla.apps.compressor.quantise import KIND_DTYPE, QuantisedVector

MAGIC = b"\x89FLA\r\n\x1a\n"
VERSION = 1
ZLIB, LZMA, LZMA_DELTA = 0, 1, 2
MAX_SIDE = 1 << 16
MAX_PIXELS = 1 << 26            # 67 million pixels: 8192 x 8192
MAX_FILE = 1 << 30
MAX_EXPANSION = 2000            # more than zlib (1032:1) or LZMA reach on factors

_HEAD = struct.Struct("<8sBBBBIIB")
_PLANE = struct.Struct("<If")
_COMPONENT = struct.Struct("<fBfBf")
_U32 = struct.Struct("<I")
_LZMA_DICT = 1 << 23
# the decoder needs only the dictionary size; the rest tunes the encoder (a
# faster match finder: the factors hold few long repeats, so little is lost)
_LZMA_FILTERS = [{"id": lzma.FILTER_LZMA2, "preset": 9, "dict_size": _LZMA_DICT,
                  "mf": lzma.MF_HC4, "nice_len": 8, "depth": 4}]
_DELTA_FILTERS = [{"id": lzma.FILTER_DELTA, "dist": 1}] + _LZMA_FILTERS


# ---- writing ---------------------------------------------------------------------

def encode(img: CompressedImage) -> bytes:
    """The bytes of the .fla file of img: the smallest of the codecs."""
    head = [_HEAD.pack(MAGIC, VERSION, 0, MODES.index(img.mode), img.channels,
                       img.height, img.width, len(img.planes))]
    head += [_PLANE.pack(p.rank, p.mean) for p in img.planes]
    raw = []
    for p in img.planes:
        for s, u, v in zip(p.sigma, p.u, p.v):
            head.append(_COMPONENT.pack(s, u.kind, u.scale, v.kind, v.scale))
            raw += [u.data.tobytes(), v.data.tobytes()]
    raw = b"".join(raw)
    codec, payload = min(_compressions(raw), key=lambda c: len(c[1]))
    head = bytearray(b"".join(head))
    head[9] = codec
    body = bytes(head) + _U32.pack(len(payload)) + payload
    return body + _U32.pack(zlib.crc32(body))


def _compressions(raw):
    """zlib, and LZMA after a byte-delta filter (smooth singular vectors make
    small differences). Plain LZMA (codec 1) is read but rarely smaller than
    either, so it is not tried."""
    yield ZLIB, zlib.compress(raw, 9)
    yield LZMA_DELTA, lzma.compress(raw, format=lzma.FORMAT_RAW, filters=_DELTA_FILTERS)


# ---- reading ---------------------------------------------------------------------

def load(path) -> CompressedImage:
    """The CompressedImage saved at path. Anything wrong with the file raises
    ValueError naming it; nothing is allocated beyond what a valid header of
    this file's size can ask for."""
    name = os.fspath(path)
    size = os.path.getsize(name)
    if size > MAX_FILE:
        raise ValueError(f"{name}: {size:,} bytes is too large for a .fla file")
    with open(name, "rb") as f:
        data = f.read(MAX_FILE + 1)
    return decode(data, name)


def decode(data: bytes, name: str = "<bytes>") -> CompressedImage:
    def bad(why):
        return ValueError(f"{name}: not a valid .fla file: {why}")

    if len(data) < len(MAGIC) or data[:len(MAGIC)] != MAGIC:
        raise bad("wrong magic bytes (not a .fla file)")
    if len(data) < _HEAD.size + _U32.size * 2:
        raise bad(f"truncated ({len(data)} bytes)")
    if data[8] != VERSION:
        raise bad(f"version {data[8]} is not supported (this fastla reads version {VERSION})")
    body, (crc,) = data[:-4], _U32.unpack(data[-4:])
    if zlib.crc32(body) != crc:
        raise bad("checksum mismatch (the file is damaged or truncated)")
    _, _, codec, mode, channels, height, width, nplanes = _HEAD.unpack_from(body, 0)
    if codec not in (ZLIB, LZMA, LZMA_DELTA):
        raise bad(f"unknown codec {codec}")
    if mode >= len(MODES):
        raise bad(f"unknown mode {mode}")
    mode = MODES[mode]
    want_planes = {("gray", 1): 1, ("rgb", 3): 3, ("rgb", 4): 4, ("ycbcr", 3): 3, ("ycbcr", 4): 4}
    if want_planes.get((mode, channels)) != nplanes:
        raise bad(f"mode {mode} with {channels} channels and {nplanes} planes")
    if not (1 <= height <= MAX_SIDE and 1 <= width <= MAX_SIDE and height * width <= MAX_PIXELS):
        raise bad(f"absurd dimensions {height} x {width}")
    at = _HEAD.size
    if len(body) < at + nplanes * _PLANE.size:
        raise bad("truncated header")
    plane_heads = [_PLANE.unpack_from(body, at + i * _PLANE.size) for i in range(nplanes)]
    at += nplanes * _PLANE.size
    for rank, mean in plane_heads:
        if rank > min(height, width):
            raise bad(f"rank {rank} exceeds min(height, width) = {min(height, width)}")
        if not np.isfinite(mean):
            raise bad("a plane's mean is not finite")
    total = sum(r for r, _ in plane_heads)
    if len(body) < at + total * _COMPONENT.size + _U32.size:
        raise bad("truncated header")
    comps = [_COMPONENT.unpack_from(body, at + i * _COMPONENT.size) for i in range(total)]
    at += total * _COMPONENT.size
    raw_len = 0
    for s, uk, us, vk, vs in comps:
        if uk not in KIND_DTYPE or vk not in KIND_DTYPE:
            raise bad("unknown vector kind")
        if not all(np.isfinite(x) and x >= 0 for x in (s, us, vs)):
            raise bad("a singular value or scale is negative or not finite")
        raw_len += height * KIND_DTYPE[uk].itemsize + width * KIND_DTYPE[vk].itemsize
    (payload_len,) = _U32.unpack_from(body, at)
    at += _U32.size
    if payload_len != len(body) - at:
        raise bad(f"payload of {len(body) - at} bytes; the header says {payload_len}")
    if raw_len > MAX_EXPANSION * payload_len + 1024:
        raise bad(f"the header asks for {raw_len:,} bytes from a {payload_len:,}-byte payload")
    raw = _decompress(codec, body[at:], raw_len, bad)
    planes, pos = [], 0
    for rank, mean in plane_heads:
        sigma, us, vs = [], [], []
        for s, uk, uscale, vk, vscale in comps[:rank]:
            sigma.append(s)
            for kind, scale, n, out in ((uk, uscale, height, us), (vk, vscale, width, vs)):
                dt = KIND_DTYPE[kind]
                vec = np.frombuffer(raw, dtype=dt, count=n, offset=pos).astype(dt.newbyteorder("="))
                if kind == 2 and not np.isfinite(vec).all():
                    raise bad("a float16 vector holds NaN or Inf")
                out.append(QuantisedVector(kind, scale, vec))
                pos += n * dt.itemsize
        comps = comps[rank:]
        planes.append(PlaneFactors(mean, np.array(sigma, np.float32), tuple(us), tuple(vs)))
    return CompressedImage(height, width, channels, mode, planes)


def _decompress(codec, payload, raw_len, bad):
    """Exactly raw_len bytes from payload, or ValueError. At most one byte more
    than the header promises is ever produced, whatever the payload holds."""
    if codec == ZLIB:
        d, errors = zlib.decompressobj(), (zlib.error,)
    else:
        filters = _LZMA_FILTERS if codec == LZMA else _DELTA_FILTERS
        d, errors = lzma.LZMADecompressor(format=lzma.FORMAT_RAW, filters=filters), (lzma.LZMAError,)
    try:
        raw = d.decompress(payload, raw_len + 1)
    except errors as exc:
        raise bad(f"the payload does not decompress ({exc})") from exc
    if len(raw) != raw_len or not d.eof or d.unused_data:
        raise bad(f"the payload does not hold the {raw_len:,} bytes the header describes")
    return raw
