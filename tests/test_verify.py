"""Numeric checks of derivatives: domains (log), n×1 shapes, points near poles."""

from __future__ import annotations

import pytest

from tests.helpers import Cli


@pytest.mark.parametrize(
    "argv",
    [
        ["grad", "log(x)", "--wrt", "x", "--verify"],
        ["diff", "log(x)", "--wrt", "x", "--verify"],
        ["hessian", "x*log(x)+y", "--verify"],
        ["hessian", "x**3", "--verify"],
        ["jacobian", "[x**2, x**3]", "--wrt", "x", "--verify"],
    ],
)
def test_cli_verify_passes(argv: list[str], cli: Cli) -> None:
    result = cli(*argv)
    assert result.code == 0
    out = result.out
    assert "verify: passed" in out
