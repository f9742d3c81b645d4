"""A song recommender: "more like this" by the cosine similarity of audio features.

    from fastla.apps.recommender import SongRecommender

    rec = SongRecommender.demo()                      # the bundled (synthetic) catalogue
    rec = SongRecommender.from_csv("tracks.csv")      # or a Spotify audio-feature CSV
    for item in rec.recommend("Midnight River - Runaway Shadows", k=5):
        print(item.score, item.title, item.artist)
    rec.recommend_for(liked=[12, 40], disliked=[7])   # a taste profile
    print(rec.explain(12, 40))                        # why two songs are close

Every song is a unit vector (song_vectors.py): standardised features, the key on
the circle of fifths. The catalogue matrix is built once; because its rows have
length 1, the dot product of two rows is their cosine, and finding the songs most
like one is a single fastla.top_k call with metric="dot".

A list of recommendations never holds the seed, nor another listing of the seed
(same title and artist under another track id), nor any song twice."""

from dataclasses import dataclass

import numpy as np

import fastla
from fastla.apps.mmr import mmr
from fastla.apps.song_index import SongIndex, SongLookupError
from fastla.apps.song_vectors import song_vectors
from fastla.datasets import demo_songs_path, spotify

__all__ = ["SongRecommender", "Song", "Recommendation", "Explanation", "Contribution", "SongLookupError"]


@dataclass(frozen=True)
class Song:
    row: int
    title: str
    artist: str
    track_id: str | None
    genre: str | None

    def __str__(self):
        return f"{self.title} - {self.artist}" if self.artist else self.title


@dataclass(frozen=True)
class Recommendation(Song):
    score: float  # cosine similarity to the seed (or to the taste profile)


@dataclass(frozen=True)
class Contribution:
    feature: str
    a: float             # the first song's value, in the feature's own unit (NaN: missing)
    b: float             # the second song's value
    contribution: float  # this feature's share of the cosine: sum of u_j * v_j over its coordinates j


@dataclass(frozen=True)
class Explanation:
    """cos(a, b) = u . v = sum_j u_j v_j, taken apart by feature: the contributions
    add up to `score`. A positive one pulls the songs together (both above, or both
    below, the catalogue's average); a negative one pulls them apart."""
    a: Song
    b: Song
    score: float
    contributions: list  # Contribution, largest first

    def __str__(self):
        lines = [f"cos({self.a}, {self.b}) = {self.score:.4f}",
                 f"  {'feature':<17}{'first':>10}{'second':>10}{'share':>10}"]
        for c in self.contributions:
            lines.append(f"  {c.feature:<17}{format_value(c.feature, c.a):>10}"
                         f"{format_value(c.feature, c.b):>10}{c.contribution:>+10.4f}")
        lines.append(f"  {'total':<37}{sum(c.contribution for c in self.contributions):>+10.4f}")
        return "\n".join(lines)


NOTE_NAMES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]


def format_value(feature, value):
    """A feature value as a person reads it: key as a note, mode as major/minor."""
    if value != value:  # NaN
        return "missing"
    if feature == "key":
        return NOTE_NAMES[int(value)]
    if feature == "mode":
        return "major" if value == 1 else "minor"
    if abs(value) >= 100:
        return f"{value:.0f}"
    return f"{value:.3g}" if abs(value) < 1 else f"{value:.1f}"


