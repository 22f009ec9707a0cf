r"""LaTeX of matrix expressions the way a textbook writes them.

``\odot`` for the Hadamard product (``\oslash`` for element-wise division), element-wise
functions as functions (σ(Xw), not a lambda), ``\operatorname{diag}``,
``\operatorname{tr}`` (and no trace at all around a 1×1 product: xᵀAx), ``\det``,
``X^{-1}``, ``X^{-T}``, ``\mathbf{1}`` for the ones vector, ``\otimes``, ``K_{m,n}``,
positive terms of a sum first (x − μ, not −μ + x), and ``lam`` written λ.

Examples:
    >>> from symml.matrix_parsing import parse_matrix
    >>> matrix_latex(parse_matrix("X.T @ (sigmoid(X @ w) - y)", "X:n,m w:m y:n"))
    'X^{T} \\left(\\sigma\\left(X w\\right) - y\\right)'
"""

from __future__ import annotations

from typing import Any

import sympy
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
from sympy.matrices.expressions.matexpr import MatrixExpr
from sympy.printing.latex import LatexPrinter
from sympy.printing.precedence import PRECEDENCE
from sympy.printing.str import StrPrinter

from symml.derivation import LATEX_SETTINGS
from symml.matrixcalc.functions import FUNCTIONS, name_functions

__all__ = ["SYMBOL_NAMES", "matrix_latex", "matrix_text"]

#: Names written as another symbol: the parser's spelling of a Greek letter that is a
#: Python keyword.
SYMBOL_NAMES: dict[str, str] = {"lam": r"\lambda", "Lam": r"\Lambda"}


def _coefficient(term: Any) -> Any:
    if isinstance(term, sympy.MatMul):
        return sympy.Mul(*[a for a in term.args if not isinstance(a, MatrixExpr)])
    return sympy.S.One


def _negative(term: Any) -> bool:
    return bool(_coefficient(term).could_extract_minus_sign())


def _term_order(term: Any) -> tuple[bool, int, str]:
    """Positive terms first, then fewer transposes (A + Aᵀ), then by name."""
    transposes = sum(isinstance(a, sympy.Transpose) for a in sympy.preorder_traversal(term))
    return (_negative(term), transposes, str(term))


