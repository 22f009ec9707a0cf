"""The exception classes of symml.

Bad user input raises built-in ``ValueError``/``TypeError`` (or a subclass such as
:class:`ParseError`) whose message names the offending input. The library's own limits
raise :class:`SymmlError` subclasses.
"""

from __future__ import annotations

__all__ = [
    "DerivationTimeout",
    "NoClosedFormError",
    "NoConvergenceError",
    "NotSupportedError",
    "ParseError",
    "SymmlError",
    "VerificationError",
]


class SymmlError(Exception):
    """Base class of every error that symml raises for its own limits."""


class ParseError(SymmlError, ValueError):
    """A string could not be parsed safely.

    Attributes:
        text: The text that was being parsed.
        position: The 1-based column of the offending token (0 when unknown).
        token: The offending token, as it appears in the text.

    Examples:
        >>> err = ParseError("unexpected token", text="2x", position=2, token="x")
        >>> err.position
        2
        >>> isinstance(err, ValueError)
        True
    """

    def __init__(self, message: str, *, text: str = "", position: int = 0, token: str = "") -> None:
        self.text = text
        self.position = position
        self.token = token
        where = f" at column {position}" if position else ""
        tok = f" (token {token!r})" if token else ""
        super().__init__(f"{message}{where}{tok}")


class NoClosedFormError(SymmlError):
    """SymPy found no closed form (e.g. an indefinite integral it cannot do)."""


class NoConvergenceError(NoClosedFormError):
    """A numeric method found no trustworthy value: the integral or series may diverge.

    Raised instead of returning a number whose error estimate is as large as the number
    itself (quadrature of ∫₀¹ 1/x dx, or of E[T²] for a Student t with one degree of freedom).
    """


class DerivationTimeout(SymmlError, TimeoutError):
    """A symbolic computation ran past its time limit and no numeric fallback applies."""


class NotSupportedError(SymmlError, NotImplementedError):
    """symml cannot compute this correctly, so it refuses rather than answer wrongly."""


class VerificationError(SymmlError, AssertionError):
    """A numeric check of a symbolic result failed."""
