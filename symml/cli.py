"""The ``symml`` command line; the only module that prints.

Each subcommand is a row of :data:`COMMANDS`: a function that adds its arguments and a
function that runs it and returns a result object. Shared options (``--latex``,
``--steps``, ``--verify``, ``--export``) are handled once, in :func:`_report`.

Exit codes: 0 success; 1 a numeric check failed; 2 bad input (one line on stderr);
3 a derivation limit (no closed form, timeout, not supported); 4 ``minimize`` found no
minimum (the run diverged, or stopped at a stationary point that is not a minimum; its
table is printed all the same).
"""

from __future__ import annotations

import argparse
import itertools
import re
import shlex
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn, Protocol

import numpy as np
import sympy
from sympy.stats.rv import RandomSymbol

from symml.calculus import (
    CriticalPoints,
    critical_points,
    derivative,
    gradient,
    hessian,
    integral,
    jacobian,
    limit,
    taylor,
)
from symml.compile import function_name_problem
from symml.demo import run_demo
from symml.derivation import (
    Derivation,
    Step,
    Verification,
    as_wrt,
    latex_number,
    shown_steps,
)
from symml.display import ml_display
from symml.errors import ParseError, SymmlError
from symml.latex import GREEK_LETTERS, to_latex
from symml.linalg import Eigen, det, eig, gram_schmidt, inverse, lu, qr, svd
from symml.matrixcalc import matrix_derivative, matrix_hessian
from symml.notes import PDFLATEX_TIMEOUT, Notes, latex_text
from symml.optimize import OptimizeResult, gradient_descent, newton
from symml.parsing import assume, euler_columns, parse
from symml.plotting import plot_contour, plot_convergence, plot_function
from symml.probability import bind, expectation, parse_distribution
from symml.sampling import check_draws, sampler

__all__ = ["COMMANDS", "main"]


class _BadInput(ValueError):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _BadInput(f"{self.prog}: {message}")


class Outcome(Protocol):
    """What a subcommand returns when it is not a message (a ``str``): a result object, or
    the report of ``sample`` or ``demo``; its ``verify()`` backs ``--verify``."""

    def verify(self) -> object: ...


@dataclass(frozen=True)
class Command:
    """One subcommand: its help line, argument set-up, runner and shared options."""

    help: str
    arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], Outcome | str]
    shared: bool = True


#: SymPy's undefined values, and what the message that refuses them says of the input.
UNDEFINED: dict[sympy.Basic, str] = {
    sympy.zoo: "divides by zero (or meets another pole, such as log(0)): SymPy reads it "
    "as {expr}, where zoo is complex infinity",
    sympy.nan: "is undefined (0/0, oo - oo, 0*oo): SymPy reads it as {expr}, where nan is "
    "not a number",
}


def _defined(text: str) -> sympy.Basic:
    """The expression ``text`` parsed, refused when SymPy reads an undefined value in it
    (``x/0`` is ``zoo*x``: a derivative of it would print ``zoo`` and exit 0)."""
    expr = parse(text)
    for value, says in UNDEFINED.items():
        if expr.has(value):
            raise _BadInput(f"{text!r} {says.format(expr=expr)}")
    return expr


def _one_variable(command: str, a: argparse.Namespace, expr: sympy.Basic, hint: str) -> None:
    """Refuse ``command`` unless it has exactly one variable: the one ``--wrt`` names, or
    the expression's only one; the message says what to give, as the command line spells
    it (the library's would say ``wrt`` or suggest a Python function)."""
    variables = as_wrt(a.wrt, expr)
    if len(variables) == 1:
        return
    names = ", ".join(s.name for s in variables)
    if a.wrt is not None:
        raise _BadInput(
            f"{command}: --wrt {a.wrt} names {len(variables)} variables; give one ({hint})"
        )
    has = f"{len(variables)} variables ({names}); give --wrt with one"
    raise _BadInput(
        f"{command}: {a.expression!r} has {has if variables else 'no variable; give --wrt x'}"
        f" ({hint})"
    )


def _expr_arg(p: argparse.ArgumentParser, *, assumptions: bool = True) -> None:
    p.add_argument("expression", help='the expression, e.g. "x^2*sin(x)"')
    if assumptions:
        _assume_args(p)


def _assume_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--assume",
        action="append",
        default=[],
        metavar='"NAME>0"',
        help='what a free symbol is, e.g. --assume "sigma>0" (also >=0, <0, <=0, !=0; '
        "comma separated or repeated)",
    )
    p.add_argument(
        "--positive",
        default="",
        metavar="NAMES",
        help="free symbols to take as positive, comma separated, e.g. --positive a,b "
        "(a family's scale, rate and shape parameters already are)",
    )


def _assumed(a: argparse.Namespace, expr: sympy.Basic) -> sympy.Basic:
    """``expr`` with the assumptions of ``--assume`` and ``--positive`` (read by
    :func:`symml.parsing.assume`, never evaluated); an error names the option."""
    names = [n for n in re.split(r"[,\s]+", a.positive.strip()) if n]
    bad = next((n for n in names if not n.isidentifier()), None)
    if bad is not None:
        raise _BadInput(f"--positive: {bad!r} is not a name")
    for option, spec in (
        ("--assume", ",".join(a.assume)),
        ("--positive", [f"{n}>0" for n in names]),
    ):
        try:
            expr = assume(expr, spec) if spec else expr
        except ValueError as exc:
            raise _BadInput(str(exc).replace("assume:", f"{option}:", 1)) from None
    return expr


def _expression(a: argparse.Namespace) -> tuple[sympy.Basic, str | sympy.Basic]:
    """(the parsed expression, what the operation is given): the user's text, or with
    ``--assume``/``--positive`` the expression with those symbols' assumptions."""
    expr = _defined(a.expression)
    if not (a.assume or a.positive.strip()):
        return expr, a.expression
    assumed = _assumed(a, expr)
    return assumed, assumed


def _wrt_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--wrt", default=None, help="variables, comma separated (default: all)")


# --- calculus: diff, grad, jacobian, hessian -----------------------------------------------


def _diff_args(p: argparse.ArgumentParser) -> None:
    _expr_arg(p)
    _wrt_arg(p)
    p.add_argument("-n", "--order", type=int, default=1, help="order of the derivative")
    _timeout_arg(p)


def _run_diff(a: argparse.Namespace) -> Derivation:
    expr, given = _expression(a)
    _one_variable("diff", a, expr, "grad gives the gradient")
    return derivative(given, a.wrt, a.order, timeout=a.timeout)


def _expr_wrt_args(p: argparse.ArgumentParser) -> None:
    _expr_arg(p)
    _wrt_arg(p)


def _run_grad(a: argparse.Namespace) -> Derivation:
    return gradient(_expression(a)[1], a.wrt)


def _run_hessian(a: argparse.Namespace) -> Derivation:
    return hessian(_expression(a)[1], a.wrt)


def _run_jacobian(a: argparse.Namespace) -> Derivation:
    return jacobian(_expression(a)[0], a.wrt)


# --- calculus II: integrate, limit, taylor, critical ---------------------------------------


def _timeout_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--timeout",
        type=float,
        default=None,
        help="seconds SymPy may take (default: config.timeout)",
    )


def _integrate_args(p: argparse.ArgumentParser) -> None:
    _expr_arg(p)
    p.add_argument(
        "--wrt", default=None, help="integration variables, innermost first, comma separated"
    )
    p.add_argument(
        "--from",
        dest="lower",
        action="append",
        default=None,
        metavar="A",
        help="lower bound (repeat for each variable of an iterated integral)",
    )
    p.add_argument(
        "--to",
        dest="upper",
        action="append",
        default=None,
        metavar="B",
        help="upper bound (repeat for each variable of an iterated integral)",
    )
    p.add_argument("--numeric", action="store_true", help="numeric quadrature only")
    _timeout_arg(p)


