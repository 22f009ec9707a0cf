"""Derivatives, gradients, Jacobians and Hessians, with their steps and their checks.

Derived operations are built from basic ones: a Hessian is the Jacobian of the gradient
(computed once per unordered pair, then mirrored). Each result carries its check: central
differences of the original function in random directions (second order for a Hessian),
as autograd's ``check_grads`` does.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np
import sympy

from symml.calculus._common import SIMPLIFY_MAX_OPS, definition, scalar_expr, simplify_limited
from symml.checks import difference_error, random_points, settled_difference
from symml.dag import Differentiator
from symml.deadline import Deadline
from symml.derivation import (
    Derivation,
    ExprLike,
    Step,
    Verification,
    WrtLike,
    as_matrix,
    as_wrt,
    compiled,
    free_symbols,
    function_lhs,
    sorted_symbols,
    tex,
)
from symml.errors import NotSupportedError

__all__ = ["IN_PLACE_MAX_ORDER", "RULES", "derivative", "gradient", "hessian", "jacobian"]


def _d(var: sympy.Symbol, n: int = 1, is_partial: bool = False) -> str:
    d = r"\partial" if is_partial else "d"
    v = tex(var)
    return rf"\frac{{{d}^{{{n}}}}}{{{d} {v}^{{{n}}}}}" if n > 1 else rf"\frac{{{d}}}{{{d} {v}}}"


def _sum_rule(f: sympy.Expr, x: sympy.Symbol) -> tuple[str, sympy.Expr] | None:
    terms = [t for t in f.args if t.has(x)]
    if len(terms) < 2:
        return None
    return "sum rule", sympy.Add(*[sympy.Derivative(t, x) for t in terms], evaluate=False)


def _product_rule(f: sympy.Expr, x: sympy.Symbol) -> tuple[str, sympy.Expr] | None:
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


def _chain_rule(f: sympy.Expr, x: sympy.Symbol) -> tuple[str, sympy.Expr] | None:
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
RULES: dict[type, Callable[[sympy.Expr, sympy.Symbol], tuple[str, sympy.Expr] | None]] = {
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
    return Step.equation(title, lhs, expr)


#: Orders up to which a derivative is taken in place: higher ones grow like a product's
#: Leibniz sum (``d^300/dx^300`` of ``exp(x) sin(x) log(x)`` runs for minutes) and run
#: under the time limit.
IN_PLACE_MAX_ORDER = 8


def _nth_derivative(f: sympy.Expr, x: sympy.Symbol, n: int, lhs: str) -> tuple[sympy.Expr, Step]:
    """The derivative and its step (written where it is taken: a huge one takes time)."""
    raw = sympy.diff(f, x, n)
    return raw, Step.equation("differentiate", lhs, raw)


def _differentiate(
    f: sympy.Expr, x: sympy.Symbol, n: int, lhs: str, simplify: bool, timeout: float | None
) -> tuple[sympy.Expr, list[Step]]:
    steps: list[Step] = []
    if n == 1:
        rule = _rule_step(f, x, lhs)
        if rule is not None:
            steps.append(rule)
    if n <= IN_PLACE_MAX_ORDER:
        raw, step = _nth_derivative(f, x, n, lhs)
    else:
        # the only limited call of derivative(): its deadline starts here (lower orders
        # never wait, and take any timeout)
        raw, step = Deadline(timeout).run(
            _nth_derivative, f, x, n, lhs, what=f"the derivative of order {n} of {f} in {x}"
        )
    steps.append(step)
    result = simplify_limited([raw])[0] if simplify else raw
    if result != raw:
        steps.append(Step.equation("simplify", lhs, result))
    return result, steps


def derivative(
    f: ExprLike,
    wrt: WrtLike = None,
    n: int = 1,
    *,
    simplify: bool = True,
    timeout: float | None = None,
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
    expr, prior = scalar_expr(f, "f")
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    variables = as_wrt(wrt, expr, strict=True, spare=True)
    if not variables:  # "0/0", "5": nothing to differentiate by unless wrt names it
        raise ValueError(f"derivative(): {expr} has no variable; give wrt")
    if len(variables) != 1:
        raise ValueError(
            f"derivative() takes one variable, got {len(variables)} "
            f"({', '.join(map(str, variables))}); use gradient()"
        )
    x = variables[0]
    args = tuple(sorted(expr.free_symbols | {x}, key=lambda s: s.name))
    lhs = f"{_d(x, n, len(args) > 1)} {function_lhs(args)}"
    result, steps = _differentiate(expr, x, n, lhs, simplify, timeout)
    return Derivation(
        result,
        args,
        (*prior, definition(expr, args), *steps),
        lhs,
        operation="derivative",
        check=partial(_check_derivative, f=expr, x=x, n=n),
    )


def gradient(f: ExprLike, wrt: WrtLike = None, *, simplify: bool = True) -> Derivation:
    r"""The gradient of a scalar expression: an n×1 column of partial derivatives.

    Examples:
        >>> g = gradient("x**2*y + y**3", "x, y")
        >>> g.result.T
        Matrix([[2*x*y, x**2 + 3*y**2]])
        >>> g.lhs
        '\\nabla f(x, y)'
    """
    expr, prior = scalar_expr(f, "f")
    variables = as_wrt(wrt, expr, strict=True, spare=True)
    if not variables:
        raise ValueError(f"gradient(): {expr} has no variables; give wrt")
    big = sympy.count_ops(expr) > SIMPLIFY_MAX_OPS or len(variables) > 12
    steps = [*prior, definition(expr, variables)]
    # big: differentiate on the expression DAG, each shared subexpression once
    diff = Differentiator().d if big else sympy.diff
    partials = []
    for x in variables:
        lhs = rf"\frac{{\partial f}}{{\partial {tex(x)}}}"
        raw = diff(expr, x)
        partials.append(raw)
        if not big:
            steps.append(Step.equation(f"partial derivative in {x}", lhs, raw))
    if simplify and not big and sum(sympy.count_ops(p) for p in partials) <= SIMPLIFY_MAX_OPS:
        simple = simplify_limited(partials)
        if simple != partials:
            partials = simple
            steps.append(Step.equation("simplify", r"\nabla f", sympy.ImmutableMatrix(partials)))
    result = sympy.ImmutableMatrix(partials)
    return Derivation(
        result,
        variables,
        tuple(steps),
        rf"\nabla {function_lhs(variables)}",
        operation="gradient",
        check=partial(_check_gradient, f=expr),
    )


def jacobian(F: ExprLike, wrt: WrtLike = None, *, simplify: bool = True) -> Derivation:
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
    variables = as_wrt(wrt, M, strict=True, spare=True)
    big = len(M) * len(variables) > 144
    # big: differentiate on the expression DAG, each shared subexpression once
    diff = Differentiator().d if big else sympy.diff
    rows = [[diff(Fi, x) for x in variables] for Fi in M]
    steps: list[Step] = [
        *prior,
        Step.equation("definition", f"F({', '.join(tex(v) for v in variables)})", M),
    ]
    if not big:
        for i, row in enumerate(rows):
            steps.append(
                Step.equation(
                    f"gradient of F_{i + 1}",
                    rf"\nabla F_{{{i + 1}}}^T",
                    sympy.ImmutableMatrix([row]),
                )
            )
    J = sympy.ImmutableMatrix(rows)
    if simplify and not big:
        flat = simplify_limited(list(J))
        if flat != list(J):
            J = sympy.ImmutableMatrix(J.shape[0], J.shape[1], flat)
            steps.append(Step.equation("simplify", "J_F", J))
    return Derivation(
        J,
        variables,
        tuple(steps),
        rf"J_F({', '.join(tex(v) for v in variables)})",
        operation="jacobian",
        check=partial(_check_jacobian, F=M),
    )


def hessian(f: ExprLike, wrt: WrtLike = None, *, simplify: bool = True) -> Derivation:
    r"""The Hessian of a scalar expression, as the Jacobian of its gradient.

    Each second derivative is computed once per unordered pair (i ≤ j) and mirrored, so the
    result is exactly symmetric.

    Examples:
        >>> hessian("x**2*y + y**3", "x, y").result
        Matrix([
        [2*y, 2*x],
        [2*x, 6*y]])
    """
    expr, prior = scalar_expr(f, "f")
    variables = as_wrt(wrt, expr, strict=True, spare=True)
    if not variables:
        raise ValueError(f"hessian(): {expr} has no variables; give wrt")
    grad = gradient(expr, variables, simplify=simplify)
    n = len(variables)
    g = list(grad.result)
    large = n > 12 or sympy.count_ops(expr) > SIMPLIFY_MAX_OPS
    diff = Differentiator().d  # sympy.diff's results, each shared part once
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
        check=partial(_check_hessian, f=expr, gradient=grad.result),
    )


# --- the checks: central differences of the original function ---------------------------


def _shape_of(result: sympy.Basic) -> tuple[int, ...]:
    """The symbolic result's shape: compiled n×1 results lose their second axis (API: an
    n×1 vector evaluates to shape (n,)), which a 1×1 Hessian or m×1 Jacobian needs back."""
    return tuple(result.shape) if isinstance(result, sympy.MatrixBase) else ()


#: ``contract(result, v)``: what a result at a point gives along a direction ``v``, to be
#: compared with the finite difference of the checked function along ``v``.
Contract = Callable[[np.ndarray, np.ndarray], np.ndarray]


def _check_directional(
    d: Derivation,
    points: int,
    rng: np.random.Generator,
    rtol: float,
    *,
    fn: sympy.Basic,
    order: int,
    contract: Contract,
    method: str,
    direction: np.ndarray | None = None,
    details: str | None = None,
) -> Verification:
    """Compare ``contract(result(x), v)`` with a finite difference of ``fn`` along ``v``
    (a random unit vector per point, or ``direction``), at random points where ``fn`` and
    the result are finite and real. A point whose difference stencil leaves the domain
    (``log(x)`` near 0) is replaced by another; the count says how many were compared.

    Free symbols besides ``wrt`` (data and parameters: ``x, y`` of the loss
    ``(y - w*x - b)**2`` differentiated in ``w, b``) are drawn at random too, as the
    compiled function's trailing arguments, and held fixed along ``v``."""
    wrt = d.wrt
    data = sorted_symbols((free_symbols(fn) | free_symbols(d.result)) - set(wrt))
    args = (*wrt, *data)
    base = compiled(fn, args)
    symbolic = compiled(d.result, args)
    shape = _shape_of(d.result)
    candidates = random_points((base, symbolic), len(args), 4 * points, rng)
    worst, used = 0.0, 0
    h = 1e-3 if order == 1 else 1e-2
    with np.errstate(all="ignore"):
        for x in candidates:
            v = direction
            if v is None:
                v = rng.standard_normal(len(wrt))
                v /= np.linalg.norm(v)
            along = np.concatenate([v, np.zeros(len(data))])  # the data stay where they are
            settled = settled_difference(lambda p: base(*p), x, along, h, order, rtol)
            if settled is None:
                continue  # the stencil left the domain, or sits on a pole: no evidence here
            numeric, noise = settled
            exact = contract(np.asarray(symbolic(*x)).reshape(shape), v)
            worst = max(worst, difference_error(exact, numeric, noise, rtol))
            used += 1
            if used == points:
                break
    if used == 0:
        raise NotSupportedError(f"no point where the finite differences of {fn} are defined")
    return Verification(
        passed=worst <= rtol,
        max_error=worst,
        method=method,
        points=used,
        details=details or f"{d.operation} against {method} of the original function",
    )


