r"""Gradient descent and Newton's method on symbolic or Python objectives.

A symbolic objective (``str``, SymPy expression or Derivation) is differentiated once with
:func:`symml.calculus.gradient` (and :func:`symml.calculus.hessian` for Newton) and
compiled once by :func:`symml.compile.value_and_gradient`: the value and the gradient share
one generated function (and its common subexpressions), so each step costs one call. The
loops run on NumPy arrays (fixed-rate gradient descent on a symbolic objective of a few
variables on Python floats, the same operations without an array per step), writing the
path into arrays that double in size when full (``steps`` is a limit, not an allocation).

A Python objective is given as a callable ``f(x) -> float`` with ``grad=`` (and, for
Newton, ``hess=``); missing derivatives are estimated by central differences. What they
return is checked once, at ``x0``: ``f`` a number, ``grad`` shape ``(n,)``, ``hess``
``(n, n)``; anything else is a ValueError naming the callable and both shapes.

The optimizers are pure functions: ``callback(step, x, value)`` is the only hook (``x`` is
a read-only view), and a true return value stops the run; an exception in the callback
propagates. A run that diverges (a non-finite value, ``|f| > 1e12 (1 + |f(x0)|)``, or
arithmetic trouble in a Python objective's ``f``/``grad``/``hess``: an ``OverflowError``,
``ZeroDivisionError``, or past ``x0`` any ``ValueError``, taken for a ``math`` function
outside its domain, ``math.sqrt(-1)``) stops with
``converged=False`` and a message saying "diverged", at which step and why; it never
raises for that. A line search instead rejects a trial point where that happens, as it
rejects one with a non-finite value, and backtracks. ``converged`` means
``grad_norm <= tol`` at a minimum: a run that meets the tolerance is checked at its end
(the Hessian's eigenvalues, and a probe along its flattest direction), and one that stopped
at a saddle, a maximum or an inflection point (Newton on ``x**3`` from 1) has
``converged=False``, ``status="not a minimum"`` and a message that says which.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, TypeAlias

import numpy as np
import sympy

from symml.calculus import hessian
from symml.compile import to_numpy, value_and_gradient
from symml.derivation import (
    Derivation,
    ExprLike,
    Result,
    WrtLike,
    as_expr,
    as_wrt,
    counted,
    latex_number,
    tex,
)

__all__ = ["STATUSES", "OptimizeResult", "gradient_descent", "newton"]

#: Why a run stops (``OptimizeResult.status``), as its LaTeX summary says it.
STATUSES: dict[str, str] = {
    "converged": "converged",
    "not a minimum": "stationary point, not a minimum",
    "diverged": "diverged",
    "step limit": "not converged",
    "no decrease": "not converged",
    "stopped": "stopped",
}
#: A run stops as diverged when ``|f| > DIVERGENCE_FACTOR * (1 + |f(x0)|)``.
DIVERGENCE_FACTOR = 1e12
#: Armijo's sufficient-decrease constant: accept ``t`` when ``f(x + t d) <= f + c t g·d``.
ARMIJO_C = 1e-4
#: How many times a line search may halve its step before giving up.
MAX_HALVINGS = 60

Evaluate = Callable[[np.ndarray], np.ndarray]  # x (n,) -> [f, g_1..g_n] (n + 1,)
#: ``callback(step, x, value)``; a true return value stops the run.
Callback = Callable[[int, np.ndarray, float], object]
#: A Python objective, gradient or Hessian of ``x``; what it returns is checked at ``x0``.
PythonFunction = Callable[[np.ndarray], Any]
#: What the optimizers take as the objective.
Objective: TypeAlias = "ExprLike | PythonFunction"
#: What the optimizers take as ``x0``: a number, one number per variable, or a mapping
#: from variable names to numbers.
Start: TypeAlias = "float | Sequence[float] | np.ndarray | Mapping[str, float]"


@dataclass(frozen=True, eq=False)
class OptimizeResult(Result):
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
        status: Why the run stopped, a key of :data:`STATUSES`: ``"converged"`` (at a
            minimum), ``"not a minimum"`` (a stationary point that is a saddle, a maximum
            or an inflection point), ``"diverged"``, ``"step limit"``, ``"no decrease"``
            (the line search found none) or ``"stopped"`` (by the callback).
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
    objective: sympy.Expr | None = field(default=None, repr=False)
    status: str = ""

    def _names(self) -> list[str]:
        return [s.name for s in self.wrt] or [f"x{i}" for i in range(len(self.x))]

    def latex(self, *, steps: bool = True) -> str:
        r"""LaTeX summary: the final point, the value and the gradient norm.

        Args:
            steps: Has no effect: a run has no derivation steps (every result object's
                ``latex`` takes it).

        Examples:
            >>> r = gradient_descent("x**2", [1.0], lr=0.5)
            >>> r.latex()
            'x^{*} = \\left(0\\right),\\ f(x^{*}) = 0,\\ \\|\\nabla f\\| = 0 \\quad (\\text{gradient descent, 1 step, converged})'
        """
        names = [tex(s) for s in self.wrt] if self.wrt else ["x"]
        point = ", ".join(f"{v:.6g}" for v in self.x)
        lhs = names[0] if len(names) == 1 else "(" + ", ".join(names) + ")"
        status = STATUSES.get(self.status, "converged" if self.converged else "not converged")
        taken = counted(self.n_iter, "step")
        return (
            rf"{lhs}^{{*}} = \left({point}\right),\ f({lhs}^{{*}}) = {latex_number(self.fun)},\ "
            rf"\|\nabla f\| = {latex_number(self.grad_norm)} \quad (\text{{{self.method}, {taken}, "
            rf"{status}}})"
        )

    def plain(self) -> str:
        """A plain-text table of the result (what ``symml minimize`` prints)."""
        point = ", ".join(f"{n} = {v:.10g}" for n, v in zip(self._names(), self.x, strict=True))
        start = ", ".join(f"{v:.6g}" for v in self.path[0])
        rows = [
            ("method", self.method),
            ("x0", f"({start})"),
            ("steps", str(self.n_iter)),
            ("f(x)", f"{self.fun:.10g}"),
            ("|grad f|", f"{self.grad_norm:.3g}"),
            ("converged", "yes" if self.converged else "no"),
            ("message", self.message),
            ("x", point),
        ]
        return "\n".join(f"{k:<10} {v}" for k, v in rows)


# --- objectives --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Objective:
    """What the loops need: ``evaluate(x) -> [f, ∇f]`` and, for Newton, ``hess(x)``;
    ``start`` is ``evaluate`` at x0 with the checks of what a Python objective returns
    (``None``: ``evaluate`` itself); ``floats`` is ``evaluate`` on Python floats (a list
    in, a list out) where the compiled objective has it."""

    evaluate: Evaluate
    hess: Callable[[np.ndarray], np.ndarray] | None
    n: int
    wrt: tuple[sympy.Symbol, ...] = ()
    expr: sympy.Expr | None = None
    start: Evaluate | None = None
    floats: Callable[[list[float]], list[float]] | None = None


def _scalar(f: ExprLike) -> sympy.Expr:
    expr, _ = as_expr(f, what="the objective f")
    if isinstance(expr, sympy.MatrixBase) and expr.shape == (1, 1):
        expr = expr[0, 0]
    if not isinstance(expr, sympy.Expr) or isinstance(expr, sympy.MatrixBase):
        shape = getattr(expr, "shape", None)
        got = f"a {shape[0]}x{shape[1]} matrix" if shape else repr(expr)
        raise ValueError(f"the objective f must be a scalar expression, got {got}")
    return expr


def _real_valued(expr: sympy.Expr) -> sympy.Expr:
    """An objective written with ``I`` as a real expression of its (real) variables: as it
    stands when SymPy knows it is real (``Abs(x + I)``), else its real part when the
    imaginary part expands to 0 (``(x + I)(x - I) -> x**2 + 1``); otherwise a ``ValueError``
    naming the imaginary part (complex values are not ordered: nothing to minimize).

    Examples:
        >>> x = sympy.Symbol("x", real=True)
        >>> _real_valued((x + sympy.I) * (x - sympy.I))
        x**2 + 1
    """
    if not expr.has(sympy.I):
        return expr
    real = {s: sympy.Dummy(s.name, real=True) for s in expr.free_symbols if not s.is_real}
    expr_r = expr.xreplace(real)
    if expr_r.is_real:  # Abs(x + I): real as it stands
        return expr
    re, im = (sympy.expand(t) for t in expr_r.as_real_imag())
    back = {d: s for s, d in real.items()}
    if im != 0:
        raise ValueError(
            f"the objective f = {expr} is not real-valued: its imaginary part is "
            f"{im.xreplace(back)}; minimize a real function (e.g. Abs(f)**2)"
        )
    return re.xreplace(back)


def _variables(f: ExprLike, wrt: WrtLike) -> tuple[sympy.Expr, tuple[sympy.Symbol, ...]]:
    expr = _real_valued(_scalar(f))
    if wrt is None and isinstance(f, Derivation):
        wrt = f.wrt
    variables = as_wrt(wrt, expr, strict=True)
    if not variables:
        raise ValueError(f"the objective f = {expr} has no variables to optimize over")
    return expr, variables


@lru_cache(maxsize=128)
def _derived(expr: sympy.Expr, variables: tuple[sympy.Symbol, ...], second: bool) -> _Objective:
    """Derive and compile once per (objective, variables): value and gradient in one
    function (:func:`~symml.compile.value_and_gradient`), called on its one-point fast path."""
    both = value_and_gradient(expr, variables)
    hess = to_numpy(hessian(expr, variables), variables).point if second else None
    return _Objective(both.point, hess, len(variables), variables, expr, floats=both.point_floats)


def _central_grad(f: PythonFunction) -> Callable[[np.ndarray], np.ndarray]:
    def grad(x: np.ndarray) -> np.ndarray:
        h = 1e-6 * np.maximum(1.0, np.abs(x))
        out = np.empty_like(x)
        for i in range(len(x)):
            e = np.zeros_like(x)
            e[i] = h[i]
            out[i] = (f(x + e) - f(x - e)) / (2 * h[i])
        return out

    return grad


def _central_hess(grad: PythonFunction) -> Callable[[np.ndarray], np.ndarray]:
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


class _Trouble(Exception):
    """Arithmetic trouble inside a Python objective's ``f``, ``grad`` or ``hess`` at a point:
    an ``OverflowError``, ``ZeroDivisionError`` or other ``ArithmeticError``, or (past
    ``x0``) any ``ValueError``, taken for a ``math`` function outside its domain
    (``math.sqrt(-1)``; Python gives it no class of its own). Never
    raised to the caller: a trial point of a line search that meets it is rejected (like a
    non-finite value), and anywhere else the run stops there as diverged."""

    def __init__(self, what: str, exc: BaseException) -> None:
        reason = next((r for t, r in _TROUBLE if isinstance(exc, t)), "arithmetic error in {}")
        super().__init__(f"{reason.format(what)} ({type(exc).__name__}: {exc})")


#: The reason a diverged message gives for each kind of arithmetic trouble (first match).
_TROUBLE: tuple[tuple[type[BaseException], str], ...] = (
    (OverflowError, "overflow in {}"),
    (ZeroDivisionError, "division by zero in {}"),
    (ValueError, "x left the domain of {}"),
)

#: What a Python objective's callables must return, for the error that names them.
_RETURNS = {
    "f": "a real number",
    "grad": "a real array of shape (n,)",
    "hess": "a real array of shape (n, n)",
}


def _returned(what: str, value: object, shape: tuple[int, ...], n: int) -> np.ndarray:
    """``value`` as a float array of ``shape`` (for one variable, any single number will do
    for ``grad`` and ``hess``); otherwise a clear error naming ``what``, the shape it
    returned and the shape expected for ``x`` of ``n`` variables."""
    try:
        a = np.asarray(value)
    except ValueError:  # a ragged sequence
        a = np.empty(0, dtype=object)
    if a.dtype.kind not in "biuf":
        raise TypeError(
            f"{what} must return {_RETURNS[what]}, got {type(value).__name__} {str(value)[:60]}"
        )
    a = a.astype(np.float64, copy=False)
    if a.shape != shape and not (shape and n == 1 and a.size == 1):
        expected = "a number (shape ())" if not shape else f"shape {shape}"
        raise ValueError(
            f"{what} returned an array of shape {a.shape}; expected {expected} "
            f"(x has {counted(n, 'variable')})"
        )
    return a.reshape(shape)


def _python(
    f: PythonFunction,
    n: int,
    grad: PythonFunction | None,
    hess: PythonFunction | None,
    *,
    second: bool,
) -> _Objective:
    g = grad if grad is not None else _central_grad(f)
    if not callable(g):
        raise TypeError(f"grad must be a callable x -> gradient, got {grad!r}")
    if hess is not None and not callable(hess):
        raise TypeError(f"hess must be a callable x -> Hessian, got {hess!r}")
    g_name = "grad" if grad is not None else "f (central differences for grad)"

    def evaluate(x: np.ndarray) -> np.ndarray:
        try:
            fx = f(x)
        except (ArithmeticError, ValueError) as exc:
            raise _Trouble("f", exc) from exc
        try:
            gx = g(x)
        except (ArithmeticError, ValueError) as exc:
            raise _Trouble(g_name, exc) from exc
        out = np.empty(n + 1)
        try:
            out[0] = fx
            out[1:] = gx
        except (TypeError, ValueError):
            start(x)  # raises the error that names f or grad and the shapes
            raise
        return out

    def start(x: np.ndarray) -> np.ndarray:
        """``evaluate`` at x0, checking once what ``f`` and ``grad`` return. A ValueError
        there is not taken for a domain error: it is raised, naming the callable and x0
        (it is as likely a bug, such as unpacking ``x`` into too many names)."""
        out = np.empty(n + 1)
        for i, (what, fn) in enumerate((("f", f), (g_name, g))):
            try:
                value = fn(x)
            except ArithmeticError as exc:
                raise _Trouble(what, exc) from exc
            except ValueError as exc:
                raise ValueError(f"{what} raised ValueError at x0 = {x.tolist()}: {exc}") from exc
            if i == 0:
                out[0] = _returned("f", value, (), n)
            else:
                out[1:] = _returned("grad", value, (n,), n)
        return out

    h = None
    if second:
        raw = hess if hess is not None else _central_hess(g)
        h_name = (
            "hess"
            if hess is not None
            else f"{'grad' if grad is not None else 'f'} (central differences for hess)"
        )

        def h(x: np.ndarray) -> np.ndarray:
            try:
                return raw(x)
            except (ArithmeticError, ValueError) as exc:
                raise _Trouble(h_name, exc) from exc

    return _Objective(evaluate, h, n, start=start)


def _objective(
    f: Objective,
    x0: Start,
    wrt: WrtLike,
    grad: PythonFunction | None,
    hess: PythonFunction | None,
    *,
    second: bool,
) -> tuple[_Objective, np.ndarray]:
    if callable(f) and not isinstance(f, (sympy.Basic, Derivation)):
        if wrt is not None:
            raise ValueError("wrt is only for symbolic objectives; a callable takes x as an array")
        x = _start(x0, None)
        return _python(f, len(x), grad, hess, second=second), x
    if grad is not None or hess is not None:
        raise ValueError(
            "grad=/hess= are for callable objectives; a symbolic objective is "
            "differentiated for you"
        )
    expr, variables = _variables(f, wrt)
    x = _start(x0, variables)  # checked before the (slower) derivation
    return _derived(expr, variables, second), x


def _start(x0: Start, variables: tuple[sympy.Symbol, ...] | None) -> np.ndarray:
    if isinstance(x0, Mapping):
        if variables is None:
            raise ValueError("x0 as a mapping needs a symbolic objective (its variable names)")
        by_name = {str(k): v for k, v in x0.items()}
        names = [s.name for s in variables]
        if set(by_name) != set(names):
            raise ValueError(
                f"x0 names {sorted(by_name)} but the objective's variables are {names}"
            )
        x0 = [by_name[n] for n in names]
    try:
        x = np.array(x0, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"x0 must be a number or a sequence of numbers, got {x0!r}") from exc
    if x.ndim > 1:
        raise ValueError(
            f"x0 must be a number or a 1-D sequence of numbers, got an array of shape {x.shape}"
        )
    x = x.reshape(-1)
    if x.size == 0:
        raise ValueError("x0 is empty")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"x0 must be finite, got {x0!r}")
    if variables is not None and x.size != len(variables):
        listed = ", ".join(s.name for s in variables)
        raise ValueError(
            f"x0 has {x.size} value(s) but the objective has {len(variables)} variable(s) ({listed})"
        )
    return x


def _positive(name: str, value: object, *, zero: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)):
        raise ValueError(f"{name} must be a number, got {value!r}")
    v = float(value)
    if not math.isfinite(v) or v < 0 or (v == 0 and not zero):
        raise ValueError(
            f"{name} must be {'non-negative' if zero else 'positive'} and finite, got {value!r}"
        )
    return v


def _count(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
    return int(value)


# --- the loops ---------------------------------------------------------------------------

#: Rows a run's record starts with; it doubles when full, so a large ``steps`` costs
#: memory only for the steps actually taken.
INITIAL_ROWS = 1024


@dataclass
class _Run:
    """The record of a run, filled in place by a loop and grown by :meth:`grow`."""

    path: np.ndarray
    values: np.ndarray
    gg: np.ndarray  # squared gradient norms
    steps: int
    bound: float = math.inf
    k: int = 0
    converged: bool = False
    message: str = ""
    status: str = ""
    last: np.ndarray = field(default_factory=lambda: np.empty(0))

    def stop(self, status: str, message: str) -> None:
        """End the run early: ``status`` is a key of :data:`STATUSES`."""
        self.status, self.message = status, message

    def grow(self) -> None:
        """Double the number of rows (at most ``steps + 1``), keeping those written."""
        rows = min(self.steps + 1, 2 * len(self.values))
        for name in ("path", "values", "gg"):
            old = getattr(self, name)
            new = np.empty((rows, *old.shape[1:]))
            new[: len(old)] = old
            setattr(self, name, new)


def _record(steps: int, n: int) -> _Run:
    rows = min(steps + 1, INITIAL_ROWS)
    return _Run(np.empty((rows, n)), np.empty(rows), np.empty(rows), steps)


def _begin(run: _Run, obj: _Objective, x: np.ndarray) -> np.ndarray | None:
    run.path[0] = x
    try:
        out = (obj.start or obj.evaluate)(x)
    except _Trouble as exc:
        run.values[0] = math.nan
        run.last = np.full(len(x) + 1, np.nan)
        run.stop("diverged", f"diverged at step 0: {exc}")
        return None
    f0 = out[0]
    run.values[0] = f0
    run.last = out
    if not math.isfinite(f0):
        run.stop("diverged", f"diverged at step 0: f(x0) = {f0}")
        return None
    run.bound = DIVERGENCE_FACTOR * (1.0 + abs(f0))
    return out


def _diverged(run: _Run, k: int, fx: float) -> None:
    run.k = k
    if math.isnan(fx):
        detail = " (x left the domain of f)"
    elif math.isfinite(fx):
        detail = f" exceeds the bound {run.bound:.3g}"
    else:
        detail = ""
    run.stop("diverged", f"diverged at step {k}: f = {fx:.6g}{detail}")


def _troubled(run: _Run, k: int, out: np.ndarray, exc: _Trouble) -> None:
    """Step ``k`` met arithmetic trouble in the objective: the run ends at step ``k - 1``,
    its last good point, as diverged at step ``k``."""
    run.k, run.last = k - 1, out
    run.stop("diverged", f"diverged at step {k}: {exc}")


def _stopped(run: _Run, k: int) -> None:
    run.k = k
    run.stop("stopped", f"stopped by the callback at step {k}")


def _readonly(x: np.ndarray) -> np.ndarray:
    """A read-only view of ``x`` for the callback: mutating it cannot corrupt the run."""
    view = x.view()
    view.flags.writeable = False
    return view


def _fixed_loop(
    run: _Run,
    obj: _Objective,
    x: np.ndarray,
    lr: float,
    mu: float,
    steps: int,
    tol2: float,
    callback: Callback | None,
) -> None:
    """Fixed learning rate; heavy-ball momentum ``v <- mu v - lr g; x <- x + v`` if mu > 0."""
    out = _begin(run, obj, x)
    if out is None:
        return
    evaluate = obj.evaluate
    path, values, gg, bound = run.path, run.values, run.gg, run.bound
    rows = len(values)
    g = out[1:]
    v = np.zeros_like(x)  # the momentum step
    step = np.empty_like(x)  # lr g
    # 0-d arrays: array-by-array arithmetic skips converting a Python float on every step
    # (the same float64 products); each new x is written straight into its row of the path
    lr_, mu_ = np.array(lr), np.array(mu)
    multiply, subtract, add = np.multiply, np.subtract, np.add
    k = 0
    try:
        for k in range(1, steps + 1):
            if k == rows:  # x stays a view of the old rows: they are never written again
                run.grow()
                path, values, gg, rows = run.path, run.values, run.gg, len(run.values)
            s = g.dot(g)  # what g @ g gives, at a third of its call overhead
            gg[k - 1] = s
            if s <= tol2:
                run.k, run.converged, run.last = k - 1, True, out
                return
            multiply(g, lr_, step)
            x_new = path[k]
            if mu:  # v <- mu v - lr g; x <- x + v
                subtract(multiply(v, mu_, v), step, v)
                add(x, v, x_new)
            else:  # x <- x - lr g
                subtract(x, step, x_new)
            x = x_new
            out = evaluate(x)
            fx = out[0]
            values[k] = fx
            if not abs(fx) <= bound:
                run.last = out
                _diverged(run, k, float(fx))
                return
            g = out[1:]
            if callback is not None and callback(k, _readonly(x), fx):
                run.last = out
                _stopped(run, k)
                return
    except _Trouble as exc:  # only the objective raises it; the callback's errors propagate
        _troubled(run, k, out, exc)
        return
    run.k, run.last = k, out


#: Up to this many variables the fixed-step loop of a symbolic objective runs on Python
#: floats (:func:`_float_loop`); above it NumPy's arrays are as fast or faster (measured
#: on a chain of Rosenbrock terms: Python floats 1.5x faster at 2 variables, even at 16).
FLOAT_LOOP_MAX = 12


def _float_loop(
    run: _Run,
    obj: _Objective,
    x: np.ndarray,
    lr: float,
    mu: float,
    steps: int,
    tol2: float,
    callback: Callback | None,
) -> None:
    """:func:`_fixed_loop` on Python floats, for a compiled objective of a few variables:
    its ``floats`` function takes and returns lists, so a step makes no array (a NumPy
    call on a 2-vector costs several float operations). The same IEEE operations in the
    same order, so the same path and values; the squared gradient norm is summed in
    order, which can differ from BLAS's dot product in the last bit."""
    out = _begin(run, obj, x)
    if out is None:
        return
    evaluate = obj.floats
    assert evaluate is not None, "_float_loop runs only for an objective with floats"
    path, values, gg, bound = run.path, run.values, run.gg, run.bound
    rows = len(values)
    xs, o = x.tolist(), out.tolist()
    g = o[1:]
    v = [0.0] * len(xs)
    k = 0
    for k in range(1, steps + 1):
        if k == rows:
            run.grow()
            path, values, gg, rows = run.path, run.values, run.gg, len(run.values)
        s = 0.0
        for gi in g:
            s += gi * gi
        gg[k - 1] = s
        if s <= tol2:
            run.k, run.converged, run.last = k - 1, True, np.array(o)
            return
        if mu:  # v <- mu v - lr g; x <- x + v
            v = [mu * vi - lr * gi for vi, gi in zip(v, g, strict=True)]
            xs = [a + b for a, b in zip(xs, v, strict=True)]
        else:  # x <- x - lr g
            xs = [a - lr * b for a, b in zip(xs, g, strict=True)]
        o = evaluate(xs)
        path[k] = xs
        fx = o[0]
        values[k] = fx
        if not abs(fx) <= bound:
            run.last = np.array(o)
            _diverged(run, k, fx)
            return
        g = o[1:]
        if callback is not None and callback(k, _readonly(path[k]), fx):
            run.last = np.array(o)
            _stopped(run, k)
            return
    run.k, run.last = k, np.array(o)


