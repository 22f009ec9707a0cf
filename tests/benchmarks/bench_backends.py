"""Backend rows (issue 9): batched evaluation with the numba and NumPy backends.

(a) the gradient of a two-layer tanh network (3 inputs, 4 hidden units, softplus output),
(b) the Hessian of a 10-variable log-sum-exp, (c) a 2-D Gaussian-mixture log-density, each
on 10⁶ and 10⁷ points (``--quick``: 10⁵). Two rows per case and size:

* the numba backend against ``jax.jit(jax.vmap(...))`` in float64 (target: at or below
  JAX's time), with symml's NumPy backend and hand-written NumPy as further baselines;
* symml's NumPy backend against hand-written NumPy (target: within 1.1×).

Compile times are measured once, on the first call, and reported in the row's note
(numba with a fresh cache directory; numba's on-disk cache then makes later processes
load in milliseconds). (b) at 10⁷ points would need an 8 GB result (10⁷ × 10 × 10 float64)
per method, so it runs at 10⁶ only. Every row first checks that all methods agree.
"""

from __future__ import annotations

import math
import os
import tempfile
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import sympy

import symml as sm
from tests.benchmarks._harness import Row, best_time, have
from tests.benchmarks.bench_foundation import B, C, V, W, network_expr

JAX = "JAX jit(vmap)"
HAND = "hand NumPy"


def _sizes(quick: bool, cap: int = 10**7) -> list[int]:
    return [10**5] if quick else [n for n in (10**6, 10**7) if n <= cap]


