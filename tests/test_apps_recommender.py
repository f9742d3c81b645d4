"""The song recommender (fastla.apps.recommender) and the Spotify table reader
(fastla.datasets.spotify).

tests/data holds the same six songs in every supported CSV layout; all of them
must read to the same table. recommend and recommend_for are checked against a
brute-force ranking by fastla.naive's plain-Python cosine, with the exclusion
rules applied by hand."""

import gzip
import math
import shutil
from pathlib import Path

import numpy as np
import pytest

import fastla
import fastla.naive as naive
from fastla import cli
from fastla.apps.mmr import mmr
from fastla.apps.recommender import SongLookupError, SongRecommender
from fastla.apps.song_vectors import key_on_circle, song_vectors
from fastla.datasets import CatalogError, _make_demo_songs, demo_songs_path, read_csv

DATA = Path(__file__).parent / "data"
LAYOUTS = ["songs_spotify_tracks.csv", "songs_spotify_features.csv", "songs_hit_predictor.csv",
           "songs_tracks_600k.csv", "songs_exportify.csv"]

# What every layout holds (rows 0 and 5 are one song listed twice, as pop and as dance).
TITLES = ["Paper Lanterns", "Home", "Home", "Low Tide, High Noon", "Static Bloom", "Paper Lanterns"]
ARTISTS = ["Mira Solberg", "The Night Ferries", "Ada Quill", "Ada Quill, Bram Okoro", "Kilo Harbor", "Mira Solberg"]
IDS = ["4kQh3cQqYLiMZpMUHgtdAx", "1oVbSMCXqWqA8ZJ5s2Jk3v", "6YxPCyVtwrYH1SQjXkz7rD", "2bDs9WnsZrT5uYgJc0QwPe",
       "0PfUjLkZpXaH4d7q9RsTbn", "7HcNm2VpQeWx5yKz1LsUoD"]
KEYS = [7, 2, 9, 3, 1, 7]
MODES = [1, 1, 0, 0, 1, 1]
ENERGY = [0.641, 0.813, 0.312, 0.424, 0.882, 0.641]
TEMPO = [118.02, 132.51, 96.0, 104.2, 126.0, 118.02]


@pytest.fixture(scope="module")
def demo():
    return SongRecommender.demo()


