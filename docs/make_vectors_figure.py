"""Draws docs/vectors.png from docs/bench-vector.json: time per call of the dot
product by vector length, plain Python vs NumPy vs fastla.

    python docs/make_vectors_figure.py      (needs matplotlib)"""

import json
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

HERE = Path(__file__).parent
results = json.loads((HERE / "bench-vector.json").read_text())["results"]
dots = [(int(re.sub(r"\D", "", r["case"])), r["seconds"]) for r in results if r["case"].startswith("dot ")]
fig, ax = plt.subplots(figsize=(6, 3.6), dpi=110)
for impl, style in (("naive", "o-"), ("numpy", "s-"), ("fastla", "^-")):
    pts = [(n, s[impl]) for n, s in dots if impl in s]
    ax.loglog([n for n, _ in pts], [t for _, t in pts], style, label={"naive": "plain Python (fastla.naive)",
                                                                      "numpy": "NumPy", "fastla": "fastla"}[impl])
ax.set_xlabel("vector length n")
ax.set_ylabel("seconds per dot(x, y)")
ax.set_title("The same sum, three ways")
ax.grid(True, which="both", alpha=0.3)
ax.legend()
fig.tight_layout()
fig.savefig(HERE / "vectors.png")
print("saved", HERE / "vectors.png")
