"""Calculus: derivatives, gradients, Jacobians and Hessians, with their steps.

Every operation returns a :class:`~symml.derivation.Derivation`. Derived operations are
built from basic ones: a Hessian is the Jacobian of the gradient (computed once per
unordered pair, then mirrored).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from itertools import permutations
from typing import Any

import sympy

from symml.deadline import Deadline, resolve_timeout, run_limited
from symml.derivation import (
    Derivation,
    Step,
    as_expr,
    as_matrix,
    as_wrt,
    free_symbols,
    function_lhs,
    tex,
)
from symml.errors import (
    DerivationTimeout,
    NoClosedFormError,
    NoConvergenceError,
    NotSupportedError,
    SymmlError,
)

__all__ = [
    "derivative",
    "gradient",
    "hessian",
    "jacobian",
    "simplify_limited",
    "CriticalPoint",
    "CriticalPoints",
    "critical_points",
    "integral",
    "limit",
    "quadrature",
    "taylor",
]

#: Largest number of operations for which results are simplified automatically.
SIMPLIFY_MAX_OPS = 150
#: Seconds an automatic simplification may take before the raw form is kept.
SIMPLIFY_SECONDS = 3.0


def _scalar(f: Any, what: str) -> tuple[sympy.Expr, tuple[Step, ...]]:
    expr, prior = as_expr(f, what=what)
    if isinstance(expr, sympy.MatrixBase):
        if expr.shape == (1, 1):
            return expr[0, 0], prior
        raise ValueError(
            f"{what} must be a scalar expression, got a {expr.shape[0]}x{expr.shape[1]} matrix"
        )
    if isinstance(expr, dict) or not isinstance(expr, sympy.Expr):
        raise ValueError(f"{what} must be a scalar expression, got {expr!r}")
    return expr, prior


def _vocabulary(e: sympy.Expr) -> set[type]:
    return {type(f) for f in e.atoms(sympy.Function)}


def _simplest(items: list[sympy.Expr]) -> list[sympy.Expr]:
    """The shortest of a few simplified forms that uses no function the input did not use
    (so ``exp`` stays ``exp`` rather than turning into ``cosh``)."""
    out = []
    for e in items:
        allowed = _vocabulary(e)
        candidates = [e]
        for fn in (sympy.simplify, sympy.factor, sympy.cancel):
            try:
                c = fn(e)
            except (sympy.PolynomialError, TypeError, ValueError):
                continue
            if _vocabulary(c) <= allowed:
                candidates.append(c)
        out.append(min(candidates, key=sympy.count_ops))
    return out


def simplify_limited(items: list[Any], timeout: float | None = SIMPLIFY_SECONDS) -> list[Any]:
    """Simplify each expression when it gets shorter; keep the input on timeout or when large.

    Examples:
        >>> x = sympy.Symbol("x")
        >>> simplify_limited([sympy.sin(x)**2 + sympy.cos(x)**2])
        [1]
    """
    if sum(sympy.count_ops(e) for e in items) > SIMPLIFY_MAX_OPS * max(1, len(items)) or all(
        e.is_Atom for e in items
    ):
        return list(items)
    try:
        return run_limited(_simplest, list(items), timeout=timeout, what="simplify")
    except DerivationTimeout:
        return list(items)


def _d(var: sympy.Symbol, n: int = 1, partial: bool = False) -> str:
    d = r"\partial" if partial else "d"
    v = tex(var)
    return rf"\frac{{{d}^{{{n}}}}}{{{d} {v}^{{{n}}}}}" if n > 1 else rf"\frac{{{d}}}{{{d} {v}}}"


def _wrap(e: sympy.Expr) -> str:
    return rf"\left({tex(e)}\right)"


def _sum_rule(f: sympy.Expr, x: sympy.Symbol) -> tuple[str, Any] | None:
    terms = [t for t in f.args if t.has(x)]
    if len(terms) < 2:
        return None
    return "sum rule", sympy.Add(*[sympy.Derivative(t, x) for t in terms], evaluate=False)


def _product_rule(f: sympy.Expr, x: sympy.Symbol) -> tuple[str, Any] | None:
    const = [a for a in f.args if not a.has(x)]
    factors = [a for a in f.args if a.has(x)]
    if len(factors) < 2:
        if const and factors:
            c = sympy.Mul(*const)
            return "constant factor", sympy.Mul(c, sympy.Derivative(factors[0], x), evaluate=False)
        return None
    num = [a for a in factors if not (a.is_Pow and a.exp.is_negative)]
    den = [1 / a for a in factors if a.is_Pow and a.exp.is_negative]
    if len(den) == 1 and num:
        u, v = sympy.Mul(*num), den[0]
        ratio = sympy.Mul(sympy.Derivative(u, x) * v - u * sympy.Derivative(v, x), evaluate=False)
        expr = sympy.Mul(sympy.Mul(*const), ratio, sympy.Pow(v, -2, evaluate=False), evaluate=False)
        return "quotient rule", expr
    terms = []
    for i, fi in enumerate(factors):
        others = factors[:i] + factors[i + 1 :]
        terms.append(sympy.Mul(*const, *others, sympy.Derivative(fi, x), evaluate=False))
    return "product rule", sympy.Add(*terms, evaluate=False)


def _chain_rule(f: sympy.Expr, x: sympy.Symbol) -> tuple[str, Any] | None:
    if f.is_Pow:
        base, exp = f.args
        if exp.has(x) or base == x:
            return None
        outer = exp * base ** (exp - 1)
        return "chain rule", sympy.Mul(outer, sympy.Derivative(base, x), evaluate=False)
    if isinstance(f, sympy.Function) and len(f.args) == 1 and f.args[0] != x:
        u = f.args[0]
        if not u.has(x):
            return None
        outer = f.func(sympy.Dummy("u")).diff()
        outer = outer.subs(list(outer.free_symbols)[0], u) if outer.free_symbols else outer
        return "chain rule", sympy.Mul(outer, sympy.Derivative(u, x), evaluate=False)
    return None


#: The rule shown for the outermost operation of an expression, by its SymPy class.
RULES: dict[type, Callable[[sympy.Expr, sympy.Symbol], tuple[str, Any] | None]] = {
    sympy.Add: _sum_rule,
    sympy.Mul: _product_rule,
    sympy.Pow: _chain_rule,
}


def _rule_step(f: sympy.Expr, x: sympy.Symbol, lhs: str) -> Step | None:
    rule = RULES.get(type(f), _chain_rule)
    try:
        found = rule(f, x)
    except (TypeError, ValueError, AttributeError):
        return None
    if found is None:
        return None
    title, expr = found
    return Step(title, f"{lhs} = {tex(expr)}")


#: Orders up to which a derivative is taken in place: higher ones grow like a product's
#: Leibniz sum (``d^300/dx^300`` of ``exp(x) sin(x) log(x)`` runs for minutes) and run
#: under the time limit.
IN_PLACE_MAX_ORDER = 8


def _nth_derivative(f: sympy.Expr, x: sympy.Symbol, n: int, lhs: str) -> tuple[sympy.Expr, str]:
    raw = sympy.diff(f, x, n)
    return raw, f"{lhs} = {tex(raw)}"


def _differentiate(
    f: sympy.Expr, x: sympy.Symbol, n: int, lhs: str, simplify: bool, timeout: float | None = None
) -> tuple[sympy.Expr, list[Step]]:
    steps: list[Step] = []
    if n == 1:
        rule = _rule_step(f, x, lhs)
        if rule is not None:
            steps.append(rule)
    if n <= IN_PLACE_MAX_ORDER:
        raw, line = _nth_derivative(f, x, n, lhs)
    else:
        raw, line = run_limited(
            _nth_derivative,
            f,
            x,
            n,
            lhs,
            timeout=resolve_timeout(timeout),
            what=f"the derivative of order {n} of {f} in {x}",
        )
    steps.append(Step("differentiate", line))
    result = simplify_limited([raw])[0] if simplify else raw
    if result != raw:
        steps.append(Step("simplify", f"{lhs} = {tex(result)}"))
    return result, steps


def _definition(f: sympy.Expr, wrt: tuple[sympy.Symbol, ...], name: str = "f") -> Step:
    return Step("definition", f"{function_lhs(wrt, name)} = {tex(f)}")


def derivative(
    f: Any, wrt: Any = None, n: int = 1, *, simplify: bool = True, timeout: float | None = None
) -> Derivation:
    r"""The n-th derivative of a scalar expression with respect to one variable.

    Args:
        f: The expression (``str``, SymPy expression or Derivation).
        wrt: The variable; may be omitted when ``f`` has exactly one.
        n: The order, a positive integer.
        simplify: Simplify the result when that shortens it (bounded in time).
        timeout: Seconds an order above :data:`IN_PLACE_MAX_ORDER` may take (default
            ``config.timeout``); lower orders are fast and run in place.

    Returns:
        A Derivation whose steps name the rule applied (sum, product, quotient, chain),
        the differentiated form and, if it changed, the simplified one.

    Raises:
        ValueError: For a non-scalar ``f``, a bad order, or a variable not in ``f``.
        DerivationTimeout: When a high-order derivative runs past ``timeout``.

    Examples:
        >>> d = derivative("x^2*sin(x)", "x")
        >>> d.result
        x*(x*cos(x) + 2*sin(x))
        >>> [s.title for s in d.steps]
        ['definition', 'product rule', 'differentiate', 'simplify']
        >>> derivative("x**3", "x", 2).result
        6*x
    """
    expr, prior = _scalar(f, "f")
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    variables = as_wrt(wrt, expr, strict=True)
    if len(variables) != 1:
        raise ValueError(
            f"derivative() takes one variable, got {len(variables)} "
            f"({', '.join(map(str, variables)) or 'none'}); use gradient()"
        )
    x = variables[0]
    args = tuple(sorted(expr.free_symbols | {x}, key=lambda s: s.name))
    partial = len(args) > 1
    lhs = f"{_d(x, n, partial)} {function_lhs(args)}"
    result, steps = _differentiate(expr, x, n, lhs, simplify, timeout)
    return Derivation(
        result,
        args,
        (*prior, _definition(expr, args), *steps),
        lhs,
        operation="derivative",
        source={"f": expr, "x": x, "n": n},
    )


def gradient(f: Any, wrt: Any = None, *, simplify: bool = True) -> Derivation:
    r"""The gradient of a scalar expression: an n×1 column of partial derivatives.

    Examples:
        >>> g = gradient("x**2*y + y**3", "x, y")
        >>> g.result.T
        Matrix([[2*x*y, x**2 + 3*y**2]])
        >>> g.lhs
        '\\nabla f(x, y)'
    """
    expr, prior = _scalar(f, "f")
    variables = as_wrt(wrt, expr, strict=True)
    if not variables:
        raise ValueError(f"gradient(): {expr} has no variables; give wrt")
    big = sympy.count_ops(expr) > SIMPLIFY_MAX_OPS or len(variables) > 12
    steps = [*prior, _definition(expr, variables)]
    if big:  # differentiate on the expression DAG: each shared subexpression once
        from symml.dag import Differentiator

        diff = Differentiator().d
    else:
        diff = sympy.diff
    partials = []
    for x in variables:
        lhs = rf"\frac{{\partial f}}{{\partial {tex(x)}}}"
        raw = diff(expr, x)
        partials.append(raw)
        if not big:
            steps.append(Step(f"partial derivative in {x}", f"{lhs} = {tex(raw)}"))
    if simplify and not big and sum(sympy.count_ops(p) for p in partials) <= SIMPLIFY_MAX_OPS:
        simple = simplify_limited(partials)
        if simple != partials:
            partials = simple
            steps.append(Step("simplify", rf"\nabla f = {tex(sympy.ImmutableMatrix(partials))}"))
    result = sympy.ImmutableMatrix(partials)
    return Derivation(
        result,
        variables,
        tuple(steps),
        rf"\nabla {function_lhs(variables)}",
        operation="gradient",
        source={"f": expr},
    )


def jacobian(F: Any, wrt: Any = None, *, simplify: bool = True) -> Derivation:
    r"""The Jacobian of a vector-valued function: entry [i, j] = ∂F_i/∂x_j.

    Args:
        F: A sequence or Matrix of expressions (or a str such as ``"[x*y, x+y]"``).
        wrt: The variables (default: all, sorted by name).
        simplify: Simplify the entries when that shortens them.

    Examples:
        >>> jacobian(["x*y", "x + y"], "x, y").result
        Matrix([
        [y, x],
        [1, 1]])
    """
    if isinstance(F, Derivation):
        prior, F = F.steps, F.result
    else:
        prior = ()
    M = as_matrix(F, what="F")
    if M.shape[1] != 1:
        if M.shape[0] == 1:
            M = M.T
        else:
            raise ValueError(
                f"F must be a vector (a sequence or an m×1 matrix), got shape {M.shape}"
            )
    variables = as_wrt(wrt, M, strict=True)
    big = len(M) * len(variables) > 144
    if big:  # differentiate on the expression DAG: each shared subexpression once
        from symml.dag import Differentiator

        diff = Differentiator().d
    else:
        diff = sympy.diff
    rows = [[diff(Fi, x) for x in variables] for Fi in M]
    steps: list[Step] = [
        *prior,
        Step("definition", f"F({', '.join(tex(v) for v in variables)}) = {tex(M)}"),
    ]
    if not big:
        for i, row in enumerate(rows):
            steps.append(
                Step(
                    f"gradient of F_{i + 1}",
                    rf"\nabla F_{{{i + 1}}}^T = {tex(sympy.ImmutableMatrix([row]))}",
                )
            )
    J = sympy.ImmutableMatrix(rows)
    if simplify and not big:
        flat = simplify_limited(list(J))
        if flat != list(J):
            J = sympy.ImmutableMatrix(J.shape[0], J.shape[1], flat)
            steps.append(Step("simplify", f"J_F = {tex(J)}"))
    return Derivation(
        J,
        variables,
        tuple(steps),
        rf"J_F({', '.join(tex(v) for v in variables)})",
        operation="jacobian",
        source={"F": M},
    )


def hessian(f: Any, wrt: Any = None, *, simplify: bool = True) -> Derivation:
    r"""The Hessian of a scalar expression, as the Jacobian of its gradient.

    Each second derivative is computed once per unordered pair (i ≤ j) and mirrored, so the
    result is exactly symmetric.

    Examples:
        >>> hessian("x**2*y + y**3", "x, y").result
        Matrix([
        [2*y, 2*x],
        [2*x, 6*y]])
    """
    expr, prior = _scalar(f, "f")
    variables = as_wrt(wrt, expr, strict=True)
    if not variables:
        raise ValueError(f"hessian(): {expr} has no variables; give wrt")
    grad = gradient(expr, variables, simplify=simplify)
    n = len(variables)
    g = list(grad.result)
    large = n > 12 or sympy.count_ops(expr) > SIMPLIFY_MAX_OPS
    from symml.dag import Differentiator  # sympy.diff's results, each shared part once

    diff = Differentiator().d
    entries: dict[tuple[int, int], sympy.Expr] = {}
    for i in range(n):
        for j in range(i, n):
            entries[i, j] = diff(g[i], variables[j])
    big = n > 12 or sum(sympy.count_ops(e) for e in entries.values()) > SIMPLIFY_MAX_OPS * n
    if simplify and not big:
        keys = list(entries)
        simple = simplify_limited([entries[k] for k in keys])
        entries = dict(zip(keys, simple, strict=True))
    H = sympy.ImmutableMatrix(n, n, lambda i, j: entries[min(i, j), max(i, j)])
    lhs = rf"\nabla^2 {function_lhs(variables)}"
    if large:  # a whole matrix of large entries is no readable step
        shown = (
            rf"\nabla f = \left[\frac{{\partial f}}{{\partial {tex(variables[0])}}},"
            rf" \dots, \frac{{\partial f}}{{\partial {tex(variables[-1])}}}\right]^T",
            rf"{lhs} = J_{{\nabla f}} \in \mathbb{{R}}^{{{n} \times {n}}},\ "
            rf"\text{{{n * (n + 1) // 2} distinct entries}}",
        )
    else:
        shown = (rf"\nabla f = {tex(grad.result)}", rf"{lhs} = J_{{\nabla f}} = {tex(H)}")
    steps = [
        *prior,
        *grad.steps,
        Step("gradient", shown[0]),
        Step("Jacobian of the gradient (symmetric)", shown[1]),
    ]
    return Derivation(
        H,
        variables,
        tuple(steps),
        lhs,
        operation="hessian",
        source={"f": expr, "gradient": grad.result},
    )


# --- calculus II (issue 3): taylor, limit, integral, critical points -----------------------


def _one_variable(wrt: Any, expr: sympy.Expr, op: str) -> sympy.Symbol:
    """The single variable of ``op``: given, or the only free symbol of ``expr``."""
    variables = as_wrt(wrt, expr, strict=True)
    if len(variables) != 1:
        raise ValueError(
            f"{op}() takes one variable, got {len(variables)} "
            f"({', '.join(map(str, variables)) or 'none'}); give wrt"
        )
    return variables[0]


#: Names that the parser reads as symbols but that a user writes to mean "undefined"; a
#: point or bound using one is refused rather than carried along as a parameter.
UNDEFINED_NAMES = frozenset({"nan", "zoo"})


def _point(value: Any, expr: Any, x: sympy.Symbol | None, what: str) -> sympy.Expr:
    """A scalar point or bound (``str``, number or expression), its names matched to ``expr``."""
    if isinstance(value, str):
        from symml.parsing import parse

        known = tuple(sorted(free_symbols(expr), key=lambda s: s.name))
        point = parse(value, wrt=known) if known else parse(value)
    else:
        point, _ = as_expr(value, what=what)
    if isinstance(point, sympy.MatrixBase) or not isinstance(point, sympy.Expr):
        raise ValueError(f"{what} must be a scalar (a number or an expression), got {value!r}")
    if x is not None and point.has(x):
        raise ValueError(f"{what} = {point} must not contain the variable {x}")
    undefined = sorted(s.name for s in point.free_symbols if s.name.lower() in UNDEFINED_NAMES)
    if point.has(sympy.nan) or undefined:
        raise ValueError(
            f"{what} must be a number, got {value!r} (undefined: {', '.join(undefined) or 'nan'})"
        )
    return point


def _real_point(value: Any, expr: sympy.Expr, x: sympy.Symbol, what: str) -> sympy.Expr:
    """A limit point or integration bound: a real number, ``oo``/``-oo`` or a real
    expression (:func:`_point` has refused ``nan``)."""
    point = _point(value, expr, x, what)
    if point.has(sympy.zoo) or point.is_extended_real is False:
        raise ValueError(f"{what} must be a real number, oo or -oo, got {point} (from {value!r})")
    return point


def _args_of(*exprs: Any, first: sympy.Symbol | None = None) -> tuple[sympy.Symbol, ...]:
    symbols: set[sympy.Symbol] = set()
    for e in exprs:
        symbols |= free_symbols(e)
    if first is not None:
        symbols.add(first)
    return tuple(sorted(symbols, key=lambda s: s.name))


def _is_bad(value: Any) -> bool:
    """Whether a SymPy value is undefined or unevaluated (nan, zoo, Limit, Integral, a
    Derivative or Subs SymPy could not do, DiracDelta at its singular point...)."""
    return bool(
        value.has(
            sympy.nan,
            sympy.zoo,
            sympy.Limit,
            sympy.Integral,
            sympy.AccumBounds,
            sympy.DiracDelta,
            sympy.Derivative,
            sympy.Subs,
        )
    )


def _value_at(d: sympy.Expr, x: sympy.Symbol, a: sympy.Expr, direction: str = "+-") -> sympy.Expr:
    """``d`` at ``x = a``: by substitution, else (removable singularity, infinity) by a limit."""
    if not a.has(sympy.oo, -sympy.oo, sympy.zoo):
        value = d.subs(x, a)
        if not _is_bad(value) and not value.has(sympy.oo, -sympy.oo):
            return value
    if direction == "+-" and not a.is_infinite:
        right, left = _sympy_limit(d, x, a, "+"), _sympy_limit(d, x, a, "-")
        return right if right == left else sympy.nan
    return _sympy_limit(d, x, a, direction if not a.is_infinite else "+-")


# --- taylor ---------------------------------------------------------------------------------


def _times(k: int) -> str:
    return {1: "once", 2: "twice"}.get(k, f"{k} times")


def _same(u: sympy.Expr, v: sympy.Expr) -> bool:
    return u == v or sympy.simplify(u - v) == 0


def _zero_at(atom: sympy.Expr, x: sympy.Symbol, a: sympy.Expr) -> bool | None:
    return atom.args[0].subs(x, a).is_zero


def _integer_at(atom: sympy.Expr, x: sympy.Symbol, a: sympy.Expr) -> bool | None:
    return atom.args[0].subs(x, a).is_integer


def _tie_at(atom: sympy.Expr, x: sympy.Symbol, a: sympy.Expr) -> bool | None:
    args = [u.subs(x, a) for u in atom.args]
    ties = [(u - v).is_zero for i, u in enumerate(args) for v in args[i + 1 :]]
    return True if any(t is True for t in ties) else (None if None in ties else False)


#: Where each non-smooth function may jump or kink: ``True`` (there), ``False`` (not
#: there: plain substitution is right) or ``None`` (cannot tell, e.g. at a symbolic point).
SINGULAR_AT: dict[type, Callable[[sympy.Expr, sympy.Symbol, sympy.Expr], bool | None]] = {
    sympy.Abs: _zero_at,
    sympy.sign: _zero_at,
    sympy.Heaviside: _zero_at,
    sympy.DiracDelta: _zero_at,
    sympy.floor: _integer_at,
    sympy.ceiling: _integer_at,
    sympy.frac: _integer_at,
    sympy.Max: _tie_at,
    sympy.Min: _tie_at,
}

#: Functions whose derivatives may jump at a point (``abs``, ``sign``, ``floor``...): where
#: one occurs, a Taylor coefficient is taken from the one-sided limits, which must agree.
#: Those of :data:`SINGULAR_AT`, and ``Piecewise``, which cannot tell where it jumps.
NONSMOOTH: tuple[type, ...] = (*SINGULAR_AT, sympy.Piecewise)


def _singular_at(d: sympy.Expr, x: sympy.Symbol, a: sympy.Expr) -> bool | None:
    """Whether a non-smooth function in ``d`` jumps or kinks at ``x = a`` (see
    :data:`SINGULAR_AT`; a ``Piecewise`` cannot tell)."""
    verdict: bool | None = False
    for atom in d.atoms(*NONSMOOTH):
        if not atom.has(x):
            continue
        test = SINGULAR_AT.get(type(atom))
        found = test(atom, x, a) if test is not None else None
        if found is True:
            return True
        if found is None:
            verdict = None
    return verdict


def _one_sided_value(
    expr: sympy.Expr, d: sympy.Expr, x: sympy.Symbol, a: sympy.Expr, k: int, order: int
) -> sympy.Expr:
    """``f^(k)(a)`` for a derivative ``d`` whose non-smooth parts may jump at ``a``: the
    common one-sided limit (``f^(k-1)`` is continuous at ``a``, so that is the derivative,
    by the mean value theorem); ``f`` itself must equal it there.

    Raises:
        ValueError: When the one-sided limits differ (``f`` is not differentiable ``k``
            times there) or ``f`` is not continuous there.
        NotSupportedError: When SymPy cannot find the one-sided limits.
    """
    try:
        left, right = _sympy_limit(d, x, a, "-"), _sympy_limit(d, x, a, "+")
    except NoClosedFormError as exc:
        raise NotSupportedError(
            f"SymPy cannot tell whether {expr} is differentiable {_times(k)} at {x} = {a}: {exc}"
        ) from None
    if _is_bad(left) or _is_bad(right):
        raise NotSupportedError(
            f"SymPy cannot tell whether {expr} is differentiable "
            f"{_times(k)} at {x} = {a} (the one-sided limits of {d} there "
            f"are {left} and {right})"
        )
    at = d.subs(x, a)
    if not _same(left, right):
        what = (
            f"{expr}"
            if k == 0
            else (f"its derivative {d}" if k == 1 else f"its derivative of order {k}, {d},")
        )
        times = (
            "continuous"
            if k == 0
            else ("differentiable" if k == 1 else f"differentiable {_times(k)}")
        )
        raise ValueError(
            f"{expr} is not {times} at {x} = {a}, so it has no Taylor expansion "
            f"of order {order} there: {what} tends to {left} from the left and "
            f"{right} from the right"
        )
    if k == 0 and not _is_bad(at) and not _same(at, left):
        raise ValueError(
            f"{expr} is not continuous at {x} = {a} (it is {at} there but tends "
            f"to {left}), so it has no Taylor expansion there"
        )
    return left


def _taylor_terms(
    expr: sympy.Expr, x: sympy.Symbol, a: sympy.Expr, order: int
) -> list[tuple[sympy.Expr, sympy.Expr]]:
    """``[(f^(k)(x), f^(k)(a)) for k = 0..order]``.

    Raises:
        ValueError: Where ``f`` or a derivative jumps at ``a`` (``abs(x)`` at 0).
        NotSupportedError: Where SymPy leaves a derivative unevaluated (``floor``).
    """
    out = []
    d = expr
    for k in range(order + 1):
        if k:
            d = sympy.diff(d, x)
        if d.has(sympy.Derivative, sympy.Subs):
            raise NotSupportedError(
                f"SymPy cannot differentiate {expr} {_times(k)} in {x} (it "
                f"leaves {d} unevaluated), so its Taylor polynomial at "
                f"{x} = {a} is unknown"
            )
        smooth = not d.has(*NONSMOOTH) or _singular_at(d, x, a) is False
        value = _value_at(d, x, a) if smooth else _one_sided_value(expr, d, x, a, k, order)
        out.append((d, value))
    return out


def taylor(
    f: Any, wrt: Any = None, at: Any = 0, order: int = 3, *, timeout: float | None = None
) -> Derivation:
    r"""The Taylor polynomial of ``f`` about ``x = at`` whose highest power is ``order``.

    The steps show each derivative, its value at the point, and the assembled polynomial
    :math:`\sum_k f^{(k)}(a) (x - a)^k / k!` (no O-term). A removable singularity at the
    point (``sin(x)/x`` at 0) is handled by taking limits of the derivatives.

    Args:
        f: The scalar expression.
        wrt: The variable (may be omitted when ``f`` has exactly one).
        at: The expansion point (a number, ``str`` or expression without the variable).
        order: The highest power, a non-negative integer.
        timeout: Seconds the derivatives and their values may take (default
            ``config.timeout``); on expiry :class:`~symml.errors.DerivationTimeout`.

    Raises:
        ValueError: For a non-scalar ``f``, an unknown variable, a bad order, or a point
            where ``f`` (or a derivative) is not finite, or where ``f`` is not
            ``order`` times differentiable (``abs(x)`` at 0: its one-sided derivatives
            differ; a function with ``abs``, ``sign``, ``floor``... is checked through
            one-sided limits wherever one of them may jump).
        NotSupportedError: Where SymPy leaves a derivative unevaluated (``floor(x)``), or
            cannot find the one-sided limits that decide differentiability.
        NoClosedFormError: Where a derivative's value at the point needs a limit SymPy
            fails on.

    Examples:
        >>> t = taylor("exp(x)", "x", 0, 3)
        >>> t.result
        x**3/6 + x**2/2 + x + 1
        >>> taylor("sin(x)/x", "x", order=4).result
        x**4/120 - x**2/6 + 1
        >>> bool(t.verify())
        True
    """
    expr, prior = _scalar(f, "f")
    x = _one_variable(wrt, expr, "taylor")
    a = _point(at, expr, x, "at")
    if a.has(sympy.oo, -sympy.oo, sympy.zoo):  # nan: _point refused it
        raise ValueError(f"at must be a finite point, got {a} (from {at!r})")
    if isinstance(order, bool) or not isinstance(order, int) or order < 0:
        raise ValueError(f"order must be a non-negative integer, got {order!r}")
    seconds = resolve_timeout(timeout)
    terms = run_limited(
        _taylor_terms,
        expr,
        x,
        a,
        order,
        timeout=seconds,
        what=f"the derivatives of {expr} at {x} = {a}",
    )
    for k, (_, value) in enumerate(terms):
        if _is_bad(value) or value.has(sympy.oo, -sympy.oo):
            raise ValueError(
                f"{expr} has no Taylor expansion of order {order} at {x} = {a}: "
                f"its derivative of order {k} is {value} there"
            )
    result = sympy.Add(
        *[value / sympy.factorial(k) * (x - a) ** k for k, (_, value) in enumerate(terms)]
    )
    args = _args_of(expr, a, first=x)
    pt = tex(a)
    steps = [*prior, _definition(expr, args)]
    for k, (dk, value) in enumerate(terms):
        name = "f" if k == 0 else rf"f^{{({k})}}"
        steps.append(
            Step(
                f"derivative {k} at the point" if k else "value at the point",
                rf"{name}({tex(x)}) = {tex(dk)}, \quad {name}({pt}) = {tex(value)}",
            )
        )
    lhs = rf"T_{{{order}}}({tex(x)})"
    xa = tex(x - a)
    steps.append(
        Step(
            "assemble the polynomial",
            rf"{lhs} = \sum_{{k=0}}^{{{order}}} \frac{{f^{{(k)}}({pt})}}{{k!}}"
            rf" \left({xa}\right)^{{k}} = {tex(result)}",
        )
    )
    return Derivation(
        result,
        args,
        tuple(steps),
        lhs,
        operation="taylor",
        source={"f": expr, "x": x, "at": a, "order": order},
    )


# --- limit ----------------------------------------------------------------------------------

#: The directions a limit may be taken in, and how they are written.
DIRECTIONS: dict[str, str] = {"+": "^{+}", "-": "^{-}", "+-": ""}


#: How each side of a point is named in messages.
SIDE_NAMES: dict[str, tuple[str, str]] = {"-": ("from the left", "<"), "+": ("from the right", ">")}


def _real_near(expr: sympy.Expr, x: sympy.Symbol, a: sympy.Expr, side: str) -> bool | None:
    """Whether ``f`` is real as ``x`` tends to ``a`` from ``side`` (``"-"``/``"+"``; ignored
    for ``±oo``): ``False`` when SymPy says it is not real there, or, without parameters,
    when it is not real at ``a ∓ 10^-k`` (``±10^k``) for k = 6, 9, 12; else ``True``/``None``."""
    t = sympy.Dummy("t", positive=True)
    if a.is_infinite:
        probe = expr.subs(x, (1 if a.is_extended_positive else -1) / t)
    else:
        probe = expr.subs(x, a + (1 if side == "+" else -1) * t)
    verdict = probe.is_extended_real
    if verdict is not None or probe.free_symbols - {t}:
        return verdict
    for h in (sympy.Float(10.0**-k, 30) for k in (6, 9, 12)):
        try:
            z = complex(probe.evalf(30, subs={t: h}))
        except (TypeError, ValueError, ZeroDivisionError):
            return None
        if abs(z.imag) <= 1e-12 * max(1.0, abs(z)):
            return None
    return False


def _sympy_limit(expr: sympy.Expr, x: sympy.Symbol, a: sympy.Expr, side: str) -> sympy.Expr:
    """``sympy.limit`` from ``side``; whatever SymPy raises is :class:`NoClosedFormError`."""
    try:
        return sympy.limit(expr, x, a, side)
    except SymmlError:
        raise
    except Exception as exc:  # noqa: BLE001 - whatever SymPy raises, it is SymPy's limit
        raise NoClosedFormError(
            f"SymPy failed on the limit of {expr} as {x} -> {a}: {type(exc).__name__}: {exc}"
        ) from None


def _limits(
    expr: sympy.Expr, x: sympy.Symbol, a: sympy.Expr, direction: str
) -> dict[str, sympy.Expr]:
    """The one-sided limits needed for ``direction`` (both for a two-sided finite limit),
    on the sides where ``f`` is real: a two-sided limit at a boundary of ``f``'s real domain
    (``sqrt(x)`` at 0) is the limit from inside it; a side outside it is an error."""
    if a.is_infinite:
        if _real_near(expr, x, a, "+-") is False:
            raise ValueError(
                f"the limit of {expr} as {x} -> {a} is outside the real domain "
                f"of {expr}: it is not real as {x} -> {a}"
            )
        return {"+-": _sympy_limit(expr, x, a, "+-")}
    sides = ("-", "+") if direction == "+-" else (direction,)
    real = [s for s in sides if _real_near(expr, x, a, s) is not False]
    if not real:
        which = " or ".join(f"{x} {SIDE_NAMES[s][1]} {a}" for s in sides)
        how = "" if direction == "+-" else f" {SIDE_NAMES[direction][0]}"
        raise ValueError(
            f"the limit of {expr} as {x} -> {a}{how} is outside the real domain "
            f"of {expr}: it is not real for {which} near {a}"
        )
    return {s: _sympy_limit(expr, x, a, s) for s in real}


def _lhopital(expr: sympy.Expr, x: sympy.Symbol, a: sympy.Expr) -> Step | None:
    """The L'Hôpital line for a 0/0 quotient at a finite point, else ``None``."""
    num, den = sympy.fraction(sympy.together(expr))
    if not (den.has(x) and num.has(x)) or a.is_infinite:
        return None
    if num.subs(x, a) != 0 or den.subs(x, a) != 0:
        return None
    ratio = sympy.Mul(
        sympy.diff(num, x), sympy.Pow(sympy.diff(den, x), -1, evaluate=False), evaluate=False
    )
    return Step(
        "L'Hôpital's rule (0/0)",
        rf"\lim_{{{tex(x)} \to {tex(a)}}} {tex(expr)} = "
        rf"\lim_{{{tex(x)} \to {tex(a)}}} {tex(ratio)}",
    )


