"""The printer core every backend of :mod:`symml.compile` shares.

A backend prints a SymPy tree (never a user's string) into Python source. What is the same
for every backend lives here:

* argument names: :func:`arg_names` sanitises the variables' names (a name that is not a
  plain identifier, is a keyword, shadows a builtin or a module the code uses, becomes
  ``arg0, arg1...``), :func:`function_name_problem` says why a name cannot name a saved
  function;
* :func:`common_subexpressions`, and the two ways of printing statements with shared parts
  computed once: :func:`print_cse` (through ``sympy.cse``) and :func:`print_shared` (from
  the expression DAG, for trees over :data:`LARGE_TREE` nodes);
* :class:`CodePrinter`, SciPy's printer with the rules symml needs (broadcasting
  ``Max``/``Min``, numbers past float64 as :func:`float_literal`, finite ``Sum`` and
  ``Product`` written out, ``zoo`` as NaN), and a *function table*: a mapping from SymPy
  function classes to the backend's spelling of them.

A backend is a function table and a small subclass: :class:`NumPyPrinter`
(:data:`NUMPY_FUNCTIONS` on top of SciPy's own table) and :class:`NumbaPrinter`
(:data:`NUMBA_FUNCTIONS`, the only functions its scalar loop evaluates).
"""

from __future__ import annotations

import builtins
import keyword
import re
import sys
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any, ClassVar

import sympy
from sympy.printing.codeprinter import PrintMethodNotImplementedError
from sympy.printing.numpy import SciPyPrinter
from sympy.printing.precedence import PRECEDENCE

from symml.compile.functions import (
    ARRAY_API_FUNCTIONS,
    JAX_FUNCTIONS,
    NESTED,
    NUMBA_FUNCTIONS,
    NUMPY_FUNCTIONS,
    NUMPY_ONLY_FUNCTIONS,
    TORCH_FUNCTIONS,
)
from symml.compile.stability import stabilize_all
from symml.config import config
from symml.dag import shared_nodes

__all__ = [
    "LARGE_TREE",
    "MAX_UNROLLED_TERMS",
    "NUMBA_FUNCTIONS",
    "NUMPY_FUNCTIONS",
    "ArrayAPIPrinter",
    "ArrayPrinter",
    "CodePrinter",
    "JaxPrinter",
    "NamedPrinter",
    "NumbaPrinter",
    "NumPyPrinter",
    "TorchPrinter",
    "Unprintable",
    "arg_names",
    "common_subexpressions",
    "components_of",
    "describe",
    "float_literal",
    "function_name_problem",
    "is_plain_name",
    "print_cse",
    "named_printer",
    "print_shared",
    "stable_components",
    "wants_cse",
]

#: Names an argument of generated code must not take: the modules the code uses, builtins.
_RESERVED = frozenset({"numpy", "scipy", "np", "math"} | set(dir(builtins)))
_IDENT = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")

#: Most terms a Sum or Product over integer bounds is written out into.
MAX_UNROLLED_TERMS = 1_000

#: Tree size (nodes, shared subtrees counted each time) above which code is printed from
#: the expression DAG (:func:`print_shared`) rather than through ``sympy.cse``.
LARGE_TREE = 2_000

#: The largest integer numba types as int64; beyond it, literals are printed as float64.
_INT64 = 2**63 - 1

#: The settings of every printer here: module-qualified names (``numpy.sin``), no helper
#: functions, and an error (not a comment) for a function the backend has no form of.
_SETTINGS: Mapping[str, Any] = {
    "fully_qualified_modules": True,
    "inline": True,
    "allow_unknown_functions": False,
}

#: One limit of a Sum or Product: (index, lower bound, upper bound).
_Limit = tuple[sympy.Symbol, sympy.Basic, sympy.Basic]


def float_literal(number: sympy.Number | int) -> str:
    """A SymPy number as a float64 literal; beyond float64's range, ``±numpy.inf`` (what
    float arithmetic makes of it: ``10**400*x`` is ``inf*x``, not an ``OverflowError``).

    Examples:
        >>> float_literal(sympy.Integer(2)**70), float_literal(-sympy.Integer(10)**400)
        ('1.1805916207174113e+21', '(-numpy.inf)')
    """
    try:
        value = float(number)  # SymPy's numbers give ±inf here; Python's int raises
    except OverflowError:
        value = float("inf") if number > 0 else float("-inf")
    if value == float("inf"):
        return "numpy.inf"
    return "(-numpy.inf)" if value == float("-inf") else repr(value)


