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

import math
import re
import sys
import warnings
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, overload

import numpy as np
import sympy
from numpy.typing import ArrayLike
from sympy.printing.codeprinter import PrintMethodNotImplementedError

from symml.compile import array_modules, numba_backend
from symml.compile.dask_arrays import call_dask, is_dask
from symml.compile.functions import NUMPY_HELPERS, helpers_used
from symml.compile.lowering import INTO_HELPERS, MIN_BATCH, lower
from symml.compile.printer import (
    LARGE_TREE,
    NumPyPrinter,
    Unprintable,
    arg_names,
    components_of,
    describe,
    function_name_problem,
    print_cse,
    print_shared,
    stable_components,
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
from symml.matrixcalc import MatrixDerivation, MatrixFunction

__all__ = ["ALL_BACKENDS", "BACKENDS", "NumericFunction", "compile_function", "to_numpy"]

#: The backends :func:`to_numpy` compiles to.
BACKENDS = ("numpy", "numba", "array_api")

#: Every backend a :class:`NumericFunction` can hold (``to_jax``, ``to_torch`` give the last two).
ALL_BACKENDS = (*BACKENDS, "jax", "torch")

#: What a saved module of each backend needs, for its header.
_NEEDS = {
    "array_api": "array_api_compat and NumPy",
    "jax": "JAX and NumPy",
    "torch": "PyTorch and NumPy",
}

#: Functions of the printed code that return complex values for real arguments
#: (``lambertw`` below -1/e): a real-valued function gives NaN where they are not real.
_COMPLEX_VALUED = ("scipy.special.lambertw(",)


def _generate(
    expr: sympy.Basic, wrt: tuple[sympy.Symbol, ...], cse: bool, name: str
) -> tuple[str, str]:
    """Return (source, packed_name) of a module defining ``name`` and ``name + '_packed'``."""
    shape = components_of(expr)[1]
    args = arg_names(wrt)
    components = stable_components(expr)
    large = dag_size(components) > LARGE_TREE
    try:
        body, values = (print_shared if large else print_cse)(components, wrt, cse)
    except Unprintable:  # a function the DAG printer cannot print: SymPy's own path
        large = False
        body, values = print_cse(components, wrt, cse)
    is_complex = dag_has(components, sympy.I)
    dtype = "numpy.complex128" if is_complex else "numpy.float64"
    # the module's own names must not be the user's name
    taken = {name, f"{name}_packed", f"{name}_point", f"{name}_floats"}
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
    doc = describe(expr, wrt, args, name, large)
    batch = None if large or is_complex or to_real or not wrt else lower(components, wrt, cse)
    numpy_, float_, X = (_fresh(n, taken) for n in ("numpy", "_float", "X"))
    special = _fresh("scipy", taken)
    batch_, batched = _fresh("_batch", taken), _fresh("_batched", taken)
    fast = _batch_function(batch, shape, len(args), batched) if batch else []
    helpers = helpers_used(body + values, NUMPY_HELPERS)
    into = helpers_used(fast, INTO_HELPERS)
    uses_scipy = any("scipy." in line for line in body + values + helpers + fast)
    xs = ", ".join(f"_x{i}" for i in range(len(args)))
    dispatch = (
        [
            f"    _S = {batch_}({xs})",
            "    if _S is not None:",
            f"        return {batched}({xs}, _S)",
        ]
        if fast
        else []
    )
    code = [*(f"    {line}" for line in body + assemble)]
    moved = {h: _fresh(h, taken) for h in [*NUMPY_HELPERS, *INTO_HELPERS] if h in taken}

    def own(line: str) -> str:  # the printed code with the module's names for numpy/scipy
        if numpy_ != "numpy":
            line = re.sub(r"(?<![\w.])numpy\.", numpy_ + ".", line)
        if special != "scipy":
            line = re.sub(r"(?<![\w.])scipy\.special\.", special + ".", line)
        for helper, fresh in moved.items():
            line = re.sub(rf"(?<![\w.]){helper}\(", fresh + "(", line)
        return line

    point = [] if large else _single_point(body, values, shape, len(args), dtype, X)
    floats = _float_list(body, values, len(args), X) if point and dtype == "numpy.float64" else []
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
        *(f"{own(h)}\n\n" for h in helpers),
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
        *dispatch,
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
                *([f"    if {X}.ndim == 1:", f"        return {name}_point({X})"] if point else []),
                *(f"    _x{i} = {X}[..., {i}]" for i in range(len(args))),
                *dispatch,
                *map(own, code),
                "    return _out",
            ]
        ),
        "",
        *(
            [
                "",
                f"def {name}_point({X}):",
                f"    {('one point: ' + name + '(*X) for X of shape (n,), float64 (unchecked)')!r}",
                *map(own, point),
                "",
            ]
            if point
            else []
        ),
        *(
            [
                "",
                f"def {name}_floats({X}):",
                f"    {('one point, a list of floats: ' + name + '(*X) as a flat list of floats')!r}",
                *map(own, floats),
                "",
            ]
            if floats
            else []
        ),
        *(
            [
                "",  # the batch path, and what it calls
                *(f"{own(h)}\n\n" for h in into),
                own(_BATCH.replace("_batch", batch_)) + "\n\n",
                *map(own, fast),
                "",
            ]
            if fast
            else []
        ),
    ]
    return "\n".join(lines), f"{name}_packed"


