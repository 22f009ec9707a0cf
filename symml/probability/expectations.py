r"""Expectations, variances, covariances, moments and moment generating functions.

Every operation returns a :class:`~symml.derivation.Derivation` whose steps show the sum or
integral set up from the densities (:math:`E[g(X)] = \int g(x) f(x)\,dx`), its evaluation
and the simplified result, and which carries its Monte Carlo check (``verify()``).

SymPy's stats module hangs or fails on some inputs (``E[sin(X)]`` for a normal ``X``,
``E[sqrt(X**2 + Y**2)]``; see sympy/sympy#14573, #19364, #10609). Every SymPy call runs
under the operation's :class:`~symml.deadline.Deadline`. When it times out, fails or leaves
an integral unevaluated and the parameters are numeric, the value is computed numerically
instead (:func:`numeric_expectation`): quadrature (``method="numeric"``) for one continuous
variable, a summed series for one discrete variable, Monte Carlo (``method="monte-carlo"``)
for several variables; ``error`` holds the error estimate. With symbolic parameters a
timeout raises :class:`~symml.errors.DerivationTimeout` naming the expression. The same
flow (:class:`Plan`, :func:`evaluate_plan`) serves the entropies and KL divergences.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy
from sympy import stats as _stats
from sympy.stats.rv import RandomSymbol, random_symbols
from sympy.stats.symbolic_probability import Expectation, Probability

from symml.calculus import SIMPLIFY_SECONDS, simplify_limited
from symml.deadline import Deadline
from symml.derivation import (
    Derivation,
    ExprLike,
    RngLike,
    Step,
    Verification,
    as_expr,
    as_rng,
    sorted_symbols,
    tex,
)
from symml.errors import DerivationTimeout, NoClosedFormError, NoConvergenceError, NotSupportedError
from symml.probability.draws import monte_carlo
from symml.probability.known import (
    back,
    log_mean,
    may_be_symmetric,
    positive_inside,
    positively,
    symmetric_mean,
)
from symml.probability.numeric import one_variable_mean
from symml.probability.variables import (
    density,
    dummy,
    finite_table,
    kind,
    parameters,
    random_variables,
    real_imag,
    support,
)
from symml.quadrature import IntegralDoesNotExist

__all__ = [
    "MC_CHECK_SAMPLES",
    "MC_SAMPLES",
    "Numeric",
    "Outcome",
    "Plan",
    "covariance",
    "evaluate_plan",
    "expectation",
    "mean_and_variance",
    "mgf",
    "moment",
    "numeric_expectation",
    "parameter_values",
    "result_wrt",
    "variance",
]

#: Draws used when Monte Carlo stands in for a symbolic expectation.
MC_SAMPLES = 1_000_000
#: Draws of the Monte Carlo check of an expectation.
MC_CHECK_SAMPLES = 200_000
#: Results with at most this many operations are kept as SymPy returns them (not simplified).
SHORT_OPS = 4
#: Seconds the symmetry rule (a simplification and two limits) may take at most.
SYMMETRY_SECONDS = 3.0

# --- the set-up step ---------------------------------------------------------------------------


def _setup_latex(g: sympy.Expr, rvs: tuple[RandomSymbol, ...]) -> tuple[str, str]:
    r"""LaTeX of the sum/integral E[g] set up from the densities, and its title."""
    taken = set(g.free_symbols) | set().union(*(X.pspace.distribution.free_symbols for X in rvs))
    dummies = {X: dummy(X, taken) for X in rvs}
    body = g.xreplace(dummies)
    if len(rvs) == 1 and kind(rvs[0]) == "finite" and len(finite_table(rvs[0])) <= 8:
        X = rvs[0]
        terms = [
            sympy.Mul(body.xreplace({dummies[X]: v}), p, evaluate=False)
            for v, p in finite_table(X).items()
        ]
        return tex(sympy.Add(*terms, evaluate=False)), "expectation as a sum over the values"
    prefix: list[str] = []
    suffix: list[str] = []
    factors: list[str] = []
    kinds = set()
    for X in rvs:
        x, k = dummies[X], kind(X)
        kinds.add(k)
        if k == "continuous":
            a, b = support(X)
            prefix.append(rf"\int_{{{tex(a)}}}^{{{tex(b)}}}")
            suffix.insert(0, rf"\, d{tex(x)}")
            factors.append(
                tex(density(X, x))
                if sympy.count_ops(density(X, x)) < 40
                else rf"f_{{{tex(X)}}}({tex(x)})"
            )
        elif k == "discrete":
            a, b = support(X)
            prefix.append(rf"\sum_{{{tex(x)}={tex(a)}}}^{{{tex(b)}}}")
            factors.append(tex(density(X, x)))
        else:
            values = ", ".join(tex(v) for v in finite_table(X))
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


# --- numeric expectations ------------------------------------------------------------------


def numeric_expectation(
    expr: ExprLike, *, rng: RngLike = None, samples: int = MC_SAMPLES
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
        >>> from symml.probability import Normal
        >>> X = Normal("X", 0, 1)
        >>> value, error, method = numeric_expectation(sympy.sin(X) ** 2)
        >>> round(value, 10), method
        (0.4323323584, 'numeric')
        >>> value, error, method = numeric_expectation(sympy.exp(sympy.I * Normal("Y", 1, 1)))
        >>> round(value.real, 10), round(value.imag, 10)  # e^(i − 1/2)
        (0.327709914, 0.5103779515)
    """
    e, _ = as_expr(expr)
    params = parameters(e)
    if params:
        raise ValueError(
            f"{e} has symbolic parameters ({', '.join(sorted(map(str, params)))}); "
            f"give them values for a numeric expectation"
        )
    re, im = real_imag(e)
    if im == 0:
        return _numeric_real(e, rng, samples)
    (vr, er, method), (vi, ei, _) = (_numeric_real(part, rng, samples) for part in (re, im))
    if math.isinf(vr) or math.isinf(vi):
        part, value = ("real", vr) if math.isinf(vr) else ("imaginary", vi)
        raise IntegralDoesNotExist(f"E[{e}] does not exist: the mean of its {part} part is {value}")
    return complex(vr, vi), math.hypot(er, ei), method


