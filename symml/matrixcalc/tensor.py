r"""The engine's expression DAG: tensors of order 0, 1, 2 (and higher for derivatives)
in index form.

A node is one of

* :class:`Var` — a matrix, vector or scalar symbol (a vector has order 1, whether the
  user wrote a column or a row: index form does not tell them apart);
* :class:`Const` — a number times the all-ones tensor of a shape;
* :class:`Einsum` — a coefficient times a contraction of operands in Ricci / einsum
  notation, ``C[out] = c · Σ Π A_k[sub_k]``: matrix products, transposes, traces, sums,
  inner and outer products, ``diag`` both ways. An index repeated in ``out`` puts the
  values on a diagonal (``i->ii`` is ``diag(v)``; no operands and ``->ii`` is ``I``), an
  index of ``out`` no operand has broadcasts, and an index nowhere else sums a 1 (a
  factor of its size);
* :class:`Map` — an element-wise function of equal-shaped arguments (scalars broadcast):
  a scalar SymPy expression ``body`` in the dummies :data:`U` applied entry by entry
  (sums, Hadamard products, σ, log...);
* :class:`Inv` and :class:`Det` — the matrix inverse and the determinant.

Nodes are interned (built once per distinct structure: equal nodes are the same object),
and the constructors :func:`einsum` and :func:`map_` keep a normal form: nested
contractions are flattened into one network, element-wise functions of element-wise
functions are fused into one body, constants are folded. :func:`from_sympy` turns a SymPy
matrix expression into a node.
"""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import sympy
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
from sympy.matrices.expressions.diagonal import DiagMatrix, DiagonalOf
from sympy.matrices.expressions.hadamard import HadamardPower, HadamardProduct
from sympy.matrices.expressions.matexpr import MatrixElement, MatrixExpr

from symml.errors import NotSupportedError
from symml.matrixcalc.functions import name_functions

__all__ = [
    "Const",
    "Det",
    "Einsum",
    "Inv",
    "Map",
    "Node",
    "U",
    "Var",
    "add",
    "det",
    "einsum",
    "from_sympy",
    "inv",
    "map_",
    "rebuild",
    "substitute",
    "walk",
]

Dim = Any  # a SymPy positive integer (a Symbol or an Integer)


def _dummies(n: int) -> tuple[sympy.Symbol, ...]:
    return tuple(sympy.Symbol(f"u{k}", real=True) for k in range(n))


#: The symbols of a Map's body: U[k] stands for its k-th argument.
U = _dummies(64)

_TABLE: weakref.WeakValueDictionary[tuple[Any, ...], Node] = weakref.WeakValueDictionary()
_SERIAL = itertools.count()


class Node:
    """A tensor-valued node of the DAG (interned: compare with ``is``)."""

    __slots__ = ("__weakref__", "dims", "serial")
    dims: tuple[Dim, ...]
    serial: int

    @property
    def order(self) -> int:
        return len(self.dims)

    def children(self) -> tuple[Node, ...]:
        return ()


def _interned(cls: type, key: tuple[Any, ...], build: Any) -> Any:
    full = (cls, *key)
    node = _TABLE.get(full)
    if node is None:
        node = build()
        node.serial = next(_SERIAL)
        _TABLE[full] = node
    return node


class Var(Node):
    """A symbol: ``symbol`` is a MatrixSymbol (or a scalar Symbol)."""

    __slots__ = ("symbol",)
    symbol: Any

    def __new__(cls, symbol: Any) -> Var:
        def build() -> Var:
            self = object.__new__(cls)
            self.symbol = symbol
            shape = getattr(symbol, "shape", ())
            self.dims = tuple(d for d in shape if d != 1)
            return self

        return _interned(cls, (symbol,), build)  # type: ignore[no-any-return]

    def __repr__(self) -> str:
        return f"Var({self.symbol})"