def limit(
    f: Any,
    wrt: Any = None,
    to: Any = 0,
    dir: str = "+-",
    *,  # noqa: A002 - API name
    timeout: float | None = None,
) -> Derivation:
    r"""The limit of ``f`` as the variable tends to ``to``.

    Args:
        f: The scalar expression.
        wrt: The variable (may be omitted when ``f`` has exactly one).
        to: The point (a number, ``oo``/``-oo``, a ``str`` or an expression).
        dir: ``"+"`` (from the right), ``"-"`` (from the left) or ``"+-"`` (both sides must
            agree). Ignored for ``±oo``.
        timeout: Seconds SymPy may take (default ``config.timeout``).

    Symbols are real: a side where ``f`` is not real near the point (``log(x)`` for
    ``x < 0``) is outside its domain. A one-sided limit from there is an error; a two-sided
    limit at the edge of the domain (``sqrt(x)`` at 0) is the limit from inside it, said in
    a "real domain" step (and ``source["dir"]`` is that side).

    Returns:
        A Derivation whose steps show direct substitution where ``f`` is continuous,
        L'Hôpital's rule for a 0/0 quotient, and the one-sided limits.

    Raises:
        ValueError: For bad input (``to`` not a real number or ``±oo``), when the limit
            does not exist (one-sided limits differ, or ``f`` oscillates), or when ``f`` is
            not real on the side(s) asked for.
        NoClosedFormError: When SymPy cannot decide the limit.
        DerivationTimeout: When SymPy runs past ``timeout``.

    Examples:
        >>> limit("sin(x)/x", "x", 0).result
        1
        >>> limit("(1 + 1/n)^n", "n", "oo").result
        E
        >>> limit("1/x", "x", 0, "-").result
        -oo
        >>> limit("sqrt(x)", "x", 0).source["dir"]
        '+'
        >>> limit("log(x)", "x", 0, "-")
        Traceback (most recent call last):
        ...
        ValueError: the limit of log(x) as x -> 0 from the left is outside the real domain of log(x): it is not real for x < 0 near 0
    """
    expr, prior = _scalar(f, "f")
    x = _one_variable(wrt, expr, "limit")
    a = _real_point(to, expr, x, "to")
    if dir not in DIRECTIONS:
        raise ValueError(f"dir must be one of {', '.join(map(repr, DIRECTIONS))}, got {dir!r}")
    direction = "+-" if a.is_infinite else dir
    sides = run_limited(
        _limits,
        expr,
        x,
        a,
        direction,
        timeout=resolve_timeout(timeout),
        what=f"the limit of {expr} as {x} -> {a}",
    )
    # the sides actually used: one, when f is real on one side of the point only
    used = direction if len(sides) == 2 or a.is_infinite else next(iter(sides))
    values = set(sides.values())
    if len(values) > 1:
        raise ValueError(
            f"the limit of {expr} as {x} -> {a} does not exist: from the left "
            f"{sides['-']}, from the right {sides['+']}"
        )
    result = values.pop()
    if result.has(sympy.AccumBounds) or result in (sympy.nan, sympy.zoo):
        raise ValueError(f"the limit of {expr} as {x} -> {a} does not exist ({result})")
    if result.has(sympy.Limit):
        raise NoClosedFormError(f"SymPy cannot find the limit of {expr} as {x} -> {a}")
    args = _args_of(expr, a, first=x)
    lhs = rf"\lim_{{{tex(x)} \to {tex(a)}{DIRECTIONS[direction]}}} {function_lhs(args)}"
    steps = [*prior, _definition(expr, args)]
    if used != direction:
        inside, outside = SIDE_NAMES[used], SIDE_NAMES["+" if used == "-" else "-"]
        steps.append(
            Step(
                "real domain",
                rf"f \text{{ is not real for }} {tex(x)} {outside[1]} {tex(a)}"
                rf"\text{{ near }} {tex(a)}\text{{: the limit is taken {inside[0]}}}",
            )
        )
    steps += _limit_steps(expr, x, a, sides, result)
    steps.append(Step("limit", f"{lhs} = {tex(result)}"))
    return Derivation(
        result,
        args,
        tuple(steps),
        lhs,
        operation="limit",
        source={"f": expr, "x": x, "to": a, "dir": used},
    )


