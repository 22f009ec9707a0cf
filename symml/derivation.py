"""The result objects of symbolic operations, and the coercion every operation uses.

A :class:`Derivation` holds a SymPy result, the variables it is a function of (the
argument order of :meth:`Derivation.to_numpy`), and the :class:`Step` lines that led to
it. Operations take a ``str``, a SymPy object or a Derivation wherever an expression is
expected (:func:`as_expr`), and Symbols, names, a comma/space separated string or a
sequence of these wherever variables are expected (:func:`as_wrt`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np
import sympy

from symml import display
from symml.checks import check_options
from symml.errors import NotSupportedError
from symml.parsing import parse

if TYPE_CHECKING:  # the compiler sits above this layer; see Derivation.to_numpy
    from symml.compile import NumericFunction

#: What an operation takes wherever an expression is expected (see :func:`as_expr`).
ExprLike: TypeAlias = "sympy.Basic | str | Derivation | int | float | complex | Sequence[Any]"
#: What an operation takes wherever variables are expected (see :func:`as_wrt`).
WrtLike: TypeAlias = "sympy.Symbol | str | Iterable[sympy.Symbol | str] | None"
#: What an operation takes as ``rng=`` (see :func:`as_rng`).
RngLike: TypeAlias = "np.random.Generator | int | np.random.SeedSequence | None"
#: The numeric check an operation attaches to the Derivation it returns:
#: ``check(derivation, points, rng, rtol) -> Verification``.
Check: TypeAlias = "Callable[[Derivation, int, np.random.Generator, float], Verification]"

__all__ = [
    "Check",
    "Derivation",
    "ExprLike",
    "Result",
    "RngLike",
    "Step",
    "Verification",
    "WrtLike",
    "as_expr",
    "as_matrix",
    "as_rng",
    "as_wrt",
    "counted",
    "function_lhs",
    "latex_number",
    "render_steps",
    "tex",
]

#: Settings of every LaTeX string symml produces from a SymPy object.
LATEX_SETTINGS: Mapping[str, Any] = {"mat_delim": "[", "mat_str": "matrix"}


def tex(obj: Any) -> str:
    r"""LaTeX of a SymPy object (or a Python number) with symml's printing settings, as
    results are shown (:func:`symml.display.latex`): σ, softplus and tanh recognised while
    ``config.ml_display`` is on, fractions in matrix entries at display size.

    Examples:
        >>> x = sympy.Symbol("x")
        >>> tex(x**2 / 2)
        '\\frac{x^{2}}{2}'
        >>> tex(sympy.exp(x) / (sympy.exp(x) + 1) ** 2)
        '\\sigma\\left(x\\right) \\left(1 - \\sigma\\left(x\\right)\\right)'
    """
    if isinstance(obj, str):
        return obj
    if isinstance(obj, (tuple, list)):
        return r",\ ".join(tex(o) for o in obj)
    # a symbol named "a%b" (made with sympy.Symbol; the parser allows no such name) would
    # comment out the rest of the line: its special characters are escaped
    names = {
        s: sympy.latex(sympy.Symbol(_TEX_SPECIAL.sub(lambda m: _TEX_ESCAPES[m.group()], s.name)))
        for s in free_symbols(obj)
        if _TEX_SPECIAL.search(s.name)
    }
    return display.latex(obj, **LATEX_SETTINGS, **({"symbol_names": names} if names else {}))


#: Characters of a symbol's name that mean something to LaTeX, and how they are written.
_TEX_ESCAPES: Mapping[str, str] = {
    "%": r"\%",
    "#": r"\#",
    "&": r"\&",
    "$": r"\$",
    "{": r"\{",
    "}": r"\}",
    "~": r"\sim ",
    "\\": r"\backslash ",
}
_TEX_SPECIAL = re.compile("|".join(map(re.escape, _TEX_ESCAPES)))


def latex_number(value: float, spec: str = ".3g") -> str:
    r"""A float as LaTeX math (no ``$``), formatted by ``spec``: ``1.23 \times 10^{-7}``,
    ``\infty``, ``\mathrm{nan}``.

    Examples:
        >>> latex_number(1.234e-7), latex_number(0.5), latex_number(1.234e-7, ".1e")
        ('1.23 \\times 10^{-7}', '0.5', '1.2 \\times 10^{-7}')
        >>> latex_number(float("-inf")), latex_number(float("nan"))
        ('-\\infty', '\\mathrm{nan}')
    """
    if not math.isfinite(value):
        return r"\infty" if value > 0 else (r"-\infty" if value < 0 else r"\mathrm{nan}")
    mantissa, _, exponent = f"{value:{spec}}".partition("e")
    return rf"{mantissa} \times 10^{{{int(exponent)}}}" if exponent else mantissa


@dataclass(frozen=True)
class Step:
    """One line of a derivation.

    Attributes:
        title: What was done, e.g. ``"chain rule"``, ``"simplify"``.
        latex: The line as LaTeX, ``"lhs = rhs"``.
    """

    title: str
    latex: str

    @classmethod
    def equation(cls, title: str, lhs: str, rhs: Any) -> Step:
        r"""The step ``lhs = rhs``: ``lhs`` is LaTeX already, ``rhs`` a SymPy object (or
        LaTeX, when a ``str``) written with :func:`tex`.

        Examples:
            >>> Step.equation("power rule", r"\frac{d}{dx} x^{3}", 3 * sympy.Symbol("x") ** 2)
            Step(title='power rule', latex='\\frac{d}{dx} x^{3} = 3 x^{2}')
        """
        return cls(title, f"{lhs} = {tex(rhs)}")

    def _repr_latex_(self) -> str:
        return f"$\\displaystyle {self.latex}$"


def shown_steps(steps: Sequence[Step]) -> list[Step]:
    """The steps as shown: a step that reads the same as the one before it (a
    simplification the display forms already made, say) joins that line, its title
    after a semicolon, instead of repeating the equation.

    Examples:
        >>> shown_steps([Step("differentiate", "f' = 2 x"), Step("simplify", "f' = 2 x")])
        [Step(title='differentiate; simplify', latex="f' = 2 x")]
    """
    shown: list[Step] = []
    for step in steps:
        if shown and step.latex == shown[-1].latex:
            shown[-1] = Step(f"{shown[-1].title}; {step.title}", step.latex)
        else:
            shown.append(step)
    return shown


def render_steps(steps: Sequence[Step], final: str | None = None) -> str:
    r"""The one renderer of a derivation: an ``aligned`` block with one step a line, its
    title on the right, then ``final`` (when given and not already the last line).

    With no steps it is ``final`` alone (``""`` without it).

    Examples:
        >>> print(render_steps([Step("definition", "f = x^{2}")], "f' = 2 x"))
        \begin{aligned}
        f &= x^{2} && \text{definition} \\
        f' &= 2 x
        \end{aligned}
        >>> render_steps([], "f = 1")
        'f = 1'
    """
    if not steps:
        return final or ""
    lines = [_align(s.latex) + rf" && \text{{{_tex_text(s.title)}}}" for s in shown_steps(steps)]
    if final and steps[-1].latex != final:
        lines.append(_align(final))
    return "\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}"


class Result:
    """The protocol every result object follows, written once.

    A result renders itself with ``latex(*, steps=True)``; this mixin gives it the Jupyter
    displays (``_repr_latex_``, ``_repr_markdown_``), ``str()`` (its :meth:`plain` text) and
    ``verify()``, which resolves the
    options (``None`` means ``config.verify_points`` / ``config.verify_rtol``) and the
    random generator once, then runs the result's own check, :meth:`_check`, written
    beside the operation that made it.
    """

    def latex(self, *, steps: bool = True) -> str:
        raise NotImplementedError  # pragma: no cover - every result class defines it

    def plain(self) -> str:
        """The result as plain text (what the command line prints): its ``result`` in
        SymPy's ``str`` form (with σ, softplus and tanh recognised while
        ``config.ml_display`` is on: :func:`symml.display.plain`), unless the class writes
        its own."""
        value = getattr(self, "result", repr(self))
        return display.plain(value) if isinstance(value, sympy.Basic) else str(value)

    def __str__(self) -> str:
        return self.plain()

    def _repr_latex_(self) -> str:
        return f"$$ {self.latex()} $$"

    def _repr_markdown_(self) -> str:
        return f"$$\n{self.latex()}\n$$"

    def verify(
        self, *, points: int | None = None, rng: RngLike = None, rtol: float | None = None
    ) -> Verification:
        """Check the result numerically (finite differences, quadrature, ``A v = λ v``,
        Monte Carlo...), at random points drawn from ``rng``.

        Args:
            points: How many random points (``None``: ``config.verify_points``).
            rng: A ``numpy.random.Generator``, an int seed or ``None``.
            rtol: Relative tolerance (``None``: ``config.verify_rtol``).

        Returns:
            A :class:`Verification`; ``bool()`` of it says whether it passed.

        Raises:
            NotSupportedError: When no numeric check exists for this result.
            ValueError: For ``points < 1`` or ``rtol <= 0``.
        """
        n, tol = check_options(points, rtol)
        return self._check(n, as_rng(rng), tol)

    def _check(self, points: int, rng: np.random.Generator, rtol: float) -> Verification:
        raise NotSupportedError(f"no numeric check for a {type(self).__name__} result")


@dataclass(frozen=True)
class Verification:
    """The outcome of a numeric check of a symbolic result.

    Attributes:
        passed: Whether every point agreed within tolerance.
        max_error: The largest error seen (relative where the check is relative).
        method: How it was checked, e.g. ``"central differences"``.
        points: How many points (or samples) were checked.
        details: A sentence on what was compared.

    Examples:
        >>> v = Verification(passed=True, max_error=1e-9, method="central differences", points=5)
        >>> bool(v)
        True
    """

    passed: bool
    max_error: float
    method: str
    points: int
    details: str = ""

    def __bool__(self) -> bool:
        return bool(self.passed)

    def latex(self, *, steps: bool = True) -> str:
        """LaTeX of the outcome: method, points, largest error and a mark (``steps`` has
        no effect: a check has no steps; every result object's ``latex`` takes it)."""
        mark = r"\checkmark" if self.passed else r"\times"
        return (
            rf"\text{{{_tex_text(self.method)}: {counted(self.points, 'point')}, max error "
            rf"{self.max_error:.2e}}}\ {mark}"
        )

    def _repr_latex_(self) -> str:
        return f"$\\displaystyle {self.latex()}$"

    def __str__(self) -> str:
        status = "passed" if self.passed else "FAILED"
        return f"{status}: {self.method}, {counted(self.points, 'point')}, max error {self.max_error:.3g}"


def counted(n: int, noun: str) -> str:
    """``n`` and ``noun``, plural unless ``n`` is 1 (how many points, steps, ...).

    Examples:
        >>> counted(1, "point"), counted(5, "point")
        ('1 point', '5 points')
    """
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _tex_text(s: str) -> str:
    return re.sub(r"([#$%&_{}])", r"\\\1", s)


@dataclass(frozen=True, repr=False)
class Derivation(Result):
    r"""A symbolic result with the steps that led to it.

    Attributes:
        result: The SymPy result (an Expr, an ImmutableMatrix, or a dict).
        wrt: The variables, in the argument order of :meth:`to_numpy`.
        steps: The derivation lines.
        lhs: LaTeX of the left-hand side, e.g. ``r"\nabla f(x, y)"``.
        method: ``"symbolic"``, ``"numeric"``, ``"monte-carlo"``...
        error: Absolute error estimate when ``method`` is numeric.
        operation: What produced it (``"gradient"``...), for its ``repr``.
        check: The numeric check the operation attached, run by :meth:`verify`
            (``None``: the result cannot be checked numerically).

    Examples:
        >>> import symml as sm
        >>> d = sm.derivative("x**3", "x")
        >>> d.result
        3*x**2
        >>> d.latex(steps=False)
        '\\frac{d}{d x} f(x) = 3 x^{2}'
        >>> bool(d.verify())
        True
    """

    result: Any
    wrt: tuple[sympy.Symbol, ...]
    steps: tuple[Step, ...]
    lhs: str
    method: str = "symbolic"
    error: float | None = None
    operation: str = field(default="", compare=False)
    check: Check | None = field(default=None, compare=False, repr=False)

    def latex(self, *, steps: bool = True) -> str:
        """LaTeX of the derivation: an ``aligned`` block of its steps, or one line.

        Args:
            steps: Show every step (``True``) or only ``lhs = result``.
        """
        final = f"{self.lhs} = {tex(self.result)}"
        if self.method != "symbolic" and self.error is not None:
            final += rf" \quad (\text{{{_tex_text(self.method)}, error}} \approx {self.error:.1e})"
        if not steps:
            return final
        shown = self.method == "symbolic" and bool(self.steps)
        if shown and self.steps[-1].latex.endswith(" = " + tex(self.result)):
            return render_steps(self.steps)
        return render_steps(self.steps, final)

    def __repr__(self) -> str:
        extra = f", error={self.error:.2g}" if self.error is not None else ""
        return (
            f"Derivation({self.operation or 'result'}: {self.result!s}, "
            f"wrt={self.wrt}, method={self.method!r}{extra}, {len(self.steps)} steps)"
        )

    def to_numpy(self, **options: Any) -> NumericFunction:
        """Compile the result into a :class:`~symml.compile.NumericFunction` of ``wrt``
        (then of the other free symbols, sorted by name)."""
        return compiled(self, self.wrt, **options)

    def to_jax(self, *, jit: bool = True) -> NumericFunction:
        """Compile the result into a JAX function of ``wrt`` (then of the other free
        symbols, sorted by name): :func:`symml.to_jax`."""
        return compiled(self, self.wrt, backend="jax", jit=jit)

    def to_torch(self) -> NumericFunction:
        """Compile the result into a PyTorch function of ``wrt`` (then of the other free
        symbols, sorted by name): :func:`symml.to_torch`."""
        return compiled(self, self.wrt, backend="torch")

    def _check(self, points: int, rng: np.random.Generator, rtol: float) -> Verification:
        if self.check is None:
            raise NotSupportedError(f"no numeric check for a {self.operation or 'plain'} result")
        return self.check(self, points, rng, rtol)


def compiled(expr: Any, wrt: Any = None, **options: Any) -> NumericFunction:
    """:func:`symml.compile.to_numpy`, for the layers below the compiler (with
    ``backend="jax"`` or ``"torch"``: :func:`symml.to_jax`, :func:`symml.to_torch`).

    This is the one place where data flows upward (DESIGN.md): a result's ``to_numpy()``,
    ``to_jax()`` and ``to_torch()``, and the numeric checks and fallbacks of the maths areas
    compile SymPy trees with the compiler of layer 4, imported here, when first called, so
    that ``import symml`` and the maths modules stay below it (the ``import-linter``
    contract in ``pyproject.toml`` allows this import and no other upward one).

    Examples:
        >>> f = compiled(sympy.Symbol("x") ** 2, "x")
        >>> float(f(3.0))
        9.0
    """
    from symml.compile import compile_function  # the documented upward import (see above)

    return compile_function(expr, wrt, **options)


def _align(line: str) -> str:
    return line.replace(" = ", " &= ", 1) if " = " in line else "& " + line


# --- coercion ------------------------------------------------------------------------------


def as_expr(obj: Any, *, what: str = "expression") -> tuple[Any, tuple[Step, ...]]:
    """Turn a ``str``, SymPy object, number or Derivation into a SymPy object.

    Returns:
        ``(expr, steps)``: the expression and the steps carried forward from a Derivation.

    Raises:
        TypeError: For anything else, naming ``what``.

    Examples:
        >>> as_expr("x**2")
        (x**2, ())
    """
    if isinstance(obj, Derivation):
        return obj.result, obj.steps
    if isinstance(obj, str):
        obj = parse(obj)  # a matrix literal is then made immutable below
    if isinstance(obj, sympy.MatrixBase):
        return sympy.ImmutableMatrix(obj), ()
    if isinstance(obj, sympy.Basic):
        return obj, ()
    if isinstance(obj, (bool,)) or obj is None:
        raise TypeError(f"{what} must be an expression, a str or a Derivation, got {obj!r}")
    if isinstance(obj, (int, float, complex)):
        return sympy.sympify(obj), ()
    if isinstance(obj, (list, tuple)):
        return as_matrix(obj, what=what), ()
    try:
        import numpy as np

        if isinstance(obj, np.ndarray):
            return as_matrix(obj.tolist(), what=what), ()
        if isinstance(obj, np.generic):
            return sympy.sympify(obj.item()), ()
    except ImportError:  # pragma: no cover
        pass
    raise TypeError(
        f"{what} must be an expression, a str or a Derivation, got {type(obj).__name__}"
    )


def as_matrix(obj: Any, *, what: str = "matrix") -> sympy.ImmutableMatrix:
    """Turn a nested list/tuple (of numbers, strs or expressions), a str or a Matrix into an
    ImmutableMatrix; a flat sequence becomes a column.

    Examples:
        >>> as_matrix([[1, 2], [3, "x"]])
        Matrix([
        [1, 2],
        [3, x]])
    """
    if isinstance(obj, Derivation):
        obj = obj.result
    if isinstance(obj, str):
        obj = parse(obj)
    if isinstance(obj, sympy.MatrixBase):
        return sympy.ImmutableMatrix(obj)
    if hasattr(obj, "tolist") and not isinstance(obj, sympy.Basic):
        obj = obj.tolist()
    if not isinstance(obj, (list, tuple)) or len(obj) == 0:
        raise ValueError(f"{what} must be a non-empty matrix or sequence, got {obj!r}")

    def entry(e: Any) -> Any:
        ex, _ = as_expr(e, what=f"an entry of {what}")
        if isinstance(ex, sympy.MatrixBase):
            raise ValueError(f"{what} has a nested entry {e!r}")
        return ex

    if all(isinstance(r, (list, tuple)) for r in obj):
        widths = [len(r) for r in obj]
        if len(set(widths)) != 1 or widths[0] == 0:
            raise ValueError(f"{what} is ragged: its rows have lengths {widths}")
        return sympy.ImmutableMatrix([[entry(e) for e in r] for r in obj])
    if any(isinstance(r, (list, tuple)) for r in obj):
        raise ValueError(f"{what} mixes rows and entries: {obj!r}")
    return sympy.ImmutableMatrix([[entry(e)] for e in obj])


def free_symbols(expr: Any) -> set[sympy.Symbol]:
    """The free Symbols of an expression, matrix or dict of them."""
    if isinstance(expr, Mapping):
        out: set[sympy.Symbol] = set()
        for v in expr.values():
            out |= free_symbols(v)
        return out
    if isinstance(expr, (list, tuple)):
        return set().union(*(free_symbols(e) for e in expr)) if expr else set()
    return {s for s in getattr(expr, "free_symbols", set()) if isinstance(s, sympy.Symbol)}


def sorted_symbols(symbols: Iterable[sympy.Symbol]) -> tuple[sympy.Symbol, ...]:
    """Symbols sorted by name (then by their assumptions, for a stable order)."""
    return tuple(sorted(symbols, key=lambda s: (s.name, str(s.assumptions0))))


def as_wrt(
    wrt: Any, expr: Any = None, *, strict: bool = False, spare: bool = False
) -> tuple[sympy.Symbol, ...]:
    """Turn ``wrt`` into a tuple of Symbols, matching names to ``expr``'s own symbols.

    Args:
        wrt: ``None`` (the free symbols of ``expr``, sorted by name), a Symbol, a name, a
            comma/space separated string, or a sequence of these.
        expr: The expression the variables belong to.
        strict: Raise when a variable given by *name* does not occur in ``expr`` (a typo
            would otherwise give a silent zero derivative).
        spare: With ``strict``, accept a name that does not occur in ``expr`` when every
            variable of ``expr`` is among those given: the user asked for more variables
            than ``expr`` has (a zero partial derivative), not misspelt one of them.

    Raises:
        ValueError: For an empty, duplicated, non-symbol or (``strict``) unknown variable.

    Examples:
        >>> x, y = sympy.symbols("x y", real=True)
        >>> as_wrt("y, x", x * y)
        (y, x)
        >>> as_wrt(None, x * y)
        (x, y)
        >>> as_wrt("x, z", x**2, strict=True, spare=True)
        (x, z)
    """
    own = {s.name: s for s in free_symbols(expr)} if expr is not None else {}
    if wrt is None:
        if expr is None:
            raise ValueError("wrt must be given")
        return sorted_symbols(free_symbols(expr))
    if isinstance(wrt, Derivation):
        raise TypeError("wrt must be variables, not a Derivation")
    items: list[Any]
    if isinstance(wrt, str):
        items = [w for w in re.split(r"[,\s]+", wrt.strip()) if w]
        if not items:
            raise ValueError(f"wrt {wrt!r} names no variable")
    elif isinstance(wrt, sympy.Symbol):
        items = [wrt]
    elif isinstance(wrt, (sympy.MatrixBase, Iterable)):
        items = list(wrt)
    else:
        raise TypeError(f"wrt must be Symbols, names or a sequence of them, got {wrt!r}")
    out: list[sympy.Symbol] = []
    missing: list[str] = []
    for item in items:
        if isinstance(item, str):
            name = item.strip()
            if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name):
                raise ValueError(f"wrt: {item!r} is not a variable name")
            if name in own:
                sym = own[name]
            else:
                missing.append(name)
                sym = sympy.Symbol(name, real=True)
        elif isinstance(item, sympy.Symbol):
            sym = own.get(item.name, item) if item not in own.values() else item
        else:
            raise ValueError(f"wrt: {item!r} is not a variable (a Symbol or a name)")
        if sym in out:
            raise ValueError(f"wrt: variable {sym} is given twice")
        out.append(sym)
    if strict and expr is not None and missing and not (spare and set(own.values()) <= set(out)):
        have = ", ".join(sorted(own)) or "no variables"
        raise ValueError(f"wrt: variable {missing[0]!r} does not occur in {expr} (it has {have})")
    return tuple(out)


def as_rng(rng: Any = None) -> Any:
    """A ``numpy.random.Generator`` from a Generator, an int seed or ``None``.

    Examples:
        >>> bool(as_rng(0).integers(10) == as_rng(0).integers(10))
        True
    """
    import numpy as np

    if isinstance(rng, np.random.Generator):
        return rng
    if (
        rng is None
        or isinstance(rng, (int, np.integer, np.random.SeedSequence))
        and not isinstance(rng, bool)
    ):
        return np.random.default_rng(rng)
    raise TypeError(f"rng must be a numpy.random.Generator, an int seed or None, got {rng!r}")


def function_lhs(wrt: tuple[sympy.Symbol, ...], name: str = "f") -> str:
    """LaTeX ``f(x, y)`` for a function of ``wrt``.

    Examples:
        >>> function_lhs(sympy.symbols("x y"))
        'f(x, y)'
    """
    return f"{name}({', '.join(tex(s) for s in wrt)})"
