"""The benchmark cases: one registry for `fastla demo`, `fastla bench` and
benchmarks/ (pytest-benchmark).

A case builds its inputs once and offers one callable per implementation:
"naive" (fastla.naive), "numpy", "fastla", and the peers a user would pick
instead when they are installed (faiss). Ratios are taken between
implementations timed side by side in the same process."""

import functools
import statistics
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

import fastla
import fastla.naive as naive


@dataclass
class Case:
    family: str
    name: str
    build: Callable[[], dict]                # makes the inputs, once
    impls: dict = field(default_factory=dict)  # implementation -> fn(inputs)
    quick: bool = True                       # small enough for the demo and --quick
    flops: float = 0.0                       # floating-point operations per call, for GFLOP/s
    impl_flops: dict = field(default_factory=dict)  # an implementation run at another size
    values: dict = field(default_factory=dict)  # impl -> fn(result): the numbers to compare (tests)

    @functools.cached_property
    def inputs(self):
        return self.build()

    def run(self, impl):
        return self.impls[impl](self.inputs)

    def value(self, impl, result):
        """What an implementation's result is compared on (the result itself by default)."""
        return self.values.get(impl, self.values.get("*", lambda r: r))(result)

    def gflops(self, impl, seconds):
        flops = self.impl_flops.get(impl, self.flops)
        return flops / seconds / 1e9 if flops else None


def time_interleaved(fns, min_time=0.2, min_runs=3, max_runs=1000, burst=0.25, settle=0.15):
    """Median seconds per call of each function in `fns` (name -> callable).

    The functions take turns, so that a slow spell of a shared machine slows
    every implementation alike and the ratios stay fair. A turn is a burst of
    calls lasting about `burst` seconds: a library whose idle threads spin for
    a while after each call (OpenBLAS's yield for up to about 0.1 s) then
    slows only the first calls of the next burst, which the median discards;
    and between bursts the machine rests `settle` seconds, so that such threads
    are asleep before the next one starts.
    Each runs at least min_runs times and until it has used about min_time."""
    burst, settle = min(burst, min_time), min(settle, min_time)
    for fn in fns.values():
        fn()  # warm up: first-touch pages, thread start
    samples = {name: [] for name in fns}
    while True:
        active = [n for n, ts in samples.items()
                  if len(ts) < min_runs or (sum(ts) < min_time and len(ts) < max_runs)]
        if not active:
            return {name: statistics.median(ts) for name, ts in samples.items()}
        for name in active:
            if len(fns) > 1:
                time.sleep(settle)
            start = time.perf_counter()
            while True:
                t0 = time.perf_counter()
                fns[name]()
                t1 = time.perf_counter()
                samples[name].append(t1 - t0)
                if t1 - start >= burst or len(samples[name]) >= max_runs:
                    break


def _faiss():
    try:
        import faiss
    except ImportError:
        return None
    faiss.omp_set_num_threads(fastla.get_num_threads())
    faiss.cvar.distance_compute_blas_threshold = 20  # BLAS from 20 queries up: its fast path
    return faiss


def _numpy_top_k(Q, C, k):
    """The usual NumPy way: all scores, argpartition, then sort the k."""
    S = Q @ C.T
    part = np.argpartition(-S, k - 1, axis=1)[:, :k]
    order = np.argsort(-np.take_along_axis(S, part, axis=1), axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1)


def _dot_case(n):
    def build():
        rng = np.random.default_rng(0)
        x, y = rng.standard_normal(n), rng.standard_normal(n)
        return {"x": x, "y": y, "xl": x.tolist(), "yl": y.tolist()}

    impls = {
        "numpy": lambda a: np.dot(a["x"], a["y"]),
        "fastla": lambda a: fastla.dot(a["x"], a["y"]),
    }
    if n <= 100_000:
        impls = {"naive": lambda a: naive.dot(a["xl"], a["yl"]), **impls}
    return Case("vector", f"dot n={n:,}", build, impls, quick=n <= 100_000)


def _cosine_case(m, n, d):
    def build():
        rng = np.random.default_rng(1)
        return {"X": rng.standard_normal((m, d)), "Y": rng.standard_normal((n, d))}

    def numpy_cosine(a):
        X, Y = a["X"], a["Y"]
        Xn = X / np.linalg.norm(X, axis=1, keepdims=True)
        Yn = Y / np.linalg.norm(Y, axis=1, keepdims=True)
        return Xn @ Yn.T

    impls = {"numpy": numpy_cosine, "fastla": lambda a: fastla.cosine_similarity(a["X"], a["Y"])}
    if m * n * d <= 200_000:
        impls = {"naive": lambda a: naive.cosine_similarity(a["X"].tolist(), a["Y"].tolist()), **impls}
    return Case("vector", f"cosine_similarity {m}x{d} . {n}x{d}", build, impls)