def _limit_steps(
    expr: sympy.Expr, x: sympy.Symbol, a: sympy.Expr, sides: dict[str, Any], result: sympy.Expr
) -> list[Step]:
    steps: list[Step] = []
    if not a.is_infinite:
        direct = expr.subs(x, a)
        if not _is_bad(direct) and not direct.has(sympy.oo, -sympy.oo) and direct == result:
            return [
                Step("direct substitution (f is continuous there)", rf"f({tex(a)}) = {tex(direct)}")
            ]
        rule = _lhopital(expr, x, a)
        if rule is not None:
            steps.append(rule)
    if len(sides) == 2:
        v = tex(x)
        steps.append(
            Step(
                "one-sided limits agree",
                rf"\lim_{{{v} \to {tex(a)}^{{-}}}} f = {tex(sides['-'])}, \quad "
                rf"\lim_{{{v} \to {tex(a)}^{{+}}}} f = {tex(sides['+'])}",
            )
        )
    return steps


# --- integral -------------------------------------------------------------------------------

#: An integration variable with its bounds (``None, None`` for an indefinite integral).
Spec = tuple[sympy.Symbol, "sympy.Expr | None", "sympy.Expr | None"]

#: Seconds the antiderivative shown in the steps of a definite integral may take at most.
STEPS_SECONDS = 2.0