def _armijo(
    evaluate: Evaluate, x: np.ndarray, fx: float, g: np.ndarray, d: np.ndarray, t: float
) -> tuple[np.ndarray, np.ndarray, float] | None:
    """Backtrack ``t`` from its start until ``f(x + t d) <= f(x) + c t g·d``; ``None`` if
    ``d`` is not a descent direction or no step length is accepted. A trial point where a
    Python objective meets arithmetic trouble is rejected like a non-finite value.
    Returns ``(x + t d, evaluate(x + t d), t)``."""
    slope = float(g @ d)
    if not slope < 0:
        return None
    for _ in range(MAX_HALVINGS):
        x_new = x + t * d
        try:
            out = evaluate(x_new)
        except _Trouble:
            out = None
        if out is not None and out[0] <= fx + ARMIJO_C * t * slope:
            return x_new, out, t
        t *= 0.5
    return None


def _no_decrease(run: _Run, k: int, out: np.ndarray) -> None:
    run.k, run.last = k - 1, out
    run.stop(
        "no decrease",
        f"line search found no decrease at step {k} (gradient norm {math.sqrt(run.gg[k - 1]):.3g})",
    )


def _line_search_loop(
    run: _Run,
    obj: _Objective,
    x: np.ndarray,
    lr: float,
    mu: float,
    steps: int,
    tol2: float,
    callback: Callback | None,
) -> None:
    """Armijo backtracking from ``lr`` along ``-g`` (or the momentum step when it descends)."""
    out = _begin(run, obj, x)
    if out is None:
        return
    v = np.zeros_like(x)
    for k in range(1, steps + 1):
        if k == len(run.values):
            run.grow()
        fx, g = out[0], out[1:]
        run.gg[k - 1] = g @ g
        if run.gg[k - 1] <= tol2:
            run.k, run.converged, run.last = k - 1, True, out
            return
        found = _armijo(obj.evaluate, x, fx, g, mu * v / lr - g, lr) if mu else None
        found = found or _armijo(obj.evaluate, x, fx, g, -g, lr)
        if found is None:
            _no_decrease(run, k, out)
            return
        x_new, out, _ = found
        v, x = x_new - x, x_new
        if _after_step(run, k, x, out, callback):
            return
    run.k, run.last = steps, out


