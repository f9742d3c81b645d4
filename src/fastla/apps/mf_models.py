"""The factorisation models behind RatingPredictor, on dense ids.

Every model here works on users 0..n_users-1 and items 0..n_items-1 (int32) and
float32 ratings; RatingPredictor maps real ids to these. A model predicts

    r_ui ~ mu + b_u + b_i (+ p_u . q_i)

and an id of -1 (a user or item not seen in training) contributes nothing: the
prediction falls back to the biases that are known.

    BaselineModel   mu + regularised biases, by alternating closed-form updates
    SGDModel        biased matrix factorisation by stochastic gradient descent (C)
    ALSModel        the same model by alternating least squares (C, Cholesky per row)
    BlendModel      a least-squares blend of several models (the default)
"""

import time

import numpy as np

from fastla import _core


def _progress(verbose, total, description):
    """A rich progress bar over epochs when verbose, else a no-op stand-in."""
    if not verbose:
        return _NoProgress()
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("{task.fields[loss]}"), TimeElapsedColumn(), transient=False)
    bar.start()
    bar.task = bar.add_task(description, total=total, loss="")
    return bar


class _NoProgress:
    task = None

    def update(self, *args, **kwargs):
        pass

    def stop(self):
        pass


# Interrupts: each epoch (or ALS sweep) is one C call without the GIL; Ctrl-C is
# delivered when it returns, so a fit stops between epochs with KeyboardInterrupt.


class FactorModel:
    """Shared state and prediction for the biased model mu + b_u + b_i + p_u . q_i."""

    mu = 0.0
    bu = bi = P = Q = None

    def predict(self, users, items):
        users = np.asarray(users, dtype=np.int64)
        items = np.asarray(items, dtype=np.int64)
        known_u, known_i = users >= 0, items >= 0
        uu, ii = np.where(known_u, users, 0), np.where(known_i, items, 0)
        out = np.full(users.shape, self.mu, dtype=np.float64)
        out += np.where(known_u, self.bu[uu], 0.0)
        out += np.where(known_i, self.bi[ii], 0.0)
        if self.P is not None and self.P.shape[1]:
            both = known_u & known_i
            dots = np.einsum("ij,ij->i", self.P[uu[both]], self.Q[ii[both]], dtype=np.float64)
            out[both] += dots
        return out

    def _start(self, ratings, n_users, n_items, k):
        self.mu = float(np.mean(ratings, dtype=np.float64))
        self.bu = np.zeros(n_users, dtype=np.float32)
        self.bi = np.zeros(n_items, dtype=np.float32)
        rng = np.random.default_rng(self.random_state)
        self.P = (rng.standard_normal((n_users, k)) * self.init_std).astype(np.float32)
        self.Q = (rng.standard_normal((n_items, k)) * self.init_std).astype(np.float32)
        return rng


class BaselineModel(FactorModel):
    """mu + b_u + b_i with ridge penalties, by alternating exact updates:
        b_i = sum_u (r_ui - mu - b_u) / (reg_item + n_i)
        b_u = sum_i (r_ui - mu - b_i) / (reg_user + n_u)
    (the fixed point solves the normal equations of the penalised least squares)."""

    def __init__(self, reg_user=5.0, reg_item=5.0, n_iter=20, random_state=None, verbose=False):
        self.reg_user, self.reg_item, self.n_iter = reg_user, reg_item, n_iter
        self.random_state, self.verbose = random_state, verbose

    def fit(self, users, items, ratings, n_users, n_items):
        r = np.asarray(ratings, dtype=np.float64)
        self.mu = float(r.mean())
        nu = np.bincount(users, minlength=n_users)
        ni = np.bincount(items, minlength=n_items)
        bu = np.zeros(n_users)
        bi = np.zeros(n_items)
        for _ in range(self.n_iter):
            bi = np.bincount(items, r - self.mu - bu[users], minlength=n_items) / (self.reg_item + ni)
            bu = np.bincount(users, r - self.mu - bi[items], minlength=n_users) / (self.reg_user + nu)
        self.bu, self.bi = bu.astype(np.float32), bi.astype(np.float32)
        self.P = self.Q = None
        return self


