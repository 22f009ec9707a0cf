r"""The element-wise functions of the engine: their derivatives, NumPy code and LaTeX.

Inside the engine an element-wise function of a matrix is a scalar SymPy expression in
dummy symbols applied entry by entry (:class:`~symml.matrixcalc.tensor.Map`). The ML
functions get names of their own here (:class:`sigmoid`, :class:`softplus`,
:class:`relu`), so that SymPy differentiates them into σ(u)(1 − σ(u)) and σ(u) rather
than into fractions of exponentials; :func:`name_functions` recognises them in what a
user wrote (``1/(1 + exp(-u))``, ``log(1 + exp(u))``, ``Max(0, u)``) and
:func:`plain` writes them back in plain SymPy for the results.

:data:`FUNCTIONS` is the one table of the element-wise functions a result may contain:
SymPy class → (NumPy code template, LaTeX macro).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sympy

__all__ = ["FUNCTIONS", "name_functions", "plain", "relu", "sigmoid", "softplus"]


class sigmoid(sympy.Function):  # a SymPy function is named like one
    """The logistic function σ(u) = 1/(1 + e^{−u}), with σ' = σ(1 − σ)."""

    def fdiff(self, argindex: int = 1) -> Any:
        s = sigmoid(self.args[0])
        return s * (1 - s)

    def _eval_rewrite_as_exp(self, u: Any, **kwargs: Any) -> Any:
        return 1 / (1 + sympy.exp(-u))

    def _latex(self, printer: Any) -> str:
        return rf"\sigma\left({printer._print(self.args[0])}\right)"


class softplus(sympy.Function):
    """softplus(u) = log(1 + e^u), with softplus' = σ."""

    def fdiff(self, argindex: int = 1) -> Any:
        return sigmoid(self.args[0])

    def _eval_rewrite_as_exp(self, u: Any, **kwargs: Any) -> Any:
        return sympy.log(1 + sympy.exp(u))


class relu(sympy.Function):
    """relu(u) = max(0, u), with relu' = H(u) (the step function)."""

    def fdiff(self, argindex: int = 1) -> Any:
        return sympy.Heaviside(self.args[0])

    def _eval_rewrite_as_exp(self, u: Any, **kwargs: Any) -> Any:
        return sympy.Max(0, u)


def _match_sigmoid(e: Any) -> Any:
    # 1/(1 + exp(-a)) → σ(a)
    if e.is_Pow and e.exp == -1 and e.base.is_Add and len(e.base.args) == 2:
        one, other = sorted(e.base.args, key=lambda t: not t.is_Number)
        if one == 1 and isinstance(other, sympy.exp):
            return sigmoid(-other.args[0])
    return None


def _match_softplus(e: Any) -> Any:
    # log(1 + exp(a)) → softplus(a)
    if isinstance(e, sympy.log) and e.args[0].is_Add and len(e.args[0].args) == 2:
        one, other = sorted(e.args[0].args, key=lambda t: not t.is_Number)
        if one == 1 and isinstance(other, sympy.exp):
            return softplus(other.args[0])
    return None


def _match_relu(e: Any) -> Any:
    if isinstance(e, sympy.Max) and len(e.args) == 2 and sympy.S.Zero in e.args:
        return relu(next(a for a in e.args if a != 0))
    return None


_MATCHERS: tuple[Callable[[Any], Any], ...] = (_match_sigmoid, _match_softplus, _match_relu)


def _named(e: Any) -> Any:
    for match in _MATCHERS:
        out = match(e)
        if out is not None:
            return out
    return None


def name_functions(expr: Any) -> Any:
    """``expr`` with σ, softplus and relu written by name.

    Examples:
        >>> u = sympy.Symbol("u")
        >>> name_functions(sympy.log(1 + sympy.exp(-u)) + 1 / (1 + sympy.exp(-2 * u)))
        sigmoid(2*u) + softplus(-u)
    """
    return expr.replace(lambda e: _named(e) is not None, _named)


def plain(expr: Any) -> Any:
    """``expr`` with the named functions written in plain SymPy again.

    Examples:
        >>> plain(sigmoid(sympy.Symbol("u")))
        1/(1 + exp(-u))
    """
    return expr.rewrite(sympy.exp) if expr.has(sigmoid, softplus, relu) else expr


#: The element-wise functions a result may contain: SymPy class → (NumPy code with ``{}``
#: for the argument, LaTeX macro). Asserted complete by the tests: every function the
#: engine differentiates into appears here.
FUNCTIONS: dict[type, tuple[str, str]] = {
    sympy.exp: ("numpy.exp({})", r"\exp"),
    sympy.log: ("numpy.log({})", r"\log"),
    sympy.tanh: ("numpy.tanh({})", r"\tanh"),
    sympy.sin: ("numpy.sin({})", r"\sin"),
    sympy.cos: ("numpy.cos({})", r"\cos"),
    sympy.Abs: ("numpy.abs({})", r"\operatorname{abs}"),
    sympy.sign: ("numpy.sign({})", r"\operatorname{sign}"),
    sympy.Heaviside: ("numpy.heaviside({}, 0.5)", r"\operatorname{step}"),
    sigmoid: ("numpy.exp(-numpy.logaddexp(0.0, -({})))", r"\sigma"),
    softplus: ("numpy.logaddexp(0.0, {})", r"\operatorname{softplus}"),
    relu: ("numpy.maximum({}, 0.0)", r"\operatorname{relu}"),
}
