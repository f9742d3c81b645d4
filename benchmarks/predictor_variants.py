"""The default settings on data shaped unlike the set they were chosen on: the
bundled latest-small with its half stars rounded up to whole stars (the 1-5 scale
of ml-100k and ml-1m), then also restricted to users with 20 or more ratings and
movies with 5 or more (ml-100k keeps only users with 20 or more). 5-fold CV, the
same folds for fastla's default and Surprise's SVD with its defaults.

    PYTHONPATH=src python benchmarks/predictor_variants.py

A check that the defaults are not fitted to one data set, where the other
MovieLens releases cannot be downloaded; with them, run predictor_cv.py --data."""

import numpy as np

from fastla.apps.evaluation import fold_ids, mae, rmse
from fastla.apps.predictor import RatingPredictor
from fastla.datasets.movielens import load_demo


def variants():
    d = load_demo()
    users, items, stars = d.users, d.items, np.ceil(d.ratings.astype(np.float64))
    yield "whole stars", users, items, stars
    keep = (np.bincount(users)[users] >= 20) & (np.bincount(items)[items] >= 5)
    yield "whole stars, users with >= 20 ratings, movies with >= 5", users[keep], items[keep], stars[keep]


def surprise_predictions(train, test):
    import surprise

    u, i, r = train
    trainset = surprise.Dataset(surprise.Reader(rating_scale=(1, 5))).construct_trainset(
        [(a, b, c, None) for a, b, c in zip(u.tolist(), i.tolist(), r.tolist())])
    model = surprise.SVD(random_state=0).fit(trainset)
    return np.array([model.predict(a, b).est for a, b in zip(test[0].tolist(), test[1].tolist())])


def main():
    try:
        import surprise  # noqa: F401
        have_surprise = True
    except ImportError:
        have_surprise = False
    for name, users, items, ratings in variants():
        fold = fold_ids(len(ratings), 5, random_state=42)
        scores = {"fastla default": [], "Surprise SVD, defaults": []}
        for f in range(5):
            tr, te = fold != f, fold == f
            model = RatingPredictor(random_state=0).fit(users[tr], items[tr], ratings[tr])
            p = model.predict(users[te], items[te])
            scores["fastla default"].append((rmse(ratings[te], p), mae(ratings[te], p)))
            if have_surprise:
                p = surprise_predictions((users[tr], items[tr], ratings[tr]), (users[te], items[te]))
                scores["Surprise SVD, defaults"].append((rmse(ratings[te], p), mae(ratings[te], p)))
        print(f"{name}: {len(ratings):,} ratings")
        for label, rows in scores.items():
            if rows:
                rows = np.array(rows)
                print(f"    {label:24s} RMSE {rows[:, 0].mean():.4f}   MAE {rows[:, 1].mean():.4f}")


if __name__ == "__main__":
    main()
