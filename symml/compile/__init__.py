"""Compiling SymPy results into fast callables, and exporting them as modules.

:func:`to_numpy` prints a SymPy tree (never a user's string) into the source of a Python
function that uses NumPy only (plus ``scipy.special`` for special functions), shares
common subexpressions, broadcasts its arguments together and stacks vector and matrix
results into trailing axes. Argument names are sanitised: a symbol whose name is not a
plain identifier, is a keyword, shadows a builtin or a module the code uses, is renamed
``arg0, arg1...``; internal names start with an underscore and never clash with them.

The package, one module per concern:

* :mod:`~symml.compile.stability`: the numerically stable forms (softplus, expit,
  log-sum-exp, softmax, log1p, expm1) every backend prints, in one rewrite pass;
* :mod:`~symml.compile.functions`: one function table per backend (SymPy function ->
  the library's spelling), each with exactly the NumPy table's keys;
* :mod:`~symml.compile.printer`: the printer core every backend shares (argument names,
  common subexpressions, the SymPy printer rules, a printer per backend);
* :mod:`~symml.compile.numpy_backend`: :func:`to_numpy`, :class:`NumericFunction` (any
  backend's compiled function), the generated NumPy module and its export;
* :mod:`~symml.compile.array_modules`: the generated JAX, PyTorch and array-API modules;
  :mod:`~symml.compile.jax_backend` (:func:`to_jax`) and
  :mod:`~symml.compile.torch_backend` (:func:`to_torch`); those libraries are imported
  by the generated code only;
* :mod:`~symml.compile.lowering`: the NumPy backend's batch path (affine forms by one
  BLAS product, ufuncs into reused buffers);
* :mod:`~symml.compile.objective`: :func:`value_and_gradient`, the optimisers' fused
  objective;
* :mod:`~symml.compile.numba_backend`: ``backend="numba"`` (one fused parallel loop;
  numba is imported only by the generated code);
* :mod:`~symml.compile.dask_arrays`: compiled functions on Dask arrays, block by block.
"""

from __future__ import annotations

from symml.compile.jax_backend import to_jax
from symml.compile.numpy_backend import BACKENDS, NumericFunction, compile_function, to_numpy
from symml.compile.objective import value_and_gradient
from symml.compile.printer import (
    LARGE_TREE,
    MAX_UNROLLED_TERMS,
    common_subexpressions,
    float_literal,
    function_name_problem,
)
from symml.compile.torch_backend import to_torch

__all__ = [
    "BACKENDS",
    "LARGE_TREE",
    "MAX_UNROLLED_TERMS",
    "NumericFunction",
    "common_subexpressions",
    "compile_function",
    "float_literal",
    "function_name_problem",
    "to_jax",
    "to_numpy",
    "to_torch",
    "value_and_gradient",
]