def _check_derivative(
    d: Derivation,
    points: int,
    rng: np.random.Generator,
    rtol: float,
    *,
    f: sympy.Expr,
    x: sympy.Symbol,
    n: int,
) -> Verification:
    """d^n f/dx^n against (second) central differences of f (of d^(n-2) f for n > 2)."""
    of = "f"
    if n > 2:
        f = sympy.diff(f, x, n - 2)  # check the last two orders numerically
        of = f"d^{n - 2}f/d{x}^{n - 2}"
    e = np.zeros(len(d.wrt))
    e[d.wrt.index(x)] = 1.0
    claimed = f"df/d{x}" if n == 1 else f"d^{n}f/d{x}^{n}"
    differences = "central differences" if n == 1 else "second central differences"
    return _check_directional(
        d,
        points,
        rng,
        rtol,
        fn=f,
        order=min(n, 2),
        contract=lambda r, v: r,
        method="central differences",
        direction=e,
        details=f"{claimed} against {differences} of {of}",
    )


def _check_gradient(
    d: Derivation, points: int, rng: np.random.Generator, rtol: float, *, f: sympy.Expr
) -> Verification:
    """∇f · v against central differences of f along random directions v."""
    return _check_directional(
        d,
        points,
        rng,
        rtol,
        fn=f,
        order=1,
        contract=lambda g, v: g.reshape(-1) @ v,
        method="central differences",
    )


