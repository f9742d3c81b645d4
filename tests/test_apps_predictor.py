"""The rating predictor (fastla.apps.predictor), its models and kernels
(fastla.apps.mf_models, csrc/apps/mf.c), its evaluation helpers and the MovieLens
loader.

The C kernels are checked against fastla.naive.mf, which does the same updates in
the same order in plain Python; the bias model against the exact solution of its
normal equations; the factor models by recovering a planted low-rank model; the
loader on the same 30 ratings stored in each MovieLens layout (tests/data/movielens)."""

import gzip
import shutil
from pathlib import Path

import numpy as np
import pytest

import fastla.naive.mf as naive_mf
from fastla import _core, cli
from fastla.apps import evaluation
from fastla.apps.mf_models import ALSModel, BaselineModel, BlendModel, SGDModel, csr, stratify
from fastla.apps.predictor import RatingPredictor
from fastla.datasets.movielens import MovieLensError, load_movielens

DATA = Path(__file__).parent / "data" / "movielens"
LAYOUTS = ["ml-100k", "ml-1m", "ml-latest"]


def small_problem(rng, n_users=7, n_items=6, k=3, n=40):
    users = rng.integers(0, n_users, n).astype(np.int32)
    items = rng.integers(0, n_items, n).astype(np.int32)
    ratings = rng.integers(1, 6, n).astype(np.float32)
    P = (rng.standard_normal((n_users, k)) * 0.3).astype(np.float32)
    Q = (rng.standard_normal((n_items, k)) * 0.3).astype(np.float32)
    bu = (rng.standard_normal(n_users) * 0.1).astype(np.float32)
    bi = (rng.standard_normal(n_items) * 0.1).astype(np.float32)
    return users, items, ratings, bu, bi, P, Q


def planted(rng, n_users=300, n_items=200, rank=3, density=0.3, noise=0.1):
    """Ratings from mu + b_u + b_i + p_u . q_i + noise on a random density share of the pairs."""
    P = rng.standard_normal((n_users, rank)) * 0.7
    Q = rng.standard_normal((n_items, rank)) * 0.7
    bu, bi = rng.standard_normal(n_users) * 0.3, rng.standard_normal(n_items) * 0.3
    mask = rng.random((n_users, n_items)) < density
    users, items = np.nonzero(mask)
    clean = 3.0 + bu[users] + bi[items] + np.einsum("ij,ij->i", P[users], Q[items])
    return users, items, clean + noise * rng.standard_normal(len(users)), clean


# ---- the SGD kernel ------------------------------------------------------------------

@pytest.mark.parametrize("shuffled", [False, True])
def test_sgd_epoch_matches_naive(rng, shuffled):
    users, items, ratings, bu, bi, P, Q = small_problem(rng)
    order = rng.permutation(len(ratings)).astype(np.int64) if shuffled else None
    mu, lr, rb, rf = 3.1, 0.05, 0.02, 0.04
    want = naive_mf.sgd_epoch(users, items, ratings, mu, bu, bi, P, Q, lr, rb, rf, order=order)
    sse = _core.mf_sgd_epoch(users, items, ratings, order, None, mu, bu, bi, P, Q, lr, rb, rf)
    for got, expected in zip((bu, bi, P, Q), want[:4]):
        np.testing.assert_allclose(got, np.array(expected), rtol=1e-5, atol=1e-6)
    assert sse == pytest.approx(want[4], rel=1e-5)


