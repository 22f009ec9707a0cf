"""ML-friendly display forms (issue 16, item 13): σ, softplus and tanh recognised in results,
as a display form that keeps the value; display-size fractions in matrix entries."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import sympy

import symml as sm
from symml.config import config
from symml.derivation import tex
from symml.display import (
    MAX_OPS,
    exp_form,
    ml_display,
    ml_display_on,
    ml_form,
    plain,
    sigmoid,
    softplus,
)
from symml.notes import Notes, latex_problems
from tests.helpers import Cli
from tests.notes.helpers import needs_pdflatex

# --- the known-answer table: input, plain text, LaTeX -----------------------------------------

FORMS = [
    ("1/(1+exp(-x))", "sigmoid(x)", r"\sigma\left(x\right)"),
    ("exp(x)/(exp(x)+1)", "sigmoid(x)", r"\sigma\left(x\right)"),
    ("1/(exp(x)+1)", "sigmoid(-x)", r"\sigma\left(- x\right)"),
    ("log(1+exp(x))", "softplus(x)", r"\operatorname{softplus}\left(x\right)"),
    (
        "log(1+exp(-y*w*x))",
        "softplus(-w*x*y)",
        r"\operatorname{softplus}\left(- w x y\right)",
    ),
    ("(exp(x)-exp(-x))/(exp(x)+exp(-x))", "tanh(x)", r"\tanh{\left(x \right)}"),
    ("(exp(2*x)-1)/(exp(2*x)+1)", "tanh(x)", r"\tanh{\left(x \right)}"),
    ("(exp(x)-1)/(exp(x)+1)", "tanh(x/2)", r"\tanh{\left(\frac{x}{2} \right)}"),
    ("-x*y/(exp(w*x*y)+1)", "-x*y*sigmoid(-w*x*y)", r"- x y \sigma\left(- w x y\right)"),
    (
        "x*(-y + (1-y)*exp(w*x))/(exp(w*x)+1)",
        "x*(sigmoid(w*x) - y)",
        r"x \left(\sigma\left(w x\right) - y\right)",
    ),
    (
        "exp(x)/(exp(x)+1)^2",
        "sigmoid(x)*(1 - sigmoid(x))",
        r"\sigma\left(x\right) \left(1 - \sigma\left(x\right)\right)",
    ),
    ("4*exp(2*x)/(exp(2*x)+1)^2", "1 - tanh(x)**2", r"1 - \tanh^{2}{\left(x \right)}"),
    ("x*exp(x) + 1/(1+exp(-x))", "x*exp(x) + sigmoid(x)", r"x e^{x} + \sigma\left(x\right)"),
    (
        "-y*log(1/(1+exp(-w*x))) - (1-y)*log(1-1/(1+exp(-w*x)))",
        "-y*log(sigmoid(w*x)) - (1 - y)*log(sigmoid(-w*x))",
        r"- y \log{\left(\sigma\left(w x\right) \right)} - \left(1 - y\right) "
        r"\log{\left(\sigma\left(- w x\right) \right)}",
    ),
    ("sin(1/(1+exp(-x)))", "sin(sigmoid(x))", r"\sin{\left(\sigma\left(x\right) \right)}"),
    ("sigmoid(w*x+b)", "sigmoid(b + w*x)", r"\sigma\left(b + w x\right)"),
    ("softplus(x)^2", "softplus(x)**2", r"\operatorname{softplus}\left(x\right)^{2}"),
    # nothing to recognise: shown as SymPy writes it
    ("x*exp(-x^2/2)", "x*exp(-x**2/2)", r"x e^{- \frac{x^{2}}{2}}"),
    ("exp(x)", "exp(x)", r"e^{x}"),
    ("x^2 + 1", "x**2 + 1", r"x^{2} + 1"),
]


def _agree(a: sympy.Expr, b: sympy.Expr, seed: int = 0) -> None:
    """``a`` and ``b`` have the same value at 20 random points (of their free symbols)."""
    names = sorted({s.name for s in a.free_symbols | b.free_symbols})
    symbols = [sympy.Symbol(n, real=True) for n in names]
    fa = sympy.lambdify(symbols, _real(a), "numpy")
    fb = sympy.lambdify(symbols, _real(b), "numpy")
    points = np.random.default_rng(seed).uniform(-3, 3, size=(20, len(names)))
    va = np.array([fa(*p) for p in points], dtype=float)
    vb = np.array([fb(*p) for p in points], dtype=float)
    assert np.allclose(va, vb, rtol=1e-10, atol=1e-12), (a, b, np.max(np.abs(va - vb)))


def _real(e: sympy.Expr) -> sympy.Expr:
    return e.xreplace({s: sympy.Symbol(s.name, real=True) for s in e.free_symbols})


@pytest.mark.parametrize(("text", "shown", "latex"), FORMS)
def test_display_forms(text: str, shown: str, latex: str) -> None:
    expr = sm.parse(text)
    assert plain(expr) == shown
    assert tex(expr) == latex


@pytest.mark.parametrize(("text", "shown", "latex"), FORMS)
def test_a_display_form_keeps_the_value(text: str, shown: str, latex: str) -> None:
    expr = sm.parse(text)
    form = ml_form(expr)
    _agree(expr, exp_form(form))  # written back in exp and log
    _agree(expr, sm.parse(shown))  # the plain text parses back to the same value
    x0 = {s: sympy.Rational(7, 10) for s in expr.free_symbols}
    assert abs(sympy.N(form.subs(x0), 30) - sympy.N(expr.subs(x0), 30)) < 1e-25  # evalf


def test_the_display_functions_evaluate_and_differentiate() -> None:
    u = sympy.Symbol("u", real=True)
    assert sigmoid(u).doit() == 1 / (1 + sympy.exp(-u))
    assert softplus(u).rewrite(sympy.exp) == sympy.log(1 + sympy.exp(u))
    assert (
        sympy.simplify(exp_form(sigmoid(u).diff(u)) - sympy.exp(-u) / (1 + sympy.exp(-u)) ** 2) == 0
    )
    assert softplus(u).diff(u) == sigmoid(u)
    assert float(sigmoid(sympy.Integer(2)).evalf()) == pytest.approx(1 / (1 + np.exp(-2)))
    assert float(softplus(sympy.Integer(2)).evalf()) == pytest.approx(np.log1p(np.exp(2)))


# --- results: the display changes, the result does not -----------------------------------------

LOGISTIC = "-y*log(1/(1+exp(-w*x))) - (1-y)*log(1-1/(1+exp(-w*x)))"

RESULTS = [
    (
        lambda: sm.gradient("log(1+exp(-y*w*x))", "w"),
        "Matrix([[-x*y*sigmoid(-w*x*y)]])",
        r"\nabla f(w) = \left[\begin{matrix}- x y \sigma\left(- w x y\right)\end{matrix}\right]",
    ),
    (
        lambda: sm.gradient(LOGISTIC, "w"),
        "Matrix([[x*(sigmoid(w*x) - y)]])",
        r"\nabla f(w) = \left[\begin{matrix}x \left(\sigma\left(w x\right) - y\right)"
        r"\end{matrix}\right]",
    ),
    (
        lambda: sm.derivative("1/(1+exp(-x))", "x"),
        "sigmoid(x)*(1 - sigmoid(x))",
        r"\frac{d}{d x} f(x) = \sigma\left(x\right) \left(1 - \sigma\left(x\right)\right)",
    ),
    (
        lambda: sm.derivative("softplus(x)", "x"),
        "sigmoid(x)",
        r"\frac{d}{d x} f(x) = \sigma\left(x\right)",
    ),
    (
        lambda: sm.derivative("tanh(x)", "x"),
        "1 - tanh(x)**2",
        r"\frac{d}{d x} f(x) = 1 - \tanh^{2}{\left(x \right)}",
    ),
]


@pytest.mark.parametrize(("make", "shown", "latex"), RESULTS)
def test_results_are_shown_in_ml_form(make, shown: str, latex: str) -> None:  # noqa: ANN001
    d = make()
    assert d.plain() == str(d) == shown
    assert d.latex(steps=False) == latex
    assert "sigmoid" not in str(d.result) and "softplus" not in str(d.result)
    value = d.result[0] if isinstance(d.result, sympy.MatrixBase) else d.result
    _agree(value, exp_form(ml_form(value)))
    assert d.verify()


def test_the_result_itself_is_unchanged() -> None:
    d = sm.gradient("log(1+exp(-y*w*x))", "w")
    w, x, y = sympy.symbols("w x y", real=True)
    assert d.result == sympy.ImmutableMatrix([[-x * y / (sympy.exp(w * x * y) + 1)]])
    f = d.to_numpy()
    assert float(np.ravel(f(0.3, 1.5, -2.0))[0]) == pytest.approx(
        -1.5 * -2.0 / (np.exp(0.3 * 1.5 * -2.0) + 1)
    )


def test_the_steps_are_shown_in_ml_form() -> None:
    text = sm.gradient(LOGISTIC, "w").latex()
    assert r"\log{\left(\sigma\left(w x\right) \right)}" in text  # the definition
    assert r"x \left(\sigma\left(w x\right) - y\right) && \text{partial derivative in w}" in text
    assert "e^{" not in text


def test_ml_display_switches_it_off_for_a_block() -> None:
    assert config.ml_display is True and ml_display_on()
    d = sm.gradient("log(1+exp(-y*w*x))", "w")
    with ml_display(False):
        assert not ml_display_on()
        assert d.plain() == "Matrix([[-x*y/(exp(w*x*y) + 1)]])"
        assert d.latex(steps=False) == (
            r"\nabla f(w) = \left[\begin{matrix}\displaystyle - \frac{x y}{e^{w x y} + 1}"
            r"\end{matrix}\right]"
        )
        assert (
            r"\log{\left(1 + e^{- w x y} \right)}" in sm.gradient("log(1+exp(-y*w*x))", "w").latex()
        )
    assert ml_display_on()
    assert d.plain() == "Matrix([[-x*y*sigmoid(-w*x*y)]])"


def test_what_is_not_an_expression_passes_through() -> None:
    x = sympy.Symbol("x")
    big = sum(x**k / (1 + sympy.exp(-k * x)) for k in range(1, 60))
    assert sympy.count_ops(big) > MAX_OPS
    assert ml_form(big) is big
    assert ml_form(x**2) == x**2
    assert ml_form("text") == "text"
    assert ml_form({x: 1 / (1 + sympy.exp(-x))}) == {x: sigmoid(x)}
    assert ml_form(sympy.exp(sympy.I * x) / (1 + sympy.exp(sympy.I * x))).has(sympy.exp)
    # an unevaluated derivative holds exp where no substitution reaches: shown as it is
    d = sympy.Derivative(1 / (1 + sympy.exp(-x)), x, evaluate=False)
    assert exp_form(ml_form(d)) == d


def test_a_high_power_is_left_alone_quickly() -> None:
    x, y, z = sympy.symbols("x y z")
    e = 1 / (sympy.exp(x) + y + z) ** 30  # expanding it would take seconds
    assert ml_form(e) == e


# --- matrices: fractions at display size --------------------------------------------------


def test_fractions_in_matrix_entries_are_display_size() -> None:
    x = sympy.Symbol("x")
    m = sympy.Matrix([[x / (1 + x**2), 1], [sympy.exp(x / 2), 2]])
    # before: \left[\begin{matrix}\frac{x}{x^{2} + 1} & 1\\e^{\frac{x}{2}} & 2\end{matrix}\right]
    assert tex(m) == (
        r"\left[\begin{matrix}\displaystyle \frac{x}{x^{2} + 1} & 1\\e^{\frac{x}{2}} & 2"
        r"\end{matrix}\right]"
    )
    assert tex(x / (1 + x**2)) == r"\frac{x}{x^{2} + 1}"  # outside a matrix: as before


# --- the command line -----------------------------------------------------------------------


def test_cli_grad_prints_sigma(cli: Cli) -> None:
    r = cli("grad", "log(1+exp(-y*w*x))", "--wrt", "w")
    assert r.code == 0 and r.lines[-1] == "Matrix([[-x*y*sigmoid(-w*x*y)]])"
    r = cli("grad", LOGISTIC, "--wrt", "w", "--latex")
    assert r.code == 0 and r"x \left(\sigma\left(w x\right) - y\right)" in r.out
    r = cli("grad", LOGISTIC, "--wrt", "w", "--steps")
    assert r.code == 0 and "partial derivative in w: ∂f/∂w = x (σ(w x) - y)" in r.out


def test_cli_output_parses_back(cli: Cli) -> None:
    r = cli("diff", "1/(1+exp(-x))", "--wrt", "x")
    assert r.code == 0 and r.lines[-1] == "sigmoid(x)*(1 - sigmoid(x))"
    x = sympy.Symbol("x", real=True)
    _agree(sm.parse(r.lines[-1]), sympy.exp(-x) / (1 + sympy.exp(-x)) ** 2)


def test_cli_exp_form_prints_the_derived_exp(cli: Cli) -> None:
    r = cli("diff", "1/(1+exp(-x))", "--wrt", "x", "--exp-form", "--steps")
    assert r.code == 0 and r.lines[-1] == "exp(x)/(exp(x) + 1)**2"
    assert "σ" not in r.out and "sigmoid" not in r.out
    x = sympy.Symbol("x", real=True)
    _agree(sm.parse(r.lines[-1]), sympy.exp(-x) / (1 + sympy.exp(-x)) ** 2)
    assert "σ" in cli("diff", "1/(1+exp(-x))", "--wrt", "x", "--steps").out  # switched back


def test_a_step_that_reads_as_the_one_before_joins_its_line(cli: Cli) -> None:
    """σ' in display form is already simple: 'simplify' joins 'differentiate'."""
    r = cli("diff", "1/(1+exp(-x))", "--wrt", "x", "--steps")
    assert r.code == 0
    equations = [line.split(": ", 1)[1] for line in r.lines[:-1]]
    assert all(a != b for a, b in zip(equations, equations[1:], strict=False))
    assert "differentiate; simplify: d/dx f(x) = σ(x) (1 - σ(x))" in r.lines
    d = sm.derivative("1/(1+exp(-x))", "x")
    assert [s.title for s in d.steps][-2:] == ["differentiate", "simplify"]  # data unchanged
    tex = d.latex()  # one line in the LaTeX too
    assert tex.count(r"\sigma\left(x\right) \left(1 - \sigma\left(x\right)\right)") == 1
    assert r"\text{differentiate; simplify}" in tex


# --- LaTeX that compiles ----------------------------------------------------------------------


@needs_pdflatex
def test_the_display_forms_compile(tmp_path: Path) -> None:
    notes = Notes("ML forms")
    notes.add(sm.gradient(LOGISTIC, "w"))
    notes.add(sm.hessian("log(1+exp(-y*(w*x+b)))", "w, b"))
    notes.add(sm.derivative("softplus(x)", "x"))
    notes.add(sympy.Matrix([[sm.parse("x/(1+x^2)"), sm.parse("exp(x/2)")]]), lhs="M")
    pdf = notes.write(tmp_path / "ml.pdf")
    log = pdf.with_suffix(".log").read_text(encoding="latin-1")
    assert latex_problems(log) == []
    source = pdf.with_suffix(".tex").read_text(encoding="utf-8")
    assert r"\sigma\left(" in source and r"\operatorname{softplus}" in source
