"""The portfolio: the methods in forked workers under one deadline, the first verified
answer kept (the simplest of those in within a short grace).
"""

from __future__ import annotations

import contextlib
import math
import os
import pickle
import select
import signal
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import sympy

from symml.config import config
from symml.deadline import Deadline, portable_exception, quiet_fork, run_limited
from symml.derivation import Step, Verification, tex
from symml.errors import DerivationTimeout, NoClosedFormError
from symml.integration.check import FULL, Verdict, capped, verify
from symml.integration.methods import METHODS, Method, NoAnswer, integral_tex

__all__ = ["Antiderivative", "verified_antiderivative"]

#: Seconds the portfolio keeps waiting, after the first final answer, for the methods
#: still running that come before it in :data:`METHODS`' order, so that the same
#: integrand gets the same answer and method from run to run (not whichever worker
#: was quicker); the simplest of the answers in by then is kept.
GRACE_SECONDS = 0.3
#: How long (in multiples of the time taken) the portfolio waits for a final answer after
#: a verified one that holds on an interval only or is a ``RootSum``.
PROVISIONAL_WAIT = 5.0
#: Seconds a method may run at least, however small the budget.
MIN_METHOD_SECONDS = 0.5
#: Smallest operation count of a verified answer that the portfolio tries to simplify.
SIMPLIFY_MIN_OPS = 1
#: Largest one (``simplify`` of a larger form rarely finishes in time).
SIMPLIFY_MAX_OPS = 80
#: Worker processes run at once.
WORKERS = 2


# --- the result -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Antiderivative:
    r"""A verified antiderivative :math:`F` of :math:`f` in :math:`x`.

    Attributes:
        F: The antiderivative (no constant of integration).
        f: The integrand.
        x: The variable.
        method: The name of the method that found it (a :data:`METHODS` name, e.g.
            ``"rational"``, ``"manualintegrate"``, ``"substitution u = exp(c*x)"``).
        steps: The derivation: the method, its substitutions, the simplification, and
            the final line ``\int f\,dx = F``.
        valid_on: Where ``F`` is an antiderivative: ``sympy.Reals`` when ``F' = f``
            wherever ``f`` is real and finite, else the interval on which it holds.
        verification: The check it passed.
        rejected: ``"method: reason"`` for each candidate that failed the check.

    Examples:
        >>> x = sympy.Symbol("x", real=True)
        >>> r = verified_antiderivative(x * sympy.cos(x), x, deadline=Deadline(20))
        >>> r.F
        x*sin(x) + cos(x)
        >>> r.valid_on
        Reals
    """

    F: sympy.Expr
    f: sympy.Expr
    x: sympy.Symbol
    method: str
    steps: tuple[Step, ...]
    valid_on: sympy.Set = FULL
    verification: Verification | None = None
    rejected: tuple[str, ...] = field(default=(), compare=False)

    @property
    def everywhere(self) -> bool:
        """Whether ``F`` holds wherever ``f`` is real (``valid_on`` is the real line)."""
        return self.valid_on == FULL


# --- one attempt, in a worker ---------------------------------------------------------------


@dataclass(frozen=True)
class _Outcome:
    """What one method's attempt came to: ``kind`` is ``"ok"`` (a verified candidate),
    ``"rejected"`` (a candidate that failed the check), ``"none"`` (no candidate) or
    ``"timeout"``."""

    method: str
    kind: str
    F: sympy.Expr | None = None
    steps: tuple[Step, ...] = ()
    valid_on: sympy.Set | None = None
    check: Verification | None = None
    reason: str = ""


def _tidy(F: sympy.Expr) -> sympy.Expr:
    """Polar numbers (SymPy's Meijer G route leaves ``exp_polar(I*pi)``) made ordinary."""
    F = sympy.unpolarify(F)
    return F.replace(sympy.exp_polar, sympy.exp) if F.has(sympy.exp_polar) else F


def _size(F: sympy.Expr) -> tuple[int, int, int]:
    """How complicated a form is: special forms (``RootSum``, ``Piecewise``, ``I``) first,
    then SymPy's operation count, then the length of its text."""
    special = F.has(sympy.RootSum, sympy.Piecewise, sympy.meijerg, sympy.hyper) + F.has(sympy.I)
    return special, int(sympy.count_ops(F)), len(str(F))


def _much_simpler(form: sympy.Expr, F: sympy.Expr) -> bool:
    """Whether ``form`` is shorter than ``F`` by a fifth (in operations and in text), with
    no special form that ``F`` lacks."""
    (s1, ops1, len1), (s2, ops2, len2) = _size(form), _size(F)
    return s1 <= s2 and ops1 <= 0.8 * ops2 and len1 < len2


