r"""ML-friendly display forms: σ, softplus and tanh where a result hides them in ``exp``.

A gradient of the logistic loss comes out of SymPy as
``x*(-y + (1 - y)*exp(w*x))/(exp(w*x) + 1)``; anyone from machine learning reads
:math:`x(\sigma(wx) - y)`. :func:`ml_form` rewrites an expression into that form for
*display only*: the functions it writes, :class:`sigmoid` and :class:`softplus` (and
SymPy's own ``tanh``), have the same value as what they replace, ``doit()`` turns them back
(:func:`exp_form`), and the result objects keep their SymPy ``result`` as it was, so compiled
code, ``verify()`` and every comparison are untouched.

How it works, for each family of exponentials ``exp(k*u)`` (``k`` rational) in an expression
where they sit in rational positions: write ``T = exp(g*u)`` (``g`` the gcd of the ``k``),
cancel the rational function of ``T``, then substitute ``T = s/(1 - s)`` (``s = σ(g u)``),
``T = (1 - s)/s`` (``s = σ(-g u)``) or ``T = (1 + h)/(1 - h)`` (``h = tanh(g u/2)``); a
candidate counts only when it is a *polynomial* in ``s`` or ``h`` (no σ in a denominator), and
the smallest form wins, if it is smaller than the expression it replaces. Every substitution is
an identity, so a display form has the value of the original by construction (the tests check
it at random points too). ``log(1 + exp(u))`` becomes ``softplus(u)`` first.

The work is bounded: expressions larger than :data:`MAX_OPS` operations, or with more than
:data:`MAX_FAMILIES` families of exponentials in one node, are shown as they are, and one call
stops trying new candidates after :data:`TIME_BUDGET` seconds (a
:class:`~symml.deadline.Deadline`); results are cached.

Plain text writes ``sigmoid(u)`` and ``softplus(u)``, the names :func:`symml.parse` reads, so
printed results parse back to the same value; LaTeX writes ``\sigma\left(u\right)`` and
``\operatorname{softplus}\left(u\right)``.

``config.ml_display`` (``True``) says whether results are shown this way; :func:`ml_display`
switches it for a block of code::

    with ml_display(False):
        print(sm.gradient("log(1 + exp(-y*w*x))", "w").latex())
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
from collections.abc import Iterator
from typing import Any

import sympy
from sympy.printing.latex import LatexPrinter
from sympy.printing.str import StrPrinter

from symml.config import config
from symml.deadline import Deadline

__all__ = [
    "MAX_FACTOR_OPS",
    "MAX_FAMILIES",
    "MAX_OPS",
    "MAX_POWER",
    "TIME_BUDGET",
    "exp_form",
    "latex",
    "ml_display",
    "ml_display_on",
    "ml_form",
    "plain",
    "sigmoid",
    "softplus",
]

#: Expressions with more operations than this (SymPy's ``count_ops``) are shown as they are.
MAX_OPS = 400
#: Nodes with more families of exponentials than this are not rewritten as a whole.
MAX_FAMILIES = 3
#: Nodes with an exponential under a power higher than this (``(e^x + y)^30``), or with
#: exponentials whose powers span more than this (``e^{20x} + e^{x}``), are not rewritten as a
#: whole: expanding them could take seconds.
MAX_POWER = 6
#: Candidate forms with more operations than this are not factored (``factor`` is the costly
#: step, and a long form rarely wins).
MAX_FACTOR_OPS = 30
#: Seconds one :func:`ml_form` call may spend trying candidate forms.
TIME_BUDGET = 0.25


class sigmoid(sympy.Function):  # noqa: N801 - named as the parser's function, for round trips
    r"""The logistic function σ(u) = 1/(1 + e^{-u}), a display form (:func:`ml_form`).

    Examples:
        >>> u = sympy.Symbol("u")
        >>> s = sigmoid(u)
        >>> str(s), sympy.latex(s)
        ('sigmoid(u)', '\\sigma\\left(u\\right)')
        >>> s.doit()
        1/(1 + exp(-u))
        >>> sigmoid(sympy.Integer(0)).evalf(5), s.diff(u)
        (0.50000, sigmoid(u)*(1 - sigmoid(u)))
    """

    is_real = True
    is_positive = True

    @classmethod
    def eval(cls, u: sympy.Expr) -> sympy.Expr | None:
        return None  # a display form never evaluates itself away

    @classmethod
    def class_key(cls) -> tuple[int, int, str]:
        return 2, 1, cls.__name__  # printed right after the symbols: x σ(u) (1 - σ(u))

    def definition(self) -> sympy.Expr:
        """The expression this function stands for."""
        return 1 / (1 + sympy.exp(-self.args[0]))

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        return self * (1 - self)

    def _latex(self, printer: Any, exp: Any = None) -> str:
        return _called(r"\sigma", printer._print(self.args[0]), exp)


class softplus(sympy.Function):  # noqa: N801 - named as the parser's function, for round trips
    r"""softplus(u) = log(1 + e^{u}), a display form (:func:`ml_form`).

    Examples:
        >>> u = sympy.Symbol("u")
        >>> str(softplus(u)), sympy.latex(softplus(u))
        ('softplus(u)', '\\operatorname{softplus}\\left(u\\right)')
        >>> softplus(u).doit(), softplus(u).diff(u)
        (log(exp(u) + 1), sigmoid(u))
    """

    is_real = True
    is_positive = True

    @classmethod
    def eval(cls, u: sympy.Expr) -> sympy.Expr | None:
        return None

    @classmethod
    def class_key(cls) -> tuple[int, int, str]:
        return 2, 2, cls.__name__

    def definition(self) -> sympy.Expr:
        """The expression this function stands for."""
        return sympy.log(1 + sympy.exp(self.args[0]))

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        return sigmoid(self.args[0])

    def _latex(self, printer: Any, exp: Any = None) -> str:
        return _called(r"\operatorname{softplus}", printer._print(self.args[0]), exp)


#: The display-only functions and, for each, how it is written in ``exp``/``log``.
DISPLAY_FUNCTIONS: tuple[type[sympy.Function], ...] = (sigmoid, softplus)


def _definition(self: Any, **hints: Any) -> sympy.Expr:
    return self.definition()


def _rewritten(self: Any, *args: Any, **hints: Any) -> sympy.Expr:
    return self.func(*args).definition()


def _evalf(self: Any, prec: int) -> sympy.Expr:
    return self.definition()._eval_evalf(prec)


for _cls in DISPLAY_FUNCTIONS:  # one value-keeping protocol for every display function
    _cls.doit = _definition  # type: ignore[method-assign]
    _cls._eval_rewrite_as_exp = _rewritten  # type: ignore[attr-defined]
    _cls._eval_evalf = _evalf  # type: ignore[method-assign]


def _called(name: str, arg: str, exp: Any) -> str:
    power = f"^{{{exp}}}" if exp is not None else ""
    return rf"{name}\left({arg}\right){power}"


# --- printing ----------------------------------------------------------------------------


class _Order:
    """A sum with a display function that SymPy would start with a minus sign starts with a
    positive term instead: ``σ(z) - y`` and ``1 - σ(z)``, not ``-y + σ(z)``, ``-σ(z) + 1``."""

    def _as_ordered_terms(self, expr: Any, order: Any = None) -> list[Any]:
        terms = list(super()._as_ordered_terms(expr, order=order))  # type: ignore[misc]
        if not expr.has(*DISPLAY_FUNCTIONS) or not terms[0].could_extract_minus_sign():
            return terms
        first = next((t for t in terms if not t.could_extract_minus_sign()), terms[0])
        return [first] + [t for t in terms if t is not first]


class _LatexPrinter(_Order, LatexPrinter):
    """LaTeX with display-size fractions in matrix entries (``\\displaystyle`` in each
    entry that has a fraction: a ``matrix`` sets its entries in text style, so a fraction
    there is tiny; exponents keep their script size)."""

    _in_cell = False

    def _print_matrix_contents(self, expr: Any) -> str:
        self._in_cell = True
        try:
            return str(super()._print_matrix_contents(expr))
        finally:
            self._in_cell = False

    def _print(self, expr: Any, **kwargs: Any) -> str:
        if not self._in_cell:
            return str(super()._print(expr, **kwargs))
        self._in_cell = False
        try:
            cell = str(super()._print(expr, **kwargs))
        finally:
            self._in_cell = True
        return rf"\displaystyle {cell}" if r"\frac" in _outside_scripts(cell) else cell


def _outside_scripts(latex: str) -> str:
    """``latex`` without its super- and subscript groups (``e^{\\frac{x}{2}}`` is ``e``): a
    fraction there is script size whatever the style."""
    out, depth, i = [], 0, 0
    while i < len(latex):
        if depth == 0 and latex.startswith(("^{", "_{"), i):
            depth, i = 1, i + 2
            continue
        ch = latex[i]
        if depth:
            depth += {"{": 1, "}": -1}.get(ch, 0)
        else:
            out.append(ch)
        i += 1
    return "".join(out)


class _StrPrinter(_Order, StrPrinter):
    """SymPy's ``str`` form: a matrix on one line, as ``str(matrix)`` writes it."""

    def _print_MatrixBase(self, expr: Any) -> str:
        if 0 in expr.shape:
            return str(expr)
        rows = ", ".join("[" + ", ".join(map(self._print, row)) + "]" for row in expr.tolist())
        return f"Matrix([{rows}])"