def _top_k_case(n, d, m, k=10, quick=False):
    def build():
        rng = np.random.default_rng(2)
        C = rng.standard_normal((n, d), dtype=np.float32)
        Q = rng.standard_normal((m, d), dtype=np.float32)
        inputs = {"C": C, "Q": Q}
        faiss = _faiss()
        if faiss is not None:
            index = faiss.IndexFlatIP(d)
            index.add(C)
            inputs["faiss"] = index
        return inputs

    impls = {
        "stream": lambda a: a["C"] @ a["Q"][0],  # one pass over the catalogue (OpenBLAS sgemv)
        "numpy": lambda a: _numpy_top_k(a["Q"], a["C"], k),
        "fastla": lambda a: fastla.top_k(a["Q"], a["C"], k, metric="dot"),
        "fastla cosine": lambda a: fastla.top_k(a["Q"], a["C"], k, metric="cosine"),
    }
    if _faiss() is not None:
        impls["faiss"] = lambda a: a["faiss"].search(a["Q"], k)
    if n * m * d <= 2_000_000:
        impls = {"naive": lambda a: naive.top_k(a["Q"].tolist(), a["C"].tolist(), k, metric="dot"), **impls}
    name = f"top_k k={k}, {m} quer{'y' if m == 1 else 'ies'} x {n:,}x{d} float32"
    return Case("vector", name, build, impls, quick=quick)


def _matmul_case(m, k, n, dtype=np.float64, quick=False):
    def build():
        rng = np.random.default_rng(3)
        A, B = rng.standard_normal((m, k)).astype(dtype), rng.standard_normal((k, n)).astype(dtype)
        return {"A": A, "B": B, "Al": A.tolist(), "Bl": B.tolist()}

    impls = {"numpy": lambda a: a["A"] @ a["B"], "fastla": lambda a: fastla.matmul(a["A"], a["B"])}
    if m * k * n <= 70_000:
        impls = {"naive": lambda a: naive.matmul(a["Al"], a["Bl"]), **impls}
    name = f"matmul {m}x{k} . {k}x{n} {np.dtype(dtype).name}"
    return Case("gemm", name, build, impls, quick=quick, flops=2.0 * m * k * n)


def _ladder_case(n):
    import fastla.ladder as ladder

    small = 48  # the size plain Python finishes in a moment

    def build():
        rng = np.random.default_rng(4)
        A, B = rng.standard_normal((n, n)), rng.standard_normal((n, n))
        return {"A": A, "B": B, "As": A[:small, :small].tolist(), "Bs": B[:small, :small].tolist()}

    impls = {f"python n={small}": lambda a: naive.matmul(a["As"], a["Bs"]), "numpy": lambda a: a["A"] @ a["B"]}
    for step in ladder.STEPS:
        if ladder.usable(step):
            impls[step] = functools.partial(lambda s, a: ladder.matmul(a["A"], a["B"], step=s), step)
    return Case("ladder", f"ladder n={n}", build, impls, quick=False, flops=2.0 * n**3,
                impl_flops={f"python n={small}": 2.0 * small**3})


def _symmetric(n, spectrum, seed=5):
    """Q diag(spectrum) Q^T with a random orthogonal Q: a symmetric test matrix."""
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    A = (Q * spectrum) @ Q.T
    return (A + A.T) / 2


def _eigh_case(n, quick=False):
    def build():
        A = np.random.default_rng(6).standard_normal((n, n))
        A = A + A.T
        return {"A": A, "Al": A.tolist()}

    impls = {"numpy": lambda a: np.linalg.eigh(a["A"]), "fastla": lambda a: fastla.eigh(a["A"])}
    if n <= 30:
        impls = {"naive": lambda a: naive.eigh(a["Al"]), **impls}
    return Case("eigen", f"eigh {n}x{n} float64 (all eigenpairs)", build, impls, quick=quick,
                values={"*": lambda r: r[0]})


def _numpy_power(A, tol=1e-10, max_iter=1000):
    """Power iteration as a NumPy user writes it, with fastla's stopping rule."""
    x = np.random.default_rng(0).standard_normal(A.shape[0])
    x /= np.linalg.norm(x)
    limit = tol * np.linalg.norm(A)
    for _ in range(max_iter):
        y = A @ x
        lam = x @ y
        if np.linalg.norm(y - lam * x) <= limit:
            break
        x = y / np.linalg.norm(y)
    return lam, x


