"""Compiling SymPy results into fast NumPy callables, and exporting them as modules.

:func:`to_numpy` prints a SymPy tree (never a user's string) into the source of a Python
function that uses NumPy only (plus ``scipy.special`` for special functions), shares
common subexpressions, broadcasts its arguments together and stacks vector and matrix
results into trailing axes. Argument names are sanitised: a symbol whose name is not a
plain identifier, is a keyword, shadows a builtin or a module the code uses, is renamed
``arg0, arg1...``; internal names start with an underscore and never clash with them.
"""

from __future__ import annotations

import builtins
import keyword
import re
import sys
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import sympy
from sympy.printing.codeprinter import PrintMethodNotImplementedError
from sympy.printing.numpy import SciPyPrinter
from sympy.printing.precedence import PRECEDENCE

from symml.config import config
from symml.derivation import Derivation, as_expr, as_wrt, free_symbols, function_lhs, tex
from symml.errors import NotSupportedError

__all__ = ["NumericFunction", "to_numpy"]

BACKENDS = ("numpy", "numba")

_RESERVED = {"numpy", "scipy", "np", "math"} | set(dir(builtins))
_IDENT = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")


def float_literal(number: Any) -> str:
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


class _Printer(SciPyPrinter):
    """SciPy's printer with the few rules symml needs to broadcast and stay standalone."""

    def _print_Integer(self, expr: Any, **kwargs: Any) -> str:
        if abs(int(expr)) > sys.float_info.max:  # a Python int that large cannot meet a float
            return float_literal(expr)
        return super()._print_Integer(expr, **kwargs)

    def _print_Rational(self, expr: Any, **kwargs: Any) -> str:
        if max(abs(int(expr.p)), abs(int(expr.q))) > sys.float_info.max:
            return float_literal(expr)
        return super()._print_Rational(expr, **kwargs)

    def _nested(self, fn: str, args: tuple) -> str:
        printed = [self._print(a) for a in args]
        out = printed[-1]
        for a in reversed(printed[:-1]):
            out = f"numpy.{fn}({a}, {out})"
        return out

    def _print_Max(self, expr: sympy.Max) -> str:
        return self._nested("maximum", expr.args)

    def _print_Min(self, expr: sympy.Min) -> str:
        return self._nested("minimum", expr.args)

    def _print_Abs(self, expr: sympy.Abs) -> str:
        return f"numpy.abs({self._print(expr.args[0])})"

    def _print_Pow(self, expr: sympy.Pow, rational: bool = False) -> str:
        base, exp = expr.args
        if exp.is_Integer and exp < 0:
            inner = (
                self._print(base)
                if exp == -1
                else self._print(sympy.Pow(base, -exp, evaluate=False))
            )
            return f"(1/{self.parenthesize(base, 1000) if exp == -1 else '(' + inner + ')'})"
        return super()._print_Pow(expr, rational=rational)

    def _print_Pi(self, expr: Any) -> str:
        return "numpy.pi"

    def _print_Exp1(self, expr: Any) -> str:
        return "numpy.e"

    def _print_ImaginaryUnit(self, expr: Any) -> str:
        return "1j"

    def _print_ComplexInfinity(self, expr: Any) -> str:
        return "numpy.nan"  # zoo (x/0, a pole) has no float value: NaN, as sympy.nan

    def _print_Sum(self, expr: sympy.Sum) -> str:
        return self._print(sympy.Add(*_unrolled(expr)))

    def _print_Product(self, expr: sympy.Product) -> str:
        return self._print(sympy.Mul(*_unrolled(expr)))


#: Most terms a Sum or Product over integer bounds is written out into.
MAX_UNROLLED_TERMS = 1_000

#: Functions of the printed code that return complex values for real arguments
#: (``lambertw`` below -1/e): a real-valued function gives NaN where they are not real.
_COMPLEX_VALUED = ("scipy.special.lambertw(",)


def _unrolled(expr: Any) -> list[Any]:
    """The terms of a Sum/Product over integer bounds (an inner bound may depend on an
    outer index); symbolic bounds, or more than :data:`MAX_UNROLLED_TERMS` terms, cannot be
    compiled (``PrintMethodNotImplementedError``, reported as NotSupportedError)."""

    def expand(f: Any, limits: list[tuple[Any, Any, Any]]) -> list[Any]:
        if not limits:
            return [f]
        *inner, (index, lo, hi) = limits  # the outermost index is the last limit
        if not (lo.is_Integer and hi.is_Integer) or hi < lo - 1:  # (Karr's reversed sums too)
            raise PrintMethodNotImplementedError(f"{expr} has bounds other than integers")
        terms: list[Any] = []
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