def write(tmp_path, text, name="songs.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


# ---- reading tables -------------------------------------------------------------------

@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_layout_reads_to_the_same_songs(layout):
    table = read_csv(DATA / layout)
    assert table.titles == TITLES
    assert table.artists == ARTISTS
    assert [i.rsplit(":", 1)[-1] for i in table.ids] == IDS
    assert list(table.features) == ["danceability", "energy", "key", "loudness", "mode", "speechiness",
                                    "acousticness", "instrumentalness", "liveness", "valence", "tempo"]
    np.testing.assert_array_equal(table.features["key"], KEYS)
    np.testing.assert_array_equal(table.features["mode"], MODES)
    np.testing.assert_array_equal(table.features["energy"], ENERGY)
    np.testing.assert_array_equal(table.features["tempo"], TEMPO)
    if table.genres is not None:
        assert table.genres == ["pop", "rock", "folk", "jazz", "electronic", "dance"]


def test_every_layout_gives_the_same_recommendations():
    expected = SongRecommender.from_csv(DATA / LAYOUTS[0])
    for layout in LAYOUTS[1:]:
        rec = SongRecommender.from_csv(DATA / layout)
        np.testing.assert_array_equal(rec.vectors, expected.vectors)
        got, want = rec.recommend("Static Bloom", k=3), expected.recommend("Static Bloom", k=3)
        assert [(r.row, r.title, r.artist, r.score) for r in got] == [(r.row, r.title, r.artist, r.score) for r in want]


def test_gzip_is_read_whatever_the_name(tmp_path):
    path = tmp_path / "songs.dat"
    with open(DATA / LAYOUTS[0], "rb") as src, gzip.open(path, "wb") as dst:
        shutil.copyfileobj(src, dst)
    assert read_csv(path).titles == TITLES


def test_features_are_chosen_by_name(tmp_path):
    table = read_csv(DATA / "songs_exportify.csv", features=["energy", "Tempo", "Duration (ms)"])
    assert list(table.features) == ["energy", "tempo", "duration_ms"]
    np.testing.assert_array_equal(table.features["duration_ms"], [201000, 244000, 187000, 312000, 244000, 201000])
    table = read_csv(DATA / "songs_spotify_features.csv", features=["time_signature"])
    np.testing.assert_array_equal(table.features["time_signature"], [4] * 6)  # "4/4"
    with pytest.raises(CatalogError, match=r"songs_hit_predictor.csv: no column for feature\(s\) 'loudnesss'"):
        read_csv(DATA / "songs_hit_predictor.csv", features=["energy", "loudnesss"])


HEADER = "track_name,artists,energy,key,mode,tempo\n"
MALFORMED = {
    "not a number": (HEADER + "a,x,0.5,1,1,100\nb,y,loud,2,0,120\n", r"songs.csv, line 3, column 3 \('energy'\): 'loud' is not a number"),
    "too few fields": (HEADER + "a,x,0.5,1,1,100\nb,y,0.5,2\n", r"songs.csv, line 3: 4 fields, but the header has 6"),
    "too many fields": (HEADER + "a,x,0.5,1,1,100,7\n", r"songs.csv, line 2: 7 fields"),
    "open quote": (HEADER + '"a,x,0.5,1,1,100\nb,y,0.5,2,0,120\n', r"songs.csv, lines 2-3 \(one record: is a quote left open\?\)"),
    "key out of range": (HEADER + "a,x,0.5,12,1,100\n", r"line 2, column 4 \('key'\): key must be a pitch class 0 to 11 \(or -1 for none\), got 12"),
    "key not whole": (HEADER + "a,x,0.5,2.5,1,100\n", r"line 2, column 4 \('key'\): .* got 2.5"),
    "key not a note": (HEADER + "a,x,0.5,H,1,100\n", r"line 2, column 4 \('key'\): 'H' is not a number"),
    "mode not 0 or 1": (HEADER + "a,x,0.5,2,2,100\n", r"line 2, column 5 \('mode'\): mode must be 1 \(major\) or 0 \(minor\), got 2"),
    "infinite": (HEADER + "a,x,0.5,2,1,inf\n", r"line 2, column 6 \('tempo'\): inf is not a finite number"),
    "no title column": ("artists,energy\nx,0.5\n", r"songs.csv: no song-title column \(looked for track_name, .*\); the columns are 'artists', 'energy'"),
    "no feature columns": ("track_name,artists\na,x\n", r"songs.csv: no audio-feature columns"),
    "empty file": ("", r"songs.csv: empty file"),
    "header only": (HEADER, r"songs.csv: a header but no songs"),
}


@pytest.mark.parametrize("name", MALFORMED)
def test_malformed_files_name_the_file_line_and_column(tmp_path, name):
    text, message = MALFORMED[name]
    with pytest.raises(CatalogError, match=message):
        SongRecommender.from_csv(write(tmp_path, text))


def test_a_file_that_is_not_text(tmp_path):
    path = tmp_path / "songs.csv"
    path.write_bytes(b"track_name,energy\n\xff\xfe,0.5\n")
    with pytest.raises(CatalogError, match="songs.csv: not UTF-8 text"):
        read_csv(path)
    with pytest.raises(FileNotFoundError):
        read_csv(tmp_path / "nowhere.csv")


def test_missing_values_are_counted_and_count_for_nothing(tmp_path):
    text = HEADER + "a,x,0.5,1,1,100\nb,y,,2,0,NaN\nc,z,0.9,-1,1,140\nd,w,0.1,5,0,90\n"
    rec = SongRecommender.from_csv(write(tmp_path, text))
    assert rec.missing == {"energy": 1, "key": 1, "mode": 0, "tempo": 1}  # key -1: none found
    assert "energy" in rec.describe() and not np.isnan(rec.vectors).any()
    shares = {c.feature: c for c in rec.explain("b", "a").contributions}
    assert shares["energy"].contribution == 0.0 and math.isnan(shares["energy"].a)
    assert shares["tempo"].contribution == 0.0
    assert {c.feature: c.contribution for c in rec.explain("c", "a").contributions}["key"] == 0.0


def test_a_mapping_of_columns_reads_like_the_file():
    from_file = SongRecommender.from_csv(DATA / "songs_spotify_tracks.csv")
    table = read_csv(DATA / "songs_spotify_tracks.csv")
    columns = {"Track Name": TITLES, "artists": ARTISTS, "track_id": IDS, "track_genre": table.genres,
               **{name: values.tolist() for name, values in table.features.items()}}
    columns["key"] = ["G", "D", "A", "D#", "C#", "G"]  # any form a file may hold
    rec = SongRecommender(columns)
    np.testing.assert_array_equal(rec.vectors, from_file.vectors)
    assert rec.recommend("home - ada quill", 2) == from_file.recommend("home - ada quill", 2)
    columns["energy"] = [0.5, 0.5, "high", 0.5, 0.5, 0.5]
    with pytest.raises(CatalogError, match=r"table, column 'energy', row 2: 'high' is not a number"):
        SongRecommender(columns)
    with pytest.raises(CatalogError, match="columns of different lengths"):
        SongRecommender({"track_name": ["a", "b"], "energy": [0.1]})
    with pytest.raises(TypeError, match="mapping of columns or a pandas DataFrame"):
        SongRecommender([["a", 0.1]])


def test_a_pandas_dataframe_reads_like_the_file():
    pd = pytest.importorskip("pandas")
    frame = pd.read_csv(DATA / "songs_spotify_features.csv")
    rec = SongRecommender(frame)
    np.testing.assert_array_equal(rec.vectors, SongRecommender.from_csv(DATA / "songs_spotify_features.csv").vectors)
    assert rec.song("static bloom").artist == "Kilo Harbor"


# ---- songs as vectors ------------------------------------------------------------------

def test_features_are_standardised_then_rows_normalised(demo):
    table, space = demo.table, demo.space
    for name in ("energy", "tempo", "loudness"):
        values = table.features[name]
        assert space.mean[name] == pytest.approx(values.mean()) and space.std[name] == pytest.approx(values.std())
    np.testing.assert_allclose(np.linalg.norm(demo.vectors, axis=1), 1.0, rtol=1e-6)
    # undo the normalisation: the standardised energy column has mean 0 and std 1
    unnormalised = song_vectors(table.features).matrix.astype(np.float64)
    raw = np.column_stack([(table.features[f] - space.mean[f]) / space.std[f] * (0.5 if f == "mode" else 1.0)
                           for f in space.dims if f != "key"])
    ratio = raw / unnormalised[:, [j for j, f in enumerate(space.dims) if f != "key"]]
    np.testing.assert_allclose(ratio / ratio[:, :1], 1.0, rtol=1e-4)  # one length per row


def test_a_constant_column_counts_for_nothing():
    space = song_vectors({"energy": np.array([0.1, 0.9, 0.5]), "mode": np.array([1.0, 1.0, 1.0]),
                          "key": np.array([4.0, 4.0, np.nan])})
    assert space.constant == ["mode", "key"]
    assert np.all(space.matrix[:, 1:] == 0) and np.isfinite(space.matrix).all()


def test_key_on_the_circle_of_fifths():
    def distance(a, b, encoding):
        xa, ya = key_on_circle(np.array([float(a)]), encoding)
        xb, yb = key_on_circle(np.array([float(b)]), encoding)
        return math.hypot(xa[0] - xb[0], ya[0] - yb[0])

    C, C_sharp, F, G, B = 0, 1, 5, 7, 11
    assert distance(C, G, "fifths") == pytest.approx(distance(C, F, "fifths"))  # a fifth either way
    assert distance(C, G, "fifths") < distance(C, C_sharp, "fifths")
    assert distance(C, C_sharp, "chromatic") < distance(C, G, "chromatic")
    assert distance(B, C, "chromatic") == pytest.approx(distance(C, C_sharp, "chromatic"))  # 11 wraps to 0
    with pytest.raises(ValueError, match="key_encoding"):
        song_vectors({"key": np.array([1.0, 2.0])}, key_encoding="circle")


def test_weight_zero_is_the_same_as_leaving_the_feature_out():
    table = read_csv(DATA / "songs_spotify_tracks.csv")
    without = song_vectors({f: v for f, v in table.features.items() if f != "tempo"}).matrix
    weighted = song_vectors(table.features, weights={"tempo": 0}).matrix
    np.testing.assert_allclose(np.delete(weighted, table_dims(table).index("tempo"), axis=1), without, atol=1e-7)
    with pytest.raises(ValueError, match=r"weights name \['tempi'\]"):
        song_vectors(table.features, weights={"tempi": 2})
    assert weighted_as(table, None) == {"key": 0.5, "mode": 0.5}  # the defaults
    assert weighted_as(table, {"key": 1, "energy": 2}) == {"mode": 0.5, "energy": 2}


def weighted_as(table, weights):
    """The features whose weight is not 1."""
    return {f: w for f, w in song_vectors(table.features, weights).weights.items() if w != 1}


def table_dims(table):
    return song_vectors(table.features).dims


# ---- recommend: against a brute-force ranking --------------------------------------------

def brute_force(rec, query, excluded_rows, k):
    """Every song ranked by fastla.naive's cosine with the query, best first (ties:
    lower row); then the first k that are neither excluded nor a song already taken."""
    rows, scores = naive.top_k(query, rec.vectors.tolist(), len(rec), metric="cosine")
    key = lambda r: (rec.table.titles[r].casefold(), rec.table.artists[r].casefold())
    taken = {key(r) for r in excluded_rows}
    out = []
    for r, s in zip(rows, scores):
        if key(r) not in taken:
            taken.add(key(r))
            out.append((r, s))
    return out[:k]


def assert_same_ranking(items, expected):
    assert [it.row for it in items] == [r for r, _ in expected]
    np.testing.assert_allclose([it.score for it in items], [s for _, s in expected], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("seed", [0, 7, 1234, 2947])
def test_recommend_agrees_with_brute_force(demo, seed):
    same = [r for r in range(len(demo)) if demo.index.key(r) == demo.index.key(seed)]
    assert_same_ranking(demo.recommend(seed, k=10), brute_force(demo, demo.vectors[seed].tolist(), same, 10))


def test_recommend_for_agrees_with_brute_force(demo):
    liked, disliked = [3, 500, 1200], [2000, 40]
    V = demo.vectors.tolist()
    profile = [sum(V[r][j] for r in liked) / 3 - 0.5 * sum(V[r][j] for r in disliked) / 2 for j in range(len(V[0]))]
    excluded = [r for r in range(len(demo)) if demo.index.key(r) in {demo.index.key(s) for s in liked + disliked}]
    assert_same_ranking(demo.recommend_for(liked, disliked, k=8), brute_force(demo, profile, excluded, 8))
    with pytest.raises(ValueError, match="at least one liked song"):
        demo.recommend_for([], [3])


def test_recommend_many_is_recommend_for_each(demo):
    rows = list(range(0, len(demo), 97))
    for many, one in zip(demo.recommend_many(rows, k=6), [demo.recommend(r, k=6) for r in rows], strict=True):
        assert [it.row for it in many] == [it.row for it in one]
        np.testing.assert_allclose([it.score for it in many], [it.score for it in one], rtol=1e-6)


# ---- recommend: what it never returns ------------------------------------------------------

def test_never_the_seed_nor_its_other_listings():
    rec = SongRecommender.from_csv(DATA / "songs_spotify_tracks.csv")
    everything = rec.recommend(0, k=len(rec))
    assert [it.row for it in everything] == [it.row for it in rec.recommend(5, k=len(rec))]
    assert {it.row for it in everything} == {1, 2, 3, 4}  # 0 and 5 are one song
    assert rec.recommend(1, k=10)[0].score >= rec.recommend(1, k=10)[-1].score
    assert sum(it.title == "Paper Lanterns" for it in rec.recommend(1, k=10)) == 1  # listed once


def test_no_song_twice_and_best_first_over_the_whole_demo(demo):
    rows = range(len(demo))
    for seed, items in zip(rows, demo.recommend_many(rows, k=10)):
        keys = [demo.index.key(it.row) for it in items]
        assert len(items) == 10 and len(set(keys)) == 10 and demo.index.key(seed) not in keys
        assert all(a.score >= b.score for a, b in zip(items, items[1:]))


def test_k_is_checked(demo):
    assert demo.recommend(0, k=0) == [] and demo.recommend_many([0, 1], k=0) == [[], []]
    with pytest.raises(ValueError, match="k must be a whole number"):
        demo.recommend(0, k=-1)
    with pytest.raises(ValueError, match="diversity must be between 0 and 1"):
        demo.recommend(0, diversity=1.5)


# ---- finding songs ----------------------------------------------------------------------

def test_songs_are_found_by_row_id_or_title():
    rec = SongRecommender.from_csv(DATA / "songs_hit_predictor.csv")
    assert rec.find(4) == rec.find(np.int64(4)) == 4
    assert rec.find("spotify:track:0PfUjLkZpXaH4d7q9RsTbn") == rec.find("0PfUjLkZpXaH4d7q9RsTbn") == 4
    assert rec.find("  STATIC   bloom ") == 4
    assert rec.find("Paper Lanterns") == 0  # one song, listed twice: its first row
    assert rec.find("home - ada quill") == 2
    assert rec.find("Low Tide, High Noon - bram okoro") == 3  # any one of the artists
    with pytest.raises(IndexError, match="row 6 is out of range"):
        rec.find(6)
    with pytest.raises(TypeError):
        rec.find(True)


def test_an_ambiguous_title_lists_the_songs():
    rec = SongRecommender.from_csv(DATA / "songs_spotify_tracks.csv")
    with pytest.raises(SongLookupError, match="2 songs are titled 'home'") as info:
        rec.recommend("home")
    assert info.value.candidates == ["Home - The Night Ferries", "Home - Ada Quill"]


def test_an_unknown_title_lists_close_matches(demo):
    rec = SongRecommender.from_csv(DATA / "songs_spotify_tracks.csv")
    with pytest.raises(SongLookupError, match="no song titled 'paper lantern'.*'Paper Lanterns - Mira Solberg'") as info:
        rec.recommend("paper lantern")
    assert info.value.candidates == ["Paper Lanterns - Mira Solberg"]
    with pytest.raises(SongLookupError, match="nothing close"):
        rec.recommend("Zzyzx")
    with pytest.raises(SongLookupError, match="close matches: 'Midnight River"):
        demo.recommend("midnite river (remix)")


def test_a_title_with_a_dash_in_it():
    rec = SongRecommender({"track_name": ["Song 2 - Remastered", "Song 2"], "artists": ["Blur Kit", "Other"],
                           "energy": [0.2, 0.9], "tempo": [100.0, 80.0]})
    assert rec.find("song 2 - remastered") == 0
    assert rec.find("Song 2 - Remastered - Blur Kit") == 0
    assert rec.find("Song 2 - other") == 1


# ---- explain ------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", [0, 1500])
def test_explain_takes_the_cosine_apart(demo, seed):
    for item in demo.recommend(seed, k=5):
        why = demo.explain(seed, item.row)
        total = sum(c.contribution for c in why.contributions)
        assert total == pytest.approx(why.score, abs=1e-12)
        assert why.score == pytest.approx(item.score, rel=1e-5)
        assert why.score == pytest.approx(naive.cosine_similarity(demo.vectors[seed].tolist(),
                                                                  demo.vectors[item.row].tolist()), rel=1e-6)
        assert [c.feature for c in why.contributions] == sorted(demo.features, key=lambda f: -next(
            c.contribution for c in why.contributions if c.feature == f))
        assert why.contributions[0].a == demo.table.features[why.contributions[0].feature][seed]
    assert demo.explain(seed, seed).score == pytest.approx(1.0, rel=1e-6)
    assert "total" in str(demo.explain(seed, seed + 1))


# ---- diversity ------------------------------------------------------------------------------

def test_mmr_passes_over_a_near_copy():
    relevance = [0.95, 0.94, 0.80]
    similarity = [[1.0, 0.99, 0.1], [0.99, 1.0, 0.1], [0.1, 0.1, 1.0]]
    assert mmr(relevance, similarity, 3, diversity=0.0) == [0, 1, 2]
    assert mmr(relevance, similarity, 3, diversity=0.5) == [0, 2, 1]


def test_diversity_spreads_the_list(demo):
    def spread(items):  # mean cosine between the picks
        S = fastla.cosine_similarity(demo.vectors[[it.row for it in items]])
        return (S.sum() - np.trace(S)) / (len(items) * (len(items) - 1))

    seeds = range(0, len(demo), 150)
    plain = [demo.recommend(s, k=10) for s in seeds]
    varied = [demo.recommend(s, k=10, diversity=0.4) for s in seeds]
    assert np.mean([spread(v) for v in varied]) < np.mean([spread(p) for p in plain]) - 0.02
    for seed, p, v in zip(seeds, plain, varied):
        assert v[0] == p[0]  # the first pick is the closest song
        assert len({demo.index.key(it.row) for it in v} | {demo.index.key(seed)}) == 11
    assert demo.recommend(3, k=10, diversity=0.0) == demo.recommend(3, k=10)


# ---- the command line and the bundled data --------------------------------------------------

def test_cli_prints_a_table(capsys):
    assert cli.main(["recommend", "static bloom", "-k", "2", "--catalog", str(DATA / LAYOUTS[0]), "--explain"]) == 0
    out = capsys.readouterr().out
    assert "Songs like: Static Bloom - Kilo Harbor (electronic)" in out
    lines = out.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("#"))
    assert lines[header].split() == ["#", "score", "title", "artist", "genre", "closest", "in"]
    rec = SongRecommender.from_csv(DATA / LAYOUTS[0])
    for line, item in zip(lines[header + 1:header + 3], rec.recommend("static bloom", k=2)):
        assert line.split()[1] == f"{item.score:.3f}" and item.title in line


def test_cli_reports_an_unknown_song(capsys):
    assert cli.main(["recommend", "paper lantern", "--catalog", str(DATA / LAYOUTS[0])]) == 2
    assert "close matches: 'Paper Lanterns - Mira Solberg'" in capsys.readouterr().err


def test_cli_uses_the_bundled_catalogue(capsys, demo):
    assert cli.main(["recommend", "Midnight River (Remix)", "-k", "3"]) == 0
    out = capsys.readouterr().out
    assert f"{len(demo):,} songs from the bundled demo catalogue" in out
    assert all(it.title in out for it in demo.recommend("Midnight River (Remix)", k=3))


def test_the_bundled_catalogue_is_what_the_script_makes():
    with gzip.open(demo_songs_path(), "rt", encoding="utf-8", newline="") as f:
        assert f.read() == _make_demo_songs.to_csv(_make_demo_songs.make_rows())