def latex(expr: Any, **settings: Any) -> str:
    r"""LaTeX of ``expr`` as results are shown: in ML form (:func:`ml_form`) when
    :func:`ml_display_on`, fractions in matrix entries at display size; ``settings`` are
    SymPy's LaTeX printer settings.

    Examples:
        >>> x = sympy.Symbol("x")
        >>> latex(sympy.Matrix([[x / (1 + sympy.exp(-x)), x / 2]]), mat_str="matrix")
        '\\left[\\begin{matrix}x \\sigma\\left(x\\right) & \\displaystyle \\frac{x}{2}\\end{matrix}\\right]'
    """
    return _LatexPrinter(settings).doprint(ml_form(expr) if ml_display_on() else expr)


def plain(expr: Any) -> str:
    """Plain text of ``expr`` as results are shown: SymPy's ``str`` form, in ML form
    (:func:`ml_form`) when :func:`ml_display_on`; :func:`symml.parse` reads it back to
    the same value.

    Examples:
        >>> x, y, w = sympy.symbols("x y w")
        >>> plain(x * (-y + (1 - y) * sympy.exp(w * x)) / (sympy.exp(w * x) + 1))
        'x*(sigmoid(w*x) - y)'
    """
    return str(_StrPrinter().doprint(ml_form(expr) if ml_display_on() else expr))


