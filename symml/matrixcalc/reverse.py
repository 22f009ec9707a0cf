r"""Derivatives on the tensor DAG: reverse mode for gradients, forward mode for Jacobians.

Reverse mode (:func:`gradient`) sweeps the DAG of a scalar f from the top, giving every
node the adjoint ∂f/∂node (a tensor of the node's shape). One rule serves every
contraction, whatever matrix operation it stands for (a product, a transpose, a trace, an
inner or outer product, ``diag``): for ``C = Σ Π A_k[sub_k]``,

    Ā_k += Σ C̄[out] Π_{j≠k} A_j[sub_j]   (indices ``sub_k`` free),

itself a contraction. Element-wise functions multiply the adjoint by their partial
derivatives (SymPy differentiates the scalar body), the inverse gives −Cᵀ C̄ Cᵀ and the
determinant c̄ · det A · A⁻ᵀ.

Forward mode (:func:`tangent`) carries ∂node/∂X, a tensor with X's indices appended to the
node's, up from X: the same rules, read the other way. A Jacobian is the tangent of a
vector f, a Hessian the tangent of the gradient (a Hessian is the Jacobian of the
gradient, as micrograd would say); the tangent of a matrix f by a matrix X has order 4,
and :mod:`~symml.matrixcalc.to_matrix` writes it as ∂vec(F)/∂vec(X)ᵀ with Kronecker
products.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import sympy

from symml.matrixcalc.tensor import (
    Const,
    Det,
    Einsum,
    Inv,
    Map,
    Node,
    U,
    Var,
    add,
    einsum,
    inv,
    map_,
    walk,
)

__all__ = ["BACKWARD", "FORWARD", "depends_on", "gradient", "tangent"]


def depends_on(root: Node, x: Node) -> set[int]:
    """The ids of the nodes below ``root`` that depend on ``x`` (x included)."""
    out: set[int] = set()
    for node in walk(root):
        if node is x or any(id(c) in out for c in node.children()):
            out.add(id(node))
    return out


def _idx(n: int, start: int = 0) -> tuple[int, ...]:
    return tuple(range(start, start + n))


# --- reverse mode ----------------------------------------------------------------------------


def _back_einsum(node: Einsum, bar: Node, k: int) -> Node:
    sizes = dict(enumerate(node.sizes))
    ops = [bar, *(o for j, o in enumerate(node.operands) if j != k)]
    subs = [node.out, *(s for j, s in enumerate(node.subs) if j != k)]
    return einsum(ops, subs, node.subs[k], sizes, node.coeff)


def _reduce_to(node: Node, dims: tuple[Any, ...]) -> Node:
    """Sum a broadcast adjoint back to a scalar argument's shape."""
    if node.dims == dims:
        return node
    idx = _idx(node.order)
    return einsum([node], [idx], (), dict(zip(idx, node.dims, strict=True)))


def _back_map(node: Map, bar: Node, k: int) -> Node:
    partial = map_(sympy.diff(node.body, U[k]), node.args, node.dims)
    product = map_(U[0] * U[1], [bar, partial], node.dims)
    return _reduce_to(product, node.args[k].dims)


def _back_inv(node: Inv, bar: Node, k: int) -> Node:
    # d(A⁻¹) = −A⁻¹ dA A⁻¹, so Ā = −Cᵀ C̄ Cᵀ: Ā[a,b] = −Σ C[j,a] C̄[j,k] C[b,k]
    n = node.dims[0]
    return einsum(
        [node, bar, node], [(2, 0), (2, 3), (1, 3)], (0, 1), dict.fromkeys(range(4), n), -1
    )


def _back_det(node: Det, bar: Node, k: int) -> Node:
    # d det A = det A · tr(A⁻¹ dA), so Ā = c̄ · det A · A⁻ᵀ
    n = node.arg.dims[0]
    return einsum([bar, node, inv(node.arg)], [(), (), (1, 0)], (0, 1), {0: n, 1: n})


#: The reverse-mode rule of each node kind: (node, its adjoint, which child) → the child's
#: share of the adjoint.
BACKWARD: dict[type, Callable[[Any, Node, int], Node]] = {
    Einsum: _back_einsum,
    Map: _back_map,
    Inv: _back_inv,
    Det: _back_det,
}


