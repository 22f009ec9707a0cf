"""Issue 16, item 2: the tour notebook's outputs stay out of the repository, the tour
shows its plot in Jupyter (no ``matplotlib.use("Agg")``), and rerunning the build scripts
with nothing changed leaves the tree clean (fixed cell ids; an identical picture is not
rewritten)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "worked_examples"

nbformat = pytest.importorskip("nbformat")
sys.path.insert(0, str(EXAMPLES))
try:
    import build_figures
    import build_tour
finally:
    sys.path.remove(str(EXAMPLES))


def test_the_tour_builds_the_same_file_twice_and_the_committed_one_is_it(tmp_path: Path) -> None:
    first, second = tmp_path / "a.ipynb", tmp_path / "b.ipynb"
    assert build_tour.write(first) and build_tour.write(second)
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes() == (EXAMPLES / "tour.ipynb").read_bytes()
    assert not build_tour.write(first)  # unchanged: not rewritten
    ids = [c["id"] for c in json.loads(first.read_text())["cells"]]
    assert ids == [f"cell-{i:02d}" for i in range(len(ids))]


def test_the_tour_does_not_force_a_backend() -> None:
    assert not any("matplotlib.use(" in source for _, source in build_tour.CELLS)


@pytest.mark.skipif(
    shutil.which("git") is None or not (ROOT / ".git").exists(),
    reason="needs git and a checkout of the repository",
)
@pytest.mark.parametrize(
    "path",
    [
        "worked_examples/grad_f.py",
        "worked_examples/tour-notes.md",
        "worked_examples/tour-notes.tex",
        "worked_examples/tour-notes.pdf",
        "worked_examples/tour-notes-fig1.png",
        "examples-out/01_vectors.png",
    ],
)
def test_what_the_tour_and_examples_write_in_place_is_ignored(path: str) -> None:
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", "--no-index", path], cwd=ROOT, check=False
    )
    assert ignored.returncode == 0, f"{path} is not in .gitignore"


def test_an_identical_picture_is_not_rewritten(tmp_path: Path) -> None:
    from PIL import Image

    pixels = Image.new("RGB", (8, 4), (10, 200, 30))
    made, committed, other = tmp_path / "made.png", tmp_path / "committed.png", tmp_path / "o.png"
    pixels.save(made, optimize=True)
    pixels.save(committed, optimize=False)  # the same picture, encoded differently
    assert made.read_bytes() != committed.read_bytes()
    assert build_figures.same_picture(made, committed)
    before = committed.read_bytes()
    assert not build_figures._update(made, committed)
    assert committed.read_bytes() == before
    Image.new("RGB", (8, 4), (10, 200, 31)).save(other)
    assert not build_figures.same_picture(other, committed)
    assert build_figures._update(other, committed)
    assert committed.read_bytes() == other.read_bytes()
