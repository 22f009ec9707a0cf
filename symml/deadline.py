"""Running a SymPy call under a time limit.

SymPy's integrator, simplifier and solver can run for minutes or forever on some inputs.
:func:`run_limited` runs such a call in a forked child process and kills it when the
time limit expires, so a hung call never holds the caller past its ``timeout``. Where
``fork`` is unavailable it falls back to an interval timer in the main thread, and to
an unbounded call as a last resort (said in the docstring, never silent about results).

One meaning of ``timeout`` holds in every function of symml: a number of seconds;
``None`` means ``config.timeout``; :data:`~symml.config.NO_LIMIT` (``math.inf``) means no
limit. :func:`resolve_timeout` applies that rule, once per operation, when the operation
starts its :class:`Deadline`; the deadline then shares that one budget between all the
limited calls the operation makes (the levels of an iterated integral, ``solve`` then the
Hessian eigenvalues). A limited call made inside a worker runs in place: the outer limit
already bounds it.
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import os
import pickle
import signal
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from symml.config import config
from symml.errors import DerivationTimeout, NotSupportedError

__all__ = ["Deadline", "portable_exception", "resolve_timeout", "run_limited"]

T = TypeVar("T")

#: True inside a worker process of :func:`run_limited`: nested limited calls then run in
#: place (a daemonic worker may not fork again, and the outer limit already bounds them).
_IN_WORKER = False


def resolve_timeout(timeout: float | None = None) -> float:
    """The seconds a call may take: ``timeout`` itself, ``config.timeout`` for ``None``,
    ``math.inf`` (:data:`~symml.config.NO_LIMIT`) for no limit.

    Raises:
        ValueError: For a value that is not a positive number of seconds (nan, 0, -1, a str).

    Examples:
        >>> resolve_timeout(2.5)
        2.5
        >>> resolve_timeout(None) == config.timeout
        True
        >>> resolve_timeout(math.inf)
        inf
        >>> resolve_timeout(float("nan"))
        Traceback (most recent call last):
        ...
        ValueError: timeout must be a positive number of seconds, None (config.timeout) or math.inf (no limit), got nan
    """
    if timeout is None:
        return float(config.timeout)
    # not (timeout > 0) also refuses nan
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
        raise ValueError(
            "timeout must be a positive number of seconds, None (config.timeout) or "
            f"math.inf (no limit), got {timeout!r}"
        )
    return float(timeout)


def _round_trips(obj: Any) -> bool:
    """Whether ``obj`` survives pickling (and unpickling: a class may pickle but not load)."""
    try:
        pickle.loads(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))
    except Exception:  # any failure means "cannot be shipped"
        return False
    return True


def portable_exception(exc: BaseException, what: str) -> BaseException:
    """A picklable stand-in for ``exc``, to ship from the worker to the caller.

    ``exc`` itself when it pickles; else the same class rebuilt from its message (SymPy's
    ``TypeError`` carries an unpicklable lazy message); else a
    :class:`~symml.errors.NotSupportedError` naming the original type and message.

    Examples:
        >>> class Odd(Exception):
        ...     def __init__(self, a, b):
        ...         super().__init__(a, b)
        ...         self.hook = lambda: None
        >>> portable_exception(ValueError("bad"), "the call")
        ValueError('bad')
        >>> portable_exception(Odd(1, 2), "the call")
        NotSupportedError('the call failed: Odd: (1, 2)')
    """
    if _round_trips(exc):
        return exc
    try:
        message = str(exc)
    except Exception:  # a message that cannot even be printed
        message = repr(type(exc))
    try:
        clone = type(exc)(message)
    except Exception:  # a class that needs other arguments
        clone = None
    if clone is not None and _round_trips(clone):
        return clone
    return NotSupportedError(f"{what} failed: {type(exc).__name__}: {message}")


def _child(conn: Any, fn: Callable[..., Any], args: tuple, kwargs: dict, what: str) -> None:
    global _IN_WORKER
    _IN_WORKER = True
    try:
        result = ("ok", fn(*args, **kwargs))
    except BaseException as exc:  # shipped back to the parent, re-raised there
        result = ("error", portable_exception(exc, what))
    try:
        payload = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # a result that cannot travel back
        payload = pickle.dumps(
            (
                "error",
                NotSupportedError(
                    f"the result of {what} cannot be passed back from the worker process "
                    f"({type(exc).__name__}: {exc})"
                ),
            )
        )
    conn.send_bytes(payload)
    conn.close()


#: Seconds between the repeated ticks of :func:`run_with_alarm`'s timer.
ALARM_RETRY_SECONDS = 0.1


class _Alarm(Exception):
    pass


def run_with_alarm(
    fn: Callable[..., T],
    timeout: float,
    what: str,
    args: tuple = (),
    kwargs: dict | None = None,
) -> T:
    """``fn(*args, **kwargs)`` in place under an interval timer (main thread only): where
    :func:`run_limited` cannot fork. The timer fires again every
    :data:`ALARM_RETRY_SECONDS` until it is disarmed, so a stop swallowed by a callback
    (of SymPy, the garbage collector or JAX) is raised again at the next tick; once
    ``fn`` is over, a late tick is ignored.

    Raises:
        DerivationTimeout: When the call ran past ``timeout``.

    Examples:
        >>> import time
        >>> try:
        ...     run_with_alarm(time.sleep, 0.1, "sleeping", (5,))
        ... except DerivationTimeout as e:
        ...     print(e)
        sleeping did not finish within 0.1 s
    """
    over = False

    def handler(signum: int, frame: Any) -> None:
        if not over:
            raise _Alarm

    old = signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, timeout, ALARM_RETRY_SECONDS)
    try:
        return fn(*args, **(kwargs or {}))
    except _Alarm:
        raise DerivationTimeout(f"{what} did not finish within {timeout:g} s") from None
    finally:
        over = True
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


@contextlib.contextmanager
def quiet_fork() -> Iterator[None]:
    """Fork without JAX's warning that ``os.fork()`` and its threads may deadlock.

    The worker runs SymPy and pickles its answer; it never touches the threads (or
    the arrays) of JAX, PyTorch or BLAS that the parent may run, so the warning (JAX
    issues it at every fork once JAX is imported) would only alarm a JAX user of symml.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message=r"os\.fork\(\) was called", category=RuntimeWarning
        )
        yield


