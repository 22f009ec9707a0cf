"""to_numpy / NumericFunction: shapes, broadcasting, CSE, caching, export, safe names."""

from __future__ import annotations

from tests.helpers import Cli


def test_cli_division_by_zero_has_no_internal_error(cli: Cli) -> None:
    code, _, err = cli("diff", "x/0", "--wrt", "x", "--verify")
    assert code == 3 and "internal error" not in err and err.count("\n") == 1
    assert "finite" in err  # nowhere finite: nothing to check it at
