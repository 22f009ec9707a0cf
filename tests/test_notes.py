"""Notes documents: LaTeX that compiles cleanly, Markdown with $$ math, the recipe CLI."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pytest

import symml as sm
from symml.derivation import tex
from symml.notes import (
    latex_problems,
)
from tests.helpers import Cli

matplotlib.use("Agg")
from tests.notes.helpers import PDFLATEX, needs_pdflatex

# --- the recipe CLI ------------------------------------------------------------------------

RECIPE = """\
# derivations kept under version control
title: Calculus recipe
text: The gradient and Hessian of a cubic, checked numerically.
section: Multivariable
grad: x**2*y + y**3 | x, y --verify
hessian: x**2*y + y**3 | x,y

diff: -x**2*exp(-x) | x
jacobian: [x*y, x + y] | x y
"""


@pytest.fixture(scope="module")
def recipe_outputs(
    tmp_path_factory: pytest.TempPathFactory, cli: Cli
) -> dict[str, tuple[int, str, Path]]:
    """The recipe built once as Markdown and once as LaTeX (as PDF when pdflatex exists)."""
    folder = tmp_path_factory.mktemp("recipe")
    recipe = folder / "recipe.txt"
    recipe.write_text(RECIPE, encoding="utf-8")
    runs = {}
    for suffix in (".md", ".pdf" if PDFLATEX else ".tex"):
        out = folder / f"notes{suffix}"
        code, printed, _ = cli("notes", str(recipe), "-o", str(out))
        runs[suffix] = (code, printed, out)
    runs.setdefault(".tex", (runs[".pdf"][0], runs[".pdf"][1], folder / "notes.tex"))
    return runs


@pytest.mark.parametrize("suffix", [".tex", ".md"])
def test_notes_cli_builds_a_document(
    recipe_outputs: dict[str, tuple[int, str, Path]], suffix: str
) -> None:
    code, printed, out = recipe_outputs[suffix]
    assert code == 0
    assert out.stem in printed
    text = out.read_text(encoding="utf-8")
    assert "Calculus recipe" in text and "Multivariable" in text
    expected = [
        sm.gradient("x**2*y + y**3", "x, y"),
        sm.hessian("x**2*y + y**3", "x, y"),
        sm.derivative("-x**2*exp(-x)", "x"),
        sm.jacobian(["x*y", "x + y"], "x, y"),
    ]
    for d in expected:
        assert tex(d.result) in text
    assert text.count("Numeric check") == 1


@needs_pdflatex
def test_notes_cli_pdf_compiles(recipe_outputs: dict[str, tuple[int, str, Path]]) -> None:
    code, _, pdf = recipe_outputs[".pdf"]
    assert code == 0 and pdf.read_bytes()[:5] == b"%PDF-"
    assert latex_problems(pdf.with_suffix(".log").read_text(encoding="latin-1")) == []


@pytest.mark.parametrize(
    ("lines", "number", "fragment"),
    [
        ("grad: x**2 | x\nfoo: x\n", 2, "unknown operation 'foo'"),
        ("grad: x**2 | x\n\n# c\ndiff: 2x | x\n", 4, "implicit multiplication"),
        ("grad x**2\n", 1, "expected 'op: expression | variables'"),
        ("hessian: x**2 | x --bogus\n", 1, "--bogus"),
        ("text: costs $5\n", 1, "unmatched"),
        ("grad: x*y | x, w\n", 1, "'w'"),
    ],
)
def test_notes_cli_bad_line_exits_2_naming_it(
    tmp_path: Path, cli: Cli, lines: str, number: int, fragment: str
) -> None:
    recipe = tmp_path / "bad.txt"
    recipe.write_text(lines, encoding="utf-8")
    result = cli("notes", str(recipe), "-o", str(tmp_path / "bad.tex"))
    assert result.code == 2
    err = result.err
    assert f"line {number}:" in err and fragment in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "bad.tex").exists()


def test_notes_cli_missing_recipe_exits_2(tmp_path: Path, cli: Cli) -> None:
    result = cli("notes", str(tmp_path / "none.txt"), "-o", str(tmp_path / "n.md"))
    assert result.code == 2
    assert "cannot read recipe" in result.err
