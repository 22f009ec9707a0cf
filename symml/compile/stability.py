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

from collections.abc import Callable, Sequence
from itertools import combinations_with_replacement
from typing import Any

import sympy
from sympy.core.logic import fuzzy_and

__all__ = [
    "STABLE",
    "Expit",
    "Expm1",
    "Log1p",
    "LogSumExp",
    "Softplus",
    "stabilize",
    "stabilize_all",
]


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


class _Sum:
    """A sum ``Σ exp(terms[k])``: its log (``Softplus`` or ``LogSumExp``) and its softmax
    entries ``exp(terms[k] - log)``, each built once (a Hessian has them in every entry)."""

    def __init__(self, terms: list[sympy.Expr]) -> None:
        self.terms = terms
        self.index = {t: k for k, t in enumerate(terms)}
        self._log: sympy.Expr | None = None
        self._entries: dict[int, sympy.Expr] = {}

    @property
    def log(self) -> sympy.Expr:
        if self._log is None:
            self._log = _log_denominator(self.terms)
        return self._log

    def entry(self, k: int) -> sympy.Expr:
        if k not in self._entries:
            self._entries[k] = sympy.exp(self.terms[k] - self.log)
        return self._entries[k]


class _New:
    """The rewritten form of a node already rewritten (a descendant of the node a rule
    rewrites), and the sums of exps the rules met, once per sum."""

    def __init__(self) -> None:
        self.done: dict[sympy.Basic, sympy.Basic] = {}
        self.sums: dict[sympy.Basic, _Sum | None] = {}

    def __call__(self, node: sympy.Basic) -> sympy.Basic:
        return self.done.get(node, node)


def _exponents(s: sympy.Basic, new: _New) -> _Sum | None:
    """The sum ``Σ c_k exp(u_k)`` of at least two terms with at least one exp as
    ``Σ exp(u_k + log c_k)`` (a positive constant ``c`` counts as ``exp(log c)``), or
    ``None``."""
    if not isinstance(s, sympy.Add):
        return None
    if s not in new.sums:
        terms = _sum_of_exps(s, new)
        new.sums[s] = None if terms is None else _Sum(terms)
    return new.sums[s]


def _sum_of_exps(s: sympy.Add, new: _New) -> list[sympy.Expr] | None:
    out: list[sympy.Expr] = []
    for term in s.args:
        coeff, rest = term.as_coeff_Mul()
        if not coeff.is_positive:
            return None
        if rest == 1:
            out.append(sympy.log(coeff))
        elif isinstance(rest, sympy.exp):
            u = new(rest.args[0])
            out.append(u if coeff == 1 else u + sympy.log(coeff))
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
    denominators: list[tuple[_Sum, int]] = []
    exponents: list[sympy.Expr] = []
    rest: list[sympy.Basic] = []
    for f in factors:
        found = None
        if f.is_Pow and f.exp.is_Integer and f.exp.is_negative:
            found = _exponents(f.base, new)
        if found is not None:
            denominators.append((found, int(-f.exp)))
        elif isinstance(f, sympy.exp):
            exponents.append(new(f.args[0]))
        else:
            rest.append(new(f))
    if not denominators:
        return None
    (total, n) = denominators[0]
    if len(denominators) == 1 and not (len(total.terms) == 2 and 0 in total.terms):
        picked = _atomic_factors(exponents, total, n)  # the fast path of a large Hessian
        if picked is not None:
            return sympy.Mul(*rest, *(total.entry(k) for k in picked), evaluate=False)
    exponent = sympy.Add(*exponents)
    if len(denominators) == 1:
        terms = total.terms
        if len(terms) == 2 and 0 in terms:  # 1 + exp(b): sigmoids
            b = terms[1] if terms[0] == 0 else terms[0]
            m = _multiple(exponent, b, n)
            if m is not None:
                return sympy.Mul(*rest) * Expit(b) ** m * Expit(-b) ** (n - m)
        picked = _softmax_factors(exponent, total, n)
        if picked is not None:  # softmax products: exp(a_i + a_j)/S**2 = p_i p_j
            # unevaluated: flattening n entries that share a large LogSumExp is slow, and
            # there is nothing to combine
            return sympy.Mul(*rest, *(total.entry(k) for k in picked), evaluate=False)
    for total, n in denominators:
        exponent -= n * total.log
    return sympy.Mul(*rest) * sympy.exp(exponent)


def _atomic_factors(exponents: list[sympy.Expr], total: _Sum, n: int) -> list[int] | None:
    """The ``n`` indices ``k`` (with repetition) of the terms of a sum of exps whose sum is
    the sum of ``exponents``, each of them a term (or a positive integer times one), or
    ``None``; a sum of exps of symbols (a log-sum-exp) takes this path only."""
    index = total.index
    picked: list[int] = []
    for e in exponents:
        for part in e.args if isinstance(e, sympy.Add) and e not in index else (e,):
            c, base = part.as_coeff_Mul()
            if base not in index or not c.is_Integer or not c.is_positive:
                return None
            picked += [index[base]] * int(c)
    return picked if len(picked) == n else None


def _softmax_factors(exponent: sympy.Expr, total: _Sum, n: int) -> list[int] | None:
    """The ``n`` indices ``k`` (with repetition) with ``exponent = Σ terms[k]``, or ``None``:
    then ``exp(exponent)/(Σ exp(terms))**n`` is a product of ``n`` softmax entries, each
    ``exp(terms[k] - LogSumExp(terms))`` (shared among a Hessian's entries)."""
    terms = total.terms
    picked = _atomic_factors([exponent], total, n)
    if picked is not None:
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
    total = _exponents(arg, new)
    if total is not None:
        return total.log
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
        rows, cols = expr.shape
        return sympy.ImmutableMatrix(rows, cols, stabilize_all(list(expr)))
    return stabilize_all([expr])[0]


def stabilize_all(exprs: Sequence[sympy.Basic]) -> list[sympy.Basic]:
    """:func:`stabilize` of many expressions at once: a subtree they share (the sum inside
    a log-sum-exp in every entry of its Hessian) is rewritten once.

    Examples:
        >>> import sympy
        >>> a, b = sympy.symbols("a b")
        >>> stabilize_all([sympy.log(sympy.exp(a) + sympy.exp(b)), a])
        [LogSumExp(a, b), a]
    """
    new = _New()
    done = new.done
    for expr in exprs:
        if not isinstance(expr, sympy.Basic):
            continue
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
    return [new(e) if isinstance(e, sympy.Basic) else e for e in exprs]
