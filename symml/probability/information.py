"""Information: entropy and KL divergence, in nats.

Both are expectations of a log-density, E[−log f(X)] and E_P[log p(X) − log q(X)],
computed by the flow of :mod:`symml.probability.expectations` (SymPy under the time limit,
then quadrature or a numeric sum); a finite variable's is the exact sum over its table. Each
result carries its check: quadrature (numeric sum) of the density against a symbolic
value, Monte Carlo against a numeric one.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import sympy
from sympy import stats as _stats
from sympy.stats.rv import RandomSymbol

from symml.checks import relative_error
from symml.deadline import Deadline
from symml.derivation import Derivation, Step, Verification, tex
from symml.probability.draws import monte_carlo
from symml.probability.expectations import (
    MC_CHECK_SAMPLES,
    Numeric,
    Plan,
    evaluate_plan,
    parameter_values,
    result_wrt,
)
from symml.probability.known import positively
from symml.probability.numeric import one_variable_mean
from symml.probability.variables import (
    density,
    dummy,
    finite_table,
    kind,
    log_pmf,
    on_support,
    parameters,
    random_variables,
    support,
    variable_on,
)

__all__ = ["entropy", "kl_divergence"]


def _single(X: Any, what: str) -> RandomSymbol:
    if not isinstance(X, RandomSymbol):
        raise ValueError(f"{what} must be a single random variable, got {X!r}")
    random_variables(X)  # refuses a finite table too large to list
    return X


def _log_density_of(X: RandomSymbol, at: Any, over: RandomSymbol | None = None) -> sympy.Expr:
    """log f_X evaluated at ``at``, a value of ``over`` (default X): logs expanded where the
    support of ``over`` allows it, factorials as log-gamma."""
    x = variable_on(over if over is not None else X)
    return log_pmf(density(X, x), force=bool(x.is_nonnegative)).xreplace({x: at})


def _probability_at(Q: RandomSymbol, v: Any) -> Any:
    """P(Q = v) for a finite (its table) or discrete (its pmf on its support) variable."""
    if kind(Q) == "finite":
        return finite_table(Q).get(v, 0)
    dist = Q.pspace.distribution
    if dist.set.contains(v) is sympy.false:
        return sympy.S.Zero
    return on_support(dist.pdf(sympy.sympify(v)))


def _finite_information(P: RandomSymbol, Q: RandomSymbol | None) -> sympy.Expr:
    """−Σ p log p (Q is None) or Σ p log(p/q) over the values of P (Q finite or discrete:
    a sum over P's values either way)."""
    total = sympy.S.Zero
    for v, p in finite_table(P).items():
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
    if kind(X) == "finite":
        return _finite_information(X, None)
    return -_stats.E(_log_density_of(X, X))


def _numeric_information(P: RandomSymbol, Q: RandomSymbol | None) -> Numeric:
    """H(P) (Q is None) or KL(P‖Q) numerically: the exact finite sum, or quadrature (a
    numeric sum) of :func:`_information_integrand`."""
    if kind(P) == "finite":
        value = float(_finite_information(P, Q))
        return value, 1e-15 * max(1.0, abs(value)), "numeric"
    value, err = one_variable_mean(_information_integrand(P, Q), P, zero_nan=True)
    return value, err, "numeric"


def _sum_or_integral(X: RandomSymbol, x: sympy.Symbol) -> tuple[str, str]:
    """LaTeX of the integral (sum) over the support of a continuous (discrete) X in ``x``:
    the operator and the ``dx`` after the integrand."""
    a, b = support(X)
    if kind(X) == "continuous":
        return rf"\int_{{{tex(a)}}}^{{{tex(b)}}}", rf"\, d{tex(x)}"
    return rf"\sum_{{{tex(x)}={tex(a)}}}^{{{tex(b)}}}", ""


def entropy(X: RandomSymbol, timeout: float | None = None) -> Derivation:
    r"""The entropy H(X) = −E[log f(X)] in nats (differential entropy for continuous X).

    Args:
        X: A single random variable.
        timeout: Seconds SymPy may take (``None``: ``config.timeout``;
            :data:`~symml.config.NO_LIMIT`: no limit).

    Examples:
        >>> from symml.probability import Exponential, Geometric
        >>> entropy(Geometric("G", sympy.Rational(1, 2))).result.equals(2 * sympy.log(2))
        True
        >>> entropy(Exponential("X", 1)).result
        1
    """
    X = _single(X, "X")
    deadline = Deadline(timeout)
    k = kind(X)
    x = dummy(X, X.pspace.distribution.free_symbols)
    lhs = rf"H({tex(X)})"
    if k == "finite":
        setup = rf"-\sum_{{{tex(x)}}} P({tex(X)} = {tex(x)}) \log P({tex(X)} = {tex(x)})"
    else:
        f = density(X, x)
        op, dx = _sum_or_integral(X, x)
        setup = rf"-{op} \left({tex(f)}\right) \log\left({tex(f)}\right){dx}"
    head = [
        Step("definition", rf"{lhs} = -\mathbb{{E}}\left[\log f_{{{tex(X)}}}({tex(X)})\right]"),
        Step.equation(
            "entropy as an integral" if k == "continuous" else "entropy as a sum", lhs, setup
        ),
    ]
    if k != "finite":
        head.append(
            Step.equation(
                "expand the log-density",
                rf"\log f_{{{tex(X)}}}({tex(x)})",
                _log_density_of(X, x),
            )
        )
    plan = Plan(
        f"H({X})",
        functools.partial(positively, _entropy_symbolic, X),
        functools.partial(_numeric_information, X, None),
        not parameters(X),
        "quadrature" if k == "continuous" else "numeric sum",
    )
    result, method, error, steps = evaluate_plan(plan, lhs, deadline)
    return Derivation(
        result,
        result_wrt(result),
        (*head, *steps),
        lhs,
        method=method,
        error=error,
        operation="entropy",
        check=functools.partial(_check_information, P=X, Q=None),
    )


def _kl_symbolic(P: RandomSymbol, Q: RandomSymbol) -> sympy.Expr:
    if kind(P) == "finite":
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


def kl_divergence(P: RandomSymbol, Q: RandomSymbol, timeout: float | None = None) -> Derivation:
    r"""KL(P‖Q) = E_P[log p(X) − log q(X)], in nats.

    Args:
        P: A single random variable.
        Q: Another, both continuous or both discrete.
        timeout: Seconds SymPy may take (``None``: ``config.timeout``;
            :data:`~symml.config.NO_LIMIT`: no limit).

    Examples:
        >>> from symml.probability import Bernoulli, Normal
        >>> kl_divergence(Normal("P", 0, 1), Normal("Q", 1, 1)).result
        1/2
        >>> kl_divergence(Bernoulli("A", sympy.Rational(1, 2)), Bernoulli("B", 1)).result
        oo
    """
    P, Q = _single(P, "P"), _single(Q, "Q")
    if (kind(P) == "continuous") != (kind(Q) == "continuous"):
        raise ValueError(
            f"kl_divergence: P ({P}) and Q ({Q}) must both be continuous or both discrete"
        )
    deadline = Deadline(timeout)
    lhs = rf"D_{{\mathrm{{KL}}}}\left({tex(P)} \,\|\, {tex(Q)}\right)"
    x = dummy(P, P.pspace.distribution.free_symbols | Q.pspace.distribution.free_symbols)
    check = functools.partial(_check_information, P=P, Q=Q)
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
            sympy.oo, (), (*head, *steps), lhs, operation="kl_divergence", check=check
        )
    if kind(P) != "finite":
        op, dx = _sum_or_integral(P, x)
        ratio = sympy.expand(_log_density_of(P, x, P) - _log_density_of(Q, x, P))
        head += [
            Step.equation(
                "KL as an integral" if kind(P) == "continuous" else "KL as a sum",
                lhs,
                rf"{op} p({tex(x)}) \log\frac{{p({tex(x)})}}{{q({tex(x)})}}{dx}",
            ),
            Step.equation(
                "expand the log-ratio", rf"\log\frac{{p({tex(x)})}}{{q({tex(x)})}}", ratio
            ),
        ]
    plan = Plan(
        f"KL({P} || {Q})",
        functools.partial(positively, _kl_symbolic, P, Q),
        functools.partial(_numeric_information, P, Q),
        not (parameters(P) | parameters(Q)),
        "quadrature",
    )
    result, method, error, steps = evaluate_plan(plan, lhs, deadline)
    return Derivation(
        result,
        result_wrt(result),
        (*head, *steps),
        lhs,
        method=method,
        error=error,
        operation="kl_divergence",
        check=check,
    )


