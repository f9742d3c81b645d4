"""Draws the pictures of docs/filters.md from the photos of scikit-image's data
set (public domain and CC0; see the credits in docs/filters.md).

    PYTHONPATH=src python docs/make_filters_figures.py /path/to/photos

writes docs/filters-*.png."""

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import fastla  # noqa: E402
from fastla.apps import filters as F  # noqa: E402
from fastla.apps.images import read_image  # noqa: E402

OUT = Path(__file__).parent
SEPIA = np.array([[0.393, 0.769, 0.189], [0.349, 0.686, 0.168], [0.272, 0.534, 0.131]])
GRAY = np.array([[0.299, 0.587, 0.114]] * 3)
WARM = np.array([[1.1, 0.0, 0.0, 10.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 0.85, -10.0]])


def row_of(images, titles, path, width=3.2):
    fig, axes = plt.subplots(1, len(images), figsize=(width * len(images), width * 0.95))
    for ax, img, title in zip(axes, images, titles):
        ax.imshow(img, cmap="gray" if img.ndim == 2 else None, vmin=0, vmax=255)
        ax.set_title(title, fontsize=9, family="monospace")
        ax.axis("off")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def matrix_text(M):
    return "\n".join(" ".join(f"{v:5.2f}" for v in row) for row in M)


def colour(photos):
    img = read_image(photos / "chelsea.png")
    row_of([img, F.color_matrix(img, SEPIA), F.color_matrix(img, GRAY), F.color_matrix(img, WARM)],
           ["original", "sepia\n" + matrix_text(SEPIA), "gray\n" + matrix_text(GRAY),
            "warm (3x4)\n" + matrix_text(WARM)], OUT / "filters-colour.png")


def kernels(photos):
    img = read_image(photos / "coffee.png")
    row_of([img, F.gaussian_blur(img, 3), F.sharpen(img, 2), F.sobel(img), F.emboss(img)],
           ["original", "gaussian_blur(img, 3)", "sharpen(img, 2)", "sobel(img)", "emboss(img)"],
           OUT / "filters-kernels.png")


def sliding(photos):
    gray = F.color_matrix(read_image(photos / "astronaut.png"), GRAY)[..., 0]
    patch = gray[120:127, 200:207].astype(int)
    k = np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]])
    out = F.convolve(gray[110:137, 190:217], k)[10:17, 10:17]
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.9))
    for ax, data, title in ((axes[0], patch, "input window (7 x 7)"), (axes[1], k, "kernel (sharpen)"),
                            (axes[2], out, "output")):
        ax.imshow(data, cmap="gray" if data is not k else "coolwarm", vmin=None if data is k else 0,
                  vmax=None if data is k else 255)
        for (i, j), v in np.ndenumerate(data):
            ax.text(j, i, str(v), ha="center", va="center", fontsize=8,
                    color="red" if data is not k and 1 <= i <= 3 and 1 <= j <= 3 and data is patch else "black")
        ax.set_title(title, fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
    axes[0].add_patch(plt.Rectangle((0.5, 0.5), 3, 3, fill=False, color="red", lw=2))
    axes[2].add_patch(plt.Rectangle((1.5, 1.5), 1, 1, fill=False, color="red", lw=2))
    fig.suptitle("out[2, 2] = sum of (red window) x (kernel), entry by entry: a dot product of 9 numbers",
                 fontsize=10)
    fig.tight_layout()
    fig.savefig(OUT / "filters-sliding.png", dpi=90)
    plt.close(fig)


def separable():
    gauss = np.outer(F.gaussian_kernel(2.0), F.gaussian_kernel(2.0))
    sharp = np.array([[0.0, -1, 0], [-1, 5, -1], [0, -1, 0]])
    fig, axes = plt.subplots(1, 2, figsize=(9, 3))
    for ax, K, title in ((axes[0], gauss, "Gaussian 13 x 13: rank {}, two 1-D passes"),
                         (axes[1], sharp, "3 x 3 sharpen: rank {}, the 2-D sum")):
        s = fastla.svd(K, compute_uv=False)
        title = title.format(int((s > 1e-9 * s[0]).sum()))
        ax.bar(range(1, len(s) + 1), s / s[0], color="tab:blue")
        ax.set_yscale("log")
        ax.set_ylim(1e-18, 2)
        ax.set_xlabel("i")
        ax.set_ylabel("s_i / s_1")
        ax.set_title(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(OUT / "filters-separable.png", dpi=90)
    plt.close(fig)


def geometry(photos):
    img = read_image(photos / "rocket.jpg")
    row_of([img, F.rotate(img, 15), F.scale(F.scale(img, 0.25), 4), F.shear(img, 0.3)],
           ["original", "rotate(img, 15)", "scale 1/4 then 4", "shear(img, 0.3)"],
           OUT / "filters-geometry.png")


if __name__ == "__main__":
    photos = Path(sys.argv[1] if len(sys.argv) > 1 else "photos")
    colour(photos)
    kernels(photos)
    sliding(photos)
    separable()
    geometry(photos)
    print("wrote", sorted(p.name for p in OUT.glob("filters-*.png")))
