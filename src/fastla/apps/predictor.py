"""A rating predictor: "you'll rate this movie 4.2 stars", by matrix factorisation.

    from fastla.apps.predictor import RatingPredictor
    from fastla.datasets.movielens import load_demo

    data = load_demo()                                  # MovieLens latest-small, bundled
    model = RatingPredictor(random_state=0).fit(data.users, data.items, data.ratings)
    model.predict([1, 1], [296, 9999999])               # known movie; unknown one -> biases
    model.recommend(1, k=10)                            # the user's best unseen movies
    model.similar_items(296, k=5)                       # cosine on the item factors

Ids may be any integers or strings; they are mapped to 0..n-1 inside. The models
(mf_models.py) all predict mu + b_u + b_i + p_u . q_i:

    "baseline"  global mean and regularised user and item biases (no factors)
    "svd"       biased matrix factorisation by SGD (the hot loop in C)
    "als"       the same model by alternating least squares (Cholesky solves in C)
    "blend"     the default: the average of an SGD and an ALS model (or, with
                holdout=0.1, their least-squares blend, its weights fitted on a
                held-out tenth of the training ratings)

A user or item not seen in training contributes no bias and no factors: the
prediction falls back to what is known (mu + b_i for a new user, mu + b_u for a
new item, mu for both). Predictions are clipped to the range of the training
ratings."""

from dataclasses import dataclass

import numpy as np

import fastla
from fastla.apps.mf_models import ALSModel, BaselineModel, BlendModel, SGDModel

__all__ = ["RatingPredictor", "Recommendation", "SimilarItem", "MODELS"]

# The defaults, chosen by 5-fold cross-validation on MovieLens latest-small
# (docs/predictor.md has the tables). Strong regularisation and a small initial
# spread matter more than the number of factors.
SVD_DEFAULTS = dict(n_factors=100, n_epochs=40, lr=0.007, reg_bias=0.02, reg_factor=0.08, init_std=0.05)
ALS_DEFAULTS = dict(n_factors=20, n_iter=8, reg_factor=0.12, reg_bias=0.1)
# The blend's SGD member is smaller: averaging makes up for it, and the fit stays fast.
BLEND_SVD = dict(SVD_DEFAULTS, n_factors=50, lr=0.008)
BASELINE_DEFAULTS = dict(reg_user=5.0, reg_item=5.0, n_iter=20)
MODELS = ("blend", "svd", "als", "baseline")


@dataclass(frozen=True)
class Recommendation:
    item: object        # the item id, as given to fit
    rating: float       # the predicted rating, clipped to the training scale
    title: str | None = None


@dataclass(frozen=True)
class SimilarItem:
    item: object
    similarity: float   # cosine of the item factors
    title: str | None = None


