"""ML backends (issue 15): the tanh-network gradient on 10⁶ points and the per-step cost
of gradient descent.

* ``to_jax`` (jitted, float64, CPU) against JAX's own ``jit(vmap(grad(net)))`` on the same
  points (target ≤ 1.1×);
* the NumPy backend against hand-written NumPy in BLAS form, the strongest NumPy baseline:
  inputs stacked once, ``np.tanh(W1 @ Z + b1[:, None])``, the output's gradient by one more
  product (target ≤ 1.0×); ``to_torch`` on the CPU as a further row (no target);
* 20 000 gradient-descent steps on Rosenbrock against the bare hand loop
  ``x = x - lr*grad(x)`` with a hand-written gradient returning a small array, written
  three ways (unpacking ``x, y = p``, indexing ``p[0]``, on ``p.tolist()`` floats); the
  target (≤ 1.3×) is against the fastest of them in the run, with the bare loop on
  symml's fused value-and-gradient function beside it.

``--quick``: 10⁵ points, 2 000 steps. Every row first checks that the methods agree.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np

import symml as sm
from tests.benchmarks._harness import Row, best_time, have
from tests.benchmarks.bench_foundation import B, C, V, W, network_expr
from tests.benchmarks.bench_optimize import LR, ROSENBROCK, X0, _rosen_grad, bare_loop

HAND = "hand NumPy, BLAS form"


def blas_network_gradient(x1: np.ndarray, x2: np.ndarray, x3: np.ndarray) -> np.ndarray:
    """Backpropagation in BLAS form: the inputs stacked once, the hidden layer one product."""
    Z = np.stack([x1, x2, x3])  # (3, n)
    H = np.tanh(W @ Z + B[:, None])  # (4, n)
    d = 1.0 / (1.0 + np.exp(-(V @ H + C)))  # softplus'(output), (n,)
    G = (V[:, None] * (1.0 - H * H)) * d  # ∂/∂(hidden pre-activation), (4, n)
    return (W.T @ G).T  # (n, 3)


def _jax() -> Any:
    import jax

    jax.config.update("jax_enable_x64", True)
    return jax


def _agree(calls: dict[str, Callable[[], Any]], want: np.ndarray) -> None:
    for name, call in calls.items():
        got = np.asarray(call())
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12, err_msg=name)


def row_network_gradient(quick: bool = False) -> list[Row]:
    n = 10**5 if quick else 10**6
    expr, xs = network_expr()
    grad = sm.gradient(expr, xs, simplify=False)
    pts = [np.random.default_rng(0).standard_normal(n) for _ in range(3)]
    plain = grad.to_numpy()
    numpy_calls: dict[str, Callable[[], Any]] = {
        "symml NumPy": lambda: plain(*pts),
        HAND: lambda: blas_network_gradient(*pts),
    }
    rows: list[Row] = []
    want = blas_network_gradient(*pts)
    _agree(numpy_calls, want)
    times = {k: best_time(v, repeat=7) for k, v in numpy_calls.items()}
    note = ""
    if have("torch"):
        import torch

        f_torch = grad.to_torch()
        tpts = [torch.as_tensor(p) for p in pts]
        call = lambda: f_torch(*tpts)  # noqa: E731
        _agree({"to_torch": call}, want)
        times["symml to_torch (CPU)"] = best_time(call, repeat=5)
    else:
        note = "(PyTorch not installed: no to_torch row)"
    rows.append(
        Row(
            f"network gradient, NumPy backend, {n:.0e} pts",
            times.pop("symml NumPy"),
            times,
            target=1.0,
            target_of=HAND,
            note=note,
        )
    )
    if not have("jax"):
        return [
            *rows,
            Row(f"network gradient, to_jax, {n:.0e} pts", float("nan"), note="JAX not installed"),
        ]
    jax = _jax()
    jnp = jax.numpy
    w, b, v = jnp.asarray(W), jnp.asarray(B), jnp.asarray(V)

    def net(x: Any) -> Any:
        return jax.nn.softplus(jnp.dot(v, jnp.tanh(w @ x + b)) + C)

    theirs = jax.jit(jax.vmap(jax.grad(net)))
    X = jnp.asarray(np.stack(pts, axis=-1))
    cols = [jnp.asarray(p) for p in pts]
    t0 = time.perf_counter()
    ours = grad.to_jax()
    ours(*cols).block_until_ready()
    compile_s = time.perf_counter() - t0
    jax_calls = {
        "symml to_jax": lambda: ours(*cols).block_until_ready(),
        "JAX jit(vmap(grad))": lambda: theirs(X).block_until_ready(),
    }
    _agree(jax_calls, want)
    jt = {k: best_time(c, repeat=7) for k, c in jax_calls.items()}
    rows.append(
        Row(
            f"network gradient, to_jax (CPU), {n:.0e} pts",
            jt.pop("symml to_jax"),
            {**jt, HAND: times[HAND]},
            target=1.1,
            target_of="JAX jit(vmap(grad))",
            note=f"to_jax compile + first call {compile_s:.2f} s",
        )
    )
    return rows


def _rosen_grad_indexed(p: np.ndarray) -> np.ndarray:
    """The hand-written gradient indexing ``p[0]``, ``p[1]`` (NumPy scalars): faster than
    unpacking ``x, y = p``, which iterates the array."""
    t = p[1] - p[0] * p[0]
    return np.array([2 * (p[0] - 1) - 400 * p[0] * t, 200 * t])


def _rosen_grad_floats(p: np.ndarray) -> np.ndarray:
    """The hand-written gradient on Python floats (``p.tolist()``), a small array out."""
    x, y = p.tolist()
    t = y - x * x
    return np.array([2 * (x - 1) - 400 * x * t, 200 * t])


#: The bare hand loop ``x = x - lr*grad(x)`` with each way of writing the gradient that a
#: practitioner writes; the row's target is the fastest of them in the run.
HAND_GRADIENTS = {
    "bare hand loop x = x - lr*grad(x), grad unpacks x, y = p": _rosen_grad,
    "same, grad indexes p[0], p[1]": _rosen_grad_indexed,
    "same, grad on p.tolist() floats": _rosen_grad_floats,
}


def row_gd_bare_loop(quick: bool = False) -> Row:
    from symml.optimize import gradient_descent

    steps = 2_000 if quick else 20_000
    fused = sm.compile.value_and_gradient(ROSENBROCK, "x, y").point

    def symml_bare(steps: int) -> np.ndarray:
        x = np.array(X0)
        for _ in range(steps):
            x = x - LR * fused(x)[1:]
        return x

    def symml_run() -> Any:
        return gradient_descent(ROSENBROCK, X0, lr=LR, steps=steps, tol=0.0)

    want = bare_loop(_rosen_grad, steps)
    assert np.allclose(symml_run().x, want), "loops disagree"
    assert np.allclose(symml_bare(steps), want), "loops disagree"
    calls: dict[str, Callable[[], Any]] = {
        name: (lambda g=g: bare_loop(g, steps)) for name, g in HAND_GRADIENTS.items()
    }
    for name, call in calls.items():
        assert np.allclose(call(), want), name
    calls["bare loop on value_and_gradient(...).point"] = lambda: symml_bare(steps)
    calls["symml"] = symml_run
    # interleaved rounds, best of each: the machine's load drifts between whole timings
    times = {name: best_time(call, repeat=1) for name, call in calls.items()}
    for _ in range(4):
        for name, call in calls.items():
            times[name] = min(times[name], best_time(call, repeat=1))
    strongest = min(HAND_GRADIENTS, key=times.__getitem__)
    return Row(
        f"gradient descent loop vs bare hand loop, {steps} steps",
        times.pop("symml"),
        times,
        target=1.3,
        target_of=strongest,
        note="target: the fastest hand loop",
    )


ROWS = [row_network_gradient, row_gd_bare_loop]
