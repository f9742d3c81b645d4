"""Apps built on fastla's public API, in plain Python, to read and to use.

    fastla.apps.recommender.SongRecommender   # "more like this" for songs, by cosine top-k
    fastla.apps.filters                       # photo filters: colour matrices, convolution, affine warps
"""
