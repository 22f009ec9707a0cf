"""to_numpy / NumericFunction: shapes, broadcasting, CSE, caching, export, safe names, and
random expression trees against SymPy's evalf."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import symml as sm
from tests.strategies import X, Y, trees

x, y, z = sympy.symbols("x y z", real=True)

# --- shapes and broadcasting -----------------------------------------------------------------

SHAPES = [
    # (expression, wrt, args, expected output shape)
    ("x**2", "x", (2.0,), ()),
    ("x**2", "x", (np.zeros(5),), (5,)),
    ("x*y", "x,y", (np.zeros(5), 1.0), (5,)),
    ("x*y", "x,y", (np.zeros((4, 1)), np.zeros(3)), (4, 3)),
    ("[x, y, 1]", "x,y", (1.0, 2.0), (3,)),
    ("[x, y, 1]", "x,y", (np.zeros(7), 2.0), (7, 3)),
    ("[[x, 1], [2, y]]", "x,y", (np.zeros((2, 3)), np.zeros(3)), (2, 3, 2, 2)),
    ("[[x, 1], [2, y]]", "x,y", (1.0, 2.0), (2, 2)),
    ("[[1, 2, 3]]", "x", (np.zeros(4),), (4, 1, 3)),
    ("7", "x", (np.zeros(6),), (6,)),
]


@pytest.mark.parametrize(("text", "wrt", "args", "shape"), SHAPES)
def test_output_shapes(text: str, wrt: str, args: tuple, shape: tuple) -> None:
    f = sm.to_numpy(sm.parse(text), wrt)
    out = f(*args)
    assert isinstance(out, np.ndarray)
    assert out.shape == shape
    assert out.dtype == np.float64


def test_constant_second_derivative_broadcasts() -> None:
    f = sm.to_numpy(sm.derivative("x**2", "x", 2))
    out = f(np.zeros(5))
    assert out.shape == (5,)
    np.testing.assert_array_equal(out, np.full(5, 2.0))


def test_constant_components_broadcast_in_a_gradient() -> None:
    g = sm.to_numpy(sm.gradient("x**2 + 3*y", "x, y"))
    out = g(np.arange(4.0), np.zeros(4))
    assert out.shape == (4, 2)
    np.testing.assert_array_equal(out[:, 0], 2 * np.arange(4.0))
    np.testing.assert_array_equal(out[:, 1], np.full(4, 3.0))


def test_scalar_inputs_give_zero_d_results() -> None:
    out = sm.to_numpy("sin(x)", "x")(0.5)
    assert out.shape == ()
    assert float(out) == pytest.approx(np.sin(0.5), rel=1e-15)


def test_hessian_values_match_hand_written() -> None:
    H = sm.to_numpy(sm.hessian("x**2*y + y**3", "x, y"))
    X, Y = np.meshgrid(np.linspace(-1, 1, 3), np.linspace(-2, 2, 4))
    out = H(X, Y)
    assert out.shape == (4, 3, 2, 2)
    expected = np.stack([np.stack([2 * Y, 2 * X], -1), np.stack([2 * X, 6 * Y], -1)], -2)
    np.testing.assert_allclose(out, expected, rtol=1e-15)


def test_integer_inputs_are_promoted_to_float() -> None:
    f = sm.to_numpy("1/x", "x")
    np.testing.assert_allclose(f(np.array([1, 2, 4])), [1.0, 0.5, 0.25])


def test_complex_only_when_values_are() -> None:
    f = sm.to_numpy(sympy.I * x, [x])
    assert f(1.0).dtype == np.complex128
    assert sm.to_numpy("x", "x")(1.0).dtype == np.float64


def test_packed_matches_unpacked() -> None:
    g = sm.to_numpy(sm.gradient("x**2*y + sin(y)*x", "x, y"))
    P = np.random.default_rng(0).normal(size=(6, 2))
    np.testing.assert_array_equal(g.packed(P), g(P[:, 0], P[:, 1]))
    with pytest.raises(ValueError, match="last axis"):
        g.packed(np.zeros((6, 3)))


def test_wrong_argument_count_is_a_type_error() -> None:
    f = sm.to_numpy("x*y", "x, y")
    with pytest.raises(TypeError, match="2 argument"):
        f(1.0)


def test_free_symbol_missing_from_wrt() -> None:
    # issue 15 (API.md, "arguments beyond wrt"): the other free symbols follow wrt, sorted
    # by name; this was a ValueError "not in wrt"
    f = sm.to_numpy("x*y", "x")
    assert f.wrt == tuple(sm.symbols("x y"))


def test_unknown_backend() -> None:
    with pytest.raises(ValueError, match="backend"):
        sm.to_numpy("x", "x", backend="fortran")


# --- CSE and caching ---------------------------------------------------------------------------


def test_cse_shares_repeated_subexpressions() -> None:
    expr = sympy.exp(sympy.sin(x) * y) / (1 + sympy.exp(sympy.sin(x) * y)) + sympy.exp(
        sympy.sin(x) * y
    )
    on = sm.to_numpy(expr, "x, y", cse=True)
    off = sm.to_numpy(expr, "x, y", cse=False)
    assert on.source.count("numpy.sin(") < off.source.count("numpy.sin(")
    assert "_t0 = " in on.source
    pts = np.random.default_rng(1).normal(size=(2, 50))
    np.testing.assert_allclose(on(*pts), off(*pts), rtol=1e-14)


def test_cse_auto_is_off_for_trivial_and_on_for_large() -> None:
    assert not sm.to_numpy("x + 1", "x").cse
    assert sm.to_numpy(sm.hessian("log(exp(x) + exp(y) + exp(z))")).cse


def test_compiled_functions_are_cached() -> None:
    a = sm.to_numpy("x**2 + y", "x, y")
    b = sm.to_numpy(sm.parse("x**2 + y"), [x, y])
    assert a is b
    assert sm.to_numpy("x**2 + y", "y, x") is not a


def test_cse_value_is_validated() -> None:
    with pytest.raises(ValueError, match="cse"):
        sm.to_numpy("x", "x", cse="sometimes")


# --- safe names ------------------------------------------------------------------------------

NASTY_NAMES = [
    "lambda",
    "print",
    "numpy",
    "np",
    "scipy",
    "_out",
    "_x0",
    "__import__('os').system('echo pwned')",
    'a"""; import os; os.system("echo pwned"); """',
    "x y",
    "1x",
    "x\ny",
    "def",
    "arg0",
    "_float",
]


@pytest.mark.parametrize("name", NASTY_NAMES)
def test_hostile_symbol_names_compile_safely(name: str, capfd: pytest.CaptureFixture[str]) -> None:
    s = sympy.Symbol(name, real=True)
    other = sympy.Symbol("arg0", real=True) if name != "arg0" else sympy.Symbol("w", real=True)
    expr = s**2 + 3 * other
    f = sm.to_numpy(expr, [s, other])
    assert float(f(2.0, 1.0)) == 7.0
    np.testing.assert_allclose(f(np.arange(3.0), 1.0), np.arange(3.0) ** 2 + 3)
    compile(f.source, "<check>", "exec")
    assert "pwned" not in capfd.readouterr().out
    for line in f.source.splitlines():
        stripped = line.strip()
        assert not stripped.startswith(("import os", "os.system"))


# --- export ----------------------------------------------------------------------------------

NO_SYMPY = """
import builtins, sys
_real_import = builtins.__import__
def _guard(name, *args, **kwargs):
    if name == "sympy" or name.startswith("sympy.") or name == "symml" or name.startswith("symml."):
        raise ImportError("blocked: " + name)
    return _real_import(name, *args, **kwargs)
