"""Compiled functions on Dask arrays: one task per block, lazily.

:class:`~symml.compile.NumericFunction` calls :func:`call_dask` when an argument is a Dask
array (it checks ``"dask.array" in sys.modules`` first, so a process without Dask pays
nothing). Dask is imported only inside :func:`call_dask`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["call_dask", "is_dask"]


def is_dask(a: object) -> bool:
    """Whether ``a`` is a Dask collection (checked without importing dask).

    Examples:
        >>> is_dask(np.zeros(3))
        False
    """
    return type(a).__module__.split(".", 1)[0] == "dask"


def call_dask(
    evaluate: Callable[..., np.ndarray], result_shape: tuple[int, ...], args: Sequence[ArrayLike]
) -> Any:
    """Evaluate a compiled function block by block on Dask arrays (lazily).

    The arguments (Dask arrays, NumPy arrays or scalars) are broadcast together and
    rechunked to common blocks; each output block is ``evaluate`` of the input blocks, with
    the result axes (``result_shape``) as trailing single-chunk axes.

    Args:
        evaluate: The function of one array per variable (picklable, for a cluster),
            returning ``broadcast_shape + result_shape``.
        result_shape: The shape of one value of the result.
        args: One argument per variable, at least one of them a Dask array.

    Returns:
        A ``dask.array.Array`` of shape ``broadcast_shape + result_shape``.
    """
    import dask.array as da

    arrays = da.broadcast_arrays(*(a if is_dask(a) else da.asarray(np.asarray(a)) for a in args))
    ndim = arrays[0].ndim
    result = tuple(result_shape)
    empty = evaluate(*(np.empty((0,) * ndim) for _ in arrays))
    return da.map_blocks(
        evaluate,
        *arrays,
        chunks=arrays[0].chunks + tuple((d,) for d in result),
        new_axis=list(range(ndim, ndim + len(result))) or None,
        dtype=empty.dtype,
        meta=np.empty((0,) * (ndim + len(result)), dtype=empty.dtype),
    )