def _numeric_real(e: sympy.Expr, rng: RngLike, samples: int) -> tuple[float, float, str]:
    """:func:`numeric_expectation` of a real-valued expression."""
    rvs = random_variables(e)
    if not rvs:
        return float(e), 0.0, "numeric"
    if len(rvs) == 1:
        value, err = one_variable_mean(e, rvs[0], what=f"E[{e}]")
        return value, err, "numeric"
    est = monte_carlo(e, samples, rng=as_rng(rng))
    return float(est.mean), float(est.stderr), "monte-carlo"


def _number(value: float | complex) -> sympy.Expr:
    """A numeric result as a SymPy number (15 digits): a Float, or Float + I·Float."""
    if isinstance(value, complex):
        return sympy.Float(value.real, 15) + sympy.I * sympy.Float(value.imag, 15)
    return sympy.Float(value, 15)


# --- the shared flow: SymPy under a time limit, numeric fallback ----------------------------------

_UNEVALUATED = (sympy.Integral, sympy.Sum)


def _unevaluated(value: Any) -> bool:
    return isinstance(value, sympy.Basic) and value.has(*_UNEVALUATED, Expectation, Probability)


def _usable(value: Any, numeric: bool, real: bool = True) -> bool:
    """Whether SymPy's ``value`` can be returned: evaluated, and (with numeric parameters)
    a number, real unless the quantity may be complex (``real=False``)."""
    if not isinstance(value, sympy.Expr) or value.has(sympy.zoo, sympy.nan):
        return False
    if _unevaluated(value) or random_symbols(value):
        return False
    if numeric:
        try:
            c = complex(value.evalf(30))
        except (TypeError, ValueError):
            return False
        return c == c and (not real or abs(c.imag) <= 1e-12 * max(1.0, abs(c.real)))
    return True


