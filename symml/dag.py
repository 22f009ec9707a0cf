"""Derivation at scale: differentiation and shared subexpressions on the expression DAG.

A Hessian of a function of 100 variables holds thousands of entries that all contain the
same large subexpressions (the sum inside a log-sum-exp, say). SymPy's ``diff``, ``cse``,
``count_ops`` and ``free_symbols`` walk every entry as a tree, so the shared parts are
walked thousands of times. The helpers here walk each distinct node once:

- :class:`Differentiator` memoises ``∂node/∂x`` per (node, variable) and which symbols
  each node depends on, applying the sum, product, power and chain rules itself for the
  node types in :data:`CHAIN_RULE` and asking :func:`sympy.diff` for anything else (so
  the results are SymPy's own canonical expressions, equal to what ``sympy.diff`` gives);
- :func:`shared_nodes` finds the nodes used more than once among many expressions (the
  common subexpressions a code printer should compute once);
- :func:`dag_free_symbols`, :func:`dag_size` and :func:`dag_has` answer questions about
  many expressions in time linear in the number of distinct nodes.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Sequence
from functools import reduce
from typing import Any, cast

import sympy

__all__ = [
    "CHAIN_RULE",
    "Differentiator",
    "dag_free_symbols",
    "dag_has",
    "dag_size",
    "shared_nodes",
]

#: One-argument functions differentiated by the chain rule f'(u) · du (``fdiff`` gives f').
CHAIN_RULE: tuple[type[sympy.Basic], ...] = (
    sympy.exp,
    sympy.log,
    sympy.sin,
    sympy.cos,
    sympy.tan,
    sympy.sinh,
    sympy.cosh,
    sympy.tanh,
    sympy.asin,
    sympy.acos,
    sympy.atan,
    sympy.erf,
)


#: Nodes that bind variables of their own: walked as a whole, never into.
_BINDING: tuple[type[sympy.Basic], ...] = (
    sympy.Derivative,
    sympy.Subs,
    sympy.Lambda,
    sympy.concrete.expr_with_limits.ExprWithLimits,
)


def _walk(exprs: Iterable[Any], visit: Callable[[Any], None]) -> None:
    """Call ``visit`` once per distinct non-atomic node, children before parents (the
    inside of a node that binds variables is not visited)."""
    seen: set[Any] = set()
    for root in exprs:
        if not isinstance(root, sympy.Basic) or root.is_Atom or root in seen:
            continue
        stack: list[tuple[Any, bool]] = [(root, False)]
        while stack:
            node, done = stack.pop()
            if done:
                visit(node)
                continue
            if node in seen:
                continue
            seen.add(node)
            stack.append((node, True))
            if not isinstance(node, _BINDING):
                stack.extend((a, False) for a in node.args if not a.is_Atom and a not in seen)


def dag_free_symbols(exprs: Iterable[Any]) -> set[sympy.Symbol]:
    """The Symbols of many expressions, visiting each distinct node once.

    Examples:
        >>> x, y = sympy.symbols("x y")
        >>> sorted(dag_free_symbols([x + y, sympy.exp(x + y), 3]), key=str)
        [x, y]
    """
    exprs = list(exprs)
    out = {e for e in exprs if isinstance(e, sympy.Symbol)}

    def visit(node: Any) -> None:
        if isinstance(node, _BINDING):
            out.update(s for s in node.free_symbols if isinstance(s, sympy.Symbol))
            return
        out.update(a for a in node.args if isinstance(a, sympy.Symbol))

    _walk(exprs, visit)
    return out


def dag_has(exprs: Iterable[Any], atom: Any) -> bool:
    """Whether any expression contains ``atom`` (e.g. ``sympy.I``), each node visited once.

    Examples:
        >>> x = sympy.Symbol("x")
        >>> dag_has([x + 1, sympy.I * x], sympy.I), dag_has([x + 1], sympy.I)
        (True, False)
    """
    exprs = list(exprs)
    if any(e == atom for e in exprs):
        return True
    found: list[bool] = []

    def visit(node: Any) -> None:
        if found:
            return
        if (
            node.has(atom)
            if isinstance(node, _BINDING)
            else any(a == atom for a in node.args if a.is_Atom)
        ):
            found.append(True)

    _walk(exprs, visit)
    return bool(found)


def dag_size(exprs: Iterable[Any]) -> int:
    """The number of nodes the expressions have as trees (a shared subtree counts every
    time it occurs), computed on the DAG.

    Examples:
        >>> x = sympy.Symbol("x")
        >>> dag_size([x + 1, (x + 1) ** 2])
        8
    """
    exprs = list(exprs)
    size: dict[Any, int] = {}

    def of(e: Any) -> int:
        return 1 if e.is_Atom else size[e]

    def visit(node: Any) -> None:
        if isinstance(node, _BINDING):
            size[node] = sum(1 for _ in sympy.preorder_traversal(node))
        else:
            size[node] = 1 + sum(of(a) for a in node.args)

    _walk(exprs, visit)
    return sum(of(e) for e in exprs if isinstance(e, sympy.Basic))


def shared_nodes(exprs: Sequence[Any]) -> list[Any]:
    """The non-atomic nodes that occur more than once among ``exprs`` (as a whole
    expression or inside one), children before parents: the temporaries of a common
    subexpression elimination that keeps every expression as it is.

    Examples:
        >>> x, y = sympy.symbols("x y")
        >>> shared_nodes([sympy.exp(x) + y, sympy.exp(x) * y])
        [exp(x)]
    """
    count: dict[Any, int] = {}
    order: list[Any] = []

    def visit(node: Any) -> None:
        order.append(node)
        for a in node.args:
            if not a.is_Atom:
                count[a] = count.get(a, 0) + 1

    _walk(exprs, visit)
    for e in exprs:
        if isinstance(e, sympy.Basic) and not e.is_Atom:
            count[e] = count.get(e, 0) + 1
    return [node for node in order if count.get(node, 0) > 1]


class Differentiator:
    """Memoised first derivatives of SymPy expressions that share subexpressions.

    ``d(expr, x)`` equals ``sympy.diff(expr, x)``: the same rules build the same canonical
    SymPy objects, but each distinct (node, variable) pair is differentiated once, and a
    node that does not depend on ``x`` is recognised from a memoised set of its symbols.

    Examples:
        >>> x, y = sympy.symbols("x y", real=True)
        >>> D = Differentiator()
        >>> f = sympy.log(sympy.exp(x) + sympy.exp(y)) + x * y
        >>> D.d(f, x) == sympy.diff(f, x)
        True
        >>> D.d(D.d(f, x), y) == sympy.diff(f, x, y)
        True
    """

    def __init__(self) -> None:
        self._memo: dict[tuple[Any, Any], Any] = {}
        self._symbols: dict[Any, frozenset[Any]] = {}

    def symbols(self, e: Any) -> frozenset[Any]:
        """The free symbols of ``e`` (memoised per node)."""
        got = self._symbols.get(e)
        if got is None:
            if not e.is_Atom and isinstance(e, (sympy.Add, sympy.Mul, sympy.Pow, *CHAIN_RULE)):
                got = frozenset().union(*(self.symbols(a) for a in cast(sympy.Basic, e).args))
            else:
                got = frozenset(e.free_symbols)
            self._symbols[e] = got
        return got

    def d(self, e: Any, x: sympy.Symbol) -> Any:
        """∂e/∂x."""
        if x not in self.symbols(e):
            return sympy.S.Zero
        key = (e, x)
        got = self._memo.get(key)
        if got is None:
            got = self._rule(e, x)
            self._memo[key] = got
        return got

    def _rule(self, e: Any, x: sympy.Symbol) -> Any:
        if e == x:
            return sympy.S.One
        # Each rule builds its result in the order SymPy's own _eval_derivative does, so
        # that automatic evaluation (e.g. 2*(a + b) → 2*a + 2*b) gives the same forms.
        if e.is_Add:
            return sympy.Add(*[self.d(a, x) for a in e.args])
        if e.is_Mul:
            args = list(e.args)
            terms = []
            for k, a in enumerate(args):
                da = self.d(a, x)
                if da:
                    terms.append(reduce(operator.mul, [*args[:k], da, *args[k + 1 :]], sympy.S.One))
            return sympy.Add(*terms)
        if e.is_Pow:
            base, p = e.args
            return e * (self.d(p, x) * sympy.log(base) + self.d(base, x) * p / base)
        if isinstance(e, CHAIN_RULE) and len(e.args) == 1:
            return e.fdiff(1) * self.d(e.args[0], x)
        return sympy.diff(e, x)
