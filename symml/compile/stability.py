"""Numerically stable forms, in one rewrite pass that every backend prints from.

A derived formula is exact, but its float64 evaluation can overflow where the value is
finite: ``log(exp(a) + exp(b))`` at ``a = 1000`` is ``log(inf)``, the softplus gradient
``exp(x)/(exp(x) + 1)`` at ``x = 800`` is ``inf/inf``. :func:`stabilize` rewrites the SymPy
tree, before any printing, into the functions below, which every backend's function table
spells in a form that is finite wherever the exact value is finite:

=================================  =====================================================
the tree has                       it becomes
=================================  =====================================================
``log(1 + exp(u))``                ``Softplus(u)`` (``logaddexp(0, u)``)
``log(Σ c_k exp(u_k))``            ``LogSumExp(u_k + log c_k, ...)`` (max-shifted)
``log(1 + u)``                     ``Log1p(u)``
``c exp(u) - c``                   ``c Expm1(u)``
``c - c Expit(u)``                 ``c Expit(-u)``
``1/(1 + exp(-u))``                ``Expit(u)``
``exp(m b)/(1 + exp(b))**n``       ``Expit(b)**m Expit(-b)**(n - m)`` (0 ≤ m ≤ n):
                                   σ(u)(1 − σ(u)) rather than eᵘ/(1 + eᵘ)²
``exp(a)/(Σ c_k exp(u_k))**n``     ``exp(a - n LogSumExp(...))`` (the stable softmax;
                                   ``Softplus`` for ``1 + exp(b)``); a product of
                                   softmax entries ``exp(u_k - LogSumExp(...))`` where
                                   ``a`` is a sum of ``n`` of the ``u_k``
``log(Expit(u))``                  ``-Softplus(-u)`` (log-sigmoid)
=================================  =====================================================

The new functions are SymPy functions of their own, with the exact values of the forms
they replace (``evalf`` gives them), so the rewritten tree is the same function.

Examples:
    >>> import sympy
    >>> a, b = sympy.symbols("a b", real=True)
    >>> stabilize(sympy.log(sympy.exp(a) + sympy.exp(b)))
    LogSumExp(a, b)
    >>> stabilize(sympy.exp(a) / (sympy.exp(a) + 1) ** 2)
    Expit(-a)*Expit(a)
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import combinations_with_replacement
from typing import Any

import sympy
from sympy.core.logic import fuzzy_and

__all__ = ["STABLE", "Expit", "Expm1", "Log1p", "LogSumExp", "Softplus", "stabilize"]


class _Stable(sympy.Function):
    """A function with a stable numeric form; its value is :meth:`elementary`'s."""

    def elementary(self) -> sympy.Expr:
        """The same function in exp and log (how SymPy evaluates it)."""
        raise NotImplementedError

    def _eval_evalf(self, prec: int) -> Any:
        return self.elementary()._eval_evalf(prec)

    def _eval_is_extended_real(self) -> bool | None:
        return fuzzy_and(a.is_extended_real for a in self.args)

    def _eval_rewrite_as_exp(self, *args: Any, **kwargs: Any) -> sympy.Expr:
        return self.elementary()

    def _eval_rewrite_as_log(self, *args: Any, **kwargs: Any) -> sympy.Expr:
        return self.elementary()


class Log1p(_Stable):
    """``log(1 + u)``, accurate for small ``u``."""

    nargs = 1

    def elementary(self) -> sympy.Expr:
        return sympy.log(1 + self.args[0])

    def _eval_is_extended_real(self) -> bool | None:
        return (1 + self.args[0]).is_extended_positive


class Expm1(_Stable):
    """``exp(u) - 1``, accurate for small ``u``."""

    nargs = 1

    def elementary(self) -> sympy.Expr:
        return sympy.exp(self.args[0]) - 1


class Softplus(_Stable):
    """``log(1 + exp(u))`` = ``logaddexp(0, u)``: ``u`` for large ``u``, never ``inf``."""

    nargs = 1

    def elementary(self) -> sympy.Expr:
        return sympy.log(1 + sympy.exp(self.args[0]))

    def _eval_is_extended_positive(self) -> bool | None:
        return self.args[0].is_extended_real


class Expit(_Stable):
    """The logistic sigmoid ``1/(1 + exp(-u))``: 0 or 1 at the far ends, never NaN."""

    nargs = 1

    def elementary(self) -> sympy.Expr:
        return 1 / (1 + sympy.exp(-self.args[0]))

    def _eval_is_extended_positive(self) -> bool | None:
        return self.args[0].is_extended_real


