"""Derivation, Step, Verification, the coercion of inputs, LaTeX, and the arguments of
``verify``."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import sympy

import symml as sm
from symml.derivation import Verification, as_expr, as_wrt

x, y = sympy.symbols("x y", real=True)

# --- LaTeX, as exact strings ------------------------------------------------------------------

LATEX = [
    (sm.parse("x^2/2"), r"\frac{x^{2}}{2}"),
    (sm.parse("sqrt(x) + exp(-y)"), r"\sqrt{x} + e^{- y}"),
    (sm.parse("[[1, x], [y, 2]]"), r"\left[\begin{matrix}1 & x\\y & 2\end{matrix}\right]"),
    (sm.parse("log(x)*sin(y)"), r"\log{\left(x \right)} \sin{\left(y \right)}"),
    (sm.derivative("x**3", "x"), r"\frac{d}{d x} f(x) = 3 x^{2}"),
    (sm.derivative("x**2*y", "x"), r"\frac{\partial}{\partial x} f(x, y) = 2 x y"),
    (sm.derivative("x**4", "x", 2), r"\frac{d^{2}}{d x^{2}} f(x) = 12 x^{2}"),
    (
        sm.gradient("x**2*y + y**3", "x, y"),
        r"\nabla f(x, y) = \left[\begin{matrix}2 x y\\x^{2} + 3 y^{2}\end{matrix}\right]",
    ),
    (
        sm.hessian("x**2*y", "x, y"),
        r"\nabla^2 f(x, y) = \left[\begin{matrix}2 y & 2 x\\2 x & 0\end{matrix}\right]",
    ),
    (
        sm.jacobian("[x*y, x + y]", "x, y"),
        r"J_F(x, y) = \left[\begin{matrix}y & x\\1 & 1\end{matrix}\right]",
    ),
]


@pytest.mark.parametrize(("obj", "expected"), LATEX)
def test_latex_exact(obj: object, expected: str) -> None:
    assert sm.to_latex(obj, steps=False) == expected


def test_derivation_latex_with_steps_is_an_aligned_block() -> None:
    d = sm.gradient("x**2*y + y**3", "x, y")
    assert d.latex() == (
        "\\begin{aligned}\n"
        r"f(x, y) &= x^{2} y + y^{3} && \text{definition} \\"
        "\n"
        r"\frac{\partial f}{\partial x} &= 2 x y && \text{partial derivative in x} \\"
        "\n"
        r"\frac{\partial f}{\partial y} &= x^{2} + 3 y^{2} && \text{partial derivative in y} \\"
        "\n"
        r"\nabla f(x, y) &= \left[\begin{matrix}2 x y\\x^{2} + 3 y^{2}\end{matrix}\right]"
        "\n"
        "\\end{aligned}"
    )
    assert d._repr_latex_() == f"$$ {d.latex()} $$"


def test_every_step_is_a_line_with_an_equation() -> None:
    for d in (
        sm.derivative("x^2*sin(x)", "x"),
        sm.hessian("exp(x*y)", "x, y"),
        sm.jacobian(["x*y", "sin(x)"], "x, y"),
    ):
        assert d.steps
        for step in d.steps:
            assert isinstance(step, sm.Step)
            assert " = " in step.latex and step.title


# --- frozen results and verification ---------------------------------------------------------


def test_results_are_frozen() -> None:
    d = sm.derivative("x**2", "x")
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.result = 0  # type: ignore[misc]


def test_verify_validates_arguments() -> None:
    d = sm.derivative("x**2", "x")
    with pytest.raises(ValueError, match="points"):
        d.verify(points=0)
    with pytest.raises(TypeError, match="rng"):
        d.verify(rng="seed")  # type: ignore[arg-type]


# --- coercion --------------------------------------------------------------------------------


def test_inputs_may_be_str_expr_or_derivation() -> None:
    from_str = sm.derivative("x**3", "x")
    from_expr = sm.derivative(x**3, x)
    from_derivation = sm.derivative(sm.derivative("x**4/4", "x"), "x")
    assert from_str.result == from_expr.result == from_derivation.result == 3 * x**2
    # steps of the earlier derivation are carried forward
    assert len(from_derivation.steps) > len(from_str.steps)


def test_wrt_forms() -> None:
    expr = x * y
    assert as_wrt("x,y", expr) == as_wrt("x y", expr) == as_wrt([x, "y"], expr) == (x, y)
    assert as_wrt(None, expr) == (x, y)
    assert as_wrt("y", expr) == (y,)


def test_wrt_matches_a_users_symbol_by_name() -> None:
    t = sympy.Symbol("t", positive=True)
    d = sm.derivative(t**3, "t")
    assert d.result == 3 * t**2
    # a real Symbol named like the user's plain one still differentiates (no silent zero)
    plain = sympy.Symbol("u")
    assert sm.derivative(plain**2, sympy.Symbol("u", real=True)).result == 2 * plain


BAD_WRT = [
    ("x**2", "y", "does not occur"),
    ("x**2", "x, x", "twice"),
    ("x**2", "2x", "not a variable"),
    ("x**2", "", "names no variable"),
    ("x**2", [3], "not a variable"),
]


@pytest.mark.parametrize(("f", "wrt", "match"), BAD_WRT)
def test_bad_wrt(f: str, wrt: object, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        sm.gradient(f, wrt)


def test_non_scalar_where_a_scalar_is_needed() -> None:
    with pytest.raises(ValueError, match="scalar"):
        sm.gradient("[x, y]", "x, y")
    with pytest.raises(ValueError, match="one variable"):
        sm.derivative("x*y", "x, y")
    with pytest.raises(ValueError, match="positive integer"):
        sm.derivative("x", "x", 0)


def test_as_expr_rejects_unknown_types() -> None:
    with pytest.raises(TypeError):
        as_expr(object())
    with pytest.raises(TypeError):
        as_expr(None)
    assert as_expr(np.float64(2.5))[0] == sympy.Float(2.5)


def test_jacobian_of_a_ragged_vector_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="ragged"):
        sm.jacobian([[x, y], [x]], "x, y")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a%b", r"a\%b"),
        ("c#d_1", r"c\#d_{1}"),
        ("p&q", r"p\&q"),
        ("m$n", r"m\$n"),
        ("u{v}", r"u\{v\}"),
        ("w\\z", r"w\backslash z"),
    ],
)
def test_symbol_names_with_latex_specials_are_escaped(name: str, expected: str) -> None:
    # a % in a symbol's name used to comment out the rest of the line in the .tex
    s = sympy.Symbol(name, real=True)
    assert sm.to_latex(s) == expected
    d = sm.gradient(s**2 * x, [s, x])
    assert f"f({expected}, x)" in d.latex()
    assert float(d.to_numpy()(2.0, 3.0)[0]) == pytest.approx(12.0)  # d/ds s^2 x = 2 s x


def test_symbols_with_specials_compile_in_notes(tmp_path: object) -> None:
    import shutil

    from symml.notes import latex_problems

    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex is not on the PATH")
    notes = sm.Notes("Specials")
    a = sympy.Symbol("a%b", real=True)
    notes.add(sm.gradient(a * x**2, [a, x]))
    pdf = notes.write(tmp_path / "s.pdf")  # type: ignore[operator]
    assert latex_problems(pdf.with_suffix(".log").read_text(encoding="latin-1")) == []


def test_verification_text_singular_and_plural() -> None:
    assert "1 point," in str(Verification(True, 0.0, "m", 1))
    assert "2 points," in str(Verification(True, 0.0, "m", 2))
    assert "1 point," in Verification(True, 0.0, "m", 1).latex()