def _after_step(
    run: _Run, k: int, x: np.ndarray, out: np.ndarray, callback: Callback | None
) -> bool:
    """Record step ``k``; return True when the run must stop (diverged or callback)."""
    run.path[k] = x
    fx = out[0]
    run.values[k] = fx
    run.last = out
    if not abs(fx) <= run.bound:
        _diverged(run, k, float(fx))
        return True
    if callback is not None and callback(k, _readonly(x), fx):
        _stopped(run, k)
        return True
    return False


#: The longest first step Newton's method takes where the Hessian is not positive definite
#: (the quadratic model then says nothing about the step length); doubled after each such
#: step taken in full, cut to the accepted length after one the line search shortened.
NEWTON_RADIUS = 1.0
#: Eigenvalues of a modified Hessian are at least this times its largest ``|lambda|`` (and 1).
NEWTON_FLOOR = 1e-8


def _newton_direction(H: np.ndarray, g: np.ndarray, radius: float) -> tuple[np.ndarray, bool, bool]:
    """Solve ``H p = -g``. When ``H`` is not positive definite, use the modified Hessian
    ``Q |Lambda| Q^T`` instead (each eigenvalue replaced by its absolute value, at least
    ``NEWTON_FLOOR`` times the largest), which is positive definite, so ``p`` descends; then
    cap ``|p|`` at ``radius``. Returns ``(p, modified, capped)``."""
    try:
        L = np.linalg.cholesky(H)
        return -np.linalg.solve(L.T, np.linalg.solve(L, g)), False, False
    except np.linalg.LinAlgError:
        pass
    lam, Q = np.linalg.eigh(H)
    floor = NEWTON_FLOOR * max(1.0, float(np.max(np.abs(lam))))
    p = -(Q @ ((Q.T @ g) / np.maximum(np.abs(lam), floor)))
    length = float(np.linalg.norm(p))
    if length > radius:
        p *= radius / length
    return p, True, length > radius