class SongRecommender:
    """Songs most like a seed song, or like a set of liked songs, by cosine similarity.

    table: a mapping of columns (name -> sequence) or a pandas DataFrame, in any of
    the layouts fastla.datasets.spotify reads. features: the columns to compare by
    (default: the audio features present). weights: {feature: multiplier}.
    key_encoding: "fifths" (default) or "chromatic"."""

    def __init__(self, table, features=None, *, weights=None, key_encoding="fifths"):
        if not isinstance(table, spotify.SongTable):
            table = spotify.from_columns(table, features)
        elif features is not None:
            raise ValueError("features= is for a mapping or a DataFrame; a SongTable already has its features")
        self.table = table
        self.space = song_vectors(table.features, weights, key_encoding)
        self.vectors = self.space.matrix
        self.vectors.setflags(write=False)
        self.index = SongIndex(table.titles, table.artists, table.ids)

    @classmethod
    def from_csv(cls, path, features=None, **options):
        """From a Spotify audio-feature CSV file (see fastla.datasets.spotify)."""
        return cls(spotify.read_csv(path, features), **options)

    @classmethod
    def demo(cls, **options):
        """From the bundled demo catalogue: a few thousand synthetic songs."""
        return cls.from_csv(demo_songs_path(), **options)

    def __len__(self):
        return len(self.table)

    def __repr__(self):
        return f"<SongRecommender: {len(self):,} songs from {self.table.source}, features {self.features}>"

    @property
    def features(self):
        return list(self.space.features)

    @property
    def missing(self):
        """{feature: number of songs whose value was missing} (set to the feature's mean)."""
        return dict(self.space.missing)

    def describe(self):
        """What the catalogue is made of, as text: per feature the mean, spread,
        weight and missing values, and the features left out for being constant."""
        space = self.space
        lines = [f"{len(self):,} songs from {self.table.source}; {len(space.features)} features as "
                 f"{self.vectors.shape[1]}-dimensional unit vectors",
                 f"  {'feature':<17}{'mean':>10}{'std':>10}{'weight':>8}{'missing':>9}"]
        for f in space.features:
            if f == "key":
                mean, std = "circle", f"{space.std[f]:.3g}"
            else:
                mean, std = f"{space.mean[f]:.4g}", f"{space.std[f]:.4g}"
            lines.append(f"  {f:<17}{mean:>10}{std:>10}{space.weights[f]:>8g}{space.missing[f]:>9,}")
        if space.constant:
            lines.append(f"  constant, so left out: {', '.join(space.constant)}")
        return "\n".join(lines)

    # ---- songs --------------------------------------------------------------------------

    def find(self, song):
        """The row of a song given as a row number, a track id, a title or
        "title - artist" (case-insensitive). Raises SongLookupError, listing close
        matches, for an unknown or ambiguous title."""
        return self.index.find(song)

    def song(self, song):
        """The Song (.row, .title, .artist, .track_id, .genre) a song names, as find() reads it."""
        return Song(*self._fields(self.find(song)))

    def _fields(self, row):
        t = self.table
        return row, t.titles[row], t.artists[row], t.ids[row] if t.ids else None, t.genres[row] if t.genres else None

    def _item(self, row, score):
        return Recommendation(*self._fields(row), float(score))

    # ---- recommending -------------------------------------------------------------------

    def recommend(self, song, k=10, diversity=0.0):
        """The k songs most like `song`, best first, as Recommendations (.row, .title,
        .artist, .score: the cosine similarity). With diversity > 0 (up to 1) the
        list is re-ranked by maximal marginal relevance, trading closeness to the
        seed for variety among the picks."""
        row = self.find(song)
        return self._best(self.vectors[row], self.index.same_song(row), k, diversity)

    def recommend_many(self, songs, k=10):
        """recommend(song, k) for each of songs, with one top_k call for them all."""
        rows = [self.find(s) for s in songs]
        if not rows:
            return []
        k = self._check_k(k)
        seeds = [self.index.same_song(r) for r in rows]
        fetch = min(len(self), k + max(map(len, seeds)) + 8)
        idx, scores = fastla.top_k(self.vectors[rows], self.vectors, fetch, metric="dot")
        lists = []
        for r, excluded, i, s in zip(rows, seeds, idx, scores):
            picked = self._distinct(i, s, excluded, k)
            if len(picked) < k and fetch < len(self):  # too many listings of the same songs
                lists.append(self.recommend(r, k))
            else:
                lists.append([self._item(j, sc) for j, sc in picked])
        return lists

    def recommend_for(self, liked, disliked=(), k=10, dislike_share=0.5, diversity=0.0):
        """The k songs closest to a taste profile (Rocchio's relevance feedback):

            profile = mean of the liked songs' vectors - dislike_share * mean of the disliked

        Songs in either list are never recommended."""
        liked = [self.find(s) for s in liked]
        disliked = [self.find(s) for s in disliked]
        if not liked:
            raise ValueError("recommend_for needs at least one liked song")
        profile = self.vectors[liked].astype(np.float64).mean(axis=0)
        if disliked:
            profile -= dislike_share * self.vectors[disliked].astype(np.float64).mean(axis=0)
        length = np.linalg.norm(profile)
        if length == 0:
            raise ValueError("the liked and disliked songs cancel out: the profile is the zero vector")
        excluded = sorted({r for s in liked + disliked for r in self.index.same_song(s)})
        return self._best((profile / length).astype(np.float32), excluded, k, diversity)

    def _best(self, query, excluded, k, diversity):
        """The k best distinct songs for a unit query vector, none of them in `excluded` rows."""
        k = self._check_k(k)
        if not 0.0 <= diversity <= 1.0:
            raise ValueError(f"diversity must be between 0 and 1, got {diversity!r}")
        wanted = k if diversity == 0 else max(3 * k, k + 20)  # MMR picks from a wider pool
        fetch = wanted + len(excluded) + 8  # room for the songs skipped
        while True:
            fetch = min(fetch, len(self))
            idx, scores = fastla.top_k(query, self.vectors, fetch, metric="dot")
            picked = self._distinct(idx, scores, excluded, wanted)
            if len(picked) >= wanted or fetch == len(self):
                break
            fetch *= 2
        if diversity and picked:
            rows = [j for j, _ in picked]
            similarity = fastla.cosine_similarity(self.vectors[rows])
            picked = [picked[i] for i in mmr([s for _, s in picked], similarity, k, diversity)]
        return [self._item(j, s) for j, s in picked[:k]]

    def _distinct(self, idx, scores, excluded, k):
        """The first k (row, score) of a ranking, skipping excluded rows and any song
        (title and artist) already taken."""
        skip = {self.index.key(r) for r in excluded}
        picked = []
        for j, s in zip(idx.tolist(), scores.tolist()):
            if len(picked) == k:
                break
            key = self.index.key(j)
            if key not in skip:
                skip.add(key)
                picked.append((j, s))
        return picked

    def _check_k(self, k):
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 0:
            raise ValueError(f"k must be a whole number >= 0, got {k!r}")
        return int(k)

    # ---- explaining ---------------------------------------------------------------------

    def explain(self, a, b):
        """Why two songs are close: cos(a, b) = sum_j u_j v_j over the coordinates of
        their unit vectors u and v, grouped by feature (key's two coordinates as one)."""
        ra, rb = self.find(a), self.find(b)
        u, v = self.vectors[ra].astype(np.float64), self.vectors[rb].astype(np.float64)
        products = u * v
        contributions = [
            Contribution(f, float(self.table.features[f][ra]), float(self.table.features[f][rb]),
                         float(products[self.space.columns_of(f)].sum()))
            for f in self.space.features
        ]
        contributions.sort(key=lambda c: -c.contribution)
        return Explanation(self.song(ra), self.song(rb), float(products.sum()), contributions)
