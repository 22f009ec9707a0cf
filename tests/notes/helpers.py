"""Shared by the notes tests and the notes command's tests: whether pdflatex is there."""

from __future__ import annotations

import shutil

import pytest

PDFLATEX = shutil.which("pdflatex")
needs_pdflatex = pytest.mark.skipif(
    PDFLATEX is None,
    reason="pdflatex is not on the PATH (Debian: apt-get install "
    "texlive-latex-base texlive-latex-recommended poppler-utils)",
)