def _hessian(hess: PythonFunction, x: np.ndarray) -> np.ndarray:
    n = len(x)
    return _returned("hess", hess(x), (n, n), n)


def _newton_loop(
    run: _Run, obj: _Objective, x: np.ndarray, steps: int, tol: float, callback: Callback | None
) -> None:
    out = _begin(run, obj, x)
    if out is None:
        return
    hess = obj.hess
    assert hess is not None, "newton's objective is made with second=True"
    radius = NEWTON_RADIUS
    k = 0
    try:
        for k in range(1, steps + 1):
            if k == len(run.values):
                run.grow()
            fx, g = out[0], out[1:]
            run.gg[k - 1] = g @ g
            if run.gg[k - 1] <= tol * tol:
                run.k, run.converged, run.last = k - 1, True, out
                return
            H = _hessian(hess, x)
            if not np.all(np.isfinite(H)):
                run.k, run.last = k - 1, out
                run.stop("diverged", f"diverged at step {k}: the Hessian is not finite")
                return
            p, modified, capped = _newton_direction(H, g, radius)
            found = _armijo(obj.evaluate, x, fx, g, p, 1.0)
            if found is None:
                _no_decrease(run, k, out)
                return
            x, out, t = found
            if modified and t < 1.0:  # the line search shortened it: trust that length
                radius = t * float(np.linalg.norm(p))
            elif capped:  # taken in full at the cap: allow a longer one next
                radius *= 2
            if _after_step(run, k, x, out, callback):
                return
    except _Trouble as exc:  # only the objective raises it; the callback's errors propagate
        _troubled(run, k, out, exc)
        return
    run.k, run.last = steps, out


