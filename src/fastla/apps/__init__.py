"""Apps built on fastla's public API, in plain Python, to read and to use.

    fastla.apps.recommender.SongRecommender   # "more like this" for songs, by cosine top-k
    fastla.apps.compressor                    # images as low-rank .fla files: compress(img, rank=50), load(path)
    fastla.apps.filters.apply(img, "clarendon")  # the CSSgram looks, CSS filters and blend modes
"""
