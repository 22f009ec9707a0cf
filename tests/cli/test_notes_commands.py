"""The notes subcommand: a recipe file built into a document, and its errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import symml as sm
from symml.derivation import tex
from symml.notes import latex_problems
from tests.helpers import Cli, CliResult
from tests.notes.helpers import PDFLATEX, needs_pdflatex

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
    if ".pdf" in runs:  # the PDF run wrote the .tex beside it; without pdflatex .tex ran itself
        runs[".tex"] = (runs[".pdf"][0], runs[".pdf"][1], folder / "notes.tex")
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


# --- recipe errors and options ------------------------------------------------------------


def _notes(cli: Cli, tmp_path: Path, recipe: str, out: str) -> CliResult:
    path = tmp_path / "r.txt"
    path.write_text(recipe, encoding="utf-8")
    return cli("notes", str(path), "-o", str(tmp_path / out))


def test_recipe_verify_of_log_passes(tmp_path: Path, cli: Cli) -> None:
    code, _, err = _notes(cli, tmp_path, "grad: log(x) | x --verify\n", "a.md")
    assert (code, err) == (0, "")
    md = (tmp_path / "a.md").read_text()
    assert "**passed**" in md and r"\frac{1}{x}" in md


@pytest.mark.parametrize(
    ("recipe", "words"),
    [
        ("grad: x**2 | x\ntitle: $x\n", "line 2:"),
        ("grad: x**2 | x --export /nonexistent/dir/a.py\n", "line 1: --export: cannot write"),
        ("grad: x**2 | x --export a.txt\n", "line 1: --export"),
        # options without the '|' used to be parsed as part of the expression ("write export*neg")
        (
            "hessian: -x^3 --export neg.py\n",
            "line 1: options go after '|': write 'hessian: -x^3 | --export neg.py'",
        ),
        ("diff: sin(x) --verify\n", "line 1: options go after '|'"),
    ],
)
def test_recipe_errors_name_their_line(recipe: str, words: str, tmp_path: Path, cli: Cli) -> None:
    code, _, err = _notes(cli, tmp_path, recipe, "a.tex")
    assert code == 2 and words in err and err.count("\n") == 1


def test_recipe_expression_may_subtract_a_negative(tmp_path: Path, cli: Cli) -> None:
    # "x --y" is x - (-y), not an option: only the subcommand's own options are options
    code, _, err = _notes(cli, tmp_path, "diff: x --y | x --verify\n", "a.md")
    assert (code, err) == (0, "")
    assert "**passed**" in (tmp_path / "a.md").read_text()
    assert sm.derivative("x --y", "x").result == 1


def test_recipe_export_falls_back_to_f_as_the_cli_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli
) -> None:
    import importlib.util

    monkeypatch.chdir(tmp_path)
    code, _, err = _notes(cli, tmp_path, "grad: x**2*y | x, y --export my-grad.py\n", "a.md")
    assert (code, err) == (0, "")
    assert cli("grad", "x**2*y", "--wrt", "x,y", "--export", "cli-grad.py").code == 0
    for name in ("my-grad.py", "cli-grad.py"):
        spec = importlib.util.spec_from_file_location("g", tmp_path / name)
        module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
        spec.loader.exec_module(module)  # type: ignore[union-attr]
        assert np.allclose(module.f(3.0, 2.0), [12.0, 9.0])  # grad x^2 y = (2xy, x^2)