def _simpler_forms(F: sympy.Expr) -> Iterable[sympy.Expr]:
    """Cheaper rewritings first (common factors pulled out), then SymPy's ``simplify``
    for at most :data:`SIMPLIFY_SECONDS` (``floor`` terms and larger forms skip it)."""
    yield sympy.factor_terms(F)
    if not F.has(sympy.floor) and sympy.count_ops(F) <= SIMPLIFY_MAX_OPS:
        simple = capped(sympy.simplify, F)
        if simple is not None:
            yield simple


def _simplest(
    F: sympy.Expr, f: sympy.Expr, x: sympy.Symbol, rng: np.random.Generator, verdict: Verdict
) -> tuple[sympy.Expr, Verdict] | None:
    """A simpler form of a verified ``F`` that verifies as well (``None`` if none)."""
    if F.has(sympy.Piecewise, sympy.RootSum) or sympy.count_ops(F) < SIMPLIFY_MIN_OPS:
        return None
    best = None
    for form in _simpler_forms(F):
        if form == F or not _much_simpler(form, best[0] if best else F):
            continue
        again = verify(form, f, x, rng)
        if again.check is not None and again.valid_on in (verdict.valid_on, FULL):
            best = (form, again)
    return best


def _attempt(method: Method, f: sympy.Expr, x: sympy.Symbol, seed: int) -> _Outcome:
    """Run one method, then check its candidate (and a simpler form of it)."""
    try:
        found = method.run(f, x)
    except NoAnswer as exc:
        return _Outcome(method.name, "none", reason=str(exc))
    except Exception as exc:  # noqa: BLE001 - whatever SymPy raises, the method has no answer
        return _Outcome(method.name, "none", reason=f"{type(exc).__name__}: {exc}"[:200])
    F = _tidy(found.F)
    rng = np.random.default_rng(seed)
    verdict = verify(F, f, x, rng)
    if verdict.check is None:
        return _Outcome(method.name, "rejected", F=F, reason=verdict.reason)
    steps = found.steps or (Step.equation(method.title, integral_tex(f, x), F),)
    simpler = _simplest(F, f, x, rng, verdict)
    if simpler is not None:
        F, verdict = simpler
        steps = (*steps, Step.equation("simplify", integral_tex(f, x), F))
    return _Outcome(method.name, "ok", F, steps, verdict.valid_on, verdict.check)


# --- the workers ----------------------------------------------------------------------------


@dataclass
class _Job:
    """A forked worker running one attempt: its pid, the pipe its result comes back on,
    and when it is killed."""

    method: Method
    pid: int
    fd: int
    until: float
    data: bytearray = field(default_factory=bytearray)


def _start(method: Method, f: sympy.Expr, x: sympy.Symbol, seed: int, until: float) -> _Job:
    """Fork a worker for ``_attempt(method, f, x, seed)`` (as :func:`symml.deadline.run_limited`
    does, but several at once, each read back through its own pipe)."""
    read, write = os.pipe()
    with quiet_fork():
        pid = os.fork()
    if pid == 0:  # pragma: no cover - the worker (coverage does not follow forks)
        try:
            os.close(read)
            try:
                outcome = _attempt(method, f, x, seed)
                payload = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
            except BaseException as exc:  # noqa: BLE001 - reported to the parent
                shown = portable_exception(exc, method.name)
                payload = pickle.dumps(
                    _Outcome(method.name, "none", reason=f"{type(shown).__name__}: {shown}"[:200])
                )
            view = memoryview(payload)
            while view:
                view = view[os.write(write, view) :]
        finally:
            os._exit(0)
    os.close(write)
    return _Job(method, pid, read, until)


