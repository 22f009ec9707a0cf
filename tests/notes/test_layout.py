"""Notes layout: wide matrices, failed checks, carried-forward steps, long products,
awkward file names."""

from __future__ import annotations

import shutil
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import sympy  # noqa: E402

import symml as sm  # noqa: E402
from symml.derivation import Verification  # noqa: E402
from symml.notes import (  # noqa: E402
    LINE_WIDTH,
    break_formula,
    estimate_width,
    latex_problems,
    matrix_columns,
    split_factors,
)

needs_pdflatex = pytest.mark.skipif(shutil.which("pdflatex") is None, reason="no pdflatex")


def _log_problems(pdf: Path) -> list[str]:
    return latex_problems(pdf.with_suffix(".log").read_text(encoding="latin-1"))


# --- more than 10 matrix columns -------------------------------------------------------


@needs_pdflatex
def test_hessian_with_eleven_columns_compiles_without_overfull_boxes(tmp_path: Path) -> None:
    xs = sm.symbols("s0:11")
    d = sm.hessian(sum(v**2 for v in xs) * xs[0], xs)
    notes = sm.Notes("Wide")
    notes.add(d)
    assert matrix_columns(notes.latex()) == 11
    assert r"\setcounter{MaxMatrixCols}{11}" in notes.latex()
    pdf = notes.write(tmp_path / "h.pdf")
    assert pdf.exists() and _log_problems(pdf) == []
    # the matrix in the document is the Hessian: H[0, 0] = 6 s0, H[0, 1] = 2 s1
    H = np.asarray(d.to_numpy()(*np.arange(1.0, 12.0)))
    assert H.shape == (11, 11) and H[0, 0] == pytest.approx(6.0) and H[0, 1] == pytest.approx(4.0)


def test_ten_columns_keep_the_default_preamble() -> None:
    notes = sm.Notes("t")
    notes.add(sympy.Matrix([list(sympy.symbols("a0:10"))]))
    assert "MaxMatrixCols" not in notes.latex()


# --- failed checks ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "md_error", "tex_error"),
    [
        (float("inf"), "inf", r"$\infty$"),
        (float("nan"), "nan", "NaN"),
        (0.0, "0.0e+00", "$0$"),
        (3.2e-5, "3.2e-05", r"$3.2 \times 10^{-5}$"),
    ],
)
def test_any_check_error_renders_and_failure_says_failed(
    error: float, md_error: str, tex_error: str
) -> None:
    notes = sm.Notes("t")
    notes.add(
        sm.derivative("x**2", "x"), check=Verification(False, error, "central differences", 1)
    )
    md, tex = notes.markdown(), notes.latex()
    assert "**FAILED**" in md and r"\textbf{FAILED}" in tex
    assert "(central differences, 1 point)" in md and "1 points" not in md + tex
    # the error itself is in the sentence, in each format's own notation
    assert f"largest error {md_error} — **FAILED**" in md
    assert f"largest error {tex_error} --- \\textbf{{FAILED}}" in tex


def test_check_true_with_a_failing_result_is_shown_failed() -> None:
    import dataclasses

    d = sm.derivative("log(x)", "x")
    wrong = dataclasses.replace(d, result=d.result + 1)
    notes = sm.Notes("t", rng=0)
    notes.add(wrong, check=True)
    assert "**FAILED**" in notes.markdown()
    assert str(wrong.verify(rng=0)).startswith("FAILED")


# --- each formula once; long products broken -------------------------------------------

ROSENBROCK = "(1 - x)**2 + 100*(y - x**2)**2"


def test_hessian_after_gradient_shows_the_gradient_steps_once() -> None:
    notes = sm.Notes("t")
    grad, hess = sm.gradient(ROSENBROCK, "x, y"), sm.hessian(ROSENBROCK, "x, y")
    notes.add(grad)
    notes.add(hess)
    for text in (notes.markdown(), notes.latex()):
        assert text.count(r"\frac{\partial f}{\partial x} &=") == 1
        assert text.count("steps of the gradient above") == 1
        # the collapsed line still names what it stands for, so J_{∇f} below is defined
        assert (
            text.count(r"\nabla f &= \text{as derived above}")
            + text.count(r"\nabla f &= \symmlfit{\text{as derived above}}")
            == 1
        )
        assert text.count(r"1200 x^{2} - 400 y + 2") == 1
    # the Hessian on its own keeps all its steps
    alone = sm.Notes("t")
    alone.add(hess)
    assert alone.markdown().count(r"\frac{\partial f}{\partial x} &=") == 1
    assert "steps of" not in alone.markdown()
    assert np.allclose(hess.to_numpy()(1.0, 1.0), [[802.0, -400.0], [-400.0, 200.0]])


LONG_PRODUCT = sympy.Mul(*[sympy.sin(v) for v in sympy.symbols("x0:39", real=True)])


def test_long_product_is_broken_between_factors() -> None:
    latex = sympy.latex(LONG_PRODUCT)
    lines = break_formula(latex, 60.0)
    assert len(lines) >= 4
    assert all(estimate_width(ln) <= 60.0 + 1.5 for ln in lines)
    assert all(ln.startswith(r"\cdot ") for ln in lines[1:])
    assert " ".join(ln.removeprefix(r"\cdot ") for ln in lines) == latex


def test_split_factors_keeps_signs_and_powers_with_their_factor() -> None:
    assert split_factors(r"- 2 x^{2} \left(a + b\right)^{3}") == [
        "- 2",
        "x^{2}",
        r"\left(a + b\right)^{3}",
    ]


@needs_pdflatex
def test_long_product_pdf_has_no_overfull_boxes(tmp_path: Path) -> None:
    notes = sm.Notes("t")
    notes.add(LONG_PRODUCT, lhs="p")
    tex = notes.latex()
    assert tex.count(r"\cdot \sin") >= 3
    rows = [ln for ln in tex.splitlines() if r"\symmlfit{" in ln]
    assert all(estimate_width(r.split(r"\symmlfit{", 1)[1]) <= LINE_WIDTH for r in rows)
    pdf = notes.write(tmp_path / "p.pdf")
    assert _log_problems(pdf) == []
    x = np.full(39, 1.2)
    assert float(sm.to_numpy(LONG_PRODUCT)(*x)) == pytest.approx(np.sin(1.2) ** 39)


# --- file names with TeX-special characters --------------------------------------------


@needs_pdflatex
@pytest.mark.parametrize("stem", ["a%b", "a#b", "my notes", "a_b&c"])
def test_awkward_stems_compile_with_their_figures(stem: str, tmp_path: Path) -> None:
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    notes = sm.Notes("t")
    notes.add(fig, caption="a line")
    notes.add(sm.gradient("x**2*y", "x, y"))
    try:
        pdf = notes.write(tmp_path / f"{stem}.pdf")
        md = notes.write(tmp_path / f"{stem}.md", figures=False)
    finally:
        plt.close(fig)
    assert pdf.exists() and _log_problems(pdf) == []
    (figure,) = notes.figure_files(stem)
    assert (tmp_path / figure).exists() and f"]({figure})" in md.read_text()
    assert "%" not in figure and "#" not in figure and " " not in figure


def test_figure_names_of_different_stems_differ() -> None:
    fig, _ = plt.subplots()
    notes = sm.Notes("t")
    notes.add(fig)
    plt.close(fig)
    names = {notes.figure_files(s)[0] for s in ("a%b", "a#b", "a b", "a_b", "a.b")}
    assert len(names) == 5
    assert notes.figure_files("notes") == ["notes-fig1.png"]
