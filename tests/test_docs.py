"""The documentation builds with warnings as errors, and its code examples run.

The Sphinx build runs once (one test, so that ``pytest -n 2`` does not build twice) and checks
the API reference, the user-guide pages and the worked-examples page with its figures. Every user-guide
page's ``>>>`` examples run as doctests, so the outputs the pages show are the real ones.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
GUIDE_PAGES = ("calculus", "linear-algebra", "probability", "numeric", "optimisation", "notes")


def build_html(out: Path) -> Path:
    """Build the HTML docs into ``out`` with warnings as errors; fail with Sphinx's stderr."""
    res = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "html", "-q",
         str(DOCS), str(out)],
        capture_output=True, text=True, timeout=300,
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
    assert 1 <= len(figures) <= 10
    for png in figures:
        assert png.stat().st_size < 100_000, f"{png.name} is {png.stat().st_size} bytes"


def test_benchmarks_page_says_how_to_reproduce() -> None:
    text = (DOCS / "benchmarks.md").read_text(encoding="utf-8")
    assert "python -m tests.benchmarks" in text and "How to reproduce" in text


@pytest.mark.parametrize("page", GUIDE_PAGES)
def test_guide_page_examples_run(page: str, tmp_path: Path) -> None:
    path = DOCS / "guide" / f"{page}.md"
    assert path.read_text(encoding="utf-8").count(">>> ") >= 3, f"{page} has no examples"
    res = subprocess.run(
        [sys.executable, "-m", "doctest", "-o", "NORMALIZE_WHITESPACE", str(path)],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
        env={**os.environ, "MPLBACKEND": "Agg"},
    )
    assert res.returncode == 0, res.stdout[-4000:] + res.stderr[-2000:]
