"""Spotify audio-feature tables: find the columns by name, parse the values.

The common layouts all carry the same audio features under much the same names:
Kaggle's "Spotify tracks" (track_id, artists, track_name, ..., track_genre),
"SpotifyFeatures" (genre, artist_name, track_name, track_id, key as "C#", mode as
"Major"), the hit-predictor files (track, artist, uri), the 1921-2020 and 600k
tracks files (id, name, artists as "['A', 'B']") and playlist exports such as
Exportify's ("Track URI", "Track Name", "Artist Name(s)"). Headers are compared
after lower-casing and turning every run of other characters into "_", so
"Artist Name(s)" is artist_name_s.

read_csv(path) reads a file (gzip too); from_columns(table) reads a mapping of
columns or a pandas DataFrame. Both return a SongTable: the text columns, and each
feature as a float64 array with NaN where the value is missing. A value that is
neither a number nor missing stops the reading with a CatalogError naming the
file, the line and the column."""

import ast
import csv
import gzip
import math
import os
import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

# The audio features a recommender compares songs by, when not told otherwise.
# popularity, duration_ms and time_signature are read only when asked for:
# they say little about how a song sounds.
AUDIO_FEATURES = ("danceability", "energy", "key", "loudness", "mode", "speechiness",
                  "acousticness", "instrumentalness", "liveness", "valence", "tempo")

# Each role's column names, in the order they are tried.
ID_COLUMNS = ("track_id", "id", "uri", "track_uri", "spotify_id", "song_id")
TITLE_COLUMNS = ("track_name", "name", "track", "song", "song_name", "title", "track_title")
ARTIST_COLUMNS = ("artists", "artist", "artist_name", "artist_names", "artist_name_s")
GENRE_COLUMNS = ("genre", "track_genre", "playlist_genre", "genres")

MISSING = frozenset({"", "na", "n/a", "nan", "null", "none"})
PITCH_CLASSES = {"c": 0, "b#": 0, "c#": 1, "db": 1, "d": 2, "d#": 3, "eb": 3, "e": 4, "fb": 4,
                 "f": 5, "e#": 5, "f#": 6, "gb": 6, "g": 7, "g#": 8, "ab": 8, "a": 9,
                 "a#": 10, "bb": 10, "b": 11, "cb": 11}
MODES = {"major": 1.0, "minor": 0.0}


class CatalogError(ValueError):
    """A song table that cannot be read: the message says where and why."""


@dataclass
class SongTable:
    titles: list          # str per song ("" when missing)
    artists: list         # str per song, several artists joined by ", "
    ids: list | None      # track ids or URIs, if the table has them
    genres: list | None
    features: dict        # feature name -> float64 array, NaN where missing
    source: str           # the file's name, or "table"

    def __len__(self):
        return len(self.titles)


def column_key(name):
    """The form headers are compared in: "Artist Name(s)" -> "artist_name_s"."""
    return re.sub(r"[^a-z0-9]+", "_", str(name).strip().lower()).strip("_")


# ---- one value -----------------------------------------------------------------------

def parse_value(feature, raw):
    """One raw value (text or number) as a float, NaN when missing; raises ValueError
    when it is not a number. key may be a note name ("C#", "Db"), mode "major" or
    "minor", time_signature "4/4"."""
    if raw is None:
        return math.nan
    if isinstance(raw, str):
        text = raw.strip()
        if text.lower() in MISSING:
            return math.nan
        try:
            return float(text)
        except ValueError:
            return _parse_word(feature, text)
    if isinstance(raw, (bool, np.bool_)):
        raise ValueError(f"{raw!r} is not a number")
    try:
        return float(raw)
    except (TypeError, ValueError):
        raise ValueError(f"{raw!r} is not a number") from None


def _parse_word(feature, text):
    word = text.lower().replace("\u266f", "#").replace("\u266d", "b")
    if feature == "key" and word in PITCH_CLASSES:
        return float(PITCH_CLASSES[word])
    if feature == "mode" and word in MODES:
        return MODES[word]
    if feature == "time_signature" and re.fullmatch(r"\d+/\d+", word):
        return float(word.split("/")[0])  # "4/4" -> 4 beats a bar
    raise ValueError(f"{text!r} is not a number")