_BATCH = f"""def _batch(*a):
    "the common shape of float64 arrays of at least {MIN_BATCH} points (else None)"
    if any(x.dtype != numpy.float64 for x in a):
        return None
    shape = numpy.broadcast_shapes(*(x.shape for x in a))
    size = 1
    for n in shape:
        size *= n
    return shape if size >= {MIN_BATCH} else None"""


def _batch_function(lines: list[str], shape: tuple[int, ...], n: int, name: str) -> list[str]:
    """The function of the batch path (for many float64 points): the statements of
    :func:`~symml.compile.lowering.lower` on the inputs broadcast to ``_S``, into a
    component-major ``_out`` as in the general path, each component written in place."""
    xs = ", ".join(f"_x{i}" for i in range(n))
    lead = tuple(range(len(shape)))
    result = (
        "_out[0]"
        if not shape
        else f"numpy.moveaxis(_out.reshape({shape!r} + _S), {lead!r}, "
        f"{tuple(i - len(shape) for i in lead)!r})"
    )
    return [
        f"def {name}({xs}, _S):",
        '    "many float64 points: BLAS for the affine forms, ufuncs into reused buffers"',
        *(f"    _x{i} = numpy.broadcast_to(_x{i}, _S)" for i in range(n)),
        f"    _out = numpy.empty(({math.prod(shape)},) + _S)",
        *(f"    {line}" for line in lines),
        f"    return {result}",
    ]


def _fresh(base: str, taken: set[str]) -> str:
    """``base``, or ``base`` with underscores in front until it is not in ``taken``."""
    while base in taken:
        base = "_" + base
    return base


def _single_point(
    body: list[str], values: list[str], shape: tuple[int, ...], n: int, dtype: str, X: str = "X"
) -> list[str]:
    """The body of the one-point function (``name_point``, what the packed function calls
    for ``X.ndim == 1`` and what optimizers call directly, for ``X`` a float64 array of
    shape ``(n,)``): scalar arithmetic on unpacked entries, then one small array.

    A real function first tries Python floats (``X.tolist()``: arithmetic several times
    faster than on NumPy scalars, and the same IEEE operations); where Python raises
    instead of giving ``inf`` or ``nan`` (a division by zero, an overflowing power, a
    negative number to a fractional power, which Python makes complex), it computes again
    on NumPy scalars, which give the NumPy backend's values."""
    if n == 0:
        return []
    names = f"{', '.join(f'_x{i}' for i in range(n))}{',' if n == 1 else ''}"
    unpack = f"{names} = {X}"
    if not shape:
        result = values[0]
    elif len(shape) == 1:
        result = f"[{', '.join(values)}]"
    else:
        rows = [values[r * shape[1] : (r + 1) * shape[1]] for r in range(shape[0])]
        result = "[" + ", ".join(f"[{', '.join(r)}]" for r in rows) + "]"
    # the dtype positionally: NumPy parses a keyword argument more slowly (~0.1 us a call)
    floats = (
        [
            "    try:  # Python floats first (see _single_point in symml.compile)",
            f"        {names} = {X}.tolist()",
            *(f"        {line}" for line in body),
            f"        return numpy.array({result}, {dtype})",
            "    except (ArithmeticError, ValueError, TypeError):",
            "        pass",
        ]
        if dtype == "numpy.float64"
        else []
    )
    return [
        *floats,
        f"    {unpack}",
        *(f"    {line}" for line in body),
        f"    return numpy.array({result}, {dtype})",
    ]


