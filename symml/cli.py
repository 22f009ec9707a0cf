"""The ``symml`` command line; the only module that prints.

Each subcommand is a row of :data:`COMMANDS`: a function that adds its arguments and a
function that runs it and returns a result object. Shared options (``--latex``,
``--steps``, ``--verify``, ``--export``) are handled once, in :func:`_report`.

Exit codes: 0 success; 1 a numeric check failed; 2 bad input (one line on stderr);
3 a derivation limit (no closed form, timeout, not supported).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from symml.errors import ParseError, SymmlError

__all__ = ["COMMANDS", "main"]


class _BadInput(ValueError):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _BadInput(f"{self.prog}: {message}")


@dataclass(frozen=True)
class Command:
    """One subcommand: its help line, argument set-up, runner and shared options."""

    help: str
    arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], Any]
    shared: bool = True


def _expr_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("expression", help='the expression, e.g. "x^2*sin(x)"')


def _wrt_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--wrt", default=None, help="variables, comma separated (default: all)")


# --- calculus: diff, grad, jacobian, hessian ------------------------------------------------


def _diff_args(p: argparse.ArgumentParser) -> None:
    _expr_arg(p)
    _wrt_arg(p)
    p.add_argument("-n", "--order", type=int, default=1, help="order of the derivative")


def _run_diff(a: argparse.Namespace) -> Any:
    from symml.calculus import derivative

    return derivative(a.expression, a.wrt, a.order)


def _expr_wrt_args(p: argparse.ArgumentParser) -> None:
    _expr_arg(p)
    _wrt_arg(p)


def _run_grad(a: argparse.Namespace) -> Any:
    from symml.calculus import gradient

    return gradient(a.expression, a.wrt)


def _run_hessian(a: argparse.Namespace) -> Any:
    from symml.calculus import hessian

    return hessian(a.expression, a.wrt)


def _run_jacobian(a: argparse.Namespace) -> Any:
    from symml.calculus import jacobian
    from symml.parsing import parse

    return jacobian(parse(a.expression), a.wrt)


# --- calculus II: integrate, limit, taylor, critical (issue 3) -----------------------------

# --- linear algebra: eig, linalg (issue 4) -------------------------------------------------

# --- probability: expect (issue 5) ---------------------------------------------------------

# --- sampling: sample (issue 5) ------------------------------------------------------------

# --- optimization: minimize (issue 6) ------------------------------------------------------

# --- notes (issue 7) -----------------------------------------------------------------------

# --- demo ----------------------------------------------------------------------------------


def _demo_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", default="symml-demo", help="output folder (default ./symml-demo)")


def _run_demo(a: argparse.Namespace) -> Any:
    from symml.demo import run_demo

    report = run_demo(a.out)
    lines = [*report.lines, f"wrote {len(report.files)} files into {report.out}:"]
    lines += [f"  {f}" for f in report.files]
    return "\n".join(lines)


#: The subcommands, in the order ``symml --help`` lists them.
COMMANDS: dict[str, Command] = {
    "diff": Command("derivative of an expression", _diff_args, _run_diff),
    "grad": Command("gradient of a scalar expression", _expr_wrt_args, _run_grad),
    "jacobian": Command('Jacobian of a vector "[f1, f2]"', _expr_wrt_args, _run_jacobian),
    "hessian": Command("Hessian of a scalar expression", _expr_wrt_args, _run_hessian),
    # rows: calculus II (issue 3)
    # rows: linear algebra (issue 4)
    # rows: probability (issue 5)
    # rows: sampling (issue 5)
    # rows: optimization (issue 6)
    # rows: notes (issue 7)
    "demo": Command("derive, check, plot and export into a folder", _demo_args, _run_demo,
                    shared=False),
}


def _shared_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--latex", action="store_true", help="print LaTeX instead of plain text")
    p.add_argument("--steps", action="store_true", help="print the derivation's steps first")
    p.add_argument("--verify", action="store_true", help="check the result numerically")
    p.add_argument("--export", metavar="PATH.py", default=None,
                   help="write the compiled NumPy function as a standalone module")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``symml``."""
    parser = _Parser(prog="symml", description="Symbolic maths for machine learning: derive, "
                     "check numerically, compile to NumPy.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, cmd in COMMANDS.items():
        p = sub.add_parser(name, help=cmd.help, description=cmd.help)
        cmd.arguments(p)
        if cmd.shared:
            _shared_args(p)
    return parser


def _value_options(parser: argparse.ArgumentParser) -> set[str]:
    opts: set[str] = set()
    for action in parser._actions:  # noqa: SLF001 - argparse offers no public listing
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            for p in action.choices.values():
                opts |= _value_options(p)
        elif action.option_strings and action.nargs != 0:
            opts.update(action.option_strings)
    return opts


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


def _plain(result: Any) -> str:
    if hasattr(result, "plain") and callable(result.plain):
        return result.plain()
    value = getattr(result, "result", result)
    return str(value)


def _report(result: Any, a: argparse.Namespace) -> int:
    if isinstance(result, str):
        print(result)
        return 0
    code = 0
    if getattr(a, "steps", False):
        for step in getattr(result, "steps", ()):
            print(f"{step.title}: {step.latex}")
    if getattr(a, "verify", False):
        check = result.verify()
        print(f"verify: {check}")
        code = 0 if check else 1
    if getattr(a, "export", None):
        path = Path(a.export)
        if path.suffix != ".py":
            raise _BadInput(f"--export: {a.export!r} must be a .py file")
        name = path.stem if path.stem.isidentifier() else "f"
        result.to_numpy().save(path, name=name)
        print(f"exported: {path} (function {name})")
    if getattr(a, "latex", False):
        from symml.latex import to_latex

        print(to_latex(result, steps=False))
    else:
        print(_plain(result))
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
        ns = parser.parse_args(_join_values(args, _value_options(parser)))
        if ns.command is None:
            parser.print_help()
            return 2
        result = COMMANDS[ns.command].run(ns)
        return _report(result, ns)
    except ParseError as exc:
        print(f"symml: error: {exc}", file=sys.stderr)
        return 2
    except SymmlError as exc:
        print(f"symml: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 3
    except (_BadInput, ValueError, TypeError, OSError) as exc:
        print(f"symml: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # pragma: no cover
        print("symml: interrupted", file=sys.stderr)
        return 130
