"""Monte Carlo past one machine's memory: draws in chunks, combined exactly.

* :func:`chunked_monte_carlo` draws ``n`` values chunk by chunk and keeps only three
  numbers per chunk (count, sum, sum of squared deviations from the chunk's mean), combined
  exactly by Chan's parallel formula, so memory is bounded by one chunk whatever ``n`` is.
  Chunk ``k`` draws from ``SeedSequence.spawn``'s ``k``-th child of the seed, and the
  chunks are combined in index order, so the estimate for a seed is the same bit for bit
  however many workers ran it and in whatever order they finished. With a
  ``dask.distributed`` client the chunks run on the cluster, unchanged.
* :func:`chunked_sample` is the same stream of draws as a lazy Dask array.

Dask is imported only inside the functions that need it.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from symml.derivation import RngLike, as_rng

__all__ = ["chunked_monte_carlo", "chunked_sample", "combine"]

#: ``draw(size, rng)``: the values at ``size`` independent draws made with ``rng``.
ChunkDraw = Callable[[int, np.random.Generator], ArrayLike]
#: A chunk's summary: (count, sum, sum of squared deviations from the chunk's mean).
Stats = tuple[int, float, float]

#: How many chunks may be in flight on a client at once (bounds the scheduler's memory:
#: chunks are submitted lazily, one more each time the oldest result comes back).
_BATCH = 256


def _root(rng: RngLike) -> np.random.SeedSequence:
    """The SeedSequence whose children seed the chunks.

    An int (or ``None``) seeds it directly; a SeedSequence is used as it is (its next
    children seed the chunks). A Generator spawns a child of its own seed sequence, so a
    fresh ``default_rng(seed)`` always gives the same chunks while two calls with one
    Generator give independent estimates.
    """
    if isinstance(rng, np.random.SeedSequence):
        return rng
    if rng is None or isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        return np.random.SeedSequence(rng)
    gen = as_rng(rng)
    seq = getattr(gen.bit_generator, "seed_seq", None)
    if isinstance(seq, np.random.SeedSequence):
        return seq.spawn(1)[0]
    return np.random.SeedSequence(gen.integers(2**63, size=4))  # pragma: no cover


def _sizes(n: int, chunk_size: int) -> Iterator[int]:
    """Chunk sizes, one at a time: ``chunk_size`` each, the last one what remains (no list
    of 10⁷ chunks is built)."""
    full, rest = divmod(n, chunk_size)
    for _ in range(full):
        yield chunk_size
    if rest:
        yield rest


def _check_sizes(n: Any, chunk_size: Any) -> tuple[int, int]:
    for name, value in (("n", n), ("chunk_size", chunk_size)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"{name} must be an int, got {value!r}")
        if value < 1:
            raise ValueError(f"{name} must be at least 1, got {value}")
    return int(n), int(chunk_size)


def _values(draw: ChunkDraw, size: int, seed: np.random.SeedSequence) -> np.ndarray:
    values = np.asarray(draw(size, np.random.default_rng(seed)))
    if values.shape != (size,):
        raise ValueError(
            f"draw(size, rng) must return an array of shape ({size},), got shape {values.shape}"
        )
    if values.dtype.kind not in "biuf":
        raise TypeError(f"draw(size, rng) must return real numbers, got dtype {values.dtype}")
    values = values.astype(np.float64, copy=False)
    if not np.isfinite(values).all():
        raise ValueError(
            "draw(size, rng) gave non-finite values: the mean is not estimable by Monte Carlo"
        )
    return values


def _chunk_stats(draw: ChunkDraw, size: int, seed: np.random.SeedSequence) -> Stats:
    """(count, sum, sum of squared deviations) of one chunk of draws."""
    values = _values(draw, size, seed)
    total = float(values.sum())
    deviations = values - total / size
    return size, total, float(np.dot(deviations, deviations))


def combine(a: Stats, b: Stats) -> Stats:
    """Chan et al.'s exact pairwise update of (count, sum, sum of squared deviations).

    Examples:
        >>> x = np.array([1.0, 2.0, 4.0, 7.0])
        >>> def stats(v): return len(v), v.sum(), ((v - v.mean()) ** 2).sum()
        >>> n, s, m2 = combine(stats(x[:1]), stats(x[1:]))
        >>> (n, s, m2) == stats(x)
        True
    """
    (na, sa, ma), (nb, sb, mb) = a, b
    if na == 0:
        return b
    if nb == 0:
        return a
    delta = sb / nb - sa / na
    return na + nb, sa + sb, ma + mb + delta * delta * na * nb / (na + nb)


def _child(root: np.random.SeedSequence, k: int) -> np.random.SeedSequence:
    """The ``k``-th child ``root.spawn`` would give next, made without spawning the others."""
    return np.random.SeedSequence(
        root.entropy,
        pool_size=root.pool_size,
        spawn_key=(*root.spawn_key, root.n_children_spawned + k),
    )


def _seeds(root: np.random.SeedSequence, count: int) -> Iterator[np.random.SeedSequence]:
    """The children ``root.spawn(count)`` would give, one at a time (no list of 10⁵ chunks)."""
    for k in range(count):
        yield _child(root, k)


def _summaries(
    draw: ChunkDraw,
    sizes: Iterable[int],
    seeds: Iterator[np.random.SeedSequence],
    client: Any,
) -> Iterator[Stats]:
    """Each chunk's statistics, in chunk order (the order fixes the rounding).

    Nothing is listed up front: on a client, at most :data:`_BATCH` chunks are in flight,
    and the next is submitted when the oldest one's result has been taken.
    """
    chunks = zip(sizes, seeds, strict=False)
    if client is None:
        for size, seed in chunks:
            yield _chunk_stats(draw, size, seed)
        return
    in_flight: deque[Any] = deque()
    for size, seed in chunks:
        in_flight.append(client.submit(_chunk_stats, draw, size, seed, pure=False))
        if len(in_flight) >= _BATCH:
            yield in_flight.popleft().result()
    while in_flight:
        yield in_flight.popleft().result()


def chunked_monte_carlo(
    draw: ChunkDraw,
    n: int,
    *,
    rng: RngLike,
    chunk_size: int,
    client: Any = None,
) -> tuple[float, float, int]:
    """Monte Carlo mean of ``n`` draws in chunks: bounded memory, reproducible, distributable.

    Args:
        draw: ``draw(size, rng) -> ndarray`` of shape ``(size,)``: the values of the
            expression at ``size`` independent draws made with the Generator ``rng``.
        n: How many draws in all (any size: only one chunk is in memory at a time per worker).
        rng: An int seed, ``None``, a ``SeedSequence`` or a ``numpy.random.Generator``.
            Chunk ``k`` draws from the ``k``-th child of its seed sequence.
        chunk_size: Draws per chunk.
        client: A ``dask.distributed.Client`` to run the chunks on (``None``: this process).

    Returns:
        ``(mean, stderr, n)``, where ``stderr`` is the sample standard deviation over
        ``sqrt(n)``. The same seed gives the same numbers with or without a client, on any
        number of workers.

    Raises:
        TypeError: If ``n`` or ``chunk_size`` is not an int, or ``draw`` returns
            non-real values.
        ValueError: If ``n`` or ``chunk_size`` is below 1, or ``draw`` returns the wrong
            shape or non-finite values.

    Examples:
        >>> draw = lambda size, rng: rng.uniform(size=size)
        >>> mean, stderr, n = chunked_monte_carlo(draw, 10_000, rng=0, chunk_size=3_000)
        >>> abs(mean - 0.5) < 4 * stderr, n
        (True, 10000)
        >>> chunked_monte_carlo(draw, 10_000, rng=0, chunk_size=3_000)[0] == mean
        True
    """
    n, chunk_size = _check_sizes(n, chunk_size)
    chunks = -(-n // chunk_size)
    total: Stats = (0, 0.0, 0.0)
    for stats in _summaries(draw, _sizes(n, chunk_size), _seeds(_root(rng), chunks), client):
        total = combine(total, stats)
    count, s, m2 = total
    variance = m2 / (count - 1) if count > 1 else math.nan
    return s / count, math.sqrt(variance / count), count


def _draw_block(
    draw: ChunkDraw,
    root: np.random.SeedSequence,
    sizes: tuple[int, ...],
    block_id: tuple[int, ...] | None = None,
) -> np.ndarray:
    (k,) = block_id if block_id is not None else (0,)
    return _values(draw, sizes[k], _child(root, k))


def chunked_sample(draw: ChunkDraw, size: int, *, rng: RngLike, chunk_size: int) -> Any:
    """``size`` draws as a lazy Dask array, chunk ``k`` drawn from the seed's ``k``-th child.

    The chunks are the very draws :func:`chunked_monte_carlo` averages for the same seed
    and chunk size.

    Args:
        draw: ``draw(size, rng) -> ndarray`` of shape ``(size,)``.
        size: How many draws.
        rng: An int seed, ``None``, a ``SeedSequence`` or a ``numpy.random.Generator``.
        chunk_size: Draws per chunk (the Dask array's chunk length).

    Returns:
        A ``dask.array.Array`` of shape ``(size,)``, float64; nothing is drawn until computed.
    """
    import dask.array as da

    size, chunk_size = _check_sizes(size, chunk_size)
    sizes = tuple(_sizes(size, chunk_size))  # a dask array lists its chunks
    return da.map_blocks(
        _draw_block, draw, _root(rng), sizes, chunks=(sizes,), dtype=np.float64, meta=np.empty(0)
    )
