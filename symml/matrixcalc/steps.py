r"""The derivation in differential form (Magnus–Neudecker), one rule a line.

The DAG of f is read bottom up: every intermediate node that depends on X is named
(u₁, u₂, …) and its differential written in the differentials of its children, by the
rule of its kind (the product rule for a contraction, d f(u) = f'(u) ⊙ du for an
element-wise function, d(A⁻¹) = −A⁻¹ dA A⁻¹, d det A = det A tr(A⁻¹ dA)). Then, for a
scalar f, the reverse sweep: df = tr(ūᵀ du) at every node that all of f's dependence on X
goes through, down to df = tr(Gᵀ dX) ⇒ ∂f/∂X = G (the identification theorem).
"""

from __future__ import annotations

from typing import Any

import sympy

from symml.derivation import Step
from symml.matrixcalc.printing import matrix_latex
from symml.matrixcalc.reverse import FORWARD, adjoints, depends_on
from symml.matrixcalc.tensor import (
    Det,
    Einsum,
    Inv,
    Map,
    Node,
    U,
    Var,
    add,
    rebuild,
    substitute,
    walk,
)
from symml.matrixcalc.to_matrix import to_matrix

__all__ = ["differential_steps", "identification"]

#: The title of each node kind's differential rule.
RULE_TITLES: dict[type, str] = {
    Einsum: "product rule",
    Map: "chain rule, element-wise: d f(u) = f'(u) ⊙ du",
    Inv: "d(A⁻¹) = −A⁻¹ dA A⁻¹",
    Det: "d det A = det A tr(A⁻¹ dA)",
}


def _shape(node: Node) -> tuple[Any, Any]:
    dims = node.dims
    return (dims[0], dims[1]) if len(dims) == 2 else (dims[0], sympy.S.One)


def _placeholder(name: str, node: Node) -> Var:
    if not node.dims:
        return Var(sympy.Symbol(name, real=True))
    return Var(sympy.MatrixSymbol(name, *_shape(node)))


def _d(var: Var) -> Var:
    s = var.symbol
    if isinstance(s, sympy.MatrixSymbol):
        return Var(sympy.MatrixSymbol(f"d{s.name}", *s.shape))
    return Var(sympy.Symbol(f"d{s.name}", real=True))


def _title(node: Node, live: set[int]) -> str:
    if isinstance(node, Einsum):
        moving = [o for o in node.operands if id(o) in live]
        return "linearity" if len(moving) == 1 else "product rule"
    if (
        isinstance(node, Map)
        and node.body.is_Add
        and all(sympy.diff(node.body, u).is_number for u in U[: len(node.args)])
    ):
        return "sum rule"
    return RULE_TITLES[type(node)]


class _Named:
    """The intermediate nodes of f that depend on X, with their names u₁, u₂, …"""

    def __init__(self, f: Node, x: Var) -> None:
        self.f, self.x = f, x
        self.live = depends_on(f, x)
        self.order = [n for n in walk(f) if id(n) in self.live and n is not x]
        self.names: dict[int, Var] = {}
        for k, node in enumerate(self.order, start=1):
            name = "f" if node is f else f"u_{k}"
            self.names[id(node)] = _placeholder(name, node)
        self.names[id(x)] = x

    def local(self, node: Node) -> Node:
        """The node as an operation on the names of its children."""
        kids = [self.names.get(id(c), c) for c in node.children()]
        return rebuild(node, kids)

    def short(self, node: Node) -> Node:
        """A tensor with every named subexpression written by its name."""
        mapping = {k: v for k, v in self.names.items() if k != id(self.x)}
        return substitute(node, mapping)

    def differential(self, node: Node) -> Node:
        local = self.local(node)
        named = {id(self.names[id(c)]) for c in node.children() if id(c) in self.live}
        dots = [_d(c) if id(c) in named else None for c in local.children()]  # type: ignore[arg-type]
        return add(*FORWARD[type(local)](local, dots, ()))


def differential_steps(f: Node, x: Var) -> list[Step]:
    """One step per intermediate node: its name, definition and differential."""
    named = _Named(f, x)
    steps = []
    for node in named.order:
        name = named.names[id(node)]
        lhs = matrix_latex(name.symbol)
        definition = matrix_latex(to_matrix(named.local(node)))
        d = matrix_latex(to_matrix(named.differential(node)))
        steps.append(
            Step(
                _title(node, named.live),
                rf"d{lhs} = {d} \qquad \text{{with }} {lhs} = {definition}",
            )
        )
    return steps


def _pairing(g: str, dx: str, order: int) -> str:
    if order == 0:
        return rf"{g}\, {dx}"
    if order == 1:
        return rf"\left({g}\right)^{{T}} {dx}" if " " in g else rf"{g}^{{T}} {dx}"
    return rf"\operatorname{{tr}}\left(\left({g}\right)^{{T}} {dx}\right)"


def backward_steps(f: Node, x: Var) -> list[Step]:
    """df = tr(ūᵀ du) at every node that all paths from X to f pass through."""
    named = _Named(f, x)
    bars = adjoints(f, x)
    dominators = _cuts(f, x)
    steps = []
    first = matrix_latex(to_matrix(named.differential(f))) if f is not x else ""
    for node in reversed(named.order):
        if node is f or id(node) not in dominators:
            continue
        g = matrix_latex(to_matrix(named.short(bars[id(node)])))
        du = matrix_latex(_d(named.names[id(node)]).symbol)
        line = _pairing(g, du, node.order)
        if line != first:  # not the differential of f itself again
            steps.append(Step("reverse mode: substitute", rf"df = {line}"))
    return steps


def _cuts(f: Node, x: Var) -> set[int]:
    """The nodes every path from f down to x passes through (dominators of x)."""
    live = depends_on(f, x)
    dom: dict[int, set[int]] = {id(f): {id(f)}}
    parents: dict[int, list[Node]] = {}
    order = [n for n in walk(f) if id(n) in live]
    for node in order:
        for c in node.children():
            if id(c) in live:
                parents.setdefault(id(c), []).append(node)
    for node in reversed(order):
        if node is f:
            continue
        sets = [dom[id(p)] for p in parents.get(id(node), []) if id(p) in dom]
        common = set.intersection(*sets) if sets else set()
        dom[id(node)] = common | {id(node)}
    return dom.get(id(x), set())


def identification(result: Any, x: Var, kind: str) -> Step:
    """df = tr(Gᵀ dX) ⇒ ∂f/∂X = G (or dF = J dx, d vec F = J d vec X)."""
    g = matrix_latex(result)
    xs = matrix_latex(x.symbol)
    dx = matrix_latex(_d(x).symbol)
    if kind == "gradient":
        pairing = _pairing(g, dx, x.order)
        return Step(
            "identification",
            rf"df = {pairing} \Rightarrow \frac{{\partial f}}{{\partial {xs}}} = {g}",
        )
    if kind == "jacobian":
        return Step(
            "identification",
            rf"dF = J\, {dx} \Rightarrow \frac{{\partial F}}{{\partial {xs}}} = {g}",
        )
    return Step(
        "identification",
        rf"d \operatorname{{vec}} F = J\, d \operatorname{{vec}} {xs} \Rightarrow "
        rf"\frac{{\partial \operatorname{{vec}} F}}{{\partial \operatorname{{vec}}({xs})^{{T}}}} = {g}",
    )
