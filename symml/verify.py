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

from symml.compile import to_numpy
from symml.derivation import Derivation, Verification, as_rng
from symml.errors import NotSupportedError

__all__ = [
    "CHECKS",
    "central_difference",
    "difference_error",
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


def central_difference(
    f: Callable[[np.ndarray], Any], x: np.ndarray, v: np.ndarray, h: float, order: int = 1
) -> np.ndarray:
    """Central-difference directional derivative of ``f`` at ``x`` along ``v``.

    ``order=1``: (f(x+hv) - f(x-hv)) / 2h; ``order=2``: (f(x+hv) - 2f(x) + f(x-hv)) / h².

    Examples:
        >>> float(central_difference(lambda x: x[0] ** 3, np.array([2.0]), np.array([1.0]), 1e-5))
        12.000000000...
    """
    if order == 1:
        return (np.asarray(f(x + h * v)) - np.asarray(f(x - h * v))) / (2 * h)
    if order == 2:
        return (np.asarray(f(x + h * v)) - 2 * np.asarray(f(x)) + np.asarray(f(x - h * v))) / h**2
    raise ValueError(f"order must be 1 or 2, got {order}")


def _richardson(
    f: Callable[[np.ndarray], Any], x: np.ndarray, v: np.ndarray, h: float, order: int
) -> np.ndarray:
    """Central differences with one Richardson extrapolation step (error O(h⁴))."""
    d1 = central_difference(f, x, v, h, order)
    d2 = central_difference(f, x, v, h / 2, order)
    return (4 * d2 - d1) / 3


#: Rounding noise of a difference quotient, in units of (rounding of f(x)) / h^order: each
#: value of f carries a rounding error of a few eps·|f| (more for a long formula; at least
#: the spacing of subnormal numbers, for |f| < 1e-308), the quotient divides their
#: difference by h^order, and Richardson's combination amplifies it 3-20x.
NOISE_FACTOR = 100.0


def difference_error(exact: Any, numeric: Any, noise: Any, rtol: float) -> float:
    """Largest ``|exact - numeric| / scale`` over all entries (``inf`` for non-finite).

    The scale is the larger of the two values themselves, so a function of size 1e-8 is
    checked as strictly as one of size 1 (a scale of at least 1, as :func:`relative_error`
    uses, would let a factor 2 through), and at least ``noise / rtol``: a discrepancy
    within the rounding ``noise`` of the finite difference is no evidence of an error.

    Examples:
        >>> difference_error(3e-8, 6e-8, 0.0, 1e-6)  # a factor 2 at size 1e-8
        0.5
        >>> difference_error(0.0, 1e-13, 1e-11, 1e-6) < 1e-6  # within the noise: passes
        True
    """
    a, b = np.asarray(exact, dtype=complex), np.asarray(numeric, dtype=complex)
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        return float("inf")
    if not a.size:
        return 0.0
    gap = np.abs(a - b)
    scale = np.maximum(np.maximum(np.abs(a), np.abs(b)), np.asarray(noise) / rtol)
    return float(np.max(np.where(gap > 0, gap / np.where(scale > 0, scale, 1.0), 0.0)))


def _settled_difference(
    f: Callable[[np.ndarray], Any], x: np.ndarray, v: np.ndarray, h: float, order: int, rtol: float
) -> tuple[np.ndarray, np.ndarray] | None:
    """A Richardson difference that agrees with the one at a quarter of the step (within
    ``rtol / 4``, by :func:`difference_error`), comparing ``h`` with ``h/4``, then ``h/4``
    with ``h/16``, then ``h/16`` with ``h/64``; it returns the finer value and the
    rounding noise of that value; ``None`` when no finite, settled value is found (next to
    a pole such as ``log(x - 1)`` at 1.01, the step is too coarse)."""
    floats = np.finfo(float)
    size = NOISE_FACTOR * np.maximum(
        floats.eps * np.abs(np.asarray(f(x))), floats.smallest_subnormal
    )
    coarse = _richardson(f, x, v, h, order)
    for _ in range(3):
        fine = _richardson(f, x, v, h / 4, order)
        if not (np.all(np.isfinite(coarse)) and np.all(np.isfinite(fine))):
            return None
        noise = size / (h / 4) ** order
        if difference_error(coarse, fine, noise, rtol) <= rtol / 4:
            return fine, noise
        coarse, h = fine, h / 4
    return None


def _shape_of(result: Any) -> tuple[int, ...]:
    """The symbolic result's shape: compiled n×1 results lose their second axis (API: an
    n×1 vector evaluates to shape (n,)), which a 1×1 Hessian or m×1 Jacobian needs back."""
    return tuple(result.shape) if isinstance(result, sympy.MatrixBase) else ()


def _check_directional(
    d: Derivation,
    points: int,
    rng: np.random.Generator,
    rtol: float,
    *,
    fn: Any,
    order: int,
    contract: Callable[[np.ndarray, np.ndarray], Any],
    method: str,
    direction: np.ndarray | None = None,
    details: str | None = None,
) -> Verification:
    """Compare ``contract(result(x), v)`` with a finite difference of ``fn`` along ``v``
    (a random unit vector per point, or ``direction``), at random points where ``fn`` and
    the result are finite and real. A point whose difference stencil leaves the domain
    (``log(x)`` near 0) is replaced by another; the count says how many were compared."""
    wrt = d.wrt
    base = to_numpy(fn, wrt)
    symbolic = to_numpy(d.result, wrt)
    shape = _shape_of(d.result)
    candidates = random_points((base, symbolic), len(wrt), 4 * points, rng)
    worst, used = 0.0, 0
    h = 1e-3 if order == 1 else 1e-2
    with np.errstate(all="ignore"):
        for x in candidates:
            v = direction
            if v is None:
                v = rng.standard_normal(len(wrt))
                v /= np.linalg.norm(v)
            settled = _settled_difference(lambda p: base(*p), x, v, h, order, rtol)
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
    d: Derivation, points: int, rng: np.random.Generator, rtol: float
) -> Verification:
    f, x, n = d.source["f"], d.source["x"], d.source["n"]
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
    d: Derivation, points: int, rng: np.random.Generator, rtol: float
) -> Verification:
    return _check_directional(
        d,
        points,
        rng,
        rtol,
        fn=d.source["f"],
        order=1,
        contract=lambda g, v: g.reshape(-1) @ v,
        method="central differences",
    )


