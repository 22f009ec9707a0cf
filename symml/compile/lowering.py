"""The NumPy backend's batch path: BLAS for the affine parts, ufuncs into reused buffers.

Evaluating a formula on 10⁶ points with NumPy operators makes a new array for every
operation: the affine argument ``0.1*x0 - 0.54*x1 + 0.36*x2 - 0.22`` of one tanh costs five
full-size temporaries, each a fresh allocation the operating system must fault in. For
large batches of float64 points the generated function takes another path, printed here:

1. **Affine forms** of the inputs (the arguments of a network's hidden units) are
   collected into one coefficient matrix ``A`` and offset ``b``:
   ``Z = A @ stack(inputs) + b`` is one BLAS product (:func:`affine_forms`), and each form
   is a row of ``Z``; this is done when it saves passes over the data.
2. Every other operation is a ufunc writing into a buffer (``out=``): an operand no longer
   needed (an intermediate result, a shared subexpression or a row of ``Z`` at its last
   use) is overwritten in place, freed buffers are reused, and each component's last
   operation writes straight into the output (:func:`lower`).

The stable functions (softplus, expit, log-sum-exp) have ``*_to(..., out, tmp)`` forms
(:data:`INTO_HELPERS`). A tree with a node outside :data:`UFUNCS` and the node types
handled here gets no batch path (``lower`` returns ``None``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import sympy

from symml.compile.functions import NUMPY_FUNCTIONS
from symml.compile.printer import NumPyPrinter, common_subexpressions, float_literal
from symml.compile.stability import Expit, LogSumExp, Softplus

__all__ = ["INTO_HELPERS", "MIN_BATCH", "UFUNCS", "affine_forms", "lower"]

#: Fewest points for the batch path (below it, NumPy's own temporaries are cheap).
MIN_BATCH = 4096

#: SymPy functions whose NumPy (or ``scipy.special``) spelling is a ufunc taking ``out=``.
UFUNCS: Mapping[type, str] = {
    k: v
    for k, v in NUMPY_FUNCTIONS.items()
    if v.startswith(("numpy.", "scipy.special.")) and k not in (sympy.Max, sympy.Min)
}

#: Binary ufuncs for functions of several arguments (nested for more than two).
_BINARY: Mapping[type, str] = {
    sympy.Max: "numpy.maximum",
    sympy.Min: "numpy.minimum",
    sympy.atan2: "numpy.arctan2",
}

#: The stable functions' ``name(args..., out, tmp)`` forms, and their sources.
_INTO: Mapping[type, str] = {
    Softplus: "_softplus_to",
    Expit: "_expit_to",
    LogSumExp: "_logaddexp_to",
}

INTO_HELPERS: Mapping[str, str] = {
    "_softplus_to": """def _softplus_to(u, out, tmp):
    "out = log(1 + exp(u)) (out may be u)"
    numpy.abs(u, out=tmp)
    numpy.negative(tmp, out=tmp)
    numpy.exp(tmp, out=tmp)
    numpy.log1p(tmp, out=tmp)
    numpy.maximum(u, 0.0, out=out)
    numpy.add(out, tmp, out=out)""",
    "_expit_to": """def _expit_to(u, out, tmp):
    "out = exp(min(u, 0))/(1 + exp(-|u|)) = 1/(1 + exp(-u)) (out may be u)"
    numpy.abs(u, out=tmp)
    numpy.negative(tmp, out=tmp)
    numpy.exp(tmp, out=tmp)
    numpy.add(tmp, 1.0, out=tmp)
    numpy.minimum(u, 0.0, out=out)
    numpy.exp(out, out=out)
    numpy.divide(out, tmp, out=out)""",
    "_logsumexp_to": """def _logsumexp_to(args, out, tmp):
    "out = log(Σ exp(a) for a in args), the largest shifted out (out may be one of args)"
    m = numpy.maximum(args[0], args[1])
    for a in args[2:]:
        numpy.maximum(m, a, out=m)
    big = numpy.finfo(float).max
    numpy.clip(m, -big, big, out=m)  # ±inf: no inf - inf
    s = numpy.subtract(args[0], m)
    numpy.exp(s, out=s)
    for a in args[1:]:
        numpy.subtract(a, m, out=tmp)
        numpy.exp(tmp, out=tmp)
        numpy.add(s, tmp, out=s)
    numpy.log(s, out=s)
    numpy.add(m, s, out=out)""",
    "_logaddexp_to": """def _logaddexp_to(a, b, out, tmp):
    "out = log(exp(a) + exp(b)) (out may be a or b)"
    numpy.subtract(a, b, out=tmp)
    numpy.abs(tmp, out=tmp)
    numpy.negative(tmp, out=tmp)
    numpy.fmin(tmp, 0.0, out=tmp)
    numpy.exp(tmp, out=tmp)
    numpy.log1p(tmp, out=tmp)
    numpy.maximum(a, b, out=out)
    numpy.add(out, tmp, out=out)""",
}


class _Unsupported(Exception):
    """A node the batch path has no ufunc for."""


@dataclass
class _Operand:
    """A value in the generated code: its text, whether it is a buffer this code may
    overwrite (and must give back when done), and the named value it reads, if any (a
    shared subexpression not yet at its last use, an input)."""

    text: str
    owned: bool = False
    ref: str | None = None


def _linear_terms(
    expr: sympy.Basic, variables: frozenset[sympy.Symbol]
) -> tuple[dict[sympy.Symbol, sympy.Basic], sympy.Basic, list[sympy.Basic]] | None:
    """Split a sum into ``Σ c_i v_i + c`` (numeric ``c_i``, ``c``) and the other terms;
    ``None`` unless at least two of ``variables`` appear linearly."""
    if not isinstance(expr, sympy.Add):
        return None
    coefficients: dict[sympy.Symbol, sympy.Basic] = {}
    constant: sympy.Basic = sympy.S.Zero
    rest: list[sympy.Basic] = []
    for term in expr.args:
        c, v = term.as_coeff_Mul()
        if term.is_Number:
            constant += term
        elif v in variables and c.is_Number and v not in coefficients:
            coefficients[v] = c
        else:
            rest.append(term)
    return (coefficients, constant, rest) if len(coefficients) >= 2 else None


def affine_forms(
    components: Sequence[sympy.Basic], variables: Sequence[sympy.Symbol]
) -> tuple[list[sympy.Basic], list[list[float]], list[float]]:
    """Replace the affine forms ``Σ c_i x_i + c`` (at least two variables) in the
    components by the rows ``_z0, _z1, ...`` of ``Z = A @ X + b``.

    Returns:
        ``(components, A, b)``: the components in ``_z`` symbols, and the rows of ``A``
        (one coefficient per variable) and ``b``; no forms (``A == []``) where the product
        would not save passes over the data (``3n + 2k`` against the ``2m`` passes of the
        ``m`` terms of the forms, one by one).

    Examples:
        >>> x, y = sympy.symbols("x y")
        >>> affine_forms([sympy.tanh(x - 2 * y + 1)], (x, y))
        ([tanh(x - 2*y + 1)], [], [])
        >>> out, A, b = affine_forms([sympy.tanh(x - 2*y + 1) + sympy.sin(3*x + y)
        ...                           + sympy.exp(x + y) + sympy.cos(x - y)], (x, y))
        >>> out, A, b
        ([exp(_z1) + sin(_z2) + cos(_z0) + tanh(_z3)], [[1.0, -1.0], [1.0, 1.0], [3.0, 1.0], [1.0, -2.0]], [0.0, 0.0, 0.0, 1.0])
    """
    inputs = frozenset(variables)
    rows: dict[tuple[float, ...], sympy.Symbol] = {}
    A: list[list[float]] = []
    b: list[float] = []
    terms = 0
    done: dict[sympy.Basic, sympy.Basic] = {}

    def form(coefficients: dict[sympy.Symbol, sympy.Basic], constant: sympy.Basic) -> sympy.Symbol:
        nonlocal terms
        row = [float(coefficients.get(v, 0)) for v in variables]
        key = (*row, float(constant))
        if key not in rows:
            rows[key] = sympy.Symbol(f"_z{len(rows)}")
            A.append(row)
            b.append(float(constant))
            terms += len(coefficients)
        return rows[key]

    def visit(node: sympy.Basic) -> sympy.Basic:
        if node.is_Atom or not node.free_symbols & inputs:
            return node
        got = done.get(node)
        if got is None:
            split = _linear_terms(node, inputs)
            if split is not None:
                coefficients, constant, rest = split
                got = sympy.Add(form(coefficients, constant), *(visit(t) for t in rest))
            else:
                args = tuple(visit(a) for a in node.args)
                got = node if args == node.args else node.func(*args)
            done[node] = got
        return got

    out = [visit(c) for c in components]
    if not A or 3 * len(variables) + 2 * len(A) >= 2 * terms:
        return list(components), [], []
    return out, A, b


#: An operation still to apply: (ufunc, the thunk emitting its second operand, or None).
_Step = tuple[str, "Callable[[], _Operand] | None"]


@dataclass
class _Lowering:
    """The statements of the batch path, buffer by buffer."""

    names: dict[sympy.Basic, str]
    uses: Counter[str]
    pinned: set[str]
    pending: Counter[str] = field(default_factory=Counter)
    lines: list[str] = field(default_factory=list)
    free: list[str] = field(default_factory=list)
    made: int = 0
    printer: NumPyPrinter = field(default_factory=NumPyPrinter)

    def buffer(self) -> str:
        if self.free:
            return self.free.pop()
        name = f"_b{self.made}"
        self.made += 1
        self.lines.append(f"{name} = numpy.empty(_S)")
        return name

    def give_back(self, *operands: _Operand, keep: str | None = None) -> None:
        """The operands are used: free the buffers no one reads any more."""
        for op in operands:
            dead = op.owned
            if op.ref is not None:  # a read of a named value: dead once all are done
                self.pending[op.ref] -= 1
                dead = (
                    not self.pending[op.ref] and not self.uses[op.ref] and op.ref not in self.pinned
                )
            if dead and op.text != keep and op.text not in self.free:
                self.free.append(op.text)

    def target(self, out: str | None, *operands: _Operand) -> str:
        """Where an operation on ``operands`` writes: ``out``, else an operand it may
        overwrite, else a buffer."""
        if out is not None:
            return out
        for op in operands:
            if op.owned:
                return op.text
        return self.buffer()

    def apply(self, call: str, operands: list[_Operand], out: str | None) -> _Operand:
        """``call(operands..., out=target)``; the operands given back afterwards."""
        where = self.target(out, *operands)
        args = ", ".join(op.text for op in operands)
        self.lines.append(f"{call}({args}, out={where})")
        self.give_back(*operands, keep=where)
        return _Operand(where, out is None)

    def scratch(self, call: str, operands: list[_Operand], out: str | None) -> _Operand:
        """A helper ``call(operands..., out, tmp)`` with a scratch buffer."""
        where = self.target(out, *operands)
        tmp = self.buffer()
        self.lines.append(f"{call}({', '.join(op.text for op in operands)}, {where}, {tmp})")
        self.free.append(tmp)
        self.give_back(*operands, keep=where)
        return _Operand(where, out is None)

    def fold(self, first: _Operand, steps: list[_Step], out: str | None) -> _Operand:
        """Apply ``steps`` to ``first`` in turn, the last one writing into ``out``."""
        acc = first
        for k, (call, right) in enumerate(steps):
            where = out if k == len(steps) - 1 else None
            acc = self.apply(call, [acc] if right is None else [acc, right()], where)
        if not steps and out is not None:
            return self.place(acc, out)
        return acc

    def place(self, value: _Operand, out: str) -> _Operand:
        """Copy ``value`` into ``out`` (unless it is there already)."""
        if value.text != out:
            self.lines.append(f"{out}[...] = {value.text}")
        self.give_back(value)
        return _Operand(out)

    # --- nodes -------------------------------------------------------------------------

    def emit(self, node: sympy.Basic, out: str | None = None) -> _Operand:
        """The code of ``node``; its value in ``out`` when given."""
        if node in self.names:
            name = self.names[node]
            self.uses[name] -= 1
            if not self.uses[name] and not self.pending[name] and name not in self.pinned:
                value = _Operand(name, owned=True)  # its last use: it may be overwritten
            else:
                self.pending[name] += 1
                value = _Operand(name, ref=name)
        elif not node.free_symbols:
            value = _Operand(self.constant(node))
        elif isinstance(node, sympy.Add):
            return self.add(node, out)
        elif isinstance(node, sympy.Mul):
            return self.mul(node, out)
        elif isinstance(node, sympy.Pow):
            return self.power(node, out)
        else:
            return self.call(node, out)
        return value if out is None else self.place(value, out)

    def thunk(self, node: sympy.Basic) -> Callable[[], _Operand]:
        return lambda: self.emit(node)

    def constant(self, node: sympy.Basic) -> str:
        if node.is_Number:
            return float_literal(node)
        if node.has(sympy.I) or node.is_extended_real is False:
            raise _Unsupported(f"complex constant {node}")
        return f"({self.printer.doprint(node)})"

    def add(self, node: sympy.Add, out: str | None) -> _Operand:
        constant = sympy.Add(*(t for t in node.args if not t.free_symbols))
        terms = sorted(
            (t for t in node.args if t.free_symbols),
            key=lambda t: (_negated(t), t in self.names),  # positive, computed terms first
        )
        head, *rest = terms
        steps: list[_Step] = [
            ("numpy.subtract", self.thunk(-t)) if _negated(t) else ("numpy.add", self.thunk(t))
            for t in rest
        ]
        if constant != 0:
            steps.append(("numpy.add", lambda: _Operand(self.constant(constant))))
        if _negated(head):
            return self.fold(self.emit(-head), [("numpy.negative", None), *steps], out)
        return self.fold(self.emit(head), steps, out)

    def mul(self, node: sympy.Mul, out: str | None) -> _Operand:
        coeff, factors = node.as_coeff_mul()
        top = sorted((f for f in factors if not _reciprocal(f)), key=lambda f: f in self.names)
        bottom = [1 / f for f in factors if _reciprocal(f)]
        steps: list[_Step] = [("numpy.multiply", self.thunk(f)) for f in top[1:]]
        steps += [("numpy.divide", self.thunk(f)) for f in bottom]
        if not top:  # c / (...)
            return self.fold(_Operand(self.constant(coeff)), steps, out)
        if coeff == -1:
            steps.append(("numpy.negative", None))
        elif coeff != 1:
            steps.append(("numpy.multiply", lambda: _Operand(self.constant(coeff))))
        return self.fold(self.emit(top[0]), steps, out)

    def power(self, node: sympy.Pow, out: str | None) -> _Operand:
        base, exp = node.args
        if exp == 2:
            return self.apply("numpy.square", [self.emit(base)], out)
        if exp == sympy.S.Half:
            return self.apply("numpy.sqrt", [self.emit(base)], out)
        one = _Operand("1.0")
        if exp == -1:
            return self.apply("numpy.divide", [one, self.emit(base)], out)
        if exp in (-2, -sympy.S.Half):
            inner = "numpy.square" if exp == -2 else "numpy.sqrt"
            return self.apply(
                "numpy.divide", [one, self.apply(inner, [self.emit(base)], None)], out
            )
        return self.apply("numpy.power", [self.emit(base), self.emit(exp)], out)

    def call(self, node: sympy.Basic, out: str | None) -> _Operand:
        kind = type(node)
        if kind in UFUNCS and len(node.args) == 1:
            return self.apply(UFUNCS[kind], [self.emit(node.args[0])], out)
        if kind in _INTO and len(node.args) == 1:
            return self.scratch(_INTO[kind], [self.emit(node.args[0])], out)
        if kind is LogSumExp and len(node.args) > 2:
            args = [self.emit(a) for a in node.args]
            where = self.target(out, *args)  # written last, after every argument is read
            tmp = self.buffer()
            self.lines.append(
                f"_logsumexp_to(({''.join(a.text + ', ' for a in args)}), {where}, {tmp})"
            )
            self.free.append(tmp)
            self.give_back(*args, keep=where)
            return _Operand(where, out is None)
        if kind in _BINARY or kind is LogSumExp:
            first, *others = node.args
            acc = self.emit(first)
            for k, a in enumerate(others):
                last = out if k == len(others) - 1 else None
                pair = [acc, self.emit(a)]
                if kind is LogSumExp:
                    acc = self.scratch(_INTO[kind], pair, last)
                else:
                    acc = self.apply(_BINARY[kind], pair, last)
            return acc
        raise _Unsupported(f"no ufunc for {kind.__name__}")


def _negated(term: sympy.Basic) -> bool:
    return isinstance(term, sympy.Mul) and term.args[0] == -1


def _reciprocal(factor: sympy.Basic) -> bool:
    return (
        isinstance(factor, sympy.Pow)
        and factor.exp.is_Number
        and factor.exp.is_negative
        and bool(factor.base.free_symbols)
    )


def lower(
    components: Sequence[sympy.Basic], wrt: Sequence[sympy.Symbol], cse: bool
) -> list[str] | None:
    """The batch path's statements: inputs ``_x0, _x1, ...`` broadcast to shape ``_S``,
    the result written into ``_out`` (component-major, shape ``(k,) + _S``); ``None`` for a
    tree with a node it has no ufunc for, or complex values.

    Examples:
        >>> x, y = sympy.symbols("x y")
        >>> for line in lower([sympy.exp(x) * y + 1], (x, y), False): print(line)
        _b0 = numpy.empty(_S)
        numpy.exp(_x0, out=_b0)
        numpy.multiply(_b0, _x1, out=_b0)
        numpy.add(_b0, 1.0, out=_out[0])
    """
    variables = [sympy.Symbol(f"_x{i}") for i in range(len(wrt))]
    renamed = dict(zip(wrt, variables, strict=True))
    parts = [sympy.sympify(c).xreplace(renamed) for c in components]
    if any(p.has(sympy.I) for p in parts):
        return None
    parts, A, b = affine_forms(parts, variables)
    lines: list[str] = []
    if A:
        stacked = "".join(f"{v}, " for v in variables)
        lines += [
            f"_Z = (numpy.array({A!r}) @ numpy.stack(({stacked})).reshape({len(variables)}, -1))"
            f".reshape(({len(A)},) + _S)",
            *(f"_Z[{k}] += {c!r}" for k, c in enumerate(b) if c),
        ]
    replacements, reduced = common_subexpressions(parts) if cse else ([], parts)
    reduced = list(reduced)
    # a shared subexpression that is a whole component (a Hessian's H[i, j] = H[j, i]) is
    # computed into that component's place in the output, and copied to the others
    home: dict[sympy.Basic, str] = {}
    for k, value in enumerate(reduced):
        home.setdefault(value, f"_out[{k}]")
    buffers = [s for s, v in replacements if v.free_symbols and s not in home]
    rows, C, d, forms = _temp_forms(reduced, buffers)
    if forms:  # the components' linear forms in shared parts: one more BLAS product
        swap = {f: sympy.Symbol(f"_l{i}") for i, f in enumerate(forms)}
        reduced = [r.xreplace(swap) for r in reduced]
        lines.append(f"_T = numpy.empty(({len(rows)},) + _S)")
    names: dict[sympy.Basic, str] = {v: v.name for v in variables}
    names.update((sympy.Symbol(f"_z{k}"), f"_Z[{k}]") for k in range(len(A)))
    names.update((sympy.Symbol(f"_l{k}"), f"_L[{k}]") for k in range(len(forms)))
    count: Counter[sympy.Basic] = Counter()
    for value in [*(v for _, v in replacements), *reduced]:
        count.update(n for n in sympy.preorder_traversal(value) if n.is_Symbol)
    uses: Counter[str] = Counter({name: count[node] for node, name in names.items()})
    low = _Lowering(names, uses, {v.name for v in variables})
    row_of = {sym: f"_T[{j}]" for j, sym in enumerate(rows)}
    low.pinned.update(row_of.values())  # kept until the product has read them
    try:
        for sym, value in replacements:
            place = home.get(sym) or row_of.get(sym)
            got = low.emit(value, place)
            if place is not None:
                low.pinned.add(place)
                names[sym] = place
                uses[place] = count[sym]
                continue
            if not got.owned:  # a constant: a scalar of its own
                low.lines.append(f"{sym} = {got.text}")
                got = _Operand(str(sym))
                low.pinned.add(got.text)
            names[sym] = got.text
            uses[got.text] = count[sym]
        if forms:
            low.lines += [
                f"_L = (numpy.array({C!r}) @ _T.reshape({len(rows)}, -1))"
                f".reshape(({len(forms)},) + _S)",
                *(f"_L[{i}] += {c!r}" for i, c in enumerate(d) if c),
            ]
            for row in row_of.values():
                low.pinned.discard(row)
                if not uses[row]:
                    low.free.append(row)
        for k, value in enumerate(reduced):
            low.emit(value, f"_out[{k}]")
    except _Unsupported:
        return None
    return lines + low.lines


def _temp_forms(
    reduced: Sequence[sympy.Basic], temps: Sequence[sympy.Symbol]
) -> tuple[list[sympy.Symbol], list[list[float]], list[float], list[sympy.Basic]]:
    """The linear forms ``Σ c_i t_i + c`` (numbers ``c``, at least two shared parts ``t_i``)
    in the components, and their coefficient matrix over the shared parts they use: the
    gradient of a network is such a form of its hidden units' derivatives per input, the
    reverse-mode product ``W.T @ G``. Nothing (``[], [], [], []``) where the product saves
    no passes over the data (fewer than two forms, or ``m + 2k`` against ``2·terms``)."""
    allowed = frozenset(temps)
    forms: list[sympy.Basic] = []
    for r in reduced:
        for node in sympy.preorder_traversal(r):
            if node not in forms and _linear_terms(node, allowed) is not None:
                split = _linear_terms(node, allowed)
                if split is not None and not split[2]:  # nothing else in the sum
                    forms.append(node)
    if len(forms) < 2:
        return [], [], [], []
    splits = [_linear_terms(f, allowed) for f in forms]
    used = {t for split in splits if split is not None for t in split[0]}
    rows = [t for t in temps if t in used]
    terms = sum(len(split[0]) for split in splits if split is not None)
    if len(rows) + 2 * len(forms) >= 2 * terms:
        return [], [], [], []
    C = [[float(split[0].get(t, 0)) for t in rows] for split in splits if split is not None]
    d = [float(split[1]) for split in splits if split is not None]
    return rows, C, d, forms
