"""The numba backend of ``to_numpy`` gives the NumPy backend's numbers, shapes and broadcasting."""

from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
import warnings

import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import symml as sm
from tests.strategies import trees

pytest.importorskip("numba")

X, Y = sympy.symbols("x y", real=True)  # the symbols of the trees

RTOL = 1e-12


def numba_and_numpy(expr, wrt):
    fast = sm.to_numpy(expr, wrt, backend="numba")
    assert fast.backend == "numba", "the expression fell back to the NumPy backend"
    return fast, sm.to_numpy(expr, wrt)


def assert_same(got, want):
    assert got.shape == want.shape
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, want, rtol=RTOL, atol=RTOL)


# --- the foundation's random expression trees (+ - * / ** and sin cos exp log tanh sqrt,
# on a domain made safe by construction), as scalar, vector and matrix results ---


def _shaped(trees_: list) -> object:
    """One tree as a scalar; 2, 3 or 5 as a vector; 4 or 6 as a 2-row matrix."""
    if len(trees_) == 1:
        return trees_[0]
    if len(trees_) in (4, 6):
        return sympy.Matrix(2, len(trees_) // 2, trees_)
    return sympy.Matrix(trees_)


#: Up to six trees per compiled function (one numba compilation checks all of them):
#: scalar, vector (n, 1) and matrix (2, n/2) results.
results = st.lists(trees, min_size=1, max_size=6).map(_shaped)

#: Inputs of both signs (the trees are defined on the whole real line), with 0 and ±2.
POINTS = np.concatenate(
    [
        np.random.default_rng(1).uniform(-2.0, 2.0, size=(2, 6)),
        [[0.0, -2.0, 2.0], [2.0, 0.0, -2.0]],
    ],
    axis=1,
)


@settings(
    max_examples=16, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(results)
def test_random_trees_agree_with_numpy_backend(expr):
    fast, ref = numba_and_numpy(expr, (X, Y))
    x, y = POINTS
    with np.errstate(all="ignore"):
        for args in [
            (1.25, -0.75),
            (-1.5, 0.0),
            (x, y),
            (x, -1.5),
            (x[:3, None], y),
            (np.float64(-0.3), y[::2]),
        ]:
            assert_same(fast(*args), ref(*args))
        # float32 inputs are evaluated in float64 (the NumPy backend stays in float32)
        assert_same(fast(np.float32(-0.9), y), ref(float(np.float32(-0.9)), y))


# --- known shapes: gradient, Hessian, constant components, constants ---


@pytest.fixture(scope="module")
def hessian_pair():
    return numba_and_numpy(sm.hessian("x**2*y + exp(y*z) + log(1 + x**2*z**2)", "x, y, z"), None)


def test_hessian_shapes_and_values(hessian_pair):
    fast, ref = hessian_pair
    pts = np.random.default_rng(2).normal(size=(5, 3))
    assert fast(1.0, 2.0, 3.0).shape == (3, 3)
    assert fast(*pts.T).shape == (5, 3, 3)
    assert fast(pts[:, 0], 0.5, pts[:2, 2, None]).shape == (2, 5, 3, 3)
    assert_same(fast(*pts.T), ref(*pts.T))
    assert_same(fast(pts[:, 0], 0.5, pts[:2, 2, None]), ref(pts[:, 0], 0.5, pts[:2, 2, None]))
    assert_same(fast.packed(pts), ref.packed(pts))
    assert_same(fast.packed(pts[0]), ref.packed(pts[0]))
    h = fast(*pts[0])
    np.testing.assert_allclose(h, h.T, rtol=1e-14)  # the Hessian is symmetric


def test_constant_components_broadcast():
    fast, ref = numba_and_numpy(sympy.Matrix([1, X, 2 * sympy.pi]), (X,))
    got = fast(np.arange(4.0))
    assert got.shape == (4, 3)
    np.testing.assert_array_equal(got[:, 0], 1.0)
    np.testing.assert_allclose(got[:, 2], 2 * np.pi, rtol=1e-15)
    assert_same(got, ref(np.arange(4.0)))


def test_function_of_no_variables():
    fast, ref = numba_and_numpy(sympy.exp(sympy.Integer(2)), ())
    assert fast().shape == ()
    assert_same(fast(), ref())


def test_empty_and_strided_inputs():
    fast, ref = numba_and_numpy(sympy.sin(X) * Y, (X, Y))
    assert fast(np.empty(0), 1.0).shape == (0,)
    x = np.linspace(0, 1, 20)[::3]  # not contiguous
    y = np.broadcast_to(2.0, (7,))  # a stride-0 view
    assert_same(fast(x, y), ref(x, y))


def test_special_functions_numba_has():
    expr = sympy.Matrix(
        [
            sympy.erf(X),
            sympy.erfc(Y),
            sympy.gamma(X + 1),
            sympy.loggamma(Y + 1),
            sympy.Max(X, Y, 1),
            sympy.Min(X, Y),
            sympy.Abs(X - Y),
            sympy.sign(X - 1),
            sympy.floor(3 * X),
            sympy.ceiling(Y),
            sympy.atan2(X, Y),
            sympy.asinh(X),
        ]
    )
    fast, ref = numba_and_numpy(expr, (X, Y))
    x, y = POINTS
    assert_same(fast(x, y), ref(x, y))


def test_nan_and_inf_as_numpy_gives_them():
    fast, ref = numba_and_numpy(sympy.Matrix([sympy.log(X), sympy.sqrt(X), 1 / X, X**Y]), (X, Y))
    x = np.array([0.0, -1.0, np.inf, np.nan, 2.0])
    with np.errstate(all="ignore"):
        np.testing.assert_array_equal(fast(x, 0.5), ref(x, 0.5))


@pytest.mark.parametrize(
    "expr",
    [sympy.besselj(0, X) + X, sympy.I * X, sympy.Heaviside(X - 1)],
    ids=["besselj", "complex", "Heaviside"],
)
def test_unsupported_falls_back_with_a_warning(expr):
    with pytest.warns(UserWarning, match="numba"):
        fast = sm.to_numpy(expr, (X,), backend="numba", cse=False)
    assert fast.backend == "numpy"
    ref = sm.to_numpy(expr, (X,), cse=False)
    np.testing.assert_array_equal(fast(np.array([0.5, 1.5])), ref(np.array([0.5, 1.5])))


def test_without_numba_falls_back_with_a_warning(monkeypatch):
    import symml.compile.numba_backend as nb

    monkeypatch.setattr(nb, "_have_numba", lambda: False)
    expr = sympy.sin(X) / (3 + Y**2)  # used by no other test (to_numpy caches)
    with pytest.warns(UserWarning, match="numba is not installed"):
        fast = sm.to_numpy(expr, (X, Y), backend="numba")
    assert fast.backend == "numpy"
    assert_same(fast(POINTS[0], POINTS[1]), sm.to_numpy(expr, (X, Y))(POINTS[0], POINTS[1]))


def test_complex_input_is_refused():
    fast, _ = numba_and_numpy(sympy.sin(X) + X * Y, (X, Y))
    with pytest.raises(TypeError, match="x"):
        fast(np.array([1 + 2j]), 1.0)


def test_wrong_number_of_arguments():
    fast, _ = numba_and_numpy(sympy.sin(X) * Y, (X, Y))
    with pytest.raises(TypeError, match="2 argument"):
        fast(1.0)


def test_compiled_once_and_cached_on_disk(tmp_path, monkeypatch):
    monkeypatch.setenv("SYMML_CACHE_DIR", str(tmp_path))
    expr = sympy.cos(X) ** 3 - sympy.Rational(7, 11) * X  # used by no other test
    fast = sm.to_numpy(expr, (X,), backend="numba")
    assert sm.to_numpy(expr, (X,), backend="numba") is fast  # in-process cache
    assert fast(0.0) == 1.0
    files = list((tmp_path / "numba").glob("symml_numba_*.py"))
    assert len(files) == 1
    assert files[0].read_text(encoding="utf-8") == fast.source
    assert list((tmp_path / "numba" / "__pycache__").glob("*.nbi"))  # numba's on-disk index


def test_save_writes_a_numpy_and_numba_module(tmp_path, hessian_pair):
    fast, ref = hessian_pair
    path = fast.save(tmp_path / "hess.py", name="hess")
    source = path.read_text(encoding="utf-8")
    imported = {
        a.name.split(".")[0]
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Import)
        for a in node.names
    }
    assert imported == {"math", "numba", "numpy"}
    assert not any(isinstance(node, ast.ImportFrom) for node in ast.walk(ast.parse(source)))
    spec = importlib.util.spec_from_file_location("hess_saved", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["hess_saved"] = module
    spec.loader.exec_module(module)
    pts = np.random.default_rng(3).normal(size=(4, 3))
    assert_same(module.hess(*pts.T), ref(*pts.T))
    assert_same(module.hess_packed(pts), ref.packed(pts))
    with pytest.raises(ValueError, match="numba"):
        fast.save(tmp_path / "bad.py", name="numba")


def test_import_symml_does_not_import_numba_or_dask():
    code = "import sys, symml; print(sorted({'numba', 'dask'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_no_warning_for_supported_expressions():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fast = sm.to_numpy(sm.gradient("sigmoid(x)*softplus(y)", "x, y"), backend="numba")
    assert fast.backend == "numba"
    ref = sm.to_numpy(sm.gradient("sigmoid(x)*softplus(y)", "x, y"))
    assert_same(fast(POINTS[0], POINTS[1]), ref(POINTS[0], POINTS[1]))


# --- integers beyond int64; compile errors fall back; the fallback warns at every request ---


@pytest.mark.parametrize(
    "expr",
    [
        sympy.diff(X**30, X, 20),
        sympy.expand((X + 1) ** 70),
        2**70 * X,
        X / 3**50 + sympy.Rational(2**80, 3),
    ],
    ids=["diff", "expand", "2**70", "rational"],
)
def test_integers_beyond_int64_are_float_literals(expr):
    fast, ref = numba_and_numpy(expr, (X,))
    pts = np.array([0.5, 1.25, 2.0])  # positive: the expanded polynomial does not cancel
    assert_same(fast(pts), ref(pts))
    exact = [float(expr.subs(X, sympy.Rational(str(p))).evalf(30)) for p in pts]
    np.testing.assert_allclose(fast(pts), exact, rtol=1e-13)


def test_a_numba_compile_error_falls_back_with_a_warning(monkeypatch):
    import symml.compile.numba_backend as nb

    real = nb._loop_body

    def broken(expr, wrt, cse):  # a loop body numba cannot type (str + float)
        temps, values = real(expr, wrt, cse)
        return temps, [f'("text" + {v})' for v in values]

    monkeypatch.setattr(nb, "_loop_body", broken)
    expr = sympy.cos(X) * (5 + Y**4)  # used by no other test (to_numpy caches)
    with pytest.warns(UserWarning, match="numba could not compile"):
        fast = sm.to_numpy(expr, (X, Y), backend="numba")
    assert fast.backend == "numpy"
    monkeypatch.setattr(nb, "_loop_body", real)
    assert_same(fast(POINTS[0], POINTS[1]), sm.to_numpy(expr, (X, Y))(POINTS[0], POINTS[1]))
    assert_same(fast(POINTS[0], POINTS[1]), np.cos(POINTS[0]) * (5 + POINTS[1] ** 4))


def test_the_fallback_warns_at_every_request():
    expr = sympy.besselj(1, X) * Y  # used by no other test
    for _ in range(3):
        with pytest.warns(UserWarning, match="numba cannot evaluate besselj"):
            fast = sm.to_numpy(expr, (X, Y), backend="numba")
        assert fast.backend == "numpy" and fast.fallback == "numba cannot evaluate besselj"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the NumPy backend itself never warns about numba
        ref = sm.to_numpy(expr, (X, Y))
    # the fallback's numbers: J₁(x)·y by SymPy's own evaluation (mpmath), point by point
    want = [float(expr.subs({X: a, Y: b}).evalf(30)) for a, b in zip(*POINTS, strict=True)]
    np.testing.assert_allclose(fast(POINTS[0], POINTS[1]), want, rtol=1e-12, atol=1e-15)
    assert_same(fast(POINTS[0], POINTS[1]), ref(POINTS[0], POINTS[1]))
