"""Songs as vectors: from a table of audio features to unit-length rows whose dot
product is the cosine similarity of two songs.

Each feature is measured in its own unit (tempo in BPM, loudness in dB, the rest
between 0 and 1), so before they are compared they are standardised: z = (x - mean)
/ std over the catalogue. Every feature then counts alike, a value at the average
becomes 0, and a song is described by how it differs from the typical song.

- A missing value becomes the column's mean, z = 0: it neither pulls two songs
  together nor apart. The counts are kept in `missing`.
- A constant column (std 0) carries no information: its z-scores are all 0, and
  its name is kept in `constant`.
- key is a pitch class 0..11 on a circle, where 11 (B) sits next to 0 (C). It
  becomes a point on the unit circle: in "fifths" order (C, G, D, A, ...: keys a
  fifth apart, which share all but one note, are neighbours) or "chromatic" order
  (C, C#, D, ...). The points are then standardised as a whole: moved so that
  their mean is the origin and scaled so that their mean squared length is 1,
  which makes key count like one standardised feature. A missing key is the
  origin.
- weights multiply a feature's coordinates: 2 makes it count twice as much, 0
  leaves it out. By default key and mode count half (DEFAULT_WEIGHTS). Every
  song has a key and a mode, so those coordinates are always far from 0, and
  among thousands of candidates the nearest would all share the seed's key and
  mode, while a listener hears energy, tempo or acousticness long before the key.

Finally each row is divided by its length, so that x . y = cos(x, y)."""

from dataclasses import dataclass

import numpy as np

KEY_ENCODINGS = ("fifths", "chromatic")
DEFAULT_WEIGHTS = {"key": 0.5, "mode": 0.5}


@dataclass
class SongVectors:
    matrix: np.ndarray    # (songs, dims) float32, rows of length 1 (or 0)
    dims: list            # the feature each column comes from ("key" owns two columns)
    features: list        # the feature names, in order
    mean: dict            # feature -> mean of the known values (key: the mean point (cos, sin))
    std: dict             # feature -> standard deviation (key: root mean squared distance from the mean point)
    weights: dict         # feature -> the multiplier applied
    missing: dict         # feature -> how many values were missing
    constant: list        # features with a single value, which count for nothing

    def columns_of(self, feature):
        """The matrix columns that encode `feature`."""
        return [j for j, f in enumerate(self.dims) if f == feature]


def key_on_circle(key, encoding="fifths"):
    """(cos, sin) of each pitch class's place on the circle; NaN (no key) stays NaN."""
    known = ~np.isnan(key)
    pitch = np.where(known, key, 0.0)
    place = (7.0 * pitch) % 12.0 if encoding == "fifths" else pitch  # 7 semitones = a fifth
    angle = 2.0 * np.pi * place / 12.0
    return np.where(known, np.cos(angle), np.nan), np.where(known, np.sin(angle), np.nan)


def standardise_points(x, y):
    """Points (x, y) centred on their mean and scaled to mean squared length 1, as
    (x', y', mean point, scale); NaN points become the origin; all alike give zeros."""
    known = ~np.isnan(x)
    kx, ky = x[known], y[known]
    if not kx.size or (kx.min() == kx.max() and ky.min() == ky.max()):
        return np.zeros_like(x), np.zeros_like(y), (0.0, 0.0), 0.0
    mx, my = float(kx.mean()), float(ky.mean())
    scale = float(np.sqrt(np.mean((kx - mx) ** 2 + (ky - my) ** 2)))
    return (np.where(known, (x - mx) / scale, 0.0), np.where(known, (y - my) / scale, 0.0),
            (mx, my), scale)


def standardise(values):
    """(z-scores with missing values at 0, mean, std); a constant column gives zeros."""
    known = values[~np.isnan(values)]
    if not known.size or known.min() == known.max():  # (a computed std need not be exactly 0)
        return np.zeros_like(values), float(known[0]) if known.size else 0.0, 0.0
    mean, std = float(known.mean()), float(known.std())
    return np.where(np.isnan(values), 0.0, (values - mean) / std), mean, std


def song_vectors(features, weights=None, key_encoding="fifths"):
    """SongVectors from {feature name: float64 array with NaN for missing}; weights
    {feature: multiplier} override DEFAULT_WEIGHTS (1 for a feature named in neither)."""
    if key_encoding not in KEY_ENCODINGS:
        raise ValueError(f"key_encoding must be one of {KEY_ENCODINGS}, got {key_encoding!r}")
    weights = dict(weights or {})
    unknown = sorted(set(weights) - set(features))
    if unknown:
        raise ValueError(f"weights name {unknown}, which are not among the features {list(features)}")
    weights = {**DEFAULT_WEIGHTS, **weights}
    for name, w in weights.items():
        if not np.isfinite(w) or w < 0:
            raise ValueError(f"weight of {name!r} must be a finite number >= 0, got {w!r}")

    columns, dims, mean, std, used, missing, constant = [], [], {}, {}, {}, {}, []
    for name, values in features.items():
        values = np.asarray(values, dtype=np.float64)
        missing[name] = int(np.isnan(values).sum())
        w = used[name] = float(weights.get(name, 1.0))
        if name == "key":
            cos, sin, mean[name], std[name] = standardise_points(*key_on_circle(values, key_encoding))
            encoded = [cos, sin]
        else:
            z, mean[name], std[name] = standardise(values)
            encoded = [z]
        if std[name] == 0.0:
            constant.append(name)
        for column in encoded:
            columns.append(w * column)
            dims.append(name)

    X = np.column_stack(columns) if columns else np.zeros((0, 0))
    lengths = np.sqrt(np.einsum("ij,ij->i", X, X))
    X = np.divide(X, lengths[:, None], out=np.zeros_like(X), where=lengths[:, None] > 0)
    return SongVectors(np.ascontiguousarray(X, dtype=np.float32), dims, list(features),
                       mean, std, used, missing, constant)