def _stop(job: _Job) -> None:
    """Kill a worker (it may have finished already) and reap it."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(job.pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(job.pid, 0)
    os.close(job.fd)


def _read(job: _Job) -> _Outcome | None:
    """Read what the worker has written; its outcome once the pipe is closed."""
    chunk = os.read(job.fd, 1 << 16)
    if chunk:
        job.data += chunk
        return None
    try:
        return pickle.loads(bytes(job.data))
    except Exception:  # noqa: BLE001 - the worker died before it finished writing
        return _Outcome(job.method.name, "none", reason="the worker process crashed")


def _cap(method: Method, deadline: Deadline) -> float:
    """Seconds a method may run: its share of the budget (of ``config.timeout`` when the
    budget is unlimited, except SymPy's ``integrate``, which then runs unbounded)."""
    if math.isinf(deadline.timeout):
        return (
            math.inf
            if method.name == "sympy.integrate"
            else max(MIN_METHOD_SECONDS, method.share * config.timeout)
        )
    return max(MIN_METHOD_SECONDS, method.share * deadline.timeout)


def _portfolio(
    methods: Sequence[Method], f: sympy.Expr, x: sympy.Symbol, deadline: Deadline, seed: int
) -> list[_Outcome]:
    """Run the methods, :data:`WORKERS` at a time, each in a forked worker killed at its
    cap or at the deadline, until :func:`_stop_time`."""
    if not hasattr(os, "fork"):  # pragma: no cover - Windows: one at a time
        return _in_turn(methods, f, x, deadline, seed)
    pending = list(enumerate(methods))
    jobs: list[_Job] = []
    outcomes: list[_Outcome] = []
    stop_at = math.inf
    rank = {m.name: i for i, m in enumerate(methods)}
    started = time.monotonic()
    try:
        while True:
            now = time.monotonic()
            while pending and len(jobs) < WORKERS and math.isinf(stop_at) and not deadline.expired:
                i, m = pending.pop(0)
                jobs.append(_start(m, f, x, seed + i, min(now + _cap(m, deadline), deadline.end)))
            if not jobs:
                break
            horizon = min(stop_at, *(j.until for j in jobs))
            wait = None if math.isinf(horizon) else max(0.0, horizon - now)
            ready, _, _ = select.select([j.fd for j in jobs], [], [], wait)
            for job in [j for j in jobs if j.fd in ready]:
                outcome = _read(job)
                if outcome is not None:
                    outcomes.append(outcome)
                    jobs.remove(job)
                    _stop(job)
            now = time.monotonic()
            for job in [j for j in jobs if j.until <= now]:
                outcomes.append(_Outcome(job.method.name, "timeout", reason="ran out of time"))
                jobs.remove(job)
                _stop(job)
            earlier = min((rank[o.method] for o in outcomes if _final(o)), default=len(rank))
            waiting = any(rank[j.method.name] < earlier for j in jobs)
            stop_at = min(stop_at, _stop_time(outcomes, started, now, waiting=waiting))
            if now >= stop_at or deadline.expired:
                break
    finally:
        for job in jobs:
            outcomes.append(_Outcome(job.method.name, "timeout", reason="stopped"))
            _stop(job)
    return outcomes


def _in_turn(
    methods: Sequence[Method], f: sympy.Expr, x: sympy.Symbol, deadline: Deadline, seed: int
) -> list[_Outcome]:  # pragma: no cover - without fork
    outcomes = []
    for i, m in enumerate(methods):
        if deadline.expired:
            break
        try:
            outcome = run_limited(
                _attempt,
                m,
                f,
                x,
                seed + i,
                timeout=min(_cap(m, deadline), deadline.left()),
                what=m.name,
            )
        except DerivationTimeout:
            outcome = _Outcome(m.name, "timeout", reason="ran out of time")
        outcomes.append(outcome)
        if _final(outcome):
            break
    return outcomes


# --- the portfolio --------------------------------------------------------------------------


def _applies(method: Method, f: sympy.Expr, x: sympy.Symbol) -> bool:
    try:
        return bool(method.applies(f, x))
    except Exception:  # noqa: BLE001 - a test SymPy cannot decide: try the method
        return True


def _stop_time(outcomes: list[_Outcome], started: float, now: float, *, waiting: bool) -> float:
    """When to stop, given the outcomes in at ``now``: after a final answer, at once
    unless a method before it is still running (``waiting``), then
    :data:`GRACE_SECONDS` later at most; after a verified answer that is not final,
    :data:`PROVISIONAL_WAIT` times the time taken (at least 2 s) for a better one;
    never while no answer is verified."""
    taken = now - started
    if any(_final(o) for o in outcomes):
        return now + GRACE_SECONDS if waiting else now
    if any(o.kind == "ok" for o in outcomes):
        return now + max(2.0, PROVISIONAL_WAIT * taken)
    return math.inf


def _final(outcome: _Outcome) -> bool:
    """Whether a verified answer ends the search: one that holds on the whole real line in
    a plain form (not a ``RootSum`` over unnamed roots)."""
    return (
        outcome.kind == "ok"
        and outcome.valid_on == FULL
        and outcome.F is not None
        and not outcome.F.has(sympy.RootSum)
    )


def _best(outcomes: list[_Outcome], order: dict[str, int]) -> _Outcome | None:
    """The verified answer that holds most widely, then the simplest."""
    ok = [o for o in outcomes if o.kind == "ok"]
    if not ok:
        return None
    return min(ok, key=lambda o: (o.valid_on != FULL, _size(o.F), order.get(o.method, 0)))


def _failure(f: sympy.Expr, x: sympy.Symbol, outcomes: list[_Outcome]) -> NoClosedFormError:
    rejected = [o for o in outcomes if o.kind == "rejected"]
    timed_out = sorted({o.method for o in outcomes if o.kind == "timeout"})
    parts = []
    if rejected:
        shown = "; ".join(f"{o.method}: {o.reason}" for o in rejected[:3])
        parts.append(f"{len(rejected)} candidate(s) rejected by the check ({shown})")
    if timed_out:
        parts.append(f"out of time: {', '.join(timed_out)}")
    tried = len(outcomes)
    why = "; ".join(parts) or "no method found a closed form"
    return NoClosedFormError(
        f"no verified antiderivative of {f} in {x} ({tried} method(s) tried; {why})"
    )


def verified_antiderivative(
    f: sympy.Expr,
    x: sympy.Symbol,
    *,
    deadline: Deadline,
    methods: Sequence[str] | None = None,
    seed: int = 0,
) -> Antiderivative:
    r"""An antiderivative of ``f`` in ``x`` that has passed a high-precision check.

    The methods of :data:`METHODS` that apply to ``f`` run :data:`WORKERS` at a time in
    forked worker processes, each for its share of ``deadline``'s budget, all killed when
    it expires. Each candidate is checked in its worker: ``F'`` (SymPy's derivative)
    against ``f`` by mpmath at :data:`DIGITS` digits, at :data:`CHECK_POINTS` random
    points where ``f`` is real and finite; then whether ``F`` jumps or turns wrong
    somewhere (``valid_on``); then a simpler form of it, checked again. The first answer
    valid on the whole real line ends the search (the answers arriving within
    :data:`GRACE_SECONDS` compete: the simplest is kept); an answer valid on an interval
    only is kept when nothing better arrives.

    Args:
        f: The integrand (a SymPy expression; other free symbols are parameters).
        x: The variable.
        deadline: The time budget, shared by all the methods.
        methods: Names of the methods to try (default: all that apply).
        seed: Seed of the random check points.

    Returns:
        An :class:`Antiderivative`: ``F``, the ``method`` that found it, its ``steps``,
        ``valid_on`` and the ``verification``.

    Raises:
        ValueError: For a name in ``methods`` that is not a method's.
        NoClosedFormError: When no method found a candidate that passes the check in time;
            the message says how many candidates were rejected by it, and which methods
            ran out of time.

    Examples:
        >>> x = sympy.Symbol("x", real=True)
        >>> r = verified_antiderivative(sympy.sec(x) ** 2, x, deadline=Deadline(20))
        >>> r.F, r.valid_on
        (tan(x), Reals)
        >>> f = x**3 * (sympy.Rational(7, 3) * x + sympy.Rational(5, 2)) ** 4 / (3 * x**4 + 2)
        >>> r = verified_antiderivative(f, x, deadline=Deadline(20), methods=["rational"])
        >>> r.F.has(sympy.log, sympy.atan)  # the part sympy.integrate loses
        True
    """
    f = sympy.sympify(f)
    if not f.has(x):
        F = f * x
        check = Verification(True, 0.0, "symbolic derivative", 0, f"d({F})/d{x} = {f}")
        line = (Step.equation("constant integrand", integral_tex(f, x), F),)
        return Antiderivative(F, f, x, "constant", line, FULL, check)
    names = {m.name for m in METHODS}
    unknown = sorted(set(methods or ()) - names)
    if unknown:
        raise ValueError(
            f"unknown integration method(s) {unknown}; the methods are {sorted(names)}"
        )
    chosen = [m for m in METHODS if (methods is None or m.name in methods) and _applies(m, f, x)]
    outcomes = _portfolio(chosen, f, x, deadline, seed)
    best = _best(outcomes, {m.name: i for i, m in enumerate(METHODS)})
    if best is None:
        raise _failure(f, x, outcomes)
    assert best.F is not None and best.valid_on is not None  # an "ok" outcome has both
    steps: tuple[Step, ...] = best.steps
    final = f"{integral_tex(f, x)} = {tex(best.F)}"
    if best.valid_on != FULL:
        steps = (*steps, Step(f"valid for {x} in {best.valid_on}", final))
    elif not steps or steps[-1].latex != final:
        steps = (*steps, Step("antiderivative", final))
    rejected = tuple(f"{o.method}: {o.reason}" for o in outcomes if o.kind == "rejected")
    return Antiderivative(best.F, f, x, best.method, steps, best.valid_on, best.check, rejected)