def adjoints(f: Node, x: Node) -> dict[int, Node]:
    """∂f/∂node for every node on a path from ``x`` up to the scalar ``f`` (ids as keys)."""
    if f.order:
        raise ValueError("reverse mode needs a scalar f")
    live = depends_on(f, x)
    bars: dict[int, list[Node]] = {id(f): [Const(1)]}
    done: dict[int, Node] = {}
    for node in reversed(walk(f)):
        if id(node) not in live or id(node) not in bars:
            continue
        bar = add(*bars.pop(id(node)))
        done[id(node)] = bar
        rule = BACKWARD.get(type(node))
        if rule is None:
            continue
        for k, child in enumerate(node.children()):
            if id(child) in live:
                bars.setdefault(id(child), []).append(rule(node, bar, k))
    return done


def gradient(f: Node, x: Var) -> Node:
    """∂f/∂x for a scalar ``f``: a tensor of x's shape (zero when f does not depend on x)."""
    return adjoints(f, x).get(id(x), Const(0, x.dims))


# --- forward mode ----------------------------------------------------------------------------


def _seed(x: Node) -> Node:
    """∂x/∂x: δ (the identity of x's entries), a tensor of order 2·order(x)."""
    idx = _idx(x.order)
    if not idx:
        return Const(1)
    return einsum([], [], idx + idx, dict(zip(idx, x.dims, strict=True)))


def _fwd_einsum(node: Einsum, dots: list[Node], extra: tuple[Any, ...]) -> Iterator[Node]:
    base = len(node.sizes)
    d_idx = _idx(len(extra), base)
    sizes = dict(enumerate(node.sizes)) | dict(zip(d_idx, extra, strict=True))
    for k, dot in enumerate(dots):
        if dot is None:
            continue
        subs = [s + d_idx if j == k else s for j, s in enumerate(node.subs)]
        ops = [dot if j == k else o for j, o in enumerate(node.operands)]
        yield einsum(ops, subs, node.out + d_idx, sizes, node.coeff)


def _fwd_map(node: Map, dots: list[Node], extra: tuple[Any, ...]) -> Iterator[Node]:
    out = _idx(node.order)
    d_idx = _idx(len(extra), node.order)
    sizes = dict(zip(out, node.dims, strict=True)) | dict(zip(d_idx, extra, strict=True))
    for k, dot in enumerate(dots):
        if dot is None:
            continue
        partial = map_(sympy.diff(node.body, U[k]), node.args, node.dims)
        arg_sub = out if node.args[k].order else ()
        yield einsum([partial, dot], [out, arg_sub + d_idx], out + d_idx, sizes)


def _fwd_inv(node: Inv, dots: list[Node], extra: tuple[Any, ...]) -> Iterator[Node]:
    n = node.dims[0]
    d_idx = _idx(len(extra), 4)
    sizes = dict.fromkeys(range(4), n) | dict(zip(d_idx, extra, strict=True))
    yield einsum([node, dots[0], node], [(0, 1), (1, 2) + d_idx, (2, 3)], (0, 3) + d_idx, sizes, -1)


def _fwd_det(node: Det, dots: list[Node], extra: tuple[Any, ...]) -> Iterator[Node]:
    n = node.arg.dims[0]
    d_idx = _idx(len(extra), 2)
    sizes = {0: n, 1: n} | dict(zip(d_idx, extra, strict=True))
    yield einsum([node, inv(node.arg), dots[0]], [(), (1, 0), (0, 1) + d_idx], d_idx, sizes)


#: The forward-mode rule of each node kind: (node, the children's tangents or None, the
#: dimensions of X) → the terms of the node's tangent.
FORWARD: dict[type, Callable[[Any, list[Any], tuple[Any, ...]], Iterator[Node]]] = {
    Einsum: _fwd_einsum,
    Map: _fwd_map,
    Inv: _fwd_inv,
    Det: _fwd_det,
}


def tangent(f: Node, x: Var) -> Node:
    """∂f/∂x in forward mode: a tensor with f's indices, then x's."""
    live = depends_on(f, x)
    dots: dict[int, Node] = {}
    for node in walk(f):
        if id(node) not in live:
            continue
        if node is x:
            dots[id(node)] = _seed(x)
            continue
        kids = [dots.get(id(c)) if id(c) in live else None for c in node.children()]
        terms = list(FORWARD[type(node)](node, kids, x.dims))
        dots[id(node)] = add(*terms) if terms else Const(0, node.dims + x.dims)
    return dots.get(id(f), Const(0, f.dims + x.dims))