#: Rungs of the probe along the flattest direction at the end of a run, times
#: ``max(1, |x|)``: a point where ``f`` falls below ``f(x)`` on every rung along one side
#: is not a minimum (``x^3`` at 0), however flat the Hessian there.
PROBE_LADDER = 1e-4 * 4.0 ** np.arange(5)
#: A Hessian eigenvalue below ``-CURVATURE_TOL * max(1, max |lambda|)`` is negative.
CURVATURE_TOL = 1e-8
#: Above this many variables the end of a run is not classified (a Hessian of central
#: differences costs ``2 n`` gradient evaluations and an ``n x n`` eigen-decomposition).
CLASSIFY_MAX_VARIABLES = 200


def _not_a_minimum(obj: _Objective, x: np.ndarray, fx: float) -> str:
    """Why the stationary point ``x`` is not a minimum (``""`` when it is one, or when it
    cannot be told): a maximum or a saddle by the signs of the Hessian's eigenvalues (the
    Hessian of the objective, else central differences of its gradient), else a probe
    along the eigenvector of the smallest eigenvalue on the rungs of :data:`PROBE_LADDER`
    (an inflection point, or a saddle the second-order test cannot see)."""
    n = len(x)
    if n > CLASSIFY_MAX_VARIABLES:
        return ""
    evaluate = obj.evaluate
    try:
        raw = obj.hess(x) if obj.hess is not None else _central_hess(lambda z: evaluate(z)[1:])(x)
    except _Trouble:
        return ""
    H = np.asarray(raw, dtype=np.float64).reshape(n, n)
    if not np.all(np.isfinite(H)):
        return ""
    lam, Q = np.linalg.eigh((H + H.T) / 2)
    scale = CURVATURE_TOL * max(1.0, float(np.max(np.abs(lam))))
    if lam[-1] < -scale:
        return f"a maximum (every eigenvalue of the Hessian is negative, the largest {lam[-1]:.3g})"
    if lam[0] < -scale:
        return f"a saddle point (the Hessian has the negative eigenvalue {lam[0]:.3g})"
    ladder = PROBE_LADDER * max(1.0, float(np.linalg.norm(x)))
    below = fx - 1e-14 * (1.0 + abs(fx))
    for d in (Q[:, 0], -Q[:, 0]):
        try:
            falls = all(evaluate(x + t * d)[0] < below for t in ladder)
        except _Trouble:
            falls = False
        if falls:
            direction = ", ".join(f"{v:.3g}" for v in d)
            return (
                f"f keeps decreasing from x along ({direction}) (an inflection point or a "
                f"flat saddle; the smallest Hessian eigenvalue is {lam[0]:.3g})"
            )
    return ""