def _check_jacobian(
    d: Derivation,
    points: int,
    rng: np.random.Generator,
    rtol: float,
    *,
    F: sympy.ImmutableMatrix,
) -> Verification:
    """J v against central differences of F along random directions v."""
    return _check_directional(
        d,
        points,
        rng,
        rtol,
        fn=F,
        order=1,
        contract=lambda J, v: J @ v,
        method="central differences",
    )


def _check_hessian(
    d: Derivation,
    points: int,
    rng: np.random.Generator,
    rtol: float,
    *,
    f: sympy.Expr,
    gradient: sympy.ImmutableMatrix,
) -> Verification:
    """vᵀHv against second differences of f, and Hv against differences of ∇f."""
    second = _check_directional(
        d,
        points,
        rng,
        rtol,
        fn=f,
        order=2,
        contract=lambda H, v: v @ H @ v,
        method="second-order central differences",
    )
    of_grad = _check_directional(
        d,
        points,
        rng,
        rtol,
        fn=gradient,
        order=1,
        contract=lambda H, v: H @ v,
        method="central differences",
    )
    worst = max(second.max_error, of_grad.max_error)
    return Verification(
        passed=second.passed and of_grad.passed,
        max_error=worst,
        method="second-order central differences",
        points=second.points,
        details="vᵀHv against second differences of f; Hv against differences of ∇f",
    )