class Const(Node):
    """``value`` times the all-ones tensor of ``dims`` (a number when ``dims`` is ())."""

    __slots__ = ("value",)
    value: Any

    def __new__(cls, value: Any, dims: tuple[Dim, ...] = ()) -> Const:
        value = sympy.sympify(value)

        def build() -> Const:
            self = object.__new__(cls)
            self.value, self.dims = value, tuple(dims)
            return self

        return _interned(cls, (value, tuple(dims)), build)  # type: ignore[no-any-return]

    def __repr__(self) -> str:
        return f"Const({self.value}, {self.dims})"


class Map(Node):
    """An element-wise function: ``body`` (in ``U[0..]``) of ``args``, entry by entry."""

    __slots__ = ("args", "body")
    body: Any
    args: tuple[Node, ...]

    def __new__(cls, body: Any, args: tuple[Node, ...], dims: tuple[Dim, ...]) -> Map:
        def build() -> Map:
            self = object.__new__(cls)
            self.body, self.args, self.dims = body, args, tuple(dims)
            return self

        return _interned(cls, (body, args, tuple(dims)), build)  # type: ignore[no-any-return]

    def children(self) -> tuple[Node, ...]:
        return self.args

    def __repr__(self) -> str:
        return f"Map({self.body}; {', '.join(map(repr, self.args))})"


class Einsum(Node):
    """``coeff · Σ Π operands[k][subs[k]]`` with the free indices ``out``.

    Indices are small integers, numbered in order of first appearance; ``sizes`` maps each
    index to its dimension.
    """

    __slots__ = ("coeff", "operands", "out", "sizes", "subs")
    coeff: Any
    operands: tuple[Node, ...]
    subs: tuple[tuple[int, ...], ...]
    out: tuple[int, ...]
    sizes: tuple[Dim, ...]

    def __new__(
        cls,
        coeff: Any,
        operands: tuple[Node, ...],
        subs: tuple[tuple[int, ...], ...],
        out: tuple[int, ...],
        sizes: tuple[Dim, ...],
    ) -> Einsum:
        def build() -> Einsum:
            self = object.__new__(cls)
            self.coeff, self.operands, self.subs = coeff, operands, subs
            self.out, self.sizes = out, sizes
            self.dims = tuple(sizes[i] for i in out)
            return self

        key = (coeff, operands, subs, out, sizes)
        return _interned(cls, key, build)  # type: ignore[no-any-return]

    def children(self) -> tuple[Node, ...]:
        return self.operands

    def __repr__(self) -> str:
        subs = ",".join("".join(chr(97 + i) for i in s) for s in self.subs)
        out = "".join(chr(97 + i) for i in self.out)
        ops = ", ".join(map(repr, self.operands))
        return f"Einsum({self.coeff}·{subs}->{out}; {ops})"


class Inv(Node):
    """The inverse of a square matrix."""

    __slots__ = ("arg",)
    arg: Node

    def __new__(cls, arg: Node) -> Inv:
        def build() -> Inv:
            self = object.__new__(cls)
            self.arg, self.dims = arg, arg.dims
            return self

        return _interned(cls, (arg,), build)  # type: ignore[no-any-return]

    def children(self) -> tuple[Node, ...]:
        return (self.arg,)

    def __repr__(self) -> str:
        return f"Inv({self.arg!r})"


class Det(Node):
    """The determinant of a square matrix."""

    __slots__ = ("arg",)
    arg: Node

    def __new__(cls, arg: Node) -> Det:
        def build() -> Det:
            self = object.__new__(cls)
            self.arg, self.dims = arg, ()
            return self

        return _interned(cls, (arg,), build)  # type: ignore[no-any-return]

    def children(self) -> tuple[Node, ...]:
        return (self.arg,)

    def __repr__(self) -> str:
        return f"Det({self.arg!r})"


def walk(root: Node) -> list[Node]:
    """Every node below ``root`` (itself included), children before parents."""
    order: list[Node] = []
    seen: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        stack.extend((c, False) for c in reversed(node.children()) if id(c) not in seen)
    return order