def _spec(item: Any, expr: sympy.Expr) -> Spec:
    """One ``x`` or ``(x, a, b)`` item of an integral's variables."""
    if isinstance(item, (tuple, list)):
        if len(item) == 1:
            return _spec(item[0], expr)
        if len(item) != 3:
            raise ValueError(f"integration bounds must be (variable, lower, upper), got {item!r}")
        (x,) = _spec_variable(item[0], expr)
        return (
            x,
            _real_point(item[1], expr, x, f"the lower bound of {x}"),
            _real_point(item[2], expr, x, f"the upper bound of {x}"),
        )
    (x,) = _spec_variable(item, expr)
    return x, None, None


def _spec_variable(item: Any, expr: sympy.Expr) -> tuple[sympy.Symbol]:
    variables = as_wrt(item, expr)
    if len(variables) != 1:
        raise ValueError(
            f"each integration variable is given on its own (or as (x, a, b)); got {item!r}"
        )
    return (variables[0],)


def _integration_specs(expr: sympy.Expr, items: tuple[Any, ...]) -> list[Spec]:
    """The validated specs; a variable that occurs nowhere is an error (a likely typo)
    unless ``f`` is constant or it is a definite variable of an iterated integral."""
    specs = [_spec(item, expr) for item in items]
    names = [s[0] for s in specs]
    if len(set(names)) != len(names):
        raise ValueError(f"an integration variable is given twice: {', '.join(map(str, names))}")
    if not expr.free_symbols:
        return specs
    for i, (x, a, _) in enumerate(specs):
        elsewhere = free_symbols(
            [b for j, s in enumerate(specs) if j != i for b in s[1:] if b is not None]
        )
        if x in expr.free_symbols or x in elsewhere:
            continue
        if a is None or len(specs) == 1:
            have = ", ".join(sorted(s.name for s in free_symbols(expr))) or "no variables"
            raise ValueError(f"wrt: variable {x.name!r} does not occur in {expr} (it has {have})")
    return specs


def _closed(value: Any) -> bool:
    """Whether an integration result is a usable closed form (a Piecewise counts when one
    branch is closed: the others record SymPy's convergence conditions)."""
    if isinstance(value, sympy.Piecewise):
        return any(not _is_bad(e) for e, _ in value.args) and not value.has(sympy.nan)
    return not _is_bad(value)


def _sympy_integrate(g: sympy.Expr, limits: tuple, what: str) -> sympy.Expr:
    """``sympy.integrate(g, limits)``; any SymPy failure (its ``TypeError`` on an undecidable
    comparison, ``NotImplementedError``, ``PolynomialError``...) on input already validated
    becomes :class:`~symml.errors.NoClosedFormError`, so the caller falls back as for any
    other SymPy limit."""
    try:
        return sympy.integrate(g, limits)
    except SymmlError:
        raise
    except Exception as exc:  # noqa: BLE001 - whatever SymPy raises, it is SymPy's limit
        raise NoClosedFormError(f"SymPy failed on {what}: {type(exc).__name__}: {exc}") from None


def _antiderivative(g: sympy.Expr, x: sympy.Symbol) -> sympy.Expr:
    return _sympy_integrate(g, x, f"the integral of {g} in {x}")


def _definite(g: sympy.Expr, x: sympy.Symbol, a: sympy.Expr, b: sympy.Expr) -> sympy.Expr:
    return _sympy_integrate(g, (x, a, b), f"the integral of {g} in {x} from {a} to {b}")


def _oscillation(
    value: sympy.Expr, g: sympy.Expr, x: sympy.Symbol, a: sympy.Expr, b: sympy.Expr
) -> NoConvergenceError:
    """The error for a definite integral SymPy evaluates to an ``AccumBounds``: the limit of
    the antiderivative at a bound does not exist (it oscillates)."""
    if isinstance(value, sympy.AccumBounds):
        how = f"it oscillates between {value.min} and {value.max}"
    elif value.has(sympy.oo, -sympy.oo):
        how = f"it oscillates without bound (SymPy: {value})"
    else:
        how = f"it oscillates (SymPy: {value})"
    return NoConvergenceError(
        f"the integral of {g} in {x} from {a} to {b} does not converge: {how}"
    )


def _bounds_steps(
    F: sympy.Expr, x: sympy.Symbol, a: sympy.Expr, b: sympy.Expr
) -> tuple[sympy.Expr, sympy.Expr]:
    """``F`` at the upper and lower bounds (limits where a bound is infinite)."""
    return _value_at(F, x, b, "-"), _value_at(F, x, a, "+")


def _agree(u: sympy.Expr, v: sympy.Expr) -> bool:
    """Whether two closed forms are the same number (checked at a few parameter values)."""
    symbols = sorted(free_symbols([u, v]), key=lambda s: s.name)
    for trial in (0.73, 1.37):
        subs = {s: sympy.Float(trial + 0.11 * i) for i, s in enumerate(symbols)}
        # SymPy numbers, not floats: a bound of 10^400 gives values no float can hold
        p, q = u.evalf(20, subs=subs), v.evalf(20, subs=subs)
        if not (p.is_number and q.is_number and p.is_finite and q.is_finite):
            return False
        if not bool(abs(p - q) <= 1e-9 * sympy.Max(1, abs(p), abs(q))):
            return False
    return True


