"""The numeric checks behind every ``Derivation.verify()``.

Each check compares a symbolic result with an independent numeric computation: central
differences for derivatives (first and second order, in random directions, as
autograd's ``check_grads`` does), quadrature for integrals, Monte Carlo for
expectations, ``A v = λ v`` for eigenpairs. :data:`CHECKS` maps a Derivation's
``operation`` to its check.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import sympy

from symml.derivation import Derivation, Verification, as_rng
from symml.errors import NotSupportedError

__all__ = [
    "CHECKS",
    "random_points",
    "relative_error",
    "verify_derivation",
]

Check = Callable[[Derivation, int, np.random.Generator, float], Verification]


def relative_error(a: Any, b: Any) -> float:
    """Largest ``|a - b| / max(1, |a|, |b|)`` over all entries (``inf`` for non-finite).

    Examples:
        >>> relative_error(1.0, 1.0 + 1e-9) < 1e-8
        True
    """
    a, b = np.asarray(a, dtype=complex), np.asarray(b, dtype=complex)
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        return float("inf")
    scale = np.maximum(1.0, np.maximum(np.abs(a), np.abs(b)))
    return float(np.max(np.abs(a - b) / scale)) if a.size else 0.0


def random_points(
    f: Callable[..., Any] | Sequence[Callable[..., Any]],
    n_vars: int,
    count: int,
    rng: np.random.Generator,
    *,
    tries: int = 50,
) -> np.ndarray:
    """Random points (count, n_vars) where ``f`` is finite and real, drawn from ±[0.3, 2]
    per axis (then from [0.3, 2] when the domain seems to need positive values).

    Args:
        f: A function of ``n_vars`` arguments, or a sequence of them: every one must be
            finite and real at each point (a check needs the original function *and* its
            claimed result to be defined there: ``log(x)`` and ``1/x`` at ``x < 0``).
        n_vars: How many arguments.
        count: How many points.
        rng: The random generator.
        tries: How many batches to draw before giving up.

    Raises:
        NotSupportedError: When no such points are found.

    Examples:
        >>> import symml as sm
        >>> log = sm.to_numpy("log(x - 1)", "x")
        >>> X = random_points(log, 1, 4, np.random.default_rng(0))
        >>> bool(np.all(X > 1))
        True
    """
    functions = tuple(f) if isinstance(f, Sequence) else (f,)
    found: list[np.ndarray] = []
    with np.errstate(all="ignore"):
        for attempt in range(tries):
            sign = rng.choice([-1.0, 1.0], size=(count, n_vars)) if attempt < tries // 2 else 1.0
            X = sign * rng.uniform(0.3, 2.0, size=(count, n_vars))
            ok = np.ones(count, dtype=bool)
            for g in functions:
                vals = _values_at(g, X, count)
                ok &= np.all(np.isfinite(vals), axis=1) & np.all(np.imag(vals) == 0, axis=1)
            found.extend(X[ok])
            if len(found) >= count:
                return np.array(found[:count]).reshape(count, n_vars)
    raise NotSupportedError(
        "could not find points where the function and its result are "
        "finite and real to check them at"
    )


def _values_at(g: Callable[..., Any], X: np.ndarray, count: int) -> np.ndarray:
    """``g`` at the rows of ``X``, one row of values per point (constants broadcast)."""
    vals = np.asarray(g(*X.T)) if X.shape[1] else np.asarray(g())
    if X.shape[1] and vals.ndim and vals.shape[0] == count:
        return vals.reshape(count, -1)
    return np.broadcast_to(vals, (count,) + vals.shape).reshape(count, -1)


# --- linear algebra checks (issue 4) -------------------------------------------------------


def _check_linalg(
    d: Derivation, points: int, rng: np.random.Generator, rtol: float
) -> Verification:
    """det, inverse, charpoly, projection, norm, gram_schmidt against numpy.linalg."""
    from symml.linalg import check_derivation

    return check_derivation(d, points, rng, rtol)


# --- probability checks (issue 5) ----------------------------------------------------------

#: Draws of the Monte Carlo check of an expectation.
MC_CHECK_SAMPLES = 200_000


def _parameter_values(d: Derivation, rng: np.random.Generator) -> dict[Any, Any]:
    """Values in (0.2, 0.8), increasing in name order, for symbolic parameters (so that a
    probability stays in [0, 1] and ``Uniform(a, b)`` keeps ``a < b``)."""
    from symml.probability import _parameters

    params: set[Any] = set(getattr(d.result, "free_symbols", set()))
    for value in d.source.values():
        if isinstance(value, sympy.Basic):
            params |= _parameters(value)
    params = {p for p in params if isinstance(p, sympy.Symbol) and p.name != "t"}
    draws = np.sort(rng.uniform(0.2, 0.8, size=len(params)))
    ordered = sorted(params, key=lambda s: s.name)
    return {p: sympy.Float(v) for p, v in zip(ordered, draws, strict=True)}


def _check_expectation(
    d: Derivation, points: int, rng: np.random.Generator, rtol: float
) -> Verification:
    from symml.probability import _infinite_expectation_holds, _monte_carlo_caveat, _real_imag
    from symml.sampling import monte_carlo

    values = _parameter_values(d, rng)
    value = complex(sympy.N(sympy.sympify(d.result).subs(values)))
    mean_of = d.source["mean_of"].subs(values)
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
    # split as probability splits them (each variable on its support: √T of a positive T is real)
    re_g, im_g = _real_imag(mean_of)
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


def _check_mgf(d: Derivation, points: int, rng: np.random.Generator, rtol: float) -> Verification:
    from symml.sampling import monte_carlo

    values = _parameter_values(d, rng)
    X, t = d.source["X"].subs(values), d.source["t"]
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


def _check_information(
    d: Derivation, points: int, rng: np.random.Generator, rtol: float
) -> Verification:
    """Entropy or KL: quadrature (numeric sum) of the density; Monte Carlo when the result
    itself came from quadrature."""
    from symml.probability import _log_density_of, _numeric_information
    from symml.sampling import monte_carlo

    values = _parameter_values(d, rng)
    P = d.source["P"].subs(values)
    Q = d.source["Q"].subs(values) if d.source["Q"] is not None else None
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
    g = -_log_density_of(P, P) if Q is None else _log_density_of(P, P) - _log_density_of(Q, P, P)
    est = monte_carlo(g, MC_CHECK_SAMPLES, rng=rng)
    gap = abs(est.mean - target)
    passed = gap <= 4 * float(np.hypot(est.stderr, d.error or 0.0)) + 1e-12
    return Verification(
        passed=bool(passed),
        max_error=gap,
        method="Monte Carlo ±4σ",
        points=est.n,
        details=f"{d.operation} against Monte Carlo {est}",
    )


#: The numeric check of each operation (a Derivation's ``operation``).
CHECKS: dict[str, Check] = {
    # checks: linear algebra (issue 4)
    "det": _check_linalg,
    "inverse": _check_linalg,
    "charpoly": _check_linalg,
    "projection": _check_linalg,
    "norm": _check_linalg,
    "gram_schmidt": _check_linalg,
    # checks: probability (issue 5)
    "expectation": _check_expectation,
    "moment": _check_expectation,
    "variance": _check_expectation,
    "covariance": _check_expectation,
    "mgf": _check_mgf,
    "entropy": _check_information,
    "kl_divergence": _check_information,
}


def verify_derivation(
    d: Derivation, *, points: int = 5, rng: Any = None, rtol: float = 1e-6
) -> Verification:
    """Run the numeric check that fits ``d.operation``.

    Raises:
        NotSupportedError: When no numeric check exists for this kind of result.
        ValueError: For ``points < 1`` or ``rtol <= 0``.

    Examples:
        >>> import symml as sm
        >>> v = verify_derivation(sm.hessian("x**3*y", "x, y"), rng=0)
        >>> v.passed, v.method
        (True, 'second-order central differences')
    """
    if isinstance(points, bool) or not isinstance(points, int) or points < 1:
        raise ValueError(f"points must be a positive integer, got {points!r}")
    if not rtol > 0:
        raise ValueError(f"rtol must be positive, got {rtol!r}")
    check = d.check or CHECKS.get(d.operation)  # the check attached, else by name
    if check is None:
        raise NotSupportedError(f"no numeric check for a {d.operation or 'plain'} result")
    return check(d, points, as_rng(rng), rtol)