# --- the switch --------------------------------------------------------------------------

_ENABLED: contextvars.ContextVar[bool | None] = contextvars.ContextVar("ml_display", default=None)


def ml_display_on() -> bool:
    """Whether results are displayed in ML form now: inside :func:`ml_display`, what it
    set, else ``config.ml_display``.

    Examples:
        >>> ml_display_on() == config.ml_display
        True
    """
    enabled = _ENABLED.get()
    return config.ml_display if enabled is None else enabled


@contextlib.contextmanager
def ml_display(enabled: bool = True) -> Iterator[None]:
    r"""Show results in ML form (σ, softplus, tanh) or not, inside a ``with`` block.

    Args:
        enabled: ``False`` shows results exactly as SymPy writes them.

    Examples:
        >>> from symml.derivation import tex
        >>> e = 1 / (1 + sympy.exp(-sympy.Symbol("x")))
        >>> tex(e)
        '\\sigma\\left(x\\right)'
        >>> with ml_display(False):
        ...     tex(e)
        '\\frac{1}{1 + e^{- x}}'
    """
    token = _ENABLED.set(bool(enabled))
    try:
        yield
    finally:
        _ENABLED.reset(token)


# --- the rewrite -------------------------------------------------------------------------


def ml_form(expr: Any) -> Any:
    """``expr`` with σ, softplus and tanh written where it holds them as exponentials: a
    display form with the same value (:func:`exp_form` turns it back).

    Matrices are rewritten entry by entry, dicts value by value; anything else that is not a
    SymPy expression comes back as it is, as do expressions larger than :data:`MAX_OPS`.

    Examples:
        >>> x, y, w = sympy.symbols("x y w")
        >>> ml_form(1 / (1 + sympy.exp(-x)))
        sigmoid(x)
        >>> ml_form(-x * y / (sympy.exp(w * x * y) + 1))
        -x*y*sigmoid(-w*x*y)
        >>> ml_form(x * (-y + (1 - y) * sympy.exp(w * x)) / (sympy.exp(w * x) + 1))
        x*(-y + sigmoid(w*x))
        >>> ml_form(sympy.exp(x) / (sympy.exp(x) + 1) ** 2)
        sigmoid(x)*(1 - sigmoid(x))
        >>> ml_form(sympy.log(1 + sympy.exp(-x)))
        softplus(-x)
        >>> ml_form((sympy.exp(x) - sympy.exp(-x)) / (sympy.exp(x) + sympy.exp(-x)))
        tanh(x)
        >>> ml_form(sympy.exp(-(x**2) / 2))  # nothing to recognise: unchanged
        exp(-x**2/2)
    """
    if isinstance(expr, sympy.MatrixBase):
        return sympy.ImmutableMatrix(expr.rows, expr.cols, [ml_form(e) for e in expr])
    if isinstance(expr, dict):
        return {k: ml_form(v) for k, v in expr.items()}
    if not isinstance(expr, sympy.Expr) or not expr.has(sympy.exp):
        return expr
    return _ml_form(expr)


