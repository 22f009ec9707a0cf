"""What tests of every area share: running the ``symml`` command line.

Tests get the runner as the ``cli`` fixture (``tests/conftest.py``) and annotate it as
:class:`Cli`.
"""

from __future__ import annotations

import contextlib
import io
import sys
from pathlib import Path
from subprocess import run as run_process
from typing import NamedTuple, Protocol

from symml.cli import main


class CliResult(NamedTuple):
    """What one run of ``symml`` gave: its exit code and everything it printed."""

    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        """The printed lines, without the blank ones around them."""
        return self.out.strip().splitlines()


def run_cli(
    *args: str, subprocess: bool = False, cwd: Path | None = None, timeout: float = 120
) -> CliResult:
    """Run ``symml ARGS...``; return its exit code, stdout and stderr.

    In this process by default (``symml.cli.main`` with stdout and stderr captured), so that
    monkeypatches apply. With ``subprocess=True`` as ``python -m symml`` in a process of its
    own, in ``cwd``, killed after ``timeout`` seconds: for what only a real process shows.

    Examples:
        >>> run_cli("diff", "x^3", "--wrt", "x")
        CliResult(code=0, out='3*x**2\\n', err='')
        >>> run_cli("diff", "2x").code
        2
    """
    if subprocess:
        proc = run_process(
            [sys.executable, "-m", "symml", *args],
            capture_output=True,
            text=True,
            cwd=cwd,
            timeout=timeout,
            check=False,
        )
        return CliResult(proc.returncode, proc.stdout, proc.stderr)
    if cwd is not None:
        raise TypeError("cwd needs subprocess=True (in this process, use monkeypatch.chdir)")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return CliResult(code, out.getvalue(), err.getvalue())


class Cli(Protocol):
    """The type of the ``cli`` fixture: :func:`run_cli`."""

    def __call__(
        self, *args: str, subprocess: bool = False, cwd: Path | None = None, timeout: float = 120
    ) -> CliResult: ...
