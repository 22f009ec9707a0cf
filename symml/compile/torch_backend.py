"""The PyTorch backend: :func:`to_torch`.

The generated module (:data:`~symml.compile.array_modules.TORCH`) is ``torch`` code
printed from the stable SymPy tree by :class:`~symml.compile.printer.TorchPrinter`; every
operation is differentiable by ``torch.autograd``. Its arguments become tensors of one
floating dtype (theirs: float32 stays float32; float64 when none is floating) on the first
tensor's device, so it runs on a GPU when its arguments are there. PyTorch is imported by
the generated code only.
"""

from __future__ import annotations

from symml.compile.numpy_backend import NumericFunction, compile_function
from symml.derivation import ExprLike, WrtLike

__all__ = ["to_torch"]


def to_torch(expr: ExprLike, wrt: WrtLike = None) -> NumericFunction:
    """Compile an expression, matrix or Derivation into a PyTorch function.

    Args:
        expr: A SymPy expression/Matrix, a ``str``, a Derivation, or a nested list.
        wrt: The argument order, as for :func:`~symml.compile.to_numpy` (the other free
            symbols follow, sorted by name).

    Returns:
        A cached :class:`~symml.compile.NumericFunction` (``backend="torch"``) of tensors
        (numbers and NumPy arrays are accepted too), returning a tensor of shape
        ``broadcast_shape + result_shape`` on the arguments' device, in their dtype.

    Raises:
        NotSupportedError: For a function PyTorch has no form of (Bessel functions...).

    Examples:
        >>> import symml as sm, torch
        >>> f = sm.to_torch("x**2*y", "x, y")
        >>> x = torch.tensor(3.0, dtype=torch.float64, requires_grad=True)
        >>> f(x, 2.0).backward()
        >>> float(x.grad)
        12.0
    """
    return compile_function(expr, wrt, backend="torch")
