"""Measuring a rating predictor: error metrics, splits, k-fold cross-validation,
and ranking metrics for top-N recommendation.

    rmse(y, p), mae(y, p)
    train_test_split(users, items, ratings, test_size=0.2, random_state=None)
    cross_validate(model, users, items, ratings, folds=5, random_state=None)
    precision_at_k(recommended, relevant, k), ndcg_at_k(recommended, relevant, k)
"""

import time
from dataclasses import dataclass, field

import numpy as np


def rmse(actual, predicted):
    """Root mean squared error: sqrt(mean((actual - predicted)^2))."""
    a, p = _pair(actual, predicted)
    return float(np.sqrt(np.mean((a - p) ** 2)))


def mae(actual, predicted):
    """Mean absolute error: mean(|actual - predicted|)."""
    a, p = _pair(actual, predicted)
    return float(np.mean(np.abs(a - p)))


def _pair(actual, predicted):
    a = np.asarray(actual, dtype=np.float64).ravel()
    p = np.asarray(predicted, dtype=np.float64).ravel()
    if a.shape != p.shape:
        raise ValueError(f"actual has {a.size} values and predicted has {p.size}")
    if a.size == 0:
        raise ValueError("no values to compare")
    return a, p


def fold_ids(n, folds=5, random_state=None):
    """A fold number 0..folds-1 for each of n ratings: a random permutation dealt
    round-robin, so the folds differ in size by at most one."""
    if not 2 <= folds <= max(n, 2):
        raise ValueError(f"folds must be between 2 and the number of ratings ({n}), got {folds}")
    out = np.empty(n, dtype=np.int64)
    out[np.random.default_rng(random_state).permutation(n)] = np.arange(n) % folds
    return out


def train_test_split(users, items, ratings, test_size=0.2, random_state=None):
    """((users, items, ratings) for training, the same for testing), a random split
    of the ratings with round(test_size * n) of them in the test part."""
    users, items, ratings = _columns(users, items, ratings)
    n = len(ratings)
    if not 0.0 < test_size < 1.0:
        raise ValueError(f"test_size must be between 0 and 1, got {test_size}")
    n_test = int(round(test_size * n))
    if n_test < 1 or n_test >= n:
        raise ValueError(f"test_size={test_size} of {n} ratings leaves an empty part")
    perm = np.random.default_rng(random_state).permutation(n)
    test, train = perm[:n_test], perm[n_test:]
    return (users[train], items[train], ratings[train]), (users[test], items[test], ratings[test])


def _columns(users, items, ratings):
    users, items = np.asarray(users), np.asarray(items)
    ratings = np.asarray(ratings, dtype=np.float64)
    if not (users.ndim == items.ndim == ratings.ndim == 1):
        raise ValueError("users, items and ratings must be 1-D")
    if not len(users) == len(items) == len(ratings):
        raise ValueError(f"users, items and ratings have lengths {len(users)}, {len(items)}, {len(ratings)}")
    return users, items, ratings


@dataclass
class CVResult:
    """Per-fold RMSE, MAE and fit time of a cross-validation."""
    rmse: list = field(default_factory=list)
    mae: list = field(default_factory=list)
    fit_time: list = field(default_factory=list)

    @property
    def mean_rmse(self):
        return float(np.mean(self.rmse))

    @property
    def mean_mae(self):
        return float(np.mean(self.mae))

    @property
    def mean_fit_time(self):
        return float(np.mean(self.fit_time))

    def table(self):
        """A plain-text table: one line per fold and the mean."""
        lines = [f"{'fold':>6}  {'RMSE':>7}  {'MAE':>7}  {'fit (s)':>8}"]
        for f, (r, a, t) in enumerate(zip(self.rmse, self.mae, self.fit_time), 1):
            lines.append(f"{f:>6}  {r:7.4f}  {a:7.4f}  {t:8.3f}")
        lines.append(f"{'mean':>6}  {self.mean_rmse:7.4f}  {self.mean_mae:7.4f}  {self.mean_fit_time:8.3f}")
        return "\n".join(lines)


def cross_validate(model, users, items, ratings, folds=5, random_state=None, verbose=False):
    """k-fold cross-validation: each fold is held out once while a fresh clone of
    model (model.clone()) is fitted on the rest. Returns a CVResult."""
    users, items, ratings = _columns(users, items, ratings)
    fold = fold_ids(len(ratings), folds, random_state)
    result = CVResult()
    for f in range(folds):
        train, test = fold != f, fold == f
        m = model.clone()
        start = time.perf_counter()
        m.fit(users[train], items[train], ratings[train])
        result.fit_time.append(time.perf_counter() - start)
        predicted = m.predict(users[test], items[test])
        result.rmse.append(rmse(ratings[test], predicted))
        result.mae.append(mae(ratings[test], predicted))
        if verbose:
            print(f"fold {f + 1}/{folds}: RMSE {result.rmse[-1]:.4f}, MAE {result.mae[-1]:.4f}, "
                  f"fit {result.fit_time[-1]:.2f} s", flush=True)
    return result


def precision_at_k(recommended, relevant, k=10):
    """The share of the first k recommended items that are relevant."""
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    relevant = set(relevant)
    top = list(recommended)[:k]
    return sum(1 for item in top if item in relevant) / k


def ndcg_at_k(recommended, relevant, k=10):
    """Normalised discounted cumulative gain of the first k recommendations with
    binary relevance: DCG = sum over hits at rank r (1-based) of 1 / log2(r + 1),
    divided by the DCG of an ideal list (all relevant items first). 0 when there
    is nothing relevant."""
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    relevant = set(relevant)
    dcg = sum(1.0 / np.log2(rank + 2) for rank, item in enumerate(list(recommended)[:k]) if item in relevant)
    ideal = sum(1.0 / np.log2(rank + 2) for rank in range(min(len(relevant), k)))
    return float(dcg / ideal) if ideal else 0.0
