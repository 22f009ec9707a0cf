"""Calculus: derivatives, gradients, Jacobians and Hessians, with their steps.

Every operation returns a :class:`~symml.derivation.Derivation`. Derived operations are
built from basic ones: a Hessian is the Jacobian of the gradient (computed once per
unordered pair, then mirrored).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sympy

from symml._limits import run_limited
from symml.derivation import (
    Derivation,
    Step,
    as_expr,
    as_matrix,
    as_wrt,
    function_lhs,
    tex,
)
from symml.errors import DerivationTimeout

__all__ = ["derivative", "gradient", "hessian", "jacobian", "simplify_limited"]

#: Largest number of operations for which results are simplified automatically.
SIMPLIFY_MAX_OPS = 150
#: Seconds an automatic simplification may take before the raw form is kept.
SIMPLIFY_SECONDS = 3.0


def _scalar(f: Any, what: str) -> tuple[sympy.Expr, tuple[Step, ...]]:
    expr, prior = as_expr(f, what=what)
    if isinstance(expr, sympy.MatrixBase):
        if expr.shape == (1, 1):
            return expr[0, 0], prior
        raise ValueError(f"{what} must be a scalar expression, got a {expr.shape[0]}x"
                         f"{expr.shape[1]} matrix")
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
    if sum(sympy.count_ops(e) for e in items) > SIMPLIFY_MAX_OPS * max(1, len(items)) \
            or all(e.is_Atom for e in items):
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
        others = factors[:i] + factors[i + 1:]
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


def _differentiate(f: sympy.Expr, x: sympy.Symbol, n: int, lhs: str, simplify: bool
                   ) -> tuple[sympy.Expr, list[Step]]:
    steps: list[Step] = []
    if n == 1:
        rule = _rule_step(f, x, lhs)
        if rule is not None:
            steps.append(rule)
    raw = sympy.diff(f, x, n)
    steps.append(Step("differentiate", f"{lhs} = {tex(raw)}"))
    result = simplify_limited([raw])[0] if simplify else raw
    if result != raw:
        steps.append(Step("simplify", f"{lhs} = {tex(result)}"))
    return result, steps


def _definition(f: sympy.Expr, wrt: tuple[sympy.Symbol, ...], name: str = "f") -> Step:
    return Step("definition", f"{function_lhs(wrt, name)} = {tex(f)}")


def derivative(f: Any, wrt: Any = None, n: int = 1, *, simplify: bool = True) -> Derivation:
    r"""The n-th derivative of a scalar expression with respect to one variable.

    Args:
        f: The expression (``str``, SymPy expression or Derivation).
        wrt: The variable; may be omitted when ``f`` has exactly one.
        n: The order, a positive integer.
        simplify: Simplify the result when that shortens it (bounded in time).

    Returns:
        A Derivation whose steps name the rule applied (sum, product, quotient, chain),
        the differentiated form and, if it changed, the simplified one.

    Raises:
        ValueError: For a non-scalar ``f``, a bad order, or a variable not in ``f``.

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
        raise ValueError(f"derivative() takes one variable, got {len(variables)} "
                         f"({', '.join(map(str, variables)) or 'none'}); use gradient()")
    x = variables[0]
    args = tuple(sorted(expr.free_symbols | {x}, key=lambda s: s.name))
    partial = len(args) > 1
    lhs = f"{_d(x, n, partial)} {function_lhs(args)}"
    result, steps = _differentiate(expr, x, n, lhs, simplify)
    return Derivation(result, args, (*prior, _definition(expr, args), *steps), lhs,
                      operation="derivative", source={"f": expr, "x": x, "n": n})


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
    partials = []
    for x in variables:
        lhs = rf"\frac{{\partial f}}{{\partial {tex(x)}}}"
        raw = sympy.diff(expr, x)
        partials.append(raw)
        if not big:
            steps.append(Step(f"partial derivative in {x}", f"{lhs} = {tex(raw)}"))
    if simplify and not big:
        simple = simplify_limited(partials)
        if simple != partials:
            partials = simple
            steps.append(Step("simplify", rf"\nabla f = {tex(sympy.ImmutableMatrix(partials))}"))
    result = sympy.ImmutableMatrix(partials)
    return Derivation(result, variables, tuple(steps), rf"\nabla {function_lhs(variables)}",
                      operation="gradient", source={"f": expr})


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
            raise ValueError(f"F must be a vector (a sequence or an m×1 matrix), got shape {M.shape}")
    variables = as_wrt(wrt, M, strict=True)
    rows = [[sympy.diff(Fi, x) for x in variables] for Fi in M]
    big = len(M) * len(variables) > 144
    steps: list[Step] = [*prior, Step("definition", f"F({', '.join(tex(v) for v in variables)}) = {tex(M)}")]
    if not big:
        for i, row in enumerate(rows):
            steps.append(Step(f"gradient of F_{i + 1}",
                              rf"\nabla F_{{{i + 1}}}^T = {tex(sympy.ImmutableMatrix([row]))}"))
    J = sympy.ImmutableMatrix(rows)
    if simplify and not big:
        flat = simplify_limited(list(J))
        if flat != list(J):
            J = sympy.ImmutableMatrix(J.shape[0], J.shape[1], flat)
            steps.append(Step("simplify", f"J_F = {tex(J)}"))
    return Derivation(J, variables, tuple(steps), rf"J_F({', '.join(tex(v) for v in variables)})",
                      operation="jacobian", source={"F": M})


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
    entries: dict[tuple[int, int], sympy.Expr] = {}
    for i in range(n):
        for j in range(i, n):
            entries[i, j] = sympy.diff(g[i], variables[j])
    big = n > 12 or sum(sympy.count_ops(e) for e in entries.values()) > SIMPLIFY_MAX_OPS * n
    if simplify and not big:
        keys = list(entries)
        simple = simplify_limited([entries[k] for k in keys])
        entries = dict(zip(keys, simple, strict=True))
    H = sympy.ImmutableMatrix(n, n, lambda i, j: entries[min(i, j), max(i, j)])
    lhs = rf"\nabla^2 {function_lhs(variables)}"
    steps = [*prior, *grad.steps,
             Step("gradient", rf"\nabla f = {tex(grad.result)}"),
             Step("Jacobian of the gradient (symmetric)", rf"{lhs} = J_{{\nabla f}} = {tex(H)}")]
    return Derivation(H, variables, tuple(steps), lhs, operation="hessian",
                      source={"f": expr, "gradient": grad.result})
