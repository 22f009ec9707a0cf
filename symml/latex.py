"""LaTeX of expressions and result objects.

Every result object renders itself (``.latex()``); :func:`to_latex` is the single entry
point that accepts anything: result objects, SymPy objects, numbers, sequences.
"""

from __future__ import annotations

from collections.abc import Mapping

import sympy

from symml.derivation import tex
from symml.parsing import parse

__all__ = ["GREEK_LETTERS", "to_latex"]

#: The Greek letters by their LaTeX command names (``\\alpha`` is α), for the edges that turn
#: LaTeX into plain text and plain text into LaTeX (the command line, notes).
GREEK_LETTERS: dict[str, str] = dict(
    zip(
        [
            "alpha",
            "beta",
            "gamma",
            "delta",
            "epsilon",
            "zeta",
            "eta",
            "theta",
            "iota",
            "kappa",
            "lambda",
            "mu",
            "nu",
            "xi",
            "pi",
            "rho",
            "sigma",
            "tau",
            "upsilon",
            "phi",
            "chi",
            "psi",
            "omega",
            "Gamma",
            "Delta",
            "Theta",
            "Lambda",
            "Xi",
            "Pi",
            "Sigma",
            "Phi",
            "Psi",
            "Omega",
        ],
        "αβγδεζηθικλμνξπρστυφχψωΓΔΘΛΞΠΣΦΨΩ",
        strict=True,
    )
)


def to_latex(obj: object, *, steps: bool = True) -> str:
    r"""LaTeX string of an expression or a result object.

    Args:
        obj: A result object (anything with ``.latex(*, steps=True)``), a SymPy object, a
            number, a str (parsed), or a list/tuple/dict of these.
        steps: For derivations, show the steps (``True``) or only the result.

    Examples:
        >>> import symml as sm
        >>> to_latex(sm.parse("x^2/2"))
        '\\frac{x^{2}}{2}'
        >>> to_latex(sm.derivative("x**2", "x"), steps=False)
        '\\frac{d}{d x} f(x) = 2 x'
    """
    if isinstance(obj, sympy.MatrixBase):
        return tex(obj)
    render = getattr(obj, "latex", None)
    if callable(render) and not isinstance(obj, sympy.Basic):
        return render(steps=steps)
    if isinstance(obj, str):
        return tex(parse(obj))
    if isinstance(obj, Mapping):
        return r",\quad ".join(f"{to_latex(k)} = {to_latex(v)}" for k, v in obj.items())
    if isinstance(obj, (list, tuple)):
        return r",\ ".join(to_latex(o, steps=steps) for o in obj)
    if isinstance(obj, (sympy.Basic, int, float, complex)) or hasattr(obj, "__float__"):
        return tex(sympy.sympify(obj) if not isinstance(obj, sympy.Basic) else obj)
    raise TypeError(f"to_latex() cannot render {type(obj).__name__}")
