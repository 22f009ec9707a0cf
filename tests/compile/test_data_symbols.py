"""Data symbols (issue 15, API.md "arguments beyond wrt"): a compiled function takes
``wrt`` first, then the other free symbols sorted by name; ``.wrt`` lists them all and
keyword calls work, on every backend, and through a Derivation and its saved module."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
import sympy

import symml as sm
from tests.compile.conftest import compiled

LOSS = "(y - w*x - b)**2"


def test_wrt_first_then_the_data_sorted_by_name() -> None:
    f = sm.to_numpy(LOSS, "w, b")
    assert [s.name for s in f.wrt] == ["w", "b", "x", "y"]
    assert float(f(2.0, 1.0, 3.0, 10.0)) == 9.0


def test_keywords_by_name() -> None:
    f = sm.to_numpy(LOSS, "w, b")
    assert float(f(2.0, 1.0, y=10.0, x=3.0)) == 9.0
    assert float(f(w=2.0, b=1.0, x=3.0, y=10.0)) == 9.0
    with pytest.raises(TypeError, match="multiple values for argument 'w'"):
        f(2.0, w=1.0, b=1.0, x=1.0, y=1.0)
    with pytest.raises(TypeError, match="unexpected keyword argument 'z'"):
        f(2.0, 1.0, 3.0, z=1.0)
    with pytest.raises(TypeError, match="missing y"):
        f(2.0, 1.0, x=3.0)


def test_a_sanitised_name_is_a_keyword_too() -> None:
    lam, x = sympy.symbols("lambda x")
    f = sm.to_numpy(lam * x, [x])  # 'lambda' is a keyword: the argument is arg1
    assert [s.name for s in f.wrt] == ["x", "lambda"]
    assert float(f(2.0, arg1=3.0)) == float(f(2.0, **{"lambda": 3.0})) == 6.0


def test_the_gradient_of_a_loss_in_its_parameters_on_data(any_backend: str) -> None:
    grad = sm.gradient(LOSS, "w, b")
    assert [s.name for s in grad.to_numpy().wrt] == ["w", "b", "x", "y"]
    xs, ys = np.array([0.0, 1.0, 2.0]), np.array([1.0, 3.0, 5.0])
    g = compiled(any_backend, grad)(0.5, 0.25, xs, ys)
    residual = ys - 0.5 * xs - 0.25
    np.testing.assert_allclose(g, np.stack([-2 * residual * xs, -2 * residual], -1), rtol=1e-15)


def test_keywords_on_jax_and_torch(x64: object, torch: object) -> None:
    assert float(sm.to_jax(LOSS, "w, b")(2.0, 1.0, y=10.0, x=3.0)) == 9.0
    assert float(sm.to_torch(LOSS, "w, b")(2.0, 1.0, y=10.0, x=3.0)) == 9.0


def test_the_export_takes_the_data_after_wrt(tmp_path: Path) -> None:
    path = sm.gradient(LOSS, "w, b").to_numpy().save(tmp_path / "g.py", name="grad_loss")
    spec = importlib.util.spec_from_file_location("g", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert "def grad_loss(w, b, x, y):" in path.read_text()
    np.testing.assert_allclose(module.grad_loss(2.0, 1.0, 3.0, 10.0), [-18.0, -6.0])


def test_derived_packed_takes_the_data_columns_too() -> None:
    f = sm.to_numpy(LOSS, "w, b")
    assert float(f.packed(np.array([2.0, 1.0, 3.0, 10.0]))) == 9.0
    with pytest.raises(ValueError, match="length 4"):
        f.packed(np.array([2.0, 1.0]))


# --- the command line ---------------------------------------------------------------------


def test_cli_export_of_a_loss_gradient_with_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from symml.cli import main

    path = tmp_path / "g.py"
    assert main(["grad", "(y - w*x - b)^2", "--wrt", "w,b", "--export", str(path)]) == 0
    assert "exported" in capsys.readouterr().out
    assert "def g(w, b, x, y):" in path.read_text()


def test_cli_verify_of_a_loss_gradient_with_data(capsys: pytest.CaptureFixture[str]) -> None:
    from symml.cli import main

    assert main(["grad", "(y - w*x - b)^2", "--wrt", "w,b", "--verify"]) == 0
    assert "passed" in capsys.readouterr().out


def test_the_check_draws_the_data_symbols_and_can_fail() -> None:
    """verify() of a derivative in the parameters draws the data symbols at random too (held
    fixed along the difference direction): a right gradient passes, a wrong one fails."""
    g = sm.gradient("(y - w*x - b)**2", "w, b")
    assert g.wrt == tuple(sympy.symbols("w b", real=True))
    v = g.verify(rng=0)
    assert v.passed and v.points == 5
    x = sympy.Symbol("x", real=True)
    wrong = sm.Derivation(g.result * (1 + x / 10), g.wrt, g.steps, g.lhs, check=g.check)
    assert not wrong.verify(rng=0).passed
    h = sm.hessian("(y - w*x - b)**2", "w, b")
    assert h.verify(rng=1).passed
