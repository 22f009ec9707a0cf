r"""Probability: expectations, variances, moments, entropies, KL divergences and estimators.

The distribution constructors are those of :mod:`sympy.stats`, re-exported with the same
signatures; they add a check of obviously bad numeric parameters (a negative standard
deviation, a probability above 1...) whose ``ValueError`` names the parameter. Every
operation returns a :class:`~symml.derivation.Derivation` whose steps show the sum or
integral set up from the density (:math:`E[g(X)] = \int g(x) f(x)\,dx`), its evaluation
and the simplified result.

SymPy's stats module hangs or fails on some inputs (``E[sin(X)]`` for a normal ``X``,
``E[sqrt(X**2 + Y**2)]``; see sympy/sympy#14573, #19364, #10609). Every SymPy call runs
under :func:`~symml.deadline.run_limited`. When it times out, fails or leaves an integral
unevaluated and the parameters are numeric, the value is computed numerically instead:
quadrature (``method="numeric"``) for one continuous variable, a summed series for one
discrete variable, Monte Carlo (``method="monte-carlo"``) for several variables; ``error``
holds the error estimate. With symbolic parameters a timeout raises
:class:`~symml.errors.DerivationTimeout` naming the expression.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sympy
from sympy import stats as _stats
from sympy.stats.crv import SingleContinuousPSpace
from sympy.stats.drv import SingleDiscretePSpace
from sympy.stats.frv import SingleFinitePSpace
from sympy.stats.rv import RandomSymbol
from sympy.stats.rv import random_symbols as _random_symbols

from symml.calculus import SIMPLIFY_SECONDS, simplify_limited
from symml.deadline import Deadline, resolve_timeout, run_limited
from symml.derivation import (
    Derivation,
    Step,
    Verification,
    as_expr,
    as_rng,
    sorted_symbols,
    tex,
)
from symml.errors import (
    DerivationTimeout,
    NoClosedFormError,
    NoConvergenceError,
    NotSupportedError,
)
from symml.parsing import parse
from symml.quadrature import IntegralDoesNotExist, checked_integral, end_divergence

__all__ = [
    "MLE",
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
    "covariance",
    "entropy",
    "expectation",
    "kl_divergence",
    "mgf",
    "mle",
    "moment",
    "numeric_expectation",
    "parse_distribution",
    "variance",
]

#: Draws used when Monte Carlo stands in for a symbolic expectation.
MC_SAMPLES = 1_000_000
#: Results with at most this many operations are kept as SymPy returns them (not simplified).
SHORT_OPS = 4

# --- distribution constructors ------------------------------------------------------------

Rule = tuple[str, Callable[[Any], Any], str]


def _positive(v: Any) -> Any:
    return v > 0


def _unit(v: Any) -> Any:
    return sympy.And(v >= 0, v <= 1)


def _open_unit(v: Any) -> Any:
    return sympy.And(v > 0, v <= 1)


def _natural(v: Any) -> Any:
    return sympy.And(v >= 0, sympy.Eq(v, sympy.floor(v)))


def _counting(v: Any) -> Any:
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


def _violated(test: Callable[[Any], Any], value: Any) -> bool:
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


def ContinuousRV(
    symbol: Any,
    density: Any,
    set: Any = _REALS,
    **kwargs: Any,
) -> RandomSymbol:
    """``sympy.stats.ContinuousRV`` whose density is checked to integrate to 1.

    Args:
        symbol: The variable of ``density`` (a Symbol or a name); it names the variable.
        density: The density, an expression (or str) in ``symbol``.
        set: The support, an Interval (default the real line).
        **kwargs: Passed to ``sympy.stats.ContinuousRV``.

    Raises:
        ValueError: When the density is negative somewhere or does not integrate to 1.

    Examples:
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
    _check_normalised(f, x, set)
    return _stats.ContinuousRV(x, f, set, **kwargs)


