"""Notes: wide matrices, failed checks, recipe errors, carried-forward steps, long products,
awkward file names."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import symml as sm  # noqa: E402
from tests.helpers import Cli, CliResult  # noqa: E402


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
