"""The README's tour runs as written: its ``>>>`` session as a doctest, its shell lines as
commands."""

from __future__ import annotations

import doctest
import importlib.util
import re
import shlex
from pathlib import Path

import numpy as np
import pytest

from tests.helpers import Cli

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_tour_doctest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # the tour saves grad_f.py into the working folder
    result = doctest.testfile(
        str(README),
        module_relative=False,
        verbose=False,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
    )
    assert result.attempted >= 8 and result.failed == 0, result
    spec = importlib.util.spec_from_file_location("grad_f", tmp_path / "grad_f.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    # grad (x^2 y + y^3) = (2xy, x^2 + 3y^2) at (1, 2): (4, 13)
    assert np.allclose(module.grad_f(1.0, 2.0), [4.0, 13.0])


def _tour_commands() -> list[list[str]]:
    text = README.read_text(encoding="utf-8")
    tour = text[text.index("## A 30-second tour") :]
    tour = tour[: tour.index("\n## ", 1)]
    blocks = re.findall(r"```bash\n(.*?)```", tour, re.S)
    return [
        shlex.split(line)[1:]
        for block in blocks
        for line in block.splitlines()
        if line.startswith("symml ")
    ]


def test_readme_tour_has_shell_examples() -> None:
    assert len(_tour_commands()) >= 3


@pytest.mark.parametrize("argv", _tour_commands(), ids=lambda a: " ".join(a)[:40])
def test_readme_tour_shell_lines_run(argv: list[str], tmp_path: Path, cli: Cli) -> None:
    proc = cli(*argv, subprocess=True, cwd=tmp_path, timeout=120)
    assert proc.code == 0, proc.err
    assert proc.err == "" and proc.out.strip()
    if "--verify" in argv:
        assert "verify: passed" in proc.out