def is_plain_name(name: str, reserved: frozenset[str] = frozenset()) -> bool:
    """Whether generated code can use ``name`` as it is: an ASCII identifier starting with
    a letter, not a keyword, a builtin or a module the code uses (or one of ``reserved``).

    Examples:
        >>> is_plain_name("sigma"), is_plain_name("lambda"), is_plain_name("x_1'")
        (True, False, False)
    """
    return (
        bool(_IDENT.match(name))
        and not keyword.iskeyword(name)
        and name not in _RESERVED
        and name not in reserved
    )


def arg_names(wrt: Sequence[sympy.Symbol], reserved: frozenset[str] = frozenset()) -> list[str]:
    """The argument names of a generated function of ``wrt``: each symbol's own name
    where :func:`is_plain_name` allows it (and no earlier symbol took it), else ``arg<i>``;
    ``reserved`` adds the names of the modules a backend's code uses (``torch``, ``jnp``).

    Examples:
        >>> arg_names(sympy.symbols("x lambda y"))
        ['x', 'arg1', 'y']
    """
    names: list[str] = []
    for i, s in enumerate(wrt):
        name = s.name
        ok = is_plain_name(name, reserved) and name not in names
        names.append(name if ok else f"arg{i}")
    # a renamed argument must not collide with a symbol that kept its own name
    for i, n in enumerate(names):
        if names.count(n) > 1:
            names[i] = f"arg{i}"
    return names


def function_name_problem(name: object) -> str:
    """Why ``name`` cannot name a saved module's function (``""`` when it can): it must be
    an ASCII identifier, not a keyword, not a builtin (it would shadow the builtin for
    whoever imports it). Any other name works: the module's own names step aside.

    Examples:
        >>> function_name_problem("grad_f"), function_name_problem("my-grad")
        ('', "name 'my-grad' is not a usable Python function name")
    """
    if (
        not isinstance(name, str)
        or not name.isidentifier()
        or not name.isascii()
        or keyword.iskeyword(name)
    ):
        return f"name {name!r} is not a usable Python function name"
    if name in dir(builtins):
        return f"name {name!r} is a Python builtin; choose another function name"
    return ""


def describe(
    expr: sympy.Basic, wrt: Sequence[sympy.Symbol], args: Sequence[str], name: str, large: bool
) -> str:
    """The docstring of a generated function: the formula in the argument names (so that
    it reads as the signature does), or for a large tree its shape only (the body holds the
    formula, its shared parts computed once).

    Examples:
        >>> x, lam = sympy.symbols("x lambda")
        >>> describe(lam * x, (x, lam), ["x", "arg1"], "f", False)
        'f(x, arg1) = arg1*x (where arg1 is lambda)'
    """
    renamed = [f"{a} is {s.name}" for a, s in zip(args, wrt, strict=True) if a != s.name]
    where = f" (where {', '.join(renamed)})" if renamed else ""
    if large:
        shape = components_of(expr)[1]
        return (
            f"{name}({', '.join(args)}): {'x'.join(map(str, shape)) or 'scalar'} result, "
            f"shared subexpressions computed once{where}"
        )
    as_args = {s: sympy.Symbol(a) for s, a in zip(wrt, args, strict=True) if a != s.name}
    shown = expr.xreplace(as_args) if as_args else expr
    formula = sympy.sstr(shown.tolist() if isinstance(shown, sympy.MatrixBase) else shown)
    return f"{name}({', '.join(args)}) = {formula}{where}"


def stable_components(expr: sympy.Basic) -> list[sympy.Basic]:
    """The entries of a result (:func:`components_of`) in their numerically stable forms
    (:func:`~symml.compile.stability.stabilize`): what every backend prints.

    Examples:
        >>> x = sympy.Symbol("x")
        >>> stable_components(sympy.Matrix([sympy.log(1 + sympy.exp(x)), x]))
        [Softplus(x), x]
    """
    return stabilize_all([sympy.sympify(c) for c in components_of(expr)[0]])