def _integrand_and_bounds(
    a: argparse.Namespace,
) -> tuple[sympy.Basic, list[str | sympy.Basic], list[str | sympy.Basic]]:
    """The integrand and the bounds; with ``--assume``/``--positive`` both carry the
    assumptions, so that a name that occurs only in a bound (``--to a --positive a``)
    is assumed there too. Without them the bounds stay the user's text, so that an
    error names it (``1/0``, not ``zoo``)."""
    lower, upper = a.lower or [], a.upper or []
    if not (a.assume or a.positive.strip()):
        return _defined(a.expression), lower, upper
    whole = _assumed(a, sympy.Tuple(*map(_defined, [a.expression, *lower, *upper])))
    return whole[0], list(whole[1 : 1 + len(lower)]), list(whole[1 + len(lower) :])


def _run_integrate(a: argparse.Namespace) -> Derivation:
    expr, lower, upper = _integrand_and_bounds(a)
    variables = as_wrt(a.wrt, expr)
    if len(lower) != len(upper):
        raise _BadInput(
            f"integrate: {len(lower)} --from but {len(upper)} --to; give both "
            "bounds of every variable"
        )
    if lower and len(lower) != len(variables):
        raise _BadInput(
            f"integrate: {len(lower)} pairs of bounds for {len(variables)} "
            f"variables ({', '.join(map(str, variables)) or 'none'}); give --wrt"
        )
    if not variables:
        raise _BadInput(f"integrate: {a.expression!r} has no variable; give --wrt")
    items = (
        [(v, lo, hi) for v, lo, hi in zip(variables, lower, upper, strict=True)]
        if lower
        else list(variables)
    )
    return integral(expr, *items, timeout=a.timeout, method="numeric" if a.numeric else "auto")


def _limit_args(p: argparse.ArgumentParser) -> None:
    _expr_arg(p)
    _wrt_arg(p)
    p.add_argument("--to", required=True, help="the point, e.g. 0, oo, -oo, pi/2")
    p.add_argument(
        "--dir",
        default="+-",
        choices=["+", "-", "+-"],
        help="from the right (+), the left (-) or both (+-, default)",
    )
    _timeout_arg(p)


def _run_limit(a: argparse.Namespace) -> Derivation:
    # the point goes in as the user's text (as integrate's bounds): an error names it
    return limit(_expression(a)[1], a.wrt, a.to, a.dir, timeout=a.timeout)


def _taylor_args(p: argparse.ArgumentParser) -> None:
    _expr_arg(p)
    _wrt_arg(p)
    p.add_argument("--at", default="0", help="the expansion point (default 0)")
    p.add_argument("--order", type=int, default=3, help="the highest power (default 3)")
    _timeout_arg(p)


def _run_taylor(a: argparse.Namespace) -> Derivation:
    expr, given = _expression(a)
    _one_variable("taylor", a, expr, "a Taylor polynomial is of one variable")
    return taylor(given, a.wrt, a.at, a.order, timeout=a.timeout)


def _critical_args(p: argparse.ArgumentParser) -> None:
    _expr_arg(p)
    _wrt_arg(p)
    _timeout_arg(p)


def _run_critical(a: argparse.Namespace) -> CriticalPoints:
    # a list of points has no function to export: bad input (exit 2), as for eig
    _no_export(a, "critical")
    return critical_points(_expression(a)[1], a.wrt, timeout=a.timeout)


# --- linear algebra: eig, linalg -----------------------------------------------------------


def _matrix_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("matrix", help='the matrix, e.g. "[[2,1],[1,2]]"')


def _full_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--full",
        action="store_true",
        help=f"print a result of more than {MAX_PRINTED_NODES} nodes (default: its size only)",
    )


def _eig_args(p: argparse.ArgumentParser) -> None:
    _matrix_arg(p)
    p.add_argument(
        "--timeout",
        type=float,
        default=None,
        help="seconds for the symbolic work before the numeric fallback",
    )


def _no_export(a: argparse.Namespace, what: str) -> None:
    if getattr(a, "export", None):
        raise _BadInput(f"--export: {what} has no compiled function to export")


def _run_eig(a: argparse.Namespace) -> Eigen:
    _no_export(a, "eig")
    return eig(parse(a.matrix), timeout=a.timeout)


#: ``linalg`` operations: the symml.linalg function, its options, whether --export works,
#: and whether it takes the matrix's rows (a list of vectors) rather than the matrix.
LINALG_OPERATIONS: dict[str, tuple[Callable[..., Outcome], dict[str, bool], bool, bool]] = {
    "det": (det, {"steps": True}, True, False),
    "inverse": (inverse, {"steps": True}, True, False),
    "lu": (lu, {}, False, False),
    "qr": (qr, {}, False, False),
    "svd": (svd, {}, False, False),
    "gram-schmidt": (gram_schmidt, {"steps": True}, True, True),
}


def _linalg_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "operation",
        choices=list(LINALG_OPERATIONS),
        help="what to compute; gram-schmidt takes a list of vectors, one per row "
        '("[[1,1,0],[1,0,1]]" is two vectors), and prints the orthonormal vectors the same '
        "way, one per row (--latex and --steps set them as the columns of E, as in the "
        "maths)",
    )
    _matrix_arg(p)
    _timeout_arg(p)
    _full_arg(p)


#: ``linalg`` operations that take ``timeout`` (the others are fast on any input).
LINALG_TIMED = frozenset({"det", "inverse", "svd"})


def _run_linalg(a: argparse.Namespace) -> Outcome:
    operation, options, exportable, rows = LINALG_OPERATIONS[a.operation]
    if not exportable:
        _no_export(a, a.operation)
    matrix = parse(a.matrix)
    if rows and hasattr(matrix, "tolist"):
        # a flat "[1,2]" parses as a column: that is one vector, not two of length 1
        matrix = [matrix] if matrix.cols == 1 else matrix.tolist()
    timed = {"timeout": a.timeout} if a.operation in LINALG_TIMED else {}
    return operation(matrix, **options, **timed)


# --- probability: expect -------------------------------------------------------------------


def _expect_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("expression", help='an expression of the random variables, e.g. "X**2"')
    p.add_argument(
        "--dist",
        action="append",
        required=True,
        metavar="NAME=Family(args)",
        help='a random variable, e.g. "X=Normal(0,1)" (repeatable)',
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=None,
        help="seconds SymPy may take before the numeric fallback",
    )
    _assume_args(p)


def _distributions(texts: Sequence[str]) -> dict[str, RandomSymbol]:
    """The ``--dist NAME=Family(args)`` options as {name: random variable}; a name given
    twice is bad input (one would silently replace the other)."""
    variables: dict[str, RandomSymbol] = {}
    given: dict[str, str] = {}
    for text in texts:
        name, rv = parse_distribution(text)
        if name in variables:
            raise _BadInput(
                f"--dist: the variable {name} is given twice ({given[name]!r} and {text!r})"
            )
        variables[name], given[name] = rv, text
    return variables


def _run_expect(a: argparse.Namespace) -> Derivation:
    variables = _distributions(a.dist)
    given = {*re.findall(r"[A-Za-z_]\w*", ",".join(a.assume)), *re.split(r"[,\s]+", a.positive)}
    taken = sorted(given & set(variables))
    if taken:
        raise _BadInput(
            f"--assume/--positive: {taken[0]} is a random variable (--dist), not a symbol"
        )
    return expectation(_assumed(a, bind(a.expression, variables)), a.timeout)