def test_sgd_strata_match_naive_and_do_not_depend_on_threads(rng):
    n_users, n_items = 9, 8
    users, items, ratings, bu, bi, P, Q = small_problem(rng, n_users, n_items, k=4, n=60)
    u2, i2, r2, starts = stratify(users, items, ratings, n_users, n_items, 3, rng)
    groups_u = (u2.astype(np.int64) * 3) // n_users
    groups_i = (i2.astype(np.int64) * 3) // n_items
    for s in range(9):  # each stratum holds only its user group and item group
        sl = slice(starts[s], starts[s + 1])
        assert np.all(groups_u[sl] == s // 3) and np.all(groups_i[sl] == s % 3)
    want = naive_mf.sgd_epoch(u2, i2, r2, 3.0, bu, bi, P, Q, 0.05, 0.02, 0.04, block_start=starts)
    results = []
    for nthreads in (1, 2, 3):
        state = [a.copy() for a in (bu, bi, P, Q)]
        _core.mf_sgd_epoch(u2, i2, r2, None, starts, 3.0, *state, 0.05, 0.02, 0.04, nthreads)
        results.append(state)
    for got, expected in zip(results[0], want[:4]):
        np.testing.assert_allclose(got, np.array(expected), rtol=1e-5, atol=1e-6)
    for other in results[1:]:
        for a, b in zip(results[0], other):
            np.testing.assert_array_equal(a, b)


def test_sgd_epoch_rejects_bad_ids_and_offsets(rng):
    users, items, ratings, bu, bi, P, Q = small_problem(rng)
    bad = users.copy()
    bad[3] = 99
    with pytest.raises(ValueError, match="out of range"):
        _core.mf_sgd_epoch(bad, items, ratings, None, None, 3.0, bu, bi, P, Q, 0.01, 0.02, 0.02)
    with pytest.raises(ValueError, match="out of range|inconsistent"):
        starts = np.array([0, 5, 3, 30, len(ratings)], dtype=np.int64)
        _core.mf_sgd_epoch(users, items, ratings, None, starts, 3.0, bu, bi, P, Q, 0.01, 0.02, 0.02)
    with pytest.raises(TypeError, match="int32"):
        _core.mf_sgd_epoch(users.astype(np.int64), items, ratings, None, None, 3.0, bu, bi, P, Q, 0.01, 0.02, 0.02)
    with pytest.raises(ValueError, match="lengths"):
        _core.mf_sgd_epoch(users[:-1], items, ratings, None, None, 3.0, bu, bi, P, Q, 0.01, 0.02, 0.02)


# ---- the ALS kernel ------------------------------------------------------------------

@pytest.mark.parametrize("with_bias", [True, False])
def test_als_step_matches_naive(rng, with_bias):
    users, items, ratings, bu, bi, P, Q = small_problem(rng, n_users=8, n_items=6, k=3, n=50)
    users[users == 5] = 4  # user 5 has no ratings: it must get zeros
    indptr, cols, vals = csr(users, items, ratings, len(bu))
    x_bias = bu.copy() if with_bias else None
    X = P.copy()
    want_X, want_b = naive_mf.als_step(indptr, cols, vals, 3.2, Q, bi, X, x_bias, 0.1, 0.05)
    _core.mf_als_step(indptr, cols, vals, 3.2, Q, bi, X, x_bias, 0.1, 0.05)
    np.testing.assert_allclose(X, np.array(want_X), rtol=1e-5, atol=1e-6)
    assert np.all(X[5] == 0)
    if with_bias:
        np.testing.assert_allclose(x_bias, np.array(want_b), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("with_bias", [True, False])
def test_als_step_rows_with_few_ratings(rng, with_bias):
    """Rows with fewer ratings than unknowns take the kernel's n x n (dual) route,
    the others the (k+1) x (k+1) one: both must match the naive twin's normal equations."""
    k, n_users, n_items = 8, 12, 30
    counts = np.arange(1, n_users + 1) * 2  # 2 .. 24 ratings: both sides of k + 1
    users = np.repeat(np.arange(n_users), counts).astype(np.int32)
    items = rng.integers(0, n_items, len(users)).astype(np.int32)
    ratings = rng.integers(1, 6, len(users)).astype(np.float32)
    Q = (rng.standard_normal((n_items, k)) * 0.3).astype(np.float32)
    bi = (rng.standard_normal(n_items) * 0.1).astype(np.float32)
    X = (rng.standard_normal((n_users, k)) * 0.3).astype(np.float32)
    x_bias = np.zeros(n_users, np.float32) if with_bias else None
    indptr, cols, vals = csr(users, items, ratings, n_users)
    want_X, want_b = naive_mf.als_step(indptr, cols, vals, 3.1, Q, bi, X, x_bias, 0.15, 0.05)
    _core.mf_als_step(indptr, cols, vals, 3.1, Q, bi, X, x_bias, 0.15, 0.05)
    np.testing.assert_allclose(X, np.array(want_X), rtol=1e-4, atol=1e-6)
    if with_bias:
        np.testing.assert_allclose(x_bias, np.array(want_b), rtol=1e-4, atol=1e-6)


def test_als_step_solves_the_normal_equations(rng):
    users, items, ratings, bu, bi, P, Q = small_problem(rng, n_users=5, n_items=9, k=4, n=60)
    indptr, cols, vals = csr(users, items, ratings, 5)
    X, xb = P.copy(), bu.copy()
    _core.mf_als_step(indptr, cols, vals, 3.0, Q, bi, X, xb, 0.2, 0.1, 2)
    for u in range(5):
        sl = slice(indptr[u], indptr[u + 1])
        Z = np.hstack([Q[cols[sl]].astype(np.float64), np.ones((sl.stop - sl.start, 1))])
        t = vals[sl] - 3.0 - bi[cols[sl]]
        n = len(t)
        A = Z.T @ Z + n * np.diag([0.2] * 4 + [0.1])
        np.testing.assert_allclose(np.append(X[u], xb[u]), np.linalg.solve(A, Z.T @ t), rtol=1e-4, atol=1e-5)


def test_als_step_reports_a_singular_system(rng):
    users, items, ratings, bu, bi, P, Q = small_problem(rng)
    indptr, cols, vals = csr(users, items, ratings, len(bu))
    with pytest.raises(np.linalg.LinAlgError, match="not positive definite"):
        _core.mf_als_step(indptr, cols, vals, 3.0, np.zeros_like(Q), bi, P, bu, 0.0, 0.0)


def test_cholesky_solve(rng):
    B = rng.standard_normal((6, 6))
    A = B @ B.T + 6 * np.eye(6)
    b = rng.standard_normal(6)
    np.testing.assert_allclose(_core.mf_cholesky_solve(A, b), np.linalg.solve(A, b), rtol=1e-12)
    np.testing.assert_allclose(naive_mf.cholesky_solve(A, b), np.linalg.solve(A, b), rtol=1e-12)
    indefinite = np.diag([1.0, -1.0, 2.0])
    with pytest.raises(np.linalg.LinAlgError):
        _core.mf_cholesky_solve(indefinite, np.ones(3))
    with pytest.raises(ValueError, match="not positive definite"):
        naive_mf.cholesky_solve(indefinite, [1.0, 1.0, 1.0])


# ---- the models ----------------------------------------------------------------------

def test_baseline_is_the_exact_ridge_solution(rng):
    n_users, n_items = 12, 9
    users, items, ratings, *_ = small_problem(rng, n_users, n_items, n=70)
    model = BaselineModel(reg_user=3.0, reg_item=2.0, n_iter=500).fit(users, items, ratings, n_users, n_items)
    # minimise sum (r - mu - b_u - b_i)^2 + 3 |b_u|^2 + 2 |b_i|^2 as one linear least-squares problem
    mu = ratings.mean(dtype=np.float64)
    Z = np.zeros((len(ratings), n_users + n_items))
    Z[np.arange(len(ratings)), users] = 1
    Z[np.arange(len(ratings)), n_users + items] = 1
    D = np.diag([3.0] * n_users + [2.0] * n_items)
    exact = np.linalg.solve(Z.T @ Z + D, Z.T @ (ratings - mu))
    np.testing.assert_allclose(model.bu, exact[:n_users], atol=1e-5)
    np.testing.assert_allclose(model.bi, exact[n_users:], atol=1e-5)


@pytest.mark.parametrize("model", ["svd", "als"])
def test_recovers_a_planted_low_rank_model(rng, model):
    users, items, ratings, clean = planted(rng)
    fold = evaluation.fold_ids(len(ratings), 5, random_state=1)
    train, test = fold != 0, fold == 0
    params = {"svd": dict(n_factors=3, n_epochs=60, lr=0.01, reg_factor=0.01, reg_bias=0.01),
              "als": dict(n_factors=3, n_iter=15, reg_factor=0.01, reg_bias=0.01)}[model]
    p = RatingPredictor(model, random_state=3, **params).fit(users[train], items[train], ratings[train])
    got = p.predict(users[test], items[test])
    # the noise is 0.1: the exact model is 0.1 RMSE from the noisy ratings and 0 from the clean ones
    assert evaluation.rmse(clean[test], got) < 0.08
    assert evaluation.rmse(ratings[test], got) < 0.14
    baseline = RatingPredictor("baseline").fit(users[train], items[train], ratings[train])
    assert evaluation.rmse(ratings[test], baseline.predict(users[test], items[test])) > 0.5  # factors matter here


@pytest.mark.parametrize("holdout", [0.0, 0.2])
def test_blend_is_one_factor_model_of_its_members(rng, holdout):
    users, items, ratings, _ = planted(rng, 80, 60)
    members = [SGDModel(n_factors=3, n_epochs=10, random_state=1), ALSModel(n_factors=2, n_iter=4, random_state=2)]
    blend = BlendModel(members, holdout=holdout, random_state=4).fit(users, items, ratings, 80, 60)
    u, i = users[:100], items[:100]
    by_members = blend.intercept + sum(w * m.predict(u, i) for w, m in zip(blend.weights, members))
    np.testing.assert_allclose(blend.predict(u, i), by_members, rtol=1e-5)
    if holdout == 0.0:
        np.testing.assert_array_equal(blend.weights, [0.5, 0.5])


@pytest.mark.parametrize("model", ["svd", "als", "blend"])
def test_same_seed_same_model(rng, model):
    users, items, ratings, _ = planted(rng, 60, 40)
    a = RatingPredictor(model, random_state=5).fit(users, items, ratings).predict(users[:50], items[:50])
    b = RatingPredictor(model, random_state=5).fit(users, items, ratings).predict(users[:50], items[:50])
    np.testing.assert_array_equal(a, b)


def test_parallel_sgd_does_not_depend_on_threads(rng):
    users, items, ratings, _ = planted(rng, 80, 60)
    fits = [SGDModel(n_factors=4, n_epochs=5, n_blocks=2, n_threads=t, random_state=1)
            .fit(users, items, ratings, 80, 60) for t in (1, 2)]
    np.testing.assert_array_equal(fits[0].P, fits[1].P)
    np.testing.assert_array_equal(fits[0].bi, fits[1].bi)


def test_als_does_not_depend_on_threads(rng):
    users, items, ratings, _ = planted(rng, 600, 300, density=0.2)
    fits = [ALSModel(n_factors=5, n_iter=3, n_threads=t, random_state=1).fit(users, items, ratings, 600, 300)
            for t in (1, 2)]
    np.testing.assert_array_equal(fits[0].P, fits[1].P)
    np.testing.assert_array_equal(fits[0].bu, fits[1].bu)


def test_blend_members_fitted_at_once_give_the_same_model(rng, threads):
    import fastla

    users, items, ratings, _ = planted(rng, 80, 60)
    fits = []
    for n in (1, 2):  # 2 threads: the members are fitted in parallel Python threads
        fastla.set_num_threads(n)
        fits.append(RatingPredictor(random_state=4, svd=dict(n_epochs=5), als=dict(n_iter=3))
                    .fit(users, items, ratings).predict(users[:200], items[:200]))
    np.testing.assert_array_equal(fits[0], fits[1])


def test_verbose_fit_shows_a_progress_bar(rng, capsys):
    users, items, ratings, _ = planted(rng, 30, 20)
    SGDModel(n_factors=2, n_epochs=3, verbose=True, random_state=0).fit(users, items, ratings, 30, 20)
    assert "SGD epochs" in capsys.readouterr().out


# ---- the predictor -------------------------------------------------------------------

@pytest.fixture(scope="module")
def fitted():
    rng = np.random.default_rng(11)
    users, items, ratings, _ = planted(rng, 50, 40, density=0.4)
    names = np.array([f"user-{u}" for u in users])
    p = RatingPredictor("svd", random_state=0, n_factors=4, n_epochs=20).fit(names, items, ratings)
    return p, names, items, ratings


def test_unknown_ids_fall_back_to_biases(fitted):
    p, names, items, ratings = fitted
    m = p.fitted
    j = int(np.flatnonzero(p.item_ids == items[0])[0])
    assert p.predict("nobody", items[0]) == pytest.approx(np.clip(m.mu + m.bi[j], *p.scale), rel=1e-6)
    u = int(np.flatnonzero(p.user_ids == names[0])[0])
    assert p.predict(names[0], -12345) == pytest.approx(np.clip(m.mu + m.bu[u], *p.scale), rel=1e-6)
    assert p.predict("nobody", -12345) == pytest.approx(np.clip(m.mu, *p.scale))
    assert p.predict(7, items[0]) == p.predict("nobody", items[0])  # an id of another type is unknown too


def test_predictions_stay_on_the_training_scale(fitted):
    p, names, items, ratings = fitted
    grid_u, grid_i = np.meshgrid(p.user_ids, p.item_ids)
    got = p.predict(grid_u.ravel(), grid_i.ravel())
    assert got.min() >= ratings.min() and got.max() <= ratings.max()


def test_recommend_is_the_best_unseen_by_brute_force(fitted):
    p, names, items, ratings = fitted
    user = names[0]
    seen = set(items[names == user].tolist())
    recs = p.recommend(user, k=5)
    unseen = [i for i in p.item_ids.tolist() if i not in seen]
    m = p.fitted
    row = int(np.flatnonzero(p.user_ids == user)[0])
    raw = m.predict(np.full(len(unseen), row), np.searchsorted(p.item_ids, unseen))
    best = [unseen[j] for j in np.argsort(-raw, kind="stable")[:5]]
    assert [r.item for r in recs] == best
    assert not seen & {r.item for r in recs}
    np.testing.assert_allclose([r.rating for r in recs], p.predict([user] * 5, best), rtol=1e-6)
    assert len(p.recommend(user, k=5, exclude_seen=False)) == 5
    cut = int(np.median(p.item_counts))
    rare = set(p.item_ids[p.item_counts < cut].tolist())
    assert rare and not rare & {r.item for r in p.recommend(user, k=10, min_ratings=cut)}
    newcomer = p.recommend("nobody", k=3)
    assert [r.item for r in newcomer] == [p.item_ids[j] for j in np.argsort(-m.bi, kind="stable")[:3]]


def test_similar_items_by_cosine_of_factors(fitted):
    p, *_ = fitted
    item = p.item_ids[3]
    Q = p.fitted.Q.astype(np.float64)
    cos = Q @ Q[3] / (np.linalg.norm(Q, axis=1) * np.linalg.norm(Q[3]))
    cos[3] = -np.inf
    want = np.argsort(-cos, kind="stable")[:4]
    got = p.similar_items(item, k=4)
    assert [s.item for s in got] == p.item_ids[want].tolist()
    np.testing.assert_allclose([s.similarity for s in got], cos[want], rtol=1e-5)
    with pytest.raises(KeyError, match="not in the training"):
        p.similar_items(-5)


@pytest.mark.parametrize("users, items, ratings, error, message", [
    ([1, 2], [1], [3.0, 4.0], ValueError, "different lengths"),
    ([1, 2], [1, 2], [3.0, np.nan], ValueError, "finite"),
    ([], [], [], ValueError, "no ratings"),
    ([1.5, 2.0], [1, 2], [3.0, 4.0], TypeError, "integers or strings"),
    ([1, 2], [1, 2], ["a", "b"], TypeError, "real numbers"),
    (np.array([1, "a"], dtype=object), [1, 2], [3.0, 4.0], TypeError, "mixed types"),
])
def test_bad_input(users, items, ratings, error, message):
    with pytest.raises(error, match=message):
        RatingPredictor("baseline").fit(users, items, ratings)


def test_misuse():
    with pytest.raises(ValueError, match="unknown model"):
        RatingPredictor("knn")
    with pytest.raises(RuntimeError, match="not fitted"):
        RatingPredictor().predict([1], [2])
    p = RatingPredictor("baseline").fit([1, 2, 2], [1, 1, 2], [3.0, 4.0, 5.0])
    with pytest.raises(ValueError, match="1-D of one length"):
        p.predict([1, 2], [1])
    with pytest.raises(ValueError, match="at least 0"):
        p.recommend(1, k=-1)
    with pytest.raises(ValueError, match="no item factors"):
        p.similar_items(1)


def test_sgd_divergence_is_reported(rng):
    users, items, ratings, _ = planted(rng, 30, 20)
    with pytest.raises(FloatingPointError, match="learning rate"):
        RatingPredictor("svd", lr=50.0, n_epochs=5, random_state=0).fit(users, items, ratings * 100)


# ---- evaluation ------------------------------------------------------------------------

def test_cross_validate_uses_each_rating_once(rng):
    users, items, ratings, _ = planted(rng, 40, 30)
    fold = evaluation.fold_ids(len(ratings), 5, random_state=2)
    sizes = np.bincount(fold)
    assert len(sizes) == 5 and sizes.max() - sizes.min() <= 1
    result = evaluation.cross_validate(RatingPredictor("baseline"), users, items, ratings, folds=5, random_state=2)
    for f in range(5):  # the same numbers as by hand
        train, test = fold != f, fold == f
        pred = RatingPredictor("baseline").fit(users[train], items[train], ratings[train]).predict(users[test], items[test])
        assert result.rmse[f] == pytest.approx(np.sqrt(np.mean((pred - ratings[test]) ** 2)))
        assert result.mae[f] == pytest.approx(np.mean(np.abs(pred - ratings[test])))
    assert "mean" in result.table()


def test_train_test_split_partitions(rng):
    users, items, ratings, _ = planted(rng, 20, 20)
    (u1, i1, r1), (u2, i2, r2) = evaluation.train_test_split(users, items, ratings, test_size=0.25, random_state=0)
    assert len(r2) == round(0.25 * len(ratings)) and len(r1) + len(r2) == len(ratings)
    pairs = set(zip(u1.tolist(), i1.tolist())) | set(zip(u2.tolist(), i2.tolist()))
    assert pairs == set(zip(users.tolist(), items.tolist()))
    with pytest.raises(ValueError, match="test_size"):
        evaluation.train_test_split(users, items, ratings, test_size=1.5)


def test_ranking_metrics_against_scikit_learn():
    metrics = pytest.importorskip("sklearn.metrics")
    catalogue = list(range(12))
    recommended = [5, 2, 9, 0, 7, 3, 11, 1]
    relevant = {2, 3, 4, 8}
    assert evaluation.precision_at_k(recommended, relevant, 4) == sum(i in relevant for i in recommended[:4]) / 4
    truth = np.array([[1.0 if i in relevant else 0.0 for i in catalogue]])
    scores = np.zeros((1, 12))
    for rank, item in enumerate(recommended):
        scores[0, item] = len(recommended) - rank
    for k in (1, 3, 5, 8):
        assert evaluation.ndcg_at_k(recommended, relevant, k) == pytest.approx(metrics.ndcg_score(truth, scores, k=k))
    assert evaluation.ndcg_at_k([4, 8, 2, 3], relevant, 4) == pytest.approx(1.0)
    assert evaluation.ndcg_at_k([0, 1], relevant, 2) == 0.0


# ---- the MovieLens loader ------------------------------------------------------------------

@pytest.mark.parametrize("layout", LAYOUTS)
def test_loader_reads_each_layout(layout):
    data = load_movielens(DATA / layout)
    reference = np.loadtxt(DATA / "ml-100k" / "u.data", dtype=np.int64)
    assert len(data) == len(reference)
    np.testing.assert_array_equal(data.users, reference[:, 0])
    np.testing.assert_array_equal(data.items, reference[:, 1])
    np.testing.assert_array_equal(data.timestamps, reference[:, 3])
    expected = reference[:, 2].astype(np.float32)
    if layout == "ml-latest":  # this copy has half stars on odd items
        expected = np.where(reference[:, 1] % 2 == 1, expected - 0.5, expected)
    np.testing.assert_array_equal(data.ratings, expected)
    assert data.titles[1] == "Toy Story (1995)"
    assert data.titles[6].startswith("Shanghai Triad")
    assert data.ratings.dtype == np.float32


def test_loader_reads_gzip_and_single_files(tmp_path):
    src = DATA / "ml-latest"
    for name in ("ratings.csv", "movies.csv"):
        with open(src / name, "rb") as f, gzip.open(tmp_path / (name + ".gz"), "wb") as g:
            shutil.copyfileobj(f, g)
    a, b = load_movielens(tmp_path), load_movielens(src / "ratings.csv")
    np.testing.assert_array_equal(a.ratings, b.ratings)
    assert a.titles == b.titles and "Shanghai Triad, the" in a.titles[6]


def test_loader_errors(tmp_path):
    with pytest.raises(MovieLensError, match="no ratings file"):
        load_movielens(tmp_path)
    (tmp_path / "ratings.csv").write_text("user,item\n1,2\n")
    with pytest.raises(MovieLensError, match="header"):
        load_movielens(tmp_path)
    (tmp_path / "ratings.csv").write_text("userId,movieId,rating,timestamp\n1,2,x,4\n")
    with pytest.raises(MovieLensError, match="not a MovieLens"):
        load_movielens(tmp_path)
    with pytest.raises(FileNotFoundError):
        load_movielens(tmp_path / "nothing.dat")


def test_bundled_demo():
    import fastla.datasets

    assert fastla.datasets.load_movielens is load_movielens
    data = fastla.datasets.load_movielens_demo()
    assert len(data) == 100_836 and len(np.unique(data.users)) == 610
    assert data.ratings.min() == 0.5 and data.ratings.max() == 5.0
    assert data.titles[1] == "Toy Story (1995)"


# ---- the command line ------------------------------------------------------------------------

def test_cli_predict_recommends_with_titles(capsys):
    assert cli.main(["predict", "--data", str(DATA / "ml-latest"), "--user", "1", "-k", "2", "--model", "als"]) == 0
    out = capsys.readouterr().out
    assert "(1995)" in out and "user 1" in out


def test_cli_predict_evaluate(capsys):
    assert cli.main(["predict", "--data", str(DATA / "ml-1m"), "--evaluate", "--folds", "3", "--model", "baseline"]) == 0
    out = capsys.readouterr().out
    assert "RMSE" in out and "mean" in out


def test_cli_predict_unknown_user(capsys):
    assert cli.main(["predict", "--data", str(DATA / "ml-100k"), "--user", "999"]) == 2
    assert "999" in capsys.readouterr().err


def test_netflix_synth_writes_strata_in_chunks(tmp_path):
    from fastla.datasets import netflix_synth

    netflix_synth.generate(tmp_path, n_ratings=5_000, n_users=300, n_items=120, rank=3, n_blocks=2,
                           n_test=500, chunk=700, seed=1)
    users, items, ratings, starts, meta = netflix_synth.load(tmp_path)
    assert isinstance(users, np.memmap) and users.dtype == np.int32 and ratings.dtype == np.float32
    assert len(ratings) == 5_000 and starts[0] == 0 and starts[-1] == 5_000
    assert set(np.unique(ratings).tolist()) <= {1.0, 2.0, 3.0, 4.0, 5.0}
    for s in range(4):  # each stratum holds only its user group and item group
        sl = slice(starts[s], starts[s + 1])
        assert np.all((users[sl].astype(np.int64) * 2) // 300 == s // 2)
        assert np.all((items[sl].astype(np.int64) * 2) // 120 == s % 2)
    model = SGDModel(n_factors=3, n_epochs=10, lr=0.01, n_threads=2, random_state=0)
    model.fit(users, items, ratings, 300, 120, block_start=starts)
    assert model.train_rmse[-1] < model.train_rmse[0]