class LogSumExp(_Stable):
    """``log(Σ exp(u_k))``, computed with the largest ``u_k`` shifted out."""

    def elementary(self) -> sympy.Expr:
        return sympy.log(sympy.Add(*(sympy.exp(a) for a in self.args)))


#: The functions :func:`stabilize` introduces: every backend's function table spells them.
STABLE: tuple[type, ...] = (Log1p, Expm1, Softplus, Expit, LogSumExp)

#: What a rewritten node is built from: the rewritten form of any of its descendants.
_New = Callable[[sympy.Basic], sympy.Basic]


def _exponents(s: sympy.Basic, new: _New) -> list[sympy.Expr] | None:
    """The exponents ``u_k + log c_k`` of a sum ``Σ c_k exp(u_k)`` of at least two terms with
    at least one exp (a positive constant ``c`` counts as ``exp(log c)``), or ``None``."""
    if not isinstance(s, sympy.Add):
        return None
    out: list[sympy.Expr] = []
    for term in s.args:
        coeff, rest = term.as_coeff_Mul()
        if not coeff.is_positive:
            return None
        if rest == 1:
            out.append(sympy.log(coeff))
        elif isinstance(rest, sympy.exp):
            out.append(new(rest.args[0]) + sympy.log(coeff))
        else:
            return None
    return out if any(isinstance(t.as_coeff_Mul()[1], sympy.exp) for t in s.args) else None


def _multiple(a: sympy.Expr, b: sympy.Expr, n: int) -> int | None:
    """The integer ``m`` in ``0..n`` with ``a = m b``, or ``None``."""
    if a == 0:
        return 0
    q = a / b
    if q.is_Integer:
        return int(q) if 0 <= q <= n else None
    if a.free_symbols != b.free_symbols:
        return None
    for m in range(1, n + 1):
        if sympy.expand(a - m * b) == 0:
            return m
    return None


def _log_denominator(terms: list[sympy.Expr]) -> sympy.Expr:
    """``log(Σ exp(terms))``: ``Softplus`` for ``1 + exp(b)``, else ``LogSumExp``."""
    if len(terms) == 2 and 0 in terms:
        return Softplus(terms[1] if terms[0] == 0 else terms[0])
    return LogSumExp(*terms)


def _quotient(factors: tuple[sympy.Basic, ...], new: _New) -> sympy.Basic | None:
    """A product with a factor ``(Σ c_k exp(u_k))**-n``, as one ``exp`` (the stable softmax)
    or, for ``exp(m b)/(1 + exp(b))**n``, a product of ``Expit``; ``None`` when no factor is
    such a power."""
    denominators: list[tuple[list[sympy.Expr], int]] = []
    exponent: sympy.Expr = sympy.S.Zero
    rest: list[sympy.Basic] = []
    for f in factors:
        terms = None
        if f.is_Pow and f.exp.is_Integer and f.exp < 0:
            terms = _exponents(f.base, new)
        if terms is not None:
            denominators.append((terms, int(-f.exp)))
        elif isinstance(f, sympy.exp):
            exponent += new(f.args[0])
        else:
            rest.append(new(f))
    if not denominators:
        return None
    if len(denominators) == 1 and len(denominators[0][0]) == 2 and 0 in denominators[0][0]:
        (terms, n) = denominators[0]
        b = terms[1] if terms[0] == 0 else terms[0]
        m = _multiple(exponent, b, n)
        if m is not None:
            return sympy.Mul(*rest) * Expit(b) ** m * Expit(-b) ** (n - m)
    if len(denominators) == 1:  # softmax products: exp(a_i + a_j)/S**2 = p_i p_j
        (terms, n) = denominators[0]
        picked = _softmax_factors(exponent, terms, n)
        if picked is not None:
            lse = _log_denominator(terms)
            return sympy.Mul(*rest, *(sympy.exp(terms[k] - lse) for k in picked))
    for terms, n in denominators:
        exponent -= n * _log_denominator(terms)
    return sympy.Mul(*rest) * sympy.exp(exponent)