# --- constructors in normal form -----------------------------------------------------------


def is_zero(node: Node) -> bool:
    return isinstance(node, Const) and node.value == 0


def inv(arg: Node) -> Node:
    """The inverse, with (c Aᵀ)⁻¹ written (A⁻¹)ᵀ / c (one node for A⁻¹ and A⁻ᵀ)."""
    if isinstance(arg, Inv):
        return arg.arg
    if _is_scaling(arg) or _is_transpose(arg):
        e: Einsum = arg  # type: ignore[assignment]
        idx = dict(enumerate(e.sizes))
        return einsum([inv(e.operands[0])], [e.subs[0]], e.out, idx, 1 / e.coeff)
    return Inv(arg)


def _is_transpose(node: Node) -> bool:
    return (
        isinstance(node, Einsum)
        and len(node.operands) == 1
        and node.order == 2
        and node.subs[0] == node.out[::-1]
        and node.out[0] != node.out[1]
    )


def det(arg: Node) -> Node:
    return Det(arg)


def map_(body: Any, args: Sequence[Node], dims: tuple[Dim, ...]) -> Node:
    """The element-wise function ``body`` of ``args`` in normal form: Map arguments are
    fused into the body, constants substituted, repeated arguments merged, unused ones
    dropped; a constant body is a :class:`Const`, the identity its argument."""
    body = sympy.sympify(body)
    subs: dict[Any, Any] = {}
    flat: list[Node] = []
    where: dict[int, int] = {}

    def slot(node: Node) -> Any:
        if id(node) not in where:
            where[id(node)] = len(flat)
            flat.append(node)
        return U[where[id(node)]]

    for k, arg in enumerate(args):
        if U[k] not in body.free_symbols:
            continue
        broadcast = _broadcast_scalar(arg)
        if broadcast is not None:
            arg = broadcast
        if isinstance(arg, Const):
            subs[U[k]] = arg.value
        elif _is_scaling(arg):
            subs[U[k]] = arg.coeff * slot(arg.operands[0])  # type: ignore[attr-defined]
        elif isinstance(arg, Map):
            inner = {U[j]: slot(a) for j, a in enumerate(arg.args)}
            subs[U[k]] = arg.body.xreplace(inner)
        else:
            subs[U[k]] = slot(arg)
    # the placeholders of the flat list must not clash with the old ones: go through temps
    temps = {U[k]: sympy.Dummy() for k in range(len(args))}
    body = body.xreplace(temps).xreplace({temps[k]: v for k, v in subs.items()})
    return _oriented(name_functions(body), flat, tuple(dims))


def _oriented(body: Any, args: list[Node], dims: tuple[Dim, ...]) -> Node:
    """A matrix-valued Map, or the transpose of the Map of the transposed arguments when
    that one exists already ((M − UV)ᵀ and Mᵀ − VᵀUᵀ are one node)."""
    if len(dims) == 2:
        flipped = [transpose(a) if a.order == 2 else a for a in args]
        key = (Map, body, tuple(flipped), (dims[1], dims[0]))
        if key in _TABLE and (Map, body, tuple(args), dims) not in _TABLE:
            return transpose(_map_normal(body, flipped, (dims[1], dims[0])))
    return _map_normal(body, args, dims)


def _broadcast_scalar(node: Node) -> Node | None:
    """The scalar s when ``node`` is s broadcast over a vector or matrix (s·1, s·11ᵀ)."""
    if (
        isinstance(node, Einsum)
        and node.order
        and all(o.order == 0 for o in node.operands)
        and len(set(node.out)) == len(node.out)
    ):
        scalars = list(node.operands)
        return map_(node.coeff * sympy.Mul(*U[: len(scalars)]), scalars, ())
    return None


def _is_scaling(node: Node) -> bool:
    """A contraction that only scales its one operand."""
    return (
        isinstance(node, Einsum)
        and len(node.operands) == 1
        and node.subs[0] == node.out
        and len(set(node.out)) == len(node.out)
    )