# --- sampling: sample ----------------------------------------------------------------------


def _save_npy(path: Path, values: np.ndarray, name: str) -> None:
    np.save(path, values)


def _save_csv(path: Path, values: np.ndarray, name: str) -> None:
    np.savetxt(path, values, delimiter=",", header=name, comments="")


def _quantile(q: float) -> Callable[[np.ndarray], float]:
    def stat(v: np.ndarray) -> float:
        return float(np.quantile(v, q))

    return stat


#: Suffixes ``sample --out`` writes, and how.
_SAMPLE_WRITERS: dict[str, Callable[[Path, np.ndarray, str], None]] = {
    ".npy": _save_npy,
    ".csv": _save_csv,
}
#: The rows of the ``sample`` summary table: label and statistic of the draws.
_SAMPLE_STATS: tuple[tuple[str, Callable[[np.ndarray], float]], ...] = (
    ("mean", lambda v: v.mean()),
    ("std", lambda v: v.std(ddof=1) if v.size > 1 else 0.0),
    ("min", lambda v: v.min()),
    *((f"{q:g}%", _quantile(q / 100)) for q in (5, 25, 50, 75, 95)),
    ("max", lambda v: v.max()),
)


def _sample_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "expression",
        nargs="?",
        default=None,
        help="an expression of the variables (default: the single --dist variable)",
    )
    p.add_argument(
        "--dist",
        action="append",
        default=[],
        metavar="NAME=Family(args)",
        help='a random variable, e.g. "X=Normal(0,1)" (repeatable)',
    )
    p.add_argument("-n", "--size", type=int, default=10_000, help="number of draws")
    p.add_argument("--seed", type=int, default=None, help="seed of the random generator")
    p.add_argument("--out", default=None, metavar="FILE.npy|FILE.csv", help="save the draws")
    p.add_argument(
        "--method",
        default="auto",
        help="auto, numpy, closed-form, tabulated or rejection (custom densities)",
    )
    p.add_argument(
        "--latex",
        action="store_true",
        dest="law_latex",
        help="print the sampled law as LaTeX first",
    )
    p.add_argument(
        "--steps", action="store_true", help="print how it samples (the law and the method) first"
    )
    p.add_argument(
        "--verify",
        action="store_true",
        help="check the draws: Kolmogorov-Smirnov against the exact CDF (one "
        "continuous variable), else mean and variance against the exact ones",
    )


def _sample_expression(a: argparse.Namespace) -> sympy.Basic:
    if not a.dist:
        raise _BadInput("sample: give at least one --dist NAME=Family(args)")
    variables = _distributions(a.dist)
    if a.expression is None:
        if len(variables) != 1:
            raise _BadInput(
                f"sample: {len(variables)} variables given "
                f"({', '.join(variables)}); say which expression to sample"
            )
        return next(iter(variables.values()))
    expr = parse(a.expression)
    unknown = sorted(s.name for s in expr.free_symbols if s.name not in variables)
    if unknown:
        raise _BadInput(
            f"sample: {a.expression!r} uses {', '.join(unknown)}, which no --dist defines"
        )
    return expr.xreplace({s: variables[s.name] for s in expr.free_symbols})


@dataclass(frozen=True)
class _SampleReport:
    """What ``sample --steps/--verify`` reports: the steps (the law, the method), the
    summary table as its plain text, and the check of the draws (:func:`_report` prints
    them and exits 1 when the check fails)."""

    text: str
    steps: tuple[Step, ...]
    expr: sympy.Basic
    values: np.ndarray

    def plain(self) -> str:
        return self.text

    def verify(self) -> Verification:
        return check_draws(self.expr, self.values)


#: The most draws ``sample -n`` holds in memory (8 bytes each, and a sorted copy for the
#: quantiles): beyond it the command would die of a MemoryError.
SAMPLE_MAX_DRAWS = 10**8


def _run_sample(a: argparse.Namespace) -> _SampleReport | str:
    out = Path(a.out) if a.out else None
    if out is not None and out.suffix.lower() not in _SAMPLE_WRITERS:
        raise _BadInput(f"--out: {a.out!r} must end in {' or '.join(_SAMPLE_WRITERS)}")
    if a.size < 1:
        raise _BadInput(f"-n must be a positive number of draws, got {a.size}")
    if a.size > SAMPLE_MAX_DRAWS:
        raise _BadInput(
            f"-n {a.size}: at most {SAMPLE_MAX_DRAWS} draws are held in memory "
            f"({SAMPLE_MAX_DRAWS * 8 // 10**6} MB); for more, average them in "
            f"chunks with symml.monte_carlo(expr, n, chunks=...)"
        )
    if a.seed is not None and a.seed < 0:
        raise _BadInput(f"--seed must be a non-negative integer, got {a.seed}")
    draw = sampler(_sample_expression(a), method=a.method)
    values = np.asarray(draw(a.size, rng=a.seed))
    seed = "" if a.seed is None else f", seed {a.seed}"
    lines = [draw.latex()] if a.law_latex else []
    lines += [f"sample of {draw.expr}: {a.size} draws{seed}", f"method: {draw.method}"]
    lines += [f"{label:>6}  {float(stat(values)):.6g}" for label, stat in _SAMPLE_STATS]
    if out is not None:
        _SAMPLE_WRITERS[out.suffix.lower()](out, values, str(draw.expr))
        lines.append(f"wrote {a.size} draws to {out}")
    if not (a.steps or a.verify):
        return "\n".join(lines)
    steps = (Step("law", draw.latex()),)  # the method is in the summary below
    return _SampleReport("\n".join(lines), steps if a.steps else (), draw.expr, values)


# --- optimization: minimize ----------------------------------------------------------------

#: ``--method`` of ``minimize``: the optimizer and its fixed options.
MINIMIZE_METHODS: dict[str, tuple[Callable[..., OptimizeResult], dict[str, float]]] = {
    "gd": (gradient_descent, {}),
    "momentum": (gradient_descent, {"momentum": 0.9}),
    "linesearch": (gradient_descent, {"line_search": True}),
    "newton": (newton, {}),
}


#: ``minimize --steps`` prints at most this many iterates: the first and the last halves.
MAX_PRINTED_ITERATES = 20
#: Exit status of ``minimize`` when the run found no minimum; the table still prints.
EXIT_NO_MINIMUM = 4
#: The ``OptimizeResult.status`` values that exit with :data:`EXIT_NO_MINIMUM`.
NO_MINIMUM = frozenset({"diverged", "not a minimum"})


def _minimize_args(p: argparse.ArgumentParser) -> None:
    p.epilog = (
        "exit status: 0 converged to a minimum, or the step limit was reached (the "
        f"table says 'converged no'); {EXIT_NO_MINIMUM} the run diverged or stopped at a "
        "stationary point that is not a minimum (a saddle, maximum or inflection point; "
        "the message says which); 2 bad input"
    )
    _expr_arg(p, assumptions=False)
    _wrt_arg(p)
    p.add_argument("--x0", required=True, help="the start, comma separated, e.g. -1.2,1")
    p.add_argument(
        "--method",
        choices=tuple(MINIMIZE_METHODS),
        default="gd",
        help="gd (default), momentum (heavy ball), linesearch (Armijo), newton",
    )
    p.add_argument("--lr", type=float, default=0.1, help="learning rate (default 0.1)")
    p.add_argument("--momentum", type=float, default=None, help="momentum mu (default 0.9)")
    p.add_argument(
        "--iterations",
        dest="n_steps",
        type=int,
        default=None,
        metavar="N",
        help="largest number of steps (default 1000; newton 100)",
    )

    p.add_argument("--tol", type=float, default=None, help="gradient-norm tolerance")
    p.add_argument(
        "--plot",
        metavar="FILE.png",
        default=None,
        help="save the contour (2 variables) or function plot (1) with the path",
    )
    p.add_argument("--latex", action="store_true", help="print LaTeX instead of the table")
    p.add_argument(
        "--steps",
        action="store_true",
        help=f"print the iterates first (x, f and |grad f| of each step; at most "
        f"{MAX_PRINTED_ITERATES}: the first and the last)",
    )