def _power_case(n, quick=False):
    """A dominant eigenvalue 2 and the rest in [-1, 1]: about 35 products to 1e-10."""
    def build():
        spectrum = np.random.default_rng(7).uniform(-1, 1, n)
        spectrum[0] = 2.0
        A = _symmetric(n, spectrum)
        return {"A": A, "Al": A.tolist()}

    impls = {"numpy": lambda a: _numpy_power(a["A"]),
             "fastla": lambda a: fastla.power_iteration(a["A"], random_state=0)}
    if n <= 100:
        impls = {"naive": lambda a: naive.power_iteration(a["Al"], random_state=0), **impls}
    return Case("eigen", f"power_iteration {n}x{n} (gap 2 : 1)", build, impls, quick=quick,
                values={"*": lambda r: r[0]})


def _top_eigs_case(n, k):
    def build():
        return {"A": _symmetric(n, np.arange(1, n + 1) ** -0.5)}

    impls = {"numpy": lambda a: np.linalg.eigh(a["A"]),
             "fastla": lambda a: fastla.top_eigs(a["A"], k, random_state=0)}
    try:
        from scipy.sparse.linalg import eigsh

        impls["scipy eigsh"] = lambda a: eigsh(a["A"], k, which="LA")
    except ImportError:
        pass
    return Case("eigen", f"top_eigs k={k} of {n}x{n}, eigenvalues i^-1/2", build, impls, quick=False,
                values={"numpy": lambda r: r[0][::-1][:k], "*": lambda r: np.sort(r[0])[::-1]})


def _pca_case(m, d, k, quick=False):
    def build():
        rng = np.random.default_rng(8)
        X = rng.standard_normal((m, d)) @ (rng.standard_normal((d, d)) * np.geomspace(1, 1e-3, d))
        return {"X": X}

    def numpy_pca(a):
        Xc = a["X"] - a["X"].mean(axis=0)
        return np.linalg.svd(Xc, full_matrices=False)

    impls = {"numpy": numpy_pca, "fastla": lambda a: fastla.pca(a["X"], k)}
    try:
        from sklearn.decomposition import PCA

        impls["sklearn full"] = lambda a: PCA(k, svd_solver="full").fit(a["X"])
    except ImportError:
        pass
    return Case("eigen", f"pca {m}x{d} -> {k}", build, impls, quick=quick,
                values={"numpy": lambda r: (r[1] ** 2 / (m - 1))[:k], "fastla": lambda r: r[1],
                        "sklearn full": lambda r: r.explained_variance_})


def _song_catalogue(n, seed=9):
    """A SongRecommender over n synthetic songs: audio features drawn in their usual
    ranges (the vectors' geometry, not the music, is what is timed)."""
    from fastla.apps.recommender import SongRecommender

    rng = np.random.default_rng(seed)
    columns = {"track_name": [f"song {i}" for i in range(n)], "artists": [f"artist {i // 10}" for i in range(n)],
               "key": rng.integers(0, 12, n), "mode": rng.integers(0, 2, n),
               "loudness": rng.normal(-8.0, 4.0, n), "tempo": rng.normal(118.0, 28.0, n)}
    for name in ("danceability", "energy", "speechiness", "acousticness", "instrumentalness", "liveness", "valence"):
        columns[name] = rng.beta(2.0, 3.0, n)
    return SongRecommender(columns)


def _numpy_recommend(V, rows, k, chunk=100):
    """The usual NumPy way, seed left out: scores by matmul, argpartition, sort the
    k + 1, drop the seed; queries in chunks so the score block stays ~400 MB."""
    out = []
    for start in range(0, len(rows), chunk):
        seeds = rows[start:start + chunk]
        best = _numpy_top_k(V[seeds], V, k + 1)
        out.append(_without_seeds(best, seeds, k))
    return np.concatenate(out)


def _without_seeds(idx, seeds, k):
    """Each row of a (m, k + 1) top-k with its seed taken out: (m, k)."""
    return np.array([[j for j in row if j != s][:k] for row, s in zip(idx.tolist(), seeds)])


