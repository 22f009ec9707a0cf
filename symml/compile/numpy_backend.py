"""The NumPy backend of :mod:`symml.compile`: :func:`to_numpy`, :class:`NumericFunction`,
and the source of its generated module (what :meth:`NumericFunction.save` writes).

The generated function uses NumPy only (plus ``scipy.special`` for special functions),
shares common subexpressions, broadcasts its arguments together and stacks vector and
matrix results into trailing axes; its internal names start with an underscore and
never clash with the arguments' (sanitised by :func:`~symml.compile.printer.arg_names`).
``backend="numba"`` is the same :class:`NumericFunction` over the module that
:mod:`symml.compile.numba_backend` generates.
"""

from __future__ import annotations

import re
import sys
import warnings
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import sympy
from numpy.typing import ArrayLike
from sympy.printing.codeprinter import PrintMethodNotImplementedError

from symml.compile import numba_backend
from symml.compile.dask_arrays import call_dask, is_dask
from symml.compile.printer import (
    LARGE_TREE,
    NumPyPrinter,
    Unprintable,
    arg_names,
    components_of,
    function_name_problem,
    print_cse,
    print_shared,
    wants_cse,
)
from symml.dag import dag_free_symbols, dag_has, dag_size
from symml.derivation import (
    Derivation,
    ExprLike,
    Result,
    WrtLike,
    as_expr,
    as_wrt,
    free_symbols,
    function_lhs,
    tex,
)
from symml.errors import NotSupportedError

__all__ = ["BACKENDS", "NumericFunction", "to_numpy"]

#: The backends :func:`to_numpy` compiles to.
BACKENDS = ("numpy", "numba")

#: Functions of the printed code that return complex values for real arguments
#: (``lambertw`` below -1/e): a real-valued function gives NaN where they are not real.
_COMPLEX_VALUED = ("scipy.special.lambertw(",)


def _generate(
    expr: sympy.Basic, wrt: tuple[sympy.Symbol, ...], cse: bool, name: str
) -> tuple[str, str]:
    """Return (source, packed_name) of a module defining ``name`` and ``name + '_packed'``."""
    components, shape = components_of(expr)
    args = arg_names(wrt)
    components = [sympy.sympify(c) for c in components]
    large = dag_size(components) > LARGE_TREE
    try:
        body, values = (print_shared if large else print_cse)(components, wrt, cse)
    except Unprintable:  # a function the DAG printer cannot print: SymPy's own path
        large = False
        body, values = print_cse(components, wrt, cse)
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