#: Names of values that are not finite numbers, which ``--x0`` refuses as such.
_NOT_FINITE = re.compile(r"[+-]?(nan|inf|infinity|oo|zoo)", re.IGNORECASE)


def _numbers(text: str, what: str) -> list[float]:
    """Comma-separated finite real numbers (``pi/2`` too), or an error naming the item."""
    out = []
    for item in (t.strip() for t in text.split(",")):
        try:
            value = parse(item) if item else None
        except ParseError:
            if not _NOT_FINITE.fullmatch(item):
                raise
            value = None
        if value is None or not getattr(value, "is_number", False) or not value.is_finite:
            raise _BadInput(f"{what}: {item!r} is not a finite number (e.g. {what} -1.2,1)")
        if not value.is_real:
            raise _BadInput(f"{what}: {item!r} is not a real number")
        out.append(float(value))
    return out


def _minimize_options(a: argparse.Namespace) -> dict[str, float]:
    method, fixed = MINIMIZE_METHODS[a.method]
    options = dict(fixed)
    if method is gradient_descent:
        options["lr"] = a.lr
        if a.momentum is not None:
            options["momentum"] = a.momentum
    elif a.momentum is not None:
        raise _BadInput("--momentum applies to gradient descent, not newton")
    if a.n_steps is not None:
        options["steps"] = a.n_steps
    if a.tol is not None:
        options["tol"] = a.tol
    return options


#: The plot window around a path is at least this wide relative to its distance from 0 (a
#: window of width 1 at 1e17 has no width in double precision).
PLOT_RELATIVE_WIDTH = 1e-3


def _plot_window(points: np.ndarray) -> list[tuple[float, float]]:
    finite = points[np.all(np.isfinite(points), axis=1)]
    lo, hi = finite.min(axis=0), finite.max(axis=0)
    width = np.maximum(1.0, PLOT_RELATIVE_WIDTH * np.maximum(np.abs(lo), np.abs(hi)))
    pad = 0.25 * np.maximum(hi - lo, width)
    return [(float(a), float(b)) for a, b in zip(lo - pad, hi + pad, strict=True)]


def _save_minimize_plot(result: OptimizeResult, path: str) -> str:
    from matplotlib.figure import Figure

    out = Path(path)
    if out.suffix.lower() not in (".png", ".pdf", ".svg"):
        raise _BadInput(f"--plot: {path!r} must end in .png, .pdf or .svg")
    fig = Figure(figsize=(7.5, 6), layout="constrained")
    ax = fig.add_subplot()
    n = result.path.shape[1]
    try:
        if n == 2:
            xlim, ylim = _plot_window(result.path)
            plot_contour(result.objective, xlim, ylim, wrt=result.wrt, path=result, ax=ax)
        elif n == 1:
            (xlim,) = _plot_window(result.path)
            plot_function(result.objective, result.wrt, xlim, ax=ax, path=result)
        else:
            plot_convergence(result, ax=ax)
    except ValueError as exc:  # e.g. f is inf on the whole window of a diverged run
        raise _BadInput(f"--plot: cannot draw the run ({result.message}): {exc}") from exc
    fig.savefig(out, dpi=120)
    return f"wrote {out}"


def _run_minimize(a: argparse.Namespace) -> OptimizeResult:
    method, _ = MINIMIZE_METHODS[a.method]
    x0 = _numbers(a.x0, "--x0")
    _defined(a.expression)
    result = method(a.expression, x0, wrt=a.wrt, **_minimize_options(a))
    if a.plot:
        print(_save_minimize_plot(result, a.plot))
    return result


# --- matrix calculus -----------------------------------------------------------------------


def _matdiff_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("expression", help='matrix expression in NumPy notation, e.g. "X.T @ X"')
    p.add_argument("--wrt", required=True, help="the matrix to differentiate by, e.g. w")
    p.add_argument("--shapes", required=True, help='shapes, e.g. "X:n,m w:m y:n lam"')
    p.add_argument("--hessian", action="store_true", help="the Hessian instead of ∂f/∂X")


def _run_matdiff(a: argparse.Namespace) -> Outcome:
    operation = matrix_hessian if a.hessian else matrix_derivative
    return operation(a.expression, a.wrt, shapes=a.shapes)


# --- notes ---------------------------------------------------------------------------------

#: Subcommands a recipe line may use (those that return a result object).
RECIPE_OPS = (
    "diff",
    "grad",
    "jacobian",
    "hessian",
    "integrate",
    "limit",
    "taylor",
    "critical",
    "eig",
    "linalg",
    "expect",
    "variance",
    "entropy",
    "minimize",
    "matdiff",
)


def _notes_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "recipe",
        help="text file: one 'op: expression | variables [--options]' "
        "per line; 'text: ...', 'section: ...', 'title: ...'; # comments",
    )
    p.add_argument(
        "-o",
        "--out",
        default=None,
        help="OUT.tex, OUT.md or OUT.pdf (default: the recipe's name with .tex)",
    )
    _pdf_timeout_arg(p)


def _pdf_timeout_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--pdf-timeout",
        type=float,
        default=PDFLATEX_TIMEOUT,
        metavar="SECONDS",
        help=f"seconds pdflatex may run (default {PDFLATEX_TIMEOUT:g})",
    )


#: Recipe operations whose line starts with words before the expression, and the form
#: of such a line (``linalg: svd [[3,0],[4,5]] | --verify``).
RECIPE_LEADING_WORDS: dict[str, tuple[int, str]] = {
    "linalg": (1, "linalg: OPERATION MATRIX | --options, e.g. 'linalg: svd [[3,0],[4,5]]'"),
}


def _recipe_argv(op: str, body: str) -> list[str]:
    """``"x**2*y | x, y --verify"`` → ``[op, "--wrt", "x,y", "--verify", "--", "x**2*y"]``;
    ``linalg``'s first word is its operation: ``"svd [[3,0],[4,5]] | --verify"`` →
    ``["linalg", "--verify", "--", "svd", "[[3,0],[4,5]]"]``."""
    expression, _, rest = body.partition("|")
    if not expression.strip():
        raise ValueError("no expression before '|'")
    count, form = RECIPE_LEADING_WORDS.get(op, (0, ""))
    words = expression.split(None, count)
    if len(words) <= count:
        raise ValueError(f"expected {form}")
    variables, dashes, options = rest.partition("--")
    names = ",".join(v for v in variables.replace(",", " ").split() if v)
    if names and count:
        raise ValueError(f"{op} takes no variables after '|' (got {names!r}): expected {form}")
    argv = [op] + (["--wrt", names] if names else []) + shlex.split(dashes + options)
    return [*argv, "--", *words[:count], words[count].strip()]