def _recommender_case(n, m, k=10, quick=False):
    """k songs like each of m seed songs in an n-song catalogue of unit vectors: NumPy's
    matmul + argpartition, one fastla.top_k call, and SongRecommender itself."""
    def build():
        rec = _song_catalogue(n)
        rows = np.random.default_rng(10).choice(n, m, replace=False)
        rec.recommend(int(rows[0]))  # builds the title index once, not inside the timing
        return {"rec": rec, "V": rec.vectors, "rows": rows}

    def fastla_top_k(a):
        Q = a["V"][a["rows"][0]] if m == 1 else a["V"][a["rows"]]
        idx, _ = fastla.top_k(Q, a["V"], k + 1, metric="dot")
        return _without_seeds(idx.reshape(m, k + 1), a["rows"], k)

    def recommender(a):
        lists = [a["rec"].recommend(int(a["rows"][0]), k)] if m == 1 else a["rec"].recommend_many(a["rows"], k)
        return np.array([[it.row for it in items] for items in lists])

    impls = {"numpy": lambda a: _numpy_recommend(a["V"], a["rows"], k), "fastla": fastla_top_k,
             "recommender": recommender}
    name = f"recommend k={k}, {m:,} quer{'y' if m == 1 else 'ies'} x {n:,} songs (12-d float32)"
    return Case("recommender", name, build, impls, quick=quick)


def _svd_case(m, n, compute_uv=True, quick=False):
    def build():
        A = np.random.default_rng(9).standard_normal((m, n))
        return {"A": A, "Al": A.tolist()}

    what = "U, s, Vt" if compute_uv else "s only"
    impls = {"numpy": lambda a: np.linalg.svd(a["A"], full_matrices=False, compute_uv=compute_uv),
             "fastla": lambda a: fastla.svd(a["A"], compute_uv=compute_uv)}
    if m * n <= 400:
        impls = {"naive": lambda a: naive.svd(a["Al"], compute_uv=compute_uv), **impls}
    try:
        from scipy.linalg import svd as scipy_svd

        impls["scipy gesvd"] = lambda a: scipy_svd(a["A"], full_matrices=False, compute_uv=compute_uv,
                                                  lapack_driver="gesvd")
    except ImportError:
        pass
    value = (lambda r: r[1]) if compute_uv else (lambda r: r)
    return Case("svd", f"svd {m}x{n} ({what})", build, impls, quick=quick, values={"*": value})


def _randomized_svd_case(m, n, k):
    def build():
        rng = np.random.default_rng(10)
        r = min(m, n)
        A = (rng.standard_normal((m, r)) * np.geomspace(1, 1e-6, r)) @ rng.standard_normal((r, n))
        return {"A": A}

    impls = {"fastla": lambda a: fastla.randomized_svd(a["A"], k, n_iter=4, random_state=0)}
    try:
        from sklearn.utils.extmath import randomized_svd as sk_randomized_svd

        impls["sklearn"] = lambda a: sk_randomized_svd(a["A"], k, n_oversamples=10, n_iter=4, random_state=0)
    except ImportError:
        pass
    return Case("svd", f"randomized_svd rank {k} of {m}x{n}", build, impls, quick=False,
                values={"*": lambda r: r[1]})


# ---- the image compressor ------------------------------------------------------------