def _scaled(node: Node) -> tuple[Any, Node] | None:
    """(c, A) when ``node`` is the element-wise function c·A of one same-shaped A."""
    if isinstance(node, Map) and len(node.args) == 1 and node.args[0].dims == node.dims:
        c = node.body / U[0]
        if not c.free_symbols:
            return c, node.args[0]
    return None


def _map_normal(body: Any, args: list[Node], dims: tuple[Dim, ...]) -> Node:
    # the arguments that the body uses, in a canonical order (by creation), renumbered
    used = sorted(
        (k for k in range(len(args)) if U[k] in body.free_symbols), key=lambda k: args[k].serial
    )
    if used != list(range(len(args))):
        body = body.xreplace({U[k]: U[j] for j, k in enumerate(used)})
        args = [args[k] for k in used]
    if not args:
        if body.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo):
            raise NotSupportedError(f"an element-wise function folded to {body}")
        return Const(body, dims)
    if len(args) == 1 and args[0].dims == tuple(dims):
        c = body / U[0]
        if c == 1:
            return args[0]
        if dims and not c.free_symbols:  # c·A: a contraction (that flattens into products)
            idx = tuple(range(len(dims)))
            return einsum([args[0]], [idx], idx, dict(enumerate(dims)), c)
    return Map(body, tuple(args), tuple(dims))


def add(*terms: Node) -> Node:
    """The sum of equal-shaped nodes (scalars broadcast), as a Map."""
    live = [t for t in terms if not is_zero(t)]
    if not live:
        return terms[0] if terms else Const(0)
    if len(live) == 1:
        return live[0]
    dims = max((t.dims for t in live), key=len)
    return map_(sympy.Add(*U[: len(live)]), live, dims)


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, i: int) -> int:
        while self.parent.get(i, i) != i:
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def einsum(
    operands: Sequence[Node],
    subs: Sequence[Sequence[int]],
    out: Sequence[int],
    sizes: dict[int, Dim],
    coeff: Any = 1,
) -> Node:
    """``coeff · Σ Π operands[k][subs[k]]`` with free indices ``out``, in normal form.

    Nested contractions are flattened into this one (a repeated index in an inlined
    operand's ``out`` identifies two indices here), constants and scalars folded into the
    coefficient, and the indices renumbered in order of first appearance.
    """
    coeff = sympy.sympify(coeff)
    sizes = dict(sizes)
    counter = itertools.count(max([*sizes, -1]) + 1)
    uf = _UnionFind()
    ops: list[Node] = []
    osubs: list[tuple[int, ...]] = []
    scalars: list[Node] = []
    pending = list(zip(operands, (tuple(s) for s in subs), strict=True))
    mentioned = set(out)
    while pending:
        node, sub = pending.pop()
        mentioned.update(sub)
        if len(sub) != node.order:
            raise ValueError(f"einsum: {node!r} has order {node.order}, subscripts {sub}")
        for i, d in zip(sub, node.dims, strict=True):
            sizes.setdefault(i, d)
        scaled = _scaled(node)
        if scaled is not None:
            coeff *= scaled[0]
            pending.append((scaled[1], sub))
        elif isinstance(node, Const):
            coeff *= node.value
        elif isinstance(node, Einsum):
            rename = {j: next(counter) for j in range(len(node.sizes))}
            for j, d in enumerate(node.sizes):
                sizes[rename[j]] = d
            for j, i in zip(node.out, sub, strict=True):
                uf.union(rename[j], i)
            coeff *= node.coeff
            pending.extend(
                (o, tuple(rename[j] for j in s))
                for o, s in zip(node.operands, node.subs, strict=True)
            )
        elif not sub:
            scalars.append(node)
        else:
            ops.append(node)
            osubs.append(sub)
    if coeff == 0:
        return Const(0, tuple(sizes[i] for i in out))
    if scalars:
        s = map_(sympy.Mul(*U[: len(scalars)]), scalars, ())
        if isinstance(s, Const):
            coeff *= s.value
            if coeff == 0:
                return Const(0, tuple(sizes[i] for i in out))
        else:
            ops.append(s)
            osubs.append(())
    osubs = [tuple(uf.find(i) for i in s) for s in osubs]
    out_t = tuple(uf.find(i) for i in out)
    for i in list(sizes):
        sizes.setdefault(uf.find(i), sizes[i])
    # an index that only constants had (sum(ones(n))) still ranges over its size: a factor
    used = set(out_t).union(*osubs)
    for root in {uf.find(i) for i in mentioned} - used:
        coeff *= sizes[root]
    return _einsum_normal(coeff, ops, osubs, out_t, sizes)


