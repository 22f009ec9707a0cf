"""Issue 16, item 11: a recipe's headings are words ("Critical points", not
"Criticalpoints") and its summary counts results (not "2 steppeds")."""

from __future__ import annotations

from pathlib import Path

import pytest

from symml.cli import main

RECIPE = """\
title: Headings
critical: x^3 - 3*x + y^2 | x, y
eig: [[2,1],[1,2]]
"""


def test_recipe_headings_and_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    recipe = tmp_path / "r.txt"
    recipe.write_text(RECIPE)
    assert main(["notes", str(recipe), "-o", str(tmp_path / "r.tex")]) == 0
    summary = capsys.readouterr().out
    assert "Notes('Headings': 2 results)" in summary and "stepped" not in summary
    tex = (tmp_path / "r.tex").read_text()
    assert r"\section{Critical points}" in tex and "Criticalpoints" not in tex
    assert r"\section{Eigen-decomposition}" in tex
