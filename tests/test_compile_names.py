"""Saved modules with any function name, docstrings in one naming, functions with no numeric
form."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import Cli


@pytest.mark.parametrize(
    "argv",
    [
        ["diff", "sign(x)*x**2", "--wrt", "x", "--export", "s.py"],
        ["diff", "floor(x)*x", "--wrt", "x", "--verify"],
        ["hessian", "abs(x)", "--verify"],
    ],
)
def test_cli_no_numeric_form_is_exit_3_one_line(
    argv: list[str], tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli(*argv)
    assert result.code == 3
    err = result.err
    assert err.count("\n") == 1 and "NotSupportedError" in err and "Traceback" not in err
    assert not (tmp_path / "s.py").exists()
