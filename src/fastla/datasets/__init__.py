"""Data for the apps: loaders for the standard formats, and small bundled demos.

    fastla.datasets.demo_songs_path()   # the bundled song catalogue (synthetic; see README.md here)
    fastla.datasets.demo_photo_path()   # a photo for the image apps (CC0; see README.md here)
    fastla.datasets.spotify.read_csv(path)   # a Spotify audio-feature CSV as a SongTable
    fastla.datasets.load_movielens(path)     # MovieLens ratings: ml-100k, ml-1m or ml-latest layout
    fastla.datasets.load_movielens_demo()    # the bundled MovieLens latest-small
"""

from pathlib import Path

from fastla.datasets.spotify import CatalogError, SongTable, from_columns, read_csv

# MovieLens (the rating predictor's data)
from fastla.datasets.movielens import MovieLens, MovieLensError, load_movielens
from fastla.datasets.movielens import load_demo as load_movielens_demo

DEMO_SONGS = "songs_demo.csv.gz"
DEMO_PHOTO = "coffee.jpg"


def demo_songs_path():
    """The bundled demo catalogue: a few thousand synthetic songs in the layout of
    Kaggle's "Spotify tracks" file, made by _make_demo_songs.py."""
    return Path(__file__).with_name(DEMO_SONGS)


def demo_photo_path():
    """The bundled photo: a cup of coffee, 600 x 400 (Rachel Michetti, CC0)."""
    return Path(__file__).with_name(DEMO_PHOTO)


__all__ = ["demo_songs_path", "demo_photo_path", "read_csv", "from_columns", "SongTable", "CatalogError",
           "load_movielens", "load_movielens_demo", "MovieLens", "MovieLensError"]