class MatrixLatexPrinter(LatexPrinter):
    """SymPy's LaTeX printer with the notation of The Matrix Cookbook."""

    def _print_Symbol(self, expr: Any, style: str = "plain") -> str:
        if expr.name in SYMBOL_NAMES:
            return SYMBOL_NAMES[expr.name]
        return super()._print_Symbol(expr, style)

    def _print_MatrixSymbol(self, expr: Any) -> str:
        if expr.name in SYMBOL_NAMES:
            return SYMBOL_NAMES[expr.name]
        return super()._print_MatrixSymbol(expr)

    def _print_MatAdd(self, expr: Any) -> str:
        return _joined_terms(expr, self._print)

    def _print_Pow(self, expr: Any) -> str:
        base, p = expr.args
        if isinstance(base, sympy.Trace) and base.arg.shape == (1, 1) and p.is_Number:
            if p < 0:
                return rf"\frac{{1}}{{{self._print(sympy.Pow(base, -p))}}}"
            if p == sympy.S.Half:
                return rf"\sqrt{{{self._print(base)}}}"
            return rf"\left({self._print(base)}\right)^{{{self._print(p)}}}"
        return super()._print_Pow(expr)

    def _print_HadamardProduct(self, expr: Any) -> str:
        num = [a for a in expr.args if not _is_reciprocal(a)]
        den = [a.args[0] for a in expr.args if _is_reciprocal(a)]
        num.sort(key=_hadamard_order)  # -y ⊙ σ(u) ⊙ (1 − σ(u)) ⊙ du
        sign = ""
        if num and _negative(num[0]):
            sign, num[0] = "-", sympy.MatMul(-1, num[0]).doit(deep=False)
        parts = " \\odot ".join(self._factor(a) for a in num) if num else r"\mathbf{1}"
        parts = sign + parts
        for d in den:
            parts += r" \oslash " + self._factor(d)
        return parts

    def _factor(self, a: Any) -> str:
        """A factor of ⊙ or ⊗: sums in parentheses (a product binds tighter)."""
        if isinstance(a, sympy.MatAdd) or (isinstance(a, sympy.MatMul) and _negative(a)):
            return rf"\left({self._print(a)}\right)"
        return self._print(a)

    def _print_HadamardPower(self, expr: Any) -> str:
        base, p = expr.args
        return rf"{self.parenthesize_super(self._factor(base))}^{{\odot {self._print(p)}}}"

    def _print_ElementwiseApplyFunction(self, expr: Any) -> str:
        x = sympy.Dummy("x")
        body = name_functions(sympy.sympify(expr.function(x)))
        arg = self._print(expr.expr)
        if isinstance(body, sympy.Abs) and body.args[0] == x:
            return rf"\left|{arg}\right|"
        if body.is_Pow and body.base == x and body.exp == sympy.S.Half:
            return rf"\sqrt{{{arg}}}"
        if type(body) in FUNCTIONS and body.args[0] == x:
            return rf"{FUNCTIONS[type(body)][1]}\left({arg}\right)"
        fn = self._print(sympy.Lambda(x, body))
        return rf"\left({fn}\right)_{{\circ}}\left({arg}\right)"

    def _print_DiagMatrix(self, expr: Any) -> str:
        return rf"\operatorname{{diag}}\left({self._print(expr.args[0])}\right)"

    _print_DiagonalOf = _print_DiagMatrix

    def _print_Trace(self, expr: Any) -> str:
        if expr.arg.shape == (1, 1):
            return self._print(expr.arg)
        return rf"\operatorname{{tr}}\left({self._print(expr.arg)}\right)"

    def _print_Determinant(self, expr: Any) -> str:
        return rf"\det\left({self._print(expr.arg)}\right)"

    def _print_log(self, expr: Any, exp: str | None = None) -> str:
        if isinstance(expr.args[0], sympy.Determinant):
            out = rf"\log\det\left({self._print(expr.args[0].arg)}\right)"
            return out if exp is None else rf"\left({out}\right)^{{{exp}}}"
        return super()._print_log(expr, exp)  # type: ignore[misc]

    def _print_Inverse(self, expr: Any) -> str:
        arg = expr.arg
        if isinstance(arg, sympy.Transpose) and _atomic(arg.arg):
            return rf"{self._print(arg.arg)}^{{-T}}"
        if _atomic(arg):
            return rf"{self._print(arg)}^{{-1}}"
        return rf"\left({self._print(arg)}\right)^{{-1}}"

    def _print_Transpose(self, expr: Any) -> str:
        arg = expr.arg
        if isinstance(arg, sympy.Inverse) and _atomic(arg.arg):
            return rf"{self._print(arg.arg)}^{{-T}}"
        if _atomic(arg) or isinstance(arg, ElementwiseApplyFunction):
            return rf"{self._print(arg)}^{{T}}"
        return rf"\left({self._print(arg)}\right)^{{T}}"

    def _print_OneMatrix(self, expr: Any) -> str:
        rows, cols = expr.shape
        return r"\mathbf{1}^{T}" if rows == 1 and cols != 1 else r"\mathbf{1}"

    def _print_Identity(self, expr: Any) -> str:
        return "I"

    def _print_KroneckerProduct(self, expr: Any) -> str:
        return r" \otimes ".join(self._factor(a) for a in expr.args)

    def _print_MatMul(self, expr: Any) -> str:
        scalars = [a for a in expr.args if not isinstance(a, MatrixExpr)]
        mats = [a for a in expr.args if isinstance(a, MatrixExpr)]
        coeff = sympy.Mul(*scalars)
        body = " ".join(self._chain_factor(m) for m in mats)
        if coeff == 1:
            return body
        if coeff == -1:
            if len(mats) == 1 and isinstance(mats[0], sympy.HadamardProduct):
                return "-" + self._print(mats[0])
            return "-" + body
        if coeff.is_Mul or coeff.is_Add:
            printed = self._print(coeff)
            if coeff.is_Add:
                printed = rf"\left({printed}\right)"
            return f"{printed} {body}"
        return f"{self._print(coeff)} {body}"

    def _chain_factor(self, m: Any) -> str:
        if isinstance(m, (sympy.MatAdd, sympy.KroneckerProduct, sympy.HadamardProduct)):
            return rf"\left({self._print(m)}\right)"
        return self._print(m)


def _joined_terms(expr: Any, show: Any) -> str:
    """A sum written with its positive terms first and ``a - b`` for negative ones."""
    terms = sorted(expr.args, key=_term_order)
    out = show(terms[0])
    for t in terms[1:]:
        if _negative(t):
            out += " - " + show(sympy.MatMul(-1, t).doit(deep=False))
        else:
            out += " + " + show(t)
    return out


def _hadamard_order(a: Any) -> tuple[int, int]:
    """Negative factors first, sums later, differentials (dX) last."""
    is_d = isinstance(a, sympy.MatrixSymbol) and a.name.startswith("d") and len(a.name) > 1
    return (2 if is_d else 1 if isinstance(a, sympy.MatAdd) else 0 if _negative(a) else 0, 0)


def _atomic(e: Any) -> bool:
    return isinstance(e, sympy.MatrixSymbol)


def _is_reciprocal(a: Any) -> bool:
    return isinstance(a, sympy.HadamardPower) and a.args[1] == -1


