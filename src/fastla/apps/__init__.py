"""Apps built on fastla's public API, in plain Python, to read and to use.

    fastla.apps.recommender.SongRecommender   # "more like this" for songs, by cosine top-k
    fastla.apps.compressor                    # images as low-rank .fla files: compress(img, rank=50), load(path)
    fastla.apps.filters                       # photo filters: colour matrices, convolution, affine warps,
                                              # CSS functions, blend modes, apply(img, "clarendon")
    fastla.apps.predictor.RatingPredictor     # movie ratings by matrix factorisation (SGD, ALS)
"""