def _printer() -> _Printer:
    return _Printer(
        {"fully_qualified_modules": True, "inline": True, "allow_unknown_functions": False}
    )


def _arg_names(wrt: tuple[sympy.Symbol, ...]) -> list[str]:
    names: list[str] = []
    for i, s in enumerate(wrt):
        name = s.name
        ok = (
            _IDENT.match(name)
            and not keyword.iskeyword(name)
            and name not in _RESERVED
            and name not in names
        )
        names.append(name if ok else f"arg{i}")
    # a renamed argument must not collide with a symbol that kept its own name
    for i, n in enumerate(names):
        if names.count(n) > 1:
            names[i] = f"arg{i}"
    return names


def _components(expr: Any) -> tuple[list[Any], tuple[int, ...]]:
    if isinstance(expr, sympy.MatrixBase):
        rows, cols = expr.shape
        shape: tuple[int, ...] = (rows,) if cols == 1 else (rows, cols)
        return list(expr), shape
    return [expr], ()


def _wants_cse(components: list[Any], cse: Any) -> bool:
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


#: Tree size (nodes, shared subtrees counted each time) above which code is printed from
#: the expression DAG (:func:`_print_shared`) rather than through ``sympy.cse``.
LARGE_TREE = 2_000


def common_subexpressions(
    components: Sequence[Any], prefix: str = "_t"
) -> tuple[list[tuple[sympy.Symbol, Any]], list[Any]]:
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
    temps = sympy.numbered_symbols(prefix)
    first, reduced = sympy.cse(list(components), symbols=temps, optimizations="basic")
    statements = [rhs for _, rhs in first] + list(reduced)
    # no pre-optimisation this time: "basic" rewrites a - b as a + (-1)*b, unevaluated, and
    # that is what hid the equal subtrees from the first pass
    second, statements = sympy.cse(statements, symbols=temps)
    if not second:
        return first, list(reduced)
    pending = dict(second)
    out: list[tuple[sympy.Symbol, Any]] = []

    def define_needed(expr: Any) -> None:
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
    return out, rest


def _print_cse(
    components: list[Any], wrt: tuple[sympy.Symbol, ...], cse: bool, printer: _Printer | None = None
) -> tuple[list[str], list[str]]:
    """Statements and value expressions of small components in ``_x0, _x1, ...``, through
    :func:`common_subexpressions`, printed by ``printer`` (default: the NumPy printer; the
    numba backend passes its scalar one)."""
    internal = [sympy.Symbol(f"_x{i}") for i in range(len(wrt))]
    components = [
        sympy.sympify(c).xreplace(dict(zip(wrt, internal, strict=True))) for c in components
    ]
    replacements, reduced = common_subexpressions(components) if cse else ([], components)
    printer = printer or _printer()
    body = [f"{sym} = {printer.doprint(sub)}" for sym, sub in replacements]
    return body, [printer.doprint(c) for c in reduced]


class _Unprintable(Exception):
    """A node the DAG printer leaves to ``sympy.cse`` and ``doprint``."""


class _NamedPrinter(_Printer):
    """Prints the nodes in ``names`` (variables, shared subexpressions) by their names."""

    def __init__(self, names: dict[Any, str]) -> None:
        super().__init__(
            {
                "fully_qualified_modules": True,
                "inline": True,
                "allow_unknown_functions": False,
                "order": "none",
            }
        )
        self._names = names
        self._defining: Any = None

    def _print(self, expr: Any, **kwargs: Any) -> str:
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

    def code(self, node: Any) -> str:
        """The code of ``node`` (``doprint`` without its walk of the whole tree, which
        would undo the sharing); unsupported functions raise :class:`_Unprintable`."""
        self._not_supported: set[Any] = set()
        self._number_symbols: set[Any] = set()
        text = self._print(node)
        if self._not_supported or self._number_symbols:
            raise _Unprintable(f"cannot print {sorted(map(str, self._not_supported))}")
        return text

    def define(self, node: Any) -> str:
        """The code of ``node`` itself, its shared parts by name."""
        self._defining = node
        return self.code(node)


