"""MovieLens ratings (GroupLens, https://grouplens.org/datasets/movielens/) in the
three layouts the releases use:

    ml-100k        u.data       user <tab> item <tab> rating <tab> timestamp;  titles in u.item (|-separated)
    ml-1m, ml-10m  ratings.dat  user::item::rating::timestamp;                 titles in movies.dat
    ml-latest      ratings.csv  userId,movieId,rating,timestamp (header);      titles in movies.csv

load_movielens(path) takes the release's folder or its ratings file (optionally
gzip-compressed) and returns a MovieLens record: ids as int64, ratings float32,
timestamps int64, and titles by item id when the titles file is next to it.
load_demo() reads the bundled copy of ml-latest-small."""

import csv
import gzip
import io
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

RATING_FILES = ("ratings.csv", "ratings.dat", "u.data")
DEMO_RATINGS = "ml_latest_small_ratings.csv.gz"
DEMO_MOVIES = "ml_latest_small_movies.csv.gz"


class MovieLensError(ValueError):
    """A file that is not in one of the MovieLens layouts."""


@dataclass
class MovieLens:
    users: np.ndarray
    items: np.ndarray
    ratings: np.ndarray
    timestamps: np.ndarray
    titles: dict = field(default_factory=dict)
    genres: dict = field(default_factory=dict)
    source: str = ""

    def __len__(self):
        return len(self.ratings)

    def __repr__(self):
        return (f"MovieLens({len(self):,} ratings, {len(np.unique(self.users)):,} users, "
                f"{len(np.unique(self.items)):,} items, from {self.source})")


def load_movielens(path):
    """The ratings (and titles, when present) of a MovieLens release: path is the
    release's folder or its ratings file (ratings.csv, ratings.dat, u.data, or the
    same with .gz)."""
    path = Path(path)
    ratings_path = _find_ratings(path)
    name = ratings_path.name.removesuffix(".gz")
    text = _read_text(ratings_path)
    if name == "u.data":
        table = _parse(text, "\t", ratings_path)
        titles, genres = _titles_100k(ratings_path.with_name("u.item"))
    elif name.endswith(".dat"):
        table = _parse(text.replace("::", "\t"), "\t", ratings_path)
        titles, genres = _titles_dat(_sibling(ratings_path, "movies.dat"))
    else:
        header, _, body = text.partition("\n")
        columns = [c.strip() for c in header.split(",")]
        if columns[:3] != ["userId", "movieId", "rating"]:
            raise MovieLensError(f"{ratings_path}: expected a header starting userId,movieId,rating, got {header[:60]!r}")
        table = _parse(body, ",", ratings_path)
        titles, genres = _titles_csv(_sibling(ratings_path, "movies.csv"))
    users, items, ratings, stamps = table
    return MovieLens(users, items, ratings, stamps, titles, genres, str(path))


def demo_path():
    """The folder of the bundled ml-latest-small copy (ratings and movies, gzip)."""
    return Path(__file__).parent


def load_demo():
    """MovieLens latest-small (100,836 ratings by 610 users of 9,742 movies, 0.5 to 5
    stars), bundled with its README and licence: see ml_latest_small_README.txt."""
    return load_movielens(demo_path() / DEMO_RATINGS)


def _find_ratings(path):
    if path.is_dir():
        for name in RATING_FILES:
            for candidate in (path / name, path / (name + ".gz")):
                if candidate.exists():
                    return candidate
        raise MovieLensError(f"{path}: no ratings file found (looked for {', '.join(RATING_FILES)})")
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file or folder")
    return path


def _sibling(ratings_path, name):
    """The titles file next to the ratings: movies.csv, or the demo's own prefix."""
    prefix = ratings_path.name.split("ratings")[0]
    for candidate in (ratings_path.with_name(prefix + name), ratings_path.with_name(prefix + name + ".gz")):
        if candidate.exists():
            return candidate
    return None


def _read_text(path, encoding="utf-8"):
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as f:
            data = f.read()
    except (EOFError, zlib.error, gzip.BadGzipFile) as e:  # a damaged .gz
        raise MovieLensError(f"{path}: cannot be read ({e})") from None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return data.decode("latin-1")  # the older releases are latin-1


def _parse(text, delimiter, where):
    """(users, items, ratings, timestamps) from delimited numeric lines."""
    if not text.strip():
        raise MovieLensError(f"{where}: no ratings")
    try:
        table = np.loadtxt(io.StringIO(text), delimiter=delimiter, dtype=np.float64, ndmin=2)
    except ValueError as e:
        raise MovieLensError(f"{where}: not a MovieLens ratings file ({e})") from None
    if table.shape[1] < 3:
        raise MovieLensError(f"{where}: expected user, item, rating columns, found {table.shape[1]} column(s)")
    ids = table[:, :2]
    if not np.all(ids == np.round(ids)):
        raise MovieLensError(f"{where}: user and item ids must be integers")
    ratings = table[:, 2].astype(np.float32)
    if not np.all(np.isfinite(ratings)):
        raise MovieLensError(f"{where}: ratings must be finite numbers")
    stamps = table[:, 3].astype(np.int64) if table.shape[1] > 3 else np.zeros(len(table), dtype=np.int64)
    return ids[:, 0].astype(np.int64), ids[:, 1].astype(np.int64), ratings, stamps


def _movie_id(text):
    """The integer id a titles line starts with, or None (a header, a damaged line)."""
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() else None


def _titles_csv(path):
    if path is None:
        return {}, {}
    titles, genres = {}, {}
    reader = csv.reader(io.StringIO(_read_text(path)))
    try:
        next(reader, None)
        for row in reader:
            movie = _movie_id(row[0]) if len(row) >= 2 else None
            if movie is not None:
                titles[movie] = row[1]
                if len(row) >= 3:
                    genres[movie] = row[2]
    except csv.Error as e:
        raise MovieLensError(f"{path}, line {reader.line_num}: {e}") from None
    return titles, genres


def _titles_dat(path):
    if path is None:
        return {}, {}
    titles, genres = {}, {}
    for line in _read_text(path).splitlines():
        parts = line.split("::")
        movie = _movie_id(parts[0]) if len(parts) >= 2 else None
        if movie is not None:
            titles[movie] = parts[1]
            if len(parts) >= 3:
                genres[movie] = parts[2]
    return titles, genres


# the 19 genre flags at the end of each u.item line, in order
GENRES_100K = ("unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary",
               "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller",
               "War", "Western")


def _titles_100k(path):
    if not path.exists():
        gz = path.with_name(path.name + ".gz")
        if not gz.exists():
            return {}, {}
        path = gz
    titles, genres = {}, {}
    for line in _read_text(path, "latin-1").splitlines():
        parts = line.split("|")
        movie = _movie_id(parts[0]) if len(parts) >= 2 else None
        if movie is not None:
            titles[movie] = parts[1]
            flags = parts[-len(GENRES_100K):]
            genres[movie] = "|".join(g for g, f in zip(GENRES_100K, flags) if f.strip() == "1")
    return titles, genres