def matrix_latex(expr: Any) -> str:
    """LaTeX of a matrix (or scalar) expression in textbook notation."""
    return MatrixLatexPrinter(dict(LATEX_SETTINGS)).doprint(expr)


class MatrixTextPrinter(StrPrinter):
    """Matrix expressions in the NumPy notation :func:`~symml.parse` reads (``@``, ``*``
    element-wise, ``.T``, ``sigmoid``, ``inv``, ``diag``, ``ones``...)."""

    def _print_Symbol(self, expr: Any) -> str:
        return expr.name

    def _print_MatMul(self, expr: Any) -> str:
        scalars = [a for a in expr.args if not isinstance(a, MatrixExpr)]
        mats = [a for a in expr.args if isinstance(a, MatrixExpr)]
        body = " @ ".join(self._operand(m, "@") for m in mats)
        coeff = sympy.Mul(*scalars)
        if coeff == 1:
            return body
        if coeff == -1:
            return f"-{body}"
        return f"{self.parenthesize(coeff, PRECEDENCE['Mul'])}*{body}"

    def _operand(self, m: Any, op: str) -> str:
        text = self._print(m)
        compound = (sympy.MatAdd, sympy.HadamardProduct, sympy.KroneckerProduct)
        if isinstance(m, compound) or (op != "@" and isinstance(m, sympy.MatMul)):
            return f"({text})"
        return text

    def _print_MatAdd(self, expr: Any) -> str:
        return _joined_terms(expr, self._print)

    def _print_Transpose(self, expr: Any) -> str:
        arg = expr.arg
        text = self._print(arg)
        simple = isinstance(arg, (sympy.MatrixSymbol, ElementwiseApplyFunction, sympy.Inverse))
        return f"{text}.T" if simple else f"({text}).T"

    def _print_Inverse(self, expr: Any) -> str:
        return f"inv({self._print(expr.arg)})"

    def _print_Determinant(self, expr: Any) -> str:
        return f"det({self._print(expr.arg)})"

    def _print_log(self, expr: Any) -> str:
        if isinstance(expr.args[0], sympy.Determinant):
            return f"logdet({self._print(expr.args[0].arg)})"
        return f"log({self._print(expr.args[0])})"

    def _print_Trace(self, expr: Any) -> str:
        if expr.arg.shape == (1, 1):
            return f"({self._print(expr.arg)})"
        return f"tr({self._print(expr.arg)})"

    def _print_HadamardProduct(self, expr: Any) -> str:
        return " * ".join(self._operand(a, "*") for a in sorted(expr.args, key=_hadamard_order))

    def _print_HadamardPower(self, expr: Any) -> str:
        base, p = expr.args
        return f"{self._operand(base, '**')}**{self.parenthesize(p, PRECEDENCE['Pow'])}"

    def _print_ElementwiseApplyFunction(self, expr: Any) -> str:
        x = sympy.Dummy("x")
        body = name_functions(sympy.sympify(expr.function(x)))
        arg = self._print(expr.expr)
        if body.is_Pow and body.base == x and body.exp == sympy.S.Half:
            return f"sqrt({arg})"
        if isinstance(body, sympy.Heaviside):
            return f"step({arg})"
        if body.args and body.args[0] == x and isinstance(body, sympy.Function):
            name = "abs" if isinstance(body, sympy.Abs) else type(body).__name__
            return f"{name}({arg})"
        return f"({sympy.Lambda(x, body)})({arg})"

    def _print_DiagMatrix(self, expr: Any) -> str:
        return f"diag({self._print(expr.args[0])})"

    _print_DiagonalOf = _print_DiagMatrix

    def _print_OneMatrix(self, expr: Any) -> str:
        rows, cols = expr.shape
        if cols == 1:
            return f"ones({rows})"
        if rows == 1:
            return f"ones({cols}).T"
        return f"ones({rows}, {cols})"

    def _print_Identity(self, expr: Any) -> str:
        return f"eye({expr.shape[0]})"

    def _print_KroneckerProduct(self, expr: Any) -> str:
        return f"kron({', '.join(self._print(a) for a in expr.args)})"

    def _print_Vec(self, expr: Any) -> str:
        return f"vec({self._print(expr.arg)})"

    def _print_CommutationMatrix(self, expr: Any) -> str:
        m, n = expr.args
        return f"K({m}, {n})"


def matrix_text(expr: Any) -> str:
    """A matrix expression in NumPy notation (what ``parse(text, shapes=...)`` reads).

    Examples:
        >>> from symml.matrix_parsing import parse_matrix
        >>> matrix_text(parse_matrix("X.T @ (sigmoid(X @ w) - y)", "X:n,m w:m y:n"))
        'X.T @ (sigmoid(X @ w) - y)'
    """
    return MatrixTextPrinter().doprint(expr)