#: A numeric value: ``(value, error, method)`` (see :func:`numeric_expectation`).
Numeric = tuple[float | complex, float, str]
#: What :func:`evaluate_plan` gives: ``(result, method, error, steps)``.
Outcome = tuple[Any, str, float | None, list[Step]]


@dataclass(frozen=True)
class Plan:
    """How to compute one quantity: the SymPy call and the numeric stand-in."""

    what: str  # "E[X**2]", named in messages
    symbolic: Callable[[], Any]  # run under the operation's deadline
    numeric: Callable[[], Numeric]
    numeric_ok: bool  # parameters are all numeric
    numeric_title: str = "numeric evaluation"
    try_symbolic: bool = True  # False: SymPy already failed on a part
    real: bool = True  # False: the quantity may be complex


def evaluate_plan(plan: Plan, lhs: str, deadline: Deadline) -> Outcome:
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
        steps = [Step.equation("evaluate", lhs, raw)]
        short = isinstance(raw, sympy.Expr) and sympy.count_ops(raw) <= SHORT_OPS
        result = (
            simplify_limited([raw], timeout=deadline.left(SIMPLIFY_SECONDS))[0]
            if isinstance(raw, sympy.Expr) and not short
            else raw
        )
        if result != raw:
            steps.append(Step.equation("simplify", lhs, result))
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
                [Step.equation(f"{how}: the integral diverges ({reason})", lhs, result)],
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
    if isinstance(raw, sympy.Expr) and not random_symbols(raw):
        return (
            raw,
            "symbolic",
            None,
            [Step.equation("no closed form (left unevaluated)", lhs, raw)],
        )
    raise NoClosedFormError(f"{plan.what}: SymPy found no closed form")


def _random_expr(expr: ExprLike, what: str) -> tuple[sympy.Expr, tuple[Step, ...]]:
    e, prior = as_expr(expr, what=what)
    if not isinstance(e, sympy.Expr):
        raise ValueError(f"{what} must be a scalar expression of random variables, got {e!r}")
    if not random_symbols(e):
        raise ValueError(
            f"{what} {e} contains no random variable; build one with Normal(...), "
            f"Die(...) ... or bind() the names of a parsed expression"
        )
    return e, prior


def _real_valued(expr: ExprLike, op: str) -> ExprLike:
    """``expr``, refused when it is complex-valued (Var and Cov are defined here for real
    quantities; E[(Z − E Z)²] of a complex Z is not |Z − E Z|²)."""
    e = as_expr(expr)[0]
    if isinstance(e, sympy.Expr) and random_symbols(e) and real_imag(e)[1] != 0:
        raise ValueError(
            f"{op}: {e} is complex-valued; give its real and imaginary parts "
            f"(sympy.re, sympy.im) separately"
        )
    return expr


def result_wrt(result: Any) -> tuple[sympy.Symbol, ...]:
    """The free symbols of a result, sorted by name (its parameters)."""
    syms = {s for s in getattr(result, "free_symbols", set()) if isinstance(s, sympy.Symbol)}
    return sorted_symbols(syms)


def _E(e: sympy.Expr) -> sympy.Expr:
    return positively(_stats.E, e)


def _known(e: sympy.Expr, deadline: Deadline) -> Outcome | None:
    """E[e] from what the family says, before any integral: a known mean of log X
    (:func:`~symml.probability.known.log_mean`), else symmetry about the centre
    (:func:`~symml.probability.known.symmetric_mean`, under ``deadline``); ``None`` when
    neither applies."""
    (inside,), undo = positive_inside(e)
    found = log_mean(inside)
    if found is None and may_be_symmetric(inside):
        try:
            found = deadline.run(
                symmetric_mean, inside, what=f"the symmetry of E[{e}]", cap=SYMMETRY_SECONDS
            )
        except (KeyboardInterrupt, SystemExit):  # pragma: no cover
            raise
        except Exception:  # a timeout or a SymPy failure: the integral is tried instead
            found = None
    if found is None:
        return None
    value, steps = found
    return back(value, undo), "symbolic", None, steps


def _numeric_for(e: sympy.Expr, rng: RngLike, samples: int) -> Callable[[], Numeric]:
    return functools.partial(numeric_expectation, e, rng=rng, samples=samples)