def _einsum_normal(
    coeff: Any,
    ops: list[Node],
    osubs: list[tuple[int, ...]],
    out: tuple[int, ...],
    sizes: dict[int, Dim],
) -> Node:
    # a canonical order of the operands (by structure, then subscripts), then numbering
    order = sorted(range(len(ops)), key=lambda k: (ops[k].serial, osubs[k]))
    ops = [ops[k] for k in order]
    osubs = [osubs[k] for k in order]
    number: dict[int, int] = {}
    for i in itertools.chain(out, *osubs):
        number.setdefault(i, len(number))
    subs_n = tuple(tuple(number[i] for i in s) for s in osubs)
    out_n = tuple(number[i] for i in out)
    sizes_n = tuple(sizes[i] for i in sorted(number, key=number.__getitem__))
    if len(ops) == 1 and coeff == 1 and subs_n[0] == out_n and len(set(out_n)) == len(out_n):
        return ops[0]
    if not ops and len(set(out_n)) == len(out_n):
        return Const(coeff, tuple(sizes_n[i] for i in out_n))
    return Einsum(coeff, tuple(ops), subs_n, out_n, sizes_n)


def transpose(node: Node) -> Node:
    if node.order < 2:
        return node
    return einsum([node], [(0, 1)], (1, 0), {0: node.dims[0], 1: node.dims[1]})


def matmul(a: Node, b: Node) -> Node:
    """The matrix product of a (order ≤ 2, a vector as a row) and b (a vector as a column)."""
    sa = (0, 1)[2 - a.order :] if a.order else ()
    sb = (1, 2)[: b.order] if b.order else ()
    if a.order and b.order and a.dims[-1] != b.dims[0]:
        raise ValueError(f"shapes {a.dims} and {b.dims} do not match")
    sizes = dict(zip(sa, a.dims, strict=True)) | dict(zip(sb, b.dims, strict=True))
    keep = tuple(i for i in (*sa, *sb) if [*sa, *sb].count(i) == 1)
    return einsum([a, b], [sa, sb], keep, sizes)


# --- from SymPy ------------------------------------------------------------------------------


def _is_matrix(e: Any) -> bool:
    return isinstance(e, (MatrixExpr, sympy.MatrixBase))


def _unit_free(shape: tuple[Any, Any]) -> tuple[Dim, ...]:
    return tuple(d for d in shape if d != 1)


def _chain(factors: list[Any], convert: Any) -> Node:
    """A product of matrices (each with its shape) as one contraction."""
    ops, subs, sizes = [], [], {}
    coeff = sympy.S.One
    index = 0
    for factor in factors:
        rows, cols = factor.shape
        node = convert(factor)
        row_i, col_i = index, index + 1
        sub = tuple(i for i, d in ((row_i, rows), (col_i, cols)) if d != 1)
        sizes[row_i], sizes[col_i] = rows, cols
        ops.append(node)
        subs.append(sub)
        index += 1
    first_rows, last_cols = factors[0].shape[0], factors[-1].shape[1]
    out = tuple(i for i, d in ((0, first_rows), (index, last_cols)) if d != 1)
    return einsum(ops, subs, out, sizes, coeff)