def _finish(run: _Run, method: str, obj: _Objective, tol: float, steps: int) -> OptimizeResult:
    k = run.k
    last = run.last
    fun = float(last[0])
    gg = float(last[1:] @ last[1:])
    run.gg[k] = gg
    converged = run.converged or (not run.message and gg <= tol * tol)
    status, message = run.status, run.message
    if converged and not message:
        status = "converged"
        message = f"converged: gradient norm {math.sqrt(gg):.3g} <= tol {tol:g} after {k} steps"
        why = _not_a_minimum(obj, run.path[k], fun)
        if why:
            converged, status = False, "not a minimum"
            message = (
                f"stopped at a stationary point that is not a minimum: {why}; gradient norm "
                f"{math.sqrt(gg):.3g} <= tol {tol:g} after {k} steps"
            )
    elif not message:
        status = "step limit"
        message = f"reached the step limit ({steps} steps) with gradient norm {math.sqrt(gg):.3g}"
    path = run.path[: k + 1].copy()
    values = run.values[: k + 1].copy()
    norms = np.sqrt(run.gg[: k + 1])
    for a in (path, values, norms):
        a.setflags(write=False)
    return OptimizeResult(
        path[-1].copy(),
        fun,
        math.sqrt(gg),
        k,
        bool(converged),
        message,
        path,
        values,
        norms,
        method,
        obj.wrt,
        obj.expr,
        status,
    )