def components_of(expr: sympy.Basic) -> tuple[list[sympy.Basic], tuple[int, ...]]:
    """The entries of a result (row by row) and its shape: ``()`` for a scalar, ``(n,)``
    for an n×1 vector, ``(m, n)`` for a matrix.

    Examples:
        >>> x = sympy.Symbol("x")
        >>> components_of(sympy.Matrix([x, 2 * x])), components_of(x)
        (([x, 2*x], (2,)), ([x], ()))
    """
    if isinstance(expr, sympy.MatrixBase):
        rows, cols = expr.shape
        shape: tuple[int, ...] = (rows,) if cols == 1 else (rows, cols)
        return list(expr), shape
    return [expr], ()


def wants_cse(components: Sequence[sympy.Basic], cse: bool | str) -> bool:
    """Whether to share common subexpressions: ``cse="auto"`` does when the components
    have at least ``config.cse_min_ops`` operations; ``True``/``False`` say so.

    Examples:
        >>> x = sympy.Symbol("x")
        >>> wants_cse([x + 1], "auto"), wants_cse([x + 1], True)
        (False, True)
    """
    if cse == "auto":
        ops = 0
        for c in components:  # stop counting as soon as the answer is known
            ops += sympy.count_ops(c)
            if ops >= config.cse_min_ops:
                return True
        return False
    if isinstance(cse, bool):
        return cse
    raise ValueError(f"cse must be 'auto', True or False, got {cse!r}")


def _unrolled(expr: sympy.Sum | sympy.Product) -> list[sympy.Basic]:
    """The terms of a Sum/Product over integer bounds (an inner bound may depend on an
    outer index); symbolic bounds, or more than :data:`MAX_UNROLLED_TERMS` terms, cannot be
    compiled (``PrintMethodNotImplementedError``, reported as NotSupportedError)."""

    def expand(f: sympy.Basic, limits: list[_Limit]) -> list[sympy.Basic]:
        if not limits:
            return [f]
        *inner, (index, lo, hi) = limits  # the outermost index is the last limit
        if not (lo.is_Integer and hi.is_Integer) or hi < lo - 1:  # (Karr's reversed sums too)
            raise PrintMethodNotImplementedError(f"{expr} has bounds other than integers")
        terms: list[sympy.Basic] = []
        for k in range(int(lo), int(hi) + 1):
            at = {index: sympy.Integer(k)}
            terms += expand(
                f.xreplace(at), [(i, a.xreplace(at), b.xreplace(at)) for i, a, b in inner]
            )
            if len(terms) > MAX_UNROLLED_TERMS:
                raise PrintMethodNotImplementedError(
                    f"{expr} has more than {MAX_UNROLLED_TERMS} terms"
                )
        return terms

    return expand(expr.function, list(expr.limits))