class _FromSympy:
    """The conversion of one SymPy expression (memoised on subexpressions)."""

    def __init__(self, dims: set[Any]) -> None:
        self.memo: dict[Any, Node] = {}
        self.dims = dims  # dimension symbols: constants, not variables

    def __call__(self, e: Any) -> Node:
        node = self.memo.get(e)
        if node is None:
            node = self.convert(e)
            self.memo[e] = node
        return node

    def convert(self, e: Any) -> Node:
        for cls in type(e).__mro__:
            rule = _FROM.get(cls)
            if rule is not None:
                return rule(self, e)
        if isinstance(e, MatrixExpr):
            raise NotSupportedError(f"no rule for the matrix operation {type(e).__name__}")
        return self.scalar(e)

    def scalar(self, e: Any) -> Node:
        """A scalar expression: its matrix-valued parts become arguments of a Map."""
        if e.is_number:
            return Const(e)
        parts: dict[Any, Any] = {}
        body = self.parts(e, parts)
        args = [self(p) for p in parts]
        for p, a in zip(parts, args, strict=True):
            if a.order:
                raise NotSupportedError(f"{p} is not a scalar")
        return map_(name_functions(body), args, ())

    def parts(self, e: Any, parts: dict[Any, Any]) -> Any:
        """``e`` with its matrix-valued parts and variables replaced by ``U[k]``, top down."""
        if isinstance(e, MatrixElement):
            raise NotSupportedError("matrix entries such as X[0, 1] are not matrix calculus")
        is_variable = isinstance(e, sympy.Symbol) and isinstance(self.scalar_symbol(e), Var)
        if is_variable or isinstance(e, (sympy.Trace, sympy.Determinant, MatrixExpr)):
            if e not in parts:
                parts[e] = U[len(parts)]
            return parts[e]
        if not e.args:
            return e
        return e.func(*(self.parts(a, parts) for a in e.args))

    def symbol(self, e: Any) -> Node:
        return Var(e)

    def scalar_symbol(self, e: Any) -> Node:
        return Const(e) if e in self.dims or (e.is_integer and e.is_positive) else Var(e)

    def matmul(self, e: Any) -> Node:
        scalars = [a for a in e.args if not _is_matrix(a)]
        mats = [a for a in e.args if _is_matrix(a)]
        node = _chain(mats, self)
        if scalars:
            s = self.scalar(sympy.Mul(*scalars))
            node = einsum(
                [s, node],
                [(), tuple(range(node.order))],
                tuple(range(node.order)),
                dict(enumerate(node.dims)),
            )
        return node

    def matadd(self, e: Any) -> Node:
        return add(*(self(a) for a in e.args))

    def transpose(self, e: Any) -> Node:
        return transpose(self(e.arg))

    def inverse(self, e: Any) -> Node:
        return inv(self(e.arg))

    def matpow(self, e: Any) -> Node:
        base, p = e.args
        if not (p.is_Integer and p != 0):
            raise NotSupportedError(f"the matrix power {e} (an integer power only)")
        node = self(base)
        if p < 0:
            node = inv(node)
        out = node
        for _ in range(abs(int(p)) - 1):
            out = matmul(out, node)
        return out

    def trace(self, e: Any) -> Node:
        node = self(e.arg)
        if node.order == 0:
            return node
        if node.order != 2:
            raise NotSupportedError(f"the trace of {e.arg}")
        return einsum([node], [(0, 0)], (), {0: node.dims[0]})

    def determinant(self, e: Any) -> Node:
        node = self(e.arg)
        return node if node.order == 0 else det(node)

    def identity(self, e: Any) -> Node:
        n = e.shape[0]
        return Const(1) if n == 1 else einsum([], [], (0, 0), {0: n})

    def ones(self, e: Any) -> Node:
        return Const(1, _unit_free(e.shape))

    def zeros(self, e: Any) -> Node:
        return Const(0, _unit_free(e.shape))

    def hadamard(self, e: Any) -> Node:
        args = [self(a) for a in e.args]
        return map_(sympy.Mul(*U[: len(args)]), args, _unit_free(e.shape))

    def hadamard_power(self, e: Any) -> Node:
        base, p = e.args
        if _is_matrix(p):
            raise NotSupportedError(f"a matrix exponent in {e}")
        return map_(U[0] ** U[1], [self(base), self.scalar(p)], _unit_free(e.shape))

    def applyfunc(self, e: Any) -> Node:
        fn = e.function
        d = sympy.Dummy("x")
        body = fn(d)
        return map_(name_functions(body.xreplace({d: U[0]})), [self(e.expr)], _unit_free(e.shape))

    def diag_matrix(self, e: Any) -> Node:
        node = self(e.args[0])
        if node.order != 1:
            raise NotSupportedError(f"diag of {e.args[0]}, which is not a vector")
        return einsum([node], [(0,)], (0, 0), {0: node.dims[0]})

    def diagonal_of(self, e: Any) -> Node:
        node = self(e.args[0])
        if node.order == 0:
            return node
        return einsum([node], [(0, 0)], (0,), {0: node.dims[0]})

    def explicit(self, e: Any) -> Node:
        if e.shape == (1, 1):
            return self.scalar(e[0, 0])
        raise NotSupportedError("an explicit matrix is not a matrix expression")