def _float_list(body: list[str], values: list[str], n: int, X: str = "X") -> list[str]:
    """The body of ``name_floats``: :func:`_single_point`'s arithmetic for one point given
    as a sequence of ``n`` Python floats, returning the result's entries (row-major) as a
    list of Python floats, with no array in or out (what gradient descent's loop on Python
    floats calls). Each entry goes through ``float()``, which raises where Python's
    arithmetic gave a complex number; then, as where Python raises, it computes again on
    NumPy scalars."""
    names = f"{', '.join(f'_x{i}' for i in range(n))}{',' if n == 1 else ''}"
    result = f"[{', '.join(f'float({v})' for v in values)}]"
    return [
        "    try:  # Python floats first (see _single_point in symml.compile)",
        f"        {names} = {X}",
        *(f"        {line}" for line in body),
        f"        return {result}",
        "    except (ArithmeticError, ValueError, TypeError):",
        "        pass",
        f"    {names} = numpy.array({X}, numpy.float64)",
        *(f"    {line}" for line in body),
        f"    return {result}",
    ]


class NumericFunction(Result):
    """A compiled function of ``wrt``, for NumPy (or numba, JAX, PyTorch, the array API).

    Call it with one argument per variable (arrays broadcast together), positionally or by
    the variables' names; the output has shape ``broadcast_shape + result_shape``.

    Attributes:
        expr: The SymPy expression or matrix that was compiled.
        wrt: Every argument, in order: the variables asked for, then the expression's other
            free symbols (its data) sorted by name.
        result_shape: ``()`` for a scalar, ``(n,)`` for an n×1 vector, ``(m, n)`` for a matrix.
        backend: The backend's name (one of :data:`ALL_BACKENDS`).
        source: The generated Python source (what :meth:`save` writes).
        fallback: Why ``backend="numba"`` became the NumPy backend (``None`` if it did not).
        point_floats: For the NumPy backend's real functions, the one-point function on
            Python floats: a sequence of ``n`` floats in, the result's entries (row-major) as
            a list of floats out, no arrays (``None`` otherwise). What gradient descent's
            loop for a few variables calls.

    Examples:
        >>> import symml as sm
        >>> f = sm.to_numpy("x**2 + y", "x, y")
        >>> f(3.0, 1.0)
        array(10.)
        >>> f([1, 2], 0).shape
        (2,)
        >>> f(y=1.0, x=3.0)
        array(10.)
    """

    def __init__(
        self,
        expr: sympy.Basic,
        wrt: tuple[sympy.Symbol, ...],
        backend: str,
        cse: bool,
        *,
        jit: bool = True,
    ) -> None:
        self.expr = expr
        self.wrt = wrt
        self.backend = backend
        self.cse = cse
        self.jit = jit
        self.result_shape = components_of(expr)[1]
        self.fallback: str | None = None
        self.source: str
        self._fn: Callable[..., Any]
        self._packed: Callable[[Any], Any]
        self._point: Callable[[Any], Any] | None = None  # the NumPy backend's one-point function
        #: The NumPy backend's one-point function on Python floats (``f_floats``: a sequence
        #: of floats in, the entries as a list of floats out), where it has one.
        self.point_floats: Callable[[Sequence[float]], list[float]] | None = None
        if backend in array_modules.SPECS:
            spec = array_modules.SPECS[backend]
            doc = describe(expr, wrt, arg_names(wrt, spec.reserved), "f", False)
            self.source, self._fn, self._packed = array_modules.build(
                spec, expr, wrt, cse, jit=jit, doc=doc
            )
            return
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
        self._point = namespace.get("f_point")
        self.point_floats = namespace.get("f_floats")

    def __call__(self, *args: ArrayLike, **kwargs: ArrayLike) -> Any:
        if kwargs or len(args) != len(self.wrt):
            args = self._bind(args, kwargs)
        # Dask arrays in → a lazy Dask array out (looked for only once dask.array is imported)
        if (
            self.backend in ("numpy", "numba")
            and "dask.array" in sys.modules
            and any(is_dask(a) for a in args)
        ):
            return call_dask(self._blockwise(), self.result_shape, args)
        return self._fn(*args)

    def _bind(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
        """The arguments in ``wrt`` order, from positions and names (a symbol's own name or
        its argument name in the generated code)."""
        names = [s.name for s in self.wrt]
        aliases = dict(zip(arg_names(self.wrt), range(len(names)), strict=True))
        aliases.update((n, i) for i, n in enumerate(names))
        listed = ", ".join(names) or "no arguments"
        if len(args) > len(names):
            raise TypeError(
                f"this function takes {len(names)} argument(s) ({listed}), got {len(args)}"
            )
        values: list[Any] = [*args, *([_MISSING] * (len(names) - len(args)))]
        for key, value in kwargs.items():
            i = aliases.get(key)
            if i is None:
                raise TypeError(f"unexpected keyword argument {key!r}; the arguments are {listed}")
            if values[i] is not _MISSING:
                raise TypeError(f"got multiple values for argument {names[i]!r}")
            values[i] = value
        missing = [n for n, v in zip(names, values, strict=True) if v is _MISSING]
        if missing:
            raise TypeError(
                f"this function takes {len(names)} argument(s) ({listed}), "
                f"got {len(args) + len(kwargs)}: missing {', '.join(missing)}"
            )
        return tuple(values)

    def _blockwise(self) -> Callable[..., np.ndarray]:
        """The function of one block per variable that Dask tasks run: picklable, and for
        the numba backend one parallel kernel at a time per process."""
        if self.backend == "numba":
            return numba_backend.BlockFunction(self.source)
        return self._fn

    def packed(self, X: Any) -> Any:
        """Evaluate at ``X[..., i]`` for the i-th variable (the form optimizers use).

        Examples:
            >>> import symml as sm, numpy as np
            >>> sm.to_numpy("x*y", "x, y").packed(np.array([[2.0, 3.0], [1.0, 4.0]]))
            array([6., 4.])
        """
        if self.backend not in ("numpy", "numba"):
            if not getattr(X, "ndim", 0) or X.shape[-1] != len(self.wrt):
                raise ValueError(
                    f"packed() needs X with last axis of length {len(self.wrt)} "
                    f"(one per variable), got shape {getattr(X, 'shape', ())}"
                )
            return self._packed(X)
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

    @property
    def point(self) -> Callable[[Any], Any]:
        """The generated one-point function, without :meth:`packed`'s checks or conversions:
        for one point ``x``, a float64 array of shape ``(n,)`` (one entry per argument), it
        computes on Python floats and returns one small array. What an optimiser calls at
        every step. (The NumPy backend's module defines it as ``f_point``; other backends
        give their packed function.)

        Examples:
            >>> import symml as sm, numpy as np
            >>> sm.to_numpy("x*y", "x, y").point(np.array([2.0, 3.0]))
            array(6.)
        """
        return self._point or self._packed

    def save(self, path: str | Path, name: str = "f", *, backend: str | None = None) -> Path:
        """Write a standalone module: for NumPy it needs NumPy only (plus ``scipy.special``
        if a special function needs it); ``backend="jax"`` or ``"torch"`` writes the same
        function for that library (importing only it and NumPy).

        Args:
            path: The ``.py`` file to write.
            name: The function's name in the module (also ``name + "_packed"``).
            backend: The module's backend (default: this function's own).

        Returns:
            The path written.

        Raises:
            ValueError: For a name that is not a Python identifier, or is a builtin (any
                other identifier works for NumPy: the module's own names step aside, e.g.
                ``name="numpy"`` or ``"X"``), or an unknown backend.

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
        backend = backend or self.backend
        if backend not in ALL_BACKENDS:
            raise ValueError(f"backend must be one of {ALL_BACKENDS}, got {backend!r}")
        path = Path(path)
        if backend == "numba":
            source = numba_backend.save_source(self.expr, self.wrt, self.cse, name, _version())
            path.write_text(source, encoding="utf-8")
            return path
        try:
            source = self._module(name, backend)
        except PrintMethodNotImplementedError as exc:
            raise _not_compilable(self.expr, backend) from exc
        path.write_text(source, encoding="utf-8")
        return path

    def _module(self, name: str, backend: str) -> str:
        """The text of a saved module of ``backend`` (header + module)."""
        if backend in array_modules.SPECS:
            spec = array_modules.SPECS[backend]
            args = arg_names(self.wrt, spec.reserved)
            doc = describe(self.expr, self.wrt, args, name, False)
            source = array_modules.module_source(spec, self.expr, self.wrt, self.cse, name, doc=doc)
            needs = f"Needs {_NEEDS[backend]} only.\n"
        else:
            args = arg_names(self.wrt)
            source, _ = _generate(self.expr, self.wrt, self.cse, name)
            needs = (
                "Needs NumPy and scipy.special.\n"
                if "import scipy" in source
                else "Needs NumPy only.\n"
            )
        header = f'"""Generated by symml {_version()}: {name}({", ".join(args)}).\n\n{needs}"""\n\n'
        return header + source

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
        backend = "" if self.backend == "numpy" else f", backend={self.backend!r}"
        return (
            f"NumericFunction(({args}) -> {sympy.sstr(self.expr)[:80]}, "
            f"shape={self.result_shape}{backend})"
        )


#: An argument not given (to :meth:`NumericFunction._bind`).
_MISSING = object()


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("symml")
    except PackageNotFoundError:  # pragma: no cover
        return "dev"


@lru_cache(maxsize=256)
def _compile_cached(
    expr: sympy.Basic, wrt: tuple[sympy.Symbol, ...], backend: str, cse: bool, jit: bool
) -> NumericFunction:
    try:
        return NumericFunction(expr, wrt, backend, cse, jit=jit)
    except PrintMethodNotImplementedError as exc:
        raise _not_compilable(expr, backend) from exc


#: How an error names each backend.
_LIBRARY = {
    "numpy": "NumPy",
    "numba": "NumPy",
    "array_api": "the array API",
    "jax": "JAX",
    "torch": "PyTorch",
}


def _not_compilable(expr: sympy.Basic, backend: str = "numpy") -> NotSupportedError:
    """The error for a result holding functions the backend has no form of (``DiracDelta``
    from the derivative of ``sign``/``abs``, an unevaluated ``Derivative(floor(x), x)``, a
    Bessel function for JAX), naming the innermost such parts."""
    printer = (
        array_modules.SPECS[backend].printer() if backend in array_modules.SPECS else NumPyPrinter()
    )
    failing: set[sympy.Basic] = set()
    for node in sympy.postorder_traversal(sympy.Tuple(*stable_components(expr))):
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
    innermost = [n for n in failing if not any(a in failing for a in n.args)]
    inner = sorted({str(n) for n in innermost})
    names = ", ".join(inner[:3]) or sympy.sstr(expr)[:60]
    library = _LIBRARY.get(backend, backend)
    special = sorted({type(n).__name__ for n in innermost if _special_function(n)})
    if special:
        return NotSupportedError(
            f"cannot compile {names} to {library}: no {library} implementation of "
            f"{', '.join(special)}; evaluate it with .evalf() or mpmath "
            "(sympy.lambdify(args, expr, 'mpmath'))"
        )
    return NotSupportedError(
        f"cannot compile {names} to {_LIBRARY.get(backend, backend)}: it has no numeric form "
        "there (a derivative of sign/abs/floor at its jump, an unevaluated function, or a "
        "function the library lacks); simplify or rewrite the expression first"
    )


def _special_function(node: sympy.Basic) -> bool:
    """Whether ``node`` is a call of one of SymPy's named mathematical functions (polylog,
    expint, zeta...), not a distribution (``DiracDelta``) or an unevaluated function."""
    return (
        isinstance(node, sympy.Function)
        and type(node).__module__.startswith("sympy.functions")
        and not isinstance(node, sympy.DiracDelta)
    )


def arguments(expr: ExprLike, wrt: WrtLike = None) -> tuple[sympy.Basic, tuple[sympy.Symbol, ...]]:
    """The SymPy result to compile and its arguments: ``wrt`` (default: a Derivation's
    ``wrt``, else the free symbols sorted by name), then the other free symbols (the data)
    sorted by name.

    Raises:
        TypeError: For a result that is not an expression or an explicit matrix.

    Examples:
        >>> arguments("(y - w*x - b)**2", "w, b")[1]
        (w, b, x, y)
    """
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
    data = sorted(own - set(variables), key=lambda s: s.name)
    if isinstance(result, sympy.MatrixBase):
        result = sympy.ImmutableMatrix(result)
    return result, (*variables, *data)


def compile_function(
    expr: ExprLike,
    wrt: WrtLike = None,
    *,
    backend: str = "numpy",
    cse: bool | str = "auto",
    jit: bool = True,
) -> NumericFunction:
    """The cached :class:`NumericFunction` of ``expr`` for any backend of
    :data:`ALL_BACKENDS` (:func:`to_numpy`, :func:`~symml.compile.to_jax` and
    :func:`~symml.compile.to_torch` are this function).

    Examples:
        >>> compile_function("x*y", "x", backend="array_api").wrt
        (x, y)
    """
    if backend not in ALL_BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}")
    result, variables = arguments(expr, wrt)
    share = wants_cse(components_of(result)[0], cse)
    fn = _compile_cached(result, variables, backend, share, jit and backend == "jax")
    if backend == "numba" and fn.fallback is not None:  # at every request, cached or not
        warnings.warn(
            f"backend='numba': {fn.fallback}; using the NumPy backend for "
            f"{sympy.sstr(result)[:80]}",
            UserWarning,
            stacklevel=3,
        )
    return fn


@overload
def to_numpy(  # type: ignore[overload-overlap] # a MatrixDerivation is a Derivation too
    expr: MatrixDerivation, wrt: None = None, *, backend: str = "numpy", cse: bool | str = "auto"
) -> MatrixFunction: ...


@overload
def to_numpy(
    expr: ExprLike, wrt: WrtLike = None, *, backend: str = "numpy", cse: bool | str = "auto"
) -> NumericFunction: ...


def to_numpy(
    expr: ExprLike | MatrixDerivation,
    wrt: WrtLike = None,
    *,
    backend: str = "numpy",
    cse: bool | str = "auto",
) -> NumericFunction | MatrixFunction:
    """Compile an expression, matrix or Derivation into a NumPy function.

    Args:
        expr: A SymPy expression/Matrix, a ``str``, a Derivation, or a nested list.
        wrt: The argument order (default: a Derivation's ``wrt``, else the free symbols
            sorted by name). Free symbols not in ``wrt`` (data, parameters) follow it as
            further arguments, sorted by name: ``.wrt`` lists them all.
        backend: ``"numpy"``; ``"numba"`` (the ``fast`` extra): one fused loop over
            the points, parallel over cores, compiled once and cached on disk; falls back
            to ``"numpy"`` with a warning where numba lacks a function; or ``"array_api"``:
            the same function for NumPy, CuPy, PyTorch, JAX or Dask arrays (through
            ``array_api_compat``), returning the arguments' library's array on their
            device, float32 for float32.
        cse: Share common subexpressions: ``"auto"`` (when the expression is not
            trivial), ``True`` or ``False``.

    Returns:
        A cached :class:`NumericFunction` (for a matrix-calculus result, a
        :func:`~symml.matrix_derivative`'s, its own ``.to_numpy()``: a
        :class:`~symml.matrixcalc.MatrixFunction` of its matrices). Every backend computes the numerically stable
        forms of :mod:`~symml.compile.stability` (``log(exp(a) + exp(b))`` at (1000, 0) is
        1000.0, not ``inf``).

    Raises:
        ValueError: For an unknown backend.
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
        >>> float(sm.to_numpy("log(exp(a) + exp(b))", "a, b")(1000.0, 0.0))
        1000.0
        >>> loss = sm.to_numpy("(y - w*x - b)**2", "w, b")
        >>> loss.wrt, float(loss(2.0, 1.0, x=3.0, y=7.0))
        ((w, b, x, y), 0.0)
    """
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}")
    if isinstance(expr, MatrixDerivation):
        if wrt is not None or backend != "numpy" or cse != "auto":
            raise TypeError(
                "a matrix-calculus result compiles with its own .to_numpy(), a function of "
                f"its matrices {', '.join(map(str, expr.wrt))}: wrt=, backend= and cse= "
                "do not apply"
            )
        return expr.to_numpy()
    return compile_function(expr, wrt, backend=backend, cse=cse)
