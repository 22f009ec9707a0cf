"""Numeric quadrature that refuses to return an untrustworthy number.

``scipy.integrate.quad`` always returns *a* number: on a divergent integral (∫₀¹ 1/x dx), a
non-absolutely-convergent oscillatory one (∫₀^∞ sin x dx) or a heavy tail (E[T²] for a
Student t with one degree of freedom) it warns and hands back a value with an error
estimate as large as the value, or larger. :func:`checked_quad` turns those cases into a
:class:`~symml.errors.NoConvergenceError` naming the integral, so that a fallback never
returns a silently wrong answer. Every numeric integral in symml goes through it.

SciPy's map of an infinite range can also return a confident finite value for a divergent
tail (∫₀^∞ t²/(1 + t²) dt gives −0.818 with error 1e-12 and no warning), so
:func:`checked_integral`, the one-variable entry point, first probes each end for
divergence (:func:`end_divergence`) and checks ∫|h| where h changes sign: a one-signed
divergence is ±∞, a two-signed one raises :class:`IntegralDoesNotExist`.

:func:`definite_integral` is the entry point for a definite (iterated) integral that must
have a finite value: it integrates a complex-valued integrand part by part and checks each
axis of an iterated integral before ``nquad`` runs. This module works on NumPy callables
only; :func:`symml.calculus.quadrature` compiles a SymPy integrand and calls it.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from symml.errors import NoConvergenceError

__all__ = [
    "SLICE_SAMPLES",
    "TRUSTED_RELATIVE_ERROR",
    "IntegralDoesNotExist",
    "Range",
    "Singular",
    "changes_sign",
    "checked_integral",
    "checked_nquad",
    "checked_quad",
    "definite_integral",
    "end_divergence",
    "trusted",
    "unresolved_mass",
]

#: The largest error estimate, relative to ``max(1, |value|)``, that quadrature may report
#: after a warning (roundoff, subdivision limit, probable divergence) and still be trusted.
TRUSTED_RELATIVE_ERROR = 1e-6


def trusted(value: float, error: float, warned: bool) -> bool:
    """Whether a quadrature result can be believed.

    A non-finite value or error is never trusted; after a SciPy warning the error estimate
    must be small; without one, an error estimate above 1e-3 of the value still means
    quadrature did not settle.

    Examples:
        >>> trusted(1.0, 1e-12, warned=False)
        True
        >>> trusted(23283401.9, 5e7, warned=True)
        False
        >>> trusted(1.0, 1e-9, warned=True)
        True
    """
    if not (math.isfinite(value) and math.isfinite(error)):
        return False
    scale = max(1.0, abs(value))
    limit = TRUSTED_RELATIVE_ERROR if warned else 1e-3
    return error <= limit * scale


def _refuse(what: str, value: float, error: float, messages: Sequence[str]) -> NoConvergenceError:
    said = f"; SciPy: {messages[0].splitlines()[0].strip()}" if messages else ""
    return NoConvergenceError(
        f"{what} does not converge numerically: quadrature gave {value:.6g} with error "
        f"estimate {error:.3g} (the integral may diverge or oscillate without decaying)"
        f"{said}"
    )


def _run(call: Callable[[], tuple[float, float]]) -> tuple[float, float, list[str]]:
    from scipy.integrate import IntegrationWarning

    with warnings.catch_warnings(record=True) as caught, np.errstate(all="ignore"):
        warnings.simplefilter("always", IntegrationWarning)
        value, error = call()[:2]
    messages = [str(w.message) for w in caught if issubclass(w.category, IntegrationWarning)]
    return float(value), float(error), messages


def checked_quad(
    func: Callable[[float], float], a: float, b: float, *, what: str, **options: Any
) -> tuple[float, float]:
    """``scipy.integrate.quad(func, a, b, **options)``, refusing results it cannot trust.

    Args:
        func: The scalar integrand.
        a: Lower bound (may be ``-inf``).
        b: Upper bound (may be ``inf``).
        what: How to name the integral in an error (``"the integral of 1/x over [0, 1]"``).
        **options: Passed to ``quad`` (``limit``, ``epsabs``, ``epsrel``, ``points``).

    Returns:
        ``(value, error)``, the value and SciPy's absolute error estimate.

    Raises:
        NoConvergenceError: When the value or error is not finite, or the error estimate is
            too large for the value (after a SciPy ``IntegrationWarning``, or above 1e-3 of
            the value without one).

    Examples:
        >>> import math
        >>> value, err = checked_quad(lambda t: math.exp(-t * t), -math.inf, math.inf,
        ...                           what="the Gaussian integral")
        >>> abs(value - math.sqrt(math.pi)) < 1e-10
        True
        >>> checked_quad(lambda t: 1 / t, 0.0, 1.0, what="the integral of 1/x over [0, 1]")
        Traceback (most recent call last):
        ...
        symml.errors.NoConvergenceError: the integral of 1/x over [0, 1] does not converge numerically: ...
    """
    from scipy.integrate import quad

    value, error, messages = _run(lambda: quad(func, a, b, **options))
    if not trusted(value, error, bool(messages)):
        raise _refuse(what, value, error, messages)
    return value, error


def checked_nquad(
    func: Callable[..., float], ranges: Sequence[Any], *, what: str, **options: Any
) -> tuple[float, float]:
    """``scipy.integrate.nquad(func, ranges, **options)``, refusing untrustworthy results.

    The same rules as :func:`checked_quad`, for iterated integrals.

    Examples:
        >>> value, err = checked_nquad(lambda x, y: x * y, [(0, 1), (0, 2)], what="∫∫ x y")
        >>> round(value, 12)
        1.0
    """
    from scipy.integrate import nquad

    value, error, messages = _run(lambda: nquad(func, ranges, **options))
    if not trusted(value, error, bool(messages)):
        raise _refuse(what, value, error, messages)
    return value, error


# --- one-variable integrals that are shown to exist first ----------------------------------


class IntegralDoesNotExist(NoConvergenceError):
    """The integral (or series) was shown not to exist: ∫|h| = ∞ with both signs of h.

    ``oscillating`` is true when the only divergence is an oscillating sign at an end
    (sin(x)/x as x → ∞): no Lebesgue integral (no expectation) exists, but an improper
    Riemann integral may still converge conditionally there, which quadrature cannot
    compute.
    """

    def __init__(self, message: str, oscillating: bool = False) -> None:
        super().__init__(message)
        self.oscillating = oscillating

    def __reduce__(self) -> tuple[Any, ...]:  # keep ``oscillating`` across processes
        return type(self), (str(self), self.oscillating)


def checked_integral(
    hv: Callable[[Any], Any],
    a: float,
    b: float,
    *,
    what: str = "the integral",
    cuts: Sequence[float] = (),
    singular: Sequence[float] = (),
) -> tuple[float, float]:
    """∫_a^b h by checked adaptive quadrature, split at 0, at ``cuts`` (points near the
    mass, so that quadrature does not miss a narrow peak far from 0) and at ``singular``
    (points inside where h may blow up: ∫₀¹ dx/(x − 1/3)², which SciPy alone sums to a
    confident −4.5).

    The integral is trusted only when it exists: each end (an infinite tail or a finite
    end), 0 and the ``singular`` points are probed for divergence first
    (:func:`end_divergence`), and where h
    changes sign ∫|h| is checked to be finite before the signed integral is computed,
    both with :func:`checked_quad`. SciPy's own map of an infinite range can return a
    confident finite value for a divergent tail (∫₀^∞ t²/(1 + t²) dt), which is why the
    probe comes first.

    Args:
        hv: The integrand, vectorised: an array of points in, an array of values out.
        a: Lower bound (may be ``-inf``).
        b: Upper bound (may be ``inf``).
        what: How to name the integral in an error.
        cuts: Extra points to split the range at.
        singular: Points to split the range at and probe from both sides, like an end.

    Returns:
        ``(value, error)``; ``(±inf, 0.0)`` when the integral diverges to ±∞ (h has one
        sign wherever it diverges). Bounds in decreasing order give ``-∫_b^a h``; equal
        ones give 0.

    Raises:
        IntegralDoesNotExist: When ∫|h| = ∞ with both signs (or an oscillating divergence).
        NoConvergenceError: When quadrature cannot be trusted.

    Examples:
        >>> import numpy as np
        >>> value, err = checked_integral(lambda t: np.exp(-t * t), -math.inf, math.inf)
        >>> abs(value - math.sqrt(math.pi)) < 1e-12
        True
        >>> checked_integral(lambda t: t * t / (1 + t * t), 0.0, math.inf)
        (inf, 0.0)
        >>> checked_integral(lambda t: 1 / t, -1.0, 1.0, what="∫ 1/x over [-1, 1]")
        Traceback (most recent call last):
        ...
        symml.quadrature.IntegralDoesNotExist: ∫ 1/x over [-1, 1] does not exist: ...
        >>> value, err = checked_integral(lambda t: np.exp(-t), math.inf, 0.0)
        >>> abs(value + 1) < 1e-12
        True
    """
    if a == b:
        return 0.0, 0.0
    if a > b:  # the probes and pieces below run upwards from the lower end
        value, error = checked_integral(hv, b, a, what=what, cuts=cuts, singular=singular)
        return -value, error

    def h(t: float) -> float:
        return float(hv(np.float64(t)))

    def h_abs(t: float) -> float:
        return abs(h(t))

    lo, hi = float(a), float(b)
    edges = [lo, *sorted({c for c in (0.0, *cuts, *singular) if lo < c < hi}), hi]
    pieces = list(zip(edges[:-1], edges[1:], strict=True))
    # probed: the ends of the support, 0 and the singular points (not the cuts near the
    # mass, where a probe's first points could lie in an empty tail and its last on the peak)
    probed = {lo, hi, 0.0, *singular}
    # each probed end of a piece, approached from inside it: the sign of a divergence
    # there, or None (probed once: the ±∞ case below asks again)
    divergence = {
        (end, inward): end_divergence(hv, end, inward)
        for left, right in pieces
        for end, inward in ((left, 1.0), (right, -1.0))
        if end in probed
    }
    diverging = [(sign, _where(*end)) for end, sign in divergence.items() if sign is not None]
    if diverging:
        signs = {s for s, _ in diverging}
        where = ", ".join(dict.fromkeys(w for _, w in diverging))
        if signs in ({1}, {-1}):
            sign = signs.pop()
            for left, right in pieces:
                if any(divergence.get(end) is not None for end in ((left, 1.0), (right, -1.0))):
                    continue
                # a piece of the same sign adds to ±∞ whatever its size (even if it overflows
                # too: e^{3x}·2e^{-2x}); any other (one that changes sign, too) must be
                # absolutely integrable
                if not _has_sign(hv, left, right, sign):
                    _piece(h_abs, left, right, f"{what} (away from where it diverges)")
            return math.inf * sign, 0.0
        raise IntegralDoesNotExist(
            f"{what} does not exist: the integral of the absolute value diverges ({where}) "
            f"with {'both signs' if signs == {-1, 1} else 'an oscillating sign'}, so the "
            f"positive and negative parts are both infinite",
            oscillating=signs == {0},
        )
    total, err = 0.0, 0.0
    for left, right in pieces:
        if changes_sign(hv, left, right):
            _piece(h_abs, left, right, f"the absolute value in {what}")
        v, e = _piece(h, left, right, what)
        total, err = total + v, err + e
    # what quadrature cannot reach (a tail beyond 1e300, or 1e30 through SciPy's own map
    # of [0, ∞); within 1e-300 of 0): negligible for any tail like x^-1.01 or faster, not
    # for ∫ dx/(x log²x); it widens the error estimate
    unresolved = {
        (end, inward): unresolved_mass(hv, end, inward, mapped=math.isinf(end) and other == 0)
        for left, right in pieces
        for end, inward, other in ((left, 1.0, right), (right, -1.0, left))
        if end in probed
    }
    missing = sum(unresolved.values())
    if missing > TRUSTED_RELATIVE_ERROR * max(1.0, abs(total)):
        where = ", ".join(_where(*end) for end, m in unresolved.items() if m > missing / 10)
        raise NoConvergenceError(
            f"{what} converges too slowly ({where}) for floating-point quadrature: about "
            f"{missing:.2g} of it lies where quadrature cannot resolve it (too far out in a "
            f"tail, or too close to an end); quadrature gave {total:.6g}"
        )
    return total, err + missing


def _has_sign(hv: Callable[[Any], Any], left: float, right: float, sign: int) -> bool:
    """Whether h, on the probe grid of :func:`changes_sign`, has the sign ``sign`` (or 0)."""
    values = _grid_values(hv, left, right)
    return bool(values.size) and bool(np.all(np.sign(values) * sign >= 0))


def _piece(
    h: Callable[[float], float], left: float, right: float, what: str
) -> tuple[float, float]:
    """``checked_quad`` of h on one piece; a tail beyond a cut ``c ≠ 0`` is integrated in
    ``u = log(x / c)`` (``x = c·e^u``), where a power-law tail is a decaying exponential
    that quadrature's own map of [c, ∞) would squeeze near ``t = 0`` and miss. Far out
    (``|x| > 1e15``, past where the tail probe found the integrand falling) a NaN is the
    ``inf·0`` of a growing g times a vanishing density and counts as 0."""
    c = left if math.isinf(right) else right if math.isinf(left) else 0.0
    if c == 0.0 or (c < 0) != math.isinf(left):
        return checked_quad(h, left, right, what=what, **_QUAD_OPTIONS)
    scale = abs(c)

    def in_log(u: float) -> float:
        if u > 700.0:
            return 0.0
        grow = math.exp(u)
        value = h(c * grow) * scale * grow
        return 0.0 if math.isnan(value) and scale * grow > 1e15 else value

    return checked_quad(in_log, 0.0, math.inf, what=what, **_QUAD_OPTIONS)


#: Options of every quadrature of an expectation or a normalisation.
_QUAD_OPTIONS: dict[str, Any] = {"epsabs": 1e-12, "epsrel": 1e-11, "limit": 500}
#: Decades of x (away from a finite end: of 1/(distance)) over which x·|h(x)| must keep
#: falling for ∫ h to converge there; probed at the first, middle and last of them.
_PROBE_DECADES = {"infinite": (20.0, 30.0), "zero": (20.0, 30.0), "finite": (6.0, 12.0)}
#: The smallest decay of x·|h(x)| (decades per decade) that counts as converging: a tail
#: like 1/x (or slower) diverges, one like x^(-1.001) is left to quadrature.
_MIN_DECAY = 1e-3


def _kind(end: float) -> str:
    return "infinite" if math.isinf(end) else "zero" if end == 0 else "finite"


def _probe(end: float, inward: float, first: float, last: float) -> tuple[Any, Any]:
    """Points approaching ``end`` from inside (``inward`` = +1: from above) at ``first``,
    middle and ``last`` decades: three clusters of 31 spread over a factor 2, and their
    distances from ``end`` (from 0 for an infinite end)."""
    kind = _kind(end)
    decades = np.array([first, (first + last) / 2, last])
    spread = 1.0 + np.arange(31) / 31.0
    if kind == "infinite":
        distance = 10.0 ** decades[:, None] * spread
        return -inward * distance, distance  # end = -inward·∞
    scale = 1.0 if kind == "zero" else abs(end)
    distance = scale * 10.0 ** -decades[:, None] * spread
    return end + inward * distance, distance


def end_divergence(hv: Callable[[Any], Any], end: float, inward: float) -> int | None:
    """Whether ∫ h diverges at ``end`` (approached from inside): ``None`` when x·|h| falls
    there (it converges, or cannot be told: then quadrature decides), else the sign of h
    there (+1, −1) or 0 when h changes sign near the end.

    ``k = d·|h|`` at distance ``d`` from a finite end (``|x|·|h|`` at a tail) tends to 0
    where the integral converges (``h ~ d^-p`` with ``p < 1``, or a faster decay); where
    it stays level or grows, ∫ h diverges like ``log d`` or a power.

    Examples:
        >>> import numpy as np
        >>> end_divergence(lambda t: 1 / (1 + t * t), math.inf, -1.0) is None
        True
        >>> end_divergence(lambda t: t * t / (1 + t * t), math.inf, -1.0)
        1
        >>> end_divergence(lambda t: -1 / t, 0.0, 1.0), end_divergence(np.sqrt, 0.0, 1.0)
        (-1, None)
    """
    first, last = _PROBE_DECADES[_kind(end)]
    values, k = _probe_values(hv, end, inward, first, last)
    if np.isinf(k).any() and end == 0:
        # 1e-20 from 0 can overflow where the maths does not (x³/(eˣ − 1): eˣ − 1 is 0.0
        # there); look again where floating point still resolves the integrand
        first, last = _PROBE_DECADES["finite"]
        values, k = _probe_values(hv, end, inward, first, last)
    if np.isnan(k).any():
        return None  # cannot tell: quadrature decides
    if np.isinf(k).any():  # it overflows at every distance looked at: that is divergence
        signs = set(np.sign(values[np.isinf(values)]).astype(int).tolist())
        return signs.pop() if len(signs) == 1 else 0
    envelope = k.max(axis=1)
    signs = set(np.sign(values[values != 0]).astype(int).tolist())
    # one sign: x·|h| must not fall at all; an oscillation's envelope (the largest of 31
    # pseudo-random phases) may wobble, so it must merely not halve
    allowed = 10.0 ** (-_MIN_DECAY * (last - first) / 2) if len(signs) == 1 else 0.5
    if not (
        envelope[0] > 0
        and envelope[1] >= envelope[0] * allowed
        and envelope[2] >= envelope[1] * allowed
    ):
        return None
    return signs.pop() if len(signs) == 1 else 0


def _probe_values(
    hv: Callable[[Any], Any], end: float, inward: float, first: float, last: float
) -> tuple[Any, Any]:
    """h at the probe points and ``k = distance·|h|`` there."""
    points, distance = _probe(end, inward, first, last)
    values = np.asarray(hv(points), dtype=float) * np.ones_like(points)
    with np.errstate(all="ignore"):
        return values, np.abs(values) * distance


#: Where floats stop resolving an end: distances from it (ten decades before the edge,
#: to measure how fast ``k = distance·|h|`` falls there, and the edge), then nearer ones
#: for an integrand that overflows there (1/(x log³x) at 1e300: x log³x is inf).
_UNRESOLVED = {
    "infinite": [(10.0 ** (e - 10), 10.0**e) for e in range(300, 99, -50)],
    "zero": [(10.0 ** -(e - 10), 10.0**-e) for e in range(300, 99, -50)],
    "finite": [(1e-12, 1e-14)],
    "mapped": [(1e20, 1e30)],
}


def unresolved_mass(
    hv: Callable[[Any], Any], end: float, inward: float, *, mapped: bool = False
) -> float:
    """About how much of ∫|h| lies next to ``end`` where floats cannot resolve it: beyond
    1e300 (an infinite end), within 1e-300 of 0, or within 1e-14·|end| of another end.
    From the envelope of ``k = distance·|h|`` at the edge of that part and its decay rate
    ``s`` there (per unit of log distance), the mass is about ``k / s`` (exact for a power
    law, half the true 1/log(1e300) ≈ 1.4e-3 for ∫ dx/(x log²x), 1 for the divergent
    ∫ dx/(x log x), whose probe at 10^20..10^30 cannot tell it from a convergent tail),
    times :data:`_UNRESOLVED_MARGIN`. Where h overflows at the edge, a nearer one (down to
    1e100) is used. ``mapped``: the tail is integrated through SciPy's own map of [0, ∞),
    which resolves it only to about 1e30 (for 1/((2 + x) log⁵(2 + x)) it stops near 1e48;
    the log-x map of a tail beyond a cut reaches 1e304); the edge is then 1e30. 0 where k is 0, or not finite, or does not fall there (then the
    divergence probe and quadrature decide, as before).

    Examples:
        >>> unresolved_mass(lambda t: t**-2.0, math.inf, -1.0) < 1e-140
        True
        >>> m = unresolved_mass(lambda t: 1 / (t * np.log(t) ** 2), math.inf, -1.0)
        >>> 1.4e-3 < m < 4.5e-3  # ∫ beyond 1e300 is 1/log(1e300) = 1.45e-3
        True
    """
    kind = _kind(end)
    scale = abs(end) if kind == "finite" else 1.0
    spread = 1.0 + np.arange(31) / 31.0

    def envelope(d: float) -> float:
        distance = scale * d * spread
        points = -inward * distance if kind == "infinite" else end + inward * distance
        with np.errstate(all="ignore"):
            k = np.abs(np.asarray(hv(points), dtype=float) * np.ones_like(points)) * distance
        return float(np.max(k)) if np.all(np.isfinite(k)) else math.nan

    # the first edge where h neither overflows nor is 0 (which may be an overflow too:
    # 1/((2 + x) log⁴(2 + x)) at 1e300); a genuinely vanishing h gives a negligible mass
    # at a nearer edge (3e-150 for t^-2) or 0
    for far, edge in _UNRESOLVED["mapped" if mapped else kind]:
        k_far, k_edge = envelope(far), envelope(edge)
        if math.isfinite(k_far) and math.isfinite(k_edge) and k_edge > 0 and k_far > 0:
            rate = math.log(k_far / k_edge) / abs(math.log(edge / far))
            return _UNRESOLVED_MARGIN * k_edge / rate if rate > 0 else 0.0
    return 0.0


#: k / s underestimates a log-type tail ((n - 1)/n of ∫ dx/(x logⁿx)), and SciPy's map of
#: [0, ∞) may stop short of 1e300 (for 1/((2 + x) log⁴(2 + x)) it misses 2.7 k / s).
_UNRESOLVED_MARGIN = 3.0


def _where(end: float, inward: float) -> str:
    if math.isinf(end):
        return "as x → ∞" if end > 0 else "as x → −∞"
    return f"as x → {end:g}{'+' if inward > 0 else '−'}"


def _grid_values(hv: Callable[[Any], Any], left: float, right: float) -> Any:
    """h on a probe grid of 1999 points of [left, right] (dense near the ends of an
    infinite range), NaN values dropped."""
    u = np.linspace(0.0, 1.0, 2001)[1:-1]
    if math.isinf(left) and math.isinf(right):
        t = np.tan(np.pi * (u - 0.5)) ** 3
    elif math.isinf(right):
        t = left + (u / (1 - u)) ** 3
    elif math.isinf(left):
        t = right - ((1 - u) / u) ** 3
    else:
        t = left + (right - left) * u
    with np.errstate(all="ignore"):
        values = np.asarray(hv(t), dtype=float) * np.ones_like(t)
    return values[~np.isnan(values)]


def changes_sign(hv: Callable[[Any], Any], left: float, right: float) -> bool:
    """Whether h takes both signs on a probe grid of [left, right] (then ∫|h| is checked)."""
    values = _grid_values(hv, left, right)
    values = values[np.isfinite(values)]
    return bool(values.size and values.min() < 0 < values.max())


# --- definite (iterated) integrals that must be finite -------------------------------------

#: The bounds of one variable of an iterated integral: numbers, or a function of the outer
#: variables (``nquad``'s convention: innermost first, an inner range takes the outer ones).
Range = tuple[float, float] | Callable[..., tuple[float, float]]
#: ``singular(k, point, a, b)``: where the integrand, along variable ``k`` through
#: ``point`` (the other coordinates), may blow up strictly inside ``(a, b)``.
Singular = Callable[[int, Sequence[float], float, float], Sequence[float]]

#: Sample points at which an iterated integral's integrand is checked along each axis.
SLICE_SAMPLES = 2


def definite_integral(
    fn: Callable[..., Any],
    ranges: Sequence[Range],
    *,
    what: str = "the integral",
    names: Sequence[str] | None = None,
    singular: Singular | None = None,
) -> tuple[float | complex, float]:
    """∫…∫ ``fn`` over ``ranges`` (innermost first), a finite value that can be trusted.

    One variable: :func:`checked_integral` (divergence probes at the ends and at the
    ``singular`` points, then ``quad``). Several: each axis is first checked on a few
    slices through the region (:func:`_slices`: ``nquad``'s inner ``quad`` has no
    divergence probes, ∫∫ dx dy/(x − 1/3)² gave −4.5), then :func:`checked_nquad`. A
    complex-valued ``fn`` (its value at 0.5, 0.5, ... is complex) is integrated as its real
    and its imaginary part, each checked; the value is then complex.

    Args:
        fn: The integrand, vectorised: ``fn(x_1, ..., x_n)`` with arrays in, an array out.
        ranges: ``(a, b)`` for each variable, innermost first, or a function of the outer
            variables giving them.
        what: How to name the integral in an error.
        names: The variables' names, for the errors about a slice (default ``x1``, ...).
        singular: Where ``fn`` may blow up inside a range, along one variable (see
            :data:`Singular`); ``None``: nowhere known.

    Returns:
        ``(value, error)``, SciPy's absolute error estimate (both parts' combined for a
        complex value).

    Raises:
        NoConvergenceError: When the integral diverges (to ±∞ too), is not absolutely
            convergent, or quadrature cannot be trusted
            (:class:`IntegralDoesNotExist` where it was shown not to exist).

    Examples:
        >>> value, err = definite_integral(lambda x, y: x * y, [(0.0, 1.0), (0.0, 2.0)])
        >>> round(value, 12)
        1.0
        >>> value, err = definite_integral(lambda t: np.exp(1j * t), [(0.0, math.pi)])
        >>> abs(value - 2j) < 1e-12
        True
        >>> definite_integral(lambda t: 1 / t**2, [(0.0, 1.0)], what="∫ 1/x² over [0, 1]")
        Traceback (most recent call last):
        ...
        symml.errors.NoConvergenceError: ∫ 1/x² over [0, 1] diverges to +oo (probes of the integrand's growth at the ends and singular points)
    """
    n = len(ranges)
    labels = list(names) if names is not None else [f"x{i + 1}" for i in range(n)]
    try:
        with np.errstate(all="ignore"):  # the integrand's dtype says whether I occurs
            complex_valued = np.iscomplexobj(fn(*np.full(n, 0.5)))
    except Exception:  # a probe only: quadrature reports real failures
        complex_valued = False
    parts = {"": np.real, "the imaginary part of ": np.imag} if complex_valued else {"": np.real}
    results = [
        _part_integral(fn, part, ranges, prefix + what, labels, singular)
        for prefix, part in parts.items()
    ]
    if complex_valued:
        (re, re_err), (im, im_err) = results
        return complex(re, im), math.hypot(re_err, im_err)
    return results[0]


def _along(
    fn: Callable[..., Any], part: Callable[[Any], Any], k: int, point: Sequence[float]
) -> Callable[[Any], Any]:
    """``part(fn)`` as a vectorised function of variable ``k`` alone, the others at
    ``point``."""

    def hv(t: Any) -> Any:
        args = [np.asarray(t, dtype=float) if j == k else c for j, c in enumerate(point)]
        with np.errstate(all="ignore"):
            return part(np.asarray(fn(*args))) * np.ones(np.shape(t))

    return hv


def _part_integral(
    fn: Callable[..., Any],
    part: Callable[[Any], Any],
    ranges: Sequence[Range],
    what: str,
    names: Sequence[str],
    singular: Singular | None,
) -> tuple[float, float]:
    """The integral of the real-valued ``part(fn)`` (see :func:`definite_integral`)."""

    def inside(k: int, point: Sequence[float], a: float, b: float) -> Sequence[float]:
        return singular(k, point, a, b) if singular is not None else ()

    if len(ranges) == 1:
        a, b = _bounds(ranges[0], ())
        return _finite_1d(_along(fn, part, 0, [0.0]), a, b, what, inside(0, [0.0], a, b))
    for k, point in _slices(ranges, len(ranges)):
        at = ", ".join(
            f"{v} = {c:.4g}" for j, (v, c) in enumerate(zip(names, point, strict=True)) if j != k
        )
        a, b = _bounds(ranges[k], point[k + 1 :])
        _finite_1d(
            _along(fn, part, k, point),
            a,
            b,
            f"the integral along {names[k]} at {at}, inside {what},",
            inside(k, point, a, b),
        )
    return checked_nquad(
        lambda *xs: float(part(fn(*xs))), list(ranges), what=what, opts={"limit": 100}
    )


def _bounds(r: Range, outer: Sequence[float]) -> tuple[float, float]:
    return r(*outer) if callable(r) else r


def _finite_1d(
    hv: Callable[[Any], Any], a: float, b: float, what: str, singular: Sequence[float]
) -> tuple[float, float]:
    """:func:`checked_integral` of ``hv`` over ``[a, b]``, split at the ``singular`` points;
    a divergence (to ±∞ too) is a :class:`~symml.errors.NoConvergenceError` saying so."""
    try:
        value, error = checked_integral(hv, a, b, what=what, singular=singular)
    except IntegralDoesNotExist as exc:
        if not exc.oscillating:
            raise
        raise NoConvergenceError(  # sin(x)/x on [0, oo): no Lebesgue integral, but ...
            f"{what} is not absolutely convergent (the integral of |f| diverges, with "
            f"an oscillating sign): quadrature cannot compute it, and whether it "
            f"converges conditionally as an improper integral (as sin(x)/x does on "
            f"[0, oo), sin(x) does not) is not decided numerically"
        ) from None
    if math.isinf(value):
        raise NoConvergenceError(
            f"{what} diverges to {'+' if value > 0 else '-'}oo (probes "
            f"of the integrand's growth at the ends and singular points)"
        )
    return value, error


def _slices(ranges: Sequence[Range], n: int) -> list[tuple[int, list[float]]]:
    """``(k, point)`` pairs: the 1-D slices (along variable k through a sample point of the
    region) on which an iterated integral's integrand must have a trustworthy integral
    before ``nquad`` runs (its inner ``quad`` has no divergence probes: ∫∫ dx dy/(x − 1/3)²
    gave −4.5). Every axis for a box, the innermost only when bounds depend on outer
    variables (a slice along an outer one would leave the region)."""
    rng = np.random.default_rng(0)
    box = all(isinstance(r, tuple) for r in ranges)
    out = []
    for _ in range(SLICE_SAMPLES):
        point = [0.0] * n
        for i in reversed(range(n)):
            a, b = _bounds(ranges[i], point[i + 1 :])
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