_FROM: dict[type, Any] = {
    sympy.MatrixSymbol: _FromSympy.symbol,
    sympy.Symbol: _FromSympy.scalar_symbol,
    sympy.MatMul: _FromSympy.matmul,
    sympy.MatAdd: _FromSympy.matadd,
    sympy.Transpose: _FromSympy.transpose,
    sympy.Inverse: _FromSympy.inverse,
    sympy.MatPow: _FromSympy.matpow,
    sympy.Trace: _FromSympy.trace,
    sympy.Determinant: _FromSympy.determinant,
    sympy.Identity: _FromSympy.identity,
    sympy.OneMatrix: _FromSympy.ones,
    sympy.ZeroMatrix: _FromSympy.zeros,
    HadamardProduct: _FromSympy.hadamard,
    HadamardPower: _FromSympy.hadamard_power,
    ElementwiseApplyFunction: _FromSympy.applyfunc,
    DiagMatrix: _FromSympy.diag_matrix,
    DiagonalOf: _FromSympy.diagonal_of,
    sympy.MatrixBase: _FromSympy.explicit,
}


def from_sympy(expr: Any) -> Node:
    """The node of a SymPy matrix or scalar expression of MatrixSymbols.

    Raises:
        NotSupportedError: For an operation the engine has no rule for.

    Examples:
        >>> X, w = sympy.MatrixSymbol("X", 3, 2), sympy.MatrixSymbol("w", 2, 1)
        >>> from_sympy(X * w)
        Einsum(1·ab,b->a; Var(X), Var(w))
    """
    dims = {
        d
        for m in sympy.preorder_traversal(expr)
        if isinstance(m, MatrixExpr)
        for d in m.shape
        if isinstance(d, sympy.Symbol)
    }
    return _FromSympy(dims)(expr)


def substitute(root: Node, mapping: Mapping[int, Node]) -> Node:
    """``root`` with the nodes whose ids are keys of ``mapping`` replaced."""
    memo: dict[int, Node] = {}
    for node in walk(root):
        if id(node) in mapping:
            memo[id(node)] = mapping[id(node)]
        else:
            memo[id(node)] = rebuild(node, [memo[id(c)] for c in node.children()])
    return memo[id(root)]


def rebuild(node: Node, children: Iterable[Node]) -> Node:
    kids = list(children)
    if isinstance(node, Einsum):
        return einsum(kids, node.subs, node.out, dict(enumerate(node.sizes)), node.coeff)
    if isinstance(node, Map):
        return map_(node.body, kids, node.dims)
    if isinstance(node, Inv):
        return inv(kids[0])
    if isinstance(node, Det):
        return det(kids[0])
    return node