def _recipe_line(notes: Notes, op: str, body: str, parser: argparse.ArgumentParser) -> None:
    directives: dict[str, Callable[[str], None]] = {"text": notes.add, "section": notes.section}
    if op in directives:
        directives[op](body.strip())
        return
    if op == "title":
        title = body.strip() or notes.title
        latex_text(title)  # an unmatched $ is this line's error, not the document's
        notes.title = title
        return
    if op not in RECIPE_OPS or op not in COMMANDS:
        known = ", ".join(o for o in RECIPE_OPS if o in COMMANDS)
        raise ValueError(f"unknown operation {op!r} (use one of: {known}, text, section, title)")
    if "|" not in body:  # "op: x^3 --export f.py": the options would be read as maths
        options = _value_options(parser, [op], flags=True)
        words = body.split()
        at = next(
            (
                i
                for i, w in enumerate(words)
                if w.startswith("--") and w.partition("=")[0] in options
            ),
            None,
        )
        if at is not None:
            raise ValueError(
                f"options go after '|': write '{op}: {' '.join(words[:at])} | "
                f"{' '.join(words[at:])}'"
            )
    ns = parser.parse_args(_prepare_argv(parser, _recipe_argv(op, body)))
    result = COMMANDS[op].run(ns)
    if isinstance(result, str):
        notes.add(result.replace("$", "\\$"))
        return
    notes.add(result, check=bool(getattr(ns, "verify", False)))  # a failed check says FAILED
    if getattr(ns, "export", None):
        _export(result, ns.export)


def build_notes(text: str, title: str = "Notes") -> Notes:
    """A :class:`~symml.notes.Notes` from a recipe's text; an error names its ``line N``.

    Examples:
        >>> build_notes("# demo\\ngrad: x**2*y | x,y\\ntext: Done.")
        Notes('Notes': 1 derivation, 1 paragraph)
    """
    notes, parser = Notes(title), build_parser()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        op, colon, body = line.partition(":")
        try:
            if not colon or not op.strip().isidentifier():
                raise ValueError(f"expected 'op: expression | variables', got {line!r}")
            _recipe_line(notes, op.strip(), body, parser)
        except SymmlError as exc:
            if isinstance(exc, ParseError):
                raise _BadInput(f"line {number}: {exc}") from exc
            raise _with_line(exc, number) from exc
        except (ValueError, TypeError, OSError) as exc:
            raise _BadInput(f"line {number}: {exc}") from exc
    return notes


def _with_line(exc: SymmlError, number: int) -> SymmlError:
    try:
        return type(exc)(f"line {number}: {exc}")
    except TypeError:  # a subclass with other constructor arguments
        return SymmlError(f"line {number}: {exc}")


def _run_notes(a: argparse.Namespace) -> str:
    recipe = Path(a.recipe)
    out = Path(a.out) if a.out else recipe.with_suffix(".tex")
    if out.suffix not in (".tex", ".md", ".pdf"):
        raise _BadInput(f"-o: {str(out)!r} must end in .tex, .md or .pdf")
    try:
        text = recipe.read_text(encoding="utf-8")
    except OSError as exc:
        raise _BadInput(f"cannot read recipe {str(recipe)!r}: {exc.strerror}") from exc
    try:
        notes = build_notes(text, title=recipe.stem.replace("_", " ").capitalize())
    except _BadInput as exc:
        raise _BadInput(f"{recipe}: {exc}") from exc
    notes.write(out, timeout=a.pdf_timeout)
    return f"wrote {out}: {notes!r}"


# --- demo ----------------------------------------------------------------------------------


def _demo_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", default="symml-demo", help="output folder (default ./symml-demo)")
    p.add_argument("--seed", type=int, default=0, help="seed of the numeric checks")
    p.add_argument("--no-pdf", action="store_true", help="do not run pdflatex")
    _pdf_timeout_arg(p)
    p.set_defaults(verify=True)  # the demo always reports its checks; exit 1 if one failed


@dataclass(frozen=True)
class _DemoChecks:
    """The verdict on the demo's numeric checks (true when every one passed)."""

    checks: dict[str, Verification]

    def __bool__(self) -> bool:
        return all(c.passed for c in self.checks.values())

    def __str__(self) -> str:
        failed = [name for name, c in self.checks.items() if not c.passed]
        if not failed:
            return f"passed: all {len(self.checks)} numeric checks"
        return f"FAILED: {', '.join(failed)} ({len(failed)} of {len(self.checks)} numeric checks)"


@dataclass(frozen=True)
class _DemoSummary:
    text: str
    checks: dict[str, Verification]

    def plain(self) -> str:
        return self.text

    def verify(self) -> _DemoChecks:
        return _DemoChecks(self.checks)


def _run_demo(a: argparse.Namespace) -> _DemoSummary:
    report = run_demo(
        a.out, seed=a.seed, pdf=False if a.no_pdf else None, pdf_timeout=a.pdf_timeout
    )
    lines = [*report.lines, *(f"skipped {s}" for s in report.skipped)]
    lines += [f"wrote {len(report.files)} files into {report.out}:"]
    lines += [f"  {f.name}" for f in report.files]
    return _DemoSummary("\n".join(lines), report.checks)


#: The subcommands, in the order ``symml --help`` lists them.
COMMANDS: dict[str, Command] = {
    "diff": Command("derivative of an expression", _diff_args, _run_diff),
    "grad": Command("gradient of a scalar expression", _expr_wrt_args, _run_grad),
    "jacobian": Command('Jacobian of a vector "[f1, f2]"', _expr_wrt_args, _run_jacobian),
    "hessian": Command("Hessian of a scalar expression", _expr_wrt_args, _run_hessian),
    # rows: calculus II
    "integrate": Command(
        "indefinite, definite (--from/--to) or iterated integral", _integrate_args, _run_integrate
    ),
    "limit": Command("limit of an expression (--to, --dir)", _limit_args, _run_limit),
    "taylor": Command("Taylor polynomial (--at, --order)", _taylor_args, _run_taylor),
    "critical": Command(
        "critical points, classified by the Hessian", _critical_args, _run_critical
    ),
    # rows: linear algebra
    "eig": Command(
        'eigenvalues, eigenvectors and diagonalization of "[[2,1],[1,2]]"', _eig_args, _run_eig
    ),
    "linalg": Command(
        "det, inverse, lu, qr, svd or gram-schmidt of a matrix", _linalg_args, _run_linalg
    ),
    # rows: matrix calculus
    "matdiff": Command(
        'matrix derivative or Hessian in matrix form, e.g. "X.T @ X" --shapes "X:n,m"',
        _matdiff_args,
        _run_matdiff,
    ),
    # rows: probability
    "expect": Command('expectation, e.g. "X**2" --dist "X=Normal(0,1)"', _expect_args, _run_expect),
    # rows: sampling
    "sample": Command(
        "draw samples of random variables and summarise them",
        _sample_args,
        _run_sample,
        shared=False,
    ),
    # rows: optimization
    "minimize": Command(
        "gradient descent or Newton's method from --x0 (--plot FILE.png)",
        _minimize_args,
        _run_minimize,
        shared=False,
    ),
    # rows: notes
    "notes": Command(
        "build a notes document (.tex/.md/.pdf) from a recipe file",
        _notes_args,
        _run_notes,
        shared=False,
    ),
    "demo": Command(
        "derive, check, plot and export into a folder", _demo_args, _run_demo, shared=False
    ),
}