def _print_shared(
    components: list[Any], wrt: tuple[sympy.Symbol, ...], cse: bool
) -> tuple[list[str], list[str]]:
    """Statements and value expressions of large components, printed from the DAG: every
    node that occurs more than once is computed once, into ``_t0, _t1...`` (no SymPy tree
    is rebuilt, so this takes time linear in the number of distinct nodes)."""
    from symml.dag import shared_nodes

    names: dict[Any, str] = {s: f"_x{i}" for i, s in enumerate(wrt)}
    shared = shared_nodes(components) if cse else []
    printer = _NamedPrinter(names)
    body = []
    for k, node in enumerate(shared):
        body.append(f"_t{k} = {printer.define(node)}")
        names[node] = f"_t{k}"
    return body, [printer.code(c) for c in components]


def _generate(expr: Any, wrt: tuple[sympy.Symbol, ...], cse: bool, name: str) -> tuple[str, str]:
    """Return (source, packed_name) of a module defining ``name`` and ``name + '_packed'``."""
    from symml.dag import dag_has, dag_size

    components, shape = _components(expr)
    args = _arg_names(wrt)
    components = [sympy.sympify(c) for c in components]
    large = dag_size(components) > LARGE_TREE
    try:
        body, values = (_print_shared if large else _print_cse)(components, wrt, cse)
    except _Unprintable:  # a function the DAG printer cannot print: SymPy's own path
        large = False
        body, values = _print_cse(components, wrt, cse)
    is_complex = dag_has(components, sympy.I)
    dtype = "numpy.complex128" if is_complex else "numpy.float64"
    taken = {name, f"{name}_packed"}  # the module's own names must not be the user's name
    real_ = _fresh("_real", taken)
    to_real = not is_complex and any(fn in line for line in body + values for fn in _COMPLEX_VALUED)
    if to_real:
        values = [f"{real_}({v})" for v in values]
    shape_expr = (
        f"numpy.broadcast_shapes({', '.join(f'numpy.shape(_x{i})' for i in range(len(wrt)))})"
        if wrt
        else "()"
    )
    if not shape:
        assemble = [f"_out = numpy.empty({shape_expr}, dtype={dtype})", f"_out[...] = {values[0]}"]
    else:
        # component-major storage: each component is written contiguously (writing it into
        # a trailing axis is a strided write, several times slower for large batches); the
        # result is a view with the components on the trailing axes
        assemble = [f"_out = numpy.empty({shape!r} + {shape_expr}, dtype={dtype})"]
        idx = list(np.ndindex(*shape))
        for ix, v in zip(idx, values, strict=True):
            assemble.append(f"_out[{', '.join(str(i) for i in ix)}] = {v}")
        lead = tuple(range(len(shape)))
        assemble.append(
            f"_out = numpy.moveaxis(_out, {lead!r}, {tuple(i - len(shape) for i in lead)!r})"
        )
    renamed = [f"{a} is {s.name}" for a, s in zip(args, wrt, strict=True) if a != s.name]
    where = f" (where {', '.join(renamed)})" if renamed else ""
    if large:  # the body holds the formula, its shared parts computed once
        doc = (
            f"{name}({', '.join(args)}): {'x'.join(map(str, shape)) or 'scalar'} result, "
            f"shared subexpressions computed once{where}"
        )
    else:  # the formula in the argument names, so that it reads as the signature does
        as_args = {s: sympy.Symbol(a) for s, a in zip(wrt, args, strict=True) if a != s.name}
        shown = expr.xreplace(as_args) if as_args else expr
        formula = sympy.sstr(shown.tolist() if isinstance(shown, sympy.MatrixBase) else shown)
        doc = f"{name}({', '.join(args)}) = {formula}{where}"
    numpy_, float_, X = (_fresh(n, taken) for n in ("numpy", "_float", "X"))
    special = _fresh("scipy", taken)
    uses_scipy = any("scipy." in line for line in body + values)
    code = [*(f"    {line}" for line in body + assemble)]

    def own(line: str) -> str:  # the printed code with the module's names for numpy/scipy
        if numpy_ != "numpy":
            line = re.sub(r"(?<![\w.])numpy\.", numpy_ + ".", line)
        if special != "scipy":
            line = re.sub(r"(?<![\w.])scipy\.special\.", special + ".", line)
        return line

    point = _single_point(body, values, shape, len(args), dtype, X)
    lines = [
        "import numpy" if numpy_ == "numpy" else f"import numpy as {numpy_}",
        *(
            [
                (
                    "import scipy.special"
                    if special == "scipy"
                    else f"import scipy.special as {special}"
                )
            ]
            if uses_scipy
            else []
        ),
        "",
        "",
        f"def {float_}(a):",
        f"    a = {numpy_}.asarray(a)",
        f'    return a if a.dtype.kind in "fc" else a.astype({numpy_}.float64)',
        "",
        "",
        *(
            [
                f"def {real_}(a):",  # a complex value of a real function: NaN where not real
                f"    a = {numpy_}.asarray(a)",
                f'    return {numpy_}.where(a.imag == 0, a.real, {numpy_}.nan) if a.dtype.kind == "c" else a',
                "",
                "",
            ]
            if to_real
            else []
        ),
        f"def {name}({', '.join(args)}):",
        f"    {doc!r}",
        *(f"    _x{i} = {float_}({a})" for i, a in enumerate(args)),
        *map(own, code),
        "    return _out",
        "",
        "",
        f"def {name}_packed({X}):",
        f"    {('packed form: ' + name + '(X[..., 0], X[..., 1], ...)')!r}",
        f"    {X} = {float_}({X})",
        *(
            [own(f"    return {name}(*numpy.moveaxis({X}, -1, 0))")]
            if large
            else [  # one copy of a large body
                *map(own, point),
                *(f"    _x{i} = {X}[..., {i}]" for i in range(len(args))),
                *map(own, code),
                "    return _out",
            ]
        ),
        "",
    ]
    return "\n".join(lines), f"{name}_packed"


