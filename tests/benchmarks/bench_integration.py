"""Integration: verified antiderivatives of ``sm.integral`` against ``sympy.integrate``.

Every integrand of ``tests/calculus/integral_table.py`` goes to ``sympy.integrate`` (in a
worker process killed at the budget) and to ``sm.integral(f, x, timeout=budget)``, the
public path (its verified portfolio, ``symml.integration.verified_antiderivative``, under
one deadline of the same budget), one call each. A judge
written here, independent of the portfolio's own check, differentiates each answer and
compares it with the integrand at 50 digits at 5 points of [0.3, 1.7] where the integrand
is real (other points when it is real at too few of them; inside ``valid_on`` when the
portfolio says the answer holds on an interval only). Each call is counted verified
correct, wrong (an answer the judge rejects), no answer (an error or an unevaluated
integral), hung (past the budget) or unjudged (the integrand is real at fewer than 3 of
the judge's points). Targets (DESIGN.md, issue 17): zero wrong, at least
1.2x as many verified answers as ``sympy.integrate``, median solved time under 1.5 s.
``--portfolio`` calls ``verified_antiderivative`` itself instead of ``sm.integral``.

Run it alone, with the counts table in Markdown (``--quick``: every 10th integrand, 3 s)::

    python -m tests.benchmarks.bench_integration [--budget 10] [--every 1] [--quick]
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import dataclass
from typing import Any

import sympy

import symml as sm
from symml.deadline import Deadline, run_limited
from symml.errors import DerivationTimeout, SymmlError
from symml.integration import verified_antiderivative
from tests.benchmarks._harness import Row
from tests.calculus.integral_table import TABLE

X = sympy.Symbol("x", real=True)
#: Digits of the judge's evaluations.
JUDGE_DIGITS = 50
#: Where the judge compares F' with f (then wider, where f is not real at enough of them).
JUDGE_POINTS = (
    *("0.31", "0.67", "1.03", "1.39", "1.7"),  # the peer suite's [0.3, 1.7]
    *("0.52", "0.89", "0.13", "2.3", "3.1", "4.2", "5.5", "7.5"),
    *("-0.45", "-1.2", "-2.5", "-4.1"),
)
#: Seconds the judge may take on one answer (a monstrous RootSum may take long to evaluate).
JUDGE_SECONDS = 60.0


@dataclass
class Tally:
    """The counts of one contestant."""

    correct: int = 0
    wrong: int = 0
    unjudged: int = 0
    no_answer: int = 0
    hung: int = 0
    partial: int = 0
    solved_times: list[float] | None = None

    def add(self, verdict: str, seconds: float) -> None:
        setattr(self, verdict, getattr(self, verdict) + 1)
        if verdict == "correct":
            self.solved_times = [*(self.solved_times or []), seconds]

    @property
    def median(self) -> float:
        return statistics.median(self.solved_times) if self.solved_times else float("nan")


def _judge_points(f: sympy.Expr, valid_on: sympy.Set) -> list[sympy.Expr]:
    points = []
    for text in JUDGE_POINTS:
        at = sympy.Rational(text)
        if valid_on.contains(at) != sympy.true:
            continue
        v = f.evalf(JUDGE_DIGITS, subs={X: at})
        if v.is_number and v.is_finite and abs(sympy.im(v)) <= 1e-40 * max(1, abs(v)):
            points.append(at)
        if len(points) == 5:
            break
    return points


def _right(F: sympy.Expr, f: sympy.Expr, valid_on: sympy.Set) -> bool:
    """Whether dF/dx = f at 50 digits at the judge's points (at least 3 of them), the
    parameters (a, b) at fixed values."""
    values = {
        s: sympy.Rational(7, 5) + sympy.Rational(i, 3)
        for i, s in enumerate(sorted((F.free_symbols | f.free_symbols) - {X}, key=str))
    }
    F, f = F.subs(values), f.subs(values)
    # floor/ceiling terms (which make a formula continuous across periods) are constant
    # between their jumps: their derivative there is 0
    steps = {a: sympy.Dummy() for a in F.atoms(sympy.floor, sympy.ceiling)}
    dF = sympy.diff(F.xreplace(steps), X).xreplace({d: a for a, d in steps.items()})
    points = _judge_points(f, valid_on)
    if len(points) < 3:
        raise _Unjudged(f"{f} is real at {len(points)} of the judge's points")
    for at in points:
        a = dF.evalf(JUDGE_DIGITS, subs={X: at})
        b = f.evalf(JUDGE_DIGITS, subs={X: at})
        if not (a.is_number and a.is_finite):
            return False
        if abs(a - b) > 1e-30 * max(1, abs(b)):
            return False
    return True


class _Unjudged(Exception):
    """The judge found too few points where the integrand is real."""


def _judged(F: sympy.Expr, f: sympy.Expr, valid_on: sympy.Set = sympy.S.Reals) -> str:
    try:
        ok = run_limited(_right, F, f, valid_on, timeout=JUDGE_SECONDS, what="the judge")
    except _Unjudged:
        return "unjudged"
    except (SymmlError, ArithmeticError, TypeError, ValueError):
        ok = False
    return "correct" if ok else "wrong"


def _sympy_integrate(f: sympy.Expr) -> sympy.Expr:
    return sympy.integrate(f, X)


def run_sympy(f: sympy.Expr, budget: float) -> tuple[str, float]:
    t0 = time.perf_counter()
    try:
        F = run_limited(_sympy_integrate, f, timeout=budget, what="sympy.integrate")
    except DerivationTimeout:
        return "hung", time.perf_counter() - t0
    except Exception:  # noqa: BLE001 - any failure of SymPy is "no answer"
        return "no_answer", time.perf_counter() - t0
    seconds = time.perf_counter() - t0
    if F.has(sympy.Integral):
        return "no_answer", seconds
    return _judged(F, f), seconds


def _by_integral(f: sympy.Expr, budget: float) -> tuple[sympy.Expr, sympy.Set]:
    """``sm.integral``: the answer and where it holds."""
    d = sm.integral(f, X, timeout=budget)
    return d.result, dict(d.valid_on).get(X, sympy.S.Reals)


def _by_portfolio(f: sympy.Expr, budget: float) -> tuple[sympy.Expr, sympy.Set]:
    """``verified_antiderivative`` itself."""
    r = verified_antiderivative(f, X, deadline=Deadline(budget))
    return r.F, r.valid_on


def run_symml(f: sympy.Expr, budget: float, *, portfolio: bool = False) -> tuple[str, float, bool]:
    t0 = time.perf_counter()
    try:
        F, valid_on = (_by_portfolio if portfolio else _by_integral)(f, budget)
    except SymmlError:
        seconds = time.perf_counter() - t0
        return ("hung" if seconds > budget + 1.0 else "no_answer"), seconds, False
    seconds = time.perf_counter() - t0
    if seconds > budget + 1.0:
        return "hung", seconds, False
    return _judged(F, f, valid_on), seconds, valid_on != sympy.S.Reals


def compare(
    budget: float, every: int = 1, log: Any = None, *, portfolio: bool = False
) -> tuple[Tally, Tally, list[str]]:
    """Both contestants on every ``every``-th entry of the table."""
    sympy_tally, symml_tally = Tally(), Tally()
    lines = []
    for family, text, _ in TABLE[::every]:
        f = sm.parse(text)
        a, ta = run_sympy(f, budget)
        b, tb, partial = run_symml(f, budget, portfolio=portfolio)
        sympy_tally.add(a, ta)
        symml_tally.add(b, tb)
        symml_tally.partial += partial
        line = f"{family:12} {text:50} sympy {a:9} {ta:6.2f} s | symml {b:9} {tb:6.2f} s"
        lines.append(line)
        if log is not None:
            print(line, file=log, flush=True)
    return sympy_tally, symml_tally, lines


def markdown(
    sympy_tally: Tally, symml_tally: Tally, budget: float, n: int, *, portfolio: bool = False
) -> str:
    head = (
        f"| {n} integrands, {budget:g} s per call | verified correct | wrong | no answer | "
        "hung | unjudged | median solved time |\n|---|---|---|---|---|---|---|\n"
    )
    name = "symml portfolio (`verified_antiderivative`)" if portfolio else "`sm.integral`"
    rows = [("`sympy.integrate`", sympy_tally), (name, symml_tally)]
    return head + "\n".join(
        f"| {name} | {t.correct} | {t.wrong} | {t.no_answer} | {t.hung} | {t.unjudged} | "
        f"{t.median:.2f} s |"
        for name, t in rows
    )


def row(quick: bool) -> Row:
    budget, every = (3.0, 10) if quick else (10.0, 1)
    s, m, _ = compare(budget, every)
    ratio = m.correct / max(1, s.correct)
    return Row(
        f"integration: median solved time ({len(TABLE[::every])} integrands)",
        m.median,
        {"sympy.integrate": s.median},
        note=(
            f"verified correct {m.correct} vs {s.correct} ({ratio:.2f}x, target >= 1.2x); "
            f"wrong {m.wrong} vs {s.wrong} (target 0); no answer {m.no_answer} vs "
            f"{s.no_answer}; hung {m.hung} vs {s.hung}; on an interval only {m.partial}"
        ),
    )


ROWS = [row]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.bench_integration")
    parser.add_argument("--budget", type=float, default=10.0, help="seconds per call")
    parser.add_argument("--every", type=int, default=1, help="every n-th integrand")
    parser.add_argument("--quick", action="store_true", help="every 10th integrand, 3 s")
    parser.add_argument(
        "--portfolio", action="store_true", help="verified_antiderivative, not sm.integral"
    )
    args = parser.parse_args()
    budget, every = (3.0, 10) if args.quick else (args.budget, args.every)
    import sys

    s, m, _ = compare(budget, every, log=sys.stdout, portfolio=args.portfolio)
    ratio = m.correct / max(1, s.correct)
    print()
    print(markdown(s, m, budget, len(TABLE[::every]), portfolio=args.portfolio))
    print(f"ratio of verified answers: {ratio:.2f}x")
    print(f"on an interval only (valid_on): {m.partial}")
    for name, t in (("sympy.integrate", s), ("symml", m)):
        times = sorted(t.solved_times or [float("nan")])
        print(
            f"{name}: 90th percentile of the solved times {times[int(0.9 * (len(times) - 1))]:.2f} s"
        )


if __name__ == "__main__":
    main()
