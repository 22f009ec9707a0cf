"""The safe parser: hostile strings are rejected without side effects; valid ones parse."""

from __future__ import annotations

from tests.helpers import Cli


def test_cli_exit_2_for_a_huge_power(cli: Cli) -> None:
    result = cli("diff", "9**9**9", "--wrt", "x")
    assert result.code == 2
    err = result.err
    assert "digits" in err and err.count("\n") == 1
