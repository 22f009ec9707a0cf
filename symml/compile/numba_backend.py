"""The ``backend="numba"`` code generator of :func:`symml.to_numpy`.

The generated module holds one fused loop per entry point: every component of the
result (after :func:`sympy.cse` shares the common subexpressions) is computed per point
in a ``numba.prange`` loop that runs over all cores, with no temporary arrays. Scalars
and full-size arrays are read in place (a scalar with step 0); other broadcast shapes
are expanded once. The loop runs in float64 with IEEE semantics (no ``fastmath``), so
it gives the NumPy backend's numbers to rounding.

Compiled once: the source is written to a cache directory (``$SYMML_CACHE_DIR``, else
``~/.cache/symml``) under a name keyed by its SHA-256, and imported from there, so
numba's ``cache=True`` keeps the machine code on disk between processes. An expression
with a function numba cannot evaluate (or complex values) falls back to the NumPy
backend with a warning. numba is imported only by the generated modules, and only when
this backend is used. The scalar printer and its function table are
:class:`~symml.compile.printer.NumbaPrinter` and
:data:`~symml.compile.printer.NUMBA_FUNCTIONS`.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import sys
import tempfile
import threading
import warnings
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import numpy as np
import sympy
from numpy.typing import ArrayLike

from symml.compile.printer import (
    NUMBA_FUNCTIONS,
    NumbaPrinter,
    arg_names,
    components_of,
    is_plain_name,
    print_cse,
    stable_components,
)

__all__ = [
    "KERNEL_LOCK",
    "BlockFunction",
    "build",
    "cache_dir",
    "module_source",
    "save_source",
    "unsupported",
]

#: Tree nodes the loop evaluates besides the functions of ``NUMBA_FUNCTIONS``.
_NODES: tuple[type, ...] = (
    sympy.Symbol,
    sympy.Number,
    sympy.core.numbers.Pi,
    sympy.core.numbers.Exp1,
    sympy.Add,
    sympy.Mul,
    sympy.Pow,
)

_JIT = '@numba.njit(parallel=True, cache=True, error_model="numpy", nogil=True)'

#: Serialises calls into parallel kernels from several threads (dask's threaded scheduler):
#: numba's workqueue threading layer aborts on concurrent parallel launches.
KERNEL_LOCK = threading.Lock()


#: Terminal colour codes in numba's error messages (stripped from a fallback's reason).
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def unsupported(expr: sympy.Basic) -> set[str]:
    """The names of the nodes of ``expr`` the numba loop cannot evaluate.

    Examples:
        >>> import sympy
        >>> x = sympy.Symbol("x")
        >>> sorted(unsupported(sympy.besselj(0, x) + sympy.sin(x)))
        ['besselj']
        >>> unsupported(sympy.erf(x) * sympy.exp(-x**2))
        set()
    """
    bad: set[str] = set()
    for component in components_of(expr)[0]:
        for node in sympy.preorder_traversal(sympy.sympify(component)):
            if not (isinstance(node, _NODES) or type(node) in NUMBA_FUNCTIONS):
                bad.add(getattr(node, "func", type(node)).__name__)
    return bad


def _loop_body(
    expr: sympy.Basic, wrt: tuple[sympy.Symbol, ...], cse: bool
) -> tuple[list[str], list[str]]:
    """(temporaries, component values) as scalar code in ``_x0, _x1, ...``, printed from
    the stable forms (:func:`~symml.compile.printer.stable_components`)."""
    return print_cse(stable_components(expr), wrt, cse, NumbaPrinter())


_HELPERS = '''

def _real(a, name):
    a = numpy.asarray(a)
    if a.dtype.kind not in "biuf":
        raise TypeError(f"{name}: this function takes real numbers, got dtype {a.dtype}")
    return a.astype(numpy.float64, copy=False)


def _flat(a, shape):
    """(values, step): a full C-ordered vector (step 1) or one value (step 0)."""
    if a.size == 1:
        return a.reshape(1), 0
    if a.size and not any(a.strides):  # one value seen through a broadcast view
        return a[(0,) * a.ndim].reshape(1), 0
    return numpy.ascontiguousarray(numpy.broadcast_to(a, shape)).reshape(-1), 1
'''


def module_source(expr: sympy.Basic, wrt: tuple[sympy.Symbol, ...], cse: bool, name: str) -> str:
    """The source of a module (NumPy and numba only) defining ``name`` and ``name_packed``.

    Examples:
        >>> import sympy
        >>> x, y = sympy.symbols("x y")
        >>> src = module_source(sympy.sin(x) * y, (x, y), False, "f")
        >>> "numba.prange" in src and "def f(x, y):" in src and "def f_packed(X):" in src
        True
    """
    components, shape = components_of(expr)
    args = arg_names(wrt)
    temps, values = _loop_body(expr, wrt, cse)
    width = len(components)
    kernel, packed_kernel = f"_{name}_kernel", f"_{name}_kernel_packed"
    flat = [f"_a{i}, _s{i}" for i in range(len(args))]
    loop = [
        *(f"        {t}" for t in temps),
        *(f"        _out[_i, {k}] = {v}" for k, v in enumerate(values)),
    ]
    formula = sympy.sstr(expr.tolist() if isinstance(expr, sympy.MatrixBase) else expr)
    doc = f"{name}({', '.join(args)}) = {formula}"
    call = ", ".join([*(f"*_flat({a}, _shape)" for a in args), "_out"])
    shapes = ", ".join(f"{a}.shape" for a in args)
    lines = [
        "import math",
        "",
        "import numba",
        "import numpy",
        "",
        "",
        _JIT,
        f"def {kernel}({', '.join([*flat, '_out'])}):",
        "    for _i in numba.prange(_out.shape[0]):",
        *(f"        _x{i} = _a{i}[_i * _s{i}]" for i in range(len(args))),
        *loop,
        "",
        "",
        _JIT,
        f"def {packed_kernel}(_X, _out):",
        "    for _i in numba.prange(_out.shape[0]):",
        *(f"        _x{i} = _X[_i, {i}]" for i in range(len(args))),
        *loop,
        _HELPERS,
        "",
        f"def {name}({', '.join(args)}):",
        f"    {doc!r}",
        *(f"    {a} = _real({a}, {a!r})" for a in args),
        f"    _shape = numpy.broadcast_shapes({shapes})",
        f"    _out = numpy.empty((math.prod(_shape), {width}))",
        f"    {kernel}({call})",
        f"    return _out.reshape(_shape + {shape!r})",
        "",
        "",
        f"def {name}_packed(X):",
        f"    {('packed form: ' + name + '(X[..., 0], X[..., 1], ...)')!r}",
        "    X = _real(X, 'X')",
        "    _shape = X.shape[:-1]",
        "    _n = math.prod(_shape)",
        f"    _out = numpy.empty((_n, {width}))",
        f"    {packed_kernel}(numpy.ascontiguousarray(X.reshape(_n, X.shape[-1])), _out)",
        f"    return _out.reshape(_shape + {shape!r})",
        "",
    ]
    return "\n".join(lines)


def cache_dir() -> Path:
    """Where generated modules (and numba's cached machine code) live.

    ``$SYMML_CACHE_DIR`` if set, else ``~/.cache/symml``; the modules go in ``numba/``.

    Examples:
        >>> cache_dir().name
        'numba'
    """
    root = os.environ.get("SYMML_CACHE_DIR") or Path.home() / ".cache" / "symml"
    return Path(root) / "numba"


_MODULES: dict[str, ModuleType] = {}


def _write_once(path: Path, source: str) -> None:
    """Write ``source`` atomically unless the file already holds it (keeps numba's index valid)."""
    if path.exists() and path.read_text(encoding="utf-8") == source:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(source)
    os.replace(tmp, path)


def _load(source: str) -> ModuleType:
    """Import ``source`` from a file named by its hash in the cache directory."""
    digest = hashlib.sha256(source.encode()).hexdigest()[:32]
    if digest in _MODULES:
        return _MODULES[digest]
    modname = f"symml_numba_{digest}"
    try:
        path = cache_dir() / f"{modname}.py"
        _write_once(path, source)
    except OSError:  # an unwritable cache directory: a private temporary one still works
        path = Path(tempfile.mkdtemp(prefix="symml-numba-")) / f"{modname}.py"
        _write_once(path, source)
    spec = importlib.util.spec_from_file_location(modname, path)
    if spec is None or spec.loader is None:  # pragma: no cover - a .py path always has one
        raise ImportError(f"cannot import the generated module {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[modname] = module  # numba's disk cache re-imports the module by name
    spec.loader.exec_module(module)
    _MODULES[digest] = module
    return module


class BlockFunction:
    """A picklable stand-in for a numba-backend function (for Dask tasks on any worker).

    It carries only the generated source and rebuilds the function where it runs (from
    that worker's disk cache when it has one); calls are serialised by
    :data:`KERNEL_LOCK` so a threaded worker never launches two parallel kernels at once.
    """

    def __init__(self, source: str) -> None:
        self.source = source

    def __call__(self, *blocks: np.ndarray) -> np.ndarray:
        fn = _load(self.source).f
        with KERNEL_LOCK:
            return fn(*blocks)


def _have_numba() -> bool:
    return importlib.util.find_spec("numba") is not None


def _fallback_reason(expr: sympy.Basic) -> str | None:
    if not _have_numba():
        return "numba is not installed (pip install 'symml[fast]')"
    bad = unsupported(expr)
    if bad:
        return f"numba cannot evaluate {', '.join(sorted(bad))}"
    return None


def build(
    expr: sympy.Basic, wrt: tuple[sympy.Symbol, ...], cse: bool
) -> tuple[str, Callable[..., np.ndarray], Callable[[ArrayLike], np.ndarray]] | str:
    """(source, function, packed function) of the numba backend, or why to fall back.

    The main kernel is compiled here, on empty inputs (the only signature it is called
    with: float64 vectors), so that numba's typing or lowering errors surface now (the
    packed kernel runs the same loop body and compiles on its first call). A
    reason (a ``str``: what numba lacks, or numba's error) tells the caller to use the
    NumPy backend and warn, so an expression numba cannot compile never crashes a call
    and never gives a wrong number.

    Examples:
        >>> import sympy
        >>> x = sympy.Symbol("x")
        >>> source, f, f_packed = build(sympy.exp(-x**2), (x,), False)
        >>> float(f(0.0))
        1.0
        >>> float(build(2**70 * x, (x,), False)[1](0.5)) == 2.0**69
        True
        >>> build(sympy.besselj(0, x), (x,), False)
        'numba cannot evaluate besselj'
    """
    reason = _fallback_reason(expr)
    if reason is not None:
        return reason
    try:
        source = module_source(expr, wrt, cse, "f")
        module = _load(source)
        with warnings.catch_warnings():  # numba's own performance notes are not ours
            warnings.simplefilter("ignore")
            module.f(*(np.empty(0) for _ in wrt))
    except Exception as exc:  # numba's errors have many classes
        first = str(exc).strip().splitlines()
        text = next(
            (line for line in first if "Error" in line or "error" in line),
            first[0] if first else "",
        )
        return (
            f"numba could not compile it ({type(exc).__name__}: "
            f"{_ANSI.sub('', text).strip()[:160]})"
        )
    return source, module.f, module.f_packed


def save_source(
    expr: sympy.Basic, wrt: tuple[sympy.Symbol, ...], cse: bool, name: str, version: str
) -> str:
    """The text :meth:`~symml.compile.NumericFunction.save` writes for this backend
    (header + module), for a ``name`` that
    :func:`~symml.compile.printer.function_name_problem` accepts.

    Raises:
        ValueError: For a name that does not start with a letter, or is a builtin or a
            module the saved code imports.

    Examples:
        >>> import sympy
        >>> x = sympy.Symbol("x")
        >>> src = save_source(x + 1, (x,), False, "g", "1.0")
        >>> "Generated by symml 1.0: g(x)." in src and "def g(x):" in src
        True
    """
    if not is_plain_name(name):
        raise ValueError(
            f"name {name!r} is not a usable function name for the numba "
            "backend (a letter first; not a builtin or module name)"
        )
    if name in ("numba", "numpy", "math"):
        raise ValueError(f"name {name!r} would shadow a module the saved code imports")
    header = (
        f'"""Generated by symml {version}: {name}({", ".join(arg_names(wrt))}).\n\n'
        "Needs NumPy and numba only. One fused loop over the points, parallel over cores.\n"
        '"""\n\n'
    )
    return header + module_source(expr, wrt, cse, name)