def _first_call(fn: Callable[[], Any]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def _numba(expr: Any, wrt: Any = None) -> tuple[sm.NumericFunction, float]:
    """The numba-backend function and its compile time (build + first call, no disk cache)."""
    old = os.environ.get("SYMML_CACHE_DIR")
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["SYMML_CACHE_DIR"] = tmp
        try:
            t0 = time.perf_counter()
            f = sm.to_numpy(expr, wrt, backend="numba")
            f(*([np.zeros(2)] * len(f.wrt)))
            return f, time.perf_counter() - t0
        finally:
            if old is None:
                os.environ.pop("SYMML_CACHE_DIR")
            else:
                os.environ["SYMML_CACHE_DIR"] = old


def _jax() -> Any:
    import jax

    jax.config.update("jax_enable_x64", True)
    return jax


def _rows(case: str, n: int, calls: dict[str, Callable[[], Any]], compile_note: str) -> list[Row]:
    """Time every method (after checking they agree) and make the two rows of one case."""
    want = np.asarray(calls[HAND]())
    for name, call in calls.items():  # one result besides the reference in memory at a time
        np.testing.assert_allclose(np.asarray(call()), want, rtol=1e-9, atol=1e-12, err_msg=name)
    del want
    repeat = 3 if n >= 10**7 else 5
    times = {name: best_time(call, repeat=repeat) for name, call in calls.items()}
    fast = {k: v for k, v in times.items() if k != "numba"}
    rows = [
        Row(
            f"{case}, numba backend, {n:.0e} pts",
            times["numba"],
            fast,
            target=1.0,
            target_of=JAX,
            note=compile_note,
        )
    ]
    rows.append(
        Row(
            f"{case}, NumPy backend, {n:.0e} pts",
            times["symml NumPy"],
            {HAND: times[HAND]},
            target=1.1,
            target_of=HAND,
        )
    )
    return rows


def _with_jax(
    calls: dict[str, Callable[[], Any]], build: Callable[[Any], Callable[[], Any]]
) -> str:
    """Add the JAX method to ``calls`` when JAX is installed; its compile time as a note."""
    if not have("jax"):
        return "JAX not installed"
    call = build(_jax())
    seconds = _first_call(call)
    calls[JAX] = call
    return f"JAX compile+first call {seconds:.2f} s"


# --- (a) gradient of a two-layer tanh network -------------------------------------------------


def network_grad_numpy(x1: np.ndarray, x2: np.ndarray, x3: np.ndarray) -> np.ndarray:
    """Backpropagation through the network, batched, hidden units along the first axis.

    The contractions have 3 or 4 terms, so they are written as broadcasts and ``einsum``
    rather than BLAS ``@`` on (n, 3) × (3, 4): with a multi-threaded BLAS on a busy machine
    the ``@`` version (``bench_foundation.network_grad_numpy``) ran 3-4× slower here.
    """
    a = W[:, 0, None] * x1 + W[:, 1, None] * x2 + W[:, 2, None] * x3 + B[:, None]  # (4, n)
    h = np.tanh(a)
    d = 1.0 / (1.0 + np.exp(-(np.einsum("j,jn->n", V, h) + C)))  # softplus'(output)
    g = (V[:, None] * d) * (1.0 - h * h)  # ∂/∂a, (4, n)
    out = np.empty((x1.size, 3))
    for k in range(3):
        out[:, k] = np.einsum("j,jn->n", W[:, k], g)
    return out


def row_network_gradient(quick: bool = False) -> list[Row]:
    expr, xs = network_expr()
    grad = sm.gradient(expr, xs, simplify=False)
    t0 = time.perf_counter()
    plain = sm.to_numpy(grad)
    t_numpy = time.perf_counter() - t0
    fast, t_numba = _numba(grad)
    rows: list[Row] = []
    for n in _sizes(quick):
        rng = np.random.default_rng(0)
        pts = [rng.standard_normal(n) for _ in range(3)]
        calls: dict[str, Callable[[], Any]] = {
            HAND: lambda pts=pts: network_grad_numpy(*pts),
            "numba": lambda pts=pts: fast(*pts),
            "symml NumPy": lambda pts=pts: plain(*pts),
        }

        def build(jax: Any, pts: list[np.ndarray] = pts) -> Callable[[], Any]:
            jnp = jax.numpy
            w, b, v = jnp.asarray(W), jnp.asarray(B), jnp.asarray(V)

            def net(x: Any) -> Any:
                return jax.nn.softplus(jnp.dot(v, jnp.tanh(w @ x + b)) + C)

            g = jax.jit(jax.vmap(jax.grad(net)))
            X = jnp.asarray(np.stack(pts, axis=-1))
            return lambda: g(X).block_until_ready()

        note = _with_jax(calls, build)
        rows += _rows(
            "(a) net gradient",
            n,
            calls,
            f"compile: numba {t_numba:.2f} s, NumPy backend {t_numpy:.2f} s, {note}",
        )
    return rows


# --- (b) Hessian of a 10-variable log-sum-exp -------------------------------------------------


def lse_hessian_numpy(X: np.ndarray) -> np.ndarray:
    """∇² log Σ exp(x) = diag(p) − p pᵀ with p = softmax(x), batched over rows of X."""
    e = np.exp(X - X.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    H = p[:, :, None] * -p[:, None, :]
    i = np.arange(X.shape[1])
    H[:, i, i] += p
    return H


def row_lse_hessian(quick: bool = False) -> list[Row]:
    xs = sm.symbols("x0:10")
    hess = sm.hessian(sympy.log(sum(sympy.exp(x) for x in xs)), xs, simplify=False)
    t0 = time.perf_counter()
    plain = sm.to_numpy(hess)
    t_numpy = time.perf_counter() - t0
    fast, t_numba = _numba(hess)
    rows: list[Row] = []
    for n in _sizes(quick, cap=10**6):
        X = np.random.default_rng(1).standard_normal((n, 10))
        cols = [np.ascontiguousarray(X[:, i]) for i in range(10)]
        calls: dict[str, Callable[[], Any]] = {
            HAND: lambda X=X: lse_hessian_numpy(X),
            "numba": lambda cols=cols: fast(*cols),
            "symml NumPy": lambda cols=cols: plain(*cols),
        }

        def build(jax: Any, X: np.ndarray = X) -> Callable[[], Any]:
            h = jax.jit(jax.vmap(jax.hessian(jax.nn.logsumexp)))
            Xj = jax.numpy.asarray(X)
            return lambda: h(Xj).block_until_ready()

        note = _with_jax(calls, build)
        rows += _rows(
            "(b) 10-var log-sum-exp Hessian",
            n,
            calls,
            f"compile: numba {t_numba:.2f} s, NumPy backend {t_numpy:.2f} s, {note}",
        )
    return rows


# --- (c) a Gaussian-mixture log-density -------------------------------------------------------

#: Three 2-D components with diagonal covariances: weight, mean (x, y), std (x, y).
MIXTURE = (
    (0.5, (0.0, 0.0), (1.0, 1.0)),
    (0.3, (2.0, -1.0), (0.5, 1.5)),
    (0.2, (-1.5, 2.0), (2.0, 0.7)),
)


def mixture_expr() -> tuple[sympy.Expr, tuple[sympy.Symbol, ...]]:
    x, y = sm.symbols("x y")
    terms = [
        sympy.Float(w)
        / (2 * sympy.pi * sympy.Float(sx) * sympy.Float(sy))
        * sympy.exp(
            -((x - mx) ** 2) / (2 * sympy.Float(sx) ** 2)
            - (y - my) ** 2 / (2 * sympy.Float(sy) ** 2)
        )
        for w, (mx, my), (sx, sy) in MIXTURE
    ]
    return sympy.log(sum(terms)), (x, y)


def mixture_numpy(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """log Σ_k w_k N(x, y; μ_k, diag σ_k²) by log-sum-exp over the components."""
    logs = np.stack(
        [
            math.log(w / (2 * math.pi * sx * sy))
            - (x - mx) ** 2 / (2 * sx * sx)
            - (y - my) ** 2 / (2 * sy * sy)
            for w, (mx, my), (sx, sy) in MIXTURE
        ]
    )
    top = logs.max(axis=0)
    return top + np.log(np.exp(logs - top).sum(axis=0))


def row_mixture_logdensity(quick: bool = False) -> list[Row]:
    expr, xy = mixture_expr()
    t0 = time.perf_counter()
    plain = sm.to_numpy(expr, xy)
    t_numpy = time.perf_counter() - t0
    fast, t_numba = _numba(expr, xy)
    rows: list[Row] = []
    for n in _sizes(quick):
        rng = np.random.default_rng(2)
        x, y = rng.normal(0, 2, n), rng.normal(0, 2, n)
        calls: dict[str, Callable[[], Any]] = {
            HAND: lambda x=x, y=y: mixture_numpy(x, y),
            "numba": lambda x=x, y=y: fast(x, y),
            "symml NumPy": lambda x=x, y=y: plain(x, y),
        }

        def build(jax: Any, x: np.ndarray = x, y: np.ndarray = y) -> Callable[[], Any]:
            jnp = jax.numpy
            w = jnp.asarray([c[0] for c in MIXTURE])
            mu = jnp.asarray([c[1] for c in MIXTURE])
            sd = jnp.asarray([c[2] for c in MIXTURE])

            def logpdf(p: Any) -> Any:
                z = -0.5 * jnp.sum(((p - mu) / sd) ** 2, axis=1)
                return jax.nn.logsumexp(z + jnp.log(w / (2 * jnp.pi * sd[:, 0] * sd[:, 1])))

            f = jax.jit(jax.vmap(logpdf))
            P = jnp.asarray(np.stack([x, y], axis=-1))
            return lambda: f(P).block_until_ready()

        note = _with_jax(calls, build)
        rows += _rows(
            "(c) Gaussian mixture log-density",
            n,
            calls,
            f"compile: numba {t_numba:.2f} s, NumPy backend {t_numpy:.2f} s, {note}",
        )
    return rows


ROWS = [row_network_gradient, row_lse_hessian, row_mixture_logdensity]
