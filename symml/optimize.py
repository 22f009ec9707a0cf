r"""Gradient descent and Newton's method on symbolic or Python objectives.

A symbolic objective (``str``, SymPy expression or Derivation) is differentiated once with
:func:`symml.calculus.gradient` (and :func:`symml.calculus.hessian` for Newton) and
compiled once with :func:`symml.compile.to_numpy`: the value and the gradient share one
generated function (and its common subexpressions), so each step costs one call. The loops
then run on NumPy arrays only, writing the path into preallocated arrays.

A Python objective is given as a callable ``f(x) -> float`` with ``grad=`` (and, for
Newton, ``hess=``); missing derivatives are estimated by central differences.

The optimizers are pure functions: ``callback(step, x, value)`` is the only hook, and a
true return value stops the run. A run that diverges (a non-finite value, or
``|f| > 1e12 (1 + |f(x0)|)``) stops with ``converged=False`` and a message saying
"diverged" and at which step; it never raises for that.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import sympy

from symml.calculus import gradient, hessian
from symml.compile import to_numpy
from symml.derivation import Derivation, as_expr, as_wrt, tex

__all__ = ["OptimizeResult", "gradient_descent", "newton"]

#: A run stops as diverged when ``|f| > DIVERGENCE_FACTOR * (1 + |f(x0)|)``.
DIVERGENCE_FACTOR = 1e12
#: Armijo's sufficient-decrease constant: accept ``t`` when ``f(x + t d) <= f + c t g·d``.
ARMIJO_C = 1e-4
#: How many times a line search may halve its step before giving up.
MAX_HALVINGS = 60

Evaluate = Callable[[np.ndarray], np.ndarray]  # x (n,) -> [f, g_1..g_n] (n + 1,)
Callback = Callable[[int, np.ndarray, float], Any]


@dataclass(frozen=True, eq=False)
class OptimizeResult:
    """The outcome of an optimization run.

    Attributes:
        x: The final iterate, shape ``(n,)`` (always ``path[-1]``).
        fun: The objective at ``x``.
        grad_norm: The Euclidean norm of the gradient at ``x``.
        n_iter: The number of steps taken.
        converged: Whether the stopping tolerance was met.
        message: Why the run stopped.
        path: The iterates, shape ``(n_iter + 1, n)``; ``path[0]`` is ``x0``.
        values: The objective at each iterate, shape ``(n_iter + 1,)``.
        grad_norms: The gradient norm at each iterate, shape ``(n_iter + 1,)``.
        method: ``"gradient descent"``, ``"momentum"``, ``"line search"`` or ``"newton"``.
        wrt: The variables (empty for a Python objective).
        objective: The symbolic objective, or ``None`` for a Python one.
    """

    x: np.ndarray
    fun: float
    grad_norm: float
    n_iter: int
    converged: bool
    message: str
    path: np.ndarray
    values: np.ndarray
    grad_norms: np.ndarray
    method: str = "gradient descent"
    wrt: tuple[sympy.Symbol, ...] = ()
    objective: Any = field(default=None, repr=False)

    def _names(self) -> list[str]:
        return [s.name for s in self.wrt] or [f"x{i}" for i in range(len(self.x))]

    def latex(self) -> str:
        r"""LaTeX summary: the final point, the value and the gradient norm.

        Examples:
            >>> r = gradient_descent("x**2", [1.0], lr=0.5)
            >>> r.latex()
            'x^{*} = \\left(0\\right),\\ f(x^{*}) = 0,\\ \\|\\nabla f\\| = 0 \\quad (\\text{gradient descent, 1 step, converged})'
        """
        names = [tex(s) for s in self.wrt] if self.wrt else ["x"]
        point = ", ".join(f"{v:.6g}" for v in self.x)
        lhs = names[0] if len(names) == 1 else "(" + ", ".join(names) + ")"
        status = "converged" if self.converged else "not converged"
        steps = f"{self.n_iter} step{'s' if self.n_iter != 1 else ''}"
        return (rf"{lhs}^{{*}} = \left({point}\right),\ f({lhs}^{{*}}) = {_num(self.fun)},\ "
                rf"\|\nabla f\| = {_num(self.grad_norm)} \quad (\text{{{self.method}, {steps}, "
                rf"{status}}})")

    def _repr_latex_(self) -> str:
        return f"$\\displaystyle {self.latex()}$"

    def plain(self) -> str:
        """A plain-text table of the result (what ``symml minimize`` prints)."""
        point = ", ".join(f"{n} = {v:.10g}" for n, v in zip(self._names(), self.x, strict=True))
        start = ", ".join(f"{v:.6g}" for v in self.path[0])
        rows = [("method", self.method), ("x0", f"({start})"), ("steps", str(self.n_iter)),
                ("f(x)", f"{self.fun:.10g}"), ("|grad f|", f"{self.grad_norm:.3g}"),
                ("converged", "yes" if self.converged else "no"), ("message", self.message),
                ("x", point)]
        return "\n".join(f"{k:<10} {v}" for k, v in rows)

    def __str__(self) -> str:
        return self.plain()


def _num(v: float) -> str:
    if not math.isfinite(v):
        return r"\infty" if v > 0 else (r"-\infty" if v < 0 else r"\mathrm{nan}")
    mantissa, _, exponent = f"{v:.3g}".partition("e")
    return rf"{mantissa} \times 10^{{{int(exponent)}}}" if exponent else mantissa


# --- objectives --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Objective:
    """What the loops need: ``evaluate(x) -> [f, ∇f]`` and, for Newton, ``hess(x)``."""

    evaluate: Evaluate
    hess: Callable[[np.ndarray], np.ndarray] | None
    n: int
    wrt: tuple[sympy.Symbol, ...] = ()
    expr: Any = None


def _fast(nf: Any) -> Callable[[np.ndarray], np.ndarray]:
    """The generated packed function itself: for one point ``x`` of shape (n,) it takes a
    scalar fast path, and calling it directly skips :meth:`NumericFunction.packed`'s
    argument checks (the loops pass float arrays of the right length)."""
    return nf._packed  # noqa: SLF001 - same package


def _scalar(f: Any) -> sympy.Expr:
    expr, _ = as_expr(f, what="the objective f")
    if isinstance(expr, sympy.MatrixBase) and expr.shape == (1, 1):
        expr = expr[0, 0]
    if not isinstance(expr, sympy.Expr) or isinstance(expr, sympy.MatrixBase):
        shape = getattr(expr, "shape", None)
        got = f"a {shape[0]}x{shape[1]} matrix" if shape else repr(expr)
        raise ValueError(f"the objective f must be a scalar expression, got {got}")
    return expr


def _variables(f: Any, wrt: Any) -> tuple[sympy.Expr, tuple[sympy.Symbol, ...]]:
    expr = _scalar(f)
    if wrt is None and isinstance(f, Derivation):
        wrt = f.wrt
    variables = as_wrt(wrt, expr, strict=True)
    if not variables:
        raise ValueError(f"the objective f = {expr} has no variables to optimize over")
    return expr, variables


@lru_cache(maxsize=128)
def _derived(expr: sympy.Expr, variables: tuple[sympy.Symbol, ...], second: bool) -> _Objective:
    """Derive and compile once per (objective, variables): value and gradient in one function."""
    grad = gradient(expr, variables)
    both = to_numpy(sympy.ImmutableMatrix([expr, *grad.result]), variables)
    hess = _fast(to_numpy(hessian(expr, variables), variables)) if second else None
    return _Objective(_fast(both), hess, len(variables), variables, expr)


def _central_grad(f: Callable[[np.ndarray], Any]) -> Callable[[np.ndarray], np.ndarray]:
    def grad(x: np.ndarray) -> np.ndarray:
        h = 1e-6 * np.maximum(1.0, np.abs(x))
        out = np.empty_like(x)
        for i in range(len(x)):
            e = np.zeros_like(x)
            e[i] = h[i]
            out[i] = (f(x + e) - f(x - e)) / (2 * h[i])
        return out

    return grad


def _central_hess(grad: Callable[[np.ndarray], Any]) -> Callable[[np.ndarray], np.ndarray]:
    def hess(x: np.ndarray) -> np.ndarray:
        h = 1e-5 * np.maximum(1.0, np.abs(x))
        cols = []
        for i in range(len(x)):
            e = np.zeros_like(x)
            e[i] = h[i]
            cols.append((np.asarray(grad(x + e)) - np.asarray(grad(x - e))) / (2 * h[i]))
        H = np.column_stack(cols)
        return (H + H.T) / 2

    return hess


def _python(f: Callable[[np.ndarray], Any], n: int, grad: Any, hess: Any, *,
            second: bool) -> _Objective:
    g = grad if grad is not None else _central_grad(f)
    if not callable(g):
        raise TypeError(f"grad must be a callable x -> gradient, got {grad!r}")
    if hess is not None and not callable(hess):
        raise TypeError(f"hess must be a callable x -> Hessian, got {hess!r}")

    def evaluate(x: np.ndarray) -> np.ndarray:
        out = np.empty(n + 1)
        out[0] = f(x)
        out[1:] = g(x)
        return out

    h = (hess if hess is not None else _central_hess(g)) if second else None
    return _Objective(evaluate, h, n)


def _objective(f: Any, x0: Any, wrt: Any, grad: Any, hess: Any, *, second: bool
               ) -> tuple[_Objective, np.ndarray]:
    if callable(f) and not isinstance(f, (sympy.Basic, Derivation)):
        if wrt is not None:
            raise ValueError("wrt is only for symbolic objectives; a callable takes x as an array")
        x = _start(x0, None)
        return _python(f, len(x), grad, hess, second=second), x
    if grad is not None or hess is not None:
        raise ValueError("grad=/hess= are for callable objectives; a symbolic objective is "
                         "differentiated for you")
    expr, variables = _variables(f, wrt)
    x = _start(x0, variables)  # checked before the (slower) derivation
    return _derived(expr, variables, second), x


def _start(x0: Any, variables: tuple[sympy.Symbol, ...] | None) -> np.ndarray:
    if isinstance(x0, Mapping):
        if variables is None:
            raise ValueError("x0 as a mapping needs a symbolic objective (its variable names)")
        by_name = {str(k): v for k, v in x0.items()}
        names = [s.name for s in variables]
        if set(by_name) != set(names):
            raise ValueError(f"x0 names {sorted(by_name)} but the objective's variables are "
                             f"{names}")
        x0 = [by_name[n] for n in names]
    try:
        x = np.array(x0, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"x0 must be a number or a sequence of numbers, got {x0!r}") from exc
    if x.size == 0:
        raise ValueError("x0 is empty")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"x0 must be finite, got {x0!r}")
    if variables is not None and x.size != len(variables):
        names = ", ".join(s.name for s in variables)
        raise ValueError(f"x0 has {x.size} value(s) but the objective has {len(variables)} "
                         f"variable(s) ({names})")
    return x


def _positive(name: str, value: Any, *, zero: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)):
        raise ValueError(f"{name} must be a number, got {value!r}")
    v = float(value)
    if not math.isfinite(v) or v < 0 or (v == 0 and not zero):
        raise ValueError(f"{name} must be {'non-negative' if zero else 'positive'} and finite, "
                         f"got {value!r}")
    return v


def _count(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
    return int(value)


# --- the loops ---------------------------------------------------------------------------


@dataclass
class _Run:
    """The preallocated record of a run, filled in place by a loop."""

    path: np.ndarray
    values: np.ndarray
    gg: np.ndarray  # squared gradient norms
    bound: float = math.inf
    k: int = 0
    converged: bool = False
    message: str = ""
    last: np.ndarray = field(default_factory=lambda: np.empty(0))


def _record(steps: int, n: int) -> _Run:
    return _Run(np.empty((steps + 1, n)), np.empty(steps + 1), np.empty(steps + 1))


def _begin(run: _Run, evaluate: Evaluate, x: np.ndarray) -> np.ndarray | None:
    out = evaluate(x)
    f0 = out[0]
    run.path[0] = x
    run.values[0] = f0
    run.last = out
    if not math.isfinite(f0):
        run.message = f"diverged at step 0: f(x0) = {f0}"
        return None
    run.bound = DIVERGENCE_FACTOR * (1.0 + abs(f0))
    return out


def _diverged(run: _Run, k: int, fx: float) -> None:
    run.k = k
    run.message = f"diverged at step {k}: f = {fx:.6g}" + (
        "" if not math.isfinite(fx) else f" exceeds the bound {run.bound:.3g}")


def _stopped(run: _Run, k: int) -> None:
    run.k = k
    run.message = f"stopped by the callback at step {k}"


def _fixed_loop(run: _Run, evaluate: Evaluate, x: np.ndarray, lr: float, mu: float,
                steps: int, tol2: float, callback: Callback | None) -> None:
    """Fixed learning rate; heavy-ball momentum ``v <- mu v - lr g; x <- x + v`` if mu > 0."""
    out = _begin(run, evaluate, x)
    if out is None:
        return
    path, values, gg, bound = run.path, run.values, run.gg, run.bound
    g = out[1:]
    v = np.zeros_like(x)
    k = 0
    try:
        for k in range(1, steps + 1):
            s = g @ g
            gg[k - 1] = s
            if s <= tol2:
                run.k, run.converged, run.last = k - 1, True, out
                return
            if mu:
                v = mu * v - lr * g
                x = x + v
            else:
                x = x - lr * g
            out = evaluate(x)
            path[k] = x
            fx = out[0]
            values[k] = fx
            if not abs(fx) <= bound:
                run.last = out
                _diverged(run, k, float(fx))
                return
            g = out[1:]
            if callback is not None and callback(k, x, fx):
                run.last = out
                _stopped(run, k)
                return
    except ArithmeticError as exc:  # a Python objective's OverflowError, ZeroDivisionError...
        run.k, run.last = k - 1, _evaluate_safe(evaluate, run.path[k - 1])
        run.message = f"diverged at step {k}: {type(exc).__name__}: {exc}"
        return
    run.k, run.last = k, out


def _evaluate_safe(evaluate: Evaluate, x: np.ndarray) -> np.ndarray:
    """``evaluate(x)``, or NaNs where it raises an arithmetic error."""
    try:
        return evaluate(x)
    except ArithmeticError:
        return np.full(len(x) + 1, np.nan)


def _armijo(evaluate: Evaluate, x: np.ndarray, fx: float, g: np.ndarray, d: np.ndarray,
            t: float) -> tuple[np.ndarray, np.ndarray] | None:
    """Backtrack ``t`` from its start until ``f(x + t d) <= f(x) + c t g·d``; ``None`` if
    ``d`` is not a descent direction or no step length is accepted."""
    slope = float(g @ d)
    if not slope < 0:
        return None
    for _ in range(MAX_HALVINGS):
        x_new = x + t * d
        out = evaluate(x_new)
        if out[0] <= fx + ARMIJO_C * t * slope:
            return x_new, out
        t *= 0.5
    return None


def _line_search_loop(run: _Run, evaluate: Evaluate, x: np.ndarray, lr: float, mu: float,
                      steps: int, tol2: float, callback: Callback | None) -> None:
    """Armijo backtracking from ``lr`` along ``-g`` (or the momentum step when it descends)."""
    out = _begin(run, evaluate, x)
    if out is None:
        return
    v = np.zeros_like(x)
    for k in range(1, steps + 1):
        fx, g = out[0], out[1:]
        run.gg[k - 1] = g @ g
        if run.gg[k - 1] <= tol2:
            run.k, run.converged, run.last = k - 1, True, out
            return
        found = _armijo(evaluate, x, fx, g, mu * v / lr - g, lr) if mu else None
        found = found or _armijo(evaluate, x, fx, g, -g, lr)
        if found is None:
            run.k, run.last = k - 1, out
            run.message = (f"line search found no decrease at step {k} (gradient norm "
                           f"{math.sqrt(run.gg[k - 1]):.3g})")
            return
        x_new, out = found
        v, x = x_new - x, x_new
        if _after_step(run, k, x, out, callback):
            return
    run.k, run.last = steps, out


def _after_step(run: _Run, k: int, x: np.ndarray, out: np.ndarray,
                callback: Callback | None) -> bool:
    """Record step ``k``; return True when the run must stop (diverged or callback)."""
    run.path[k] = x
    fx = out[0]
    run.values[k] = fx
    run.last = out
    if not abs(fx) <= run.bound:
        _diverged(run, k, float(fx))
        return True
    if callback is not None and callback(k, x, fx):
        _stopped(run, k)
        return True
    return False


def _newton_direction(H: np.ndarray, g: np.ndarray) -> tuple[np.ndarray, bool]:
    """Solve ``H p = -g``; when ``H`` is not positive definite, shift it by ``tau I`` until it
    is (a Levenberg-regularised, hence descent, step). Returns ``(p, regularised)``."""
    try:
        L = np.linalg.cholesky(H)
        return -np.linalg.solve(L.T, np.linalg.solve(L, g)), False
    except np.linalg.LinAlgError:
        pass
    lam = np.linalg.eigvalsh(H)
    scale = max(1.0, float(np.max(np.abs(lam))))
    tau = -float(lam[0]) + 1e-3 * scale
    return -np.linalg.solve(H + tau * np.eye(len(g)), g), True


def _newton_loop(run: _Run, evaluate: Evaluate, hess: Callable[[np.ndarray], Any],
                 x: np.ndarray, steps: int, tol: float, callback: Callback | None) -> None:
    out = _begin(run, evaluate, x)
    if out is None:
        return
    for k in range(1, steps + 1):
        fx, g = out[0], out[1:]
        run.gg[k - 1] = g @ g
        if run.gg[k - 1] <= tol * tol:
            run.k, run.converged, run.last = k - 1, True, out
            return
        H = np.asarray(hess(x), dtype=np.float64).reshape(len(x), len(x))
        if not np.all(np.isfinite(H)):
            run.k, run.last = k - 1, out
            run.message = f"diverged at step {k}: the Hessian is not finite"
            return
        p, regularised = _newton_direction(H, g)
        if not regularised and np.linalg.norm(p) <= tol * (1.0 + np.linalg.norm(x)):
            run.k, run.converged, run.last = k - 1, True, out
            run.message = "converged: the Newton step is below tol"
            return
        found = _armijo(evaluate, x, fx, g, p, 1.0)
        if found is None:
            run.k, run.last = k - 1, out
            run.message = (f"line search found no decrease at step {k} (gradient norm "
                           f"{math.sqrt(run.gg[k - 1]):.3g})")
            return
        x, out = found
        if _after_step(run, k, x, out, callback):
            return
    run.k, run.last = steps, out


def _finish(run: _Run, method: str, obj: _Objective, tol: float, steps: int) -> OptimizeResult:
    k = run.k
    last = run.last
    fun = float(last[0])
    gg = float(last[1:] @ last[1:])
    run.gg[k] = gg
    converged = run.converged or (not run.message and gg <= tol * tol)
    if converged and not run.message:
        message = f"converged: gradient norm {math.sqrt(gg):.3g} <= tol {tol:g} after {k} steps"
    elif run.message:
        message = run.message
    else:
        message = f"reached the step limit ({steps} steps) with gradient norm {math.sqrt(gg):.3g}"
    path = run.path[: k + 1].copy()
    values = run.values[: k + 1].copy()
    norms = np.sqrt(run.gg[: k + 1])
    for a in (path, values, norms):
        a.setflags(write=False)
    return OptimizeResult(path[-1].copy(), fun, math.sqrt(gg), k, bool(converged), message,
                          path, values, norms, method, obj.wrt, obj.expr)


# --- public functions --------------------------------------------------------------------


def gradient_descent(f: Any, x0: Any, *, wrt: Any = None, lr: float = 0.1, steps: int = 1000,
                     momentum: float = 0.0, line_search: bool = False, tol: float = 1e-8,
                     callback: Callback | None = None, grad: Any = None) -> OptimizeResult:
    r"""Minimise ``f`` by gradient descent from ``x0``.

    Args:
        f: The objective: a ``str``, SymPy expression or Derivation (its gradient is
            derived and compiled once), or a callable ``f(x) -> float`` of an array ``x``.
        x0: The start: a number, a sequence of numbers (one per variable, in ``wrt``
            order), or a mapping from variable names to numbers.
        wrt: The variables (default: the free symbols sorted by name).
        lr: The learning rate (with ``line_search``, the first trial step length).
        steps: The largest number of steps.
        momentum: Heavy-ball ``mu`` in [0, 1): ``v <- mu v - lr grad f(x); x <- x + v``.
        line_search: Backtrack (halve the step) until Armijo's sufficient decrease holds.
        tol: Stop when the gradient norm is at most ``tol``.
        callback: ``callback(step, x, value)`` after every step; a true return stops.
        grad: For a callable ``f``, its gradient ``grad(x) -> array`` (default: central
            differences).

    Returns:
        An :class:`OptimizeResult`; ``path[-1]`` is the final iterate ``x``.

    Raises:
        ValueError: For an ``x0`` of the wrong length, a non-scalar objective, or
            ``lr <= 0`` (and other bad options), naming the input.

    Examples:
        >>> r = gradient_descent("x**2", 5.0, lr=0.1, steps=3, tol=0)
        >>> r.path[:, 0].tolist()
        [5.0, 4.0, 3.2, 2.56]
        >>> r.x, r.n_iter
        (array([2.56]), 3)
        >>> gradient_descent("(x - 1)**2 + (y + 2)**2", [0, 0]).x.round(6).tolist()
        [1.0, -2.0]
    """
    lr = _positive("lr (the learning rate)", lr)
    tol = _positive("tol", tol, zero=True)
    steps = _count("steps", steps)
    mu = _positive("momentum", momentum, zero=True)
    if mu >= 1:
        raise ValueError(f"momentum must be in [0, 1), got {momentum!r}")
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable, got {callback!r}")
    obj, x = _objective(f, x0, wrt, grad, None, second=False)
    run = _record(steps, obj.n)
    loop = _line_search_loop if line_search else _fixed_loop
    method = "line search" if line_search else ("momentum" if mu else "gradient descent")
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        loop(run, obj.evaluate, x, lr, mu, steps, tol * tol, callback)
        return _finish(run, method, obj, tol, steps)


def newton(f: Any, x0: Any, *, wrt: Any = None, steps: int = 100, tol: float = 1e-10,
           callback: Callback | None = None, grad: Any = None, hess: Any = None
           ) -> OptimizeResult:
    r"""Minimise ``f`` by Newton's method, damped by an Armijo backtracking line search.

    Each step solves ``H p = -g``. When the Hessian is not positive definite it is shifted
    to ``H + tau I`` (``tau`` just above ``-lambda_min``), so the step still descends; the
    line search then halves the step until ``f`` decreases enough. A positive-definite
    quadratic is minimised in one step.

    Args:
        f: The objective (``str``, SymPy expression, Derivation, or a callable of ``x``).
        x0: The start (a number, a sequence, or a mapping of names to numbers).
        wrt: The variables (default: the free symbols sorted by name).
        steps: The largest number of steps.
        tol: Stop when the gradient norm (or the Newton step) is at most ``tol``.
        callback: ``callback(step, x, value)`` after every step; a true return stops.
        grad: For a callable ``f``: its gradient (default: central differences).
        hess: For a callable ``f``: its Hessian ``hess(x) -> (n, n)`` (default: central
            differences of ``grad``).

    Returns:
        An :class:`OptimizeResult` with ``method="newton"``.

    Examples:
        >>> r = newton("(x - 1)**2 + 3*(y + 2)**2 + x*y", [10.0, 10.0])
        >>> r.n_iter, r.converged
        (1, True)
        >>> r.x.round(6).tolist()
        [2.181818, -2.363636]
    """
    tol = _positive("tol", tol, zero=True)
    steps = _count("steps", steps)
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable, got {callback!r}")
    obj, x = _objective(f, x0, wrt, grad, hess, second=True)
    run = _record(steps, obj.n)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        _newton_loop(run, obj.evaluate, obj.hess, x, steps, tol, callback)
        return _finish(run, "newton", obj, tol, steps)