def exp_form(expr: Any) -> Any:
    """``expr`` with the display functions (:class:`sigmoid`, :class:`softplus`) written
    out in ``exp`` and ``log`` again: the inverse of :func:`ml_form` up to algebra.

    Examples:
        >>> x = sympy.Symbol("x")
        >>> exp_form(x * sigmoid(x) + softplus(x))
        x/(1 + exp(-x)) + log(exp(x) + 1)
    """
    if isinstance(expr, sympy.MatrixBase):
        return expr.applyfunc(exp_form)
    if not isinstance(expr, sympy.Basic):
        return expr
    return expr.replace(lambda e: isinstance(e, DISPLAY_FUNCTIONS), lambda e: e.definition())


@functools.lru_cache(maxsize=512)
def _ml_form(expr: sympy.Expr) -> sympy.Expr:
    if sympy.count_ops(expr) > MAX_OPS:
        return expr
    try:
        return _rewrite(_softplus(expr), Deadline(TIME_BUDGET))
    except Exception:  # a display nicety: whatever SymPy trips on, the form as it is is right
        return expr


def _softplus(expr: sympy.Expr) -> sympy.Expr:
    """``log(1 + exp(u))`` as ``softplus(u)``."""

    def is_softplus(e: Any) -> bool:
        if not isinstance(e, sympy.log) or not e.args[0].is_Add or len(e.args[0].args) != 2:
            return False
        one, rest = sorted(e.args[0].args, key=lambda a: a != 1)
        return bool(one == 1 and isinstance(rest, sympy.exp))

    return expr.replace(is_softplus, lambda e: softplus((e.args[0] - 1).args[0]))


def _rewrite(node: sympy.Expr, deadline: Deadline) -> sympy.Expr:
    """The node rewritten as a whole where that helps, then its arguments, top down."""
    if not node.has(sympy.exp) or deadline.expired:
        return node
    families = _families(node)
    if len(families) <= MAX_FAMILIES:
        for base, powers in families.items():
            node = _best(node, base, powers, deadline)
    if not node.args or not node.has(sympy.exp):
        return node
    args = [_rewrite(a, deadline) if isinstance(a, sympy.Expr) else a for a in node.args]
    return node.func(*args) if args != list(node.args) else node


def _families(node: sympy.Expr) -> dict[sympy.Expr, dict[sympy.exp, sympy.Rational]]:
    """The exponentials of ``node`` in rational positions, by family: ``{u: {exp(k u): k}}``
    with ``u`` free of a leading minus sign and ``k`` rational."""
    out: dict[sympy.Expr, dict[sympy.exp, sympy.Rational]] = {}
    for e in _rational_atoms(node):
        k, u = e.args[0].as_coeff_Mul()
        if not k.is_Rational or u.has(sympy.I):
            continue  # σ(0.5 x) would hide a float, σ(i x) is no ML form
        if u.could_extract_minus_sign():
            k, u = -k, -u
        out.setdefault(u, {})[e] = k
    return out


def _rational_atoms(node: sympy.Expr) -> set[sympy.exp]:
    """The ``exp(...)`` reached from ``node`` through sums, products and integer powers."""
    if isinstance(node, sympy.exp):
        return {node}
    if node.is_Add or node.is_Mul:
        return set().union(*(_rational_atoms(a) for a in node.args))
    if node.is_Pow and node.exp.is_Integer and abs(node.exp) <= MAX_POWER:
        return _rational_atoms(node.base)
    return set()


_S, _T = sympy.Dummy("s"), sympy.Dummy("T", positive=True)


def _rational_in_t(expr: sympy.Expr) -> bool:
    """Whether ``_T`` occurs in ``expr`` only through sums, products and integer powers."""
    if expr == _T or not expr.has(_T):
        return True
    if expr.is_Add or expr.is_Mul:
        return all(_rational_in_t(a) for a in expr.args)
    return bool(expr.is_Pow and expr.exp.is_Integer and _rational_in_t(expr.base))