class CodePrinter(SciPyPrinter):
    """SciPy's printer with the few rules symml needs to broadcast and stay standalone, and
    a function table.

    A subclass sets :attr:`functions` (SymPy function class -> the backend's function,
    printed ``name(arg, ...)``; ``Max``/``Min`` of many arguments nest the binary function)
    and :attr:`largest_int_literal` (integers, and rationals' parts, beyond it are printed
    as :func:`float_literal`). Anything not in the table is printed by SciPy's printer.
    """

    functions: ClassVar[Mapping[type, str]] = {}
    largest_int_literal: ClassVar[float] = sys.float_info.max
    #: Whether a call of the table is a level of nesting, as SymPy's dispatch counts every
    #: node: a Float argument of a top-level call then prints short (``0.75``), otherwise
    #: at full precision (``0.750000000000000``: the same float64). The numba printer never
    #: counted it, and its printed code (the key of its disk cache) stays as it was.
    call_is_a_level: ClassVar[bool] = True
    #: The square root's spelling (``None``: SciPy's printer's, ``numpy.sqrt``).
    sqrt: ClassVar[str | None] = None
    #: Functions of many arguments spelled as a nested binary function.
    nested: ClassVar[tuple[type, ...]] = NESTED

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        super().__init__({**_SETTINGS, **(settings or {})})

    def _print(self, expr: object, **kwargs: Any) -> str:
        name = self.functions.get(type(expr))
        if name is None:
            return super()._print(expr, **kwargs)
        level = int(self.call_is_a_level)
        self._print_level += level
        try:
            return self._print_call(name, expr)
        finally:
            self._print_level -= level

    def _print_call(self, name: str, expr: sympy.Function) -> str:
        """``name(args)`` of a function in the table (``name.format(args)`` for a template
        such as ``"numpy.logaddexp(0.0, {0})"``); many arguments of ``Max``, ``Min`` and
        ``LogSumExp`` nest the binary function."""
        args = [self._print_argument(a) for a in expr.args]
        if "{" in name:
            return name.format(*args)
        if not isinstance(expr, self.nested):
            return f"{name}({', '.join(args)})"
        out = args[-1]
        for a in reversed(args[:-1]):
            out = f"{name}({a}, {out})"
        return out

    def _print_argument(self, arg: sympy.Basic) -> str:
        """An argument of a call of the table (a backend may print numbers as arrays)."""
        return self._print(arg)

    def _print_Integer(self, expr: sympy.Integer, **kwargs: Any) -> str:
        if abs(int(expr)) > self.largest_int_literal:  # a literal the target cannot hold
            return float_literal(expr)
        return super()._print_Integer(expr, **kwargs)

    def _print_Rational(self, expr: sympy.Rational, **kwargs: Any) -> str:
        if max(abs(int(expr.p)), abs(int(expr.q))) > self.largest_int_literal:
            return float_literal(expr)
        return super()._print_Rational(expr, **kwargs)

    def _print_Pow(self, expr: sympy.Pow, rational: bool = False) -> str:
        base, exp = expr.args
        if exp.is_Integer and exp < 0:
            inner = (
                self._print(base)
                if exp == -1
                else self._print(sympy.Pow(base, -exp, evaluate=False))
            )
            return f"(1/{self.parenthesize(base, 1000) if exp == -1 else '(' + inner + ')'})"
        if self.sqrt is not None:
            return self._hprint_Pow(expr, rational=rational, sqrt=self.sqrt)
        return super()._print_Pow(expr, rational=rational)

    def _print_Pi(self, expr: sympy.Basic) -> str:
        return "numpy.pi"

    def _print_Exp1(self, expr: sympy.Basic) -> str:
        return "numpy.e"

    def _print_ImaginaryUnit(self, expr: sympy.Basic) -> str:
        return "1j"

    def _print_ComplexInfinity(self, expr: sympy.Basic) -> str:
        return "numpy.nan"  # zoo (x/0, a pole) has no float value: NaN, as sympy.nan

    def _print_Sum(self, expr: sympy.Sum) -> str:
        return self._print(sympy.Add(*_unrolled(expr)))

    def _print_Product(self, expr: sympy.Product) -> str:
        return self._print(sympy.Mul(*_unrolled(expr)))


class NumPyPrinter(CodePrinter):
    """The NumPy backend's printer: NumPy's ufuncs, and ``scipy.special`` for special
    functions (SciPy's printer's table, with :data:`NUMPY_FUNCTIONS` on top).

    Examples:
        >>> x, y = sympy.symbols("x y")
        >>> NumPyPrinter().doprint(sympy.Max(x, y, 1) + sympy.besselj(0, x))
        'scipy.special.jv(0, x) + numpy.maximum(1, numpy.maximum(x, y))'
    """

    functions = {**NUMPY_FUNCTIONS, **NUMPY_ONLY_FUNCTIONS}
    nested = (sympy.Max, sympy.Min)  # _logsumexp takes any number of arguments


class NumbaPrinter(CodePrinter):
    """The numba loop's printer: the functions of :data:`NUMBA_FUNCTIONS` (those numba has
    only in ``math`` spelled so), and integers (and rationals' parts) beyond int64 as
    float64 literals: the loop computes in float64, numba refuses an int literal past
    int64, and the literal is exact wherever float64 can hold the number (beyond float64's
    range: ``±inf``, as float arithmetic gives).

    Examples:
        >>> x = sympy.Symbol("x")
        >>> NumbaPrinter().doprint(sympy.erf(x) + 2**70 * x)
        '1.1805916207174113e+21*x + math.erf(x)'
    """

    functions = NUMBA_FUNCTIONS
    largest_int_literal = _INT64
    call_is_a_level = False