def _check_normalised(f: sympy.Expr, x: sympy.Symbol, support: sympy.Interval) -> None:
    if f.free_symbols - {x}:
        try:
            total = run_limited(
                sympy.integrate,
                f,
                (x, support.inf, support.sup),
                timeout=5,
                what=f"the integral of the density {f}",
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
    import numpy as np

    grid = _grid(support)
    with np.errstate(all="ignore"):
        values = np.asarray(_compile(f, (x,))(grid), dtype=float) * np.ones_like(grid)
    if np.any(values[np.isfinite(values)] < -1e-12):
        bad = grid[np.argmin(np.where(np.isfinite(values), values, 0))]
        raise ValueError(f"density {f} is negative at {x} = {bad:.6g}")
    lo, hi = float(support.inf), float(support.sup)
    value, err = _quad(
        f,
        x,
        lo,
        hi,
        what=f"the integral of the density {f} over {support}",
        cuts=_density_cuts(f, x, lo, hi),
    )
    if math.isinf(value):
        raise ValueError(
            f"the density {f} does not integrate to 1 over {support} (its integral diverges)"
        )
    if not abs(value - 1) <= 1e-6 + 10 * err:
        raise ValueError(f"density {f} integrates to {value:.12g} over {support}, not 1")


def _grid(support: sympy.Interval) -> Any:
    import numpy as np

    lo, hi = float(support.inf), float(support.sup)
    lo, hi = max(lo, -50.0), min(hi, 50.0)
    return np.linspace(lo, hi, 1001)[1:-1]


# --- parsing "X=Normal(0,1)" -----------------------------------------------------------------

_DIST_RE = re.compile(
    r"\s*([A-Za-z][A-Za-z0-9_]*)\s*=\s*([A-Za-z][A-Za-z0-9_]*)\s*\((.*)\)\s*\Z", re.DOTALL
)


def _split_arguments(text: str) -> list[str]:
    parts, depth, current = [], 0, []
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
    return name, FAMILIES[family](name, *args)


def bind(expr: Any, variables: Mapping[str, RandomSymbol] | Any) -> Any:
    """Replace the symbols of ``expr`` named like the random variables by those variables.

    Examples:
        >>> X = Normal("X", 0, 1)
        >>> expectation(bind("X**2 + 1", {"X": X})).result
        2
    """
    e, _ = as_expr(expr)
    named = dict(variables) if isinstance(variables, Mapping) else {v.name: v for v in variables}
    unknown = [k for k, v in named.items() if not isinstance(v, RandomSymbol)]
    if unknown:
        raise TypeError(f"bind: {unknown[0]!r} is not a random variable")
    return e.xreplace(
        {
            s: named[s.name]
            for s in e.free_symbols
            if isinstance(s, sympy.Symbol) and s.name in named
        }
    )


# --- random variables: kinds, densities, parameters -----------------------------------------

_KINDS: dict[type, str] = {
    SingleContinuousPSpace: "continuous",
    SingleDiscretePSpace: "discrete",
    SingleFinitePSpace: "finite",
}


def _kind(X: RandomSymbol) -> str:
    for cls, kind in _KINDS.items():
        if isinstance(X.pspace, cls):
            return kind
    raise NotSupportedError(
        f"random variable {X} has a joint or compound distribution "
        f"({type(X.pspace).__name__}); only independent single variables "
        f"are supported"
    )


#: The most values a finite table may have: SymPy lists every one (as a dict and a set),
#: so ``Die("D", 10**9)`` would take hours and tens of GB before any time limit applies.
MAX_TABLE_VALUES = 10**5
#: Per finite family: its number of values, from its parameters (without listing them).
_TABLE_SIZES: dict[str, Callable[[Any], Any]] = {
    "DieDistribution": lambda d: d.sides,
    "BinomialDistribution": lambda d: d.n + 1,
    "BetaBinomialDistribution": lambda d: d.n + 1,
    "HypergeometricDistribution": lambda d: sympy.Min(d.n, d.m) + 1,
    "IdealSolitonDistribution": lambda d: d.k,
    "RobustSolitonDistribution": lambda d: d.k,
}


def _check_table_size(X: RandomSymbol) -> None:
    """Refuse a finite variable whose table of values is too large to list."""
    dist = X.pspace.distribution
    size = _TABLE_SIZES.get(type(dist).__name__, lambda d: None)(dist)
    if size is not None and sympy.sympify(size).is_number and size > MAX_TABLE_VALUES:
        raise NotSupportedError(
            f"{X} ({type(dist).__name__.removesuffix('Distribution')}) has {size} values; "
            f"finite tables of more than {MAX_TABLE_VALUES} values are not supported (SymPy "
            f"lists every value): approximate it, e.g. by a Normal or Poisson law"
        )


def _rvs(expr: Any) -> tuple[RandomSymbol, ...]:
    found = _random_symbols(expr)
    for X in found:
        if _kind(X) == "finite":
            _check_table_size(X)
    return tuple(sorted(found, key=lambda s: s.name))


def _parameters(expr: Any) -> set[sympy.Symbol]:
    """Symbols other than the random variables: of the expression and of the distributions."""
    out = {s for s in expr.free_symbols if not isinstance(s, RandomSymbol)}
    for X in _random_symbols(expr):
        out |= X.pspace.distribution.free_symbols
    return out


def _dummy(X: RandomSymbol, taken: set[Any]) -> sympy.Symbol:
    name = X.name.lower() if X.name.lower() != X.name else f"{X.name}_0"
    while name in {getattr(s, "name", None) for s in taken}:
        name += "'"
    return sympy.Symbol(name, real=True)


def _on_support(pdf: sympy.Expr) -> sympy.Expr:
    """The density on its support: the only non-zero piece of a Piecewise density."""
    if isinstance(pdf, sympy.Piecewise):
        pieces = [e for e, _ in pdf.args if e != 0]
        if len(pieces) == 1:
            return pieces[0]
    return pdf


def _density(X: RandomSymbol, x: sympy.Symbol) -> sympy.Expr:
    return _on_support(X.pspace.distribution.pdf(x))


def _support(X: RandomSymbol) -> tuple[Any, Any]:
    s = X.pspace.distribution.set
    return s.inf, s.sup


def _finite_table(X: RandomSymbol) -> dict[Any, Any]:
    return dict(X.pspace.distribution.dict)


# --- the set-up step ---------------------------------------------------------------------------


def _setup_latex(g: sympy.Expr, rvs: tuple[RandomSymbol, ...]) -> tuple[str, str]:
    r"""LaTeX of the sum/integral E[g] set up from the densities, and its title."""
    taken = set(g.free_symbols) | set().union(*(X.pspace.distribution.free_symbols for X in rvs))
    dummies = {X: _dummy(X, taken) for X in rvs}
    body = g.xreplace(dummies)
    if len(rvs) == 1 and _kind(rvs[0]) == "finite" and len(_finite_table(rvs[0])) <= 8:
        X = rvs[0]
        terms = [
            sympy.Mul(body.xreplace({dummies[X]: v}), p, evaluate=False)
            for v, p in _finite_table(X).items()
        ]
        return tex(sympy.Add(*terms, evaluate=False)), "expectation as a sum over the values"
    prefix, suffix, factors = [], [], []
    kinds = set()
    for X in rvs:
        x, kind = dummies[X], _kind(X)
        kinds.add(kind)
        if kind == "continuous":
            a, b = _support(X)
            prefix.append(rf"\int_{{{tex(a)}}}^{{{tex(b)}}}")
            suffix.insert(0, rf"\, d{tex(x)}")
            factors.append(
                tex(_density(X, x))
                if sympy.count_ops(_density(X, x)) < 40
                else rf"f_{{{tex(X)}}}({tex(x)})"
            )
        elif kind == "discrete":
            a, b = _support(X)
            prefix.append(rf"\sum_{{{tex(x)}={tex(a)}}}^{{{tex(b)}}}")
            factors.append(tex(_density(X, x)))
        else:
            values = ", ".join(tex(v) for v in _finite_table(X))
            prefix.append(rf"\sum_{{{tex(x)} \in \{{{values}\}}}}")
            factors.append(rf"P({tex(X)} = {tex(x)})")
    inner = " ".join(rf"\left({f}\right)" for f in factors)
    title = (
        "expectation as an integral"
        if kinds == {"continuous"}
        else "expectation as a sum"
        if "continuous" not in kinds
        else "expectation as a sum/integral"
    )
    return f"{' '.join(prefix)} \\left({tex(body)}\\right) {inner}{''.join(suffix)}", title


# --- numeric evaluation --------------------------------------------------------------------------


def _compile(expr: sympy.Expr, wrt: tuple[sympy.Symbol, ...]) -> Any:
    from symml.compile import to_numpy

    return to_numpy(expr, wrt)


def _quad(
    integrand: sympy.Expr,
    x: sympy.Symbol,
    a: Any,
    b: Any,
    *,
    zero_nan: bool = False,
    what: str = "the integral",
    cuts: tuple[float, ...] = (),
) -> tuple[float, float]:
    """∫_a^b integrand dx by :func:`symml.quadrature.checked_integral` (divergence probed at the
    ends and at 0, ∫|integrand| checked where it changes sign, split at ``cuts``).

    ``zero_nan`` counts NaN values (``inf·0`` of a growing g times a vanishing density) as 0.

    Returns:
        ``(value, error)``; ``(±inf, 0.0)`` when the integral diverges to ±∞.

    Raises:
        NoConvergenceError: When the integral does not exist
            (:class:`~symml.quadrature.IntegralDoesNotExist`) or quadrature cannot be trusted.
    """
    import numpy as np

    # exp(a)·exp(b) as exp(a + b): the product does not overflow to inf·0 in the tails
    f = _compile(sympy.powsimp(integrand, combine="exp"), (x,))

    def hv(t: Any) -> Any:
        with np.errstate(all="ignore"):
            v = np.real(np.asarray(f(np.asarray(t, dtype=float)))) * np.ones(np.shape(t))
        return np.where(np.isnan(v), 0.0, v) if zero_nan else v

    return checked_integral(hv, float(a), float(b), what=what, cuts=cuts)


def _log_pmf(pmf: sympy.Expr, *, force: bool = True) -> sympy.Expr:
    """log of a pmf with factorials as log-gamma (so large terms do not overflow)."""
    return _stable_logs(sympy.expand_log(sympy.log(pmf), force=force))


def _stable_logs(logp: sympy.Expr) -> sympy.Expr:
    """log(Γ(z)) and log(z!) as log-gamma (which does not overflow when compiled)."""
    logp = logp.replace(
        lambda e: isinstance(e, sympy.log) and isinstance(e.args[0], sympy.gamma),
        lambda e: sympy.loggamma(e.args[0].args[0]),
    )
    return logp.replace(
        lambda e: isinstance(e, sympy.log) and isinstance(e.args[0], sympy.factorial),
        lambda e: sympy.loggamma(e.args[0].args[0] + 1),
    )


def _series(
    g: sympy.Expr,
    pmf: sympy.Expr,
    k: sympy.Symbol,
    start: Any,
    *,
    zero_nan: bool = False,
    max_terms: int = 10_000_000,
    what: str = "the series",
) -> tuple[float, float]:
    """Σ_{k ≥ start} g(k) pmf(k), summed in chunks until the remaining mass is negligible.

    Each term is computed as one expression, g(k)·exp(log pmf(k)) with exponentials and
    factorials merged (``exp(k²)·3^k/k!`` as ``exp(k² + k log 3 − log Γ(k + 1))``), so
    that a term does not become ``inf·0 = nan`` where g overflows and the pmf underflows.
    The tail is probed first as for an integral (:func:`end_divergence`): a series whose
    terms do not fall faster than 1/k is ``±inf`` (one sign) or does not exist. The probe
    looks at ``t = k²``, where ``t·|a(√t) dk/dt| = k·|a(k)|/2`` is the same test, so that
    k stays below 2⁵³ (1e10 … 1.4e15), where float64 still holds integers of both parities
    (at k ~ 1e20 every float is even, and ``(−1)^k`` would be +1).
    """
    import numpy as np

    logp = _log_pmf(pmf)
    merged = _stable_logs(g).replace(
        lambda e: isinstance(e, sympy.factorial), lambda e: sympy.exp(sympy.loggamma(e.args[0] + 1))
    )
    term_f = _compile(sympy.powsimp(merged * sympy.exp(logp), combine="exp"), (k,))
    logp_f = _compile(logp, (k,))

    def terms_at(ks: Any) -> tuple[Any, Any]:
        with np.errstate(all="ignore"):
            p = np.exp(np.asarray(logp_f(ks), dtype=float) * np.ones_like(ks))
            terms = np.asarray(term_f(ks), dtype=float) * np.ones_like(ks)
        if zero_nan:
            terms = np.where(p > 0, np.nan_to_num(terms, nan=0.0), 0.0)
        return p, terms

    def in_squares(t: Any) -> Any:  # a(k) dk/dt at k = ⌊√t⌋
        root = np.sqrt(t)
        return terms_at(np.floor(root))[1] / (2 * root)

    sign = end_divergence(in_squares, math.inf, -1.0)
    if sign in (1, -1):
        return math.inf * sign, 0.0
    if sign == 0:
        raise IntegralDoesNotExist(
            f"{what} does not exist: the series of absolute values "
            f"diverges with an oscillating sign",
            oscillating=True,
        )
    total, mass, lo, chunk = 0.0, 0.0, int(start), 4096
    while lo - int(start) < max_terms:
        p, terms = terms_at(np.arange(lo, lo + chunk, dtype=float))
        total += float(np.sum(terms))
        mass += float(np.sum(p))
        lo += chunk
        if not math.isfinite(total):
            raise NoConvergenceError(f"{what}: the series' terms are not finite near k = {lo}")
        if mass > 0.5 and float(np.sum(p)) < 1e-17:
            # divided by the summed mass: the pmf's rounding (k log λ − log Γ(k + 1) at
            # k ~ 1e6 cancels 1e7-sized terms) is mostly a common factor; what it changed
            # counts in the error
            mean = total / mass
            return mean, (
                abs(float(np.sum(terms)))
                + abs(mean) * abs(mass - 1.0)
                + 1e-15 * max(1.0, abs(mean))
            )
        chunk = min(chunk * 2, 1 << 20)
    raise NoConvergenceError(
        f"{what}: the series did not converge numerically within {max_terms} terms"
    )


def _one_variable(
    g: sympy.Expr, X: RandomSymbol, *, zero_nan: bool = False, what: str | None = None
) -> tuple[float, float]:
    """E[g(X)] for one variable: the exact finite sum, a checked series or quadrature.

    Returns ``(±inf, 0.0)`` when the expectation is infinite; raises
    :class:`~symml.errors.NoConvergenceError` when it does not exist.
    """
    kind = _kind(X)
    what = what or f"E[{g}]"
    x = sympy.Symbol("x_", real=True)
    gx = g.xreplace({X: x})
    if kind == "finite":
        import numpy as np

        table = [(v, p) for v, p in _finite_table(X).items() if not (zero_nan and p == 0)]
        values = np.array([float(v) for v, _ in table])
        with np.errstate(all="ignore"):
            gs = np.asarray(_compile(gx, (x,))(values), dtype=float) * np.ones_like(values)
        if not np.isfinite(gs).all():
            at = table[int(np.argmin(np.isfinite(gs)))]
            raise NoConvergenceError(
                f"{what} does not exist: {g} is not finite at {X} = {at[0]} (probability {at[1]})"
            )
        value = float(np.dot(gs, [float(p) for _, p in table]))
        return value, 1e-15 * max(1.0, abs(value))
    a, b = _support(X)
    pdf = _density(X, x)
    if kind == "discrete":
        return _series(gx, pdf, x, a, zero_nan=zero_nan, what=what)
    centre, width, cuts = _mass(X)
    c = _round_centre(centre, width)
    if c == 0:
        return _quad(gx * pdf, x, a, b, zero_nan=zero_nan, what=what, cuts=cuts)
    # far from 0 (relative to its width) the mass is integrated in u = x − c: a float's
    # step at x ~ 1e8 is 1.5e-8 of σ = 1, and the pdf's (x − μ) would lose those digits;
    # c is a short binary number, so SymPy cancels x − μ = u + (c − μ) exactly. Split at
    # x = 0 (u = −c), so that 0 is still an end probed for divergence (E[1/X]).
    u = sympy.Symbol("u_", real=True)
    shifted = (gx * pdf).xreplace({x: u + c})
    straddles = (a < 0) is sympy.true and (b > 0) is sympy.true
    sides = [(a, sympy.S.Zero), (sympy.S.Zero, b)] if straddles else [(a, b)]
    parts = [
        _quad(
            shifted,
            u,
            lo - c,
            hi - c,
            zero_nan=zero_nan,
            what=what,
            cuts=tuple(float(t - c) for t in cuts),
        )
        for lo, hi in sides
    ]
    values = [v for v, _ in parts]
    if math.inf in values and -math.inf in values:
        raise IntegralDoesNotExist(
            f"{what} does not exist: it diverges to +∞ on one side of 0 and to −∞ on the other"
        )
    return sum(values), sum(e for _, e in parts)


def _round_centre(centre: float, width: float) -> sympy.Expr:
    """The mass's centre as a short binary number (a multiple of the power of 2 at most its
    width), or 0 when the mass lies within 8 widths of 0 (nothing to gain)."""
    if not (width > 0 and math.isfinite(centre)) or abs(centre) <= 8 * width:
        return sympy.S.Zero
    step = 2.0 ** math.floor(math.log2(width))
    return sympy.Rational(round(centre / step)) * sympy.Rational(step)


@functools.lru_cache(maxsize=256)
def _mass(X: RandomSymbol) -> tuple[float, float, tuple[float, ...]]:
    """(centre, width, cut points) of the mass of X: where NumPy can draw it, the median and
    the 0.1%–99.9% range of a seeded sample; for a custom density, its mode and width
    (:func:`_density_mode`). The cuts step 4-fold away from the centre
    (:func:`_cuts_around`), so that the mass of ``Normal(10**6, 1)`` or
    ``Exponential(1e-8)`` is not missed; ``(0, 0, ())`` when nothing is known."""
    import numpy as np

    from symml.sampling import _numpy_family

    nothing = (0.0, 0.0, ())
    try:
        found = _numpy_family(X.pspace.distribution)
    except (TypeError, ValueError):
        return nothing
    if found is None:
        if _kind(X) != "continuous" or _parameters(X):
            return nothing
        x = sympy.Symbol("x_", real=True)
        lo, hi = _support(X)
        mode = _density_mode(_density(X, x), x, float(lo), float(hi))
        return nothing if mode is None else (*mode, _cuts_around(*mode))
    with np.errstate(all="ignore"):
        draws = np.asarray(found[1](4001, np.random.default_rng(0)), dtype=float)
    draws = draws[np.isfinite(draws)]
    if draws.size == 0:
        return nothing
    low, median, high = (float(q) for q in np.quantile(draws, [0.001, 0.5, 0.999]))
    return median, high - low, _cuts_around(median, high - low, (low, high))


def _cuts_around(centre: float, width: float, extra: tuple[float, ...] = ()) -> tuple[float, ...]:
    """``centre`` and ``centre ± width·4^j`` out to 4⁹ times the scale (far enough that a
    light tail has ended): each piece of the quadrature about as wide as its distance from
    the mass."""
    if not width > 0:
        return (centre, *extra)
    reach = 4.0**9 * max(abs(centre), width)
    steps = [width * 4.0**j for j in range(64) if width * 4.0**j < reach]
    return tuple(
        sorted({centre, *extra, *(centre + s for s in steps), *(centre - s for s in steps)})
    )


#: Where :func:`_density_mode` looks for the mode: 0 and ±10^k for k in [-12, 15], 20 a decade.
_MODE_GRID_DECADES = (-12.0, 15.0, 541)


def _density_cuts(f: sympy.Expr, x: sympy.Symbol, lo: float, hi: float) -> tuple[float, ...]:
    """Cut points around the mass of a density given as an expression (that NumPy cannot
    draw): :func:`_cuts_around` its mode and width (:func:`_density_mode`), or ``()``."""
    found = _density_mode(f, x, lo, hi)
    return () if found is None else _cuts_around(*found)


@functools.lru_cache(maxsize=256)
def _density_mode(
    f: sympy.Expr, x: sympy.Symbol, lo: float, hi: float
) -> tuple[float, float] | None:
    """(mode, width) of a density f(x) on [lo, hi], or ``None`` when there is nothing to
    centre on (no finite maximum, f growing toward an infinite end, or unbounded at a
    finite one: the quadrature's own probes and end handling decide there).

    The mode is where log f is largest on a grid from 1e-12 to 1e15 either side of 0, then
    by bounded Brent between the grid's neighbours; the width is where log f has fallen by
    1/2 (σ for a normal peak), to within the factor 1.8 of its grid. log f is compiled from the expanded logarithm, so it does
    not underflow where f does: a peak of width 1e-6 at 3 is seen on a grid whose f values
    are all 0.0.

    Examples:
        >>> x = sympy.Symbol("x", real=True)
        >>> f = sympy.exp(-(x - 1000)**2 / 8) / sympy.sqrt(8 * sympy.pi)
        >>> mode, width = _density_mode(f, x, -math.inf, math.inf)
        >>> round(mode, 9), 2 <= width < 2 * 1.8  # σ = 2, on a grid of 4 a decade
        (1000.0, True)
    """
    import numpy as np
    from scipy.optimize import minimize_scalar

    try:
        logf = _compile(_log_pmf(f), (x,))
    except (NotSupportedError, TypeError, ValueError):
        return None

    def at(t: Any) -> Any:
        with np.errstate(all="ignore"):
            v = np.real(np.asarray(logf(np.asarray(t, dtype=float)), dtype=complex))
        return np.where(np.isnan(v), -np.inf, v) * np.ones(np.shape(t))

    first, last, count = _MODE_GRID_DECADES
    side = np.logspace(first, last, count)
    grid = np.concatenate([-side[::-1], [0.0], side])
    inside = [
        lo if math.isinf(lo) else np.nextafter(lo, hi),
        *grid[(grid > lo) & (grid < hi)],
        hi if math.isinf(hi) else np.nextafter(hi, lo),
    ]
    grid = np.array([t for t in inside if math.isfinite(t)])
    values = at(grid)
    best = int(np.argmax(values))
    ends = {0: lo, grid.size - 1: hi}
    if not math.isfinite(values[best]) or math.isinf(ends.get(best, 0.0)):
        return None  # no finite maximum, or f grows toward an infinite end
    if best in ends:  # largest at a finite end of the support
        mode = ends[best]
        peak = float(at(mode))
        if not math.isfinite(peak):
            # unbounded there (1/√x): cuts just inside would trap QUADPACK (on
            # [6.6e-11, 1] it returns ∫ 1/(2√x) = 1.0 ± 3e-13 instead of 0.99999); the
            # quadrature's own treatment of an end singularity is better
            return None
    else:
        found = minimize_scalar(
            lambda t: -float(at(t)),
            bounds=(grid[best - 1], grid[best + 1]),
            method="bounded",
            options={"xatol": 1e-13 * max(1.0, abs(grid[best]))},
        )
        mode = float(found.x) if -found.fun >= values[best] else float(grid[best])
        peak = float(at(mode))
    widths = np.logspace(-15, 16, 125) * max(1.0, abs(mode))
    left, right = mode - widths, mode + widths  # a side beyond the support has fallen
    fallen = peak - np.maximum(
        np.where(left >= lo, at(np.clip(left, lo, hi)), -np.inf),
        np.where(right <= hi, at(np.clip(right, lo, hi)), -np.inf),
    )
    wide = widths[fallen >= 0.5]
    return mode, float(wide[0]) if wide.size else 0.0


def numeric_expectation(
    expr: Any, *, rng: Any = None, samples: int = MC_SAMPLES
) -> tuple[float | complex, float, str]:
    """E[expr] computed numerically: ``(value, error, method)``.

    One random variable: quadrature of g(x) f(x) (continuous, error ~1e-8 or better), a summed
    series (discrete) or the exact finite sum; several: Monte Carlo with ``samples`` draws
    (error = one standard error). For one variable the integral (series) is first checked
    to exist: an infinite expectation comes back as ``±inf`` (error 0). A complex-valued
    expression (``exp(I*X)``, ``sqrt(X)`` of a variable that can be negative) is averaged
    as its real and imaginary parts; its value is a ``complex``.

    Raises:
        ValueError: When the expression or a distribution has symbolic parameters.
        NoConvergenceError: When the expectation does not exist (E|expr| = ∞ with both
            signs, as for the mean of a Cauchy variable; a complex expression whose real or
            imaginary part has an infinite mean) or quadrature cannot be trusted.

    Examples:
        >>> X = Normal("X", 0, 1)
        >>> value, error, method = numeric_expectation(sympy.sin(X) ** 2)
        >>> round(value, 10), method
        (0.4323323584, 'numeric')
        >>> value, error, method = numeric_expectation(sympy.exp(sympy.I * Normal("Y", 1, 1)))
        >>> round(value.real, 10), round(value.imag, 10)  # e^(i − 1/2)
        (0.327709914, 0.5103779515)
    """
    e, _ = as_expr(expr)
    params = _parameters(e)
    if params:
        raise ValueError(
            f"{e} has symbolic parameters ({', '.join(sorted(map(str, params)))}); "
            f"give them values for a numeric expectation"
        )
    re, im = _real_imag(e)
    if im == 0:
        return _numeric_real(e, rng, samples)
    (vr, er, method), (vi, ei, _) = (_numeric_real(part, rng, samples) for part in (re, im))
    if math.isinf(vr) or math.isinf(vi):
        part, value = ("real", vr) if math.isinf(vr) else ("imaginary", vi)
        raise IntegralDoesNotExist(f"E[{e}] does not exist: the mean of its {part} part is {value}")
    return complex(vr, vi), math.hypot(er, ei), method


def _numeric_real(e: sympy.Expr, rng: Any, samples: int) -> tuple[float, float, str]:
    """:func:`numeric_expectation` of a real-valued expression."""
    rvs = _rvs(e)
    if not rvs:
        return float(e), 0.0, "numeric"
    if len(rvs) == 1:
        value, err = _one_variable(e, rvs[0], what=f"E[{e}]")
        return value, err, "numeric"
    from symml.sampling import monte_carlo

    est = monte_carlo(e, samples, rng=as_rng(rng))
    return float(est.mean), float(est.stderr), "monte-carlo"


@functools.lru_cache(maxsize=256)
def _real_imag(e: sympy.Expr) -> tuple[sympy.Expr, sympy.Expr]:
    """(Re e, Im e) for an expression of real random variables, each standing for a value of
    its support (so √X of a positive X is real); Im is 0 when e is seen to be real.

    Examples:
        >>> X = Normal("X", 0, 1)
        >>> _real_imag(sympy.exp(sympy.I * X))
        (cos(X), sin(X))
        >>> _real_imag(sympy.sqrt(Exponential("T", 1)))
        (sqrt(T), 0)
    """
    on = {
        X: sympy.Dummy("x", real=True) if _kind(X) == "finite" else _variable_on(X)
        for X in _random_symbols(e)
    }
    local = e.xreplace(on)
    if local.is_extended_real:
        return e, sympy.S.Zero
    back = {v: k for k, v in on.items()}
    re, im = local.as_real_imag()
    return re.xreplace(back), im.xreplace(back)


def _number(value: float | complex) -> sympy.Expr:
    """A numeric result as a SymPy number (15 digits): a Float, or Float + I·Float."""
    if isinstance(value, complex):
        return sympy.Float(value.real, 15) + sympy.I * sympy.Float(value.imag, 15)
    return sympy.Float(value, 15)


def _monte_carlo_caveat(expr: Any, target: float) -> str | None:
    """Why a Monte Carlo ±4σ check of ``E[expr] = target`` would be no evidence, or ``None``.

    A mean of a non-negative (non-positive) expression cannot be negative (positive); and
    where ``E[expr²]`` is infinite (a heavy tail, for one variable) the sample's standard
    error does not bound its error, so agreement within 4σ says nothing.

    Examples:
        >>> X = Normal("X", 0, 1)
        >>> _monte_carlo_caveat(X**2, 1.0) is None
        True
        >>> _monte_carlo_caveat(X**2, -1.6)[:40]
        'the mean of the non-negative X**2 cannot'
        >>> from sympy.stats import StudentT
        >>> _monte_carlo_caveat(StudentT("T", 3)**2, 3.0)[:32]
        'Var[T**2] is infinite (E[T**4] ='
    """
    e, _ = as_expr(expr)
    if _random_symbols(e) and _real_imag(e)[1] != 0:
        return (
            f"{e} is complex-valued: Monte Carlo checks real draws (its real and "
            f"imaginary parts would each need a check)"
        )
    if (e.is_nonnegative and target < 0) or (e.is_nonpositive and target > 0):
        sign = "non-negative" if e.is_nonnegative else "non-positive"
        return f"the mean of the {sign} {e} cannot be {target:.6g}"
    rvs = _rvs(e)
    if len(rvs) != 1 or _kind(rvs[0]) == "finite" or _parameters(e):
        return None
    square = sympy.expand(e**2) if e.is_polynomial(*rvs) else e**2
    try:
        second, _ = _one_variable(square, rvs[0], what=f"E[{square}]")
    except (NoConvergenceError, NotSupportedError, TypeError, ValueError, ArithmeticError) as exc:
        return f"Var[{e}] could not be shown finite ({exc}), so Monte Carlo is no evidence"
    if math.isinf(second):
        return (
            f"Var[{e}] is infinite (E[{square}] = ∞, a heavy tail): a Monte Carlo "
            f"standard error bounds nothing"
        )
    return None


def _infinite_expectation_holds(expr: Any, target: float) -> tuple[bool, str]:
    """Whether quadrature (a summed series) also finds ``E[expr] = target = ±∞``.

    Examples:
        >>> _infinite_expectation_holds(1 / Exponential("T", 1), math.inf)[0]
        True
    """
    e, _ = as_expr(expr)
    rvs = _rvs(e)
    if len(rvs) != 1 or _parameters(e):
        return False, f"no numeric check of the infinite E[{e}] of several variables"
    try:
        value, _ = _one_variable(e, rvs[0], what=f"E[{e}]")
    except (NoConvergenceError, NotSupportedError) as exc:
        return False, f"E[{e}] = {target} against quadrature: {exc}"
    if value == target:
        return True, f"the integral of E[{e}] diverges to {value} (probe of the integrand)"
    return False, f"E[{e}] = {target} against quadrature {value:.12g}"


# --- the shared flow: SymPy under a time limit, numeric fallback ----------------------------------

_UNEVALUATED = (sympy.Integral, sympy.Sum)


def _unevaluated(value: Any) -> bool:
    from sympy.stats.symbolic_probability import Expectation, Probability

    return isinstance(value, sympy.Basic) and value.has(*_UNEVALUATED, Expectation, Probability)


def _usable(value: Any, numeric: bool, real: bool = True) -> bool:
    """Whether SymPy's ``value`` can be returned: evaluated, and (with numeric parameters)
    a number, real unless the quantity may be complex (``real=False``)."""
    if not isinstance(value, sympy.Expr) or value.has(sympy.zoo, sympy.nan):
        return False
    if _unevaluated(value) or _random_symbols(value):
        return False
    if numeric:
        try:
            c = complex(value.evalf(30))
        except (TypeError, ValueError):
            return False
        return c == c and (not real or abs(c.imag) <= 1e-12 * max(1.0, abs(c.real)))
    return True


@dataclass(frozen=True)
class _Plan:
    """How to compute one quantity: the SymPy call and the numeric stand-in."""

    what: str  # "E[X**2]", named in messages
    symbolic: Callable[[], Any]  # run under run_limited
    numeric: Callable[[], tuple[float, float, str]]
    numeric_ok: bool  # parameters are all numeric
    numeric_title: str = "numeric evaluation"
    try_symbolic: bool = True  # False: SymPy already failed on a part
    real: bool = True  # False: the quantity may be complex


def _evaluate(
    plan: _Plan, lhs: str, deadline: Deadline
) -> tuple[Any, str, float | None, list[Step]]:
    """SymPy under what is left of ``deadline`` (simplification included), else the
    numeric stand-in: (result, method, error, steps)."""
    timeout = deadline.timeout
    failure: BaseException | None = None
    raw: Any = None
    try:
        if not plan.try_symbolic:
            raise DerivationTimeout(f"the mean in {plan.what} needed a numeric method")
        raw = deadline.run(plan.symbolic, what=plan.what)
    except DerivationTimeout as exc:
        failure = exc
    except (KeyboardInterrupt, SystemExit):  # pragma: no cover
        raise
    except Exception as exc:  # SymPy's stats raise many kinds of errors
        failure = exc
    if failure is None and _usable(raw, plan.numeric_ok, plan.real):
        steps = [Step("evaluate", f"{lhs} = {tex(raw)}")]
        short = isinstance(raw, sympy.Expr) and sympy.count_ops(raw) <= SHORT_OPS
        result = (
            simplify_limited([raw], timeout=deadline.left(SIMPLIFY_SECONDS))[0]
            if isinstance(raw, sympy.Expr) and not short
            else raw
        )
        if result != raw:
            steps.append(Step("simplify", f"{lhs} = {tex(result)}"))
        return result, "symbolic", None, steps
    reason = (
        "the mean needed a numeric method"
        if not plan.try_symbolic
        else f"SymPy timed out after {timeout:g} s"
        if isinstance(failure, DerivationTimeout)
        else f"SymPy failed ({type(failure).__name__})"
        if failure is not None
        else "SymPy found no closed form"
    )
    if plan.numeric_ok:
        value, err, method = plan.numeric()
        how = "Monte Carlo" if method == "monte-carlo" else plan.numeric_title
        if isinstance(value, float) and math.isinf(value):  # shown to diverge, one sign
            result = sympy.oo if value > 0 else -sympy.oo
            return (
                result,
                method,
                0.0,
                [Step(f"{how}: the integral diverges ({reason})", f"{lhs} = {tex(result)}")],
            )
        result = _number(value)
        steps = [Step(f"{how} ({reason})", rf"{lhs} \approx {tex(result)} \pm {err:.1e}")]
        return result, method, float(err), steps
    if isinstance(failure, DerivationTimeout):
        raise DerivationTimeout(
            f"{plan.what} did not finish within {timeout:g} s and has "
            f"symbolic parameters, so there is no numeric fallback"
        ) from failure
    if failure is not None:
        raise NoClosedFormError(f"{plan.what}: {reason}: {failure}") from failure
    if isinstance(raw, sympy.Expr) and not _random_symbols(raw):
        return (
            raw,
            "symbolic",
            None,
            [Step("no closed form (left unevaluated)", f"{lhs} = {tex(raw)}")],
        )
    raise NoClosedFormError(f"{plan.what}: SymPy found no closed form")


def _budget(timeout: float | None) -> Deadline:
    """One time budget for every SymPy call (and simplification) of an operation."""
    return Deadline(resolve_timeout(timeout))


def _random_expr(expr: Any, what: str) -> tuple[sympy.Expr, tuple[Step, ...]]:
    e, prior = as_expr(expr, what=what)
    if not isinstance(e, sympy.Expr):
        raise ValueError(f"{what} must be a scalar expression of random variables, got {e!r}")
    if not _random_symbols(e):
        raise ValueError(
            f"{what} {e} contains no random variable; build one with Normal(...), "
            f"Die(...) ... or bind() the names of a parsed expression"
        )
    return e, prior


def _real_valued(expr: Any, op: str) -> Any:
    """``expr``, refused when it is complex-valued (Var and Cov are defined here for real
    quantities; E[(Z − E Z)²] of a complex Z is not |Z − E Z|²)."""
    e = as_expr(expr)[0]
    if isinstance(e, sympy.Expr) and _random_symbols(e) and _real_imag(e)[1] != 0:
        raise ValueError(
            f"{op}: {e} is complex-valued; give its real and imaginary parts "
            f"(sympy.re, sympy.im) separately"
        )
    return expr


def _wrt(result: Any) -> tuple[sympy.Symbol, ...]:
    syms = {s for s in getattr(result, "free_symbols", set()) if isinstance(s, sympy.Symbol)}
    return sorted_symbols(syms)


def _E(e: sympy.Expr) -> sympy.Expr:
    return _stats.E(e)


def _numeric_for(e: sympy.Expr, rng: Any, samples: int) -> Callable[[], tuple[float, float, str]]:
    return lambda: numeric_expectation(e, rng=rng, samples=samples)


def _cross_check(
    e: sympy.Expr, result: Any, lhs: str, steps: list[Step]
) -> tuple[Any, str, float | None, list[Step]]:
    """Compare SymPy's value with quadrature (cheap for one variable); a clear disagreement
    means SymPy answered wrongly, and the numeric value is returned instead. An expectation
    the quadrature's probes show not to exist (E|g(X)| = ∞, both signs) raises, even when
    SymPy found a conditionally convergent improper integral."""
    try:
        value, err, _ = numeric_expectation(e)
        claimed = complex(sympy.N(result, 20))
    except IntegralDoesNotExist as exc:  # SymPy's value is an improper (conditional) integral
        raise NoConvergenceError(
            f"{exc} (SymPy's {result} is only a conditionally convergent improper integral)"
        ) from exc
    except NoConvergenceError as exc:  # no check: but a sign SymPy's value cannot have
        impossible = _impossible_mean(e, result)
        if impossible:
            raise NoConvergenceError(
                f"E[{e}]: {impossible}, and quadrature could not check it: {exc}"
            ) from exc
        return result, "symbolic", None, steps
    except (TypeError, ValueError, ArithmeticError, NotSupportedError):
        return result, "symbolic", None, steps
    if isinstance(value, float) and math.isinf(value):  # quadrature found it divergent
        if claimed == complex(value):
            return result, "symbolic", None, steps
        number = sympy.oo if value > 0 else -sympy.oo
        return (
            number,
            "numeric",
            0.0,
            [
                *steps,
                Step(
                    "the integral diverges (SymPy's finite value disagreed)",
                    f"{lhs} = {tex(number)}",
                ),
            ],
        )
    scale = max(1.0, abs(value))
    if err < 1e-9 * scale and abs(claimed - value) > 1e-6 * scale:
        number = _number(value)
        return (
            number,
            "numeric",
            float(err),
            [
                *steps,
                Step(
                    "quadrature (SymPy's value disagreed with it)", rf"{lhs} \approx {tex(number)}"
                ),
            ],
        )
    return result, "symbolic", None, steps


def _impossible_mean(g: sympy.Expr, value: Any) -> str | None:
    """Why ``value`` cannot be E[g] for the sign g has (``None`` when it can): SymPy's mgf
    formula 2/(2 − t) of an Exponential(2) gives −2 at t = 3, where E[e^{3X}] = ∞.

    Examples:
        >>> _impossible_mean(sympy.exp(3 * Exponential("T", 2)), sympy.Integer(-2))
        "SymPy's -2 cannot be the mean of the positive exp(3*T)"
        >>> _impossible_mean(Normal("X", 0, 1), sympy.Integer(-2)) is None
        True
    """
    try:
        v = complex(sympy.N(value, 20))
    except (TypeError, ValueError):
        return None
    for sign, bad in (
        ("positive", g.is_positive and not v.real > 0),
        ("non-negative", g.is_nonnegative and not v.real >= 0),
        ("negative", g.is_negative and not v.real < 0),
        ("non-positive", g.is_nonpositive and not v.real <= 0),
    ):
        if bad:
            return f"SymPy's {value} cannot be the mean of the {sign} {g}"
    return None


def _check_symbolic(
    e: sympy.Expr, plan: _Plan, outcome: tuple[Any, str, float | None, list[Step]], lhs: str
) -> tuple[Any, str, float | None, list[Step]]:
    """``outcome`` of :func:`_evaluate`, with a symbolic value of one (non-finite) variable
    and numeric parameters cross-checked by quadrature (:func:`_cross_check`)."""
    result, method, _, steps = outcome
    rvs = _rvs(e)
    if method == "symbolic" and plan.numeric_ok and len(rvs) == 1 and _kind(rvs[0]) != "finite":
        return _cross_check(e, result, lhs, steps)
    return outcome


def expectation(
    expr: Any, timeout: float | None = None, *, rng: Any = None, samples: int = MC_SAMPLES
) -> Derivation:
    r"""E[expr] for an expression of independent random variables.

    Args:
        expr: An expression of random variables (from :data:`FAMILIES` or ``ContinuousRV``).
        timeout: Seconds SymPy may take (default ``config.timeout``).
        rng: Generator (or seed) for a Monte Carlo fallback.
        samples: Draws of a Monte Carlo fallback.

    Returns:
        A Derivation: the integral/sum set up from the densities, its evaluation, the
        simplified result; ``method`` is ``"numeric"`` or ``"monte-carlo"`` for a fallback.

    Raises:
        ValueError: When ``expr`` has no random variable.
        DerivationTimeout: On timeout when parameters are symbolic.

    Examples:
        >>> X = Normal("X", 0, 1)
        >>> d = expectation(X**2)
        >>> d.result, [s.title for s in d.steps]
        (1, ['expectation as an integral', 'evaluate'])
        >>> d = expectation(sympy.exp(sympy.sin(X)), timeout=1)
        >>> d.method, round(float(d.result), 8)
        ('numeric', 1.22932482)
    """
    e, prior = _random_expr(expr, "expr")
    return _expectation(e, prior, _budget(timeout), rng, samples)


def _expectation(
    e: sympy.Expr, prior: tuple[Step, ...], deadline: Deadline, rng: Any, samples: int
) -> Derivation:
    """:func:`expectation` within ``deadline`` (shared with the other parts of a call)."""
    rvs = _rvs(e)
    lhs = rf"\mathbb{{E}}\left[{tex(e)}\right]"
    setup, title = _setup_latex(e, rvs)
    plan = _Plan(
        f"E[{e}]",
        functools.partial(_E, e),
        _numeric_for(e, rng, samples),
        not _parameters(e),
        "quadrature" if len(rvs) == 1 else "numeric evaluation",
        real=_real_imag(e)[1] == 0,
    )
    result, method, error, steps = _check_symbolic(e, plan, _evaluate(plan, lhs, deadline), lhs)
    return Derivation(
        result,
        _wrt(result),
        (*prior, Step(title, f"{lhs} = {setup}"), *steps),
        lhs,
        method=method,
        error=error,
        operation="expectation",
        source={"expr": e, "mean_of": e},
    )


def moment(X: Any, k: int, timeout: float | None = None, *, rng: Any = None) -> Derivation:
    r"""The k-th raw moment E[X^k].

    Examples:
        >>> moment(Normal("X", 0, 1), 4).result
        3
    """
    e, prior = _random_expr(X, "X")
    if isinstance(k, bool) or not isinstance(k, int) or k < 0:
        raise ValueError(f"moment: k must be a non-negative integer, got {k!r}")
    lhs = rf"\mathbb{{E}}\left[{tex(e)}^{{{k}}}\right]"
    if k == 0:  # X⁰ = 1 is no random expression: the total probability (kept as X⁰, so
        # that a Monte Carlo check still draws X)
        power = sympy.Pow(e, 0, evaluate=False)
        return Derivation(
            sympy.S.One,
            (),
            (*prior, Step("the total probability", f"{lhs} = 1")),
            lhs,
            operation="moment",
            source={"expr": power, "mean_of": power},
        )
    d = expectation(e**k, timeout, rng=rng)
    return Derivation(
        d.result,
        d.wrt,
        (*prior, *d.steps),
        lhs,
        method=d.method,
        error=d.error,
        operation="moment",
        source={"expr": e**k, "mean_of": e**k},
    )


def variance(
    expr: Any, timeout: float | None = None, *, rng: Any = None, samples: int = MC_SAMPLES
) -> Derivation:
    r"""Var[expr] = E[(expr − E[expr])²].

    Examples:
        >>> variance(Die("D", 6)).result
        35/12
        >>> p = sympy.Symbol("p", positive=True)
        >>> variance(Bernoulli("B", p)).result
        p*(1 - p)
    """
    return _mean_and_variance(expr, timeout, rng, samples)[1]


def _mean_and_variance(
    expr: Any, timeout: float | None, rng: Any, samples: int
) -> tuple[Derivation, Derivation]:
    """(E[expr], Var[expr]) within one time budget, the mean computed once for both."""
    e, prior = _random_expr(_real_valued(expr, "variance"), "expr")
    deadline = _budget(timeout)
    mean = _expectation(e, (), deadline, rng, samples)
    centered = (e - mean.result) ** 2
    lhs = rf"\operatorname{{Var}}\left[{tex(e)}\right]"
    setup, title = _setup_latex(centered, _rvs(e))
    plan = _Plan(
        f"Var[{e}]",
        functools.partial(_stats.variance, e),
        _numeric_for(centered, rng, samples),
        not _parameters(e),
        try_symbolic=mean.method == "symbolic",
    )
    result, method, error, steps = _evaluate(plan, lhs, deadline)
    if mean.method != "symbolic" and method == "symbolic":
        method = mean.method
    head = [
        Step(
            "definition",
            rf"{lhs} = \mathbb{{E}}\left[\left({tex(e)} - "
            rf"\mathbb{{E}}[{tex(e)}]\right)^{{2}}\right]",
        ),
        Step("mean", rf"\mathbb{{E}}\left[{tex(e)}\right] = {tex(mean.result)}"),
        Step(title, f"{lhs} = {setup}"),
    ]
    return mean, Derivation(
        result,
        _wrt(result),
        (*prior, *head, *steps),
        lhs,
        method=method,
        error=error,
        operation="variance",
        source={"expr": centered, "mean_of": centered},
    )


def covariance(
    a: Any, b: Any, timeout: float | None = None, *, rng: Any = None, samples: int = MC_SAMPLES
) -> Derivation:
    r"""Cov[a, b] = E[(a − E[a])(b − E[b])].

    Examples:
        >>> X, Y = Normal("X", 0, 1), Normal("Y", 0, 2)
        >>> covariance(X + Y, X - Y).result
        -3
    """
    ea, prior_a = _random_expr(_real_valued(a, "covariance"), "a")
    eb, prior_b = _random_expr(_real_valued(b, "covariance"), "b")
    deadline = _budget(timeout)  # E[a], E[b] and Cov share it: the call ends within timeout
    da = _expectation(ea, (), deadline, rng, samples)
    db = _expectation(eb, (), deadline, rng, samples)
    ma, mb = da.result, db.result
    product = (ea - ma) * (eb - mb)
    lhs = rf"\operatorname{{Cov}}\left[{tex(ea)}, {tex(eb)}\right]"
    setup, title = _setup_latex(product, _rvs(product))
    plan = _Plan(
        f"Cov[{ea}, {eb}]",
        functools.partial(_stats.covariance, ea, eb),
        _numeric_for(sympy.expand(product), rng, samples),
        not (_parameters(ea) | _parameters(eb)),
        try_symbolic=da.method == db.method == "symbolic",
    )
    result, method, error, steps = _evaluate(plan, lhs, deadline)
    head = [
        Step(
            "definition",
            rf"{lhs} = \mathbb{{E}}\left[\left({tex(ea)} - {tex(ma)}\right)"
            rf"\left({tex(eb)} - {tex(mb)}\right)\right]",
        ),
        Step(title, f"{lhs} = {setup}"),
    ]
    return Derivation(
        result,
        _wrt(result),
        (*prior_a, *prior_b, *head, *steps),
        lhs,
        method=method,
        error=error,
        operation="covariance",
        source={"expr": product, "mean_of": product},
    )


def _mgf_symbolic(e: sympy.Expr, t: sympy.Expr) -> sympy.Expr:
    if isinstance(e, RandomSymbol):
        return _stats.moment_generating_function(e)(t)
    return _stats.E(sympy.exp(t * e))


def mgf(X: Any, t: Any = None, timeout: float | None = None, *, rng: Any = None) -> Derivation:
    r"""The moment generating function M(t) = E[exp(t X)].

    Examples:
        >>> mgf(Normal("X", 0, 1)).result
        exp(t**2/2)
        >>> mgf(Exponential("X", 2), 1).result
        2
    """
    e, prior = _random_expr(X, "X")
    t = sympy.Symbol("t", real=True) if t is None else as_expr(t, what="t")[0]
    deadline = _budget(timeout)
    g = sympy.exp(t * e)
    lhs = rf"M_{{{tex(e)}}}({tex(t)})"
    setup, title = _setup_latex(g, _rvs(e))
    plan = _Plan(
        f"E[{g}]",
        functools.partial(_mgf_symbolic, e, t),
        _numeric_for(g, rng, MC_SAMPLES),
        not _parameters(g),
        real=_real_imag(g)[1] == 0,
    )
    result, method, error, steps = _check_symbolic(g, plan, _evaluate(plan, lhs, deadline), lhs)
    head = [
        Step("definition", rf"{lhs} = \mathbb{{E}}\left[{tex(g)}\right]"),
        Step(title, f"{lhs} = {setup}"),
    ]
    return Derivation(
        result,
        _wrt(result),
        (*prior, *head, *steps),
        lhs,
        method=method,
        error=error,
        operation="mgf",
        source={"X": e, "t": t},
    )


# --- entropy and KL divergence ------------------------------------------------------------------


def _single(X: Any, what: str) -> RandomSymbol:
    if not isinstance(X, RandomSymbol):
        raise ValueError(f"{what} must be a single random variable, got {X!r}")
    _rvs(X)
    return X


def _variable_on(X: RandomSymbol) -> sympy.Symbol:
    """A dummy carrying what the support of X says (positive, integer), so that logs expand
    only where that is valid (log(x**2) stays whole on a support with negative numbers)."""
    lo = _support(X)[0]
    assumptions: dict[str, bool] = {"real": True}
    if _kind(X) != "continuous":
        assumptions["integer"] = True
    if (lo >= 0) is sympy.true:
        assumptions["positive" if _kind(X) == "continuous" else "nonnegative"] = True
    return sympy.Dummy("x", **assumptions)


def _log_density_of(X: RandomSymbol, at: Any, over: RandomSymbol | None = None) -> sympy.Expr:
    """log f_X evaluated at ``at``, a value of ``over`` (default X): logs expanded where the
    support of ``over`` allows it, factorials as log-gamma."""
    x = _variable_on(over if over is not None else X)
    return _log_pmf(_density(X, x), force=bool(x.is_nonnegative)).xreplace({x: at})


def _probability_at(Q: RandomSymbol, v: Any) -> Any:
    """P(Q = v) for a finite (its table) or discrete (its pmf on its support) variable."""
    if _kind(Q) == "finite":
        return _finite_table(Q).get(v, 0)
    dist = Q.pspace.distribution
    if dist.set.contains(v) is sympy.false:
        return sympy.S.Zero
    return _on_support(dist.pdf(sympy.sympify(v)))


def _finite_information(P: RandomSymbol, Q: RandomSymbol | None) -> sympy.Expr:
    """−Σ p log p (Q is None) or Σ p log(p/q) over the values of P (Q finite or discrete:
    a sum over P's values either way)."""
    total = sympy.S.Zero
    for v, p in _finite_table(P).items():
        if p == 0:
            continue
        if Q is None:
            total -= p * sympy.log(p)
        else:
            q = _probability_at(Q, v)
            if q == 0:
                return sympy.oo
            total += p * (sympy.log(p) - sympy.log(q))
    return sympy.expand_log(total, force=True)


def _entropy_symbolic(X: RandomSymbol) -> sympy.Expr:
    if _kind(X) == "finite":
        return _finite_information(X, None)
    return -_stats.E(_log_density_of(X, X))


def _numeric_information(P: RandomSymbol, Q: RandomSymbol | None) -> tuple[float, float, str]:
    if _kind(P) == "finite":
        value = float(_finite_information(P, Q))
        return value, 1e-15 * max(1.0, abs(value)), "numeric"
    g = -_log_density_of(P, P) if Q is None else _log_density_of(P, P) - _log_density_of(Q, P, P)
    value, err = _one_variable(g, P, zero_nan=True)
    return value, err, "numeric"


def entropy(X: Any, timeout: float | None = None) -> Derivation:
    r"""The entropy H(X) = −E[log f(X)] in nats (differential entropy for continuous X).

    Examples:
        >>> entropy(Geometric("G", sympy.Rational(1, 2))).result.equals(2 * sympy.log(2))
        True
        >>> entropy(Exponential("X", 1)).result
        1
    """
    X = _single(X, "X")
    deadline = _budget(timeout)
    kind = _kind(X)
    x = _dummy(X, X.pspace.distribution.free_symbols)
    lhs = rf"H({tex(X)})"
    if kind == "finite":
        setup = (
            r"-\sum_{"
            + tex(x)
            + r"} P("
            + tex(X)
            + " = "
            + tex(x)
            + r") \log P("
            + tex(X)
            + " = "
            + tex(x)
            + ")"
        )
    else:
        f = _density(X, x)
        a, b = _support(X)
        op = (
            rf"\int_{{{tex(a)}}}^{{{tex(b)}}}"
            if kind == "continuous"
            else rf"\sum_{{{tex(x)}={tex(a)}}}^{{{tex(b)}}}"
        )
        dx = rf"\, d{tex(x)}" if kind == "continuous" else ""
        setup = rf"-{op} \left({tex(f)}\right) \log\left({tex(f)}\right){dx}"
    head = [
        Step("definition", rf"{lhs} = -\mathbb{{E}}\left[\log f_{{{tex(X)}}}({tex(X)})\right]"),
        Step(
            "entropy as an integral" if kind == "continuous" else "entropy as a sum",
            f"{lhs} = {setup}",
        ),
    ]
    if kind != "finite":
        head.append(
            Step(
                "expand the log-density",
                rf"\log f_{{{tex(X)}}}({tex(x)}) = "
                rf"{tex(_log_density_of(X, x))}",
            )
        )
    plan = _Plan(
        f"H({X})",
        functools.partial(_entropy_symbolic, X),
        functools.partial(_numeric_information, X, None),
        not _parameters(X),
        "quadrature" if kind == "continuous" else "numeric sum",
    )
    result, method, error, steps = _evaluate(plan, lhs, deadline)
    return Derivation(
        result,
        _wrt(result),
        (*head, *steps),
        lhs,
        method=method,
        error=error,
        operation="entropy",
        source={"P": X, "Q": None},
    )


def _kl_symbolic(P: RandomSymbol, Q: RandomSymbol) -> sympy.Expr:
    if _kind(P) == "finite":
        return _finite_information(P, Q)
    return _stats.E(_log_density_of(P, P) - _log_density_of(Q, P, P))


def _support_set(X: RandomSymbol) -> sympy.Set:
    s = X.pspace.distribution.set
    return sympy.FiniteSet(*s) if isinstance(s, (set, frozenset)) else s


def _support_inside(P: RandomSymbol, Q: RandomSymbol) -> bool | None:
    """Whether P's support lies in Q's (``None``: cannot tell); finite supports included,
    so KL(Poisson ‖ Binomial) is ∞ from the support alone."""
    try:
        inside = _support_set(P).is_subset(_support_set(Q))
    except (TypeError, ValueError, NotImplementedError):
        return None
    return None if inside is None else bool(inside)


def kl_divergence(P: Any, Q: Any, timeout: float | None = None) -> Derivation:
    r"""KL(P‖Q) = E_P[log p(X) − log q(X)], in nats.

    Examples:
        >>> kl_divergence(Normal("P", 0, 1), Normal("Q", 1, 1)).result
        1/2
        >>> kl_divergence(Bernoulli("A", sympy.Rational(1, 2)), Bernoulli("B", 1)).result
        oo
    """
    P, Q = _single(P, "P"), _single(Q, "Q")
    if (_kind(P) == "continuous") != (_kind(Q) == "continuous"):
        raise ValueError(
            f"kl_divergence: P ({P}) and Q ({Q}) must both be continuous or both discrete"
        )
    deadline = _budget(timeout)
    lhs = rf"D_{{\mathrm{{KL}}}}\left({tex(P)} \,\|\, {tex(Q)}\right)"
    x = _dummy(P, P.pspace.distribution.free_symbols | Q.pspace.distribution.free_symbols)
    head = [
        Step(
            "definition",
            rf"{lhs} = \mathbb{{E}}_{{{tex(P)}}}\left[\log p({tex(P)}) - "
            rf"\log q({tex(P)})\right]",
        )
    ]
    if _support_inside(P, Q) is False:
        steps = [
            Step(
                "support",
                rf"P(\text{{outside the support of }} {tex(Q)}) > 0 "
                rf"\Rightarrow {lhs} = \infty",
            )
        ]
        return Derivation(
            sympy.oo, (), (*head, *steps), lhs, operation="kl_divergence", source={"P": P, "Q": Q}
        )
    if _kind(P) != "finite":
        a, b = _support(P)
        op = (
            rf"\int_{{{tex(a)}}}^{{{tex(b)}}}"
            if _kind(P) == "continuous"
            else rf"\sum_{{{tex(x)}={tex(a)}}}^{{{tex(b)}}}"
        )
        dx = rf"\, d{tex(x)}" if _kind(P) == "continuous" else ""
        ratio = sympy.expand(_log_density_of(P, x, P) - _log_density_of(Q, x, P))
        head += [
            Step(
                "KL as an integral" if _kind(P) == "continuous" else "KL as a sum",
                rf"{lhs} = {op} p({tex(x)}) \log\frac{{p({tex(x)})}}{{q({tex(x)})}}{dx}",
            ),
            Step(
                "expand the log-ratio", rf"\log\frac{{p({tex(x)})}}{{q({tex(x)})}} = {tex(ratio)}"
            ),
        ]
    plan = _Plan(
        f"KL({P} || {Q})",
        functools.partial(_kl_symbolic, P, Q),
        functools.partial(_numeric_information, P, Q),
        not (_parameters(P) | _parameters(Q)),
        "quadrature",
    )
    result, method, error, steps = _evaluate(plan, lhs, deadline)
    return Derivation(
        result,
        _wrt(result),
        (*head, *steps),
        lhs,
        method=method,
        error=error,
        operation="kl_divergence",
        source={"P": P, "Q": Q},
    )


# --- maximum likelihood ----------------------------------------------------------------------------

#: Densities (as expressions in x) of families whose SymPy pmf is a table.
_TABLE_DENSITIES: dict[str, Callable[[Any, sympy.Symbol], sympy.Expr]] = {
    "BernoulliDistribution": lambda d, x: d.p**x * (1 - d.p) ** (1 - x),
    "BinomialDistribution": lambda d, x: (
        sympy.factorial(d.n)
        / (sympy.factorial(x) * sympy.factorial(d.n - x))
        * d.p**x
        * (1 - d.p) ** (d.n - x)
    ),
}


@dataclass(frozen=True)
class MLE:
    r"""Maximum-likelihood estimators of an i.i.d. sample ``x[i], i = 1..n``.

    Attributes:
        estimators: Parameter → closed form over the sample (``Sum``s of ``x[i]``) and ``n``.
        loglik: The log-likelihood ``Σ log f(x[i]; θ)``.
        scores: The score equations' left-hand sides ∂ℓ/∂θ, one per parameter.
        steps: The derivation lines.
        sample: The ``IndexedBase`` of the sample; ``index`` and ``n`` its index and size.
        density: The density f(x; θ) in ``variable``; ``params`` the parameters.
        family: The random variable the density came from (``None`` for a plain density).
    """

    estimators: Mapping[sympy.Symbol, sympy.Expr]
    loglik: sympy.Expr
    scores: tuple[sympy.Expr, ...]
    steps: tuple[Step, ...]
    sample: sympy.IndexedBase
    index: sympy.Symbol
    n: sympy.Symbol
    density: sympy.Expr
    variable: sympy.Symbol
    params: tuple[sympy.Symbol, ...]
    family: Any = field(default=None, compare=False)

    def latex(self, *, steps: bool = True) -> str:
        """LaTeX of the estimators (with the derivation's steps when ``steps``)."""
        final = r",\quad ".join(rf"\hat{{{tex(p)}}} = {tex(e)}" for p, e in self.estimators.items())
        if not steps:
            return final
        lines = [s.latex.replace(" = ", " &= ", 1) + rf" && \text{{{s.title}}}" for s in self.steps]
        return "\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}"

    def _repr_latex_(self) -> str:
        return f"$$ {self.latex()} $$"

    def plain(self) -> str:
        """One line ``param = estimator`` per parameter."""
        return "\n".join(f"{p} = {e}" for p, e in self.estimators.items())

    @property
    def result(self) -> dict[sympy.Symbol, sympy.Expr]:
        return dict(self.estimators)

    def to_numpy(self) -> Callable[[Any], dict[str, float]]:
        """A callable data (1-d array) → {parameter name: estimate}.

        Examples:
            >>> mu, s = sympy.symbols("mu sigma", positive=True)
            >>> x = sympy.Symbol("x", real=True)
            >>> density = sympy.exp(-(x - mu)**2 / (2*s**2)) / sympy.sqrt(2*sympy.pi*s**2)
            >>> fit = mle(density, x, [mu, s]).to_numpy()
            >>> {k: round(v, 12) for k, v in fit([1.0, 2.0, 3.0]).items()}
            {'mu': 2.0, 'sigma': 0.816496580928}
        """
        import numpy as np

        sums = sorted(
            {s for e in self.estimators.values() for s in e.atoms(sympy.Sum)},
            key=sympy.default_sort_key,
        )
        t = sympy.Symbol("t_", real=True)
        functions = [s.function.xreplace({self.sample[self.index]: t}) for s in sums]
        # Σ p(x[i]) for a polynomial p is rewritten in the centred sums T_j = Σ (x[i] − m)^j,
        # m the sample mean (a second pass), and the estimator expanded: n Σx² − (Σx)²
        # becomes n T_2 − T_1², free of the cancellation that loses every digit at mean 1e8
        shift = sympy.Dummy("m")
        degree = max([sympy.degree(f, t) for f in functions if f.is_polynomial(t)], default=0)
        centred = tuple(sympy.Dummy(f"T{j}") for j in range(degree + 1))
        others = [f for f in functions if not f.is_polynomial(t)]
        slots = tuple(sympy.Dummy(f"s{j}") for j in range(len(others)))
        replace: dict[sympy.Expr, sympy.Expr] = {}
        for total, f in zip(sums, functions, strict=True):
            if f.is_polynomial(t):
                poly = sympy.Poly(sympy.expand(f.subs(t, t + shift)), t)
                replace[total] = sum(
                    (coeff * centred[j] for (j,), coeff in poly.terms()), sympy.S.Zero
                )
            else:
                replace[total] = slots[others.index(f)]
        terms = [_compile(f, (t,)) for f in others]
        compiled = {
            str(p): _compile(
                sympy.expand(e.xreplace(replace).subs(centred[0], self.n)),
                (*slots, *centred[1:], self.n, shift),
            )
            for p, e in self.estimators.items()
        }

        def estimate(data: Any) -> dict[str, float]:
            arr = np.asarray(data, dtype=float).ravel()
            if arr.size == 0:
                raise ValueError("mle: the data are empty")
            values = [float(np.sum(np.asarray(f(arr)) * np.ones_like(arr))) for f in terms]
            m = float(arr.mean()) if degree else 0.0
            c = arr - m
            powers = [float(np.sum(c**j)) for j in range(1, degree + 1)]
            return {
                name: float(fn(*values, *powers, float(arr.size), m))
                for name, fn in compiled.items()
            }

        return estimate

    def verify(
        self,
        data: Any = None,
        *,
        truth: Mapping[Any, float] | None = None,
        size: int = 500,
        rng: Any = None,
        rtol: float = 1e-4,
    ) -> Verification:
        """Compare the closed forms with a numeric maximisation of the likelihood.

        Args:
            data: A sample; by default ``size`` draws simulated from ``family`` at ``truth``.
            truth: Parameter values for the simulation (default 0.4 each).
            size: Sample size of the simulation.
            rng: Generator or seed of the simulation.
            rtol: Relative tolerance of the comparison.
        """
        import numpy as np
        from scipy.optimize import minimize

        truth_values = {p: float(_lookup(truth, p, 0.4)) for p in self.params}
        if data is None:
            if self.family is None:
                raise ValueError(
                    "mle.verify: give data= (the density came without a family to simulate from)"
                )
            from symml.sampling import sampler

            rv = self.family.subs({p: sympy.Float(v) for p, v in truth_values.items()})
            data = sampler(rv)(size, rng=as_rng(rng))
        arr = np.asarray(data, dtype=float).ravel()
        closed = self.to_numpy()(arr)
        logf = _compile(_log_pmf(self.density), (self.variable, *self.params))

        def nll(theta: Any) -> float:
            with np.errstate(all="ignore"):
                v = -float(np.sum(np.asarray(logf(arr, *theta)) * np.ones_like(arr)))
            return v if np.isfinite(v) else 1e300

        start = np.array([truth_values[p] for p in self.params])
        start = np.where(start == 0, 0.1, start * 1.1)
        best = minimize(
            nll,
            start,
            method="Nelder-Mead",
            options={"xatol": 1e-10, "fatol": 1e-13, "maxiter": 20000, "maxfev": 40000},
        )
        numeric = dict(zip((str(p) for p in self.params), best.x, strict=True))
        worst = max(abs(closed[k] - numeric[k]) / max(1e-12, abs(numeric[k])) for k in closed)
        return Verification(
            passed=bool(worst <= rtol),
            max_error=float(worst),
            method="numeric maximisation (Nelder-Mead)",
            points=int(arr.size),
            details=f"closed form {closed} against numeric {numeric}",
        )


def _lookup(table: Mapping[Any, float] | None, p: sympy.Symbol, default: float) -> float:
    if not table:
        return default
    return table.get(p, table.get(str(p), default))


def _density_of(density: Any, x: Any) -> tuple[sympy.Expr, sympy.Symbol, Any]:
    if isinstance(density, RandomSymbol):
        var = sympy.Symbol(str(x) if x is not None else density.name.lower(), real=True)
        dist = density.pspace.distribution
        maker = _TABLE_DENSITIES.get(type(dist).__name__)
        if maker is None and _kind(density) == "finite":
            raise NotSupportedError(
                f"mle: {type(dist).__name__.removesuffix('Distribution')} is given by a table "
                f"of probabilities, not a density in x; supported tables: "
                f"{', '.join(k.removesuffix('Distribution') for k in _TABLE_DENSITIES)} (or "
                f"pass the pmf as an expression in x)"
            )
        if maker is not None and (getattr(dist, "succ", 1) != 1 or getattr(dist, "fail", 0) != 0):
            raise NotSupportedError(
                f"mle: {density} counts successes as {dist.succ} and "
                f"failures as {dist.fail}; only 1 and 0 are supported"
            )
        return (maker(dist, var) if maker else _density(density, var)), var, density
    if x is None:
        raise ValueError("mle: give the variable x of the density")
    var = sympy.Symbol(x, real=True) if isinstance(x, str) else x
    f = parse(density, [var]) if isinstance(density, str) else as_expr(density, what="density")[0]
    own = {s.name: s for s in f.free_symbols}
    return f, own.get(var.name, var), None


def _sum_over(term: sympy.Expr, i: sympy.Symbol, n: sympy.Symbol) -> sympy.Expr:
    """Σ_{i=1}^{n} term, with factors free of i pulled out of the sum."""
    out = sympy.S.Zero
    for t in sympy.Add.make_args(sympy.expand(term)):
        const, dep = t.as_independent(i, as_Add=False)
        out += const * (n if dep == 1 else sympy.Sum(dep, (i, 1, n)))
    return out


def _solve_scores(eqs: list[sympy.Expr], params: tuple[sympy.Symbol, ...]) -> list[dict]:
    sums = sorted({s for e in eqs for s in e.atoms(sympy.Sum)}, key=sympy.default_sort_key)
    slots = {s: sympy.Symbol(f"S_{j}", positive=True) for j, s in enumerate(sums)}
    back = {v: k for k, v in slots.items()}
    plain = [sympy.together(e.xreplace(slots)) for e in eqs]
    numerators = [sympy.numer(e) for e in plain]
    found = sympy.solve(numerators, list(params), dict=True)
    return [{p: sympy.simplify(v).xreplace(back) for p, v in sol.items()} for sol in found]


def mle(density: Any, x: Any = None, params: Any = None, timeout: float | None = None) -> MLE:
    r"""Maximum-likelihood estimators for an i.i.d. sample ``x[i], i = 1..n``.

    Args:
        density: f(x; θ) as an expression (or str) in ``x``, or a random variable with
            symbolic parameters (``Normal("X", mu, sigma)``).
        x: The variable of the density; it names the sample ``x[i]``.
        params: The parameters to estimate (Symbols or names; default all but ``x``).
        timeout: Seconds ``solve`` may take.

    Returns:
        An :class:`MLE`: log-likelihood, score equations and their solution.

    Raises:
        NoClosedFormError: When the score equations have no closed-form solution.

    Examples:
        >>> lam = sympy.Symbol("lamda", positive=True)
        >>> fit = mle(Exponential("X", lam), "x")
        >>> fit.estimators
        {lamda: n/Sum(x[i], (i, 1, n))}
    """
    f, var, family = _density_of(density, x)
    if params is None:
        chosen = sorted_symbols(f.free_symbols - {var})
    else:
        from symml.derivation import as_wrt

        chosen = as_wrt(params, f, strict=True)
    if not chosen:
        raise ValueError(f"mle: the density {f} has no parameter to estimate")
    timeout = resolve_timeout(timeout)
    sample = sympy.IndexedBase(var.name)
    i = sympy.Symbol("i", integer=True, positive=True)
    n = sympy.Symbol("n", integer=True, positive=True)
    term = sympy.expand_log(sympy.log(f.xreplace({var: sample[i]})), force=True)
    loglik = sympy.Sum(term, (i, 1, n))
    scores = tuple(_sum_over(sympy.diff(term, p), i, n) for p in chosen)
    steps = [
        Step("density", rf"f({tex(var)}; {tex(tuple(chosen))}) = {tex(f)}"),
        Step("log-likelihood", rf"\ell({tex(tuple(chosen))}) = {tex(loglik)}"),
    ]
    steps += [
        Step(
            f"score equation in {p}",
            rf"\frac{{\partial \ell}}{{\partial {tex(p)}}} = "
            rf"{tex(s)} = 0",
        )
        for p, s in zip(chosen, scores, strict=True)
    ]
    try:
        solutions = run_limited(
            _solve_scores, list(scores), chosen, timeout=timeout, what=f"the score equations of {f}"
        )
    except DerivationTimeout:
        raise
    except (NotImplementedError, ValueError, TypeError) as exc:
        raise NoClosedFormError(
            f"mle: the score equations of {f} could not be solved: {exc}"
        ) from exc
    complete = [s for s in solutions if set(s) >= set(chosen)]
    if not complete:
        raise NoClosedFormError(
            f"mle: the score equations of {f} have no closed-form solution "
            f"in {', '.join(map(str, chosen))}"
        )
    estimators = {p: complete[0][p] for p in chosen}
    steps.append(
        Step(
            "solve the score equations",
            r",\quad ".join(rf"\hat{{{tex(p)}}} = {tex(e)}" for p, e in estimators.items()),
        )
    )
    return MLE(
        estimators, loglik, scores, tuple(steps), sample, i, n, f, var, tuple(chosen), family
    )