def _fresh(base: str, taken: set[str]) -> str:
    """``base``, or ``base`` with underscores in front until it is not in ``taken``."""
    while base in taken:
        base = "_" + base
    return base


def _single_point(
    body: list[str], values: list[str], shape: tuple[int, ...], n: int, dtype: str, X: str = "X"
) -> list[str]:
    """A fast path of the packed function for one point (``X.ndim == 1``), as optimizers call
    it: scalar arithmetic on unpacked entries, then one small array."""
    if n == 0:
        return []
    unpack = f"{', '.join(f'_x{i}' for i in range(n))}{',' if n == 1 else ''} = {X}"
    if not shape:
        result = values[0]
    elif len(shape) == 1:
        result = f"[{', '.join(values)}]"
    else:
        rows = [values[r * shape[1] : (r + 1) * shape[1]] for r in range(shape[0])]
        result = "[" + ", ".join(f"[{', '.join(r)}]" for r in rows) + "]"
    return [
        f"    if {X}.ndim == 1:",
        f"        {unpack}",
        *(f"        {line}" for line in body),
        f"        return numpy.array({result}, dtype={dtype})",
    ]


class NumericFunction:
    """A compiled NumPy function of ``wrt``.

    Call it with one argument per variable (arrays broadcast together); the output has
    shape ``broadcast_shape + result_shape``.

    Attributes:
        expr: The SymPy expression or matrix that was compiled.
        wrt: The variables, in argument order.
        result_shape: ``()`` for a scalar, ``(n,)`` for an n×1 vector, ``(m, n)`` for a matrix.
        backend: The backend's name.
        source: The generated Python source (what :meth:`save` writes).

    Examples:
        >>> import symml as sm
        >>> f = sm.to_numpy("x**2 + y", "x, y")
        >>> f(3.0, 1.0)
        array(10.)
        >>> f([1, 2], 0).shape
        (2,)
    """

    def __init__(self, expr: Any, wrt: tuple[sympy.Symbol, ...], backend: str, cse: bool) -> None:
        self.expr = expr
        self.wrt = wrt
        self.backend = backend
        self.cse = cse
        self.result_shape = _components(expr)[1]
        self.fallback: str | None = None  # why backend="numba" became the NumPy backend
        if backend == "numba":  # one fused multi-core loop; a reason str → the NumPy backend
            from symml._numba_backend import build

            built = build(expr, wrt, cse)
            if not isinstance(built, str):
                self.source, self._fn, self._packed = built
                return
            self.backend, self.fallback = "numpy", built
        self.source, packed = _generate(expr, wrt, cse, "f")
        namespace: dict[str, Any] = {}
        code = compile(self.source, f"<symml-generated {id(self):x}>", "exec")
        exec(code, namespace)  # source printed from a SymPy tree, names sanitised
        self._fn: Callable[..., np.ndarray] = namespace["f"]
        self._packed: Callable[[Any], np.ndarray] = namespace[packed]

    def __call__(self, *args: Any) -> np.ndarray:
        if len(args) != len(self.wrt):
            names = ", ".join(s.name for s in self.wrt) or "no arguments"
            raise TypeError(
                f"this function takes {len(self.wrt)} argument(s) ({names}), got {len(args)}"
            )
        if "dask.array" in sys.modules:  # dask arrays in → a lazy dask array out
            from symml._chunked import call_dask, is_dask

            if any(is_dask(a) for a in args):
                return call_dask(self, args)
        return self._fn(*args)

    def packed(self, X: Any) -> np.ndarray:
        """Evaluate at ``X[..., i]`` for the i-th variable (the form optimizers use).

        Examples:
            >>> import symml as sm, numpy as np
            >>> sm.to_numpy("x*y", "x, y").packed(np.array([[2.0, 3.0], [1.0, 4.0]]))
            array([6., 4.])
        """
        if "dask.array" in sys.modules and self.wrt:  # a dask X stays lazy: one column each
            from symml._chunked import is_dask

            if is_dask(X) and X.ndim and X.shape[-1] == len(self.wrt):
                return self(*(X[..., i] for i in range(len(self.wrt))))
        X = np.asarray(X)
        if X.ndim == 0 or X.shape[-1] != len(self.wrt):
            raise ValueError(
                f"packed() needs X with last axis of length {len(self.wrt)} "
                f"(one per variable), got shape {X.shape}"
            )
        return self._packed(X)

    def save(self, path: str | Path, name: str = "f") -> Path:
        """Write a standalone module (NumPy only, plus ``scipy.special`` if needed).

        Args:
            path: The ``.py`` file to write.
            name: The function's name in the module (also ``name + "_packed"``).

        Returns:
            The path written.

        Raises:
            ValueError: For a name that is not a Python identifier, or is a builtin (any
                other identifier works: the module's own names step aside, e.g.
                ``name="numpy"`` or ``"X"``).

        Examples:
            >>> import symml as sm, tempfile, pathlib, importlib.util
            >>> path = pathlib.Path(tempfile.mkdtemp()) / "m.py"
            >>> _ = sm.to_numpy("2*x + y**2", "x, y").save(path, name="numpy")
            >>> spec = importlib.util.spec_from_file_location("m", path)
            >>> module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)
            >>> float(module.numpy(1.0, 3.0)), float(module.numpy_packed([1.0, 3.0]))
            (11.0, 11.0)
        """
        problem = function_name_problem(name)
        if problem:
            raise ValueError(problem)
        if self.backend == "numba":
            if not _IDENT.match(name) or name in _RESERVED:
                raise ValueError(
                    f"name {name!r} is not a usable function name for the numba "
                    "backend (a letter first; not a builtin or module name)"
                )
            from symml._numba_backend import save_source

            path = Path(path)
            path.write_text(
                save_source(self.expr, self.wrt, self.cse, name, _version()), encoding="utf-8"
            )
            return path
        try:
            source, _ = _generate(self.expr, self.wrt, self.cse, name)
        except PrintMethodNotImplementedError as exc:
            raise _not_compilable(self.expr) from exc
        header = (
            f'"""Generated by symml {_version()}: {name}({", ".join(_arg_names(self.wrt))}).\n\n'
            + (
                "Needs NumPy and scipy.special.\n"
                if "import scipy" in source
                else "Needs NumPy only.\n"
            )
            + '"""\n\n'
        )
        path = Path(path)
        path.write_text(header + source, encoding="utf-8")
        return path

    def latex(self) -> str:
        r"""LaTeX of the compiled formula, ``f(x, y) = ...``.

        Examples:
            >>> import symml as sm
            >>> sm.to_numpy("x**2 + y", "x, y").latex()
            'f(x, y) = x^{2} + y'
        """
        return f"{function_lhs(self.wrt)} = {tex(self.expr)}"

    def _repr_latex_(self) -> str:
        return f"$\\displaystyle {self.latex()}$"

    def __repr__(self) -> str:
        args = ", ".join(s.name for s in self.wrt)
        return (
            f"NumericFunction(({args}) -> {sympy.sstr(self.expr)[:80]}, shape={self.result_shape})"
        )


