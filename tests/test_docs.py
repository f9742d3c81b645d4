"""Every Python sample in README.md and docs/*.md runs.

The samples of one page run in order in one namespace (a later sample may use an
earlier one's names), in a temporary folder, with matplotlib drawing off screen.
A page whose samples need an optional extra is skipped when it is missing.
Interactive sessions (>>>) run their statements; the outputs shown are not
compared (arrays print differently across NumPy versions). Excerpts of the
library's code, and samples that need the reader's own files,
are fenced as ```python excerpt and are not run."""

import doctest
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [p for p in [ROOT / "README.md"] + sorted((ROOT / "docs").glob("*.md")) if p.exists()]
SAMPLE = re.compile(r"^```python\n(.*?)^```", re.S | re.M)
EXTRAS = {"matplotlib": "plot", "sklearn": "sklearn", "faiss": "compare", "cv2": "compare",
          "pilgram": "compare", "surprise": "compare", "skimage": "compare", "scipy": "compare"}


def samples(page):
    return SAMPLE.findall(page.read_text(encoding="utf-8"))


@pytest.mark.parametrize("page", [p for p in PAGES if samples(p)], ids=lambda p: p.name)
def test_samples_run(page, tmp_path, monkeypatch):
    code = samples(page)
    for module in EXTRAS:
        if any(re.search(rf"^\s*(import|from) {module}\b", c, re.M) for c in code):
            pytest.importorskip(module, reason=f"{page.name} needs the {EXTRAS[module]} extra")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    namespace = {"__name__": "__docs__"}
    for i, block in enumerate(code, 1):
        if block.lstrip().startswith(">>>"):  # an interactive session: its statements, in order
            block = "".join(ex.source for ex in doctest.DocTestParser().get_examples(block))
        try:
            exec(compile(block, f"{page.name} (sample {i})", "exec"), namespace)
        except (Exception, SyntaxError) as e:
            raise AssertionError(f"{page.name}, sample {i} failed: {type(e).__name__}: {e}\n{block}") from e
