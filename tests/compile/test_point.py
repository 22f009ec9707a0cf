"""The one-point function (``NumericFunction.point``, ``f_point`` in the generated module):
what the optimisers call at every step. It computes on Python floats and falls back to
NumPy scalars where Python raises, so its values are the NumPy backend's everywhere."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

import symml as sm
from symml.compile import value_and_gradient


@pytest.mark.parametrize("text", ["x*y + sin(x)", "[x*y, 1, x**2]", "[[x, y], [2, x*y]]", "3"])
def test_point_is_the_packed_single_point_path(text: str) -> None:
    f = sm.to_numpy(sm.parse(text), "x, y")
    p = np.array([0.7, -1.3])
    got = f.point(p)
    assert got.dtype == np.float64 and got.shape == f.result_shape
    np.testing.assert_array_equal(got, f.packed(p))
    np.testing.assert_array_equal(got, f(*p))


@pytest.mark.parametrize(
    ("text", "at"),
    [
        ("1/x + y", [0.0, 1.0]),  # Python: ZeroDivisionError; NumPy: inf
        ("x**400 + y", [10.0, 1.0]),  # Python: OverflowError in the power; NumPy: inf
        ("x**0.5 + y", [-1.0, 1.0]),  # Python: a complex number; NumPy: nan
    ],
)
def test_point_falls_back_to_numpy_where_python_raises(text: str, at: list[float]) -> None:
    f = sm.to_numpy(text, "x, y")
    p = np.array(at)
    with np.errstate(all="ignore"):
        np.testing.assert_array_equal(f.point(p), f(*p))


def test_value_and_gradient_point_matches_the_rosenbrock_gradient() -> None:
    point = value_and_gradient("(1 - x)**2 + 100*(y - x**2)**2", "x, y").point
    x, y = 0.3, -0.8
    want = [
        (1 - x) ** 2 + 100 * (y - x * x) ** 2,
        2 * (x - 1) - 400 * x * (y - x * x),
        200 * (y - x * x),
    ]
    np.testing.assert_allclose(point(np.array([x, y])), want, rtol=1e-14)


def test_saved_module_has_the_point_function(tmp_path: Path) -> None:
    path = sm.to_numpy("x*y + 1", "x, y").save(tmp_path / "m.py", name="g")
    spec = importlib.util.spec_from_file_location("m_point", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert float(module.g_point(np.array([2.0, 3.0]))) == 7.0
    assert float(module.g_packed(np.array([2.0, 3.0]))) == 7.0


def test_other_backends_give_their_packed_function() -> None:
    f = sm.to_numpy("x*y", "x, y", backend="array_api")
    assert float(f.point(np.array([2.0, 3.0]))) == 6.0