def function_name_problem(name: Any) -> str:
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


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("symml")
    except PackageNotFoundError:  # pragma: no cover
        return "dev"


@lru_cache(maxsize=256)
def _compile_cached(
    expr: Any, wrt: tuple[sympy.Symbol, ...], backend: str, cse: bool
) -> NumericFunction:
    try:
        return NumericFunction(expr, wrt, backend, cse)
    except PrintMethodNotImplementedError as exc:
        raise _not_compilable(expr) from exc


def _not_compilable(expr: Any) -> NotSupportedError:
    """The error for a result holding functions NumPy has no form of (``DiracDelta`` from the
    derivative of ``sign``/``abs``, an unevaluated ``Derivative(floor(x), x)``), naming the
    innermost such parts."""
    printer = _printer()
    failing: set[Any] = set()
    for node in sympy.postorder_traversal(sympy.Tuple(*_components(expr)[0])):
        if (
            node.is_Atom
            or isinstance(node, (sympy.Add, sympy.Mul, sympy.Pow, sympy.Tuple))
            or node in failing
        ):
            continue
        try:
            printer.doprint(node)
        except PrintMethodNotImplementedError:
            failing.add(node)
    inner = sorted({str(n) for n in failing if not any(a in failing for a in n.args)})
    names = ", ".join(inner[:3]) or sympy.sstr(expr)[:60]
    return NotSupportedError(
        f"cannot compile {names} to NumPy: it has no numeric form "
        "(a derivative of sign/abs/floor at its jump, or an unevaluated "
        "function); simplify or rewrite the expression first"
    )