def run_limited(
    fn: Callable[..., T],
    *args: Any,
    timeout: float | None,
    what: str = "the SymPy call",
    **kwargs: Any,
) -> T:
    """Call ``fn(*args, **kwargs)`` and give up after ``timeout`` seconds.

    The call runs in a forked child process; its result comes back pickled. On expiry
    the child is killed and :class:`~symml.errors.DerivationTimeout` is raised, naming
    ``what``. Exceptions raised by ``fn`` are re-raised in the caller: the same exception
    where it pickles, else a faithful stand-in (:func:`portable_exception`).

    Args:
        fn: The function to call; its result must be picklable (SymPy objects are).
        *args: Positional arguments of ``fn``.
        timeout: Seconds (``None``: ``config.timeout``; ``math.inf``: in-process, no limit).
        what: How to describe the call in the timeout message.
        **kwargs: Keyword arguments of ``fn``.

    Returns:
        What ``fn`` returned.

    Raises:
        DerivationTimeout: When the call ran past ``timeout``.
        NotSupportedError: When ``fn``'s result (or an exception that cannot be rebuilt
            from its message) cannot be passed back from the worker.

    Examples:
        >>> import sympy
        >>> x = sympy.Symbol("x")
        >>> run_limited(sympy.integrate, x**2, x, timeout=5)
        x**3/3
        >>> import time
        >>> try:
        ...     run_limited(time.sleep, 5, timeout=0.2, what="sleeping")
        ... except DerivationTimeout as e:
        ...     print(e)
        sleeping did not finish within 0.2 s
    """
    if _IN_WORKER:
        return fn(*args, **kwargs)
    timeout = config.timeout if timeout is None else timeout
    if math.isinf(timeout):
        return fn(*args, **kwargs)
    if timeout <= 0:
        raise DerivationTimeout(f"{what} did not finish within the time left (0 s)")
    if "fork" not in multiprocessing.get_all_start_methods():
        if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
            return run_with_alarm(fn, timeout, what, args, kwargs)
        return fn(*args, **kwargs)  # no way to bound it on this platform
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, fn, args, kwargs, what), daemon=True)
    deadline = time.monotonic() + timeout
    with quiet_fork():
        proc.start()
    child.close()
    try:
        if not parent.poll(max(0.0, deadline - time.monotonic())):
            raise DerivationTimeout(f"{what} did not finish within {timeout:g} s")
        try:
            status, value = pickle.loads(parent.recv_bytes())
        except EOFError:
            raise NotSupportedError(f"{what} crashed (the worker process exited)") from None
    finally:
        parent.close()
        if proc.is_alive():
            proc.kill()
        proc.join(1.0)
        if proc.is_alive() and proc.pid is not None:  # pragma: no cover - last resort
            os.kill(proc.pid, signal.SIGKILL)
    if status == "error":
        raise value
    return value


class Deadline:
    """One operation's time budget, shared by the limited calls it makes (e.g. the levels
    of an iterated integral). ``timeout`` is resolved once, by :func:`resolve_timeout`.

    Examples:
        >>> d = Deadline(5.0)
        >>> 0 < d.left() <= 5.0
        True
        >>> Deadline(None).timeout == config.timeout
        True
        >>> Deadline(math.inf).left()
        inf
    """

    def __init__(self, timeout: float | None) -> None:
        self.timeout = resolve_timeout(timeout)
        self.end = time.monotonic() + self.timeout

    def left(self, cap: float | None = None) -> float:
        """Seconds left (at most ``cap``); ``math.inf`` when unlimited. Never negative."""
        left = max(0.0, self.end - time.monotonic())
        return left if cap is None else min(left, cap)

    @property
    def expired(self) -> bool:
        """Whether no time is left."""
        return self.left() <= 0.0

    def run(
        self, fn: Callable[..., T], *args: Any, what: str, cap: float | None = None, **kwargs: Any
    ) -> T:
        """:func:`run_limited` with the time left (at most ``cap``); the timeout message
        names the whole budget."""
        left = self.left(cap)
        try:
            return run_limited(fn, *args, timeout=left, what=what, **kwargs)
        except DerivationTimeout:
            budget = self.timeout if cap is None or left < cap else cap
            raise DerivationTimeout(
                f"{what} did not finish within the time limit ({budget:g} s)"
            ) from None
