"""Critical points: where the gradient vanishes, classified by the Hessian, and their check.

The gradient system is solved exactly (SymPy's ``solve``/``solveset``, real roots of
polynomials, a lex Groebner basis where ``solve`` gives up); each point is classified by
the signs of the Hessian's eigenvalues. The check confirms each point numerically and
searches for critical points the list lacks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import permutations
from typing import NoReturn

import numpy as np
import sympy
from sympy.calculus.util import lcim

from symml.calculus._common import (
    definition,
    high_precision,
    is_bad,
    parameter_values,
    scalar_expr,
)
from symml.checks import relative_error, richardson
from symml.deadline import Deadline
from symml.derivation import (
    Derivation,
    ExprLike,
    Result,
    Step,
    Verification,
    WrtLike,
    as_wrt,
    compiled,
    render_steps,
    tex,
)
from symml.errors import NoClosedFormError, NotSupportedError, SymmlError

__all__ = [
    "KINDS",
    "SEARCH_STARTS",
    "SEARCH_STEPS",
    "CriticalPoint",
    "CriticalPoints",
    "classify",
    "critical_points",
]


@dataclass(frozen=True)
class CriticalPoint(Result):
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

    def latex(self, *, steps: bool = True) -> str:
        """LaTeX of the point, its kind, ``f`` there and the Hessian's eigenvalues (one
        line: ``steps`` changes nothing)."""
        eig = ", ".join(tex(e) for e in self.eigenvalues)
        return (
            rf"{self.coordinates()}:\ \text{{{self.kind}}},\quad f = {tex(self.value)},"
            rf"\quad \lambda(\nabla^2 f) = ({eig})"
        )

    def plain(self) -> str:
        where = ", ".join(f"{s} {_shown(v)}" for s, v in self.point.items())
        return f"{self.kind} at {where}: f {_shown(self.value)}"


def _shown(value: sympy.Expr) -> str:
    """``= value``, or ``≈ 12 digits`` for a number written with ``CRootOf`` (a root of a
    polynomial without radicals: exact in ``.point``, unreadable in a line of text)."""
    if value.has(sympy.CRootOf) and not value.free_symbols:
        return f"≈ {sympy.N(value, 12)}"
    return f"= {value}"


class CriticalPoints(list[CriticalPoint], Result):
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
        """LaTeX of the classification, one point a line (after the steps when ``steps``)."""
        lines = [Step(p.kind, p.latex()) for p in self]
        table = render_steps(lines) if lines else r"\text{no real critical points}"
        return self.derivation.latex(steps=True) + "\n" + table if steps else table

    def plain(self) -> str:
        """One line per point (``minimum at x = 0, y = 0: f = 0``)."""
        return "\n".join(str(p) for p in self) or "no real critical points"

    def _check(self, points: int, rng: np.random.Generator, rtol: float) -> Verification:
        """Gradient ≈ 0 and Hessian eigenvalue signs at each point, by finite differences,
        and no critical point missing (see :func:`_check_critical_points`)."""
        return self.derivation.verify(points=points, rng=rng, rtol=rtol)

    def to_numpy(self, **options: object) -> NoReturn:
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


def _family(s: sympy.Set) -> str:
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
    except Exception as exc:  # whatever SymPy raises, it is SymPy's limit
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
        if any(is_bad(h) or h.has(sympy.oo, -sympy.oo) for h in Hp):
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


def critical_points(
    f: ExprLike, wrt: WrtLike = None, timeout: float | None = None
) -> CriticalPoints:
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
    expr, prior = scalar_expr(f, "f")
    variables = as_wrt(wrt, expr, strict=True)
    if not variables:
        raise ValueError(f"critical_points(): {expr} has no variables; give wrt")
    deadline = Deadline(timeout)
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
        check=partial(_check_critical_points, f=expr, found=tuple(points)),
    )
    return CriticalPoints(points, derivation)


def _critical_steps(
    expr: sympy.Expr,
    variables: tuple[sympy.Symbol, ...],
    grad: list[sympy.Expr],
    H: sympy.ImmutableMatrix,
    points: list[CriticalPoint],
    prior: tuple[Step, ...],
) -> list[Step]:
    eqs = r",\ ".join(f"{tex(g)} = 0" for g in grad)
    found = r",\ ".join(p.coordinates() for p in points) or r"\text{no real solutions}"
    steps = [
        *prior,
        definition(expr, variables),
        Step.equation("gradient", r"\nabla f", sympy.ImmutableMatrix(grad)),
        Step("solve the gradient system", rf"\nabla f = 0 \iff {eqs}"),
        Step("solutions", found),
        Step.equation("Hessian", r"\nabla^2 f", H),
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


# --- the check: gradient and Hessian by differences, and a search for missing points ----


def _numeric_gradient(fn: Callable[..., np.ndarray], x: np.ndarray, h: float) -> np.ndarray:
    """∇fn at ``x`` by central differences with one Richardson step."""

    def at(q: np.ndarray) -> np.ndarray:
        return fn(*q)

    return np.array([richardson(at, x, e, h, 1) for e in np.eye(len(x))])


def _numeric_hessian(fn: Callable[..., np.ndarray], x: np.ndarray, h: float) -> np.ndarray:
    """The Hessian of fn at ``x`` by central differences of step ``h``."""
    n = len(x)
    H = np.empty((n, n))
    eye = np.eye(n) * h
    for i in range(n):
        for j in range(i, n):
            H[i, j] = H[j, i] = (
                fn(*(x + eye[i] + eye[j]))
                - fn(*(x + eye[i] - eye[j]))
                - fn(*(x - eye[i] + eye[j]))
                + fn(*(x - eye[i] - eye[j]))
            ) / (4 * h * h)
    return H


#: Which eigenvalue signs each kind of critical point allows (tolerance applied).
_KIND_SIGNS: dict[str, Callable[[np.ndarray, float], bool]] = {
    "minimum": lambda ev, tol: bool(np.all(ev > tol)),
    "maximum": lambda ev, tol: bool(np.all(ev < -tol)),
    "saddle": lambda ev, tol: bool(np.any(ev > tol) and np.any(ev < -tol)),
    "degenerate": lambda ev, tol: bool(np.min(np.abs(ev)) <= tol),
}


def _check_critical_points(
    d: Derivation,
    points: int,
    rng: np.random.Generator,
    rtol: float,
    *,
    f: sympy.Expr,
    found: tuple[CriticalPoint, ...],
) -> Verification:
    """At each point (parameters and free coordinates drawn at random): the gradient by
    central differences is ≈ 0, and the eigenvalues of the Hessian by second differences
    match the symbolic ones and have the signs the classification says. Then a Newton
    search on the gradient from random starts (:func:`_unlisted_critical_point`) must find
    no critical point the list lacks, so an empty or partial list cannot pass."""
    wrt = d.wrt
    worst, passed, count = 0.0, True, 0
    for p in found[:20]:
        coords = list(p.point.values())
        subs = parameter_values([f, *coords], set(), rng)
        x0 = np.array([complex(sympy.sympify(c).subs(subs).evalf(30)).real for c in coords])
        params = {s: v for s, v in subs.items() if s not in wrt}
        g = f.subs(params)
        fn = compiled(g, wrt)
        scale = max(1.0, abs(float(fn(*x0))))
        with np.errstate(all="ignore"):
            grad = _numeric_gradient(fn, x0, 1e-3)
            Hn = _numeric_hessian(fn, x0, 1e-3)
        ev_num = np.linalg.eigvalsh(Hn)
        ev_sym = np.sort(np.array([high_precision(e, subs).real for e in p.eigenvalues]))
        tol = 1e-4 * max(scale, float(np.max(np.abs(ev_num), initial=1.0)))
        grad_err = float(np.max(np.abs(grad))) / scale
        eig_err = relative_error(ev_sym, ev_num)
        signs_ok = _KIND_SIGNS[p.kind](ev_num, tol) or (p.kind == "degenerate" and bool(params))
        worst = max(worst, grad_err, eig_err)
        passed = passed and grad_err <= max(rtol, 1e-6) and eig_err <= 1e-4 and signs_ok
        count += 1
    params = parameter_values([f, *(c for p in found for c in p.point.values())], set(wrt), rng)
    missing = _unlisted_critical_point(f.subs(params), wrt, found, params, rng)
    details = (
        "gradient ≈ 0 and Hessian eigenvalue signs at each point; a Newton search "
        f"from {SEARCH_STARTS} random starts finds "
    )
    if missing is not None:
        passed = False
        worst = float("inf")
        where = ", ".join(f"{v} = {c:.10g}" for v, c in zip(wrt, missing, strict=True))
        details += f"a critical point the list lacks: {where}"
    else:
        details += "no other critical point"
    return Verification(
        passed=passed, max_error=worst, method="central differences", points=count, details=details
    )


#: Random starts (and Newton steps from each) of the search for unlisted critical points.
SEARCH_STARTS = 64
SEARCH_STEPS = 80


def _unlisted_critical_point(
    g: sympy.Expr,
    wrt: tuple[sympy.Symbol, ...],
    found: Sequence[CriticalPoint],
    params: dict[sympy.Symbol, sympy.Float],
    rng: np.random.Generator,
) -> np.ndarray | None:
    """A zero of ∇g, found by Newton's method (pseudo-inverse of the Hessian, so lines of
    critical points are reached too) from random starts in a box around the listed points,
    that is far from every listed point (a point with free coordinates is a curve or
    surface: compared at the zero's own free coordinates). ``None`` when there is none."""
    n = len(wrt)
    grad = [sympy.diff(g, v) for v in wrt]
    G = compiled(sympy.ImmutableMatrix(grad), wrt)
    H = compiled(sympy.ImmutableMatrix(n, n, lambda i, j: sympy.diff(grad[i], wrt[j])), wrt)
    listed = [
        sympy.ImmutableMatrix([sympy.sympify(c).subs(params) for c in p.point.values()])
        for p in found
    ]
    fixed = [np.array([complex(c.evalf(30)).real for c in m]) for m in listed if not m.free_symbols]
    families = [compiled(m, wrt) for m in listed if m.free_symbols]
    radius = max([3.0] + [1.5 * float(np.max(np.abs(c))) for c in fixed])
    Z = rng.uniform(-radius, radius, size=(SEARCH_STARTS, n))
    step = np.full_like(Z, np.inf)
    with np.errstate(all="ignore"):
        for _ in range(SEARCH_STEPS):
            gv = np.broadcast_to(np.asarray(G(*Z.T), dtype=float).reshape(-1, n), Z.shape)
            hv = np.broadcast_to(np.asarray(H(*Z.T), dtype=float).reshape(-1, n, n), (len(Z), n, n))
            ok = np.all(np.isfinite(gv), axis=1) & np.all(np.isfinite(hv), axis=(1, 2))
            Z, gv, hv, step = Z[ok], gv[ok], hv[ok], step[ok]
            if not len(Z):
                return None
            step = (np.linalg.pinv(hv) @ gv[..., None])[..., 0]
            Z = Z - step
        gv = np.broadcast_to(np.asarray(G(*Z.T), dtype=float).reshape(-1, n), Z.shape)
    size = np.maximum(1.0, np.max(np.abs(Z), axis=1))
    converged = (
        np.all(np.isfinite(gv), axis=1)
        & (np.max(np.abs(step), axis=1) <= 1e-8 * size)
        & (np.max(np.abs(gv), axis=1) <= 1e-7 * size)
        & (np.max(np.abs(Z), axis=1) <= 10 * radius)
    )
    for z, scale in zip(Z[converged], size[converged], strict=True):
        near = [*fixed, *(np.asarray(fam(*z), dtype=float).reshape(n) for fam in families)]
        if not any(np.max(np.abs(z - c)) <= 1e-5 * scale for c in near):
            return z
    return None
