"""Every backend computes the same numbers (issue 15): hypothesis-generated expression
trees compiled for NumPy, the array API, numba, JAX and PyTorch agree to 1e-12 in float64,
and the NumPy backend's batch path (BLAS, buffers) agrees with its general path."""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import symml as sm
from tests.compile.conftest import compiled

X, Y = sympy.symbols("x y", real=True)

# the random-tree strategy of tests/test_random_trees.py (domains safe by construction),
# with the softplus and sigmoid shapes that the stable rewrites meet
UNARY = {
    "sin": sympy.sin,
    "cos": sympy.cos,
    "tanh": sympy.tanh,
    "exp": lambda a: sympy.exp(sympy.tanh(a)),
    "log": lambda a: sympy.log(1 + a**2),
    "sqrt": lambda a: sympy.sqrt(1 + a**2),
    "softplus": lambda a: sympy.log(1 + sympy.exp(a)),
    "sigmoid": lambda a: 1 / (1 + sympy.exp(-a)),
}
BINARY = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / (2 + sympy.sin(b)),
    "**": lambda a, b: (1 + a**2) ** sympy.tanh(b),
    "lse": lambda a, b: sympy.log(sympy.exp(a) + sympy.exp(b)),
}
leaves = st.sampled_from([X, Y, sympy.Integer(2), sympy.Rational(1, 3), sympy.Float(0.75)])
trees = st.recursive(
    leaves,
    lambda kids: (
        st.builds(lambda f, a: UNARY[f](a), st.sampled_from(sorted(UNARY)), kids)
        | st.builds(lambda op, a, b: BINARY[op](a, b), st.sampled_from(sorted(BINARY)), kids, kids)
    ),
    max_leaves=8,
)
points = st.tuples(st.floats(-2, 2), st.floats(-2, 2))
SETTINGS = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

#: The backends compared with NumPy on random trees (numba compiles slowly: its own test).
FAST = ["array_api", "jax", "torch"]


def _close(got: np.ndarray, want: np.ndarray) -> bool:
    return bool(np.all(np.abs(got - want) <= 1e-12 * np.maximum(1.0, np.abs(want))))


@pytest.mark.accelerated
@SETTINGS
@given(expr=trees, p=points)
def test_backends_agree_on_random_trees(expr: sympy.Expr, p: tuple[float, float]) -> None:
    jax = pytest.importorskip("jax")
    pytest.importorskip("torch")
    xs = np.array([p[0], -p[0], 0.5, 1.5])
    want = compiled("numpy", expr, [X, Y])(xs, p[1])
    with jax.enable_x64(True):
        for backend in FAST:
            got = compiled(backend, expr, [X, Y])(xs, p[1])
            assert got.shape == want.shape, backend
            assert _close(got, want), (backend, expr, got, want)


@pytest.mark.accelerated
@SETTINGS
@given(expr=trees, p=points)
def test_gradients_agree_on_random_trees(expr: sympy.Expr, p: tuple[float, float]) -> None:
    jax = pytest.importorskip("jax")
    pytest.importorskip("torch")
    g = sm.gradient(expr + X * Y, [X, Y], simplify=False)
    xs = np.array([p[0], 0.25])
    want = compiled("numpy", g)(xs, p[1])
    assert want.shape == (2, 2)
    with jax.enable_x64(True):
        for backend in FAST:
            assert _close(compiled(backend, g)(xs, p[1]), want), backend


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expr=trees)
def test_numba_agrees_on_random_trees(expr: sympy.Expr) -> None:
    pytest.importorskip("numba")
    xs, ys = np.linspace(-2, 2, 7), np.linspace(1, -1, 7)
    want = compiled("numpy", expr, [X, Y])(xs, ys)
    assert _close(compiled("numba", expr, [X, Y])(xs, ys), want)


# --- the NumPy backend's batch path -------------------------------------------------------


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expr=trees)
def test_batch_path_agrees_with_the_general_path(expr: sympy.Expr) -> None:
    """5000 points take the batch path; the same points 1000 at a time the general one."""
    f = sm.to_numpy(sympy.Matrix([expr, expr * X + 3 * X - Y + 1]), [X, Y])
    rng = np.random.default_rng(0)
    xs, ys = rng.uniform(-2, 2, 5000), rng.uniform(-2, 2, 5000)
    batch = f(xs, ys)
    pieces = np.concatenate([f(xs[i : i + 1000], ys[i : i + 1000]) for i in range(0, 5000, 1000)])
    assert batch.shape == pieces.shape == (5000, 2)
    assert _close(batch, pieces)


def test_batch_path_of_a_network_gradient_uses_blas_and_buffers() -> None:
    from tests.benchmarks.bench_foundation import network_expr, network_grad_numpy

    expr, xs = network_expr()
    f = sm.to_numpy(sm.gradient(expr, xs, simplify=False))
    batch = f.source.split("def _batched")[1]
    # the four affine forms of the inputs: one matrix product; the three components' linear
    # forms in the hidden units' derivatives: another (the reverse-mode W.T @ G)
    assert batch.count(" @ ") == 2
    assert "out=_out[0]" in batch and "numpy.tanh(_Z[0], out=_Z[0])" in batch  # in place
    rng = np.random.default_rng(3)
    pts = [rng.standard_normal(10_000) for _ in range(3)]
    np.testing.assert_allclose(f(*pts), network_grad_numpy(*pts), rtol=1e-10, atol=1e-14)
    X3 = np.stack(pts, axis=-1)
    np.testing.assert_allclose(f.packed(X3), f(*pts), rtol=0, atol=0)


def test_batch_path_broadcasts_scalars_and_keeps_shapes() -> None:
    f = sm.to_numpy(sympy.Matrix([[X * Y, 2], [sympy.tanh(X - Y + 1), X]]), [X, Y])
    xs = np.linspace(-1, 1, 6000).reshape(2, 3000)
    got = f(xs, 0.5)
    assert got.shape == (2, 3000, 2, 2)
    np.testing.assert_allclose(got[..., 0, 1], 2.0)
    np.testing.assert_allclose(got[..., 1, 0], np.tanh(xs - 0.5 + 1), rtol=1e-15)
    small = f(xs[:, :10], 0.5)
    np.testing.assert_array_equal(got[:, :10], small)


def test_batch_path_of_one_variable() -> None:
    f = sm.to_numpy("log(1 + exp(x))*x", "x")
    xs = np.linspace(-900, 900, 5001)
    np.testing.assert_allclose(f(xs), np.logaddexp(0, xs) * xs, rtol=1e-14)
    np.testing.assert_allclose(f.packed(xs[:, None]), f(xs), rtol=0)
