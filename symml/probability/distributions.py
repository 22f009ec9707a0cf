"""Distributions: the ``sympy.stats`` constructors with their parameters checked.

The constructors are those of :mod:`sympy.stats`, re-exported with the same signatures;
they add a check of obviously bad numeric parameters (a negative standard deviation, a
probability above 1...) whose ``ValueError`` names the parameter. ``ContinuousRV`` checks
that its density integrates to 1. :func:`parse_distribution` reads ``"X=Normal(0, 1)"``
(the CLI's ``--dist``) without ``eval``, and :func:`bind` puts the random variables into a
parsed expression.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, cast

import numpy as np
import sympy
from sympy import stats as _stats
from sympy.stats.rv import RandomSymbol

from symml.deadline import Deadline
from symml.derivation import ExprLike, as_expr, compiled
from symml.parsing import parse
from symml.probability.numeric import density_cuts, integrand
from symml.quadrature import checked_integral

__all__ = [
    "FAMILIES",
    "Bernoulli",
    "Beta",
    "Binomial",
    "ContinuousRV",
    "Die",
    "DiscreteUniform",
    "Exponential",
    "Gamma",
    "Geometric",
    "Laplace",
    "Normal",
    "Poisson",
    "Uniform",
    "bind",
    "parse_distribution",
]

#: Seconds SymPy may spend at most integrating a density with symbolic parameters (its
#: check is best effort: left unchecked when SymPy does not answer in time).
NORMALISATION_SECONDS = 5.0

# --- distribution constructors ------------------------------------------------------------

#: A condition on a parameter: the value in, a SymPy truth value (or a relation) out.
Condition = Callable[[sympy.Expr], sympy.Basic]
#: A check of one parameter: (its name, the condition it must meet, how it is worded).
Rule = tuple[str, Condition, str]


def _positive(v: sympy.Expr) -> sympy.Basic:
    return v > 0


def _unit(v: sympy.Expr) -> sympy.Basic:
    return sympy.And(v >= 0, v <= 1)


def _open_unit(v: sympy.Expr) -> sympy.Basic:
    return sympy.And(v > 0, v <= 1)


def _natural(v: sympy.Expr) -> sympy.Basic:
    return sympy.And(v >= 0, sympy.Eq(v, sympy.floor(v)))


def _counting(v: sympy.Expr) -> sympy.Basic:
    return sympy.And(v >= 1, sympy.Eq(v, sympy.floor(v)))


#: Per family: the parameter names (after the name) and the checks (name, test, wording).
PARAMETER_RULES: dict[str, tuple[tuple[str, ...], tuple[Rule, ...]]] = {
    "Normal": (("mean", "std"), (("std", _positive, "positive"),)),
    "Exponential": (("rate",), (("rate", _positive, "positive"),)),
    "Uniform": (("left", "right"), ()),
    "Gamma": (("k", "theta"), (("k", _positive, "positive"), ("theta", _positive, "positive"))),
    "Beta": (
        ("alpha", "beta"),
        (("alpha", _positive, "positive"), ("beta", _positive, "positive")),
    ),
    "Laplace": (("mu", "b"), (("b", _positive, "positive"),)),
    "Bernoulli": (("p", "succ", "fail"), (("p", _unit, "in [0, 1]"),)),
    "Binomial": (
        ("n", "p", "succ", "fail"),
        (("n", _natural, "a non-negative integer"), ("p", _unit, "in [0, 1]")),
    ),
    "Poisson": (("lamda",), (("lamda", _positive, "positive"),)),
    "Geometric": (("p",), (("p", _open_unit, "in (0, 1]"),)),
    "Die": (("sides",), (("sides", _counting, "a positive integer"),)),
    "DiscreteUniform": (("items",), ()),
}


def _violated(test: Condition, value: Any) -> bool:
    try:
        return bool(sympy.sympify(test(sympy.sympify(value))) is sympy.false)
    except (TypeError, ValueError, sympy.SympifyError):
        return False


def _not_finite_real(value: Any) -> bool:
    """Whether ``value`` is a number that is not a finite real one (nan, ±oo, 1 + I);
    symbols are not judged."""
    try:
        v = sympy.sympify(value)
    except (TypeError, ValueError, sympy.SympifyError):
        return False
    return bool(
        v.is_number and (v.has(sympy.nan) or v.is_extended_real is False or v.is_finite is False)
    )


def _check_parameters(family: str, name: Any, args: tuple, kwargs: dict) -> None:
    names, rules = PARAMETER_RULES[family]
    given = dict(zip(names, args, strict=False)) | {k: v for k, v in kwargs.items() if k in names}
    for param, value in given.items():
        values = value if param == "items" else (value,)
        bad = next((v for v in values if _not_finite_real(v)), None)
        if bad is not None:
            raise ValueError(
                f"{family}({name!s}): parameter {param} must be a finite real "
                f"number{'s' if param == 'items' else ''}, got {bad!r}"
            )
    if (
        family == "Uniform"
        and {"left", "right"} <= set(given)
        and _violated(lambda r: r > 0, sympy.sympify(given["right"]) - sympy.sympify(given["left"]))
    ):
        raise ValueError(
            f"Uniform({name!s}): left must be below right, got "
            f"left={given['left']}, right={given['right']}"
        )
    if family == "DiscreteUniform" and "items" in given and len(list(given["items"])) == 0:
        raise ValueError(f"DiscreteUniform({name!s}): items must not be empty")
    for param, test, wording in rules:
        if param in given and _violated(test, given[param]):
            raise ValueError(
                f"{family}({name!s}): parameter {param} must be {wording}, got {given[param]!r}"
            )


def _family(family: str) -> Callable[..., RandomSymbol]:
    original = getattr(_stats, family)

    @functools.wraps(original)
    def constructor(name: Any, *args: Any, **kwargs: Any) -> RandomSymbol:
        _check_parameters(family, name, args, kwargs)
        try:
            return original(name, *args, **kwargs)
        except (TypeError, ValueError) as exc:  # a wrong number of parameters is a TypeError
            raise type(exc)(f"{family}({', '.join(map(str, (name, *args)))}): {exc}") from exc

    params = ", ".join(PARAMETER_RULES[family][0])
    constructor.__doc__ = (
        f"``sympy.stats.{family}(name, {params})`` with its parameters "
        f"checked; a bad numeric parameter raises ``ValueError`` naming it."
    )
    return constructor


Normal = _family("Normal")
Exponential = _family("Exponential")
Uniform = _family("Uniform")
Gamma = _family("Gamma")
Beta = _family("Beta")
Laplace = _family("Laplace")
Bernoulli = _family("Bernoulli")
Binomial = _family("Binomial")
Poisson = _family("Poisson")
Geometric = _family("Geometric")
Die = _family("Die")
DiscreteUniform = _family("DiscreteUniform")

#: The families ``parse_distribution`` (and the CLI's ``--dist``) accept, by name.
FAMILIES: dict[str, Callable[..., RandomSymbol]] = {
    "Normal": Normal,
    "Exponential": Exponential,
    "Uniform": Uniform,
    "Gamma": Gamma,
    "Beta": Beta,
    "Laplace": Laplace,
    "Bernoulli": Bernoulli,
    "Binomial": Binomial,
    "Poisson": Poisson,
    "Geometric": Geometric,
    "Die": Die,
    "DiscreteUniform": DiscreteUniform,
}


_REALS = sympy.Interval(-sympy.oo, sympy.oo)


def ContinuousRV(  # sympy.stats' name
    symbol: sympy.Symbol | str,
    density: ExprLike,
    set: sympy.Interval = _REALS,  # sympy.stats' name
    *,
    timeout: float | None = None,
    **kwargs: Any,
) -> RandomSymbol:
    """``sympy.stats.ContinuousRV`` whose density is checked to integrate to 1.

    Args:
        symbol: The variable of ``density`` (a Symbol or a name); it names the variable.
        density: The density, an expression (or str) in ``symbol``.
        set: The support, an Interval (default the real line).
        timeout: Seconds SymPy may spend integrating a density with symbolic parameters
            (``None``: ``config.timeout``), at most :data:`NORMALISATION_SECONDS`: the check
            is skipped when SymPy does not answer in time.
        **kwargs: Passed to ``sympy.stats.ContinuousRV``.

    Raises:
        ValueError: When the density is negative somewhere or does not integrate to 1.

    Examples:
        >>> from symml.probability import expectation
        >>> X = ContinuousRV("x", "3*x**2/2", sympy.Interval(-1, 1))
        >>> expectation(X**2).result
        3/5
        >>> try:
        ...     ContinuousRV("x", "x**2", sympy.Interval(-1, 1))
        ... except ValueError as e:
        ...     print(str(e)[:40])
        density x**2 integrates to 0.66666666666
    """
    x = sympy.Symbol(symbol, real=True) if isinstance(symbol, str) else symbol
    f = parse(density, [x]) if isinstance(density, str) else sympy.sympify(density)
    if not isinstance(set, sympy.Interval):
        raise ValueError(f"ContinuousRV: set must be an Interval, got {set!r}")
    _check_normalised(f, x, set, Deadline(timeout))
    return _stats.ContinuousRV(x, f, set, **kwargs)


def _check_normalised(
    f: sympy.Expr, x: sympy.Symbol, support: sympy.Interval, deadline: Deadline
) -> None:
    if f.free_symbols - {x}:
        try:
            total = deadline.run(
                sympy.integrate,
                f,
                (x, support.inf, support.sup),
                what=f"the integral of the density {f}",
                cap=NORMALISATION_SECONDS,
            )
        except Exception:  # a timeout or SymPy failure: left unchecked
            return
        if total.is_infinite:
            raise ValueError(
                f"the density {f} does not integrate to 1 over {support} (its integral diverges)"
            )
        if (total - 1).is_zero is False:  # proved different from 1 (no unbounded simplify)
            raise ValueError(f"density {f} integrates to {total} over {support}, not 1")
        return
    grid = _grid(support)
    with np.errstate(all="ignore"):
        values = np.asarray(compiled(f, (x,))(grid), dtype=float) * np.ones_like(grid)
    if np.any(values[np.isfinite(values)] < -1e-12):
        bad = grid[np.argmin(np.where(np.isfinite(values), values, 0))]
        raise ValueError(f"density {f} is negative at {x} = {bad:.6g}")
    lo, hi = float(support.inf), float(support.sup)
    value, err = checked_integral(
        integrand(f, x),
        lo,
        hi,
        what=f"the integral of the density {f} over {support}",
        cuts=density_cuts(f, x, lo, hi),
    )
    if math.isinf(value):
        raise ValueError(
            f"the density {f} does not integrate to 1 over {support} (its integral diverges)"
        )
    if not abs(value - 1) <= 1e-6 + 10 * err:
        raise ValueError(f"density {f} integrates to {value:.12g} over {support}, not 1")


def _grid(support: sympy.Interval) -> np.ndarray:
    lo, hi = float(support.inf), float(support.sup)
    lo, hi = max(lo, -50.0), min(hi, 50.0)
    return np.linspace(lo, hi, 1001)[1:-1]


# --- parsing "X=Normal(0,1)" -----------------------------------------------------------------

_DIST_RE = re.compile(
    r"\s*([A-Za-z][A-Za-z0-9_]*)\s*=\s*([A-Za-z][A-Za-z0-9_]*)\s*\((.*)\)\s*\Z", re.DOTALL
)


def _split_arguments(text: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in text:
        depth += ch in "([" and 1 or 0
        depth -= ch in ")]" and 1 or 0
        if ch == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    if "".join(current).strip() or parts:
        parts.append("".join(current))
    return [p.strip() for p in parts]


def _argument(text: str, where: str) -> Any:
    if not text:
        raise ValueError(f"{where}: an argument is empty")
    value = parse(text)
    if isinstance(value, sympy.MatrixBase):
        return list(value)
    return value


def parse_distribution(text: str) -> tuple[str, RandomSymbol]:
    """Parse ``"X=Normal(0, 1)"`` into ``("X", X)`` without ``eval``.

    The family is looked up in :data:`FAMILIES`; each argument is parsed with
    :func:`symml.parse` (``DiscreteUniform(U, [1, 2, 5])`` takes a list).

    Raises:
        ValueError: For text of another shape, an unknown family (named), or bad parameters.

    Examples:
        >>> from symml.probability import expectation
        >>> name, X = parse_distribution("X=Normal(0, 1)")
        >>> name, expectation(X**2).result
        ('X', 1)
        >>> try:
        ...     parse_distribution("X=Cauchy(0, 1)")
        ... except ValueError as e:
        ...     print(str(e)[:36])
        unknown distribution family 'Cauchy'
    """
    if not isinstance(text, str):
        raise TypeError(f"a distribution must be given as a str, got {type(text).__name__}")
    m = _DIST_RE.match(text)
    if m is None:
        raise ValueError(
            f"cannot read the distribution {text!r}: write NAME=Family(args), e.g. X=Normal(0,1)"
        )
    name, family, inner = m.groups()
    if family not in FAMILIES:
        raise ValueError(
            f"unknown distribution family {family!r} in {text!r}; known: {', '.join(FAMILIES)}"
        )
    args = [_argument(a, f"{family} in {text!r}") for a in _split_arguments(inner)]
    return name, FAMILIES[family](name, *positive_parameters(family, args))


def positive_parameters(family: str, args: Sequence[Any]) -> list[Any]:
    """``args`` with each symbol given as a parameter the family needs positive (a scale, a
    rate, a shape: :data:`PARAMETER_RULES`) replaced by a same-named positive symbol, in
    every argument: SymPy then answers ``exp(mu*t + sigma**2*t**2/2)`` rather than a
    ``Piecewise`` on ``arg(sigma)``.

    Examples:
        >>> mu, sigma = sympy.symbols("mu sigma", real=True)
        >>> [a.is_positive for a in positive_parameters("Normal", [mu, sigma])]
        [None, True]
    """
    names, rules = PARAMETER_RULES.get(family, ((), ()))
    positive = {rule[0] for rule in rules if rule[1] is _positive}
    swap = {
        arg: sympy.Symbol(arg.name, positive=True)
        for pname, arg in zip(names, args, strict=False)
        if pname in positive and isinstance(arg, sympy.Symbol) and arg.is_positive is not True
    }
    return [a.xreplace(swap) if isinstance(a, sympy.Basic) and swap else a for a in args]


def bind(
    expr: ExprLike, variables: Mapping[str, RandomSymbol] | Iterable[RandomSymbol]
) -> sympy.Basic:
    """Replace the symbols of ``expr`` named like the random variables by those variables.

    Args:
        expr: An expression (or str) whose symbols name the variables.
        variables: ``{name: random variable}``, or the random variables themselves.

    Raises:
        TypeError: For a value that is not a random variable.

    Examples:
        >>> from symml.probability import expectation
        >>> X = Normal("X", 0, 1)
        >>> expectation(bind("X**2 + 1", {"X": X})).result
        2
    """
    e, _ = as_expr(expr)
    if isinstance(variables, Mapping):
        named = dict(variables)
    else:  # mypy keeps Mapping in the union: its keys are not what is iterated here
        named = {v.name: v for v in cast(Iterable[RandomSymbol], variables)}
    unknown = [k for k, v in named.items() if not isinstance(v, RandomSymbol)]
    if unknown:
        raise TypeError(f"bind: {unknown[0]!r} is not a random variable")
    # the distributions' own parameters (sigma made positive) replace their namesakes too
    params = {
        p.name: p
        for v in named.values()
        for p in v.pspace.free_symbols
        if isinstance(p, sympy.Symbol) and not isinstance(p, RandomSymbol)
    }
    return e.xreplace(
        {
            s: named.get(s.name, params.get(s.name))
            for s in e.free_symbols
            if isinstance(s, sympy.Symbol) and (s.name in named or s.name in params)
        }
    )