class SGDModel(FactorModel):
    """Biased matrix factorisation by SGD (Funk; Koren, Bell & Volinsky 2009).

    Each epoch visits the ratings in a fresh random order and applies, for
    e = r_ui - prediction, the updates of csrc/apps/mf.h. The learning rate
    shrinks by lr_decay each epoch. With n_blocks > 1 the ratings are split into
    n_blocks x n_blocks strata (users and items in n_blocks contiguous groups) and
    the strata of one sub-epoch run on separate threads (DSGD); the result depends
    on n_blocks, not on the number of threads."""

    def __init__(self, n_factors=100, n_epochs=20, lr=0.005, lr_decay=1.0, reg_bias=0.02, reg_factor=0.02,
                 init_std=0.1, n_blocks=1, n_threads=0, shuffle=True, random_state=None, verbose=False):
        self.n_factors, self.n_epochs, self.lr, self.lr_decay = n_factors, n_epochs, lr, lr_decay
        self.reg_bias, self.reg_factor, self.init_std = reg_bias, reg_factor, init_std
        self.n_blocks, self.n_threads, self.shuffle = n_blocks, n_threads, shuffle
        self.random_state, self.verbose = random_state, verbose
        self.train_rmse = []

    def fit(self, users, items, ratings, n_users, n_items, block_start=None):
        """Fits on dense ids. block_start: the strata offsets when the ratings are
        already laid out in strata (then they are visited in stored order)."""
        users, items, ratings = _dense_arrays(users, items, ratings)
        rng = self._start(ratings, n_users, n_items, self.n_factors)
        n = len(ratings)
        if block_start is None and self.n_blocks > 1:
            users, items, ratings, block_start = stratify(users, items, ratings, n_users, n_items,
                                                         self.n_blocks, rng)
        self.train_rmse, self.epoch_seconds = [], []
        bar = _progress(self.verbose, self.n_epochs, "SGD epochs")
        lr = self.lr
        try:
            for epoch in range(self.n_epochs):
                start = time.perf_counter()
                order = None
                if self.shuffle and block_start is None:
                    order = rng.permutation(n).astype(np.int64, copy=False)
                sse = _core.mf_sgd_epoch(users, items, ratings, order, block_start, self.mu,
                                         self.bu, self.bi, self.P, self.Q, lr, self.reg_bias,
                                         self.reg_factor, self.n_threads)
                self.epoch_seconds.append(time.perf_counter() - start)
                self.train_rmse.append(float(np.sqrt(sse / max(n, 1))))
                bar.update(bar.task, advance=1, loss=f"train RMSE {self.train_rmse[-1]:.4f}")
                lr *= self.lr_decay
        finally:
            bar.stop()
        if not np.all(np.isfinite(self.P)) or not np.all(np.isfinite(self.Q)):
            raise FloatingPointError("SGD diverged (factors are not finite): lower the learning rate")
        return self


class ALSModel(FactorModel):
    """Biased matrix factorisation by alternating least squares (ALS-WR: Zhou et
    al. 2008). Each half-step solves, for every user (then every item), the
    regularised normal equations of mf.h exactly, with the other side fixed."""

    def __init__(self, n_factors=20, n_iter=15, reg_factor=0.1, reg_bias=0.1, init_std=0.1,
                 n_threads=0, random_state=None, verbose=False):
        self.n_factors, self.n_iter = n_factors, n_iter
        self.reg_factor, self.reg_bias, self.init_std = reg_factor, reg_bias, init_std
        self.n_threads, self.random_state, self.verbose = n_threads, random_state, verbose

    def fit(self, users, items, ratings, n_users, n_items):
        users, items, ratings = _dense_arrays(users, items, ratings)
        self._start(ratings, n_users, n_items, self.n_factors)
        by_user = csr(users, items, ratings, n_users)
        by_item = csr(items, users, ratings, n_items)
        bar = _progress(self.verbose, self.n_iter, "ALS sweeps")
        self.epoch_seconds = []
        try:
            for _ in range(self.n_iter):
                start = time.perf_counter()
                _core.mf_als_step(*by_user, self.mu, self.Q, self.bi, self.P, self.bu,
                                  self.reg_factor, self.reg_bias, self.n_threads)
                _core.mf_als_step(*by_item, self.mu, self.P, self.bu, self.Q, self.bi,
                                  self.reg_factor, self.reg_bias, self.n_threads)
                self.epoch_seconds.append(time.perf_counter() - start)
                bar.update(bar.task, advance=1)
        finally:
            bar.stop()
        return self


def _dense_arrays(users, items, ratings):
    return (np.ascontiguousarray(users, dtype=np.int32), np.ascontiguousarray(items, dtype=np.int32),
            np.ascontiguousarray(ratings, dtype=np.float32))


def csr(rows, cols, values, n_rows):
    """(indptr int64, cols int32, values float32): the ratings grouped by row."""
    order = np.argsort(rows, kind="stable")
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n_rows), out=indptr[1:])
    return indptr, np.ascontiguousarray(cols[order], dtype=np.int32), np.ascontiguousarray(values[order], dtype=np.float32)


