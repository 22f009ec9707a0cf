"""The documentation builds with warnings as errors, and its code examples run.

The Sphinx build runs once (one test, so that ``pytest -n 2`` does not build twice) and checks
the API reference, the user-guide pages and the worked-examples page with its figures. Every user-guide
page's ``>>>`` examples run as doctests, so the outputs the pages show are the real ones.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
GUIDE_PAGES = (
    "calculus",
    "linear-algebra",
    "probability",
    "numeric",
    "optimisation",
    "notes",
    "matrix-calculus",
)


def build_html(out: Path) -> Path:
    """Build the HTML docs into ``out`` with warnings as errors; fail with Sphinx's stderr."""
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "--keep-going",
            "-b",
            "html",
            "-q",
            str(DOCS),
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert res.returncode == 0, res.stderr[-4000:]
    return out


def check_api_page(html: Path) -> None:
    assert "symml" in (html / "index.html").read_text(encoding="utf-8")
    api = (html / "api.html").read_text(encoding="utf-8")
    for name in ("to_numpy", "gradient", "parse", "Derivation"):
        assert name in api


def check_guide_pages(html: Path) -> None:
    index = (html / "guide" / "index.html").read_text(encoding="utf-8")
    for page in GUIDE_PAGES:
        built = html / "guide" / f"{page}.html"
        assert built.is_file(), f"docs/guide/{page}.md was not built"
        assert f'href="{page}.html"' in index, f"{page} is not in the guide's toctree"
        text = built.read_text(encoding="utf-8")
        assert "<h1>" in text and "symml" in text, page


def check_examples_page(html: Path) -> None:
    text = (html / "examples.html").read_text(encoding="utf-8")
    scripts = sorted(p.name for p in (ROOT / "worked_examples").glob("[0-9][0-9]_*.py"))
    assert len(scripts) == 13
    for script in scripts:
        assert script in text, f"{script} is not on the worked-examples page"
    images = re.findall(r'<img [^>]*src="([^"]+)"', text)
    assert len(images) >= 4
    for src in images:
        png = (html / src).resolve()
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", src


def test_sphinx_build_with_warnings_as_errors(tmp_path: Path) -> None:
    """One build (it takes a while), then every check on its HTML."""
    pytest.importorskip("sphinx")
    pytest.importorskip("myst_parser")
    html = build_html(tmp_path / "html")
    check_api_page(html)
    check_guide_pages(html)
    check_examples_page(html)


def test_committed_figures_are_small_and_few() -> None:
    figures = sorted((DOCS / "_static" / "examples").glob("*.png"))
    assert 1 <= len(figures) <= 20
    for png in figures:
        assert png.stat().st_size < 100_000, f"{png.name} is {png.stat().st_size} bytes"


def build_figures():
    """worked_examples/build_figures.py as a module (the scripts are not a package)."""
    path = ROOT / "worked_examples" / "build_figures.py"
    spec = importlib.util.spec_from_file_location("build_figures", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


REBUILD = "run: python worked_examples/build_figures.py"


def test_doc_figures_are_exactly_the_referenced_ones_from_the_current_scripts() -> None:
    bf = build_figures()
    shown, made = bf.referenced(), bf.written()
    assert shown, "no page shows a figure"
    folder = DOCS / "_static" / "examples"
    assert {p.name for p in folder.glob("*.png")} == set(shown), REBUILD
    assert set(shown) <= set(made), f"figures no script writes: {set(shown) - set(made)}"
    manifest = json.loads((folder / "SOURCES.json").read_text(encoding="utf-8"))
    assert set(manifest) == set(shown), REBUILD
    for name, entry in manifest.items():
        assert entry["script"] == made[name], (name, REBUILD)
        assert entry["sha256"] == bf.fingerprint(made[name]), (
            f"{name}: {made[name]} changed after the figure was made; {REBUILD}"
        )
    for name in shown:
        png = folder / name
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name


def test_every_chapter_shows_a_figure_and_the_guides_show_theirs() -> None:
    bf = build_figures()
    shown, made = bf.referenced(), bf.written()
    on_examples = {name for name, where in shown.items() if "examples.md" in where}
    assert made and on_examples  # the loop below has scripts to look for
    for script in {s for s in made.values()}:
        assert any(made[name] == script for name in on_examples), (
            f"docs/examples.md shows no figure of {script}"
        )
    on_optimisation = {name for name, where in shown.items() if "guide/optimisation.md" in where}
    assert {
        "10_rosenbrock_paths.png",
        "10_gd_convergence.png",
        "10_newton_convergence.png",
    } <= on_optimisation


def test_benchmarks_page_says_how_to_reproduce() -> None:
    text = (DOCS / "benchmarks.md").read_text(encoding="utf-8")
    assert "python -m tests.benchmarks" in text and "How to reproduce" in text


@pytest.mark.parametrize("page", GUIDE_PAGES)
def test_guide_page_examples_run(page: str, tmp_path: Path) -> None:
    path = DOCS / "guide" / f"{page}.md"
    assert path.read_text(encoding="utf-8").count(">>> ") >= 3, f"{page} has no examples"
    res = subprocess.run(
        [sys.executable, "-m", "doctest", "-o", "NORMALIZE_WHITESPACE", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={**os.environ, "MPLBACKEND": "Agg"},
    )
    assert res.returncode == 0, res.stdout[-4000:] + res.stderr[-2000:]