def _int_tex(g: sympy.Expr, x: sympy.Symbol, a: Any = None, b: Any = None) -> str:
    limits = (x,) if a is None else (x, a, b)
    return tex(sympy.Integral(g, limits))


def _level_steps(
    g: sympy.Expr,
    spec: Spec,
    value: sympy.Expr,
    deadline: Deadline,
    antiderivative: sympy.Expr | None,
) -> list[Step]:
    """The steps of one level of a definite integral: antiderivative, then F(b) − F(a)."""
    x, a, b = spec
    integral_tex = _int_tex(g, x, a, b)
    F = antiderivative
    if F is None:
        try:
            F = deadline.run(_antiderivative, g, x, what="the antiderivative", cap=STEPS_SECONDS)
        except SymmlError:  # the steps then show the value only
            F = None
    at = None
    if F is not None and _closed(F) and not isinstance(F, sympy.Piecewise):
        try:
            at = deadline.run(_bounds_steps, F, x, a, b, what="the bounds", cap=STEPS_SECONDS)
        except SymmlError:  # SymPy's limit failed or ran out of time: the value only
            at = None
    if at is None or any(_is_bad(v) for v in at) or not _agree(at[0] - at[1], value):
        return [Step(f"definite integral in {x}", f"{integral_tex} = {tex(value)}")]
    Fb, Fa = at
    infinite = a.is_infinite or b.is_infinite
    upper = rf"\lim_{{{tex(x)} \to {tex(b)}}} F" if b.is_infinite else f"F({tex(b)})"
    lower = rf"\lim_{{{tex(x)} \to {tex(a)}}} F" if a.is_infinite else f"F({tex(a)})"
    return [
        Step(f"antiderivative in {x}", rf"F({tex(x)}) = \int {tex(g)}\, d{tex(x)} = {tex(F)}"),
        Step(
            "limits at the bounds" if infinite else "evaluate at the bounds",
            rf"{integral_tex} = {upper} - {lower} = {tex(Fb)} - \left({tex(Fa)}\right)"
            rf" = {tex(value)}",
        ),
    ]


def _symbolic_integral(
    expr: sympy.Expr, specs: list[Spec], deadline: Deadline, show: bool = True
) -> tuple[sympy.Expr, list[Step]]:
    """Integrate level by level (innermost first); raises NoClosedFormError/DerivationTimeout."""
    g = expr
    steps: list[Step] = []
    for spec in specs:
        x, a, b = spec
        if a is None:
            value = deadline.run(_antiderivative, g, x, what=f"the integral of {g} in {x}")
            if not _closed(value):
                raise NoClosedFormError(f"SymPy finds no antiderivative of {g} in {x}")
            steps.append(Step(f"antiderivative in {x}", f"{_int_tex(g, x)} = {tex(value)} + C"))
        else:
            value = deadline.run(
                _definite, g, x, a, b, what=f"the integral of {g} in {x} from {a} to {b}"
            )
            if value.has(sympy.AccumBounds):
                raise _oscillation(value, g, x, a, b)
            if not _closed(value):
                raise NoClosedFormError(
                    f"SymPy finds no closed form for the integral of {g} in {x} from {a} to {b}"
                )
            steps += (
                _level_steps(g, spec, value, deadline, None)
                if show
                else [Step(f"definite integral in {x}", f"{_int_tex(g, x, a, b)} = {tex(value)}")]
            )
        g = value
    return g, steps


def quadrature(
    expr: sympy.Expr, specs: list[Spec] | tuple[Spec, ...], *, timeout: float | None = None
) -> tuple[float | complex, float]:
    """Numeric value and absolute error estimate of a definite (iterated) integral.

    ``specs`` lists ``(x, a, b)`` innermost first; a bound may depend on the variables of
    the outer integrals. One variable: :func:`symml.quadrature.checked_integral` (divergence
    probes at the ends, then ``scipy.integrate.quad``); several: ``nquad`` through
    :func:`symml.quadrature.checked_nquad`. Both refuse a value whose error estimate is too
    large for it (a divergent or oscillating integral, a pole inside the interval). A
    complex-valued integrand (one written with ``I``) is integrated as its real and its
    imaginary part, each checked: the value is then complex.

    Args:
        expr: The integrand.
        specs: ``(x, a, b)`` for each variable, innermost first.
        timeout: Seconds quadrature may take (``None``: no limit); it runs in a worker
            process killed on expiry, like a SymPy call.

    Raises:
        ValueError: When the integrand or a bound has free symbols other than the
            integration variables (a number is needed), naming them, or a finite bound
            is beyond the floating-point range.
        NoConvergenceError: When quadrature gives no trustworthy finite value.
        DerivationTimeout: When quadrature runs past ``timeout``.

    Examples:
        >>> x = sympy.Symbol("x", real=True)
        >>> value, err = quadrature(sympy.exp(-x**2), [(x, -sympy.oo, sympy.oo)])
        >>> abs(value - 1.7724538509055159) < 1e-10
        True
        >>> value, err = quadrature(sympy.exp(sympy.I * x), [(x, 0, sympy.pi)])
        >>> abs(value - 2j) < 1e-12
        True
        >>> quadrature(sympy.tan(x), [(x, 0, sympy.pi)])
        Traceback (most recent call last):
        ...
        symml.quadrature.IntegralDoesNotExist: the integral of tan(x) over x in [0, pi] does not exist: ...
    """
    import numpy as np

    from symml.compile import to_numpy
    from symml.quadrature import checked_nquad

    variables = [s[0] for s in specs]
    if any(a is None or b is None for _, a, b in specs):
        raise ValueError("numeric quadrature needs bounds for every variable")
    _require_numbers(expr, specs)
    fn = to_numpy(expr, variables)
    ranges = [_numeric_range(a, b, variables[i + 1 :]) for i, (_, a, b) in enumerate(specs)]
    what = f"the integral of {expr} over " + ", ".join(f"{x} in [{a}, {b}]" for x, a, b in specs)
    try:
        with np.errstate(all="ignore"):  # the compiled dtype says whether I occurs
            complex_valued = np.iscomplexobj(fn(*np.full(len(variables), 0.5)))
    except Exception:  # noqa: BLE001 - a probe only: quadrature reports real failures
        complex_valued = False
    parts = {"": np.real, "the imaginary part of ": np.imag} if complex_valued else {"": np.real}

    def integrate(part: Callable[[Any], Any], named: str) -> tuple[float, float]:
        def along(k: int, point: list[float]) -> Callable[[Any], Any]:  # f in x_k alone
            def hv(t: Any) -> Any:
                args = [np.asarray(t, dtype=float) if j == k else c for j, c in enumerate(point)]
                with np.errstate(all="ignore"):
                    return part(np.asarray(fn(*args))) * np.ones(np.shape(t))

            return hv

        if len(specs) == 1:
            return _checked_1d(along(0, [0.0]), *ranges[0], expr, variables[0], named)
        for k, point in _slices(ranges, len(specs)):
            x = variables[k]
            at = ", ".join(
                f"{v} = {c:.4g}"
                for j, (v, c) in enumerate(zip(variables, point, strict=True))
                if j != k
            )
            a, b = ranges[k] if isinstance(ranges[k], tuple) else ranges[k](*point[k + 1 :])
            others = {
                v: sympy.Float(c)
                for j, (v, c) in enumerate(zip(variables, point, strict=True))
                if j != k
            }
            _checked_1d(
                along(k, point),
                a,
                b,
                expr.subs(others),
                x,
                f"the integral along {x} at {at}, inside {named},",
            )
        return checked_nquad(
            lambda *xs: float(part(fn(*xs))), ranges, what=named, opts={"limit": 100}
        )

    def run() -> list[tuple[float, float]]:
        return [integrate(part, prefix + what) for prefix, part in parts.items()]

    results = run_limited(run, timeout=timeout, what=f"numeric quadrature of {what}")
    error = float(np.hypot(*(e for _, e in results))) if complex_valued else float(results[0][1])
    if complex_valued:
        return complex(results[0][0], results[1][0]), error
    return float(results[0][0]), error


def _checked_1d(
    hv: Callable[[Any], Any], a: float, b: float, g: sympy.Expr, x: sympy.Symbol, named: str
) -> tuple[float, float]:
    """``checked_integral`` of ``hv`` (``g`` compiled) over ``[a, b]``, split at ``g``'s
    singular points inside; a divergence is a :class:`NoConvergenceError` saying so."""
    from symml.quadrature import IntegralDoesNotExist, checked_integral

    try:
        value, error = checked_integral(
            hv, a, b, what=named, singular=_inner_singularities(g, x, a, b)
        )
    except IntegralDoesNotExist as exc:
        if not exc.oscillating:
            raise
        raise NoConvergenceError(  # sin(x)/x on [0, oo): no Lebesgue integral, but ...
            f"{named} is not absolutely convergent (the integral of |f| diverges, with "
            f"an oscillating sign): quadrature cannot compute it, and whether it "
            f"converges conditionally as an improper integral (as sin(x)/x does on "
            f"[0, oo), sin(x) does not) is not decided numerically"
        ) from None
    if math.isinf(value):
        raise NoConvergenceError(
            f"{named} diverges to {'+' if value > 0 else '-'}oo (probes "
            f"of the integrand's growth at the ends and singular points)"
        )
    return value, error


#: Sample points at which an iterated integral's integrand is checked along each axis.
SLICE_SAMPLES = 2


def _slices(ranges: list[Any], n: int) -> list[tuple[int, list[float]]]:
    """``(k, point)`` pairs: the 1-D slices (along variable k through a sample point of the
    region) on which an iterated integral's integrand must have a trustworthy integral
    before ``nquad`` runs (its inner ``quad`` has no divergence probes: ∫∫ dx dy/(x − 1/3)²
    gave −4.5). Every axis for a box, the innermost only when bounds depend on outer
    variables (a slice along an outer one would leave the region)."""
    import numpy as np

    rng = np.random.default_rng(0)
    box = all(isinstance(r, tuple) for r in ranges)
    out = []
    for _ in range(SLICE_SAMPLES):
        point = [0.0] * n
        for i in reversed(range(n)):
            a, b = ranges[i] if isinstance(ranges[i], tuple) else ranges[i](*point[i + 1 :])
            lo, hi = min(a, b), max(a, b)
            u = rng.uniform(0.2, 0.8)
            if math.isinf(lo) and math.isinf(hi):
                point[i] = math.tan(math.pi * (u - 0.5))
            elif math.isinf(hi):
                point[i] = lo + u / (1 - u)
            elif math.isinf(lo):
                point[i] = hi - u / (1 - u)
            else:
                point[i] = lo + (hi - lo) * u
        out += [(k, point) for k in (range(n) if box else (0,))]
    return out


@lru_cache(maxsize=64)
def _inner_singularities(expr: sympy.Expr, x: sympy.Symbol, a: Any, b: Any) -> tuple[float, ...]:
    """The points strictly between ``a`` and ``b`` where ``expr`` may blow up (SymPy's
    ``singularities``: poles of rational and trigonometric parts, zeros of a log's
    argument...), for quadrature to split and probe there; ``()`` when SymPy cannot say.
    Cached: a complex integrand's real and imaginary parts ask for the same slices."""
    from sympy.calculus.util import singularities

    a, b = sympy.sympify(a), sympy.sympify(b)  # floats too (inf is oo)
    lo, hi = (a, b) if bool(a <= b) else (b, a)
    try:
        found = singularities(expr, x, sympy.Interval.open(lo, hi))
    except Exception:  # noqa: BLE001 - a hint for quadrature: no hint is the old behaviour
        return ()
    if not isinstance(found, sympy.FiniteSet):
        return ()
    return tuple(sorted(float(p) for p in found if p.is_real and p.is_finite))


