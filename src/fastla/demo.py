"""`fastla demo`: the course's four projects on the bundled data, in under a minute.

Module 1 (vectors) recommends songs by cosine similarity; module 2 (matrices)
runs photo filters; module 3 (eigenvalues) finds the main directions of the song
features; module 4 (SVD) compresses a photo and predicts movie ratings. Each
module ends with the same computation timed as plain Python loops
(fastla.naive), NumPy and fastla. Pictures and a report.md linking them go to
the output folder."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

import fastla


@dataclass
class Report:
    """What the demo shows: a section per module, in Markdown for report.md and as
    rich renderables for the terminal."""

    out: Path
    console: object
    parts: list = field(default_factory=list)

    def heading(self, text):
        self.parts.append(f"\n## {text}\n")
        self.console.rule(f"[bold]{text}")

    def text(self, text):
        self.parts.append(text + "\n")
        self.console.print(text, highlight=False)

    def table(self, header, rows, title=None, right=()):
        from rich.table import Table

        rows = [[str(c) for c in r] for r in rows]
        t = Table(title=title, title_justify="left")
        for i, h in enumerate(header):
            t.add_column(h, justify="right" if i in right else "left")
        for r in rows:
            t.add_row(*r)
        self.console.print(t)
        md = ([f"**{title}**\n"] if title else []) + ["| " + " | ".join(header) + " |",
                                                    "|" + "|".join("---:" if i in right else "---"
                                                                   for i in range(len(header))) + "|"]
        md += ["| " + " | ".join(c.replace("|", "/") for c in r) + " |" for r in rows]
        self.parts.append("\n".join(md) + "\n")

    def picture(self, name, img, caption):
        from fastla.apps.images import write_image

        write_image(self.out / name, img)
        self.parts.append(f"![{caption}]({name})\n\n*{caption}*\n")
        self.console.print(f"[dim]  saved {self.out / name}: {caption}[/dim]")

    def write(self):
        path = self.out / "report.md"
        path.write_text("# fastla demo\n" + "\n".join(self.parts), encoding="utf-8")
        return path


def songs(report):
    """Module 1: vectors, cosine similarity, top-k: the song recommender."""
    from fastla.apps.recommender import SongRecommender

    report.heading("Module 1: vectors and the song recommender")
    x, y = np.array([1.0, 2.0, 3.0]), np.array([4.0, -5.0, 6.0])
    report.text(f"dot([1, 2, 3], [4, -5, 6]) = {fastla.dot(x, y):g};  "
                f"cosine = x.y / (|x| |y|) = {fastla.cosine_similarity(x, y):.4f}")
    rec = SongRecommender.demo()
    seed = rec.song(0)
    items = rec.recommend(seed.row, k=5)
    report.text(f"{len(rec):,} songs (synthetic, bundled), each a vector of audio features. "
                f"Songs like **{seed.title} - {seed.artist}** ({seed.genre}):")
    rows = []
    for rank, it in enumerate(items, 1):
        top = rec.explain(seed.row, it.row).contributions[:2]
        rows.append([rank, f"{it.score:.3f}", it.title, it.artist, it.genre or "",
                     ", ".join(f"{c.feature} {c.contribution:+.2f}" for c in top)])
    report.table(["#", "cosine", "title", "artist", "genre", "closest in"], rows, right=(0, 1))
    return rec


def filters(report, photo):
    """Module 2: a colour filter is a matrix; a blur is a sliding dot product."""
    from fastla.apps import filters as fl_filters

    report.heading("Module 2: matrices and photo filters")
    sepia = fl_filters.fused_matrix([("sepia", 1.0)])
    report.text("Every colour filter is a matrix times each pixel's (r, g, b, 1) vector; sepia is\n"
                + "\n".join("    " + "  ".join(f"{v:6.3f}" for v in row) for row in sepia))
    start = time.perf_counter()
    sheet = fl_filters.contact_sheet(photo)
    took = time.perf_counter() - start
    report.picture("presets.jpg", sheet, f"the {len(fl_filters.PRESETS)} presets "
                   f"({took * 1000 / len(fl_filters.PRESETS):.1f} ms each on this {photo.shape[1]}x{photo.shape[0]} photo)")
    steps = [("original", photo), ("gaussian_blur(3)", fl_filters.gaussian_blur(photo, 3.0)),
             ("sharpen", fl_filters.sharpen(photo)), ("sobel", fl_filters.sobel(photo)),
             ("rotate(15)", fl_filters.rotate(photo, 15))]
    report.picture("filters.jpg", _strip([img for _, img in steps]), " | ".join(n for n, _ in steps))


def eigen(report, rec):
    """Module 3: the principal components of the song features."""
    report.heading("Module 3: eigenvalues and PCA")
    X = np.asarray(rec.vectors, dtype=np.float64)
    components, variance, mean = fastla.pca(X, n_components=3)
    total = np.trace(np.cov(X, rowvar=False))
    report.text(f"The songs' feature covariance ({X.shape[1]} x {X.shape[1]}) diagonalised by Jacobi: "
                f"the first three principal directions explain "
                f"{', '.join(f'{v / total:.0%}' for v in variance)} of the variance.")
    lam, _ = fastla.power_iteration(np.cov(X, rowvar=False))
    report.text(f"Power iteration finds the first one alone: lambda = {lam:.4f} "
                f"(eigh: {variance[0]:.4f}).")


def compressor(report, photo):
    """Module 4a: low-rank approximations of a photo (Eckart-Young)."""
    from fastla.apps.compressor import compress

    report.heading("Module 4: SVD, the image compressor")
    raw = photo.size
    rows, pictures, ranks = [], [photo], []
    for rank in (5, 20, 50):
        c = compress(photo, rank=rank)  # rank: the budget; luma gets more of it than chroma
        ranks.append("/".join(map(str, c.ranks)))
        img = c.to_image()
        pictures.append(img)
        rows.append([str(c.ranks), f"{c.nbytes:,}", f"{raw / c.nbytes:.1f}x", f"{c.psnr(photo):.1f}",
                     f"{c.ssim(photo):.3f}"])
    report.table(["ranks (Y, Cb, Cr)", "bytes", "smaller by", "PSNR dB", "SSIM"], rows,
                 title=f"{photo.shape[1]}x{photo.shape[0]} photo, {raw:,} bytes raw", right=(1, 2, 3, 4))
    report.picture("compressor.png", _strip(pictures), "original, then ranks " + ", ".join(ranks) + " (Y/Cb/Cr)")
    report.text("JPEG does better on photos at the same size; `fastla compress photo.jpg --report` "
                "prints that comparison.")


def predictor(report):
    """Module 4b: matrix factorisation predicts ratings (MovieLens latest-small)."""
    from fastla.apps.predictor import RatingPredictor
    from fastla.datasets.movielens import load_demo

    report.heading("Module 4: SVD, the rating predictor")
    data = load_demo()
    start = time.perf_counter()
    model = RatingPredictor(random_state=0, titles=data.titles).fit(data.users, data.items, data.ratings)
    took = time.perf_counter() - start
    user = data.users[0]
    report.text(f"{len(data):,} ratings of MovieLens latest-small; the default model trained in {took:.2f} s. "
                f"Top 5 for user {user} among movies they have not rated (and 20 others have):")
    top = model.recommend(user, k=5, min_ratings=20)  # movies at least 20 people rated
    rows = [[i + 1, f"{r.rating:.2f}", r.title or r.item] for i, r in enumerate(top)]
    report.table(["#", "predicted", "movie"], rows, right=(0, 1))


def timings(report, families, min_time):
    """The same computations as plain Python loops, NumPy and fastla."""
    from fastla import bench

    report.heading("Timings: plain Python (fastla.naive), NumPy, fastla")
    report.text(bench.machine_line())
    selected = [c for fam in families for c in bench.cases(fam, quick=True)]
    results = bench.run(selected, impls=("naive", "numpy", "fastla"), min_time=min_time)
    rows = []
    for case, t in results:
        base = t.get("fastla")
        cells = [f"{_ms(t[i])} ({_times(t[i] / base)})" if i in t and i != "fastla" else
                 (_ms(t[i]) if i in t else "") for i in ("naive", "numpy", "fastla")]
        rows.append([case.family, case.name] + cells)
    report.table(["module", "case", "naive (x fastla)", "NumPy (x fastla)", "fastla"], rows, right=(2, 3, 4))


def run(out="fastla-demo", min_time=0.05, console=None):
    """Runs every part, writing pictures and report.md into `out`; returns the report's path."""
    from rich.console import Console
    from rich.progress import Progress

    from fastla.apps.images import read_image
    from fastla.datasets import demo_photo_path

    console = console or Console()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    report = Report(out, console)
    photo = read_image(demo_photo_path())
    state = {}
    parts = [
        ("songs", lambda: state.setdefault("rec", songs(report))),
        ("filters", lambda: filters(report, photo)),
        ("eigen", lambda: eigen(report, state["rec"])),
        ("compressor", lambda: compressor(report, photo)),
        ("predictor", lambda: predictor(report)),
        ("timings", lambda: timings(report, ("vector", "gemm", "eigen", "svd"), min_time)),
    ]
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("fastla demo", total=len(parts))
        for name, part in parts:
            progress.update(task, description=f"fastla demo: {name}")
            part()
            progress.advance(task)
    return report.write()


def _strip(images, height=200):
    """Images side by side at one height, with a white gap."""
    from PIL import Image

    tiles = []
    for img in images:
        im = Image.fromarray(img[..., :3])
        tiles.append(im.resize((max(1, round(im.width * height / im.height)), height), Image.BILINEAR))
    sheet = Image.new("RGB", (sum(t.width for t in tiles) + 8 * (len(tiles) - 1), height), "white")
    x = 0
    for t in tiles:
        sheet.paste(t, (x, 0))
        x += t.width + 8
    return np.asarray(sheet)


def _times(ratio):
    return f"{ratio:.0f}x" if ratio >= 10 else f"{ratio:.2g}x"


def _ms(seconds):
    return f"{seconds * 1e3:.3g} ms" if seconds >= 1e-4 else f"{seconds * 1e6:.3g} us"