def _shared_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--latex", action="store_true", help="print LaTeX instead of plain text")
    p.add_argument(
        "--steps",
        action="store_true",
        help="print the derivation's steps first, one a line (plain text; LaTeX with --latex)",
    )
    p.add_argument("--verify", action="store_true", help="check the result numerically")
    p.add_argument(
        "--exp-form",
        action="store_true",
        help="print exp/log as derived, without the σ/softplus display forms",
    )
    p.add_argument(
        "--export",
        metavar="PATH.py",
        default=None,
        help="write the compiled NumPy function as a standalone module",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``symml``."""
    parser = _Parser(
        prog="symml",
        description="Symbolic maths for machine learning: derive, "
        "check numerically, compile to NumPy.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, cmd in COMMANDS.items():
        p = sub.add_parser(name, help=cmd.help, description=cmd.help)
        cmd.arguments(p)
        if cmd.shared:
            _shared_args(p)
    return parser


def _value_options(
    parser: argparse.ArgumentParser, argv: Sequence[str] = (), *, flags: bool = False
) -> set[str]:
    """The options that take a value (with ``flags``: every option), of the subcommand named
    in ``argv`` (and the top level)."""
    opts: set[str] = set()
    for action in parser._actions:  # argparse offers no public listing
        if isinstance(action, argparse._SubParsersAction):
            name = next((a for a in argv if a in action.choices), None)
            if name is not None:
                opts |= _value_options(action.choices[name], flags=flags)
        elif action.option_strings and (flags or action.nargs != 0):
            opts.update(action.option_strings)
    return opts


def _prepare_argv(parser: argparse.ArgumentParser, argv: Sequence[str]) -> list[str]:
    """What argparse is given: option values that start with ``-`` joined to their option
    (``--from=-oo``), and an expression that starts with ``-`` (``"-x**2"``) moved after
    ``--`` with the other positionals, so that argparse does not take it for an option.

    Examples:
        >>> _prepare_argv(build_parser(), ["integrate", "-x", "--wrt", "x", "--from", "-1"])
        ['integrate', '--wrt=x', '--from=-1', '--', '-x']
    """
    _refuse_old_step_limit(argv)
    values = _value_options(parser, argv)
    joined = _join_values(list(argv), values)
    return _dash_positionals_last(joined, _value_options(parser, joined, flags=True), values)


def _refuse_old_step_limit(argv: Sequence[str]) -> None:
    """``minimize ... --steps N`` set the step limit before ``--iterations``; ``--steps``
    is now the flag that prints the steps, so ``N`` would be an unexplained stray."""
    if "minimize" not in argv:
        return
    for option, value in itertools.pairwise(argv[argv.index("minimize") :]):
        if option == "--steps" and re.fullmatch(r"\d+", value):
            raise _BadInput(
                f"minimize: --steps {value}: the step limit is --iterations {value} "
                "(--steps is the flag that prints the steps, as for every command)"
            )


def _dash_positionals_last(argv: list[str], options: set[str], values: set[str]) -> list[str]:
    at = next((i for i, a in enumerate(argv) if a in COMMANDS), None)
    if at is None:
        return argv
    rest = argv[at + 1 :]
    opts: list[str] = []
    positionals: list[str] = []
    moved = False
    i = 0
    while i < len(rest):
        arg = rest[i]
        if arg == "--":
            positionals += rest[i + 1 :]
            moved = True
            break
        short_with_value = arg[:2] in values and len(arg) > 2 and not arg.startswith("--")
        if arg.startswith("--") or arg in options or short_with_value:
            # argparse accepts a unique prefix of a long option: "--wr x" is "--wrt x"
            long = (
                [v for v in values if v.startswith(arg) and v.startswith("--")]
                if arg.startswith("--") and "=" not in arg
                else []
            )
            takes_value = (arg in values or len(long) == 1) and i + 1 < len(rest)
            opts += rest[i : i + 2] if takes_value else [arg]
            i += 2 if takes_value else 1
            continue
        positionals.append(arg)
        moved = moved or arg.startswith("-")
        i += 1
    return [*argv[: at + 1], *opts, "--", *positionals] if moved else argv


def _join_values(argv: list[str], options: set[str]) -> list[str]:
    """Turn ``--from -oo`` into ``--from=-oo`` so values may start with ``-``."""
    out: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in options and i + 1 < len(argv) and arg.startswith("--"):
            out.append(f"{arg}={argv[i + 1]}")
            i += 2
            continue
        if arg in options and i + 1 < len(argv) and argv[i + 1].startswith("-"):
            out += [arg, argv[i + 1]] if not argv[i + 1][1:2].isalpha() else [arg]
            i += 2 if not argv[i + 1][1:2].isalpha() else 1
            continue
        out.append(arg)
        i += 1
    return out


# --- plain text of LaTeX steps (``--steps`` without ``--latex``) ----------------------------

#: LaTeX commands and what plain text writes for them (a command not listed is its name).
PLAIN_COMMANDS: dict[str, str] = {
    **{name: ch for name, ch in GREEK_LETTERS.items() if name not in ("pi", "Pi")},
    "varepsilon": "ε",
    "varphi": "φ",
    "pi": "pi",
    "infty": "oo",
    "nabla": "∇",
    "partial": "∂",
    "cdot": "*",
    "times": "×",
    "odot": "⊙",
    "otimes": "⊗",
    "to": "->",
    "iff": "<=>",
    "Rightarrow": "=>",
    "approx": "≈",
    "le": "<=",
    "leq": "<=",
    "ge": ">=",
    "geq": ">=",
    "ne": "!=",
    "neq": "!=",
    "pm": "±",
    "sim": "~",
    "lVert": "‖",
    "rVert": "‖",
    "Vert": "‖",
    "|": "‖",
    "langle": "⟨",
    "rangle": "⟩",
    "top": "ᵀ",
    "dots": "...",
    "ldots": "...",
    "cdots": "...",
    ",": " ",
    ";": " ",
    ":": " ",
    " ": " ",
    "!": "",
    "quad": "  ",
    "qquad": "  ",
    "{": "{",
    "}": "}",
    "%": "%",
    "&": "&",
    "_": "_",
    "#": "#",
    "$": "$",
    "limits": "",
    "nolimits": "",
    "displaystyle": "",
    "big": "",
    "Big": "",
    "bigg": "",
    "Bigg": "",
}
#: Commands whose argument is text: the argument as it stands.
PLAIN_TEXT_COMMANDS = frozenset(
    {
        "text",
        "textit",
        "textbf",
        "mathrm",
        "operatorname",
        "mathbb",
        "mathcal",
        "mathbf",
        "mathit",
        "mathsf",
        "mathtt",
        "texttt",
        "boldsymbol",
    }
)
#: Big operators: their limits are written ``∫[a..b]``, ``lim[x -> 0]``.
PLAIN_OPERATORS: dict[str, str] = {"int": "∫", "sum": "∑", "prod": "∏", "lim": "lim"}
#: Delimiters after ``\left``/``\right`` (``.`` is none).
PLAIN_DELIMITERS: dict[str, str] = {
    "(": "(",
    ")": ")",
    "[": "[",
    "]": "]",
    r"\{": "{",
    r"\}": "}",
    "|": "|",
    ".": "",
    r"\|": "‖",
    r"\lVert": "‖",
    r"\rVert": "‖",
    r"\langle": "⟨",
    r"\rangle": "⟩",
}
_ATOM = re.compile(r"[\w.'!∂∇‖⟨⟩ᵀ*]+(\([^()]*\))?")
#: Superscripts of the small powers of ``∇`` (``∇²f``).
_SUPERSCRIPTS = dict(zip("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹", strict=True))
_COMMAND = re.compile(r"\\([A-Za-z]+|.)")
_MATRIX_BEGIN = re.compile(r"\\begin\{([pbBvV]?matrix|smallmatrix|array)\}(\{[^}]*\})?")


def plain_math(latex: str) -> str:
    r"""A line of LaTeX as readable plain text: SymPy's notation where it has one
    (``x**2``, ``sqrt(x)``, ``exp(x)``, ``oo``, matrices as nested lists), Unicode for the
    rest (``∇``, ``∂``, ``λ``, ``∫[a..b]``).

    Examples:
        >>> plain_math(r"\frac{d}{d x} f(x) = x^{2} \cos{\left(x \right)} + 2 x \sin{\left(x \right)}")
        'd/dx f(x) = x**2 cos(x) + 2 x sin(x)'
        >>> plain_math(r"\nabla f = \left[\begin{matrix}2 x y\\x^{2}\end{matrix}\right]")
        '∇f = [[2 x y], [x**2]]'
        >>> plain_math(r"I = \int\limits_{-\infty}^{\infty} e^{- x^{2}}\, dx = \sqrt{\pi}")
        'I = ∫[-oo..oo] exp(-x**2) dx = sqrt(pi)'
    """
    return _tidy_plain(_plain_of(latex))


def _tidy_plain(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"([(\[{⟨]) ", r"\1", text)
    text = re.sub(r" ([)\]},⟩])", r"\1", text)
    text = re.sub(r"(^|[(\[{,=<>] ?|\*\*)- (?=\S)", r"\1-", text)  # a unary minus
    text = re.sub(r"‖ ([^‖]*?) ‖", r"‖\1‖", text)
    text = re.sub(r"([∇∂][⁰-⁹²³¹]?) (?=\w)", r"\1", text)  # ∇f, ∂f, ∇²f
    return re.sub(r"(^|[^\w)])(d|∂) (?=\w)", r"\1\2", text)  # "d x" in d/dx


def _brace_group(s: str, i: int) -> tuple[str, int]:
    """The brace group (or the single token) at ``s[i]`` and the index after it."""
    while i < len(s) and s[i] == " ":
        i += 1
    if i >= len(s):
        return "", i
    if s[i] != "{":
        m = _COMMAND.match(s, i)
        token = m.group(0) if m else s[i]
        return token, i + len(token)
    depth = 0
    for j in range(i, len(s)):
        if s[j] == "\\":
            continue
        if s[j] in "{}" and (j == 0 or s[j - 1] != "\\"):
            depth += 1 if s[j] == "{" else -1
            if depth == 0:
                return s[i + 1 : j], j + 1
    return s[i + 1 :], len(s)


def _wrapped(text: str) -> str:
    text = _tidy_plain(text)
    return text if _ATOM.fullmatch(text) else f"({text})"


def _plain_matrix(body: str) -> str:
    rows = [r for r in re.split(r"\\\\", body) if r.strip()]
    cells = [[_tidy_plain(_plain_of(c)) for c in r.split("&")] for r in rows]
    return "[" + ", ".join("[" + ", ".join(r) + "]" for r in cells) + "]"


def _plain_script(s: str, i: int, out: list[str]) -> int:
    """A superscript or subscript at ``s[i]``: ``x**2``, ``exp(...)`` after ``e``,
    ``Aᵀ``, ``f^(k)``, ``x_i``."""
    mark = s[i]
    group, i = _brace_group(s, i + 1)
    text = _tidy_plain(_plain_of(group))
    if mark == "_":
        out.append("_" + (text if re.fullmatch(r"\w+", text) else f"({text})"))
    elif text in ("T", "ᵀ", "*", "+", "-"):  # transpose, optimum, one-sided limit
        out.append({"T": "ᵀ", "*": "^*"}.get(text, text))
    elif re.fullmatch(r"\([^()]*\)", text):  # f^(k): the k-th derivative
        out.append("^" + text)
    elif out and out[-1] == "∇" and text in _SUPERSCRIPTS:
        out.append(_SUPERSCRIPTS[text])
    elif out and out[-1] == "e" and re.search(r"(^|[^\w\\])e$", "".join(out)[-2:]):
        out[-1] = out[-1][:-1] + f"exp({text})"
    else:
        out.append("**" + _wrapped(text))
    return i


def _plain_command(s: str, i: int, name: str, out: list[str]) -> int:
    """The command ``\\name`` whose arguments start at ``s[i]``; returns the index after."""
    if name in ("left", "right"):
        m = re.match(r"\\[A-Za-z]+|\\.|.", s[i:])
        token = m.group(0) if m else ""
        out.append(PLAIN_DELIMITERS.get(token, token))
        return i + len(token)
    if name in ("frac", "dfrac", "tfrac"):
        a, i = _brace_group(s, i)
        b, i = _brace_group(s, i)
        out.append(f" {_wrapped(_plain_of(a))}/{_wrapped(_plain_of(b))} ")
        return i
    if name == "sqrt":
        root = ""
        if s[i : i + 1] == "[":
            close = s.index("]", i)
            root, i = s[i + 1 : close], close + 1
        a, i = _brace_group(s, i)
        inner = _tidy_plain(_plain_of(a))
        out.append(f"({inner})**(1/{root})" if root else f"sqrt({inner})")
        return i
    if name in PLAIN_TEXT_COMMANDS:
        a, i = _brace_group(s, i)
        out.append(_plain_of(a) if name in ("mathrm", "operatorname") else a)
        return i
    if name in PLAIN_OPERATORS:
        limits = []
        i = i + len("\\limits") if s.startswith("\\limits", i) else i
        while i < len(s) and s[i] in "_^":
            group, i = _brace_group(s, i + 1)
            limits.append(_tidy_plain(_plain_of(group)))
        body = "..".join(limits)
        out.append(f" {PLAIN_OPERATORS[name]}{f'[{body}]' if body else ''} ")
        return i
    out.append(PLAIN_COMMANDS.get(name, name))
    return i


def _plain_of(s: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(s):
        c = s[i]
        if c == "\\" and (m := _MATRIX_BEGIN.match(s, i)):
            env = m.group(1)
            end = s.find(f"\\end{{{env}}}", m.end())
            end = len(s) if end < 0 else end
            if out and out[-1] == "[":  # \left[ \begin{matrix}: one bracket
                out.pop()
            out.append(_plain_matrix(s[m.end() : end]))
            i = end + len(f"\\end{{{env}}}")
            if re.match(r"\s*\\right\]", s[i:]):
                i = s.index("]", i) + 1
        elif c == "\\" and s.startswith("\\\\", i):
            out.append("; ")
            i += 2
        elif c == "\\":
            m = _COMMAND.match(s, i)
            name = m.group(1) if m else ""
            i = _plain_command(s, i + len(m.group(0)) if m else i + 1, name, out)
        elif c in "^_":
            i = _plain_script(s, i, out)
        elif c == "{":
            group, i = _brace_group(s, i)
            out.append(_plain_of(group))
        elif c in "}&":
            i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _step_lines(result: Outcome, *, latex: bool) -> list[str]:
    """What ``--steps`` prints: one line per step, its title then the equation, as plain
    text (:func:`plain_math`) or, with ``--latex``, as LaTeX; the iterates of a run."""
    if isinstance(result, OptimizeResult):
        return _iterates(result, latex=latex)
    return [
        f"{s.title}: {s.latex if latex else plain_math(s.latex)}"
        for s in shown_steps(getattr(result, "steps", ()))
    ]


def _iterates(result: OptimizeResult, *, latex: bool) -> list[str]:
    """``step k: x = (...), f = ..., |grad f| = ...`` for the first and last
    :data:`MAX_PRINTED_ITERATES` // 2 iterates of a run, and how many are left out."""
    count, half = len(result.path), MAX_PRINTED_ITERATES // 2
    shown: list[int | None] = list(range(count))
    if count > MAX_PRINTED_ITERATES:
        shown = [*range(half), None, *range(count - half, count)]
    lines = []
    for k in shown:
        if k is None:
            lines.append(f"... {count - 2 * half} more steps ...")
            continue
        x = ", ".join(f"{v:.6g}" for v in result.path[k])
        f, g = float(result.values[k]), float(result.grad_norms[k])
        lines.append(
            rf"step {k}: x_{{{k}}} = \left({x}\right),\ f(x_{{{k}}}) = "
            rf"{latex_number(f, '.6g')},\ \|\nabla f(x_{{{k}}})\| = {latex_number(g)}"
            if latex
            else f"step {k}: x = ({x}), f = {f:.6g}, |grad f| = {g:.3g}"
        )
    return lines


def _vectors_as_rows(result: Derivation) -> str:
    """``gram-schmidt``'s answer as its input was given: a list of vectors, one per row."""
    rows = sympy.ImmutableMatrix(result.result).T.tolist()
    return f"orthonormal vectors, one per row (as given):\n{rows}"


#: Plain forms of results, by ``Derivation.operation``, where ``str(result)`` is not it.
PLAIN_FORMS: dict[str, Callable[[Derivation], str]] = {"gram_schmidt": _vectors_as_rows}


def _numeric(result: object) -> Derivation | None:
    """``result`` when it is a Derivation computed numerically (a quadrature fallback, a
    Monte Carlo estimate), else ``None``."""
    if isinstance(result, Derivation) and result.method != "symbolic":
        return result
    return None


def _numeric_mark(d: Derivation) -> str:
    """The line above a numeric result's value: ``≈``, the method and the error estimate.

    Examples:
        >>> import sympy
        >>> _numeric_mark(Derivation(sympy.Float(0.75), (), (), "I", "numeric", 8.3e-15))
        '≈ numeric result, error estimate 8.3e-15'
    """
    error = f"error estimate {d.error:.1e}" if d.error is not None else "no error estimate"
    return f"≈ {d.method} result, {error}"


def _latex_line(result: Outcome) -> str:
    r"""What ``--latex`` prints: the result's LaTeX; a numeric result as ``lhs \approx
    value`` with its method and error estimate."""
    d = _numeric(result)
    if d is None or isinstance(d.result, dict):
        return to_latex(result, steps=False)
    error = latex_number(d.error, ".1e") if d.error is not None else r"\text{unknown}"
    return (
        rf"{d.lhs} \approx {to_latex(d.result)} \quad (\text{{{d.method}, error estimate}}"
        rf" \approx {error})"
    )


def _plain(result: object) -> str:
    """The plain text the CLI prints: the operation's own form (``PLAIN_FORMS``), a numeric
    Derivation's value under its ``≈`` mark, else the result's ``plain()``."""
    form = PLAIN_FORMS.get(getattr(result, "operation", ""))
    if form is not None and isinstance(result, Derivation):
        return form(result)
    d = _numeric(result)
    if d is not None and type(d).plain is Derivation.plain:
        return f"{_numeric_mark(d)}\n{d.plain()}"
    plain = getattr(result, "plain", None)
    return str(plain()) if callable(plain) else str(getattr(result, "result", result))


def _export(result: Outcome, export: str) -> str:
    """``--export PATH.py`` (the CLI's and a recipe line's): the function is named after the
    file when that is a usable name (``grad_f.py``: ``grad_f``), else ``f`` (``my-grad.py``)."""
    path = Path(export)
    if path.suffix != ".py":
        raise _BadInput(f"--export: {export!r} must be a .py file")
    if not isinstance(result, Derivation):  # each command without one refused --export
        raise _BadInput(f"--export: a {type(result).__name__} has no compiled function")
    name = "f" if function_name_problem(path.stem) else path.stem
    compiled = result.to_numpy()
    try:
        compiled.save(path, name=name)
    except OSError as exc:
        raise _BadInput(f"--export: cannot write {export!r}: {exc.strerror or exc}") from exc
    return f"exported: {path} (function {name})"


#: A result with more expression nodes than this is printed as its size unless ``--full``
#: (a symbolic 8×8 determinant is megabytes of text and minutes of printing).
MAX_PRINTED_NODES = 5000


def _too_large(result: object) -> str | None:
    """The size line printed instead of a result of more than :data:`MAX_PRINTED_NODES`
    nodes, or ``None`` for a result small enough to print.

    Examples:
        >>> import sympy
        >>> x = sympy.Symbol("x")
        >>> d = Derivation(sum(x**k for k in range(3000)), (x,), (), "f")
        >>> _too_large(d)
        'too large to print: an expression of 8997 nodes, 3000 terms in 1 symbol (--full prints it)'
        >>> _too_large(Derivation(x, (x,), (), "f")) is None
        True
    """
    value = getattr(result, "result", None)
    if not isinstance(value, sympy.Basic):
        return None
    items = list(value) if isinstance(value, sympy.MatrixBase) else [value]
    nodes = sum(1 for item in items for _ in sympy.preorder_traversal(item))
    if nodes <= MAX_PRINTED_NODES:
        return None
    terms = sum(len(sympy.Add.make_args(item)) for item in items)
    count = len(value.free_symbols)
    shape = (
        f"a {value.rows}×{value.cols} matrix"
        if isinstance(value, sympy.MatrixBase)
        else "an expression"
    )
    return (
        f"too large to print: {shape} of {nodes} nodes, {terms} terms in {count} "
        f"symbol{'s' if count != 1 else ''} (--full prints it)"
    )


def _report(result: Outcome | str, a: argparse.Namespace) -> int:
    if isinstance(result, str):
        print(result)
        return 0
    code = 0
    if getattr(a, "steps", False):
        latex = getattr(a, "latex", False) or getattr(a, "law_latex", False)  # sample's
        for line in _step_lines(result, latex=latex):
            print(line)
    if getattr(a, "verify", False):
        check = result.verify()
        print(f"verify: {check}")
        code = 0 if check else 1
    if getattr(a, "export", None):
        print(_export(result, a.export))
    summary = _too_large(result) if getattr(a, "full", True) is False else None
    if summary is not None:
        print(summary)
    elif getattr(a, "latex", False):
        print(_latex_line(result))
    else:
        print(_plain(result))
    if getattr(result, "status", "") in NO_MINIMUM:
        code = EXIT_NO_MINIMUM
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``symml`` with ``argv`` (default: ``sys.argv[1:]``) and return the exit code.

    Examples:
        >>> main(["diff", "x^3", "--wrt", "x"])
        3*x**2
        0
        >>> main(["diff", "2x"])
        2
    """
    parser = build_parser()
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        ns = parser.parse_args(_prepare_argv(parser, args))
        if ns.command is None:
            parser.print_help()
            return 2
        with ml_display(not getattr(ns, "exp_form", False)):  # steps are set as derived
            result = COMMANDS[ns.command].run(ns)
            _euler_notes(ns)
            return _report(result, ns)
    except ParseError as exc:
        print(f"symml: error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except SymmlError as exc:
        print(f"symml: {type(exc).__name__}: {_one_line(exc)}", file=sys.stderr)
        return 3
    except (_BadInput, ValueError, TypeError, OSError) as exc:
        print(f"symml: error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # pragma: no cover
        print("symml: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug in symml or below it: still one line
        print(
            f"symml: internal error: {type(exc).__name__}: {_one_line(exc)} (this is a bug; "
            "please report it with the command line)",
            file=sys.stderr,
        )
        return 1


def _euler_notes(ns: argparse.Namespace) -> None:
    """A note on stderr for each ``e`` read as Euler's number where a variable is likely
    (``[[a,b,c],[d,e,f],[g,h,i]]``): the docs say so, the answer does not show it."""
    for arg in ("expression", "matrix"):
        text = getattr(ns, arg, None)
        for col in euler_columns(text) if isinstance(text, str) else ():
            print(
                f"symml: note: 'e' at column {col} of the {arg} is Euler's number "
                "e = 2.718..., not a variable (name a variable e.g. e1)",
                file=sys.stderr,
            )


def _one_line(exc: BaseException) -> str:
    """An exception's message on one line (SymPy's can span several)."""
    return " ".join(str(exc).split())[:2000] or type(exc).__name__