def _check_jacobian(
    d: Derivation, points: int, rng: np.random.Generator, rtol: float
) -> Verification:
    return _check_directional(
        d,
        points,
        rng,
        rtol,
        fn=d.source["F"],
        order=1,
        contract=lambda J, v: J @ v,
        method="central differences",
    )


def _check_hessian(
    d: Derivation, points: int, rng: np.random.Generator, rtol: float
) -> Verification:
    second = _check_directional(
        d,
        points,
        rng,
        rtol,
        fn=d.source["f"],
        order=2,
        contract=lambda H, v: v @ H @ v,
        method="second-order central differences",
    )
    of_grad = _check_directional(
        d,
        points,
        rng,
        rtol,
        fn=d.source["gradient"],
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


# --- calculus II checks (issue 3) ---------------------------------------------------------


def _check_matrix_derivative(
    d: Derivation, points: int, rng: np.random.Generator, rtol: float
) -> Verification:
    from symml.matrixcalc import check_matrix_derivative

    return check_matrix_derivative(
        d.source["f"], d.source["X"], d.result, points=points, rng=rng, rtol=rtol
    )


#: Digits of the high-precision evaluations behind the Taylor and limit checks.
_DIGITS = 60


def _parameters(
    exprs: list[Any],
    exclude: set[Any],
    rng: np.random.Generator,
) -> dict[sympy.Symbol, sympy.Float]:
    """Random values in [0.5, 2] for the free symbols of ``exprs`` not in ``exclude``."""
    symbols: set[sympy.Symbol] = set()
    for e in exprs:
        symbols |= {s for s in getattr(e, "free_symbols", set()) if isinstance(s, sympy.Symbol)}
    ordered = sorted(symbols - set(exclude), key=lambda s: s.name)
    return {s: sympy.Float(rng.uniform(0.5, 2.0), _DIGITS) for s in ordered}


def _hp(expr: Any, subs: dict[Any, Any]) -> complex:
    """``expr`` evaluated with ``_DIGITS`` digits at ``subs`` (nan when undefined)."""
    try:
        value = sympy.sympify(expr).evalf(_DIGITS, subs=subs)
        return complex(value)
    except (TypeError, ValueError, ZeroDivisionError):
        return complex("nan")


def _check_integral(
    d: Derivation, points: int, rng: np.random.Generator, rtol: float
) -> Verification:
    specs = d.source["specs"]
    if all(a is not None for _, a, _ in specs):
        return _check_definite_integral(d, points, rng, rtol)
    if any(a is not None for _, a, _ in specs):
        raise NotSupportedError("no numeric check for a mix of definite and indefinite integrals")
    return _check_antiderivative(d, points, rng, rtol)


def _check_definite_integral(
    d: Derivation, points: int, rng: np.random.Generator, rtol: float
) -> Verification:
    """The closed form against ``scipy.integrate.quad``/``nquad`` (a numeric result against
    mpmath's tanh-sinh quadrature), at random parameter values.

    A divergent value (``oo``) passes when quadrature refuses to converge too; a finite one
    that quadrature cannot confirm on an infinite interval is checked by mpmath's
    ``quadosc`` where the integrand is an oscillation that decays (``sin(x)/x``)."""
    from symml.calculus import quadrature
    from symml.config import config
    from symml.deadline import run_limited
    from symml.errors import NoConvergenceError

    f, specs = d.source["f"], d.source["specs"]
    variables = {x for x, _, _ in specs}
    bounds = [b for _, lo, hi in specs for b in (lo, hi)]
    trials = min(points, 3)
    worst, passed, count = 0.0, True, 0
    method = "quadrature"
    for _ in range(trials):
        subs = _parameters([f, d.result, *bounds], variables, rng)
        g = f.subs(subs)
        sp = [(x, lo.subs(subs), hi.subs(subs)) for x, lo, hi in specs]
        claimed_expr = sympy.sympify(d.result).subs(subs)
        if claimed_expr.is_infinite:
            ok = _diverges_numerically(g, sp, config.timeout)
            method = "quadrature (does not converge: divergent, as claimed)"
            worst = max(worst, 0.0 if ok else float("inf"))
            passed = passed and ok
            count += 1
            if not subs:
                break
            continue
        claimed = _hp(d.result, subs)
        if d.method == "numeric":
            limits = [(x, lo, hi) for x, lo, hi in sp]
            try:
                ref = complex(
                    run_limited(
                        _mp_integral, g, limits, timeout=config.timeout, what="mpmath quadrature"
                    )
                )
                err = 0.0
                method = "quadrature (mpmath tanh-sinh)"
            # bounds that depend on outer variables; mpmath failing on floor(x) ...
            except (TypeError, ValueError, AttributeError, NotImplementedError):
                ref, err = quadrature(g, sp, timeout=config.timeout)
                method = "quadrature"
        else:
            try:
                ref, err = quadrature(g, sp, timeout=config.timeout)
                method = "quadrature"
            except ValueError as exc:  # a bound beyond floats (10**400): nothing to compare
                raise NotSupportedError(f"no numeric check of {d.result}: {exc}") from exc
            except NoConvergenceError as exc:
                ref = _oscillatory_reference(g, sp)
                if ref is None:
                    raise NotSupportedError(f"no numeric check of {d.result}: {exc}") from exc
                err, method = 0.0, "quadrature (mpmath quadosc, decaying oscillation)"
        scale = max(1.0, abs(ref))
        error = abs(claimed - ref) / scale
        allowed = max(rtol, (10 * err + 10 * (d.error or 0.0)) / scale)
        worst = max(worst, error)
        passed = passed and error <= allowed
        count += 1
        if not subs:
            break
    return Verification(
        passed=passed,
        max_error=worst,
        method=method,
        points=count,
        details="the integral's value against numeric quadrature",
    )


def _diverges_numerically(g: Any, specs: list[tuple[Any, Any, Any]], timeout: float) -> bool:
    """Whether quadrature refuses ``g`` over ``specs`` (what a divergent value predicts)."""
    from symml.calculus import quadrature
    from symml.errors import NoConvergenceError

    try:
        quadrature(g, specs, timeout=timeout)
    except NoConvergenceError:
        return True
    return False


def _oscillatory_reference(g: Any, specs: list[tuple[Any, Any, Any]]) -> complex | None:
    """mpmath's ``quadosc`` value of a one-variable integral over ``[a, oo)``,
    ``(-oo, b]`` or the whole line whose integrand oscillates with one angular frequency
    (``sin``/``cos`` of ``w x + c``) and visibly decays (its envelope over a period falls
    by 100x from x = 1e4 to 1e8): a conditionally convergent integral (Dirichlet's test).
    ``None`` when the integrand is not of that kind."""
    import mpmath

    if len(specs) != 1:
        return None
    x, a, b = specs[0]
    if not (a.is_infinite or b.is_infinite) or g.free_symbols - {x}:
        return None
    omegas = set()
    for trig in g.atoms(sympy.sin, sympy.cos):
        arg = sympy.expand(trig.args[0])
        w = arg.coeff(x)
        if not (arg - w * x).is_number or not w.is_number or w == 0:  # w x + c only
            return None
        omegas.add(abs(float(w)))
    if len(omegas) != 1:
        return None
    omega = omegas.pop()
    fn = sympy.lambdify(x, g, "mpmath")

    def envelope(at: float, sign: int) -> float:
        grid = np.linspace(at, at + 2 * np.pi / omega, 64)
        return max(abs(complex(fn(mpmath.mpf(sign * t)))) for t in grid)

    def tail(lo: Any, sign: int) -> Any:  # ∫ over [lo, oo) of g(sign * t)
        near, far = envelope(1e4, sign), envelope(1e8, sign)
        if not (far <= 1e-2 * near and far < 1e-3):
            raise ValueError("does not decay")
        return mpmath.quadosc(lambda t: fn(sign * t), [lo, mpmath.inf], omega=omega)

    try:
        with mpmath.workdps(20):
            if a.is_infinite and b.is_infinite:
                value = tail(0, 1) + tail(0, -1)
            elif b.is_infinite:
                value = tail(mpmath.mpf(float(a)), 1)
            else:
                value = tail(mpmath.mpf(-float(b)), -1)
            return complex(value)
    except (ValueError, TypeError, ZeroDivisionError, OverflowError):
        return None


def _mp_integral(g: Any, limits: list[tuple[Any, Any, Any]]) -> Any:
    return sympy.Integral(g, *limits).evalf(15)


def _check_antiderivative(
    d: Derivation, points: int, rng: np.random.Generator, rtol: float
) -> Verification:
    """d F / dx (central differences) against the integrand; for iterated indefinite
    integrals F is first differentiated symbolically in the outer variables."""
    f, specs = d.source["f"], d.source["specs"]
    F = d.result
    x = specs[0][0]
    for y, _, _ in specs[1:]:
        F = sympy.diff(F, y)
    names = {s for s in (F.free_symbols | f.free_symbols | {x}) if isinstance(s, sympy.Symbol)}
    wrt = tuple(sorted(names, key=lambda s: s.name))
    Fn, fn = to_numpy(F, wrt), to_numpy(f, wrt)
    X = random_points(lambda *a: np.asarray(Fn(*a)) + np.asarray(fn(*a)), len(wrt), points, rng)
    e = np.zeros(len(wrt))
    e[wrt.index(x)] = 1.0
    worst = 0.0
    with np.errstate(all="ignore"):
        for p in X:
            numeric = _richardson(lambda q: Fn(*q), p, e, 1e-3, 1)
            worst = max(worst, relative_error(fn(*p), numeric))
    return Verification(
        passed=worst <= rtol,
        max_error=worst,
        method="central differences",
        points=len(X),
        details=f"dF/d{x} against the integrand",
    )


def _taylor_errors(g: Any, T: Any, x: sympy.Symbol, a: sympy.Float, side: int) -> list[float]:
    """|f - T| at a + side·h for h = 2^-4 ... 2^-8, relative to max(1, |f(a + h)|)."""
    out = []
    for k in range(4, 9):
        at = {x: a + side * sympy.Float(2.0**-k, _DIGITS)}
        fv, tv = _number(g, at), _number(T, at)  # SymPy numbers: e^(10^20) is no float
        out.append(
            float("inf") if fv is None or tv is None else float(abs(fv - tv) / max(1, abs(fv)))
        )
    return out


def _check_taylor(
    d: Derivation, points: int, rng: np.random.Generator, rtol: float
) -> Verification:
    """Agreement near the point, and an error that shrinks like h^(order+1) (checked on
    successive halvings of h, in 60-digit arithmetic, on both sides of the point)."""
    f, x, a, order = d.source["f"], d.source["x"], d.source["at"], d.source["order"]
    floor = 1e-45
    worst_order_gap, worst, passed, count = 0.0, 0.0, True, 0
    for _ in range(min(points, 3)):
        subs = _parameters([f, a], {x}, rng)
        g, T = f.subs(subs), d.result.subs(subs)
        a0 = _centre(a, subs)
        for side in (1, -1):
            errs = _taylor_errors(g, T, x, a0, side)
            if not all(np.isfinite(errs)):
                passed = False
                worst = float("inf")
                continue
            worst = max(worst, errs[-1])
            usable = [
                (p, q) for p, q in zip(errs, errs[1:], strict=False) if p > floor and q > floor
            ]
            if usable:
                p, q = usable[-1]
                observed = float(np.log2(p / q))
                gap = (order + 1) - observed
                worst_order_gap = max(worst_order_gap, gap)
                passed = passed and gap <= 0.5
            passed = passed and errs[-1] <= max(rtol, 2.0 ** (-8 * (order + 1)) * 1e3)
        count += 1
        if not subs:
            break
    return Verification(
        passed=passed,
        max_error=worst,
        method="Taylor remainder order",
        points=count * 2,
        details=f"|f - T| near {x} = {a} shrinks like h^{order + 1} "
        f"(worst shortfall {worst_order_gap:.2f} orders)",
    )


def _approach(a: sympy.Expr, side: str, subs: dict[Any, Any]) -> list[sympy.Float]:
    """Points tending to ``a`` from ``side``: a ± 10^-k, or ±10^k towards ±oo."""
    if a.is_infinite:
        sign = 1 if a.is_extended_positive else -1
        return [sympy.Float(sign * 10.0**k, _DIGITS) for k in range(4, 21, 2)]
    centre = _centre(a, subs)
    sign = 1 if side == "+" else -1
    return [centre + sign * sympy.Float(10.0**-k, _DIGITS) for k in range(4, 21, 2)]


def _integer_digits(value: sympy.Expr) -> int:
    """Decimal digits of the integer part of a real number (0 below 1)."""
    whole = int(abs(value))
    return len(str(whole)) if whole else 0


def _centre(a: sympy.Expr, subs: dict[Any, Any]) -> sympy.Float:
    """The finite point ``a`` at ``subs``, a SymPy Float with ``_DIGITS`` digits after its
    integer part, so that a step from it survives (10^400 + 10^-20 needs 460 digits; a float
    would overflow, 60 digits would lose the step)."""
    point = a.subs(subs)
    return sympy.re(sympy.N(point, _DIGITS + _integer_digits(sympy.re(sympy.N(point, 15)))))


def _number(expr: Any, subs: dict[Any, Any]) -> sympy.Expr | None:
    """``expr`` at ``subs`` to ``_DIGITS`` digits, kept a SymPy number (``exp(x)`` at
    ``x = 10^20`` is e^(10^20), far beyond a float); ``None`` where it is undefined. SymPy
    may work with as many more digits as the point has before its decimal point (beyond its
    default of 100, ``x - 10^400`` at ``x = 10^400 + 10^-4`` cancels to nothing)."""
    extra = max((_integer_digits(v) for v in subs.values() if v.is_real), default=0)
    try:
        value = sympy.sympify(expr).evalf(_DIGITS, subs=subs, maxn=100 + extra)
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
        return None
    return value if value.is_number and value.is_finite else None


#: Past this size a value on a sequence tending to ±oo is far beyond any rounding: the
#: sequence stops there (``exp(exp(x))`` at x = 10^8 would need 10^7-digit arithmetic).
FAR = sympy.Float(10) ** 100


def _approach_values(
    g: Any, x: sympy.Symbol, points: list[sympy.Float], deadline: Any, sign: int | None
) -> tuple[list[sympy.Expr | None], bool]:
    """``g`` at each point in turn, each evaluation bounded by the ``deadline`` (a quarter
    of ``config.timeout`` at most). With ``sign`` (the claimed limit is ``sign * oo``) the
    sequence stops once three values grow past :data:`FAR`. Returns the values and whether
    an evaluation ran out of time (then the values are a prefix)."""
    from symml.config import config
    from symml.errors import DerivationTimeout

    values: list[sympy.Expr | None] = []
    for p in points:
        try:
            values.append(
                deadline.run(
                    _number, g, {x: p}, what=f"{g} at {x} = {p:.3g}", cap=config.timeout / 4
                )
            )
        except DerivationTimeout:
            return values, True
        if (
            sign is not None
            and len(values) >= 3
            and _tends_to_infinity(values[-3:], sign)
            and all(sign * sympy.re(v) > FAR for v in values[-3:])
        ):
            break
    return values, False


def _tends_to_infinity(values: list[sympy.Expr | None], sign: int) -> bool:
    """Whether real values on a sequence tending to the point grow towards ``sign * oo``:
    at least two, monotonically, and either past 10^6 or with steps that do not shrink
    (``log`` at 0 grows by the same amount per decade; a convergent sequence's steps
    shrink fast)."""
    if len(values) < 2 or any(v is None for v in values):
        return False
    parts = [v.as_real_imag() for v in values]
    if any(abs(im) > 1e-12 * max(1, abs(re)) for re, im in parts):
        return False
    signed = [sign * re for re, _ in parts]
    steps = [b - a for a, b in zip(signed, signed[1:], strict=False)]
    if not all(step > 0 for step in steps):
        return False
    return bool(signed[-1] > 1e6 or (signed[-1] > 0 and steps[-1] >= 0.2 * steps[0]))


def _check_limit(d: Derivation, points: int, rng: np.random.Generator, rtol: float) -> Verification:
    """Evaluate f (60 digits) on a sequence approaching the point; a finite limit must be
    approached monotonically in the tail and reached within ``rtol`` at 10^-20 (10^20 for
    ±oo); an infinite one must grow monotonically with the right sign, past 10^6 or at a
    rate that does not slow down (see :func:`_tends_to_infinity`).

    Each value is computed under a time limit (``config.timeout`` for the whole check):
    where one runs out, the values before it decide when they suffice (an infinite limit
    already past 10^6; a finite one already within ``rtol``), else
    :class:`~symml.errors.DerivationTimeout` says the check could not be done."""
    from symml.config import config
    from symml.deadline import Deadline
    from symml.errors import DerivationTimeout

    f, x, a, direction = d.source["f"], d.source["x"], d.source["to"], d.source["dir"]
    sides = ("+", "-") if direction == "+-" and not a.is_infinite else (direction,)
    deadline = Deadline(config.timeout)
    worst, passed, count = 0.0, True, 0
    for _ in range(min(points, 3)):
        subs = _parameters([f, a, d.result], {x}, rng)
        g = f.subs(subs)
        target = sympy.sympify(d.result).subs(subs)
        for side in sides:
            sign = (1 if target.is_extended_positive else -1) if target.is_infinite else None
            values, late = _approach_values(g, x, _approach(a, side, subs), deadline, sign)
            if sign is not None:
                ok = _tends_to_infinity(values, sign)
                error = 0.0 if ok else float("inf")
            else:
                L = _number(target, {})
                errs = [
                    float(abs(v - L) / max(1, abs(L)))
                    if v is not None and L is not None
                    else float("inf")
                    for v in values
                ]
                error = errs[-1] if errs else float("inf")
                ok = error <= rtol and errs[-1] <= errs[0] + rtol
            if late and not ok:
                raise DerivationTimeout(
                    f"the numeric check of the limit of {f} as {x} -> {a}: "
                    f"evaluating f on the way there did not finish within "
                    f"{config.timeout:g} s"
                )
            worst = max(worst, error)
            passed = passed and ok
            count += 1
        if not subs:
            break
    return Verification(
        passed=passed,
        max_error=worst,
        method="numeric approach",
        points=count,
        details=f"f on a sequence tending to {x} -> {a} against the limit",
    )


def _numeric_hessian(fn: Callable[..., Any], x: np.ndarray, h: float) -> np.ndarray:
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
    d: Derivation, points: int, rng: np.random.Generator, rtol: float
) -> Verification:
    """At each point (parameters and free coordinates drawn at random): the gradient by
    central differences is ≈ 0, and the eigenvalues of the Hessian by second differences
    match the symbolic ones and have the signs the classification says. Then a Newton
    search on the gradient from random starts (:func:`_unlisted_critical_point`) must find
    no critical point the list lacks, so an empty or partial list cannot pass."""
    f, found = d.source["f"], d.source["points"]
    wrt = d.wrt
    worst, passed, count = 0.0, True, 0
    for p in found[:20]:
        coords = list(p.point.values())
        subs = _parameters([f, *coords], set(), rng)
        x0 = np.array([complex(sympy.sympify(c).subs(subs).evalf(30)).real for c in coords])
        params = {s: v for s, v in subs.items() if s not in wrt}
        g = f.subs(params)
        fn = to_numpy(g, wrt)
        scale = max(1.0, abs(float(fn(*x0))))
        with np.errstate(all="ignore"):
            grad = np.array(
                [_richardson(lambda q, fn=fn: fn(*q), x0, e, 1e-3, 1) for e in np.eye(len(wrt))]
            )
            Hn = _numeric_hessian(fn, x0, 1e-3)
        ev_num = np.linalg.eigvalsh(Hn)
        ev_sym = np.sort(np.array([_hp(e, subs).real for e in p.eigenvalues]))
        tol = 1e-4 * max(scale, float(np.max(np.abs(ev_num), initial=1.0)))
        grad_err = float(np.max(np.abs(grad))) / scale
        eig_err = relative_error(ev_sym, ev_num)
        signs_ok = _KIND_SIGNS[p.kind](ev_num, tol) or (p.kind == "degenerate" and bool(params))
        worst = max(worst, grad_err, eig_err)
        passed = passed and grad_err <= max(rtol, 1e-6) and eig_err <= 1e-4 and signs_ok
        count += 1
    params = _parameters([f, *(c for p in found for c in p.point.values())], set(wrt), rng)
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
    g: Any,
    wrt: tuple[sympy.Symbol, ...],
    found: Any,
    params: dict[Any, Any],
    rng: np.random.Generator,
) -> np.ndarray | None:
    """A zero of ∇g, found by Newton's method (pseudo-inverse of the Hessian, so lines of
    critical points are reached too) from random starts in a box around the listed points,
    that is far from every listed point (a point with free coordinates is a curve or
    surface: compared at the zero's own free coordinates). ``None`` when there is none."""
    n = len(wrt)
    grad = [sympy.diff(g, v) for v in wrt]
    G = to_numpy(sympy.ImmutableMatrix(grad), wrt)
    H = to_numpy(sympy.ImmutableMatrix(n, n, lambda i, j: sympy.diff(grad[i], wrt[j])), wrt)
    listed = [
        sympy.ImmutableMatrix([sympy.sympify(c).subs(params) for c in p.point.values()])
        for p in found
    ]
    fixed = [np.array([complex(c.evalf(30)).real for c in m]) for m in listed if not m.free_symbols]
    families = [to_numpy(m, wrt) for m in listed if m.free_symbols]
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
    "derivative": _check_derivative,
    "gradient": _check_gradient,
    "jacobian": _check_jacobian,
    "hessian": _check_hessian,
    # checks: calculus II (issue 3)
    "matrix_derivative": _check_matrix_derivative,
    "integral": _check_integral,
    "taylor": _check_taylor,
    "limit": _check_limit,
    "critical_points": _check_critical_points,
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
    check = CHECKS.get(d.operation)
    if check is None:
        raise NotSupportedError(f"no numeric check for a {d.operation or 'plain'} result")
    return check(d, points, as_rng(rng), rtol)