def _information_integrand(P: RandomSymbol, Q: RandomSymbol | None) -> sympy.Expr:
    """The g of H(P) = E[g(P)] (Q is None) or of KL(P‖Q) = E_P[g(P)]."""
    if Q is None:
        return -_log_density_of(P, P)
    return _log_density_of(P, P) - _log_density_of(Q, P, P)


def _check_information(
    d: Derivation,
    points: int,
    rng: np.random.Generator,
    rtol: float,
    *,
    P: RandomSymbol,
    Q: RandomSymbol | None,
) -> Verification:
    """Entropy or KL: quadrature (numeric sum) of the density; Monte Carlo when the result
    itself came from quadrature."""
    values = parameter_values(d.result, [P, Q], rng)
    P = P.subs(values)
    Q = Q.subs(values) if Q is not None else None
    target = complex(sympy.N(sympy.sympify(d.result).subs(values))).real
    if d.method == "symbolic":
        numeric, err, _ = _numeric_information(P, Q)
        if not (np.isfinite(target) and np.isfinite(numeric)):
            ok = bool(np.isinf(target) and not np.isfinite(numeric)) or target == numeric
            return Verification(
                passed=ok,
                max_error=0.0 if ok else float("inf"),
                method="quadrature",
                points=1,
                details="infinite divergence",
            )
        gap = relative_error(target, numeric)
        return Verification(
            passed=gap <= max(rtol, 1e-6),
            max_error=gap,
            method="quadrature",
            points=1,
            details=f"{d.operation} against quadrature {numeric:.12g}",
        )
    est = monte_carlo(_information_integrand(P, Q), MC_CHECK_SAMPLES, rng=rng)
    gap = abs(est.mean - target)
    passed = gap <= 4 * float(np.hypot(est.stderr, d.error or 0.0)) + 1e-12
    return Verification(
        passed=bool(passed),
        max_error=gap,
        method="Monte Carlo ±4σ",
        points=est.n,
        details=f"{d.operation} against Monte Carlo {est}",
    )