builtins.__import__ = _guard
"""


def _run_exported(path: Path, call: str) -> np.ndarray:
    script = NO_SYMPY + textwrap.dedent(f"""
        import importlib.util, numpy
        spec = importlib.util.spec_from_file_location("exported", {str(path)!r})
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        assert "sympy" not in sys.modules
        out = {call}
        numpy.save(sys.stdout.buffer, numpy.asarray(out))
        """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, check=True)
    import io

    return np.load(io.BytesIO(proc.stdout))


def test_saved_module_works_without_sympy(tmp_path: Path) -> None:
    g = sm.to_numpy(sm.gradient("x**2*y + y**3 + exp(-x*y)", "x, y"))
    path = g.save(tmp_path / "grad_f.py", name="grad_f")
    text = path.read_text()
    assert "import numpy" in text and "sympy" not in text.replace("symml", "")
    assert "scipy" not in text
    got = _run_exported(path, "mod.grad_f(numpy.linspace(0, 1, 5), 2.0)")
    np.testing.assert_allclose(got, g(np.linspace(0, 1, 5), 2.0), rtol=1e-15)
    packed = _run_exported(path, "mod.grad_f_packed(numpy.array([[1.0, 2.0]]))")
    np.testing.assert_allclose(packed, g.packed(np.array([[1.0, 2.0]])), rtol=1e-15)


def test_saved_module_imports_scipy_special_only_when_needed(tmp_path: Path) -> None:
    f = sm.to_numpy("erf(x) + gamma(y)", "x, y")
    path = f.save(tmp_path / "special.py")
    assert "import scipy.special" in path.read_text()
    got = _run_exported(path, "mod.f(0.5, 3.0)")
    assert float(got) == pytest.approx(float(f(0.5, 3.0)), rel=1e-14)


def test_saved_docstring_holds_the_formula(tmp_path: Path) -> None:
    path = sm.to_numpy("x**2 + y", "x, y").save(tmp_path / "m.py", name="objective")
    assert "objective(x, y) = x**2 + y" in path.read_text()


@pytest.mark.parametrize("bad", ["1f", "class", "print", "f-g", ""])
def test_save_rejects_bad_function_names(tmp_path: Path, bad: str) -> None:
    with pytest.raises(ValueError, match="name"):
        sm.to_numpy("x", "x").save(tmp_path / "m.py", name=bad)


@pytest.mark.parametrize("text", ["x*y + sin(x)", "[x*y, 1, x**2]", "[[x, y], [2, x*y]]", "3"])
def test_packed_single_point_fast_path_agrees(text: str) -> None:
    f = sm.to_numpy(sm.parse(text), "x, y")
    p = np.array([0.7, -1.3])
    single = f.packed(p)
    assert single.shape == f.result_shape
    np.testing.assert_array_equal(single, f(*p))
    np.testing.assert_array_equal(f.packed(p[None, :])[0], single)


def test_component_major_layout_gives_contiguous_components() -> None:
    H = sm.to_numpy(sm.hessian("exp(x*y) + x**3", "x, y"))
    out = H(np.linspace(0, 1, 7), np.linspace(1, 2, 7))
    assert out.shape == (7, 2, 2)
    assert out[:, 0, 1].flags.c_contiguous
    np.testing.assert_array_equal(np.ascontiguousarray(out), out)
    np.testing.assert_array_equal(out[:, 0, 1], out[:, 1, 0])


def test_numeric_function_renders_its_formula() -> None:
    f = sm.to_numpy(sm.gradient("x**2*y", "x, y"))
    assert f.latex() == r"f(x, y) = \left[\begin{matrix}2 x y\\x^{2}\end{matrix}\right]"
    assert f._repr_latex_() == f"$\\displaystyle {f.latex()}$"


def test_cse_shares_subtrees_that_become_equal_after_substitution() -> None:
    """SymPy's "basic" cse left exp(S)/(exp(S) + 1) with two exp(S) in a softplus network's
    gradient; the second pass shares it, and the numbers stay those of backpropagation."""
    from tests.benchmarks.bench_foundation import network_expr, network_grad_numpy

    expr, xs = network_expr()
    f = sm.to_numpy(sm.gradient(expr, xs, simplify=False))
    body = f.source.split("def f_packed")[0]
    assert body.count("numpy.exp(") == 1
    assert body.count("numpy.tanh(") == 4
    pts = [np.random.default_rng(1).standard_normal(50) for _ in range(3)]
    np.testing.assert_allclose(f(*pts), network_grad_numpy(*pts), rtol=1e-12, atol=1e-14)


# --- values NumPy has no float for; sums and products ------------------------------------


def test_complex_infinity_compiles_to_nan() -> None:
    """zoo (from x/0 or a pole) used to crash the printer with KeyError 'ComplexInfinity',
    an internal error at the CLI; it has no float value, so it is NaN, as sympy.nan is."""
    f = sm.to_numpy(sympy.zoo * x + y, "x, y")
    assert np.isnan(f(1.0, 2.0))
    assert np.all(np.isnan(f(np.ones(3), 0.0)))
    assert np.isnan(f.packed(np.array([1.0, 2.0])))


@pytest.mark.parametrize("kind", [sympy.Sum, sympy.Product])
def test_finite_sums_and_products_compile(kind: type) -> None:
    """Sum used to print as builtins.sum(...) in a module without builtins (NameError at
    the first call); a sum or product over integer bounds is written out term by term."""
    k = sympy.Symbol("k", integer=True)
    expr = kind(x**k / (k + 1), (k, 0, 4))
    f = sm.to_numpy(expr, "x")
    want = [expr.doit().subs(x, t) for t in (0.5, 2.0)]
    np.testing.assert_allclose(f(np.array([0.5, 2.0])), np.array(want, dtype=float), rtol=1e-13)
    expected = (sum if kind is sympy.Sum else np.prod)([1.5**i / (i + 1) for i in range(5)])
    assert float(f(1.5)) == pytest.approx(expected, rel=1e-13)


def test_sum_with_a_symbolic_bound_is_not_supported() -> None:
    k, n = sympy.Symbol("k", integer=True), sympy.Symbol("n", integer=True)
    with pytest.raises(sm.NotSupportedError, match=r"Sum\(x\*\*k, \(k, 0, n\)\)"):
        sm.to_numpy(sympy.Sum(x**k, (k, 0, n)), "x, n")


def test_lambert_w_is_nan_where_it_is_not_real() -> None:
    """scipy's lambertw is complex-valued; writing it into a real result dropped the
    imaginary part (W(-1) came out as -0.318, a silently wrong real number)."""
    import warnings

    f = sm.to_numpy(sympy.LambertW(x), "x")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ComplexWarning either
        values = f(np.array([-1.0, -0.2, 1.0]))
    assert np.isnan(values[0])
    np.testing.assert_allclose(
        values[1:], [float(sympy.LambertW(-0.2)), float(sympy.LambertW(1))], rtol=1e-14
    )
    assert values[2] * np.exp(values[2]) == pytest.approx(1.0)  # W e^W = x
    g = sm.to_numpy(sympy.I * sympy.LambertW(x), "x")  # complex context: the value as it is
    assert complex(g(-1.0)) == pytest.approx(1j * complex(sympy.LambertW(-1).evalf()))


@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_numbers_beyond_float_range_are_what_float_arithmetic_gives(backend: str) -> None:
    """10**400*x was an OverflowError at call time (Python's int cannot meet a float); it is
    inf*x, as float64 arithmetic has it, in both backends, and 2**70 stays exact."""
    x = sympy.Symbol("x", real=True)
    pts = np.array([-2.0, 0.5, 2.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no fallback from numba either
        big = sm.to_numpy(10**400 * x + 1, [x], backend=backend)(pts)
        power = sm.to_numpy(x ** (10**400), [x], backend=backend)(np.abs(pts))
        exact = sm.to_numpy(2**70 * x, [x], backend=backend)(pts)
    np.testing.assert_array_equal(big, [-np.inf, np.inf, np.inf])
    np.testing.assert_array_equal(power, [np.inf, 0.0, np.inf])
    np.testing.assert_array_equal(exact, float(2**70) * pts)


# --- random expression trees against SymPy's evalf (30 digits) ----------------------------

points = st.tuples(st.floats(-2, 2), st.floats(-2, 2))

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@SETTINGS
@given(expr=trees, p=points)
def test_compiled_equals_evalf(expr: sympy.Expr, p: tuple[float, float]) -> None:
    f = sm.to_numpy(expr, [X, Y])
    got = complex(f(*p))
    want = complex(sympy.N(expr.subs({X: p[0], Y: p[1]}), 30))
    assert abs(got - want) <= 1e-10 * max(1.0, abs(want))


@SETTINGS
@given(expr=trees, p=points)
def test_compiled_equals_evalf_on_arrays(expr: sympy.Expr, p: tuple[float, float]) -> None:
    f = sm.to_numpy(expr, [X, Y])
    xs = np.array([p[0], -p[0], 0.5])
    out = f(xs, p[1])
    assert out.shape == (3,)
    for xi, oi in zip(xs, out, strict=True):
        want = complex(sympy.N(expr.subs({X: xi, Y: p[1]}), 30))
        assert abs(complex(oi) - want) <= 1e-10 * max(1.0, abs(want))