#: The NumPy names printed code may keep on every backend: plain Python floats.
_CONSTANTS = frozenset({"pi", "e", "inf", "nan", "euler_gamma"})
_LEFTOVER = re.compile(r"(?<![\w.])(numpy|scipy)\.([\w.]+)")
_RELATIONS = {"==": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


class ArrayPrinter(CodePrinter):
    """The printer of a backend other than NumPy (JAX, PyTorch, the array API): only the
    functions of its table, comparisons and ``Piecewise`` as operators and ``where``, and
    NumPy's constants (plain floats); anything else SciPy's printer would spell with NumPy
    or SciPy raises ``PrintMethodNotImplementedError`` naming it.

    A subclass sets :attr:`namespace` (the module name the code calls: ``jnp``, ``torch``,
    ``xp``), :attr:`functions`, and :attr:`constant`, the template a number takes where a
    call needs an array (``torch.maximum(x, 0)`` needs a tensor ``0``).
    """

    namespace: ClassVar[str] = "xp"
    constant: ClassVar[str] = "{}"
    backend: ClassVar[str] = "array API"

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        super().__init__(settings)

    @property
    def sqrt(self) -> str:  # type: ignore[override]
        return f"{self.namespace}.sqrt"

    def doprint(self, expr: Any, assign_to: Any = None) -> str:
        return self.checked(super().doprint(expr, assign_to), expr)

    def checked(self, text: str, expr: Any) -> str:
        """``text``, unless SciPy's printer spelled part of ``expr`` with NumPy or SciPy."""
        leftover = sorted({f"{m}.{n}" for m, n in _LEFTOVER.findall(text) if n not in _CONSTANTS})
        if leftover:
            raise PrintMethodNotImplementedError(
                f"the {self.backend} backend has no form of {', '.join(leftover)} (in {expr})"
            )
        return text

    def _print(self, expr: object, **kwargs: Any) -> str:
        if isinstance(expr, sympy.Expr) and not expr.is_Atom and expr.is_number:
            return self._constant(expr)
        return super()._print(expr, **kwargs)

    def _constant(self, expr: sympy.Expr) -> str:
        """A constant subexpression (``sqrt(5)``, ``exp(-2)``) as its float64 literal: no
        library call of a Python number (``torch.sqrt(5)`` needs a tensor, JAX's sigmoid
        refuses an integer)."""
        value = complex(sympy.N(expr, 20))
        if value.imag:
            return repr(value)
        return float_literal(sympy.Float(value.real))

    def _print_argument(self, arg: sympy.Basic) -> str:
        text = self._print(arg)
        return self.constant.format(text) if arg.is_number else text

    def _print_Relational(self, expr: sympy.core.relational.Relational) -> str:
        op = _RELATIONS.get(expr.rel_op)
        if op is None:
            raise PrintMethodNotImplementedError(f"cannot print the relation {expr}")
        return f"({self._print(expr.lhs)} {op} {self._print(expr.rhs)})"

    def _print_And(self, expr: sympy.And) -> str:
        return "(" + " & ".join(self._print(a) for a in expr.args) + ")"

    def _print_Or(self, expr: sympy.Or) -> str:
        return "(" + " | ".join(self._print(a) for a in expr.args) + ")"

    def _print_Not(self, expr: sympy.Not) -> str:
        return f"(~{self._print(expr.args[0])})"

    def _print_Mod(self, expr: sympy.Mod) -> str:
        a, b = (self.parenthesize(x, PRECEDENCE["Mul"]) for x in expr.args)
        return f"({a} % {b})"

    def _print_Piecewise(self, expr: sympy.Piecewise) -> str:
        *pieces, (last, cond) = expr.args
        out = self._print_argument(last) if cond == sympy.true else None
        if out is None:
            out = f"{self.namespace}.where({self._print(cond)}, {self._print_argument(last)}, {self.constant.format('numpy.nan')})"
        for value, c in reversed(pieces):
            out = f"{self.namespace}.where({self._print(c)}, {self._print_argument(value)}, {out})"
        return out


class JaxPrinter(ArrayPrinter):
    """JAX's printer (:data:`~symml.compile.functions.JAX_FUNCTIONS`): pure functions of
    ``jax.numpy`` (``jnp``), ``jax.nn`` and ``jax.scipy.special``.

    Examples:
        >>> x = sympy.Symbol("x")
        >>> JaxPrinter().doprint(sympy.sqrt(x) + sympy.Max(x, 0))
        'jnp.sqrt(x) + jnp.maximum(0, x)'
    """

    namespace = "jnp"
    functions = JAX_FUNCTIONS
    backend = "JAX"


class TorchPrinter(ArrayPrinter):
    """PyTorch's printer (:data:`~symml.compile.functions.TORCH_FUNCTIONS`); a number
    among a call's arguments becomes a tensor of the working dtype (``_dtype``) and device
    (``_device``), which the generated function sets from its arguments.

    Examples:
        >>> x = sympy.Symbol("x")
        >>> TorchPrinter().doprint(sympy.Max(x, 0))
        'torch.maximum(torch.as_tensor(0, dtype=_dtype, device=_device), x)'
    """

    namespace = "torch"
    functions = TORCH_FUNCTIONS
    constant = "torch.as_tensor({}, dtype=_dtype, device=_device)"
    backend = "PyTorch"


class ArrayAPIPrinter(ArrayPrinter):
    """The array API's printer (:data:`~symml.compile.functions.ARRAY_API_FUNCTIONS`):
    ``xp`` is the namespace of the arguments, numbers among a call's arguments become
    arrays of the working dtype and device.

    Examples:
        >>> x = sympy.Symbol("x")
        >>> ArrayAPIPrinter().doprint(sympy.asin(x) + sympy.erf(x))
        "xp.asin(x) + _special('erf', x)"
    """

    namespace = "xp"
    functions = ARRAY_API_FUNCTIONS
    constant = "xp.asarray({}, dtype=_dtype, device=_device)"
    backend = "array API"


def common_subexpressions(
    components: Sequence[sympy.Basic], prefix: str = "_t"
) -> tuple[list[tuple[sympy.Symbol, sympy.Basic]], list[sympy.Basic]]:
    """``sympy.cse`` of the components, then once more over its own output.

    The first pass uses SymPy's ``"basic"`` pre-optimisations (which share ``x - y`` with
    ``y - x``), but they leave unevaluated products such as ``(-1)*(7/10)*t`` in their
    output, and two subtrees that differ only that way are not matched: in a softplus
    network's gradient ``exp(S)/(exp(S) + 1)`` kept two ``exp(S)``. A second, plain pass
    over the replaced statements finds them; each new temporary is defined just before the
    first statement that uses it.

    Returns:
        ``(replacements, reduced)`` as :func:`sympy.cse` gives them: ``(symbol, value)``
        pairs in the order they must be computed, and the components in those symbols.

    Examples:
        >>> a, b = sympy.symbols("a b")
        >>> common_subexpressions([sympy.exp(a + b) / (sympy.exp(a + b) + 1)])
        ([(_t0, exp(a + b))], [_t0/(_t0 + 1)])
    """
    replacements, reduced = _cse(tuple(components), prefix)
    return list(replacements), list(reduced)


@lru_cache(maxsize=64)
def _cse(
    components: tuple[sympy.Basic, ...], prefix: str
) -> tuple[tuple[tuple[sympy.Symbol, sympy.Basic], ...], tuple[sympy.Basic, ...]]:
    """:func:`common_subexpressions`, once per tree (the NumPy backend's general and batch
    paths share it)."""
    temps = sympy.numbered_symbols(prefix)
    first, reduced = sympy.cse(list(components), symbols=temps, optimizations="basic")
    statements = [rhs for _, rhs in first] + list(reduced)
    # no pre-optimisation this time: "basic" rewrites a - b as a + (-1)*b, unevaluated, and
    # that is what hid the equal subtrees from the first pass
    second, statements = sympy.cse(statements, symbols=temps)
    if not second:
        return tuple(first), tuple(reduced)
    pending = dict(second)
    out: list[tuple[sympy.Symbol, sympy.Basic]] = []

    def define_needed(expr: sympy.Basic) -> None:
        for sym in sorted(expr.free_symbols & pending.keys(), key=str):
            if sym in pending:  # not defined meanwhile by a dependency of another
                value = pending.pop(sym)
                define_needed(value)
                out.append((sym, value))

    for (sym, _), value in zip(first, statements[: len(first)], strict=True):
        define_needed(value)
        out.append((sym, value))
    rest = statements[len(first) :]
    for value in rest:
        define_needed(value)
    return tuple(out), tuple(rest)


def print_cse(
    components: Sequence[sympy.Basic],
    wrt: Sequence[sympy.Symbol],
    cse: bool,
    printer: CodePrinter | None = None,
) -> tuple[list[str], list[str]]:
    """Statements and value expressions of small components in ``_x0, _x1, ...``, through
    :func:`common_subexpressions`, printed by ``printer`` (default: :class:`NumPyPrinter`;
    the numba backend passes its scalar one).

    Examples:
        >>> x, y = sympy.symbols("x y")
        >>> print_cse([sympy.sin(x + y) ** 2, sympy.sin(x + y)], (x, y), True)
        (['_t0 = numpy.sin(_x0 + _x1)'], ['_t0**2', '_t0'])
    """
    internal = [sympy.Symbol(f"_x{i}") for i in range(len(wrt))]
    renamed = dict(zip(wrt, internal, strict=True))
    parts = [sympy.sympify(c).xreplace(renamed) for c in components]
    replacements, reduced = common_subexpressions(parts) if cse else ([], parts)
    printer = printer or NumPyPrinter()
    body = [f"{sym} = {printer.doprint(sub)}" for sym, sub in replacements]
    return body, [printer.doprint(c) for c in reduced]


class Unprintable(Exception):
    """A node :class:`NamedPrinter` leaves to ``sympy.cse`` and ``doprint``."""


class _Named(CodePrinter):
    """Prints the nodes in ``names`` (variables, shared subexpressions) by their names."""

    def __init__(self, names: dict[sympy.Basic, str]) -> None:
        super().__init__({"order": "none"})
        self._names = names
        self._defining: sympy.Basic | None = None

    def _print(self, expr: object, **kwargs: Any) -> str:
        if expr is self._defining:
            self._defining = None
        elif isinstance(expr, sympy.Basic):
            name = self._names.get(expr)
            if name is not None:
                return name
        return super()._print(expr, **kwargs)

    def _print_Mul(self, expr: sympy.Mul) -> str:
        # SymPy's printer rewrites x*y**-2 as x/y**2, building a new node y**2 and so losing
        # a shared y**-2: print a product with shared factors factor by factor instead
        if not any(f in self._names for f in expr.args):
            return super()._print_Mul(expr)
        coeff, factors = expr.as_coeff_mul()
        text = "*".join(self.parenthesize(f, PRECEDENCE["Mul"]) for f in factors)
        if coeff == -1:
            return f"-{text}"
        return text if coeff == 1 else f"{self.parenthesize(coeff, PRECEDENCE['Mul'])}*{text}"

    def code(self, node: sympy.Basic) -> str:
        """The code of ``node`` (``doprint`` without its walk of the whole tree, which
        would undo the sharing); unsupported functions raise :class:`Unprintable`."""
        self._not_supported: set[sympy.Basic] = set()
        self._number_symbols: set[sympy.Basic] = set()
        text = self._print(node)
        if self._not_supported or self._number_symbols:
            raise Unprintable(f"cannot print {sorted(map(str, self._not_supported))}")
        checked = getattr(self, "checked", None)
        return checked(text, node) if checked is not None else text

    def define(self, node: sympy.Basic) -> str:
        """The code of ``node`` itself, its shared parts by name."""
        self._defining = node
        return self.code(node)


class NamedPrinter(_Named, NumPyPrinter):
    """:class:`NumPyPrinter` printing the nodes in ``names`` by their names."""


def named_printer(printer: type[CodePrinter], names: dict[sympy.Basic, str]) -> _Named:
    """A printer of class ``printer`` that prints the nodes in ``names`` by their names."""
    if printer is NumPyPrinter:
        return NamedPrinter(names)
    named = type(f"Named{printer.__name__}", (_Named, printer), {})
    return named(names)  # type: ignore[no-any-return]


def print_shared(
    components: Sequence[sympy.Basic],
    wrt: Sequence[sympy.Symbol],
    cse: bool,
    printer: type[CodePrinter] = NumPyPrinter,
) -> tuple[list[str], list[str]]:
    """Statements and value expressions of large components, printed from the DAG: every
    node that occurs more than once is computed once, into ``_t0, _t1...`` (no SymPy tree
    is rebuilt, so this takes time linear in the number of distinct nodes).

    Raises:
        Unprintable: For a function the DAG printer cannot print (:func:`print_cse` can
            still try it).

    Examples:
        >>> x = sympy.Symbol("x")
        >>> print_shared([sympy.sin(x) + sympy.sin(x) ** 2], (x,), True)
        (['_t0 = numpy.sin(_x0)'], ['_t0**2 + _t0'])
    """
    names: dict[sympy.Basic, str] = {s: f"_x{i}" for i, s in enumerate(wrt)}
    shared = shared_nodes(components) if cse else []
    named = named_printer(printer, names)
    body = []
    for k, node in enumerate(shared):
        body.append(f"_t{k} = {named.define(node)}")
        names[node] = f"_t{k}"
    return body, [named.code(c) for c in components]
