"""Issue 16, items 1 and 4: ``symml demo`` says when it skips the PDF and what installs
pdflatex; pdflatex runs under a short, configurable time limit."""

from __future__ import annotations

import inspect
import os
import shutil
import stat
from pathlib import Path

import pytest

import symml.demo as demo
from symml.cli import main
from symml.errors import SymmlError
from symml.notes import PDFLATEX_TIMEOUT, TEX_PACKAGES, Notes, compile_latex


@pytest.fixture
def slow_pdflatex(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A ``pdflatex`` on the PATH that hangs, as TeX does on ``$\\def\\x{\\x}\\x$``."""
    folder = tmp_path / "bin"
    folder.mkdir()
    fake = folder / "pdflatex"
    fake.write_text("#!/bin/sh\nexec sleep 30\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    assert shutil.which("pdflatex") == str(fake)
    return fake


def test_pdflatex_limit_is_about_thirty_seconds_by_default() -> None:
    assert PDFLATEX_TIMEOUT == 30.0
    for fn in (Notes.write, compile_latex):
        assert inspect.signature(fn).parameters["timeout"].default == PDFLATEX_TIMEOUT


def test_a_hanging_pdflatex_is_stopped_at_the_given_limit(
    slow_pdflatex: Path, tmp_path: Path
) -> None:
    source = tmp_path / "loop.tex"
    source.write_text("\\documentclass{article}\\begin{document}x\\end{document}\n")
    with pytest.raises(SymmlError, match=r"pdflatex ran past 0\.5 s .*--pdf-timeout"):
        compile_latex(source, timeout=0.5)


def test_notes_command_takes_a_pdf_timeout(
    slow_pdflatex: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    recipe = tmp_path / "r.txt"
    recipe.write_text("text: hello\n")
    code = main(["notes", str(recipe), "-o", str(tmp_path / "r.pdf"), "--pdf-timeout", "0.5"])
    err = capsys.readouterr().err
    assert code == 3
    assert "pdflatex ran past 0.5 s" in err and len(err.strip().splitlines()) == 1


def test_demo_without_pdflatex_says_the_pdf_was_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(demo, "PARTS", ())  # the document's frame only: fast
    monkeypatch.setattr(demo.shutil, "which", lambda name: None)
    code = main(["demo", "--out", str(tmp_path / "d")])
    out = capsys.readouterr().out
    assert code == 0
    line = next(ln for ln in out.splitlines() if ln.startswith("skipped notes.pdf"))
    assert "pdflatex is not on the PATH" in line and TEX_PACKAGES in line
    assert TEX_PACKAGES == "texlive-latex-base texlive-latex-recommended"
    assert not (tmp_path / "d" / "notes.pdf").exists()
    assert (tmp_path / "d" / "notes.tex").exists()


def test_demo_no_pdf_asked_for_is_not_reported_as_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(demo, "PARTS", ())
    assert main(["demo", "--out", str(tmp_path / "d"), "--no-pdf"]) == 0
    assert "skipped" not in capsys.readouterr().out
