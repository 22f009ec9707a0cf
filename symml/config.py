"""Frozen defaults shared by the whole library.

``symml.config`` is an instance of :class:`Config`; it cannot be mutated. Use
:func:`dataclasses.replace` to build a different one for your own calls, or pass the
keyword options (``timeout=``, ``cse=``, ``rtol=``) that each function takes.

Examples:
    >>> from symml.config import config
    >>> config.timeout
    10.0
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["NO_LIMIT", "Config", "config"]

#: The ``timeout`` that means "no limit", in every function that takes one
#: (``timeout=None`` means ``config.timeout``).
NO_LIMIT: float = math.inf


@dataclass(frozen=True)
class Config:
    """Library-wide defaults.

    Attributes:
        timeout: Seconds a potentially unbounded SymPy call may run: what ``timeout=None``
            means in every function (``timeout=NO_LIMIT`` means no limit).
        cse_min_ops: ``cse="auto"`` shares subexpressions when the expression has at
            least this many operations.
        verify_rtol: Relative tolerance of numeric checks.
        verify_points: Random points a ``verify()`` evaluates.
        max_parse_length: Longest string :func:`symml.parse` accepts.
        max_parse_depth: Deepest nesting :func:`symml.parse` accepts.
        ml_display: Show results with σ (sigmoid), softplus and tanh recognised where they
            hide in ``exp`` (:func:`symml.display.ml_form`), in LaTeX, steps and plain text: a
            display form only, the ``result`` itself is unchanged. Switch it for a block of
            code with :func:`symml.display.ml_display`.
    """

    timeout: float = 10.0
    cse_min_ops: int = 8
    verify_rtol: float = 1e-6
    verify_points: int = 5
    max_parse_length: int = 20_000
    max_parse_depth: int = 100
    ml_display: bool = True


config = Config()