def _softmax_factors(exponent: sympy.Expr, terms: list[sympy.Expr], n: int) -> list[int] | None:
    """The ``n`` indices ``k`` (with repetition) with ``exponent = Σ terms[k]``, or ``None``:
    then ``exp(exponent)/(Σ exp(terms))**n`` is a product of ``n`` softmax entries, each
    ``exp(terms[k] - LogSumExp(terms))`` (shared among a Hessian's entries)."""
    index = {t: k for k, t in enumerate(terms)}
    picked: list[int] = []
    for part in exponent.args if isinstance(exponent, sympy.Add) else (exponent,):
        c, base = part.as_coeff_Mul()
        if base not in index or not c.is_Integer or c <= 0:
            break
        picked += [index[base]] * int(c)
    else:
        if len(picked) == n:
            return picked
    if len(terms) <= 12 and n <= 3:
        for combo in combinations_with_replacement(range(len(terms)), n):
            if sympy.Add(*(terms[k] for k in combo)) == exponent:
                return list(combo)
    return None


def _mul(e: sympy.Mul, new: _New) -> sympy.Basic | None:
    return _quotient(e.args, new)


def _pow(e: sympy.Pow, new: _New) -> sympy.Basic | None:
    return _quotient((e,), new)


def _log(e: sympy.log, new: _New) -> sympy.Basic | None:
    (arg,) = e.args
    terms = _exponents(arg, new)
    if terms is not None:
        return _log_denominator(terms)
    if isinstance(arg, sympy.Add) and sympy.S.One in arg.args:
        return Log1p(sympy.Add(*(new(t) for t in arg.args if t != 1)))
    inner = new(arg)
    if isinstance(inner, Expit):  # log σ(u) = -softplus(-u)
        return -Softplus(-inner.args[0])
    return None


def _add(e: sympy.Add, new: _New) -> sympy.Basic | None:
    constant, _ = e.as_coeff_Add()
    if constant == 0:
        return None
    terms = [new(t) for t in e.args if not t.is_Number]
    for k, term in enumerate(terms):
        c, f = term.as_coeff_Mul()
        if c != -constant or not isinstance(f, (sympy.exp, Expit)):
            continue
        u = f.args[0]  # c e^u - c = c expm1(u); c - c σ(u) = c σ(-u)
        stable = -c * Expit(-u) if isinstance(f, Expit) else c * Expm1(u)
        return sympy.Add(stable, *terms[:k], *terms[k + 1 :])
    return None


#: The rewrite rules by node type: each returns the node's stable form, or ``None`` to
#: keep the node (with its arguments rewritten).
_RULES: dict[type, Callable[[Any, _New], sympy.Basic | None]] = {
    sympy.Mul: _mul,
    sympy.Pow: _pow,
    sympy.log: _log,
    sympy.Add: _add,
}

#: Nodes that bind variables of their own (a Sum's index): left as they are.
_BINDING = (
    sympy.Derivative,
    sympy.Subs,
    sympy.Lambda,
    sympy.concrete.expr_with_limits.ExprWithLimits,
)


def stabilize(expr: sympy.Basic) -> sympy.Basic:
    """The tree with the stable forms of the module's table (each distinct node rewritten
    once, children first; a matrix entry by entry).

    Examples:
        >>> import sympy
        >>> x = sympy.Symbol("x", real=True)
        >>> stabilize(sympy.log(1 + sympy.exp(x))), stabilize(1 / (1 + sympy.exp(-x)))
        (Softplus(x), Expit(x))
        >>> stabilize(sympy.log(1 + x**2) + sympy.exp(x) - 1)
        Expm1(x) + Log1p(x**2)
    """
    if isinstance(expr, sympy.MatrixBase):
        return sympy.ImmutableMatrix(expr.shape[0], expr.shape[1], [stabilize(e) for e in expr])
    if not isinstance(expr, sympy.Basic):
        return expr
    done: dict[sympy.Basic, sympy.Basic] = {}

    def new(node: sympy.Basic) -> sympy.Basic:
        return done.get(node, node)

    stack: list[tuple[sympy.Basic, bool]] = [(expr, False)]
    while stack:
        node, ready = stack.pop()
        if node in done or node.is_Atom:
            continue
        if isinstance(node, _BINDING):
            done[node] = node
        elif ready:
            rule = _RULES.get(type(node))
            got = rule(node, new) if rule is not None else None
            if got is None:
                args = tuple(new(a) for a in node.args)
                got = node if args == node.args else node.func(*args)
            done[node] = got
        else:
            stack.append((node, True))
            stack.extend((a, False) for a in node.args if not a.is_Atom and a not in done)
    return new(expr)