def check_column(feature, values, where):
    """values (float64, NaN = missing) with the rules every feature obeys: finite;
    key a pitch class 0..11, where -1 (Spotify's "no key found") becomes missing;
    mode 1 (major) or 0 (minor). where(i) names value i in the CatalogError."""
    def fail(bad, problem):
        i = int(np.flatnonzero(bad)[0])
        raise CatalogError(f"{where(i)}: {problem.format(values[i])}")

    known = ~np.isnan(values)
    if np.isinf(values).any():
        fail(np.isinf(values), "{} is not a finite number")
    if feature == "key":
        values = np.where(values == -1, np.nan, values)
        known = ~np.isnan(values)
        bad = known & ((values != np.round(values)) | (values < 0) | (values > 11))
        if bad.any():
            fail(bad, "key must be a pitch class 0 to 11 (or -1 for none), got {:g}")
    if feature == "mode":
        bad = known & (values != 0) & (values != 1)
        if bad.any():
            fail(bad, "mode must be 1 (major) or 0 (minor), got {:g}")
    return values


def parse_column(feature, values, where):
    """A float64 array of `values` parsed for `feature`; where(i) names value i in errors."""
    if isinstance(values, np.ndarray) and values.dtype.kind in "iuf":
        out = values.astype(np.float64)
    else:
        out = np.empty(len(values), dtype=np.float64)
        for i, raw in enumerate(values):
            try:
                out[i] = parse_value(feature, raw)
            except ValueError as e:
                raise CatalogError(f"{where(i)}: {e}") from None
    return check_column(feature, out, where)


def artist_text(raw):
    """One display string for a song's artists: "['A', 'B']", "A;B" and "A,B" all
    become "A, B"."""
    if raw is None or (isinstance(raw, float) and math.isnan(raw)):
        return ""
    text = str(raw).strip()
    names = None
    if text.startswith("[") and text.endswith("]"):
        try:
            names = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            pass
    if not isinstance(names, (list, tuple)):
        names = re.split(r"[;,]", text)
    return ", ".join(n for n in (str(n).strip() for n in names) if n)


def _text(raw):
    if raw is None or (isinstance(raw, float) and math.isnan(raw)):
        return ""
    return str(raw).strip()


# ---- which column is which -----------------------------------------------------------

def find_columns(header, features, source):
    """{role or feature: column index} for a header (a list of names)."""
    positions = {}
    for i, name in enumerate(header):
        positions.setdefault(column_key(name), i)
    found = {}
    for role, names in (("id", ID_COLUMNS), ("title", TITLE_COLUMNS),
                        ("artist", ARTIST_COLUMNS), ("genre", GENRE_COLUMNS)):
        hit = next((n for n in names if n in positions), None)
        if hit is not None:
            found[role] = positions[hit]
    shown = ", ".join(repr(str(h)) for h in header)
    if "title" not in found:
        raise CatalogError(f"{source}: no song-title column (looked for {', '.join(TITLE_COLUMNS)}); "
                           f"the columns are {shown}")
    if features is None:
        wanted = [f for f in AUDIO_FEATURES if f in positions]
        if not wanted:
            raise CatalogError(f"{source}: no audio-feature columns (looked for {', '.join(AUDIO_FEATURES)}); "
                               f"the columns are {shown}")
    else:
        if isinstance(features, str):
            features = [features]
        wanted = [column_key(f) for f in features]
        missing = [f for f, key in zip(features, wanted) if key not in positions]
        if missing:
            raise CatalogError(f"{source}: no column for feature(s) {', '.join(map(repr, missing))}; "
                               f"the columns are {shown}")
        if not wanted:
            raise CatalogError(f"{source}: features= names no column")
    for f in wanted:
        found[f] = positions[f]
    return found, wanted


