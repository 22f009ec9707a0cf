"""Issue 16, item 5 (the CLI and notes part): a numeric result is always marked as one,
with ``≈``, its method and its error estimate, on the command line, in ``--latex`` and in
notes; a symbolic one is not."""

from __future__ import annotations

import dataclasses

import pytest

import symml as sm
from symml.cli import main

NUMERIC = ["integrate", "exp(-x^2)", "--wrt", "x", "--from", "0", "--to", "1", "--numeric"]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str]]:
    code = main(list(argv))
    return code, capsys.readouterr().out.strip().splitlines()


def test_plain_output_marks_a_numeric_value(capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = run(capsys, *NUMERIC)
    assert code == 0
    assert lines[-2].startswith("≈ numeric result, error estimate ")
    assert float(lines[-2].rsplit(" ", 1)[-1]) < 1e-10
    assert abs(float(lines[-1]) - 0.746824132812427) < 1e-12  # the last line is the value


def test_latex_output_marks_a_numeric_value(capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = run(capsys, *NUMERIC, "--latex")
    assert code == 0
    assert lines[-1].startswith(r"\int\limits_{0}^{1} e^{- x^{2}}\, dx \approx 0.7468")
    assert r"(\text{numeric, error estimate} \approx" in lines[-1] and r"\times 10^{" in lines[-1]


def test_a_symbolic_value_is_not_marked(capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = run(capsys, *NUMERIC[:-1])
    assert code == 0 and lines == ["sqrt(pi)*erf(1)/2"]
    code, lines = run(capsys, *NUMERIC[:-1], "--latex")
    assert r"\approx" not in lines[-1] and " = " in lines[-1]


def test_notes_set_a_numeric_value_with_approx_and_its_error() -> None:
    d = sm.integral("exp(-x**2)*cos(x**3)", ("x", 0, 1), method="numeric")
    notes = sm.Notes("t")
    notes.add(d)
    notes.add(dataclasses.replace(d, error=None))
    for source in (notes.latex(), notes.markdown()):
        finals = [ln for ln in source.splitlines() if ln.startswith(r"\int\limits_{0}^{1}")]
        assert len(finals) == 2 and all(r"&\approx " in ln for ln in finals), finals
    md = notes.markdown()
    assert "numeric, error about " in md and "numeric, no error estimate" in md