def _candidates(sigma: sympy.Poly, v: sympy.Expr) -> list[tuple[sympy.Poly, sympy.Expr]]:
    """The polynomial ``sigma`` in ``s = σ(v)`` written in σ(v), in σ(-v) (``σ(v) = 1 - σ(-v)``)
    and in ``h = tanh(v/2)`` (``σ(v) = (1 + h)/2``): ``(polynomial in s, what s is)``."""
    return [
        (sigma, sigmoid(v)),
        (sigma.compose(sympy.Poly(1 - _S, _S)), sigmoid(-v)),
        (sigma.compose(sympy.Poly((1 + _S) / 2, _S)), sympy.tanh(v / 2)),
    ]


def _best(
    node: sympy.Expr, base: sympy.Expr, powers: dict[sympy.exp, sympy.Rational], deadline: Deadline
) -> sympy.Expr:
    """``node`` with the family ``exp(k base)`` written through σ or tanh, when a form is
    a polynomial in it and smaller than ``node``; else ``node``. The terms or factors of
    ``node`` without the family are kept as they are."""
    g = abs(sympy.gcd_list(list(powers.values())))
    if max(abs(k / g) for k in powers.values()) > MAX_POWER:
        return node
    add = node.is_Add
    kept, part = node.as_independent(*powers, as_Add=add)
    if not _divides_by(part, tuple(powers)):
        return node  # a polynomial in exp(u) is never a polynomial in σ(u): 1 - σ divides it
    in_t = part.xreplace({e: _T ** (k / g) for e, k in powers.items()})
    if not _rational_in_t(in_t) or any(
        (e.args[0] / base).is_Rational for e in in_t.atoms(sympy.exp)
    ):
        return node  # the family also sits where no substitution reaches (inside a function)
    rational = sympy.together(in_t)
    d = _power_gcd(rational)
    # exp(d g base) is T: written in s = σ(d g base), exp(d g base) = s/(1 - s)
    in_s = sympy.cancel(rational.subs(_T, (_S / (1 - _S)) ** sympy.Rational(1, d)))
    num, den = sympy.fraction(in_s)
    if den.has(_S):
        return node  # σ in a denominator: no simpler than the exponentials
    best, best_cost = node, _cost(node)
    for poly, function in _candidates(sympy.Poly(num, _S) * (1 / den), d * g * base):
        if deadline.expired:
            break
        for form in _forms(poly):
            whole = kept + form if add else kept * form  # 4 (1 - h^2)/4 is 1 - h^2
            cost = _cost(whole)
            if cost < best_cost:
                best, best_cost = whole.xreplace({_S: function}), cost
    return best


def _divides_by(expr: sympy.Expr, atoms: tuple[sympy.exp, ...]) -> bool:
    """Whether ``expr`` has a negative power of something holding one of ``atoms``."""
    return any(
        e.is_Pow and e.exp.is_negative and e.base.has(*atoms)
        for e in sympy.preorder_traversal(expr)
    )


def _power_gcd(rational: sympy.Expr) -> int:
    """The gcd of the powers of ``_T`` in the numerator and denominator of ``rational``."""
    powers: list[int] = []
    for part in sympy.fraction(rational):
        try:
            powers += [m[0] for m in sympy.Poly(part, _T).monoms()]
        except sympy.PolynomialError:
            return 1
    return int(sympy.gcd_list([p for p in powers if p])) if any(powers) else 1


def _forms(poly: sympy.Poly) -> list[sympy.Expr]:
    """A polynomial in ``_S`` factored and expanded (factored first: it wins a tie), each
    with its sign tidied."""
    expanded = poly.as_expr()
    if sympy.count_ops(expanded) > MAX_FACTOR_OPS:
        return [_tidy(expanded)]
    return [_tidy(sympy.factor(expanded)), _tidy(expanded)]


def _cost(expr: sympy.Expr) -> tuple[int, int]:
    """How big a form reads: its operations, then its length."""
    return sympy.count_ops(expr), len(str(expr))


def _tidy(expr: sympy.Expr) -> sympy.Expr:
    """``-s*(s - 1)`` as ``s*(1 - s)``: a minus sign moved into a sum factor."""
    if not expr.is_Mul:
        return expr
    coeff, rest = expr.as_coeff_Mul()
    sums = [f for f in sympy.Mul.make_args(rest) if f.is_Add]
    if not coeff.is_negative or not sums:
        return expr
    flipped = sympy.Mul(*[f for f in sympy.Mul.make_args(rest) if f is not sums[0]])
    return sympy.Mul(-coeff, flipped, sympy.expand(-sums[0]), evaluate=True)