def _photo_like(height, width, seed=12):
    """A deterministic stand-in for a photo: smooth shapes at a few scales, edges
    and sensor noise, uint8 RGB. The SVD's cost does not depend on the content."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    y, x = y / height, x / width
    img = np.zeros((height, width, 3), np.float32)
    for scale in (1, 3, 9, 27):
        a, b, ph = rng.uniform(0.5, 2, 3), rng.uniform(0.5, 2, 3), rng.uniform(0, 6.3, 3)
        for c in range(3):
            img[..., c] += 60 / scale ** 0.5 * np.sin(scale * (a[c] * 6 * x + b[c] * 4 * y) + ph[c])
    img += 40 * ((x - 0.4) ** 2 + (y - 0.6) ** 2 < 0.05)[..., None]  # a disc: a sharp edge
    img += rng.normal(0, 4, img.shape).astype(np.float32)
    return np.clip(img + 110, 0, 255).astype(np.uint8)


def _compress_case(height, width, k):
    """compress() at rank k beside the randomized SVD of the three channels by
    scikit-learn (as a user would call it: the channels as float64, and as
    float32) and by fastla; "fastla + save" also encodes the file."""
    from fastla.apps.compressor import compress

    def build():
        img = _photo_like(height, width)
        return {"img": img, "f64": [img[..., c].astype(np.float64) for c in range(3)],
                "f32": [img[..., c].astype(np.float32) for c in range(3)]}

    impls = {"fastla": lambda a: compress(a["img"], rank=k),
             "fastla rgb": lambda a: compress(a["img"], rank=k, mode="rgb"),
             "fastla + save": lambda a: compress(a["img"], rank=k).to_bytes(),
             "fastla rsvd x3": lambda a: [fastla.randomized_svd(c, k, random_state=0) for c in a["f32"]]}
    try:
        from sklearn.utils.extmath import randomized_svd as sk_randomized_svd

        impls["sklearn rsvd x3"] = lambda a: [sk_randomized_svd(c, k, random_state=0) for c in a["f64"]]
        impls["sklearn rsvd x3 f32"] = lambda a: [sk_randomized_svd(c, k, random_state=0) for c in a["f32"]]
    except ImportError:
        pass
    return Case("compressor", f"compress {width}x{height} RGB at rank {k}", build, impls, quick=False)
# ---- filter presets: each CSSgram look on a 12-megapixel photo, fastla vs pilgram ----

@functools.lru_cache(maxsize=2)
def _preset_photo(width, height):
    """A photo from $FASTLA_PHOTOS or ../shared/data/photos (rocket.jpg) resized to
    width x height, else a smooth synthetic picture of that size."""
    import os

    from PIL import Image

    folders = [os.environ.get("FASTLA_PHOTOS", ""), os.path.join("..", "shared", "data", "photos")]
    for folder in folders:
        path = os.path.join(folder, "rocket.jpg")
        if folder and os.path.exists(path):
            with Image.open(path) as im:
                return np.asarray(im.convert("RGB").resize((width, height), Image.Resampling.BICUBIC))
    y, x = np.mgrid[0:height, 0:width] / max(width, height)
    img = np.stack([128 + 100 * np.sin(6 * x + 2 * y), 128 + 90 * np.cos(5 * y - x), 255 * x * y], axis=-1)
    return np.clip(img, 0, 255).astype(np.uint8)


def _preset_case(name, width=4000, height=3000, quick=False):
    def build():
        from PIL import Image

        img = _preset_photo(width, height)
        return {"img": img, "pil": Image.fromarray(img)}

    from fastla.apps.filters import apply

    impls = {"fastla": lambda a: apply(a["img"], name)}
    try:
        import pilgram

        fn = getattr(pilgram, "_" + name if name[0].isdigit() else name)
        impls["pilgram"] = lambda a: np.asarray(fn(a["pil"]))
    except ImportError:
        pass
    megapixels = width * height / 1e6
    return Case("presets", f"preset {name} {width}x{height} ({megapixels:.1f} MP)", build, impls, quick=quick)


def _preset_cases():
    from fastla.apps.filters import PRESETS

    return [_preset_case("clarendon", 640, 427)] + [_preset_case(n) for n in PRESETS]
# ---- the rating predictor: fastla beside Surprise ------------------------------------------

def _surprise():
    try:
        import surprise
    except ImportError:
        return None
    return surprise


def _movielens_fold():
    """The training part (4/5) of one fold of the bundled MovieLens latest-small:
    about 80,000 ratings, as in a 5-fold cross-validation."""
    from fastla.apps.evaluation import fold_ids
    from fastla.datasets.movielens import load_demo

    data = load_demo()
    train = fold_ids(len(data), 5, random_state=42) != 0
    return data.users[train], data.items[train], data.ratings[train]


def _predictor_fit_case(quick=False):
    """Fitting on 80,000 MovieLens ratings: fastla's default model and its SGD and ALS
    models, and Surprise's SVD with its defaults (k=100, 20 epochs) when installed."""
    from fastla.apps.predictor import RatingPredictor

    def build():
        users, items, ratings = _movielens_fold()
        inputs = {"users": users, "items": items, "ratings": ratings}
        surprise = _surprise()
        if surprise is not None:
            reader = surprise.Reader(rating_scale=(0.5, 5.0))
            triples = zip(users.tolist(), items.tolist(), ratings.astype(float).tolist())
            inputs["trainset"] = surprise.Dataset(reader).construct_trainset([(u, i, r, None) for u, i, r in triples])
        return inputs

    def fit(model):
        return lambda a: RatingPredictor(model, random_state=0).fit(a["users"], a["items"], a["ratings"])

    impls = {"fastla": fit("blend"), "fastla svd": fit("svd"), "fastla als": fit("als")}
    if _surprise() is not None:
        impls["surprise SVD"] = lambda a: _surprise().SVD(random_state=0).fit(a["trainset"])
    return Case("predictor", "fit on 80,000 MovieLens ratings (default models)", build, impls, quick=quick)