class NumericFunction(Result):
    """A compiled NumPy function of ``wrt``.

    Call it with one argument per variable (arrays broadcast together); the output has
    shape ``broadcast_shape + result_shape``.

    Attributes:
        expr: The SymPy expression or matrix that was compiled.
        wrt: The variables, in argument order.
        result_shape: ``()`` for a scalar, ``(n,)`` for an n×1 vector, ``(m, n)`` for a matrix.
        backend: The backend's name.
        source: The generated Python source (what :meth:`save` writes).
        fallback: Why ``backend="numba"`` became the NumPy backend (``None`` if it did not).

    Examples:
        >>> import symml as sm
        >>> f = sm.to_numpy("x**2 + y", "x, y")
        >>> f(3.0, 1.0)
        array(10.)
        >>> f([1, 2], 0).shape
        (2,)
    """

    def __init__(
        self, expr: sympy.Basic, wrt: tuple[sympy.Symbol, ...], backend: str, cse: bool
    ) -> None:
        self.expr = expr
        self.wrt = wrt
        self.backend = backend
        self.cse = cse
        self.result_shape = components_of(expr)[1]
        self.fallback: str | None = None
        self.source: str
        self._fn: Callable[..., np.ndarray]
        self._packed: Callable[[ArrayLike], np.ndarray]
        if backend == "numba":  # one fused multi-core loop; a reason str → the NumPy backend
            built = numba_backend.build(expr, wrt, cse)
            if not isinstance(built, str):
                self.source, self._fn, self._packed = built
                return
            self.backend, self.fallback = "numpy", built
        self.source, packed = _generate(expr, wrt, cse, "f")
        namespace: dict[str, Any] = {}
        code = compile(self.source, f"<symml-generated {id(self):x}>", "exec")
        exec(code, namespace)  # source printed from a SymPy tree, names sanitised
        self._fn = namespace["f"]
        self._packed = namespace[packed]

    def __call__(self, *args: ArrayLike) -> np.ndarray:
        if len(args) != len(self.wrt):
            names = ", ".join(s.name for s in self.wrt) or "no arguments"
            raise TypeError(
                f"this function takes {len(self.wrt)} argument(s) ({names}), got {len(args)}"
            )
        # Dask arrays in → a lazy Dask array out (looked for only once dask.array is imported)
        if "dask.array" in sys.modules and any(is_dask(a) for a in args):
            return call_dask(self._blockwise(), self.result_shape, args)
        return self._fn(*args)

    def _blockwise(self) -> Callable[..., np.ndarray]:
        """The function of one block per variable that Dask tasks run: picklable, and for
        the numba backend one parallel kernel at a time per process."""
        if self.backend == "numba":
            return numba_backend.BlockFunction(self.source)
        return self._fn

    def packed(self, X: ArrayLike) -> np.ndarray:
        """Evaluate at ``X[..., i]`` for the i-th variable (the form optimizers use).

        Examples:
            >>> import symml as sm, numpy as np
            >>> sm.to_numpy("x*y", "x, y").packed(np.array([[2.0, 3.0], [1.0, 4.0]]))
            array([6., 4.])
        """
        if "dask.array" in sys.modules and self.wrt and is_dask(X):
            lazy: Any = X  # a Dask array stays lazy: one column per variable
            if lazy.ndim and lazy.shape[-1] == len(self.wrt):
                return self(*(lazy[..., i] for i in range(len(self.wrt))))
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
            source = numba_backend.save_source(self.expr, self.wrt, self.cse, name, _version())
            path = Path(path)
            path.write_text(source, encoding="utf-8")
            return path
        try:
            source, _ = _generate(self.expr, self.wrt, self.cse, name)
        except PrintMethodNotImplementedError as exc:
            raise _not_compilable(self.expr) from exc
        header = (
            f'"""Generated by symml {_version()}: {name}({", ".join(arg_names(self.wrt))}).\n\n'
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

    def latex(self, *, steps: bool = True) -> str:
        r"""LaTeX of the compiled formula, ``f(x, y) = ...`` (it has no steps: ``steps``
        is accepted as every result's ``latex`` accepts it).

        Examples:
            >>> import symml as sm
            >>> sm.to_numpy("x**2 + y", "x, y").latex()
            'f(x, y) = x^{2} + y'
        """
        return f"{function_lhs(self.wrt)} = {tex(self.expr)}"

    def _repr_latex_(self) -> str:  # inline, as Jupyter showed it before the Result protocol
        return f"$\\displaystyle {self.latex()}$"

    def __repr__(self) -> str:
        args = ", ".join(s.name for s in self.wrt)
        return (
            f"NumericFunction(({args}) -> {sympy.sstr(self.expr)[:80]}, shape={self.result_shape})"
        )


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("symml")
    except PackageNotFoundError:  # pragma: no cover
        return "dev"


@lru_cache(maxsize=256)
def _compile_cached(
    expr: sympy.Basic, wrt: tuple[sympy.Symbol, ...], backend: str, cse: bool
) -> NumericFunction:
    try:
        return NumericFunction(expr, wrt, backend, cse)
    except PrintMethodNotImplementedError as exc:
        raise _not_compilable(expr) from exc


def _not_compilable(expr: sympy.Basic) -> NotSupportedError:
    """The error for a result holding functions NumPy has no form of (``DiracDelta`` from the
    derivative of ``sign``/``abs``, an unevaluated ``Derivative(floor(x), x)``), naming the
    innermost such parts."""
    printer = NumPyPrinter()
    failing: set[sympy.Basic] = set()
    for node in sympy.postorder_traversal(sympy.Tuple(*components_of(expr)[0])):
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
    expr: ExprLike, wrt: WrtLike = None, *, backend: str = "numpy", cse: bool | str = "auto"
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
    fn = _compile_cached(result, variables, backend, wants_cse(components_of(result)[0], cse))
    if backend == "numba" and fn.fallback is not None:  # at every request, cached or not
        warnings.warn(
            f"backend='numba': {fn.fallback}; using the NumPy backend for "
            f"{sympy.sstr(result)[:80]}",
            UserWarning,
            stacklevel=2,
        )
    return fn