class RatingPredictor:
    """Predicts ratings from (user, item, rating) triples. model is one of MODELS;
    other keyword arguments go to the model (see mf_models.py for each one's
    parameters, e.g. n_factors, n_epochs, lr, reg_factor). random_state makes the
    fit repeatable; verbose shows a progress bar over the epochs."""

    def __init__(self, model="blend", random_state=None, verbose=False, titles=None, **params):
        if model not in MODELS:
            raise ValueError(f"unknown model {model!r}; expected one of {', '.join(MODELS)}")
        self.model, self.random_state, self.verbose, self.params = model, random_state, verbose, params
        self.titles = dict(titles) if titles else {}
        self._fitted = None

    def clone(self):
        """An unfitted predictor with the same settings (for cross-validation)."""
        return RatingPredictor(self.model, self.random_state, self.verbose, self.titles, **self.params)

    def _make(self):
        seed, verbose = self.random_state, self.verbose
        if self.model == "baseline":
            return BaselineModel(**{**BASELINE_DEFAULTS, **self.params})
        if self.model == "svd":
            return SGDModel(**{**SVD_DEFAULTS, **self.params}, random_state=seed, verbose=verbose)
        if self.model == "als":
            return ALSModel(**{**ALS_DEFAULTS, **self.params}, random_state=seed, verbose=verbose)
        svd = {**BLEND_SVD, **self.params.get("svd", {})}
        als = {**ALS_DEFAULTS, **self.params.get("als", {})}
        holdout = self.params.get("holdout", 0.0)
        unknown = set(self.params) - {"svd", "als", "holdout"}
        if unknown:
            raise TypeError(f"blend takes svd={{...}}, als={{...}} and holdout=, not {', '.join(sorted(unknown))}")
        members = [SGDModel(**svd, random_state=seed, verbose=verbose),
                   ALSModel(**als, random_state=None if seed is None else seed + 1, verbose=verbose)]
        return BlendModel(members, holdout=holdout, random_state=seed)

    # ---- fitting -------------------------------------------------------------------

    def fit(self, users, items, ratings):
        """Learns from parallel sequences of user ids, item ids and ratings."""
        users, items, ratings = _triples(users, items, ratings)
        self.user_ids, u = np.unique(users, return_inverse=True)
        self.item_ids, i = np.unique(items, return_inverse=True)
        self.scale = (float(ratings.min()), float(ratings.max()))
        model = self._make()
        model.fit(u.astype(np.int32), i.astype(np.int32), ratings.astype(np.float32),
                  len(self.user_ids), len(self.item_ids))
        self._fitted = model
        self._seen = None
        self._train = (u, i)
        self.item_counts = np.bincount(i, minlength=len(self.item_ids))
        return self

    @property
    def fitted(self):
        if self._fitted is None:
            raise RuntimeError("this RatingPredictor is not fitted yet: call fit(users, items, ratings) first")
        return self._fitted

    # ---- predictions ---------------------------------------------------------------

    def predict(self, users, items):
        """Predicted ratings for pairs (users[j], items[j]); one float for scalars."""
        model = self.fitted
        scalar = np.ndim(users) == 0 and np.ndim(items) == 0
        users, items = np.atleast_1d(np.asarray(users)), np.atleast_1d(np.asarray(items))
        if users.shape != items.shape or users.ndim != 1:
            raise ValueError(f"users and items must be 1-D of one length, got shapes {users.shape} and {items.shape}")
        out = model.predict(self._index(self.user_ids, users), self._index(self.item_ids, items))
        out = np.clip(out, *self.scale)
        return float(out[0]) if scalar else out

    def recommend(self, user, k=10, exclude_seen=True, min_ratings=0):
        """The k items with the highest predicted rating for user, best first, as
        Recommendations. A user not seen in training gets the items with the highest
        mu + b_i (the documented fallback). min_ratings leaves out items with fewer
        training ratings than that (a film rated 5 by its only viewer is a gamble)."""
        model = self.fitted
        k = _count(k, "k")
        min_ratings = _count(min_ratings, "min_ratings")
        row = self._index(self.user_ids, np.array([user]))[0]
        n_items = len(self.item_ids)
        # scores b_i + p_u . q_i as one dot product: [p_u, 1] . [q_i, b_i]
        catalog = np.hstack([model.Q if model.Q is not None else np.zeros((n_items, 0), np.float32),
                             model.bi[:, None]]).astype(np.float32)
        query = np.zeros(catalog.shape[1], dtype=np.float32)
        query[-1] = 1.0
        if row >= 0 and model.P is not None:
            query[:-1] = model.P[row]
        seen = self._seen_items(row) if (exclude_seen and row >= 0) else np.zeros(0, dtype=np.int64)
        if min_ratings > 0:
            seen = np.union1d(seen, np.flatnonzero(self.item_counts < min_ratings))
        want = min(n_items, k + len(seen))
        if want == 0:
            return []
        idx, _ = fastla.top_k(query, catalog, want, metric="dot")
        idx = idx[~np.isin(idx, seen)][:k]
        ratings = np.clip(model.predict(np.full(len(idx), row), idx), *self.scale)
        return [Recommendation(_plain(self.item_ids[j]), float(r), self.titles.get(_plain(self.item_ids[j])))
                for j, r in zip(idx, ratings)]

    def similar_items(self, item, k=10):
        """The k items whose factor vectors have the highest cosine with item's
        (the item itself left out). KeyError for an item not seen in training."""
        model = self.fitted
        k = _count(k, "k")
        row = self._index(self.item_ids, np.array([item]))[0]
        if row < 0:
            raise KeyError(f"item {item!r} was not in the training ratings")
        if model.Q is None or model.Q.shape[1] == 0:
            raise ValueError(f"the {self.model!r} model has no item factors to compare")
        want = min(len(self.item_ids), k + 1)
        idx, scores = fastla.top_k(model.Q[row], model.Q, want, metric="cosine")
        keep = idx != row
        return [SimilarItem(_plain(self.item_ids[j]), float(s), self.titles.get(_plain(self.item_ids[j])))
                for j, s in list(zip(idx[keep], scores[keep]))[:k]]

    # ---- helpers -------------------------------------------------------------------

    @staticmethod
    def _index(known, ids):
        """Rows of ids in the sorted array known; -1 where an id is not there."""
        if len(known) == 0:
            return np.full(len(ids), -1, dtype=np.int64)
        try:
            pos = np.searchsorted(known, ids)
        except TypeError:
            return np.full(len(ids), -1, dtype=np.int64)  # ids of another type: none known
        pos = np.minimum(pos, len(known) - 1)
        found = known[pos] == ids
        return np.where(found, pos, -1).astype(np.int64)

    def _seen_items(self, row):
        if self._seen is None:
            u, i = self._train
            order = np.argsort(u, kind="stable")
            bounds = np.searchsorted(u[order], np.arange(len(self.user_ids) + 1))
            self._seen = (i[order], bounds)
        items, bounds = self._seen
        return items[bounds[row]:bounds[row + 1]]


