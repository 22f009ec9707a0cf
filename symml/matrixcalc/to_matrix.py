r"""From index form back to matrix notation, simplified.

:func:`to_matrix` writes a node of order ≤ 2 as a SymPy matrix expression (a vector as a
column, a scalar as a scalar), :func:`to_vec` a node of order 3 or 4 (a derivative of a
matrix, or by a matrix) as ∂vec(F)/∂vec(X)ᵀ with Kronecker products.

A contraction is a small tensor network: operands of order ≤ 2 joined by indices. It is
reduced one rule at a time (:class:`_Network`), each rule a matrix identity read
backwards:

* an index only one operand has is summed with a ones vector (``1ᵀA``, ``A1``);
* an operand with the same index twice is its diagonal (``diag(A)``);
* two operands on the same indices are a Hadamard product (``A ⊙ B``, ``A ⊙ Bᵀ``), or,
  when those indices are summed, a trace (``tr(AᵀB)``, ``aᵀb``);
* two operands sharing an index nothing else has are a matrix product, transposed as
  needed (``AB``, ``AᵀB``, ``Aᵀx``);
* a vector on an index that three operands share (a Hadamard-like "hyperedge") becomes a
  diagonal matrix (``Xᵀ diag(s) X``);

and what is left is an outer product (``u vᵀ``), a broadcast (``1 vᵀ``), a diagonal matrix
(``diag(v)``, ``I``) or a Kronecker product. Element-wise functions are written as sums,
Hadamard products and functions applied entry by entry (σ(Xw)); sums collect like terms
and factor out common first and last factors (``Ax + Aᵀx = (A + Aᵀ)x``).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sympy
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
from sympy.matrices.expressions.diagonal import DiagMatrix, DiagonalOf
from sympy.matrices.expressions.hadamard import HadamardPower, HadamardProduct
from sympy.matrices.expressions.matexpr import MatrixExpr

from symml.errors import NotSupportedError
from symml.matrix_parsing import U as LAMBDA_VAR
from symml.matrix_parsing import as_scalar
from symml.matrixcalc.functions import plain
from symml.matrixcalc.tensor import Const, Det, Einsum, Inv, Map, Node, U, Var, einsum

__all__ = ["Vec", "simplify_sum", "to_matrix", "to_vec", "transpose"]


class Vec(MatrixExpr):
    """vec(A): the columns of A stacked into one column (column-major)."""

    def __new__(cls, arg: Any) -> Vec:
        return super().__new__(cls, arg)  # type: ignore[no-any-return]

    @property
    def arg(self) -> Any:
        return self.args[0]

    @property
    def shape(self) -> tuple[Any, Any]:
        rows, cols = self.arg.shape
        return (rows * cols, sympy.S.One)

    def _latex(self, printer: Any) -> str:
        return rf"\operatorname{{vec}}\left({printer._print(self.arg)}\right)"


def _is_matrix(e: Any) -> bool:
    return isinstance(e, MatrixExpr)


# --- matrix expressions, tidied as they are built ---------------------------------------------


def transpose(e: Any) -> Any:
    """Aᵀ, pushed inside products, sums and element-wise functions (a symmetric symbol,
    ``diag(v)``, ``I`` and a scalar are their own transposes)."""
    if not _is_matrix(e):
        return e
    rule = _TRANSPOSE.get(type(e))
    if rule is not None:
        return rule(e)
    if isinstance(e, sympy.MatrixSymbol):
        return e.T
    return sympy.Transpose(e)


def _t_inverse(e: Any) -> Any:
    inner = transpose(e.arg)
    return sympy.Inverse(inner) if not isinstance(inner, sympy.Transpose) else sympy.Transpose(e)


def _t_add(e: Any) -> Any:
    """(A + B)ᵀ, written Aᵀ + Bᵀ when that has fewer transposes ((Mᵀ − VᵀUᵀ)ᵀ = M − UV)."""
    spread = sympy.MatAdd(*[transpose(a) for a in e.args])
    return spread if _transposes(spread) <= _transposes(e) else sympy.Transpose(e)


_TRANSPOSE: dict[type, Any] = {
    sympy.MatAdd: _t_add,
    sympy.Transpose: lambda e: e.arg,
    sympy.MatMul: lambda e: mul(*[transpose(a) for a in reversed(e.args)]),
    sympy.Inverse: _t_inverse,
    DiagMatrix: lambda e: e,
    sympy.Identity: lambda e: e,
    sympy.OneMatrix: lambda e: sympy.OneMatrix(e.shape[1], e.shape[0]),
    sympy.ZeroMatrix: lambda e: sympy.ZeroMatrix(e.shape[1], e.shape[0]),
    sympy.KroneckerProduct: lambda e: sympy.KroneckerProduct(*[transpose(a) for a in e.args]),
}


def mul(*factors: Any) -> Any:
    """The product of scalars and matrices (nested products flattened, identities dropped,
    scalars in front; a sum stays a factor)."""
    flat: list[Any] = []
    for f in factors:
        flat += list(f.args) if isinstance(f, sympy.MatMul) else [f]
    scalars = [f for f in flat if not _is_matrix(f)]
    mats = [f for f in flat if _is_matrix(f) and not isinstance(f, sympy.Identity)]
    c = sympy.Mul(*scalars)
    if not mats:
        ident = [f for f in flat if isinstance(f, sympy.Identity)]
        if not ident:
            return c
        mats = ident[:1]
    if c == 0:
        rows, cols = mats[0].shape[0], mats[-1].shape[1]
        return sympy.ZeroMatrix(rows, cols)
    if c == 1:
        return mats[0] if len(mats) == 1 else sympy.MatMul(*mats)
    return sympy.MatMul(c, *mats)


def _transposes(e: Any) -> int:
    return sum(isinstance(a, sympy.Transpose) for a in sympy.preorder_traversal(e))


def scalar(e: Any) -> Any:
    """A 1×1 matrix expression as a scalar, written with as few transposes as possible
    (``xᵀAᵀx`` is ``xᵀAx``)."""
    if not (_is_matrix(e) and e.shape == (1, 1)):
        return e
    options = [e, transpose(e)]
    best = min(options, key=lambda o: (_transposes(o), str(o)))
    return as_scalar(best)


def _terms(e: Any) -> list[Any]:
    return list(e.args) if isinstance(e, sympy.MatAdd) else [e]


def _split(term: Any) -> tuple[Any, tuple[Any, ...]]:
    """A term as (scalar coefficient, matrix factors)."""
    if isinstance(term, sympy.MatMul):
        scalars = [a for a in term.args if not _is_matrix(a)]
        return sympy.Mul(*scalars), tuple(a for a in term.args if _is_matrix(a))
    return sympy.S.One, (term,)


def _expand_term(t: Any) -> list[Any]:
    """A summand with the sums inside a transpose distributed: (A − B)ᵀ → Aᵀ − Bᵀ."""
    c, mats = _split(t)
    if (
        len(mats) == 1
        and isinstance(mats[0], sympy.Transpose)
        and isinstance(mats[0].arg, sympy.MatAdd)
    ):
        return [mul(c, transpose(a)) for a in mats[0].arg.args]
    return [t]


def simplify_sum(terms: Sequence[Any]) -> Any:
    """A sum of matrices with like terms collected, a common number and a common first or
    last factor taken out (``Ax + Aᵀx`` → ``(A + Aᵀ)x``)."""
    flat = [
        e
        for term in terms
        for t in _terms(term)
        for e in _expand_term(t)
        if not isinstance(e, sympy.ZeroMatrix)
    ]
    if not flat:
        return terms[0] if terms else sympy.S.Zero
    shape = flat[0].shape
    collected: dict[tuple[Any, ...], Any] = {}
    for term in flat:
        c, mats = _split(term)
        collected[mats] = collected.get(mats, sympy.S.Zero) + c
    live = [(c, m) for m, c in collected.items() if c != 0]
    if not live:
        return sympy.ZeroMatrix(*shape)
    if len(live) == 1:
        return mul(live[0][0], *live[0][1])
    common = _common_number([c for c, _ in live])
    if common != 1:
        return mul(common, _factor([(c / common, m) for c, m in live]))
    return _factor(live)


def _common_number(coeffs: list[Any]) -> Any:
    """The rational factor all coefficients share (½ in ½A − ½B), else 1."""
    numbers = [sympy.Mul(*[f for f in sympy.Mul.make_args(c) if f.is_Rational]) for c in coeffs]
    if not all(n.is_Rational and n != 0 for n in numbers):
        return sympy.S.One
    g = functools.reduce(sympy.gcd, [abs(n) for n in numbers])
    return g if g != 1 and all((n / g).is_Integer for n in numbers) else sympy.S.One


def _factor(live: list[tuple[Any, tuple[Any, ...]]]) -> Any:
    """Terms sharing a last (else a first) matrix factor, grouped and factored."""
    for end in (-1, 0):
        groups: dict[Any, list[tuple[Any, tuple[Any, ...]]]] = {}
        for c, m in live:
            key = m[end] if len(m) > 1 else None
            groups.setdefault(key, []).append((c, m))
        big = {k: g for k, g in groups.items() if k is not None and len(g) > 1}
        if not big:
            continue
        out = []
        for key, group in groups.items():
            if key not in big:
                out += [mul(c, *m) for c, m in group]
                continue
            rest = [(c, m[:-1] if end == -1 else m[1:]) for c, m in group]
            inner = _common_scalar(rest)
            out.append(mul(inner, key) if end == -1 else mul(key, inner))
        return out[0] if len(out) == 1 else sympy.MatAdd(*out)
    return sympy.MatAdd(*[mul(c, *m) for c, m in live])


def _common_scalar(terms: list[tuple[Any, tuple[Any, ...]]]) -> Any:
    """Σ c·Mₖ with one c: c·(Σ Mₖ)."""
    coeffs = {c for c, _ in terms}
    if len(coeffs) == 1 and coeffs != {1}:
        (c,) = coeffs
        return mul(c, simplify_sum([mul(*m) for _, m in terms]))
    return simplify_sum([mul(c, *m) for c, m in terms])


def _ones(rows: Any, cols: Any) -> Any:
    return sympy.OneMatrix(rows, cols)


def _broadcast(e: Any, shape: tuple[Any, Any]) -> Any:
    """A scalar as a matrix of ``shape`` (e times the all-ones matrix)."""
    if _is_matrix(e):
        return e
    return mul(e, _ones(*shape))


def _elementwise(fn: Any, arg: Any) -> Any:
    lam = sympy.Lambda(LAMBDA_VAR, plain(fn(LAMBDA_VAR)))
    return ElementwiseApplyFunction(lam, arg)


# --- the translation of nodes -----------------------------------------------------------------


def _shape(dims: tuple[Any, ...]) -> tuple[Any, Any]:
    if len(dims) == 0:
        return (sympy.S.One, sympy.S.One)
    if len(dims) == 1:
        return (dims[0], sympy.S.One)
    return (dims[0], dims[1])


class _Translator:
    def __init__(self) -> None:
        self.memo: dict[int, Any] = {}

    def __call__(self, node: Node) -> Any:
        got = self.memo.get(id(node))
        if got is None:
            if node.order > 2:
                raise NotSupportedError(f"a tensor of order {node.order} in a matrix formula")
            got = _RULES[type(node)](self, node)
            self.memo[id(node)] = got
        return got

    def var(self, node: Var) -> Any:
        s = node.symbol
        if not _is_matrix(s):
            return s
        rows, cols = s.shape
        if rows == 1 and cols == 1:
            return as_scalar(s)
        return s.T if rows == 1 else s

    def const(self, node: Const) -> Any:
        if not node.dims:
            return node.value
        return _broadcast(node.value, _shape(node.dims))

    def inv(self, node: Inv) -> Any:
        return sympy.Inverse(self(node.arg))

    def det(self, node: Det) -> Any:
        return sympy.Determinant(self(node.arg))

    def map(self, node: Map) -> Any:
        args = [self(a) for a in node.args]
        sides = [_broadcast_side(a) for a in node.args]
        vectors = [
            self(_broadcast_vector(a)) if side else None
            for a, side in zip(node.args, sides, strict=True)
        ]
        shape = _shape(node.dims) if node.dims else None
        return _Body(args, shape, sides, vectors).build(node.body)

    def einsum(self, node: Einsum) -> Any:
        factors = [(self(o), s) for o, s in zip(node.operands, node.subs, strict=True)]
        net = _Network(factors, node.sizes, node.coeff)
        return net.assemble(node.out)


_RULES: dict[type, Any] = {
    Var: _Translator.var,
    Const: _Translator.const,
    Inv: _Translator.inv,
    Det: _Translator.det,
    Map: _Translator.map,
    Einsum: _Translator.einsum,
}


def _broadcast_side(node: Node) -> str | None:
    """ "rows" for a vector v broadcast along the rows of a matrix (v 1ᵀ), "cols" for
    1 vᵀ, ``None`` for anything else."""
    if not (isinstance(node, Einsum) and node.order == 2 and node.out[0] != node.out[1]):
        return None
    vectors = [s for o, s in zip(node.operands, node.subs, strict=True) if o.order]
    if len(vectors) != 1 or len(vectors[0]) != 1:
        return None
    if vectors[0] == (node.out[0],):
        return "rows"
    return "cols" if vectors[0] == (node.out[1],) else None


def _broadcast_vector(node: Node) -> Node:
    assert isinstance(node, Einsum)  # _broadcast_side said so
    (i,) = next(s for o, s in zip(node.operands, node.subs, strict=True) if o.order)
    return einsum(list(node.operands), node.subs, (i,), dict(enumerate(node.sizes)), node.coeff)


@dataclass
class _Body:
    """The translation of an element-wise body with its arguments' matrix forms (and,
    for an argument that is a vector broadcast along rows or columns, that vector)."""

    args: list[Any]
    shape: tuple[Any, Any] | None  # None: a scalar
    sides: list[str | None]
    vectors: list[Any]

    def is_matrix(self, e: Any) -> bool:
        return any(_is_matrix(self.args[_U_POS[s]]) for s in e.free_symbols if s in _U_POS)

    def build(self, e: Any) -> Any:
        if e in _U_POS:
            return self.args[_U_POS[e]]
        if not self.is_matrix(e):
            return plain(e.xreplace({U[k]: a for k, a in enumerate(self.args)}))
        if e.is_Add:
            shape = self.shape or (1, 1)
            return simplify_sum([_broadcast(self.build(t), shape) for t in e.args])
        if e.is_Mul:
            return self.product(e)
        if e.is_Pow:
            base, p = e.args
            if p.is_number and p < 0:  # 1 ⊘ A^{⊙|p|}
                return HadamardPower(self.build(base ** (-p)), -1)
            if p == sympy.S.Half:
                return _elementwise(sympy.sqrt, self.build(base))
            return HadamardPower(self.build(base), p)
        if isinstance(e, sympy.Function) and all(not self.is_matrix(a) for a in e.args[1:]):
            rest = e.args[1:]
            return _elementwise(lambda v: e.func(v, *rest), self.build(e.args[0]))
        raise NotSupportedError(f"no matrix form for the element-wise function {e}")

    def product(self, e: Any) -> Any:
        """c · diag(u) (A ⊙ B ⊙ …) diag(v): broadcast vectors scale rows and columns."""
        scalars: list[Any] = []
        mats: list[Any] = []
        left: list[Any] = []
        right: list[Any] = []
        for f in e.args:
            base, p = (f.base, f.exp) if f.is_Pow and f.exp.is_number else (f, sympy.S.One)
            k = _U_POS.get(base)
            side = self.sides[k] if k is not None else None
            if side is not None and k is not None:
                v = self.vectors[k] if p == 1 else HadamardPower(self.vectors[k], p)
                (left if side == "rows" else right).append(DiagMatrix(v))
            elif self.is_matrix(f):
                mats.append(f)
            else:
                scalars.append(f)
        coeff = plain(sympy.Mul(*scalars).xreplace({U[k]: a for k, a in enumerate(self.args)}))
        built = [self.build(f) for f in mats]
        if not built:
            built = [_ones(*(self.shape or (1, 1)))]
        core = built[0] if len(built) == 1 else HadamardProduct(*built)
        return mul(coeff, *left, core, *right)


_U_POS = {u: k for k, u in enumerate(U)}


@dataclass
class _Factor:
    """A matrix expression whose rows and columns are the indices ``row`` and ``col``
    (``None``: that side has size 1)."""

    expr: Any
    row: int | None
    col: int | None

    @property
    def labels(self) -> list[int]:
        return [i for i in (self.row, self.col) if i is not None]

    def transposed(self) -> _Factor:
        return _Factor(transpose(self.expr), self.col, self.row)

    def with_row(self, i: int) -> _Factor:
        """Oriented so that index ``i`` runs down the rows."""
        return self if self.row == i else self.transposed()

    def with_col(self, i: int) -> _Factor:
        return self if self.col == i else self.transposed()


class _Network:
    """A contraction of matrices, vectors and scalars, reduced to matrix notation."""

    def __init__(self, operands: list[tuple[Any, tuple[int, ...]]], sizes: Any, coeff: Any):
        self.sizes = dict(enumerate(sizes))
        self.coeff = sympy.sympify(coeff)
        self.factors: list[_Factor] = []
        self.fresh = itertools.count(len(self.sizes))
        for expr, sub in operands:
            if not sub:
                self.coeff *= expr
            elif len(sub) == 1:
                self.factors.append(_Factor(expr, sub[0], None))
            else:
                self.factors.append(_Factor(expr, sub[0], sub[1]))

    def places(self, i: int, out: tuple[int, ...]) -> int:
        return sum(f.labels.count(i) for f in self.factors) + (i in out)

    def scalar(self, f: _Factor) -> None:
        self.coeff *= scalar(f.expr)
        self.factors.remove(f)

    # --- the rules, each returns whether it changed the network ------------------------------

    def diagonal(self, out: tuple[int, ...]) -> bool:
        for f in self.factors:
            if f.row is not None and f.row == f.col:
                f.expr, f.col = DiagonalOf(f.expr), None
                return True
        return False

    def sum_out(self, out: tuple[int, ...]) -> bool:
        for f in list(self.factors):
            for i in f.labels:
                if self.places(i, out) == 1 and i not in out:
                    n = self.sizes[i]
                    if f.row == i:
                        f.expr, f.row = mul(_ones(1, n), f.expr), None
                    else:
                        f.expr, f.col = mul(f.expr, _ones(n, 1)), None
                    if not f.labels:
                        self.scalar(f)
                    return True
        return False

    def merge(self, out: tuple[int, ...]) -> bool:
        for a, b in itertools.combinations(self.factors, 2):
            if sorted(a.labels) != sorted(b.labels):
                continue
            summed = all(self.places(i, out) == 2 and i not in out for i in a.labels)
            first = a.labels[0]
            a2, b2 = a.with_row(first), b.with_row(first)
            self.factors.remove(b)
            if summed:  # tr(AB) when the indices cross, else tr(AᵀB); aᵀb
                self.factors.remove(a)
                crossed = len(a.labels) == 2 and a.col == b.row and a.row == b.col
                product = mul(a.expr, b.expr) if crossed else mul(transpose(a2.expr), b2.expr)
                self.coeff *= sympy.Trace(product) if product.shape != (1, 1) else scalar(product)
                return True
            a.expr, a.row, a.col = HadamardProduct(a2.expr, b2.expr), a2.row, a2.col
            return True
        return False

    def contract(self, out: tuple[int, ...]) -> bool:
        for a, b in itertools.permutations(self.factors, 2):
            shared = [i for i in a.labels if i in b.labels]
            if len(shared) != 1:
                continue
            k = shared[0]
            if self.places(k, out) != 2 or k in out:
                continue
            if len(a.labels) == 1 and len(b.labels) == 2:
                continue  # the matrix on the left, the vector as a column on its right
            left, right = a.with_col(k), b.with_row(k)
            self.factors.remove(b)
            a.expr, a.row, a.col = mul(left.expr, right.expr), left.row, right.col
            if not a.labels:
                self.scalar(a)
            return True
        return False

    def hyperedge(self, out: tuple[int, ...]) -> bool:
        for v in self.factors:
            if len(v.labels) != 1 or self.places(v.labels[0], out) < 3:
                continue
            i = v.labels[0]
            others = sorted(
                (f for f in self.factors if f is not v and i in f.labels),
                key=lambda f: -len(f.labels),
            )
            if not others:
                continue
            j = next(self.fresh)
            self.sizes[j] = self.sizes[i]
            column = v.with_row(i).expr
            v.expr, v.row, v.col = DiagMatrix(column), i, j
            target = others[0]
            if target.row == i:
                target.row = j
            else:
                target.col = j
            return True
        return False

    RULES = ("diagonal", "sum_out", "merge", "contract", "hyperedge")

    def reduce(self, out: tuple[int, ...]) -> None:
        while any(getattr(self, rule)(out) for rule in self.RULES):
            pass
        for i in {i for f in self.factors for i in f.labels}:
            if i not in out:
                raise NotSupportedError("a contraction with no matrix form (a hyperedge)")

    # --- assembly --------------------------------------------------------------------------

    def assemble(self, out: tuple[int, ...]) -> Any:
        self.reduce(out)
        if not out:
            return self.coeff
        if len(out) == 1:
            return mul(self.coeff, self.column(out[0]))
        i, j = out
        if i == j:
            vec = [f for f in self.factors if f.labels == [i]]
            body = DiagMatrix(self.column(i)) if vec else sympy.Identity(self.sizes[i])
            return mul(self.coeff, body)
        both = [f for f in self.factors if sorted(f.labels) == sorted([i, j])]
        if both:
            return mul(self.coeff, both[0].with_row(i).expr)
        return mul(self.coeff, self.column(i), transpose(self.column(j)))

    def column(self, i: int) -> Any:
        found = [f for f in self.factors if f.labels == [i]]
        if not found:
            return _ones(self.sizes[i], 1)
        return found[0].with_row(i).expr


def to_matrix(node: Node) -> Any:
    """The matrix notation of a node of order ≤ 2 (a vector as a column).

    Examples:
        >>> from symml.matrixcalc.tensor import from_sympy
        >>> x, A = sympy.MatrixSymbol("x", 3, 1), sympy.MatrixSymbol("A", 3, 3)
        >>> to_matrix(from_sympy((A * x).T * A))
        A.T*A*x
    """
    return _Translator()(node)


# --- vec form ----------------------------------------------------------------------------------


def _expand(node: Node) -> list[Node]:
    """A tensor as a list of contractions of order-≤2 operands (sums distributed)."""
    if node.order <= 2:
        return [node]
    if isinstance(node, Const):
        return [] if node.value == 0 else [node]
    if isinstance(node, Map):
        coeffs = sympy.Poly(node.body, *U[: len(node.args)]) if node.body.is_polynomial() else None
        if coeffs is None or coeffs.total_degree() > 1:
            raise NotSupportedError("a non-linear function of a derivative tensor")
        out: list[Node] = []
        for k, arg in enumerate(node.args):
            c = coeffs.coeff_monomial(U[k])
            idx = tuple(range(arg.order))
            out += [
                einsum([t], [idx], idx, dict(zip(idx, arg.dims, strict=True)), c)
                for t in _expand(arg)
            ]
        return out
    if isinstance(node, Einsum):
        choices = [_expand(o) if o.order > 2 else [o] for o in node.operands]
        sizes = dict(enumerate(node.sizes))
        return [
            einsum(list(combo), node.subs, node.out, sizes, node.coeff)
            for combo in itertools.product(*choices)
        ]
    raise NotSupportedError(f"no vec form for {type(node).__name__} of order {node.order}")


def to_vec(node: Node, f_shape: tuple[Any, Any], x_shape: tuple[Any, Any]) -> Any:
    """∂vec(F)/∂vec(X)ᵀ from the tangent ``node`` (F's indices, then X's; unit dimensions
    absent), with Kronecker products: a term A[fr, xr]·B[fc, xc] is B ⊗ A.

    Raises:
        NotSupportedError: For a term that needs a commutation matrix.
    """
    tr = _Translator()
    terms = []
    for term in _expand(node):
        terms.append(_vec_term(term, tr, f_shape, x_shape))
    if not terms:
        return sympy.ZeroMatrix(f_shape[0] * f_shape[1], x_shape[0] * x_shape[1])
    return _simplify_kron(terms)


class CommutationMatrix(MatrixExpr):
    """K_{m,n}: the mn×mn permutation with K vec(A) = vec(Aᵀ) for an m×n matrix A."""

    def __new__(cls, m: Any, n: Any) -> CommutationMatrix:
        return super().__new__(cls, sympy.sympify(m), sympy.sympify(n))  # type: ignore[no-any-return]

    @property
    def shape(self) -> tuple[Any, Any]:
        m, n = self.args
        return (m * n, m * n)

    def _latex(self, printer: Any) -> str:
        m, n = self.args
        return rf"K_{{{printer._print(m)},{printer._print(n)}}}"


#: The ways a term of ∂vec(F)/∂vec(X)ᵀ factors into matrix notation: the positions (F's
#: rows "fr" and columns "fc", X's "xr" and "xc") each of two factors covers, and how the
#: two are combined: F[fr,fc] depends on X[xr,xc] through A[fr,xr]·B[fc,xc] (B ⊗ A), through
#: P[fr,fc]·Q[xr,xc] (vec(P) vec(Q)ᵀ) or through P[fr,xc]·R[fc,xr] ((R ⊗ P) K).
_VEC_FORMS: tuple[tuple[tuple[str, str], tuple[str, str], str], ...] = (
    (("fr", "xr"), ("fc", "xc"), "kron"),
    (("fr", "fc"), ("xr", "xc"), "outer"),
    (("fr", "xc"), ("fc", "xr"), "commute"),
)


def _vec_term(term: Node, tr: _Translator, f_shape: Any, x_shape: Any) -> Any:
    dims = {"fr": f_shape[0], "fc": f_shape[1], "xr": x_shape[0], "xc": x_shape[1]}
    present = [name for name in ("fr", "fc", "xr", "xc") if dims[name] != 1]
    if isinstance(term, Const):
        sizes = tuple(dims[p] for p in present)
        idx = tuple(range(len(sizes)))
        term = einsum([term], [idx], idx, dict(enumerate(sizes)))
    if not isinstance(term, Einsum):
        raise NotSupportedError("a derivative tensor that is not a contraction")
    label = dict(zip(present, term.out, strict=True))
    factors = [(tr(o), s) for o, s in zip(term.operands, term.subs, strict=True)]
    net = _Network(factors, term.sizes, term.coeff)
    net.reduce(tuple(dict.fromkeys(term.out)))
    scale = _diag_vec(net, label) if not _factorizable(net, label) else None
    for first, second, how in _VEC_FORMS:
        sides = [_side_labels(label, first), _side_labels(label, second)]
        if not _separates(net, label, sides):
            continue
        a, b = (_side_matrix(net, side) for side in sides)
        rest = _VEC_COMBINE[how](a, b, x_shape)
        return mul(net.coeff, scale, rest) if scale is not None else mul(net.coeff, rest)
    raise NotSupportedError("a derivative whose vec form has no Kronecker factorization")


def _factorizable(net: _Network, label: dict[str, int]) -> bool:
    return any(
        _separates(net, label, [_side_labels(label, a), _side_labels(label, b)])
        for a, b, _ in _VEC_FORMS
    )


def _diag_vec(net: _Network, label: dict[str, int]) -> Any:
    """diag(vec P) for the factors P on F's own indices (an element-wise function of a
    matrix: ∂vec σ(XW)/∂vec(W)ᵀ = diag(vec σ'(XW)) (I ⊗ X)), taken out of the network."""
    fr, fc = label.get("fr"), label.get("fc")
    if fr is None or fc is None or fr == fc:
        return None
    mine = [f for f in net.factors if sorted(f.labels) == sorted([fr, fc])]
    if not mine:
        return None
    for f in mine:
        net.factors.remove(f)
    parts = [f.with_row(fr).expr for f in mine]
    p = parts[0] if len(parts) == 1 else HadamardProduct(*parts)
    return DiagMatrix(Vec(p))


def _side_labels(label: dict[str, int], side: tuple[str, str]) -> tuple[int | None, int | None]:
    return (label.get(side[0]), label.get(side[1]))


def _separates(net: _Network, label: dict[str, int], sides: list[tuple[Any, Any]]) -> bool:
    """Whether every factor, and every index repeated in ``out``, lies within one side."""
    owner: dict[int, set[int]] = {}
    for k, side in enumerate(sides):
        for i in side:
            if i is not None:
                owner.setdefault(i, set()).add(k)
    if any(len(o) > 1 for o in owner.values()):
        return False
    return all(len({next(iter(owner[i])) for i in f.labels}) <= 1 for f in net.factors)


def _side_matrix(net: _Network, side: tuple[int | None, int | None]) -> Any:
    """The matrix of one side (rows: its first index, columns: its second; ``None`` for a
    size-1 side), built from the factors on those indices."""
    r, c = side
    labels = {i for i in side if i is not None}
    mine = [f for f in net.factors if set(f.labels) <= labels and f.labels]
    sub = _Network([], (), 1)
    sub.sizes, sub.factors = net.sizes, mine
    if r is None and c is None:
        return sympy.S.One
    if r is None or c is None:
        vector = sub.assemble((r if r is not None else c,))  # type: ignore[arg-type]
        return vector if r is not None else transpose(vector)
    return sub.assemble((r, c))


def _kron(a: Any, b: Any, x_shape: Any) -> Any:
    if not _is_matrix(a) or not _is_matrix(b):
        return mul(a, b)
    if isinstance(a, sympy.Identity) and isinstance(b, sympy.Identity):
        return sympy.Identity(a.shape[0] * b.shape[0])
    return sympy.KroneckerProduct(b, a)


def _outer(p: Any, q: Any, x_shape: Any) -> Any:
    col = Vec(p) if _is_matrix(p) and 1 not in p.shape else p
    row = Vec(q) if _is_matrix(q) and 1 not in q.shape else (transpose(q) if _is_matrix(q) else q)
    return mul(col, transpose(row) if isinstance(row, Vec) else row)


def _commute(p: Any, r: Any, x_shape: Any) -> Any:
    return mul(_kron(p, r, x_shape), CommutationMatrix(*x_shape))


_VEC_COMBINE: dict[str, Any] = {"kron": _kron, "outer": _outer, "commute": _commute}


def _simplify_kron(terms: list[Any]) -> Any:
    """Σ B ⊗ Aₖ → B ⊗ Σ Aₖ (and the same on the left), then a plain sum."""
    if len(terms) == 1:
        return terms[0]
    split = [_kron_parts(t) for t in terms]
    if all(s is not None for s in split):
        lefts = {s[1] for s in split}  # type: ignore[index]
        if len(lefts) == 1:
            inner = simplify_sum([mul(s[0], s[2]) for s in split])  # type: ignore[index]
            return sympy.KroneckerProduct(split[0][1], inner)  # type: ignore[index]
        rights = {s[2] for s in split}  # type: ignore[index]
        if len(rights) == 1:
            inner = simplify_sum([mul(s[0], s[1]) for s in split])  # type: ignore[index]
            return sympy.KroneckerProduct(inner, split[0][2])  # type: ignore[index]
    return simplify_sum(terms)


def _kron_parts(term: Any) -> tuple[Any, Any, Any] | None:
    c, mats = _split(term)
    if len(mats) == 1 and isinstance(mats[0], sympy.KroneckerProduct) and len(mats[0].args) == 2:
        return c, mats[0].args[0], mats[0].args[1]
    return None
