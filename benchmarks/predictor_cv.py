"""5-fold cross-validation of fastla's rating predictor beside Surprise's SVD, on
the same folds: RMSE, MAE and fit time per model (mean of the folds).

    FASTLA_NUM_THREADS=1 PYTHONPATH=src python benchmarks/predictor_cv.py [--data PATH] [--folds 5]

--data is a MovieLens folder or ratings file (default: the bundled latest-small).
Surprise (scikit-surprise, in the `compare` extra) is skipped when missing. Each
fit is timed alone; on a shared machine, run twice and compare the ratios."""

import argparse
import time

import numpy as np

from fastla.apps.evaluation import fold_ids, mae, rmse
from fastla.apps.predictor import RatingPredictor
from fastla.datasets.movielens import load_demo, load_movielens

FASTLA = {
    "fastla default (blend of SGD + ALS)": lambda: RatingPredictor(random_state=0),
    "fastla svd (SGD, k=100, 40 epochs)": lambda: RatingPredictor("svd", random_state=0),
    "fastla als (k=20, 8 sweeps)": lambda: RatingPredictor("als", random_state=0),
    "fastla baseline (biases)": lambda: RatingPredictor("baseline"),
}
SURPRISE = {
    "Surprise SVD default (k=100, 20 epochs)": {},
    "Surprise SVD tuned (k=150, 40 epochs, lr 0.007, reg 0.08)": dict(n_factors=150, n_epochs=40, lr_all=0.007,
                                                                     reg_all=0.08, init_std_dev=0.05),
    "Surprise SVD, fastla's svd settings (k=100, 40 epochs, lr 0.007, reg 0.08)":
        dict(n_factors=100, n_epochs=40, lr_all=0.007, reg_all=0.08, reg_bu=0.02, reg_bi=0.02, init_std_dev=0.05),
}


def run_fastla(make, data, fold, folds):
    scores = []
    for f in range(folds):
        train, test = fold != f, fold == f
        model = make()
        start = time.perf_counter()
        model.fit(data.users[train], data.items[train], data.ratings[train])
        seconds = time.perf_counter() - start
        pred = model.predict(data.users[test], data.items[test])
        scores.append((rmse(data.ratings[test], pred), mae(data.ratings[test], pred), seconds))
    return np.mean(scores, axis=0)


def run_surprise(params, data, fold, folds):
    from surprise import SVD, Dataset, Reader

    lo, hi = float(data.ratings.min()), float(data.ratings.max())
    base = Dataset(Reader(rating_scale=(lo, hi)))
    triples = list(zip(data.users.tolist(), data.items.tolist(), data.ratings.astype(float).tolist()))
    scores = []
    for f in range(folds):
        train = base.construct_trainset([(u, i, r, None) for (u, i, r), k in zip(triples, fold) if k != f])
        test = [(u, i, r) for (u, i, r), k in zip(triples, fold) if k == f]
        algo = SVD(random_state=0, **params)
        start = time.perf_counter()
        algo.fit(train)
        seconds = time.perf_counter() - start
        pred = np.array([p.est for p in algo.test(test)])
        actual = np.array([r for _, _, r in test])
        scores.append((rmse(actual, pred), mae(actual, pred), seconds))
    return np.mean(scores, axis=0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="a MovieLens folder or ratings file (default: bundled latest-small)")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--only", help="run only the models whose name contains this text")
    args = parser.parse_args()
    data = load_movielens(args.data) if args.data else load_demo()
    fold = fold_ids(len(data), args.folds, random_state=42)
    print(f"{len(data):,} ratings, {args.folds}-fold CV (same folds for every model)\n")
    print(f"{'model':<78} {'RMSE':>7} {'MAE':>7} {'fit (s)':>8}")
    rows = [(name, lambda make=make: run_fastla(make, data, fold, args.folds)) for name, make in FASTLA.items()]
    try:
        import surprise  # noqa: F401
        rows += [(name, lambda p=p: run_surprise(p, data, fold, args.folds)) for name, p in SURPRISE.items()]
    except ImportError:
        print("(scikit-surprise is not installed: its rows are skipped)")
    for name, run in rows:
        if args.only and args.only not in name:
            continue
        r, a, t = run()
        print(f"{name:<78} {r:7.4f} {a:7.4f} {t:8.3f}", flush=True)


if __name__ == "__main__":
    main()