def group_of(ids, n, n_blocks):
    """The stratum group of each id: n ids in n_blocks contiguous, near-equal ranges."""
    return (np.asarray(ids, dtype=np.int64) * n_blocks) // max(n, 1)


def stratify(users, items, ratings, n_users, n_items, n_blocks, rng):
    """The ratings in random order, then grouped by stratum (user group, item group):
    (users, items, ratings, block_start) for SGDModel's parallel epochs."""
    shuffle = rng.permutation(len(ratings))
    stratum = group_of(users[shuffle], n_users, n_blocks) * n_blocks + group_of(items[shuffle], n_items, n_blocks)
    order = shuffle[np.argsort(stratum, kind="stable")]
    block_start = np.zeros(n_blocks * n_blocks + 1, dtype=np.int64)
    np.cumsum(np.bincount(stratum, minlength=n_blocks * n_blocks), out=block_start[1:])
    return users[order], items[order], ratings[order], block_start


class BlendModel(FactorModel):
    """A linear blend of several models: prediction = c + sum_m w_m pred_m.

    The weights are fitted on the training ratings only: the members are first
    fitted on a random (1 - holdout) part, (c, w) is the least-squares fit of the
    held-out ratings on their predictions, then the members are fitted again on
    all the ratings. Because every member is of the form mu + b_u + b_i + p_u.q_i,
    the blend is one such model too (mu = c + sum w_m mu_m, b = sum w_m b_m,
    p_u = [w_1 p_u^1, w_2 p_u^2, ...], q_i = [q_i^1, q_i^2, ...]), which is what it
    keeps: predict, recommend and similar_items need nothing else. With holdout=0
    the weights are equal (a plain average) and each member is fitted once."""

    def __init__(self, members, holdout=0.1, random_state=None, verbose=False):
        self.members, self.holdout = list(members), holdout
        self.random_state, self.verbose = random_state, verbose
        self.weights = None

    def fit(self, users, items, ratings, n_users, n_items):
        users, items, ratings = _dense_arrays(users, items, ratings)
        n = len(ratings)
        if self.holdout > 0 and n >= 20:
            rng = np.random.default_rng(self.random_state)
            held = np.zeros(n, dtype=bool)
            held[rng.permutation(n)[:max(1, int(round(self.holdout * n)))]] = True
            fit_part = ~held
            preds = []
            for m in self.members:
                m.fit(users[fit_part], items[fit_part], ratings[fit_part], n_users, n_items)
                preds.append(m.predict(users[held], items[held]))
            X = np.column_stack([np.ones(held.sum())] + preds)
            coef, *_ = np.linalg.lstsq(X, ratings[held].astype(np.float64), rcond=None)
            intercept, weights = float(coef[0]), coef[1:]
        else:
            intercept, weights = 0.0, np.full(len(self.members), 1.0 / len(self.members))
        self._fit_members(users, items, ratings, n_users, n_items)
        self.weights, self.intercept = weights, intercept
        self._combine(n_users, n_items)
        return self

    def _fit_members(self, users, items, ratings, n_users, n_items):
        """Fits every member on all the ratings. The members are independent and their
        kernels release the GIL, so with two or more threads allowed (and no progress
        bars to interleave) they are fitted at once, one Python thread each; each has
        its own random generator, so the result is the same either way."""
        fit = lambda m: m.fit(users, items, ratings, n_users, n_items)  # noqa: E731
        parallel = _core.get_num_threads() > 1 and not any(getattr(m, "verbose", False) for m in self.members)
        if not parallel or len(self.members) < 2:
            for m in self.members:
                fit(m)
            return
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=min(len(self.members), _core.get_num_threads())) as pool:
            for future in [pool.submit(fit, m) for m in self.members]:
                future.result()  # re-raises a member's error here

    def _combine(self, n_users, n_items):
        w = self.weights
        self.mu = self.intercept + sum(wm * m.mu for wm, m in zip(w, self.members))
        self.bu = sum(wm * m.bu.astype(np.float64) for wm, m in zip(w, self.members)).astype(np.float32)
        self.bi = sum(wm * m.bi.astype(np.float64) for wm, m in zip(w, self.members)).astype(np.float32)
        with_factors = [(wm, m) for wm, m in zip(w, self.members) if m.P is not None]
        self.P = np.hstack([np.zeros((n_users, 0), np.float32)] + [(wm * m.P).astype(np.float32) for wm, m in with_factors])
        self.Q = np.hstack([np.zeros((n_items, 0), np.float32)] + [m.Q for _, m in with_factors])