# --- public functions --------------------------------------------------------------------


def gradient_descent(
    f: Objective,
    x0: Start,
    *,
    wrt: WrtLike = None,
    lr: float = 0.1,
    steps: int = 1000,
    momentum: float = 0.0,
    line_search: bool = False,
    tol: float = 1e-8,
    callback: Callback | None = None,
    grad: PythonFunction | None = None,
) -> OptimizeResult:
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
        ValueError: For an ``x0`` of the wrong length or not 1-D, a non-scalar objective,
            ``lr <= 0`` (and other bad options), or a callable ``f``/``grad`` returning the
            wrong shape at ``x0``, naming the input.

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
    if loop is _fixed_loop and obj.floats is not None and obj.n <= FLOAT_LOOP_MAX:
        loop = _float_loop
    method = "line search" if line_search else ("momentum" if mu else "gradient descent")
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        loop(run, obj, x, lr, mu, steps, tol * tol, callback)
        return _finish(run, method, obj, tol, steps)


def newton(
    f: Objective,
    x0: Start,
    *,
    wrt: WrtLike = None,
    steps: int = 100,
    tol: float = 1e-10,
    callback: Callback | None = None,
    grad: PythonFunction | None = None,
    hess: PythonFunction | None = None,
) -> OptimizeResult:
    r"""Minimise ``f`` by Newton's method, damped by an Armijo backtracking line search.

    Each step solves ``H p = -g``. When the Hessian is not positive definite it is replaced
    by ``Q |Lambda| Q^T`` (its eigenvalues made positive: their absolute values, at least
    ``1e-8`` times the largest), so the step still descends, and that step is capped at a
    radius (first ``1``, doubled after each such step taken in full, cut to the length the
    line search accepted otherwise): where the curvature is negative the quadratic model
    says nothing about how far to go, so the run does not jump to a far basin. The Armijo
    line search then halves the step until ``f`` decreases enough. A positive-definite
    quadratic is minimised in one step.

    Args:
        f: The objective (``str``, SymPy expression, Derivation, or a callable of ``x``).
        x0: The start (a number, a sequence, or a mapping of names to numbers).
        wrt: The variables (default: the free symbols sorted by name).
        steps: The largest number of steps.
        tol: Stop (converged) when the gradient norm is at most ``tol``.
        callback: ``callback(step, x, value)`` after every step; a true return stops.
        grad: For a callable ``f``: its gradient (default: central differences).
        hess: For a callable ``f``: its Hessian ``hess(x) -> (n, n)`` (default: central
            differences of ``grad``).

    Returns:
        An :class:`OptimizeResult` with ``method="newton"``.

    Raises:
        ValueError: For a bad ``x0``, ``steps`` or ``tol``, a non-scalar objective, or a
            callable ``f``/``grad``/``hess`` returning the wrong shape, naming the input.

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
        _newton_loop(run, obj, x, steps, tol, callback)
        return _finish(run, "newton", obj, tol, steps)