def _require_numbers(expr: sympy.Expr, specs: list[Spec] | tuple[Spec, ...]) -> None:
    variables = [s[0] for s in specs]
    extra = free_symbols(expr) - set(variables)
    if extra:
        names = ", ".join(sorted(s.name for s in extra))
        raise ValueError(
            f"a numeric value of the integral of {expr} needs numbers for "
            f"{names}: it has free symbols {names}"
        )
    for i, (x, a, b) in enumerate(specs):
        for bound in (a, b):
            extra = free_symbols(bound) - set(variables[i + 1 :])
            if extra:
                raise ValueError(
                    f"the bound {bound} of {x} has free symbols "
                    f"{', '.join(sorted(s.name for s in extra))}; numeric "
                    f"quadrature needs numbers there"
                )
            bound = sympy.sympify(bound)  # quadrature() may be given plain numbers
            if bound.is_number and bound.is_finite and not math.isfinite(float(bound)):
                raise ValueError(
                    f"the bound {sympy.N(bound, 6)} of {x} is beyond the "
                    f"floating-point range (about ±1.8e308): numeric "
                    f"quadrature cannot use it"
                )


def _numeric_range(a: sympy.Expr, b: sympy.Expr, outer: list[sympy.Symbol]) -> Any:
    """``(a, b)`` as floats, or a callable of the outer variables when a bound uses them."""
    if not (free_symbols(a) | free_symbols(b)):
        return float(a), float(b)
    from symml.compile import to_numpy

    lo, hi = to_numpy(a, outer), to_numpy(b, outer)
    return lambda *xs: (float(lo(*xs[: len(outer)])), float(hi(*xs[: len(outer)])))


#: What ``integral(..., method=...)`` may be.
INTEGRAL_METHODS = ("auto", "symbolic", "numeric")

#: Seconds the quadrature fallback of ``integral`` may take at least, even when SymPy used
#: up the whole ``timeout`` (it gets the time left when that is more).
NUMERIC_FALLBACK_SECONDS = 2.0


def integral(
    f: Any,
    wrt_or_bounds: Any,
    *more_bounds: Any,
    timeout: float | None = None,
    method: str = "auto",
    steps: bool = True,
) -> Derivation:
    r"""The indefinite, definite or iterated integral of ``f``.

    ``integral(f, x)`` is an antiderivative (no constant); ``integral(f, (x, a, b))`` is
    definite; several variables/bounds integrate innermost first, as SymPy does
    (``integral(f, (x, 0, 1), (y, 0, 2))`` is :math:`\int_0^2 \int_0^1 f \,dx\,dy`).
    Bounds may be numbers, ``oo``/``-oo``, strs or expressions (and may use the outer
    variables). Each level's steps show the antiderivative and ``F(b) - F(a)`` (limits at
    infinite bounds) when that route agrees with SymPy's definite integral.

    SymPy runs in a worker process bounded by ``timeout`` for the whole integral (the
    steps and the simplification included). When it finds no closed form or runs out of
    time, a definite integral with numeric bounds is computed by quadrature
    (``method="numeric"``, ``error`` set to the absolute error estimate), itself bounded by
    the time left but at least :data:`NUMERIC_FALLBACK_SECONDS`: the whole call returns
    within about ``timeout + NUMERIC_FALLBACK_SECONDS``. An indefinite one raises
    :class:`~symml.errors.NoClosedFormError`.

    A divergent integral SymPy evaluates is its value (``oo``); one SymPy finds oscillating
    (an ``AccumBounds`` such as :math:`\int_0^\infty \sin x\,dx`), and a numeric one whose
    error estimate cannot be trusted, raise :class:`~symml.errors.NoConvergenceError`:
    never a number.

    Args:
        f: The scalar integrand.
        wrt_or_bounds: ``x`` or ``(x, a, b)``.
        *more_bounds: Further variables or bounds, for iterated integrals.
        timeout: Seconds SymPy may take in all (default ``config.timeout``); with
            ``method="numeric"``, the seconds quadrature may take.
        method: ``"auto"`` (symbolic, numeric fallback), ``"symbolic"`` (no fallback) or
            ``"numeric"`` (quadrature only).
        steps: Show the antiderivative and ``F(b) - F(a)`` of each definite level (SymPy
            works out the antiderivative a second time for them, at most
            :data:`STEPS_SECONDS` per level); ``False`` keeps one line per level.

    Raises:
        ValueError: For bad input: a non-scalar ``f``, a variable that occurs nowhere, a
            bound that is not a real number, ``oo`` or ``-oo`` (``nan``, ``1/0``), and,
            with ``method="numeric"``, bounds or parameters with free symbols (quadrature
            was asked for and needs numbers).
        NoClosedFormError: An indefinite integral without closed form (or not found in
            time), ``method="symbolic"`` without closed form, or (``method="auto"``) a
            definite integral SymPy cannot do whose bounds or parameters are legitimately
            symbolic, so that no numeric fallback exists (the message names them).
        NoConvergenceError: The integral oscillates (SymPy), or quadrature finds no
            trustworthy value (divergence, oscillation, a pole inside the interval).
        DerivationTimeout: SymPy ran past ``timeout`` and no fallback applies
            (``method="symbolic"``, or symbolic bounds/parameters), or the quadrature
            fallback ran out of time too.

    Examples:
        >>> integral("exp(-x^2)", ("x", "-oo", "oo")).result
        sqrt(pi)
        >>> integral("x*y", ("x", 0, 1), ("y", 0, 2)).result
        1
        >>> integral("x*cos(x)", "x").result
        x*sin(x) + cos(x)
    """
    expr, prior = _scalar(f, "f")
    if method not in INTEGRAL_METHODS:
        raise ValueError(f"method must be one of {INTEGRAL_METHODS}, got {method!r}")
    specs = _integration_specs(expr, (wrt_or_bounds, *more_bounds))
    definite = all(a is not None for _, a, _ in specs)
    limits = [(x,) if a is None else (x, a, b) for x, a, b in specs]
    lhs = tex(sympy.Integral(expr, *limits))
    source = {"f": expr, "specs": tuple(specs)}
    head = [*prior, Step("integral", f"I = {lhs}")]
    if method == "numeric":
        if not definite:
            raise ValueError(f"method='numeric' needs bounds for every variable of {lhs}")
        return _numeric_integral(
            expr,
            specs,
            head,
            lhs,
            source,
            reason="numeric quadrature",
            timeout=resolve_timeout(timeout),
        )
    deadline = Deadline(resolve_timeout(timeout))
    try:
        value, level_steps = _symbolic_integral(expr, specs, deadline, steps)
    except NoConvergenceError:
        raise  # SymPy showed that it oscillates: quadrature could only return noise
    except (NoClosedFormError, DerivationTimeout, NotImplementedError) as exc:
        failure = (
            exc
            if isinstance(exc, SymmlError)
            else NoClosedFormError(f"SymPy cannot integrate {expr}: {exc}")
        )
        if isinstance(failure, DerivationTimeout) and method == "symbolic":
            raise
        if not definite or method == "symbolic":
            raise NoClosedFormError(
                f"no closed form found for the integral of {expr} ({failure})"
            ) from exc
        try:
            _require_numbers(expr, specs)
        except ValueError as bad:
            raise type(failure)(f"{failure}; and no numeric fallback: {bad}") from exc
        try:
            return _numeric_integral(
                expr,
                specs,
                head,
                lhs,
                source,
                reason=str(failure),
                timeout=max(deadline.left() or 0.0, NUMERIC_FALLBACK_SECONDS),
            )
        except DerivationTimeout as late:
            raise DerivationTimeout(f"{failure}; then {late}") from None
    simple = (
        value
        if isinstance(value, sympy.Piecewise)
        else simplify_limited([value], timeout=deadline.left(SIMPLIFY_SECONDS))[0]
    )
    if simple != value:
        value = simple
        level_steps.append(Step("simplify", f"I = {tex(value)}"))
    args = _args_of(value)
    return Derivation(value, args, (*head, *level_steps), lhs, operation="integral", source=source)


def _numeric_integral(
    expr: sympy.Expr,
    specs: list[Spec],
    steps: list[Step],
    lhs: str,
    source: dict[str, Any],
    reason: str,
    timeout: float,
) -> Derivation:
    value, error = quadrature(expr, specs, timeout=timeout)
    method = "scipy.integrate.quad" if len(specs) == 1 else "scipy.integrate.nquad"
    why = _tex_escape(reason[:120])
    result = (
        sympy.Float(value.real) + sympy.I * sympy.Float(value.imag)
        if isinstance(value, complex)
        else sympy.Float(value)
    )
    steps = [
        *steps,
        Step(
            "no closed form: numeric quadrature",
            rf"I \approx {tex(result)} \quad (\text{{{method}; {why}}})",
        ),
    ]
    return Derivation(
        result,
        (),
        tuple(steps),
        lhs,
        method="numeric",
        error=error,
        operation="integral",
        source=source,
    )


def _tex_escape(text: str) -> str:
    return re.sub(r"([#$%&_{}])", r"\\\1", re.sub(r"[\\^~]", " ", text))


# --- critical points ------------------------------------------------------------------------


@dataclass(frozen=True)
class CriticalPoint:
    r"""A point where the gradient vanishes, classified by the Hessian there.

    Attributes:
        point: The coordinates, ``{variable: value}`` (a variable the solution leaves free
            maps to itself: a curve or surface of critical points).
        value: ``f`` at the point.
        kind: ``"minimum"``, ``"maximum"``, ``"saddle"`` or ``"degenerate"`` (the second
            derivative test is inconclusive: a zero eigenvalue, or a sign that depends on
            parameters).
        hessian: The Hessian at the point.
        eigenvalues: Its eigenvalues, repeated by multiplicity.
    """

    point: dict[sympy.Symbol, sympy.Expr]
    value: sympy.Expr
    kind: str
    hessian: sympy.ImmutableMatrix
    eigenvalues: tuple[sympy.Expr, ...]

    def coordinates(self) -> str:
        """LaTeX of the point, ``(x, y) = (0, 1)``."""
        names = ", ".join(tex(s) for s in self.point)
        values = ", ".join(tex(v) for v in self.point.values())
        return rf"({names}) = ({values})"

    def latex(self) -> str:
        eig = ", ".join(tex(e) for e in self.eigenvalues)
        return (
            rf"{self.coordinates()}:\ \text{{{self.kind}}},\quad f = {tex(self.value)},"
            rf"\quad \lambda(\nabla^2 f) = ({eig})"
        )

    def _repr_latex_(self) -> str:
        return f"$\\displaystyle {self.latex()}$"

    def __str__(self) -> str:
        where = ", ".join(f"{s} {_shown(v)}" for s, v in self.point.items())
        return f"{self.kind} at {where}: f {_shown(self.value)}"


