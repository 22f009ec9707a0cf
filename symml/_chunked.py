"""Past one machine's memory: compiled functions on Dask arrays.

:func:`call_dask` is what :class:`~symml.compile.NumericFunction` does when an argument is
a Dask array: one task per block, lazily, with the result's trailing axes added. (Chunked
Monte Carlo and chunked draws are in :mod:`symml.probability.chunks`.)

Dask is imported only inside the functions that need it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

__all__ = ["call_dask", "is_dask"]


def is_dask(a: Any) -> bool:
    """Whether ``a`` is a Dask collection (checked without importing dask).

    Examples:
        >>> is_dask(np.zeros(3))
        False
    """
    return type(a).__module__.split(".", 1)[0] == "dask"


def call_dask(fn: Any, args: Sequence[Any]) -> Any:
    """Evaluate a NumericFunction block by block on Dask arrays (lazily).

    The arguments (Dask arrays, NumPy arrays or scalars) are broadcast together and
    rechunked to common blocks; each output block is ``fn`` of the input blocks, with the
    result axes (``fn.result_shape``) as trailing single-chunk axes.

    Args:
        fn: A :class:`~symml.compile.NumericFunction`.
        args: One argument per variable, at least one of them a Dask array.

    Returns:
        A Dask array of shape ``broadcast_shape + fn.result_shape``.
    """
    import dask.array as da

    arrays = da.broadcast_arrays(*(a if is_dask(a) else da.asarray(np.asarray(a)) for a in args))
    ndim = arrays[0].ndim
    result = tuple(fn.result_shape)
    evaluate: Callable[..., np.ndarray] = fn._fn
    if fn.backend == "numba":  # picklable, one parallel kernel at a time per process
        from symml._numba_backend import BlockFunction

        evaluate = BlockFunction(fn.source)
    empty = evaluate(*(np.empty((0,) * ndim) for _ in arrays))
    return da.map_blocks(
        evaluate,
        *arrays,
        chunks=arrays[0].chunks + tuple((d,) for d in result),
        new_axis=list(range(ndim, ndim + len(result))) or None,
        dtype=empty.dtype,
        meta=np.empty((0,) * (ndim + len(result)), dtype=empty.dtype),
    )
