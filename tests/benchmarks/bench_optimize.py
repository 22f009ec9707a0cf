"""Per-step overhead of the optimizers: 20 000 gradient-descent steps on Rosenbrock.

symml's ``gradient_descent`` (gradient derived and compiled once) against the same loop
with a hand-written NumPy gradient, and against that loop with ``jax.jit(jax.grad(f))``
when JAX is installed. The hand-written loop does the same bookkeeping as symml's (the
path and values stored in preallocated arrays, the gradient norm checked each step), so
the ratio measures the compiled function's call overhead; a bare loop (update only) is
shown for reference. Target: symml within 1.3x of the hand-written loop.
"""

from __future__ import annotations

import numpy as np

from tests.benchmarks._harness import Row, best_time, have

ROSENBROCK = "(1 - x)**2 + 100*(y - x**2)**2"
X0 = (-1.0, 1.0)
LR = 1e-3


def _rosen(p: np.ndarray) -> float:
    x, y = p
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2


def _rosen_grad(p: np.ndarray) -> np.ndarray:
    x, y = p
    t = y - x * x
    return np.array([2 * (x - 1) - 400 * x * t, 200 * t])


def hand_loop(grad, f, steps: int, tol: float = 1e-8) -> np.ndarray:
    """Gradient descent with the same per-step bookkeeping as symml's loop."""
    x = np.array(X0)
    path = np.empty((steps + 1, 2))
    values = np.empty(steps + 1)
    path[0], values[0] = x, f(x)
    g = grad(x)
    for k in range(1, steps + 1):
        if g @ g <= tol * tol:
            break
        x = x - LR * g
        path[k], values[k] = x, f(x)
        g = grad(x)
    return x


def bare_loop(grad, steps: int) -> np.ndarray:
    """The least a loop can do: gradient and update."""
    x = np.array(X0)
    for _ in range(steps):
        x = x - LR * grad(x)
    return x


def _jax_fns():
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)

    def f(p):
        return (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2

    jf, jg = jax.jit(f), jax.jit(jax.grad(f))

    def grad(x):
        return np.asarray(jg(jnp.asarray(x)))

    def value(x):
        return float(jf(jnp.asarray(x)))

    return grad, value


def row_gd_rosenbrock(quick: bool) -> Row:
    from symml.optimize import gradient_descent

    steps = 2_000 if quick else 20_000
    repeat = 2 if quick else 5
    result = gradient_descent(ROSENBROCK, X0, lr=LR, steps=steps)
    assert np.allclose(result.x, hand_loop(_rosen_grad, _rosen, steps)), "loops disagree"
    symml_t = best_time(lambda: gradient_descent(ROSENBROCK, X0, lr=LR, steps=steps), repeat=repeat)
    baselines = {
        "hand-written NumPy loop": best_time(
            lambda: hand_loop(_rosen_grad, _rosen, steps), repeat=repeat
        ),
        "bare NumPy loop (update only)": best_time(
            lambda: bare_loop(_rosen_grad, steps), repeat=repeat
        ),
        "symml, callable f + grad": best_time(
            lambda: gradient_descent(_rosen, X0, lr=LR, steps=steps, grad=_rosen_grad),
            repeat=repeat,
        ),
    }
    note = ""
    if have("jax"):
        jgrad, jvalue = _jax_fns()
        baselines["same loop, jax.jit(jax.grad)"] = best_time(
            lambda: hand_loop(jgrad, jvalue, steps), repeat=repeat
        )
    else:
        note = "(JAX not installed: no JAX row)"
    return Row(
        f"gradient descent, Rosenbrock, {steps} steps",
        symml_t,
        baselines,
        target=1.3,
        target_of="hand-written NumPy loop",
        note=note,
    )


ROWS = [row_gd_rosenbrock]