def _shown(value: sympy.Expr) -> str:
    """``= value``, or ``≈ 12 digits`` for a number written with ``CRootOf`` (a root of a
    polynomial without radicals: exact in ``.point``, unreadable in a line of text)."""
    if value.has(sympy.CRootOf) and not value.free_symbols:
        return f"≈ {sympy.N(value, 12)}"
    return f"= {value}"


class CriticalPoints(list):
    """The ``list[CriticalPoint]`` that :func:`critical_points` returns, carrying its
    derivation: ``.steps``, ``.derivation``, ``.latex()``, ``.verify()``.

    It compares equal to a plain list of the same points.
    """

    def __init__(self, points: list[CriticalPoint], derivation: Derivation) -> None:
        super().__init__(points)
        self.derivation = derivation

    @property
    def steps(self) -> tuple[Step, ...]:
        return self.derivation.steps

    @property
    def wrt(self) -> tuple[sympy.Symbol, ...]:
        return self.derivation.wrt

    def latex(self, *, steps: bool = True) -> str:
        """LaTeX of the classification (after the steps when ``steps``)."""
        lines = [p.latex() for p in self] or [r"\text{no real critical points}"]
        table = (
            "\\begin{aligned}\n" + " \\\\\n".join("& " + ln for ln in lines) + "\n\\end{aligned}"
        )
        return self.derivation.latex(steps=True) + "\n" + table if steps else table

    def _repr_latex_(self) -> str:
        return f"$$ {self.latex()} $$"

    def plain(self) -> str:
        """One line per point (``minimum at x = 0, y = 0: f = 0``)."""
        return "\n".join(str(p) for p in self) or "no real critical points"

    def verify(self, *, points: int = 5, rng: Any = None, rtol: float = 1e-6) -> Any:
        """Gradient ≈ 0 and Hessian eigenvalue signs at each point, by finite differences."""
        return self.derivation.verify(points=points, rng=rng, rtol=rtol)

    def to_numpy(self, **options: Any) -> Any:
        raise NotSupportedError(
            "critical points are a list of points, not a function to "
            "compile; compile f or its gradient instead"
        )


def _blocks(
    grad: list[sympy.Expr], variables: tuple[sympy.Symbol, ...]
) -> list[tuple[list[sympy.Expr], list[sympy.Symbol]]]:
    """The gradient system split into independent blocks: equations that share no variable
    (``f(x) + g(y)``) are solved separately. Zero equations are dropped."""
    eqs = [g for g in grad if g != 0]
    groups: list[tuple[list[sympy.Expr], set[sympy.Symbol]]] = []
    for g in eqs:
        vs = g.free_symbols & set(variables)
        touching = [grp for grp in groups if grp[1] & vs]
        merged = ([g], set(vs))
        for grp in touching:
            merged[0].extend(grp[0])
            merged[1].update(grp[1])
            groups.remove(grp)
        groups.append(merged)
    return [(grp[0], [v for v in variables if v in grp[1]]) for grp in groups]


def _numeric_poly(g: sympy.Expr, x: sympy.Symbol) -> sympy.Poly | None:
    """``g`` as a polynomial in ``x`` with numeric coefficients, else ``None``."""
    if g.free_symbols - {x}:
        return None
    try:
        return sympy.Poly(g, x)
    except sympy.PolynomialError:
        return None


def _family(s: Any) -> str:
    return str(s).replace("_n", "n")


def _solve_univariate(g: sympy.Expr, x: sympy.Symbol, expr: sympy.Expr) -> list[sympy.Expr]:
    """The real solutions of ``g = 0``: a polynomial's real roots (exact, ``CRootOf`` when
    no radicals exist), else ``solveset`` over the reals, else ``solve``.

    Raises:
        NotSupportedError: When the solutions form an infinite set (``cos(x) = 0``).
    """
    poly = _numeric_poly(g, x)
    if poly is not None and poly.degree() > 0:
        return list(dict.fromkeys(poly.real_roots()))
    found = sympy.solveset(g, x, domain=sympy.S.Reals)
    if isinstance(found, sympy.FiniteSet):
        return list(found)
    if found is sympy.S.EmptySet:
        return []
    if not isinstance(found, sympy.ConditionSet) and (
        found.is_finite_set is False or found.has(sympy.ImageSet)
    ):
        raise NotSupportedError(
            f"the critical points of {expr} form an infinite set: "
            f"{x} in {_family(found)} (n an integer); symml lists "
            f"finitely many points only"
        )
    return sympy.solve(g, x)


def _shape_solutions(
    eqs: list[sympy.Expr], vs: list[sympy.Symbol]
) -> list[dict[sympy.Symbol, sympy.Expr]] | None:
    """The solutions of a polynomial system through its lex Groebner basis, when that is
    in shape position ``[x1 - p1(xn), ..., q(xn)]``: xn runs over the real roots of q (so
    every real solution is found). ``None`` when the basis has another shape."""
    if any(e.free_symbols - set(vs) for e in eqs):
        return None
    try:
        G = sympy.groebner(eqs, *vs, order="lex").exprs
    except (sympy.PolynomialError, sympy.polys.polyerrors.ComputationFailed):
        return None
    if list(G) == [1]:
        return []
    last = vs[-1]
    if len(G) != len(vs) or G[-1].free_symbols != {last}:
        return None
    rest = {}
    for v, gi in zip(vs[:-1], G[:-1], strict=True):
        p = sympy.Poly(gi, v)
        if p.degree() != 1 or not p.LC().is_number or (gi.free_symbols - {v, last}):
            return None
        rest[v] = sympy.solve(gi, v)[0]
    roots = dict.fromkeys(sympy.Poly(G[-1], last).real_roots())
    return [{**{v: sympy.expand(p.subs(last, r)) for v, p in rest.items()}, last: r} for r in roots]


def _rational_polynomials(eqs: list[sympy.Expr], vs: list[sympy.Symbol]) -> bool:
    """Whether every equation is a polynomial in ``vs`` with rational coefficients (where a
    Groebner basis is exact)."""
    try:
        return all(c.is_Rational for e in eqs for c in sympy.Poly(e, *vs).coeffs())
    except sympy.PolynomialError:
        return False


def _zero_dim_solutions(
    G: list[sympy.Expr], vs: list[sympy.Symbol]
) -> list[dict[sympy.Symbol, sympy.Expr]] | None:
    """Every real solution of a polynomial system with finitely many complex ones, given
    its lex Groebner basis ``G``: the basis holds a polynomial q in the last variable
    alone; each irreducible factor of q gives some of its values. A rational value is
    substituted and the other variables solved the same way; irrational ones need the
    system with that factor to be in shape position (:func:`_shape_solutions`). ``None``
    when that fails."""
    last, rest = vs[-1], vs[:-1]
    q = next(g for g in G if g.free_symbols <= {last})
    out: list[dict[sympy.Symbol, sympy.Expr]] = []
    for factor, _ in sympy.factor_list(q, last)[1]:
        if sympy.degree(factor, last) == 1:
            r = sympy.solve(factor, last)[0]
            fibre = [e for e in (sympy.expand(g.subs(last, r)) for g in G) if e != 0]
            if not rest:
                out.append({last: r})
                continue
            inner = sympy.groebner(fibre, *rest, order="lex").exprs if fibre else []
            below = (
                []
                if list(inner) == [1]
                else (_zero_dim_solutions(list(inner), rest) if inner else None)
            )
            if below is None:
                return None
            out += [{**s, last: r} for s in below]
            continue
        roots = sympy.Poly(factor, last).real_roots()
        if not roots:
            continue
        found = (
            [{last: r} for r in dict.fromkeys(roots)]
            if not rest
            else _shape_solutions([*G, factor], vs)
        )
        if found is None:
            return None
        out += found
    return out


def _polynomial_solutions(
    eqs: list[sympy.Expr], vs: list[sympy.Symbol]
) -> list[dict[sympy.Symbol, sympy.Expr]] | None:
    """Every real solution of a polynomial system with rational coefficients and finitely
    many complex solutions, exactly (``CRootOf`` where no radicals exist): through the lex
    Groebner basis (:func:`_zero_dim_solutions`), for each order of up to three variables
    until one works. ``None`` for infinitely many solutions (a curve of critical points)
    or when no order works."""
    orders = [vs] + ([list(o) for o in permutations(vs) if list(o) != vs] if len(vs) <= 3 else [])
    for i, order in enumerate(orders):
        G = sympy.groebner(eqs, *order, order="lex")
        if list(G.exprs) == [1]:
            return []
        if i == 0 and not G.is_zero_dimensional:
            return None
        found = _zero_dim_solutions(list(G.exprs), order)
        if found is not None:
            return found
    return None


def _vanishes(e: sympy.Expr) -> bool:
    """Whether ``e`` is zero: exactly, or (no parameters) to 25 digits."""
    if e == 0 or sympy.simplify(e) == 0:
        return True
    if e.free_symbols:
        return False
    return abs(complex(e.evalf(30))) <= 1e-25


def _period(eqs: list[sympy.Expr], v: sympy.Symbol) -> sympy.Expr | None:
    """A common period in ``v`` of the equations that depend on it, else ``None``."""
    from sympy.calculus.util import lcim

    try:
        periods = [sympy.periodicity(e, v) for e in eqs if e.has(v)]
    except (NotImplementedError, TypeError, ValueError):
        return None
    if not periods or any(p is None or p == 0 for p in periods):
        return None
    try:
        common = lcim(periods)
    except (TypeError, ValueError):
        return None
    return common if common is not None and common != 0 else None


def _solve_block(
    eqs: list[sympy.Expr], vs: list[sympy.Symbol], expr: sympy.Expr
) -> list[dict[sympy.Symbol, sympy.Expr]]:
    if len(vs) == 1:
        x = vs[0]
        first = next(e for e in eqs if e.has(x))
        sols = [{x: r} for r in _solve_univariate(first, x, expr)]
        others = [e for e in eqs if e is not first]
        sols = [s for s in sols if all(_vanishes(e.subs(s)) for e in others)]
    else:
        sols = sympy.solve(eqs, vs, dict=True)
        # SymPy's solve drops solutions it would write with CRootOf (a quintic factor), so
        # a polynomial system's list is checked against the complete one from a Groebner
        # basis; solve's is kept only when it has as many real points (its radicals read
        # better than CRootOf)
        exact = _polynomial_solutions(eqs, vs) if _rational_polynomials(eqs, vs) else None
        if exact is not None:
            real = [s for s in sols if all(_is_real(v) for v in s.values())]
            if len(real) != len(exact) or any(len(s) != len(vs) for s in real):
                sols = exact
        elif not sols and all(e.is_polynomial(*vs) and not e.free_symbols - set(vs) for e in eqs):
            # none at all when the basis is [1] (over the coefficients' own field: a float
            # is the exact binary rational it stands for); else solve missed them
            written = [
                e.xreplace({c: sympy.Rational(c) for c in e.atoms(sympy.Float)}) for e in eqs
            ]
            if list(sympy.groebner(written, *vs, extension=True).exprs) != [1]:
                raise NoClosedFormError(
                    f"SymPy cannot solve grad f = 0 for {expr}: it "
                    "finds no solution of a polynomial system whose "
                    "Groebner basis says it has some (complex or real)"
                )
    if any(all(_is_real(v) for v in s.values()) for s in sols):
        for v in vs:
            period = _period(eqs, v)
            if period is not None:
                point = ", ".join(f"{k} = {val}" for k, val in sols[0].items())
                raise NotSupportedError(
                    f"the critical points of {expr} form an infinite set: grad f is "
                    f"periodic in {v} with period {period}, so each critical point repeats "
                    f"({point}, with {v} + n*{period} for any integer n); symml lists "
                    f"finitely many points only"
                )
    return sols