def _plain(value):
    """A NumPy scalar as the plain Python value it holds."""
    return value.item() if hasattr(value, "item") else value


def _count(k, name):
    import operator
    try:
        k = operator.index(k)
    except TypeError:
        raise TypeError(f"{name} must be an integer, got {k!r}") from None
    if k < 0:
        raise ValueError(f"{name} must be at least 0, got {k}")
    return k


def _triples(users, items, ratings):
    users, items = np.asarray(users), np.asarray(items)
    if users.size == 0 and items.size == 0 and np.size(ratings) == 0:
        raise ValueError("no ratings to learn from")
    if users.dtype.kind not in "iuUSO" or items.dtype.kind not in "iuUSO":
        raise TypeError(f"user and item ids must be integers or strings, got {users.dtype} and {items.dtype}")
    try:
        ratings = np.asarray(ratings, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError("ratings must be real numbers") from None
    if users.ndim != 1 or items.ndim != 1 or ratings.ndim != 1:
        raise ValueError(f"users, items and ratings must be 1-D, got shapes {users.shape}, {items.shape}, {ratings.shape}")
    if not len(users) == len(items) == len(ratings):
        raise ValueError(f"users, items and ratings have different lengths: {len(users)}, {len(items)}, {len(ratings)}")
    if len(ratings) == 0:
        raise ValueError("no ratings to learn from")
    if not np.all(np.isfinite(ratings)):
        bad = int(np.flatnonzero(~np.isfinite(ratings))[0])
        raise ValueError(f"ratings must be finite; rating {bad} is {ratings[bad]}")
    return _sortable(users, "user"), _sortable(items, "item"), ratings


def _sortable(ids, name):
    """Ids that np.unique can sort: Python objects (e.g. a list mixing str and int)
    must all be strings or all integers."""
    if ids.dtype.kind != "O":
        return ids
    kinds = {type(v) for v in ids.tolist()}
    if kinds <= {str}:
        return ids.astype(str)
    if all(issubclass(k, (int, np.integer)) and not issubclass(k, bool) for k in kinds):
        return ids.astype(np.int64)
    raise TypeError(f"{name} ids of mixed types ({', '.join(sorted(k.__name__ for k in kinds))}): "
                    "use all integers or all strings")