def to_numpy(
    expr: Any, wrt: Any = None, *, backend: str = "numpy", cse: Any = "auto"
) -> NumericFunction:
    """Compile an expression, matrix or Derivation into a NumPy function.

    Args:
        expr: A SymPy expression/Matrix, a ``str``, a Derivation, or a nested list.
        wrt: The argument order (default: a Derivation's ``wrt``, else the free symbols
            sorted by name).
        backend: ``"numpy"``, or ``"numba"`` (the ``fast`` extra): one fused loop over
            the points, parallel over cores, compiled once and cached on disk; falls back
            to ``"numpy"`` with a warning where numba lacks a function.
        cse: Share common subexpressions: ``"auto"`` (when the expression is not
            trivial), ``True`` or ``False``.

    Returns:
        A cached :class:`NumericFunction`.

    Raises:
        ValueError: For an unknown backend, or free symbols missing from ``wrt``.
        NotSupportedError: For a result with no numeric form (``DiracDelta``, an
            unevaluated ``Derivative``, a ``Sum`` with symbolic bounds), naming it. A
            ``Sum``/``Product`` over integer bounds is written out term by term; ``zoo``
            evaluates to NaN, and so does a complex value (``LambertW(-1)``) of a result
            that is otherwise real.

    Examples:
        >>> import symml as sm, numpy as np
        >>> g = sm.to_numpy(sm.gradient("x**2*y + y**3", "x, y"))
        >>> g(1.0, 2.0)
        array([ 4., 13.])
        >>> g(np.zeros(3), np.ones(3)).shape
        (3, 2)
    """
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}")
    if isinstance(expr, Derivation) and wrt is None:
        wrt = expr.wrt
    result, _ = as_expr(expr)
    if isinstance(result, dict):
        raise TypeError("to_numpy() needs an expression or matrix; this result is a dict")
    if not isinstance(result, sympy.Basic):
        raise TypeError(f"cannot compile {type(result).__name__}")
    if getattr(result, "is_MatrixExpr", False) and not isinstance(result, sympy.MatrixBase):
        raise TypeError(
            f"cannot compile the matrix expression {result} of symbolic matrices; "
            "substitute explicit matrices first (e.g. .as_explicit())"
        )
    if isinstance(result, sympy.MatrixBase) and len(result) > 64:  # walk shared parts once
        from symml.dag import dag_free_symbols

        own = dag_free_symbols(result)
        variables = as_wrt(wrt, sympy.Tuple(*own))
    else:
        own = free_symbols(result)
        variables = as_wrt(wrt, result)
    missing = own - set(variables)
    if missing:
        raise ValueError(
            f"{sympy.sstr(result)[:80]} has free symbols "
            f"{', '.join(sorted(s.name for s in missing))} not in wrt "
            f"({', '.join(s.name for s in variables) or 'none'})"
        )
    if isinstance(result, sympy.MatrixBase):
        result = sympy.ImmutableMatrix(result)
    fn = _compile_cached(result, variables, backend, _wants_cse(_components(result)[0], cse))
    if backend == "numba" and fn.fallback is not None:  # at every request, cached or not
        import warnings

        warnings.warn(
            f"backend='numba': {fn.fallback}; using the NumPy backend for "
            f"{sympy.sstr(result)[:80]}",
            UserWarning,
            stacklevel=2,
        )
    return fn