def _solve_gradient(
    grad: list[sympy.Expr], variables: tuple[sympy.Symbol, ...], expr: sympy.Expr | None = None
) -> list[dict[sympy.Symbol, sympy.Expr]]:
    """Every solution of grad f = 0, block by block (see :func:`_blocks`), as dicts; a
    variable no equation involves is left free (absent from the dicts).

    Raises:
        NotSupportedError: When the solutions form an infinite set (periodic f).
        NoClosedFormError: When SymPy cannot solve a block.
    """
    expr = sympy.Add(*grad) if expr is None else expr
    if any(g.is_number and g != 0 for g in grad):
        return []
    out: list[dict[sympy.Symbol, sympy.Expr]] = [{}]
    try:
        for eqs, vs in _blocks(grad, variables):
            sols = _solve_block(eqs, vs, expr)
            out = [{**o, **s} for o in out for s in sols]
            if not out:
                return []
    except SymmlError:
        raise
    except Exception as exc:  # noqa: BLE001 - whatever SymPy raises, it is SymPy's limit
        raise NoClosedFormError(
            f"SymPy cannot solve grad f = 0 for {expr}: {type(exc).__name__}: {exc}"
        ) from None
    return out


def _is_real(value: sympy.Expr) -> bool:
    if value.is_real is not None:
        return bool(value.is_real)
    if value.free_symbols:
        return not value.has(sympy.I)
    z = complex(value.evalf(30))
    return abs(z.imag) <= 1e-12 * max(1.0, abs(z))


def _sign(value: sympy.Expr) -> int | None:
    """+1, -1 or 0, or ``None`` when the sign cannot be decided (parameters)."""
    for test, sign in ((value.is_zero, 0), (value.is_positive, 1), (value.is_negative, -1)):
        if test:
            return sign
    if value.free_symbols:
        return None
    z = complex(value.evalf(30))
    if abs(z.imag) > 1e-9 * max(1.0, abs(z)):
        return None
    return 0 if abs(z.real) <= 1e-12 else (1 if z.real > 0 else -1)


#: The kind of a critical point from the set of signs of the Hessian's eigenvalues
#: (any set with both +1 and -1 is a saddle; any other set is degenerate).
KINDS: dict[frozenset, str] = {frozenset({1}): "minimum", frozenset({-1}): "maximum"}


def classify(eigenvalues: tuple[sympy.Expr, ...]) -> str:
    """The second derivative test.

    Examples:
        >>> classify((2, 6)), classify((-1, 3)), classify((0, 2)), classify((-2, -2))
        ('minimum', 'saddle', 'degenerate', 'maximum')
    """
    signs = {_sign(sympy.sympify(e)) for e in eigenvalues}
    if {1, -1} <= signs:
        return "saddle"
    return KINDS.get(frozenset(signs), "degenerate")


def _eigenvalues(H: sympy.ImmutableMatrix) -> tuple[sympy.Expr, ...]:
    """Exact eigenvalues (by multiplicity) for small or simple matrices, else numeric ones."""
    if H.shape[0] <= 3 or H.is_diagonal():
        vals = H.eigenvals()
        out = [v for v, m in vals.items() for _ in range(m)]
        if not any(v.has(sympy.I) for v in out) or H.free_symbols:
            return tuple(sorted(out, key=sympy.default_sort_key))
    import numpy as np

    if H.free_symbols:
        raise NotSupportedError(
            f"eigenvalues of the {H.shape[0]}x{H.shape[0]} symbolic Hessian at a critical point"
        )
    # exact entries may hold roots written with I that cancel (casus irreducibilis of a cubic)
    values = np.array(H.evalf(30).tolist(), dtype=complex)
    if np.max(np.abs(values.imag), initial=0.0) > 1e-12 * max(1.0, float(np.max(np.abs(values)))):
        raise NotSupportedError(f"the Hessian at a critical point is not real: {H}")
    num = np.linalg.eigvalsh(values.real)
    return tuple(sympy.Float(v) for v in num)


def _analyse(
    expr: sympy.Expr,
    variables: tuple[sympy.Symbol, ...],
    H: sympy.ImmutableMatrix,
    solutions: list[dict[sympy.Symbol, sympy.Expr]],
) -> list[CriticalPoint]:
    out = []
    for sol in solutions:
        point = {v: sol.get(v, v) for v in variables}
        value = sympy.simplify(expr.subs(point))
        if not _is_real(value):
            continue  # outside f's real domain (sqrt(x) at x < 0): not a critical point of f
        Hp = sympy.ImmutableMatrix(H.subs(point))
        if any(_is_bad(h) or h.has(sympy.oo, -sympy.oo) for h in Hp):
            where = ", ".join(f"{v} = {c}" for v, c in point.items())
            raise NotSupportedError(
                f"{expr} is not twice differentiable at its critical point "
                f"{where} (the Hessian there is {Hp.tolist()}), so the "
                "second derivative test does not apply"
            )
        eig = _eigenvalues(Hp)
        out.append(CriticalPoint(point, value, classify(eig), Hp, eig))
    return out


def _point_key(p: CriticalPoint) -> tuple:
    key = []
    for v in p.point.values():
        try:
            key.append((0, float(sympy.re(v).evalf(30))))
        except (TypeError, ValueError):
            key.append((1, sympy.default_sort_key(v)))
    return tuple(key)


def critical_points(f: Any, wrt: Any = None, timeout: float | None = None) -> CriticalPoints:
    r"""The real critical points of a scalar function, classified by the Hessian.

    Steps: the gradient, the system :math:`\nabla f = 0` and its solutions, the Hessian,
    then at each point the Hessian, its eigenvalues and the classification (all positive:
    minimum; all negative: maximum; both signs: saddle; otherwise degenerate).

    The system is split into independent blocks (``f(x) + g(y)``). A one-variable
    equation is solved exactly: a polynomial by its real roots (``CRootOf`` where no
    radicals exist; printed as 12-digit approximations), anything else by ``solveset``
    over the reals. A polynomial system SymPy's ``solve`` gives up on is solved through
    its lex Groebner basis. An infinite set of critical points (``sin(x)``, a gradient
    periodic in a variable) is refused, never truncated. Symbols are real: a solution
    where ``f`` is not real (``sqrt(x)*(x - 1)**2`` at ``x < 0``) is outside its domain and
    left out. ``.verify()`` also runs a Newton search for critical points the list lacks.

    Args:
        f: The scalar expression.
        wrt: The variables (default: all, sorted by name).
        timeout: Seconds ``solve`` and the eigenvalues may take (default ``config.timeout``).

    Returns:
        A :class:`CriticalPoints` (a ``list[CriticalPoint]`` with ``.steps``, ``.latex()``
        and ``.verify()``), sorted by coordinates.

    Raises:
        ValueError: For a non-scalar ``f`` or an unknown variable.
        NoClosedFormError: When SymPy cannot solve the system.
        NotSupportedError: When the critical points form an infinite set (the message
            gives the family), SymPy leaves a derivative of ``f`` unevaluated
            (``floor(x)``), or ``f`` is not twice differentiable at one of them.
        DerivationTimeout: When solving runs past ``timeout``.

    Examples:
        >>> pts = critical_points("x**3 - 3*x + y**2", "x, y")
        >>> [(p.kind, p.point) for p in pts]
        [('saddle', {x: -1, y: 0}), ('minimum', {x: 1, y: 0})]
        >>> bool(pts.verify())
        True
        >>> print(critical_points("x**6 - 3*x**4 + x").plain())
        minimum at x ≈ -1.43405488030: f ≈ -5.42429309678
        maximum at x ≈ 0.452827002604: f ≈ 0.335309392111
        minimum at x ≈ 1.39220526482: f ≈ -2.59658579710
        >>> critical_points("sin(x)")
        Traceback (most recent call last):
        ...
        symml.errors.NotSupportedError: the critical points of sin(x) form an infinite set: ...
    """
    expr, prior = _scalar(f, "f")
    variables = as_wrt(wrt, expr, strict=True)
    if not variables:
        raise ValueError(f"critical_points(): {expr} has no variables; give wrt")
    deadline = Deadline(resolve_timeout(timeout))
    grad = [sympy.diff(expr, v) for v in variables]
    stuck = next((g for g in grad if g.has(sympy.Derivative, sympy.Subs)), None)
    if stuck is not None:  # floor(x): SymPy has no derivative to set to zero
        raise NotSupportedError(
            f"SymPy cannot differentiate {expr} (it leaves {stuck} "
            "unevaluated), so grad f = 0 cannot be solved"
        )
    solutions = deadline.run(
        _solve_gradient, grad, variables, expr, what=f"solving grad f = 0 for {expr}"
    )
    solutions = [s for s in solutions if all(_is_real(v) for v in s.values())]
    H = sympy.ImmutableMatrix(
        len(variables), len(variables), lambda i, j: sympy.diff(grad[i], variables[j])
    )
    points = deadline.run(
        _analyse,
        expr,
        variables,
        H,
        solutions,
        what=f"the Hessian eigenvalues at the critical points of {expr}",
    )
    points = sorted(points, key=_point_key)
    derivation = Derivation(
        tuple(sympy.ImmutableMatrix(list(p.point.values())) for p in points),
        variables,
        tuple(_critical_steps(expr, variables, grad, H, points, prior)),
        r"\{\,\nabla f = 0\,\}",
        operation="critical_points",
        source={"f": expr, "points": tuple(points)},
    )
    return CriticalPoints(points, derivation)


def _critical_steps(
    expr: sympy.Expr,
    variables: tuple[sympy.Symbol, ...],
    grad: list[Any],
    H: sympy.ImmutableMatrix,
    points: list[CriticalPoint],
    prior: tuple[Step, ...],
) -> list[Step]:
    eqs = r",\ ".join(f"{tex(g)} = 0" for g in grad)
    found = r",\ ".join(p.coordinates() for p in points) or r"\text{no real solutions}"
    steps = [
        *prior,
        _definition(expr, variables),
        Step("gradient", rf"\nabla f = {tex(sympy.ImmutableMatrix(grad))}"),
        Step("solve the gradient system", rf"\nabla f = 0 \iff {eqs}"),
        Step("solutions", rf"{found}"),
        Step("Hessian", rf"\nabla^2 f = {tex(H)}"),
    ]
    for p in points:
        eig = ", ".join(tex(e) for e in p.eigenvalues)
        steps.append(
            Step(
                "Hessian and eigenvalues at the point",
                rf"\nabla^2 f\big|_{{{p.coordinates()}}} = {tex(p.hessian)},"
                rf"\quad \lambda = ({eig})",
            )
        )
        steps.append(
            Step(
                f"classify: {p.kind}", rf"{p.coordinates()}: \text{{{p.kind}}},\ f = {tex(p.value)}"
            )
        )
    return steps