def _sgd_epoch_case(n, k, quick=False):
    """One SGD epoch of biased MF on n random ratings: the plain-Python twin and the C kernel."""
    import fastla.naive.mf as naive_mf
    from fastla import _core

    n_users, n_items = max(n // 100, 2), max(n // 10, 2)

    def build():
        rng = np.random.default_rng(12)
        users = rng.integers(0, n_users, n).astype(np.int32)
        items = rng.integers(0, n_items, n).astype(np.int32)
        ratings = rng.integers(1, 6, n).astype(np.float32)
        P = (rng.standard_normal((n_users, k)) * 0.05).astype(np.float32)
        Q = (rng.standard_normal((n_items, k)) * 0.05).astype(np.float32)
        return {"u": users, "i": items, "r": ratings, "P": P, "Q": Q,
                "bu": np.zeros(n_users, np.float32), "bi": np.zeros(n_items, np.float32)}

    def fast(a):
        P, Q, bu, bi = a["P"].copy(), a["Q"].copy(), a["bu"].copy(), a["bi"].copy()
        return np.float32(_core.mf_sgd_epoch(a["u"], a["i"], a["r"], None, None, 3.0, bu, bi, P, Q,
                                             0.005, 0.02, 0.02, 1))

    def numpy_epoch(a):
        """The usual NumPy way: a Python loop over the ratings, vector ops on the rows."""
        P, Q, bu, bi = a["P"].copy(), a["Q"].copy(), a["bu"].copy(), a["bi"].copy()
        lr, reg, mu, sse = np.float32(0.005), np.float32(0.02), np.float32(3.0), 0.0
        for u, i, r in zip(a["u"], a["i"], a["r"]):
            e = r - (mu + bu[u] + bi[i] + P[u] @ Q[i])
            sse += float(e) * float(e)
            bu[u] += lr * (e - reg * bu[u])
            bi[i] += lr * (e - reg * bi[i])
            p = P[u].copy()
            P[u] += lr * (e * Q[i] - reg * p)
            Q[i] += lr * (e * p - reg * Q[i])
        return np.float32(sse)  # float32 arithmetic: compared at float32 tolerance

    impls = {"fastla": fast}
    if n <= 5_000:
        impls = {"numpy": numpy_epoch, **impls}
    if n <= 5_000:
        impls = {"naive": lambda a: naive_mf.sgd_epoch(a["u"].tolist(), a["i"].tolist(), a["r"].tolist(), 3.0,
                                                       a["bu"].tolist(), a["bi"].tolist(), a["P"].tolist(),
                                                       a["Q"].tolist(), 0.005, 0.02, 0.02)[4], **impls}
    return Case("predictor", f"SGD epoch, {n:,} ratings, k={k}", build, impls, quick=quick)


def predictor_cases():
    return [_sgd_epoch_case(2_000, 20, quick=True), _sgd_epoch_case(1_000_000, 50), _predictor_fit_case()]


# ---- photo filters (fastla.apps.filters) beside OpenCV and Pillow ---------------------

def _photo(megapixels=12):
    """A 4000 x 3000 RGB photo: the image at $FASTLA_PHOTO upscaled (bicubic), or a
    synthetic one (smooth shading, edges and grain) when that is not set."""
    import os

    from PIL import Image

    w, h = 4000, int(4000 * 3 / 4 * megapixels / 12)
    path = os.environ.get("FASTLA_PHOTO")
    if path:
        from fastla.apps.images import read_image

        return np.asarray(Image.fromarray(read_image(path, channels=(3,))).resize((w, h), Image.BICUBIC))
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    rng = np.random.default_rng(12)
    base = np.stack([128 + 100 * np.sin(x / 300 + c) * np.cos(y / 200 - c) for c in (0.0, 1.0, 2.0)], axis=-1)
    base += 40 * ((x // 500 + y // 400) % 2)[..., None] + rng.normal(0, 6, (h, w, 3)).astype(np.float32)
    return np.clip(base, 0, 255).astype(np.uint8)


def _filters_case(what):
    """One filter on the 12-megapixel photo: fastla, OpenCV (cv2) and Pillow."""
    from fastla.apps import filters as F

    sepia = np.array([[0.393, 0.769, 0.189, 0.0], [0.349, 0.686, 0.168, 0.0], [0.272, 0.534, 0.131, 0.0]])
    k5 = np.array([[0, 0, -1, 0, 0], [0, -1, -2, -1, 0], [-1, -2, 17, -2, -1],
                   [0, -1, -2, -1, 0], [0, 0, -1, 0, 0]], dtype=np.float64)  # a sharpen, rank > 1

    def build():
        from PIL import Image

        img = _photo()
        h, w = img.shape[:2]
        a = {"img": img, "pil": Image.fromarray(img), "rot": F.rotation_matrix(15, ((w - 1) / 2, (h - 1) / 2))}
        try:
            import cv2

            cv2.setNumThreads(fastla.get_num_threads())
            a["cv_rot"] = cv2.getRotationMatrix2D(((w - 1) / 2, (h - 1) / 2), 15, 1.0)
        except ImportError:
            pass
        return a

    def pil(fn):
        return lambda a: np.asarray(fn(a["pil"]))

    from PIL import Image, ImageFilter

    if what == "color":
        name = "colour matrix 3x4 (sepia), 12 MP RGB"
        impls = {"fastla": lambda a: F.color_matrix(a["img"], sepia),
                 "opencv": lambda a: _cv2().transform(a["img"], sepia.astype(np.float32)),
                 "pillow": pil(lambda im: im.convert("RGB", tuple(sepia.ravel())))}
    elif what == "conv5":
        name = "5x5 kernel (not separable), 12 MP RGB"
        impls = {"fastla": lambda a: F.convolve(a["img"], k5),
                 "opencv": lambda a: _cv2().filter2D(a["img"], -1, k5.astype(np.float32)),
                 "pillow": pil(lambda im: im.filter(ImageFilter.Kernel((5, 5), k5.ravel().tolist(), scale=1)))}
    elif what == "gauss":
        name = "Gaussian blur sigma=2 (13 taps), 12 MP RGB"
        impls = {"fastla": lambda a: F.gaussian_blur(a["img"], 2.0),
                 "opencv": lambda a: _cv2().GaussianBlur(a["img"], (0, 0), 2.0),
                 "pillow": pil(lambda im: im.filter(ImageFilter.GaussianBlur(2)))}
    else:
        name = "rotate 15 degrees, bilinear, 12 MP RGB"
        impls = {"fastla": lambda a: F.transform(a["img"], a["rot"]),
                 "opencv": lambda a: _cv2().warpAffine(a["img"], a["cv_rot"], a["img"].shape[1::-1]),
                 "pillow": pil(lambda im: im.rotate(15, resample=Image.Resampling.BILINEAR))}
    try:
        _cv2()
    except ImportError:
        del impls["opencv"]
    return Case("filters", name, build, impls, quick=False)


def _cv2():
    import cv2

    return cv2


def cases(family=None, quick=False):
    """The registered cases, optionally of one family and only the quick ones."""
    every = [
        _dot_case(16),
        _dot_case(1_000),
        _dot_case(100_000),
        _dot_case(1_000_000),
        _cosine_case(20, 50, 64),
        _cosine_case(1000, 2000, 64),
        _top_k_case(2_000, 64, 1, quick=True),
        _top_k_case(100_000, 64, 16, quick=True),
        _top_k_case(1_000_000, 64, 1),
        _top_k_case(1_000_000, 64, 256),
        _matmul_case(8, 8, 8, quick=True),
        _matmul_case(32, 32, 32, quick=True),
        _matmul_case(64, 64, 64, quick=True),
        _matmul_case(256, 256, 256, quick=True),
        _matmul_case(256, 256, 256, np.float32, quick=True),
        *[_matmul_case(n, n, n, t) for t in (np.float64, np.float32) for n in (512, 1024, 2048)],
        _matmul_case(4096, 64, 4096),
        _matmul_case(64, 4096, 64),
        _ladder_case(512),
        _eigh_case(20, quick=True),
        *[_eigh_case(n) for n in (100, 200, 500, 1000)],
        _power_case(100, quick=True),
        _power_case(2000),
        _top_eigs_case(2000, 10),
        _pca_case(1797, 64, 10, quick=True),
        _pca_case(20000, 300, 20),
        _svd_case(12, 12, quick=True),
        *[_svd_case(n, n) for n in (100, 500, 1000)],
        _svd_case(500, 500, compute_uv=False),
        _svd_case(2000, 200),
        _svd_case(100_000, 10),  # very tall: the row sort must stay O(m log m)
        _randomized_svd_case(3000, 2000, 50),
        _recommender_case(20_000, 20, quick=True),
        _recommender_case(1_000_000, 1),
        _recommender_case(1_000_000, 1_000),
        _compress_case(1080, 1920, 50),
        _compress_case(3000, 4000, 50),
        *_preset_cases(),
        *predictor_cases(),
        *[_filters_case(what) for what in ("color", "conv5", "gauss", "rotate")],
    ]
    return [c for c in every if (family is None or c.family == family) and (c.quick or not quick)]


def run(selected, impls=None, min_time=0.2, progress=None):
    """Times the implementations of every case, side by side: [(case, {impl: seconds})]."""
    results = []
    for case in selected:
        names = [i for i in case.impls if not impls or i in impls]
        if progress:
            progress(case, ", ".join(names))
        fns = {name: functools.partial(case.run, name) for name in names}
        results.append((case, time_interleaved(fns, min_time=min_time)))
    return results


def machine_line():
    """CPU, SIMD path, threads, and the BLAS NumPy uses (via threadpoolctl if present)."""
    import platform

    info = fastla.info()
    line = f"{platform.processor() or platform.machine()}; fastla {info['version']} isa={info['isa']} threads={info['threads']}"
    try:
        from threadpoolctl import threadpool_info

        blas = [p for p in threadpool_info() if p.get("user_api") == "blas"]
        blas.sort(key=lambda p: "numpy" not in p.get("filepath", ""))  # NumPy's own first
        if blas:
            line += f"; numpy BLAS {blas[0]['internal_api']} {blas[0].get('version')} ({blas[0].get('architecture')}, {blas[0]['num_threads']} threads)"
    except ImportError:
        pass
    return line


def tables(results):
    """One rich Table per family: seconds per call of each implementation (and
    GFLOP/s where the case counts them), and fastla against the fastest other
    implementation that is not the plain-Python one."""
    from rich.table import Table

    families = {}
    for case, timings in results:
        families.setdefault(case.family, []).append((case, timings))
    out = []
    for family, rows in families.items():
        impls = list(dict.fromkeys(i for _, t in rows for i in t))
        table = Table(title=f"{family}", title_justify="left", title_style="bold")
        table.add_column("case")
        for impl in impls:
            table.add_column(impl, justify="right")
        table.add_column("fastla vs fastest other", justify="right")
        for case, t in rows:
            cells = []
            for impl in impls:
                if impl not in t:
                    cells.append("")
                    continue
                rate = case.gflops(impl, t[impl])
                cells.append(_fmt_seconds(t[impl]) + (f"\n{rate:.1f} GFLOP/s" if rate else ""))
            table.add_row(case.name, *cells, _versus(case, t))
        out.append(table)
    return out


def _versus(case, t):
    """'1.4x faster than numpy' for fastla's time against the fastest peer."""
    mine = t.get("fastla", t.get("threads"))
    others = {i: s for i, s in t.items()  # peers: not fastla's own variants, not the naive twin
              if not i.startswith(("fastla", "threads")) and i != "naive" and i not in case.impl_flops}
    if not mine or not others:
        return ""
    peer, best = min(others.items(), key=lambda kv: kv[1])
    ratio = best / mine
    return f"{ratio:.2f}x faster than {peer}" if ratio >= 1 else f"{1 / ratio:.2f}x slower than {peer}"


def format_table(results, width=120):
    """The tables as plain text (for logs and files)."""
    import io

    from rich.console import Console

    buf = io.StringIO()
    console = Console(file=buf, width=width, force_terminal=False, color_system=None)
    for table in tables(results):
        console.print(table)
    return buf.getvalue()


def plot(results, path):
    """One bar chart per case: GFLOP/s where the case counts flops, else calls per second."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as e:
        raise RuntimeError('plotting needs matplotlib: pip install "fastla[plot]"') from e
    fig, axes = plt.subplots(len(results), 1, figsize=(8, 0.5 + 0.45 * sum(len(t) for _, t in results) + len(results)),
                             squeeze=False)
    for ax, (case, timings) in zip(axes[:, 0], results):
        names = list(timings)
        rates = [case.gflops(i, t) or 1.0 / t for i, t in timings.items()]
        colors = ["#d62728" if i in ("fastla", "threads") else "#7f7f7f" if i == "numpy" else "#1f77b4" for i in names]
        ax.barh(names[::-1], rates[::-1], color=colors[::-1])
        ax.set_title(case.name, fontsize=10, loc="left")
        ax.set_xlabel("GFLOP/s" if case.flops else "calls per second")
        for y, r in enumerate(rates[::-1]):
            ax.text(r, y, f" {r:.3g}", va="center", fontsize=8)
    fig.suptitle(machine_line(), fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def _fmt_seconds(t):
    for unit, scale in (("s", 1), ("ms", 1e-3), ("us", 1e-6)):
        if t >= scale:
            return f"{t / scale:.3g} {unit}"
    return f"{t / 1e-9:.3g} ns"