def _table(texts, feature_columns, source):
    """A SongTable from the role columns (lists of raw values) and parsed features."""
    n = len(texts["title"])
    return SongTable(
        titles=[_text(v) for v in texts["title"]],
        artists=[artist_text(v) for v in texts["artist"]] if "artist" in texts else [""] * n,
        ids=[_text(v) for v in texts["id"]] if "id" in texts else None,
        genres=[_text(v) for v in texts["genre"]] if "genre" in texts else None,
        features=feature_columns,
        source=source,
    )


# ---- files ---------------------------------------------------------------------------

def _open_text(path):
    with open(path, "rb") as f:
        gzipped = f.read(2) == b"\x1f\x8b"
    if gzipped:
        return gzip.open(path, "rt", encoding="utf-8-sig", newline="")
    return open(path, encoding="utf-8-sig", newline="")


def read_csv(path, features=None):
    """A SongTable from a CSV file (comma separated, UTF-8, gzip-compressed or not).

    features: the columns to compare songs by (default: those of AUDIO_FEATURES the
    file has). Raises CatalogError naming the file, line and column of a bad value."""
    source = os.path.basename(os.fspath(path))
    try:
        with _open_text(path) as f:
            reader = csv.reader(f)
            header = next(reader, None)
            if not header:
                raise CatalogError(f"{source}: empty file; expected a header line with column names")
            found, wanted = find_columns(header, features, source)
            rows, lines = [], []
            while True:
                start = reader.line_num + 1
                row = next(reader, None)
                if row is None:
                    break
                if not row:
                    continue  # a blank line
                if len(row) != len(header):
                    where = (f"line {start}" if reader.line_num == start else
                             f"lines {start}-{reader.line_num} (one record: is a quote left open?)")
                    raise CatalogError(f"{source}, {where}: {len(row)} fields, but the header has {len(header)}")
                rows.append(row)
                lines.append(start)
    except csv.Error as e:
        raise CatalogError(f"{source}, line {reader.line_num}: {e}") from None
    except UnicodeDecodeError as e:
        raise CatalogError(f"{source}: not UTF-8 text ({e.reason} at byte {e.start})") from None
    except (OSError, EOFError, zlib.error) as e:  # zlib.error: a damaged .gz
        if isinstance(e, FileNotFoundError):
            raise
        raise CatalogError(f"{source}: cannot be read ({e})") from None
    if not rows:
        raise CatalogError(f"{source}: a header but no songs")

    def column(i):
        return [row[i] for row in rows]

    texts = {role: column(found[role]) for role in ("id", "title", "artist", "genre") if role in found}
    parsed = {}
    for f in wanted:
        i = found[f]
        parsed[f] = parse_column(f, column(i), lambda r, i=i: f"{source}, line {lines[r]}, column {i + 1} ({header[i]!r})")
    return _table(texts, parsed, source)


# ---- mappings and DataFrames ---------------------------------------------------------

def from_columns(table, features=None, source="table"):
    """A SongTable from a mapping {column name: sequence} or a pandas DataFrame."""
    if not isinstance(table, Mapping):
        if hasattr(table, "columns") and hasattr(table, "to_numpy"):  # a DataFrame
            table = {name: table[name].to_numpy() for name in table.columns}
        else:
            raise TypeError(f"a song table is a mapping of columns or a pandas DataFrame, "
                            f"not {type(table).__name__}")
    names = list(table)
    lengths = {name: len(table[name]) for name in names}
    if len(set(lengths.values())) > 1:
        raise CatalogError(f"{source}: columns of different lengths: "
                           + ", ".join(f"{n!r} has {k}" for n, k in lengths.items()))
    found, wanted = find_columns(names, features, source)
    if not lengths[names[0]]:
        raise CatalogError(f"{source}: no songs")
    texts = {role: table[names[found[role]]] for role in ("id", "title", "artist", "genre") if role in found}
    parsed = {}
    for f in wanted:
        name = names[found[f]]
        parsed[f] = parse_column(f, table[name], lambda r, name=name: f"{source}, column {name!r}, row {r}")
    return _table(texts, parsed, source)
