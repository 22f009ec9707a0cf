"""Saved modules with any function name, docstrings in one naming, functions with no numeric
form."""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

import numpy as np
import pytest
import sympy

import symml as sm
from symml.compile import LARGE_TREE
from symml.dag import dag_size

x, y = sympy.symbols("x y", real=True)

SMALL = x**2 * sympy.sin(y) + sympy.erf(x)  # erf: the module imports scipy.special too
LARGE = sympy.Add(*[sympy.sin(i * x + y**i) / i for i in range(1, 500)])
XS, YS = np.array([0.3, -0.7, 1.1]), np.array([0.5, 0.25, -0.4])


@functools.cache
def _reference(which: str) -> np.ndarray:
    """The expression at (XS, YS) by SymPy's evalf (30 digits), not by compiled code."""
    expr = {"small": SMALL, "large": LARGE}[which]
    return np.array(
        [float(sympy.N(expr.subs({x: a, y: b}), 30)) for a, b in zip(XS, YS, strict=True)]
    )


def _load(path: Path) -> object:
    spec = importlib.util.spec_from_file_location(f"saved_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_large_expression_takes_the_shared_path() -> None:
    assert dag_size([LARGE]) > LARGE_TREE >= dag_size([SMALL])


@pytest.mark.parametrize(
    "name", ["X", "numpy", "scipy", "_float", "f_packed", "_out", "a", "_x0", "special"]
)
@pytest.mark.parametrize("which", ["small", "large"])
def test_any_identifier_works_as_the_saved_name(tmp_path: Path, name: str, which: str) -> None:
    f = sm.to_numpy(SMALL if which == "small" else LARGE, [x, y])
    path = f.save(tmp_path / f"m_{name.strip('_')}.py", name=name)
    module = _load(path)
    want = _reference(which)
    assert np.allclose(getattr(module, name)(XS, YS), want, rtol=1e-11, atol=1e-12)
    packed = getattr(module, f"{name}_packed")
    assert np.allclose(packed(np.stack([XS, YS], axis=-1)), want, rtol=1e-11, atol=1e-12)
    assert float(packed(np.array([XS[0], YS[0]]))) == pytest.approx(want[0], rel=1e-11)


@pytest.mark.parametrize("bad", ["1f", "class", "f-g", "", "x y", "print", "é"])
def test_unusable_names_are_refused(tmp_path: Path, bad: str) -> None:
    with pytest.raises(ValueError, match="name"):
        sm.to_numpy("x", "x").save(tmp_path / "m.py", name=bad)


def test_docstring_uses_the_argument_names_and_says_which_symbol_is_which(tmp_path: Path) -> None:
    arg0, lam = sympy.symbols("arg0 lambda", real=True)
    f = sm.to_numpy(2 * arg0 + lam**2, [arg0, lam])
    text = f.save(tmp_path / "m.py").read_text()
    assert "f(arg0, arg1) = 2*arg0 + arg1**2 (where arg1 is lambda)" in text
    assert "lambda**2" not in text
    module = _load(tmp_path / "m.py")
    assert float(module.f(1.5, 3.0)) == pytest.approx(2 * 1.5 + 9.0)  # type: ignore[attr-defined]


def test_docstring_unchanged_when_no_name_is_sanitised(tmp_path: Path) -> None:
    text = sm.to_numpy("x**2 + y", "x, y").save(tmp_path / "m.py", name="g").read_text()
    assert "g(x, y) = x**2 + y'" in text and "where" not in text


@pytest.mark.parametrize(
    ("text", "culprit"),
    [("sign(x)*x**2", "DiracDelta(x)"), ("floor(x)*x", "Derivative(floor(x), x)")],
)
def test_no_numeric_form_is_not_supported_naming_it(text: str, culprit: str) -> None:
    d = sm.derivative(text, "x")
    with pytest.raises(
        sm.NotSupportedError,
        match=r"cannot compile .*" + culprit.replace("(", r"\(").replace(")", r"\)"),
    ):
        d.to_numpy()
    with pytest.raises(sm.NotSupportedError):
        d.verify(rng=0)


def test_parsed_matrix_literal_compiles() -> None:
    f = sm.to_numpy("[[x, y], [1, x*y]]", "x, y")
    assert np.array_equal(f(2.0, 3.0), np.array([[2.0, 3.0], [1.0, 6.0]]))
