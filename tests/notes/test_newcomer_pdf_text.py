"""Issue 16, item 10: the demo and recipe PDF. Unicode in text becomes LaTeX (no
``[U+2212]``), ``σ_min`` is math, √2√π is one root, no parentheses around a lone factor,
integral limits set one way, the figures sit before the short results, and the two
convergence panels plot the same, labelled, quantity."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

import symml as sm
import symml.demo as demo
from symml.cli import main
from symml.derivation import Step, Verification
from symml.notes import latex_problems, latex_text, tidy_display

CHECK_METHOD = "A v = λ v, σ_min(A − λI), tr Aᵏ"


def test_unicode_of_check_methods_becomes_latex() -> None:
    text = latex_text(CHECK_METHOD)
    assert "[U+" not in text
    assert r"$\sigma_{\min}$" in text and "$-$" in text and "$^{k}$" in text
    assert "\\_" not in text  # σ_min is math, not σ\_min


@pytest.mark.parametrize(
    ("latex", "shown"),
    [
        (r"\int_{-\infty}^{\infty} f\, dx", r"\int\limits_{-\infty}^{\infty} f\, dx"),
        (r"\int\limits_{0}^{1} f\, dx", r"\int\limits_{0}^{1} f\, dx"),
        (r"\int f\, dx", r"\int f\, dx"),
        (r"\sqrt{2} \sqrt{\pi}", r"\sqrt{2 \pi}"),
        (r"\frac{\sqrt{2} \sqrt{\pi}}{2}", r"\frac{\sqrt{2 \pi}}{2}"),
        (
            r"\int_{a}^{b} \left(x^{2}\right) \left(\frac{1}{2}\right)\, dx",
            r"\int\limits_{a}^{b} x^{2} \frac{1}{2}\, dx",
        ),
        # parentheses a power, a sign, a sum or a function needs stay
        (r"\left(x\right)^{k}", r"\left(x\right)^{k}"),
        (r"a - \left(- b\right)", r"a - \left(- b\right)"),
        (r"2 \left(x + 1\right)", r"2 \left(x + 1\right)"),
        (r"\sin{\left(x \right)}", r"\sin{\left(x \right)}"),
        (r"f\left(x\right)", r"f\left(x\right)"),
        (r"\sqrt{2} \sqrt{3}", r"\sqrt{2} \sqrt{3}"),
    ],
)
def test_tidy_display(latex: str, shown: str) -> None:
    assert tidy_display(latex) == shown


def _integral_like() -> sm.Derivation:
    d = sm.integral("x**2*exp(-x**2/2)", ("x", "-oo", "oo"))
    steps = (
        Step(
            "integral",
            r"I = \int_{-\infty}^{\infty} \left(x^{2}\right) e^{- \frac{x^{2}}{2}}\, dx",
        ),
        Step("evaluate", r"I = \sqrt{2} \sqrt{\pi}"),
    )
    return dataclasses.replace(d, steps=steps)


def test_notes_show_tidy_formulas_and_text() -> None:
    notes = sm.Notes("t")
    notes.add(_integral_like())
    notes.add(Verification(passed=True, max_error=1e-16, method=CHECK_METHOD, points=1))
    for source in (notes.latex(), notes.markdown()):
        assert r"\int_" not in source and r"\sqrt{2} \sqrt{\pi}" not in source
        assert r"\sqrt{2 \pi}" in source and r"\left(x^{2}\right)" not in source
    assert "[U+" not in notes.latex()


@pytest.mark.skipif(
    shutil.which("pdflatex") is None,
    reason="pdflatex is not on the PATH (Debian: apt-get install texlive-latex-base "
    "texlive-latex-recommended)",
)
def test_unicode_check_text_compiles_cleanly(tmp_path: Path) -> None:
    notes = sm.Notes("t")
    notes.add(_integral_like())
    notes.add(Verification(passed=True, max_error=1e-16, method=CHECK_METHOD, points=1))
    notes.write(tmp_path / "t.pdf")
    assert latex_problems((tmp_path / "t.log").read_text(encoding="latin-1")) == []


def test_demo_figures_come_before_the_short_results_and_say_what_they_plot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(demo, "PARTS", (("optimisation", demo._optimisation),))
    assert main(["demo", "--out", str(tmp_path), "--no-pdf"]) == 0
    capsys.readouterr()
    md = (tmp_path / "notes.md").read_text(encoding="utf-8")
    assert md.index("notes-convergence.png") < md.index("### Gradient descent")
    assert "Left: gradient descent with momentum; right: Newton's method." in md
    assert "plots the objective $f(x_k)$" in md


def test_convergence_of_a_run_that_reaches_zero_still_plots_f() -> None:
    import matplotlib

    matplotlib.use("Agg", force=False)
    r = sm.newton("(1 - x)**2 + 100*(y - x**2)**2", [-1.2, 1.0])
    assert r.fun == 0.0  # Newton lands on the minimum exactly
    values = sm.plot_convergence(r).get_lines()[0]
    assert values.get_label() == "$f(x_k)$"
