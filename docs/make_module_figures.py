"""Draws the pictures of recommender.md, eigenvalues.md, svd.md and predictor.md
from fastla's own results on the bundled data.

    python docs/make_module_figures.py      (needs matplotlib)"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import fastla  # noqa: E402

HERE = Path(__file__).parent


def songs_in_two_dimensions():
    """The demo songs' unit vectors projected on their first two principal axes."""
    from fastla.apps.recommender import SongRecommender

    rec = SongRecommender.demo()
    X = np.asarray(rec.vectors, dtype=np.float64)
    components, variance, mean = fastla.pca(X, n_components=2)
    xy = (X - mean) @ components.T
    genres = [rec.song(i).genre for i in range(len(rec))]
    fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=110)
    for g in sorted(set(genres)):
        rows = [i for i, v in enumerate(genres) if v == g]
        ax.scatter(xy[rows, 0], xy[rows, 1], s=4, label=g)
    seed = rec.song(0)
    near = [it.row for it in rec.recommend(seed.row, k=5)]
    ax.scatter(xy[near, 0], xy[near, 1], s=60, facecolors="none", edgecolors="black", label="5 nearest")
    ax.scatter(*xy[seed.row], marker="*", s=200, color="black", label=f"seed: {seed.title}")
    ax.set_title("2,948 songs on their first two principal axes")
    ax.set_xlabel("PC 1")
    ax.set_ylabel("PC 2")
    ax.legend(fontsize=6, markerscale=2, ncol=2)
    fig.tight_layout()
    fig.savefig(HERE / "recommender-pca.png")
    # nearest in 12 dimensions need not look nearest in 2: the picture shows why top_k works in full


def graded_eigenvalues():
    """Relative error of each eigenvalue of a graded matrix (1 down to 1e-20):
    Jacobi keeps every one to a few ulps, LAPACK's divide and conquer only the large ones."""
    import mpmath

    n = 40
    rng = np.random.default_rng(1)
    B = rng.standard_normal((n, n))
    B = B @ B.T + n * np.eye(n)
    d = np.logspace(0, -10, n)
    A = d[:, None] * B * d[None, :]  # eigenvalues from about 1e2 down to 1e-19
    mpmath.mp.dps = 60
    exact = np.array(sorted(float(v) for v in mpmath.eigsy(mpmath.matrix(A.tolist()))[0]))
    rel = {"fastla.eigh (Jacobi)": np.abs(fastla.eigh(A)[0] - exact) / np.abs(exact),
           "numpy.linalg.eigh (LAPACK)": np.abs(np.linalg.eigvalsh(A) - exact) / np.abs(exact)}
    fig, ax = plt.subplots(figsize=(6.4, 3.8), dpi=110)
    for name, r in rel.items():
        ax.loglog(np.abs(exact), np.maximum(r, 1e-17), "o", ms=4, label=name)
    ax.axhline(np.finfo(float).eps, color="gray", lw=0.8, ls="--", label="machine epsilon")
    ax.set_xlabel("eigenvalue")
    ax.set_ylabel("relative error (vs 60-digit mpmath)")
    ax.set_title("A graded 40 x 40 matrix: every eigenvalue, small ones too")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(HERE / "eigenvalues-graded.png")


def eckart_young():
    """The singular values of the bundled photo's gray plane, and the error of the
    best rank-k approximation, which is exactly the tail of the spectrum."""
    from fastla.apps.images import read_image
    from fastla.datasets import demo_photo_path

    gray = read_image(demo_photo_path()).astype(np.float64) @ [0.299, 0.587, 0.114]
    U, s, Vt = fastla.svd(gray, full_matrices=False)
    ks = [1, 2, 5, 10, 20, 50, 100, 200]
    measured = [np.linalg.norm(gray - (U[:, :k] * s[:k]) @ Vt[:k]) for k in ks]
    predicted = [np.sqrt(np.sum(s[k:] ** 2)) for k in ks]
    fig, (a, b) = plt.subplots(1, 2, figsize=(8.8, 3.4), dpi=110)
    a.semilogy(s, lw=1.2)
    a.set_title("singular values of a 600 x 400 photo")
    a.set_xlabel("i")
    a.set_ylabel("sigma_i")
    b.loglog(ks, measured, "o", label="|A - A_k|_F, measured")
    b.loglog(ks, predicted, "-", label="sqrt(sum_{i>k} sigma_i^2)")
    b.set_title("Eckart-Young: the error is the tail")
    b.set_xlabel("rank k")
    b.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(HERE / "svd-eckart-young.png")


def predictor_cv():
    """The 5-fold cross-validated RMSE of the models on MovieLens latest-small (the
    table in predictor.md, measured by benchmarks/predictor_cv.py)."""
    models = ["fastla default\n(SGD + ALS)", "fastla svd", "fastla als", "fastla baseline",
              "Surprise SVD\ntuned", "Surprise SVD\ndefaults"]
    rmse = [0.8482, 0.8519, 0.8577, 0.8662, 0.8562, 0.8768]
    fig, ax = plt.subplots(figsize=(6.4, 3.6), dpi=110)
    bars = ax.barh(models[::-1], rmse[::-1], color=["#999"] * 2 + ["#4a7"] * 4)
    ax.axvline(0.85, color="black", lw=0.8, ls="--")
    ax.text(0.8502, 5.35, "target 0.850", fontsize=8)
    ax.set_xlim(0.83, 0.885)
    ax.bar_label(bars, fmt="%.4f", fontsize=8, padding=2)
    ax.set_xlabel("RMSE, 5-fold cross-validation (lower is better)")
    ax.set_title("MovieLens latest-small: 100,836 ratings")
    fig.tight_layout()
    fig.savefig(HERE / "predictor-cv.png")


if __name__ == "__main__":
    songs_in_two_dimensions()
    graded_eigenvalues()
    eckart_young()
    predictor_cv()
    print("saved the module figures in", HERE)