def _cross_check(e: sympy.Expr, result: Any, lhs: str, steps: list[Step]) -> Outcome:
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
                Step.equation(
                    "the integral diverges (SymPy's finite value disagreed)", lhs, number
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
        >>> from symml.probability import Exponential, Normal
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


def _check_symbolic(e: sympy.Expr, plan: Plan, outcome: Outcome, lhs: str) -> Outcome:
    """``outcome`` of :func:`evaluate_plan`, with a symbolic value of one (non-finite) variable
    and numeric parameters cross-checked by quadrature (:func:`_cross_check`)."""
    result, method, _, steps = outcome
    rvs = random_variables(e)
    if method == "symbolic" and plan.numeric_ok and len(rvs) == 1 and kind(rvs[0]) != "finite":
        return _cross_check(e, result, lhs, steps)
    return outcome


def expectation(
    expr: ExprLike, timeout: float | None = None, *, rng: RngLike = None, samples: int = MC_SAMPLES
) -> Derivation:
    r"""E[expr] for an expression of independent random variables.

    Args:
        expr: An expression of random variables (from
            :data:`~symml.probability.distributions.FAMILIES` or ``ContinuousRV``).
        timeout: Seconds SymPy may take, simplification included (``None``:
            ``config.timeout``; :data:`~symml.config.NO_LIMIT`: no limit).
        rng: Generator (or seed) for a Monte Carlo fallback.
        samples: Draws of a Monte Carlo fallback.

    Returns:
        A Derivation: the integral/sum set up from the densities, its evaluation, the
        simplified result; ``method`` is ``"numeric"`` or ``"monte-carlo"`` for a fallback.

    Raises:
        ValueError: When ``expr`` has no random variable.
        DerivationTimeout: On timeout when parameters are symbolic.

    Examples:
        >>> from symml.probability import Normal
        >>> X = Normal("X", 0, 1)
        >>> d = expectation(X**2)
        >>> d.result, [s.title for s in d.steps]
        (1, ['expectation as an integral', 'evaluate'])
        >>> d = expectation(sympy.exp(sympy.sin(X)), timeout=1)
        >>> d.method, round(float(d.result), 8)
        ('numeric', 1.22932482)
    """
    e, prior = _random_expr(expr, "expr")
    return _expectation(e, prior, Deadline(timeout), rng, samples)


def _expectation(
    e: sympy.Expr, prior: tuple[Step, ...], deadline: Deadline, rng: RngLike, samples: int
) -> Derivation:
    """:func:`expectation` within ``deadline`` (shared with the other parts of a call)."""
    rvs = random_variables(e)
    lhs = rf"\mathbb{{E}}\left[{tex(e)}\right]"
    setup, title = _setup_latex(e, rvs)
    plan = Plan(
        f"E[{e}]",
        functools.partial(_E, e),
        _numeric_for(e, rng, samples),
        not parameters(e),
        "quadrature" if len(rvs) == 1 else "numeric evaluation",
        real=real_imag(e)[1] == 0,
    )
    # a known answer is an identity of its family (the mean exists): SymPy's integrals,
    # not these, are what the quadrature cross-check guards against
    known = _known(e, deadline)
    result, method, error, steps = known or _check_symbolic(
        e, plan, evaluate_plan(plan, lhs, deadline), lhs
    )
    return Derivation(
        result,
        result_wrt(result),
        (*prior, Step.equation(title, lhs, setup), *steps),
        lhs,
        method=method,
        error=error,
        operation="expectation",
        check=functools.partial(_check_expectation, mean_of=e),
    )


def moment(X: ExprLike, k: int, timeout: float | None = None, *, rng: RngLike = None) -> Derivation:
    r"""The k-th raw moment E[X^k].

    Args:
        X: A random variable or an expression of them.
        k: The order, a non-negative integer.
        timeout: Seconds SymPy may take (``None``: ``config.timeout``).
        rng: Generator (or seed) for a Monte Carlo fallback.

    Examples:
        >>> from symml.probability import Normal
        >>> moment(Normal("X", 0, 1), 4).result
        3
    """
    e, prior = _random_expr(X, "X")
    if isinstance(k, bool) or not isinstance(k, int) or k < 0:
        raise ValueError(f"moment: k must be a non-negative integer, got {k!r}")
    lhs = rf"\mathbb{{E}}\left[{tex(e)}^{{{k}}}\right]"
    if k == 0:  # X⁰ = 1 is no random expression: the total probability (checked as the
        # mean of X⁰, so that Monte Carlo still draws X)
        return Derivation(
            sympy.S.One,
            (),
            (*prior, Step.equation("the total probability", lhs, 1)),
            lhs,
            operation="moment",
            check=functools.partial(_check_expectation, mean_of=e, power=0),
        )
    d = _expectation(e**k, (), Deadline(timeout), rng, MC_SAMPLES)
    return Derivation(
        d.result,
        d.wrt,
        (*prior, *d.steps),
        lhs,
        method=d.method,
        error=d.error,
        operation="moment",
        check=functools.partial(_check_expectation, mean_of=e**k),
    )


def variance(
    expr: ExprLike, timeout: float | None = None, *, rng: RngLike = None, samples: int = MC_SAMPLES
) -> Derivation:
    r"""Var[expr] = E[(expr − E[expr])²].

    Args:
        expr: A real expression of random variables.
        timeout: Seconds SymPy may take, the mean included (``None``: ``config.timeout``).
        rng: Generator (or seed) for a Monte Carlo fallback.
        samples: Draws of a Monte Carlo fallback.

    Examples:
        >>> from symml.probability import Bernoulli, Die
        >>> variance(Die("D", 6)).result
        35/12
        >>> p = sympy.Symbol("p", positive=True)
        >>> variance(Bernoulli("B", p)).result
        p*(1 - p)
    """
    return mean_and_variance(expr, Deadline(timeout), rng, samples)[1]


def mean_and_variance(
    expr: ExprLike, deadline: Deadline, rng: RngLike, samples: int
) -> tuple[Derivation, Derivation]:
    """(E[expr], Var[expr]) within one time budget, the mean computed once for both.

    Examples:
        >>> from symml.probability import Die
        >>> mean, var = mean_and_variance(Die("D", 6), Deadline(None), None, MC_SAMPLES)
        >>> mean.result, var.result
        (7/2, 35/12)
    """
    e, prior = _random_expr(_real_valued(expr, "variance"), "expr")
    mean = _expectation(e, (), deadline, rng, samples)
    centered = (e - mean.result) ** 2
    lhs = rf"\operatorname{{Var}}\left[{tex(e)}\right]"
    setup, title = _setup_latex(centered, random_variables(e))
    plan = Plan(
        f"Var[{e}]",
        functools.partial(positively, _stats.variance, e),
        _numeric_for(centered, rng, samples),
        not parameters(e),
        try_symbolic=mean.method == "symbolic",
    )
    result, method, error, steps = evaluate_plan(plan, lhs, deadline)
    if mean.method != "symbolic" and method == "symbolic":
        method = mean.method
    head = [
        Step(
            "definition",
            rf"{lhs} = \mathbb{{E}}\left[\left({tex(e)} - "
            rf"\mathbb{{E}}[{tex(e)}]\right)^{{2}}\right]",
        ),
        Step.equation("mean", rf"\mathbb{{E}}\left[{tex(e)}\right]", mean.result),
        Step.equation(title, lhs, setup),
    ]
    return mean, Derivation(
        result,
        result_wrt(result),
        (*prior, *head, *steps),
        lhs,
        method=method,
        error=error,
        operation="variance",
        check=functools.partial(_check_expectation, mean_of=centered),
    )


def covariance(
    a: ExprLike,
    b: ExprLike,
    timeout: float | None = None,
    *,
    rng: RngLike = None,
    samples: int = MC_SAMPLES,
) -> Derivation:
    r"""Cov[a, b] = E[(a − E[a])(b − E[b])].

    Args:
        a: A real expression of random variables.
        b: Another.
        timeout: Seconds SymPy may take, the means included (``None``: ``config.timeout``).
        rng: Generator (or seed) for a Monte Carlo fallback.
        samples: Draws of a Monte Carlo fallback.

    Examples:
        >>> from symml.probability import Normal
        >>> X, Y = Normal("X", 0, 1), Normal("Y", 0, 2)
        >>> covariance(X + Y, X - Y).result
        -3
    """
    ea, prior_a = _random_expr(_real_valued(a, "covariance"), "a")
    eb, prior_b = _random_expr(_real_valued(b, "covariance"), "b")
    deadline = Deadline(timeout)  # E[a], E[b] and Cov share it: the call ends within timeout
    da = _expectation(ea, (), deadline, rng, samples)
    db = _expectation(eb, (), deadline, rng, samples)
    ma, mb = da.result, db.result
    product = (ea - ma) * (eb - mb)
    lhs = rf"\operatorname{{Cov}}\left[{tex(ea)}, {tex(eb)}\right]"
    setup, title = _setup_latex(product, random_variables(product))
    plan = Plan(
        f"Cov[{ea}, {eb}]",
        functools.partial(positively, _stats.covariance, ea, eb),
        _numeric_for(sympy.expand(product), rng, samples),
        not (parameters(ea) | parameters(eb)),
        try_symbolic=da.method == db.method == "symbolic",
    )
    result, method, error, steps = evaluate_plan(plan, lhs, deadline)
    head = [
        Step(
            "definition",
            rf"{lhs} = \mathbb{{E}}\left[\left({tex(ea)} - {tex(ma)}\right)"
            rf"\left({tex(eb)} - {tex(mb)}\right)\right]",
        ),
        Step.equation(title, lhs, setup),
    ]
    return Derivation(
        result,
        result_wrt(result),
        (*prior_a, *prior_b, *head, *steps),
        lhs,
        method=method,
        error=error,
        operation="covariance",
        check=functools.partial(_check_expectation, mean_of=product),
    )


def _mgf_symbolic(e: sympy.Expr, t: sympy.Expr) -> sympy.Expr:
    if isinstance(e, RandomSymbol):
        return _stats.moment_generating_function(e)(t)
    return _stats.E(sympy.exp(t * e))


def mgf(
    X: ExprLike, t: ExprLike | None = None, timeout: float | None = None, *, rng: RngLike = None
) -> Derivation:
    r"""The moment generating function M(t) = E[exp(t X)].

    Args:
        X: A random variable or an expression of them.
        t: The argument (default the symbol ``t``), a symbol or a number.
        timeout: Seconds SymPy may take (``None``: ``config.timeout``).
        rng: Generator (or seed) for a Monte Carlo fallback.

    Examples:
        >>> from symml.probability import Exponential, Normal
        >>> mgf(Normal("X", 0, 1)).result
        exp(t**2/2)
        >>> mgf(Exponential("X", 2), 1).result
        2
    """
    e, prior = _random_expr(X, "X")
    t = sympy.Symbol("t", real=True) if t is None else as_expr(t, what="t")[0]
    deadline = Deadline(timeout)
    g = sympy.exp(t * e)
    lhs = rf"M_{{{tex(e)}}}({tex(t)})"
    setup, title = _setup_latex(g, random_variables(e))
    plan = Plan(
        f"E[{g}]",
        functools.partial(positively, _mgf_symbolic, e, t),
        _numeric_for(g, rng, MC_SAMPLES),
        not parameters(g),
        real=real_imag(g)[1] == 0,
    )
    result, method, error, steps = _check_symbolic(g, plan, evaluate_plan(plan, lhs, deadline), lhs)
    head = [
        Step("definition", rf"{lhs} = \mathbb{{E}}\left[{tex(g)}\right]"),
        Step.equation(title, lhs, setup),
    ]
    return Derivation(
        result,
        result_wrt(result),
        (*prior, *head, *steps),
        lhs,
        method=method,
        error=error,
        operation="mgf",
        check=functools.partial(_check_mgf, X=e, t=t),
    )


# --- the checks: Monte Carlo within 4 standard errors -------------------------------------


def _monte_carlo_caveat(expr: ExprLike, target: float) -> str | None:
    """Why a Monte Carlo ±4σ check of ``E[expr] = target`` would be no evidence, or ``None``.

    A mean of a non-negative (non-positive) expression cannot be negative (positive); and
    where ``E[expr²]`` is infinite (a heavy tail, for one variable) the sample's standard
    error does not bound its error, so agreement within 4σ says nothing.

    Examples:
        >>> from symml.probability import Normal
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
    if random_symbols(e) and real_imag(e)[1] != 0:
        return (
            f"{e} is complex-valued: Monte Carlo checks real draws (its real and "
            f"imaginary parts would each need a check)"
        )
    if (e.is_nonnegative and target < 0) or (e.is_nonpositive and target > 0):
        sign = "non-negative" if e.is_nonnegative else "non-positive"
        return f"the mean of the {sign} {e} cannot be {target:.6g}"
    rvs = random_variables(e)
    if len(rvs) != 1 or kind(rvs[0]) == "finite" or parameters(e):
        return None
    square = sympy.expand(e**2) if e.is_polynomial(*rvs) else e**2
    try:
        second, _ = one_variable_mean(square, rvs[0], what=f"E[{square}]")
    except (NoConvergenceError, NotSupportedError, TypeError, ValueError, ArithmeticError) as exc:
        return f"Var[{e}] could not be shown finite ({exc}), so Monte Carlo is no evidence"
    if math.isinf(second):
        return (
            f"Var[{e}] is infinite (E[{square}] = ∞, a heavy tail): a Monte Carlo "
            f"standard error bounds nothing"
        )
    return None


def _infinite_expectation_holds(expr: ExprLike, target: float) -> tuple[bool, str]:
    """Whether quadrature (a summed series) also finds ``E[expr] = target = ±∞``.

    Examples:
        >>> from symml.probability import Exponential
        >>> _infinite_expectation_holds(1 / Exponential("T", 1), math.inf)[0]
        True
    """
    e, _ = as_expr(expr)
    rvs = random_variables(e)
    if len(rvs) != 1 or parameters(e):
        return False, f"no numeric check of the infinite E[{e}] of several variables"
    try:
        value, _ = one_variable_mean(e, rvs[0], what=f"E[{e}]")
    except (NoConvergenceError, NotSupportedError) as exc:
        return False, f"E[{e}] = {target} against quadrature: {exc}"
    if value == target:
        return True, f"the integral of E[{e}] diverges to {value} (probe of the integrand)"
    return False, f"E[{e}] = {target} against quadrature {value:.12g}"


def parameter_values(
    result: Any, inputs: Iterable[Any], rng: np.random.Generator
) -> dict[sympy.Symbol, sympy.Float]:
    """Values in (0.2, 0.8), increasing in name order, for the symbolic parameters of a
    result and of the operation's inputs (so that a probability stays in [0, 1] and
    ``Uniform(a, b)`` keeps ``a < b``); a symbol named ``t`` (the mgf's) is left free.

    Examples:
        >>> from symml.probability import Uniform
        >>> a, b = sympy.symbols("a b")
        >>> values = parameter_values(a + b, [Uniform("U", a, b)], np.random.default_rng(0))
        >>> list(values), bool(values[a] < values[b])
        ([a, b], True)
    """
    params: set[Any] = set(getattr(result, "free_symbols", set()))
    for value in inputs:
        if isinstance(value, sympy.Basic):
            params |= parameters(value)
    params = {p for p in params if isinstance(p, sympy.Symbol) and p.name != "t"}
    draws = np.sort(rng.uniform(0.2, 0.8, size=len(params)))
    ordered = sorted(params, key=lambda s: s.name)
    return {p: sympy.Float(v) for p, v in zip(ordered, draws, strict=True)}


def _check_expectation(
    d: Derivation,
    points: int,
    rng: np.random.Generator,
    rtol: float,
    *,
    mean_of: sympy.Expr,
    power: int = 1,
) -> Verification:
    """E[mean_of**power] (the result of an expectation, moment, variance or covariance)
    against a Monte Carlo mean within 4 standard errors, at random values of its
    parameters; an infinite one against the divergence probe of its integral.

    ``power`` is kept apart from ``mean_of`` for ``X**0``, which SymPy would rebuild as 1
    (nothing left to draw) when the derivation is unpickled.
    """
    if power != 1:
        mean_of = sympy.Pow(mean_of, power, evaluate=False)
    values = parameter_values(d.result, [mean_of], rng)
    value = complex(sympy.N(sympy.sympify(d.result).subs(values)))
    mean_of = mean_of.subs(values)
    if np.isinf(value.real) and value.imag == 0:  # Monte Carlo cannot see infinity: the probe can
        ok, details = _infinite_expectation_holds(mean_of, value.real)
        return Verification(
            passed=ok,
            max_error=0.0 if ok else float("inf"),
            method="divergence probe",
            points=1,
            details=details,
        )
    # a complex expectation (E[exp(iX)]) is checked part by part: Monte Carlo of Re g and Im g,
    # split as numeric_expectation splits them (each variable on its support: √T of a
    # positive T is real)
    re_g, im_g = real_imag(mean_of)
    parts = (
        [(mean_of, value.real, "")]
        if im_g == 0
        else [(re_g, value.real, "real part "), (im_g, value.imag, "imaginary part ")]
    )
    if len(parts) == 1 and value.imag != 0:
        return Verification(
            passed=False,
            max_error=abs(value.imag),
            method="Monte Carlo ±4σ",
            points=0,
            details=f"{d.operation} {value:.6g} is complex but {mean_of} is real",
        )
    passed, worst, n, said = True, 0.0, 0, []
    for part, target, name in parts:
        caveat = _monte_carlo_caveat(part, target)
        if caveat is not None:  # a negative mean of a square; a heavy tail
            return Verification(
                passed=False,
                max_error=float("inf"),
                method="Monte Carlo ±4σ",
                points=0,
                details=f"{name}{caveat}",
            )
        est = monte_carlo(part, MC_CHECK_SAMPLES, rng=rng)
        gap = abs(est.mean - target)
        if d.error:  # a Monte Carlo result itself: both errors count
            passed &= gap <= 4 * float(np.hypot(est.stderr, d.error)) + 1e-12 * max(
                1.0, abs(target)
            )
        else:
            passed &= est.agrees_with(target, sigmas=4)
        worst, n = max(worst, gap), n + est.n
        said.append(f"{name}{target:.6g} against Monte Carlo {est}")
    return Verification(
        passed=bool(passed),
        max_error=worst,
        method="Monte Carlo ±4σ",
        points=n,
        details=f"{d.operation} " + "; ".join(said) + f" at {values or 'the given parameters'}",
    )


def _check_mgf(
    d: Derivation,
    points: int,
    rng: np.random.Generator,
    rtol: float,
    *,
    X: sympy.Expr,
    t: sympy.Expr,
) -> Verification:
    """M(t) against Monte Carlo means of exp(tX) (at t = −0.1 and 0.05 for a symbolic t),
    within 4 standard errors, at random values of the parameters."""
    values = parameter_values(d.result, [X, t], rng)
    X = X.subs(values)
    ts = (-0.1, 0.05) if isinstance(t, sympy.Symbol) else (None,)
    worst, passed, n = 0.0, True, 0
    for tv in ts:
        at = {**values, t: tv} if tv is not None else values
        target = complex(sympy.N(sympy.sympify(d.result).subs(at))).real
        est = monte_carlo(sympy.exp((tv if tv is not None else t) * X), MC_CHECK_SAMPLES, rng=rng)
        gap = abs(est.mean - target)
        passed &= gap <= 4 * float(np.hypot(est.stderr, d.error or 0.0)) + 1e-12
        worst, n = max(worst, gap), n + est.n
    return Verification(
        passed=bool(passed),
        max_error=worst,
        method="Monte Carlo ±4σ",
        points=n,
        details="M(t) against Monte Carlo means of exp(tX)",
    )
